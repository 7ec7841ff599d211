"""The revision timeline on the agent page: compare, restore, pick in playground and evals."""

import pytest
from django.urls import reverse

from agents.models import Conversation, DraftRevision, EvalRun
from agents.services import evals, versions
from tests.helpers import edit

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def operator_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def edited(agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    edit(agent, {"prompt": {"welcome_message": "Hello"}}, user=user)
    return agent


def test_the_agent_page_shows_every_save_as_a_revision(operator_client, edited, user):
    versions.save_version(agent=edited, name="Greets", user=user)
    html = operator_client.get(reverse("agents:detail", args=[edited.public_id])).content.decode()
    assert "Draft revisions" in html
    r3 = html[html.index('id="revision-3"') : html.index('id="revision-2"')]
    assert "Current draft" in r3
    assert "prompt.welcome_message" in r3
    assert ">v1<" in r3  # the version saved from it
    assert "Compare" not in r3.split("row-actions")[1]  # it is the draft: nothing to compare
    r2 = html[html.index('id="revision-2"') : html.index('id="revision-1"')]
    assert reverse("agents:compare", args=[edited.public_id, "r2", "draft"]) in r2
    assert reverse("agents:compare", args=[edited.public_id, "r1", "r2"]) in r2  # Changes
    assert reverse("agents:revision-restore", args=[edited.public_id, 2]) in r2


def test_the_timeline_pages_with_load_more(operator_client, agent, user):
    for i in range(14):
        edit(agent, {"prompt": {"welcome_message": f"Hi {i}"}}, user=user)
    page = operator_client.get(reverse("agents:detail", args=[agent.public_id])).content.decode()
    assert 'id="revision-15"' in page
    assert 'id="revision-6"' in page
    assert 'id="revision-5"' not in page
    more_url = reverse("agents:revisions-more", args=[agent.public_id]) + "?page=2"
    assert more_url in page
    more = operator_client.get(more_url, **HTMX).content.decode()
    assert 'id="revision-5"' in more
    assert 'id="revision-1"' in more
    assert "Load more" not in more
    full = operator_client.get(more_url).content.decode()
    assert "<h1>Draft revisions of" in full


def test_a_revision_is_compared_side_by_side_with_the_draft(operator_client, edited):
    url = reverse("agents:compare", args=[edited.public_id, "r1", "draft"])
    html = operator_client.get(url).content.decode()
    assert "Compare r1 → Draft" in html
    assert "llm.temperature" in html
    assert 'value="r2"' in html  # the picker offers recent revisions
    missing = operator_client.get(reverse("agents:compare", args=[edited.public_id, "r9", "draft"]))
    assert missing.status_code == 404


def test_restoring_a_revision_uses_the_same_dialog_and_checks(operator_client, edited, user):
    url = reverse("agents:revision-restore", args=[edited.public_id, 1])
    dialog = operator_client.get(url, **HTMX).content.decode()
    assert "Restore r1 into the draft" in dialog
    assert "What the draft will lose" in dialog
    assert "The draft has changes that are in no version." in dialog
    stale = operator_client.post(url, {"revision": "2"}, **HTMX).content.decode()
    assert "you edited revision 2, it is now at revision 3" in stale
    assert edited.revisions.count() == 3
    done = operator_client.post(url, {"revision": "3"}, **HTMX)
    assert done.status_code == 204
    newest = edited.revisions.order_by("-number").first()
    assert (newest.number, newest.restored_from_revision, newest.reason) == (4, 1, "Restored r1")
    assert newest.content_hash == edited.revisions.get(number=1).content_hash


def test_viewers_cannot_restore_a_revision(client, make_user, edited):
    client.force_login(make_user(username="viewer"))
    url = reverse("agents:revision-restore", args=[edited.public_id, 1])
    assert client.post(url, {"revision": "3"}, **HTMX).status_code == 403
    assert DraftRevision.objects.filter(agent=edited).count() == 3


def test_revisions_can_be_picked_in_the_playground_and_for_eval_runs(operator_client, edited, user):
    page = operator_client.get(reverse("agents:playground", args=[edited.public_id]))
    assert 'value="r2"' in page.content.decode()
    started = operator_client.post(
        reverse("agents:playground", args=[edited.public_id]), {"target": "r2"}, **HTMX
    )
    assert "revision r2" in started.content.decode()
    session = Conversation.objects.get(playground=True)
    assert (session.revision, session.content_hash) == (
        2,
        edited.revisions.get(number=2).content_hash,
    )

    suite = evals.create_eval_suite(
        agent=edited,
        name="Smoke",
        user=user,
        cases=[{"name": "hi", "messages": [{"role": "user", "content": "hi"}]}],
    )
    suite_page = operator_client.get(
        reverse("agents:eval-suite", args=[edited.public_id, suite.public_id])
    )
    assert 'value="r1"' in suite_page.content.decode()
    operator_client.post(
        reverse("agents:eval-start-run", args=[edited.public_id, suite.public_id]),
        {"target": "r1"},
        **HTMX,
    )
    run = EvalRun.objects.get()
    assert (run.target_label, run.content_hash) == (
        "r1",
        edited.revisions.get(number=1).content_hash,
    )


def test_the_agent_page_costs_the_same_queries_with_3_or_300_revisions(
    operator_client, agent, user, django_assert_max_num_queries
):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    edit(agent, {"llm": {"temperature": 0.3}}, user=user)
    url = reverse("agents:detail", args=[agent.public_id])
    with django_assert_max_num_queries(25) as few:
        operator_client.get(url)
    for i in range(297):
        edit(agent, {"prompt": {"welcome_message": f"Hi {i}"}}, user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = operator_client.get(url)
    assert 'id="revision-300"' in response.content.decode()
