"""Message features and post scoring: which posts call people out, and how suspicious each post is.

This module owns two things.

1. **Calls to action.** Hand-written lexicons for English, Serbian (Cyrillic and Latin) and Albanian
   find the parts of a mobilising message: an *event* (protest, rally, marš/марш, tubim, skup…), an
   *invitation* (join us, dođite, ejani, dilni…) or an *announcement* (scheduled for, održaće se,
   do të mbahet…), a *time* (tomorrow, sutra u 18h, nesër në ora 18, this Saturday, Nov. 5) and a
   *place* (in front of, ispred Skupštine, para Bashkisë, city hall…). Matching runs on
   :func:`detector.posts.text.normalize` output, so Serbian Cyrillic and Latin, and text typed without
   diacritics, share one lexicon. A post *is a call to action* when it names an event and either
   invites, announces, or gives both a time and a place; a news report that merely mentions a
   protest ("Police deploy tear gas on protesters") is not one.

   The lexicon is the fallback and a part of the trained classifier: :func:`score_calls` (the
   batch API the posts job uses) scores calls with :mod:`detector.posts.call_model`, whose
   features include the lexicon's parts, and extracts what, when and where with
   :mod:`detector.posts.extract`. EVALUATION.md ("Calls to protest") compares the two on
   hand-labelled real posts in Albanian, Serbian (both scripts) and English.

2. **Post scores.** A documented rule, not a trained model (EVALUATION.md, "Post scoring", shows why
   a model trained on IRA-versus-PHEME posts learns the collections, not inauthenticity). Each post
   gets evidence in [0, 1] from independent sources, combined by a weighted noisy-OR::

       score = 1 - (1 - A) (1 - 0.70 C) (1 - 0.40 T) (1 - 0.30 B) (1 - 0.25 M)

   A = the author's account score a from the account model, as its excess over even odds,
   ``max(0, 2a - 1)``: a calibrated 0.5 means the model cannot tell, so it adds nothing, and a
   score below 0.5 adds no suspicion (:func:`author_evidence`). A is 0 when no profile is known, and
   when the profile is too sparse for a verdict (the IRA CSV's two counts, say: the model keeps such
   a score near 0.5 *because* it cannot rank the profile). Its weight is 1, so that A alone reaches
   "suspicious" (0.6) exactly where the account model labels the author ``suspicious`` (a >= 0.8:
   2 x 0.8 - 1 = 0.6): a post by an account the model calls suspicious is a suspicious post;
   C = coordination: the author's ``coordination_score`` from :mod:`detector.posts.coordination` (which
   grows only when the same accounts act together repeatedly) when the post is in a cluster, half
   of it when the post itself is in none;
   T = templating: ``1 - exp(-r / 3)`` for r other posts by the same author with the same text
   (addressees and links aside, at least 5 words) within ±24 hours, weight 0.40;
   B = the author's burst around the post: ``1 - exp(-k / 10)`` for k other posts by the same author
   within ±``burst_window`` (default 1 hour);
   M = the message: ``0.5 * call strength + 0.3 * urgency + 0.2 * has a link``.

   The message term alone reaches at most 0.25, under the "uncertain" threshold: calling people to
   a protest is legitimate speech, so it makes a post *matter*, never makes it *suspicious* by itself.
   No single source other than an account score the account model labels ``suspicious`` (>= 0.8) or a
   very high coordination score (>= 0.86) reaches "suspicious" alone. Labels: ``suspicious`` when score >= 0.60, ``uncertain`` when >= 0.30,
   else ``likely-genuine`` — but only when the account model calls the author likely-genuine (account
   score below 0.2, its own threshold): without a profile, with one too sparse for a verdict, or with
   an uncertain account score, a low score means "no evidence found", and the label stays
   ``uncertain``. A post is never more genuine than its author.

It never reads files and never trains anything.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import regex

from detector import progress
from detector.errors import ModelError
from detector.posts.call_cues import SERBIAN_MARCH
from detector.posts.text import normalize_series

log = logging.getLogger(__name__)

SUSPICIOUS = 0.60
UNCERTAIN = 0.30
# The account model's likely-genuine threshold (accounts.model.THRESHOLDS; a test keeps them equal):
# a post is likely-genuine only when its author is.
GENUINE_AUTHOR = 0.20
WEIGHTS = {"author": 1.0, "coordination": 0.70, "template": 0.40, "burst": 0.30, "message": 0.25}
BURST_SCALE = 10.0
TEMPLATE_SCALE = 3.0
TEMPLATE_WINDOW = pd.Timedelta("24h")
MIN_TEMPLATE_WORDS = 5
DEFAULT_BURST_WINDOW = pd.Timedelta("1h")
# The reason of a post that came without an author id.
NO_AUTHOR = "no author id: scored for its text only (no profile, no burst, cannot join coordination)"


def _rx(*alternatives: str) -> regex.Pattern[str]:
    return regex.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags=regex.IGNORECASE)


# Lexicons are written in normalised form: lower case, Latin script, no diacritics
# (Serbian "dođite" -> "dodjite", "марш" -> "mars", Albanian "nesër" -> "neser").
EVENT = _rx(
    # English
    r"protest(?:s|ers?|ing|ed)?", r"rall(?:y|ies)",
    # "march", but not the month ("in March", "March 1", "through March")
    r"(?<!(?:\d|through|in|of|since|until|till|by|early|late|mid|from|to|last|next)\s)march(?:es|ing)?(?!\s\d)", r"demonstrations?", r"demo",
    r"sit-?ins?", r"vigils?", r"walk-?outs?", r"strikes?", r"boycotts?", r"blockades?",
    r"picket(?:s|ing)?", r"flash ?mob", r"gatherings?", r"town ?hall meeting",
    # Serbian (Latin and transliterated Cyrillic); "mars" next to a day number, a year or an Albanian
    # word that goes before a month is the Albanian month (call_cues.SERBIAN_MARCH)
    r"protest(?:a|u|om|i|e|ima|na|ni|no)?", r"skup(?:a|u|om|ovi|ove|ova)?",
    SERBIAN_MARCH, r"demonstracij\w*", r"okupljanj\w*", r"strajk\w*",
    r"blokad\w*", r"protestn\w* setnj\w*", r"setnj[aeu]",
    # Albanian
    r"proteste?", r"protesta(?:t|n)?", r"tubim\w*", r"marshim\w*", r"demonstrat\w*", r"grev\w*",
    r"bojkot\w*", r"okupim\w*",
    # "we protest / we march" and "the march (of)"; not "mars", the month
    r"protestoj(?:me|m|ne|ni)", r"marsh(?:i|in|it|ojme|ojm)", r"manifestim(?:i|in|it)?",
    # Session 11, Kosovo: the barricades of North Kosovo (Albanian "barrikadë", Serbian "barikada")
    r"barrikad\w*", r"barikad\w*",
    # Russian, for the IRA data (митинг)
    r"miting\w*",
)
INVITE = _rx(
    # English
    r"join (?:us|the|our|in)", r"come (?:out|join|and|to|down|along)", r"be there", r"show up (?:for|at|to) (?:the|our|this)",
    r"(?:stand|march|walk|rally) with us", r"let'?s (?:go|march|rally|protest|meet|show|stand|take)",
    r"let'?s take to the streets?", r"take to the streets? (?:on|this|tomorrow|today|tonight|at)", r"(?:like|want) to (?:participate|join|attend|come|take part)", r"participate in (?:our|this|the upcoming)",
    r"(?:are|would) you (?:be )?interested", r"interested in (?:coming|joining|attending|participating)",
    r"rsvp", r"spread the word", r"see you (?:there|at|on|tomorrow|tonight)", r"don'?t miss",
    r"we need (?:you|everyone)", r"(?<!are )all out (?:for|to|on|at|tomorrow|today|tonight)", r"meet (?:us|at|in front)", r"bring (?:your|a|friends|signs)",
    # Serbian
    r"dod(?:j)?ite", r"dod(?:j)?i", r"dolazite", r"pridruzite se", r"pridruzi se", r"izad(?:j)?ite",
    r"izad(?:j)?imo", r"vidimo se", r"budite (?:tu|tamo|na|uz)", r"svi na (?:ulice|ulicu|trg|skup|protest)",
    r"okupimo se", r"okupite se", r"pozivamo", r"poziv na", r"ne propustite", r"krenimo", r"ajmo",
    r"hajde(?:mo)?", r"podrzite",
    # Albanian
    r"ejani", r"eja", r"dilni", r"te dalim", r"dalim", r"bashkohuni", r"bashkohu", r"shihemi",
    r"ju ftojme", r"ftojme", r"te mblidhemi", r"mblidhemi", r"merrni pjese", r"mos mungoni",
    r"hajdeni", r"ngrihuni",
    # "everyone in/to …", "join (the citizens)", "we await you", "don't miss", "let us rise", "we meet"
    r"te gjithe (?:ne|n|bashke|te bashkuar)", r"bashkojuni", r"na u bashko\w*", r"ju (?:mire)?presim", r"mos mungo",
    r"te ngrihemi", r"ngrihemi", r"takohemi", r"te jeni prezent\w*", r"eja dhe ti",
    # Session 11, Gheg (Kosovo, North Macedonia): "t'" for "të", the infinitive "me" + participle, "hajt"
    r"t'u dalim", r"t'dalim", r"t'bashkohemi", r"t'mblidhemi", r"t'shkojme", r"hajt", r"ju pritim", r"ju ftoj",
    r"me u bashku(?:e|ar|em)", r"me dal(?:e)? (?:ne|n'\w+)",
    # Session 11, Kosovo Serbian: everyone to the bridge, the barricades, a crossing
    r"svi na (?:most|barikade|jarinj\w*|gazimestan|blokad\w*)",
    # Russian
    r"prihodite", r"prisoedinjajtes\w*", r"vyhodite",
)
ANNOUNCE = _rx(
    r"will take place", r"takes place", r"(?:we'?re|we are) (?:organi[sz]ing|holding|hosting|planning)", r"scheduled (?:for|on)", r"is planned", r"(?:starts|begins) at",
    r"odrzace se", r"odrzava se", r"bice odrzan\w*", r"zakazan\w*", r"pocinje u",
    r"do te mbahet", r"mbahet", r"fillon ne",
    r"sostoitsja",
)
_DAYS_EN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTHS_EN = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MONTHS_SR = r"(?:januar|februar|mart|april|maj|jun|jul|avgust|septembar|oktobar|novembar|decembar)\w*"
_MONTHS_SQ = r"(?:janar|shkurt|mars|prill|maj|qershor|korrik|gusht|shtator|tetor|nentor|dhjetor)\w*"
TIME = _rx(
    # English
    r"today", r"tonight", r"tomorrow", r"this (?:weekend|week|evening|afternoon|morning)",
    rf"(?:this|on|next|every) {_DAYS_EN}", _DAYS_EN, r"noon", r"midnight",
    rf"{_MONTHS_EN} \d{{1,2}}(?:st|nd|rd|th)?", rf"\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTHS_EN}",
    r"(?:at )?\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)", r"at \d{1,2}(?::\d{2})?",
    r"\d{1,2}[:.]\d{2}(?:h| ?casova| ?sati)?", r"\d{1,2} ?(?:h|c|casova|sati)",
    # Serbian
    r"danas", r"veceras", r"sutra", r"prekosutra", r"u \d{1,2}",
    r"(?:u|ove|ovog|ove|sledece|iduce) (?:ponedeljak|utorak|sred[ua]|cetvrtak|petak|subot[ue]|nedel?j[ue]|vikend)",
    rf"\d{{1,2}}\.? {_MONTHS_SR}",
    # Albanian
    r"sot", r"sonte", r"neser", r"pasneser", r"(?:ne )?ora \d{1,2}",
    r"(?:te|kete|ete) (?:hene|marte|merkure|enjte|premte|shtune|diele|fundjave)n?",
    # Session 11, Gheg: "nesre", "n'orën 18", "t'shtunën"
    r"nesre", r"pasnesre", r"(?:ne |n')or[ae]n? \d{1,2}", r"t'(?:hene|marte|merkure|enjte|premte|shtune|diele|fundjave)n?",
    rf"\d{{1,2}} {_MONTHS_SQ}",
    # Russian dates in the IRA data ("12 dekabrja")
    r"zavtra", r"segodnja", r"\d{1,2} (?:janvarja|fevralja|marta|aprelja|maja|ijunja|ijulja|avgusta|sentjabrja|oktjabrja|nojabrja|dekabrja)",
)
PLACE = _rx(
    # English
    r"in front of", r"outside (?:the|of)", r"city hall", r"town hall", r"downtown", r"courthouse",
    r"capitol", r"statehouse", r"state house", r"white house",
    r"(?:at|in|to) (?:the )?(?:\w+ ){0,2}(?:square|park|plaza|bridge|embassy|station|campus|church|center|centre|memorial)",
    r"\d+ \w+ (?:st|street|ave|avenue|blvd|boulevard|road|rd)",
    # Serbian
    r"ispred", r"na trgu", r"trg\w*", r"na mostu", r"kod (?:mosta|spomenika|skupstine|opstine|predsednistva|vlade|suda|crkve|fontane)",
    r"skupstin\w*", r"opstin\w*", r"predsednistv\w*", r"spomenik\w*", r"plato\w*", r"u centru", r"centar grada",
    # Albanian
    r"(?:para|perpara|te|tek|ne) (?:bashki\w*|kuvend\w*|qeveri\w*|shesh\w*|ur[aeë]\w*|godin\w*|ministri\w*|parlament\w*|prefektur\w*|komun\w*)",
    r"sheshi?\w*", r"ne qender", r"qendra e qytetit",
    # Session 11, Gheg "n'" (in/to) before the same nouns; Kosovo's gathering places and the North Kosovo
    # municipalities that extract.TOWN_RX does not know (it knows Prishtina, Mitrovica, Prizren, Peja ...)
    r"n'(?:bashki\w*|kuvend\w*|qeveri\w*|shesh\w*|ur[ae]\w*|komun\w*|qender|rrug\w*)",
    r"ur(?:a|en|es) e ibrit", r"most(?:u|a)? na ibru", r"ibarsk\w* most\w*", r"gazimestan\w*", r"jarinj\w*",
    r"zvecan\w*", r"leposaviq\w*", r"leposavic\w*", r"zubin potok\w*", r"gracanic\w*",
    r"(?:sheshi?\w*|bulevard\w*) (?:zahir pajaziti|nena tereze|adem jashari)", r"spomenik\w* knezu lazaru",
    # Russian
    r"na ploscadi",
)
# Urgency is time pressure (now, urgently, immediately, must, last chance, don't wait). Addressing everyone ("everyone",
# "svi", "svima", "të gjithë", "vse") is not: "Dobar dan svima" is a greeting (session 12, h72, dropped them).
_URGENCY_WORDS = (
    r"now", r"right now", r"urgent\w*", r"breaking", r"asap", r"immediately",
    r"must", r"last chance", r"before it'?s too late", r"don'?t wait", r"act now",
    r"hitno", r"odmah", r"sada", r"moramo", r"morate", r"poslednja sansa",
    r"urgjent\w*", r"menjehere", r"tani", r"duhet", r"e fundit",
    r"srocno",
)
URGENCY = _rx(*_URGENCY_WORDS)
# The same words for pyarrow's RE2 (vectorised counting): every alternative starts and ends with a
# word character, so ``\b`` stands for the look-arounds of :func:`_rx` (RE2's ``\b`` is ASCII;
# normalised text is Latin without diacritics).
_URGENCY_RE2 = r"(?i)\b(?:" + "|".join(_URGENCY_WORDS) + r")\b"

FEATURE_COLUMNS = [
    "cta_event", "cta_invite", "cta_announce", "cta_time", "cta_place", "call_to_action",
    "call_strength", "urgency", "n_urls", "n_hashtags", "is_repost", "is_reply", "burst", "self_repeats",
]


def message_features(
    posts: pd.DataFrame, *, burst_window: pd.Timedelta = DEFAULT_BURST_WINDOW, calls: pd.DataFrame | None = None, normalised: pd.Series | None = None
) -> pd.DataFrame:
    """Compute the message features of each post (one row per post, same order).

    Whether a post is a call to action is the trained classifier's verdict (:func:`score_calls`);
    the call strength is 0.5 for a call plus 0.25 each for a time and a place it names. The
    lexicon's parts (``cta_*``) are looked up on the calls only.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (:data:`detector.schema.POST_COLUMNS`).
    burst_window : Timedelta
        Half-width of the window in which the author's other posts are counted.
    calls : DataFrame, optional
        :func:`score_calls` of the posts, in order (computed when not given).
    normalised : Series of str, optional
        :func:`detector.posts.text.normalize_series` of the posts' texts, in order (computed when
        not given).

    Returns
    -------
    DataFrame
        :data:`FEATURE_COLUMNS`, indexed like ``posts``.
    """
    text = pa.array(posts["text"].astype("string").fillna(""), type=pa.large_string())
    raw = posts["text"].astype("string").fillna("")
    norm = normalize_series(raw) if normalised is None else pd.Series(normalised.array, index=posts.index, dtype="string")
    if calls is None:
        calls = score_calls(raw, posts["created_at"], posts["lang"], normalised=norm)
    out = _call_parts(norm, calls)
    out.index = posts.index
    norm_a = pa.array(norm.astype("string"), type=pa.large_string())
    bangs = np.minimum(_counts(pc.count_substring(text, "!")), 3) / 3
    n_letters, n_capitals = _letters_and_capitals(text)
    letters = n_letters.astype(float)
    caps = n_capitals.astype(float) / np.maximum(letters, 1.0)
    words = _counts(pc.count_substring_regex(norm_a, _URGENCY_RE2))
    out["urgency"] = np.clip(words / 2 + 0.5 * bangs + np.where(caps > 0.6, 0.3, 0.0), 0, 1)
    out["n_urls"] = _count_words(posts["urls"])
    out["n_hashtags"] = _count_words(posts["hashtags"])
    out["is_repost"] = posts["repost_of"].notna().to_numpy()
    out["is_reply"] = posts["reply_to"].notna().to_numpy()
    out["burst"] = author_burst(posts, burst_window)
    # The same message sent again and again by one account (addressee and link aside) is a template.
    # Words only: mentions, links and everything that is not a letter, digit or mark go.
    bare = pc.utf8_trim(pc.replace_substring_regex(norm_a, _TEMPLATE_GAPS, " "), " ")
    author = pd.factorize(posts["author_id"].astype("string"), use_na_sentinel=True)[0].astype("int64")
    message = pd.factorize(pd.Series(bare.to_pandas(types_mapper=pd.ArrowDtype)))[0].astype("int64")
    keys = np.where(author >= 0, author * (int(message.max(initial=0)) + 1) + message, -1 - np.arange(len(author)))
    repeats = _neighbours(keys, posts["created_at"], TEMPLATE_WINDOW)
    # Normalised text has single spaces between words and none at either end.
    n_words = _counts(pc.count_substring(norm_a, " ")) + (_counts(pc.utf8_length(norm_a)) > 0)
    out["self_repeats"] = np.where(n_words >= MIN_TEMPLATE_WORDS, repeats, 0)
    return out[FEATURE_COLUMNS]


# The gaps between a template's words: runs of mentions, links and anything that is not a letter,
# digit, mark or "_" (TEMPLATE_GAP). A run that is a single space is left alone (replacing it by a
# space changes nothing, and most gaps are one): the same result with far fewer replacements.
TEMPLATE_GAP = r"(?:@user|<url>|[^\p{L}\p{N}\p{M}_])+"
_GAP_PART, _GAP_NOT_SPACE = r"(?:@user|<url>|[^\p{L}\p{N}\p{M}_])", r"(?:@user|<url>|[^\p{L}\p{N}\p{M}_ ])"
_TEMPLATE_GAPS = rf" ?{_GAP_NOT_SPACE}{_GAP_PART}*|  {_GAP_PART}*"

# Python's str.split() white space: RE2's \s, \v, the Unicode space separators and \x1c-\x1f, \x85.
_WORD_RE2 = r"[^\s\x0b\x1c-\x1f\x{85}\p{Z}]+"


def _counts(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, 0).to_numpy(zero_copy_only=False), dtype="int64")


def _call_parts(norm: pd.Series, calls: pd.DataFrame) -> pd.DataFrame:
    """The ``cta_*`` columns, ``call_to_action`` and ``call_strength`` from the classifier's calls."""
    n = len(norm)
    is_call = np.asarray(calls["is_call"].fillna(False).to_numpy(), dtype=bool)
    out = pd.DataFrame({c: np.zeros(n, dtype=bool) for c in ("cta_event", "cta_invite", "cta_announce", "cta_time", "cta_place")})
    if is_call.any():
        lex = call_features(norm[is_call], normalised=True)
        for col in ("cta_event", "cta_invite", "cta_announce"):
            out.loc[is_call, col] = lex[col].to_numpy()

        def named(col: str) -> np.ndarray:
            return np.asarray(calls[col].astype("string").fillna("").str.strip().ne("").to_numpy(), dtype=bool)

        out["cta_event"] |= is_call & named("event")
        out["cta_time"] = is_call & named("when")
        out["cta_place"] = is_call & named("where")
    out["call_to_action"] = is_call
    out["call_strength"] = np.where(is_call, 0.5 + 0.25 * out["cta_time"] + 0.25 * out["cta_place"], 0.0)
    return out


