"""TwiBot-20 user records read as posts: each tweet a post of its user, without id or time.

The fixture is three whole records of the public TwiBot-20 sample (camilla_faccini with two tweets,
one a repost; Richard37226643 with one; JenniferFishpaw with none) and, on purpose, a copy of
Richard37226643's record whose ``tweet`` is a text instead of a list (see PROVENANCE.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from detector.cli import cli
from detector.posts.read import author_accounts, read_posts

FIX = Path(__file__).parent / "fixtures" / "posts" / "twibot20_posts.json"


def test_each_tweet_is_a_post_of_its_user() -> None:
    read = read_posts(FIX)
    assert read.shape == "twibot20"
    posts = read.posts.set_index("post_id")
    assert list(posts.index) == ["1115977467951501313:0", "1115977467951501313:1", "1297609266623217664:0"]
    assert list(posts["author_id"]) == ["1115977467951501313", "1115977467951501313", "1297609266623217664"]
    assert list(posts["author_screen_name"]) == ["camilla_faccini", "camilla_faccini", "Richard37226643"]
    assert posts["created_at"].isna().all()
    first = posts.loc["1115977467951501313:0"]
    assert first["text"] == "E se non fosse stato un giornalista? #Origone\nhttps://t.co/NxknVlc3QA"
    assert first["hashtags"] == "origone"
    assert first["urls"] == "https://t.co/NxknVlc3QA"
    assert pd.isna(first["repost_of"])
    repost = posts.loc["1115977467951501313:1"]
    assert repost["text"].startswith("RT @SkyTG24: La prima foto di un buco nero.")
    assert repost["repost_of"].startswith("text:") and len(repost["repost_of"]) == 21
    assert repost["hashtags"] == "scienze"
    assert repost["urls"] == "https://t.co/PL9QnS1M7Q https://t.co/ZHGJGN8Y4e"


def test_a_broken_record_is_set_aside_with_its_field_and_the_rest_is_read() -> None:
    read = read_posts(FIX)
    rows = read.rejects.rows
    assert len(rows) == 1
    assert rows[0]["row"] == 4 and rows[0]["field"] == "tweet" and rows[0]["action"] == "rejected"
    assert "must be a list of texts, not str" in rows[0]["reason"]


def test_authors_with_tweets_are_profiles_observed_at_as_of() -> None:
    as_of = pd.Timestamp("2020-09-01", tz="UTC")
    read = read_posts(FIX, as_of=as_of)
    assert sorted(a for a, _ in [(rec["ID"], n) for n, rec in read.users]) == ["1115977467951501313", "1297609266623217664"]
    accounts = author_accounts(read.users, str(FIX)).set_index("screen_name")
    assert list(accounts["collected_at"]) == [as_of, as_of]
    assert accounts.loc["Richard37226643", "followers_count"] == 4
    assert accounts.loc["camilla_faccini", "followers_count"] == 4


def test_cli_scores_twibot_posts_and_says_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "post_scores.csv"
    result = CliRunner().invoke(cli, ["posts", str(FIX), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "3 posts scored (twibot20)" in result.stderr
    assert "2 author profiles scored" in result.stderr
    assert "TwiBot-20 profiles carry no observation time" in result.stderr
    assert "3 posts have no time" in result.stderr
    assert "1 record rejected" in result.stderr
    scores = pd.read_csv(out, dtype=str)
    assert list(scores["post_id"]) == ["1115977467951501313:0", "1115977467951501313:1", "1297609266623217664:0"]
    rerun = CliRunner().invoke(cli, ["posts", str(FIX), "-o", str(tmp_path / "again.csv"), "--as-of", "2020-09-01"])
    assert rerun.exit_code == 0, rerun.stderr
    assert "observation time" not in rerun.stderr


def test_a_twibot_repost_key_is_the_ira_readers() -> None:
    """The TwiBot-20 reader keys one repost at a time by the rule the IRA reader applies to many."""
    from detector.posts.read import _text_digests, _text_key

    texts = pd.Series(["La prima foto di un buco nero.", "  Блокада Вршац\u00a0", "x\u2003", "same text\n"])
    many = _text_digests(texts, pd.Series(True, index=texts.index))
    assert [_text_key(t) for t in texts] == list(many)
