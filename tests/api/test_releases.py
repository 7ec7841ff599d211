"""Labels, approvals and scheduled releases through the API: every code of the
contract, and every refused request changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Agent, Label, ReleaseEvent, ReleaseRequest, ScheduledRelease
from agents.services import releases
from tests.helpers import error

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agent, make_version, user):
    v1, _v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    return agent


def counts():
    return (
        ReleaseEvent.objects.count(),
        Label.objects.count(),
        ReleaseRequest.objects.count(),
        ScheduledRelease.objects.count(),
    )


def test_labels_are_listed_put_resolved_and_deleted(api, two):
    pid = two.public_id
    assert api.get(f"/agents/{pid}/labels").json()["data"][0]["name"] == "released"
    put = api.put(f"/agents/{pid}/labels/staging", {"version": 2, "note": "try it"})
    assert put.status_code == 200, put.content
    assert (put.json()["name"], put.json()["version"], put.json()["protected"]) == (
        "staging",
        2,
        False,
    )
    assert api.get(f"/resolve/{pid}@staging").json()["version"] == 2
    assert api.get(f"/agents/{pid}/diff?from=staging&to=released").json()["from"] == "v2"
    log = api.get(f"/agents/{pid}/releases?label=staging").json()["data"]
    assert [(e["label"], e["version"], e["note"]) for e in log] == [("staging", 2, "try it")]
    channel = api.post(
        "/channels",
        {"name": "Test line", "kind": "phone", "agent": pid, "target": {"label": "staging"}},
    )
    assert channel.status_code == 201, channel.content
    assert api.post("/conversations", {"channel": channel.json()["id"]}).json()["version"] == 2
    # A label a channel follows stays until the channel is routed elsewhere.
    error(api.delete(f"/agents/{pid}/labels/staging"), 409, "label_protected")
    api.patch(f"/channels/{channel.json()['id']}", {"target": "released"})
    assert api.delete(f"/agents/{pid}/labels/staging").status_code == 204
    error(api.get(f"/resolve/{pid}@staging"), 404, "not_found")


def test_label_errors_change_nothing(api, make_api, two):
    pid = two.public_id
    before = counts()
    for name in ("draft", "latest", "v3", "r3", "Bad"):
        error(api.put(f"/agents/{pid}/labels/{name}", {"version": 1}), 422, "validation_error")
    error(api.delete(f"/agents/{pid}/labels/released"), 409, "label_protected")
    error(api.put(f"/agents/{pid}/labels/staging", {"version": 9}), 404, "not_found")
    editor = make_api("Editor")
    body = {"version": 1, "protected": True}
    error(editor.put(f"/agents/{pid}/labels/eu", body), 403, "permission_denied")
    assert counts() == before


def test_approvals_are_required_from_someone_else(api, make_api, two):
    pid = two.public_id
    assert api.patch(f"/agents/{pid}", {"approvals_required": 1}).json()["approvals_required"] == 1
    error(
        make_api("Editor").patch(f"/agents/{pid}", {"approvals_required": 0}),
        403,
        "permission_denied",
    )
    before = counts()
    error(api.post(f"/agents/{pid}/release", {"version": 2}), 409, "approval_required")
    superuser = make_api(superuser=True)
    error(superuser.post(f"/agents/{pid}/release", {"version": 2}), 409, "approval_required")
    error(api.put(f"/agents/{pid}/labels/released", {"version": 2}), 409, "approval_required")
    assert counts() == before

    created = api.post(f"/agents/{pid}/release-requests", {"version": 2, "note": "warmer"})
    assert created.status_code == 201, created.content
    rr = created.json()
    assert (rr["status"], rr["replaces"], rr["approvals_required"]) == ("open", 1, 1)
    again = api.post(f"/agents/{pid}/release-requests", {"version": 2, "note": "again"})
    error(again, 409, "invalid_state")
    assert rr["id"] in again.json()["error"]["message"]
    error(api.post(f"/release-requests/{rr['id']}/approve", {}), 403, "self_approval")
    error(api.post(f"/release-requests/{rr['id']}/release", {}), 409, "approval_required")
    reviewer = make_api("Releaser")
    approved = reviewer.post(f"/release-requests/{rr['id']}/approve", {"comment": "ok"}).json()
    assert approved["status"] == "approved"
    assert [a["comment"] for a in approved["approvals"]] == ["ok"]
    error(
        reviewer.post(f"/release-requests/{rr['id']}/reject", {"comment": "no"}),
        409,
        "invalid_state",
    )
    released = api.post(f"/release-requests/{rr['id']}/release", {})
    assert released.status_code == 200, released.content
    assert released.json()["event"]["request"] == rr["id"]
    assert api.get(f"/release-requests/{rr['id']}").json()["status"] == "released"
    listed = api.get(f"/agents/{pid}/release-requests?status=released").json()["data"]
    assert [r["id"] for r in listed] == [rr["id"]]


def test_undo_and_break_glass_are_recorded_exceptions(api, make_api, two, user):
    pid = two.public_id
    api.patch(f"/agents/{pid}", {"approvals_required": 1})
    superuser = make_api(superuser=True)
    glass = superuser.post(f"/agents/{pid}/release", {"version": 2, "break_glass": "outage"})
    assert glass.status_code == 200, glass.content
    assert (
        glass.json()["event"]["approval_bypass"],
        glass.json()["event"]["break_glass_note"],
    ) == (
        "break_glass",
        "outage",
    )
    undo = api.post(f"/agents/{pid}/release", {"version": 1, "note": "v2 broke"})
    assert undo.status_code == 200, undo.content
    assert (undo.json()["event"]["kind"], undo.json()["event"]["approval_bypass"]) == (
        "rollback",
        "undo",
    )
    assert Agent.objects.get(pk=two.pk).released_version.number == 1


def test_a_release_at_a_time_is_scheduled_and_cancelled(api, two):
    pid = two.public_id
    at = (timezone.now() + timedelta(hours=2)).isoformat()
    scheduled = api.post(f"/agents/{pid}/release", {"version": 2, "at": at})
    assert scheduled.status_code == 202, scheduled.content
    sr = scheduled.json()["scheduled"]
    assert (sr["status"], sr["version"], sr["label"]) == ("pending", 2, "released")
    listed = api.get(f"/agents/{pid}/scheduled-releases").json()["data"]
    assert [s["id"] for s in listed] == [sr["id"]]
    assert api.delete(f"/scheduled-releases/{sr['id']}").status_code == 204
    error(api.delete(f"/scheduled-releases/{sr['id']}"), 409, "invalid_state")
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    before = counts()
    error(api.post(f"/agents/{pid}/release", {"version": 2, "at": past}), 422, "validation_error")
    assert counts() == before
    assert Agent.objects.get(pk=two.pk).released_version.number == 1


def test_listing_requests_costs_the_same_queries_for_2_or_12(
    api, make_api, two, user, django_assert_max_num_queries
):
    pid = two.public_id
    reviewer = make_api("Releaser")

    lanes = iter(range(1, 100))

    def ask(n):
        for _ in range(n):  # one pending request per label: identical ones are refused
            label = f"lane{next(lanes)}"
            rr = api.post(f"/agents/{pid}/release-requests", {"version": 2, "label": label}).json()
            reviewer.post(f"/release-requests/{rr['id']}/approve", {"comment": "ok"})

    # The requests, their reviews (prefetched) and what labels point at: a fixed
    # number of queries however many requests are listed.
    for asked, listed in ((2, 2), (10, 12)):
        ask(asked)
        with django_assert_max_num_queries(8):
            assert len(api.get(f"/agents/{pid}/release-requests").json()["data"]) == listed


@pytest.mark.parametrize("offset", ["+16:00", "+18:00", "+23:59", "-23:59"])
def test_a_time_with_any_offset_iso_allows_is_scheduled_at_that_moment(api, two, offset):
    local = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    sign, hours, minutes = offset[0], int(offset[1:3]), int(offset[4:])
    shift = timedelta(hours=hours, minutes=minutes) * (1 if sign == "+" else -1)
    written = (local.replace(tzinfo=None) + shift).isoformat() + offset
    response = api.post(f"/agents/{two.public_id}/release", {"version": 2, "at": written})
    assert response.status_code == 202, response.content
    from agents.models import ScheduledRelease

    assert ScheduledRelease.objects.get().at == local
