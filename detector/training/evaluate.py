"""Evaluation of the account model on collections it has never seen.

Protocol: nested leave-one-collection-out over the shipped collections (``datasets/accounts``).

* Outer loop: each evaluation unit (:data:`UNITS`, one per collection) is held out in turn. Its
  accounts are never used for anything but the test, not even for choosing.
* Inside, on the other collections only, the whole model-building procedure runs as it does for
  the shipped model (:func:`choose`): the feature set and booster settings among
  :data:`CANDIDATES`, then the training collections (the BotometerLite way, Yang et al. AAAI
  2020: a collection is left out of training when models trained without it do better on the
  collections they did not see), each judged by an inner leave-one-collection-out; then the
  model is fitted and calibrated (:func:`detector.accounts.model.train`) and scores the held-out
  unit.
* Collections with one class (the bot-only sets) are paired with the human accounts of
  collections of the same era that are held out with them (:data:`PAIRS`); their recall alone is
  reported too.
* In the same run a peer, a 300-tree random forest on the same features and training rows,
  scores the same unit.

So no figure in the report was used to choose anything that produced it. The result is the
``## Accounts`` section of ``EVALUATION.md``.

This module owns evaluation protocols and their report. It never changes the shipped model.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.accounts.features import ALL_FEATURES, compute_features, fit_bigrams
from detector.accounts.model import (
    BAGGED_TREES,
    BLEND_BAGGED_MONOTONE,
    BLEND_DRO_MONOTONE,
    BLEND_HALF_MONOTONE,
    BLEND_INVARIANT_MONOTONE,
    BLEND_MONOTONE,
    DEFAULT_BOOSTER,
    FEATURES_NO_LIKES,
    FEATURES_V3,
    FEATURES_V4,
    MASKED_FROM,
    MONOTONE_BOOSTER,
    THRESHOLDS,
    TREES4_MONOTONE,
    TREES_MONOTONE,
    AccountModel,
    Booster,
    balanced_sample,
    booster_scores,
    fit_booster,
    predict,
    train,
    vote_collections,
)
from detector.io import atomic_path, markdown_section_tail, replace_markdown_section
from detector.training import datasets

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """One model choice the nested procedure may pick."""

    name: str
    features: tuple[str, ...]
    booster: Booster = DEFAULT_BOOSTER
    #: How the tables name it ("c1"...): numbers stay with a candidate across runs, so that a dropped
    #: one leaves a gap instead of renumbering the others. Empty: its place in the list.
    key: str = ""


#: The model choices, fixed before session 5's third run (EVALUATION.md says why): four, not eleven,
#: because choosing among many candidates on the inner mean of nine or ten collections is noisy.
#: Every one keeps the audience prior: its score never rises with followers or public lists
#: (:data:`~detector.accounts.model.AUDIENCE`). Trees: 100 gradient-boosted trees of depth 3
#: (interactions). Additive: one feature per tree (shape functions). "without likes": less the
#: features of likes given (news desks and parties like little). v4 here is without lists per
#: follower, which no audience prior fits (:data:`~detector.accounts.model.FEATURES_V4`).
#: Session 4's other families (forest, EBM, models without the prior) remain in
#: :mod:`detector.accounts.model` but are not candidates. Session 6 kept the same four and gave every
#: one the broadcaster prior (:data:`~detector.accounts.model.BROADCASTER_RAMP`): the only change of
#: design in its run, so that its figures compare with session 5's third run.
#: Session 7 (fixed before its one run, for generalisation, not on reported figures) added two:
#: deeper trees (depth 4, 16 leaves: capacity, which h28 found behind the peer's lead on the other
#: half of an operation) and the mean of c1 and c3 (the two families session 6 chose between on a
#: noisy inner mean: its folds chose trees, the procedure on all data the additive model).
#: Session 8 (fixed at 18:25 UTC before its one run) kept the same six, adding and replacing none (more
#: candidates chosen on nine or ten inner collections meant more selection noise in session 7, and a
#: replacement now would be chosen on session 7's outer figures); its one change of design is in the
#: calibration (:func:`detector.accounts.model.train`: a calibration per field group, classes weighed
#: the same), which the inner choice does not use (it ranks uncalibrated scores).
#: Session 11 (fixed at 01:26 UTC before its one run, on principle and the issue's text, not on a
#: held-out figure; h60's notes): c4 (additive without likes), which no outer fold and not the choice
#: on all collections picked in sessions 7 and 8, is out, and c7 is in: c6 with each split of its
#: trees chosen among a random half of the features (a random forest's decorrelation, for trees that
#: must stay shallow: :data:`~detector.accounts.model.BLEND_HALF_MONOTONE`). Six candidates again.
#: Session 12 (fixed at 04:05 UTC before its one run, on principle, not on a held-out figure; h70's
#: notes): c8, c6 on the features whose direction of effect agrees across the training collections,
#: screened inside every fit (:data:`~detector.accounts.model.BLEND_INVARIANT_MONOTONE`,
#: :mod:`detector.accounts.invariance`). None dropped: a drop now would be chosen on session 11's
#: outer figures.
#: Session 13 (fixed at 07:04 UTC before its one run, on principle, not on a held-out figure; h80's
#: notes): c9, c6 fitted by group DRO inside every fit (the (collection, class) groups fitted worst get
#: more rows, round by round: :data:`~detector.accounts.model.BLEND_DRO_MONOTONE`,
#: :mod:`detector.accounts.dro`). None dropped, for the same reason.
#: Session 14 (fixed at 11:27 UTC before its one run, on principle and the issue's text, not on a
#: held-out figure; h90's notes): c10, c6 with its boosted trees replaced by a random forest of depth 4
#: read in log-odds (bagging: bootstrap resamples, a random sqrt of the features per split, trees grown
#: independently and pooled: :data:`~detector.accounts.model.BLEND_BAGGED_MONOTONE`). None dropped.
CANDIDATES: tuple[Candidate, ...] = (
    Candidate("trees monotone in audience, v4 features", FEATURES_V4, TREES_MONOTONE, "c1"),
    Candidate("trees monotone in audience, v4 without likes", FEATURES_NO_LIKES, TREES_MONOTONE, "c2"),
    Candidate("additive monotone in audience, v3 features", FEATURES_V3, MONOTONE_BOOSTER, "c3"),
    Candidate("trees of depth 4 monotone in audience, v4 features", FEATURES_V4, TREES4_MONOTONE, "c5"),
    Candidate("mean of c1 and c3 (additive v3 and trees v4), monotone in audience", FEATURES_V4, BLEND_MONOTONE, "c6"),
    Candidate(
        "mean of c3 and trees choosing each split among a random half of the features (v4), monotone in audience",
        FEATURES_V4,
        BLEND_HALF_MONOTONE,
        "c7",
    ),
    Candidate(
        "mean of c1 and c3 on the features whose direction of effect agrees across the training collections (v4), monotone in audience",
        FEATURES_V4,
        BLEND_INVARIANT_MONOTONE,
        "c8",
    ),
    Candidate(
        "mean of c1 and c3 fitted by group DRO (the collection and class groups fitted worst get more rows), monotone in audience",
        FEATURES_V4,
        BLEND_DRO_MONOTONE,
        "c9",
    ),
    Candidate(
        "mean of c3 and a random forest of depth 4 read in log-odds (v4), monotone in audience",
        FEATURES_V4,
        BLEND_BAGGED_MONOTONE,
        "c10",
    ),
)


#: Human collections that stand beside each one-class (bot-only) collection when it is held out:
#: published with it (botwiki and verified-2019) or of the same year (2019).
PAIRS: dict[str, tuple[str, ...]] = {
    "botwiki-2019": ("verified-2019",),
    "pronbots-2019": ("verified-2019", "botometer-feedback-2019"),
    "vendor-purchased-2019": ("verified-2019", "botometer-feedback-2019"),
    "political-bots-2019": ("verified-2019", "botometer-feedback-2019"),
    # State-backed trolls (2014-2018) against ordinary users of the nearest eras, not against the
    # verified celebrities and organisations, which their audience alone would separate.
    "ira-2018": ("cresci-2017", "botometer-feedback-2019"),
}
#: Human-only collections, tested as the human side of a pair rather than on their own.
HUMAN_SIDE = ("verified-2019",)

# Rows per (collection, group) in the inner runs that choose: small, so the nested loop takes minutes.
SELECT_PER_GROUP = 300
# A collection is dropped from training only if that raises the inner mean ROC-AUC by this much: a
# noise margin fixed before any run of this protocol (session 3 dropped collections on gains of
# 0.005-0.05 and its choices flipped between folds). Below it, the model trains on everything.
MIN_GAIN = 0.02


@dataclass(frozen=True)
class Unit:
    """One held-out evaluation: bots and humans of ``test``, humans of ``humans``; none trained on."""

    name: str
    test: tuple[str, ...]
    humans: tuple[str, ...] = ()

    @property
    def excluded(self) -> tuple[str, ...]:
        return self.test + self.humans

    def rows(self, table: pd.DataFrame) -> pd.DataFrame:
        """The unit's test rows; paired humans cut to the fields a counts-only test collection has."""
        coll = table["collection"]
        keep = coll.isin(self.test) | (coll.isin(self.humans) & (table["label"] == 0))
        if MASKED_FROM in table.columns:  # copies made for training are never test rows
            keep &= table[MASKED_FROM].isna()
        out = table[keep.to_numpy()]
        known = {f for c in self.test for f in datasets.KNOWN_FIELDS.get(c, ())}
        if not known or not self.humans:
            return out
        return datasets.cut_to_fields(out, out["collection"].isin(self.humans).to_numpy(), known)


