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

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext

from config.settings.parts import Env, logging_config, redis_caches

# Django's admin classes take type arguments at run time as mypy checks them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Every value below is read through django-environ, typed (env.bool, env.int, env.list);
# a value that does not parse stops the start with the variable's name.
env = Env()

DATA_DIR = Path(env.str("RAABTA_DATA_DIR", default=str(BASE_DIR / "var")))

# Off unless asked for: the embedded development profile (bin/serve) turns it on, so a
# server started any other way never shows tracebacks and settings to the public.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The development key is only ever used by the embedded profile; production.py
# refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-raabta-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "notifications",
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
                "notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'raabta.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
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

REDIS_URL = env.str("REDIS_URL", default="")
# What every worker process must see alike — the search cache's generation number (and
# rate-limit buckets, core.api.throttles) — lives in Redis when there is one, else in a
# database table (a local-memory cache is per process).
SHARED_DATABASE_CACHE: dict[str, object] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "raabta_shared_cache",
    # Culling must never drop the generation key.
    "OPTIONS": {"MAX_ENTRIES": 1_000_000},
}


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, env.str("RAABTA_CACHE_PREFIX", default="raabta"))
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": SHARED_DATABASE_CACHE,
    }

# Search: the embedded engine (tantivy, index on local disk) unless ELASTICSEARCH_URL
# points at an Elasticsearch 8/9 cluster.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
if ELASTICSEARCH_URL:
    SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "URL": ELASTICSEARCH_URL,
            "INDEX": env.str("RAABTA_SEARCH_INDEX", default="raabta-vendors"),
            # Buyers and briefs (search/demand.py).
            "DEMAND_INDEX": env.str("RAABTA_DEMAND_INDEX", default="raabta-demand"),
            "TIMEOUT": env.float("RAABTA_SEARCH_TIMEOUT", default=2.0),
            "RETRIES": env.int("RAABTA_SEARCH_RETRIES", default=2),
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
RAABTA_SEARCH_CACHE_SECONDS = env.int("RAABTA_SEARCH_CACHE_SECONDS", default=300)
# Vendor changes indexed per round trip by the worker; each round's events leave the
# outbox once the search engine has them, so a killed worker repeats one round at most.
RAABTA_INDEX_BATCH = env.int("RAABTA_INDEX_BATCH", default=2500)

# Matchmaking: the least share of each shortlist given to small firms (≤ 20 people) and
# firms outside Lahore, Karachi and Islamabad, when qualified candidates exist.
RAABTA_EXPOSURE_FLOOR = env.float("RAABTA_EXPOSURE_FLOOR", default=0.2)
# Briefs a firm may raise its hand on in any 24 hours (matchmaking/opportunities.py).
RAABTA_HANDS_PER_DAY = env.int("RAABTA_HANDS_PER_DAY", default=5)
# Each tells every officer (and e-mails them) or the other side: bounded per 24 hours.
RAABTA_BUYER_REQUESTS_PER_DAY = env.int("RAABTA_BUYER_REQUESTS_PER_DAY", default=10)
RAABTA_MESSAGES_PER_DAY = env.int("RAABTA_MESSAGES_PER_DAY", default=100)
# Open briefs published within this many days are opportunities for firms.
RAABTA_OPPORTUNITY_DAYS = env.int("RAABTA_OPPORTUNITY_DAYS", default=90)
# Firms a server process reads into memory before its workers fork (core.runtime), so
# no worker pays for meeting a firm the first time; about 10 KB each, shared by the
# workers. 0 turns it off (a faster start, slower first matches).
RAABTA_PREWARM_FIRMS = env.int("RAABTA_PREWARM_FIRMS", default=50000)
# Firms each process keeps as the ranker reads them (matchmaking/selectors.py): a firm
# outside it is read, decoded and given catalogue rows again when next a candidate.
# Raise it with RAABTA_PREWARM_FIRMS to the catalogue's size when memory allows
# (docs/benchmarks.md: memory at 10,000 and 100,000 firms).
RAABTA_FIRMS_CACHED = env.int("RAABTA_FIRMS_CACHED", default=60000)

