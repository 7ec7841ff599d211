"""The agent page's header at desktop width: actions on one line, Release within
reach, the agent's pages as navigation; dialog pages without JavaScript."""

from playwright.sync_api import expect


def test_the_header_keeps_its_actions_together_and_pages_are_navigation(new_page, world, user):
    agent = world[0]
    page = new_page(user.username, width=1280, height=900)
    page.goto(f"/agents/{agent.public_id}/")
    actions = page.get_by_role("group", name=f"Actions on {agent.name}")
    buttons = actions.locator("a.button").all()
    tops = {round(button.bounding_box()["y"]) for button in buttons}
    assert len(tops) == 1, tops  # one line: Save Version never sits alone
    expect(actions.get_by_role("link", name="Save Version")).to_be_visible()
    # v2 is the newest and not released: Release is one click from the header.
    actions.get_by_test_id("header-release").click()
    expect(page.locator("#dialog").get_by_role("heading", level=2)).to_have_text("Release v2")
    page.locator("#dialog").get_by_role("button", name="Cancel").click()
    pages = page.get_by_role("navigation", name=f"Pages of {agent.name}")
    for name in ("Configuration", "Evals", "Conversations", "Analytics"):
        expect(pages.get_by_role("link", name=name)).to_be_visible()
    expect(pages.locator("a.button")).to_have_count(0)


def test_a_dialog_page_without_javascript_uses_the_width(no_script_page, world, user):
    agent = world[0]
    page = no_script_page(user.username)
    page.goto(f"/agents/{agent.public_id}/versions/2/release/")
    card = page.locator(".dialog-page")
    assert card.bounding_box()["width"] > 800
