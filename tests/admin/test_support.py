"""The Django admin for support staff: read-only history, release through the service."""

import pytest
from django.urls import reverse

from agents.models import Agent, PublishedVersion, ReleaseEvent
from agents.services import approvals, eval_runner, evals, labels, playground, releases, versions
from tests.helpers import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    return make_user(superuser=True, username="support")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def history(agent, make_version, user):
    v1 = make_version(agent, {"llm": {"temperature": 0.2}})
    v2 = make_version(agent, {"llm": {"temperature": 0.9}})
    releases.release_version(version=v2, user=user)
    versions.restore_version(version=v1, user=user)
    return v1, v2


@pytest.mark.parametrize(
    "url",
    [
        "admin:agents_agent_changelist",
        "admin:agents_draft_changelist",
        "admin:agents_publishedversion_changelist",
        "admin:agents_releaseevent_changelist",
        "admin:agents_channel_changelist",
        "admin:agents_conversation_changelist",
        "admin:agents_apitoken_changelist",
        "admin:agents_evalsuite_changelist",
        "admin:agents_evalrun_changelist",
    ],
)
def test_every_changelist_renders_with_search_and_filters(admin_client, history, url):
    response = admin_client.get(reverse(url), {"q": "Support"})
    assert response.status_code == 200


def test_the_agent_list_filters_by_status(admin_client, make_agent, history):
    make_agent("Never released")
    response = admin_client.get(reverse("admin:agents_agent_changelist"), {"status": "unpublished"})
    assert b"Never released" in response.content
    assert b"Support line" not in response.content
    response = admin_client.get(
        reverse("admin:agents_agent_changelist"), {"status": "unpublished_changes"}
    )
    assert b"Support line" in response.content


def test_agents_have_a_history_page(admin_client, agent, history):
    response = admin_client.get(reverse("admin:agents_agent_history", args=[agent.pk]))
    assert response.status_code == 200
    assert b"Release v2" in response.content


def test_draft_history_shows_who_changed_which_config_paths(admin_client, agent, history):
    response = admin_client.get(reverse("admin:agents_draft_history", args=[agent.draft.pk]))
    html = response.content.decode()
    assert "Restored v1" in html
    assert "config.llm.temperature" in html
    assert "operator" in html
    # Bookkeeping is not a change anyone made.
    assert "Content hash" not in html
    assert "Updated at" not in html


def test_a_long_text_change_shows_the_changed_line_and_words(admin_client, agent, user):
    opening = "You are the front desk of Riverside Family Clinic, open every weekday. " * 3
    edit(agent, {"prompt": {"system_prompt": opening + "\nPlease move the call."}}, user=user)
    edit(agent, {"prompt": {"system_prompt": opening + "\nPlease reschedule the call."}}, user=user)
    html = admin_client.get(
        reverse("admin:agents_draft_history", args=[agent.draft.pk])
    ).content.decode()
    assert "config.prompt.system_prompt" in html
    assert "Please <del>move</del> the call." in html
    assert "Please <ins>reschedule</ins> the call." in html


def test_an_agent_links_to_its_console_page_and_the_admin_has_an_icon(admin_client, agent):
    console = reverse("agents:detail", args=[agent.public_id])
    listing = admin_client.get(reverse("admin:agents_agent_changelist")).content.decode()
    assert f'<a href="{console}">Open in the console</a>' in listing
    change = admin_client.get(reverse("admin:agents_agent_change", args=[agent.pk]))
    assert f'href="{console}"' in change.content.decode()
    assert 'rel="icon"' in change.content.decode()
    assert admin_client.get("/favicon.ico")["Location"].endswith("favicon.svg")


