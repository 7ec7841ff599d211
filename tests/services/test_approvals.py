"""Four eyes before production: no path bypasses an agent's approval rule, except the
two recorded ones (undoing the last release, a superuser's break glass)."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import (
    ApprovalRequired,
    InvalidInput,
    InvalidState,
    SelfApproval,
)
from agents.models import Agent, ReleaseEvent, ReleaseRequest
from agents.services import agents, approvals, labels, releases

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded(agent, make_version, user):
    """v1 released, v2 saved, and releases now need one approval."""
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    agent.refresh_from_db()
    return agent, v1, v2


@pytest.fixture
def reviewer(make_user):
    return make_user("Releaser", username="reviewer")


def live(agent) -> int:
    return Agent.objects.get(pk=agent.pk).released_version.number


def test_only_releasers_set_the_rule_and_it_is_in_the_agents_history(agent, user, make_user):
    with pytest.raises(PermissionDenied):
        agents.update_agent(agent=agent, user=make_user("Editor"), approvals_required=1)
    with pytest.raises(InvalidInput):
        agents.update_agent(agent=agent, user=user, approvals_required=3)
    agents.update_agent(agent=agent, user=user, approvals_required=2)
    assert agent.history.first().history_change_reason == "Changed the approval rule"
    assert Agent.objects.get(pk=agent.pk).approvals_required == 2


def test_a_release_needs_an_approved_request_whoever_asks(guarded, user, make_user):
    agent, _, v2 = guarded
    admin = make_user(superuser=True)
    for who in (user, admin):
        with pytest.raises(ApprovalRequired):
            releases.release_version(version=v2, user=who)
    assert live(agent) == 1
    assert ReleaseEvent.objects.filter(agent=agent).count() == 1


def test_request_approve_release(guarded, user, reviewer):
    agent, v1, v2 = guarded
    request = approvals.request_release(agent=agent, version=v2, user=user, note="warmer voice")
    assert (request.status, request.base_version) == ("open", v1)
    with pytest.raises(SelfApproval):
        approvals.approve_request(request=request, user=user)
    with pytest.raises(ApprovalRequired):
        approvals.release_request(request=request, user=user)
    approved = approvals.approve_request(request=request, user=reviewer, comment="looks good")
    assert approved.status == "approved"
    with pytest.raises(InvalidState):
        approvals.approve_request(request=request, user=reviewer)
    event = approvals.release_request(request=request, user=user)
    assert (event.request_id, event.version, live(agent)) == (request.pk, v2, 2)
    assert ReleaseRequest.objects.get(pk=request.pk).status == "released"
    with pytest.raises(InvalidState):
        approvals.release_request(request=request, user=user)


def test_two_approvals_when_the_rule_says_two(guarded, user, reviewer, make_user):
    agent, _, v2 = guarded
    agents.update_agent(agent=agent, user=user, approvals_required=2)
    request = approvals.request_release(agent=agent, version=v2, user=user)
    assert approvals.approve_request(request=request, user=reviewer).status == "open"
    with pytest.raises(ApprovalRequired):
        approvals.release_request(request=request, user=reviewer)
    second = make_user("Releaser")
    assert approvals.approve_request(request=request, user=second).status == "approved"
    approvals.release_request(request=request, user=second)
    assert live(agent) == 2


def test_editors_request_but_only_releasers_review(guarded, make_user, reviewer):
    agent, _, v2 = guarded
    editor = make_user("Editor")
    request = approvals.request_release(agent=agent, version=v2, user=editor)
    with pytest.raises(PermissionDenied):
        approvals.approve_request(request=request, user=make_user("Editor"))
    with pytest.raises(PermissionDenied):
        approvals.request_release(agent=agent, version=v2, user=make_user())
    with pytest.raises(InvalidInput):
        approvals.reject_request(request=request, user=reviewer, comment=" ")
    rejected = approvals.reject_request(request=request, user=reviewer, comment="not yet")
    assert rejected.status == "rejected"
    with pytest.raises(InvalidState):
        approvals.approve_request(request=request, user=make_user("Releaser"))


def test_a_request_goes_stale_when_what_it_replaces_is_no_longer_live(
    guarded, user, reviewer, make_user, make_version
):
    agent, _, v2 = guarded
    request = approvals.request_release(agent=agent, version=v2, user=user)
    v3 = make_version(agent)
    admin = make_user(superuser=True)
    releases.release_version(version=v3, user=admin, break_glass="outage fix")
    with pytest.raises(InvalidState, match="stale"):
        approvals.approve_request(request=request, user=reviewer)
    assert live(agent) == 3


def test_the_requester_cancels(guarded, user, reviewer, make_user):
    agent, _, v2 = guarded
    request = approvals.request_release(agent=agent, version=v2, user=make_user("Editor"))
    with pytest.raises(PermissionDenied):
        approvals.cancel_request(request=request, user=make_user("Editor"))
    assert approvals.cancel_request(request=request, user=user).status == "cancelled"
    with pytest.raises(InvalidState):
        approvals.cancel_request(request=request, user=user)


def test_undoing_the_last_release_is_never_held(guarded, user, reviewer):
    agent, v1, v2 = guarded
    request = approvals.request_release(agent=agent, version=v2, user=user)
    approvals.approve_request(request=request, user=reviewer)
    approvals.release_request(request=request, user=user)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    undo = releases.release_version(version=v1, user=user, note="v2 misbehaves")
    assert (undo.kind, undo.approval_bypass, undo.note) == ("rollback", "undo", "v2 misbehaves")
    assert live(agent) == 1
    with pytest.raises(ApprovalRequired):  # going forward again is a release like any other
        releases.release_version(version=v2, user=user)


def test_break_glass_is_for_superusers_with_a_reason_on_the_event(guarded, user, make_user):
    _agent, _, v2 = guarded
    with pytest.raises(PermissionDenied):
        releases.release_version(version=v2, user=user, break_glass="urgent")
    admin = make_user(superuser=True)
    with pytest.raises(InvalidInput):
        releases.release_version(version=v2, user=admin, break_glass="  ")
    event = releases.release_version(version=v2, user=admin, break_glass="callers stuck in a loop")
    assert (event.approval_bypass, event.break_glass_note) == (
        "break_glass",
        "callers stuck in a loop",
    )


def test_protected_labels_go_through_approvals_too(guarded, user, reviewer):
    agent, v1, v2 = guarded
    labels.move_label(agent=agent, name="eu", version=v1, user=user, protected=True)
    with pytest.raises(ApprovalRequired):
        labels.move_label(agent=agent, name="eu", version=v2, user=user)
    request = approvals.request_release(agent=agent, version=v2, user=user, label="eu")
    approvals.approve_request(request=request, user=reviewer)
    event = approvals.release_request(request=request, user=user)
    assert (event.label, event.version) == ("eu", v2)
    labels.move_label(agent=agent, name="staging", version=v2, user=user)  # not protected


def test_a_second_identical_pending_request_is_refused_naming_the_first(
    guarded, user, reviewer, make_user
):
    agent, _, v2 = guarded
    first = approvals.request_release(agent=agent, version=v2, user=user)
    for who in (user, make_user("Editor")):
        with pytest.raises(InvalidState, match=first.public_id):
            approvals.request_release(agent=agent, version=v2, user=who)
    approvals.approve_request(request=first, user=reviewer)
    with pytest.raises(InvalidState, match="approved"):
        approvals.request_release(agent=agent, version=v2, user=user)
    assert ReleaseRequest.objects.filter(agent=agent).count() == 1
    # Another label, or the same ask once the first is closed, is a new request.
    approvals.request_release(agent=agent, version=v2, user=user, label="staging")
    approvals.cancel_request(request=first, user=user)
    approvals.request_release(agent=agent, version=v2, user=user)
    assert ReleaseRequest.objects.filter(agent=agent).count() == 3
