"""Reports: one self-contained HTML page, plus CSV and JSON of the same data, for a time window.

This module owns what a report shows and how it is written: headline numbers, the score
distribution, the timeline of flagged posts, the top suspicious accounts with their reasons, the
coordination clusters with their evidence, the calls to action (identical texts grouped, with every
author), the campaigns the clusters add up to, and what changed since the previous report in the
same folder. It takes plain DataFrames (:class:`ReportData`); it never queries the store, scores
accounts, or clusters anything itself, so the CLI, the cron runner and a notebook can all feed it.
Two things it derives: posts that come without the call columns (read back from the store) get
them from :func:`detector.posts.calls.score_calls`, and campaigns are built from the cluster
memberships (:func:`detector.posts.campaigns.build_campaigns`).

Everything in the tables may have been written by an adversary (names, posts, evidence). The HTML
template escapes every value, isolates its text direction, never turns it into a link, and the page
carries a Content-Security-Policy that forbids scripts and any request but ``data:`` images. CSV
cells that a spreadsheet would read as a formula are neutralised (:func:`neutralise_formulas`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector import __version__
from detector.errors import InputError
from detector.io import (
    Rejects,
    atomic_path,
    read_output_table,
    write_table,
)
from detector.probability import probability_text

log = logging.getLogger(__name__)

# Labels that mean "flag this" when no score threshold is given.
SUSPICIOUS_LABELS = frozenset({"suspicious", "bot", "inauthentic", "fake", "coordinated"})
# Without a label or a threshold, a score of at least this flags (it is a calibrated probability).
DEFAULT_THRESHOLD = 0.5
# A change of score at least this large between two reports is listed under "what changed".
SCORE_MOVE = 0.1
# Two clusters with at least this Jaccard overlap of accounts are taken to be the same cluster.
SAME_CLUSTER_JACCARD = 0.5

ACCOUNT_FIELDS = (
    "account_id", "screen_name", "name", "score", "label", "reasons", "model_version", "scored_at",
    # `detector score`'s look-alike groups of the list it scored (empty when the scores come from elsewhere)
    "lookalike_group", "lookalike_size", "lookalike_evidence",
    # the account model held its verdict on the profile (too few fields); `detector posts --accounts-out` calls it
    # account_verdict_held, and the history store keeps it with each score (schema 4)
    "verdict_held",
)  # fmt: skip
# Rows of an author table (`detector run`'s stored scores, `detector posts --accounts-out`) carry this rule's version:
# their score is the combined one, which leaves a held profile out.
AUTHOR_RULE_PREFIX = "authors-"
POST_FIELDS = ("post_id", "author_id", "author_screen_name", "text", "created_at", "score", "label", "reasons", "cluster_ids")
CLUSTER_FIELDS = ("cluster_id", "kind", "n_accounts", "n_posts", "span_start", "span_end", "similarity", "evidence", "accounts")
_TIME_FIELDS = frozenset({"scored_at", "created_at", "span_start", "span_end"})
_NUMBER_FIELDS = frozenset({"score", "n_accounts", "n_posts", "similarity"})
_REQUIRED = {"accounts": ("account_id", "score"), "posts": ("post_id",), "clusters": ("cluster_id",), "campaigns": ("campaign_id",)}

# OWASP CSV injection: these leading characters make a spreadsheet evaluate the cell. The
# full-width forms are included because some spreadsheets fold them to the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# C0/C1 control characters other than tab and newline have no business in a report; lone
# surrogates (from broken JSON) cannot be written as UTF-8.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UNSAFE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(kw_only=True)
class ReportData:
    """Everything one report shows. Missing optional columns are allowed and shown as blank.

    Attributes
    ----------
    accounts : DataFrame
        ``account_id, screen_name, name, score, label, reasons, model_version, scored_at``
        (``account_id`` and ``score`` required). ``reasons`` is a list or a ``;``-separated text.
    posts : DataFrame
        ``post_id, author_id, author_screen_name, text, created_at, score, label, reasons,
        cluster_ids``; the posts of the window (all of them: the timeline counts them).
    clusters : DataFrame
        ``cluster_id, kind, n_accounts, n_posts, span_start, span_end, similarity, evidence,
        accounts``; ``evidence`` is text, a dict or a list; ``accounts`` a list or space-separated ids.
    memberships : DataFrame, optional
        ``cluster_id, account_id`` rows, used when ``clusters.accounts`` is absent.
    since, until : datetime
        The window (UTC).
    watch : str, optional
        The watch's name, if the report is for one watch.
    account_threshold, post_threshold : float, optional
        Flag a row whose score is at least this; when ``None`` a row is flagged when its label is
        one of :data:`SUSPICIOUS_LABELS`.
    previous : dict, optional
        A previous report's JSON (see :func:`find_previous`); found in the output folder if ``None``.
    top : int
        How many accounts, posts and clusters the HTML lists (CSV and JSON hold them all).
    window_note : str
        How the window was chosen, when not by the user (e.g. "the span of the data"); shown
        beside it.
    input_note : str
        What of the input was not analysed (a run's records set aside on import, and where they
        are); shown under the window.
    event_tz : str, optional
        Zone of the times the calls write (the user's ``--tz``); else each post's language decides.
    names : DataFrame, optional
        ``account_id, screen_name`` from anywhere else (profiles, the posts' authors), used for
        accounts whose own row has no screen name.
    author_locations : DataFrame, optional
        ``account_id, platform, location`` of the authors' stored profiles
        (:func:`detector.posts.calls.profile_locations`): the zone of a call that names no place and no
        zone when its author's location names one, for posts whose calls are found here (:func:`with_calls`).
    """

    accounts: pd.DataFrame
    posts: pd.DataFrame = field(default_factory=pd.DataFrame)
    clusters: pd.DataFrame = field(default_factory=pd.DataFrame)
    memberships: pd.DataFrame | None = None
    since: datetime
    until: datetime
    watch: str | None = None
    watch_description: str = ""
    account_threshold: float | None = None
    post_threshold: float | None = None
    previous: dict[str, Any] | None = None
    top: int = 50
    window_note: str = ""
    input_note: str = ""
    names: pd.DataFrame | None = None
    campaigns: pd.DataFrame | None = None
    event_tz: str | None = None
    author_locations: pd.DataFrame | None = None


@dataclass(frozen=True)
class ReportPaths:
    """Where one report went. ``previous`` is the report it was compared with, if any."""

    html: Path
    csv: Path
    json: Path
    posts_csv: Path
    clusters_csv: Path
    previous: Path | None = None


# ---------------------------------------------------------------------------------------------
# Hostile text


def neutralise_formulas(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells cannot be read as spreadsheet formulas.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return (or their
    full-width forms) gets a leading ``'``, as OWASP recommends. Only text columns are touched
    (or ``columns``, if given), so a negative number in a numeric column stays a number.
    """
    out = df.copy()
    targets = list(columns) if columns is not None else [c for c in out.columns if _is_text(out[c])]
    for col in targets:
        s = out[col]
        mask = s.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).astype(bool)
        if mask.any():
            out[col] = s.astype(object)
            out.loc[mask, col] = "'" + s[mask].astype(str)
    return out


def _is_text(s: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(s) or s.dtype == object)


def _clean(value: Any) -> str:
    """A value as display text: missing is blank, control characters dropped, surrogates replaced."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    if _UNSAFE_RE.search(text) is None:
        return text
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL_RE.sub("", text)


def _as_list(value: Any) -> list[str]:
    """Reasons, cluster ids or member ids, as given (list, JSON text, or separated text)."""
    if value is None or value is pd.NA:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return [_clean(v) for v in value if _clean(v)]
    text = _clean(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [_clean(v) for v in parsed if _clean(v)]
    sep = ";" if ";" in text else ("," if "," in text else None)
    parts = text.split(sep) if sep else text.split()
    return [p.strip() for p in parts if p.strip()]


def _as_reasons(value: Any) -> list[str]:
    # A reason is a phrase: only ';' or a list separates reasons, never a space nor a comma, and
    # a ';' inside parentheses belongs to its reason ("acted with 1003 (2 events; 3 partners)").
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return split_reasons(_clean(value))
    return _as_list(value)


# The only characters split_reasons looks at: visiting them alone, not every character, made it
# 10x faster (it ran for each of a 100,000-post report's 170,000 post rows).
_REASON_MARKS = re.compile(r"[()\[\]{};]")


def split_reasons(text: str) -> list[str]:
    """Reasons joined by ``;`` back into a list, keeping each parenthesised part whole."""
    parts, depth, start = [], 0, 0
    for mark in _REASON_MARKS.finditer(text):
        ch = mark.group()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        elif depth == 0:  # a ';' outside parentheses
            parts.append(text[start : mark.start()])
            start = mark.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _as_evidence(value: Any) -> Any:
    """Evidence as a dict, list or text (JSON text is parsed), cleaned for display."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in "{[":
            try:
                value = json.loads(stripped)
            except ValueError:
                return _clean(value)
        else:
            return _clean(value)
    if isinstance(value, dict):
        return {_clean(k): _as_evidence_leaf(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_as_evidence_leaf(v) for v in value]
    return _clean(value)


def _as_evidence_leaf(value: Any) -> str:
    if isinstance(value, dict | list | tuple):
        return _clean(json.dumps(value, ensure_ascii=False, default=str))
    return _clean(value)


# ---------------------------------------------------------------------------------------------
# Preparing the tables


def _frame(df: pd.DataFrame | None, fields_: Sequence[str], table: str) -> pd.DataFrame:
    """The columns a report needs, typed; required columns must be there."""
    df = pd.DataFrame() if df is None else df
    if len(df.columns) == 0 and table != "accounts":
        df = pd.DataFrame(columns=list(fields_))
    for col in _REQUIRED[table]:
        if col not in df.columns:
            raise InputError(f"the {table} table has no '{col}' column", field=col)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in fields_:
        values = df[col].to_numpy() if col in df.columns else [None] * len(df)
        s = pd.Series(values, index=out.index, dtype=object)
        if col in _TIME_FIELDS:
            s = pd.to_datetime(s, utc=True, errors="coerce", format="mixed")
        elif col in _NUMBER_FIELDS:
            s = pd.to_numeric(s, errors="coerce")
        out[col] = s
    extra = [c for c in df.columns if c not in fields_]
    for col in extra:
        out[col] = df[col].to_numpy()
    return out


def _labels(df: pd.DataFrame) -> pd.Series:
    return df["label"].astype("string").fillna("").str.strip().str.casefold()


def _flags(df: pd.DataFrame, threshold: float | None) -> pd.Series:
    if threshold is not None:
        flags = (df["score"] >= threshold).fillna(False).astype(bool)
    elif not (_labels(df) != "").any():
        flags = (df["score"] >= DEFAULT_THRESHOLD).fillna(False).astype(bool)
    else:
        flags = _labels(df).isin(SUSPICIOUS_LABELS).astype(bool)
    if "verdict_held" in df.columns:
        # A score the account model held (too few profile fields) is no verdict: whatever the threshold, it never
        # flags. An author row's combined score already leaves a held profile out: its other evidence may flag it.
        author = df["model_version"].map(_clean).str.startswith(AUTHOR_RULE_PREFIX) if "model_version" in df.columns else False
        flags &= ~(df["verdict_held"].map(_flag).astype(bool) & ~author)
    return flags


def flagged(scores: pd.DataFrame, threshold: float | None) -> pd.Series:
    """Which rows of ``scores`` (``score``, ``label``; ``verdict_held`` and ``model_version`` when known) a report
    flags: ``score >= threshold`` when the watch sets one, else the model's label; a held verdict never flags.
    `detector run` counts its summary's flagged posts and authors with it, so that its line agrees with its report."""
    return _flags(scores, threshold)


def _flag_rule(df: pd.DataFrame, threshold: float | None, source: str) -> str:
    if threshold is not None:
        return f"score ≥ {threshold:.2f} ({source})"
    labels = _labels(df)
    if (labels != "").any():
        used = sorted(set(labels) & SUSPICIOUS_LABELS) or ["suspicious"]
        return "the model labelled them " + " or ".join(f"'{x}'" for x in used)
    return f"score ≥ {DEFAULT_THRESHOLD:.2f} (no label nor threshold given)"


def _cluster_members(clusters: pd.DataFrame, memberships: pd.DataFrame | None) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for cid, accts in zip(clusters["cluster_id"], clusters["accounts"], strict=True):
        members[_clean(cid)] = _as_list(accts)
    if memberships is not None and len(memberships) and {"cluster_id", "account_id"} <= set(memberships.columns):
        for cid, group in memberships.groupby(memberships["cluster_id"].map(_clean), sort=False):
            # Only the clusters the report shows: a membership of a cluster outside the window
            # must not count an account as "in clusters".
            if cid in members and not members[cid]:
                members[cid] = list(dict.fromkeys(group["account_id"].map(_clean)))
    return members


# ---------------------------------------------------------------------------------------------
# What changed


def report_stem(watch: str | None) -> str:
    """File-name stem of a watch's reports: ``report`` or ``report-<watch>``.

    A character that does not belong in a file name (``/``, ``..``) becomes ``_``.
    """
    if not watch:
        return "report"
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", watch).lstrip(".") or "_"
    return f"report-{safe}"


def _utc(t: Any) -> pd.Timestamp:
    ts = pd.Timestamp(t)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _stamp(t: datetime) -> str:
    return _utc(t).strftime("%Y%m%dT%H%M%SZ")


def find_previous(out_dir: str | os.PathLike[str], watch: str | None, until: datetime) -> tuple[Path, dict[str, Any]] | None:
    """The latest report JSON in ``out_dir`` for ``watch`` whose window ends before ``until``.

    Reports are kept as ``<stem>-<until>.json``, so re-running the same report replaces its own
    files and still compares with the one before it. An unreadable candidate is skipped with a
    warning: a damaged old file must not stop the cron job.
    """
    folder = Path(out_dir)
    if not folder.is_dir():
        return None
    stem = report_stem(watch)
    pattern = re.compile(re.escape(stem) + r"-(\d{8}T\d{6}Z)\.json$")
    current = _stamp(until)
    candidates = sorted(
        (m.group(1), p) for p in folder.iterdir() if (m := pattern.match(p.name)) and m.group(1) < current
    )
    for _, path in reversed(candidates):
        doc = _report_json(path, "previous report", "skipped")
        if doc is not None:
            return path, doc
    return None


def _report_json(path: Path, what: str, then: str) -> dict[str, Any] | None:
    """The report JSON at ``path``, or None (a missing file silently; an unreadable one, or one that is
    no detector report, with a warning naming it: ``<path>: <what> unreadable, <then>``)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s: %s unreadable, %s: %s", path, what, then, exc)
        return None
    if isinstance(doc, dict) and isinstance(doc.get("accounts"), list):
        return doc
    log.warning("%s: not a detector report JSON, %s", path, then)
    return None


def find_same_window(out_dir: str | os.PathLike[str], watch: str | None, until: datetime) -> tuple[Path, dict[str, Any]] | None:
    """The report JSON in ``out_dir`` for ``watch`` whose window ends at ``until``: the one a new report
    of that window replaces (None when there is none, or it is unreadable)."""
    path = Path(out_dir) / f"{report_stem(watch)}-{_stamp(until)}.json"
    doc = _report_json(path, "report of the same window", "not compared with")
    return (path, doc) if doc is not None else None


def _text_digest(content: dict[str, Any]) -> str:
    """SHA-256 of ``content`` as :func:`json_pieces` writes it, without holding the whole text."""
    digest = hashlib.sha256()
    for piece in json_pieces(content):
        digest.update(piece.encode("utf-8"))
    return digest.hexdigest()


def _replacing(content: dict[str, Any], path: Path, old: dict[str, Any]) -> tuple[dict[str, Any], Path | None]:
    """What changed, for a report that replaces ``old`` (at ``path``), the report of the same window,
    when no report of an earlier window is in the folder (offline runs whose data end at the same time).

    The same report written again (same data) keeps the comparison it was written with, so rewriting
    a report gives the same files. A report of other data is compared with the one it replaces, and
    says so, with the time that one was written (its file's time).
    """
    mine = {k: v for k, v in content.items() if k not in ("changes", "_frames")}
    theirs = {k: v for k, v in old.items() if k != "changes"}
    # Compared as the text each would be written as, hashed piece by piece: a report of 100,000 posts is
    # about 80 MB of JSON, and joining it into one string and parsing it back doubled the run's peak memory.
    if _text_digest(mine) == _text_digest(theirs):
        kept = old.get("changes")
        return (kept if isinstance(kept, dict) else {"previous": None}), None
    try:
        written = pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC").floor("s")
    except OSError:
        written = None
    changes = dict(content["changes"])
    changes["previous"] = dict(changes["previous"] or {}, same_window=True, written_at=_iso(written) if written is not None else None)
    return changes, path


def compare(
    accounts: pd.DataFrame, clusters: list[dict[str, Any]], previous: dict[str, Any] | None, calls: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """What changed since ``previous``: new and cleared flags, label changes, score moves, clusters,
    and the calls to action (``calls``, as :func:`call_groups` gives them) that are new or pushed by
    new authors.

    Accounts absent from this window are not counted as cleared: they were simply not seen. Nor is an
    account whose verdict the account model holds now and did not before (too few profile fields): it is
    listed in ``now_held``, not as cleared, relabelled or moved, since its score no longer judges the profile.
    """
    if not previous:
        return {"previous": None}
    before = {str(a.get("account_id")): a for a in previous.get("accounts", []) if isinstance(a, dict)}
    new_flagged, cleared, label_changed, moves, now_held = [], [], [], [], []
    for row in accounts.itertuples(index=False):
        aid, score = str(row.account_id), _num(row.score)
        old = before.get(aid)
        held = bool(row.verdict_held)
        entry: dict[str, Any] = {"account_id": aid, "screen_name": _clean(row.screen_name), "score": score, "label": _clean(row.label), "verdict_held": held}
        if old is None:
            if row.flagged:
                new_flagged.append(entry | {"previous_score": None})
            continue
        old_score = old.get("score")
        entry |= {"previous_score": old_score, "previous_label": old.get("label")}
        if held and not _held_before(old):
            now_held.append(entry)
            if row.flagged and not old.get("flagged"):
                new_flagged.append(entry)  # on evidence besides the profile (an author's posts and clusters)
            continue
        if row.flagged and not old.get("flagged"):
            new_flagged.append(entry)
        elif old.get("flagged") and not row.flagged:
            cleared.append(entry)
        if _clean(old.get("label")) != _clean(row.label) and _clean(old.get("label")):
            label_changed.append(entry)
        old_num = _num(old_score)
        if old_num is not None and score is not None and abs(score - old_num) >= SCORE_MOVE:
            moves.append(entry | {"delta": round(score - old_num, 4)})  # to the scores' places, not a float's noise
    moves.sort(key=lambda e: -abs(e["delta"]))

    old_clusters = [c for c in previous.get("clusters", []) if isinstance(c, dict)]
    old_sets = [set(c.get("accounts") or []) for c in old_clusters]
    old_ids = {str(c.get("cluster_id")) for c in old_clusters}
    new_clusters, matched = [], set()
    for c in clusters:
        members = set(c["accounts"])
        best = max(((_jaccard(members, s), i) for i, s in enumerate(old_sets)), default=(0.0, -1))
        if members and best[0] >= SAME_CLUSTER_JACCARD:
            matched.add(best[1])
        elif not members and c["cluster_id"] in old_ids:
            matched.update(i for i, o in enumerate(old_clusters) if str(o.get("cluster_id")) == c["cluster_id"])
        else:
            new_clusters.append({"cluster_id": c["cluster_id"], "kind": c["kind"], "n_accounts": c["n_accounts"]})
    gone = [
        {"cluster_id": str(o.get("cluster_id")), "kind": o.get("kind"), "n_accounts": o.get("n_accounts")}
        for i, o in enumerate(old_clusters)
        if i not in matched
    ]
    return {
        # A report carries no time of writing (rewriting one from the same data gives the same files), so the
        # previous one is named by the end of its window.
        "previous": {"until": previous.get("until")},
        "new_flagged": new_flagged,
        "no_longer_flagged": cleared,
        "label_changed": label_changed,
        "score_moves": moves,
        "now_held": now_held,
        "new_clusters": new_clusters,
        "clusters_gone": gone,
        **_new_calls(calls or [], previous),
    }


# What the "What changed" section shows of a new call (the Calls to action row keeps the rest).
NEW_CALL_FIELDS = ("text", "n_posts", "n_authors", "n_unattributed", "authors", "first_at", "last_at", "event", "when", "when_ts", "when_zone", "when_status", "whens", "where", "call_score", "score", "post_ids")


def _new_calls(calls: list[dict[str, Any]], previous: dict[str, Any]) -> dict[str, Any]:
    """The calls of this report whose text (its grouping key, :func:`call_keys`) the previous report's
    calls do not have, in the Calls to action order; how many of the previous report's texts are gone;
    and the calls whose text was there but which accounts it did not list push now (``calls_spreading``:
    "the same call, now pushed by 12 more accounts"), most new accounts first.

    A previous report without a ``calls`` list (written before reports had one) is not compared:
    ``new_calls``, ``calls_gone`` and ``calls_spreading`` are None, not "every call is new".
    """
    old = previous.get("calls")
    if not isinstance(old, list):
        return {"new_calls": None, "calls_gone": None, "calls_spreading": None}
    old = [c for c in old if isinstance(c, dict)]
    texts = pd.Series([_clean(c.get("text")) for c in old], dtype="string")
    old_keys = call_keys(texts).tolist() if len(texts) else []
    # The accounts that pushed each text then (one key may gather several rows of an older grouping).
    pushed: dict[str, set[str]] = {}
    for c, k in zip(old, old_keys, strict=True):
        mine_then = pushed.setdefault(k, set())
        mine_then.update(_clean(a.get("account_id")) for a in c.get("authors") or [] if isinstance(a, dict))
    mine = call_keys(pd.Series([c["text"] for c in calls], dtype="string")) if calls else pd.Series(dtype="string")
    new, spreading = [], []
    for c, k in zip(calls, mine, strict=True):
        if k not in pushed:
            new.append({f: c[f] for f in NEW_CALL_FIELDS})
            continue
        joined = [a for a in c["authors"] if a["account_id"] not in pushed[k]]
        if joined:
            spreading.append({f: c[f] for f in NEW_CALL_FIELDS} | {"n_authors_before": len(pushed[k] - {""}), "new_authors": joined, "n_new_authors": len(joined)})
    spreading.sort(key=lambda c: -c["n_new_authors"])  # stable: then the Calls to action order
    return {"new_calls": new, "calls_gone": len(set(pushed) - set(mine)), "calls_spreading": spreading}


def _held_before(row: dict[str, Any]) -> bool:
    """Whether a previous report's account row had its verdict held. A report written before rows said so
    tells it by the note the account model's reasons carry exactly then (as the store's migration does)."""
    if "verdict_held" in row:
        return _flag(row["verdict_held"])
    from detector.ops.store import HELD_NOTE

    return any(HELD_NOTE in str(r) for r in row.get("reasons") or [])


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


# ---------------------------------------------------------------------------------------------
# Charts (matplotlib Agg, as PNG data URIs; no adversary text ever reaches a chart)


def _png_data_uri(fig: Any) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    # No timestamp or software tag in the PNG, so the same data gives the same bytes.
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def score_chart(accounts: pd.DataFrame, posts: pd.DataFrame, threshold: float | None) -> str:
    """Histogram of account (and post) scores as a PNG data URI."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.0))
    ax = fig.add_subplot()
    acc = accounts["score"].dropna().to_numpy(dtype=float)
    ax.hist(acc, bins=20, range=(0.0, 1.0), color="#3b6ea5", alpha=0.85, label=f"accounts ({len(acc):,})")
    pst = posts["score"].dropna().to_numpy(dtype=float) if len(posts) else np.array([])
    if len(pst):
        ax.hist(pst, bins=20, range=(0.0, 1.0), histtype="step", linewidth=1.8, color="#c2571a", label=f"posts ({len(pst):,})")
    if threshold is not None:
        ax.axvline(threshold, color="#9b1c1c", linestyle="--", linewidth=1.2, label=f"flag threshold {threshold:.2f}")
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (estimated probability of being inauthentic)")
    ax.set_ylabel("count")
    ax.legend(loc="upper center", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png_data_uri(fig)


# (longest span of the posts, bucket width, unit shown on the axis)
_BUCKETS = (
    (pd.Timedelta(hours=3), pd.Timedelta(minutes=5), "5 minutes"),
    (pd.Timedelta(days=2), pd.Timedelta(hours=1), "hour"),
    (pd.Timedelta(days=90), pd.Timedelta(days=1), "day"),
)


def _bucket(first: pd.Timestamp, last: pd.Timestamp) -> tuple[pd.Timedelta, str]:
    """A bucket width that shows the shape of the posts' own span (a burst needs minutes)."""
    for longest, width, unit in _BUCKETS:
        if last - first <= longest:
            return width, unit
    return pd.Timedelta(days=7), "week"


def timeline_chart(posts: pd.DataFrame) -> str | None:
    """Posts per time step, flagged ones on top, as a PNG data URI (``None`` without posts)."""
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    posts = posts[posts["created_at"].notna()]
    if posts.empty:
        return None
    first, last = posts["created_at"].min(), posts["created_at"].max()
    step, unit = _bucket(first, last)
    origin = first.floor("D")
    per = posts.assign(bucket=origin + ((posts["created_at"] - origin) // step) * step)
    all_counts = per.groupby("bucket").size()
    flagged_counts = per[per["flagged"]].groupby("bucket").size()
    width = step / pd.Timedelta(days=1) * 0.9
    fig = Figure(figsize=(7.5, 2.8))
    ax = fig.add_subplot()
    x_all = pd.DatetimeIndex(all_counts.index).tz_convert("UTC").tz_localize(None)
    ax.bar(x_all, all_counts.to_numpy(), width=width, color="#c9d3de", label="all posts", align="edge")
    if len(flagged_counts):
        x_flag = pd.DatetimeIndex(flagged_counts.index).tz_convert("UTC").tz_localize(None)
        ax.bar(x_flag, flagged_counts.to_numpy(), width=width, color="#b42318", label="flagged posts", align="edge")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel(f"posts per {unit}")
    ax.set_xlabel("time (UTC)")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png_data_uri(fig)


# ---------------------------------------------------------------------------------------------
# Building the report's content


def _names(accounts: pd.DataFrame, posts: pd.DataFrame, memberships: pd.DataFrame | None, names: pd.DataFrame | None) -> dict[str, str]:
    """Account id → screen name, from the accounts' own rows first, then any other table."""
    out: dict[str, str] = {}
    sources: list[tuple[pd.DataFrame | None, str, str]] = [
        (accounts, "account_id", "screen_name"),
        (names, "account_id", "screen_name"),
        (posts, "author_id", "author_screen_name"),
        (memberships, "account_id", "screen_name"),
        (memberships, "account_id", "author_screen_name"),
    ]
    for df, key, col in sources:
        if df is None or not len(df) or key not in df.columns or col not in df.columns:
            continue
        for k, v in zip(df[key].map(_clean), df[col].map(_clean), strict=True):
            if k and v and not out.get(k):
                out[k] = v.removeprefix("@")
    return out


# Platforms whose posts name their author by a display name, never a handle: a Telegram export's ``from``
# ("Mitrovicasi 3", a channel's own name) carries no @username.
DISPLAY_NAME_PLATFORMS = frozenset({"telegram"})


def _display_names(name_of: dict[str, str], tables: Sequence[tuple[pd.DataFrame | None, str]]) -> list[str]:
    """The account ids whose screen name is a display name, not a handle: the page shows it without "@".

    A name is a display name when its account is on a platform of :data:`DISPLAY_NAME_PLATFORMS` (by the
    ``platform`` column of any of ``tables``, ``(frame, id column)``), or when it holds a space, which no
    platform's handle does (a Facebook page's name, "Arta K." of a flat CSV's author column).
    """
    ids: set[str] = set()
    for df, key in tables:
        if df is None or not len(df) or key not in df.columns or "platform" not in df.columns:
            continue
        on = df["platform"].map(_clean).str.casefold().isin(DISPLAY_NAME_PLATFORMS).to_numpy(dtype=bool)
        ids.update(df.loc[on, key].map(_clean))
    ids.update(a for a, n in name_of.items() if any(c.isspace() for c in n))
    return sorted(a for a in ids if a and name_of.get(a))


# Platforms whose readers name a post's author by a display name where it has no username (CrowdTangle's Page Name,
# the Meta Content Library's post_owner.name).
NAME_FALLBACK_PLATFORMS = frozenset({"facebook", "instagram"})


def _named_without_handle(accounts: pd.DataFrame | None, name_of: dict[str, str]) -> list[str]:
    """The account ids shown by their profile's display name: on a platform of :data:`NAME_FALLBACK_PLATFORMS`, a
    profile with a ``name`` and no ``screen_name`` (a CrowdTangle page without a User Name, whose posts carry the
    page's name as their author's), shown as that name.

    Session 13 (h83): a one-word page name ("Mitrovica") has no space to tell it from a handle, but its own profile
    says it has no handle.
    """
    cols = ("account_id", "screen_name", "name", "platform")
    if accounts is None or not len(accounts) or any(c not in accounts.columns for c in cols):
        return []
    out = []
    for a, handle, name, platform in zip(*(accounts[c].map(_clean) for c in cols), strict=True):
        if a and name and not handle and platform.casefold() in NAME_FALLBACK_PLATFORMS and name_of.get(a) == name.removeprefix("@"):
            out.append(a)
    return out


NO_ACCOUNT_MODEL = "no account model (the authors came without profiles)"


def describe_models(versions: Sequence[str]) -> list[str]:
    """Stored model versions in words, the account models first, then the rules.

    ``detector run`` stores ``authors-N+<account model>`` and ``posts-N+<account model>`` (``runner.AUTHOR_RULE``, ``runner.POST_RULE``);
    ``detector score`` the account model's own version.
    """
    rules = {"authors": "author rule", "posts": "post rule"}
    models: list[str] = []
    used_rules: list[str] = []
    for v in versions:
        head, plus, rest = v.partition("+")
        if plus and head.split("-", 1)[0] in rules:
            used_rules.append(head)
        else:
            rest = v
        models.append(NO_ACCOUNT_MODEL if rest == "no-account-model" else f"account model {rest}")
    out = list(dict.fromkeys(models))
    if used_rules:
        out.append(", ".join(f"{rules[r.split('-', 1)[0]]} {r}" for r in dict.fromkeys(used_rules)))
    return out


def _no_model(accounts: pd.DataFrame) -> str:
    # ``detector posts --accounts-out`` without a model column: its account scores say whether
    # the account model ran at all.
    if "account_score" in accounts.columns and not pd.to_numeric(accounts["account_score"], errors="coerce").notna().any():
        return NO_ACCOUNT_MODEL
    return "model version not recorded in the input"


# Posts listed in each flagged account's own entry (the posts CSV and the JSON of the window
# hold all of them).
ENTRY_POSTS = 10


def _account_entries(account_rows: list[dict[str, Any]], posts: pd.DataFrame, clusters: list[dict[str, Any]], name_of: dict[str, str]) -> list[dict[str, Any]]:
    """One entry per flagged account: its reasons, its clusters (with their other members), its posts."""
    by_id = {c["cluster_id"]: c for c in clusters}
    index = {c["cluster_id"]: i for i, c in enumerate(clusters)}
    authored: dict[str, pd.DataFrame] = {}
    if len(posts):
        ordered = posts.assign(_a=posts["author_id"].map(_clean)).sort_values(["flagged", "score", "created_at"], ascending=[False, False, True], na_position="last")
        authored = {str(k): g for k, g in ordered.groupby("_a", sort=False)}
    entries = []
    for a in account_rows:
        if not a["flagged"]:
            continue
        mine = authored.get(a["account_id"])
        entry_clusters = []
        for cid in a["cluster_ids"]:
            c = by_id.get(cid)
            if c is None:
                continue
            others = [m for m in c["members"] if m["account_id"] != a["account_id"]]
            entry_clusters.append({
                "cluster_id": cid, "index": index[cid], "kind": c["kind"], "n_accounts": c["n_accounts"],
                "span_start": c["span_start"], "span_end": c["span_end"], "others": others[:20], "more": max(len(others) - 20, 0),
            })
        entry_posts = [] if mine is None else [
            {
                "post_id": _clean(r.post_id), "created_at": _iso(r.created_at), "text": _clean(r.text),
                "score": _num(r.score), "label": _clean(r.label), "flagged": bool(r.flagged), "cluster_ids": _as_list(r.cluster_ids),
            }
            for r in mine.head(ENTRY_POSTS).itertuples(index=False)
        ]
        entries.append({
            "account_id": a["account_id"], "screen_name": a["screen_name"] or name_of.get(a["account_id"], ""),
            "name": a["name"], "score": a["score"], "label": a["label"], "verdict_held": a["verdict_held"], "reasons": a["reasons"],
            "clusters": entry_clusters, "posts": entry_posts, "n_posts": 0 if mine is None else len(mine),
        })
    return entries


def _lookalike_groups(accounts: pd.DataFrame) -> list[dict[str, Any]]:
    """The look-alike groups of the scored list (``detector score``'s ``lookalike_*`` columns), largest
    first, each with its accounts (highest score first) and what links each to the others."""
    group = accounts["lookalike_group"].map(_clean)
    if not group.ne("").any():
        return []
    rows = accounts.assign(_g=group)[group.ne("")]
    out = []
    for gid, g in rows.groupby("_g", sort=False):
        g = g.sort_values("score", ascending=False, na_position="last")
        out.append({
            "group": gid,
            "size": _int(g["lookalike_size"].iloc[0]) or len(g),
            "members": [
                {"account_id": r.account_id, "screen_name": _clean(r.screen_name), "score": _num(r.score), "label": _clean(r.label), "evidence": _clean(r.lookalike_evidence)}
                for r in g.itertuples(index=False)
            ],
        })
    out.sort(key=lambda x: (-x["size"], int(x["group"][1:]) if x["group"][1:].isdigit() else 0, x["group"]))
    return out


def _iso(t: Any) -> str | None:
    if t is None or t is pd.NaT or (isinstance(t, float) and math.isnan(t)):
        return None
    ts = pd.Timestamp(t)
    if ts is pd.NaT:
        return None
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.isoformat().replace("+00:00", "Z")


def _num(v: Any) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(v: Any) -> int | None:
    f = _num(v)
    return None if f is None else int(f)


def build_content(data: ReportData, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the report says, as plain JSON-ready values (the JSON file is this)."""
    accounts = _frame(data.accounts, ACCOUNT_FIELDS, "accounts")
    posts = _frame(data.posts, POST_FIELDS, "posts")
    clusters = _frame(data.clusters, CLUSTER_FIELDS, "clusters")
    accounts["account_id"] = accounts["account_id"].map(_clean)
    accounts = accounts[accounts["account_id"] != ""].drop_duplicates("account_id", keep="last")
    accounts["flagged"] = _flags(accounts, data.account_threshold)
    posts["flagged"] = _flags(posts, data.post_threshold) if len(posts) else pd.Series(dtype=bool)

    posts = with_calls(posts, data.event_tz, data.author_locations)
    members = _cluster_members(clusters, data.memberships)
    name_of = _names(accounts, posts, data.memberships, data.names)
    named_only = _named_without_handle(data.accounts, name_of)
    campaign_table = _campaigns(data)
    campaign_of = _campaign_of_posts(data, campaign_table)
    reposted = _reposted_texts(data.memberships)
    accounts["screen_name"] = accounts["account_id"].map(lambda a: name_of.get(a, ""))
    clusters_of: dict[str, list[str]] = {}
    for cid, ids in members.items():
        for aid in ids:
            clusters_of.setdefault(aid, []).append(cid)
    flagged_posts_by: dict[str, int] = (
        posts.loc[posts["flagged"], "author_id"].map(_clean).value_counts().to_dict() if len(posts) else {}
    )

    account_rows = []
    for row in accounts.sort_values(["flagged", "score"], ascending=[False, False], na_position="last").itertuples(index=False):
        account_rows.append(
            {
                "account_id": row.account_id,
                "screen_name": _clean(row.screen_name),
                "name": _clean(row.name),
                "score": _num(row.score),
                "label": _clean(row.label),
                "flagged": bool(row.flagged),
                "verdict_held": _flag(row.verdict_held),
                "reasons": _as_reasons(row.reasons),
                "model_version": _clean(row.model_version),
                "scored_at": _iso(row.scored_at),
                "cluster_ids": clusters_of.get(str(row.account_id), []),
                "flagged_posts": int(flagged_posts_by.get(str(row.account_id), 0)),
            }
        )

    cluster_rows = []
    for row in clusters.itertuples(index=False):
        cid = _clean(row.cluster_id)
        ids = members.get(cid, [])
        cluster_rows.append(
            {
                "cluster_id": cid,
                "kind": _clean(row.kind),
                "n_accounts": _int(row.n_accounts) or len(ids),
                "n_posts": _int(row.n_posts),
                "span_start": _iso(row.span_start),
                "span_end": _iso(row.span_end),
                "similarity": _num(row.similarity),
                "evidence": _as_evidence(row.evidence),
                "accounts": ids,
                "reposted": [reposted[cid]] if cid in reposted else [],
                "members": [{"account_id": a, "screen_name": name_of.get(a, "")} for a in ids],
                # Pushes across platforms: which ones, and where the push appeared first.
                "platforms": _clean(getattr(row, "platforms", None)),
                "first_platform": _clean(getattr(row, "first_platform", None)),
            }
        )
    cluster_rows.sort(key=lambda c: (-(c["n_accounts"] or 0), -(c["n_posts"] or 0), c["cluster_id"]))

    flagged_posts = posts[posts["flagged"]].sort_values("created_at", na_position="last") if len(posts) else posts
    post_rows = [_post_row(r, name_of) for r in flagged_posts.to_dict("records")]
    # The posts CSV: the flagged posts and the calls, each call with its what, when and where.
    listed = posts[posts["flagged"].to_numpy(dtype=bool) | _calls_mask(posts)].sort_values("created_at", na_position="last") if len(posts) else posts
    csv_rows = [_post_row(r, name_of) for r in listed.to_dict("records")]

    n_acc, n_flag = len(accounts), int(accounts["flagged"].sum())
    in_clusters = {a for ids in members.values() for a in ids}
    headline = {
        "accounts_scored": n_acc,
        "accounts_flagged": n_flag,
        "accounts_flagged_share": (n_flag / n_acc) if n_acc else None,
        "posts": len(posts),
        "posts_flagged": int(posts["flagged"].sum()) if len(posts) else 0,
        "clusters": len(cluster_rows),
        "accounts_in_clusters": len(in_clusters),
        "flagged_accounts_in_clusters": len(in_clusters & set(accounts.loc[accounts["flagged"], "account_id"])),
    }
    versions = sorted({v for v in accounts["model_version"].map(_clean) if v})
    post_versions = sorted({v for v in posts["model_version"].map(_clean) if v}) if "model_version" in posts.columns else []
    calls = call_groups(posts, name_of, campaign_of)
    changes = compare(
        accounts.assign(screen_name=accounts["screen_name"].map(_clean), label=accounts["label"].map(_clean), verdict_held=accounts["verdict_held"].map(_flag)),
        cluster_rows, previous, calls,
    )
    return {
        "detector_version": __version__,
        "watch": data.watch,
        "watch_description": data.watch_description,
        "since": _iso(data.since),
        "until": _iso(data.until),
        "window_note": data.window_note,
        "input_note": data.input_note,
        "model_versions": versions,
        "models": describe_models([*versions, *post_versions]) or [_no_model(accounts)],
        "flag_rule": {
            "accounts": _flag_rule(accounts, data.account_threshold, "watch threshold"),
            "posts": _flag_rule(posts, data.post_threshold, "watch threshold") if len(posts) else None,
        },
        "headline": headline,
        "accounts": account_rows,
        "posts_flagged": post_rows,
        "clusters": cluster_rows,
        "calls": calls,
        "campaigns": campaign_rows(campaign_table, name_of, reposted) if campaign_table is not None else [],
        "account_entries": _account_entries(account_rows, posts, cluster_rows, name_of),
        "lookalike_groups": _lookalike_groups(accounts),
        # Shown without "@": a screen name that is no handle (a Telegram sender's display name).
        "display_names": sorted(
            {*_display_names(name_of, [(accounts, "account_id"), (posts, "author_id"), (data.memberships, "account_id"), (data.names, "account_id")]), *named_only}
        ),
        "changes": changes,
        "_frames": (accounts, posts, csv_rows),
    }


def _post_row(r: dict[str, Any], name_of: dict[str, str]) -> dict[str, Any]:
    """One post as the JSON and the posts CSV give it: the post, its score, and the call columns of
    ``post_scores.csv`` (:data:`CALL_FIELDS`, :data:`RESOLVED_FIELDS`; empty where it is no call)."""
    call = _flag(r.get("is_call"))
    when_ts = _clean(r.get("when_ts")) if call else ""
    return {
        "post_id": _clean(r["post_id"]),
        "author_id": _clean(r["author_id"]),
        "author_screen_name": _clean(r["author_screen_name"]) or name_of.get(_clean(r["author_id"]), ""),
        "created_at": _iso(r["created_at"]),
        "text": _clean(r["text"]),
        "score": _num(r["score"]),
        "label": _clean(r["label"]),
        "reasons": _as_reasons(r["reasons"]),
        "cluster_ids": _as_list(r["cluster_ids"]),
        "flagged": bool(r["flagged"]),
        "is_call": call,
        "call_score": _num(r.get("call_score")),
        "event": _clean(r.get("event")) if call else "",
        "when": _clean(r.get("when")) if call else "",
        "when_ts": _iso(pd.to_datetime(when_ts, utc=True, errors="coerce")) if when_ts else None,
        "when_zone": _clean(r.get("when_zone")) if call else "",
        "when_status": _clean(r.get("when_status")) if call else "",
        "where": _clean(r.get("where")) if call else "",
    }


def _calls_mask(posts: pd.DataFrame) -> np.ndarray:
    if "is_call" not in posts.columns:
        return np.zeros(len(posts), dtype=bool)
    return posts["is_call"].map(_flag).to_numpy(dtype=bool)


# ---------------------------------------------------------------------------------------------
# Calls to action and campaigns

CALL_FIELDS = ("is_call", "call_score", "event", "when", "where")
# The call's time resolved against the post's time (UTC), the zone it was read in and how far it could be resolved. Post
# scores of older versions lack them; the report then shows the time as written only.
RESOLVED_FIELDS = ("when_ts", "when_zone", "when_status")


def with_calls(posts: pd.DataFrame, tz: str | None = None, author_locations: pd.DataFrame | None = None) -> pd.DataFrame:
    """``posts`` with the call columns (:data:`CALL_FIELDS`), found from the text when missing.

    Post scores written by ``detector posts`` carry them; posts read back from the history store
    do not, so their texts go through the same call detector (``tz``: the zone of the times the
    calls write, the user's ``--tz``; ``author_locations``: the authors' profile locations,
    :attr:`ReportData.author_locations`).
    """
    if posts.empty or "text" not in posts.columns or all(c in posts.columns for c in CALL_FIELDS):
        return posts
    from detector.posts.calls import post_locations, score_calls

    created = pd.to_datetime(posts["created_at"], utc=True, errors="coerce", format="mixed") if "created_at" in posts.columns else None
    lang = posts["lang"] if "lang" in posts.columns else None
    where = post_locations(posts, author_locations) if "author_id" in posts.columns else None
    found = score_calls(posts["text"].astype("string").fillna(""), created, lang, tz=tz, author_location=where)
    out = posts.copy()
    for col in CALL_FIELDS + RESOLVED_FIELDS:
        if col not in out.columns and col in found.columns:
            out[col] = found[col].to_numpy()
    if "call_reasons" not in out.columns and "call_reasons" in found.columns:
        out["call_reasons"] = found["call_reasons"].to_numpy()
    return out


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in ("true", "1", "yes")
    return bool(value) if value is not None and value is not pd.NA and not (isinstance(value, float) and math.isnan(value)) else False


def call_groups(posts: pd.DataFrame, name_of: dict[str, str], campaign_of: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The calls among ``posts``, identical ones grouped: one text pushed by twenty accounts is one row.

    Texts are identical when they are the same after normalisation with links and addressees left
    out (:func:`detector.posts.text.normalize_series`) and the quotes around the whole text dropped, so
    copies with different ``t.co`` links, retweets and "@someone" prefixes group together. Rows are ordered by authors, then call score.
    """
    if posts.empty or "is_call" not in posts.columns or "text" not in posts.columns:
        return []
    calls = posts[posts["is_call"].map(_flag).to_numpy(dtype=bool)].copy()
    if calls.empty:
        return []
    calls["_key"] = call_keys(calls["text"]).to_numpy()
    calls["_t"] = pd.to_datetime(calls["created_at"], utc=True, errors="coerce", format="mixed")
    calls["_call_score"] = pd.to_numeric(calls["call_score"], errors="coerce")
    campaign_of = campaign_of or {}
    rows = []
    for _, g in calls.sort_values(["_t", "post_id"], na_position="last", kind="stable").groupby("_key", sort=False):
        first = g.iloc[0]
        best = g.loc[g["_call_score"].fillna(-1).idxmax()] if g["_call_score"].notna().any() else first
        authors = list(dict.fromkeys(a for a in g["author_id"].map(_clean) if a))
        screen = dict(zip(g["author_id"].map(_clean), g["author_screen_name"].map(_clean), strict=True))
        clusters = list(dict.fromkeys(c for ids in g["cluster_ids"] for c in _as_list(ids)))
        campaigns = list(dict.fromkeys(c for c in (campaign_of.get(_clean(p), "") for p in g["post_id"]) if c))
        rows.append(
            {
                "text": _clean(first["text"]),
                "n_posts": len(g),
                "n_authors": len(authors),
                # Posts without an author id (scored for their text only) are nobody's: counted, not named.
                "n_unattributed": int((g["author_id"].map(_clean) == "").sum()),
                "authors": [{"account_id": a, "screen_name": screen.get(a) or name_of.get(a, "")} for a in authors],
                "first_at": _iso(g["_t"].min()),
                "last_at": _iso(g["_t"].max()),
                "event": _clean(best["event"]),
                "when": _clean(best["when"]),
                **_group_when(g, best),
                "where": _clean(best["where"]),
                "call_score": _num(best["_call_score"]),
                "score": _num(pd.to_numeric(g["score"], errors="coerce").max()),
                "cluster_ids": clusters,
                "campaign_ids": campaigns,
                "reasons": _as_reasons(best["call_reasons"]) if "call_reasons" in g.columns and _clean(best["call_reasons"]) else _as_reasons(best["reasons"]),
                "post_ids": [_clean(p) for p in g["post_id"]],
            }
        )
    rows.sort(key=_call_order)
    return rows


# A grouped call whose posts resolve its time to different moments ("tomorrow" posted on two days).
WHEN_DIFFERS = "differs by post"


def _group_when(g: pd.DataFrame, best: pd.Series) -> dict[str, Any]:
    """The resolved time of one grouped call: every distinct one among its posts (``whens``: when as
    written, when_ts, when_zone, when_status and how many posts, earliest first, unresolved last), and
    the call's own when_ts/when_zone/when_status, which are the posts' when they all agree. When they do
    not, when_ts is None and when_status :data:`WHEN_DIFFERS`: no one post's reading stands for the others'."""
    if "when_ts" not in g.columns:
        return {"when_ts": None, "when_zone": "", "when_status": "", "whens": []}
    zone = g["when_zone"].map(_clean) if "when_zone" in g.columns else pd.Series("", index=g.index)
    status = g["when_status"].map(_clean) if "when_status" in g.columns else pd.Series("", index=g.index)
    ts = [_iso(pd.to_datetime(v, utc=True, errors="coerce")) if v else None for v in g["when_ts"].map(_clean)]
    seen: dict[tuple[str | None, str, str], dict[str, Any]] = {}
    for written, t, z, st in zip(g["when"].map(_clean), ts, zone, status, strict=True):
        entry = seen.setdefault((t, z, st), {"when": written, "when_ts": t, "when_zone": z, "when_status": st, "n_posts": 0})
        entry["n_posts"] += 1
    whens = sorted(seen.values(), key=lambda e: (e["when_ts"] is None, e["when_ts"] or "", e["when_status"], e["when_zone"]))
    if len(whens) > 1:
        return {"when_ts": None, "when_zone": "", "when_status": WHEN_DIFFERS, "whens": whens}
    one = whens[0]
    return {"when_ts": one["when_ts"], "when_zone": one["when_zone"], "when_status": one["when_status"], "whens": whens}


def call_keys(texts: pd.Series) -> pd.Series:
    """The key identical calls are grouped by: the text normalised
    (:func:`detector.posts.text.normalize_series`) with links and addressees left out and the quotes
    around the whole text dropped. "What changed" compares calls across reports by it."""
    from detector.posts.text import MENTION_TOKEN, URL_TOKEN, normalize_series

    norm = normalize_series(texts.astype("string").fillna(""))
    # The quotes some exports wrap a text in go too: a link at the end takes the closing one with it.
    key = norm.str.replace(URL_TOKEN, " ", regex=False).str.replace(MENTION_TOKEN, " ", regex=False).str.split().str.join(" ")
    return key.str.strip(" '\"")


def _call_order(row: dict[str, Any]) -> tuple[int, float, str]:
    """Most authors first, then the strongest call, then the earliest."""
    return (-len(row["authors"]), -(row["call_score"] or 0.0), row["first_at"] or "")


def campaign_rows(campaigns: pd.DataFrame, name_of: dict[str, str], reposted: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Campaigns (:func:`detector.posts.campaigns.build_campaigns`) as plain JSON-ready rows;
    ``reposted``: the text each repost cluster reposted (:func:`_reposted_texts`)."""
    from detector.posts.campaigns import MAX_EVIDENCE

    rows = []
    for c in campaigns.itertuples(index=False):
        accounts = _as_list(c.accounts)
        evidence = {kind: _clean(getattr(c, f"evidence_{kind}")) for kind in ("text", "url", "hashtags", "repost") if _clean(getattr(c, f"evidence_{kind}"))}
        texts = list(dict.fromkeys(reposted[x] for x in _as_list(c.cluster_ids) if reposted and x in reposted))[:MAX_EVIDENCE]
        rows.append(
            {
                "campaign_id": _clean(c.campaign_id),
                "n_accounts": _int(c.n_accounts),
                "n_posts": _int(c.n_posts),
                "span_start": _iso(c.span_start),
                "span_end": _iso(c.span_end),
                "kinds": _as_list(c.kinds),
                "evidence": evidence,
                "reposted": texts,
                "cluster_ids": _as_list(c.cluster_ids),
                "members": [{"account_id": a, "screen_name": name_of.get(a, "")} for a in accounts],
                "repeat_pairs": _int(c.repeat_pairs),
                "n_linked": _int(c.n_linked),
                "linked_campaigns": _as_list(c.linked_campaigns),
            }
        )
    return rows


def _reposted_texts(memberships: pd.DataFrame | None) -> dict[str, str]:
    """``cluster_id`` -> the text its posts reposted (the most posted of them), for repost clusters.

    A repost's evidence is the original's id, or for reposts without one (the IRA CSV's retweets) a
    digest of its text: neither tells the reader what was pushed.
    """
    m = memberships
    if m is None or m.empty or not {"cluster_id", "kind", "text"} <= set(m.columns):
        return {}
    rows = m.loc[m["kind"].astype(str).eq("repost").to_numpy(), ["cluster_id", "text"]]
    rows = rows.assign(cluster_id=rows["cluster_id"].astype(str), text=rows["text"].map(_clean))
    rows = rows[rows["text"] != ""]
    if rows.empty:
        return {}
    counts = rows.groupby(["cluster_id", "text"], sort=False).size().reset_index(name="n")
    top = counts.sort_values(["cluster_id", "n", "text"], ascending=[True, False, True]).drop_duplicates("cluster_id")
    return dict(zip(top["cluster_id"], top["text"], strict=True))


def _campaign_of_posts(data: ReportData, campaigns: pd.DataFrame | None) -> dict[str, str]:
    """``post_id`` -> ``campaign_id``: from the posts' own column, else through the memberships."""
    posts = data.posts
    if posts is not None and "campaign_id" in posts.columns and "post_id" in posts.columns:
        pairs = zip(posts["post_id"].map(_clean), posts["campaign_id"].map(_clean), strict=True)
        return {p: c for p, c in pairs if p and c}
    m = data.memberships
    if campaigns is None or m is None or not {"cluster_id", "post_id"} <= set(m.columns):
        return {}
    by_cluster = {c: cp for cp, ids in zip(campaigns["campaign_id"], campaigns["cluster_ids"], strict=True) for c in _as_list(ids)}
    return {_clean(p): by_cluster[_clean(c)] for p, c in zip(m["post_id"], m["cluster_id"], strict=True) if _clean(c) in by_cluster}


def _campaigns(data: ReportData) -> pd.DataFrame | None:
    """The campaigns of the report: given, or built from the cluster memberships when they name posts."""
    if data.campaigns is not None:
        return data.campaigns
    m = data.memberships
    if m is None or m.empty or not {"cluster_id", "kind", "account_id", "post_id", "created_at"} <= set(m.columns):
        return None
    from detector.posts.campaigns import build_campaigns

    return build_campaigns(m, evidence=data.clusters if "evidence" in data.clusters.columns else None).campaigns


# ---------------------------------------------------------------------------------------------
# Writing


def _template() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("detector.ops", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f} %"
    env.filters["score"] = lambda v: "–" if v is None else probability_text(v)
    env.filters["signed"] = lambda v: f"{v:+.2f}"
    env.filters["when"] = lambda v: "–" if not v else v.replace("T", " ").replace("Z", " UTC")
    env.filters["clip"] = _clip
    env.filters["excerpt"] = _excerpt
    env.filters["whole"] = lambda v: _clip(v, CLIP_ARTICLE)
    return env.get_template("report.html.j2")


# Longer text is cut in the page (CSV and JSON keep it whole): a post is at most a few thousand
# characters, and a megabyte "name" should not make the page unreadable.
CLIP = 2000


# The whole text of a long call, behind its excerpt: an article of a protest site runs to about
# 21,000 characters (blokade.org's longest); beyond this, the JSON and the posts CSV hold it.
CLIP_ARTICLE = 50_000


def _clip(value: Any, limit: int = CLIP) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters]"


# A call longer than a long post (an article of a protest site) is shown as its first EXCERPT
# characters, cut at a space, with the whole text one click away (a <details> element): a post of
# up to EXCERPT_OVER characters, any tweet among them, is shown whole.
EXCERPT = 400
EXCERPT_OVER = 500


def _excerpt(value: Any) -> str:
    """The beginning of a long text, cut at the last space before :data:`EXCERPT` characters; empty
    when the text is short enough to show whole."""
    text = "" if value is None else str(value)
    if len(text) <= EXCERPT_OVER:
        return ""
    head = text[:EXCERPT]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space >= EXCERPT // 2 else head).rstrip()


def render_html(content: dict[str, Any], charts: dict[str, str | None], top: int = 50) -> str:
    """The report page. Every value is escaped by the template's autoescape."""
    return str(_template().render(r=content, charts=charts, top=top))


def _json_default(v: Any) -> Any:
    if isinstance(v, datetime | pd.Timestamp):
        return _iso(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return None if math.isnan(v) else float(v)
    return str(v)


# The posts CSV's columns: the post, then whether it is flagged and its call columns, named as in post_scores.csv.
POST_CSV_FIELDS = (*POST_FIELDS, "flagged", "is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status", "where")


def _csv_tables(content: dict[str, Any], post_table: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    changes = content["changes"]
    status: dict[str, str] = {}
    for key, word in (
        ("score_moves", "score moved"), ("label_changed", "label changed"), ("no_longer_flagged", "no longer flagged"),
        ("now_held", "verdict held now"), ("new_flagged", "newly flagged"),
    ):  # fmt: skip
        for e in changes.get(key, []):
            status[e["account_id"]] = word
    prev_score = {e["account_id"]: e.get("previous_score") for k in ("new_flagged", "no_longer_flagged", "label_changed", "score_moves", "now_held") for e in changes.get(k, [])}
    accounts = pd.DataFrame(
        [
            {
                "account_id": a["account_id"],
                "screen_name": a["screen_name"],
                "name": a["name"],
                "score": a["score"],
                "label": a["label"],
                "flagged": a["flagged"],
                "verdict_held": a["verdict_held"],
                "reasons": "; ".join(a["reasons"]),
                "cluster_ids": " ".join(a["cluster_ids"]),
                "flagged_posts": a["flagged_posts"],
                "change": status.get(a["account_id"], ""),
                "previous_score": prev_score.get(a["account_id"]),
                "model_version": a["model_version"],
                "scored_at": a["scored_at"],
            }
            for a in content["accounts"]
        ],
        columns=[
            "account_id", "screen_name", "name", "score", "label", "flagged", "verdict_held", "reasons", "cluster_ids", "flagged_posts",
            "change", "previous_score", "model_version", "scored_at",
        ],  # fmt: skip
    )
    posts = pd.DataFrame(
        [p | {"reasons": "; ".join(p["reasons"]), "cluster_ids": " ".join(p["cluster_ids"])} for p in post_table],
        columns=list(POST_CSV_FIELDS),
    )
    clusters = pd.DataFrame(
        [
            c
            | {
                "evidence": c["evidence"] if isinstance(c["evidence"], str) else json.dumps(c["evidence"], ensure_ascii=False),
                "accounts": " ".join(c["accounts"]),
                "screen_names": " ".join(m["screen_name"] for m in c["members"]),
            }
            for c in content["clusters"]
        ],
        columns=[*CLUSTER_FIELDS, "screen_names"],
    )
    return accounts, posts, clusters


def write_report(data: ReportData, out_dir: str | os.PathLike[str]) -> ReportPaths:
    """Write the HTML, CSV and JSON of one report into ``out_dir``; return their paths.

    Files are ``<stem>-<until>.{html,json,csv}``, ``<stem>-<until>.posts.csv`` and
    ``<stem>-<until>.clusters.csv``, plus ``<stem>-latest.*`` copies, where ``<stem>`` is
    ``report`` or ``report-<watch>``. Each file is written atomically. Writing the same report again
    gives the same files (it compares with the report before it, never with itself). With no report
    of an earlier window in the folder, a report of other data for the same window is compared with
    the one it replaces, and says so (:func:`find_same_window`).
    """
    folder = Path(out_dir)
    prev_path: Path | None = None
    previous = data.previous
    replaced = None
    if previous is None:
        found = find_previous(folder, data.watch, data.until) or (replaced := find_same_window(folder, data.watch, data.until))
        if found:
            prev_path, previous = found
    content = build_content(data, previous)
    if replaced is not None:
        content["changes"], prev_path = _replacing(content, *replaced)
    accounts_frame, posts_frame, post_table = content.pop("_frames")
    charts = {
        "scores": score_chart(accounts_frame, posts_frame, data.account_threshold),
        "timeline": timeline_chart(posts_frame) if len(posts_frame) else None,
    }
    html = render_html(content, charts, top=data.top)
    acc_csv, post_csv, clu_csv = (neutralise_formulas(t) for t in _csv_tables(content, post_table))
    del charts, accounts_frame, posts_frame, post_table

    base = folder / f"{report_stem(data.watch)}-{_stamp(data.until)}"
    paths = ReportPaths(
        html=base.with_name(base.name + ".html"),
        csv=base.with_name(base.name + ".csv"),
        json=base.with_name(base.name + ".json"),
        posts_csv=base.with_name(base.name + ".posts.csv"),
        clusters_csv=base.with_name(base.name + ".clusters.csv"),
        previous=prev_path,
    )
    latest = folder / f"{report_stem(data.watch)}-latest"
    for target in (paths.html, latest.with_name(latest.name + ".html")):
        _write_text(target, html)
    del html
    _write_json([paths.json, latest.with_name(latest.name + ".json")], content)
    for frame, target, suffix in ((acc_csv, paths.csv, ".csv"), (post_csv, paths.posts_csv, ".posts.csv"), (clu_csv, paths.clusters_csv, ".clusters.csv")):
        write_table(frame, str(target), "csv")
        write_table(frame, str(latest.with_name(latest.name + suffix)), "csv")
    log.info("report written: %s (%d accounts, %d flagged)", paths.html, content["headline"]["accounts_scored"], content["headline"]["accounts_flagged"])
    return paths


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", errors="replace", newline="\n") as fh:
        fh.write(text)


def _write_json(paths: list[Path], content: dict[str, Any]) -> None:
    """Write ``content`` as JSON to the first of ``paths`` piece by piece, then copy it to the others.

    The text is ``json.dumps(content)``'s, byte for byte, but never held whole: for 100,000 posts
    it is 80 MB of UTF-8, about 300 MiB as one Python string, and encoding it in one piece (with
    ``doc + "\n"`` beside it) was the peak of a whole `detector run`.
    """
    first, *rest = paths
    with atomic_path(first) as tmp, open(tmp, "w", encoding="utf-8", errors="replace", newline="\n") as fh:
        for piece in json_pieces(content):
            fh.write(piece)
        fh.write("\n")
    for other in rest:
        with atomic_path(other) as tmp:
            shutil.copyfile(first, tmp)


def json_pieces(content: dict[str, Any], batch: int = 1000) -> Iterator[str]:
    """``json.dumps(content)`` (as the report writes it) in pieces: long lists ``batch`` items at a time."""
    # No indent: only then does json use its C encoder.
    dumps = functools.partial(json.dumps, ensure_ascii=False, default=_json_default, allow_nan=False)
    yield "{"
    for i, (key, value) in enumerate(content.items()):
        yield (", " if i else "") + dumps(str(key)) + ": "
        if isinstance(value, list) and len(value) > batch:
            yield "["
            for j in range(0, len(value), batch):
                yield (", " if j else "") + dumps(value[j : j + batch])[1:-1]
            yield "]"
        else:
            yield dumps(value)
    yield "}"


# ---------------------------------------------------------------------------------------------
# Inputs from files (offline use, before or without the store)

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time(text: str, field_name: str = "until") -> datetime:
    """An ISO date or date/time as a UTC ``datetime`` (UTC when it names no zone).

    Raises
    ------
    InputError
        Naming ``field_name``.
    """
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError) as exc:
        raise InputError(f"'{text}' is not a date or date/time", field=field_name) from exc
    if ts is pd.NaT:
        raise InputError(f"'{text}' is not a date or date/time", field=field_name)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def parse_duration(text: str) -> timedelta | None:
    """``24h``, ``90m``, ``7d``, ``2w`` as a ``timedelta``; ``None`` when ``text`` is not a duration."""
    m = _DURATION_RE.match(text)
    return timedelta(**{_UNITS[m.group(2)]: float(m.group(1))}) if m else None


def parse_since(text: str, until: datetime) -> datetime:
    """``24h``, ``90m``, ``7d``, ``2w`` before ``until``, or an ISO date/time (UTC if no zone).

    Raises
    ------
    InputError
        Naming the ``since`` field.
    """
    m = _DURATION_RE.match(text)
    if m:
        return until - timedelta(**{_UNITS[m.group(2)]: float(m.group(1))})
    try:
        start = parse_time(text, "since")
    except InputError as exc:
        raise InputError(f"'{text}' is neither a duration like 24h / 7d nor a date", field="since") from exc
    if start >= until:
        raise InputError(f"'{text}' is not before the end of the window ({_iso(until)})", field="since")
    return start


def read_table(path: str | os.PathLike[str], table: str, rejects: Rejects) -> pd.DataFrame:
    """Read a scores/posts/clusters file of any supported format for a report.

    Records that cannot be read (see :func:`detector.io.read_output_table`), and rows whose required fields are empty or
    whose score is not a number, go to ``rejects``; the others are read.

    Raises
    ------
    InputError
        The file lacks a required column (naming the file and the column), or none of its records
        could be read.
    """
    p = str(path)
    mine = Rejects(p)
    df = read_output_table(p, mine, _REQUIRED[table])
    if table == "accounts":
        # ``detector posts --accounts`` writes one row per author with a combined score.
        if "reasons" not in df.columns and {"author_id", "combined_score"} <= set(df.columns):
            from detector.ops.runner import author_reasons

            df["reasons"] = author_reasons(_numeric(df, ("account_score", "coordination_score", "n_clusters", "n_suspicious_posts", "n_posts", "n_calls")))
        for alias, col in (("author_id", "account_id"), ("combined_score", "score"), ("account_verdict_held", "verdict_held")):
            if col not in df.columns and alias in df.columns:
                df = df.rename(columns={alias: col})
    for col in _REQUIRED[table]:
        if col not in df.columns:
            raise InputError(f"no '{col}' column (the {table} table needs {', '.join(_REQUIRED[table])})", path=p, field=col)
    df = _check_rows(df, table, mine)
    mine.rows.sort(key=lambda r: r["row"])
    rejects.extend(mine)
    return df


def _numeric(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    # CSVs are read as text: the author table's counts and scores as numbers (blank: missing).
    return df.assign(**{c: pd.to_numeric(df[c], errors="coerce") for c in columns if c in df.columns})


def _check_rows(df: pd.DataFrame, table: str, rejects: Rejects) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    for col in _REQUIRED[table]:
        empty = df[col].isna() | (df[col].astype(str).str.strip() == "")
        for row in df.index[empty & keep]:
            rejects.add(int(row), col, "empty", df.loc[row].to_dict())
        keep &= ~empty
    if "score" in df.columns:
        score = pd.to_numeric(df["score"], errors="coerce")
        bad = (score.isna() & df["score"].notna()) | (score < 0) | (score > 1)
        for row in df.index[bad & keep]:
            rejects.add(int(row), "score", f"not a score between 0 and 1: {df.loc[row, 'score']!r}", df.loc[row].to_dict())
        keep &= ~bad
        df["score"] = score
    for col in sorted(_TIME_FIELDS & set(df.columns)):
        parsed = pd.to_datetime(df[col], utc=True, errors="coerce", format="mixed")
        bad = parsed.isna() & df[col].notna() & (df[col].astype(str).str.strip() != "")
        for row in df.index[bad & keep]:
            rejects.add(int(row), col, f"not a date/time: {df.loc[row, col]!r}", df.loc[row].to_dict())
        keep &= ~bad
        df[col] = parsed
    return df[keep].reset_index(drop=True)


# File-name stems ``--from-dir`` looks for: what ``detector score`` and ``detector posts`` write
# by default (``scores.csv``, ``post_scores.csv``) and the names the README uses.
INPUT_STEMS = {
    "accounts": ("accounts", "scores", "authors", "account_scores"),
    "posts": ("posts", "post_scores"),
    "clusters": ("clusters",),
    "campaigns": ("campaigns",),
}


def find_inputs(folder: str | os.PathLike[str]) -> dict[str, Path]:
    """In ``folder``, the account scores, post scores, clusters and campaigns files (see :data:`INPUT_STEMS`).

    Raises
    ------
    InputError
        There is neither an accounts/scores file nor a post scores file, or two candidates for one table.
    """
    d = Path(folder)
    if not d.is_dir():
        raise InputError("not a folder", path=str(d))
    found: dict[str, Path] = {}
    for table, stems in INPUT_STEMS.items():
        hits = sorted(
            p
            for p in d.iterdir()
            if p.is_file() and p.name.split(".")[0] in stems and ".rejects." not in p.name and p.suffix.lower() in (".csv", ".json", ".jsonl", ".parquet")
        )
        if len(hits) > 1:
            flag = {"accounts": "--scores", "posts": "--posts", "clusters": "--clusters", "campaigns": "--campaigns"}[table]
            raise InputError(f"two {table} files: {', '.join(h.name for h in hits)}; keep one or name it with {flag}", path=str(d))
        if hits:
            found[table] = hits[0]
    # Post scores alone make a report too (posts without author ids have no author table).
    if "accounts" not in found and "posts" not in found:
        raise InputError(f"no {', '.join(INPUT_STEMS['accounts'])} file nor {' / '.join(INPUT_STEMS['posts'])} file (.csv/.json/.jsonl/.parquet)", path=str(d))
    return found


def clusters_from_memberships(m: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster from one row per membership (``detector posts --clusters`` output).

    ``n_accounts``/``n_posts`` count distinct members, the span runs from the first to the last
    member post, and the cluster's own fields (kind, similarity, evidence) come from its first row.
    """
    rows = []
    for cid, g in m.groupby(m["cluster_id"].astype(str), sort=False):
        first = g.iloc[0]
        times = g["created_at"] if "created_at" in g.columns else pd.Series(dtype="datetime64[ns, UTC]")
        accounts = list(dict.fromkeys(g["account_id"].dropna().astype(str))) if "account_id" in g.columns else []
        rows.append(
            {
                "cluster_id": cid,
                "kind": first.get("kind"),
                "n_accounts": len(accounts) or first.get("n_accounts"),
                "n_posts": g["post_id"].nunique() if "post_id" in g.columns else first.get("n_posts"),
                "span_start": first.get("span_start") if pd.notna(first.get("span_start")) else times.min(),
                "span_end": first.get("span_end") if pd.notna(first.get("span_end")) else times.max(),
                "similarity": first.get("similarity"),
                "evidence": first.get("evidence"),
                "accounts": accounts,
                **_spread(g),
            }
        )
    return pd.DataFrame(rows, columns=[*CLUSTER_FIELDS, "platforms", "first_platform"])


def _post_member(member: str) -> tuple[str, str]:
    """``(platform, post id)`` of a stored ``post:…`` cluster member (bare ids are X's)."""
    from detector.sources.base import sources

    rest = member.split(":", 1)[1]
    head, _, tail = rest.partition(":")
    # Only a known platform's name is a prefix: content ids of posts without one look like "c:1f3a…".
    return (head, tail) if tail and head in sources() else ("x", rest)


def _spread(members: pd.DataFrame) -> dict[str, Any]:
    """The platforms of one cluster's memberships and the one its earliest post is on."""
    if "platform" not in members.columns:
        return {"platforms": None, "first_platform": None}
    plat = members["platform"].fillna("x").astype(str)
    order = pd.to_datetime(members["created_at"], utc=True, errors="coerce").argsort(kind="stable") if "created_at" in members.columns else range(len(members))
    return {"platforms": " ".join(sorted(set(plat))), "first_platform": plat.iloc[list(order)[0]] if len(plat) else None}


def load_report_files(
    accounts: str | os.PathLike[str] | None,
    *,
    posts: str | os.PathLike[str] | None = None,
    clusters: str | os.PathLike[str] | None = None,
    campaigns: str | os.PathLike[str] | None = None,
    post_texts: str | os.PathLike[str] | None = None,
    since: datetime | timedelta | None = None,
    until: datetime | None = None,
    watch: Any = None,
) -> tuple[ReportData, Rejects]:
    """Build :class:`ReportData` from files, keeping the window and (optionally) one watch's posts.

    Parameters
    ----------
    accounts
        Account scores (``detector score`` output: ``account_id, score`` and optionally
        ``screen_name, name, label, reasons, model_version, scored_at``), or the author table of
        ``detector posts --accounts`` (``author_id`` and ``combined_score`` stand in for them).
        None with post scores alone: no account is listed (posts without author ids have none).
    posts
        Post scores (``detector posts`` output: ``post_id`` and optionally ``author_id, score,
        label, reasons, cluster_ids``, and the post's own ``text, created_at``).
    clusters
        One row per cluster, or one row per membership (``detector posts --clusters``), which is
        grouped into clusters.
    campaigns
        The campaigns ``detector posts --campaigns-out`` wrote. Without them the campaigns are
        built again from the memberships, which do not know the coordination window: a cluster
        that ran for longer than three windows (a stream) would then link campaigns it did not.
    post_texts
        The posts themselves, in any format :func:`detector.posts.read.read_posts` reads, joined on
        ``post_id`` to give the post scores their text, author and time.
    since, until
        The window: posts outside it are dropped, and clusters whose span lies wholly outside.
        Accounts are all kept: a scores file is one scoring run. An end not given is the
        first (last) time in the data: the posts' times and the clusters' spans, else the
        accounts' ``scored_at``; the report then says it shows the span of the data. ``since`` may
        be a duration before the end.
    watch
        A :class:`detector.ops.watch.Watch`: only the posts it covers are kept (when the posts carry
        text), and its thresholds decide what is flagged.
    """
    if accounts is None and posts is None and post_texts is None:
        raise InputError("a report from files needs account scores or post scores", field="scores")
    rejects = Rejects(str(accounts if accounts is not None else posts if posts is not None else post_texts))
    if accounts is not None:
        acc = read_table(accounts, "accounts", rejects)
    else:
        acc = pd.DataFrame({"account_id": pd.Series(dtype="string"), "score": pd.Series(dtype="float64")})
    post_df = pd.DataFrame(columns=list(POST_FIELDS))
    clu_df = pd.DataFrame(columns=list(CLUSTER_FIELDS))
    memberships = None
    if posts is not None:
        r = Rejects(str(posts))
        post_df = read_table(posts, "posts", r)
        rejects.extend(r)
    if post_texts is not None:
        from detector.posts.read import read_posts

        read = read_posts(post_texts)
        rejects.extend(read.rejects)
        canon = read.posts.drop(columns=["source_row"], errors="ignore")
        if posts is None:
            post_df = canon
        else:
            post_df = post_df.drop(columns=[c for c in canon.columns if c in post_df.columns and c not in ("post_id", "author_id")])
            post_df = post_df.merge(canon.drop(columns=["author_id"]), on="post_id", how="left")
    if watch is not None and len(post_df):
        if "text" in post_df.columns:
            post_df = post_df[watch.matches(post_df)]
        else:
            log.warning("%s: the posts carry no text, so watch '%s' cannot select them: all are kept (give --post-texts)", posts, watch.name)
    if clusters is not None:
        r = Rejects(str(clusters))
        clu_df = read_table(clusters, "clusters", r)
        rejects.extend(r)
        if "account_id" in clu_df.columns:
            memberships = clu_df
            clu_df = clusters_from_memberships(clu_df)
    post_times = (
        pd.to_datetime(post_df["created_at"], utc=True, errors="coerce", format="mixed")
        if "created_at" in post_df.columns
        else pd.Series(pd.NaT, index=post_df.index, dtype="datetime64[ns, UTC]")
    )
    span = {"span_start", "span_end"} <= set(clu_df.columns)
    c_start = pd.to_datetime(clu_df["span_start"], utc=True, errors="coerce", format="mixed") if span else pd.Series(dtype="datetime64[ns, UTC]")
    c_end = pd.to_datetime(clu_df["span_end"], utc=True, errors="coerce", format="mixed") if span else pd.Series(dtype="datetime64[ns, UTC]")
    lo, hi, note = _data_window(since, until, [post_times, c_start, c_end], acc.get("scored_at"))
    if len(post_df):
        post_df = post_df[(post_times.isna() | ((post_times >= lo) & (post_times <= hi))).to_numpy()]
    if span and len(clu_df):
        clu_df = clu_df[(~((c_end < lo) | (c_start > hi)).fillna(False)).to_numpy()]
    if memberships is not None:
        memberships = memberships[memberships["cluster_id"].astype(str).isin(set(clu_df["cluster_id"].astype(str)))]
    camp_df = None
    if campaigns is not None:
        r = Rejects(str(campaigns))
        camp_df = read_table(campaigns, "campaigns", r)
        rejects.extend(r)
        if {"span_start", "span_end"} <= set(camp_df.columns) and len(camp_df):
            outside = (camp_df["span_end"] < lo) | (camp_df["span_start"] > hi)
            camp_df = camp_df[(~outside.fillna(False)).to_numpy()].reset_index(drop=True)
    thresholds = getattr(watch, "thresholds", None)
    data = ReportData(
        accounts=acc,
        posts=post_df.reset_index(drop=True),
        clusters=clu_df.reset_index(drop=True),
        memberships=memberships,
        since=lo.to_pydatetime(),
        until=hi.to_pydatetime(),
        watch=getattr(watch, "name", None),
        watch_description=getattr(watch, "description", ""),
        account_threshold=getattr(thresholds, "account", None),
        post_threshold=getattr(thresholds, "post", None),
        window_note=note,
        campaigns=camp_df,
    )
    return data, rejects


SPAN_NOTE = "the span of the data: no --since/--until given"


def _data_window(since: datetime | timedelta | None, until: datetime | None, times: list[pd.Series], scored_at: Any) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """The window asked for, with a missing end taken from the data's own first and last times.

    Scores alone (no post nor cluster times) fall back to when they were scored, and with no time
    at all to now, so the file name of the report still says when it was made.
    """
    if since is not None and until is not None:
        hi = pd.Timestamp(until)
        return (hi - since if isinstance(since, timedelta) else pd.Timestamp(since)), hi, ""
    known = [t.dropna() for t in times if t is not None and len(t.dropna())]
    if not known and scored_at is not None:
        st = pd.to_datetime(pd.Series(scored_at), utc=True, errors="coerce", format="mixed").dropna()
        known = [st] if len(st) else []
    if known:
        first = min(t.min() for t in known).floor("s")
        last = max(t.max() for t in known).ceil("s")
    else:
        first = last = pd.Timestamp(now_utc())
    hi = pd.Timestamp(until) if until is not None else last
    if isinstance(since, timedelta):
        lo = hi - since
    else:
        lo = pd.Timestamp(since) if since is not None else first
        hi = max(hi, lo) if until is None else hi
    if lo > hi:
        raise InputError(f"the window starts ({_iso(lo)}) after the data ends ({_iso(hi)})", field="since")
    parts = [w for w, given in (("start", since), ("end", until)) if given is None]
    note = SPAN_NOTE if len(parts) == 2 else f"its {parts[0]} is the {'first' if parts[0] == 'start' else 'last'} time in the data"
    if not known:
        note = "no times in the data: the window ends now"
    return lo, hi, note


def now_utc() -> datetime:
    """The current time in UTC, to the second (report file names carry it)."""
    return datetime.now(UTC).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------
# Inputs from the history store (what ``detector report`` and the cron runner use)

_ID_CHUNK = 500  # ids per IN (...) query: well under SQLite's and PostgreSQL's parameter limits


def _by_ids(fetch: Any, ids: Sequence[str]) -> pd.DataFrame:
    ids = list(dict.fromkeys(str(i) for i in ids))
    parts = [fetch(ids[i : i + _ID_CHUNK]) for i in range(0, len(ids), _ID_CHUNK)]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else fetch([])


def load_report_store(
    store: Any,
    *,
    since: datetime,
    until: datetime,
    watch: Any = None,
    scored_since: datetime | None = None,
    scored_until: datetime | None = None,
    window_note: str = "",
) -> ReportData:
    """Build :class:`ReportData` from a :class:`detector.ops.store.Store` for a window and a watch.

    Uses only the store's public queries: each account's and post's latest score in the window
    (``account_scores``/``post_scores`` with ``latest=True``), the scored posts' canonical rows,
    and the clusters detected in the window (the latest detection of each distinct group).
    ``watch`` is a :class:`detector.ops.watch.Watch` (its thresholds decide what is flagged), a name,
    or ``None`` for every watch. Scores and clusters are those made in ``scored_since`` ..
    ``scored_until`` (default: the window): an offline run scores old posts today, and its report's
    window is the posts' span while its scores are today's.
    """
    name = getattr(watch, "name", watch)
    lo, hi = pd.Timestamp(since), pd.Timestamp(until)
    s_lo = pd.Timestamp(scored_since) if scored_since is not None else lo
    s_hi = pd.Timestamp(scored_until) if scored_until is not None else hi

    # The latest score of each at the window's end: a report of a past window made after later runs shows then's scores.
    posts = _scored_posts(store, name, s_lo, s_hi, lo, hi)
    scored_later = posts.empty and scored_since is None and scored_until is None
    if scored_later:
        # Posts imported after their time (`run --from` scores yesterday's exports today) have no score made within
        # their window: a report of that window from the store showed nothing. Their latest scores, made since the
        # window began, are shown instead, with the accounts and clusters of the runs that made them, and said so.
        posts = _scored_posts(store, name, s_lo, None, lo, hi)
        scored_later = not posts.empty
        if scored_later:
            s_hi = pd.Timestamp(posts.pop("scored_at").max())
            window_note = "; ".join(w for w in (window_note, f"its posts were scored after it (imported later, as by run --from): their latest scores, made up to {_utc(s_hi).strftime('%Y-%m-%d %H:%M:%S UTC')}") if w)
    posts = posts.drop(columns=["scored_at"], errors="ignore")

    acc = store.account_scores(since=s_lo.to_pydatetime(), until=s_hi.to_pydatetime(), watch=name, latest=True).reset_index(drop=True)
    if scored_later:
        acc = acc[acc["account_id"].isin(set(posts["author_id"].dropna().astype(str)))].reset_index(drop=True)
    locations = None
    if len(acc):
        stored = _by_ids(lambda ids: store.accounts(ids), acc["account_id"])
        acc = acc.merge(stored[["account_id", "name"]], on="account_id", how="left")
        from detector.posts.calls import profile_locations

        locations = profile_locations(stored)

    clusters = store.clusters(since=s_lo.to_pydatetime(), watch=name)
    clusters = clusters[clusters["detected_at"] <= s_hi]
    records: dict[tuple[str, frozenset[str]], dict[str, Any]] = {}
    post_clusters: dict[str, list[str]] = {}
    shown = set(posts["post_id"].astype(str))
    for c in clusters.itertuples(index=False):
        members = [str(m) for m in c.members]
        accounts = [m.split(":", 1)[1] for m in members if m.startswith("account:")]
        # "post:123" is an X post; "post:telegram:1811223344/2" names its platform.
        post_keys = [_post_member(m) for m in members if m.startswith("post:")]
        post_ids = [i for _, i in post_keys]
        if scored_later and not shown.intersection(post_ids):
            continue  # a later run's cluster of later posts
        # The same group found again by a later run replaces the earlier sighting of it.
        records[(str(c.kind), frozenset(members))] = {
            "cluster_id": str(c.cluster_id),
            "kind": c.kind,
            "n_accounts": len(accounts) or None,
            "n_posts": len(post_ids) or None,
            "similarity": c.score,
            "evidence": c.evidence,
            "accounts": accounts,
            "post_ids": post_ids,
            "post_keys": post_keys,
            "detected_at": c.detected_at,
        }
    all_post_ids = [p for r in records.values() for p in r["post_ids"]]
    times = _by_ids(lambda ids: store.posts(ids), all_post_ids)[["post_id", "author_id", "author_screen_name", "created_at", "platform", "text"]] if all_post_ids else None
    # The rows of each (platform, post id), found once: a MultiIndex built and searched per cluster
    # took 11 of a 100,000-post report's 72 s (1,605 clusters).
    rows_of: dict[tuple[str, str], list[int]] = {}
    if times is not None:
        for i, key in enumerate(zip(times["platform"].astype(str), times["post_id"].astype(str), strict=True)):
            rows_of.setdefault(key, []).append(i)
    for r in records.values():
        for pid in r["post_ids"]:
            post_clusters.setdefault(pid, []).append(r["cluster_id"])
        if times is not None and r["post_ids"]:
            at = sorted({i for plat, pid in r["post_keys"] for i in rows_of.get((str(plat), str(pid)), ())})
            mine = times.iloc[at].sort_values("created_at", kind="stable")
            r["span_start"], r["span_end"] = mine["created_at"].min(), mine["created_at"].max()
            if len(mine):
                r["platforms"] = " ".join(sorted(set(mine["platform"].astype(str))))
                r["first_platform"] = str(mine["platform"].iloc[0])
            if not r["accounts"]:
                r["accounts"] = list(dict.fromkeys(mine["author_id"].dropna().astype(str)))
                r["n_accounts"] = len(r["accounts"]) or None
    cluster_df = pd.DataFrame(
        [{k: v for k, v in r.items() if k not in ("post_ids", "post_keys", "detected_at")} for r in records.values()],
        columns=[*CLUSTER_FIELDS, "platforms", "first_platform"],
    )
    posts = posts.assign(cluster_ids=posts["post_id"].map(lambda p: " ".join(post_clusters.get(p, []))))

    # Authors without a stored profile still have the screen name their posts carry.
    names = pd.concat(
        [
            f.rename(columns={"author_id": "account_id", "author_screen_name": "screen_name"})[["account_id", "screen_name"]]
            for f in (posts, times)
            if f is not None and len(f)
        ]
        or [pd.DataFrame(columns=["account_id", "screen_name"])],
        ignore_index=True,
    )
    thresholds = getattr(watch, "thresholds", None)
    return ReportData(
        accounts=acc,
        posts=posts.reset_index(drop=True),
        clusters=cluster_df,
        since=lo.to_pydatetime(),
        until=hi.to_pydatetime(),
        watch=name,
        watch_description=getattr(watch, "description", ""),
        account_threshold=getattr(thresholds, "account", None),
        post_threshold=getattr(thresholds, "post", None),
        window_note=window_note,
        names=names,
        memberships=_store_memberships(records.values(), times),
        author_locations=locations,
    )


def _scored_posts(store: Any, watch: str | None, s_lo: pd.Timestamp, s_hi: pd.Timestamp | None, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """The posts created in ``lo`` .. ``hi`` (or without a time) with their latest score made in ``s_lo`` .. ``s_hi``
    (no end: up to now), by the watch's runs. Matched on the post id alone: runs before session 12 filed every
    platform's post scores as X's."""
    ps = store.post_scores(since=s_lo.to_pydatetime(), until=None if s_hi is None else s_hi.to_pydatetime(), watch=watch, latest=True)
    ps = ps.drop(columns=["author_id"], errors="ignore")
    post_cols = ["post_id", "author_id", "author_screen_name", "text", "created_at", "lang", "hashtags"]
    rows = _by_ids(lambda ids: store.posts(ids), ps["post_id"])[post_cols] if len(ps) else pd.DataFrame(columns=post_cols)
    posts = rows.merge(ps[["post_id", "score", "label", "reasons", "model_version", "scored_at"]], on="post_id", how="inner")
    posts = posts[posts["created_at"].isna() | ((posts["created_at"] >= lo) & (posts["created_at"] <= hi))]
    return posts.reset_index(drop=True)


def _store_memberships(records: Iterable[dict[str, Any]], times: pd.DataFrame | None) -> pd.DataFrame | None:
    """One row per stored cluster's post, with its author and time (what campaigns are built from)."""
    rows = [{"cluster_id": r["cluster_id"], "kind": r["kind"], "post_id": p, "evidence": _shared_key(r["evidence"])} for r in records for p in r["post_ids"]]
    if not rows or times is None or times.empty:
        return None
    # The text too: a repost cluster's key says nothing of what was reposted (:func:`_reposted_texts`).
    m = pd.DataFrame(rows).merge(times[["post_id", "author_id", "created_at", "text"]].drop_duplicates("post_id"), on="post_id", how="inner")
    return m.rename(columns={"author_id": "account_id"})


def _shared_key(evidence: Any) -> Any:
    """What a stored cluster's posts shared (its ``shared`` entry: the text, the link, the hashtags,
    the reposted post), as ``detector posts --clusters-out`` gives a cluster's evidence; the stored
    evidence also holds an example post and counts, which a campaign shows as a JSON text otherwise."""
    ev = _as_evidence(evidence)
    return ev.get("shared", evidence) if isinstance(ev, dict) else evidence


def window_text(data: ReportData) -> str:
    """The report's window as ``2015-10-16 00:13 UTC → 2015-10-16 06:40 UTC``."""
    def fmt(t: Any) -> str:
        return _utc(t).strftime("%Y-%m-%d %H:%M:%S UTC")

    return f"{fmt(data.since)} → {fmt(data.until)}"
