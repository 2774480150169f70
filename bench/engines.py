"""Compare the local engine with a 2-worker Dask LocalCluster on the same data, and check they agree.

Posts: real IRA tweets (``../shared/datasets/ira-2018/tweets.parquet``): the first ``--posts``
tweets in time order, written as ``--parts`` flat CSV partitions (with a post id) and as one
CSV of the same rows. The local engine (``detector.posts.calls.analyse_posts`` on the one file) and
the dask engine (``detector.engine.analyse_partitioned`` on the partitions) run on them; the post
scores, memberships and coordination scores are compared.

Accounts: the shipped canonical training tables (real profiles) repeated until ``--accounts``
rows, each copy with a new account id (so this set is **synthetic** in size: the same real
profiles many times), written as ``--parts`` CSV partitions and one CSV.

Usage::

    .venv/bin/python bench/engines.py --posts 200000 --accounts 200000 --parts 8
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd

from detector import engine
from detector.accounts.registry import load_current_model as load_model
from detector.accounts.score import score_file
from detector.posts.calls import analyse_posts
from detector.posts.read import read_posts
from detector.training import datasets

ROOT = Path(__file__).resolve().parents[1]
IRA = ROOT.parent / "shared" / "datasets" / "ira-2018" / "tweets.parquet"


def _ira_posts(n: int) -> pd.DataFrame:
    t = pd.read_parquet(IRA, columns=["author_id", "content", "publish_date", "post_type", "retweet", "language"])
    t = t.sort_values(["publish_date", "author_id"], kind="stable").head(n).reset_index(drop=True)
    return t.rename(columns={"author_id": "author", "content": "content"}).assign(tweet_id=[f"t{i}" for i in range(len(t))])


def _write_parts(frame: pd.DataFrame, folder: Path, parts: int) -> None:
    folder.mkdir(parents=True)
    size = -(-len(frame) // parts)
    for k in range(parts):
        frame.iloc[k * size : (k + 1) * size].to_csv(folder / f"part-{k:03d}.csv", index=False)


def bench_posts(n: int, parts: int, work: Path) -> dict[str, object]:
    raw = _ira_posts(n)
    raw["publish_date"] = pd.to_datetime(raw["publish_date"]).dt.strftime("%m/%d/%Y %H:%M")
    whole = work / "posts.csv"
    raw.to_csv(whole, index=False)
    _write_parts(raw, work / "posts", parts)

    t0 = time.perf_counter()
    read = read_posts(whole)
    local = analyse_posts(read.posts, window="10min")
    t_local = time.perf_counter() - t0

    with engine.dask_client(n_workers=2, processes=True) as client:
        t0 = time.perf_counter()
        run = engine.analyse_partitioned(work / "posts", str(work / "post_scores.parquet"), window="10min", client=client)
        t_dask = time.perf_counter() - t0
    got = engine.read_parts(str(work / "post_scores.parquet")).sort_values("post_id", ignore_index=True)
    want = local.posts.sort_values("post_id", ignore_index=True)
    try:  # the post output's values (a Parquet round trip may change a column's dtype, not its values)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        same_posts = True
    except AssertionError:
        same_posts = False
    same = bool(
        same_posts
        and run.memberships.astype(str).equals(local.memberships.astype(str))
        and run.coordination.account_scores.astype(str).equals(local.coordination.account_scores.astype(str))
    )
    return {
        "posts": len(read.posts), "parts": parts, "local_s": round(t_local, 1), "dask_2_workers_s": round(t_dask, 1),
        "clusters": run.extra["clusters"], "coordination_candidates": run.candidates, "identical": same,
    }  # fmt: skip


def bench_accounts(n: int, parts: int, work: Path) -> dict[str, object]:
    base = datasets.load_training_table().drop(columns=["label", "kind", "source", "collection", "source_row"], errors="ignore")
    reps = -(-n // len(base))
    frame = pd.concat([base.assign(account_id=base["account_id"].astype(str) + f"-{r}") for r in range(reps)], ignore_index=True).head(n)
    whole = work / "accounts.csv"
    frame.to_csv(whole, index=False)
    _write_parts(frame, work / "accounts", parts)
    model = load_model()
    t0 = time.perf_counter()
    local = score_file(whole, str(work / "local_scores.csv"), as_of="2020-01-01", model=model)
    t_local = time.perf_counter() - t0
    with engine.dask_client(n_workers=2, processes=True) as client:
        t0 = time.perf_counter()
        run = engine.score_partitioned(work / "accounts", str(work / "scores.parquet"), as_of="2020-01-01", model=model, client=client)
        t_dask = time.perf_counter() - t0
    got = engine.read_parts(str(work / "scores.parquet")).sort_values("account_id", ignore_index=True)
    want = pd.read_csv(work / "local_scores.csv", dtype={"account_id": str, "screen_name": str}).sort_values("account_id", ignore_index=True)
    # the look-alike columns: an empty text reads back from CSV as missing, from Parquet as ""
    texts = {c: "" for c in ("lookalike_group", "lookalike_evidence")}
    same = bool(got.fillna(texts).astype(str).equals(want.fillna(texts).astype(str)))
    return {"accounts": local.scored, "parts": parts, "local_s": round(t_local, 1), "dask_2_workers_s": round(t_dask, 1), "identical": same, "dask_scored": run.scored}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--accounts", type=int, default=200_000)
    ap.add_argument("--parts", type=int, default=8)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for name in ("distributed", "distributed.shuffle", "detector.io"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start",
            "accounts": bench_accounts(args.accounts, args.parts, work),
            "posts": bench_posts(args.posts, args.parts, work) if IRA.exists() else "skipped: ../shared/datasets absent",
        }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
