"""ElevenLabs: the agent config file its CLI writes (`elevenlabs agents pull`,
`agent_configs/<name>.json`): `conversation_config` and `platform_settings` as the
ConvAI API returns them (ElevenLabs API reference, "Create agent")."""

from __future__ import annotations

from typing import Any

from agents.domain.peers import source

IGNORE = ("name", "tags", "agent_id", "version_id", "branch_id")
CC = "conversation_config"
PROMPT = f"{CC}.agent.prompt"
STT = {"elevenlabs": "elevenlabs", "scribe_realtime": "elevenlabs"}


def read(data: dict[str, Any]) -> source.Mapped:
    if not isinstance(data.get(CC), dict):
        raise ValueError("not an ElevenLabs agent config: `conversation_config` is missing")
    src = source.Source(data, ignore=IGNORE)
    config = source.start(
        src,
        prompt=f"{PROMPT}.prompt",
        welcome=f"{CC}.agent.first_message",
        model=f"{PROMPT}.llm",
        temperature=f"{PROMPT}.temperature",
    )
    max_tokens = src.get(f"{PROMPT}.max_tokens")
    if isinstance(max_tokens, int) and max_tokens > 0:  # -1: the model's own limit
        config["llm"]["max_tokens"] = min(max_tokens, 32_000)
    if src.peek(f"{CC}.tts.voice_id"):
        config["voice"]["tts_provider"] = "elevenlabs"
        config["voice"]["tts_voice"] = str(src.get(f"{CC}.tts.voice_id"))[:200]
    if src.text(f"{CC}.asr.provider", use=False) in STT:
        config["voice"]["stt_provider"] = STT[src.get(f"{CC}.asr.provider")]
    if language := src.get(f"{CC}.agent.language"):
        config["voice"]["language"] = str(language)
    _conversation(src, config["conversation"])
    knowledge = [
        src.typed(f"{PROMPT}.knowledge_base[{i}].id", (str, int), "a string")
        for i, item in src.items(f"{PROMPT}.knowledge_base")
        if isinstance(item, dict) and item.get("id")
    ]
    for i, _ in src.items(f"{PROMPT}.knowledge_base"):
        src.use(f"{PROMPT}.knowledge_base[{i}].type")
        src.use(f"{PROMPT}.knowledge_base[{i}].name")
    if knowledge:
        config["knowledge"] = [{"knowledge_base_id": str(kb)} for kb in dict.fromkeys(knowledge)]
    config["tools"] = source.unique_names(_tools(src) + _built_in(src))
    fields = [
        source.analysis_field(
            name, _data_spec(src, name), i, f"platform_settings.data_collection.{name}"
        )
        for i, name in enumerate(src.mapping("platform_settings.data_collection", use=False))
    ]
    if fields:
        config["call_analysis"] = {"fields": fields[:100]}
    return source.Mapped(config=config, unmapped=src.unmapped())


def _conversation(src: source.Source, conversation: dict[str, Any]) -> None:
    silence = source.clamp(src.get(f"{CC}.turn.turn_timeout"), 0.1, 600)
    end_after = src.get(f"{CC}.turn.silence_end_call_timeout")
    inactivity = (
        source.clamp(end_after, 1, 3_600)
        if isinstance(end_after, int | float) and end_after > 0
        else None
    )
    if inactivity is not None:
        conversation["inactivity_timeout_s"] = inactivity
    if silence is not None:
        conversation["silence_timeout_s"] = min(silence, inactivity or 30.0)
    if (
        duration := source.clamp(src.get(f"{CC}.conversation.max_duration_seconds"), 10, 14_400)
    ) is not None:
        conversation["max_duration_s"] = int(duration)


def _tools(src: source.Source) -> list[dict[str, Any]]:
    tools = []
    for index, tool in src.items(f"{PROMPT}.tools"):
        at = f"{PROMPT}.tools[{index}]"
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind == "system":
            system = src.peek(f"{at}.params.system_tool_type") or src.peek(f"{at}.name")
            if system in ("end_call", "transfer_to_number"):
                src.get(f"{at}.type")
                tools.append(_system(src, at, system))
            continue
        if kind != "webhook" or not src.peek(f"{at}.api_schema.url"):
            continue  # client tools run in the caller's app: listed as not carried over
        src.get(f"{at}.type")
        schema = src.get(f"{at}.api_schema.request_body_schema") or src.get(
            f"{at}.api_schema.query_params_schema"
        )
        timeout = source.clamp(src.get(f"{at}.response_timeout_secs"), 1, 120)
        tools.append(
            {
                "name": source.identifier(src.get(f"{at}.name"), f"tool_{index}"),
                "type": "webhook",
                "description": str(src.get(f"{at}.description", ""))[:2_000],
                "url": src.get(f"{at}.api_schema.url"),
                "method": str(src.get(f"{at}.api_schema.method", "POST")).upper(),
                "parameters": source.object_schema(schema),
                **({"timeout_s": timeout} if timeout else {}),
            }
        )
    return tools


def _built_in(src: source.Source) -> list[dict[str, Any]]:
    tools = []
    for system in ("end_call", "transfer_to_number"):
        at = f"{PROMPT}.built_in_tools.{system}"
        if isinstance(src.peek(at), dict):
            tools.append(_system(src, at, system))
    return tools


def _system(src: source.Source, at: str, system: str) -> dict[str, Any]:
    src.get(f"{at}.params.system_tool_type")
    description = str(src.get(f"{at}.description", ""))
    name = source.identifier(src.get(f"{at}.name") or system, "tool")
    if system == "end_call":
        return {"name": name, "type": "end_call", "description": description[:2_000]}
    numbers = []
    for i, _ in src.items(f"{at}.params.transfers"):
        route = f"{at}.params.transfers[{i}]"
        number = src.get(f"{route}.transfer_destination.phone_number") or src.get(
            f"{route}.phone_number"
        )
        src.get(f"{route}.transfer_destination.type")
        condition = src.get(f"{route}.condition")
        if number:
            numbers.append(f"{number} ({condition})" if condition else str(number))
    if numbers:
        description = f"{description} Destinations: {'; '.join(numbers)}.".strip()
    return {"name": name, "type": "transfer_call", "description": description[:2_000]}


def _data_spec(src: source.Source, name: str) -> dict[str, Any]:
    at = f"platform_settings.data_collection.{name}"
    return {"type": src.get(f"{at}.type"), "description": src.get(f"{at}.description", "")}
