"""What the client raises. Every error is an `AgentConsoleError`."""

from __future__ import annotations


class AgentConsoleError(Exception):
    """Base class; `status` and `code` are the API's when it answered."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class Unavailable(AgentConsoleError):
    """The console could not be reached (or answered 5xx) and nothing is known locally."""


class Unauthorized(AgentConsoleError):
    """The token is missing, wrong, revoked, or lacks the permission (401, 403)."""


class NotFound(AgentConsoleError):
    """No such agent, version, revision, label, channel or conversation (404)."""


class NotPublished(AgentConsoleError):
    """The agent has no released version yet (409 `agent_not_published`)."""


class Refused(AgentConsoleError):
    """Any other refusal (409, 422…): the message is the API's."""
