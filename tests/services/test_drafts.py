"""The draft: revisions, hashes, conflicts, no-op saves and the audit of every write."""

import pytest

from agents.domain import config as config_domain
from agents.domain.exceptions import (
    ConfigInvalid,
    DraftConflict,
)
from agents.models import Draft
from agents.services import versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_editing_the_draft_bumps_the_revision_and_hash(agent, user):
    before = agent.draft.content_hash
    draft = edit(agent, {"llm": {"temperature": 1.2}}, user=user)
    assert draft.revision == 2
    assert draft.config["llm"]["temperature"] == 1.2
    assert draft.content_hash != before
    assert draft.content_hash == config_domain.content_hash(draft.config)


def test_an_invalid_draft_is_rejected_with_its_path_and_nothing_is_saved(agent, user):
    with pytest.raises(ConfigInvalid) as info:
        edit(agent, {"llm": {"temperature": 3}, "voice": {"language": "!!"}}, user=user)
    assert {e["path"] for e in info.value.errors} == {"llm.temperature", "voice.language"}
    draft = Draft.objects.get(agent=agent)
    assert draft.revision == 1
    assert draft.history.count() == 1


def test_a_stale_revision_is_a_conflict_and_the_newer_draft_survives(agent, user):
    edit(agent, {"llm": {"temperature": 0.1}}, user=user, expected_revision=1)
    with pytest.raises(DraftConflict) as info:
        edit(agent, {"llm": {"temperature": 0.9}}, user=user, expected_revision=1)
    assert info.value.current_revision == 2
    assert info.value.details == {"expected_revision": 1, "current_revision": 2}
    draft = Draft.objects.get(agent=agent)
    assert draft.config["llm"]["temperature"] == 0.1
    assert draft.revision == 2


def test_saving_an_identical_draft_is_a_no_op_without_a_history_row(agent, user):
    draft = edit(agent, {}, user=user)
    assert draft.revision == 1
    assert draft.history.count() == 1


def test_every_draft_write_is_audited_with_user_and_reason(agent, make_version, make_user):
    alice, bob = make_user("Editor", username="alice"), make_user("Editor", username="bob")
    edit(agent, {"llm": {"temperature": 0.1}}, user=alice)
    v1 = make_version(agent, by=bob)
    versions.restore_version(version=v1, user=alice)  # already there: no row
    edit(agent, {"llm": {"temperature": 1.0}}, user=bob)
    versions.restore_version(version=v1, user=alice)
    rows = list(Draft.history.filter(agent_id=agent.pk).order_by("history_id"))
    assert [
        (r.history_user.username if r.history_user else None, r.history_change_reason) for r in rows
    ] == [
        ("operator", "Created"),
        ("alice", "Edited"),
        ("bob", "Edited"),
        ("bob", "Edited"),
        ("alice", "Restored v1"),
    ]
