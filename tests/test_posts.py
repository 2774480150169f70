"""Post readers on small real fixtures (tests/fixtures/posts/PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from detector.errors import EmptyInputError, InputError, NothingScoredError
from detector.posts.read import author_accounts, parse_times, read_posts
from detector.schema import POST_COLUMNS

FIX = Path(__file__).parent / "fixtures" / "posts"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def _check_schema(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(POST_COLUMNS)
    for col, dtype in POST_COLUMNS.items():
        assert str(df[col].dtype) == dtype, col


def test_ira_csv_shape_rows_and_rejects() -> None:
    read = read_posts(FIX / "ira_calls.csv")
    assert read.shape == "ira"
    _check_schema(read.posts)
    assert len(read.posts) == 26
    assert read.users == []
    rejects = read.rejects.frame()[["row", "field", "reason"]].sort_values("row").values.tolist()
    assert rejects == [
        [27, "publish_date", "unreadable time '32/13/2016 25:61'"],
        [28, "content", "no text"],
    ]
    first = read.posts.iloc[0]
    assert first["post_id"] == "r1"
    assert first["author_id"] == "BADAEVVIKTOR"
    assert first["created_at"] == pd.Timestamp("2015-10-16 00:13", tz="UTC")
    assert first["urls"] == "http://t.co/LmLk0ITlPo"
    assert first["lang"] == "sr"
    # The IRA release names no replied-to post and no platform: missing, and X's, as typed text.
    assert read.posts["reply_to"].isna().all() and read.posts["platform"].tolist() == ["x"] * 26
    # The four retweets of one post share one repost key; original posts have none.
    keys = read.posts["repost_of"].iloc[:4]
    assert keys.nunique() == 1 and keys.iloc[0].startswith("text:")
    texit = read.posts.iloc[11]
    assert texit["author_id"] == "ITSTIMETOSECEDE"
    assert pd.isna(texit["repost_of"])
    assert texit["hashtags"] == "texit"


def test_flat_csv_normalises_hashtags_and_times() -> None:
    read = read_posts(FIX / "flat_ferguson.csv")
    assert read.shape == "flat"
    _check_schema(read.posts)
    assert len(read.posts) == 37 and len(read.rejects) == 0
    row = read.posts.set_index("post_id").loc["499705269434085376"]
    assert row["author_screen_name"] == "Joe_Schmucc"
    assert row["hashtags"] == "iraq ferguson"
    assert row["created_at"] == pd.Timestamp("2014-08-13 23:53:14", tz="UTC")


def test_v1_jsonl_matches_flat_and_keeps_bad_lines_aside() -> None:
    v1 = read_posts(FIX / "pheme_ferguson.jsonl")
    flat = read_posts(FIX / "flat_ferguson.csv")
    assert v1.shape == "v1"
    _check_schema(v1.posts)
    cols = ["post_id", "author_id", "author_screen_name", "text", "created_at", "hashtags"]
    pd.testing.assert_frame_equal(v1.posts[cols], flat.posts[cols])
    rejects = v1.rejects.frame()
    assert rejects["row"].tolist() == [38, 39]
    assert rejects["reason"].iloc[0].startswith("malformed JSON")
    assert rejects["field"].iloc[1] == "created_at"
    # 37 posts by 30 distinct authors; each profile is kept as seen at its author's newest post.
    assert len(v1.users) == 30
    ids = {rec["user"]["id_str"] for _, rec in v1.users}
    assert ids == set(v1.posts["author_id"])


def test_v1_profiles_become_canonical_accounts_observed_at_post_time() -> None:
    v1 = read_posts(FIX / "pheme_ferguson.jsonl")
    accounts = author_accounts(v1.users, "pheme_ferguson.jsonl")
    assert len(accounts) == 30
    umair = accounts.set_index("account_id").loc["14321959"]
    assert umair["screen_name"] == "umairh"
    newest = v1.posts.loc[v1.posts["author_id"] == "14321959", "created_at"].max()
    assert umair["collected_at"] == newest


def test_v1_tweets_without_their_user_are_kept_without_an_author(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A v1.1 tweet without its embedded ``user`` was rejected, while a v2 tweet without author_id is
    kept. The first five PHEME lines, ``user`` dropped from the 2nd and 4th and emptied in the 5th:
    all five kept, three without an author, said once; only the two real users become profiles."""
    lines = (FIX / "pheme_ferguson.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    tweets = [json.loads(line) for line in lines]
    del tweets[1]["user"], tweets[3]["user"]
    tweets[4]["user"] = {}
    src = tmp_path / "no_user.jsonl"
    src.write_text("".join(json.dumps(t) + "\n" for t in tweets), encoding="utf-8")
    with caplog.at_level("WARNING", logger="detector.posts.read"):
        got = read_posts(src)
    assert got.shape == "v1" and len(got.rejects) == 0
    _check_schema(got.posts)
    posts = got.posts.set_index("post_id")
    assert posts.index.tolist() == ["499705746377150464", "499703794805276672", "499705269434085376", "499706211093471232", "499705042178691072"]
    assert posts["author_id"].fillna("-").tolist() == ["1398275840", "-", "22903265", "-", "-"]
    assert posts["author_screen_name"].fillna("-").tolist() == ["Anon2earth", "-", "Joe_Schmucc", "-", "-"]
    assert posts.loc["499706211093471232", "text"] == "This. Breaks. My. Heart. http://t.co/YNJTtCXhfJ #Ferguson"
    assert posts.loc["499703794805276672", "hashtags"] == "ferguson"
    assert posts.loc["499703794805276672", "created_at"] == pd.Timestamp("2014-08-13 23:47:23", tz="UTC")
    assert sorted(rec["user"]["screen_name"] for _, rec in got.users) == ["Anon2earth", "Joe_Schmucc"]
    said = [r.getMessage() for r in caplog.records if "no author id" in r.getMessage()]
    assert said == [f"{src}: 3 posts have no author id: they are scored for their text only and cannot join coordination"]


def test_flat_json_records_with_other_author_headers_keep_their_author(tmp_path: Path) -> None:
    """A flat record whose author column goes by another name the flat table reads ('user_id',
    'screen_name') is a flat record, not a v1.1 tweet without its user: read that way, its author
    was dropped and the post said to have none (synthetic records)."""
    src = tmp_path / "flat_other_names.jsonl"
    recs = [
        {"id": "11", "user_id": "501", "text": "Protest sutra u 18h", "created_at": "2024-05-01T10:00:00Z"},
        {"id": "12", "screen_name": "drita_k", "text": "Nesër në orën 18", "created_at": "2024-05-01T11:00:00Z"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    got = read_posts(src)
    assert got.shape == "flat" and len(got.rejects) == 0
    posts = got.posts.set_index("post_id")
    assert posts.loc["11", "author_id"] == "501"
    assert posts.loc["12", "author_screen_name"] == "drita_k"


def test_v2_page_users_retweet_and_media_links() -> None:
    read = read_posts(FIX / "v2_texit_page.json")
    assert read.shape == "v2"
    _check_schema(read.posts)
    assert len(read.posts) == 7
    assert len(read.rejects) == 0  # a tweet without author_id is read, not rejected
    posts = read.posts.set_index("post_id")
    assert pd.isna(posts.loc["791000000000000099", "author_id"]) and posts.loc["791000000000000099", "text"] == "no author here"
    first = posts.loc["791000000000000000"]
    assert first["author_screen_name"] == "ItsTimeToSecede"
    assert first["hashtags"] == "texit"
    assert pd.isna(first["urls"])  # its only link is the tweet's own photo
    assert posts.loc["791000000000000001", "urls"] == "https://t.co/29K1LxezBM"
    rt = posts.loc["791000000000000100"]
    assert rt["repost_of"] == "791000000000000000"
    assert rt["text"] == first["text"]  # the whole original, not the truncated "RT @…" text
    assert sorted(u["username"] for _, u in read.users) == ["ItsTimeToSecede", "reader_example"]
    accounts = author_accounts(read.users, "v2_texit_page.json")
    secede = accounts.set_index("account_id").loc["4271904983"]
    assert secede["followers_count"] == 1960
    assert secede["collected_at"] == pd.Timestamp("2016-10-27 00:51", tz="UTC")  # its newest post


def test_twarc2_flattened_equals_v2_page() -> None:
    page = read_posts(FIX / "v2_texit_page.json").posts
    page = page[page["author_id"].notna()].reset_index(drop=True)  # twarc2 has no tweet without an author
    twarc = read_posts(FIX / "twarc2_texit.jsonl")
    assert twarc.shape == "twarc2"
    cols = [c for c in POST_COLUMNS if c != "source_row"]
    pd.testing.assert_frame_equal(twarc.posts[cols], page[cols])
    # twarc2 says when it collected the tweets: that is when the profile was observed.
    assert {u["collected_at"] for _, u in twarc.users} == {"2016-11-05T12:00:00+00:00"}


def test_parquet_ira_repackaging(tmp_path: Path) -> None:
    raw = pd.read_csv(FIX / "ira_calls.csv", dtype=str).iloc[:5]
    raw = raw.rename(columns={"author": "author_id"})
    raw["publish_date"] = pd.to_datetime(raw["publish_date"], format="%m/%d/%Y %H:%M").dt.strftime("%Y-%m-%d %H:%M:%S")
    raw["post_type"] = "R"
    path = tmp_path / "ira.parquet"
    raw.to_parquet(path)
    read = read_posts(path)
    assert read.shape == "ira"
    assert read.posts["author_id"].tolist()[:2] == ["BADAEVVIKTOR", "GUBATOVOFFICIAL"]
    assert read.posts["repost_of"].notna().all()


def test_ira_language_names_become_codes_or_missing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Names the IRA release writes (all posts: Portuguese 243, Tagalog (Filipino) 100, Simplified
    # Chinese 4), one it does not (Armenian, synthetic) and one the table always knew (Serbian).
    raw = pd.read_csv(FIX / "ira_calls.csv", dtype=str).iloc[:6]
    raw["language"] = ["Portuguese", "Tagalog (Filipino)", "Simplified Chinese", "Armenian", "Serbian", "ARMENIAN"]
    path = tmp_path / "ira_langs.csv"
    raw.to_csv(path, index=False)
    with caplog.at_level("WARNING", logger="detector.posts.read"):
        read = read_posts(path)
    expected = [
        # row  lang
        ("r1", "pt"),
        ("r2", "tl"),
        ("r3", "zh"),
        ("r4", None),  # unknown: missing, never the name; detected later from the text
        ("r5", "sr"),
        ("r6", None),
    ]
    got = [(pid, None if pd.isna(lang) else lang) for pid, lang in read.posts[["post_id", "lang"]].itertuples(index=False)]
    assert got == expected
    said = [r.getMessage() for r in caplog.records if "language name" in r.getMessage()]
    assert len(said) == 1 and "2 language names not known" in said[0] and "'ARMENIAN', 'Armenian'" in said[0]


def test_format_override_and_unknown_shapes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="malformed CSV"):
        read_posts(FIX / "pheme_ferguson.jsonl", "csv")
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="columns found: 'a', 'b'"):
        read_posts(odd)
    with pytest.raises(InputError, match="no such file"):
        read_posts(tmp_path / "missing.csv")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(EmptyInputError):
        read_posts(empty)


def test_every_record_rejected_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("post_id,author_id,text,created_at\n1,a,hello,yesterday\n2,b,,2020-01-01\n")
    with pytest.raises(NothingScoredError):
        read_posts(bad)


def test_parse_times_shapes() -> None:
    got = parse_times(pd.Series(["Wed Aug 13 23:53:14 +0000 2014", "2016-10-27T00:18:00.000Z", "10/16/2015 0:13", "2017-09-16 02:57:00", "soon", None]))
    assert got.tolist()[:4] == [
        pd.Timestamp("2014-08-13 23:53:14", tz="UTC"),
        pd.Timestamp("2016-10-27 00:18", tz="UTC"),
        pd.Timestamp("2015-10-16 00:13", tz="UTC"),
        pd.Timestamp("2017-09-16 02:57", tz="UTC"),
    ]
    assert got.iloc[4:].isna().all()


@pytest.mark.skipif(not (SHARED / "pheme").is_dir(), reason="../shared/datasets not present")
def test_every_pheme_file_reads_without_rejects() -> None:
    total = 0
    for path in sorted((SHARED / "pheme").glob("*.json")):
        if path.stat().st_size < 10:
            continue  # ebola-essien non-rumours is an empty list in this copy
        read = read_posts(path)
        assert len(read.rejects) == 0, path.name
        total += len(read.posts)
    assert total == 4335


@pytest.mark.parametrize(
    "text, tags",
    [
        ("#Texit rally Nov. 5 #TEXAS", "texit texas"),
        ("join us #BLM_2016, #vote; #a#b", "blm_2016 vote a"),  # a mark right after a word is not a tag
        ("##double &#39;entity #", "double"),
        ("no tags here, just a # sign", None),
        ("line\n#one\t#two", "one two"),
        ("Сви на протест #Протест #блокада", "протест блокада"),  # not ASCII: Python's regex
        ("＃fullwidth and #ascii", "fullwidth ascii"),
        ("nul\x00#kept", "kept"),  # bytes 00-02: Python's regex
        ("ctl\x01#one \x02#two", "one two"),
        ("#İSTANBUL #ΟΔΟΣ #straße", "i̇stanbul οδος straße"),  # Python's lower(): İ gains a dot, Σ at a word's end is ς
        ("emoji😀#tag😀 #é_1 x#no", "tag é_1"),
        ("#", None),
    ],
)
def test_hashtags_from_text_ascii_and_unicode_paths_agree(text: str, tags: str | None) -> None:
    from detector.posts.read import HASHTAG_RE, _hashtags_from_text

    got = _hashtags_from_text(pd.Series([text, "#Padding row", None, "no mark"], dtype="string"))
    assert (None if pd.isna(got.iloc[0]) else got.iloc[0]) == tags
    assert tags == (" ".join(x.lower() for x in HASHTAG_RE.findall(text)) or None)
    assert got.iloc[1] == "padding" and pd.isna(got.iloc[2]) and pd.isna(got.iloc[3])


@pytest.mark.parametrize(
    "text, urls",
    [
        ("see https://t.co/AbC.", "https://t.co/AbC"),
        ("two: HTTP://a.example/x?y=1), and http://b.example/…!", "HTTP://a.example/x?y=1 http://b.example/"),
        ("Протест: https://пример.срб/путь…… end", "https://пример.срб/путь"),
        ("quoted 'http://q.example/a'<b> \"http://r.example\"", "http://q.example/a http://r.example"),
        ("no-break\u00a0space: http://s.example/a\u00a0b\u3000http://t.example", "http://s.example/a http://t.example"),
        ("httpſ://long-s.example and http:// alone", "httpſ://long-s.example"),  # re.IGNORECASE folds ſ to s, as RE2 does
        ("ctl\x01http://one.example \x00http://two.example", "http://one.example http://two.example"),
        ("http without a link", None),
    ],
)
def test_urls_from_text_match_pythons_regex(text: str, urls: str | None) -> None:
    from detector.posts.read import URL_RE, URL_TRAIL, _urls_from_text

    got = _urls_from_text(pd.Series([text, "x http://pad.example."], dtype="string"))
    assert (None if pd.isna(got.iloc[0]) else got.iloc[0]) == urls
    assert urls == (" ".join(u.rstrip(URL_TRAIL) for u in URL_RE.findall(text)) or None)
    assert got.iloc[1] == "http://pad.example"


def test_times_without_a_zone_are_said_once_per_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from detector.dates import DateRules

    src = tmp_path / "posts.csv"
    rows = [f"p{i},u{i % 3},Protest {i},10.05.2024. 20:0{i}" for i in range(6)]
    src.write_text("post_id,author_id,text,created_at\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="detector.posts.read"):
        read = read_posts(src)
    said = [r.getMessage() for r in caplog.records if "no time zone" in r.getMessage()]
    assert len(said) == 1 and str(src) in said[0] and "'created_at'" in said[0] and "--tz" in said[0]
    assert read.posts["created_at"].iloc[0] == pd.Timestamp("2024-05-10 20:00", tz="UTC")
    caplog.clear()
    with caplog.at_level("WARNING", logger="detector.posts.read"):
        local = read_posts(src, dates=DateRules(tz="Europe/Belgrade"))
    assert not [r for r in caplog.records if "no time zone" in r.getMessage()]
    assert local.posts["created_at"].iloc[0] == pd.Timestamp("2024-05-10 18:00", tz="UTC")  # CEST is UTC+2


def test_a_post_read_twice_is_rejected_and_record_numbers_never_clash(tmp_path: Path) -> None:
    lines = (FIX / "flat_ferguson.csv").read_text(encoding="utf-8").splitlines()
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join([*lines[:4], lines[1]]) + "\n", encoding="utf-8")  # record 4 repeats record 1
    got = read_posts(twice)
    assert len(got.posts) == 3
    assert [(r["row"], r["reason"]) for r in got.rejects.rows] == [(4, "duplicate of record 1 (post 499705746377150464)")]
    # Without a post_id column each post is named by its record number: the same rows are all kept.
    header, *rows = [line.split(",", 1)[1] for line in [*lines[:4], lines[1]]]
    numbered = tmp_path / "numbered.csv"
    numbered.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    got = read_posts(numbered)
    assert got.posts["post_id"].tolist() == ["r1", "r2", "r3", "r4"] and not got.rejects.rows


def test_posts_without_a_time_are_kept_for_their_text_and_calls(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A post with no time was rejected, so a file of posts without times (balkan-posts' Albanian
    tweets) was rejected whole. Synthetic rows: kept, scored for text and calls, out of coordination,
    said once; an unreadable time is still a reject."""
    from detector.posts.calls import analyse_posts

    src = tmp_path / "p.csv"
    src.write_text(
        "post_id,author_id,text,created_at\n"
        "1,a,Sutra u 18h svi na protest ispred Skupstine,\n2,b,hello there,\n3,c,hi,not a time\n4,d,ok,2024-05-10 18:00Z\n",
        encoding="utf-8",
    )
    with caplog.at_level("WARNING"):
        got = read_posts(src)
    assert got.posts["post_id"].tolist() == ["1", "2", "4"] and got.posts["created_at"].isna().tolist() == [True, True, False]
    assert [(r["row"], r["field"], r["reason"]) for r in got.rejects.rows] == [(3, "created_at", "unreadable time 'not a time'")]
    said = [r.getMessage() for r in caplog.records if "no time:" in r.getMessage()]
    assert said == [
        f"{src}: 2 posts have no time: they are scored for their text and calls only, out of coordination and bursts; "
        "a relative time in them ('sutra u 18h') stays unresolved (when_status 'no post time')"
    ]
    scored = analyse_posts(got.posts).posts.set_index("post_id")
    assert scored.loc["1", "is_call"] and scored.loc["1", "when_status"] == "no post time"
    assert scored["cluster_ids"].fillna("").eq("").all()  # no time: no post joins a cluster


def test_a_table_without_a_time_column_is_read_like_one_whose_times_are_blank(tmp_path: Path) -> None:
    """A post without a time is kept, and a JSON record without created_at was; a CSV without the
    column was refused whole ('a flat post table needs text and created_at'), e.g. balkan-posts'
    calls_labelled_dev.csv (post_id, source, lang, text, ...). Synthetic rows of that shape."""
    src = tmp_path / "p.csv"
    src.write_text("post_id,source,lang,text\n1,x,sr,Sutra u 18h svi na protest ispred Skupstine\n2,x,en,hello there\n", encoding="utf-8")
    got = read_posts(src)
    assert got.posts["post_id"].tolist() == ["1", "2"] and got.posts["created_at"].isna().all()
    assert got.posts["lang"].tolist() == ["sr", "en"] and not got.rejects.rows
    src.write_text("post_id,source,lang\n1,x,sr\n", encoding="utf-8")
    with pytest.raises(InputError, match="no known post shape"):  # no text: still no post table
        read_posts(src)
