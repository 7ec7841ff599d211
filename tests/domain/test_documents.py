"""The two kinds of versioned document: each kind's rules, looked up by name."""

import pytest

from agents.domain import config, documents, prompts
from agents.domain.exceptions import ConfigInvalid


def test_each_kind_has_its_own_prefix_schema_and_rules():
    agent, prompt = documents.of("agent"), documents.of("prompt")
    assert (agent.prefix, prompt.prefix) == ("ag", "pr")
    assert agent.default() == config.default_config()
    assert prompt.default() == prompts.default_document()
    assert prompt.normalize({"text": "Hi {{name}}"})["text"] == "Hi {{name}}"
    with pytest.raises(ConfigInvalid):
        prompt.normalize({"text": 3})
    with pytest.raises(KeyError):
        documents.of("spreadsheet")
