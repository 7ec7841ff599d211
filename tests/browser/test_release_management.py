"""Four eyes in the browser, and a release scheduled then cancelled."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from agents.models import Agent, ReleaseRequest, ScheduledRelease
from agents.services import agents, approvals, channels, labels, releases
from tests.browser.test_accessibility import violations


def _agent_needing_approval(user, make_version):
    agent = agents.create_agent(name="Front desk", user=user)
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    return agent


def test_request_approve_by_someone_else_then_release(new_page, user, make_user, make_version):
    agent = _agent_needing_approval(user, make_version)
    make_user("Releaser", username="reviewer")
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('#history-panel [hx-get$="/versions/2/release/"]').click()
    dialog = page.locator("#dialog")
    expect(dialog.get_by_test_id("approval-needed")).to_contain_text("need 1 approval")
    dialog.get_by_role("link", name="Request release of v2").click()
    expect(dialog.get_by_role("heading", name="Request release of v2")).to_be_visible()
    expect(dialog.locator(".diff-table").first).to_be_visible()
    dialog.get_by_label("Note for the reviewers").fill("Warmer voice for the morning")
    dialog.get_by_role("button", name="Request release").click()
    expect(dialog).to_be_hidden()
    requests = page.get_by_test_id("open-requests")
    expect(requests).to_contain_text("released → v2")
    request = ReleaseRequest.objects.get()
    page.goto(f"/requests/{request.public_id}/")
    expect(page.get_by_role("link", name="Approve")).to_have_count(0)  # not one's own
    assert violations(page) == []

    other = new_page("reviewer")
    other.goto("/requests/")
    expect(other.get_by_test_id("request-row")).to_contain_text(request.public_id)
    other.get_by_test_id("request-row").get_by_role("link", name="released: v1 → v2").click()
    other.get_by_role("link", name="Approve").click()
    review = other.locator("#dialog")
    review.get_by_label("Comment (optional)").fill("Listened to it: fine")
    assert violations(other) == []
    review.get_by_role("button", name="Approve").click()
    expect(other.get_by_test_id("request-status")).to_have_text("Approved")
    other.get_by_role("button", name="Release now").click()
    expect(other.get_by_test_id("request-status")).to_have_text("Released")
    assert Agent.objects.get(pk=agent.pk).released_version.number == 2
    page.goto(f"/agents/{agent.public_id}/")
    expect(page.get_by_test_id("release-event").first).to_contain_text(request.public_id)
    assert page.console_errors == []
    assert other.console_errors == []


def open_release_of_v2(new_page, user, make_version, name):
    """An agent with v1 released and v2 saved, its page open on v2's Release dialog."""
    agent = agents.create_agent(name=name, user=user)
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('#history-panel [hx-get$="/versions/2/release/"]').click()
    return agent, page, page.locator("#dialog")


def test_schedule_a_release_then_cancel_it(new_page, user, make_version):
    agent, page, dialog = open_release_of_v2(new_page, user, make_version, "Morning line")
    expect(dialog.locator("[data-tz-name]")).to_contain_text("Your time zone")
    in_a_month = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%dT06:00")
    expect(dialog.get_by_label("Release at")).to_be_disabled()  # until "At" is chosen
    dialog.get_by_role("radio", name="At").check()
    dialog.get_by_label("Release at").fill(in_a_month)
    dialog.get_by_role("button", name="Release v2").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_test_id("schedule-row")
    expect(row).to_contain_text("released → v2")
    schedule = ScheduledRelease.objects.get()
    assert schedule.status == "pending"
    assert Agent.objects.get(pk=agent.pk).released_version.number == 1
    expect(page.get_by_test_id("schedule-event")).to_contain_text("Scheduled")
    row.get_by_role("button", name="Cancel the schedule of v2").click()
    expect(page.get_by_test_id("schedule-row")).to_have_count(0)
    expect(page.get_by_test_id("schedule-event").first).to_contain_text("Schedule cancelled")
    assert ScheduledRelease.objects.get().status == "cancelled"
    assert page.console_errors == []


