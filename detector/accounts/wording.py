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
    the row (the run summary names them once). The few distinct field lists are
    worded once each.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    gone = set(absent)
    try:
        text = pa.array(reasons, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: as pandas would make it text
        text = pa.array(reasons.astype("string"), type=pa.large_string(), from_pandas=True)
    # Arrow's string kernels: per-row Python or pandas string methods cost more than the model.
    has = pc.fill_null(pc.match_substring(text, _MISSING_MARK), False)
    if pc.any(has).as_py():
        parts = pc.split_pattern(text.filter(has), _MISSING_MARK, max_splits=1)
        head, tail = pc.list_element(parts, 0), pc.dictionary_encode(pc.list_element(parts, 1))
        words = pa.array([_blank_words(t, gone) for t in tail.dictionary.to_pylist()], type=pa.large_string())
        new_tail = words.take(tail.indices)
        # nothing left to say: drop the "; " that led to it
        drop = pc.and_(pc.equal(new_tail, ""), pc.ends_with(head, "; "))
        head = pc.if_else(drop, pc.utf8_slice_codeunits(head, 0, -2), head)
        text = pc.replace_with_mask(text, has, pc.binary_join_element_wise(head, new_tail, pa.scalar("", pa.large_string())))
    for zero, plain in _ZERO_RATES:  # one pass each: finding the rows first costs as much again
        text = pc.replace_substring(text, zero, plain)
    if reasons.dtype != object:  # text in, text out: no Python string per row
        return pd.Series(text, index=reasons.index, dtype="string")
    out = text.to_numpy(zero_copy_only=False)
    out[pc.is_null(text).to_numpy(zero_copy_only=False)] = pd.NA
    return pd.Series(out, index=reasons.index, dtype=object)


def say_unusable(reason: str, fields: Iterable[str]) -> str:
    """``reason`` with ``fields`` (given, but set aside as unreadable: a count of 'lots') moved from its
    ``blank: …`` part to an ``unusable: …`` one: the row's field was not blank, and the rejects file says why.

    ``…; blank: follower count, creation date`` with ``{"followers_count"}`` becomes
    ``…; unusable: follower count; blank: creation date``.
    """
    head, mark, tail = reason.partition(_BLANK_MARK)
    if not mark:
        return reason
    words = {FIELD_WORDS.get(f, f.replace("_", " ")) for f in fields}
    listed = [w.strip() for w in tail.split(",")]
    unusable = [w for w in listed if w in words]
    if not unusable:
        return reason
    blank = [w for w in listed if w not in words]
    return head + f"unusable: {', '.join(unusable)}" + (f"; {_BLANK_MARK}{', '.join(blank)}" if blank else "")


_BLANK_MARK = "blank: "
_MISSING_MARK = "missing: "
# A rate that rounds to nothing ("followed 0.0 new accounts a day") says what it means.
_ZERO_RATES = ((" 0.00 ", " fewer than 0.01 "), (" 0.0 ", " fewer than 0.1 "))


def _blank_words(fields: str, gone: set[str]) -> str:
    kept = [f.strip() for f in fields.split(",") if f.strip() and f.strip() not in gone]
    return f"{_BLANK_MARK}{field_words(kept)}" if kept else ""
