"""The rankers against scikit-learn's estimator checks (``parametrize_with_checks``).
The checks they cannot pass are named here with the reason; scikit-learn marks them as
expected failures, every other check must pass."""

from __future__ import annotations

from typing import Any

from sklearn.utils.estimator_checks import parametrize_with_checks

from matchmaking.ranking.ranker import BoostedRanker, LearnedRanker, PriorRanker

# The prior's weights are per named feature (features.FEATURES): it scores exactly those
# columns and refuses any other width, so every check that fits it on random data of two
# to ten columns cannot run it.
OTHER_WIDTH = "the prior scores exactly the columns of features.FEATURES, not random widths"
PRIOR = {
    name: OTHER_WIDTH
    for name in (
        "check_fit_score_takes_y",
        "check_estimators_overwrite_params",
        "check_dont_overwrite_parameters",
        "check_estimators_fit_returns_self",
        "check_readonly_memmap_input",
        "check_n_features_in_after_fitting",
        "check_positive_only_tag_during_fit",
        "check_estimators_dtypes",
        "check_dtype_object",
        "check_pipeline_consistency",
        "check_estimators_nan_inf",
        "check_estimators_pickle",
        "check_f_contiguous_array_estimator",
        "check_methods_sample_order_invariance",
        "check_methods_subset_invariance",
        "check_fit2d_1sample",
        "check_fit2d_1feature",
        "check_dict_unchanged",
        "check_fit_idempotent",
        "check_fit_check_is_fitted",
        "check_n_features_in",
        "check_fit2d_predict1d",
    )
}
# The learned ranker's target is a grade (0: not chosen; more: how far the match went),
# binarised at 0: targets of positive grades only, as these checks draw them, leave
# nothing to learn an order from.
ONE_CLASS = "positive grades only: after binarising there is one class and no order to learn"
LEARNED = {
    "check_estimators_dtypes": ONE_CLASS,
    "check_sample_weights_pandas_series": ONE_CLASS,
    "check_sample_weights_not_an_array": ONE_CLASS,
    "check_sample_weights_shape": ONE_CLASS,
    "check_sample_weights_not_overwritten": ONE_CLASS,
    "check_fit2d_1feature": ONE_CLASS,
    # Weights are scaled to mean 1 before fitting, so the regularisation (C) weighs the
    # same against ten rows as against a thousand: repeating a row is not its weight 2.
    "check_sample_weight_equivalence_on_dense_data": "weights are scaled to mean 1",
}
EXPECTED: dict[type, dict[str, str]] = {PriorRanker: PRIOR, LearnedRanker: LEARNED}


def _expected(estimator: Any) -> dict[str, str]:
    return EXPECTED.get(type(estimator), {})


@parametrize_with_checks(
    [PriorRanker(), LearnedRanker(), BoostedRanker()], expected_failed_checks=_expected
)
def test_the_rankers_pass_scikit_learns_estimator_checks(estimator, check):
    check(estimator)
