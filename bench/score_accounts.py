"""Benchmark: score 1,000,000 accounts end to end, against a plain pandas + RandomForest peer.

The input is made by resampling (with replacement) the real accounts of the shipped training
tables (``datasets/accounts``) to 1,000,000 rows, written as a flat CSV with Twitter v1.1 field
names; ids are made unique so no row is a duplicate. It is real rows resampled, not new accounts.

Measured, in the same run:
* detector: ``detector.accounts.score.score_file`` — read the CSV in chunks, features, calibrated
  scores, reasons, CSV output written atomically;
* peer: pandas feature code written plainly (the 20 BotometerLite features) and a 300-tree
  ``RandomForestClassifier`` trained on the same tables, predicting probabilities, writing CSV
  (no reasons: the peer has none).

Also, in the same run: the real rows of several shipped collections (not resampled), each
scored as its own file, to show the speed does not depend on the resampling.

Peak memory is the maximum resident set size of each run, measured in a fresh child process.
Usage: ``python bench/score_accounts.py [--rows N] [--out BENCHMARKS.md]`` (``--out`` rewrites the
measured part of its section and keeps the part from "Earlier runs and notes" on).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
CHUNK = 100_000
CSV_COLUMNS = [
    "id", "screen_name", "name", "description", "followers_count", "friends_count", "listed_count",
    "favourites_count", "statuses_count", "created_at", "collected_at", "verified", "default_profile",
    "default_profile_image", "profile_use_background_image", "url", "location", "lang",
]


REAL_COLLECTIONS = ("cresci-2017", "cresci-stock-2018", "pronbots-2019", "verified-2019", "caverlee-2011")


def as_csv(sample: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame({c: sample[c] for c in CSV_COLUMNS if c in sample.columns and c != "id"})
    out.insert(0, "id", ids)
    for c in ("screen_name", "name", "description", "location", "url"):
        # line breaks inside profile texts (pronbots' descriptions have them) become spaces: the
        # bench measures scoring, not the reader's slow path for multi-line CSV fields
        out[c] = out[c].astype("string").str.replace(r"[\r\n]+", " ", regex=True)
    for c in ("created_at", "collected_at"):
        out[c] = sample[c].dt.strftime("%a %b %d %H:%M:%S +0000 %Y")
    for c in ("verified", "default_profile", "default_profile_image", "profile_use_background_image"):
        out[c] = sample[c].map({True: "true", False: "false"})
    return out[CSV_COLUMNS]


def make_input(rows: int, path: Path, seed: int = 0) -> None:
    from detector.training.datasets import load_training_table

    table = load_training_table()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(table), rows)
    sample = table.iloc[idx].reset_index(drop=True)
    as_csv(sample, np.arange(10**12, 10**12 + rows).astype(str)).to_csv(path, index=False)


def run_real(folder: str, q: mp.Queue) -> None:
    """Each collection's own rows as one CSV, scored end to end (one process, no workers)."""
    from detector.accounts.registry import load_current_model as load_model
    from detector.accounts.score import score_file
    from detector.training.datasets import load_training_table

    model = load_model()
    rows = []
    for name in REAL_COLLECTIONS:
        part = load_training_table(collections=(name,)).reset_index(drop=True)
        inp = Path(folder) / f"{name}.csv"
        as_csv(part, part["account_id"].to_numpy()).to_csv(inp, index=False)
        t = time.perf_counter()
        run = score_file(str(inp), str(Path(folder) / f"{name}.scores.csv"), model=model, keep_top=0, workers=1, chunksize=CHUNK)
        seconds = time.perf_counter() - t
        rows.append({"collection": name, "rows": run.scored, "seconds": seconds, "per_second": run.scored / seconds})
    q.put({"real": rows})


STAGES = ("read CSV", "canonical table", "features", "model", "reasons", "plain wording", "look-alike keys", "look-alike groups", "CSV out")


