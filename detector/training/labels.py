"""Analyst labels: an analyst's own labelled accounts, added to training and evaluated apart.

An analyst labels accounts in a CSV of ``account_id,label`` (label ``1``/``0``, ``bot``/``human``,
``inauthentic``/``genuine``, ``fake``/``real``, ``troll``). The model needs the accounts' profiles:
give profile columns in the same file (any columns :func:`detector.accounts.read.canonical_from_frame`
reads: ``screen_name``, ``followers_count``, ``created_at``, ``collected_at``…), or a separate file
of accounts in any shape :func:`detector.accounts.read.read_accounts` reads (``profiles=``), joined on
``account_id`` (or the screen name, case-insensitively). A labelled account with no profile, a
label that is not one of those words (or blank), and every row of an account labelled both ways
(no label is guessed) are kept aside in the rejects with their row and field; an account labelled
twice the same way counts once; the others are used. A label file whose only extra columns are ids
is refused: it holds no profile to train on.

:func:`read_call_labels` checks a call-label file (post ids and 0/1 labels, no texts) the same way,
before ``bench/calls_eval.py`` joins the texts.

Rows added to training carry ``collection = "analyst"``, so that the balanced weights give the
analyst's set the weight of one collection and :func:`evaluate_analyst_labels` can measure their
effect apart from the public sets: leave-one-collection-out on the public collections with and
without them, a held-out part of the analyst's labels, and a control for the most likely failure
(the model learning which fields the analyst's profiles lack rather than inauthenticity).

:func:`ira_analyst_labels` builds a real demonstration set from the IRA release: every account
in it is a confirmed state-backed troll (label 1), with the partial profile the release carries.

This module owns analyst label files (accounts, and call labels' checks) and their evaluation. It never saves a model.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.errors import InputError
from detector.io import Rejects, read_csv_strings
from detector.schema import ACCOUNT_COLUMNS

log = logging.getLogger(__name__)

ANALYST = "analyst"
#: Canonical fields that make a profile (an id or a screen name alone is none).
PROFILE_FIELDS = tuple(c for c in ACCOUNT_COLUMNS if c not in ("account_id", "screen_name", "collected_at", "platform", "source_row"))
LABEL_WORDS = {
    "1": 1, "bot": 1, "inauthentic": 1, "fake": 1, "troll": 1, "suspicious": 1, "true": 1,
    "0": 0, "human": 0, "genuine": 0, "real": 0, "authentic": 0, "false": 0,
}  # fmt: skip
DEMO_LABELS = Path(__file__).resolve().parents[2] / "datasets" / "examples" / "analyst-labels" / "ira_accounts.csv"


def read_labels(path: str | os.PathLike[str], rejects: Rejects | None = None) -> pd.DataFrame:
    """The raw rows of a label file (strings), with ``label`` as 0/1; bad labels go to ``rejects``.

    The index holds the record numbers (1-based, header excluded).
    """
    p = str(path)
    raw = _label_rows(p)
    missing = [c for c in ("account_id", "label") if c not in raw.columns]
    if "account_id" in missing and "screen_name" in raw.columns:
        missing.remove("account_id")
    if missing:
        raise InputError(f"an analyst label file needs the columns account_id,label (missing: {', '.join(missing)})", path=p)
    rejects = rejects if rejects is not None else Rejects(p)
    words = raw["label"].fillna("").astype(str).str.strip().str.lower()
    value = words.map(LABEL_WORDS)
    for n in raw.index[value.isna()]:
        given = raw.at[n, "label"]
        what = "the label is blank" if words.at[n] == "" else f"label {given!r} is not one of 1/0, bot/human, inauthentic/genuine"
        rejects.add(int(n), "label", what, raw.loc[n].dropna().to_dict())
    out = raw[value.notna()].copy()
    out["label"] = value[value.notna()].astype("int64")
    return out


def _label_rows(p: str) -> pd.DataFrame:
    """A label CSV's rows as strings, indexed by record number, with lower-case column names."""
    if not os.path.exists(p):
        raise InputError("no such file", path=p)
    frames = list(read_csv_strings(p))
    raw = pd.concat(frames) if frames else pd.DataFrame()
    return raw.rename(columns=lambda c: str(c).strip().lstrip("\ufeff").lower())


