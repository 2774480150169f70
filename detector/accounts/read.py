"""Account readers: every supported input shape in, the canonical account table out.

Shapes: flat CSVs with Twitter v1.1 user field names (the cresci CSVs among them), v1.1 user
objects, Bot Repository records ``{"created_at": <collection time>, "user": {...}}``, X API v2
user objects (also inside a raw ``{"data": [...]}`` response), and TwiBot-20 JSON.

This module owns parsing and validation of account records. It never computes features or scores.
Records it cannot use are kept aside in a :class:`detector.io.Rejects` with the reason; a field
it cannot parse is set missing (never zero) and noted with the record number.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.columns import (
    ACCOUNT_HEADERS,
    POST_HEADERS,
    as_written,
    found_list,
    header_key,
    rename_map,
    unknown_headers,
)
from detector.dates import (
    AmbiguousDatesError,
    DateRules,
    date_notices,
    decide_order,
    has_dotted,
    parse_dates,
    period_only,
)
from detector.errors import InputError, escape_controls
from detector.io import (
    Rejects,
    iter_json_records,
    read_csv_strings,
    resolve_format,
)
from detector.kinds import keep_kind, record_kind
from detector.schema import ACCOUNT_COLUMNS, BOOL_FIELDS, COUNT_FIELDS, DEFAULT_PLATFORM
from detector.sources.base import ABSENT, find_source

log = logging.getLogger(__name__)

# A text field longer than this is not a real profile field (Twitter caps descriptions at 160
# characters): it is dropped, not scored, and the record keeps its other fields.
MAX_TEXT_CHARS = 10_000

TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_MANGLED_ID = re.compile(r"^\s*\d+(?:[.,]\d+)?[eE][+]?\d+\s*$")
_FLOAT_ID = re.compile(r"^\s*(\d+)\.0+\s*$")
_TRUE = {"1", "true", "t", "yes", "y", "1.0"}
_FALSE = {"0", "false", "f", "no", "n", "0.0"}

# Raw id field names of JSON records (their numbers are re-read as text before renaming).
ALIASES: dict[str, tuple[str, ...]] = {"account_id": ("id_str", "id", "user_id", "account_id", "author_id")}
# Fields the model can use; a file with none of them gives it nothing to score.
USABLE_FIELDS = ("screen_name", "name", "description", *COUNT_FIELDS, "created_at")
# Free-text profile fields (:func:`_bounded_text`).
TEXT_FIELDS = ("name", "description", "url", "location", "lang")


@dataclass
class AccountBatch:
    """The outcome of reading one input: the canonical accounts and what was kept aside."""

    accounts: pd.DataFrame
    rejects: Rejects


# --------------------------------------------------------------------------------------------
# Public entry points


def read_accounts(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    as_of: pd.Timestamp | None = None,
    chunksize: int | None = None,
    dates: DateRules | None = None,
    columns: dict[str, str] | None = None,
    *,
    authors_of_posts: bool = False,
) -> AccountBatch:
    """Read an account file of any supported shape into the canonical table.

    Parameters
    ----------
    path : path-like
        CSV, JSON or JSONL file.
    fmt : str, optional
        ``csv``, ``json`` or ``jsonl``; detected from the content when omitted.
    as_of : Timestamp, optional
        Collection time for records that carry none of their own. Defaults to now.
    chunksize : int, optional
        Rows per chunk while reading a CSV.
    dates : DateRules, optional
        ``--dayfirst``/``--monthfirst``/``--date-format``; by default each date column's values decide.
    columns : dict, optional
        ``--columns``: canonical field name to the file's header.
    authors_of_posts : bool
        Read v1.1 tweets for the ``user`` each embeds, observed at the tweet's time (profiles given
        beside posts). Otherwise a JSON file of posts is refused (:func:`detector.kinds.keep_kind`).

    Returns
    -------
    AccountBatch
        Accounts in input order, duplicates removed (later copies are rejected), and the rejects.
    """
    batches = list(iter_accounts(path, fmt=fmt, as_of=as_of, chunksize=chunksize, dates=dates, columns=columns, authors_of_posts=authors_of_posts))
    rejects = Rejects(str(path))
    frames = []
    for b in batches:
        rejects.extend(b.rejects)
        frames.append(b.accounts)
    accounts = pd.concat(frames, ignore_index=True) if frames else empty_accounts()
    accounts = drop_duplicates(accounts, rejects)
    return AccountBatch(accounts, rejects)


def read_profiles(
    path: str | os.PathLike[str],
    dates: DateRules | None = None,
    as_of: pd.Timestamp | None = None,
    latest_post: pd.Timestamp | None = None,
    *,
    as_of_option: bool = True,
) -> AccountBatch:
    """:func:`read_accounts` for author profiles given beside posts (``--profiles``).

    The file's date notes (times without a zone, dotted dates read day-first) are logged once,
    naming this file, as :func:`detector.posts.read.read_posts` says a post file's: the posts
    command has no summary line for them, as ``detector score`` has.

    A profile without a collection time is measured to ``as_of`` (``--as-of``), else to
    ``latest_post``, the latest time of the posts it came with, else to now. The posts were seen
    then at the earliest: measured to now, a 2015 profile beside 2016 posts would be years older
    than it was when it wrote them. Which one was used is said once, with ``--as-of`` named
    when the command has it (``as_of_option``).
    """
    given = as_of is not None
    if as_of is None and latest_post is not None and not pd.isna(latest_post):
        as_of, measured_to = as_utc(latest_post), "the latest post"
    else:
        as_of, measured_to = as_utc(as_of), "now"
    batch = read_accounts(path, dates=dates, as_of=as_of, authors_of_posts=True)
    for notice in date_notices(str(path), batch.rejects.notes):
        log.warning("%s", notice)
    unobserved = batch.rejects.notes.get("measured_to_as_of", 0)
    if unobserved and not given:
        log.warning(
            "%s: %s %s no collection time; ages measured to %s, %s UTC%s", path,
            f"{unobserved:,}", "profile carries" if unobserved == 1 else "profiles carry", measured_to, f"{as_of:%Y-%m-%d %H:%M}",
            "; pass --as-of to change it" if as_of_option else "",
        )  # fmt: skip
    return batch


def iter_accounts(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    as_of: pd.Timestamp | None = None,
    chunksize: int | None = None,
    dates: DateRules | None = None,
    columns: dict[str, str] | None = None,
    *,
    authors_of_posts: bool = False,
) -> Iterator[AccountBatch]:
    """Stream an account file as canonical chunks (duplicates are not removed across chunks;
    ``authors_of_posts`` as :func:`read_accounts`)."""
    p = str(path)
    fmt = resolve_format(path, fmt)
    as_of = as_utc(as_of)
    dates = dates if dates is not None else DateRules()
    source = find_source(p) if fmt in ("csv", "json", "jsonl") else None
    if source is not None:
        # Another platform's export (Bluesky getProfiles, Mastodon statuses, a CrowdTangle CSV):
        # its reader maps the profiles it carries to the account fields that platform has. A posts
        # export read as a flat table would take a post's columns for the author's (a post's Likes
        # as likes given, its time as the account's creation).
        rejects = Rejects(p)
        got = source.read(Path(p), rejects)
        if not got.users:
            raise InputError(f"{_export_name(source.platform, got.shape)} carries no profiles: `detector posts` scores its posts and their coordination", path=p)
        yield AccountBatch(accounts_from_records(got.users, p, as_of, rejects, dates), rejects)
    elif fmt == "csv":
        bad_rows = Rejects(p)
        first = True
        for chunk in read_csv_strings(path, chunksize=chunksize, rejects=bad_rows):
            if first:
                decide_csv_dates(path, chunk, dates, columns)
                first = False
            rejects = Rejects(p)
            rejects.rows, bad_rows.rows = bad_rows.rows, []
            yield AccountBatch(canonical_from_frame(chunk, p, rejects, as_of, dates, columns), rejects)
        if bad_rows.rows:  # rows rejected after the last good chunk
            yield AccountBatch(empty_accounts(), bad_rows)
    elif fmt in ("json", "jsonl"):
        rejects = Rejects(p)
        # Tweets read as accounts would be accounts without names, a tweet's time their creation.
        records = list(iter_json_records(path, fmt, rejects))
        if authors_of_posts:  # a v1.1 tweet carries its author as a Bot Repository record does: user, and when it was seen
            records = [(n, _author_of(rec)) for n, rec in records]
        users = _unwrap(keep_kind(records, "account", p, rejects), p, rejects)
        yield AccountBatch(accounts_from_records(users, p, as_of, rejects, dates, columns), rejects)
    elif fmt == "parquet":
        frame = _read_parquet(p, columns)
        rejects = Rejects(p)
        if _nested(frame):
            # X API v2 users saved as Parquet keep public_metrics as a struct: read as the JSON is.
            yield AccountBatch(accounts_from_records(_frame_records(frame), p, as_of, rejects, dates, columns), rejects)
            return
        frame = frame.astype(object).where(frame.notna(), None)
        frame.index = pd.RangeIndex(1, len(frame) + 1)
        yield AccountBatch(canonical_from_frame(frame, p, rejects, as_of, dates, columns), rejects)
    else:  # pragma: no cover - resolve_format only returns known formats
        raise InputError(f"unsupported format '{fmt}'", path=p)


# What a platform reader's shape is, in words, for a message about the file.
_EXPORT_NAMES = {
    "mcl": "a Meta Content Library posts export",
    "crowdtangle-facebook": "a CrowdTangle posts export (Facebook)",
    "crowdtangle-instagram": "a CrowdTangle posts export (Instagram)",
}


def _export_name(platform: str, shape: str) -> str:
    return _EXPORT_NAMES.get(shape, f"this {platform} file")


# Struct columns of the user shapes the JSON reader knows (v2's public_metrics; a Bot Repository or
# TwiBot-20 record's user or profile): a Parquet file holding one is read record by record, as JSON.
_NESTED_COLUMNS = ("public_metrics", "user", "profile")


def _read_parquet(path: str, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """A Parquet account file as pandas reads it; a table of posts is refused (:func:`refuse_posts_table`)."""
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"unreadable Parquet: {exc}", path=path) from exc
    refuse_posts_table(path, frame.columns, columns)
    return frame


def _nested(frame: pd.DataFrame) -> bool:
    """Whether a column of :data:`_NESTED_COLUMNS` holds structs (dicts) rather than flat values."""
    for name in _NESTED_COLUMNS:
        if name in frame.columns and frame[name].dtype == object:
            present = frame[name].dropna()
            if len(present) and isinstance(present.iloc[0], dict):
                return True
    return False


def _frame_records(frame: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a Parquet table as JSON-like records numbered from 1, missing values left out."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [(i, {k: v for k, v in row.items() if v is not None}) for i, row in enumerate(rows, start=1)]


def accounts_from_records(
    records: Iterable[tuple[int, Any]],
    path: str,
    as_of: pd.Timestamp | None = None,
    rejects: Rejects | None = None,
    dates: DateRules | None = None,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Turn ``(record number, user record)`` pairs of any JSON shape into canonical accounts.

    Accepts v1.1 user objects, Bot Repository records, X API v2 users and TwiBot-20 records, even
    mixed in one file. Records of no known shape are rejected with their number.
    """
    rejects = rejects if rejects is not None else Rejects(path)
    as_of = as_utc(as_of)
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    for n, rec in records:
        flat = flatten_user_record(rec)
        if flat is None:
            rejects.add(n, None, "not an account record (no user, profile, id or screen_name)", rec)
            continue
        rows.append(flat)
        numbers.append(n)
    frame = pd.DataFrame(rows, index=pd.Index(numbers, dtype="int64"))
    for col in ALIASES["account_id"]:
        if col in frame.columns and frame[col].dtype.kind == "f":
            # 64-bit ids as JSON numbers, with a record lacking one, became float and lost digits
            frame[col] = pd.Series([r.get(col) for r in rows], index=frame.index, dtype=object)
    if frame.empty and not rows:
        return empty_accounts()
    return canonical_from_frame(frame, path, rejects, as_of, dates, columns, tabular=False)


