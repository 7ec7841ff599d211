"""Labels, four-eyes release requests and scheduled releases."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Status

from agents.api.agents import release_response
from agents.api.common import Router, page, require
from agents.api.idempotency import idempotent
from agents.api.release_schemas import (
    CommentIn,
    LabelList,
    LabelOut,
    LabelPut,
    RejectIn,
    ReleaseRequestIn,
    ReleaseRequestList,
    ReleaseRequestOut,
    RequestReleaseIn,
    ScheduledOut,
    ScheduledReleaseList,
)
from agents.api.schemas import ERRORS_READ, ERRORS_WRITE, ErrorOut, Paging, ReleaseOut
from agents.api.shapes import label_out, request_out, schedule_out
from agents.permissions import EDIT_DRAFT, RELEASE, VIEW_AGENT
from agents.selectors import agents, versions
from agents.selectors import approvals as approvals_selectors
from agents.selectors import labels as labels_selectors
from agents.selectors import schedules as schedules_selectors
from agents.services import approvals, labels, schedules

agent_releases = Router(tags=["releases"])
requests_router = Router(tags=["releases"])
schedules_router = Router(tags=["releases"])

WRITE = {403: ErrorOut, 409: ErrorOut, **ERRORS_WRITE}


# ------------------------------------------------------------------ labels


@agent_releases.get("/{agent_id}/labels", response={200: LabelList, **ERRORS_READ})
def list_labels(request, agent_id: str):
    """List labels

    `released` first (always present), then the agent's labels by name."""
    require(request, VIEW_AGENT)
    agent = agents.versioned_for_page(agent_id)
    return {"data": [label_out(v) for v in labels_selectors.labels_of(agent)]}


@agent_releases.put("/{agent_id}/labels/{name}", response={200: LabelOut, **WRITE})
def put_label(request, agent_id: str, name: str, payload: LabelPut):
    """Create a label or move it to a version

    Every move is a release-log event carrying the label. Moving `released` is a
    release. Protected labels move only for Releasers, and through approvals when the
    agent requires them (409 `approval_required`). Editors and Releasers move labels;
    labels a channel follows and protected ones, Releasers only."""
    principal = require(request, EDIT_DRAFT, RELEASE)
    agent = agents.versioned_for_page(agent_id)
    version = versions.get_version(agent, payload.version)
    move = payload.model_dump(include={"note", "protected", "break_glass"})
    labels.move_label(agent=agent, name=name, version=version, user=principal.user, **move)
    agent = agents.versioned_for_page(agent_id)
    view = next(v for v in labels_selectors.labels_of(agent) if v.name == name)
    return label_out(view)


@agent_releases.delete("/{agent_id}/labels/{name}", response={204: None, **WRITE})
def delete_label(request, agent_id: str, name: str, break_glass: str | None = None):
    """Delete a label (`released` cannot be deleted)

    A label a channel follows is refused (409 `label_protected`: route the channel
    elsewhere first); a protected one is for Releasers and, when the agent requires
    approvals, only for a superuser's `break_glass` reason (409 `approval_required`)."""
    principal = require(request, EDIT_DRAFT, RELEASE)
    agent = agents.versioned_for_page(agent_id)
    labels.delete_label(agent=agent, name=name, user=principal.user, break_glass=break_glass)
    return HttpResponse(status=204)


# ------------------------------------------------------------------ release requests


def _request_body(found) -> dict:
    return request_out(found, stale=found.status == "open" and approvals_selectors.is_stale(found))


@agent_releases.post("/{agent_id}/release-requests", response={201: ReleaseRequestOut, **WRITE})
@idempotent
def create_request(request, agent_id: str, payload: ReleaseRequestIn):
    """Ask for a release (or a label's move) that others approve"""
    principal = require(request, VIEW_AGENT)
    agent = agents.versioned_for_page(agent_id)
    version = versions.get_version(agent, payload.version)
    created = approvals.request_release(
        agent=agent, version=version, user=principal.user, label=payload.label, note=payload.note
    )
    return Status(201, _request_body(approvals_selectors.release_request(created.public_id)))


