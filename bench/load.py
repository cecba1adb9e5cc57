"""Search and match through HTTP: gunicorn serving the app, 20 concurrent clients.

    .venv/bin/python bench/load.py --sizes 100000 [--workers 2 --clients 20 --seconds 20]

Each size: a fresh SQLite database and embedded index loaded by ``load_demo`` (seed 11)
in a temporary directory; gunicorn (``--preload``, sync workers) serves it on
127.0.0.1; 20 client threads in this process send requests back to back for a fixed
time — first directory searches (``/api/v1/search/vendors`` with the demo's vocabulary
and one or two filters), then match requests (``/api/v1/briefs/{id}/matches`` as an
officer) for the demo's open briefs (``--open-briefs``, published now and never matched
before), each asked for once, so results come from the ranker, not the cache. The
server starts as in production: firms read ahead before the workers fork
(``RAABTA_PREWARM_FIRMS``, core/runtime.py). After the match phase the server's memory
is read from /proc (PSS of master and workers, shared pages split between sharers, and
the largest worker's RSS).
With ``--pool N`` the match requests are drawn from N briefs and the workers share
Redis (db 14, their own key prefix) as the result cache, as in production: people
coming back to the same briefs.
Target (docs/benchmarks.md): p95 ≤ 150 ms (search) and ≤ 250 ms (match) at 20
concurrent clients on a 2-core machine. A benchmark, not a test.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)

PORT = 8907
REDIS = "redis://127.0.0.1:6379/14"
WORDS = [
    "react native",
    "flutter",
    "django",
    "odoo",
    "erp",
    "fintech",
    "machine learning",
    "shopify",
    "laravel",
    "data engineering",
    "ui ux",
    "cybersecurity",
    "kotlin",
    "salesforce",
    "devops",
]
FILTERS = [
    "city=Lahore",
    "city=Karachi",
    "city=Islamabad",
    "team_band=10-49",
    "certifications=ISO+27001",
    "rate_band=25-49",
    "industries=Fintech",
]


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=harness.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by process ``root`` and its children
    (gunicorn's master and workers), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if root in (pid, parent):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def server_memory(root: int) -> dict[str, float]:
    """Memory of process ``root`` and its children (gunicorn's master and workers) from
    /proc: PSS in all (each shared page counted once, split between its sharers: firms
    read before the fork are shared) and the largest worker's RSS, in MB."""
    pss, rss = 0, [0]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            pid = int(stat.parent.name)
            if root not in (pid, parent):
                continue
            rollup = (stat.parent / "smaps_rollup").read_text().splitlines()
        except (OSError, IndexError, ValueError):
            continue
        kilobytes = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
        pss += kilobytes["Pss"]
        if pid != root:
            rss.append(kilobytes["Rss"])
    return {"server_pss_mb": pss / 1024, "worker_rss_mb": max(rss) / 1024}


def measured(
    server: int,
    paths: list[str],
    clients: int,
    seconds: float,
    headers: dict[str, str],
    port: int = PORT,
) -> dict[str, float]:
    """``load``'s latencies and rate, and the CPU time the server and this process (the
    clients) spent per request: on a shared 2-core machine, what the clients take the
    server cannot have."""
    server_before, client_before = cpu_seconds(server), time.process_time()
    latencies, failed = load(paths, clients, seconds, headers, port)
    done = max(len(latencies), 1)
    return {
        "p50": statistics.median(latencies),
        "p95": harness.percentile(latencies, 95),
        "rps": len(latencies) / seconds,
        "failed": failed,
        "server_cpu_ms": (cpu_seconds(server) - server_before) / done * 1000,
        "client_cpu_ms": (time.process_time() - client_before) / done * 1000,
    }


def load(
    paths: list[str], clients: int, seconds: float, headers: dict[str, str], port: int = PORT
) -> tuple[list[float], int]:
    """``clients`` threads send ``paths`` (shared, in order) until time is up."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    cursor = iter(range(10**9))
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal failures
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                path = paths[next(cursor) % len(paths)]
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed) if ok else None
                failures += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def server_env(workdir: Path) -> dict[str, str]:
    """The environment of a server on ``workdir``'s database and index (no throttling:
    twenty clients from one address are not an attack)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RAABTA_DATA_DIR": str(workdir),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "RAABTA_THROTTLE_ANON": "1000000/min",
        "RAABTA_THROTTLE_USER": "1000000/min",
    }


def prepare(env: dict[str, str], size: int, open_briefs: int) -> tuple[str, list[str]]:
    """The demo of ``size`` firms with ``open_briefs`` new briefs loaded into the
    environment's data directory: an officer's token and the new briefs (shuffled)."""
    manage(env, "migrate", "--verbosity", "0")
    manage(env, *harness.demo_args(size), "--open-briefs", str(open_briefs))
    token = (
        manage(
            env,
            "shell",
            "-c",
            (
                "from accounts.services import token_issue, user_create; "
                "print(token_issue(user=user_create(username='bench', password='x', role='officer'))['token'])"
            ),
        )
        .strip()
        .splitlines()[-1]
    )
    briefs = json.loads(
        manage(
            env,
            "shell",
            "-c",
            (
                "import json; from buyers.models import Brief; from matchmaking.demo import OPEN_BRIEFS_FROM; "
                "print(json.dumps(list(Brief.objects.filter(published_at__gte=OPEN_BRIEFS_FROM)"
                ".order_by('?').values_list('external_id', flat=True))))"
            ),
        )
        .strip()
        .splitlines()[-1]
    )
    return token, briefs


