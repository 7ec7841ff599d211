"""Branches in the console: the agent page's card, the New branch dialog, a branch's
page with its own editor (saving never touches the main draft), and deleting one."""

import pytest

from agents.selectors import branches as branch_selectors
from agents.services import branches
from tests.helpers import draft_form

pytestmark = pytest.mark.django_db


def test_create_edit_and_delete_a_branch(operator_client, agent, user):
    card = operator_client.get(f"/agents/{agent.public_id}/branches/")
    assert "No branches" in card.content.decode()
    made = operator_client.post(
        f"/agents/{agent.public_id}/branches/new/", {"name": "tone", "source": "draft"}
    )
    assert made.status_code == 302
    assert made["Location"] == f"/agents/{agent.public_id}/branches/tone/"
    page = operator_client.get(made["Location"]).content.decode()
    assert "draft:tone" in page
    assert f'hx-post="/agents/{agent.public_id}/branches/tone/draft/"' in page
    branch = branch_selectors.branch(agent, "tone")
    form = draft_form(agent)
    form["revision"] = str(branch.revision)
    form["llm.temperature"] = "0.15"
    saved = operator_client.post(
        f"/agents/{agent.public_id}/branches/tone/draft/", form, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    assert "Branch saved" in saved.content.decode()
    assert branch_selectors.branch(agent, "tone").config["llm"]["temperature"] == 0.15
    agent.draft.refresh_from_db()
    assert agent.draft.config["llm"]["temperature"] != 0.15
    card = operator_client.get(f"/agents/{agent.public_id}/branches/").content.decode()
    assert "draft:tone" in card
    deleted = operator_client.post(f"/agents/{agent.public_id}/branches/tone/delete/")
    assert deleted.status_code == 302
    assert operator_client.get(f"/agents/{agent.public_id}/branches/tone/").status_code == 404


def test_the_card_alone_for_htmx_and_in_a_page_otherwise(operator_client, agent):
    url = f"/agents/{agent.public_id}/branches/"
    card = operator_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    page = operator_client.get(url).content.decode()
    assert "<html" not in card
    assert "No branches" in card
    assert "<html" in page
    assert "No branches" in page
    assert "← Back" in page


def test_a_stale_branch_save_shows_both_sides(operator_client, agent, user):
    branches.create_branch(agent=agent, name="busy", user=user)
    form = draft_form(agent)
    form["revision"] = str(branch_selectors.branch(agent, "busy").revision)
    form["llm.temperature"] = "0.3"
    operator_client.post(f"/agents/{agent.public_id}/branches/busy/draft/", form)
    form["llm.temperature"] = "0.4"  # from the same, now stale, revision
    again = operator_client.post(
        f"/agents/{agent.public_id}/branches/busy/draft/", form, HTTP_HX_REQUEST="true"
    )
    assert "Someone else changed this branch" in again.content.decode()


def test_bad_names_are_refused_in_the_dialog(operator_client, agent):
    refused = operator_client.post(
        f"/agents/{agent.public_id}/branches/new/", {"name": "No Good", "source": "draft"}
    )
    assert refused.status_code == 200
    assert "lowercase letters" in refused.content.decode()


def test_viewers_see_but_do_not_branch(client, make_user, agent):
    client.force_login(make_user("Viewer"))
    assert "New branch" not in client.get(f"/agents/{agent.public_id}/branches/").content.decode()
    assert client.get(f"/agents/{agent.public_id}/branches/new/").status_code == 403


def test_releasers_set_the_reviews_a_merge_needs(operator_client, agent, client, make_user):
    done = operator_client.post(f"/agents/{agent.public_id}/branches/reviews/", {"reviews": "2"})
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.reviews_required == 2
    assert agent.history.first().history_change_reason == "Changed the reviews merges need"
    client.force_login(make_user("Editor"))
    assert (
        client.post(f"/agents/{agent.public_id}/branches/reviews/", {"reviews": "0"}).status_code
        == 403
    )


def test_a_version_or_a_revision_restored_into_a_branch(operator_client, agent, make_version, user):
    make_version(agent, {"llm": {"temperature": 0.9}})
    branches.create_branch(agent=agent, name="r", user=user)
    page = operator_client.get(f"/agents/{agent.public_id}/branches/r/").content.decode()
    assert 'data-testid="restore-into-branch"' in page
    done = operator_client.post(f"/agents/{agent.public_id}/branches/r/restore/", {"source": "1"})
    assert done.status_code == 302
    assert branch_selectors.branch(agent, "r").config["llm"]["temperature"] == 0.9
    operator_client.post(f"/agents/{agent.public_id}/branches/r/restore/", {"source": "r1"})
    restored = branch_selectors.branch(agent, "r")
    assert restored.restored_from_revision == 1
    agent.draft.refresh_from_db()
    assert agent.draft.restored_from_revision is None  # the main draft is untouched
