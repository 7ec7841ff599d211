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
    assert len(triggers.TRIGGERS) == 20  # the audit log's two among them


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
