import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(name: str, **env: str) -> str:
    """A setting as a fresh interpreter sees it after importing the settings alone."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    program = f"import config.settings as s; print(s.{name})"
    found = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return found.stdout.strip()


def test_debug_is_off_unless_the_development_profile_asks_for_it():
    assert settings_value("DEBUG") == "False"
    assert settings_value("DEBUG", DJANGO_DEBUG="1") == "True"
    assert "DJANGO_DEBUG" in (ROOT / "bin" / "serve").read_text()


def test_importing_the_settings_writes_nothing(tmp_path):
    data = tmp_path / "data"
    assert settings_value("STATIC_ROOT", RAABTA_DATA_DIR=str(data)) == str(data / "static")
    assert not data.exists()


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 64 + "-a-long-random-production-secret",
        DJANGO_ALLOWED_HOSTS="raabta.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("proxies", "believed"), [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")]
)
def test_x_forwarded_proto_is_believed_only_behind_configured_proxies(proxies, believed):
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = manage(
        "shell",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 64 + "-a-long-random-production-secret",
        RAABTA_NUM_PROXIES=proxies,
    )
    assert result.stdout.strip().splitlines()[-1] == believed, result.stderr


def test_typed_values_come_from_the_environment():
    assert settings_value("RAABTA_INDEX_BATCH", RAABTA_INDEX_BATCH="40") == "40"
    assert settings_value("ALLOWED_HOSTS", DJANGO_ALLOWED_HOSTS="a.example, b.example") == str(
        ["a.example", "b.example"]
    )
    assert settings_value("RAABTA_TASKS_INLINE", RAABTA_TASKS_INLINE="no") == "False"
    url = "postgres://raabta:secret@db.example:6432/raabta"
    database = settings_value("DATABASES['default']", DATABASE_URL=url)
    for part in ("'HOST': 'db.example'", "'PORT': 6432", "'NAME': 'raabta'", "'CONN_MAX_AGE': 60"):
        assert part in database


def test_a_value_that_does_not_parse_names_its_variable():
    result = manage("check", RAABTA_INDEX_BATCH="lots")
    assert result.returncode != 0
    assert "RAABTA_INDEX_BATCH: invalid literal for int()" in result.stderr