def flatten_user_record(rec: Any) -> dict[str, Any] | None:
    """Map one JSON account record of any known shape to v1.1 field names; None if unknown."""
    if not isinstance(rec, dict):
        return None
    if isinstance(rec.get("user"), dict):  # Bot Repository: created_at is the collection time
        flat = dict(rec["user"])
        flat.setdefault("collected_at", rec.get("created_at"))
        return flat
    if isinstance(rec.get("profile"), dict):  # TwiBot-20: strings padded with a space, 'None'
        flat = {k: _twibot_value(v) for k, v in rec["profile"].items()}
        if flat.get("id") is None and rec.get("ID") is not None:
            flat["id"] = str(rec["ID"]).strip()
        return flat
    if "public_metrics" in rec or "username" in rec:  # X API v2
        flat = {k: v for k, v in rec.items() if k not in ("public_metrics", "entities")}
        for k, v in (rec.get("public_metrics") or {}).items():
            flat[k] = v
        image = rec.get("profile_image_url")
        if isinstance(image, str):
            flat["default_profile_image"] = "default_profile_images" in image
        return flat
    if any(k in rec for k in ("id", "id_str", "screen_name")):
        return dict(rec)
    return None


def decide_csv_dates(
    path: str | os.PathLike[str], first: pd.DataFrame, dates: DateRules, columns: dict[str, str] | None = None
) -> None:
    """Settle each date column's day/month order for the whole CSV before its chunks are read.

    It is the first thing every CSV account read does with the file (here and in
    :mod:`detector.accounts.score`), so a table of posts is refused here first
    (:func:`refuse_posts_table`), before any of its rows is taken for an account.

    When the first chunk's local-form dates (``10/05/2024``) do not settle the order, or settle it
    only by the dotted convention (``10.05.2024``), the whole column is read (that column only) so
    that a ``24/06/2012`` (or a ``05.24.2024``) on row 900,000 still counts; the
    decision goes into ``dates.decided`` for every chunk (and every worker process) to share.
    """
    refuse_posts_table(path, first.columns, columns)
    if dates.order or dates.fmt:
        return
    mapping = rename_map(first.columns, ACCOUNT_HEADERS, columns, path=str(path))
    for header in first.columns:
        name = mapping.get(header)
        if name not in ("created_at", "collected_at") or name in dates.decided:
            continue
        values = first[header].astype("string")
        shown = str(header)  # messages name the column as the file writes it
        try:
            order = decide_order(values, shown, str(path))
            if order == "dayfirst" and has_dotted(values):
                # Day-first by the dotted convention: a value later in the file that cannot be
                # day-first (05.24.2024) must stop the column, not be dropped as unreadable.
                order = decide_order(_whole_column(path, header), shown, str(path))
        except AmbiguousDatesError:
            order = decide_order(_whole_column(path, header), shown, str(path))
        if order:
            dates.decided[name] = order


