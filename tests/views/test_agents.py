"""The agent list and page: full-page and htmx paths, permissions per role, query counts."""

import re

import pytest
from django.urls import reverse

from agents.models import Agent, ReleaseEvent
from agents.services import releases, versions
from tests.helpers import HTMX, detail_url, edit, login

pytestmark = pytest.mark.django_db


def test_the_list_shows_status_released_and_latest(operator_client, make_agent, make_version, user):
    released = make_agent("Published one")
    releases.release_version(version=make_version(released), user=user)
    make_agent("Fresh one")
    html = operator_client.get(reverse("agents:list")).content.decode()
    assert f'href="{detail_url(released)}"' in html
    assert "Published</span>" in html
    assert "Unpublished</span>" in html
    assert "v1" in html


def test_the_list_searches_and_filters_by_status(operator_client, make_agent, make_version, user):
    live = make_agent("Billing bot")
    releases.release_version(version=make_version(live), user=user)
    make_agent("Sales bot")
    html = operator_client.get(reverse("agents:list"), {"q": "billing"}).content.decode()
    assert "Billing bot" in html
    assert "Sales bot" not in html
    html = operator_client.get(reverse("agents:list"), {"status": "unpublished"}).content.decode()
    assert "Sales bot" in html
    assert "Billing bot" not in html


