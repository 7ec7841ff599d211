"""Quality signals in Chromium: two versions compared on what callers feel, a
production transcript, a judge made on the Evals page, guards on a rollout's page."""

import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agents.services import conversations, releases
from tests.helpers import ended

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def felt(agent, make_version, user):
    v1, v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    rng = random.Random(4)
    for version, latency, liked in ((v1, 800, 4.3), (v2, 1250, 3.6)):
        ended(
            version,
            [
                {
                    "latency_ms": latency * rng.lognormvariate(0, 0.2),
                    "satisfaction": max(1, min(5, round(rng.gauss(liked, 0.7)))),
                    "cost": 0.03,
                }
                for _ in range(80)
            ],
        )
    conversation, _ = conversations.start_conversation(ref=agent.public_id, user=user)
    conversations.end_conversation(
        conversation=conversation,
        user=user,
        outcome="completed",
        latency_ms=812,
        satisfaction=5,
        cost=0.021,
        scores={"polite": 1},
        turns=[
            {"role": "user", "content": "Can I come on Tuesday?"},
            {"role": "assistant", "content": "Yes, please hold.", "latency_ms": 812},
        ],
    )
    return agent, conversation


def test_two_versions_compared_and_a_production_transcript(new_page, felt, user):
    agent, conversation = felt
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/analytics/")
    page.get_by_label("Compare").select_option("v1")
    page.get_by_label("with").select_option("v2")
    page.get_by_role("button", name="Compare").click()
    latency = page.get_by_test_id("compared-latency_ms")
    expect(latency).to_contain_text("Worse")
    expect(latency).to_contain_text("v2 answers")
    expect(latency).to_contain_text("slower at p95 (p < 0.001)")
    expect(page.get_by_test_id("compared-satisfaction")).to_contain_text("Worse")
    expect(page.get_by_test_id("compared-completion_rate")).to_contain_text("No difference")
    expect(page.get_by_test_id("latency-distribution")).to_be_visible()
    expect(page.get_by_test_id("daily-chart")).to_have_count(5)  # 4 metrics and the score
    expect(page.locator("figcaption").filter(has_text="Score polite")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare-quality.png"), full_page=True)

    page.get_by_role("link", name="Conversations").first.click()
    page.get_by_role("link", name=conversation.public_id).click()
    expect(page.get_by_test_id("signals")).to_contain_text("answers in 812 ms")
    expect(page.get_by_test_id("signals")).to_contain_text("rated 5/5")
    expect(page.get_by_test_id("scores")).to_contain_text("polite 1.00")
    expect(page.get_by_test_id("transcript")).to_contain_text("Yes, please hold.")
    expect(page.get_by_test_id("bound-version")).to_have_text("v1: its configuration")
    page.screenshot(path=str(ARTIFACTS / "transcript.png"), full_page=True)
    assert page.console_errors == []


def test_a_judge_is_made_on_the_evals_page(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/evals/")
    page.get_by_test_id("new-judge").click()
    dialog = page.locator("#dialog")
    dialog.get_by_label("Name (the score's name)").fill("Polite")
    dialog.get_by_label("Phrase, pattern or milliseconds").fill("please")
    dialog.get_by_label("Sample (% of conversations judged)").fill("50")
    dialog.get_by_role("button", name="Save judge").click()
    expect(dialog.locator("#judge-name-error")).to_be_visible()  # upper case: refused
    # Type again once htmx has wired the form it swapped in.
    page.wired("#dialog form")
    dialog.get_by_label("Name (the score's name)").fill("polite")
    dialog.get_by_role("button", name="Save judge").click()
    row = page.get_by_test_id("judge-row")
    expect(row).to_contain_text("Reply contains “please”")
    expect(row).to_contain_text("50%")
    assert page.console_errors == []
