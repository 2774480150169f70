"""Scale-out on Dask: the account and post jobs over partitioned inputs, with partitioned outputs.

The local engine (:mod:`detector.accounts.score`, :func:`detector.posts.calls.analyse_posts`) reads one file on
one machine. This module runs the same library functions partition by partition on a Dask cluster
(a ``LocalCluster`` or a real scheduler), through :mod:`dask.dataframe`, and gives the same rows.

Inputs are a folder of partition files (CSV, JSON, JSONL or Parquet, one format), a glob, or one
file. Outputs are folders of parts: ``-o scores.csv`` writes ``scores.csv/part-00000.csv`` …,
``-o scores.parquet`` (or any other name) writes Parquet parts. Each output folder appears whole:
it is written beside the target and renamed into place, so a rerun replaces it and a failed run
leaves the previous one.

Accounts
    Each partition is read with :mod:`detector.accounts.read` and scored with
    :func:`detector.accounts.model.score_accounts`, which is row-independent. Duplicates across partitions
    are found with a global group-by on ``account_id`` that sends only the duplicated ids to the
    client; every copy after the first (in partition, then record order) is rejected, as the local
    engine rejects later copies.

Posts: a post id found in two partitions (exports that overlap) is kept in the first, in partition
    order, and its later copies are rejected, as the local engine keeps the first in a file; ids
    made from record numbers are qualified with the partition's name (:func:`partition_names`), so
    that they never meet. Only the repeated ids reach the client.

Posts: how clusters that span partitions are still found
    Coordination needs every post of one cluster together, and a cluster may span partitions.
    1. On the workers, each partition emits compact *candidate keys* per post: the reposted id,
       each normalised URL, the hashtag sequence, and for the text kind the post's token-set id
       and its 12 MinHash-LSH band keys (the same hashing :mod:`detector.posts.coordination` uses).
    2. A Dask group-by on the key (a shuffle: equal keys from every partition meet in one) keeps
       the keys held by at least two accounts (exact kinds and identical token sets) or by at
       least two distinct token sets (band keys, so that near-duplicates meet).
    3. Only the posts with a kept key are gathered to the client, and
       :func:`detector.posts.coordination.find_clusters` runs on them unchanged. A post with no kept
       key has no content in common with another account's post (nor a near-duplicate text), so
       it can be in no cluster, and leaving it out changes no cluster, no time session, no
       cluster id and no repetition count. Accounts in no cluster get the "in no cluster" score
       row they would get locally.
    4. Message features (burst, templating) need an author's posts together: posts are shuffled
       by ``author_id`` and each partition is scored with :func:`detector.posts.calls.score_posts` and
       :func:`detector.posts.calls.author_table`, given the (compact) clusters and coordination scores.

    Before any of this, one day/month order is settled for the post times of the whole input, as
    the local engine settles one for a file (:func:`decide_input_order`): no partition reads
    ``03/04/2019`` its own way.

    The client holds the cluster candidates and the cluster memberships, not the posts: on
    organic data most posts share nothing and never leave the workers. On a flood of copies
    (most posts in clusters) the candidates approach the input, and the client needs the memory
    the local engine would.

It never changes a score: every number comes from the same library functions as the local engine.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detector.accounts.score import ScoreRun
from detector.errors import ConfigError, InputError, NothingScoredError, UnknownFormatError
from detector.schema import POST_COLUMNS

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")
PART_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".parquet", ".pq")
REJECT_COLUMNS = ["file", "row", "field", "action", "reason", "raw"]
_ORDER_SHIFT = 40  # _order = partition << 40 | record: record numbers stay below 10^12


# ---------------------------------------------------------------- clusters and partitions


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, *, n_workers: int = 2, processes: bool = True) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler``, else on a new ``LocalCluster``.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``. Its workers need
        ``detector`` installed (same version) and read access to the input and output paths.
    n_workers, processes
        Shape of the ``LocalCluster`` made when no scheduler is given (one thread per worker).
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is an optional extra
        raise ConfigError("the dask engine needs `pip install 'detector[dask]'`") from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        try:
            _forward_worker_logs(client)
            yield client
        finally:
            client.close()
        return
    debug = log.isEnabledFor(logging.DEBUG)
    with (
        _quiet_distributed(debug),
        LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=processes, dashboard_address=":0", silence_logs=logging.DEBUG if debug else logging.ERROR
        ) as cluster,
        Client(cluster) as client,
    ):
        if processes:  # threads log through this process's handlers already (forwarding them would loop)
            _forward_worker_logs(client)
            if not debug:
                _drop_heartbeat_loss_in_workers(client)
        yield client


# A worker of the cluster a run starts and closes itself logs this, with a traceback, when its heartbeat
# meets the scheduler already closed: a race of Dask's own shutdown after a run that went well (seen
# once in three full test runs). The run's own errors reach the client, which raises them.
_HEARTBEAT_LOSS = "Failed to communicate with scheduler during heartbeat"


def not_heartbeat_loss(record: logging.LogRecord) -> bool:
    """Logging filter: False for a worker's heartbeat that found the scheduler gone (see above)."""
    return not record.getMessage().startswith(_HEARTBEAT_LOSS)


