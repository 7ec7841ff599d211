"""Console views: full-page and htmx paths, permissions per role, query counts."""

import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from agents.models import Agent, ApiToken, Channel, Draft, PublishedVersion, ReleaseEvent
from agents.services import agents, channels, releases, tokens, versions
from tests.helpers import draft_form, edit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def operator_client(client, user):
    client.force_login(user)
    return client


def login(client, user):
    client.force_login(user)
    return client


def detail_url(agent):
    return reverse("agents:detail", args=[agent.public_id])


# ------------------------------------------------------------------ auth


def test_every_console_page_requires_login(client, agent):
    for url in [
        reverse("agents:list"),
        detail_url(agent),
        reverse("agents:save-version", args=[agent.public_id]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_login_page_has_labelled_fields_and_logs_in(client, make_user):
    make_user("Viewer", username="vera")
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert ">Log in</button>" in page
    response = client.post(reverse("login"), {"username": "vera", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get(reverse("agents:list")).status_code == 200


def test_pages_send_a_content_security_policy(operator_client, agent):
    response = operator_client.get(detail_url(agent))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy


# ------------------------------------------------------------------ list


def test_the_list_shows_status_released_and_latest(operator_client, make_agent, make_version, user):
    released = make_agent("Published one")
    releases.release_version(version=make_version(released), user=user)
    make_agent("Fresh one")
    html = operator_client.get(reverse("agents:list")).content.decode()
    assert f'href="{detail_url(released)}"' in html
    assert "Published</span>" in html
    assert "Unpublished</span>" in html
    assert "v1" in html


def test_the_list_searches_and_filters_by_status(operator_client, make_agent, make_version, user):
    live = make_agent("Billing bot")
    releases.release_version(version=make_version(live), user=user)
    make_agent("Sales bot")
    html = operator_client.get(reverse("agents:list"), {"q": "billing"}).content.decode()
    assert "Billing bot" in html
    assert "Sales bot" not in html
    html = operator_client.get(reverse("agents:list"), {"status": "unpublished"}).content.decode()
    assert "Sales bot" in html
    assert "Billing bot" not in html


def test_the_list_answers_htmx_with_just_the_table(operator_client, agent):
    html = operator_client.get(reverse("agents:list"), **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="agent-table">')
    assert "<html" not in html


def test_the_list_paginates(operator_client, make_agent):
    for i in range(30):
        make_agent(f"Agent {i:02d}")
    first = operator_client.get(reverse("agents:list")).content.decode()
    assert "Page 1 of 2" in first
    second = operator_client.get(reverse("agents:list"), {"page": 2}).content.decode()
    assert "Agent 29" in second
    assert "Agent 00" not in second


def test_the_list_costs_the_same_queries_for_3_or_60_agents(
    operator_client, make_agent, django_assert_max_num_queries, make_version, user
):
    for i in range(3):
        releases.release_version(version=make_version(make_agent(f"A{i}")), user=user)
    with django_assert_max_num_queries(7) as few:
        operator_client.get(reverse("agents:list"))
    for i in range(57):
        make_agent(f"B{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        operator_client.get(reverse("agents:list"))


def test_creating_an_agent_from_the_dialog(operator_client):
    dialog = operator_client.get(reverse("agents:create"), **HTMX).content.decode()
    assert 'for="new-name">Name</label>' in dialog
    response = operator_client.post(reverse("agents:create"), {"name": "New bot"}, **HTMX)
    agent = Agent.objects.get(name="New bot")
    assert response["HX-Redirect"] == detail_url(agent)
    invalid = operator_client.post(reverse("agents:create"), {"name": " "}, **HTMX)
    assert invalid.status_code == 200
    assert "is required" in invalid.content.decode()


# ------------------------------------------------------------------ agent page


def test_the_agent_page_has_every_editor_section(operator_client, agent):
    html = operator_client.get(detail_url(agent)).content.decode()
    for title in [
        "Prompt",
        "LLM",
        "Voice",
        "Conversation",
        "Background sound",
        "Knowledge",
        "Tools",
        "Call analysis",
        "Workflow",
        "Input/Output schema",
    ]:
        assert f"<summary>{title}" in html, title
    assert ">System prompt</label>" in html
    assert ">Welcome message</label>" in html
    assert ">Save draft</button>" in html
    assert 'id="history-panel"' in html


def test_saving_the_draft_from_the_editor(operator_client, agent):
    data = draft_form(agent, **{"llm.temperature": "1.25", "prompt.system_prompt": "Be nice."})
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"].startswith('{"draftSaved"')
    draft = Draft.objects.get(agent=agent)
    assert draft.config["llm"]["temperature"] == 1.25
    assert draft.config["prompt"]["system_prompt"] == "Be nice."
    assert draft.revision == 2


def test_invalid_editor_input_shows_errors_inline_and_saves_nothing(operator_client, agent):
    data = draft_form(
        agent, **{"llm.temperature": "7", "workflow": "{not json", "voice.language": "??"}
    )
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), data, **HTMX)
    html = response.content.decode()
    assert 'id="f-workflow-error"' in html
    assert "invalid JSON" in html
    assert Draft.objects.get(agent=agent).revision == 1
    data = draft_form(agent, **{"llm.temperature": "7"})
    html = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), data, **HTMX
    ).content.decode()
    assert 'id="f-llm-temperature-error"' in html
    assert "less than or equal to 2" in html
    assert 'value="7"' in html  # the operator's input is kept
    assert Draft.objects.get(agent=agent).revision == 1


def test_list_rows_are_added_and_removed_without_saving(operator_client, agent):
    url = reverse("agents:draft", args=[agent.public_id])
    html = operator_client.post(url, draft_form(agent, _action="add:tools"), **HTMX).content
    assert b'name="tools[0].name"' in html
    data = draft_form(agent)
    data.update({"tools.__row": ["0"], "tools[0].name": "hang_up", "tools[0].type": "end_call"})
    operator_client.post(url, data, **HTMX)
    assert Draft.objects.get(agent=agent).config["tools"][0]["name"] == "hang_up"
    html = operator_client.post(
        url, draft_form(agent, _action="remove:tools[0]"), **HTMX
    ).content.decode()
    assert 'name="tools[0].name"' not in html
    assert Draft.objects.get(agent=agent).config["tools"][0]["name"] == "hang_up"


def test_row_errors_point_at_the_row_field(operator_client, agent):
    data = draft_form(agent)
    data.update(
        {
            "tools.__row": ["0"],
            "tools[0].name": "lookup",
            "tools[0].type": "webhook",
            "tools[0].url": "not a url",
        }
    )
    html = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), data, **HTMX
    ).content.decode()
    assert 'id="f-tools-0--url-error"' in html


