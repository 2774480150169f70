"""Messages about a file's values name its columns as the file writes them.

The readers rename headers to canonical fields (``publish_date`` -> ``created_at``, ``Followers`` ->
``followers_count``) before reading a value; the user can only find and fix a column by its own
name, so every note, error and reject names that one (closing note of session 7: the IRA zone note
said ``created_at``, a column the IRA CSV does not have).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from detector.accounts.read import read_accounts
from detector.dates import AmbiguousDatesError
from detector.engine import decide_account_orders, decide_input_order
from detector.errors import InputError
from detector.posts.read import read_posts

AS_OF = pd.Timestamp("2025-01-01", tz="UTC")

# The IRA release's header (FiveThirtyEight) and three rows of its shape; row 3's date is bad.
IRA = (
    "external_author_id,author,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,account_type\n"
    "1,AAA,Rally tomorrow at noon,United States,English,10/16/2015 0:13,10/16/2015 0:13,10,20,5,,Right\n"
    "2,BBB,Join us,United States,English,10/17/2015 14:02,10/17/2015 14:02,11,21,6,,Right\n"
    "3,CCC,hello,United States,English,yesterday,10/17/2015 14:02,11,21,6,,Right\n"
)


def test_ira_zone_note_and_rejects_name_publish_date(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = tmp_path / "ira.csv"
    src.write_text(IRA, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        got = read_posts(src)
    notes = [r.getMessage() for r in caplog.records if "carry no time zone" in r.getMessage()]
    assert notes == [
        f"times in column 'publish_date' of {src} (such as '10/16/2015 0:13') carry no time zone and were read as UTC, "
        "which the IRA release's authors give as its zone (github.com/fivethirtyeight/russian-troll-tweets/issues/9); "
        "if this file's times are local, give --tz ZONE"
    ]  # the release's README names no zone; one of its two researchers answered UTC in that issue
    assert got.posts["post_id"].tolist() == ["r1", "r2"]
    assert [(r["row"], r["field"], r["reason"]) for r in got.rejects.rows] == [(3, "publish_date", "unreadable time 'yesterday'")]


def test_a_flat_tables_headers_are_named_in_its_rejects_and_errors(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("ID,Autor,Tekst,Datum\n1,a,Protest sutra,2024-05-10 20:01\n2,b,hello,zzz\n", encoding="utf-8")
    got = read_posts(src)
    assert [(r["row"], r["field"], r["reason"], r["raw"]) for r in got.rejects.rows] == [
        (2, "Datum", "unreadable time 'zzz'", '{"ID": "2", "Autor": "b", "Tekst": "hello", "Datum": "zzz"}')
    ]
    src.write_text("ID,Autor,Tekst,Datum\n1,a,Protest sutra,10/05/2024 20:01\n2,b,hello,03/04/2024\n", encoding="utf-8")
    with pytest.raises(AmbiguousDatesError) as err:
        read_posts(src)
    assert str(err.value).startswith(f"{src}, field 'Datum': dates such as '10/05/2024 20:01' read both day-first")


def test_an_account_tables_headers_are_named_in_its_rejects_notes_and_errors(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("Username,Followers,Joined\nana,lots,10.05.2024. 20:01\nbob,5,zzz\n", encoding="utf-8")
    got = read_accounts(src, as_of=AS_OF)
    assert [(r["row"], r["field"], r["action"]) for r in got.rejects.rows] == [(1, "Followers", "field ignored"), (2, "Joined", "field ignored")]
    assert got.rejects.notes["unzoned_times"] == {("Joined", "10.05.2024. 20:01")}
    # The canonical table keeps its canonical names.
    assert got.accounts["followers_count"].isna().tolist() == [True, False]
    src.write_text("Username,Followers,Joined\nana,1,10/05/2024\nbob,5,03/04/2024\n", encoding="utf-8")
    with pytest.raises(AmbiguousDatesError) as err:
        read_accounts(src, as_of=AS_OF)
    assert str(err.value).startswith(f"{src}, field 'Joined': dates such as '10/05/2024' read both day-first")


def test_the_dask_engines_first_pass_names_the_columns_as_written(tmp_path: Path) -> None:
    """An input of several files settles its order on the client (threads here, no cluster): the
    error names the partitions' own header."""
    posts = [tmp_path / "p1.csv", tmp_path / "p2.csv"]
    posts[0].write_text("ID,Autor,Tekst,Datum\n1,a,x,10/05/2024\n", encoding="utf-8")
    posts[1].write_text("ID,Autor,Tekst,Datum\n2,b,y,03/04/2024\n", encoding="utf-8")
    with pytest.raises(AmbiguousDatesError, match="field 'Datum': dates such as '10/05/2024'"):
        decide_input_order([str(p) for p in posts], str(tmp_path), None, None, None)
    accounts = [tmp_path / "a1.csv", tmp_path / "a2.csv"]
    accounts[0].write_text("Username,Joined\nana,10/05/2024\n", encoding="utf-8")
    accounts[1].write_text("Username,Joined\nbob,03/04/2024\n", encoding="utf-8")
    with pytest.raises(AmbiguousDatesError, match="field 'Joined': dates such as '10/05/2024'"):
        decide_account_orders([str(p) for p in accounts], str(tmp_path), None, None, None)


