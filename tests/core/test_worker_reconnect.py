"""``run_worker`` outlives a Redis outage: it waits, reconnects and runs what is queued
once Redis is back (a real redis-server on a port of its own, stopped and restarted)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis(port: int, tmp: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("redis-server did not start")


def test_the_worker_reconnects_after_redis_drops_and_runs_what_is_queued(tmp_path):
    import redis
    from rq import Queue
    from rq.job import Job

    port = _free_port()
    server = _redis(port, tmp_path)
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "RAABTA_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(2)
        server.kill()
        server.wait()
        time.sleep(4)  # the worker sees the connection go and starts waiting
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        server = _redis(port, tmp_path)
        connection = redis.Redis(port=port)
        queue = Queue(settings.RAABTA_TASK_QUEUE, connection=connection)
        job = queue.enqueue("builtins.len", [1, 2, 3])
        deadline = time.monotonic() + 90  # generous: a busy machine, a 30 s backoff at most
        while time.monotonic() < deadline and job.get_status(refresh=True) != "finished":
            time.sleep(0.5)
        assert Job.fetch(job.id, connection=connection).return_value() == 3
        assert worker.poll() is None
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        server.kill()
