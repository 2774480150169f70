"""Evaluate coordination detection on real posts and write EVALUATION.md's "Coordination (posts)".

Positives: IRA accounts (../shared/datasets/ira-2018) that posted an original text (not a repost)
which, word for word after trimming, was also posted by at least two other accounts. Organic
negatives: every author of the PHEME source tweets (../shared/datasets/pheme), breaking-news
posts by news outlets, journalists and the public. The two sets are mixed into one posts table
and :func:`detector.coordination.find_clusters` runs once on it per setting. An account is
flagged when its coordination score is at least 0.5 (it acted together with the same account in
at least two distinct clusters).

Usage::

    .venv/bin/python bench/coordination_eval.py            # print the section
    .venv/bin/python bench/coordination_eval.py --write    # also replace it in EVALUATION.md
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import pandas as pd
from coordination import replace_section  # bench/coordination.py, beside this script

from detector.coordination import (
    DEFAULT_MIN_ACCOUNTS,
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW,
    CoordinationResult,
    find_clusters,
    flagged_accounts,
)
from detector.errors import EmptyInputError
from detector.posts import read_posts

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
HEADING = "## Coordination (posts)"
SWEEP = ("1min", "10min", "1h", "6h", "24h")

log = logging.getLogger("bench.coordination_eval")


def load_mix(datasets: Path = DATASETS) -> tuple[pd.DataFrame, set[str], set[str]]:
    """The mixed posts table, the coordinated IRA account ids and the PHEME author ids."""
    ira = read_posts(datasets / "ira-2018" / "tweets.parquet").posts
    ira["author_id"] = "ira:" + ira["author_id"]
    own = ira[ira["repost_of"].isna() & ira["text"].notna()]
    by_text = own.assign(t=own["text"].str.strip()).groupby("t")["author_id"].nunique()
    copied = by_text[by_text >= 3].index
    positives = set(own.loc[own["text"].str.strip().isin(copied), "author_id"])
    frames = []
    for path in sorted((datasets / "pheme").glob("*.json")):
        try:
            frames.append(read_posts(path).posts)
        except EmptyInputError:
            continue  # one PHEME file is an empty list
    pheme = pd.concat(frames, ignore_index=True)
    pheme["author_id"] = "pheme:" + pheme["author_id"]
    pheme["post_id"] = "pheme:" + pheme["post_id"]
    ira["post_id"] = "ira:" + ira["post_id"]
    mix = pd.concat([ira, pheme], ignore_index=True)
    log.info("%d IRA texts copied by 3+ accounts; %d positives", len(copied), len(positives))
    return mix, positives, set(pheme["author_id"])


def measure(
    mix: pd.DataFrame, positives: set[str], organic: set[str], window: str, min_accounts: int
) -> dict[str, object]:
    """Recall on ``positives`` and false-positive rate on ``organic`` for one setting."""
    start = time.perf_counter()
    result = find_clusters(mix, window=window, min_accounts=min_accounts)
    seconds = time.perf_counter() - start
    flagged = flagged_accounts(result)
    in_cluster = set(
        result.account_scores.loc[result.account_scores["n_clusters"] > 0, "account_id"]
    )
    pheme_clusters = result.clusters[
        result.clusters["accounts"].str.contains("pheme:", regex=False)
    ]
    return {
        "window": window,
        "min_accounts": min_accounts,
        "recall": len(flagged & positives) / len(positives),
        "recall_in_cluster": len(in_cluster & positives) / len(positives),
        "fpr": len(flagged & organic) / len(organic),
        "organic_in_cluster": len(in_cluster & organic) / len(organic),
        "n_flagged_organic": len(flagged & organic),
        "n_organic_in_cluster": len(in_cluster & organic),
        "pheme_clusters": len(pheme_clusters),
        "pheme_kinds": pheme_clusters["kind"].value_counts().to_dict(),
        "seconds": seconds,
        "result": result,
    }


def _pct(x: object) -> str:
    return f"{100 * float(x):.1f}%"  # type: ignore[arg-type]


def flagged_organic_pairs(
    result: CoordinationResult, organic: set[str], names: pd.Series
) -> list[str]:
    """``@name with @partner (n events)`` for every flagged organic account, strongest first."""
    s = result.account_scores
    s = s[s["account_id"].isin(organic) & (s["coordination_score"] >= 0.5)]
    s = s.sort_values(["max_shared", "account_id"], ascending=[False, True])
    return [
        f"@{names.get(a, a)} with @{names.get(p, p)} ({n} events)"
        for a, p, n in zip(s["account_id"], s["top_partner"], s["max_shared"], strict=True)
    ]


def render(
    rows: list[dict[str, object]],
    positives: set[str],
    organic: set[str],
    n_posts: int,
    names: pd.Series,
) -> str:
    default = next(r for r in rows if pd.Timedelta(str(r["window"])) == DEFAULT_WINDOW)
    result: CoordinationResult = default["result"]  # type: ignore[assignment]
    lines = [
        HEADING,
        "",
        "Produced by `bench/coordination_eval.py --write` (do not edit by hand). Real data only:",
        f"{n_posts:,} posts = all IRA tweets (`ira-2018/tweets.parquet`) + all PHEME source tweets.",
        f"Positives: the {len(positives):,} IRA accounts that posted an original text which at least",
        "three accounts posted word for word (any time). Organic: the "
        f"{len(organic):,} PHEME authors. Flagged = coordination score >= 0.5, i.e. the account",
        "acted with the same partner in at least two distinct clusters.",
        "",
        f"**Default settings** (window {int(DEFAULT_WINDOW.total_seconds() // 60)} min, threshold {DEFAULT_THRESHOLD}, "
        f"min_accounts {DEFAULT_MIN_ACCOUNTS}, all kinds): recall of coordinated IRA accounts "
        f"**{_pct(default['recall'])}**, false-positive rate on PHEME authors "
        f"**{_pct(default['fpr'])}** ({default['n_flagged_organic']} of {len(organic):,}).",
        "",
        "| window | recall (flagged) | recall (in any cluster) | PHEME FPR (flagged) | PHEME authors in any cluster |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['window']} | {_pct(r['recall'])} | {_pct(r['recall_in_cluster'])} | "
            f"{_pct(r['fpr'])} ({r['n_flagged_organic']}) | {_pct(r['organic_in_cluster'])} "
            f"({r['n_organic_in_cluster']}) |"
        )
    pheme_kinds: dict[str, int] = default["pheme_kinds"]  # type: ignore[assignment]
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(pheme_kinds.items()))
    lines += [
        "",
        "How organic activity is told apart: a cluster is one synchronous act; the score rises only",
        "when the same pair of accounts acts together again on other content. The gap between the",
        "last two columns is that rule at work: PHEME authors who share one headline, link or",
        f"hashtag pair inside the window do land in clusters (at the default: {kinds} clusters",
        "hold PHEME authors), but few of them do so twice with the same account.",
        "",
        "The PHEME authors flagged at the default settings, with the partner they acted with "
        "most often: " + "; ".join(flagged_organic_pairs(result, organic, names)) + ". "
        "Most are sibling accounts of one newsroom (a channel's main and breaking-news or "
        "language accounts) posting the same story within minutes, again and again: real "
        "coordination, though not an inauthentic one. An analyst sees that from the evidence.",
        "",
        "Reading the recall: most IRA copies were spread over days (the median spread of a text",
        "copied by 3+ accounts is weeks), so a minutes-wide window sees only part of them. A",
        "wider window finds more of the network and also more coincidences among organic accounts;",
        "the table is the trade-off. PHEME holds source tweets only (no retweets), so the repost",
        "kind is not exercised by the organic side here.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the section in EVALUATION.md")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    mix, positives, organic = load_mix(args.datasets)
    rows = [measure(mix, positives, organic, w, DEFAULT_MIN_ACCOUNTS) for w in SWEEP]
    for r in rows:
        log.info("%s", {k: v for k, v in r.items() if k != "result"})
    names = mix.drop_duplicates("author_id").set_index("author_id")["author_screen_name"]
    text = render(rows, positives, organic, len(mix), names)
    sys.stdout.write(text)
    if args.write:
        replace_section(ROOT / "EVALUATION.md", HEADING, text, "Evaluation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