def test_a_stale_editor_shows_theirs_and_mine_and_saves_nothing(operator_client, agent, make_user):
    stale = draft_form(agent, **{"llm.temperature": "0.2"})
    edit(agent, {"llm.temperature": None, "llm": {"temperature": 1.5}}, user=make_user("Editor"))
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), stale, **HTMX)
    html = response.content.decode()
    assert "Someone else changed this draft" in html
    assert "llm.temperature" in html
    assert "1.5" in html
    assert "0.2" in html
    assert ">Keep mine</button>" in html
    assert "Take theirs" in html
    assert Draft.objects.get(agent=agent).config["llm"]["temperature"] == 1.5


def test_keep_mine_saves_over_the_new_revision(operator_client, agent, make_user):
    stale = draft_form(agent, **{"llm.temperature": "0.2"})
    edit(agent, {"llm": {"temperature": 1.5}}, user=make_user("Editor"))
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), stale, **HTMX)
    mine = html_lib.unescape(
        re.search(r'name="mine" value="([^"]*)"', response.content.decode()).group(1)
    )
    operator_client.post(
        reverse("agents:draft", args=[agent.public_id]),
        {"_action": "keep_mine", "revision": "2", "mine": mine},
        **HTMX,
    )
    draft = Draft.objects.get(agent=agent)
    assert draft.config["llm"]["temperature"] == 0.2
    assert draft.revision == 3


