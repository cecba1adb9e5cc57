"""The production profile end to end, through HTTP (issue 13, acceptance 1 and 2).

``bin/stack`` starts PostgreSQL-backed gunicorn (2 workers), the RQ worker and the
scheduler on this machine's PostgreSQL and Redis, with noida-db standing in for
Elasticsearch (or the cluster at ELASTICSEARCH_URL). Through the API: 2,000 firms are
imported while the worker is killed in the middle of indexing them (it is started again
by the stack) — nothing is lost and the index agrees with the database; they are
searched; a buyer's brief is matched, curated, accepted by both sides and moved to won;
/metrics adds up what the processes measured. Accounts are provisioned the way an
operator would (``manage.py shell``); everything else is HTTP.
"""

from __future__ import annotations

import json
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
from rq import Worker
from rq.worker import BaseWorker

from matchmaking.demo import DemoCatalogue

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"
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


def _until(check: Callable[[], Any], seconds: float, what: str, stack: Stack) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(
        f"{what} within {seconds:.0f} s; stack log:\n{stack.log.read_text()[-4000:]}"
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data = tmp_path_factory.mktemp("stack")
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
    )
    redis.Redis.from_url(REDIS_URL).flushdb()
    log = data / "stack.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin/stack")], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    running = Stack(url=f"http://127.0.0.1:{port}", env=env, log=log, queue=queue)

    def ready() -> bool:
        assert process.poll() is None, f"bin/stack exited:\n{log.read_text()[-4000:]}"
        try:
            return requests.get(f"{running.url}/api/v1/health/ready/", timeout=2).ok
        except requests.ConnectionError:
            return False

    try:
        _until(ready, 240, "the stack did not become ready", running)
        secret = (data / "secret-key").read_text().strip()
        running.env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=secret,
            ELASTICSEARCH_URL=env.get("ELASTICSEARCH_URL")
            or f"http://127.0.0.1:{env['RAABTA_NOIDA_PORT']}",
            DJANGO_SECURE_SSL_REDIRECT="false",
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


