"""The playground page: loaded lazily, a session with its transcript, without
JavaScript too, and read-only for viewers."""

import pytest
from django.urls import reverse

from agents.models import Conversation
from tests.helpers import BOOKING, HTMX, console_url, edit

pytestmark = pytest.mark.django_db


def test_the_agent_page_loads_the_playground_lazily_and_links_it_without_js(operator_client, agent):
    page = operator_client.get(reverse("agents:detail", args=[agent.public_id])).content.decode()
    assert f'hx-get="{console_url("playground", agent)}"' in page
    assert 'hx-trigger="intersect once"' in page
    assert f'href="{console_url("playground", agent)}"' in page


def test_a_playground_session_shows_transcript_tools_latency_and_tokens(
    operator_client, agent, user
):
    edit(agent, BOOKING, user=user)
    card = operator_client.get(console_url("playground", agent), **HTMX).content.decode()
    assert "Start session" in card
    started = operator_client.post(console_url("playground", agent), {"target": "draft"}, **HTMX)
    conversation = Conversation.objects.get(playground=True)
    assert conversation.snapshot is not None
    assert conversation.public_id in started.content.decode()
    reply = operator_client.post(
        console_url("playground-session", agent, conversation.public_id),
        {"message": "Book me for Tuesday"},
        **HTMX,
    ).content.decode()
    assert "You said: Book me for Tuesday (tools available: book)" in reply
    assert "1 tool offered to the model" in reply
    assert "tokens" in reply
    assert " ms · " in reply
    assert conversation.turns.count() == 3  # welcome, question, reply


def test_the_playground_works_without_javascript(operator_client, agent, make_version):
    version = make_version(agent)
    response = operator_client.post(
        console_url("playground", agent), {"target": str(version.number)}
    )
    conversation = Conversation.objects.get(playground=True)
    assert conversation.version == version
    assert response["Location"] == console_url("playground-session", agent, conversation.public_id)
    page = operator_client.get(response["Location"]).content.decode()
    assert f"bound to <strong>{version.label}</strong>" in page


def test_a_bad_target_or_message_is_shown_and_starts_nothing(operator_client, agent):
    page = operator_client.post(console_url("playground", agent), {"target": "v9"}, **HTMX)
    assert "has no version v9" in page.content.decode()
    page = operator_client.post(console_url("playground", agent), {"target": "released"}, **HTMX)
    assert "released" in page.content.decode()
    assert page.status_code == 200
    assert not Conversation.objects.exists()
    operator_client.post(console_url("playground", agent), {"target": "draft"}, **HTMX)
    conversation = Conversation.objects.get()
    page = operator_client.post(
        console_url("playground-session", agent, conversation.public_id), {"message": " "}, **HTMX
    )
    assert "message: is required" in page.content.decode()


def test_viewers_see_the_playground_but_cannot_talk(client, make_user, agent):
    client.force_login(make_user("Viewer"))
    card = client.get(console_url("playground", agent), **HTMX).content.decode()
    assert "Start session" not in card
    assert client.post(console_url("playground", agent), {"target": "draft"}).status_code == 403
