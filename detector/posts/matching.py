"""Searching many texts for one pattern at once: RE2 through Arrow, Python ``regex`` only where RE2 cannot decide.

This module owns *how* the posts job tests a million texts against the hand-written patterns of
:mod:`detector.posts.calls`, :mod:`detector.posts.call_model` and :mod:`detector.posts.extract`.
It never owns the patterns: they stay Python ``regex`` patterns where they are written, and
:func:`search` gives, for every text, exactly what ``pattern.search(text) is not None`` gives.

How (:func:`re2_form`): a pattern is split into its top-level alternatives, and the lexicon shape
``(?<!\\w)(?:a|b|c)(?!\\w)`` is distributed over its alternatives first. An alternative whose only
look-arounds are ``(?<!\\w)`` at its start and ``(?!\\w)`` at its end is rewritten for RE2 with
those look-arounds as consumed characters (``(?:^|[^\\w])`` and ``(?:[^\\w]|$)``), which decides
the same texts; these alternatives together form the *exact* RE2 pattern. Every other alternative
has its look-arounds dropped, which can only make it match more: together they form the *loose*
RE2 pattern, and Python ``regex`` confirms the texts it finds. RE2's ``\\w``, ``\\d``, ``\\s`` and
``\\b`` are ASCII, Python's are Unicode: the two agree on texts of printable ASCII only, so RE2
decides those (most normalised posts) and Python reads every other text. A pattern that RE2
cannot read, or whose flags or syntax mean something else in RE2, is searched by Python alone.
``tests/test_matching.py`` checks both paths against Python on every pattern of the project.

Where a pattern is rewritten for RE2 by hand (the URL, hashtag, retweet-marker and mention patterns
of :mod:`detector.posts.read` and :mod:`detector.posts.text`), :func:`python_class` spells out
Python's Unicode ``\\w`` and ``\\s`` as the code points they match in this Python, so that RE2
decides texts in any script exactly as Python would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Texts of printable ASCII only: there RE2 and Python agree on \w, \d, \s, \b and case.
PLAIN = r"^[\x20-\x7e]*$"
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_WORD_BEFORE, _WORD_AFTER = r"(?<!\w)", r"(?!\w)"
_RE2_BEFORE, _RE2_AFTER = r"(?:^|[^\w])", r"(?:[^\w]|$)"
# Escapes valid in both engines with another meaning, or Python-only: such a pattern stays Python's.
_UNSAFE_ESCAPES = set("123456789pPNXLQECzZGKmMhHg")
# Python flags (re and regex share their values) that RE2 spells the same way; anything else
# (multiline, dotall, verbose, ASCII, full case folding, regex's V1) keeps the pattern in Python.
_IGNORECASE, _UNICODE, _VERSION0 = 2, 32, 8192


@dataclass(frozen=True)
class Re2Form:
    """A Python pattern's RE2 forms, for texts of printable ASCII.

    ``exact`` decides by itself: a text matches it exactly when it matches those alternatives of
    the Python pattern. ``loose`` matches at least every text that the other alternatives match.
    Both ``None`` with ``python_only``: RE2 cannot stand in for this pattern at all.
    """

    exact: str | None
    loose: str | None
    python_only: bool = False


def _group_end(p: str, i: int) -> int:
    """Index just past the group that opens at ``p[i] == "("``."""
    depth = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(p, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced parenthesis")


def _class_end(p: str, i: int) -> int:
    """Index just past the character class that opens at ``p[i] == "["``."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p):
        if p[j] == "\\":
            j += 2
            continue
        if p[j] == "[":
            raise ValueError("nested character class")
        if p[j] == "]":
            return j + 1
        j += 1
    raise ValueError("unterminated character class")


def _check(p: str) -> None:
    """Raise ValueError on syntax that RE2 reads differently from Python or not at all."""
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            if p[i + 1 : i + 2] in _UNSAFE_ESCAPES:
                raise ValueError(f"escape \\{p[i + 1]}")
            i += 2
            continue
        if c == "[":
            end = _class_end(p, i)
            if "\\b" in p[i:end]:
                raise ValueError("class with \\b")
            i = end
            continue
        if c == "{" and not re.match(r"\{\d+(?:,\d*)?\}", p[i:]):
            raise ValueError("brace that is not a counted repetition")
        if c == "(" and p.startswith("(?", i):
            rest = p[i + 2 : i + 4]
            if not (rest.startswith((":", "=", "!", "<=", "<!", "P<")) or re.match(r"[i]+[:)]", p[i + 2 :])):
                raise ValueError(f"group {p[i : i + 4]}")
        i += 1


