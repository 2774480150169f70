"""`collect search --since/--until` and `run --since` read a date as `--as-of` does (closing-s13: they used
pd.Timestamp, which read 10.05.2024 as October 5 and 10/05/2024 month-first without a word)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import ConfigError
from detector.ops.collect import parse_since

NOW = datetime(2024, 5, 14, 9, tzinfo=UTC)
WATCHES = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "watches.toml"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.05.2024", datetime(2024, 5, 10, tzinfo=UTC)),  # dotted: day-first, as in every file (was October 5)
        ("24/06/2012", datetime(2012, 6, 24, tzinfo=UTC)),  # settled by its value
        ("2024-05-13T10:00+02:00", datetime(2024, 5, 13, 8, tzinfo=UTC)),
        ("2024-05-13", datetime(2024, 5, 13, tzinfo=UTC)),
        ("24h", datetime(2024, 5, 13, 9, tzinfo=UTC)),
    ],
)
def test_since_reads_a_time_as_as_of_does(value: str, expected: datetime) -> None:
    assert parse_since(value, NOW) == expected


SPAN = "; or give a span back from now (24h, 6d)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10/05/2024", "'10/05/2024' reads both 2024-05-10 (day first) and 2024-10-05 (month first): write the one you mean as ISO 8601"),
        ("05.24.2024", "'05.24.2024' cannot be day-first, as dotted dates are written: write it as ISO 8601, 2024-05-24 if that is the day"),
        ("last tuesday", "'last tuesday' is not a date or time (use ISO 8601, e.g. 2020-09-01)"),
    ],
)
def test_since_refuses_a_guess(value: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_since(value, NOW, option="--until")
    assert str(err.value) == f"--until: {message}{SPAN}"


def test_collect_search_refuses_an_ambiguous_since_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the token is looked for (none is set) and before the store is opened."""
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["collect", "search", "protest", "--since", "10/05/2024", "--db", str(tmp_path / "c.sqlite"), "--data-dir", str(tmp_path / "d")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == (
        "Error: Invalid value for '--since': '10/05/2024' reads both 2024-05-10 (day first) and 2024-10-05 (month first): "
        f"write the one you mean as ISO 8601{SPAN}"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_run_refuses_a_dotted_month_first_since(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["run", "--watch", "texit-rally", "--config", str(WATCHES), "--since", "05.24.2024", "--data-dir", str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1] == (
        "Error: Invalid value for '--since': '05.24.2024' cannot be day-first, as dotted dates are written: "
        f"write it as ISO 8601, 2024-05-24 if that is the day{SPAN}"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []
