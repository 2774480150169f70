"""The report's "Calls to action" and "Campaigns" sections, from real posts through the real job.

Posts: ``tests/fixtures/posts/ira_mariowoods_calls.csv`` (7 real IRA tweets: two calls, each pushed by
three accounts) and ``tests/fixtures/coordination/posts.csv`` (three IRA accounts' #KochFarms pushes
and two CNN accounts' headline). ``detector posts`` scores them; the report is built from its files,
as ``detector report --from-dir`` does, and the page is opened in headless Chromium.
"""

from __future__ import annotations

import json
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
    # read on the post's UTC clock (when_zone says so); a day without a clock time says so.
    assert (rally["when"], rally["when_ts"], rally["when_zone"], rally["when_status"]) == (
        "Saturday, December 5th", "2015-12-05T00:00:00Z", "UTC (language: en)", "date")
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
        "flagged", "is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status", "where",
    ]  # fmt: skip
    table = [tuple(r) for r in got[["post_id", "is_call", "event", "when", "when_ts", "when_zone", "when_status", "where"]].itertuples(index=False)]
    utc = "UTC (language: en)"
    rally = ("rally", "Saturday, December 5th", "2015-12-05T00:00:00Z", utc, "date", "")
    koch = ("False", "", "", "", "", "", "")
    assert table == [
        ("ira-r708770", *koch), ("ira-r599479", *koch), ("ira-r1010445", *koch),
        ("ira-r708788", *koch), ("ira-r599495", *koch), ("ira-r1010459", *koch),
        ("ira2018-row-247630", "True", "vigil", "tonight", "2016-02-09T00:00:00Z", utc, "date", ""),
        ("ira2018-row-147606", "True", *rally),
        ("ira2018-row-251145", "True", "vigil", "tonight", "2016-02-11T00:00:00Z", utc, "date", ""),
        ("ira2018-row-100679", "True", "vigil", "tonight", "2016-05-15T00:00:00Z", utc, "date", ""),
        ("ira2018-row-251344", "True", "vigil", "tonight", "2016-05-16T00:00:00Z", utc, "date", ""),
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
        assert "Saturday, December 5th → the day starting 2015-12-05 00:00:00 UTC, read in UTC (language: en)" in rally
        campaigns = page.locator("div.campaign")
        assert campaigns.count() == 3
        koch = page.locator("#campaign-dc4ae0f971b7").inner_text()
        assert "campaign-ade9106db2b2" in koch and "walmart kochfarms" in koch
        # The only links are jumps inside the page (a linked campaign); nothing leaves it.
        assert page.evaluate("document.querySelectorAll('svg, iframe, object, embed, a:not([href^=\"#\"])').length") == 0
        assert page.locator("#campaign-dc4ae0f971b7 a[href='#campaign-ade9106db2b2']").count() == 1
        assert page.evaluate("window.__csp") == []
        assert requests == [paths.html.as_uri()]
    finally:
        context.close()


LONGSPAN = FIX / "posts" / "ira_gopdebate_longspan.csv"


def _posts_run(src: Path, out: Path, *outputs: str) -> None:
    """``detector posts SRC`` writing post_scores.csv and the named other outputs into ``out``."""
    out.mkdir(exist_ok=True)
    args = ["posts", str(src), "-o", str(out / "post_scores.csv")]
    for name in outputs:
        args += [f"--{name}-out", str(out / f"{name}.csv")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_from_dir_shows_the_campaigns_the_posts_job_wrote(tmp_path: Path) -> None:
    """The campaigns of ``--campaigns-out`` are the report's: rebuilt from the memberships alone, the
    33-minute #VegasGOPDebate hashtag cluster (more than three windows: a stream, no partners)
    linked to the other pushes of its accounts (h46 found 85 of 7,618 campaigns so on 200,000 IRA posts)."""
    out = tmp_path / "out"
    _posts_run(LONGSPAN, out, "clusters", "accounts", "campaigns")
    res = CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "rep" / "report-latest.json").read_text(encoding="utf-8"))
    got = [(c["campaign_id"], c["kinds"], c["n_posts"], c["span_start"], c["span_end"], c["n_linked"], c["linked_campaigns"]) for c in doc["campaigns"]]
    assert got == [
        ("campaign-dcd38e811869", ["hashtags"], 11, "2015-12-16T01:04:00Z", "2015-12-16T01:37:00Z", 0, []),
        ("campaign-8030e8ae95cf", ["text", "hashtags"], 5, "2015-12-16T01:51:00Z", "2015-12-16T02:09:00Z", 1, ["campaign-312a322d1df1"]),
        ("campaign-6f8b0961475c", ["hashtags"], 3, "2015-12-16T01:07:00Z", "2015-12-16T01:16:00Z", 1, ["campaign-0dd0b20cf745"]),
        ("campaign-0dd0b20cf745", ["hashtags"], 3, "2015-12-16T01:18:00Z", "2015-12-16T01:24:00Z", 2, ["campaign-6f8b0961475c", "campaign-312a322d1df1"]),
        ("campaign-312a322d1df1", ["hashtags"], 2, "2015-12-16T01:46:00Z", "2015-12-16T01:51:00Z", 2, ["campaign-0dd0b20cf745", "campaign-8030e8ae95cf"]),
        ("campaign-966d2aee44ce", ["hashtags"], 2, "2015-12-16T03:17:00Z", "2015-12-16T03:22:00Z", 0, []),
    ]  # fmt: skip
    written = pd.read_csv(out / "campaigns.csv", dtype=str, keep_default_na=False)
    assert [c[0] for c in got] == written["campaign_id"].tolist()
    assert [c[5] for c in got] == written["n_linked"].astype(int).tolist()


