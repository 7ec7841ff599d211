"""One gate for every path to production: with `approvals_required: 1`, each way of
changing what a caller is served is either refused with 409 `approval_required` (or
`label_protected` where it would break calls) or carried out only through an
approved request — except the recorded ones a Releaser may take alone: pinning a
channel back to `released`, aborting a rollout, undoing the last release."""

import pytest

from agents.models import Agent, Channel, ReleaseEvent, ReleaseRequest
from agents.services import agents, channels, labels, releases, versions
from tests.helpers import edit, error

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded(agent, make_version, user):
    """v1 released, `prod-eu` protected at v1, v2 and v3 saved and never approved, a
    channel following `released` and one following the unprotected label `staging`;
    then releases need one approval."""
    v1, v2, v3 = (make_version(agent) for _ in range(3))
    releases.release_version(version=v1, user=user)
    labels.move_label(agent=agent, name="prod-eu", version=v1, user=user, protected=True)
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    main = channels.create_channel(name="Main line", kind="phone", agent=agent, user=user)
    follower = channels.create_channel(
        name="EU line", kind="phone", agent=agent, user=user, target={"label": "staging"}
    )
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    agent.refresh_from_db()
    return agent, (v1, v2, v3), main, follower


@pytest.fixture
def releaser(make_api):
    """A Releaser who is not an Editor."""
    return make_api("Releaser")


@pytest.fixture
def reviewer(make_api):
    return make_api("Releaser")


def served(agent) -> tuple:
    """Everything a caller can be served, to assert a refusal changed nothing."""
    agent = Agent.objects.get(pk=agent.pk)
    return (
        agent.released_version_id,
        sorted(agent.labels.values_list("name", "version_id", "protected")),
        sorted(Channel.objects.filter(agent=agent).values_list("name", "target", "variants")),
        ReleaseEvent.objects.filter(agent=agent).count(),
    )


def refused(response, agent, before, code="approval_required"):
    error(response, 409, code)
    assert served(agent) == before


def test_every_walk_around_is_refused(guarded, releaser, make_api):
    agent, (_v1, v2, _v3), main, follower = guarded
    pid, before = agent.public_id, served(agent)
    # 1. A protected label can be neither deleted, unprotected nor re-created
    #    protected at a version never approved.
    refused(releaser.delete(f"/agents/{pid}/labels/prod-eu"), agent, before)
    refused(
        releaser.put(f"/agents/{pid}/labels/prod-eu", {"version": 1, "protected": False}),
        agent,
        before,
    )
    refused(
        releaser.put(f"/agents/{pid}/labels/prod-new", {"version": 2, "protected": True}),
        agent,
        before,
    )
    refused(releaser.put(f"/agents/{pid}/labels/prod-eu", {"version": 2}), agent, before)
    # 2. A channel is never routed to a version never approved, nor to the draft,
    #    whether it is created that way or rerouted, alone or in a variant.
    for routing in (
        {"target": {"version": 2}},
        {"target": "draft"},
        {"variants": [{"target": "released", "weight": 50}, {"target": "draft", "weight": 50}]},
        {"target": {"label": "fresh"}},
    ):
        if routing.get("target") == {"label": "fresh"}:
            labels.move_label(agent=agent, name="fresh", version=v2, user=agent.created_by)
            before = served(agent)
        refused(releaser.patch(f"/channels/{main.public_id}", routing), agent, before)
        body = {"name": "New line", "kind": "web", "agent": pid, **routing}
        refused(releaser.post("/channels", body), agent, before)
    # 3. The label a channel follows: Releasers only, through a request; never deleted.
    refused(releaser.put(f"/agents/{pid}/labels/staging", {"version": 2}), agent, before)
    editor = make_api("Editor")
    refused(releaser.delete(f"/agents/{pid}/labels/staging"), agent, before, code="label_protected")
    assert editor.put(f"/agents/{pid}/labels/staging", {"version": 2}).status_code == 403
    # 5. A rollout's candidate must have been approved.
    refused(
        releaser.post(f"/channels/{main.public_id}/rollouts", {"candidate": {"version": 2}}),
        agent,
        before,
    )
    # The release itself, and a scheduled one, need the request too.
    refused(releaser.post(f"/agents/{pid}/release", {"version": 2}), agent, before)
    assert follower.target == {"label": "staging"}


