"""A Retell agent export mapped onto a configuration: its embedded LLM, tools and
post-call analysis."""

from agents.domain import peers
from agents.domain.config import normalize
from tests.helpers import peer_file, tools_by_name


def test_a_retell_export_maps_its_embedded_llm_tools_and_post_call_analysis():
    mapped = peers.read("retell", peer_file("retell_agent_export"))
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
    by_name = tools_by_name(config)
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