def _split(p: str) -> list[str]:
    """Top-level alternatives of ``p``."""
    out, start, i = [], 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
        elif c == "[":
            i = _class_end(p, i)
        elif c == "(":
            i = _group_end(p, i)
        elif c == "|":
            out.append(p[start:i])
            start = i = i + 1
        else:
            i += 1
    out.append(p[start:])
    return out


def _distribute(alt: str) -> list[str]:
    """``(?<!\\w)(?:a|b)(?!\\w)`` -> ``[(?<!\\w)a(?!\\w), (?<!\\w)b(?!\\w)]``; other alternatives unchanged."""
    if alt.startswith(_WORD_BEFORE + "(?:") and alt.endswith(_WORD_AFTER):
        body_start = len(_WORD_BEFORE)
        body_end = _group_end(alt, body_start)
        if body_end == len(alt) - len(_WORD_AFTER):
            return [_WORD_BEFORE + a + _WORD_AFTER for a in _split(alt[body_start + 3 : body_end - 1])]
    return [alt]


def _drop_lookarounds(p: str) -> tuple[str, bool]:
    """``p`` without its look-around groups, and whether there were any."""
    out, i, dropped = [], 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            out.append(p[i : i + 2])
            i += 2
        elif c == "[":
            end = _class_end(p, i)
            out.append(p[i:end])
            i = end
        elif c == "(" and p.startswith(_LOOKAROUND, i):
            i = _group_end(p, i)
            dropped = True
            # A quantifier on a look-around (legal in Python) has nothing left to repeat.
            m = re.match(r"(?:[?*+]|\{\d+(?:,\d*)?\})\??", p[i:])
            if m:
                i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out), dropped


def _global_flags(p: str, flags: int) -> tuple[str, int]:
    """Move leading inline global flags ``(?i)`` into ``flags``."""
    m = re.match(r"\(\?([a-zA-Z]+)\)", p)
    while m:
        for letter in m.group(1):
            flags |= {"i": _IGNORECASE, "u": _UNICODE}.get(letter, 1 << 30)
        p = p[m.end() :]
        m = re.match(r"\(\?([a-zA-Z]+)\)", p)
    return p, flags


@lru_cache(maxsize=512)
def re2_form(pattern: str, flags: int = 0) -> Re2Form:
    """The RE2 forms of a Python ``re``/``regex`` pattern (see the module docstring)."""
    try:
        p, flags = _global_flags(pattern, flags)
        if flags & ~(_IGNORECASE | _UNICODE | _VERSION0):
            raise ValueError("flags")
        if re.search(r"\(\?[a-zA-Z]+\)", p):
            raise ValueError("inline global flags inside the pattern")
        _check(p)
        # (loose?, head, tail) -> bodies: alternatives with the same edges share them again.
        parts: dict[tuple[bool, str, str], list[str]] = {}
        for alt in (a for top in _split(p) for a in _distribute(top)):
            head = _RE2_BEFORE if alt.startswith(_WORD_BEFORE) else ""
            body = alt[len(_WORD_BEFORE) :] if head else alt
            tail = _RE2_AFTER if body.endswith(_WORD_AFTER) and not body.endswith("\\" + _WORD_AFTER) else ""
            body = body[: -len(_WORD_AFTER)] if tail else body
            body, dropped = _drop_lookarounds(body)
            parts.setdefault((dropped, head, tail), []).append(body)
    except (ValueError, IndexError):
        return Re2Form(None, None, python_only=True)
    prefix = "(?i)" if flags & _IGNORECASE else ""
    joined = {
        kind: "|".join(f"{head}(?:{'|'.join(bodies)}){tail}" for (loose, head, tail), bodies in parts.items() if loose == kind)
        for kind in (False, True)
    }
    form = Re2Form(prefix + joined[False] if joined[False] else None, prefix + joined[True] if joined[True] else None)
    probe = pa.array(["probe"], type=pa.large_string())
    try:
        for rx in (form.exact, form.loose):
            if rx is not None:
                pc.match_substring_regex(probe, rx)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return Re2Form(None, None, python_only=True)
    return form


