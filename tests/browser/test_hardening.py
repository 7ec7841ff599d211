"""What operators see of the hardening, in a real browser: warnings, lockouts, stalled runs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from agents.models import EvalRun
from agents.services import agents, evals, versions
from tests.helpers import edit


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Back office",
        user=user,
        config={"tools": [{"name": "crm", "url": "http://10.0.0.5/crm"}]},
    )


def test_a_tool_on_a_private_address_is_saved_with_a_warning_beside_it(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    warning = page.get_by_test_id("field-warning")
    expect(warning).to_contain_text("10.0.0.5 is a private address")
    url = page.locator("#f-tools-0--url")
    url.fill("https://user:secret@crm.example.com/")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#f-tools-0--url-error")).to_contain_text("must not contain credentials")
    assert page.console_errors == []


def test_a_locked_out_login_says_why(browser, live_server, make_user, settings):
    make_user(username="mallory")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("mallory")
        page.get_by_label("Password").fill("guess")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("locked-out")).to_contain_text("Too many failed logins")
    context.close()


def test_a_run_that_stopped_moving_is_not_polled_and_says_so(new_page, agent, user):
    suite = evals.create_eval_suite(
        agent=agent,
        name="Smoke",
        user=user,
        cases=[{"name": "hi", "messages": [{"role": "user", "content": "hi"}]}],
    )
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    EvalRun.objects.filter(pk=run.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    page = new_page(user.username)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"/agents/{agent.public_id}/evals/runs/{run.public_id}/")
    expect(page.get_by_test_id("run-stalled")).to_contain_text("seems to have stopped")
    page.wait_for_timeout(2500)
    assert not [url for url in requests if f"/runs/{run.public_id}/" in url][1:]
    assert page.console_errors == []


def test_unsaved_edits_are_marked_warned_about_and_named_by_restore(new_page, agent, user):
    v1 = versions.save_version(agent=agent, name="First", user=user)
    edit(agent, {"prompt": {"welcome_message": "Saved, in no version"}}, user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    label = page.get_by_test_id("unsaved-edits")
    expect(label).to_be_hidden()
    page.get_by_label("System prompt").fill("A new instruction")
    expect(label).to_be_visible()
    # Saved, then edited again: "Draft saved" gives way to "Unsaved edits".
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Save draft").click()
    saved = page.locator("#draft-editor").get_by_role("status")
    expect(saved).to_have_text("Draft saved")
    expect(label).to_be_hidden()
    page.get_by_label("System prompt").fill("A new instruction, edited")
    expect(label).to_be_visible()
    expect(saved).to_be_hidden()

    page.locator(f'[hx-get$="/versions/{v1.number}/restore/"]').first.click()
    expect(page.get_by_test_id("restore-unsaved-edits")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):
        page.goto("/channels/")  # the operator chose to stay
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(f"/agents/{agent.public_id}/")
    assert page.get_by_label("System prompt").input_value() == "A new instruction, edited"


def test_the_playground_sends_on_enter_and_says_who_answered(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/playground/")
    page.get_by_role("button", name="Start session").click()
    box = page.get_by_label("Message", exact=True)
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    box.press("Enter")
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text("You said: first line")
    expect(transcript).to_have_attribute("aria-live", "polite")
    expect(page.get_by_test_id("turn-provider")).to_have_text("echo")
    assert page.console_errors == []


def test_a_new_token_can_be_copied_and_revoking_it_asks_first(new_page, user):
    page = new_page(user.username)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/tokens/")
    page.get_by_label("Name").fill("voice runtime")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").input_value()
    page.get_by_test_id("copy-token").click()
    expect(page.locator(".toast")).to_contain_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == secret

    page.get_by_role("link", name="Revoke").click()
    dialog = page.locator("#dialog")
    expect(dialog.get_by_role("heading")).to_contain_text("voice runtime")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name="Revoke").click()
    dialog.get_by_test_id("confirm").click()
    expect(page.get_by_text("is refused from now on")).to_be_visible()
    assert page.console_errors == []


def test_compare_from_the_history_comes_into_view_and_close_returns_focus(new_page, agent, user):
    versions.save_version(agent=agent, name="First", user=user)
    edit(agent, {"prompt": {"welcome_message": "Changed"}}, user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    opener = page.locator('#history-panel [hx-get$="/compare/1...draft/"]').first
    opener.click()
    title = page.locator("#compare-title")
    expect(title).to_be_focused()
    expect(title).to_be_in_viewport()
    page.locator("#compare-panel").get_by_role("button", name="Close").click()
    expect(page.locator("#compare-panel")).to_be_empty()
    expect(opener).to_be_focused()


def test_the_compare_page_keeps_the_pair_in_the_address(new_page, agent, user):
    versions.save_version(agent=agent, name="First", user=user)
    edit(agent, {"prompt": {"welcome_message": "Changed"}}, user=user)
    versions.save_version(agent=agent, name="Second", user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/compare/1...2/")
    expect(page.locator("#compare-from")).to_have_value("1")
    expect(page.locator("#compare-from option:checked")).to_have_text("v1 · First")
    page.locator("#compare-to").select_option("draft")
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("#compare-title")).to_contain_text("→ Draft")
    page.wait_for_url(f"**/agents/{agent.public_id}/compare/1...draft/")
    page.get_by_role("button", name="Swap").click()
    expect(page.locator("#compare-title")).to_have_text("Compare Draft → v1")
    page.wait_for_url(f"**/agents/{agent.public_id}/compare/draft...1/")
    page.go_back()
    page.wait_for_url(f"**/agents/{agent.public_id}/compare/1...draft/")
    expect(page.locator("#compare-title")).to_have_text("Compare v1 → Draft")
    assert page.console_errors == []


def test_comparing_on_the_agent_page_puts_the_pair_in_the_address_and_back_works(
    new_page, agent, user
):
    versions.save_version(agent=agent, name="First", user=user)
    edit(agent, {"prompt": {"welcome_message": "Changed"}}, user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('#history-panel [hx-get$="/compare/1...draft/"]').first.click()
    expect(page.locator("#compare-title")).to_have_text("Compare v1 → Draft")
    page.wait_for_url(f"**/agents/{agent.public_id}/compare/1...draft/")
    page.go_back()
    page.wait_for_url(f"**/agents/{agent.public_id}/")
    expect(page.locator("#compare-view")).to_have_count(0)
    # The address is shareable: opened as it is, it shows the same pair.
    page.goto(f"/agents/{agent.public_id}/compare/1...draft/")
    expect(page.locator("#compare-title")).to_have_text("Compare v1 → Draft")
    assert page.console_errors == []


def test_a_running_request_disables_its_button_and_a_skip_link_reaches_history(
    new_page, agent, user
):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to History")
    expect(skip).to_be_focused()

    held = []
    page.route("**/draft/", lambda route: held.append(route))
    page.get_by_label("System prompt").fill("Slow network")
    save = page.get_by_role("button", name="Save draft")
    save.click()
    expect(save).to_be_disabled()
    expect(page.locator('#draft-editor form[aria-busy="true"]')).to_have_count(1)
    page.wait_for_timeout(100)
    held[0].continue_()
    expect(page.get_by_test_id("draft-revision")).to_contain_text("Revision 2")
    expect(page.get_by_role("button", name="Save draft")).to_be_enabled()
    assert page.console_errors == []


def test_a_link_styled_as_a_button_answers_space(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    opener = page.get_by_role("link", name="Save Version")
    opener.focus()
    page.keyboard.press(" ")
    expect(page.locator("#dialog").get_by_label("Name")).to_be_focused()
