"""Analyst labels: reading, joining profiles, training with them, and evaluating them apart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.accounts import model
from detector.cli import cli
from detector.errors import InputError
from detector.training import datasets, labels

ROOT = Path(__file__).resolve().parents[1]
TWIBOT = ROOT / "datasets" / "examples" / "twibot20_accounts.json"
# First rows of the shipped demonstration set: real IRA accounts with their partial profiles.
IRA_HEAD = """account_id,label,screen_name,followers_count,friends_count,statuses_count,collected_at
10_gop,1,10_gop,10462,1074,352,2017-10-15T23:34:00Z
1488reasons,troll,1488reasons,6570,4673,1945,2017-09-26T14:51:00Z
1D_Nicole_,maybe,1D_Nicole_,1021,1046,395,2015-11-26T22:35:00Z
5emen5emenich,inauthentic,5emen5emenich,2079,2029,11702,2015-12-28T12:16:00Z
10_gop,0,10_gop,10462,1074,352,2017-10-15T23:34:00Z
"""


@pytest.fixture(scope="module")
def public_small() -> pd.DataFrame:
    table = datasets.load_training_table()
    groups = [g.sample(min(len(g), 250), random_state=1) for _, g in table.groupby(["collection", "label"])]
    return pd.concat(groups, ignore_index=True)


def test_label_file_with_profiles(tmp_path: Path) -> None:
    f = tmp_path / "mine.csv"
    f.write_text(IRA_HEAD, encoding="utf-8")
    table, info = labels.add_analyst_labels(pd.DataFrame(columns=["account_id", "label", "collection"]), f, as_of="2019-01-01")
    added = table[table["collection"] == "analyst"]
    # 10_gop is labelled 1 in row 1 and 0 in row 5: both rows kept aside, no label guessed
    assert added[["account_id", "label", "statuses_count"]].values.tolist() == [
        ["1488reasons", 1, 1945.0], ["5emen5emenich", 1, 11702.0],
    ]  # fmt: skip
    assert set(added["kind"]) == {"analyst_inauthentic"} and set(added["source"]) == {"mine.csv"}
    assert str(added["collected_at"].iloc[0]) == "2017-09-26 14:51:00+00:00"
    assert info["accounts"] == 2 and info["inauthentic"] == 2 and info["rejected"] == 3
    assert info["sha256"] == datasets.sha256(f) and info["measured_to_as_of"] == 0
    rows = sorted(info["rejects"].frame()[["row", "field", "reason"]].values.tolist())
    assert rows == [
        [1, "label", "account '10_gop' is labelled both inauthentic and genuine (rows 1, 5): kept aside, no label is guessed"],
        [3, "label", "label 'maybe' is not one of 1/0, bot/human, inauthentic/genuine"],
        [5, "label", "account '10_gop' is labelled both inauthentic and genuine (rows 1, 5): kept aside, no label is guessed"],
    ]  # fmt: skip


def test_label_file_with_a_separate_profiles_file(tmp_path: Path) -> None:
    f = tmp_path / "mine.csv"
    # Real TwiBot-20 accounts; labels typed here only to test the join (not an evaluation).
    f.write_text("account_id,label\n17461978,human\nshaq,genuine\n999,bot\n", encoding="utf-8")
    table, info = labels.add_analyst_labels(pd.DataFrame(columns=["account_id", "label", "collection"]), f, profiles=TWIBOT, as_of="2020-09-01")
    added = table[table["collection"] == "analyst"]
    # By id, and by screen name case-insensitively (the same account: kept once).
    assert added["account_id"].tolist() == ["17461978"] and added["label"].tolist() == [0]
    assert sorted(info["rejects"].frame()[["row", "field", "reason"]].values.tolist()) == [
        [2, "account_id", "the same account is labelled again, with the same label: counted once"],
        [3, "account_id", "no profile for account '999' in the profiles file"],
    ]  # fmt: skip


def test_bad_label_files_are_clear_errors(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("id,class\n1,bot\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs the columns account_id,label") as e:
        labels.add_analyst_labels(pd.DataFrame(), f)
    assert "bad.csv" in str(e.value)
    f.write_text("account_id,label\n1,bot\n", encoding="utf-8")
    with pytest.raises(InputError, match="no profile columns"):
        labels.add_analyst_labels(pd.DataFrame(), f)
    with pytest.raises(InputError, match="no such file"):
        labels.add_analyst_labels(pd.DataFrame(), tmp_path / "missing.csv")


def test_an_account_labelled_otherwise_in_a_public_set_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    f = tmp_path / "mine.csv"
    f.write_text(IRA_HEAD, encoding="utf-8")
    public = pd.DataFrame({"account_id": ["1488reasons", "5emen5emenich"], "label": [0, 1], "collection": ["x", "x"]})
    _, info = labels.add_analyst_labels(public, f, as_of="2019-01-01")
    assert info["public_label_differs"] == ["1488reasons"]
    assert f"{f}: 1 labelled accounts carry the other label in a public set (both rows train): 1488reasons" in caplog.text


def test_ids_and_labels_without_profiles_are_refused_not_trained_as_empty_profiles(tmp_path: Path) -> None:
    # As an analyst exports them: screen name, numeric id and label. The id column is no profile;
    # until session 13 it made the file count as "with profiles" and trained three empty profiles.
    f = tmp_path / "ids.csv"
    f.write_text("screen_name,user_id,label\nDJGruuvan,2718436417,human\nKeep2020Alive,755808822506041344,bot\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"columns \(screen_name, user_id\) hold no profile field .* --profiles FILE") as e:
        labels.add_analyst_labels(pd.DataFrame(), f)
    assert "ids.csv" in str(e.value)


def test_blank_label_and_profiles_without_collection_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    f = tmp_path / "mine.csv"
    f.write_text("account_id,label\n17461978,human\n1297437077403885568,\n", encoding="utf-8")
    # the TwiBot-20 sample carries no collection time: ages are measured to as_of, and the log says so
    table, info = labels.add_analyst_labels(pd.DataFrame(columns=["account_id", "label", "collection"]), f, profiles=TWIBOT, as_of="2020-09-01")
    assert info["rejects"].frame()[["row", "field", "reason"]].values.tolist() == [[2, "label", "the label is blank"]]
    assert info["accounts"] == 1 and info["measured_to_as_of"] == 100
    # joined by screen name: a label with no profile names the screen_name column, the one in the file
    f.write_text("screen_name,label\nshaq,human\nno_such_name,bot\n", encoding="utf-8")
    _, info = labels.add_analyst_labels(pd.DataFrame(columns=["account_id", "label", "collection"]), f, profiles=TWIBOT, as_of="2020-09-01")
    assert info["rejects"].frame()[["row", "field", "reason"]].values.tolist() == [[2, "screen_name", "no profile for account 'no_such_name' in the profiles file"]]
    assert "100 labelled profiles carry no collection time (collected_at)" in caplog.text
    assert "measured to 2020-09-01T00:00:00+00:00:" in caplog.text


# Real rows of datasets/calls/labels.csv (post ids and labels only; no text).
CALL_ROWS = """post_id,source,is_call,labeller,method,notes
adc-al-1-58,albanian_dialect,0,h10a,read; sampled by keyword,
adc-al-1-64,albanian_dialect,0,h10a,read; sampled by keyword,
"""


def test_call_labels_read_and_repeats_counted_once(tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    f.write_text(CALL_ROWS + "adc-al-1-58,albanian_dialect,0,me,second look,\n", encoding="utf-8")
    got = labels.read_call_labels(f)
    assert got[["post_id", "source", "is_call"]].values.tolist() == [["adc-al-1-58", "albanian_dialect", 0], ["adc-al-1-64", "albanian_dialect", 0]]
    assert got.index.tolist() == [1, 2]


def _call_label_error(f: Path, more_rows: str) -> InputError:
    f.write_text(CALL_ROWS + more_rows, encoding="utf-8")
    with pytest.raises(InputError) as e:
        labels.read_call_labels(f)
    return e.value


def test_bad_call_labels_name_file_row_and_field(tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    assert str(_call_label_error(f, "adc-al-1-64,albanian_dialect,1,me,second look,\n")) == (
        f"{f}: 2 bad call-label rows: row 2, field is_call: post 'adc-al-1-64' is labelled both 0 and 1 (rows 2, 3): settle it, "
        "no label is guessed; row 3, field is_call: post 'adc-al-1-64' is labelled both 0 and 1 (rows 2, 3): settle it, no label is guessed"
    )
    assert str(_call_label_error(f, "ira-12,ira,yes,me,,\nira-13,ira,2,me,,\nira-14,ira,,me,,\n15,ira,0,me,,\nx-1,twitter,0,me,,\n")) == (
        f"{f}: 5 bad call-label rows: row 3, field is_call: is_call 'yes' is not 0 or 1; row 4, field is_call: is_call '2' is not 0 or 1; "
        "row 5, field is_call: is_call is blank; row 6, field post_id: an ira post id is ira-<row of tweets.parquet>, not '15'; "
        "row 7, field source: source 'twitter' is not one of albanian_dialect, mozetic, blokade, ira"
    )
    one = _call_label_error(f, "ira-12,ira,yes,me,,\n")
    assert (one.row, one.field) == (3, "is_call") and "is_call 'yes' is not 0 or 1" in str(one)
    f.write_text("post_id,label\nira-1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"needs the columns post_id,source,is_call \(missing: source, is_call\)"):
        labels.read_call_labels(f)


def test_cli_train_profiles_needs_labels_and_ids_only_labels_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    alone = runner.invoke(cli, ["train", "--profiles", str(TWIBOT), "-o", str(tmp_path / "m.npz")])
    assert alone.exit_code == 2 and "--profiles gives the profiles of the --labels accounts" in alone.output
    ids = tmp_path / "ids.csv"
    ids.write_text("screen_name,user_id,label\nDJGruuvan,2718436417,human\n", encoding="utf-8")
    refused = runner.invoke(cli, ["train", "--labels", str(ids), "-o", str(tmp_path / "m.npz")])
    assert refused.exit_code == 2 and "hold no profile field the model reads" in refused.output
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.slow
@pytest.mark.usefixtures("small_booster")
def test_evaluation_keeps_analyst_labels_apart(public_small: pd.DataFrame) -> None:
    # Two collections with both classes keep the test light: leave-one-out is then "train on one
    # (and on botwiki-2019), test on the other". botwiki-2019 has bots only: it trains, but has no
    # ROC-AUC or genuine accounts of its own, so it gets no row.
    public = public_small[public_small["collection"].isin(["botometer-feedback-2019", "cresci-2015", "botwiki-2019"])]
    table, _ = labels.add_analyst_labels(public, labels.DEMO_LABELS)
    analyst = table[table["collection"] == "analyst"].sample(200, random_state=0)
    # Five of the analyst's accounts also in a public collection (as ira-2018 holds the demonstration
    # set): the public side must not train on them.
    twins = analyst.head(5).assign(collection="ira-2018", kind="ira-twin")
    result = labels.evaluate_analyst_labels(pd.concat([public, twins], ignore_index=True), analyst)
    assert result.info["public_rows_left_out"] == 5
    assert "5 public rows are accounts of the analyst set" in result.markdown
    assert "their mean score moves by" in result.markdown  # the control reports the mean, not only the 0.8 share
    assert result.loco["left out"].tolist() == ["botometer-feedback-2019", "cresci-2015"]
    assert list(result.loco.columns) == ["left out", "accounts", "ROC-AUC public", "ROC-AUC public + analyst"]
    assert result.held_out["model"].tolist() == ["public", "public + analyst"]
    assert result.held_out["held-out analyst accounts"].tolist() == [60, 60]
    # Partial profiles: the model's rule never calls them suspicious, whatever the score.
    assert result.held_out["labelled suspicious"].tolist() == [0.0, 0.0]
    assert result.info["blanked_in_control"] == [
        "name", "description", "listed_count", "favourites_count", "created_at", "default_profile",
        "default_profile_image", "profile_use_background_image", "url", "location", "lang",
    ]  # fmt: skip
    assert result.info["equal_fields_features"] == [
        "statuses_count", "followers_count", "friends_count", "followers_friends_ratio",
        "screen_name_length", "num_digits_in_screen_name", "screen_name_likelihood", "followers_per_post",
    ]  # fmt: skip  (the shipped v4 features, session 7, the analyst's profiles give)
    assert len(result.equal_fields) == 2 and result.markdown.startswith("## Analyst labels\n")


def test_write_section_replaces_only_its_own(tmp_path: Path) -> None:
    f = tmp_path / "EVALUATION.md"
    f.write_text("# Evaluation\n\n## Accounts\nA\n\n## Analyst labels\nold\n\n## Posts\nP\n", encoding="utf-8")
    labels.write_section(f, "## Analyst labels\n\nnew\n")
    assert f.read_text() == "# Evaluation\n\n## Accounts\nA\n\n## Analyst labels\n\nnew\n\n## Posts\nP\n"


@pytest.mark.slow
@pytest.mark.usefixtures("small_booster")
def test_cli_train_with_labels_then_register(tmp_path: Path, public_small: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path / "home"))
    tables = tmp_path / "tables"
    tables.mkdir()
    for name, part in public_small.groupby("collection"):
        part.to_parquet(tables / f"{name}.parquet", index=False)
    mine = tmp_path / "mine.csv"
    mine.write_text(IRA_HEAD, encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "m.npz"
    # the control is tested below on two collections; here it would take two fits per collection
    trained = runner.invoke(cli, ["train", "--tables", str(tables), "--labels", str(mine), "-o", str(out), "--skip-control"])
    assert trained.exit_code == 0, trained.output
    # the shipped procedure's public collections, plus the two usable analyst labels (10_gop is labelled both ways)
    kept = int(public_small["collection"].isin(model.TRAINING_COLLECTIONS).sum()) + 2
    assert f"on {kept:,} accounts" in trained.output
    added = runner.invoke(cli, ["models", "add", str(out), "--use", "--notes", "IRA demo labels"])
    assert added.exit_code == 0, added.output
    card = runner.invoke(cli, ["models", "show", "--json"])
    assert '"analyst": 2' in card.output and '"analyst_labels": "' + datasets.sha256(mine) in card.output
    assert '"analyst_labels_control": "not run (--skip-control)"' in card.output


@pytest.mark.slow
@pytest.mark.usefixtures("small_booster")
def test_cli_train_with_labels_and_a_profiles_file_lists_the_rows_kept_aside(tmp_path: Path, public_small: pd.DataFrame) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    for name, part in public_small.groupby("collection"):
        part.to_parquet(tables / f"{name}.parquet", index=False)
    mine = tmp_path / "mine.csv"
    # Real TwiBot-20 accounts; labels typed here only to test the flow (not an evaluation).
    mine.write_text("account_id,label\n17461978,human\nshaq,genuine\n999,bot\n1297437077403885568,yes\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    trained = CliRunner().invoke(cli, ["train", "--tables", str(tables), "--labels", str(mine), "--profiles", str(TWIBOT), "--as-of", "2020-09-01", "-o", str(out), "--skip-control"])
    assert trained.exit_code == 0, trained.output
    assert "mine.csv: 1 labelled accounts used (0 inauthentic), 3 rows kept aside" in trained.output
    assert "  mine.csv, row 2, field account_id: the same account is labelled again, with the same label: counted once" in trained.output
    assert "  mine.csv, row 3, field account_id: no profile for account '999' in the profiles file" in trained.output
    assert "  mine.csv, row 4, field label: label 'yes' is not one of 1/0, bot/human, inauthentic/genuine" in trained.output
    card = json.loads(model.card_path(out).read_text(encoding="utf-8"))
    assert card["analyst_labels"] == {
        "file": "mine.csv", "sha256": datasets.sha256(mine), "profiles": TWIBOT.name, "accounts": 1, "inauthentic": 0, "rows_kept_aside": 3,
    }  # fmt: skip
    info = CliRunner().invoke(cli, ["info", "--model", str(out)])
    assert f"labels       analyst: mine.csv (sha256 {datasets.sha256(mine)[:12]}…, profiles from {TWIBOT.name}): 1 accounts, 0 inauthentic, 3 rows kept aside; control: not run (--skip-control)" in info.output
    hashes = card["training"]["data_sha256"]
    assert hashes["analyst_labels"] == datasets.sha256(mine) and hashes["analyst_profiles"] == datasets.sha256(TWIBOT)


def _synthetic_wrong_labels() -> pd.DataFrame:
    """Synthetic labels, wrong on purpose: 250 real verified-2019 humans cut to three counts and labelled
    bot, as analyst rows. A model trained with them can learn "these fields missing" = bot."""
    verified = datasets.load_training_table(collections=("verified-2019",)).sample(250, random_state=2)
    kept = ["account_id", "screen_name", "followers_count", "friends_count", "statuses_count", "collected_at"]
    rows = verified.copy()
    for c in rows.columns.difference([*kept, "collection", "label", "kind", "source"]):
        rows[c] = rows[c].where(pd.Series(False, index=rows.index))
    return rows.assign(label=1, collection=labels.ANALYST, kind="analyst_inauthentic")


@pytest.mark.slow
@pytest.mark.usefixtures("small_booster")
def test_cli_train_refuses_labels_that_fail_the_missing_fields_control(tmp_path: Path, public_small: pd.DataFrame) -> None:
    """``train --labels`` runs the control before training: labels that teach "fields missing" train
    nothing (exit 2, no file), and the message gives the figure."""
    tables = tmp_path / "tables"
    tables.mkdir()
    # Two public collections with both classes (two fits each); the other tables present but empty.
    two = public_small["collection"].isin(["botometer-feedback-2019", "cresci-2017"])
    for name, part in public_small.groupby("collection"):
        (part if two[part.index].all() else part.iloc[:0]).to_parquet(tables / f"{name}.parquet", index=False)
    # Synthetic labels, wrong on purpose: 250 real verified-2019 humans (not in the tables), cut to
    # three counts and labelled bot. A model trained with them learns "these fields missing" = bot.
    verified = datasets.load_training_table(collections=("verified-2019",)).sample(250, random_state=2)
    wrong = tmp_path / "wrong.csv"
    verified[["account_id", "screen_name", "followers_count", "friends_count", "statuses_count", "collected_at"]].assign(label="bot").to_csv(wrong, index=False)
    refused = CliRunner().invoke(cli, ["train", "--tables", str(tables), "--labels", str(wrong), "-o", str(tmp_path / "wrong.npz")])
    assert refused.exit_code == 2, refused.output
    # a quarter of real people pushed over 0.8 (+0.40 when written): refused, with the figure
    assert re.search(r"the labels fail the missing-fields control \(with the labels, the largest change .* is \+0\.[3-9]\d+ \(.*; limit \+0\.05\)\)", refused.output), refused.output
    assert "--skip-control" in refused.output
    assert not (tmp_path / "wrong.npz").exists()


def test_control_verdict_in_words() -> None:
    control = pd.DataFrame({
        "left out": ["botometer-feedback-2019", "cresci-2017"], "genuine accounts": [250, 250],
        "mean score public": [0.22, 0.15], "score >= 0.8 public": [0.12, 0.008],
        "mean score public + analyst": [0.25, 0.16], "score >= 0.8 public + analyst": [0.15, 0.02],
    })  # fmt: skip
    assert labels.passes_control(control)
    assert labels.control_verdict(control) == (
        "passed: with the labels, the largest change in the share of a left-out collection's genuine accounts "
        "(fields the labelled profiles lack blanked) scoring 0.8 or more is +0.030 (botometer-feedback-2019; limit +0.05)"
    )
    worse = control.assign(**{"score >= 0.8 public + analyst": [0.15, 0.412]})
    assert not labels.passes_control(worse)
    assert labels.control_verdict(worse).startswith("failed: ") and labels.control_verdict(worse).endswith("is +0.404 (cresci-2017; limit +0.05)")
    assert labels.control_verdict(control.iloc[:0]) == "not measured: no public collection with both classes to leave out"


def test_a_bot_repository_id_labelled_both_ways_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Synthetic archive in the Bot Repository's shape: botometer-feedback-2019 labels one id both human and
    # bot (755808822506041344). The shipped table keeps the first label, as built; the build now says so.
    import io
    import tarfile

    path = tmp_path / "mini-2019.tar.gz"
    users = json.dumps([{"created_at": "Mon Apr 16 10:00:00 +0000 2018", "user": {"id": i, "id_str": str(i), "screen_name": f"u{i}", "created_at": "Tue Jun 11 11:20:35 +0000 2013"}} for i in (1, 2)])
    with tarfile.open(path, "w:gz") as tf:
        for name, text in (("mini-2019.tsv", "1\thuman\n1\tbot\n2\tbot\n"), ("mini-2019_tweets.json", users)):
            data = text.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tf.addfile(member, io.BytesIO(data))
    accounts, _ = datasets._botrepo(path)
    assert accounts[["account_id", "label"]].values.tolist() == [["1", 0.0], ["2", 1.0]]
    assert f"{path}: 1 ids labelled both bot and human; the first label is kept: 1" in caplog.text