def serve(
    env: dict[str, str], workers: int, port: int = PORT, code: Path = harness.ROOT
) -> tuple[subprocess.Popen[bytes], float]:
    """gunicorn serving ``code`` (a checkout; this one by default) as in production
    (``--preload``, sync workers), and the seconds it took to answer."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--preload",
            "--timeout",
            "120",
        ],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()  # reading 100,000 firms ahead takes minutes here
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                "GET", "/api/v1/health/"
            )
            return server, time.monotonic() - started
        except OSError:
            if server.poll() is not None or time.monotonic() - started > 900:
                server.kill()
                sys.exit(f"gunicorn did not start (exit code {server.returncode})")
            time.sleep(0.5)


def run_one(
    size: int,
    workdir: Path,
    workers: int,
    clients: int,
    seconds: float,
    pool: int,
    open_briefs: int,
) -> dict:
    env = server_env(workdir)
    if open_briefs < 200 * seconds and not pool:
        sys.exit(
            f"--open-briefs {open_briefs}: fewer than 200/s x {seconds:g} s would repeat briefs"
        )
    if pool:  # the production cache: Redis shared by the workers (its own prefix)
        env.update(
            REDIS_URL=REDIS, RAABTA_CACHE_PREFIX=f"bench-{os.getpid()}", RAABTA_TASKS_INLINE="true"
        )
    token, briefs = prepare(env, size, open_briefs)
    server, started_in = serve(env, workers)
    try:
        rng = random.Random(11)
        searches = [
            f"/api/v1/search/vendors?q={rng.choice(WORDS).replace(' ', '+')}&"
            + "&".join(rng.sample(FILTERS, rng.randint(1, 2)))
            + f"&page={rng.randint(1, 3)}"
            for _ in range(5000)
        ]
        load(searches[:200], clients, 3, {})  # warm-up
        search = measured(server.pid, searches[200:], clients, seconds, {})
        headers = {"Authorization": f"Token {token}"}
        if pool:  # buyers and officers coming back to the same briefs, with a shared cache
            rng.shuffle(briefs)
            briefs = [rng.choice(briefs[:pool]) for _ in range(20000)]
        matches = [f"/api/v1/briefs/{b}/matches?limit=20" for b in briefs]
        load(matches[:40], clients, 3, headers)  # warm-up
        match = measured(server.pid, matches[40:], clients, seconds, headers)
        memory = {**server_memory(server.pid), "started_s": started_in}
    finally:
        server.terminate()
        server.wait()
    return {
        "size": size,
        "workers": workers,
        "clients": clients,
        "pool": pool,
        **{f"search_{name}": value for name, value in search.items()},
        **{f"match_{name}": value for name, value in match.items()},
        **memory,
    }


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument(
        "--workers",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="gunicorn workers (default: one per core, as the Procfile starts)",
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--pool",
        type=int,
        default=0,
        help="match requests drawn from this many briefs, with Redis as the shared cache "
        "(default 0: every brief once, local caches)",
    )
    parser.add_argument(
        "--open-briefs",
        type=int,
        default=5000,
        help="new briefs (published now, never matched) the match phase asks for, each "
        "once: at least 200 per second of --seconds (default 5000)",
    )
    args = parser.parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(
            size, workdir, args.workers, args.clients, args.seconds, args.pool, args.open_briefs
        ),
        [
            "--workers",
            str(args.workers),
            "--clients",
            str(args.clients),
            "--seconds",
            str(args.seconds),
            "--pool",
            str(args.pool),
            "--open-briefs",
            str(args.open_briefs),
        ],
        f"{'vendors':>8} {'pool':>5} {'workers':>7} {'clients':>7} {'search p50':>10} {'p95':>6} {'req/s':>6} {'match p50':>9} {'p95':>6} {'req/s':>6} {'failed':>6}"
        " cpu ms/request: search server client, match server client (match/search: a match's"
        " cost in searches, steadier than either as this VM's speed moves); memory MB: server"
        " PSS, largest worker RSS; server start s",
        lambda f: (
            f"{f['size']:>8,} {f['pool'] or 'all':>5} {f['workers']:>7} {f['clients']:>7} {f['search_p50']:>10.1f} {f['search_p95']:>6.1f} "
            f"{f['search_rps']:>6.0f} {f['match_p50']:>9.1f} {f['match_p95']:>6.1f} {f['match_rps']:>6.0f} "
            f"{f['search_failed'] + f['match_failed']:>6}"
            f" {f['search_server_cpu_ms']:.1f} {f['search_client_cpu_ms']:.1f},"
            f" {f['match_server_cpu_ms']:.1f} {f['match_client_cpu_ms']:.1f}"
            f" ({f['match_server_cpu_ms'] / f['search_server_cpu_ms']:.2f});"
            f" {f['server_pss_mb']:.0f} {f['worker_rss_mb']:.0f}; {f['started_s']:.0f}"
        ),
    )


if __name__ == "__main__":
    main()
