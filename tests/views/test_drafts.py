"""The draft editor: saving, inline errors, rows, and a stale editor's conflict."""

import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from agents.models import Draft
from tests.helpers import HTMX, detail_url, draft_form, edit

pytestmark = pytest.mark.django_db


def test_saving_the_draft_from_the_editor(operator_client, agent):
    data = draft_form(agent, **{"llm.temperature": "1.25", "prompt.system_prompt": "Be nice."})
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"].startswith('{"draftSaved"')
    draft = Draft.objects.get(agent=agent)
    assert draft.config["llm"]["temperature"] == 1.25
    assert draft.config["prompt"]["system_prompt"] == "Be nice."
    assert draft.revision == 2


def test_invalid_editor_input_shows_errors_inline_and_saves_nothing(operator_client, agent):
    data = draft_form(
        agent, **{"llm.temperature": "7", "workflow": "{not json", "voice.language": "??"}
    )
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), data, **HTMX)
    html = response.content.decode()
    assert 'id="f-workflow-error"' in html
    assert "invalid JSON" in html
    assert Draft.objects.get(agent=agent).revision == 1
    data = draft_form(agent, **{"llm.temperature": "7"})
    html = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), data, **HTMX
    ).content.decode()
    assert 'id="f-llm-temperature-error"' in html
    assert "less than or equal to 2" in html
    assert 'value="7"' in html  # the operator's input is kept
    assert Draft.objects.get(agent=agent).revision == 1


def test_list_rows_are_added_and_removed_without_saving(operator_client, agent):
    url = reverse("agents:draft", args=[agent.public_id])
    html = operator_client.post(url, draft_form(agent, _action="add:tools"), **HTMX).content
    assert b'name="tools[0].name"' in html
    data = draft_form(agent)
    data.update({"tools.__row": ["0"], "tools[0].name": "hang_up", "tools[0].type": "end_call"})
    operator_client.post(url, data, **HTMX)
    assert Draft.objects.get(agent=agent).config["tools"][0]["name"] == "hang_up"
    html = operator_client.post(
        url, draft_form(agent, _action="remove:tools[0]"), **HTMX
    ).content.decode()
    assert 'name="tools[0].name"' not in html
    assert Draft.objects.get(agent=agent).config["tools"][0]["name"] == "hang_up"


def test_row_errors_point_at_the_row_field(operator_client, agent):
    data = draft_form(agent)
    data.update(
        {
            "tools.__row": ["0"],
            "tools[0].name": "lookup",
            "tools[0].type": "webhook",
            "tools[0].url": "not a url",
        }
    )
    html = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), data, **HTMX
    ).content.decode()
    assert 'id="f-tools-0--url-error"' in html


def test_a_stale_editor_shows_theirs_and_mine_and_saves_nothing(operator_client, agent, make_user):
    stale = draft_form(agent, **{"llm.temperature": "0.2"})
    edit(agent, {"llm.temperature": None, "llm": {"temperature": 1.5}}, user=make_user("Editor"))
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), stale, **HTMX)
    html = response.content.decode()
    assert "Someone else changed this draft" in html
    assert "llm.temperature" in html
    assert "1.5" in html
    assert "0.2" in html
    assert ">Keep mine</button>" in html
    assert "Take theirs" in html
    assert Draft.objects.get(agent=agent).config["llm"]["temperature"] == 1.5


def test_keep_mine_saves_over_the_new_revision(operator_client, agent, make_user):
    stale = draft_form(agent, **{"llm.temperature": "0.2"})
    edit(agent, {"llm": {"temperature": 1.5}}, user=make_user("Editor"))
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), stale, **HTMX)
    mine = html_lib.unescape(
        re.search(r'name="mine" value="([^"]*)"', response.content.decode()).group(1)
    )
    operator_client.post(
        reverse("agents:draft", args=[agent.public_id]),
        {"_action": "keep_mine", "revision": "2", "mine": mine},
        **HTMX,
    )
    draft = Draft.objects.get(agent=agent)
    assert draft.config["llm"]["temperature"] == 0.2
    assert draft.revision == 3


def test_without_htmx_saving_redirects_back_to_the_page(operator_client, agent):
    response = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), draft_form(agent, **{"llm.model": "m2"})
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(agent)
    assert "Draft saved" in operator_client.get(detail_url(agent)).content.decode()


def test_invalid_json_comes_back_exactly_as_typed(operator_client, agent):
    typed = '{"steps": [1, 2,\n  "oops"'
    data = draft_form(agent, **{"workflow": typed, "llm.temperature": "0.5"})
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), data, **HTMX)
    html = response.content.decode()
    assert 'id="f-workflow-error"' in html
    assert escape(typed) in html
    assert Draft.objects.get(agent=agent).revision == 1