def run_stages(inp: str, q: mp.Queue, rows: int = 100_000) -> None:
    """CPU seconds per stage of scoring the first ``rows`` rows in one process (no workers), as
    ``score_file`` runs them: where an account's time goes. A first pass over 2,000 rows warms up
    what is done once per process (imports, compiled patterns) and is not counted."""
    from detector.accounts.explain import reasons
    from detector.accounts.features import compute_features
    from detector.accounts.lookalike import find_lookalikes, lookalike_keys
    from detector.accounts.model import broadcaster_prior, calibrated, label_scores
    from detector.accounts.read import as_utc, canonical_from_frame, decide_csv_dates
    from detector.accounts.registry import load_current_model as load_model
    from detector.accounts.wording import plain_reasons
    from detector.dates import DateRules
    from detector.io import ChunkWriter, Rejects, read_csv_strings

    model = load_model()
    # The rows on their own (the input has no line breaks in fields): reading the file scans it whole
    # once (NUL bytes, lone CRs), which a stage of the first rows of a big file should not carry.
    part = str(Path(inp).with_suffix(".first.csv"))
    with open(inp, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, rows + 1))
    inp = part

    def one_pass(n: int) -> dict[str, float]:
        spent = dict.fromkeys(STAGES, 0.0)
        t = time.process_time()

        def done(stage: str) -> None:
            nonlocal t
            now = time.process_time()
            spent[stage] += now - t
            t = now

        raw = next(read_csv_strings(inp, chunksize=n, rejects=Rejects(inp)))
        dates = DateRules()
        decide_csv_dates(inp, raw, dates)
        done("read CSV")
        accounts = canonical_from_frame(raw, inp, Rejects(inp), as_utc(None), dates)
        done("canonical table")
        X = compute_features(accounts, model.bigrams, model.feature_names).to_numpy(dtype="float64")
        done("features")
        # as detector.accounts.model.predict: the model on the features, then calibrated
        z, contrib = broadcaster_prior(*model.explainer.contributions(X), X, model.feature_names, model.broadcaster, copy=False)
        scores, contrib = calibrated(z, model.calibration), contrib * model.calibration[0]
        labels = label_scores(scores, model.thresholds)
        done("model")
        why = reasons(X, contrib, model.feature_names)
        done("reasons")
        why = plain_reasons(why)
        done("plain wording")
        # as score_file: each chunk's look-alike keys (in the workers), then the groups of the whole list
        keys = lookalike_keys(accounts)
        done("look-alike keys")
        found = find_lookalikes(keys)
        done("look-alike groups")
        with ChunkWriter(str(Path(inp).with_suffix(".stages.csv"))) as out:
            scored = pd.DataFrame({"account_id": accounts["account_id"].array, "score": scores.round(4), "label": labels, "reasons": why.array})
            out.write(pd.concat([scored, found.set_axis(scored.index)], axis=1))
        done("CSV out")
        return spent

    one_pass(2_000)
    q.put({"rows": rows, "seconds": one_pass(rows)})


