"""The history panel's rows with the actions this user may take on each."""

from __future__ import annotations

import dataclasses

from agents.models import Agent
from agents.permissions import Abilities
from agents.selectors import history


def history_for(agent: Agent, can: Abilities, page: int = 1) -> history.HistoryPage:
    """A page of the history panel: Restore for editors and Release for releasers,
    on an agent that is not archived (a released version is not released again)."""
    found = history.history_page(agent=agent, page=page)
    active = agent.archived_at is None
    rows = [
        dataclasses.replace(
            row,
            can_restore=can.edit and active,
            can_release=can.release and active and not row.is_released,
            can_request=can.edit and not can.release and active and not row.is_released,
            can_label=(can.edit or can.release) and active,
        )
        for row in found.rows
    ]
    return dataclasses.replace(found, rows=rows)
