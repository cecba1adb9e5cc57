"""Sign-in, tokens, throttles and what anonymous callers learn (issue 10, items 5-9, 21)."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import token_issue, user_create

pytestmark = pytest.mark.django_db
PASSWORD = "right-horse-battery-9"


@pytest.fixture
def member(db: None) -> User:
    return user_create(username="amna", password=PASSWORD, role="vendor")


def _token(api: APIClient, password: str, **extra: Any):
    return api.post(
        "/api/v1/auth/token/", {"username": "amna", "password": password}, format="json", **extra
    )


# 5. Proxy headers -------------------------------------------------------------------------
@pytest.fixture
def token_rate(monkeypatch):
    # DRF reads the rates into the class once; patch them there.
    from core.api.throttles import ScopedThrottle

    def set_rate(rate: str) -> None:
        monkeypatch.setattr(
            ScopedThrottle, "THROTTLE_RATES", {**ScopedThrottle.THROTTLE_RATES, "token": rate}
        )

    return set_rate


def test_rotating_x_forwarded_for_does_not_reset_the_token_throttle(api, member, token_rate):
    token_rate("3/min")
    codes = [
        _token(api, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]


def test_a_forged_victim_address_does_not_use_up_the_victims_allowance(member, token_rate):
    token_rate("3/min")
    attacker = APIClient(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        _token(attacker, f"wrong-{n}", HTTP_X_FORWARDED_FOR="198.51.100.7")
    victim = APIClient(REMOTE_ADDR="198.51.100.7")
    assert _token(victim, PASSWORD).status_code == 200


def test_behind_a_configured_proxy_the_forwarded_address_counts(settings):
    from django.test import RequestFactory

    from core.net import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    settings.RAABTA_NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"
    settings.RAABTA_NUM_PROXIES = 1  # one proxy: it appended the address it saw
    assert client_ip(request) == "198.51.100.7"


# 6. Brute force ---------------------------------------------------------------------------
def test_the_sign_in_page_locks_out_after_repeated_wrong_passwords(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for n in range(5):
        client.post("/accounts/signin/", {"username": "amna", "password": f"wrong-{n}"})
    response = client.post("/accounts/signin/", {"username": "amna", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_login_locks_out_too(client, settings):
    user_create(username="root", password=PASSWORD, role="admin")
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post("/admin/login/", {"username": "root", "password": f"wrong-{n}"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429


def test_the_token_endpoint_locks_out_and_is_its_own_bucket(api, member, settings):
    settings.AXES_FAILURE_LIMIT = 3
    assert [_token(api, f"wrong-{n}").status_code for n in range(3)] == [400, 400, 429]
    locked = _token(api, PASSWORD)
    assert locked.status_code == 429 and "try again" in locked.json()["detail"]
    # sign-up is a separate throttle bucket: still open from the same address
    body = {"username": "zara", "email": "z@example.org", "password": PASSWORD, "role": "buyer"}
    assert api.post("/api/v1/auth/signup/", body, format="json").status_code == 201


def test_throttle_counts_are_shared_between_processes(api, member, token_rate):
    """Without Redis the buckets live in a database table, not in this process's
    memory: forgetting the process-local cache (as another worker would not have it)
    leaves the count in force."""
    from django.core.cache import caches

    from core.models import ThrottleBucket

    token_rate("2/min")
    _token(api, "wrong-1")
    _token(api, "wrong-2")
    caches["default"].clear()  # what a fresh worker process would hold
    assert _token(api, PASSWORD).status_code == 429
    assert ThrottleBucket.objects.filter(key__startswith="throttle_token_").exists()


# 7. Tokens and CSP -----------------------------------------------------------------------
def test_tokens_are_stored_hashed_and_expire(api, member):
    body = _token(api, PASSWORD).json()
    stored = AuthToken.objects.get(user=member)
    assert body["token"] not in stored.digest and stored.digest != body["token"]
    assert body["expiry"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/auth/me/").status_code == 200
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_a_request_reads_only_the_token_presented_and_expired_ones_are_purged_nightly(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.authentication import purge_expired_tokens

    tokens = [token_issue(user=member)["token"] for _ in range(5)]
    AuthToken.objects.filter(user=member).exclude(
        pk=AuthToken.objects.filter(user=member).order_by("-created").first().pk
    ).update(expiry=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[-1]}")
    # the token and its user in one query (knox read the user's other tokens too)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/auth/me/").status_code == 200
    assert sum("knox_authtoken" in query["sql"] for query in queries.captured_queries) == 1
    assert AuthToken.objects.filter(user=member).count() == 5  # left for the nightly job
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    assert stale.get("/api/v1/auth/me/").status_code == 401  # refused before any purge
    assert purge_expired_tokens() == 3
    assert AuthToken.objects.filter(user=member).count() == 1
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert "accounts.authentication.purge_expired_tokens" in {
        job["task"] for job in settings.RAABTA_SCHEDULE
    }


def test_signing_out_revokes_the_token(api, member):
    first, second = token_issue(user=member)["token"], token_issue(user=member)["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.post("/api/v1/auth/signout/").status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert other.get("/api/v1/auth/me/").status_code == 200
    assert other.post("/api/v1/auth/signout-all/").status_code == 204
    assert not AuthToken.objects.filter(user=member).exists()


def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


# 8. Demo accounts ------------------------------------------------------------------------
def test_load_demo_refuses_demo_accounts_under_production_settings(settings):
    settings.RAABTA_DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="--no-users"):
        call_command("load_demo", "--size", "20", "--briefs", "5")
    assert not User.objects.filter(username="admin").exists()


def test_the_production_profile_disallows_demo_accounts():
    code = "import config.settings.production as p; print(p.RAABTA_DEMO_ACCOUNTS)"
    env = {"DJANGO_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


# 9. Health -------------------------------------------------------------------------------
def test_health_shows_details_to_officers_only(api, client_for):
    public = api.get("/api/v1/health/").json()
    assert public == {
        "database": {"ok": True},
        "search": {"ok": True},
        "demand_search": {"ok": True},
        "cache": {"ok": True},
    }
    detailed = client_for("officer").get("/api/v1/health/").json()
    assert detailed["database"]["vendor"] and "documents" in detailed["search"]


def test_health_hides_database_error_text_from_the_public(api, monkeypatch):
    from config import health

    def broken() -> dict:
        return {
            "ok": False,
            "error": 'connection to server at "db.internal" (10.1.2.3), port 5432 failed: '
            'role "raabta"',
        }

    monkeypatch.setattr(health, "_database", broken)
    response = api.get("/api/v1/health/")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False}
    assert "db.internal" not in response.content.decode()


# 21. Server entry points -----------------------------------------------------------------
@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_server_entry_points_refuse_to_run_without_a_secret_key(module):
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE, no DJANGO_SECRET_KEY
    out = subprocess.run(
        [sys.executable, "-c", f"import {module}"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in out.stderr
