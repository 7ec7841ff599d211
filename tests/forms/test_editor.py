"""The schema-driven draft editor: the form reads back as the document it shows, every
problem at once, and rows are added and removed without saving."""

import pytest
from django.http import QueryDict

from agents.domain.config import default_config, normalize
from agents.forms import editor
from tests.helpers import draft_form

pytestmark = pytest.mark.django_db


def as_post(data: dict) -> QueryDict:
    post = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            post.setlist(key, value)
        else:
            post[key] = value
    return post


def test_the_form_of_a_draft_reads_back_as_the_draft(agent):
    document, problems = editor.parse_form(as_post(draft_form(agent)))
    assert problems == {}
    assert normalize(document) == agent.draft.config  # text read as the schema's types


def test_an_unreadable_field_does_not_hide_the_others(agent):
    post = as_post(draft_form(agent, **{"llm.temperature": "hot", "output_schema": "{not json"}))
    _, problems = editor.parse_form(post)
    assert {"llm.temperature", "output_schema"} <= set(problems)


def test_rows_are_added_with_defaults_and_removed_by_path():
    document = default_config()
    document = editor.with_blank_row(document, "tools")
    assert len(document["tools"]) == 1
    assert editor.with_blank_row(document, "not.a.list") == document
    assert editor.without_row(document, "tools[0]")["tools"] == []
    assert editor.without_row(document, "tools[5]")["tools"] == []  # nothing there: no-op


def test_field_names_read_as_words():
    assert editor.humanize("max_duration_s") == "Max duration (s)"
