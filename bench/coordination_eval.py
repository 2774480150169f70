"""Evaluate coordination detection on real posts and write EVALUATION.md's "Coordination (posts)".

Positives: IRA accounts (../shared/datasets/ira-2018) that posted an original text (not a repost)
which, word for word after trimming, was also posted by at least two other accounts. Organic
negatives: every author of the PHEME source tweets (../shared/datasets/pheme), breaking-news
posts by news outlets, journalists and the public. The two sets are mixed into one posts table
and :func:`detector.posts.coordination.find_clusters` runs once on it per setting. An account is
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

from detector.errors import EmptyInputError
from detector.posts.coordination import (
    DEFAULT_MIN_ACCOUNTS,
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW,
    CoordinationResult,
    find_clusters,
    flagged_accounts,
)
from detector.posts.read import read_posts

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


def copy_spread_days(mix: pd.DataFrame) -> float:
    """Median time, in days, between the first and last copy of an IRA text copied by 3+ accounts."""
    ira = mix[
        mix["author_id"].str.startswith("ira:") & mix["repost_of"].isna() & mix["text"].notna()
    ]
    ira = ira.assign(t=ira["text"].str.strip())
    g = ira.groupby("t")
    spread = g["created_at"].max() - g["created_at"].min()
    copied = g["author_id"].nunique() >= 3
    return pd.Timedelta(spread[copied].median()).total_seconds() / 86400


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
    spread_days: float,
) -> str:
    default = next(r for r in rows if pd.Timedelta(str(r["window"])) == DEFAULT_WINDOW)
    result: CoordinationResult = default["result"]  # type: ignore[assignment]
    lines = [
        HEADING,
        "",
        "Produced by `bench/coordination_eval.py --write` (do not edit by hand). Real data only: "
        f"{n_posts:,} posts, all IRA tweets (`ira-2018/tweets.parquet`) and all PHEME source "
        f"tweets, in one table. Positives: the {len(positives):,} IRA accounts that posted an "
        "original text (not a retweet) that at least three accounts posted word for word, at "
        f"any time. Organic: the {len(organic):,} PHEME authors (news outlets, journalists and "
        "the public tweeting about eight breaking-news events). Flagged: coordination score "
        ">= 0.5, i.e. the account acted together with the same partner in at least two "
        "distinct events.",
        "",
        f"**Default settings** (window {int(DEFAULT_WINDOW.total_seconds() // 60)} min, "
        f"threshold {DEFAULT_THRESHOLD}, min_accounts {DEFAULT_MIN_ACCOUNTS}, all kinds): "
        f"recall of coordinated IRA accounts **{_pct(default['recall'])}**, false-positive rate "
        f"on PHEME authors **{_pct(default['fpr'])}** ({default['n_flagged_organic']} of "
        f"{len(organic):,}).",
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
        "How organic activity is told apart: a cluster is one synchronous act; the score rises "
        "only when the same pair of accounts acts together again, in another event. The gap "
        "between the last two columns is that rule at work: PHEME authors who share one "
        "headline, link or hashtag pair inside the window do land in clusters (at the default, "
        f"{kinds} clusters hold PHEME authors), but few of them do it twice with the same account.",
        "",
        "The PHEME authors flagged at the default settings, each with the partner it acted with "
        "most often: " + "; ".join(flagged_organic_pairs(result, organic, names)) + ".",
        "",
        "Our reading of that list (checked by hand, 2026-11-25): five pairs are sibling accounts "
        "of one newsroom (a channel's main and breaking-news or language accounts, e.g. "
        "@FRANCE24 and @France24_en) posting the same story within minutes, again and again; "
        "one pair live-tweeted the same press conference word for word (@sauterne, "
        "@ARCA_artcrime); the others are Ferguson activists repeating the event's hashtag pair "
        "and aggregators copying a newsroom. That is real repeated co-posting, though not an inauthentic "
        "campaign, and the clusters' evidence shows it; it is the kind of case the score leaves "
        "to the analyst.",
        "",
        f"Reading the recall: the IRA copies were spread out (the median time between the first "
        f"and the last copy of a text copied by 3+ accounts is {spread_days:.0f} days), so a "
        "minutes-wide window sees only part of them; accounts are still found through their "
        "other synchronous acts (retweets, hashtag sequences). A wider window finds more of the "
        "network and also more coincidences among organic accounts: the table is the trade-off. "
        "PHEME holds source tweets only (no retweets), so on the organic side the repost kind is "
        "not exercised here; the synthetic tests in `tests/test_coordination.py` cover viral "
        "reposts spread over hours and a one-minute burst of strangers.",
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
    text = render(rows, positives, organic, len(mix), names, copy_spread_days(mix))
    sys.stdout.write(text)
    if args.write:
        replace_section(ROOT / "EVALUATION.md", HEADING, text, "Evaluation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
