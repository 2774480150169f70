"""Facebook and Instagram exports: the Meta Content Library (MCL) and CrowdTangle files analysts hold.

The fixtures in fixtures/sources/facebook/ follow the real shapes: CrowdTangle's Facebook CSV header
as digitalmethodsinitiative/4cat's importer lists it (April 2021 on; ``Post Created`` as
``YYYY-MM-DD HH:MM:SS ZONE``), MCL's fields as Meta's data dictionary names them
(developers.facebook.com/docs/content-library-and-api/appendix/data-dictionary), a CSV of them
flattened with dots and API records as JSONL. Their contents are synthetic: Albanian and Serbian
sentences written for these tests, made-up pages and ids. Expected rows are written out here.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest

from detector.posts.read import read_posts
from detector.sources.base import find_source
from detector.sources.facebook import crowdtangle_time

FIX = Path(__file__).parent / "fixtures" / "sources" / "facebook"
T = pd.Timestamp
COLS = ["post_id", "author_id", "author_screen_name", "created_at", "repost_of", "urls", "hashtags", "lang", "platform", "source_row"]


def rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in df[cols].itertuples(index=False)]


def rejects(got) -> list[tuple]:
    return [(r.row, r.field, r.reason) for r in got.rejects.frame().itertuples()]


# ---------------------------------------------------------------- CrowdTangle


def test_crowdtangle_facebook_export(caplog):
    caplog.set_level(logging.INFO)
    got = read_posts(FIX / "crowdtangle_facebook.csv")
    assert got.shape == "crowdtangle-facebook"
    assert rows(got.posts, COLS) == [
        # 18:03 CEST is 16:03 UTC; the attached link, not the post's own address, is a url
        ("7000000000000001", "100000000000001", "zeriiveriut", T("2024-05-14T16:03:00Z"), None,
         "https://example.org/thirrja-e-qytetareve", "mitrovica protesta", None, "facebook", 1),
        # a group's post: no User Name, the group's name instead; 12:10 EDT is 16:10 UTC
        ("7000000000000002", "100000000000002", "Студенти Север", T("2024-05-14T16:10:00Z"), None, None, "митровица", None, "facebook", 2),
        # a numeric zone (tzdata's name for zones without letters); Link and the text's link are one
        ("7000000000000006", "100000000000003", "glassaibra", T("2024-05-14T16:20:00Z"), None, "https://example.org/ibar", None, None, "facebook", 6),
    ]  # fmt: skip
    assert got.posts["text"].tolist() == [
        "Të gjithë nesër në orën 18 para Komunës në Mitrovicë! #Mitrovica #protesta",
        "Сви сутра у 18 часова испред општине у Митровици! #митровица",
        "Okupljanje danas u 18.30 kod mosta na Ibru, dođite svi. https://example.org/ibar",
    ]
    assert rejects(got) == [
        (3, "Post Created", "zone CST names more than one offset (US Central UTC-6, China UTC+8 or Cuba UTC-5): not guessed"),
        (4, "Post Created", "unreadable time 'sutra u podne' (CrowdTangle writes 'YYYY-MM-DD HH:MM:SS ZONE')"),
        (7, "URL", "missing: the post's address names it"),
    ]
    assert set(got.rejects.frame()["file"]) == {str(FIX / "crowdtangle_facebook.csv")}
    said = [r.getMessage() for r in caplog.records]
    assert sum("an abbreviation of several zones" in m for m in said) == 1
    assert any("skipped 1 posts without text (photos, videos, links without a message)" in m for m in said)  # the photo of row 5


@pytest.mark.parametrize(
    ("value", "expected", "zoneless", "problem"),
    [
        ("2024-05-14 18:03:00 CEST", "2024-05-14T16:03:00Z", False, None),
        ("2024-01-14 09:15:26 NZDT", "2024-01-13T20:15:26Z", False, None),
        ("2024-05-14 13:00:00 -03", "2024-05-14T16:00:00Z", False, None),
        ("2024-05-14 21:30:00 +0530", "2024-05-14T16:00:00Z", False, None),
        ("2020-01-01 12:00:00 EST", "2020-01-01T17:00:00Z", False, None),
        ("2024-05-14 16:00:00 UTC", "2024-05-14T16:00:00Z", False, None),
        ("2024-05-14 16:00:00", "2024-05-14T16:00:00Z", True, None),
        ("2024-05-14 10:00:00 IST", None, False, "zone IST names more than one offset (India UTC+5:30, Ireland UTC+1 or Israel UTC+2): not guessed"),
        ("2024-01-14 10:00:00 PST", None, False, "zone PST names more than one offset (US Pacific UTC-8 or the Philippines UTC+8): not guessed"),
        ("2024-05-14 10:00:00 XYZ", None, False, "unknown zone 'XYZ' in '2024-05-14 10:00:00 XYZ'"),
        ("14/05/2024 10:00", None, False, "unreadable time '14/05/2024 10:00' (CrowdTangle writes 'YYYY-MM-DD HH:MM:SS ZONE')"),
    ],
)  # fmt: skip
def test_crowdtangle_post_created_is_read_with_its_zone(value, expected, zoneless, problem):
    when, no_zone, why = crowdtangle_time(value)
    assert (when, no_zone, why) == (None if expected is None else T(expected), zoneless, problem)


def test_pst_is_us_pacific_in_a_file_that_also_writes_pdt():
    assert crowdtangle_time("2024-01-14 10:00:00 PST", pdt_seen=True) == (T("2024-01-14T18:00:00Z"), False, None)


def test_crowdtangle_before_april_2021_and_instagram(tmp_path):
    """Before April 2021 the export wrote one ``Created`` column (4cat issue #137); CrowdTangle's
    Instagram CSV names the account by ``User Name`` and keeps the caption in ``Description``."""
    old = tmp_path / "old.csv"
    old.write_text(
        "Page Name,User Name,Facebook Id,Likes at Posting,Followers at Posting,Created,Type,URL,Message,Link\n"
        "Zëri i Veriut,zeriiveriut,100000000000001,12000,15000,2020-03-01 10:00:00 CET,Status,"
        "https://www.facebook.com/zeriiveriut/posts/6000000000000001,Nesër në shesh të gjithë.,\n",
        encoding="utf-8",
    )
    got = read_posts(old)
    assert got.shape == "crowdtangle-facebook"
    assert rows(got.posts, COLS) == [
        ("6000000000000001", "100000000000001", "zeriiveriut", T("2020-03-01T09:00:00Z"), None, None, None, None, "facebook", 1),
    ]
    ig = tmp_path / "instagram.csv"
    ig.write_text(
        "Account,User Name,Followers at Posting,Post Created,Post Created Date,Post Created Time,Type,Likes,Comments,Views,URL,Link,Photo,Title,Description\n"
        "Ura e Ibrit,ura.ibrit,5100,2024-05-14 18:30:00 CEST,2024-05-14,18:30:00,Photo,40,2,,https://www.instagram.com/p/C7abcDEF123/,,,,"
        "Shihemi nesër te ura #mitrovica\n",
        encoding="utf-8",
    )  # fmt: skip
    got = read_posts(ig)
    assert got.shape == "crowdtangle-instagram"
    assert rows(got.posts, COLS) == [("C7abcDEF123", "ura.ibrit", "ura.ibrit", T("2024-05-14T16:30:00Z"), None, None, "mitrovica", None, "instagram", 1)]


# ---------------------------------------------------------------- Meta Content Library


def test_mcl_facebook_csv(caplog):
    got = read_posts(FIX / "mcl_facebook_posts.csv")
    assert got.shape == "mcl"
    assert rows(got.posts, COLS) == [
        ("881000000000001", "771000000000001", "zeriiveriut", T("2024-05-14T16:03:00Z"), None, "https://example.org/thirrja", None, "sq", "facebook", 1),
        # a reshare: shared_post_id is the original; the owner has no username, its name is shown
        ("881000000000002", "771000000000002", "Marko Primer", T("2024-05-14T16:10:00Z"), "881000000000009", None, None, "sr", "facebook", 2),
        # no post_owner.type: the file's surface columns (Facebook's only) settle it; a time without a zone is read as UTC and said
        ("881000000000005", "771000000000003", "Север данас", T("2024-05-14T19:30:00Z"), None, None, None, "sr", "facebook", 5),
    ]  # fmt: skip
    assert rejects(got) == [(3, "creation_time", "missing")]
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("'creation_time'" in m and "carry no time zone and were read as UTC" in m for m in said) == 1


def test_mcl_instagram_api_records():
    got = read_posts(FIX / "mcl_instagram_posts.jsonl")
    assert got.shape == "mcl"
    assert rows(got.posts, COLS) == [
        ("991000000000001", "551000000000001", "ura.ibrit", T("2024-05-14T16:30:00Z"), None, None, "mitrovica protesta", "sq", "instagram", 1),
        # creation_time as Unix seconds; an empty hashtags list leaves the text's
        ("991000000000002", "551000000000002", "sever.foto", T("2024-05-14T16:30:00Z"), None, None, "митровица", "sr", "instagram", 3),
    ]  # fmt: skip
    assert rejects(got) == [(2, "", "malformed JSON: Expecting value: line 2 column 1 (char 44)")]


def test_mcl_api_page_with_the_owner_nested_under_data(tmp_path):
    """Newer data dictionary pages nest the owner: ``post_owner.data.id``; a saved search response holds the posts under ``data``."""
    page = {"data": [
        {"id": "1", "creation_time": "2024-05-14T16:03:00Z", "text": "Të gjithë në shesh!", "lang": "sq",
         "post_owner": {"data": {"type": "page", "id": "77", "name": "Zëri i Veriut", "username": "zeriiveriut"}}},
        {"id": "2", "creation_time": "2024-05-14T16:04:00Z", "text": "Sutra svi na most!",
         "post_owner": {"data": [{"type": "profile", "id": "78", "name": "Marko Primer"}]}},
    ]}  # fmt: skip
    path = tmp_path / "search.json"
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    got = read_posts(path)
    assert rows(got.posts, COLS) == [
        ("1", "77", "zeriiveriut", T("2024-05-14T16:03:00Z"), None, None, None, "sq", "facebook", 1),
        ("2", "78", "Marko Primer", T("2024-05-14T16:04:00Z"), None, None, None, None, "facebook", 1),
    ]


def test_an_mcl_row_of_no_known_platform_is_rejected_not_guessed(tmp_path):
    path = tmp_path / "mcl.csv"
    path.write_text(
        "id,creation_time,text,post_owner.id,post_owner.name\n"
        "1,2024-05-14T16:03:00+0000,Të gjithë në shesh!,77,Zëri i Veriut\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="no usable facebook post") as exc:
        read_posts(path)
    assert [(r["row"], r["field"], r["reason"]) for r in exc.value.rejects.rows] == [
        (1, "post_owner.type", "Facebook or Instagram? post_owner.type is missing, and the file has no field only one of them has (surface, shared_post_id, hashtags) nor a platform column"),
    ]  # fmt: skip


# ---------------------------------------------------------------- recognised by headers, never by guessing


def test_exports_are_found_by_their_headers(tmp_path):
    for name in ("crowdtangle_facebook.csv", "mcl_facebook_posts.csv", "mcl_instagram_posts.jsonl"):
        assert getattr(find_source(FIX / name), "platform", None) == "facebook", name
    flat = tmp_path / "flat.csv"
    flat.write_text("post_id,author_id,Message,created_at\n1,2,Nesër në shesh,2024-05-14T16:00:00Z\n", encoding="utf-8")
    assert find_source(flat) is None  # a flat table with a Message column is still the flat table
    assert read_posts(flat).shape == "flat"
    assert read_posts(FIX / "crowdtangle_facebook.csv", "csv").shape == "crowdtangle-facebook"  # --format csv too


def test_an_unknown_header_is_said_once(tmp_path, caplog):
    frame = pd.read_csv(FIX / "crowdtangle_facebook.csv", dtype=str, keep_default_na=False)
    frame["Koment i analistit"] = "shënim"
    path = tmp_path / "ct.csv"
    frame.to_csv(path, index=False)
    caplog.set_level(logging.WARNING)
    got = read_posts(path)
    assert len(got.posts) == 3
    said = [r.getMessage() for r in caplog.records if "not known in a CrowdTangle Facebook export" in r.getMessage()]
    assert said == [f"{path}: 1 column not known in a CrowdTangle Facebook export, not read: 'Koment i analistit'"]


# ---------------------------------------------------------------- end to end


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "summary", "ids", "platforms"),
    [
        ("crowdtangle_facebook.csv", "3 posts scored (crowdtangle-facebook)", ["7000000000000001", "7000000000000002", "7000000000000006"], ["facebook"] * 3),
        ("mcl_facebook_posts.csv", "3 posts scored (mcl)", ["881000000000001", "881000000000002", "881000000000005"], ["facebook"] * 3),
        ("mcl_instagram_posts.jsonl", "2 posts scored (mcl)", ["991000000000001", "991000000000002"], ["instagram"] * 2),
    ],
)  # fmt: skip
def test_posts_command_on_each_export(tmp_path, name, summary, ids, platforms):
    from click.testing import CliRunner

    from detector.cli import cli

    src = tmp_path / name
    shutil.copy(FIX / name, src)
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli, ["posts", str(src), "-o", str(out), "--no-account-model"])
    assert result.exit_code == 0, result.output
    assert summary in result.output
    scores = pd.read_csv(out, dtype=str)
    assert scores["post_id"].tolist() == ids
    assert scores["platform"].tolist() == platforms
    assert (tmp_path / "scores.rejects.csv").exists()


# ---------------------------------------------------------------- the authors' partial profiles (CrowdTangle)


def test_crowdtangle_rows_carry_each_pages_partial_profile_at_its_latest_post():
    """Each page as its latest post in the file saw it: followers at posting (row 5's, 17:00 UTC,
    a photo without text: skipped as a post, still an observation of the page), its creation date
    and names. Not Likes at Posting (people who like the page, not likes it gave); not the group of
    row 2 (where a member posted, not who); not row 3 (its time is refused) nor row 7 (no URL)."""
    got = read_posts(FIX / "crowdtangle_facebook.csv")
    assert got.users == [
        (5, {"id": "100000000000001", "screen_name": "zeriiveriut", "name": "Zëri i Veriut", "followers_count": "15020",
             "created_at": "2015-03-02T10:00:00Z", "collected_at": "2024-05-14T17:00:00Z", "platform": "facebook"}),
        (6, {"id": "100000000000003", "screen_name": "glassaibra", "name": "Glas sa Ibra", "followers_count": "4180",
             "created_at": "2019-09-20T08:30:00Z", "collected_at": "2024-05-14T16:20:00Z", "platform": "facebook"}),
    ]  # fmt: skip


def test_crowdtangle_instagram_profile_has_no_creation_date(tmp_path):
    ig = tmp_path / "instagram.csv"
    ig.write_text(
        "Account,User Name,Followers at Posting,Post Created,Post Created Date,Post Created Time,Type,Likes,Comments,Views,URL,Link,Photo,Title,Description\n"
        "Ura e Ibrit,ura.ibrit,5100,2024-05-14 18:30:00 CEST,2024-05-14,18:30:00,Photo,40,2,,https://www.instagram.com/p/C7abcDEF123/,,,,"
        "Shihemi nesër te ura #mitrovica\n"
        "Ura e Ibrit,ura.ibrit,5090,2024-05-13 09:00:00 CEST,2024-05-13,09:00:00,Photo,12,0,,https://www.instagram.com/p/C7abcDEF100/,,,,"
        "Mëngjes i qetë te ura\n",
        encoding="utf-8",
    )  # fmt: skip
    assert read_posts(ig).users == [
        (1, {"id": "ura.ibrit", "screen_name": "ura.ibrit", "name": "Ura e Ibrit", "followers_count": "5100",
             "created_at": None, "collected_at": "2024-05-14T16:30:00Z", "platform": "instagram"}),
    ]  # fmt: skip


def test_account_reader_reads_the_partial_profiles_and_refuses_an_export_without_them(tmp_path):
    """`detector score` on a CrowdTangle CSV took it for a flat account table: a post's Likes as
    likes given, User Name as the account, platform x. Now the account reader reads the pages'
    partial profiles; a Meta Content Library export, which carries none, is refused naming it."""
    from detector.accounts.read import read_accounts
    from detector.errors import InputError

    got = read_accounts(FIX / "crowdtangle_facebook.csv")
    cols = ["account_id", "screen_name", "name", "followers_count", "friends_count", "favourites_count", "created_at", "collected_at", "platform"]
    assert rows(got.accounts, cols) == [
        ("100000000000001", "zeriiveriut", "Zëri i Veriut", 15020.0, None, None, T("2015-03-02T10:00:00Z"), T("2024-05-14T17:00:00Z"), "facebook"),
        ("100000000000003", "glassaibra", "Glas sa Ibra", 4180.0, None, None, T("2019-09-20T08:30:00Z"), T("2024-05-14T16:20:00Z"), "facebook"),
    ]  # fmt: skip
    assert got.accounts["description"].isna().all()  # not read: missing, never empty
    for name in ("mcl_facebook_posts.csv", "mcl_instagram_posts.jsonl"):
        with pytest.raises(InputError, match="a Meta Content Library posts export carries no profiles: `detector posts` scores its posts") as exc:
            read_accounts(FIX / name)
        assert exc.value.path == str(FIX / name)


def test_an_empty_page_name_is_no_name(tmp_path):
    """An empty ``Page Name`` cell does not say the page has no name: the profile's name stays
    missing, not empty, beside pages whose names are written (as ``Page Description`` is not read)."""
    from detector.accounts.read import read_accounts

    lines = (FIX / "crowdtangle_facebook.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    blanked = [lines[0], *(line.replace("Glas sa Ibra,", ",", 1) for line in lines[1:])]
    (tmp_path / "ct.csv").write_text("".join(blanked), encoding="utf-8")
    got = read_accounts(tmp_path / "ct.csv")
    assert rows(got.accounts, ["account_id", "screen_name", "name", "followers_count"]) == [
        ("100000000000001", "zeriiveriut", "Zëri i Veriut", 15020.0),
        ("100000000000003", "glassaibra", None, 4180.0),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "message"),
    [
        (FIX / "mcl_facebook_posts.csv", "a Meta Content Library posts export carries no profiles"),
        (FIX / "mcl_instagram_posts.jsonl", "a Meta Content Library posts export carries no profiles"),
        (FIX.parents[1] / "posts" / "ira_calls.csv", "an IRA tweets table (content, publish_date): its rows are posts, not accounts"),
        (FIX.parents[1] / "posts" / "flat_ferguson.csv", "a table of posts (column 'text' holds a post's text): its rows are posts, not accounts"),
    ],
)  # fmt: skip
def test_score_command_refuses_a_posts_export(tmp_path, path, message):
    """`detector score` reads CSVs in chunks of its own (accounts/score.py) unless a platform's
    reader claims them by their header: a posts table is refused, by name, before any row is taken
    for an account (the flat posts table gave each author its post's time as its creation date)."""
    from click.testing import CliRunner

    from detector.cli import cli

    result = CliRunner().invoke(cli, ["score", str(path), "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2, result.output
    assert f"error: {path}: {message}" in " ".join(result.output.split())
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.slow
def test_score_command_scores_a_crowdtangle_exports_pages(tmp_path):
    """`detector score` on a CrowdTangle CSV scores its pages' partial profiles, as the account reader
    reads them (it took the file for a flat account table before: a post's Likes as likes given)."""
    from click.testing import CliRunner

    from detector.cli import cli

    out = tmp_path / "s.csv"
    result = CliRunner().invoke(cli, ["score", str(FIX / "crowdtangle_facebook.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert rows(got, ["account_id", "score", "label", "verdict_held", "platform"]) == [
        ("100000000000001", "0.3889", "uncertain", "true", "facebook"),
        ("100000000000003", "0.5279", "uncertain", "true", "facebook"),
    ]


def test_a_text_column_mapped_to_an_account_field_is_not_a_posts_table(tmp_path):
    from detector.accounts.read import read_accounts, refuse_posts_table
    from detector.errors import InputError

    table = tmp_path / "accounts.csv"
    table.write_text("id,screen_name,text,followers_count\n1,ura_ibrit,Lajme nga ura,12\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'text' holds a post's text"):
        read_accounts(table)
    got = read_accounts(table, columns={"description": "text"})
    assert rows(got.accounts, ["account_id", "description", "followers_count"]) == [("1", "Lajme nga ura", 12.0)]
    refuse_posts_table(table, ["id", "screen_name", "description"])  # an account table: nothing said
    posts = tmp_path / "posts.parquet"
    pd.DataFrame({"post_id": ["1"], "author_id": ["2"], "content": ["Nesër në shesh"]}).to_parquet(posts)
    with pytest.raises(InputError, match="column 'content' holds a post's text"):
        read_accounts(posts)


@pytest.mark.slow
def test_posts_command_holds_the_verdict_on_a_crowdtangle_pages_partial_profile(tmp_path):
    """The pages' profiles (followers at posting, creation date, names: 20 of the model's 29 inputs
    missing) are scored, and the account model holds its verdict, as for the IRA CSV's two counts:
    the score counts for nothing in a post's score. The group's post has no author profile."""
    from click.testing import CliRunner

    from detector.cli import cli

    out, authors_out = tmp_path / "scores.csv", tmp_path / "authors.csv"
    result = CliRunner().invoke(cli, ["posts", str(FIX / "crowdtangle_facebook.csv"), "-o", str(out), "--accounts-out", str(authors_out)])
    assert result.exit_code == 0, result.output
    assert "3 posts scored (crowdtangle-facebook)" in result.output and "2 author profiles scored" in result.output
    authors = pd.read_csv(authors_out, dtype=str, keep_default_na=False)
    cols = ["author_id", "account_score", "account_label", "account_verdict_held", "combined_score", "label", "platform"]
    assert rows(authors, cols) == [
        ("100000000000001", "0.3889", "uncertain", "True", "0.0", "uncertain", "facebook"),
        ("100000000000002", "", "", "False", "0.0", "uncertain", "facebook"),
        ("100000000000003", "0.5279", "uncertain", "True", "0.0", "uncertain", "facebook"),
    ]
    posts = pd.read_csv(out, dtype=str)
    # (the posts' own scores are the message model's: not this test's)
    assert rows(posts, ["post_id", "label"]) == [("7000000000000001", "uncertain"), ("7000000000000002", "uncertain"), ("7000000000000006", "uncertain")]
    assert [r.rsplit("; ", 1)[-1] for r in posts["reasons"]] == [
        "author profile too sparse for a verdict (account score 0.39, not counted)",
        "author not scored (no profile)",
        "author profile too sparse for a verdict (account score 0.53, not counted)",
    ]


def test_a_facebook_pages_reasons_say_what_the_export_leaves_out():
    """A page's profile from a CrowdTangle export has followers, names and a creation date only:
    its reasons say which of the model's inputs such an export never gives (missing, not zero)."""
    from detector.accounts.model import score_accounts
    from detector.accounts.read import read_accounts
    from detector.accounts.registry import load_current_model

    scores = score_accounts(read_accounts(FIX / "crowdtangle_facebook.csv").accounts, load_current_model())
    assert scores["reasons"].str.startswith(
        "facebook profile scored by a model trained on X (no follows, likes given, lists or posts count from a Facebook export: missing, not zero); "
    ).all()
    assert len(scores) == 2
