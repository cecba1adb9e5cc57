"""Reasons in plain words, from the features that contributed most to a score."""

from __future__ import annotations

from typing import Any

import numpy as np

from matchmaking.ranking.features import FEATURES

MIN_CONTRIBUTION = 1e-3


def _join(items: list[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (
        f" and {len(items) - limit} more" if len(items) > limit else ""
    )


def _reason(feature: str, detail: dict[str, Any], brief: Any) -> str | None:
    """One feature's reason, from the values it was computed on; ``None`` if it has
    nothing concrete to say."""
    match feature:
        case "service_overlap" if detail.get("services"):
            return f"offers {_join(detail['services'])}"
        case "technology_overlap" if detail.get("technologies"):
            return f"works with {_join(detail['technologies'])}"
        case "certification_coverage" if detail.get("certifications"):
            return f"certified {_join(detail['certifications'])}"
        case "hours_overlap" if detail.get("hours") is not None:
            place = (brief.buyer_timezone or "").split("/")[-1].replace("_", " ")
            return f"{detail['hours']} h overlap with {place or 'your working day'}"
        case "budget_fit" if "estimate" in detail.get("budget", {}):
            estimate = detail["budget"]["estimate"]
            return f"fits the budget (about ${estimate:,} for the team and timeline)"
        case "budget_fit" if "budget" in detail.get("budget", {}):
            return f"takes projects of ${detail['budget']['budget']:,}"
        case "language_match" if detail.get("languages"):
            return f"works in {_join(detail['languages'])}"
        case "industry_match" if brief.industry:
            return f"serves {brief.industry}"
        case "industry_experience" if detail.get("projects"):
            plural = "s" if detail["projects"] > 1 else ""
            return f"{detail['projects']} {brief.industry} project{plural} in its portfolio"
        case "country_experience" if detail.get("country"):
            return f"has delivered for clients in {detail['country']}"
        case "country_experience" if detail.get("region"):
            return f"has delivered in the {detail['region'].replace('_', ' ')} region"
        case "reputation" if detail.get("rating"):
            average, count = detail["rating"]
            return f"rated {average:.1f} from {count} review{'s' if count != 1 else ''}"
        case "past_relationship":
            return "has worked with you before"
        case "reciprocal_fit" if detail.get("wants"):
            return "is looking for projects like this"
        case "text_word" | "text_portfolio" | "text_char" | "retrieval":
            return {"text_portfolio": "portfolio close to your brief"}.get(
                feature, "profile close to your brief"
            )
    return None


def reasons(
    brief: Any, contributions: np.ndarray, details: dict[str, Any], *, limit: int = 4
) -> list[dict[str, Any]]:
    """The top features by positive contribution, each with its plain-words reason."""
    order = np.argsort(-contributions)
    found: list[dict[str, Any]] = []
    seen_texts: set[str] = set()
    for index in order:
        contribution = float(contributions[index])
        if contribution < MIN_CONTRIBUTION or len(found) >= limit:
            break
        feature = FEATURES[index]
        text = _reason(feature, details, brief)
        if text and text not in seen_texts:
            seen_texts.add(text)
            found.append({"feature": feature, "contribution": round(contribution, 4), "text": text})
    return found
