"""The console's pages, one group per area; an agent's pages hang under
`agents/<public_id>/` once. Every name lives in the `agents` namespace
(`agents:release`), whichever group holds it."""

from django.urls import include, path, re_path

from agents.views import (
    agents,
    channels,
    compare,
    config_import,
    drafts,
    evals,
    monitoring,
    playground,
    releases,
    revisions,
    rollouts,
    tokens,
    versions,
    webhooks,
)

app_name = "agents"

agent_pages = [
    path("", agents.agent_detail, name="detail"),
    path("header/", agents.agent_header, name="header"),
    path("export/", agents.agent_export, name="export"),
    path("details/", agents.agent_details, name="details"),
    path("activity/", agents.draft_activity, name="activity"),
]

history_pages = [
    path("", agents.history_panel, name="history"),
    path("more/", agents.history_more, name="history-more"),
]

draft_pages = [
    path("", drafts.draft_editor, name="draft"),
    path("import/", config_import.draft_import, name="draft-import"),
]

revision_pages = [
    path("more/", revisions.revisions_more, name="revisions-more"),
    path("<int:number>/restore/", revisions.restore_revision, name="revision-restore"),
]

compare_pages = [
    path("", compare.compare_pick, name="compare-pick"),
    re_path(
        # a, b: draft | released | 3 | r12 | a label (`xss-lbl`: labels may hold dashes)
        r"^(?P<a>[A-Za-z0-9-]+)\.\.\.(?P<b>[A-Za-z0-9-]+)/$",
        compare.compare,
        name="compare",
    ),
]

version_pages = [
    path("new/", versions.save_version, name="save-version"),
    path("<int:number>/restore/", versions.restore, name="restore"),
    path("<int:number>/release/", releases.release, name="release"),
    path("<int:number>/request/", releases.request_release, name="request-release"),
    path("<int:number>/label/", releases.move_label, name="move-label"),
]

conversation_pages = [
    path("", monitoring.agent_conversations, name="conversations"),
    path("<str:conversation_id>/", monitoring.conversation_detail, name="conversation"),
]

playground_pages = [
    path("", playground.playground, name="playground"),
    path("<str:conversation_id>/", playground.playground_session, name="playground-session"),
]

eval_case_pages = [
    path("", evals.cases_panel, name="eval-cases-panel"),
    path("new/", evals.case_new, name="eval-case-new"),
    path("<str:case_id>/", evals.case_edit, name="eval-case"),
    path("<str:case_id>/delete/", evals.case_delete, name="eval-case-delete"),
]

eval_suite_pages = [
    path("", evals.eval_suite, name="eval-suite"),
    path("runs/", evals.start_run, name="eval-start-run"),
    path("runs/panel/", evals.eval_runs_panel, name="eval-runs-panel"),
    path("cases/", include(eval_case_pages)),
    path("compare/", evals.eval_compare, name="eval-compare"),
]

eval_pages = [
    path("", evals.eval_suites, name="evals"),
    path("gate/", evals.release_gate, name="release-gate"),
    path("runs/<str:run_id>/", evals.eval_run, name="eval-run"),
    path("<str:suite_id>/", include(eval_suite_pages)),
]

one_agent = [
    path("", include(agent_pages)),
    path("history/", include(history_pages)),
    path("releases/", agents.release_log, name="releases"),
    path("draft/", include(draft_pages)),
    path("revisions/", include(revision_pages)),
    path("compare/", include(compare_pages)),
    path("versions/", include(version_pages)),
    path("conversations/", include(conversation_pages)),
    path("analytics/", monitoring.agent_analytics, name="analytics"),
    path("playground/", include(playground_pages)),
    path("evals/", include(eval_pages)),
]

prompt_pages = [
    path("", agents.versioned_list, {"kind": "prompt"}, name="prompts"),
    path("new/", agents.versioned_create, {"kind": "prompt"}, name="prompt-create"),
    path("<str:public_id>/", agents.agent_detail, name="prompt"),
]

request_pages = [
    path("", releases.release_requests, name="release-requests"),
    path("<str:request_id>/", releases.release_request_page, name="release-request"),
    re_path(
        r"^(?P<request_id>[^/]+)/(?P<verdict>approve|reject)/$",
        releases.review_request,
        name="review-request",
    ),
    re_path(
        r"^(?P<request_id>[^/]+)/(?P<action>release|cancel)/$",
        releases.act_on_request,
        name="act-on-request",
    ),
]

schedule_pages = [
    path("<str:schedule_id>/cancel/", releases.cancel_schedule, name="cancel-schedule"),
]

channel_pages = [
    path("", channels.channel_list, name="channels"),
    path("new/", channels.channel_edit, name="channel-new"),
    path("<str:public_id>/", channels.channel_edit, name="channel"),
    path("<str:public_id>/rollouts/new/", rollouts.start_rollout, name="start-rollout"),
]

rollout_pages = [
    path("<str:rollout_id>/", rollouts.rollout_page, name="rollout"),
    path("<str:rollout_id>/card/", rollouts.rollout_card, name="rollout-card"),
    path("<str:rollout_id>/live/", rollouts.rollout_live, name="rollout-live"),
    re_path(
        r"^(?P<rollout_id>[^/]+)/(?P<action>pause|resume|advance|abort)/$",
        rollouts.steer_rollout,
        name="steer-rollout",
    ),
]

alert_pages = [
    path("", rollouts.alert_list, name="alerts"),
    path("badge/", rollouts.alert_badge, name="alert-badge"),
    path("<str:alert_id>/ack/", rollouts.ack_alert, name="ack-alert"),
]

webhook_pages = [
    path("", webhooks.webhook_list, name="webhooks"),
    path("<str:webhook_id>/", webhooks.webhook_detail, name="webhook"),
    re_path(
        r"^(?P<webhook_id>[^/]+)/(?P<action>test|rotate|delete)/$",
        webhooks.webhook_action,
        name="webhook-action",
    ),
    path(
        "<str:webhook_id>/deliveries/<str:delivery_id>/redeliver/",
        webhooks.redeliver,
        name="redeliver",
    ),
]

token_pages = [
    path("", tokens.api_tokens, name="api-tokens"),
    path("<int:token_id>/revoke/", tokens.revoke_api_token, name="revoke-api-token"),
]

urlpatterns = [
    path("", agents.versioned_list, {"kind": "agent"}, name="list"),
    path("agents/new/", agents.versioned_create, {"kind": "agent"}, name="create"),
    path("agents/<str:public_id>/", include(one_agent)),
    path("prompts/", include(prompt_pages)),
    path("requests/", include(request_pages)),
    path("schedules/", include(schedule_pages)),
    path("channels/", include(channel_pages)),
    path("rollouts/", include(rollout_pages)),
    path("alerts/", include(alert_pages)),
    path("webhooks/", include(webhook_pages)),
    path("tokens/", include(token_pages)),
]
