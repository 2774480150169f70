"""Collecting from the X API v2: replayed HTTP exchanges through tweepy's real request code.

The cassettes in fixtures/xapi/ follow the v2 response shapes of the API documentation (users
lookup, user timeline, recent search, 429 / 503 / 401 answers and partial errors); vcrpy replays
them under ``requests``, so tweepy builds, sends and parses every request as it would live. The
record mode is ``none``: a request that is not in the cassette fails, and nothing reaches the
network.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import requests
import yaml
from _cassettes import replayer
from _store_targets import BACKENDS, store_target
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import CollectError, ConfigError
from detector.ops.collect import (
    Collector,
    CollectStats,
    classify_problem,
    load_bearer_token,
    parse_since,
)
from detector.ops.store import open_store

FIX = Path(__file__).parent / "fixtures" / "xapi"
TOKEN = "AAAAtest-bearer-token-0123456789"
SINCE = datetime(2024, 5, 13, tzinfo=UTC)
NOW = 1715677200.0  # 2024-05-14T09:00:00Z, 900 s before the recorded x-rate-limit-reset
QUERY = "#marcha lang:es"

# post ids of the two search pages (page 1: C, B, A; page 2: D, E)
A, B, C, D, E = (
    "1790327000000000001",
    "1790327100000000002",
    "1790327200000000003",
    "1790326000000000004",
    "1790325000000000005",
)
BOT = "1788990011223344556"


replay = replayer(FIX)


class FakeTime:
    """Stands in for the wall clock only, so a 15-minute rate-limit wait takes no real time."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def time(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "store.sqlite"))
    yield s
    s.close()


@pytest.fixture
def clock():
    return FakeTime()


def make(store, clock, **kw) -> Collector:
    return Collector(store, bearer_token=TOKEN, sleep=clock.sleep, clock=clock.time, progress=False, **kw)


# ---------------------------------------------------------------------------- users


def test_users_lookup_stores_found_accounts_and_vanished_ones_as_statuses(store, clock):
    with replay("users_lookup.yaml") as cass:
        stats = make(store, clock).collect_users(ids=["2244994945", "783214", "481186914", "11111111111"])
        assert cass.all_played
    assert (stats.pages, stats.accounts, stats.complete) == (1, 2, True)
    assert dict(stats.statuses) == {"ok": 2, "suspended": 1, "not_found": 1}

    acc = store.accounts().set_index("account_id")
    assert list(acc.index) == ["2244994945", "783214"]
    x = acc.loc["2244994945"]
    assert (x.screen_name, x.followers_count, x.friends_count, x.statuses_count, x.listed_count) == (
        "XDevelopers", 583000.0, 1950.0, 4100.0, 2100.0,
    )
    assert x.created_at == pd.Timestamp("2013-12-14T04:35:55Z")
    assert bool(x.verified) is True

    st = store.account_status().set_index("account_id").sort_index()
    assert st["status"].to_dict() == {
        "11111111111": "not_found",
        "2244994945": "ok",
        "481186914": "suspended",
        "783214": "ok",
    }
    assert st.loc["481186914", "detail"] == "User has been suspended: [481186914]."


def test_users_lookup_twice_duplicates_nothing(store, clock):
    for _ in range(2):
        with replay("users_lookup.yaml"):
            make(store, clock).collect_users(ids=["2244994945", "783214", "481186914", "11111111111"])
    counts = store.counts()
    assert (counts["accounts"], counts["account_status"], counts["pages"], counts["cursors"]) == (2, 4, 1, 0)


def test_username_lookup_files_a_suspension_under_the_known_id(store, clock):
    # The account was seen before, alive, under its id; now its username answers "suspended".
    seen = pd.DataFrame({"account_id": [BOT], "screen_name": ["marcha_hoy_4471"]})
    store.upsert_accounts(seen)
    from detector.ops.store import AccountStatus

    store.record_statuses([AccountStatus(BOT, "ok")], observed_at=datetime(2024, 5, 12, tzinfo=UTC))
    with replay("users_by_username.yaml"):
        stats = make(store, clock).collect_users(usernames=["@XDevelopers", "marcha_hoy_4471", "marcha_ya_2024", "not a name!"])
    assert dict(stats.statuses) == {"ok": 1, "suspended": 1, "not_found": 1}
    assert stats.rejected == 1  # "not a name!" is no X username and is never sent
    st = store.account_status()
    gone = st[st["status"] != "ok"].set_index("account_id").sort_index()
    assert gone[["status", "screen_name", "vanished"]].to_dict("index") == {
        BOT: {"status": "suspended", "screen_name": "marcha_hoy_4471", "vanished": True},
        "marcha_ya_2024": {"status": "not_found", "screen_name": "marcha_ya_2024", "vanished": False},
    }