@pytest.mark.parametrize(
    ("model", "pick"),
    [("publishedversion", lambda v1, v2: v1.pk), ("releaseevent", lambda v1, v2: 1)],
)
def test_versions_and_release_events_are_read_only(admin_client, history, model, pick):
    v1, v2 = history
    pk = pick(v1, v2) if model == "publishedversion" else ReleaseEvent.objects.get().pk
    change_url = reverse(f"admin:agents_{model}_change", args=[pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(change_url, {"name": "hacked", "note": "hacked"}).status_code == 403
    assert admin_client.get(reverse(f"admin:agents_{model}_delete", args=[pk])).status_code == 403
    assert admin_client.get(reverse(f"admin:agents_{model}_add")).status_code == 403
    assert PublishedVersion.objects.get(pk=v1.pk).name != "hacked"


def test_the_release_action_asks_first_then_calls_the_service(admin_client, agent, history):
    v1, _ = history
    url = reverse("admin:agents_publishedversion_changelist")
    asked = admin_client.post(url, {"action": "release", "_selected_action": [v1.pk]})
    assert asked.status_code == 200
    assert "Roll back to v1 of Support line?" in asked.content.decode()
    assert ReleaseEvent.objects.count() == 1  # nothing released yet
    response = admin_client.post(
        url,
        {"action": "release", "_selected_action": [v1.pk], "confirm": "yes"},
        follow=True,
    )
    assert b"Rollback" in response.content
    agent.refresh_from_db()
    assert agent.released_version == v1
    assert ReleaseEvent.objects.filter(version=v1, kind="rollback").exists()


def test_the_release_action_needs_exactly_one_version(admin_client, agent, history):
    v1, v2 = history
    response = admin_client.post(
        reverse("admin:agents_publishedversion_changelist"),
        {"action": "release", "_selected_action": [v1.pk, v2.pk]},
        follow=True,
    )
    assert b"Select exactly one version" in response.content
    assert ReleaseEvent.objects.count() == 1


def test_the_release_action_is_offered_only_to_releasers(client, make_user, history):
    editor = make_user("Editor", is_staff=True)
    client.force_login(editor)
    response = client.get(reverse("admin:agents_publishedversion_changelist"))
    assert response.status_code == 200
    assert b"Release this version" not in response.content
    v1, _ = history
    client.post(
        reverse("admin:agents_publishedversion_changelist"),
        {"action": "release", "_selected_action": [v1.pk]},
    )
    assert ReleaseEvent.objects.count() == 1


def test_adding_and_editing_an_agent_in_the_admin_goes_through_the_services(admin_client):
    response = admin_client.post(
        reverse("admin:agents_agent_add"), {"name": "From admin", "description": "x"}
    )
    assert response.status_code == 302
    agent = Agent.objects.get(name="From admin")
    assert agent.draft.revision == 1
    assert agent.public_id.startswith("ag_")
    admin_client.post(
        reverse("admin:agents_agent_change", args=[agent.pk]),
        {"name": "Renamed in admin", "description": "y"},
    )
    agent.refresh_from_db()
    assert agent.name == "Renamed in admin"
    assert not agent.versions.exists()


def test_an_agent_has_no_delete_but_can_be_archived(admin_client, agent, history):
    assert (
        admin_client.get(reverse("admin:agents_agent_delete", args=[agent.pk])).status_code == 403
    )
    admin_client.post(
        reverse("admin:agents_agent_changelist"),
        {"action": "archive", "_selected_action": [agent.pk]},
    )
    agent.refresh_from_db()
    assert agent.archived_at is not None


def test_an_invalid_agent_name_is_refused_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:agents_agent_add"), {"name": "", "description": ""})
    assert response.status_code == 200
    assert not Agent.objects.exists()


def test_editing_draft_through_the_admin_is_not_possible(admin_client, agent, user):
    edit(agent, {"llm": {"temperature": 1.0}}, user=user)
    url = reverse("admin:agents_draft_change", args=[agent.draft.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"revision": 99}).status_code == 403


def test_eval_runs_and_playground_transcripts_are_readable_in_the_admin(admin_client, agent, user):
    suite = evals.create_eval_suite(
        agent=agent,
        name="Smoke",
        user=user,
        cases=[{"name": "answers", "messages": [{"role": "user", "content": "hi"}]}],
    )
    run = evals.start_eval_run(suite=suite, target="draft", user=user)
    eval_runner.execute_eval_run(run_id=run.pk)
    page = admin_client.get(reverse("admin:agents_evalrun_change", args=[run.pk]))
    assert "You said: hi" in page.content.decode()
    page = admin_client.get(reverse("admin:agents_evalsuite_change", args=[suite.pk]))
    assert "answers" in page.content.decode()
    conversation = playground.start_playground(agent=agent, target="draft", user=user)
    playground.send_playground_message(conversation=conversation, text="hello there", user=user)
    page = admin_client.get(reverse("admin:agents_conversation_change", args=[conversation.pk]))
    assert "You said: hello there" in page.content.decode()
    assert (
        admin_client.post(reverse("admin:agents_evalrun_delete", args=[run.pk])).status_code == 403
    )


@pytest.mark.parametrize("superuser", [False, True])
def test_the_history_revert_form_writes_nothing(client, make_user, agent, user, superuser):
    """A Viewer on staff once rewound a draft (content and revision) and renamed an agent by
    posting simple-history's revert form; nobody may write through it."""
    staff = make_user("Viewer", is_staff=True, superuser=superuser)
    client.force_login(staff)
    edit(agent, {"llm": {"temperature": 0.3}}, user=user)
    old = agent.draft.history.order_by("history_id").first()
    edit(agent, {"llm": {"temperature": 0.9}}, user=user)
    agent.draft.refresh_from_db()
    before = (agent.draft.revision, agent.draft.config)

    url = reverse("admin:agents_draft_simple_history", args=[agent.draft.pk, old.history_id])
    assert client.get(url).status_code == 200
    assert b"Revert" not in client.get(url).content
    assert client.post(url, {"revision": old.revision}).status_code == 403
    agent.draft.refresh_from_db()
    assert (agent.draft.revision, agent.draft.config) == before

    first = agent.history.order_by("history_id").first()
    url = reverse("admin:agents_agent_simple_history", args=[agent.pk, first.history_id])
    response = client.post(url, {"name": "Renamed by a viewer", "description": ""})
    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.name != "Renamed by a viewer"


def test_a_viewer_on_staff_cannot_change_or_act_on_anything(client, make_user, agent, history):
    """Every admin write a Viewer could reach is refused: change forms, history, actions."""
    client.force_login(make_user("Viewer", is_staff=True))
    v1, _ = history
    assert (
        client.post(
            reverse("admin:agents_agent_change", args=[agent.pk]),
            {"name": "Renamed", "description": ""},
        ).status_code
        == 403
    )
    for action, model, pk in [
        ("archive", "agent", agent.pk),
        ("release", "publishedversion", v1.pk),
        ("revoke", "apitoken", None),
    ]:
        response = client.post(
            reverse(f"admin:agents_{model}_changelist"),
            {"action": action, "_selected_action": [pk or 0]},
        )
        assert response.status_code in (200, 302, 403)
    agent.refresh_from_db()
    assert agent.name != "Renamed"
    assert agent.archived_at is None
    assert agent.released_version.number == 2


def test_configurations_are_styled_by_a_stylesheet_not_inline(admin_client, agent, history):
    v1, _ = history
    for url in (
        reverse("admin:agents_draft_change", args=[agent.draft.pk]),
        reverse("admin:agents_publishedversion_change", args=[v1.pk]),
    ):
        html = admin_client.get(url).content.decode()
        assert 'class="config-json"' in html
        assert "css/admin.css" in html
        assert "<pre style=" not in html


def test_draft_revisions_are_listed_and_shown_read_only(admin_client, agent, user):
    edit(agent, {"llm": {"temperature": 0.2}}, user=user)
    listed = admin_client.get(reverse("admin:agents_draftrevision_changelist")).content.decode()
    assert "r2" in listed
    assert "Edited" in listed
    revision = agent.revisions.get(number=2)
    url = reverse("admin:agents_draftrevision_change", args=[revision.pk])
    page = admin_client.get(url).content.decode()
    assert "llm.temperature" in page
    assert admin_client.post(url, {"reason": "rewritten"}).status_code == 403
    assert reverse("admin:agents_draftrevision_delete", args=[revision.pk]) not in page
    assert agent.revisions.get(number=2).reason == "Edited"


def test_release_management_is_visible_read_only_in_the_admin(
    admin_client, agent, make_version, user
):
    from agents.models import ReleaseRequest

    v1 = make_version(agent)
    labels.move_label(agent=agent, name="staging", version=v1, user=user)
    request = approvals.request_release(agent=agent, version=v1, user=user)
    for name in ("label", "releaserequest", "scheduledrelease"):
        page = admin_client.get(reverse(f"admin:agents_{name}_changelist"))
        assert page.status_code == 200
    change = reverse("admin:agents_releaserequest_change", args=[request.pk])
    assert admin_client.post(change, {"status": "approved"}).status_code == 403
    assert ReleaseRequest.objects.get().status == "open"
