"""Multilingual text normalisation: one message, one form, however people typed it.

This module owns the mapping from a raw post text to the form that coordination and message
features compare. It is tuned for English, Albanian and Serbian (both scripts) and is safe for any
language: every step is a pure, deterministic string transformation.

Steps, in order (each one is tested in ``tests/test_text.py`` with real phrases):

1. HTML entities are decoded (``&amp;`` → ``&``): exports of tweets often keep them.
2. Unicode NFKC: compatibility forms become plain ones (full-width letters, ligatures, the
   single code point ``ǆ`` → ``dž``, combining sequences are composed).
3. A leading retweet marker ``RT @user:`` is dropped (it says who was copied, not what was said).
4. URLs become the token ``<url>`` and @mentions become ``@user``: link shorteners give every copy
   of one message a different ``t.co`` address, and copy-paste campaigns vary the addressee.
5. Case folding (``str.casefold``: ``ß`` → ``ss``, Turkish ``İ`` handled).
6. Cyrillic to Latin, one script: Serbian Cyrillic is transliterated by the official
   Serbian Latin alphabet (``љ``→``lj``, ``њ``→``nj``, ``џ``→``dž``, ``ђ``→``đ``); other Cyrillic
   letters (Russian, Ukrainian, Macedonian, Bulgarian) get a fixed Latin spelling, so texts in
   those languages still match themselves. Cyrillic look-alike letters hidden inside Latin words
   (a spam trick) become the Latin letters they imitate.
7. Diacritics are folded (the deliberate choice): ``ë``→``e``, ``ç``→``c``, ``č``/``ć``→``c``,
   ``š``→``s``, ``ž``→``z``, ``đ``→``dj``. People write Albanian and Serbian without diacritics on
   phones all the time (``Djokovic``, ``sisanje``, ``pershendetje``); a copy that lost its
   diacritics is the same message. The cost is that a few distinct words merge (``kuća``/``kuca``);
   for deciding whether two whole posts are the same message that cost is negligible, and the
   original text is always kept beside the normalised one.
8. Invisible format characters (zero-width spaces and joiners, direction marks, soft hyphens) are
   removed, typographic quotes and dashes become ASCII, and runs of white space become one space.

It never detects languages, never stems, and never removes stop words: those are choices for the
features that consume this text.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

URL_TOKEN = "<url>"
MENTION_TOKEN = "@user"

# An optional leading retweet marker, e.g. "RT @RNRIllinois: ".
_RT_PREFIX = re.compile(r"^\s*rt\s+@\w+\s*:?\s*", flags=re.IGNORECASE)
# http(s):// or www. up to the next white space; also bare t.co links.
_URL = re.compile(r"(?:https?://|www\.)\S+|\bt\.co/\w+", flags=re.IGNORECASE)
# A mention: @ after start or a non-word character, then word characters (any script).
_MENTION = re.compile(r"(?<![\w@])@\w+")

# Serbian Cyrillic by the official Serbian Latin alphabet (Gaj's Latin). Diacritics are kept here
# and folded later, so that the two steps stay separately testable.
_SERBIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
# Letters of other Cyrillic alphabets (after case folding), by a fixed scholarly-style spelling.
_OTHER_CYRILLIC = {
    "ё": "e", "й": "j", "ы": "y", "э": "e", "ю": "ju", "я": "ja", "щ": "šč", "ъ": "", "ь": "",
    "і": "i", "ї": "ji", "є": "je", "ґ": "g", "ѓ": "ǵ", "ќ": "ḱ", "ѕ": "dz", "ў": "u",
}  # fmt: skip
# Latin letters that Unicode does not decompose into a base letter plus a mark.
_LATIN_SPECIAL = {
    "đ": "dj", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ø": "o", "œ": "oe", "æ": "ae",
    "þ": "th", "ŧ": "t", "ŋ": "n",
}  # fmt: skip
# Typographic punctuation that people and keyboards swap freely.
_PUNCT = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2026": "...",
}  # fmt: skip


def _fold_latin(ch: str) -> str:
    """Base letters of ``ch`` without combining marks (``č`` → ``c``, ``ǵ`` → ``g``)."""
    if ch in _LATIN_SPECIAL:
        return _LATIN_SPECIAL[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _table() -> dict[int, str | None]:
    """One ``str.translate`` table doing steps 6-8 (script, diacritics, invisibles, punctuation)."""
    table: dict[int, str | None] = {}
    for src, dst in {**_SERBIAN, **_OTHER_CYRILLIC}.items():
        table[ord(src)] = "".join(_fold_latin(c) for c in dst)
    # Every precomposed Latin letter with a mark: Latin-1 Supplement to Latin Extended-B, IPA
    # excluded, and Latin Extended Additional.
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for cp in range(start, end + 1):
            ch = chr(cp)
            if cp in table or unicodedata.category(ch)[0] != "L":
                continue
            folded = _fold_latin(ch.casefold())
            if folded != ch:
                table[cp] = folded
    for src, dst in _PUNCT.items():
        table[ord(src)] = dst
    # Combining marks left after NFKC (a mark on a letter that has no precomposed form).
    for cp in range(0x0300, 0x0370):
        table[cp] = None
    # Invisible format characters (category Cf) in the ranges where they occur in posts.
    for start, end in ((0x00AD, 0x00AD), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
                       (0xFEFF, 0xFEFF)):  # fmt: skip
        for cp in range(start, end + 1):
            table[cp] = None
    return table


def normalize(text: str) -> str:
    """Return the comparison form of one post text.

    Parameters
    ----------
    text : str
        The raw text. ``None`` or a missing value gives ``""``.

    Returns
    -------
    str
        The normalised text (see the module docstring for the steps). Idempotent:
        ``normalize(normalize(t)) == normalize(t)``.

    Examples
    --------
    >>> normalize("Сви на протест у суботу! https://t.co/AbC")
    'svi na protest u subotu! <url>'
    >>> normalize("Të gjithë në shesh nesër @Filan")
    'te gjithe ne shesh neser @user'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    # The cheap membership tests skip the regular expressions on most texts.
    lowered = text.lower()
    if lowered.lstrip().startswith("rt"):
        text = _RT_PREFIX.sub("", text, count=1)
    if "http" in lowered or "www." in lowered or "t.co/" in lowered:
        text = _URL.sub(" " + URL_TOKEN + " ", text)
    if "@" in text:
        text = _MENTION.sub(MENTION_TOKEN, text)
    text = text.lower() if text.isascii() else text.casefold().translate(_table())
    return " ".join(text.split())


