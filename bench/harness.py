"""What the benchmark scripts share: each size runs in a fresh process (a fresh
temporary database and index), reports its figures as one JSON line, and the parent
prints a table."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def parser(doc: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    return parser


def run_here(measure: Callable[[Path], dict[str, Any]]) -> None:
    """The child: measure in a temporary directory, print the figures as JSON."""
    with tempfile.TemporaryDirectory(prefix="raabta-bench-") as workdir:
        print(json.dumps(measure(Path(workdir))))


def dispatch(
    args: argparse.Namespace,
    script: str,
    measure: Callable[[int, Path], dict[str, Any]],
    extra: list[str],
    header: str,
    row: Callable[[dict[str, Any]], str],
) -> None:
    """A benchmark's ``main``: as the child (``--one SIZE``) measure one size; as the
    parent run one child per size (passing ``extra`` arguments on) and print the table."""
    if args.one:
        run_here(lambda workdir: measure(args.one, workdir))
    else:
        run_sizes(script, args.sizes, extra, header, row)


def calibration() -> float:
    """Seconds for 10 million pure-Python additions, best of three. This VM's speed moves
    by 2x and more within a day (0.6 to 1.5 s on 2026-12-03), so a figure is compared
    only with figures taken at a similar calibration."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> str:
    """The line every benchmark prints first: the machine and how fast it ran today."""
    return (
        f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}, calibration {calibration():.2f} s "
        "(10M pure-Python additions)"
    )


def run_sizes(
    script: str,
    sizes: list[int],
    extra: list[str],
    header: str,
    row: Callable[[dict[str, Any]], str],
) -> None:
    """The parent: one child process per size, a table row each."""
    print(machine())
    print(header)
    for size in sizes:
        child = subprocess.run(
            [sys.executable, script, "--one", str(size), *extra], capture_output=True, text=True
        )
        if child.returncode != 0:
            sys.exit(f"size {size} failed:\n{child.stderr[-3000:]}")
        print(row(json.loads(child.stdout.strip().splitlines()[-1])))
    print(f"calibration at the end: {calibration():.2f} s")


def demo_args(size: int) -> list[str]:
    """``load_demo`` arguments every benchmark uses: seed 11, 400 briefs, no accounts."""
    return ["load_demo", "--size", str(size), "--briefs", "400", "--seed", "11", "--no-users"]


def setup_django(workdir: Path) -> None:
    os.environ["RAABTA_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare_process() -> None:
    """What config/wsgi.py does once the server has loaded (imports, ``gc.freeze()``)."""
    from core.runtime import prepare_process

    prepare_process()
