"""The contract every platform module follows, and the registry that finds them.

A platform module (``telegram``, ``bluesky``, ``mastodon``, ``tiktok``, ``facebook``) subclasses :class:`Source`
and registers itself with :func:`register` when imported. Its reader turns what an analyst can
export or collect into the canonical posts table (:data:`detector.schema.POST_COLUMNS`), with a
``platform`` column, plus author profiles where the platform publishes them, as flat records in
v1.1 field names that :func:`detector.accounts.read.accounts_from_records` reads. A platform
profile carries only the fields the platform really has: a field it lacks stays missing.

Collectors (where an open API allows) share :class:`Pager`: one request at a time, rate limits
waited out with the wait shown, transient failures retried with exponential backoff, every other
failure raised as :class:`~detector.errors.CollectError`. A collector yields :class:`Page` objects
(raw response, canonical rows, the cursor that follows); the store side (:mod:`detector.ops.collect`)
stores each page with its cursor in one transaction, which is what makes collections resumable
and idempotent.

This package sits below posts and accounts: it imports only the core (errors, schema, io).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from detector.errors import CollectError, InputError
from detector.io import Rejects, iter_json_records, open_input, resolve_format
from detector.schema import POST_COLUMNS, conform

log = logging.getLogger(__name__)

HASHTAG_RE = re.compile(r"(?<![\w&])[#＃](\w+)", re.UNICODE)
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# How many bytes of a file are looked at to tell which platform wrote it.
SNIFF_BYTES = 65536
#: Key of a flat profile record naming the text fields (``name``, ``description``, ``url``,
#: ``location``) that the platform's view of the account does not carry or left unreadable (a
#: Bluesky post's author view has no description). The account reader keeps them missing: read
#: beside records that have the field, an absent value would otherwise be taken as an empty one.
ABSENT = "_absent"


@dataclass
class SourceRead:
    """What a platform reader found in one file or folder.

    Attributes
    ----------
    posts : DataFrame
        Canonical posts, ``platform`` set.
    users : list of (int, dict)
        Author profiles as ``(record number, flat record)`` in v1.1 field names
        (``id``, ``screen_name``, ``followers_count``…, ``platform``), only the fields the
        platform has. Empty when the platform exports no profiles. A text field a record
        lacks while others may have it is named in the record's :data:`ABSENT` key.
    shape : str
        The platform's name, as the ``shape`` of :class:`detector.posts.read.PostsRead`.
    skipped : Counter
        Records left out on purpose, by reason (e.g. Telegram service messages); not rejects.
    zoneless : dict
        Field name to an example, for times the platform wrote without a zone (read as UTC);
        ``zoneless_rows`` marks those posts (True), in the order of ``posts``. The caller says so
        once, or places them in the user's ``--tz``.
    """

    posts: pd.DataFrame
    users: list[tuple[int, dict[str, Any]]]
    shape: str
    skipped: Counter[str] = field(default_factory=Counter)
    zoneless: dict[str, str] = field(default_factory=dict)
    zoneless_rows: list[bool] = field(default_factory=list)


class Source:
    """One platform: how to recognise its files and read them.

    Subclasses set :attr:`platform` and implement :meth:`claims` and :meth:`read`.
    """

    platform: ClassVar[str] = ""
    #: One line for ``--help`` and error messages.
    title: ClassVar[str] = ""

    def claims(self, head: str, path: Path) -> bool:
        """Whether the file starting with ``head`` (its first bytes, as text) is this platform's."""
        raise NotImplementedError

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        """Read one file (or a folder, for platforms whose exports are folders)."""
        raise NotImplementedError


class TableSource(Source):
    """A platform whose exports are CSV tables, recognised by their header line (never by guessing
    at the rows)."""

    def claims(self, head: str, path: Path) -> bool:
        if path.is_dir() or head.lstrip().startswith(("{", "[")):
            return False
        return self.sniff_header(header_fields(head))

    def sniff_header(self, fields: list[str]) -> bool:
        """Whether a CSV's header fields are this platform's."""
        raise NotImplementedError


def header_fields(head: str) -> list[str]:
    """The fields of a CSV's header line (its first line in ``head``), delimiter as :func:`detector.io.csv_delimiter` picks it."""
    import csv

    line = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    sep = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        return [f.strip() for f in next(csv.reader([line], delimiter=sep), [])]
    except csv.Error:
        return []


class JSONSource(Source):
    """A platform whose files are JSON or JSONL: one response, a list, or one record a line."""

    def claims(self, head: str, path: Path) -> bool:
        return not path.is_dir() and self.sniff(head)

    def sniff(self, head: str) -> bool:
        """Whether a file's first bytes hold this platform's keys."""
        raise NotImplementedError

    def documents(self, path: Path, rejects: Rejects) -> Iterator[tuple[int, Any]]:
        """``(record number, parsed JSON)`` of a file; unparseable JSONL lines go to ``rejects``."""
        fmt = resolve_format(path, None)
        if fmt not in ("json", "jsonl"):
            raise InputError(f"{self.title}: a JSON or JSONL file was expected", path=str(path))
        yield from iter_json_records(path, fmt, rejects)


