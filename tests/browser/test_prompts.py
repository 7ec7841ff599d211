"""The prompt library in the browser: edit a shared prompt, see what its release
changes, release it, and hear the difference in an agent's playground."""

import re

from playwright.sync_api import expect

from agents.models import Agent
from agents.services import agents, channels, releases, versions
from tests.browser.test_accessibility import violations
from tests.helpers import edit


def history_row(page, label):
    return page.locator("#history-panel [data-testid=version-row]").filter(
        has=page.locator(".label", has_text=re.compile(rf"^{label}$"))
    )


def _library(user):
    prompt = agents.create_agent(
        name="Cancellation policy",
        user=user,
        kind="prompt",
        config={
            "text": "Cancellations need 24 hours notice at {{clinic}}.",
            "variables": [{"name": "clinic", "type": "string", "default": "the clinic"}],
        },
    )
    releases.release_version(
        version=versions.save_version(agent=prompt, name="24 hours", user=user), user=user
    )
    agent = agents.create_agent(
        name="Front desk",
        user=user,
        config={"prompt": {"system_prompt": "Answer briefly."}},
    )
    edit(
        agent,
        {"prompt_links": [{"prompt": prompt.public_id, "variables": {"clinic": "Northside"}}]},
        user=user,
    )
    releases.release_version(
        version=versions.save_version(agent=agent, name="With the policy", user=user), user=user
    )
    channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    return prompt, agent


def test_edit_a_shared_prompt_see_the_impact_release_it_and_hear_it(new_page, user):
    prompt, agent = _library(user)
    page = new_page(user.username)
    page.get_by_role("link", name="Prompts").click()
    page.get_by_role("link", name="Cancellation policy").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancellation policy")
    expect(history_row(page, "v1")).to_contain_text("Used by Front desk")

    page.get_by_label("Text", exact=True).fill("Cancellations need 48 hours notice at {{clinic}}.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("draft-revision")).to_have_text("Revision 2")
    page.get_by_role("link", name="Save Version").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("48 hours")
    dialog.get_by_role("button", name="Save Version").click()
    expect(history_row(page, "v2")).to_contain_text("48 hours")

    history_row(page, "v2").get_by_role("link", name="Release").click()
    impact = dialog.get_by_test_id("impact")
    expect(impact).to_contain_text("Front desk")
    expect(impact).to_contain_text(f"{agent.public_id}@released")
    expect(impact).to_contain_text("Channels: Main line")
    impact.get_by_text("Rendered text, now and after").first.click()
    expect(impact).to_contain_text("Cancellations need 48 hours notice at Northside.")
    assert violations(page) == []
    dialog.get_by_role("button", name="Release v2").click()
    expect(dialog).to_be_hidden()
    expect(history_row(page, "v2")).to_contain_text("Released")
    assert Agent.objects.get(pk=prompt.pk).released_version.number == 2

    page.goto(f"/agents/{agent.public_id}/")
    playground = page.locator("#playground")
    playground.scroll_into_view_if_needed()
    playground.get_by_role("button", name="Start session").click()
    page.get_by_label("Message", exact=True).fill("What about cancellations?")
    playground.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_test_id("transcript")).to_contain_text(
        "Cancellations need 48 hours notice at Northside."
    )
    assert page.console_errors == []