def test_the_ira_zone_note_is_the_same_when_partitions_say_it(tmp_path: Path) -> None:
    """The Dask engine joins its partitions' notes and says them once for the input: the IRA
    release's documented UTC travels with them."""
    from detector.dates import DateRules, date_notices, rules_notes
    from detector.engine import joined_notes, notes_frame

    src = tmp_path / "ira.csv"
    src.write_text(IRA, encoding="utf-8")
    rules = DateRules()
    read_posts(src, dates=rules, say_date_notes=False)
    assert date_notices("parts", joined_notes(notes_frame(rules_notes(rules)))) == [
        "times in column 'publish_date' of parts (such as '10/16/2015 0:13') carry no time zone and were read as UTC, "
        "which the IRA release's authors give as its zone (github.com/fivethirtyeight/russian-troll-tweets/issues/9); "
        "if this file's times are local, give --tz ZONE"
    ]
    # a flat file in another shape keeps the plain note
    flat = tmp_path / "flat.csv"
    flat.write_text("post_id,author_id,text,created_at\n1,a,hi,2024-05-10 20:01\n", encoding="utf-8")
    rules = DateRules()
    read_posts(flat, dates=rules, say_date_notes=False)
    assert date_notices("flat", joined_notes(notes_frame(rules_notes(rules)))) == [
        "times in column 'created_at' of flat (such as '2024-05-10 20:01') carry no time zone and were read as UTC; "
        "if they are local times, give --tz ZONE (e.g. --tz Europe/Belgrade)"
    ]


def test_the_no_usable_column_error_lists_the_headers_as_written(tmp_path: Path) -> None:
    # The IRA release's authors.csv (header and first row of its shape): ids and categories, nothing to score.
    src = tmp_path / "authors.csv"
    src.write_text("author_id,author,external_author_id,account_type,account_category\n10_gop,10_gop,906000000000000000,Right,RightTroll\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_accounts(src, as_of=AS_OF)
    assert "columns found: 'author_id', 'author', 'external_author_id', 'account_type', 'account_category';" in str(err.value)


def test_ira_partial_profile_warnings_name_followers_and_following(tmp_path: Path) -> None:
    # The IRA CSV's counts are partial profiles: a bad count is dropped, naming the column as the file writes it.
    src = tmp_path / "ira.csv"
    src.write_text(
        "external_author_id,author,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,account_type\n"
        "1,AAA,Rally tomorrow at noon,United States,English,10/16/2015 0:13,10/16/2015 0:13,lots,-5,5,,Right\n",
        encoding="utf-8",
    )
    got = read_posts(src)
    assert sorted((r["row"], r["field"], r["action"]) for r in got.rejects.rows) == [
        (1, "followers", "field ignored"),
        (1, "following", "field ignored"),
    ]


def test_a_table_without_a_header_line_is_said_to_lack_one(tmp_path: Path) -> None:
    # caverlee-2011's legitimate_users.txt, its first two lines as published: tab-separated values, no header line.
    src = tmp_path / "legitimate_users.txt"
    src.write_text(
        "614\t2006-07-13 15:30:05\t2009-11-20 23:56:21\t510\t350\t3265\t10\t34\n"
        "1038\t2006-07-15 16:12:15\t2009-11-16 05:12:11\t304\t443\t4405\t7\t156\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_accounts(src, as_of=AS_OF)
    assert str(err.value) == (
        f"{src}: the first line holds values, not column names ('614', '2006-07-13 15:30:05', '2009-11-20 23:56:21', "
        "'510' and 4 more): the file has no header line; add one naming its columns (e.g. id,created_at,followers_count,...) "
        "and give it again"
    )
