"""The console's import dialog (upload → diff → confirm) and webhook pages."""

import html
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agents.models import Delivery, Webhook
from agents.services import webhooks
from tests.helpers import run_worker

pytestmark = pytest.mark.django_db
PEERS = Path(__file__).parent.parent / "fixtures" / "peers"


def upload(name, content):
    return SimpleUploadedFile(name, content.encode(), content_type="application/json")


def test_import_previews_the_diff_then_writes_on_confirm(client, user, agent):
    client.force_login(user)
    url = reverse("agents:draft-import", args=[agent.public_id])
    assert b"Preview changes" in client.get(url, HTTP_HX_REQUEST="true").content
    before = agent.draft.revision
    preview = client.post(
        url,
        {
            "source": "vapi",
            "file": upload("assistant.json", (PEERS / "vapi_assistant.json").read_text()),
        },
        HTTP_HX_REQUEST="true",
    )
    page = preview.content.decode()
    assert "Apply to draft" in page
    assert "prompt.system_prompt" in page
    assert "model.tools[0].server.secret" in page  # listed as not carried over
    agent.draft.refresh_from_db()
    assert agent.draft.revision == before  # nothing written yet
    start = page.index('name="config" value="') + len('name="config" value="')
    config_json = page[start : page.index('"', start)]
    confirm = client.post(
        url,
        {"config": html.unescape(config_json), "revision": before, "source": "vapi"},
        HTTP_HX_REQUEST="true",
    )
    assert confirm.status_code == 204
    assert "draftRestored" in confirm["HX-Trigger"]
    agent.draft.refresh_from_db()
    assert agent.draft.revision == before + 1
    assert agent.draft.config["llm"]["model"] == "gpt-4o"


def test_import_refusals_are_shown_and_change_nothing(client, user, agent, make_user):
    client.force_login(user)
    url = reverse("agents:draft-import", args=[agent.public_id])
    before = agent.draft.revision
    for source, content, expected in [
        ("console", "{not json: [", "invalid JSON"),
        ("console", '{"config": {"llm": {"temperature": NaN}}}', "NaN is not a number"),
        ("console", "config:\n  llm: " + "[" * 5000, "not readable as YAML"),
        ("console", "a: &x [1]\nb: *x\n", "aliases are not accepted"),
        ("retell", json.dumps({"hello": 1}), "retellLlmData"),
        ("console", json.dumps({"config": {"llm": {"temperature": 7}}}), "config.llm.temperature"),
    ]:
        page = client.post(url, {"source": source, "file": upload("x.json", content)}).content
        assert expected.encode() in page
    stale = client.post(url, {"config": "{}", "revision": before + 3}).content.decode()
    assert "Upload the file again" in stale
    agent.draft.refresh_from_db()
    assert agent.draft.revision == before
    client.force_login(make_user("Viewer"))
    assert client.get(url).status_code == 403


def test_webhook_pages_create_show_the_secret_once_and_log_deliveries(client, user, receiver):
    client.force_login(user)
    created = client.post(
        reverse("agents:webhooks"),
        {"url": receiver.url, "events": ["release", "draft.updated"], "description": "CI"},
    )
    assert created.status_code == 201
    hook = Webhook.objects.get()
    assert hook.secret in created.content.decode()
    assert hook.secret not in client.get(reverse("agents:webhooks")).content.decode()
    detail = reverse("agents:webhook", args=[hook.public_id])
    assert hook.secret not in client.get(detail).content.decode()
    client.post(reverse("agents:webhook-action", args=[hook.public_id, "test"]))
    run_worker()
    page = client.get(detail).content.decode()
    assert "ping" in page
    assert "Delivered" in page
    ping = Delivery.objects.get()
    client.post(reverse("agents:redeliver", args=[hook.public_id, ping.public_id]))
    assert Delivery.objects.count() == 2
    rotated = client.post(reverse("agents:webhook-action", args=[hook.public_id, "rotate"]))
    hook.refresh_from_db()
    assert hook.secret in rotated.content.decode()
    bad = client.post(detail, {"url": "ftp://x", "events": ["release"]}).content.decode()
    assert "only http:// and https:// URLs" in bad
    client.post(reverse("agents:webhook-action", args=[hook.public_id, "delete"]))
    assert not Webhook.objects.exists()


def test_only_releasers_see_webhooks(client, make_user, user):
    hook = webhooks.create_webhook(url="https://hooks.example.com/", events=["release"], user=user)
    client.force_login(make_user("Editor"))
    assert client.get(reverse("agents:webhooks")).status_code == 403
    assert client.get(reverse("agents:webhook", args=[hook.public_id])).status_code == 403
    assert b"Webhooks</a>" not in client.get(reverse("agents:list")).content
    client.force_login(make_user("Releaser"))
    assert client.get(reverse("agents:webhooks")).status_code == 200
    assert b"Webhooks</a>" in client.get(reverse("agents:list")).content


def test_an_imported_file_with_windows_line_endings_is_read_with_newlines(client, user, agent):
    client.force_login(user)
    url = reverse("agents:draft-import", args=[agent.public_id])
    assistant = json.loads((PEERS / "vapi_assistant.json").read_text())
    assistant["model"]["messages"][0]["content"] = "Line one.\r\nLine two."
    preview = client.post(
        url,
        {"source": "vapi", "file": upload("assistant.json", json.dumps(assistant))},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    start = preview.index('name="config" value="') + len('name="config" value="')
    config = json.loads(html.unescape(preview[start : preview.index('"', start)]))
    assert config["prompt"]["system_prompt"] == "Line one.\nLine two."
