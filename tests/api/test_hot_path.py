"""The resolve fast path answers exactly what the full stack answers, and leaves
every refusal to the full stack."""

import pytest
from django.conf import settings as django_settings

from agents.api import hot_path
from agents.services import tokens as tokens_services
from tests.helpers import edit

pytestmark = pytest.mark.django_db

FAST = "agents.api.hot_path.ResolveFastPath"


def answers(client, settings, path, **headers):
    """(fast path, full stack) responses to the same request."""
    fast = client.get(path, **headers)
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if m != FAST]
    full = client.get(path, **headers)
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE]
    return fast, full


def same(fast, full):
    assert (fast.status_code, fast.content) == (full.status_code, full.content)
    fast_headers, full_headers = dict(fast.headers), dict(full.headers)
    assert fast_headers.pop("X-Request-ID")  # each answer its own id
    assert full_headers.pop("X-Request-ID")
    assert fast_headers == full_headers


@pytest.fixture
def bearer(make_user):
    _, secret = tokens_services.create_api_token(user=make_user("Viewer"), name="runtime")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_fast_path_answers_byte_for_byte_what_the_endpoint_does(
    client, settings, agent, released, bearer, monkeypatch
):
    served = []
    real = hot_path.resolved_response
    monkeypatch.setattr(hot_path, "resolved_response", lambda *a: served.append(a) or real(*a))
    edit(agent, {"llm": {"temperature": 0.4}})
    for ref in (
        agent.public_id,
        f"{agent.public_id}@released",
        f"{agent.public_id}@v1",
        f"{agent.public_id}@draft",
    ):
        fast, full = answers(client, settings, f"/api/v1/resolve/{ref}", **bearer)
        assert fast.status_code == 200
        same(fast, full)
        etag = fast.headers["ETag"]
        fast, full = answers(
            client, settings, f"/api/v1/resolve/{ref}", HTTP_IF_NONE_MATCH=etag, **bearer
        )
        assert fast.status_code == 304
        same(fast, full)
    assert len(served) == 16  # 8 by the fast path, 8 by the endpoint


@pytest.mark.parametrize(
    ("ref", "auth", "status"),
    [
        ("{agent}", "Bearer ac_not-a-token", 401),
        ("{agent}", "", 401),
        ("{agent}", "Basic dXNlcjpwYXNz", 401),
        ("ag_nothing", None, 404),
        ("{agent}@v9", None, 404),
        ("{agent}@bad ref!", None, 404),
    ],
)
def test_refusals_are_the_full_stacks(client, settings, agent, released, bearer, ref, auth, status):
    headers = bearer if auth is None else {"HTTP_AUTHORIZATION": auth}
    fast, full = answers(
        client, settings, f"/api/v1/resolve/{ref.format(agent=agent.public_id)}", **headers
    )
    assert fast.status_code == status
    same(fast, full)


def test_an_agent_never_released_is_the_full_stacks_409(client, settings, agent, bearer):
    fast, full = answers(client, settings, f"/api/v1/resolve/{agent.public_id}", **bearer)
    assert fast.status_code == 409
    same(fast, full)
