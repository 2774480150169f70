"""Language of a post: from the input when it says, else detected by script and word lists.

This module owns :func:`detect_lang`, the language code that the posts output carries and that
sets the local time zone of the times a call names. Codes: ``sq`` (Albanian), ``sr`` (Serbian,
Latin script), ``sr-Cyrl`` (Serbian, Cyrillic script), ``bs``, ``hr``, ``mk``, ``ru``, ``uk``,
``bg``, ``en``, ``de``, and ``und`` when a text gives too little to tell.

Why not a statistical detector: lingua-language-detector was measured against this module on the
real posts of ``../shared/datasets/balkan-posts`` and IRA posts (EVALUATION.md, "Calls to
protest", language detection). The figures there decided it: the two agree on Albanian, English
and Serbian Cyrillic, lingua is no better at telling Serbian, Bosnian and Croatian apart (nobody
is, on a tweet: they are one language with three standards), and it costs seconds of cold start
and a large dependency. This module is pure Python, loads instantly, and runs vectorised.

How: the script decides first (Serbian Cyrillic letters ђ ћ џ љ њ ј give ``sr-Cyrl``;
Macedonian ѓ ќ ѕ give ``mk``; Russian ы э ъ ё or Russian function words give ``ru``). Latin text
is scored by counting distinctive function words and letters of each language (ë, ç and
"dhe/të/në/që/për/është" for Albanian; č ć š ž đ and "je/nije/što/šta/kao/ali" for
Serbian/Croatian/Bosnian; "the/and/you/of/is" for English). Serbian, Croatian and Bosnian are then
told apart only by a few marked words (Croatian "tko", "tjedan", month names; ijekavian forms
for Croatian and Bosnian), defaulting to ``sr``.

It never reads files.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CODES = ("sq", "sr", "sr-Cyrl", "bs", "hr", "mk", "ru", "uk", "bg", "en", "de", "und")

_SERBIAN_CYR = set("ђћџљњјЂЋЏЉЊЈ")
_MK_CYR = set("ѓќѕЃЌЅ")
_RU_CYR = set("ыэъёЫЭЪЁ")
# Letters that the Serbian Cyrillic alphabet does not have.
_NOT_SERBIAN_CYR = set("ьйыэъёщяюєіїґЬЙЫЭЪЁЩЯЮЄІЇҐ")
_UK_CYR = set("іїєґІЇЄҐ")

_WORDS = {
    "sq": set(
        "dhe të në që për është nuk një janë me se do ka kjo ky por nga më si edhe jam ju ne ti tij saj "
        "shumë mirë sot nesër tani duhet mund keni kemi jemi kur sepse ata tek te ne qe per eshte nje jane "
        "kete ket kete shume mire neser qysh osht asht veq najsen ma ni nje cka qka po qe un ku kush pak ska sdi jo "
        "dje kejt krejt edhe ishte jane janë tash tani mos mu me mua ty".split()
    ),
    "sh": set(
        "je i u na da se za su što šta sto sta nije ali od sam kao ili ako još jos bi smo ste kad kada sve "
        "samo ovo ono koji koja koje već vec može moze ne mi vi oni ja ti on ona treba bio bila danas sutra "
        "nema ima zašto zasto evo pa li jer".split()
    ),
    "en": set(
        "the and you of is to in for on that it with this are be at was have not your we they but from "
        "by will just all what so my me our if can do about who how when more would after his her new over "
        "get has he she their out up no an as or off was were been after first after game day us".split()
    ),
    "de": set("der die das und ist nicht ich sie mit den von zu auf für ein eine es auch wir".split()),
}
_LETTER_PATTERNS = {
    "sq": r"xh|dh|gj|ë|ç|\bq|q[aeiou]|\bnj|sh[ta]|\bt'|\bn'|ll[aeiou]",
    "en": r"th|wh|ing\b|tion|ou|ee|oo|\bw|ck\b|'s\b",
    "sh": r"ij|lj|dj|ć|č|š|ž|ovi\b|ski\b|ima\b|nja\b",
}
_HR = (
    r"(?:^|[^\pL])(?:tko|tjed\w*|siječ\w*|veljač\w*|ožuj\w*|travnj?\w*|svib\w*|lipanj|lipnja|srpanj|srpnja|kolovoz\w*|rujan|rujna"
    r"|listopad\w*|studen\w*|prosin\w*|sretan|sretno|hrvat\w*|zagreb\w*|kruh|tisuć\pL*|uvijek|vrijeme|ovdje|gdje|lijep\pL*|bijel\pL*|htio|jučer|kava|kavu)(?:[^\pL]|$)"
)
_BS = r"(?:^|[^\pL])(?:bosn\pL*|sarajev\pL*|bih|federacij\pL*|hnž|mostar\pL*|tuzl\pL*|zenic\pL*|hajde|bolan|jarane|šta je)(?:[^\pL]|$)"
_RU_WORDS = set("что это как не в с по так уже все если его только мы вы они был была или из для".split())
_BG_WORDS = set("е са съм във със това които който защото ще но от".split())
_SR_CYR_WORDS = set("је у и на да се за су што шта није али од сам као протест студенти".split())


def _alt(words: set[str]) -> str:
    return "(?:" + "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) + ")"


def _count(arr: pa.Array, pattern: str) -> np.ndarray:
    return pc.count_substring_regex(arr, pattern).to_numpy(zero_copy_only=False).astype(np.int64)


def _has(arr: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False).astype(bool)


def _chars(letters: set[str]) -> str:
    return "[" + "".join(sorted(letters)) + "]"


def _detect(values: list[object]) -> np.ndarray:
    """Language codes of distinct texts, vectorised in Arrow (RE2): one pass per cue, no Python loop."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=object)
    raw = pa.array([v[:400] if isinstance(v, str) else "" for v in values], type=pa.large_string())
    low = pc.utf8_lower(raw)
    # Every word between two spaces of its own, so that counting matches counts every word.
    spaced = pc.replace_substring_regex(pc.replace_substring_regex(low, r"[^\pL]+", "  "), r"^|$", "  ")
    out = np.full(n, "und", dtype=object)
    cyr = _count(raw, "[\u0400-\u04ff]")
    lat = _count(raw, "[A-Za-z\u00c0-\u024f]")
    # Cyrillic.
    c = cyr > lat
    sr_cyr, mk, uk, ru_l, not_sr = (_has(raw, _chars(x)) for x in (_SERBIAN_CYR, _MK_CYR, _UK_CYR, _RU_CYR, _NOT_SERBIAN_CYR))
    sr_w = _count(spaced, " " + _alt(_SR_CYR_WORDS) + " ")
    ru_w = _count(spaced, " " + _alt(_RU_WORDS) + " ")
    bg_w = _count(spaced, " " + _alt(_BG_WORDS) + " ")
    cyr_code = np.select(
        [sr_cyr, mk, uk, ru_l, ~not_sr, (sr_w > ru_w) & (sr_w >= bg_w), bg_w > ru_w],
        ["sr-Cyrl", "mk", "uk", "ru", "sr-Cyrl", "sr-Cyrl", "bg"],
        default="ru",
    )
    out[c] = cyr_code[c]
    # Latin: function words and letters of each language.
    latin = ~c & (lat > 0)
    keys = list(_WORDS)
    scores = np.vstack([_count(spaced, " " + _alt(_WORDS[k]) + " ") for k in keys]).T
    scores[:, keys.index("sq")] += 2 * _count(raw, "[ëçËÇ]")
    scores[:, keys.index("sh")] += 2 * _count(raw, "[čćšžđČĆŠŽĐ]")
    fallback = np.vstack([_count(low, _LETTER_PATTERNS[k]) if k in _LETTER_PATTERNS else np.zeros(n, np.int64) for k in keys]).T
    none = scores.max(axis=1) == 0
    scores[none] = fallback[none]
    best = np.array(keys, dtype=object)[scores.argmax(axis=1)]
    best[scores.max(axis=1) == 0] = "und"
    sh = latin & (best == "sh")
    hr = _has(low, _HR)
    bs = _has(low, _BS)
    ije = _has(spaced, " [\\pL]*ije[\\pL]* ") & ~_has(spaced, " (?:nije|sije[\\pL]*) ")
    ekav = _has(spaced, " (?:šta|sta|ko|deca|reka|lepo|vreme|ovde|gde|beograd[\\pL]*|srbij[\\pL]*) ")
    sh_code = np.select([hr, bs, ije & ~ekav], ["hr", "bs", "hr"], default="sr")
    best[sh] = sh_code[sh]
    out[latin] = best[latin]
    return out


def detect_lang(texts: pd.Series, given: pd.Series | None = None) -> pd.Series:
    """Language code of each text: the given one where present, else detected.

    Parameters
    ----------
    texts : Series of str
    given : Series of str, optional
        Languages from the input, aligned with ``texts``; blank or missing values are detected.

    Returns
    -------
    Series of str
        Codes from :data:`CODES` (or the given value), indexed like ``texts``.
    """
    texts = texts if isinstance(texts, pd.Series) else pd.Series(list(texts))
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    detected = np.append(_detect(list(uniques)), "und")
    out = pd.Series(detected[codes], index=texts.index, dtype="object", name="lang")
    if given is not None:
        g = given.reindex(texts.index) if len(given) != len(texts) else pd.Series(given.to_numpy(), index=texts.index)
        g = g.astype("object").where(g.notna() & (g.astype(str).str.strip() != ""), None)
        out = g.where(g.notna(), out)
    return out.astype("string")
