"""Dates and times in the shapes real exports write them, read one way per file and column.

This module owns turning date text into UTC timestamps for every reader (accounts and posts). It
reads Twitter's ``Tue Jun 11 11:20:35 +0000 2013``, ISO 8601, Unix seconds and milliseconds, and
the local forms ``DD.MM.YYYY.`` (the trailing dot too), ``DD.MM.YYYY HH:MM``, ``15.3.2024 u 18h``,
``15. 3. 2024.``, ``DD/MM/YYYY``, ``DD-MM-YYYY HH.MM`` and their month-first twins; with ``/`` or ``.``
also a two-digit year (``6/11/13``, ``24.06.12``) where Excel and ``strptime`` agree on its century
(00-29 is 20xx, 69-99 is 19xx; 30-68 is left unread), and a 12-hour clock after them (``2:55 PM``).

Day-first or month-first is decided per file and column, from the values that only one reading
allows (``24/06/2012`` is day-first, ``06/24/2012`` month-first). The dotted form ``10.05.2024`` is
day-first by convention wherever it is written (Serbian, Croatian, Albanian, German, Scandinavian
exports), so it is read day-first; a dotted value that cannot be day-first (``05.24.2024``) stops
the column instead. When that convention alone decided a column that holds dotted values reading
both ways (``03.04.2024``: 3 April or 4 March), and no value in it can only be day-first
(``24.06.2012``), the column goes into ``DateRules.by_convention`` and the reader says so once
(:func:`convention_notice`). A column of other forms whose values every reading allows (``10/05/2024``) is
never guessed: :class:`AmbiguousDatesError` names the column and an example, and the caller asks
the user for ``--dayfirst``, ``--monthfirst`` or ``--date-format`` (with a format that matches the
example).
A month or a year alone (``2024-05``, ``May 2024``, ``2024``) is a period, not a time: it is left
unread, never taken as its first day, and :func:`period_only` gives the readers the reason to say.
It never reads a file and never warns per value: callers decide what an unreadable value costs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detector.errors import ConfigError, InputError, escape_controls

ORDERS = ("dayfirst", "monthfirst")
NS = "datetime64[ns, UTC]"
# Outside these years a value is a typo or a sentinel (-1, 0001-01-01), not a time a post was made.
FIRST_YEAR, LAST_YEAR = 1970, 2200

# DD.MM.YYYY[.] | DD/MM/YYYY | DD-MM-YYYY (a space after each dot allowed: "15. 3. 2024."), then an
# optional time HH:MM[:SS] or HH.MM[.SS], or an hour with its unit ("18h", "18 Uhr"), either after
# a space or after the word for "at" ("u 18h" Serbian/Croatian/Bosnian, "um" German, "në" Albanian,
# "kl." Scandinavian).
_HOUR_UNIT = r"(?i:h|uhr|č|sati|časova)\.?"
# A 12-hour clock, as US spreadsheets save times ("11/5/2016 2:55 PM"): 12 AM is midnight, 12 PM noon.
_AM_PM = r"(?P<p>(?i:[ap])\.?\s?(?i:m)\.?)"
_LOCAL_START = r"\d{1,2}[./-]"
# The year is written in full, or (with "/" or ".": "6/11/13", "01.02.24") in two digits; "24-05-10"
# is ISO's short year-first form, not a day-first date, so a two-digit year after "-" is no local form.
_LOCAL = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[./-]) ?(?P<b>\d{1,2})(?P=sep) ?(?P<y>\d{4}|(?<![-\d])\d{2}(?!\d))\.?"
    r"(?:(?:[ T,]+|,?\s+(?i:u|um|në orën|në|ne|kl\.?|at)\s+)"
    rf"(?P<H>\d{{1,2}})(?:[:.](?P<M>\d{{2}})(?:[:.](?P<S>\d{{2}}))?(?:\s*{_HOUR_UNIT}|\s*{_AM_PM})?|\s*{_HOUR_UNIT}))?$"
)
# Unix seconds or milliseconds; a Java long literal keeps its "L" (cresci-2017 writes "1183552203000L").
_UNIX = re.compile(r"^\d{9,13}(?:\.\d+|L)?$")
# The end of an ISO time that carries its zone: Z, +02:00, +0200, +02, or UTC/GMT.
_ISO_ZONE = r"(?:[zZ]|\d[+-]\d{2}(?::?\d{2})?|UTC|GMT)$"
_TIME_OF_DAY = r"\d:\d{2}|\d{1,2}\.\d{2}$|\d\s*(?i:h|uhr|č|sati|časova)\.?$"
_MONTHS = {m: f"{i:02d}" for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


class AmbiguousDatesError(InputError):
    """A date column reads both day-first and month-first, and no value settles which."""


@dataclass
class DateRules:
    """How to read the local date forms of one input.

    Parameters
    ----------
    order : {"dayfirst", "monthfirst"}, optional
        The user's choice; otherwise each column's values decide.
    fmt : str, optional
        A ``strptime`` format tried before every other shape (``--date-format``).
    defaults : dict
        Orders a reader knows from its source's documentation (the IRA CSV is month-first).
    decided : dict
        Orders settled so far for this file, by column (shared by its chunks).
    tz : str, optional
        The IANA zone (``Europe/Belgrade``) of times written without one (``--tz``); else UTC.

    Attributes
    ----------
    unzoned : dict
        Column to an example, for columns whose times of day carry no zone and were read as UTC
        (``tz`` not given): the reader says so once.
    unplaceable : set
        Values that fall in the hour ``tz`` skips or repeats when the clocks change.
    by_convention : dict
        Column to an example, for columns whose dotted values read both ways (``03.04.2024``)
        and were read day-first by the dotted convention, the order not given by the user.
    utc_documented : dict
        Column to where its source states that its zoneless times are UTC (a reader that knows the
        source sets it: :data:`IRA_UTC`); the zone note then says so instead of a bare "read as UTC".
    dayfirst_shown : set
        Columns holding a value that can only be day-first (``24.06.2012``): the values
        themselves settle the order there, so :attr:`by_convention` is not said for them.
        Both are kept per chunk and joined per file by :func:`convention_columns`.

    Raises
    ------
    ConfigError
        ``tz`` is not a time zone name.
    """

    order: str | None = None
    fmt: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    decided: dict[str, str] = field(default_factory=dict)
    tz: str | None = None
    unzoned: dict[str, str] = field(default_factory=dict)
    unplaceable: set[str] = field(default_factory=set)
    by_convention: dict[str, str] = field(default_factory=dict)
    dayfirst_shown: set[str] = field(default_factory=set)
    utc_documented: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.order is not None and self.order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {self.order!r}")
        if self.tz is not None:
            check_zone(self.tz)
        if self.fmt is not None:
            check_date_format(self.fmt)

    def convention_note(self, path: str) -> str | None:
        """:func:`convention_notice` for the columns these rules read day-first by the dotted convention alone, else None."""
        columns = convention_columns(self.by_convention, self.dayfirst_shown)
        return convention_notice(path, columns) if columns else None

    def for_file(self) -> DateRules:
        """The user's rules for another file: nothing decided for this one carries over."""
        return DateRules(self.order, self.fmt, dict(self.defaults), tz=self.tz)

    def with_default(self, column: str, order: str) -> DateRules:
        """These rules, with ``order`` for ``column`` unless the user chose otherwise.

        The file is the same: what the copy notes (:attr:`unzoned`, :attr:`by_convention`, …) is
        noted in these rules too, for a caller that says a file's notes itself (the dask engine).
        """
        return DateRules(
            self.order, self.fmt, {**self.defaults, column: order}, dict(self.decided), tz=self.tz,
            unzoned=self.unzoned, unplaceable=self.unplaceable, by_convention=self.by_convention, dayfirst_shown=self.dayfirst_shown,
            utc_documented=self.utc_documented,
        )  # fmt: skip

    def clock_change(self, value: object) -> str | None:
        """Why ``value`` was left unread when it is a real local time that :attr:`tz` cannot place
        (the hour skipped or repeated when the clocks change), else None: both readers say it so."""
        text = str(value).strip()
        if text not in self.unplaceable:
            return None
        return f"'{escape_controls(text[:40])}' falls in the hour {self.tz} skips or repeats when the clocks change"

    def with_decided(self, decided: dict[str, str]) -> DateRules:
        """These rules for one chunk of a file whose orders were settled as ``decided``."""
        return DateRules(self.order, self.fmt, dict(self.defaults), dict(decided), tz=self.tz)


