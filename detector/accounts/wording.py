"""The words an analyst reads for account fields, in reasons and run summaries.

This module owns the plain names of the canonical account fields and the last pass over the
reasons the model gives: no internal field name (``profile_use_background_image``) reaches a
reader, a field the whole input lacks is said once per file ("not in this input") rather than on
every row, and a rate that rounds to nothing reads "fewer than 0.1 …", not "0.0 …".
It never computes a reason: :mod:`detector.accounts.explain` does.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

FIELD_WORDS: dict[str, str] = {
    "account_id": "account id",
    "screen_name": "screen name",
    "name": "display name",
    "description": "bio",
    "followers_count": "follower count",
    "friends_count": "following count",
    "statuses_count": "post count",
    "favourites_count": "likes given",
    "listed_count": "lists it is on",
    "created_at": "creation date",
    "collected_at": "observation time",
    "verified": "verified badge",
    "default_profile": "profile theme",
    "default_profile_image": "profile image",
    "profile_use_background_image": "background image setting",
    "url": "profile link",
    "location": "location",
    "lang": "language",
}


def field_words(fields: Iterable[str]) -> str:
    """``{"created_at", "followers_count"}`` → ``"creation date, follower count"`` (schema order)."""
    wanted = set(fields)
    ordered = [f for f in FIELD_WORDS if f in wanted] + sorted(wanted - set(FIELD_WORDS))
    return ", ".join(FIELD_WORDS.get(f, f.replace("_", " ")) for f in ordered)


def plain_reasons(reasons: pd.Series, absent: Iterable[str] = ()) -> pd.Series:
    """Reasons without internal names, fields the file lacks, or rates shown as ``0.0``.

    ``missing: followers_count, created_at`` becomes ``blank: follower count, creation date``
    for the fields this row left empty; fields ``absent`` from the whole input are dropped from
    the row (the run summary names them once). Vectorised: the few distinct field lists are
    worded once each.
    """
    gone = set(absent)
    text = reasons.astype("string")
    has = text.str.contains(_MISSING_MARK, regex=False).fillna(False).to_numpy(dtype=bool)
    if has.any():
        parts = text[has].str.split(_MISSING_MARK, n=1, expand=True)
        head, tail = parts[0].fillna(""), parts[1].fillna("")
        words = {u: _blank_words(u, gone) for u in pd.unique(tail)}
        new_tail = tail.map(words).astype("string")
        # nothing left to say: drop the "; " that led to it
        head = head.where(new_tail != "", head.str.removesuffix("; "))
        text[has] = (head + new_tail).to_numpy()
    for zero, plain in _ZERO_RATES:
        hit = text.str.contains(zero, regex=False).fillna(False).to_numpy(dtype=bool)
        if hit.any():
            text[hit] = text[hit].str.replace(zero, plain, regex=False).to_numpy()
    return text.astype(object) if reasons.dtype == object else text


_MISSING_MARK = "missing: "
# A rate that rounds to nothing ("followed 0.0 new accounts a day") says what it means.
_ZERO_RATES = ((" 0.00 ", " fewer than 0.01 "), (" 0.0 ", " fewer than 0.1 "))


def _blank_words(fields: str, gone: set[str]) -> str:
    kept = [f.strip() for f in fields.split(",") if f.strip() and f.strip() not in gone]
    return f"blank: {field_words(kept)}" if kept else ""
