"""Directory search quality: mean NDCG@10 of the labelled query set
(tests/search/relevance.py) on both backends, per query with --verbose.

    .venv/bin/python bench/search_quality.py [--backends embedded elasticsearch] [--verbose]

The catalogue is indexed into a fresh embedded index and a fresh Elasticsearch index
(``ELASTICSEARCH_URL`` when set, else a noida-db started here); every query goes
through ``build_query`` and the backend's ``search``, as the API does (no cache).
Figures for docs/search.md. It also runs on older commits (copy the query set there):
``build_query`` without a ``backend`` argument then reads the configured index.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness  # bench/harness.py (this script's own folder is on sys.path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--backends", nargs="+", default=["embedded", "elasticsearch"], metavar="KIND"
    )
    parser.add_argument("--verbose", action="store_true", help="each query's NDCG@10 and count")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="raabta-quality-"))
    harness.setup_django(workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.money import RateTable
    from core.schema import validate_record
    from search.documents import vendor_document
    from search.selectors import build_query
    from tests.search.conftest import drop, make_backend
    from tests.search.elastic import NoidaServer, external_url
    from tests.search.relevance import CASES, catalogue, grades_of, ndcg_at_10
    from vendors.schema import VendorRecord
    from vendors.services import unsaved_row

    firms = catalogue()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    documents = [
        vendor_document(unsaved_row(validate_record(VendorRecord, firm, rates=RateTable({})), now))
        for firm in firms
    ]
    takes_backend = "backend" in inspect.signature(build_query).parameters
    server = None
    if "elasticsearch" in args.backends and not external_url():
        server = NoidaServer()
        server.start()
    print(f"{len(CASES)} queries over {len(firms):,} firms")
    try:
        for kind in args.backends:
            backend = make_backend(kind, workdir / kind, external_url() or server)
            backend.index_documents(documents)
            scores = []
            for case in CASES:
                options: dict[str, Any] = {"backend": backend} if takes_backend else {}
                query = build_query(text=case.query, limit=10, **options)
                page = backend.search(query)
                score = ndcg_at_10([hit.id for hit in page.hits], grades_of(case, firms))
                scores.append(score)
                if args.verbose:
                    print(f"  {score:5.3f} {page.total:>6,} found  {case.query!r} ({case.about})")
            below = sum(1 for score in scores if score < 0.5)
            print(
                f"{kind:>13}: mean NDCG@10 {statistics.mean(scores):.3f}, {below} queries below 0.5"
            )
            drop(backend)
    finally:
        if server is not None:
            server.close()


if __name__ == "__main__":
    main()
