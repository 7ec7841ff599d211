"""Settings for Agent Console, driven by environment variables (see .env.example)."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: int | float) -> int | float:
    """The variable read as a number of `default`'s type (int or float), or `default`."""
    value = os.environ.get(name)
    return default if value is None or value == "" else type(default)(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The key from DJANGO_SECRET_KEY, else one generated once and kept beside the code.

    A bare machine can run the console without any setup, and the key is never a
    constant committed to the repository. Production sets DJANGO_SECRET_KEY.
    """
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    key_file = BASE_DIR / ".secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            key_file.write_text(key)
            key_file.chmod(0o600)
        except OSError as exc:  # read-only deployments must say so explicitly
            raise ImproperlyConfigured("Set DJANGO_SECRET_KEY.") from exc
        return key


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "ninja",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "agents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "console.middleware.ApiBodyLimitMiddleware",
    "console.middleware.StrictInputMiddleware",
    # The runtime's resolve, answered before what only the console needs.
    "agents.api.hot_path.ResolveFastPath",
    "console.middleware.ConsoleCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which workspace the request sees and acts in (its scope), and what its writes
    # are attributed to in the audit log.
    "console.middleware.WorkspaceMiddleware",
    "console.middleware.AuditOriginMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "console.middleware.ConsoleLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "console.middleware.NotFoundMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username, or from one address, further attempts are refused for
# AXES_COOLOFF_MINUTES, on the console's login page and the admin's alike.
# Unlock: `manage.py axes_reset_username <name>`, `axes_reset_ip <address>`,
# `axes_reset` (everything), or the admin's "Access attempts" page.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "agents.backends.WorkspaceRoleBackend",
]

# Single sign-on (OpenID Connect, mozilla-django-oidc): on when a client id is set.
# Users are created on their first login; their roles in the workspaces
# OIDC_ROLE_MAP names follow their groups claim on every login, e.g.
# OIDC_ROLE_MAP='{"clinic-admins": "Clinic:admin", "shop-team": "Shop:editor"}'.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile groups")
OIDC_USE_PKCE = True
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_MAP = json.loads(os.environ.get("OIDC_ROLE_MAP", "{}") or "{}")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your identity provider")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("agents.sso.SingleSignOnBackend")
# Local passwords off: only superusers log in with one (break glass, audited).
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", default=True)

AXES_FAILURE_LIMIT = env_number("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_number("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "console.lockout.locked_out"
AXES_VERBOSE = False
# Behind a proxy, tell axes which header carries the client's address, e.g.
# AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_FORWARDED_FOR.
if os.environ.get("AXES_IPWARE_META_PRECEDENCE_ORDER"):
    AXES_IPWARE_META_PRECEDENCE_ORDER = os.environ["AXES_IPWARE_META_PRECEDENCE_ORDER"].split(",")

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agents.views.events.context",
                "agents.views.rollouts.open_alerts",
            ],
        },
    },
]

# SQLite is the embedded default so the console runs on a bare machine;
# DATABASE_URL=postgres://... selects PostgreSQL through psycopg 3.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_number("DATABASE_CONN_MAX_AGE", 60),
        # A health check is a SELECT 1 before each request's first query: it would
        # double the runtime API's hot path. Without it, a connection that died
        # (database restart) fails one request and is then replaced.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", default=False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE takes SQLite's write lock when a transaction starts, so two
    # writers serialize instead of both reading a revision and one overwriting
    # the other (SQLite has no SELECT ... FOR UPDATE).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].pop("CONN_HEALTH_CHECKS", None)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set (shared by every process: the runtime API's hot
# path then needs no SQL at all); local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Keys, and the stream's Redis channel, start with this: installations may share a Redis.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "agent-console")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "console.cache.FastRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A dead Redis costs at most this per attempt; the cache then reads the
            # database for a few seconds before trying again (console/cache.py).
            "OPTIONS": {
                "socket_connect_timeout": env_number("REDIS_TIMEOUT_S", 0.5),
                "socket_timeout": env_number("REDIS_TIMEOUT_S", 0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Model provider for the playground and eval runs: "echo" (offline, deterministic)
# or "openai_compatible" (see agents/providers/openai_compatible.py).
AGENT_PROVIDER = os.environ.get("AGENT_PROVIDER", "echo")
AGENT_PROVIDER_BASE_URL = os.environ.get("AGENT_PROVIDER_BASE_URL", "")
AGENT_PROVIDER_MODEL = os.environ.get("AGENT_PROVIDER_MODEL", "")
AGENT_PROVIDER_API_KEY_ENV = os.environ.get("AGENT_PROVIDER_API_KEY_ENV", "")
AGENT_PROVIDER_TIMEOUT_S = env_number("AGENT_PROVIDER_TIMEOUT_S", 30.0)

# Background jobs (eval runs): django-tasks with its database backend, so a job is
# enqueued in the same transaction as the run it executes. `python manage.py
# worker` runs them (django-tasks' db_worker plus the recovery sweep below);
# `make run` starts one.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A job whose worker died is found by its lack of progress: no heartbeat for
# JOB_STALE_SECONDS (keep it above AGENT_PROVIDER_TIMEOUT_S, the longest a case
# may take) and its job still "running". Every worker looks every
# JOB_SWEEP_SECONDS and hands such a job to a live worker, at most
# JOB_MAX_ATTEMPTS times in all; then the run ends in `error` with the reason.
JOB_STALE_SECONDS = env_number("JOB_STALE_SECONDS", 120)
JOB_SWEEP_SECONDS = env_number("JOB_SWEEP_SECONDS", 15.0)
JOB_MAX_ATTEMPTS = env_number("JOB_MAX_ATTEMPTS", 3)
# An eval run stops after this long: cases not reached are recorded as errors.
EVAL_RUN_MAX_SECONDS = env_number("EVAL_RUN_MAX_SECONDS", 900)
# A running rollout is evaluated as conversations end, at most this often (the
# sweep above evaluates every running rollout as well).
ROLLOUT_EVAL_DEBOUNCE_S = env_number("ROLLOUT_EVAL_DEBOUNCE_S", 2.0)
# Regression alerts after a release: the released version's completion rate over
# the conversations since the release against the version it replaced over the
# REGRESSION_BASELINE_DAYS before it, once each side has REGRESSION_MIN_CONVERSATIONS
# ended conversations, for REGRESSION_WATCH_DAYS after the release; the same rule
# as rollouts with REGRESSION_MAX_DROP as the allowed drop.
REGRESSION_WATCH_DAYS = env_number("REGRESSION_WATCH_DAYS", 7)
REGRESSION_BASELINE_DAYS = env_number("REGRESSION_BASELINE_DAYS", 7)
REGRESSION_MIN_CONVERSATIONS = env_number("REGRESSION_MIN_CONVERSATIONS", 100)
REGRESSION_MAX_DROP = env_number("REGRESSION_MAX_DROP", 0.05)
# How often, at most, conversations ending on an agent trigger its regression check
# (every metric with data is aggregated then; the worker's sweep checks as well).
REGRESSION_CHECK_DEBOUNCE_S = env_number("REGRESSION_CHECK_DEBOUNCE_S", 30)
# Judges of production conversations (services/judges.py), run by the worker's sweep:
# how far back a sweep looks for ended conversations, how long a worker holds a
# judgement before another may take it over, how many tries a provider gets.
JUDGE_LOOKBACK_HOURS = env_number("JUDGE_LOOKBACK_HOURS", 24)
JUDGE_LEASE_SECONDS = env_number("JUDGE_LEASE_SECONDS", 120)
JUDGE_MAX_ATTEMPTS = env_number("JUDGE_MAX_ATTEMPTS", 3)
# What else a release may worsen before it is flagged (every metric with data is
# checked): latency in ms over the geometric mean, satisfaction (of 5), cost per
# conversation in USD, any score (0 to 1).
REGRESSION_MAX_LATENCY_MS = env_number("REGRESSION_MAX_LATENCY_MS", 100)
REGRESSION_MAX_SATISFACTION_DROP = env_number("REGRESSION_MAX_SATISFACTION_DROP", 0.2)
REGRESSION_MAX_COST_INCREASE = env_number("REGRESSION_MAX_COST_INCREASE", 0.005)
REGRESSION_MAX_SCORE_DROP = env_number("REGRESSION_MAX_SCORE_DROP", 0.05)

# Webhooks: each delivery is tried up to WEBHOOK_MAX_TRIES times, waiting
# WEBHOOK_BACKOFF_SECONDS after the first failure and four times longer after each
# next one (30 s, 2 min, 8 min, 32 min, 2 h 8 min). A try gives up after
# WEBHOOK_TIMEOUT_SECONDS. Private, loopback and link-local targets are refused
# unless WEBHOOK_ALLOW_PRIVATE=1 (a receiver on the same network, or tests).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE")
WEBHOOK_MAX_TRIES = env_number("WEBHOOK_MAX_TRIES", 6)
WEBHOOK_BACKOFF_SECONDS = env_number("WEBHOOK_BACKOFF_SECONDS", 30.0)
WEBHOOK_TIMEOUT_SECONDS = env_number("WEBHOOK_TIMEOUT_SECONDS", 5.0)
# Delivered and failed deliveries stay in the log this many days.
WEBHOOK_LOG_DAYS = env_number("WEBHOOK_LOG_DAYS", 30)

# Changes (`GET /changes`, the stream) are kept this many hours (at least 24): a reader
# asking for an older one is told to refetch everything.
CHANGES_KEEP_HOURS = max(24, env_number("CHANGES_KEEP_HOURS", 48))
# How long audit entries are kept: the job sweep removes older ones (never under a day).
AUDIT_RETENTION_DAYS = max(1, env_number("AUDIT_RETENTION_DAYS", 400))
# The stream (`GET /stream`): a `: ping` this often; without Redis (or while it is
# down) each process reads new changes from the database this often; with Redis it
# still does, this often, in case an announcement was lost.
STREAM_PING_S = env_number("STREAM_PING_S", 15.0)
STREAM_POLL_S = env_number("STREAM_POLL_S", 1.0)
STREAM_SAFETY_POLL_S = env_number("STREAM_SAFETY_POLL_S", 10.0)
STREAM_REDIS_TIMEOUT_S = env_number("STREAM_REDIS_TIMEOUT_S", 0.5)
# The production server (`manage.py serve`): threads per process for requests other
# than the stream.
SERVE_THREADS = env_number("SERVE_THREADS", 8)
SERVE_GRACEFUL_S = env_number("SERVE_GRACEFUL_S", 3)

# JSON API: request bodies above this many bytes are refused with 413.
API_MAX_BODY_BYTES = env_number("API_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_MAX_BODY_BYTES, 2_621_440)
# How long a per-process cache may trust a token lookup (a revoked token is
# refused within this many seconds; with Redis, revocation is immediate).
API_TOKEN_CACHE_SECONDS = env_number("API_TOKEN_CACHE_SECONDS", 5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "agents:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Content-Security-Policy: scripts and styles only from our own static files
# (htmx is vendored; no inline scripts, no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_HTTPS"):
    # Served over TLS (usually behind a proxy that sets X-Forwarded-Proto).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain-HTTP requests are redirected to HTTPS (the probes too: point them at
    # https, or exempt them with DJANGO_SSL_REDIRECT_EXEMPT=healthz,readyz).
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [
        rf"^{path}$" for path in env_list("DJANGO_SSL_REDIRECT_EXEMPT", "") if path
    ]
    # Browsers remember to use HTTPS only for this long (default one year). Start
    # with a short age (e.g. 300) when first enabling HTTPS, raise it once sure.
    SECURE_HSTS_SECONDS = env_number("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
