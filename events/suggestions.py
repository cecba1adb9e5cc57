"""Who should meet whom at an event: the matchmaking ranker, both ways.

Every approved buyer is read as a brief (the brief it came with, else what it said it
looks for) and every approved firm as a candidate for it — the same features, model
and reasons as a brief's shortlist, over the event's firms instead of the catalogue
(no stage-1 retrieval: every firm there is a candidate, so the retrieval feature is
zero for all). The one table of scores serves both directions: a buyer's suggested
firms are its row, a firm's suggested buyers its column (how well it fits each
buyer's needs, and the buyer its own stated preferences: the features are two-sided).
Cached until a participant, a profile or the ranker changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buyers.models import Brief
from core.generations import cached
from events.models import Event, Meeting, Participant
from matchmaking.matching.selectors import brief_data, vendors_data
from matchmaking.matching.services import active_ranker
from matchmaking.ranking.explain import gaps, reasons
from matchmaking.ranking.extraction import extract

TOP = 10  # suggestions kept per participant


def as_brief(participant: Participant) -> Brief:
    """What a buyer participant looks for, as a brief the ranker reads (not saved)."""
    if participant.brief is not None:
        return participant.brief
    buyer = participant.buyer
    return Brief(
        external_id=f"event-{participant.pk}",
        title=participant.looking_for[:120],
        description=participant.looking_for,
        services=participant.services,
        industry=buyer.industry if buyer is not None else "",
        buyer=buyer,
        published_at=participant.event.first_day,
    )


def fit_table(event: Event) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{"buyers": {buyer_pid: [suggested firms]}, "firms": {firm_pid: [buyers]}}``,
    each list best first: ``{"participant", "score", "reasons", "gaps"}``."""
    # Every approved participant at its version (and its brief's): any change to who
    # takes part or what they look for is a new key (with the profiles' generation).
    stamp = list(
        Participant.objects.filter(event=event, state=Participant.State.APPROVED)
        .order_by("id")
        .values_list("id", "version", "brief__version")
    )
    active = active_ranker()
    key = {"event": event.pk, "ranker": active.name, "participants": stamp}
    return cached("event-fit", key, lambda: _fit_table(event, active))


def _fit_table(event: Event, active: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    people = list(
        Participant.objects.filter(event=event, state=Participant.State.APPROVED).select_related(
            "vendor", "buyer", "brief__buyer"
        )
    )
    buyers = [p for p in people if p.kind == Participant.Kind.BUYER]
    found = vendors_data(p.vendor.external_id for p in people if p.vendor is not None)
    firms = [p for p in people if p.vendor is not None and p.vendor.external_id in found]
    vendors = [found[p.vendor.external_id] for p in firms if p.vendor is not None]
    if not vendors or not buyers:
        return {"buyers": {str(b.pk): [] for b in buyers}, "firms": {str(f.pk): [] for f in firms}}
    rows = []  # per buyer: what the ranker saw and said of each firm
    for buyer in buyers:
        data = brief_data(as_brief(buyer))
        features = extract(data, vendors)
        rows.append(
            (
                data,
                features,
                active.ranker.decision_function(features.matrix),
                active.ranker.contributions(features.matrix),
            )
        )
    scores = np.vstack([row[2] for row in rows])  # buyers × firms

    def pair(b: int, f: int, other: Participant) -> dict[str, Any]:
        data, features, _, contributions = rows[b]
        return {
            "participant": other.pk,
            "score": round(float(scores[b, f]), 4),
            "reasons": reasons(data, contributions[f], features.details[f]),
            "gaps": gaps(data, features.details[f]),
        }

    return {
        "buyers": {
            str(buyer.pk): [
                pair(b, int(f), firms[f]) for f in np.argsort(-scores[b], kind="stable")[:TOP]
            ]
            for b, buyer in enumerate(buyers)
        },
        "firms": {
            str(firm.pk): [
                pair(int(b), f, buyers[b]) for b in np.argsort(-scores[:, f], kind="stable")[:TOP]
            ]
            for f, firm in enumerate(firms)
        },
    }


def suggestions_for(participant: Participant) -> list[dict[str, Any]]:
    """The participant's suggested counterparts, best first, without those it already
    has a meeting request with (either way)."""
    table = fit_table(participant.event)
    side = "buyers" if participant.kind == Participant.Kind.BUYER else "firms"
    listed = table[side].get(str(participant.pk), [])
    taken = _asked_with(participant)
    others = Participant.objects.in_bulk([row["participant"] for row in listed])
    return [
        {**row, "name": others[row["participant"]].name, "other": others[row["participant"]]}
        for row in listed
        if row["participant"] not in taken and row["participant"] in others
    ]


def _asked_with(participant: Participant) -> set[int]:
    if participant.kind == Participant.Kind.FIRM:
        return set(Meeting.objects.filter(firm=participant).values_list("buyer_id", flat=True))
    return set(Meeting.objects.filter(buyer=participant).values_list("firm_id", flat=True))
