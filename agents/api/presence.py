"""Who is viewing or editing an agent's draft and branches now (API.md, "Branches and
change requests")."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ
from agents.permissions import VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import presence

presence_router = Router(tags=["branches"])


class PresenceOut(Schema):
    user: str
    where: str
    editing: bool
    seen_at: datetime


class PresenceList(Schema):
    data: list[PresenceOut]


@presence_router.get("/{agent_id}/presence", response={200: PresenceList, **ERRORS_READ})
def list_presence(request, agent_id: str):
    """Who looked at the draft (`draft`) or a branch (`draft:NAME`) in the last 60 s"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    return {
        "data": [
            {
                "user": row.user.get_username(),
                "where": row.where,
                "editing": row.editing,
                "seen_at": row.seen_at,
            }
            for row in presence.present(agent)
        ]
    }
