"""Draft revisions: every draft save, listed and opened (restoring one is POST /restore)."""

from __future__ import annotations

from ninja import Query

from agents.api.common import Router, next_url, require
from agents.api.schemas import ERRORS_READ, Paging, RevisionDetail, RevisionList
from agents.api.shapes import revision_out
from agents.permissions import VIEW_AGENT
from agents.selectors import agents
from agents.selectors import revisions as revisions_selectors

revisions = Router(tags=["agents"])


@revisions.get("/{agent_id}/revisions", response={200: RevisionList, **ERRORS_READ})
def list_revisions(request, paging: Query[Paging], agent_id: str):
    """List draft revisions, newest first

    Every draft save is revision `rN`: who, when, why and which paths changed. The
    configurations are not included (open one revision for its `config`)."""
    require(request, VIEW_AGENT)
    agent = agents.versioned_for_page(agent_id)
    rows, more = revisions_selectors.revision_rows(agent, start=paging.offset, count=paging.limit)
    return {
        "data": [revision_out(row) for row in rows],
        "next": next_url(request, paging.offset, paging.limit, more),
    }


@revisions.get("/{agent_id}/revisions/{number}", response={200: RevisionDetail, **ERRORS_READ})
def get_revision(request, agent_id: str, number: int):
    """One draft revision with its configuration

    Exactly what the draft held after that save; `content_hash` matches `config`."""
    require(request, VIEW_AGENT)
    agent = agents.versioned_for_page(agent_id)
    found = revisions_selectors.revision(agent, number)
    versions = tuple(
        f"v{n}" for n in revisions_selectors.versions_with_content(agent, found.content_hash)
    )
    row = revisions_selectors.RevisionRow(found, found.number == agent.draft.revision, versions)
    return revision_out(row, config=found.snapshot.config)
