"""The prompt library on the agents' versioning core: drafts, versions and releases
of prompts, links checked when written, usage and the impact of a release."""

import pytest
from django.db.models import ProtectedError

from agents.domain.exceptions import ConfigInvalid, UnknownReference
from agents.models import Agent, PromptUse
from agents.selectors import agents as agents_selectors
from agents.selectors import prompts as prompt_selectors
from agents.services import agents, channels, drafts, releases, rollouts, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db

GREETING = {
    "text": "Hello {{customer_name}}, calls are recorded{{suffix}}",
    "variables": [
        {"name": "customer_name", "type": "string", "default": "there"},
        {"name": "suffix", "type": "string"},
    ],
}


@pytest.fixture
def prompt(user):
    prompt = agents.create_agent(name="Recording notice", user=user, kind="prompt", config=GREETING)
    v1 = versions.save_version(agent=prompt, name="First wording", user=user)
    releases.release_version(version=v1, user=user)
    prompt.refresh_from_db()
    return prompt


def link(prompt, version=None, **values):
    return {"prompt_links": [{"prompt": prompt.public_id, "version": version, "variables": values}]}


def test_a_prompt_is_versioned_by_the_same_core(prompt, user):
    assert prompt.public_id.startswith("pr_")
    assert prompt.kind == "prompt"
    draft = edit(prompt, {"text": "Hi {{customer_name}}{{suffix}}"}, user=user)
    assert draft.revision == 2
    v2 = versions.save_version(agent=prompt, name="Shorter", user=user)
    assert v2.number == 2
    assert v2.config["variables"] == prompt.versions.get(number=1).config["variables"]
    versions.restore_version(version=prompt.versions.get(number=1), user=user)
    prompt.draft.refresh_from_db()
    assert prompt.draft.content_hash == prompt.versions.get(number=1).content_hash
    assert prompt.public_id not in {a.public_id for a in agents_selectors.agent_list()}
    assert [p.public_id for p in agents_selectors.agent_list(kind="prompt")] == [prompt.public_id]
    with pytest.raises(UnknownReference):
        agents_selectors.agent_for_page(prompt.public_id)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"text": " ".join("{{v" + str(n) + "}}" for n in range(51))}, "text"),
        ({"variables": [{"name": "n", "type": "number", "default": "two"}]}, "variables[0]"),
        ({"variables": [{"name": "n"}, {"name": "n"}]}, "variables"),
        ({"text": "x", "llm": {}}, "llm"),
    ],
)
def test_a_bad_prompt_is_refused_by_path_and_nothing_changes(prompt, user, document, path):
    with pytest.raises(ConfigInvalid) as info:
        drafts.update_draft(agent=prompt, config=document, user=user)
    assert path in {problem["path"] for problem in info.value.errors}
    prompt.draft.refresh_from_db()
    assert prompt.draft.revision == 1


def test_a_placeholder_not_declared_is_a_string_without_default(prompt, user):
    draft = drafts.update_draft(
        agent=prompt,
        config={
            "text": "Hi {{name}}, {{count}}",
            "variables": [{"name": "count", "type": "number"}],
        },
        user=user,
    )
    assert draft.config["variables"] == [
        {"name": "count", "type": "number", "default": None},
        {"name": "name", "type": "string", "default": None},
    ]


def test_links_are_checked_against_the_library(agent, prompt, user):
    cases = [
        ({"prompt_links": [{"prompt": "pr_aaaaaaaaaa"}]}, "prompt_links[0].prompt"),
        (link(prompt, version=9, suffix="."), "prompt_links[0].version"),
        (link(prompt), "prompt_links[0].variables.suffix"),
        (link(prompt, suffix=3), "prompt_links[0].variables.suffix"),
        (link(prompt, suffix=".", colour="red"), "prompt_links[0].variables.colour"),
    ]
    for patch, path in cases:
        with pytest.raises(ConfigInvalid) as info:
            edit(agent, patch, user=user)
        assert path in {problem["path"] for problem in info.value.errors}, patch
    assert not PromptUse.objects.exists()
    unreleased = agents.create_agent(name="Draft only", user=user, kind="prompt")
    with pytest.raises(ConfigInvalid, match="nothing released"):
        edit(agent, {"prompt_links": [{"prompt": unreleased.public_id}]}, user=user)


