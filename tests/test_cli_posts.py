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
    code, _, err = _run(str(FIX / "ira_calls.csv"), "-o", str(out), "--clusters", str(clusters), "--accounts", str(accounts), "--window", "10min")
    assert code == 0, err
    assert "26 posts scored (ira)" in err
    assert "12 calls to action; 3 clusters" in err
    assert "2 records rejected" in err
    scores = pd.read_csv(out, dtype=str)
    assert list(scores.columns) == ["post_id", "author_id", "score", "label", "cluster_ids", "reasons"]
    assert len(scores) == 26
    assert set(scores["label"]) <= {"suspicious", "uncertain", "likely-genuine"}
    memberships = pd.read_csv(clusters)
    assert len(memberships) == 11
    assert {"cluster_id", "kind", "account_id", "post_id", "similarity", "n_accounts", "evidence"} <= set(memberships.columns)
    table = pd.read_csv(accounts)
    assert {"author_id", "n_posts", "coordination_score", "account_score", "combined_score"} <= set(table.columns)
    assert len(table) == 17
    rejects = pd.read_csv(tmp_path / "post_scores.rejects.csv")
    assert rejects[["row", "field"]].values.tolist() == [[28, "content"], [27, "publish_date"]]


def test_rerun_gives_identical_files(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    args = [str(FIX / "pheme_ferguson.jsonl"), "-o", str(out), "--no-account-model", "--clusters", str(tmp_path / "c.csv")]
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


def test_shipped_example_runs(tmp_path: Path) -> None:
    code, _, err = _run(str(EXAMPLE), "-o", str(tmp_path / "s.csv"), "--accounts", str(tmp_path / "a.csv"))
    assert code == 0, err
    authors = pd.read_csv(tmp_path / "a.csv").set_index("author_id")
    assert authors.loc["ITSTIMETOSECEDE", "n_calls"] == 109
    # Templated invitations in bursts put the account first, though it has no profile or partner.
    assert authors.index[0] == "ITSTIMETOSECEDE"


def test_profiles_in_posts_are_scored_with_the_account_model(tmp_path: Path) -> None:
    out, accounts = tmp_path / "s.csv", tmp_path / "a.csv"
    code, _, err = _run(str(FIX / "pheme_ferguson.jsonl"), "-o", str(out), "--accounts", str(accounts))
    assert code == 0, err
    assert "37 posts scored (v1)" in err and "30 author profiles scored" in err
    table = pd.read_csv(accounts, dtype={"author_id": str})
    assert len(table) == 30 and table["account_score"].notna().all()
    assert table["account_score"].between(0, 1).all()
    scores = pd.read_csv(out, dtype=str)
    # Every post now has an author term, so "likely-genuine" is possible; reasons name the score.
    assert not scores["reasons"].str.contains("author not scored").any()
    assert set(scores["label"]) <= {"suspicious", "uncertain", "likely-genuine"}
