"""The OpenAPI document describes what the server does; schemathesis checks it does."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from agents.services import releases, tokens
from tests.helpers import edit

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes "old" connections around each request; inside a test's
    transaction that would drop it (Django's test client does the same as this)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").json()


def test_every_operation_documents_its_errors(openapi):
    operations = [
        (path, method, spec)
        for path, methods in openapi["paths"].items()
        for method, spec in methods.items()
    ]
    assert len(operations) >= 17
    for path, method, spec in operations:
        codes = set(spec["responses"])
        assert {"401", "403", "404"} <= codes, (method, path)
        if method in {"post", "put", "patch"}:
            assert {"400", "413", "422"} <= codes, (method, path)
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert error["properties"]["error"]["$ref"].endswith("ErrorBody")
    assert {"bearer", "BearerToken"} & set(openapi["components"]["securitySchemes"])


def test_the_reference_is_rendered_from_the_openapi_document_with_no_outside_assets(client):
    html = client.get("/api/v1/docs").content.decode()
    openapi = client.get("/api/v1/openapi.json").json()
    operations = [op for item in openapi["paths"].values() for op in item.values()]
    for op in operations:
        assert f'id="op-{op["operationId"]}"' in html, op["operationId"]
    for name in openapi["components"]["schemas"]:
        assert f'id="schema-{name}"' in html, name
    assert "cdn" not in html.lower()
    assert "//" not in html.replace("http://", "").replace("https://", "").split("<body")[0]


@pytest.fixture
def token(make_user, agent, make_version, user):
    """A superuser's token, and an agent with history for the generated requests to hit."""
    v1 = make_version(agent)
    make_version(agent)
    releases.release_version(version=v1, user=user)
    edit(agent, {"llm": {"temperature": 1.3}}, user=user)
    _, secret = tokens.create_api_token(user=make_user(superuser=True), name="fuzz")
    return secret


# The change stream answers forever (Server-Sent Events): a generated call would never
# end. Its refusals and its events are tested in tests/api/test_stream.py.
@schema.exclude(path="/api/v1/stream").parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_api_conforms_to_its_schema_and_never_fails(case, token):
    # Two generic checks do not fit this API's documented behaviour: schema-valid
    # is not always acceptable (a configuration must also satisfy agents/config.py),
    # and unknown query parameters are ignored, as clients expect for forward
    # compatibility. Every response must still conform and nothing may fail (5xx).
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )


def test_every_operation_id_is_unique(openapi):
    """Duplicates (the prompt endpoints named like the agents') made generated clients
    and schemathesis's links pick the wrong operation."""
    ids = [
        operation["operationId"]
        for path in openapi["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(ids) == len(set(ids))
    assert "agents_api_prompts_release" in ids
    assert "agents_api_release" in ids
