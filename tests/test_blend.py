"""The blend: the mean of an additive model and trees, each on its own features, with exact reasons.

A table worked out by hand, then the real :data:`~detector.accounts.model.BLEND_MONOTONE` (smaller
and faster) fitted on real accounts of the shipped training tables, saved and loaded.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts.explain import AdditiveExplainer, BlendExplainer, TreeExplainer
from detector.accounts.features import compute_features
from detector.accounts.model import (
    BLEND_HALF_MONOTONE,
    BLEND_MONOTONE,
    FEATURES_V3,
    FEATURES_V4,
    FOREST,
    MONOTONE_BOOSTER,
    TREES4_MONOTONE,
    Booster,
    family,
    fit_booster,
    load_model,
    predict,
    save_model,
    train,
)
from detector.errors import ModelError
from detector.training.evaluate import CANDIDATES, one_thread

pytestmark = pytest.mark.usefixtures("no_network")

NAN = float("nan")

# Part 0 on features (a, b); part 1 on (b, c). Bins are closed on the right: value <= edge.
PART0 = {
    "thresholds": np.array([1.0]), "threshold_offsets": np.array([0, 1, 1]),  # a: one edge; b: none
    "values": np.array([0.0, 2.0, 0.5]), "value_offsets": np.array([0, 2, 3]),  # a: 0 | 2; b: 0.5 always
    "nan_values": np.array([1.0, 0.0]), "intercept": np.array([-1.0]), "baseline": np.array([1.0, 0.5]),
}  # fmt: skip
PART1 = {
    "thresholds": np.array([10.0, 0.5]), "threshold_offsets": np.array([0, 1, 2]),
    "values": np.array([-1.0, 1.0, 0.0, 3.0]), "value_offsets": np.array([0, 2, 4]),  # b: -1 | 1; c: 0 | 3
    "nan_values": np.array([0.0, 0.0]), "intercept": np.array([0.5]), "baseline": np.array([0.0, 1.5]),
}  # fmt: skip
ROWS = np.array([[0.0, 5.0, 1.0], [2.0, 20.0, 0.0], [NAN, 20.0, NAN]])
# by hand: part 0 gives -0.5, 1.5, 0.5 (contributions a, b: -1 0 | 1 0 | 0 0); part 1 gives 2.5, 1.5,
# 1.5 (b, c: -1 1.5 | 1 -1.5 | 1 -1.5); the blend is their mean, a feature's contribution the mean
# of its contributions in the parts (0 in a part without it)
BLEND_LOG_ODDS = [1.0, 1.5, 1.0]
BLEND_CONTRIBUTIONS = [[-0.5, -0.5, 0.75], [0.5, 0.5, -0.75], [0.0, 0.5, -0.75]]
# what the contributions add up to it from: the mean of the parts' references (intercept + baseline)
REFERENCE = 0.5 * (-1.0 + 1.5) + 0.5 * (0.5 + 1.5)


def _hand() -> BlendExplainer:
    parts = [AdditiveExplainer.from_arrays(PART0), AdditiveExplainer.from_arrays(PART1)]
    return BlendExplainer(parts, [np.array([0, 1]), np.array([1, 2])], 3)


def test_a_blend_by_hand() -> None:
    z, contrib = _hand().contributions(ROWS)
    np.testing.assert_allclose(z, BLEND_LOG_ODDS, atol=1e-12)
    np.testing.assert_allclose(contrib, BLEND_CONTRIBUTIONS, atol=1e-12)
    np.testing.assert_allclose(contrib.sum(axis=1), z - REFERENCE, atol=1e-12)
    assert REFERENCE == 1.25


def test_a_blend_round_trips_through_plain_arrays() -> None:
    arrays = _hand().to_arrays()
    assert all(isinstance(v, np.ndarray) and v.dtype.kind in "fi" for v in arrays.values())
    assert {"blend_columns", "blend_column_offsets", "blend_weights", "part0_thresholds", "part1_baseline"} <= set(arrays)
    z, contrib = BlendExplainer.from_arrays(arrays).contributions(ROWS)
    np.testing.assert_allclose(z, BLEND_LOG_ODDS, atol=1e-12)
    np.testing.assert_allclose(contrib, BLEND_CONTRIBUTIONS, atol=1e-12)
    with pytest.raises(ValueError, match="column offsets"):
        BlendExplainer.from_arrays({**arrays, "blend_column_offsets": np.array([0, 2, 5])})
    with pytest.raises(ValueError, match="columns do not match"):
        BlendExplainer([AdditiveExplainer.from_arrays(PART0)], [np.array([0, 1, 2])], 3)


def test_a_blend_takes_runs_of_columns_and_others_alike(training_sample: pd.DataFrame) -> None:
    # The shipped model's parts take runs of the blend's columns (0..22 and 0..28), read without a
    # copy; the same parts given their columns in another order must give the same numbers, bit
    # for bit, as the mean of the parts computed here the plain way.
    from detector.accounts.registry import load_current_model

    shipped = load_current_model()
    blend = shipped.explainer
    assert isinstance(blend, BlendExplainer)
    X = compute_features(training_sample, shipped.bigrams, shipped.feature_names).to_numpy(dtype="float64")
    n, p = X.shape
    flip = np.arange(p)[::-1].copy()  # the blend's features in reverse order: no part's columns a run
    shuffled = BlendExplainer(blend.parts, [p - 1 - c for c in blend.columns], p, blend.weights)
    for explainer, Xs in ((blend, X), (shuffled, X[:, flip])):
        z, contrib = explainer.contributions(Xs)
        want_z, want_c = np.zeros(n), np.zeros((n, p))
        for part, cols, w in zip(explainer.parts, explainer.columns, explainer.weights, strict=True):
            zp, cp = part.contributions(Xs[:, cols])
            want_z += w * zp
            want_c[:, cols] += w * cp
        assert np.array_equal(z, want_z) and np.array_equal(contrib, want_c)
        if explainer is shuffled:
            z0, c0 = blend.contributions(X)
            assert np.array_equal(z, z0) and np.array_equal(contrib[:, flip], c0)


def test_the_blend_settings_survive_the_cards_json() -> None:
    assert Booster(**asdict(BLEND_MONOTONE)) == BLEND_MONOTONE
    assert BLEND_MONOTONE.part_features == (FEATURES_V3, FEATURES_V4)
    assert [p.max_depth for p in BLEND_MONOTONE.parts] == [None, 3]
    # the prior is the blend's, applied once to the averaged contributions, not the parts'
    assert [p.broadcaster for p in BLEND_MONOTONE.parts] == [None, None] and BLEND_MONOTONE.broadcaster is not None
    assert family(BLEND_MONOTONE).startswith("mean of the log-odds of 2 models (additive gradient boosting")
    assert (TREES4_MONOTONE.max_depth, TREES4_MONOTONE.max_leaf_nodes) == (4, 16)
    # session 11: c4 out, c7 in; each keeps its number in the tables
    assert [c.key for c in CANDIDATES][:6] == ["c1", "c2", "c3", "c5", "c6", "c7"]  # session 12 adds c8 (test_invariance)
    assert CANDIDATES[3].name.startswith("trees of depth 4") and CANDIDATES[4].name.startswith("mean of c1 and c3")
    assert CANDIDATES[5].booster == BLEND_HALF_MONOTONE and CANDIDATES[5].features == FEATURES_V4
    with pytest.raises(ValueError, match="needs its parts"):
        Booster(kind="blend")


def _small(booster: Booster) -> Booster:
    if booster.kind == "blend":
        return replace(booster, parts=tuple(_small(p) for p in booster.parts))
    if booster.max_depth is None:
        return replace(booster, min_samples_leaf=10, max_iter=30, learning_rate=0.3, l2_regularization=1.0)
    return replace(booster, max_iter=40, min_samples_leaf=20)


def test_a_fitted_blend_is_the_mean_of_its_parts(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    blend = _small(BLEND_MONOTONE)
    with one_thread():
        m = train(training_sample, features=FEATURES_V4, booster=blend, random_state=0)
    X = compute_features(training_sample, m.bigrams, FEATURES_V4).to_numpy(dtype="float64")
    assert isinstance(m.explainer, BlendExplainer)
    additive, trees = m.explainer.parts
    assert isinstance(additive, AdditiveExplainer) and isinstance(trees, TreeExplainer) and trees.depth == 3
    z, contrib = m.explainer.contributions(X)
    # the same settings fitted on their own give the same parts: the blend is their mean
    v3 = [FEATURES_V4.index(f) for f in FEATURES_V3]
    y = m.booster.fits[0][0].classes_  # fitted on labels 0 and 1
    assert list(y) == [0, 1]
    np.testing.assert_allclose(z, 0.5 * (m.booster.fits[0][0].decision_function(X[:, v3]) + m.booster.fits[1][0].decision_function(X)), atol=1e-9)
    # exact reasons: every row's contributions add up to its log-odds less one reference
    reference = z - contrib.sum(axis=1)
    np.testing.assert_allclose(reference, reference[0], atol=1e-9)
    # saved as plain arrays and loaded without scikit-learn: the same scores and reasons
    back = load_model(save_model(m, tmp_path / "blend.npz"))
    assert isinstance(back.explainer, BlendExplainer)
    _, s0, c0 = predict(m, training_sample)
    _, s1, c1 = predict(back, training_sample)
    np.testing.assert_array_equal(s0, s1)
    np.testing.assert_array_equal(c0, c1)
    assert 0.001 <= s0.min() and s0.max() <= 0.999


def test_a_damaged_blend_file_is_refused(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    with one_thread():
        m = train(training_sample.head(400), features=FEATURES_V4, booster=_small(BLEND_MONOTONE), random_state=0, per_group=20)
    path = save_model(m, tmp_path / "blend.npz")
    with np.load(path) as npz:
        arrays = dict(npz)
    np.savez(path, **{**arrays, "blend_column_offsets": np.array([0, 23, 60])})
    with pytest.raises(ModelError, match="damaged: blend column offsets"):
        load_model(path)
    np.savez(path, **{k: v for k, v in arrays.items() if k != "blend_weights" and not k.startswith("part1_")})
    with pytest.raises(ModelError, match="lacks"):  # without its weights it is no model file at all
        load_model(path)


def test_a_blend_takes_only_boosted_parts(training_sample: pd.DataFrame) -> None:
    X = np.zeros((4, len(FEATURES_V4)))
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ModelError, match="boosted models on some of its features"):
        fit_booster(X, y, None, replace(BLEND_MONOTONE, parts=(MONOTONE_BOOSTER, FOREST)), 0, FEATURES_V4)
    with pytest.raises(ModelError, match="feature names"):
        fit_booster(X, y, None, BLEND_MONOTONE, 0, None)


def test_a_blend_given_fewer_features_fits_each_part_on_those_it_has(training_sample: pd.DataFrame) -> None:
    """As the analyst-label evaluation asks (only the fields an analyst's profiles have): each part
    on its own features among those given; a part left with none is refused."""
    given = ("statuses_count", "followers_count", "friends_count", "followers_per_post")  # the last is v4 only
    X = compute_features(training_sample, np.zeros((40, 40)), given).to_numpy(dtype="float64")
    y = training_sample["label"].to_numpy(dtype=int)
    with one_thread():
        fit = fit_booster(X, y, None, _small(BLEND_MONOTONE), 0, given)
    assert [cols.tolist() for _, cols in fit.fits] == [[0, 1, 2], [0, 1, 2, 3]]
    with pytest.raises(ModelError, match="boosted models on some of its features"):
        fit_booster(X[:, 3:], y, None, BLEND_MONOTONE, 0, ("followers_per_post",))


def test_c7_is_c6_with_each_split_chosen_among_half_the_features(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    """Session 11's c7: the trees part of the blend chooses each split among a random half of its
    features (scikit-learn's ``max_features``); everything else is c6's, and so are the arrays, the
    exact reasons and the file."""
    assert BLEND_HALF_MONOTONE == replace(BLEND_MONOTONE, parts=(BLEND_MONOTONE.parts[0], replace(BLEND_MONOTONE.parts[1], split_share=0.5)))
    assert [p.split_share for p in BLEND_HALF_MONOTONE.parts] == [1.0, 0.5] and BLEND_MONOTONE.parts[1].split_share == 1.0
    assert [p.split_share for p in Booster(**json.loads(json.dumps(asdict(BLEND_HALF_MONOTONE)))).parts] == [1.0, 0.5]  # the card's JSON
    assert "each split chosen among a random 50% of the features" in family(BLEND_HALF_MONOTONE)
    assert "random" not in family(BLEND_MONOTONE)
    for share in (0.0, 1.5):
        with pytest.raises(ValueError, match="share of the features"):
            Booster(split_share=share)
    with one_thread():
        half = train(training_sample, features=FEATURES_V4, booster=_small(BLEND_HALF_MONOTONE), random_state=0)
        again = train(training_sample, features=FEATURES_V4, booster=_small(BLEND_HALF_MONOTONE), random_state=0)
        full = train(training_sample, features=FEATURES_V4, booster=_small(BLEND_MONOTONE), random_state=0)
    (additive, _), (trees, _) = half.booster.fits
    assert trees.max_features == 0.5 and full.booster.fits[1][0].max_features == 1.0 and additive.max_features == 1.0
    X = compute_features(training_sample, half.bigrams, FEATURES_V4).to_numpy(dtype="float64")
    v3 = [FEATURES_V4.index(f) for f in FEATURES_V3]
    # the additive part is c6's; the trees are other trees (they could not always take the best split) ...
    np.testing.assert_array_equal(additive.decision_function(X[:, v3]), full.booster.fits[0][0].decision_function(X[:, v3]))
    assert not np.array_equal(half.explainer.parts[1].feature, full.explainer.parts[1].feature)
    # ... drawn from the seed: the same fit twice gives the same arrays
    np.testing.assert_array_equal(half.explainer.parts[1].threshold, again.explainer.parts[1].threshold)
    # read into the same plain arrays, of the same depth, scoring as scikit-learn does, reasons exact
    assert isinstance(half.explainer.parts[1], TreeExplainer) and half.explainer.parts[1].depth == 3
    z, contrib = half.explainer.contributions(X)
    np.testing.assert_allclose(z, 0.5 * (additive.decision_function(X[:, v3]) + trees.decision_function(X)), atol=1e-9)
    reference = z - contrib.sum(axis=1)
    np.testing.assert_allclose(reference, reference[0], atol=1e-9)
    back = load_model(save_model(half, tmp_path / "c7.npz"))
    _, s0, c0 = predict(half, training_sample)
    _, s1, c1 = predict(back, training_sample)
    np.testing.assert_array_equal(s0, s1)
    np.testing.assert_array_equal(c0, c1)
    assert back.card["booster"]["parts"][1]["split_share"] == 0.5
