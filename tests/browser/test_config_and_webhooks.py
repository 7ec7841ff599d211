"""In Chromium: importing a Retell export into a draft through the dialog (diff and
what was not carried over first), and a webhook created, tested and redelivered."""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from agents.models import Delivery, Webhook
from tests.helpers import run_worker

PEERS = Path(__file__).parent.parent / "fixtures" / "peers"


def test_import_a_retell_export_into_the_draft(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_test_id("import").click()
    dialog = page.locator("#dialog")
    # No format to choose: the file's content says which platform wrote it.
    expect(dialog.get_by_label("Format")).to_have_value("auto")
    dialog.get_by_label("File (JSON or YAML)").set_input_files(PEERS / "retell_agent_export.json")
    dialog.get_by_role("button", name="Preview changes").click()
    expect(dialog.get_by_test_id("import-detected")).to_contain_text("Retell agent export")
    expect(dialog.get_by_test_id("import-diff")).to_contain_text("prompt.system_prompt")
    expect(dialog.get_by_test_id("unmapped")).to_contain_text("retellLlmData.general_tools[3]")
    dialog.get_by_role("button", name="Apply to draft").click()
    expect(page.get_by_role("status").filter(has_text="Imported into the draft")).to_be_visible()
    expect(page.locator("textarea[name='prompt.system_prompt']")).to_have_value(
        re.compile("billing assistant of Northwind")
    )
    agent.draft.refresh_from_db()
    assert agent.draft.config["llm"]["model"] == "gpt-4o-mini"
    assert page.console_errors == []


def test_an_unrecognised_file_is_kept_while_the_format_is_chosen(new_page, agent, user, tmp_path):
    unknown = tmp_path / "agent.json"
    # A Vapi assistant with only a model name: nothing in it tells who wrote it.
    unknown.write_text(json.dumps({"name": "Bot", "model": {"model": "gpt-4.1"}}))
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_test_id("import").click()
    dialog = page.locator("#dialog")
    dialog.get_by_label("File (JSON or YAML)").set_input_files(unknown)
    dialog.get_by_role("button", name="Preview changes").click()
    expect(dialog.locator("#import-source-error")).to_contain_text("choose its format")
    expect(dialog.get_by_test_id("import-kept")).to_contain_text("agent.json")
    # The file need not be chosen again: only the format.
    dialog.get_by_label("Format").select_option("vapi")
    dialog.get_by_role("button", name="Preview changes").click()
    expect(dialog.get_by_test_id("import-detected")).to_contain_text("Vapi assistant")
    expect(dialog.get_by_test_id("import-diff")).to_contain_text("llm.model")
    assert page.console_errors == []


def test_create_a_webhook_send_a_test_event_and_redeliver(new_page, user, receiver):
    page = new_page(user.username)
    page.goto("/")
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("Payload URL").fill(receiver.url)
    page.get_by_label("Description").fill("Release bot")
    page.get_by_role("checkbox", name="alert").check()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label("Signing secret")
    expect(secret).to_have_value(re.compile("^whsec_"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_test_id("copy-secret").click()
    assert page.evaluate("navigator.clipboard.readText()") == secret.input_value()
    hook = Webhook.objects.get()
    assert hook.events == ["release", "rollback", "alert"]
    page.get_by_role("link", name="Open its deliveries").click()
    page.get_by_role("button", name="Send test event").click()
    expect(page.get_by_test_id("deliveries")).to_contain_text("ping")
    run_worker()
    # The log refreshes itself while a delivery is pending.
    expect(page.get_by_test_id("deliveries")).to_contain_text("Delivered", timeout=8_000)
    ping = Delivery.objects.get()
    page.get_by_role("button", name=f"Redeliver {ping.public_id}").click()
    run_worker()
    expect(page.get_by_test_id("deliveries").locator("tbody tr")).to_have_count(2)
    assert [r["headers"]["X-Console-Event"] for r in receiver.requests] == ["ping", "ping"]
    assert page.console_errors == []
