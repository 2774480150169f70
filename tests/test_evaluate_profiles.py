"""`detector evaluate --labels L --profiles P`, as `train` takes them (h86, session 13): the labels and their
profiles are joined before the nested run (minutes), so a file that cannot be used stops at once.

The labels here are typed to test the flow on real TwiBot-20 profiles (not an evaluation).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from detector.cli import cli

TWIBOT = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "twibot20_accounts.json"


def test_evaluate_profiles_needs_labels(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["evaluate", "--profiles", str(TWIBOT), "-o", str(tmp_path / "E.md")])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines()[-1] == "Error: --profiles gives the profiles of the --labels accounts: give --labels too"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_evaluate_joins_the_profiles_before_the_nested_run(tmp_path: Path) -> None:
    """Neither id is in the profiles file: said row by row and stopped, before minutes of evaluation."""
    labels = tmp_path / "mine.csv"
    labels.write_text("account_id,label\n999,bot\n998,human\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["evaluate", "--labels", str(labels), "--profiles", str(TWIBOT), "--as-of", "2020-09-01", "-o", str(tmp_path / "E.md")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == f"error: {labels}: no labelled account with a usable profile (2 rejected)"
    assert f"{labels}, record 1, field 'account_id': no profile for account '999' in the profiles file" in res.stderr
    assert f"{labels}, record 2, field 'account_id': no profile for account '998' in the profiles file" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.csv"]


def test_evaluate_labels_without_profiles_stop_before_the_nested_run(tmp_path: Path) -> None:
    labels = tmp_path / "ids.csv"
    labels.write_text("account_id,label\n17461978,human\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["evaluate", "--labels", str(labels), "-o", str(tmp_path / "E.md")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: {labels}: the label file has no profile columns (screen_name, followers_count, created_at, …): "
        "add them, or give the profiles as a separate accounts file"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.csv"]
