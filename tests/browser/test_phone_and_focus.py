"""A phone-sized screen (375 px), word-level diffs, and where focus goes after a swap."""

import pytest
from playwright.sync_api import expect

from agents.services import agents, versions
from fuzz.console import page_urls
from tests.helpers import edit

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Front desk",
        user=user,
        config={
            "prompt": {"system_prompt": "Greet the caller.\nOffer to move the appointment.\n"},
            "tools": [{"name": "crm", "url": "https://crm.example.com/"}],
        },
    )


def overflow(page) -> int:
    """How far the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_page_scrolls_sideways_on_a_phone(new_page, world, user):
    page = new_page(user.username, **PHONE)
    wide = {}
    for url in [*page_urls(*world), "/tokens/", "/channels/new/"]:
        page.goto(url)
        if (extra := overflow(page)) > 0:
            wide[url] = extra
    assert wide == {}


def test_the_top_links_fold_into_one_menu_on_a_phone(new_page, world, user):
    page = new_page(user.username, **PHONE)
    page.goto(f"/agents/{world[0].public_id}/")
    # One line of top bar: the brand and a Menu button.
    bar = page.locator(".topbar").bounding_box()
    assert bar["height"] < 60
    expect(page.locator(".topnav")).to_be_hidden()
    menu = page.locator(".topmenu")
    menu.get_by_text("Menu").click()
    for link in menu.locator("a, button").all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    menu.get_by_role("link", name="Channels").click()
    page.wait_for_url("**/channels/")
    # On a wide screen the links are in the bar itself.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator(".topnav").get_by_role("link", name="Channels")).to_be_visible()
    expect(page.locator(".topmenu")).to_be_hidden()


def test_history_is_one_tap_away_on_a_phone(new_page, world, user):
    agent = world[0]
    page = new_page(user.username, **PHONE)
    page.goto(f"/agents/{agent.public_id}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 3 * PHONE["height"]  # the editor alone is several screens long
    jump = page.get_by_test_id("jump")
    expect(jump).to_be_visible()
    jump.get_by_role("link", name="History").click()
    expect(page.locator("#history-title")).to_be_in_viewport()
    # The bar stays at hand further down, and takes you back to the editor.
    expect(jump).to_be_in_viewport()
    jump.get_by_role("link", name="Draft").click()
    expect(page.locator("#editor-title")).to_be_in_viewport()


def test_the_release_dialog_and_tables_fit_a_phone(new_page, world, user):
    agent = world[0]
    page = new_page(user.username, **PHONE)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('[hx-get$="/versions/2/release/"]').first.click()
    dialog = page.locator("#dialog")
    expect(dialog.get_by_role("heading", level=2).first).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    page.goto(f"/agents/{agent.public_id}/analytics/")
    table = page.locator(".table-scroll").first
    # The table may be wider than the phone; it scrolls inside its own box.
    assert table.evaluate("t => t.getBoundingClientRect().right") <= PHONE["width"]
    assert overflow(page) <= 0


def _text_row(page):
    return page.locator(".text-diff tr.line-replace").first


def test_diffs_mark_whole_words_with_signs_and_stack_on_a_phone(new_page, agent, user):
    versions.save_version(agent=agent, name="First", user=user)
    edit(
        agent,
        {"prompt": {"system_prompt": "Greet the caller.\nOffer to reschedule the appointment.\n"}},
        user=user,
    )
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/compare/1...draft/")
    row = _text_row(page)
    expect(row.locator("del")).to_have_text("move")
    expect(row.locator("ins")).to_have_text("reschedule")
    expect(row.locator("td.sign.old-side")).to_have_text("\u2212")
    expect(row.locator("td.sign.new-side")).to_have_text("+")
    old, new = row.locator("td.text.old").bounding_box(), row.locator("td.text.new").bounding_box()
    assert old["y"] == new["y"]
    assert new["x"] > old["x"]

    page.set_viewport_size(PHONE)
    old, new = row.locator("td.text.old").bounding_box(), row.locator("td.text.new").bounding_box()
    assert new["y"] > old["y"]
    assert abs(new["x"] - old["x"]) < 2
    equal = page.locator(".text-diff tr.line-equal").first
    expect(equal.locator("td.text.old")).to_be_hidden()  # unchanged lines shown once
    expect(equal.locator("td.text.new")).to_be_visible()
    assert overflow(page) <= 0
    assert page.console_errors == []


def test_a_failed_save_lists_every_problem_and_focuses_the_first(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator("#f-llm-temperature").fill("5")
    page.locator("#f-tools-0--parameters").fill("{broken")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Not saved: fix the 2 problems below.")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    expect(page.locator("#f-llm-temperature")).to_be_focused()
    expect(page.locator("#f-tools-0--parameters")).to_have_value("{broken")
    links.nth(1).click()
    expect(page.locator("#f-tools-0--parameters")).to_be_focused()
    expect(page.locator("#f-tools-0--parameters")).to_have_attribute(
        "aria-describedby", "f-tools-0--parameters-error"
    )


def test_after_a_save_focus_lands_on_the_editor_not_the_page(new_page, agent, user):
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.get_by_label("Welcome message").fill("Hi")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("draft-revision")).to_contain_text("Revision 2")
    expect(page.locator("#editor-title")).to_be_focused()


def test_load_more_moves_focus_to_the_first_new_row(new_page, agent, user):
    for i in range(22):
        edit(agent, {"prompt": {"welcome_message": f"Hello {i}"}}, user=user)
        versions.save_version(agent=agent, name=f"V{i + 1}", user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    more = page.locator("#history-panel").get_by_role("link", name="Load more")
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#version-2")).to_be_focused()
    assert page.console_errors == []


def test_after_a_dialog_acts_focus_stays_in_the_updated_panel(new_page, agent, user):
    versions.save_version(agent=agent, name="First", user=user)
    page = new_page(user.username)
    page.goto(f"/agents/{agent.public_id}/")
    page.locator('#history-panel [hx-get$="/versions/1/release/"]').click()
    page.locator("#dialog").get_by_role("button", name="Release v1").click()
    expect(page.locator("#version-1").get_by_text("Released")).to_be_visible()
    # Focus stays in the refreshed history, not at the top of the page.
    # (A locator, not wait_for_function: polling a string expression needs eval, which
    # the Content-Security-Policy forbids.)
    expect(page.locator("#history-panel :focus")).to_have_count(1)
    assert page.console_errors == []


def test_tables_keep_their_first_columns_on_a_phone_and_fold_the_rest(new_page, world, user):
    page = new_page(user.username, **PHONE)
    for url, first in (
        ("/", "Status"),
        ("/requests/?show=all", "Status"),
        ("/channels/", "Serves"),
    ):
        page.goto(url)
        table = page.locator(".table-scroll").first
        header = table.get_by_role("columnheader", name=first)
        expect(header).to_be_visible()
        assert header.evaluate("h => h.getBoundingClientRect().right") <= PHONE["width"]
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), url
        expect(table.locator("th.col-low").first).to_be_hidden()
