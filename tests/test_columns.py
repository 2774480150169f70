"""Headers as spreadsheets and export tools write them, in English, Serbian and Albanian."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from detector.accounts.read import read_accounts
from detector.cli import cli
from detector.columns import (
    ACCOUNT_HEADERS,
    POST_HEADERS,
    header_key,
    parse_column_map,
    rename_map,
    unknown_headers,
)
from detector.errors import InputError

pytestmark = pytest.mark.usefixtures("no_network")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Username", "screen_name"),
        ("Handle", "screen_name"),
        ("Korisničko ime", "screen_name"),
        ("Followers", "followers_count"),
        ("Pratioci", "followers_count"),
        ("Пратиоци", "followers_count"),
        ("Ndjekës", "followers_count"),
        ("Following", "friends_count"),
        ("Tweets", "statuses_count"),
        ("Posts", "statuses_count"),
        ("Postime", "statuses_count"),
        ("Joined", "created_at"),
        ("Created", "created_at"),
        ("Krijuar", "created_at"),
        ("Bio", "description"),
        ("Opis", "description"),
        ("followers_count", "followers_count"),
        ("ID", "account_id"),
    ],
)
def test_export_headers_map_to_fields(header: str, field: str) -> None:
    assert rename_map([header], ACCOUNT_HEADERS) == {header: field}


def test_header_key_ignores_case_accents_and_spacing() -> None:
    assert header_key(" NDJEKËS ") == header_key("ndjekes")
    assert header_key("Korisničko_ime") == "korisnicko ime"


def test_an_api_field_wins_over_a_translated_header() -> None:
    # v1.1 records carry both followers_count and other fields; the exact name is the one read.
    assert rename_map(["Followers", "followers_count"], ACCOUNT_HEADERS) == {"followers_count": "followers_count"}


def test_user_columns_come_first_and_must_exist() -> None:
    assert rename_map(["Nalog", "Broj"], ACCOUNT_HEADERS, {"screen_name": "Nalog", "followers_count": "Broj"}) == {
        "Nalog": "screen_name",
        "Broj": "followers_count",
    }
    assert parse_column_map("screen_name=Nalog, followers_count=Broj pratilaca") == {
        "screen_name": "Nalog",
        "followers_count": "Broj pratilaca",
    }
    # the help's quoted form, as it arrives from inside a shell's double quotes
    assert parse_column_map("""screen_name="Nalog", followers_count='Broj pratilaca',lang=''""") == {
        "screen_name": "Nalog",
        "followers_count": "Broj pratilaca",
        "lang": "''",
    }
    with pytest.raises(InputError, match=r"--columns: no column 'Nalog' in this file \(columns found: 'a', 'b'\)"):
        rename_map(["a", "b"], ACCOUNT_HEADERS, {"screen_name": "Nalog"})
    with pytest.raises(InputError, match="--columns takes name=header pairs separated by commas, not 'oops'"):
        parse_column_map("oops")
    assert rename_map(["Tekst", "Datum", "Autor"], POST_HEADERS) == {"Tekst": "text", "Datum": "created_at", "Autor": "author_screen_name"}
    # An account's name as the account lists' headers say it ("Nalog", "Llogaria") names a post's author too.
    assert rename_map(["Nalog", "Tekst"], POST_HEADERS) == {"Nalog": "author_screen_name", "Tekst": "text"}
    assert rename_map(["Налог", "Текст"], POST_HEADERS) == {"Налог": "author_screen_name", "Текст": "text"}
    assert rename_map(["Llogaria", "Teksti"], POST_HEADERS) == {"Llogaria": "author_screen_name", "Teksti": "text"}


SHEET = (
    "Username,Followers,Following,Created\n"
    # real cresci-2017 genuine accounts (tests/fixtures/accounts), as a spreadsheet export shows them
    "@0918Bask,208,332,24/06/2012 05:35\n"
    "@1120Roll,330,485,10/05/2014 20:01\n"
    "@1Nicoleromany,82,208,03/02/2013 11:00\n"
)


def test_a_spreadsheet_with_its_own_headers_is_read(tmp_path: Path) -> None:
    src = tmp_path / "sheet.csv"
    src.write_text(SHEET, encoding="utf-8")
    acc = read_accounts(src, as_of="2024-01-01").accounts
    assert acc["screen_name"].tolist() == ["0918Bask", "1120Roll", "1Nicoleromany"]  # no "@"
    assert acc["followers_count"].tolist() == [208.0, 330.0, 82.0]
    assert acc["friends_count"].tolist() == [332.0, 485.0, 208.0]
    assert acc["created_at"].dt.strftime("%Y-%m-%d").tolist() == ["2012-06-24", "2014-05-10", "2013-02-03"]


def test_score_says_once_what_the_sheet_lacks(tmp_path: Path, small_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("sheet.csv").write_text(SHEET, encoding="utf-8")
    result = run("score", "sheet.csv", "-o", "out.csv", "--model", str(small_model_path), "--as-of", "2015-01-01")
    assert result.exit_code == 0, result.output
    lacking = (
        "note: not in this input: display name, bio, post count, likes given, lists it is on, verified badge, "
        "profile theme, profile image, background image setting, profile link, location; accounts were scored without them"
    )
    assert result.stdout.count(lacking) == 1
    out = pd.read_csv("out.csv")
    assert out["screen_name"].tolist() == ["0918Bask", "1120Roll", "1Nicoleromany"]
    assert out["score"].nunique() == 3  # the counts and dates were read, not ignored
    assert not out["reasons"].str.contains("missing|_count|profile_use", regex=True).any()


def test_serbian_and_albanian_headers(tmp_path: Path) -> None:
    sr = tmp_path / "sr.csv"
    sr.write_text("Korisničko ime,Pratioci,Prati,Objave,Opis\n@0918Bask,208,332,2177,\n", encoding="utf-8")
    acc = read_accounts(sr, as_of="2024-01-01").accounts
    assert acc.loc[0, ["screen_name", "followers_count", "friends_count", "statuses_count"]].tolist() == ["0918Bask", 208.0, 332.0, 2177.0]
    sq = tmp_path / "sq.csv"
    sq.write_text("Përdoruesi;Ndjekës;Ndjek;Postime\n1120Roll;330;485;2660\n", encoding="utf-8")
    acc = read_accounts(sq, as_of="2024-01-01").accounts
    assert acc.loc[0, ["screen_name", "followers_count", "friends_count", "statuses_count"]].tolist() == ["1120Roll", 330.0, 485.0, 2660.0]


def test_german_headers(tmp_path: Path) -> None:
    # The real cresci-2017 rows (0918Bask, 1120Roll) as a German export writes them: ';', thousands with a dot.
    de = tmp_path / "de.csv"
    de.write_text(
        "Benutzername;Follower;Folgt;Beiträge;Erstellt am;Abgerufen am\n"
        "0918Bask;208;332;2.177;11.06.2013;02.05.2015\n1120Roll;330;485;2.660;13.05.2014;01.05.2015\n",
        encoding="utf-8",
    )
    acc = read_accounts(de).accounts
    assert acc[["screen_name", "followers_count", "friends_count", "statuses_count"]].values.tolist() == [
        ["0918Bask", 208.0, 332.0, 2177.0], ["1120Roll", 330.0, 485.0, 2660.0],
    ]
    assert acc["created_at"].dt.strftime("%Y-%m-%d").tolist() == ["2013-06-11", "2014-05-13"]
    assert acc["collected_at"].dt.strftime("%Y-%m-%d").tolist() == ["2015-05-02", "2015-05-01"]
    mapping = rename_map(["Beitrag-ID", "Benutzer", "Inhalt", "Veröffentlicht", "Sprache"], POST_HEADERS)
    assert mapping == {"Beitrag-ID": "post_id", "Benutzer": "author_screen_name", "Inhalt": "text", "Veröffentlicht": "created_at", "Sprache": "lang"}


def test_columns_option_maps_any_header(tmp_path: Path, small_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("odd.csv").write_text("Nalog,Broj pratilaca\n0918Bask,208\n", encoding="utf-8")
    result = run("score", "odd.csv", "-o", "out.csv", "--model", str(small_model_path), "--as-of", "2015-01-01",
                 "--columns", "screen_name=Nalog,followers_count=Broj pratilaca")
    assert result.exit_code == 0, result.output
    assert pd.read_csv("out.csv")["screen_name"].tolist() == ["0918Bask"]


def test_a_file_that_gives_the_model_nothing_is_refused(tmp_path: Path, small_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ids.csv").write_text("Broj,Grad\n1,Beograd\n", encoding="utf-8")
    result = run("score", "ids.csv", "-o", "out.csv", "--model", str(small_model_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: ids.csv: no column this tool can score: columns found: 'Broj', 'Grad'; expected one or more of: "
        "screen_name (username, user name, handle…); name ("
    )
    assert result.stderr.rstrip().endswith("map other headers with --columns name=header")
    assert not Path("out.csv").exists()


@pytest.mark.parametrize(
    ("reason", "absent", "plain"),
    [
        # X API v2 has no background-image setting: said once for the file, never on the row
        ("↑ 3 posts in total; missing: profile_use_background_image", {"profile_use_background_image"}, "↑ 3 posts in total"),
        ("↑ 3 posts in total; missing: followers_count, created_at", set(), "↑ 3 posts in total; blank: follower count, creation date"),
        ("↑ followed 0.0 new accounts a day; ↓ 10.0 likes a day", set(), "↑ followed fewer than 0.1 new accounts a day; ↓ 10.0 likes a day"),
        ("↑ 0.00 followers per account it follows", set(), "↑ fewer than 0.01 followers per account it follows"),
    ],
)
def test_reasons_are_plain(reason: str, absent: set[str], plain: str) -> None:
    from detector.accounts.wording import plain_reasons

    assert plain_reasons(pd.Series([reason], dtype=object), absent).tolist() == [plain]


# ----------------------------------------------------------------------------- unknown headers, said once

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "accounts"


def test_headers_no_field_is_read_from_are_found() -> None:
    headers = ["Username", "Followers", "Following", "Created", "Notes", "Kategorija", "profile_text_color", "time_zone"]
    assert unknown_headers(headers, rename_map(headers, ACCOUNT_HEADERS)) == ["Notes", "Kategorija"]
    # cresci's 42 columns are all fields of Twitter's user object, or of the research set: none unknown
    cresci = (FIXTURES / "cresci2017_genuine.csv").read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",")
    assert len(cresci) == 42
    assert unknown_headers(cresci, rename_map(cresci, ACCOUNT_HEADERS)) == []
    # a second header for a field already read ("Followers" beside followers_count) is not read either
    both = ["screen_name", "followers_count", "Followers"]
    assert unknown_headers(both, rename_map(both, ACCOUNT_HEADERS)) == ["Followers"]


def test_score_says_once_which_columns_it_did_not_read(tmp_path: Path, small_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("sheet.csv").write_text(SHEET.splitlines()[0] + ",Notes\n" + "".join(f"{row},seen at the rally\n" for row in SHEET.splitlines()[1:]), encoding="utf-8")
    result = run("score", "sheet.csv", "-o", "out.csv", "--model", str(small_model_path), "--as-of", "2015-01-01", "--chunksize", "1")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if "not read" in line]
    assert notes == [
        "note: column not read: 'Notes' (no field this tool reads, or a second column for a field already read); "
        "map one with --columns name=header"
    ]
    result = run("score", "sheet.csv", "-o", "out.csv", "--model", str(small_model_path), "--as-of", "2015-01-01", "--columns", "description=Notes")
    assert result.exit_code == 0, result.output
    assert "not read" not in result.stdout


def test_json_records_keep_their_other_keys_quietly(tmp_path: Path) -> None:
    batch = read_accounts(FIXTURES / "xapi_v2_users.json", as_of="2024-01-01")
    assert len(batch.accounts) > 0
    assert "unknown_columns" not in batch.rejects.notes
