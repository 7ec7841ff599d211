"""The offline provider: deterministic replies built from the configuration and the input."""

from __future__ import annotations

import time
from typing import Any

from agents.providers.base import Completion, Message, conversation, count_tokens, offered_tools


class EchoProvider:
    name = "echo"

    def complete(self, *, config: dict[str, Any], messages: list[Message]) -> Completion:
        started = time.perf_counter()
        user_turns = [m for m in messages if m.role == "user"]
        if not user_turns:
            text = config.get("prompt", {}).get("welcome_message", "")
        else:
            tools = [t["function"]["name"] for t in offered_tools(config)]
            text = f"You said: {user_turns[-1].content}"
            if tools:
                text += f" (tools available: {', '.join(tools)})"
        prompt = " ".join(m["content"] for m in conversation(config, messages))
        return Completion(
            text=text,
            provider=self.name,
            model=config.get("llm", {}).get("model", ""),
            latency_ms=(time.perf_counter() - started) * 1000,
            prompt_tokens=count_tokens(prompt),
            completion_tokens=count_tokens(text),
        )
