"""A deterministic, realistic demo catalogue: Pakistani IT firms and foreign briefs.

Everything is drawn from one seeded ``random.Random``, so the same seed and size give
the same files byte for byte. Firms are built from *specialisations* (a coherent set of
services, stack and industries), so a firm's technologies fit its services and its
portfolio. City and buyer-country proportions follow the shape of Pakistan's IT sector
(Punjab over half of registered firms; Lahore, Karachi and Islamabad/Rawalpindi
dominate) and of its export markets. The output is plain interchange records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from matchmaking.demo_tables import (
    ACRONYMS,
    APPROX_USD,
    BUYER_COUNTRIES,
    BUYER_SUFFIX,
    BUYER_WORDS,
    CITIES,
    CONTACT_NAMES,
    COUNTRY_PROFILE,
    ENGAGEMENT,
    EXPORT_MARKETS,
    NAME_FIRST,
    NAME_SECOND,
    NAME_SUFFIX,
    SHIFTS,
    SPECIALISATION_WEIGHTS,
    SPECIALISATIONS,
    Specialisation,
)


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sample(rng: random.Random, pool: tuple[str, ...], low: int, high: int) -> list[str]:
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


SIZE_BANDS = ("1-49", "50-249", "50-249", "250-999", "1000+")  # mid-sized buyers most often
OPEN_BRIEFS_FROM = date(2026, 10, 25)  # after the last historical brief (2026-10-23)
# The dates above and in ``_brief`` (Jan 2025 – Nov 2026) were drawn for a load on this
# day; ``load_demo`` moves every date forward by the days since (``shift_days``), so the
# demo's history always ends just before the day it is loaded (the dashboard shows the
# last 18 months).
DATES_DRAWN_FOR = date(2026, 12, 2)


def _in_prose(label: str) -> str:
    """A taxonomy label inside a sentence: "ERP Implementation" → "ERP implementation"."""
    return " ".join(w if w.upper() in ACRONYMS else w.lower() for w in label.split())


def _a(phrase: str) -> str:
    """ "a" or "an" before ``phrase``, as it sounds in the demo's words."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def _prose(items: list[str]) -> str:
    """["a", "b", "c"] → "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _domain(name: str) -> str:
    return "".join(c for c in name.lower().replace("(pvt) ltd", "") if c.isalnum())


def _contact(number: int, domain: str, phone_prefix: str | None) -> dict[str, str]:
    person = CONTACT_NAMES[number % len(CONTACT_NAMES)]
    contact = {"name": person, "email": f"{person.split()[0].lower()}@{domain}"}
    if phone_prefix:
        contact["phone"] = f"{phone_prefix}{number % 100:02d} {1000000 + number * 7919 % 9000000}"
    return contact


class DemoCatalogue:
    """``vendors()`` and ``briefs()`` yield interchange records for one seed and size."""

    def __init__(
        self, *, vendors: int = 2000, briefs: int | None = None, seed: int = 7, shift_days: int = 0
    ):
        self.shift_days = shift_days
        self.vendor_count = vendors
        self.brief_count = briefs if briefs is not None else max(300, vendors * 3 // 20)
        self.seed = seed
        # The generator's hidden truth, never exported: which specialisations each firm
        # and each brief were drawn from. Outcomes are sampled from it.
        self.vendor_kinds: dict[str, tuple[str, ...]] = {}
        self.brief_kinds: dict[str, str] = {}

    # Vendors -----------------------------------------------------------------------
    def vendors(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(f"vendors-{self.seed}")
        used_names: set[str] = set()
        for number in range(1, self.vendor_count + 1):
            yield self._vendor(rng, number, used_names)

    def _firm_name(self, rng: random.Random, used: set[str]) -> str:
        for _ in range(20):
            name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {rng.choice(NAME_SUFFIX)}"
            if name not in used:
                break
        else:
            name = f"{name} {len(used)}"
        used.add(name)
        return name

    def _vendor(self, rng: random.Random, number: int, used_names: set[str]) -> dict[str, Any]:
        kinds = [_weighted(rng, SPECIALISATION_WEIGHTS)]
        if rng.random() < 0.3:
            kinds.append(_weighted(rng, SPECIALISATION_WEIGHTS))
        specs = [SPECIALISATIONS[kind] for kind in dict.fromkeys(kinds)]
        self.vendor_kinds[f"pk-{number:06d}"] = tuple(dict.fromkeys(kinds))
        city = _weighted(rng, CITIES)
        team = max(2, min(3000, int(rng.lognormvariate(3.3, 1.0))))
        services = list(
            dict.fromkeys(s for spec in specs for s in _sample(rng, spec.services, 1, 3))
        )
        stack = list(dict.fromkeys(t for spec in specs for t in _sample(rng, spec.stack, 2, 5)))
        industries = list(
            dict.fromkeys(i for spec in specs for i in _sample(rng, spec.industries, 1, 3))
        )
        rate_min = int(min(60, 12 + team**0.35 * 3 + rng.randint(0, 8)))
        markets = _sample(rng, EXPORT_MARKETS, 1, 4)
        name = self._firm_name(rng, used_names)
        record: dict[str, Any] = {
            "external_id": f"pk-{number:06d}",
            "name": name,
            "country": "PK",
            "city": city,
            "description": self._description(rng, name, city, services, stack, industries),
            "website": f"https://{name.lower().replace(' ', '').replace('(pvt)ltd', '')}.example.pk",
            "contact": _contact(number, f"{_domain(name)}.example.pk", "+92 3"),
            "founded_year": rng.randint(1998, 2024),
            "team_size": team,
            "hourly_rate_usd": {"min": rate_min, "max": rate_min + rng.randint(8, 30)},
            "min_project_usd": int(round(min(250_000, 1500 + team * rng.uniform(60, 220)), -3)),
            "services": self._shares(rng, services),
            "technologies": stack,
            "industries": industries,
            "certifications": self._certifications(rng, team, kinds, industries),
            "languages": ["en", "ur", *(["ar"] if rng.random() < 0.18 else []),
                          *(["de"] if rng.random() < 0.03 else [])],
            "working_hours_utc": dict(zip(("start", "end"), _pick_shift(rng), strict=True)),
            "export_markets": markets,
            "portfolio": [self._portfolio_item(rng, specs, markets, stack) for _ in range(rng.randint(1, 5))],
        }  # fmt: skip
        if rng.random() < 0.72:
            record["registrations"] = {
                "pseb": f"PSEB/{rng.randint(2010, 2025)}/{rng.randint(1000, 99999)}"
            }
        if rng.random() < 0.6:
            count = int(rng.expovariate(1 / 12)) + 1
            record["rating"] = {"average": round(rng.uniform(3.6, 5.0), 1), "count": count}
        if rng.random() < 0.65:
            record["preferences"] = {
                "min_budget_usd": record["min_project_usd"],
                "industries": industries[:2],
                "countries": markets[:3],
                "engagement_models": _sample(rng, ENGAGEMENT, 1, 3),
            }
        return record

    @staticmethod
    def _shares(rng: random.Random, services: list[str]) -> list[Any]:
        if rng.random() < 0.3:
            return services
        cuts = sorted(rng.sample(range(5, 100, 5), len(services) - 1)) if len(services) > 1 else []
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        return [
            {"name": name, "share": share} for name, share in zip(services, shares, strict=True)
        ]

    @staticmethod
    def _certifications(
        rng: random.Random, team: int, kinds: list[str], industries: list[str]
    ) -> list[str]:
        certs = []
        if rng.random() < min(0.85, team / 250):
            certs.append("ISO 27001")
        if rng.random() < min(0.7, team / 300):
            certs.append("ISO 9001")
        if team > 150 and rng.random() < 0.35:
            certs.append(rng.choice(["CMMI Level 3", "CMMI Level 5"]))
        if "cloud" in kinds and rng.random() < 0.6:
            certs.append(
                rng.choice(["AWS Partner", "AWS Advanced Partner", "Microsoft Solutions Partner"])
            )
        if "Healthcare" in industries and rng.random() < 0.4:
            certs.append("HIPAA")
        if "Fintech" in industries and rng.random() < 0.25:
            certs.append("PCI DSS")
        if team > 80 and rng.random() < 0.2:
            certs.append("SOC 2")
        return certs

    @staticmethod
    def _description(rng: random.Random, name: str, city: str, services: list[str], stack: list[str],
                     industries: list[str]) -> str:  # fmt: skip
        """A firm's own words: one of four voices (one draw, as before, so the rest of
        the catalogue is unchanged), services and stack named as people write them."""
        what = _prose([_in_prose(service) for service in services[:3]])
        who = _prose(industries[:3])
        tools = _prose(stack[:4]) + (", among others" if len(stack) > 4 else "")
        voices = [
            f"We are a team in {city} doing {what} for {who} clients. Day to day we work in "
            f"{tools}, and we keep several hours of overlap with our clients' working day.",
            f"{name} is an export-focused studio in {city}. We take on {what}, mostly for "
            f"{who} companies abroad, and our engineers are at home in {tools}.",
            f"Founder-led and based in {city}, {name} delivers {what}. Recent work spans "
            f"{who}; our stack is {tools}. Fixed-price or dedicated team, as you prefer.",
            f"From {city}, {name} has shipped {what} for {who} businesses in Europe, the Gulf "
            f"and North America. We build with {tools}. Weekly reports, in English.",
        ]
        return rng.choice(voices)

    @staticmethod
    def _portfolio_item(rng: random.Random, specs: list[Specialisation], markets: list[str],
                        stack: list[str]) -> dict[str, Any]:  # fmt: skip
        spec = rng.choice(specs)
        noun = rng.choice(spec.portfolio_nouns)
        industry = rng.choice(spec.industries)
        country = rng.choice(markets)
        return {
            "title": f"{noun.capitalize()} for {_a(industry.lower())} client",
            "client": f"{rng.choice(BUYER_WORDS)} {BUYER_SUFFIX.get(country, 'Ltd')}",
            "client_country": country,
            "industry": industry,
            "services": _sample(rng, spec.services, 1, 2),
            "technologies": [t for t in stack if t in spec.stack][:4]
            or _sample(rng, spec.stack, 1, 3),
            "year": rng.randint(2016, 2026),
            "value_usd": int(round(rng.lognormvariate(10.3, 0.9), -3)) + 1000,
            "description": f"Delivered {_a(noun)} in {industry.lower()}.",
        }

    # Briefs ------------------------------------------------------------------------
    def briefs(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(f"briefs-{self.seed}")
        buyers = [self._buyer(rng, n) for n in range(1, max(2, self.brief_count * 2 // 5) + 1)]
        for number in range(1, self.brief_count + 1):
            yield self._brief(rng, number, rng.choice(buyers))

    def open_briefs(self, count: int) -> Iterator[dict[str, Any]]:
        """Recent briefs no officer has curated yet (no outcomes): the demo's curation
        queue. Numbered after ``briefs()`` and from their buyers, with their own stream
        of randomness, so ``briefs()`` and the outcomes stay as they were."""
        same = random.Random(f"briefs-{self.seed}")
        buyers = [self._buyer(same, n) for n in range(1, max(2, self.brief_count * 2 // 5) + 1)]
        rng = random.Random(f"open-briefs-{self.seed}")
        for offset in range(1, count + 1):
            brief = self._brief(rng, self.brief_count + offset, rng.choice(buyers))
            brief["published_at"] = (
                OPEN_BRIEFS_FROM + timedelta(days=rng.randint(0, 30) + self.shift_days)
            ).isoformat()
            yield brief

    def _buyer(self, rng: random.Random, number: int) -> dict[str, Any]:
        country = _weighted(rng, BUYER_COUNTRIES)
        _, zones, _ = COUNTRY_PROFILE[country]
        industry = rng.choice([i for spec in SPECIALISATIONS.values() for i in spec.industries])
        words = rng.sample(BUYER_WORDS, 2)
        name = f"{words[0]} {words[1]} {BUYER_SUFFIX[country]}"
        # What firms may see of it: its own stream, so the rest of the demo stays as it was.
        visible = random.Random(f"buyer-visibility-{self.seed}-{number}")
        return {
            "external_id": f"buyer-{number:05d}",
            "name": name,
            "contact": _contact(number + 7, f"{_domain(name)}.example.com", None),
            "country": country,
            "industry": industry,
            "timezone": rng.choice(zones),
            "size_band": visible.choice(SIZE_BANDS),
            "named_to_firms": visible.random() < 0.3,
        }

    def _brief(self, rng: random.Random, number: int, buyer: dict[str, Any]) -> dict[str, Any]:
        kind = _weighted(rng, SPECIALISATION_WEIGHTS)
        spec = SPECIALISATIONS[kind]
        self.brief_kinds[f"b-{number:05d}"] = kind
        currency, _, languages = COUNTRY_PROFILE[buyer["country"]]
        services = _sample(rng, spec.services, 1, 2)
        noun = rng.choice(spec.portfolio_nouns)
        industry = buyer["industry"] if rng.random() < 0.6 else rng.choice(spec.industries)
        usd = rng.lognormvariate(10.4, 0.8)
        low = _round_budget(usd / APPROX_USD[currency])
        published = date(2025, 1, 1) + timedelta(days=rng.randint(0, 660) + self.shift_days)
        brief: dict[str, Any] = {
            "external_id": f"b-{number:05d}",
            "buyer": buyer,
            "title": f"{noun.capitalize()} for our {industry.lower()} business",
            "description": (
                f"We are looking for a partner to build {_a(noun)} for our "
                f"{industry.lower()} business. Our in-house team knows "
                f"{_prose(_sample(rng, spec.stack, 1, 3))}, so we would like to stay with that. "
                f"The work covers {_prose([_in_prose(s) for s in services])}; please tell "
                "us about similar projects and how you would staff this one."
            ),
            "services": services,
            "technologies": _sample(rng, spec.stack, 1, 4),
            "industry": industry,
            "budget": {
                "min": low,
                "max": _round_budget(low * rng.uniform(1.3, 3.0)),
                "currency": currency,
            },
            "timeline_weeks": rng.choice([4, 6, 8, 12, 16, 20, 26, 36, 52]),
            "engagement_model": rng.choice(ENGAGEMENT),
            "languages": ["en", *languages[: int(rng.random() < 0.3)]],
            "min_overlap_hours": rng.choice([0, 2, 3, 4, 4, 6]),
            "team_size": rng.randint(1, 12),
            "location": rng.choice(["remote", "remote", "remote", "hybrid", "onsite"]),
            "published_at": published.isoformat(),
        }
        if industry in {"Fintech", "Healthcare", "Insurance"} and rng.random() < 0.5:
            brief["required_certifications"] = ["ISO 27001"]
        return brief

    # Outcomes -------------------------------------------------------------------------
    def outcomes(self) -> Iterator[dict[str, Any]]:
        """Officers' decisions and deal stages for each brief, sampled from the hidden
        fit of the firms shown to it (mostly firms of the brief's specialisation)."""
        vendors = {v["external_id"]: v for v in self.vendors()}
        briefs = list(self.briefs())
        by_kind: dict[str, list[str]] = {}
        for vendor_id, kinds in self.vendor_kinds.items():
            for kind in kinds:
                by_kind.setdefault(kind, []).append(vendor_id)
        rng = random.Random(f"outcomes-{self.seed}")
        for brief in briefs:
            kind = self.brief_kinds[brief["external_id"]]
            same = by_kind.get(kind, [])
            shown = rng.sample(same, min(8, len(same))) + rng.sample(sorted(vendors), 4)
            fits = sorted(((hidden_fit(brief, vendors[v], kind in self.vendor_kinds[v]) + rng.gauss(0, 0.08), v)
                           for v in dict.fromkeys(shown)), reverse=True)  # fmt: skip
            decided = date.fromisoformat(brief["published_at"]) + timedelta(days=rng.randint(5, 60))
            for position, (fit, vendor_id) in enumerate(fits):
                stage = _stage(position, fit, rng)
                outcome: dict[str, Any] = {"brief": brief["external_id"], "vendor": vendor_id, "outcome": stage,
                                           "decided_at": (decided + timedelta(days=position)).isoformat(), "rank": position + 1}  # fmt: skip
                if stage == "won":
                    outcome["value_usd"] = int(
                        brief["budget"]["max"] * APPROX_USD[brief["budget"]["currency"]] * 0.8
                    )
                yield outcome


def hidden_fit(brief: dict[str, Any], vendor: dict[str, Any], same_kind: bool) -> float:
    """How well a firm really fits a brief, in the generator's own terms."""
    technologies = set(brief["technologies"])
    tech = (
        len(technologies & set(vendor["technologies"])) / len(technologies) if technologies else 0.5
    )
    budget_usd = brief["budget"]["max"] * APPROX_USD[brief["budget"]["currency"]]
    budget = 1.0 if vendor["min_project_usd"] <= budget_usd else 0.0
    certified = all(c in vendor["certifications"] for c in brief.get("required_certifications", []))
    us_shift = vendor["working_hours_utc"]["start"] >= 13
    hours = 1.0 if (brief["buyer"]["country"] in {"US", "CA"}) == us_shift else 0.3
    rating = (vendor.get("rating", {}).get("average", 4.2) - 3.5) / 1.5
    return (
        0.35 * same_kind + 0.2 * tech + 0.15 * budget + 0.1 * certified + 0.1 * hours + 0.1 * rating
    )


def _stage(position: int, fit: float, rng: random.Random) -> str:
    if fit < 0.45:
        return "rejected"
    if position == 0 and fit > 0.7:
        return "won" if rng.random() < 0.7 else "lost"
    if position < 3:
        return rng.choice(["proposal", "meeting", "introduced"])
    return rng.choice(["approved", "introduced", "rejected"])


def _pick_shift(rng: random.Random) -> tuple[int, int]:
    return rng.choices([shift for shift, _ in SHIFTS], weights=[weight for _, weight in SHIFTS])[0]


def _round_budget(value: float) -> int:
    step = 1000 if value < 100_000 else 5000
    return max(step, round(value / step) * step)
