"""Reviews from deals: once an introduction is won or lost, the buyer may review the
firm once (quality, communication, delivery on 1–5, and a text); the firm may reply
once. A firm's rating is computed from these — the mean of its reviews shrunk towards
the mean of all reviews by ``PRIOR_REVIEWS`` imaginary ones, so one glowing review does
not top the directory — and written to the firm's row, where search and the ranker read
it. Nobody types a rating for their own firm."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.errors import Refused
from matchmaking.models import DealReview, Introduction
from matchmaking.pipeline.recipients import buyer_members, firm_members
from notifications.catalogue import notice
from notifications.services import notify
from vendors.models import Vendor
from vendors.services import vendor_review_rating_set

REVIEWABLE = (Introduction.Stage.WON, Introduction.Stage.LOST)
PRIOR_REVIEWS = 3  # how strongly a firm's few reviews are pulled towards everyone's mean
PRIOR_MEAN = 4.0  # that mean before anyone has reviewed anything
MAX_TEXT = 2000
SCORES = ("quality", "communication", "delivery")


def reviews_of(vendor: Vendor) -> QuerySet[DealReview]:
    return DealReview.objects.filter(vendor=vendor).select_related(
        "introduction__match__brief__buyer"
    )


def _text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise Refused(field, "write a few words")
    if len(value) > MAX_TEXT:
        raise Refused(field, f"at most {MAX_TEXT:,} characters (this has {len(value):,})")
    return value


@transaction.atomic
def review_post(
    *, introduction: Introduction, author: User, text: str, **scores: Any
) -> DealReview:
    """The brief's buyer reviews the firm of a won or lost introduction, once."""
    match = introduction.match
    if not buyer_members(match).filter(pk=author.pk).exists():
        raise Refused("introduction", "only the buyer of this introduction may review the firm")
    if introduction.stage not in REVIEWABLE:
        raise Refused("stage", "a firm is reviewed once the deal is won or lost")
    for name in SCORES:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise Refused(name, "a whole number from 1 to 5")
    try:
        with transaction.atomic():
            review = DealReview.objects.create(
                introduction=introduction,
                vendor_id=match.vendor_id,
                author=author,
                text=_text(text, "text"),
                **{name: scores[name] for name in SCORES},
            )
    except IntegrityError as error:
        raise Refused("introduction", "this introduction has been reviewed already") from error
    rating_refresh(match.vendor)
    notify(
        firm_members(match),
        notice(
            "review.new",
            url=reverse("introductions") + f"#intro-{introduction.pk}",
            review=review.pk,
            title=match.brief.title,
            firm=match.vendor.name,
            average=review.average,
        ),
    )
    return review


@transaction.atomic
def review_reply(*, review: DealReview, author: User, text: str) -> DealReview:
    """The firm answers a review of it, once."""
    match = review.introduction.match
    if not firm_members(match).filter(pk=author.pk).exists():
        raise Refused("review", "only the reviewed firm may reply")
    updated = DealReview.objects.filter(pk=review.pk, replied_at__isnull=True).update(
        reply=_text(text, "reply"), replied_by=author, replied_at=timezone.now()
    )
    if not updated:
        raise Refused("review", "the firm has replied already")
    review.refresh_from_db()
    notify(
        buyer_members(match),
        notice(
            "review.reply",
            url=reverse("vendor-profile", args=[match.vendor.external_id]) + "#reviews",
            review=review.pk,
            firm=match.vendor.name,
        ),
    )
    return review


def shrunk(mean: float, count: int, everyone: float) -> float:
    """A firm's mean of ``count`` reviews, pulled towards ``everyone``'s mean."""
    return (PRIOR_REVIEWS * everyone + count * mean) / (PRIOR_REVIEWS + count)


def rating_refresh(vendor: Vendor) -> None:
    """Recompute the firm's rating from its reviews (and tell the index)."""
    average = (F("quality") + F("communication") + F("delivery")) / 3.0
    everyone = DealReview.objects.aggregate(mean=Avg(average))["mean"] or PRIOR_MEAN
    own = DealReview.objects.filter(vendor=vendor).aggregate(mean=Avg(average), n=Count("id"))
    value = shrunk(float(own["mean"]), own["n"], float(everyone)) if own["n"] else None
    vendor_review_rating_set(
        vendor=vendor,
        average=None if value is None else Decimal(f"{value:.2f}"),
        count=own["n"],
    )
