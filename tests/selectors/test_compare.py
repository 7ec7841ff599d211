"""Sides of a comparison: any reference resolved, older first, diffs of frozen sides
cached."""

import pytest

from agents.domain.exceptions import AgentNotPublished, UnknownReference
from agents.selectors import compare
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_every_reference_resolves_to_a_side(agent, make_version, user):
    make_version(agent, {"prompt": {"welcome_message": "One"}})
    edit(agent, {"prompt": {"welcome_message": "Two"}}, user=user)
    agent.draft.refresh_from_db()
    one, draft = compare.compare_side(agent, "v1"), compare.compare_side(agent, "draft")
    assert (one.label, one.ref, one.resolved) == ("v1", "1", "v1")
    assert draft.config["prompt"]["welcome_message"] == "Two"
    assert compare.older_first(draft, one) == (one, draft)
    changes = compare.config_diff(one, draft).changes
    assert [change.path for change in changes] == ["prompt.welcome_message"]


def test_a_reference_to_nothing_says_why(agent):
    with pytest.raises(AgentNotPublished):
        compare.compare_side(agent, "released")
    with pytest.raises(UnknownReference):
        compare.compare_side(agent, "v4")
    with pytest.raises(UnknownReference):
        compare.compare_side(agent, "no such thing!")