def _detector_errors() -> set[str]:
    """The names of :class:`detector.errors.DetectorError` and every subclass of it imported so far."""
    from detector.errors import DetectorError

    names, todo = set(), [DetectorError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def not_a_detector_failure(record: logging.LogRecord) -> bool:
    """Logging filter: False for a worker's "Compute Failed" of a task that raised a detector error (bad input, say).

    The client raises that error and the CLI says it in one line; the worker's record, the task, its repr and a
    traceback, printed a dozen lines before it. Any other failure of a task still shows.
    """
    if not str(record.msg).startswith("Compute Failed") or not isinstance(record.args, tuple) or len(record.args) < 4:
        return True
    return str(record.args[3]).split("(", 1)[0] not in _detector_errors()


def _drop_heartbeat_loss_in_workers(client: Any) -> None:
    """Keep a local cluster's shutdown race (:data:`_HEARTBEAT_LOSS`) and the workers' records of detector errors
    (:func:`not_a_detector_failure`) out of the analyst's terminal; every other worker error still shows. Only for
    clusters a run starts itself, not for a ``--scheduler``."""
    from distributed import WorkerPlugin

    class DropHeartbeatLoss(WorkerPlugin):
        def setup(self, worker: Any) -> None:
            logging.getLogger("distributed.worker").addFilter(not_heartbeat_loss)
            logging.getLogger("distributed.worker").addFilter(not_a_detector_failure)

    client.register_plugin(DropHeartbeatLoss(), name="detector-drop-heartbeat-loss")


def _forward_worker_logs(client: Any) -> None:
    """Hand the workers' ``detector`` log records to this process's loggers, at this process's level.

    A worker process has no logging handlers of its own, so a reader's warning there went to
    Python's last-resort handler: printed bare to the worker's stderr, once per partition, in no
    log file, deaf to ``-q``. Forwarded, the records meet the client's handlers (the CLI's), which
    format, filter and file them like its own.
    """
    from distributed import WorkerPlugin

    level = logging.getLogger("detector").getEffectiveLevel()

    class DetectorLogLevel(WorkerPlugin):  # defined here: distributed is an optional extra (cloudpickle ships it)
        def setup(self, worker: Any) -> None:
            logging.getLogger("detector").setLevel(level)

    client.register_plugin(DetectorLogLevel(), name="detector-log-level")
    client.forward_logging("detector", level=level)


@contextlib.contextmanager
def _quiet_distributed(debug: bool) -> Iterator[None]:
    """Hold back Dask's own INFO and WARNING lines (a local scheduler starting and closing, its shuffle
    plugin's bookkeeping): dozens per run, none of them about the analyst's input. Errors still show,
    and with ``-vv`` (debug) everything does."""
    dlog = logging.getLogger("distributed")
    wlog = logging.getLogger("distributed.worker")  # thread workers log here, in this process
    before = dlog.level
    if not debug:
        dlog.setLevel(logging.ERROR)
        wlog.addFilter(not_heartbeat_loss)
        wlog.addFilter(not_a_detector_failure)
    try:
        yield
    finally:
        dlog.setLevel(before)
        wlog.removeFilter(not_heartbeat_loss)
        wlog.removeFilter(not_a_detector_failure)


def list_partitions(path: str | os.PathLike[str]) -> list[Path]:
    """The partition files of ``path``: a folder's data files (sorted), a glob's matches, or one file.

    Hidden files, ``_SUCCESS``-style markers and ``*.rejects.csv`` are skipped.

    Raises
    ------
    UnknownFormatError
        The folder (or the glob) holds a file that is no partition (a spreadsheet saved beside the
        day's exports): named, with what to do, as the local engine names it in a folder of Parquet
        parts. It was skipped without a word.
    """
    from detector.io import not_parts_message

    p = str(path)
    folder: Path | None = None
    if os.path.isdir(p):
        folder = Path(p)
        files = [folder / name for name in sorted(os.listdir(p))]
    elif any(ch in p for ch in "*?["):
        files = [Path(f) for f in sorted(glob.glob(p))]
    elif os.path.exists(p):
        return [Path(p)]
    else:
        raise InputError("no such file or folder", path=p)
    data = [f for f in files if f.is_file() and not f.name.startswith((".", "_")) and ".rejects." not in f.name]
    if foreign := [f for f in data if f.suffix.lower() not in PART_SUFFIXES]:
        raise UnknownFormatError(not_parts_message(foreign, folder, PART_SUFFIXES), path=p)
    if not data:
        raise InputError(f"no partition files ({', '.join(PART_SUFFIXES)}) found", path=p)
    return data


def output_kind(output: str) -> str:
    """``csv`` for an output named ``*.csv``, else ``parquet``."""
    return "csv" if output.rstrip("/").lower().endswith(".csv") else "parquet"


def write_parts(frame: Any, output: str, *, compute: bool = True) -> Any:
    """Write a dask DataFrame as a folder of parts, atomically; return the delayed write if not ``compute``."""
    if output == "-":
        raise InputError("the dask engine writes a folder of parts; give a name, not -", path=output)
    target = Path(output)
    tmp = target.with_name(f".{target.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    if output_kind(output) == "csv":
        import csv

        from detector.io import safe_for_spreadsheets

        tmp.mkdir(parents=True)
        # The same rules as every CSV the tool writes: formula cells inert, every text cell quoted.
        frame = frame.map_partitions(safe_for_spreadsheets, meta=frame._meta)
        job = frame.to_csv(
            str(tmp / "part-*.csv"), index=False, compute=False, name_function=lambda i: f"{i:05d}", quoting=csv.QUOTE_NONNUMERIC
        )
    else:
        # Parquet needs a type per column: text held as Python objects is written as strings.
        frame = frame.astype({c: "string" for c, t in frame.dtypes.items() if t is np.dtype(object)})
        job = frame.to_parquet(str(tmp), write_index=False, compute=False, name_function=lambda i: f"part-{i:05d}.parquet")
    if not compute:
        return job
    import dask

    dask.compute(job)
    publish(tmp, target)
    return None


def publish(tmp: Path, target: Path) -> None:
    """Move a finished ``tmp`` folder to ``target``, replacing what was there."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.is_dir():
        os.replace(target, old)
    elif target.exists():
        target.unlink()
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def read_parts(output: str) -> pd.DataFrame:
    """Read a folder written by :func:`write_parts` back into one pandas frame (for checks and notebooks)."""
    files = list_partitions(output)
    if output_kind(output) == "csv":
        return pd.concat([pd.read_csv(f, dtype={"account_id": str, "post_id": str, "author_id": str}) for f in files], ignore_index=True)
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


# ---------------------------------------------------------------- accounts


@dataclass
class EngineRun(ScoreRun):
    """What a dask run did: the local run's counts, plus the partitions and where the parts went."""

    partitions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _account_part(
    path: str, part: int, fmt: str | None, as_of: pd.Timestamp | None, dates: Any = None, columns: dict[str, str] | None = None, decided: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One partition's canonical accounts, rejects and file notes (:func:`notes_frame`). ``dates`` are the user's rules (a copy per
    partition); ``decided``, the day/month orders settled for the whole input (:func:`decide_account_orders`).
    The notes (unknown columns, times without a zone, …) are joined on the client and said once for the input."""
    from detector.accounts.read import read_accounts
    from detector.dates import DateRules
    from detector.io import rows_held

    rules = None if dates is None else dates.for_file()
    if decided:
        rules = (rules or DateRules()).with_decided(decided)
    with rows_held():  # said once for the input, on the client (say_held_rows)
        batch = read_accounts(path, fmt=fmt, as_of=as_of, dates=rules, columns=columns)
    accounts = batch.accounts.copy()
    accounts["_file"] = path
    accounts["_order"] = (np.int64(part) << _ORDER_SHIFT) + accounts["source_row"].to_numpy(dtype="int64")
    # the fields this file lacks, for reasons worded as the local engine words them
    accounts["_absent"] = pd.Series(",".join(sorted(batch.rejects.notes.get("absent_fields", ()))), index=accounts.index, dtype="string")
    return accounts, _rejects_frame(batch.rejects.frame(), _held(batch.rejects)), notes_frame(batch.rejects.notes)


def notes_frame(notes: dict[str, Any]) -> pd.DataFrame:
    """A reader's notes (``Rejects.notes``: sets of names or (column, example) pairs, and counts) as
    rows ``note, item, count``, so that the partitions' notes travel as one dask frame to the client."""
    import json

    rows = [(k, "", int(v)) if isinstance(v, int) else (k, json.dumps(item), 0) for k, v in notes.items() for item in (v if isinstance(v, set) else [v])]
    return pd.DataFrame(rows, columns=["note", "item", "count"]).astype({"note": "string", "item": "string", "count": "int64"})


def joined_notes(frame: pd.DataFrame) -> dict[str, Any]:
    """The partitions' notes of :func:`notes_frame` rows joined as :func:`detector.io.merge_notes` joins a file's chunks."""
    import json

    notes: dict[str, Any] = {}
    for note, item, count in frame.itertuples(index=False):
        if item == "":
            notes[note] = notes.get(note, 0) + int(count)
        else:
            value = json.loads(item)
            notes.setdefault(note, set()).add(tuple(value) if isinstance(value, list) else value)
    return notes


def input_notices(part_notes: pd.DataFrame, as_of: pd.Timestamp | None, input_path: str) -> list[str]:
    """The local engine's file notes (:func:`detector.accounts.score.file_notices`) for a whole
    partitioned input: each partition's notes joined, then each said once, naming the input."""
    from detector.accounts.read import as_utc
    from detector.accounts.score import file_notices

    notices = file_notices(joined_notes(part_notes), as_of is None, as_utc(as_of), input_path)
    for notice in notices:  # the CLI prints them in its summary, as for one file
        log.info("%s: %s", input_path, notice)
    return notices


def _rejects_frame(frame: pd.DataFrame, held: list[bool] | None = None) -> pd.DataFrame:
    """The rejects of a partition; ``held``: which rows' warnings the client says (:func:`detector.io.say_held_rows`)."""
    out = frame.reindex(columns=REJECT_COLUMNS)
    for col in REJECT_COLUMNS:
        out[col] = out[col].astype("int64" if col == "row" else "string")
    out["held"] = np.array(held if held is not None else [False] * len(out), dtype=bool)
    return out


def _held(rejects: Any) -> list[bool]:
    return [bool(r.get("held")) for r in rejects.rows]


def _account_meta() -> pd.DataFrame:
    from detector.accounts.read import empty_accounts

    return empty_accounts().assign(_file=pd.Series(dtype="string"), _order=pd.Series(dtype="int64"), _absent=pd.Series(dtype="string"))


def _score_account_part(accounts: pd.DataFrame, model: Any, first: pd.DataFrame, grouped: pd.DataFrame | None = None) -> pd.DataFrame:
    """One partition's scores; with ``grouped`` (the look-alike columns of the accounts in a group,
    indexed by ``_order``, found over the whole input), each account's look-alike columns too."""
    from detector.accounts.model import score_accounts
    from detector.accounts.wording import plain_reasons

    accounts = _drop_later_copies(accounts, first).reset_index(drop=True)
    scores = score_accounts(accounts, model)
    if len(scores) and "reasons" in scores.columns:
        absent = accounts["_absent"].fillna("").astype(str).to_numpy()
        for key in np.unique(absent):
            rows = absent == key
            scores.loc[rows, "reasons"] = plain_reasons(scores.loc[rows, "reasons"], key.split(",") if key else ()).to_numpy()
    if grouped is not None:
        from detector.accounts.lookalike import LOOKALIKE_COLUMNS, blank_lookalikes

        found = blank_lookalikes(len(scores), scores.index)
        at = grouped.index.get_indexer(accounts["_order"].to_numpy())
        hit = np.flatnonzero(at >= 0)
        if len(hit):
            for col in LOOKALIKE_COLUMNS:
                found.iloc[hit, found.columns.get_loc(col)] = grouped[col].to_numpy()[at[hit]]
        scores = pd.concat([scores, found], axis=1)
    return scores


def _lookalike_key_part(accounts: pd.DataFrame, first: pd.DataFrame) -> pd.DataFrame:
    """One partition's look-alike keys (:func:`detector.accounts.lookalike.lookalike_keys`) with each
    account's ``_order``, for the accounts that are scored (later copies left out)."""
    from detector.accounts.lookalike import lookalike_keys

    accounts = _drop_later_copies(accounts, first).reset_index(drop=True)
    return lookalike_keys(accounts).assign(_order=accounts["_order"].to_numpy(dtype="int64"))


def _grouped_accounts(accounts: Any, first: pd.DataFrame) -> pd.DataFrame:
    """The look-alike columns of the input's accounts that are in a group, indexed by ``_order``.

    The groups need the whole list, as locally: each partition's keys (a few numbers and short
    texts per account, not the profiles) are gathered on the client in input order (partition,
    then record), where :func:`detector.accounts.lookalike.find_lookalikes` finds them as the local
    engine does over one file of the same rows; only the accounts in a group go back to the workers.
    """
    from detector.accounts.lookalike import find_lookalikes

    meta = _lookalike_key_part(_account_meta(), first)
    keys = accounts.map_partitions(_lookalike_key_part, first, meta=meta, align_dataframes=False).compute()
    keys = keys.sort_values("_order", kind="stable", ignore_index=True)
    found = find_lookalikes(keys.drop(columns="_order"))
    grouped = found["lookalike_size"].to_numpy() > 0
    return found[grouped].set_axis(pd.Index(keys["_order"].to_numpy()[grouped], name="_order"))


def _drop_later_copies(accounts: pd.DataFrame, first: pd.DataFrame) -> pd.DataFrame:
    if first.empty:
        return accounts
    keep_order = accounts["account_id"].astype(str).map(first["_order"])
    later = keep_order.notna() & (keep_order != accounts["_order"])
    return accounts[~later.to_numpy()]


def _duplicate_rejects(accounts: pd.DataFrame, first: pd.DataFrame) -> pd.DataFrame:
    if first.empty:
        return _rejects_frame(pd.DataFrame(columns=REJECT_COLUMNS))
    ids = accounts["account_id"].astype(str)
    keep_order = ids.map(first["_order"])
    later = accounts[(keep_order.notna() & (keep_order != accounts["_order"])).to_numpy()]
    rows = []
    for r in later[["account_id", "source_row", "_file"]].to_dict("records"):
        ident = str(r["account_id"])
        rows.append({
            "file": r["_file"], "row": int(r["source_row"]), "field": "account_id", "action": "rejected",
            "reason": f"duplicate of record {first.at[ident, 'source_row']!s} in {first.at[ident, '_file']!s} (account {ident})",
            "raw": ident,
        })  # fmt: skip
    return _rejects_frame(pd.DataFrame(rows, columns=REJECT_COLUMNS))


def _keep_dtypes() -> Any:
    """Dask would turn ``string`` columns into pyarrow strings; the library expects its own dtypes."""
    import dask

    return dask.config.set({"dataframe.convert-string": False})


def score_partitioned(
    input_path: str | os.PathLike[str],
    output: str,
    *,
    model: Any = None,
    fmt: str | None = None,
    as_of: pd.Timestamp | str | None = None,
    client: Any = None,
    dates: Any = None,
    columns: dict[str, str] | None = None,
    lookalike: bool = True,
) -> EngineRun:
    """Score the accounts of every partition of ``input_path`` on Dask; write the scores as parts.

    Parameters
    ----------
    input_path : path-like
        A folder (or glob) of account files in one supported shape, or one file.
    output : str
        Output folder; ``*.csv`` writes CSV parts, anything else Parquet parts. Rejects go to
        ``<output stem>.rejects.csv`` (one file) beside it.
    model : AccountModel, optional
        Defaults to :func:`detector.accounts.model.load_model` (the registry's current model).
    fmt : str, optional
        Input format of every partition; detected per file when omitted.
    as_of : Timestamp or str, optional
        Collection time for records that carry none.
    client : distributed.Client, optional
        Where to run; the current default client (or the local scheduler) when omitted.
    dates : DateRules, optional
        ``--dayfirst``/``--monthfirst``/``--date-format``/``--tz``, as for the local engine. Without
        an order, each date field's day/month order is settled once for the whole input
        (:func:`decide_account_orders`), as the local engine settles one for a file.
    columns : dict, optional
        ``--columns``: canonical field name to the partitions' header.
    lookalike : bool
        The look-alike columns, as the local engine writes them: found over the whole input after
        the partitions are read (:func:`_grouped_accounts`; the client holds every account's keys,
        as the local engine's process does). False leaves them out, said once in ``notices``.

    Raises
    ------
    NothingScoredError
        No record of any partition could be scored.
    AmbiguousDatesError
        A date field reads both day-first and month-first across the input (the local engine's words).
    """
    from detector.accounts.registry import load_current_model as load_model

    model = model or load_model()
    with _keep_dtypes():
        return _score_partitioned(input_path, output, model, fmt, as_of, client, dates, columns, lookalike)


def _score_partitioned(
    input_path: str | os.PathLike[str], output: str, model: Any, fmt: str | None, as_of: Any, client: Any, dates: Any = None, columns: dict[str, str] | None = None,
    lookalike: bool = True,
) -> EngineRun:
    import dask
    import dask.dataframe as dd

    from detector.accounts.model import SCORE_COLUMNS
    from detector.io import Rejects, say_held_rows, write_rejects

    files = [str(f) for f in list_partitions(input_path)]
    as_of_ts = None if as_of is None else pd.Timestamp(as_of)
    if as_of_ts is not None and as_of_ts.tzinfo is None:
        as_of_ts = as_of_ts.tz_localize("UTC")
    decided = decide_account_orders(files, str(input_path), fmt, dates, columns)
    # One read per file feeds both the accounts and the rejects.
    reads = [dask.delayed(_account_part, nout=3)(f, i, fmt, as_of_ts, dates, columns, decided) for i, f in enumerate(files)]
    accounts = dd.from_delayed([r[0] for r in reads], meta=_account_meta(), verify_meta=False)
    read_rejects = dd.from_delayed([r[1] for r in reads], meta=_rejects_frame(pd.DataFrame()), verify_meta=False)
    part_notes = dd.from_delayed([r[2] for r in reads], meta=notes_frame({}), verify_meta=False)
    # The three come from one read per file: kept together, so that no later compute reads a file again
    # (persisting the accounts alone released the reads, and the rejects and notes read every file twice).
    accounts, read_rejects, part_notes = dask.persist(accounts, read_rejects, part_notes)
    # Duplicates across partitions: only the duplicated ids (and their first copy) reach the client.
    g = accounts.groupby("account_id")
    counts = g["_order"].agg(["min", "count"]).compute()
    dup = counts[counts["count"] > 1]
    first = pd.DataFrame(columns=["_order", "source_row", "_file"])
    if len(dup):
        firsts = accounts[accounts["_order"].isin(dup["min"].to_numpy().tolist())][["account_id", "_order", "source_row", "_file"]].compute()
        first = firsts.set_index(firsts["account_id"].astype(str))[["_order", "source_row", "_file"]]
    model_d = dask.delayed(model, pure=True)
    meta = pd.DataFrame({c: pd.Series(dtype={"score": "float64", "verdict_held": "bool"}.get(c, "object")) for c in SCORE_COLUMNS})
    grouped = None
    if lookalike:
        from detector.accounts.lookalike import blank_lookalikes

        grouped = _grouped_accounts(accounts, first)
        meta = pd.concat([meta, blank_lookalikes(0)], axis=1)
    scores = accounts.map_partitions(_score_account_part, model_d, first, dask.delayed(grouped, pure=True), meta=meta, align_dataframes=False)
    dup_rejects = accounts.map_partitions(_duplicate_rejects, first, meta=_rejects_frame(pd.DataFrame()), align_dataframes=False)
    scores = scores.persist() if client is not None else scores
    target = Path(output)
    tmp = target.with_name(f".{target.name}.partial")
    dask.compute(write_parts(scores, output, compute=False))
    label_counts, rej_a, rej_b, notes = dask.compute(scores["label"].value_counts(), read_rejects, dup_rejects, part_notes)
    say_held_rows(rej_a, str(input_path))
    labels = {str(k): int(v) for k, v in label_counts.items()}
    run = EngineRun(str(input_path), output, partitions=len(files), model_version=model.version, labels=labels)
    run.notices = input_notices(notes, as_of_ts, str(input_path))
    if grouped is not None:
        run.lookalike_accounts = len(grouped)
        run.lookalike_groups = int(grouped["lookalike_group"].nunique())
        if run.lookalike_groups:
            log.info("%s: %d look-alike groups of %d accounts", input_path, run.lookalike_groups, run.lookalike_accounts)
    else:
        from detector.accounts.lookalike import OFF_NOTICE

        run.notices.append(OFF_NOTICE)
        log.info("%s: %s", input_path, OFF_NOTICE)
    run.scored = sum(labels.values())
    rejects = Rejects(str(input_path))
    rejects.rows = pd.concat([rej_a, rej_b], ignore_index=True).astype(object).where(lambda d: d.notna(), None).to_dict("records")
    run.rejected = rejects.n_rejected
    run.warnings = len(rejects) - rejects.n_rejected
    if run.scored == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        run.rejects_path = write_rejects(rejects, output)
        raise NothingScoredError(f"{input_path}: no account could be scored in {len(files)} partition(s) ({run.rejected} records rejected)")
    publish(tmp, target)
    run.rejects_path = write_rejects(rejects, output)
    log.info("dask: scored %d accounts from %d partitions, rejected %d", run.scored, len(files), run.rejected)
    return run


# ---------------------------------------------------------------- posts


class _QuietThreads(logging.Filter):
    """Drops the records of threads that read a file a second time: its warnings come with the read that counts."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.local, "quiet", False)


_QUIET = _QuietThreads()


@contextlib.contextmanager
def _quiet_io() -> Iterator[None]:
    """Silence this thread's reader warnings (detector.io) for a first look at a partition: the
    partition's real read says its per-record and per-file warnings."""
    io_log = logging.getLogger("detector.io")
    if _QUIET not in io_log.filters:
        io_log.addFilter(_QUIET)
    _QUIET.local.quiet = True
    try:
        yield
    finally:
        _QUIET.local.quiet = False


def _order_examples(path: str, fmt: str | None, columns: dict[str, str] | None) -> pd.Series | None:
    """The few time values of one partition that decide the input's day/month order (None: its shape fixes it)."""
    from detector.dates import order_examples
    from detector.posts.read import created_at_text

    try:
        with _quiet_io():
            text = created_at_text(path, fmt, columns)
    except NothingScoredError:
        return None  # no usable record: the partition's read says so
    return None if text is None else order_examples(text)


def decide_input_order(files: list[str], input_path: str, fmt: str | None, dates: Any, columns: dict[str, str] | None) -> list[str | None]:
    """One day/month order for the post times of every partition, as the local engine settles one file's.

    A first pass over the partitions (on the workers) sends each one's deciding values, at most four,
    to the client, where :func:`detector.dates.decide_order` settles the order from them as it would
    from all the values of one file: one partition of 25/04/2019 makes every partition day-first,
    and an input whose values read both ways throughout stops with the local engine's error.
    Returns the order for each partition: None where the user gave one (or a format), where the
    partition's shape fixes it (the IRA CSV), where no value settles it, and for an input of one
    file (its read settles the order from all its values, as locally).
    """
    if len(files) == 1 or (dates is not None and (dates.order or dates.fmt)):
        return [None] * len(files)  # one file settles its own from all its values, as locally
    import dask

    from detector.dates import decide_order

    examples = dask.compute(*[dask.delayed(_order_examples)(f, fmt, columns) for f in files])
    given = [e for e in examples if e is not None]
    if not given:
        return [None] * len(files)
    # The error names the input, of which no one partition is at fault.
    order = decide_order(pd.concat(given), str(given[0].name or "created_at"), str(input_path))
    if order is not None:
        log.info("dask posts: dates such as 03/04/2019 read %s in every partition of %s", "day first" if order == "dayfirst" else "month first", input_path)
    return [None if e is None else order for e in examples]


def _account_order_examples(path: str, fmt: str | None, columns: dict[str, str] | None) -> dict[str, pd.Series]:
    """The few values of each date field of one account partition that decide the input's day/month orders."""
    from detector.accounts.read import date_columns_as_written
    from detector.dates import order_examples

    try:
        with _quiet_io():
            written = date_columns_as_written(path, fmt, columns)
    except (InputError, NothingScoredError):
        return {}  # the partition's read says what is wrong with it
    return {name: order_examples(values) for name, values in written.items()}


def decide_account_orders(files: list[str], input_path: str, fmt: str | None, dates: Any, columns: dict[str, str] | None) -> dict[str, str]:
    """One day/month order per date field (``created_at``, ``collected_at``) for every partition of an account input.

    As :func:`decide_input_order` for posts: each partition sends at most four deciding values per
    field to the client, where :func:`detector.dates.decide_order` settles each field as it would
    from all the values of one file (and stops with the local engine's error, naming the input).
    Empty where the user gave an order or a format, or for an input of one file (its read decides).
    """
    if len(files) == 1 or (dates is not None and (dates.order or dates.fmt)):
        return {}
    import dask

    from detector.dates import decide_order

    examples = dask.compute(*[dask.delayed(_account_order_examples)(f, fmt, columns) for f in files])
    decided: dict[str, str] = {}
    for name in ("created_at", "collected_at"):
        given = [e[name] for e in examples if name in e]
        order = decide_order(pd.concat(given), str(given[0].name or name), str(input_path)) if given else None
        if order is not None:
            decided[name] = order
            log.info("dask score: dates of %s such as 03/04/2019 read %s in every partition of %s", name, "day first" if order == "dayfirst" else "month first", input_path)
    return decided


def _post_part(
    path: str, part: int, fmt: str | None, dates: Any = None, columns: dict[str, str] | None = None, order: str | None = None, name: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Canonical posts (+ ``_part``), rejects, the partition's author profiles as accounts, and its date notes (:func:`notes_frame`).

    The accounts are the profiles embedded in the posts (``_ira`` False) and the partial profiles
    of the IRA CSV, followers and following at each author's latest post (``_ira`` True).
    ``dates`` (:class:`detector.dates.DateRules`) are the user's rules, a copy per partition;
    ``order`` is the day/month order settled for the whole input (:func:`decide_input_order`);
    ``name`` qualifies ids made from record numbers (default the file's stem; :func:`partition_names`).
    The date notes (times without a zone, dotted dates read day-first) are not logged here, where
    each partition, read maybe more than once, would say its own: the client joins them and says
    each once for the input (:func:`_say_date_notes`).
    """
    from detector.dates import DateRules, rules_notes
    from detector.errors import NothingScoredError as _Nothing
    from detector.io import Rejects, rows_held
    from detector.posts.read import author_accounts, canonical_posts, read_posts

    rejects = Rejects(path)
    rules = DateRules() if dates is None else dates.for_file()
    if order is not None:
        rules = rules.with_decided({"created_at": order})
    try:
        with rows_held():  # said once for the input, on the client (say_held_rows)
            read = read_posts(path, fmt, dates=rules, columns=columns, say_date_notes=False)
        posts, users, rejects, partial = read.posts, read.users, read.rejects, read.profiles
    except _Nothing as exc:
        # One partition with no usable post is not the end of the job; count its rejects instead (they were
        # dropped here: a part whose every post was rejected wrote none, while its warnings sent the user to them).
        posts, users, partial = canonical_posts(pd.DataFrame(columns=list(POST_COLUMNS))), [], None
        rejects = exc.rejects if isinstance(exc.rejects, Rejects) else rejects
    posts = posts.copy()
    if len(posts) and (posts["post_id"] == "r" + posts["source_row"].astype(str)).all():
        # Ids made from record numbers repeat across files: qualify them with the file's name.
        posts["post_id"] = ((name or Path(path).stem) + ":" + posts["post_id"]).astype("string")
    posts["_part"] = np.int64(part)
    with rows_held():
        accounts = author_accounts(users, path, rejects=rejects) if users else _account_meta().drop(columns=["_file", "_order"])
    accounts = accounts.assign(_part=np.int64(part), _ira=False)
    if partial is not None and len(partial):
        partial = partial.reindex(columns=[c for c in accounts.columns if c not in ("_part", "_ira")])
        accounts = pd.concat([accounts, partial.assign(_part=np.int64(part), _ira=True)], ignore_index=True) if len(accounts) else partial.assign(_part=np.int64(part), _ira=True)
    notes = rules_notes(rules)
    if rejects.notes.get("unknown_columns"):
        notes["unknown_columns"] = set(rejects.notes["unknown_columns"])
    return posts, _rejects_frame(rejects.frame(), _held(rejects)), accounts, notes_frame(notes)


def partition_names(files: list[str]) -> list[str]:
    """A name per partition for the ids made from record numbers: the file's stem, unless two
    files share one (``day-1/posts.csv``, ``day-2/posts.csv``): then the path from the folder they
    have in common, so that no two partitions make the same ids."""
    stems = [Path(f).stem for f in files]
    if len(set(stems)) == len(stems):
        return stems
    root = os.path.commonpath([str(Path(f).parent) for f in files])
    return [str(Path(f).relative_to(root).with_suffix("")).replace(os.sep, "/") for f in files]


def _later_copies(posts: pd.DataFrame, first: pd.Series) -> pd.Series:
    """True for a post whose id an earlier partition holds too (``first``: post_id to its partition)."""
    if first.empty:
        return pd.Series(False, index=posts.index)
    kept_in = posts["post_id"].astype(str).map(first)
    return (kept_in.notna() & (kept_in != posts["_part"])).astype(bool)


def _drop_later_posts(posts: pd.DataFrame, first: pd.Series) -> pd.DataFrame:
    return posts[~_later_copies(posts, first).to_numpy()]


def _later_post_rejects(posts: pd.DataFrame, first: pd.DataFrame, files: list[str]) -> pd.DataFrame:
    if first.empty:
        return _rejects_frame(pd.DataFrame(columns=REJECT_COLUMNS))
    later = posts[_later_copies(posts, first["_part"]).to_numpy()]
    rows = []
    for pid, part, row in later[["post_id", "_part", "source_row"]].itertuples(index=False):
        f = first.loc[str(pid)]
        rows.append({
            "file": files[int(part)], "row": int(row), "field": "post_id", "action": "rejected",
            "reason": f"duplicate of record {int(f['source_row'])} in {files[int(f['_part'])]} (post {pid})", "raw": str(pid),
        })  # fmt: skip
    return _rejects_frame(pd.DataFrame(rows, columns=REJECT_COLUMNS))


def _say_date_notes(part_notes: pd.DataFrame, input_path: str) -> list[str]:
    """Each partition's date notes joined, then each said once, naming the input."""
    from detector.columns import unread_notice
    from detector.dates import date_notices

    notes = joined_notes(part_notes)
    said = date_notices(input_path, notes)
    if notes.get("unknown_columns"):
        said.insert(0, f"{input_path}: {unread_notice(notes['unknown_columns'])}")
    for notice in said:
        log.warning("%s", notice)
    return said


def _posts_meta() -> pd.DataFrame:
    from detector.posts.read import canonical_posts

    return canonical_posts(pd.DataFrame(columns=list(POST_COLUMNS))).assign(_part=pd.Series(dtype="int64"))


KEY_COLUMNS = {"key": "string", "member": "string", "post_id": "string", "setkey": "string"}


def coordination_keys(posts: pd.DataFrame) -> pd.DataFrame:
    """Candidate keys of one partition's posts (see the module docstring, step 1).

    Returns rows ``key, member, post_id, setkey``. A key is kept when two distinct ``member``
    values share it: authors for ``repost:``, ``url:``, ``tags:`` and ``set:`` keys, token sets
    for ``band<i>:`` keys (these rows have no ``post_id``; their set's posts carry ``setkey``).
    """
    from detector.posts import coordination as co

    frames: list[pd.DataFrame] = []
    # Members are accounts: one handle on two platforms is two accounts (coordination.account_keys).
    author = co.account_keys(posts["author_id"], posts["platform"] if "platform" in posts.columns else None).astype("string")
    pid = posts["post_id"].astype("string")
    own = posts["repost_of"].isna()

    def exact(prefix: str, values: pd.Series) -> None:
        v = values.dropna()
        v = v[v != ""]
        if len(v):
            frames.append(pd.DataFrame({"key": prefix + v.to_numpy(dtype=object), "member": author.loc[v.index].to_numpy(), "post_id": pid.loc[v.index].to_numpy(), "setkey": pd.NA}))

    exact("repost:", posts["repost_of"].astype("string"))
    # The same normalisation coordination applies before grouping (tests/test_engine.py checks they agree).
    exact("url:", co.normalize_urls(co.own_items(posts["urls"].astype("string"), posts["repost_of"])))
    tags = posts["hashtags"].astype("string").where(own)
    exact("tags:", tags.where(tags.str.count(" ") >= co.MIN_HASHTAGS - 1))
    texts = posts["text"].astype("string").where(own).dropna()
    if len(texts):
        frames.extend(_text_keys(texts, author, pid))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in KEY_COLUMNS.items()})
    return pd.concat(frames, ignore_index=True).astype(KEY_COLUMNS)


def _text_keys(texts: pd.Series, author: pd.Series, pid: pd.Series) -> list[pd.DataFrame]:
    """``set:`` rows per post and ``band<i>:`` rows per distinct token set (MinHash as in coordination)."""
    from detector.posts import coordination as co
    from detector.posts.text import normalize_series

    codes, uniques = pd.factorize(texts)
    doc, hashes, sizes, keys = co.token_sets(normalize_series(pd.Series(uniques)))
    n = len(uniques)
    big = sizes >= co.MIN_TOKENS
    if not big.any():
        return []
    setkey = np.array([f"set:{k:x}" for k in keys], dtype=object)
    post_big = big[codes]
    per_post = pd.DataFrame({
        "key": setkey[codes][post_big], "member": author.loc[texts.index].to_numpy()[post_big],
        "post_id": pid.loc[texts.index].to_numpy()[post_big], "setkey": setkey[codes][post_big],
    })  # fmt: skip
    keep_tok = big[doc]
    bands = co.band_keys(doc[keep_tok], hashes[keep_tok], n)
    rows = np.flatnonzero(big)
    band_frames = [
        pd.DataFrame({"key": [f"band{b}:{k:x}" for k in bands[rows, b]], "member": setkey[rows], "post_id": pd.NA, "setkey": setkey[rows]})
        for b in range(bands.shape[1])
    ]
    return [per_post, *band_frames]


@dataclass
class _Coordination:
    """What :func:`detector.posts.calls.score_posts` and ``author_table`` read of a coordination result."""

    memberships: pd.DataFrame
    account_scores: pd.DataFrame


def _score_post_part(
    posts: pd.DataFrame, memberships: pd.DataFrame, coord_scores: pd.DataFrame, account_scores: pd.DataFrame | None, burst_window: pd.Timedelta, campaign_of: pd.Series | None = None,
    tz: str | None = None, author_locations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One partition's post scores and post output side by side (the output is written, the scores feed the author table)."""
    from detector.posts.calls import score_post_table

    authors = set(posts["author_id"].astype(str))
    coord = _Coordination(memberships[memberships["account_id"].astype(str).isin(authors)], coord_scores[coord_scores["account_id"].astype(str).isin(authors)])
    posts, scores, table = score_post_table(
        posts, account_scores=account_scores, coordination=coord, burst_window=burst_window, campaign_of=campaign_of, tz=tz, author_locations=author_locations
    )
    out = pd.concat([scores, table[[c for c in table.columns if c not in scores.columns]]], axis=1)
    # Written only when the whole input is not all X's (decided on the client, as cli._name_platforms does).
    out["platform"] = posts["platform"].astype("string").fillna("x").to_numpy()
    return out


def _author_part(
    scored: pd.DataFrame, coord_scores: pd.DataFrame, account_scores: pd.DataFrame | None, platforms: bool = False, model_version: str | None = None
) -> pd.DataFrame:
    """One partition's authors (each author's posts are in one partition); with ``platforms``, keyed and
    labelled by platform; with ``model_version``, that column as the local command writes it."""
    from detector.posts.calls import author_table

    scored = scored.reset_index(drop=True)
    posts = scored[["author_screen_name", "platform"] if platforms else ["author_screen_name"]]
    authors = set(scored["author_id"].astype(str))
    coord = _Coordination(pd.DataFrame(), coord_scores[coord_scores["account_id"].astype(str).isin(authors)])
    out = author_table(posts, scored.drop(columns=["author_screen_name", "platform"]), account_scores=account_scores, coordination=coord)
    if platforms and "platform" not in out.columns:
        # A partition of X authors only: author_table keys them by bare id, which is their key on X anyway.
        out["platform"] = pd.Series("x", index=out.index, dtype="string")
    return out if model_version is None else out.assign(model_version=model_version)


@dataclass
class PostsEngineRun(EngineRun):
    """A dask posts run, with the coordination result kept for callers (notebooks, tests)."""

    coordination: Any = None
    memberships: pd.DataFrame | None = None
    candidates: int = 0
    posts: int = 0
    campaigns: Any = None


def analyse_partitioned(
    input_path: str | os.PathLike[str],
    output: str,
    *,
    clusters_out: str | None = None,
    accounts_out: str | None = None,
    campaigns_out: str | None = None,
    fmt: str | None = None,
    model: Any = None,
    use_model: bool = True,
    window: str | pd.Timedelta | None = None,
    threshold: float | None = None,
    min_accounts: int | None = None,
    kinds: tuple[str, ...] | None = None,
    burst_window: pd.Timedelta | None = None,
    client: Any = None,
    profiles: str | os.PathLike[str] | None = None,
    dates: Any = None,
    timings: dict[str, float] | None = None,
    columns: dict[str, str] | None = None,
    as_of: pd.Timestamp | None = None,
    lookalike: bool = True,
) -> PostsEngineRun:
    """The ``detector posts`` job over partitions on Dask (same results as the local engine).

    Parameters
    ----------
    input_path : path-like
        A folder (or glob) of post files in one supported shape, or one file.
    output : str
        Post scores folder (``*.csv``: CSV parts, else Parquet parts).
    clusters_out : str, optional
        Cluster memberships (one file: they are gathered on the client anyway).
    accounts_out : str, optional
        Author table folder (parts; one author's row is in exactly one part).
    campaigns_out : str, optional
        Campaigns (one file, as the local engine writes it).
    fmt, model, use_model, window, threshold, min_accounts, kinds, burst_window
        As for :func:`detector.posts.calls.analyse_posts`.
    client : distributed.Client, optional
        Where to run.
    profiles : path-like, optional
        Author profiles in any shape ``detector score`` reads (``--profiles``), read on the client,
        matched to the posts' authors by id or screen name and scored with the account model; a
        given profile wins over one embedded in the posts, as locally.
    dates : DateRules, optional
        ``--dayfirst``/``--monthfirst``/``--date-format``/``--tz``, as for
        :func:`detector.posts.read.read_posts`. Without a day/month order, one is settled for the
        whole input from the values of every partition (see :func:`decide_input_order`), as the local
        engine settles one for a file.
    columns : dict, optional
        ``--columns``: canonical post field to the files' header, for every partition.
    as_of : Timestamp, optional
        ``--as-of``: collection time of the ``profiles`` that carry none (else now: the partitions'
        latest post time is not gathered on the client).
    lookalike : bool
        Look-alike groups across the author profiles (the author parts' ``lookalike_*`` columns),
        found on the client over every profile, as locally; False leaves them out.
    timings : dict, optional
        Filled with the wall-clock seconds of each phase seen from the client (``read and keys``,
        ``coordination``, ``author profiles``, ``campaigns``, ``scores and writing``); a
        :class:`detector.posts.calls.StageTimes` also gets the client process's CPU seconds (the
        workers' CPU is not in them).
    """
    with _keep_dtypes():
        run = _analyse_partitioned(
            input_path, output, clusters_out, accounts_out, fmt, model, use_model, window, threshold, min_accounts, kinds, burst_window, client,
            profiles, dates, timings, columns, as_of, lookalike,
        )  # fmt: skip
    if campaigns_out:
        from detector.io import write_table

        write_table(run.campaigns.campaigns, campaigns_out)
    return run


def _analyse_partitioned(
    input_path: str | os.PathLike[str], output: str, clusters_out: str | None, accounts_out: str | None, fmt: str | None, model: Any, use_model: bool,
    window: Any, threshold: float | None, min_accounts: int | None, kinds: tuple[str, ...] | None, burst_window: Any, client: Any,
    profiles_path: str | os.PathLike[str] | None = None, dates: Any = None, timings: dict[str, float] | None = None, columns: dict[str, str] | None = None,
    as_of: pd.Timestamp | None = None, lookalike: bool = True,
) -> PostsEngineRun:
    import dask
    import dask.dataframe as dd

    from detector.accounts.lookalike import group_counts
    from detector.io import Rejects, say_held_rows, write_rejects, write_table
    from detector.posts import coordination as co
    from detector.posts.calls import (
        DEFAULT_BURST_WINDOW,
        POST_OUTPUT_COLUMNS,
        membership_table,
        stage,
    )

    burst = DEFAULT_BURST_WINDOW if burst_window is None else pd.Timedelta(burst_window)
    opts: dict[str, Any] = {}
    for name, value in (("window", window), ("threshold", threshold), ("min_accounts", min_accounts), ("kinds", kinds)):
        if value is not None:
            opts[name] = value
    files = [str(f) for f in list_partitions(input_path)]
    with stage(timings, "read and keys"):
        orders = decide_input_order(files, str(input_path), fmt, dates, columns)
    names = partition_names(files)
    reads = [dask.delayed(_post_part, nout=4)(f, i, fmt, dates, columns, o, n) for i, (f, o, n) in enumerate(zip(files, orders, names, strict=True))]
    posts = dd.from_delayed([r[0] for r in reads], meta=_posts_meta(), verify_meta=False)
    profiles = dd.from_delayed(
        [r[2] for r in reads], meta=_account_meta().drop(columns=["_file", "_order"]).assign(_part=pd.Series(dtype="int64"), _ira=pd.Series(dtype=bool)), verify_meta=False
    )
    rejects_dd = dd.from_delayed([r[1] for r in reads], meta=_rejects_frame(pd.DataFrame()), verify_meta=False)
    notes_dd = dd.from_delayed([r[3] for r in reads], meta=notes_frame({}), verify_meta=False)
    # All four come from one read per file: kept together, so that no later compute reads a file again
    # (persisting the posts alone released the reads: the rejects, profiles and notes read files twice,
    # and without a client every compute read every file).
    posts, profiles, rejects_dd, notes_dd = dask.persist(posts, profiles, rejects_dd, notes_dd)
    # A post id in two partitions (exports that overlap): the first copy in partition order is kept
    # and the later ones rejected, as the local engine keeps the first in a file. Only the repeated
    # ids (and where their first copy is) reach the client.
    counts = posts.groupby("post_id")["_part"].agg(["min", "count"]).compute()
    repeated = counts[counts["count"] > 1]
    repeated.index = repeated.index.astype(str)
    if len(repeated):
        firsts = posts[posts["post_id"].isin(repeated.index.astype(str).tolist())][["post_id", "_part", "source_row"]].compute()
        firsts = firsts[firsts["_part"].to_numpy() == firsts["post_id"].astype(str).map(repeated["min"]).to_numpy()]
        first = firsts.set_index(firsts["post_id"].astype(str))[["_part", "source_row"]]
        dup_rejects = posts.map_partitions(_later_post_rejects, first, files, meta=_rejects_frame(pd.DataFrame()), align_dataframes=False)
        rejects_dd = dd.concat([rejects_dd, dup_rejects])
        posts = posts.map_partitions(_drop_later_posts, first["_part"], meta=posts._meta, align_dataframes=False)
        posts, rejects_dd = dask.persist(posts, rejects_dd)
        log.warning("%s: %d records repeat a post_id of an earlier partition: kept the first of each, the others are rejected", input_path, int((repeated["count"] - 1).sum()))

    # Steps 1-3: candidate keys, shuffled by key; only posts sharing a key reach the client.
    with stage(timings, "read and keys"):
        keys = posts.map_partitions(coordination_keys, meta={c: t for c, t in KEY_COLUMNS.items()})
        shared = keys.groupby("key")["member"].nunique(split_out=max(1, keys.npartitions))
        kept = shared[shared >= 2].reset_index()[["key"]]
        hits = keys.merge(kept, on="key", how="inner")
        # Each author's first (id, screen name) in partition order: what --profiles are matched to.
        names = posts[["author_id", "author_screen_name"]].map_partitions(lambda f: f.dropna(subset=["author_id"]).drop_duplicates("author_id"))
        kept_ids, kept_sets, all_authors, read_rejects, profile_rows, n_posts, author_names, platforms, part_notes = dask.compute(
            hits["post_id"].dropna().unique(), hits["setkey"].dropna().unique(), posts["author_id"].unique(), rejects_dd, profiles, posts.shape[0],
            names, posts["platform"].dropna().unique(), notes_dd,
        )  # fmt: skip
        _say_date_notes(part_notes, str(input_path))
        say_held_rows(read_rejects, str(input_path))
        set_ids = keys[keys["setkey"].isin(list(kept_sets)) & keys["post_id"].notnull()]["post_id"].unique().compute() if len(kept_sets) else []
        wanted = set(kept_ids) | set(set_ids)
        candidates = posts[posts["post_id"].isin(sorted(wanted))].compute() if wanted else _posts_meta()
    log.info("dask posts: %d of %d posts share a candidate key and go to coordination", len(candidates), n_posts)
    if n_posts == 0:
        rejects = Rejects(str(input_path))
        rejects.rows = read_rejects.astype(object).where(read_rejects.notna(), None).to_dict("records")
        write_rejects(rejects, output)
        raise NothingScoredError(f"{input_path}: every record of {len(files)} partition(s) was rejected")
    with stage(timings, "coordination"):
        coordination = co.find_clusters(candidates.drop(columns=["_part"]), **opts)
        coordination.account_scores = _all_author_scores(coordination.account_scores, pd.Series(all_authors, dtype="string"))

    # Author profiles that came with the posts: the latest observation of each author, as locally;
    # then the ones given beside them (--profiles), which win.
    given_rejects: list[dict[str, Any]] = []
    profiles_given: tuple[int, int] | None = None  # (matched, read) of --profiles
    with stage(timings, "author profiles"):
        given = None
        if profiles_path is not None:
            from detector.accounts.read import read_profiles
            from detector.posts.read import match_profiles

            got = read_profiles(profiles_path, dates=None if dates is None else dates.for_file(), as_of=as_of)
            given_rejects = got.rejects.rows
            given = match_profiles(got.accounts, author_names.reset_index(drop=True))
            profiles_given = (len(given), len(got.accounts))
        account_scores = locations = None
        if use_model and (len(profile_rows) or (given is not None and len(given))):
            account_scores, locations = _score_profiles(profile_rows, model, client, given=given, path=str(input_path), lookalike=lookalike)

    # The campaigns the clusters add up to, as the local engine names them (posts carry their campaign).
    from detector.posts.campaigns import build_campaigns

    with stage(timings, "campaigns"):
        memberships = membership_table(coordination)
        campaigns = build_campaigns(memberships, window=coordination.params.get("window"))
        memberships["campaign_id"] = memberships["cluster_id"].astype("string").map(campaigns.clusters).astype("string")
    # As locally (cli._name_platforms): an input that is not all X's says each row's platform.
    name_platforms = any(str(p) != "x" for p in platforms)

    # Step 4: posts by author, scored per partition with the compact coordination result.
    by_author = posts.shuffle("author_id", npartitions=posts.npartitions)
    mem_d = dask.delayed(coordination.memberships, pure=True)
    coord_d = dask.delayed(coordination.account_scores, pure=True)
    acc_d = dask.delayed(account_scores, pure=True)
    campaign_d = dask.delayed(campaigns.posts, pure=True)
    loc_d = dask.delayed(locations, pure=True)
    score_meta = _score_meta()
    scored = by_author.map_partitions(
        _score_post_part, mem_d, coord_d, acc_d, burst, campaign_d, None if dates is None else dates.tz, loc_d, meta=score_meta, align_dataframes=False
    )
    with stage(timings, "scores and writing"):
        scored = scored.persist() if client is not None else scored
        writes = [write_parts(scored[POST_OUTPUT_COLUMNS + (["platform"] if name_platforms else [])], output, compute=False)]
        if accounts_out:
            from detector.ops.runner import author_model_version

            version = author_model_version(account_scores)
            authors = scored.map_partitions(_author_part, coord_d, acc_d, name_platforms, version, meta=_author_meta(name_platforms, version, account_scores), align_dataframes=False)
            writes.append(write_parts(authors, accounts_out, compute=False))
        dask.compute(*writes)
        done = dask.compute(scored["label"].value_counts(), scored["call_to_action"].sum(), scored["when"].astype("string").fillna("").ne("").sum())
        publish(Path(output).with_name(f".{Path(output).name}.partial"), Path(output))
        if accounts_out:
            publish(Path(accounts_out).with_name(f".{Path(accounts_out).name}.partial"), Path(accounts_out))
        if clusters_out:
            write_table(memberships, clusters_out)
    rejects = Rejects(str(input_path))
    rejects.rows = read_rejects.astype(object).where(read_rejects.notna(), None).to_dict("records") + list(given_rejects)
    labels = {str(k): int(v) for k, v in done[0].items()}
    run = PostsEngineRun(
        str(input_path), output, partitions=len(files), scored=sum(labels.values()), labels=labels,
        rejected=rejects.n_rejected, warnings=len(rejects) - rejects.n_rejected,
        rejects_path=write_rejects(rejects, output),
        coordination=coordination, memberships=memberships, candidates=len(candidates), posts=int(n_posts), campaigns=campaigns,
    )  # fmt: skip
    run.extra = {
        "calls_to_action": int(done[1]),
        "times_named": int(done[2]),  # calls that name a time: the CLI says the zone they were read in, as locally
        "clusters": int(memberships["cluster_id"].nunique()) if len(memberships) else 0,
        "author_profiles_scored": 0 if account_scores is None else len(account_scores),
        "lookalike": group_counts(account_scores),  # (groups, author profiles in them)
        "profiles_given": profiles_given,
    }
    return run


def _all_author_scores(scores: pd.DataFrame, authors: pd.Series) -> pd.DataFrame:
    """Coordination scores for every author: those left out of the candidates are in no cluster."""
    from detector.posts import coordination as co

    missing = authors[~authors.isin(scores["account_id"])].dropna()
    if missing.empty:
        return scores
    out = pd.concat([scores, co.blank_scores(missing)], ignore_index=True)
    return out.sort_values("account_id", ignore_index=True)[co.SCORE_COLUMNS]


def _score_profiles(
    profiles: pd.DataFrame, model: Any, client: Any, given: pd.DataFrame | None = None, path: str = "", lookalike: bool = True
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The authors' profiles scored as the local engine scores them: embedded ones, then the IRA
    CSV's partial ones, then given ones (``--profiles``); a later kind wins for one author. Also the
    locations those profiles write (:func:`detector.posts.calls.profile_locations`)."""
    from detector.posts.calls import profile_locations, score_author_profiles

    ira = profiles["_ira"].fillna(False).to_numpy(dtype=bool) if "_ira" in profiles.columns else np.zeros(len(profiles), dtype=bool)
    embedded, partial = profiles[~ira].drop(columns=["_ira"], errors="ignore"), profiles[ira].drop(columns=["_ira"])
    # Latest observation per author; on a tie, the first partition (the local reader keeps the first).
    chosen = embedded.sort_values(["collected_at", "_part", "source_row"], ascending=[False, True, True], kind="stable")
    chosen = chosen.drop_duplicates("account_id").sort_values(["_part", "source_row"]).drop(columns=["_part"]).reset_index(drop=True)
    if len(partial):
        # Each partition's latest observation of an author; across partitions the latest, a tie going to
        # the later partition, as the local reader settles it across the chunks of one file.
        partial = partial.sort_values("collected_at", kind="stable").drop_duplicates("account_id", keep="last")
        partial = partial.sort_values(["_part", "source_row"]).drop(columns=["_part"]).reset_index(drop=True)
    parts = [p for p in (chosen, partial, given) if p is not None and len(p)]
    if not parts:
        return None, None
    accounts = pd.concat(parts, ignore_index=True).drop_duplicates("account_id", keep="last").reset_index(drop=True)
    # The look-alike groups over every author profile, on the client.
    return score_author_profiles(accounts, model, path, lookalike=lookalike), profile_locations(accounts)


def _placeholder_scored() -> pd.DataFrame:
    """One placeholder post, scored: the columns and dtypes of a scored partition."""
    from detector.posts.read import canonical_posts

    one = canonical_posts(pd.DataFrame({
        "post_id": ["0"], "author_id": ["0"], "author_screen_name": ["0"], "text": ["x"],
        "created_at": [pd.Timestamp(0, tz="UTC")], "source_row": [1],
    }))  # fmt: skip
    memberships = pd.DataFrame({"account_id": pd.Series(dtype="string"), "post_id": pd.Series(dtype="string")})
    return _score_post_part(one, memberships, _no_coordination(), None, pd.Timedelta("1h"))


def _no_coordination() -> pd.DataFrame:
    return pd.DataFrame({"account_id": pd.Series(dtype="string"), "coordination_score": pd.Series(dtype="float64")})


def _score_meta() -> pd.DataFrame:
    return _placeholder_scored().iloc[:0]


def _author_meta(platforms: bool = False, model_version: str | None = None, account_scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The author parts' columns: with ``account_scores``' columns (the look-alike ones when they carry them)."""
    none = None if account_scores is None else account_scores.iloc[:0]
    return _author_part(_placeholder_scored(), _no_coordination(), none, platforms, model_version).iloc[:0]
