"""Bagged trees read in log-odds (session 14's c10: the mean of c3 and a random forest).

First tiny synthetic forests whose nodes are worked out by hand (called synthetic: they only check the
reading of a forest into plain arrays: shares to clipped log-odds, the mean over trees, the routes of
missing values); then the candidate itself, fitted on real accounts of the shipped training tables:
its forest half read from scikit-learn's own trees row by row, the audience prior with missing values
present, and the arrays saved and loaded with the same output and reasons.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

from detector.accounts.explain import BlendExplainer, TreeExplainer
from detector.accounts.features import compute_features, fit_bigrams
from detector.accounts.model import (
    AUDIENCE,
    BAGGED,
    BAGGED_TREES,
    BLEND_BAGGED_MONOTONE,
    BLEND_MONOTONE,
    BROADCASTER_RAMP,
    FEATURES_V3,
    FEATURES_V4,
    Booster,
    balanced_sample,
    explainer_of,
    family,
    fit_booster,
)
from detector.errors import ModelError
from detector.training.evaluate import CANDIDATES, one_thread

pytestmark = pytest.mark.usefixtures("no_network")


def _stump(x: list[float], y: list[int], trees: int = 1) -> RandomForestClassifier:
    """Synthetic: a forest of identical stumps (no bootstrap, every feature at each split)."""
    forest = RandomForestClassifier(trees, max_depth=1, min_samples_leaf=1, max_features=None, bootstrap=False, random_state=0)
    return forest.fit(np.array(x, dtype="float64").reshape(-1, 1), np.array(y))


def test_shares_become_clipped_log_odds_by_hand() -> None:
    # synthetic: the only split is at 0.5; left 5 rows, 1 bot (share 0.2), right 3 rows, all bots (1.0)
    forest = _stump([0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1])
    ex = TreeExplainer.from_forest(forest, missing_as=float("nan"), leaf_log_odds=0.1)
    z, contrib = ex.contributions(np.array([[0.0], [1.0]]))
    # left: ln(0.2 / 0.8) = ln(1/4); right: 1.0 clipped to 0.9, ln 9; the root: 4 bots of 8, ln 1 = 0
    np.testing.assert_allclose(z, [-math.log(4), math.log(9)], atol=1e-12)
    assert ex.intercept == 0.0 and ex.expected == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(contrib[:, 0], [-math.log(4), math.log(9)], atol=1e-12)


def test_the_output_is_the_mean_of_the_trees_not_their_sum() -> None:
    one = TreeExplainer.from_forest(_stump([0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1], trees=1), float("nan"), 0.1)
    three = TreeExplainer.from_forest(_stump([0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1], trees=3), float("nan"), 0.1)
    X = np.array([[0.0], [1.0]])
    np.testing.assert_allclose(three.contributions(X)[0], one.contributions(X)[0], atol=1e-12)
    np.testing.assert_allclose(three.contributions(X)[0], [-math.log(4), math.log(9)], atol=1e-12)


def test_missing_values_go_where_the_tree_sent_them() -> None:
    # synthetic: missing values seen in training, all bots: the split sends them right, with the bots
    seen = TreeExplainer.from_forest(_stump([0, 0, 0, 0, 1, 1, np.nan, np.nan], [0, 0, 0, 1, 1, 1, 1, 1]), float("nan"), 0.1)
    # left 1 bot of 4: ln(1/3); right 4 of 4, clipped: ln 9
    np.testing.assert_allclose(seen.contributions(np.array([[np.nan], [0.0]]))[0], [math.log(9), -math.log(3)], atol=1e-12)
    # none seen in training: they go to the child with more rows (left: 5 against 3), as scikit-learn predicts
    unseen_forest = _stump([0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1])
    unseen = TreeExplainer.from_forest(unseen_forest, float("nan"), 0.1)
    np.testing.assert_allclose(unseen.contributions(np.array([[np.nan]]))[0], [-math.log(4)], atol=1e-12)
    assert unseen_forest.predict_proba(np.array([[np.nan]]))[0, 1] == pytest.approx(0.2)


def test_c10_is_c6_with_a_random_forest_for_its_boosted_trees() -> None:
    c10 = next(c for c in CANDIDATES if c.key == "c10")
    assert c10.features == FEATURES_V4 and c10.booster == BLEND_BAGGED_MONOTONE
    additive, forest = c10.booster.parts
    assert additive == BLEND_MONOTONE.parts[0] and c10.booster.part_features == (FEATURES_V3, FEATURES_V4)
    assert forest.kind == "bagged" and (forest.max_iter, forest.max_depth, forest.min_samples_leaf, forest.max_features) == (50, 4, 20, "sqrt")
    assert BAGGED_TREES == 50 and forest == replace(BAGGED, decreasing=AUDIENCE)
    # the priors as every candidate has them: audience on each part, the broadcaster prior once on the mean
    assert c10.booster.decreasing == AUDIENCE and c10.booster.broadcaster == BROADCASTER_RAMP and forest.broadcaster is None
    assert "random forest of 50 trees of depth 4, at least 20 rows a leaf, read in log-odds" in family(c10.booster)


def test_bagged_trees_need_a_bounded_depth() -> None:
    with pytest.raises(ValueError, match="bounded max_depth"):
        Booster(kind="bagged", max_depth=None)
    # the old forest family (probabilities, missing as -1) is still no part of a blend
    with pytest.raises(ModelError, match="log-odds"):
        fit_booster(np.zeros((4, 1)), np.array([0, 1, 0, 1]), None, replace(BLEND_MONOTONE, parts=(Booster(kind="forest", max_depth=2),), part_features=(("followers_count",),)), 0, ["followers_count"])


@pytest.fixture(scope="module")
def c10_fit(training_sample: pd.DataFrame) -> tuple[object, BlendExplainer, np.ndarray]:
    """c10's blend fitted on the real sample (the forest with fewer trees), and its training features."""
    booster = replace(BLEND_BAGGED_MONOTONE, parts=(BLEND_BAGGED_MONOTONE.parts[0], replace(BLEND_BAGGED_MONOTONE.parts[1], max_iter=10)))
    rows = balanced_sample(training_sample, 60, 0)
    X = compute_features(rows, fit_bigrams(rows["screen_name"]), FEATURES_V4).to_numpy(dtype="float64")
    assert np.isnan(X).any()  # real rows lack fields: the forest fits with them missing
    with one_thread():
        clf = fit_booster(X, rows["label"].to_numpy(dtype=int), None, booster, 0, FEATURES_V4)
    explainer = explainer_of(clf, booster, X)
    assert isinstance(explainer, BlendExplainer)
    return clf, explainer, X