# Latin and Russian/Serbian Cyrillic letters as the urgency cue counts them: [A-Za-zА-Яа-я] and,
# of those, the capitals [A-ZА-Я] (Ё/ё and other letters are outside both, as in the regex it replaces).
_LATIN_LETTER = np.zeros(256, dtype=np.uint8)
_LATIN_LETTER[[*range(0x41, 0x5B), *range(0x61, 0x7B)]] = 1
_LATIN_CAPITAL = np.zeros(256, dtype=np.uint8)
_LATIN_CAPITAL[0x41:0x5B] = 1
_LETTER_AND_CAPITAL = _LATIN_LETTER.astype(np.int64) + (_LATIN_CAPITAL.astype(np.int64) << 32)


def _letters_and_capitals(text: pa.Array, chunk: int = 1 << 17) -> tuple[np.ndarray, np.ndarray]:
    """Characters of each text in ``[A-Za-zА-Яа-я]`` and in ``[A-ZА-Я]``, counted on the UTF-8 bytes.

    An ASCII letter is one byte; a Cyrillic one is two, whose lead byte is 0xD0 or 0xD1 (never a
    continuation byte), so each is counted once at its lead: А-Я is D0 90-AF, а-п D0 B0-BF, р-я
    D1 80-8F. The same counts as the regular expressions ``tests/test_calls.py`` compares them
    with, at a third of their cost (two RE2 replacements over every text).
    """
    text = pc.fill_null(text.cast(pa.large_string()), "")
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks() if text.num_chunks else pa.array([], type=pa.large_string())
    n = len(text)
    letters, capitals = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for s in range(0, n, chunk):
        part = text.slice(s, chunk)
        offsets = np.frombuffer(part.buffers()[1], dtype=np.int64)[part.offset : part.offset + len(part) + 1]
        data = np.frombuffer(part.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        offsets = offsets - offsets[0]
        # One number per byte: 1 for a letter, plus 2**32 for a capital; one sum per text gives both counts.
        both = _LETTER_AND_CAPITAL[data]
        lead = np.flatnonzero((data[:-1] & 0xFE) == 0xD0)
        if len(lead):
            second, d0 = data[lead + 1], data[lead] == 0xD0
            upper = d0 & (second >= 0x90) & (second <= 0xAF)
            letter = upper | (d0 & (second >= 0xB0)) | (~d0 & (second >= 0x80) & (second <= 0x8F))
            both[lead] = letter.astype(np.int64) + (upper.astype(np.int64) << 32)
        # Sums over each non-empty text's bytes (reduceat runs from one start to the next).
        full = np.flatnonzero(offsets[1:] > offsets[:-1])
        if len(full):
            sums = np.add.reduceat(both, offsets[full])
            letters[s + full] = sums & 0xFFFFFFFF
            capitals[s + full] = sums >> 32
    return letters, capitals


def _count_words(s: pd.Series) -> np.ndarray:
    """Number of white-space separated words in each cell (0 when missing)."""
    return _counts(pc.count_substring_regex(pa.array(s.astype("string"), type=pa.large_string()), _WORD_RE2))


def call_features(texts: Iterable[str] | pd.Series, *, normalised: bool = False) -> pd.DataFrame:
    """Find the parts of a call to action in each text.

    Returns a frame with boolean ``cta_event``, ``cta_invite``, ``cta_announce``, ``cta_time``,
    ``cta_place``, ``call_to_action`` and the float ``call_strength`` (0 when not a call; 0.5 for
    a call, plus 0.25 each for a time and a place).
    """
    s = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_numpy(), dtype="string").fillna("")
    norm = s if normalised else normalize_series(s)
    # Most posts name no event: test the rest only where one is named.
    event = norm.map(lambda t: EVENT.search(t) is not None).astype(bool)
    out = pd.DataFrame({"cta_event": event})
    for col, rx in (("cta_invite", INVITE), ("cta_announce", ANNOUNCE), ("cta_time", TIME), ("cta_place", PLACE)):
        hit = pd.Series(False, index=norm.index)
        hit[event] = norm[event].map(lambda t, rx=rx: rx.search(t) is not None).astype(bool)
        out[col] = hit
    out["call_to_action"] = out["cta_event"] & (out["cta_invite"] | out["cta_announce"] | (out["cta_time"] & out["cta_place"]))
    out["call_strength"] = np.where(
        out["call_to_action"], 0.5 + 0.25 * out["cta_time"] + 0.25 * out["cta_place"], 0.0
    )
    return out


