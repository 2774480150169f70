"""The Dask engine gives the local engine's results, on a LocalCluster, including clusters across partitions."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

pytest.importorskip("distributed")

from detector import engine  # noqa: E402
from detector.accounts.lookalike import LOOKALIKE_COLUMNS, OFF_NOTICE  # noqa: E402
from detector.accounts.model import PACKAGE_MODEL, load_model  # noqa: E402
from detector.accounts.score import score_file  # noqa: E402
from detector.cli import cli  # noqa: E402
from detector.dates import DateRules  # noqa: E402
from detector.errors import InputError  # noqa: E402
from detector.io import write_table  # noqa: E402
from detector.posts.calls import POST_OUTPUT_COLUMNS, analyse_posts  # noqa: E402
from detector.posts.read import read_posts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TWIBOT = ROOT / "datasets" / "examples" / "twibot20_accounts.json"
FIX = Path(__file__).parent / "fixtures" / "posts"
AS_OF = "2020-09-01"


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    for name in ("distributed", "distributed.shuffle"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with engine.dask_client(n_workers=2, processes=False) as c:
        yield c


@pytest.fixture(scope="module")
def model():
    return load_model(PACKAGE_MODEL)


def _flat_posts(src: Path, tmp: Path) -> pd.DataFrame:
    """The fixture's canonical posts as a flat CSV table with explicit post ids."""
    posts = read_posts(src).posts.drop(columns=["source_row"])
    posts["created_at"] = posts["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    posts["post_id"] = [f"p{i:03d}" for i in range(len(posts))]
    return posts


def _csv_roundtrip(df: pd.DataFrame, path: Path, ids: tuple[str, ...]) -> pd.DataFrame:
    df.to_csv(path, index=False)
    return pd.read_csv(path, dtype={c: str for c in ids})


def _whole_and_parts(frame: pd.DataFrame, tmp: Path, split: int) -> tuple[Path, Path]:
    """``frame`` as one CSV file and as a folder of two CSV partitions (rows before and from ``split``)."""
    whole, parts = tmp / "all.csv", tmp / "parts"
    frame.to_csv(whole, index=False)
    parts.mkdir()
    frame.iloc[:split].to_csv(parts / "a.csv", index=False)
    frame.iloc[split:].to_csv(parts / "b.csv", index=False)
    return whole, parts


def test_accounts_on_dask_equal_local_with_a_duplicate_across_partitions(tmp_path: Path, client, model) -> None:
    records = json.loads(TWIBOT.read_text(encoding="utf-8"))
    records.append(records[5])  # the same account again, in the last partition
    whole = tmp_path / "all.jsonl"
    whole.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    parts = tmp_path / "parts"
    parts.mkdir()
    for i, chunk in enumerate((records[:40], records[40:80], records[80:])):
        (parts / f"accounts-{i}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chunk), encoding="utf-8")

    local = score_file(whole, str(tmp_path / "local.csv"), as_of=AS_OF, model=model)
    run = engine.score_partitioned(parts, str(tmp_path / "dask.csv"), as_of=AS_OF, model=model, client=client)

    assert (run.partitions, run.scored, run.rejected) == (3, 100, 1)
    assert (local.scored, local.rejected) == (100, 1)
    assert run.labels == local.labels
    assert sorted(p.name for p in (tmp_path / "dask.csv").iterdir()) == ["part-00000.csv", "part-00001.csv", "part-00002.csv"]
    got = engine.read_parts(str(tmp_path / "dask.csv")).sort_values("account_id", ignore_index=True)
    want = pd.read_csv(tmp_path / "local.csv", dtype={"account_id": str}).sort_values("account_id", ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)  # the look-alike columns too (empty text reads back as NaN in both)
    rejects = pd.read_csv(run.rejects_path)
    assert rejects[["row", "field"]].values.tolist() == [[21, "account_id"]]
    assert "duplicate of record 6 in" in rejects["reason"].iloc[0] and "accounts-0.jsonl" in rejects["reason"].iloc[0]


POLITICAL_BOTS = ROOT / "datasets" / "accounts" / "political-bots-2019.parquet"
# The look-alike groups of political-bots-2019 (62 real bots, each group sharing one description of
# 144 characters), as the local engine finds them over the whole list: group -> size.
POLITICAL_GROUPS = {"L1": 10, "L2": 9, "L3": 8, "L4": 8, "L5": 7, "L6": 5, "L7": 4, "L8": 3}


def test_accounts_on_dask_have_the_local_engines_lookalike_groups(tmp_path: Path, client, model) -> None:
    """The groups need the whole list: on Dask they are found over every partition's keys, so a group
    cut by the partitions is the group the local engine finds in one file, with the same names."""
    fields = ["account_id", "screen_name", "name", "description", "followers_count", "friends_count", "listed_count", "favourites_count",
              "statuses_count", "created_at", "collected_at", "verified", "default_profile", "default_profile_image"]  # fmt: skip
    table = pd.read_parquet(POLITICAL_BOTS)[fields]
    whole, parts = tmp_path / "all.csv", tmp_path / "parts"
    table.to_csv(whole, index=False)
    parts.mkdir()
    for i, (a, b) in enumerate(((0, 20), (20, 41), (41, 62))):
        table.iloc[a:b].to_csv(parts / f"bots-{i}.csv", index=False)

    local = score_file(whole, str(tmp_path / "local.csv"), model=model)
    run = engine.score_partitioned(parts, str(tmp_path / "dask.csv"), model=model, client=client)

    want = pd.read_csv(tmp_path / "local.csv", dtype={"account_id": str}, keep_default_na=False)
    got = engine.read_parts(str(tmp_path / "dask.csv")).fillna({"lookalike_group": "", "lookalike_evidence": ""})
    assert want.groupby("lookalike_group")["account_id"].count().drop("").to_dict() == POLITICAL_GROUPS
    assert (run.lookalike_groups, run.lookalike_accounts) == (local.lookalike_groups, local.lookalike_accounts) == (8, 54)
    cols = ["account_id", "score", "label", *LOOKALIKE_COLUMNS]
    pd.testing.assert_frame_equal(got[cols].sort_values("account_id", ignore_index=True), want[cols].sort_values("account_id", ignore_index=True), check_dtype=False)
    # the partitions cut groups: every group but L8 has accounts in two or three of them
    part_of = pd.Series(np.repeat([0, 1, 2], [20, 21, 21]), index=table["account_id"].astype(str))
    spans = want[want["lookalike_group"] != ""].groupby("lookalike_group")["account_id"].agg(lambda ids: part_of[ids].nunique())
    assert (spans > 1).sum() >= 5

    off = engine.score_partitioned(parts, str(tmp_path / "off.csv"), model=model, client=client, lookalike=False)
    assert not set(LOOKALIKE_COLUMNS) & set(engine.read_parts(str(tmp_path / "off.csv")).columns)
    assert (off.lookalike_groups, off.notices[-1]) == (0, OFF_NOTICE)


def test_posts_on_dask_equal_local_and_find_clusters_spanning_partitions(tmp_path: Path, client) -> None:
    posts = _flat_posts(FIX / "ira_calls.csv", tmp_path)
    whole = tmp_path / "all.csv"
    posts.to_csv(whole, index=False)
    parts = tmp_path / "parts"
    parts.mkdir()
    # Round-robin: every cluster's posts land in different partitions.
    part_of = {pid: i % 3 for i, pid in enumerate(posts["post_id"])}
    for k in range(3):
        posts[posts["post_id"].map(part_of) == k].to_parquet(parts / f"posts-{k}.parquet", index=False)

    local = analyse_posts(read_posts(whole).posts, window="10min")
    run = engine.analyse_partitioned(
        parts, str(tmp_path / "scores.parquet"), clusters_out=str(tmp_path / "clusters.csv"),
        accounts_out=str(tmp_path / "authors.parquet"), campaigns_out=str(tmp_path / "campaigns.csv"), window="10min", client=client,
    )  # fmt: skip

    # The expected figures of the local engine on this fixture (tests/test_cli_posts.py).
    assert (run.posts, run.extra["clusters"], len(run.memberships)) == (26, 3, 11)
    spanning = run.memberships.assign(part=run.memberships["post_id"].map(part_of)).groupby("cluster_id")["part"].nunique()
    assert (spanning >= 2).all(), spanning
    got = engine.read_parts(str(tmp_path / "scores.parquet")).sort_values("post_id", ignore_index=True)
    # The local engine's post output: text, language, the call and its what/when/where, the campaign.
    assert got.columns.tolist() == POST_OUTPUT_COLUMNS
    want = local.posts.sort_values("post_id", ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # (How many calls is the call model's to say, retrained now and then; that both engines agree is checked above.)
    assert (got["campaign_id"].nunique(), int(got["campaign_id"].notna().sum()), int(got["lang"].eq("sr").sum())) == (3, 11, 11) and got["is_call"].sum() > 5
    # The campaigns file, as the local engine's.
    write_table(local.campaigns.campaigns, str(tmp_path / "local_campaigns.csv"))
    assert (tmp_path / "campaigns.csv").read_bytes() == (tmp_path / "local_campaigns.csv").read_bytes()
    assert pd.read_csv(tmp_path / "campaigns.csv")["n_posts"].tolist() == [4, 4, 3]
    pd.testing.assert_frame_equal(run.memberships, local.memberships)
    pd.testing.assert_frame_equal(run.coordination.clusters, local.coordination.clusters)
    pd.testing.assert_frame_equal(run.coordination.account_scores, local.coordination.account_scores)
    authors = engine.read_parts(str(tmp_path / "authors.parquet")).sort_values("author_id", ignore_index=True)
    # The dask command writes the author rule and model version, as the local command's accounts file does.
    assert authors.pop("model_version").unique().tolist() == ["authors-2+no-account-model"]
    pd.testing.assert_frame_equal(authors, local.authors.sort_values("author_id", ignore_index=True), check_dtype=False)
    # Posts that share nothing with another account never leave the workers.
    assert run.candidates < run.posts


def test_posts_with_profiles_on_dask_equal_local(tmp_path: Path, client, model) -> None:
    lines = (FIX / "pheme_ferguson.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "a.jsonl").write_text("".join(lines[::2]), encoding="utf-8")
    (parts / "b.jsonl").write_text("".join(lines[1::2]), encoding="utf-8")
    read = read_posts(FIX / "pheme_ferguson.jsonl")
    local = analyse_posts(read.posts, users=read.users, model=model)
    run = engine.analyse_partitioned(parts, str(tmp_path / "s.csv"), model=model, client=client)
    assert run.extra["author_profiles_scored"] == len(local.account_scores) > 0
    got = engine.read_parts(str(tmp_path / "s.csv")).sort_values("post_id", ignore_index=True)
    # Both engines' CSV posts outputs read back the same (the local one as `detector posts` writes it).
    write_table(local.posts, str(tmp_path / "w.csv"))
    want = pd.read_csv(tmp_path / "w.csv", dtype={"post_id": str, "author_id": str})
    pd.testing.assert_frame_equal(got, want.sort_values("post_id", ignore_index=True))


def test_posts_on_dask_keep_a_post_repeated_across_partitions_once_as_locally(tmp_path: Path, client) -> None:
    """Daily exports that overlap (the last rows of one again at the top of the next) hold the same
    post ids in two partitions. The local engine keeps the first of each in a file; the dask engine
    scored both copies (42 posts for 37 on PHEME's real Ferguson tweets: "author posted 3 other
    posts within ±60 min" counted the author's own copies, and 9 scores differed)."""
    flat = pd.read_csv(FIX / "flat_ferguson.csv", dtype=str, keep_default_na=False)
    whole, parts = tmp_path / "all.csv", tmp_path / "parts"
    parts.mkdir()
    pd.concat([flat.iloc[:23], flat.iloc[18:]]).to_csv(whole, index=False)  # rows 18-22 twice
    flat.iloc[:23].to_csv(parts / "day-1.csv", index=False)
    flat.iloc[18:].to_csv(parts / "day-2.csv", index=False)

    read = read_posts(whole)
    local = analyse_posts(read.posts)
    run = engine.analyse_partitioned(parts, str(tmp_path / "s.csv"), client=client)
    assert (len(read.posts), read.rejects.n_rejected) == (37, 5)
    assert (run.posts, run.scored, run.rejected) == (37, 37, 5)
    got = engine.read_parts(str(tmp_path / "s.csv")).sort_values("post_id", ignore_index=True)
    write_table(local.posts, str(tmp_path / "w.csv"))
    want = pd.read_csv(tmp_path / "w.csv", dtype={"post_id": str, "author_id": str})
    pd.testing.assert_frame_equal(got, want.sort_values("post_id", ignore_index=True))
    # The later copies are set aside, each named by its partition file and row, and the first copy's.
    rejects = pd.read_csv(run.rejects_path, dtype={"raw": str})
    first = parts / "day-1.csv"
    assert rejects[["file", "row", "field", "action", "reason"]].values.tolist() == [
        [str(parts / "day-2.csv"), k - 18, "post_id", "rejected", f"duplicate of record {k} in {first} (post {flat['post_id'][k - 1]})"]
        for k in range(19, 24)
    ]


def test_posts_without_ids_in_files_of_one_name_stay_apart(tmp_path: Path, client) -> None:
    """Ids made from record numbers are qualified with the partition's name. Two days' exports
    under one file name (day-1/ira.csv, day-2/ira.csv, a glob's usual catch) both made "ira:r1"…:
    now they are named by their path from the common folder, and no post passes for another's copy."""
    raw = pd.read_csv(FIX / "ira_calls.csv", dtype=str, keep_default_na=False)
    for day, rows in (("day-1", raw.iloc[:13]), ("day-2", raw.iloc[13:])):
        (tmp_path / "in" / day).mkdir(parents=True)
        rows.to_csv(tmp_path / "in" / day / "ira.csv", index=False)
    assert engine.partition_names([str(tmp_path / "in" / d / "ira.csv") for d in ("day-1", "day-2")]) == ["day-1/ira", "day-2/ira"]
    assert engine.partition_names(["x/a.csv", "y/b.csv"]) == ["a", "b"]
    run = engine.analyse_partitioned(str(tmp_path / "in" / "*" / "ira.csv"), str(tmp_path / "s.csv"), window="10min", client=client)
    assert (run.posts, run.rejected) == (26, 2)  # the fixture's two bad rows (tests/test_cli_posts.py); no post taken for a copy
    ids = engine.read_parts(str(tmp_path / "s.csv"))["post_id"]
    assert sorted(ids.str.split(":").str[0].value_counts().items()) == [("day-1/ira", 13), ("day-2/ira", 13)]


def test_candidate_keys_link_near_duplicates_across_partitions() -> None:
    a = pd.DataFrame({
        "post_id": ["1"], "author_id": ["u1"], "text": ["come join the rally at city hall tomorrow at noon everyone"],
        "repost_of": [pd.NA], "urls": ["https://www.Example.org/x/?utm_source=t"], "hashtags": ["texit rally"],
    })  # fmt: skip
    b = a.assign(post_id=["2"], author_id=["u2"], text=["come join the rally at city hall tomorrow at noon everyone!!"], urls=["http://example.org/x"])
    ka, kb = engine.coordination_keys(a), engine.coordination_keys(b)
    shared = set(ka["key"]) & set(kb["key"])
    assert "url:example.org/x" in shared and "tags:texit rally" in shared
    # Same token set (punctuation aside): same set key and all 12 band keys, wherever it is computed.
    assert sum(k.startswith("set:") for k in shared) == 1
    assert sum(k.startswith("band") for k in shared) == 12


def test_partition_listing(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("x\n1\n")
    (tmp_path / "a.parquet").write_bytes(b"")
    (tmp_path / ".hidden.csv").write_text("x\n")
    (tmp_path / "out.rejects.csv").write_text("x\n")
    (tmp_path / "_SUCCESS").write_text("")
    assert [p.name for p in engine.list_partitions(tmp_path)] == ["a.parquet", "b.csv"]
    # Any other file is named, not skipped without a word (tests/test_io_wrong_kind.py: the message)
    (tmp_path / "notes.txt").write_text("x\n")
    with pytest.raises(InputError, match=r"the folder holds a file that is not a part \(notes.txt\)"):
        engine.list_partitions(tmp_path)
    (tmp_path / "notes.txt").unlink()
    with pytest.raises(InputError, match="no such file or folder"):
        engine.list_partitions(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no partition files"):
        engine.list_partitions(tmp_path / "empty")


def test_cli_posts_and_score_with_dask_engine(tmp_path: Path) -> None:
    posts = _flat_posts(FIX / "ira_calls.csv", tmp_path)
    parts = tmp_path / "parts"
    parts.mkdir()
    posts.iloc[:13].to_csv(parts / "p0.csv", index=False)
    posts.iloc[13:].to_csv(parts / "p1.csv", index=False)
    runner = CliRunner()
    out = tmp_path / "scores.csv"
    result = runner.invoke(cli, ["posts", str(parts), "--engine", "dask", "-o", str(out), "--window", "10min", "--clusters", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    assert "26 posts scored from 2 partitions" in result.stderr and "3 clusters" in result.stderr
    assert len(engine.read_parts(str(out))) == 26
    # A rerun replaces the folder whole.
    assert runner.invoke(cli, ["posts", str(parts), "--engine", "dask", "-o", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.csv", "part-00001.csv"]
    (tmp_path / "empty").mkdir()
    missing = runner.invoke(cli, ["score", str(tmp_path / "empty"), "--engine", "dask", "-o", str(tmp_path / "acc.csv")])
    assert missing.exit_code == 2 and "no partition files" in missing.output


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens there.
    result = CliRunner().invoke(cli, ["score", str(TWIBOT), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output


def test_cli_posts_on_dask_takes_profiles_and_timings_as_locally(tmp_path: Path) -> None:
    """--profiles and --timings-out with --engine dask: the same scores, reasons and profile count as the local engine."""
    read = read_posts(FIX / "pheme_ferguson.jsonl")
    posts = read.posts.drop(columns=["source_row"])
    flat = tmp_path / "posts.csv"
    posts.to_csv(flat, index=False)
    parts = tmp_path / "parts"
    parts.mkdir()
    posts.iloc[::2].to_csv(parts / "a.csv", index=False)
    posts.iloc[1::2].to_csv(parts / "b.csv", index=False)
    profiles = tmp_path / "profiles.json"  # the Bot Repository shape, as in tests/test_cli_posts.py
    profiles.write_text(json.dumps([rec for _, rec in read.users]))
    runner = CliRunner()
    local = runner.invoke(cli, ["posts", str(flat), "-o", str(tmp_path / "local.csv"), "--profiles", str(profiles), "--accounts", str(tmp_path / "la.csv")])
    assert local.exit_code == 0, local.output
    timings = tmp_path / "t.json"
    run = runner.invoke(cli, [
        "posts", str(parts), "--engine", "dask", "-o", str(tmp_path / "dask.csv"), "--profiles", str(profiles),
        "--accounts", str(tmp_path / "da.csv"), "--timings-out", str(timings),
    ])  # fmt: skip
    assert run.exit_code == 0, run.output
    n = len(read.users)
    assert f"{n} author profiles scored" in local.stderr and f"{n} author profiles scored" in run.stderr
    matched = f"{n} of {n} profiles in {profiles} match an author of the posts (by author id or screen name)"
    assert matched in local.stderr and matched in run.stderr
    cols = ["post_id", "score", "label", "reasons"]
    got = engine.read_parts(str(tmp_path / "dask.csv")).astype({"post_id": str}).sort_values("post_id", ignore_index=True)
    want = pd.read_csv(tmp_path / "local.csv", dtype={"post_id": str}).sort_values("post_id", ignore_index=True)
    pd.testing.assert_frame_equal(got[cols], want[cols])
    assert engine.read_parts(str(tmp_path / "da.csv"))["account_score"].notna().all()
    t = json.loads(timings.read_text(encoding="utf-8"))
    assert t["engine"] == "dask"
    assert list(t["seconds"]) == ["read and keys", "coordination", "author profiles", "campaigns", "scores and writing"]
    assert set(t["client_cpu_seconds"]) == set(t["seconds"]) and all(v >= 0 for v in t["seconds"].values())


def test_posts_on_dask_read_times_by_tz_and_name_platforms_as_locally(tmp_path: Path, client) -> None:
    # Synthetic posts (written for this test): local Belgrade times without a zone, one handle on two platforms.
    rows = [
        ("p1", "anna", "bluesky", "Svi na protest sutra u 18h ispred Skupstine", "2026-11-29 20:15"),
        ("p2", "anna", "x", "Svi na protest sutra u 18h ispred Skupstine", "2026-11-29 20:16"),
        ("p3", "boris", "bluesky", "Lep dan danas u parku", "2026-07-01 09:00"),
        ("p4", "boris", "bluesky", "Opet lep dan danas u parku", "2026-07-01 10:00"),
    ]
    frame = pd.DataFrame(rows, columns=["post_id", "author_id", "platform", "text", "created_at"])
    whole, parts = _whole_and_parts(frame, tmp_path, 2)
    runner = CliRunner()
    local = runner.invoke(cli, ["posts", str(whole), "-o", str(tmp_path / "l.csv"), "--accounts", str(tmp_path / "la.csv"), "--tz", "Europe/Belgrade"])
    assert local.exit_code == 0, local.output
    run = engine.analyse_partitioned(parts, str(tmp_path / "d.csv"), accounts_out=str(tmp_path / "da.csv"), dates=DateRules(tz="Europe/Belgrade"), client=client)
    assert run.scored == 4
    got = engine.read_parts(str(tmp_path / "d.csv")).sort_values("post_id", ignore_index=True)
    want = pd.read_csv(tmp_path / "l.csv").sort_values("post_id", ignore_index=True)
    # Winter and summer time in Belgrade; each post says its platform (the input is not all X's).
    assert got["created_at"].tolist() == ["2026-11-29 19:15:00+00:00", "2026-11-29 19:16:00+00:00", "2026-07-01 07:00:00+00:00", "2026-07-01 08:00:00+00:00"]
    assert got.columns.tolist() == POST_OUTPUT_COLUMNS + ["platform"] == want.columns.tolist()
    assert got["platform"].tolist() == ["bluesky", "x", "bluesky", "bluesky"]
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # anna's two accounts posted one text within a minute: a cluster in both engines.
    assert got["cluster_ids"].notna().tolist() == [True, True, False, False]
    # One handle on two platforms is two authors, in both engines.
    authors = engine.read_parts(str(tmp_path / "da.csv")).sort_values(["author_id", "platform"], ignore_index=True)
    assert authors[["author_id", "platform"]].values.tolist() == [["anna", "bluesky"], ["anna", "x"], ["boris", "bluesky"]]
    want_authors = pd.read_csv(tmp_path / "la.csv").sort_values(["author_id", "platform"], ignore_index=True)
    # With the account model's version, as the local command writes it.
    assert authors["model_version"].unique().tolist() == ["authors-2+no-account-model"]
    pd.testing.assert_frame_equal(authors, want_authors, check_dtype=False)


def test_ira_partial_profiles_on_dask_equal_local(tmp_path: Path, client) -> None:
    """The IRA CSV's followers and following are partial profiles in both engines (real IRA rows, two partitions)."""
    raw = pd.read_csv(FIX / "ira_calls.csv", dtype=str)
    parts = tmp_path / "parts"
    parts.mkdir()
    raw.iloc[:14].to_csv(parts / "a.csv", index=False)
    raw.iloc[14:].to_csv(parts / "b.csv", index=False)
    read = read_posts(FIX / "ira_calls.csv")
    local = analyse_posts(read.posts, profiles=read.profiles, window="10min")
    run = engine.analyse_partitioned(parts, str(tmp_path / "s.csv"), accounts_out=str(tmp_path / "a.csv"), window="10min", client=client)
    # The figure tests/test_cli_posts.py expects of the local command on this file.
    assert run.extra["author_profiles_scored"] == len(local.account_scores) == 17
    got = engine.read_parts(str(tmp_path / "a.csv")).sort_values("author_id", ignore_index=True)
    want = local.authors.sort_values("author_id", ignore_index=True)
    assert got["account_score"].notna().sum() == 17
    cols = ["author_id", "account_score", "account_label", "combined_score", "label"]
    pd.testing.assert_frame_equal(got[cols], want[cols], check_dtype=False)


def test_cli_posts_on_dask_takes_day_order_and_columns_as_locally(tmp_path: Path) -> None:
    # Synthetic (written for this test): a header of our own and dates that read both ways.
    rows = [
        ("p1", "ana", "Svi na protest sutra u 18h ispred Skupstine", "03.04.2026. 10:00"),
        ("p2", "ben", "Svi na protest sutra u 18h ispred Skupstine", "03.04.2026. 10:01"),
        ("p3", "ana", "Lep dan danas", "05.06.2026. 09:00"),
    ]
    frame = pd.DataFrame(rows, columns=["post_id", "author_id", "Tekst", "created_at"])
    whole, parts = _whole_and_parts(frame, tmp_path, 2)
    options = ["--dayfirst", "--columns", "text=Tekst", "--no-account-model"]
    runner = CliRunner()
    local = runner.invoke(cli, ["posts", str(whole), "-o", str(tmp_path / "l.csv"), *options])
    assert local.exit_code == 0, local.output
    run = runner.invoke(cli, ["posts", str(parts), "--engine", "dask", "-o", str(tmp_path / "d.csv"), *options])
    assert run.exit_code == 0, run.output
    got = engine.read_parts(str(tmp_path / "d.csv")).sort_values("post_id", ignore_index=True)
    want = pd.read_csv(tmp_path / "l.csv").sort_values("post_id", ignore_index=True)
    # 3 April and 5 June (day first), in both engines.
    assert got["created_at"].tolist() == ["2026-04-03 10:00:00+00:00", "2026-04-03 10:01:00+00:00", "2026-06-05 09:00:00+00:00"]
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def _dated_posts(dates: list[str]) -> pd.DataFrame:
    # Synthetic (written for this test): short posts with dates in a local form.
    texts = ["Svi na protest sutra u 18h", "Lep dan danas u parku", "Vidimo se na trgu", "Hvala svima na podrsci", "Kisa ceo dan"]
    return pd.DataFrame({
        "post_id": [f"p{i}" for i in range(len(dates))], "author_id": [f"a{i % 3}" for i in range(len(dates))],
        "text": [texts[i % len(texts)] for i in range(len(dates))], "created_at": dates,
    })  # fmt: skip


def _in_parts(frame: pd.DataFrame, tmp: Path, splits: tuple[int, ...]) -> tuple[Path, Path]:
    """``frame`` as one CSV file and as a folder of CSV partitions cut at ``splits``."""
    whole, parts = tmp / "all.csv", tmp / "parts"
    frame.to_csv(whole, index=False)
    parts.mkdir()
    for k, (start, stop) in enumerate(zip((0, *splits), (*splits, len(frame)), strict=True)):
        frame.iloc[start:stop].to_csv(parts / f"part-{k}.csv", index=False)
    return whole, parts


def test_posts_on_dask_settle_one_day_order_for_all_partitions_as_locally(tmp_path: Path, client) -> None:
    # The first two partitions hold only dates that read both ways; the third settles it: 25/04 is day first.
    dates = ["03/04/2019 10:00", "03/04/2019 10:01", "05/06/2019 09:00", "01/02/2019 08:00", "25/04/2019 12:00"]
    whole, parts = _in_parts(_dated_posts(dates), tmp_path, (2, 4))
    assert len(engine.list_partitions(parts)) == 3
    local = CliRunner().invoke(cli, ["posts", str(whole), "-o", str(tmp_path / "l.csv"), "--no-account-model"])
    assert local.exit_code == 0, local.output
    run = engine.analyse_partitioned(parts, str(tmp_path / "d.csv"), use_model=False, client=client)
    assert (run.partitions, run.scored, run.rejected) == (3, 5, 0)
    got = engine.read_parts(str(tmp_path / "d.csv")).sort_values("post_id", ignore_index=True)
    want = pd.read_csv(tmp_path / "l.csv").sort_values("post_id", ignore_index=True)
    # Every row day first (3 April, 5 June, 1 February), in every partition and in both engines.
    assert got["created_at"].tolist() == want["created_at"].tolist() == [
        "2019-04-03 10:00:00+00:00", "2019-04-03 10:01:00+00:00", "2019-06-05 09:00:00+00:00",
        "2019-02-01 08:00:00+00:00", "2019-04-25 12:00:00+00:00",
    ]  # fmt: skip
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # The whole file as one partition: its read settles the order, as locally.
    engine.analyse_partitioned(whole, str(tmp_path / "one.csv"), use_model=False, client=client)
    pd.testing.assert_frame_equal(engine.read_parts(str(tmp_path / "one.csv")).sort_values("post_id", ignore_index=True), want, check_dtype=False)


@pytest.mark.parametrize(
    ("dates", "splits", "words"),
    [
        # Both ways throughout: no partition settles it.
        (["03/04/2019 10:00", "05/06/2019 09:00", "01/02/2019 08:00"], (1, 2), "dates such as '03/04/2019 10:00' read both day-first"),
        # Day first in one partition, month first in the other: each partition on its own would settle
        # its own way, silently.
        (["25/04/2019 12:00", "03/04/2019 10:00", "04/26/2019 12:00", "05/06/2019 09:00"], (2,),
         "written both day-first ('25/04/2019 12:00') and month-first ('04/26/2019 12:00')"),
    ],
)
def test_posts_on_dask_stop_where_the_local_engine_stops_on_dates(tmp_path: Path, dates: list[str], splits: tuple[int, ...], words: str) -> None:
    whole, parts = _in_parts(_dated_posts(dates), tmp_path, splits)
    runner = CliRunner()
    local = runner.invoke(cli, ["posts", str(whole), "-o", str(tmp_path / "l.csv"), "--no-account-model"])
    run = runner.invoke(cli, ["posts", str(parts), "--engine", "dask", "-o", str(tmp_path / "d.csv"), "--no-account-model"])
    _assert_same_stop(local, run, whole, parts, words)
    assert local.output.splitlines() == _errors(local.output)  # locally, the error is all it says
    assert not (tmp_path / "d.csv").exists()


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def _assert_same_stop(local: Result, run: Result, whole: Path, parts: Path, words: str) -> None:
    """Both engines stop with exit code 2 and the same error, but for the name of the input (the
    file locally, the folder of partitions on dask); a new LocalCluster may log a line of its own."""
    assert local.exit_code == run.exit_code == 2, (local.output, run.output)
    assert words in local.output and words in run.output
    assert [line.replace(str(parts), str(whole)) for line in _errors(run.output)] == _errors(local.output)


def _dated_accounts(created: list[str], collected: list[str]) -> pd.DataFrame:
    # Synthetic (written for this test): accounts under Serbian headers, with local-form dates.
    n = len(created)
    return pd.DataFrame({
        "Nalog": [f"nalog_{i}" for i in range(n)], "Pratioci": [10 * i + 3 for i in range(n)], "Prati": [50 + i for i in range(n)],
        "Objave": [100 + 7 * i for i in range(n)], "Napravljen": created, "Prikupljeno": collected,
    })  # fmt: skip


ACCOUNT_OPTIONS = ("--columns", "screen_name=Nalog,followers_count=Pratioci,friends_count=Prati,statuses_count=Objave,created_at=Napravljen,collected_at=Prikupljeno")


def test_cli_score_on_dask_takes_date_options_as_locally(tmp_path: Path) -> None:
    # Created: only the last partition settles day first (25/04). Collected: only the first
    # settles month first (04/26). Each partition on its own would read 03/04 its own way.
    created = ["03/04/2015 10:00", "05/06/2015 09:00", "01/02/2016 08:00", "03/04/2016 11:00", "25/04/2016 12:00"]
    collected = ["04/26/2019 10:00", "03/04/2019 10:00", "03/04/2019 10:00", "05/06/2019 10:00", "05/06/2019 10:00"]
    whole, parts = _in_parts(_dated_accounts(created, collected), tmp_path, (2, 4))
    runner = CliRunner()
    for extra in ((), ("--tz", "Europe/Belgrade")):
        out_l, out_d = tmp_path / f"l{len(extra)}.csv", tmp_path / f"d{len(extra)}.csv"
        local = runner.invoke(cli, ["score", str(whole), "-o", str(out_l), "--top", "0", *ACCOUNT_OPTIONS, *extra])
        assert local.exit_code == 0, local.output
        run = runner.invoke(cli, ["score", str(parts), "--engine", "dask", "-o", str(out_d), *ACCOUNT_OPTIONS, *extra])
        assert run.exit_code == 0, run.output
        got = engine.read_parts(str(out_d)).sort_values("account_id", ignore_index=True)
        want = pd.read_csv(out_l).sort_values("account_id", ignore_index=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # Dates no value settles: an explicit order applies to every partition, as locally.
    amb = tmp_path / "amb"
    amb.mkdir()
    w2, p2 = _in_parts(_dated_accounts(["01/12/2018 10:00", "02/11/2018 09:00"], ["12/01/2019 10:00", "11/02/2019 10:00"]), amb, (1,))
    for order in ("--dayfirst", "--monthfirst"):
        local = runner.invoke(cli, ["score", str(w2), "-o", str(tmp_path / f"l{order}.csv"), "--top", "0", order, *ACCOUNT_OPTIONS])
        run = runner.invoke(cli, ["score", str(p2), "--engine", "dask", "-o", str(tmp_path / f"d{order}.csv"), order, *ACCOUNT_OPTIONS])
        assert local.exit_code == run.exit_code == 0, (local.output, run.output)
        pd.testing.assert_frame_equal(
            engine.read_parts(str(tmp_path / f"d{order}.csv")).sort_values("account_id", ignore_index=True),
            pd.read_csv(tmp_path / f"l{order}.csv").sort_values("account_id", ignore_index=True),
            check_dtype=False,
        )
    # The order reaches the scores: six weeks old (day first) or about two years old (month first).
    first, second = (engine.read_parts(str(tmp_path / f"d{o}.csv")).sort_values("account_id", ignore_index=True) for o in ("--dayfirst", "--monthfirst"))
    assert not first["score"].equals(second["score"])


@pytest.mark.parametrize(
    ("created", "splits", "words"),
    [
        (["03/04/2015 10:00", "05/06/2015 09:00", "01/02/2016 08:00"], (1, 2), "dates such as '03/04/2015 10:00' read both day-first"),
        (["25/04/2015 12:00", "03/04/2015 10:00", "04/26/2016 12:00", "05/06/2016 09:00"], (2,),
         "written both day-first ('25/04/2015 12:00') and month-first ('04/26/2016 12:00')"),
    ],
)
def test_score_on_dask_stops_where_the_local_engine_stops_on_dates(tmp_path: Path, created: list[str], splits: tuple[int, ...], words: str) -> None:
    whole, parts = _in_parts(_dated_accounts(created, ["2019-05-01 10:00"] * len(created)), tmp_path, splits)
    runner = CliRunner()
    local = runner.invoke(cli, ["score", str(whole), "-o", str(tmp_path / "l.csv"), "--top", "0", *ACCOUNT_OPTIONS])
    run = runner.invoke(cli, ["score", str(parts), "--engine", "dask", "-o", str(tmp_path / "d.csv"), *ACCOUNT_OPTIONS])
    _assert_same_stop(local, run, whole, parts, words)
    assert not (tmp_path / "d.csv").exists()


@pytest.mark.parametrize("on_client", [True, False])
def test_each_partition_is_read_once(tmp_path: Path, client, model, monkeypatch: pytest.MonkeyPatch, on_client: bool) -> None:
    """The posts, their rejects, profiles and notes (and the accounts, their rejects and notes) come from one
    read per file. Persisting the posts alone released the reads: with a client a later compute read files
    again (accounts: every file twice), and without one every compute read every file (posts: 5 times).
    The real readers are wrapped to count their calls (the client's workers are threads of this process)."""
    import detector.accounts.read as account_read
    import detector.posts.read as post_read

    reads: dict[tuple[str, str], int] = {}

    def counted(kind: str, reader):  # type: ignore[no-untyped-def]
        def read(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            reads[(kind, Path(path).name)] = reads.get((kind, Path(path).name), 0) + 1
            return reader(path, *args, **kwargs)

        return read

    monkeypatch.setattr(post_read, "read_posts", counted("posts", post_read.read_posts))
    monkeypatch.setattr(account_read, "read_accounts", counted("accounts", account_read.read_accounts))
    posts = pd.read_csv(FIX / "ira_calls.csv", dtype=str)
    (tmp_path / "posts").mkdir()
    for k in range(3):
        posts.iloc[k::3].to_csv(tmp_path / "posts" / f"p{k}.csv", index=False)
    records = json.loads(TWIBOT.read_text(encoding="utf-8"))
    (tmp_path / "accounts").mkdir()
    for k in range(3):
        (tmp_path / "accounts" / f"a{k}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records[k::3]), encoding="utf-8")
    use = client if on_client else None
    run = engine.analyse_partitioned(tmp_path / "posts", str(tmp_path / "s.csv"), window="10min", client=use)
    scored = engine.score_partitioned(tmp_path / "accounts", str(tmp_path / "a.csv"), as_of=AS_OF, model=model, client=use)
    assert reads == {("posts", "p0.csv"): 1, ("posts", "p1.csv"): 1, ("posts", "p2.csv"): 1,
                     ("accounts", "a0.jsonl"): 1, ("accounts", "a1.jsonl"): 1, ("accounts", "a2.jsonl"): 1}  # fmt: skip
    # What the reads gave is all there: every post and account, and the fixture's two bad posts.
    assert (run.posts, run.rejected, scored.scored) == (len(posts) - 2, 2, len(records))


@pytest.mark.slow
def test_worker_warnings_are_logged_by_the_cli_not_printed_bare(tmp_path: Path) -> None:
    """A reader's warning in a worker process (one per partition) went to Python's last-resort
    handler: printed bare on stderr, missing from --log-file, shown under -q. A real process,
    since the workers' stderr is the process's own, which CliRunner does not capture."""
    import subprocess
    import sys

    parts = tmp_path / "parts"
    parts.mkdir()
    posts = _flat_posts(FIX / "ira_calls.csv", tmp_path)
    posts.iloc[:13].to_csv(parts / "p0.csv", index=False)
    posts.iloc[13:].to_csv(parts / "p1.csv", index=False)
    with open(parts / "p1.csv", "a", encoding="utf-8") as fh:
        fh.write("x,y\n")
    said = "p1.csv, record 14: malformed CSV row (line 15 of the file)"

    def detector(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-c", "from detector.cli import main; main()", *args, "posts", str(parts), "--engine", "dask", "-o", str(tmp_path / "out")]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=True)

    log_file = tmp_path / "d.log"
    run = detector("--log-file", str(log_file))  # one run: a LocalCluster of processes takes seconds to start
    lines = [line for line in run.stderr.splitlines() if said in line]
    assert len(lines) == 1 and " WARNING detector.io: " in lines[0], run.stderr  # formatted by the CLI's handler
    assert said in log_file.read_text(encoding="utf-8")
    assert "26 posts scored from 2 partitions" in run.stderr


def test_posts_on_dask_give_the_authors_the_local_lookalike_groups(tmp_path: Path) -> None:
    """The groups across the authors' profiles (real political-bots-2019 profiles, synthetic posts; see
    tests/_magop.py) are found on the client over every profile: the author parts carry the local values."""
    from _magop import EXPECTED, magop_inputs

    posts, profiles = magop_inputs(tmp_path)
    frame = pd.read_csv(posts, dtype=str)
    parts = tmp_path / "parts"
    parts.mkdir()
    frame.iloc[::2].to_csv(parts / "a.csv", index=False)  # each group's authors in both partitions
    frame.iloc[1::2].to_csv(parts / "b.csv", index=False)
    runner = CliRunner()
    local = runner.invoke(cli, ["posts", str(posts), "-o", str(tmp_path / "l.csv"), "--profiles", str(profiles), "--accounts-out", str(tmp_path / "la.csv")])
    assert local.exit_code == 0, local.output
    run = runner.invoke(cli, ["posts", str(parts), "--engine", "dask", "-o", str(tmp_path / "d.csv"), "--profiles", str(profiles), "--accounts-out", str(tmp_path / "da.csv")])
    assert run.exit_code == 0, run.output
    assert f"2 look-alike groups of 7 author profiles: see column lookalike_evidence of {tmp_path / 'da.csv'}" in run.stderr
    got = engine.read_parts(str(tmp_path / "da.csv")).fillna({"lookalike_group": "", "lookalike_evidence": ""})
    assert {r.screen_name: (r.lookalike_group, r.lookalike_size, r.lookalike_evidence) for r in got.itertuples()} == EXPECTED
    want = pd.read_csv(tmp_path / "la.csv", dtype={"author_id": str}, keep_default_na=False)
    assert list(got.columns) == list(want.columns)


def test_dask_says_ten_row_warnings_of_a_field_for_the_whole_input(tmp_path: Path, client, caplog: pytest.LogCaptureFixture) -> None:
    """Each partition said its own first ten per field: ten per field and partition (3 parts: 30 lines, 200: 2,000).

    The rows are the shipped IRA example's, their publish_date replaced by a value no reader knows (synthetic).
    """
    rows = pd.read_csv(ROOT / "datasets" / "examples" / "posts" / "ira_texit_calls.csv", dtype=str).iloc[:36]
    rows["publish_date"] = rows["publish_date"].where(rows.index % 3 == 0, "sometime")  # 8 of each part's 12 rows
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(3):
        rows.iloc[i * 12 : (i + 1) * 12].to_csv(parts / f"p{i}.csv", index=False)
    with caplog.at_level(logging.WARNING, logger="detector"):
        run = engine.analyse_partitioned(parts, str(tmp_path / "d.csv"), use_model=False, client=client)
    assert (run.scored, run.rejected) == (12, 24)
    said = [r.getMessage() for r in caplog.records if r.name == "detector.io"]
    first = [(0, 2), (0, 3), (0, 5), (0, 6), (0, 8), (0, 9), (0, 11), (0, 12), (1, 2), (1, 3)]  # (part, record)
    assert said == [f"{parts / f'p{p}.csv'}, record {n}, field 'publish_date': unreadable time 'sometime'" for p, n in first] + [
        f"{parts}: more problems with field 'publish_date' than are shown here one by one: every one is in the rejects file"
    ]
    rejects = pd.read_csv(tmp_path / "d.rejects.csv", dtype=str)
    assert list(rejects.columns) == ["file", "row", "field", "action", "reason", "raw"]  # the held mark is not written
    assert len(rejects) == 24 and set(rejects["field"]) == {"publish_date"}


def test_dask_keeps_the_rejects_of_a_partition_whose_every_post_is_rejected(tmp_path: Path, client) -> None:
    """They were dropped: 24 posts without a readable time in two parts, beside one good part, gave 0 rejected and no
    rejects file, while the warnings said "every one is in the rejects file" (the IRA example's rows; times synthetic)."""
    rows = pd.read_csv(ROOT / "datasets" / "examples" / "posts" / "ira_texit_calls.csv", dtype=str).iloc[:36]
    rows.loc[:23, "publish_date"] = "sometime"
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(3):
        rows.iloc[i * 12 : (i + 1) * 12].to_csv(parts / f"p{i}.csv", index=False)
    run = engine.analyse_partitioned(parts, str(tmp_path / "d.csv"), use_model=False, client=client)
    assert (run.scored, run.rejected) == (12, 24)
    rejects = pd.read_csv(tmp_path / "d.rejects.csv", dtype=str)
    assert rejects[["file", "row"]].values.tolist() == [[str(parts / f"p{p}.csv"), str(n)] for p in (0, 1) for n in range(1, 13)]
    assert set(rejects["reason"]) == {"unreadable time 'sometime'"}


def test_a_workers_record_of_a_detector_error_is_not_printed_beside_the_cli_line() -> None:
    """score --engine dask on a folder of posts printed the worker's "Compute Failed" record (task, repr, traceback: a
    dozen lines) before the CLI's one "error:" line. Any other failure of a task still shows."""
    def failed(exception_text: str) -> logging.LogRecord:
        return logging.LogRecord(
            "distributed.worker", logging.ERROR, __file__, 1, "Compute Failed\nKey: %s\nState: %s\nTask: %s\nException: %r\nTraceback: %r\n",
            ("k", "executing", "<Task '_account_part'>", exception_text, "  File ..."), None,
        )

    assert not engine.not_a_detector_failure(failed("InputError(\"dd3/p.csv: an IRA tweets table (content, publish_date): ...\")"))
    assert not engine.not_a_detector_failure(failed("UnknownFormatError('x.csv: ...')"))  # a subclass
    assert engine.not_a_detector_failure(failed("ValueError('something else')"))
    assert engine.not_a_detector_failure(logging.LogRecord("distributed.worker", logging.ERROR, __file__, 1, "other", None, None))

    def installed() -> bool:
        return engine.not_a_detector_failure in logging.getLogger("distributed.worker").filters

    with engine.dask_client(n_workers=1, processes=True) as c:
        assert list(c.run(installed).values()) == [True]
    assert not installed()