def add_analyst_labels(
    table: pd.DataFrame,
    labels_path: str | os.PathLike[str],
    *,
    profiles: str | os.PathLike[str] | None = None,
    as_of: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Append the analyst's labelled accounts to a training table.

    Parameters
    ----------
    table : DataFrame
        The public training table (:func:`detector.training.datasets.load_training_table`).
    labels_path : path
        CSV of ``account_id,label`` with, optionally, profile columns.
    profiles : path, optional
        Accounts file with the profiles, when the label file has none.
    as_of : Timestamp, optional
        Collection time for profiles that carry none (default: now; account age is measured to it).

    Returns
    -------
    (DataFrame, dict)
        The table with the analyst rows appended (``collection = "analyst"``, ``kind``
        ``analyst_inauthentic``/``analyst_genuine``), and ``info``: ``sha256``, ``path``,
        ``accounts``, ``inauthentic``, ``rejected`` and ``rejects`` (a :class:`Rejects`).

    Raises
    ------
    InputError
        The file lacks the columns, or no labelled account has a usable profile.
    """
    from detector.accounts.read import canonical_from_frame, read_accounts
    from detector.training.datasets import sha256

    p = str(labels_path)
    rejects = Rejects(p)
    raw = read_labels(p, rejects)
    as_of_ts = pd.Timestamp.now(tz="UTC").floor("s") if as_of is None else pd.Timestamp(as_of)
    if as_of_ts.tzinfo is None:
        as_of_ts = as_of_ts.tz_localize("UTC")
    profile_cols = set(raw.columns) - {"account_id", "label", "kind", "note", "notes"}
    if profiles is not None:
        batch = read_accounts(profiles, as_of=as_of_ts)
        rejects.extend(batch.rejects)
        accounts = _join_profiles(raw, batch.accounts, p, rejects)
    elif profile_cols - {"screen_name"}:
        accounts = canonical_from_frame(raw.drop(columns=["label"]), p, rejects, as_of_ts)
        accounts["label"] = raw.loc[accounts["source_row"].to_numpy(), "label"].to_numpy()
        if len(accounts) and not accounts[list(PROFILE_FIELDS)].notna().any().any():
            # e.g. screen_name,user_id,label: the extra column is an id, not a profile; training on
            # empty profiles would teach the model "fields missing" and say nothing
            raise InputError(
                f"the label file's columns ({', '.join(sorted(profile_cols))}) hold no profile field the model reads "
                "(followers_count, created_at, description, …): give the profiles as a separate accounts file "
                "(detector train --profiles FILE)",
                path=p,
            )
    else:
        raise InputError(
            "the label file has no profile columns (screen_name, followers_count, created_at, …): "
            "add them, or give the profiles as a separate accounts file",
            path=p,
        )
    if accounts.empty:
        raise InputError(f"no labelled account with a usable profile ({rejects.n_rejected} rejected)", path=p)
    accounts = _settle_repeats(accounts, rejects)
    if accounts.empty:
        raise InputError(f"no labelled account left: every one was labelled both ways ({rejects.n_rejected} rejected)", path=p)
    undated = int(rejects.notes.get("measured_to_as_of", 0))
    if undated:
        log.warning(
            "%s: %d labelled profiles carry no collection time (collected_at); their account ages and daily rates are "
            "measured to %s%s: give collected_at, or the time the profiles were collected (as_of, --as-of)",
            p, undated, as_of_ts.isoformat(), " (now)" if as_of is None else "",
        )
    accounts = accounts.assign(
        kind=np.where(accounts["label"] == 1, "analyst_inauthentic", "analyst_genuine"),
        source=Path(p).name,
        collection=ANALYST,
    )
    lacking = [c for c in ("created_at", "followers_count", "friends_count", "statuses_count", "favourites_count", "listed_count", "description", "name")
               if c in accounts.columns and accounts[c].isna().all() and c in table.columns and table[c].notna().any()]
    if lacking:
        log.warning(
            "%s: no analyst-labelled account has %s, which the public sets have: the model can learn "
            "'field missing' instead of 'inauthentic'; check the control in evaluate_analyst_labels",
            p, ", ".join(lacking),
        )
    overlap = set(accounts["account_id"]) & set(table.get("account_id", pd.Series(dtype=str)).astype(str))
    differs: list[str] = []
    if overlap:
        log.warning("%d analyst-labelled accounts are also in the public sets; both rows are kept", len(overlap))
        public = table[table["account_id"].astype(str).isin(overlap)].groupby(table["account_id"].astype(str))["label"].agg(set)
        mine = accounts.set_index(accounts["account_id"].astype(str))["label"]
        differs = sorted(a for a in overlap if int(mine[a]) not in public[a])
        if differs:
            # both rows train, with opposite labels: said with the ids, so the analyst can settle them
            log.warning(
                "%s: %d labelled accounts carry the other label in a public set (both rows train): %s%s",
                p, len(differs), ", ".join(differs[:10]), " …" if len(differs) > 10 else "",
            )
    keep = [*ACCOUNT_COLUMNS, "label", "kind", "source", "collection"]
    out = pd.concat([table, accounts[keep]], ignore_index=True) if len(table) else accounts[keep].reset_index(drop=True)
    info: dict[str, Any] = {
        "sha256": sha256(Path(p)),
        "path": p,
        "accounts": int(len(accounts)),
        "inauthentic": int(accounts["label"].sum()),
        "rejected": rejects.n_rejected,
        "rejects": rejects,
        "fields_missing_in_all": lacking,
        "measured_to_as_of": undated,
        "public_label_differs": differs,
    }
    log.info("%s: %d analyst-labelled accounts added (%d inauthentic), %d rejected", p, info["accounts"], info["inauthentic"], info["rejected"])
    return out, info


def _settle_repeats(accounts: pd.DataFrame, rejects: Rejects) -> pd.DataFrame:
    """An account labelled more than once counts once when its labels agree; when they disagree,
    every row of it is kept aside: no label is guessed."""
    ids = accounts["account_id"].astype(str)
    repeated = ids.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return accounts
    both_ways = repeated & (accounts.groupby(ids)["label"].transform("nunique") > 1).to_numpy()
    for ident, rows in accounts[both_ways].groupby(ids[both_ways], sort=False):
        listed = ", ".join(str(int(n)) for n in rows["source_row"])
        for n in rows["source_row"]:
            rejects.add(int(n), "label", f"account {ident!r} is labelled both inauthentic and genuine (rows {listed}): kept aside, no label is guessed")
    again = repeated & ~both_ways & ids.duplicated(keep="first").to_numpy()
    for n in accounts.loc[again, "source_row"]:
        rejects.add(int(n), "account_id", "the same account is labelled again, with the same label: counted once")
    return accounts[~both_ways & ~again]


def _join_profiles(raw: pd.DataFrame, accounts: pd.DataFrame, path: str, rejects: Rejects) -> pd.DataFrame:
    by_id = accounts.drop_duplicates("account_id").set_index(accounts["account_id"].drop_duplicates().astype(str).str.lower())
    by_name = accounts.dropna(subset=["screen_name"]).drop_duplicates("screen_name")
    by_name = by_name.set_index(by_name["screen_name"].astype(str).str.lower())
    rows = []
    key_field = "account_id" if "account_id" in raw.columns else "screen_name"
    key = raw[key_field]
    for n, ident, label in zip(raw.index.to_numpy(dtype="int64"), key.tolist(), raw["label"].tolist(), strict=True):
        k = str(ident).strip().lower()
        hit = by_id.loc[k] if k in by_id.index else by_name.loc[k] if k in by_name.index else None
        if hit is None:
            rejects.add(int(n), key_field, f"no profile for account {ident!r} in the profiles file")
            continue
        row = hit.to_dict()
        row.update(label=int(label), source_row=int(n))
        rows.append(row)
    return pd.DataFrame(rows, columns=[*accounts.columns, "label"]).astype(accounts.dtypes.to_dict() | {"label": "int64"})


# ---------------------------------------------------------------- a real demonstration set


def ira_analyst_labels(raw_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Every account of the IRA release as an analyst label file: ``account_id,label,...profile``.

    All are labelled 1: they are confirmed accounts of the Internet Research Agency (Linvill &
    Warren 2020). The profile is what the release carries at each author's latest tweet:
    ``following`` -> ``friends_count``, ``followers`` -> ``followers_count``, ``updates`` ->
    ``statuses_count``, observed at ``harvested_date`` (``collected_at``). Creation date, likes,
    lists, name, description and profile defaults are not in the release: the profiles are partial.
    """
    path = Path(raw_dir) / "ira-2018" / "tweets.parquet"
    if not path.exists():
        raise InputError("IRA tweets not found", path=str(path))
    cols = ["author_id", "publish_date", "harvested_date", "following", "followers", "updates"]
    t = pd.read_parquet(path, columns=cols)
    t = t.sort_values(["author_id", "publish_date", "harvested_date"], kind="stable").drop_duplicates("author_id", keep="last")
    out = pd.DataFrame({
        "account_id": t["author_id"].astype(str).to_numpy(),
        "label": 1,
        "screen_name": t["author_id"].astype(str).to_numpy(),
        "followers_count": pd.to_numeric(t["followers"], errors="coerce").to_numpy(),
        "friends_count": pd.to_numeric(t["following"], errors="coerce").to_numpy(),
        "statuses_count": pd.to_numeric(t["updates"], errors="coerce").to_numpy(),
        "collected_at": pd.to_datetime(t["harvested_date"], errors="coerce").dt.strftime("%Y-%m-%dT%H:%M:00Z").to_numpy(),
    })  # fmt: skip
    return out.sort_values("account_id", ignore_index=True)


# ---------------------------------------------------------------- evaluation


@dataclass
class AnalystEvaluation:
    """What :func:`evaluate_analyst_labels` measured."""

    loco: pd.DataFrame
    held_out: pd.DataFrame
    control: pd.DataFrame
    equal_fields: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""


def _fit(table: pd.DataFrame, random_state: int, features: tuple[str, ...] | None = None) -> Any:
    from detector.accounts.model import MODEL_FEATURES, train
    from detector.training.datasets import with_training_copies

    # as the shipped procedure: a counts-only bot collection (ira-2018) trains beside humans cut to its fields
    return train(with_training_copies(table, random_state), features=features or MODEL_FEATURES, random_state=random_state)


def _verdicts(model: Any, accounts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated scores and the ``suspicious`` verdict as :func:`detector.accounts.model.score_accounts` gives it."""
    from detector.accounts.model import MAX_MISSING_FOR_VERDICT, THRESHOLDS, predict

    X, score, _ = predict(model, accounts)
    sparse = np.isnan(X).mean(axis=1) >= MAX_MISSING_FOR_VERDICT
    return score, (score >= THRESHOLDS["suspicious"]) & ~sparse


def loco_scores(public: pd.DataFrame, *, extra: pd.DataFrame | None = None, random_state: int = 0) -> pd.DataFrame:
    """Leave-one-collection-out scores: each public collection scored by a model trained on the others.

    ``extra`` rows (e.g. analyst labels) are added to every training fold and never scored.
    Returns ``collection, account_id, label, score`` for every public account: the input of the
    cross-collection curves in notebook ``03``.
    """
    frames = []
    for coll in sorted(public["collection"].unique()):
        train = public[public["collection"] != coll]
        if extra is not None:
            train = pd.concat([train, extra], ignore_index=True)
        test = public[public["collection"] == coll]
        score, _ = _verdicts(_fit(train, random_state), test)
        frames.append(pd.DataFrame({"collection": coll, "account_id": test["account_id"].to_numpy(), "label": test["label"].to_numpy(dtype=int), "score": score}))
    return pd.concat(frames, ignore_index=True)


def _blanked(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = table.copy()
    for c in columns:
        out[c] = out[c].where(pd.Series(False, index=out.index))
    return out


def evaluate_analyst_labels(
    public: pd.DataFrame,
    analyst: pd.DataFrame,
    *,
    held_out_share: float = 0.3,
    random_state: int = 0,
) -> AnalystEvaluation:
    """Measure what the analyst's labels change, keeping them apart from the public sets.

    Parameters
    ----------
    public : DataFrame
        The public training table (with ``collection``).
    analyst : DataFrame
        The analyst rows, as appended by :func:`add_analyst_labels` (``collection == "analyst"``).
    held_out_share : float
        Share of the analyst labels kept out of training and scored by both models.

    Three measurements, each by a model trained without the analyst rows ("public") and one
    trained with the analyst's training part ("public + analyst"):

    1. leave-one-collection-out ROC-AUC on each public collection (does adding them hurt?);
    2. on the held-out analyst labels: mean score and share called ``suspicious``, and ROC-AUC
       when they hold both classes (do they help on the analyst's own kind of account?);
    3. control: the genuine accounts of the left-out public collection with the profile fields
       the analyst's profiles lack blanked. If "public + analyst" calls these suspicious, it
       learned the analyst set's missing fields, not inauthenticity;
    4. equal fields: every account (public training rows too) reduced to the fields the analyst
       profiles have; ROC-AUC of held-out analyst accounts against the left-out collection's
       genuine accounts. This is what the analyst's labels can teach when missing fields give
       nothing away.
    """
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(random_state)
    analyst = analyst.reset_index(drop=True)
    # An analyst's accounts may also sit in a public collection (the demonstration set is the IRA
    # release, which is also ira-2018): measured apart means the public side never holds them,
    # or "held out" analyst accounts would be scored by a model trained on them.
    shared = public["account_id"].astype(str).isin(set(analyst["account_id"].astype(str)))
    if shared.any():
        log.warning("%d public rows are accounts of the analyst set; left out of the public side of this evaluation", int(shared.sum()))
        public = public[~shared]
    test_mask = np.zeros(len(analyst), dtype=bool)
    for _, group in analyst.groupby("label").groups.items():
        idx = np.asarray(group)
        pick = rng.choice(idx, size=max(1, int(round(held_out_share * len(idx)))), replace=False)
        test_mask[pick] = True
    a_train, a_test = analyst[~test_mask], analyst[test_mask]
    blank = _blank_columns(analyst)
    loco_rows, control_rows, equal_rows = [], [], []
    # Features the analyst profiles give at all: the only ones an equal-fields model may use.
    from detector.accounts.features import compute_features, fit_bigrams
    from detector.accounts.model import MODEL_FEATURES

    Xa = compute_features(analyst, fit_bigrams(analyst["screen_name"]), MODEL_FEATURES).to_numpy(dtype="float64")
    present = tuple(f for f, has in zip(MODEL_FEATURES, ~np.isnan(Xa).all(axis=0), strict=True) if has)
    # Collections with both classes only: a one-class collection has no ROC-AUC of its own and no
    # genuine accounts for the control (the nested evaluation pairs those; see evaluate.py).
    two_class = [c for c, n in public.groupby("collection")["label"].nunique().items() if n == 2]
    for coll in sorted(two_class):
        train = public[public["collection"] != coll]
        test = public[public["collection"] == coll]
        genuine = _blanked(test[test["label"] == 0], blank)
        # Equal fields: the same model question with every account reduced to the analyst's fields.
        erow: dict[str, Any] = {"left out": coll, "genuine accounts": len(genuine), "held-out analyst accounts": len(a_test)}
        both = pd.concat([genuine, a_test], ignore_index=True)
        for name, tab in (("public", _blanked(train, blank)), ("public + analyst", pd.concat([_blanked(train, blank), a_train], ignore_index=True))):
            score, _ = _verdicts(_fit(tab, random_state, present), both)
            erow[f"ROC-AUC {name}"] = round(float(roc_auc_score(both["label"], score)), 4)
        equal_rows.append(erow)
        row: dict[str, Any] = {"left out": coll, "accounts": len(test)}
        crow: dict[str, Any] = {"left out": coll, "genuine accounts": len(genuine)}
        for name, tab in (("public", train), ("public + analyst", pd.concat([train, a_train], ignore_index=True))):
            pipe = _fit(tab, random_state)
            score, _ = _verdicts(pipe, test)
            row[f"ROC-AUC {name}"] = round(float(roc_auc_score(test["label"], score)), 4)
            cscore, csus = _verdicts(pipe, genuine)
            crow[f"mean score {name}"] = round(float(cscore.mean()), 4)
            crow[f"score >= 0.8 {name}"] = round(float((cscore >= 0.8).mean()), 4)
        loco_rows.append(row)
        control_rows.append(crow)
    held_rows = []
    for name, tab in (("public", public), ("public + analyst", pd.concat([public, a_train], ignore_index=True))):
        pipe = _fit(tab, random_state)
        score, sus = _verdicts(pipe, a_test)
        r: dict[str, Any] = {
            "model": name, "held-out analyst accounts": len(a_test), "inauthentic": int(a_test["label"].sum()),
            "mean score": round(float(score.mean()), 4), "score >= 0.8": round(float((score >= 0.8).mean()), 4),
            "labelled suspicious": round(float(sus.mean()), 4),
        }  # fmt: skip
        if a_test["label"].nunique() == 2:
            r["ROC-AUC"] = round(float(roc_auc_score(a_test["label"], score)), 4)
        held_rows.append(r)
    result = AnalystEvaluation(
        pd.DataFrame(loco_rows), pd.DataFrame(held_rows), pd.DataFrame(control_rows), pd.DataFrame(equal_rows),
        info={"analyst_accounts": len(analyst), "analyst_train": len(a_train), "analyst_held_out": len(a_test), "blanked_in_control": blank, "equal_fields_features": list(present), "public_rows_left_out": int(shared.sum())},
    )  # fmt: skip
    result.markdown = analyst_section(result)
    return result


def _blank_columns(analyst: pd.DataFrame) -> list[str]:
    """The profile fields no analyst-labelled account has: blanked in the control's genuine accounts."""
    fields = (
        "name", "description", "followers_count", "friends_count", "listed_count", "favourites_count", "statuses_count", "created_at",
        "default_profile", "default_profile_image", "profile_use_background_image", "url", "location", "lang",
    )  # fmt: skip
    return [c for c in fields if c in analyst.columns and analyst[c].isna().all()]


def passes_control(result: AnalystEvaluation | pd.DataFrame, *, max_rise: float = 0.05) -> bool:
    """Whether the analyst's labels may go into a production model, by the missing-fields control.

    False when adding them raises, in any left-out collection, the share of genuine accounts
    (with the analyst profiles' missing fields blanked) scoring 0.8 or more by more than
    ``max_rise``: the model would then call real people suspicious for lacking fields.
    ``result`` is an evaluation or its control table (:func:`missing_fields_control`).
    """
    c = result.control if isinstance(result, AnalystEvaluation) else result
    if c.empty:
        return True
    rise = c["score >= 0.8 public + analyst"] - c["score >= 0.8 public"]
    return bool((rise <= max_rise).all())


def missing_fields_control(public: pd.DataFrame, analyst: pd.DataFrame, *, random_state: int = 0) -> pd.DataFrame:
    """The missing-fields control of training on all of ``analyst``'s rows (what ``detector train --labels`` does).

    For each public collection with both classes, left out in turn: its genuine accounts, with the
    fields no analyst profile has blanked, scored by a model trained on the other public collections
    without and with the analyst rows (two fits per collection). One row per collection, with the
    columns of :attr:`AnalystEvaluation.control`; :func:`passes_control` reads it.
    """
    shared = public["account_id"].astype(str).isin(set(analyst["account_id"].astype(str)))
    public = public[~shared]  # as in evaluate_analyst_labels: the public side never holds the analyst's accounts
    blank = _blank_columns(analyst)
    rows = []
    two_class = [c for c, n in public.groupby("collection")["label"].nunique().items() if n == 2]
    for coll in sorted(two_class):
        train = public[public["collection"] != coll]
        test = public[public["collection"] == coll]
        genuine = _blanked(test[test["label"] == 0], blank)
        row: dict[str, Any] = {"left out": coll, "genuine accounts": len(genuine)}
        for name, tab in (("public", train), ("public + analyst", pd.concat([train, analyst], ignore_index=True))):
            score, _ = _verdicts(_fit(tab, random_state), genuine)
            row[f"mean score {name}"] = round(float(score.mean()), 4)
            row[f"score >= 0.8 {name}"] = round(float((score >= 0.8).mean()), 4)
        rows.append(row)
    return pd.DataFrame(rows)


def require_control(public: pd.DataFrame, analyst: pd.DataFrame, *, random_state: int = 0, path: str = "", max_rise: float = 0.05) -> str:
    """Run :func:`missing_fields_control` and return its verdict in words; raise when the labels fail it.

    Raises
    ------
    InputError
        The labels fail the control: a model trained with them would call real people suspicious
        for lacking the fields the labelled profiles lack.
    """
    control = missing_fields_control(public, analyst, random_state=random_state)
    verdict = control_verdict(control, max_rise=max_rise)
    log.info("%s: missing-fields control %s", path, verdict)
    if not passes_control(control, max_rise=max_rise):
        raise InputError(
            f"the labels fail the missing-fields control ({verdict.removeprefix('failed: ')}): a model trained with them "
            "would call real people suspicious for the profile fields the labelled accounts lack, so none was trained. "
            "Give the labelled accounts fuller profiles, or train with --skip-control at your own risk "
            "(EVALUATION.md, 'Analyst labels')",
            path=path,
        )
    return verdict


def control_verdict(control: pd.DataFrame, *, max_rise: float = 0.05) -> str:
    """The control in words, for a model card and for the analyst: passed or failed, and the largest rise."""
    if control.empty:
        return "not measured: no public collection with both classes to leave out"
    rise = control["score >= 0.8 public + analyst"] - control["score >= 0.8 public"]
    worst = int(rise.to_numpy().argmax())
    words = "passed" if passes_control(control, max_rise=max_rise) else "failed"
    return (
        f"{words}: with the labels, the largest change in the share of a left-out collection's genuine accounts (fields the "
        f"labelled profiles lack blanked) scoring 0.8 or more is {rise.iloc[worst]:+.3f} ({control['left out'].iloc[worst]}; "
        f"limit +{max_rise:.2f})"
    )


def analyst_section(result: AnalystEvaluation, *, source: str = "") -> str:
    """The ``## Analyst labels`` section of EVALUATION.md."""
    info = result.info
    lines = [
        "## Analyst labels",
        "",
        "What `detector train --labels FILE` changes, measured apart from the public sets "
        "(`detector.training.labels.evaluate_analyst_labels`; notebook `02`). The analyst rows are one more "
        "collection, `analyst`, in the balanced weights. "
        f"{info.get('analyst_accounts')} analyst-labelled accounts: {info.get('analyst_train')} used in training, "
        f"{info.get('analyst_held_out')} held out.",
    ]
    if info.get("public_rows_left_out"):
        lines[-1] += (
            f" {info['public_rows_left_out']} public rows are accounts of the analyst set (the same accounts in a "
            "public collection): they are left out of the public side here, so no model below was trained on a "
            "held-out analyst account."
        )
    if source:
        lines += ["", source]
    lines += ["", _reading(result)]
    lines += [
        "",
        "**Public collections, leave-one-collection-out** (trained on the other public collections, "
        "with and without the analyst's training part):",
        "",
        _md(result.loco),
        "",
        "**Held-out analyst labels** (models trained on all public collections, with and without the "
        "analyst's training part). 'labelled suspicious' applies the model's rule, which leaves an account "
        "`uncertain` when half or more of its features are missing:",
        "",
        _md(result.held_out),
        "",
        "**Control: genuine public accounts with the fields the analyst profiles lack blanked** "
        f"({', '.join(info.get('blanked_in_control', [])) or 'none'}), each scored by the models that left "
        "its collection out. A rise here means the model learned *which fields are missing* in the "
        "analyst set, not inauthenticity:",
        "",
        _md(result.control),
        "",
        "**Equal fields:** every account, public training rows included, reduced to the analyst "
        f"profiles' fields (features: {', '.join(info.get('equal_fields_features', []))}); ROC-AUC of the held-out analyst accounts against the left-out collection's "
        "genuine accounts. This is what the labels teach when missing fields give nothing away:",
        "",
        _md(result.equal_fields),
        "",
    ]
    return "\n".join(lines)


def _reading(result: AnalystEvaluation) -> str:
    """One paragraph of figures read off the tables (computed, so it cannot drift from them)."""
    loco = result.loco["ROC-AUC public + analyst"] - result.loco["ROC-AUC public"]
    held = result.held_out.set_index("model")["mean score"].astype(float).to_dict()
    ctrl = result.control
    eq = result.equal_fields
    parts = [
        f"**Reading.** Adding the labels moves leave-one-collection-out ROC-AUC on the public sets by "
        f"{loco.min():+.3f} to {loco.max():+.3f}.",
        f"On the held-out analyst accounts the mean score goes from {held['public']:.3f} "
        f"to {held['public + analyst']:.3f}.",
    ]
    if not ctrl.empty:
        rise = ctrl["mean score public + analyst"].astype(float) - ctrl["mean score public"].astype(float)
        parts.append(
            f"In the control, the share of genuine accounts scoring 0.8 or more is at most "
            f"{ctrl['score >= 0.8 public'].max():.1%} without the labels and at most {ctrl['score >= 0.8 public + analyst'].max():.1%} "
            f"with them, and their mean score moves by {rise.min():+.3f} to {rise.max():+.3f} (a rise is the missing fields speaking)"
            + (": the gain on the held-out labels is the missing fields, not inauthenticity, and such a model would flag real people." if not passes_control(result) else ".")
        )
    if not eq.empty:
        parts.append(
            f"With equal fields, the held-out analyst accounts are told from genuine ones with ROC-AUC "
            f"{eq['ROC-AUC public'].min():.2f}-{eq['ROC-AUC public'].max():.2f} without the labels and "
            f"{eq['ROC-AUC public + analyst'].min():.2f}-{eq['ROC-AUC public + analyst'].max():.2f} with them: "
            "what these fields can teach about these accounts."
        )
    return " ".join(parts)


def _md(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(f"{v:,}" if isinstance(v, int | np.integer) else str(v) for v in row) + " |")
    return "\n".join(out)


DEMO_SOURCE = (
    "The labels measured here are the shipped demonstration set, "
    "`datasets/examples/analyst-labels/ira_accounts.csv`: the 1,407 accounts of the IRA release "
    "(Linvill & Warren 2020), all confirmed state-backed trolls (label 1), with the partial profiles "
    "the release carries (followers, following and tweet counts at each account's latest tweet; no "
    "creation date, likes, lists, name or description). They stand for an analyst's own labels; "
    "nobody on this project labelled them."
)


def write_evaluation(
    out: str | os.PathLike[str] = "EVALUATION.md",
    labels_path: str | os.PathLike[str] = DEMO_LABELS,
    *,
    random_state: int = 0,
    profiles: str | os.PathLike[str] | None = None,
    as_of: pd.Timestamp | None = None,
) -> AnalystEvaluation:
    """Evaluate ``labels_path`` against the shipped public tables and rewrite the section in ``out``.

    ``profiles`` and ``as_of`` are :func:`add_analyst_labels`'s: the labelled accounts' profiles in a
    file of their own (``detector evaluate --labels L --profiles P``), as ``detector train`` takes them.
    """
    from detector.training.datasets import load_training_table
    from detector.training.evaluate import one_thread

    public = load_training_table()
    table, info = add_analyst_labels(public, labels_path, profiles=profiles, as_of=as_of)
    with one_thread():  # dozens of small fits: threads only wait for busy cores
        result = evaluate_analyst_labels(public, table[table["collection"] == ANALYST], random_state=random_state)
    source = DEMO_SOURCE if Path(labels_path).resolve() == DEMO_LABELS.resolve() else f"Labels: `{labels_path}` (sha256 `{info['sha256']}`)" + (f", profiles from `{profiles}`." if profiles is not None else ".")
    from detector.accounts.model import PACKAGE_MODEL, card_path

    shipped = json.loads(card_path(PACKAGE_MODEL).read_text(encoding="utf-8")) if card_path(PACKAGE_MODEL).exists() else {}
    if shipped:  # which model family these figures are for: a later model needs them computed again
        source += (
            f" Every model below is trained by `detector.accounts.model.train`, the procedure of the shipped model "
            f"{shipped.get('model_version', '?')} ({shipped.get('family', 'family not recorded')})."
        )
    verdict = "passes" if passes_control(result) else "fails"
    source += (
        f" Verdict of `detector.training.labels.passes_control`: the set **{verdict}** the missing-fields control"
        + (", so notebook 02 registers a model trained on the public sets alone." if verdict == "fails" else ".")
        + " Reproduce with `python -c \"from detector.training.labels import write_evaluation; write_evaluation()\"`."
    )
    result.markdown = analyst_section(result, source=source)
    write_section(out, result.markdown)
    return result


def write_section(path: str | os.PathLike[str], section: str) -> None:
    """Replace (or append) the ``## Analyst labels`` section of a Markdown file, atomically."""
    from detector.io import replace_markdown_section

    replace_markdown_section(path, section)


# ---------------------------------------------------------------- call labels (post ids only)

CALL_LABEL_COLUMNS = ("post_id", "source", "is_call")
CALL_SOURCES = ("albanian_dialect", "mozetic", "blokade", "ira")


def read_call_labels(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A call-label file (``datasets/calls/labels.csv`` and its extensions), checked before any text is joined.

    Columns ``post_id, source, is_call`` (``labeller, method, notes`` are kept as they are).
    ``is_call`` must be ``0`` or ``1``; ``source`` one of :data:`CALL_SOURCES`; an ``ira`` post id
    is ``ira-<row>``. A post labelled twice with the same label counts once; labelled both ways, it
    is an error: no label is guessed. Every check names the file, the row (1-based, header excluded)
    and the field.

    Raises
    ------
    InputError
        A column is missing, or a row breaks a check (the first few such rows are listed).
    """
    p = str(path)
    raw = _label_rows(p)
    missing = [c for c in CALL_LABEL_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(f"a call-label file needs the columns post_id,source,is_call (missing: {', '.join(missing)})", path=p)
    post = raw["post_id"].fillna("").astype(str).str.strip()
    source = raw["source"].fillna("").astype(str).str.strip()
    flag = raw["is_call"].fillna("").astype(str).str.strip()
    problems: list[tuple[int, str, str]] = []
    for n in raw.index[post.eq("")]:
        problems.append((int(n), "post_id", "the post id is blank"))
    for n in raw.index[~flag.isin(["0", "1"])]:
        problems.append((int(n), "is_call", "is_call is blank" if flag.at[n] == "" else f"is_call {raw.at[n, 'is_call']!r} is not 0 or 1"))
    for n in raw.index[~source.isin(CALL_SOURCES)]:
        problems.append((int(n), "source", f"source {raw.at[n, 'source']!r} is not one of {', '.join(CALL_SOURCES)}"))
    for n in raw.index[source.eq("ira") & ~post.str.fullmatch(r"ira-\d+")]:
        problems.append((int(n), "post_id", f"an ira post id is ira-<row of tweets.parquet>, not {raw.at[n, 'post_id']!r}"))
    ok = flag.isin(["0", "1"]) & post.ne("")
    both = ok & post.duplicated(keep=False) & (flag.where(ok).groupby(post).transform("nunique") > 1)
    for pid, rows in raw[both].groupby(post[both], sort=False):
        listed = ", ".join(str(int(n)) for n in rows.index)
        problems.extend((int(n), "is_call", f"post {pid!r} is labelled both 0 and 1 (rows {listed}): settle it, no label is guessed") for n in rows.index)
    if problems:
        problems.sort()
        shown = "; ".join(f"row {n}, field {f}: {why}" for n, f, why in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        if len(problems) == 1:
            n0, f0, why = problems[0]
            raise InputError(why, path=p, row=n0, field=f0)
        raise InputError(f"{len(problems)} bad call-label rows: {shown}{more}", path=p)
    out = raw.assign(post_id=post, source=source, is_call=flag.astype("int64"))
    again = out["post_id"].duplicated(keep="first")
    if again.any():
        log.info("%s: %d posts labelled again with the same label, counted once", p, int(again.sum()))
    return out[~again]
