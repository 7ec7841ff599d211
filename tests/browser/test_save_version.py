"""Save Version never snapshots something other than what the editor shows."""

import pytest
from playwright.sync_api import expect

from agents.models import Draft
from agents.services import agents


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Clinic line", user=user, config={"prompt": {"system_prompt": "Original prompt."}}
    )


def test_save_version_with_unsaved_edits_saves_them_first(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.evaluate("window.__noReload = true")
    page.get_by_label("System prompt").fill("Greet callers warmly.")

    page.get_by_role("link", name="Save Version").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("save-version-unsaved-edits")).to_be_visible()
    expect(dialog.get_by_role("button", name="Save Version", exact=True)).to_have_count(0)
    dialog.get_by_label("Name").fill("Warm greeting")
    dialog.get_by_label("Name").press("Enter")  # Enter picks the only way: save both
    expect(dialog).to_be_hidden()

    version = agent.versions.get()
    assert version.config["prompt"]["system_prompt"] == "Greet callers warmly."
    assert Draft.objects.get(agent=agent).content_hash == version.content_hash
    # The editor redrew from the stored draft: clean, at the new revision.
    expect(page.get_by_test_id("unsaved-edits")).to_be_hidden()
    expect(page.get_by_test_id("draft-revision")).to_have_text("Revision 2")
    expect(page.get_by_label("System prompt")).to_have_value("Greet callers warmly.")
    assert page.console_errors == []


def test_after_a_failed_save_save_version_names_the_problem_and_saves_nothing(
    new_page, agent, user
):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.evaluate("window.__noReload = true")
    page.get_by_label("Temperature").fill("9")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()

    page.get_by_role("link", name="Save Version").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("save-version-unsaved-edits")).to_be_visible()
    dialog.get_by_label("Name").fill("Hot")
    dialog.get_by_role("button", name="Save draft and save version").click()
    expect(dialog).to_contain_text("llm.temperature")
    expect(dialog).to_contain_text("nothing was saved")
    assert agent.versions.count() == 0
    assert Draft.objects.get(agent=agent).revision == 1
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()


def test_a_clean_editor_saves_the_version_of_the_saved_draft(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_role("link", name="Save Version").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("save-version-unsaved-edits")).to_be_hidden()
    expect(dialog).to_contain_text("Snapshots the saved draft (revision 1)")
    dialog.get_by_label("Name").fill("First")
    dialog.get_by_role("button", name="Save Version").click()
    expect(dialog).to_be_hidden()
    # The panels have redrawn (no request is left running when the test ends).
    expect(page.locator("#history-panel")).to_contain_text("First")
    assert agent.versions.get().name == "First"
