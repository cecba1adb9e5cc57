"""The demand side's search documents: buyer organisations and their briefs.

One index (the *demand* index, beside the vendor index) holds both, told apart by
``kind``; ids are ``brief:<external id>`` and ``buyer:<external id>``. Firms search it
for opportunities and officers for buyers and briefs (``search.selectors``).

Privacy is decided here, once: a brief's document holds its buyer's country, sector
and size band, and the buyer's name only when the buyer opted in
(``Buyer.named_to_firms``). Without that opt-in the name — and any e-mail address,
web address or telephone number — is also taken out of the brief's title and
description, so no result, highlight, facet or suggestion built from the index can
show it. A buyer's own document (``kind: buyer``) carries its name and is only ever
searched for officers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from django.db.models import QuerySet

from buyers.models import BRIEF_INDEX_TOPIC, BUYER_INDEX_TOPIC, Brief, Buyer
from buyers.redaction import redact
from search.documents import index_version
from search.query import BUDGET_BANDS, band

BRIEF, BUYER = "brief", "buyer"
# A brief's place in the pipeline, as the index shows it: ``open`` until a firm is
# introduced, ``introduced`` while talks go on (still open to other firms), ``won``
# once a deal is signed.
STAGES = ("open", "introduced", "won")
OPEN_STAGES = ("open", "introduced")


def document_id(kind: str, external_id: str) -> str:
    return f"{kind}:{external_id}"


def split_id(document: str) -> tuple[str, str]:
    kind, _, external_id = document.partition(":")
    return kind, external_id


def stage_of(brief: Brief) -> str:
    """The brief's place in the pipeline (one of ``STAGES``), kept on the brief by
    matchmaking's pipeline."""
    return brief.pipeline_stage


def _digest(document: dict[str, Any]) -> str:
    """The content of a document (everything but its version), for reconciling."""
    content = {k: v for k, v in document.items() if k not in ("version", "record_hash")}
    return hashlib.sha1(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def brief_document(brief: Brief) -> dict[str, Any]:
    """The document of a brief (its buyer selected)."""
    buyer = brief.buyer
    budget = brief.budget_max_usd or brief.budget_min_usd
    document: dict[str, Any] = {
        "id": document_id(BRIEF, brief.external_id),
        "kind": BRIEF,
        "version": index_version(
            {"created_at": brief.created_at, "version": brief.version + brief.revision}
        ),
        "title": redact(brief.title, buyer),
        "description": redact(brief.description, buyer),
        "buyer_name": buyer.name if buyer is not None and buyer.named_to_firms else None,
        "services": list(brief.services),
        "technologies": list(brief.technologies),
        "industry": brief.industry or None,
        "engagement_model": brief.engagement_model or None,
        "languages": list(brief.languages),
        "certifications": list(brief.required_certifications),
        "country": (str(buyer.country) or None) if buyer is not None else None,
        "size_band": (buyer.size_band or None) if buyer is not None else None,
        "budget_band": band(budget, BUDGET_BANDS),
        "budget_usd": budget,
        "published": brief.published_at.toordinal() if brief.published_at else None,
        "stage": stage_of(brief),
    }
    document["record_hash"] = _digest(document)
    return document


def buyer_document(buyer: Buyer) -> dict[str, Any]:
    """The document of a buyer organisation (officers only)."""
    document: dict[str, Any] = {
        "id": document_id(BUYER, buyer.external_id),
        "kind": BUYER,
        "version": index_version(buyer),
        "title": buyer.name,
        "description": buyer.description,
        "buyer_name": buyer.name,
        "industry": buyer.industry or None,
        "country": str(buyer.country) or None,
        "size_band": buyer.size_band or None,
    }
    document["record_hash"] = _digest(document)
    return document


@dataclass(frozen=True)
class Kind:
    """One kind of demand document: its outbox topic, its rows and their documents."""

    name: str
    topic: str
    model: type[Brief] | type[Buyer]
    rows: Callable[[], QuerySet[Any]]  # what the documents are built from
    document: Callable[[Any], dict[str, Any]]

    def documents(self, external_ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        rows = self.rows()
        if external_ids is not None:
            rows = rows.filter(external_id__in=list(external_ids))
        for row in rows.order_by("id").iterator(chunk_size=1000):
            yield self.document(row)

    def count(self) -> int:
        return self.model.objects.count()

    def changed_since(self, moment: Any) -> list[str]:
        """External ids written since ``moment``, archived ones too."""
        changed = self.model.all_objects.filter(updated_at__gte=moment)
        return list(changed.values_list("external_id", flat=True))


KINDS = (
    Kind(BUYER, BUYER_INDEX_TOPIC, Buyer, Buyer.objects.all, buyer_document),
    Kind(
        BRIEF,
        BRIEF_INDEX_TOPIC,
        Brief,
        lambda: Brief.objects.select_related("buyer"),
        brief_document,
    ),
)


def demand_documents(ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Documents for these document ids (``brief:…``/``buyer:…``; all when ``None``)."""
    wanted: dict[str, list[str]] | None = None
    if ids is not None:
        wanted = {kind.name: [] for kind in KINDS}
        for document in ids:
            name, external_id = split_id(document)
            wanted.setdefault(name, []).append(external_id)
    for kind in KINDS:
        yield from kind.documents(None if wanted is None else wanted[kind.name])
