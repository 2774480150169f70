"""The report's "Calls to action" and "Campaigns" sections, from real posts through the real job.

Posts: ``tests/fixtures/posts/ira_mariowoods_calls.csv`` (7 real IRA tweets: two calls, each pushed by
three accounts) and ``tests/fixtures/coordination/posts.csv`` (three IRA accounts' #KochFarms pushes
and two CNN accounts' headline). ``detector posts`` scores them; the report is built from its files,
as ``detector report --from-dir`` does, and the page is opened in headless Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from test_report_browser import browser, open_report  # noqa: F401  (the Chromium fixture)

from detector.cli import cli
from detector.ops.report import build_content, load_report_files, write_report

FIX = Path(__file__).parent / "fixtures"
CALLS = FIX / "posts" / "ira_mariowoods_calls.csv"
COORD = FIX / "coordination" / "posts.csv"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """post_scores.csv, clusters.csv and accounts.csv of both fixtures, as ``detector posts`` writes them."""
    d = tmp_path_factory.mktemp("posts")
    parts = {}
    for name, src in (("calls", CALLS), ("coord", COORD)):
        args = ["posts", str(src), "-o", str(d / f"{name}.csv"), "--clusters-out", str(d / f"{name}.clusters.csv"), "--accounts-out", str(d / f"{name}.accounts.csv")]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        parts[name] = [pd.read_csv(d / f"{name}{suffix}.csv", dtype=str, keep_default_na=False) for suffix in ("", ".clusters", ".accounts")]
    for i, stem in enumerate(("post_scores", "clusters", "accounts")):
        pd.concat([parts["calls"][i], parts["coord"][i]], ignore_index=True).to_csv(d / f"{stem}.csv", index=False)
    return d


def _content(files: Path) -> dict[str, Any]:
    data, _ = load_report_files(files / "accounts.csv", posts=files / "post_scores.csv", clusters=files / "clusters.csv")
    return build_content(data)


def test_identical_calls_are_one_row_with_every_author(files: Path) -> None:
    calls = _content(files)["calls"]
    by_text = {c["text"][:30]: c for c in calls}
    vigil = by_text["RT @nysrene: Vigil tonight for"]
    # A retweet, a copy with the link and a copy without it: one call, three accounts, four posts.
    assert (vigil["n_authors"], vigil["n_posts"]) == (3, 4)
    assert [a["account_id"] for a in vigil["authors"]] == ["CornellBurchet", "CoryNaeNae", "BLMSoldier"]
    assert vigil["first_at"] == "2016-02-09T14:47:00Z" and vigil["last_at"] == "2016-05-16T16:59:00Z"
    assert vigil["event"].lower() == "vigil" and vigil["when"].lower() == "tonight"
    rally = by_text["This: #JusticeForMarioWoods Ra"]
    assert (rally["n_authors"], rally["n_posts"]) == (3, 3)  # three quotes, three different t.co links
    assert rally["event"].lower() == "rally"
    # "Saturday, December 5th", quoted in 2016: the Saturday was 5 December 2015. English times are
    # read on the post's UTC clock; a day without a clock time says so.
    assert (rally["when"], rally["when_ts"], rally["when_status"]) == ("Saturday, December 5th", "2015-12-05T00:00:00Z", "date")
    assert calls.index(vigil) < 2 and calls.index(rally) < 2  # most authors first
    assert all(c["call_score"] is not None and c["reasons"] for c in (vigil, rally))


def test_one_push_is_one_campaign_in_the_report(files: Path) -> None:
    campaigns = _content(files)["campaigns"]
    got = [(c["campaign_id"], c["kinds"], c["n_accounts"], c["n_posts"], c["linked_campaigns"]) for c in campaigns]
    assert got == [
        ("campaign-ade9106db2b2", ["text"], 3, 3, ["campaign-dc4ae0f971b7"]),
        ("campaign-dc4ae0f971b7", ["text", "hashtags"], 3, 3, ["campaign-ade9106db2b2"]),
        ("campaign-05d0d55fbd4b", ["text", "url"], 2, 2, []),
    ]
    koch = campaigns[1]
    assert koch["evidence"]["hashtags"] == "walmart kochfarms ny turkey foodpoisoning usda"
    assert {m["account_id"] for m in koch["members"]} == {"Mitch_llLynch", "kirbythefamous", "ssus_panther"}


def test_the_posts_csv_holds_the_flagged_posts_and_the_calls_with_what_when_where(files: Path, tmp_path: Path) -> None:
    """An analyst opening the report's posts CSV sees every call, flagged or not, with the call columns of post_scores.csv."""
    data, _ = load_report_files(files / "accounts.csv", posts=files / "post_scores.csv", clusters=files / "clusters.csv")
    data.post_threshold = 0.48  # flags the #KochFarms pushes (no calls; their authors have no profile)
    got = pd.read_csv(write_report(data, tmp_path).posts_csv, dtype=str, keep_default_na=False)
    assert list(got.columns) == [
        "post_id", "author_id", "author_screen_name", "text", "created_at", "score", "label", "reasons", "cluster_ids",
        "flagged", "is_call", "call_score", "event", "when", "when_ts", "when_status", "where",
    ]  # fmt: skip
    table = [tuple(r) for r in got[["post_id", "is_call", "event", "when", "when_ts", "when_status", "where"]].itertuples(index=False)]
    rally = ("rally", "Saturday, December 5th", "2015-12-05T00:00:00Z", "date", "")
    koch = ("False", "", "", "", "", "")
    assert table == [
        ("ira-r708770", *koch), ("ira-r599479", *koch), ("ira-r1010445", *koch),
        ("ira-r708788", *koch), ("ira-r599495", *koch), ("ira-r1010459", *koch),
        ("ira2018-row-247630", "True", "vigil", "tonight", "2016-02-09T00:00:00Z", "date", ""),
        ("ira2018-row-147606", "True", *rally),
        ("ira2018-row-251145", "True", "vigil", "tonight", "2016-02-11T00:00:00Z", "date", ""),
        ("ira2018-row-100679", "True", "vigil", "tonight", "2016-05-15T00:00:00Z", "date", ""),
        ("ira2018-row-251344", "True", "vigil", "tonight", "2016-05-16T00:00:00Z", "date", ""),
        ("ira2018-row-11439", "True", *rally),
        ("ira2018-row-49007", "True", *rally),
    ]  # fmt: skip
    assert got["flagged"].tolist()[:6] == ["True"] * 6
    # The scores are post_scores.csv's (the models'; they move when a model is retrained): flagged is
    # score >= 0.48; every call is in the CSV, flagged or not.
    written = pd.read_csv(files / "post_scores.csv", dtype=str, keep_default_na=False).set_index("post_id")
    assert got["flagged"].tolist() == [str(float(v) >= 0.48) for v in written.loc[got["post_id"], "score"]]
    assert got["call_score"].tolist() == written.loc[got["post_id"], "call_score"].map(lambda v: str(float(v))).tolist()


