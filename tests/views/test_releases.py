"""The console's release management: the dialogs ask the services, and show refusals."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agents.models import Agent, Label, ReleaseEvent, ReleaseRequest, ScheduledRelease
from agents.services import agents, approvals, channels, labels, releases, schedules
from tests.helpers import HTMX, login


@pytest.fixture
def two(agent, make_version, user):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    return agent


def test_the_release_dialog_sends_editors_and_releasers_to_a_request(client, two, user):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    html = (
        login(client, user)
        .get(reverse("agents:release", args=[two.public_id, 2]), **HTMX)
        .content.decode()
    )
    assert "need 1 approval" in html
    assert reverse("agents:request-release", args=[two.public_id, 2]) in html
    assert "without approval" not in html  # not a superuser: no break glass
    refused = client.post(reverse("agents:release", args=[two.public_id, 2]), {"note": ""}, **HTMX)
    assert "approval" in refused.content.decode()
    assert Agent.objects.get(pk=two.pk).released_version.number == 1


def test_a_superuser_breaks_glass_with_a_reason(client, two, user, make_user):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    admin = login(client, make_user(superuser=True))
    url = reverse("agents:release", args=[two.public_id, 2])
    assert "Break glass" in admin.get(url, **HTMX).content.decode()
    assert admin.post(url, {"break_glass": "callers stuck"}, **HTMX).status_code == 204
    event = ReleaseEvent.objects.filter(agent=two).latest("id")
    assert (event.approval_bypass, event.break_glass_note) == ("break_glass", "callers stuck")
    page = admin.get(reverse("agents:detail", args=[two.public_id])).content.decode()
    assert "Break glass (no approval): callers stuck" in page


def test_request_dialog_page_and_list(client, two, user, make_user):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    editor = make_user("Editor", username="ann")
    login(client, editor)
    url = reverse("agents:request-release", args=[two.public_id, 2])
    assert "What changes against released now (v1)" in client.get(url, **HTMX).content.decode()
    assert client.post(url, {"label": "released", "note": "please"}, **HTMX).status_code == 204
    request = ReleaseRequest.objects.get()
    history = client.get(reverse("agents:history", args=[two.public_id]), **HTMX).content.decode()
    assert 'Request released → v2</a> <span class="badge badge-request-open">Open' in history
    page = client.get(reverse("agents:release-request", args=[request.public_id])).content.decode()
    assert "please" in page
    assert "Approve" not in page  # an Editor, and the requester
    reviewer = make_user("Releaser", username="rita")
    login(client, reviewer)
    waiting = client.get(reverse("agents:release-requests")).content.decode()
    assert request.public_id in waiting  # waiting for rita's review
    review = reverse("agents:review-request", args=[request.public_id, "reject"])
    assert "required" in client.post(review, {"comment": ""}, **HTMX).content.decode()
    assert ReleaseRequest.objects.get().status == "open"
    approve = reverse("agents:review-request", args=[request.public_id, "approve"])
    assert client.post(approve, {"comment": "ok"}, **HTMX).status_code == 204
    assert request.public_id not in client.get(reverse("agents:release-requests")).content.decode()
    release = reverse("agents:act-on-request", args=[request.public_id, "release"])
    assert client.post(release).status_code == 302
    assert Agent.objects.get(pk=two.pk).released_version.number == 2
    assert ReleaseRequest.objects.get().status == "released"


def test_move_label_dialog(client, two, user, make_user):
    login(client, make_user("Editor"))
    url = reverse("agents:move-label", args=[two.public_id, 2])
    bad = client.post(url, {"name": "v3"}, **HTMX).content.decode()
    assert 'aria-describedby="label-name-error"' in bad
    assert client.post(url, {"name": "staging", "note": "try"}, **HTMX).status_code == 204
    assert Label.objects.get().version.number == 2
    moved = client.get(url + "?name=staging", **HTMX).content.decode()
    assert "staging is new" not in moved
    history = client.get(reverse("agents:history", args=[two.public_id]), **HTMX).content.decode()
    assert 'data-testid="label-chip">staging<' in history
    log = client.get(
        reverse("agents:releases", args=[two.public_id]) + "?label=staging", **HTMX
    ).content.decode()
    assert log.count('data-testid="release-event"') == 1


def test_schedule_from_the_release_dialog_and_cancel(client, two, user):
    login(client, user)
    url = reverse("agents:release", args=[two.public_id, 2])
    past = client.post(url, {"when": "later", "at": "2001-01-01T06:00", "tz_offset": "0"}, **HTMX)
    assert "must be in the future" in past.content.decode()
    local = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT06:00")
    ok = client.post(url, {"when": "later", "at": local, "tz_offset": "-120"}, **HTMX)
    assert ok.status_code == 204
    schedule = ScheduledRelease.objects.get()
    assert (schedule.at.hour, schedule.at.minute) == (4, 0)  # 06:00 at UTC+2, stored in UTC
    page = client.get(reverse("agents:detail", args=[two.public_id])).content.decode()
    assert 'data-testid="schedule-row"' in page
    cancel = reverse("agents:cancel-schedule", args=[schedule.public_id])
    assert client.post(cancel, **HTMX).status_code == 204
    assert ScheduledRelease.objects.get().status == "cancelled"
    assert Agent.objects.get(pk=two.pk).released_version.number == 1


def test_the_request_dialog_refuses_a_second_identical_request_naming_the_first(client, two, user):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    first = approvals.request_release(agent=two, version=two.versions.get(number=2), user=user)
    login(client, user)
    response = client.post(
        reverse("agents:request-release", args=[two.public_id, 2]), {"note": "again"}, **HTMX
    )
    assert response.status_code == 200
    assert first.public_id in response.content.decode()
    assert ReleaseRequest.objects.filter(agent=two).count() == 1


def test_a_scheduled_request_shows_its_schedule_with_cancel_and_the_log_keeps_both(
    client, two, user, make_user, django_assert_max_num_queries
):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    rr = approvals.request_release(agent=two, version=two.versions.get(number=2), user=user)
    approvals.approve_request(request=rr, user=make_user("Releaser"))
    login(client, user)
    act = reverse("agents:act-on-request", args=[rr.public_id, "release"])
    at = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT06:00")
    client.post(act, {"at": at, "tz_offset": "0"})
    schedule = ScheduledRelease.objects.get(request=rr)

    page = client.get(reverse("agents:release-request", args=[rr.public_id])).content.decode()
    assert 'data-testid="request-schedules"' in page
    assert 'Cancel<span class="visually-hidden"> the schedule of v2</span>' in page
    assert "Release now" not in page  # one way to release it at a time
    agent_page = client.get(reverse("agents:detail", args=[two.public_id])).content.decode()
    assert 'data-testid="request-scheduled"' in agent_page

    cancel = client.post(reverse("agents:cancel-schedule", args=[schedule.public_id]))
    assert cancel["Location"] == reverse("agents:release-request", args=[rr.public_id])
    page = client.get(reverse("agents:release-request", args=[rr.public_id])).content.decode()
    assert "Release now" in page
    schedule.refresh_from_db()
    assert (schedule.status, schedule.cancelled_by) == ("cancelled", user)

    with django_assert_max_num_queries(30):
        agent_page = client.get(reverse("agents:detail", args=[two.public_id])).content.decode()
    log = agent_page[agent_page.index('id="release-log"') :]
    assert log.count('data-testid="schedule-event"') == 2
    assert "Schedule cancelled" in log
    assert log.index("Schedule cancelled") < log.index(">Scheduled<")  # newest first


def test_messages_and_the_requests_list_lead_with_names_not_ids(client, two, user, make_user):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    rr = approvals.request_release(agent=two, version=two.versions.get(number=2), user=user)
    reviewer = make_user("Releaser")
    login(client, reviewer)
    approve = reverse("agents:review-request", args=[rr.public_id, "approve"])
    response = client.post(approve, {"comment": "ok"}, **HTMX)
    message = json.loads(response["HX-Trigger"])["releaseRequestChanged"]["message"]
    assert message.startswith(f"Approved {two.name}: released → v2")
    assert message.endswith(f"({rr.public_id}).")
    listing = client.get(reverse("agents:release-requests") + "?show=all").content.decode()
    row = listing[listing.index('data-testid="request-row"') :]
    assert row.index(two.name) < row.index(rr.public_id)


def test_the_label_dialog_shows_pending_label_schedules_with_cancel(client, two, user):
    at = timezone.now() + timedelta(days=1)
    schedules.schedule_release(
        agent=two, version=two.versions.get(number=2), at=at, user=user, label="staging"
    )
    login(client, user)
    dialog = client.get(reverse("agents:move-label", args=[two.public_id, 2]), **HTMX)
    text = dialog.content.decode()
    assert 'data-testid="label-schedules"' in text
    assert "the schedule of staging → v2" in text


@pytest.mark.parametrize("offset", ["²", "١٢٠", "9" * 40, "--5"])
def test_an_unreadable_browser_offset_is_an_error_beside_the_time(client, two, user, offset):
    login(client, user)
    url = reverse("agents:release", args=[two.public_id, 2])
    local = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT06:00")
    response = client.post(url, {"when": "later", "at": local, "tz_offset": offset}, **HTMX)
    assert response.status_code == 200
    assert "time zone is not readable" in response.content.decode()
    assert not ScheduledRelease.objects.exists()


@pytest.mark.django_db
def test_a_raised_rule_reopens_a_request_and_its_page_says_what_it_waits_for(
    client, two, user, make_user
):
    agents.update_agent(agent=two, user=user, approvals_required=1)
    editor = make_user("Editor")
    asked = approvals.request_release(agent=two, version=two.versions.get(number=2), user=editor)
    approvals.approve_request(request=asked, user=make_user("Releaser"))
    agents.update_agent(agent=two, user=user, approvals_required=2)
    page = login(client, user).get(reverse("agents:release-request", args=[asked.public_id]))
    html = page.content.decode()
    assert 'data-testid="approval-count">1 of 2<' in html
    assert "the rule asks for 2" in html
    assert reverse("agents:review-request", args=[asked.public_id, "approve"]) in html


@pytest.mark.django_db
def test_the_label_dialog_names_the_channels_following_and_offers_a_request(client, two, user):
    v1 = two.versions.get(number=1)
    labels.move_label(agent=two, name="staging", version=v1, user=user)
    channels.create_channel(
        name="EU line", kind="phone", agent=two, user=user, target={"label": "staging"}
    )
    agents.update_agent(agent=two, user=user, approvals_required=1)
    url = reverse("agents:move-label", args=[two.public_id, 2])
    html = login(client, user).post(url, {"name": "staging"}, **HTMX).content.decode()
    assert "Followed by EU line" in html
    assert "Request this move" in html
    assert Label.objects.get(agent=two, name="staging").version == v1


def test_release_dialog_names_current_and_next_and_words_rollbacks(
    operator_client, agent, make_version, user
):
    v1, v2 = make_version(agent), make_version(agent)
    url1 = reverse("agents:release", args=[agent.public_id, 1])
    html = operator_client.get(url1, **HTMX).content.decode()
    assert "Nothing is released yet" in html
    assert "Release v1" in html
    releases.release_version(version=v2, user=user)
    html = operator_client.get(url1, **HTMX).content.decode()
    assert "Roll back to v1" in html
    assert "<strong>v2</strong>" in html
    response = operator_client.post(url1, {"note": "bad v2"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Trigger"].startswith('{"versionReleased"')
    event = ReleaseEvent.objects.get(version=v1)
    assert (event.kind, event.note) == ("rollback", "bad v2")


def test_rolling_back_to_a_version_released_before_is_not_blocked_by_the_gate(
    operator_client, agent, make_version, user
):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    v2 = make_version(agent)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    releases.release_version(version=v2, user=user, gate_override_note="hotfix, evals later")
    url = reverse("agents:release", args=[agent.public_id, v1.number])
    asked = operator_client.get(url, **HTMX).content.decode()
    assert 'data-testid="gate-undo"' in asked
    assert "autofocus" not in asked
    operator_client.post(url, {"note": ""}, **HTMX)
    agent.refresh_from_db()
    assert agent.released_version == v1
    event = ReleaseEvent.objects.filter(version=v1, kind="rollback").get()
    assert event.gate_findings
    assert "does not block undoing a release" in event.gate_override_note


def test_when_the_gate_blocks_the_one_note_is_the_reason(
    operator_client, agent, make_version, user
):
    v1 = make_version(agent)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    url = reverse("agents:release", args=[agent.public_id, v1.number])
    html = operator_client.post(url, {"note": ""}, **HTMX).content.decode()
    assert "why release anyway (required)" in html
    assert 'class="danger"' in html
    agent.refresh_from_db()
    assert agent.released_version is None
    operator_client.post(url, {"note": "demo today, suites tomorrow"}, **HTMX)
    event = ReleaseEvent.objects.get(version=v1)
    assert event.gate_override_note == "demo today, suites tomorrow"