# Background work: an RQ queue on Redis when REDIS_URL is set, else run inline right
# after the transaction commits. RAABTA_TASKS_INLINE=true forces inline.
RAABTA_TASKS_INLINE = env.bool("RAABTA_TASKS_INLINE", default=not REDIS_URL)
RAABTA_TASK_QUEUE = env.str("RAABTA_TASK_QUEUE", default="raabta")
# The periodic jobs (manage.py run_scheduler; core/schedule.py): each task is idempotent.
RAABTA_SCHEDULE: list[dict[str, Any]] = [
    # Safety nets for work whose job was lost: index changes, e-mail retries, suggestions.
    {"task": "search.sync.sync_search_index", "interval": 300},
    {"task": "search.sync.sync_demand_index", "interval": 300},
    {"task": "core.mail.send_pending_emails", "interval": 300},
    {"task": "matchmaking.curation.suggestions.suggest_for_changed_briefs", "interval": 300},
    # Nightly: repair drift between database and index; retrain when enough new outcomes.
    {"task": "search.sync.reconcile_search_index", "cron": "30 2 * * *", "timeout": 3600},
    # Nightly: certificates that lapsed are claims again (the verification queue's count).
    {"task": "vendors.verification.recount_claims", "cron": "15 2 * * *", "timeout": 3600},
    {"task": "matchmaking.training.jobs.retrain_if_due", "cron": "0 3 * * *", "timeout": 3600},
    # Nightly: API tokens past their expiry (each is refused anyway when presented).
    {"task": "accounts.authentication.purge_expired_tokens", "cron": "45 2 * * *"},
    # Nightly: rate-limit buckets that are full again (the same as none; no Redis only).
    {"task": "core.api.throttles.purge_full_buckets", "cron": "50 2 * * *"},
    # Mondays: each firm's digest of new open briefs that fit it (once per ISO week).
    {
        "task": "matchmaking.curation.opportunities.send_digests",
        "cron": "0 6 * * 1",
        "timeout": 10800,
    },
]

# Curation: an introduction whose stage has not moved for this many days is flagged
# stale; won export value is measured against a yearly target (US dollars).
RAABTA_STALE_AFTER_DAYS = env.int("RAABTA_STALE_AFTER_DAYS", default=21)
RAABTA_EXPORT_TARGET_USD = env.int("RAABTA_EXPORT_TARGET_USD", default=10000000000)
RAABTA_SUGGESTIONS_PER_BRIEF = env.int("RAABTA_SUGGESTIONS_PER_BRIEF", default=10)

# E-mail goes through Django's e-mail framework: printed to the console unless an SMTP
# server is configured. Messages are queued in core.Email and sent after commit by the
# background queue, at most once each.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Raabta <no-reply@raabta.example>")
# The address e-mails link back to (notifications end with the page to open).
RAABTA_SITE_URL = env.str("RAABTA_SITE_URL", default="http://127.0.0.1:8000")
# A conversation e-mails each participant at most once per this many minutes (and not
# again while they leave the first one unread).
RAABTA_MESSAGE_QUIET_MINUTES = env.int("RAABTA_MESSAGE_QUIET_MINUTES", default=30)

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front of the app whose X-Forwarded-For may be believed (0: none, use the
# socket address). Set it to the number of proxies you run, never more (docs/security.md).
RAABTA_NUM_PROXIES = env.int("RAABTA_NUM_PROXIES", default=0)
# Sign-in lockout (pages, admin, API token): after this many wrong passwords for one
# username from one address, that pair is refused for the cool-off time.
AXES_FAILURE_LIMIT = env.int("RAABTA_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("RAABTA_SIGNIN_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.pages.locked_out"
AXES_VERBOSE = False
# API tokens (django-rest-knox): stored as hashes, expire, revoked on sign-out.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("RAABTA_TOKEN_TTL_HOURS", default=24 * 7)),
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
        "anon": env.str("RAABTA_THROTTLE_ANON", default="120/min"),
        "user": env.str("RAABTA_THROTTLE_USER", default="1200/min"),
        "signup": env.str("RAABTA_THROTTLE_SIGNUP", default="20/min"),
        "token": env.str("RAABTA_THROTTLE_TOKEN", default="30/min"),
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
RAABTA_IMPORT_MAX_BYTES = env.int("RAABTA_IMPORT_MAX_BYTES", default=64 * 1024 * 1024)
RAABTA_IMPORT_MAX_ERRORS = env.int("RAABTA_IMPORT_MAX_ERRORS", default=1000)

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


RAABTA_LOG_FORMAT = env.str("RAABTA_LOG_FORMAT", default="text")
LOGGING = logging_config(RAABTA_LOG_FORMAT, level=env.str("DJANGO_LOG_LEVEL", default="INFO"))
# Prometheus scrapes /metrics with "Authorization: Bearer <this>" (officers may look
# too); unset, only officers can.
RAABTA_METRICS_TOKEN = env.str("RAABTA_METRICS_TOKEN", default="")
