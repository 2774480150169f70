"""The words an analyst reads for account fields, in reasons and run summaries.

This module owns the plain names of the canonical account fields and the last pass over the
reasons the model gives: no internal field name (``profile_use_background_image``) reaches a
reader, a field the whole input lacks is said once per file ("not in this input") rather than on
every row, and a rate that rounds to nothing reads "fewer than 0.1 …", not "0.0 …".
It never computes a reason: :mod:`detector.accounts.explain` does.
"""

from __future__ import annotations

import re
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
_MISSING = re.compile(r"missing: ([^;]*)")
_ZERO_RATE = re.compile(r"(?<![\d.,])0\.(0+)(?= )")


def field_words(fields: Iterable[str]) -> str:
    """``{"created_at", "followers_count"}`` → ``"creation date, follower count"`` (schema order)."""
    wanted = set(fields)
    ordered = [f for f in FIELD_WORDS if f in wanted] + sorted(wanted - set(FIELD_WORDS))
    return ", ".join(FIELD_WORDS.get(f, f.replace("_", " ")) for f in ordered)


def plain_reasons(reasons: pd.Series, absent: Iterable[str] = ()) -> pd.Series:
    """Reasons without internal names, fields the file lacks, or rates shown as ``0.0``.

    ``missing: followers_count, created_at`` becomes ``blank: follower count, creation date``
    for the fields this row left empty; fields ``absent`` from the whole input are dropped from
    the row (the run summary names them once).
    """
    gone = set(absent)
    cache: dict[str, str] = {}

    def missing(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in cache:
            fields = [f.strip() for f in m.group(1).split(",") if f.strip() and f.strip() not in gone]
            cache[key] = f"blank: {field_words(fields)}" if fields else ""
        return cache[key]

    text = reasons.astype("string")
    has = text.str.contains("missing: ", regex=False).fillna(False)
    if has.any():
        fixed = text[has].str.replace(_MISSING, missing, regex=True)
        fixed = fixed.str.replace(r"(; )+$", "", regex=True).str.replace(r"^(; )+", "", regex=True).str.replace("; ; ", "; ", regex=False)
        text = text.where(~has, fixed)
    zero = text.str.contains("0.0", regex=False).fillna(False)
    if zero.any():
        text = text.where(~zero, text[zero].str.replace(_ZERO_RATE, lambda m: f"fewer than 0.{m.group(1)[:-1]}1", regex=True))
    return text.astype(object) if reasons.dtype == object else text
