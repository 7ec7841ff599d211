"""Vapi: the assistant JSON (`GET /assistant/{id}`, or the dashboard's copy), tools
inline under `model.tools` (Vapi API reference, CreateAssistantDTO)."""

from __future__ import annotations

from typing import Any

from agents.domain.peers.source import (
    Mapped,
    Source,
    analysis_field,
    clamp,
    identifier,
    llm_provider,
    object_schema,
    unique_names,
)

IGNORE = ("id", "orgId", "createdAt", "updatedAt", "name", "isServerUrlSecretSet")
VOICE_PROVIDERS = {"11labs": "elevenlabs"}
BACKGROUND = {"office": "office", "off": "none"}


def read(data: dict[str, Any]) -> Mapped:
    src = Source(data, ignore=IGNORE)
    if not isinstance(data.get("model"), dict) and "firstMessage" not in data:
        raise ValueError("not a Vapi assistant: it has neither `model` nor `firstMessage`")
    config: dict[str, Any] = {"prompt": {}, "llm": {}, "voice": {}, "conversation": {}}
    system = []
    for index, message in src.items("model.messages"):
        if isinstance(message, dict) and message.get("role") == "system":
            system.append(str(src.get(f"model.messages[{index}].content", "")))
            src.use(f"model.messages[{index}].role")
    if system:
        config["prompt"]["system_prompt"] = "\n\n".join(system)
    if (first := src.get("firstMessage")) is not None:
        config["prompt"]["welcome_message"] = str(first)[:2_000]
    if src.peek("firstMessageMode") == "assistant-speaks-first":
        src.use("firstMessageMode")  # what this console does: the welcome message comes first
    model = src.get("model.model")
    if model:
        config["llm"]["model"] = str(model)[:200]
        config["llm"]["provider"] = llm_provider(src.text("model.provider"), model)
    if (temperature := clamp(src.get("model.temperature"), 0, 2)) is not None:
        config["llm"]["temperature"] = temperature
    if (max_tokens := clamp(src.get("model.maxTokens"), 1, 32_000)) is not None:
        config["llm"]["max_tokens"] = int(max_tokens)
    if provider := src.text("voice.provider"):
        config["voice"]["tts_provider"] = VOICE_PROVIDERS.get(provider, str(provider))[:100]
    if voice := src.get("voice.voiceId"):
        config["voice"]["tts_voice"] = str(voice)[:200]
    if stt := src.text("transcriber.provider"):
        config["voice"]["stt_provider"] = str(stt)[:100]
    language = src.peek("transcriber.language")
    if isinstance(language, str) and language != "multi":
        config["voice"]["language"] = src.get("transcriber.language")
    _conversation(src, config["conversation"])
    if src.text("backgroundSound", use=False) in BACKGROUND:
        config["background_sound"] = {"preset": BACKGROUND[src.get("backgroundSound")]}
    if kb := src.get("model.knowledgeBaseId"):
        config["knowledge"] = [{"knowledge_base_id": str(kb)}]
    config["tools"] = _tools(src)
    if analysis := _analysis(src):
        config["call_analysis"] = analysis
    return Mapped(config=config, unmapped=src.unmapped())


def _conversation(src: Source, conversation: dict[str, Any]) -> None:
    inactivity = clamp(src.get("silenceTimeoutSeconds"), 1, 3_600)
    if inactivity is not None:
        conversation["inactivity_timeout_s"] = inactivity
        conversation["silence_timeout_s"] = min(10.0, inactivity)
    if (duration := clamp(src.get("maxDurationSeconds"), 10, 14_400)) is not None:
        conversation["max_duration_s"] = int(duration)
    if (seconds := clamp(src.get("stopSpeakingPlan.voiceSeconds"), 0, 10)) is not None:
        conversation["interruption_threshold_ms"] = int(seconds * 1000)


def _tools(src: Source) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    for index, tool in src.items("model.tools"):
        at = f"model.tools[{index}]"
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind == "endCall":
            src.get(f"{at}.type")
            # The tool's own function name, which the assistant's prompt may name.
            name = identifier(src.get(f"{at}.function.name") or "end_call", "end_call")
            description = str(src.get(f"{at}.function.description", "") or "End the call.")
            tools.append({"name": name, "type": "end_call", "description": description[:2_000]})
        elif kind == "transferCall":
            src.get(f"{at}.type")
            tools.append(_transfer(src, at))
        elif kind == "function":
            url = src.peek(f"{at}.server.url") or src.peek("server.url")
            if not url:
                continue  # a function without a server to call: listed as not carried over
            src.get(f"{at}.type")
            src.get(f"{at}.server.url") or src.get("server.url")
            timeout = clamp(src.get(f"{at}.server.timeoutSeconds"), 1, 120)
            tools.append(
                {
                    "name": identifier(src.get(f"{at}.function.name"), f"tool_{index}"),
                    "description": str(src.get(f"{at}.function.description", ""))[:2_000],
                    "type": "webhook",
                    "url": url,
                    "parameters": object_schema(src.get(f"{at}.function.parameters")),
                    **({"timeout_s": timeout} if timeout else {}),
                }
            )
    if src.get("endCallFunctionEnabled") and not any(t["type"] == "end_call" for t in tools):
        tools.append({"name": "end_call", "type": "end_call", "description": "End the call."})
    return unique_names(tools)


def _transfer(src: Source, at: str) -> dict[str, Any]:
    numbers = []
    for i, destination in src.items(f"{at}.destinations"):
        if isinstance(destination, dict) and destination.get("number"):
            numbers.append(str(src.get(f"{at}.destinations[{i}].number")))
            src.get(f"{at}.destinations[{i}].type")
            src.get(f"{at}.destinations[{i}].description")
    description = str(src.get(f"{at}.function.description", "") or "Transfer the call.")
    if numbers:
        description += f" Destinations: {', '.join(numbers)}."
    return {
        "name": identifier(src.get(f"{at}.function.name") or "transfer_call", "transfer"),
        "description": description[:2_000],
        "type": "transfer_call",
    }


def _analysis(src: Source) -> dict[str, Any]:
    plan = "analysisPlan.structuredDataPlan"
    at = f"{plan}.schema" if src.peek(f"{plan}.schema") else "analysisPlan.structuredDataSchema"
    schema = src.mapping(at)
    prompt = src.get("analysisPlan.structuredDataPrompt") or ""
    for index, message in src.items(f"{plan}.messages"):
        if isinstance(message, dict) and message.get("role") == "system":
            prompt = src.get(f"{plan}.messages[{index}].content", prompt)
            src.use(f"{plan}.messages[{index}].role")
    src.get(f"{plan}.enabled")
    properties = src.mapping(f"{at}.properties", use=False) if schema else {}
    fields = [
        analysis_field(name, spec, i, f"{at}.properties.{name}")
        for i, (name, spec) in enumerate(properties.items())
    ]
    if not fields and not prompt:
        return {}
    return {"prompt": str(prompt)[:20_000], "fields": fields[:100]}
