"""Train and evaluate the call-to-action classifier on real, hand-labelled posts.

Reads the labelled dev set of ``../shared/datasets/balkan-posts`` and the labels in
``datasets/calls/labels.csv`` (post ids only; the texts are joined from ``../shared`` here and never
written anywhere), then:

1. measures the gate's recall on the labelled calls;
2. nested grouped cross-validation (outer 5 folds, inner 3; groups join posts by source and author
   and by identical text, and the Serbian and English versions of one article): every choice
   (regularisation, which feature set: n-grams with the lexicon's parts and the topic cues, the same
   with the language-independent cues of :mod:`detector.posts.call_cues`, or those cues without
   n-grams, or (session 8) the two-part model, cues first and n-grams on what they leave, or (session 9)
   a blend of the structure-only model and the n-gram model, a weighted mean of their log-odds with the
   weight chosen like C, by the mean per-language average precision; Platt calibration, one threshold for every language) is made on the
   inner folds only, and every fit balances the classes within each language; the outer predictions
   are the reported figures, overall and per language, next to the lexicon's rule on the same posts;
3. the held-out posts of ``datasets/calls/heldout.csv`` (never looked at while the features were
   designed): trained on the groups that hold no held-out post, choices on its inner folds;
4. leave-one-source-out: train on the other sources (choices again on inner folds), test on the
   held-out one (the student-protest site, the Albanian corpus, the 2013-14 tweets, IRA English);
5. leave-one-language-out: train without Albanian, Serbian (both scripts) or English (and without
   every group that holds a post in it), test on that language;
6. with ``--save``: fits the final model on all labelled posts with the (C, feature set) most outer
   folds chose, its calibration and threshold by grouped CV on all of them, and writes
   ``detector/data/call-model.npz`` and its card (``--save --from-json`` takes the outer choices
   of an earlier run and evaluates nothing).

The n-gram weights (idf) are learnt once from unlabelled posts (every balkan-posts text and a
seeded sample of 100,000 IRA posts), without labels.

Usage: ``python bench/calls_eval.py [--save] [--write] [--json out.json] [--misses out.csv]``;
``--write --from-json out.json`` writes the EVALUATION.md section from an earlier run's figures
(about 20 minutes on the shared 2-core machine).
The ``--misses`` file holds texts: write it outside the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedGroupKFold

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detector.posts import call_model as cm  # noqa: E402
from detector.posts.call_cues import KOSOVO_ADDITIONS  # noqa: E402
from detector.posts.calls import call_features  # noqa: E402
from detector.posts.matching import Texts  # noqa: E402
from detector.posts.text import normalize_series  # noqa: E402

log = logging.getLogger("calls_eval")
SHARED = REPO.parent / "shared" / "datasets"
BALKAN = SHARED / "balkan-posts"
LABELS = REPO / "datasets" / "calls" / "labels.csv"
HELDOUT = REPO / "datasets" / "calls" / "heldout.csv"
GRID_C = (16.0, 64.0, 256.0)
IDF_IRA_SAMPLE = 100_000
# Feature sets the inner folds choose from: n-grams + grammar + patterns, plus the lexicon's parts,
# plus the topic cues and their crossings (call_model.CUE_COLUMNS).
# Session 5: the language-independent cues of detector.posts.call_cues, with the n-grams and without
# them; the n-gram sets "lexicon" and "none" were dropped (never chosen in session 4: CPU).
# Session 7: the same n-gram set with the two unit columns of call_cues (h33); chosen by no outer fold and no
# hold-out of session 7, dropped in session 8 (CPU, selection noise) for the two-part set below, which holds them.
# Session 8 (written 18:43 UTC, before the one run; notes of h38): TWO_PART, one new candidate. Every cue column
# (the lexicon's parts, grammar, patterns, topics and crossings, the language-independent cues, the units) is fitted
# first as a structure part of its own (call_model.fit_two_part, at the grid's C), and the n-grams (same C) are fitted
# with its cross-fitted decision value as a fixed offset: they learn only what it leaves unexplained and cannot drown it.
TWO_PART = "two-part: structure, then n-grams"
FEATURE_SETS: dict[str, dict[str, Any]] = {"lexicon+cues": {"lexicon": True, "cues": True},
                "lexicon+cues+transfer": {"lexicon": True, "cues": True, "transfer": True},
                "cues+transfer, no n-grams": {"lexicon": True, "cues": True, "transfer": True, "ngrams": False},
                TWO_PART: {"lexicon": True, "cues": True, "transfer": True, "units": True}}  # fmt: skip
# Session 9 (written 20:47 UTC, before the one run; notes of h42): ONE new candidate, the blend, at three weights chosen by
# the inner folds like C. Its decision value is w * structure + (1 - w) * n-grams: the n-gram model is session 5's set
# ("lexicon+cues", fit_linear), the structure model every 0/1 cue column with the language-independent cues and the two unit
# columns, no n-grams (fit_linear at the same C). One linear model over TWO_PART's columns (call_model.fit_blend).
NGRAM_PART = "lexicon+cues"
STRUCTURE_PART = "structure part of the blends"
BLENDS = {f"blend w={w:g}: structure and n-grams": w for w in (0.25, 0.5, 0.75)}
FEATURE_SETS |= {name: {"lexicon": True, "cues": True, "transfer": True, "units": True} for name in BLENDS}
# Session 10 (written 22:59 UTC, before the one run; notes of h50): every candidate reads the exclusion columns of call_cues
# (what the labelling definition says is not a call: a concert, fair, match, parade or clean-up, figures with the month March,
# a TV broadcast, a relayed call); ONE new candidate, session 5's set with the two unit columns (zeroed where the post names a
# non-political event, a broadcast or March with figures); the no-n-gram set, the two-part model and the blends are no longer
# candidates (chosen by no outer fold in sessions 8 and 9; their code stays).
UNITS_SET = "lexicon+cues+units"
for _name in ("lexicon+cues", "lexicon+cues+transfer"):
    FEATURE_SETS[_name] = FEATURE_SETS[_name] | {"exclusions": True}
FEATURE_SETS[UNITS_SET] = {"lexicon": True, "cues": True, "units": True, "exclusions": True}
CANDIDATES = ["lexicon+cues", "lexicon+cues+transfer", UNITS_SET]
# Session 11 (written 01:25, 01:52 and 01:55 UTC, before the one run; notes of h61): every fit of a set with the exclusion
# columns constrains their weights to be at most 0 (call_model.fit_linear's nonpositive: they transcribe what the definition
# says is not a call), and the lexicon, the cues, the grammar and the gate read Kosovo's Gheg Albanian and Serbian words and
# places. The candidates are session 10's three.
# Session 12 (written 04:05 UTC, before the one run; notes of h71): ONE new candidate, session 5's set (with the exclusion
# columns, bounded) with per-language cue weights (call_model.CallFeaturiser per_language: every 0/1 column but the exclusions
# copied into a block of the post's language group, Albanian / Serbian / English, each with a constant column; the fit's L2
# keeps a language's deviation from the shared weight small unless its labels ask for it). Session 11's three stay.
PER_LANGUAGE_SET = "lexicon+cues+per-language"
FEATURE_SETS[PER_LANGUAGE_SET] = {"lexicon": True, "cues": True, "exclusions": True, "per_language": True}
CANDIDATES = CANDIDATES + [PER_LANGUAGE_SET]
# Session 13 (written 07:04 UTC, before the one run; notes of h81): ONE new candidate, session 5's set (with the exclusion
# columns, bounded) with a bag of word clusters learnt WITHOUT labels from the unlabelled posts (call_model.CallFeaturiser
# clusters, detector/posts/word_clusters.py, detector/data/word-clusters.npz built by bench/word_clusters.py): words used
# alike share a cluster, so a weight learnt for one word applies to its synonyms and inflections. Session 12's four stay.
CLUSTERS_SET = "lexicon+cues+clusters"
FEATURE_SETS[CLUSTERS_SET] = {"lexicon": True, "cues": True, "exclusions": True, "clusters": True}
CANDIDATES = CANDIDATES + [CLUSTERS_SET]
# Session 15 (written 01:25 UTC, before the one run; notes of h97): ONE new candidate, the language-independent cues' set
# ("lexicon+cues+transfer", the exclusion columns bounded above by 0 as since session 11) with the columns that name a part of
# a call as the labelling definition states it (call_cues.PART_COLUMNS: an invitation, the second person plural or everyone,
# an action word, a time, a place, the two unit columns where a set has them) bounded BELOW by 0 in every fit
# (call_model.fit_linear's nonnegative, call_model.part_columns): they may only raise a score. Same features as
# "lexicon+cues+transfer" (one matrix), another fit. Session 13's five stay as they were.
SIGNS_SET = "lexicon+cues+transfer+signs"
FEATURE_SETS[SIGNS_SET] = dict(FEATURE_SETS["lexicon+cues+transfer"])
SIGNED_SETS = frozenset({SIGNS_SET})
CANDIDATES = CANDIDATES + [SIGNS_SET]
# Not a candidate: the blends' structure model alone (its inner out-of-fold values are combined with NGRAM_PART's).
COMPONENTS: dict[str, dict[str, Any]] = {STRUCTURE_PART: {"lexicon": True, "cues": True, "transfer": True, "units": True, "ngrams": False}}
# Languages left out one at a time (their posts and every group that holds one of them), trained on the rest.
LOLO = {"Albanian": ("Albanian",), "Serbian (both scripts)": ("Serbian Cyrillic", "Serbian/Bosnian/Croatian Latin"), "English": ("English",)}
# The inner folds choose by the mean, over the languages with at least this many calls in the
# training part, of the average precision within each language (the targets are per language).
MIN_LANG_CALLS = 5
# Session 12 (h75): the languages whose F1s the one threshold's mean reads (:func:`best_threshold`), as :func:`weight_groups` names them.
THRESHOLD_LANGUAGES = ("Albanian", "Serbian", "English")
LANG_GROUP = {"sq": "Albanian", "sr": "Serbian/Bosnian/Croatian Latin", "bs": "Serbian/Bosnian/Croatian Latin",
              "hr": "Serbian/Bosnian/Croatian Latin", "sr-Cyrl": "Serbian Cyrillic", "en": "English"}  # fmt: skip
SEED = 10
# Texts whose first 50 characters (words only) agree are one text for the splits.
PREFIX_CHARS = 50
HEADING = "## Calls to protest: the classifier on real Albanian, Serbian and English posts"


def load_labelled(labels: Path = LABELS) -> pd.DataFrame:
    """Dev set plus our labels, with texts joined from ../shared (kept in memory only)."""
    dev = pd.read_csv(BALKAN / "calls_labelled_dev.csv", dtype={"post_id": str})
    dev = dev[["post_id", "source", "lang", "text", "is_call"]].assign(origin="dev")
    from detector.errors import InputError
    from detector.training.labels import read_call_labels

    ours = read_call_labels(labels)  # checked: 0/1 labels, known sources, no post labelled both ways
    frames = []
    for name, src in (("albanian_dialect_tweets.csv", "albanian_dialect"), ("mozetic_tweets_sr_sq_bs_hr.csv", "mozetic"),
                      ("blokade_org_student_protest_posts.csv", "blokade")):  # fmt: skip
        f = pd.read_csv(BALKAN / name, dtype={"post_id": str, "author_id": str})
        frames.append(f.assign(source=src))
    pool = pd.concat(frames, ignore_index=True)
    b = ours[ours.source != "ira"].merge(pool[["post_id", "text", "lang", "author_id", "created_at"]], on="post_id", how="inner")
    ira_ids = ours[ours.source == "ira"]
    t = pd.read_parquet(SHARED / "ira-2018" / "tweets.parquet", columns=["author_id", "content", "publish_date"])
    rows = ira_ids.post_id.str.removeprefix("ira-").astype(int).to_numpy()
    # a label whose post is not in ../shared would be dropped unseen by the join: said, with its row
    lost = ours[(ours.source != "ira") & ~ours.post_id.isin(pool.post_id)].index.tolist() + ira_ids.index[rows >= len(t)].tolist()
    if lost:
        shown = ", ".join(f"row {n} ({ours.at[n, 'post_id']})" for n in sorted(lost)[:5])
        raise InputError(f"{len(lost)} labelled posts are not in ../shared/datasets: {shown}{' …' if len(lost) > 5 else ''}", path=str(labels))
    clash = ours.merge(dev[["post_id", "is_call"]], on="post_id", suffixes=("", "_dev"))
    clash = clash[clash.is_call != clash.is_call_dev]
    if len(clash):
        raise InputError(
            f"{len(clash)} posts are labelled otherwise in calls_labelled_dev.csv (which would win unseen): {', '.join(clash.post_id[:5])}",
            path=str(labels),
        )
    i = ira_ids.assign(text=t.content.to_numpy()[rows], author_id=t.author_id.to_numpy()[rows], created_at=t.publish_date.to_numpy()[rows], lang="en")
    ours = pd.concat([b, i], ignore_index=True).assign(origin="h10a")
    dev = dev.merge(pool[["post_id", "author_id", "created_at"]], on="post_id", how="left")
    d = pd.concat([dev, ours[dev.columns]], ignore_index=True).drop_duplicates("post_id").reset_index(drop=True)
    d["lang_group"] = d["lang"].map(LANG_GROUP).fillna("other")
    d["norm"] = normalize_series(d["text"].astype("string")).astype(str)
    d["group"] = groups(d)
    return d


def groups(d: pd.DataFrame) -> np.ndarray:
    """Connected components of 'same source and author', 'same text', 'same first PREFIX_CHARS characters' (and one article in two languages)."""
    author = np.where(
        d.source == "blokade",
        "blokade:" + d.post_id.str.replace(r"/(sr|en)/", "/", regex=True).str.replace(r"#t\d+$", "", regex=True),
        np.where(d.author_id.notna() & (d.author_id.astype(str) != ""), d.source + ":" + d.author_id.astype(str), "post:" + d.post_id),
    )
    words = d["norm"].str.replace(r"\W+", " ", regex=True).str.strip()
    key = "text:" + words
    # Copies cut at different lengths ("…" where the corpus truncated a retweet) share their start.
    start = "start:" + words.str.slice(0, PREFIX_CHARS)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, k, st in zip(author, key, start, strict=True):
        for other in (k, st):
            ra, ro = find(a), find(other)
            if ra != ro:
                parent[ra] = ro
    return pd.factorize(pd.Series([find(a) for a in author]))[0]


def unlabelled_texts() -> pd.Series:
    """The texts the n-gram weights (idf) are learnt from: every balkan post and a sample of IRA posts (no labels)."""
    parts = [pd.read_csv(BALKAN / n, usecols=["text"]).text for n in
             ("albanian_dialect_tweets.csv", "mozetic_tweets_sr_sq_bs_hr.csv", "blokade_org_student_protest_posts.csv")]  # fmt: skip
    ira = pd.read_parquet(SHARED / "ira-2018" / "tweets.parquet", columns=["content"]).content
    parts.append(ira.sample(IDF_IRA_SAMPLE, random_state=SEED))
    return normalize_series(pd.concat(parts, ignore_index=True).astype("string"))


def fitted_features() -> dict[str, cm.CallFeatures]:
    """One fitted transformer per feature set (the idf is learnt once, on unlabelled posts)."""
    base = cm.CallFeatures(normalised=True).fit(unlabelled_texts())
    out = {}
    for name, kw in _used_sets().items():
        f = cm.CallFeatures(normalised=True, **kw)
        f.idf_, f.n_features_out_ = base.idf_, f._n_out()
        out[name] = f
    return out


def transform_all(feats: dict[str, cm.CallFeatures], norm: pd.Series, lang: np.ndarray | None = None) -> dict[str, sp.csr_matrix]:
    """Every feature set's matrix of ``norm``; sets with the same settings share one matrix (the blends and the two-part model).

    ``lang``: the posts' language codes (the corpus's own), read by the per-language set (session 12).
    """
    out: dict[str, sp.csr_matrix] = {}
    done: dict[str, sp.csr_matrix] = {}
    for fs, kw in _used_sets().items():
        key = json.dumps(kw, sort_keys=True)
        if key not in done:
            done[key] = feats[fs].transform(norm, lang)
        out[fs] = done[key]
    return out


def _used_sets() -> dict[str, dict[str, Any]]:
    """The settings of the :data:`CANDIDATES` (and of the blends' parts when a blend is one of them)."""
    used = {fs: FEATURE_SETS[fs] for fs in CANDIDATES}
    if any(fs in BLENDS for fs in CANDIDATES):
        used |= {NGRAM_PART: FEATURE_SETS[NGRAM_PART]} | COMPONENTS
    return used


def rows_of(X: dict[str, sp.csr_matrix], rows: np.ndarray) -> dict[str, sp.csr_matrix]:
    """The rows ``rows`` of every matrix of ``X`` (a matrix shared by several feature sets is cut once)."""
    cut: dict[int, sp.csr_matrix] = {}
    out = {}
    for fs, m in X.items():
        if id(m) not in cut:
            cut[id(m)] = m[rows]
        out[fs] = cut[id(m)]
    return out


def test_split(d: pd.DataFrame) -> np.ndarray:
    """True for the held-out posts listed in ``datasets/calls/heldout.csv``."""
    held = set(pd.read_csv(HELDOUT, dtype={"post_id": str})["post_id"])
    return d["post_id"].isin(held).to_numpy()


def pr(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    return {"n": int(len(y)), "calls": int(y.sum()), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else float("nan"),
            "recall": round(tp / (tp + fn), 3) if tp + fn else float("nan")}  # fmt: skip


def best_threshold(p: np.ndarray, y: np.ndarray, lang: np.ndarray | None = None) -> float:
    """The threshold with the best F1 on out-of-fold probabilities (ties: the higher one); with ``lang``, the best mean
    of the F1 within each of :data:`THRESHOLD_LANGUAGES`.

    Since session 8 it is the only decision rule: one threshold for every language (the lead's
    decision, recorded before the run; the per-language thresholds and the lexicon as a fallback
    of sessions 6 and 7 were measured to hurt twice on these labels).
    Session 12 (h75, fixed 04:41 UTC before the run): with ``lang`` (the posts' language groups, Serbian in either script
    one language as in :func:`weight_groups`), the threshold maximises the mean, over the languages of
    :data:`THRESHOLD_LANGUAGES` with at least :data:`MIN_LANG_CALLS` calls here, of each language's own F1, so that each
    language counts the same whatever its share of the labelled posts (the hidden test's calls are about a third per
    language; the labelled calls are mostly English). Without such a language: the pooled F1, as before.
    """
    y = np.asarray(y) == 1
    p = np.asarray(p, dtype=np.float64)
    cand = np.unique(np.round(p, 4))
    if not len(cand):
        return 0.5

    def f1(m: np.ndarray) -> np.ndarray:
        # F1 of the posts ``m`` at every candidate threshold: posts at or above it, all and calls.
        pr_ = np.sort(p[m])
        pos = np.sort(p[m & y])
        n_pred = len(pr_) - np.searchsorted(pr_, cand, side="left")
        tp = len(pos) - np.searchsorted(pos, cand, side="left")
        denom = n_pred + len(pos)
        return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)

    f = None
    if lang is not None:
        wg = weight_groups(lang)
        langs = [lg for lg in THRESHOLD_LANGUAGES if (y & (wg == lg)).sum() >= MIN_LANG_CALLS]
        if langs:
            f = np.mean([f1(wg == lg) for lg in langs], axis=0)
    if f is None:
        f = f1(np.ones(len(p), dtype=bool))
    # Ties go to the higher threshold, as the loop this replaces did.
    return float(cand[len(f) - 1 - int(np.argmax(f[::-1]))])


def weight_groups(lang: np.ndarray) -> np.ndarray:
    """The groups whose classes are balanced in training: the language, Serbian in both scripts as one."""
    lang = np.asarray(lang).astype(str)
    return np.where(np.char.startswith(lang, "Serbian"), "Serbian", lang)


def oof_decision(X: dict, y: np.ndarray, g: np.ndarray, gated: np.ndarray, C: float, fs: str, n_splits: int, seed: int, wg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold decision values (gated posts only; others -inf) and each post's fold (-1 outside the gate)."""
    out = np.full(len(y), -np.inf)
    fold = np.full(len(y), -1)
    idx = np.flatnonzero(gated)
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for k, (tr, te) in enumerate(cv.split(idx, y[idx], g[idx])):
        coef, b = fit_model(X[fs][idx[tr]], y[idx[tr]], C, fs, wg[idx[tr]], g[idx[tr]], seed)
        out[idx[te]] = X[fs][idx[te]] @ coef + b
        fold[idx[te]] = k
    return out, fold


def fit_model(X: sp.csr_matrix, y: np.ndarray, C: float, fs: str, wg: np.ndarray, g: np.ndarray, seed: int = SEED) -> tuple[np.ndarray, float]:
    """One fit of feature set ``fs``: :func:`detector.posts.call_model.fit_linear`, or for :data:`TWO_PART`
    :func:`detector.posts.call_model.fit_two_part` (its structure part cross-fitted over folds grouped by ``g``)."""
    if fs == TWO_PART:
        coef, icpt = cm.fit_two_part(X, y, C, cm.CallFeaturiser(**FEATURE_SETS[fs]).n_features, cv_groups=g, groups=wg, random_state=seed)
        return coef, icpt
    if fs in BLENDS:
        n_first = blend_ngram_columns()
        return cm.fit_blend(X, y, C, cm.CallFeaturiser(**FEATURE_SETS[fs]).n_features, n_first, BLENDS[fs], groups=wg)
    return cm.fit_linear(X, y, C, groups=wg, nonpositive=nonpositive_columns(fs, X.shape[1]), nonnegative=nonnegative_columns(fs, X.shape[1]))


def nonpositive_columns(fs: str, width: int | None = None) -> np.ndarray:
    """The columns of feature set ``fs`` whose weights are constrained to be at most 0 (its exclusion columns; session 11).

    With ``width``, none when the matrix is not the set's own (the blends' n-gram part reads session 9's columns only).
    """
    f = cm.CallFeaturiser(**(FEATURE_SETS | COMPONENTS)[fs])
    if width is not None and width != f._n_out():
        return np.zeros(0, dtype=np.int64)
    return cm.exclusion_columns(f)


def nonnegative_columns(fs: str, width: int | None = None) -> np.ndarray:
    """The columns of feature set ``fs`` whose weights are constrained to be at least 0: for the sets of :data:`SIGNED_SETS`
    (session 15), the columns that name a part of a call (:func:`detector.posts.call_model.part_columns`); none otherwise.

    With ``width``, none when the matrix is not the set's own.
    """
    if fs not in SIGNED_SETS:
        return np.zeros(0, dtype=np.int64)
    f = cm.CallFeaturiser(**FEATURE_SETS[fs])
    if width is not None and width != f._n_out():
        return np.zeros(0, dtype=np.int64)
    return cm.part_columns(f)

def blend_ngram_columns() -> int:
    """How many first columns of a blend's matrix its n-gram model reads (session 5's set as in session 9, without the exclusions)."""
    return cm.CallFeaturiser(**(FEATURE_SETS[NGRAM_PART] | {"exclusions": False}))._n_out()


def macro_ap(y: np.ndarray, d: np.ndarray, lang: np.ndarray) -> float:
    """Mean over the languages with at least MIN_LANG_CALLS calls of the average precision within each."""
    aps = [average_precision_score(y[m], d[m]) for lg in np.unique(lang) if (y[m := lang == lg].sum() >= MIN_LANG_CALLS)]
    return float(np.mean(aps)) if aps else float(average_precision_score(y, d))


def choose_and_fit(X: dict, y: np.ndarray, g: np.ndarray, gated: np.ndarray, lang: np.ndarray, seed: int = SEED, grid: list | None = None) -> dict:
    """Every choice on inner grouped folds of the given training posts, then the fit on all of them.

    The choice is the (C, feature set) with the best :func:`macro_ap` of the inner out-of-fold
    decision values; the calibration and threshold (since session 12, the best mean of the per-language F1s) come from them.
    Every fit balances the classes within each language and gives each language the same weight
    (:func:`detector.posts.call_model.balanced_weights`): the labelled sample was drawn in strata
    (README of balkan-posts), so a language's share of calls in it is not evidence.
    """
    scores = {}
    cache: dict[tuple[float, str], np.ndarray] = {}

    def oof(C: float, fs: str) -> np.ndarray:
        # A blend's out-of-fold values are its two models' (same seeded folds) combined: exactly the blended model's.
        if fs in BLENDS:
            w = BLENDS[fs]
            return w * oof(C, STRUCTURE_PART) + (1 - w) * oof(C, NGRAM_PART)
        if (C, fs) not in cache:
            cache[(C, fs)] = oof_decision(X, y, g, gated, C, fs, 3, seed, weight_groups(lang))[0]
        return cache[(C, fs)]

    for C, fs in grid if grid is not None else [(C, fs) for C in GRID_C for fs in CANDIDATES]:
        d = oof(C, fs)
        scores[(C, fs)] = (macro_ap(y[gated], d[gated], lang[gated]), d)
    (C, fs), (ap, d) = max(scores.items(), key=lambda kv: kv[1][0])
    a, b = cm.fit_platt(d[gated], y[gated])
    p = np.full(len(y), np.nan)
    p[gated] = 1 / (1 + np.exp(-(a * d[gated] + b)))
    base = (y[~gated].sum() + 1) / ((~gated).sum() + 2)
    p[~gated] = base
    # Posts outside the gate are never calls (their probability is the base rate, below any threshold chosen).
    # Session 12 (h75): the best mean of the per-language F1s, one threshold for every language.
    thr = best_threshold(p, y, lang)
    coef, icpt = fit_model(X[fs][np.flatnonzero(gated)], y[gated], C, fs, weight_groups(lang)[gated], g[gated], seed)
    # Session 12, reporting only: every (C, set)'s inner score, so that a run shows how close the candidates came.
    inner = {f"C={c:g}, {name}": round(v[0], 4) for (c, name), v in scores.items()}
    return {"C": C, "features": fs, "inner_ap": ap, "platt": (a, b), "threshold": thr, "base_rate": float(base),
            "coef": coef, "intercept": icpt, "inner_scores": inner}  # fmt: skip


def predict(fit: dict, X: dict, rows: np.ndarray, gated: np.ndarray) -> np.ndarray:
    p = np.full(len(rows), fit["base_rate"])
    gr = gated[rows]
    if gr.any():
        d = X[fit["features"]][rows[gr]] @ fit["coef"] + fit["intercept"]
        a, b = fit["platt"]
        p[gr] = 1 / (1 + np.exp(-(a * d + b)))
    return p


# The language groups every per-language figure is reported for, in this order.
LANGUAGE_GROUPS = ("Albanian", "Serbian Cyrillic", "Serbian/Bosnian/Croatian Latin", "English")

def verdict(fit: dict, X: dict, rows: np.ndarray, gated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of ``rows`` and the verdicts of the fit's threshold."""
    p = predict(fit, X, rows, gated)
    return p, p >= fit["threshold"]


def report(d: pd.DataFrame, pred: np.ndarray, lex: np.ndarray, pooled: np.ndarray | None = None) -> dict:
    """Precision and recall overall, per language and per source: the model's verdicts, the lexicon's, and (``pooled``,
    runs of sessions 6 and 7) the model's at its pooled threshold alone."""
    y = d.is_call.to_numpy()

    def block(m: np.ndarray) -> dict:
        b = {"model": pr(y[m], pred[m]), "lexicon": pr(y[m], lex[m])}
        return b | ({"pooled": pr(y[m], pooled[m])} if pooled is not None else {})

    out = {"overall": block(np.arange(len(d)))}
    for lg, sub in d.groupby("lang_group"):
        out[lg] = block(sub.index.to_numpy())
    for src, sub in d.groupby("source"):
        out["source:" + src] = block(sub.index.to_numpy())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--save", action="store_true", help="fit the final model on all labels and write detector/data/call-model.*")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--misses", help="write the outer-fold misses (with texts: keep outside the repo)")
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--quick", action="store_true", help="development only: one C and one feature set in the inner choice (figures not to be reported)")
    ap.add_argument("--write", action="store_true", help=f"replace the section {HEADING!r} of EVALUATION.md")
    ap.add_argument("--from-json", help="with --write: write the section from the figures of an earlier run (no training); "
                    "with --save: fit and save the final model with that run's outer-fold choices (no evaluation)")
    ap.add_argument("--jobs", type=int, default=1, help="run the outer folds of the nested CV in this many processes (the same figures)")
    ap.add_argument("--nested-only", action="store_true", help="the nested CV alone (with --save, the final fit): no fixed split, no hold-outs")
    ap.add_argument("--holdouts-only", action="store_true", help="the fixed split and the source and language hold-outs alone (no nested CV)")
    args = ap.parse_args(argv)
    if (args.nested_only or args.holdouts_only) and args.write:
        ap.error("--nested-only and --holdouts-only leave out figures the section reports: --write needs a full run (or --from-json of one)")
    if args.holdouts_only and (args.save or args.nested_only):
        ap.error("--holdouts-only makes no nested CV, which --save and --nested-only need")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.from_json and not args.save:
        from detector.io import replace_markdown_section

        replace_markdown_section(REPO / "EVALUATION.md", markdown(json.loads(Path(args.from_json).read_text())))
        return 0
    t0 = time.time()
    d = load_labelled(Path(args.labels))
    y = d.is_call.to_numpy().astype(int)
    g = d.group.to_numpy()
    norm = d["norm"].astype("string")
    gated = cm.gate(norm)
    lang = d["lang_group"].to_numpy()
    feats = fitted_features()
    X = transform_all(feats, norm, d["lang"].to_numpy(dtype=object))
    lex_pred = call_features(norm, normalised=True)["call_to_action"].to_numpy()
    res: dict = {"data": {"posts": int(len(d)), "calls": int(y.sum()), "groups": int(len(np.unique(g))),
                          "by_source": d.groupby("source").is_call.agg(["size", "sum"]).astype(int).to_dict("index")}}  # fmt: skip
    per_group = d[y == 1].groupby(["lang_group", "group"]).size()
    res["data"]["call_groups"] = {k: {"groups": int(v.size), "largest": int(v.max())} for k, v in per_group.groupby(level=0)}
    res["gate"] = {"calls_in_gate": int((gated & (y == 1)).sum()), "calls": int(y.sum()), "posts_in_gate": int(gated.sum())}
    # Session 11, reporting only (chooses nothing): the labelled posts on which a Kosovo or Gheg word added in session 11 fires.
    kos = np.asarray(Texts(norm).search(KOSOVO_ADDITIONS), dtype=bool)
    res["data"]["kosovo_additions"] = {lg: {"posts": int(kos[m].sum()), "calls": int(kos[m & (y == 1)].sum())}
                                       for lg in LANGUAGE_GROUPS if (m := lang == lg).any()}  # fmt: skip
    if any(FEATURE_SETS[fs].get("clusters") for fs in CANDIDATES):
        # Session 13, reporting only: the word-cluster table the candidate reads.
        from detector.posts import word_clusters

        wct = word_clusters.load()
        res["data"]["word_clusters"] = {"words": int(len(wct.words)), "sizes": list(wct.sizes), "sha256": word_clusters.file_sha256()}
    log.info("%d posts, %d calls, %d groups; gate keeps %d of %d calls", len(d), y.sum(), len(np.unique(g)), res["gate"]["calls_in_gate"], y.sum())

    if args.from_json:
        res = json.loads(Path(args.from_json).read_text()) | {"data": res["data"], "gate": res["gate"]}
    else:
        evaluate(res, d, X, y, g, gated, lang, lex_pred, args)
        if args.json:
            # Kept at once: the final fit below can be repeated from them (--save --from-json).
            Path(args.json).write_text(json.dumps(res, indent=2, default=str) + "\n")
    if args.save:
        # The shipped model takes the (C, feature set) that most outer folds chose, so that it is the model the
        # nested figures describe; its calibration and threshold come from inner folds of all posts.
        votes = Counter((c["C"], c["features"]) for c in res["nested_cv"]["choices"])
        pick = max(votes, key=lambda k: (votes[k], -list(votes).index(k)))
        fit = choose_and_fit(X, y, g, gated, lang, grid=[pick])
        features_obj = feats[fit["features"]]
        labels_sha = hashlib.sha256(Path(args.labels).read_bytes()).hexdigest()
        dev_sha = hashlib.sha256((BALKAN / "calls_labelled_dev.csv").read_bytes()).hexdigest()
        card = {
            "name": cm.MODEL_NAME,
            "trained": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
            "training_data": {"posts": int(len(d)), "calls": int(y.sum()), "calls_labelled_dev.csv sha256": dev_sha,
                              "datasets/calls/labels.csv sha256": labels_sha, "by_source": res["data"]["by_source"]},
            "choice": {"C": fit["C"], "features": fit["features"], "chosen by": f"{votes[pick]} of {sum(votes.values())} outer folds",
                       "inner_mean_language_average_precision": round(fit["inner_ap"], 3),
                       "weights": "classes balanced within each language (Albanian, Serbian in both scripts, English), each language the same total"},
            "metrics_nested_cv": res["nested_cv"]["overall"],
            # Session 16: the same outer predictions per language (the issue's targets are per language; `detector info` shows them).
            "metrics_nested_cv_by_language": {lg: res["nested_cv"][lg] for lg in LANGUAGE_GROUPS if lg in res["nested_cv"]},
            "versions": _versions(),
        }  # fmt: skip
        if fit["features"] in BLENDS:
            card["choice"]["fit"] = (f"blend (call_model.fit_blend) at C={fit['C']:g}: {BLENDS[fit['features']]:g} x the structure model (every 0/1 cue "
                                     f"column with the language-independent cues and the units, no n-grams) + {1 - BLENDS[fit['features']]:g} x the "
                                     f"n-gram model ({NGRAM_PART}), in log-odds")  # fmt: skip
        if len(nonpositive_columns(fit["features"])) and fit["features"] not in BLENDS and fit["features"] != TWO_PART:
            card["choice"]["fit"] = (f"L2 logistic regression at C={fit['C']:g} with the weights of the exclusion columns "
                                     f"({', '.join(cm.EXCLUSION_COLUMNS)}) constrained to be at most 0 (call_model.fit_linear, nonpositive)")  # fmt: skip
        if fit["features"] in SIGNED_SETS:
            parts = [cm.cue_column_names(features_obj)[j - features_obj.n_features] for j in nonnegative_columns(fit["features"])]
            card["choice"]["fit"] += (f"; the weights of the columns that name a part of a call ({', '.join(parts)}) constrained to be at "
                                      "least 0 (call_model.fit_linear, nonnegative; session 15)")
            # Reporting only: the part columns the bounds hold at 0 in the shipped fit.
            card["choice"]["parts_held_at_0"] = [c for c, j in zip(parts, nonnegative_columns(fit["features"]), strict=True) if fit["coef"][j] == 0]
        if FEATURE_SETS[fit["features"]].get("per_language"):
            card["choice"]["fit"] += (f"; every 0/1 column but the exclusions also copied into a block of the post's language group "
                                      f"({', '.join(cm.LANGUAGE_BLOCKS)}), each with a constant column: a cue's weight in a language is the "
                                      "shared weight plus the language's own deviation (session 12)")  # fmt: skip
        if FEATURE_SETS[fit["features"]].get("clusters"):
            card["choice"]["fit"] += ("; a bag of word clusters learnt without labels from the unlabelled posts (detector/data/word-clusters.npz, "
                                      "two granularities) after every other column (session 13)")  # fmt: skip
        if fit["features"] == TWO_PART:
            card["choice"]["fit"] = (f"two parts (call_model.fit_two_part), both at C={fit['C']:g}: the cue columns first; then the n-grams "
                                     "with the structure part's decision value (cross-fitted over 3 grouped folds) as a fixed offset")  # fmt: skip
        model = cm.CallModel(features_obj, fit["coef"], fit["intercept"], fit["platt"], fit["threshold"], fit["base_rate"], card)
        path = cm.save_model(model)
        log.info("saved %s (C=%s, features %s, threshold %.3f)", path, fit["C"], fit["features"], fit["threshold"])
        res["final"] = card["choice"] | {"threshold": fit["threshold"], "base_rate": fit["base_rate"]}
    res["seconds"] = round(time.time() - t0, 1)
    text = json.dumps(res, indent=2, default=str)
    # The figures first: a section that fails to render can be written again from them (--write --from-json).
    if args.json:
        Path(args.json).write_text(text + "\n")
    if args.write:
        from detector.io import replace_markdown_section

        replace_markdown_section(REPO / "EVALUATION.md", markdown(res))
    print(text)
    return 0


def _choice(fit: dict) -> dict:
    return {"C": fit["C"], "features": fit["features"], "threshold": round(fit["threshold"], 3)}


def heldout_split(held: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows to train on and to test on for the fixed held-out split.

    The test rows are the held-out posts; the training rows are the posts of every group that holds
    none of them. Since session 7: heldout.csv was drawn with narrower groups than :func:`groups`
    makes now (the Albanian corpus's authors join through shared texts), and later labels join
    held-out groups too, so a post that shares a group with a held-out post is left out of training.
    """
    held = np.asarray(held, dtype=bool)
    touched = np.isin(g, np.unique(g[held]))
    return np.flatnonzero(~touched), np.flatnonzero(held)


def language_split(lang: np.ndarray, g: np.ndarray, members: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Rows to train on and to test on when the languages ``members`` are left out.

    The test rows are the posts in those languages; the training rows are the posts of every group
    that holds none of them (a group with a test post, say an article and its translation, is out).
    """
    held = np.isin(lang, members)
    touched = np.isin(g, np.unique(g[held]))
    return np.flatnonzero(~touched), np.flatnonzero(held)


def evaluate(res: dict, d: pd.DataFrame, X: dict, y: np.ndarray, g: np.ndarray, gated: np.ndarray, lang: np.ndarray, lex_pred: np.ndarray, args: argparse.Namespace) -> None:
    """The nested CV, the fixed split, the source and language hold-outs: their figures into ``res``.

    Session 15 (for time): ``args.nested_only`` stops after the nested CV, ``args.holdouts_only`` makes the fixed split and
    the hold-outs alone; two runs of the same code, one of each, make the figures of one run. ``args.jobs`` processes
    share the independent fits (the outer folds; the split and the hold-outs), with the figures of one process.
    """
    # --quick (development only, never reported): one C and one feature set.
    grid = [(GRID_C[0], CANDIDATES[0])] if args.quick else None
    if not getattr(args, "holdouts_only", False):
        prob, pred = _nested(res, d, X, y, g, gated, lang, lex_pred, args.jobs, grid)
        if args.misses:
            _write_misses(args.misses, d, prob, pred, y)
        if args.nested_only:
            return

    # The fixed held-out split, the sources and the languages left out: every choice on inner folds of the training rows.
    tests = test_split(d)
    units = [("test_split", "", *heldout_split(tests, g))]
    units += [("source", src, np.flatnonzero(d.source.to_numpy() != src), np.flatnonzero(d.source.to_numpy() == src))
              for src in ("blokade", "albanian_dialect", "mozetic", "ira")]  # fmt: skip
    # Leave one language out: trained on the other languages only (no group that holds a post of the
    # language left out, so no translation of a test article either), choices on inner folds of those.
    units += [("language", name, *language_split(lang, g, members)) for name, members in LOLO.items()]
    res["source_holdout"], res["language_holdout"] = {}, {}
    for (kind, name, tr, te), (_, v, fit) in zip(units, _map_folds(X, y, g, gated, lang, [(tr, te) for _, _, tr, te in units], grid, args.jobs), strict=True):
        r = report(d.iloc[te].reset_index(drop=True), v, lex_pred[te])
        r["choice"] = _choice(fit)
        if kind == "test_split":
            left = np.setdiff1d(np.flatnonzero(~tests), tr)
            r["train"] = {"posts": int(len(tr)), "calls": int(y[tr].sum()), "left_out_posts": int(len(left)), "left_out_calls": int(y[left].sum())}
            res["test_split"] = r
            log.info("fixed test split: model %s lexicon %s", r["overall"]["model"], r["overall"]["lexicon"])
        elif kind == "source":
            res["source_holdout"][name] = r
            log.info("held out %s: model %s lexicon %s", name, r["overall"]["model"], r["overall"]["lexicon"])
        else:
            r["train"] = {"posts": int(len(tr)), "calls": int(y[tr].sum())}
            res["language_holdout"][name] = r
            log.info("language left out %s: model %s lexicon %s", name, r["overall"]["model"], r["overall"]["lexicon"])


def _nested(res: dict, d: pd.DataFrame, X: dict, y: np.ndarray, g: np.ndarray, gated: np.ndarray, lang: np.ndarray, lex_pred: np.ndarray,
            jobs: int, grid: list | None) -> tuple[np.ndarray, np.ndarray]:
    """The nested grouped CV: its figures into ``res["nested_cv"]``; returns the outer probabilities and verdicts."""
    pred = np.zeros(len(d), dtype=bool)
    prob = np.zeros(len(d))
    chosen = []
    outer = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    splits = list(outer.split(d, y, g))
    for k, ((_, te), (p_te, v_te, fit)) in enumerate(zip(splits, _map_folds(X, y, g, gated, lang, splits, grid, jobs), strict=True)):
        prob[te], pred[te] = p_te, v_te
        chosen.append({"fold": k, "C": fit["C"], "features": fit["features"], "threshold": round(fit["threshold"], 3), "inner_ap": round(fit["inner_ap"], 3),
                       "inner_scores": fit["inner_scores"]})  # fmt: skip
        log.info("outer fold %d: %s", k, chosen[-1])
    res["nested_cv"] = report(d, pred, lex_pred)
    res["nested_cv"]["choices"] = chosen
    # Session 10, reporting only (chooses nothing): the same outer predictions on the rows of calls_labelled_dev.csv, whose
    # three strata (protest words, random, hard negatives) are drawn as the hidden test set is.
    dev = np.flatnonzero(d.origin.to_numpy() == "dev")
    res["nested_cv"]["dev_rows"] = report(d.iloc[dev].reset_index(drop=True), pred[dev], lex_pred[dev])
    res["nested_cv"]["average_precision"] = round(float(average_precision_score(y, prob)), 3)
    # Calibration of the outer probabilities.
    bins = pd.cut(prob, [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0], include_lowest=True)
    cal = pd.DataFrame({"bin": bins, "y": y, "p": prob}).groupby("bin", observed=True).agg(n=("y", "size"), calls=("y", "sum"), mean_p=("p", "mean"))
    res["nested_cv"]["calibration"] = [{"bin": str(i), "n": int(r.n), "calls": int(r.calls), "mean_p": round(float(r.mean_p), 3)} for i, r in cal.iterrows()]
    return prob, pred


def _map_folds(X: dict, y: np.ndarray, g: np.ndarray, gated: np.ndarray, lang: np.ndarray, splits: list, grid: list | None, jobs: int) -> Any:
    """:func:`_outer_fold` of every ``(train, test)`` of ``splits``, in order: in ``jobs`` processes (session 15; each fit is its
    own and deterministic, so the results are those of one process), lazily."""
    if jobs > 1:
        from joblib import Parallel, delayed

        return Parallel(n_jobs=jobs, return_as="generator")(delayed(_outer_fold)(X, y, g, gated, lang, tr, te, grid) for tr, te in splits)
    return (_outer_fold(X, y, g, gated, lang, tr, te, grid) for tr, te in splits)


def _write_misses(path: str, d: pd.DataFrame, prob: np.ndarray, pred: np.ndarray, y: np.ndarray) -> None:
    """The outer-fold errors, with their texts (write outside the repository)."""
    miss = d.assign(prob=prob.round(3), pred=pred)[(pred != (y == 1))]
    miss[["post_id", "source", "lang", "is_call", "prob", "text"]].to_csv(path, index=False)


def _outer_fold(X: dict, y: np.ndarray, g: np.ndarray, gated: np.ndarray, lang: np.ndarray, tr: np.ndarray, te: np.ndarray,
                grid: list | None) -> tuple[np.ndarray, np.ndarray, dict]:
    """One outer fold of the nested CV: every choice on inner folds of ``tr``, then the probabilities and verdicts of ``te``."""
    fit = choose_and_fit(rows_of(X, tr), y[tr], g[tr], gated[tr], lang[tr], grid=grid)
    p, v = verdict(fit, X, te, gated)
    return p, v, fit



# Written at 11:33 UTC on 2026-12-01, before the one run whose figures are reported here (h92); the run's times and what
# was read after it were added after it ended.
SESSION14_DESIGN: list[str] = [
    "Session 14 (h92): no new candidate and no code change. The procedure is session 13's (the same five candidates, grid, "
    "folds, seed, threshold rule and final-fit rule); the only change is 7,318 more labelled posts in `datasets/calls/labels.csv` "
    "(4,209 read, 3,109 exact copies of them; 5 calls, all `unsure`), chosen by author, not by keyword list: every unlabelled "
    "post of the Albanian corpus's authors who have a labelled call, and a random control (`datasets/README.md`). Through "
    "shared authors and texts they enlarge the Albanian corpus's largest group of labelled posts from 3,962 posts to 10,824, "
    "and that group is one outer fold on its own: it tests 51 of the 68 Albanian calls with 17 Albanian calls in training "
    "(session 13: that fold tested 42 of 63 with 21 in training). So the nested Albanian figures below are not comparable "
    "with session 13's: the labels changed, and so did how much Albanian the largest fold learns from. 6,768 of the new rows "
    "share a group with a held-out post and are left out of the fixed split's training; it gains 435 posts and no call.",
]

# Written at 01:25 UTC on 2026-12-02, before the one run whose figures are reported here (h97).
SESSION15_DESIGN: list[str] = [
    "Session 15 (h97): one more candidate, the language-independent cues' set (\"lexicon+cues+transfer\", with the exclusion "
    "columns bounded above by 0 as since session 11) with **the parts of a call bounded below by 0** (\"lexicon+cues+transfer+signs\"): "
    "in every fit of it (inner folds, outer fits, fixed split, hold-outs, final fit) the weights of the columns that name a part of "
    "a call as the labelling definition states it (\"urges or invites readers to take part in a specific collective physical "
    "action\", its example naming a time and a place) may only raise a score. By part (`detector.posts.call_cues.PART_GROUPS`): an "
    "urge or invitation to readers (the lexicon's invitation words, the grammar's hortative and imperative, the language-independent "
    "invitation); the second person plural or everyone (the grammar's addressee, \"everyone\", \"you\"); a collective physical "
    "action (the lexicon's event words, the language-independent action word); a time (the lexicon's time words, the time and "
    "clock-time patterns, the grammar's and the language-independent near time); a place (the lexicon's place words, the place and "
    "town patterns); and the two unit columns of session 7 where a set has them (this one has not): 17 columns. Left free: the "
    "n-grams, the topic cues, the report cues (past tense, news markers), questions and chatter, the announcement words (the "
    "definition counts an announcement only in the organiser's voice, which they do not tell from a reporter's), the collective "
    "nouns (\"citizens\", \"students\": third person as often as an address), and every crossing of parts (in a linear model with "
    "the parts, a crossing's weight corrects their sum and may be negative). Why: with few Albanian calls and many Albanian news "
    "posts about protests labelled 0, a fit can learn \"an action word, or a clock time, says it is not a call\" in the shared "
    "weights; the definition says these are parts of a call, so the prior forbids that sign, as session 11 forbade the other sign "
    "for what the definition excludes and as the account model's monotone constraints do. The fit is session 11's active set, "
    "generalised to bounds of both signs (`detector.posts.call_model.constrain_signs`; with upper bounds alone it takes session "
    "11's steps bit for bit). The features are those of \"lexicon+cues+transfer\" (one matrix), so the comparison with it is the "
    "bounds alone. Session 13's five candidates, the grid, the folds, the seed, the threshold rule and the final-fit rule are "
    "unchanged, on session 14's labels.",
]

# Written from 01:25 UTC on 2026-12-02, before the one run whose figures are reported here (h97); the run's times and what
# was read after it were added after it ended.
SESSION15_DISCLOSURE: list[str] = [
    "What was seen before deciding (session 15, disclosed): the lead proposed the idea (the symmetric prior to session 11's "
    "bounds) and named the parts; h97 chose the columns by name and meaning from the definition's wording and fixed them in "
    "writing at 01:25 UTC (notes of h97; a miscount of them, 18 for 17, corrected at 01:40), before any code of it existed and "
    "before any labelled post was scored with it, never from fitted weights or errors. h97 had read, before choosing, the whole "
    "of this section as session 14 left it (its figures, choices per fold, hold-outs and paragraphs on what the model gets "
    "wrong, among them many Albanian news posts about protests and missed Albanian calls with a day, an hour and a square) and "
    "the balkan-posts README's definition, so the idea is not independent of session 14's figures; no run JSON or outer error "
    "file of an earlier run was opened. Before the run the new code was tested on synthetic data and sentences written for the "
    "tests, its solver timed on unlabelled posts with synthetic labels (time only), and its code path run once on made-up "
    "sentences with made-up labels. A first run of the whole procedure (01:37 UTC, under the shared CPU "
    "lock; commit 50a2635 of h97's branch, 46d160a on main after rebasing) was stopped by h97 at 02:05 because, on the shared machine, it would have ended after the session's landing "
    "time; it had printed one line, outer fold 0's choice (the new candidate at C=256) with every candidate's inner score, "
    "which was read. The procedure was then run again unchanged, in two parts (`--jobs 2`: the independent fits shared by two "
    "processes, which give the figures of one, checked on made-up sentences): the nested CV and the final fit "
    "(`--nested-only --save`, 02:06-02:35 UTC, commit bdded7f of h97's branch, 3c99146 on main after rebasing) and the fixed split with the source and language hold-outs "
    "(`--holdouts-only`, 02:16-02:38 UTC, commit 4221d8a, fa18407 on main, which adds that option and lets the hold-outs share the processes: the same JSON as bdded7f's code on made-up sentences), both under the lock, other helpers' tests beside them; their two JSON "
    "files were joined into one and this section rendered from it with `--write --from-json`. Each outer fold's choice and "
    "each hold-out's figures were printed as they ended and read then. After the runs the final fit's weights on the part "
    "columns were compared with the shipped model's and it was scored on the five sentences. Nothing in the procedure, the "
    "candidates or the shipped model was changed after the first run started.",
]


# Written by the lead of session 16 on 2026-12-02, after the repeat ended (nothing in it was chosen on its figures).
SESSION16_DISCLOSURE: list[str] = [
    "Session 16 (the lead, disclosed): no new candidate and no change to the procedure, its code or its labels. Session 15's "
    "two JSON files did not survive the move to a new machine, and this section is rendered only from a run's figures, so "
    "session 15's procedure was run again unchanged at commit eda6bc9, in the same two parts (`--nested-only --save --jobs 2`, "
    "12:46-12:52 UTC; `--holdouts-only --jobs 2`, 12:53-13:03 UTC; under the lock, two helpers' small tests beside them), "
    "and this section rendered from their joined JSON with `--write --from-json`. Every outer fold's choice and threshold, "
    "every count and the final fit (threshold 0.2814, the same two part columns held at 0) are session 15's; the lead checked "
    "the nested counts (156 / 49 / 81) and the choices against the section session 15 left before rendering. The final fit "
    "is now shipped, as session 15 said the rule requires. Before the repeat, an attempt to make the final fit alone "
    "(`--save --from-json` of the five outer choices copied from this section) stopped on a missing key before fitting "
    "anything. The lead had read the whole section as session 15 left it; nothing was chosen on any figure.",
]

# Written at 18:43 UTC on 2026-11-30, before the one run whose figures are reported here (h38).
SESSION8_DISCLOSURE = [
    "What was seen before deciding (session 8, disclosed): the lead decided at 18:25 UTC, before any run of this session, "
    "to remove the per-language decision rules (a threshold of each language's own, the lexicon's verdict as a fallback) "
    "from the candidates. That decision was informed by sessions 6 and 7's figures on these same labels, where the rules "
    "were measured to hurt (session 6: 0.73 / 0.66 against 0.81 / 0.64 at one threshold; session 7: the same 158 calls "
    "found with 6 more false ones), so it is not independent of them. The candidate list was fixed at 18:43 UTC, before "
    "the one run reported here and before any model of this session was scored on a labelled post: session 5's set, the "
    "language-independent cues with and without n-grams (as in session 7), and ONE new candidate, the two-part model "
    "(above), chosen for what carries across languages and sources and not on any figure: a call written with a time, a "
    "place and everyone, or an invitation, should score as a call in a language or a source the n-grams never saw. Its "
    "structure part's C (the grid's, as for the n-gram part: it is the model without n-grams), the fixed offset and the "
    "cross-fitting over 3 grouped folds were fixed with it, without a run (its form, a fixed offset rather than a freely weighted column and the grid's C "
    "rather than a constant, was settled on synthetic data only). Session 7's unit set (\"lexicon+cues+units\") was dropped, to keep the list small and the run within the "
    "shared machine's time: no outer fold and no source or language hold-out chose it in session 7 (only the fixed split's inner folds did; "
    "a fact read from that session's run), "
    "and its two columns are in the two-part model's structure part. Before the run the fit was tested on synthetic "
    "data, its solver timed on the labelled posts' matrix (time only, no model's figure computed), and the code paths "
    "were run once on 1,500 labelled posts with shuffled labels (figures meaningless, read only to see the run end). The lead's two missed sentences were scored with session 7's shipped model "
    "to see which columns fire (the first has no invitation word, so the lexicon's invitation crossing does not fire). "
    "The run (18:57-19:19 UTC) printed each outer fold's choice and the fixed-split and hold-out figures while it ran, "
    "and they were read then; its misses were read after it ended, to write the paragraphs below. Nothing in the "
    "procedure, the candidates or the shipped model was changed after the run started.",
]

# Written from 20:47 UTC on 2026-11-30, before the one run whose figures are reported here (h42); the run's times and
# what was read after it were added after it ended.
SESSION9_DISCLOSURE = [
    "What was seen before deciding (session 9, disclosed): the candidate list and the design changes were fixed in writing at "
    "20:47 UTC (notes of h42), before the one run reported here and before any model of this session was scored on a labelled "
    "post. The candidates: session 8's four (none dropped: session 8's run with all four took 22 minutes) and ONE new one, the "
    "blend (above), proposed by the lead for what carries across languages and sources, not on any figure: in session 8, h38 "
    "found that only the model without n-grams scores both of the lead's missed sentences as calls. Two fixes change the "
    "columns of every candidate, both from grammar and prompted by the lead's sentences, not by labelled posts: the grammar's "
    "near-time column (\"soon\") now reads every weekday as a time adverbial (Albanian \"të hënën\" ... \"të dielën\", Serbian "
    "\"u ponedeljak\" ... \"u nedelju\" and \"ove subote\", English \"on Monday\", \"next Tuesday\"; before, three days in each "
    "language), with the day words `call_cues` has had since session 5; and the Serbian \"marš\" of `call_cues` (the lexicon's "
    "event words and the language-independent event cue) reads the words that make \"mars\" the Albanian month as whole words, "
    "as the extraction's copy did since session 8 (\"protestni marš\" was read as the month, since \"protestni\" ends in "
    "\"i\"); the copy is gone. The unit column \"an invitation or everyone, with a time and a place\" (session 7) already "
    "existed and fires on \"Sutra u 18h svi ispred Skupštine\"; the blend's structure part reads it. Before the run, "
    "the new code was tested on synthetic data and on sentences written for the tests (never a corpus post), and session 8's "
    "shipped model was scored on the lead's two sentences and the issue's three, to see which columns fire. The run "
    "(20:49-21:21 UTC, `--save --write`) printed each outer fold's choice and the fixed-split and hold-out figures while it "
    "ran, and they were read then; its misses were read after it ended, to write the paragraphs below, and the shipped "
    "model (and, to see what the refit changed, session 8's weights on session 9's columns) was scored on the five "
    "sentences again. Nothing in the procedure, the candidates or the shipped model was changed after the run started.",
]


# Written from 04:05 UTC on 2026-12-01, before the one run whose figures are reported here (h71); the run's times and
# what was read after it were added after it ended.
SESSION12_DISCLOSURE: list[str] = [
    "What was seen before deciding (session 12, disclosed): the design was fixed in writing at 04:05 UTC (notes of h71), "
    "before any model of this session was scored on a labelled post. The lead proposed three ideas to weigh: language-balanced "
    "fitting (in every fit since session 5 already: `calls_eval.weight_groups`, `call_model.balanced_weights`), a column for "
    "the organiser's announcement \"a time, a place and everyone, an invitation or an event word\" (the two unit columns of "
    "session 7 and crossings of the cues already; the units set has been a candidate since session 10 and no outer fold chose "
    "it), and a threshold per language (removed in session 8; not repeated without a new reason); h71 chose the per-language "
    "cue weights instead. h71 had read, before choosing, the whole of this section as session 11 left it (its figures, weights "
    "and paragraphs on what the model gets wrong), sessions 10 and 11's notes and the composition of `calls_labelled_dev.csv` "
    "by source and language (counts only), and had scored the shipped model on the five sentences of the issue and the lead "
    "with each firing column's weight (the first has no invitation word; the second loses 0.45 in log-odds to the shared "
    "weight of \"an event word with a near time\"), so the idea is not independent of them; no outer error of an earlier run "
    "was opened. Before the run the new code was tested on synthetic data and sentences written for the tests, and its code "
    "paths were run once on made-up sentences with made-up labels. The run (04:09-04:25 UTC, `--save`, at commit a28eb6a of "
    "h71's branch, e4b2b05 on main after rebasing, under the shared CPU lock, other helpers' tests beside it; this section rendered afterwards with `--write "
    "--from-json`) printed each outer fold's choice and the fixed-split and hold-out figures while it ran, and they were read "
    "then. After it ended, its outer errors were compared with session 11's by post id, and, for the paragraph below only "
    "(nothing was chosen on it), the inner folds' score of every candidate on all labelled posts was computed. Nothing in the "
    "procedure, the candidates or the shipped model was changed after the run started.",
    "",
    "What was seen before deciding (session 12, second run, disclosed): the lead asked for one principled change of how the "
    "threshold is chosen, suggesting the mean of the per-language F1s or a pooled F1 with each language weighted alike. h75 "
    "fixed the rule in writing at 04:41 UTC (notes of h75), before any labelled post was scored with it, having read h71's "
    "and h61's notes (so every figure of the first run above: the nested, dev-row, fixed-split and hold-out figures, and the "
    "threshold 0.336), this section's text as the first run left it, and the balkan-posts README; no run JSON or outer "
    "error file of an earlier run was opened before the run, and no threshold rule was tried on a labelled post. The rule is "
    "the lead's first suggestion and h71's, so it is not independent of the first run's per-language figures (Albanian "
    "precision 0.53 against English 0.88). Before the run it was tested on synthetic probabilities only. The run "
    "(04:42-05:09 UTC, `--save`, at commit 9850b20 of h75's branch, f390432 on main after rebasing, under the shared CPU lock, other helpers' jobs beside "
    "it; this section rendered afterwards with `--write --from-json`) printed each outer fold's choice and threshold and "
    "the fixed-split and hold-out figures while it ran, and they were read then; after it ended, its outer errors were "
    "compared with the first run's by post id and the changed ones read, to write the paragraphs below, and the 14 "
    "unread IRA posts of the case study's samples were read. Nothing in the procedure or the shipped model was changed "
    "after the run started.",
]


# Session 10's candidates and columns (h50; written before the run, fixed at 22:59 UTC).
SESSION10_DESIGN = [
    "Session 10: the candidates are three, each at C = 16, 64 or 256: session 5's set (\"lexicon+cues\"), the same with the "
    "language-independent cues (\"lexicon+cues+transfer\"), and session 5's set with the two unit columns of session 7 "
    "(\"lexicon+cues+units\": an invitation or a call on everyone with a time and a place; an action with a time and an "
    "invitation or everyone), now zeroed where the post names a non-political event, a TV broadcast or the month March with "
    "figures. The set without n-grams, the two-part model and the blends are no longer candidates: no outer fold chose them "
    "in session 8 or 9 (their code stays). Every candidate reads, after all its other columns, the **exclusion columns** of "
    "`detector/posts/call_cues.py` (`EXCLUSION_COLUMNS`), the kinds the labelling definition says are not calls, written "
    "from the definition, its list of keyword traps, grammars and general knowledge in Albanian, Serbian and English: an "
    "invitation to a non-political event (a concert, festival, fair, match, parade, carnival, clean-up, motorsport rally, "
    "tournament, exhibition); figures and markets (a quarter, GDP, inflation, percentages, shares, a blocked bank account); "
    "the month March (after a preposition of time, beside a day number or a year) and March with figures (finance news); a "
    "live word with a TV word (a broadcast); a third person calling on third parties (\"the opposition calls on citizens\"), "
    "with no second person; and an invitation's shape with any of them (weighted like the topic crossings).",
]

# Session 11's design (h61; written before the run, fixed at 01:25 UTC with amendments at 01:52 and 01:55).
SESSION11_DESIGN = [
    "Session 11: the same three candidates, with two changes to every one of them. (1) The weights of the seven exclusion "
    "columns are **bounded above by 0** in every fit (inner folds, outer fits, hold-outs and the final fit): they name what "
    "the labelling definition says is not a call, so they may only lower a score (session 10's fit gave the month March "
    "+1.1 and an invitation's shape with an excluded kind +2.6 in log-odds). The fit is liblinear's as before; where a "
    "bounded weight comes out positive, the minimum of the same objective under the bounds is found by an active set over "
    "the bounded columns (the positive ones held at 0, the rest minimised again by a trust-region Newton method from the "
    "previous solution with liblinear's stopping rule; a held column freed when the objective would fall below 0; until "
    "neither happens: `detector.posts.call_model.constrain_nonpositive`). (2) Kosovo's Gheg Albanian and Serbian in the "
    "word lists of the lexicon, the language-independent cues, the grammar cues, the political topic and the gate "
    "(`call_cues.KOSOVO_ADDITIONS`), written from knowledge of the languages and the region, not from labelled posts: the "
    "Gheg \"t'\" and \"n'\" for \"të\" and \"në\" (\"t'u dalim\", \"t'mblidhemi\", \"n'orën 18\", \"n'sheshin\", "
    "\"t'shtunën\"), the infinitive \"me u bashkue\", \"hajt\", \"krejt\", \"ju pritim\", \"nesre\"; the Ibar bridge of "
    "Mitrovica (\"ura e Ibrit\", \"most na Ibru\"), Gazimestan, the Jarinje crossing, Zvečan, Leposavić, Zubin Potok, "
    "Gračanica, the squares of Prishtina (Zahir Pajaziti, Nëna Terezë, Adem Jashari), the barricades of North Kosovo, "
    "Kosovo's parties and the international missions. Prishtina, Mitrovica, Prizren, Peja, Gjakova, Ferizaj and Gjilan "
    "were in the towns pattern already; the extraction is not changed. The labelled posts hold no tweet from Kosovo (the "
    "Albanian corpus's authors are from Albania and North Macedonia), so the run can only show these words inert or "
    "helpful on the posts there are; how many of them the words fire on is given below the table.",
]

# Written from 22:59 UTC on 2026-11-30, before the one run whose figures are reported here (h50); the run's times and
# what was read after it were added after it ended.
SESSION10_DISCLOSURE: list[str] = [
    "What was seen before deciding (session 10, disclosed): the candidate list and the exclusion columns were fixed in "
    "writing at 22:59 UTC (notes of h50), before the one run reported here and before any model of this session was "
    "scored on a labelled post. The lead proposed both (a candidate that reads the unit columns, which fire on \"Sutra u "
    "18h svi ispred Skupštine\" and \"Ejani të gjithë në protestë të hënën\", missed by session 9's model; cues of the "
    "definition's exclusions and of two false-call kinds named in session 9's notes, finance news naming March and a TV "
    "final announced \"live\"); h50 chose to put the exclusion columns in every candidate rather than make them one (they "
    "transcribe the labelling definition, and a with-and-without pair of each set would double the grid on 232 calls) and "
    "to zero the units where an exclusion is named. Their words come from the definition, its keyword traps, grammars and "
    "general knowledge, not from labelled posts; but h50 had read session 9's paragraphs below on what the model gets "
    "wrong (festivals, parades, clean-ups, a car rally, campaign rallies announced with a \"live\" word, finance news "
    "naming March), so the choice of kinds is not independent of session 9's errors. One pattern was corrected before the "
    "run on a sentence written for the tests (a blocked bank account with two words between). Before the run the new "
    "code was tested on synthetic data and sentences written for the tests, and session 9's shipped model was scored on "
    "the five sentences. The run (23:46-00:13 UTC, `--save --write`, at commit 08894bc, under the shared CPU lock; other "
    "helpers' tests ran beside it) printed each outer fold's choice and the fixed-split and hold-out figures while it ran, "
    "and they were read then. After it ended, the shipped model was scored on the five sentences, its weights on the "
    "exclusion columns and on the lead's two sentences' columns were read, and its outer errors were compared with session "
    "9's by post id and language (counts only; they were not re-read by kind, below). Nothing in the procedure, the "
    "candidates or the shipped model was changed after the run started.",
]


# Session 12's design (h71; written before the run, fixed at 04:05 UTC).
SESSION12_DESIGN = [
    "Session 12: one more candidate, session 5's set (with the exclusion columns, bounded as in session 11) with **per-language "
    "cue weights** (\"lexicon+cues+per-language\"; `detector.posts.call_model.CallFeaturiser(per_language=True)`): every 0/1 "
    "column but the exclusions (the lexicon's parts, grammar, time and place patterns, topics, their crossings and shapes) is "
    "kept as it is and copied once more into a block of the post's language group (Albanian; Serbian in both scripts, with "
    "Bosnian and Croatian; English), each block with a constant column of its own; the other blocks are 0, and a post of "
    "another language reads the shared columns only. A cue's weight in a language is then its shared weight plus that "
    "language's deviation, and the L2 penalty keeps a deviation small unless the language's labels ask for it (feature "
    "augmentation, Daumé III 2007, \"Frustratingly easy domain adaptation\"): the languages pool their evidence where they "
    "agree and part where they do not. Why: every cue column had one weight for all three languages, which session 5's "
    "counts (\"Leave one language out\", below) say they do not share: an event word is in most English and Serbian calls "
    "and in a quarter of the Albanian ones, a clock time in most Albanian calls. The n-grams and the exclusion columns are "
    "not copied. Session 11's three candidates are unchanged, so that the comparison with session 11 is this candidate "
    "alone (and the folds' choices). A post's language is the corpus's own here; the posts job takes the input's language "
    "or detects it.",
    "",
    "Session 12, second run (h75): **the one threshold** for every language is chosen by the best **mean of the per-language "
    "F1s** on the inner out-of-fold probabilities, instead of the best F1 over all of them (`calls_eval.best_threshold`). The "
    "languages are the fit's: Albanian, Serbian in both scripts (with Bosnian and Croatian), English; a language enters the "
    "mean when the posts it is chosen on hold at least 5 of its calls (the rule of the (C, set) choice), and with none the "
    "pooled F1 decides; ties go to the higher threshold. It is made wherever a threshold is (every outer fold's inner folds, "
    "the fixed split, the hold-outs, the final fit), so nothing leaks and the shipped threshold comes from the same rule. "
    "Why: the hidden test's calls are about a third each Albanian, Serbian Cyrillic and English (the strata of "
    "`calls_labelled_dev.csv`) and the targets are per language, and the (C, set) is already chosen by the mean "
    "per-language average precision and every fit gives each language the same weight; the pooled threshold was the one "
    "choice still set by a pool whose calls are 62% English (144 of 232, most of them IRA tweets, a source the test does not "
    "hold). The Platt calibration is unchanged (pooled): it is monotone, so with one threshold chosen on its output it decides "
    "no verdict. The candidates, the grid, the folds and the seed are the first run's, so the outer choices and scores are "
    "its own, and the comparison is the threshold rule alone.",
]

# Session 13's design (h81; written before the run, fixed at 07:04 UTC).
SESSION13_DESIGN = [
    "Session 13: one more candidate, session 5's set (with the exclusion columns, bounded as in session 11) with a **bag of word "
    "clusters learnt without labels** (\"lexicon+cues+clusters\"; `detector.posts.call_model.CallFeaturiser(clusters=True)`, "
    "`detector/posts/word_clusters.py`). Every other candidate learns the weight of a word only from the labelled posts (63 "
    "Albanian calls), so a call written with a synonym, another inflection or a place the labels never showed gets no n-gram "
    "weight. Words used in the same contexts are grouped from the ~240,000 unlabelled posts the n-grams' idf is learnt from "
    "(every post of the three balkan-posts files and the same seeded 100,000 IRA tweets), and the model reads, for each post, "
    "how often each group occurs in it, so that a weight learnt for one word applies to every word of its group (Brown-cluster "
    "features, Turian, Ratinov and Bengio 2010, \"Word representations: a simple and general method for semi-supervised "
    "learning\"). How, every setting fixed before any labelled post was scored: the word tokens of the normalised texts (both "
    "scripts and diacritics folded; URLs and user names are placeholders), each distinct text once; the words in at least 5 "
    "distinct texts by at least 3 authors; their co-occurrences within 5 tokens; positive PMI with the context distribution "
    "raised to 0.75, a truncated SVD of 100 dimensions scaled by the square root of the singular values (Levy, Goldberg and "
    "Dagan 2015); k-means of the unit-length word vectors into 64 and into 1,024 clusters (the 6- and 10-bit prefixes of "
    "Brown clusters that Ratinov and Roth 2009 use). A post's block, after every other column: per granularity, its clusters' "
    "counts over the first 600 characters, sqrt(tf) times the cluster's idf, unit length, each granularity times 1/sqrt(2), so "
    "that the block weighs like the n-gram block; the n-grams stay (Turian et al. add cluster features to the word features). "
    "The representations read no label, so they are learnt once on all unlabelled text, and the labelled posts' own texts are "
    "among it (the dev set and `labels.csv` are drawn from these files), as for the idf: no label leaks, the texts do. What "
    "ships is `detector/data/word-clusters.npz` (built by `bench/word_clusters.py`; words, cluster ids and the clusters' idf, "
    "never a text); a model that reads it records its content's SHA-256 in its card. Session 12's four candidates are "
    "unchanged, so that the comparison is this candidate alone (and the folds' choices).",
]

# Written from 07:04 UTC on 2026-12-01, before the one run whose figures are reported here (h81); the run's times and what
# was read after it were added after it ended.
SESSION14_DISCLOSURE: list[str] = [
    "What was seen before deciding (session 14, disclosed): the draw was fixed in writing at 11:27 UTC and extended at "
    "11:30 UTC, after the first 1,320 posts were read (0 calls among them), to the rest of the same pool (notes of h92). "
    "The 4,209 posts were read in one pass by h92, an AI agent of the team, in batches of 100, between 11:27 and 11:31 UTC: "
    "about 90 seconds of reading for 4,209 texts, in bulk, not a slow careful reading, and no second reader. The lead's "
    "keyword audit afterwards (reporting only, no label changed) found one post, a party youth meeting with the candidates' "
    "team and \"we await you\", labelled 0 where the earlier passes' convention (campaign events announced by the party: 1, "
    "`unsure: campaign`) might give 1: a possible inconsistency, not corrected. The group and fold structure above was "
    "computed before the run, without any model. The run (11:32-11:56 UTC, `--save`, the machine shared) printed each outer "
    "fold's choice and the hold-out figures as it ran; they were read after it ended, to write the paragraphs below. Nothing "
    "was changed after the run started.",
]

SESSION13_DISCLOSURE: list[str] = [
    "What was seen before deciding (session 13, disclosed): the design was fixed in writing at 07:04 UTC (notes of h81), before "
    "any code of it existed and before any labelled post was scored with it. The lead proposed the idea (word representations "
    "learnt without labels from the unlabelled posts, aimed at Albanian recall, e.g. PPMI and a truncated SVD, clusters or "
    "mean embeddings); h81 chose every setting, the bag of clusters over a post's mean embedding, and one candidate only. "
    "h81 had read, before choosing, the whole of this section as session 12 left it (its figures and its paragraphs on what the "
    "model gets wrong), h71's and h75's notes (with h71's post-hoc inner scores per language, where Albanian is the lowest) and "
    "the balkan-posts README; no run JSON or outer error file of an earlier run was opened. Before the run the table was "
    "built (no label read) and the clusters of a few words were looked at, to see that the code works (they are topical: "
    "the Serbian word for protest shares its cluster with the words of the student site's announcements, the Albanian "
    "\"come\" with words of festivals and evenings out); nothing was changed after it. The code was tested on synthetic text, "
    "and its paths were run once on 1,500 labelled posts with shuffled labels (figures not printed). The run (07:35-07:53 UTC, "
    "`--save`, at commit b41ab92 of h81's branch, 0e1ec1f on main after rebasing, under the shared CPU lock, other helpers' tests beside it; this section "
    "rendered afterwards with `--write --from-json`) printed each outer fold's choice with every candidate's inner score and "
    "the fixed-split and hold-out figures while it ran, and they were read then. After it ended, its outer errors were "
    "compared with session 12's by post id, and, for the paragraph below only (declared in writing before the run ended; "
    "nothing was chosen on it), the inner folds' score of every candidate on all labelled posts was computed, per language. "
    "Nothing in the procedure, the candidates or the shipped model was changed after the run started.",
]

# Written after the run (h61): its times and what was read after it.
SESSION11_DISCLOSURE: list[str] = [
    "What was seen before deciding (session 11, disclosed): the design was fixed in writing at 01:25 UTC (notes of h61), "
    "before any model of this session was scored on a labelled post, and amended twice before the run: at 01:52 the bounded "
    "fit's solver (an active set with liblinear's Newton method, after L-BFGS-B was timed at 4 to 10 times a liblinear "
    "fit on 5,300 unlabelled posts with synthetic labels, no labelled post) and the units set dropped to fit the CPU slot; "
    "at 01:55 the units set restored, the slot being free (the account model's run had ended). The lead proposed both "
    "changes (the bounds, after session 10's wrong-sign weights; the Kosovo words, because the hidden test holds Kosovo "
    "tweets that `../shared` does not); h61 chose the bounded solver and every word. h61 had read, before choosing, the "
    "whole of this section as session 10 left it (its figures, its weights on the exclusion columns and its paragraphs on "
    "what the model gets wrong, among them \"dialect pleas from North Macedonia\" and campaign calls with a day, an hour "
    "and a square), so the choice to add Gheg forms is not independent of them; the words come from knowledge of Gheg "
    "and of Kosovo's places and politics, none from a labelled post. Before the run the new code was tested on "
    "synthetic data and sentences written for the tests, and session 10's shipped model was scored with the new word "
    "lists on the five sentences of the issue and the lead (unchanged: 0.216, 0.301, 0.703, 0.540, 0.909). The run "
    "(01:55-02:04 UTC, `--save`, at commit d1c4d54 of h61's branch, c32ffd0 on main after rebasing, under the shared CPU lock, other helpers' tests beside it; this section "
    "rendered afterwards with `--write --from-json`) printed each outer fold's choice and the fixed-split and hold-out "
    "figures while it ran, and they were read then. After it ended, the shipped model was scored on the five sentences and "
    "on the two finance items below, its weights on the exclusion columns were read, its outer errors were compared with "
    "session 10's by post id, and the 22 errors that are new were read, to write the paragraph below on them. Nothing in "
    "the procedure, the candidates or the shipped model was changed after the run started.",
]


def _row(name: str, r: dict) -> str:
    m, lx = r["model"], r["lexicon"]
    one = f" {r['pooled']['precision']:.2f} / {r['pooled']['recall']:.2f} |" if "pooled" in r else ""
    return (f"| {name} | {m['n']:,} | {m['calls']} | **{m['precision']:.2f}** | **{m['recall']:.2f}** | {m['tp']}/{m['fp']}/{m['fn']} |{one} "
            f"{lx['precision']:.2f} | {lx['recall']:.2f} | {lx['tp']}/{lx['fp']}/{lx['fn']} |")  # fmt: skip


def _table(block: dict) -> list[str]:
    one = "pooled" in block.get("overall", {})
    lines = ["| posts | n | calls | precision | recall | tp/fp/fn |" + (" one threshold P / R |" if one else "")
             + " lexicon precision | lexicon recall | lexicon tp/fp/fn |", "|---|---|---|---|---|---|" + ("---|" if one else "") + "---|---|---|"]  # fmt: skip
    keys = ["overall"] + sorted(k for k in block if k not in ("overall", "choice", "choices", "average_precision", "calibration"))
    return lines + [_row(k, block[k]) for k in keys if isinstance(block.get(k), dict) and "model" in block[k]]


def _rules_md(choice: dict) -> str:
    """The per-language rules of one choice, in words ("" when every language keeps the pooled threshold)."""
    parts = []
    for g, r in sorted(choice.get("rules", {}).items()):
        how = f"its own threshold {r['threshold']:.2f}" if r["own"] else f"the pooled threshold {r['threshold']:.2f}"
        parts.append(f"{g} {how}" + (" or the lexicon" if r["or_lexicon"] else ""))
    return (" (" + "; ".join(parts) + ")") if parts else ""


def _heldout_training(ts: dict) -> str:
    """What the fixed split trains on (runs before session 7 trained on every post not held out)."""
    t = ts.get("train")
    if not t:
        return "Trained on the rest. "
    return (f"Trained on the {t['posts']:,} posts ({t['calls']} calls) of the groups that hold no held-out post. Since session 7 a "
            f"post that shares a group with a held-out post is left out of training ({t['left_out_posts']:,} posts, "
            f"{t['left_out_calls']} calls): `heldout.csv` was drawn with narrower groups than the splits use now (the Albanian "
            "corpus's authors join through the texts they share), and 895 of the posts labelled in session 6 share a group "
            "with held-out posts (545 of them share an author with one; none is a call). Earlier runs trained on the older "
            "ones, so the split's figures before session 7 may flatter the model. ")  # fmt: skip


def _cg(res: dict, lang: str) -> str:
    c = res["data"].get("call_groups", {}).get(lang)
    return f"{c['groups']} groups, and the largest group holds {c['largest']} of them" if c else "n/a"


def markdown(res: dict) -> str:
    """The EVALUATION.md section, from the figures of one run."""
    n = res["nested_cv"]
    out = [HEADING, "",
           "Produced by `bench/calls_eval.py --write` (the figures below are computed there, none typed by hand).",
           f"Labelled real posts: {res['data']['posts']:,} ({res['data']['calls']} calls to action) in {res['data']['groups']} groups "
           f"(a group joins the posts of one author, copies of one text, texts that share their first {PREFIX_CHARS} characters "
           "(copies cut short at different lengths), and the Serbian and English versions of one article of "
           "the student-protest site, so that no text is on both sides of a split). Joined through the texts they share, the Albanian "
           f"corpus's authors form few large groups: its calls lie in {_cg(res, 'Albanian')}. They are the 1,190 posts of "
           "`calls_labelled_dev.csv` and the posts in `datasets/calls/labels.csv` (how they were chosen and labelled: "
           "`datasets/README.md`).", "",
           "| source | posts | calls |", "|---|---|---|"]  # fmt: skip
    out += [f"| {k} | {v['size']:,} | {v['sum']} |" for k, v in res["data"]["by_source"].items()]
    gt = res["gate"]
    out += ["", f"The classifier reads only the posts its gate keeps: {gt['posts_in_gate']:,} of the {res['data']['posts']:,} labelled "
            f"posts and {gt['calls_in_gate']} of the {gt['calls']} calls. \"precision\" and \"recall\" are the model's at its "
            "chosen threshold; the lexicon's columns are `call_to_action` of `detector.posts.calls` (the rule alone) on the same posts.", "",
            "### Nested grouped cross-validation (all choices inside the training folds)", "",
            "Outer: 5 grouped folds. Inner: 3 grouped folds of each outer training part choose the regularisation C "
            f"({', '.join(f'{c:g}' for c in GRID_C)}) and the feature set by the mean over the languages of the average precision "
            "within each language (the targets are per language), and fit the Platt calibration and one threshold for every "
            "language (since session 12 the best mean of the F1s within Albanian, Serbian in both scripts and English; before, the "
            "best F1 over all posts). The feature sets of sessions 8 and 9: n-grams with the lexicon's parts and the topic "
            "cues (\"lexicon+cues\"); the same with the language-independent cues of `detector/posts/call_cues.py` "
            "(\"lexicon+cues+transfer\"); those cues alone, without n-grams; and the **two-part** model (new in session 8): every "
            "0/1 cue column (the lexicon's parts, grammar, time and place patterns, topics and their crossings, the "
            "language-independent cues and the two unit columns of session 7: an invitation or a call on everyone with a time and "
            "a place, and with an action and a time) is fitted first as a structure part of its own (the model without n-grams), "
            "and the n-grams are fitted next, at the same C, with the structure part's decision value (cross-fitted over 3 "
            "grouped folds) as a fixed offset: they learn only what the structure leaves unexplained and cannot take its weight "
            "over, as they can in a joint fit by memorising the calls' own words (`detector.posts.call_model.fit_two_part`; the "
            "result is one linear model over the same columns). New in session 9, the **blend**: the structure-only model (every "
            "0/1 cue column with the language-independent cues and the two unit columns, no n-grams) and session 5's n-gram model "
            "(\"lexicon+cues\"), each fitted on its own at the same C, and their decision values (log-odds) averaged with weight w "
            "on the structure (w = 0.25, 0.5 or 0.75, chosen by the inner folds with C): the structure, which says the same thing "
            "in every language, keeps a fixed share of every verdict whatever the n-grams learnt (`detector.posts.call_model.fit_blend`; "
            "one linear model over the two-part model's columns). The lexicon's parts are features of every candidate (since session 3), so "
            "\"lexicon as a feature\" is in every candidate. Sessions 6 and 7 also chose a decision rule per language (a "
            "threshold of the language's own, the lexicon's verdict as a fallback); since session 8 there is none (below). Every "
            "fit balances the classes within each language and gives each language the same "
            "total weight: the labelled sample was drawn in strata, so a language's share of calls in it (22% of the English "
            "posts, 1% of the Albanian ones) is not evidence. The outer predictions are never "
            f"seen by any choice. Average precision of the outer scores: {n['average_precision']:.3f}.", "",
            *SESSION10_DESIGN, "", *SESSION11_DESIGN, "", *SESSION12_DESIGN, "", *SESSION13_DESIGN, "", *SESSION14_DESIGN, "", *SESSION15_DESIGN, "",
            "What was seen before deciding (session 5, disclosed): the language-balanced weights were fixed after an exploratory "
            "run on these same outer folds with C and the feature set fixed, where they moved Albanian recall from 0.39 to 0.60 "
            "(precision 0.79 to 0.61) at the best-F1 threshold; the same run showed the language-independent cues not helping "
            "at a fixed C, and they were kept as a choice for the inner folds, not dropped. Their word lists were written from "
            "grammars and dictionaries before any labelled post was scored with them. Earlier sessions' design is not inside "
            "the folds either: the topic cues (session 3) were written after reading grouped "
            "cross-validation errors on these same posts, and so were the Albanian invitation and event words added to the "
            "lexicon, the grammar cues and the gate in session 4 (\"we meet\", \"we await you\", \"don't miss\", \"everyone in\", "
            "\"let us rise\", \"the march\", \"we protest\"), so these figures may flatter them a little.", "",
            "What was seen before deciding (session 6, disclosed): the per-language rules, their four candidates, the "
            "cross-fitted F1 that judges them and the minimum of 5 calls were fixed before any run. A development run with one C "
            "and one feature set (its figures are not reported) printed its fixed-split and student-site hold-out figures while "
            "it ran; its nested table was read after the run reported here had started, and nothing was changed after either. "
            "Which model ships is the procedure's result (below), not a choice made on these figures.", "",
            "What was seen before deciding (session 7, disclosed): one new candidate, fixed before the one run reported here and "
            "chosen for what carries across languages, not on any figure: the feature set \"lexicon+cues+units\", session 5's "
            "chosen set plus two 0/1 columns built only from the word lists of `detector/posts/call_cues.py` (written from "
            "grammars and dictionaries in session 5; no word added): a time (written, or a near-time or day word) with a place "
            "and an invitation (an imperative plural, a hortative, an organiser's invitation) or a call on everyone; and the "
            "name of an action with a time and an invitation or a call on everyone. They are weighted like the topic crossings "
            "(2.0), and the inner folds choose whether to use them, as for every set. Before the run the shipped model was "
            "scored on the lead's two missed sentences and on five sentences of our own (never a corpus post) to see which "
            "columns fire; no labelled post was scored with the new columns before the run. The run's log printed each outer "
            "fold's choice and the fixed-split and hold-out figures while it ran, and they were read then; its misses were "
            "read after it ended, to write the paragraphs below. The 3,021 posts labelled in session 6 (h31: 4 calls, many municipal invitations with a date, a "
            "time and a place) enter training and evaluation for the first time; the group check that came with them changed "
            "the fixed split (below). No per-language choice, candidate or threshold was changed after the run.", "",
            *SESSION8_DISCLOSURE, "", *SESSION9_DISCLOSURE, "", *SESSION10_DISCLOSURE, "", *SESSION11_DISCLOSURE, "", *SESSION12_DISCLOSURE, "", *SESSION13_DISCLOSURE, "", *SESSION14_DISCLOSURE, "", *SESSION15_DISCLOSURE, "", *SESSION16_DISCLOSURE, ""]  # fmt: skip
    out += _table(n)
    if "kosovo_additions" in res["data"]:
        k = res["data"]["kosovo_additions"]
        out += ["", "Session 11's Kosovo and Gheg words fire on " + "; ".join(f"{v['posts']:,} {lg} posts ({v['calls']} calls)" for lg, v in k.items())
                + " of the labelled posts."]  # fmt: skip
    out += ["", "Choices per outer fold: " + "; ".join(f"C={c['C']:g}, {c['features']}, threshold {c['threshold']:.2f}{_rules_md(c)}" for c in n["choices"]) + ".", "",
            "Calibration of the outer probabilities:", "", "| probability | posts | calls | mean predicted |", "|---|---|---|---|"]  # fmt: skip
    out += [f"| {c['bin']} | {c['n']} | {c['calls']} | {c['mean_p']:.2f} |" for c in n["calibration"]]
    if "dev_rows" in n:
        out += ["", "The same outer predictions on the 1,190 posts of `calls_labelled_dev.csv` only (session 10; reporting only, "
                "nothing is chosen on it): that file was drawn from each source in three strata (posts with protest words, random "
                "posts, posts with invitation words but no protest word), as the hidden test set is, so its mix of calls and hard "
                "negatives is closer to the test's than that of all labelled posts.", ""]  # fmt: skip
        out += _table({k: v for k, v in n["dev_rows"].items() if not k.startswith("source:")})
    ts = res["test_split"]
    out += ["", "### A fixed held-out split", "",
            "The posts listed in `datasets/calls/heldout.csv` were set aside: 30% of the groups drawn at random before the features "
            "were designed, plus the posts labelled later that share no group with the rest. The feature design and the range of C "
            "were explored by cross-validation on the other posts only in session 2. In session 3 the topic cues were designed "
            "by cross-validation on all labelled posts, these included, and session 2 had read the misses among them: the split is "
            "no longer unseen, and is kept for comparison with session 2 only. "
            + _heldout_training(ts) + "Choices on its inner folds: "
            f"C={ts['choice']['C']:g}, {ts['choice']['features']}, threshold {ts['choice']['threshold']:.2f}{_rules_md(ts['choice'])}.", ""]  # fmt: skip
    out += _table(ts)
    out += ["", "### Held out by source (trained without it, choices on inner folds of the rest)", ""]
    for src, r in res["source_holdout"].items():
        c = r["choice"]
        out += [f"**Without `{src}`** (C={c['C']:g}, {c['features']}, threshold {c['threshold']:.2f}{_rules_md(c)}):", ""]
        out += _table({k: v for k, v in r.items() if not k.startswith("source:")})
        out += [""]
    out += ["What carries over: recall (precision) of the model trained without each source, on that source's posts, per "
            "language, against the lexicon alone on the same posts:", ""]
    for src, r in res["source_holdout"].items():
        parts = []
        for k in LANGUAGE_GROUPS:
            if k in r and r[k]["model"]["calls"]:
                m, lx = r[k]["model"], r[k]["lexicon"]
                parts.append(f"{k} {m['recall']:.2f} ({m['precision']:.2f}) against {lx['recall']:.2f} ({lx['precision']:.2f}), "
                             f"{m['calls']} calls")  # fmt: skip
        out.append(f"- without `{src}`: " + ("; ".join(parts) or "no calls") + ".")
    out += [""] + CARRY_OVER + [""]
    if "language_holdout" in res:
        out += ["### Leave one language out (what carries over between languages)", "",
                "Trained on the other languages only: every group that holds a post of the language left out is out of "
                "training too (so no translation of a test article is in it), and every choice is made on inner folds of "
                "the rest. The model has never seen a labelled post in that language: this is what the language-independent "
                "cues and the shared lexicon carry over, against the lexicon alone on the same posts.", "",
                "| left out | trained on posts (calls) | choice | calls | precision | recall | lexicon precision | lexicon recall |",
                "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for name, r in res["language_holdout"].items():
            m, lx, c = r["overall"]["model"], r["overall"]["lexicon"], r["choice"]
            out.append(f"| {name} | {r['train']['posts']:,} ({r['train']['calls']}) | C={c['C']:g}, {c['features']}, threshold "
                       f"{c['threshold']:.2f}{_rules_md(c)} | {m['calls']} | **{m['precision']:.2f}** | **{m['recall']:.2f}** | "
                       f"{lx['precision']:.2f} | {lx['recall']:.2f} |")  # fmt: skip
        out += [""] + LOLO_NOTES + [""]
    out += _targets(res)
    if "final" in res:
        f = res["final"]
        fitted = (f"with the setting most outer folds chose ({f.get('chosen by', 'n/a')}): C={f['C']:g}, features {f['features']}; calibration and "
                  f"threshold by grouped CV on all of them: threshold {f['threshold']:.3f}, score outside the gate {f['base_rate']:.4f}")  # fmt: skip
        if f.get("shipped", True):
            out += ["### The shipped model", "",
                    f"Trained on all {res['data']['posts']:,} labelled posts {fitted}. "
                    "`detector/data/call-model.npz` (weights, idf) and `call-model.card.json` (settings, data hashes, figures).", ""]  # fmt: skip
        else:
            # Session 15: a run whose final fit was made but not shipped (the paragraph below says why and what ships).
            out += ["### The shipped model", "",
                    f"**Not changed by this run.** By the rule the final fit is trained on all {res['data']['posts']:,} labelled posts {fitted}; "
                    f"it is not shipped ({f.get('not_shipped', 'below')}).", ""]  # fmt: skip
        out += SHIPPED_NOTES + [""]
    return "\n".join(out).rstrip() + "\n"


# Read from the source hold-out figures above (written after the run that produced them; no
# setting was chosen on them).
CARRY_OVER: list[str] = [
    "Session 15 (h97): the new candidate was chosen where the Albanian corpus is left out (C=256, threshold 0.24): 36 of its "
    "62 calls at precision 0.41 (session 14, the same cues unbounded at C=64, threshold 0.19: 40 at 0.36), and where the "
    "IRA tweets are left out (C=16, threshold 0.14): 65 of 130 at 0.64 (64 at 0.65). The student site and the 2013-14 "
    "tweets left out chose as in session 14, with session 14's figures.",
    "",
    "Session 14 (h92): trained without the Albanian corpus, the model finds 40 of its 62 calls at precision 0.36 (threshold "
    "0.19; session 12's and 13's model 45 of 57 at 0.25): the 7,191 new non-calls of the corpus are out of that training too, "
    "so this hold-out moves with the choice and the threshold, not with them. The student site 16 of 35 at 0.89, the IRA "
    "tweets 64 of 130 at 0.65, the 2013-14 tweets 3 of 10 at 0.50 (table above).",
    "",
    "Session 13 (h81): every source hold-out made session 12's choices (no hold-out chose the word clusters), so its figures "
    "are session 12's, below.",
    "",
    "Session 12, second run (the threshold by the mean of the per-language F1s; the same weights as session 11): the region's "
    "hold-outs find more calls. Without the student site, 8 of its 21 Serbian Cyrillic calls (1.00 / 0.38; session 11: 5) "
    "and 8 of its 14 English ones (0.80 / 0.57; 7). Without the Albanian corpus, the Albanian calls left in training are the "
    "2013-14 tweets' 6, and their F1 is a third of the threshold's choice: it fell to 0.11, and the model finds 45 of the "
    "corpus's 57 calls at precision 0.25 (session 11: 19 at 0.61), the lexicon 3 at 0.19. Without the IRA tweets, 53 of 130 "
    "at 0.67 (42 at 0.68). A language with few calls in training sets the threshold as much as one with many: where the "
    "hidden test's Kosovo tweets are a new source, the threshold of the shipped model (chosen with 63 Albanian calls) is the "
    "guide, not this hold-out's.",
    "",
    "Session 11 (the exclusion weights bounded at 0, the Kosovo words): across sources the model is more precise and finds "
    "fewer calls than session 10's. Trained without the student-protest site, it finds 5 of its 21 Serbian Cyrillic calls "
    "(1.00 / 0.24; session 10: 8) against the lexicon's 15 (0.65 / 0.71), and 7 of its 14 English calls (0.88 / 0.50; "
    "session 10: 9). Trained without the Albanian corpus (C=256, the language-independent cues, threshold 0.47), 19 of its "
    "57 calls at precision 0.61 (session 10: 27 at 0.40; the lexicon 3 at 0.19). Trained without the IRA tweets, 42 of "
    "their 130 calls at precision 0.68 (session 10: 40 at 0.78; the lexicon 69 at 0.76). Trained without the 2013-14 "
    "tweets, 3 of their 10 calls (session 10: 2; the lexicon 2 at precision 1.00); the 6 Albanian campaign calls labelled in "
    "session 6 are missed by all. Kosovo's tweets, in the hidden test, are a source no model here was trained on: these "
    "hold-outs, not the nested figures, are the closer guide to what the model finds there, and the two of the region's "
    "sources (the student site, the Albanian corpus) say fewer calls than session 10's model found, at a higher precision.",
]
# Read from the leave-one-language-out figures (written after the run; no setting was chosen on them).
LOLO_NOTES: list[str] = [
    "Session 15 (h97): no language hold-out chose the new candidate; the three choices and counts are session 14's. Left out "
    "Albanian, the threshold reads 0.42 where session 14's read 0.41, with the same choice and the same 18 calls found: a "
    "difference this run does not explain (the same code path; the fits now ran in worker processes, whose numerical "
    "libraries may sum in another order, is a candidate, not tested).",
    "",
    "Session 14 (h92): left out Albanian, 18 of the 68 Albanian calls at precision 0.72 (session 13: 25 of 63 at 0.56, with "
    "the word clusters; session 12: 14 of 63 at 0.70). Serbian 11 of 25 at 0.73, English 45 of 144 at 0.76 (table above).",
    "",
    "Session 13 (h81): left out Albanian, the inner folds of the other languages chose the word clusters (C=256, threshold "
    "0.29), and the model finds 25 of the 63 Albanian calls at precision 0.56 (session 12: 14 at 0.70, with the "
    "units set at C=64; the lexicon 3 at 0.19): the one choice of this run that the clusters won, and the only figure they moved. "
    "The model never saw an Albanian label there, so no weight of an Albanian-only cluster was learnt; what carries is the "
    "clusters that hold words of several languages (numbers, dates, names, words the corpora share), which this run does not "
    "separate further. Serbian and English left out: session 12's choices and figures.",
    "Session 12, second run: the same, with the threshold by the mean of the per-language F1s over the two languages left "
    "in training: Albanian 14 of 63 at 0.70 (first run 16 at 0.73), Serbian and English unchanged. Session 11's reading:",
    "Little carries over between languages, as in sessions 5 to 10: a model that never saw an Albanian post finds 16 of "
    "the 63 Albanian calls (0.25, at precision 0.73; session 10: 26 at 0.57), against 32 found when Albanian posts are in "
    "training (nested CV above); one that never saw a Serbian post finds 9 of 25 Serbian calls (session 10: 10), and one "
    "that never saw an English post 50 of 144 English calls (session 10: 49), both below the lexicon alone (0.68 and "
    "0.54), whose word lists were written for each language. Why, read in session 5 from how often each column fires "
    "(counts only, no texts): the English and Serbian calls almost all name the action (82% and 90% of them carry an "
    "event word), the Albanian calls of these corpora mostly do not (26%, and 22% of the Albanian non-calls carry one, "
    "mostly news of protests); they carry a clock time (72% against 9% of non-calls) and an invitation with a time and a "
    "place. What the other languages teach, \"an event word makes a call\", is the wrong lesson for them.",
]
# Why the targets are not met, read from the figures of the same run.
TARGET_NOTES: list[str] = [
    "Session 15 (h97): one more candidate, the language-independent cues with the parts of a call bounded below by 0 "
    "(above). It won three outer folds, the three that chose the same cues unbounded in session 14 (twice at C=256, once at "
    "C=16), each by 0.002 to 0.005 of inner mean per-language average precision over the unbounded set (fold by fold at its "
    "C: 0.683 against 0.680, 0.685 against 0.680, 0.666 against 0.664): selection noise rather than a signal. The other two "
    "folds chose as in session 14. Overall 0.76 / 0.66 (156 of 237 calls found, 49 false calls) against session 14's 0.76 / "
    "0.67 (158, 49); average precision 0.694 (0.694). Albanian 0.62 / 0.44 (30 of 68 found, 18 false) against 0.64 / 0.47 "
    "(32, 18): two Albanian calls fewer, the language the bounds were aimed at; Serbian Cyrillic 0.88 / 0.71, Serbian/"
    "Bosnian/Croatian Latin 0.50 / 0.50 and English 0.80 / 0.76, the same counts as in session 14. On the 1,190 dev rows "
    "0.78 / 0.69 (36 of 52, 10 false; session 14: 0.79 / 0.71), Albanian 0.64 / 0.53 (9 of 17; 0.67 / 0.59). The fixed split "
    "chose as in session 14, with session 14's figures (0.78 / 0.87). No target is met. Why the bounds do not move "
    "recall, read from the final fit (below) against the shipped model: on all posts only two of the 17 part columns had a "
    "negative weight to forbid (the grammar's imperative, -0.15, and the language-independent near time, -0.79, in the "
    "shipped model's scale), and with them held at 0 the correlated columns take the difference back (the grammar's near "
    "time falls from +4.39 to +3.59, the lexicon's time words from +1.62 to +1.36): \"Sutra u 18h svi ispred Skupštine\", "
    "which fires both, scores 0.199 against 0.200. A sign prior on single columns does not stop a fit from spreading a "
    "negative lesson over columns that fire together. What follows is session 14's text; its figures are session 14's.",
    "Session 14 (h92): the same procedure with 7,318 more labels (above). The outer folds chose the language-independent cues "
    "at C=256 three times, session 5's set at C=16 once and the units set at C=16 once (session 13: session 5's set twice, the "
    "cues three times). Overall 0.76 / 0.67 (158 of 237 calls found, 49 false calls) against session 13's 0.79 / 0.63 (146 of "
    "232, 38); average precision 0.694 (0.695). Albanian 0.64 / 0.47 (32 of 68 found, 18 false) against 0.60 / 0.48 (30 of "
    "63, 20): the many new Albanian non-calls did not cost Albanian precision, and the 5 new calls did not raise its recall, "
    "with the largest fold now learning from fewer Albanian calls (above), so this is not a measure of the labels alone. "
    "English 0.80 / 0.76 (109 of 144, 27 false; 0.88 / 0.69), Serbian Cyrillic 0.88 / 0.71 (0.94 / 0.71), Serbian/Bosnian/"
    "Croatian Latin 0.50 / 0.50 on 4 calls (0.40 / 0.50). On the 1,190 dev rows 0.79 / 0.71 (37 of 52, 10 false; 0.81 / 0.65). "
    "The fixed split 0.78 / 0.87 (55 of 63, 16 false; 0.79 / 0.86). No target is met. The author-of-a-call pass found 4 calls "
    "in 3,969 texts of the 37 authors who had written one: in this corpus the calls that no keyword list matched are few, and "
    "what these authors write otherwise is publicity, appeals to vote and greetings. The Serbian Latin weakness (4 calls) is "
    "not touched: the 2013-14 tweets carry no author, and 120 random ones held no call. What follows is session 13's text; "
    "its figures are session 13's.",
    "Session 13 (h81): one more candidate, session 5's set with a bag of word clusters learnt without labels from the "
    "unlabelled posts (above). No outer fold chose it, nor did the fixed split or any source hold-out: every outer fold made "
    "session 12's choice at session 12's threshold, so the nested figures, the dev rows and the fixed split are session 12's "
    "post for post (the same 124 outer errors at the same probabilities, compared by post id), and the final fit is session "
    "12's model bit for bit (threshold 0.295). In every outer fold the clusters set scored 0.001 to 0.018 below session 5's set "
    "without them (mean per-language average precision of the inner folds: 0.655 against 0.671, 0.635 against 0.648, 0.608 "
    "against 0.625, 0.668 against 0.681, 0.626 against 0.627, each set at its best C). Computed after the run for this "
    "paragraph only (declared before it ended; nothing chosen on it), the inner 3-fold scores on all labelled posts say where: "
    "at C=16 the clusters raise English average precision from 0.716 to 0.734 and Serbian Cyrillic from 0.741 to 0.767, and "
    "LOWER Albanian from 0.426 to 0.384 (0.381 and 0.375 at C=64 and 256, against 0.427 and 0.426): the opposite of what they "
    "were for. A likely reason, not tested: the clusters are topical (PPMI over a window of 5 words groups words by subject), "
    "and in the Albanian corpus the words of an invitation share their clusters with festivals, concerts and evenings out "
    "(seen before the run, above), the kinds of Albanian posts the model already takes for calls; with 63 Albanian calls in "
    "14 groups the cluster weights learn those groups' subjects more than what makes a call. Only where no Albanian label is "
    "in training do they help Albanian (below, leave one language out). No target is met; the five sentences score as in "
    "session 12. What follows is session 12's reading of the same figures.",
    "Session 12, second run (h75): the threshold by the mean of the per-language F1s. The outer folds chose the same "
    "(C, set) as in the first run, at the same scores; only one fold's threshold moved (0.36 to 0.45), the other four are "
    "the first run's. Overall 0.79 / 0.63 (146 of 232 calls found, 38 false calls) against the first run's (= session 11's) "
    "0.76 / 0.64 (148, 47) and the lexicon's 0.67 / 0.42; Albanian 0.60 / 0.48 (30 found, 20 false) against 0.53 / 0.51 "
    "(32, 29); English 0.88 / 0.69, Serbian Cyrillic 0.94 / 0.71 and Latin 0.40 / 0.50 unchanged; average precision 0.695 "
    "(unchanged: the same scores). On the 1,190 rows of `calls_labelled_dev.csv`: 0.81 / 0.65 (34 of 52, 8 false) against "
    "0.78 / 0.67 (35, 10); Albanian 0.69 / 0.53 (9 of 17, 4 false) against 0.62 / 0.59 (10, 6); English 0.82 / 0.69 and "
    "Serbian Cyrillic 0.94 / 0.75 unchanged. The fixed split is unchanged (0.79 / 0.86). The hold-outs move more: where a "
    "language has few calls in training, its F1 weighs a third of the choice and pulls the threshold to find them. Trained "
    "without the Albanian corpus (whose Albanian calls in training are then the 6 of the 2013-14 tweets) the threshold fell "
    "to 0.11 (first run: 0.47), and the model finds 45 of the corpus's 57 calls at precision 0.25 (first run 19 at 0.61); "
    "without the student site, 16 of its 35 calls at 0.89 (first run 12 at 0.92); without the IRA tweets, 53 of 130 at 0.67 "
    "(42 at 0.68). The final fit's threshold, from the inner folds of all posts, is 0.295 (first run 0.336), with the same "
    "weights: lower, where the outer folds' were the same or higher, so the shipped model marks more posts than the nested "
    "figures' thresholds did (436 IRA posts against 409). No target is met. Of the five sentences, the shipped model now "
    "finds the lead's \"Ejani të gjithë në protestë të hënën\" (0.33, against 0.295) besides the issue's three; \"Sutra u "
    "18h svi ispred Skupštine\" (0.21) is still missed. The first run's paragraph follows; its figures are the first run's.",
    "Session 12 added one candidate, per-language cue weights, to session 11's three. No outer fold chose it, nor did the "
    "inner folds of the fixed split, the source hold-outs or the language hold-outs: every choice is session 11's, and so is "
    "every figure of this section, post for post (the same 131 outer errors at the same probabilities). Computed after the "
    "run on all labelled posts with the inner folds' procedure (3 grouped folds; reporting only, nothing chosen on it), the "
    "per-language set's mean per-language average precision is 0.58 to 0.59 at each C, against 0.62 to 0.63 for the other "
    "three: a little higher in English (0.73 against 0.70 to 0.72), lower in Albanian (0.34 to 0.35 against 0.39 to 0.43) and "
    "Serbian Cyrillic (0.68 against 0.72 to 0.80). A language's own deviations are learnt from its own calls only, few in "
    "Albanian and Serbian and, in Albanian, gathered in few groups (14, the largest holding 41): a likely reason why they "
    "carry less to new authors than the shared weights do. On these labels separate cue weights per language cost more "
    "than they gain. What follows is session 11's text; its figures are the first run's too.",
    "Session 11 bounded the exclusion weights at 0 and added Kosovo's Gheg Albanian and Serbian words, with session 10's "
    "three candidates. The outer folds chose the language-independent cues three times (C=256 once, C=16 twice) and session "
    "5's set twice (C=16); the units set, once more, by none (the fixed split's inner folds and the Albanian leave-out "
    "chose it). Overall precision rose and recall fell a little: 0.76 / 0.64 (148 of 232 calls found, 47 false calls) "
    "against session 10's 0.70 / 0.66 (154, 66) and the lexicon's 0.67 / 0.42; the average precision of the outer scores "
    "0.695 (session 10: 0.689). Per language, against session 10 and the lexicon alone on the same posts: Albanian 0.53 / "
    "0.51 (session 10: 0.42 / 0.52; 45 false calls down to 29, one call fewer; lexicon 0.19 / 0.05), English 0.88 / 0.69 "
    "(0.85 / 0.73; 6 calls fewer, 4 false calls fewer; lexicon 0.75 / 0.54), Serbian Cyrillic 0.94 / 0.71 (0.93 / 0.67; "
    "lexicon 0.65 / 0.71), Serbian/Bosnian/Croatian Latin 0.40 / 0.50 (0.50 / 0.50, 4 calls). On the 1,190 rows of "
    "`calls_labelled_dev.csv`, drawn as the hidden test is: 0.78 / 0.67 (35 of 52 calls, 10 false; session 10: 0.73 / "
    "0.67, 13 false; lexicon 0.51 / 0.50), Albanian 0.62 / 0.59 (10 of 17; session 10 0.53 / 0.59), English 0.82 / 0.69 "
    "(9 of 13; 0.83 / 0.77), Serbian Cyrillic 0.94 / 0.75 (15 of 20; 0.93 / 0.70). This run does not separate the bounds "
    "from the new words nor from the folds' other choices; the new words fire on 197 labelled Albanian posts (13 calls) and "
    "3 Serbian Cyrillic ones (0 calls), most of them through the standard \"në orën\" with an hour, which the lexicon's "
    "time words lacked and which came with the Gheg \"n'orën\", then the Gheg \"krejt\" and \"hajt\"; none of these "
    "posts is from Kosovo, and the run cannot tell the words' effect from the bounds'. In the shipped model the bounds hold all but two exclusion weights at 0: figures "
    "-0.28 and March with figures -0.04 in log-odds; the month March, the shape with an excluded kind, a broadcast and a "
    "relayed call (+1.1, +2.6, +0.7, +0.5 in session 10) are at 0, and so is the non-political event (-1.2 in session 10, "
    "when the shape crossing's +2.6 offset it; alone, the labels give it no negative weight). No target is met, and no "
    "language reaches recall 0.75 at a precision near 0.85 (English comes closest: 0.69 at 0.88). Of the five sentences "
    "of the issue and the lead, the shipped model finds the issue's three (\"Блокада Вршац - Пијаца у 20.00\" 0.68, "
    "\"Shihemi neser ne proteste\" 0.51, \"Студенти из Лазаревца вас позивају на протест 10.06.\" 0.91) and still "
    "misses the lead's two (\"Sutra u 18h svi ispred Skupštine\" 0.21, \"Ejani të gjithë në protestë të hënën\" 0.33, "
    "against 0.336). The same gap shows on IRA tweets (released under the MIT licence, so they may be quoted): this run's "
    "outer folds miss \"Come join us today! At Atlanta City Hall with @ItsOnUs as we Take a Stand against sexual "
    "assault\" (0.32) and \"There will be a National Day of Action for Trans Women and Femmes of Color on March 15. Join us "
    "in resistance and liberation!\" (0.32), both just under their fold's threshold. The Albanian figure is close to a "
    "measure on new authors: the corpus's authors are joined through the texts they share, its calls lie in 14 groups, and "
    "the largest holds 41 of them.",
]

# About the final fit, read from the same run.
SHIPPED_NOTES: list[str] = [
    "Session 16 (the lead): session 15's final fit ships: the language-independent cues with the parts of a call bounded at 0, "
    "C=256 (2 of 5 outer folds), trained on all 16,906 posts, threshold 0.281, the grammar's imperative and the "
    "language-independent near time held at 0. On all 1,166,601 IRA posts it marks 525 as calls (session 14's model: 569), "
    "241 of them also the lexicon's (243); the lead read the case study's 14 samples nobody had read, with the definition "
    "(`bench/calls_case_study.py`, `READ_BY_HAND`): 8 of its 12 randomly sampled calls are calls (session 14's model: 7 of "
    "12), and 2 of the 8 sampled calls the lexicon does not find (a news report of a rally, finance news naming March, a "
    "post praising past marches, a news headline on a vigil and the nationwide reading for those who cannot attend a "
    "sit-in are not). Of the five sentences of the issue and the lead it finds the same three as session 14's model "
    "(0.80, 0.55, 0.96) and misses the lead's two (0.199 and 0.185 against 0.281).",
    "",
    "Session 15 (h97): by the rule, the (C, set) most outer folds chose is the new candidate at C=256, chosen by 2 of 5 folds "
    "(the third fold that chose it did so at C=16; in session 14 the unbounded cues at C=256 had 3 of 5). Its final fit on all "
    "16,906 posts holds two part columns at 0 (the grammar's imperative, the language-independent near time), threshold "
    "0.281. **It is not shipped in session 15**, for time alone: its IRA case study (its new calls read by hand), the tests "
    "pinned to the shipped model, the notebook and a full test run did not fit in the session once the runs had ended "
    "(02:38 UTC; landing closed at 03:30). The nested figures are no reason either way (they may not choose what ships): "
    "the next session ships it by the rule, with that work. The shipped model is still session "
    "14's (C=256, the language-independent cues, threshold 0.245, below), and the IRA case study is its. The final fit "
    "repeats from this run's choices (`--save --from-json`). Of the five sentences of the issue and the lead it would find "
    "the same three as the shipped model (0.80, 0.55, 0.96) and miss the lead's two (0.199 and 0.185 against 0.281).",
    "",
    "Session 14 (h92): by the same rule the final fit is the language-independent cues at C=256 (3 of 5 outer folds), trained "
    "on all 16,906 posts: threshold 0.245 (session 13: session 5's set at C=16, 0.295). "
    "On all 1,166,601 IRA posts it marks 569 as calls (session 13: 436), 243 of them also the lexicon's (222); by eye, "
    "h92 read the case study's new samples with the definition: 7 of its 12 randomly sampled calls are calls (session 12's "
    "samples: 12 of 14), and 4 of the 8 calls only the classifier finds (news headlines of marches, a comment on a protest "
    "sign, a football match at a pub are among the false ones): the lower threshold marks more IRA posts, and more of them "
    "are not calls. Of the five "
    "sentences of the issue and the lead, the issue's three are found (\"Блокада Вршац - Пијаца у 20.00\" 0.80, \"Shihemi "
    "neser ne proteste\" 0.54, \"Студенти из Лазаревца вас позивају на протест 10.06.\" 0.96); the lead's two are missed: "
    "\"Sutra u 18h svi ispred Skupštine\" 0.20 and \"Ejani të gjithë në protestë të hënën\" 0.19 (found by session 12's and "
    "13's model at 0.33). The synthetic New Year's concert sentence of the tests, a false call of sessions 10 to 13, is no "
    "longer marked. What follows is session 13's text.",
    "",
    "Session 13 (h81): the outer folds chose as in session 12, and the final fit, by the same rule, is session 12's model bit "
    "for bit (the same weights, intercept, idf, calibration and threshold 0.295; its card now says `clusters: false`). The "
    "IRA case study and notebook 04 are unchanged (436 calls). Of the five sentences of the issue and the lead, the same four "
    "are found and \"Sutra u 18h svi ispred Skupštine\" is still missed (0.21). `detector/data/word-clusters.npz` ships "
    "with the code (323 kB; provenance in `datasets/README.md`), read by no shipped model.",
    "",
    "Session 12, second run (h75): the same (C, set) by the same rule and the same weights, intercept, idf and calibration "
    "bit for bit; the threshold, now the best mean of the per-language F1s on inner folds of all posts, is 0.295 (0.336 "
    "before). On all 1,166,601 IRA posts it marks 436 posts as calls (409 before); h75 read the 14 posts sampled there that "
    "nobody had read (12 calls; 2 reports of marches; `bench/calls_case_study.py`, `READ_BY_HAND`). In the shipped example "
    "of #texit invitations one more organising reply is a call (0.32). Of the five sentences of the issue and the lead, four "
    "are found (\"Ejani të gjithë në protestë të hënën\" 0.33); \"Sutra u 18h svi ispred Skupštine\" (0.21) is not. The "
    "synthetic New Year's concert sentence of the tests stays a false call (0.35).",
    "",
    "Session 12: the outer folds chose as in session 11, and the final fit, by the same rule, is session 11's model bit for "
    "bit (the same weights, intercept, idf, calibration and threshold 0.336; its card now says `per_language: false`). The "
    "IRA case study and notebook 04 are unchanged (409 calls). Of the five sentences of the issue and the lead, the same "
    "three are found and the lead's two are still missed (0.21 and 0.33).",
    "",
    "Session 11: the rule for the final fit is unchanged (the regularisation and feature set most outer folds chose, with "
    "calibration and threshold from inner folds of all posts, one threshold for every language). The outer folds chose "
    "session 5's set at C=16 twice and the language-independent cues at C=16 twice (and at C=256 once): a tie, which the "
    "rule breaks by the order in which the folds voted, so C=16 with session 5's set ships again, now with the exclusion "
    "weights bounded at 0 and the Kosovo words, trained on all 9,588 posts: threshold 0.336 (session 10: 0.409). On all "
    "1,166,601 IRA posts it marks 409 posts as calls (\"Calls to protest: IRA case study\"; session 10's model: 382); h61 "
    "read the 8 sampled there that nobody had read (6 calls; `bench/calls_case_study.py`, `READ_BY_HAND`). The two "
    "financial news items that name the month March are still marked: \"India Sees GDP Growth at 7.1% for Year Ending "
    "March\" 0.35 (session 10: 0.88) and \"U.S. municipal bond market rises ... SAN FRANCISCO, March\" 0.65 (0.63): the "
    "month column no longer adds (+1.1 in session 10), but the n-grams of \"march\" still do, and the threshold is lower. "
    "The synthetic New Year's concert sentence of the tests is still a false call, barely (0.35; session 10: 0.54).",
    "",
    "Session 10's model (C=16, session 5's set with the exclusion columns unbounded, threshold 0.409) marked 382 IRA posts; "
    "session 9's 383; session 8's 385; session 7's, 410 (h38 read the 25 between them: 7 calls). Earlier sessions' final "
    "models, and what was seen first, are described in those sessions' notes (session 5: the first run's final model, "
    "fitted with its own inner choice on all posts, marked 667 IRA posts, of which h23 read 20 of the 183 new ones and "
    "found 1 call; the final-fit rule was changed to the one above after those readings).",
]

# What the model gets wrong, read from the outer-fold errors of the run above. Kinds of posts only:
# the texts of balkan-posts may not be quoted or paraphrased post by post in the project.
MISSES = [
    "Session 15: 130 outer errors (49 false calls, 81 missed) against session 14's 128: the same counts in every language "
    "but Albanian, where two more calls are missed (counts only: not compared by post id, not read). What follows is "
    "earlier sessions' reading.",
    "Session 13: the outer errors are session 12's second run's, post for post (124, compared by post id, at the same "
    "probabilities); what follows is that run's reading.",
    "Session 12, second run: 124 outer errors, all but 2 of them the first run's (compared by post id); all changes in one "
    "fold, whose threshold rose, and all Albanian. Gone: 9 false calls (a report of young people protesting on a symbolic day, "
    "an invitation to a diaspora summit, an invitation to a museum for an anniversary, a children's play day in a park, a "
    "city's invitation to a solidarity event, two reports of students invited to a talk with an artist, a retro gathering, a "
    "puppet theatre). New: 2 calls missed (a campaign's \"tomorrow at an hour, everyone together\" call, and an invitation "
    "to the opening of an election campaign with a date, an hour and a place). The two IRA calls quoted above are still "
    "missed at 0.32. What follows is the first run's reading.",
    "Session 12: the outer errors are session 11's, post for post (131, compared by post id, at the same probabilities); "
    "what follows is session 11's reading.",
    "Session 11: 131 outer errors (session 10: 144), 109 of them session 10's (compared by post id). Gone: 23 Albanian false "
    "calls (a national broadcaster's school-lesson schedule in 11 copies, a river clean-up the municipality invites to in 3 "
    "copies, a charity concert in 2, a car rally's finish in 2, a cultural evening at a castle, an evening of city music, the "
    "history note on the protests of 1990, a headline relaying a party's invitation to a rally) and 8 English ones (an "
    "online \"army\", a talk on legal strategies, a Sunday sermon, a morning show, a bare \"be there, 7 pm\", reports of "
    "protests); 4 calls now found (a one-line North Macedonian plea to be at tomorrow's protest at an hour, and three of the "
    "student site's articles, one of them in both languages). New: 7 Albanian false calls (a report of young people protesting on a symbolic day, a "
    "politician's invitation to come out tomorrow en masse (`adc-al-431-6`, a label the second reading disputes), an "
    "invitation to a museum for an anniversary, a note that the campaign starts tomorrow, two reports of students invited to "
    "a talk with an artist, a TV interview announced for tonight), a Croatian job-seeker's joke, and 4 English false calls "
    "(a talk-show host's \"If you want to encourage people to join the amazing students at Parkland for their march on the "
    "24th, do that\", a mocking tweet about buses to rallies, \"did you guys see the overflow for #Trump's rally today?\", a "
    "speaker at a rally tonight); and 10 calls now missed, most just under their fold's threshold: the student site's call "
    "to join the public broadcaster's workers' protest (in both languages) and its English invitation to a protest on a date "
    "in the north, two Albanian calls (a campaign's closing meeting tonight at an hour and a landmark, `adc-al-622-63`; a "
    "call to resist tonight, `adc-al-77-35`) and 5 IRA calls: \"See you in the streets! #MayDay march\" (0.36), \"Our "
    "community ... is holding a rally in memory of Sandra Bland this Saturday\" (0.28), the National Day of Action and the "
    "Atlanta City Hall stand quoted above, and \"join us as we march 17+ miles from #NRA2DOJ on Friday\" (0.31). The kinds "
    "below are session 9's reading of its own errors:",
    "False calls, Albanian (38): an art-festival final in 5 copies, a New Year's Eve on the square, a retro parade in 2 "
    "copies and a retro gathering, a puppet theatre, a children's play day in a park, a cultural evening at a castle, an "
    "evening of city music, a concert, a car rally's finish in 2 copies, a market's opening hours, a where-to-find-us note, "
    "a when-and-where note of a community centre, an office's summer hours, a weekend show at an arena, a clean-up with the "
    "municipality in 3 copies, an official commemoration with the army, a youth-centre talk, a party's \"join this energy\" "
    "post from its office, a meeting with the young at an office, a city's solidarity message, a diaspora summit, a march "
    "held online; a headline relaying a party's call to gather in front of parliament, a headline quoting a party leader's "
    "call to protest on a date, and a politician's invitation to come out tomorrow (0 in the labels); a report of a flag "
    "raised during a protest; a historical note on the protests of 1990 in 2 copies.",
    "Missed Albanian calls (28 of 63): the 6 campaign-rally calls of the June 2013 election labelled in session 6 (a grand "
    "finale announced with a \"live\" television word, in 4 copies; an evening stop announced the same way); campaign and "
    "opposition calls with a day, an hour and a square or a boulevard, asking everyone to come, without an event word; "
    "\"join the citizens of <town> today at <hour> in front of <building>\" in 2 versions; a party joining another group's "
    "protest today at an hour; a march for the climate, one for autism awareness and a peace march in 2 copies, written "
    "with the verb or the noun; one-line dialect questions and pleas from North Macedonia to hold a protest; a symbolic "
    "run; a Pride parade; two invitations to first-time voters from the prime minister's campaign; a youth meeting by the "
    "lake; a call to rise against violence tomorrow; a party's \"we protest on <date>\".",
    "Missed Serbian Cyrillic calls (6 of 21): live-blog lines (where to head after a speech, a column gathering right now "
    "at a square with a call to join it, a column stopped by the police), a one-line note that a protest is announced in a "
    "town for a date, a protest that graduates and students of a small town organise on a date, and the students' letter "
    "to the people ending in a call to assemblies; false calls (3): reports of a student column setting off, of workers "
    "reading their demands, and of the largest gathering (0 in the labels).",
    "Serbian/Bosnian/Croatian Latin (4 calls): missed a forwarded invitation for a Sunday and a departure time to a "
    "commemoration; false calls (3): a job-seeker's joke, a car-rally road closure, an appeal for votes for an internet "
    "list.",
    "English (43 of 144 missed): bare rally links and \"join me\" campaign tweets with a town and a day, vigil retweets in "
    "3 copies, a national day of disruption, a day of action, striking workers' \"join us\", a march to the polls, a "
    "teach-in, a faith protest today, an emergency protest at a street corner, an evening of actions in a park, a speak-out "
    "today, a protest tomorrow at a county office, a hoodie march in 2 copies, a reply inviting to a rally the writer organises, \"see you in the streets\" for May Day, the "
    "student site's long English articles that end in a call (4); false calls (21): a bare \"Saturday at 2pm, join us\" "
    "and a bare \"be there, 7 pm\" without an action, online talks and chats, a Sunday sermon, a day party, reports of "
    "protests today and abroad, live pre-rally coverage, a mayor announcing a vigil, a speaker at a rally tonight, a "
    "teachers' rally at the Capitol reported, a billboard across from a rally, an activist group's open house, a celebrity "
    "joining a march, a talk-show host's quip, a mocking tweet about buses to rallies, an online \"army\" recruiting, the "
    "student site's English report of an attack, and the English \"let us meet on Sretenje\" page of its actions (labelled "
    "0 as a report of a past protest, as its Serbian version is; the news article of the same name is labelled a call in "
    "both languages).",
]


def _targets(res: dict) -> list[str]:
    n, t = res["nested_cv"], res["test_split"]

    def pr_(b: dict, k: str) -> str:
        m = b.get(k, {}).get("model")
        return f"P {m['precision']:.2f} / R {m['recall']:.2f} ({m['calls']} calls)" if m else "n/a"

    out = ["### Against the targets, and what is still missed", "",
           "Targets on unseen posts: precision ≥ 0.85 and recall ≥ 0.80 overall, recall ≥ 0.75 in each language.", "",
           "| | nested CV | held-out split |", "|---|---|---|"]  # fmt: skip
    for k in ("overall", "Albanian", "Serbian Cyrillic", "Serbian/Bosnian/Croatian Latin", "English"):
        out.append(f"| {k} | {pr_(n, k)} | {pr_(t, k)} |")
    ok = n["overall"]["model"]["precision"] >= 0.85 and n["overall"]["model"]["recall"] >= 0.80

    def vs(b: dict, k: str, what: str) -> str:
        return f"{b[k]['model'][what]:.2f} against {b[k]['lexicon'][what]:.2f}"

    better = [k for k in ("Albanian", "Serbian Cyrillic", "English") if n[k]["model"]["recall"] > n[k]["lexicon"]["recall"]]
    worse = [k for k in ("Albanian", "Serbian Cyrillic", "English") if n[k]["model"]["recall"] <= n[k]["lexicon"]["recall"]]
    out += ["", ("The targets are met." if ok else
                 "**The targets are not met.** " + " ".join(TARGET_NOTES)),
            "",
            f"Against the lexicon alone, in the nested CV: recall {vs(n, 'overall', 'recall')} and precision "
            f"{vs(n, 'overall', 'precision')} overall; recall higher in {', '.join(better) or 'no language'}"
            + (f", not in {', '.join(worse)}" if worse else "") + ". On the held-out split: recall "
            f"{vs(t, 'overall', 'recall')}, precision {vs(t, 'overall', 'precision')}.", ""]  # fmt: skip
    out += ["What it gets wrong (paraphrased; the texts may not be quoted here):", ""]
    out += [f"- {m}" for m in MISSES] + [""]
    return out


def _versions() -> dict[str, str]:
    import sklearn

    return {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}


if __name__ == "__main__":
    raise SystemExit(main())