def test_the_forest_half_is_scikit_learns_trees_in_log_odds(c10_fit: tuple[object, BlendExplainer, np.ndarray]) -> None:
    clf, explainer, X = c10_fit
    forest, cols = clf.fits[1]  # type: ignore[attr-defined]
    Xf = X[:, cols].astype(np.float32)
    eps = 1 / 42  # 1 / (2 (20 + 1))
    expected = np.zeros(len(X))
    for tree in forest.estimators_:
        share = tree.tree_.value[:, 0, 1] / tree.tree_.value[:, 0, :].sum(axis=1)
        q = np.clip(share, eps, 1 - eps)
        expected += np.log(q / (1 - q))[tree.apply(Xf)] / len(forest.estimators_)
    z, contrib = explainer.parts[1].contributions(X[:, cols])
    np.testing.assert_allclose(z, expected, atol=1e-12)
    part = explainer.parts[1]
    np.testing.assert_allclose(contrib.sum(axis=1), z - part.intercept - part.expected, atol=1e-9)


def test_the_forest_half_never_rises_with_the_audience(c10_fit: tuple[object, BlendExplainer, np.ndarray]) -> None:
    _, explainer, X = c10_fit
    z, _ = explainer.contributions(X)
    for name in ("followers_count", "listed_count"):
        j = FEATURES_V4.index(name)
        more = X.copy()
        more[:, j] = more[:, j] * 10 + 1000  # NaN stays NaN
        assert (explainer.contributions(more)[0] - z).max() <= 1e-12


def test_the_arrays_load_back_with_the_same_output_and_reasons(c10_fit: tuple[object, BlendExplainer, np.ndarray]) -> None:
    _, explainer, X = c10_fit
    arrays = explainer.to_arrays()
    assert all(a.dtype.kind in "fi" for a in arrays.values())  # plain numbers: nothing to unpickle
    assert "part1_tree_missing_as" not in arrays and int(arrays["part1_tree_float32"][0]) == 1
    back = BlendExplainer.from_arrays(arrays)
    z, contrib = explainer.contributions(X)
    z2, contrib2 = back.contributions(X)
    np.testing.assert_array_equal(z, z2)
    np.testing.assert_array_equal(contrib, contrib2)
