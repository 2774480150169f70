"""The account-scoring job: an input file of accounts in, one scored row per account out.

Streams the input in chunks. The look-alike groups (:mod:`detector.accounts.lookalike`; unless turned off) need the whole
list, so the scored chunks wait, beyond the first :data:`SPOOL_IN_MEMORY` rows in a temporary folder on
disk, until the list's groups are known; memory grows with the list only by each account's keys
(creation time, screen-name template, normalised description and display name).
Keeps every record it could not use in a rejects file beside the output, scores the rest, and writes
the output atomically. It raises :class:`~detector.errors.NothingScoredError` only when no record at all
could be scored.

This module owns the job's flow. Parsing lives in :mod:`detector.accounts.read`, the model in
:mod:`detector.accounts.model`, bytes on disk in :mod:`detector.io`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import platform
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector import progress
from detector.accounts.lookalike import KEY_COLUMNS as LOOKALIKE_KEYS
from detector.accounts.lookalike import OFF_NOTICE, find_lookalikes, lookalike_keys
from detector.accounts.model import AccountModel, score_accounts
from detector.accounts.read import (
    AccountBatch,
    as_utc,
    canonical_from_frame,
    decide_csv_dates,
    duplicates_warning,
    empty_accounts,
    iter_accounts,
)
from detector.accounts.registry import load_current_model as load_model
from detector.accounts.wording import field_words, plain_reasons, say_unusable
from detector.columns import unread_notice
from detector.dates import DateRules, date_notices
from detector.errors import NothingScoredError, escape_controls
from detector.io import (
    ChunkWriter,
    Rejects,
    merge_notes,
    read_csv_strings,
    refuse_overwrite,
    resolve_format,
    write_rejects,
)
from detector.sources.base import find_source

log = logging.getLogger(__name__)

#: With ``workers=None`` ("auto"), a CSV input at least this big is scored by one worker process per
#: usable core (at most :data:`AUTO_MAX_WORKERS`); smaller inputs, and JSON or Parquet, in this
#: process. About 100,000 flat rows: below that, starting the pool costs more than it saves.
AUTO_MIN_BYTES = 32 * 1024 * 1024
AUTO_MAX_WORKERS = 4


def auto_workers(path: str | os.PathLike[str], fmt: str | None = None, *, min_bytes: int = AUTO_MIN_BYTES) -> int:
    """How many worker processes "auto" gives ``path``: 1 unless it is a CSV file of ``min_bytes`` or more.

    Then one per core this process may run on (``os.sched_getaffinity`` where there is one), at most
    :data:`AUTO_MAX_WORKERS`. The output is the same for any number; only the time changes.
    """
    try:
        size = os.stat(path).st_size
    except OSError:
        return 1
    if size < min_bytes or resolve_format(path, fmt) != "csv":
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, AUTO_MAX_WORKERS))


@dataclass
class ScoreRun:
    """What a scoring run did."""

    input: str
    output: str
    scored: int = 0
    rejected: int = 0
    warnings: int = 0
    rejects_path: str | None = None
    written: int = 0  # rows in the output: all scored ones unless min_score/labels filter them
    model_version: str = ""
    labels: dict[str, int] = field(default_factory=dict)
    top: pd.DataFrame | None = None
    notices: list[str] = field(default_factory=list)
    lookalike_groups: int = 0  # look-alike groups found across the list (detector.accounts.lookalike)
    lookalike_accounts: int = 0  # accounts in them


def score_file(
    input_path: str | os.PathLike[str],
    output: str,
    *,
    fmt: str | None = None,
    as_of: pd.Timestamp | str | None = None,
    model: AccountModel | None = None,
    chunksize: int = 100_000,
    keep_top: int = 20,
    workers: int | None = 1,
    min_score: float | None = None,
    only_labels: Sequence[str] | None = None,
    dates: DateRules | None = None,
    columns: dict[str, str] | None = None,
    lookalike: bool = True,
) -> ScoreRun:
    """Score every account of ``input_path`` and write the scores to ``output``.

    Parameters
    ----------
    input_path : path-like
        Accounts in any supported shape (see :mod:`detector.accounts.read`).
    output : str
        Output file; its extension chooses CSV, JSONL, JSON or Parquet; ``-`` is stdout (CSV).
    fmt : str, optional
        Input format; detected from the content when omitted.
    as_of : Timestamp or str, optional
        Collection time for records that carry none.
    model : AccountModel, optional
        Defaults to :func:`detector.accounts.model.load_model`.
    chunksize : int
        Records per chunk.
    keep_top : int
        How many of the highest-scoring accounts to keep in ``ScoreRun.top``.
    workers : int or None
        Processes that parse and score CSV chunks while this one reads and writes. The output is
        the same for any number. ``None`` chooses by the input (:func:`auto_workers`).
    min_score, only_labels : optional
        Write only the accounts scoring at least ``min_score`` / with one of ``only_labels``. The run's
        counts (``scored``, ``labels``, ``top``) still cover every account scored.
    dates : DateRules, optional
        How to read local date forms (``--dayfirst``, ``--monthfirst``, ``--date-format``).
    columns : dict, optional
        ``--columns``: canonical field name to the input's header.
    lookalike : bool
        Find the look-alike groups across the list (:mod:`detector.accounts.lookalike`: the
        ``lookalike_*`` columns). False (``--no-lookalike``) leaves the columns out, writes each
        chunk as soon as it is scored (no spool) and says so once in ``notices``.

    Raises
    ------
    OutputError
        ``output`` (or its rejects file) is the input: nothing is read or written.
    """
    refuse_overwrite([input_path], [output])
    model = model or load_model()
    if workers is None:
        workers = auto_workers(input_path, fmt)
        log.info("%s: scoring in %d worker process%s (auto)", input_path, workers, "" if workers == 1 else "es")
    run = ScoreRun(str(input_path), output, model_version=model.version)
    rejects = Rejects(str(input_path))
    seen = _Seen()
    as_of_ts = as_utc(as_of)  # one "now" for the whole run, whichever process scores a chunk
    labels: dict[str, int] = {}
    top: pd.DataFrame | None = None
    scored = repeats = 0
    dates = dates if dates is not None else DateRules()
    notes: dict[str, Any] = {}
    spool = _Spool()
    keys: list[pd.DataFrame] = []
    with ChunkWriter(output) as writer, spool, _Scorer(model, workers, dates, columns, lookalike) as scorer, progress.bar("scoring accounts", unit="accounts") as bar:
        for scores, rows, problems, chunk_notes, ids in scorer.map(_chunks(input_path, fmt, as_of_ts, chunksize, dates, columns), str(input_path), as_of_ts):
            rejects.rows.extend(problems)
            merge_notes(notes, chunk_notes)
            bar.update(len(scores))
            before = len(scores)
            scores = _drop_seen(scores, rows, seen, rejects, ids)
            repeats += before - len(scores)
            if len(scores) == 0:
                continue
            if lookalike:
                keys.append(scores[list(_KEY_NAMES)].set_axis(list(_KEY_NAMES.values()), axis=1))
                scores = scores.drop(columns=list(_KEY_NAMES))
            scores = scores.reset_index(drop=True)
            if keep_top:  # with each row's place in the list, to give it its group at the end
                best = scores.nlargest(keep_top, "score")
                best = best.assign(_row=best.index.to_numpy() + scored)
                top = best if top is None else pd.concat([top, best]).nlargest(keep_top, "score")
            scored += len(scores)
            if lookalike:
                spool.add(scores)
            else:  # nothing waits for the whole list
                writer.write(keep_rows(scores, min_score, only_labels))
            for k, v in scores["label"].value_counts().items():
                labels[str(k)] = labels.get(str(k), 0) + int(v)
        run.scored = scored
        if run.scored == 0:
            run.rejects_path = write_rejects(rejects, output)
            raise NothingScoredError(
                f"{input_path}: no account could be scored ({rejects.n_rejected} record{'' if rejects.n_rejected == 1 else 's'} rejected"
                + (f", see {run.rejects_path})" if run.rejects_path else ")")
            )
        if lookalike:
            # The groups need the whole list: the scored chunks wait in the spool until they are found.
            found = find_lookalikes(pd.concat(keys, ignore_index=True))
            del keys
            for start, part in spool.parts():
                part = pd.concat([part, found.iloc[start : start + len(part)].set_axis(part.index)], axis=1)
                writer.write(keep_rows(part, min_score, only_labels))
            in_group = found["lookalike_size"].to_numpy() > 0
            run.lookalike_accounts = int(in_group.sum())
            run.lookalike_groups = int(found.loc[in_group, "lookalike_group"].nunique())
            if run.lookalike_groups:
                log.info("%s: %d look-alike groups of %d accounts", input_path, run.lookalike_groups, run.lookalike_accounts)
            if top is not None:
                top = pd.concat([top.drop(columns="_row"), found.iloc[top["_row"].to_numpy()].set_axis(top.index)], axis=1)
        elif top is not None:
            top = top.drop(columns="_row")
        run.written = writer.rows
    if repeats:  # one warning for them all, as for repeated post ids
        log.warning(duplicates_warning(str(input_path), repeats, "account_id"))
    run.rejected = rejects.n_rejected
    run.warnings = rejects.n_field_warnings
    run.notices = file_notices(notes, as_of is None, as_of_ts, str(input_path))
    if not lookalike:
        run.notices.append(OFF_NOTICE)
    for notice in run.notices:  # the CLI prints them in its summary
        log.info("%s: %s", input_path, notice)
    run.rejects_path = write_rejects(rejects, output)
    run.labels = labels
    run.top = top
    log.info("scored %d accounts, rejected %d, %d field warnings", run.scored, run.rejected, run.warnings)
    return run


def keep_rows(scores: pd.DataFrame, min_score: float | None, labels: Sequence[str] | None) -> pd.DataFrame:
    """The rows scoring at least ``min_score`` and labelled one of ``labels`` (each when given)."""
    if min_score is not None:
        scores = scores[scores["score"].to_numpy(dtype=float) >= min_score]
    if labels:
        scores = scores[scores["label"].isin(list(labels)).to_numpy()]
    return scores


def file_notices(notes: dict[str, Any], as_of_missing: bool, as_of: pd.Timestamp, path: str = "the input") -> list[str]:
    """What one input lacked, said once for the file (not on every row)."""
    out = []
    unknown = notes.get("unknown_columns")
    if unknown:
        out.append(unread_notice(unknown))
    out.extend(date_notices(path, notes))
    dotted = dict(sorted(notes.get("dotted_thousands") or (), reverse=True))  # column -> its smallest example
    if dotted:
        names = sorted(dotted)
        example = dotted[names[0]]
        shown = ", ".join(f"'{n}'" for n in names)
        out.append(escape_controls(
            f"counts in column{'s' if len(names) > 1 else ''} {shown} of {path} such as '{example}' "
            f"were read with the dot separating thousands ({example.replace('.', '')}), as the region's exports write them; "
            "a count has no decimals"
        ))
    absent = notes.get("absent_fields") or set()
    if absent:
        out.append(f"not in this input: {field_words(absent)}; accounts were scored without them")
    unobserved = notes.get("measured_to_as_of", 0)
    if unobserved and as_of_missing:
        out.append(
            f"{unobserved:,} account{' carries' if unobserved == 1 else 's carry'} no observation time: account ages are "
            f"measured to now ({as_of:%Y-%m-%d %H:%M} UTC); give --as-of DATE, the day the list was collected, "
            "to measure them to then"
        )
    return out


Chunk = tuple[str, Any]  # ("raw", CSV strings frame) or ("canonical", AccountBatch)
IdKeys = tuple[np.ndarray, np.ndarray, np.ndarray]  # see _id_keys
Scored = tuple[pd.DataFrame, np.ndarray, list[dict[str, Any]], dict[str, Any], IdKeys]
Sent = tuple["pd.DataFrame | _SharedFrame", np.ndarray, list[dict[str, Any]], dict[str, Any], IdKeys]  # a worker's Scored


def _chunks(
    path: str | os.PathLike[str], fmt: str | None, as_of: pd.Timestamp | None, chunksize: int,
    dates: DateRules, columns: dict[str, str] | None,
) -> Iterator[Chunk]:
    fmt = resolve_format(path, fmt)
    # A CSV that a platform's reader claims by its header (a CrowdTangle export: its pages' partial
    # profiles) is read by that reader, as iter_accounts reads it; other CSVs are read raw, in chunks.
    if fmt == "csv" and find_source(Path(path)) is None:
        bad_rows = Rejects(str(path))
        first = True
        for raw in read_csv_strings(path, chunksize=chunksize, rejects=bad_rows):
            if first:  # settled here, before any worker reads a date
                decide_csv_dates(path, raw, dates, columns)
                first = False
            problems, bad_rows.rows = bad_rows.rows, []
            yield "raw", (raw, problems, dict(dates.decided))
        if bad_rows.rows:  # rows rejected after the last good chunk
            yield "canonical", AccountBatch(empty_accounts(), bad_rows)
    else:
        for batch in iter_accounts(path, fmt=fmt, as_of=as_of, chunksize=chunksize, dates=dates, columns=columns):
            yield "canonical", batch


_WORKER: dict[str, Any] = {}


def _init_worker(model: AccountModel, dates: DateRules, columns: dict[str, str] | None, lookalike: bool = True) -> None:
    _WORKER.update(model=model, dates=dates, columns=columns, lookalike=lookalike)
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let this worker keep the memory it frees, for the next chunk, instead of handing it back.

    Every chunk allocates and frees the same few hundred MB. pyarrow's default allocator
    (mimalloc) gives freed pages back to the system and faults them in again for the next chunk;
    that cost the workers more system time than the chunk's reading. A worker uses the C
    allocator instead, told to keep what it frees (glibc: no trimming of the heap, big blocks from
    the heap, not from fresh mappings). Only the job's own worker processes, which end with it,
    are set so: the process that calls the library keeps its settings.
    """
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's largest


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def _score_chunk(
    chunk: Chunk, path: str, as_of: pd.Timestamp | None, model: AccountModel | None = None,
    dates: DateRules | None = None, columns: dict[str, str] | None = None, handoff: str | None = None, lookalike: bool | None = None,
) -> Sent:
    """Canonicalise (when raw) and score one chunk; return scores, their record numbers, problems,
    notes and the keys of their ids (:func:`_id_keys`: worked out here, in a worker, not by the
    process that writes).

    With ``handoff`` (a folder), the scores come back as a :class:`_SharedFrame` written there.
    ``lookalike`` False: no look-alike keys (in a worker, as the pool was told).
    """
    model = model or _WORKER["model"]
    assert model is not None
    dates = dates or _WORKER.get("dates") or DateRules()
    columns = columns if columns is not None else _WORKER.get("columns")
    kind, payload = chunk
    if kind == "raw":
        raw, earlier, decided = payload
        problems = Rejects(path, list(earlier))
        rules = dates.with_decided(decided)
        accounts = canonical_from_frame(_SharedFrame.take(raw), path, problems, as_utc(as_of), rules, columns)
    else:
        accounts, problems = payload.accounts, payload.rejects
    scores = score_accounts(accounts, model)
    if "reasons" in scores.columns:
        scores["reasons"] = plain_reasons(scores["reasons"], problems.notes.get("absent_fields", ()))
        _say_unusable(scores, accounts, problems)
    if lookalike if lookalike is not None else _WORKER.get("lookalike", True):
        found = lookalike_keys(accounts)  # what the look-alike groups of the whole list need
        for name, key in _KEY_NAMES.items():
            scores[name] = found[key].array
    rows = accounts["source_row"].to_numpy()
    keys = _id_keys(scores["account_id"])
    return (_SharedFrame.put(scores, handoff) if handoff else scores), rows, problems.rows, problems.notes, keys


