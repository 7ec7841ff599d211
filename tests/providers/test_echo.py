"""The offline echo provider: deterministic, and the default."""

import pytest

from agents.providers import Message, ProviderError, get_provider


def test_echo_is_deterministic_and_offline(agent_config):
    provider = get_provider("echo")
    reply = provider.complete(config=agent_config, messages=[Message("user", "Book me Tuesday")])
    again = provider.complete(config=agent_config, messages=[Message("user", "Book me Tuesday")])
    assert reply.text == again.text == "You said: Book me Tuesday (tools available: find_slots)"
    assert reply.prompt_tokens > 0
    assert reply.completion_tokens > 0
    assert reply.model == "gpt-4o-mini"
    assert provider.complete(config=agent_config, messages=[]).text == "Hi there!"


def test_echo_is_the_default(settings):
    settings.AGENT_PROVIDER = "echo"
    assert get_provider().name == "echo"
    with pytest.raises(ProviderError, match="Unknown provider"):
        get_provider("nope")
