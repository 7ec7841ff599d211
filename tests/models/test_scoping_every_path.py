"""Another workspace's ids answer 404 on every console page and API path, exactly as
ids that do not exist: nothing of a workspace leaks to the people of another, whatever
their role there (API.md: "an id from another workspace answers 404, never 403").

The walk is generated from the URL configuration, so a page or endpoint added later
is walked too (a parameter it names that the walk cannot fill fails the test)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from django.utils import timezone

from agents.models import Alert, Membership, Workspace
from agents.services import (
    approvals,
    branches,
    change_requests,
    channels,
    conversations,
    evals,
    judges,
    rollouts,
    schedules,
    tokens,
)
from tests.helpers import Api, edit

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
BOGUS = "zzzzzzzzzz"


@pytest.fixture
def theirs(agent, make_version, user, suite, hook, make_agent):
    """One of everything, in the installation's first workspace (the `user`'s)."""
    v1, v2 = make_version(agent), make_version(agent)
    approvals.request_release(agent=agent, version=v2, user=user)
    line = channels.create_channel(name="Line", kind="phone", agent=agent, user=user)
    rollout = rollouts.start_rollout(channel=line, candidate=v2, user=user)
    schedule = schedules.schedule_release(
        agent=agent, version=v1, at=timezone.now() + timedelta(days=2), user=user
    )
    branches.create_branch(agent=agent, name="work", user=user)
    edit(agent, {"prompt": {"welcome_message": "On the branch"}}, user=user, branch="work")
    cr = change_requests.open_change_request(agent=agent, branch="work", title="W", user=user)
    comment = change_requests.comment(cr=cr, user=user, body="Looks fine")
    conversation, _ = conversations.start_conversation(ref=f"{agent.public_id}@v1", user=user)
    judge = judges.create_judge(
        agent=agent, user=user, name="polite", check={"type": "contains", "value": "please"}
    )
    alert = Alert.objects.create(agent=agent, version=v2, metric="completion_rate")
    prompt = make_agent("Policy", kind="prompt", config={"text": "Be kind."})
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    token, _ = tokens.create_api_token(user=user, name="theirs")
    return {
        "agent": agent,
        "prompt": prompt,
        "channel": line,
        "rollout": rollout,
        "schedule": schedule,
        "request": agent.release_requests.get(),
        "cr": cr,
        "comment": comment,
        "review_id": 1,
        "conversation": conversation,
        "judge": judge,
        "alert": alert,
        "suite": suite,
        "case": suite.cases.first(),
        "run": run,
        "webhook": hook,
        "delivery": hook.deliveries.first(),
        "workspace": agent.workspace,
        "token": token,
    }


def _value(name: str, route: str, world: dict, bogus: bool) -> str:
    """What fills parameter `name` of `route`: the other workspace's object, or one
    that does not exist."""

    def pid(key: str) -> str:
        found = world[key].public_id
        return found[:3] + BOGUS if bogus else found

    if name == "public_id":
        head = route.split("/")[0] if not route.startswith("api/") else ""
        key = {"channels": "channel", "prompts": "prompt", "workspaces": "workspace"}
        return pid(key.get(head, "agent"))
    fixed = {
        "number": "1",
        "name": "work",
        "a": "draft",
        "b": "1",
        "ref": world["agent"].public_id + ("x" if bogus else ""),
        "username": "operator",
        "review_id": "999" if bogus else str(world["review_id"]),
        "token_id": "999" if bogus else str(world["token"].pk),
    }
    if name in fixed:
        return fixed[name]
    key = {
        "agent_id": "agent",
        "prompt_id": "prompt",
        "channel_id": "channel",
        "rollout_id": "rollout",
        "schedule_id": "schedule",
        "request_id": "request",
        "cr_id": "cr",
        "comment_id": "comment",
        "conversation_id": "conversation",
        "judge_id": "judge",
        "alert_id": "alert",
        "suite_id": "suite",
        "case_id": "case",
        "run_id": "run",
        "webhook_id": "webhook",
        "delivery_id": "delivery",
        "workspace_id": "workspace",
    }
    if name not in key:
        raise AssertionError(f"the walk cannot fill <{name}> of {route}: teach it")
    return pid(key[name])


def _routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.pattern.converters

    for route, converters in walk(get_resolver().url_patterns):
        if "<" in route and not route.startswith(("admin/", "static", "^")):
            yield route, converters


def _address(route: str, converters, world: dict, bogus: bool) -> str:
    def fill(match: re.Match) -> str:
        name = match["name"]
        converter = converters.get(name)
        regex = getattr(converter, "regex", "")
        if "|" in regex and not regex.startswith("["):  # one of a few words
            return regex.split("|")[0].strip("()")
        return _value(name, route, world, bogus)

    return "/" + re.sub(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>", fill, route)


@pytest.fixture
def outsider(make_user):
    """An admin of another workspace: every permission, there."""
    elsewhere = Workspace.objects.create(name="Elsewhere")
    return make_user("Admin", username="outsider", workspace=elsewhere)


def _answer(call, address: str) -> int:
    return call(address).status_code


def test_every_console_page_of_another_workspace_is_404(client, theirs, outsider):
    client.force_login(outsider)
    walked = 0
    for route, converters in _routes():
        if route.startswith("api/"):
            continue
        real = _address(route, converters, theirs, bogus=False)
        fake = _address(route, converters, theirs, bogus=True)
        for method in ("get", "post"):
            call = getattr(client, method)
            got, expected = _answer(call, real), _answer(call, fake)
            assert got == expected, (method, real, got, expected)
            assert got in (404, 405), (method, real, got)
            walked += got == 404
    assert walked > 100


def test_every_api_path_of_another_workspace_is_404(client, theirs, outsider):
    _, secret = tokens.create_api_token(user=outsider, name="outsider")
    api = Api(client, secret)
    walked = 0
    for route, converters in _routes():
        if not route.startswith("api/v1/"):
            continue
        real = _address(route, converters, theirs, bogus=False).removeprefix("/api/v1")
        fake = _address(route, converters, theirs, bogus=True).removeprefix("/api/v1")
        for method in METHODS:
            call = getattr(api, method)
            answer = (
                (lambda c: lambda a: c(a))
                if method in ("get", "delete")
                else (lambda c: lambda a: c(a, {}))
            )
            got = _answer(answer(call), real)
            expected = _answer(answer(call), fake)
            assert got == expected, (method, real, got, expected)
            # 422: a body or query the endpoint refuses before it looks anything up
            assert got in (404, 405, 422), (method, real, got)
            walked += got == 404
    assert walked > 100


def test_lists_searches_and_filters_show_nothing_of_another_workspace(
    client, theirs, outsider, make_api
):
    _, secret = tokens.create_api_token(user=outsider, name="outsider")
    api = Api(client, secret)
    ids = {v.public_id for v in theirs.values() if hasattr(v, "public_id")}
    agent = theirs["agent"].public_id
    for path in (
        "/agents",
        "/prompts",
        "/channels",
        "/webhooks",
        "/changes",
        f"/changes?agent={agent}",
        "/release-requests",
        "/scheduled-releases",
        "/rollouts",
        "/alerts",
        "/workspaces",
        "/change-requests",
        "/judges",
    ):
        response = api.get(path)
        assert response.status_code in (200, 404, 405), path
        assert not ids & set(re.findall(r"\b[a-z]{2}_[a-z2-7]{10}\b", response.content.decode())), (
            path
        )
    client.force_login(outsider)
    for path in (
        "/",
        "/channels/",
        "/prompts/",
        "/requests/",
        "/change-requests/",
        "/alerts/",
        "/webhooks/",
        f"/?q={theirs['agent'].name}",
    ):
        page = client.get(path).content.decode()
        assert not ids & set(re.findall(r"\b[a-z]{2}_[a-z2-7]{10}\b", page)), path
    assert not Membership.objects.filter(user=outsider, workspace=theirs["workspace"]).exists()
