"""Tool URLs: credentials are refused; internal addresses are allowed, with a warning."""

import pytest
from django.urls import reverse

from agents.domain import config
from agents.domain.exceptions import ConfigInvalid
from agents.models import Draft


def _with_tool(url):
    document = config.default_config()
    document["tools"] = [{"name": "lookup", "type": "webhook", "url": url}]
    return document


@pytest.mark.parametrize(
    "url", ["https://user:pass@api.example.com/x", "https://token@api.example.com/", "http://:p@h/"]
)
def test_credentials_in_a_tool_url_are_refused(url):
    with pytest.raises(ConfigInvalid) as caught:
        config.normalize(_with_tool(url))
    [problem] = caught.value.errors
    assert problem["path"] == "tools[0].url"
    assert "credentials" in problem["message"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://localhost:3000/", "internal name"),
        ("https://billing.internal/charge", "internal name"),
    ],
)
def test_internal_addresses_warn(url, reason):
    document = config.normalize(_with_tool(url))
    warnings = config.tool_url_warnings(document)
    assert list(warnings) == ["tools[0].url"]
    assert reason in warnings["tools[0].url"]


@pytest.mark.parametrize("url", ["https://api.example.com/hook", "https://8.8.8.8/"])
def test_public_addresses_do_not_warn(url):
    assert config.tool_url_warnings(config.normalize(_with_tool(url))) == {}


@pytest.mark.django_db
def test_the_editor_saves_an_internal_url_and_shows_the_warning(client, user, agent):
    from agents.services import drafts

    drafts.update_draft(agent=agent, user=user, config=_with_tool("http://10.0.0.5/crm"))
    client.force_login(user)
    html = client.get(reverse("agents:detail", args=[agent.public_id])).content.decode()
    assert 'data-testid="field-warning"' in html
    assert "10.0.0.5 is a private address" in html
    assert Draft.objects.get(agent=agent).config["tools"][0]["url"] == "http://10.0.0.5/crm"