def test_links_are_indexed_for_the_draft_and_each_version(agent, prompt, user):
    edit(agent, link(prompt, suffix="."), user=user)
    versions.save_version(agent=agent, name="With the notice", user=user)
    edit(agent, link(prompt, version=1, suffix="!"), user=user)
    uses = prompt_selectors.usage(prompt)
    assert [(u.ref.split("@")[1], u.mode) for u in uses] == [
        ("draft", "pinned"),
        ("v1", "following"),
    ]
    edit(agent, {"prompt_links": None}, user=user)
    assert [u.ref.split("@")[1] for u in prompt_selectors.usage(prompt)] == ["v1"]
    with pytest.raises(ProtectedError):  # linked: never deleted
        Agent.objects.filter(pk=prompt.pk).delete()


def test_releasing_a_prompt_lists_the_live_references_that_follow_it(
    agent, make_agent, make_version, prompt, user
):
    edit(agent, link(prompt, suffix="."), user=user)
    v1 = versions.save_version(agent=agent, name="Follows", user=user)
    releases.release_version(version=v1, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    pinned = make_agent("Pinned one")
    edit(pinned, link(prompt, version=1, suffix="."), user=user)
    edit(prompt, {"text": "Hi {{customer_name}}, this call is recorded{{suffix}}"}, user=user)
    v2 = versions.save_version(agent=prompt, name="Plainer", user=user)
    affected = prompt_selectors.impact(prompt, v2)
    refs = {a.ref: a for a in affected}
    assert set(refs) == {f"{agent.public_id}@released", f"{agent.public_id}@draft"}
    released = refs[f"{agent.public_id}@released"]
    assert released.before == "Hello there, calls are recorded."
    assert released.after == "Hi there, this call is recorded."
    assert [c.public_id for c in released.channels] == [channel.public_id]
    assert prompt_selectors.impact(prompt, prompt.versions.get(number=1)) == []


def test_an_old_agent_version_whose_links_no_longer_render_is_not_released(agent, prompt, user):
    edit(agent, link(prompt, suffix="."), user=user)
    old = versions.save_version(agent=agent, name="Follows v1", user=user)
    edit(agent, {"prompt_links": None}, user=user)
    versions.save_version(agent=agent, name="No links", user=user)
    # v2 of the prompt needs a new variable; no live reference follows it, so it goes out
    edit(
        prompt,
        {
            "text": "{{customer_name}}{{suffix}}{{extra}}",
            "variables": [*GREETING["variables"], {"name": "extra", "type": "string"}],
        },
        user=user,
    )
    releases.release_version(
        version=versions.save_version(agent=prompt, name="Extra", user=user), user=user
    )
    with pytest.raises(ConfigInvalid, match="needs a value"):
        releases.release_version(version=old, user=user)
    agent.refresh_from_db()
    assert agent.released_version is None


def test_a_version_a_channel_pins_is_live_too(agent, prompt, user):
    v1 = versions.save_version(agent=agent, name="Plain", user=user)
    releases.release_version(version=v1, user=user)
    edit(agent, link(prompt, suffix="."), user=user)
    v2 = versions.save_version(agent=agent, name="Follows", user=user)
    edit(agent, {"prompt_links": None}, user=user)
    channel = channels.create_channel(user=user, name="Main line", kind="phone", agent=agent)
    rollout = rollouts.start_rollout(channel=channel, candidate=v2, user=user)
    edit(prompt, {"text": "Hi {{customer_name}}{{suffix}}"}, user=user)
    new = versions.save_version(agent=prompt, name="Shorter", user=user)
    [found] = prompt_selectors.impact(prompt, new)
    assert found.ref == f"{agent.public_id}@v2"
    assert [c.public_id for c in found.channels] == [channel.public_id]
    assert [r.public_id for r in found.rollouts] == [rollout.public_id]
