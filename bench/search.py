"""Embedded search: query latency (filtered + faceted, top 20), import + index
throughput, full rebuild time.

    .venv/bin/python bench/search.py --sizes 10000 100000

Each size runs in a fresh process with a fresh SQLite database and index in a temporary
directory. Timed, in order: importing the demo catalogue with inline indexing (what
``import_vendors`` does on the embedded default), a full ``rebuild``, then a fixed,
seeded mix of queries straight against the backend (no result cache): free text from
buyers' vocabulary (places, languages and typos among them) with 0-3 filters, facets on,
highlights on, top 20. Each timed query is understood first (search/understanding.py:
phrases, places, spelling against the index), as the API does, minus the result cache.
A benchmark, not a test: it prints figures for docs/benchmarks.md.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import time
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)

QUERIES = [
    "mobile app development",
    "react native fintech",
    "developing apps",
    "machine learning healthcare",
    "data engineering",
    "cloud migration aws",
    "devops kubernetes",
    "shopify store",
    "ERP odoo",
    "penetration testing",
    "customer support outsourcing",
    "medical billing",
    "game development unity",
    "wordpress website",
    "salesforce crm",
    "python django",
    "laravel php",
    "flutter",
    "RN",
    "ML",
    "iso 27001 bank",
    "logistics tracking",
    "education platform",
    "ai assistant",
    "qa automation",
    # Places, languages, markets, typos: query understanding and spelling at work.
    "Shopify developers Lahore",
    "ISO 27001 fintech Karachi",
    "German speaking web developers",
    "Arabic speaking flutter apps",
    "clients in UAE ecommerce",
    "devops engineers Punjab",
    "pyhton django",
    "wordpres",
    "kubernets devops",
    "telehelth app",
]
FILTERS = {
    "city": ["Lahore", "Karachi", "Islamabad", "Peshawar", "Multan"],
    "services": ["Mobile App Development", "Web Development", "Data Analytics", "Cloud Services"],
    "technologies": ["React", "Python", "AWS", "Flutter", "PHP"],
    "certifications": ["ISO 27001"],
    "rate_band": ["0-24", "25-49", "50-99"],
}


def query_mix(count: int) -> list[dict]:
    rng = random.Random(42)
    mix = []
    for _ in range(count):
        filters = {
            field: [rng.choice(values)]
            for field, values in rng.sample(sorted(FILTERS.items()), rng.randint(0, 3))
        }
        mix.append({"text": rng.choice([*QUERIES, ""]), "filters": filters})
    return mix


def run_one(size: int, workdir: Path, queries: int) -> dict:
    harness.setup_django(workdir)
    from dataclasses import replace

    from django.core.management import call_command

    from core.interchange import JsonLinesImporter
    from matchmaking.demo import DemoCatalogue
    from search.loading import get_search_backend
    from search.selectors import build_query, understand
    from search.sync import rebuild
    from vendors.schema import VendorRecord
    from vendors.services import vendors_upsert

    call_command("migrate", verbosity=0)
    path = workdir / "vendors.jsonl"
    with path.open("w") as out:
        for record in DemoCatalogue(vendors=size).vendors():
            out.write(json.dumps(record) + "\n")

    start = time.perf_counter()
    with path.open() as lines:
        JsonLinesImporter(VendorRecord, vendors_upsert).run(
            lines
        )  # indexes inline after each batch
    import_seconds = time.perf_counter() - start
    backend = get_search_backend()
    assert backend.count() == size, backend.count()

    start = time.perf_counter()
    rebuild(backend)
    rebuild_seconds = time.perf_counter() - start
    indexed_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    mix = [(q["text"], build_query(filters=q["filters"], limit=20)) for q in query_mix(queries)]

    def search(text: str, filtered):
        understanding = understand(text) if text else None
        return backend.search(replace(filtered, text=text, understanding=understanding))

    for text, filtered in mix[:50]:  # warm caches and the OS page cache
        search(text, filtered)
    latencies, totals = [], []
    for text, filtered in mix:
        start = time.perf_counter()
        page = search(text, filtered)
        latencies.append((time.perf_counter() - start) * 1000)
        totals.append(page.total)
    return {
        "size": size,
        "import_index_per_s": size / import_seconds,
        "rebuild_s": rebuild_seconds,
        "p50_ms": statistics.median(latencies),
        "p95_ms": harness.percentile(latencies, 95),
        "p99_ms": harness.percentile(latencies, 99),
        "median_hits": statistics.median(totals),
        "indexed_rss_mb": indexed_rss,  # the peak up to the end of the rebuild
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(size, workdir, args.queries),
        ["--queries", str(args.queries)],
        f"{'vendors':>8} {'import+index/s':>15} {'rebuild s':>10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'hits p50':>9} {'RSS MB':>7} {'(indexing)':>10}",
        lambda f: (
            f"{f['size']:>8,} {f['import_index_per_s']:>15,.0f} {f['rebuild_s']:>10.1f} {f['p50_ms']:>7.2f} "
            f"{f['p95_ms']:>7.2f} {f['p99_ms']:>7.2f} {f['median_hits']:>9,.0f} {f['peak_rss_mb']:>7,.0f} {f['indexed_rss_mb']:>10,.0f}"
        ),
    )


if __name__ == "__main__":
    main()
