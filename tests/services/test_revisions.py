"""Every draft save is revision rN: exact, immutable at every depth, restorable."""

import pytest
from django.db import IntegrityError, connection, transaction

from agents.domain import config
from agents.domain.exceptions import DraftConflict, UnknownReference, VersionImmutable
from agents.models import Draft, DraftRevision
from agents.selectors import agents
from agents.selectors import revisions as revisions_selectors
from agents.services import drafts, revisions, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_save_writes_the_revision_the_draft_then_holds(agent, user):
    first = agent.revisions.get()
    assert (first.number, first.reason, first.changed) == (1, "Created", [])
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    edit(agent, {"prompt": {"welcome_message": "Hi"}, "llm": {"temperature": 0.3}}, user=user)
    draft = Draft.objects.get(agent=agent)
    latest = agent.revisions.order_by("-number").first()
    assert latest.number == draft.revision == 3
    assert latest.snapshot.config == draft.config
    assert latest.content_hash == draft.content_hash == config.content_hash(draft.config)
    assert sorted(latest.changed) == ["llm.temperature", "prompt.welcome_message"]
    assert latest.created_by == user
    assert latest.reason == "Edited"


def test_a_save_that_changes_nothing_writes_no_revision(agent, user):
    draft = Draft.objects.get(agent=agent)
    drafts.update_draft(agent=agent, config=draft.config, user=user)
    assert agent.revisions.count() == 1


def test_revisions_that_return_to_the_same_content_share_one_snapshot(agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    edit(agent, {"llm": {"temperature": 0.7}}, user=user)  # back to the default
    one, three = agent.revisions.get(number=1), agent.revisions.get(number=3)
    assert one.snapshot_id == three.snapshot_id


def test_a_revision_cannot_be_changed_or_deleted_at_any_depth(agent):
    revision = agent.revisions.get()
    revision.reason = "rewritten"
    with pytest.raises(VersionImmutable):
        revision.save()
    with pytest.raises(VersionImmutable):
        revision.delete()
    with pytest.raises(VersionImmutable):
        DraftRevision.objects.filter(pk=revision.pk).update(reason="x")
    with pytest.raises(VersionImmutable):
        DraftRevision.objects.filter(pk=revision.pk).delete()
    for sql in (
        "UPDATE agents_draftrevision SET reason = 'hacked' WHERE id = %s",
        "DELETE FROM agents_draftrevision WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(sql, [revision.pk])
    assert DraftRevision.objects.get(pk=revision.pk).reason == "Created"


def test_the_database_refuses_two_revisions_with_one_number(agent):
    revision = agent.revisions.get()
    with pytest.raises(IntegrityError):
        _raw(
            "INSERT INTO agents_draftrevision (agent_id, number, snapshot_id, content_hash, "
            "created_at, reason, changed) VALUES (%s, 1, %s, 'h', %s, '', '[]')",
            [agent.pk, revision.snapshot_id, revision.created_at],
        )


def test_restoring_a_revision_writes_a_new_one_that_says_where_it_came_from(agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    edit(agent, {"llm": {"temperature": 0.4}}, user=user)
    draft = revisions.restore_revision(agent=agent, number=2, user=user, expected_revision=3)
    assert draft.revision == 4
    assert draft.restored_from_revision == 2
    assert draft.config["llm"]["temperature"] == 0.2
    restored = agent.revisions.get(number=4)
    assert restored.restored_from_revision == 2
    assert restored.reason == "Restored r2"
    assert restored.content_hash == agent.revisions.get(number=2).content_hash
    # Restoring what the draft already holds is a no-op.
    revisions.restore_revision(agent=agent, number=2, user=user)
    assert agent.revisions.count() == 4


def test_restoring_checks_the_revision_the_caller_saw_and_that_it_exists(agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    with pytest.raises(DraftConflict):
        revisions.restore_revision(agent=agent, number=1, user=user, expected_revision=1)
    with pytest.raises(UnknownReference, match="has no revision r9"):
        revisions.restore_revision(agent=agent, number=9, user=user)
    assert agent.revisions.count() == 2


def test_restoring_can_save_the_draft_as_a_version_first_all_or_nothing(agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    revisions.restore_revision(agent=agent, number=1, user=user, save_first_as="Before undo")
    assert agent.versions.get().name == "Before undo"
    assert agent.versions.get().content_hash == agent.revisions.get(number=2).content_hash


def test_a_page_of_revisions_never_reads_a_configuration(
    agent, user, django_assert_max_num_queries
):
    for i in range(15):
        edit(agent, {"prompt": {"welcome_message": f"Hi {i}"}}, user=user)
    versions.save_version(agent=agent, name="Latest", user=user)
    agent = agents.agent_for_page(agent.public_id)
    with django_assert_max_num_queries(2):
        page = revisions_selectors.revisions_page(agent)
    assert [row.revision.number for row in page.rows][:2] == [16, 15]
    assert page.rows[0].is_current
    assert page.rows[0].versions == ("v1",)
    assert page.next_page == 2
    assert "snapshot" not in page.rows[0].revision._state.fields_cache
    second = revisions_selectors.revisions_page(agent, page=2)
    assert [row.revision.number for row in second.rows] == [6, 5, 4, 3, 2, 1]
    assert second.next_page is None
