"""Store write and read speed on synthetic accounts, posts and scores (not real data).

Usage: python bench/store_bench.py [--db URL_OR_PATH] [--n 20000]

Writes N synthetic canonical accounts, N posts and N account scores, then writes them all again
(the idempotent rerun a resumed collection does), and times a latest-scores query. Prints one
line per step. The figures in BENCHMARKS.md were measured with this script.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from detector.ops.store import open_store


def synthetic(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    t0 = datetime(2024, 5, 14, tzinfo=UTC)
    ids = [str(10**15 + i) for i in range(n)]
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "screen_name": [f"user_{i}" for i in range(n)],
            "description": ["synthetic profile"] * n,
            "followers_count": rng.integers(0, 10_000, n).astype(float),
            "friends_count": rng.integers(0, 5_000, n).astype(float),
            "statuses_count": rng.integers(0, 50_000, n).astype(float),
            "created_at": pd.to_datetime([t0 - timedelta(days=int(d)) for d in rng.integers(1, 4000, n)], utc=True),
            "collected_at": pd.Timestamp(t0),
            "verified": pd.array(rng.random(n) < 0.01, dtype="boolean"),
        }
    )
    posts = pd.DataFrame(
        {
            "post_id": [str(2 * 10**18 + i) for i in range(n)],
            "author_id": rng.choice(ids, n),
            "text": ["synthetic post #marcha"] * n,
            "created_at": pd.Timestamp(t0),
            "hashtags": ["marcha"] * n,
        }
    )
    scores = pd.DataFrame(
        {"account_id": ids, "score": rng.random(n), "label": "uncertain", "reasons": "synthetic", "model_version": "bench"}
    )
    return accounts, posts, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="postgresql:// URL or SQLite path (default: a temporary SQLite file)")
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    accounts, posts, scores = synthetic(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        target = args.db or str(Path(tmp) / "bench.sqlite")
        with open_store(target) as store:
            print(f"store: {store.dialect}, n = {args.n:,} synthetic rows per table")
            for rerun in (False, True):
                label = "rewrite (idempotent)" if rerun else "first write"
                for name, fn in (
                    ("accounts", lambda: store.upsert_accounts(accounts, source="bench")),
                    ("posts", lambda: store.upsert_posts(posts, source="bench")),
                    ("scores", lambda: store.add_account_scores(scores, run_id="bench-run")),
                ):
                    t = time.perf_counter()
                    fn()
                    dt = time.perf_counter() - t
                    print(f"{label:22s} {name:9s} {dt:7.2f} s  {args.n / dt:10,.0f} rows/s")
            t = time.perf_counter()
            latest = store.account_scores(latest=True)
            print(f"latest scores query     {len(latest):,} rows in {time.perf_counter() - t:.2f} s")
            print("row counts:", store.counts())


if __name__ == "__main__":
    main()
