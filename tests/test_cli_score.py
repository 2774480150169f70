"""`detector score`, `train`, `info` and `datasets build` as a user runs them.

Outputs by extension, stdout, rejects beside the output, exit codes and error text, atomic
outputs, idempotent reruns. Scores come from the small model trained once per session
(conftest.py), passed with --model so the tests do not depend on the registry or the shipped file.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from threadpoolctl import threadpool_limits

from detector.accounts import model
from detector.accounts.lookalike import LOOKALIKE_COLUMNS
from detector.accounts.model import SCORE_COLUMNS, load_model, score_accounts
from detector.accounts.read import read_accounts
from detector.cli import cli
from detector.training import datasets

pytestmark = pytest.mark.usefixtures("no_network")

AS_OF = "2024-01-01"
# `detector score` writes each account's scores, then the look-alike evidence across the list.
OUTPUT_COLUMNS = SCORE_COLUMNS + list(LOOKALIKE_COLUMNS)
REJECT_COLUMNS = ["file", "row", "field", "action", "reason", "raw"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def score(input_path: Path | str, output: Path | str, model_path: Path, *extra: str) -> Result:
    return run("score", str(input_path), "-o", str(output), "--model", str(model_path), "--as-of", AS_OF, *extra)


def cresci_lines(accounts_dir: Path) -> list[str]:
    """Header and the three real rows of cresci2017_genuine.csv (0918Bask, 1120Roll, 1Nicoleromany)."""
    return (accounts_dir / "cresci2017_genuine.csv").read_text(encoding="utf-8").splitlines()


def test_score_writes_a_csv_matching_the_library(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    src = accounts_dir / "cresci2017_genuine.csv"
    out = tmp_path / "scores.csv"
    result = score(src, out, small_model_path)
    assert result.exit_code == 0, result.output
    [summary] = [line for line in result.stdout.splitlines() if line.startswith("scored ")]
    assert summary.startswith("scored 3 accounts (") and summary.endswith(f") -> {out}")
    got = pd.read_csv(out, dtype={"account_id": str})
    assert list(got.columns) == OUTPUT_COLUMNS
    assert got["account_id"].tolist() == ["1502026416", "2492782375", "1733095801"]
    want = score_accounts(read_accounts(src, as_of=AS_OF).accounts, load_model(small_model_path))
    assert got["score"].tolist() == want["score"].tolist()
    assert got["label"].tolist() == want["label"].tolist()
    assert got["reasons"].tolist() == want["reasons"].tolist()
    assert not (tmp_path / "scores.rejects.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.csv"]  # no temporary file left


@pytest.mark.parametrize("name", ["botrepo_2019.json", "v11_users.jsonl", "twibot20.json", "xapi_v2_users.json", "xapi_v2_user.json", "cresci2015_INT.csv"])
def test_score_reads_every_shape(accounts_dir: Path, small_model_path: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "scores.csv"
    result = score(accounts_dir / name, out, small_model_path)
    assert result.exit_code == 0, result.output
    want = read_accounts(accounts_dir / name, as_of=AS_OF).accounts["account_id"].tolist()
    assert pd.read_csv(out, dtype={"account_id": str})["account_id"].tolist() == want


def test_output_to_stdout(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    result = score(accounts_dir / "cresci2017_spambots.csv", "-", small_model_path)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"account_id": str})
    assert list(table.columns) == OUTPUT_COLUMNS
    assert table["account_id"].tolist() == ["24858289", "237177357"]
    # the summary goes to stderr so that stdout stays a clean table
    assert "scored 2 accounts (" in result.stderr
    assert "Most suspicious of 2 accounts" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_format_follows_the_extension(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    src = accounts_dir / "botrepo_2019.json"
    for name in ("s.csv", "s.jsonl", "s.parquet", "s.json"):
        assert score(src, tmp_path / name, small_model_path).exit_code == 0
    as_csv = pd.read_csv(tmp_path / "s.csv", dtype={"account_id": str})
    lines = (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert [list(r) for r in records] == [OUTPUT_COLUMNS] * 3
    assert [r["account_id"] for r in records] == ["969398693249126400", "2402022649", "31098240"]
    as_parquet = pd.read_parquet(tmp_path / "s.parquet")
    assert (tmp_path / "s.parquet").read_bytes()[:4] == b"PAR1"
    as_json = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))  # one JSON list
    assert as_json == records
    for other in (pd.DataFrame(records), as_parquet):
        assert other["account_id"].tolist() == as_csv["account_id"].tolist()
        assert other["score"].tolist() == as_csv["score"].tolist()
        assert other["reasons"].tolist() == as_csv["reasons"].tolist()


def mixed_input(accounts_dir: Path, path: Path) -> Path:
    """Real cresci-2017 rows with three kinds of damage: a bad count, a duplicate, no usable key."""
    header, first, second, third = cresci_lines(accounts_dir)
    path.write_text(
        "\n".join(
            [
                header,
                first,  # record 1: good
                second.replace('"330"', '"lots"', 1),  # record 2: followers_count is not a number
                first,  # record 3: a copy of record 1
                third.replace('"1733095801","Nicole Romany","1Nicoleromany"', '"1.73E+09","Nicole Romany",""'),  # record 4: no usable key
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_bad_rows_go_to_rejects_and_good_rows_are_scored(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    src = mixed_input(accounts_dir, tmp_path / "mixed.csv")
    out = tmp_path / "out" / "scores.csv"
    result = score(src, out, small_model_path)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out, dtype={"account_id": str})["account_id"].tolist() == ["1502026416", "2492782375"]
    rejects_file = tmp_path / "out" / "scores.rejects.csv"
    assert f"2 records rejected, 1 field warning -> {rejects_file}" in result.stdout
    rejects = pd.read_csv(rejects_file, dtype=str, keep_default_na=False)
    assert list(rejects.columns) == REJECT_COLUMNS
    assert set(rejects["file"]) == {str(src)}
    got = sorted(rejects[["row", "field", "action", "reason"]].itertuples(index=False, name=None))
    assert got == [
        ("2", "followers_count", "field ignored", "'lots' is not a non-negative number: field ignored, record kept"),
        ("3", "account_id", "rejected", "duplicate of record 1 (account 1502026416)"),
        ("4", "id", "rejected", "id '1.73E+09' was mangled by a spreadsheet (scientific notation loses digits): record rejected"),
    ]
    # the per-row warnings name the file, the record and the field
    assert f"{src}, record 2, field 'followers_count': 'lots' is not a non-negative number" in result.stderr
    # the same, whatever the chunk size and the number of worker processes
    for extra in (["--chunksize", "1"], ["--chunksize", "2", "--workers", "2"]):
        other = tmp_path / "other" / "scores.csv"
        assert score(src, other, small_model_path, *extra).exit_code == 0
        assert other.read_bytes() == out.read_bytes(), extra
        # the same notes; their order follows the chunks
        assert sorted((tmp_path / "other" / "scores.rejects.csv").read_text().splitlines()) == sorted(rejects_file.read_text().splitlines())
    # a clean rerun into the same place removes the stale rejects file
    assert score(accounts_dir / "cresci2017_genuine.csv", out, small_model_path).exit_code == 0
    assert not rejects_file.exists()


def test_repeated_ids_of_every_kind_are_rejected_across_chunks(tmp_path: Path, small_model_path: Path) -> None:
    # Numeric ids (kept as numbers) and screen names, DIDs and zero-padded ids (kept as text): a
    # repeat within a chunk or in a later one names the record read first. Synthetic rows.
    src = tmp_path / "ids.csv"
    src.write_text(
        "id,screen_name,followers_count\n"
        "12,a,1\n"  # 1
        ",bob,2\n"  # 2: no id, the screen name is the key
        "did:plc:x1,c,3\n"  # 3
        "012,d,4\n"  # 4: not the same account as 12
        "12,e,5\n"  # 5: repeats 1
        ",bob,6\n"  # 6: repeats 2
        "did:plc:x1,f,7\n"  # 7: repeats 3
        "999999999999999999,g,8\n"  # 8: 18 digits, still a number
        "999999999999999999,h,9\n",  # 9: repeats 8
        encoding="utf-8",
    )
    expected = [
        ("5", "duplicate of record 1 (account 12)"),
        ("6", "duplicate of record 2 (account bob)"),
        ("7", "duplicate of record 3 (account did:plc:x1)"),
        ("9", "duplicate of record 8 (account 999999999999999999)"),
    ]
    for chunksize, workers in (("1", "1"), ("2", "1"), ("100", "1"), ("2", "2")):  # workers work out the id keys
        out = tmp_path / f"{chunksize}-{workers}" / "scores.csv"
        assert score(src, out, small_model_path, "--chunksize", chunksize, "--workers", workers).exit_code == 0
        assert pd.read_csv(out, dtype=str)["account_id"].tolist() == ["12", "bob", "did:plc:x1", "012", "999999999999999999"]
        rejects = pd.read_csv(out.with_name("scores.rejects.csv"), dtype=str)
        assert sorted(rejects[["row", "reason"]].itertuples(index=False, name=None), key=lambda r: int(r[0])) == expected, (chunksize, workers)


def test_a_repeat_after_many_chunks_names_its_first_record(tmp_path: Path, small_model_path: Path) -> None:
    # one record a chunk: the ids read so far are merged into one sorted table on the way
    src = tmp_path / "many.csv"
    src.write_text("id,followers_count\n" + "".join(f"{100 + i},{i}\n" for i in range(12)) + "101,5\n100,6\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    assert score(src, out, small_model_path, "--chunksize", "1").exit_code == 0
    assert len(pd.read_csv(out)) == 12
    rejects = pd.read_csv(tmp_path / "scores.rejects.csv", dtype=str)
    assert rejects[["row", "reason"]].values.tolist() == [["13", "duplicate of record 2 (account 101)"], ["14", "duplicate of record 1 (account 100)"]]


def test_nothing_scored_exits_3(tmp_path: Path, small_model_path: Path) -> None:
    src = tmp_path / "nokeys.csv"
    src.write_text("id,screen_name,followers_count\n,,10\n8.41E+17,,20\n")
    out = tmp_path / "scores.csv"
    result = score(src, out, small_model_path)
    assert result.exit_code == 3
    rejects_file = tmp_path / "scores.rejects.csv"
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {src}: no account could be scored (2 records rejected, see {rejects_file})"
    )
    assert not out.exists()
    assert pd.read_csv(rejects_file)["row"].tolist() == [2, 1]  # one note per record


def test_an_api_response_with_no_users_exits_3(tmp_path: Path, small_model_path: Path) -> None:
    src = tmp_path / "page.json"
    src.write_text(json.dumps({"errors": [{"detail": "Could not find user with ids: [1]."}], "data": []}))
    result = score(src, tmp_path / "scores.csv", small_model_path)
    assert result.exit_code == 3
    rejects = pd.read_csv(tmp_path / "scores.rejects.csv")
    assert rejects[["row", "field", "reason"]].values.tolist() == [[1, "data", "API response with no users in 'data'"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", b'[{"id_str": "1", "screen_name": "a"},', "malformed JSON: Expecting value: line 1 column 38 (char 37)"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content of an unknown format (a spreadsheet? save it as CSV)"),
        ("empty.csv", b"", "the file is empty"),
        ("header.csv", b"id,screen_name\n", "the CSV has a header but no rows"),
        ("broken.parquet", b"PAR1 and then nothing", "unreadable Parquet: Could not open Parquet input source '{src}': Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file."),
    ],
)
def test_unreadable_input_exits_2(tmp_path: Path, small_model_path: Path, name: str, content: bytes, message: str) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "scores.csv"
    result = score(src, out, small_model_path)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == f"error: {src}: {message.format(src=src)}"
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_score_reads_a_parquet_training_table(training_sample: pd.DataFrame, small_model_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "accounts.parquet"
    training_sample.head(25).to_parquet(src, index=False)  # canonical columns plus label, kind, source
    out = tmp_path / "scores.csv"
    result = score(src, out, small_model_path)
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, dtype={"account_id": str})
    assert got["account_id"].tolist() == training_sample["account_id"].head(25).tolist()
    want = score_accounts(training_sample.head(25), load_model(small_model_path))
    assert got["score"].tolist() == want["score"].tolist()


def test_usage_errors_exit_2(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    missing = run("score", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "s.csv"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
    bad_date = score(accounts_dir / "cresci2017_genuine.csv", tmp_path / "s.csv", small_model_path, "--as-of", "last tuesday")
    assert bad_date.exit_code == 2
    assert "'last tuesday' is not a date or time (use ISO 8601, e.g. 2020-09-01)" in bad_date.stderr
    bad_format = score(accounts_dir / "cresci2017_genuine.csv", tmp_path / "s.csv", small_model_path, "--format", "xml")
    assert bad_format.exit_code == 2
    assert not (tmp_path / "s.csv").exists()


def test_model_problems_exit_4(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    no_model = tmp_path / "none.npz"
    result = score(accounts_dir / "cresci2017_genuine.csv", tmp_path / "s.csv", no_model)
    assert result.exit_code == 4
    assert result.stderr.strip() == f"error: no model at {no_model}: run `detector train` (or `make run`, which trains when it is missing)"
    info = run("info", "--model", str(no_model))
    assert info.exit_code == 4
    assert not (tmp_path / "s.csv").exists()


def big_input_with_a_bad_row(accounts_dir: Path, path: Path) -> None:
    """600 real-looking rows (0918Bask's, with new ids), then a row with one field too many, then one more."""
    header, first, *_ = cresci_lines(accounts_dir)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for i in range(600):
            fh.write(first.replace('"1502026416"', f'"{1000 + i}"') + "\n")
        fh.write(first.replace('"1502026416"', '"9"').replace(',"ja",', ',"ja","extra",') + "\n")
        fh.write(first.replace('"1502026416"', '"10"') + "\n")


def test_a_bad_row_late_in_a_big_file_is_rejected_and_the_rest_scored(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "big.csv"
    big_input_with_a_bad_row(accounts_dir, src)
    out = tmp_path / "scores.csv"
    # chunks of 100: six chunks are read by the fast parser before the bad row is reached
    result = score(src, out, small_model_path, "--chunksize", "100")
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, dtype={"account_id": str})
    assert got["account_id"].tolist() == [str(1000 + i) for i in range(600)] + ["10"]
    rejects = pd.read_csv(tmp_path / "scores.rejects.csv")
    assert rejects[["row", "action"]].values.tolist() == [[601, "rejected"]]
    assert rejects["reason"].tolist() == ["malformed CSV row (line 602 of the file): 43 fields where the header has 42 (a delimiter inside an unquoted field, or a broken quote?)"]


@pytest.mark.parametrize("name", ["scores.csv", "scores.parquet", "scores.jsonl"])
def test_a_failure_leaves_no_partial_output(accounts_dir: Path, small_model_path: Path, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from detector.accounts import score as scoring

    src = tmp_path / "input" / "big.csv"
    src.parent.mkdir()
    big_input_with_a_bad_row(accounts_dir, src)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / name
    out.write_bytes(b"previous run's output\n")
    real = scoring.score_accounts
    calls = []

    def fails_on_the_seventh_chunk(accounts: pd.DataFrame, m: model.AccountModel) -> pd.DataFrame:
        calls.append(len(accounts))
        if len(calls) == 7:
            raise OSError("disk unplugged")  # a fault after six chunks were written
        return real(accounts, m)

    monkeypatch.setattr(scoring, "score_accounts", fails_on_the_seventh_chunk)
    with pytest.raises(OSError, match="disk unplugged"):
        scoring.score_file(src, str(out), model=load_model(small_model_path), chunksize=100)
    assert calls[:6] == [100] * 6
    assert out.read_bytes() == b"previous run's output\n"
    assert [p.name for p in out_dir.iterdir()] == [name]  # no temporary file left behind


@pytest.mark.parametrize("name", ["scores.csv", "scores.jsonl", "scores.parquet"])
def test_reruns_are_idempotent(accounts_dir: Path, small_model_path: Path, tmp_path: Path, name: str) -> None:
    header, first, second, third = cresci_lines(accounts_dir)
    src = tmp_path / "input.csv"
    src.write_text("\n".join([header, first, second.replace('"330"', '"n/a"', 1), third, first]) + "\n", encoding="utf-8")
    out = tmp_path / name
    outputs = []
    for _ in range(2):
        result = score(src, out, small_model_path)
        assert result.exit_code == 0, result.output
        outputs.append((out.read_bytes(), (tmp_path / "scores.rejects.csv").read_bytes()))
    assert outputs[0] == outputs[1]
    assert len(read_output(out)) == 3


def test_info(small_model: model.AccountModel, small_model_path: Path) -> None:
    result = run("info", "--model", str(small_model_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"model        {small_model.version}  ({small_model_path})"
    assert lines[1].startswith("features     v4: statuses_count, followers_count, friends_count")
    assert lines[2] == f"family       {small_model.card['family']}"
    assert lines[3] == "thresholds   suspicious >= 0.8, likely-genuine < 0.2"
    # in words, not as Python dicts (an analyst reads this)
    assert lines[4] == (
        "trained on   900 accounts: botometer-feedback-2019 120, botwiki-2019 60, caverlee-2011 120, "
        "cresci-2015 120, cresci-2017 120, cresci-stock-2018 120, political-bots-2019 60, "
        "pronbots-2019 60, vendor-purchased-2019 60, verified-2019 60"
    )
    # a model trained in a notebook carries no nested evaluation: said so, not left out
    assert lines[5] == "unseen       not measured for this model (see EVALUATION.md for the shipped procedure)"
    # the calibrations' rows: the 900 as they are and cut to each field group (test_model)
    assert lines[6].startswith("cross-coll.  ROC-AUC ") and lines[6].endswith(
        " on 3,360 cross-collection scores (each collection scored by a model fitted without it), 2,040 of them inauthentic"
    )
    assert lines[7].startswith("versions     python 3.")
    as_json = run("info", "--model", str(small_model_path), "--json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == json.loads(json.dumps(small_model.card, default=str))


def _training_tables(training_sample: pd.DataFrame, tables: Path) -> pd.DataFrame:
    """Write the sample's collections and, beyond them, 60 accounts of each class of every other
    training collection as tables under ``tables``; return all the rows written."""
    tables.mkdir()
    for name, part in training_sample.groupby("collection"):
        part.to_parquet(tables / f"{name}.parquet", index=False)
    extra = [
        datasets.load_training_table(collections=(name,)).groupby("label").sample(60, random_state=0)
        for name in sorted(set(model.TRAINING_COLLECTIONS) - set(training_sample["collection"]))
    ]
    for part in extra:
        part.to_parquet(tables / f"{part['collection'].iloc[0]}.parquet", index=False)
    return pd.concat([training_sample, *extra], ignore_index=True)


def test_train_writes_a_model_that_scores(training_sample: pd.DataFrame, accounts_dir: Path, tmp_path: Path, small_booster: None) -> None:
    tables = tmp_path / "tables"
    training_sample = _training_tables(training_sample, tables)
    target = tmp_path / "models" / "m.npz"
    with threadpool_limits(1):  # two OpenMP threads on two busy cores run slower than one
        result = run("train", "--tables", str(tables), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("trained acct-")
    # the shipped procedure's training collections only (EVALUATION.md says why the others are left out)
    kept = training_sample["collection"].isin(model.TRAINING_COLLECTIONS)
    assert f" on {kept.sum():,} accounts: cross-collection ROC-AUC " in result.stdout
    assert result.stdout.rstrip().endswith(f"-> {target}")
    assert sorted(p.name for p in target.parent.iterdir()) == ["m.card.json", "m.npz"]
    card = json.loads((target.parent / "m.card.json").read_text(encoding="utf-8"))
    assert card["training"]["data_sha256"] == datasets.table_hashes(tables)
    assert sorted(card["training"]["collections"]) == sorted(model.TRAINING_COLLECTIONS)
    # as the evaluated procedure: ira-2018's 60 trolls train beside 60 humans cut to their fields
    assert sum(card["training"]["masked_human_copies"]["ira-2018"].values()) == 60
    assert card["training"]["collections"]["ira-2018"] == 60  # the copies are not counted as accounts
    scored = score(accounts_dir / "cresci2017_genuine.csv", tmp_path / "s.csv", target)
    assert scored.exit_code == 0, scored.output


def test_train_without_output_registers_a_new_version_that_is_used_only_when_chosen(
    training_sample: pd.DataFrame, accounts_dir: Path, tmp_path: Path, small_booster: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detector.accounts import registry

    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path / "home"))
    tables = tmp_path / "tables"
    _training_tables(training_sample, tables)
    with threadpool_limits(1):
        result = run("train", "--tables", str(tables), "--notes", "test run")
    assert result.exit_code == 0, result.output
    [entry] = registry.list_models()
    assert result.stdout.rstrip().endswith(f"-> registered as {entry.version} (use it with `detector models use {entry.version}`)")
    assert registry.current_model_path() is None  # the packaged model stays in use
    assert registry.default_model_path() == model.PACKAGE_MODEL
    with threadpool_limits(1):
        used = run("train", "--tables", str(tables), "--use")
    assert used.exit_code == 0, used.output
    assert used.stdout.rstrip().endswith("(now in use)")
    current = registry.current_model_path()
    assert current is not None and registry.default_model_path() == current
    assert len(registry.list_models()) == 2


def test_train_without_tables_exits_2(tmp_path: Path) -> None:
    result = run("train", "--tables", str(tmp_path), "-o", str(tmp_path / "m.npz"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {tmp_path / 'cresci-2017.parquet'}: training table missing: run `detector datasets build` "
        "where ../shared/datasets exists"
    )
    assert list(tmp_path.iterdir()) == []


def test_datasets_build_names_the_missing_raw_file(tmp_path: Path) -> None:
    result = run("datasets", "build", "--raw", str(tmp_path))
    assert result.exit_code == 2
    missing = tmp_path / "cresci-2017" / "genuine_accounts.users.csv"
    assert result.stderr.strip() == f"error: {missing}: raw file of cresci-2017 missing"
    nowhere = run("datasets", "build", "--raw", str(tmp_path / "nowhere"))
    assert nowhere.exit_code == 2
    assert "does not exist" in nowhere.stderr


def test_every_account_command_documents_an_example() -> None:
    for args in (["score"], ["train"], ["info"], ["evaluate"], ["datasets", "build"]):
        result = run(*args, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout, args


def test_outputs_sharing_a_first_name_keep_their_own_rejects(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    src = mixed_input(accounts_dir, tmp_path / "mixed.csv")
    for day in ("05-01", "05-02"):
        assert score(src, tmp_path / "out" / f"scores.{day}.csv", small_model_path).exit_code == 0
    # a later run must not overwrite, or remove as stale, an earlier run's rejects
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "scores.05-01.csv", "scores.05-01.rejects.csv", "scores.05-02.csv", "scores.05-02.rejects.csv",
    ]


def test_the_network_guard_is_on() -> None:
    import socket

    with pytest.raises(RuntimeError, match="network access attempted in a test"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed


def test_an_output_that_cannot_be_written_exits_2_before_scoring(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    src = accounts_dir / "cresci2017_genuine.csv"
    folder = score(src, tmp_path, small_model_path)
    assert folder.exit_code == 2
    assert folder.stderr.strip() == f"error: {tmp_path}: the output is a folder: give a file name"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    under_file = score(src, a_file / "scores.csv", small_model_path)
    assert under_file.exit_code == 2
    assert under_file.stderr.strip() == f"error: {a_file / 'scores.csv'}: cannot write the output here: File exists"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_rejects_of_stdout_output_go_to_the_working_folder(accounts_dir: Path, small_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = mixed_input(accounts_dir, tmp_path / "mixed.csv")
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    result = score(src, "-", small_model_path)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(io.StringIO(result.stdout), dtype=str)["account_id"].tolist() == ["1502026416", "2492782375"]
    assert "2 records rejected, 1 field warning -> rejects.csv" in result.stderr
    assert len(pd.read_csv(cwd / "rejects.csv")) == 3


@pytest.mark.parametrize("name", ["scores.csv", "scores.jsonl", "scores.parquet", "scores.json"])
def test_chunked_output_equals_whole_output(accounts_dir: Path, small_model_path: Path, tmp_path: Path, name: str) -> None:
    # the first chunk's accounts have no screen name: that column starts all missing
    header, first, second, third = cresci_lines(accounts_dir)
    src = tmp_path / "input.csv"
    src.write_text("\n".join([header, first.replace('"0918Bask"', ""), second, third]) + "\n", encoding="utf-8")
    tables = []
    for chunksize in ("1", "200000"):
        out = tmp_path / chunksize / name
        result = score(src, out, small_model_path, "--chunksize", chunksize)
        assert result.exit_code == 0, result.output
        tables.append(read_output(out))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    assert tables[0]["screen_name"].isna().tolist() == [True, False, False]


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype={"account_id": str})
    if path.suffix == ".json":
        return pd.read_json(path, dtype={"account_id": str})
    return pd.read_csv(path, dtype={"account_id": str})


def test_an_account_with_too_few_fields_is_uncertain_and_says_why(tmp_path: Path, small_model_path: Path) -> None:
    src = tmp_path / "sparse.csv"
    src.write_text("id,screen_name,created_at\n2,c,2021-01-01\n", encoding="utf-8")
    result = score(src, tmp_path / "s.csv", small_model_path, "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.output
    got = pd.read_csv(tmp_path / "s.csv", dtype={"account_id": str})
    assert got["label"].tolist() == ["uncertain"]
    reasons = got["reasons"].iloc[0]
    assert reasons.startswith("too few profile fields for a verdict: label held at uncertain; ")
    # the fields the whole file lacks are said once, in plain words, not on the row (issue 11)
    assert "missing" not in reasons
    assert result.stdout.count(
        "note: not in this input: display name, bio, follower count, following count, post count, likes given, "
        "lists it is on, verified badge, profile theme, profile image, background image setting, profile link, "
        "location; accounts were scored without them"
    ) == 1


def test_workers_auto_follows_the_input(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    # "auto" (the default) gives a CSV of at least min_bytes one worker per usable core (at most 4),
    # and anything smaller, or not CSV, this process alone; the output is the same either way.
    from detector.accounts.score import AUTO_MAX_WORKERS, auto_workers

    src = accounts_dir / "cresci2017_genuine.csv"
    size = src.stat().st_size
    cores = len(os.sched_getaffinity(0))
    assert auto_workers(src) == 1  # 3 rows: far below 32 MB
    assert auto_workers(src, min_bytes=size) == min(cores, AUTO_MAX_WORKERS)
    assert auto_workers(src, min_bytes=size + 1) == 1
    assert auto_workers(tmp_path / "missing.csv", min_bytes=0) == 1
    as_json = tmp_path / "accounts.jsonl"
    as_json.write_text("\n".join(json.dumps(r) for r in pd.read_csv(src, dtype=str).to_dict("records")), encoding="utf-8")
    assert auto_workers(as_json, min_bytes=0) == 1

    outs = {}
    for workers in ("auto", "1", "2", "AUTO"):
        out = tmp_path / workers / "scores.csv"
        result = score(src, out, small_model_path, "--workers", workers)
        assert result.exit_code == 0, result.output
        outs[workers] = out.read_bytes()
    assert len(set(outs.values())) == 1
    for bad in ("0", "-2", "two", "1.5"):
        result = score(src, tmp_path / "bad.csv", small_model_path, "--workers", bad)
        assert result.exit_code == 2
        assert f"Invalid value for '--workers': '{bad}' is not a positive whole number or 'auto'" in result.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_field_set_aside_is_said_unusable_not_blank(tmp_path: Path, workers: str) -> None:
    """'lots' followers were said to be 'blank: follower count' (lead's note to h18, session 4): the row
    gave a value, unreadable; an empty cell is blank. With the shipped model, which names missing inputs."""
    src = tmp_path / "a.csv"
    src.write_text(
        "Username,Followers,Following,Tweets,Joined\n"
        "ana,lots,10,5,2020-01-01\n"
        "bob,,10,5,2020-01-01\n"
        "ceca,7,10,5,zzz\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["score", str(src), "-o", str(tmp_path / "s.csv"), "--as-of", AS_OF, "--workers", workers])
    assert result.exit_code == 0, result.output
    reasons = pd.read_csv(tmp_path / "s.csv").set_index("account_id")["reasons"]
    tails = {k: v.rsplit("; ", 1)[-1] for k, v in reasons.items()}
    assert tails == {"ana": "unusable: follower count", "bob": "blank: follower count", "ceca": "unusable: creation date"}


def test_say_unusable_keeps_the_blank_fields_blank() -> None:
    from detector.accounts.wording import say_unusable

    reason = "↑ 1 post in total; blank: follower count, creation date"
    assert say_unusable(reason, {"followers_count"}) == "↑ 1 post in total; unusable: follower count; blank: creation date"
    assert say_unusable(reason, {"followers_count", "created_at"}) == "↑ 1 post in total; unusable: follower count, creation date"
    assert say_unusable(reason, {"listed_count"}) == reason
    assert say_unusable("↑ 1 post in total", {"followers_count"}) == "↑ 1 post in total"


def test_train_refuses_a_model_file_not_named_npz_before_training(tmp_path: Path) -> None:
    # the file would be .npz whatever its name (and m.npz and m.skops shared one card before session 11)
    result = run("train", "--tables", str(tmp_path), "-o", str(tmp_path / "m.skops"))
    assert result.exit_code == 2
    assert "a model is written as .npz (plain arrays, no pickle): name it m.npz, not m.skops" in result.stderr
    assert list(tmp_path.iterdir()) == []
