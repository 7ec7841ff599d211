"""The Django admin for support staff: read-only history, release through the service."""

import pytest
from django.urls import reverse

from agents.models import PublishedVersion, ReleaseEvent
from tests.helpers import edit

pytestmark = pytest.mark.django_db


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
