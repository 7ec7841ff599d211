"""Agent Console's runtime client: `Client(base_url, token, cache_dir=…)`.

from agent_console_client import Client

with Client("https://console.example.com", token, cache_dir="/var/cache/agent") as console:
    config = console.resolve("ag_x").config
"""

from agent_console_client.client import AsyncClient, Client
from agent_console_client.errors import (
    AgentConsoleError,
    NotFound,
    NotPublished,
    Refused,
    Unauthorized,
    Unavailable,
)
from agent_console_client.models import Conversation, Resolved
from agent_console_client.routing import assign

__all__ = [
    "AgentConsoleError",
    "AsyncClient",
    "Client",
    "Conversation",
    "NotFound",
    "NotPublished",
    "Refused",
    "Resolved",
    "Unauthorized",
    "Unavailable",
    "assign",
]
