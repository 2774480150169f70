"""Post readers: every supported input shape in, the canonical posts table out.

This module owns the shapes posts arrive in and turns each into
:data:`detector.schema.POST_COLUMNS`:

* a flat CSV with ``post_id``, ``author_id``, ``author_screen_name``, ``text``, ``created_at`` and
  optional ``repost_of``, ``reply_to``, ``urls``, ``hashtags``, ``lang``;
* the IRA CSV shape published by FiveThirtyEight (``author``, ``content``, ``publish_date``,
  ``post_type``, …), as CSV or as the Parquet re-packaging;
* v1.1 tweet objects with an embedded ``user`` (JSON list or JSONL);
* X API v2 response pages (``data`` + ``includes.users``), one page per JSON file or per JSONL line;
* twarc2-style flattened v2 tweets (``author`` inline, ``__twarc`` metadata);
* TwiBot-20 user records (``ID``, ``profile``, ``tweet``: a list of texts without ids or times);
* the other platforms' exports (Telegram, Bluesky, Mastodon, TikTok; Facebook and Instagram's
  Meta Content Library and CrowdTangle files): handed to their readers in :mod:`detector.sources`,
  which recognise their files (or, for Telegram, folders) by content, a CSV by its header.

A flat CSV may name each row's ``platform`` (``facebook``, ``telegram``…); without it rows are X's.

It also hands back the author profiles embedded in tweets (v1.1 ``user``, v2 ``includes.users``,
twarc2 ``author``) as raw records for :mod:`detector.accounts.read`. It never scores anything and never
follows a URL. A bad record is kept aside in :class:`~detector.io.Rejects` with its record
number and field; the good records are still returned.

The text of a repost is the reposted text without the ``RT @user:`` prefix when the input carries
the original (v1.1 ``retweeted_status``, v2 ``includes.tweets``), so that message features see the
whole message; ``repost_of`` says it is a repost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from detector import progress
from detector.columns import (
    KNOWN_UNREAD_POST_FIELDS,
    POST_HEADERS,
    as_written,
    found_list,
    rename_map,
    unknown_headers,
    unread_notice,
)
from detector.dates import (
    IRA_UTC,
    DateRules,
    decide_order,
    parse_dates,
    period_only,
    unzoned_notice,
)
from detector.errors import EmptyInputError, InputError, NothingScoredError
from detector.io import Rejects, iter_json_records, read_csv_strings, resolve_format
from detector.kinds import KindSorter
from detector.posts.matching import python_class, python_space
from detector.schema import POST_COLUMNS, conform
from detector.sources.base import find_source

log = logging.getLogger(__name__)

TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
HASHTAG_RE = re.compile(r"(?<![\w&])[#＃](\w+)", re.UNICODE)
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# The IRA data names languages; the canonical table uses ISO 639-1 codes where one is obvious.
LANGUAGE_CODES = {
    "english": "en", "russian": "ru", "german": "de", "ukrainian": "uk", "italian": "it",
    "bulgarian": "bg", "serbian": "sr", "macedonian": "mk", "croatian": "hr", "bosnian": "bs",
    "albanian": "sq", "arabic": "ar", "french": "fr", "spanish": "es", "norwegian": "no",
    "romanian": "ro", "dutch": "nl", "swedish": "sv", "estonian": "et", "uzbek": "uz",
    "farsi (persian)": "fa", "vietnamese": "vi", "slovenian": "sl", "polish": "pl",
    "turkish": "tr", "portuguese": "pt", "catalan": "ca", "pushto": "ps", "icelandic": "is",
    "finnish": "fi", "japanese": "ja", "lithuanian": "lt", "tagalog (filipino)": "tl", "latvian": "lv",
    "somali": "so", "kurdish": "ku", "czech": "cs", "slovak": "sk", "hungarian": "hu", "malay": "ms",
    "indonesian": "id", "danish": "da", "hebrew": "he", "urdu": "ur", "hindi": "hi", "korean": "ko",
    "thai": "th", "gujarati": "gu", "greek": "el", "simplified chinese": "zh", "traditional chinese": "zh",
    "bengali": "bn", "language undefined": None, "": None,
}
REQUIRED_FLAT = ("text", "created_at")
IRA_MARKERS = ("content", "publish_date")
# The post fields read from the IRA CSV's columns of other names: what its messages name.
IRA_HEADERS = {"author_id": "author", "text": "content", "created_at": "publish_date"}


@dataclass
class PostsRead:
    """What :func:`read_posts` found in one file.

    Attributes
    ----------
    posts : DataFrame
        The canonical posts table (:data:`~detector.schema.POST_COLUMNS`).
    users : list of (int, dict)
        Author profiles embedded in the posts, as ``(record number, raw record)``; the raw record
        is ``{"created_at": <when it was observed>, "user": <v1.1 or v2 user object>}``, the shape
        :func:`detector.accounts.read.accounts_from_records` reads (a v2 user gets ``collected_at``
        instead). Empty when the input carries none.
    rejects : Rejects
        Records that could not be used.
    shape : str
        Which reader was used: ``flat``, ``ira``, ``v1``, ``v2``, ``twarc2`` or ``twibot20``, or the platform
        (``telegram``, ``bluesky``, ``mastodon``, ``tiktok``).
    profiles : DataFrame or None
        Partial author profiles carried by table rows (the IRA CSV's ``followers`` and
        ``following`` at each author's latest post), as canonical accounts; None when there are none.
    """

    posts: pd.DataFrame
    users: list[tuple[int, dict[str, Any]]]
    rejects: Rejects
    shape: str
    profiles: pd.DataFrame | None = None


def read_posts(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    dates: DateRules | None = None,
    columns: dict[str, str] | None = None,
    *,
    say_date_notes: bool = True,
    as_of: pd.Timestamp | None = None,
) -> PostsRead:
    """Read posts from ``path`` in any supported shape.

    Parameters
    ----------
    path : str or path
        A CSV, JSON, JSONL or Parquet file.
    fmt : str, optional
        Force the format (``csv``, ``json``, ``jsonl``, ``parquet``); detected from content if not given.
    dates : DateRules, optional
        ``--dayfirst``/``--monthfirst``/``--date-format``; by default the ``created_at`` values decide
        (the IRA CSV is month-first, as FiveThirtyEight documents it).
    columns : dict, optional
        ``--columns``: canonical post field to the file's header (``text=Tekst``).
    say_date_notes : bool
        Log the file's date notes (times without a zone, dotted dates read day-first) once. False
        where a caller joins the notes of many files and says them itself (``dates`` keeps them).
    as_of : Timestamp, optional
        ``--as-of``: when embedded profiles that carry no observation time (TwiBot-20's) were
        collected; without it their ages are measured to now, and that is said once.

    Returns
    -------
    PostsRead

    Raises
    ------
    InputError
        The file cannot be read or is of no known post shape.
    NothingScoredError
        Every record was rejected.
    """
    p = str(path)
    if not os.path.exists(p):
        raise InputError("no such file", path=p)
    source = find_source(p) if fmt in (None, "json", "jsonl", "csv") else None
    if source is not None:
        return _read_platform(source, p, dates, say_date_notes=say_date_notes)
    fmt = resolve_format(p, fmt)
    rejects = Rejects(p)
    rules = dates if dates is not None else DateRules()
    if fmt in ("csv", "parquet"):
        frames, shape = _table_frames(p, fmt, rejects, columns)
        # Without an id column every post is named by its record number: no id can come twice.
        numbered = ("tweet_id" if shape == "ira" else "post_id") not in frames[0].columns
        if shape == "ira":
            rules = rules.with_default("created_at", "monthfirst")
            rules.utc_documented[rejects.headers.get("created_at", "publish_date")] = IRA_UTC
        time_col = "publish_date" if shape == "ira" else "created_at"
        if not (rules.order or rules.fmt or time_col == "publish_date" or "created_at" in rules.decided):
            # One day/month order for the whole file, settled by all its values, not chunk by chunk
            # (unless settled already for an input this file is one part of: the dask engine).
            order = decide_order(pd.concat([f[time_col] for f in frames]), rejects.headers.get(time_col, time_col), p)
            if order:
                rules.decided["created_at"] = order
        reader = _ira_rows if shape == "ira" else _flat_rows
        parts, seen = [], []
        for chunk in progress.counted(frames, "reading posts", unit="posts"):
            parts.append(reader(chunk, p, rejects, rules))
            if shape == "ira":
                seen.append(_ira_observations(chunk, parts[-1]))
        posts = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        users: list[tuple[int, dict[str, Any]]] = []
        profiles = _ira_profiles(seen, p, rejects) if shape == "ira" else None
    else:
        posts, users, shape = _read_json_posts(p, fmt, rejects, rules, as_of)
        profiles = None
        numbered = False
    if not numbered:
        posts = drop_duplicate_posts(posts, rejects)
    if rules.unzoned and say_date_notes:
        # Times of day written without a zone were read as UTC: said once per file (the rules are shared by its chunks).
        log.warning("%s", unzoned_notice(p, rules.unzoned, rules.utc_documented))
    if say_date_notes and rejects.notes.get("unknown_columns"):
        log.warning("%s: %s", p, unread_notice(rejects.notes["unknown_columns"]))
    if say_date_notes and (note := rules.convention_note(p)):  # dotted dates that read both ways were read day-first: said once per file, like the zone
        log.warning("%s", note)
    if unknown_langs := rejects.notes.get("unknown_languages"):
        names = sorted(unknown_langs)
        log.warning(
            "%s: %d language %s not known to the IRA table (%s): left missing, then detected from the text",
            p, len(names), "name" if len(names) == 1 else "names", ", ".join(repr(n) for n in names[:10]) + (", ..." if len(names) > 10 else ""),
        )  # fmt: skip
    if posts.empty:
        raise NothingScoredError(f"{p}: every record was rejected ({len(rejects)} rejects)", rejects=rejects)
    no_author = int(posts["author_id"].isna().sum())
    if no_author:
        log.warning(
            "%s: %d %s no author id: %s scored for %s text only and cannot join coordination", p, no_author,
            *(("post has", "it is", "its") if no_author == 1 else ("posts have", "they are", "their")),
        )  # fmt: skip
    no_time = int(posts["created_at"].isna().sum())
    if no_time:
        # Kept, like a post without an author (balkan-posts' Albanian tweets carry no times at all):
        # its text and its call are scored; a time it writes ("sutra u 18h") stays relative.
        log.warning(
            "%s: %d %s no time: %s scored for %s text and calls only, out of coordination and bursts; "
            "a relative time in %s ('sutra u 18h') stays unresolved (when_status 'no post time')", p, no_time,
            *(("post has", "it is", "its", "it") if no_time == 1 else ("posts have", "they are", "their", "them")),
        )  # fmt: skip
    n_profiles = len(users) + (0 if profiles is None else len(profiles))
    log.info("%s: %d posts read as %s (%d rejected, %d author profiles)", p, len(posts), shape, len(rejects), n_profiles)
    return PostsRead(posts, users, rejects, shape, profiles)


def created_at_text(path: str | os.PathLike[str], fmt: str | None = None, columns: dict[str, str] | None = None) -> pd.Series | None:
    """The post times of a file as written, in record order: what its day/month order is decided from.

    For an input split into several files (the dask engine), whose order is decided once from all
    of them; the Series is named as the file writes the column. None when the file's shape fixes its order (the IRA CSV is month-first) or a platform
    reader reads it.

    Raises
    ------
    InputError
        As :func:`read_posts`.
    """
    p = str(path)
    if not os.path.exists(p):
        raise InputError("no such file", path=p)
    if (find_source(p) if fmt in (None, "json", "jsonl", "csv") else None) is not None:
        return None
    fmt = resolve_format(p, fmt)
    rejects = Rejects(p)
    if fmt in ("csv", "parquet"):
        frames, shape = _table_frames(p, fmt, rejects, columns)
        # Named as the file writes the column: what a message about its dates names.
        return None if shape == "ira" else pd.concat([f["created_at"] for f in frames]).rename(rejects.headers.get("created_at", "created_at"))
    df, _, _, flat = _json_rows(p, fmt, rejects)
    return pd.concat([df["created_at"].astype("string"), *([] if flat is None else [flat["created_at"]])], ignore_index=True)


def _table_frames(p: str, fmt: str, rejects: Rejects, columns: dict[str, str] | None) -> tuple[list[pd.DataFrame], str]:
    """A CSV or Parquet file's chunks and shape; a flat table's headers mapped to the canonical names."""
    frames = list(_iter_frames(p, fmt, rejects))
    if not frames:  # every row set aside by the CSV reader (wrong width, not UTF-8)
        raise NothingScoredError(f"{p}: every record was rejected ({len(rejects)} rejects)", rejects=rejects)
    shape = _table_shape(frames[0], p, columns)
    if shape == "ira":
        rejects.headers.update(IRA_HEADERS)
    else:
        mapping = rename_map(frames[0].columns, POST_HEADERS, columns, path=p)
        rejects.headers.update(as_written(mapping))
        unknown = unknown_headers(frames[0].columns, mapping, KNOWN_UNREAD_POST_FIELDS)
        if unknown:  # said once for the file (a profile column here is not read either: --profiles is)
            rejects.notes.setdefault("unknown_columns", set()).update(unknown)
        frames = [f.rename(columns=mapping) for f in frames]
        # No time column is a file of posts without times: read as if its times were blank (as a
        # JSON record without created_at is), each post kept for its text and calls.
        frames = [f if "created_at" in f.columns else f.assign(created_at=pd.Series(pd.NA, index=f.index, dtype="string")) for f in frames]
    return frames, shape


def match_profiles(profiles: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """The profiles of ``posts``' authors, with ``account_id`` set to the author id the posts use.

    A profile matches an author by id, else by screen name (case ignored, a leading ``@``
    dropped): posts often name authors by handle while a profile file has numeric ids, or the
    other way round. Profiles of accounts that wrote none of the posts are left out.
    """
    authors = posts[["author_id", "author_screen_name"]].dropna(subset=["author_id"]).drop_duplicates("author_id")
    ids = set(authors["author_id"].astype(str))
    by_name = dict(zip(_handle(authors["author_screen_name"]), authors["author_id"].astype(str), strict=True))
    by_name.update({k: v for k, v in zip(_handle(authors["author_id"]), authors["author_id"].astype(str), strict=True) if k not in by_name})
    account = profiles["account_id"].astype("string")
    matched = account.where(account.isin(ids))
    via_name = _handle(profiles["screen_name"]).map(by_name)
    matched = matched.fillna(pd.Series(via_name.to_numpy(), index=profiles.index, dtype="string"))
    out = profiles.assign(account_id=matched.astype("string"))
    out = out[out["account_id"].notna()].drop_duplicates("account_id", keep="first").reset_index(drop=True)
    log.info("%d of %d given profiles match an author of the posts", len(out), len(profiles))
    return out


def _handle(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lstrip("@").str.casefold()


def _ira_observations(df: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame | None:
    """Each author's ``followers``/``following`` at their latest post of one chunk (None without them).

    ``posts`` are the chunk's posts as read (their times already parsed): the profile was observed
    when the post was published.
    """
    if not ({"followers", "following"} & set(df.columns)) or posts.empty:
        return None
    rows = posts["source_row"].to_numpy()
    obs = pd.DataFrame(
        {
            # Arrow text as read (to_numpy() would make a million Python strings of each column).
            "screen_name": posts["author_id"].array,
            "followers_count": df["followers"].reindex(rows).array if "followers" in df.columns else None,
            "friends_count": df["following"].reindex(rows).array if "following" in df.columns else None,
            # The array keeps the zone-aware dtype (to_numpy() would box a million Timestamps).
            "_t": posts["created_at"].array,
        },
        index=pd.Index(rows),
    )
    obs = obs[obs["screen_name"].notna()]
    return obs.sort_values("_t", kind="stable").drop_duplicates("screen_name", keep="last")


def _ira_profiles(seen: list[pd.DataFrame | None], path: str, rejects: Rejects) -> pd.DataFrame | None:
    """Partial profiles from the IRA rows: followers and following at each author's latest post.

    Only those two counts (and the handle) are known; every other profile field stays missing,
    and the account model says when that is too little for a verdict.
    """
    from detector.accounts.read import as_utc, canonical_from_frame

    parts = [s for s in seen if s is not None and len(s)]
    if not parts:
        return None
    obs = pd.concat(parts).sort_values("_t", kind="stable").drop_duplicates("screen_name", keep="last").sort_index()
    # The time as parsed for the posts (the account reader does not know every post time shape).
    raw = obs.drop(columns=["_t"]).assign(collected_at=obs["_t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    # A count dropped here is named as the file writes it (``followers``), not as it is read.
    for name, header in (("followers_count", "followers"), ("friends_count", "following")):
        rejects.headers.setdefault(name, header)
    return canonical_from_frame(raw, path, rejects, as_utc(None))


def _read_platform(source: Any, path: str, dates: DateRules | None = None, *, say_date_notes: bool = True) -> PostsRead:
    """Read another platform's export with its own reader (:mod:`detector.sources`).

    Times the platform wrote without a zone (older Telegram exports' ``date``) are placed in
    ``dates.tz`` (``--tz``) when given; else they stay read as UTC and that is said once.
    """
    from pathlib import Path

    rejects = Rejects(path)
    got = source.read(Path(path), rejects)
    if got.zoneless:
        tz = dates.tz if dates is not None else None
        if tz is not None:
            rows = pd.Series(got.zoneless_rows, index=got.posts.index, dtype=bool)
            local = got.posts.loc[rows, "created_at"].dt.tz_localize(None).dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            if n_unplaced := int(local.isna().sum()):
                log.warning("%s: %d times fall in the hour %s skips or repeats when the clocks change: kept without a time", path, n_unplaced, tz)
            got.posts.loc[rows, "created_at"] = local.dt.tz_convert("UTC")
        else:
            if dates is not None:  # the dask engine joins its partitions' notes and says them once
                dates.unzoned.update(got.zoneless)
            if say_date_notes:
                log.warning("%s", unzoned_notice(path, got.zoneless))
    # A post read twice (a pinned post listed again in its feed, overlapping pages saved together)
    # would count twice in every cluster and rate, as in a table.
    got.posts = drop_duplicate_posts(got.posts, rejects)
    if got.posts.empty:
        raise NothingScoredError(f"{path}: no usable {source.platform} post ({len(rejects)} rejects)", rejects=rejects)
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(got.skipped.items()))
    log.info("%s: %d posts read as %s (%d rejected%s)", path, len(got.posts), got.shape, len(rejects), f"; skipped {skipped}" if skipped else "")
    return PostsRead(got.posts, got.users, rejects, got.shape)


# ---------------------------------------------------------------- tables (CSV, Parquet)


def drop_duplicate_posts(posts: pd.DataFrame, rejects: Rejects) -> pd.DataFrame:
    """Keep the first record of each post_id; reject the later copies with one warning for all.

    The same post read twice (two overlapping exports, a page collected again) would otherwise
    count twice in every cluster and rate.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # Arrow counts the distinct ids first (most inputs have none twice); only then are they compared.
    ids = pa.array(posts["post_id"].astype("string"), type=pa.large_string())
    if pc.count_distinct(ids, mode="all").as_py() == len(posts):
        return posts
    dup = posts["post_id"].duplicated(keep="first")
    if not dup.any():
        return posts
    first = posts.loc[~dup].set_index("post_id")["source_row"]
    for pid, row in posts.loc[dup, ["post_id", "source_row"]].itertuples(index=False):
        rejects.add(int(row), "post_id", f"duplicate of record {int(first[pid])} (post {pid})", str(pid), quiet=True)
    from detector.accounts.read import duplicates_warning

    log.warning(duplicates_warning(rejects.path, int(dup.sum()), "post_id"))
    return posts.loc[~dup].reset_index(drop=True)


def _iter_frames(path: str, fmt: str, rejects: Rejects) -> Iterator[pd.DataFrame]:
    if fmt == "csv":
        # A malformed row is rejected on its own, as `score` does; the other rows are still read.
        yield from read_csv_strings(path, rejects=rejects)
        return
    try:
        df = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"unreadable Parquet: {exc}", path=path) from exc
    if df.empty:
        raise EmptyInputError("the Parquet file holds no rows", path=path)
    df = df.astype("string")
    df.index = pd.RangeIndex(1, len(df) + 1)
    yield df


def _table_shape(df: pd.DataFrame, path: str, columns: dict[str, str] | None = None) -> str:
    cols = set(df.columns)
    if not columns and all(c in cols for c in IRA_MARKERS):
        return "ira"
    mapped = set(rename_map(df.columns, POST_HEADERS, columns, path=path).values())
    if "text" in mapped:
        # Without author_id or author_screen_name the posts are still read, each without an author;
        # without created_at, each without a time (:func:`_table_frames` gives it a blank column).
        return "flat"
    refuse_accounts_table(path, df.columns)
    raise InputError(
        "no known post shape: a flat post table needs text (and created_at, and author_id or "
        "author_screen_name, to join coordination; headers such as Tweet, Date, Username are read too, "
        "map others with --columns name=header); the IRA shape needs content and publish_date "
        f"(columns found: {found_list(df.columns)})",
        path=path,
    )


# Account fields no post table has a column for: a table with one and no post text is a list of accounts.
_ACCOUNT_ONLY_FIELDS = ("followers_count", "friends_count", "statuses_count", "listed_count", "description")


def refuse_accounts_table(path: str, headers: Iterable[object]) -> None:
    """Raise :class:`InputError` naming the table a list of accounts, when it has no post text
    and an account's columns (``followers_count``, ``Pratioci``, ``Bio``, …): `detector score` reads it.

    Called only once the table is known to hold no post text: the IRA table's ``followers`` beside
    each post are its author's, and that table is a posts table.
    """
    from detector.columns import ACCOUNT_HEADERS

    headers = list(headers)
    mapping = rename_map(headers, ACCOUNT_HEADERS, path=path)
    shown = [str(h) for h in headers if mapping.get(h) in _ACCOUNT_ONLY_FIELDS]
    if not shown:
        return
    raise InputError(
        f"a table of accounts (columns {found_list(shown, limit=4)}), with no column of a post's text: its rows are accounts, "
        "not posts; `detector score` scores them (give it to `detector posts --profiles` as the profiles of posts' authors; "
        "or map a post's text with --columns text=header)",
        path=path,
    )


def _flat_rows(df: pd.DataFrame, path: str, rejects: Rejects, rules: DateRules | None = None) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    author = df.get("author_id", pd.Series(pd.NA, index=df.index, dtype="string"))
    screen = df.get("author_screen_name", pd.Series(pd.NA, index=df.index, dtype="string"))
    screen = screen.astype("string").str.strip().str.lstrip("@")  # "@name" as spreadsheets write it
    screen = screen.where(screen.str.len() > 0)
    out["author_id"] = author.fillna(screen)
    out["author_screen_name"] = screen
    out["text"] = df["text"]
    out["created_at"] = df["created_at"]
    for col in ("repost_of", "reply_to", "lang", "platform"):
        out[col] = df[col] if col in df.columns else pd.NA
    out["urls"] = _join_list_cells(df["urls"]) if "urls" in df.columns else pd.NA
    out["hashtags"] = _clean_hashtag_cells(df["hashtags"]) if "hashtags" in df.columns else pd.NA
    if "post_id" in df.columns:
        out["post_id"] = df["post_id"]
    else:
        out["post_id"] = _row_ids(df.index)
    return _finish_table(out, df, path, rejects, id_field="post_id", rules=rules)


def _ira_rows(df: pd.DataFrame, path: str, rejects: Rejects, rules: DateRules | None = None) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    handle = df["author"] if "author" in df.columns else df.get("author_id", pd.Series(pd.NA, index=df.index, dtype="string"))
    # The handle, not external_author_id: the published ids went through floats and lost digits
    # (769363000000000000), so two accounts can share one; handles are unique in the release.
    out["author_id"] = handle
    out["author_screen_name"] = handle
    out["text"] = df["content"]
    out["created_at"] = df["publish_date"]
    kind = df["post_type"].fillna("").str.upper() if "post_type" in df.columns else pd.Series("", index=df.index)
    is_repost = kind.isin(["R", "RETWEET"])
    if "retweet" in df.columns:
        is_repost |= df["retweet"].fillna("0").eq("1") & ~kind.isin(["Q", "QUOTE_TWEET"])
    # The IRA release does not name the reposted post. A repost's content is the original's text, so
    # reposts of one original share a key derived from that text ("text:" + digest).
    out["repost_of"] = _text_digests(df["content"], is_repost)
    out["reply_to"] = _no_text(df.index)  # typed: conform() need not read a million missing objects
    out["urls"] = _urls_from_text(df["content"])
    out["hashtags"] = _hashtags_from_text(df["content"])
    lang = df["language"] if "language" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    out["lang"] = _each_distinct(lang, lambda v: _language_code(v, rejects))
    out["post_id"] = df["tweet_id"] if "tweet_id" in df.columns else _row_ids(df.index)
    return _finish_table(out, df, path, rejects, id_field="tweet_id", rules=rules)


def _language_code(name: str, rejects: Rejects) -> str | None:
    """The ISO 639-1 code of an IRA language name; a name not in the table is noted and left missing.

    Missing, not the name: ``lang`` holds codes only, and a missing language is detected from the text.
    """
    key = name.strip().lower()
    if key in LANGUAGE_CODES:
        return LANGUAGE_CODES[key]
    rejects.notes.setdefault("unknown_languages", set()).add(name.strip())
    return None


def _no_text(index: pd.Index) -> pd.Series:
    """A text column missing everywhere, as Arrow nulls."""
    import pyarrow as pa

    return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string())), index=index)


