"""What every service shares: who is recorded, the history reason, the draft revision
check, archived agents, and the cross-process debounce."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agents.domain.exceptions import AgentArchived, DraftConflict
from agents.services import agents, base

pytestmark = pytest.mark.django_db


def test_only_a_signed_in_user_is_recorded(user):
    assert base.actor(user) is user
    assert base.actor(AnonymousUser()) is None
    assert base.actor(None) is None


def test_a_long_reason_is_shortened_to_fit_its_column(agent, user):
    base.record(agent, user, "x" * 150)
    assert len(agent._change_reason) == base.REASON_MAX
    assert agent._change_reason.endswith("…")
    assert agent._history_user is user


def test_a_stale_revision_and_an_archived_agent_are_refused(agent, user):
    draft = agent.draft
    base.check_revision(draft, None)
    base.check_revision(draft, draft.revision)
    with pytest.raises(DraftConflict):
        base.check_revision(draft, draft.revision + 1)
    agents.archive_agent(agent=agent, user=user)
    agent.refresh_from_db()
    with pytest.raises(AgentArchived, match="archived"):
        base.check_active(agent)


def test_locks_return_the_current_rows(agent):
    assert base.locked_agent(agent).pk == agent.pk
    assert base.locked_draft(agent).agent_id == agent.pk


def test_debounced_work_runs_once_per_period():
    assert base.debounced("sweep", 60)
    assert not base.debounced("sweep", 60)
    assert base.debounced("sweep", 0)  # no period: always
