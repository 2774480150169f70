"""Sign bounds of the call model's fit (session 15): the columns that name a part of a call may only raise a score.

Synthetic data and sentences written for these tests (the lead's two and our own; never a corpus post).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

# session 11's generator: columns 0-3 carry the class, 4 is more common among the calls, 5 less common
from test_call_exclusions import _synthetic

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts.text import normalize_series


def _grad(X: np.ndarray, y: np.ndarray, lang: np.ndarray, coef: np.ndarray, icpt: float, C: float) -> np.ndarray:
    """The gradient of liblinear's objective in the weights (``|w|^2 / 2 + C sum s_i log(1 + exp(-t_i (x_i w + b)))``)."""
    sw = cm.balanced_weights(y, lang)
    t = np.where(y == 1, 1.0, -1.0)
    m = t * (X @ coef.astype(float) + icpt)
    return X.T @ (-t * sw / (1 + np.exp(m))) * C + coef.astype(float)


def test_upper_bounds_alone_are_session_11s_fit_bit_for_bit() -> None:
    # Computed with session 14's code (main at 410f536, constrain_nonpositive before it was generalised) on this problem,
    # where the bound holds two columns at 0: the generalised active set must take the same steps.
    X, y, lang = _synthetic(2)
    X[:, 3] = X[:, 4] * (np.random.default_rng(3).random(len(y)) < 0.8)
    from sklearn.linear_model import LogisticRegression

    sw = cm.balanced_weights(y, lang)
    clf = LogisticRegression(C=64.0, max_iter=2000, solver="liblinear", random_state=0).fit(sp.csr_matrix(X), y, sample_weight=sw)
    start = clf.coef_.ravel().astype(np.float64), float(clf.intercept_[0])
    expected = [3.0706543162601463, 1.3174812687788247, -0.3423971067422125, 0.0, 0.0, -2.6267970151288016]
    for coef, icpt in (
        cm.constrain_nonpositive(sp.csr_matrix(X), y, 64.0, sw, *start, np.array([3, 4, 5])),
        cm.constrain_signs(sp.csr_matrix(X), y, 64.0, sw, *start, np.array([3, 4, 5]), np.zeros(0, dtype=np.int64)),
    ):
        assert coef.tolist() == expected
        assert icpt == -0.8471370230294666
    # And through fit_linear (float32 weights), as session 14's code gave them.
    coef, icpt = cm.fit_linear(sp.csr_matrix(X), y, 64.0, groups=lang, nonpositive=np.array([3, 4, 5]))
    assert coef.tolist() == [3.0706543922424316, 1.317481279373169, -0.3423970937728882, 0.0, 0.0, -2.6267969608306885]
    assert icpt == -0.8471370230294666


def test_a_part_column_that_the_free_fit_makes_negative_gets_weight_zero() -> None:
    X, y, lang = _synthetic()
    free, _ = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang)
    assert free[5] == pytest.approx(-2.91, abs=0.01)  # less common among the calls: a negative weight when free
    coef, icpt = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang, nonnegative=np.array([0, 5]))
    assert coef[5] == 0.0 and coef[0] > 0
    # Held at 0, the column is as good as absent: the other weights are the fit without it (same objective, two solvers).
    without, icpt_without = cm.fit_linear(sp.csr_matrix(np.delete(X, 5, axis=1)), y, 16.0, groups=lang)
    np.testing.assert_allclose(np.delete(coef, 5), without, atol=2e-3)
    assert icpt == pytest.approx(icpt_without, abs=2e-3)


def test_bounds_that_hold_already_leave_liblinears_fit_as_it_is() -> None:
    X, y, lang = _synthetic(1)
    free = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang)
    assert free[0][0] > 0 and free[0][4] > 0 and free[0][5] < 0
    bounded = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang, nonpositive=np.array([5]), nonnegative=np.array([0, 4]))
    np.testing.assert_array_equal(free[0], bounded[0])
    assert free[1] == bounded[1]


def test_both_bounds_at_once_meet_the_optimality_conditions() -> None:
    # Column 4 (more common among the calls) bounded above, column 5 (less common) and 2 (noise) bounded below, 3 following
    # 4 and bounded above too: whatever the active set holds and frees, the result meets the KKT conditions.
    X, y, lang = _synthetic(2)
    X[:, 3] = X[:, 4] * (np.random.default_rng(3).random(len(y)) < 0.8)
    up, down = np.array([3, 4]), np.array([0, 2, 5])
    coef, icpt = cm.fit_linear(sp.csr_matrix(X), y, 64.0, groups=lang, nonpositive=up, nonnegative=down)
    assert (coef[up] <= 0).all() and (coef[down] >= 0).all()
    assert coef[4] == 0.0 and coef[5] == 0.0 and coef[0] > 2.5
    g = _grad(X, y, lang, coef, icpt, 64.0)
    # At 0, a column bounded above has a slope <= 0 (going below 0 would not lower the objective); one bounded below, >= 0.
    assert all(g[j] <= 1e-2 for j in up if coef[j] == 0)
    assert all(g[j] >= -1e-2 for j in down if coef[j] == 0)
    # Off their bounds, the weights are at a stationary point (as liblinear's stopping rule leaves it).
    off = [j for j in range(6) if coef[j] != 0]
    assert off and np.abs(g[off]).max() < 5e-2