def test_calls_without_author_ids_are_reported_from_the_post_scores_alone(tmp_path: Path) -> None:
    """Posts without author ids (the Mario Woods calls with the author column emptied) are scored for
    their text; a report from their post_scores.csv alone (no author table) shows each call with its
    posts counted, and says they have no author rather than "0 accounts"."""
    src = pd.read_csv(CALLS, dtype=str, keep_default_na=False).assign(author="")
    src.to_csv(tmp_path / "anonymous.csv", index=False)
    out = tmp_path / "out"
    _posts_run(tmp_path / "anonymous.csv", out)
    for args in (["--from-dir", str(out)], ["--posts", str(out / "post_scores.csv")]):
        rep = tmp_path / ("rep" + args[0])
        res = CliRunner().invoke(cli, ["report", *args, "-o", str(rep)])
        assert res.exit_code == 0, res.output
        doc = json.loads((rep / "report-latest.json").read_text(encoding="utf-8"))
        calls = [(c["text"][:30], c["n_authors"], c["n_posts"], c["n_unattributed"]) for c in doc["calls"]]
        assert calls == [("RT @nysrene: Vigil tonight for", 0, 4, 4), ("This: #JusticeForMarioWoods Ra", 0, 3, 3)]
        assert doc["headline"]["accounts_scored"] == 0 and doc["headline"]["posts"] == 7
        html = (rep / "report-latest.html").read_text(encoding="utf-8")
        assert "4 posts without an author id" in html and "3 posts without an author id" in html
        assert "0 accounts" not in html


def test_linked_campaigns_and_a_call_s_campaign_are_links_in_the_page(files: Path, tmp_path: Path) -> None:
    """A campaign's linked campaigns, and the campaign of a call, jump to that campaign's row when
    the page shows it."""
    data, _ = load_report_files(files / "accounts.csv", posts=files / "post_scores.csv", clusters=files / "clusters.csv")
    html = write_report(data, tmp_path).html.read_text(encoding="utf-8")
    koch = html[html.index('id="campaign-dc4ae0f971b7"') :]
    koch = koch[: koch.index("</dl>")]
    assert '<a href="#campaign-ade9106db2b2"><bdi>campaign-ade9106db2b2</bdi></a>' in koch
    data.top = 1  # only the first campaign is on the page: its link to the second is text, not a dead link
    html = write_report(data, tmp_path / "top1").html.read_text(encoding="utf-8")
    first = html[html.index('id="campaign-ade9106db2b2"') :]
    first = first[: first.index("</dl>")]
    assert "campaign-dc4ae0f971b7" in first and 'href="#campaign-dc4ae0f971b7"' not in first


