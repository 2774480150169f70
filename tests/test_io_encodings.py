"""Input in UTF-16 or UTF-32 (Excel's "Unicode Text" export, some Windows tools): read as its byte-order mark says.

Session 15 (h96). On main 410f536 such a file was refused when its format was detected ("a text file saved
as UTF-16 ... save it as 'CSV UTF-8'", for UTF-32 and JSONL too), told "bytes that are not UTF-8 (0xff) ...
Windows-1250" under --format csv, and had every record rejected for a NUL byte under --format jsonl. Without
a byte-order mark, --format csv read columns named '\\x00b\\x00a...'.

The fixtures are real rows already shipped (datasets/examples/posts/ira_texit_calls.csv, tests/fixtures/posts/
pheme_ferguson.jsonl, tests/fixtures/accounts/cresci2015_E13.csv and xapi_v2_users.json,
tests/fixtures/sources/facebook/crowdtangle_facebook.csv), re-encoded here: nothing new is labelled.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.accounts.read import read_accounts
from detector.cli import cli
from detector.errors import UnknownFormatError
from detector.io import Rejects, detect_format, iter_json_records, read_csv_strings
from detector.posts.read import read_posts
from detector.sources.base import find_source

ROOT = Path(__file__).resolve().parents[1]
IRA = ROOT / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
PHEME = ROOT / "tests" / "fixtures" / "posts" / "pheme_ferguson.jsonl"
CRESCI = ROOT / "tests" / "fixtures" / "accounts" / "cresci2015_E13.csv"
V2_USERS = ROOT / "tests" / "fixtures" / "accounts" / "xapi_v2_users.json"
CROWDTANGLE = ROOT / "tests" / "fixtures" / "sources" / "facebook" / "crowdtangle_facebook.csv"

# The first five posts of the IRA example, as read from UTF-8.
IRA_FIVE = [
    ("r1", "BADAEVVIKTOR", "2015-10-16 00:13:00+00:00"),
    ("r2", "GUBATOVOFFICIAL", "2015-10-16 00:13:00+00:00"),
    ("r3", "IGORBEREJNEV", "2015-10-16 00:13:00+00:00"),
    ("r4", "SHERRRRLEY", "2015-10-16 00:13:00+00:00"),
    ("r5", "ALTMANCOON", "2015-11-23 19:17:00+00:00"),
]
BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}


def _ira_lines(n: int = 6) -> list[str]:
    return IRA.read_text(encoding="utf-8").splitlines()[:n]


def _encoded(text: str, encoding: str) -> bytes:
    return BOMS[encoding] + text.encode(encoding)


def _excel_unicode_text(lines: list[str]) -> bytes:
    """What Excel's "Unicode Text" save writes: tab-separated, CRLF, UTF-16 LE with its mark."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(lines))
    return _encoded(out.getvalue(), "utf-16-le")


def _five(posts: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [(p, a, str(t)) for p, a, t in zip(posts["post_id"], posts["author_id"], posts["created_at"], strict=True)]


def test_excel_unicode_text_is_read_as_the_utf8_csv(tmp_path: Path) -> None:
    path = tmp_path / "posts.txt"
    path.write_bytes(_excel_unicode_text(_ira_lines()))
    utf8 = tmp_path / "posts.csv"
    utf8.write_text("\n".join(_ira_lines()) + "\n", encoding="utf-8")
    assert detect_format(path) == "csv"
    read = read_posts(path)
    assert _five(read.posts) == IRA_FIVE
    assert len(read.rejects) == 0
    pd.testing.assert_frame_equal(read.posts, read_posts(utf8).posts)


@pytest.mark.parametrize("encoding", sorted(BOMS))
@pytest.mark.parametrize("fmt", [None, "csv"])
def test_a_csv_in_each_wide_encoding(tmp_path: Path, encoding: str, fmt: str | None) -> None:
    """Detected or given: --format csv said 'bytes that are not UTF-8 (0xff) ... Windows-1250'."""
    path = tmp_path / "posts.csv"
    path.write_bytes(_encoded("\n".join(_ira_lines()) + "\n", encoding))
    read = read_posts(path, fmt)
    assert _five(read.posts) == IRA_FIVE
    assert read.posts["text"].str.startswith("В Аргентине во время разгона акции протеста").tolist() == [True, True, True, True, False]


def test_a_utf8_bom_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(_ira_lines()) + "\n").encode("utf-8"))
    assert _five(read_posts(path).posts) == IRA_FIVE


