"""Running the production profile (bin/stack) for end-to-end tests, each module its
own stack: a fresh PostgreSQL database, Redis db 11, noida-db (or ELASTICSEARCH_URL),
free ports; stopped and dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("RAABTA_E2E_REDIS_URL", "redis://127.0.0.1:6379/11")
FIRMS = 2000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    log: Path
    queue: str
    database: str

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)


def free_port() -> int:
    return _free_port()


def token(stack: Stack, username: str, role: str = "officer") -> dict[str, str]:
    """A new user of ``role`` (provisioned as an operator would) and its API token."""
    stack.shell(
        "from accounts.services import user_create\n"
        f"user_create(username='{username}', password='e2e-password-1', role='{role}')"
    )
    return login(stack, username)


def login(stack: Stack, username: str) -> dict[str, str]:
    """The ``Authorization`` header of a fresh API token for ``username``."""
    response = requests.post(
        f"{stack.url}/api/v1/auth/token/",
        data={"username": username, "password": "e2e-password-1"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Token {response.json()['token']}"}


def is_ready(url: str) -> bool:
    """Whether the web process at ``url`` says it may be sent traffic."""
    try:
        return requests.get(f"{url}/api/v1/health/ready/", timeout=2).ok
    except requests.RequestException:  # not listening yet, or busy starting
        return False


def until(check: Callable[[], Any], seconds: float, what: str, stack: Stack) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(
        f"{what} within {seconds:.0f} s; stack log:\n{stack.log.read_text()[-4000:]}"
    )


@contextlib.contextmanager
def running_stack(data: Path, **settings: str) -> Iterator[Stack]:
    """``bin/stack`` with its own database, queue and ports; ``settings`` are extra
    environment variables."""
    database = f"raabta_e2e_{uuid.uuid4().hex[:8]}"
    port = _free_port()
    queue = f"raabta-e2e-{uuid.uuid4().hex[:8]}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "RAABTA_", "PROMETHEUS_")) and key != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=REDIS_URL,
        RAABTA_DATA_DIR=str(data),
        RAABTA_ADDRESS=f"127.0.0.1:{port}",
        RAABTA_NOIDA_PORT=str(_free_port()),
        RAABTA_WEB_WORKERS="2",
        RAABTA_TASK_QUEUE=queue,
        RAABTA_METRICS_TOKEN="e2e-scrape",
        # small indexing rounds: a worker killed while it indexes is caught mid-job
        RAABTA_INDEX_BATCH="100",
        # The stand-in (noida-db) on this loaded 2-core machine answered some searches in
        # over the production default of 2 s once a second index existed (CI, 2026-12-04),
        # and a search that times out is answered from the database, degraded.
        RAABTA_SEARCH_TIMEOUT="10",
        **settings,
    )
    redis.Redis.from_url(REDIS_URL).flushdb()
    log = data / "stack.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin/stack")], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    running = Stack(
        url=f"http://127.0.0.1:{port}", env=env, log=log, queue=queue, database=database
    )

    def ready() -> bool:
        assert process.poll() is None, f"bin/stack exited:\n{log.read_text()[-4000:]}"
        return is_ready(running.url)

    try:
        until(ready, 240, "the stack did not become ready", running)
        secret = (data / "secret-key").read_text().strip()
        running.env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=secret,
            ELASTICSEARCH_URL=env.get("ELASTICSEARCH_URL")
            or f"http://127.0.0.1:{env['RAABTA_NOIDA_PORT']}",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SECURE_COOKIES="false",
            PROMETHEUS_MULTIPROC_DIR=str(data / "metrics"),
        )
        yield running
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with psycopg.connect(dbname="postgres", host="127.0.0.1", user="postgres",
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as started:
        yield started
