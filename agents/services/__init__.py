"""Every write goes through a service: the console, API, admin, commands and jobs alike.

One module per area; each service is one transaction, named after the button an
operator presses. They are re-exported here, so `services.save_version(...)`
reads the same from every edge. See `base.py` for locking and history.
"""

from agents.services.agents import archive_agent, create_agent, update_agent
from agents.services.alerts import ack_alert, check_release, run_regression_checks
from agents.services.approvals import (
    approve_request,
    cancel_request,
    reject_request,
    release_request,
    request_release,
    schedule_request,
)
from agents.services.bundles import import_bundle, sync_bundle
from agents.services.channels import (
    CHANNEL_FIELDS,
    clean_channel,
    create_channel,
    start_conversation_on_channel,
    update_channel,
)
from agents.services.conversations import bind, end_conversation, start_conversation
from agents.services.draft_import import import_draft, read_import
from agents.services.drafts import patch_draft, update_draft
from agents.services.eval_runner import execute_eval_run, fail_eval_run, run_eval
from agents.services.evals import (
    add_eval_case,
    create_eval_suite,
    delete_eval_case,
    start_eval_run,
    update_eval_case,
    update_eval_suite,
)
from agents.services.idempotency import claim_idempotency_key, record_idempotent_response
from agents.services.labels import delete_label, move_label
from agents.services.playground import send_playground_message, start_playground
from agents.services.recovery import recover_stalled_jobs
from agents.services.releases import move_pointer, release_version
from agents.services.revisions import restore_revision
from agents.services.rollouts import (
    abort_rollout,
    advance_rollout,
    evaluate_rollout,
    pause_rollout,
    resume_rollout,
    run_due_rollouts,
    start_rollout,
)
from agents.services.schedules import (
    cancel_schedule,
    execute_schedule,
    run_due_schedules,
    schedule_release,
)
from agents.services.simulation import simulate_traffic
from agents.services.tokens import create_api_token, forget_tokens_of, revoke_api_token
from agents.services.versions import (
    restore_version,
    save_draft_and_version,
    save_version,
)
from agents.services.webhook_delivery import deliver, emit, run_due_deliveries
from agents.services.webhooks import (
    create_webhook,
    delete_webhook,
    redeliver,
    send_test_event,
    update_webhook,
)

__all__ = [
    "CHANNEL_FIELDS",
    "abort_rollout",
    "ack_alert",
    "add_eval_case",
    "advance_rollout",
    "approve_request",
    "archive_agent",
    "bind",
    "cancel_request",
    "cancel_schedule",
    "check_release",
    "claim_idempotency_key",
    "clean_channel",
    "create_agent",
    "create_api_token",
    "create_channel",
    "create_eval_suite",
    "create_webhook",
    "delete_eval_case",
    "delete_label",
    "delete_webhook",
    "deliver",
    "emit",
    "end_conversation",
    "evaluate_rollout",
    "execute_eval_run",
    "execute_schedule",
    "fail_eval_run",
    "forget_tokens_of",
    "import_bundle",
    "import_draft",
    "move_label",
    "move_pointer",
    "patch_draft",
    "pause_rollout",
    "read_import",
    "record_idempotent_response",
    "recover_stalled_jobs",
    "redeliver",
    "reject_request",
    "release_request",
    "release_version",
    "request_release",
    "restore_revision",
    "restore_version",
    "resume_rollout",
    "revoke_api_token",
    "run_due_deliveries",
    "run_due_rollouts",
    "run_due_schedules",
    "run_eval",
    "run_regression_checks",
    "save_draft_and_version",
    "save_version",
    "schedule_release",
    "schedule_request",
    "send_playground_message",
    "send_test_event",
    "simulate_traffic",
    "start_conversation",
    "start_conversation_on_channel",
    "start_eval_run",
    "start_playground",
    "start_rollout",
    "sync_bundle",
    "update_agent",
    "update_channel",
    "update_draft",
    "update_eval_case",
    "update_eval_suite",
    "update_webhook",
]
