"""Model providers: how the playground and eval runs get replies from an agent's LLM.

`get_provider()` picks the one named by the AGENT_PROVIDER setting: `echo`
(the default: offline and deterministic, so demos and tests need no network) or
`openai_compatible` (any server speaking the OpenAI chat-completions API).
"""

from __future__ import annotations

from django.conf import settings

from agents.providers.base import Completion, Message, Provider, ProviderError
from agents.providers.echo import EchoProvider
from agents.providers.openai_compatible import OpenAICompatibleProvider

__all__ = ["Completion", "Message", "Provider", "ProviderError", "get_provider"]

PROVIDERS: dict[str, type] = {
    "echo": EchoProvider,
    "openai_compatible": OpenAICompatibleProvider,
}


def get_provider(name: str | None = None) -> Provider:
    name = name or getattr(settings, "AGENT_PROVIDER", "echo")
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ProviderError(
            "configuration", f"Unknown provider {name!r}: use one of {', '.join(PROVIDERS)}."
        ) from None
