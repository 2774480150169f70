"""`detector posts` as a user runs it: outputs, rejects, exit codes, reruns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from detector.cli import cli

FIX = Path(__file__).parent / "fixtures" / "posts"
EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["posts", *args])
    return result.exit_code, result.stdout, result.stderr


def test_posts_writes_three_outputs_and_rejects(tmp_path: Path) -> None:
    out, clusters, accounts = tmp_path / "post_scores.csv", tmp_path / "clusters.csv", tmp_path / "accounts.csv"
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(out), "--clusters-out", str(clusters), "--accounts-out", str(accounts), "--window", "10min")
    assert code == 0, err
    assert "26 posts scored (ira)" in err
    assert "12 calls to action; 3 clusters" in err
    assert "2 records rejected" in err
    scores = pd.read_csv(out, dtype=str)
    assert list(scores.columns) == [
        "post_id", "author_id", "author_screen_name", "created_at", "text", "lang", "score", "label",
        "is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status", "where", "cluster_ids", "campaign_id",
        "reasons",
    ]  # fmt: skip
    assert len(scores) == 26
    assert set(scores["label"]) <= {"suspicious", "uncertain", "likely-genuine"}
    memberships = pd.read_csv(clusters)
    assert len(memberships) == 11
    assert {"cluster_id", "kind", "account_id", "post_id", "similarity", "n_accounts", "evidence"} <= set(memberships.columns)
    table = pd.read_csv(accounts)
    assert {"author_id", "n_posts", "coordination_score", "account_score", "combined_score"} <= set(table.columns)
    assert len(table) == 17
    rejects = pd.read_csv(tmp_path / "post_scores.rejects.csv")
    assert rejects[["row", "field"]].values.tolist() == [[27, "publish_date"], [28, "content"]]  # in record order


def test_every_record_rejected_writes_the_rejects_and_nothing_else(tmp_path: Path) -> None:
    """README: "every record rejected: nothing is written but the rejects", exit 3 (the rejects were lost)."""
    src = tmp_path / "bad.csv"
    src.write_text("post_id,author_id,text,created_at\n1,a,x,zzz\n2,b,,2024-01-01\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    code, _, err = _run(str(src), "-o", str(out), "--clusters-out", str(tmp_path / "c.csv"))
    assert code == 3
    assert err.endswith(f"error: {src}: every record was rejected (2 rejects), see {tmp_path / 's.rejects.csv'}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "s.rejects.csv"]
    rejects = pd.read_csv(tmp_path / "s.rejects.csv")
    assert rejects[["row", "field", "reason"]].values.tolist() == [[1, "created_at", "unreadable time 'zzz'"], [2, "text", "no text"]]


def test_rerun_gives_identical_files(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    args = [str(FIX / "pheme_ferguson.jsonl"), "-o", str(out), "--no-account-model", "--clusters-out", str(tmp_path / "c.csv")]
    assert _run(*args)[0] == 0
    first = out.read_bytes(), (tmp_path / "c.csv").read_bytes()
    assert _run(*args)[0] == 0
    assert (out.read_bytes(), (tmp_path / "c.csv").read_bytes()) == first


def test_format_override(tmp_path: Path) -> None:
    code, _, err = _run(str(FIX / "twarc2_texit.jsonl"), "--format", "jsonl", "-o", str(tmp_path / "s.jsonl"), "--no-account-model")
    assert code == 0, err
    rows = pd.read_json(tmp_path / "s.jsonl", lines=True, dtype=False)
    assert len(rows) == 6 and rows["post_id"].iloc[0] == "791000000000000000"


def test_bad_input_exit_codes(tmp_path: Path) -> None:
    code, _, err = _run(str(tmp_path / "nope.csv"), "-o", str(tmp_path / "s.csv"))
    assert code == 2 and "nope.csv: no such file" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("post_id,author_id,text,created_at\n1,a,hello,yesterday\n")
    code, _, err = _run(str(bad), "-o", str(tmp_path / "s.csv"))
    assert code == 3 and "every record was rejected" in err
    assert not (tmp_path / "s.csv").exists()
    code, _, err = _run(str(FIX / "ira_calls.csv"), "--window", "soon")
    assert code == 2 and "is not a duration" in err
    code, _, err = _run(str(FIX / "pheme_ferguson.jsonl"), "-o", str(tmp_path / "s.csv"), "--model", str(tmp_path / "none.skops"))
    assert code == 4 and "none.skops" in err


def test_a_search_page_without_results_is_an_empty_input_not_a_rejection(tmp_path: Path) -> None:
    """An X API v2 search with no result answers {"meta": {"result_count": 0}}, and `detector collect
    --jsonl-out` saves it so. It said "every record was rejected (0 rejects)" (exit 3): none was."""
    page = tmp_path / "quiet.jsonl"
    page.write_text('{"meta": {"result_count": 0}}\n{"meta": {"result_count": 0, "newest_id": null}}\n', encoding="utf-8")
    code, _, err = _run(str(page), "-o", str(tmp_path / "s.csv"))
    assert code == 2 and "quiet.jsonl: no posts: 2 X API responses with no data (result_count 0)" in err
    assert not (tmp_path / "s.csv").exists()


def test_a_folder_of_csv_files_is_named_as_such(tmp_path: Path) -> None:
    """An analyst gives the folder of daily CSV exports to the local engine. It answered "unreadable
    Parquet: Error creating dataset. Could not read schema from 'a.csv'. Is this a 'parquet' file?"
    (the local engine reads a folder as Parquet parts); it names what the folder holds and the two ways on."""
    parts = tmp_path / "daily"
    parts.mkdir()
    for name in ("2016-10-26.csv", "2016-10-27.csv"):
        (parts / name).write_text((FIX / "ira_calls.csv").read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = _run(str(parts), "-o", str(tmp_path / "s.csv"))
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"error: {parts}: a folder of 2 .csv files (2016-10-26.csv, 2016-10-27.csv): give each file on its own "
        "(detector run: --from once per file), or the folder to detector posts --engine dask, "
        "which reads a folder of partition files"
    )


def test_run_from_a_folder_of_csv_files_says_from_once_per_file(tmp_path: Path) -> None:
    """`detector run --from FOLDER_OF_CSVS` advised "--engine dask", which run has not (h85's trial):
    the advice names run's own way, --from once per file, as README says."""
    from click.testing import CliRunner

    from detector.cli import cli

    parts = tmp_path / "daily"
    parts.mkdir()
    for name in ("a.csv", "b.csv"):
        (parts / name).write_text((FIX / "ira_calls.csv").read_text(encoding="utf-8"), encoding="utf-8")
    watches = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "watches.toml"
    res = CliRunner().invoke(cli, ["run", "--watch", "texit-rally", "--config", str(watches), "--from", str(parts),
                                   "--db", str(tmp_path / "d.sqlite"), "--data-dir", str(tmp_path), "-o", str(tmp_path / "r")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: {parts}: a folder of 2 .csv files (a.csv, b.csv): give each file on its own "
        "(detector run: --from once per file), or the folder to detector posts --engine dask, "
        "which reads a folder of partition files"
    )


def test_shipped_example_runs(tmp_path: Path) -> None:
    code, _, err = _run(str(EXAMPLE), "-o", str(tmp_path / "s.csv"), "--accounts-out", str(tmp_path / "a.csv"))
    assert code == 0, err
    authors = pd.read_csv(tmp_path / "a.csv").set_index("author_id")
    # The call classifier (retrained in session 5): 109 (sessions 3 and 4: 110); 108 since session 6,
    # whose English posts have a threshold of their own (0.40 against the pooled 0.36, chosen on inner
    # folds): "we're organizing a #texit rally. Would y'all come participate? DM for details" (0.38) is
    # no longer a call. Real invitations stay under the threshold: a reply "gathering on Saturday at 1 PM
    # outside local City Halls", a four-word "meet ya there at 1 PM today", "DM us as we're organizing a
    # statewide #texit rally", and since session 5 "we're organizing a #texit rally. DM us for more
    # details if you're interested" (0.29; EVALUATION.md lists such misses). 106 since session 8 (one threshold,
    # 0.416, for every language: English's own 0.354 of session 7 is gone): "we're organizing a #texit rally, could
    # you please follow us back so we can DM you more details?" (0.38) and "would you be interested in participating
    # in a #texit rally? DM for more details if you are" (0.40) are no longer calls. 105 since session 10 (the exclusion
    # columns, threshold 0.409): "we're organizing a rally, follow us back and we'll DM you more info" (0.427 with session
    # 9's model, 0.396 now) is no longer a call. 108 since session 11 (the exclusion weights bounded at 0, threshold 0.336):
    # the three organising replies above are calls again (0.36, 0.41, 0.37). 109 since session 12 (the same weights, the
    # threshold by the mean of the per-language F1s: 0.295): "we're organizing a #texit rally. Would y'all come
    # participate? DM for details" (0.32) is a call again. 110 since session 14 (h92's labels; C=256, the language-independent
    # cues, threshold 0.245). 109 since session 16 (session 15's fit: the parts of a call bounded at 0, threshold 0.281):
    # "would you be interested in participating in a #texit rally? DM for more details if you are" (0.278) is no longer a call.
    assert authors.loc["ITSTIMETOSECEDE", "n_calls"] == 109
    # Templated invitations in bursts put the account first, though it has no profile or partner.
    assert authors.index[0] == "ITSTIMETOSECEDE"


def test_profiles_in_posts_are_scored_with_the_account_model(tmp_path: Path) -> None:
    out, accounts = tmp_path / "s.csv", tmp_path / "a.csv"
    code, _, err = _run(str(FIX / "pheme_ferguson.jsonl"), "-o", str(out), "--accounts-out", str(accounts))
    assert code == 0, err
    assert "37 posts scored (v1)" in err and "30 author profiles scored" in err
    table = pd.read_csv(accounts, dtype={"author_id": str})
    assert len(table) == 30 and table["account_score"].notna().all()
    assert table["account_score"].between(0, 1).all()
    scores = pd.read_csv(out, dtype=str)
    # Every post now has an author term, so "likely-genuine" is possible; reasons name the score.
    assert not scores["reasons"].str.contains("author not scored").any()
    assert set(scores["label"]) <= {"suspicious", "uncertain", "likely-genuine"}


COORD = Path(__file__).parent / "fixtures" / "coordination" / "posts.csv"


def test_posts_output_has_text_calls_and_campaigns(tmp_path: Path) -> None:
    out, camp, clusters = tmp_path / "p.csv", tmp_path / "campaigns.csv", tmp_path / "c.csv"
    code, _, err = _run(str(COORD), "-o", str(out), "--clusters-out", str(clusters), "--campaigns-out", str(camp), "--timings-out", str(tmp_path / "t.json"))
    assert code == 0, err
    assert "5 clusters in 3 campaigns" in err
    posts = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("post_id")
    row = posts.loc["ira-r599495"]
    assert row["text"].startswith("#DogThanking Holy hell!") and row["author_screen_name"] == "kirbythefamous"
    assert row["created_at"] == "2015-11-27 00:39:00+00:00" and row["lang"] == "en"
    assert row["campaign_id"] == "campaign-dc4ae0f971b7"
    assert posts.loc["553473704060284928", "campaign_id"] == ""  # in no cluster
    campaigns = pd.read_csv(camp, dtype=str)
    assert campaigns["campaign_id"].tolist() == ["campaign-ade9106db2b2", "campaign-dc4ae0f971b7", "campaign-05d0d55fbd4b"]
    assert campaigns["kinds"].tolist() == ["text", "text hashtags", "text url"]
    members = pd.read_csv(clusters, dtype=str)
    assert members.groupby("campaign_id")["cluster_id"].nunique().to_dict() == {"campaign-05d0d55fbd4b": 2, "campaign-ade9106db2b2": 1, "campaign-dc4ae0f971b7": 2}
    import json

    timings = json.loads((tmp_path / "t.json").read_text())
    stages = ["read", "author profiles", "normalise", "coordination", "campaigns", "language", "calls", "message features", "post scores", "authors", "write"]
    assert list(timings) == ["seconds", "cpu_seconds", "overlapped"]
    assert list(timings["seconds"]) == stages and list(timings["cpu_seconds"]) == stages
    assert all(v >= 0 for v in timings["cpu_seconds"].values()) and timings["cpu_seconds"]["calls"] > 0
    # Coordination and campaigns ran in one thread while the message side ran in another; the span's wall
    # time is at least each side's.
    (span,) = timings["overlapped"]
    assert span["threads"] == [["coordination", "campaigns"], ["language", "calls", "message features"]]
    wall = timings["seconds"]
    assert span["seconds"] >= max(wall["coordination"] + wall["campaigns"], wall["language"] + wall["calls"] + wall["message features"]) - 0.002


def test_the_calls_columns(tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    assert _run(str(FIX / "ira_calls.csv"), "-o", str(out))[0] == 0
    calls = pd.read_csv(out, dtype=str, keep_default_na=False)
    calls = calls[calls["is_call"] == "True"].set_index("post_id")
    # what and when as written, for real IRA calls (the extraction itself is tested in test_extract.py).
    laquan = calls[calls["text"].str.startswith("Reminder, all out for Laquan")].iloc[0]
    # "tomorrow! ... 8am - Rally": the day and the clock time written apart are one time.
    assert (laquan["event"].lower(), laquan["when"].lower()) == ("rally", "tomorrow … 8am")
    # ... but not resolved: posted 2017-08-10 23:33 UTC, it names no place whose zone gives the clock of
    # "8am" (no post zone, no --tz), and the UTC clock, which this test expected before session 12, would
    # have said 08:00 UTC for a Chicago rally at 13:00 UTC. A clock time is never read on a guessed zone.
    assert (laquan["when_ts"], laquan["when_status"]) == ("", "no post zone")
    texit = calls[calls["text"].str.contains("statewide rally scheduled for Nov. 5")]
    assert len(texit) == 8 and set(texit["when"].str.lower()) == {"nov. 5"}
    assert set(texit["when_ts"]) == {"2016-11-05 00:00:00+00:00"} and set(texit["when_status"]) == {"date"}
    assert (calls["call_score"].astype(float) > 0).all()


def test_when_is_resolved_to_utc_in_the_post_output(tmp_path: Path) -> None:
    # Written for this test (not from balkan-posts): local Belgrade times, no author column.
    src = tmp_path / "postime.csv"
    src.write_text(
        "text,date\n"
        '"Të gjithë nesër në orën 18 para Komunës në Mitrovicë! Marshim paqësor.",29.11.2026. 20:15\n'
        '"Сви у суботу у 12 часова испред Скупштине општине, блокада!",29.11.2026. 21:00\n',
        encoding="utf-8",
    )
    out = tmp_path / "p.csv"
    code, _, err = _run(str(src), "-o", str(out), "--no-account-model", "--tz", "Europe/Belgrade")
    assert code == 0, err
    posts = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert posts["created_at"].tolist() == ["2026-11-29 19:15:00+00:00", "2026-11-29 20:00:00+00:00"]
    assert posts["when"].tolist() == ["nesër në orën 18", "у суботу у 12 часова"]
    # Tomorrow at 18 Central European time; the next Saturday (5 December) at 12.
    assert posts["when_ts"].tolist() == ["2026-11-30 17:00:00+00:00", "2026-12-05 11:00:00+00:00"]
    assert posts["when_status"].tolist() == ["resolved", "resolved"]


def test_posts_without_authors_are_read_and_scored_for_their_text(tmp_path: Path) -> None:
    # The real IRA rows of the coordination fixture, without any author column.
    raw = pd.read_csv(COORD, dtype=str).drop(columns=["author_id", "author_screen_name"])
    src = tmp_path / "anonymous.csv"
    raw.to_csv(src, index=False)
    out, clusters = tmp_path / "p.csv", tmp_path / "c.csv"
    code, _, err = _run(str(src), "-o", str(out), "--clusters", str(clusters))
    assert code == 0, err
    assert "15 posts scored (flat)" in err and "0 clusters" in err
    posts = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(posts) == 15 and (posts["author_id"] == "").all()
    assert posts["reasons"].str.contains("no author id: scored for its text only").all()
    assert set(posts["label"]) == {"uncertain"}


def test_profiles_from_a_separate_file_equal_embedded_ones(tmp_path: Path) -> None:
    import json

    from detector.posts.read import read_posts

    read = read_posts(FIX / "pheme_ferguson.jsonl")
    flat = tmp_path / "posts.csv"
    read.posts.drop(columns=["source_row"]).to_csv(flat, index=False)
    profiles = tmp_path / "profiles.json"  # the Bot Repository shape: {"created_at": observed, "user": {...}}
    profiles.write_text(json.dumps([rec for _, rec in read.users]))
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    code, _, err = _run(str(FIX / "pheme_ferguson.jsonl"), "-o", str(a), "--accounts", str(tmp_path / "aa.csv"))
    assert code == 0, err
    code, _, err2 = _run(str(flat), "-o", str(b), "--profiles", str(profiles), "--accounts", str(tmp_path / "ba.csv"))
    assert code == 0, err2
    n = len(read.users)
    assert f"{n} author profiles scored" in err and f"{n} author profiles scored" in err2
    cols = ["post_id", "score", "label", "reasons"]
    pd.testing.assert_frame_equal(pd.read_csv(a, dtype=str)[cols], pd.read_csv(b, dtype=str)[cols])
    authors = pd.read_csv(tmp_path / "ba.csv")
    assert authors["account_score"].notna().all()


def test_ira_followers_and_following_are_partial_profiles(tmp_path: Path) -> None:
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(tmp_path / "p.csv"), "--accounts", str(tmp_path / "a.csv"))
    assert code == 0, err
    assert "17 author profiles scored" in err
    authors = pd.read_csv(tmp_path / "a.csv").set_index("author_id")
    assert authors["account_score"].notna().all()
    assert (authors["account_label"] == "uncertain").all()  # two counts are too few fields for a verdict
    assert authors["account_verdict_held"].all()  # and the author table says so in its own column
    posts = pd.read_csv(tmp_path / "p.csv")
    assert "likely-genuine" not in set(posts["label"])
    assert posts["reasons"].str.contains("author profile too sparse for a verdict").all()
    # A held score (about 0.5: the model cannot rank two counts) is no evidence: posts and authors
    # score as without a profile. It counted as 0.7 x score, and made 7 of these 26 posts suspicious.
    assert posts["reasons"].str.contains(r"\(account score 0\.\d\d, not counted\)").all()
    assert posts["label"].value_counts().to_dict() == {"uncertain": 26}
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(tmp_path / "q.csv"), "--accounts", str(tmp_path / "b.csv"), "--no-account-model")
    assert code == 0, err
    assert pd.read_csv(tmp_path / "q.csv")["score"].tolist() == posts["score"].tolist()
    without = pd.read_csv(tmp_path / "b.csv").set_index("author_id")
    assert authors.loc["ITSTIMETOSECEDE", ["account_score", "combined_score", "label"]].tolist() == [0.5338, 0.3657, "uncertain"]
    assert authors["combined_score"].sort_index().tolist() == without["combined_score"].sort_index().tolist()


def test_post_output_as_parquet_and_jsonl(tmp_path: Path) -> None:
    src = FIX / "ira_mariowoods_calls.csv"
    for name in ("p.parquet", "p.jsonl"):
        code, _, err = _run(str(src), "-o", str(tmp_path / name))
        assert code == 0, err
    pq = pd.read_parquet(tmp_path / "p.parquet")
    js = pd.read_json(tmp_path / "p.jsonl", lines=True, dtype=False)
    assert list(pq.columns) == list(js.columns) and {"text", "lang", "is_call", "call_score", "event", "when", "where"} <= set(pq.columns)
    assert pq["is_call"].dtype == bool and pq["created_at"].dt.tz is not None
    vigil = pq[pq["post_id"] == "ira2018-row-100679"].iloc[0]
    assert vigil["lang"] == "en" and vigil["text"].startswith("Vigil tonight for #MarioWoods")
    assert js.loc[js["post_id"] == "ira2018-row-100679", "event"].iloc[0] == vigil["event"]


def test_a_column_no_field_is_read_from_is_said_once(tmp_path: Path) -> None:
    """As `detector score` says it: an unknown header (a note column, profile counts a posts table
    does not read) is told once, not guessed at; this tool's own post output read back is not news."""
    src = tmp_path / "p.csv"
    rows = "".join(f"{i},a{i},hello {i},2024-05-10T1{i}:00:00Z,x,{i}\n" for i in range(3))
    src.write_text("ID,Korisnik,Tekst,Datum,Beleška,followers\n" + rows, encoding="utf-8")
    code, _, err = _run(str(src), "-o", str(tmp_path / "s.csv"), "--no-account-model")
    assert code == 0, err
    said = [line for line in err.splitlines() if "not read" in line]
    assert len(said) == 1 and said[0].endswith(
        f"{src}: columns not read: 'Beleška', 'followers' (no field this tool reads, or a second column for a field already read); "
        "map one with --columns name=header"
    )
    code, _, err = _run(str(tmp_path / "s.csv"), "-o", str(tmp_path / "again.csv"), "--no-account-model")
    assert code == 0 and "not read" not in err


def test_the_flat_table_as_jsonl_or_json_reads_as_its_csv(tmp_path: Path) -> None:
    """post_id/author_id/text/created_at records as JSON (a spreadsheet or pandas saved as JSON lines)
    were taken for twarc2 tweets and every one rejected ("field 'id': missing")."""
    import json

    records = [
        {"post_id": "1", "author_id": "u1", "text": "Protest sutra u 18h ispred Skupštine", "created_at": "2024-05-10T17:00:00Z", "hashtags": ["protest"]},
        {"post_id": "2", "author_id": "u2", "text": "Protest sutra u 18h ispred Skupštine", "created_at": "2024-05-10T17:03:00Z", "hashtags": ["protest"]},
        {"post_id": 3, "text": "no author here", "created_at": "2024-05-10T17:05:00Z", "Mood": "angry"},
        {"post_id": "4", "author_id": "u3", "text": "bad", "created_at": "yesterday"},
    ]
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    pd.DataFrame(records).assign(hashtags=lambda d: d["hashtags"].map(lambda v: " ".join(v) if isinstance(v, list) else None)).to_csv(tmp_path / "p.csv", index=False)
    outs = {}
    for name in ("p.csv", "p.jsonl", "p.json"):
        code, _, err = _run(str(tmp_path / name), "-o", str(tmp_path / f"{name}.out.csv"), "--no-account-model")
        assert code == 0, err
        assert "3 posts scored (flat)" in err
        assert "column not read: 'Mood'" in err  # a key no field is read from, said once as a CSV's column
        # one of a kind said in the singular ("1 clusters in 1 campaigns", "1 records rejected" before)
        assert "; 1 cluster in 1 campaign;" in err and f"1 record rejected, 0 field warnings: see {tmp_path / name}.out.rejects.csv" in err
        outs[name] = pd.read_csv(tmp_path / f"{name}.out.csv", dtype=str, keep_default_na=False)
        rejects = pd.read_csv(tmp_path / f"{name}.out.rejects.csv")
        assert rejects[["row", "field", "reason"]].values.tolist() == [[4, "created_at", "unreadable time 'yesterday'"]]
    pd.testing.assert_frame_equal(outs["p.jsonl"], outs["p.csv"])
    pd.testing.assert_frame_equal(outs["p.json"], outs["p.csv"])
    assert outs["p.csv"]["author_id"].tolist() == ["u1", "u2", ""] and outs["p.csv"]["cluster_ids"].iat[0] != ""


def test_timings_are_written_atomically_as_every_output(tmp_path: Path) -> None:
    """--timings-out was opened and written in place: a killed run left half a file, and a temporary
    file a killed writer left beside it was never cleaned up (atomic_path removes such)."""
    import json

    timings = tmp_path / "t.json"
    stale = tmp_path / ".t.json.abcd1234.tmp"  # as a writer killed with -9 leaves it (mkstemp's 8 characters)
    stale.write_text("{", encoding="utf-8")
    code, _, err = _run(str(FIX / "pheme_ferguson.jsonl"), "-o", str(tmp_path / "s.csv"), "--no-account-model", "--timings-out", str(timings))
    assert code == 0, err
    assert not stale.exists()
    assert {"read", "write"} <= set(json.loads(timings.read_text(encoding="utf-8"))["seconds"])


def test_profiles_say_how_many_match_an_author(tmp_path: Path) -> None:
    """``--profiles`` with a file of other people's profiles changed nothing and said nothing: the
    summary counted the IRA partial profiles as before. It now says how many of the given profiles
    matched an author, and warns when none did."""
    import json

    from detector.posts.read import read_posts

    read = read_posts(FIX / "pheme_ferguson.jsonl")
    profiles = tmp_path / "profiles.json"  # 30 Ferguson authors, none of them an IRA account
    profiles.write_text(json.dumps([rec for _, rec in read.users]))
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(tmp_path / "a.csv"), "--profiles", str(profiles))
    assert code == 0, err
    assert f"0 of 30 profiles in {profiles} match an author of the posts (by author id or screen name)" in err
    assert "17 author profiles scored" in err  # the IRA CSV's own partial profiles
    flat = tmp_path / "posts.csv"
    read.posts.drop(columns=["source_row"]).to_csv(flat, index=False)
    code, _, err = _run(str(flat), "-o", str(tmp_path / "b.csv"), "--profiles", str(profiles))
    assert code == 0, err
    assert f"30 of 30 profiles in {profiles} match an author of the posts" in err


