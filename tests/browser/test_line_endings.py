"""Without JavaScript a browser sends each textarea line ending in \\r\\n: stored as \\n."""

import pytest
from playwright.sync_api import expect

from agents.models import Draft
from agents.services import agents


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Clinic line", user=user, config={"prompt": {"system_prompt": "One.\nTwo."}}
    )


def test_saving_without_javascript_stores_unix_line_endings(no_script_page, agent, user):
    page = no_script_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")

    # Saving the page as it is changes nothing, though the browser sent "One.\r\nTwo.".
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved (revision 1)")).to_be_visible()
    page.get_by_label("System prompt").fill("One.\nTwo.\nThree.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved (revision 2)")).to_be_visible()
    prompt = Draft.objects.get(agent=agent).config["prompt"]["system_prompt"]
    assert prompt == "One.\nTwo.\nThree."

    # The version dialog's description too.
    page.get_by_role("link", name="Save Version").click()
    page.get_by_label("Name").fill("Three lines")
    page.get_by_label("Description").fill("First line\nsecond line")
    page.get_by_role("button", name="Save Version").click()
    assert agent.versions.get().description == "First line\nsecond line"