# Headers of a post's text (compared by header_key), in every language the post reader knows
# (Tekst, Teksti, Inhalt, Sadržaj, ...): no account table has one. A table with one holds posts,
# whose times, ids and counts are not an account's.
_POST_TEXT_HEADERS = tuple(dict.fromkeys(header_key(h) for h in POST_HEADERS["text"]))
# FiveThirtyEight's IRA tweets table (its followers/following are the author's at each post).
_IRA_MARKERS = ("content", "publish date")


def refuse_posts_table(path: str | os.PathLike[str], headers: Iterable[object], columns: dict[str, str] | None = None) -> None:
    """Raise :class:`InputError` naming what the table is when its rows are posts, not accounts.

    A posts table read as accounts gives confident wrong answers: a post's time becomes the
    account's creation, a post's ``Likes`` the likes the account gave. Recognised: the IRA table
    (``content``, ``publish_date``) and any table with a post's text column (``text``, ``content``,
    ``tweet``, ``message``, and the Serbian, Albanian and German headers the post reader knows:
    ``Tekst``, ``Teksti``, ``Inhalt``, …) that ``--columns`` does not map to an account field. Every one of them
    is what ``detector posts`` reads. The platform exports that
    :func:`detector.sources.base.find_source` claims by their header (CrowdTangle, Meta Content
    Library) never come here: both CSV account paths hand them to their reader first, which reads
    the profiles they carry or refuses the file naming it (:func:`iter_accounts`).
    """
    p = str(path)
    keys = {header_key(h): h for h in (str(h) for h in headers)}
    mapped = set((columns or {}).values())
    if all(k in keys for k in _IRA_MARKERS) and not mapped & {keys[k] for k in _IRA_MARKERS}:
        raise InputError(
            "an IRA tweets table (content, publish_date): its rows are posts, not accounts; "
            "`detector posts` scores them and each author's followers and following at their latest post",
            path=p,
        )
    text = next((keys[k] for k in _POST_TEXT_HEADERS if k in keys and keys[k] not in mapped), None)
    if text is not None:
        raise InputError(
            f"a table of posts (column {text!r} holds a post's text): its rows are posts, not accounts, and their times are not "
            "an account's creation; `detector posts` scores them (or map the columns with --columns name=header)",
            path=p,
        )


