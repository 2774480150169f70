"""Benchmark: the whole ``detector posts`` job on all 1,166,601 IRA posts, against the I/O floor.

The input is ``../shared/datasets/ira-2018/tweets.parquet`` (real posts) written once as the IRA
CSV the job reads (the column ``author_id`` named ``author``, as in FiveThirtyEight's files), in a
temporary folder outside the repository (``--workdir`` keeps it between runs). Then, each in a
fresh subprocess whose whole process tree is sampled for memory (the sum of the processes' RSS
every 50 ms, plus ``ru_maxrss`` of the child at its end):

* **I/O floor**: pandas reading that CSV (``pd.read_csv``) and writing it back as CSV
  (``DataFrame.to_csv``), nothing else;
* **the job**: ``detector posts INPUT -o post_scores.csv --clusters-out --accounts-out --campaigns-out
  --timings-out``, the command itself (interpreter start and imports included): read, author
  profiles, coordination, campaigns, language, calls, message features, post scores, the author
  table, and the four output CSVs, each stage timed by the command (``--timings-out``).

Target (issue 10): the whole job at most 5x the I/O floor, and under 4 GB.

With ``--shapes``, the same two phases also run on real posts of other shapes, each against its own
floor (pandas reading that file and writing it as CSV): the IRA Parquet re-packaging (the same
1,166,601 rows through the Parquet reader); the first 200,000 IRA rows as the IRA CSV, the same
rows with ``--tz Europe/Belgrade`` (times read as local ones), and the same rows with the author
column blanked out (posts without author ids: scored for their text only, no coordination); the
PHEME threads as one JSONL of v1.1 tweets (4,335) and the Serbian/Albanian/Bosnian/Croatian tweets
of ``balkan-posts`` (a flat CSV, 18,274; read in place, nothing of it is written).

Usage: ``python bench/posts.py [--rows N] [--workdir DIR] [--shapes] [--out BENCHMARKS.md]`` (``--out`` rewrites the
measured part of its section and keeps the hand-kept table of runs and the notes below it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from score_accounts import machine  # bench/ is on the path when this file runs as a script

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
DATA = SHARED / "ira-2018" / "tweets.parquet"
HEADING = "## Posts job end to end (bench/posts.py)"


def make_input(rows: int | None, path: Path) -> int:
    """Write the IRA posts (the first ``rows``, or all) as the IRA CSV; return the row count."""
    import pandas as pd

    df = pd.read_parquet(DATA)
    if rows:
        df = df.head(rows)
    df.rename(columns={"author_id": "author"}).to_csv(path, index=False)
    return len(df)


# ---------------------------------------------------------------- phases (each in a subprocess)


SAMPLE_ROWS = 200_000  # the IRA rows of the shapes that change a column or an option


def make_shapes(work: Path) -> dict[str, tuple[Path, list[str]]]:
    """The other real inputs of ``--shapes``, by name: the file (written into ``work`` where it needs
    writing) and the options the job gets beside it."""
    pheme = work / "pheme_v1.jsonl"
    if not pheme.exists():
        with open(pheme, "w", encoding="utf-8") as out:
            for p in sorted((SHARED / "pheme").glob("*.json")):
                try:
                    records = json.loads(p.read_text(encoding="utf-8"))
                except ValueError:
                    continue  # an empty file in this copy
                for r in records if isinstance(records, list) else [records]:
                    out.write(json.dumps(r) + "\n")
    # The first IRA rows as the IRA CSV, and the same rows with the author column blanked out: posts
    # without author ids are scored for their text only and join no coordination (issue 10 §6).
    sample, anonymous = work / f"ira_{SAMPLE_ROWS}.csv", work / f"ira_{SAMPLE_ROWS}_no_authors.csv"
    if not (sample.exists() and anonymous.exists()):
        import pandas as pd

        df = pd.read_parquet(DATA).head(SAMPLE_ROWS).rename(columns={"author_id": "author"})
        df.to_csv(sample, index=False)
        df.assign(author=None).to_csv(anonymous, index=False)
    return {
        "IRA Parquet (the same rows)": (DATA, []),
        f"IRA CSV, first {SAMPLE_ROWS:,} rows": (sample, []),
        "the same rows, times read as local (--tz Europe/Belgrade)": (sample, ["--tz", "Europe/Belgrade"]),
        "the same rows without author ids": (anonymous, []),
        "PHEME v1.1 tweets (JSONL)": (pheme, []),
        "balkan-posts tweets sr/sq/bs/hr (flat CSV)": (SHARED / "balkan-posts" / "mozetic_tweets_sr_sq_bs_hr.csv", []),
    }


def phase_floor(inp: str, out: str) -> dict[str, Any]:
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_parquet(inp) if inp.endswith(".parquet") else pd.read_json(inp, lines=True) if inp.endswith(".jsonl") else pd.read_csv(inp)
    read = time.perf_counter() - t
    df.to_csv(out, index=False)
    return {"seconds": time.perf_counter() - t, "read_seconds": read, "rows": len(df)}


def job_command(inp: str, out: str, extra: list[str] | None = None) -> list[str]:
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    return [
        sys.executable, "-m", "detector.cli", "posts", inp, "-o", str(d / "post_scores.csv"), "--clusters-out", str(d / "clusters.csv"),
        "--accounts-out", str(d / "accounts.csv"), "--campaigns-out", str(d / "campaigns.csv"), "--timings-out", str(d / "timings.json"),
        *(extra or []),
    ]  # fmt: skip


PHASES = {"floor": phase_floor}


class TreeMemory:
    """Peak resident memory of a process and its children, sampled every 50 ms: the sum of their RSS
    (``peak``) and of their PSS (``peak_pss``: a page shared by forked processes counted once, split
    between them: a forked worker's RSS counts the pages it shares with the job again)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = pss = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        full = p.memory_full_info()
                        total += full.rss
                        pss += full.pss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(0.05)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.peak_pss


def run_phase(name: str, inp: str, out: str, extra: list[str] | None = None) -> dict[str, Any]:
    cmd = job_command(inp, out, extra) if name == "job" else [sys.executable, __file__, "--phase", name, "--input", inp, "--phase-out", out]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid)
    stdout, _ = proc.communicate()
    peak, peak_pss = mem.stop()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed with exit code {proc.returncode}")
    if name == "job":
        import pandas as pd

        d = Path(out)
        posts = pd.read_csv(d / "post_scores.csv", usecols=["is_call"])
        result = {
            "seconds": wall, **_stages(json.loads((d / "timings.json").read_text())), "rows": len(posts),
            "calls": int(posts["is_call"].sum()), "campaigns": sum(1 for _ in open(d / "campaigns.csv", encoding="utf-8")) - 1,
        }  # fmt: skip
    else:
        result = json.loads(stdout.strip().splitlines()[-1])
    child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    result.update({"process_seconds": wall, "cpu_seconds": cpu, "peak_gb": max(peak, 0) / 1e9, "peak_pss_gb": max(peak_pss, 0) / 1e9, "children_maxrss_gb": child_max / 1e9})
    return result


