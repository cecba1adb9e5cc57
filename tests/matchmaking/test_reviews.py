"""Reviews from deals: the brief's buyer reviews the firm once the introduction is won
or lost, once; the firm replies once; nobody else reviews (least of all the firm
itself); the rating is computed from reviews, shrunk towards the mean, and wins over an
imported one in the profile, the search document and the ranker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from matchmaking.curation import decisions
from matchmaking.matching.selectors import vendor_data
from matchmaking.models import DealReview, Match
from matchmaking.pipeline import introductions, reviews
from notifications.models import Notification
from search.documents import vendor_document
from tests.factories import make_brief, make_buyer, make_vendor
from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit

GOOD: dict[str, Any] = {
    "quality": 5,
    "communication": 4,
    "delivery": 5,
    "text": "On time, clear, careful.",
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _deal(user_factory, *, firm: Vendor, title: str, stage: str = "won", buyer=None):
    """An introduction of ``firm`` for a new brief of ``buyer``, moved to ``stage``."""
    buyer = buyer or make_buyer(external_id=f"buyer-{title}", name=f"Buyer {title}")
    brief = make_brief(buyer, external_id=f"b-{title}", title=title)
    officer = user_factory("officer")
    # the brief's suggestions may hold the firm already (tasks run inline here)
    match = Match.objects.filter(brief=brief, vendor=firm).first() or decisions.match_add(
        brief=brief, vendor=firm, actor=officer
    )
    match = decisions.match_approve(match=match, actor=officer, version=match.version)
    member = firm.members.first()
    people = {
        "firm": member.user if member else user_factory("vendor", vendor=firm),
        "buyer": user_factory("buyer", buyer=buyer),
        "officer": officer,
    }
    intro = match.introduction
    intro = introductions.introduction_vendor_answer(
        introduction=intro, actor=people["firm"], version=intro.version, accept=True
    )
    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=people["buyer"], version=intro.version, confirm=True
    )
    moves: dict[str, list[tuple[str, Decimal | None]]] = {
        "won": [("proposal", None), ("won", Decimal(1000))],
        "lost": [("lost", None)],
        "open": [],
    }
    for stage_to, value in moves[stage]:
        intro = introductions.introduction_move(
            introduction=intro,
            actor=officer,
            version=intro.version,
            stage=stage_to,
            deal_value=value,
            currency="USD" if value else "",
        )
    return intro, people


def test_the_buyer_reviews_once_and_the_firm_replies_once(user_factory):
    firm = make_vendor(external_id="chenab", name="Chenab Soft")
    intro, people = _deal(user_factory, firm=firm, title="fleet")
    url = f"/api/v1/introductions/{intro.pk}/review"
    posted = api(people["buyer"]).post(url, GOOD, format="json")
    assert posted.status_code == 201, posted.content
    assert posted.json()["average"] == pytest.approx(14 / 3) and posted.json()["outcome"] == "won"
    again = api(people["buyer"]).post(url, GOOD, format="json")
    assert again.status_code == 400 and "introduction" in again.json()
    assert Notification.objects.filter(user=people["firm"], kind="reviewed").exists()

    reply = {"text": "Thank you, it was a pleasure."}
    assert api(people["buyer"]).post(f"{url}/reply", reply, format="json").status_code == 403
    assert api(people["firm"]).post(f"{url}/reply", reply, format="json").status_code == 200
    second = api(people["firm"]).post(f"{url}/reply", {"text": "Edited!"}, format="json")
    assert second.status_code == 400 and DealReview.objects.get().reply == reply["text"]

    listed = APIClient().get(f"/api/v1/vendors/{firm.external_id}/reviews").json()
    assert [r["reply"] for r in listed["results"]] == [reply["text"]]


def test_nobody_else_reviews_and_never_before_the_deal_ends(user_factory):
    firm = make_vendor(external_id="chenab", name="Chenab Soft")
    intro, people = _deal(user_factory, firm=firm, title="open", stage="open")
    url = f"/api/v1/introductions/{intro.pk}/review"
    early = api(people["buyer"]).post(url, GOOD, format="json")
    assert early.status_code == 400 and "stage" in early.json()
    introductions.introduction_move(
        introduction=intro, actor=people["officer"], version=intro.version, stage="lost"
    )
    assert api(people["firm"]).post(url, GOOD, format="json").status_code == 403  # itself
    assert api(people["officer"]).post(url, GOOD, format="json").status_code == 403
    other_buyer = user_factory("buyer", buyer=make_buyer(external_id="other"))
    assert api(other_buyer).post(url, GOOD, format="json").status_code == 404
    refused: list[tuple[dict[str, Any], str]] = [
        ({"quality": 6}, "quality"),
        ({"delivery": 0}, "delivery"),
        ({"text": " "}, "text"),
        ({"communication": 4.5}, "communication"),
    ]
    for bad, field in refused:
        answer = api(people["buyer"]).post(url, {**GOOD, **bad}, format="json")
        assert answer.status_code == 400 and field in answer.json(), bad
    assert not DealReview.objects.exists()
    assert api(people["buyer"]).post(url, GOOD, format="json").status_code == 201  # lost: ok


def test_the_rating_is_computed_from_reviews_and_shrunk_towards_the_mean(user_factory):
    firm = make_vendor(
        external_id="chenab", name="Chenab Soft", rating={"average": 4.9, "count": 80}
    )
    other = make_vendor(external_id="thar", name="Thar Web")
    first, people = _deal(user_factory, firm=firm, title="one")
    reviews.review_post(introduction=first, author=people["buyer"], **GOOD)  # 4.67
    low, low_people = _deal(user_factory, firm=other, title="two")
    low_scores: dict[str, Any] = {
        "quality": 2,
        "communication": 2,
        "delivery": 2,
        "text": "Late and vague.",
    }
    reviews.review_post(introduction=low, author=low_people["buyer"], **low_scores)
    firm.refresh_from_db()
    # Everyone's mean was 4.67 when the firm was reviewed: one review is pulled all the way.
    assert (
        float(firm.review_average or 0) == pytest.approx(4.67, abs=0.01) and firm.review_count == 1
    )
    other.refresh_from_db()
    everyone = (14 / 3 + 2) / 2
    assert float(other.review_average or 0) == pytest.approx(
        reviews.shrunk(2, 1, everyone), abs=0.01
    )
    assert 2 < float(other.review_average or 0) < everyone  # pulled up, not to the top

    # The reviews' rating wins over the imported one in the ranker and the index.
    assert vendor_data(firm).rating_average == pytest.approx(4.67, abs=0.01)
    assert vendor_data(firm).rating_count == 1
    assert vendor_document(firm)["rating"] == pytest.approx(4.67, abs=0.01)
    assert vendor_data(make_vendor(rating={"average": 4.9, "count": 80})).rating_average == 4.9


def test_the_profile_shows_reviews_as_verified_by_a_deal_and_imported_ratings_as_imported(
    user_factory, client
):
    imported = make_vendor(external_id="old", name="Old Firm", rating={"average": 4.8, "count": 40})
    page = client.get(f"/firms/{imported.external_id}/").content.decode()
    assert "imported: 40 reviews elsewhere, not checked by Raabta" in page
    firm = make_vendor(external_id="chenab", name="Chenab Soft")
    intro, people = _deal(user_factory, firm=firm, title="fleet")
    reviews.review_post(introduction=intro, author=people["buyer"], **GOOD)
    page = client.get(f"/firms/{firm.external_id}/").content.decode()
    assert "from 1 review of deals introduced through Raabta" in page
    assert "✓ Deal introduced through Raabta (won)" in page and "On time, clear, careful." in page
    assert "Deals won through Raabta</dt><dd>1</dd>" in page


def test_the_pages_review_and_reply(user_factory, client):
    firm = make_vendor(external_id="chenab", name="Chenab Soft")
    intro, people = _deal(user_factory, firm=firm, title="fleet")
    client.force_login(people["buyer"])
    assert "Publish review" in client.get("/workspace/introductions/").content.decode()
    answer = client.post(
        f"/workspace/introductions/{intro.pk}/review/",
        {"quality": "5", "communication": "5", "delivery": "4", "text": "Great team."},
        follow=True,
    )
    assert "your review is on the firm" in answer.content.decode()
    client.force_login(people["firm"])
    listing = client.get("/workspace/introductions/").content.decode()
    assert "The buyer's review: 4.7 / 5" in listing and ">Reply</button>" in listing
    client.post(f"/workspace/introductions/{intro.pk}/review/", {"text": "Thank you!"})
    assert DealReview.objects.get().reply == "Thank you!"


def test_compare_shows_the_trust_summary_side_by_side(user_factory, client):
    reviewed = make_vendor(external_id="chenab", name="Chenab Soft", certifications=["ISO 27001"])
    intro, people = _deal(user_factory, firm=reviewed, title="fleet")
    reviews.review_post(introduction=intro, author=people["buyer"], **GOOD)
    claimed = make_vendor(external_id="thar", name="Thar Web", rating={"average": 4.9, "count": 7})
    client.force_login(user_factory("vendor", vendor=claimed))
    client.post(
        "/workspace/firm/",
        {"name": "Thar Web", "portfolio_rows": "0", "certifications": "SOC 2"},
    )
    client.logout()
    page = client.get("/compare/", {"v": ["chenab", "thar"]}).content.decode()
    row = {
        label: page.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
        for label in (
            "Rating",
            "Verified by Raabta",
            "Claimed, not verified",
            "Deals won through Raabta",
        )
    }
    assert "of deals introduced through Raabta" in row["Rating"]
    assert "imported: 7 reviews elsewhere" in row["Rating"]
    assert "ISO 27001 certified" in row["Verified by Raabta"]
    assert "SOC 2 certified" in row["Claimed, not verified"]
    assert row["Deals won through Raabta"].count("<td>1</td>") == 1
    assert row["Deals won through Raabta"].count("<td>0</td>") == 1