def _row_ids(index: pd.Index) -> pd.Series:
    """Ids for inputs without one: the record number, stable across reruns of the same file."""
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = pa.array(np.asarray(index, dtype=np.int64)).cast(pa.large_string())
    ids = pc.binary_join_element_wise(pa.scalar("r", pa.large_string()), numbers, pa.scalar("", pa.large_string()))
    return pd.Series(pd.arrays.ArrowStringArray(ids), index=index)


def _text_digests(content: pd.Series, is_repost: pd.Series) -> pd.Series:
    """``text:`` + a digest of each repost's text (each distinct text hashed once); missing elsewhere."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(content.fillna("").where(is_repost), use_na_sentinel=True)
    # str.strip() by Arrow (Python's white space, spelled out), UTF-8 bytes straight from Arrow;
    # the prefix and the cut of each digest by Arrow too.
    raw = pc.utf8_trim(pa.array(uniques, type=pa.large_string()), python_space()).cast(pa.large_binary()).to_pylist()
    sha1 = hashlib.sha1
    hexes = pa.array([sha1(b).hexdigest() for b in raw], type=pa.large_string())
    digests = pc.binary_join_element_wise(pa.scalar("text:", pa.large_string()), pc.utf8_slice_codeunits(hexes, 0, 16), pa.scalar("", pa.large_string()))
    return _spread(digests, codes, content.index)


def _text_key(text: str) -> str:
    """One repost's key, the same as :func:`_text_digests` gives many (a test keeps the two equal)."""
    return "text:" + hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:16]