def units_for(collections: list[str]) -> list[Unit]:
    """The evaluation units of a set of collections (pairs only with humans that are present)."""
    out = []
    for c in collections:
        if c in HUMAN_SIDE:
            continue
        out.append(Unit(c, (c,), tuple(h for h in PAIRS.get(c, ()) if h in collections)))
    return out


@dataclass
class Choice:
    """What :func:`choose` picked, and the inner figures it picked it by."""

    candidate: Candidate
    collections: tuple[str, ...]
    inner: dict[str, float] = field(default_factory=dict)
    dropped: dict[str, float] = field(default_factory=dict)
    #: Inner mean ROC-AUC of every candidate (on all the collections), by name.
    candidates: dict[str, float] = field(default_factory=dict)


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else None


def masked_tests(sample: pd.DataFrame, bigrams: np.ndarray) -> dict[str, pd.DataFrame]:
    """Features of the test rows of every unit whose paired humans are cut to the fields of a
    counts-only test collection (:meth:`Unit.rows`): else missing fields alone would tell them apart."""
    out = {}
    for unit in units_for(sorted(sample["collection"].unique())):
        if unit.humans and any(datasets.KNOWN_FIELDS.get(c) for c in unit.test):
            out[unit.name] = compute_features(unit.rows(sample), bigrams, ALL_FEATURES)
    return out


@dataclass
class InnerFeatures:
    """Features of the inner sample computed once for every candidate and drop trial of :func:`choose`.

    ``X``: features of the sample's rows; ``masked``: those of each unit's test rows that
    :func:`masked_tests` cuts; ``copies``: those of :func:`datasets.training_copies` of a training
    pool and their labels, by the pool's collections (filled as pools come up).
    """

    bigrams: np.ndarray
    X: pd.DataFrame
    masked: dict[str, pd.DataFrame]
    copies: dict[tuple[str, ...], tuple[pd.DataFrame, np.ndarray] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, sample: pd.DataFrame) -> InnerFeatures:
        # the screen-name bigram table is fitted on the sample's names (no labels are used)
        bigrams = fit_bigrams(sample["screen_name"])
        return cls(bigrams, compute_features(sample, bigrams, ALL_FEATURES), masked_tests(sample, bigrams))

    def copies_of(self, sample: pd.DataFrame, train_mask: np.ndarray, random_state: int) -> tuple[pd.DataFrame, np.ndarray] | None:
        """Features and labels of the rows ``sample[train_mask]`` adds to itself so that missing
        fields carry no label (:func:`datasets.training_copies`); None when there are none."""
        key = tuple(sorted(set(sample["collection"].to_numpy()[train_mask])))
        if key not in self.copies:
            rows = datasets.training_copies(sample[train_mask], random_state)
            self.copies[key] = (compute_features(rows, self.bigrams, ALL_FEATURES), rows["label"].to_numpy(dtype=int)) if len(rows) else None
        return self.copies[key]


def inner_loco(
    sample: pd.DataFrame, candidate: Candidate, pool: tuple[str, ...], random_state: int = 0, features: InnerFeatures | None = None
) -> dict[str, float]:
    """ROC-AUC per unit of ``sample`` for models trained on ``pool`` minus the unit's collections.

    The training rows train beside their :func:`datasets.training_copies` (human rows cut to the
    fields of a one-class counts-only collection; balanced random field dropout), as the shipped
    model does: missing fields carry no label. ``features``: computed once (see :func:`choose`).
    """
    f = InnerFeatures.of(sample) if features is None else features
    cols = list(candidate.features)
    Xc = f.X[cols].to_numpy(dtype="float64")
    coll = sample["collection"].to_numpy()
    label = sample["label"].to_numpy(dtype=int)
    out: dict[str, float] = {}
    for unit in units_for(sorted(set(coll))):
        train_mask = np.isin(coll, pool) & ~np.isin(coll, unit.excluded)
        test_mask = np.isin(coll, unit.test) | (np.isin(coll, unit.humans) & (label == 0))
        if len(np.unique(label[train_mask])) < 2 or len(np.unique(label[test_mask])) < 2:
            continue
        Xtrain, ytrain = Xc[train_mask], label[train_mask]
        copies = f.copies_of(sample, train_mask, random_state)
        if copies is not None:
            Xtrain = np.vstack([Xtrain, copies[0][cols].to_numpy(dtype="float64")])
            ytrain = np.concatenate([ytrain, copies[1]])
        votes = vote_collections(sample[train_mask])
        if copies is not None:
            votes = np.concatenate([votes, np.full(len(copies[1]), "", dtype=object)])
        clf = fit_booster(Xtrain, ytrain, None, candidate.booster, random_state, candidate.features, votes)
        Xt = f.masked[unit.name][cols].to_numpy(dtype="float64") if unit.name in f.masked else Xc[test_mask]
        auc = _auc(label[test_mask], booster_scores(clf, Xt, candidate.booster, candidate.features, Xtrain))
        if auc is not None:
            out[unit.name] = auc
    return out


def choose(table: pd.DataFrame, candidates: tuple[Candidate, ...] = CANDIDATES, random_state: int = 0) -> Choice:
    """The model-building choices, made by leave-one-collection-out inside ``table`` alone.

    1. The candidate with the best mean inner ROC-AUC (the worst unit breaks ties), each trained on
       all the collections.
    2. Training collections, the BotometerLite way, starting from all of them: each collection is
       tried out of the training pool; the one whose absence raises the mean inner ROC-AUC most is
       dropped if the gain is at least :data:`MIN_GAIN` (a noise margin), and the search repeats
       once more. Otherwise the model trains on every collection.
    """
    sample = balanced_sample(table, SELECT_PER_GROUP, random_state).reset_index(drop=True)
    pool = tuple(sorted(sample["collection"].unique()))
    features = InnerFeatures.of(sample)  # once for every candidate and trial
    scored = []
    for cand in candidates:
        aucs = inner_loco(sample, cand, pool, random_state, features)
        scored.append((float(np.mean(list(aucs.values()))), float(np.min(list(aucs.values()))), cand, aucs))
        log.info("choose: %s inner mean %.4f worst %.4f", cand.name, scored[-1][0], scored[-1][1])
    best_mean, _, best, best_aucs = max(scored, key=lambda s: (round(s[0], 3), s[1]))
    choice = Choice(best, pool, {k: round(v, 4) for k, v in best_aucs.items()}, candidates={sc[2].name: round(sc[0], 4) for sc in scored})
    current = best_mean
    for _ in range(2):
        trials = {}
        for c in choice.collections:
            rest = tuple(x for x in choice.collections if x != c)
            if sample[sample["collection"].isin(rest)]["label"].nunique() < 2:
                continue
            aucs = inner_loco(sample, best, rest, random_state, features)
            trials[c] = float(np.mean(list(aucs.values())))
        if not trials:
            break
        c, mean = max(trials.items(), key=lambda kv: kv[1])
        log.info("choose: without %s inner mean %.4f (with all: %.4f)", c, mean, current)
        if mean < current + MIN_GAIN:
            break
        choice.dropped[c] = round(mean - current, 4)
        choice.collections = tuple(x for x in choice.collections if x != c)
        current = mean
    choice.inner["mean"] = round(current, 4)
    return choice


