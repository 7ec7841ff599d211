"""An agent's and a prompt's draft, versions and restore answer alike: one
implementation, each kind's own shapes."""

import pytest

from tests.helpers import error

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["agents", "prompts"])
def document(request, api):
    if request.param == "agents":
        created = api.post("/agents", {"name": "Front desk"}).json()
        return f"/agents/{created['id']}", {"config": {"prompt": {"welcome_message": "Hi"}}}
    created = api.post("/prompts", {"name": "Tone", "text": "Be kind."}).json()
    return f"/prompts/{created['id']}", {"text": "Be kind and brief."}


def test_a_stale_write_of_either_kind_is_refused_and_changes_nothing(api, document):
    path, body = document
    revision = api.get(f"{path}/draft").json()["revision"]
    assert (
        api.patch(f"{path}/draft", body, headers={"If-Match": f'"{revision}"'}).status_code == 200
    )
    error(
        api.patch(f"{path}/draft", body, headers={"If-Match": f'"{revision}"'}),
        412,
        "draft_conflict",
    )
    assert api.get(f"{path}/draft").json()["revision"] == revision + 1


def test_either_kind_saves_lists_and_restores_versions(api, document):
    path, body = document
    first = api.post(f"{path}/versions", {"name": "First"})
    assert first.status_code == 201, first.content
    api.patch(f"{path}/draft", body)
    second = api.post(f"{path}/versions", {"name": "Second"}).json()
    listed = api.get(f"{path}/versions").json()["data"]
    assert [v["number"] for v in listed] == [second["number"], 1]
    assert api.get(f"{path}/versions/1").json()["name"] == "First"
    error(api.get(f"{path}/versions/9"), 404, "not_found")
    restored = api.post(f"{path}/restore", {"version": 1})
    assert restored.status_code == 200, restored.content
    assert restored.json()["restored_from"] == 1
