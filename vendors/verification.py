"""Claimed versus verified: registrations (PSEB, SECP, NTN) and certifications.

What a firm types about itself is a *claim*. A fact becomes *verified* when an officer
verifies it (with an evidence note and, for a certification, its expiry date) or when
an officer's own write records it (an import from a registry, an officer's edit: the
source is named as the evidence). Verifications live on the firm's row (``verified``:
fact → who, when, evidence, reference, expiry); a verified registration holds for the
reference it was verified with, so a firm that changes its PSEB number is back to a
claim. Verify and revoke are audited; ``unverified_claims`` counts the firm's open
claims, which is what the officers' verification queue lists, together with firms
whose names look alike (``look_alikes``).

Facts are named ``registration:pseb`` and ``certification:ISO 27001``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, Refused
from core.outbox import outbox_record
from core.text import fold_char
from core.versions import update_if_version
from vendors.models import VENDOR_TOPIC, Vendor

REGISTRATION, CERTIFICATION = "registration", "certification"
REGISTRARS = {"pseb": "PSEB registered", "secp": "SECP registered", "ntn": "Tax registered (NTN)"}


@dataclass(frozen=True)
class Fact:
    """One thing a firm says about itself, and what is known of it."""

    key: str  # "registration:pseb"
    kind: str
    name: str  # "pseb", "ISO 27001"
    reference: str  # the registration number ("" for certifications)
    verified: dict[str, Any] | None  # who, when, evidence, expiry — None while claimed

    @property
    def label(self) -> str:
        if self.kind == REGISTRATION:
            return REGISTRARS.get(self.name, f"{self.name.upper()} registered")
        return f"{self.name} certified"


def claimed(registrations: dict[str, str], certifications: list[str]) -> dict[str, str]:
    """Fact key → reference for everything a profile states."""
    return {
        **{f"{REGISTRATION}:{key}": str(value) for key, value in registrations.items()},
        **{f"{CERTIFICATION}:{label}": "" for label in certifications},
    }


def _holds(entry: dict[str, Any], reference: str, today: date) -> bool:
    expires = entry.get("expires_on")
    return entry.get("reference", "") == reference and (
        not expires or date.fromisoformat(expires) >= today
    )


def facts(vendor: Vendor, today: date | None = None) -> list[Fact]:
    """The firm's facts, each with its current verification (``None`` when only
    claimed, revoked, expired, or verified for another reference)."""
    today = today or timezone.localdate()
    stated = claimed(vendor.registrations, vendor.certifications)
    found = []
    for key, reference in stated.items():
        kind, name = key.split(":", 1)
        entry = (vendor.verified or {}).get(key)
        holds = entry is not None and _holds(entry, reference, today)
        found.append(Fact(key, kind, name, reference, entry if holds else None))
    return found


def verified_certifications(vendor_row: dict[str, Any], today: date | None = None) -> list[str]:
    """The certifications a firm's row holds verified now (for the ranker)."""
    today = today or timezone.localdate()
    verified = vendor_row.get("verified") or {}
    return [
        label
        for label in vendor_row.get("certifications") or []
        if (entry := verified.get(f"{CERTIFICATION}:{label}")) and _holds(entry, "", today)
    ]


def recorded_by(source: str, stated: dict[str, str], today: date) -> dict[str, Any]:
    """Every stated fact verified by an officer's write (``source`` names it)."""
    return {
        key: {"by": source, "at": today.isoformat(), "evidence": source, "reference": reference}
        for key, reference in stated.items()
    }


def kept(verified: dict[str, Any], stated: dict[str, str]) -> dict[str, Any]:
    """The verifications still about what the profile states (a fact the firm removed,
    or a registration number it changed, loses its verification)."""
    return {
        key: entry
        for key, entry in verified.items()
        if key in stated and entry.get("reference", "") == stated[key]
    }


def open_claims(verified: dict[str, Any], stated: dict[str, str]) -> int:
    today = timezone.localdate()
    return sum(
        1
        for key, ref in stated.items()
        if not (key in verified and _holds(verified[key], ref, today))
    )


def _decide(
    vendor: Vendor,
    *,
    actor: Any,
    version: int,
    action: str,
    verified: dict[str, Any],
    key: str,
    note: str = "",
) -> Vendor:
    stated = claimed(vendor.registrations, vendor.certifications)
    before = (vendor.verified or {}).get(key)
    changes = {
        "verified": verified,
        "unverified_claims": open_claims(verified, stated),
        "updated_at": timezone.now(),
    }
    update_if_version(
        vendor,
        version=version,
        changes=changes,
        conflict=lambda now: Conflict(
            f"{now.external_id} changed since version {version}",
            current={"version": now.version},
        ),
    )
    after = {key: verified.get(key), **({"reason": note} if note else {})}
    audit_record(actor=actor, action=action, subject=vendor, before={key: before}, after=after)
    outbox_record(topic=VENDOR_TOPIC, changes=[(vendor.external_id, vendor.version, False)])
    return vendor


