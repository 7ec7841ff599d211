"""Channels in the console: listed, created, rerouted, and refused when wrong."""

import pytest
from django.urls import reverse

from agents.models import Channel
from agents.services import channels, releases, versions

pytestmark = pytest.mark.django_db


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