def test_a_posts_run_without_clusters_is_reported(tmp_path: Path) -> None:
    """``detector posts`` on posts that form no cluster writes a clusters file of a header alone: the
    report reads it as no clusters (it stopped with "the CSV has a header but no rows")."""
    out = tmp_path / "out"
    out.mkdir()
    args = ["posts", str(CALLS), "-o", str(out / "post_scores.csv"), "--clusters-out", str(out / "clusters.csv"), "--accounts-out", str(out / "accounts.csv")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert len(pd.read_csv(out / "clusters.csv")) == 0
    res = CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    doc = pd.read_json(tmp_path / "rep" / "report-latest.json", typ="series")
    assert (doc["headline"]["posts"], doc["headline"]["clusters"], len(doc["calls"])) == (7, 0, 2)
    # The posts CSV: the flagged posts and the calls (here the seven posts are the two calls' copies).
    listed = set(pd.read_csv(tmp_path / "rep" / "report-latest.posts.csv", dtype=str)["post_id"])
    scores = pd.read_csv(out / "post_scores.csv", dtype=str)
    assert listed == {p["post_id"] for p in doc["posts_flagged"]} | set(scores.loc[scores["is_call"] == "True", "post_id"])
    assert len(listed) == 7


@pytest.mark.browser
def test_calls_and_campaigns_in_chromium(files: Path, browser: Any, tmp_path: Path) -> None:  # noqa: F811
    data, _ = load_report_files(files / "accounts.csv", posts=files / "post_scores.csv", clusters=files / "clusters.csv")
    paths = write_report(data, tmp_path)
    context, page, requests = open_report(browser, paths.html, bypass_csp=False)
    try:
        rows = page.locator("tr.call")
        assert rows.count() >= 2
        first = rows.nth(0).inner_text()
        assert "3 accounts" in first and "CornellBurchet" in first and "BLMSoldier" in first
        assert "4 posts" in page.locator("tr.call", has_text="Vigil tonight").inner_text()
        rally = page.locator("tr.call", has_text="JusticeForMarioWoods Ra").inner_text()
        assert "Saturday, December 5th → the day starting 2015-12-05 00:00:00 UTC" in rally
        campaigns = page.locator("div.campaign")
        assert campaigns.count() == 3
        koch = page.locator("#campaign-dc4ae0f971b7").inner_text()
        assert "campaign-ade9106db2b2" in koch and "walmart kochfarms" in koch
        assert page.evaluate("document.querySelectorAll('svg, iframe, object, embed, a').length") == 0
        assert page.evaluate("window.__csp") == []
        assert requests == [paths.html.as_uri()]
    finally:
        context.close()