@transaction.atomic
def fact_verify(
    *,
    vendor: Vendor,
    key: str,
    actor: Any,
    version: int,
    evidence: str,
    expires_on: date | None = None,
) -> Vendor:
    """An officer verifies one of the firm's stated facts, naming the evidence (a
    registry entry, a certificate seen); a certification may carry its expiry."""
    stated = claimed(vendor.registrations, vendor.certifications)
    if key not in stated:
        raise Refused("fact", f"{vendor.name} does not state {key!r}")
    if not evidence.strip():
        raise Refused("evidence", "say what you checked (a registry entry, a certificate)")
    if expires_on is not None and expires_on < timezone.localdate():
        raise Refused("expires_on", "already expired")
    entry = {
        "by": actor.username,
        "at": timezone.localdate().isoformat(),
        "evidence": evidence.strip()[:500],
        "reference": stated[key],
        **({"expires_on": expires_on.isoformat()} if expires_on else {}),
    }
    verified = {**(vendor.verified or {}), key: entry}
    return _decide(
        vendor,
        actor=actor,
        version=version,
        action="verification.verify",
        verified=verified,
        key=key,
    )


@transaction.atomic
def fact_revoke(*, vendor: Vendor, key: str, actor: Any, version: int, reason: str) -> Vendor:
    """An officer withdraws a verification (the fact is a claim again)."""
    if key not in (vendor.verified or {}):
        raise Refused("fact", f"{key!r} is not verified")
    if not reason.strip():
        raise Refused("reason", "say why the verification is withdrawn")
    verified = {k: v for k, v in vendor.verified.items() if k != key}
    return _decide(
        vendor,
        actor=actor,
        version=version,
        action="verification.revoke",
        verified=verified,
        key=key,
        note=reason.strip()[:500],
    )


def recount_claims(batch: int = 2000) -> int:
    """The nightly recount: a verified certificate that lapsed is a claim again, so the
    firm is back in the officers' queue (``unverified_claims`` is otherwise counted only
    when a profile or a verification changes). Derived state only: no new version, no
    re-indexing. Returns how many firms changed."""
    changed = []
    rows = (
        Vendor.objects.exclude(verified={})
        .only("pk", "registrations", "certifications", "verified", "unverified_claims")
        .order_by("pk")
    )
    for vendor in rows.iterator(chunk_size=batch):
        stated = claimed(vendor.registrations, vendor.certifications)
        count = open_claims(vendor.verified or {}, stated)
        if count != vendor.unverified_claims:
            vendor.unverified_claims = count
            changed.append(vendor)
    Vendor.objects.bulk_update(changed, ["unverified_claims"], batch_size=batch)
    return len(changed)


def looks_like_another() -> Q:
    """A filter: the firm's name looks like another current firm's (the same
    ``name_key``: a copied name, another spacing or case, a Cyrillic "o")."""
    other = Vendor.objects.filter(name_key=OuterRef("name_key")).exclude(pk=OuterRef("pk"))
    return ~Q(name_key="") & Q(Exists(other))


@dataclass(frozen=True)
class LookAlike:
    """What an officer is told about a firm's name."""

    firms: list[Vendor]  # other current firms whose names look the same
    foreign_letters: list[str]  # letters that only look Latin, named: "o (CYRILLIC SMALL LETTER O)"


def look_alikes(vendors: list[Vendor], shown: int = 5) -> dict[int, LookAlike]:
    """For each of ``vendors`` (by pk), up to ``shown`` other firms whose names look
    the same, in one query; firms with none are left out."""
    keys = {vendor.name_key for vendor in vendors if vendor.name_key}
    by_key: dict[str, list[Vendor]] = {}
    for other in Vendor.objects.filter(name_key__in=keys).only("external_id", "name", "name_key"):
        by_key.setdefault(other.name_key, []).append(other)
    found = {}
    for vendor in vendors:
        firms = [other for other in by_key.get(vendor.name_key, []) if other.pk != vendor.pk]
        if firms:
            found[vendor.pk] = LookAlike(firms[:shown], _foreign_letters(vendor.name))
    return found


def _foreign_letters(name: str) -> list[str]:
    """The letters of ``name`` outside ASCII that are read as ASCII ones, named."""
    return [
        f"{char} ({unicodedata.name(char, f'U+{ord(char):04X}')})"
        for char in dict.fromkeys(name)
        if not char.isascii() and char.isalpha() and fold_char(char).isascii()
    ]