DATE_FIELDS = ("created_at", "collected_at")


def date_columns_as_written(path: str | os.PathLike[str], fmt: str | None = None, columns: dict[str, str] | None = None) -> dict[str, pd.Series]:
    """The values of each date field of an account file as written, in record order.

    What each field's day/month order is decided from, for an input split into several files (the
    dask engine), whose orders are decided once from all of them. Empty for another platform's
    export (its reader knows its own times).

    Raises
    ------
    InputError
        As :func:`read_accounts`.
    """
    p = str(path)
    fmt = resolve_format(path, fmt)
    rejects = Rejects(p)
    if fmt in ("csv", "json", "jsonl") and find_source(p) is not None:
        return {}
    if fmt == "csv":
        frames = list(read_csv_strings(path, rejects=rejects))
        raw = pd.concat(frames) if len(frames) > 1 else frames[0]
    elif fmt in ("json", "jsonl"):
        # Posts are left out here without a word: reading the file says what they are (:func:`keep_kind`).
        records = _unwrap(((n, rec) for n, rec in iter_json_records(path, fmt, rejects) if record_kind(rec) != "post"), p, rejects)
        raw = pd.DataFrame([f for f in (flatten_user_record(rec) for _, rec in records) if f is not None])
    else:
        raw = _read_parquet(p, columns)
        if _nested(raw):
            raw = pd.DataFrame([f for f in (flatten_user_record(rec) for _, rec in _frame_records(raw)) if f is not None])
    mapping = rename_map(raw.columns, ACCOUNT_HEADERS, columns, path=p)
    shown = as_written(mapping)
    raw = raw.rename(columns=mapping)
    # Each named as the file writes the column: what a message about its dates names.
    return {name: _pick(raw, name).astype("string").rename(shown.get(name, name)) for name in DATE_FIELDS if name in raw.columns}


def _whole_column(path: str | os.PathLike[str], header: str) -> pd.Series:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from detector.io import arrow_csv_source, csv_delimiter, lone_cr_standin

    standin = lone_cr_standin(path)
    table = pacsv.read_csv(
        arrow_csv_source(path, standin),
        parse_options=pacsv.ParseOptions(delimiter=csv_delimiter(path), newlines_in_values=True, invalid_row_handler=lambda row: "skip"),
        convert_options=pacsv.ConvertOptions(include_columns=[header], column_types={header: pa.string()}),
    )
    column = table.column(header).to_pandas().astype("string")
    return column.str.replace(standin, "\r", regex=False) if standin else column


