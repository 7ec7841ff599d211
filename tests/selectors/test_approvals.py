"""Reads of release requests: with their approval counts, the ones waiting for a
reviewer, and whether one has gone stale."""

import pytest

from agents.domain.exceptions import UnknownReference
from agents.selectors import approvals
from agents.services import agents, releases
from agents.services import approvals as approvals_services

pytestmark = pytest.mark.django_db


def test_a_reviewer_sees_the_open_requests_of_others_with_their_approvals(
    agent, make_version, user, make_user
):
    agents.update_agent(agent=agent, user=user, approvals_required=2)
    v1 = make_version(agent)
    asked = approvals_services.request_release(agent=agent, version=v1, user=user)
    reviewer = make_user("Releaser")
    assert list(approvals.release_requests(reviewer=reviewer)) == [asked]
    assert list(approvals.release_requests(reviewer=user)) == []  # not their own
    approvals_services.approve_request(request=asked, user=reviewer)
    assert list(approvals.release_requests(reviewer=reviewer)) == []  # reviewed already
    assert approvals.release_request(asked.public_id).approval_count == 1
    with pytest.raises(UnknownReference):
        approvals.release_request("rr_nothinghere")


def test_a_request_is_stale_once_its_label_moved_elsewhere(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    asked = approvals_services.request_release(agent=agent, version=v2, user=user)
    assert not approvals.is_stale(asked)
    releases.release_version(version=v1, user=user)
    assert approvals.is_stale(approvals.release_request(asked.public_id))
