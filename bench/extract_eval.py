"""What, when and where of the hand-labelled calls, against the readers' labels, for EVALUATION.md.

``../shared/datasets/balkan-posts/calls_labelled_dev.csv`` labels each call, by reading, with its
event kind and whether it names a time (a date, a day, a clock time, today/tonight/tomorrow) and a
place (a named place, a building or a city). This script runs :func:`detector.posts.extract.extract`
on those calls with the languages the file gives and compares:

- ``event``: the kind found against ``event_kind`` (protest, march, rally, blockade, strike,
  gathering; the labels' ``other`` and ``none`` count as agreeing with no kind found);
- ``when``: a time found against ``has_time``, as precision and recall;
- ``where``: a place found against ``has_place``, as precision and recall.

The file carries no post times, so this measures finding the time as written, not resolving it.
Every number in the section is computed here.

Usage::

    .venv/bin/python bench/extract_eval.py            # print the section
    .venv/bin/python bench/extract_eval.py --write    # also replace it in EVALUATION.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from detector.io import replace_markdown_section
from detector.posts.extract import extract

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "datasets" / "balkan-posts" / "calls_labelled_dev.csv"
HEADING = "## What, when and where of a call"
GROUPS = {"sq": "Albanian", "sr": "Serbian (Latin), Bosnian, Croatian", "bs": "Serbian (Latin), Bosnian, Croatian",
          "hr": "Serbian (Latin), Bosnian, Croatian", "sr-Cyrl": "Serbian Cyrillic", "en": "English"}  # fmt: skip


def measure(dev: pd.DataFrame) -> pd.DataFrame:
    """One row per language group and one for all: counts and agreement of event, time and place."""
    calls = dev[dev["is_call"] == 1].reset_index(drop=True)
    got = extract(calls["text"].astype(str), None, calls["lang"])
    label_kind = calls["event_kind"].fillna("none").where(lambda k: ~k.isin(["other", "none"]), "")
    frame = pd.DataFrame({
        "group": calls["lang"].map(GROUPS).fillna("other"),
        "event_ok": got["event"].to_numpy() == label_kind.to_numpy(),
        "time_label": calls["has_time"].astype(int).to_numpy() == 1, "time_found": (got["when"] != "").to_numpy(),
        "place_label": calls["has_place"].astype(int).to_numpy() == 1, "place_found": (got["where"] != "").to_numpy(),
    })  # fmt: skip
    rows = []
    for name, g in [*frame.groupby("group", sort=True), ("all", frame)]:
        row: dict[str, object] = {"calls": len(g), "event agrees": f"{int(g['event_ok'].sum())}/{len(g)}"}
        for what in ("time", "place"):
            label, found = g[f"{what}_label"], g[f"{what}_found"]
            both = int((label & found).sum())
            row[f"{what}: labelled"] = int(label.sum())
            row[f"{what} P"] = f"{both}/{int(found.sum())}"
            row[f"{what} R"] = f"{both}/{int(label.sum())}"
        rows.append({"group": name, **row})
    return pd.DataFrame(rows)


def section(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    body = "".join("| " + " | ".join(str(v) for v in row) + " |\n" for row in table.itertuples(index=False))
    return (
        f"{HEADING}\n\n"
        "Produced by `bench/extract_eval.py`: `detector.posts.extract` on the 52 calls of\n"
        "`balkan-posts/calls_labelled_dev.csv`, against the readers' labels of each call's event kind and\n"
        "whether it names a time and a place (P: of the calls where a time or place was found, how many\n"
        "name one by the labels; R: of those that name one, how many were found). The file has no post\n"
        "times, so this is finding the time as written, not resolving it; resolving is tested with\n"
        "expected values in `tests/test_extract.py`.\n\n"
        + head + body + "\n"
        "The event is the action the call invites readers to join, as the labelling definition (the\n"
        "README of balkan-posts) has it: the first event word that is not the cause the action stands for\n"
        "(\"podržimo štrajk: protest u 12h\" is a protest), the word after \"protest\" used as a modifier\n"
        "(\"protest march\" is a march), and a gathering for a call that names no event word but a time or\n"
        "a place (\"everyone in front of the Assembly at 6\"). Until session 7 it was the kind of the first\n"
        "event word, and no kind without one. h36 wrote the new rule from the definition and sentences of\n"
        "its own (`tests/test_extract.py`), without this table's per-call results, and then ran this script:\n"
        "event agrees 30/52 in each group, as before. Counted afterwards in a scratch script\n"
        "(typed here, not computed by this script): the new rule changed the kind of 6 of the 52 calls,\n"
        "each from no kind to a gathering, where the readers wrote protest (5) or rally (1): the extraction\n"
        "finds no event word in them. The cause and modifier rules changed\n"
        "none of them. One rule changed after that count, for a reason outside this table (a call naming\n"
        "only the cause it supports, \"Support the strike tomorrow at 12\", is that strike, not a gathering:\n"
        "seen on an unlabelled tweet); on these 52 calls it changes nothing. The comparison is unchanged: the labels'\n"
        "`other` and `none` agree only with no kind found, so a vigil, walk or boycott found (the\n"
        "definition's `other`) and a gathering where the readers wrote `none` count as disagreeing.\n\n"
        "**Not a held-out measurement.** While writing the session-7 extraction rules, h34 read the\n"
        "extraction's output on these calls (and on the labelled calls of `datasets/calls/labels.csv`\n"
        "and 421 IRA calls), before and after each change, and some rules came from what was read\n"
        "(e.g. a place's words stay on their line; \"Блокада суда\" is a blockade of the court).\n"
        "No figure of this table was computed before the rules were fixed.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="replace the section in EVALUATION.md")
    parser.add_argument("--dev", type=Path, default=DEV)
    args = parser.parse_args(argv)
    if not args.dev.exists():
        print(f"{args.dev} is not here: nothing to measure", file=sys.stderr)
        return 1
    text = section(measure(pd.read_csv(args.dev)))
    print(text)
    if args.write:
        replace_markdown_section(ROOT / "EVALUATION.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
