"""detector.posts.matching: RE2 through Arrow must decide exactly what Python ``regex`` decides, text by text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import regex

from detector.posts import call_cues, calls, extract, matching
from detector.posts import call_model as cm
from detector.posts.text import normalize_series

FIXTURES = Path(__file__).parent / "fixtures" / "posts"

# Every pattern the posts job searches with (lexicon, grammar, time and place patterns).
PATTERNS = {
    "EVENT": calls.EVENT, "INVITE": calls.INVITE, "ANNOUNCE": calls.ANNOUNCE, "TIME": calls.TIME, "PLACE": calls.PLACE,
    "URGENCY": calls.URGENCY, "WHEN_RX": extract.WHEN_RX, "PLACE_RX": extract.PLACE_RX, "TOWN_RX": extract.TOWN_RX,
    "CLOCK": cm._CLOCK_RX, **{f"grammar {k}": rx for k, rx in zip(cm.GRAMMAR, cm._GRAMMAR_RX, strict=True)},
    **{f"event kind {k}": rx for k, rx in extract._EVENT},
    **{f"cue {k}": rx for k, rx in call_cues.CONCEPTS.items()},
    **{f"exclusion {k}": rx for k, rx in call_cues.EXCLUSIONS.items()},
}  # fmt: skip

# Synthetic texts aimed at the places where RE2 and Python could part: the look-arounds dropped
# from the loose form ("in march 5" is the month), Unicode word characters next to a word
# ("protestя", "sutraë"), digits of other scripts, the start and end of the text, empty texts.
SYNTHETIC = [
    "we protest today", "in march 5", "march on!", "the march", "protestя", "sutraë u 18h", "protest", "",
    "all out for the rally", "we are all out tonight", "svi na protest sutra u 18h ispred skupstine",
    "nesër në orën ١٨", "neser ne oren 18 para bashkise", "tomorrow at 5pm in front of city hall", "5 mars 2019",
    "a 12 mars protest", "join us!", "joinus", "_join us", "come out... be there", "rt @user: come to the march",
    "ejani te gjithe ne shesh", "dodjite na trg", "gdp for the year ending march 2016 rose 2%", "koncert ne shesh",
    "parada u nedelju", "paradite", "live ne rtsh", "opozicija poziva gradjane", "5 mars ", "mars2019", "см. protest", "\u00a0protest\u00a0", "protest\ttoday", "haha :) lol",
    "who was there? yesterday they marched", "breaking: video", "12.30h", "at 18", "washington/dc", "novi sad, 17. maja",
    "ne mars 2019", "deri ne mars", "mars", "mars 2020", "mars5", "i mars", "protestni mars sutra", "le te dalim", "let's go", "t'gjithe",
]  # fmt: skip


def _texts() -> list[str]:
    real = pd.concat([pd.read_csv(FIXTURES / f)["content"] for f in ("ira_calls.csv", "ira_mariowoods_calls.csv")])
    real = pd.concat([real, pd.read_csv(FIXTURES / "flat_ferguson.csv")["text"]]).dropna()
    norm = normalize_series(real.astype("string")).astype(str).tolist()
    return norm + real.astype(str).tolist() + SYNTHETIC


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_decides_like_python_on_real_and_synthetic_texts(name: str) -> None:
    rx = PATTERNS[name]
    texts = _texts()
    expected = np.array([rx.search(t) is not None for t in texts])
    got = matching.search(texts, rx)
    assert got.dtype == bool
    assert [t for t, g, e in zip(texts, got, expected, strict=True) if g != e] == []
    assert not matching.re2_form(rx.pattern, int(rx.flags)).python_only


def test_written_out_verdicts() -> None:
    texts = ["we protest today", "in march 5", "march on!", "protestя", "the march", "", None]
    assert matching.search(texts, calls.EVENT).tolist() == [True, False, True, False, True, False, False]
    assert matching.search(pd.Series(["tomorrow at 18h", "at 5", "tomorrow5"]), extract.WHEN_RX).tolist() == [True, True, False]


def test_forms_exact_loose_and_python_only() -> None:
    # The lexicon's shape: look-arounds at the edges become consumed characters, exactly.
    form = matching.re2_form(calls.ANNOUNCE.pattern, int(calls.ANNOUNCE.flags))
    assert form.loose is None and form.exact.startswith("(?i)(?:^|[^\\w])(?:will take place|")
    # A look-behind inside an alternative is dropped: that alternative only narrows what Python reads.
    assert matching.re2_form(r"(?<!x)ab|cd\b") == matching.Re2Form(exact=r"(?:cd\b)", loose="(?:ab)")
    # Syntax RE2 reads otherwise or not at all, and flags it lacks, stay with Python.
    for pattern, flags in ((r"a{,3}", 0), (r"(a)\1", 0), (r"a*+", 0), (r"\p{Lu}x", 0), ("a$", regex.MULTILINE), ("(?x) a", 0)):
        assert matching.re2_form(pattern, flags).python_only, pattern


@pytest.mark.parametrize("pattern", [r"a{,3}b", r"(a)\1", r"(?<=\d)x", r"\bco-?op\b", r"[^\W\d]+ing\b", r"(?i)^rt\b"])
def test_python_only_and_loose_patterns_still_agree(pattern: str) -> None:
    rx = regex.compile(pattern)
    texts = ["aab", "aa", "1x", "x", "co-op", "coop", "walking", "9ing", "RT hi", "rt", "Ärt", "sing"]
    assert matching.search(texts, rx).tolist() == [rx.search(t) is not None for t in texts]


@pytest.mark.parametrize(("escape", "negate", "extra", "python"), [(r"\w", False, "", r"\w"), (r"\s", False, "", r"\s"), (r"\w", True, "@", r"[^\w@]"), (r"\s", True, "<>\"'", r"[^\s<>\"']")])
def test_python_class_matches_what_pythons_re_matches_in_every_code_point(escape: str, negate: bool, extra: str, python: str) -> None:
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    from detector.posts.matching import python_class

    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    by_re2 = pc.match_substring_regex(pa.array(every, type=pa.large_string()), "^" + python_class(escape, negate=negate, extra=extra) + "$").to_pylist()
    rx = re.compile(python)
    differ = [hex(ord(ch)) for ch, got in zip(every, by_re2, strict=True) if got != (rx.fullmatch(ch) is not None)]
    assert differ == []
