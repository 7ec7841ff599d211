"""Hypothesis strategies: configuration documents as operators could write them."""

from hypothesis import strategies as st

from agents.domain.text import CONTROL_CHARS

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x7f").filter(
        lambda c: c in "\n\t\r" or not CONTROL_CHARS.match(c)
    ),
    max_size=200,
)
identifier = st.from_regex(r"\A[a-z_][a-z0-9_]{0,20}\Z")
kb_id = st.from_regex(r"\A[a-z0-9][a-z0-9_.-]{0,20}\Z")
unit = st.floats(min_value=0, max_value=1, allow_nan=False)
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), text)
json_object = st.dictionaries(
    identifier,
    st.recursive(json_leaf, lambda c: st.lists(c, max_size=3), max_leaves=5),
    max_size=4,
)

tools = st.lists(
    st.fixed_dictionaries(
        {
            "name": identifier,
            "description": text,
            "type": st.sampled_from(["transfer_call", "end_call"]),
            "timeout_s": st.floats(min_value=0.5, max_value=120),
        }
    ),
    max_size=4,
    unique_by=lambda t: t["name"],
)

configs = st.fixed_dictionaries(
    {
        "prompt": st.fixed_dictionaries({"system_prompt": text, "welcome_message": text}),
        "llm": st.fixed_dictionaries(
            {
                "provider": st.sampled_from(["openai", "anthropic", "google", "azure", "custom"]),
                "temperature": st.floats(min_value=0, max_value=2, allow_nan=False),
                "max_tokens": st.integers(1, 32_000),
            }
        ),
        "conversation": st.fixed_dictionaries({"vad_sensitivity": unit}),
        "background_sound": st.fixed_dictionaries(
            {"preset": st.sampled_from(["none", "office", "cafe", "call_center"]), "volume": unit}
        ),
        "knowledge": st.lists(
            st.fixed_dictionaries(
                {"knowledge_base_id": kb_id, "top_k": st.integers(1, 50), "min_score": unit}
            ),
            max_size=3,
            unique_by=lambda k: k["knowledge_base_id"],
        ),
        "tools": tools,
        "workflow": st.one_of(st.none(), json_object),
    }
)
