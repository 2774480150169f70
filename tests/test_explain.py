"""`detector explain ACCOUNT [OTHER]`: why accounts are linked, from a clusters file or the store.

Real IRA posts (datasets/examples/posts/ira_texit_calls.csv): BADAEVVIKTOR, GUBATOVOFFICIAL,
IGORBEREJNEV and SHERRRRLEY retweeted the same Russian-language post in the minute 2015-10-16 00:13
(ids r1..r4 are the reader's row numbers: the IRA release has no tweet ids).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import InputError
from detector.ops.linkage import explain_link, read_memberships, render_text

ROOT = Path(__file__).resolve().parents[1]
TEXIT = ROOT / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
WATCHES = ROOT / "datasets" / "examples" / "watches.toml"
SHARED = "В Аргентине во время разгона акции протеста пострадал депутат Конгресса  http://t.co/LmLk0ITlPo"


@pytest.fixture(scope="module")
def clusters_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("explain")
    res = CliRunner().invoke(cli, ["posts", str(TEXIT), "-o", str(out / "post_scores.csv"), "--clusters-out", str(out / "clusters.csv")])
    assert res.exit_code == 0, res.output
    return out / "clusters.csv"


def test_two_accounts_with_their_shared_event(clusters_file: Path) -> None:
    link = explain_link(read_memberships(clusters_file), "BADAEVVIKTOR", "@gubatovofficial", source="c.csv")
    assert [(e.cluster_id, e.kind, e.n_accounts, e.evidence) for e in link.events] == [("repost-cd15260cdcf8", "repost", 4, "text:a660615e8dec215c")]
    posts = link.events[0].posts
    assert posts[["account_id", "post_id"]].values.tolist() == [["BADAEVVIKTOR", "r1"], ["GUBATOVOFFICIAL", "r2"]]
    assert posts["created_at"].astype(str).tolist() == ["2015-10-16 00:13:00+00:00"] * 2
    assert posts["text"].tolist() == [SHARED, SHARED]
    text = render_text(link)
    assert text.splitlines()[0] == "BADAEVVIKTOR and GUBATOVOFFICIAL are linked by 1 shared event (repost ×1) in c.csv:"
    assert "   2015-10-16 00:13:00 UTC  BADAEVVIKTOR  post r1: В Аргентине во время разгона акции протеста пострадал депутат Конгресса http://t.co/LmLk0ITlPo" in text


def test_one_account_lists_its_partners(clusters_file: Path) -> None:
    link = explain_link(read_memberships(clusters_file), "ALTMANCOON", source="c.csv")
    assert link.partners[["account_id", "shared_events", "kinds"]].values.tolist() == [["LISA_VOZ", 1, "repost"], ["MILMILMILA_", 1, "repost"]]
    assert render_text(link).splitlines()[:3] == [
        "ALTMANCOON is in 1 coordination event (repost ×1) in c.csv, with 2 other accounts:",
        "  LISA_VOZ: 1 shared event (repost)",
        "  MILMILMILA_: 1 shared event (repost)",
    ]


def test_unlinked_and_unknown_accounts(clusters_file: Path) -> None:
    m = read_memberships(clusters_file)
    link = explain_link(m, "BADAEVVIKTOR", "ALTMANCOON", source="c.csv")
    assert link.events == [] and render_text(link) == "BADAEVVIKTOR and ALTMANCOON share no coordination event in c.csv.\n"
    with pytest.raises(InputError, match="account 'ITSTIMETOSECEDE' is in no coordination cluster of c.csv"):
        explain_link(m, "ITSTIMETOSECEDE", source="c.csv")


def test_cli_from_a_file_and_from_the_store(clusters_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["explain", "@BADAEVVIKTOR", "SHERRRRLEY", "--clusters", str(clusters_file), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["shared_events"] == 1
    assert [(p["account_id"], p["post_id"], p["created_at"]) for p in doc["events"][0]["posts"]] == [
        ("BADAEVVIKTOR", "r1", "2015-10-16T00:13:00Z"),
        ("SHERRRRLEY", "r4", "2015-10-16T00:13:00Z"),
    ]

    db = tmp_path / "d.sqlite"
    res = runner.invoke(cli, ["run", "--watch", "texit-rally", "--config", str(WATCHES), "--from", str(TEXIT), "--db", str(db), "--data-dir", str(tmp_path), "-o", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["explain", "@badaevviktor", "@SHERRRRLEY", "--db", str(db), "--watch", "texit-rally", "--json"])
    assert res.exit_code == 0, res.output
    stored = json.loads(res.stdout)
    assert stored["shared_events"] == 1 and stored["events"][0]["kind"] == "repost"
    assert [(p["screen_name"], p["created_at"], p["text"]) for p in stored["events"][0]["posts"]] == [
        ("BADAEVVIKTOR", "2015-10-16T00:13:00Z", SHARED),
        ("SHERRRRLEY", "2015-10-16T00:13:00Z", SHARED),
    ]

    res = runner.invoke(cli, ["explain", "nobody", "--clusters", str(clusters_file)])
    assert res.exit_code == 2 and "account 'nobody' is in no coordination cluster" in res.output


def test_a_screen_name_asked_of_a_file_that_names_accounts_by_id_says_so(tmp_path: Path) -> None:
    # Real PHEME tweets (tests/fixtures/posts/pheme_ferguson.jsonl): ids are numbers, and the clusters
    # file of `detector posts` names members by id only. "@YourAnonNews" (id 279390084) is in a cluster:
    # the message said it was in none.
    res = CliRunner().invoke(
        cli,
        ["posts", str(ROOT / "tests" / "fixtures" / "posts" / "pheme_ferguson.jsonl"), "-o", str(tmp_path / "p.csv"), "--clusters-out", str(tmp_path / "c.csv")],
    )
    assert res.exit_code == 0, res.output
    m = read_memberships(tmp_path / "c.csv")
    assert explain_link(m, "279390084", source="c.csv").events  # by its id it is found
    with pytest.raises(InputError) as err:
        explain_link(m, "@YourAnonNews", source="c.csv")
    assert str(err.value) == (
        "field 'account': account '@YourAnonNews' is in no coordination cluster of c.csv by that name: the file names accounts by id "
        "only; give its id (author_id beside author_screen_name in the post scores)"
    )
