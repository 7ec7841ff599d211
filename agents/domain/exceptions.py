"""Domain errors. Views, the API and the admin map them to responses in one place each."""

from __future__ import annotations

from typing import Any


class AgentConsoleError(Exception):
    """Base class: every domain error has a stable machine code and a readable message.
    A subclass names its code in its bases: `class NoChanges(AgentConsoleError, code=...)`."""

    code = "error"

    def __init_subclass__(cls, code: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(AgentConsoleError, code="validation_error"):
    """Input that breaks a rule; `errors` lists `{"path", "message"}` for each problem."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        summary = "; ".join(
            f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errors
        )
        super().__init__(summary or "invalid input", details=errors)


class ConfigInvalid(InvalidInput):
    """The configuration document does not satisfy the schema."""


class DraftConflict(AgentConsoleError, code="draft_conflict"):
    """The caller edited an older revision of the draft than the one stored."""

    def __init__(self, *, expected_revision: int, current_revision: int) -> None:
        self.expected_revision = expected_revision
        self.current_revision = current_revision
        super().__init__(
            f"The draft was changed by someone else: you edited revision "
            f"{expected_revision}, it is now at revision {current_revision}.",
            details={"expected_revision": expected_revision, "current_revision": current_revision},
        )


class NoChanges(AgentConsoleError, code="no_changes"):
    """Saving a version identical to the latest version."""

    def __init__(self, *, latest_number: int) -> None:
        self.latest_number = latest_number
        super().__init__(
            f"The draft is identical to v{latest_number}; there is nothing new to save.",
            details={"latest_version": latest_number},
        )


class ReleaseGateFailed(AgentConsoleError, code="eval_gate_failed"):
    """The agent requires a passing eval run before release and this version has none."""

    def __init__(self, *, version_label: str, findings: list[str]) -> None:
        self.findings = findings
        super().__init__(
            f"{version_label} cannot be released without a passing eval run: "
            + "; ".join(findings)
            + ". A Releaser may release anyway with an override note.",
            details={"findings": findings},
        )


class VersionImmutable(AgentConsoleError, code="version_immutable"):
    """Published versions and release events are never changed or deleted."""


class AgentNotPublished(AgentConsoleError, code="agent_not_published"):
    """The agent has no released version to serve."""


class AgentArchived(AgentConsoleError, code="agent_archived"):
    """Archived agents are read-only."""


class ConversationEnded(AgentConsoleError, code="already_ended"):
    """A conversation's outcome is recorded once."""


class ProviderFailed(AgentConsoleError, code="provider_error"):
    """The model provider did not answer (playground); nothing was recorded."""


class UnknownReference(AgentConsoleError, code="not_found"):
    """The agent, version or reference named does not exist: 404 at every edge."""


class ApprovalRequired(AgentConsoleError, code="approval_required"):
    """The agent requires approvals: this change goes through a release request."""


class SelfApproval(AgentConsoleError, code="self_approval"):
    """A requester cannot approve their own release request (403)."""


class LabelProtected(AgentConsoleError, code="label_protected"):
    """`released` cannot be deleted (409)."""


class InvalidState(AgentConsoleError, code="invalid_state"):
    """The object is not in a state that allows this (approving a cancelled request)."""


class RolloutRunning(AgentConsoleError, code="rollout_running"):
    """A channel has a rollout in flight: one at a time, and its routing is the rollout's."""


class MergeConflict(AgentConsoleError, code="merge_conflict"):
    """A change request's merge has unresolved conflicts (409; details: the conflicts)."""


class ReviewRequired(AgentConsoleError, code="review_required"):
    """A change request lacks the approvals of its current head it needs, or a reviewer
    requested changes (409)."""
