"""Times written without a zone: read as UTC and said once, or read in the zone given with --tz.

Belgrade is UTC+1 in winter (CET) and UTC+2 in summer (CEST); on 2024-03-31 its clocks skip
02:00-03:00 and on 2024-10-27 they repeat 02:00-03:00.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.accounts.read import read_accounts
from detector.cli import cli
from detector.dates import DateRules, parse_dates
from detector.errors import ConfigError

AS_OF = pd.Timestamp("2025-01-01", tz="UTC")
VALUES = pd.Series([
    "10.05.2024. 20:01",  # local form, summer
    "2024-01-15 20:01:00",  # ISO without a zone, winter
    "15.3.2024 u 18h",
    "2024-05-10",  # a day, no time
    "2024-05-10T20:01:00Z",  # zoned: never moved
    "2024-05-10 22:01:00+02:00",
    "Tue Jun 11 11:20:35 +0000 2013",
    "1715371260",  # Unix seconds are UTC
])


def utc(series: pd.Series) -> list[str]:
    return series.dt.strftime("%Y-%m-%d %H:%M").fillna("NaT").tolist()


def test_times_without_a_zone_are_read_as_utc_and_noted() -> None:
    rules = DateRules()
    assert utc(parse_dates(VALUES, "created_at", rules)) == [
        "2024-05-10 20:01", "2024-01-15 20:01", "2024-03-15 18:00", "2024-05-10 00:00",
        "2024-05-10 20:01", "2024-05-10 20:01", "2013-06-11 11:20", "2024-05-10 20:01",
    ]
    assert rules.unzoned == {"created_at": "10.05.2024. 20:01"}


@pytest.mark.parametrize("values", [["2024-05-10T20:01:00Z", "Tue Jun 11 11:20:35 +0000 2013", "1715371260"], ["2024-05-10", "10.05.2024."]])
def test_zoned_times_and_bare_days_are_not_noted(values: list[str]) -> None:
    rules = DateRules()
    parse_dates(pd.Series(values), "created_at", rules)
    assert rules.unzoned == {}


def test_tz_places_times_without_a_zone_in_that_zone() -> None:
    rules = DateRules(tz="Europe/Belgrade")
    assert utc(parse_dates(VALUES, "created_at", rules)) == [
        "2024-05-10 18:01", "2024-01-15 19:01", "2024-03-15 17:00", "2024-05-09 22:00",
        "2024-05-10 20:01", "2024-05-10 20:01", "2013-06-11 11:20", "2024-05-10 20:01",
    ]
    assert rules.unzoned == {}


def test_tz_applies_to_a_date_format_without_a_zone() -> None:
    rules = DateRules(fmt="%d.%m.%Y. %H:%M", tz="Europe/Belgrade")
    assert utc(parse_dates(pd.Series(["10.05.2024. 20:01"]), "created_at", rules)) == ["2024-05-10 18:01"]
    rules = DateRules(fmt="%d.%m.%Y. %H:%M %z", tz="Europe/Belgrade")
    assert utc(parse_dates(pd.Series(["10.05.2024. 20:01 +0000"]), "created_at", rules)) == ["2024-05-10 20:01"]


def test_the_hour_the_clocks_skip_or_repeat_is_not_guessed() -> None:
    rules = DateRules(tz="Europe/Belgrade")
    got = parse_dates(pd.Series(["31.03.2024. 02:30", "27.10.2024. 02:30", "27.10.2024. 03:30"]), "created_at", rules)
    assert utc(got) == ["NaT", "NaT", "2024-10-27 02:30"]
    assert rules.unplaceable == {"31.03.2024. 02:30", "27.10.2024. 02:30"}


def test_an_unknown_zone_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match=r"^unknown time zone 'Europe/Beograd': give an IANA name such as Europe/Belgrade"):
        DateRules(tz="Europe/Beograd")


# ----------------------------------------------------------------------------- through score


SHEET = "Username,Followers,Joined\n@ana,120,10.05.2019. 20:01\n@boki,33,24.02.2016. 08:15\n@ceca,7,31.03.2024. 02:30\n"


@pytest.fixture
def sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("sheet.csv").write_text(SHEET, encoding="utf-8")
    return Path("sheet.csv")


def test_score_says_once_that_local_times_were_read_as_utc(sheet: Path, small_model_path: Path) -> None:
    result = CliRunner().invoke(cli, ["score", "sheet.csv", "-o", "out.csv", "--as-of", "2025-01-01", "--chunksize", "1", "--model", str(small_model_path)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if "time zone" in line]
    assert notes == [
        "note: times in column 'Joined' of sheet.csv (such as '10.05.2019. 20:01') carry no time zone and were read "
        "as UTC; if they are local times, give --tz ZONE (e.g. --tz Europe/Belgrade)"
    ]
    result = CliRunner().invoke(cli, ["score", "sheet.csv", "-o", "out.csv", "--as-of", "2025-01-01", "--tz", "Europe/Belgrade", "--model", str(small_model_path)])
    assert result.exit_code == 0, result.output
    assert "time zone" not in result.stdout
    rejects = pd.read_csv("out.rejects.csv")
    assert rejects[["row", "field", "reason"]].values.tolist() == [
        [3, "Joined", "'31.03.2024. 02:30' falls in the hour Europe/Belgrade skips or repeats when the clocks change: field ignored, record kept"]
    ]


def test_read_accounts_in_a_zone(sheet: Path) -> None:
    got = read_accounts(sheet, as_of=AS_OF, dates=DateRules(tz="Europe/Belgrade"))
    assert utc(got.accounts["created_at"]) == ["2019-05-10 18:01", "2016-02-24 07:15", "NaT"]
    assert "unzoned_times" not in got.rejects.notes
    got = read_accounts(sheet, as_of=AS_OF)
    assert utc(got.accounts["created_at"]) == ["2019-05-10 20:01", "2016-02-24 08:15", "2024-03-31 02:30"]
    assert got.rejects.notes["unzoned_times"] == {("Joined", "10.05.2019. 20:01")}


def test_an_unknown_zone_stops_the_command(sheet: Path) -> None:
    result = CliRunner().invoke(cli, ["score", "sheet.csv", "-o", "out.csv", "--tz", "Europe/Beograd"])
    assert result.exit_code == 2
    assert result.stderr == "error: unknown time zone 'Europe/Beograd': give an IANA name such as Europe/Belgrade, Europe/Tirane or UTC\n"
    assert not Path("out.csv").exists()


def test_posts_in_the_hour_the_clocks_change_are_rejected_with_that_reason(tmp_path: Path) -> None:
    """Real local times in the hour --tz's zone repeats (clocks back) or skips (clocks forward) are not
    guessed; their reject says so (it said 'unreadable time'), and the other posts are scored."""
    from detector.posts.read import read_posts

    src = tmp_path / "p.csv"
    src.write_text(
        "post_id,author_id,text,created_at\n1,a,hello,2015-10-25 02:51:00\n2,b,hi,2017-03-26 02:28:00\n3,c,ok,2017-03-26 04:28:00\n",
        encoding="utf-8",
    )
    got = read_posts(src, dates=DateRules(tz="Europe/Belgrade"))
    assert got.posts["post_id"].tolist() == ["3"]
    assert str(got.posts["created_at"].iat[0]) == "2017-03-26 02:28:00+00:00"
    reasons = [(r["row"], r["reason"]) for r in got.rejects.rows]
    assert reasons == [
        (1, "time '2015-10-25 02:51:00' falls in the hour Europe/Belgrade skips or repeats when the clocks change; give times with their offset"),
        (2, "time '2017-03-26 02:28:00' falls in the hour Europe/Belgrade skips or repeats when the clocks change; give times with their offset"),
    ]