# Two profiles of IRA authors in ira_calls.csv, in the columns `detector score` reads, with no
# collection time (synthetic values; the handles are the fixture's). The fixture's latest post is
# 2017-09-16 03:31 UTC (10_GOP).
_NO_COLLECTION_TIME = (
    "screen_name,name,created_at,followers_count,friends_count,statuses_count\n"
    "ITSTIMETOSECEDE,Texas Secede,2015-03-02T03:31:00Z,1200,800,3000\n"
    "10_GOP,Tennessee GOP,2015-08-01T03:31:00Z,136000,1100,10800\n"
)


def test_profiles_without_a_collection_time_are_measured_to_the_latest_post(tmp_path: Path) -> None:
    """Measured to now, a 2015 profile beside 2015-2017 posts was years older than when it posted:
    a confident wrong account age. Now: to --as-of, else to the latest post, said once."""
    from detector.accounts.read import read_profiles

    profiles = tmp_path / "profiles.csv"
    profiles.write_text(_NO_COLLECTION_TIME)
    latest = pd.Timestamp("2017-09-16 03:31", tz="UTC")
    expected = {
        # as_of given       account: (collected_at, age in days)
        None: {"ITSTIMETOSECEDE": (latest, 929), "10_GOP": (latest, 777)},
        "2016-11-01T03:31Z": {"ITSTIMETOSECEDE": (pd.Timestamp("2016-11-01 03:31", tz="UTC"), 610), "10_GOP": (pd.Timestamp("2016-11-01 03:31", tz="UTC"), 458)},
    }
    for as_of, want in expected.items():
        got = read_profiles(profiles, as_of=None if as_of is None else pd.Timestamp(as_of), latest_post=latest).accounts
        ages = {a: (c, (c - m).days) for a, c, m in got[["account_id", "collected_at", "created_at"]].itertuples(index=False)}
        assert ages == want, as_of

    notice = f"{profiles}: 2 profiles carry no collection time; ages measured to the latest post, 2017-09-16 03:31 UTC; pass --as-of to change it"
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(tmp_path / "a.csv"), "--profiles", str(profiles))
    assert code == 0, err
    assert err.count(notice) == 1
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(tmp_path / "b.csv"), "--profiles", str(profiles), "--as-of", "2016-11-01")
    assert code == 0, err
    assert "no collection time" not in err


