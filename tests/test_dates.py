"""detector.dates: the date forms exports write, one day/month order per file and column."""

from __future__ import annotations

import pandas as pd
import pytest

from detector.dates import AmbiguousDatesError, DateRules, decide_order, parse_dates

# value -> the UTC time it must read as (None: unreadable). Every value here was seen in an export.
FORMS = [
    ("Tue Jun 11 11:20:35 +0000 2013", "2013-06-11 11:20:35"),  # Twitter v1.1
    ("2024-05-10T20:01:00.000Z", "2024-05-10 20:01:00"),  # X API v2
    ("2024-05-10 22:01:00+02:00", "2024-05-10 20:01:00"),  # ISO with a zone
    ("2024-05-10", "2024-05-10 00:00:00"),
    ("1715371260", "2024-05-10 20:01:00"),  # Unix seconds
    ("1715371260000", "2024-05-10 20:01:00"),  # Unix milliseconds
    ("24.06.2012. 05:35", "2012-06-24 05:35:00"),  # Serbian, trailing dot
    ("24.06.2012.", "2012-06-24 00:00:00"),
    ("24.06.2012 05:35", "2012-06-24 05:35:00"),
    ("24/06/2012", "2012-06-24 00:00:00"),
    ("24-06-2012 05.35", "2012-06-24 05:35:00"),  # cresci-2015's documented DD-MM-YYYY HH.MM
    ("-1", None),  # a sentinel, not 1969
    ("0001-01-01", None),  # out of range
    ("32/13/2016 25:61", None),
    ("yesterday", None),
]


@pytest.mark.parametrize(("value", "expected"), FORMS)
def test_each_form_reads_to_one_utc_time(value: str, expected: str | None) -> None:
    # A day-first value in the column settles the order for the local forms.
    got = parse_dates(pd.Series([value, "25/12/2020"]), "created_at").iloc[0]
    if expected is None:
        assert pd.isna(got)
    else:
        assert got == pd.Timestamp(expected, tz="UTC")


def test_one_value_only_one_reading_allows_settles_the_column() -> None:
    s = pd.Series(["10/05/2024 20:01", "24/06/2012 05:35"])
    assert decide_order(s, "created_at") == "dayfirst"
    got = parse_dates(s, "created_at")
    assert got.tolist() == [pd.Timestamp("2024-05-10 20:01", tz="UTC"), pd.Timestamp("2012-06-24 05:35", tz="UTC")]
    assert decide_order(pd.Series(["10/05/2024", "06/24/2012"]), "created_at") == "monthfirst"


def test_an_ambiguous_column_is_never_guessed() -> None:
    with pytest.raises(AmbiguousDatesError) as err:
        parse_dates(pd.Series(["10/05/2024 20:01", "03/02/2016"]), "created_at", path="posts.csv")
    assert str(err.value) == (
        "posts.csv, field 'created_at': dates such as '10/05/2024 20:01' read both day-first (day 10, month 5) "
        "and month-first (month 10, day 5), and no value in the file settles which: give --dayfirst, "
        "--monthfirst or --date-format (e.g. --date-format '%d.%m.%Y')"
    )
    assert err.value.exit_code == 2


def test_a_column_written_both_ways_is_an_error() -> None:
    with pytest.raises(AmbiguousDatesError, match=r"both day-first \('24/06/2012'\) and month-first \('06/25/2012'\)"):
        decide_order(pd.Series(["24/06/2012", "06/25/2012"]), "created_at")


def test_values_that_read_the_same_both_ways_need_no_choice() -> None:
    assert decide_order(pd.Series(["01/01/2024", "07.07.2020."]), "created_at") is None
    assert parse_dates(pd.Series(["07.07.2020."]), "c").iloc[0] == pd.Timestamp("2020-07-07", tz="UTC")


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (DateRules(order="dayfirst"), "2024-05-10"),
        (DateRules(order="monthfirst"), "2024-10-05"),
        (DateRules(fmt="%m/%d/%Y"), "2024-10-05"),
    ],
)
def test_the_user_settles_an_ambiguous_file(rules: DateRules, expected: str) -> None:
    assert parse_dates(pd.Series(["10/05/2024"]), "created_at", rules).iloc[0] == pd.Timestamp(expected, tz="UTC")


def test_a_decision_holds_for_the_rest_of_the_file() -> None:
    rules = DateRules()
    parse_dates(pd.Series(["24/06/2012"]), "created_at", rules)
    assert rules.decided == {"created_at": "dayfirst"}
    # a later chunk with only ambiguous values is read the same way, not refused
    assert parse_dates(pd.Series(["10/05/2024"]), "created_at", rules).iloc[0] == pd.Timestamp("2024-05-10", tz="UTC")
    assert rules.for_file().decided == {}
