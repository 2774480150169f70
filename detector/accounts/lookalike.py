"""Look-alike groups: accounts of one scored list that were made alike, with the evidence in words.

A single profile of a coordinated bot can look ordinary; the list shows what one profile cannot:
accounts registered in the same burst, screen names of one template (``Name`` + 8 digits), the same
self-description or display name. This module finds such groups in a list and says, for each
account in one, what links it to the others. It is evidence for an analyst, not a verdict, and it
never changes a score: a score that depended on which other accounts are in the list would change
when the list does.

The conventions (fixed before any measurement, ``EVALUATION.md`` "Look-alike groups"):

- **creation burst**: at least :data:`BURST_MIN` accounts created within :data:`BURST_MINUTES` minutes
  from one of them, and at least :data:`BURST_OVER_RATE` times as many as the list's own creation
  rate around that time (accounts created within :data:`BACKGROUND_DAYS` days either side) predicts;
  overlapping such windows make one burst. Creation times of exactly midnight are days only and left
  out; a list whose times are nearly all midnight gives no burst at all.
- **screen-name template**: letter runs coded by case (``Name``, ``name``, ``NAME``), digit runs by
  their length, ``_`` kept, and the name's length; only names with a run of at least
  :data:`TEMPLATE_MIN_DIGITS` digits, shared by at least :data:`TEMPLATE_MIN` accounts.
- **same description**: normalised (NFKC, lower case, links removed, spaces collapsed), at least
  :data:`DESCRIPTION_MIN_CHARS` characters, shared by at least 2 accounts.
- **same display name**: normalised the same way, at least :data:`NAME_MIN_CHARS` characters, 2 accounts.

Two accounts are linked when they share at least two kinds, or the same description of at least
:data:`STRONG_DESCRIPTION_CHARS` characters with at least :data:`STRONG_DESCRIPTION_MIN` accounts;
a group is a connected set of links with at least :data:`GROUP_MIN` accounts.

:func:`lookalike_keys` reduces a chunk of canonical accounts to the few numbers and short texts the
groups need (so a list of millions is kept as keys, not profiles); :func:`find_lookalikes` finds the
groups over the keys of the whole list. Both are vectorised: sorting, searching and grouping.

This module owns these definitions. It never reads files, scores accounts or writes output.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

BURST_MIN = 5
BURST_MINUTES = 10
BURST_OVER_RATE = 20.0
BACKGROUND_DAYS = 30
DAY_ONLY_SHARE = 0.9  # a list with this share of its creation times at 00:00:00 gives days only
TEMPLATE_MIN_DIGITS = 4
TEMPLATE_MIN = 3
DESCRIPTION_MIN_CHARS = 20
NAME_MIN_CHARS = 3
STRONG_DESCRIPTION_CHARS = 40
STRONG_DESCRIPTION_MIN = 3
GROUP_MIN = 3

#: The key columns :func:`lookalike_keys` returns, in order.
KEY_COLUMNS = ("created_s", "template", "description", "description_chars", "name")
#: The columns :func:`find_lookalikes` returns, in order (what ``detector score`` adds to its output).
LOOKALIKE_COLUMNS = ("lookalike_group", "lookalike_size", "lookalike_evidence")
#: What a job says once when it was asked not to look for groups (``--no-lookalike``).
OFF_NOTICE = "look-alike groups across the list were not looked for (--no-lookalike): no lookalike_* columns"

_NO_TIME = np.iinfo(np.int64).min
_KINDS = ("burst", "template", "description", "name")


def lookalike_keys(accounts: pd.DataFrame) -> pd.DataFrame:
    """The keys of each canonical account that :func:`find_lookalikes` groups on, in row order.

    ``created_s``: creation time in Unix seconds (the smallest int64 when unknown); ``template``:
    the screen-name template in words (missing when the name has no run of
    :data:`TEMPLATE_MIN_DIGITS` digits); ``description`` and ``name``: the text as compared
    (:func:`normalise_text`; missing when it is missing or too short); ``description_chars``: its length.
    """
    n = len(accounts)
    created = _column(accounts, "created_at")
    if created is None:
        created_s = np.full(n, _NO_TIME, dtype=np.int64)
    else:
        # NaT is the smallest int64 at any resolution: it stays "unknown"
        created_s = pd.to_datetime(created, utc=True, errors="coerce").astype("datetime64[s, UTC]").array.asi8
    description, desc_chars = _text_key(_column(accounts, "description"), n, DESCRIPTION_MIN_CHARS)
    name, _ = _text_key(_column(accounts, "name"), n, NAME_MIN_CHARS)
    return pd.DataFrame(
        {
            "created_s": created_s.astype(np.int64),
            "template": _templates(_column(accounts, "screen_name"), n),
            "description": description,
            "description_chars": desc_chars,
            "name": name,
        },
        index=accounts.index,
    )


def find_lookalikes(keys: pd.DataFrame) -> pd.DataFrame:
    """Look-alike groups over a whole list's :func:`lookalike_keys`: one row per key row, in order.

    ``lookalike_group`` is ``L1``, ``L2``, ... (largest group first; empty outside a group),
    ``lookalike_size`` the group's number of accounts (0 outside), ``lookalike_evidence`` what links
    the account to the others of its group, in words (empty outside).
    """
    n = len(keys)
    ids = {
        "burst": _bursts(keys["created_s"].to_numpy(dtype=np.int64)),
        "template": _group_ids(keys["template"], TEMPLATE_MIN),
        "description": _group_ids(keys["description"], 2),
        "name": _group_ids(keys["name"], 2),
    }
    edges: list[tuple[np.ndarray, np.ndarray]] = []
    for i, a in enumerate(_KINDS):
        for b in _KINDS[i + 1 :]:
            both = (ids[a] >= 0) & (ids[b] >= 0)
            combined = np.where(both, ids[a] * (int(ids[b].max(initial=0)) + 1) + ids[b], -1)
            edges.append(_star_edges(combined, 2))
    long_text = keys["description_chars"].to_numpy() >= STRONG_DESCRIPTION_CHARS
    edges.append(_star_edges(np.where(long_text, ids["description"], -1), STRONG_DESCRIPTION_MIN))
    u = np.concatenate([e[0] for e in edges])
    v = np.concatenate([e[1] for e in edges])
    group = _components(n, u, v)
    return _describe(keys, ids, group)


def lookalikes_of(accounts: pd.DataFrame) -> pd.DataFrame:
    """The look-alike columns of a whole list of canonical accounts held in memory, on its index
    (:func:`find_lookalikes` of :func:`lookalike_keys`): for lists that are not streamed, such as
    the author profiles of a posts job."""
    return find_lookalikes(lookalike_keys(accounts)).set_axis(accounts.index)


def group_counts(found: pd.DataFrame | None) -> tuple[int, int]:
    """(groups, accounts in them) of a frame with the look-alike columns; (0, 0) without them."""
    if found is None or "lookalike_size" not in found.columns:
        return 0, 0
    grouped = found["lookalike_size"].to_numpy() > 0
    return int(found.loc[grouped, "lookalike_group"].nunique()), int(grouped.sum())


def blank_lookalikes(n: int, index: pd.Index | None = None) -> pd.DataFrame:
    """The look-alike columns of ``n`` accounts in no group (empty group, size 0, no evidence)."""
    return pd.DataFrame(
        {"lookalike_group": np.full(n, "", dtype=object), "lookalike_size": np.zeros(n, dtype=np.int64), "lookalike_evidence": np.full(n, "", dtype=object)},
        index=index if index is not None else pd.RangeIndex(n),
    )


# ------------------------------------------------------------------------------------------------
# The keys


def _column(accounts: pd.DataFrame, name: str) -> pd.Series | None:
    return accounts[name] if name in accounts.columns else None


def _arrow(values: pd.Series) -> Any:
    import pyarrow as pa

    arr = pa.array(values.astype("string").array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def normalise_text(values: pd.Series) -> pd.Series:
    """Texts as they are compared: NFKC, lower case, links removed, white space collapsed and trimmed."""
    return _as_series(_normalised(_arrow(values)), values.index)


def _normalised(text: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = text.cast(pa.large_string())
    # Only what needs it goes through the slower steps: NFKC changes no ASCII text, and a text
    # without "http" or "www." holds no link.
    other = pc.invert(pc.fill_null(pc.string_is_ascii(text), True))
    if pc.any(other).as_py():
        text = pc.replace_with_mask(text, other, pc.utf8_normalize(text.filter(other), "NFKC"))
    text = pc.utf8_lower(text)
    linked = pc.fill_null(pc.or_(pc.match_substring(text, "http"), pc.match_substring(text, "www.")), False)
    if pc.any(linked).as_py():
        text = pc.replace_with_mask(text, linked, pc.replace_substring_regex(text.filter(linked), r"(?:https?://|www\.)\S*", ""))
    spaced = pc.fill_null(pc.match_substring_regex(text, r"\s\s|[^\S ]"), False)  # finding is cheaper than replacing
    if pc.any(spaced).as_py():
        text = pc.replace_with_mask(text, spaced, pc.replace_substring_regex(text.filter(spaced), r"\s+", " "))
    return pc.utf8_trim_whitespace(text)


def _as_series(text: Any, index: pd.Index) -> pd.Series:
    import pyarrow as pa

    mapper = {pa.large_string(): pd.StringDtype("pyarrow"), pa.string(): pd.StringDtype("pyarrow")}.get
    return pd.Series(text.to_pandas(types_mapper=mapper), index=index)


def _text_key(values: pd.Series | None, n: int, min_chars: int) -> tuple[pd.Series, np.ndarray]:
    """The normalised texts of at least ``min_chars`` characters (others missing), and their lengths."""
    import pyarrow as pa
    import pyarrow.compute as pc

    index = values.index if values is not None else pd.RangeIndex(n)
    if values is None or n == 0:
        return pd.Series(pd.NA, index=index, dtype=pd.StringDtype("pyarrow")), np.zeros(n, dtype=np.int64)
    text = _normalised(_arrow(values))
    length = pc.fill_null(pc.utf8_length(text), 0)
    long_enough = pc.greater_equal(length, min_chars)
    text = pc.if_else(long_enough, text, pa.scalar(None, pa.large_string()))
    chars = pc.if_else(long_enough, length, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    return _as_series(text, index), chars


_TOKEN = re.compile(r"\d+|_|[^\W\d_]+|.")


def _letter_pieces(run: str) -> list[str]:
    """A run of letters cut where a capital follows a small letter (``JohnSmith`` -> John, Smith)."""
    pieces = [run[0]]
    for prev, ch in zip(run, run[1:], strict=False):
        if ch.isupper() and prev.islower():
            pieces.append(ch)
        else:
            pieces[-1] += ch
    return pieces


def _letters_word(piece: str) -> str:
    if piece.islower():
        return "name"
    if piece.isupper():
        return "NAME" if len(piece) > 1 else "Name"
    if piece[0].isupper() and piece[1:].islower():
        return "Name"
    return "letters"  # a script without case, or mixed case such as "eBay"


def screen_name_template(name: str) -> str:
    """A screen name's template in words: ``Richard37226643`` -> ``Name+8 digits, 15 characters``."""
    parts: list[str] = []
    for token in _TOKEN.findall(name):
        if token[0].isdigit():
            parts.append(f"{len(token)} digit{'' if len(token) == 1 else 's'}")
        elif token == "_":
            parts.append("_")
        elif token[0].isalpha():
            parts.extend(_letters_word(p) for p in _letter_pieces(token))
        else:
            parts.append("symbol")
    return f"{'+'.join(parts)}, {len(name)} characters"