@pytest.mark.parametrize("fmt", [None, "jsonl"])
def test_jsonl_in_utf16(tmp_path: Path, fmt: str | None) -> None:
    """--format jsonl rejected every line for a NUL byte (exit 3)."""
    path = tmp_path / "pheme.jsonl"
    path.write_bytes(_encoded("\n".join(PHEME.read_text(encoding="utf-8").splitlines()[:3]) + "\n", "utf-16-le"))
    read = read_posts(path, fmt)
    assert read.posts[["post_id", "author_id", "author_screen_name"]].values.tolist() == [
        ["499705746377150464", "1398275840", "Anon2earth"],
        ["499703794805276672", "14321959", "umairh"],
        ["499705269434085376", "22903265", "Joe_Schmucc"],
    ]
    assert len(read.rejects) == 0


def test_json_accounts_in_utf32(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_bytes(_encoded(V2_USERS.read_text(encoding="utf-8"), "utf-32-be"))
    assert detect_format(path) == "json"
    accounts = read_accounts(path).accounts
    assert accounts[["account_id", "screen_name", "followers_count"]].values.tolist() == [["2244994945", "XDevelopers", 583423.0]]


def test_a_crowdtangle_export_in_utf16_is_still_told_by_its_header(tmp_path: Path) -> None:
    """The platform is found from the header's text (it was sniffed from the undecoded bytes)."""
    path = tmp_path / "ct.csv"
    path.write_bytes(_encoded(CROWDTANGLE.read_text(encoding="utf-8-sig"), "utf-16-le"))
    source = find_source(path)
    assert source is not None and source.platform == "facebook"
    pd.testing.assert_frame_equal(read_posts(path).posts, read_posts(CROWDTANGLE).posts)


def test_bad_rows_of_a_utf16_file_are_kept_aside_with_their_lines(tmp_path: Path) -> None:
    """A row of the wrong width and a row cut inside a surrogate pair: each set aside, the others read."""
    lines = _ira_lines(8)
    lines[3] += ",two,more"  # record 3, line 4
    data = bytearray(_encoded("\n".join(lines) + "\n", "utf-16-le"))
    at = data.find("GUBATOVOFFICIAL".encode("utf-16-le"))  # record 2: its first letter becomes a lone high surrogate
    data[at : at + 2] = b"\x00\xd8"
    path = tmp_path / "posts.csv"
    path.write_bytes(bytes(data))
    read = read_posts(path)
    assert read.posts["post_id"].tolist() == ["r1", "r4", "r5", "r6", "r7"]
    assert read.rejects.frame()[["file", "row", "field", "reason"]].values.tolist() == [
        [str(path), 2, "author",
         "this row (line 3 of the file) holds a code unit that is not UTF-16 LE text (half of a surrogate pair, as a text cut "
         "inside an emoji leaves it, or a damaged file): kept aside, not read with a letter replaced"],
        [str(path), 3, "", "malformed CSV row (line 4 of the file): 16 fields where the header has 14 (a delimiter inside an unquoted field, or a broken quote?)"],
    ]  # fmt: skip


def test_a_wrong_width_row_found_by_pyarrow_in_utf16(tmp_path: Path) -> None:
    """pyarrow sets the row aside and its lines are found in the decoded text (a UTF-8 file is mapped)."""
    lines = _ira_lines(8)
    lines[5] += ",x"
    path = tmp_path / "posts.csv"
    path.write_bytes(_encoded("\n".join(lines) + "\n", "utf-16-be"))
    rejects = Rejects(str(path))
    rows = pd.concat(list(read_csv_strings(path, rejects=rejects)))
    assert rows.index.tolist() == [1, 2, 3, 4, 6, 7]
    assert rejects.frame()[["row", "reason"]].values.tolist() == [
        [5, "malformed CSV row (line 6 of the file): 15 fields where the header has 14 (a delimiter inside an unquoted field, or a broken quote?)"]
    ]


# ---------------------------------------------------------------- no byte-order mark: refused, not guessed


def _no_mark(encoding: str, excel: bool = True) -> str:
    # Session 16: a JSON/JSONL/TOML file is not told Excel's 'CSV UTF-8' (no spreadsheet saves one).
    hint = "Excel: 'CSV UTF-8'; or " if excel else ""
    return (
        f"the file looks like {encoding} text without a byte-order mark (a NUL byte beside each letter of its first line), "
        f"and is not read on a guess: save it as UTF-8 ({hint}iconv -f {encoding.replace(' ', '')} -t UTF-8) "
        "and give it again"
    )


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE"), ("utf-32-le", "UTF-32 LE")])
def test_a_wide_csv_without_its_mark_is_refused(tmp_path: Path, codec: str, name: str) -> None:
    """--format csv read headers named '\\x00e\\x00x\\x00t...'; detected, it was 'binary content (a spreadsheet?)'."""
    path = tmp_path / "accounts.csv"
    path.write_bytes("\n".join(CRESCI.read_text(encoding="utf-8").splitlines()[:6]).encode(codec))
    with pytest.raises(UnknownFormatError) as detected:
        detect_format(path)
    assert str(detected.value) == f"{path}: {_no_mark(name)}"
    with pytest.raises(UnknownFormatError) as given:
        list(read_csv_strings(path))
    assert str(given.value) == f"{path}: {_no_mark(name)}"


def test_a_utf16_jsonl_without_its_mark_is_refused(tmp_path: Path) -> None:
    """--format jsonl rejected every record for a NUL byte."""
    path = tmp_path / "pheme.jsonl"
    path.write_bytes("\n".join(PHEME.read_text(encoding="utf-8").splitlines()[:3]).encode("utf-16-le"))
    with pytest.raises(UnknownFormatError) as err:
        list(iter_json_records(path, "jsonl", Rejects(str(path))))
    assert str(err.value) == f"{path}: {_no_mark('UTF-16 LE', excel=False)}"


def test_a_jsonl_record_in_another_encoding_is_told_to_be_saved_as_utf8_not_csv(tmp_path: Path) -> None:
    """A JSONL record with a Windows-1250 byte was told "save it as 'CSV UTF-8'" until session 16 (h101's note)."""
    path = tmp_path / "pheme.jsonl"
    lines = PHEME.read_text(encoding="utf-8").splitlines()[:3]
    lines[1] = lines[1].replace('"text": "', '"text": "ispred Skup\u0161tine ', 1)
    data = "\n".join(lines).encode("utf-8").replace("\u0161".encode(), b"\x9a")  # the letter as Windows-1250 writes it
    assert b"\x9a" in data
    path.write_bytes(data)
    rejects = Rejects(str(path))
    got = list(iter_json_records(path, "jsonl", rejects))
    assert [n for n, _ in got] == [1, 3]
    assert rejects.frame()["reason"].tolist() == [
        "the record holds bytes that are not UTF-8 text (0x9a): the file was saved in another encoding "
        "(Windows-1250 or -1252, say); save it as UTF-8 and give it again"
    ]


# ---------------------------------------------------------------- the commands


def test_score_reads_excel_unicode_text_as_the_utf8_file(tmp_path: Path) -> None:
    lines = CRESCI.read_text(encoding="utf-8").splitlines()[:6]
    (tmp_path / "a.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(_excel_unicode_text(lines))
    for name in ("a.csv", "a.txt"):
        res = CliRunner().invoke(cli, ["score", str(tmp_path / name), "-o", str(tmp_path / f"{name}.scores.csv"), "--as-of", "2015-03-01"])
        assert res.exit_code == 0, res.output
    utf8, utf16 = (pd.read_csv(tmp_path / f"{n}.scores.csv", dtype=str) for n in ("a.csv", "a.txt"))
    assert utf16["account_id"].tolist() == ["3610511", "5682702"]
    pd.testing.assert_frame_equal(utf8, utf16)


def test_posts_names_the_users_file_in_the_rejects(tmp_path: Path) -> None:
    """The file is decoded as it is read, not copied: messages and the rejects file name the file given."""
    lines = _ira_lines(8)
    lines[3] += ",two,more"
    path = tmp_path / "posts.csv"
    path.write_bytes(_encoded("\n".join(lines) + "\n", "utf-16-le"))
    res = CliRunner().invoke(cli, ["posts", str(path), "-o", str(tmp_path / "s.csv")])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(tmp_path / "s.csv")) == 6
    rejects = pd.read_csv(tmp_path / "s.rejects.csv", dtype=str)
    assert rejects[["file", "row"]].values.tolist() == [[str(path), "3"]]
    assert f"{path}, record 3: malformed CSV row (line 4 of the file): 16 fields where the header has 14" in res.stderr


def test_a_telegram_export_saved_again_in_utf16(tmp_path: Path) -> None:
    """Telegram Desktop writes UTF-8; a result.json saved again by a Windows editor as "Unicode" reads the same."""
    shipped = ROOT / "tests" / "fixtures" / "sources" / "telegram"
    for export in shipped.iterdir():
        (tmp_path / export.name).mkdir()
        text = (export / "result.json").read_text(encoding="utf-8-sig")
        (tmp_path / export.name / "result.json").write_bytes(_encoded(text, "utf-16-le"))
    got, want = read_posts(tmp_path), read_posts(shipped)
    assert got.shape == "telegram" and len(got.posts) == 7
    pd.testing.assert_frame_equal(got.posts.drop(columns="source_row", errors="ignore"), want.posts.drop(columns="source_row", errors="ignore"))


def test_a_lone_cr_in_a_field_of_a_utf16_file(tmp_path: Path) -> None:
    """A CR that is data (a description written on an old Mac, unquoted) is kept, as in UTF-8: both rewritings at once."""
    path = tmp_path / "accounts.csv"
    path.write_bytes(_encoded("id,screen_name,description\n1,ana,line one\rline two\n2,bob,plain\n", "utf-16-be"))
    rows = pd.concat(list(read_csv_strings(path)))
    assert rows.values.tolist() == [["1", "ana", "line one\rline two"], ["2", "bob", "plain"]]