def _stages(timings: dict[str, Any]) -> dict[str, Any]:
    """Wall and CPU seconds per stage (``--timings-out``; older versions wrote wall seconds only), and
    the spans in which stages ran side by side in two threads (none before session 13)."""
    if "seconds" in timings:
        return {"stages": timings["seconds"], "stages_cpu": timings["cpu_seconds"], "overlapped": timings.get("overlapped", [])}
    return {"stages": timings, "stages_cpu": {}, "overlapped": []}


def _overlap_saved(job: dict[str, Any]) -> float:
    """Wall seconds the overlapped stages' rows add up to beyond the spans they shared."""
    return sum(sum(job["stages"][k] for group in span["threads"] for k in group) - span["seconds"] for span in job.get("overlapped", []))


def _peak(phase: dict[str, Any]) -> str:
    """Peak PSS / RSS sum in GB (runs before session 16 measured the RSS sum alone)."""
    return f"{phase['peak_pss_gb']:.2f} / {phase['peak_gb']:.2f}" if "peak_pss_gb" in phase else f"{phase['peak_gb']:.2f}"


def render(r: dict[str, Any]) -> str:
    floor, job = r["floor"], r["job"]
    ratio = job["seconds"] / floor["seconds"]
    lines = [
        HEADING,
        "",
        f"Machine: {r['machine']}. Run on {r['date']}; load average before the run {r['load_before']}, after {r['load_after']}",
        "(the machine is shared: wall times move with the load, so the floor is measured in the same run).",
        f"Input: {r['rows']:,} real IRA posts (`ira-2018/tweets.parquet`) written as the IRA CSV ({r['input_mib']:.0f} MiB).",
        "I/O floor: pandas `read_csv` of that file and `to_csv` of the frame. Job: the command",
        "`detector posts INPUT -o post_scores.csv --clusters-out --accounts-out --campaigns-out --timings-out` (post scores with",
        "text, lang and the call columns; four output CSVs), start to exit. Peak memory: the process tree's PSS (and the sum of its RSS,",
        "which counts twice the pages a forked worker shares with the job), sampled every 50 ms.",
        "Stages that ran side by side in two threads each show their own wall time and their thread's CPU; the span they shared",
        "is the row after them, and the rest row counts the span once.",
        "",
        "| stage | wall seconds | CPU seconds |",
        "|---|---|---|",
    ]
    cpu = job.get("stages_cpu", {})
    lines += [f"| {k} | {v:.1f} | {cpu[k]:.1f} |" if k in cpu else f"| {k} | {v:.1f} | – |" for k, v in job["stages"].items()]
    for span in job.get("overlapped", []):
        sides = " while ".join(" + ".join(group) for group in span["threads"])
        lines.append(f"| (side by side in two threads: {sides}; the span) | {span['seconds']:.1f} | – |")
    other = job["seconds"] - sum(job["stages"].values()) + _overlap_saved(job)
    other_cpu = job["cpu_seconds"] - sum(cpu.values()) if cpu else None
    lines += [
        f"| start, imports, the rest | {other:.1f} | {'–' if other_cpu is None else f'{other_cpu:.1f}'} |",
        f"| **whole job** | **{job['seconds']:.1f}** | **{job['cpu_seconds']:.1f}** |",
        "",
        "| | wall seconds | CPU seconds (user + system) | peak memory (GB): PSS / RSS sum |",
        "|---|---|---|---|",
        f"| I/O floor (read {floor['read_seconds']:.1f} s + write) | {floor['seconds']:.1f} | {floor['cpu_seconds']:.1f} | {_peak(floor)} |",
        f"| detector posts | {job['seconds']:.1f} | {job['cpu_seconds']:.1f} | {_peak(job)} |",
        "",
        f"Whole job / I/O floor: **{ratio:.1f}x** wall, **{job['cpu_seconds'] / floor['cpu_seconds']:.1f}x** CPU (target <= 5x); "
        f"peak {job.get('peak_pss_gb', job['peak_gb']):.2f} GB (target < 4 GB). "
        f"{job['calls']:,} calls to action, {job['campaigns']:,} campaigns.",
    ]
    if r.get("shapes"):
        lines += [
            "",
            "Other shapes of real posts, the same run (each against pandas reading that file and writing it as CSV;",
            "a small input's job is mostly interpreter start and imports, about 1.5-2 s of CPU):",
            "",
            "| input | posts | job wall / CPU s | floor wall / CPU s | ratio wall / CPU | peak GB: PSS / RSS sum |",
            "|---|---|---|---|---|---|",
        ]
        for sh in r["shapes"]:
            j, f = sh["job"], sh["floor"]
            lines.append(
                f"| {sh['name']} | {j['rows']:,} | {j['seconds']:.1f} / {j['cpu_seconds']:.1f} | {f['seconds']:.1f} / {f['cpu_seconds']:.1f} | "
                f"{j['seconds'] / f['seconds']:.1f}x / {j['cpu_seconds'] / f['cpu_seconds']:.1f}x | {_peak(j)} |"
            )
    return "\n".join(lines) + "\n"


