"""The audience prior: no candidate of the nested choice scores an account higher for a bigger
audience (more followers, more public lists), all else equal.

Real accounts of the shipped training tables; every candidate's family and features, trained by the
real :func:`detector.accounts.model.train` with fewer, faster rounds.
"""

from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import pandas as pd
import pytest

from detector.accounts.features import compute_features, fit_bigrams
from detector.accounts.model import AUDIENCE, FEATURES_V4, Booster, predict, train
from detector.training.evaluate import CANDIDATES, Candidate, one_thread

pytestmark = pytest.mark.usefixtures("no_network")


def _small(booster: Booster) -> Booster:
    """The candidate's family, prior and features, with fewer rounds and smaller leaves."""
    if booster.kind == "blend":  # each part smaller, as it would be on its own
        return replace(booster, parts=tuple(_small(p) for p in booster.parts))
    if booster.max_depth is None:
        return Booster(**{**asdict(booster), "min_samples_leaf": 10, "max_iter": 30, "learning_rate": 0.3, "l2_regularization": 1.0})
    return Booster(**{**asdict(booster), "max_iter": 40, "min_samples_leaf": 20})


def _bigger_audience(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    out = rows.copy()
    out[column] = out[column] * 10 + 1000
    return out


def _rise(candidate: Candidate, booster: Booster, sample: pd.DataFrame) -> dict[str, float]:
    """Largest rise of any account's score when its followers, or its public lists, grow."""
    with one_thread():
        m = train(sample, features=candidate.features, booster=booster, random_state=0)
    assert m.calibration[0] > 0  # the calibration keeps the model's order
    _, base, _ = predict(m, sample)
    out = {}
    for column in ("followers_count", "listed_count"):
        _, more, _ = predict(m, _bigger_audience(sample, column))
        known = sample[column].notna().to_numpy()
        out[column] = float((more - base)[known].max())
    return out


@pytest.mark.parametrize("candidate", CANDIDATES, ids=lambda c: c.name)
def test_a_bigger_audience_never_raises_a_candidates_score(candidate: Candidate, training_sample: pd.DataFrame) -> None:
    assert set(AUDIENCE) & set(candidate.features) and set(candidate.booster.decreasing) == set(AUDIENCE)
    rise = _rise(candidate, _small(candidate.booster), training_sample)
    assert rise["followers_count"] <= 1e-9 and rise["listed_count"] <= 1e-9


def test_without_the_prior_a_bigger_audience_can_raise_the_score(training_sample: pd.DataFrame) -> None:
    """The test above can fail: the same families without the prior raise some accounts' scores."""
    rises = [max(_rise(c, replace(_small(c.booster), decreasing=()), training_sample).values()) for c in CANDIDATES[::2]]
    assert max(rises) > 0.01


def test_every_feature_of_followers_or_lists_is_in_the_prior(training_sample: pd.DataFrame) -> None:
    """A feature that moves when followers or lists grow and is not held by the prior could undo it."""
    rows = training_sample.head(200)
    bigrams = fit_bigrams(rows["screen_name"])
    base = compute_features(rows, bigrams, FEATURES_V4)
    for column in ("followers_count", "listed_count"):
        moved = compute_features(_bigger_audience(rows, column), bigrams, FEATURES_V4)
        changed = {f for f in FEATURES_V4 if not np.allclose(base[f], moved[f], equal_nan=True)}
        # all of them go up with the audience, and the prior lets each only lower the score
        assert changed <= set(AUDIENCE), changed - set(AUDIENCE)
        assert all((moved[f] >= base[f]).where(base[f].notna(), True).all() for f in changed)