def test_users_are_looked_up_100_at_a_time_and_an_interrupted_lookup_resumes(store, clock):
    ids = [str(3000000000 + i) for i in range(101)]
    with replay("users_batches.yaml") as cass, pytest.raises(CollectError, match="users lookup 2/2: gave up after 2 attempts"):
        make(store, clock, max_retries=1).collect_users(ids=ids)
    assert cass.all_played
    assert store.counts()["accounts"] == 10
    assert store.counts()["account_status"] == 100
    with replay("users_batches_resume.yaml") as cass:
        stats = make(store, clock).collect_users(ids=ids)
        assert cass.all_played  # only the second batch was asked for
    assert (stats.resumed, stats.pages, stats.accounts, stats.complete) == (True, 1, 1, True)
    counts = store.counts()
    assert (counts["accounts"], counts["account_status"], counts["cursors"]) == (11, 101, 0)


# ---------------------------------------------------------------------------- search


def test_search_pages_through_and_stores_canonical_posts(store, clock):
    with replay("search_two_pages.yaml") as cass:
        stats = make(store, clock).collect_search(QUERY, since=SINCE)
        assert cass.all_played
    assert (stats.pages, stats.posts, stats.complete, stats.resumed) == (2, 5, True, False)
    posts = store.posts().set_index("post_id")
    expected = {
        A: ("2244994945", "XDevelopers", None, None, "marcha", "https://example.org/marcha-clima"),
        B: (BOT, "marcha_hoy_4471", A, None, "marcha", "https://example.org/marcha-clima"),
        C: ("783214", "X", None, A, "marcha", None),
        D: (BOT, "marcha_hoy_4471", None, None, "marcha marcha yabasta", None),
        E: ("2244994945", "XDevelopers", None, None, "marcha", None),
    }
    got = {
        pid: (r.author_id, r.author_screen_name, _na(r.repost_of), _na(r.reply_to), r.hashtags, _na(r.urls))
        for pid, r in posts.iterrows()
    }
    assert got == expected
    assert posts.loc[A, "created_at"] == pd.Timestamp("2024-05-14T09:12:33Z")
    assert sorted(store.accounts()["account_id"]) == ["1788990011223344556", "2244994945", "783214"]
    cursor = store.get_cursor(f"search:{QUERY}")
    assert (cursor.next_token, cursor.since_id) == (None, C)  # the newest id of the pass


def test_search_second_pass_asks_only_for_newer_posts(store, clock):
    with replay("search_two_pages.yaml"):
        make(store, clock).collect_search(QUERY, since=SINCE)
    with replay("search_incremental.yaml") as cass:
        stats = make(store, clock).collect_search(QUERY, since=SINCE)
        assert cass.all_played  # the request carried since_id and no start_time
    assert (stats.pages, stats.posts, stats.complete) == (1, 0, True)
    assert store.counts()["posts"] == 5
    assert store.get_cursor(f"search:{QUERY}").since_id == C


def test_two_watches_sharing_a_query_each_see_every_post(store, clock):
    for watch in ("watch:a", "watch:b"):
        with replay("search_two_pages.yaml") as cass:
            stats = make(store, clock).collect_search(QUERY, since=SINCE, source=watch)
            assert cass.all_played
        assert stats.posts == 5
    assert store.counts()["posts"] == 5
    assert len(store.posts(source="watch:b")) == 5
    assert store.get_cursor(f"watch:a|search:{QUERY}").since_id == C


def test_rate_limit_is_waited_out_until_the_reset_time(store, clock, caplog):
    caplog.set_level(logging.INFO, logger="detector.ops.collect")
    with replay("search_rate_limited.yaml") as cass:
        stats = make(store, clock).collect_search(QUERY, since=SINCE)
        assert cass.all_played
    # x-rate-limit-reset 1715678100 is 900 s after NOW; one more second for clock skew.
    assert (stats.rate_limit_waits, stats.waited_seconds) == (1, 901.0)
    assert sum(clock.sleeps) == 901.0
    assert "rate limit on search '#marcha lang:es': waiting 901 s, until about 09:15:01 UTC" in caplog.text
    assert stats.posts == 5


def test_server_errors_are_retried_with_exponential_backoff(store, clock):
    with replay("search_server_errors.yaml") as cass:
        stats = make(store, clock, backoff=2.0).collect_search(QUERY, since=SINCE)
        assert cass.all_played
    assert clock.sleeps == [2.0, 4.0]
    assert (stats.retries, stats.posts, stats.complete) == (2, 5, True)


