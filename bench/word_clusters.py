"""Learn the call classifier's word clusters from unlabelled posts and write ``detector/data/word-clusters.npz``.

The texts are the unlabelled posts the n-grams' idf is learnt from (``bench/calls_eval.py``,
``unlabelled_texts``): every post of the three balkan-posts files of ``../shared`` and the same seeded
sample of 100,000 IRA posts, with their authors. No label is read. What is written holds words (those in
at least 5 distinct texts by at least 3 authors), their cluster ids and the clusters' idf, never a text
(:mod:`detector.posts.word_clusters`).

Usage: ``python bench/word_clusters.py [--out PATH] [--json stats.json]`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detector.posts import word_clusters as wc  # noqa: E402
from detector.posts.text import normalize_series  # noqa: E402

SHARED = REPO.parent / "shared" / "datasets"
BALKAN = SHARED / "balkan-posts"
FILES = ("albanian_dialect_tweets.csv", "mozetic_tweets_sr_sq_bs_hr.csv", "blokade_org_student_protest_posts.csv")
# As bench/calls_eval.py's IDF_IRA_SAMPLE and SEED: one definition of the unlabelled posts for the whole model.
IRA_SAMPLE = 100_000
SEED = 10


def unlabelled() -> tuple[pd.Series, pd.Series, dict[str, int]]:
    """Normalised texts, their authors ("" where the source has none) and the posts per source."""
    texts, authors, counts = [], [], {}
    for name in FILES:
        f = pd.read_csv(BALKAN / name, usecols=["author_id", "text"], dtype={"author_id": str})
        # Rows without an author (the 2013-14 tweets) count as their own authors; prefixed so sources never share one.
        texts.append(f.text)
        authors.append((name + ":" + f.author_id).fillna(""))
        counts[name] = len(f)
    ira = pd.read_parquet(SHARED / "ira-2018" / "tweets.parquet", columns=["author_id", "content"]).sample(IRA_SAMPLE, random_state=SEED)
    texts.append(ira.content)
    authors.append(("ira:" + ira.author_id.astype("string")).fillna(""))
    counts["ira-2018 tweets (seeded sample)"] = len(ira)
    norm = normalize_series(pd.concat(texts, ignore_index=True).astype("string"))
    return norm, pd.concat(authors, ignore_index=True), counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(wc.default_path()))
    ap.add_argument("--json", help="write the corpus counts here")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    norm, authors, counts = unlabelled()
    table, stats = wc.learn(norm, authors)
    path = wc.save(table, args.out)
    out = {"sources": counts, **stats, "granularities": list(wc.GRANULARITIES), "dimensions": wc.DIMENSIONS, "window": wc.WINDOW,
           "alpha": wc.ALPHA, "min_texts": wc.MIN_TEXTS, "min_authors": wc.MIN_AUTHORS, "file": str(path), "bytes": path.stat().st_size}  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
