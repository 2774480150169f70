"""Benchmark: read a pandas-written CSV of accounts whose profile texts hold line breaks.

Writes every account of the shipped tables (datasets/accounts/, 92,742 real accounts), plus real
rows drawn again with new ids up to ``--rows``, with ``DataFrame.to_csv``: descriptions keep their
line breaks (LF and CRLF fields are quoted; a field whose only break is a lone CR is not, as pandas
writes it). Then times the CSV parse alone (``read_csv_strings``) and the account reader
(``read_accounts``: parse, headers, ids, counts, dates, booleans) ``--repeat`` times each, and
checks that every value read equals the value written. pandas' own ``read_csv`` is timed beside it.

Usage: ``python bench/read_accounts.py [--rows 100000] [--repeat 5] [--out BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from score_accounts import (  # bench/ is on the path when this file runs as a script
    kept_notes,
    machine,
)

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    "account_id", "screen_name", "name", "description", "followers_count", "friends_count", "listed_count",
    "favourites_count", "statuses_count", "created_at", "collected_at", "verified", "default_profile",
    "default_profile_image", "profile_use_background_image", "url", "location", "lang",
]
TEXT = ("screen_name", "name", "description", "url", "location", "lang")
# This script on main at c8ac405, before lone CRs were read as data (median of 5, same machine, load
# average 10.4, run just before the figures of the fix): the parse fell to the row-by-row reader at
# the first lone CR and split 13 records into 32 pieces; 6 accounts were lost, 19 pieces rejected.
BEFORE = {"parse": 1.53, "reader": 3.88, "records": 99_994, "rejects": 19, "lost": 6,
          # after a bad row, main 0ffaa5d (still the row-by-row reader), 3 runs, load 8.6
          "after_bad": 2.19}


def make_input(rows: int, path: Path) -> pd.DataFrame:
    tables = [pd.read_parquet(f) for f in sorted(glob.glob(str(ROOT / "datasets" / "accounts" / "*.parquet")))]
    real = pd.concat(tables, ignore_index=True)[COLUMNS]
    extra = real.sample(max(rows - len(real), 0), random_state=0).copy()
    extra["account_id"] = "77" + extra["account_id"] + "77"  # new ids, still digits, none taken
    frame = pd.concat([real, extra], ignore_index=True).head(rows)
    assert frame["account_id"].is_unique
    frame.to_csv(path, index=False)
    return frame


def mismatches(read: pd.DataFrame, written: pd.DataFrame) -> int:
    """Written accounts missing from what was read, plus values read that differ from those written."""
    m = written.merge(read, on="account_id", how="left", suffixes=("", "_read"), indicator=True)
    bad = int((m["_merge"] != "both").sum())
    m = m[m["_merge"] == "both"]
    for c in COLUMNS[1:]:
        a, w = m[c + "_read"], m[c]
        if c in TEXT:
            bad += int((a.fillna("") != w.fillna("").str.strip()).sum())
        else:
            bad += int((~((a == w).fillna(False).astype(bool) | (a.isna() & w.isna()))).sum())
    return bad


def timed(fn, repeat: int) -> tuple[list[float], object]:
    runs, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return runs, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", help="write the section into this Markdown file")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    from detector.accounts.read import read_accounts
    from detector.io import Rejects, read_csv_strings

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "accounts.csv"
        written = make_input(args.rows, path)
        raw = path.read_bytes()
        lone_cr = raw.count(b"\r") - raw.count(b"\r\n")
        breaks = int(written["description"].fillna("").str.contains("[\r\n]").sum())
        p = str(path)
        parse, n_parsed = timed(lambda: sum(len(c) for c in read_csv_strings(p, rejects=Rejects(p))), args.repeat)
        # The same file with one row of the wrong width after the 10th record: the rest must still
        # be read fast, not row by row.
        bad = Path(tmp) / "accounts_bad_row.csv"
        head, *rest = raw.split(b"\n", 11)
        bad.write_bytes(b"\n".join([head, *rest[:10], b"1,one,field,too,many", *rest[10:]]))
        b_ = str(bad)
        after_bad, n_after_bad = timed(lambda: sum(len(c) for c in read_csv_strings(b_, rejects=Rejects(b_))), args.repeat)
        reader, batch = timed(lambda: read_accounts(p, as_of=pd.Timestamp("2020-01-01", tz="UTC")), args.repeat)
        pandas_default, got_default = timed(lambda: pd.read_csv(p, dtype=str, keep_default_na=False), args.repeat)
        pandas_lf, _ = timed(lambda: pd.read_csv(p, dtype=str, keep_default_na=False, lineterminator="\n"), args.repeat)
        r = {
            "rows": len(written), "size_mb": len(raw) / 1e6, "breaks": breaks, "lone_cr": lone_cr,
            "parse": parse, "reader": reader, "pandas": pandas_default, "pandas_lf": pandas_lf,
            "after_bad": after_bad, "n_after_bad": n_after_bad,
            "records": len(batch.accounts), "rejects": len(batch.rejects),  # type: ignore[attr-defined]
            "mismatches": mismatches(batch.accounts, written),  # type: ignore[attr-defined]
            "pandas_records": len(got_default),  # type: ignore[arg-type]
            "parsed": n_parsed, "load": os.getloadavg(),
        }
    for k in ("parse", "reader", "pandas", "pandas_lf", "after_bad"):
        print(f"{k}: median {statistics.median(r[k]):.2f} s, best {min(r[k]):.2f} s")
    print({k: v for k, v in r.items() if k not in ("parse", "reader", "pandas", "pandas_lf", "after_bad")})
    if args.out:
        write_section(Path(args.out), r)


def write_section(path: Path, r: dict) -> None:
    def med(k: str) -> str:
        return f"{statistics.median(r[k]):.2f}"

    md = "\n".join(
        [
            "## Reading accounts (bench/read_accounts.py)",
            "",
            f"Machine: {machine()}; load average at the start {', '.join(f'{x:.1f}' for x in r['load'])}"
            f" (the machine is shared). Run on {time.strftime('%Y-%m-%d', time.gmtime())}.",
            f"Input: {r['rows']:,} accounts ({r['size_mb']:.1f} MB), every account of datasets/accounts/ and real rows",
            f"drawn again with new ids, written by `DataFrame.to_csv`; {r['breaks']:,} descriptions hold line breaks,",
            f"with {r['lone_cr']} lone CRs among them, which pandas leaves unquoted. Median of {len(r['parse'])} runs, seconds:",
            "",
            "| | seconds | records | rejects | accounts lost or values changed |",
            "|---|---|---|---|---|",
            f"| CSV parse (`read_csv_strings`) | {med('parse')} | {r['parsed']:,} | | |",
            f"| account reader (`read_accounts`: parse, ids, counts, dates, booleans) | {med('reader')} | {r['records']:,} | {r['rejects']} | **{r['mismatches']}** |",
            f"| before the fix (main c8ac405): parse / reader | {BEFORE['parse']:.2f} / {BEFORE['reader']:.2f} | {BEFORE['records']:,} | {BEFORE['rejects']} | {BEFORE['lost']} |",
            f"| CSV parse, one bad row after the 10th record | {med('after_bad')} | {r['n_after_bad']:,} | 1 | |",
            f"| the same before pyarrow read on after a bad row (main 0ffaa5d: row by row) | {BEFORE['after_bad']:.2f} | | 1 | |",
            f"| `pandas.read_csv(dtype=str)`, for scale | {med('pandas')} | {r['pandas_records']:,} | | |",
            f"| `pandas.read_csv(dtype=str, lineterminator='\\n')` | {med('pandas_lf')} | {r['rows']:,} | | |",
            "",
            "Texts are compared after the reader's strip of outer spaces. pandas' default `read_csv` splits",
            "each lone-CR record in two (more records than written); with `lineterminator='\\n'` it reads them",
            "whole. The rest of the reader's time is canonicalisation (ids, counts, dates, booleans), not parsing.",
        ]
    )
    from detector.io import replace_markdown_section

    replace_markdown_section(path, md + kept_notes(path, "## Reading accounts (bench/read_accounts.py)"), title="# Benchmarks")


if __name__ == "__main__":
    main()
