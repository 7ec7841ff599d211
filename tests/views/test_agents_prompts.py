"""The prompt library's pages: list, New prompt, the prompt's own editor, the release
dialog's impact list; roles as for agents."""

import pytest
from django.urls import reverse

from agents.models import Agent
from agents.services import agents, releases, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def prompt(user):
    prompt = agents.create_agent(
        name="Brand voice", user=user, kind="prompt", config={"text": "Be warm."}
    )
    releases.release_version(
        version=versions.save_version(agent=prompt, name="Warm", user=user), user=user
    )
    prompt.refresh_from_db()
    return prompt


def test_viewers_see_the_library_and_editors_add_to_it(client, make_user, prompt):
    client.force_login(make_user("Viewer"))
    page = client.get(reverse("agents:prompts")).content.decode()
    assert "Brand voice" in page
    assert "New prompt" not in page
    assert client.get(reverse("agents:prompt-create")).status_code == 403
    client.force_login(make_user("Editor"))
    response = client.post(reverse("agents:prompt-create"), {"name": "Escalation"}, **HTMX)
    created = Agent.objects.prompts().get(name="Escalation")
    assert response["HX-Redirect"] == reverse("agents:prompt", args=[created.public_id])
    assert created.public_id.startswith("pr_")


def test_the_prompt_editor_is_derived_from_its_schema(client, user, prompt):
    client.force_login(user)
    page = client.get(reverse("agents:prompt", args=[prompt.public_id])).content.decode()
    assert 'name="text"' in page
    assert "Add variable" in page
    assert "Playground" not in page
    url = reverse("agents:draft", args=[prompt.public_id])
    form = {
        "revision": "1",
        "_action": "save",
        "text": "Be warm with {{name}}, {{count}} times.",
        "variables.__row": ["0", "1"],
        "variables[0].name": "name",
        "variables[0].type": "string",
        "variables[0].default": "",
        "variables[1].name": "count",
        "variables[1].type": "number",
        "variables[1].default": "3",
    }
    response = client.post(url, form, **HTMX)
    assert response.status_code == 200
    prompt.draft.refresh_from_db()
    assert prompt.draft.config["variables"][1] == {"name": "count", "type": "number", "default": 3}
    # A placeholder not declared is declared as it is read: a string without a default.
    page = client.get(reverse("agents:prompt", args=[prompt.public_id])).content.decode()
    assert "is added as a string variable without a default" in page
    undeclared = {**form, "revision": "2", "text": "Hi {{nobody}}, {{count}} times."}
    assert client.post(url, undeclared, **HTMX).status_code == 200
    prompt.draft.refresh_from_db()
    assert prompt.draft.revision == 3
    assert prompt.draft.config["variables"][2] == {
        "name": "nobody",
        "type": "string",
        "default": None,
    }


def test_the_release_dialog_lists_what_changes(client, user, prompt, agent):
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id}]}, user=user)
    edit(prompt, {"text": "Be warmer."}, user=user)
    v2 = versions.save_version(agent=prompt, name="Warmer", user=user)
    client.force_login(user)
    dialog = client.get(
        reverse("agents:release", args=[prompt.public_id, v2.number]), **HTMX
    ).content.decode()
    assert 'data-testid="affected"' in dialog
    assert f"{agent.public_id}@draft" in dialog
    assert "Be warm<ins>er</ins>." in dialog  # the changed letters marked
    agent_page = client.get(reverse("agents:detail", args=[agent.public_id])).content.decode()
    assert (
        f'<option value="{prompt.public_id}" selected>Brand voice ({prompt.public_id})</option>'
        in (agent_page)
    )
    assert '<option value="" selected>Follow released</option>' in agent_page
    assert '<option value="2">v2 · Warmer</option>' in agent_page


def test_compare_shows_the_linked_text_change_too(client, user, prompt, agent):
    edit(prompt, {"text": "Be warmer."}, user=user)
    versions.save_version(agent=prompt, name="Warmer", user=user)
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id, "version": 1}]}, user=user)
    v1 = versions.save_version(agent=agent, name="Pinned to v1", user=user)
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id, "version": 2}]}, user=user)
    client.force_login(user)
    page = client.get(
        reverse("agents:compare", args=[agent.public_id, str(v1.number), "draft"])
    ).content.decode()
    assert 'data-testid="linked-text-diff"' in page
    assert "Linked prompt text (resolved now)" in page
    assert "warm<ins>er</ins>" in page


def test_changing_a_links_prompt_redraws_the_editor_with_that_prompts_versions(
    client, user, prompt, agent
):
    other = agents.create_agent(
        name="Other", user=user, kind="prompt", config={"text": "Other text."}
    )
    versions.save_version(agent=other, name="Only", user=user)
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id}]}, user=user)
    agent.draft.refresh_from_db()
    client.force_login(user)
    page = client.get(reverse("agents:detail", args=[agent.public_id])).content.decode()
    form = {
        "revision": str(agent.draft.revision),
        "_action": "refresh",
        "prompt_links.__row": "0",
        "prompt_links[0].prompt": other.public_id,
        "prompt_links[0].role": "main",
        "prompt_links[0].sort_order": "0",
        "prompt_links[0].version": "",
        "prompt_links[0].variables": "{}",
    }
    assert "v1 · Only" not in page
    redrawn = client.post(reverse("agents:draft", args=[agent.public_id]), form, **HTMX)
    body = redrawn.content.decode()
    assert '<option value="1">v1 · Only</option>' in body
    assert "error-summary" not in body
    assert type(agent.draft).objects.get(agent=agent).revision == agent.draft.revision  # unsaved


def test_an_empty_link_version_means_follow_released(client, user, prompt, agent):
    edit(agent, {"prompt_links": [{"prompt": prompt.public_id, "version": 1}]}, user=user)
    agent.draft.refresh_from_db()
    client.force_login(user)
    form = {
        "revision": str(agent.draft.revision),
        "prompt_links.__row": "0",
        "prompt_links[0].prompt": prompt.public_id,
        "prompt_links[0].role": "main",
        "prompt_links[0].sort_order": "0",
        "prompt_links[0].version": "",
        "prompt_links[0].variables": "{}",
    }
    response = client.post(reverse("agents:draft", args=[agent.public_id]), form, **HTMX)
    assert "error-summary" not in response.content.decode()
    agent.draft.refresh_from_db()
    assert agent.draft.config["prompt_links"][0]["version"] is None
