"""An OpenAI-compatible provider, against a fake server on 127.0.0.1 (never a real
network)."""

import pytest

from agents.providers import Message, ProviderError, get_provider
from tests.helpers import FakeOpenAI


@pytest.fixture
def fake_server(settings, monkeypatch):
    server = FakeOpenAI.serve()
    settings.AGENT_PROVIDER_BASE_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.AGENT_PROVIDER_API_KEY_ENV = "FAKE_LLM_KEY"
    settings.AGENT_PROVIDER_TIMEOUT_S = 1
    settings.AGENT_PROVIDER_MODEL = ""
    monkeypatch.setenv("FAKE_LLM_KEY", "sk-test-123")
    yield server
    server.shutdown()
    server.server_close()


def test_openai_compatible_sends_the_agent_and_reads_the_reply(fake_server, agent_config):
    reply = get_provider("openai_compatible").complete(
        config=agent_config, messages=[Message("user", "Book me Tuesday")]
    )
    assert reply.text == "Tuesday 10:00 works."
    assert (reply.prompt_tokens, reply.completion_tokens) == (42, 6)
    assert reply.latency_ms > 0
    path, headers, body = FakeOpenAI.seen[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-test-123"
    assert body["messages"][0] == {"role": "system", "content": "You book appointments."}
    assert body["messages"][-1] == {"role": "user", "content": "Book me Tuesday"}
    assert (body["model"], body["temperature"], body["max_tokens"]) == ("gpt-4o-mini", 0.2, 100)
    assert body["tools"][0]["function"]["name"] == "find_slots"


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [("error", "http_error"), ("slow", "timeout"), ("garbage", "bad_response")],
)
def test_openai_compatible_failures_are_clear(fake_server, agent_config, behaviour, code):
    FakeOpenAI.behaviour = behaviour
    with pytest.raises(ProviderError) as info:
        get_provider("openai_compatible").complete(
            config=agent_config, messages=[Message("user", "hello")]
        )
    assert info.value.code == code
    if code == "http_error":
        assert info.value.status == 500
        assert "upstream exploded" in info.value.message


def test_a_missing_key_or_base_url_is_a_configuration_error(
    fake_server, agent_config, monkeypatch, settings
):
    monkeypatch.delenv("FAKE_LLM_KEY")
    with pytest.raises(ProviderError, match="FAKE_LLM_KEY is not set") as info:
        get_provider("openai_compatible").complete(config=agent_config, messages=[])
    assert info.value.code == "configuration"
    settings.AGENT_PROVIDER_BASE_URL = ""
    with pytest.raises(ProviderError, match="AGENT_PROVIDER_BASE_URL"):
        get_provider("openai_compatible").complete(config=agent_config, messages=[])
