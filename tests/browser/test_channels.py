"""The channel page: targets chosen from a list, the A/B total checked as it is typed
and its error on the weights, and a rollout that says why it cannot start."""

import pytest
from playwright.sync_api import expect

from agents.models import Channel
from agents.services import agents, channels, releases


@pytest.fixture
def split(user, make_version):
    agent = agents.create_agent(name="Clinic line", user=user)
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    return channels.create_channel(
        user=user,
        name="AB widget",
        kind="web",
        agent=agent,
        variants=[{"target": "released", "weight": 50}, {"target": {"version": 2}, "weight": 50}],
    )


def test_an_ab_channel_says_why_a_rollout_cannot_start_before_any_dialog(new_page, split, user):
    page = new_page(user.username)
    page.goto(f"/channels/{split.public_id}/")
    button = page.get_by_test_id("start-rollout-disabled")
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_test_id("rollout-split-reason")).to_contain_text("splits traffic A/B")
    button.click(force=True)  # nothing opens: the reason is already on the page
    expect(page.locator("#dialog")).not_to_be_visible()
    # Opened by its address, the dialog says it first instead of a form.
    page.goto(f"/channels/{split.public_id}/rollouts/new/")
    expect(page.get_by_test_id("rollout-split-reason")).to_be_visible()
    expect(page.get_by_label("Candidate version")).to_have_count(0)
    assert page.console_errors == []


def test_weights_not_totalling_100_are_flagged_on_the_weights_with_focus_there(
    new_page, split, user
):
    page = new_page(user.username)
    page.goto(f"/channels/{split.public_id}/")
    target = page.get_by_label("Variant 2 target")
    expect(target.locator("option:checked")).to_contain_text("v2 · Change")
    weight = page.get_by_label("Variant 2 weight (%)")
    weight.fill("45")
    expect(page.locator("[data-weight-total]")).to_have_text("95")
    expect(page.locator("[data-weight-warning]")).to_be_visible()
    page.get_by_role("button", name="Save channel").click()

    expect(page.locator("#variants-weights-error")).to_contain_text("sum to 100")
    expect(page.get_by_label("Variant 1 weight (%)")).to_be_focused()
    expect(page.get_by_label("Variant 1 weight (%)")).to_have_attribute("aria-invalid", "true")
    expect(target).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Variant 3 weight (%)")).not_to_have_attribute("aria-invalid", "true")
    assert Channel.objects.get(pk=split.pk).variants[1]["weight"] == 50

    # Choosing a target from the list, the channel is saved.
    page.get_by_label("Variant 2 weight (%)").fill("50")
    page.get_by_label("Variant 2 target").select_option("draft")
    page.get_by_role("button", name="Save channel").click()
    expect(page.get_by_text("Saved AB widget.")).to_be_visible()
    assert Channel.objects.get(pk=split.pk).variants[1]["target"] == "draft"
    assert page.console_errors == []