def test_without_htmx_saving_redirects_back_to_the_page(operator_client, agent):
    response = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), draft_form(agent, **{"llm.model": "m2"})
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(agent)
    assert "Draft saved" in operator_client.get(detail_url(agent)).content.decode()


def test_agent_details_are_edited_apart_from_the_draft(operator_client, agent):
    url = reverse("agents:details", args=[agent.public_id])
    response = operator_client.post(url, {"name": "Renamed", "description": "Words"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Trigger"].startswith('{"agentUpdated"')
    agent.refresh_from_db()
    assert agent.name == "Renamed"
    assert agent.draft.revision == 1
    assert not agent.versions.exists()


# ------------------------------------------------------------------ versions


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


def test_the_history_panel_lists_versions_newest_first_with_actions(
    operator_client, agent, make_version, user
):
    _v1, v2 = make_version(agent, name="One"), make_version(agent, name="Two")
    releases.release_version(version=v2, user=user)
    html = operator_client.get(
        reverse("agents:history", args=[agent.public_id]), **HTMX
    ).content.decode()
    assert html.index("Two") < html.index("One")
    assert html.count(">Restore</a>") == 2
    # Not on the released one; on v1 its name says it is a rollback.
    assert html.count(">Release<") == 1
    assert 'Release<span class="visually-hidden"> (roll back to v1)</span>' in html
    assert ">Released</span>" in html
    assert "Draft" in html


def test_history_is_paginated_with_load_more(operator_client, agent, make_version):
    for _ in range(25):
        make_version(agent)
    html = operator_client.get(detail_url(agent)).content.decode()
    assert "Load more" in html
    assert 'id="version-6"' in html
    assert 'id="version-5"' not in html
    more = operator_client.get(
        reverse("agents:history-more", args=[agent.public_id]), {"page": 2}, **HTMX
    ).content.decode()
    assert 'id="version-5"' in more
    assert 'id="version-1"' in more
    assert "Load more" not in more


def test_the_agent_page_costs_the_same_queries_with_10_or_1000_versions(
    operator_client, agent, make_version, django_assert_max_num_queries, user
):
    for _ in range(10):
        make_version(agent)
    releases.release_version(version=agent.versions.first(), user=user)
    with django_assert_max_num_queries(20) as ten:
        operator_client.get(detail_url(agent))
    latest = agent.versions.order_by("-number").first()
    for number in range(latest.number + 1, 1001):
        PublishedVersion.objects.create(
            agent=agent,
            number=number,
            name=f"Bulk {number}",
            config=latest.config,
            content_hash=latest.content_hash,
            schema_version=1,
            created_by=user,
        )
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = operator_client.get(detail_url(agent))
    assert 'id="version-1000"' in response.content.decode()


def test_release_dialog_names_current_and_next_and_words_rollbacks(
    operator_client, agent, make_version, user
):
    v1, v2 = make_version(agent), make_version(agent)
    url1 = reverse("agents:release", args=[agent.public_id, 1])
    html = operator_client.get(url1, **HTMX).content.decode()
    assert "Nothing is released yet" in html
    assert "Release v1" in html
    releases.release_version(version=v2, user=user)
    html = operator_client.get(url1, **HTMX).content.decode()
    assert "Roll back to v1" in html
    assert "<strong>v2</strong>" in html
    response = operator_client.post(url1, {"note": "bad v2"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Trigger"].startswith('{"versionReleased"')
    event = ReleaseEvent.objects.get(version=v1)
    assert (event.kind, event.note) == ("rollback", "bad v2")


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


def test_release_log_and_draft_activity_are_on_the_page(operator_client, agent, make_version, user):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user, note="ship it")
    edit(agent, {"llm": {"temperature": 1.1}}, user=user)
    html = operator_client.get(detail_url(agent)).content.decode()
    assert 'id="release-log"' in html
    assert "ship it" in html
    assert "nothing → <strong>v1</strong>" in html
    assert 'id="draft-activity"' in html
    assert "llm.temperature" in html


@pytest.mark.parametrize(
    ("partial", "marker"),
    [
        ("header", 'id="agent-header"'),
        ("history", 'id="history-panel"'),
        ("releases", 'id="release-log"'),
        ("activity", 'id="draft-activity"'),
        ("draft", 'id="draft-editor"'),
    ],
)
def test_panels_refresh_as_fragments(operator_client, agent, partial, marker):
    html = operator_client.get(
        reverse(f"agents:{partial}", args=[agent.public_id]), **HTMX
    ).content.decode()
    assert html.lstrip().startswith(f"<section {marker}")
    full = operator_client.get(reverse(f"agents:{partial}", args=[agent.public_id]))
    assert full.status_code == 302


# ------------------------------------------------------------------ roles


def test_a_viewer_sees_no_buttons_and_every_action_is_refused(
    client, make_user, agent, make_version
):
    make_version(agent)
    login(client, make_user("Viewer"))
    html = client.get(detail_url(agent)).content.decode()
    for label in [">Save draft<", ">Save Version<", ">Restore<", ">Release<", ">Edit details<"]:
        assert label not in html
    assert '<fieldset class="plain" disabled>' in html
    urls = [
        reverse("agents:draft", args=[agent.public_id]),
        reverse("agents:save-version", args=[agent.public_id]),
        reverse("agents:release", args=[agent.public_id, 1]),
        reverse("agents:restore", args=[agent.public_id, 1]),
        reverse("agents:details", args=[agent.public_id]),
        reverse("agents:create"),
    ]
    for url in urls:
        assert client.post(url, {"name": "x", "revision": "1"}).status_code == 403, url
    assert not ReleaseEvent.objects.exists()
    assert agent.versions.count() == 1


def test_an_editor_may_edit_and_save_versions_but_not_release(
    client, make_user, agent, make_version
):
    make_version(agent)
    login(client, make_user("Editor"))
    html = client.get(detail_url(agent)).content.decode()
    assert ">Save draft<" in html
    assert ">Save Version<" in html
    assert ">Restore<" in html
    assert ">Release<" not in html
    assert client.get(reverse("agents:release", args=[agent.public_id, 1])).status_code == 403
    assert client.post(reverse("agents:release", args=[agent.public_id, 1])).status_code == 403


def test_a_releaser_may_release_but_not_edit(client, make_user, agent, make_version):
    make_version(agent)
    login(client, make_user("Releaser"))
    html = client.get(detail_url(agent)).content.decode()
    assert ">Release<" in html
    assert ">Save draft<" not in html
    assert ">Restore<" not in html
    assert (
        client.post(reverse("agents:draft", args=[agent.public_id]), draft_form(agent)).status_code
        == 403
    )
    assert client.post(reverse("agents:release", args=[agent.public_id, 1])).status_code == 302
    assert ReleaseEvent.objects.count() == 1


def test_hostile_text_is_escaped_everywhere(operator_client, make_agent, user):
    hostile = '"><svg onload=alert(1)><script>alert(2)</script>'
    agent = make_agent(hostile, description=hostile, config={"prompt": {"system_prompt": hostile}})
    edit(agent, {"prompt": {"welcome_message": hostile}}, user=user)
    versions.save_version(agent=agent, name=hostile, description=hostile, user=user)
    for url in [
        reverse("agents:list"),
        detail_url(agent),
        reverse("agents:release", args=[agent.public_id, 1]),
    ]:
        html = operator_client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<svg onload" not in html, url


def test_api_tokens_are_created_shown_once_and_revoked_in_the_console(operator_client, user):
    from agents.models import ApiToken

    page = operator_client.post(reverse("agents:api-tokens"), {"name": "runtime"})
    html = page.content.decode()
    token = ApiToken.objects.get(user=user)
    secret = re.search(r'id="new-token" class="mono" value="([^"]+)"', html).group(1)
    assert secret.startswith(token.prefix)
    listing = operator_client.get(reverse("agents:api-tokens")).content.decode()
    assert secret not in listing
    assert f"{token.prefix}…" in listing
    assert "never" in listing
    operator_client.post(reverse("agents:revoke-api-token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = operator_client.get("/api/v1/agents", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_nobody_revokes_someone_elses_token(operator_client, make_user):
    from agents.models import ApiToken

    other, _ = tokens.create_api_token(user=make_user("Viewer"), name="theirs")
    response = operator_client.post(reverse("agents:revoke-api-token", args=[other.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_the_history_panel_says_which_channels_use_each_version(
    operator_client, agent, make_version, user
):
    v1, _v2 = make_version(agent), make_version(agent)
    releases.release_version(version=v1, user=user)
    channels.create_channel(name="Main line", kind="phone", agent=agent, user=user)
    channels.create_channel(
        name="AB widget",
        kind="web",
        agent=agent,
        user=user,
        variants=[{"target": "released", "weight": 80}, {"target": {"version": 2}, "weight": 20}],
    )
    html = operator_client.get(
        reverse("agents:history", args=[agent.public_id]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Used by AB widget 80%, Main line" in html
    assert "Used by AB widget 20%" in html


def _channel_post(agent, **overrides):
    data = {
        "name": "Main line",
        "kind": "phone",
        "address": "+15550100",
        "agent": agent.public_id,
        "target": "released",
    }
    data.update(overrides)
    return data


def test_channels_are_listed_created_and_rerouted_in_the_console(
    operator_client, agent, make_version, user
):
    from agents.models import Channel

    make_version(agent)
    releases.release_version(version=agent.versions.get(number=1), user=user)
    make_version(agent)
    response = operator_client.post(reverse("agents:channel-new"), _channel_post(agent))
    channel = Channel.objects.get()
    assert response["Location"] == reverse("agents:channel", args=[channel.public_id])
    page = operator_client.get(reverse("agents:channel", args=[channel.public_id])).content
    assert b"Serving now:" in page
    assert b"v1" in page
    operator_client.post(
        reverse("agents:channel", args=[channel.public_id]),
        _channel_post(
            agent,
            **{
                "variant-0-target": "released",
                "variant-0-weight": "80",
                "variant-1-target": "v2",
                "variant-1-weight": "20",
            },
        ),
    )
    channel.refresh_from_db()
    assert channel.variants == [
        {"target": "released", "weight": 80},
        {"target": {"version": 2}, "weight": 20},
    ]
    listing = operator_client.get(reverse("agents:channels")).content.decode()
    assert "Released 80% · v2 20%" in listing


def test_a_bad_split_is_shown_and_nothing_changes(operator_client, agent, make_version):
    from agents.models import Channel

    make_version(agent)
    response = operator_client.post(
        reverse("agents:channel-new"),
        _channel_post(
            agent,
            **{
                "variant-0-target": "released",
                "variant-0-weight": "70",
                "variant-1-target": "v9",
                "variant-1-weight": "20",
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "sum to 100" in html
    assert not Channel.objects.exists()
    # The total is wrong: the weights are marked, not the targets (nor empty rows).
    weights = 'aria-invalid="true" aria-describedby="variants-weights-error"'
    assert html.count(weights) == 2
    assert 'id="variants-weights-error"' in html
    assert 'aria-describedby="variants-targets-error"' not in html


def test_only_releasers_change_channels(client, make_user, agent, user):
    from agents.models import Channel

    channel = channels.create_channel(name="Widget", kind="web", agent=agent, user=user)
    client.force_login(make_user("Editor"))
    page = client.get(reverse("agents:channel", args=[channel.public_id])).content.decode()
    assert "Save channel" not in page
    assert client.get(reverse("agents:channel-new")).status_code == 403
    response = client.post(
        reverse("agents:channel", args=[channel.public_id]), _channel_post(agent, name="Hijacked")
    )
    assert response.status_code == 403
    assert Channel.objects.get().name == "Widget"


def test_invalid_json_comes_back_exactly_as_typed(operator_client, agent):
    typed = '{"steps": [1, 2,\n  "oops"'
    data = draft_form(agent, **{"workflow": typed, "llm.temperature": "0.5"})
    response = operator_client.post(reverse("agents:draft", args=[agent.public_id]), data, **HTMX)
    html = response.content.decode()
    assert 'id="f-workflow-error"' in html
    assert escape(typed) in html
    assert Draft.objects.get(agent=agent).revision == 1


def test_the_header_says_exactly_where_the_draft_stands(operator_client, agent, make_version, user):
    def state():
        html = operator_client.get(detail_url(agent)).content.decode()
        start = html.index('data-testid="draft-state"')
        return html[html.index(">", start) + 1 : html.index("</span>", start)]

    assert state() == "Draft · not saved as a version yet"
    v1 = make_version(agent)
    assert state() == "Draft = v1 · not released"
    releases.release_version(version=v1, user=user)
    assert state() == "Draft = v1 · released"
    make_version(agent)
    assert state() == "Draft = v2 · not released"
    edit(agent, {"prompt": {"welcome_message": "Unsaved in any version"}}, user=user)
    assert state() == "Draft has changes since v2"
    html = operator_client.get(detail_url(agent)).content.decode()
    assert 'data-testid="compare-with-released"' in html
    assert reverse("agents:compare", args=[agent.public_id, "released", "draft"]) in html


def test_revoking_a_token_asks_first_and_tokens_need_a_name(operator_client, user):
    page = reverse("agents:api-tokens")
    response = operator_client.post(page, {"name": "  "})
    assert 'aria-invalid="true"' in response.content.decode()
    assert "say what the token is for" in response.content.decode()
    created = operator_client.post(page, {"name": "voice runtime"}).content.decode()
    assert 'data-testid="copy-token"' in created
    token = ApiToken.objects.get(user=user)
    url = reverse("agents:revoke-api-token", args=[token.pk])
    asked = operator_client.get(url, **HTMX).content.decode()
    assert "Revoke token" in asked
    assert "voice runtime" in asked
    token.refresh_from_db()
    assert token.revoked_at is None
    operator_client.post(url)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_channel_target_that_variants_would_override_is_an_error(operator_client, agent, user):
    v1 = versions.save_version(agent=agent, name="One", user=user)
    data = {
        "name": "Split line",
        "kind": "web",
        "agent": agent.public_id,
        "target": f"v{v1.number}",
        "variant-0-target": "draft",
        "variant-0-weight": "50",
        "variant-1-target": "v1",
        "variant-1-weight": "50",
    }
    html = operator_client.post(reverse("agents:channel-new"), data).content.decode()
    assert "would be ignored" in html
    assert 'aria-describedby="target-help channel-target-error"' in html
    assert '<option value="v1" selected>v1 · One</option>' in html
    assert not Channel.objects.exists()
    data["target"] = "released"
    assert operator_client.post(reverse("agents:channel-new"), data).status_code == 302


def test_rolling_back_to_a_version_released_before_is_not_blocked_by_the_gate(
    operator_client, agent, make_version, user
):
    v1 = make_version(agent)
    releases.release_version(version=v1, user=user)
    v2 = make_version(agent)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    releases.release_version(version=v2, user=user, gate_override_note="hotfix, evals later")
    url = reverse("agents:release", args=[agent.public_id, v1.number])
    asked = operator_client.get(url, **HTMX).content.decode()
    assert 'data-testid="gate-undo"' in asked
    assert "autofocus" not in asked
    operator_client.post(url, {"note": ""}, **HTMX)
    agent.refresh_from_db()
    assert agent.released_version == v1
    event = ReleaseEvent.objects.filter(version=v1, kind="rollback").get()
    assert event.gate_findings
    assert "does not block undoing a release" in event.gate_override_note


def test_when_the_gate_blocks_the_one_note_is_the_reason(
    operator_client, agent, make_version, user
):
    v1 = make_version(agent)
    agents.update_agent(agent=agent, user=user, require_passing_eval=True)
    url = reverse("agents:release", args=[agent.public_id, v1.number])
    html = operator_client.post(url, {"note": ""}, **HTMX).content.decode()
    assert "why release anyway (required)" in html
    assert 'class="danger"' in html
    agent.refresh_from_db()
    assert agent.released_version is None
    operator_client.post(url, {"note": "demo today, suites tomorrow"}, **HTMX)
    event = ReleaseEvent.objects.get(version=v1)
    assert event.gate_override_note == "demo today, suites tomorrow"


def test_machine_readable_times_stop_at_milliseconds(operator_client, agent, make_version):
    make_version(agent)
    html = operator_client.get(detail_url(agent)).content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", s) for s in stamps)
