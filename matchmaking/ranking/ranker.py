"""Rankers: scikit-learn estimators over the feature matrix of ``features.FEATURES``.

``PriorRanker`` serves before any outcome exists (cold start): a linear score with the
documented ``PRIOR_WEIGHTS`` (each feature's ``prior`` in ``features.DEFINITIONS``).
``LearnedRanker`` is a linear model on scaled features (pointwise by default; pairwise,
RankSVM style, on request), trained on officers' decisions, deal outcomes and the
implicit negatives of won briefs (``matchmaking.training.learning``). Both give per-feature
contributions (weight * (value - reference)), from which the explanations are built,
and both are saved as plain JSON (no pickle: a model file is data, not code).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from matchmaking.ranking.features import FEATURES, PRIOR_WEIGHTS


def within_budget(matrix: np.ndarray) -> np.ndarray:
    """Rows that may be shown: the firm's minimum project is not above the budget
    (the firm's own rule; retrieval applies it too)."""
    return matrix[:, FEATURES.index("budget_fit")] > 0.0


def ordered(scores: np.ndarray, meets: np.ndarray) -> np.ndarray:
    """Indices best first: firms that hold every required certification and language
    come before every firm that does not (when none does, the order is by score)."""
    return np.lexsort((-np.asarray(scores, dtype=float), ~np.asarray(meets, dtype=bool)))


def _rows(ranker: BaseEstimator, X: Any) -> np.ndarray:
    """``X`` checked as a fitted ranker reads it: fitted, finite numbers, as many columns
    as it was fitted on (scikit-learn's own checks and messages)."""
    check_is_fitted(ranker)
    return np.asarray(validate_data(ranker, X, reset=False), dtype=float)


class PriorRanker(BaseEstimator):
    """The prior weights, per named feature: it scores exactly the columns of
    ``features.FEATURES`` (fitting reads nothing from outcomes)."""

    def __init__(self, weights: dict[str, float] | None = None):
        self.weights = weights

    def fit(self, X: np.ndarray | None = None, y: np.ndarray | None = None) -> PriorRanker:
        if X is not None:
            width = np.shape(validate_data(self, X))[1]
            if width != len(FEATURES):
                raise ValueError(
                    f"the prior scores the {len(FEATURES)} features of features.FEATURES; "
                    f"X has {width}"
                )
        self.n_features_in_ = len(FEATURES)
        weights = self.weights or PRIOR_WEIGHTS
        self.coef_ = np.array([weights.get(name, 0.0) for name in FEATURES])
        self.reference_ = np.full(len(FEATURES), 0.5)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return _rows(self, X) @ self.coef_

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return (_rows(self, X) - self.reference_) * self.coef_

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "prior",
            "features": list(FEATURES),
            "weights": dict(zip(FEATURES, self.coef_.tolist(), strict=True)),
        }


def pair_differences(
    X: np.ndarray, grades: np.ndarray, groups: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RankSVM-style training data: for every two firms of the same brief with different
    grades, the difference of their rows labelled 1 (better minus worse) and its mirror
    labelled 0; weighted by the product of the two rows' weights."""
    rows: list[np.ndarray] = []
    pair_weights: list[np.ndarray] = []
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        better, worse = np.nonzero(grades[members][:, None] > grades[members][None, :])
        if not len(better):
            continue
        high, low = members[better], members[worse]
        rows.append(X[high] - X[low])
        pair_weights.append(weights[high] * weights[low])
    if not rows:
        return np.zeros((0, X.shape[1])), np.zeros(0), np.zeros(0)
    differences = np.vstack(rows)
    weight = np.concatenate(pair_weights)
    return (
        np.vstack([differences, -differences]),
        np.concatenate([np.ones(len(differences)), np.zeros(len(differences))]),
        np.concatenate([weight, weight]),
    )


class LearnedRanker(BaseEstimator):
    """A linear model over scaled features, learned from outcomes.

    ``objective="pointwise"`` (the default, chosen by measurement in docs/ranking.md):
    logistic regression on P(the match progresses), classes balanced.
    ``"pairwise"`` (RankSVM style): logistic regression on within-brief pair
    differences, so only the order of firms for the same brief is learned."""

    def __init__(
        self,
        C: float = 0.3,
        class_weight: str | None = "balanced",
        random_state: int = 0,
        objective: str = "pointwise",
    ):
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state
        self.objective = objective

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        groups: np.ndarray | None = None,
    ) -> LearnedRanker:
        X, y = validate_data(self, X, y)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        if not weights.sum() > 0:
            raise ValueError("the sample weights are all zero: nothing to learn from")
        scaler = StandardScaler().fit(X)
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        scaled = (X - scaler.mean_) / scale
        if self.objective == "pairwise":
            if groups is None:
                raise ValueError("the pairwise objective needs each row's brief (groups)")
            scaled, y, weights = pair_differences(scaled, np.asarray(y), groups, weights)
            model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=1000)
        else:
            model = LogisticRegression(
                C=self.C,
                class_weight=self.class_weight,
                random_state=self.random_state,
                max_iter=1000,
            )
            y = (np.asarray(y) > 0).astype(int)
        model.fit(scaled, y, sample_weight=weights / weights.mean())
        self.reference_ = scaler.mean_.copy()
        self.coef_ = model.coef_[0] / scale  # per unit of the raw feature
        self.intercept_ = float(
            (model.intercept_[0] if model.fit_intercept else 0.0)
            - (self.coef_ * scaler.mean_).sum()
        )
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return _rows(self, X) @ self.coef_ + self.intercept_

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return (_rows(self, X) - self.reference_) * self.coef_

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "learned",
            "features": list(FEATURES),
            "params": {
                "C": self.C,
                "class_weight": self.class_weight,
                "random_state": self.random_state,
                "objective": self.objective,
            },
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "reference": self.reference_.tolist(),
        }


class BoostedRanker(BaseEstimator):
    """Gradient-boosted trees (pointwise), compared in docs/ranking.md. Not served: it
    gives no per-feature contributions to explain a match with, and won no measurement."""

    def __init__(self, random_state: int = 0):
        self.random_state = random_state

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        groups: np.ndarray | None = None,
    ) -> BoostedRanker:
        X, y = validate_data(self, X, y)
        self.model_ = HistGradientBoostingClassifier(
            max_iter=200,
            learning_rate=0.05,
            max_leaf_nodes=15,
            min_samples_leaf=20,
            l2_regularization=1.0,
            random_state=self.random_state,
        ).fit(X, (np.asarray(y) > 0).astype(int), sample_weight=sample_weight)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        rows = _rows(self, X)
        return np.asarray(self.model_.decision_function(rows), dtype=float)


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
    ranker.n_features_in_ = len(FEATURES)
    return ranker
