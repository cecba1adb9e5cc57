"""What the settings profiles build alike: the environment reader, the Redis caches and
the logging set-up.

The builders are plain functions of their arguments (no environment reads), so the
profiles and the tests call them with the values they want.
"""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


class Env(environ.Env):
    """django-environ's reader, whose errors name the variable: ``RAABTA_INDEX_BATCH="lots"``
    stops the start with "RAABTA_INDEX_BATCH: invalid literal for int() …" instead of a
    bare ValueError."""

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as error:
            raise ImproperlyConfigured(f"{var}: {error}") from error

    def list(self, var: str, cast: Any = None, default: Any = environ.Env.NOTSET) -> Any:
        """A comma-separated list, each item stripped, empty items dropped ("a, b," is
        ["a", "b"]; django-environ keeps the spaces)."""
        items = super().list(var, cast=cast, default=default)
        return [item.strip() if isinstance(item, str) else item for item in items if item != ""]


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


def logging_config(log_format: str, *, level: str = "INFO") -> dict[str, Any]:
    """Logs: one line per record on stderr with the request id; JSON for a log shipper
    when ``log_format`` is "json", plain text otherwise."""
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
        "root": {"handlers": ["console"], "level": level},
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
