"""Any server that speaks the OpenAI chat-completions API (OpenAI, Azure-style gateways,
vLLM, Ollama, LiteLLM, …). Settings: AGENT_PROVIDER_BASE_URL, AGENT_PROVIDER_MODEL
(else the agent's `llm.model`), AGENT_PROVIDER_API_KEY_ENV (the *name* of the
environment variable holding the key; the key itself is never stored) and
AGENT_PROVIDER_TIMEOUT_S."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from agents.providers.base import Completion, Message, ProviderError, conversation, offered_tools


class OpenAICompatibleProvider:
    name = "openai_compatible"

    def __init__(self) -> None:
        self.base_url = getattr(settings, "AGENT_PROVIDER_BASE_URL", "").rstrip("/")
        self.model = getattr(settings, "AGENT_PROVIDER_MODEL", "")
        self.key_env = getattr(settings, "AGENT_PROVIDER_API_KEY_ENV", "")
        self.timeout_s = float(getattr(settings, "AGENT_PROVIDER_TIMEOUT_S", 30))

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.key_env:
            key = os.environ.get(self.key_env)
            if not key:
                raise ProviderError(
                    "configuration", f"The environment variable {self.key_env} is not set."
                )
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def complete(self, *, config: dict[str, Any], messages: list[Message]) -> Completion:
        if not self.base_url:
            raise ProviderError("configuration", "AGENT_PROVIDER_BASE_URL is not set.")
        llm = config.get("llm", {})
        model = self.model or llm.get("model", "")
        body: dict[str, Any] = {
            "model": model,
            "messages": conversation(config, messages),
            "temperature": llm.get("temperature"),
            "max_tokens": llm.get("max_tokens"),
        }
        if tools := offered_tools(config):
            body["tools"] = tools
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode(),
            headers=self._headers(),
            method="POST",
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            excerpt = exc.read()[:300].decode(errors="replace")
            raise ProviderError(
                "http_error", f"The provider answered {exc.code}: {excerpt}", status=exc.code
            ) from None
        except TimeoutError:
            raise ProviderError(
                "timeout", f"The provider did not answer within {self.timeout_s:g} s."
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ProviderError(
                    "timeout", f"The provider did not answer within {self.timeout_s:g} s."
                ) from None
            raise ProviderError("http_error", f"Cannot reach the provider: {exc.reason}") from None
        latency_ms = (time.perf_counter() - started) * 1000
        try:
            data = json.loads(raw)
            message = data["choices"][0]["message"]
            usage = data.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError(
                "bad_response", "The provider's answer is not a chat completion."
            ) from None
        return Completion(
            text=message.get("content") or "",
            provider=self.name,
            model=data.get("model", model),
            latency_ms=latency_ms,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            tool_calls=message.get("tool_calls") or [],
        )