def empty_accounts() -> pd.DataFrame:
    """An empty canonical account table with the right dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ACCOUNT_COLUMNS.items()})


def drop_duplicates(accounts: pd.DataFrame, rejects: Rejects) -> pd.DataFrame:
    """Keep the first record of each account_id; reject later copies, naming the first one."""
    dup = accounts["account_id"].duplicated(keep="first")
    if not dup.any():
        return accounts
    first_row = accounts.loc[~dup].set_index("account_id")["source_row"]
    for _, r in accounts.loc[dup, ["account_id", "source_row"]].iterrows():
        rejects.add(
            int(r["source_row"]),
            "account_id",
            f"duplicate of record {int(first_row[r['account_id']])} (account {r['account_id']})",
            r["account_id"],
            quiet=True,
        )
    log.warning(duplicates_warning(rejects.path, int(dup.sum()), "account_id"))
    return accounts.loc[~dup].reset_index(drop=True)


def duplicates_warning(path: str, n: int, key: str) -> str:
    """The one warning for every record that repeats a key (account_id, post_id) read earlier."""
    return (
        f"{escape_controls(path)}: {n:,} record{' repeats' if n == 1 else 's repeat'} {'an' if key[0] in 'aeiou' else 'a'} {key} "
        "read earlier: kept the first of each, the others are rejected"
    )


# --------------------------------------------------------------------------------------------
# Canonicalisation of a frame of raw values (strings from CSV, mixed types from JSON)


def canonical_from_frame(
    raw: pd.DataFrame,
    path: str,
    rejects: Rejects,
    as_of: pd.Timestamp,
    dates: DateRules | None = None,
    columns: dict[str, str] | None = None,
    tabular: bool = True,
) -> pd.DataFrame:
    """Validate and convert raw columns into the canonical account table.

    ``raw.index`` holds the record numbers used in warnings and rejects. Headers are mapped with
    :mod:`detector.columns` (``Followers``, ``Pratioci``, ``Ndjekës``; ``columns`` is the user's
    ``--columns``); dates are read with :mod:`detector.dates` under ``dates``. For a table
    (``tabular``: CSV, Parquet), the headers read as no field are noted once in
    ``rejects.notes["unknown_columns"]``, and times read as UTC for want of a zone in
    ``rejects.notes["unzoned_times"]``; dotted dates read day-first by the regional convention
    alone in ``rejects.notes["dotted_dayfirst"]`` (with ``"dayfirst_shown"``: see
    :func:`detector.dates.convention_columns`).

    Raises
    ------
    InputError
        No header gives the model anything (no name, count or date), or ``--columns`` names a
        header the file lacks.
    AmbiguousDatesError
        A date column reads both day-first and month-first.
    """
    # Header names are matched without regard to case, accents or stray spaces: "ID" is "id".
    cresci = _looks_like_cresci(raw.rename(columns=lambda c: str(c).strip().lower()))
    mapping = rename_map(raw.columns, ACCOUNT_HEADERS, columns, path=path)
    if tabular:  # a table's headers are the user's to fix; JSON records carry keys of all kinds
        unknown = unknown_headers(raw.columns, mapping)
        if unknown:
            rejects.notes.setdefault("unknown_columns", set()).update(unknown)
    rejects.headers.update(as_written(mapping))
    written = list(raw.columns)  # the headers as the file writes them, for the message below
    raw = raw.rename(columns=mapping)
    present = [f for f in USABLE_FIELDS if f in raw.columns]
    if not present:
        if tabular and written and all(re.fullmatch(r"[\d\s.:/+TZ-]+", str(h)) for h in written):
            # Numbers and dates where the names should be: a table without a header line (caverlee-2011's).
            raise InputError(
                f"the first line holds values, not column names ({found_list(written, limit=4)}): the file has no "
                "header line; add one naming its columns (e.g. id,created_at,followers_count,...) and give it again",
                path=path,
            )
        expected = "; ".join(f"{f} ({', '.join(ACCOUNT_HEADERS[f][1:4])}…)" for f in USABLE_FIELDS)
        raise InputError(
            f"no column this tool can score: columns found: {found_list(written)}; "
            f"expected one or more of: {expected}; map other headers with --columns name=header",
            path=path,
        )
    rejects.notes.setdefault("absent_fields", set()).update(
        f for f in (*COUNT_FIELDS, "created_at", "name", "description", *BOOL_FIELDS, "url", "location") if f not in raw.columns
    )
    out = pd.DataFrame(index=raw.index)
    dates = dates if dates is not None else DateRules()

    ident = _pick(raw, "account_id")
    # A handle is written "@name" by people and spreadsheets; the account is "name".
    screen = _text(_pick(raw, "screen_name")).str.lstrip("@").str.strip()
    screen = screen.where(screen.str.len() > 0)
    ident, mangled = _clean_ids(ident, screen, path, rejects)
    out["account_id"] = ident.where(ident.notna(), screen).astype("string")
    out["screen_name"] = screen.astype("string")

    for name in TEXT_FIELDS:
        out[name] = _bounded_text(raw, name, path, rejects)
    _restore_absent(out, raw)

    for name in COUNT_FIELDS:
        out[name] = _counts(raw, name, rejects)

    out["created_at"] = _times(_pick(raw, "created_at"), "created_at", rejects, dates, path)
    collected = _times(_pick(raw, "collected_at"), "collected_at", rejects, dates, path)
    unobserved = int(collected.isna().sum())
    if unobserved:
        rejects.notes["measured_to_as_of"] = rejects.notes.get("measured_to_as_of", 0) + unobserved
    out["collected_at"] = collected.fillna(as_of)
    if dates.unzoned:  # said once for the file, in the summary
        rejects.notes.setdefault("unzoned_times", set()).update(dates.unzoned.items())
    if dates.by_convention:  # dotted dates read day-first by convention: said once for the file, in the summary
        rejects.notes.setdefault("dotted_dayfirst", set()).update(dates.by_convention.items())
    if dates.dayfirst_shown:
        rejects.notes.setdefault("dayfirst_shown", set()).update(dates.dayfirst_shown)
    future = (out["created_at"] > out["collected_at"]).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(future):
        created, seen = out["created_at"].iat[i], out["collected_at"].iat[i]
        rejects.add(
            int(out.index[i]),
            "created_at",
            f"created {created:%Y-%m-%d %H:%M} after it was observed ({seen:%Y-%m-%d %H:%M}): field ignored, record kept",
            str(created),
            action="field ignored",
        )
    out.loc[future, "created_at"] = pd.NaT

    for name in BOOL_FIELDS:
        out[name] = _bools(raw, name, rejects)
    out["bot_declared"] = _bools(raw, "bot_declared", rejects)
    out["platform"] = _text(_pick(raw, "platform")).fillna(DEFAULT_PLATFORM)
    if cresci:
        # cresci CSVs write booleans as 1 or empty: there, empty means false, not unknown.
        for name in BOOL_FIELDS:
            if name in raw.columns:
                out[name] = out[name].fillna(False)

    out["source_row"] = raw.index.to_numpy(dtype="int64")

    no_key = out["account_id"].isna().to_numpy(dtype=bool) & ~mangled
    for i in np.flatnonzero(no_key):
        rejects.add(int(out.index[i]), "id", "no id or screen_name", _row_repr(raw, int(i)))
    out = out.loc[~(no_key | mangled), list(ACCOUNT_COLUMNS)]
    return out.astype(ACCOUNT_COLUMNS).reset_index(drop=True)


def as_utc(as_of: pd.Timestamp | str | None) -> pd.Timestamp:
    if as_of is None:
        return pd.Timestamp.now(tz="UTC").floor("s").as_unit("ns")
    ts = pd.Timestamp(as_of)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.as_unit("ns")


def _unwrap(records: Iterable[tuple[int, Any]], path: str, rejects: Rejects) -> Iterator[tuple[int, Any]]:
    """Open raw API responses ``{"data": [...]}`` (and JSON lines of them) into their users."""
    for n, rec in records:
        if isinstance(rec, dict) and isinstance(rec.get("data"), (list, dict)) and "user" not in rec:
            # GET /2/users/:id answers {"data": {...}}; the lookups of many answer {"data": [...]}.
            items = rec["data"] if isinstance(rec["data"], list) else [rec["data"]]
            if not items:
                rejects.add(n, "data", "API response with no users in 'data'", rec.get("errors"))
            for item in items:
                yield n, item
            for err in rec.get("errors") or []:
                log.info("%s, record %d: API reported %s", path, n, err.get("detail") or err)
        else:
            yield n, rec


def _author_of(rec: Any) -> Any:
    """A v1.1 tweet as its author's Bot Repository record (``created_at``: the tweet's time); any other record as it is."""
    if record_kind(rec) == "post" and isinstance(rec.get("user"), dict):
        return {"created_at": rec.get("created_at"), "user": rec["user"]}
    return rec


def _twibot_value(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        if v in ("None", ""):
            return None
    return v


def _looks_like_cresci(raw: pd.DataFrame) -> bool:
    cols = set(raw.columns)
    return ("crawled_at" in cols or "dataset" in cols or "test_set_1" in cols) and "updated" in cols


def _pick(raw: pd.DataFrame, name: str) -> pd.Series:
    """The column of canonical field ``name`` (headers already mapped), else an all-missing one."""
    if name in raw.columns:
        col = raw[name]
        if isinstance(col, pd.DataFrame):  # two JSON keys mapped to one field: the first counts
            col = col.iloc[:, 0]
        return col
    return pd.Series(None, index=raw.index, dtype=object)


def _text(s: pd.Series) -> pd.Series:
    if s.dtype == object and s.isna().all():  # a field the input lacks (platform, in most)
        return pd.Series(pd.NA, index=s.index, dtype="string")
    if s.dtype == object:  # JSON values may be numbers: make them text first
        s = s.map(str, na_action="ignore")
    s = s.astype("string").str.strip()
    return s.where(s.str.len() > 0)


def _bounded_text(raw: pd.DataFrame, name: str, path: str, rejects: Rejects) -> pd.Series:
    """A free-text profile field.

    When the input has the column, an empty cell is an empty field (a profile with no description
    has description ""). When the input lacks the column, the field is missing (NA): features
    built on it are then missing too, never zero.
    """
    s = _pick(raw, name)
    if s.isna().all() and not _has_column(raw, name):
        return pd.Series(pd.NA, index=raw.index, dtype="string")
    s = s.astype("string")
    lengths = s.str.len()
    too_long = (lengths > MAX_TEXT_CHARS).fillna(False).to_numpy(dtype=bool)
    # Positions, not labels: the users of one API page share a record number.
    for i in np.flatnonzero(too_long):
        rejects.add(
            int(s.index[i]),
            name,
            f"{int(lengths.iat[i]):,} characters, over the {MAX_TEXT_CHARS:,} limit: field ignored, record kept",
            str(s.iat[i])[:80],
            action="field ignored",
        )
    if too_long.any():  # (rare: masking a whole column costs more than the rest of it)
        s[too_long] = pd.NA
    if name == "lang":
        s = s.str.strip()
        return s.where(s.str.len() > 0)
    s = s.fillna("").str.strip()
    return s.where(~pd.Series(too_long, index=s.index)) if too_long.any() else s


def _restore_absent(out: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Set back to missing the text fields a platform reader named absent in a record.

    A platform's record lists them under :data:`detector.sources.base.ABSENT` (a Bluesky post's
    author view carries no description). Once one record of the frame has the field, the others'
    absent values read as empty (:func:`_bounded_text`): empty says the account wrote nothing,
    missing that nobody looked. Positions, not labels: the users of one page share a record number.
    """
    if ABSENT not in raw.columns:
        return
    marks = raw[ABSENT]
    if isinstance(marks, pd.DataFrame):
        marks = marks.iloc[:, 0]
    named = [set(m) if isinstance(m, (list, tuple, set, frozenset)) else set() for m in marks.to_numpy(dtype=object)]
    for name in TEXT_FIELDS:
        absent = np.fromiter((name in m for m in named), dtype=bool, count=len(named))
        if absent.any():
            out[name] = out[name].where(~absent)


