"""schemathesis against the live app: gunicorn serving a demo catalogue, every
operation of the OpenAPI schema, every check (server errors, response-schema
conformance, undocumented statuses and content types, valid data accepted and invalid
data refused, authentication not ignored), as an officer and anonymously.

Bounded and sequential: ``RAABTA_FUZZ_EXAMPLES`` examples per operation (default 10)
with a fixed seed (``RAABTA_FUZZ_SEED``), so a failure is reproducible with the printed
command.
The sign-out endpoints are left out: they revoke the token the run uses
(tests/security/test_auth.py covers them)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EXAMPLES = os.environ.get("RAABTA_FUZZ_EXAMPLES", "10")
SEED = os.environ.get("RAABTA_FUZZ_SEED", "20261202")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _database(tmp: Path) -> Iterator[str]:
    """The suite's database engine, in a database of the app's own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp / 'fuzz.sqlite3'}"
        return
    import psycopg

    name = f"raabta_fuzz_{uuid.uuid4().hex[:8]}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _manage(env: dict[str, str], *args: str) -> str:
    command = [str(BIN / "python"), "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    with _database(tmp) as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "RAABTA_DATA_DIR": str(tmp),
            "DJANGO_DEBUG": "false",
            "REDIS_URL": "",
            "RAABTA_THROTTLE_ANON": "100000/min",
            "RAABTA_THROTTLE_USER": "100000/min",
            "RAABTA_THROTTLE_TOKEN": "100000/min",
            "RAABTA_THROTTLE_SIGNUP": "100000/min",
        }
        _manage(env, "migrate", "--verbosity", "0")
        _manage(env, "load_demo", "--size", "200", "--briefs", "30")
        token = (
            _manage(
                env,
                "shell",
                "-c",
                (
                    "from accounts.models import User; from accounts.services import token_issue; "
                    "print(token_issue(user=User.objects.get(username='officer'))['token'])"
                ),
            )
            .strip()
            .splitlines()[-1]
        )
        port = _free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{url}/api/v1/health/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            yield url, token
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.mark.parametrize("caller", ["officer", "anonymous"])
def test_the_live_api_keeps_to_its_openapi_schema(live_app: tuple[str, str], caller: str) -> None:
    url, token = live_app
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{url}/api/v1/schema/",
        "--checks",
        "all",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--workers",  # one: the same order every run, no write races on SQLite
        "1",
        "--exclude-path-regex",
        "signout",
        "--no-color",
    ]
    if caller == "officer":
        command += ["-H", f"Authorization: Token {token}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    failures = done.stdout.split("WARNINGS ===")[0]
    report = failures[-12000:] + done.stdout[-1500:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert (
        " passed" in done.stdout
        or "No issues found" in done.stdout
        or "failures" not in done.stdout
    ), report