@agent_releases.get(
    "/{agent_id}/release-requests", response={200: ReleaseRequestList, **ERRORS_READ}
)
def list_requests(
    request,
    paging: Query[Paging],
    agent_id: str,
    status: str | None = None,
):
    """An agent's release requests, newest first"""
    require(request, VIEW_AGENT)
    agent = agents.versioned_for_page(agent_id)
    rows = approvals_selectors.release_requests(agent=agent, status=status)
    return page(request, rows, paging, _request_body)


@requests_router.get("/{request_id}", response={200: ReleaseRequestOut, **ERRORS_READ})
def get_request(request, request_id: str):
    """A release request"""
    require(request, VIEW_AGENT)
    return _request_body(approvals_selectors.release_request(request_id))


@requests_router.post("/{request_id}/approve", response={200: ReleaseRequestOut, **WRITE})
def approve_request(request, request_id: str, payload: CommentIn):
    """Approve (a Releaser other than the requester)"""
    return _review(request, request_id, approvals.approve_request, comment=payload.comment)


@requests_router.post("/{request_id}/reject", response={200: ReleaseRequestOut, **WRITE})
def reject_request(request, request_id: str, payload: RejectIn):
    """Reject with a comment (a Releaser other than the requester)"""
    return _review(request, request_id, approvals.reject_request, comment=payload.comment)


@requests_router.post("/{request_id}/cancel", response={200: ReleaseRequestOut, **WRITE})
def cancel_request(request, request_id: str):
    """Withdraw a request (the requester, or a Releaser)"""
    return _review(request, request_id, approvals.cancel_request, permission=VIEW_AGENT)


def _review(request, request_id: str, verb, *, permission: str = RELEASE, **arguments) -> dict:
    """Approve, reject or withdraw a request through its service verb (which holds the
    rules: who may, in which state); the request as it stands after."""
    principal = require(request, permission)
    verb(request=approvals_selectors.release_request(request_id), user=principal.user, **arguments)
    return _request_body(approvals_selectors.release_request(request_id))


@requests_router.post(
    "/{request_id}/release", response={200: ReleaseOut, 202: ScheduledOut, **WRITE}
)
@idempotent
def carry_out_request(request, request_id: str, payload: RequestReleaseIn):
    """Carry out an approved request, now or at a time

    The eval gate still applies (409 `eval_gate_failed`); a request that is not
    approved, or stale, is 409 (`approval_required`, `invalid_state`)."""
    principal = require(request, RELEASE)
    found = approvals_selectors.release_request(request_id)
    if payload.at is not None:
        scheduled = approvals.schedule_request(
            request=found, user=principal.user, at=payload.at, note=payload.note
        )
        return Status(
            202,
            {"scheduled": schedule_out(schedules_selectors.scheduled_release(scheduled.public_id))},
        )
    event = approvals.release_request(
        request=found,
        user=principal.user,
        note=payload.note,
        gate_override_note=payload.gate_override_note,
    )
    return release_response(found.version, event)


# ------------------------------------------------------------------ scheduled releases


@agent_releases.get(
    "/{agent_id}/scheduled-releases", response={200: ScheduledReleaseList, **ERRORS_READ}
)
def list_schedules(request, agent_id: str, status: str | None = None):
    """An agent's scheduled releases, soonest first"""
    require(request, VIEW_AGENT)
    agent = agents.versioned_for_page(agent_id)
    rows = schedules_selectors.scheduled_releases(agent)
    if status:
        rows = rows.filter(status=status)
    return {"data": [schedule_out(s) for s in rows.select_related("agent")[:500]]}


@schedules_router.delete("/{schedule_id}", response={204: None, **WRITE})
def cancel_schedule(request, schedule_id: str):
    """Cancel a scheduled release"""
    principal = require(request, VIEW_AGENT)
    schedules.cancel_schedule(
        schedule=schedules_selectors.scheduled_release(schedule_id), user=principal.user
    )
    return HttpResponse(status=204)
