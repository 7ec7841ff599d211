"""An ElevenLabs agent config mapped onto a configuration: prompt, tools and data collection."""

from agents.domain import peers
from agents.domain.config import normalize
from tests.helpers import peer_file, tools_by_name


def test_an_elevenlabs_cli_config_maps_prompt_tools_and_data_collection():
    mapped = peers.read("elevenlabs", peer_file("elevenlabs_agent_config"))
    config = normalize(mapped.config)
    assert config["prompt"]["system_prompt"].startswith("You are the concierge")
    assert config["llm"]["provider"] == "google"
    assert config["llm"]["model"] == "gemini-2.5-flash"
    assert config["voice"]["tts_voice"] == "21m00Tcm4TlvDq8ikWAM"
    assert config["voice"]["stt_provider"] == "elevenlabs"
    assert config["conversation"]["silence_timeout_s"] == 7
    assert config["conversation"]["inactivity_timeout_s"] == 60
    by_name = tools_by_name(config)
    assert by_name["check_room_availability"]["url"].startswith("https://pms.harbor-hotel")
    assert by_name["check_room_availability"]["parameters"]["required"] == ["check_in", "nights"]
    assert by_name["end_call"]["type"] == "end_call"
    assert "+13105550188" in by_name["transfer_to_number"]["description"]
    assert [f["name"] for f in config["call_analysis"]["fields"]] == ["room_number", "satisfied"]
    assert "conversation_config.agent.prompt.tools[1]" in mapped.unmapped  # a client tool
    assert "platform_settings.evaluation" in mapped.unmapped
