"""A Vapi assistant mapped onto a configuration: what carries over, and what does not, by path."""

from agents.domain import peers
from agents.domain.config import normalize
from tests.helpers import peer_file, tools_by_name


def test_a_vapi_assistant_maps_prompt_model_voice_tools_and_analysis():
    mapped = peers.read("vapi", peer_file("vapi_assistant"))
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
    book = tools_by_name(config)["book_appointment"]
    assert book["type"] == "webhook"
    assert book["url"] == "https://api.riverside-dental.example/vapi/book"
    assert book["parameters"]["required"] == ["patient_name", "slot"]
    assert book["timeout_s"] == 20
    assert tools_by_name(config)["transfer_to_nurse"]["type"] == "transfer_call"
    assert "+14155550123" in tools_by_name(config)["transfer_to_nurse"]["description"]
    assert tools_by_name(config)["end_call"]["type"] == "end_call"
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
