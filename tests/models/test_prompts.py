"""Where a library prompt is used: one row per link of a draft or a version, which keeps
the prompt from being deleted while anything links it."""

import pytest
from django.db.models import ProtectedError

from agents.models import Agent, PromptUse
from agents.services import agents, releases, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def prompt(user):
    prompt = agents.create_agent(
        name="Recording notice", user=user, kind="prompt", config={"text": "Calls are recorded."}
    )
    releases.release_version(
        version=versions.save_version(agent=prompt, name="One", user=user), user=user
    )
    return prompt


def test_a_link_in_the_draft_and_in_a_version_are_one_row_each(agent, prompt, user):
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id}]}, user=user)
    assert PromptUse.objects.filter(prompt=prompt, agent=agent, version=None).count() == 1
    version = versions.save_version(agent=agent, name="Linked", user=user)
    use = PromptUse.objects.get(prompt=prompt, version=version)
    assert use.pinned is None  # follows the prompt's released version
    assert str(use) == f"{prompt.pk} in {agent.pk} ({use.role})"


def test_a_linked_prompt_cannot_be_deleted(agent, prompt, user):
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id}]}, user=user)
    with pytest.raises(ProtectedError):
        Agent.objects.filter(pk=prompt.pk).delete()
