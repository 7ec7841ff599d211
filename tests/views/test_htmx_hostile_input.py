"""Every console page and form answers hostile input with a 4xx or a form error, never a 500."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from agents.models import Draft
from agents.services import channels, evals, releases, webhooks
from fuzz.console import QUERY_PARAMS, page_urls

pytestmark = pytest.mark.django_db

HOSTILE = [
    "%00",
    "draft%00",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    quote("²"),
    quote("¹"),
    quote("v²"),
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "v99999999999",
    "1" * 5000,
    "1e309",
    "NaN",
    "-1",
    "v0",
    "2026-13-45",
    "2026-01-01T00:00:00%2B25:00",
    "2026-01-01T25:61:00",
    "9999-12-31T23:59:59-23:59",
    "0000-00-00",
    "x" * 3000,
]


@pytest.fixture
def world(client, user, agent, make_version):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    make_version(agent)
    channel = channels.create_channel(
        user=user, name="Main", kind="web", agent=agent, target="released"
    )
    suite = evals.create_eval_suite(
        agent=agent,
        name="Smoke",
        user=user,
        cases=[{"name": "hi", "messages": [{"role": "user", "content": "hi"}]}],
    )
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    client.force_login(user)
    webhook = webhooks.create_webhook(
        url="https://hooks.example.com/", events=["release"], user=user
    )
    webhooks.send_test_event(webhook=webhook, user=user)
    return client, agent, channel, suite, run, None, None, webhook


def test_no_query_string_makes_a_page_fail(world):
    client, *objects = world
    failures = []
    for page in page_urls(*objects):
        for value in HOSTILE:
            query = "&".join(f"{name}={value}" for name in QUERY_PARAMS)
            response = client.get(f"{page}?{query}")
            if response.status_code >= 500:
                failures.append((page, value[:20], response.status_code))
    assert failures == []


def test_nul_and_lone_surrogates_in_the_address_are_a_clear_400(world):
    client, agent, *_ = world
    response = client.get(f"/agents/{agent.public_id}%00/")
    assert response.status_code == 400
    assert "must not contain NUL characters" in response.content.decode()
    # Bytes that are not UTF-8 reach views percent-encoded again: no such agent.
    assert client.get(f"/agents/{agent.public_id}%ED%A0%80/").status_code == 404
    response = client.get(f"/?q={quote('a')}%00")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "value",
    ["a\x00b", '"\\ud800"', '{"a": 1e309}', '{"a": NaN}', "[" * 500 + "]" * 500],
)
def test_hostile_editor_values_are_form_errors_or_400s(world, value):
    client, agent, *_ = world
    agent.draft.refresh_from_db()
    data = {
        "revision": str(agent.draft.revision),
        "_action": "save",
        "prompt.system_prompt": "Be nice.",
        "workflow": value,
    }
    response = client.post(reverse("agents:draft", args=[agent.public_id]), data)
    assert response.status_code in (200, 400)
    assert Draft.objects.get(agent=agent).revision == agent.draft.revision


@pytest.mark.parametrize(
    "action", ["remove:nope", "remove:tools.99", "add:nope", "add:tools.x.y", "remove:", "add:"]
)
def test_editor_actions_naming_paths_that_do_not_exist_change_nothing(world, action):
    client, agent, *_ = world
    agent.draft.refresh_from_db()
    data = {"revision": str(agent.draft.revision), "_action": action}
    response = client.post(reverse("agents:draft", args=[agent.public_id]), data)
    assert response.status_code < 500
    assert Draft.objects.get(agent=agent).revision == agent.draft.revision


def test_a_name_longer_than_the_history_reason_column_is_kept_whole(world, user):
    suite = world[3]
    name = "N" * 200
    case = evals.add_eval_case(
        suite=suite,
        user=user,
        name=name,
        messages=[{"role": "user", "content": "hi"}],
    )
    assert case.name == name
    reason = suite.history.latest("history_date").history_change_reason
    assert reason == f"Added case “{name}”"[:99] + "…"
