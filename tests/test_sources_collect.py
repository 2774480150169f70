"""Collecting from Bluesky (atproto SDK) and Mastodon (Mastodon.py): replayed HTTP exchanges.

The cassettes in cassettes/ carry the documented response shapes (the fixtures of
fixtures/sources/) and each service's rate-limit headers; the SDKs build, send and parse every
request as they would live (vcrpy patches httpx for atproto and requests for Mastodon.py). The
record mode is ``none``: a request not in its cassette fails, and nothing reaches the network.
Passwords and tokens in the cassettes are placeholders; the tests check that the password given
never reaches the log or the store.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from _cassettes import replayer
from test_collect import (
    FakeTime,  # the X collector tests' clock: 2024-05-14T09:00:00Z, the cassettes' Date
)

from detector.errors import CollectError, ConfigError, redact
from detector.ops.collect import collect_platform
from detector.ops.store import open_store
from detector.sources.base import Pager
from detector.sources.bluesky import BlueskyCollector, load_credentials
from detector.sources.mastodon import MastodonCollector

CASSETTES = Path(__file__).parent / "cassettes"
PASSWORD = "abcd-efgh-ijkl-mnop"
MARCHA = "at://did:plc:marcha7abc2def3ghi4jkl/app.bsky.feed.post/3ksz2abcd2x2a"


replay = replayer(CASSETTES)


@pytest.fixture
def clock():
    return FakeTime()


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "store.sqlite"))
    yield s
    s.close()


@pytest.fixture
def creds(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("BLUESKY_HANDLE", "detector-test.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)


def bluesky(clock: FakeTime) -> BlueskyCollector:
    return BlueskyCollector(pager=Pager(sleep=clock.sleep, clock=clock.time, progress=False))


# ---------------------------------------------------------------- Bluesky


def test_bluesky_search_waits_retries_pages_and_stores(store, clock, creds, caplog):
    caplog.set_level(logging.DEBUG)
    with replay("bluesky_search.yaml") as cassette:
        stats = collect_platform(store, bluesky(clock), "search", "#marcha")
        assert cassette.all_played
    assert stats.complete and not stats.resumed
    assert (stats.pages, stats.posts, stats.accounts) == (2, 3, 3)
    # the 429 said: reset at NOW + 100 s; then one 503 retried after the first backoff (2 s)
    assert (stats.rate_limit_waits, stats.waited_seconds, stats.retries) == (1, 101.0, 1)
    assert clock.sleeps[-1] == 2.0 and sum(clock.sleeps[:-1]) == 101.0
    posts = store.posts()
    assert posts[["platform", "post_id", "author_id"]].values.tolist()[0] == ["bluesky", MARCHA, "did:plc:marcha7abc2def3ghi4jkl"]
    assert set(posts["platform"]) == {"bluesky"} and len(posts) == 3
    accounts = store.accounts()
    assert sorted(accounts["screen_name"]) == ["marchaplaza.bsky.social", "noticiasya.bsky.social", "vecina.bsky.social"]
    cursor = store.get_cursor("bluesky:search:#marcha")
    assert cursor.next_token is None and cursor.since_id == "2024-05-14T09:20:00+00:00"
    # the app password is never logged, nor stored with the raw pages
    assert PASSWORD not in caplog.text
    pages = store.execute("SELECT payload FROM pages")
    assert pages and not any(PASSWORD in p for (p,) in pages)


def test_bluesky_search_resumes_then_asks_only_for_newer_posts(store, clock, creds):
    with replay("bluesky_search.yaml"):
        first = collect_platform(store, bluesky(clock), "search", "#marcha", max_pages=1)
    assert not first.complete and first.posts == 3
    assert store.get_cursor("bluesky:search:#marcha").next_token == "3"
    with replay("bluesky_resume.yaml") as cassette:
        resumed = collect_platform(store, bluesky(clock), "search", "#marcha")
        assert resumed.resumed and resumed.complete and resumed.posts == 0
        later = collect_platform(store, bluesky(clock), "search", "#marcha")
        assert cassette.all_played
    assert not later.resumed and later.posts == 1
    assert len(store.posts()) == 4
    assert store.get_cursor("bluesky:search:#marcha").since_id == "2024-05-14T10:00:00+00:00"


def test_bluesky_feed_and_profiles(store, clock, creds):
    with replay("bluesky_feed.yaml") as cassette:
        collector = bluesky(clock)
        feed = collect_platform(store, collector, "feed", "@marchaplaza.bsky.social", source="watch-17m")
        profiles = collect_platform(store, collector, "profiles", "marchaplaza.bsky.social,vecina.bsky.social", source="watch-17m")
        assert cassette.all_played
    assert feed.complete and feed.posts == 2 and profiles.accounts == 2
    reposts = store.posts(source="watch-17m")
    assert reposts["repost_of"].dropna().tolist() == ["at://did:plc:noticias4aaa5bbb6ccc7d/app.bsky.feed.post/3ksz2ijkl7z2c"]
    accounts = store.accounts().set_index("account_id")
    # the full profile replaced the basic one that came with the posts; likes stay missing
    assert accounts.loc["did:plc:marcha7abc2def3ghi4jkl", ["followers_count", "friends_count", "statuses_count"]].tolist() == [12.0, 2001.0, 5400.0]
    assert accounts["favourites_count"].isna().all()


def test_bluesky_refused_password_is_a_collect_error(clock, creds, caplog):
    with replay("bluesky_bad_password.yaml"), pytest.raises(CollectError, match="refused the credentials"):
        bluesky(clock)
    assert PASSWORD not in caplog.text


def test_bluesky_credentials_come_from_the_environment_or_dotenv(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BLUESKY_HANDLE", raising=False)
    monkeypatch.delenv("BLUESKY_APP_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="BLUESKY_HANDLE and BLUESKY_APP_PASSWORD"):
        load_credentials()
    (tmp_path / ".env").write_text(f"BLUESKY_HANDLE=me.bsky.social\nBLUESKY_APP_PASSWORD={PASSWORD}\n")
    assert load_credentials() == ("me.bsky.social", PASSWORD)
    assert redact(f"login with {PASSWORD} failed") == "login with [redacted] failed"
    monkeypatch.setenv("BLUESKY_HANDLE", "env.bsky.social")
    assert load_credentials()[0] == "env.bsky.social"  # the environment wins


# ---------------------------------------------------------------- Mastodon


def mastodon(clock: FakeTime) -> MastodonCollector:
    return MastodonCollector("mastodon.social", pager=Pager(sleep=clock.sleep, clock=clock.time, progress=False))


def test_mastodon_hashtag_waits_retries_pages_and_stores(store, clock):
    with replay("mastodon_hashtag.yaml") as cassette:
        stats = collect_platform(store, mastodon(clock), "hashtag", "#marcha")
        assert cassette.all_played
    assert stats.complete and (stats.pages, stats.posts, stats.accounts) == (2, 2, 3)
    assert stats.rate_limit_waits == 1 and stats.retries == 1
    # X-RateLimit-Reset is 300 s after the server's Date: the wait is that, plus a second
    assert 299.0 <= stats.waited_seconds <= 303.0
    posts = store.posts()
    assert posts["platform"].unique().tolist() == ["mastodon"]
    assert sorted(posts["author_id"]) == ["eco@social.example.net", "vecina@mastodon.social"]
    bot = store.accounts(ids=["marchabot@mastodon.social"])
    assert bot["bot_declared"].tolist() == [True]
    cursor = store.get_cursor("mastodon:hashtag:#marcha")
    assert cursor.next_token is None and cursor.since_id == "112442000000000003"
    raw = json.loads(store.execute("SELECT payload FROM pages ORDER BY page_key")[0][0])
    assert raw["__collected"]["server"] == "https://mastodon.social"


def test_mastodon_account_statuses_and_an_unknown_account(store, clock):
    with replay("mastodon_account.yaml") as cassette:
        collector = mastodon(clock)
        stats = collect_platform(store, collector, "account", "@marchabot")
        with pytest.raises(CollectError, match="not found on https://mastodon.social"):
            collect_platform(store, collector, "account", "nadie")
        assert cassette.all_played
    assert stats.complete and stats.posts == 1
    assert store.posts()["post_id"].tolist() == ["https://mastodon.social/users/marchabot/statuses/112442000000000001"]


def test_the_pager_gives_up_after_its_retries():
    from detector.sources.base import Transient

    sleeps: list[float] = []
    pager = Pager(max_retries=2, sleep=sleeps.append, clock=time.time, progress=False)

    def fail() -> None:
        raise Transient("HTTP 503")

    with pytest.raises(CollectError, match="gave up after 3 attempts"):
        pager.call("search", fail)
    assert sleeps == [2.0, 4.0]


# ---------------------------------------------------------------- the command line


def test_cli_collects_a_mastodon_account(tmp_path):
    from click.testing import CliRunner

    from detector.cli import cli

    db = str(tmp_path / "s.sqlite")
    with replay("mastodon_account.yaml"):
        result = CliRunner().invoke(cli, ["collect", "--platform", "mastodon", "timeline", "@marchabot", "--db", db])
    assert result.exit_code == 0, result.output
    assert "mastodon:account:marchabot: 2 page(s), 1 account(s), 1 post(s)" in result.output
    with open_store(db) as s:
        assert set(s.posts()["platform"]) == {"mastodon"}


def test_cli_mastodon_search_needs_a_hashtag(tmp_path):
    from click.testing import CliRunner

    from detector.cli import cli

    result = CliRunner().invoke(cli, ["collect", "--platform", "mastodon", "search", "marcha plaza", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2
    assert "follows hashtags, not searches" in result.output
