"""Workspaces in Chromium: the switcher in the top bar, a workspace admin's members
page, and the audit log with its export."""

import pytest
from playwright.sync_api import expect

from agents.models import AuditEntry, Membership, Workspace
from agents.services import agents
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def teams(make_user):
    clinic = Workspace.objects.create(name="Clinic")
    shop = Workspace.objects.create(name="Shop")
    ann = make_user("Admin", username="ann", workspace=clinic)
    Membership.objects.create(workspace=shop, user=ann, role="viewer")
    make_user(username="lee")
    root = make_user(superuser=True)
    agents.create_agent(name="Scheduler", user=root, workspace=clinic)
    agents.create_agent(name="Order status", user=root, workspace=shop)
    return clinic, shop


def test_switching_workspaces_and_managing_members(new_page, teams):
    page = new_page("ann")
    main = page.locator("#main")
    expect(main).to_contain_text("Scheduler")
    expect(main).not_to_contain_text("Order status")
    switch = page.locator(".topnav").get_by_test_id("workspace-switch")
    switch.get_by_label("Workspace").select_option(label="Shop (viewer)")
    switch.get_by_role("button", name="Switch").click()
    expect(page.locator(".flash")).to_contain_text("Now working in Shop")
    expect(main).to_contain_text("Order status")
    expect(main).not_to_contain_text("Scheduler")
    expect(page.locator(".topnav").get_by_role("link", name="Members")).to_have_count(0)
    switch = page.locator(".topnav").get_by_test_id("workspace-switch")
    switch.get_by_label("Workspace").select_option(label="Clinic (admin)")
    switch.get_by_role("button", name="Switch").click()
    page.locator(".topnav").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members of Clinic")).to_be_visible()
    assert violations(page) == []
    form = page.get_by_test_id("member-form")
    form.get_by_label("Username").fill("lee")
    form.get_by_label("Role").select_option("editor")
    form.get_by_role("button", name="Save role").click()
    expect(page.get_by_test_id("member-row").filter(has_text="lee")).to_contain_text("editor")
    page.get_by_role("link", name="Remove lee").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_contain_text("Remove lee from Clinic?")
    assert violations(page) == []
    dialog.get_by_role("button", name="Remove member").click()
    expect(page.get_by_test_id("member-row").filter(has_text="lee")).to_have_count(0)
    assert not Membership.objects.filter(user__username="lee").exists()
    assert page.console_errors == []


def test_the_audit_log_shows_and_exports_what_was_done(new_page, teams):
    page = new_page("ann")
    page.locator(".topnav").get_by_role("link", name="Members").click()
    form = page.get_by_test_id("member-form")
    form.get_by_label("Username").fill("lee")
    form.get_by_role("button", name="Save role").click()
    expect(page.get_by_test_id("member-row").filter(has_text="lee")).to_be_visible()
    page.locator(".topnav").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log of Clinic")).to_be_visible()
    row = page.get_by_test_id("audit-row").filter(has_text="member.set")
    expect(row).to_contain_text("ann")
    expect(row).to_contain_text("console")
    expect(page.get_by_test_id("audit-row").filter(has_text="Order status")).to_have_count(0)
    filters = page.get_by_test_id("audit-filters")
    filters.get_by_label("Action").fill("agent")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("audit-row")).to_have_count(1)  # the scheduler's creation
    assert violations(page) == []
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    with open(download.value.path()) as exported:
        text = exported.read()
    assert text.splitlines()[0] == "id,at,actor,via,action,object,workspace,detail,request_id,ip"
    assert "agent.create" in text
    assert "member.set" not in text  # the filter applies to the export too
    assert AuditEntry.objects.filter(action="member.set", actor_name="ann").exists()
    assert page.console_errors == []