def build(table: pd.DataFrame, random_state: int = 0, candidates: tuple[Candidate, ...] = CANDIDATES, **train_args: Any) -> tuple[AccountModel, Choice]:
    """The whole procedure on ``table``: choose, then train and calibrate on the chosen collections."""
    choice = choose(table, candidates, random_state)
    # a one-class counts-only collection trains beside humans of the pool cut to its fields
    chosen = datasets.with_training_copies(table[table["collection"].isin(choice.collections)], random_state)
    model = train(
        chosen,
        features=choice.candidate.features,
        booster=choice.candidate.booster,
        random_state=random_state,
        extra={"choice": {"candidate": choice.candidate.name, "collections": list(choice.collections), "dropped": choice.dropped, "inner_roc_auc": choice.inner}},
        **train_args,
    )
    return model, choice


def forest_scores(train_rows: pd.DataFrame, test: pd.DataFrame, features: tuple[str, ...], random_state: int = 0) -> np.ndarray:
    """The peer: a 300-tree random forest on the same features and rows (missing as -1)."""
    from sklearn.ensemble import RandomForestClassifier

    bigrams = fit_bigrams(train_rows["screen_name"])
    X = np.nan_to_num(compute_features(train_rows, bigrams, features).to_numpy(dtype="float64"), nan=-1.0)
    forest = RandomForestClassifier(300, n_jobs=1, random_state=random_state)
    forest.fit(X, train_rows["label"].to_numpy(dtype=int))
    Xt = np.nan_to_num(compute_features(test, bigrams, features).to_numpy(dtype="float64"), nan=-1.0)
    return forest.predict_proba(Xt)[:, 1]


def unit_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    from detector.metrics import summary

    m = summary(y, p)
    sus = p >= THRESHOLDS["suspicious"]
    m["recall_suspicious"] = round(float(sus[y == 1].mean()), 4) if (y == 1).any() else None
    m["fpr_suspicious"] = round(float(sus[y == 0].mean()), 4) if (y == 0).any() else None
    return m


@dataclass
class Evaluation:
    loco: pd.DataFrame
    choices: dict[str, dict[str, Any]]
    groups: pd.DataFrame
    shipped: dict[str, Any]
    markdown: str
    summary: str
    scores: pd.DataFrame
    unseen: dict[str, Any] = field(default_factory=dict)
    #: :func:`operation_halves`: the shipped choice on accounts of an operation it was not trained on.
    halves: pd.DataFrame = field(default_factory=pd.DataFrame)


def one_thread() -> Any:
    """A context in which scikit-learn's fits use one thread.

    Hundreds of small fits: threads give nothing on a few thousand rows and, on a shared machine,
    waiting for busy cores made the run ten times slower. scikit-learn's OpenMP runtime is loaded
    first: threadpoolctl limits only the libraries already loaded when it is called.
    """
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime the limit must see)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def candidate_aucs(rest: pd.DataFrame, test: pd.DataFrame, candidates: tuple[Candidate, ...], random_state: int = 0) -> dict[str, float | None]:
    """ROC-AUC on ``test`` of every candidate trained on all of ``rest`` (no choice, no calibration).

    A side-by-side comparison of the families on the same held-out collection; it chooses nothing.
    """
    train_rows = balanced_sample(datasets.with_training_copies(rest, random_state), random_state=random_state).reset_index(drop=True)
    bigrams = fit_bigrams(train_rows["screen_name"])
    X = compute_features(train_rows, bigrams, ALL_FEATURES)
    Xt = compute_features(test, bigrams, ALL_FEATURES)
    y, yt = train_rows["label"].to_numpy(dtype=int), test["label"].to_numpy(dtype=int)
    out: dict[str, float | None] = {}
    for cand in candidates:
        cols = list(cand.features)
        Xc = X[cols].to_numpy(dtype="float64")
        clf = fit_booster(Xc, y, None, cand.booster, random_state, cand.features, vote_collections(train_rows))
        auc = _auc(yt, booster_scores(clf, Xt[cols].to_numpy(dtype="float64"), cand.booster, cand.features, Xc))
        out[cand.name] = None if auc is None else round(auc, 4)
    return out


def outer_fold(table: pd.DataFrame, unit: Unit, random_state: int = 0, candidates: tuple[Candidate, ...] = CANDIDATES) -> tuple[list[dict[str, Any]], dict[str, Any], pd.DataFrame]:
    """One outer fold: build on everything but ``unit``, score ``unit`` with the model and the peer,
    and every candidate side by side (:func:`candidate_aucs`)."""
    t0 = time.perf_counter()
    with one_thread():
        rest = table[~table["collection"].isin(unit.excluded)]
        test = unit.rows(table)
        model, choice = build(rest, random_state, candidates)
        _, p, _ = predict(model, test)
        y = test["label"].to_numpy(dtype=int)
        # the peer's training rows are the model's (with the same masked human copies)
        chosen = balanced_sample(datasets.with_training_copies(rest[rest["collection"].isin(choice.collections)], random_state), random_state=random_state)
        q = forest_scores(chosen, test, choice.candidate.features, random_state)
        side_by_side = candidate_aucs(rest, test, candidates, random_state)
    paired = ", ".join(unit.humans) or "-"
    rows = [
        {"held_out": unit.name, "paired_with": paired, "model": "detector", **unit_metrics(y, p)},
        {"held_out": unit.name, "paired_with": paired, "model": "RF-300 peer", **unit_metrics(y, q)},
    ]
    chosen_info = {
        "candidate": choice.candidate.name,
        "trained_on": list(choice.collections),
        "dropped": choice.dropped,
        "inner_mean_roc_auc": choice.inner.get("mean"),
        "inner_by_candidate": choice.candidates,
        "outer_by_candidate": side_by_side,
    }
    frame = pd.DataFrame({"held_out": unit.name, "collection": test["collection"].to_numpy(), "kind": test["kind"].to_numpy(), "account_id": test["account_id"].to_numpy(), "label": y, "score": p, "peer": q})
    for c in ORGANISATIONAL_FIELDS:  # to find the organisational accounts among them (organisational_table)
        frame[c] = test[c].to_numpy(dtype="float64") if c in test.columns else np.nan
    log.info("held out %s (%.0f s): %s; detector %s / peer %s", unit.name, time.perf_counter() - t0, choice.candidate.name, rows[0]["roc_auc"], rows[1]["roc_auc"])
    return rows, chosen_info, frame


def choose_one_thread(table: pd.DataFrame, candidates: tuple[Candidate, ...] = CANDIDATES, random_state: int = 0) -> Choice:
    """:func:`choose` with single-threaded fits (for a worker process)."""
    with one_thread():
        return choose(table, candidates, random_state)


def nested_loco(
    table: pd.DataFrame, random_state: int = 0, candidates: tuple[Candidate, ...] = CANDIDATES, workers: int = 1, with_shipped: bool = False
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]], pd.DataFrame, Choice | None]:
    """Nested leave-one-collection-out; returns the per-unit rows, the choices, every test score and,
    with ``with_shipped``, the choice the procedure makes on all of ``table`` (the shipped model's).

    ``workers`` > 1 runs the outer folds (and the choice on everything) in that many processes
    (each is independent; the results do not depend on it).
    """
    units = units_for(sorted(table["collection"].unique()))
    shipped: Choice | None = None
    if workers > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
            # the choice on everything first: it is the longest job
            whole = pool.submit(choose_one_thread, table, candidates, random_state) if with_shipped else None
            results = list(pool.map(outer_fold, [table] * len(units), units, [random_state] * len(units), [candidates] * len(units)))
            shipped = whole.result() if whole is not None else None
    else:
        results = [outer_fold(table, unit, random_state, candidates) for unit in units]
        shipped = choose_one_thread(table, candidates, random_state) if with_shipped else None
    rows = [r for fold in results for r in fold[0]]
    choices = {unit.name: fold[1] for unit, fold in zip(units, results, strict=True)}
    return pd.DataFrame(rows), choices, pd.concat([fold[2] for fold in results], ignore_index=True), shipped


