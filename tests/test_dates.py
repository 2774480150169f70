"""detector.dates: the date forms exports write, one day/month order per file and column."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.accounts.read import read_accounts
from detector.cli import cli
from detector.dates import AmbiguousDatesError, DateRules, decide_order, order_examples, parse_dates

# value -> the UTC time it must read as (None: unreadable). Every value here was seen in an export.
FORMS = [
    ("Tue Jun 11 11:20:35 +0000 2013", "2013-06-11 11:20:35"),  # Twitter v1.1
    ("2024-05-10T20:01:00.000Z", "2024-05-10 20:01:00"),  # X API v2
    ("2024-05-10 22:01:00+02:00", "2024-05-10 20:01:00"),  # ISO with a zone
    ("2024-05-10", "2024-05-10 00:00:00"),
    ("1715371260", "2024-05-10 20:01:00"),  # Unix seconds
    ("1715371260000", "2024-05-10 20:01:00"),  # Unix milliseconds
    ("1183552203000L", "2007-07-04 12:30:03"),  # Java epoch milliseconds (cresci-2017 traditional_spambots_1)
    ("24.06.2012. 05:35", "2012-06-24 05:35:00"),  # Serbian, trailing dot
    ("24.06.2012.", "2012-06-24 00:00:00"),
    ("24.06.2012 05:35", "2012-06-24 05:35:00"),
    ("24/06/2012", "2012-06-24 00:00:00"),
    ("24-06-2012 05.35", "2012-06-24 05:35:00"),  # cresci-2015's documented DD-MM-YYYY HH.MM
    ("15.03.2024. 18:30", "2024-03-15 18:30:00"),  # Serbian, trailing dot and a time (issue 11's analyst)
    ("15.3.2024 u 18h", "2024-03-15 18:00:00"),  # Serbian, as people type it (issue 11's analyst)
    # The next three are written by hand in the usual Croatian and German ways, not taken from a file.
    ("15. 3. 2024. u 18.30 h", "2024-03-15 18:30:00"),
    ("15.03.2024 um 18:30 Uhr", "2024-03-15 18:30:00"),
    ("15.3.2024, 18:30:05", "2024-03-15 18:30:05"),
    # Two-digit years, as spreadsheets save dates ("6/11/13", German "24.06.12"): 00-29 and 69-99,
    # where Excel and strptime's %y agree; 30-68, where they do not, left unread. With "-" the short
    # form is ISO's year-first 12-06-24, never read as a day-first date.
    ("24.06.12.", "2012-06-24 00:00:00"),
    ("24/06/12 5:35", "2012-06-24 05:35:00"),
    ("24/06/99", "1999-06-24 00:00:00"),
    ("24/06/45", None),
    ("24-06-12", None),
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
        "--monthfirst or --date-format (e.g. --date-format '%d/%m/%Y %H:%M' reads them day-first)"
    )
    assert err.value.exit_code == 2


def test_a_column_written_both_ways_is_an_error() -> None:
    with pytest.raises(AmbiguousDatesError) as err:
        decide_order(pd.Series(["24/06/2012 05:35", "06/25/2012"]), "created_at")
    assert str(err.value) == (
        "field 'created_at': dates are written both day-first ('24/06/2012 05:35') and month-first ('06/25/2012'); "
        "give --date-format for the form you trust (--date-format '%d/%m/%Y %H:%M' reads '24/06/2012 05:35'; "
        "'%m/%d/%Y' reads '06/25/2012')"
    )


def test_values_that_read_the_same_both_ways_need_no_choice() -> None:
    assert decide_order(pd.Series(["01/01/2024", "07/07/2020"]), "created_at") is None
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


# ----------------------------------------------------------------------------- the dotted convention


def test_dotted_dates_are_day_first_by_convention() -> None:
    # Every value here reads both ways; the dotted form is day-first wherever it is written.
    values = pd.Series(["10.05.2024. 20:01", "03.02.2016.", "5.3.2024 u 18h", "07.07.2020."])
    assert decide_order(values, "created_at") == "dayfirst"
    assert parse_dates(values, "created_at").dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-05-10 20:01", "2016-02-03 00:00", "2024-03-05 18:00", "2020-07-07 00:00",
    ]


def test_a_dotted_value_that_cannot_be_day_first_stops_the_column() -> None:
    values = pd.Series(["10.05.2024.", "05.24.2024. 18:30"])
    with pytest.raises(AmbiguousDatesError) as err:
        parse_dates(values, "created_at", path="posts.csv")
    assert str(err.value) == (
        "posts.csv, field 'created_at': dotted dates are day-first by convention (10.05.2024 is 10 May), "
        "but '05.24.2024. 18:30' cannot be day-first (there is no month 24): if this column is month-first, "
        "give --monthfirst or --date-format '%m.%d.%Y. %H:%M'; otherwise correct the value"
    )
    # what the message offers works
    assert parse_dates(values, "created_at", DateRules(order="monthfirst")).dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-10-05 00:00", "2024-05-24 18:30",
    ]
    got = parse_dates(values, "created_at", DateRules(fmt="%m.%d.%Y. %H:%M"))
    assert got.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-10-05 00:00", "2024-05-24 18:30"]


def test_a_dotted_column_with_a_day_first_value_and_an_impossible_one_is_refused() -> None:
    with pytest.raises(AmbiguousDatesError, match=r"'05\.24\.2024\.' cannot be day-first \(there is no month 24\)"):
        decide_order(pd.Series(["24.06.2012.", "05.24.2024."]), "created_at")


@pytest.mark.parametrize(
    ("parts", "examples", "decided"),
    [
        # The first value of each kind per part (ISO and unreadable values are no local form).
        ([["2019-01-01", "03/04/2019", "03/04/2019", "25/04/2019", "x", "26/04/2019"]], [["03/04/2019", "25/04/2019"]], "dayfirst"),
        ([["01/01/2019", "05.05.2024", "05.24.2024"], ["04/25/2019"]], [["05.05.2024", "05.24.2024"], ["04/25/2019"]], AmbiguousDatesError),
        ([["03/04/2019", "01/01/2019"], ["05/06/2019"], ["04/25/2019", "13/04/2019"]], [["03/04/2019"], ["05/06/2019"], ["04/25/2019", "13/04/2019"]], AmbiguousDatesError),
        ([["03/04/2019"], ["2019-05-06T10:00:00Z"], ["04/25/2019"]], [["03/04/2019"], [], ["04/25/2019"]], "monthfirst"),
        ([["01/01/2019", "02/02/2019"]], [[]], None),
    ],
)
def test_the_deciding_values_of_parts_decide_as_all_their_values(parts: list[list[str]], examples: list[list[str]], decided: object) -> None:
    series = [pd.Series(p, dtype="string") for p in parts]
    got = [order_examples(s) for s in series]
    assert [g.tolist() for g in got] == examples

    def decide(values: pd.Series) -> tuple[object, str]:
        try:
            return decide_order(values, "created_at", "in.csv"), ""
        except AmbiguousDatesError as exc:
            return AmbiguousDatesError, str(exc)

    whole, few = decide(pd.concat(series)), decide(pd.concat(got))
    # The same order, or the same error with the same example and words.
    assert few == whole and whole[0] == decided


@pytest.mark.parametrize(
    ("value", "fmt", "day_first"),
    [
        ("10/05/2024 20:01", "%d/%m/%Y %H:%M", "2024-05-10 20:01"),
        ("10-05-2024 20.01", "%d-%m-%Y %H.%M", "2024-05-10 20:01"),
        ("10/05/2024", "%d/%m/%Y", "2024-05-10 00:00"),
        ("3/4/2024, 18:30:05", "%d/%m/%Y, %H:%M:%S", "2024-04-03 18:30:05"),
        ("11/5/16 2:55", "%d/%m/%y %H:%M", "2016-05-11 02:55"),
        ("11/5/2016 2:55 PM", "%d/%m/%Y %I:%M %p", "2016-05-11 14:55"),
    ],
)
def test_the_format_offered_reads_the_values_it_is_shown_for(value: str, fmt: str, day_first: str) -> None:
    with pytest.raises(AmbiguousDatesError) as err:
        parse_dates(pd.Series([value]), "created_at")
    [offered] = re.findall(r"--date-format '([^']+)'", str(err.value))
    assert offered == fmt
    got = parse_dates(pd.Series([value, "01/01/2024"]), "created_at", DateRules(fmt=offered))
    assert got.dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [pd.Timestamp(day_first).strftime("%Y-%m-%d %H:%M:%S"), "2024-01-01 00:00:00"]


def test_a_dotted_value_late_in_a_big_csv_that_cannot_be_day_first_stops_it(tmp_path: Path) -> None:
    # The first chunk settles day-first only by convention: the rest of the column is looked at too.
    path = tmp_path / "accounts.csv"
    path.write_text(
        "Username,Followers,Joined\n@ana,120,10.05.2019.\n@boki,33,03.02.2016.\n@ceca,7,05.24.2021.\n", encoding="utf-8"
    )
    with pytest.raises(AmbiguousDatesError, match=r"'05\.24\.2021\.' cannot be day-first"):
        read_accounts(path, as_of=pd.Timestamp("2024-01-01", tz="UTC"), chunksize=2)
    path.write_text("Username,Followers,Joined\n@ana,120,10.05.2019.\n@boki,33,03.02.2016.\n@ceca,7,05.04.2021.\n", encoding="utf-8")
    got = read_accounts(path, as_of=pd.Timestamp("2024-01-01", tz="UTC"), chunksize=2).accounts
    assert got["created_at"].dt.strftime("%Y-%m-%d").tolist() == ["2019-05-10", "2016-02-03", "2021-04-05"]


def test_posts_with_serbian_dotted_dates_are_read_without_a_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("posts.csv").write_text(
        "post_id,author_screen_name,text,created_at\n"
        "1,@ana,Svi na protest u subotu!,10.05.2024. 20:01\n"
        "2,@boki,Svi na protest u subotu!,10.05.2024. u 20h\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["posts", "posts.csv", "-o", "p.jsonl", "--no-account-model"])
    assert result.exit_code == 0, result.output
    got = pd.read_json("p.jsonl", lines=True, dtype={"post_id": str})
    assert pd.to_datetime(got.sort_values("post_id")["created_at"], utc=True).dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-05-10 20:01", "2024-05-10 20:00",
    ]


def test_local_parts_of_a_column_with_and_without_local_forms() -> None:
    from detector.dates import local_parts

    twitter = pd.Series(["Tue Jun 11 11:20:35 +0000 2013", None, "2024-05-10"], index=[7, 8, 9], dtype="string")
    mixed = pd.concat([twitter, pd.Series(["24.06.2012"], index=[10], dtype="string")])
    none_local, some_local = local_parts(twitter), local_parts(mixed)
    assert list(none_local.columns) == list(some_local.columns) and "a" in none_local.columns
    pd.testing.assert_frame_equal(none_local, some_local.loc[[7, 8, 9]])
    assert none_local.isna().all().all() and none_local.index.tolist() == [7, 8, 9]
    assert some_local.loc[10, ["a", "sep", "b", "y"]].tolist() == ["24", ".", "06", "2012"]


@pytest.mark.parametrize(
    ("value", "what"),
    [("2024-05", "a month"), ("May 2024", "a month"), ("Joined May 2024", "a month"), ("05/2024", "a month"), ("2024", "a year")],
)
def test_a_month_or_a_year_alone_is_never_read_as_its_first_day(tmp_path: Path, value: str, what: str) -> None:
    """'2024-05' and '2024' were read silently as 1 May and 1 January (a guess off by up to a
    month or a year); 'May 2024' (Twitter's profile page: 'Joined May 2024') was 'unparseable'.
    Each is now left unread, with a reason that says what it lacks, naming file, record and field."""
    from detector.posts.read import read_posts

    assert parse_dates(pd.Series([value, "2024-05-10"]), "created_at").isna().tolist() == [True, False]
    reason = f"'{value}' gives {what}, not a day: it is not read as the first day; write the date in full if that day will do"
    src = tmp_path / "p.csv"
    src.write_text(f"post_id,author_id,text,created_at\n1,a,hello,{value}\n2,b,hi,2024-05-10 18:00\n", encoding="utf-8")
    got = read_posts(src)
    assert got.posts["post_id"].tolist() == ["2"]  # a post's time is needed to the minute: the post is set aside
    assert [(r["row"], r["field"], r["action"], r["reason"]) for r in got.rejects.rows] == [(1, "created_at", "rejected", f"time {reason}")]
    src = tmp_path / "a.csv"
    src.write_text(f"Username,Followers,Joined\nana,10,{value}\n", encoding="utf-8")
    batch = read_accounts(src, as_of=pd.Timestamp("2025-01-01", tz="UTC"))
    assert batch.accounts["created_at"].isna().tolist() == [True]  # the account is kept, without its age
    assert [(r["row"], r["field"], r["action"], r["reason"]) for r in batch.rejects.rows] == [
        (1, "Joined", "field ignored", f"{reason}: field ignored, record kept")
    ]


# value -> whether it starts like ISO 8601 and is more than a year and a month (Python's re, its
# \d and its $, which also matches before a last line break): what parse_dates tries as ISO.
ISO_STARTS = [
    ("2017-09-07 19:52:00", True),
    ("2017-05-01T10:00Z", True),
    ("2017-05", False),
    ("2017-5", False),
    ("2017-05\n", False),
    ("2017-05\n\n", True),
    ("2017-12\r\n", True),
    ("2017-123", True),
    ("2017-", True),
    ("20170-01-01", False),
    ("x2017-05-01", False),
    ("٢٠١٧-05-01", True),  # Arabic-Indic digits are \d to Python
    ("2017-0５", False),  # a fullwidth digit too: "0５" is a month alone
    ("", False),
    (None, False),
]


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_iso_start_is_pythons_match_without_a_call_per_value(storage: str) -> None:
    from detector.dates import _iso_start

    values = pd.Series([v for v, _ in ISO_STARTS], dtype=pd.StringDtype(storage))
    assert _iso_start(values).tolist() == [want for _, want in ISO_STARTS]


# ----------------------------------------------------------------------------- --as-of, as the files' dates

# --as-of value -> the UTC time it means. Until session 13 --as-of went to pd.Timestamp, which read
# '10.05.2024' as 5 October (month first, the opposite of the dotted convention every file gets).
AS_OF_READ = [
    ("10.05.2024", "2024-05-10 00:00"),
    ("10.05.2024. 20:01", "2024-05-10 20:01"),
    ("24/06/2012", "2012-06-24 00:00"),  # only day-first is a date
    ("2024-05-10", "2024-05-10 00:00"),
    ("2024-05-10T22:01+02:00", "2024-05-10 20:01"),
    ("1715371260", "2024-05-10 20:01"),
    ("2024/05/10", "2024-05-10 00:00"),
    ("20240510", "2024-05-10 00:00"),
    ("May 10, 2024", "2024-05-10 00:00"),
]
AS_OF_REFUSED = [
    ("10/05/2024", "'10/05/2024' reads both 2024-05-10 (day first) and 2024-10-05 (month first): write the one you mean as ISO 8601"),
    ("10/05/2024 20:01", "'10/05/2024 20:01' reads both 2024-05-10T20:01 (day first) and 2024-10-05T20:01 (month first): write the one you mean as ISO 8601"),
    ("05.24.2024", "'05.24.2024' cannot be day-first, as dotted dates are written: write it as ISO 8601, 2024-05-24 if that is the day"),
    ("2024-05", "'2024-05' gives a month, not a day: it is not read as the first day; write the date in full if that day will do"),
    ("12 May", "'12 May' is not a date or time (use ISO 8601, e.g. 2020-09-01)"),  # no year: not this year by guess
    ("last tuesday", "'last tuesday' is not a date or time (use ISO 8601, e.g. 2020-09-01)"),
]


@pytest.mark.parametrize(("value", "expected"), AS_OF_READ)
def test_as_of_is_read_as_the_files_dates_are(value: str, expected: str) -> None:
    from detector.dates import read_instant

    assert read_instant(value) == pd.Timestamp(expected, tz="UTC")


@pytest.mark.parametrize(("value", "message"), AS_OF_REFUSED)
def test_an_as_of_that_is_not_one_time_is_refused_saying_why(value: str, message: str) -> None:
    from detector.dates import read_instant
    from detector.errors import InputError

    with pytest.raises(InputError) as err:
        read_instant(value)
    assert str(err.value) == message


def test_score_measures_ages_to_the_dotted_as_of_day_first(accounts_dir: Path, small_model_path: Path, tmp_path: Path) -> None:
    # The three real cresci-2017 rows without their crawled_at: their ages are measured to --as-of.
    rows = pd.read_csv(accounts_dir / "cresci2017_genuine.csv", dtype=str)[["id", "screen_name", "followers_count", "friends_count", "statuses_count", "created_at"]]
    rows.to_csv(tmp_path / "a.csv", index=False)

    def score(as_of: str, out: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["score", str(tmp_path / "a.csv"), "-o", str(tmp_path / out), "--top", "0", "--model", str(small_model_path), "--as-of", as_of])
        return result.exit_code, result.output

    assert score("10.05.2024", "dotted.csv")[0] == 0
    assert score("2024-05-10", "iso.csv")[0] == 0
    assert score("2024-10-05", "october.csv")[0] == 0
    assert (tmp_path / "dotted.csv").read_bytes() == (tmp_path / "iso.csv").read_bytes()
    assert (tmp_path / "dotted.csv").read_bytes() != (tmp_path / "october.csv").read_bytes()
    code, said = score("10/05/2024", "ambiguous.csv")
    assert code == 2
    assert "Invalid value for '--as-of': '10/05/2024' reads both 2024-05-10 (day first) and 2024-10-05 (month first)" in said
    assert not (tmp_path / "ambiguous.csv").exists()


# ----------------------------------------------------------------------------- two-digit years

EXAMPLE_POSTS = Path(__file__).parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"


def test_a_short_year_column_is_read_by_the_order_rule_not_dropped_row_by_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last 10 real IRA posts of the shipped example, as a US spreadsheet saves them ('11/5/16 2:55').
    Until session 13 a two-digit year was no date: 10 records rejected as 'unreadable time', exit 3,
    and the day/month question never asked. Now the column stops once as ambiguous, and
    --monthfirst reads it as the four-digit file is read."""
    monkeypatch.chdir(tmp_path)
    rows = pd.read_csv(EXAMPLE_POSTS, dtype=str).tail(10)
    flat = pd.DataFrame({"author_screen_name": rows["author"], "text": rows["content"]})
    flat.assign(created_at=rows["publish_date"].str.replace("/2016 ", "/16 ", regex=False)).to_csv("short.csv", index=False)
    flat.assign(created_at=rows["publish_date"]).to_csv("full.csv", index=False)
    runner = CliRunner()
    stopped = runner.invoke(cli, ["posts", "short.csv", "-o", "s.csv", "--no-account-model"])
    assert stopped.exit_code == 2
    assert stopped.output.splitlines()[-1] == (
        "error: short.csv, field 'created_at': dates such as '11/5/16 2:55' read both day-first (day 11, month 5) and "
        "month-first (month 11, day 5), and no value in the file settles which: give --dayfirst, --monthfirst or "
        "--date-format (e.g. --date-format '%d/%m/%y %H:%M' reads them day-first)"
    )
    assert not Path("s.csv").exists() and not Path("s.rejects.csv").exists()
    assert runner.invoke(cli, ["posts", "short.csv", "-o", "s.csv", "--no-account-model", "--monthfirst"]).exit_code == 0
    assert runner.invoke(cli, ["posts", "full.csv", "-o", "f.csv", "--no-account-model", "--monthfirst"]).exit_code == 0
    short = pd.read_csv("s.csv", dtype=str)["created_at"].tolist()
    assert short == pd.read_csv("f.csv", dtype=str)["created_at"].tolist()
    assert short == [
        "2016-11-05 02:55:00+00:00", "2016-11-05 02:56:00+00:00", "2016-11-05 02:57:00+00:00", "2016-11-05 02:59:00+00:00",
        "2016-11-05 03:00:00+00:00", "2016-11-05 03:01:00+00:00", "2016-11-05 03:04:00+00:00", "2016-11-05 16:41:00+00:00",
        "2016-11-05 16:44:00+00:00", "2016-11-05 19:18:00+00:00",
    ]


def test_an_account_list_with_short_years_is_settled_per_column_by_a_value_only_one_order_allows(accounts_dir: Path, tmp_path: Path) -> None:
    # The three real cresci-2017 rows, their dates as Excel's US locale shows them ('6/11/13 11:20').
    real = read_accounts(accounts_dir / "cresci2017_genuine.csv").accounts
    rows = pd.read_csv(accounts_dir / "cresci2017_genuine.csv", dtype=str)[["id", "screen_name", "followers_count"]]
    rows["created_at"] = real["created_at"].dt.strftime("%-m/%-d/%y %H:%M").tolist()
    assert rows["created_at"].tolist() == ["6/11/13 11:20", "5/13/14 10:37", "9/5/13 20:52"]
    rows.to_csv(tmp_path / "short.csv", index=False)
    got = read_accounts(tmp_path / "short.csv", as_of="2016-01-01")
    assert got.rejects.rows == []  # '5/13/14' settles month-first: the dates of the Twitter-format file
    assert got.accounts["created_at"].tolist() == real["created_at"].dt.floor("min").tolist()
    # Their crawl times read both ways, every one ('5/2/15'): that column stops, whatever the other says.
    rows["crawled_at"] = real["collected_at"].dt.strftime("%-m/%-d/%y %H:%M").tolist()
    rows.to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(AmbiguousDatesError) as err:
        read_accounts(tmp_path / "short.csv")
    assert str(err.value).startswith(f"{tmp_path / 'short.csv'}, field 'crawled_at': dates such as '5/2/15 06:41' read both day-first")


# ----------------------------------------------------------------------------- a 12-hour clock, a zone's name after ISO

# value -> the UTC time (None: unreadable), in a month-first column ('12/25/2020' settles it).
CLOCKS = [
    ("11/25/2016 2:55 PM", "2016-11-25 14:55:00"),
    ("11/25/2016 2:55pm", "2016-11-25 14:55:00"),
    ("11/25/2016 12:05 AM", "2016-11-25 00:05:00"),  # 12 AM is midnight
    ("11/25/2016 12:05 PM", "2016-11-25 12:05:00"),  # 12 PM is noon
    ("11/25/2016 2:55:10 a.m.", "2016-11-25 02:55:10"),
    ("11/25/16 9:05 PM", "2016-11-25 21:05:00"),
    ("11/25/2016 13:05 PM", None),  # no hour of a 12-hour clock
    ("11/25/2016 0:05 AM", None),
    ("2024-05-10 22:01:00 UTC", "2024-05-10 22:01:00"),  # BigQuery's CSV export
    ("2024-05-10T22:01:00 GMT", "2024-05-10 22:01:00"),
]


@pytest.mark.parametrize(("value", "expected"), CLOCKS)
def test_a_twelve_hour_clock_and_a_zone_named_after_iso_are_read(value: str, expected: str | None) -> None:
    rules = DateRules()
    got = parse_dates(pd.Series([value, "12/25/2020"]), "created_at", rules).iloc[0]
    if expected is None:
        assert pd.isna(got)
    else:
        assert got == pd.Timestamp(expected, tz="UTC")
    assert "UTC" not in value and "GMT" not in value or rules.unzoned == {}  # a written zone is no zoneless time


def test_posts_saved_with_a_twelve_hour_clock_or_bigquerys_utc_keep_their_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 26 real IRA posts of tests/fixtures/posts/ira_calls.csv (its two broken rows left out) as a flat
    table, their times as US Excel saves them ('10/16/2015 12:13 AM') and as BigQuery exports them
    ('2015-10-16 00:13:00 UTC'). Until session 13 both were 'unreadable time': every post rejected."""
    monkeypatch.chdir(tmp_path)
    rows = pd.read_csv(Path(__file__).parent / "fixtures" / "posts" / "ira_calls.csv", dtype=str).iloc[:26]
    times = pd.to_datetime(rows["publish_date"], format="%m/%d/%Y %H:%M")
    flat = pd.DataFrame({"author_screen_name": rows["author"], "text": rows["content"]})
    flat.assign(created_at=times.dt.strftime("%-m/%-d/%Y %-I:%M %p")).to_csv("excel.csv", index=False)
    flat.assign(created_at=times.dt.strftime("%Y-%m-%d %H:%M:%S UTC")).to_csv("bigquery.csv", index=False)
    assert pd.read_csv("excel.csv")["created_at"].tolist()[:2] == ["10/16/2015 12:13 AM", "10/16/2015 12:13 AM"]
    runner = CliRunner()
    for name in ("excel", "bigquery"):
        result = runner.invoke(cli, ["posts", f"{name}.csv", "-o", f"{name}.out.csv", "--no-account-model"])
        assert result.exit_code == 0, result.output
        assert not Path(f"{name}.out.rejects.csv").exists()
        got = pd.to_datetime(pd.read_csv(f"{name}.out.csv")["created_at"], utc=True)
        assert got.tolist() == times.dt.tz_localize("UTC").tolist()
        assert got.dt.strftime("%Y-%m-%d %H:%M").iloc[[0, 4, 11, 25]].tolist() == [
            "2015-10-16 00:13", "2015-11-23 19:17", "2016-10-27 00:18", "2017-02-13 08:40",
        ]
    # Only the Excel file's times carry no zone, and only it is told so.
    said = runner.invoke(cli, ["posts", "bigquery.csv", "-o", "b2.csv", "--no-account-model"]).output
    assert "carry no time zone" not in said


# ----------------------------------------------------------------------------- --date-format checked before any date is read

DIRECTIVES = "%d day, %m month, %Y year, %y two-digit year, %H hour, %I hour of a 12-hour clock with %p AM/PM, %M minute, %S second"


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("%Q", f"--date-format '%Q': 'Q' is a bad directive in format '%Q' (directives: {DIRECTIVES})"),
        ("%d.%m.%Y %", f"--date-format '%d.%m.%Y %': stray % in format '%d.%m.%Y %' (directives: {DIRECTIVES})"),
        ("dd.mm.yyyy", f"--date-format 'dd.mm.yyyy' holds no strptime directive: write the form of the dates with them ({DIRECTIVES})"),
    ],
)
def test_a_date_format_that_is_no_strptime_format_is_refused_at_once(fmt: str, message: str) -> None:
    from detector.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        DateRules(fmt=fmt)
    assert str(err.value) == message


def test_posts_with_a_bad_date_format_exit_2_with_the_message_not_a_traceback(tmp_path: Path) -> None:
    # Until session 13, '%Q' went to pandas at the first date read: a ValueError traceback, exit 1.
    src = Path(__file__).parent / "fixtures" / "posts" / "ira_calls.csv"
    result = CliRunner().invoke(cli, ["posts", str(src), "-o", str(tmp_path / "p.csv"), "--no-account-model", "--date-format", "%Q"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"error: --date-format '%Q': 'Q' is a bad directive in format '%Q' (directives: {DIRECTIVES})"
    assert list(tmp_path.iterdir()) == []
