"""Claimed versus verified: what a firm states about its registrations and
certifications is a claim until an officer verifies it (evidence, expiry); verify and
revoke are audited and guarded by the version; badges show verified facts only; the
ranker gives a claim half credit and says so; a firm cannot verify itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEntry
from matchmaking.matching.selectors import vendor_data
from matchmaking.ranking.data import BriefData
from matchmaking.ranking.extraction import extract
from matchmaking.ranking.features import CLAIM_CREDIT, FEATURES
from tests.factories import make_vendor
from vendors import verification
from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit

ISO = "certification:ISO 27001"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def firm(user_factory, client):
    """A firm whose member typed a PSEB number and ISO 27001 in the workspace."""
    vendor = make_vendor(external_id="chenab", name="Chenab Soft", certifications=[])
    member = user_factory("vendor", vendor=vendor)
    client.force_login(member)
    client.post(
        "/workspace/firm/",
        {
            "name": "Chenab Soft",
            "portfolio_rows": "0",
            "certifications": "ISO 27001",
            "registrations.pseb": "PSEB/2019/1234",
        },
    )
    vendor.refresh_from_db()
    return vendor, member


def test_what_a_firm_types_is_a_claim(firm):
    vendor, _ = firm
    assert vendor.registrations == {"pseb": "PSEB/2019/1234"}
    assert vendor.unverified_claims == 2 and vendor.verified == {}
    assert [f.verified for f in verification.facts(vendor)] == [None, None]


def test_what_an_import_or_an_officer_records_is_verified_with_its_source():
    vendor = make_vendor(certifications=["ISO 27001"], registrations={"secp": "0012345"})
    assert vendor.unverified_claims == 0
    assert {f.key: (f.verified or {}).get("evidence") for f in verification.facts(vendor)} == {
        "registration:secp": "officer",
        ISO: "officer",
    }


def test_officers_verify_and_revoke_audited_and_a_firm_cannot(firm, user_factory):
    vendor, member = firm
    officer = user_factory("officer")
    url = f"/api/v1/verifications/{vendor.external_id}"
    body = {"fact": ISO, "version": vendor.version, "evidence": "certificate IS 123456 seen"}
    assert api(member).post(f"{url}/verify", body, format="json").status_code == 403
    assert APIClient().post(f"{url}/verify", body, format="json").status_code == 401
    queue = api(officer).get("/api/v1/verifications/").json()
    assert [f["external_id"] for f in queue["results"]] == ["chenab"]

    expires = (timezone.localdate() + timedelta(days=365)).isoformat()
    done = api(officer).post(f"{url}/verify", {**body, "expires_on": expires}, format="json")
    assert done.status_code == 200, done.content
    facts = {f["fact"]: f for f in done.json()["facts"]}
    assert facts[ISO]["verified"]["by"] == officer.username
    assert facts[ISO]["verified"]["expires_on"] == expires
    assert facts["registration:pseb"]["verified"] is None
    assert done.json()["unverified_claims"] == 1
    stale = api(officer).post(f"{url}/verify", body, format="json")  # the version it saw
    assert stale.status_code == 409

    version = done.json()["version"]
    revoked = api(officer).post(
        f"{url}/revoke", {"fact": ISO, "version": version, "reason": "certificate withdrawn"},
        format="json",
    )  # fmt: skip
    assert revoked.status_code == 200 and revoked.json()["unverified_claims"] == 2
    actions = list(
        AuditEntry.objects.filter(subject_id=str(vendor.pk)).values_list("action", flat=True)
    )
    assert actions == ["verification.verify", "verification.revoke"]
    last = AuditEntry.objects.order_by("id").last()
    assert last is not None and (last.after or {})["reason"] == "certificate withdrawn"


def test_bad_verifications_are_refused_at_their_field(firm, user_factory):
    vendor, _ = firm
    officer = api(user_factory("officer"))
    url = f"/api/v1/verifications/{vendor.external_id}/verify"
    base = {"fact": ISO, "version": vendor.version, "evidence": "seen"}
    for change, field in (
        ({"fact": "certification:CMMI 5"}, "fact"),
        ({"evidence": "  "}, "evidence"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"expires_on": "soon"}, "expires_on"),
    ):
        answer = officer.post(url, {**base, **change}, format="json")
        assert answer.status_code == 400 and field in answer.json(), (change, answer.content)
    vendor.refresh_from_db()
    assert vendor.verified == {}


def test_a_changed_number_or_a_lapsed_certificate_is_a_claim_again(firm, user_factory, client):
    vendor, _ = firm
    officer = user_factory("officer")
    vendor = verification.fact_verify(
        vendor=vendor,
        key="registration:pseb",
        actor=officer,
        version=vendor.version,
        evidence="registry",
    )
    vendor = verification.fact_verify(
        vendor=vendor, key=ISO, actor=officer, version=vendor.version, evidence="certificate",
        expires_on=timezone.localdate() + timedelta(days=10),
    )  # fmt: skip
    assert all(f.verified for f in verification.facts(vendor))
    later = timezone.localdate() + timedelta(days=11)
    assert [f.key for f in verification.facts(vendor, later) if not f.verified] == [ISO]
    client.post(
        "/workspace/firm/",
        {"name": "Chenab Soft", "portfolio_rows": "0", "certifications": "ISO 27001",
         "registrations.pseb": "PSEB/2020/9999"},
    )  # fmt: skip
    vendor.refresh_from_db()
    states = {f.key: bool(f.verified) for f in verification.facts(vendor)}
    assert states == {"registration:pseb": False, ISO: True}  # the certificate still holds
    assert vendor.unverified_claims == 1


def test_badges_show_verified_facts_and_mark_claims(firm, user_factory, client):
    vendor, _ = firm
    page = client.get(f"/firms/{vendor.external_id}/").content.decode()
    assert "✓ PSEB registered" not in page and "claimed, not yet verified" in page
    officer = user_factory("officer")
    verification.fact_verify(
        vendor=vendor,
        key="registration:pseb",
        actor=officer,
        version=vendor.version,
        evidence="registry",
    )
    page = client.get(f"/firms/{vendor.external_id}/").content.decode()
    assert "✓ PSEB registered" in page and "ISO 27001 certified" in page.split("claimed")[0]
    listing = client.get("/firms/", {"q": "Chenab"}).content.decode()
    assert "ISO 27001 (claimed)" in listing


def test_the_ranker_gives_a_claim_half_credit_and_says_so(firm):
    from matchmaking.ranking.explain import gaps

    vendor, _ = firm
    claimed = vendor_data(Vendor.objects.get(pk=vendor.pk))
    recorded = vendor_data(make_vendor(external_id="recorded", certifications=["ISO 27001"]))
    brief = BriefData(id="b", text="", required_certifications=("ISO 27001",))
    found = extract(brief, [claimed, recorded])
    matrix, details = found.matrix, found.details
    column = FEATURES.index("certification_coverage")
    assert matrix[0, column] == CLAIM_CREDIT and matrix[1, column] == 1.0
    assert {"feature": "certification_coverage", "text": "claims ISO 27001, not verified"} in gaps(
        brief, details[0]
    )
    assert not [g for g in gaps(brief, details[1]) if g["feature"] == "certification_coverage"]


def test_the_console_queue_verifies_from_the_page(firm, user_factory, client):
    vendor, _ = firm
    assert client.get("/console/verifications/").status_code == 403  # the firm's member
    client.force_login(user_factory("officer"))
    page = client.get("/console/verifications/").content.decode()
    assert "Chenab Soft" in page and "<strong>Claimed</strong>" in page
    client.post(
        f"/console/verifications/{vendor.external_id}/decide/",
        {"fact": ISO, "version": vendor.version, "decision": "verify", "evidence": "seen"},
    )
    vendor.refresh_from_db()
    assert vendor.unverified_claims == 1 and ISO in vendor.verified


def test_the_queue_shows_a_firm_whose_name_looks_like_another_s_to_officers_only(
    firm, user_factory, client
):
    make_vendor(external_id="pk-000001", name="Indus Code Labs (Pvt) Ltd", certifications=[])
    # No claims, so only its name brings it to the queue: a Cyrillic "o" and "a".
    make_vendor(external_id="indus-2", name="Indus C\u043ede L\u0430bs", certifications=[])
    make_vendor(external_id="other", name="Ravi Systems", certifications=[])
    assert client.get("/console/verifications/").status_code == 403  # the firm's member
    client.force_login(user_factory("officer"))
    page = client.get("/console/verifications/").content.decode()
    copy = page[page.index('id="firm-indus-2"') :]
    copy = copy[: copy.index("</section>")]
    assert "Name looks like" in copy and "pk-000001" in copy
    assert "CYRILLIC SMALL LETTER O" in copy and "CYRILLIC SMALL LETTER A" in copy
    assert 'id="firm-pk-000001"' in page  # both sides of the pair
    assert 'id="firm-other"' not in page  # no claims, no look-alike
    assert "Chenab Soft" in page  # claims still bring a firm


def test_the_api_says_what_is_verified_and_a_round_trip_cannot_set_it(firm, user_factory):
    vendor, member = firm
    verification.fact_verify(
        vendor=vendor, key=ISO, actor=user_factory("officer"), version=vendor.version,
        evidence="certificate seen",
    )  # fmt: skip
    url = f"/api/v1/vendors/{vendor.external_id}"
    shown = APIClient().get(url).json()
    assert shown["verified_facts"] == [ISO]
    assert shown["registrations"] == {"pseb": "PSEB/2019/1234"}
    body = {**shown, "verified_facts": [ISO, "registration:pseb"], "description": "Round trip"}
    answer = api(member).put(url, body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["verified_facts"] == [ISO]  # the member's list changed nothing
    vendor.refresh_from_db()
    assert "verified_facts" not in vendor.extra and vendor.description == "Round trip"


def test_the_nightly_recount_puts_a_firm_with_a_lapsed_certificate_back_in_the_queue(
    firm, user_factory, client
):
    vendor, _ = firm
    officer = user_factory("officer")
    for key in ("registration:pseb", ISO):
        vendor = verification.fact_verify(
            vendor=vendor, key=key, actor=officer, version=vendor.version, evidence="seen",
            expires_on=timezone.localdate() + timedelta(days=1) if key == ISO else None,
        )  # fmt: skip
    assert vendor.unverified_claims == 0
    assert verification.recount_claims() == 0  # nothing lapsed: nothing written
    # the certificate lapsed yesterday
    entry = {**vendor.verified[ISO], "expires_on": str(timezone.localdate() - timedelta(days=1))}
    Vendor.objects.filter(pk=vendor.pk).update(verified={**vendor.verified, ISO: entry})
    version = vendor.version
    assert verification.recount_claims() == 1
    vendor.refresh_from_db()
    assert (vendor.unverified_claims, vendor.version) == (1, version)  # derived, no new version
    client.force_login(officer)
    assert "Chenab Soft" in client.get("/console/verifications/").content.decode()
