"""Account features: plain functions, and the same as scikit-learn transformers.

:func:`compute_features` turns the canonical account table (:mod:`detector.schema`) into the
named numeric features the account model reads: BotometerLite's 20 (Yang et al., AAAI 2020), a
few that help, and features that do not depend on when a profile was collected (ratios of counts,
profile completeness, words of the self-description, name and screen-name similarity). Missing
inputs stay ``NaN``: the model treats them as "not known" and the reasons say what was missing.
:func:`fit_bigrams` and :func:`screen_name_likelihood` are the character-bigram model behind the
screen-name likelihood feature.

:class:`AccountFeatures` and :class:`ScreenNameLikelihood` wrap the same functions in the
scikit-learn estimator contract for training and notebooks. They are built on first use, so that
scoring (which needs only the functions and numpy) never imports scikit-learn, which takes seconds.

This module owns feature definitions and their version. It never reads files or trains a model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

# Bump when a feature's definition changes: models built for another version are refused.
FEATURE_VERSION = "4"

#: BotometerLite's 20 features, in its order.
BOTOMETER_LITE = (
    "statuses_count",
    "followers_count",
    "friends_count",
    "favourites_count",
    "listed_count",
    "default_profile",
    "profile_use_background_image",
    "verified",
    "tweet_freq",
    "followers_growth_rate",
    "friends_growth_rate",
    "favourites_growth_rate",
    "listed_growth_rate",
    "followers_friends_ratio",
    "screen_name_length",
    "num_digits_in_screen_name",
    "name_length",
    "num_digits_in_name",
    "description_length",
    "screen_name_likelihood",
)

#: Features added to BotometerLite's in feature version 3.
EXTRA = (
    "account_age_days",
    "default_profile_image",
    "has_url",
    "has_location",
)

#: Features of version 4 that need no collection time: ratios of counts, profile completeness,
#: words of the self-description and how far the display name and the screen name agree.
DATE_FREE = (
    "likes_per_post",
    "listed_per_1k_followers",
    "followers_per_post",
    "profile_completeness",
    "description_words",
    "description_bot_words",
    "name_screen_name_similarity",
)

#: Features added in the feature set "v5" (session 6, issue 9): what a bare handle says (ira-2018
#: has a handle and three counts), with no collection time. The Shannon entropy of the screen
#: name's symbols (as the bigram model codes them: letters case-folded, digits, "_", anything else
#: one symbol) and the run of digits that ends it (generated handles such as ``Richard37226643``).
#: Neither is made of followers or lists (``detector.accounts.model.AUDIENCE``). Not in any
#: candidate of the shipped procedure: measured in session 6, they move leave-one-collection-out
#: ROC-AUC by noise only (boosted trees: mean 0.830 -> 0.833, IRA trolls 0.664 -> 0.653), and
#: offering them to the nested choice lowered its mean (0.826 -> 0.811). Follows per post
#: (friends / posts) was tried and left out: its direction flips between collections, and it cut
#: the unseen IRA trolls' ROC-AUC (additive model 0.756 -> 0.588).
HANDLE_AND_COUNTS = (
    "screen_name_entropy",
    "screen_name_trailing_digits",
)

ALL_FEATURES = BOTOMETER_LITE + EXTRA + DATE_FREE + HANDLE_AND_COUNTS

#: Features that need the time the profile was collected (unknown for some collections).
DATE_DEPENDENT = (
    "account_age_days",
    "tweet_freq",
    "followers_growth_rate",
    "friends_growth_rate",
    "favourites_growth_rate",
    "listed_growth_rate",
)

# Words by which accounts declare themselves automated (botwiki's bots do; people rarely do).
BOT_WORDS = re.compile(
    r"\b(?:bot|bots|robot|automated|automatic(?:ally)?|auto-?generated|generator|ebooks|"
    r"(?:tweets?|posts?) every)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

# Screen names are ASCII letters, digits and underscore; anything else maps to one symbol.
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_OTHER = len(_ALPHABET)
_START = _OTHER + 1
_END = _OTHER + 2
_SIZE = _OTHER + 3


def _encode(name: str) -> list[int]:
    codes = [_ALPHABET.find(ch) for ch in name.lower()]
    return [_START] + [c if c >= 0 else _OTHER for c in codes] + [_END]


def fit_bigrams(names: Sequence[str] | pd.Series | np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Log-probability table of a character-bigram model of screen names (Laplace ``alpha``)."""
    counts = np.zeros((_SIZE, _SIZE), dtype=np.float64)
    for name in _as_names(names):
        if name:
            codes = _encode(name)
            np.add.at(counts, (codes[:-1], codes[1:]), 1.0)
    counts += alpha
    return np.log(counts / counts.sum(axis=1, keepdims=True))


