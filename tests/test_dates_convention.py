"""Dotted dates read day-first by the regional convention: said once, plainly, when some read both ways.

``03.04.2024`` is 3 April by the convention of the region's exports, but 4 March by the
month-first one. The reading does not change (tests/test_dates.py); what is new is that the
user is told, once per file, naming the column and an example, and only when the convention
decided: not when the user chose an order or a format, not when no value reads both ways, and
not when a value in the column can only be day-first (``24.06.2012``). Values written for these
tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.dates import DateRules, convention_columns, convention_notice, parse_dates

# values, rules -> (the UTC days read, the columns said to rest on the convention)
CASES = [
    # Nothing settles the order but the convention, and two values read both ways.
    (["03.04.2024", "05.06.2024 20:15", "01.01.2024"], {}, ["2024-04-03", "2024-06-05", "2024-01-01"], {"created_at": "03.04.2024"}),
    (["3.4.2024. u 18h"], {}, ["2024-04-03"], {"created_at": "3.4.2024. u 18h"}),
    # A value that can only be day-first settles the column: no convention to tell.
    (["03.04.2024", "24.06.2012"], {}, ["2024-04-03", "2012-06-24"], {}),
    # No value reads both ways (the day and the month are the same).
    (["01.01.2024", "05.05.2024"], {}, ["2024-01-01", "2024-05-05"], {}),
    # The user chose: --dayfirst, --monthfirst, or a format.
    (["03.04.2024"], {"order": "dayfirst"}, ["2024-04-03"], {}),
    (["03.04.2024"], {"order": "monthfirst"}, ["2024-03-04"], {}),
    (["03.04.2024"], {"fmt": "%d.%m.%Y"}, ["2024-04-03"], {}),
    # Not dotted: a slash column is settled by its values (or refused), never by the convention.
    (["03/04/2024", "24/06/2012"], {}, ["2024-04-03", "2012-06-24"], {}),
    # ISO and Unix times are not local forms.
    (["2024-04-03", "1715371260"], {}, ["2024-04-03", "2024-05-10"], {}),
]


@pytest.mark.parametrize(("values", "given", "days", "said"), CASES)
def test_which_columns_rest_on_the_convention(values: list[str], given: dict[str, str], days: list[str], said: dict[str, str]) -> None:
    rules = DateRules(**given)
    got = parse_dates(pd.Series(values, dtype="string"), "created_at", rules, "x.csv")
    assert got.dt.strftime("%Y-%m-%d").tolist() == days  # the reading itself is unchanged
    assert convention_columns(rules.by_convention, rules.dayfirst_shown) == said


def test_a_value_in_a_later_chunk_that_shows_day_first_settles_the_file() -> None:
    # The order is decided for the whole file first (as the readers do); each chunk notes what it saw.
    rules = DateRules(decided={"created_at": "dayfirst"})
    parse_dates(pd.Series(["03.04.2024"]), "created_at", rules)
    assert convention_columns(rules.by_convention, rules.dayfirst_shown) == {"created_at": "03.04.2024"}
    parse_dates(pd.Series(["24.06.2012"]), "created_at", rules)
    assert convention_columns(rules.by_convention, rules.dayfirst_shown) == {}
    # The same, as a reader's notes joined over chunks (sets of items).
    assert convention_columns({("created_at", "03.04.2024"), ("collected_at", "05.06.2024")}, {"created_at"}) == {"collected_at": "05.06.2024"}


def test_the_notice_names_the_file_the_column_both_readings_and_the_flag() -> None:
    assert convention_notice("posts.csv", {"created_at": "03.04.2024 20:15"}) == (
        "dates in column 'created_at' of posts.csv such as '03.04.2024 20:15' read both ways: they were read "
        "day-first (3 April 2024, not 4 March), as dotted dates are written in the region's exports; "
        "if they are month-first, give --monthfirst"
    )
    assert convention_notice("a.csv", {"created_at": "5.6.2016.", "collected_at": "01.02.2024"}).startswith(
        "dates in columns 'collected_at', 'created_at' of a.csv such as '01.02.2024' read both ways: they were read day-first (1 February 2024, not 2 January)"
    )


# ----------------------------------------------------------------------------- through the commands

POSTS = (
    "Tekst;Datum\n"
    "Protest sutra u 18h ispred Skupštine;03.04.2024 20:15\n"
    "Nesër në orën 18 para Komunës;05.06.2024 19:00\n"
    "Foto sa skupa;01.01.2024 10:00\n"
)


DETECTOR = [sys.executable, "-c", "from detector.cli import main; main()"]


def _posts(tmp_path: Path, text: str, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "posts.csv").write_text(text, encoding="utf-8")
    args = [*DETECTOR, "posts", "posts.csv", "--columns", "text=Tekst,created_at=Datum", "-o", "p.csv", "--no-account-model", *extra]
    return subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=300)


def test_posts_says_once_that_dotted_dates_were_read_day_first(tmp_path: Path) -> None:
    res = _posts(tmp_path, POSTS)
    assert res.returncode == 0, res.stderr
    said = [line for line in res.stderr.splitlines() if "read both ways" in line]
    assert len(said) == 1, res.stderr
    assert said[0].endswith(
        "dates in column 'Datum' of posts.csv such as '03.04.2024 20:15' read both ways: they were read day-first "
        "(3 April 2024, not 4 March), as dotted dates are written in the region's exports; if they are month-first, give --monthfirst"
    )
    # The zone note is still said, once.
    assert sum("carry no time zone" in line for line in res.stderr.splitlines()) == 1
    got = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    assert got["created_at"].tolist() == ["2024-04-03 20:15:00+00:00", "2024-06-05 19:00:00+00:00", "2024-01-01 10:00:00+00:00"]


@pytest.mark.parametrize(
    ("text", "extra", "first"),
    [
        (POSTS, ("--monthfirst",), "2024-03-04 20:15:00+00:00"),  # the user chose: nothing to tell, and read as chosen
        (POSTS + "Skup;24.06.2024 12:00\n", (), "2024-04-03 20:15:00+00:00"),  # the file shows day-first
    ],
)
def test_posts_says_nothing_when_the_convention_did_not_decide(tmp_path: Path, text: str, extra: tuple[str, ...], first: str) -> None:
    res = _posts(tmp_path, text, *extra)
    assert res.returncode == 0, res.stderr
    assert "read both ways" not in res.stderr
    assert pd.read_csv(tmp_path / "p.csv", dtype=str)["created_at"].iat[0] == first


SHEET = "Username,Followers,Joined\n@ana,120,03.04.2019\n@boki,33,05.06.2016\n@ceca,7,01.01.2020\n"


@pytest.mark.parametrize(("sheet", "said"), [(SHEET, 1), (SHEET + "@deda,5,25.06.2016\n", 0)])
def test_score_says_it_once_in_its_summary_whatever_the_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_model_path: Path, sheet: str, said: int
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("acc.csv").write_text(sheet, encoding="utf-8")
    result = CliRunner().invoke(cli, ["score", "acc.csv", "-o", "out.csv", "--as-of", "2025-01-01", "--chunksize", "1", "--model", str(small_model_path)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if "read both ways" in line]
    assert notes == [
        "note: dates in column 'Joined' of acc.csv such as '03.04.2019' read both ways: they were read day-first "
        "(3 April 2019, not 4 March), as dotted dates are written in the region's exports; if they are month-first, give --monthfirst"
    ][:said]


def test_a_value_that_is_no_date_settles_nothing() -> None:
    """'32.05.2024' has no day 32: it is unreadable, and showed nothing about the order. It counted as
    day-first, so a column of dotted dates that read both ways went without its note, and an undotted
    column was read day-first on its word."""
    from detector.dates import AmbiguousDatesError, decide_order

    rules = DateRules()
    got = parse_dates(pd.Series(["32.05.2024.", "03.04.2024."], dtype="string"), "created_at", rules, "x.csv")
    assert got.isna().tolist() == [True, False]
    assert convention_columns(rules.by_convention, rules.dayfirst_shown) == {"created_at": "03.04.2024."}
    with pytest.raises(AmbiguousDatesError, match="dates such as '03/04/2024' read both day-first"):
        decide_order(pd.Series(["32/05/2024", "03/04/2024"], dtype="string"), "Datum", "x.csv")
    assert decide_order(pd.Series(["31/05/2024", "03/04/2024"], dtype="string"), "Datum", "x.csv") == "dayfirst"