def test_a_column_bounded_both_ways_is_refused() -> None:
    X, y, lang = _synthetic()
    with pytest.raises(ValueError, match=r"both above and below by 0: \[5\]"):
        cm.constrain_signs(sp.csr_matrix(X), y, 16.0, cm.balanced_weights(y, lang), np.ones(6), 0.0, np.array([4, 5]), np.array([5]))


def test_the_part_columns_by_name() -> None:
    f = cm.CallFeaturiser(lexicon=True, cues=True, transfer=True, exclusions=True, n_features=64)
    names = cm.cue_column_names(f)
    assert len(names) == f._n_out() - f.n_features
    # The exclusion columns by name are exclusion_columns' indices.
    assert [names[j - 64] for j in cm.exclusion_columns(f)] == cc.EXCLUSION_COLUMNS
    parts = [names[j - 64] for j in cm.part_columns(f)]
    assert parts == ["cta_invite", "hortative", "imperative", "x_invite", "addressee", "x_everyone", "x_you", "cta_event", "x_event",
                     "cta_time", "has_when", "has_clock", "soon", "x_soon", "cta_place", "has_where", "has_town"]  # fmt: skip
    with_units = cm.CallFeaturiser(lexicon=True, cues=True, transfer=True, units=True, exclusions=True, n_features=64)
    assert [cm.cue_column_names(with_units)[j - 64] for j in cm.part_columns(with_units)][-2:] == cc.UNIT_COLUMNS
    # A language block's copies stay free: the per-language set bounds the shared columns only.
    per = cm.CallFeaturiser(lexicon=True, cues=True, exclusions=True, per_language=True, n_features=64)
    plain = cm.CallFeaturiser(lexicon=True, cues=True, exclusions=True, n_features=64)
    np.testing.assert_array_equal(cm.part_columns(per), cm.part_columns(plain))
    no_ngrams = cm.CallFeaturiser(lexicon=True, cues=True, transfer=True, exclusions=True, ngrams=False)
    np.testing.assert_array_equal(cm.part_columns(no_ngrams), cm.part_columns(f) - 64)


# The part columns that fire on sentences written for the tests: the lead's two, a concert and a report of a protest.
FIRING = {
    "Sutra u 18h svi ispred Skupštine": {"soon", "x_soon", "cta_time", "has_clock", "has_when", "addressee", "x_everyone", "x_invite",
                                         "cta_place", "has_where", "u_time_place_address"},
    "Ejani të gjithë në protestë të hënën": {"cta_invite", "imperative", "x_invite", "addressee", "x_everyone", "cta_event", "x_event",
                                             "soon", "x_soon", "cta_time", "has_when", "u_action_time_address"},
    # the units are masked where a non-political event is named (session 10)
    "Koncert sutra u 20h": {"soon", "x_soon", "cta_time", "has_clock", "has_when"},
    "The protest was held yesterday": {"cta_event", "x_event"},
}  # fmt: skip


def test_the_named_columns_are_the_columns_that_fire() -> None:
    texts = list(FIRING)
    norm = normalize_series(pd.Series(texts, dtype="string"))
    f = cm.CallFeaturiser(normalised=True, cues=True, transfer=True, units=True, exclusions=True, n_features=64).fit(norm)
    X = f.transform(norm).toarray()
    names = cm.cue_column_names(f)
    for i, text in enumerate(texts):
        assert {c for c in cc.PART_COLUMNS if X[i, 64 + names.index(c)] > 0} == FIRING[text], text


def test_the_evaluation_bounds_the_parts_of_the_new_candidate_only(calls_eval) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    assert ce.SIGNS_SET == "lexicon+cues+transfer+signs" and ce.CANDIDATES[-1] == ce.SIGNS_SET
    # The same features as the language-independent cues' set (one matrix for both), another fit.
    assert ce.FEATURE_SETS[ce.SIGNS_SET] == ce.FEATURE_SETS["lexicon+cues+transfer"]
    f = cm.CallFeaturiser(**ce.FEATURE_SETS[ce.SIGNS_SET])
    np.testing.assert_array_equal(ce.nonnegative_columns(ce.SIGNS_SET), cm.part_columns(f))
    np.testing.assert_array_equal(ce.nonpositive_columns(ce.SIGNS_SET), cm.exclusion_columns(f))
    assert len(ce.nonnegative_columns(ce.SIGNS_SET)) == 17
    for name in ce.CANDIDATES[:-1]:
        assert len(ce.nonnegative_columns(name)) == 0
    # A matrix that is not the set's own gets no bounds (as nonpositive_columns).
    assert len(ce.nonnegative_columns(ce.SIGNS_SET, f._n_out() - 1)) == 0