def score_calls(
    texts: pd.Series,
    created_at: pd.Series | None = None,
    lang: pd.Series | None = None,
    *,
    model: Any = None,
    normalised: pd.Series | None = None,
    tz: str | None = None,
    author_location: pd.Series | None = None,
) -> pd.DataFrame:
    """Score posts as calls to action with the trained classifier, with what, when and where.

    See :func:`detector.posts.call_model.score_calls` (this is the same function): one row per text,
    indexed like ``texts``, with ``is_call``, ``call_score``, ``event``, ``when``, ``when_ts`` (UTC),
    ``when_zone``, ``when_status``, ``where`` and ``call_reasons``; ``tz`` is the zone of the times the calls
    write (the user's ``--tz``; else the call's place, its author's location (``author_location``, aligned with
    ``texts``) or each post's language decides).
    """
    from detector.posts.call_model import score_calls as _score_calls

    return _score_calls(texts, created_at, lang, model=model, normalised=normalised, tz=tz, author_location=author_location)


def detect_lang(texts: pd.Series, given: pd.Series | None = None) -> pd.Series:
    """Language code of each post, the given one where present (:func:`detector.posts.lang.detect_lang`)."""
    from detector.posts.lang import detect_lang as _detect_lang

    return _detect_lang(texts, given)