# A month or a year alone: 2024-05, 2024/5, 05.2024, May 2024, Joined May 2024, maj 2024., 2024.
_MONTH_STEMS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",  # English
    "maj", "avg", "okt",  # Serbian, Croatian, Bosnian (Latin)
    "јан", "феб", "мар", "апр", "мај", "јун", "јул", "авг", "сеп", "окт", "нов", "дец",  # Serbian Cyrillic
    "shk", "pri", "qer", "kor", "gus", "sht", "tet", "nën", "dhj",  # Albanian
)  # fmt: skip
_PERIOD = re.compile(
    r"^(?:(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2}))?|(?P<m2>\d{1,2})[-/.](?P<y2>\d{4})"
    r"|(?i:joined\s+|kreiran\s+|krijuar\s+)?(?P<word>[^\W\d_]{3,12})\.?,?\s+(?P<y3>\d{4}))\.?$"
)


def period_only(value: object) -> str | None:
    """Why ``value`` was left unread when it names a month or a year and no day, else None.

    ``2024-05`` or ``May 2024`` (Twitter's profile page: "Joined May 2024") is a period, not a
    time. Reading it as the period's first day would be a silent guess, off by up to a month (a
    year): such a field is left unread, and the readers say so with this reason.
    """
    text = str(value).strip()
    found = _PERIOD.match(text)
    if found is None:
        return None
    year = found["y"] or found["y2"] or found["y3"]
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        return None
    month = found["m"] or found["m2"]
    if found["word"] is not None and not found["word"].lower().startswith(_MONTH_STEMS):
        return None
    if month is not None and not 1 <= int(month) <= 12:
        return None
    what = "a year" if found["y"] and month is None else "a month"
    return (
        f"'{escape_controls(text[:40])}' gives {what}, not a day: it is not read as the first day; "
        "write the date in full if that day will do"
    )


