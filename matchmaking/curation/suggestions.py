"""The ranker's suggestions for a brief, put on its review for the officers: after a
brief is created or changed (the outbox topic ``brief``), or on demand
(``suggest_matches`` command). The buyer hears of new firms in the app."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from buyers.models import Brief
from buyers.services import BRIEF_TOPIC
from core.outbox import outbox_claim, outbox_done, outbox_failed
from matchmaking.matching.services import match_brief
from matchmaking.models import Curation, Match, Outcome
from matchmaking.pipeline.recipients import buyer_members
from notifications.catalogue import notice
from notifications.services import notify
from vendors.models import Vendor

log = logging.getLogger(__name__)


def suggest_matches(brief: Brief, *, limit: int | None = None) -> Curation:
    """Put the ranker's current shortlist on the brief's review (opening it if needed).

    Decided, pinned and hand-added matches stay as they are; undecided suggestions that
    fell out of the shortlist are dropped; the others take their new rank and score."""
    result = match_brief(brief, limit=limit or settings.RAABTA_SUGGESTIONS_PER_BRIEF)
    wanted = [m["vendor"]["external_id"] for m in result["matches"]]
    vendor_pks = dict(
        Vendor.objects.filter(external_id__in=wanted).values_list("external_id", "pk")
    )
    with transaction.atomic():
        existing = {m.vendor_id: m for m in Match.objects.select_for_update().filter(brief=brief)}
        kept = set()
        created: list[Match] = []
        for suggestion in result["matches"]:
            vendor_pk = vendor_pks.get(suggestion["vendor"]["external_id"])
            if vendor_pk is None:
                continue
            kept.add(vendor_pk)
            fields = {
                "rank": suggestion["rank"],
                "score": suggestion["score"],
                "reasons": suggestion["reasons"],
                "gaps": suggestion["gaps"],
                "features": suggestion["features"],
                "ranker": result["meta"]["ranker"],
            }
            match = existing.get(vendor_pk)
            if match is None:
                created.append(Match.objects.create(brief=brief, vendor_id=vendor_pk, **fields))
            elif match.state == Match.State.SUGGESTED and match.source != Match.Source.OFFICER:
                Match.objects.filter(pk=match.pk).update(version=F("version") + 1, **fields)
        Match.objects.filter(
            brief=brief, state=Match.State.SUGGESTED, source=Match.Source.RANKER, pinned=False
        ).exclude(vendor_id__in=kept).delete()
        if created:
            _tell_buyer_of_suggestions(brief, created)
        review, _ = Curation.objects.get_or_create(brief=brief)
        if review.closed_at is not None:
            review.closed_at = None
            review.save(update_fields=["closed_at"])
    return review


def _tell_buyer_of_suggestions(brief: Brief, new: list[Match]) -> None:
    """In the app only: suggestions change with every edit of a brief, and an e-mail
    each time would be noise; what the buyer acts on (introductions) is e-mailed."""
    firms = "a new firm" if len(new) == 1 else f"{len(new)} new firms"
    notify(
        buyer_members(new[0]),
        notice(
            "brief.suggested",
            url=reverse("brief-detail", args=[brief.external_id]),
            brief=brief.pk,
            last=new[-1].pk,
            firms=firms,
            title=brief.title,
        ),
    )


def _decided_elsewhere(brief: Brief) -> bool:
    """Imported history: decisions recorded for a brief that never had a review here."""
    return (
        not Curation.objects.filter(brief=brief).exists()
        and Outcome.objects.filter(brief=brief).exclude(outcome=Outcome.Stage.SUGGESTED).exists()
    )


def suggest_for_changed_briefs(batch_size: int = 50) -> int:
    """The background task after briefs are created or changed (outbox topic ``brief``):
    suggest matches for each brief on its own — one that fails keeps its event, with the
    attempt counted and the error, and the others go on. Matching runs outside any
    transaction (``suggest_matches`` writes in its own). Returns how many succeeded."""
    done, failed = 0, set[int]()
    while True:
        events = outbox_claim(BRIEF_TOPIC, batch_size, skip=failed)
        if not events:
            return done
        for event in events:
            try:
                brief = Brief.objects.select_related("buyer").filter(external_id=event.key).first()
                if brief is not None and not _decided_elsewhere(brief):
                    suggest_matches(brief)
            except Exception as error:  # any failure stays with its own brief
                log.warning("suggestions for brief %s failed", event.key, exc_info=True)
                outbox_failed([event], f"{type(error).__name__}: {error}")
                failed.add(event.id)
            else:
                outbox_done([event])
                done += 1
