"""Files from Vapi, Retell and ElevenLabs (tests/fixtures/peers/, shapes from their
public docs and SDK types) mapped onto a draft: what carries over, and every field
that does not, listed by path."""

from pathlib import Path

import pytest

from agents.domain import peers
from agents.domain.config import normalize
from tests.helpers import error, peer_file

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "fixtures" / "peers"


@pytest.mark.parametrize(
    ("source", "fixture"),
    [
        ("vapi", "vapi_assistant"),
        ("retell", "retell_agent_export"),
        ("elevenlabs", "elevenlabs_agent_config"),
    ],
)
def test_the_api_imports_each_platform_with_a_dry_run_first(api, agent, source, fixture):
    path = f"/agents/{agent.public_id}/draft/import?source={source}"
    dry = api.post(f"{path}&dry_run=1", peer_file(fixture)).json()
    assert dry["draft"] is None
    assert "prompt.system_prompt" in [c["path"] for c in dry["changes"]]
    assert dry["unmapped"] == peers.read(source, peer_file(fixture)).unmapped
    written = api.post(path, peer_file(fixture))
    assert written.status_code == 200, written.content
    assert written.json()["draft"]["config"] == normalize(
        peers.read(source, peer_file(fixture)).config
    )


def test_a_file_of_another_platform_is_refused_clearly(api, agent):
    path = f"/agents/{agent.public_id}/draft/import?source=retell&dry_run=1"
    problem = error(api.post(path, peer_file("vapi_assistant")), 422, "validation_error")
    assert "retellLlmData" in problem["details"][0]["message"]


@pytest.mark.parametrize(
    ("source", "body", "where"),
    [
        ("vapi", {"firstMessage": "hi", "backgroundSound": []}, "backgroundSound"),
        ("vapi", {"firstMessage": "hi", "voice": {"provider": {}}}, "voice.provider"),
        (
            "vapi",
            {
                "firstMessage": "hi",
                "analysisPlan": {"structuredDataPlan": {"schema": {"properties": [1]}}},
            },
            "analysisPlan.structuredDataPlan.schema.properties",
        ),
        ("retell", {"retellLlmData": {}, "ambient_sound": {}}, "ambient_sound"),
        (
            "retell",
            {"retellLlmData": {"knowledge_base_ids": 1}},
            "retellLlmData.knowledge_base_ids",
        ),
        (
            "elevenlabs",
            {"conversation_config": {"asr": {"provider": {}}}},
            "conversation_config.asr.provider",
        ),
        (
            "elevenlabs",
            {"conversation_config": {}, "platform_settings": {"data_collection": 1}},
            "platform_settings.data_collection",
        ),
    ],
)
def test_a_peer_file_of_the_wrong_shape_is_a_422_by_path_and_writes_nothing(
    api, agent, source, body, where
):
    before = agent.draft.revision
    response = api.post(f"/agents/{agent.public_id}/draft/import?source={source}", body)
    error(response, 422, "validation_error")
    assert [d["path"] for d in response.json()["error"]["details"]] == [where]
    agent.draft.refresh_from_db()
    assert agent.draft.revision == before
