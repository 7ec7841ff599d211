"""The console's import dialog: upload, diff, confirm."""

import html
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