def _say_unusable(scores: pd.DataFrame, accounts: pd.DataFrame, problems: Rejects) -> None:
    """A field the row gave but that was set aside ('lots' followers) is said ``unusable``, not ``blank``
    (:func:`detector.accounts.wording.say_unusable`); the few such rows one by one."""
    canonical = {written: name for name, written in problems.headers.items()}
    ignored: dict[int, set[str]] = {}
    for r in problems.rows:
        if r["action"] == "field ignored" and r["field"]:
            ignored.setdefault(int(r["row"]), set()).add(canonical.get(r["field"], r["field"]))
    if not ignored:
        return
    at = scores.columns.get_loc("reasons")
    for i, row in enumerate(accounts["source_row"].to_numpy()):
        fields = ignored.get(int(row))
        if fields and isinstance(reason := scores.iat[i, at], str):
            scores.iat[i, at] = say_unusable(reason, fields)


# The look-alike keys ride along with each chunk's scores (under these names, so no score column is
# hidden by them) until the parent process takes them off.
_KEY_NAMES = {f"_lookalike_{k}": k for k in LOOKALIKE_KEYS}


class _Spool:
    """The scored chunks of a run, kept in order until the look-alike groups of the whole list are known.

    The first :data:`SPOOL_IN_MEMORY` rows stay in memory; later chunks go to Arrow files in a
    temporary folder (on disk, not in RAM), so a list of millions keeps memory flat. Reading them
    back costs about what writing the output does.
    """

    def __init__(self, in_memory: int | None = None) -> None:
        self.in_memory = SPOOL_IN_MEMORY if in_memory is None else in_memory
        self.items: list[tuple[int, pd.DataFrame | _SharedFrame]] = []
        self.rows = 0
        self.folder: str | None = None

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, frame: pd.DataFrame) -> None:
        item: pd.DataFrame | _SharedFrame = frame
        if self.rows + len(frame) > self.in_memory:
            if self.folder is None:
                try:
                    self.folder = tempfile.mkdtemp(prefix="detector-spool-")
                except OSError as exc:  # no temporary folder to write to: keep the chunks in memory
                    log.warning("cannot keep scored chunks in a temporary folder (%s): holding them in memory", exc)
                    self.in_memory = sys.maxsize
            if self.folder is not None:
                item = _SharedFrame.put(frame, self.folder)
        self.items.append((self.rows, item))
        self.rows += len(frame)

    def parts(self) -> Iterator[tuple[int, pd.DataFrame]]:
        """Each chunk with its first row's position in the list, in order (each is handed out once)."""
        while self.items:
            start, item = self.items.pop(0)
            yield start, _SharedFrame.take(item).reset_index(drop=True)