def _peak_mb(workers: int = 0) -> float:
    """Peak resident memory of this process, plus ``workers`` times the largest child's peak.

    The children run at the same time, so this sum is an upper bound of the whole job's peak.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers * child) / 1024.0


def run_detector(inp: str, out: str, q: mp.Queue) -> None:
    from detector.accounts.registry import load_current_model as load_model
    from detector.accounts.score import score_file
    from detector.memory import reuse_freed_memory

    reuse_freed_memory()  # as `detector score` does before it scores a file
    model = load_model()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    run = score_file(inp, out, model=model, keep_top=0, workers=WORKERS, chunksize=CHUNK)
    seconds = time.perf_counter() - t
    own2, kids2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of this (main) process and of the workers (ended with the run), user and system
    cpu = {
        "main_user": own2.ru_utime - own.ru_utime, "main_system": own2.ru_stime - own.ru_stime,
        "workers_user": kids2.ru_utime - kids.ru_utime, "workers_system": kids2.ru_stime - kids.ru_stime,
    }
    q.put({"seconds": seconds, "rows": run.scored, "peak_mb": _peak_mb(WORKERS), "cpu": cpu})


def peer_features(df: pd.DataFrame) -> pd.DataFrame:
    """BotometerLite's 20 features, written the plain pandas way."""
    created = pd.to_datetime(df["created_at"], format="%a %b %d %H:%M:%S %z %Y")
    collected = pd.to_datetime(df["collected_at"], format="%a %b %d %H:%M:%S %z %Y")
    age = ((collected - created).dt.total_seconds() / 86400).clip(lower=1)
    f = pd.DataFrame(index=df.index)
    for c in ("statuses_count", "followers_count", "friends_count", "favourites_count", "listed_count"):
        f[c] = df[c].astype(float)
    for c in ("default_profile", "profile_use_background_image", "verified"):
        f[c] = (df[c].astype(str) == "true").astype(float)
    f["tweet_freq"] = f["statuses_count"] / age
    f["followers_growth_rate"] = f["followers_count"] / age
    f["friends_growth_rate"] = f["friends_count"] / age
    f["favourites_growth_rate"] = f["favourites_count"] / age
    f["listed_growth_rate"] = f["listed_count"] / age
    f["followers_friends_ratio"] = f["followers_count"] / f["friends_count"].clip(lower=1)
    sn = df["screen_name"].fillna("").astype(str)
    nm = df["name"].fillna("").astype(str)
    f["screen_name_length"] = sn.str.len()
    f["num_digits_in_screen_name"] = sn.str.count(r"\d")
    f["name_length"] = nm.str.len()
    f["num_digits_in_name"] = nm.str.count(r"\d")
    f["description_length"] = df["description"].fillna("").astype(str).str.len()
    # The peer's likelihood: unigram letter frequency, the simplest stand-in.
    f["screen_name_likelihood"] = sn.str.count(r"[aeiou]") / sn.str.len().clip(lower=1)
    return f.fillna(-1)


def run_peer(inp: str, out: str, q: mp.Queue) -> None:
    from sklearn.ensemble import RandomForestClassifier

    from detector.training.datasets import load_training_table

    train = load_training_table()
    tr = train.rename(columns={"account_id": "id"}).copy()
    for c in ("created_at", "collected_at"):
        tr[c] = tr[c].dt.strftime("%a %b %d %H:%M:%S +0000 %Y")
    for c in ("verified", "default_profile", "profile_use_background_image"):
        tr[c] = tr[c].map({True: "true", False: "false"})
    forest = RandomForestClassifier(300, n_jobs=2, random_state=0).fit(peer_features(tr), train["label"])
    t = time.perf_counter()
    df = pd.read_csv(inp, dtype={"id": str})
    p = forest.predict_proba(peer_features(df))[:, 1]
    pd.DataFrame({"account_id": df["id"], "score": p}).to_csv(out, index=False)
    q.put({"seconds": time.perf_counter() - t, "rows": len(df), "peak_mb": _peak_mb()})


