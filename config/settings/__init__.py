"""Raabta settings: twelve-factor, every value from the environment.

With no environment variables at all the service runs on the *embedded default*:
SQLite, local-memory cache, tasks run inline, ``DEBUG`` off (``bin/serve``, the embedded
development profile, sets ``DJANGO_DEBUG=1``). Importing these settings changes nothing
on disk; the data directory's folders are made when Django starts (``core.apps``). The
test suite runs on ``config.settings.test``. Production sets ``DATABASE_URL``,
``REDIS_URL`` and friends and uses ``config.settings.production``, which refuses to
start without a real secret key.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("RAABTA_DATA_DIR", str(BASE_DIR / "var")))

# Off unless asked for: the embedded development profile (bin/serve) turns it on, so a
# server started any other way never shows tracebacks and settings to the public.
DEBUG = env_bool("DJANGO_DEBUG", False)
# The development key is only ever used by the embedded profile; production.py
# refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-raabta-development-only")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_prometheus",
    "django_guid",
    "core",
    "accounts",
    "vendors",
    "buyers",
    "search",
    "matchmaking",
    "events",
]

MIDDLEWARE = [
    # First and last: request latency per view, status and method (Prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id for every log line (X-Request-ID in, or a new one; sent back).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last but one, as django-axes asks: turns a locked-out sign-in into its 429 answer.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "matchmaking.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'raabta.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an import writes; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: an in-memory database shares one cache between threads
    # and fails concurrent writers at once ("table is locked") instead of making them
    # wait as the real file does, so concurrency tests would test SQLite's test mode.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

REDIS_URL = env("REDIS_URL")
# What every worker process must see alike — the search cache's generation number (and
# rate-limit buckets, core.api.throttles) — lives in Redis when there is one, else in a
# database table (a local-memory cache is per process).
SHARED_DATABASE_CACHE: dict[str, object] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "raabta_shared_cache",
    # Culling must never drop the generation key.
    "OPTIONS": {"MAX_ENTRIES": 1_000_000},
}


def redis_caches(url: str, prefix: str) -> dict[str, dict[str, object]]:
    """The caches of the production profile: Redis for cached results and shared state
    (errors swallowed: a dead Redis must not take the API down, requests run uncached)
    and for rate-limit buckets (errors raised, so counting falls back to the database)."""

    def redis(key_prefix: str, *, ignore_errors: bool) -> dict[str, object]:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "IGNORE_EXCEPTIONS": ignore_errors,
            },
        }

    return {
        "default": redis(prefix, ignore_errors=True),
        "shared": redis(prefix, ignore_errors=True),
        # Rate-limit buckets (core.api.throttles): errors raised, so that counting moves
        # to the database table while Redis does not answer.
        "throttle": redis(f"{prefix}:throttle", ignore_errors=False),
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, env("RAABTA_CACHE_PREFIX", "raabta"))
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": SHARED_DATABASE_CACHE,
    }

# Search: the embedded engine (tantivy, index on local disk) unless ELASTICSEARCH_URL
# points at an Elasticsearch 8/9 cluster.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
if ELASTICSEARCH_URL:
    SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "URL": ELASTICSEARCH_URL,
            "INDEX": env("RAABTA_SEARCH_INDEX", "raabta-vendors"),
            # Buyers and briefs (search/demand.py).
            "DEMAND_INDEX": env("RAABTA_DEMAND_INDEX", "raabta-demand"),
            "TIMEOUT": float(env("RAABTA_SEARCH_TIMEOUT", "2.0")),
            "RETRIES": int(env("RAABTA_SEARCH_RETRIES", "2")),
        }
    }
else:
    SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.embedded.EmbeddedBackend",
            "PATH": str(DATA_DIR / "search"),
        }
    }
# Seconds a search result may be served from the cache (it is also invalidated by
# every index change).
RAABTA_SEARCH_CACHE_SECONDS = int(env("RAABTA_SEARCH_CACHE_SECONDS", "300"))
# Vendor changes indexed per round trip by the worker; each round's events leave the
# outbox once the search engine has them, so a killed worker repeats one round at most.
RAABTA_INDEX_BATCH = int(env("RAABTA_INDEX_BATCH", "2500"))

# Matchmaking: the least share of each shortlist given to small firms (≤ 20 people) and
# firms outside Lahore, Karachi and Islamabad, when qualified candidates exist.
RAABTA_EXPOSURE_FLOOR = float(env("RAABTA_EXPOSURE_FLOOR", "0.2"))
# Briefs a firm may raise its hand on in any 24 hours (matchmaking/opportunities.py).
RAABTA_HANDS_PER_DAY = int(env("RAABTA_HANDS_PER_DAY", "5"))
# Each tells every officer (and e-mails them) or the other side: bounded per 24 hours.
RAABTA_BUYER_REQUESTS_PER_DAY = int(env("RAABTA_BUYER_REQUESTS_PER_DAY", "10"))
RAABTA_MESSAGES_PER_DAY = int(env("RAABTA_MESSAGES_PER_DAY", "100"))
# Open briefs published within this many days are opportunities for firms.
RAABTA_OPPORTUNITY_DAYS = int(env("RAABTA_OPPORTUNITY_DAYS", "90"))
# Firms a server process reads into memory before its workers fork (core.runtime), so
# no worker pays for meeting a firm the first time; about 10 KB each, shared by the
# workers. 0 turns it off (a faster start, slower first matches).
RAABTA_PREWARM_FIRMS = int(env("RAABTA_PREWARM_FIRMS", "50000"))
# Firms each process keeps as the ranker reads them (matchmaking/selectors.py): a firm
# outside it is read, decoded and given catalogue rows again when next a candidate.
# Raise it with RAABTA_PREWARM_FIRMS to the catalogue's size when memory allows
# (docs/benchmarks.md: memory at 10,000 and 100,000 firms).
RAABTA_FIRMS_CACHED = int(env("RAABTA_FIRMS_CACHED", "60000"))

# Background work: an RQ queue on Redis when REDIS_URL is set, else run inline right
# after the transaction commits. RAABTA_TASKS_INLINE=true forces inline.
RAABTA_TASKS_INLINE = env_bool("RAABTA_TASKS_INLINE", not REDIS_URL)
RAABTA_TASK_QUEUE = env("RAABTA_TASK_QUEUE", "raabta")
# The periodic jobs (manage.py run_scheduler; core/schedule.py): each task is idempotent.
RAABTA_SCHEDULE: list[dict[str, Any]] = [
    # Safety nets for work whose job was lost: index changes, e-mail retries, suggestions.
    {"task": "search.sync.sync_search_index", "interval": 300},
    {"task": "search.sync.sync_demand_index", "interval": 300},
    {"task": "core.mail.send_pending_emails", "interval": 300},
    {"task": "matchmaking.curation.suggest_for_changed_briefs", "interval": 300},
    # Nightly: repair drift between database and index; retrain when enough new outcomes.
    {"task": "search.sync.reconcile_search_index", "cron": "30 2 * * *", "timeout": 3600},
    # Nightly: certificates that lapsed are claims again (the verification queue's count).
    {"task": "vendors.verification.recount_claims", "cron": "15 2 * * *", "timeout": 3600},
    {"task": "matchmaking.jobs.retrain_if_due", "cron": "0 3 * * *", "timeout": 3600},
    # Nightly: API tokens past their expiry (each is refused anyway when presented).
    {"task": "accounts.authentication.purge_expired_tokens", "cron": "45 2 * * *"},
    # Nightly: rate-limit buckets that are full again (the same as none; no Redis only).
    {"task": "core.api.throttles.purge_full_buckets", "cron": "50 2 * * *"},
    # Mondays: each firm's digest of new open briefs that fit it (once per ISO week).
    {"task": "matchmaking.opportunities.send_digests", "cron": "0 6 * * 1", "timeout": 10800},
]

# Curation: an introduction whose stage has not moved for this many days is flagged
# stale; won export value is measured against a yearly target (US dollars).
RAABTA_STALE_AFTER_DAYS = int(env("RAABTA_STALE_AFTER_DAYS", "21"))
RAABTA_EXPORT_TARGET_USD = int(env("RAABTA_EXPORT_TARGET_USD", "10000000000"))
RAABTA_SUGGESTIONS_PER_BRIEF = int(env("RAABTA_SUGGESTIONS_PER_BRIEF", "10"))

# E-mail goes through Django's e-mail framework: printed to the console unless an SMTP
# server is configured. Messages are queued in core.Email and sent after commit by the
# background queue, at most once each.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Raabta <no-reply@raabta.example>")
# The address e-mails link back to (notifications end with the page to open).
RAABTA_SITE_URL = env("RAABTA_SITE_URL", "http://127.0.0.1:8000")
# A conversation e-mails each participant at most once per this many minutes (and not
# again while they leave the first one unread).
RAABTA_MESSAGE_QUIET_MINUTES = int(env("RAABTA_MESSAGE_QUIET_MINUTES", "30"))

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front of the app whose X-Forwarded-For may be believed (0: none, use the
# socket address). Set it to the number of proxies you run, never more (docs/security.md).
RAABTA_NUM_PROXIES = int(env("RAABTA_NUM_PROXIES", "0"))
# Sign-in lockout (pages, admin, API token): after this many wrong passwords for one
# username from one address, that pair is refused for the cool-off time.
AXES_FAILURE_LIMIT = int(env("RAABTA_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("RAABTA_SIGNIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.pages.locked_out"
AXES_VERBOSE = False
# API tokens (django-rest-knox): stored as hashes, expire, revoked on sign-out.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(env("RAABTA_TOKEN_TTL_HOURS", str(24 * 7)))),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 50,
    "AUTO_REFRESH": False,
}
# Content-Security-Policy: scripts, styles, images and forms only from this origin (the
# pages use style attributes, so inline styles are allowed; inline scripts are not).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.body.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "core.api.metadata.PlainMetadata",
    "DEFAULT_PAGINATION_CLASS": "core.api.params.CountedPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["core.api.params.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.RaabtaAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.AnonThrottle",
        "core.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("RAABTA_THROTTLE_ANON", "120/min"),
        "user": env("RAABTA_THROTTLE_USER", "1200/min"),
        "signup": env("RAABTA_THROTTLE_SIGNUP", "20/min"),
        "token": env("RAABTA_THROTTLE_TOKEN", "30/min"),
    },
    "NUM_PROXIES": RAABTA_NUM_PROXIES,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Raabta API",
    "DESCRIPTION": (
        "Matchmaking between Pakistani IT & ITeS firms and foreign buyers. "
        "Every operation states who may call it."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are pydantic models, whose JSON Schema (2020-12) is OpenAPI 3.1.
    "OAS_VERSION": "3.1.0",
    # Swagger UI's JavaScript and CSS come from the app's own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RejectReasonEnum": "matchmaking.models.RejectReason",
        "ParticipantKindEnum": "events.models.Participant.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_refusals",
    ],
}

# The largest JSON Lines import an officer may send over HTTP (body or upload), and the
# most per-line errors a report lists (every rejected line is still counted).
RAABTA_IMPORT_MAX_BYTES = int(env("RAABTA_IMPORT_MAX_BYTES", str(64 * 1024 * 1024)))
RAABTA_IMPORT_MAX_ERRORS = int(env("RAABTA_IMPORT_MAX_ERRORS", "1000"))

# load_demo creates accounts with a published password (admin/raabta-demo …): allowed
# on the embedded default, refused by the production profile.
RAABTA_DEMO_ACCOUNTS = True

# Where currency amounts have no rate on or before their date, the earliest rate is
# used; rates live in the core.CurrencyRate table (admin-editable, seeded by migration).
RAABTA_BASE_CURRENCY = "USD"

# Logs: one line per record on stderr, with the request id (django-guid). JSON
# (python-json-logger) when RAABTA_LOG_FORMAT=json — the production profile's default —
# for a log shipper; plain text otherwise.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "EXPOSE_HEADER": True}


def logging_config(log_format: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestId"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if log_format == "json" else "text",
            }
        },
        "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
        "loggers": {
            # Django's own console handler would print its records a second time.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # The Elasticsearch client logs every request at INFO; failures still show.
            "elastic_transport": {"level": "WARNING"},
            # django-guid says at INFO, for every request without an X-Request-ID, that
            # it made one: a line per request that tells nothing.
            "django_guid": {"level": "WARNING"},
        },
    }


RAABTA_LOG_FORMAT = env("RAABTA_LOG_FORMAT", "text")
LOGGING = logging_config(RAABTA_LOG_FORMAT)
# Prometheus scrapes /metrics with "Authorization: Bearer <this>" (officers may look
# too); unset, only officers can.
RAABTA_METRICS_TOKEN = env("RAABTA_METRICS_TOKEN")
