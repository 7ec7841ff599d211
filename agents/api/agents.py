"""Agents, their draft, versions, releases, restore and diffs."""

from __future__ import annotations

from typing import Literal

from ninja import Query, Router, Status

from agents import selectors, services
from agents.api.common import expected_revision, if_match, page, require
from agents.api.idempotency import idempotent
from agents.api.release_schemas import ScheduledOut
from agents.api.schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    AgentCreate,
    AgentList,
    AgentOut,
    AgentPatch,
    DiffOut,
    DraftIn,
    DraftOut,
    ErrorOut,
    Paging,
    ReleaseIn,
    ReleaseList,
    ReleaseOut,
    RestoreIn,
    VersionCreate,
    VersionList,
    VersionOut,
)
from agents.api.shapes import (
    agent_out,
    draft_out,
    event_out,
    schedule_out,
    version_out,
    version_summary,
)
from agents.permissions import (
    CHANGE_AGENT,
    CREATE_AGENT,
    EDIT_DRAFT,
    RELEASE,
    SAVE_VERSION,
    VIEW_AGENT,
)

agents = Router(tags=["agents"])


@agents.get("", response={200: AgentList, **ERRORS_READ}, summary="List agents")
def list_agents(
    request,
    paging: Query[Paging],
    search: str = "",
    status: Literal["", "unpublished", "published", "unpublished_changes"] = "",
):
    require(request, VIEW_AGENT)
    return page(request, selectors.agent_list(search=search, status=status), paging, agent_out)


@agents.post("", response={201: AgentOut, **ERRORS_WRITE}, summary="Create an agent")
def create_agent(request, payload: AgentCreate):
    """A partial `config` is merged over the defaults like a JSON merge patch."""
    principal = require(request, CREATE_AGENT)
    agent = services.create_agent(
        name=payload.name,
        description=payload.description,
        config=payload.config,
        user=principal.user,
    )
    return Status(201, agent_out(selectors.agent_for_page(agent.public_id)))


@agents.get("/{agent_id}", response={200: AgentOut, **ERRORS_READ}, summary="Get an agent")
def get_agent(request, agent_id: str):
    require(request, VIEW_AGENT)
    return agent_out(selectors.agent_for_page(agent_id))


@agents.patch(
    "/{agent_id}",
    response={200: AgentOut, **ERRORS_WRITE},
    summary="Rename or describe an agent (never creates a version)",
)
def patch_agent(request, agent_id: str, payload: AgentPatch):
    # Name and description are the Editor's; the release gate is the Releaser's.
    if payload.name is not None or payload.description is not None:
        require(request, CHANGE_AGENT)
    settings_change = payload.require_passing_eval is not None or (
        payload.approvals_required is not None
    )
    principal = require(request, RELEASE if settings_change else VIEW_AGENT)
    agent = selectors.agent_for_page(agent_id)
    services.update_agent(
        agent=agent,
        user=principal.user,
        name=payload.name,
        description=payload.description,
        require_passing_eval=payload.require_passing_eval,
        approvals_required=payload.approvals_required,
    )
    return agent_out(selectors.agent_for_page(agent_id))


# ------------------------------------------------------------------ draft


@agents.get("/{agent_id}/draft", response={200: DraftOut, **ERRORS_READ}, summary="Get the draft")
def get_draft(request, agent_id: str):
    require(request, VIEW_AGENT)
    return draft_out(selectors.agent_for_page(agent_id).draft)


DRAFT_WRITE_ERRORS = {409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE}


@agents.put(
    "/{agent_id}/draft",
    response={200: DraftOut, **DRAFT_WRITE_ERRORS},
    summary="Replace the draft (omitted sections take their defaults)",
)
def put_draft(request, agent_id: str, payload: DraftIn):
    principal = require(request, EDIT_DRAFT)
    agent = selectors.agent_for_page(agent_id)
    draft = services.update_draft(
        agent=agent,
        config=payload.config,
        user=principal.user,
        expected_revision=if_match(request),
    )
    return draft_out(draft)


@agents.patch(
    "/{agent_id}/draft",
    response={200: DraftOut, **DRAFT_WRITE_ERRORS},
    summary="Merge-patch the draft (RFC 7386)",
)
def patch_draft(request, agent_id: str, payload: DraftIn):
    principal = require(request, EDIT_DRAFT)
    agent = selectors.agent_for_page(agent_id)
    draft = services.patch_draft(
        agent=agent, patch=payload.config, user=principal.user, expected_revision=if_match(request)
    )
    return draft_out(draft)


# ------------------------------------------------------------------ versions


@agents.get(
    "/{agent_id}/versions",
    response={200: VersionList, **ERRORS_READ},
    summary="List versions, newest first",
)
def list_versions(
    request,
    paging: Query[Paging],
    agent_id: str,
):
    require(request, VIEW_AGENT)
    agent = selectors.agent_for_page(agent_id)
    rows = selectors.version_list(agent)
    return page(request, rows, paging, lambda v: version_summary(v, agent.released_version_id))