def humans_by_fold(scores: pd.DataFrame) -> pd.DataFrame:
    """Share of the human accounts of each collection labelled ``suspicious`` in each outer fold
    (by the detector and, at the same cut, the peer): verified-2019 is scored in several folds."""
    h = scores[scores["label"] == 0]
    g = h.groupby(["held_out", "collection"], sort=True)
    return g.agg(accounts=("score", "size"), suspicious=("score", lambda v: float((v >= THRESHOLDS["suspicious"]).mean())), peer_at_0_8=("peer", lambda v: float((v >= 0.8).mean()))).reset_index()


#: Organisational accounts, plainly: an audience of at least ORGANISATIONAL_FOLLOWERS followers, and
#: at most ORGANISATIONAL_LIKES likes given (news desks, parties and public figures that like
#: (almost) nothing: the accounts issue 9 says must not look like bots on that ground alone).
ORGANISATIONAL_FOLLOWERS = 10_000
ORGANISATIONAL_LIKES = 100
ORGANISATIONAL_FIELDS = ("followers_count", "favourites_count", "friends_count")


def organisational_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Share labelled ``suspicious`` of the accounts of each held-out collection and class that have
    the organisational shape (:data:`ORGANISATIONAL_FOLLOWERS`, :data:`ORGANISATIONAL_LIKES`), by the
    detector and by the peer at the same cut, in each fold that scores them; then all such humans,
    and all such bots, of every fold pooled."""
    if not set(ORGANISATIONAL_FIELDS) <= set(scores.columns):
        return pd.DataFrame(columns=["held_out", "collection", "label", "accounts", "suspicious", "peer_at_0_8"])
    shape = scores[(scores["followers_count"] >= ORGANISATIONAL_FOLLOWERS) & (scores["favourites_count"] <= ORGANISATIONAL_LIKES)]
    cut = THRESHOLDS["suspicious"]

    def agg(g: pd.core.groupby.DataFrameGroupBy) -> pd.DataFrame:
        return g.agg(accounts=("score", "size"), suspicious=("score", lambda v: float((v >= cut).mean())), peer_at_0_8=("peer", lambda v: float((v >= 0.8).mean()))).reset_index()

    rows = agg(shape.groupby(["held_out", "collection", "label"], sort=True))
    pooled = agg(shape.groupby("label", sort=True)).assign(held_out="**all folds**", collection=lambda d: np.where(d["label"] == 0, "all humans", "all bots"))
    return pd.concat([rows, pooled[rows.columns]], ignore_index=True)


def candidate_table(choices: dict[str, dict[str, Any]], shipped: dict[str, Any]) -> pd.DataFrame:
    """Every candidate: inner mean ROC-AUC on all the collections, how often the nested procedure
    chose it, and (chosen by nothing) its held-out ROC-AUC when trained on all of each fold."""
    rows = []
    for cand in CANDIDATES:
        outer = [v["outer_by_candidate"].get(cand.name) for v in choices.values() if v.get("outer_by_candidate")]
        outer = [o for o in outer if o is not None]
        rows.append(
            {
                "candidate": cand.name,
                "inner_all": shipped.get("inner_by_candidate", {}).get(cand.name),
                "chosen_in": sum(v["candidate"] == cand.name for v in choices.values()),
                "outer_mean": float(np.mean(outer)) if outer else None,
                "outer_worst": float(np.min(outer)) if outer else None,
            }
        )
    return pd.DataFrame(rows)


def group_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Share labelled ``suspicious`` per labelled group, each scored by a model that never saw it."""
    s = scores.drop_duplicates(["collection", "account_id"])
    g = s.groupby(["collection", "kind", "label"], sort=True)
    out = g.agg(accounts=("score", "size"), suspicious=("score", lambda v: float((v >= THRESHOLDS["suspicious"]).mean())), peer_at_0_8=("peer", lambda v: float((v >= 0.8).mean())), mean_score=("score", "mean")).reset_index()
    return out


def evaluate_accounts(tables_dir: Path = datasets.DEFAULT_TABLES, random_state: int = 0, labels_path: str | None = None, workers: int = 1) -> Evaluation:
    """Run the nested protocol, describe the shipped procedure's choice, render the Markdown."""
    table = datasets.load_training_table(tables_dir)
    loco, choices, scores, shipped_choice = nested_loco(table, random_state, workers=workers, with_shipped=True)
    assert shipped_choice is not None
    groups = group_table(scores)
    shipped = {
        "candidate": shipped_choice.candidate.name,
        "trained_on": list(shipped_choice.collections),
        "dropped": shipped_choice.dropped,
        "inner_roc_auc": shipped_choice.inner,
        "inner_by_candidate": shipped_choice.candidates,
    }
    halves = operation_halves(table, shipped_choice, random_state)
    md = render(table, loco, choices, groups, shipped, datasets.table_hashes(tables_dir), scores, halves)
    ours = loco[loco["model"] == "detector"]
    peer = loco[loco["model"] == "RF-300 peer"]
    short = (
        f"nested leave-one-collection-out ROC-AUC: detector mean {ours['roc_auc'].mean():.3f}, worst "
        f"{ours['roc_auc'].min():.3f}; RF-300 peer mean {peer['roc_auc'].mean():.3f}, worst {peer['roc_auc'].min():.3f} "
        f"({len(ours)} held-out collections)"
    )
    unseen = unseen_summary(loco, scores)
    # which model these figures describe: what the procedure builds on all the collections
    unseen["choice"] = {
        "candidate": shipped_choice.candidate.name,
        "features": list(shipped_choice.candidate.features),
        "booster": asdict(shipped_choice.candidate.booster),
        "trained_on": list(shipped_choice.collections),
    }
    return Evaluation(loco, choices, groups, shipped, md, short, scores, unseen, halves)


#: Collections published as half of an operation's accounts, the other half kept by the publishers
#: for independent evaluation (ira-2018: ../shared/datasets/README.md).
HALVED = ("ira-2018",)


