"""Retell: the agent export the dashboard downloads ("Export" on an agent), its
Retell LLM embedded under `retellLlmData` (Retell API reference: Agent, Retell LLM)."""

from __future__ import annotations

from typing import Any

from agents.domain.peers.source import (
    Mapped,
    Source,
    analysis_field,
    clamp,
    identifier,
    object_schema,
    start,
    unique_names,
)

IGNORE = (
    "agent_id",
    "agent_name",
    "version",
    "is_published",
    "last_modification_timestamp",
    "response_engine",
    "retellLlmData.llm_id",
    "retellLlmData.version",
    "retellLlmData.is_published",
    "retellLlmData.last_modification_timestamp",
)
VOICE_PREFIXES = {
    "11labs": "elevenlabs",
    "openai": "openai",
    "cartesia": "cartesia",
    "deepgram": "deepgram",
    "play": "playht",
}
AMBIENT = {"coffee-shop": "cafe", "call-center": "call_center"}
LLM = "retellLlmData"


def read(data: dict[str, Any]) -> Mapped:
    if not isinstance(data.get(LLM), dict):
        raise ValueError(
            "not a Retell agent export: the Retell LLM is missing under `retellLlmData` "
            "(agents using a custom LLM or a conversation flow cannot be imported)"
        )
    src = Source(data, ignore=IGNORE)
    config = start(
        src,
        prompt=f"{LLM}.general_prompt",
        welcome=f"{LLM}.begin_message",
        model=f"{LLM}.model",
        temperature=f"{LLM}.model_temperature",
    )
    _voice(src, config["voice"])
    _conversation(src, config["conversation"])
    if src.text("ambient_sound", use=False) in AMBIENT:
        sound = {"preset": AMBIENT[src.get("ambient_sound")]}
        if (volume := clamp(src.get("ambient_sound_volume"), 0, 2)) is not None:
            sound["volume"] = volume / 2  # Retell's 0 to 2 (1 normal) onto 0 to 1
        config["background_sound"] = sound
    knowledge = [
        src.text(f"{LLM}.knowledge_base_ids[{i}]")
        for i, _ in enumerate(src.listing(f"{LLM}.knowledge_base_ids"))
    ]
    if knowledge:
        config["knowledge"] = [{"knowledge_base_id": kb} for kb in dict.fromkeys(knowledge)]
    config["tools"] = unique_names(_tools(src))
    fields = [
        analysis_field(
            src.get(f"post_call_analysis_data[{i}].name"),
            _analysis_spec(src, i),
            i,
            f"post_call_analysis_data[{i}]",
        )
        for i, item in src.items("post_call_analysis_data")
        if isinstance(item, dict) and item.get("name")
    ]
    if fields:
        config["call_analysis"] = {"fields": fields[:100]}
    return Mapped(config=config, unmapped=src.unmapped())


def _voice(src: Source, voice: dict[str, Any]) -> None:
    voice_id = src.get("voice_id")
    if isinstance(voice_id, str) and voice_id:
        prefix, _, name = voice_id.partition("-")
        if name and prefix in VOICE_PREFIXES:
            voice["tts_provider"], voice["tts_voice"] = VOICE_PREFIXES[prefix], name[:200]
        else:
            voice["tts_voice"] = voice_id[:200]
    language = src.peek("language")
    if isinstance(language, str) and language != "multi":
        voice["language"] = src.get("language")


def _conversation(src: Source, conversation: dict[str, Any]) -> None:
    if (sensitivity := clamp(src.get("interruption_sensitivity"), 0, 1)) is not None:
        conversation["vad_sensitivity"] = sensitivity
    inactivity = clamp(src.get("end_call_after_silence_ms"), 1_000, 3_600_000)
    silence = clamp(src.get("reminder_trigger_ms"), 1, 600_000)
    if inactivity is not None:
        conversation["inactivity_timeout_s"] = inactivity / 1000
    if silence is not None:
        conversation["silence_timeout_s"] = min(
            silence / 1000, inactivity / 1000 if inactivity else 30.0
        )
    if (duration := clamp(src.get("max_call_duration_ms"), 10_000, 14_400_000)) is not None:
        conversation["max_duration_s"] = int(duration / 1000)


def _tools(src: Source) -> list[dict[str, Any]]:
    tools = []
    for index, tool in src.items(f"{LLM}.general_tools"):
        at = f"{LLM}.general_tools[{index}]"
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind not in ("end_call", "transfer_call", "custom"):
            continue  # calendar bookings, digit presses…: listed as not carried over
        if kind == "custom" and not src.peek(f"{at}.url"):
            continue
        src.get(f"{at}.type")
        name = identifier(src.get(f"{at}.name"), f"tool_{index}")
        description = str(src.get(f"{at}.description", ""))
        if kind == "end_call":
            tools.append({"name": name, "type": "end_call", "description": description[:2_000]})
        elif kind == "transfer_call":
            number = src.get(f"{at}.transfer_destination.number")
            src.get(f"{at}.transfer_destination.type")
            if number:
                description = f"{description} Destination: {number}.".strip()
            tools.append(
                {"name": name, "type": "transfer_call", "description": description[:2_000]}
            )
        else:
            timeout = clamp(src.get(f"{at}.timeout_ms"), 1_000, 120_000)
            tools.append(
                {
                    "name": name,
                    "type": "webhook",
                    "description": description[:2_000],
                    "url": src.get(f"{at}.url"),
                    "method": str(src.get(f"{at}.method", "POST")).upper(),
                    "parameters": object_schema(src.get(f"{at}.parameters")),
                    **({"timeout_s": timeout / 1000} if timeout else {}),
                }
            )
    return tools


def _analysis_spec(src: Source, index: int) -> dict[str, Any]:
    at = f"post_call_analysis_data[{index}]"
    src.get(f"{at}.type")
    kind = src.peek(f"{at}.type")
    return {
        "type": kind,
        "description": src.get(f"{at}.description", ""),
        "choices": src.get(f"{at}.choices", []) if kind == "enum" else [],
    }
