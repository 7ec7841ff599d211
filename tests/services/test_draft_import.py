"""A file into the draft: read as this console's or another platform's, previewed as
a diff, written only when confirmed against the draft the operator saw."""

import pytest

from agents.domain.exceptions import DraftConflict, InvalidInput
from agents.services import draft_import
from tests.helpers import peer_file

pytestmark = pytest.mark.django_db


def test_a_dry_run_shows_the_changes_and_writes_nothing(agent, user):
    data = {"config": {"prompt": {"welcome_message": "Imported hello"}}}
    preview = draft_import.import_draft(agent=agent, data=data, user=user, dry_run=True)
    assert [change.path for change in preview.changes.changes] == ["prompt.welcome_message"]
    assert preview.draft is None
    agent.draft.refresh_from_db()
    assert agent.draft.revision == 1
    written = draft_import.import_draft(agent=agent, data=data, user=user, expected_revision=1)
    assert written.draft.config["prompt"]["welcome_message"] == "Imported hello"


def test_another_platforms_file_lists_what_did_not_carry_over(agent, user):
    preview = draft_import.import_draft(
        agent=agent, data=peer_file("vapi_assistant"), user=user, source="vapi", dry_run=True
    )
    assert "voice.stability" in preview.unmapped


def test_a_stale_draft_or_an_unknown_source_is_refused(agent, user):
    with pytest.raises(DraftConflict):
        draft_import.import_draft(agent=agent, data={"config": {}}, user=user, expected_revision=9)
    with pytest.raises(InvalidInput) as refused:
        draft_import.read_import(agent=agent, data={}, source="fax")
    assert refused.value.errors[0]["path"] == "source"
