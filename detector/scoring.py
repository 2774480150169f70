"""The account-scoring job: an input file of accounts in, one scored row per account out.

Streams the input in chunks, so memory stays flat however long the list is. Keeps every record it
could not use in a rejects file beside the output, scores the rest, and writes the output
atomically. It raises :class:`~detector.errors.NothingScoredError` only when no record at all
could be scored.

This module owns the job's flow. Parsing lives in :mod:`detector.accounts`, the model in
:mod:`detector.model`, bytes on disk in :mod:`detector.files`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

import pandas as pd

from detector.accounts import iter_accounts
from detector.errors import NothingScoredError
from detector.files import ChunkWriter, Rejects, write_rejects
from detector.model import AccountModel, load_model, score_accounts

log = logging.getLogger(__name__)


@dataclass
class ScoreRun:
    """What a scoring run did."""

    input: str
    output: str
    scored: int = 0
    rejected: int = 0
    warnings: int = 0
    rejects_path: str | None = None
    model_version: str = ""
    labels: dict[str, int] = field(default_factory=dict)
    top: pd.DataFrame | None = None


def score_file(
    input_path: str | os.PathLike[str],
    output: str,
    *,
    fmt: str | None = None,
    as_of: pd.Timestamp | str | None = None,
    model: AccountModel | None = None,
    chunksize: int = 200_000,
    keep_top: int = 20,
) -> ScoreRun:
    """Score every account of ``input_path`` and write the scores to ``output``.

    Parameters
    ----------
    input_path : path-like
        Accounts in any supported shape (see :mod:`detector.accounts`).
    output : str
        Output file; its extension chooses CSV, JSONL, JSON or Parquet; ``-`` is stdout (CSV).
    fmt : str, optional
        Input format; detected from the content when omitted.
    as_of : Timestamp or str, optional
        Collection time for records that carry none.
    model : AccountModel, optional
        Defaults to :func:`detector.model.load_model`.
    chunksize : int
        Records per chunk.
    keep_top : int
        How many of the highest-scoring accounts to keep in ``ScoreRun.top``.
    """
    model = model or load_model()
    run = ScoreRun(str(input_path), output, model_version=model.version)
    rejects = Rejects(str(input_path))
    seen: dict[str, int] = {}
    as_of_ts = None if as_of is None else pd.Timestamp(as_of)
    if as_of_ts is not None and as_of_ts.tzinfo is None:
        as_of_ts = as_of_ts.tz_localize("UTC")
    labels: dict[str, int] = {}
    top: pd.DataFrame | None = None
    with ChunkWriter(output) as writer:
        for batch in iter_accounts(input_path, fmt=fmt, as_of=as_of_ts, chunksize=chunksize):
            rejects.extend(batch.rejects)
            accounts = _drop_seen(batch.accounts, seen, rejects)
            if len(accounts) == 0:
                continue
            scores = score_accounts(accounts, model)
            writer.write(scores)
            for k, v in scores["label"].value_counts().items():
                labels[str(k)] = labels.get(str(k), 0) + int(v)
            if keep_top:
                best = scores.nlargest(keep_top, "score")
                top = best if top is None else pd.concat([top, best]).nlargest(keep_top, "score")
        run.scored = writer.rows
        if run.scored == 0:
            run.rejects_path = write_rejects(rejects, output)
            raise NothingScoredError(
                f"{input_path}: no account could be scored ({rejects.n_rejected} records rejected"
                + (f", see {run.rejects_path})" if run.rejects_path else ")")
            )
    run.rejected = rejects.n_rejected
    run.warnings = len(rejects) - rejects.n_rejected
    run.rejects_path = write_rejects(rejects, output)
    run.labels = labels
    run.top = top
    log.info("scored %d accounts, rejected %d, %d field warnings", run.scored, run.rejected, run.warnings)
    return run


def _drop_seen(accounts: pd.DataFrame, seen: dict[str, int], rejects: Rejects) -> pd.DataFrame:
    """Reject accounts already scored earlier in this input (by account_id), keeping the first."""
    ids = accounts["account_id"].astype(str).to_numpy()
    rows = accounts["source_row"].to_numpy()
    keep = []
    for i, (ident, row) in enumerate(zip(ids, rows, strict=True)):
        first = seen.get(ident)
        if first is None:
            seen[ident] = int(row)
            keep.append(i)
        else:
            rejects.add(int(row), "account_id", f"duplicate of record {first} (account {ident})", ident)
    if len(keep) == len(accounts):
        return accounts
    return accounts.iloc[keep].reset_index(drop=True)
