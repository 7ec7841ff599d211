"""The agent configuration both providers are asked about."""

import pytest

from agents.domain import config


@pytest.fixture
def agent_config():
    return config.normalize(
        {
            "prompt": {"system_prompt": "You book appointments.", "welcome_message": "Hi there!"},
            "llm": {"model": "gpt-4o-mini", "temperature": 0.2, "max_tokens": 100},
            "tools": [
                {
                    "name": "find_slots",
                    "url": "https://x.example/slots",
                    "description": "Free slots",
                }
            ],
        }
    )
