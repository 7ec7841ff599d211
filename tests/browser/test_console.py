"""The operator's whole loop in a real browser, and two operators colliding."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agents.models import Draft
from agents.services import agents, channels, conversations, drafts, releases, versions

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Clinic line", user=user, config={"prompt": {"system_prompt": "Original prompt."}}
    )


def history_row(page, label):
    return page.locator("#history-panel [data-testid=version-row]").filter(
        has=page.locator(".label", has_text=re.compile(rf"^{label}$"))
    )


def test_edit_save_version_release_restore(new_page, agent, user):
    page = new_page(user.username)
    page.get_by_role("link", name="Clinic line").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinic line")
    page.evaluate("window.__noReload = true")

    # Edit and save the draft.
    page.get_by_label("System prompt").fill("Greet callers warmly.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#draft-editor").get_by_role("status")).to_have_text("Draft saved")
    expect(page.get_by_test_id("draft-revision")).to_have_text("Revision 2")

    # Save Version: a dialog, focus inside, Esc closes it.
    page.get_by_role("link", name="Save Version").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Name")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name="Save Version").click()
    dialog.get_by_role("button", name="Save Version").click()
    expect(dialog.get_by_text("is required")).to_be_visible()
    dialog.get_by_label("Name").fill("Warm greeting")
    dialog.get_by_label("Description").fill("Friendlier first words")
    dialog.get_by_role("button", name="Save Version").click()
    expect(dialog).to_be_hidden()
    expect(history_row(page, "v1")).to_contain_text("Warm greeting")

    # Release v1: badge, status and log update without a reload.
    history_row(page, "v1").get_by_role("link", name="Release").click()
    expect(dialog).to_contain_text("Nothing is released yet")
    dialog.get_by_role("button", name="Release v1").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("status")).to_have_text("Published")
    expect(history_row(page, "v1")).to_contain_text("Released")
    expect(page.locator("#release-log")).to_contain_text("v1")

    # Edit again and save v2.
    page.get_by_label("Temperature").fill("1.5")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("status")).to_have_text("Unpublished changes")
    page.get_by_role("link", name="Save Version").click()
    dialog.get_by_label("Name").fill("Hotter")
    dialog.get_by_role("button", name="Save Version").click()
    expect(history_row(page, "v2")).to_contain_text("Hotter")

    # Restore v1: the editor shows v1's values.
    history_row(page, "v1").get_by_role("link", name="Restore").click()
    expect(dialog).to_contain_text("Restore v1 into the draft")
    dialog.get_by_role("button", name="Restore v1").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("System prompt")).to_have_value("Greet callers warmly.")
    expect(page.get_by_label("Temperature")).to_have_value("0.7")
    expect(page.get_by_test_id("draft-entry")).to_contain_text("Restored from v1")
    expect(page.get_by_test_id("status")).to_have_text("Published")

    # Releasing v2 and then v1 is worded as a rollback.
    history_row(page, "v2").get_by_role("link", name="Release").click()
    dialog.get_by_role("button", name="Release v2").click()
    expect(dialog).to_be_hidden()
    history_row(page, "v1").get_by_role("link", name="Release").click()
    expect(dialog.get_by_role("heading", level=2)).to_have_text("Roll back to v1")
    dialog.get_by_label("Note (optional)").fill("v2 too hot")
    dialog.get_by_role("button", name="Roll back to v1").click()
    expect(page.locator("#release-log")).to_contain_text("v2 too hot")
    expect(page.get_by_test_id("released-version")).to_contain_text("v1")

    assert page.evaluate("window.__noReload") is True
    assert page.console_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "agent-page.png"), full_page=True)
    draft = Draft.objects.get(agent=agent)
    assert draft.config["prompt"]["system_prompt"] == "Greet callers warmly."


def test_invalid_input_is_shown_inline_and_nothing_is_saved(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_label("Temperature").fill("9")
    page.get_by_label("Workflow").fill("{broken")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#f-llm-temperature-error")).to_contain_text("less than or equal to 2")
    expect(page.locator("#f-workflow-error")).to_contain_text("invalid JSON")
    assert Draft.objects.get(agent=agent).revision == 1


def test_tools_rows_are_added_and_removed(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_role("button", name="Add tool").click()
    tool = page.locator("#f-tools fieldset").first
    tool.get_by_label("Name").fill("lookup_order")
    tool.get_by_label("URL").fill("https://shop.example.com/orders")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#draft-editor").get_by_role("status")).to_have_text("Draft saved")
    assert Draft.objects.get(agent=agent).config["tools"][0]["name"] == "lookup_order"
    page.get_by_role("button", name="Remove tool").click()
    expect(page.locator("#f-tools fieldset")).to_have_count(0)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#draft-editor").get_by_role("status")).to_have_text("Draft saved")
    assert Draft.objects.get(agent=agent).config["tools"] == []


def test_two_operators_editing_at_once_see_both_sides(new_page, agent, make_user):
    alice = make_user("Editor", username="alice")
    bob = make_user("Editor", username="bob")
    page_a = new_page(alice.username)
    page_b = new_page(bob.username)
    for page in (page_a, page_b):
        page.goto(f"/agents/{agent.public_id}/")

    page_a.get_by_label("Temperature").fill("1.1")
    page_a.get_by_role("button", name="Save draft").click()
    expect(page_a.locator("#draft-editor").get_by_role("status")).to_have_text("Draft saved")

    page_b.get_by_label("Model").fill("gpt-4o")
    page_b.get_by_role("button", name="Save draft").click()
    conflict = page_b.locator(".conflict")
    expect(conflict).to_contain_text("Someone else changed this draft")
    expect(conflict).to_contain_text("alice")
    expect(conflict.get_by_role("row", name=re.compile("llm.model"))).to_contain_text("gpt-4o")
    expect(conflict.get_by_role("row", name=re.compile("llm.temperature"))).to_contain_text("1.1")
    expect(page_b.get_by_test_id("draft-entry")).to_contain_text("alice")
    draft = Draft.objects.get(agent=agent)
    assert (draft.config["llm"]["model"], draft.config["llm"]["temperature"]) == (
        "gpt-4o-mini",
        1.1,
    )

    ARTIFACTS.mkdir(exist_ok=True)
    page_b.screenshot(path=str(ARTIFACTS / "conflict.png"), full_page=True)
    page_b.get_by_role("button", name="Keep mine").click()
    expect(page_b.locator("#draft-editor").get_by_role("status")).to_have_text("Draft saved")
    draft.refresh_from_db()
    assert draft.config["llm"]["model"] == "gpt-4o"
    assert draft.revision == 3

    # Alice is now behind: she takes theirs and sees Bob's values.
    page_a.get_by_label("Welcome message").fill("Hi from Alice")
    page_a.get_by_role("button", name="Save draft").click()
    expect(page_a.locator(".conflict")).to_contain_text("bob")
    page_a.get_by_role("link", name="Take theirs").click()
    expect(page_a.get_by_label("Model")).to_have_value("gpt-4o")
    expect(page_a.get_by_test_id("draft-revision")).to_have_text("Revision 3")
    draft.refresh_from_db()
    assert draft.config["prompt"]["welcome_message"] != "Hi from Alice"


def test_restore_offers_to_save_unversioned_changes_first(new_page, agent, user):
    versions.save_version(agent=agent, name="Base", user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_label("Model").fill("gpt-4.1")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#draft-editor").get_by_role("status")).to_have_text("Draft saved")
    history_row(page, "v1").get_by_role("link", name="Restore").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("changes that are in no version")
    dialog.get_by_label("Save current draft as a version first").check()
    dialog.get_by_label("Version name for the current draft").fill("Try 4.1")
    dialog.get_by_role("button", name="Restore v1").click()
    expect(dialog).to_be_hidden()
    expect(history_row(page, "v2")).to_contain_text("Try 4.1")
    expect(page.get_by_label("Model")).to_have_value("gpt-4o-mini")


def test_the_console_works_without_javascript(no_script_page, agent, user):
    page = no_script_page(user.username)
    page.get_by_role("link", name="Clinic line").click()
    page.get_by_label("System prompt").fill("No script here.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved (revision 2)")).to_be_visible()
    page.get_by_role("link", name="Save Version").click()
    page.get_by_label("Name").fill("Plain HTML")
    page.get_by_role("button", name="Save Version").click()
    expect(history_row(page, "v1")).to_contain_text("Plain HTML")
    history_row(page, "v1").get_by_role("link", name="Release").click()
    page.get_by_role("button", name="Release v1").click()
    expect(page.get_by_test_id("status")).to_have_text("Published")


def test_compare_opens_in_the_history_panel_without_a_reload(new_page, agent, user):
    versions.save_version(agent=agent, name="Original", user=user)
    draft = Draft.objects.get(agent=agent)
    drafts.update_draft(
        agent=agent,
        user=user,
        config={
            **draft.config,
            "prompt": {**draft.config["prompt"], "system_prompt": "Original prompt.\nNow longer."},
        },
    )
    versions.save_version(agent=agent, name="Longer", user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.evaluate("window.__noReload = true")
    history_row(page, "v1").get_by_role("link", name="Compare").click()
    panel = page.locator("#compare-view")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Compare v1 → Draft")
    expect(panel).to_contain_text("prompt.system_prompt")
    expect(panel.locator("ins")).to_contain_text("Now longer.")
    # The picker compares any other pair in place.
    panel.get_by_label("From", exact=True).select_option("2")
    panel.get_by_label("To", exact=True).select_option("draft")
    panel.get_by_role("button", name="Compare", exact=True).click()
    expect(panel.get_by_role("heading", level=2)).to_have_text("Compare v2 → Draft")
    expect(panel.get_by_text("No differences")).to_be_visible()
    # Restoring with the panel open refreshes the editor in place, within the CSP.
    history_row(page, "v1").get_by_role("link", name="Restore").click()
    page.get_by_role("dialog").get_by_role("button", name="Restore v1").click()
    expect(page.get_by_label("System prompt")).to_have_value("Original prompt.")
    panel.get_by_role("button", name="Close").click()
    expect(page.locator("#compare-view")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    assert page.console_errors == []


def test_restoring_over_unsaved_changes_stays_within_the_content_security_policy(
    new_page, agent, user
):
    versions.save_version(agent=agent, name="Base", user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_label("Temperature").fill("1.2")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("draft-revision")).to_have_text("Revision 2")
    history_row(page, "v1").get_by_role("link", name="Compare").click()
    expect(page.locator("#compare-view")).to_contain_text("llm.temperature")
    history_row(page, "v1").get_by_role("link", name="Restore").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("in no version")
    dialog.get_by_role("button", name="Restore v1").click()
    expect(page.get_by_label("Temperature")).to_have_value("0.7")
    expect(page.get_by_test_id("draft-revision")).to_have_text("Revision 3")
    assert page.console_errors == []


def test_an_ab_channel_made_in_the_console_shows_its_versions_in_analytics(new_page, agent, user):
    from agents.models import Channel

    versions.save_version(agent=agent, name="Base", user=user)
    draft = Draft.objects.get(agent=agent)
    drafts.update_draft(
        agent=agent,
        user=user,
        config={**draft.config, "llm": {**draft.config["llm"], "temperature": 1.1}},
    )
    v2 = versions.save_version(agent=agent, name="Warmer", user=user)
    releases.release_version(version=agent.versions.get(number=1), user=user)

    page = new_page(user.username)
    page.get_by_role("link", name="Channels").click()
    page.get_by_role("link", name="New channel").click()
    page.get_by_label("Name").fill("Booking widget")
    page.get_by_label("Kind").select_option("web")
    page.get_by_label("Agent").select_option(label="Clinic line")
    # The agent chosen, its versions are offered as targets.
    expect(
        page.get_by_label("Variant 2 target").locator(f'option[value="v{v2.number}"]')
    ).to_have_count(1)
    page.get_by_label("Variant 1 target").select_option("released")
    page.get_by_label("Variant 1 weight (%)").fill("50")
    page.get_by_label("Variant 2 target").select_option(f"v{v2.number}")
    page.get_by_label("Variant 2 weight (%)").fill("40")
    expect(page.locator("[data-weight-total]")).to_have_text("90")
    page.get_by_label("Variant 2 weight (%)").fill("50")
    expect(page.locator("[data-weight-total]")).to_have_text("100")
    page.get_by_role("button", name="Save channel").click()
    expect(page.get_by_test_id("serving")).to_contain_text("v1")
    expect(page.get_by_test_id("serving")).to_contain_text("v2")

    channel = Channel.objects.get(name="Booking widget")
    for i in range(30):
        conversation, _ = channels.start_conversation_on_channel(
            channel=channel, user=user, key=f"caller-{i}"
        )
        conversations.end_conversation(
            conversation=conversation, user=user, outcome="completed", duration_s=60 + i
        )

    page.goto(f"/agents/{agent.public_id}/analytics/")
    rows = page.get_by_test_id("stats-row")
    expect(rows).to_have_count(2)
    expect(page.locator("#version-stats")).to_contain_text("v1")
    expect(page.locator("#version-stats")).to_contain_text("v2")
    expect(page.locator("#comparison svg").first).to_be_visible()
    expect(page.get_by_test_id("compared-completion_rate")).to_contain_text("Too few")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "analytics.png"), full_page=True)
    assert page.console_errors == []