def read_instant(value: str) -> pd.Timestamp:
    """One time the user gives on the command line (``--as-of``), in UTC, read as a file's dates are.

    ISO 8601, Unix seconds or milliseconds, Twitter's form and the local forms: a dotted date
    (``10.05.2024``) is day-first, as in every file, and ``24/06/2012`` is settled by its value. A
    time without a zone is UTC. Never a guess: a value that reads both day-first and month-first
    (``10/05/2024``), a dotted value that cannot be day-first (``05.24.2024``) and a month or a
    year alone (``2024-05``) are refused, as is anything unreadable.

    Raises
    ------
    InputError
        The value is none of these, or not one time; the message shows the ISO 8601 form to write.
    """
    text = str(value).strip()
    shown = escape_controls(text[:40])
    if text.lower() == "now":
        return pd.Timestamp.now(tz="UTC")
    if (period := period_only(text)) is not None:
        raise InputError(period)
    one = pd.Series([text], dtype="string")
    try:
        got = parse_dates(one, "as_of", DateRules()).iat[0]
    except AmbiguousDatesError as exc:
        readings = []
        for order, words in (("dayfirst", "day first"), ("monthfirst", "month first")):
            t = parse_dates(one, "as_of", DateRules(order=order)).iat[0]
            if pd.notna(t):
                readings.append(f"{_iso_day(t)} ({words})")
        if len(readings) == 2:
            raise InputError(f"'{shown}' reads both {readings[0]} and {readings[1]}: write the one you mean as ISO 8601") from exc
        said = f": write it as ISO 8601, {readings[0].split(' ')[0]} if that is the day" if readings else ""
        raise InputError(f"'{shown}' cannot be day-first, as dotted dates are written{said}") from exc
    if pd.isna(got) and _SPELLED.search(text):
        # Forms no export column is read in, but that say their day plainly: 2024/05/10, 20240510,
        # "10 May 2024", "May 10, 2024" (a full year and the month in words).
        try:
            t = pd.Timestamp(text)
            got = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
        except (ValueError, OverflowError):
            pass
    if pd.isna(got):
        raise InputError(f"'{shown}' is not a date or time (use ISO 8601, e.g. 2020-09-01)")
    return pd.Timestamp(got)


# Year first with / or . (2024/05/10), ISO's basic form (20240510), or a full year beside a word.
_SPELLED = re.compile(r"^\d{4}[/.]\d{1,2}[/.]\d{1,2}(?!\d)|^\d{8}$|^(?=.*\d{4})(?=.*[^\W\d_]{3})")


def _iso_day(t: pd.Timestamp) -> str:
    """``2024-05-10``, or ``2024-05-10T20:01`` when the time has a time of day."""
    return t.strftime("%Y-%m-%d") if t == t.normalize() else t.strftime("%Y-%m-%dT%H:%M")


_DIRECTIVES = "%d day, %m month, %Y year, %y two-digit year, %H hour, %I hour of a 12-hour clock with %p AM/PM, %M minute, %S second"


def check_date_format(fmt: str) -> str:
    """``fmt`` when it is a ``strptime`` format (``--date-format``); else a ConfigError saying why.

    A bad directive (``%Q``) would otherwise end the run with a traceback at the first date read, and
    a format without any directive would match no value, silently.
    """
    shown = escape_controls(fmt)
    if not re.search(r"%[A-Za-z]", fmt):
        raise ConfigError(f"--date-format '{shown}' holds no strptime directive: write the form of the dates with them ({_DIRECTIVES})")
    try:
        pd.to_datetime(pd.Series(["2024"], dtype=object), format=fmt, errors="coerce", utc=True)
    except ValueError as exc:
        raise ConfigError(f"--date-format '{shown}': {escape_controls(str(exc))} (directives: {_DIRECTIVES})") from exc
    return fmt