_SOURCES: dict[str, Source] = {}


def register(source: type[Source]) -> type[Source]:
    """Class decorator: make a platform known to the readers and the CLI."""
    _SOURCES[source.platform] = source()
    return source


def sources() -> dict[str, Source]:
    """Every registered platform, by name."""
    _load_all()
    return dict(_SOURCES)


def get_source(platform: str) -> Source:
    """The registered source of ``platform``; :class:`InputError` when there is none."""
    _load_all()
    try:
        return _SOURCES[platform]
    except KeyError:
        raise InputError(f"unknown platform '{platform}' (known: {', '.join(sorted(_SOURCES))})") from None


def find_source(path: str | Path) -> Source | None:
    """The platform that wrote ``path`` (a file or a folder of exports), or ``None`` (X shapes, CSV)."""
    _load_all()
    p = Path(path)
    if p.is_dir():
        return next((s for s in _SOURCES.values() if s.claims("", p)), None)
    try:
        with open_input(p) as fh:  # a UTF-16 export (Excel's "Unicode Text") is sniffed as its text
            head = fh.read(SNIFF_BYTES).decode("utf-8", "replace").lstrip("\ufeff")
    except OSError:
        return None
    if not head.lstrip().startswith(("{", "[")):
        # A table: only the platforms whose exports are tables look at its header line.
        return next((s for s in _SOURCES.values() if isinstance(s, TableSource) and s.claims(head, p)), None)
    return next((s for s in _SOURCES.values() if s.claims(head, p)), None)


def _load_all() -> None:
    # Importing a module registers its source; the list is the package's own modules.
    from detector.sources import bluesky, facebook, mastodon, telegram, tiktok  # noqa: F401


# ---------------------------------------------------------------- helpers for the readers


def posts_table(rows: list[dict[str, Any]], platform: str) -> pd.DataFrame:
    """Canonical posts from rows holding canonical column names; times already UTC Timestamps."""
    df = pd.DataFrame(rows, columns=list(POST_COLUMNS))
    df["platform"] = platform
    return conform(df, POST_COLUMNS)


def unix_time(value: Any) -> pd.Timestamp | None:
    """A UTC time from Unix seconds given as a number or as text; ``None`` when unreadable."""
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pd.Timestamp(seconds, unit="s", tz="UTC")


def iso_time(value: Any) -> pd.Timestamp | None:
    """A UTC time from ISO 8601 text (a time without a zone is taken as UTC); ``None`` when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        ts = pd.Timestamp(value.strip())
    except (ValueError, TypeError):
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: exports leave fields out freely."""
    return value if isinstance(value, dict) else {}


def obj_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def hashtags_in(text: str | None) -> list[str]:
    return [t.lower() for t in HASHTAG_RE.findall(text or "")]


def urls_in(text: str | None) -> list[str]:
    return [u.rstrip(".,;:!?)]}…") for u in URL_RE.findall(text or "")]


def joined(items: list[str]) -> str | None:
    """Space-joined, in order, without repeats; ``None`` for none."""
    kept = list(dict.fromkeys(i for i in items if i))
    return " ".join(kept) if kept else None


def text_key(prefix: str, *parts: str) -> str:
    """A stable id derived from text, for reposts whose original the export does not name."""
    return prefix + ":" + hashlib.sha1("\n".join(p.strip() for p in parts).encode()).hexdigest()[:16]


class _HTMLText(HTMLParser):
    """Text and links of an HTML fragment (Mastodon ``content`` and ``note``)."""

    BLOCK = {"p", "br", "li", "div", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            cls = (a.get("class") or "").split()
            # Mentions and hashtags are links too; only the links the author chose to share count.
            if a.get("href") and not {"mention", "hashtag"} & set(cls):
                self.links.append(str(a["href"]))
        elif tag == "span" and "invisible" in (a.get("class") or "").split():
            self._hidden += 1  # Mastodon hides "https://" of a shortened link: keep the whole link text

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str | None) -> tuple[str, list[str]]:
    """Plain text of an HTML fragment (paragraphs and line breaks kept), and its shared links."""
    if not fragment:
        return "", []
    parser = _HTMLText()
    parser.feed(fragment)
    parser.close()
    text = html.unescape("".join(parser.parts))
    return re.sub(r"\n{3,}", "\n\n", text).strip(), parser.links


# ---------------------------------------------------------------- collectors