def measure(target, *args) -> dict:
    """Run ``target`` in a fresh process; add the peak memory of its whole process tree.

    Memory is sampled every 20 ms as the sum of the proportional set size (PSS) of the process
    and its children: pages that forked workers share with their parent are counted once.
    """
    import psutil

    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, q))
    load_before = os.getloadavg()[0]
    proc.start()
    root = psutil.Process(proc.pid)
    peak = 0.0
    result = None
    while result is None:
        try:
            tree = [root, *root.children(recursive=True)]
            total = 0
            for p in tree:
                try:
                    total += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            peak = max(peak, total / 2**20)
        except psutil.NoSuchProcess:
            pass
        try:
            result = q.get(timeout=0.02)
        except Exception:  # queue.Empty
            continue
    proc.join()
    result["tree_peak_pss_mb"] = peak
    result["load"] = (load_before, os.getloadavg()[0])  # 1-minute load average as it started and ended
    return result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", default=None, help="Markdown file whose section to rewrite (e.g. BENCHMARKS.md)")
    ap.add_argument(
        "--detector-runs", type=int, default=1,
        help="time the detector this many times (one after another, same input); the table shows the fastest, and every run is listed with its load",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "accounts.csv"
        t = time.perf_counter()
        make_input(args.rows, inp)
        print(f"made {args.rows:,} resampled rows in {time.perf_counter() - t:.1f} s ({inp.stat().st_size / 2**20:.0f} MiB)")
        runs = [measure(run_detector, str(inp), str(Path(tmp) / "scores.csv")) for _ in range(max(1, args.detector_runs))]
        ours = min(runs, key=lambda x: x["seconds"])
        peer = measure(run_peer, str(inp), str(Path(tmp) / "peer.csv"))
        real = measure(run_real, tmp)["real"]
        stages = measure(run_stages, str(inp))
    ours["per_second"] = ours["rows"] / ours["seconds"]
    peer["per_second"] = peer["rows"] / peer["seconds"]
    ratio = ours["per_second"] / peer["per_second"]
    result = {
        "machine": machine(), "load_average": os.getloadavg(), "rows": args.rows, "detector": ours, "peer": peer,
        "speed_ratio": ratio, "real": real, "stages": stages, "detector_runs": [(x["seconds"], *x["load"]) for x in runs],
    }
    print(json.dumps(result, indent=2))
    if args.out:
        write_section(Path(args.out), result)


NOTES_MARK = "Earlier runs and notes"


def kept_notes(path: Path, heading: str) -> str:
    """The hand-kept part of a section, from the line starting with ``NOTES_MARK`` to the section's
    end: ``--out`` rewrites the measured part above it and keeps the earlier runs and the notes."""
    from detector.io import markdown_section_tail

    tail = markdown_section_tail(path, heading, "\n" + NOTES_MARK)
    return "" if tail is None else "\n\n" + tail


def _busiest(r: dict) -> float:
    """The highest 1-minute load as the detector's or the peer's run started (each run's own processes
    then add theirs); the load at the end of the bench when the runs did not record it."""
    starts = [x["load"][0] for x in (r["detector"], r["peer"]) if "load" in x]
    return max(starts) if starts else float(r["load_average"][0])


def _load(run: dict) -> str:
    """The 1-minute load average as the run started and ended (a run includes its own processes)."""
    return ", ".join(f"{x:.1f}" for x in run["load"]) if "load" in run else ""


def write_section(path: Path, r: dict) -> None:
    d, p = r["detector"], r["peer"]
    md = "\n".join(
        [
            "## Scoring accounts (bench/score_accounts.py)",
            "",
            f"Machine: {r['machine']}; load average {', '.join(f'{x:.1f}' for x in r['load_average'])} at the end"
            f" (the machine is shared with other jobs). Run on {time.strftime('%Y-%m-%d', time.gmtime())}.",
            f"Input: {r['rows']:,} accounts, real rows of the shipped training tables resampled with",
            "replacement (ids made unique), as a flat v1.1-style CSV. End to end: read the CSV in",
            f"{CHUNK:,}-row chunks, features, calibrated scores, three reasons per account, CSV written atomically;",
            f"{WORKERS} worker processes parse and score while the main process reads and writes (`--workers {WORKERS}`);",
            "the main process keeps the memory it frees for reuse, as `detector score` sets it (`detector.memory`).",
            "Peak memory: sampled every 20 ms as the summed PSS of the process tree (shared pages counted once);",
            "the RSS bound adds the main process's peak RSS and twice the largest worker's (pages a forked worker",
            "shares with its parent are counted in both, so it overstates).",
            "Peer, same input, same run: plain pandas feature code for the 20 BotometerLite features +",
            "a 300-tree RandomForest (n_jobs=2), probabilities only, no reasons.",
            "",
            "| | seconds | accounts/s | peak memory, whole process tree (PSS, MiB) | peak RSS bound (MiB) | load average (1 min) before, after |",
            "|---|---|---|---|---|---|",
            f"| detector | {d['seconds']:.1f} | {d['per_second']:,.0f} | {d['tree_peak_pss_mb']:,.0f} | {d['peak_mb']:,.0f} | {_load(d)} |",
            f"| peer: pandas + RF-300 | {p['seconds']:.1f} | {p['per_second']:,.0f} | {p['tree_peak_pss_mb']:,.0f} | {p['peak_mb']:,.0f} | {_load(p)} |",
            "",
            *(
                [
                    f"The detector was timed {len(r['detector_runs'])} times in this run (seconds, with the 1-minute load average"
                    " as it started and ended): " + "; ".join(f"{t:.1f} s ({a:.1f}, {b:.1f})" for t, a, b in r["detector_runs"])
                    + ". The table and the ratio below use the fastest; with the slowest the ratio is"
                    f" {r['rows'] / max(t for t, _, _ in r['detector_runs']) / p['per_second']:.2f}x.",
                    "",
                ]
                if len(r.get("detector_runs", ())) > 1
                else []
            ),
            *(
                [
                    f"The load average as a run started ({_busiest(r):.1f}) was above the {os.cpu_count()} cores: every process got a",
                    "fraction of a core, so the rates in the table are far under what an idle machine gives; the ratio,",
                    "measured in the same run under the same load, is the comparable figure.",
                    "",
                ]
                if _busiest(r) > (os.cpu_count() or 1)
                else []
            ),
            *(
                [
                    f"CPU of the detector run: main process {d['cpu']['main_user'] + d['cpu']['main_system']:.1f} s"
                    f" (system {d['cpu']['main_system']:.1f}), the {WORKERS} workers {d['cpu']['workers_user'] + d['cpu']['workers_system']:.1f} s"
                    f" (system {d['cpu']['workers_system']:.1f}): {sum(d['cpu'].values()) / r['rows'] * 1e6:.1f} us per account in all;"
                    f" on {WORKERS} cores the run cannot take less than {sum(d['cpu'].values()) / WORKERS:.1f} s.",
                    "",
                ]
                if "cpu" in d
                else []
            ),
            f"Speed ratio detector / peer: **{r['speed_ratio']:.2f}x** (target >= 1.5x:"
            f" {'met' if r['speed_ratio'] >= 1.5 else 'NOT met'}). Target: >= 100,000 accounts/s and < 2 GB:"
            f" {'met' if d['per_second'] >= 100_000 and d['tree_peak_pss_mb'] < 2048 else 'NOT met'}.",
            "",
            f"Where the CPU goes, per account: the first {r['stages']['rows']:,} rows of the same input in one process,",
            "stage by stage as `score_file` runs them (process time, so the load barely counts; the main process's",
            "hand-over of chunks to the workers comes on top):",
            "",
            "| stage | microseconds per account |",
            "|---|---|",
            *[f"| {k} | {v / r['stages']['rows'] * 1e6:.1f} |" for k, v in r["stages"]["seconds"].items()],
            f"| all | {sum(r['stages']['seconds'].values()) / r['stages']['rows'] * 1e6:.1f} |",
            "",
            "Real rows of shipped collections, not resampled, each scored as its own CSV end to end in one",
            "process (no workers; the model is loaded once):",
            "",
            "| collection | accounts | seconds | accounts/s |",
            "|---|---|---|---|",
            *[f"| {x['collection']} | {x['rows']:,} | {x['seconds']:.2f} | {x['per_second']:,.0f} |" for x in r["real"]],
        ]
    )
    from detector.io import replace_markdown_section

    replace_markdown_section(path, md + kept_notes(path, "## Scoring accounts (bench/score_accounts.py)"), title="# Benchmarks")


if __name__ == "__main__":
    main()