def _templates(names: pd.Series | None, n: int) -> pd.Series:
    """:func:`screen_name_template` of each name with a run of :data:`TEMPLATE_MIN_DIGITS` digits.

    ASCII names (nearly all handles) are first coded byte by byte into their classes (``A`` capital,
    ``a`` small letter, ``0`` digit, ``_``, ``-`` anything else), which keeps all a template needs;
    the template is then worked out once per distinct class string, of which a list has few. Other
    names are worked out once each.
    """
    index = names.index if names is not None else pd.RangeIndex(n)
    out = np.full(n, None, dtype=object)
    if names is not None and n:
        import pyarrow as pa
        import pyarrow.compute as pc

        text = _arrow(names).cast(pa.large_string())
        digits = pc.fill_null(pc.match_substring_regex(text, f"[0-9]{{{TEMPLATE_MIN_DIGITS}}}"), False).to_numpy(zero_copy_only=False)
        ascii_ = pc.fill_null(pc.string_is_ascii(text), False).to_numpy(zero_copy_only=False)
        fast = np.flatnonzero(digits & ascii_)
        if len(fast):
            part = text.take(pa.array(fast))
            offsets = np.frombuffer(part.buffers()[1], dtype=np.int64)[part.offset : part.offset + len(part) + 1]
            data = np.frombuffer(part.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
            coded = pa.Array.from_buffers(pa.large_string(), len(part), [None, pa.py_buffer(offsets - offsets[0]), pa.py_buffer(_CLASS[data])])
            codes, uniques = pd.factorize(coded.to_numpy(zero_copy_only=False))
            out[fast] = np.array([screen_name_template(u) for u in uniques.tolist()], dtype=object)[codes]
        slow = np.flatnonzero(digits & ~ascii_)
        if len(slow):
            values = names.to_numpy(dtype=object)[slow]
            uniques = pd.unique(values)
            coded_slow = dict(zip(uniques.tolist(), [screen_name_template(str(u)) for u in uniques.tolist()], strict=True))
            out[slow] = [coded_slow[v] for v in values.tolist()]
    return pd.Series(out, index=index, dtype=pd.StringDtype("pyarrow"))


# Each ASCII byte's class, as a character screen_name_template reads the same way as the byte.
_CLASS = np.full(256, ord("-"), dtype=np.uint8)
for _c in range(256):
    _ch = chr(_c)
    if _ch.isascii() and _ch.isupper():
        _CLASS[_c] = ord("A")
    elif _ch.isascii() and _ch.islower():
        _CLASS[_c] = ord("a")
    elif _ch.isascii() and _ch.isdigit():
        _CLASS[_c] = ord("0")
_CLASS[ord("_")] = ord("_")


# ------------------------------------------------------------------------------------------------
# The groups of each kind


def _group_ids(values: pd.Series, min_size: int) -> np.ndarray:
    """An id per row for values shared by at least ``min_size`` rows; -1 for the others and missing."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if not (codes >= 0).any():
        return np.full(len(values), -1, dtype=np.int64)
    sizes = np.bincount(codes[codes >= 0])
    keep = (codes >= 0) & (sizes[np.maximum(codes, 0)] >= min_size)
    return np.where(keep, codes, -1)


def _bursts(created_s: np.ndarray) -> np.ndarray:
    """A burst id per row (-1 outside one): see the module's conventions."""
    out = np.full(len(created_s), -1, dtype=np.int64)
    known = created_s != _NO_TIME
    if not known.any():
        return out
    midnight = known & (created_s % 86400 == 0)
    if midnight.sum() >= DAY_ONLY_SHARE * known.sum():
        log.debug("creation times are days only: no creation bursts")
        return out
    rows = np.flatnonzero(known & ~midnight)
    order = rows[np.argsort(created_s[rows], kind="stable")]
    t = created_s[order]
    window = BURST_MINUTES * 60
    background = BACKGROUND_DAYS * 86400
    end = np.searchsorted(t, t + window, side="right")
    count = end - np.arange(len(t))
    around = np.searchsorted(t, t + background, side="right") - np.searchsorted(t, t - background, side="left")
    expected = around * window / (2.0 * background)
    opens = np.flatnonzero((count >= BURST_MIN) & (count >= BURST_OVER_RATE * expected))
    if not len(opens):
        return out
    # Edge j links sorted rows j and j+1; a window opened at i covers edges i .. end-2.
    cover = np.zeros(len(t) + 1, dtype=np.int64)
    np.add.at(cover, opens, 1)
    np.add.at(cover, end[opens] - 1, -1)
    linked = np.cumsum(cover)[:-1] > 0  # linked[j]: rows j and j+1 are in one burst
    member = linked | np.r_[False, linked[:-1]]
    starts = member & ~np.r_[False, linked[:-1]]
    burst = np.cumsum(starts) - 1
    out[order[member]] = burst[member]
    return out


def _star_edges(key: np.ndarray, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges linking every row of a key shared by ``min_size`` rows or more to the key's first row."""
    rows = np.flatnonzero(key >= 0)
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes, _ = pd.factorize(key[rows])
    sizes = np.bincount(codes)
    first = np.empty(len(sizes), dtype=np.int64)
    first[codes[::-1]] = rows[::-1]  # the earliest row of each code is written last
    keep = sizes[codes] >= min_size
    return rows[keep], first[codes[keep]]


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components of the linked rows, as the smallest row of each (-1 for unlinked rows)."""
    out = np.full(n, -1, dtype=np.int64)
    if not len(u):
        return out
    # Rows are labelled by their own numbers (no sort to renumber the linked ones): the roots are
    # the smallest rows of their components either way.
    label = np.arange(n)
    while True:
        before = label.copy()
        low = np.minimum(label[u], label[v])
        np.minimum.at(label, label[u], low)  # hook each root onto the smaller one
        np.minimum.at(label, label[v], low)
        while not np.array_equal(nxt := label[label], label):  # point every row at its root
            label = nxt
        if np.array_equal(label, before):
            break
    linked = np.zeros(n, dtype=bool)
    linked[u] = linked[v] = True
    out[linked] = label[linked]
    return out


# ------------------------------------------------------------------------------------------------
# The evidence in words


def _describe(keys: pd.DataFrame, ids: dict[str, np.ndarray], group: np.ndarray) -> pd.DataFrame:
    n = len(keys)
    label_at = np.zeros(n, dtype=np.int64)  # 0: no group; i: the i-th group's name
    words_at = np.zeros(n, dtype=np.int64)  # 0: no evidence; i: the i-th wording
    size = np.zeros(n, dtype=np.int64)
    labels: list[str] = []
    words: list[str] = []

    def table() -> pd.DataFrame:
        # The texts are taken from their few distinct values by Arrow: no Python string per row.
        return pd.DataFrame(
            {"lookalike_group": _texts(["", *labels], label_at), "lookalike_size": size, "lookalike_evidence": _texts(["", *words], words_at)}
        ).set_axis(keys.index)

    members = np.flatnonzero(group >= 0)
    sizes = pd.Series(group[members]).value_counts()
    sizes = sizes[sizes >= GROUP_MIN]
    if sizes.empty:
        return table()
    # Largest first; among equals, the group whose first account comes first in the list.
    ranked = pd.DataFrame({"root": sizes.index.to_numpy(), "size": sizes.to_numpy()}).sort_values(["size", "root"], ascending=[False, True])
    labels = [f"L{i + 1}" for i in range(len(ranked))]
    rank = pd.Series(np.arange(1, len(ranked) + 1), index=ranked["root"].to_numpy())
    rows = members[np.isin(group[members], ranked["root"].to_numpy())]
    g = group[rows]
    # For each kind, how many others of the account's group share it (and, for a burst, over how long).
    facts = {"template_id": ids["template"][rows], "chars": keys["description_chars"].to_numpy()[rows]}
    created = keys["created_s"].to_numpy()[rows]
    for kind in _KINDS:
        k = ids[kind][rows]
        has = np.flatnonzero(k >= 0)
        pair = np.asarray(pd.factorize(g[has] * (int(k.max(initial=0)) + 1) + k[has])[0], dtype=np.int64)
        count = np.bincount(pair) if len(pair) else np.zeros(0, dtype=np.int64)
        others = np.zeros(len(rows), dtype=np.int64)
        others[has] = count[pair] - 1
        facts[kind] = others
        if kind == "burst":
            first_t = np.full(len(count), np.iinfo(np.int64).max)
            last_t = np.full(len(count), np.iinfo(np.int64).min)
            np.minimum.at(first_t, pair, created[has])
            np.maximum.at(last_t, pair, created[has])
            span = np.zeros(len(rows), dtype=np.int64)
            span[has] = last_t[pair] - first_t[pair]
            facts["minutes"] = np.maximum(1, -(-span // 60))
    # Accounts of one group mostly say the same: word each distinct set of facts once.
    combo = np.zeros(len(rows), dtype=np.int64)
    for values in facts.values():
        combo = np.asarray(pd.factorize(combo * (int(values.max(initial=0)) + 2) + (values + 1))[0], dtype=np.int64)
    first = np.unique(combo, return_index=True)[1]
    # Each wording's facts as Python numbers, taken once (not one numpy scalar at a time).
    picked = {name: v[first].tolist() for name, v in facts.items()}
    templates = keys["template"].to_numpy(dtype=object)[rows[first]].tolist()
    words = [_evidence({name: v[j] for name, v in picked.items()}, templates[j]) for j in range(len(first))]
    label_at[rows] = rank.loc[g].to_numpy()
    size[rows] = sizes.loc[g].to_numpy()
    words_at[rows] = combo + 1
    return table()


def _texts(values: list[str], at: np.ndarray) -> pd.Series:
    """``values[at]`` as a text column, built by Arrow from the few distinct values."""
    import pyarrow as pa

    taken = pa.DictionaryArray.from_arrays(pa.array(at.astype(np.int32)), pa.array(values, type=pa.large_string())).cast(pa.large_string())
    return _as_series(taken, pd.RangeIndex(len(at))).astype("str")


def _evidence(facts: dict[str, Any], template: object) -> str:
    """One account's evidence in words, from how many others of its group share each kind."""

    def others(count: int) -> str:
        return f"{count} other shares" if count == 1 else f"{count} others share"

    said = []
    if facts["burst"]:
        minutes, count = int(facts["minutes"]), int(facts["burst"])
        said.append(f"created within {minutes} minute{'' if minutes == 1 else 's'} of {count} other account{'' if count == 1 else 's'} of its group")
    if facts["template"]:
        said.append(f"{others(int(facts['template']))} its screen-name template {template}")
    if facts["description"]:
        said.append(f"{others(int(facts['description']))} its description ({int(facts['chars'])} characters)")
    if facts["name"]:
        said.append(f"{others(int(facts['name']))} its display name")
    return "; ".join(said)
