"""The Save Version and Restore dialogs."""

import pytest
from django.urls import reverse

from agents.models import Draft
from tests.helpers import HTMX, detail_url, edit

pytestmark = pytest.mark.django_db


def test_the_save_version_dialog(operator_client, agent):
    url = reverse("agents:save-version", args=[agent.public_id])
    html = operator_client.get(url, **HTMX).content.decode()
    assert '<label for="version-name">Name</label>' in html
    assert '<label for="version-description">Description</label>' in html
    assert ">Save Version</button>" in html
    response = operator_client.post(url, {"name": "", "revision": "1"}, **HTMX)
    assert response.status_code == 200
    assert "is required" in response.content.decode()
    response = operator_client.post(url, {"name": "First", "revision": "1"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Trigger"].startswith('{"versionSaved"')
    assert agent.versions.get().name == "First"


def test_saving_an_unchanged_draft_says_so(operator_client, agent, make_version):
    make_version(agent)
    url = reverse("agents:save-version", args=[agent.public_id])
    response = operator_client.post(url, {"name": "Again", "revision": "2"}, **HTMX)
    assert response.status_code == 200
    assert "identical to v1" in response.content.decode()
    assert agent.versions.count() == 1


def test_the_save_version_page_works_without_javascript(operator_client, agent):
    url = reverse("agents:save-version", args=[agent.public_id])
    page = operator_client.get(url).content.decode()
    assert "<html" in page
    assert 'name="name"' in page
    response = operator_client.post(url, {"name": "No JS", "revision": "1"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(agent)


def test_restore_warns_when_the_draft_holds_unversioned_changes(
    operator_client, agent, make_version, user
):
    v1 = make_version(agent)
    url = reverse("agents:restore", args=[agent.public_id, 1])
    assert "in no version" not in operator_client.get(url, **HTMX).content.decode()
    edit(agent, {"llm": {"temperature": 1.9}}, user=user)
    html = operator_client.get(url, **HTMX).content.decode()
    assert "changes that are in no version" in html
    assert "Save current draft as a version first" in html
    response = operator_client.post(
        url, {"revision": "3", "save_first": "on", "save_name": "WIP"}, **HTMX
    )
    assert response.status_code == 204
    assert "draftRestored" in response["HX-Trigger"]
    assert "versionSaved" in response["HX-Trigger"]
    assert agent.versions.get(number=2).name == "WIP"
    draft = Draft.objects.get(agent=agent)
    assert draft.content_hash == v1.content_hash
    assert draft.restored_from == v1


def test_restore_with_a_stale_revision_changes_nothing(operator_client, agent, make_version, user):
    make_version(agent)
    edit(agent, {"llm": {"temperature": 1.9}}, user=user)
    response = operator_client.post(
        reverse("agents:restore", args=[agent.public_id, 1]), {"revision": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Draft.objects.get(agent=agent).config["llm"]["temperature"] == 1.9
