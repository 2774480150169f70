"""Which features keep their direction of effect from one collection to the next.

A feature whose effect flips between collections (higher in bots in one, in humans in another: a
collection's era or habits, not automation) can carry a score anywhere in a collection the model
never saw. Screening keeps only the features whose direction holds in (nearly) every training
collection: the cheapest form of invariant prediction (Peters, Bühlmann and Meinshausen, 2016), a
sign test per feature, weighted by the size of each collection's effect.

Each collection with bots is one vote: its bots against its own humans, or, for a bot-only
collection, against every human row of the training rows. A vote is the feature's ROC-AUC alone
minus 0.5, on the rows where the feature is known. A feature's agreement is the share of the summed
effects that point its way (:func:`agreement`). Fixed in session 12 (h70's notes) before any run, on
principle, not tuned: the model's screening (``Booster.invariance``) keeps the features whose
agreement is at least 0.8, four to one.

This module owns that statistic. It never fits a model and never reads labels of rows it is not given.
"""

from __future__ import annotations

import numpy as np

#: Rows of each class (with the feature known) a vote needs; with fewer the collection abstains.
MIN_VOTE_ROWS = 20


def _auc_effect(x: np.ndarray, y: np.ndarray) -> float:
    """ROC-AUC of ``x`` alone for ``y`` (ties averaged, Mann-Whitney) minus 0.5."""
    from scipy.stats import rankdata

    ranks = rankdata(x)
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    auc = (ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
    return float(auc - 0.5)


def effects(X: np.ndarray, y: np.ndarray, collections: np.ndarray, min_rows: int = MIN_VOTE_ROWS) -> np.ndarray:
    """The votes: one row per collection with bots (in sorted order), one column per feature of ``X``;
    NaN where the collection abstains.

    ``collections``: each row's collection; rows with an empty name (copies made for training, which
    repeat other rows) take no part. A collection with at least ``min_rows`` human rows is judged
    against them; a bot-only one against every human row given. A vote needs ``min_rows`` rows of
    each class where the feature is known.
    """
    X = np.asarray(X, dtype="float64")
    y = np.asarray(y, dtype=int)
    names = np.asarray(collections, dtype=object)
    taking = np.array([bool(c) for c in names], dtype=bool)
    humans = taking & (y == 0)
    voters = sorted({str(c) for c in names[taking & (y == 1)]})
    out = np.full((len(voters), X.shape[1]), np.nan)
    for i, c in enumerate(voters):
        own = taking & (names == c)
        side = own & (y == 0) if (own & (y == 0)).sum() >= min_rows else humans
        rows = (own & (y == 1)) | side
        for j in range(X.shape[1]):
            known = rows & ~np.isnan(X[:, j])
            yk = y[known]
            if (yk == 1).sum() < min_rows or (yk == 0).sum() < min_rows:
                continue
            out[i, j] = _auc_effect(X[known, j], yk)
    return out


def agreement(votes: np.ndarray) -> np.ndarray:
    """Each feature's agreement: ``max(P, N) / (P + N)``, with P the sum of its positive votes and N
    of its negative ones (abstentions left out); each collection counts once. NaN where no vote
    has any effect (P + N = 0)."""
    v = np.nan_to_num(np.asarray(votes, dtype="float64"), nan=0.0)
    pos, neg = np.maximum(v, 0.0).sum(axis=0), np.maximum(-v, 0.0).sum(axis=0)
    total = pos + neg
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.maximum(pos, neg) / np.where(total > 0, total, 1.0), np.nan)
