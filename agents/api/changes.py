"""`GET /changes`: what changed in what runtimes are served, after a `seq`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Schema

from agents.api.common import Router, require
from agents.api.schemas import ERRORS_READ
from agents.domain.exceptions import InvalidInput
from agents.models.changes import ChangeKind
from agents.permissions import VIEW_AGENT
from agents.selectors import changes as changes_selectors

changes_router = Router(tags=["runtime"])

FILTERS = ("since", "agent", "channel", "prompt", "limit")


class ChangeEventOut(Schema):
    seq: int
    kind: Literal[tuple(ChangeKind.values)]  # type: ignore[valid-type]
    workspace: str | None = Field(None, description="`ws_…`: whose change it is")
    agent: str | None = Field(None, description="`ag_…`, when the change is about an agent")
    channel: str | None = Field(None, description="`ch_…`, for a channel's routing")
    prompt: str | None = Field(None, description="`pr_…`, for a prompt's release or label")
    ref: str | None = Field(None, description="The pointer that moved: released or a label")
    version: int | None = Field(None, description="What the pointer points at now")
    archived: bool | None = Field(None, description="agent.archived: archived, or back")
    change_request: str | None = Field(
        None, description="`cr_…`, for a change request opened, reviewed or merged"
    )
    at: datetime


class ChangeList(Schema):
    data: list[ChangeEventOut]
    last_seq: int = Field(description="Ask `since` this next: every change up to it is here")
    reset: bool | None = Field(
        None,
        description="Present (true) when changes after `since` are no longer kept: read "
        "everything again (resolve what you serve), then ask `since` `last_seq`",
    )


class ChangeFilters(Schema):
    since: int = Field(0, ge=0, description="The last `seq` the caller has (0: from the start)")
    agent: list[str] = Field([], description="`ag_…`; repeat for several")
    channel: list[str] = Field([], description="`ch_…` (its agent's changes too)")
    prompt: list[str] = Field([], description="`pr_…`")
    limit: int = Field(100, ge=1, le=changes_selectors.MAX_PAGE)


def check_filters(request, known: tuple[str, ...]) -> None:
    """Refuse a query parameter the endpoint does not know: a misspelt filter would
    otherwise widen the answer to every change."""
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise InvalidInput([{"path": name, "message": "unknown filter"} for name in unknown])


@changes_router.get("", response={200: ChangeList, **ERRORS_READ}, exclude_none=True)
def list_changes(request, filters: Query[ChangeFilters]):
    """Changes of what runtimes are served, oldest first

    Each release, rollback, label move, channel routing (a rollout's steps too), prompt
    release and archiving, numbered by `seq` in commit order. Filters repeat
    (`?agent=ag_a&agent=ag_b`); none gives every change. `since` beyond the last change
    is refused (422); one older than what is kept (`CHANGES_KEEP_HOURS`) answers
    `reset`."""
    require(request, VIEW_AGENT)
    check_filters(request, FILTERS)
    rows, last, reset = changes_selectors.page_after(
        filters.since,
        filters.limit,
        agents=filters.agent,
        channels=filters.channel,
        prompts=filters.prompt,
    )
    body = {"data": [changes_selectors.event(row) for row in rows], "last_seq": last}
    return {**body, "reset": True} if reset else body
