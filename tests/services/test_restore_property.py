"""Property: restoring a version gives back exactly its configuration and hash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import services
from agents.domain import config as schema
from agents.domain.text import CONTROL_CHARS
from agents.models import Draft
from tests.helpers import edit

pytestmark = pytest.mark.django_db

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


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(config=configs, other=configs)
def test_restore_is_exact(user, config, other):
    agent = services.create_agent(name="Property", user=user, config=config)
    version = services.save_version(agent=agent, name="Snapshot", user=user)
    edit(agent, other, user=user)
    edit(agent, {"prompt": {"welcome_message": "changed after the snapshot"}}, user=user)
    draft = services.restore_version(version=version, user=user)
    stored = Draft.objects.get(pk=draft.pk)
    assert stored.config == version.config
    assert stored.content_hash == version.content_hash == schema.content_hash(stored.config)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=configs, second=configs, pick=st.integers(0, 2))
def test_a_restored_revision_saved_as_a_version_has_that_revisions_hash(user, first, second, pick):
    agent = services.create_agent(name="Property", user=user, config=first)
    edit(agent, second, user=user)
    edit(agent, {"prompt": {"welcome_message": "and once more"}}, user=user)
    numbers = list(agent.revisions.order_by("number").values_list("number", flat=True))
    chosen = agent.revisions.get(number=numbers[min(pick, len(numbers) - 1)])
    edit(agent, {"prompt": {"welcome_message": "something else entirely"}}, user=user)
    services.restore_revision(agent=agent, number=chosen.number, user=user)
    version = services.save_version(agent=agent, name="From a revision", user=user)
    assert version.content_hash == chosen.content_hash
    assert version.config == chosen.snapshot.config
