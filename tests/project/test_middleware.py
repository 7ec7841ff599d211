"""Every console page asks for a login, the login page works, and pages send a
content security policy."""

import pytest
from django.urls import reverse

from tests.helpers import detail_url

pytestmark = pytest.mark.django_db


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


def test_the_query_parameters_the_api_documents_as_lists_may_be_repeated():
    """Every array-typed query parameter of the OpenAPI document passes the strict
    input check when given twice; any other is refused there."""
    import json
    import re
    from pathlib import Path

    from console.middleware import repeatable

    document = json.loads(Path("tests/fixtures/openapi.json").read_text())
    lists = set()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "query":
                    concrete = re.sub(r"\{[^}]+\}", "ag_x", path)
                    is_list = parameter["schema"].get("type") == "array"
                    assert repeatable(concrete, parameter["name"]) == is_list, (path, parameter)
                    if is_list:
                        lists.add((path, parameter["name"]))
    assert ("/api/v1/agents/{agent_id}/metrics", "version") in lists