def _has_column(raw: pd.DataFrame, name: str) -> bool:
    return name in raw.columns


def _clean_ids(ident: pd.Series, screen: pd.Series, path: str, rejects: Rejects) -> tuple[pd.Series, np.ndarray]:
    """Ids as text, ``123.0`` repaired; returns them and which records a spreadsheet mangled.

    An id in scientific notation (``8.41E+17``) lost its last digits: it may name another account,
    so the record is rejected, whatever else it holds (a screen name included).
    """
    if ident.dtype == object and not ident.map(type, na_action="ignore").isin([str]).all():
        ids = ident.map(_id_text, na_action="ignore").astype("string")  # JSON numbers, bools
    else:
        ids = ident.astype("string").str.strip()
    ids = ids.where(ids.str.len() > 0)
    # Most ids are plain digits; only the others need the (slower) pattern checks.
    odd = (~ids.str.isdigit()).fillna(False).to_numpy(dtype=bool)
    floaty = np.zeros(len(ids), dtype=bool)
    mangled = np.zeros(len(ids), dtype=bool)
    if odd.any():
        floaty[odd] = ids[odd].str.fullmatch(_FLOAT_ID.pattern).fillna(False).to_numpy(dtype=bool)
        if floaty.any():
            ids[floaty] = ids[floaty].str.extract(_FLOAT_ID.pattern, expand=False)
        mangled[odd] = ids[odd].str.fullmatch(_MANGLED_ID.pattern).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(mangled):
        rejects.add(
            int(ids.index[i]),
            "id",
            f"id '{ids.iat[i]}' was mangled by a spreadsheet (scientific notation loses digits): record rejected",
            str(ids.iat[i]),
        )
    ids[mangled] = pd.NA
    return ids, mangled