def test_a_repost_campaign_shows_the_reposted_text(tmp_path: Path) -> None:
    """IRA retweets carry no id of the original: coordination keys them by a digest of its text, and
    the campaign's evidence was that digest alone ("repost: text:a660615e8dec215c"). The report now
    also shows the text that was reposted."""
    example = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
    out = tmp_path / "out"
    _posts_run(example, out, "clusters", "accounts", "campaigns")
    res = CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "rep" / "report-latest.json").read_text(encoding="utf-8"))
    got = {c["campaign_id"]: (c["evidence"], [t[:40] for t in c["reposted"]]) for c in doc["campaigns"]}
    assert got["campaign-dd5821a166af"] == ({"repost": "text:a660615e8dec215c"}, ["В Аргентине во время разгона акции проте"])
    assert all(len(r) == 1 for _, r in got.values())
    clusters = {c["cluster_id"]: [t[:40] for t in c["reposted"]] for c in doc["clusters"]}
    assert clusters["repost-cd15260cdcf8"] == ["В Аргентине во время разгона акции проте"]
    html = (tmp_path / "rep" / "report-latest.html").read_text(encoding="utf-8")
    row = html[html.index('id="campaign-dd5821a166af"') :]
    assert "reposted" in row[: row.index("</dl>")] and "В Аргентине во время разгона" in row[: row.index("</dl>")]


def test_a_call_with_its_link_and_one_without_group_when_the_export_quotes_the_text() -> None:
    # Two real IRA posts of ItsTimeToSecede (datasets/examples/posts/ira_texit_calls.csv): the release
    # wraps some texts in quotes, and the link then swallowed the closing one, so the copy with a link
    # and the copy without it were two rows of "Calls to action" instead of one.
    from detector.ops.report import call_groups

    posts = pd.DataFrame(
        {
            "post_id": ["r1", "r2"],
            "author_id": ["ITSTIMETOSECEDE"] * 2,
            "author_screen_name": ["ITSTIMETOSECEDE"] * 2,
            "text": [
                "'@LibertarianTex Howdy, hope you're doing fine. Would you like to participate in our #texit statewide rally scheduled for Nov. 5? https://t.co/Csr4rfQYxI'",
                "'@JTS_1957 Howdy, hope you're doing fine. Would you like to participate in our #texit statewide rally scheduled for Nov. 5?'",
            ],
            "created_at": ["2016-10-26T23:15:00Z", "2016-10-27T14:30:00Z"],
            "is_call": [True, True],
            "call_score": [0.99, 0.99],
            "score": [0.5, 0.5],
            "event": ["rally"] * 2,
            "when": ["Nov. 5"] * 2,
            "where": ["", ""],
            "cluster_ids": ["", ""],
            "reasons": ["", ""],
        }
    )
    rows = call_groups(posts, {})
    assert [(r["n_posts"], r["n_authors"], r["post_ids"]) for r in rows] == [(2, 1, ["r1", "r2"])]


def test_the_calls_section_shows_the_zone_next_to_the_resolved_time(tmp_path: Path) -> None:
    """h56: the zone a call's time was read in (post_scores.csv's when_zone) is next to the time in the page and the
    JSON. Invented call (none from ../shared), posted Thursday 10 July 2025 12:00 UTC: "this Saturday 6 PM ET" is
    12 July 18:00 in New York (EDT), 22:00 UTC."""
    call, html = _report_of_one_call(tmp_path, "Join us! Protest rally in front of City Hall this Saturday 6 PM ET, everyone come!", "2025-07-10T12:00:00Z")
    assert (call["when"], call["when_ts"], call["when_zone"], call["when_status"]) == (
        "this Saturday 6 PM ET", "2025-07-12T22:00:00Z", "America/New_York (written: ET)", "resolved")
    assert "→ 2025-07-12 22:00:00 UTC, read in <bdi>America/New_York (written: ET)</bdi></span>" in html


