"""Webhooks end to end against a real receiver on 127.0.0.1: signed, in order per
agent, retried after a failure, never blocking the change they report."""

import pytest
from django.core.exceptions import PermissionDenied

from agents.domain.exceptions import InvalidInput
from agents.services import webhooks

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ SSRF and input


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://metadata.internal/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://user:pw@example.com/",
        "not a url",
        "",
    ],
)
def test_private_and_non_http_targets_are_refused(user, url):
    with pytest.raises(InvalidInput) as refused:
        webhooks.create_webhook(url=url, events=["release"], user=user)
    assert refused.value.errors[0]["path"] == "url"


def test_a_name_that_resolves_to_a_private_address_is_refused(user, monkeypatch):
    monkeypatch.setattr("agents.services.webhooks.resolve", lambda host, port: ["10.0.0.7"])
    with pytest.raises(InvalidInput, match=r"resolves to 10\.0\.0\.7"):
        webhooks.create_webhook(url="https://hooks.example.com/", events=["release"], user=user)


def test_events_must_be_known_and_only_releasers_manage_webhooks(user, make_user):
    with pytest.raises(InvalidInput) as bad:
        webhooks.create_webhook(url="https://example.com/", events=["deploy"], user=user)
    assert bad.value.errors[0]["path"] == "events[0]"
    with pytest.raises(InvalidInput):
        webhooks.create_webhook(url="https://example.com/", events=[], user=user)
    editor = make_user("Editor")
    with pytest.raises(PermissionDenied):
        webhooks.create_webhook(url="https://example.com/", events=["release"], user=editor)
