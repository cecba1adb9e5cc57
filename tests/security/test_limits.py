"""Hostile and careless input: bounded work per request, 400s that name the field,
and nothing stored lost (issue 10, items 1-4)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.query import MAX_RESULT_WINDOW, ResultWindowTooLarge, VendorQuery
from tests.factories import VendorRecordFactory, make_vendor
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


# 1. Result window -------------------------------------------------------------------
def test_the_query_layer_refuses_results_beyond_the_window_for_every_backend():
    VendorQuery(offset=MAX_RESULT_WINDOW - 20, limit=20)  # the last reachable page
    with pytest.raises(ResultWindowTooLarge):
        VendorQuery(offset=MAX_RESULT_WINDOW - 19, limit=20)
    with pytest.raises(ResultWindowTooLarge):
        VendorQuery(offset=10**9 * 20, limit=20)


@pytest.mark.parametrize("page", ["501", "1000000000"])
def test_the_search_api_answers_400_naming_page_beyond_the_window(api, page):
    response = api.get("/api/v1/search/vendors", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()


def test_the_search_api_still_serves_the_last_page_of_the_window(api):
    response = api.get("/api/v1/search/vendors", {"page": 100, "page_size": 100})
    assert response.status_code == 200


def test_the_directory_page_answers_400_beyond_the_window(client):
    response = client.get("/firms/", {"page": "1000000000"})
    assert response.status_code == 400
    assert b"could not be understood" in response.content


# 2. Forged form counts -----------------------------------------------------------------
@pytest.mark.parametrize("rows", ["abc", "1000000", "-1", "1³"])
def test_a_forged_portfolio_row_count_is_refused_and_nothing_changes(client, user_factory, rows):
    vendor = make_vendor(name="Indus Code")
    client.force_login(user_factory("vendor", vendor=vendor))
    response = client.post("/workspace/firm/", {"name": "Renamed", "portfolio_rows": rows})
    assert response.status_code == 400
    vendor.refresh_from_db()
    assert vendor.name == "Indus Code"


# 3. Nesting, NUL and control characters, list sizes, reserved ids, import size -------
def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", ["/api/v1/auth/signup/", "/api/v1/auth/token/"])
def test_deeply_nested_json_is_a_400_even_anonymously(api, url):
    response = api.post(url, _nested(100_000), content_type="application/json")
    assert response.status_code == 400


def test_moderately_nested_unknown_keys_are_refused_with_their_path(client_for):
    record = VendorRecordFactory(external_id="deep", extra_thing=json.loads(_nested(50)))
    response = client_for("officer").post("/api/v1/vendors", record, format="json")
    assert response.status_code == 400
    assert any(key.startswith("extra_thing") for key in response.json())


@pytest.mark.parametrize("url", ["/firms/a%00b/", "/firms/?q=a%00b", "/api/v1/vendors/a%00b"])
def test_a_nul_in_the_url_is_a_400(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_nul_in_a_form_field_is_a_400(client, user_factory, encoding):
    vendor = make_vendor(name="Indus Code")
    user = user_factory("vendor", vendor=vendor)
    client.force_login(user)
    body = {"name": "Indus\x00Code", "portfolio_rows": "0"}
    if encoding == "urlencoded":
        from urllib.parse import urlencode

        response = client.post(
            "/workspace/firm/", urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/workspace/firm/", body)
    assert response.status_code == 400
    # The sign-in form too, anonymously.
    client.logout()
    assert (
        client.post("/accounts/signin/", {"username": "a\x00", "password": "x"}).status_code == 400
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Indus\x00Code"),
        ("name", "Evil\u202eedoC sudnI"),  # right-to-left override
        ("city", "Lah\x07ore"),
        ("description", "fine\u2066isolated"),
    ],
)
def test_control_and_bidi_override_characters_are_refused_naming_the_field(
    client_for, field, value
):
    vendor = make_vendor(name="Indus Code")
    client = client_for("vendor", vendor=vendor)
    response = client.patch(f"/api/v1/vendors/{vendor.external_id}", {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    vendor.refresh_from_db()
    assert vendor.name == "Indus Code"


def test_a_lone_surrogate_is_refused_naming_the_field(client_for):
    """JSON may escape half a UTF-16 pair (\\ud800); Python decodes it to a string no
    encoder (PostgreSQL's, the ranker's hashing) can write: refused at the door."""
    vendor = make_vendor(description="Flutter apps")
    client = client_for("vendor", vendor=vendor)
    response = client.patch(
        f"/api/v1/vendors/{vendor.external_id}",
        '{"description": "fine \\ud800 text"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "description" in response.json()
    vendor.refresh_from_db()
    assert vendor.description == "Flutter apps"


def test_urdu_and_arabic_text_with_marks_is_still_welcome(client_for):
    vendor = make_vendor()
    client = client_for("vendor", vendor=vendor)
    description = "ہم موبائل ایپس بناتے ہیں\u200f — نعمل في الرياض"
    response = client.patch(
        f"/api/v1/vendors/{vendor.external_id}", {"description": description}, format="json"
    )
    assert response.status_code == 200, response.content


def test_label_lists_are_bounded(client_for):
    vendor = make_vendor()
    client = client_for("vendor", vendor=vendor)
    technologies = [f"Tech {n}" for n in range(50_000)]
    response = client.patch(
        f"/api/v1/vendors/{vendor.external_id}", {"technologies": technologies}, format="json"
    )
    assert response.status_code == 400
    assert "technologies" in response.json()


@pytest.mark.parametrize("external_id", ["export", "import", "Export"])
def test_ids_that_are_action_routes_are_refused(client_for, external_id):
    record = VendorRecordFactory(external_id=external_id)
    response = client_for("officer").post("/api/v1/vendors", record, format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()
    assert not Vendor.objects.filter(external_id=external_id).exists()


@pytest.mark.parametrize(
    "external_id",
    [
        "pk\u2010000001",  # a hyphen that is not U+002D: reads as "pk-000001"
        "pk-\u043e01",  # a Cyrillic "o"
        "pk\u00a0001",  # a non-breaking space
        "pk/001",
        "pk#001",
    ],
)
def test_ids_that_only_look_like_plain_ids_are_refused_naming_the_field(client_for, external_id):
    record = VendorRecordFactory(external_id=external_id)
    response = client_for("officer").post("/api/v1/vendors", record, format="json")
    assert response.status_code == 400
    assert "plain ASCII" in str(response.json()["external_id"])
    line = json.dumps(record).encode() + b"\n"
    report = (
        client_for("officer")
        .post("/api/v1/vendors/import", line, content_type="application/x-ndjson")
        .json()
    )
    assert report["rejected"] == 1 and "external_id" in str(report["errors"])
    assert not Vendor.all_objects.filter(external_id=external_id).exists()


def test_an_import_of_many_bad_lines_reports_the_first_errors_and_counts_all(client_for, settings):
    settings.RAABTA_IMPORT_MAX_ERRORS = 10
    body = b'{"external_id": "x", "name": "X", "country": "XX"}\n' * 500
    response = client_for("officer").post(
        "/api/v1/vendors/import", body, content_type="application/x-ndjson"
    )
    report = response.json()
    assert (report["rejected"], report["errors_total"]) == (500, 500)
    assert len(report["errors"]) == 10 and report["errors_truncated"] is True


@pytest.mark.parametrize("kind", ["ndjson", "upload"])
def test_an_import_over_the_size_limit_is_a_413_and_stores_nothing(client_for, settings, kind):
    settings.RAABTA_IMPORT_MAX_BYTES = 1000
    line = json.dumps(VendorRecordFactory()).encode() + b"\n"
    body = line * (1 + 1000 // len(line))
    client = client_for("officer")
    if kind == "ndjson":
        response = client.post("/api/v1/vendors/import", body, content_type="application/x-ndjson")
    else:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("vendors.jsonl", body)
        response = client.post("/api/v1/vendors/import", {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert not Vendor.objects.exists()


def test_a_json_body_over_the_limit_is_a_json_413(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    record = VendorRecordFactory(description="x" * 2000)
    response = client_for("officer").post("/api/v1/vendors", record, format="json")
    assert response.status_code == 413
    assert "detail" in response.json()


# 4. OPTIONS ---------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/api/v1/vendors", "/api/v1/briefs", "/api/v1/buyers"])
def test_options_answers_for_signed_in_writers(client_for, url):
    response = client_for("officer").options(url)
    assert response.status_code == 200
    assert "name" in response.json()


def test_the_console_upload_honours_the_import_limit(client, user_factory, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import Job

    settings.RAABTA_IMPORT_MAX_BYTES = 100
    client.force_login(user_factory("officer"))
    upload = SimpleUploadedFile("vendors.jsonl", b"{}\n" * 100)
    response = client.post("/console/operations/", {"kind": "import_vendors", "file": upload})
    assert response.status_code == 302
    assert not Job.objects.exists()


@pytest.mark.parametrize("value", ["1³", "٣", "0", "-2", "x"])
def test_page_and_page_size_accept_only_ascii_whole_numbers(api, value):
    """ "1³" passes str.isdigit but not int(): it answered 500."""
    for name in ("page", "page_size"):
        response = api.get("/api/v1/vendors", {name: value})
        assert response.status_code == 400, response.content
        assert name in response.json()


@given(st.text(max_size=30))
def test_the_fast_pre_check_never_misses_what_the_walk_refuses(text):
    """Imports check thousands of records a second with one regex over the JSON; it must
    flag every record the field-by-field walk would refuse."""
    from core.schema import _may_be_unsafe, unsafe_text
    from vendors.schema import VendorRecord

    record = {"external_id": "x", "name": text, "portfolio": [{"title": text}]}
    if list(unsafe_text(record)):
        assert _may_be_unsafe(VendorRecord, record)


def test_every_refused_character_is_caught_by_the_fast_pre_check():
    from core.schema import _may_be_unsafe
    from vendors.schema import VendorRecord

    refused = [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        0x7F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
    for code in refused:
        assert _may_be_unsafe(VendorRecord, {"name": f"a{chr(code)}b"}), hex(code)


def test_unknown_keys_are_bounded_and_numbers_beyond_64_bits_refused(client_for):
    from tests.factories import make_vendor
    from vendors.models import Vendor

    vendor = make_vendor(name="Bounded Firm", city="Multan")
    officer = client_for("officer")
    url = f"/api/v1/vendors/{vendor.external_id}/"
    huge = officer.patch(url, {"zzbig": 10**26, "city": "Lahore"}, format="json")
    assert huge.status_code == 400 and "zzbig" in huge.json(), huge.content
    many = officer.patch(url, {f"k{n}": n for n in range(51)}, format="json")
    assert many.status_code == 400 and "unknown keys" in str(many.json())
    large = officer.patch(url, {"blob": "x" * 20_000}, format="json")
    assert large.status_code == 400 and "bytes" in str(large.json())
    assert Vendor.objects.get(pk=vendor.pk).city == "Multan"  # nothing stored
    assert officer.patch(url, {"notes": "kept", "n": 2**62}, format="json").status_code == 200
    line = f'{{"external_id": "pk-big", "name": "Big", "zzbig": {10**26}}}'
    report = officer.post(
        "/api/v1/vendors/import", line, content_type="application/x-ndjson"
    ).json()
    # The importer's JSON reader (orjson) reads it as a float, which PostgreSQL would give
    # back as a 27-digit integer: refused on the line, naming the key.
    assert report["created"] == 0 and "zzbig" in str(report), report
    assert officer.patch(url, {"ratio": 1.5e300}, format="json").status_code == 400
    read = officer.post("/api/v1/notifications/read", {"ids": [2**70]}, format="json")
    assert read.status_code == 400 and "ids" in read.json()


@pytest.mark.parametrize(
    "name",
    [
        "Indus\r\nBcc: x@evil.example",
        "Indus\tCode",
        "Indus\u0085Code",  # C1 next line
        "Indus\u009bCode",  # C1 control sequence introducer
        "Indus\u2028Code",  # line separator
        "\u200b\u200b",
        "\u00ad",
        "\u2800\u2800",
        "\ufeff",
        "\u115f",
    ],
)
def test_a_name_is_one_visible_line(client_for, name):
    from vendors.models import Vendor

    body = {"external_id": "pk-line", "name": name}
    answer = client_for("officer").post("/api/v1/vendors/", body, format="json")
    assert answer.status_code == 400 and "name" in answer.json(), answer.content
    assert not Vendor.objects.filter(external_id="pk-line").exists()


def test_a_stored_name_with_a_line_break_cannot_stick_an_e_mail_or_break_a_calendar():
    from core.mail import email_queue, one_line_of

    assert one_line_of("Indus\r\nCode\tLabs\u0085") == "Indus Code Labs"
    email = email_queue(key="k-line", to=["a@example.com"], subject="Meet Indus\r\nCode", body="x")
    assert email is not None and email.subject == "Meet Indus Code"