def test_interrupted_collection_resumes_from_its_cursor_without_duplicates(store, clock):
    with replay("search_interrupted.yaml"), pytest.raises(CollectError, match="gave up after 3 attempts; last failure: HTTP 503"):
        make(store, clock, max_retries=2).collect_search(QUERY, since=SINCE)
    assert store.counts()["posts"] == 3
    assert store.get_cursor(f"search:{QUERY}").next_token == "b26v89c19zqg8o3fosbrw8pzq6eu7p7v7u4nnf9ha0jwd"

    with replay("search_resume.yaml") as cass:
        stats = make(store, clock).collect_search(QUERY, since=SINCE)
        assert cass.all_played  # only the second page was asked for
    assert (stats.resumed, stats.pages, stats.posts, stats.complete) == (True, 1, 2, True)
    counts = store.counts()
    assert (counts["posts"], counts["accounts"], counts["pages"]) == (5, 3, 2)
    assert counts["sightings"] == 5 + 3
    assert store.get_cursor(f"search:{QUERY}").since_id == C


def test_max_pages_stops_and_the_next_call_continues(store, clock):
    with replay("search_two_pages.yaml"):
        first = make(store, clock).collect_search(QUERY, since=SINCE, max_pages=1)
    assert (first.pages, first.complete) == (1, False)
    with replay("search_resume.yaml"):
        second = make(store, clock).collect_search(QUERY, since=SINCE)
    assert (second.resumed, second.complete, store.counts()["posts"]) == (True, True, 5)


def test_exhausted_usage_cap_fails_without_waiting(store, clock):
    with replay("search_usage_capped.yaml"), pytest.raises(CollectError, match="usage cap is exhausted"):
        make(store, clock).collect_search(QUERY, since=SINCE)
    assert clock.sleeps == []


def test_refused_token_fails_clearly_and_never_shows_the_token(store, clock):
    with replay("search_unauthorized.yaml"), pytest.raises(CollectError) as info:
        make(store, clock).collect_search(QUERY, since=SINCE)
    assert "401 Unauthorized" in str(info.value)
    assert TOKEN not in str(info.value)


def test_timeouts_are_retried(store, clock):
    calls = []

    def flaky(**params):
        calls.append(params)
        if len(calls) < 3:
            raise requests.exceptions.ReadTimeout("read timed out")
        return {"meta": {"result_count": 0}}

    collector = make(store, clock, backoff=1.5)
    stats = CollectStats(source="t")
    assert collector._request("search", stats, flaky, query="x") == {"meta": {"result_count": 0}}
    assert (clock.sleeps, stats.retries) == ([1.5, 3.0], 2)


def test_on_a_terminal_the_wait_is_a_progress_bar(store, clock, capsys):
    with replay("search_rate_limited.yaml"):
        Collector(store, bearer_token=TOKEN, sleep=clock.sleep, clock=clock.time, progress=True).collect_search(
            QUERY, since=SINCE
        )
    err = capsys.readouterr().err
    assert "rate limit on search '#marcha lang:es' (until 09:15:01 UTC)" in err
    assert "0/901 " in err  # the bar announces the expected wait in seconds
    assert clock.sleeps == [1.0] * 901


# ---------------------------------------------------------------------------- timelines


def test_timeline_by_username_then_a_suspended_users_timeline(store, clock):
    with replay("timeline.yaml") as cass:
        collector = make(store, clock)
        stats = collector.collect_timeline("@XDevelopers")
        gone = collector.collect_timeline("481186914")
        assert cass.all_played
    assert (stats.pages, stats.posts, stats.complete) == (3, 3, True)  # lookup + 2 timeline pages
    assert sorted(store.posts(source="timeline:2244994945")["post_id"]) == [
        "1789900000000000006", E, A,
    ]
    assert store.get_cursor("timeline:2244994945").since_id == A
    assert (gone.posts, dict(gone.statuses), gone.complete) == (0, {"suspended": 1}, True)
    st = store.account_status().set_index("account_id")
    assert st.loc["481186914", "status"] == "suspended"


# ---------------------------------------------------------------------------- token, files, CLI


