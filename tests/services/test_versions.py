"""The write services: numbering, release pointer, restore, conflicts, audit."""

import pytest

from agents.domain import config as config_domain
from agents.domain.exceptions import (
    DraftConflict,
    InvalidInput,
    NoChanges,
)
from agents.models import Draft
from agents.services import versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


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
