"""Four-eyes release requests: requested, approved or rejected by other Releasers,
then released (now, or at a time)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.domain.exceptions import InvalidInput, InvalidState, SelfApproval, UnknownReference
from agents.domain.permissions import EDIT_DRAFT
from agents.domain.text import clean_text
from agents.models import (
    RELEASED,
    Agent,
    PublishedVersion,
    ReleaseEvent,
    ReleaseRequest,
    ReleaseReview,
    ScheduledRelease,
)
from agents.selectors import gate
from agents.selectors.approvals import is_stale
from agents.selectors.labels import label_target
from agents.services.audit import audited
from agents.services.base import User, actor, check_active, record
from agents.services.gate import can_release
from agents.services.labels import check_label_name
from agents.services.releases import move_pointer

Status = ReleaseRequest.Status


@audited("release_request.open")
def request_release(
    *, agent: Agent, version: PublishedVersion, user: User, label: str = RELEASED, note: str = ""
) -> ReleaseRequest:
    """Ask for `label` (production by default) to point at `version`. Editors and
    Releasers ask; the request remembers what it would replace, and goes stale if
    that stops being live."""
    if user is None or not (user.has_perm(EDIT_DRAFT, agent) or can_release(user, agent)):
        raise PermissionDenied("Editors and Releasers request releases.")
    label = check_label_name(label)
    note = clean_text(note, path="note", required=False, max_length=2_000)
    if version.agent_id != agent.pk:
        raise InvalidInput([{"path": "version", "message": "must be one of the agent's versions"}])
    with transaction.atomic():
        locked = Agent.objects.select_for_update(no_key=True).get(pk=agent.pk)
        check_active(locked)
        current = label_target(locked, label)
        if current is not None and current.pk == version.pk:
            raise InvalidState(f"{label} already points at {version.label}.")
        # The same ask still live (open or approved, its label where it was): one
        # request to review, not two identical rows.
        pending = (
            locked.release_requests.filter(
                version=version,
                label=label,
                status__in=[Status.OPEN, Status.APPROVED],
                base_version=current,
            )
            .select_related("requested_by")
            .order_by("created_at")
            .first()
        )
        if pending is not None:
            raise InvalidState(
                f"{pending.public_id} already asks to move {label} to {version.label} "
                f"({pending.get_status_display().lower()}, by "
                f"{pending.requested_by.get_username() if pending.requested_by else 'someone'}): "
                "review that request instead of opening another."
            )
        request = ReleaseRequest(
            agent=locked,
            version=version,
            label=label,
            base_version=current,
            requested_by=actor(user),
            note=note,
        )
        record(request, user, "Requested")
        request.save()
        return request


@audited("release_request.approve", subject_arg="request")
def approve_request(*, request: ReleaseRequest, user: User, comment: str = "") -> ReleaseRequest:
    """One approval by a Releaser other than the requester; enough of them (the
    agent's rule, at least one) make the request approved."""
    return _review(request, user, ReleaseReview.Verdict.APPROVE, comment)


@audited("release_request.reject", subject_arg="request")
def reject_request(*, request: ReleaseRequest, user: User, comment: str) -> ReleaseRequest:
    """A Releaser other than the requester says no, and why: the request is closed."""
    return _review(request, user, ReleaseReview.Verdict.REJECT, comment)


def _review(request: ReleaseRequest, user: User, verdict: str, comment: str) -> ReleaseRequest:
    rejecting = verdict == ReleaseReview.Verdict.REJECT
    comment = clean_text(comment, path="comment", required=rejecting, max_length=2_000)
    if not can_release(user, request):
        raise PermissionDenied("Releasers approve and reject release requests.")
    with transaction.atomic():
        locked = _locked(request)
        if locked.requested_by_id is not None and locked.requested_by_id == user.pk:
            raise SelfApproval("You asked for this release: someone else must review it.")
        need = max(gate.approvals_required(locked.agent, locked.label), 1)
        approvals = locked.reviews.filter(verdict=ReleaseReview.Verdict.APPROVE).count()
        # Approved under a lower rule than the agent's now: it takes the extra approvals.
        short = locked.status == Status.APPROVED and approvals < need
        if locked.status != Status.OPEN and not short:
            raise InvalidState(f"{locked.public_id} is {locked.status}: it is not open for review.")
        if is_stale(locked):
            raise InvalidState(
                f"{locked.public_id} is stale: what it would replace is no longer live."
            )
        try:
            with transaction.atomic():
                ReleaseReview.objects.create(
                    request=locked, user=user, verdict=verdict, comment=comment
                )
        except IntegrityError:
            raise InvalidState("You already reviewed this request.") from None
        approvals += 0 if rejecting else 1
        if rejecting:
            locked.status = Status.REJECTED
        else:
            locked.status = Status.APPROVED if approvals >= need else Status.OPEN
        locked.decided_at = None if locked.status == Status.OPEN else timezone.now()
        record(locked, user, "Rejected" if rejecting else "Approved")
        locked.save(update_fields=["status", "decided_at"])
        return locked


def reopen_short_requests(agent: Agent, user: User) -> int:
    """After the agent's rule is raised: approved requests with fewer approvals than
    it asks now are open again (their history says why), awaiting the extra ones.
    Call inside the transaction that raises the rule; returns how many reopened."""
    need = max(gate.approvals_required(agent), 1)
    approved = ReleaseRequest.objects.select_for_update().filter(
        agent_id=agent.pk, status=Status.APPROVED
    )
    reopened = 0
    for found in approved:
        if found.reviews.filter(verdict=ReleaseReview.Verdict.APPROVE).count() >= need:
            continue
        found.status, found.decided_at = Status.OPEN, None
        record(found, user, f"Reopened: the agent now needs {need} approvals")
        found.save(update_fields=["status", "decided_at"])
        reopened += 1
    return reopened


@audited("release_request.cancel", subject_arg="request")
def cancel_request(*, request: ReleaseRequest, user: User) -> ReleaseRequest:
    """The requester (or a Releaser) withdraws an open or approved request."""
    with transaction.atomic():
        locked = _locked(request)
        if locked.requested_by_id != getattr(user, "pk", None) and not can_release(user, locked):
            raise PermissionDenied("Only the requester or a Releaser cancels a request.")
        if locked.status not in (Status.OPEN, Status.APPROVED):
            raise InvalidState(f"{locked.public_id} is {locked.status}: it cannot be cancelled.")
        locked.status = Status.CANCELLED
        locked.decided_at = timezone.now()
        record(locked, user, "Cancelled")
        locked.save(update_fields=["status", "decided_at"])
        ScheduledRelease.objects.filter(
            request=locked, status=ScheduledRelease.Status.PENDING
        ).update(status=ScheduledRelease.Status.CANCELLED, failure="the request was cancelled")
        return locked


@audited("release_request.release", subject_arg="request")
def release_request(
    *, request: ReleaseRequest, user: User, note: str = "", gate_override_note: str | None = None
) -> ReleaseEvent | None:
    """Carry out an approved request now (a Releaser): the eval gate still applies."""
    if not can_release(user, request):
        raise PermissionDenied("Releasers carry out approved requests.")
    request = _locked(request, lock=False)
    return move_pointer(
        version=request.version,
        label=request.label,
        user=user,
        note=note or request.note,
        gate_override_note=gate_override_note,
        request=request,
    )


def _locked(request: ReleaseRequest, *, lock: bool = True) -> ReleaseRequest:
    rows = ReleaseRequest.objects.select_related("agent", "agent__released_version", "version")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(pk=request.pk).first()
    if found is None:
        raise UnknownReference(f"No release request {request.public_id}.")
    return found


@audited("release_request.schedule", subject_arg="request")
def schedule_request(
    *, request: ReleaseRequest, user: User, at: datetime, note: str = ""
) -> ScheduledRelease:
    """Carry out an approved request at `at` (approvals and the gate are checked again then)."""
    from agents.services.schedules import schedule_release

    request = _locked(request, lock=False)
    if request.status != Status.APPROVED:
        raise InvalidState(f"{request.public_id} is {request.status}, not approved.")
    return schedule_release(
        agent=request.agent,
        version=request.version,
        label=request.label,
        at=at,
        user=user,
        note=note or request.note,
        request=request,
    )