def _token(stack: Stack, username: str) -> dict[str, str]:
    response = requests.post(
        f"{stack.url}/api/v1/auth/token/",
        data={"username": username, "password": "e2e-password-1"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Token {response.json()['token']}"}


def _count(stack: Stack) -> int:
    response = requests.get(f"{stack.url}/api/v1/search/vendors", {"page_size": 1}, timeout=10)
    return (
        int(response.json()["count"]) if response.ok and "degraded" not in response.json() else -1
    )


def test_the_production_profile_end_to_end(stack: Stack) -> None:
    stack.shell(
        "from accounts.services import user_create;"
        "user_create(username='e2e-officer', password='e2e-password-1', role='officer')"
    )
    officer = _token(stack, "e2e-officer")

    # 2,000 firms through the API; the worker is killed while it indexes them.
    lines = "".join(json.dumps(r) + "\n" for r in DemoCatalogue(vendors=FIRMS, seed=5).vendors())
    imported = requests.post(
        f"{stack.url}/api/v1/vendors/import",
        data=lines.encode(),
        headers={**officer, "Content-Type": "application/x-ndjson"},
        timeout=120,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == FIRMS
    connection = redis.Redis.from_url(REDIS_URL)

    def busy_worker() -> BaseWorker | None:
        return next((w for w in Worker.all(connection) if w.get_state() == "busy"), None)

    worker = _until(busy_worker, 30, "no worker picked up the indexing job", stack)
    os.kill(worker.pid, signal.SIGKILL)
    assert _count(stack) < FIRMS  # killed mid-job: not everything is indexed yet
    # The stack starts the worker again; it replays the outbox: nothing is lost.
    _until(lambda: _count(stack) == FIRMS, 180, "the index did not catch up", stack)
    health = requests.get(f"{stack.url}/api/v1/health/", headers=officer, timeout=10).json()
    assert health["database"]["pending_index_changes"] == 0
    assert "The index matches the database." in stack.manage("reconcile_search_index", "--dry-run")

    # Searched as a buyer types.
    found = requests.get(
        f"{stack.url}/api/v1/search/vendors", {"q": "pyhton django Lahore"}, timeout=10
    ).json()
    assert found["understood"]["searched"] == "python django Lahore"
    assert found["count"] > 0 and found["results"][0]["city"] == "Lahore"

    # A buyer's brief is matched, curated, accepted by both sides and won.
    buyer_org = requests.post(
        f"{stack.url}/api/v1/buyers/",
        json={
            "external_id": "de-hafen",
            "name": "Hafen Logistik GmbH",
            "country": "DE",
            "industry": "Logistics",
        },
        headers=officer,
        timeout=10,
    )
    assert buyer_org.status_code == 201, buyer_org.text
    buyer_id = buyer_org.json()["external_id"]
    stack.shell(
        "from accounts.services import user_create\n"
        "from buyers.models import Buyer, BuyerMember\n"
        "u = user_create(username='e2e-buyer', password='e2e-password-1', role='buyer')\n"
        f"BuyerMember.objects.create(user=u, buyer=Buyer.objects.get(external_id='{buyer_id}'))"
    )
    buyer = _token(stack, "e2e-buyer")
    brief = requests.post(
        f"{stack.url}/api/v1/briefs/",
        json={
            "title": "Fleet tracking app",
            "description": "A Flutter app for our truck drivers, with live tracking.",
            "industry": "Logistics",
            "services": ["Mobile App Development"],
            "technologies": ["Flutter"],
            "budget": {"max": 60000, "currency": "EUR"},
        },
        headers=buyer,
        timeout=10,
    )
    assert brief.status_code == 201, brief.text
    brief_id = brief.json()["external_id"]
    shortlist = requests.get(
        f"{stack.url}/api/v1/briefs/{brief_id}/matches", headers=buyer, timeout=30
    )
    assert shortlist.status_code == 200 and shortlist.json()["matches"], shortlist.text

    def queued() -> dict[str, Any] | None:
        page = requests.get(f"{stack.url}/api/v1/curation/queue/", headers=officer, timeout=10)
        entries = page.json()["results"]
        return next(
            (e for e in entries if e["brief"]["external_id"] == brief_id and e["matches"]), None
        )

    entry = _until(queued, 60, "the worker did not suggest matches for the brief", stack)
    match = entry["matches"][0]
    approved = requests.post(
        f"{stack.url}/api/v1/curation/matches/{match['id']}/approve",
        json={"version": match["version"]},
        headers=officer,
        timeout=10,
    )
    assert approved.status_code == 200, approved.text
    firm = match["vendor"]["external_id"]
    stack.shell(
        "from accounts.services import user_create\n"
        "from vendors.models import Vendor, VendorMember\n"
        "u = user_create(username='e2e-vendor', password='e2e-password-1', role='vendor')\n"
        f"VendorMember.objects.create(user=u, vendor=Vendor.objects.get(external_id='{firm}'))"
    )
    vendor = _token(stack, "e2e-vendor")
    [invite] = requests.get(
        f"{stack.url}/api/v1/introductions/", headers=vendor, timeout=10
    ).json()["results"]
    for side in (vendor, buyer):
        current = requests.get(
            f"{stack.url}/api/v1/introductions/{invite['id']}/", headers=side, timeout=10
        ).json()
        answered = requests.post(
            f"{stack.url}/api/v1/introductions/{invite['id']}/respond",
            json={"version": current["version"], "accept": True},
            headers=side,
            timeout=10,
        )
        assert answered.status_code == 200, answered.text
    version = answered.json()["version"]
    for stage, extra in (
        ("meeting", {}),
        ("proposal", {}),
        ("won", {"deal_value": {"amount": "48000.00", "currency": "EUR"}}),
    ):
        moved = requests.post(
            f"{stack.url}/api/v1/introductions/{invite['id']}/move",
            json={"version": version, "stage": stage, **extra},
            headers=officer,
            timeout=10,
        )
        assert moved.status_code == 200, moved.text
        version = moved.json()["version"]
    assert moved.json()["stage"] == "won"

    # /metrics adds up the gunicorn workers and the task worker.
    metrics = requests.get(
        f"{stack.url}/metrics", headers={"Authorization": "Bearer e2e-scrape"}, timeout=10
    )
    assert metrics.status_code == 200
    assert "raabta_match_seconds_count" in metrics.text
    assert 'raabta_search_seconds_count{backend="ElasticsearchBackend"}' in metrics.text
    assert requests.get(f"{stack.url}/metrics", timeout=10).status_code == 403
