"""Every agent and prompt the demo creates can be saved in the browser as it is, and
with one edit: what a first-time operator does first."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from agents.models import Agent, Draft

pytestmark = pytest.mark.django_db(transaction=True)


def save_draft(page):
    page.get_by_role("button", name="Save draft").click()
    editor = page.locator("#draft-editor")
    expect(editor.get_by_role("status")).to_have_text("Draft saved")
    expect(editor.get_by_test_id("error-summary")).to_have_count(0)
    expect(editor.get_by_test_id("unsaved-edits")).to_be_hidden()


def test_every_demo_agent_saves_unchanged_and_with_one_edit(new_page):
    call_command("seed_demo", verbosity=0)
    page = new_page("demo", "demo-console")
    page.evaluate("window.__noReload = true")
    saved = 0
    shown = None
    live = Agent.objects.filter(archived_at__isnull=True).select_related("workspace")
    for agent in live.order_by("workspace__name", "name"):
        if agent.workspace != shown:  # the demo has two: work in the agent's
            switch = page.locator(".topnav").get_by_test_id("workspace-switch")
            switch.get_by_label("Workspace").select_option(label=agent.workspace.name)
            switch.get_by_role("button", name="Switch").click()
            expect(page.locator(".flash")).to_contain_text(f"Now working in {agent.workspace.name}")
            shown = agent.workspace
        draft = Draft.objects.get(agent=agent)
        page.goto(f"/agents/{agent.public_id}/")

        # No edit at all: the draft saves, and stays what it was.
        save_draft(page)
        unchanged = Draft.objects.get(agent=agent)
        assert unchanged.content_hash == draft.content_hash, agent.name
        assert unchanged.revision == draft.revision, agent.name

        # One edit: saved as the next revision.
        field = page.get_by_label("Welcome message" if agent.kind == "agent" else "Text")
        field.fill(field.input_value() + " (edited)")
        save_draft(page)
        edited = Draft.objects.get(agent=agent)
        assert edited.revision == draft.revision + 1, agent.name
        assert edited.content_hash != draft.content_hash, agent.name
        saved += 1
    assert saved == Agent.objects.filter(archived_at__isnull=True).count() >= 5
    assert page.console_errors == []


def test_a_followed_prompt_link_offers_follow_released_and_each_version(new_page):
    call_command("seed_demo", verbosity=0)
    scheduler = Agent.objects.get(name="Clinic Appointment Scheduler")
    page = new_page("demo", "demo-console")
    page.goto(f"/agents/{scheduler.public_id}/")
    version = page.locator("#section-prompt-links").get_by_label("Version")
    expect(version).to_have_value("")
    options = version.locator("option").all_inner_texts()
    assert options[0] == "Follow released"
    assert [text.split(" · ")[0] for text in options[1:]] == ["v2", "v1"]

    # Pinning v1 in the form is saved as a pinned link.
    version.select_option(label=options[2])
    save_draft(page)
    link = Draft.objects.get(agent=scheduler).config["prompt_links"][0]
    assert link["version"] == 1