def test_the_release_dialog_by_keyboard_tabs_past_the_time_and_enter_releases_now(
    new_page, user, make_version
):
    agent, page, dialog = open_release_of_v2(new_page, user, make_version, "Keyboard line")
    # The dialog's script has run (it takes the time out of the tab order) before typing.
    expect(dialog.get_by_label("Release at")).to_be_disabled()
    dialog.get_by_label("Note (optional)").focus()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("radio", name="Now")).to_be_focused()
    page.keyboard.press("Tab")  # leaves the group; the time is not a stop while "Now"
    expect(dialog.get_by_role("button", name="Release v2")).to_be_focused()
    expect(dialog.get_by_role("radio", name="Now")).to_be_checked()

    # Arrow keys move within the group: "At" takes the time, back to "Now" drops it.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")
    expect(dialog.get_by_role("radio", name="At")).to_be_checked()
    expect(dialog.get_by_label("Release at")).to_be_enabled()
    expect(dialog.get_by_role("radio", name="At")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(dialog.get_by_role("radio", name="Now")).to_be_checked()
    expect(dialog.get_by_label("Release at")).to_be_disabled()

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert Agent.objects.get(pk=agent.pk).released_version.number == 2
    assert page.console_errors == []


def test_a_second_identical_request_is_refused_in_the_dialog_naming_the_first(
    new_page, user, make_version
):
    agent = agents.create_agent(name="Guarded line", user=user)
    releases.release_version(version=make_version(agent), user=user)
    v2 = make_version(agent)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    first = approvals.request_release(agent=agent, version=v2, user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('#history-panel [hx-get$="/versions/2/release/"]').click()
    dialog = page.locator("#dialog")
    dialog.get_by_role("link", name="Request release of v2").click()
    dialog.get_by_role("button", name="Request release").click()
    expect(dialog.get_by_role("alert")).to_contain_text(first.public_id)
    assert ReleaseRequest.objects.filter(agent=agent).count() == 1
    assert page.console_errors == []


def test_a_label_a_channel_follows_moves_only_through_a_request(new_page, user, make_version):
    agent = _agent_needing_approval(user, make_version)
    v1 = agent.versions.get(number=1)
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    channels.create_channel(
        name="EU line", kind="phone", agent=agent, user=user, target={"label": "staging"}
    )
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_role("link", name="Label… for v2").click()
    dialog = page.locator("#dialog")
    page.wired("#label-name")
    dialog.get_by_label("Label").fill("staging")
    dialog.get_by_label("Label").press("Tab")  # the preview redraws for the name
    expect(dialog.get_by_test_id("label-followers")).to_contain_text("Followed by EU line")
    dialog.get_by_role("button", name="Move label").click()
    expect(dialog.locator(".form-error, .error").first).to_contain_text("needs 1 approval")
    dialog.get_by_role("link", name="Request this move").click()
    expect(dialog.get_by_role("heading", name="Request release of v2")).to_be_visible()
    dialog.get_by_role("button", name="Request release").click()
    expect(dialog).to_be_hidden()
    asked = ReleaseRequest.objects.get()
    assert (asked.label, asked.version.number) == ("staging", 2)
    assert agent.labels.get(name="staging").version == v1


def test_the_agent_page_shows_live_what_the_stream_pushed(new_page, user, make_version):
    from agents.models import Change, StreamNode

    agent = agents.create_agent(name="Stream line", user=user)
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    node = StreamNode.objects.create(name="node-a:1", listening={agent.public_id: 3})
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    pushed = page.get_by_test_id("pushed")
    expect(pushed).to_contain_text("v1 released · pushed to 0 subscribers")
    expect(pushed).to_contain_text("3 listening on the stream now")
    expect(pushed).not_to_be_focused()  # a background status never takes focus
    page.get_by_test_id("header-release").click()
    page.locator("#dialog").get_by_role("button", name="Release v2").click()
    expect(pushed).to_contain_text("v2 released")  # redrawn with the header
    # The node reports that the change reached its three subscribers: shown at the next poll.
    node.pushed = {str(Change.objects.latest("seq").seq): 3}
    node.save()
    expect(pushed).to_contain_text("v2 released · pushed to 3 subscribers", timeout=8_000)
    assert page.console_errors == []
