import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.interchange import JsonLinesImporter
from core.models import CurrencyRate
from vendors.models import Vendor
from vendors.schema import VendorRecord
from vendors.selectors import vendor_record, vendor_records
from vendors.services import vendors_upsert

DATA = Path(__file__).parent.parent / "data"
pytestmark = pytest.mark.django_db


def run_import(lines):
    return JsonLinesImporter(VendorRecord, vendors_upsert).run(lines)


def sample_lines():
    return (DATA / "vendors.jsonl").read_text().splitlines()


@pytest.fixture(autouse=True)
def _euro_today():
    # A rate dated today makes the expected US-dollar figures exact.
    CurrencyRate.objects.create(
        currency="EUR", valid_from=timezone.localdate(), usd_per_unit=Decimal("1.10")
    )
    CurrencyRate.objects.create(
        currency="GBP", valid_from=timezone.localdate(), usd_per_unit=Decimal("1.25")
    )


def test_a_canonical_line_round_trips_field_for_field():
    run_import(sample_lines())
    original = json.loads(sample_lines()[0])
    assert vendor_record(Vendor.objects.get(external_id="pk-0001")) == original


def test_import_normalises_labels_money_and_codes_and_keeps_unknown_keys():
    report = run_import(sample_lines())
    exported = vendor_record(Vendor.objects.get(external_id="pk-0002"))
    assert exported["services"] == ["Machine Learning", "Data Engineering"]
    assert exported["technologies"] == ["Python", "scikit-learn", "Apache Spark", "Quantum Widgets"]
    assert exported["industries"] == ["Healthcare"]
    assert exported["certifications"] == ["ISO 27001", "HIPAA"]
    assert exported["languages"] == ["en", "ur"]
    assert exported["min_project_usd"] == 9900
    assert exported["working_hours_utc"] == {"start": 22, "end": 7}
    assert exported["linkedin"] == "https://linkedin.example/ravi"
    assert exported["portfolio"] == [
        {
            "title": "Readmission model",
            "client_country": "GB",
            "value_usd": 25000,
            "award": "NHS innovation",
        }
    ]
    assert report.unknown_labels == {"technology": {"Quantum Widgets": 1}}


def test_second_import_of_the_same_file_changes_nothing():
    first = run_import(sample_lines())
    before = {v.external_id: (v.version, v.updated_at) for v in Vendor.objects.all()}
    second = run_import(sample_lines())
    after = {v.external_id: (v.version, v.updated_at) for v in Vendor.objects.all()}
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert before == after


def test_importing_an_export_changes_nothing(tmp_path):
    run_import(sample_lines())
    exported = [json.dumps(record) for record in vendor_records()]
    report = run_import(exported)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_reimport_with_a_change_updates_in_place_and_bumps_the_version():
    run_import(sample_lines())
    changed = json.loads(sample_lines()[2]) | {"city": "Islamabad"}
    report = run_import([json.dumps(changed)])
    vendor = Vendor.objects.get(external_id="pk-0003")
    assert (report.updated, Vendor.objects.count()) == (1, 3)
    assert (vendor.city, vendor.version) == ("Islamabad", 2)


def test_bad_lines_are_rejected_alone_with_line_field_and_reason():
    lines = [
        sample_lines()[2],
        '{"external_id": "pk-x1", "name": "Wrong types", "team_size": "many", "technologies": "Django"}',
        '{"external_id": "pk-x2", "name": "Bad country", "country": "XX"}',
        '{"external_id": "pk-x3", "name": "Negative", "min_project_usd": -5}',
        '{"external_id": "pk-x4", "name": "Broken", ',
        "",
        '["not", "an", "object"]',
        '{"name": "No id"}',
        '{"external_id": "pk-x5", "name": "Shares", "services": [{"name": "QA", "share": 80}, {"name": "ML", "share": 30}]}',
        '{"external_id": "pk-x6", "name": "Money", "min_project_usd": {"amount": 5, "currency": "XAF"}}',
        sample_lines()[1],
    ]
    report = run_import(lines)
    found = {(error.line, error.field) for error in report.errors}
    assert found == {
        (2, "team_size"),
        (2, "technologies"),
        (3, "country"),
        (4, "min_project_usd"),
        (5, "(line)"),
        (7, "(line)"),
        (8, "external_id"),
        (9, "services"),
        (10, "min_project_usd"),
    }
    reasons = {error.field: error.reason for error in report.errors if error.line in {3, 9, 10}}
    assert "unknown country 'XX'" in reasons["country"]
    assert "110%" in reasons["services"]
    assert "XAF" in reasons["min_project_usd"]
    assert sorted(Vendor.objects.values_list("external_id", flat=True)) == ["pk-0002", "pk-0003"]
    assert (report.lines, report.created, report.rejected) == (10, 2, 8)


