"""How long ``write_report`` takes, and how much memory, on SYNTHETIC data of a busy day.

Synthetic: random ids, beta-distributed scores, one repeated text. It measures rendering cost only
and says nothing about detection quality.

    .venv/bin/python bench/report_bench.py --accounts 100000 --posts 500000 --clusters 2000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time

import numpy as np
import pandas as pd

from detector.ops.report import ReportData, write_report


def synthetic(n_acc: int, n_posts: int, n_clusters: int, seed: int = 0) -> ReportData:
    rng = np.random.default_rng(seed)
    acc = pd.DataFrame(
        {
            "account_id": [f"a{i}" for i in range(n_acc)],
            "screen_name": [f"user_{i}" for i in range(n_acc)],
            "score": rng.beta(1, 6, n_acc),
            "reasons": "synthetic reason one; synthetic reason two",
        }
    )
    acc["label"] = np.where(acc["score"] > 0.7, "suspicious", np.where(acc["score"] > 0.4, "uncertain", "likely-genuine"))
    start = pd.Timestamp("2024-05-01", tz="UTC")
    posts = pd.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(n_posts)],
            "author_id": [f"a{i}" for i in rng.integers(0, n_acc, n_posts)],
            "text": "synthetic post text #march",
            "created_at": start + pd.to_timedelta(rng.integers(0, 86400, n_posts), unit="s"),
            "score": rng.beta(1, 5, n_posts),
        }
    )
    posts["label"] = np.where(posts["score"] > 0.7, "suspicious", "uncertain")
    clusters = pd.DataFrame(
        {
            "cluster_id": [f"c{i}" for i in range(n_clusters)],
            "kind": "text",
            "accounts": [[f"a{j}" for j in rng.integers(0, n_acc, 5)] for _ in range(n_clusters)],
            "evidence": "synthetic shared text",
        }
    )
    return ReportData(accounts=acc, posts=posts, clusters=clusters, since=start.to_pydatetime(), until=(start + pd.Timedelta("1D")).to_pydatetime())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--posts", type=int, default=500_000)
    ap.add_argument("--clusters", type=int, default=2_000)
    args = ap.parse_args()
    data = synthetic(args.accounts, args.posts, args.clusters)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        paths = write_report(data, out)
        took = time.perf_counter() - t0
        sizes = {k: getattr(paths, k).stat().st_size for k in ("html", "csv", "json")}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"accounts={args.accounts:,} posts={args.posts:,} clusters={args.clusters:,}: "
        f"write_report {took:.1f} s, peak RSS {peak:,.0f} MiB (whole process), "
        f"HTML {sizes['html'] / 1e3:,.0f} kB, CSV {sizes['csv'] / 1e6:,.1f} MB, JSON {sizes['json'] / 1e6:,.1f} MB"
    )


if __name__ == "__main__":
    main()