def test_what_a_releaser_may_do_alone(guarded, releaser, make_version, user):
    agent, (_v1, _v2, _v3), main, follower = guarded
    pid = agent.public_id
    # Pinning a channel to what is released, or to a version that served before.
    assert (
        releaser.patch(f"/channels/{follower.public_id}", {"target": "released"}).status_code == 200
    )
    assert (
        releaser.patch(f"/channels/{main.public_id}", {"target": {"version": 1}}).status_code == 200
    )
    # Unprotected labels nothing follows: Editors' and Releasers' (a Releaser who is
    # not an Editor included).
    assert releaser.put(f"/agents/{pid}/labels/scratch", {"version": 2}).status_code == 200
    assert releaser.delete(f"/agents/{pid}/labels/scratch").status_code == 204
    assert (
        releaser.delete(f"/agents/{pid}/labels/staging").status_code == 204
    )  # nobody follows it now


def test_requests_carry_label_moves_rollouts_and_raised_rules(guarded, api, releaser, reviewer):
    agent, (_v1, v2, _v3), main, _follower = guarded
    pid = agent.public_id
    # A followed label moves through an approved request.
    asked = api.post(f"/agents/{pid}/release-requests", {"version": 2, "label": "staging"})
    assert asked.status_code == 201, asked.content
    rr = asked.json()["id"]
    assert reviewer.post(f"/release-requests/{rr}/approve", {}).status_code == 200
    assert releaser.post(f"/release-requests/{rr}/release", {}).status_code == 200
    assert api.get(f"/resolve/{pid}@staging").json()["version"] == 2
    # 6. Raising the rule reopens approved requests, which take the extra approval.
    asked = api.post(f"/agents/{pid}/release-requests", {"version": 2})
    rr = asked.json()["id"]
    assert reviewer.post(f"/release-requests/{rr}/approve", {}).status_code == 200
    assert api.get(f"/release-requests/{rr}").json()["status"] == "approved"
    assert api.patch(f"/agents/{pid}", {"approvals_required": 2}).status_code == 200
    assert api.get(f"/release-requests/{rr}").json()["status"] == "open"
    error(releaser.post(f"/release-requests/{rr}/release", {}), 409, "approval_required")
    assert releaser.post(f"/release-requests/{rr}/approve", {}).status_code == 200
    assert api.get(f"/release-requests/{rr}").json()["status"] == "approved"
    # 5. An approved version may be rolled out; completion moves `released` through
    #    that request, so `released` says what the channel serves.
    started = releaser.post(
        f"/channels/{main.public_id}/rollouts",
        {"candidate": {"version": 2}, "steps": [50, 100], "min_conversations": 1},
    )
    assert started.status_code == 201, started.content
    ro = started.json()["id"]
    assert releaser.post(f"/rollouts/{ro}/advance", {}).status_code == 200
    agent.refresh_from_db()
    assert agent.released_version == v2
    assert ReleaseRequest.objects.get(public_id=rr).status == "released"
    main.refresh_from_db()
    assert (main.target, main.variants) == ("released", None)
    # Undoing the last release is a Releaser's alone.
    undo = releaser.post(f"/agents/{pid}/release", {"version": 1})
    assert undo.status_code == 200, undo.content
    assert ReleaseEvent.objects.filter(agent=agent).first().approval_bypass == "undo"


def test_a_prompt_release_takes_its_strictest_followers_approvals(
    guarded, user, make_user, reviewer, api
):
    agent = guarded[0]
    prompt = agents.create_agent(
        name="Greeting", user=user, kind="prompt", config={"text": "Hello."}
    )
    p1 = versions.save_version(agent=prompt, name="First", user=user)
    releases.release_version(version=p1, user=user)
    agents.update_agent(agent=agent, user=user, approvals_required=0)
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id, "version": None}]}, user=user)
    linked = versions.save_version(agent=agent, name="Linked", user=user)
    releases.release_version(version=linked, user=user)
    agents.update_agent(agent=agent, user=user, approvals_required=1)
    edit(prompt, {"text": "Hi there."}, user=user)
    versions.save_version(agent=prompt, name="Warmer", user=user)
    error(
        api.post(f"/prompts/{prompt.public_id}/release", {"version": 2}), 409, "approval_required"
    )
    rr = api.post(f"/agents/{prompt.public_id}/release-requests", {"version": 2})
    assert rr.status_code == 201, rr.content
    request_id = rr.json()["id"]
    assert reviewer.post(f"/release-requests/{request_id}/approve", {}).status_code == 200
    assert api.post(f"/release-requests/{request_id}/release", {}).status_code == 200
    prompt.refresh_from_db()
    assert prompt.released_version.number == 2
