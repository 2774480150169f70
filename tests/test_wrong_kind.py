"""A file of the other kind given to a command: said once, plainly, naming the command that reads it.

`detector posts` given user objects rejected every record ("field 'text': no text", one warning a
record) and `detector score` given tweets scored them as accounts without names, each tweet's time
taken for the account's creation (closing-s13, "wrong-kind input files"). A posts table with
Serbian, Albanian or German headers given to `score` was scored as screen names, and X API v2 users
saved as Parquet lost their counts (``public_metrics`` is a struct there).

Every input here is a real fixture (tests/fixtures/accounts, tests/fixtures/posts: published
research data or the X API documentation's own example) or real rows of one, re-arranged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from detector.accounts.read import read_accounts
from detector.cli import cli
from detector.errors import InputError
from detector.kinds import record_kind
from detector.posts.read import read_posts

ACCOUNTS = Path(__file__).parent / "fixtures" / "accounts"
POSTS = Path(__file__).parent / "fixtures" / "posts"
AS_OF = "2024-05-01"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def error_line(result: Result) -> str:
    return result.stderr.strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# The rule, record by record


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        (ACCOUNTS / "v11_users.jsonl", "account"),  # bare v1.1 user objects
        (ACCOUNTS / "xapi_v2_users.jsonl", "account"),  # a bare v2 user object
        (ACCOUNTS / "xapi_v2_users.json", "account"),  # a v2 response {"data": [users]}
        (ACCOUNTS / "botrepo_2019.json", "account"),  # {"created_at", "user"}
        (ACCOUNTS / "twibot20.json", None),  # TwiBot-20: profile and tweets, both commands read it
        (POSTS / "pheme_ferguson.jsonl", "post"),  # v1.1 tweets with their user
        (POSTS / "twarc2_texit.jsonl", "post"),  # v2 tweets with author_id
        (POSTS / "v2_texit_page.json", "post"),  # a v2 response {"data": [tweets], "includes": ...}
    ],
)
def test_the_first_record_of_each_real_shape_is_of_its_kind(fixture: Path, kind: str | None) -> None:
    text = fixture.read_text(encoding="utf-8")
    first = json.loads(text.splitlines()[0]) if fixture.suffix == ".jsonl" else json.loads(text)
    first = first[0] if isinstance(first, list) else first
    assert record_kind(first) == kind


def test_an_ira_row_is_a_post_though_it_carries_its_authors_followers() -> None:
    row = pd.read_csv(POSTS / "ira_calls.csv", dtype=str).iloc[0].to_dict()
    assert {"content", "publish_date", "followers", "following"} <= row.keys()
    assert record_kind(row) == "post"
    # The same post's text beside an account's counts is neither: left to the reader, as before.
    assert record_kind({"text": row["content"], "followers_count": 826}) is None
    # v1.1's `following` is whether the viewer follows the account, not a count.
    assert record_kind({"text": row["content"], "following": False}) == "post"


# ---------------------------------------------------------------------------------------------
# `detector posts` given accounts


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "v11_users.jsonl",
            "holds accounts, not posts: record 1 has 'screen_name', 'followers_count', 'friends_count' and no text, "
            "and none of its 2 records is a post",
        ),
        ("botrepo_2019.json", "holds accounts, not posts: record 1 has 'user' (a profile) and no text, and none of its 3 records is a post"),
        (
            "xapi_v2_users.jsonl",
            "holds accounts, not posts: record 1 has 'username', 'public_metrics.followers_count' and no text, and it is the only record",
        ),
        (
            "xapi_v2_users.json",
            "holds accounts, not posts: record 1 has 'data' holding users ('username', 'public_metrics.followers_count' and no text), "
            "and it is the only record",
        ),
    ],
)
def test_posts_given_a_json_of_accounts_says_so_once_and_names_score(fixture: str, message: str, tmp_path: Path) -> None:
    src = ACCOUNTS / fixture
    result = run("posts", str(src), "-o", str(tmp_path / "p.csv"), "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: {message}; `detector score` scores accounts "
        "(give them to `detector posts --profiles` as the profiles of posts' authors)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_posts_given_a_table_of_accounts_names_its_columns_and_score(tmp_path: Path) -> None:
    src = ACCOUNTS / "cresci2017_genuine.csv"
    result = run("posts", str(src), "-o", str(tmp_path / "p.csv"), "--no-account-model")
    assert result.exit_code == 2
    assert error_line(result) == (
        f"error: {src}: a table of accounts (columns 'statuses_count', 'followers_count', 'friends_count', 'listed_count' and 1 more), "
        "with no column of a post's text: its rows are accounts, not posts; `detector score` scores them (give it to "
        "`detector posts --profiles` as the profiles of posts' authors; or map a post's text with --columns text=header)"
    )
    # In Serbian: the headers the account reader knows (two real v1.1 users of v11_users.jsonl).
    users = [json.loads(line) for line in (ACCOUNTS / "v11_users.jsonl").read_text(encoding="utf-8").splitlines()]
    sheet = tmp_path / "nalozi.csv"
    sheet.write_text("Nalog;Pratioci;Prati;Opis\n" + "".join(f"{u['screen_name']};{u['followers_count']};{u['friends_count']};x\n" for u in users), encoding="utf-8")
    result = run("posts", str(sheet), "-o", str(tmp_path / "p.csv"), "--no-account-model")
    assert result.exit_code == 2 and "a table of accounts (columns 'Pratioci', 'Prati', 'Opis')" in error_line(result)


# ---------------------------------------------------------------------------------------------
# `detector score` given posts


@pytest.mark.parametrize(
    ("fixture", "has", "records"),
    [
        ("pheme_ferguson.jsonl", "'text', 'created_at', 'user'", "none of its 38 records is an account"),  # line 38 is malformed JSON
        ("twarc2_texit.jsonl", "'text', 'created_at', 'author_id'", "none of its 6 records is an account"),
        ("v2_texit_page.json", "'data' holding posts ('text', 'created_at', 'author_id' and no followers_count)", "it is the only record"),
    ],
)
def test_score_given_a_json_of_posts_says_so_once_and_names_posts(fixture: str, has: str, records: str, tmp_path: Path) -> None:
    src = POSTS / fixture
    result = run("score", str(src), "-o", str(tmp_path / "s.csv"), "--as-of", AS_OF)
    assert result.exit_code == 2
    evidence = has if has.startswith("'data'") else f"{has} and no followers_count"
    assert error_line(result) == (
        f"error: {src}: holds posts, not accounts: record 1 has {evidence}, and {records}; "
        "`detector posts` scores posts (and the profiles of their authors, where the posts carry them)"
    )
    assert list(tmp_path.iterdir()) == []


def _ira_rows(n: int = 4) -> pd.DataFrame:
    """The first real IRA rows of the fixture: author, text, time."""
    return pd.read_csv(POSTS / "ira_calls.csv", dtype=str).head(n)[["author", "content", "publish_date"]]


@pytest.mark.parametrize(
    ("headers", "sep", "text_header"),
    [
        (("Nalog", "Tekst", "Datum"), ";", "Tekst"),  # Serbian (the lead's analyst sheet)
        (("Autor", "Текст", "Датум"), ",", "Текст"),  # Serbian Cyrillic
        (("Llogaria", "Teksti", "Data"), ",", "Teksti"),  # Albanian
        (("Benutzer", "Inhalt", "Zeit"), ",", "Inhalt"),  # German (said "no column this tool can score")
    ],
)
def test_score_given_a_posts_table_with_regional_headers_names_posts(headers: tuple[str, str, str], sep: str, text_header: str, tmp_path: Path) -> None:
    src = tmp_path / "objave.csv"
    _ira_rows().set_axis(list(headers), axis=1).to_csv(src, sep=sep, index=False)
    result = run("score", str(src), "-o", str(tmp_path / "s.csv"), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert error_line(result) == (
        f"error: {src}: a table of posts (column '{text_header}' holds a post's text): its rows are posts, not accounts, "
        "and their times are not an account's creation; `detector posts` scores them (or map the columns with --columns name=header)"
    )
    assert not (tmp_path / "s.csv").exists()
    # The same file is what `detector posts` reads: the four posts, each with its author.
    got = read_posts(src)
    assert got.posts["author_id"].tolist() == ["BADAEVVIKTOR", "GUBATOVOFFICIAL", "IGORBEREJNEV", "SHERRRRLEY"]


# ---------------------------------------------------------------------------------------------
# A file that mixes the kinds


def _mixed(tmp_path: Path) -> Path:
    """Two real v1.1 users (v11_users.jsonl) between three real v1.1 tweets (pheme_ferguson.jsonl)."""
    users = (ACCOUNTS / "v11_users.jsonl").read_text(encoding="utf-8").splitlines()
    tweets = (POSTS / "pheme_ferguson.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join([tweets[0], users[0], tweets[1], users[1], tweets[2]]) + "\n", encoding="utf-8")
    return src


def test_score_reads_the_accounts_of_a_mixed_file_and_says_which_records_are_posts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = _mixed(tmp_path)
    with caplog.at_level("WARNING"):
        batch = read_accounts(src, as_of=pd.Timestamp(AS_OF, tz="UTC"))
    assert batch.accounts["screen_name"].tolist() == ["wbir", "PatriciaMazzei"]
    assert batch.accounts["source_row"].tolist() == [2, 4]
    assert [r.getMessage() for r in caplog.records] == [
        f"{src}: the file mixes posts and accounts: 3 of its 5 records are posts, not accounts (records 1, 3 and 5): rejected, "
        "the others read; `detector posts` scores posts (and the profiles of their authors, where the posts carry them)"
    ]
    assert [(r["row"], r["action"], r["reason"]) for r in batch.rejects.rows] == [
        (n, "rejected", "a post, not an account ('text', 'created_at', 'user' and no followers_count)") for n in (1, 3, 5)
    ]


def test_posts_reads_the_posts_of_a_mixed_file_and_says_which_records_are_accounts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    src = _mixed(tmp_path)
    with caplog.at_level("WARNING"):
        got = read_posts(src)
    assert got.posts["source_row"].tolist() == [1, 3, 5]
    assert [r.getMessage() for r in caplog.records] == [
        f"{src}: the file mixes posts and accounts: 2 of its 5 records are accounts, not posts (records 2 and 4): rejected, "
        "the others read; `detector score` scores accounts (give them to `detector posts --profiles` as the profiles of posts' authors)"
    ]
    assert [(r["row"], r["reason"]) for r in got.rejects.rows] == [
        (n, "an account, not a post ('screen_name', 'followers_count', 'friends_count' and no text)") for n in (2, 4)
    ]


def test_a_file_of_posts_is_refused_whole_by_the_reader_too() -> None:
    with pytest.raises(InputError, match=r"holds posts, not accounts: record 1 has 'text', 'created_at', 'author_id'"):
        read_accounts(POSTS / "twarc2_texit.jsonl")
    with pytest.raises(InputError, match=r"holds accounts, not posts: record 1 has 'user' \(a profile\) and no text"):
        read_posts(ACCOUNTS / "botrepo_2019.json")


# ---------------------------------------------------------------------------------------------
# X API v2 users in Parquet


def test_public_metrics_in_parquet_are_read_as_in_json(tmp_path: Path) -> None:
    """The X API documentation's user (xapi_v2_users.json) as a Parquet table: ``public_metrics`` is a struct."""
    users = json.loads((ACCOUNTS / "xapi_v2_users.json").read_text(encoding="utf-8"))["data"]
    src = tmp_path / "users.parquet"
    pd.DataFrame(users).to_parquet(src)
    as_of = pd.Timestamp(AS_OF, tz="UTC")
    got = read_accounts(src, as_of=as_of)
    row = got.accounts.iloc[0]
    assert (row["account_id"], row["screen_name"]) == ("2244994945", "XDevelopers")
    assert [row[c] for c in ("followers_count", "friends_count", "statuses_count", "listed_count")] == [583423, 2048, 14052, 1672]
    want = read_accounts(ACCOUNTS / "xapi_v2_users.json", as_of=as_of).accounts
    pd.testing.assert_frame_equal(got.accounts, want)
    assert not got.rejects.rows


def test_profiles_beside_posts_still_read_the_users_v11_tweets_embed() -> None:
    """`detector posts --profiles tweets.jsonl` (and `run --accounts`) read each tweet's ``user``,
    observed at the tweet's time, as before: only `detector score` refuses a file of posts."""
    from detector.accounts.read import read_profiles

    got = read_profiles(POSTS / "pheme_ferguson.jsonl", as_of=pd.Timestamp(AS_OF, tz="UTC"))
    assert len(got.accounts) == 30  # the 38 records that parse: 8 repeat an author
    first = got.accounts.iloc[0]
    assert (first["account_id"], first["screen_name"], first["followers_count"]) == ("1398275840", "Anon2earth", 5826)
    assert first["collected_at"] == pd.Timestamp("2014-08-13 23:55:08", tz="UTC")  # the tweet's created_at
    with pytest.raises(InputError, match="holds posts, not accounts"):
        read_accounts(POSTS / "pheme_ferguson.jsonl")
    # v2 tweets carry no profile of their own: refused here too, naming `detector posts`.
    with pytest.raises(InputError, match=r"holds posts, not accounts: record 1 has 'text', 'created_at', 'author_id'"):
        read_profiles(POSTS / "twarc2_texit.jsonl")
