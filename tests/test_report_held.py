"""Held verdicts in reports: an account whose profile has too few fields for the account model's verdict
(``verdict_held``) is never flagged on that score, and "What changed" does not read it as cleared.

The history store keeps the flag since schema 4 (on SQLite and on the real PostgreSQL server that
.ci/run starts); `detector score` files carry it as ``verdict_held``, `detector posts --accounts-out`
as ``account_verdict_held``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from _store_targets import BACKENDS, store_target

import detector
from detector.accounts.model import load_model, score_accounts
from detector.ops.report import ReportData, build_content, load_report_store, write_report
from detector.ops.store import open_store

DAY1 = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
DAY2 = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
AUTHORS = "authors-2+acct-20261130T195640Z"  # what `detector run` stores for an author


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from store_target(request.param, tmp_path)


def _author_rows(rows: list[tuple[str, float, str, bool, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": [r[0] for r in rows],
            "score": [r[1] for r in rows],
            "label": [r[2] for r in rows],
            "verdict_held": [r[3] for r in rows],
            "reasons": [r[4] for r in rows],
            "model_version": AUTHORS,
        }
    )


HELD_WHY = "account model 0.53 (too few profile fields for a verdict: label held at uncertain; ↑ follows 6,292 accounts)"


def test_a_verdict_held_now_is_not_cleared_nor_a_new_suspicious_account(target: str, tmp_path: Path) -> None:
    """Two daily runs' author scores, stored and reported from the store. Day 1: 'kosova_zeri' is suspicious on
    its full profile. Day 2 its profile verdict is held (too few fields): it is listed as 'verdict held now',
    not as 'no longer flagged', 'label changed' or a score move. A held author new on day 2 with a combined
    score of 0.55 is flagged by the watch threshold of 0.5 on its posts' evidence only, and says so."""
    with open_store(target) as s:
        s.upsert_accounts(pd.DataFrame({"account_id": ["kosova_zeri", "ITSTIMETOSECEDE", "mitrovica_sot"], "screen_name": ["kosova_zeri", "ITSTIMETOSECEDE", "mitrovica_sot"]}))
        for day, rows in (
            (DAY1, [("kosova_zeri", 0.81, "suspicious", False, "account model 0.91 (young account); coordination 0.40 in 2 cluster(s)"),
                    ("ITSTIMETOSECEDE", 0.30, "uncertain", True, HELD_WHY)]),
            (DAY2, [("kosova_zeri", 0.30, "uncertain", True, HELD_WHY + "; coordination 0.40 in 2 cluster(s)"),
                    ("ITSTIMETOSECEDE", 0.30, "uncertain", True, HELD_WHY),
                    ("mitrovica_sot", 0.55, "uncertain", True, HELD_WHY + "; 12 call(s) to action")]),
        ):  # fmt: skip
            run = s.start_run("mitrovica", started_at=day)
            s.add_account_scores(_author_rows(rows), run_id=run, scored_at=day)
            s.finish_run(run)
        reports = []
        for day in (DAY1, DAY2):
            data = load_report_store(s, since=day.replace(hour=0), until=day, watch="mitrovica")
            data.account_threshold = 0.5
            reports.append(write_report(data, tmp_path / "reports"))
    first, second = (json.loads(p.json.read_text(encoding="utf-8")) for p in reports)
    assert [(a["account_id"], a["flagged"], a["verdict_held"]) for a in first["accounts"]] == [
        ("kosova_zeri", True, False), ("ITSTIMETOSECEDE", False, True),
    ]  # fmt: skip
    changes = second["changes"]
    assert [(e["account_id"], e["score"], e["previous_score"], e["previous_label"]) for e in changes["now_held"]] == [("kosova_zeri", 0.30, 0.81, "suspicious")]
    assert changes["no_longer_flagged"] == [] and changes["label_changed"] == [] and changes["score_moves"] == []
    assert [(e["account_id"], e["verdict_held"], e["previous_score"]) for e in changes["new_flagged"]] == [("mitrovica_sot", True, None)]
    csv = pd.read_csv(reports[1].csv, dtype=str, keep_default_na=False).set_index("account_id")
    assert csv.loc["kosova_zeri", ["change", "previous_score", "verdict_held"]].tolist() == ["verdict held now", "0.81", "True"]
    html = reports[1].html.read_text(encoding="utf-8")
    assert "Verdict held now (1)" in html and "No longer flagged (0)" in html
    assert "(not seen before)</span> <span class=\"note held\">(profile verdict held: flagged on its posts and coordination)</span>" in html


