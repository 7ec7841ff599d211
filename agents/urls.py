from django.urls import path, re_path

from agents.views import (
    agents,
    channels,
    compare,
    drafts,
    evals,
    monitoring,
    playground,
    releases,
    revisions,
    tokens,
    versions,
)

app_name = "agents"

urlpatterns = [
    path("", agents.agent_list, name="list"),
    path("agents/new/", agents.agent_create, name="create"),
    path("tokens/", tokens.api_tokens, name="api-tokens"),
    path("channels/", channels.channel_list, name="channels"),
    path("channels/new/", channels.channel_edit, name="channel-new"),
    path("channels/<str:public_id>/", channels.channel_edit, name="channel"),
    path("tokens/<int:token_id>/revoke/", tokens.revoke_api_token, name="revoke-api-token"),
    path("agents/<str:public_id>/", agents.agent_detail, name="detail"),
    path("agents/<str:public_id>/header/", agents.agent_header, name="header"),
    path(
        "agents/<str:public_id>/conversations/",
        monitoring.agent_conversations,
        name="conversations",
    ),
    path(
        "agents/<str:public_id>/conversations/<str:conversation_id>/",
        monitoring.conversation_detail,
        name="conversation",
    ),
    path("agents/<str:public_id>/analytics/", monitoring.agent_analytics, name="analytics"),
    path("agents/<str:public_id>/details/", agents.agent_details, name="details"),
    path("agents/<str:public_id>/draft/", drafts.draft_editor, name="draft"),
    path("agents/<str:public_id>/history/", agents.history_panel, name="history"),
    path("agents/<str:public_id>/history/more/", agents.history_more, name="history-more"),
    path("agents/<str:public_id>/releases/", agents.release_log, name="releases"),
    path("agents/<str:public_id>/activity/", agents.draft_activity, name="activity"),
    path("agents/<str:public_id>/revisions/more/", revisions.revisions_more, name="revisions-more"),
    path(
        "agents/<str:public_id>/revisions/<int:number>/restore/",
        revisions.restore_revision,
        name="revision-restore",
    ),
    re_path(
        r"^agents/(?P<public_id>[^/]+)/compare/(?P<a>[A-Za-z0-9]+)\.\.\.(?P<b>[A-Za-z0-9]+)/$",
        compare.compare,
        name="compare",
    ),
    path("agents/<str:public_id>/compare/", compare.compare_pick, name="compare-pick"),
    path("agents/<str:public_id>/versions/new/", versions.save_version, name="save-version"),
    path("agents/<str:public_id>/playground/", playground.playground, name="playground"),
    path(
        "agents/<str:public_id>/playground/<str:conversation_id>/",
        playground.playground_session,
        name="playground-session",
    ),
    path("agents/<str:public_id>/evals/", evals.eval_suites, name="evals"),
    path("agents/<str:public_id>/evals/gate/", evals.release_gate, name="release-gate"),
    path("agents/<str:public_id>/evals/runs/<str:run_id>/", evals.eval_run, name="eval-run"),
    path("agents/<str:public_id>/evals/<str:suite_id>/", evals.eval_suite, name="eval-suite"),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/runs/",
        evals.start_run,
        name="eval-start-run",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/runs/panel/",
        evals.eval_runs_panel,
        name="eval-runs-panel",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/",
        evals.cases_panel,
        name="eval-cases-panel",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/new/",
        evals.case_new,
        name="eval-case-new",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/<str:case_id>/",
        evals.case_edit,
        name="eval-case",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/<str:case_id>/delete/",
        evals.case_delete,
        name="eval-case-delete",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/compare/",
        evals.eval_compare,
        name="eval-compare",
    ),
    path("agents/<str:public_id>/versions/<int:number>/release/", versions.release, name="release"),
    path("agents/<str:public_id>/versions/<int:number>/restore/", versions.restore, name="restore"),
    path(
        "agents/<str:public_id>/versions/<int:number>/request/",
        releases.request_release,
        name="request-release",
    ),
    path(
        "agents/<str:public_id>/versions/<int:number>/label/",
        releases.move_label,
        name="move-label",
    ),
    path("requests/", releases.release_requests, name="release-requests"),
    path("requests/<str:request_id>/", releases.release_request_page, name="release-request"),
    re_path(
        r"^requests/(?P<request_id>[^/]+)/(?P<verdict>approve|reject)/$",
        releases.review_request,
        name="review-request",
    ),
    re_path(
        r"^requests/(?P<request_id>[^/]+)/(?P<action>release|cancel)/$",
        releases.act_on_request,
        name="act-on-request",
    ),
    path("schedules/<str:schedule_id>/cancel/", releases.cancel_schedule, name="cancel-schedule"),
]