def check_zone(name: str) -> str:
    """``name`` when it is an IANA time zone (``Europe/Belgrade``); else a ConfigError."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ConfigError(
            f"unknown time zone '{escape_controls(name)}': give an IANA name such as Europe/Belgrade, Europe/Tirane or UTC"
        ) from exc
    return name


# What the FiveThirtyEight IRA release's own people say of its times: its README names no zone, and
# Patrick Warren, one of the two researchers who collected it, answered "The times are in UTC."
IRA_UTC = "which the IRA release's authors give as its zone (github.com/fivethirtyeight/russian-troll-tweets/issues/9)"


def unzoned_notice(path: str, unzoned: dict[str, str] | set[str], documented: dict[str, str] | None = None) -> str:
    """The one sentence that says times without a zone were read as UTC, and how to change that.

    ``documented``: column to where the source states its times are UTC (:data:`IRA_UTC`), said
    in place of the bare "read as UTC" when it covers every column named.
    """
    names = sorted(unzoned)
    columns = f"column{'s' if len(names) > 1 else ''} " + ", ".join(f"'{c}'" for c in names)
    example = f" (such as '{_show(unzoned[names[0]])}')" if isinstance(unzoned, dict) else ""
    sources = {documented.get(c) for c in names} if documented else {None}
    if len(sources) == 1 and (source := sources.pop()) is not None:
        return escape_controls(
            f"times in {columns} of {path}{example} carry no time zone and were read as UTC, {source}; "
            "if this file's times are local, give --tz ZONE"
        )
    return escape_controls(
        f"times in {columns} of {path}{example} carry no time zone and were read as UTC; "
        "if they are local times, give --tz ZONE (e.g. --tz Europe/Belgrade)"
    )


def date_notices(path: str, notes: dict[str, Any]) -> list[str]:
    """The sentences on a file's dates, each said once: times without a zone, dotted dates read day-first.

    ``notes`` are a reader's notes joined over a file's chunks or an input's partitions
    (``unzoned_times``, ``dotted_dayfirst``, ``dayfirst_shown``: sets, as :mod:`detector.accounts.read`
    keeps them; :func:`rules_notes` gives them for a :class:`DateRules`).
    """
    out = []
    unzoned = notes.get("unzoned_times")
    if unzoned:
        out.append(unzoned_notice(path, dict(sorted(unzoned, reverse=True)), dict(notes.get("utc_documented") or ())))
    by_convention = convention_columns(notes.get("dotted_dayfirst") or set(), notes.get("dayfirst_shown") or set())
    if by_convention:
        out.append(convention_notice(path, by_convention))
    return out


def rules_notes(rules: DateRules) -> dict[str, Any]:
    """What ``rules`` noted while reading one file, as the sets :func:`date_notices` and
    :func:`detector.io.merge_notes` join (over partitions, in their order)."""
    return {
        "unzoned_times": set(rules.unzoned.items()), "dotted_dayfirst": set(rules.by_convention.items()),
        "dayfirst_shown": set(rules.dayfirst_shown), "utc_documented": set(rules.utc_documented.items()),
    }  # fmt: skip


def convention_columns(by_convention: dict[str, str] | set[tuple[str, str]], dayfirst_shown: set[str]) -> dict[str, str]:
    """The columns (to an example) read day-first by the dotted convention alone, in the whole file.

    ``by_convention`` and ``dayfirst_shown`` are joined over the file's chunks (a dict, or the set of
    its items as in a reader's notes): a column that one chunk shows to be day-first (``24.06.2012``)
    was settled by its values, not by the convention.
    """
    items = sorted(by_convention.items() if isinstance(by_convention, dict) else by_convention)
    out: dict[str, str] = {}
    for column, example in items:
        if column not in dayfirst_shown:
            out.setdefault(column, example)
    return out


def convention_notice(path: str, columns: dict[str, str]) -> str:
    """The one sentence that says dotted dates reading both ways were read day-first, and how to change that."""
    names = sorted(columns)
    example = columns[names[0]]
    m = _LOCAL.match(example.strip())
    read_as = ""
    if m is not None:
        day, month = int(m.group("a")), int(m.group("b"))
        months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
        year = _full_year(pd.Series([m.group("y")], dtype="string")).iat[0]
        read_as = f" ({day} {months[month - 1]} {year}, not {month} {months[day - 1]})" if pd.notna(year) else ""
    where = f"column{'s' if len(names) > 1 else ''} " + ", ".join(f"'{c}'" for c in names)
    return escape_controls(
        f"dates in {where} of {path} such as '{_show(example)}' read both ways: they were read day-first{read_as}, "
        "as dotted dates are written in the region's exports; if they are month-first, give --monthfirst"
    )


def local_parts(text: pd.Series) -> pd.DataFrame:
    """The numbers of the values in a local ``a.b.YYYY`` form (other rows missing)."""
    # The full pattern only on values that start like one: an ISO column costs one quick match.
    maybe = text.str.match(_LOCAL_START).fillna(False).to_numpy(dtype=bool)
    if maybe.all():
        return text.str.extract(_LOCAL)
    if not maybe.any():  # a Twitter or ISO column: all missing, without a column of Nones to convert
        return pd.DataFrame({name: pd.Series(pd.NA, index=text.index, dtype="string") for name in _LOCAL.groupindex}, index=text.index)
    got = text[maybe].str.extract(_LOCAL)
    parts = {}
    for name in _LOCAL.groupindex:
        column = np.full(len(text), None, dtype=object)
        column[maybe] = got[name].to_numpy(dtype=object)
        parts[name] = pd.Series(column, index=text.index, dtype="string")
    return pd.DataFrame(parts, index=text.index)


def decide_order(text: pd.Series, column: str, path: str | None = None) -> str | None:
    """Day-first or month-first for a column, from values only one reading allows.

    Dotted values (``10.05.2024``) are day-first by convention, and count as such. Returns None
    when the column holds no value in a local form, or only undotted values that read the same
    both ways (``01/01/2024``).

    Raises
    ------
    AmbiguousDatesError
        Undotted values read both ways and none settles it; some are day-first and others
        month-first; or a dotted value cannot be day-first (``05.24.2024``).
    """
    stripped = _strip(text)
    parts = local_parts(stripped)
    found = parts["a"].notna().to_numpy(dtype=bool)
    if not found.any():
        return None
    parts, values = parts[found], stripped[found]
    a = parts["a"].astype(int).to_numpy()
    b = parts["b"].astype(int).to_numpy()
    dotted = (parts["sep"] == ".").to_numpy(dtype=bool)
    # Only a real day settles the order: 32/05/2024 is no date at all, not day-first.
    day_only = (a > 12) & (a <= 31) & (b >= 1) & (b <= 12)
    month_only = (b > 12) & (b <= 31) & (a >= 1) & (a <= 12)
    if (dotted & month_only).any():
        v = values[dotted & month_only].iat[0]
        raise AmbiguousDatesError(
            f"dotted dates are day-first by convention (10.05.2024 is 10 May), but '{_show(v)}' cannot be "
            f"day-first (there is no month {int(b[dotted & month_only][0])}): if this column is month-first, "
            f"give --monthfirst or --date-format '{example_format(v, 'monthfirst')}'; otherwise correct the value",
            path=path, field=column,
        )
    day_like = day_only | dotted
    if day_like.any() and month_only.any():
        d, m = values[day_like].iat[0], values[month_only].iat[0]
        raise AmbiguousDatesError(
            f"dates are written both day-first ('{_show(d)}') and month-first ('{_show(m)}'); "
            f"give --date-format for the form you trust (--date-format '{example_format(d, 'dayfirst')}' "
            f"reads '{_show(d)}'; '{example_format(m, 'monthfirst')}' reads '{_show(m)}')",
            path=path, field=column,
        )
    if day_like.any():
        return "dayfirst"
    if month_only.any():
        return "monthfirst"
    differ = (a != b) & (a >= 1) & (a <= 12) & (b >= 1) & (b <= 12)  # read both ways, each a real date
    if not differ.any():
        return None
    example = values[differ].iat[0]
    first, second = int(a[differ][0]), int(b[differ][0])
    raise AmbiguousDatesError(
        f"dates such as '{_show(example)}' read both day-first (day {first}, month {second}) and "
        f"month-first (month {first}, day {second}), and no value in the file settles which: "
        f"give --dayfirst, --monthfirst or --date-format (e.g. --date-format '{example_format(example, 'dayfirst')}' "
        "reads them day-first)",
        path=path, field=column,
    )


def order_examples(text: pd.Series) -> pd.Series:
    """The few values of ``text`` that :func:`decide_order` needs to decide as it would on all of them.

    The first value of each kind it looks at (dotted but not day-first, day-first, month-first,
    reading differently each way), in their order: :func:`decide_order` on these values, concatenated
    for several parts of one input in the parts' order, decides (or stops, with the same example and
    words) as on all the parts' values together. At most four values per part, so the parts of a
    partitioned input can settle one order without being gathered.
    """
    stripped = _strip(text)
    parts = local_parts(stripped)
    found = parts["a"].notna().to_numpy(dtype=bool)
    if not found.any():
        return text.iloc[:0]
    a = pd.to_numeric(parts["a"], errors="coerce").fillna(0).to_numpy(dtype=int)
    b = pd.to_numeric(parts["b"], errors="coerce").fillna(0).to_numpy(dtype=int)
    dotted = (parts["sep"] == ".").fillna(False).to_numpy(dtype=bool)
    day_only = found & (a > 12) & (a <= 31) & (b >= 1) & (b <= 12)
    month_only = found & (b > 12) & (b <= 31) & (a >= 1) & (a <= 12)
    kinds = (dotted & month_only, day_only | dotted, month_only, found & (a != b) & (a >= 1) & (a <= 12) & (b >= 1) & (b <= 12))
    firsts = sorted({int(np.argmax(kind)) for kind in kinds if kind.any()})
    return text.iloc[firsts]


def has_dotted(text: pd.Series) -> bool:
    """Whether any value is in the dotted local form (``10.05.2024``), day-first by convention."""
    return bool((local_parts(_strip(text))["sep"] == ".").any())


def example_format(value: object, order: str) -> str:
    """A ``--date-format`` that reads ``value`` (a local form) in ``order``, literal text kept.

    ``'15.03.2024. 18:30'`` gives ``'%d.%m.%Y. %H:%M'``; ``'15.3.2024 u 18h'`` gives ``'%d.%m.%Y u %Hh'``.
    """
    text = str(value).strip()
    m = _LOCAL.match(text)
    if m is None:
        return "%d.%m.%Y"
    directives = {"a": "%d" if order == "dayfirst" else "%m", "b": "%m" if order == "dayfirst" else "%d",
                  "y": "%Y" if len(m.group("y")) == 4 else "%y", "H": "%I" if m.group("p") else "%H", "M": "%M", "S": "%S", "p": "%p"}
    out, at = [], 0
    for name in sorted((g for g in directives if m.group(g) is not None), key=m.start):
        out += [text[at : m.start(name)].replace("%", "%%"), directives[name]]
        at = m.end(name)
    return "".join(out) + text[at:].replace("%", "%%")


def _format_order(fmt: str | None) -> str | None:
    """The day/month order a ``--date-format`` implies for the values it does not match."""
    if not fmt or "%d" not in fmt or "%m" not in fmt:
        return None
    return "dayfirst" if fmt.index("%d") < fmt.index("%m") else "monthfirst"


def parse_dates(
    values: pd.Series, column: str, rules: DateRules | None = None, path: str | None = None, shown: str | None = None
) -> pd.Series:
    """Parse a column of date text (or numbers) to UTC; unreadable values become ``NaT``.

    ``column`` is the field (``created_at``: the key of ``rules.decided`` and ``rules.defaults``);
    ``shown`` the column as the file writes it (``publish_date``, ``Datum``), which every note and
    message names, since that is the column the user can find and fix (default: ``column``).

    A time without a zone is taken in ``rules.tz``, else as UTC: then the column goes into
    ``rules.unzoned`` (when the values hold a time of day), for the reader to say once. A value
    that ``rules.tz`` cannot place (the hour skipped or repeated when the clocks change) becomes
    ``NaT`` and goes into ``rules.unplaceable``. The day/month order of local forms comes from
    ``rules`` (the user's, a reader's default, or one decided earlier for this file and column),
    else from the values themselves (see :func:`decide_order`); a decision is kept in
    ``rules.decided`` so every chunk of a file is read the same way.
    """
    rules = rules or DateRules()
    out = pd.Series(pd.NaT, index=values.index, dtype=NS)
    present = values.notna().to_numpy(dtype=bool)
    if not present.any():
        return out
    given = values[present]
    # Text already (a CSV column) needs no per-value conversion; JSON numbers and timestamps do.
    text = _strip(given if isinstance(given.dtype, pd.StringDtype) else given.map(_as_text).astype("string"))
    parsed = pd.Series(pd.NaT, index=text.index, dtype=NS)
    # Which values were written without a zone (every local form; ISO and --date-format without one).
    naive = np.zeros(len(text), dtype=bool)
    if rules.fmt:
        parsed[:] = _to_utc(pd.to_datetime(text, format=rules.fmt, errors="coerce", utc=True))
        if "%z" not in rules.fmt and "%Z" not in rules.fmt:
            naive |= parsed.notna().to_numpy(dtype=bool)
    todo = parsed.isna()
    if todo.any():
        parsed[todo] = _twitter(text[todo])
    # ISO 8601 (looked for among the values still unread only); a year or a year and month alone
    # is a period, not a time: left unread, and :func:`period_only` says why (never its first day).
    todo = parsed.isna()
    todo[todo] = _iso_start(text[todo])
    if todo.any():
        parsed[todo] = _to_utc(pd.to_datetime(text[todo], format="ISO8601", errors="coerce", utc=True))
        # A zone written as a word after the time ("2024-05-10 22:01:00 UTC", BigQuery's CSV export):
        # pandas reads only "Z" there. Only the values left unread pay for the look.
        named = todo & parsed.isna()
        if named.any():
            named[named] = text[named].str.slice(-4).str.fullmatch(r"\s(?:UTC|GMT)").fillna(False).to_numpy(dtype=bool)
        if named.any():
            parsed[named] = _to_utc(pd.to_datetime(text[named].str.slice(0, -4).str.rstrip() + "Z", format="ISO8601", errors="coerce", utc=True))
        # Only the end of a value can hold its zone: look there (a search of the whole is slow).
        zoned = text.str.contains(":", regex=False) & text.str.slice(-8).str.contains(_ISO_ZONE)
        naive |= (todo & ~zoned.fillna(False)).to_numpy(dtype=bool)
    todo = parsed.isna()
    todo[todo] = text[todo].str.fullmatch(_UNIX.pattern).fillna(False).to_numpy(dtype=bool)
    if todo.any():
        number = pd.to_numeric(text[todo].str.removesuffix("L"), errors="coerce")
        millis = number >= 1e11
        seconds = number.where(~millis, number / 1000)
        parsed[todo] = _to_utc(pd.to_datetime(seconds, unit="s", errors="coerce", utc=True))
    todo = parsed.isna()
    if todo.any():
        parsed[todo] = _local(text[todo], column, rules, path, shown or column)
        naive |= (todo & parsed.notna()).to_numpy(dtype=bool)
    naive &= parsed.notna().to_numpy(dtype=bool)
    if naive.any():
        parsed = _zone_naive(parsed, text, naive, shown or column, rules)
    # Positions, not labels: the records of one API page share a record number.
    naive = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    naive[present] = parsed.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    return pd.Series(naive, index=values.index).dt.tz_localize("UTC")


def _zone_naive(parsed: pd.Series, text: pd.Series, naive: np.ndarray, column: str, rules: DateRules) -> pd.Series:
    """Place the times written without a zone in ``rules.tz``; without one, note them (read as UTC)."""
    if rules.tz is None:
        # One example per column is all the notice says: stop at the first (a million values cost seconds).
        if column not in rules.unzoned:
            time_of_day = re.compile(_TIME_OF_DAY)
            values = text.to_numpy(dtype=object)
            for i in np.flatnonzero(naive):
                if isinstance(values[i], str) and time_of_day.search(values[i]):
                    rules.unzoned[column] = values[i]
                    break
        return parsed
    wall = parsed.iloc[naive].dt.tz_convert(None)
    placed = wall.dt.tz_localize(rules.tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    lost = placed.isna().to_numpy(dtype=bool)
    if lost.any():
        rules.unplaceable.update(text.iloc[naive].iloc[lost].tolist())
    out = parsed.copy()
    out.iloc[np.flatnonzero(naive)] = placed.astype(NS).to_numpy()
    return out


def _local(text: pd.Series, column: str, rules: DateRules, path: str | None, shown: str) -> pd.Series:
    parts = local_parts(text)
    found = parts["a"].notna()
    out = pd.Series(pd.NaT, index=text.index, dtype=NS)
    if not found.any():
        return out
    given = rules.order or _format_order(rules.fmt) or rules.defaults.get(column)
    order = rules.order or _format_order(rules.fmt) or rules.decided.get(column) or rules.defaults.get(column)
    if order is None:
        order = decide_order(text[found], shown, path) or "dayfirst"  # None: both readings agree
        rules.decided[column] = order
    p = parts[found]
    if order == "dayfirst" and not given:
        _note_convention(p, text[found], shown, rules)
    day, month = (p["a"], p["b"]) if order == "dayfirst" else (p["b"], p["a"])
    iso = (
        _full_year(p["y"]) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + " "
        + _hours(p["H"], p["p"]).fillna("0").str.zfill(2) + ":" + p["M"].fillna("00") + ":" + p["S"].fillna("00")
    )
    out[found] = _to_utc(pd.to_datetime(iso, format="%Y-%m-%d %H:%M:%S", errors="coerce", utc=True))
    return out


def _hours(hour: pd.Series, am_pm: pd.Series) -> pd.Series:
    """The hours of a 24-hour clock: ``hour`` as written, or on a 12-hour clock where ``am_pm`` says
    so (12 AM is 0, 12 PM is 12, 1 PM is 13); an hour 0 or over 12 beside AM/PM is no time (``99``,
    which no date parser reads)."""
    twelve = am_pm.notna().to_numpy(dtype=bool)
    if not twelve.any():
        return hour
    h = pd.to_numeric(hour[twelve], errors="coerce").astype("Int64")
    pm = am_pm[twelve].str.lower().str.startswith("p").astype(bool).to_numpy()
    h24 = (h % 12 + np.where(pm, 12, 0)).where((h >= 1) & (h <= 12), 99)  # 99: no hour, the value is left unread
    out = hour.copy()
    out[twelve] = h24.astype("string")
    return out


def _full_year(year: pd.Series) -> pd.Series:
    """Years as written, in four digits: a two-digit year is 2000-2029 for 00-29 and 1969-1999 for
    69-99, where Excel (which reads 00-29 as 20xx) and strptime's ``%y`` (00-68 as 20xx) agree; for
    30-68, which one reads as 19xx and the other as 20xx, missing (the value is left unread)."""
    short = year.str.len() == 2
    if not short.fillna(False).any():
        return year
    n = pd.to_numeric(year.where(short), errors="coerce").astype("Int64")
    full = pd.Series(pd.NA, index=year.index, dtype="Int64")
    full[n <= 29] = n + 2000
    full[n >= 69] = n + 1900
    return year.where(~short, full.astype("string"))


def _note_convention(parts: pd.DataFrame, text: pd.Series, column: str, rules: DateRules) -> None:
    """Keep in ``rules`` whether these values, read day-first and not by the user's choice, show it or rest on the convention."""
    a = parts["a"].astype(int).to_numpy()
    b = parts["b"].astype(int).to_numpy()
    if ((a > 12) & (a <= 31) & (b >= 1) & (b <= 12)).any():
        rules.dayfirst_shown.add(column)
    both = (parts["sep"] == ".").to_numpy(dtype=bool) & (a != b) & (a <= 12) & (b <= 12)
    if both.any() and column not in rules.by_convention:
        rules.by_convention[column] = str(text.iloc[int(np.argmax(both))])