def test_a_bad_line_never_touches_the_stored_profile():
    run_import(sample_lines())
    before = vendor_record(Vendor.objects.get(external_id="pk-0001"))
    report = run_import(['{"external_id": "pk-0001", "name": "Indus", "team_size": -1}'])
    assert report.rejected == 1
    assert vendor_record(Vendor.objects.get(external_id="pk-0001")) == before


def test_a_repeated_id_in_one_file_applies_lines_in_order():
    report = run_import(
        ['{"external_id": "pk-r", "name": "First"}', '{"external_id": "pk-r", "name": "Second"}']
    )
    assert (report.created, report.updated) == (1, 1)
    assert Vendor.objects.get(external_id="pk-r").name == "Second"


def test_commands_import_and_export_files(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    call_command(
        "import_vendors", str(DATA / "vendors.jsonl"), "--report", str(tmp_path / "r.json")
    )
    call_command("export_vendors", str(out))
    printed = capsys.readouterr().out
    assert "3 created" in printed and "Quantum Widgets (1)" in printed
    assert [json.loads(line)["external_id"] for line in out.read_text().splitlines()] == [
        "pk-0001",
        "pk-0002",
        "pk-0003",
    ]
    assert json.loads((tmp_path / "r.json").read_text())["created"] == 3


def test_import_command_reports_bad_lines_by_number(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"external_id": "a", "name": "A"}\n{"external_id": "b", "name": "B", "website": "nope"}\n'
    )
    report = tmp_path / "report.json"
    with pytest.raises(CommandError, match="1 line rejected") as failed:
        call_command("import_vendors", str(bad), "--quiet", "--report", str(report))
    assert failed.value.returncode == 1  # the shell sees a failure
    printed = capsys.readouterr().out
    assert "1 created" in printed and "1 rejected" in printed
    assert "line 2 (b): website: not a valid http(s) URL: 'nope'" in printed
    assert json.loads(report.read_text())["errors"][0]["line"] == 2  # written all the same
    assert Vendor.objects.filter(external_id="a").exists()


def test_exporting_into_a_pipe_that_closes_early_ends_quietly(tmp_path, monkeypatch, capsys):
    """``export_vendors - | head -1``: no traceback, no error once the reader is gone."""
    call_command("import_vendors", str(DATA / "vendors.jsonl"), "--quiet")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone (head exited)
    with open(write_end, "w", encoding="utf-8") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        call_command("export_vendors", "-")  # must not raise BrokenPipeError
        closed_pipe.write("flushed at exit\n")
        closed_pipe.flush()  # what the interpreter does last: now into /dev/null
    assert capsys.readouterr().err == ""


def test_an_update_stores_every_field_as_a_fresh_import_would():
    run_import(sample_lines())
    before = Vendor.objects.get(external_id="pk-0001")
    changed = json.loads(sample_lines()[1]) | {"external_id": "pk-0001", "name": "Indus Data"}
    assert run_import([json.dumps(changed)]).updated == 1
    updated = Vendor.objects.get(external_id="pk-0001")
    run_import([json.dumps(changed | {"external_id": "pk-fresh"})])
    fresh = vendor_record(Vendor.objects.get(external_id="pk-fresh"))
    assert vendor_record(updated) == fresh | {"external_id": "pk-0001"}
    assert (updated.version, updated.created_at) == (before.version + 1, before.created_at)
    assert updated.updated_at > before.updated_at
