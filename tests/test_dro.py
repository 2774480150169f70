"""Group DRO: the (collection, class) groups fitted worst get more rows in the next fit.

Small synthetic numbers worked out by hand (called synthetic: they only check the arithmetic), then
session 13's c9 (:data:`~detector.accounts.model.BLEND_DRO_MONOTONE`, smaller and faster) fitted on
real accounts of the shipped training tables: with no rounds it is c6's fit, with one round it is
c6 refitted on the resample the first fit's group losses give (rebuilt here step by step), the card
records the shares, and the file round-trips with the same scores and reasons.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts import dro
from detector.accounts.features import compute_features
from detector.accounts.model import (
    BLEND_DRO_MONOTONE,
    BLEND_MONOTONE,
    FEATURES_V4,
    MONOTONE_BOOSTER,
    Booster,
    fit_booster,
    load_model,
    predict,
    save_model,
    train,
    vote_collections,
)
from detector.errors import ModelError
from detector.training.evaluate import CANDIDATES, one_thread

pytestmark = pytest.mark.usefixtures("no_network")


def test_group_losses_by_hand() -> None:
    # synthetic: log-odds 0 costs ln 2 a row whatever the label; ln 3 for a bot costs ln(4/3), for a human ln 4
    z = np.array([0.0, 0.0, math.log(3), math.log(3), math.log(3)])
    y = np.array([1, 0, 1, 0, 0])
    group = np.array([0, 0, 1, 2, 2])
    np.testing.assert_allclose(dro.group_losses(z, y, group, 4), [math.log(2), math.log(4 / 3), math.log(4), 0.0], atol=1e-12)


def test_group_weights_by_hand() -> None:
    # a group fitted worse by ln 2 nats a row gets twice the rows (eta 1); its rows count too
    np.testing.assert_allclose(dro.group_weights(np.array([10, 10]), np.array([0.1, 0.1 + math.log(2)]), 1.0), [1 / 3, 2 / 3], atol=1e-12)
    np.testing.assert_allclose(dro.group_weights(np.array([30, 10, 0]), np.array([0.5, 0.5, 9.0]), 1.0), [0.75, 0.25, 0.0], atol=1e-12)
    # eta 2: the same gap counts twice as much (a factor 4)
    np.testing.assert_allclose(dro.group_weights(np.array([5, 5]), np.array([0.0, math.log(2)]), 2.0), [0.2, 0.8], atol=1e-12)


def test_resample_takes_each_row_once_before_repeating() -> None:
    group = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2])  # synthetic: 3, 5 and 2 rows
    rows = dro.resample(group, np.array([0.5, 0.3, 0.2]), np.random.default_rng(0))
    counts = np.bincount(group[rows], minlength=3)
    assert counts.tolist() == [5, 3, 2]  # round(10 x share)
    assert set(rows[group[rows] == 0]) == {0, 1, 2}  # all three once, then two drawn again
    assert len(set(rows[group[rows] == 1])) == 3  # three of five, none twice
    assert rows.tolist() == sorted(rows.tolist())
    keys, index = dro.groups_of(np.array(["b", "a", "", "a"], dtype=object), np.array([1, 0, 1, 1]))
    assert keys == [("", 1), ("a", 0), ("a", 1), ("b", 1)]
    assert index.tolist() == [3, 1, 0, 2]


def test_only_blends_take_dro_and_the_setting_survives_the_cards_json() -> None:
    assert BLEND_DRO_MONOTONE == replace(BLEND_MONOTONE, dro_rounds=2)
    assert BLEND_DRO_MONOTONE.dro_eta == 1.0 and BLEND_MONOTONE.dro_rounds == 0
    assert Booster(**asdict(BLEND_DRO_MONOTONE)) == BLEND_DRO_MONOTONE
    back = Booster(**json.loads(json.dumps(asdict(BLEND_DRO_MONOTONE))))  # the card's JSON
    assert (back.dro_rounds, back.dro_eta) == (2, 1.0)
    with pytest.raises(ValueError, match="group DRO is for blends"):
        replace(MONOTONE_BOOSTER, dro_rounds=2)
    with pytest.raises(ValueError, match="group DRO is for blends"):
        replace(BLEND_MONOTONE, dro_rounds=1, dro_eta=0.0)
    # session 13: c9 after the seven of session 12; session 14: c10 (the bagged trees) after it
    assert [c.key for c in CANDIDATES] == ["c1", "c2", "c3", "c5", "c6", "c7", "c8", "c9", "c10"]
    c9 = next(c for c in CANDIDATES if c.key == "c9")
    assert c9.booster == BLEND_DRO_MONOTONE and c9.features == FEATURES_V4
    X = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    with pytest.raises(ModelError, match="each training row's collection"):
        fit_booster(X, np.array([0, 1]), None, BLEND_DRO_MONOTONE, 0, ("statuses_count", "followers_count", "friends_count"))


def _small(booster: Booster) -> Booster:
    small = {"min_samples_leaf": 10, "max_iter": 30, "learning_rate": 0.3, "l2_regularization": 1.0}
    return replace(booster, parts=tuple(replace(p, **small) for p in booster.parts))


def _trees(fit: object) -> list[np.ndarray]:
    return [p[0].nodes for clf, _ in fit.fits for p in clf._predictors]  # type: ignore[attr-defined]


def test_c9_refits_on_the_resample_its_group_losses_give(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    from detector.accounts.features import fit_bigrams

    X = compute_features(training_sample, fit_bigrams(training_sample["screen_name"]), FEATURES_V4).to_numpy(dtype="float64")
    y = training_sample["label"].to_numpy(dtype=int)
    coll = vote_collections(training_sample)
    plain, one = _small(BLEND_MONOTONE), _small(replace(BLEND_DRO_MONOTONE, dro_rounds=1))
    with one_thread():
        # no rounds: c6's fit, tree for tree
        base = fit_booster(X, y, None, plain, 0, FEATURES_V4, coll)
        none = fit_booster(X, y, None, replace(one, dro_rounds=0), 0, FEATURES_V4, coll)
        assert all(np.array_equal(a, b) for a, b in zip(_trees(base), _trees(none), strict=True))
        # one round, step by step: the plain fit's group losses, the shares, the resample, the refit
        keys, group = dro.groups_of(coll, y)
        z = np.mean([clf.decision_function(X[:, cols]) for clf, cols in base.fits], axis=0)
        shares = dro.group_weights(np.bincount(group), dro.group_losses(z, y, group, len(keys)), 1.0)
        rows = dro.resample(group, shares, np.random.default_rng([0, 1]))
        by_hand = fit_booster(X[rows], y[rows], None, plain, 0, FEATURES_V4, coll[rows])
        fitted = fit_booster(X, y, None, one, 0, FEATURES_V4, coll)
        assert all(np.array_equal(a, b) for a, b in zip(_trees(by_hand), _trees(fitted), strict=True))
        assert fitted.group_shares == {f"{c} label {label}": round(float(q), 4) for (c, label), q in zip(keys, shares, strict=True)}
        # a group fitted worse than another gets a bigger share (equal rows to start with: 60 each)
        losses = dro.group_losses(z, y, group, len(keys))
        assert shares[int(np.argmax(losses))] > shares[int(np.argmin(losses))]
        model = train(training_sample, features=FEATURES_V4, booster=one, random_state=0)
    assert set(model.card["dro"]["shares_of_rows"]) == {f"{c} label {label}" for c, label in keys}
    assert abs(sum(model.card["dro"]["shares_of_rows"].values()) - 1.0) < 1e-3
    # the reasons add up to the log-odds; plain arrays: the same scores and reasons after a save and a load
    Xs = compute_features(training_sample, model.bigrams, FEATURES_V4).to_numpy(dtype="float64")
    zs, contrib = model.explainer.contributions(Xs)
    reference = zs - contrib.sum(axis=1)
    np.testing.assert_allclose(reference, reference[0], atol=1e-9)
    back = load_model(save_model(model, tmp_path / "c9.npz"))
    _, s0, c0 = predict(model, training_sample)
    _, s1, c1 = predict(back, training_sample)
    np.testing.assert_array_equal(s0, s1)
    np.testing.assert_array_equal(c0, c1)
    assert back.card["booster"]["dro_rounds"] == 1
