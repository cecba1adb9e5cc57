"""Two versions of the code under the same match load, taken in turns.

    .venv/bin/python bench/compare.py BEFORE [AFTER] [--size 10000 --rounds 4 --seconds 8]

BEFORE and AFTER are git revisions (AFTER defaults to the working tree). This VM's
speed drifts by tens of percent within an hour (docs/benchmarks.md, sessions 14-15):
``bench/load.py`` run before and after a change minutes apart compares the machine as
much as the code. Here both versions serve at once, each from its own checkout
(``git worktree``, removed afterwards) and its own copy of one demo (``--size`` firms,
new briefs as ``bench/load.py`` makes them), with gunicorn as ``bench/load.py`` starts
it; 20 clients send never-seen match requests to one server for ``--seconds``, then
to the other, the order swapped every round. Each round gives both the same briefs,
new to each. Printed per round and on average: server CPU per match (the figure to
compare), match p50/p95 and rate. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)
import load


def checkout(revision: str | None, into: Path) -> Path:
    """A checkout of ``revision`` (``None``: this working tree, as it is)."""
    if revision is None:
        return harness.ROOT
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(into), revision],
        cwd=harness.ROOT,
        check=True,
    )
    return into


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", help="a git revision")
    parser.add_argument("after", nargs="?", help="a git revision (default: the working tree)")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    # Enough new briefs for every round of either version at ~250 requests a second.
    open_briefs = int(250 * args.seconds * args.rounds) + 200
    print(harness.machine())
    with tempfile.TemporaryDirectory(prefix="raabta-compare-") as tmp:
        root = Path(tmp)
        demo = root / "demo"
        demo.mkdir()
        print(f"loading the demo: {args.size:,} firms, {open_briefs:,} new briefs", flush=True)
        token, briefs = load.prepare(load.server_env(demo), args.size, open_briefs)
        versions = [("before", args.before), ("after", args.after)]
        servers = []
        codes = []
        try:
            for n, (name, revision) in enumerate(versions):
                code = checkout(revision, root / f"code-{name}")
                codes.append(code)
                data = root / f"data-{name}"
                shutil.copytree(demo, data)
                # The checkout's own packages first (this environment installed this
                # working tree's in editable mode).
                env = {**load.server_env(data), "PYTHONPATH": str(code)}
                server, started = load.serve(env, args.workers, load.PORT + 1 + n, code)
                servers.append(server)
                print(f"{name} ({revision or 'working tree'}) serving in {started:.0f} s")
            headers = {"Authorization": f"Token {token}"}
            paths = [f"/api/v1/briefs/{b}/matches?limit=20" for b in briefs]
            warm, paths = paths[:200], paths[200:]
            for n, _ in enumerate(servers):
                load.load(warm, args.clients, 3, headers, load.PORT + 1 + n)
            share = len(paths) // args.rounds
            figures: dict[str, list[dict[str, float]]] = {name: [] for name, _ in versions}
            print(f"{'round':>5} {'version':>7} {'cpu ms':>7} {'p50':>6} {'p95':>6} {'req/s':>6}")
            for turn in range(args.rounds):
                order = [0, 1] if turn % 2 == 0 else [1, 0]
                for n in order:
                    name = versions[n][0]
                    found = load.measured(
                        servers[n].pid,
                        paths[turn * share : (turn + 1) * share],
                        args.clients,
                        args.seconds,
                        headers,
                        load.PORT + 1 + n,
                    )
                    if found["failed"]:
                        raise SystemExit(f"{name}: {found['failed']:.0f} requests failed")
                    if found["rps"] * args.seconds > share:  # briefs asked again: cached
                        raise SystemExit(f"{name}: more requests than new briefs; fewer --seconds")
                    figures[name].append(found)
                    print(
                        f"{turn + 1:>5} {name:>7} {found['server_cpu_ms']:>7.1f} "
                        f"{found['p50']:>6.0f} {found['p95']:>6.0f} {found['rps']:>6.0f}",
                        flush=True,
                    )
        finally:
            for server in servers:
                server.terminate()
                server.wait()
            for code in codes:
                if code != harness.ROOT:
                    subprocess.run(
                        ["git", "worktree", "remove", "--force", str(code)],
                        cwd=harness.ROOT,
                        check=False,
                    )
        means = {
            name: {
                key: statistics.mean(f[key] for f in found)
                for key in ("server_cpu_ms", "p50", "p95", "rps")
            }
            for name, found in figures.items()
        }
        for name, mean in means.items():
            print(
                f"{name:>7}: server CPU {mean['server_cpu_ms']:.1f} ms a match, "
                f"p50 {mean['p50']:.0f} ms, p95 {mean['p95']:.0f} ms, {mean['rps']:.0f} req/s"
            )
        change = means["after"]["server_cpu_ms"] / means["before"]["server_cpu_ms"] - 1
        print(f"server CPU per match: {change:+.1%} (after vs before)")
        print(f"calibration at the end: {harness.calibration():.2f} s")


if __name__ == "__main__":
    main()
