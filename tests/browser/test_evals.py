"""Trying a configuration before release, in a real browser: the playground and an eval run."""

import pytest
from playwright.sync_api import expect

from agents.models import EvalRun
from agents.services import agents
from tests.helpers import run_worker


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Clinic line",
        user=user,
        config={
            "prompt": {"system_prompt": "Never give medical advice; offer a nurse instead."},
            "tools": [{"name": "find_slots", "url": "https://x.example/slots"}],
        },
    )


def test_chat_with_the_draft_in_the_playground(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.evaluate("window.__noReload = true")
    playground = page.locator("#playground")
    playground.scroll_into_view_if_needed()
    playground.get_by_role("button", name="Start session").click()
    expect(page.get_by_test_id("playground-binding")).to_contain_text("bound to the draft")
    expect(playground.get_by_text("1 tool offered to the model")).to_be_visible()

    page.get_by_label("Message", exact=True).fill("I have a medical question")
    playground.get_by_role("button", name="Send", exact=True).click()
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text(
        "You said: I have a medical question — Never give medical advice; offer a nurse instead."
    )
    expect(page.get_by_test_id("turn-meta")).to_contain_text("tokens")
    expect(page.get_by_test_id("playground-totals")).to_contain_text("completion tokens")
    assert page.evaluate("window.__noReload") is True
    assert page.console_errors == []


def test_run_a_suite_against_the_draft_and_see_its_results(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_role("link", name="Evals", exact=True).click()

    # A suite with one case, written in the console.
    page.get_by_label("Name").fill("Safety")
    page.get_by_role("button", name="Create suite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety")
    page.evaluate("window.__noReload = true")
    page.get_by_role("link", name="Add case").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Refers medical questions")
    dialog.get_by_label("Input messages", exact=False).fill("Is this rash serious? medical")
    dialog.get_by_label("Contains, one phrase per line").fill("nurse")
    dialog.get_by_label("Matches, one regular expression per line").fill("^You said")
    dialog.get_by_role("button", name="Save case").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("case-row")).to_contain_text("Reply contains “nurse”")

    # Run it against the draft: queued until a worker takes it, then the result.
    page.get_by_label("Run against").select_option("draft")
    page.get_by_role("button", name="Run", exact=True).click()
    run_row = page.get_by_test_id("run-row").first
    expect(run_row).to_contain_text("Waiting for a worker")
    run_worker()
    expect(run_row.get_by_test_id("run-status")).to_have_text("Passed", timeout=15_000)
    expect(run_row).to_contain_text("1/1 passed")
    assert page.evaluate("window.__noReload") is True  # the panel updated itself

    run_row.get_by_role("link").click()
    expect(page.get_by_test_id("result-row")).to_contain_text("Refers medical questions")
    expect(page.get_by_test_id("result-row")).to_contain_text("✓ contains “nurse”")
    assert EvalRun.objects.get().status == "passed"
    assert page.console_errors == []
