"""Invariance screening: the features whose direction of effect holds across collections.

A synthetic table worked out by hand (called synthetic: it only checks the arithmetic), then
session 12's c8 (:data:`~detector.accounts.model.BLEND_INVARIANT_MONOTONE`, smaller and faster)
fitted on real accounts of the shipped training tables: the screening is made inside the fit on
its own rows, dropped features count for exactly nothing, the reasons add up, the file round-trips.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts import invariance
from detector.accounts.features import compute_features
from detector.accounts.model import (
    BLEND_INVARIANT_MONOTONE,
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

NAN = float("nan")

# Synthetic. Columns: steady (higher in bots everywhere), flips (lower in bots in A, higher in B),
# flat (the same number everywhere). C is bot-only: judged against every human row (A's and B's).
# The last row is a copy made for training (no collection name): it takes no part.
ROWS = [
    # collection, label, steady, flips, flat
    ("A", 1, 2.0, 5.0, 1.0), ("A", 1, 3.0, 6.0, 1.0), ("A", 0, 0.0, 7.0, 1.0), ("A", 0, 1.0, 8.0, 1.0),
    ("B", 1, 2.0, 9.0, 1.0), ("B", 1, 0.5, 1.5, 1.0), ("B", 0, 1.0, 1.0, 1.0), ("B", 0, 0.0, 2.0, 1.0),
    ("C", 1, 5.0, NAN, 1.0), ("C", 1, 6.0, NAN, 1.0),
    ("", 1, -100.0, -100.0, 1.0),
]  # fmt: skip
# By hand (ROC-AUC of the column alone - 0.5, ties averaged):
# steady: A all bots above all humans +0.5; B 3 of 4 pairs +0.25; C against A and B's humans +0.5
# flips:  A all bots below -0.5; B 3 of 4 pairs +0.25; C abstains (no known value)
# flat:   0 everywhere
EFFECTS = [[0.5, -0.5, 0.0], [0.25, 0.25, 0.0], [0.5, NAN, 0.0]]
# agreement max(P, N) / (P + N): steady 1.25 / 1.25; flips 0.5 / 0.75; flat no effect anywhere
AGREEMENT = [1.0, 2.0 / 3.0, NAN]


def _synthetic() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coll = np.array([r[0] for r in ROWS], dtype=object)
    y = np.array([r[1] for r in ROWS])
    X = np.array([r[2:] for r in ROWS], dtype="float64")
    return X, y, coll


def test_votes_and_agreement_by_hand() -> None:
    X, y, coll = _synthetic()
    votes = invariance.effects(X, y, coll, min_rows=2)
    np.testing.assert_allclose(votes, EFFECTS, atol=1e-12)
    np.testing.assert_allclose(invariance.agreement(votes), AGREEMENT, atol=1e-12)
    # with the shipped minimum of rows (20 of each class) every collection abstains here
    assert np.isnan(invariance.effects(X, y, coll)).all()


def test_only_blends_are_screened_and_the_setting_survives_the_cards_json() -> None:
    assert BLEND_INVARIANT_MONOTONE == replace(BLEND_MONOTONE, invariance=0.8)
    assert Booster(**asdict(BLEND_INVARIANT_MONOTONE)) == BLEND_INVARIANT_MONOTONE
    assert Booster(**json.loads(json.dumps(asdict(BLEND_INVARIANT_MONOTONE)))).invariance == 0.8  # the card's JSON
    assert BLEND_MONOTONE.invariance is None
    for base, share in ((MONOTONE_BOOSTER, 0.8), (BLEND_MONOTONE, 0.3)):
        with pytest.raises(ValueError, match="invariance screening is for blends"):
            replace(base, invariance=share)
    # session 12: c8 next to the six of session 11 (session 13's c9 after it: test_dro)
    c8 = next(c for c in CANDIDATES if c.key == "c8")
    assert c8.booster == BLEND_INVARIANT_MONOTONE and c8.features == FEATURES_V4
    X, y, _ = _synthetic()
    with pytest.raises(ModelError, match="each training row's collection"):
        fit_booster(X, y, None, BLEND_INVARIANT_MONOTONE, 0, ("statuses_count", "followers_count", "friends_count"))


def _small(booster: Booster) -> Booster:
    small = {"min_samples_leaf": 10, "max_iter": 30, "learning_rate": 0.3, "l2_regularization": 1.0}
    return replace(booster, parts=tuple(replace(p, **small) for p in booster.parts))


def test_c8_screens_inside_the_fit_and_dropped_features_count_for_nothing(training_sample: pd.DataFrame, tmp_path: Path) -> None:
    with one_thread():
        model = train(training_sample, features=FEATURES_V4, booster=_small(BLEND_INVARIANT_MONOTONE), random_state=0)
    # the screening of the fit's own rows (60 a group, all of them: train draws no more than there are)
    X = compute_features(training_sample, model.bigrams, FEATURES_V4).to_numpy(dtype="float64")
    agree = invariance.agreement(invariance.effects(X, training_sample["label"].to_numpy(dtype=int), vote_collections(training_sample)))
    kept = [f for f, a in zip(FEATURES_V4, agree, strict=True) if a >= 0.8]
    assert 0 < len(kept) < len(FEATURES_V4)
    assert model.card["invariance"]["kept"] == kept
    assert set(model.card["invariance"]["dropped"]) == set(FEATURES_V4) - set(kept)
    # each part on its own features among the kept ones
    for cols in model.explainer.columns:
        assert {FEATURES_V4[j] for j in cols} <= set(kept)
    # a dropped feature contributes exactly 0; the reasons still add up to the log-odds
    z, contrib = model.explainer.contributions(X)
    dropped = [j for j, f in enumerate(FEATURES_V4) if f not in kept]
    assert np.array_equal(contrib[:, dropped], np.zeros((len(X), len(dropped))))
    reference = z - contrib.sum(axis=1)
    np.testing.assert_allclose(reference, reference[0], atol=1e-9)
    # plain arrays: the same scores and reasons after a save and a load
    back = load_model(save_model(model, tmp_path / "c8.npz"))
    _, s0, c0 = predict(model, training_sample)
    _, s1, c1 = predict(back, training_sample)
    np.testing.assert_array_equal(s0, s1)
    np.testing.assert_array_equal(c0, c1)
    assert back.card["booster"]["invariance"] == 0.8


def test_copies_made_for_training_take_no_part() -> None:
    table = pd.DataFrame({"collection": ["a", "a", "ira-2018"], "masked_from": [None, None, "a"]})
    assert vote_collections(table).tolist() == ["a", "a", ""]
    assert vote_collections(table.drop(columns="collection")).tolist() == ["all", "all", "all"]
