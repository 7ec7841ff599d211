"""Agents, their draft, versions, releases, restore and diffs."""

from __future__ import annotations

from ninja import Query, Status

from agents.api import documents
from agents.api.common import Router, page, require
from agents.api.documents import DocumentKind
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
    StatusFilter,
    VersionList,
    VersionOut,
)
from agents.api.shapes import agent_out, draft_out, event_out, schedule_out, version_out
from agents.models import Agent
from agents.permissions import CHANGE_AGENT, CREATE_AGENT, RELEASE, VIEW_AGENT
from agents.selectors import agents as agents_selectors
from agents.selectors import compare, history
from agents.selectors import schedules as schedules_selectors
from agents.selectors import versions as versions_selectors
from agents.services import agents as agents_services
from agents.services import releases as releases_services
from agents.services import schedules

agents = Router(tags=["agents"])


@agents.get("", response={200: AgentList, **ERRORS_READ})
def list_agents(request, paging: Query[Paging], search: str = "", status: StatusFilter = ""):
    """List agents"""
    require(request, VIEW_AGENT)
    rows = agents_selectors.agent_list(search=search, status=status)
    return page(request, rows, paging, agent_out)


@agents.post("", response={201: AgentOut, **ERRORS_WRITE})
def create_agent(request, payload: AgentCreate):
    """Create an agent

    A partial `config` is merged over the defaults like a JSON merge patch."""
    principal = require(request, CREATE_AGENT)
    agent = agents_services.create_agent(
        name=payload.name,
        description=payload.description,
        config=payload.config,
        user=principal.user,
        workspace=payload.workspace,
    )
    return Status(201, agent_out(agents_selectors.agent_for_page(agent.public_id)))


@agents.get("/{agent_id}", response={200: AgentOut, **ERRORS_READ})
def get_agent(request, agent_id: str):
    """Get an agent"""
    require(request, VIEW_AGENT)
    return agent_out(agents_selectors.agent_for_page(agent_id))


@agents.patch("/{agent_id}", response={200: AgentOut, **ERRORS_WRITE})
def patch_agent(request, agent_id: str, payload: AgentPatch):
    """Rename or describe an agent (never creates a version)"""
    # Name and description are the Editor's; the release gate is the Releaser's.
    if payload.name is not None or payload.description is not None:
        require(request, CHANGE_AGENT)
    settings_change = any(
        value is not None
        for value in (
            payload.require_passing_eval,
            payload.approvals_required,
            payload.reviews_required,
        )
    )
    principal = require(request, RELEASE if settings_change else VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    agents_services.update_agent(
        agent=agent,
        user=principal.user,
        name=payload.name,
        description=payload.description,
        require_passing_eval=payload.require_passing_eval,
        approvals_required=payload.approvals_required,
        reviews_required=payload.reviews_required,
    )
    return agent_out(agents_selectors.agent_for_page(agent_id))


# ------------------------------------------------------------------ draft and versions

AGENT = DocumentKind(
    kind=Agent.Kind.AGENT,
    id_param="agent_id",
    operation_prefix="agents_api_",
    draft_in=DraftIn,
    draft_out_schema=DraftOut,
    version_list_schema=VersionList,
    version_out_schema=VersionOut,
    read_draft_body=lambda payload: payload.config,
    draft_out=draft_out,
    version_out=version_out,
    summaries={
        "get_draft": "Get the draft",
        "put_draft": "Replace the draft (omitted sections take their defaults)",
        "patch_draft": "Merge-patch the draft (RFC 7386)",
        "list_versions": "List versions, newest first",
        "create_version": "Save the draft as the next version",
        "get_version": "Get a version",
        "restore": "Overwrite the draft with a version's or a revision's configuration",
    },
    descriptions={
        "restore": """`{"version": 3}` or `{"revision": 12}`: the draft becomes exactly that
    configuration, as a new revision recording where it came from.""",
    },
)
documents.add_draft_and_version_endpoints(agents, AGENT)


@agents.post(
    "/{agent_id}/release",
    response={200: ReleaseOut, 202: ScheduledOut, 403: ErrorOut, 409: ErrorOut, **ERRORS_WRITE},
    description="When the agent requires a passing eval run, a version without one is "
    "refused with 409 `eval_gate_failed` (details.findings lists what failed) unless "
    "`gate_override_note` says why it is released anyway. When the agent requires "
    "approvals, 409 `approval_required`: use a release request — except to go back to "
    "the version live just before, or a superuser's `break_glass` with a reason.",
)
@idempotent
def release(request, agent_id: str, payload: ReleaseIn):
    """Release a version (a lower number is recorded as a rollback)

    Releasing the version that is already released is a no-op: `event` is null.
    With `at`, the release is scheduled instead: 202 `{"scheduled": …}`."""
    principal = require(request, RELEASE)
    agent = agents_selectors.agent_for_page(agent_id)
    version = versions_selectors.get_version(agent, payload.version)
    if payload.at is not None:
        when = {"at": payload.at, "note": payload.note}
        override = payload.gate_override_note or ""
        scheduled = schedules.schedule_release(
            agent=agent, version=version, user=principal.user, gate_override_note=override, **when
        )
        found = schedules_selectors.scheduled_release(scheduled.public_id)
        return Status(202, {"scheduled": schedule_out(found)})
    justified = payload.model_dump(include={"note", "gate_override_note", "break_glass"})
    event = releases_services.release_version(version=version, user=principal.user, **justified)
    return release_response(version, event)


def release_body(version, event) -> dict:
    """The answer to a release: the pointer now, before, and the logged event."""
    if event is None:
        return {
            "released_version": version.number,
            "previous_version": version.number,
            "event": None,
        }
    event = versions_selectors.release_event(event.pk)
    return {
        "released_version": version.number,
        "previous_version": event.previous_version.number if event.previous_version else None,
        "event": event_out(event),
    }


def release_response(version, event) -> Status:
    return Status(200, release_body(version, event))


documents.add_restore_endpoint(agents, AGENT)


@agents.get("/{agent_id}/releases", response={200: ReleaseList, **ERRORS_READ})
def releases(
    request,
    agent_id: str,
    limit: int = Query(100, ge=1, le=1000),
    label: str | None = Query(None, max_length=32, description="Only moves of this label."),
):
    """The release log, newest first"""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    log = history.release_log(agent, limit=limit, label=label)
    return {"data": [event_out(e) for e in log]}


@agents.get(
    "/{agent_id}/diff",
    response={200: DiffOut, 400: ErrorOut, 409: ErrorOut, **ERRORS_READ},
    by_alias=True,
    exclude_unset=True,
)
def diff(request, agent_id: str, from_: str = Query(..., alias="from"), to: str = Query(...)):
    """Compare two configurations

    `from` and `to` are each a reference: `draft`, `released`, `3`/`v3` or `r12`.
    The response names what they resolved to (`released` → `v3`)."""
    require(request, VIEW_AGENT)
    agent = agents_selectors.agent_for_page(agent_id)
    old, new = compare.compare_side(agent, from_), compare.compare_side(agent, to)
    result = compare.config_diff(old, new)
    summary = result.summary
    return {
        "from": old.resolved,
        "to": new.resolved,
        "changes": [c.as_json() for c in result.changes],
        "summary": summary,
    }
