"""Fixtures and tiny factories. State is built through the services, as users build it."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from agents import triggers
from agents.domain.permissions import rank
from agents.models import Membership
from agents.services import agents, broadcast, evals, releases, tokens, versions, webhooks
from agents.services.placement import default_workspace
from tests.helpers import Api, UnauditedWrites, edit


class OneRequestAtATimeOnSharedSQLite(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share the
    test's in-memory SQLite connection (two requests at once on one connection fail
    with "cannot open savepoint - SQL statements in progress"). A page's heartbeat
    and a click may arrive together; on PostgreSQL each thread has its own
    connection, so requests still run side by side there."""

    def set_app(self, application):
        if not getattr(self, "connections_override", None):
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeOnSharedSQLite


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip visibly on SQLite; with REQUIRE_POSTGRES=1 they may not."""
    from django.conf import settings

    vendor_is_pg = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not vendor_is_pg:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL does not select PostgreSQL")
    if vendor_is_pg:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (ids are reused across rolled-back tests)."""
    from django.core.cache import cache

    from agents.selectors import runtime
    from agents.selectors import tokens as tokens_selectors

    cache.clear()
    tokens_selectors._touched.clear()
    runtime.clear_local()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _every_service_write_is_audited(request):
    """Fail a test in which a service wrote a control-plane table outside an
    @audited service (agents/services/audit.py): the audit log would miss it."""
    if request.node.get_closest_marker("unaudited_writes"):
        yield
        return
    watch = UnauditedWrites()
    with connection.execute_wrapper(watch):
        yield
    if watch.missed:
        pytest.fail("writes outside @audited services: " + "; ".join(sorted(set(watch.missed))))


@pytest.fixture(autouse=True)
def _no_stream_hub_thread(monkeypatch):
    """The stream's hub reads changes on a thread of its own, outside the test's
    transaction: in-process tests drive it by hand (`hub.deliver()`); the tests of
    real servers (`tests/servers.py`) run it for real."""
    monkeypatch.setattr(broadcast.Hub, "start", lambda hub: None)
    monkeypatch.setattr(broadcast, "_hub", None)


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch):
    """Webhook URLs name hosts the tests never reach: checking one resolves it to a
    public documentation address instead of asking the network."""
    monkeypatch.setattr("agents.services.webhooks.resolve", lambda host, port: ["93.184.216.34"])


@pytest.fixture
def configured(settings):
    """Single sign-on configured against an identity provider nobody calls."""
    settings.OIDC_RP_CLIENT_ID = "agent-console"
    settings.OIDC_RP_CLIENT_SECRET = "s"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.com/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.com/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.com/me"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.com/jwks"
    return settings


@pytest.fixture
def receiver(settings):
    """A webhook receiver on 127.0.0.1 (private targets allowed, retries at once)."""
    from tests.webhook_receiver import Receiver

    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_BACKOFF_SECONDS = 0
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _flushable_append_only_tables(request):
    """Let transactional tests empty the database between tests on SQLite.

    Django's flush empties SQLite tables with DELETE, which the append-only
    triggers refuse; they are dropped just before the flush and reinstalled by
    the post_migrate signal the flush sends. (PostgreSQL flushes with TRUNCATE,
    which row triggers do not see.)
    """
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor == "sqlite":
        triggers.uninstall(connection)


@pytest.fixture
def make_user(django_user_model):
    counter = iter(range(1, 10_000))

    def make(
        *roles: str,
        username: str | None = None,
        superuser: bool = False,
        workspace=None,
        **extra: Any,
    ):
        """A user with the highest of `roles` (Viewer, Editor, Releaser, Admin) in
        `workspace` (the installation's first by default)."""
        staff = extra.pop("is_staff", False)
        user = django_user_model.objects.create_user(
            username=username or f"user{next(counter)}",
            password="pw-for-tests",
            is_superuser=superuser,
            is_staff=superuser or staff,
            **extra,
        )
        if roles:
            role = max((r.lower() for r in roles), key=rank)
            Membership.objects.create(
                workspace=workspace or default_workspace(), user=user, role=role
            )
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user("Editor", "Releaser", username="operator")


@pytest.fixture
def make_agent(user):
    def make(name: str = "Support line", *, config: dict | None = None, by=None, **kwargs):
        return agents.create_agent(name=name, user=by or user, config=config, **kwargs)

    return make


@pytest.fixture
def agent(make_agent):
    return make_agent()


@pytest.fixture
def make_version(user):
    counter = iter(range(1, 100_000))

    def make(agent, patch: dict | None = None, *, name: str | None = None, by=None):
        n = next(counter)
        edit(
            agent,
            patch if patch is not None else {"prompt": {"welcome_message": f"Hi {n}"}},
            user=by or user,
        )
        return versions.save_version(agent=agent, name=name or f"Change {n}", user=by or user)

    return make


# ------------------------------------------------------------------ the JSON API


@pytest.fixture
def make_api(client, make_user):
    def make(*roles, superuser=False):
        """A client with a token of a new user holding `roles`; without roles, a token of
        someone who has since left its workspace."""
        user = make_user(*(roles or ("Viewer",)), superuser=superuser)
        _, secret = tokens.create_api_token(user=user, name="tests")
        if not roles:
            Membership.objects.filter(user=user).delete()
        return Api(client, secret)

    return make


@pytest.fixture
def api(make_api):
    return make_api("Editor", "Releaser")


@pytest.fixture
def operator_client(client, user):
    """The test client logged in as the `user` fixture (every role)."""
    client.force_login(user)
    return client


@pytest.fixture
def suite(agent, user):
    return evals.create_eval_suite(
        agent=agent,
        name="Booking",
        user=user,
        cases=[
            {
                "name": "mentions the booking tool",
                "messages": [{"role": "user", "content": "Can I book Tuesday?"}],
                "checks": [
                    {"type": "contains", "value": "tuesday"},
                    {"type": "contains", "value": "tools available: book"},
                    {"type": "latency_ms", "value": 5000},
                ],
            },
            {
                "name": "never promises refunds",
                "messages": [{"role": "user", "content": "Hello"}],
                "checks": [{"type": "not_contains", "value": "refund"}],
            },
        ],
    )


@pytest.fixture
def hook(receiver, user):
    return webhooks.create_webhook(
        url=receiver.url,
        events=["version.saved", "release", "label.moved", "draft.updated"],
        user=user,
    )


@pytest.fixture
def released(agent, make_version, user):
    """v1 of `agent`, released: (the version, its release event)."""
    version = make_version(agent)
    event = releases.release_version(version=version, user=user)
    return version, event
