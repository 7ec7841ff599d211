"""Published versions and release events cannot be changed at any depth, on either engine."""

import pytest
from django.db import IntegrityError, connection, transaction

from agents import triggers
from agents.models import Agent, PublishedVersion
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_all_triggers_are_installed():
    assert triggers.installed(connection) == {t.name for t in triggers.TRIGGERS}
    assert len(triggers.TRIGGERS) == 24  # the audit log's two, comments' and reviews' four


@pytest.mark.parametrize(
    ("sql", "which"),
    [
        ("UPDATE agents_publishedversion SET name = 'hacked' WHERE id = %s", "version"),
        ("DELETE FROM agents_publishedversion WHERE id = %s", "version"),
        ("UPDATE agents_releaseevent SET note = 'hacked' WHERE id = %s", "event"),
        ("DELETE FROM agents_releaseevent WHERE id = %s", "event"),
    ],
)
def test_the_database_rejects_raw_update_and_delete(released, sql, which):
    version, event = released
    target = version if which == "version" else event
    with pytest.raises(IntegrityError, match="append-only"):
        _raw(sql, [target.pk])
    assert type(target).objects.filter(pk=target.pk).exists()
    assert PublishedVersion.objects.get(pk=version.pk).name == version.name


def test_the_database_rejects_a_gap_or_a_repeat_in_version_numbers(agent, make_version, user):
    v1 = make_version(agent)
    for number in (1, 3):
        with pytest.raises(IntegrityError):
            _raw(
                "INSERT INTO agents_publishedversion (agent_id, number, name, description, "
                "created_at, config, content_hash, schema_version) "
                "VALUES (%s, %s, 'x', '', %s, %s, 'h', 1)",
                [agent.pk, number, v1.created_at, "{}"],
            )
    assert list(agent.versions.values_list("number", flat=True)) == [1]


def test_the_database_rejects_releasing_another_agents_version(make_agent, make_version):
    mine, theirs = make_agent("Mine"), make_agent("Theirs")
    their_version = make_version(theirs)
    with pytest.raises(IntegrityError, match="belong to the agent"):
        _raw(
            "UPDATE agents_agent SET released_version_id = %s WHERE id = %s",
            [their_version.pk, mine.pk],
        )
    assert Agent.objects.get(pk=mine.pk).released_version_id is None


def test_a_user_who_published_versions_cannot_be_deleted(released, user):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        user.delete()


def test_a_committed_version_stays_immutable_outside_any_test_transaction(
    transactional_db, agent, make_version
):
    version = make_version(agent)
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM agents_publishedversion WHERE id = %s", [version.pk])
    assert PublishedVersion.objects.filter(pk=version.pk).exists()


def test_a_drafts_revision_never_goes_down(agent, user):
    edit(agent, {"llm": {"temperature": 0.4}}, user=user)
    agent.draft.refresh_from_db()
    assert agent.draft.revision == 2
    with pytest.raises(IntegrityError):
        _raw("UPDATE agents_draft SET revision = 1 WHERE id = %s", [agent.draft.pk])
    _raw("UPDATE agents_draft SET revision = 3 WHERE id = %s", [agent.draft.pk])


def test_comments_and_reviews_are_kept_by_the_database(agent, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from agents.models import Comment, Review
    from agents.services import branches, change_requests

    ann, bob = make_user("Editor", username="ann"), make_user("Releaser", username="bob")
    branches.create_branch(agent=agent, name="tone", user=ann)
    edit(agent, {"llm": {"temperature": 0.1}}, user=ann, branch="tone")
    cr = change_requests.open_change_request(agent=agent, branch="tone", title="Tone", user=ann)
    note = change_requests.comment(cr=cr, user=bob, body="Typo")
    review = change_requests.review(cr=cr, user=bob, verdict="approve")
    _raw("UPDATE agents_comment SET body = 'Typo fixed' WHERE id = %s", [note.pk])  # in time
    for sql in (
        "DELETE FROM agents_comment WHERE id = %s",
        "DELETE FROM agents_review WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(sql, [note.pk if "comment" in sql else review.pk])
    Comment.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(IntegrityError, match="after 15 minutes"):
        _raw("UPDATE agents_comment SET body = 'Rewritten' WHERE id = %s", [note.pk])
    _raw("UPDATE agents_comment SET resolved_at = %s WHERE id = %s", [timezone.now(), note.pk])
    with pytest.raises(IntegrityError, match="kept as given"):
        _raw("UPDATE agents_review SET verdict = 'request_changes' WHERE id = %s", [review.pk])
    _raw("UPDATE agents_review SET dismissal_reason = 'left' WHERE id = %s", [review.pk])
    assert Comment.objects.get(pk=note.pk).body == "Typo fixed"
    assert Review.objects.get(pk=review.pk).verdict == "approve"
