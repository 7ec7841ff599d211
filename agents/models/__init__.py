"""Data and invariants, one module per area; workflows live in agents/services/.

Everything is re-exported here, so `from agents.models import Agent` works and
the migrations still find the id-default callables where they name them
(`agents.models.new_agent_id`).
"""

from agents.models.agents import STATUS_LABELS, Agent, Draft, Status, compute_status
from agents.models.alerts import Alert
from agents.models.audit import AuditEntry
from agents.models.base import (
    BoundConfiguration,
    ImmutableModel,
    ImmutableQuerySet,
    new_agent_id,
    new_alert_id,
    new_case_id,
    new_change_request_id,
    new_channel_id,
    new_comment_id,
    new_conversation_id,
    new_delivery_id,
    new_event_id,
    new_judge_id,
    new_public_id,
    new_request_id,
    new_rollout_id,
    new_run_id,
    new_schedule_id,
    new_suite_id,
    new_webhook_id,
    new_workspace_id,
    public_id_format,
)
from agents.models.blame import IntroducedLine
from agents.models.branches import Branch
from agents.models.change_requests import ChangeRequest, Comment, Presence, Review
from agents.models.changes import Change, ChangeCounter, StreamNode
from agents.models.channels import Channel, released_target
from agents.models.conversations import Conversation, Turn
from agents.models.evals import EvalCase, EvalResult, EvalRun, EvalSuite
from agents.models.judges import Judge, Judgement
from agents.models.metrics import DRAFT_KEY, LatencyDay, MetricDay, ScoreDay
from agents.models.prompts import PromptUse
from agents.models.releases import (
    RELEASED,
    Label,
    ReleaseEvent,
    ReleaseRequest,
    ReleaseReview,
    ScheduledRelease,
)
from agents.models.revisions import DraftRevision
from agents.models.rollouts import Rollout, RolloutEvent
from agents.models.runtime import PendingPurge
from agents.models.tokens import ApiToken, IdempotencyRecord
from agents.models.versions import ConfigSnapshot, PublishedVersion
from agents.models.webhooks import EVENTS, TEST_EVENT, Delivery, DeliveryAttempt, Webhook
from agents.models.workspaces import Membership, Workspace

__all__ = [
    "DRAFT_KEY",
    "EVENTS",
    "RELEASED",
    "STATUS_LABELS",
    "TEST_EVENT",
    "Agent",
    "Alert",
    "ApiToken",
    "AuditEntry",
    "BoundConfiguration",
    "Branch",
    "Change",
    "ChangeCounter",
    "ChangeRequest",
    "Channel",
    "Comment",
    "ConfigSnapshot",
    "Conversation",
    "Delivery",
    "DeliveryAttempt",
    "Draft",
    "DraftRevision",
    "EvalCase",
    "EvalResult",
    "EvalRun",
    "EvalSuite",
    "IdempotencyRecord",
    "ImmutableModel",
    "ImmutableQuerySet",
    "IntroducedLine",
    "Judge",
    "Judgement",
    "Label",
    "LatencyDay",
    "Membership",
    "MetricDay",
    "PendingPurge",
    "Presence",
    "PromptUse",
    "PublishedVersion",
    "ReleaseEvent",
    "ReleaseRequest",
    "ReleaseReview",
    "Review",
    "Rollout",
    "RolloutEvent",
    "ScheduledRelease",
    "ScoreDay",
    "Status",
    "StreamNode",
    "Turn",
    "Webhook",
    "Workspace",
    "compute_status",
    "new_agent_id",
    "new_alert_id",
    "new_case_id",
    "new_change_request_id",
    "new_channel_id",
    "new_comment_id",
    "new_conversation_id",
    "new_delivery_id",
    "new_event_id",
    "new_judge_id",
    "new_public_id",
    "new_request_id",
    "new_rollout_id",
    "new_run_id",
    "new_schedule_id",
    "new_suite_id",
    "new_webhook_id",
    "new_workspace_id",
    "public_id_format",
    "released_target",
]