def test_a_held_account_model_score_never_flags_whatever_the_threshold() -> None:
    """`detector score` on IRA-CSV-like partial profiles (followers and following only): the shipped model holds
    its verdict and its score sits near 0.5. A report of those scores with a watch threshold of 0.5 flagged
    the held ones; it now flags only the account whose profile the model judged."""
    model = load_model(Path(detector.__file__).parent / "data" / "account-model.npz")
    profiles = pd.DataFrame(
        {
            "account_id": ["ITSTIMETOSECEDE", "ALTMANCOON", "full"],
            "screen_name": ["ITSTIMETOSECEDE", "ALTMANCOON", "vjosa_m"],
            "followers_count": [1200.0, 480.0, 12.0],
            "friends_count": [6292.0, 1910.0, 4800.0],
            "statuses_count": [None, None, 52000.0],
            "favourites_count": [None, None, 0.0],
            "listed_count": [None, None, 0.0],
            "created_at": pd.to_datetime([None, None, "2026-11-20"], utc=True),
            "collected_at": pd.to_datetime([None, None, "2026-11-30"], utc=True),
            "description": [None, None, ""],
            "default_profile": [None, None, True],
            "default_profile_image": [None, None, True],
        }
    )
    scores = score_accounts(profiles, model)
    got = scores.set_index("account_id")
    assert got["verdict_held"].to_dict() == {"ITSTIMETOSECEDE": True, "ALTMANCOON": True, "full": False}
    assert (got.loc[["ITSTIMETOSECEDE", "ALTMANCOON"], "score"] >= 0.5).all()  # the threshold would catch them
    content = build_content(ReportData(accounts=scores, since=DAY1, until=DAY2, account_threshold=0.5))
    flagged = {a["account_id"] for a in content["accounts"] if a["flagged"]}
    assert flagged == ({"full"} if got.loc["full", "score"] >= 0.5 else set())
    assert not flagged & {"ITSTIMETOSECEDE", "ALTMANCOON"}
    held = {a["account_id"]: a["verdict_held"] for a in content["accounts"]}
    assert held == {"ITSTIMETOSECEDE": True, "ALTMANCOON": True, "full": False}


def test_a_previous_report_written_before_rows_said_held_is_read_by_the_models_note() -> None:
    """A report written before account rows carried ``verdict_held`` (session 11's, on a store migrated since):
    every held IRA author of the rerun was listed as 'verdict held now'. The previous row's reasons carry the
    model's note exactly when it held: read so, only an account held now and judged then is listed."""
    rows = [("ITSTIMETOSECEDE", 0.5465, "uncertain", True, HELD_WHY), ("kosova_zeri", 0.30, "uncertain", True, HELD_WHY)]
    now = build_content(ReportData(accounts=_author_rows(rows), since=DAY1, until=DAY2))
    then = build_content(ReportData(accounts=_author_rows(rows).assign(reasons=[HELD_WHY, "account model 0.91 (young account)"], score=[0.5465, 0.81], label=["uncertain", "suspicious"]), since=DAY1, until=DAY1))
    previous = {k: v for k, v in then.items() if k != "_frames"}
    previous["accounts"] = [{k: v for k, v in a.items() if k != "verdict_held"} for a in previous["accounts"]]
    from detector.ops.report import compare

    accounts = now["_frames"][0]
    got = compare(accounts.assign(verdict_held=accounts["verdict_held"].map(bool)), [], previous)
    assert [e["account_id"] for e in got["now_held"]] == ["kosova_zeri"]
    assert got["no_longer_flagged"] == [] and got["score_moves"] == []