def explain_call(text: str) -> dict[str, str]:
    """The words that matched each part of a call to action in ``text`` (for reports and tests)."""
    norm = normalize_series(pd.Series([text], dtype="string")).iloc[0]
    parts = {"event": EVENT, "invite": INVITE, "announce": ANNOUNCE, "time": TIME, "place": PLACE}
    found = {}
    for name, rx in parts.items():
        m = rx.search(norm)
        if m:
            found[name] = m.group(0)
    return found


def author_burst(posts: pd.DataFrame, window: pd.Timedelta = DEFAULT_BURST_WINDOW) -> np.ndarray:
    """For each post, how many other posts its author made within ±``window`` of it."""
    author = pd.factorize(posts["author_id"].astype("string"), use_na_sentinel=True)[0].astype("int64")
    # A post without an author is nobody's burst: each gets a key of its own.
    return _neighbours(np.where(author >= 0, author, -1 - np.arange(len(author))), posts["created_at"], window)


def _neighbours(keys: np.ndarray, created_at: pd.Series, window: pd.Timedelta) -> np.ndarray:
    """For each row, how many other rows with the same key lie within ±``window`` of it.

    Vectorised: each row becomes ``key code * 2**40 + milliseconds since the earliest row``, so one
    sorted array and two binary searches answer every row at once (times span < 34 years).
    """
    out = np.zeros(len(keys), dtype="int64")
    times = pd.Series(created_at).astype("datetime64[ns, UTC]")
    # A post without a time is near no other post (read as one instant, every such post of an
    # author was a burst and a template).
    timed = times.notna().to_numpy()
    if not timed.any():
        return out
    ms = times.astype("int64").to_numpy()[timed] // 1_000_000
    ms = ms - ms.min()
    codes = pd.factorize(pd.Series(np.asarray(keys)[timed]), sort=False)[0].astype("int64")
    composite = codes * (1 << 40) + ms
    ordered = np.sort(composite)
    w = int(window.value // 1_000_000)
    lo = np.searchsorted(ordered, composite - w, side="left")
    hi = np.searchsorted(ordered, composite + w, side="right")
    out[timed] = hi - lo - 1
    return out


class Coordination(Protocol):
    """What post scoring needs from :func:`detector.posts.coordination.find_clusters`."""

    memberships: pd.DataFrame
    account_scores: pd.DataFrame


def author_evidence(account_score: np.ndarray) -> np.ndarray:
    """The author term of the post rule: the account score's excess over even odds, ``max(0, 2a - 1)``.

    A calibrated account score of 0.5 says the model cannot tell (no information), so it adds
    nothing; the term grows to 1 only as the score nears 1. A score below 0.5 leans genuine and adds
    no suspicion either. Missing scores (no profile) give 0.
    """
    a = np.asarray(account_score, dtype=float)
    return np.clip(2 * np.nan_to_num(a, nan=0.0) - 1, 0.0, 1.0)


def genuine_author(account_score: np.ndarray) -> np.ndarray:
    """Whether the account model calls each author ``likely-genuine`` (score below its threshold, 0.2).

    Only then can a post or an author row be ``likely-genuine``: nothing else in the rule is evidence
    of a genuine author, and a post is never more genuine than its author. Missing scores give False.
    """
    a = np.asarray(account_score, dtype=float)
    return ~np.isnan(a) & (np.nan_to_num(a, nan=1.0) < GENUINE_AUTHOR)


def label_for(score: float, *, author_genuine: bool = True) -> str:
    """The label of a post or author score by the documented thresholds.

    ``likely-genuine`` needs evidence of a genuine author (``author_genuine``: the account model
    calls the author likely-genuine, :func:`genuine_author`); without it, absence of evidence is not
    evidence of a genuine author, and the post is ``suspicious`` or ``uncertain``.
    """
    if score >= SUSPICIOUS:
        return "suspicious"
    if score >= UNCERTAIN or not author_genuine:
        return "uncertain"
    return "likely-genuine"


def labels_for(scores: np.ndarray, *, author_genuine: np.ndarray) -> np.ndarray:
    """:func:`label_for` of many scores at once."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= SUSPICIOUS, "suspicious", np.where((scores >= UNCERTAIN) | ~np.asarray(author_genuine, dtype=bool), "uncertain", "likely-genuine")).astype(object)


def score_posts(
    posts: pd.DataFrame,
    *,
    account_scores: pd.DataFrame | None = None,
    coordination: Coordination | None = None,
    burst_window: pd.Timedelta = DEFAULT_BURST_WINDOW,
    features: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score every post by the documented rule (see the module docstring).

    Parameters
    ----------
    posts : DataFrame
        Canonical posts.
    account_scores : DataFrame, optional
        The account model's output (``account_id``, ``score``); authors missing from it, or all
        authors when it is not given, are scored without the author term.
    coordination : CoordinationResult, optional
        Clusters from :func:`detector.posts.coordination.find_clusters`.
    burst_window : Timedelta
        Half-width of the author burst window.
    features : DataFrame, optional
        Precomputed :func:`message_features` (recomputed when not given).

    Returns
    -------
    DataFrame
        ``post_id``, ``author_id``, ``score``, ``label``, ``cluster_ids``, ``reasons``,
        ``author_score``, ``coordination``, then :data:`FEATURE_COLUMNS`.
    """
    posts = posts.reset_index(drop=True)
    feats = features.reset_index(drop=True) if features is not None else message_features(posts, burst_window=burst_window).reset_index(drop=True)
    out = pd.DataFrame({"post_id": posts["post_id"].astype("string"), "author_id": posts["author_id"].astype("string")})
    author = _author_scores(posts, account_scores)
    coord, cluster_ids, coord_note = _post_coordination(posts, coordination)
    burst = 1 - np.exp(-feats["burst"].to_numpy(dtype=float) / BURST_SCALE)
    message = 0.5 * feats["call_strength"].to_numpy(dtype=float) + 0.3 * feats["urgency"].to_numpy(dtype=float) + 0.2 * (feats["n_urls"].to_numpy() > 0)
    template = 1 - np.exp(-feats["self_repeats"].to_numpy(dtype=float) / TEMPLATE_SCALE)
    # A score from a profile too sparse for a verdict is no evidence: no author term, and no "likely-genuine".
    held = _held_verdicts(posts, account_scores)
    a = np.where(held, 0.0, author_evidence(author))
    score = 1 - (
        (1 - WEIGHTS["author"] * a)
        * (1 - WEIGHTS["coordination"] * coord)
        * (1 - WEIGHTS["template"] * template)
        * (1 - WEIGHTS["burst"] * burst)
        * (1 - WEIGHTS["message"] * message)
    )
    out["score"] = np.round(score, 4)
    out["label"] = labels_for(score, author_genuine=genuine_author(author) & ~held)
    out["cluster_ids"] = pd.Series(cluster_ids, dtype="string")
    out["reasons"] = _reasons(author, coord, coord_note, feats, burst_window, anonymous=posts["author_id"].isna().to_numpy(), held=held)
    out["author_score"] = author
    out["coordination"] = np.round(coord, 4)
    for col in FEATURE_COLUMNS:
        out[col] = feats[col].to_numpy()
    return out


# The account model's column that says a profile was too sparse for a verdict (accounts.model.score_accounts).
HELD = "verdict_held"


def _keys(posts: pd.DataFrame, other: pd.DataFrame, id_col: str = "account_id", post_col: str = "author_id") -> tuple[pd.Series, pd.Series]:
    """Keys that match ``posts[post_col]`` to ``other[id_col]``: (platform, id) when both tables name
    the platform (one id on two platforms is two accounts), else the bare id."""
    from detector.posts.coordination import account_keys

    both = "platform" in posts.columns and "platform" in other.columns
    mine = account_keys(posts[post_col], posts["platform"] if both else None).astype(str)
    theirs = account_keys(other[id_col], other["platform"] if both else None).astype(str)
    return mine.reset_index(drop=True), theirs.reset_index(drop=True)


def _held_verdicts(posts: pd.DataFrame, account_scores: pd.DataFrame | None) -> np.ndarray:
    """Posts whose author has a profile too sparse for a verdict (the IRA CSV's two counts, say): the
    account model's ``verdict_held`` column (scores without it, from elsewhere, hold none)."""
    if account_scores is None or account_scores.empty or HELD not in account_scores.columns:
        return np.zeros(len(posts), dtype=bool)
    mine, theirs = _keys(posts, account_scores)
    first = ~theirs.duplicated().to_numpy()
    held = np.asarray(account_scores[HELD].fillna(False).to_numpy(dtype=bool)[first], dtype=bool)
    at = _positions(mine, theirs[first])
    return np.where(at >= 0, held[np.maximum(at, 0)], False) if len(held) else np.zeros(len(mine), dtype=bool)


def _author_scores(posts: pd.DataFrame, account_scores: pd.DataFrame | None) -> np.ndarray:
    if account_scores is None or account_scores.empty:
        return np.full(len(posts), np.nan)
    mine, theirs = _keys(posts, account_scores)
    first = ~theirs.duplicated().to_numpy()
    score = np.asarray(account_scores["score"].to_numpy()[first], dtype=float)
    at = _positions(mine, theirs[first])
    return np.where(at >= 0, score[np.maximum(at, 0)], np.nan)


def _post_coordination(posts: pd.DataFrame, coordination: Coordination | None) -> tuple[np.ndarray, pd.Series, pd.Categorical]:
    """Coordination evidence per post: the author's repetition score, halved outside any cluster.

    One cluster alone is weak evidence (a crowd retweets a viral post in the same minute), so the
    strength comes from the author's ``coordination_score``, which grows only when the same
    accounts act together again and again; the post's own clusters are named in the reasons.
    """
    n = len(posts)
    coord = np.zeros(n)
    ids = pd.Series(pd.NA, index=range(n), dtype="string")
    if coordination is None:
        return coord, ids, pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), [""])
    in_cluster = np.zeros(n, dtype=bool)
    # Each post's note from its top cluster's note and its author's detail, as codes (joined below
    # once per distinct pair, not once per post).
    note_of, notes_text = np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=object)
    detail_of, details_text = np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=object)
    m = coordination.memberships
    if m is not None and not m.empty:
        m = m.sort_values(["n_accounts", "cluster_id"], ascending=[False, True])
        pid, key = _keys(posts, m, "post_id", "post_id")
        pairs = pd.DataFrame({"post": key.to_numpy(), "cid": m["cluster_id"].astype(str).to_numpy()}).drop_duplicates()
        # Most posts are in one cluster: join only the ids of posts in several.
        several = pairs["post"].duplicated(keep=False).to_numpy()
        joined = pd.concat([pairs[~several].set_index("post")["cid"], pairs[several].groupby("post", sort=False)["cid"].agg(" ".join)])
        top = m.loc[~key.duplicated().to_numpy()]
        note = "in " + top["kind"].astype(str) + " cluster " + top["cluster_id"].astype(str) + " with " + top["n_accounts"].astype(str) + " accounts"
        note.index = key[~key.duplicated()].to_numpy()
        # Each post's place among the clustered posts, looked up once for its cluster ids and its note.
        at = _positions(pid, note.index)
        in_cluster = at >= 0
        ids = pd.Series(joined.to_numpy(dtype=object)[_positions(note.index, joined.index)][at], dtype="string", name=pid.name).where(in_cluster).reset_index(drop=True)
        note_of, notes_text = np.where(in_cluster, at, -1), note.to_numpy(dtype=object)
    acc = coordination.account_scores
    if acc is not None and not acc.empty:
        author, acc_key = _keys(posts, acc)
        idx = acc.set_index(acc_key.to_numpy())
        # Each post's author among the scored accounts, looked up once for the score and its detail.
        at = _positions(author, idx.index)
        known = at >= 0
        acc_score = idx["coordination_score"].astype(float)
        score = np.where(known, acc_score.to_numpy()[at], np.nan)
        score = np.where(np.isnan(score), 0.0, score)
        coord = np.where(in_cluster, score, 0.5 * score)
        pos = score > 0
        if pos.any():
            detail = "author coordination " + acc_score.map(lambda v: f"{v:.2f}")
            if "reason" in idx.columns:
                why = idx["reason"].astype("string").fillna("")
                detail = detail + np.where(why != "", " (" + why + ")", "")
            detail_of, details_text = np.where(pos, at, -1), detail.to_numpy(dtype=object)
    width = len(details_text) + 1
    pair, distinct = pd.factorize((note_of + 1) * width + detail_of + 1)
    texts = []
    for key in distinct.tolist():
        c, d = key // width - 1, key % width - 1
        if d < 0:
            texts.append("" if c < 0 else notes_text[c])
        else:
            texts.append(("not in a cluster itself" if c < 0 else notes_text[c]) + "; " + details_text[d])
    text_code, categories = pd.factorize(np.asarray(texts, dtype=object))
    return coord, ids, pd.Categorical.from_codes(text_code[pair], categories)


