"""Reports: content, hostile text, CSV formula injection, "what changed", files, store, CLI.

The HTML is also opened in real headless Chromium by ``test_report_browser.py``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from _report_fixture import (
    FORMULA,
    IMG,
    SCRIPT,
    SINCE,
    UNTIL,
    accounts,
    accounts_as_written,
    clusters,
    clusters_as_written,
    posts,
    report_data,
)
from _store_targets import BACKENDS, store_target
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import InputError
from detector.ops.report import (
    ReportData,
    find_previous,
    load_report_files,
    load_report_store,
    neutralise_formulas,
    parse_since,
    write_report,
)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE_WATCHES = Path(__file__).resolve().parents[1] / "watches.example.toml"


# -- CSV formula injection ------------------------------------------------------------------


def test_neutralise_formulas_text_columns_only() -> None:
    df = pd.DataFrame(
        {
            "name": ["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\rx", "\uff1dcmd", "plain", "a=b", None],
            "score": [-0.5, 0.1, -2.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        }
    )
    out = neutralise_formulas(df)
    assert out["name"].tolist()[:9] == ["'=1+1", "'+33 6 12", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "'\uff1dcmd", "plain", "a=b"]
    assert pd.isna(out["name"].iloc[9])
    assert out["score"].tolist() == df["score"].tolist()  # negative numbers stay numbers
    assert df["name"].iloc[0] == "=1+1"  # the input is not changed


def test_neutralise_formulas_on_pandas_string_dtype() -> None:
    df = pd.DataFrame({"t": pd.array(["=x", "y", pd.NA], dtype="string")})
    assert neutralise_formulas(df)["t"].tolist()[:2] == ["'=x", "y"]


# -- the report's content -------------------------------------------------------------------


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, dict]:
    paths = write_report(report_data(), tmp_path)
    return tmp_path, {"paths": paths, "json": json.loads(paths.json.read_text(encoding="utf-8"))}


def test_headline_numbers(written: tuple[Path, dict]) -> None:
    doc = written[1]["json"]
    # 8 IRA accounts + 4 synthetic; flagged = label 'suspicious': 7 IRA (douggiemaestas is 0.72,
    # 'uncertain') + hostile_script + hostile_formula. 37 real posts + 2 hostile; flagged = the
    # 17 real posts whose text another account also posted, + the 2 hostile ones.
    assert doc["headline"] == {
        "accounts_scored": 12,
        "accounts_flagged": 9,
        "accounts_flagged_share": 0.75,
        "posts": 39,
        "posts_flagged": 19,
        "clusters": 3,
        "accounts_in_clusters": 8,
        "flagged_accounts_in_clusters": 7,
    }
    assert doc["since"] == "2015-08-09T06:00:00Z" and doc["until"] == "2015-08-10T06:00:00Z"
    assert doc["watch"] == "ferguson"
    assert doc["model_versions"] == ["accounts-test-1"]
    assert doc["changes"] == {"previous": None}


def test_accounts_clusters_and_posts_content(written: tuple[Path, dict]) -> None:
    doc = written[1]["json"]
    top = [(a["account_id"], a["score"], a["flagged"]) for a in doc["accounts"][:3]]
    assert top == [("assuncaowallas", 0.97, True), ("CuneoDolores", 0.95, True), ("Ann1eMcconnell", 0.93, True)]
    barry = next(a for a in doc["accounts"] if a["account_id"] == "Barry_mill")
    assert barry["cluster_ids"] == ["c1", "c2"]
    assert barry["flagged_posts"] == 3  # "police brutality…", "So, if someone…", and none else shared
    assert barry["reasons"] == ["posted the same text as 3 other accounts within 1 minute", "account younger than 30 days"]
    c2 = next(c for c in doc["clusters"] if c["cluster_id"] == "c2")
    assert c2["accounts"] == ["Barry_mill", "Freida_Hw", "Greg_GreGG_", "douggiemaestas"]  # from space-separated text
    assert c2["span_start"] == "2015-08-09T16:11:00Z"
    c3 = next(c for c in doc["clusters"] if c["cluster_id"] == "c3")
    assert c3["evidence"] == {SCRIPT: IMG, "shared": FORMULA}
    assert [m["screen_name"] for m in c3["members"]] == ["hostile_script", "hostile_formula"]
    first = doc["posts_flagged"][0]
    assert (first["created_at"], first["author_screen_name"]) == ("2015-08-09T15:44:00Z", "assuncaowallas")


def test_html_is_self_contained_and_escapes_hostile_text(written: tuple[Path, dict]) -> None:
    html = written[1]["paths"].html.read_text(encoding="utf-8")
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:;" in html
    assert "<script" not in html.lower()  # the template has none, and hostile text is escaped
    assert "onerror=" not in html.replace("onerror=&#34;", "")  # only as escaped text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html
    srcs = re.findall(r'\ssrc="([^"]*)"', html)
    assert len(srcs) == 2 and all(s.startswith("data:image/png;base64,") for s in srcs)
    # The only links are the page's own anchors (numbered, never built from the data).
    assert all(re.fullmatch(r"#(account|cluster)-\d+", h) for h in re.findall(r'\shref="([^"]*)"', html))
    assert "http://t.co" in html and 'href="http' not in html  # URLs in posts are shown as text, never links…
    assert "evil.example" in html  # …but a hostile one is shown as text
    assert re.search(r"<bdi>\u202eevil\u202c", html) is None  # not flagged, not shown
    for section in ("Headline numbers", "What changed since the last report", "Score distribution", "Timeline of flagged posts", "Top suspicious accounts", "Coordination clusters"):
        assert f">{section}</h2>" in html


def test_csv_neutralises_formulas_and_keeps_numbers(written: tuple[Path, dict]) -> None:
    paths = written[1]["paths"]
    acc = pd.read_csv(paths.csv, dtype=str, keep_default_na=False)
    row = acc[acc["account_id"] == "900003"].iloc[0]
    assert row["name"] == "'" + FORMULA
    assert row["reasons"] == "'-1 followers reported; @everyone"
    assert row["score"] == "0.81"
    assert acc["account_id"].tolist()[:2] == ["assuncaowallas", "CuneoDolores"]
    assert len(acc) == 12
    posts_csv = pd.read_csv(paths.posts_csv, dtype=str, keep_default_na=False)
    assert len(posts_csv) == 19
    assert posts_csv[posts_csv["post_id"] == "900003-1"]["text"].iloc[0].startswith("'=HYPERLINK")
    clusters_csv = pd.read_csv(paths.clusters_csv, dtype=str, keep_default_na=False)
    assert clusters_csv["cluster_id"].tolist() == ["c1", "c2", "c3"]
    assert clusters_csv["screen_names"].iloc[2] == "hostile_script hostile_formula"


def test_files_and_latest_copies(written: tuple[Path, dict]) -> None:
    folder, info = written
    names = sorted(p.name for p in folder.iterdir())
    stamp = "report-ferguson-20150810T060000Z"
    assert names == sorted(
        [f"{stamp}.html", f"{stamp}.csv", f"{stamp}.json", f"{stamp}.posts.csv", f"{stamp}.clusters.csv"]
        + ["report-ferguson-latest.html", "report-ferguson-latest.csv", "report-ferguson-latest.json", "report-ferguson-latest.posts.csv", "report-ferguson-latest.clusters.csv"]
    )
    assert (folder / "report-ferguson-latest.html").read_bytes() == info["paths"].html.read_bytes()


def test_label_rule_and_threshold_rule() -> None:
    from detector.ops.report import build_content

    by_label = build_content(report_data())
    by_threshold = build_content(report_data(account_threshold=0.9, post_threshold=0.95))
    assert by_label["flag_rule"]["accounts"] == "the model labelled them 'suspicious'"
    assert by_threshold["flag_rule"]["accounts"] == "score ≥ 0.90 (watch threshold)"
    # ≥ 0.90: assuncaowallas .97, CuneoDolores .95, Ann1eMcconnell .93, Barry_mill .91, Greg_GreGG_ .90
    assert by_threshold["headline"]["accounts_flagged"] == 5
    assert by_threshold["headline"]["posts_flagged"] == 1  # only the 0.95 hostile post


def test_empty_window(tmp_path: Path) -> None:
    empty = ReportData(accounts=pd.DataFrame({"account_id": [], "score": []}), since=SINCE, until=UNTIL)
    paths = write_report(empty, tmp_path)
    doc = json.loads(paths.json.read_text(encoding="utf-8"))
    assert doc["headline"]["accounts_scored"] == 0 and doc["headline"]["accounts_flagged_share"] is None
    html = paths.html.read_text(encoding="utf-8")
    assert "No posts in this window." in html and "No account is flagged in this window." in html
    assert paths.html.name == "report-20150810T060000Z.html"


def test_missing_required_column() -> None:
    with pytest.raises(InputError, match="the accounts table has no 'score' column") as exc:
        write_report(ReportData(accounts=pd.DataFrame({"account_id": ["1"]}), since=SINCE, until=UNTIL), "/nonexistent")
    assert exc.value.field == "score"


# -- what changed ---------------------------------------------------------------------------


def test_what_changed_and_reruns_are_idempotent(tmp_path: Path) -> None:
    first = write_report(report_data(), tmp_path)
    later = datetime(2015, 8, 11, 6, 0, tzinfo=UTC)
    acc = accounts()
    acc.loc[acc["account_id"] == "douggiemaestas", ["score", "label"]] = [0.84, "suspicious"]  # newly flagged
    acc.loc[acc["account_id"] == "Freida_Hw", ["score", "label"]] = [0.55, "uncertain"]  # cleared
    acc = acc[acc["account_id"] != "CuneoDolores"]  # not seen this time: not "cleared"
    acc = pd.concat([acc, pd.DataFrame([{"account_id": "900005", "screen_name": "brand_new", "score": 0.99, "label": "suspicious"}])], ignore_index=True)
    clu = clusters()
    clu = pd.concat([clu[clu["cluster_id"] != "c3"], pd.DataFrame([{"cluster_id": "c9", "kind": "url", "accounts": ["900005", "900001"]}])], ignore_index=True)
    clu.loc[clu["cluster_id"] == "c1", "cluster_id"] = "c1-renamed"  # same members: the same cluster
    second = write_report(report_data(accounts=acc, clusters=clu, since=SINCE, until=later), tmp_path)
    assert second.previous == first.json
    changes = json.loads(second.json.read_text(encoding="utf-8"))["changes"]
    assert changes["previous"]["until"] == "2015-08-10T06:00:00Z"
    assert sorted(e["account_id"] for e in changes["new_flagged"]) == ["900005", "douggiemaestas"]
    assert [e["account_id"] for e in changes["no_longer_flagged"]] == ["Freida_Hw"]
    assert sorted(e["account_id"] for e in changes["label_changed"]) == ["Freida_Hw", "douggiemaestas"]
    moves = {e["account_id"]: round(e["delta"], 2) for e in changes["score_moves"]}
    assert moves == {"Freida_Hw": -0.33, "douggiemaestas": 0.12}
    # written to the scores' four places (the JSON said -0.32999999999999996; a cron report 0.16509999999999997)
    assert [e["delta"] for e in changes["score_moves"]] == [-0.33, 0.12]
    assert [c["cluster_id"] for c in changes["new_clusters"]] == ["c9"]
    assert [c["cluster_id"] for c in changes["clusters_gone"]] == ["c3"]
    acc_csv = pd.read_csv(second.csv, dtype=str, keep_default_na=False).set_index("account_id")
    assert acc_csv.loc["Freida_Hw", "change"] == "no longer flagged"
    assert acc_csv.loc["Freida_Hw", "previous_score"] == "0.88"
    assert acc_csv.loc["900005", "change"] == "newly flagged"

    html_before = second.html.read_bytes()
    again = write_report(report_data(accounts=acc, clusters=clu, since=SINCE, until=later), tmp_path)
    assert again.previous == first.json  # never compared with itself
    assert again.html.read_bytes() == html_before
    assert "Newly flagged accounts (2)" in html_before.decode("utf-8")


def test_a_report_of_the_same_window_from_other_data_says_which_it_replaces(tmp_path: Path) -> None:
    """Two offline runs whose data end at the same time write one report name: the second replaces the
    first. With no report of an earlier window in the folder it said 'the first report ... nothing to
    compare with'; it now compares with the report it replaces and says so, with that one's file time."""
    first = write_report(report_data(), tmp_path)
    os.utime(first.json, (1796083200, 1796083200))  # 2026-12-01 00:00:00 UTC
    acc = accounts()
    acc.loc[acc["account_id"] == "douggiemaestas", ["score", "label"]] = [0.84, "suspicious"]
    second = write_report(report_data(accounts=acc), tmp_path)
    assert second.json == first.json and second.previous == first.json
    changes = json.loads(second.json.read_text(encoding="utf-8"))["changes"]
    assert changes["previous"] == {"until": "2015-08-10T06:00:00Z", "same_window": True, "written_at": "2026-12-01T00:00:00Z"}
    assert [e["account_id"] for e in changes["new_flagged"]] == ["douggiemaestas"]
    html = second.html.read_text(encoding="utf-8")
    assert "This is the first report" not in html
    assert (
        "This report replaces the report of the same window (ending 2015-08-10 06:00:00 UTC) written in this folder at\n"
        "2026-12-01 00:00:00 UTC from other data, and is compared with it" in html
    )
    assert "Newly flagged accounts (1)" in html

    # The same report written again keeps the comparison it was written with: the same files.
    html_bytes, json_bytes = second.html.read_bytes(), second.json.read_bytes()
    again = write_report(report_data(accounts=acc), tmp_path)
    assert again.previous is None and again.html.read_bytes() == html_bytes and again.json.read_bytes() == json_bytes

    # A report of an earlier window in the folder is the one compared with, as before.
    earlier = write_report(report_data(until=datetime(2015, 8, 9, 18, 0, tzinfo=UTC)), tmp_path)
    third = write_report(report_data(), tmp_path)
    assert third.previous == earlier.json
    assert json.loads(third.json.read_text(encoding="utf-8"))["changes"]["previous"] == {"until": "2015-08-09T18:00:00Z"}


def test_damaged_previous_report_is_skipped(tmp_path: Path) -> None:
    first = write_report(report_data(), tmp_path)
    (tmp_path / "report-ferguson-20150810T120000Z.json").write_text("{not json", encoding="utf-8")
    found = find_previous(tmp_path, "ferguson", datetime(2015, 8, 11, tzinfo=UTC))
    assert found is not None and found[0] == first.json
    assert find_previous(tmp_path, "other-watch", datetime(2015, 8, 11, tzinfo=UTC)) is None


# -- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", datetime(2015, 8, 9, 6, 0, tzinfo=UTC)),
        ("90m", datetime(2015, 8, 10, 4, 30, tzinfo=UTC)),
        ("7d", datetime(2015, 8, 3, 6, 0, tzinfo=UTC)),
        ("2w", datetime(2015, 7, 27, 6, 0, tzinfo=UTC)),
        ("2015-08-09", datetime(2015, 8, 9, tzinfo=UTC)),
        ("2015-08-09T12:00:00+02:00", datetime(2015, 8, 9, 10, 0, tzinfo=UTC)),
    ],
)
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text, UNTIL) == expected


@pytest.mark.parametrize("text", ["yesterday", "24 hours", "2015-08-11"])
def test_parse_since_errors(text: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_since(text, UNTIL)
    assert exc.value.field == "since"


def _write_inputs(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    acc = accounts_as_written()
    bad = pd.DataFrame([{"account_id": "900009", "screen_name": "broken", "score": "high"}, {"account_id": "", "score": 0.5}])
    pd.concat([acc, bad], ignore_index=True).to_csv(folder / "scores.csv", index=False)
    p = posts()
    p.to_csv(folder / "posts.csv", index=False)
    clusters_as_written().to_csv(folder / "clusters.csv", index=False)


def test_load_files_keeps_bad_rows_aside_and_applies_the_watch(tmp_path: Path) -> None:
    _write_inputs(tmp_path / "in")
    from detector.ops.watch import Watch

    data, rejects = load_report_files(
        tmp_path / "in" / "scores.csv",
        posts=tmp_path / "in" / "posts.csv",
        clusters=tmp_path / "in" / "clusters.csv",
        since=datetime(2015, 8, 9, 16, 0, tzinfo=UTC),
        until=UNTIL,
        watch=Watch(name="mike", hashtags=("mikebrown",)),
    )
    assert [(r["row"], r["field"]) for r in rejects.rows] == [(13, "score"), (14, "account_id")]
    assert len(data.accounts) == 12
    # #MikeBrown posts from 16:00 on: 16:02, 16:04, 16:10 and the four 16:11 copies.
    assert len(data.posts) == 7
    assert data.watch == "mike"
    assert data.clusters["cluster_id"].tolist() == ["c1", "c2", "c3"]


def test_memberships_file_becomes_clusters(tmp_path: Path) -> None:
    m = pd.DataFrame(
        {
            "cluster_id": ["k1", "k1", "k1", "k2", "k2"],
            "kind": ["text", "text", "text", "repost", "repost"],
            "account_id": ["Barry_mill", "Freida_Hw", "Barry_mill", "Greg_GreGG_", "douggiemaestas"],
            "post_id": ["p1", "p2", "p3", "p4", "p5"],
            "created_at": ["2015-08-09T16:11:00Z", "2015-08-09T16:12:00Z", "2015-08-09T16:15:00Z", "2015-08-09T16:05:00Z", "2015-08-09T16:06:00Z"],
            "similarity": [1.0, 1.0, 1.0, 0.9, 0.9],
            "evidence": ["same text", "same text", "same text", "same repost", "same repost"],
        }
    )
    m.to_csv(tmp_path / "clusters.csv", index=False)
    accounts().drop(columns=["reasons"]).to_csv(tmp_path / "scores.csv", index=False)
    data, _ = load_report_files(tmp_path / "scores.csv", clusters=tmp_path / "clusters.csv", since=SINCE, until=UNTIL)
    got = data.clusters[["cluster_id", "n_accounts", "n_posts", "accounts"]].to_dict("records")
    assert got == [
        {"cluster_id": "k1", "n_accounts": 2, "n_posts": 3, "accounts": ["Barry_mill", "Freida_Hw"]},
        {"cluster_id": "k2", "n_accounts": 2, "n_posts": 2, "accounts": ["Greg_GreGG_", "douggiemaestas"]},
    ]
    assert str(data.clusters["span_end"].iloc[0]) == "2015-08-09 16:15:00+00:00"


def test_author_table_of_detector_posts_reads_as_accounts(tmp_path: Path) -> None:
    # The columns `detector posts --accounts` writes (one row per author, combined score).
    (tmp_path / "authors.csv").write_text(
        "author_id,screen_name,n_posts,combined_score,label\n"
        "BADAEVVIKTOR,BADAEVVIKTOR,1,0.175,uncertain\n"
        "GUBATOVOFFICIAL,GUBATOVOFFICIAL,2,0.91,suspicious\n",
        encoding="utf-8",
    )
    from detector.ops.report import find_inputs

    assert find_inputs(tmp_path) == {"accounts": tmp_path / "authors.csv"}
    data, rejects = load_report_files(tmp_path / "authors.csv", since=SINCE, until=UNTIL)
    assert len(rejects) == 0
    assert data.accounts[["account_id", "score"]].values.tolist() == [["BADAEVVIKTOR", 0.175], ["GUBATOVOFFICIAL", 0.91]]


def test_missing_column_names_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "scores.csv").write_text("account_id,label\n1,suspicious\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_report_files(tmp_path / "scores.csv", since=SINCE, until=UNTIL)
    assert exc.value.path == str(tmp_path / "scores.csv") and exc.value.field == "score"


# -- the store ------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from store_target(request.param, tmp_path)


def test_report_from_a_real_store(store_url: str, tmp_path: Path) -> None:
    from detector.ops.store import open_store

    p = posts()
    canon = p[["post_id", "author_id", "author_screen_name", "text", "created_at", "lang", "hashtags"]].assign(
        created_at=pd.to_datetime(p["created_at"], utc=True)
    )
    acc = accounts()
    with open_store(store_url) as store:
        store.upsert_accounts(acc[["account_id", "screen_name", "name"]], source="watch:ferguson")
        store.upsert_posts(canon, source="watch:ferguson")
        run = store.start_run("ferguson", started_at=datetime(2015, 8, 10, 5, 0, tzinfo=UTC))
        store.add_account_scores(acc[["account_id", "score", "label", "reasons", "model_version"]], run_id=run, scored_at=datetime(2015, 8, 10, 5, 30, tzinfo=UTC))
        store.add_post_scores(p[["post_id", "score", "label", "reasons"]], run_id=run, scored_at=datetime(2015, 8, 10, 5, 30, tzinfo=UTC), model_version="posts-test-1")
        members = pd.DataFrame(
            [{"cluster_id": "c2", "member_kind": "post", "member_id": pid} for pid in p.loc[p["cluster_ids"] == "c2", "post_id"]]
        )
        store.add_clusters(pd.DataFrame([{"cluster_id": "c2", "kind": "copy-paste", "score": 1.0, "evidence": '{"text": "So, if someone shoots me"}'}]), members, run_id=run, detected_at=datetime(2015, 8, 10, 5, 31, tzinfo=UTC))
        store.finish_run(run)
        data = load_report_store(store, since=SINCE, until=UNTIL, watch="ferguson")
    assert len(data.accounts) == 12 and data.accounts.set_index("account_id").loc["900002", "name"] == SCRIPT
    assert len(data.posts) == 39
    paths = write_report(data, tmp_path / "out")
    doc = json.loads(paths.json.read_text(encoding="utf-8"))
    assert doc["headline"]["accounts_flagged"] == 9 and doc["headline"]["posts_flagged"] == 19
    (c2,) = doc["clusters"]
    assert sorted(c2["accounts"]) == ["Barry_mill", "Freida_Hw", "Greg_GreGG_", "douggiemaestas"]  # the member posts' authors
    assert (c2["n_posts"], c2["span_start"], c2["evidence"]) == (4, "2015-08-09T16:11:00Z", {"text": "So, if someone shoots me"})
    assert sorted(p["post_id"] for p in doc["posts_flagged"] if p["cluster_ids"] == ["c2"]) == sorted(members["member_id"])

    # The same through the CLI, with the watch's thresholds deciding what is flagged.
    config = tmp_path / "watches.toml"
    config.write_text('[watches.ferguson]\nhashtags = ["FergusonRemembers"]\n[watches.ferguson.thresholds]\naccount = 0.9\n', encoding="utf-8")
    args = ["report", "--db", store_url, "--watch", "ferguson", "--config", str(config), "--since", "24h", "--until", "2015-08-10T06:00Z", "-o", str(tmp_path / "cli")]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "cli" / "report-ferguson-latest.json").read_text(encoding="utf-8"))
    assert doc["flag_rule"]["accounts"] == "score ≥ 0.90 (watch threshold)"
    assert doc["headline"]["accounts_flagged"] == 5 and doc["headline"]["posts"] == 39


# -- the CLI --------------------------------------------------------------------------------


def test_cli_report_from_dir(tmp_path: Path) -> None:
    _write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["report", "--from-dir", str(tmp_path / "in"), "--since", "2015-08-09", "--until", "2015-08-10T06:00:00Z", "-o", str(out)]
    res = runner.invoke(cli, args)
    assert res.exit_code == 0, res.output
    html = out / "report-20150810T060000Z.html"
    assert str(html) in res.output
    assert "2 records rejected" in res.output
    rejected = pd.read_csv(out / "report-20150810T060000Z.rejects.csv")
    assert rejected["field"].tolist() == ["score", "account_id"]
    doc = json.loads((out / "report-20150810T060000Z.json").read_text(encoding="utf-8"))
    assert doc["headline"]["accounts_scored"] == 12 and doc["headline"]["posts"] == 39

    res = runner.invoke(cli, [*args, "--watch", "nope", "--config", str(EXAMPLE_WATCHES)])
    assert res.exit_code == 2
    assert "no watch named 'nope'" in res.output

    res = runner.invoke(cli, ["report", "--clusters", str(tmp_path / "in" / "clusters.csv"), "-o", str(out)])
    assert res.exit_code == 2
    assert "--clusters, --campaigns and --post-texts go with --scores, --posts or --from-dir" in res.output

    res = runner.invoke(cli, ["report", "--from-dir", str(tmp_path / "in"), "--since", "yesterday", "-o", str(out)])
    assert res.exit_code == 2 and "field 'since'" in res.output


def test_long_text_is_clipped_in_the_page_only(tmp_path: Path) -> None:
    acc = accounts()
    acc.loc[acc["account_id"] == "900002", "name"] = "x" * 10_000
    paths = write_report(report_data(accounts=acc), tmp_path)
    html = paths.html.read_text(encoding="utf-8")
    assert "x" * 2000 + "… [10,000 characters]" in html and "x" * 2001 not in html
    row = pd.read_csv(paths.csv, dtype=str, keep_default_na=False).set_index("account_id").loc["900002"]
    assert row["name"] == "x" * 10_000


def test_watch_name_cannot_leave_the_folder_and_naive_times_are_utc(tmp_path: Path) -> None:
    paths = write_report(report_data(watch="../../etc/x", until=datetime(2015, 8, 10, 6, 0)), tmp_path / "out")
    assert paths.html == tmp_path / "out" / "report-_.._etc_x-20150810T060000Z.html"
    assert json.loads(paths.json.read_text(encoding="utf-8"))["until"] == "2015-08-10T06:00:00Z"


def test_the_json_is_written_in_pieces_and_reads_as_one_dump(tmp_path: Path) -> None:
    """The report's JSON is json.dumps's text byte for byte, but never held whole: for 100,000 posts
    the one string (and its copy with a newline, and its UTF-8) was the peak of `detector run`."""
    import tracemalloc

    from detector.ops.report import _json_default, _write_json, build_content, json_pieces

    content = build_content(report_data(), None)
    content.pop("_frames")
    whole = json.dumps(content, ensure_ascii=False, default=_json_default, allow_nan=False)
    assert "".join(json_pieces(content, batch=2)) == whole  # lists of more than two items cut into pieces
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    _write_json(paths, content)
    assert [p.read_text(encoding="utf-8") for p in paths] == [whole + "\n"] * 2
    # Synthetic posts (Cyrillic text, as in the IRA release): the writer's own peak stays a small
    # part of the file, where one dump held it whole at least twice over (string, then its UTF-8).
    big = {"headline": {"posts": 40_000}, "posts_flagged": [{"post_id": str(i), "text": "протест у 18h " * 12, "score": 0.5} for i in range(40_000)]}
    tracemalloc.start()
    try:
        _write_json([tmp_path / "big.json"], big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = (tmp_path / "big.json").stat().st_size
    assert size > 8_000_000 and peak < size / 3, (size, peak)
    assert json.loads((tmp_path / "big.json").read_text(encoding="utf-8")) == big