def normalize_series(s: pd.Series) -> pd.Series:
    """Normalise every text of a Series: the same result as :func:`normalize` on each, faster.

    Each distinct text is computed once (posts are often copies of each other: that is what
    coordination looks for). Distinct texts that are plain ASCII without ``&`` go through the same
    steps vectorised in Arrow (for them steps 1, 2 and 6-8 are the identity, apart from lower
    case); the others in batches (:func:`_normalize_many`). ``tests/test_text.py`` checks that
    every path agrees with :func:`normalize`.

    Parameters
    ----------
    s : pandas.Series
        Texts; missing values become ``""``.

    Returns
    -------
    pandas.Series
        Normalised texts (dtype ``string``) with the index of ``s``.
    """
    codes, uniques = pd.factorize(s.astype("string"), use_na_sentinel=True)
    arr = pa.array(uniques, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    # The forms of the distinct texts, assembled in Arrow: the plain ones, then the others, put back in place.
    fast = np.asarray(pc.and_(pc.string_is_ascii(arr), pc.invert(pc.match_substring_regex(arr, "&"))).to_numpy(zero_copy_only=False), dtype=bool)
    plain, rest = np.flatnonzero(fast), np.flatnonzero(~fast)
    parts = [_normalize_ascii(arr.filter(pa.array(fast))) if len(plain) else pa.array([], pa.large_string())]
    for at in range(0, len(rest), _BATCH):
        rows = rest[at : at + _BATCH]
        parts.append(_normalize_many(arr.take(pa.array(rows)).to_pylist()))
    parts.append(pa.array([""], type=pa.large_string()))  # the form of a missing text (code -1)
    where = np.empty(len(arr) + 1, dtype=np.int64)
    where[plain], where[rest], where[-1] = np.arange(len(plain)), len(plain) + np.arange(len(rest)), len(arr)
    forms = pa.concat_arrays(parts).take(pa.array(where))
    out = forms.take(pa.array(np.where(codes < 0, len(arr), codes)))
    return pd.Series(pd.arrays.ArrowStringArray(out), index=s.index, name=s.name)


_BATCH = 50_000


def _normalize_many(texts: list[str]) -> pa.Array:
    """:func:`normalize` of each text, its regular expressions run over the whole batch by RE2.

    Entities and NFKC text by text; then the retweet marker, URLs and mentions by RE2 through
    Arrow, with Python's ``\\s`` and ``\\w`` spelled out (:func:`_unicode_re2`); then case folding,
    the table and white space over the whole batch (:func:`_fold_batch`), text by text only for the
    few texts that it leaves to Python.
    """
    nfkc = unicodedata.normalize
    arr = pa.array([nfkc("NFKC", html.unescape(t) if "&" in t else t) for t in texts], type=pa.large_string())
    rt, url, mention = _unicode_re2()
    arr = pc.replace_substring_regex(arr, rt, "", max_replacements=1)
    arr = pc.replace_substring_regex(arr, url, f"\\1 {URL_TOKEN} ")
    arr = pc.replace_substring_regex(arr, mention, f"\\1{MENTION_TOKEN}")
    folded, left = _fold_batch(arr)
    if not left.any():
        return folded
    # The table maps non-ASCII characters only: on an ASCII text this is normalize()'s lower().
    table = _list_table()
    again = pa.array([" ".join(t.casefold().translate(table).split()) for t in arr.filter(pa.array(left)).to_pylist()], type=pa.large_string())
    return pc.replace_with_mask(folded, pa.array(left), again)


def _fold_batch(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """``" ".join(t.casefold().translate(table).split())`` of every text, on their code points by numpy.

    Case folding and the table act on each character alone (no context), so each character's result
    is looked up (:func:`_fold_tables`), white space of any kind becomes one space, and runs of
    spaces are then cut by Arrow. Returns the results and which texts hold a character this cannot
    decide (beyond the BMP and changed by the steps, or giving white space); their results are
    left to the caller. ``tests/test_text.py`` checks it against the Python steps.
    """
    lengths, replace, unsure = _fold_tables()
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = arr.buffers()[2]
    raw = b"" if data is None or not n else data.to_pybytes()[int(offsets[0]) : int(offsets[-1])]
    points = np.frombuffer(raw.decode("utf-8").encode("utf-32-le"), dtype="<u4")
    chars = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.asarray(pc.utf8_length(arr).to_numpy(zero_copy_only=False), dtype=np.int64), out=chars[1:])
    # Each character's row in the tables; a character beyond the BMP takes U+FFFF's (itself, one
    # character) and gets its own code point back below. Index arrays of the platform's integer,
    # made once: numpy would convert a uint32 index for every lookup.
    at_table = np.minimum(points, 0xFFFF).astype(np.intp)
    wide_at = np.flatnonzero(points >= 0x10000)
    hard_at = [np.flatnonzero(unsure.take(at_table))] if unsure.any() else []
    if len(wide_at):
        table = _list_table()
        wide = points[wide_at]
        for cp in np.unique(wide).tolist():
            ch = chr(cp)
            if ch.isspace() or ch.casefold().translate(table) != ch:
                hard_at.append(wide_at[wide == cp])
    size = lengths.take(at_table)
    ends = np.cumsum(size)
    # Each output character's source character (a character the table deletes gives none), and
    # which character of its result it is (0 but for the few results longer than one).
    source = np.repeat(at_table, size)
    if replace.shape[0] > 1 and len(source):
        longer = np.flatnonzero(size > 1)
        part = np.zeros(len(source), dtype=np.intp)
        for k in range(1, replace.shape[0]):
            hit = longer[size[longer] > k]
            part[ends[hit] - size[hit] + k] = k
        out = replace.ravel().take(part * 0x10000 + source)
    else:
        out = replace[0].take(source)
    out[ends[wide_at] - 1] = points[wide_at]
    # Back to UTF-8, with each text's byte offsets from its characters' results' UTF-8 lengths.
    utf8 = out.tobytes().decode("utf-32-le").encode("utf-8")
    nbytes = _fold_utf8_lengths().take(at_table)
    nbytes[wide_at] = 4
    byte_ends = np.zeros(len(points) + 1, dtype=np.int64)
    np.cumsum(nbytes, out=byte_ends[1:])
    folded = pa.LargeStringArray.from_buffers(n, pa.py_buffer(byte_ends[chars]), pa.py_buffer(utf8))
    folded = pc.utf8_trim(pc.replace_substring_regex(folded, " {2,}", " "), " ")
    left = np.zeros(n, dtype=bool)
    if hard_at:
        hard = np.concatenate(hard_at)
        if len(hard):
            left[np.searchsorted(chars, hard, side="right") - 1] = True
    return folded, left


@lru_cache(maxsize=1)
def _fold_utf8_lengths() -> np.ndarray:
    """How many UTF-8 bytes the result of each BMP character takes (:func:`_fold_tables`)."""
    lengths, replace, _ = _fold_tables()
    width = 1 + (replace >= 0x80).astype(np.int64) + (replace >= 0x800) + (replace >= 0x10000)
    width[np.arange(replace.shape[0])[:, None] >= lengths[None, :]] = 0
    return width.sum(axis=0).astype(np.int64)


@lru_cache(maxsize=1)
def _fold_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What case folding and the table make of each BMP character: ``(length, code points, unsure)``.

    ``code points[k, c]`` is the k-th character of the result for ``c`` (white space gives one
    space); ``unsure`` marks characters whose result holds white space (none in this Python's
    tables; such a text is left to Python).
    """
    table = _list_table()
    results: dict[int, str] = {}
    unsure = np.zeros(0x10000, dtype=bool)
    for cp in (*range(0xD800), *range(0xE000, 0x10000)):
        ch = chr(cp)
        if ch.isspace():
            results[cp] = " "
            continue
        got = ch.casefold().translate(table)
        if any(c.isspace() for c in got):
            unsure[cp] = True
        elif got != ch:
            results[cp] = got
    width = max((len(r) for r in results.values()), default=1)
    lengths = np.ones(0x10000, dtype=np.int64)
    replace = np.zeros((max(width, 1), 0x10000), dtype=np.uint32)
    replace[0] = np.arange(0x10000, dtype=np.uint32)
    for cp, got in results.items():
        lengths[cp] = len(got)
        replace[:, cp] = 0
        for k, c in enumerate(got):
            replace[k, cp] = ord(c)
    return lengths, replace, unsure


@lru_cache(maxsize=1)
def _list_table() -> list[int | str | None]:
    """:func:`_table` as a list indexed by code point (``str.translate`` reads it faster than a dict)."""
    table: list[int | str | None] = list(range(0x10000))
    for cp, dst in _table().items():
        table[cp] = dst
    return table  # code points beyond it raise IndexError: translate() leaves them as they are


@lru_cache(maxsize=1)
def _unicode_re2() -> tuple[str, str, str]:
    """``_RT_PREFIX``, ``_URL`` and ``_MENTION`` for RE2, on texts in any script.

    Python's ``\\s`` and ``\\w`` are spelled out as the code points they match in this Python
    (:func:`detector.posts.matching.python_class`); ``re.IGNORECASE`` applies to the letters only
    (``(?i:...)``: RE2 would fold the classes too); ``\\b`` before ``t.co`` and the look-behind of a
    mention become a consumed character put back by ``\\1``.
    """
    from detector.posts.matching import python_class

    space, word = python_class(r"\s"), python_class(r"\w")
    not_space, not_word = python_class(r"\s", negate=True), python_class(r"\w", negate=True)
    rt = f"^{space}*(?i:rt){space}+@{word}+{space}*:?{space}*"
    url = f"(?i:https?://|www\\.){not_space}+|(^|{not_word})(?i:t\\.co/){word}+"
    mention = "(^|" + python_class(r"\w", negate=True, extra="@") + f")@{word}+"
    return rt, url, mention


# The same steps as normalize() for ASCII text, in RE2 syntax. White space is spelled out: RE2's
# \s lacks \v and \x1c-\x1f, which Python's str.split() and re's \s both count as white space.
_A_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
_A_RT_PREFIX = rf"(?i)^{_A_SPACE}*rt{_A_SPACE}+@[A-Za-z0-9_]+{_A_SPACE}*:?{_A_SPACE}*"
_A_URL = r"(?i)(?:https?://|www\.)[^\t\n\x0b\x0c\r\x1c-\x1f ]+|\bt\.co/[A-Za-z0-9_]+"
# re's look-behind (?<![\w@]) becomes a captured preceding character, put back by \1.
_A_MENTION = r"(^|[^A-Za-z0-9_@])@[A-Za-z0-9_]+"


def _normalize_ascii(arr: pa.Array) -> pa.Array:
    arr = pc.replace_substring_regex(arr, _A_RT_PREFIX, "", max_replacements=1)
    arr = pc.replace_substring_regex(arr, _A_URL, f" {URL_TOKEN} ")
    arr = pc.replace_substring_regex(arr, _A_MENTION, rf"\1{MENTION_TOKEN}")
    arr = pc.ascii_lower(arr)
    # Runs of white space, and single white space characters other than the space, become one space
    # (a single space needs no replacing: far fewer replacements than _A_SPACE + "+").
    arr = pc.replace_substring_regex(arr, _A_SPACE + "{2,}|" + _A_SPACE.replace(" ]", "]"), " ")
    return pc.utf8_trim(arr, " ")
