"""Reasons in plain words, from the features that contributed most to a score, and the
gaps a buyer should know about: each feature's own words (``features.DEFINITIONS``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from matchmaking.ranking.features import DEFINITIONS

MIN_CONTRIBUTION = 1e-3


def gaps(brief: Any, detail: dict[str, Any]) -> list[dict[str, str]]:
    """What the firm lacks that the brief asks for, in plain words (shown beside the
    reasons: a buyer should not discover a missing requirement at the first meeting);
    the brief's requirements first."""
    ordered = sorted(DEFINITIONS, key=lambda feature: not feature.requirement)
    return [
        {"feature": feature.name, "text": text}
        for feature in ordered
        for text in feature.gaps(detail, brief)
    ]


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
    order = np.argsort(-contributions)
    found: list[dict[str, Any]] = []
    seen_texts: set[str] = set()
    for index in order:
        contribution = float(contributions[index])
        if contribution < MIN_CONTRIBUTION or len(found) >= limit:
            break
        feature = DEFINITIONS[index]
        text = (feature.to_firm if to_firm else feature.to_buyer)(details, brief)
        if text and text not in seen_texts:
            seen_texts.add(text)
            found.append(
                {"feature": feature.name, "contribution": round(contribution, 4), "text": text}
            )
    return found