def _id_text(v: Any) -> str:
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return repr(v) if not v.is_integer() or abs(v) >= 2**53 else str(int(v))
    return str(v).strip()


# A count written for people: digits grouped in threes by commas (1,234), spaces or underscores,
# or, as the region's exports write them, by dots (1.234, 12.500.000); or digits with spaces around.
_GROUPED = re.compile(r"\s*(?:\d{1,3}(?P<sep>[,._ \u00a0\u202f'])\d{3}(?:(?P=sep)\d{3})*|\d+)\s*")


def _counts(raw: pd.DataFrame, name: str, rejects: Rejects) -> pd.Series:
    s = _pick(raw, name)
    if s.isna().all():
        return pd.Series(np.nan, index=raw.index, dtype="float64")
    if s.dtype.kind in "iuf":
        values = s.astype("float64").to_numpy(copy=True)
    else:
        values, written = _numbers(s)
        # The values that are not plain whole numbers, read one by one (few in any real file).
        texts = s.to_numpy(dtype=object)
        for i in np.flatnonzero(written):
            text = str(texts[i])
            m = _GROUPED.fullmatch(text)
            if m is None:
                continue  # what pandas read (1.5, 1e3) or nothing (lots): judged below
            values[i] = float(re.sub(r"\D", "", text))
            if m.group("sep") == ".":
                # 1.234 is a thousand and more where dots group digits, and a count has no decimals:
                # read so, and said once for the file (the summary names the column and a value).
                shown = rejects.headers.get(name, name)
                found = rejects.notes.setdefault("dotted_thousands", set())
                if not any(column == shown for column, _ in found):
                    found.add((shown, text.strip()))
    # One rule for every count: NaN, inf, -5 and 1.5 are none of them a number of followers.
    with np.errstate(invalid="ignore"):
        invalid = (np.isnan(values) & s.notna().to_numpy(dtype=bool)) | (values < 0) | np.isinf(values)
        fraction = ~invalid & (np.mod(values, 1) != 0) & np.isfinite(values)
    for i in np.flatnonzero(invalid | fraction):
        v = str(s.iat[i])
        problem = "is not a whole number" if fraction[i] else "is not a non-negative number"
        rejects.add(int(s.index[i]), name, f"'{escape_controls(v[:40])}' {problem}: field ignored, record kept", v[:80], action="field ignored")
    values[invalid | fraction] = np.nan
    return pd.Series(values, index=s.index, dtype="float64")