def screen_name_likelihood(names: Sequence[str] | pd.Series | np.ndarray, log_prob: np.ndarray) -> np.ndarray:
    """Geometric-mean bigram probability of each name under ``log_prob``; NaN for no name.

    Vectorised: every name is coded into a padded array of symbols (ASCII names straight from
    Arrow's bytes, others by Python's ``str.lower``), and the bigram log-probabilities are gathered
    for all of them at once. Each row's sum runs over the same padded width, whatever the names
    around it: the width is the longest name's.
    """
    return _likelihood(_arrow_text(names if isinstance(names, pd.Series) else pd.Series(_as_names(names), dtype=object)), log_prob)


def _likelihood(text: Any, log_prob: np.ndarray) -> np.ndarray:
    out = np.full(len(text), np.nan)
    lengths = _lengths(text)
    present = lengths > 0
    if not present.any():
        return out
    ascii_ = present & _is_ascii(text)
    other = np.flatnonzero(present & ~ascii_)
    words = dict(zip(other.tolist(), [w.lower() for w in text.take(_indices(other)).to_pylist()], strict=True))  # lower() may change a length
    width = int(max(lengths[ascii_].max(initial=0), max(map(len, words.values()), default=0))) + 2
    at = np.flatnonzero(present)
    step = max(1, _CELLS_AT_ONCE // width)  # bounded temporaries, whatever the longest name
    for start in range(0, len(at), step):
        block = at[start : start + step]
        codes = np.full((len(block), width), -1, dtype=np.int64)
        fast = np.flatnonzero(ascii_[block])
        if len(fast):
            data, offsets = _bytes(text.take(_indices(block[fast])))
            sizes = np.diff(offsets)
            within = np.arange(len(data)) - np.repeat(offsets[:-1] - offsets[0], sizes)
            codes[np.repeat(fast, sizes), 1 + within] = _SYMBOL[data]
            codes[fast, 0] = _START
            codes[fast, 1 + sizes] = _END
        for r in np.flatnonzero(~ascii_[block]).tolist():
            row = [_START] + [_SYMBOL[o] if o < 128 else _OTHER for o in map(ord, words[int(block[r])])] + [_END]
            codes[r, : len(row)] = row
        left, right = codes[:, :-1], codes[:, 1:]
        valid = right >= 0
        lp = np.where(valid, log_prob[np.maximum(left, 0), np.maximum(right, 0)], 0.0)
        out[block] = np.exp(lp.sum(axis=1) / valid.sum(axis=1))
    return out


# Each ASCII byte's symbol in the bigram model: letters (either case), digits and "_"; the rest one.
_SYMBOL = np.full(256, _OTHER, dtype=np.int64)
for _i, _ch in enumerate(_ALPHABET):
    _SYMBOL[ord(_ch)] = _SYMBOL[ord(_ch.upper())] = _i
_CELLS_AT_ONCE = 1 << 20


def _indices(positions: np.ndarray) -> Any:
    import pyarrow as pa

    return pa.array(positions.astype(np.int64, copy=False))


def _arrow_text(s: pd.Series) -> Any:
    """The text of ``s`` (as ``astype("string")`` makes it) as one Arrow ``large_string`` array."""
    import pyarrow as pa

    values = s.array if isinstance(s.dtype, pd.StringDtype) else s.astype("string").array
    arr = pa.array(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _bytes(text: Any) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a ``large_string`` array and each value's offsets into them."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + len(text) + 1]
    data = text.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return raw[offsets[0] : offsets[-1]], offsets


def _lengths(text: Any) -> np.ndarray:
    """Characters in each value (as Python's ``len``); NaN for a missing one."""
    import pyarrow.compute as pc

    return pc.utf8_length(text).to_numpy(zero_copy_only=False).astype("float64")


def _is_ascii(text: Any) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.fill_null(pc.string_is_ascii(text), False).to_numpy(zero_copy_only=False)


def _flags(text: Any, test: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``test(character)`` for every byte of the UTF-8 of ``text`` (Arrow text), each byte carrying its
    character's answer; with which bytes start a character and the values' offsets into the bytes.

    ASCII characters are looked up; the others are decoded in bulk and asked of Python once per
    distinct character, so the answer is Python's own (its Unicode tables, its ``str`` methods).
    """
    data, offsets = _bytes(text)
    flag = np.zeros(256, dtype=bool)
    flag[:128] = [bool(test(chr(c))) for c in range(128)]
    flags = flag[data]
    multi = np.flatnonzero(data >= 0xC0)  # lead bytes of characters beyond ASCII
    if len(multi):
        first = data[multi].astype(np.int64)
        last = len(data) - 1
        more = [data[np.minimum(multi + k, last)].astype(np.int64) & 0x3F for k in (1, 2, 3)]
        size = 2 + (first >= 0xE0) + (first >= 0xF0)
        code = np.where(
            size == 2,
            ((first & 0x1F) << 6) | more[0],
            np.where(size == 3, ((first & 0x0F) << 12) | (more[0] << 6) | more[1], ((first & 0x07) << 18) | (more[0] << 12) | (more[1] << 6) | more[2]),
        )
        distinct, inverse = np.unique(code, return_inverse=True)
        answer = np.array([bool(test(chr(c))) for c in distinct.tolist()])[inverse]
        for k in range(4):
            at = size > k
            flags[multi[at] + k] = answer[at]
    lead = (data & 0xC0) != 0x80
    return flags, lead, offsets - offsets[0]


def _per_value(text: Any, marks: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """How many bytes ``marks`` marks in each value; NaN for a missing value."""
    import pyarrow.compute as pc

    # where each value's marked bytes start and end among all marked bytes: a binary search of the
    # values' offsets, not a running count over every byte
    out = np.diff(np.searchsorted(np.flatnonzero(marks), offsets)).astype("float64")
    out[pc.is_null(text).to_numpy(zero_copy_only=False)] = np.nan
    return out


def _digit_count(text: Any) -> np.ndarray:
    """Matches of ``\\d`` in each value, as Python's ``re`` counts them (decimal digits of any script)."""
    digit, lead, offsets = _flags(text, str.isdecimal)
    return _per_value(text, digit & lead, offsets)


def _word_count(text: Any) -> np.ndarray:
    """Matches of ``\\w+`` in each value, as Python's ``re`` counts them: runs of letters, digits and "_"."""
    word, lead, offsets = _flags(text, lambda ch: ch.isalnum() or ch == "_")
    value_start = np.zeros(len(word), dtype=bool)
    value_start[offsets[:-1][np.diff(offsets) > 0]] = True
    after_word = np.r_[False, word[:-1]] & ~value_start
    return _per_value(text, word & lead & ~after_word, offsets)


# Every match of BOT_WORDS holds one of these stems; RE2 folds case over the same letters (with
# the Kelvin sign and the long s that Python's IGNORECASE also matches), so no value without a stem
# can match: only values with one are searched by Python.
_BOT_STEMS = r"(?i)(?:bot|automat|generat|ebook|tweet|post)"


def _bot_words(text: Any) -> np.ndarray:
    """1.0 where :data:`BOT_WORDS` is found in a value (by Python's ``re``), else 0.0; NaN for a missing value.

    ASCII values are searched by Arrow (RE2), whose ``\\b`` and case folding are Python's on ASCII
    text; the others by Python, when they hold a stem of the words at all.
    """
    import pyarrow.compute as pc

    out = np.full(len(text), np.nan)
    fast = _is_ascii(text)
    if fast.any():
        out[fast] = pc.match_substring_regex(text.filter(fast), BOT_WORDS.pattern, ignore_case=True).to_numpy(zero_copy_only=False)
    other = ~fast & pc.is_valid(text).to_numpy(zero_copy_only=False)
    out[other] = 0.0
    slow = np.flatnonzero(other)
    if len(slow):
        stems = pc.match_substring_regex(text.take(_indices(slow)), _BOT_STEMS).to_numpy(zero_copy_only=False)
        slow = slow[stems]
        out[slow] = [BOT_WORDS.search(v) is not None for v in text.take(_indices(slow)).to_pylist()]
    return out


def _entropy(text: Any) -> np.ndarray:
    """Shannon entropy (bits) of each value's symbols as the bigram model codes them (:data:`_SYMBOL`:
    letters case-folded, digits, "_", anything else one symbol); NaN for a missing or empty value.

    Counted in bulk, per block of rows, from the UTF-8 bytes: a character beyond ASCII is one
    symbol (its lead byte counts, its continuation bytes do not).
    """
    out = np.full(len(text), np.nan)
    data, offsets = _bytes(text)
    lead = (data & 0xC0) != 0x80
    symbol = np.where(data < 128, _SYMBOL[data], _OTHER)
    row = np.repeat(np.arange(len(text), dtype=np.int64), np.diff(offsets))
    symbol, row = symbol[lead], row[lead]
    size = np.bincount(row, minlength=len(text))
    # c * log2(c) of every count a symbol can have here, worked out once (0 for 0) and looked up:
    # the same numbers as working it out cell by cell, for a fraction of the passes over the cells
    c = np.arange(int(size.max(initial=0)) + 1, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        clogc = np.where(c > 0, c * np.log2(np.where(c > 0, c, 1.0)), 0.0)
    size = size.astype("float64")
    step = max(1, _CELLS_AT_ONCE // _SIZE)  # bounded temporaries: rows x symbols per block
    bounds = np.searchsorted(row, np.arange(0, len(text) + step, step))
    for b, start in enumerate(range(0, len(text), step)):
        lo, hi = bounds[b], bounds[b + 1]
        n = min(step, len(text) - start)
        counts = np.bincount((row[lo:hi] - start) * _SIZE + symbol[lo:hi], minlength=n * _SIZE).reshape(n, _SIZE)
        total = size[start : start + n]
        plogp = clogc[counts].sum(axis=1)
        out[start : start + n] = np.where(total > 0, np.log2(np.maximum(total, 1.0)) - plogp / np.maximum(total, 1.0), np.nan)
    return out + 0.0  # no -0.0 for one-symbol names


def _trailing_digits(text: Any) -> np.ndarray:
    """How many ASCII digits (0-9) end each value; NaN for a missing value."""
    import pyarrow.compute as pc

    tail = pc.extract_regex(text, r"(?P<d>[0-9]*)$")
    return _lengths(pc.struct_field(tail, [0]))


def _as_names(X: Any) -> list[str]:
    if isinstance(X, pd.DataFrame):
        X = X.iloc[:, 0]
    arr = np.asarray(X, dtype=object).ravel()
    return ["" if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else str(v) for v in arr]


def _boolean(s: pd.Series) -> np.ndarray:
    return s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


# Everything but letters and digits (str.isalnum): what the name similarity ignores.
_NOT_ALNUM = re.compile(r"[\W_]+")


def _bigram_set(text: str) -> set[str]:
    t = _NOT_ALNUM.sub("", text.lower())
    return set(map(str.__add__, t, t[1:])) if len(t) > 1 else ({t} if t else set())


def _similarity(names: Any, screens: Any) -> np.ndarray:
    """Share of the screen name's letter pairs found in the display name (0-1; NaN when either is missing).

    ``names`` and ``screens`` are Arrow text. Pairs of ASCII texts are compared in bulk, as sets of
    letter-pair codes; the others one by one with :func:`_bigram_set` (Python's idea of a letter).
    """
    import pyarrow.compute as pc

    out = np.full(len(names), np.nan)
    both = (pc.is_valid(names).to_numpy(zero_copy_only=False) & pc.is_valid(screens).to_numpy(zero_copy_only=False))
    fast = both & _is_ascii(names) & _is_ascii(screens)
    rows = np.flatnonzero(fast)
    if len(rows):
        a, b = _pair_codes(names.take(_indices(rows))), _pair_codes(screens.take(_indices(rows)))
        per = _PAIRS_PER_ROW
        n_a, n_b = np.bincount(a // per, minlength=len(rows)), np.bincount(b // per, minlength=len(rows))
        # The screen name's pairs found among the display name's (both sorted, each pair once):
        # a binary search each, not a sort of the two together as intersect1d does.
        at = np.minimum(np.searchsorted(a, b), max(len(a) - 1, 0))
        found = a[at] == b if len(a) else np.zeros(len(b), dtype=bool)
        shared = np.bincount(b[found] // per, minlength=len(rows))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[rows] = np.where((n_a > 0) & (n_b > 0), shared / n_b, 0.0)
    slow = np.flatnonzero(both & ~fast)
    if len(slow):
        cache: dict[tuple[str, str], float] = {}
        at = _indices(slow)
        for i, key in zip(slow.tolist(), zip(names.take(at).to_pylist(), screens.take(at).to_pylist(), strict=True), strict=True):
            value = cache.get(key)
            if value is None:
                sa, sb = _bigram_set(key[0]), _bigram_set(key[1])
                value = cache[key] = len(sa & sb) / len(sb) if sa and sb else 0.0
            out[i] = value
    return out


# ASCII letters (either case) and digits as 0-35; everything else (spaces, "_", punctuation) is dropped.
_ALNUM = np.full(256, -1, dtype=np.int64)
for _i, _ch in enumerate("abcdefghijklmnopqrstuvwxyz0123456789"):
    _ALNUM[ord(_ch)] = _ALNUM[ord(_ch.upper())] = _i
# A code per letter pair (36 * 36) and per lone letter (a text of one letter is its own "pair").
_PAIRS_PER_ROW = 36 * 36 + 36


def _pair_codes(text: Any) -> np.ndarray:
    """The distinct letter pairs of each ASCII value, as ``row * _PAIRS_PER_ROW + pair`` (sorted)."""
    data, offsets = _bytes(text)
    # 32-bit codes where every code fits (a chunk's rows): they sort faster than 64-bit ones
    width = np.int32 if len(text) * _PAIRS_PER_ROW < 2**31 else np.int64
    row = np.repeat(np.arange(len(text), dtype=width), np.diff(offsets))
    code = _ALNUM[data].astype(width, copy=False)
    keep = code >= 0
    code, row = code[keep], row[keep]
    same = row[1:] == row[:-1]
    pairs = row[1:][same] * _PAIRS_PER_ROW + code[:-1][same] * 36 + code[1:][same]
    letters = np.bincount(row, minlength=len(text))
    lone = np.flatnonzero(letters == 1).astype(width)
    singles = lone * _PAIRS_PER_ROW + 36 * 36 + code[np.searchsorted(row, lone)]
    # each row's pairs already follow the rows' order: a stable (merging) sort of such runs costs
    # a third of an unstable one's; the sorted codes are the same
    codes = np.sort(np.concatenate([pairs, singles]), kind="stable")
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes  # (np.unique hashes: slower here)


def _column(X: pd.DataFrame, name: str, dtype: str = "float64") -> pd.Series:
    if name in X.columns:
        return X[name]
    return pd.Series(np.nan if dtype == "float64" else pd.NA, index=X.index, dtype=dtype)


def compute_features(X: pd.DataFrame, log_prob: np.ndarray, names: Sequence[str] = ALL_FEATURES) -> pd.DataFrame:
    """The named features of every row of a canonical account table (NaN where inputs are missing).

    Rates are per day of account age, where age runs from ``created_at`` to ``collected_at`` (the
    time the profile was observed, not now), with a floor of one day. Ratios of counts floor their
    denominator at one. A table may carry ``screen_name_length`` and ``description_length`` columns
    for sources that give the lengths but not the texts (caverlee-2011).
    """
    col = lambda name, dtype="float64": _column(X, name, dtype)  # noqa: E731
    f: dict[str, np.ndarray] = {}
    counts = {
        name: col(name).astype("float64").to_numpy()
        for name in ("statuses_count", "followers_count", "friends_count", "favourites_count", "listed_count")
    }
    f.update(counts)
    for name in ("default_profile", "profile_use_background_image", "verified", "default_profile_image"):
        f[name] = _boolean(col(name, "boolean"))

    created = pd.to_datetime(col("created_at", "object"), utc=True, errors="coerce")
    collected = pd.to_datetime(col("collected_at", "object"), utc=True, errors="coerce")
    age = ((collected - created).dt.total_seconds() / 86400.0).to_numpy(dtype="float64", na_value=np.nan)
    f["account_age_days"] = age
    days = np.maximum(age, 1.0)
    f["tweet_freq"] = counts["statuses_count"] / days
    f["followers_growth_rate"] = counts["followers_count"] / days
    f["friends_growth_rate"] = counts["friends_count"] / days
    f["favourites_growth_rate"] = counts["favourites_count"] / days
    f["listed_growth_rate"] = counts["listed_count"] / days
    f["followers_friends_ratio"] = counts["followers_count"] / np.maximum(counts["friends_count"], 1.0)

    screen = _arrow_text(col("screen_name", "string"))
    name = _arrow_text(col("name", "string"))
    description = _arrow_text(col("description", "string"))
    f["screen_name_length"] = _lengths(screen)
    f["num_digits_in_screen_name"] = _digit_count(screen)
    f["name_length"] = _lengths(name)
    f["num_digits_in_name"] = _digit_count(name)
    f["description_length"] = _lengths(description)
    for given in ("screen_name_length", "description_length"):
        if given in X.columns:  # lengths without the texts
            f[given] = np.where(np.isnan(f[given]), X[given].astype("float64").to_numpy(), f[given])
    f["screen_name_likelihood"] = _likelihood(screen, log_prob)
    for field in ("url", "location"):
        # "" is a profile without one (0); NA is an input that did not say (NaN).
        f[f"has_{field}"] = np.sign(_lengths(_arrow_text(col(field, "string"))))

    want = set(names)
    if want & set(HANDLE_AND_COUNTS):
        f["screen_name_entropy"] = _entropy(screen) if "screen_name_entropy" in want else np.full(len(X), np.nan)
        f["screen_name_trailing_digits"] = _trailing_digits(screen) if "screen_name_trailing_digits" in want else np.full(len(X), np.nan)
    if not want & set(DATE_FREE):  # the v4 features cost per-row work: only when asked for
        return pd.DataFrame({k: f[k] for k in names}, index=X.index)
    f["likes_per_post"] = counts["favourites_count"] / np.maximum(counts["statuses_count"], 1.0)
    f["listed_per_1k_followers"] = 1000.0 * counts["listed_count"] / np.maximum(counts["followers_count"], 1.0)
    f["followers_per_post"] = counts["followers_count"] / np.maximum(counts["statuses_count"], 1.0)
    parts = np.column_stack(
        [
            np.sign(f["description_length"]),
            f["has_url"],
            f["has_location"],
            1.0 - f["default_profile_image"],
            1.0 - f["default_profile"],
        ]
    )
    known = ~np.isnan(parts)
    with np.errstate(invalid="ignore"):
        f["profile_completeness"] = np.where(known.sum(axis=1) >= 3, np.nansum(parts, axis=1) / np.maximum(known.sum(axis=1), 1), np.nan)
    f["description_words"] = _word_count(description)
    f["description_bot_words"] = _bot_words(description)
    f["name_screen_name_similarity"] = _similarity(name, screen) if "name_screen_name_similarity" in want else np.full(len(X), np.nan)
    frame = pd.DataFrame(f, index=X.index)
    return frame[list(names)]


# ------------------------------------------------------------------------------------------------
# The scikit-learn transformers: built on first access (PEP 562), so scoring never imports sklearn.


def _build_transformers() -> dict[str, type]:
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.utils.validation import check_is_fitted

    class ScreenNameLikelihood(TransformerMixin, BaseEstimator):
        """Geometric-mean probability of a screen name under a character-bigram model.

        Fitted on a list of screen names (no labels). Ordinary names made of common letter pairs
        score high; random strings such as ``xk7q2vz9`` score low. BotometerLite fits the same
        kind of model on screen names of random accounts.

        Parameters
        ----------
        alpha : float
            Additive (Laplace) smoothing of the bigram counts.
        """

        def __init__(self, alpha: float = 1.0) -> None:
            self.alpha = alpha

        def fit(self, X: Any, y: object = None) -> ScreenNameLikelihood:
            self.log_prob_ = fit_bigrams(X, self.alpha)
            return self

        def transform(self, X: Any) -> np.ndarray:
            check_is_fitted(self, "log_prob_")
            return screen_name_likelihood(X, self.log_prob_).reshape(-1, 1)

        def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
            return np.array(["screen_name_likelihood"], dtype=object)

    class AccountFeatures(TransformerMixin, BaseEstimator):
        """Canonical account table → feature matrix (see :data:`ALL_FEATURES`, :func:`compute_features`).

        Parameters
        ----------
        features : sequence of str, optional
            Which features to output, in order; all of :data:`ALL_FEATURES` by default.
        alpha : float
            Smoothing of the screen-name bigram model.
        """

        def __init__(self, features: Sequence[str] | None = None, alpha: float = 1.0) -> None:
            self.features = features
            self.alpha = alpha

        def fit(self, X: pd.DataFrame, y: object = None) -> AccountFeatures:
            names = tuple(self.features) if self.features is not None else ALL_FEATURES
            unknown = sorted(set(names) - set(ALL_FEATURES))
            if unknown:
                raise ValueError(f"unknown features: {', '.join(unknown)}")
            self.feature_names_out_ = np.array(names, dtype=object)
            screen = X["screen_name"] if isinstance(X, pd.DataFrame) and "screen_name" in X else []
            self.screen_names_ = ScreenNameLikelihood(alpha=self.alpha).fit(screen)
            self.n_features_in_ = X.shape[1] if hasattr(X, "shape") and len(X.shape) == 2 else 0
            return self

        def transform(self, X: pd.DataFrame) -> np.ndarray:
            check_is_fitted(self, "feature_names_out_")
            return self.compute(X)[list(self.feature_names_out_)].to_numpy(dtype="float64")

        def compute(self, X: pd.DataFrame) -> pd.DataFrame:
            """Every feature of :data:`ALL_FEATURES` as a named frame (NaN where inputs are missing)."""
            check_is_fitted(self, "screen_names_")
            return compute_features(X, self.screen_names_.log_prob_)

        def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
            check_is_fitted(self, "feature_names_out_")
            return self.feature_names_out_.copy()

    for cls in (ScreenNameLikelihood, AccountFeatures):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
    return {"ScreenNameLikelihood": ScreenNameLikelihood, "AccountFeatures": AccountFeatures}


def __getattr__(name: str) -> Any:
    if name in ("AccountFeatures", "ScreenNameLikelihood"):
        classes = _build_transformers()
        globals().update(classes)
        return classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
