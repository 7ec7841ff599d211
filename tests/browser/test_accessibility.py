"""axe-core on every console page and dialog: no violations.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0) and evaluated
through the DevTools protocol, so the pages' strict CSP stays on and nothing
loads from the network.
"""

from pathlib import Path

from playwright.sync_api import expect

from fuzz.console import page_urls

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def violations(page) -> list[str]:
    page.evaluate(AXE)
    # Every rule, the experimental ones too (an accessible name that does not start
    # with the visible label, focusable scrolling regions).
    found = page.evaluate(
        """async () => (await axe.run(document, {
              resultTypes: ["violations"],
              rules: Object.fromEntries(
                axe.getRules(["experimental"]).map(r => [r.ruleId, {enabled: true}])),
            })).violations
            .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "))"""
    )
    return found


def test_every_page_has_no_axe_violations(new_page, world, user):
    from agents.services import branches, change_requests

    agent = world[0]
    branches.create_branch(agent=agent, name="tone", user=user)
    cr = change_requests.open_change_request(agent=agent, branch="tone", title="T", user=user)
    change_requests.comment(cr=cr, user=user, body="A note", path="llm.temperature")
    page = new_page(user.username)
    found = {}
    for url in [
        *page_urls(*world),
        "/tokens/",
        "/channels/new/",
        "/requests/?show=all",
        "/api/v1/docs",
        f"/agents/{agent.public_id}/branches/tone/",
        f"/change-requests/{cr.public_id}/",
        "/change-requests/?show=all",
        f"/agents/{agent.public_id}/search/?q=hello",
    ]:
        page.goto(url)
        if problems := violations(page):
            found[url] = problems
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())


def test_the_admin_pages_support_staff_use_have_no_axe_violations(new_page, world, make_user):
    agent = world[0]
    make_user(superuser=True, username="support")
    page = new_page("support")
    found = {}
    for url in [
        "/admin/",
        "/admin/agents/agent/",
        f"/admin/agents/agent/{agent.pk}/change/",
        f"/admin/agents/agent/{agent.pk}/history/",
        f"/admin/agents/draft/{agent.draft.pk}/history/",
        "/admin/agents/publishedversion/",
        "/admin/agents/releaseevent/",
    ]:
        page.goto(url)
        if problems := violations(page):
            found[url] = problems
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())


def test_every_dialog_has_no_axe_violations(new_page, world, user):
    agent = world[0]
    page = new_page(user.username)
    found = {}
    page.goto(f"/agents/{agent.public_id}/")
    openers = {
        "save version": page.get_by_role("link", name="Save Version"),
        "release v2": page.locator('[hx-get$="/versions/2/release/"]').first,
        "restore v1": page.locator('[hx-get$="/versions/1/restore/"]').first,
        "restore r1": page.locator('[hx-get$="/revisions/1/restore/"]').first,
        "label v2": page.locator('[hx-get$="/versions/2/label/"]').first,
        "import": page.get_by_test_id("import"),
    }
    dialog = page.locator("#dialog")
    for name, opener in openers.items():
        opener.click()
        dialog.locator("form").first.wait_for()
        if problems := violations(page):
            found[name] = problems
        dialog.get_by_role("button", name="Cancel").click()
    # Dialogs reached by their address (the page around them is checked too).
    from agents.services import branches, change_requests

    branches.create_branch(agent=agent, name="tone", user=user)
    cr = change_requests.open_change_request(agent=agent, branch="tone", title="T", user=user)
    for name, url in {
        "request release": f"/agents/{agent.public_id}/versions/2/request/",
        "start rollout": f"/channels/{world[1].public_id}/rollouts/new/",
        "new branch": f"/agents/{agent.public_id}/branches/new/",
        "open change request": f"/agents/{agent.public_id}/branches/tone/change-request/",
        "comment on a line": f"/change-requests/{cr.public_id}/comment/"
        "?path=prompt.system_prompt&line=1",
        "review": f"/change-requests/{cr.public_id}/review/",
        "blame": f"/agents/{agent.public_id}/blame/?path=prompt.system_prompt&ref=draft",
    }.items():
        page.goto(url)
        if problems := violations(page):
            found[name] = problems
    page.goto("/tokens/")
    page.get_by_label("Name").fill("ci")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("link", name="Revoke").click()
    dialog.locator("form").first.wait_for()
    if problems := violations(page):
        found["revoke token"] = problems
    assert found == {}


def test_typing_a_label_name_keeps_focus_where_the_user_is(new_page, world, user):
    agent = world[0]
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('[hx-get$="/versions/2/label/"]').first.click()
    dialog = page.locator("#dialog")
    # Type only once htmx has wired the field (its change event asks for the preview).
    page.wait_for_function(
        "() => { const f = document.getElementById('label-name');"
        " return f && f['htmx-internal-data'] && f['htmx-internal-data'].initHash }"
    )
    dialog.get_by_label("Label", exact=True).fill("staging")
    page.keyboard.press("Tab")
    expect(dialog).to_contain_text("staging is new")
    expect(dialog.get_by_label("Label", exact=True)).not_to_be_focused()
    focused = page.evaluate("document.activeElement.closest('#dialog') !== null")
    heading = page.evaluate("document.activeElement.id")
    assert focused
    assert heading != "dialog-title"
    assert violations(page) == []
