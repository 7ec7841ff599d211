"""History pages: who changed which configuration paths, long texts down to the changed words."""

import pytest
from django.urls import reverse

from tests.helpers import edit

pytestmark = pytest.mark.django_db


def test_draft_history_shows_who_changed_which_config_paths(admin_client, agent, history):
    response = admin_client.get(reverse("admin:agents_draft_history", args=[agent.draft.pk]))
    html = response.content.decode()
    assert "Restored v1" in html
    assert "config.llm.temperature" in html
    assert "operator" in html
    # Bookkeeping is not a change anyone made.
    assert "Content hash" not in html
    assert "Updated at" not in html


def test_a_long_text_change_shows_the_changed_line_and_words(admin_client, agent, user):
    opening = "You are the front desk of Riverside Family Clinic, open every weekday. " * 3
    edit(agent, {"prompt": {"system_prompt": opening + "\nPlease move the call."}}, user=user)
    edit(agent, {"prompt": {"system_prompt": opening + "\nPlease reschedule the call."}}, user=user)
    html = admin_client.get(
        reverse("admin:agents_draft_history", args=[agent.draft.pk])
    ).content.decode()
    assert "config.prompt.system_prompt" in html
    assert "Please <del>move</del> the call." in html
    assert "Please <ins>reschedule</ins> the call." in html
