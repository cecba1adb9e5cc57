"""Several processes are correct together (issue 13, acceptance 5): two gunicorn
processes and two task workers on the same PostgreSQL, Redis and index. What one
process writes, the other reads — search results, shortlists, throttle counts and
cached pages are never stale or counted twice."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
import requests

from matchmaking.demo import DemoCatalogue
from search.sync import INDEXES
from tests.e2e.conftest import ROOT, Stack, free_port, is_ready, running_stack, token, until

# Both end-to-end tests use one Redis database (flushed between them): one xdist worker.
pytestmark = pytest.mark.xdist_group("e2e")

ANON_LIMIT = 20


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str]]:
    """The stack (web A, worker 1, scheduler) plus a second web process B and a second
    worker, started beside it with the same settings."""
    data = tmp_path_factory.mktemp("two")
    with running_stack(data, RAABTA_THROTTLE_ANON=f"{ANON_LIMIT}/min") as stack:
        other = f"127.0.0.1:{free_port()}"
        venv = ROOT / ".venv/bin"
        extra = [
            subprocess.Popen(
                [
                    str(venv / "gunicorn"),
                    "config.wsgi:application",
                    "--workers",
                    "1",
                    "--bind",
                    other,
                ],
                cwd=ROOT,
                env=stack.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
            subprocess.Popen(
                [str(venv / "python"), "manage.py", "run_worker"],
                cwd=ROOT,
                env=stack.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
        ]
        b = f"http://{other}"

        try:
            until(lambda: is_ready(b), 60, "the second web process did not start", stack)
            yield stack, b
        finally:
            for process in extra:
                process.terminate()  # a worker finishes its job first (RQ's warm stop)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:  # as running_stack: then it is killed
                    process.kill()
                    process.wait()


def _search(url: str, headers: dict[str, str], **params: str) -> dict:
    response = requests.get(f"{url}/api/v1/search/vendors", params, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_what_one_process_writes_the_other_reads(two: tuple[Stack, str]) -> None:
    stack, b = two
    a = stack.url
    officer = token(stack, "two-officer")
    lines = "".join(json.dumps(r) + "\n" for r in DemoCatalogue(vendors=40, seed=9).vendors())
    imported = requests.post(
        f"{a}/api/v1/vendors/import",
        data=lines.encode(),
        headers={**officer, "Content-Type": "application/x-ndjson"},
        timeout=60,
    )
    assert imported.status_code == 200 and imported.json()["created"] == 40
    # Indexed by either worker, seen through B.
    until(lambda: _search(b, officer)["count"] == 40, 60, "B did not see the import", stack)

    # Caches: B caches a search; a write through A invalidates it for every process.
    first = _search(b, officer, q="zanzibarcode")
    assert first["count"] == 0
    firm = _search(b, officer, page_size="1")["results"][0]["external_id"]
    patched = requests.patch(
        f"{a}/api/v1/vendors/{firm}",
        json={"description": "We build zanzibarcode platforms."},
        headers=officer,
        timeout=10,
    )
    assert patched.status_code == 200, patched.text
    until(
        lambda: (
            [r["external_id"] for r in _search(b, officer, q="zanzibarcode")["results"]] == [firm]
        ),
        60,
        "B served a stale cached search after A's write",
        stack,
    )
    assert (
        _search(a, officer, q="zanzibarcode")["results"]
        == _search(b, officer, q="zanzibarcode")["results"]
    )

    # Shortlists: computed through one process, the same through the other, and a brief
    # edited through A is matched afresh through B.
    buyer_org = requests.post(
        f"{a}/api/v1/buyers/",
        json={"external_id": "two-buyer", "name": "Nordic Freight AB", "country": "SE"},
        headers=officer,
        timeout=10,
    )
    assert buyer_org.status_code == 201, buyer_org.text
    brief = {
        "external_id": "two-brief",
        "buyer": {"external_id": "two-buyer"},
        "title": "Booking web app",
        "description": "A React web app for booking freight.",
        "services": ["Web Development"],
        "technologies": ["React"],
        "budget": {"max": 40000, "currency": "EUR"},
    }
    lines = json.dumps(brief) + "\n"
    posted = requests.post(
        f"{a}/api/v1/briefs/import",
        data=lines.encode(),
        headers={**officer, "Content-Type": "application/x-ndjson"},
        timeout=30,
    )
    assert posted.status_code == 200 and posted.json()["created"] == 1, posted.text

    def shortlist(url: str) -> dict:
        response = requests.get(
            f"{url}/api/v1/briefs/two-brief/matches", headers=officer, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()

    from_a, from_b = shortlist(a), shortlist(b)
    assert from_a["matches"] and from_a["matches"] == from_b["matches"]
    edited = requests.patch(
        f"{a}/api/v1/briefs/two-brief",
        json={"technologies": ["Flutter"], "services": ["Mobile App Development"]},
        headers=officer,
        timeout=10,
    )
    assert edited.status_code == 200, edited.text
    assert shortlist(b)["matches"] != from_b["matches"]

    # Throttles: anonymous requests are counted once, whichever process answers.
    codes = [
        requests.get(f"{url}/api/v1/vendors/", timeout=10).status_code
        for _ in range(ANON_LIMIT // 2 + 2)
        for url in (a, b)
    ]
    assert codes.count(200) == ANON_LIMIT and set(codes[ANON_LIMIT:]) == {429}

    # Both workers drained the outbox between them: the index matches the database.
    report = stack.manage("reconcile_search_index", "--dry-run")
    assert report.count("The index matches the database.") == len(INDEXES), report
