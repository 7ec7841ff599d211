"""The index rows of what revisions introduced."""

import pytest

from agents.models import IntroducedLine
from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_a_save_indexes_the_lines_it_added(agent, user):
    edit(agent, {"prompt": {"system_prompt": "One.\nTwo."}}, user=user)
    edit(agent, {"prompt": {"system_prompt": "One.\nTwo and a half.\nThree."}}, user=user)
    rows = IntroducedLine.objects.filter(agent=agent, path="prompt.system_prompt")
    assert sorted(rows.values_list("revision", "text")) == [
        (1, "You are a friendly, concise assistant. Answer in one or two sentences."),
        (2, "One."),
        (2, "Two."),
        (3, "Three."),
        (3, "Two and a half."),
    ]
    assert str(rows.get(text="Three.")) == "r3 prompt.system_prompt: Three."
