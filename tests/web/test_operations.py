"""Long operations started from the console run in the background with progress."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from core.jobs import run_job
from core.models import Job
from tests.factories import VendorRecordFactory, make_vendor
from tests.web.test_journeys import sign_in
from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(job_id: int, seconds: float = 20) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job.status}")


def test_an_officer_uploads_vendors_and_the_import_reports_progress(client, user_factory):
    client.force_login(user_factory("officer"))
    lines = [json.dumps(VendorRecordFactory(external_id=f"pk-up-{n}")) for n in range(1200)] + [
        '{"name": 1}'
    ]
    upload = SimpleUploadedFile(
        "vendors.jsonl", "\n".join(lines).encode(), content_type="application/x-ndjson"
    )
    response = client.post("/console/operations/", {"kind": "import_vendors", "file": upload})
    assert response.status_code == 302
    job = wait_for(int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == "done" and job.progress == 1.0
    assert "1,200 created" in job.message and "line 1201" in job.message
    assert Vendor.objects.filter(external_id__startswith="pk-up-").count() == 1200
    polled = client.get(f"/console/operations/{job.pk}/", {"format": "json"}).json()
    assert polled == {"status": "done", "progress": 1.0, "message": job.message}
    assert not Path(job.params["path"]).exists()  # the upload is removed once imported


def test_a_failing_job_is_recorded_as_failed_with_its_reason(user_factory):
    job = Job.objects.create(kind="import_vendors", params={"path": "/nonexistent/vendors.jsonl"})
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "No such file" in job.message


def test_only_officers_start_operations(client, user_factory, vendor):
    client.force_login(user_factory("vendor", vendor=vendor))
    assert client.post("/console/operations/", {"kind": "rebuild_search_index"}).status_code == 403
    assert not Job.objects.exists()


def test_the_rebuild_page_shows_progress_to_the_end(open_page, user_factory):
    for n in range(5):
        make_vendor(external_id=f"pk-r-{n}")
    officer = user_factory("officer")
    page = open_page().tab
    sign_in(page, officer.username)
    page.goto("/console/operations/")
    page.get_by_role("form", name="Rebuild the search index").get_by_role(
        "button", name="Start"
    ).click()
    page.wait_for_url("**/console/operations/*/")
    expect(page.locator("[data-job-status]")).to_have_text("done", timeout=15000)
    expect(page.locator("[data-job-message]")).to_contain_text("Indexed 5 vendors")
