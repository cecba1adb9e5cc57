"""Creates and saves that overlap: real threads, each with its own connection, released
together (issue 10, items 11-12). Runs on SQLite and, in CI, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from buyers.models import Brief
from search.sync import find_drift
from tests.factories import (
    BriefRecordFactory,
    VendorRecordFactory,
    make_brief,
    make_buyer,
    make_vendor,
)
from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5


def together(*calls: Callable[[], Any]) -> list[Any]:
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_two_firms_created_with_one_id_never_merge(user_factory):
    # Officers choose ids (members get the server's: tests/vendors/test_api.py).
    for round_ in range(ROUNDS):
        external_id = f"pk-race-{round_}"
        users = [user_factory("officer"), user_factory("officer")]
        bodies: list[dict] = [
            VendorRecordFactory(external_id=external_id, name=f"Firm {n}")  # type: ignore[misc]
            for n in (1, 2)
        ]
        answers = together(
            *[
                (lambda u=u, b=b: _client(u).post("/api/v1/vendors", b, format="json"))
                for u, b in zip(users, bodies, strict=True)
            ]
        )
        codes = [answer.status_code for answer in answers]
        assert sorted(codes) == [201, 409], [a.content for a in answers]
        winner = bodies[codes.index(201)]
        assert Vendor.objects.get(external_id=external_id).name == winner["name"]


def test_two_briefs_created_with_one_id_never_move_between_buyers(user_factory):
    officers = [user_factory("officer"), user_factory("officer")]
    buyers = [make_buyer(), make_buyer()]
    for round_ in range(ROUNDS):
        external_id = f"b-race-{round_}"
        bodies = [
            BriefRecordFactory(external_id=external_id, buyer={"external_id": b.external_id})
            for b in buyers
        ]
        answers = together(
            *[
                (lambda o=o, b=b: _client(o).post("/api/v1/briefs", b, format="json"))
                for o, b in zip(officers, bodies, strict=True)
            ]
        )
        codes = [answer.status_code for answer in answers]
        assert sorted(codes) == [201, 409]
        winner = buyers[codes.index(201)]
        assert Brief.objects.get(external_id=external_id).buyer_id == winner.pk


def test_overlapping_saves_of_one_profile_write_two_versions_and_the_index_follows(
    user_factory,
):
    vendor = make_vendor(external_id="pk-overlap", description="first")
    officers = [user_factory("officer"), user_factory("officer")]
    for round_ in range(ROUNDS):
        before = Vendor.objects.get(pk=vendor.pk).version
        together(
            *[
                (
                    lambda o=o, n=n, r=round_: _client(o).patch(
                        "/api/v1/vendors/pk-overlap",
                        {"description": f"round {r} writer {n}"},
                        format="json",
                    )
                )
                for n, o in enumerate(officers)
            ]
        )
        stored = Vendor.objects.get(pk=vendor.pk)
        assert stored.version == before + 2
        assert find_drift().total == 0


@pytest.mark.parametrize(
    "resource", ["vendors", "buyers", "briefs"], ids=["firm", "buyer", "brief"]
)
def test_simultaneous_patches_of_different_fields_all_land(user_factory, resource):
    """Ten PATCHes, each of one field, released together: every change is stored (they
    merge inside the row's lock), and versions count each write."""
    officer = user_factory("officer")
    if resource == "vendors":
        external_id = make_vendor(external_id="pk-merge").external_id
    elif resource == "buyers":
        external_id = make_buyer(external_id="org-merge").external_id
    else:
        external_id = make_brief(make_buyer(), external_id="b-merge").external_id
    fields = [f"x_field_{n}" for n in range(10)]  # unknown keys: one field each writer
    url = f"/api/v1/{resource}/{external_id}"
    before = _client(officer).get(url).json()["version"]
    answers = together(
        *[
            (lambda f=f: _client(officer).patch(url, {f: f"set by {f}"}, format="json"))
            for f in fields
        ]
    )
    assert [a.status_code for a in answers] == [200] * 10, [a.content for a in answers]
    stored = _client(officer).get(url).json()
    assert {f: stored.get(f) for f in fields} == {f: f"set by {f}" for f in fields}
    assert stored["version"] == before + 10
    assert sorted(a.json()["version"] for a in answers) == list(range(before + 1, before + 11))


def test_simultaneous_writes_from_one_version_one_lands_the_rest_are_409(user_factory):
    officer = user_factory("officer")
    vendor = make_vendor(external_id="pk-stale")
    url = "/api/v1/vendors/pk-stale"
    answers = together(
        *[
            (
                lambda n=n: _client(officer).patch(
                    url, {"city": f"City {n}", "version": vendor.version}, format="json"
                )
            )
            for n in range(6)
        ]
    )
    codes = [a.status_code for a in answers]
    assert sorted(codes) == [200] + [409] * 5, [a.content for a in answers]
    winner = answers[codes.index(200)].json()["city"]
    assert Vendor.objects.get(pk=vendor.pk).city == winner


def test_simultaneous_sign_ups_of_one_name_in_any_case_give_one_account():
    from accounts.models import User

    names = ["Sana", "sana", "SANA", "sAna", "Sana", "sana", "SANA", "SaNa", "sanA", "Sana"]
    answers = together(
        *[
            (
                lambda n=n, i=i: APIClient().post(
                    "/api/v1/auth/signup/",
                    {
                        "username": n,
                        "email": f"s{i}@example.com",
                        "password": "a-long-passphrase-9",
                        "role": "vendor",
                    },
                    format="json",
                )
            )
            for i, n in enumerate(names)
        ]
    )
    codes = [a.status_code for a in answers]
    assert sorted(codes) == [201] + [400] * 9, [a.content for a in answers]
    assert all(
        a.json() == {"username": ["this username is taken"]}
        for a in answers
        if a.status_code == 400
    )
    assert User.objects.filter(username__iexact="sana").count() == 1


def test_simultaneous_schedule_starts_run_one_job_per_event(user_factory, monkeypatch):
    from core.models import Job
    from tests.factories import make_event

    monkeypatch.setattr("core.jobs._dispatch", lambda job_id: None)  # jobs stay queued
    make_event(slug="gitex")
    officer = user_factory("officer")
    answers = together(
        *[
            (lambda: _client(officer).post("/api/v1/events/gitex/schedule", format="json"))
            for _ in range(10)
        ]
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [202] + [409] * 9, [a.content for a in answers]
    [job] = Job.objects.filter(kind="schedule_event")
    assert all(a.json()["current"]["job"] == job.pk for a in answers if a.status_code == 409)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    again = _client(officer).post("/api/v1/events/gitex/schedule", format="json")
    assert again.status_code == 202  # once it is done, a new one may start
