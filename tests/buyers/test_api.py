import pytest

from buyers.models import Brief, Buyer, BuyerMember
from tests.factories import BriefRecordFactory, BuyerRecordFactory, make_brief, make_buyer

pytestmark = pytest.mark.django_db
BRIEFS, BUYERS = "/api/v1/briefs/", "/api/v1/buyers/"


@pytest.fixture
def two_buyers():
    mine, theirs = make_buyer(), make_buyer()
    return mine, theirs, make_brief(mine), make_brief(theirs)


def test_a_buyer_reads_only_their_own_briefs(client_for, two_buyers):
    mine, _, my_brief, their_brief = two_buyers
    client = client_for("buyer", buyer=mine)
    listed = client.get(BRIEFS).json()
    assert [b["external_id"] for b in listed["results"]] == [my_brief.external_id]
    assert listed["count"] == 1
    assert client.get(f"{BRIEFS}{my_brief.external_id}/").status_code == 200
    assert client.get(f"{BRIEFS}{their_brief.external_id}/").status_code == 404
    assert (
        client.patch(
            f"{BRIEFS}{their_brief.external_id}/", {"title": "x"}, format="json"
        ).status_code
        == 404
    )


def test_vendors_and_anonymous_users_cannot_read_briefs_or_buyers(
    api, client_for, two_buyers, vendor
):
    vendor_client = client_for("vendor", vendor=vendor)
    for url in (BRIEFS, BUYERS, f"{BRIEFS}{two_buyers[2].external_id}/"):
        assert api.get(url).status_code == 401
        assert vendor_client.get(url).status_code == 403


def test_officers_see_every_brief_and_buyer(client_for, two_buyers):
    client = client_for("officer")
    assert client.get(BRIEFS).json()["count"] == 2
    assert client.get(BUYERS).json()["count"] == 2


def new(factory, **fields):
    """A body for a member's create: members' buyers and briefs get ids from the server."""
    server_set = {"external_id", "published_at"}
    return {key: value for key, value in factory(**fields).items() if key not in server_set}


def test_a_buyer_posts_briefs_for_their_own_organisation_only(client_for, two_buyers):
    mine, theirs, _, _ = two_buyers
    client = client_for("buyer", buyer=mine)
    created = client.post(BRIEFS, new(BriefRecordFactory), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["buyer"]["external_id"] == mine.external_id
    assert created.json()["external_id"].startswith("b-")
    spoofed = client.post(
        BRIEFS, new(BriefRecordFactory, buyer={"external_id": theirs.external_id}), format="json"
    )
    assert spoofed.status_code == 400
    assert "buyer" in spoofed.json()
    assert (
        not Brief.objects.filter(buyer=theirs, external_id__startswith="b-test")
        .exclude(pk=two_buyers[3].pk)
        .exists()
    )


def test_a_buyer_without_an_organisation_creates_one_then_posts(client_for):
    client = client_for("buyer")
    assert client.post(BRIEFS, new(BriefRecordFactory), format="json").status_code == 400
    created = client.post(BUYERS, new(BuyerRecordFactory), format="json")
    assert created.status_code == 201
    assert BuyerMember.objects.get(buyer__external_id=created.json()["external_id"])
    assert client.post(BRIEFS, new(BriefRecordFactory), format="json").status_code == 201


@pytest.mark.parametrize("url", [BRIEFS, BUYERS])
def test_members_do_not_choose_ids_so_a_taken_one_reveals_nothing(client_for, two_buyers, url):
    """Another buyer's brief or organisation id answers exactly like a free one."""
    mine, theirs, _, their_brief = two_buyers
    client = client_for("buyer", buyer=mine) if url == BRIEFS else client_for("buyer")
    factory = BriefRecordFactory if url == BRIEFS else BuyerRecordFactory
    taken = their_brief.external_id if url == BRIEFS else theirs.external_id
    answers = [
        client.post(url, factory(external_id=chosen), format="json")
        for chosen in (taken, "never-used-id")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()


def test_brief_budget_in_a_foreign_currency_gets_usd(client_for, buyer):
    client = client_for("buyer", buyer=buyer)
    body = new(BriefRecordFactory, budget={"min": 1000, "max": 2000, "currency": "GBP"})
    budget = client.post(BRIEFS, body, format="json").json()["budget"]
    assert budget["currency"] == "GBP"
    assert budget["min_usd"] == 1340  # the seeded 2026-01-01 GBP rate is 1.34


def test_invalid_brief_gets_field_errors(client_for, buyer):
    client = client_for("buyer", buyer=buyer)
    response = client.post(BRIEFS, {"budget": {"min": -1}, "languages": ["xx"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"title", "budget.min", "languages[0]"}


def test_buyer_members_edit_their_organisation_but_not_others(client_for, two_buyers):
    mine, theirs, _, _ = two_buyers
    client = client_for("buyer", buyer=mine)
    assert (
        client.patch(f"{BUYERS}{mine.external_id}/", {"industry": "fintech"}, format="json").json()[
            "industry"
        ]
        == "Fintech"
    )
    assert (
        client.patch(f"{BUYERS}{theirs.external_id}/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert client.delete(f"{BUYERS}{mine.external_id}/").status_code == 403
    assert Buyer.objects.filter(pk=mine.pk).exists()


def test_only_officers_delete_briefs(client_for, two_buyers):
    mine, _, my_brief, _ = two_buyers
    assert (
        client_for("buyer", buyer=mine).delete(f"{BRIEFS}{my_brief.external_id}/").status_code
        == 403
    )
    assert client_for("officer").delete(f"{BRIEFS}{my_brief.external_id}/").status_code == 204