def test_the_list_answers_htmx_with_just_the_table(operator_client, agent):
    html = operator_client.get(reverse("agents:list"), **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="agent-table">')
    assert "<html" not in html


def test_the_list_paginates(operator_client, make_agent):
    for i in range(30):
        make_agent(f"Agent {i:02d}")
    first = operator_client.get(reverse("agents:list")).content.decode()
    assert "Page 1 of 2" in first
    second = operator_client.get(reverse("agents:list"), {"page": 2}).content.decode()
    assert "Agent 29" in second
    assert "Agent 00" not in second


def test_the_list_costs_the_same_queries_for_3_or_60_agents(
    operator_client, make_agent, django_assert_max_num_queries, make_version, user
):
    for i in range(3):
        releases.release_version(version=make_version(make_agent(f"A{i}")), user=user)
    with django_assert_max_num_queries(7) as few:
        operator_client.get(reverse("agents:list"))
    for i in range(57):
        make_agent(f"B{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        operator_client.get(reverse("agents:list"))


def test_creating_an_agent_from_the_dialog(operator_client):
    dialog = operator_client.get(reverse("agents:create"), **HTMX).content.decode()
    assert 'for="new-name">Name</label>' in dialog
    response = operator_client.post(reverse("agents:create"), {"name": "New bot"}, **HTMX)
    agent = Agent.objects.get(name="New bot")
    assert response["HX-Redirect"] == detail_url(agent)
    invalid = operator_client.post(reverse("agents:create"), {"name": " "}, **HTMX)
    assert invalid.status_code == 200
    assert "is required" in invalid.content.decode()


def test_the_agent_page_has_every_editor_section(operator_client, agent):
    html = operator_client.get(detail_url(agent)).content.decode()
    for title in [
        "Prompt",
        "LLM",
        "Voice",
        "Conversation",
        "Background sound",
        "Knowledge",
        "Tools",
        "Call analysis",
        "Workflow",
        "Input/Output schema",
    ]:
        assert f"<summary>{title}" in html, title
    assert ">System prompt</label>" in html
    assert ">Welcome message</label>" in html
    assert ">Save draft</button>" in html
    assert 'id="history-panel"' in html


def test_agent_details_are_edited_apart_from_the_draft(operator_client, agent):
    url = reverse("agents:details", args=[agent.public_id])
    response = operator_client.post(url, {"name": "Renamed", "description": "Words"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Trigger"].startswith('{"agentUpdated"')
    agent.refresh_from_db()
    assert agent.name == "Renamed"
    assert agent.draft.revision == 1
    assert not agent.versions.exists()


def test_release_log_and_draft_activity_are_on_the_page(operator_client, agent, make_version, user):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user, note="ship it")
    edit(agent, {"llm": {"temperature": 1.1}}, user=user)
    html = operator_client.get(detail_url(agent)).content.decode()
    assert 'id="release-log"' in html
    assert "ship it" in html
    assert "nothing → <strong>v1</strong>" in html
    assert 'id="draft-activity"' in html
    assert "llm.temperature" in html


@pytest.mark.parametrize(
    ("partial", "marker"),
    [
        ("header", 'id="agent-header"'),
        ("history", 'id="history-panel"'),
        ("releases", 'id="release-log"'),
        ("activity", 'id="draft-activity"'),
        ("draft", 'id="draft-editor"'),
    ],
)
def test_panels_refresh_as_fragments(operator_client, agent, partial, marker):
    html = operator_client.get(
        reverse(f"agents:{partial}", args=[agent.public_id]), **HTMX
    ).content.decode()
    assert html.lstrip().startswith(f"<section {marker}")
    full = operator_client.get(reverse(f"agents:{partial}", args=[agent.public_id]))
    assert full.status_code == 302


def test_a_viewer_sees_no_buttons_and_every_action_is_refused(
    client, make_user, agent, make_version
):
    make_version(agent)
    login(client, make_user("Viewer"))
    html = client.get(detail_url(agent)).content.decode()
    for label in [">Save draft<", ">Save Version<", ">Restore<", ">Release<", ">Edit details<"]:
        assert label not in html
    assert '<fieldset class="plain" disabled>' in html
    urls = [
        reverse("agents:draft", args=[agent.public_id]),
        reverse("agents:save-version", args=[agent.public_id]),
        reverse("agents:release", args=[agent.public_id, 1]),
        reverse("agents:restore", args=[agent.public_id, 1]),
        reverse("agents:details", args=[agent.public_id]),
        reverse("agents:create"),
    ]
    for url in urls:
        assert client.post(url, {"name": "x", "revision": "1"}).status_code == 403, url
    assert not ReleaseEvent.objects.exists()
    assert agent.versions.count() == 1


def test_an_editor_may_edit_and_save_versions_but_not_release(
    client, make_user, agent, make_version
):
    make_version(agent)
    login(client, make_user("Editor"))
    html = client.get(detail_url(agent)).content.decode()
    assert ">Save draft<" in html
    assert ">Save Version<" in html
    assert ">Restore<" in html
    assert ">Release<" not in html
    assert client.get(reverse("agents:release", args=[agent.public_id, 1])).status_code == 403
    assert client.post(reverse("agents:release", args=[agent.public_id, 1])).status_code == 403


def test_an_editor_may_edit_but_not_release(client, make_user, agent, make_version):
    make_version(agent)
    login(client, make_user("Editor"))
    html = client.get(detail_url(agent)).content.decode()
    assert ">Save draft<" in html
    assert ">Release<" not in html
    assert client.post(reverse("agents:release", args=[agent.public_id, 1])).status_code == 403
    assert ReleaseEvent.objects.count() == 0
    login(client, make_user("Releaser"))  # each role holds what the one before it holds
    assert client.post(reverse("agents:release", args=[agent.public_id, 1])).status_code == 302
    assert ReleaseEvent.objects.count() == 1


def test_hostile_text_is_escaped_everywhere(operator_client, make_agent, user):
    hostile = '"><svg onload=alert(1)><script>alert(2)</script>'
    agent = make_agent(hostile, description=hostile, config={"prompt": {"system_prompt": hostile}})
    edit(agent, {"prompt": {"welcome_message": hostile}}, user=user)
    versions.save_version(agent=agent, name=hostile, description=hostile, user=user)
    for url in [
        reverse("agents:list"),
        detail_url(agent),
        reverse("agents:release", args=[agent.public_id, 1]),
    ]:
        html = operator_client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<svg onload" not in html, url


def test_the_header_says_exactly_where_the_draft_stands(operator_client, agent, make_version, user):
    def state():
        html = operator_client.get(detail_url(agent)).content.decode()
        start = html.index('data-testid="draft-state"')
        return html[html.index(">", start) + 1 : html.index("</span>", start)]

    assert state() == "Draft · not saved as a version yet"
    v1 = make_version(agent)
    assert state() == "Draft = v1 · not released"
    releases.release_version(version=v1, user=user)
    assert state() == "Draft = v1 · released"
    make_version(agent)
    assert state() == "Draft = v2 · not released"
    edit(agent, {"prompt": {"welcome_message": "Unsaved in any version"}}, user=user)
    assert state() == "Draft has changes since v2"
    html = operator_client.get(detail_url(agent)).content.decode()
    assert 'data-testid="compare-with-released"' in html
    assert reverse("agents:compare", args=[agent.public_id, "released", "draft"]) in html


def test_machine_readable_times_stop_at_milliseconds(operator_client, agent, make_version):
    make_version(agent)
    html = operator_client.get(detail_url(agent)).content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", s) for s in stamps)
