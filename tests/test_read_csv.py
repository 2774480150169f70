"""CSV account files whose fields hold line breaks, as pandas and spreadsheets write them.

The rows are real: four profiles from datasets/accounts/ (cresci-2017's botometer-feedback and
cresci-stock-2018 collections, public research data), whose descriptions hold a line break each:
an LF, a CRLF, and a lone CR. pandas quotes a field holding LF or CRLF (RFC 4180), but leaves one
whose only break is a lone CR unquoted, since its line end is LF. Both must be read as one record.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pandas as pd
import pytest

from detector.accounts.read import read_accounts
from detector.io import Rejects, _tolerant_csv, read_csv_strings

AS_OF = pd.Timestamp("2020-01-01", tz="UTC")

ROWS = [
    # account_id, screen_name, name, description, followers, friends, statuses, created_at, location
    ("60019512", "hermesuribe", "Hermes Uribe", "Pobre pero honrado.\nUn tipo tradicional.", 156, 435, 636, "2009-07-25 08:59:22+00:00", "San Joaquin, Santiago"),
    ("23201994", "nateivity", "Nathaniel Olajide", "Nate-Ivity A New Beginning - Another Birth\r THIS COULD BE IT THE MIXTAPE DROPPING SOON!!!", 3916, 0, 5109, "2009-03-07 15:30:43+00:00", "47.41155,8.543795"),
    ("257870289", "Adrianaglopes", "Adriana", "Dentista/Ortodontia/\r\nMinha familia amooo", 6, 27, 2439, "2011-02-26 11:20:06+00:00", "Brasil/Paulicéia/SP"),
    ("216958373", "novieindri", "novi indriati", "God doesn't promise a world free from problem & danger, but He does promise His help whenever we face them |\rLaw Faculty of Parahyangan University", 285, 1935, 10094, "2010-11-18 05:06:25+00:00", "Bandung- Indonesia"),
]
COLUMNS = ["id", "screen_name", "name", "description", "followers_count", "friends_count", "statuses_count", "created_at", "location"]


@pytest.fixture
def pandas_csv(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(path, index=False)
    return path


def test_pandas_writes_the_lone_cr_unquoted(pandas_csv: Path) -> None:
    # The shape under test: if pandas ever quotes it, the lone-CR test below tests nothing new.
    lines = pandas_csv.read_bytes().split(b"\n")
    assert lines[3].startswith(b"23201994,nateivity,Nathaniel Olajide,Nate-Ivity A New Beginning - Another Birth\r THIS")
    assert lines[1].startswith(b'60019512,hermesuribe,Hermes Uribe,"Pobre pero honrado.')


@pytest.mark.parametrize("chunksize", [None, 1, 3])
def test_line_breaks_inside_fields_are_data(pandas_csv: Path, chunksize: int | None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        batch = read_accounts(pandas_csv, as_of=AS_OF, chunksize=chunksize)
    assert caplog.records == []  # no fall back to the row-by-row reader, no rejects
    assert len(batch.rejects) == 0
    got = batch.accounts
    assert got["account_id"].tolist() == ["60019512", "23201994", "257870289", "216958373"]
    assert got["source_row"].tolist() == [1, 2, 3, 4]
    assert got["description"].tolist() == [
        "Pobre pero honrado.\nUn tipo tradicional.",
        "Nate-Ivity A New Beginning - Another Birth\r THIS COULD BE IT THE MIXTAPE DROPPING SOON!!!",
        "Dentista/Ortodontia/\r\nMinha familia amooo",
        "God doesn't promise a world free from problem & danger, but He does promise His help whenever we face them |\r"
        "Law Faculty of Parahyangan University",
    ]
    assert got["location"].tolist() == ["San Joaquin, Santiago", "47.41155,8.543795", "Brasil/Paulicéia/SP", "Bandung- Indonesia"]
    assert got["followers_count"].tolist() == [156.0, 3916.0, 6.0, 285.0]
    assert got["statuses_count"].tolist() == [636.0, 5109.0, 2439.0, 10094.0]
    assert got["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2009-07-25 08:59:22", "2009-03-07 15:30:43", "2011-02-26 11:20:06", "2010-11-18 05:06:25",
    ]


def test_a_bad_row_among_multi_line_records_is_kept_aside_with_its_record_and_lines(pandas_csv: Path) -> None:
    lines = pandas_csv.read_bytes().split(b"\n")
    # Lines: 1 header; 2-3 record 1 (quoted LF); 4 record 2 (lone CR); 5-6 record 3 (quoted CRLF).
    # Then a hand-typed row whose location has an unquoted comma: one field too many.
    bad = b"1502026416,0918Bask,Sara Bask,,208,1,5,2012-06-24 05:35:00+00:00,Novi Sad, Serbia"
    pandas_csv.write_bytes(b"\n".join([*lines[:6], bad, *lines[6:]]))
    batch = read_accounts(pandas_csv, as_of=AS_OF)
    assert batch.accounts["account_id"].tolist() == ["60019512", "23201994", "257870289", "216958373"]
    assert batch.accounts["source_row"].tolist() == [1, 2, 3, 5]
    assert batch.accounts["description"].iat[3].endswith("them |\rLaw Faculty of Parahyangan University")
    assert [(r["row"], r["action"], r["reason"]) for r in batch.rejects.rows] == [
        (
            4,
            "rejected",
            "malformed CSV row (line 7 of the file): 10 fields where the header has 9 "
            "(a delimiter inside an unquoted field, or a broken quote?)",
        )
    ]
    assert batch.rejects.rows[0]["raw"] == bad.decode()


def test_a_quoted_field_over_several_lines_is_counted_in_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,screen_name,description\n1,a,"one\ntwo\nthree"\n2,b,x,y\n3,c,"four\nfive",z\n4,d,ok\n', encoding="utf-8")
    rejects = Rejects(str(path))
    rows = pd.concat(list(read_csv_strings(path, rejects=rejects)))
    assert rows["id"].tolist() == ["1", "4"]
    assert rows.index.tolist() == [1, 4]
    assert [(r["row"], r["reason"].split(":")[0]) for r in rejects.rows] == [
        (2, "malformed CSV row (line 5 of the file)"),
        (3, "malformed CSV row (lines 6-7 of the file)"),
    ]


def test_a_file_whose_lines_end_with_a_lone_cr_is_still_read(tmp_path: Path) -> None:
    # Old Mac spreadsheets end lines with CR alone: there a lone CR is the line end, not data.
    path = tmp_path / "mac.csv"
    path.write_bytes(b"id,screen_name,followers_count\r60019512,hermesuribe,156\r23201994,nateivity,3916\r")
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["screen_name"].tolist() == ["hermesuribe", "nateivity"]
    assert batch.accounts["followers_count"].tolist() == [156.0, 3916.0]


def test_after_a_bad_row_the_fast_reader_reads_on(pandas_csv: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A bad row no longer hands the rest of the file to the row-by-row reader (6 times slower):
    # pyarrow reads on, on one thread, and numbers the rows it sets aside as records.
    lines = pandas_csv.read_bytes().split(b"\n")
    bad_quoted = b'2492782375,1120Roll,Roll,"two\nlines",330,485,1,2014-05-10 20:01:00+00:00,Beograd, Srbija'
    bad_short = b"1733095801,1Nicoleromany"
    pandas_csv.write_bytes(b"\n".join([lines[0], bad_short, *lines[1:6], bad_quoted, *lines[6:]]))
    with caplog.at_level(logging.WARNING):
        batch = read_accounts(pandas_csv, as_of=AS_OF, chunksize=2)
    assert batch.accounts["account_id"].tolist() == ["60019512", "23201994", "257870289", "216958373"]
    assert batch.accounts["source_row"].tolist() == [2, 3, 4, 6]
    assert batch.accounts["description"].iat[1].startswith("Nate-Ivity A New Beginning - Another Birth\r THIS")
    assert [(r["row"], r["reason"], r["raw"]) for r in batch.rejects.rows] == [
        (1, "malformed CSV row (line 2 of the file): 2 fields where the header has 9 (a delimiter inside an unquoted field, or a broken quote?)", bad_short.decode()),
        (5, "malformed CSV row (lines 8-9 of the file): 10 fields where the header has 9 (a delimiter inside an unquoted field, or a broken quote?)", bad_quoted.decode()),
    ]
    said = [r.getMessage() for r in caplog.records if "malformed CSV:" in r.getMessage()]
    assert len(said) == 1 and said[0].endswith("reading on and keeping bad rows aside")
    # the same records, rows and lines as the row-by-row reader finds
    slow = Rejects(str(pandas_csv))
    rows = pd.concat(list(_tolerant_csv(pandas_csv, ",", 1, 100, slow, "\ufdd0")))
    assert rows.index.tolist() == [2, 3, 4, 6]
    assert [(r["row"], r["reason"]) for r in slow.rows] == [(r["row"], r["reason"]) for r in batch.rejects.rows]


def test_twitter_times_counts_and_flags_read_in_bulk_as_one_by_one(tmp_path: Path) -> None:
    # The bulk paths (Twitter times from their digits, whole-number counts by Arrow, each distinct
    # flag once) against values worked out by hand, beside the forms that still take the slow path.
    path = tmp_path / "twitter.csv"
    path.write_text(
        "id,screen_name,created_at,followers_count,verified\n"
        "1,a,Mon Feb 29 23:59:59 -0800 2016,2180.0,true\n"  # leap day, west of UTC: next day in UTC
        "2,b,Sun Mar 01 00:00:00 +0530 2015,\"1,234\",False\n"  # east of UTC: the day before in UTC
        "3,c,Sun Feb 29 10:00:00 +0000 2015,007, yes \n"  # no 29 February in 2015: unparseable
        "4,d,Sun Mar 01 24:00:00 +0000 2015,-5,maybe\n"  # hour 24: unparseable; -5 is no count
        "5,e,Xyz Mar 01 10:00:00 +0000 2015,12.50,1\n",  # any weekday, as before: the slow path reads it; 12.50 is no count
        encoding="utf-8",
    )
    batch = read_accounts(path, as_of=AS_OF)
    got = batch.accounts
    assert [str(t) for t in got["created_at"]] == [
        "2016-03-01 07:59:59+00:00", "2015-02-28 18:30:00+00:00", "NaT", "NaT", "2015-03-01 10:00:00+00:00",
    ]
    assert got["followers_count"].tolist()[:3] == [2180.0, 1234.0, 7.0] and math.isnan(got["followers_count"].iat[3])
    assert math.isnan(got["followers_count"].iat[4])
    assert got["verified"].tolist()[:3] == [True, False, True] and got["verified"].isna().tolist()[3:] == [True, False]
    assert [(r["row"], r["field"], r["reason"]) for r in batch.rejects.rows] == [
        (4, "followers_count", "'-5' is not a non-negative number: field ignored, record kept"),
        (5, "followers_count", "'12.50' is not a whole number: field ignored, record kept"),
        (3, "created_at", "unparseable date 'Sun Feb 29 10:00:00 +0000 2015': field ignored, record kept"),
        (4, "created_at", "unparseable date 'Sun Mar 01 24:00:00 +0000 2015': field ignored, record kept"),
        (4, "verified", "'maybe' is not a boolean: field ignored, record kept"),
    ]


# ----------------------------------------------------------------------------- files not in UTF-8

def test_a_csv_saved_in_another_encoding_is_not_read_with_its_letters_replaced(tmp_path: Path) -> None:
    """Excel in Serbian or Croatian saves CSV as Windows-1250. Its 'š' (0x9a) was read as U+FFFD:
    'Skupštine' became 'Skup?tine', silently, and a header 'Korisničko ime' matched no field."""
    from detector.errors import InputError

    path = tmp_path / "cp1250.csv"
    path.write_bytes("Korisničko ime,Pratioci\nana,10\n".encode("cp1250"))
    with pytest.raises(InputError) as err:
        read_accounts(path, as_of=AS_OF)
    assert str(err.value) == (
        f"{path}: the header line holds bytes that are not UTF-8 text (0xe8): the file was saved in another encoding "
        "(Windows-1250 or -1252, say); save it as 'CSV UTF-8' and give it again"
    )
    # One row of another encoding in a UTF-8 file: that row is set aside, saying so; the others are read whole.
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "screen_name,description\nana,ispred Skupštine\n".encode()
        + "bob,ispred Skupštine\n".encode("cp1250")
        + "ceca,Сви на протест\n".encode()
    )
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts[["screen_name", "description"]].values.tolist() == [["ana", "ispred Skupštine"], ["ceca", "Сви на протест"]]
    assert [(r["row"], r["field"], r["reason"], r["raw"]) for r in batch.rejects.rows] == [(
        2, "description", "this row (line 3 of the file) holds bytes that are not UTF-8 text (0x9a): the file was saved in another "
        "encoding (Windows-1250 or -1252, say); save it as 'CSV UTF-8' and give it again", "bob,ispred Skup\ufffdtine",
    )]  # fmt: skip


def test_a_header_with_blank_names_is_read_by_pandas_and_still_sets_other_encodings_aside(tmp_path: Path) -> None:
    """Two blank header names (an exported index, say) send the file to pandas' reader, which read
    Windows-1250 bytes with encoding_errors="replace": 'Skupštine' became 'Skup\ufffdtine' silently."""
    from detector.errors import InputError

    path = tmp_path / "blank-names.csv"
    path.write_bytes(
        ",,screen_name,description\n0,0,ana,ispred Skupštine\n".encode()
        + "1,1,bob,ispred Skupštine\n".encode("cp1250")
        + "2,2,ceca,Сви на протест\n".encode()
        + b"3,3\xe8,dan,x\n"
    )
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts[["screen_name", "description"]].values.tolist() == [["ana", "ispred Skupštine"], ["ceca", "Сви на протест"]]
    reason = (
        "this field holds bytes that are not UTF-8 text ({}): the file was saved in another encoding "
        "(Windows-1250 or -1252, say); save it as 'CSV UTF-8' and give it again"
    )
    assert [(r["row"], r["field"], r["action"], r["reason"], r["raw"]) for r in batch.rejects.rows] == [
        (2, "description", "rejected", reason.format("0x9a"), "1,1,bob,ispred Skup\ufffdtine"),
        (4, "column 2 (no name in the header)", "rejected", reason.format("0xe8"), "3,3\ufffd,dan,x"),
    ]  # fmt: skip
    with pytest.raises(InputError) as err:  # with nowhere to set it aside, the file stops at that row and field
        list(read_csv_strings(path))
    assert (err.value.row, err.value.field) == (2, "description")
    assert str(err.value).startswith(f"{path}, record 2, field 'description': this field holds bytes that are not UTF-8")


def test_posts_whose_every_row_is_set_aside_by_the_csv_reader_stop_with_exit_3(tmp_path: Path) -> None:
    """Every row of the wrong width (or not UTF-8): a traceback (IndexError) before; now exit 3 and the rejects."""
    from click.testing import CliRunner

    from detector.cli import cli

    src = tmp_path / "w.csv"
    src.write_text("post_id,text,created_at\n1,a,b,c,d\n2,a,b,c,d\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["posts", str(src), "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 3, result.output
    assert result.stderr.endswith(f"error: {src}: every record was rejected (2 rejects), see {tmp_path / 's.rejects.csv'}\n")
    assert pd.read_csv(tmp_path / "s.rejects.csv")["row"].tolist() == [1, 2]
