"""What only the embedded backend does: sampled facet counts for huge result sets,
and sharing one index directory between processes."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tantivy
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.backends import embedded
from search.backends.embedded import EmbeddedBackend
from search.backends.tantivy_index import TEXT_ANALYZER
from search.query import CandidateQuery, VendorQuery
from search.sync import sync_search_index
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


def test_an_index_leaves_its_directory_alone_between_calls(tmp_path):
    """A replay removes its throw-away index the moment it is done. tantivy's default
    reader reloads from a watcher thread after each commit (it polls every 500 ms) and
    re-creates its lock file then, so removing the directory failed now and then (CI,
    session 16): "Directory not empty"."""
    backend = EmbeddedBackend("t", {"PATH": str(tmp_path)})
    backend.rebuild([doc("a")])
    backend.index_documents([doc("b")])
    assert backend.count() == 2
    generation = next(tmp_path.glob("vendors/vendors-*"))
    (generation / ".tantivy-meta.lock").unlink()
    left = sorted(path.name for path in generation.iterdir())
    time.sleep(1.2)
    assert sorted(path.name for path in generation.iterdir()) == left
    backend.index_documents([doc("c")])
    assert backend.count() == 3  # explicit reloads still see every write


def test_an_index_written_in_many_commits_is_fragmented_until_rebuilt(tmp_path):
    """Every commit adds a segment and a query looks its terms up in each: compacting
    (a rebuild) brings it back to what a full build makes, same results."""
    backend = EmbeddedBackend("t", {"PATH": str(tmp_path)})
    documents = [
        doc(f"v{n}", description=f"flutter apps for {sector}", services=["Mobile App Development"])
        for n, sector in enumerate(["logistics", "banks", "clinics", "schools"] * 10)
    ]
    for start in range(0, len(documents), 10):  # four rounds of the outbox
        backend.index_documents(documents[start : start + 10])
    query = CandidateQuery(text="flutter app for a logistics company", limit=40)
    before = backend.candidates(query)
    assert backend.segments() == (4, 1)
    assert backend.fragmented()
    assert backend.health()["segments"] == 4
    assert backend.rebuild(documents) == 40
    assert backend.segments() == (1, 1)
    assert not backend.fragmented()
    assert backend.candidates(query) == before
    backend.index_documents([doc("v0", version=2, description="flutter")])
    backend.index_documents([doc("v1", version=2, description="flutter")])
    assert backend.segments()[0] == 3 and not backend.fragmented()  # within the slack


@pytest.mark.django_db
def test_bulk_loads_and_the_nightly_job_compact_a_fragmented_index(tmp_path):
    from search.loading import get_search_backend
    from search.sync import VENDORS, compact_if_fragmented, reconcile_search_index
    from tests.factories import make_vendor

    params = {"BACKEND": "search.backends.embedded.EmbeddedBackend", "PATH": str(tmp_path)}
    with override_settings(SEARCH_BACKENDS={"default": params}):
        for n in range(4):  # each saved and indexed in its own round
            make_vendor(external_id=f"v{n}", name=f"Firm {n}")
            sync_search_index()
        backend = get_search_backend()
        assert isinstance(backend, EmbeddedBackend)
        assert backend.segments()[0] >= 4
        out = io.StringIO()
        call_command("rebuild_search_index", "--if-needed", stdout=out)
        assert "Rebuilding the index of vendors" in out.getvalue()
        assert backend.segments() == (1, 1) and backend.count() == 4
        assert not compact_if_fragmented(VENDORS)  # nothing to do now
        for n in range(4, 8):
            make_vendor(external_id=f"v{n}", name=f"Firm {n}")
            sync_search_index()
        assert backend.fragmented()
        reconcile_search_index()
        assert backend.segments() == (1, 1) and backend.count() == 8


WORDS = (
    "Flutter",
    "flutter",
    "apps",
    "app",
    "Payments",
    "the",
    "for",
    "node.js",
    "C++",
    "c#",
    "ERP",
    "logistics",
    "clinics",
    "nobody-writes-this",
    "a.b.c",
    "...",
)
FIRMS = [
    doc(
        "flutter",
        name="Flutter Payments",
        description="Flutter apps for banks: payments, wallets and the odd node.js API.",
        services=["Mobile App Development"],
        technologies=["Flutter", "Node.js"],
    ),
    doc("erp", description="ERP for logistics firms", portfolio_text="ERP for clinics, in C#"),
    doc("cpp", name="Native C++ Works", technologies=["C++"], industries=["Logistics"]),
    doc("plain", description="Apps for the clinics and logistics of the north"),
]


@pytest.fixture(scope="module")
def firms(tmp_path_factory):
    backend = EmbeddedBackend("t", {"PATH": str(tmp_path_factory.mktemp("flat"))})
    backend.index_documents(FIRMS)
    return backend


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
def test_stage_one_text_scores_each_distinct_word_once_in_one_flat_union(firms, words):
    """Stage 1's text clauses (one flat union of term queries, which tantivy scores
    fast) give every firm the sum of what each distinct word of the text gives it on
    its own: a word written twice counts once, and no word's clauses change another's;
    only the order of float additions differs."""
    text = " ".join(words)
    searcher = firms._open().searcher()
    clauses = embedded.TEXT_CLAUSES(text)
    if not any(TEXT_ANALYZER.analyze(word) for word in words):
        assert clauses == []  # only stop words and punctuation: nothing to search for
        return

    def scores(query: tantivy.Query) -> dict[str, float]:
        hits = searcher.search(query, 10, count=False).hits
        return {searcher.doc(address)["id"][0]: score for score, address in hits}

    expected: dict[str, float] = {}
    for word in dict.fromkeys(words):
        own = embedded.TEXT_CLAUSES(word)
        for firm, score in (scores(tantivy.Query.boolean_query(own)) if own else {}).items():
            expected[firm] = expected.get(firm, 0.0) + score
    found = scores(tantivy.Query.boolean_query(clauses))
    assert found.keys() == expected.keys()
    for firm, score in expected.items():
        assert found[firm] == pytest.approx(score, rel=1e-5)


def test_stage_one_scores_no_stop_word_and_a_dotted_word_as_one(firms):
    """ "the", "for" score nobody; "node.js" is a phrase in the labels (which keep
    positions) and both of its terms in the whole profile (which does not)."""
    searcher = firms._open().searcher()

    def ranked(text: str) -> list[str]:
        query = tantivy.Query.boolean_query(embedded.TEXT_CLAUSES(text))
        return [searcher.doc(a)["id"][0] for _, a in searcher.search(query, 10).hits]

    assert embedded.TEXT_CLAUSES("the for of and") == []
    assert ranked("the node.js") == ["flutter"]
    # "Flutter apps for banks ... the odd node.js API" has "for" and "the" only
    assert set(ranked("logistics for the clinics")) == {"erp", "plain", "cpp"}
