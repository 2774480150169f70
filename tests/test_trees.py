"""The tree-ensemble account models: plain arrays, scored with numpy alone, exact path contributions.

One hand-made ensemble of two trees with its answers worked out by hand, then ensembles fitted by
scikit-learn on real labelled accounts (``training_sample``: 900 accounts of the shipped tables):
boosted trees and averaged random forests, checked against scikit-learn's own predictions, saved,
loaded and refused when damaged. interpret's EBM, read into lookup tables, is checked against its
own scores the same way.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts.explain import AdditiveExplainer, TreeExplainer
from detector.accounts.features import compute_features
from detector.accounts.model import (
    EBM,
    FEATURES_ALL,
    FOREST,
    FOREST_MONOTONE,
    TREES,
    Booster,
    booster_scores,
    fit_additive,
    load_model,
    predict,
    save_model,
    score_accounts,
    train,
)
from detector.errors import ModelError

pytestmark = pytest.mark.usefixtures("no_network")

INF = np.inf

# Two trees of depth 2 over two features, laid out breadth first (node i: children 2i+1, 2i+2).
# Tree 0: x0 <= 100 (missing left) ? (x1 <= 0.5 (missing right) ? -1.0 : 0.5) : 2.0 (a leaf one
#   level up, padded: a split at +inf sends every row to two copies of it).
# Tree 1: x1 <= +inf with missing right: missing values go right (0.6), every number left (-0.2).
# Node values are the means of the leaves below them, weighted by training rows (given here).
HAND = {
    "tree_feature": np.array([[0, 1, 0], [1, 0, 0]]),
    "tree_threshold": np.array([[100.0, 0.5, INF], [INF, INF, INF]]),
    "tree_missing_right": np.array([[0, 1, 0], [1, 0, 0]]),
    "tree_node_value": np.array([[0.8, 0.0, 2.0, -1.0, 0.5, 2.0, 2.0], [0.0, -0.2, 0.6, -0.2, -0.2, 0.6, 0.6]]),
    "intercept": np.array([-0.3]),
    "n_features": np.array([2]),
}


def test_a_hand_made_ensemble_scored_and_explained_by_hand() -> None:
    trees = TreeExplainer.from_arrays(HAND)
    X = np.array(
        [
            [50.0, 0.2],  # left, left | left
            [np.nan, np.nan],  # missing x0 goes left, missing x1 right | missing x1 right
            [100.0, 0.5],  # on both thresholds: left, left | left
            [1e9, INF],  # right (the padded leaf) | +inf is not above +inf: left
        ]
    )
    np.testing.assert_array_equal(trees.leaves(X), [[0, 1, 0, 2], [0, 2, 0, 0]])
    log_odds, contrib = trees.contributions(X)
    np.testing.assert_allclose(log_odds, [-1.5, 0.8, -1.5, 1.5], atol=1e-12)
    # x0's split moves tree 0 from 0.8 to 0.0 (left) or 2.0 (right); x1's splits do the rest
    np.testing.assert_allclose(contrib, [[-0.8, -1.2], [-0.8, 1.1], [-0.8, -1.2], [1.2, -0.2]], atol=1e-12)
    assert trees.expected == pytest.approx(0.8)
    np.testing.assert_allclose(trees.intercept + trees.expected + contrib.sum(axis=1), log_odds, atol=1e-12)


def test_arrays_that_are_not_complete_trees_are_refused() -> None:
    bad = {**HAND, "tree_node_value": HAND["tree_node_value"][:, :5]}
    with pytest.raises(ValueError, match="tree arrays do not describe complete binary trees"):
        TreeExplainer.from_arrays(bad)
    with pytest.raises(ValueError, match="a split names a feature the model does not have"):
        TreeExplainer.from_arrays({**HAND, "tree_feature": np.array([[0, 2, 0], [1, 0, 0]])})


SMALL_TREES = Booster(**{**asdict(TREES), "min_samples_leaf": 10, "max_iter": 30, "learning_rate": 0.3})


@pytest.fixture(scope="module")
def fitted(training_sample: pd.DataFrame) -> tuple[TreeExplainer, np.ndarray]:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        trees, bigrams = fit_additive(training_sample, FEATURES_ALL, SMALL_TREES, random_state=0)
    assert isinstance(trees, TreeExplainer)
    return trees, bigrams


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_numpy_scoring_equals_scikit_learn(training_sample: pd.DataFrame, depth: int) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        trees, bigrams = fit_additive(training_sample, FEATURES_ALL, Booster(**{**asdict(SMALL_TREES), "max_depth": depth}), random_state=0)
    X = compute_features(training_sample, bigrams, FEATURES_ALL).to_numpy(dtype="float64")
    assert np.isnan(X).any()  # missing values take the trees' missing-value branches
    # the trees really combine features (else this would test an additive model again)
    assert max(len(np.unique(f[t < INF])) for f, t in zip(trees.feature, trees.threshold, strict=True)) >= 2
    log_odds, contrib = trees.contributions(X)
    np.testing.assert_allclose(log_odds, trees.booster.decision_function(X), rtol=0, atol=1e-9)
    np.testing.assert_allclose(trees.intercept + trees.expected + contrib.sum(axis=1), log_odds, atol=1e-9)


def test_exact_on_and_just_above_every_split(fitted: tuple[TreeExplainer, np.ndarray], training_sample: pd.DataFrame) -> None:
    trees, bigrams = fitted
    base = compute_features(training_sample.head(5), bigrams, FEATURES_ALL).to_numpy(dtype="float64")
    rows = []
    for f, t in zip(trees.feature.ravel(), trees.threshold.ravel(), strict=True):
        for value in (t, np.nextafter(t, INF), np.nan, INF, -INF):
            row = base[len(rows) % 5].copy()
            row[f] = value
            rows.append(row)
    X = np.array(rows)
    log_odds, _ = trees.contributions(X)
    np.testing.assert_allclose(log_odds, trees.booster.decision_function(X), rtol=0, atol=1e-9)


def test_a_tree_model_saves_loads_and_scores_the_same(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        model = train(training_sample, features=FEATURES_ALL, booster=SMALL_TREES, random_state=0)
    assert model.card["family"] == "gradient-boosted trees of depth 3 (30 trees, interactions allowed; stored as complete binary trees)"
    path = save_model(model, tmp_path / "trees.npz")
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == [
            "bigrams", "calibration", "group_calibration", "group_missing", "intercept", "n_features", "tree_feature", "tree_missing_right",
            "tree_node_value", "tree_threshold",
        ]  # fmt: skip
        assert npz["tree_feature"].shape == (30, 7) and npz["tree_node_value"].shape == (30, 15)
    loaded = load_model(path)
    assert isinstance(loaded.explainer, TreeExplainer)
    pd.testing.assert_frame_equal(score_accounts(training_sample, loaded), score_accounts(training_sample, model))
    _, scores, _ = predict(loaded, training_sample)
    assert 0 < scores.min() and scores.max() < 1


def test_a_damaged_tree_model_is_refused(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        model = train(training_sample, features=FEATURES_ALL, booster=SMALL_TREES, random_state=0)
    path = save_model(model, tmp_path / "trees.npz")
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["tree_feature"] = arrays["tree_feature"] + 100
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match=r"is damaged: a split names a feature the model does not have"):
        load_model(path)
    del arrays["tree_node_value"]
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match=r"is not a detector model file: it lacks tree_node_value"):
        load_model(path)


def test_missing_values_replaced_by_a_number_take_that_numbers_path() -> None:
    # the hand-made trees, read as a forest would be saved: missing values are -1 before the trees
    trees = TreeExplainer.from_arrays({**HAND, "tree_missing_as": np.array([-1.0])})
    X = np.array([[np.nan, np.nan], [-1.0, -1.0], [150.0, np.nan], [150.0, -1.0]])
    # -1 is below both thresholds: left, left | left (-0.2); a missing x1 no longer goes right
    np.testing.assert_array_equal(trees.leaves(X), [[0, 0, 2, 2], [0, 0, 0, 0]])
    log_odds, contrib = trees.contributions(X)
    np.testing.assert_allclose(log_odds, [-1.5, -1.5, 1.5, 1.5], atol=1e-12)
    assert trees.to_arrays()["tree_missing_as"].tolist() == [-1.0]
    assert "tree_missing_as" not in TreeExplainer.from_arrays(HAND).to_arrays()


SMALL_FOREST = Booster(**{**asdict(FOREST), "max_iter": 20, "min_samples_leaf": 5})


@pytest.mark.parametrize("depth", [2, 3, 4])
@pytest.mark.parametrize("monotone", [False, True])
def test_a_forest_scored_by_numpy_equals_scikit_learn(training_sample: pd.DataFrame, depth: int, monotone: bool) -> None:
    from threadpoolctl import threadpool_limits

    base = FOREST_MONOTONE if monotone else FOREST
    booster = Booster(**{**asdict(base), "max_iter": 20, "min_samples_leaf": 5, "max_depth": depth})
    with threadpool_limits(1):
        trees, bigrams = fit_additive(training_sample, FEATURES_ALL, booster, random_state=0)
    X = compute_features(training_sample, bigrams, FEATURES_ALL).to_numpy(dtype="float64")
    assert np.isnan(X).any()
    probability, contrib = trees.contributions(X)
    # the forest's own answer: the mean of its trees' probabilities, missing values as -1
    np.testing.assert_allclose(probability, trees.booster.predict_proba(np.where(np.isnan(X), -1.0, X))[:, 1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(probability, booster_scores(trees.booster, X, booster), rtol=0, atol=1e-12)
    # Saabas: the moves add up to the probability minus the forest's mean, exactly
    assert trees.intercept == 0.0
    np.testing.assert_allclose(trees.expected + contrib.sum(axis=1), probability, atol=1e-12)
    assert trees.feature.shape == (20, 2**depth - 1)
    if monotone:  # more followers never raise the forest's score
        j = FEATURES_ALL.index("followers_count")
        known = np.where(np.isnan(X), 0, X)
        more = known.copy()
        more[:, j] = known[:, j] * 10 + 1000
        assert (trees.contributions(more)[0] <= trees.contributions(known)[0] + 1e-12).all()


def test_a_forest_is_exact_on_and_just_above_every_split(training_sample: pd.DataFrame) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        trees, bigrams = fit_additive(training_sample, FEATURES_ALL, SMALL_FOREST, random_state=0)
    base = compute_features(training_sample.head(5), bigrams, FEATURES_ALL).to_numpy(dtype="float64")
    rows = []
    for f, t in zip(trees.feature.ravel(), trees.threshold.ravel(), strict=True):
        if not np.isfinite(t):  # padding
            continue
        # values a float64 hair from the split: scikit-learn compares them as float32 (it refuses inf)
        for value in (t, np.nextafter(t, INF), np.nextafter(t, -INF), t + abs(t) * 1e-8, np.nan, -1.0):
            row = base[len(rows) % 5].copy()
            row[f] = value
            rows.append(row)
    X = np.array(rows)
    probability, _ = trees.contributions(X)
    np.testing.assert_allclose(probability, trees.booster.predict_proba(np.where(np.isnan(X), -1.0, X))[:, 1], rtol=0, atol=1e-12)


def test_a_forest_model_saves_loads_and_scores_the_same(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        model = train(training_sample, features=FEATURES_ALL, booster=SMALL_FOREST, random_state=0)
    assert model.card["family"] == "random forest of 20 trees of depth 4 (averaged probabilities; stored as complete binary trees)"
    path = save_model(model, tmp_path / "forest.npz")
    with np.load(path, allow_pickle=False) as npz:
        assert npz["tree_missing_as"].tolist() == [-1.0] and npz["tree_float32"].tolist() == [1]
        assert npz["tree_feature"].shape == (20, 15)
    loaded = load_model(path)
    assert isinstance(loaded.explainer, TreeExplainer) and loaded.explainer.missing_as == -1.0
    pd.testing.assert_frame_equal(score_accounts(training_sample, loaded), score_accounts(training_sample, model))
    X, scores, contrib = predict(loaded, training_sample)
    assert 0 < scores.min() and scores.max() < 1
    # contributions are in the calibrated score's log-odds: they add up to it, less the mean's
    slope, intercept = loaded.row_calibration(X)  # rows lacking a field group's fields: that group's
    logit = np.log(scores / (1 - scores))
    inside = (scores > 0.001) & (scores < 0.999)
    np.testing.assert_allclose((contrib.sum(axis=1) + slope * loaded.explainer.expected + intercept)[inside], logit[inside], atol=1e-3)


def test_an_ebm_read_into_lookup_tables_scores_as_interpret_does(training_sample: pd.DataFrame) -> None:
    pytest.importorskip("interpret")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        tables, bigrams = fit_additive(training_sample, FEATURES_ALL, Booster(**{**asdict(EBM), "max_iter": 200}), random_state=0)
    assert isinstance(tables, AdditiveExplainer)
    X = compute_features(training_sample, bigrams, FEATURES_ALL).to_numpy(dtype="float64")
    rows = [X]
    for j, cuts in enumerate(tables.thresholds):  # on and beside every cut, and missing
        for value in (*cuts[:5], *np.nextafter(cuts[:5], INF), np.nan):
            row = X[: 1].copy()
            row[0, j] = value
            rows.append(row)
    X = np.vstack(rows)
    log_odds, contrib = tables.contributions(X)
    np.testing.assert_allclose(log_odds, tables.booster.decision_function(X), rtol=0, atol=1e-9)
    np.testing.assert_allclose(tables.intercept + tables.baseline.sum() + contrib.sum(axis=1), log_odds, atol=1e-9)
