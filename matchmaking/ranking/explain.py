"""Reasons in plain words, from the features that contributed most to a score."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.codes import language_name
from matchmaking.ranking.features import FEATURES

MIN_CONTRIBUTION = 1e-3


def _join(items: list[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (
        f" and {len(items) - limit} more" if len(items) > limit else ""
    )


def _wins(count: int) -> str:
    return f"{count} contract{'s' if count != 1 else ''}"


def _reason(feature: str, detail: dict[str, Any], brief: Any) -> str | None:
    """One feature's reason, from the values it was computed on; ``None`` if it has
    nothing concrete (and true) to say."""
    budget = detail.get("budget", {})
    record = detail.get("record", {})
    match feature:
        case "service_overlap" if detail.get("services"):
            return f"offers {_join(detail['services'])}"
        case "technology_overlap" if detail.get("technologies"):
            return f"works with {_join(detail['technologies'])}"
        case "certification_coverage" if detail.get("certifications"):
            return f"certified {_join(detail['certifications'])}"
        case "hours_overlap" if detail.get("hours"):
            place = (brief.buyer_timezone or "").split("/")[-1].replace("_", " ")
            return f"{detail['hours']} h overlap with {place or 'your working day'}"
        case "budget_fit" if "estimate" in budget:
            if budget["estimate"] > budget["budget"]:
                return None  # over budget is a gap, never a reason
            return f"fits the budget (about ${budget['estimate']:,} for the team and timeline)"
        case "budget_fit" if "budget" in budget and "min_project_usd" not in budget:
            return f"takes projects of ${budget['budget']:,}"
        case "value_fit" if detail.get("value"):
            return f"has won contracts of about ${detail['value']['typical']:,}"
        case "language_match" if detail.get("languages"):
            return f"works in {_join([language_name(code) for code in detail['languages']])}"
        case "industry_match" if brief.industry:
            return f"serves {brief.industry}"
        case "industry_experience" if detail.get("projects"):
            plural = "s" if detail["projects"] > 1 else ""
            return f"{detail['projects']} {brief.industry} project{plural} in its portfolio"
        case "country_experience" if detail.get("country"):
            return f"has delivered for clients in {detail['country']}"
        case "country_experience" if detail.get("region"):
            return f"has delivered in the {detail['region'].replace('_', ' ')} region"
        case "history_best" | "history_topk" if detail.get("closest"):
            return f"has won similar work: “{detail['closest']}”"
        case "same_buyer" if record.get("same_buyer"):
            return f"has won {_wins(record['same_buyer'])} with you before"
        case "same_buyer_family" if record.get("family") and record["family"][1]:
            family, count = record["family"]
            return f"has won {_wins(count)} with {family}"
        case "win_count" | "win_recency" if record.get("wins"):
            count = record["wins"]
            return (
                "1 earlier win or project" if count == 1 else f"{count} earlier wins and projects"
            )
        case "reputation" if detail.get("rating"):
            average, count = detail["rating"]
            return f"rated {average:.1f} from {count} review{'s' if count != 1 else ''}"
        case "past_relationship":
            return "has worked with you before"
        case "reciprocal_fit" if detail.get("wants"):
            return "is looking for projects like this"
        case "text_word" | "text_char" | "retrieval":
            return "profile close to your brief"
    return None


def gaps(brief: Any, detail: dict[str, Any]) -> list[dict[str, str]]:
    """What the firm lacks that the brief asks for, in plain words (shown beside the
    reasons: a buyer should not discover a missing requirement at the first meeting)."""
    found: list[dict[str, str]] = []
    for code in detail.get("missing_languages", []):
        found.append({"feature": "language_match", "text": f"no {language_name(code)} speakers"})
    for certification in detail.get("missing_certifications", []):
        found.append(
            {"feature": "certification_coverage", "text": f"not {certification} certified"}
        )
    for certification in detail.get("claimed_certifications", []):
        found.append(
            {
                "feature": "certification_coverage",
                "text": f"claims {certification}, not verified",
            }
        )
    missing = [s for s in brief.services if s not in detail.get("services", [])]
    if brief.services and missing:
        found.append({"feature": "service_overlap", "text": f"does not list {_join(missing)}"})
    budget = detail.get("budget", {})
    if budget.get("estimate", 0) > budget.get("budget", float("inf")):
        over = round((budget["estimate"] / budget["budget"] - 1) * 100)
        found.append(
            {
                "feature": "budget_fit",
                "text": f"about {max(over, 1)} % over budget "
                f"(estimate ${budget['estimate']:,} for the team and timeline)",
            }
        )
    if budget.get("min_project_usd"):
        found.append(
            {
                "feature": "budget_fit",
                "text": f"takes projects from ${budget['min_project_usd']:,}, above the budget",
            }
        )
    needed = brief.min_overlap_hours or 0
    if detail.get("hours") is not None and detail["hours"] < needed:
        found.append(
            {
                "feature": "hours_overlap",
                "text": f"only {detail['hours']} h of the {needed} h overlap asked for",
            }
        )
    return found


def _firm_reason(feature: str, detail: dict[str, Any], brief: Any) -> str | None:
    """A feature's reason told to the firm about a brief (opportunities): the same
    facts, from the other side, and never the buyer's name or organisation."""
    budget = detail.get("budget", {})
    record = detail.get("record", {})
    match feature:
        case "service_overlap" if detail.get("services"):
            return f"needs {_join(detail['services'])}, which you offer"
        case "technology_overlap" if detail.get("technologies"):
            return f"uses {_join(detail['technologies'])}, which you work with"
        case "certification_coverage" if detail.get("certifications"):
            return f"asks for {_join(detail['certifications'])}, which you hold"
        case "hours_overlap" if detail.get("hours"):
            return f"{detail['hours']} h overlap with the buyer's working day"
        case "budget_fit" if "estimate" in budget and budget["estimate"] <= budget["budget"]:
            return f"its budget (${budget['budget']:,}) covers your rates for the team and timeline"
        case "value_fit" if detail.get("value"):
            return f"a budget like the contracts you win (about ${detail['value']['typical']:,})"
        case "language_match" if detail.get("languages"):
            return f"in {_join([language_name(code) for code in detail['languages']])}"
        case "industry_match" | "industry_experience" if brief.industry:
            return f"in {brief.industry}, which you serve"
        case "country_experience" if detail.get("country"):
            return f"a buyer in {detail['country']}, where you have delivered"
        case "country_experience" if detail.get("region"):
            region = detail["region"].replace("_", " ")
            return f"a buyer in the {region} region, where you have delivered"
        case "history_best" | "history_topk" if detail.get("closest"):
            return f"like work you have won: “{detail['closest']}”"
        case "same_buyer" if record.get("same_buyer"):
            return "a buyer you have won work with before"
        case "same_buyer_family" if record.get("family") and record["family"][1]:
            return "an organisation you have won work with before"
        case "past_relationship":
            return "a buyer you were introduced to before"
        case "reciprocal_fit" if detail.get("wants"):
            return "the kind of project you said you are looking for"
        case "text_word" | "text_char" | "retrieval":
            return "close to what your profile describes"
    return None


def reasons(
    brief: Any,
    contributions: np.ndarray,
    details: dict[str, Any],
    *,
    limit: int = 4,
    to_firm: bool = False,
) -> list[dict[str, Any]]:
    """The top features by positive contribution, each with its plain-words reason (told
    to the buyer and officers, or with ``to_firm`` to the firm about a brief)."""
    say = _firm_reason if to_firm else _reason
    order = np.argsort(-contributions)
    found: list[dict[str, Any]] = []
    seen_texts: set[str] = set()
    for index in order:
        contribution = float(contributions[index])
        if contribution < MIN_CONTRIBUTION or len(found) >= limit:
            break
        feature = FEATURES[index]
        text = say(feature, details, brief)
        if text and text not in seen_texts:
            seen_texts.add(text)
            found.append({"feature": feature, "contribution": round(contribution, 4), "text": text})
    return found
