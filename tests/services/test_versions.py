"""The write services: numbering, release pointer, restore, conflicts, audit."""

import pytest

from agents.domain import config as config_domain
from agents.domain.exceptions import (
    AgentArchived,
    ConfigInvalid,
    DraftConflict,
    InvalidInput,
    NoChanges,
)
from agents.models import Agent, Draft, ReleaseEvent
from agents.services import agents, releases, versions
from agents.services import agents as agent_services
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_creating_an_agent_creates_its_draft_with_defaults(user):
    agent = agents.create_agent(name="  Front desk  ", user=user, description="Main line")
    assert agent.name == "Front desk"
    assert agent.public_id.startswith("ag_")
    assert len(agent.public_id) == 13
    draft = Draft.objects.get(agent=agent)
    assert draft.revision == 1
    assert draft.config == config_domain.default_config()
    assert draft.content_hash == config_domain.content_hash(config_domain.default_config())
    assert draft.updated_by == user
    assert agent.status == "unpublished"


def test_a_partial_config_is_merged_over_the_defaults(user):
    agent = agents.create_agent(name="A", user=user, config={"llm": {"temperature": 0.1}})
    config = agent.draft.config
    assert config["llm"]["temperature"] == 0.1
    assert config["llm"]["model"] == config_domain.default_config()["llm"]["model"]


def test_an_agent_needs_a_name_and_nothing_is_created_without_one(user):
    with pytest.raises(InvalidInput) as info:
        agents.create_agent(name="   ", user=user)
    assert info.value.errors == [{"path": "name", "message": "is required"}]
    assert not Agent.objects.exists()


def test_an_invalid_initial_config_creates_nothing(user):
    with pytest.raises(ConfigInvalid, match=r"llm\.temperature"):
        agents.create_agent(name="A", user=user, config={"llm": {"temperature": 9}})
    assert not Agent.objects.exists()
    assert not Draft.objects.exists()


def test_public_ids_are_never_reused(user, monkeypatch):
    first = agents.create_agent(name="Old", user=user)
    old_id = first.public_id
    ids = iter([old_id, "ag_bbbbbbbbbb"])
    monkeypatch.setattr(agent_services, "new_public_id", lambda prefix: next(ids))
    assert agents.create_agent(name="New", user=user).public_id == "ag_bbbbbbbbbb"


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