def test_the_calls_section_says_why_a_time_has_no_timestamp(tmp_path: Path) -> None:
    """h62 (session 11): an English "tomorrow at noon" posted at 05:00 UTC is the 11th in New York and the 10th in Los
    Angeles; the post's zone is not known, so the page says `no post zone` after the time instead of a timestamp.
    Invented call (none from ../shared)."""
    call, html = _report_of_one_call(tmp_path, "Join us! Protest rally in front of City Hall tomorrow at noon, everyone come!", "2025-07-11T05:00:00Z")
    assert (call["when"], call["when_ts"], call["when_zone"], call["when_status"]) == ("tomorrow at noon", None, "", "no post zone")
    assert '<bdi>tomorrow at noon</bdi> <span class="note when-ts">(<bdi>no post zone</bdi>)</span>' in html


def _report_of_one_call(tmp_path: Path, text: str, created_at: str) -> tuple[dict[str, Any], str]:
    """`detector posts` then `report --from-dir` on one English post: its call in the report's JSON, and the page."""
    src = tmp_path / "calls.csv"
    src.write_text(f'post_id,author_id,text,created_at,lang\n1,a,"{text}",{created_at},en\n', encoding="utf-8")
    out = tmp_path / "out"
    _posts_run(src, out, "clusters", "accounts")
    res = CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    [call] = json.loads((tmp_path / "rep" / "report-latest.json").read_text(encoding="utf-8"))["calls"]
    return call, (tmp_path / "rep" / "report-latest.html").read_text(encoding="utf-8")


# A synthetic article-length call (the blokade site posts such articles; their texts cannot be
# committed): a call in its first sentence, then numbered paragraphs, and a last sentence to look for.
LONG_CALL = (
    "Join us at the protest tomorrow at 18h in front of the City Hall! Everyone is welcome. "
    + " ".join(f"Paragraph {i} of the organisers' statement explains the demands of the students and the route of the march." for i in range(1, 21))
    + " THE LAST SENTENCE of this synthetic article."
)


def test_a_long_call_is_an_excerpt_with_the_whole_text_one_click_away(tmp_path: Path, browser: Any) -> None:  # noqa: F811
    from detector.ops.report import EXCERPT, _excerpt

    assert len(LONG_CALL) == 2_262
    short = _excerpt(LONG_CALL)
    # cut at the last space before 400 characters; a text of at most 500 characters is shown whole
    assert short == LONG_CALL[:397] and LONG_CALL[397] == " " and len(short) <= EXCERPT
    assert short.endswith("Paragraph 3 of the organisers' statement explains the demands of the students and the route of the")
    assert _excerpt("x" * 500) == "" and _excerpt("x" * 501) == "x" * 400  # no space to cut at: cut at 400
    src = pd.DataFrame({"post_id": ["long-1"], "author_id": ["a1"], "text": [LONG_CALL], "created_at": ["2025-03-14T10:00:00Z"], "lang": ["en"]})
    src.to_csv(tmp_path / "long.csv", index=False)
    out = tmp_path / "out"
    _posts_run(tmp_path / "long.csv", out, "clusters", "accounts")
    assert pd.read_csv(out / "post_scores.csv")["is_call"].tolist() == [True]
    res = CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "rep" / "report-latest.json").read_text(encoding="utf-8"))
    assert [c["text"] for c in doc["calls"]] == [LONG_CALL]  # the JSON keeps it whole
    context, page, requests = open_report(browser, tmp_path / "rep" / "report-latest.html", bypass_csp=False)
    try:
        row = page.locator("tr.call")
        assert row.count() == 1
        shown = row.inner_text()
        assert "Join us at the protest tomorrow" in shown and "Paragraph 3 of" in shown
        assert "Paragraph 4 of" not in shown and "THE LAST SENTENCE" not in shown
        assert "the whole text (2,262 characters)" in shown
        row.locator("details.long > summary").click()
        opened = row.inner_text()
        assert "THE LAST SENTENCE of this synthetic article." in opened and "Paragraph 20 of" in opened
        assert opened.count("Join us at the protest tomorrow") == 1  # the excerpt gives way to the whole text
        assert page.evaluate("window.__csp") == [] and len(requests) == 1
    finally:
        context.close()


