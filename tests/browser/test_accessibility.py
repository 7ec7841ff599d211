"""axe-core on every console page and dialog: no violations.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0) and evaluated
through the DevTools protocol, so the pages' strict CSP stays on and nothing
loads from the network.
"""

from pathlib import Path

from fuzz.console import page_urls

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def violations(page) -> list[str]:
    page.evaluate(AXE)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "))"""
    )
    return found


def test_every_page_has_no_axe_violations(new_page, world, user):
    page = new_page(user.username)
    found = {}
    for url in [*page_urls(*world), "/tokens/", "/channels/new/", "/requests/?show=all"]:
        page.goto(url)
        if problems := violations(page):
            found[url] = problems
    assert found == {}


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
    }
    dialog = page.locator("#dialog")
    for name, opener in openers.items():
        opener.click()
        dialog.locator("form").first.wait_for()
        if problems := violations(page):
            found[name] = problems
        dialog.get_by_role("button", name="Cancel").click()
    page.goto("/tokens/")
    page.get_by_label("Name").fill("ci")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("link", name="Revoke").click()
    dialog.locator("form").first.wait_for()
    if problems := violations(page):
        found["revoke token"] = problems
    assert found == {}