@dataclass
class Page:
    """One response of a collection, ready to store.

    ``cursor`` is what to ask for next (``None`` when the listing is exhausted); ``newest`` the
    newest item seen, from which a later pass starts.
    """

    key: str
    raw: Any
    posts: pd.DataFrame
    users: list[tuple[int, dict[str, Any]]]
    cursor: str | None
    newest: str | None = None


class RateLimited(Exception):
    """Raised by a request function: the platform asks to wait ``wait`` seconds."""

    def __init__(self, wait: float | None, detail: str = "") -> None:
        super().__init__(detail or "rate limited")
        self.wait = wait


class Transient(Exception):
    """Raised by a request function: a failure worth retrying (5xx, timeout, dropped connection)."""


@dataclass
class PagerStats:
    """What one collection met on the way."""

    requests: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    retries: int = 0


class Pager:
    """Runs requests with the X collector's guarantees: waits, retries, typed failures.

    Parameters
    ----------
    max_retries : int
        Attempts after a transient failure before giving up.
    backoff, max_backoff : float
        First retry delay in seconds, doubled each time up to ``max_backoff``.
    max_rate_waits : int
        Consecutive rate-limit waits on one request before giving up.
    sleep, clock : callables
        ``time.sleep`` and ``time.time`` unless replaced (tests replace them).
    progress : bool, optional
        A progress bar during waits; by default only when stderr is a terminal.
    """

    def __init__(
        self,
        *,
        max_retries: int = 5,
        backoff: float = 2.0,
        max_backoff: float = 300.0,
        max_rate_waits: int = 20,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        progress: bool | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_rate_waits = max_rate_waits
        self.sleep = sleep or time.sleep
        self.clock = clock or time.time
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.stats = PagerStats()

    def call(self, what: str, fn: Callable[[], Any]) -> Any:
        """Call ``fn`` until it answers; ``fn`` raises :class:`RateLimited`, :class:`Transient` or
        :class:`~detector.errors.CollectError`."""
        failures = 0
        waits = 0
        while True:
            self.stats.requests += 1
            try:
                return fn()
            except RateLimited as exc:
                waits += 1
                if waits > self.max_rate_waits:
                    raise CollectError(f"{what}: still rate limited after {self.max_rate_waits} waits") from exc
                wait = exc.wait if exc.wait is not None and exc.wait >= 0 else 60.0
                self.stats.rate_limit_waits += 1
                self.stats.waited_seconds += wait
                self.wait(wait, f"rate limit on {what}")
            except Transient as exc:
                failures += 1
                self.stats.retries += 1
                if failures > self.max_retries:
                    raise CollectError(f"{what}: gave up after {failures} attempts; last failure: {exc}") from exc
                delay = min(self.backoff * 2 ** (failures - 1), self.max_backoff)
                log.warning("%s: %s; retry %d of %d in %.0f s", what, exc, failures, self.max_retries, delay)
                self.sleep(delay)

    def wait(self, seconds: float, why: str) -> None:
        until = datetime.fromtimestamp(self.clock() + seconds, UTC).strftime("%H:%M:%S UTC")
        log.warning("%s: waiting %.0f s, until about %s", why, seconds, until)
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(total=int(round(seconds)), desc=f"{why} (until {until})", unit="s", file=sys.stderr, leave=False)
        left = seconds
        while left > 0:
            step = min(1.0 if bar is not None else 60.0, left)
            self.sleep(step)
            left -= step
            if bar is not None:
                bar.update(step)
            elif left > 0:
                log.info("%s: %.0f s left", why, left)
        if bar is not None:
            bar.close()


def reset_wait(headers: dict[str, Any], clock: Callable[[], float], names: tuple[str, ...] = ("ratelimit-reset", "x-ratelimit-reset")) -> float | None:
    """Seconds until a rate limit resets, from a Unix-time or ISO reset header; ``None`` if absent."""
    lower = {str(k).lower(): v for k, v in headers.items()}
    for name in names:
        value = lower.get(name)
        if value is None:
            continue
        when = unix_time(value)
        if when is None:
            when = iso_time(str(value))
        if when is not None:
            return max(when.timestamp() - clock(), 0.0) + 1.0
    retry = lower.get("retry-after")
    try:
        return float(retry) if retry is not None else None
    except ValueError:
        return None


def stamp(when: datetime) -> str:
    """A time as ISO 8601 UTC text, whole milliseconds (``2024-05-14T09:12:33.000Z``)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iter_pages(fetch: Callable[[str | None], Page], cursor: str | None, max_pages: int | None) -> Iterator[Page]:
    """Follow cursors from ``cursor`` until the listing ends (no cursor, the same cursor again, or
    an empty page) or ``max_pages`` pages were fetched."""
    n = 0
    while max_pages is None or n < max_pages:
        page = fetch(cursor)
        n += 1
        if page.cursor == cursor or page.posts.empty:
            page.cursor = None
        yield page
        if not page.cursor:
            return
        cursor = page.cursor