def test_a_call_posted_on_two_days_lists_each_resolved_time(tmp_path: Path) -> None:
    """h74's walkthrough: one text "tomorrow at 18h" posted on 29 and 30 November is two different days, yet the
    grouped call showed one resolved time, its best-scored post's. The row stays one (one text, its authors), its
    own when_ts says the posts differ, and `whens` lists each resolved time with its posts, in the JSON and the page.
    Synthetic posts (my own sentence, none from ../shared), read in Belgrade's zone (CET, UTC+1)."""
    text = "Sutra u 18h svi na trg ispred opštine, dođite sa porodicom!"
    src = tmp_path / "two_days.csv"
    src.write_text(
        "post_id,author_id,text,created_at\n"
        f'1,vesna_k,"{text}",2026-11-29T09:00:00Z\n2,marko_p,"{text}",2026-11-29T09:30:00Z\n3,ilir_b,"{text}",2026-11-30T09:00:00Z\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    args = ["posts", str(src), "-o", str(out / "post_scores.csv"), "--clusters-out", str(out / "clusters.csv"), "--accounts-out", str(out / "accounts.csv"), "--tz", "Europe/Belgrade"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    res = CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    [call] = json.loads((tmp_path / "rep" / "report-latest.json").read_text(encoding="utf-8"))["calls"]
    assert (call["n_posts"], call["n_authors"], call["when"], call["when_ts"], call["when_zone"], call["when_status"]) == (
        3, 3, "Sutra u 18h", None, "", "differs by post")
    assert call["whens"] == [
        {"when": "Sutra u 18h", "when_ts": "2026-11-30T17:00:00Z", "when_zone": "Europe/Belgrade (--tz)", "when_status": "resolved", "n_posts": 2},
        {"when": "Sutra u 18h", "when_ts": "2026-12-01T17:00:00Z", "when_zone": "Europe/Belgrade (--tz)", "when_status": "resolved", "n_posts": 1},
    ]  # fmt: skip
    html = (tmp_path / "rep" / "report-latest.html").read_text(encoding="utf-8")
    assert (
        '<span class="note">when:</span> <bdi>Sutra u 18h</bdi><ul class="whens">'
        '<li class="note when-ts">→ 2026-11-30 17:00:00 UTC, read in <bdi>Europe/Belgrade (--tz)</bdi> (2 posts)</li>'
        '<li class="note when-ts">→ 2026-12-01 17:00:00 UTC, read in <bdi>Europe/Belgrade (--tz)</bdi> (1 post)</li></ul>'
    ) in html
    # The posts of one day agree: one resolved time, as before, and its one entry in whens.
    src.write_text("post_id,author_id,text,created_at\n" + "".join(src.read_text(encoding="utf-8").splitlines(keepends=True)[1:3]), encoding="utf-8")
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, ["report", "--from-dir", str(out), "-o", str(tmp_path / "rep1")]).exit_code == 0
    [call] = json.loads((tmp_path / "rep1" / "report-latest.json").read_text(encoding="utf-8"))["calls"]
    assert (call["n_posts"], call["when_ts"], call["when_zone"], call["when_status"], [w["n_posts"] for w in call["whens"]]) == (
        2, "2026-11-30T17:00:00Z", "Europe/Belgrade (--tz)", "resolved", [2])