def _positions(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray:
    """The position of each value among the distinct ``keys`` (-1 where absent or missing): a hash
    lookup in Arrow, as ``Index.get_indexer`` gives it, without Python strings."""
    got = pc.index_in(pa.array(values, type=pa.large_string()), value_set=pa.array(keys, type=pa.large_string()), skip_nulls=True)
    return np.asarray(pc.fill_null(got, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _reasons(
    author: np.ndarray, coord: np.ndarray, coord_note: np.ndarray | pd.Categorical, f: pd.DataFrame, window: pd.Timedelta, *, anonymous: np.ndarray | None = None, held: np.ndarray | None = None
) -> Any:
    """Each post's reasons, strongest first, ``;``-separated (vectorised over the posts), as Arrow text."""
    n = len(author)
    a = np.nan_to_num(author, nan=0.0)
    repeats = f["self_repeats"].to_numpy(dtype="int64")
    bursts = f["burst"].to_numpy(dtype="int64")
    call = f["call_to_action"].to_numpy(dtype=bool)
    strength = f["call_strength"].to_numpy(dtype=float)
    urgency = f["urgency"].to_numpy(dtype=float)
    minutes = int(window.total_seconds() // 60)
    no_author = np.isnan(author)
    # Each part's text as codes into a few distinct texts (a dictionary), never a Python string per post.
    none_text = "author not scored (no profile)"
    author_dict, author_code = _fmt_codes(a, "author account score {:.2f}")
    # At or below even odds the score adds nothing; it is said when it is why a post cannot be likely-genuine.
    even_dict, even_code = _fmt_codes(a, "author account score {:.2f} (not above even odds, not counted)")
    author_code = np.where(a <= 0.5, even_code + len(author_dict), author_code)
    author_dict = author_dict + even_dict
    if held is not None:
        held_dict, held_code = _fmt_codes(a, "author profile too sparse for a verdict (account score {:.2f}, not counted)")
        author_code = np.where(held, held_code + len(author_dict), author_code)
        author_dict = author_dict + held_dict
    if anonymous is not None:
        author_code = np.where(no_author, np.where(anonymous, len(author_dict), len(author_dict) + 1), author_code)
        author_dict = [*author_dict, NO_AUTHOR, none_text]
    else:
        author_code = np.where(no_author, len(author_dict), author_code)
        author_dict = [*author_dict, none_text]
    notes = coord_note if isinstance(coord_note, pd.Categorical) else pd.Categorical(np.asarray(coord_note, dtype=object))
    note_code, note_dict = notes.codes.astype(np.int64), notes.categories.astype(object).tolist()
    has_note = np.asarray(note_dict + [""], dtype=object)[note_code] != ""
    call_code = 2 * f["cta_time"].to_numpy(dtype=bool).astype(np.int64) + f["cta_place"].to_numpy(dtype=bool)
    call_dict = ["call to action", "call to action with place", "call to action with time", "call to action with time and place"]
    not_counted = held if held is not None else np.zeros(n, dtype=bool)
    parts = [
        # a held score, or one not above even odds, is said after the evidence that counted (it weighs nothing, as no profile)
        (np.where(no_author | not_counted, 0.0, WEIGHTS["author"] * author_evidence(a)), no_author | (a >= GENUINE_AUTHOR) | not_counted, (author_dict, author_code)),
        (WEIGHTS["coordination"] * coord, (coord > 0) & has_note, (note_dict, note_code)),
        (WEIGHTS["template"] * (1 - np.exp(-repeats / TEMPLATE_SCALE)), repeats >= 1, _fmt_codes(repeats, "same message sent {} more time(s) by the author within 24 h")),
        (WEIGHTS["burst"] * (1 - np.exp(-bursts / BURST_SCALE)), bursts >= 3, _fmt_codes(bursts, "author posted {} other posts within ±" + str(minutes) + " min")),
        (WEIGHTS["message"] * 0.5 * strength, call, (call_dict, call_code)),
        (WEIGHTS["message"] * 0.3 * urgency, urgency >= 0.5, (["urgent wording"], np.zeros(n, dtype=np.int64))),
    ]
    present = np.stack([np.broadcast_to(np.asarray(on, dtype=bool), (n,)) for _, on, _ in parts], axis=1)
    weights = np.where(present, np.stack([np.broadcast_to(w, (n,)) for w, _, _ in parts], axis=1), -np.inf)
    order = np.argsort(-weights, axis=1, kind="stable")
    # Each row's parts, strongest first: its "shape" (which parts, in which order) is one of a few
    # dozen, and the rows of one shape are joined column by column (by Arrow) rather than row by row.
    k = len(parts)
    ranked = np.where(np.take_along_axis(present, order, axis=1), order, k)
    shape_of, shapes = pd.factorize(ranked @ ((k + 1) ** np.arange(k)))  # numbered as they come: the texts do not depend on it
    by_shape = np.argsort(shape_of, kind="stable")
    bounds = np.searchsorted(shape_of[by_shape], np.arange(len(shapes) + 1))
    # A reason text is fixed by its shape and its parts' codes: each distinct one is joined once (in
    # Python: a few hundred thousand at most), and the posts take theirs by code (one Arrow take).
    dicts = [d for _, _, (d, _) in parts]
    codes = [np.broadcast_to(np.asarray(c, dtype=np.int64), (n,)) for _, _, (_, c) in parts]
    distinct: list[str] = ["no evidence found"]
    reason_of = np.zeros(n, dtype=np.int64)
    for g in range(len(shapes)):
        rows = by_shape[bounds[g] : bounds[g + 1]]
        cols = [int(c) for c in ranked[rows[0]] if c < k]
        if not cols:
            continue
        key = np.zeros(len(rows), dtype=np.int64)
        for c in cols:
            part = codes[c][rows]
            key = pd.factorize(key * (int(part.max()) + 1) + part)[0].astype(np.int64)
        first = np.unique(key, return_index=True)[1]
        for r in rows[first].tolist():
            text = "; ".join(dicts[c][codes[c][r]] for c in cols)
            distinct.append(text or "no evidence found")
        reason_of[rows] = len(distinct) - len(first) + key
    out = pa.array(distinct, type=pa.large_string()).take(pa.array(reason_of))
    return pd.Series(pd.arrays.ArrowStringArray(out)).astype("str").array


def _fmt_codes(values: np.ndarray, template: str) -> tuple[list[str], np.ndarray]:
    """``template.format(v)`` of each distinct value, and each value's code into them."""
    # pandas' hash table, not np.unique's sort of a million values: the codes number the values in
    # another order, but each value still gets its own text (missing ones one "nan", as before)
    inverse, uniq = pd.factorize(np.ravel(values), use_na_sentinel=False)
    return [template.format(v) for v in np.asarray(uniq).tolist()], np.asarray(inverse, dtype=np.int64)


def _fmt(values: np.ndarray, template: str) -> np.ndarray:
    """``template.format(v)`` for every value, formatting each distinct value once."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return np.array([template.format(v) for v in uniq.tolist()], dtype=object)[inverse.ravel()] if len(values) else np.array([], dtype=object)


def author_table(
    posts: pd.DataFrame,
    scored: pd.DataFrame,
    *,
    account_scores: pd.DataFrame | None = None,
    coordination: Coordination | None = None,
) -> pd.DataFrame:
    """One row per author: posts, calls, coordination score, account score and a combined score.

    The combined score is the post rule without its message term, at the author level: the
    noisy-OR of the account score's excess over even odds (weight 1, :func:`author_evidence`;
    none from a profile too sparse for a verdict), the coordination score (0.70), the author's
    strongest templating (0.40) and strongest burst (0.30). Calls to action are counted
    (``n_calls``) but, as for posts, do not by themselves make an author suspicious.

    When ``account_scores`` carry the look-alike columns (:func:`score_author_profiles`: groups
    across the authors' profiles), each author gets them too (empty group, size 0 for an author
    without a profile or outside a group); they change no score.
    """
    frame = scored.reset_index(drop=True).assign(author_screen_name=posts["author_screen_name"].to_numpy())
    # One id on two platforms is two authors: keyed by (platform, id) when the posts name platforms.
    platforms = "platform" in posts.columns and not posts["platform"].astype("string").fillna("x").eq("x").all()
    if platforms:
        from detector.posts.coordination import account_keys

        frame["platform"] = posts["platform"].astype("string").fillna("x").to_numpy()
        frame["_key"] = account_keys(frame["author_id"], frame["platform"]).to_numpy()
    else:
        frame["_key"] = frame["author_id"].astype("string")
    g = frame.groupby("_key", sort=True)
    out = pd.DataFrame({
        "author_id": g["author_id"].first().astype("string").to_numpy(),
        "screen_name": g["author_screen_name"].first().astype("string").to_numpy(),
        "n_posts": g.size().to_numpy(),
        "n_calls": g["call_to_action"].sum().to_numpy().astype("int64"),
        "n_suspicious_posts": g["label"].agg(lambda s: int((s == "suspicious").sum())).to_numpy(),
        "mean_post_score": g["score"].mean().round(4).to_numpy(),
    })
    if platforms:
        out["platform"] = g["platform"].first().to_numpy()
    coord = pd.Series(0.0, index=out.index)
    n_clusters = pd.Series(0, index=out.index, dtype="int64")
    acc = getattr(coordination, "account_scores", None) if coordination is not None else None
    if acc is not None and not acc.empty:
        mine, theirs = _keys(out, acc)
        idx = acc.set_index(theirs.to_numpy())
        coord = mine.map(idx["coordination_score"]).fillna(0.0).astype(float)
        if "n_clusters" in idx.columns:
            n_clusters = mine.map(idx["n_clusters"]).fillna(0).astype("int64")
    out["coordination_score"] = coord.round(4).to_numpy()
    out["n_clusters"] = n_clusters.to_numpy()
    account = pd.Series(np.nan, index=out.index)
    account_label = pd.Series(pd.NA, index=out.index, dtype="string")
    held = pd.Series(False, index=out.index)
    matched = None  # each author's key, and the rows of account_scores by key
    if account_scores is not None and not account_scores.empty:
        mine, theirs = _keys(out, account_scores)
        first = ~theirs.duplicated().to_numpy()
        idx = account_scores.loc[first].set_index(theirs.to_numpy()[first])
        matched = (mine, idx)
        account = mine.map(idx["score"]).astype(float)
        account_label = mine.map(idx["label"]).astype("string")
        if HELD in idx.columns:
            held = mine.map(idx[HELD]).fillna(False).astype(bool)
    out["account_score"] = account.round(4).to_numpy()
    out["account_label"] = account_label.to_numpy()
    out["account_verdict_held"] = held.to_numpy(dtype=bool)
    template = 1 - np.exp(-g["self_repeats"].max().to_numpy(dtype=float) / TEMPLATE_SCALE)
    burst = 1 - np.exp(-g["burst"].max().to_numpy(dtype=float) / BURST_SCALE)
    # as for posts: a profile too sparse for a verdict adds nothing and allows no "likely-genuine"
    counted = account.where(~held.to_numpy(), np.nan).to_numpy(dtype=float)
    combined = 1 - (
        (1 - WEIGHTS["author"] * author_evidence(counted))
        * (1 - WEIGHTS["coordination"] * coord)
        * (1 - WEIGHTS["template"] * template)
        * (1 - WEIGHTS["burst"] * burst)
    )
    out["combined_score"] = combined.round(4).to_numpy()
    out["label"] = labels_for(np.asarray(combined, dtype=float), author_genuine=genuine_author(counted))
    if account_scores is not None and "lookalike_group" in account_scores.columns:
        out = pd.concat([out, _author_lookalikes(out.index, matched)], axis=1)
    if platforms:
        out = out[[c for c in out.columns if c != "platform"] + ["platform"]]
    return out.sort_values(["combined_score", "n_posts"], ascending=[False, False]).reset_index(drop=True)


def _author_lookalikes(index: pd.Index, rows: tuple[pd.Series, pd.DataFrame] | None) -> pd.DataFrame:
    """The look-alike columns of the authors (``index``) from their profiles' rows (``rows``: each author's
    key and the account scores by key, as :func:`author_table` matched them; None when there are none)."""
    from detector.accounts.lookalike import LOOKALIKE_COLUMNS, blank_lookalikes

    found = blank_lookalikes(len(index), index)
    if rows is None:
        return found
    mine, idx = rows
    for col in LOOKALIKE_COLUMNS:
        got = mine.map(idx[col])
        found[col] = got.fillna(0).astype("int64").to_numpy() if col == "lookalike_size" else got.fillna("").astype(str).to_numpy(dtype=object)
    return found


@dataclass
class PostAnalysis:
    """Everything ``detector posts`` writes, computed from one posts table.

    Attributes
    ----------
    scores : DataFrame
        :func:`score_posts` output.
    authors : DataFrame
        :func:`author_table` output.
    memberships : DataFrame
        One row per cluster membership, with the cluster's evidence fields and ``campaign_id``.
    account_scores : DataFrame or None
        The account model's scores of the authors whose profiles came with the posts or beside them.
    coordination : CoordinationResult or None
    campaigns : Campaigns or None
        The clusters merged into campaigns (:func:`detector.posts.campaigns.build_campaigns`).
    posts : DataFrame
        What the post output holds (:data:`POST_OUTPUT_COLUMNS`): the scores with the post's own
        author, time, text and language and its call to action.
    """

    scores: pd.DataFrame
    authors: pd.DataFrame
    memberships: pd.DataFrame
    account_scores: pd.DataFrame | None
    coordination: Any
    campaigns: Any = None
    posts: pd.DataFrame = field(default_factory=pd.DataFrame)


# The post output: who, when, what was said, the verdict, the call and where the evidence is.
POST_OUTPUT_COLUMNS = [
    "post_id", "author_id", "author_screen_name", "created_at", "text", "lang", "score", "label",
    "is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status", "where", "cluster_ids", "campaign_id",
    "reasons",
]  # fmt: skip


class StageTimes(dict[str, float]):
    """Wall-clock seconds per stage of the posts job, with this process's CPU seconds in ``cpu``.

    CPU time is what a shared, loaded machine moves least; wall time is what a user waits.
    Stages that ran at the same time as others, each in its own thread, are listed in
    ``overlapped``: the groups of stages of each thread, and the wall seconds of the span they shared
    (their CPU seconds are each thread's own).
    """

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}
        self.overlapped: list[dict[str, Any]] = []


@contextlib.contextmanager
def stage(timings: dict[str, float] | None, name: str, posts: int | None = None, *, own_thread: bool = False) -> Iterator[None]:
    """Time one stage of the posts job into ``timings`` (seconds, added up) and the log.

    With ``posts`` (how many it handles), a terminal also shows the stage running and its rate.
    A :class:`StageTimes` also gets the stage's CPU seconds: the process's, or with ``own_thread``
    (a stage that runs while another thread works) the calling thread's alone.
    """
    clock = time.thread_time if own_thread else time.process_time
    t0, c0 = time.perf_counter(), clock()
    if posts is None:
        yield
    else:
        with progress.step(name, total=posts, unit="posts"):
            yield
    took, cpu = time.perf_counter() - t0, clock() - c0
    if timings is not None:
        timings[name] = timings.get(name, 0.0) + took
    if isinstance(timings, StageTimes):
        timings.cpu[name] = timings.cpu.get(name, 0.0) + cpu
    log.info("posts job: %s took %.1f s (%.1f s CPU)", name, took, cpu)


def post_output(posts: pd.DataFrame, scores: pd.DataFrame, calls: pd.DataFrame, campaign_of: pd.Series | None = None) -> pd.DataFrame:
    """The post output table (:data:`POST_OUTPUT_COLUMNS`) from the posts, their scores and calls."""
    posts = posts.reset_index(drop=True)
    n = len(scores)
    cols: dict[str, Any] = {"post_id": scores["post_id"], "author_id": scores["author_id"]}
    for col in ("author_screen_name", "created_at", "text", "lang"):
        cols[col] = posts[col] if col in posts.columns else pd.Series(pd.NA, index=range(n), dtype="string")
    cols["score"], cols["label"] = scores["score"], scores["label"]
    for col in ("is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status", "where"):
        cols[col] = calls[col]
    cols["cluster_ids"] = scores["cluster_ids"]
    campaign = pd.Series(pd.NA, index=range(n), dtype="string")
    if campaign_of is not None and len(campaign_of):
        # Arrow's hash lookup, not Series.map over a million Python strings.
        at = _positions(scores["post_id"].astype("string"), campaign_of.index)
        found = pa.array(campaign_of.astype("string").array, type=pa.large_string()).take(pa.array(at, mask=at < 0))
        campaign = pd.Series(pd.arrays.ArrowStringArray(found), index=scores.index)
    cols["campaign_id"] = campaign
    cols["reasons"] = scores["reasons"]
    return pd.DataFrame({k: v.reset_index(drop=True) for k, v in cols.items()})[POST_OUTPUT_COLUMNS]


def analyse_posts(
    posts: pd.DataFrame,
    *,
    users: list[tuple[int, dict[str, Any]]] | None = None,
    profiles: pd.DataFrame | None = None,
    path: str = "",
    model: Any = None,
    use_model: bool = True,
    window: str | pd.Timedelta | None = None,
    threshold: float | None = None,
    min_accounts: int | None = None,
    kinds: tuple[str, ...] | None = None,
    workers: int = 1,
    burst_window: pd.Timedelta = DEFAULT_BURST_WINDOW,
    rejects: Any = None,
    timings: dict[str, float] | None = None,
    tz: str | None = None,
    lookalike: bool = True,
) -> PostAnalysis:
    """Score posts end to end: author profiles, coordination, campaigns, message features, the rule.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts.
    users : list of (int, dict), optional
        Author profiles that came with the posts (:attr:`detector.posts.read.PostsRead.users`); they are
        scored with the account model.
    profiles : DataFrame, optional
        Canonical account profiles of the authors (``detector posts --profiles``, or the IRA
        CSV's partial profiles), scored with the account model. Where an author has both, this
        one is used.
    path : str
        The input file, for messages about rejected profiles.
    model : AccountModel or path, optional
        The account model. When None and profiles are present, the default model is loaded; if it
        is missing the authors are left unscored with a warning. A model or path that is given
        must load (:class:`~detector.errors.ModelError` otherwise).
    use_model : bool
        False to leave the account model out even when profiles are present.
    window, threshold, min_accounts, kinds, workers
        Passed to :func:`detector.posts.coordination.find_clusters` (its defaults when None).
    burst_window : Timedelta
        Half-width of the author burst window.
    rejects : Rejects, optional
        Where rejected profiles go.
    timings : dict, optional
        Filled with the seconds each stage took.
    tz : str, optional
        Zone of the times the calls write (the user's ``--tz``); else each post's language decides
        (:func:`detector.posts.extract.event_zone`).
    lookalike : bool
        Look for look-alike groups across the scored author profiles (the author table's
        ``lookalike_*`` columns); False (``--no-lookalike``) leaves them out.
    """
    from detector.posts import coordination as coord_mod
    from detector.posts.campaigns import build_campaigns

    with stage(timings, "author profiles"):
        accounts = _author_profiles(users, profiles, path, use_model, rejects)
        account_scores = None if accounts is None else score_author_profiles(accounts, model, path, lookalike=lookalike)
    opts: dict[str, Any] = {"workers": workers}
    for name, value in (("window", window), ("threshold", threshold), ("min_accounts", min_accounts), ("kinds", kinds)):
        if value is not None:
            opts[name] = value
    posts = posts.reset_index(drop=True)
    with stage(timings, "normalise", len(posts)):
        # Once for coordination, the call classifier and the message features.
        texts = posts["text"].astype("string").fillna("")
        norm = normalize_series(texts)
    # The message side (language, calls, message features) needs the posts and their normalised texts,
    # not coordination: it runs in a second thread while this one finds the clusters and campaigns.
    # Most of both is numpy, Arrow and RE2 work that releases the GIL, so on two cores the two
    # overlap (BENCHMARKS.md, "Posts job end to end"); each computes what it computed in turn before.
    t0 = time.perf_counter()
    side = StageTimes()  # the other thread's stages, added to ``timings`` after this thread's
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="posts-message") as pool:
        message = pool.submit(_message_side, posts, norm, burst_window=burst_window, timings=side, tz=tz, author_locations=profile_locations(accounts), own_thread=True)
        with stage(timings, "coordination", own_thread=True):
            coordination = coord_mod.find_clusters(posts, normalised=norm, **opts)
        with stage(timings, "campaigns", len(posts), own_thread=True):
            memberships = membership_table(coordination)
            campaigns = build_campaigns(memberships, window=coordination.params.get("window"))
            memberships["campaign_id"] = memberships["cluster_id"].astype("string").map(campaigns.clusters).astype("string")
        posts, calls, features = message.result()
    if timings is not None:
        timings.update(side)
    if isinstance(timings, StageTimes):
        timings.cpu.update(side.cpu)
        timings.overlapped.append({"threads": [["coordination", "campaigns"], list(side)], "seconds": round(time.perf_counter() - t0, 3)})
    scores, table = _scored_table(posts, calls, features, account_scores=account_scores, coordination=coordination, burst_window=burst_window,
                                  campaign_of=campaigns.posts, timings=timings)  # fmt: skip
    with stage(timings, "authors", len(posts)):
        authors = author_table(posts.reset_index(drop=True), scores, account_scores=account_scores, coordination=coordination)
    return PostAnalysis(scores, authors, memberships, account_scores, coordination, campaigns, table)


def with_lang(posts: pd.DataFrame) -> pd.DataFrame:
    """``posts`` with the input's language where it gives one, detected (only) where it does not."""
    missing = posts["lang"].isna().to_numpy()
    if not missing.any():
        return posts
    lang = posts["lang"].astype("string").copy()
    lang[missing] = detect_lang(posts.loc[missing, "text"].astype("string").fillna("")).to_numpy()
    return posts.assign(lang=lang)


def score_post_table(
    posts: pd.DataFrame,
    normalised: pd.Series | None = None,
    *,
    account_scores: pd.DataFrame | None = None,
    coordination: Coordination | None = None,
    burst_window: pd.Timedelta = DEFAULT_BURST_WINDOW,
    campaign_of: pd.Series | None = None,
    timings: dict[str, float] | None = None,
    tz: str | None = None,
    author_locations: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The message side of the posts job: language, calls, message features, post scores, the output.

    Both engines run this (the Dask one on each partition of posts by author), so their post
    outputs have the same columns and values.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts.
    normalised : Series of str, optional
        :func:`detector.posts.text.normalize_series` of the posts' texts, in order (computed when
        not given).
    account_scores, coordination, burst_window
        As for :func:`score_posts`.
    campaign_of : Series, optional
        Campaign id by post id (:attr:`detector.posts.campaigns.Campaigns.posts`).
    timings : dict, optional
        Filled with the seconds each stage took.
    tz : str, optional
        Zone of the times the calls write (the user's ``--tz``; :func:`score_calls`).
    author_locations : DataFrame, optional
        The authors' profile locations (:func:`profile_locations`): the zone of a call that names no place
        and no zone, where its author's location names one (:func:`detector.posts.extract.location_zone`).

    Returns
    -------
    (posts, scores, table)
        The posts (reindexed from 0, languages filled), :func:`score_posts` of them and the post
        output (:data:`POST_OUTPUT_COLUMNS`), in the same order.
    """
    posts, calls, features = _message_side(posts, normalised, burst_window=burst_window, timings=timings, tz=tz, author_locations=author_locations)
    scores, table = _scored_table(posts, calls, features, account_scores=account_scores, coordination=coordination, burst_window=burst_window,
                                  campaign_of=campaign_of, timings=timings)  # fmt: skip
    return posts, scores, table


def _message_side(
    posts: pd.DataFrame,
    normalised: pd.Series | None,
    *,
    burst_window: pd.Timedelta,
    timings: dict[str, float] | None,
    tz: str | None,
    author_locations: pd.DataFrame | None,
    own_thread: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The message side of the posts: their language, calls and message features (stages of those
    names), with the posts reindexed from 0 and their languages filled (``author_locations`` as for
    :func:`score_post_table`)."""
    posts = posts.reset_index(drop=True)
    texts = posts["text"].astype("string").fillna("")
    norm = normalize_series(texts) if normalised is None else pd.Series(normalised.array, dtype="string")
    with stage(timings, "language", len(posts), own_thread=own_thread):
        posts = with_lang(posts)
    with stage(timings, "calls", len(posts), own_thread=own_thread):
        where = post_locations(posts, author_locations)
        calls = score_calls(texts, posts["created_at"], posts["lang"], normalised=norm, tz=tz, author_location=where).reset_index(drop=True)
    with stage(timings, "message features", len(posts), own_thread=own_thread):
        features = message_features(posts, burst_window=burst_window, calls=calls, normalised=norm)
    return posts, calls, features


def _scored_table(
    posts: pd.DataFrame,
    calls: pd.DataFrame,
    features: pd.DataFrame,
    *,
    account_scores: pd.DataFrame | None,
    coordination: Coordination | None,
    burst_window: pd.Timedelta,
    campaign_of: pd.Series | None,
    timings: dict[str, float] | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`score_posts` of the posts and the post output (:data:`POST_OUTPUT_COLUMNS`)."""
    with stage(timings, "post scores", len(posts)):
        scores = score_posts(posts, account_scores=account_scores, coordination=coordination, burst_window=burst_window, features=features)
        table = post_output(posts, scores, calls, campaign_of)
    return scores, table


def account_model(model: Any) -> Any:
    """The account model to score authors with: ``model``, loaded from a path, or the current one.

    None (with a warning) when no model is given and none can be loaded: posts can still be
    scored on coordination and message evidence. A model or path that is given must load.
    """
    from detector.accounts.registry import load_current_model as load_model

    if model is None:
        try:
            return load_model()
        except ModelError as exc:
            log.warning("author profiles not scored, the account model is unavailable: %s", exc)
            return None
    if isinstance(model, str | os.PathLike):
        return load_model(os.fspath(model))
    return model


def profile_locations(accounts: pd.DataFrame | None) -> pd.DataFrame | None:
    """``account_id``, ``platform`` and ``location`` of the author profiles that write a location; ``None`` when none does."""
    if accounts is None or "location" not in accounts.columns:
        return None
    written = accounts["location"].astype("string").str.strip().fillna("").str.len().gt(0).to_numpy(dtype=bool)
    if not written.any():
        return None
    cols = [c for c in ("account_id", "platform", "location") if c in accounts.columns]
    return accounts.loc[written, cols].reset_index(drop=True)


def post_locations(posts: pd.DataFrame, locations: pd.DataFrame | None) -> pd.Series | None:
    """Each post's author's profile location (missing where the author has none), in the order of ``posts``."""
    if locations is None or locations.empty:
        return None
    mine, theirs = _keys(posts, locations)
    first = ~theirs.duplicated().to_numpy()
    at = _positions(mine.astype("string"), pd.Index(theirs[first]))
    written = locations["location"].astype(object).to_numpy()[first]
    return pd.Series(np.where(at >= 0, written[np.maximum(at, 0)], None), index=posts.index, dtype=object)


def _author_profiles(
    users: list[tuple[int, dict[str, Any]]] | None, profiles: pd.DataFrame | None, path: str, use_model: bool, rejects: Any
) -> pd.DataFrame | None:
    """The authors' canonical profiles (embedded ones, then given ones, which win), read when the account model scores them."""
    if not use_model or not (users or (profiles is not None and len(profiles))):
        return None
    from detector.posts.read import author_accounts

    parts = []
    if users:
        parts.append(author_accounts(users, path, rejects=rejects))
    if profiles is not None and len(profiles):
        parts.append(profiles)
    accounts = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if accounts is None:
        return None
    # A profile given beside the posts wins over one embedded in them (it comes last).
    return accounts.drop_duplicates("account_id", keep="last").reset_index(drop=True)


def score_author_profiles(accounts: pd.DataFrame, model: Any, path: str = "", *, lookalike: bool = True) -> pd.DataFrame | None:
    """The account model's scores of the authors' canonical profiles, worded for the posts job (both engines).

    With ``lookalike``, also the look-alike groups across these profiles (one list: every author
    profile of the job, :func:`detector.accounts.lookalike.lookalikes_of`), as ``detector score``
    finds them in a list of accounts; they change no score.
    None when no model is given and none can be loaded (:func:`account_model`).
    """
    from detector.accounts.model import score_accounts

    model = account_model(model)
    if model is None:
        return None
    account_scores = score_accounts(accounts, model)
    # Plain words, and no field every profile lacks (X API v2 has no background-image setting):
    # those are said once for the input, not on each author's reasons.
    from detector.accounts.wording import field_words, plain_reasons

    absent = [c for c in accounts.columns if accounts[c].isna().all()]
    account_scores["reasons"] = plain_reasons(account_scores["reasons"], absent)
    if absent:
        log.info("%s: author profiles: not in this input: %s", path, field_words(absent))
    log.info("scored %d author profiles with the account model", len(account_scores))
    if lookalike:
        from detector.accounts.lookalike import group_counts, lookalikes_of

        found = lookalikes_of(accounts.reset_index(drop=True)).set_axis(account_scores.index)
        account_scores = pd.concat([account_scores, found], axis=1)
        groups, grouped = group_counts(found)
        if groups:
            log.info("%s: %d look-alike groups of %d author profiles", path, groups, grouped)
    return account_scores


def membership_table(coordination: Any) -> pd.DataFrame:
    """One row per cluster membership with its cluster's evidence (``evidence``, ``n_posts``, ``repeat_share``)."""
    m = coordination.memberships
    c = coordination.clusters
    extra = [col for col in ("n_posts", "evidence", "repeat_share") if col in c.columns]
    if m.empty or not extra:
        return m.assign(**{col: pd.Series(dtype="object") for col in extra})
    return m.merge(c[["cluster_id", *extra]], on="cluster_id", how="left")
