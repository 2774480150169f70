"""Account readers on real rows of every supported shape, and on broken input.

Expected canonical values are written out from the fixture rows (tests/fixtures/accounts/README.md).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from detector.accounts.read import AccountBatch, read_accounts
from detector.accounts.score import file_notices
from detector.errors import EmptyInputError, InputError, UnknownFormatError
from detector.io import BOM
from detector.schema import ACCOUNT_COLUMNS

pytestmark = pytest.mark.usefixtures("no_network")

AS_OF = "2024-01-01T00:00:00Z"
NA = None  # written for a missing value in the expected tables


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def check_rows(frame: pd.DataFrame, expected: list[dict]) -> None:
    """Compare each expected field with the canonical frame; NA stands for a missing value."""
    assert len(frame) == len(expected)
    for i, row in enumerate(expected):
        for col, want in row.items():
            got = frame[col].iloc[i]
            if want is NA:
                assert pd.isna(got), f"row {i} {col}: {got!r} should be missing"
            elif isinstance(want, float):
                assert got == pytest.approx(want), f"row {i} {col}"
            else:
                assert not pd.isna(got), f"row {i} {col} is missing, expected {want!r}"
                assert got == want, f"row {i} {col}: {got!r} != {want!r}"


def check_canonical(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(ACCOUNT_COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items()} == {c: str(pd.Series(dtype=t).dtype) for c, t in ACCOUNT_COLUMNS.items()}


def notes(batch: AccountBatch) -> list[tuple[int, str, str, str]]:
    """The rejects of a read as (record, field, action, reason)."""
    return [(r["row"], r["field"], r["action"], r["reason"]) for r in batch.rejects.rows]


def read_clean(path: Path) -> pd.DataFrame:
    """Read a fixture that must come through whole: canonical columns, nothing rejected."""
    batch = read_accounts(path, as_of=AS_OF)
    check_canonical(batch.accounts)
    assert len(batch.rejects) == 0, batch.rejects.rows
    return batch.accounts


# ------------------------------------------------------------------------------------------------
# Readers on real rows


def test_cresci_2017_csv(accounts_dir: Path) -> None:
    accounts = read_clean(accounts_dir / "cresci2017_genuine.csv")
    check_rows(
        accounts,
        [
            {
                "account_id": "1502026416", "screen_name": "0918Bask", "name": "TASUKU HAYAKAWA",
                "description": "15years ago X.Lines24", "statuses_count": 2177.0, "followers_count": 208.0,
                "friends_count": 332.0, "favourites_count": 265.0, "listed_count": 1.0,
                "created_at": utc("2013-06-11 11:20:35"),
                # crawled_at, not 'updated' (2016-03-15) and not --as-of
                "collected_at": utc("2015-05-02 06:41:46"),
                # cresci writes booleans as 1 or empty: empty is false there
                "default_profile": False, "default_profile_image": False,
                "profile_use_background_image": False, "verified": False,
                "url": "", "location": "Tokyo .Japan .", "lang": "ja", "source_row": 1,
            },
            {
                "account_id": "2492782375", "screen_name": "1120Roll", "name": "ro_or",
                "statuses_count": 2660.0, "followers_count": 330.0, "friends_count": 485.0,
                "favourites_count": 3972.0, "listed_count": 5.0,
                "created_at": utc("2014-05-13 10:37:57"), "collected_at": utc("2015-05-01 17:20:27"),
                "default_profile": True, "profile_use_background_image": True, "verified": False,
                "location": "神奈川県横浜市", "source_row": 2,
            },
            {
                "account_id": "1733095801", "screen_name": "1Nicoleromany", "description": "",
                "created_at": utc("2013-09-05 20:52:02"), "collected_at": utc("2015-05-01 13:16:34"),
                "location": "", "lang": "en", "source_row": 3,
            },
        ],
    )
    assert accounts.loc[1, "description"].startswith("保守見習い地元大好き人間。")


def test_cresci_2017_spambots_csv(accounts_dir: Path) -> None:
    batch = read_accounts(accounts_dir / "cresci2017_spambots.csv", as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"account_id": "24858289", "screen_name": "davideb66", "description": "", "statuses_count": 1299.0,
             "default_profile": True, "default_profile_image": True, "collected_at": utc("2014-04-19 14:46:19")},
            {"account_id": "237177357", "screen_name": "RosannaPilano", "favourites_count": 0.0,
             "followers_count": 1561.0, "friends_count": 2001.0, "default_profile": False,
             "description": "Focosa, onesta, sincera. Mai tradire.", "collected_at": utc("2014-06-09 23:20:27")},
        ],
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "cresci2015_E13.csv",
            [
                {"account_id": "3610511", "screen_name": "braddd", "name": "Davide Dellacasa",
                 "statuses_count": 20370.0, "followers_count": 5470.0, "friends_count": 2385.0,
                 "favourites_count": 145.0, "listed_count": 52.0, "created_at": utc("2007-04-06 10:58:22"),
                 # cresci-2015 has no crawled_at: its 'updated' is the crawl time
                 "collected_at": utc("2015-02-14 10:54:49"), "url": "http://braddd.tumblr.com",
                 "location": "Roma", "lang": "it", "default_profile": False, "profile_use_background_image": True},
                {"account_id": "5682702", "screen_name": "tacone_", "description": "Cogito ergo bestemmio.",
                 "created_at": utc("2007-05-01 11:53:40"), "collected_at": utc("2015-02-14 10:54:49")},
            ],
        ),
        (
            "cresci2015_INT.csv",
            [
                {"account_id": "370098498", "screen_name": "pirfectmoses", "description": "", "statuses_count": 24.0,
                 "followers_count": 4.0, "friends_count": 588.0, "collected_at": utc("2015-02-14 10:40:01")},
                {"account_id": "110120789", "screen_name": "kanaujiask", "name": "Shri Kant Kanaujia",
                 "default_profile": True, "default_profile_image": True, "location": "lucknow"},
            ],
        ),
    ],
)
def test_cresci_2015_csv(accounts_dir: Path, name: str, expected: list[dict]) -> None:
    check_rows(read_clean(accounts_dir / name), expected)


def test_bot_repository_records(accounts_dir: Path) -> None:
    accounts = read_clean(accounts_dir / "botrepo_2019.json")
    check_rows(
        accounts,
        [
            {
                # the JSON number id 969398693249126400 is beyond float precision: id_str is taken
                "account_id": "969398693249126400", "screen_name": "goth_lyrics",
                "name": "Random Goth Lyric Generator", "statuses_count": 3792.0, "followers_count": 23.0,
                "friends_count": 8.0, "favourites_count": 2.0, "listed_count": 1.0,
                "created_at": utc("2018-03-02 02:27:13"),
                # the record's top-level created_at is when the profile was collected
                "collected_at": utc("2019-06-05 21:43:20"),
                "verified": False, "default_profile": False, "profile_use_background_image": False,
                "url": "https://t.co/s9UkVMDACm", "location": "City of Dis", "lang": NA, "source_row": 1,
            },
            {"account_id": "2402022649", "screen_name": "transitingnow", "statuses_count": 407226.0,
             "collected_at": utc("2019-04-02 13:26:02"), "profile_use_background_image": True, "source_row": 2},
            {"account_id": "31098240", "screen_name": "Netwerk24", "verified": True, "followers_count": 188419.0,
             "created_at": utc("2009-04-14 10:57:46"), "collected_at": utc("2019-06-05 20:09:15"), "source_row": 3},
        ],
    )
    assert len(accounts.loc[0, "description"]) == 80


def test_v11_user_objects(accounts_dir: Path) -> None:
    batch = read_accounts(accounts_dir / "v11_users.jsonl", as_of=AS_OF)
    check_canonical(batch.accounts)
    check_rows(
        batch.accounts,
        [
            {"account_id": "6892002", "screen_name": "wbir", "name": "WBIR Channel 10", "statuses_count": 176250.0,
             "followers_count": 180759.0, "friends_count": 905.0, "favourites_count": 11608.0,
             "listed_count": 1119.0, "created_at": utc("2007-06-18 13:56:24"),
             # no collection time of its own: --as-of
             "collected_at": utc(AS_OF), "verified": True, "url": "", "location": "Knoxville, TN"},
            {"account_id": "20083388", "screen_name": "PatriciaMazzei", "favourites_count": 0.0,
             "url": "https://t.co/zGJ4T9rCnp", "collected_at": utc(AS_OF)},
        ],
    )


DOCS_USER = {
    "account_id": "2244994945", "screen_name": "XDevelopers", "name": "X Developers",
    "description": "The voice of the X developer community",
    "followers_count": 583423.0, "friends_count": 2048.0,  # following_count
    "statuses_count": 14052.0, "listed_count": 1672.0,  # tweet_count
    "favourites_count": NA,  # like_count was not asked for
    "created_at": utc("2013-12-14 04:35:55"), "collected_at": utc(AS_OF), "verified": True,
    # fields the response does not carry are missing, not empty
    "url": NA, "location": NA, "default_profile": NA, "default_profile_image": NA, "source_row": 1,
}


@pytest.mark.parametrize("name", ["xapi_v2_users.json", "xapi_v2_user.json", "xapi_v2_users.jsonl"])
def test_x_api_v2_users(accounts_dir: Path, name: str) -> None:
    check_rows(read_clean(accounts_dir / name), [DOCS_USER])


def test_x_api_v2_profile_image_says_default(tmp_path: Path) -> None:
    users = [
        {"id": "1", "username": "a", "profile_image_url": "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"},
        {"id": "2", "username": "b", "profile_image_url": "https://pbs.twimg.com/profile_images/994945/avatar_normal.jpg"},
    ]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": users, "errors": [{"detail": "Could not find user with ids: [3]."}]}))
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["default_profile_image"].tolist() == [True, False]


def test_twibot20_records(accounts_dir: Path) -> None:
    accounts = read_clean(accounts_dir / "twibot20.json")
    check_rows(
        accounts,
        [
            {
                # TwiBot-20 pads every value with a space and writes 'None' for null
                "account_id": "1297437077403885568", "screen_name": "JenniferFishpaw", "name": "Jennifer Fishpaw",
                "description": "", "statuses_count": 0.0, "followers_count": 0.0, "friends_count": 44.0,
                "favourites_count": 7.0, "listed_count": 0.0, "created_at": utc("2020-08-23 07:35:11"),
                "collected_at": utc(AS_OF), "verified": False, "default_profile": True,
                "default_profile_image": False, "url": "", "location": "", "lang": NA,
            },
            {"account_id": "1297609266623217664", "screen_name": "Richard37226643", "followers_count": 4.0,
             "friends_count": 66.0, "description": "l have a very goodlife with lots of good friends and fun.",
             "created_at": utc("2020-08-23 19:00:42")},
        ],
    )


def test_collection_time_precedence(accounts_dir: Path, tmp_path: Path) -> None:
    # 1. the record's own collection time wins over --as-of
    own = read_accounts(accounts_dir / "botrepo_2019.json", as_of=AS_OF).accounts
    assert own["collected_at"].tolist() == [utc("2019-06-05 21:43:20"), utc("2019-04-02 13:26:02"), utc("2019-06-05 20:09:15")]
    # 2. a record without one takes --as-of (naive times are UTC)
    given = read_accounts(accounts_dir / "v11_users.jsonl", as_of=pd.Timestamp("2019-07-01 12:00")).accounts
    assert given["collected_at"].tolist() == [utc("2019-07-01 12:00")] * 2
    # 3. and without --as-of, now
    before = pd.Timestamp.now(tz="UTC").floor("s")
    now = read_accounts(accounts_dir / "v11_users.jsonl").accounts
    after = pd.Timestamp.now(tz="UTC")
    assert ((now["collected_at"] >= before) & (now["collected_at"] <= after)).all()
    # mixed in one CSV: a blank collected_at cell falls back to --as-of, row by row
    path = tmp_path / "mixed.csv"
    path.write_text("id,screen_name,created_at,collected_at\n1,a,2020-01-01,2021-01-01T00:00:00Z\n2,b,2020-01-01,\n")
    mixed = read_accounts(path, as_of=AS_OF).accounts
    assert mixed["collected_at"].tolist() == [utc("2021-01-01"), utc(AS_OF)]


# ------------------------------------------------------------------------------------------------
# Bad input. Each case: what the user gave, what happens to the file, the record and the field.


def header_and_row(accounts_dir: Path) -> tuple[str, str]:
    """The cresci-2017 header and its first real row (0918Bask)."""
    lines = (accounts_dir / "cresci2017_genuine.csv").read_text(encoding="utf-8").splitlines()
    return lines[0], lines[1]


def test_broken_json_is_an_error_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"id_str": "1", "screen_name": "a"}, {"id_str": "2", ')
    with pytest.raises(InputError) as err:
        read_accounts(path)
    assert str(err.value).startswith(f"{path}: malformed JSON")


def test_broken_jsonl_line_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text('{"id_str": "1", "screen_name": "a"}\n{"id_str": "2", "scr\n{"id_str": "3", "screen_name": "c"}\n')
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["account_id"].tolist() == ["1", "3"]
    assert batch.accounts["source_row"].tolist() == [1, 3]
    [(row, field, action, reason)] = notes(batch)
    assert (row, field, action) == (2, "", "rejected")
    assert reason == "malformed JSON: Invalid control character at: line 1 column 21 (char 20)"


BAD_WIDTH = "malformed CSV row ({lines} of the file): {n} fields where the header has 3 (a delimiter inside an unquoted field, or a broken quote?)"


@pytest.mark.parametrize(
    ("body", "kept", "rejected"),
    [
        # an unclosed quote swallows the rest of the file into one bad row
        ('1,"a,2020-01-01\n2,b,2021-01-01\n', [], [(1, BAD_WIDTH.format(lines="lines 2-3", n=2))]),
        # a stray delimiter inside an unquoted field, in a later row: one field too many
        ("1,a,2020-01-01\n2,b,c,2020-01-01\n", [("1", "a")], [(2, BAD_WIDTH.format(lines="line 3", n=4))]),
        # the same in the first row: pandas would take the ids as row names and shift every
        # value one column left (id 'a', screen_name 'b') if the reader did not catch it
        ("1,a,b,2020-01-01\n2,b,2021-01-01\n", [("2", "b")], [(1, BAD_WIDTH.format(lines="line 2", n=4))]),
        # a bad row in the middle: the rows on both sides are kept, in order
        ("1,a,2020-01-01\n2,b,c,2020-01-01\n3,c,2021-01-01\n", [("1", "a"), ("3", "c")], [(2, BAD_WIDTH.format(lines="line 3", n=4))]),
    ],
)
def test_csv_rows_of_the_wrong_width_are_rejected_and_the_rest_read(
    tmp_path: Path, body: str, kept: list[tuple[str, str]], rejected: list[tuple[int, str]]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,screen_name,created_at\n" + body)
    batch = read_accounts(path, as_of=AS_OF)
    assert list(zip(batch.accounts["account_id"], batch.accounts["screen_name"], strict=True)) == kept
    assert [(row, reason) for row, _, _, reason in notes(batch)] == rejected
    assert all(action == "rejected" for _, _, action, _ in notes(batch))


# UTF-16 without its byte-order mark: never read on a guess (with the mark it is read: tests/test_io_encodings.py)
UTF16 = (
    "the file looks like UTF-16 LE text without a byte-order mark (a NUL byte beside each letter of its first line), "
    "and is not read on a guess: save it as UTF-8 (Excel: 'CSV UTF-8'; or iconv -f UTF-16LE -t UTF-8) and give it again"
)


@pytest.mark.parametrize(
    "content",
    [  # Excel's "Unicode Text" (UTF-16 with its byte-order mark, tab-separated), either byte order
        "Username\tFollowers\r\nana\t10\r\n".encode("utf-16"),
        b"\xfe\xff" + "Username\tFollowers\r\nana\t10\r\n".encode("utf-16-be"),
    ],
)
def test_excel_unicode_text_is_read(tmp_path: Path, content: bytes) -> None:
    """It was refused ("a text file saved as UTF-16 ... save it as 'CSV UTF-8'") before session 15."""
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts[["screen_name", "followers_count"]].values.tolist() == [["ana", 10.0]]


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary content of an unknown format (a spreadsheet? save it as CSV)"),
        ("Username\tFollowers\r\nana\t10\r\n".encode("utf-16-le"), None, UTF16),
        ("Username\tFollowers\r\nana\t10\r\n".encode("utf-16-le"), "csv", UTF16),
        # a Bot Repository archive given as it was downloaded (botrepo-2019/*.tar.gz)
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", None, "a gzip-compressed file (.gz, .tar.gz): extract it first and give the CSV or JSON inside"),
        (b"just some words\nand more words\n", None, "not CSV (no delimiter in the header line), JSON, JSONL or Parquet"),
        (b"id,screen_name\n1,a\n", "xml", "unknown format 'xml' (choose one of csv, json, jsonl, parquet)"),
    ],
)
def test_unknown_format(tmp_path: Path, content: bytes, fmt: str | None, message: str) -> None:
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    with pytest.raises(UnknownFormatError) as err:
        read_accounts(path, fmt=fmt)
    assert str(err.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"  \n\n", "the file is empty"),
        ("header.csv", b"id,screen_name,followers_count\n", "the CSV has a header but no rows"),
        ("empty.json", b"[]", "the JSON list holds no records"),
        ("blank.jsonl", BOM + b"{}\n", None),  # one record of no known shape: rejected, not empty
    ],
)
def test_empty_files(tmp_path: Path, name: str, content: bytes, message: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    if message is None:
        batch = read_accounts(path)
        assert len(batch.accounts) == 0
        assert batch.rejects.rows[0]["reason"] == "not an account record (no user, profile, id or screen_name)"
        return
    with pytest.raises(EmptyInputError) as err:
        read_accounts(path)
    assert str(err.value) == f"{path}: {message}"


def test_utf8_bom_is_ignored(accounts_dir: Path, tmp_path: Path) -> None:
    source = (accounts_dir / "cresci2017_genuine.csv").read_bytes()
    path = tmp_path / "bom.csv"
    path.write_bytes(BOM + source)
    batch = read_accounts(path, as_of=AS_OF)
    # the first header is "id", not "\ufeffid": the ids are read
    assert batch.accounts["account_id"].tolist() == ["1502026416", "2492782375", "1733095801"]
    for name in ("botrepo_2019.json", "v11_users.jsonl"):
        with_bom = tmp_path / name
        with_bom.write_bytes(BOM + (accounts_dir / name).read_bytes())
        plain = read_accounts(accounts_dir / name, as_of=AS_OF).accounts
        pd.testing.assert_frame_equal(read_accounts(with_bom, as_of=AS_OF).accounts, plain)


def test_no_id_or_screen_name_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "noid.csv"
    path.write_text("id,screen_name,name\n11,a,Ann\n,,Nobody\n,c,Cee\n")
    batch = read_accounts(path, as_of=AS_OF)
    # an id is the key; without one the screen name is
    assert batch.accounts["account_id"].tolist() == ["11", "c"]
    assert batch.accounts["source_row"].tolist() == [1, 3]
    assert notes(batch) == [(2, "id", "rejected", "no id or screen_name")]
    [rej] = batch.rejects.rows
    assert json.loads(rej["raw"]) == {"name": "Nobody"}


def test_json_record_of_no_known_shape_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([{"id_str": "1", "screen_name": "a"}, {"name": "no key"}, "text", 5]))
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["account_id"].tolist() == ["1"]
    assert [(r["row"], r["action"]) for r in batch.rejects.rows] == [(2, "rejected"), (3, "rejected"), (4, "rejected")]


def test_non_numeric_counts_are_ignored_and_the_record_kept(accounts_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(
        "id,screen_name,followers_count,friends_count,statuses_count\n"
        "1,a,lots,10,5\n"
        '2,b,"1,234", 12 ,-3\n'
        "3,c,7,8,9\n"
    )
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"account_id": "1", "followers_count": NA, "friends_count": 10.0, "statuses_count": 5.0},
            # "1,234" and " 12 " are numbers written for people; a negative count is not a count
            {"account_id": "2", "followers_count": 1234.0, "friends_count": 12.0, "statuses_count": NA},
            {"account_id": "3", "followers_count": 7.0, "friends_count": 8.0, "statuses_count": 9.0},
        ],
    )
    assert notes(batch) == [
        (1, "followers_count", "field ignored", "'lots' is not a non-negative number: field ignored, record kept"),
        (2, "statuses_count", "field ignored", "'-3' is not a non-negative number: field ignored, record kept"),
    ]
    assert batch.rejects.n_rejected == 0
    # the per-row warning names the file, the record and the field
    assert f"{path}, record 1, field 'followers_count': 'lots' is not a non-negative number" in caplog.text


def test_counts_grouped_by_dots_are_thousands_and_fractions_are_not_counts(tmp_path: Path) -> None:
    """A Serbian or Albanian export writes 1.234 for a thousand and more (it was read as 1.234, and 5.000
    as 5: silently a thousand times too few); a count with a fraction (1.5) is no count (it was kept)."""
    path = tmp_path / "sr.csv"
    path.write_text(
        "Korisničko ime,Pratioci,Prati,Objave\n"
        'ana,1.234,"1,5",5.000\n'
        "bob,1.5,12.500.000,2.0\n"
        "ceca,1 234,7.00,0.000\n",
        encoding="utf-8",
    )
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"account_id": "ana", "followers_count": 1234.0, "friends_count": NA, "statuses_count": 5000.0},
            {"account_id": "bob", "followers_count": NA, "friends_count": 12_500_000.0, "statuses_count": 2.0},
            {"account_id": "ceca", "followers_count": 1234.0, "friends_count": 7.0, "statuses_count": 0.0},
        ],
    )
    assert notes(batch) == [
        (2, "Pratioci", "field ignored", "'1.5' is not a whole number: field ignored, record kept"),
        (1, "Prati", "field ignored", "'1,5' is not a non-negative number: field ignored, record kept"),
    ]
    # said once per column, with the first such value, for the summary
    assert batch.rejects.notes["dotted_thousands"] == {("Pratioci", "1.234"), ("Prati", "12.500.000"), ("Objave", "5.000")}
    assert file_notices(batch.rejects.notes, False, AS_OF, "sr.csv")[0] == (
        "counts in columns 'Objave', 'Prati', 'Pratioci' of sr.csv such as '5.000' were read with the dot separating "
        "thousands (5000), as the region's exports write them; a count has no decimals"
    )
    # JSON numbers: a fraction is no count either
    path = tmp_path / "users.json"
    path.write_text(json.dumps([{"id_str": "1", "screen_name": "a", "followers_count": 1.5, "friends_count": 3.0}]))
    batch = read_accounts(path, as_of=AS_OF)
    assert pd.isna(batch.accounts["followers_count"].iat[0]) and batch.accounts["friends_count"].iat[0] == 3.0
    assert notes(batch) == [(1, "followers_count", "field ignored", "'1.5' is not a whole number: field ignored, record kept")]


def test_unparseable_dates_are_ignored_and_the_record_kept(tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text(
        "id,screen_name,created_at,collected_at\n"
        "1,a,yesterday,2020-01-01\n"
        "2,b,Tue Jun 11 11:20:35 +0000 2013,31-31-2020 10.40\n"
        "3,c,14-02-2015 10.40,2015-03-01T00:00:00+01:00\n"
    )
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"account_id": "1", "created_at": NA, "collected_at": utc("2020-01-01")},
            # an unreadable collection time falls back to --as-of
            {"account_id": "2", "created_at": utc("2013-06-11 11:20:35"), "collected_at": utc(AS_OF)},
            # cresci-2015's documented DD-MM-YYYY HH.MM; offsets are converted to UTC
            {"account_id": "3", "created_at": utc("2015-02-14 10:40"), "collected_at": utc("2015-02-28 23:00")},
        ],
    )
    assert notes(batch) == [
        (1, "created_at", "field ignored", "unparseable date 'yesterday': field ignored, record kept"),
        (2, "collected_at", "field ignored", "unparseable date '31-31-2020 10.40': field ignored, record kept"),
    ]


def test_ids_mangled_by_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(
        "id,screen_name,followers_count\n"
        "8.41E+17,mangled_named,1\n"
        "8.41E+17,,2\n"
        "1502026416.0,float_id,3\n"
        "1502026417,plain,4\n"
    )
    batch = read_accounts(path, as_of=AS_OF)
    # the lost digits cannot be recovered, and the rest of the id may name another account: the
    # record goes, screen name or not (one rule, as the README says)
    assert batch.accounts["account_id"].tolist() == ["1502026416", "1502026417"]
    assert notes(batch) == [
        (1, "id", "rejected", "id '8.41E+17' was mangled by a spreadsheet (scientific notation loses digits): record rejected"),
        (2, "id", "rejected", "id '8.41E+17' was mangled by a spreadsheet (scientific notation loses digits): record rejected"),
    ]
    assert batch.rejects.n_rejected == 2


def test_duplicated_accounts_keep_the_first(accounts_dir: Path, tmp_path: Path) -> None:
    header, row = header_and_row(accounts_dir)
    path = tmp_path / "dups.csv"
    path.write_text("\n".join([header, row, row.replace('"0918Bask"', '"renamed"'), row]) + "\n", encoding="utf-8")
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["account_id"].tolist() == ["1502026416"]
    assert batch.accounts["screen_name"].tolist() == ["0918Bask"]
    assert notes(batch) == [
        (2, "account_id", "rejected", "duplicate of record 1 (account 1502026416)"),
        (3, "account_id", "rejected", "duplicate of record 1 (account 1502026416)"),
    ]


HUGE = 100 * 1024 * 1024  # a 100 MB description


def test_huge_description_in_csv_is_dropped_and_the_record_kept(accounts_dir: Path, tmp_path: Path) -> None:
    header, row = header_and_row(accounts_dir)
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        fh.write(row.replace('"15years ago X.Lines24"', '"' + "x" * HUGE + '"') + "\n")
        fh.write(row.replace('"1502026416"', '"1502026417"') + "\n")
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"account_id": "1502026416", "description": NA, "followers_count": 208.0},
            {"account_id": "1502026417", "description": "15years ago X.Lines24"},
        ],
    )
    [rej] = batch.rejects.rows
    assert (rej["row"], rej["field"], rej["action"]) == (1, "description", "field ignored")
    assert rej["reason"] == "104,857,600 characters, over the 10,000 limit: field ignored, record kept"
    assert len(rej["raw"]) == 80  # the rejects file does not copy the 100 MB


def test_huge_jsonl_line_is_rejected_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id_str": "1", "screen_name": "a", "description": "x" * HUGE}) + "\n")
        fh.write(json.dumps({"id_str": "2", "screen_name": "b", "description": "short"}) + "\n")
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["account_id"].tolist() == ["2"]
    [rej] = batch.rejects.rows
    size = path.stat().st_size - len(json.dumps({"id_str": "2", "screen_name": "b", "description": "short"}) + "\n")
    assert (rej["row"], rej["action"]) == (1, "rejected")
    assert rej["reason"] == f"record is {size:,} bytes, over the 10,485,760-byte limit"


def test_missing_columns_stay_missing_not_zero(tmp_path: Path) -> None:
    path = tmp_path / "few.csv"
    path.write_text("screen_name,followers_count\nsomeone,12\n")
    [row] = read_accounts(path, as_of=AS_OF).accounts.to_dict("records")
    assert row["account_id"] == "someone"
    assert row["followers_count"] == 12.0
    assert math.isnan(row["friends_count"])
    for col in ("description", "name", "url", "location", "verified", "default_profile", "created_at"):
        assert pd.isna(row[col]), col


def test_parquet_of_canonical_accounts_reads_back_the_same(accounts_dir: Path, tmp_path: Path) -> None:
    accounts = pd.concat(
        [read_accounts(accounts_dir / name, as_of=AS_OF).accounts for name in ("cresci2017_genuine.csv", "botrepo_2019.json")],
        ignore_index=True,
    )
    path = tmp_path / "accounts.parquet"
    accounts.drop(columns="source_row").to_parquet(path, index=False)
    back = read_accounts(path, as_of="2030-01-01").accounts
    pd.testing.assert_frame_equal(back.drop(columns="source_row"), accounts.drop(columns="source_row"))
    assert back["source_row"].tolist() == [1, 2, 3, 4, 5, 6]


def test_unreadable_parquet_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 but nothing else")
    with pytest.raises(InputError) as err:
        read_accounts(path)
    assert str(err.value).startswith(f"{path}: unreadable Parquet: ")


def test_numeric_64_bit_ids_keep_their_digits(tmp_path: Path) -> None:
    # goth_lyrics' id as a JSON number (no id_str), next to a record that has no id at all
    path = tmp_path / "ids.jsonl"
    path.write_text('{"id": 969398693249126400, "screen_name": "goth_lyrics"}\n{"screen_name": "no_id"}\n')
    batch = read_accounts(path, as_of=AS_OF)
    assert batch.accounts["account_id"].tolist() == ["969398693249126400", "no_id"]
    assert len(batch.rejects) == 0


def test_users_of_one_api_response_may_carry_different_fields(accounts_dir: Path, tmp_path: Path) -> None:
    # One {"data": [...]} page: the documented user, and a second (synthetic) user who lacks
    # 'verified' and the like count. All users of a page share record number 1.
    docs = json.loads((accounts_dir / "xapi_v2_user.json").read_text())["data"]
    other = {"id": "783214", "username": "X", "name": "X", "public_metrics": {"followers_count": 3, "like_count": 5}}
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": [docs, other]}))
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {**DOCS_USER, "verified": True},
            {"account_id": "783214", "screen_name": "X", "verified": NA, "favourites_count": 5.0,
             "followers_count": 3.0, "friends_count": NA, "created_at": NA, "source_row": 1},
        ],
    )
    assert len(batch.rejects) == 0


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files(accounts_dir: Path, tmp_path: Path, delimiter: str) -> None:
    # what a spreadsheet in many locales saves as "CSV": the same real rows, other delimiter
    rows = list(csv.reader((accounts_dir / "cresci2017_genuine.csv").open(encoding="utf-8")))
    path = tmp_path / "excel.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    got = read_accounts(path, as_of=AS_OF)
    pd.testing.assert_frame_equal(got.accounts, read_clean(accounts_dir / "cresci2017_genuine.csv"))
    assert len(got.rejects) == 0


def test_booleans_in_their_written_forms(tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text("id,screen_name,verified,default_profile\n1,a,TRUE,0\n2,b,maybe,yes\n3,c,,False\n")
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"verified": True, "default_profile": False},
            {"verified": NA, "default_profile": True},
            {"verified": NA, "default_profile": False},  # not a cresci file: empty is unknown
        ],
    )
    assert notes(batch) == [(2, "verified", "field ignored", "'maybe' is not a boolean: field ignored, record kept")]


def test_a_one_column_list_of_screen_names(tmp_path: Path) -> None:
    path = tmp_path / "handles.csv"
    path.write_text("screen_name\n0918Bask\ndavideb66\n")
    batch = read_accounts(path, as_of=AS_OF)
    check_rows(
        batch.accounts,
        [
            {"account_id": "0918Bask", "screen_name": "0918Bask", "followers_count": NA, "description": NA},
            {"account_id": "davideb66", "screen_name": "davideb66", "source_row": 2},
        ],
    )


def test_one_of_a_kind_is_said_in_the_singular() -> None:
    from detector.accounts.read import duplicates_warning

    assert duplicates_warning("a.csv", 1, "account_id") == "a.csv: 1 record repeats an account_id read earlier: kept the first of each, the others are rejected"
    said = file_notices({"measured_to_as_of": 1}, True, pd.Timestamp(AS_OF), "a.csv")
    assert said == [
        "1 account carries no observation time: account ages are measured to now (2024-01-01 00:00 UTC); give --as-of DATE, "
        "the day the list was collected, to measure them to then"
    ]


def test_a_column_in_a_form_not_read_warns_ten_times_then_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """'Joined: March 2012' (a month only) on 2,000 rows printed 2,000 warning lines; the rejects file
    still holds every one."""
    path = tmp_path / "joined.csv"
    path.write_text("Username,Followers,Joined\n" + "".join(f"u{i},{i},March 2012\n" for i in range(1, 2001)), encoding="utf-8")
    with caplog.at_level("WARNING", logger="detector.io"):
        batch = read_accounts(path, as_of=AS_OF)
    said = [r.getMessage() for r in caplog.records if r.name == "detector.io"]
    assert len(said) == 11
    assert said[9] == (
        f"{path}, record 10, field 'Joined': 'March 2012' gives a month, not a day: it is not read as the first day; write the date in full if that day will do: "
        "field ignored, record kept"
    )  # a month is a period, not a day: never read as its first day
    assert said[10] == f"{path}: more problems with field 'Joined' than are shown here one by one: every one is in the rejects file"
    assert len(batch.rejects) == 2000 and len(batch.accounts) == 2000