def test_the_token_is_never_logged_nor_stored(store, clock, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    with replay("users_lookup.yaml"):
        make(store, clock).collect_users(ids=["2244994945", "783214", "481186914", "11111111111"])
    assert "Bearer ***" in caplog.text  # tweepy's debug line was there, redacted
    assert TOKEN not in caplog.text
    store.close()
    for f in tmp_path.iterdir():
        assert TOKEN.encode() not in f.read_bytes(), f


def test_bearer_token_from_environment_then_dotenv(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="no X API bearer token"):
        load_bearer_token()
    (tmp_path / ".env").write_text("X_BEARER_TOKEN=from-dotenv\n")
    assert load_bearer_token() == "from-dotenv"
    assert "X_BEARER_TOKEN" not in os.environ  # read, not exported
    monkeypatch.setenv("X_BEARER_TOKEN", "from-env")
    assert load_bearer_token() == "from-env"
    monkeypatch.delenv("X_BEARER_TOKEN")
    with pytest.raises(ConfigError, match="no such .env file"):
        load_bearer_token(tmp_path / "missing.env")


def test_exported_pages_read_back_as_the_same_posts(store, clock, tmp_path):
    from detector.posts.read import read_posts

    with replay("search_two_pages.yaml"):
        make(store, clock).collect_search(QUERY, since=SINCE)
    out = tmp_path / "pages.jsonl"
    assert store.export_pages(str(out), source=f"search:{QUERY}") == 2
    again = read_posts(out)
    assert sorted(again.posts["post_id"]) == sorted(store.posts()["post_id"])
    assert again.shape == "v2"


def test_problem_classes_and_since_spans():
    assert classify_problem({"title": "Forbidden", "detail": "User has been suspended: [1]."}) == "suspended"
    assert classify_problem({"title": "Not Found Error", "detail": "Could not find user with ids: [1]."}) == "not_found"
    assert classify_problem({"title": "Authorization Error", "detail": "Sorry, you are not authorized to see the user with id: [1]."}) == "forbidden"
    now = datetime(2024, 5, 14, 9, tzinfo=UTC)
    assert parse_since("24h", now) == datetime(2024, 5, 13, 9, tzinfo=UTC)
    assert parse_since("2024-05-13", now) == datetime(2024, 5, 13, tzinfo=UTC)
    assert parse_since("2024-05-13T10:00+02:00", now) == datetime(2024, 5, 13, 8, tzinfo=UTC)
    with pytest.raises(ConfigError):
        parse_since("last tuesday", now)


def test_cassettes_carry_no_authorization_header():
    cassettes = sorted(FIX.glob("*.yaml"))
    assert len(cassettes) == 13
    for f in cassettes:
        for item in yaml.safe_load(f.read_text())["interactions"]:
            assert "authorization" not in {k.lower() for k in item["request"]["headers"]}, f
        assert "Bearer " not in f.read_text(), f


def test_cli_collect_search_writes_store_and_jsonl(tmp_path, monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    db = tmp_path / "cli.sqlite"
    out = tmp_path / "raw.jsonl"
    with replay("search_two_pages.yaml"):
        result = CliRunner().invoke(
            cli, ["collect", "search", QUERY, "--since", "2024-05-13", "--db", str(db), "--jsonl-out", str(out)]
        )
    assert result.exit_code == 0, result.output
    assert "2 page(s), 3 account(s), 5 post(s)" in result.output
    assert len(out.read_text().splitlines()) == 2
    with open_store(str(db)) as s:
        assert s.counts()["posts"] == 5


def test_cli_collect_without_token_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["collect", "users", "XDevelopers", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2
    assert "no X API bearer token" in result.output


def test_cli_collect_users_reports_vanished_accounts(tmp_path, monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    with replay("users_lookup.yaml"):
        result = CliRunner().invoke(
            cli,
            ["collect", "users", "2244994945", "783214", "481186914", "11111111111", "--db", str(tmp_path / "s.sqlite")],
        )
    assert result.exit_code == 0, result.output
    assert "unavailable accounts: 1 not_found, 1 suspended" in result.output


# ---------------------------------------------------------------------------- SIGKILL


_KILLED_CHILD = """
import os, signal, sys, vcr
from datetime import datetime, timezone
from detector.ops.collect import Collector
from detector.ops.store import open_store

store = open_store(sys.argv[1])
rec = vcr.VCR(cassette_library_dir=sys.argv[2], record_mode="none", filter_headers=["authorization"])
def killed(seconds):
    # The first 503 on page 2 leads here: page 1 is committed, page 2 is not.
    os.kill(os.getpid(), signal.SIGKILL)
with rec.use_cassette("search_server_errors.yaml"):
    Collector(store, bearer_token="t", sleep=killed, progress=False).collect_search(
        "#marcha lang:es", since=datetime(2024, 5, 13, tzinfo=timezone.utc))
"""


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path):
    yield from store_target(request.param, tmp_path)


def test_sigkill_mid_collection_then_resume_loses_and_duplicates_nothing(target, clock):
    proc = subprocess.run([sys.executable, "-c", _KILLED_CHILD, target, str(FIX)], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with open_store(target) as s:
        assert s.counts()["posts"] == 3
        with replay("search_resume.yaml") as cass:
            stats = make(s, clock).collect_search(QUERY, since=SINCE)
            assert cass.all_played
        assert stats.resumed
        counts = s.counts()
        assert (counts["posts"], counts["accounts"], counts["pages"], counts["sightings"]) == (5, 3, 2, 8)


def _na(v):
    return None if pd.isna(v) else v
