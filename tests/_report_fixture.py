"""Report test data: real IRA posts (tests/fixtures/report_ira_posts.csv) around made-up scores.

The posts are 37 real tweets of 8 Internet Research Agency accounts on 2015-08-09 (#FergusonRemembers,
from /work/shared/datasets/ira-2018, rows named in ``post_id``). The scores, labels, reasons and
clusters are made up for rendering tests: nothing here is an evaluation. Hostile strings stand in
for what an adversary would put in a display name, a post or a cluster's evidence.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from detector.cli import cli
from detector.ops.report import ReportData

FIXTURES = Path(__file__).parent / "fixtures"
# The shipped IRA example (#texit calls): `detector posts` on it makes real outputs for report and explain to read.
IRA_TEXIT = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
FORMULA = '=HYPERLINK("http://evil.example/","click")'
RTL = "\u202eevil\u202c"

IRA = ["Ann1eMcconnell", "assuncaowallas", "Barry_mill", "bobbychandlerr", "CuneoDolores", "douggiemaestas", "Freida_Hw", "Greg_GreGG_"]
IRA_SCORES = [0.93, 0.97, 0.91, 0.89, 0.95, 0.72, 0.88, 0.90]


def posts_of_ira_texit(*args: str) -> None:
    """Run `detector posts` on :data:`IRA_TEXIT` with ``args`` (its outputs), and check it succeeded."""
    result = CliRunner().invoke(cli, ["posts", str(IRA_TEXIT), *args])
    assert result.exit_code == 0, result.output


def ira_posts() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "report_ira_posts.csv", dtype=str, keep_default_na=False)


def accounts() -> pd.DataFrame:
    rows = [
        {
            "account_id": a,
            "screen_name": a,
            "name": a.replace("_", " "),
            "score": s,
            "label": "suspicious" if s >= 0.8 else "uncertain",
            "reasons": ["posted the same text as 3 other accounts within 1 minute", "account younger than 30 days"],
            "model_version": "accounts-test-1",
            "scored_at": "2015-08-10T06:00:00Z",
        }
        for a, s in zip(IRA, IRA_SCORES, strict=True)
    ]
    rows += [
        {"account_id": "900001", "screen_name": "synthetic_reader", "name": "Synthetic Reader", "score": 0.08, "label": "genuine", "reasons": [], "model_version": "accounts-test-1", "scored_at": "2015-08-10T06:00:00Z"},
        {"account_id": "900002", "screen_name": "hostile_script", "name": SCRIPT, "score": 0.86, "label": "suspicious", "reasons": [IMG, "default profile image"], "model_version": "accounts-test-1", "scored_at": "2015-08-10T06:00:00Z"},
        {"account_id": "900003", "screen_name": "hostile_formula", "name": FORMULA, "score": 0.81, "label": "suspicious", "reasons": ["-1 followers reported", "@everyone"], "model_version": "accounts-test-1", "scored_at": "2015-08-10T06:00:00Z"},
        {"account_id": "900004", "screen_name": "hostile_bidi", "name": RTL + " " + IMG, "score": 0.31, "label": "genuine", "reasons": "", "model_version": "accounts-test-1", "scored_at": "2015-08-10T06:00:00Z"},
    ]
    return pd.DataFrame(rows)


def posts() -> pd.DataFrame:
    p = ira_posts()
    shared = p.groupby("text")["author_id"].transform("nunique")
    p["score"] = [0.9 if n >= 2 else 0.25 for n in shared]
    p["label"] = ["suspicious" if n >= 2 else "genuine" for n in shared]
    p["reasons"] = ["same text as other accounts within minutes" if n >= 2 else "" for n in shared]
    p["cluster_ids"] = ""
    p.loc[p["text"].str.startswith("police brutality is an obvious fact"), "cluster_ids"] = "c1"
    p.loc[p["text"].str.startswith("So, if someone shoots me"), "cluster_ids"] = "c2"
    hostile = pd.DataFrame(
        [
            {"post_id": "900002-1", "author_id": "900002", "author_screen_name": "hostile_script", "text": f"March tonight! {SCRIPT} #FergusonRemembers", "created_at": "2015-08-09T16:20:00Z", "lang": "en", "hashtags": "fergusonremembers", "score": 0.95, "label": "suspicious", "reasons": IMG, "cluster_ids": "c3"},
            {"post_id": "900003-1", "author_id": "900003", "author_screen_name": "hostile_formula", "text": f"{FORMULA} join us {IMG}", "created_at": "2015-08-09T16:21:00Z", "lang": "en", "hashtags": "", "score": 0.92, "label": "suspicious", "reasons": "", "cluster_ids": "c3"},
        ]
    )
    return pd.concat([p, hostile], ignore_index=True)


def clusters() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"cluster_id": "c1", "kind": "copy-paste", "n_accounts": 4, "n_posts": 4, "span_start": "2015-08-09T16:05:00Z", "span_end": "2015-08-09T16:05:00Z", "similarity": 1.0,
             "evidence": {"text": "police brutality is an obvious fact, it’s stupid to deny it #EndpoliceBrutality #Fergusonremembers", "window": "1 minute"},
             "accounts": ["Ann1eMcconnell", "Barry_mill", "Greg_GreGG_", "bobbychandlerr"]},
            {"cluster_id": "c2", "kind": "copy-paste", "n_accounts": 4, "n_posts": 4, "span_start": "2015-08-09T16:11:00Z", "span_end": "2015-08-09T16:11:00Z", "similarity": 1.0,
             "evidence": "4 accounts posted the same text in the same minute",
             "accounts": "Barry_mill Freida_Hw Greg_GreGG_ douggiemaestas"},
            {"cluster_id": "c3", "kind": "co-hashtag", "n_accounts": 2, "n_posts": 2, "span_start": "2015-08-09T16:20:00Z", "span_end": "2015-08-09T16:21:00Z", "similarity": 0.4,
             "evidence": {SCRIPT: IMG, "shared": FORMULA},
             "accounts": ["900002", "900003"]},
        ]
    )


def accounts_as_written() -> pd.DataFrame:
    """:func:`accounts` as `detector score` writes them to CSV: reasons joined with "; "."""
    acc = accounts()
    acc["reasons"] = acc["reasons"].map(lambda r: "; ".join(r) if isinstance(r, list) else r)
    return acc


def clusters_as_written() -> pd.DataFrame:
    """:func:`clusters` as `detector posts` writes them to CSV: evidence as JSON, accounts space-joined."""
    clu = clusters()
    clu["evidence"] = clu["evidence"].map(lambda e: json.dumps(e) if isinstance(e, dict) else e)
    clu["accounts"] = clu["accounts"].map(lambda a: " ".join(a) if isinstance(a, list) else a)
    return clu


SINCE = datetime(2015, 8, 9, 6, 0, tzinfo=UTC)
UNTIL = datetime(2015, 8, 10, 6, 0, tzinfo=UTC)


def report_data(**changes: object) -> ReportData:
    kw: dict[str, object] = {"accounts": accounts(), "posts": posts(), "clusters": clusters(), "since": SINCE, "until": UNTIL, "watch": "ferguson"}
    kw.update(changes)
    return ReportData(**kw)  # type: ignore[arg-type]