def _each_distinct(values: pd.Series, fn: Any) -> pd.Series:
    """``fn`` of each non-missing value, computed once per distinct value (missing stays missing)."""
    import pyarrow as pa

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return _spread(pa.array([fn(u) for u in uniques.tolist()], type=pa.large_string()), codes, values.index)


def _spread(distinct: Any, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The text of each row from its distinct value's (``codes`` from :func:`pandas.factorize`; -1 stays missing)."""
    import pyarrow as pa

    out = distinct.take(pa.array(np.maximum(codes, 0), mask=codes < 0)) if len(distinct) else pa.nulls(len(codes), pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(out), index=index)


def _finish_table(
    out: pd.DataFrame, raw: pd.DataFrame, path: str, rejects: Rejects, id_field: str, rules: DateRules | None = None,
) -> pd.DataFrame:
    """Reject rows without text or id, or with a time that cannot be read (``rejects.headers`` names
    them as the file does).

    A row without an author, or without a time, is kept: it is scored for its text (and calls), and
    cannot join coordination.
    """
    out["source_row"] = out.index.astype("int64")
    times = parse_times(out["created_at"], rules, path, shown=rejects.headers.get("created_at"))
    bad = pd.Series(False, index=out.index)
    checks = [
        (out["text"].isna(), "text", "no text"),
        (out["created_at"].notna() & times.isna(), "created_at", "unreadable time"),
        (out["post_id"].isna(), id_field, "no post id"),
    ]
    found: dict[Any, tuple[str, str]] = {}  # each rejected row's first problem, reported in record order
    for mask, field_name, reason in checks:
        for row in out.index[mask & ~bad]:
            found[row] = (field_name, reason)
        bad |= mask
    for row in sorted(found):
        field_name, reason = found[row]
        detail = f"{reason} {out.at[row, 'created_at']!r}" if reason == "unreadable time" else reason
        # a real local time, not a bad one: --tz's zone skips or repeats its hour (DST)
        clock = rules.clock_change(out.at[row, "created_at"]) if reason == "unreadable time" and rules is not None else None
        if clock:
            detail = f"time {clock}; give times with their offset"
        elif reason == "unreadable time" and (period := period_only(out.at[row, "created_at"])):
            detail = f"time {period}"  # a post's time is needed to the minute (bursts, coordination)
        rejects.add(int(row), field_name, detail, {rejects.headers.get(k, k): v for k, v in raw.loc[row].dropna().items()})
    out["created_at"] = times
    return canonical_posts(out[~bad])


def parse_times(values: pd.Series, rules: DateRules | None = None, path: str | None = None, shown: str | None = None) -> pd.Series:
    """Parse post times to UTC by the rules of :mod:`detector.dates` (the same as for accounts).

    Twitter's format, ISO 8601, Unix seconds or milliseconds, and ``DD.MM.YYYY.``-style local
    forms, day-first or month-first as the file's values (or ``rules``) say; never a silent guess.
    Unreadable values become ``NaT``; a time without a zone is taken as UTC.

    Raises
    ------
    AmbiguousDatesError
        Local-form dates that read both ways, with nothing in the file to settle it.
    """
    return parse_dates(values, "created_at", rules, path, shown)


def _urls_from_text(text: pd.Series) -> pd.Series:
    # Only the texts that can hold one are searched (a fast substring test first).
    return _found(text, ("http",), lambda t: " ".join(u.rstrip(URL_TRAIL) for u in URL_RE.findall(t)), _url_re2(), trail=URL_TRAIL)


def _hashtags_from_text(text: pd.Series) -> pd.Series:
    return _found(text, ("#", "＃"), lambda t: " ".join(x.lower() for x in HASHTAG_RE.findall(t)), _hashtag_re2(), after_mark=True)


URL_TRAIL = ".,;:!?)]}…"


@lru_cache(maxsize=1)
def _url_re2() -> str:
    """URL_RE in RE2, for texts in any script: Python's \\s spelled out (:func:`~detector.posts.matching.python_class`)."""
    return "(?i:https?://)" + python_class(r"\s", negate=True, extra="<>\"'") + "+"


@lru_cache(maxsize=1)
def _hashtag_re2() -> str:
    """HASHTAG_RE in RE2, without a group: the look-behind becomes the character before the mark (or
    the start), consumed, and the tag is what follows the find's last mark. A mark right after a
    find follows a word character, which the look-behind refuses too: the same finds."""
    return "(?:^|" + python_class(r"\w", negate=True, extra="&") + ")[#＃]" + python_class(r"\w") + "+"


def _found(text: pd.Series, marks: tuple[str, ...], fn: Any, re2: str, *, trail: str = "", after_mark: bool = False) -> pd.Series:
    """``fn`` of each text holding one of ``marks`` (case ignored), missing when it finds nothing.

    ``fn`` joins a Python pattern's finds by spaces (lower-cased with ``after_mark``); ``re2`` is
    that pattern for RE2, which finds the same in Arrow (:func:`_joined_finds`), but in texts
    holding the bytes 00-02: ``fn`` reads those. ``tests/test_posts.py`` checks both give the same.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.astype("string"), type=pa.large_string())
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    # One RE2 pass for all the marks (Arrow's case-blind substring test is RE2 too, one pass per mark).
    any_mark = "(?i)" + "|".join(re.escape(m) for m in marks)
    hit = np.asarray(pc.fill_null(pc.match_substring_regex(arr, any_mark), False).to_numpy(zero_copy_only=False), dtype=bool)
    if not hit.any():
        return pd.Series(pd.NA, index=text.index, dtype="string")
    rows = np.flatnonzero(hit)
    parts = [_joined_finds(chunk, re2, trail=trail, after_mark=after_mark) for chunk in arr.filter(pa.array(hit)).chunks if len(chunk)]
    found = pa.concat_arrays([p for p, _ in parts]) if parts else pa.array([], pa.large_string())
    odd = np.concatenate([b for _, b in parts]) if parts else np.zeros(0, dtype=bool)
    if after_mark:
        # Python's lower() case: ASCII finds by Arrow (the same), the others by Python.
        plain = np.asarray(pc.string_is_ascii(found).to_numpy(zero_copy_only=False), dtype=bool) & ~odd
        other = np.flatnonzero(~plain & ~odd)
        found = pc.ascii_lower(found)
        if len(other):
            lowered = pa.array([w.lower() for w in found.take(pa.array(other)).to_pylist()], pa.large_string())
            found = pc.replace_with_mask(found, pa.array(np.isin(np.arange(len(found)), other)), lowered)
    if odd.any():
        redo = np.flatnonzero(odd)
        again = pa.array([fn(t) for t in text.iloc[rows[redo]].tolist()], pa.large_string())
        found = pc.replace_with_mask(found, pa.array(odd), again)
    found = pc.if_else(pc.equal(found, ""), pa.scalar(None, pa.large_string()), found)
    at = np.zeros(len(text), dtype=np.int64)
    at[rows] = np.arange(len(rows))
    full = found.take(pa.array(at, mask=~hit))
    return pd.Series(pd.arrays.ArrowStringArray(full), index=text.index)


def _joined_finds(arr: Any, re2: str, *, trail: str = "", after_mark: bool = False) -> tuple[Any, np.ndarray]:
    """Every find of the RE2 pattern ``re2`` in each text, joined by spaces ("" for none); and
    which texts hold the bytes 00, 01 or 02, whose finds this cannot tell (left "").

    One RE2 pass wraps each find in the bytes 01 and 02 (a group would make RE2 run its slow
    engine); the finds are then cut out of the UTF-8 bytes by numpy. ``trail``: characters cut
    from the end of each find (``str.rstrip``). ``after_mark``: a find is what follows its last
    ``#``/``＃``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(arr)
    offsets, data = _utf8_buffers(arr)
    odd_at = np.flatnonzero(data < 3)
    odd = np.zeros(n, dtype=bool)
    if len(odd_at):
        odd[np.searchsorted(offsets, odd_at, side="right") - 1] = True
        arr = pc.if_else(pa.array(odd), pa.scalar("", pa.large_string()), arr)
    wrapped = pc.replace_substring_regex(arr, re2, "\x01\\0\x02")
    offsets, data = _utf8_buffers(wrapped)
    starts = np.flatnonzero(data == 1) + 1
    ends = np.flatnonzero(data == 2)
    if after_mark:
        # '#' is byte 23 (never inside a longer UTF-8 character); '＃' is EF BC 83.
        wide = np.flatnonzero((data[:-2] == 0xEF) & (data[1:-1] == 0xBC) & (data[2:] == 0x83)) + 3 if len(data) > 2 else np.zeros(0, np.int64)
        mark_ends = np.sort(np.r_[np.flatnonzero(data == 0x23) + 1, wide])
        starts = mark_ends[np.searchsorted(mark_ends, ends, side="right") - 1]
    if trail:
        ends = _rstrip_at(data, starts, ends, trail)
    text_of = np.searchsorted(offsets, starts, side="right") - 1
    # The finds and the gaps between them, back to back, as one string array over the same bytes: take the finds.
    bounds = np.empty(2 * len(starts), dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    pieces = pa.LargeStringArray.from_buffers(max(len(bounds) - 1, 0), pa.py_buffer(bounds if len(bounds) else np.zeros(1, np.int64)), pa.py_buffer(data))
    finds = pieces.take(pa.array(np.arange(0, len(bounds), 2, dtype=np.int64)))
    per_text = np.r_[0, np.cumsum(np.bincount(text_of, minlength=n))].astype(np.int64)
    return pc.binary_join(pa.LargeListArray.from_arrays(pa.array(per_text), finds), pa.scalar(" ", pa.large_string())), odd


def _utf8_buffers(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """A large_string array's offsets (from 0) and its UTF-8 bytes, as numpy views (no copy)."""
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    base = int(offsets[0])
    buf = arr.buffers()[2]
    data = np.frombuffer(buf, dtype=np.uint8)[base : int(offsets[-1])] if buf is not None else np.zeros(0, dtype=np.uint8)
    return offsets - base, data


def _rstrip_at(data: np.ndarray, starts: np.ndarray, ends: np.ndarray, chars: str) -> np.ndarray:
    """The ends of the UTF-8 spans ``[starts, ends)`` of ``data`` after ``str.rstrip(chars)``."""
    ends = ends.copy()
    ascii_chars = np.zeros(256, dtype=bool)
    ascii_chars[[ord(c) for c in chars if ord(c) < 128]] = True
    wide = [c.encode() for c in chars if ord(c) >= 128]
    active = np.flatnonzero(ends > starts)
    while len(active):
        e, s = ends[active], starts[active]
        cut = np.where(ascii_chars[data[e - 1]], 1, 0)
        for w in wide:
            room = e - len(w) >= s
            same = room.copy()
            for j, byte in enumerate(w):
                same &= data[np.where(room, e - len(w) + j, 0)] == byte
            cut = np.where(same, len(w), cut)
        ends[active] = e - cut
        active = active[(cut > 0) & (ends[active] > starts[active])]
    return ends


def _join_list_cells(s: pd.Series) -> pd.Series:
    return s.map(lambda v: " ".join(re.split(r"[\s,;|]+", v.strip())) if isinstance(v, str) and v.strip() else pd.NA).astype("string")


def _clean_hashtag_cells(s: pd.Series) -> pd.Series:
    def clean(v: Any) -> Any:
        if not isinstance(v, str):
            return pd.NA
        tags = [t.lstrip("#＃").lower() for t in re.split(r"[\s,;|]+", v) if t.lstrip("#＃")]
        return " ".join(tags) if tags else pd.NA

    return s.map(clean).astype("string")


def canonical_posts(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the canonical post columns and dtypes, in order."""
    return conform(df, POST_COLUMNS)


# ---------------------------------------------------------------- JSON shapes


def _read_json_posts(
    path: str, fmt: str, rejects: Rejects, rules: DateRules | None = None, as_of: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, list[tuple[int, dict[str, Any]]], str]:
    df, users, shapes, flat = _json_rows(path, fmt, rejects, as_of)
    if not df.empty:
        times = parse_times(df["created_at"].astype("string"), rules, path)
        bad = (times.isna() & df["created_at"].notna()).to_numpy(dtype=bool)  # a post with no time is kept (as in CSV)
        for i in bad.nonzero()[0]:
            rejects.add(int(df["source_row"].iat[i]), "created_at", f"unreadable time {df['created_at'].iat[i]!r}", df["created_at"].iat[i])
        df["created_at"] = times
        df = df.loc[~bad]
    if flat is not None:  # the flat table's records: read as its CSV rows are
        df = pd.concat([canonical_posts(df), _flat_rows(flat, path, rejects, rules)], ignore_index=True) if len(df) else _flat_rows(flat, path, rejects, rules)
    return canonical_posts(df), list(users.values()), "+".join(sorted(shapes))


def _flat_records(records: list[tuple[int, dict[str, Any]]], path: str, rejects: Rejects) -> pd.DataFrame:
    """Flat-table records (``post_id``, ``author_id``, ``text``, ``created_at``, … as JSON) as the
    flat CSV reader's frame: text values, headers mapped, the record numbers as index; the keys
    no field is read from noted once, as a CSV's columns are."""


    def cell(v: Any) -> str | None:  # a list (hashtags, urls) as the CSV writes it; a number as text
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, list):
            return " ".join(str(x) for x in v if x is not None)
        return json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v)

    frame = pd.DataFrame(
        [{k: cell(v) for k, v in r.items()} for _, r in records], index=pd.Index([n for n, _ in records], dtype="int64"), dtype="string"
    )
    mapping = rename_map(frame.columns, POST_HEADERS, path=path)
    if unknown := unknown_headers(frame.columns, mapping, KNOWN_UNREAD_POST_FIELDS):
        rejects.notes.setdefault("unknown_columns", set()).update(unknown)
    frame = frame.rename(columns=mapping)
    for name in REQUIRED_FLAT:
        if name not in frame.columns:
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame


#: Headers of the flat table that name a post's author, other than those a platform's post object
#: uses itself (v2's ``author_id``, twarc2's ``author`` object, v1.1's ``user`` object).
_FLAT_AUTHOR_KEYS = tuple(
    h for h in POST_HEADERS["author_id"] + POST_HEADERS["author_screen_name"] if h not in ("author_id", "author", "user")
)


def _is_flat_record(rec: dict[str, Any]) -> bool:
    """A record of the flat table's columns (a CSV saved as JSON): named by ``post_id``,
    ``author_screen_name`` or another name of the author that no platform's post object uses
    (``user_id``, ``screen_name``, ...: :data:`_FLAT_AUTHOR_KEYS`). Read as a v1.1 tweet without
    its ``user``, such a record would lose its author without a word."""
    named = "post_id" in rec or "author_screen_name" in rec or any(k in rec for k in _FLAT_AUTHOR_KEYS)
    return named and "user" not in rec and "data" not in rec


def _json_rows(
    path: str, fmt: str, rejects: Rejects, as_of: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, dict[str, tuple[int, dict[str, Any]]], set[str], pd.DataFrame | None]:
    """The posts of a JSON file as rows, times as written; the authors embedded; the shapes seen;
    the flat table's records (:func:`_flat_records`), if any."""
    rows: list[dict[str, Any]] = []
    users: dict[str, tuple[int, dict[str, Any]]] = {}
    shapes: set[str] = set()
    flat: list[tuple[int, dict[str, Any]]] = []
    no_data = 0  # v2 responses without data: a search or timeline page with no result
    # User objects read as posts would each be a post without text: set apart and said once.
    sorter = KindSorter("post", path, rejects)
    for n, rec in progress.track(_unwrap(iter_json_records(path, fmt, rejects)), "reading posts", unit="records"):
        if not sorter.keep(n, rec):
            continue
        if not isinstance(rec, dict):
            rejects.add(n, None, f"a record must be a JSON object, not {type(rec).__name__}", rec)
            continue
        if "data" not in rec and isinstance(rec.get("meta"), dict):
            log.debug("%s, record %d: a v2 page without data (result_count 0)", path, n)
            no_data += 1
            continue
        if _is_flat_record(rec):
            shapes.add("flat")
            flat.append((n, rec))
        elif isinstance(rec.get("data"), list | dict):
            shapes.add("v2")
            _v2_page(n, rec, rows, users, rejects)
        elif isinstance(rec.get("profile"), dict) and "tweet" in rec:
            shapes.add("twibot20")
            _twibot_user(n, rec, rows, users, rejects, as_of)
        elif isinstance(rec.get("user"), dict):
            shapes.add("v1")
            _keep(rows, _v1_tweet(n, rec, users, rejects))
        elif "author_id" in rec or isinstance(rec.get("author"), dict):
            shapes.add("twarc2")
            _keep(rows, _v2_tweet(n, rec, {}, {}, users, rejects, observed=_twarc_time(rec)))
        elif "text" in rec or "full_text" in rec:
            # A v1.1 tweet without its embedded user: kept without an author, as a v2 tweet without author_id is.
            shapes.add("v1")
            _keep(rows, _v1_tweet(n, rec, users, rejects))
        else:
            rejects.add(
                n, None,
                "no known post shape (v1.1 tweet with 'user', X API v2 page with 'data', twarc2 tweet with 'author_id', TwiBot-20 user with 'profile' and 'tweet', "
                "the flat table's post_id or author_screen_name, text and created_at)", rec,
            )  # fmt: skip
    sorter.finish()
    if not shapes and no_data and not len(rejects):
        # Nothing was rejected: the responses hold no post (what collect --jsonl-out saves of a search without results).
        raise EmptyInputError(f"no posts: {no_data} X API response{'' if no_data == 1 else 's'} with no data (result_count 0)", path=path)
    if not shapes:
        raise NothingScoredError(f"{path}: every record was rejected ({len(rejects)} rejects)", rejects=rejects)
    if "twibot20" in shapes and as_of is None and users:
        log.warning(
            "%s: the TwiBot-20 profiles carry no observation time and the tweets no times: account ages are measured "
            "to now; give --as-of DATE, the day the benchmark was collected, to measure them to then", path,
        )  # fmt: skip
    return pd.DataFrame(rows, columns=[c for c in POST_COLUMNS]), users, shapes, _flat_records(flat, path, rejects) if flat else None


#: A TwiBot-20 tweet is the text as the crawl saw it: a repost starts ``RT @name:``.
_TWIBOT_RT = re.compile(r"^RT @\w{1,15}: ?")


def _twibot_user(
    n: int, rec: dict[str, Any], rows: list[dict[str, Any]], users: dict[str, tuple[int, dict[str, Any]]], rejects: Rejects,
    as_of: pd.Timestamp | None = None,
) -> None:
    """The tweets of one TwiBot-20 user record (``ID``, ``profile``, ``tweet``: a list of texts).

    The benchmark keeps each tweet as text only: no id, no time, no entities. A post is named by
    the user's ID and its place in the list (``"<ID>:<i>"``, stable across reruns), has no time (said
    once per file, so it joins no coordination), and a text that starts ``RT @name:`` is a repost,
    keyed by a digest of the reposted text as the IRA reader does. The profile is the author's,
    observed at ``as_of`` when given (the record carries no observation time).
    """
    profile = rec["profile"]
    author_id = _str_or_none(rec.get("ID")) or _str_or_none(profile.get("id_str")) or _str_or_none(profile.get("id"))
    author_id = author_id.strip() if author_id else None
    screen = profile.get("screen_name")
    screen = screen.strip() if isinstance(screen, str) and screen.strip() else None
    tweets = rec.get("tweet")
    if tweets is None:
        tweets = []  # a user whose tweets the crawl did not get: a profile, no posts
    if not isinstance(tweets, list):
        rejects.add(n, "tweet", f"must be a list of texts, not {type(tweets).__name__}", tweets)
        return
    if author_id is None:
        rejects.add(n, "ID", "a TwiBot-20 user record needs its ID to name its tweets", rec.get("ID"))
        return
    kept = 0
    for i, text in enumerate(tweets):
        if not isinstance(text, str) or not text.strip():
            rejects.add(n, f"tweet[{i}]", "a tweet must be a non-empty text", text)
            continue
        text = text.rstrip("\n")
        rt = _TWIBOT_RT.match(text)
        shown = text[rt.end():] if rt else text
        rows.append({
            "post_id": f"{author_id}:{i}",
            "author_id": author_id,
            "author_screen_name": screen,
            "text": text,
            "created_at": None,
            "repost_of": _text_key(shown) if rt else None,
            "reply_to": None,
            "urls": " ".join(u.rstrip(URL_TRAIL) for u in URL_RE.findall(text)) or None,
            "hashtags": _tags_in(text),
            "lang": None,
            "source_row": n,
        })  # fmt: skip
        kept += 1
    if kept:
        seen = profile if as_of is None else {**profile, "collected_at": as_of.isoformat()}
        users[author_id] = (n, {"ID": rec.get("ID"), "profile": seen})


def _unwrap(records: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """Open lists nested in a record (a JSONL line holding a list of tweets)."""
    for n, rec in records:
        if isinstance(rec, list):
            for item in rec:
                yield n, item
        else:
            yield n, rec


def _keep(rows: list[dict[str, Any]], row: dict[str, Any] | None) -> None:
    if row is not None:
        rows.append(row)


def _text_of_v1(tweet: dict[str, Any]) -> str | None:
    ext = tweet.get("extended_tweet")
    if isinstance(ext, dict) and ext.get("full_text"):
        return str(ext["full_text"])
    text = tweet.get("full_text") or tweet.get("text")
    return None if text is None else str(text)


def _entities_v1(tweet: dict[str, Any]) -> dict[str, Any]:
    ext = tweet.get("extended_tweet")
    if isinstance(ext, dict) and isinstance(ext.get("entities"), dict):
        return ext["entities"]
    ent = tweet.get("entities")
    return ent if isinstance(ent, dict) else {}


def _v1_tweet(n: int, tweet: dict[str, Any], users: dict[str, tuple[int, dict[str, Any]]], rejects: Rejects) -> dict[str, Any] | None:
    user: dict[str, Any] = tweet["user"] if isinstance(tweet.get("user"), dict) else {}
    post_id = tweet.get("id_str") or _str_or_none(tweet.get("id"))
    author_id = user.get("id_str") or _str_or_none(user.get("id")) or user.get("screen_name")
    created = tweet.get("created_at")
    rs = tweet.get("retweeted_status")
    shown: dict[str, Any] = rs if isinstance(rs, dict) else tweet
    text = _text_of_v1(shown)
    if shown is not tweet and text is None:
        text = _text_of_v1(tweet)
    # No author (no user, or a user without id or screen_name) is no reason to drop a tweet: it is
    # scored for its text (and calls) and joins no coordination, as in the v2 reader.
    problem = _first_missing(n, tweet, rejects, [("id_str", post_id), ("text", text), ("created_at", created)])
    if problem:
        return None
    ent = _entities_v1(shown)
    urls = [u.get("expanded_url") or u.get("url") for u in ent.get("urls") or [] if isinstance(u, dict)]
    tags = [str(h.get("text", "")).lower() for h in ent.get("hashtags") or [] if isinstance(h, dict)]
    repost = tweet.get("retweeted_status")
    if author_id is not None:
        _remember_user(users, str(author_id), n, user, created)
    return {
        "post_id": str(post_id),
        "author_id": None if author_id is None else str(author_id),
        "author_screen_name": user.get("screen_name"),
        "text": text,
        "created_at": created,
        "repost_of": (repost.get("id_str") or _str_or_none(repost.get("id"))) if isinstance(repost, dict) else None,
        "reply_to": tweet.get("in_reply_to_status_id_str") or _str_or_none(tweet.get("in_reply_to_status_id")),
        "urls": " ".join(u for u in urls if u) or None,
        "hashtags": " ".join(t for t in tags if t) or _tags_in(text),
        "lang": tweet.get("lang"),
        "source_row": n,
    }


def _v2_page(n: int, page: dict[str, Any], rows: list[dict[str, Any]], users: dict[str, tuple[int, dict[str, Any]]], rejects: Rejects) -> None:
    data = page["data"]
    tweets = data if isinstance(data, list) else [data]
    inc: dict[str, Any] = page["includes"] if isinstance(page.get("includes"), dict) else {}
    by_id = {str(u.get("id")): u for u in inc.get("users") or [] if isinstance(u, dict)}
    ref_tweets = {str(t.get("id")): t for t in inc.get("tweets") or [] if isinstance(t, dict)}
    observed = _twarc_time(page)
    for i, tweet in enumerate(tweets):
        if not isinstance(tweet, dict):
            rejects.add(n, f"data[{i}]", "a tweet must be a JSON object", tweet)
            continue
        _keep(rows, _v2_tweet(n, tweet, by_id, ref_tweets, users, rejects, observed=observed, where=f"data[{i}]."))


def _v2_tweet(
    n: int,
    tweet: dict[str, Any],
    users_by_id: dict[str, dict[str, Any]],
    ref_tweets: dict[str, dict[str, Any]],
    users: dict[str, tuple[int, dict[str, Any]]],
    rejects: Rejects,
    *,
    observed: str | None,
    where: str = "",
) -> dict[str, Any] | None:
    author = tweet.get("author") if isinstance(tweet.get("author"), dict) else None
    author_id = _str_or_none(tweet.get("author_id")) or (author and _str_or_none(author.get("id")))
    if author is None and author_id is not None:
        author = users_by_id.get(author_id)
    post_id = _str_or_none(tweet.get("id"))
    created = tweet.get("created_at")
    text = tweet.get("text")
    refs = [r for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)]
    repost_of = next((str(r.get("id")) for r in refs if r.get("type") == "retweeted"), None)
    reply_to = next((str(r.get("id")) for r in refs if r.get("type") == "replied_to"), None)
    # No author id is no reason to drop a tweet: it is scored for its text (and joins no coordination).
    problem = _first_missing(n, tweet, rejects, [(f"{where}id", post_id), (f"{where}text", text), (f"{where}created_at", created)])
    if problem:
        return None
    shown = tweet
    if repost_of is not None:
        # twarc2 flattening puts the original inside referenced_tweets; a raw page has it in includes.
        original = next((r for r in refs if r.get("type") == "retweeted" and "text" in r), None) or ref_tweets.get(repost_of)
        if isinstance(original, dict) and original.get("text"):
            shown = original
            text = original["text"]
    ent: dict[str, Any] = shown["entities"] if isinstance(shown.get("entities"), dict) else {}
    urls = [u.get("unwound_url") or u.get("expanded_url") or u.get("url") for u in ent.get("urls") or [] if isinstance(u, dict)]
    # Links to the tweet's own photos and videos are media, not links the author chose to share.
    urls = [u for u in urls if u and not re.search(r"//(x|twitter)\.com/[^/]+/status/\d+/(photo|video)/", u)]
    tags = [str(h.get("tag", "")).lower() for h in ent.get("hashtags") or [] if isinstance(h, dict)]
    if author is not None and author_id is not None:
        _remember_user(users, author_id, n, author, observed or created, v2=True)
    return {
        "post_id": post_id,
        "author_id": author_id,
        "author_screen_name": author.get("username") if author else None,
        "text": str(text),
        "created_at": created,
        "repost_of": repost_of,
        "reply_to": reply_to,
        "urls": " ".join(str(u) for u in urls) or None,
        "hashtags": " ".join(t for t in tags if t) or _tags_in(str(text)),
        "lang": tweet.get("lang"),
        "source_row": n,
    }


def _twarc_time(rec: dict[str, Any]) -> str | None:
    meta = rec.get("__twarc")
    return meta.get("retrieved_at") if isinstance(meta, dict) else None


def _remember_user(users: dict[str, tuple[int, dict[str, Any]]], author_id: str, n: int, user: dict[str, Any], observed: Any, *, v2: bool = False) -> None:
    """Keep the latest observation of each author: the profile as seen at its newest post.

    A v1.1 user is wrapped as ``{"created_at": observed, "user": user}`` (the Bot Repository shape);
    a v2 user gets ``collected_at`` added. Both say when the profile was seen, so that account age
    is measured to then and not to today.
    """
    seen = users.get(author_id)
    if seen is not None:
        before, now = _one_time(_observed(seen[1])), _one_time(observed)
        if before is not None and (now is None or now <= before):
            return
    rec = {**user, "collected_at": observed} if v2 else {"created_at": observed, "user": user}
    users[author_id] = (n, rec)


def _observed(rec: dict[str, Any]) -> Any:
    return rec["created_at"] if "user" in rec else rec.get("collected_at")


def _one_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, TWITTER_TIME)
    except ValueError:
        pass
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _first_missing(n: int, rec: dict[str, Any], rejects: Rejects, fields: list[tuple[str, Any]]) -> bool:
    for name, value in fields:
        if value is None or (isinstance(value, str) and not value.strip()):
            rejects.add(n, name, "missing", rec)
            return True
    return False


def _str_or_none(v: Any) -> str | None:
    if v is None or isinstance(v, bool):
        return None
    return str(v)


def _tags_in(text: str | None) -> str | None:
    if not text:
        return None
    tags = [t.lower() for t in HASHTAG_RE.findall(text)]
    return " ".join(tags) or None


def author_accounts(users: list[tuple[int, dict[str, Any]]], path: str, rejects: Rejects | None = None, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Turn the profiles of :attr:`PostsRead.users` into canonical accounts.

    One v2 page carries many profiles under one record number; the account reader indexes by record
    number, so profiles that share one are numbered apart (their order in the file) first.
    """
    from detector.accounts.read import accounts_from_records

    numbers = [n for n, _ in users]
    if len(set(numbers)) != len(numbers):
        log.debug("%s: %d profiles share record numbers; numbering them in file order", path, len(users))
        users = [(i, rec) for i, (_, rec) in enumerate(users, start=1)]
    return accounts_from_records(users, path, as_of=as_of, rejects=rejects)
