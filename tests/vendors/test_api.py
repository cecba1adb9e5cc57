import json

import pytest

from tests.factories import VendorRecordFactory, make_vendor
from vendors.models import Vendor, VendorMember

pytestmark = pytest.mark.django_db
URL = "/api/v1/vendors/"


def detail(vendor):
    return f"{URL}{vendor.external_id}/"


def test_anyone_can_list_and_read_vendors_with_a_total_count(api):
    for n in range(25):
        make_vendor(name=f"Firm {n:02d}")
    page = api.get(URL, {"page_size": 10}).json()
    assert page["count"] == 25
    assert len(page["results"]) == 10
    assert page["next"]
    first = page["results"][0]
    assert api.get(f"{URL}{first['external_id']}/").json() == first


def test_list_filters_use_the_taxonomy_and_match_whole_labels(api):
    make_vendor(external_id="rn", technologies=["React Native"], city="Karachi")
    make_vendor(external_id="js", technologies=["JavaScript"], city="Lahore")
    make_vendor(external_id="java", technologies=["Java"], team_size=400)

    def ids(**params):
        return sorted(v["external_id"] for v in api.get(URL, params).json()["results"])

    assert ids(technology="RN") == ["rn"]
    assert ids(technology="java") == ["java"]
    assert ids(city="karachi") == ["rn"]
    assert ids(min_team_size=100) == ["java"]
    assert ids(service="mobile apps") == ["java", "js", "rn"]


def test_anonymous_users_cannot_write(api, vendor):
    assert api.post(URL, VendorRecordFactory(), format="json").status_code == 401
    assert api.patch(detail(vendor), {"name": "X"}, format="json").status_code == 401
    assert api.delete(detail(vendor)).status_code == 401
    assert Vendor.objects.get(pk=vendor.pk).name == vendor.name


def test_a_vendor_member_edits_their_own_firm_only(client_for, vendor):
    other = make_vendor()
    client = client_for("vendor", vendor=vendor)
    assert client.patch(detail(vendor), {"city": "Multan"}, format="json").status_code == 200
    assert client.patch(detail(other), {"city": "Multan"}, format="json").status_code == 403
    assert (
        client.put(
            detail(other), VendorRecordFactory(external_id=other.external_id), format="json"
        ).status_code
        == 403
    )
    assert client.delete(detail(vendor)).status_code == 403
    assert Vendor.objects.get(pk=vendor.pk).city == "Multan"
    assert Vendor.objects.get(pk=other.pk).city == "Lahore"


def test_buyers_cannot_edit_vendors(client_for, vendor, buyer):
    client = client_for("buyer", buyer=buyer)
    assert client.patch(detail(vendor), {"city": "Multan"}, format="json").status_code == 403
    assert client.post(URL, VendorRecordFactory(), format="json").status_code == 403


def test_a_vendor_user_without_a_firm_creates_one_and_becomes_its_member(client_for, vendor):
    client = client_for("vendor")
    body: dict = VendorRecordFactory(technologies=["RN"])  # type: ignore[assignment]
    del body["external_id"]
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["technologies"] == ["React Native"]
    given = response.json()["external_id"]
    assert given.startswith("firm-") and VendorMember.objects.get(vendor__external_id=given)
    # A member already has a firm: a second one is refused.
    assert client.post(URL, VendorRecordFactory(), format="json").status_code == 403


def test_a_member_cannot_squat_the_id_of_a_firm_an_officer_will_import(client_for, api):
    squatter = client_for("vendor")
    chosen = squatter.post(URL, VendorRecordFactory(external_id="pk-002001"), format="json")
    assert chosen.status_code == 400
    assert chosen.json() == {
        "external_id": ["assigned by the server for records you create; leave it out"]
    }
    assert not Vendor.objects.exists()
    officer = client_for("officer")
    line = json.dumps({"external_id": "pk-002001", "name": "Imported Firm"})
    report = officer.post(f"{URL}import", line, content_type="application/x-ndjson").json()
    assert report["created"] == 1, report
    assert not VendorMember.objects.filter(vendor__external_id="pk-002001").exists()


