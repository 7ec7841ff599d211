from django.urls import path, re_path

from agents import eval_views, views

app_name = "agents"

urlpatterns = [
    path("", views.agent_list, name="list"),
    path("agents/new/", views.agent_create, name="create"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_edit, name="channel-new"),
    path("channels/<str:public_id>/", views.channel_edit, name="channel"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke-api-token"),
    path("agents/<str:public_id>/", views.agent_detail, name="detail"),
    path("agents/<str:public_id>/header/", views.agent_header, name="header"),
    path("agents/<str:public_id>/conversations/", views.agent_conversations, name="conversations"),
    path("agents/<str:public_id>/analytics/", views.agent_analytics, name="analytics"),
    path("agents/<str:public_id>/details/", views.agent_details, name="details"),
    path("agents/<str:public_id>/draft/", views.draft_editor, name="draft"),
    path("agents/<str:public_id>/history/", views.history_panel, name="history"),
    path("agents/<str:public_id>/history/more/", views.history_more, name="history-more"),
    path("agents/<str:public_id>/releases/", views.release_log, name="releases"),
    path("agents/<str:public_id>/activity/", views.draft_activity, name="activity"),
    re_path(
        r"^agents/(?P<public_id>[^/]+)/compare/(?P<a>[A-Za-z0-9]+)\.\.\.(?P<b>[A-Za-z0-9]+)/$",
        views.compare,
        name="compare",
    ),
    path("agents/<str:public_id>/compare/", views.compare_pick, name="compare-pick"),
    path("agents/<str:public_id>/versions/new/", views.save_version, name="save-version"),
    path("agents/<str:public_id>/playground/", eval_views.playground, name="playground"),
    path(
        "agents/<str:public_id>/playground/<str:conversation_id>/",
        eval_views.playground_session,
        name="playground-session",
    ),
    path("agents/<str:public_id>/evals/", eval_views.eval_suites, name="evals"),
    path("agents/<str:public_id>/evals/gate/", eval_views.release_gate, name="release-gate"),
    path("agents/<str:public_id>/evals/runs/<str:run_id>/", eval_views.eval_run, name="eval-run"),
    path("agents/<str:public_id>/evals/<str:suite_id>/", eval_views.eval_suite, name="eval-suite"),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/runs/",
        eval_views.start_run,
        name="eval-start-run",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/runs/panel/",
        eval_views.eval_runs_panel,
        name="eval-runs-panel",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/",
        eval_views.cases_panel,
        name="eval-cases-panel",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/new/",
        eval_views.case_new,
        name="eval-case-new",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/<str:case_id>/",
        eval_views.case_edit,
        name="eval-case",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/cases/<str:case_id>/delete/",
        eval_views.case_delete,
        name="eval-case-delete",
    ),
    path(
        "agents/<str:public_id>/evals/<str:suite_id>/compare/",
        eval_views.eval_compare,
        name="eval-compare",
    ),
    path("agents/<str:public_id>/versions/<int:number>/release/", views.release, name="release"),
    path("agents/<str:public_id>/versions/<int:number>/restore/", views.restore, name="restore"),
]
