"""Files from Vapi, Retell and ElevenLabs (tests/fixtures/peers/, shapes from their
public docs and SDK types) mapped onto a draft: what carries over, and every field
that does not, listed by path."""

import json
from pathlib import Path

import pytest

from agents.domain import peers
from agents.domain.config import normalize
from tests.helpers import error

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "fixtures" / "peers"


def load(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def tools(config):
    return {t["name"]: t for t in config["tools"]}


def test_a_vapi_assistant_maps_prompt_model_voice_tools_and_analysis():
    mapped = peers.read("vapi", load("vapi_assistant"))
    config = normalize(mapped.config)
    assert config["prompt"]["system_prompt"].startswith("You are Ava, the receptionist")
    assert config["prompt"]["welcome_message"].startswith("Thanks for calling Riverside")
    assert config["llm"] == {
        "provider": "openai",
        "model": "gpt-4o",
        "temperature": 0.4,
        "max_tokens": 300,
    }
    assert config["voice"] == {
        "tts_provider": "elevenlabs",
        "tts_voice": "paula",
        "stt_provider": "deepgram",
        "language": "en-US",
    }
    assert config["conversation"]["inactivity_timeout_s"] == 45
    assert config["conversation"]["max_duration_s"] == 900
    assert config["conversation"]["interruption_threshold_ms"] == 300
    assert config["background_sound"]["preset"] == "office"
    book = tools(config)["book_appointment"]
    assert book["type"] == "webhook"
    assert book["url"] == "https://api.riverside-dental.example/vapi/book"
    assert book["parameters"]["required"] == ["patient_name", "slot"]
    assert book["timeout_s"] == 20
    assert tools(config)["transfer_to_nurse"]["type"] == "transfer_call"
    assert "+14155550123" in tools(config)["transfer_to_nurse"]["description"]
    assert tools(config)["end_call"]["type"] == "end_call"
    analysis = config["call_analysis"]
    assert analysis["prompt"] == "Extract the booking outcome from the call."
    assert [(f["name"], f["type"]) for f in analysis["fields"]] == [
        ("booked", "boolean"),
        ("reason", "enum"),
        ("wait_minutes", "number"),
    ]
    # Never carried: the tool's secret (secrets are named, not stored), speech tuning…
    for path in (
        "model.tools[0].server.secret",
        "voice.stability",
        "endCallPhrases",
        "analysisPlan.summaryPlan",
        "transcriber.model",
    ):
        assert path in mapped.unmapped
    # …and what was carried is not listed.
    assert not [p for p in mapped.unmapped if p.startswith(("firstMessage", "model.messages"))]


def test_a_retell_export_maps_its_embedded_llm_tools_and_post_call_analysis():
    mapped = peers.read("retell", load("retell_agent_export"))
    config = normalize(mapped.config)
    assert config["prompt"]["system_prompt"].startswith("You are the billing assistant")
    assert config["prompt"]["welcome_message"].startswith("Hello, you've reached Northwind")
    assert (config["llm"]["model"], config["llm"]["temperature"]) == ("gpt-4o-mini", 0.2)
    assert config["voice"]["tts_provider"] == "elevenlabs"
    assert config["voice"]["tts_voice"] == "Adrian"
    assert config["voice"]["language"] == "en-GB"
    assert config["conversation"]["inactivity_timeout_s"] == 40
    assert config["conversation"]["silence_timeout_s"] == 8
    assert config["conversation"]["max_duration_s"] == 1200
    assert config["background_sound"] == {"preset": "call_center", "volume": 0.3}
    assert config["knowledge"][0]["knowledge_base_id"] == "kb_billing_faq"
    by_name = tools(config)
    assert by_name["end_call"]["type"] == "end_call"
    assert by_name["transfer_to_agent"]["type"] == "transfer_call"
    assert "+442071234567" in by_name["transfer_to_agent"]["description"]
    assert by_name["get_balance"]["timeout_s"] == 15
    assert by_name["get_balance"]["parameters"]["required"] == ["account_number", "postcode"]
    fields = {f["name"]: f for f in config["call_analysis"]["fields"]}
    assert fields["resolution"]["choices"] == ["paid", "payment_plan", "escalated", "none"]
    assert fields["autopay_enrolled"]["type"] == "boolean"
    assert "retellLlmData.general_tools[3]" in mapped.unmapped  # a Cal.com booking tool
    assert "responsiveness" in mapped.unmapped
    assert "agent_id" not in mapped.unmapped  # bookkeeping, not configuration


def test_an_elevenlabs_cli_config_maps_prompt_tools_and_data_collection():
    mapped = peers.read("elevenlabs", load("elevenlabs_agent_config"))
    config = normalize(mapped.config)
    assert config["prompt"]["system_prompt"].startswith("You are the concierge")
    assert config["llm"]["provider"] == "google"
    assert config["llm"]["model"] == "gemini-2.5-flash"
    assert config["voice"]["tts_voice"] == "21m00Tcm4TlvDq8ikWAM"
    assert config["voice"]["stt_provider"] == "elevenlabs"
    assert config["conversation"]["silence_timeout_s"] == 7
    assert config["conversation"]["inactivity_timeout_s"] == 60
    by_name = tools(config)
    assert by_name["check_room_availability"]["url"].startswith("https://pms.harbor-hotel")
    assert by_name["check_room_availability"]["parameters"]["required"] == ["check_in", "nights"]
    assert by_name["end_call"]["type"] == "end_call"
    assert "+13105550188" in by_name["transfer_to_number"]["description"]
    assert [f["name"] for f in config["call_analysis"]["fields"]] == ["room_number", "satisfied"]
    assert "conversation_config.agent.prompt.tools[1]" in mapped.unmapped  # a client tool
    assert "platform_settings.evaluation" in mapped.unmapped


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
    dry = api.post(f"{path}&dry_run=1", load(fixture)).json()
    assert dry["draft"] is None
    assert "prompt.system_prompt" in [c["path"] for c in dry["changes"]]
    assert dry["unmapped"] == peers.read(source, load(fixture)).unmapped
    written = api.post(path, load(fixture))
    assert written.status_code == 200, written.content
    assert written.json()["draft"]["config"] == normalize(peers.read(source, load(fixture)).config)


def test_a_file_of_another_platform_is_refused_clearly(api, agent):
    path = f"/agents/{agent.public_id}/draft/import?source=retell&dry_run=1"
    problem = error(api.post(path, load("vapi_assistant")), 422, "validation_error")
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
