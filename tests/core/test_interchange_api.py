import json
from pathlib import Path

import pytest

from buyers.models import Brief
from vendors.models import Vendor

DATA = Path(__file__).parent.parent / "data"
pytestmark = pytest.mark.django_db


def test_officers_import_vendors_as_json_lines_and_get_a_line_report(client_for):
    body = (
        DATA / "vendors.jsonl"
    ).read_bytes() + b'{"external_id": "bad", "name": "B", "country": "XX"}\n'
    response = client_for("officer").post(
        "/api/v1/vendors/import", body, content_type="application/x-ndjson"
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["created"], report["rejected"]) == (3, 1)
    assert report["errors"][0]["line"] == 4
    assert report["errors"][0]["field"] == "country"
    assert report["unknown_labels"] == {"technology": {"Quantum Widgets": 1}}


def test_officers_import_briefs_as_an_uploaded_file(client_for):
    with (DATA / "briefs.jsonl").open("rb") as upload:
        response = client_for("officer").post(
            "/api/v1/briefs/import", {"file": upload}, format="multipart"
        )
    assert response.json()["created"] == 2
    assert Brief.objects.count() == 2


def test_export_streams_every_record_as_json_lines(client_for, vendor):
    response = client_for("officer").get("/api/v1/vendors/export")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"] == "application/x-ndjson"
    assert [json.loads(line)["external_id"] for line in lines] == [vendor.external_id]


@pytest.mark.parametrize("role", ["vendor", "buyer"])
def test_only_officers_import_and_export(client_for, api, role):
    body = (DATA / "vendors.jsonl").read_bytes()
    for client in (client_for(role), api):
        assert client.post(
            "/api/v1/vendors/import", body, content_type="application/x-ndjson"
        ).status_code in {401, 403}
        assert client.get("/api/v1/vendors/export").status_code in {401, 403}
        assert client.get("/api/v1/briefs/export").status_code in {401, 403}
    assert Vendor.objects.count() == 0
