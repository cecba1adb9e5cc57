"""Rankers: scikit-learn estimators over the feature matrix of ``features.FEATURES``.

``PriorRanker`` serves before any outcome exists (cold start): a linear score with the
documented ``PRIOR_WEIGHTS``. ``LearnedRanker`` is a logistic regression on scaled
features, trained on officers' decisions and deal outcomes. Both give per-feature
contributions (weight * (value - reference)), from which the explanations are built,
and both are saved as plain JSON (no pickle: a model file is data, not code).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from matchmaking.ranking.features import FEATURES

# Cold-start weights, tuned by hand on the demo catalogue's *training* briefs only
# (docs/ranking.md). What the buyer asked for counts most: services, stack,
# certifications and budget; then text similarity; then softer signals.
PRIOR_WEIGHTS = {
    "retrieval": 0.08,
    "text_word": 0.10,
    "text_char": 0.04,
    "text_portfolio": 0.05,
    "service_overlap": 0.14,
    "technology_overlap": 0.12,
    "industry_match": 0.05,
    "budget_fit": 0.10,
    "hours_overlap": 0.06,
    "language_match": 0.04,
    "certification_coverage": 0.10,
    "country_experience": 0.03,
    "industry_experience": 0.03,
    "past_relationship": 0.02,
    "reputation": 0.02,
    "completeness": 0.01,
    "freshness": 0.01,
    "reciprocal_fit": 0.03,
}


def hard_filter(matrix: np.ndarray) -> np.ndarray:
    """Rows that may be shown: all required certifications held, and the firm's
    minimum project not above the budget."""
    coverage = matrix[:, FEATURES.index("certification_coverage")]
    budget = matrix[:, FEATURES.index("budget_fit")]
    return (coverage >= 1.0) & (budget > 0.0)


class PriorRanker(BaseEstimator):
    def __init__(self, weights: dict[str, float] | None = None):
        self.weights = weights

    def fit(self, X: np.ndarray | None = None, y: np.ndarray | None = None) -> PriorRanker:
        weights = self.weights or PRIOR_WEIGHTS
        self.coef_ = np.array([weights.get(name, 0.0) for name in FEATURES])
        self.reference_ = np.full(len(FEATURES), 0.5)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=float) @ self.coef_

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=float) - self.reference_) * self.coef_

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "prior",
            "features": list(FEATURES),
            "weights": dict(zip(FEATURES, self.coef_.tolist(), strict=True)),
        }


class LearnedRanker(BaseEstimator):
    """Pointwise logistic regression: P(an officer approves / the deal progresses)."""

    def __init__(
        self, C: float = 1.0, class_weight: str | None = "balanced", random_state: int = 0
    ):
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state

    def _pipeline(self) -> Pipeline:
        columns = ColumnTransformer([("scaled", StandardScaler(), list(range(len(FEATURES))))])
        model = LogisticRegression(
            C=self.C, class_weight=self.class_weight, random_state=self.random_state, max_iter=1000
        )
        return Pipeline([("features", columns), ("model", model)])

    def fit(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> LearnedRanker:
        self.pipeline_ = self._pipeline().fit(X, y, model__sample_weight=sample_weight)
        scaler = self.pipeline_.named_steps["features"].named_transformers_["scaled"]
        model = self.pipeline_.named_steps["model"]
        self.reference_ = scaler.mean_.copy()
        self.coef_ = model.coef_[0] / scaler.scale_  # per unit of the raw feature
        self.intercept_ = float(
            model.intercept_[0] - (model.coef_[0] * scaler.mean_ / scaler.scale_).sum()
        )
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=float) - self.reference_) * self.coef_

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "learned",
            "features": list(FEATURES),
            "params": {
                "C": self.C,
                "class_weight": self.class_weight,
                "random_state": self.random_state,
            },
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "reference": self.reference_.tolist(),
        }


def ranker_to_json(ranker: PriorRanker | LearnedRanker) -> str:
    return json.dumps(ranker.to_dict(), indent=2)


def ranker_from_json(text: str) -> PriorRanker | LearnedRanker:
    """Rebuild a ranker from its JSON form (never unpickles anything)."""
    data = json.loads(text)
    if data["features"] != list(FEATURES):
        raise ValueError("the saved model was trained on other features; retrain it")
    if data["kind"] == "prior":
        return PriorRanker(weights=data["weights"]).fit()
    ranker = LearnedRanker(**data["params"])
    ranker.coef_ = np.asarray(data["coef"], dtype=float)
    ranker.intercept_ = float(data["intercept"])
    ranker.reference_ = np.asarray(data["reference"], dtype=float)
    return ranker