def operation_halves(table: pd.DataFrame, choice: Choice, random_state: int = 0) -> pd.DataFrame:
    """The shipped choice on accounts of a :data:`HALVED` operation it did not train on.

    The collection's accounts are split at random in two halves; the model of ``choice`` (its
    candidate and training collections) is trained with one half (beside human rows cut to its
    fields, :func:`datasets.with_training_copies`) and tested on the other, against its paired humans
    cut to its fields (:meth:`Unit.rows`; held out of training, as in its leave-one-collection-out
    fold); then the halves swap. Not nested: ``choice`` was made with both halves in its inner runs.
    It chooses nothing. The peer: the RF-300 on the same rows.
    """
    out = []
    present = sorted(table["collection"].unique())
    for unit in units_for(present):
        if unit.name not in HALVED or unit.name not in choice.collections:
            continue
        coll = table["collection"].to_numpy()
        own = coll == unit.name
        ids = np.sort(table.loc[own, "account_id"].astype(str).unique())
        first = set(np.random.default_rng(random_state).permutation(ids)[: len(ids) // 2])
        in_first = own & table["account_id"].astype(str).isin(first).to_numpy()
        for half, tested in (("first", in_first), ("second", own & ~in_first)):
            test = unit.rows(table[~(own & ~tested)])
            rest = table[~tested & ~np.isin(coll, unit.humans) & np.isin(coll, choice.collections)]
            pool = datasets.with_training_copies(rest, random_state)
            with one_thread():
                model = train(pool, features=choice.candidate.features, booster=choice.candidate.booster, random_state=random_state)
                _, p, _ = predict(model, test)
                q = forest_scores(balanced_sample(pool, random_state=random_state), test, choice.candidate.features, random_state)
            y = test["label"].to_numpy(dtype=int)
            m, peer = unit_metrics(y, p), unit_metrics(y, q)
            out.append(
                {
                    "collection": unit.name, "tested_half": half, "trained_on_accounts": int((own & ~tested).sum()), "tested_accounts": int(y.sum()),
                    "humans": int((y == 0).sum()), "paired_with": ", ".join(unit.humans), **{k: m[k] for k in ("roc_auc", "pr_auc", "recall_suspicious", "fpr_suspicious")},
                    "peer_roc_auc": peer["roc_auc"],
                }
            )  # fmt: skip
    return pd.DataFrame(out)


def save_raw(result: Evaluation, folder: str | Path) -> Path:
    """Keep a run's raw outputs in ``folder``: ``loco.csv``, ``scores.csv.gz`` (every held-out
    score, the peer's beside it), ``groups.csv`` and ``run.json`` (choices, shipped choice, unseen
    figures), so the section can be re-read or re-rendered without running again.

    Like every output, each file is written to a temporary file beside it and moved over the old
    one only when all four are written: a failure or a kill before then leaves the folder's
    previous run whole, never one run's ``loco.csv`` beside another's ``scores.csv.gz``.
    """
    import contextlib
    import json

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    run = {"choices": result.choices, "shipped": result.shipped, "unseen": result.unseen, "summary": result.summary, "halves": result.halves.to_dict("records")}
    with contextlib.ExitStack() as stack:  # on leaving, each temporary replaces its file; on an error, none does
        tmp = {name: stack.enter_context(atomic_path(out / name)) for name in ("loco.csv", "scores.csv.gz", "groups.csv", "run.json")}
        result.loco.to_csv(tmp["loco.csv"], index=False)
        result.scores.to_csv(tmp["scores.csv.gz"], index=False, compression="gzip")  # the temporary's name says no .gz
        result.groups.to_csv(tmp["groups.csv"], index=False)
        tmp["run.json"].write_text(json.dumps(run, indent=2, default=str) + "\n", encoding="utf-8")
    return out


def unseen_summary(loco: pd.DataFrame, scores: pd.DataFrame | None = None) -> dict[str, Any]:
    """Mean and worst held-out figures of the detector rows (for the model card and ``detector info``);
    with ``scores``, also the share of organisational accounts (verified-2019) labelled
    ``suspicious`` in each fold that scores them."""
    ours = loco[loco["model"] == "detector"]
    peer = loco[loco["model"] == "RF-300 peer"]
    worst = ours.loc[ours["roc_auc"].idxmin()]
    extra: dict[str, Any] = {}
    if scores is not None:
        by_fold = humans_by_fold(scores)
        verified = by_fold[by_fold["collection"].isin(HUMAN_SIDE)]
        extra["organisational_suspicious_by_fold"] = {str(r["held_out"]): round(float(r["suspicious"]), 4) for _, r in verified.iterrows()}
        org = organisational_table(scores)
        pooled = org[org["held_out"] == "**all folds**"]
        if len(pooled):
            extra["organisational_shape"] = f"{ORGANISATIONAL_FOLLOWERS:,}+ followers, <= {ORGANISATIONAL_LIKES} likes given"
            for _, r in pooled.iterrows():
                key = "organisational_humans" if r["label"] == 0 else "organisational_bots"
                extra[f"{key}_suspicious"] = round(float(r["suspicious"]), 4)
                extra[f"{key}_accounts"] = int(r["accounts"])
    return {
        **extra,
        "protocol": "nested leave-one-collection-out (EVALUATION.md)",
        "collections": int(len(ours)),
        "roc_auc_mean": round(float(ours["roc_auc"].mean()), 4),
        "roc_auc_worst": round(float(worst["roc_auc"]), 4),
        "worst_collection": str(worst["held_out"]),
        "pr_auc_mean": round(float(ours["pr_auc"].mean()), 4),
        "brier_mean": round(float(ours["brier"].mean()), 4),
        "recall_suspicious_mean": round(float(ours["recall_suspicious"].mean()), 4),
        "fpr_suspicious_mean": round(float(ours["fpr_suspicious"].mean()), 4),
        "peer_roc_auc_mean": round(float(peer["roc_auc"].mean()), 4) if len(peer) else None,
        "peer_roc_auc_worst": round(float(peer["roc_auc"].min()), 4) if len(peer) else None,
    }


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _table(df: pd.DataFrame, columns: list[str], names: list[str] | None = None) -> str:
    lines = ["| " + " | ".join(names or columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def render(
    table: pd.DataFrame,
    loco: pd.DataFrame,
    choices: dict[str, dict[str, Any]],
    groups: pd.DataFrame,
    shipped: dict[str, Any],
    hashes: dict[str, str],
    scores: pd.DataFrame,
    halves: pd.DataFrame | None = None,
) -> str:
    counts = table.groupby("collection", sort=True)["label"].agg(["size", "sum"])
    n_all = {9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}.get(len(counts), str(len(counts)))
    cols = ["held_out", "paired_with", "roc_auc", "pr_auc", "f1_bot", "brier", "recall_suspicious", "fpr_suspicious"]
    ours = loco[loco["model"] == "detector"].reset_index(drop=True)
    peer = loco[loco["model"] == "RF-300 peer"].reset_index(drop=True)
    side = ours[["held_out", "paired_with"]].copy()
    for c in ("roc_auc", "pr_auc", "f1_bot", "brier", "recall_suspicious", "fpr_suspicious"):
        side[c] = ours[c]
    side["peer_roc_auc"] = peer["roc_auc"]
    agg = pd.DataFrame(
        [
            {"held_out": "**mean**", "paired_with": "", **{c: ours[c].mean() for c in cols[2:]}, "peer_roc_auc": peer["roc_auc"].mean()},
            {"held_out": "**worst**", "paired_with": "", "roc_auc": ours["roc_auc"].min(), "pr_auc": ours["pr_auc"].min(), "f1_bot": ours["f1_bot"].min(), "brier": ours["brier"].max(), "recall_suspicious": ours["recall_suspicious"].min(), "fpr_suspicious": ours["fpr_suspicious"].max(), "peer_roc_auc": peer["roc_auc"].min()},
        ]
    )
    side = pd.concat([side, agg], ignore_index=True)
    humans = groups[groups["label"] == 0]
    bots = groups[groups["label"] == 1]
    by_fold = humans_by_fold(scores)
    cands = candidate_table(choices, shipped)
    short = {c.name: c.key or f"c{i + 1}" for i, c in enumerate(CANDIDATES)}
    matrix = pd.DataFrame([{"held_out": k, **{short[n]: a for n, a in v.get("outer_by_candidate", {}).items()}} for k, v in choices.items()])
    wins = int((ours["roc_auc"].to_numpy() > peer["roc_auc"].to_numpy()).sum())
    choice_rows = pd.DataFrame([{"held_out": k, **v, "trained_on": ", ".join(v["trained_on"]), "dropped": ", ".join(f"{c} (+{g:.3f})" for c, g in v["dropped"].items()) or "none"} for k, v in choices.items()])
    lines = [
        "## Accounts: the account model",
        "",
        "Produced by `detector evaluate` (`make evaluate`) from the shipped tables in `datasets/accounts/`",
        "(sha256: " + ", ".join(f"{k} `{v[:12]}`" for k, v in hashes.items()) + ").",
        "",
        "| collection | accounts | inauthentic |",
        "|---|---|---|",
        *[f"| {c} | {int(r['size']):,} | {int(r['sum']):,} |" for c, r in counts.iterrows()],
        "",
        "### Nested leave-one-collection-out: collections the model never saw",
        "",
        "Each row holds one collection out entirely. On the other collections alone, the whole",
        "procedure that builds the shipped model runs: it chooses the model family and feature set",
        f"(among the candidates {'; '.join(c.name for c in CANDIDATES)}) and the training collections by an",
        "inner leave-one-collection-out, then fits and calibrates. Only then is the held-out",
        "collection scored. Bot-only collections are scored against the human accounts of the",
        "collections named in `paired_with`, which are held out with them. No figure below was used to",
        "choose anything. `recall_suspicious` and `fpr_suspicious` are the shares of bots and of",
        "humans labelled `suspicious` (score >= 0.8). `peer_roc_auc`: a 300-tree random forest on",
        "the same features and training rows, in the same run.",
        "",
        "Counts-only collections (fields in `datasets.KNOWN_FIELDS`): the humans paired with one in a",
        "test are cut to its fields, and wherever a one-class counts-only collection (ira-2018) is in a",
        "training pool (inner, outer or shipped), it trains beside as many human rows of that pool cut",
        "to its fields, drawn equally from each human collection of the pool: its pattern of missing",
        "fields is then half bots and half humans, and says nothing either way. Every training pool also",
        "trains beside one more collection per field group that goes missing in real inputs, copies of",
        "its rows cut to that group, as many bots as humans (balanced random field dropout,",
        "`datasets.dropped_fields`). The ira-2018 row is the",
        "estimate for a state-backed operation the model never saw; the shipped model, if trained on",
        "ira-2018, has seen half of this operation's accounts (the other half is kept by its publishers",
        "for independent evaluation).",
        "",
        _table(side, [*cols, "peer_roc_auc"]),
        "",
        "The peer in full (its probabilities are not calibrated, so its Brier and F1 are only indicative):",
        "",
        _table(peer, cols),
        "",
        f"The detector beats the peer on {wins} of {len(ours)} held-out collections.",
        "",
        "What the procedure chose inside each outer fold (a collection is dropped from training only",
        f"when leaving it out raises the inner mean ROC-AUC by at least {MIN_GAIN}, a noise margin fixed",
        "before the run; otherwise the model trains on every collection):",
        "",
        _table(choice_rows, ["held_out", "candidate", "trained_on", "dropped", "inner_mean_roc_auc"]),
        "",
        "### Every candidate side by side",
        "",
        f"`inner_all`: mean inner leave-one-collection-out ROC-AUC on all {n_all} collections (what chose",
        "the shipped model). `chosen_in`: outer folds whose procedure chose it. `outer_mean` /",
        "`outer_worst`: ROC-AUC on the held-out collection of each outer fold when the candidate is",
        "trained on all of that fold's other collections (2,000 rows per collection and class, no",
        "calibration). These outer figures are a comparison only: they chose nothing, and were",
        "computed in the same run as the table above.",
        "",
        _table(cands.assign(candidate=[f"{short[n]}: {n}" for n in cands["candidate"]]), ["candidate", "inner_all", "chosen_in", "outer_mean", "outer_worst"]),
        "",
        "Held-out ROC-AUC of each candidate per fold (trained on all of the fold's other collections):",
        "",
        _table(matrix, list(matrix.columns)) if len(matrix) else "",
        "",
        "### Organisational and other human accounts, fold by fold",
        "",
        "Share of each human set labelled `suspicious` (score >= 0.8) in each outer fold that scores it",
        "(verified-2019 is the human side of several bot-only collections); the peer at the same cut.",
        "",
        _table(by_fold, ["held_out", "collection", "accounts", "suspicious", "peer_at_0_8"], ["held_out", "humans of", "accounts", "suspicious", "peer >= 0.8"]),
        "",
        "### Organisational accounts: an audience that likes (almost) nothing",
        "",
        f"Accounts with {ORGANISATIONAL_FOLLOWERS:,} followers or more that gave {ORGANISATIONAL_LIKES} likes or fewer (the shape",
        "of a news desk, party or public figure), in each outer fold that scores them: the share",
        "labelled `suspicious`, for humans (`label` 0: false positives) and for bots of the same shape",
        "(`label` 1: what the broadcaster prior may cost). Then every fold's such humans, and bots, pooled",
        "(verified-2019 is scored in four folds, so its accounts count up to four times).",
        "",
        _table(organisational_table(scores), ["held_out", "collection", "label", "accounts", "suspicious", "peer_at_0_8"], ["held_out", "collection", "label", "accounts", "suspicious", "peer >= 0.8"]),
        "",
        "### Each labelled group, scored by a model that never saw its collection",
        "",
        "Share labelled `suspicious` (score >= 0.8). For humans this is the false-positive rate; the",
        "verified-2019 humans (news desks, parties, public figures: organisational accounts that like",
        "little and follow few) are the test of organisational accounts.",
        "",
        _table(pd.concat([bots, humans]), ["collection", "kind", "label", "accounts", "suspicious", "mean_score", "peer_at_0_8"], ["collection", "group", "label", "accounts", "suspicious", "mean score", "peer >= 0.8"]),
        "",
        "### The shipped model",
        "",
        f"The same procedure on all {n_all} collections chose **{shipped['candidate']}**, trained on "
        f"{', '.join(shipped['trained_on'])}; dropped from training: "
        + (", ".join(f"{c} (inner mean ROC-AUC +{g:.3f} without it)" for c, g in shipped["dropped"].items()) or "none")
        + f". Inner mean ROC-AUC {shipped['inner_roc_auc'].get('mean')}.",
        "",
        *_halves_part(halves),
        "### How the candidates were drafted, and what was seen first",
        "",
        "- Nested, so not tuned on itself: every choice (model family, feature set, training",
        "  collections) is made inside each outer fold on the other collections only; the held-out",
        "  collection is scored once, at the end.",
        "- Missing fields carry no label (decided before session 5's first run, on principle, not on any",
        "  figure; random dropout was added beside it for the third run, below).",
        "  Session 4's second run put ira-2018's counts-only troll rows into training pools, and missing",
        "  fields became evidence of a bot (96% of cresci-2017's humans `suspicious`). Three remedies",
        "  were weighed: keeping counts-only collections test-only (the shipped model would never see a",
        "  state-backed troll); dropping fields at random in training (the counts-only pattern would",
        "  still be as bot-heavy as the pool, because ira-2018 adds bots only); and the one used: as many",
        "  human rows of the same pool as the collection has bots, cut to its fields. It balances that",
        "  pattern exactly, uses only the pool's own rows (never a held-out collection's), and needs no",
        "  weights. Humans of every human collection of the pool, equally, not only the paired ones: the",
        "  humans a hidden test pairs trolls with are unknown, and the paired ones are held out with",
        "  ira-2018. A two-class counts-only collection (caverlee-2011) is balanced already by equal",
        "  rows per class. The cross-collection calibration holds a collection's copies out with it.",
        "- Balanced random field dropout and the audience prior for every candidate (decided after",
        "  session 5's first runs, from what an analyst saw in them, not from a held-out figure; listed",
        "  in advance by the previous run's notes). Seen: on TwiBot-20 two public figures (ysjagan, 1.76",
        "  million followers; LynneVCheney) `suspicious` for liking and following little, the additive",
        "  model's shape functions for audience flat; and in the ira-2018 fold, humans cut to ira's fields",
        "  scoring 92-98% >= 0.8 (the copies neutralise only ira's exact pattern). So: (1) every",
        "  candidate's score never rises with followers or public lists (monotone in every feature made",
        "  of them, `AUDIENCE`; lists per follower, which falls as followers rise, is out of v4); (2)",
        "  every training pool (inner, outer, peer, shipped) gets one more collection per field group",
        "  that goes missing in real inputs (ira-2018's, caverlee-2011's, no likes or lists as on",
        "  Bluesky and Mastodon): copies of its rows cut to that group, as many bots as humans (the",
        "  mean size of a group each), drawn equally from every group of each class, seeded. First",
        "  drafted as 30% of every group; a check on real rows (below) showed that left the pattern as",
        "  bot-heavy as the pool, and it was changed before the run; (3) an additive candidate without likes given beside the",
        "  trees one, so that liking nothing cannot alone decide. Four candidates, not more: choosing",
        "  among many on nine or ten collections is noisy. Session 4's forests and EBMs stay out.",
        "  Disclosed: the previous runs' held-out tables (EVALUATION.md history) were seen before this",
        "  was decided.",
        "- The broadcaster prior for every candidate (session 6; the same four candidates as session 5's",
        "  third run, and no other change, so that the two runs compare). Decided before this run from the",
        "  issue's requirement and what an analyst saw in session 5's TwiBot-20 table, not from a held-out",
        "  figure: ysjagan (a politician, 1.76 million followers) and LynneVCheney `suspicious` for 0 likes",
        "  given and following few. The public collections cannot teach the exception: their accounts with",
        "  10,000+ followers and 100 likes or fewer are 107 bots and 54 humans. So each candidate's output",
        "  is read with the suspicion its own-activity features add (likes given, accounts followed, their",
        "  rates and per-post ratios) shrunk by a weight that is 0 up to 100 followers, 1 from 10,000, and",
        "  grows with log followers in between, where the account has 10 or more followers per like given",
        "  (for the features of likes) or per account followed (for those of follows)",
        "  (`model.broadcaster_prior`). Contributions that lower the score are kept; every other feature",
        "  still counts. It is applied wherever a candidate scores: the inner choice, the outer folds, the",
        "  cross-collection calibration and `detector score`. The numbers are conventions (an ordinary",
        "  account's audience; the organisational definition of the table above; an order of magnitude),",
        "  not tuned. Seen before the run, while building it (in-sample, not reported figures): the shipped",
        "  procedure's model with the prior put ysjagan at 0.56 and LynneVCheney at 0.79, and in-sample",
        "  organisational-shape humans went from 7.4% to 0% `suspicious`, bots of that shape from 37% to 18%.",
        "  h28 measured three new profile features (v5: follows per post, screen-name entropy and trailing",
        "  digits) on this protocol's outer folds and recommended no v5 candidate; none was added.",
        "- Two candidates added for session 7's run, fixed before it (15:45 UTC, in the helper's notes) for",
        "  generalisation, not on a reported figure; nothing else changed. c5: trees of depth 4 (16 leaves;",
        "  otherwise c1's settings), monotone in audience, with the broadcaster prior: capacity, which h28 found",
        "  behind the peer's lead on the other half of an operation (plain sklearn, not nested: RF 0.848,",
        "  31-leaf boosting 0.827, depth-3 trees 0.793), now that the calibration cannot run away. c6: the mean",
        "  of c1's and c3's log-odds (`model.BLEND_MONOTONE`), each part monotone in audience, the broadcaster",
        "  prior applied once to the averaged contributions, each feature's contribution the mean of its",
        "  contributions in the parts (`explain.BlendExplainer`; they add up exactly): it removes the choice",
        "  between the two families that session 6's procedure made on a noisy inner mean (its folds chose",
        "  trees 10 of 10, the procedure on all data the additive model). A blend of exactly c1 and c3, so that",
        "  it adds no new setting. Disclosed, seen before: session 6's tables; h28's side by side of depth-4",
        "  trees on this protocol's outer folds (0.836 / 0.640 against c1's 0.832 / 0.635, uncalibrated);",
        "  while building, the in-sample cross-collection ROC-AUC of the full-size trainings made for the",
        "  speed checks (c5 0.792, c6 0.780; the card's calibration figure, not a held-out one). Where the",
        "  audience prior is proven: for the additive model (each shape function non-increasing, and the",
        "  broadcaster prior's share only grows with followers). For the trees, c5 and the blend it is tested",
        "  on real rows (`tests/test_audience_prior.py`), not proven: with the broadcaster prior, a tree's",
        "  contributions of own activity can depend on the followers.",
        "- Session 8 (fixed at 18:25 UTC, before its one run, from training and inner data only, not from a",
        "  held-out figure): the same six candidates and procedure, none added or replaced (in session 7 more",
        "  candidates chosen on nine or ten inner collections meant more selection noise, and a replacement now",
        "  would be chosen on session 7's outer figures). One change of design, in the calibration, which the",
        "  inner choice does not use (it ranks uncalibrated scores), so the choices stay what they were. Why:",
        "  \"Analyst labels\" showed genuine accounts cut to counts only scoring 0.8 or more (28% of",
        "  cresci-stock-2018's). On the shipped training collections' own cross-collection scores (400 rows a",
        "  group; the helper's notes), rows cut to counts only were ranked at ROC-AUC 0.60 (complete rows",
        "  0.72), the trees half moved humans' log-odds up when cut (cresci-stock-2018 humans from -0.60 to",
        "  +0.91), and one calibration fitted mostly on complete rows kept them confident (27% of those cut",
        "  humans at 0.8 or more). So: (1) each field group that goes missing in real inputs (counts only, as",
        "  ira-2018; counts, dates and lengths, as caverlee-2011; no likes or lists) has a calibration of its",
        "  own, fitted on the training rows cut to it, each scored by the model fitted without its collection",
        "  (cross-fitted; the copies made for training, scored by models that saw their originals, are left",
        "  out of every calibration); a scored row lacking a group's features takes that group's calibration",
        "  (the group with the most missing features when several fit); where those models rank a group",
        "  backwards its slope is 0 and its rows score 0.5 (`model.FieldGroupCalibration`); (2) the two classes",
        "  weigh the same in every calibration: the pool's (collection, class) groups are equal in size, but",
        "  bot-only collections and copies made the shipped calibration's rows 57% bots (12 bot groups to 9",
        "  human), so 0.8 meant a likelihood ratio of about 3 rather than the documented 4. Expected before the",
        "  run: fewer accounts `suspicious`, humans and bots alike (its recall falls), ROC-AUC nearly as it was",
        "  (a calibration reorders rows only across field groups).",
        "- Session 8's second run (decided by the lead at 19:16 UTC after seeing the first run's ira-2018",
        "  fold, and disclosed as such): in that fold the counts-only group's slope had been set to 0, a",
        "  constant map that scored every row 0.5 and made the ROC-AUC 0.500 whatever the model's ranking. A",
        "  mechanical defect, not a tuning question: every calibration's slope is now at least 0.001",
        "  (`model.MIN_SLOPE`, intercept refitted), a strictly increasing map, so such a group scores within",
        "  about 0.5 +- 0.0025 (`uncertain`) but keeps the model's order, and the ROC-AUC of a collection of",
        "  one field group is the model's own. Nothing else changed between the two runs; the first run's",
        "  table is kept in the hand-written part below.",
        "- Session 11 (fixed at 01:26 UTC, before its one run, in the helper's notes; from principle and the",
        "  issue's text, not from a held-out figure): one candidate in, one out, so still six. In: c7, c6",
        "  with each split of its trees chosen among a random half of the features (scikit-learn's",
        "  `max_features=0.5`, seeded; `model.BLEND_HALF_MONOTONE`): the issue reports that a plain",
        "  RF-300 did better than the model on the unseen collections it was judged on (0.65 against 0.61",
        "  on seven, 0.938 against 0.915 on 2017). A forest has deep trees and decorrelated ones; depth",
        "  is ruled out here (plain arrays of trees of depth 4 at most, and the 100,000 accounts/s",
        "  target, met with little margin by 100 trees of depth 3), decorrelation is not: trees that may",
        "  not always split on the few most telling features of the training collections spread their",
        "  evidence, so a feature whose meaning shifts in an unseen collection moves the score less. The",
        "  same trees, depth and count as c6: the same arrays, exact reasons and scoring speed (measured",
        "  before deciding, no label used). Half is the usual column share of boosted trees, not tuned.",
        "  Out: c4 (additive v3 without likes), which no outer fold and not the choice on all the",
        "  collections picked in sessions 7 and 8 (choices made on inner data): fewer near-equal",
        "  candidates to choose among on nine or ten collections, and the run time of session 8.",
        "  Candidates keep their numbers. Weighed and not drafted: a monotone random forest of depth 4",
        "  (a forest that shallow has little capacity: session 4's depth-4 forests had the lowest inner",
        "  mean of their run, 0.731-0.751 against 0.766-0.771); the mean of c5 and c3 (more model time on",
        "  a throughput target at its edge); a monotone EBM (session 4's inner mean 0.716-0.732 against the",
        "  additive model's 0.766, and slow fits). Disclosed, seen before: every table of this section",
        "  from sessions 4 to 8, outer ones included.",
        "- Session 12 (fixed at 04:05 UTC, before its one run, in the helper's notes; on principle, not on a",
        "  held-out figure): one candidate in, none out, so seven. In: c8, c6 on the features whose direction",
        "  of effect agrees across the training collections (`model.BLEND_INVARIANT_MONOTONE`,",
        "  `accounts/invariance.py`): each collection with bots is one vote, its ROC-AUC of the feature alone",
        "  minus 0.5 (its bots against its own humans; a bot-only collection against every human row of the",
        "  training rows; copies made for training take no part); a feature is kept when the effects pointing",
        "  its way are at least 0.8 of all its effects (four to one, a convention, not tuned), and each part of",
        "  the blend takes its own features among the kept ones. Decided inside every fit, on its own training",
        "  rows: inner, outer, the calibration's cross-collection fits, the shipped fit. Why: a feature whose",
        "  direction flips between collections (an era's or a collection's habits) moves whole collections up",
        "  or down in the cross-collection scores the calibration is fitted on, so their bots and humans",
        "  overlap, the slope is flat and unseen bots land at 0.5-0.7 (0% `suspicious` of pronbots, vendor,",
        "  political bots and trolls in session 11); and it can carry an unseen collection's humans above its",
        "  bots. Invariant prediction (Peters, Buhlmann and Meinshausen, 2016) in its cheapest form, a sign",
        "  test per feature. Weighed and not run: collection-balanced fits and calibration (already so: every",
        "  (collection, class) group has the same rows, the classes weigh the same in the calibration). Seen",
        "  before: every table of this section from sessions 4 to 11, outer ones included; while building, the",
        "  features one fit on 150 rows per group of the shipped training collections kept (12 of 29: a",
        "  training-data figure, not a held-out one).",
        "- Session 13 (fixed at 07:04 UTC, before its one run, in the helper's notes; on principle, not on a",
        "  held-out figure): one candidate in, none out, so eight. In: c9, c6 fitted by group DRO",
        "  (`model.BLEND_DRO_MONOTONE`, `accounts/dro.py`; Sagawa, Koh, Hashimoto and Liang, 2020): after the",
        "  plain fit, two refits, each on a resample of the fit's training rows that gives every (collection,",
        "  class) group its rows times exp(its summed mean log-loss so far) (copies made for training are one",
        "  group per class); the last fit is kept. Decided inside every fit, on its own training rows: inner,",
        "  outer, the calibration's cross-collection fits, the shipped fit. Why: the plain fit minimises the",
        "  average of the groups' losses, group DRO the worst group's: the groups the others' patterns fit",
        "  worst (a collection's humans that look like bots, a family of bots that looks human) get more",
        "  weight, so that every collection's humans score low and its bots high. That is what the",
        "  cross-collection calibration needs: session 12's study found bots of vendor-purchased, botwiki and",
        "  cresci-2017 above 99% of their own humans but `uncertain`, because collections' human levels differ",
        "  and the calibration fitted over them is flat. Two rounds and a step of 1 (a group fitted worse by a",
        "  factor 2 in likelihood gets twice the rows) are conventions, not tuned. Weighed and not run: a",
        "  calibration fitted on within-collection evidence (calibrated only for a collection of typical level,",
        "  over-confident on average over unseen ones: not an honest probability); a floor on the information",
        "  of a field group's calibration (it would override what its cross-fitted rows say); new profile",
        "  fields (a schema change; mostly the era's client defaults); bagging over collections. Seen",
        "  before: every table of this section from sessions 4 to 12, outer ones and session 12's study included.",
        "- Session 14 (fixed at 11:27 UTC, before its one run, in the helper's notes; on principle and the issue's",
        "  text, not on a held-out figure): one candidate in, none out, so nine. In: c10, c6 with its boosted",
        "  trees replaced by a random forest (`model.BLEND_BAGGED_MONOTONE`): the mean of c3 (additive, v3) and",
        f"  {BAGGED_TREES} trees of depth 4 (at least 20 rows a leaf, a random sqrt of the features at each split,",
        "  bootstrap resamples; scikit-learn's `RandomForestClassifier` with `monotonic_cst`), monotone in",
        "  audience, the broadcaster prior once on the mean, as c6. Why: the issue's plain RF-300 did better",
        "  than the model on the unseen collections it was judged on (0.65 against 0.61 on seven, 0.938 against",
        "  0.915 on 2017). Bagging pools independently grown trees, each on a bootstrap resample and choosing",
        "  its splits among random features: the evidence spreads over many features, so a feature whose",
        "  meaning shifts in an unseen collection moves the pooled score less; boosting fits each tree to what",
        "  the previous ones left, the rows (and collections) fitted worst. Session 11's c7 gave the boosted",
        "  trees random features per split and changed little; what it lacked is the bootstrap and the",
        "  pooling. Read in log-odds so that it averages with the additive part as c6's parts do: each node",
        "  is the log-odds of its share of bots, clipped to [eps, 1 - eps] with eps = 1 / (2 x (20 + 1)) (the",
        "  add-half estimate of a pure leaf of the fewest rows a leaf may hold; one clip for every node keeps",
        "  each tree's order and its monotone constraint), and the part's output the mean of its trees' (a",
        "  log-linear pool). Missing values stay missing and are routed by the trees (scikit-learn >= 1.4), as",
        "  the boosted trees route them, not set below every value (the old forest family's -1, which under a",
        "  decreasing constraint would make an unknown audience at least as suspicious as none). Depth 4 is the",
        "  most the stored tree format takes; 20 rows a leaf and sqrt(features) are a random forest's usual",
        "  settings, not tuned; the number of trees was fixed by scoring speed alone (the most of 100, 64, 50",
        "  and 32 whose forest scores no slower than c6's 100 boosted trees; times only, no label figure). Session",
        "  11 weighed a depth-4 forest alone and left it out (little capacity); here it is half of a blend with",
        "  the additive model, which is what made the boosted trees work (c6 over c1). Disclosed, seen before:",
        "  every table of this section from sessions 4 to 13, outer side-by-side ones included, and the lead's",
        "  suggestion of this candidate, itself made after seeing them.",
        "- Training collections: kept as in session 4: train on all, and drop a collection only when",
        f"  leaving it out raises the inner mean ROC-AUC by at least {MIN_GAIN} (at most two drops).",
        "",
    ]
    return "\n".join(lines) + "\n"


def _halves_part(halves: pd.DataFrame | None) -> list[str]:
    if halves is None or len(halves) == 0:
        return []
    return [
        "### The same operation, accounts it was not trained on",
        "",
        "The shipped model has seen half of an operation's accounts where its publishers kept the other",
        "half for independent evaluation (ira-2018). The nearest estimate of how it does on that other",
        "half: the shipped choice (candidate and training collections) trained with a random half of",
        "the collection and tested on the other half against its paired humans cut to its fields (held",
        "out of training, as in its fold above), then the halves swapped (`operation_halves`). Not",
        "nested: the choice was made with both halves in its inner runs. It chose nothing.",
        "",
        _table(halves, ["collection", "tested_half", "trained_on_accounts", "tested_accounts", "humans", "paired_with", "roc_auc", "pr_auc", "recall_suspicious", "fpr_suspicious", "peer_roc_auc"]),
        "",
    ]


#: The hand-written part of the account section: from this heading to the section's end, kept
#: when the generated part is rewritten.
HAND_KEPT = "### What this run says"


def write_section(path: str | Path, markdown: str) -> None:
    """Replace the account section of ``path`` (``## Accounts: …``), leaving the others alone.

    The section's hand-written part (from :data:`HAND_KEPT` on) is kept under the new tables;
    it describes the previous run until someone rewrites it.
    """
    heading = markdown.lstrip("\n").split("\n", 1)[0].rstrip()
    kept = markdown_section_tail(path, heading, HAND_KEPT)
    if kept and HAND_KEPT not in markdown:
        markdown = markdown.rstrip("\n") + "\n\n" + kept + "\n"
    replace_markdown_section(path, markdown)


