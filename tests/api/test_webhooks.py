"""The webhooks API: the secret once, the delivery log, redeliver and test, roles."""

import pytest

from agents.models import Delivery, Webhook
from tests.helpers import error, run_worker

pytestmark = pytest.mark.django_db


def test_create_shows_the_secret_once_then_never(api, receiver):
    created = api.post("/webhooks", {"url": receiver.url, "events": ["release", "alert"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["release", "alert"]
    listed = api.get("/webhooks").json()["data"]
    assert [w["id"] for w in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"/webhooks/{body['id']}").json()
    rotated = api.patch(f"/webhooks/{body['id']}", {"rotate_secret": True}).json()
    assert rotated["secret"] not in (None, body["secret"])
    assert Webhook.objects.get(public_id=body["id"]).secret == rotated["secret"]


def test_test_event_redeliver_and_the_delivery_log(api, receiver):
    hook = api.post("/webhooks", {"url": receiver.url, "events": ["release"]}).json()
    receiver.script = [500]
    sent = api.post(f"/webhooks/{hook['id']}/test", {})
    assert sent.status_code == 201, sent.content
    run_worker()
    log = api.get(f"/webhooks/{hook['id']}/deliveries").json()["data"]
    assert len(log) == 1
    assert log[0]["event"] == "ping"
    assert log[0]["status"] == "delivered"
    assert [(t["number"], t["response_code"]) for t in log[0]["tries"]] == [(1, 500), (2, 200)]
    again = api.post(f"/webhooks/{hook['id']}/deliveries/{log[0]['id']}/redeliver", {}).json()
    assert again["event_id"] == log[0]["event_id"]
    assert again["redelivery_of"] == log[0]["id"]
    run_worker()
    assert api.get(f"/webhooks/{hook['id']}").json()["last_delivery"]["status"] == "delivered"
    failed = api.get(f"/webhooks/{hook['id']}/deliveries?status=failed").json()["data"]
    assert failed == []


def test_patch_and_delete(api, receiver):
    hook = api.post("/webhooks", {"url": receiver.url, "events": ["release"]}).json()
    changed = api.patch(f"/webhooks/{hook['id']}", {"events": ["rollback"], "active": False})
    assert changed.json()["events"] == ["rollback"]
    assert changed.json()["active"] is False
    assert changed.json()["secret"] is None
    assert api.delete(f"/webhooks/{hook['id']}").status_code == 204
    error(api.get(f"/webhooks/{hook['id']}"), 404, "not_found")
    assert not Delivery.objects.exists()


def test_bad_input_is_refused_by_path_and_nothing_is_saved(api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for body, path in [
        ({"url": "http://127.0.0.1:9/", "events": ["release"]}, "url"),
        ({"url": "ftp://example.com/", "events": ["release"]}, "url"),
        ({"url": "https://example.com/", "events": ["deploy"]}, "events"),
        ({"url": "https://example.com/", "events": []}, "events"),
    ]:
        problem = error(api.post("/webhooks", body), 422, "validation_error")
        assert problem["details"][0]["path"].startswith(path)
    assert not Webhook.objects.exists()


def test_only_releasers_manage_webhooks(make_api, receiver):
    for role in ("Viewer", "Editor"):
        other = make_api(role)
        error(other.get("/webhooks"), 403, "permission_denied")
        error(
            other.post("/webhooks", {"url": receiver.url, "events": ["release"]}),
            403,
            "permission_denied",
        )
    releaser = make_api("Releaser")
    assert (
        releaser.post("/webhooks", {"url": receiver.url, "events": ["release"]}).status_code == 201
    )
