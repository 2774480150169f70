"""Benchmark: the look-alike evidence of ``detector score`` on 1,000,000 accounts.

The input is ``bench/score_accounts.py``'s: the real accounts of the shipped training tables,
resampled with replacement to N rows, as a flat CSV (ids made unique). Resampling copies each
account about ten times, with its creation time, name and description: the list is full of
look-alike groups, the hard case for the evidence's wording (most lists have few).

Measured, each in a fresh child process:
* the whole ``score_file`` run (two worker processes, chunks of 100,000), with its peak memory
  (this process plus twice the largest worker's peak, an upper bound);
* the look-alike part alone on the same canonical rows: :func:`lookalike_keys` per chunk (done in
  the workers during a run) and :func:`find_lookalikes` over the whole list (done once, at the end).

Usage: ``python bench/lookalike_speed.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_accounts import CHUNK, WORKERS, make_input  # noqa: E402


def _peak_mb(workers: int) -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers * child) / 1024.0


def run_whole(inp: str, out: str, q: mp.Queue) -> None:
    from detector.accounts.registry import load_current_model as load_model
    from detector.accounts.score import score_file

    model = load_model()
    t = time.perf_counter()
    run = score_file(inp, out, model=model, keep_top=0, workers=WORKERS, chunksize=CHUNK)
    q.put({"seconds": time.perf_counter() - t, "rows": run.scored, "groups": run.lookalike_groups,
           "in_groups": run.lookalike_accounts, "peak_mb": _peak_mb(WORKERS)})


def run_parts(inp: str, q: mp.Queue) -> None:
    from detector.accounts.lookalike import find_lookalikes, lookalike_keys
    from detector.accounts.read import iter_accounts

    keys, seconds_keys = [], 0.0
    for batch in iter_accounts(inp, chunksize=CHUNK):
        t = time.perf_counter()
        keys.append(lookalike_keys(batch.accounts))
        seconds_keys += time.perf_counter() - t
    t = time.perf_counter()
    found = find_lookalikes(pd.concat(keys, ignore_index=True))
    q.put({"keys_seconds": seconds_keys, "find_seconds": time.perf_counter() - t, "rows": len(found)})


def in_child(target, *args):  # type: ignore[no-untyped-def]
    q: mp.Queue = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=target, args=(*args, q))
    p.start()
    result = q.get()
    p.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inp = str(Path(folder) / "accounts.csv")
        make_input(args.rows, Path(inp))
        whole = in_child(run_whole, inp, str(Path(folder) / "scores.csv"))
        parts = in_child(run_parts, inp)
    print(f"rows {whole['rows']:,}: score_file {whole['seconds']:.1f} s ({whole['rows'] / whole['seconds']:,.0f} accounts/s), "
          f"peak {whole['peak_mb']:,.0f} MB; {whole['groups']:,} look-alike groups of {whole['in_groups']:,} accounts")
    print(f"look-alike alone: keys {parts['keys_seconds']:.1f} s (in the workers during a run), "
          f"groups and wording {parts['find_seconds']:.1f} s (once, at the end)")


if __name__ == "__main__":
    main()