RUNS_MARK = "Runs of the same benchmark"


def kept_notes(path: Path) -> str:
    """What the section holds from its hand-kept runs table on (``RUNS_MARK``): ``--out`` rewrites the
    measured part above it and keeps the table of earlier runs and the notes, to which the new run's
    row is added by hand."""
    from detector.io import markdown_section_tail

    tail = markdown_section_tail(path, HEADING, RUNS_MARK)
    return "" if tail is None else tail + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=None, help="Only the first N posts (default: all).")
    ap.add_argument("--workdir", help="Folder for the converted input and the outputs (default: a temporary one).")
    ap.add_argument("--out", help="Markdown file whose section to rewrite (e.g. BENCHMARKS.md).")
    ap.add_argument("--shapes", action="store_true", help="Also time real posts of other shapes (Parquet, JSONL, flat CSV), each against its floor.")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--phase-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args.input, args.phase_out)))
        return 0
    if not DATA.exists():
        print(f"{DATA} not found: this benchmark needs the shared IRA data", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        inp = work / (f"ira_{args.rows}.csv" if args.rows else "ira_all.csv")
        if not inp.exists():
            t = time.perf_counter()
            make_input(args.rows, inp)
            print(f"wrote {inp} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
        floor = run_phase("floor", str(inp), str(work / "floor.csv"))
        job = run_phase("job", str(inp), str(work / "job"))
        shapes = []
        if args.shapes:
            for k, (name, (path, extra)) in enumerate(make_shapes(work).items()):
                f = run_phase("floor", str(path), str(work / f"floor_{k}.csv"))
                j = run_phase("job", str(path), str(work / f"job_{k}"), extra)
                shapes.append({"name": name, "floor": f, "job": j})
        load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
        # Inside the block: the temporary folder, and the input with it, is gone after it (session 16: "0 MiB").
        input_mib = inp.stat().st_size / 2**20
    result = {
        "machine": machine(), "date": time.strftime("%Y-%m-%d"), "rows": job["rows"], "input_mib": input_mib,
        "load_before": load_before, "load_after": load_after, "floor": floor, "job": job, "shapes": shapes,
    }  # fmt: skip
    print(json.dumps(result, indent=1))
    if args.out:
        from detector.io import replace_markdown_section

        replace_markdown_section(Path(args.out), render(result) + "\n" + kept_notes(Path(args.out)))
    else:
        print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