def _twitter(text: pd.Series) -> pd.Series:
    """Parse ``Tue Jun 11 11:20:35 +0000 2013`` fast, by slicing it into ISO 8601."""
    out = pd.Series(pd.NaT, index=text.index, dtype=NS)
    shaped = (text.str.len() == 30).fillna(False).to_numpy(dtype=bool)
    if not shaped.any():
        return out
    shaped &= ~_twitter_digits(text, out)
    if not shaped.any():
        return out
    t = text[shaped]
    month = t.str.slice(4, 7).map(_MONTHS)
    iso = t.str.slice(26, 30) + "-" + month + "-" + t.str.slice(8, 10) + "T" + t.str.slice(11, 19) + t.str.slice(20, 25)
    out[shaped] = _to_utc(pd.to_datetime(iso, format="%Y-%m-%dT%H:%M:%S%z", errors="coerce", utc=True))
    return out


# The form the X API writes (``Tue Jun 11 11:20:35 +0000 2013``), read from its bytes in bulk when
# every field is in range: weekday and month names, separators, digits, a real day and time, a zone
# within 19:59 of UTC and a year from 1800 to 2199.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _twitter_digits(text: pd.Series, out: pd.Series) -> np.ndarray:
    """Put into ``out`` the values of Twitter's form that are plain (see above) and say which they
    were: the times ``_twitter``'s slicing and parsing gives them."""
    plain = np.zeros(len(text), dtype=bool)
    if not isinstance(text.dtype, pd.StringDtype):
        return plain
    import pyarrow as pa

    arr = pa.array(text.array)
    arr = (arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr).cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    rows = np.flatnonzero(np.diff(offsets) == 30)  # 30 bytes: 30 ASCII characters, or not this form
    if not len(rows) or arr.buffers()[2] is None:
        return plain
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    start = offsets[rows]

    def byte(k: int) -> np.ndarray:
        return data[start + k].astype(np.int64)

    def number(at: int, width: int) -> np.ndarray:
        digits = [byte(at + k) - 48 for k in range(width)]
        ok = np.logical_and.reduce([(d >= 0) & (d <= 9) for d in digits])
        return np.where(ok, sum(d * 10 ** (width - 1 - k) for k, d in enumerate(digits)), -1)

    def name(at: int) -> np.ndarray:
        return byte(at) << 16 | byte(at + 1) << 8 | byte(at + 2)

    def names(words: tuple[str, ...] | dict[str, str]) -> np.ndarray:
        return np.array([ord(w[0]) << 16 | ord(w[1]) << 8 | ord(w[2]) for w in words])

    months = names(_MONTHS)
    month = np.searchsorted(np.sort(months), name(4))
    month = np.argsort(months)[np.minimum(month, 11)]
    year, day, hour, minute, second = number(26, 4), number(8, 2), number(11, 2), number(14, 2), number(17, 2)
    zone_hours, zone_minutes = number(21, 2), number(23, 2)
    ok = np.isin(name(0), names(_WEEKDAYS)) & (names(_MONTHS)[month] == name(4)) & (year >= 1800) & (year <= 2199)
    for at, char in ((3, " "), (7, " "), (10, " "), (13, ":"), (16, ":"), (19, " "), (25, " ")):
        ok &= byte(at) == ord(char)
    sign = byte(20)
    ok &= ((sign == ord("+")) | (sign == ord("-"))) & (zone_hours >= 0) & (zone_hours <= 19) & (zone_minutes >= 0) & (zone_minutes <= 59)
    ok &= (hour >= 0) & (hour <= 23) & (minute >= 0) & (minute <= 59) & (second >= 0) & (second <= 59)
    first_month = ((np.where(ok, year, 1970) - 1970) * 12 + month).astype("datetime64[M]")
    first_day = first_month.astype("datetime64[D]")
    ok &= (day >= 1) & (day <= ((first_month + 1).astype("datetime64[D]") - first_day).astype(np.int64))
    zone = (zone_hours * 60 + zone_minutes) * np.where(sign == ord("-"), -1, 1)
    seconds = (first_day.astype(np.int64) + day - 1) * 86400 + hour * 3600 + minute * 60 + second - zone * 60
    plain[rows[ok]] = True
    out[plain] = _to_utc(pd.Series((seconds[ok] * 10**9).astype("datetime64[ns]")))
    return plain