def as_arrow(texts: Any) -> pa.LargeStringArray:
    """Texts (Series, list or Arrow array; missing values as empty texts) as one Arrow large_string array."""
    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        arr = texts.cast(pa.large_string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return pc.fill_null(arr, "")
    if isinstance(texts, pd.Series):
        values = texts.astype(object).where(texts.notna(), "").to_numpy(dtype=object)
    else:
        values = np.asarray(["" if t is None else t for t in texts], dtype=object)
    return pa.array(values, type=pa.large_string())


def _bools(a: pa.Array) -> np.ndarray:
    return a.to_numpy(zero_copy_only=False).astype(bool)


class Texts:
    """Many texts ready to be searched: the Arrow array, which rows are plain ASCII, Python strings on demand."""

    def __init__(self, texts: Any) -> None:
        self.arr = as_arrow(texts)
        self.plain = _bools(pc.match_substring_regex(self.arr, PLAIN)) if len(self.arr) else np.zeros(0, dtype=bool)
        self._py: list[str] | None = None

    def __len__(self) -> int:
        return len(self.arr)

    def strings(self, rows: np.ndarray) -> list[str]:
        """The Python strings of ``rows``."""
        if self._py is not None:
            return [self._py[i] for i in rows]
        if len(rows) > len(self.arr) // 4:
            self._py = self.arr.to_pylist()
            return [self._py[i] for i in rows]
        return self.arr.take(pa.array(rows, type=pa.int64())).to_pylist()

    def search(self, pattern: Any) -> np.ndarray:
        """``pattern.search(t) is not None`` for every text ``t`` (a compiled ``re``/``regex`` pattern)."""
        n = len(self.arr)
        out = np.zeros(n, dtype=bool)
        if n == 0:
            return out
        form = re2_form(pattern.pattern, int(pattern.flags))
        if form.python_only:
            check = np.arange(n)
        else:
            if form.exact is not None:
                out = _bools(pc.match_substring_regex(self.arr, form.exact)) & self.plain
            maybe = ~self.plain
            if form.loose is not None:
                maybe |= _bools(pc.match_substring_regex(self.arr, form.loose)) & ~out
            check = np.flatnonzero(maybe)
        if len(check):
            out[check] = [pattern.search(t) is not None for t in self.strings(check)]
        return out


def search(texts: Any, pattern: Any) -> np.ndarray:
    """``pattern.search(t) is not None`` for every text of ``texts`` (see :class:`Texts`)."""
    return Texts(texts).search(pattern)


@cache
def python_class(escape: str, *, negate: bool = False, extra: str = "") -> str:
    r"""An RE2 character class of exactly the characters Python's ``re`` escape ``escape`` (``\w``
    or ``\s``) matches, with the characters of ``extra`` added, or (``negate``) of all the others.

    RE2's ``\w`` and ``\s`` are ASCII; Python's are Unicode, by this interpreter's Unicode tables.
    The class lists the code points themselves, found by running Python's own ``re`` over every
    code point once (about 50 ms per escape), so the two engines agree on texts in any script, and
    a newer Python with newer tables stays in step. Surrogates are left out: Arrow text never holds them.
    ``python_class(r"\w", negate=True, extra="@")`` is Python's ``[^\w@]``.

    >>> python_class(r"\s")
    '[\\x{9}-\\x{d}\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}-\\x{2029}\\x{202f}\\x{205f}\\x{3000}]'
    """
    points, member = _python_members(escape)
    if extra:
        member = member | np.isin(points, [ord(c) for c in extra])
    if negate:
        member = ~member
    cps = points[member].astype(np.int64)
    cut = np.flatnonzero(np.diff(cps) != 1) + 1
    starts, ends = cps[np.r_[0, cut]].tolist(), cps[np.r_[cut - 1, len(cps) - 1]].tolist()
    return "[" + "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in zip(starts, ends, strict=True)) + "]"


@cache
def _python_members(escape: str) -> tuple[np.ndarray, np.ndarray]:
    """Every code point but the surrogates, and which of them Python's ``re`` matches with ``escape``."""
    if escape not in (r"\w", r"\s"):
        raise ValueError(f"python_class reads \\w or \\s, not {escape!r}")
    points = np.r_[np.arange(0xD800, dtype="<u4"), np.arange(0xE000, 0x110000, dtype="<u4")]
    every = points.tobytes().decode("utf-32-le")
    member = np.zeros(len(points), dtype=bool)
    for m in re.finditer(escape + "+", every):
        member[m.start() : m.end()] = True
    return points, member


def python_space() -> str:
    """Every character Python's ``str.split()``, ``str.strip()`` and ``re``'s ``\\s`` count as white space."""
    points, member = _python_members(r"\s")
    return "".join(map(chr, points[member].tolist()))
