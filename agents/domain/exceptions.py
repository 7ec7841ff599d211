"""Domain errors. Views, the API and the admin map them to responses in one place each."""

from __future__ import annotations

from typing import Any


class AgentConsoleError(Exception):
    """Base class: every domain error has a stable machine code and a readable message."""

    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(AgentConsoleError):
    """Input that breaks a rule; `errors` lists `{"path", "message"}` for each problem."""

    code = "validation_error"

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        summary = "; ".join(
            f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors
        )
        super().__init__(summary or "invalid input", details=errors)


class ConfigInvalid(InvalidInput):
    """The configuration document does not satisfy the schema."""


class DraftConflict(AgentConsoleError):
    """The caller edited an older revision of the draft than the one stored."""

    code = "draft_conflict"

    def __init__(self, *, expected_revision: int, current_revision: int) -> None:
        self.expected_revision = expected_revision
        self.current_revision = current_revision
        super().__init__(
            f"The draft was changed by someone else: you edited revision "
            f"{expected_revision}, it is now at revision {current_revision}.",
            details={"expected_revision": expected_revision, "current_revision": current_revision},
        )


class NoChanges(AgentConsoleError):
    """Saving a version identical to the latest version."""

    code = "no_changes"

    def __init__(self, *, latest_number: int) -> None:
        self.latest_number = latest_number
        super().__init__(
            f"The draft is identical to v{latest_number}; there is nothing new to save.",
            details={"latest_version": latest_number},
        )


class VersionImmutable(AgentConsoleError):
    """Published versions and release events are never changed or deleted."""

    code = "version_immutable"


class AgentNotPublished(AgentConsoleError):
    """The agent has no released version to serve."""

    code = "agent_not_published"


class AgentArchived(AgentConsoleError):
    """Archived agents are read-only."""

    code = "agent_archived"


class ConversationEnded(AgentConsoleError):
    """A conversation's outcome is recorded once."""

    code = "already_ended"


class ReleaseGateFailed(AgentConsoleError):
    """The agent requires a passing eval run before release and this version has none."""

    code = "eval_gate_failed"

    def __init__(self, *, version_label: str, findings: list[str]) -> None:
        self.findings = findings
        super().__init__(
            f"{version_label} cannot be released without a passing eval run: "
            + "; ".join(findings)
            + ". A Releaser may release anyway with an override note.",
            details={"findings": findings},
        )


class ProviderFailed(AgentConsoleError):
    """The model provider did not answer (playground); nothing was recorded."""

    code = "provider_error"


class UnknownReference(AgentConsoleError):
    """The agent, version or reference named does not exist: 404 at every edge."""

    code = "not_found"


class ApprovalRequired(AgentConsoleError):
    """The agent requires approvals: this change goes through a release request."""

    code = "approval_required"


class SelfApproval(AgentConsoleError):
    """A requester cannot approve their own release request (403)."""

    code = "self_approval"


class LabelProtected(AgentConsoleError):
    """`released` cannot be deleted (409)."""

    code = "label_protected"


class InvalidState(AgentConsoleError):
    """The object is not in a state that allows this (approving a cancelled request)."""

    code = "invalid_state"


class RolloutRunning(AgentConsoleError):
    """A channel has a rollout in flight: one at a time, and its routing is the rollout's."""

    code = "rollout_running"