def test_author_table_carries_the_lookalike_groups_of_the_authors_profiles(tmp_path: Path) -> None:
    """The groups across the authors' profiles (real political-bots-2019 profiles, synthetic posts):
    in the author table, said once; --no-lookalike leaves them out and says so once."""
    from _magop import EXPECTED, magop_inputs

    from detector.accounts.lookalike import LOOKALIKE_COLUMNS, OFF_NOTICE

    posts, profiles = magop_inputs(tmp_path)
    authors = tmp_path / "authors.csv"
    code, _, err = _run(str(posts), "-o", str(tmp_path / "p.csv"), "--profiles", str(profiles), "--accounts-out", str(authors))
    assert code == 0, err
    assert err.count(f"2 look-alike groups of 7 author profiles: see column lookalike_evidence of {authors}") == 1
    got = pd.read_csv(authors, dtype={"author_id": str}, keep_default_na=False)
    assert {r.screen_name: (r.lookalike_group, r.lookalike_size, r.lookalike_evidence) for r in got.itertuples()} == EXPECTED
    assert list(got.columns[-4:]) == [*LOOKALIKE_COLUMNS, "model_version"]

    code, _, err = _run(str(posts), "-o", str(tmp_path / "q.csv"), "--profiles", str(profiles), "--accounts-out", str(tmp_path / "b.csv"), "--no-lookalike")
    assert code == 0, err
    assert err.count(f"note: {OFF_NOTICE}") == 1 and "look-alike groups of" not in err
    off = pd.read_csv(tmp_path / "b.csv", dtype={"author_id": str})
    assert not set(LOOKALIKE_COLUMNS) & set(off.columns)
    assert off.set_index("author_id")["combined_score"].equals(got.set_index("author_id")["combined_score"])


def test_a_flat_csv_platform_column_is_read_and_not_said_unread(tmp_path: Path) -> None:
    """The README's flat CSV takes an optional `platform` column. It was read (rows stored as
    Facebook's), yet every run warned "column not read: 'platform'". Only the really unread column
    is named now; a header written `Platform` is read too."""
    for header in ("platform", "Platform"):
        src = tmp_path / f"{header}.csv"
        rows = "".join(f"p{i},u{i},meet at the square {i},2024-05-10T1{i}:00:00Z,facebook,kept aside\n" for i in range(3))
        src.write_text(f"post_id,author_id,text,created_at,{header},Notes\n" + rows, encoding="utf-8")
        out = tmp_path / f"{header}.out.csv"
        code, _, err = _run(str(src), "-o", str(out), "--no-account-model")
        assert code == 0, err
        said = [line for line in err.splitlines() if "not read" in line]
        assert len(said) == 1 and said[0].endswith(
            f"{src}: column not read: 'Notes' (no field this tool reads, or a second column for a field already read); "
            "map one with --columns name=header"
        )
        scores = pd.read_csv(out, dtype=str)
        assert list(scores["platform"]) == ["facebook", "facebook", "facebook"]
