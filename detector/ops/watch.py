"""Watches: what to follow (queries, hashtags, accounts, languages) and when to flag, from TOML.

This module owns the watch configuration file: where it lives by default, how it is parsed and
validated, and which posts a watch covers. It never collects, scores or stores anything: the
collector, the runner and the report read :class:`Watch` objects from here.

The file looks like this (see ``watches.example.toml`` at the repository root)::

    [watches.paris-march]
    description = "Calls to march in Paris"
    queries = ["marche paris"]
    hashtags = ["MarcheParis"]          # with or without '#'
    accounts = ["@some_account"]        # with or without '@'
    languages = ["fr", "en"]

    [watches.paris-march.thresholds]
    account = 0.8                       # flag an account whose score is at least this
    post = 0.8

Sources per platform: ``platforms`` lists where the watch collects (``x``, ``bluesky``,
``mastodon``; default ``["x"]``). The top-level queries and hashtags apply on each; a
``[watches.NAME.<platform>]`` table replaces them there and names that platform's accounts (and,
for Mastodon, the ``server`` to ask; its public API follows hashtags and accounts, not words)::

    platforms = ["x", "bluesky", "mastodon"]

    [watches.paris-march.mastodon]
    server = "https://piaille.fr"
    hashtags = ["MarcheParis"]
    accounts = ["someone@piaille.fr"]

Every error names the file, the watch and the field.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from detector.errors import ConfigError, InputError
from detector.io import read_text_input

log = logging.getLogger(__name__)

WATCHES_FILE = "watches.toml"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# X handles are 1-15 word characters; older data sets hold a few longer ones, so allow up to 50.
_HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,50}$")
_HASHTAG_RE = re.compile(r"^\w{1,139}$")
# BCP 47-ish: "fr", "pt-BR", "zh-Hant", "und".
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def default_watches_path() -> Path:
    """Where :func:`load_watches` looks when no path is given: ``watches.toml`` in the data folder.

    The data folder is the store's (:func:`detector.ops.store.default_data_dir`:
    ``$DETECTOR_DATA_DIR``, else ``$XDG_DATA_HOME/detector``, else ``~/.local/share/detector``).
    """
    from detector.ops.store import default_data_dir

    return default_data_dir() / WATCHES_FILE


@dataclass(frozen=True)
class Thresholds:
    """When a watch flags something. ``None`` means "use the model's or module's own default".

    Attributes
    ----------
    account : float, optional
        Flag an account whose score is at least this (0–1).
    post : float, optional
        Flag a post whose score is at least this (0–1).
    cluster_min_accounts : int, optional
        Report a coordination cluster only when it holds at least this many accounts (≥ 2).
    cluster_window_minutes : float, optional
        Width of the time window in which posts count as coordinated (≥ 1: some sources have
        minute resolution).
    cluster_similarity : float, optional
        Minimum text similarity (0–1) for two posts to count as the same message.
    """

    account: float | None = None
    post: float | None = None
    cluster_min_accounts: int | None = None
    cluster_window_minutes: float | None = None
    cluster_similarity: float | None = None


@dataclass(frozen=True)
class Watch:
    """One thing to follow: what to search for and when to flag.

    Hashtags are stored lower-case without ``#`` (as in the canonical post table); accounts
    without ``@``; languages lower-case except for region/script subtags.
    """

    name: str
    description: str = ""
    queries: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    platforms: tuple[PlatformSource, ...] = ()

    def sources(self) -> tuple[PlatformSource, ...]:
        """Where the watch collects: its platform sources, or X alone when none is named."""
        return self.platforms or (PlatformSource("x", self.queries, self.hashtags, self.accounts),)

    def search_query(self) -> str:
        """The watch as one X API v2 search query.

        Queries, ``#hashtags`` and ``from:accounts`` are OR-ed; languages restrict the whole.
        Retweets are left in: coordinated amplification often is retweets.
        """
        terms = [_quote_term(q) for q in self.queries]
        terms += [f"#{h}" for h in self.hashtags]
        terms += [f"from:{a}" for a in self.accounts]
        query = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
        if self.languages:
            langs = [f"lang:{lang}" for lang in self.languages]
            query += " " + (langs[0] if len(langs) == 1 else "(" + " OR ".join(langs) + ")")
        return query

    def matches(self, posts: pd.DataFrame) -> pd.Series:
        """Which rows of a canonical post table this watch covers.

        A post is covered when its text contains one of the queries (case-insensitive; every word
        of a multi-word query must appear, a ``"quoted phrase"`` must appear as such), it carries one of the hashtags, or its author is one of
        the accounts; and, when the watch names languages, the post's language is one of them
        (a post without a language is kept rather than silently dropped).
        """
        index = posts.index
        text = _column(posts, "text").str.casefold()
        hit = pd.Series(False, index=index)
        for q in self.queries:
            folded = q.casefold()
            if len(folded) > 2 and folded.startswith('"') and folded.endswith('"'):
                words = [folded[1:-1]]
            else:
                words = folded.split()
            has_all = pd.Series(True, index=index)
            for w in words:
                has_all &= text.str.contains(w, regex=False)
            hit |= has_all
        if self.hashtags:
            wanted = set(self.hashtags)
            tags = _column(posts, "hashtags").str.casefold().str.split()
            hit |= tags.map(lambda ts: bool(wanted.intersection(ts)) if isinstance(ts, list) else False).astype(bool)
        accounts = {a for src in self.sources() for a in src.accounts} | set(self.accounts)
        if accounts:
            wanted_authors = {a.casefold() for a in accounts}
            author = _column(posts, "author_screen_name").str.casefold()
            hit |= author.isin(wanted_authors)
        if self.languages:
            lang = _column(posts, "lang").str.casefold()
            allowed = {lang_code.casefold() for lang_code in self.languages}
            primary = lang.str.split("-").str[0]
            allowed_primary = {a.split("-")[0] for a in allowed}
            lang_ok = (lang == "") | lang.isin(allowed) | primary.isin(allowed_primary)
            hit &= lang_ok
        return hit.astype(bool)

    def as_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready view (for ``watch list --json`` and report headers)."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "queries": list(self.queries),
            "hashtags": list(self.hashtags),
            "accounts": list(self.accounts),
            "languages": list(self.languages),
            "thresholds": {f.name: getattr(self.thresholds, f.name) for f in fields(Thresholds)},
            "platforms": {s.platform: s.as_dict() for s in self.sources()},
        }
        return out


COLLECTABLE = ("x", "bluesky", "mastodon")
DEFAULT_MASTODON_SERVER = "https://mastodon.social"
_PLATFORM_KEYS = ("queries", "hashtags", "accounts", "server")
# Bluesky handles are domain names (or DIDs); Mastodon accounts are user or user@server.
_ACCOUNT_RE = {
    "x": _HANDLE_RE,
    "bluesky": re.compile(r"^(did:[a-z]+:[A-Za-z0-9._:%-]+|[A-Za-z0-9][A-Za-z0-9.-]{0,252})$"),
    "mastodon": re.compile(r"^\w{1,30}(@[A-Za-z0-9.-]+)?$"),
}


@dataclass(frozen=True)
class PlatformSource:
    """What a watch follows on one platform."""

    platform: str
    queries: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    server: str | None = None

    def listings(self) -> list[tuple[str, str]]:
        """The ``(what, target)`` listings to collect on a platform other than X (X takes one
        search query, :meth:`Watch.search_query`)."""
        if self.platform == "bluesky":
            return [("search", q) for q in self.queries] + [("search", f"#{h}") for h in self.hashtags] + [("feed", a) for a in self.accounts]
        if self.platform == "mastodon":
            return [("hashtag", h) for h in self.hashtags] + [("account", a) for a in self.accounts]
        return []

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"queries": list(self.queries), "hashtags": list(self.hashtags), "accounts": list(self.accounts)}
        if self.server:
            out["server"] = self.server
        return out


def _platform_sources(spec: dict[str, Any], queries: list[str], hashtags: list[str], accounts: list[str], fail: Any, strings: Any) -> tuple[PlatformSource, ...]:
    named = spec.get("platforms")
    tables = [p for p in COLLECTABLE if p in spec]
    if named is None and not tables:
        return ()
    if named is None:
        named = ["x", *tables] if (queries or hashtags or accounts) else tables
    if isinstance(named, str):
        named = [named]
    if not isinstance(named, list) or not all(isinstance(p, str) for p in named):
        raise fail("platforms", "must be a list of platform names")
    out = []
    for name in dict.fromkeys(p.strip().lower() for p in named):
        if name not in COLLECTABLE:
            hint = " (read its exports with `detector run --from`)" if name in ("telegram", "tiktok") else ""
            raise fail("platforms", f"'{name}' cannot be collected{hint}; collectable: {', '.join(COLLECTABLE)}")
        table = spec.get(name, {})
        if not isinstance(table, dict):
            raise fail(name, f"must be a table ([watches.NAME.{name}])")
        unknown = sorted(set(table) - set(_PLATFORM_KEYS))
        if unknown or (name != "mastodon" and "server" in table):
            raise fail(f"{name}.{(unknown or ['server'])[0]}", f"unknown field (known: queries, hashtags, accounts{', server' if name == 'mastodon' else ''})")
        own_queries = strings(f"{name}.queries", table.get("queries")) if "queries" in table else queries
        own_tags = [h.lstrip("#").casefold() for h in strings(f"{name}.hashtags", table.get("hashtags"))] if "hashtags" in table else hashtags
        own_accounts = strings(f"{name}.accounts", table.get("accounts")) if "accounts" in table else (accounts if name == "x" else [])
        own_accounts = [a.lstrip("@") for a in own_accounts]
        for i, a in enumerate(own_accounts, start=1):
            if not _ACCOUNT_RE[name].match(a):
                raise fail(f"{name}.accounts", f"item {i} ({a!r}) is not a {name} account name")
        server = table.get("server", DEFAULT_MASTODON_SERVER if name == "mastodon" else None)
        if server is not None and (not isinstance(server, str) or not server.startswith(("https://", "http://"))):
            raise fail(f"{name}.server", f"must be a URL such as {DEFAULT_MASTODON_SERVER}")
        if name == "mastodon" and own_queries and "hashtags" not in table and not own_tags:
            log.warning("watch: Mastodon's public API follows hashtags and accounts, not words: queries are not collected there")
        if not (own_queries or own_tags or own_accounts):
            raise fail(name, "follows nothing there: give queries, hashtags or accounts")
        out.append(PlatformSource(name, tuple(_dedupe(own_queries)), tuple(_dedupe(own_tags)), tuple(_dedupe(own_accounts)), server))
    return tuple(out)


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series("", index=df.index, dtype="string")
    return df[name].astype("string").fillna("")


def _quote_term(q: str) -> str:
    # Words of a query are AND-ed by X; parentheses keep them together inside the OR.
    return f"({q})" if " " in q and not (q.startswith('"') and q.endswith('"')) else q


def load_watches(path: str | os.PathLike[str] | None = None) -> dict[str, Watch]:
    """Read and check every watch of a TOML file.

    Parameters
    ----------
    path
        The TOML file; :func:`default_watches_path` when ``None``.

    Returns
    -------
    dict
        Watch name → :class:`Watch`, in the order of the file.

    Raises
    ------
    ConfigError
        The file is missing or not TOML, or a watch is invalid; the message names the file, the
        watch and the field.
    """
    p = Path(path) if path is not None else default_watches_path()
    try:
        # Through the input layer: a watch file saved by Notepad as UTF-16 ("Unicode") or with a UTF-8 mark
        # reads as its mark says.
        doc = tomllib.loads(read_text_input(p))
    except InputError as exc:
        raise ConfigError(str(exc)) from exc
    except FileNotFoundError as exc:
        hint = (
            ""
            if path is not None
            else f" (start from the example: cp watches.example.toml {p}, or pass --config watches.example.toml; DETECTOR_DATA_DIR moves the data folder)"
        )
        raise ConfigError(f"{p}: watch file not found{hint}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    unknown = set(doc) - {"watches"}
    if unknown:
        raise ConfigError(f"{p}: unknown top-level key(s) {', '.join(sorted(unknown))}; watches go under [watches.NAME]")
    table = doc.get("watches")
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{p}: no watches: add a [watches.NAME] table")
    watches = {name: parse_watch(name, spec, source=str(p)) for name, spec in table.items()}
    log.debug("%s: %d watches", p, len(watches))
    return watches


def get_watch(name: str, path: str | os.PathLike[str] | None = None) -> Watch:
    """Load the watch file and return the watch called ``name`` (``ConfigError`` if absent)."""
    watches = load_watches(path)
    if name not in watches:
        where = path if path is not None else default_watches_path()
        raise ConfigError(f"{where}: no watch named '{name}' (known: {', '.join(watches)})")
    return watches[name]


_WATCH_KEYS = ("description", "queries", "hashtags", "accounts", "languages", "thresholds", "platforms", *COLLECTABLE[1:])


def parse_watch(name: str, spec: Any, *, source: str = "<config>") -> Watch:
    """Check one ``[watches.NAME]`` table and build its :class:`Watch`.

    Raises
    ------
    ConfigError
        Naming ``source``, the watch and the field at fault.
    """

    def fail(fld: str | None, msg: str) -> ConfigError:
        where = f"{source}: watch '{name}'" + (f", field '{fld}'" if fld else "")
        return ConfigError(f"{where}: {msg}")

    if not _NAME_RE.match(name):
        raise fail(None, "a watch name is 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")
    if not isinstance(spec, dict):
        raise fail(None, "must be a table ([watches.NAME])")
    unknown = sorted(set(spec) - set(_WATCH_KEYS))
    if unknown:
        raise fail(unknown[0], f"unknown field (known: {', '.join(_WATCH_KEYS)})")

    description = spec.get("description", "")
    if not isinstance(description, str):
        raise fail("description", "must be a string")

    def strings(fld: str) -> list[str]:
        value = spec.get(fld, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise fail(fld, "must be a list of strings")
        out: list[str] = []
        for i, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                raise fail(fld, f"item {i} must be a non-empty string, got {item!r}")
            out.append(item.strip())
        return out

    queries = strings("queries")
    hashtags = []
    for i, tag in enumerate(strings("hashtags"), start=1):
        bare = tag.lstrip("#")
        if not _HASHTAG_RE.match(bare):
            raise fail("hashtags", f"item {i} ({tag!r}) is not a hashtag (letters, digits, '_')")
        hashtags.append(bare.casefold())
    accounts = []
    for i, handle in enumerate(strings("accounts"), start=1):
        bare = handle.lstrip("@")
        if not _HANDLE_RE.match(bare):
            raise fail("accounts", f"item {i} ({handle!r}) is not a screen name (letters, digits, '_')")
        accounts.append(bare)
    languages = []
    for i, lang in enumerate(strings("languages"), start=1):
        parts = lang.split("-")
        norm = "-".join([parts[0].lower(), *parts[1:]])
        if not _LANG_RE.match(norm):
            raise fail("languages", f"item {i} ({lang!r}) is not a language code such as 'fr' or 'pt-BR'")
        languages.append(norm)
    def named_strings(fld: str, value: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(fld, "must be a list of non-empty strings")
        return [v.strip() for v in value]

    platforms = _platform_sources(spec, queries, hashtags, accounts, fail, named_strings)
    if not (queries or hashtags or accounts or platforms):
        raise fail("queries", "a watch needs at least one query, hashtag or account")

    thresholds = _parse_thresholds(spec.get("thresholds", {}), fail)
    return Watch(
        name=name,
        description=description,
        queries=tuple(_dedupe(queries)),
        hashtags=tuple(_dedupe(hashtags)),
        accounts=tuple(_dedupe(accounts)),
        languages=tuple(_dedupe(languages)),
        thresholds=thresholds,
        platforms=platforms,
    )


def _parse_thresholds(spec: Any, fail: Any) -> Thresholds:
    if not isinstance(spec, Mapping):
        raise fail("thresholds", "must be a table ([watches.NAME.thresholds])")
    known = [f.name for f in fields(Thresholds)]
    unknown = sorted(set(spec) - set(known))
    if unknown:
        raise fail(f"thresholds.{unknown[0]}", f"unknown threshold (known: {', '.join(known)})")
    values: dict[str, Any] = {}
    for key, value in spec.items():
        fld = f"thresholds.{key}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(fld, f"must be a number, got {value!r}")
        if key in ("account", "post", "cluster_similarity"):
            if not 0.0 <= value <= 1.0:
                raise fail(fld, f"must be between 0 and 1, got {value}")
            values[key] = float(value)
        elif key == "cluster_min_accounts":
            if not isinstance(value, int) or value < 2:
                raise fail(fld, f"must be a whole number of at least 2, got {value}")
            values[key] = value
        elif key == "cluster_window_minutes":
            if value < 1:
                raise fail(fld, f"must be at least 1 minute, got {value}")
            values[key] = float(value)
    return Thresholds(**values)


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
