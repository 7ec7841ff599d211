"""The one gate: who releases, when glass may be broken, and which versions may newly
serve callers (every path to production is walked in tests/api/test_releases_gate.py)."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import ApprovalRequired, ReleaseGateFailed
from agents.services import agents, gate, releases

pytestmark = pytest.mark.django_db


def test_only_releasers_release_and_only_superusers_break_glass(user, make_user, agent):
    assert gate.can_release(user, agent)
    assert not gate.can_release(make_user("Editor"), agent)
    assert not gate.break_glass_ok(user, None)
    assert gate.break_glass_ok(make_user(superuser=True), "site down")
    with pytest.raises(PermissionDenied):
        gate.break_glass_ok(user, "I really want to")


def test_with_approvals_only_a_cleared_version_may_newly_serve(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    agent.refresh_from_db()
    gate.check_version(agent, v1, "the channel")  # it served: cleared
    with pytest.raises(ApprovalRequired, match="the channel serves v2"):
        gate.check_version(agent, v2, "the channel")
    with pytest.raises(ApprovalRequired, match="serves the draft"):
        gate.check_routing(agent, {"target": "draft", "variants": None}, None, "the channel")
    before = {"target": {"version": 1}, "variants": None}
    gate.check_routing(agent, before, before, "the channel")  # nothing added


def test_the_eval_gate_stops_a_version_that_never_served(agent, make_version, user):
    v1 = make_version(agent)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    agent.refresh_from_db()
    with pytest.raises(ReleaseGateFailed):
        gate.check_version(agent, v1, "the rollout")