def _numbers(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The values of a text column as float64, and which of them are not plain whole numbers.

    Plain whole numbers (up to 15 digits, with ``.0`` or ``.00`` or not: exact in a float either
    way) are read by Arrow in bulk; the others by pandas (``NaN`` where it reads none), and marked,
    for :func:`_counts` to judge each as written. ``5.000`` is not plain: where dots group digits it
    is five thousand."""
    present = s.notna().to_numpy(dtype=bool)
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.storage != "pyarrow":
        text = s.astype("string")
        plain = text.str.fullmatch(r"[0-9]{1,15}(?:\.0{1,2})?").fillna(False).to_numpy(dtype=bool)
        return pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(copy=True), present & ~plain
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(s.array)
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    plain = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{1,15}(?:\.0{1,2})?$"), False).to_numpy(zero_copy_only=False)
    values = np.full(len(s), np.nan)
    if plain.any():
        values[plain] = pc.cast(text.filter(plain), pa.float64()).to_numpy()
    rest = ~plain & present
    if rest.any():
        values[rest] = pd.to_numeric(s[rest], errors="coerce").astype("float64").to_numpy()
    return values, rest


def _times(s: pd.Series, name: str, rejects: Rejects, dates: DateRules | None = None, path: str | None = None) -> pd.Series:
    dates = dates if dates is not None else DateRules()
    out = parse_dates(s, name, dates, path, rejects.headers.get(name))
    todo = (out.isna() & s.notna()).to_numpy(dtype=bool, copy=True)
    if todo.any():  # of the values left unread, the blank ones are no date at all
        todo[todo] = (s[todo].astype("string").str.strip().str.len() > 0).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(todo):
        v = str(s.iat[i]).strip()
        problem = dates.clock_change(v) or period_only(v) or f"unparseable date '{escape_controls(v[:40])}'"
        rejects.add(int(s.index[i]), name, f"{problem}: field ignored, record kept", v[:80], action="field ignored")
    return out


def _bools(raw: pd.DataFrame, name: str, rejects: Rejects) -> pd.Series:
    s = _pick(raw, name)
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    present = s.notna()
    if not present.any():
        return out
    if s.dtype == bool:
        return s.astype("boolean")
    # Positions, not labels: the users of one API response share their record number.
    mask = present.to_numpy(dtype=bool)
    if isinstance(s.dtype, pd.StringDtype):  # text (CSV): each distinct value is read once
        codes, distinct = pd.factorize(s)
        words = pd.Series(np.asarray(distinct, dtype=object), dtype=object).astype(str).str.strip().str.lower().to_numpy(dtype=object)
        words = np.append(words, "")  # code -1: missing
        is_true, is_false = np.isin(words, list(_TRUE)), np.isin(words, list(_FALSE))
        true, false = mask & is_true[codes], mask & is_false[codes]
        bad = mask & (~(is_true | is_false) & (words != ""))[codes]
    else:
        text = s.astype(object).where(present, "").astype(str).str.strip().str.lower().to_numpy(dtype=object)
        true = mask & np.isin(text, list(_TRUE))
        false = mask & np.isin(text, list(_FALSE))
        bad = mask & ~(true | false) & (text != "")
    for i in np.flatnonzero(bad):
        word = str(words[codes[i]] if isinstance(s.dtype, pd.StringDtype) else text[i])
        rejects.add(int(raw.index[int(i)]), name, f"'{word[:40]}' is not a boolean: field ignored, record kept", word[:80], action="field ignored")
    # True, False, or missing (neither word: a blank or a rejected value)
    return pd.Series(pd.arrays.BooleanArray(true, ~(true | false)), index=raw.index)


def _row_repr(raw: pd.DataFrame, i: int) -> dict[str, Any]:
    row = raw.iloc[i]
    return {k: (str(v)[:200] if v is not None else None) for k, v in row.items() if pd.notna(v)}
