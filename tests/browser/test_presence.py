"""Presence in Chromium: two people on one agent's draft see each other, and the one
who did not save is told who saved since their page loaded."""

import pytest
from playwright.sync_api import expect

from agents.services import agents
from tests.helpers import edit

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_people_on_one_draft(new_page, make_user):
    ann = make_user("Editor", username="ann")
    make_user("Editor", username="bob")
    agent = agents.create_agent(name="Shared line", user=ann)
    first = new_page("ann")
    first.goto(f"/agents/{agent.public_id}/")
    expect(first.get_by_test_id("presence")).to_be_attached()
    second = new_page("bob")
    second.goto(f"/agents/{agent.public_id}/")
    expect(second.get_by_test_id("present-others")).to_contain_text("Also here: ann")
    edit(agent, {"llm": {"temperature": 0.2}}, user=ann)  # ann saves; bob's page is older
    expect(second.get_by_test_id("saved-since")).to_contain_text("ann saved r2", timeout=15_000)
    expect(first.get_by_test_id("present-others")).to_contain_text("bob", timeout=15_000)
    assert not first.console_errors
    assert not second.console_errors