def _to_utc(s: pd.Series) -> pd.api.extensions.ExtensionArray:
    """``s`` as UTC nanoseconds, for positional assignment; years out of range (-1, 9999) are NaT."""
    s = pd.Series(s)
    if s.dtype.kind != "M":
        return pd.Series(pd.NaT, index=s.index, dtype=NS).array
    if s.dt.tz is None:
        s = s.dt.tz_localize("UTC")
    years = s.dt.year
    s = s.where((years >= FIRST_YEAR) & (years <= LAST_YEAR))
    return s.astype(NS).array


def _as_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return str(v)


# A value that starts like ISO 8601 and is more than a year and month.
_ISO_START = re.compile(r"^\d{4}-(?!\d{1,2}$)")


def _iso_start(text: pd.Series) -> np.ndarray:
    """``_ISO_START.match`` of each value (missing: False), without a Python call per value.

    pandas runs a pattern with a look-ahead through Python's ``re`` value by value (RE2 has none).
    On ASCII text RE2 says the same in two passes: ``\\d`` is ``[0-9]`` there, and Python's ``$``
    also matches before a last line break (``\\n?$``). Values beyond ASCII, where Python's ``\\d``
    takes other scripts' digits, are asked of Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.array, from_pandas=True)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    start = pc.match_substring_regex(arr, r"^[0-9]{4}-")
    month = pc.match_substring_regex(arr, r"^[0-9]{4}-[0-9]{1,2}\n?$")
    out = np.asarray(pc.fill_null(pc.and_(start, pc.invert(month)), False).to_numpy(zero_copy_only=False), dtype=bool)
    other = np.flatnonzero(~np.asarray(pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False), dtype=bool))
    if len(other):
        out[other] = [_ISO_START.match(v) is not None for v in arr.take(pa.array(other)).to_pylist()]
    return out


def _strip(text: pd.Series) -> pd.Series:
    return text.astype("string").str.strip()


def _show(value: object) -> str:
    return str(value)[:40]
