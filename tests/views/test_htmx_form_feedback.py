"""Forms tell what is wrong: every problem at once, each beside its field and
wired to it (aria-invalid, aria-describedby), with things named, not numbered."""

import pytest
from django.urls import reverse

from agents.models import Channel, Draft
from agents.services import agents, evals
from tests.helpers import draft_form

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def operator_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def agent(user):
    return agents.create_agent(
        name="Front desk",
        user=user,
        config={"tools": [{"name": "crm", "url": "https://crm.example.com/"}]},
    )


def test_a_failed_save_summarises_every_problem_with_a_link_to_its_field(operator_client, agent):
    data = draft_form(
        agent,
        **{
            "llm.temperature": "7",
            "tools[0].url": "",
            "tools[0].type": "webhook",
        },
    )
    html = operator_client.post(
        reverse("agents:draft", args=[agent.public_id]), data, **HTMX
    ).content.decode()
    summary = html[
        html.index('data-testid="error-summary"') : html.index(
            "</div>", html.index('data-testid="error-summary"')
        )
    ]
    assert "Not saved: fix the 2 problems below." in summary
    assert '<a href="#f-llm-temperature">Temperature</a>' in summary
    assert 'href="#f-tools-0-"' in summary  # the row's own problem links to the row
    assert 'id="f-tools-0-" aria-describedby="f-tools-0--error"' in html
    assert Draft.objects.get(agent=agent).revision == 1


def test_the_channel_form_shows_every_problem_at_once_and_names_the_agent(operator_client, agent):
    new = reverse("agents:channel-new")
    html = operator_client.post(
        new, {"name": "", "kind": "fax", "agent": "", "target": "released"}
    ).content.decode()
    for field in ("channel-name", "channel-kind", "channel-agent"):
        assert f'aria-describedby="{field}-error"' in html
        assert f'id="{field}-error"' in html
    html = operator_client.post(
        new, {"name": "Line", "kind": "web", "agent": agent.public_id, "target": "v9"}
    ).content.decode()
    assert "v9 is not a version of “Front desk”" in html
    assert agent.public_id not in html.split('id="channel-target-error"')[1].split("</p>")[0]
    assert not Channel.objects.exists()


def test_eval_case_and_version_dialog_errors_are_wired_to_their_fields(
    operator_client, agent, user
):
    suite = evals.create_eval_suite(agent=agent, name="Smoke", user=user, cases=[])
    html = operator_client.post(
        reverse("agents:eval-case-new", args=[agent.public_id, suite.public_id]),
        {"name": "", "messages": "", "regex": "(unclosed", "latency_ms": "soon"},
        **HTMX,
    ).content.decode()
    for field in ("case-name", "case-messages", "case-regex", "case-latency"):
        assert f'aria-invalid="true" aria-describedby="{field}-error"' in html, field
        assert f'id="{field}-error"' in html
    html = operator_client.post(
        reverse("agents:save-version", args=[agent.public_id]),
        {"name": "", "description": "ring \x07 bell"},
        **HTMX,
    ).content.decode()
    assert 'aria-describedby="version-name-error"' in html  # both problems at once
    assert 'aria-invalid="true" aria-describedby="version-description-error"' in html
    assert 'id="version-description-error">Description' in html
    assert not agent.versions.exists()
