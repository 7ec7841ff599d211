"""Reads of the prompt library: what an editor may link, where a prompt is linked, and
what releasing one of its versions would change."""

import pytest

from agents.selectors import prompts
from agents.services import agents, releases, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tone(user):
    prompt = agents.create_agent(name="Tone", user=user, kind="prompt", config={"text": "Be kind."})
    releases.release_version(
        version=versions.save_version(agent=prompt, name="First", user=user), user=user
    )
    edit(prompt, {"text": "Be kind and brief."}, user=user)
    versions.save_version(agent=prompt, name="Brief", user=user)
    prompt.refresh_from_db()
    return prompt


def test_the_editor_offers_each_prompt_with_its_versions_newest_first(tone):
    choices = prompts.link_choices()
    assert choices.prompts == [(tone.public_id, "Tone")]
    assert choices.versions[tone.public_id] == [(2, "Brief"), (1, "First")]
    assert [p.public_id for p in prompts.linkable_prompts()] == [tone.public_id]


def test_usage_and_impact_name_the_agents_that_follow_a_prompt(tone, agent, user):
    edit(agent, {"prompt_links": [{"prompt": tone.public_id, "version": None}]}, user=user)
    [use] = prompts.usage(tone)
    assert (use.agent, use.ref) == (agent, f"{agent.public_id}@draft")
    [affected] = prompts.impact(tone, tone.versions.get(number=2))
    assert affected.agent == agent
    assert (affected.before, affected.after) == ("Be kind.", "Be kind and brief.")
    assert prompts.impact(tone, tone.versions.get(number=1)) == []  # already released