#: Scored rows a run keeps in memory before it spools the rest to disk.
SPOOL_IN_MEMORY = 200_000


@dataclass(frozen=True)
class _SharedFrame:
    """A frame handed between the job's processes as an Arrow IPC file in shared memory.

    The pool's pipe would pickle a 100,000-row chunk (about 30 MB of Arrow text) and copy it some
    six times on its way, which cost more than reading it; an Arrow file in a RAM-backed folder is
    written once and mapped by the other process without a copy. The reader removes the file once
    it has mapped it (the mapping outlives the name); the folder goes with the job.
    Only frames that come back exactly as they went (Arrow-backed text, numpy numbers and flags,
    a range or integer index) go this way; :meth:`put` returns any other frame as it is.
    """

    path: str

    @staticmethod
    def put(frame: pd.DataFrame, folder: str) -> pd.DataFrame | _SharedFrame:
        if not _round_trips(frame):
            return frame
        import pyarrow as pa

        table = pa.Table.from_pandas(frame)
        name = None
        try:
            fd, name = tempfile.mkstemp(suffix=".arrow", dir=folder)
            os.close(fd)
            with pa.OSFile(name, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
        except OSError:  # the shared-memory folder is full (or gone): send the frame itself
            if name is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(name)
            return frame
        return _SharedFrame(name)

    @staticmethod
    def take(item: pd.DataFrame | _SharedFrame) -> pd.DataFrame:
        """The frame itself, mapped from its file (which is removed) when ``item`` is one."""
        if not isinstance(item, _SharedFrame):
            return item
        import pyarrow as pa

        with pa.memory_map(item.path) as source:
            table = pa.ipc.open_file(source).read_all()
        os.remove(item.path)
        return table.to_pandas()


def _round_trips(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` comes back from Arrow (with its pandas metadata) exactly as it is."""
    names = frame.columns
    if not (names.is_unique and all(isinstance(c, str) for c in names)):
        return False
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) or (index.dtype == np.int64 and index.name is None)):
        return False
    for dtype in frame.dtypes:
        if isinstance(dtype, pd.StringDtype):
            if dtype.storage != "pyarrow":
                return False
        elif not (isinstance(dtype, np.dtype) and dtype.kind in "biuf"):
            return False
    return True


def _handoff_folder() -> str:
    """A new private folder for :class:`_SharedFrame` files: in RAM (``/dev/shm``) where there is one."""
    shm = "/dev/shm"
    where = shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None
    return tempfile.mkdtemp(prefix="detector-score-", dir=where)


class _Scorer:
    """Score chunks in this process, or in a pool of processes, always in input order."""

    def __init__(self, model: AccountModel, workers: int, dates: DateRules, columns: dict[str, str] | None, lookalike: bool = True) -> None:
        self.model = model
        self.workers = workers
        self.dates = dates
        self.columns = columns
        self.lookalike = lookalike
        self.pool: ProcessPoolExecutor | None = None
        self.handoff: str | None = None

    def __enter__(self) -> _Scorer:
        if self.workers > 1:
            self.handoff = _handoff_folder()
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=mp.get_context("fork"), initializer=_init_worker, initargs=(self.model, self.dates, self.columns, self.lookalike)
            )
            # Start the workers now (the pool starts them at its first task): they set themselves
            # up while this process reads the first chunk, instead of after it.
            self.pool.submit(int)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.handoff is not None:
            shutil.rmtree(self.handoff, ignore_errors=True)

    def map(self, chunks: Iterator[Chunk], path: str, as_of: pd.Timestamp | None) -> Iterator[Scored]:
        if self.pool is None:
            for chunk in chunks:
                scores, rows, problems, notes, keys = _score_chunk(chunk, path, as_of, self.model, self.dates, self.columns, lookalike=self.lookalike)
                yield _SharedFrame.take(scores), rows, problems, notes, keys
            return
        assert self.handoff is not None
        pending: deque[Future[Sent]] = deque()

        def result() -> Scored:
            scores, rows, problems, notes, keys = pending.popleft().result()
            return _SharedFrame.take(scores), rows, problems, notes, keys

        for chunk in chunks:
            kind, payload = chunk
            if kind == "raw":
                raw, earlier, decided = payload
                chunk = (kind, (_SharedFrame.put(raw, self.handoff), earlier, decided))
            pending.append(self.pool.submit(_score_chunk, chunk, path, as_of, handoff=self.handoff))
            while len(pending) > self.workers:
                yield result()
        while pending:
            yield result()


def _id_keys(ids: pd.Series) -> IdKeys:
    """What :func:`_drop_seen` needs of a chunk's ids: which repeat an id earlier in the chunk, and
    which are plain numbers with their values (:meth:`_Seen.numbers`)."""
    return (ids.duplicated(keep="first").to_numpy(dtype=bool), *_Seen.numbers(ids))


def _drop_seen(scores: pd.DataFrame, rows: np.ndarray, seen: _Seen, rejects: Rejects, keys: IdKeys | None = None) -> pd.DataFrame:
    """Reject accounts already scored earlier in this input (by account_id), keeping the first.

    ``keys`` are :func:`_id_keys` of the ids, when a worker worked them out."""
    ids = scores["account_id"]
    dup_here, plain, values = keys if keys is not None else _id_keys(ids)
    before = seen.first_rows(ids, plain, values)
    drop = dup_here | (before >= 0)
    keep = ~drop
    if drop.any():  # rare: look the records up by name
        names = ids.astype(str).to_numpy(dtype=object)
        first_here = dict(zip(names[keep].tolist(), rows[keep].tolist(), strict=True))
        for i in np.flatnonzero(drop):
            ident = names[i]
            first = int(before[i]) if before[i] >= 0 else first_here[ident]
            rejects.add(int(rows[i]), "account_id", f"duplicate of record {first} (account {ident})", ident, quiet=True)
    seen.add(ids[keep], rows[keep], plain[keep], values[keep])
    if not drop.any():
        return scores
    return scores.loc[keep].reset_index(drop=True)


class _Seen:
    """The account ids scored so far in a run, each with the record it was first read from.

    Ids written as plain numbers (almost all) are kept as int64 in a few sorted arrays, looked up by
    binary search: a dict of a million Python strings costs more time and memory than the scoring
    around it. Other ids (screen names, Bluesky DIDs) go in a dict.
    """

    def __init__(self) -> None:
        self.sorted: list[tuple[np.ndarray, np.ndarray]] = []  # (ids, their first records), each sorted by id
        self.other: dict[str, int] = {}

    @staticmethod
    def numbers(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Which ids are plain numbers (no sign, no leading zero, at most 18 digits), and their values."""
        import pyarrow as pa
        import pyarrow.compute as pc

        text = pa.array(ids.astype("string").array)
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        plain = pc.fill_null(pc.match_substring_regex(text, r"^(?:0|[1-9][0-9]{0,17})$"), False).to_numpy(zero_copy_only=False)
        values = np.zeros(len(ids), dtype=np.int64)
        if plain.any():
            values[plain] = pc.cast(text.filter(plain), pa.int64()).to_numpy()
        return plain, values

    def first_rows(self, ids: pd.Series, plain: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The record each id was first read from, or -1 for an id not seen before (``plain`` and
        ``values``: :meth:`numbers` of ``ids``)."""
        out = np.full(len(ids), -1, dtype=np.int64)
        for known, records in self.sorted:
            if not len(known):
                continue
            at = np.minimum(np.searchsorted(known, values), len(known) - 1)
            hit = plain & (known[at] == values) & (out < 0)
            out[hit] = records[at[hit]]
        if self.other and not plain.all():
            rest = np.flatnonzero(~plain)
            out[rest] = [self.other.get(i, -1) for i in ids.iloc[rest].astype(str).tolist()]
        return out

    def add(self, ids: pd.Series, rows: np.ndarray, plain: np.ndarray, values: np.ndarray) -> None:
        """Remember ``ids`` (none seen before, none repeated) as first read at ``rows`` (``plain``
        and ``values``: :meth:`numbers` of ``ids``)."""
        if plain.any():
            order = np.argsort(values[plain], kind="stable")
            self.sorted.append((values[plain][order], np.asarray(rows)[plain][order]))
        if len(self.sorted) > 8:  # a few arrays: each lookup searches them all
            known = np.concatenate([k for k, _ in self.sorted])
            order = np.argsort(known, kind="stable")
            self.sorted = [(known[order], np.concatenate([r for _, r in self.sorted])[order])]
        if not plain.all():
            rest = np.flatnonzero(~plain)
            self.other.update(zip(ids.iloc[rest].astype(str).tolist(), np.asarray(rows)[rest].tolist(), strict=True))