def test_saving_versions_numbers_them_one_two_three(agent, make_version):
    numbers = [make_version(agent).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert list(agent.versions.values_list("number", flat=True)) == [3, 2, 1]


def test_a_version_is_an_exact_snapshot_of_the_draft(agent, user):
    draft = edit(agent, {"prompt": {"system_prompt": "Be brief."}}, user=user)
    version = versions.save_version(
        agent=agent, name="Brief", description="Shorter answers", user=user
    )
    assert version.config == draft.config
    assert version.content_hash == draft.content_hash
    assert version.schema_version == config_domain.SCHEMA_VERSION
    assert (version.name, version.description, version.created_by) == (
        "Brief",
        "Shorter answers",
        user,
    )
    assert version.label == "v1"


def test_saving_a_version_without_changes_raises_no_changes(agent, make_version, user):
    make_version(agent)
    with pytest.raises(NoChanges) as info:
        versions.save_version(agent=agent, name="Again", user=user)
    assert info.value.latest_number == 1
    assert agent.versions.count() == 1


def test_a_version_needs_a_name(agent, user):
    with pytest.raises(InvalidInput, match="name: is required"):
        versions.save_version(agent=agent, name="", user=user)
    assert not agent.versions.exists()


def test_saving_a_version_with_a_stale_revision_is_a_conflict(agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    with pytest.raises(DraftConflict):
        versions.save_version(agent=agent, name="Mine", user=user, expected_revision=1)
    assert not agent.versions.exists()


def test_the_parent_is_the_version_the_draft_came_from(agent, make_version, user):
    v1 = make_version(agent)
    v2 = make_version(agent)
    v3 = make_version(agent)
    assert (v1.parent, v2.parent, v3.parent) == (None, v1, v2)
    versions.restore_version(version=v1, user=user)
    edit(agent, {"llm": {"temperature": 1.9}}, user=user)
    v4 = versions.save_version(agent=agent, name="From v1", user=user)
    assert v4.parent == v1
    v5 = make_version(agent)
    assert v5.parent == v4


def test_releasing_moves_the_pointer_and_logs_an_event(agent, make_version, user):
    v1 = make_version(agent)
    event = releases.release_version(version=v1, user=user, note="Go live")
    agent.refresh_from_db()
    assert agent.released_version == v1
    assert (event.kind, event.version, event.previous_version, event.released_by, event.note) == (
        "release",
        v1,
        None,
        user,
        "Go live",
    )


def test_releasing_the_released_version_again_is_a_no_op(agent, make_version, user):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    assert releases.release_version(version=v1, user=user) is None
    assert ReleaseEvent.objects.count() == 1


def test_releasing_an_older_version_records_a_rollback(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v2, user=user)
    event = releases.release_version(version=v1, user=user)
    assert (event.kind, event.previous_version, event.version) == ("rollback", v2, v1)
    v3 = make_version(agent)
    assert releases.release_version(version=v3, user=user).kind == "release"


def test_status_follows_the_hashes(agent, make_version, user):
    assert agent.status == "unpublished"
    v1 = make_version(agent)
    assert Agent.objects.get(pk=agent.pk).status == "unpublished"
    releases.release_version(version=v1, user=user)
    assert Agent.objects.get(pk=agent.pk).status == "published"
    edit(agent, {"llm": {"temperature": 1.1}}, user=user)
    fresh = Agent.objects.get(pk=agent.pk)
    assert fresh.status == "unpublished_changes"
    assert fresh.status_label == "Unpublished changes"
    edit(agent, {"llm": {"temperature": v1.config["llm"]["temperature"]}}, user=user)
    assert Agent.objects.get(pk=agent.pk).status == "published"


def test_restoring_copies_the_snapshot_exactly_and_remembers_where_from(agent, make_version, user):
    v1 = make_version(agent, {"llm": {"temperature": 0.3}})
    make_version(agent, {"llm": {"temperature": 1.3}})
    draft = versions.restore_version(version=v1, user=user)
    assert draft.config == v1.config
    assert draft.content_hash == v1.content_hash
    assert draft.restored_from == v1
    assert draft.revision == 4


def test_restoring_with_a_stale_revision_is_a_conflict(agent, make_version, user):
    v1 = make_version(agent, {"llm": {"temperature": 0.3}})
    edit(agent, {"llm": {"temperature": 0.4}}, user=user)
    with pytest.raises(DraftConflict):
        versions.restore_version(version=v1, user=user, expected_revision=2)
    assert Draft.objects.get(agent=agent).config["llm"]["temperature"] == 0.4


def test_restoring_what_the_draft_already_holds_changes_nothing(agent, make_version, user):
    v1 = make_version(agent)
    rows = Draft.history.count()
    draft = versions.restore_version(version=v1, user=user)
    assert draft.revision == 2
    assert Draft.history.count() == rows


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


def test_editing_name_and_description_never_creates_a_version_or_touches_the_draft(agent, user):
    agents.update_agent(agent=agent, user=user, name="Renamed", description="New words")
    agent.refresh_from_db()
    assert (agent.name, agent.description) == ("Renamed", "New words")
    assert agent.draft.revision == 1
    assert not agent.versions.exists()
    assert agent.history.first().history_change_reason == "Edited details"


def test_an_agent_with_versions_is_archived_not_deleted(agent, make_version, user):
    from agents.domain.exceptions import VersionImmutable

    make_version(agent)
    with pytest.raises(VersionImmutable, match="archive it instead"):
        agent.delete()
    agents.archive_agent(agent=agent, user=user)
    agent.refresh_from_db()
    assert agent.archived_at is not None
    with pytest.raises(AgentArchived):
        edit(agent, {"llm": {"temperature": 0.2}}, user=user)


def test_an_agent_without_versions_is_not_deleted_either(agent):
    from agents.domain.exceptions import VersionImmutable

    with pytest.raises(VersionImmutable, match="archive it instead"):
        agent.delete()
    assert Agent.objects.filter(pk=agent.pk).exists()
    assert Draft.objects.filter(agent=agent).exists()


def test_save_draft_and_version_snapshots_exactly_the_form(agent, user):
    config = {
        **agent.draft.config,
        "prompt": {**agent.draft.config["prompt"], "system_prompt": "New"},
    }
    version = versions.save_draft_and_version(
        agent=agent, config=config, name="New words", user=user, expected_revision=1
    )
    draft = Draft.objects.get(agent=agent)
    assert (draft.revision, version.number) == (2, 1)
    assert version.content_hash == draft.content_hash
    assert version.config["prompt"]["system_prompt"] == "New"


def test_save_draft_and_version_writes_nothing_when_the_name_is_refused(agent, user):
    config = {
        **agent.draft.config,
        "prompt": {**agent.draft.config["prompt"], "system_prompt": "New"},
    }
    with pytest.raises(InvalidInput):
        versions.save_draft_and_version(
            agent=agent, config=config, name="  ", user=user, expected_revision=1
        )
    assert Draft.objects.get(agent=agent).revision == 1
    assert agent.versions.count() == 0


def test_save_draft_and_version_refuses_a_stale_form(agent, user):
    edit(agent, {"prompt": {"welcome_message": "Someone else"}}, user=user)
    with pytest.raises(DraftConflict):
        versions.save_draft_and_version(
            agent=agent, config=agent.draft.config, name="Mine", user=user, expected_revision=1
        )
    assert agent.versions.count() == 0