@agents.post(
    "/{agent_id}/versions",
    response={201: VersionOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    summary="Save the draft as the next version",
)
@idempotent
def create_version(request, agent_id: str, payload: VersionCreate):
    agent = selectors.agent_for_page(agent_id)
    version = save_version_from(request, agent, payload)
    return Status(201, version_out(version, agent.released_version_id))


def save_version_from(request, agent, payload: VersionCreate):
    """Save an agent's (or a prompt's) draft as a version, for POST …/versions."""
    principal = require(request, SAVE_VERSION)
    version = services.save_version(
        agent=agent,
        name=payload.name,
        description=payload.description,
        user=principal.user,
        expected_revision=expected_revision(request, payload.expected_draft_revision),
    )
    agent.refresh_from_db(fields=["released_version"])
    return selectors.get_version(agent, version.number)


@agents.get(
    "/{agent_id}/versions/{int:number}",
    response={200: VersionOut, **ERRORS_READ},
    summary="Get a version",
)
def get_version(request, agent_id: str, number: int):
    require(request, VIEW_AGENT)
    agent = selectors.agent_for_page(agent_id)
    return version_out(selectors.get_version(agent, number), agent.released_version_id)


@agents.post(
    "/{agent_id}/release",
    response={200: ReleaseOut, 202: ScheduledOut, 403: ErrorOut, 409: ErrorOut, **ERRORS_WRITE},
    summary="Release a version (a lower number is recorded as a rollback)",
    description="When the agent requires a passing eval run, a version without one is "
    "refused with 409 `eval_gate_failed` (details.findings lists what failed) unless "
    "`gate_override_note` says why it is released anyway. When the agent requires "
    "approvals, 409 `approval_required`: use a release request — except to go back to "
    "the version live just before, or a superuser's `break_glass` with a reason.",
)
@idempotent
def release(request, agent_id: str, payload: ReleaseIn):
    """Releasing the version that is already released is a no-op: `event` is null.
    With `at`, the release is scheduled instead: 202 `{"scheduled": …}`."""
    principal = require(request, RELEASE)
    agent = selectors.agent_for_page(agent_id)
    version = selectors.get_version(agent, payload.version)
    if payload.at is not None:
        scheduled = services.schedule_release(
            agent=agent,
            version=version,
            at=payload.at,
            user=principal.user,
            note=payload.note,
            gate_override_note=payload.gate_override_note or "",
        )
        found = selectors.scheduled_release(scheduled.public_id)
        return Status(202, {"scheduled": schedule_out(found)})
    event = services.release_version(
        version=version,
        user=principal.user,
        note=payload.note,
        gate_override_note=payload.gate_override_note,
        break_glass=payload.break_glass,
    )
    return release_response(version, event)


def release_body(version, event) -> dict:
    """The answer to a release: the pointer now, before, and the logged event."""
    if event is None:
        return {
            "released_version": version.number,
            "previous_version": version.number,
            "event": None,
        }
    event = selectors.release_event(event.pk)
    return {
        "released_version": version.number,
        "previous_version": event.previous_version.number if event.previous_version else None,
        "event": event_out(event),
    }


def release_response(version, event) -> Status:
    return Status(200, release_body(version, event))


@agents.post(
    "/{agent_id}/restore",
    response={200: DraftOut, 409: ErrorOut, 412: ErrorOut, **ERRORS_WRITE},
    summary="Overwrite the draft with a version's or a revision's configuration",
)
@idempotent
def restore(request, agent_id: str, payload: RestoreIn):
    """`{"version": 3}` or `{"revision": 12}`: the draft becomes exactly that
    configuration, as a new revision recording where it came from."""
    return Status(
        200, draft_out(restore_from(request, selectors.agent_for_page(agent_id), payload))
    )


def restore_from(request, agent, payload: RestoreIn):
    """Restore a version or a revision into an agent's (or a prompt's) draft."""
    principal = require(request, EDIT_DRAFT)
    expected = expected_revision(request, payload.expected_draft_revision)
    if payload.revision is not None:
        return services.restore_revision(
            agent=agent, number=payload.revision, user=principal.user, expected_revision=expected
        )
    version = selectors.get_version(agent, payload.version)
    return services.restore_version(
        version=version, user=principal.user, expected_revision=expected
    )


@agents.get(
    "/{agent_id}/releases",
    response={200: ReleaseList, **ERRORS_READ},
    summary="The release log, newest first",
)
def releases(
    request,
    agent_id: str,
    limit: int = Query(100, ge=1, le=1000),
    label: str | None = Query(None, max_length=32, description="Only moves of this label."),
):
    require(request, VIEW_AGENT)
    agent = selectors.agent_for_page(agent_id)
    log = selectors.release_log(agent, limit=limit, label=label)
    return {"data": [event_out(e) for e in log]}


@agents.get(
    "/{agent_id}/diff",
    response={200: DiffOut, 400: ErrorOut, 409: ErrorOut, **ERRORS_READ},
    summary="Compare two configurations",
    by_alias=True,
    exclude_unset=True,
)
def diff(request, agent_id: str, from_: str = Query(..., alias="from"), to: str = Query(...)):
    """`from` and `to` are each a reference: `draft`, `released`, `3`/`v3` or `r12`.
    The response names what they resolved to (`released` → `v3`)."""
    require(request, VIEW_AGENT)
    agent = selectors.agent_for_page(agent_id)
    old, new = selectors.compare_side(agent, from_), selectors.compare_side(agent, to)
    result = selectors.config_diff(old, new)
    summary = result.summary
    return {
        "from": old.resolved,
        "to": new.resolved,
        "changes": [c.as_json() for c in result.changes],
        "summary": summary,
    }