def test_officers_create_update_and_delete_any_vendor(client_for, vendor):
    client = client_for("officer")
    assert (
        client.post(URL, VendorRecordFactory(external_id="pk-o"), format="json").status_code == 201
    )
    assert client.patch(detail(vendor), {"team_size": 30}, format="json").json()["team_size"] == 30
    assert client.delete(detail(vendor)).status_code == 204
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def test_invalid_input_gets_400_naming_each_field_and_stores_nothing(client_for, vendor):
    client = client_for("vendor", vendor=vendor)
    body = {
        "team_size": 0,
        "country": "XX",
        "services": [{"name": "QA", "share": "lots"}],
        "working_hours_utc": {"start": 30, "end": 2},
    }
    response = client.patch(detail(vendor), body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"team_size", "country", "services[0].share", "working_hours_utc.start"}
    assert "unknown country 'XX'" in errors["country"][0]
    assert Vendor.objects.get(pk=vendor.pk).version == vendor.version


def test_create_refuses_a_duplicate_external_id_and_put_cannot_rename(client_for, vendor):
    client = client_for("officer")
    duplicate = client.post(URL, VendorRecordFactory(external_id=vendor.external_id), format="json")
    assert duplicate.status_code == 409
    assert "external_id" in duplicate.json()
    renamed = client.put(detail(vendor), VendorRecordFactory(external_id="other"), format="json")
    assert renamed.status_code == 400
    assert renamed.json() == {"external_id": ["cannot be changed"]}


def test_put_replaces_the_profile_and_patch_merges(client_for, vendor):
    client = client_for("officer")
    patched = client.patch(detail(vendor), {"certifications": ["iso27001"]}, format="json").json()
    assert patched["certifications"] == ["ISO 27001"]
    assert patched["technologies"] == ["React Native"]
    body = {"external_id": vendor.external_id, "name": "Bare"}
    replaced = client.put(detail(vendor), body, format="json").json()
    assert replaced == {
        "external_id": vendor.external_id,
        "name": "Bare",
        "verified_facts": [],
        "version": 3,
    }


def test_a_write_based_on_a_stale_version_is_a_409_with_the_current_record(client_for, vendor):
    client = client_for("vendor", vendor=vendor)
    shown = client.get(detail(vendor))
    assert shown["ETag"] == f'"{vendor.version}"' and shown.json()["version"] == vendor.version
    first = client.patch(
        detail(vendor), {"city": "Multan", "version": vendor.version}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == vendor.version + 1
    assert first["ETag"] == f'"{vendor.version + 1}"'
    # The same edit again, from a page that still shows the old version: refused.
    stale = client.patch(
        detail(vendor), {"city": "Quetta", "version": vendor.version}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["city"] == "Multan"
    assert stale.json()["current"]["version"] == vendor.version + 1
    by_header = client.patch(
        detail(vendor), {"city": "Quetta"}, format="json", HTTP_IF_MATCH=f'"{vendor.version}"'
    )
    assert by_header.status_code == 409
    # A GET sent back as a PUT carries its version, and lands when nothing moved.
    record = client.get(detail(vendor)).json()
    assert (
        client.put(detail(vendor), {**record, "city": "Sialkot"}, format="json").status_code == 200
    )
    assert Vendor.objects.get(pk=vendor.pk).city == "Sialkot"
    assert "version" not in Vendor.objects.get(pk=vendor.pk).extra
    for bad in ("three", True, 0, -1, 2**40):
        refused = client.patch(detail(vendor), {"city": "X", "version": bad}, format="json")
        assert refused.status_code == 400 and "version" in refused.json(), bad
    refused = client.patch(detail(vendor), {"city": "X"}, format="json", HTTP_IF_MATCH="soon")
    assert refused.status_code == 400 and "If-Match" in refused.json()
    assert Vendor.objects.get(pk=vendor.pk).city == "Sialkot"


def test_unknown_vendor_is_404(api):
    assert api.get(f"{URL}nope/").status_code == 404
