"""Helpers for bin/stack, run before Django starts (``python -m core.stack COMMAND``):

- ``check-services``: PostgreSQL (``DATABASE_URL``; the database is created when
  missing) and Redis (``REDIS_URL``) answer, or say clearly which does not;
- ``noida-binary``: the path of the noida-db server binary (the stand-in for
  Elasticsearch; its console script is a wrapper that outlives a stop signal);
- ``wait-for URL``: wait until an HTTP server answers at URL (30 s at most);
- ``respawn COMMAND…``: run COMMAND and start it again whenever it dies (the Procfile's
  worker: a worker killed mid-job comes back and the outbox replays its work), until
  this process is told to stop, which it passes on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from importlib.resources import files
from pathlib import Path


def check_services() -> None:
    import environ
    import psycopg
    import redis

    database = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if database["ENGINE"].endswith("postgresql"):
        host, port = database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)
        try:
            with psycopg.connect(
                dbname="postgres",
                host=host,
                port=port,
                user=database["USER"] or "postgres",
                password=database["PASSWORD"] or None,
                autocommit=True,
            ) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
                ).fetchone()
                if not exists:
                    connection.execute(f'CREATE DATABASE "{database["NAME"]}"')
                    print(f"Created the PostgreSQL database {database['NAME']}.")
        except psycopg.OperationalError as error:
            sys.exit(f"PostgreSQL at {host}:{port} is not answering: {error}")
    url = os.environ["REDIS_URL"]
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        sys.exit(f"Redis at {url} is not answering: {error}")


def noida_binary() -> str:
    binary = Path(str(files("noida_db").joinpath("noida-db")))
    binary.chmod(0o755)
    return str(binary)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing answered at {url} within {seconds:.0f} s")


def respawn(command: list[str]) -> None:
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        child = subprocess.Popen(command)
        code = child.wait()
        if not stopping:
            print(f"{command[-1]} exited ({code}); starting it again in 1 s", flush=True)
            time.sleep(1)


def main(argv: list[str]) -> None:
    command = argv[0] if argv else ""
    if command == "check-services":
        check_services()
    elif command == "noida-binary":
        print(noida_binary())
    elif command == "wait-for" and len(argv) == 2:
        wait_for(argv[1])
    elif command == "respawn" and len(argv) > 1:
        respawn(argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
