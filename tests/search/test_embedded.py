"""What only the embedded backend does: sampled facet counts for huge result sets,
and sharing one index directory between processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from search.backends import embedded
from search.backends.embedded import EmbeddedBackend
from search.query import VendorQuery
from tests.search.test_backend_contract import doc

ROOT = Path(__file__).resolve().parents[2]


def test_facets_of_a_huge_result_set_are_estimated_from_a_sample(tmp_path, monkeypatch):
    backend = EmbeddedBackend("t", {"PATH": str(tmp_path)})
    cities = ["Lahore"] * 600 + ["Karachi"] * 300 + ["Multan"] * 100
    backend.index_documents(doc(f"v{n}", city=city) for n, city in enumerate(cities))
    exact = backend.search(VendorQuery())
    assert exact.facets_exact
    assert {v.value: v.count for v in exact.facets["city"]} == {
        "Lahore": 600,
        "Karachi": 300,
        "Multan": 100,
    }

    monkeypatch.setattr(embedded, "FACET_SAMPLE_LIMIT", 250)
    estimated = backend.search(VendorQuery())
    counts = {v.value: v.count for v in estimated.facets["city"]}
    assert not estimated.facets_exact
    assert estimated.total == 1000  # the total itself is always exact
    assert abs(counts["Lahore"] - 600) < 150 and abs(counts["Karachi"] - 300) < 120


def test_a_write_from_another_process_is_seen_by_this_one(tmp_path):
    backend = EmbeddedBackend("t", {"PATH": str(tmp_path)})
    assert backend.count() == 0
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from search.backends.embedded import EmbeddedBackend;"
        "from tests.search.test_backend_contract import doc;"
        "EmbeddedBackend('t', {'PATH': sys.argv[2]}).index_documents([doc('other-process')])"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); " + script,
            str(ROOT),
            str(tmp_path),
        ],
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert [hit.id for hit in backend.search(VendorQuery()).hits] == ["other-process"]
