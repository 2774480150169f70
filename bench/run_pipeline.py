"""Wall time and peak memory of ``detector run --from`` (the cron pipeline, offline) on 100,000 posts.

Usage: python bench/run_pipeline.py [--n 100000] [--workers 1] [--raw ../shared/datasets] [--keep DIR]

Input: the ``n`` consecutive posts (by time) of the Internet Research Agency release
(``ira-2018/tweets.parquet``, real tweets) that span the shortest time — a dense wave, as a watch
would see it (for n = 100,000: 2017-07-31 to 2017-08-18). The IRA release has no profiles, so the
authors get **synthetic** profiles (random counts and ages, written to ``authors.synthetic.csv``),
only so that the account-model stage has every author to score; their scores mean nothing.

Each run is a real ``detector run`` process; its peak RSS comes from ``getrusage`` of the child,
its stage times from the run's log. Three runs against one store: the first run; a second run over
the same file (nothing new: no score rows are written); and a run killed by SIGKILL while its
store transaction is open, followed by the run that completes it. Prints a Markdown table; the
figures in BENCHMARKS.md were measured with this script.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

RAW = Path(__file__).resolve().parents[2] / "shared" / "datasets"
STAGES = re.compile(r"stages (.*)$")


def dense_slice(raw: Path, n: int) -> pd.DataFrame:
    """The ``n`` consecutive IRA posts, in time order, that span the shortest time."""
    df = pd.read_parquet(raw / "ira-2018" / "tweets.parquet")
    t = pd.to_datetime(df["publish_date"])
    df = df.assign(_t=t).sort_values("_t", kind="stable").reset_index(drop=True)
    times = df["_t"].to_numpy()
    span = times[n - 1 :] - times[: len(times) - n + 1]
    start = int(np.argmin(span))
    return df.iloc[start : start + n].drop(columns=["_t"]).reset_index(drop=True)


def synthetic_profiles(handles: list[str], seed: int = 0) -> pd.DataFrame:
    """Made-up canonical profiles for ``handles`` (SYNTHETIC: for timing only)."""
    rng = np.random.default_rng(seed)
    k = len(handles)
    observed = pd.Timestamp("2017-08-19T00:00:00Z")
    return pd.DataFrame({
        "id": handles,
        "screen_name": handles,
        "name": [f"synthetic {h}" for h in handles],
        "description": ["synthetic profile for a benchmark"] * k,
        "followers_count": rng.integers(0, 20_000, k),
        "friends_count": rng.integers(0, 5_000, k),
        "listed_count": rng.integers(0, 200, k),
        "favourites_count": rng.integers(0, 30_000, k),
        "statuses_count": rng.integers(10, 60_000, k),
        "created_at": [(observed - pd.Timedelta(days=int(d))).strftime("%a %b %d %H:%M:%S +0000 %Y") for d in rng.integers(30, 3000, k)],
        "crawled_at": observed.strftime("%Y-%m-%d %H:%M:%S"),
    })


def run(cmd: list[str], env: dict[str, str], kill_after_log: tuple[Path, str] | None = None) -> dict[str, object]:
    """Run one ``detector`` process; return its exit code, wall time, own peak RSS and output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        if kill_after_log is not None:
            path, text = kill_after_log
            while not (path.exists() and text in path.read_text(encoding="utf-8")):
                time.sleep(0.2)
            proc.send_signal(signal.SIGKILL)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the running maximum
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return {"rc": proc.returncode, "wall": wall, "cpu": cpu, "peak_mib": usage.ru_maxrss / 1024, "out": out.read().strip(), "err": err.read().strip()}


def prepare(raw: Path, n: int, work: Path) -> None:
    """Write the posts, the synthetic profiles and a watch covering every post into ``work``."""
    posts = dense_slice(raw, n)
    posts.to_parquet(work / f"ira_{n}.parquet", index=False)
    handles = sorted(posts["author_id"].astype(str).unique())
    synthetic_profiles(handles).to_csv(work / "authors.synthetic.csv", index=False)
    # A watch that covers every post of the slice: its accounts are the slice's authors.
    accounts = ", ".join(f'"{h}"' for h in handles)
    (work / "watches.toml").write_text(f"[watches.bench]\naccounts = [{accounts}]\n", encoding="utf-8")
    print(f"{len(posts):,} real IRA posts from {posts['publish_date'].min()} to {posts['publish_date'].max()}, "
          f"{len(handles):,} authors (synthetic profiles); {platform.platform()}, {os.cpu_count()} CPUs", flush=True)


def stages(log_file: Path) -> str:
    lines = [m.group(1) for m in map(STAGES.search, log_file.read_text(encoding="utf-8").splitlines()) if m]
    return lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--raw", type=Path, default=RAW)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (default: a temporary one).")
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="detector-run-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.prepare_only:
        prepare(args.raw, args.n, work)
        return
    # The 1.2-million-row release is cut in a child process: a run forked from a parent holding it
    # would report the parent's memory as its own peak.
    subprocess.run([sys.executable, __file__, "--prepare-only", "--n", str(args.n), "--raw", str(args.raw), "--keep", str(work)], check=True)
    posts_file = work / f"ira_{args.n}.parquet"
    profiles = work / "authors.synthetic.csv"
    cmd = [sys.executable, "-m", "detector.cli", "run", "--watch", "bench", "--config", str(work / "watches.toml"),
           "--from", str(posts_file), "--profiles", str(profiles), "--workers", str(args.workers)]
    rows = []
    for name, folder, pause in (
        ("first run", "clean", None),
        ("first run, killed (SIGKILL) in its store transaction", "killed", "store"),
        ("next run, completing the killed one", "killed", None),
        ("rerun over the same file (nothing new)", "clean", None),
    ):
        data = work / folder
        log_file = data / "logs" / "detector.log"
        env = {**os.environ, "DETECTOR_DATA_DIR": str(data), "DETECTOR_HOME": str(data)}
        env.pop("DETECTOR_RUN_PAUSE_AT", None)
        if pause:
            env["DETECTOR_RUN_PAUSE_AT"] = pause
        r = run(cmd, env, kill_after_log=(log_file, f"DETECTOR_RUN_PAUSE_AT={pause}: pausing") if pause else None)
        rows.append((name, r, "" if pause else stages(log_file)))
    load = os.getloadavg()[0]
    print(f"\nload average (1 min) at the end: {load:.1f}")
    print("\n| run | exit | wall time | CPU time | peak RSS | stages (wall) |\n|---|---|---|---|---|---|")
    for name, r, st in rows:
        print(f"| {name} | {r['rc']} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['peak_mib']:.0f} MiB | {st} |")
    print()
    for name, r, _ in rows:
        print(f"{name}: {r['out'].splitlines()[0] if r['out'] else r['err'][-300:]}")
    from detector.ops.store import open_store

    tables = {}
    for folder in ("clean", "killed"):
        with open_store(None, work / folder) as store:
            print(f"store rows ({folder}):", {k: v for k, v in store.counts().items() if v})
            tables[folder] = {
                t: store.frame(f"SELECT * FROM {t} ORDER BY {k}").drop(columns=["run_id", "scored_at", "detected_at"], errors="ignore")
                for t, k in (("post_scores", "post_id"), ("account_scores", "account_id"), ("cluster_members", "cluster_id, member_kind, member_id"))
            }
    same = all(tables["clean"][t].equals(tables["killed"][t]) for t in tables["clean"])
    print(f"killed-and-completed store holds the same scores and clusters as the clean one: {same}")

if __name__ == "__main__":
    main()
