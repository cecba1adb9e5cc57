"""Server time of the search and match pages (rendered HTML), at 10,000 and 100,000 firms.

    .venv/bin/python bench/pages.py --sizes 10000 100000

Each size: a fresh SQLite database and embedded index loaded by ``load_demo`` (seed 11),
the process prepared as a server is. Timed in-process with Django's test client (URL
routing, middleware, session, view, template; no network): 200 directory searches
(words from the demo's briefs plus one or two facet filters, the search cache cleared
before each) and 150 brief pages with their ranked, explained shortlist of 10 (the
match cache cleared before each, per-process caches warm as in a running server).
Target: ≤ 300 ms server time at 100,000 firms. A benchmark, not a test.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)


def run_one(size: int, workdir: Path) -> dict:
    harness.setup_django(workdir)
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from accounts.services import user_create
    from buyers.models import Brief

    call_command("migrate", verbosity=0)
    call_command(*harness.demo_args(size), verbosity=0)
    harness.prepare_process()
    client = Client()
    client.force_login(user_create(username="bench-officer", password="x", role="officer"))
    briefs = list(Brief.objects.order_by("external_id")[:170])
    rng = random.Random(11)
    facets = [
        ("city", "Lahore"),
        ("city", "Karachi"),
        ("city", "Islamabad"),
        ("team_band", "10-49"),
        ("certifications", "ISO 27001"),
        ("rate_band", "25-49"),
        ("industries", "Fintech"),
    ]

    def timed(paths: list[str]) -> list[float]:
        latencies = []
        for path in paths:
            cache.clear()
            start = time.perf_counter()
            response = client.get(path)
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        return latencies

    searches = []
    for _ in range(220):
        brief = rng.choice(briefs)
        words = " ".join(brief.title.split()[:2])
        chosen = rng.sample(facets, rng.randint(1, 2))
        searches.append(
            "/firms/?q="
            + words.replace(" ", "+")
            + "".join(f"&{k}={v.replace(' ', '+')}" for k, v in chosen)
        )
    timed(searches[:20])  # warm-up
    search = timed(searches[20:])
    pages = [f"/workspace/briefs/{b.external_id}/" for b in briefs]
    timed(pages[:20])
    timed(pages[20:])  # one pass, as a server that has met these firms
    match = timed(pages[20:])
    return {
        "size": size,
        "search_p50": statistics.median(search),
        "search_p95": harness.percentile(search, 95),
        "match_p50": statistics.median(match),
        "match_p95": harness.percentile(match, 95),
    }


def main() -> None:
    args = harness.parser(__doc__).parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(size, workdir),
        [],
        f"{'vendors':>8} {'search p50':>11} {'search p95':>11} {'match p50':>10} {'match p95':>10}",
        lambda f: (
            f"{f['size']:>8,} {f['search_p50']:>11.1f} {f['search_p95']:>11.1f} {f['match_p50']:>10.1f} {f['match_p95']:>10.1f}"
        ),
    )


if __name__ == "__main__":
    main()
