"""The API reference page: the OpenAPI document as a server-rendered page, every type in
a few words and every schema name a link to it."""

import pytest

from agents.api.docs import linked, operations, schemas, type_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        (None, "any"),
        ({"$ref": "#/components/schemas/AgentOut"}, "AgentOut"),
        ({"enum": ["a", "b"]}, 'one of "a", "b"'),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "integer or null"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/X"}}, "array of X"),
        ({"type": "object", "additionalProperties": {"type": "number"}}, "object of number"),
        ({"type": "string", "format": "date-time"}, "string (date-time)"),
    ],
)
def test_a_schema_in_a_few_words(schema, words):
    assert type_of(schema) == words


def test_schema_names_become_links_and_everything_else_is_escaped():
    html = linked("array of AgentOut <script>", {"AgentOut"})
    assert html == 'array of <a href="#schema-AgentOut">AgentOut</a> &lt;script&gt;'


def test_the_document_reads_as_groups_of_operations_and_schemas():
    document = {
        "paths": {
            "/agents": {
                "get": {
                    "tags": ["agents"],
                    "summary": "List agents",
                    "responses": {"200": {"description": "OK"}},
                }
            }
        },
        "components": {
            "schemas": {
                "AgentOut": {
                    "properties": {"name": {"type": "string"}},
                    "required": ["name"],
                }
            }
        },
    }
    groups = operations(document, {"AgentOut"})
    assert [area for area, _ in groups] == ["agents"]
    assert groups[0][1][0].summary == "List agents"
    (agent_out,) = schemas(document, {"AgentOut"})
    assert [(f.name, f.required) for f in agent_out.fields] == [("name", True)]


def test_the_reference_page_is_served_from_the_live_document(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Release a version" in body
    assert 'href="#schema-AgentOut"' in body
