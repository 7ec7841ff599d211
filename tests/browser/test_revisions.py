"""An operator goes back to what the draft was two saves ago."""

from playwright.sync_api import expect

from agents.services import agents


def test_edit_twice_compare_r1_with_the_draft_and_restore_it(new_page, user):
    agent = agents.create_agent(
        name="Front desk", user=user, config={"prompt": {"welcome_message": "Hello"}}
    )
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    welcome = page.get_by_label("Welcome message")
    for text in ("Hi there", "Good morning"):
        welcome.fill(text)
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator("#draft-editor .saved")).to_be_visible()
    timeline = page.locator("#draft-activity")
    expect(timeline.get_by_test_id("revision-row")).to_have_count(3)
    r3 = timeline.locator("#revision-3")
    expect(r3).to_contain_text("Current draft")
    expect(r3).to_contain_text("prompt.welcome_message")

    timeline.locator("#revision-1").get_by_role("link", name="Compare r1 with the draft").click()
    title = page.locator("#compare-title")
    expect(title).to_have_text("Compare r1 → Draft")
    expect(title).to_be_focused()
    panel = page.locator("#compare-panel")
    expect(panel.locator("td.old")).to_contain_text("Hello")
    expect(panel.locator("td.new")).to_contain_text("Good morning")
    panel.get_by_role("button", name="Close").click()

    timeline.locator("#revision-1").get_by_role("link", name="Restore r1").click()
    dialog = page.locator("#dialog")
    expect(dialog.get_by_role("heading", name="Restore r1 into the draft")).to_be_visible()
    dialog.get_by_role("button", name="Restore r1").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Welcome message")).to_have_value("Hello")
    newest = timeline.get_by_test_id("revision-row").first
    expect(newest).to_contain_text("r4")
    expect(newest).to_contain_text("Restored r1")
    expect(newest).to_contain_text("from r1")
    assert page.console_errors == []
