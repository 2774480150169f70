"""Collecting accounts and posts from the X API v2 with tweepy, into the history store.

This module owns the conversation with the API: users lookup (100 a request), user timelines and
recent search; pagination; waiting out rate limits with the expected wait shown; retrying server
errors and timeouts with exponential backoff; and resuming an interrupted collection from the
cursor saved in the store. Each page is stored (raw response, canonical posts and accounts,
account statuses, the cursor) in one transaction, so a process killed at any moment resumes from
the last stored page and the upserts make a page fetched twice harmless.

Accounts the API reports as suspended, unknown or forbidden come back inside HTTP 200 responses
(``errors`` with ``resource_type: user``); they are recorded as account statuses, because an
account that vanished is itself a signal.

It never scores, never decides what to collect (see :mod:`detector.ops.watch`) and never logs,
prints or stores the bearer token, nor any other platform's password.

Other platforms (Bluesky, Mastodon) are collected by their modules in :mod:`detector.sources`;
:func:`collect_platform` stores their pages here with the same guarantees: each page with the
cursor that follows it in one transaction, keys that include the platform.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import requests
import tweepy
from requests.adapters import HTTPAdapter

from detector import __version__
from detector.dates import read_instant
from detector.errors import (
    CollectError,
    ConfigError,
    DetectorError,
    InputError,
    NothingScoredError,
    register_secret,
)
from detector.io import Rejects
from detector.ops.store import AccountStatus, Cursor, Store, utcnow

log = logging.getLogger(__name__)

TOKEN_ENV = "X_BEARER_TOKEN"
USERS_PER_LOOKUP = 100
TWEETS_PER_PAGE = 100
USER_FIELDS = [
    "created_at",
    "description",
    "location",
    "profile_image_url",
    "protected",
    "public_metrics",
    "url",
    "verified",
]
TWEET_FIELDS = [
    "author_id",
    "conversation_id",
    "created_at",
    "entities",
    "in_reply_to_user_id",
    "lang",
    "public_metrics",
    "referenced_tweets",
]
EXPANSIONS = ["author_id", "referenced_tweets.id"]

_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_USER_ID = re.compile(r"^[0-9]{1,20}$")


# ---------------------------------------------------------------------------- the token


def load_bearer_token(env_file: str | os.PathLike[str] | None = None) -> str:
    """Return the X API bearer token from ``$X_BEARER_TOKEN`` or a ``.env`` file.

    The environment wins. Otherwise ``env_file`` (default: ``.env`` in the working folder) is read
    without changing the environment. The token is never logged.

    Raises
    ------
    ConfigError
        No token was found, or ``env_file`` was named and does not exist.
    """
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    from dotenv import dotenv_values

    path = Path(env_file) if env_file is not None else Path.cwd() / ".env"
    if env_file is not None and not path.is_file():
        raise ConfigError(f"{path}: no such .env file")
    if path.is_file():
        token = (dotenv_values(path).get(TOKEN_ENV) or "").strip()
        if token:
            return token
    raise ConfigError(
        f"no X API bearer token: set {TOKEN_ENV} in the environment or in a .env file "
        f"({path} has none)"
    )


class _RedactToken(logging.Filter):
    """Remove the bearer token from records of tweepy's logger (its debug log prints headers)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "***")
            record.args = ()
        return True


class _TimeoutAdapter(HTTPAdapter):
    """An adapter that gives every request a timeout: tweepy sets none, and a hung socket would
    stall a cron run for ever."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def make_client(token: str, timeout: float = 30.0) -> tweepy.Client:
    """A tweepy v2 client that returns raw JSON, never sleeps on its own, and times out."""
    register_secret(token)  # redacted from every message, log line and stored detail from now on
    client = tweepy.Client(bearer_token=token, wait_on_rate_limit=False, return_type=dict)
    adapter = _TimeoutAdapter(timeout)
    client.session.mount("https://", adapter)
    client.session.mount("http://", adapter)
    tweepy_log = logging.getLogger("tweepy.client")
    if not any(isinstance(f, _RedactToken) and f._token == token for f in tweepy_log.filters):
        tweepy_log.addFilter(_RedactToken(token))
    return client


# ---------------------------------------------------------------------------- results


@dataclass
class CollectStats:
    """What one collection did."""

    source: str
    pages: int = 0
    post_ids: set[str] = field(default_factory=set)
    account_ids: set[str] = field(default_factory=set)
    statuses: Counter[str] = field(default_factory=Counter)
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    retries: int = 0
    rejected: int = 0
    resumed: bool = False
    complete: bool = False

    @property
    def posts(self) -> int:
        """Distinct posts stored."""
        return len(self.post_ids)

    @property
    def accounts(self) -> int:
        """Distinct accounts stored."""
        return len(self.account_ids)

    def summary(self) -> str:
        gone = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()) if s != "ok")
        parts = [
            f"{self.source}: {self.pages} page(s), {self.accounts} account(s), {self.posts} post(s)",
            f"unavailable accounts: {gone}" if gone else "",
            f"{self.rate_limit_waits} rate-limit wait(s) ({self.waited_seconds:.0f} s)" if self.rate_limit_waits else "",
            f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}" if self.retries else "",
            f"{self.rejected} record(s) rejected" if self.rejected else "",
            "resumed" if self.resumed else "",
            "complete" if self.complete else "stopped at --max-pages (run again to continue)",
        ]
        return "; ".join(p for p in parts if p)


def classify_problem(problem: dict[str, Any]) -> str:
    """Turn one v2 ``errors`` item about a user into a status: suspended, not_found, forbidden…"""
    detail = str(problem.get("detail", "")).lower()
    title = str(problem.get("title", "")).lower()
    if "suspended" in detail:
        return "suspended"
    if "not found" in title or "could not find" in detail:
        return "not_found"
    if "protected" in detail:
        return "protected"
    if "forbidden" in title or "authoriz" in title or "not authorized" in detail:
        return "forbidden"
    return "error"


def user_statuses(problems: Iterable[dict[str, Any]]) -> list[AccountStatus]:
    """The account statuses carried by a response's partial errors (``resource_type: user``)."""
    out = []
    for p in problems:
        if p.get("resource_type") != "user":
            continue
        value = str(p.get("resource_id") or p.get("value") or "")
        if not value:
            continue
        by_name = str(p.get("parameter", "")) in ("usernames", "username") or not _USER_ID.match(value)
        out.append(
            AccountStatus(
                account_id=value,
                status=classify_problem(p),
                screen_name=value if by_name else None,
                detail=p.get("detail"),
            )
        )
    return out


def parse_since(value: str | datetime | None, now: datetime | None = None, option: str | None = None) -> datetime | None:
    """``2024-05-01``, ``2024-05-01T12:00Z``, or a span back from now: ``90m``, ``24h``, ``6d``.

    A time is read as ``--as-of`` is (:func:`detector.dates.read_instant`): a time without a zone is
    UTC, a dotted date (``10.05.2024``) is day-first, and a date that reads both ways
    (``10/05/2024``) is refused, not guessed month-first.

    Raises
    ------
    ConfigError
        The value is neither one time nor a span, or reads as two days; the message names ``option``.
    """
    if value is None:
        return None
    if isinstance(value, str):
        m = re.fullmatch(r"(\d+)\s*([mhd])", value.strip())
        if m:
            unit = {"m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
            return (now or utcnow()) - timedelta(**{unit: int(m.group(1))})
        try:
            when: datetime = read_instant(value).to_pydatetime()
        except InputError as exc:
            said = f"{exc.message}; or give a span back from now (24h, 6d)"
            raise ConfigError(f"{option}: {said}" if option else said) from exc
    else:
        when = value
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _key_hash(values: Sequence[str]) -> str:
    return hashlib.sha1("\n".join(sorted(values)).encode()).hexdigest()[:16]


def _problems_text(exc: tweepy.HTTPException) -> str:
    msgs = list(exc.api_messages) or [str(e) for e in exc.api_errors]
    return "; ".join(msgs) or (exc.response.reason if exc.response is not None else "") or "no detail"


# ---------------------------------------------------------------------------- the collector


class Collector:
    """Collects from the X API v2 into a :class:`~detector.ops.store.Store`.

    Parameters
    ----------
    store : Store
        Where pages, posts, accounts, statuses and cursors go.
    bearer_token : str, optional
        The token; by default read by :func:`load_bearer_token`.
    client : tweepy.Client, optional
        A ready client (it must return ``dict``); by default :func:`make_client`.
    env_file : path, optional
        A ``.env`` file holding ``X_BEARER_TOKEN``.
    max_retries : int
        Attempts after a 5xx, a timeout or a dropped connection before giving up.
    backoff : float
        First retry delay in seconds; doubled each time up to ``max_backoff``.
    max_rate_waits : int
        Consecutive rate-limit waits on one request before giving up.
    timeout : float
        Seconds before an HTTP request times out.
    sleep, clock : callables
        ``time.sleep`` and ``time.time`` unless replaced (tests replace them to skip real waits).
    progress : bool, optional
        Show a progress bar during waits; by default only when stderr is a terminal.
    """

    def __init__(
        self,
        store: Store,
        *,
        bearer_token: str | None = None,
        client: tweepy.Client | None = None,
        env_file: str | os.PathLike[str] | None = None,
        max_retries: int = 5,
        backoff: float = 2.0,
        max_backoff: float = 300.0,
        max_rate_waits: int = 20,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        progress: bool | None = None,
    ) -> None:
        self.store = store
        if client is None:
            client = make_client(bearer_token or load_bearer_token(env_file), timeout)
        self.client = client
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_rate_waits = max_rate_waits
        self._sleep = sleep
        self._clock = clock
        self.progress = sys.stderr.isatty() if progress is None else progress

    # -- requests -----------------------------------------------------------------------------

    def _request(self, what: str, stats: CollectStats, fn: Callable[..., Any], **params: Any) -> dict[str, Any]:
        """Call one endpoint; wait out rate limits, retry transient failures, raise the rest."""
        failures = 0
        rate_waits = 0
        while True:
            try:
                response = fn(**{k: v for k, v in params.items() if v is not None})
                if not isinstance(response, dict):
                    raise CollectError(f"{what}: the client must return dict responses")
                return response
            except tweepy.TooManyRequests as exc:
                problem = _problem_body(exc)
                if "usage-capped" in str(problem.get("type", "")) or "UsageCap" in str(problem.get("title", "")):
                    raise CollectError(
                        f"{what}: the app's usage cap is exhausted ({problem.get('detail') or 'usage capped'}); "
                        "waiting will not help until the cap resets"
                    ) from exc
                rate_waits += 1
                if rate_waits > self.max_rate_waits:
                    raise CollectError(f"{what}: still rate limited after {self.max_rate_waits} waits") from exc
                reset = exc.reset_time
                wait = max(reset - self._clock(), 0) + 1 if reset else 60.0
                stats.rate_limit_waits += 1
                stats.waited_seconds += wait
                self._wait(wait, f"rate limit on {what}")
            except tweepy.TwitterServerError as exc:
                failures += 1
                stats.retries += 1
                self._back_off(what, failures, f"HTTP {exc.response.status_code}: {_problems_text(exc)}")
            except (requests.Timeout, requests.ConnectionError) as exc:
                failures += 1
                stats.retries += 1
                self._back_off(what, failures, f"{type(exc).__name__}")
            except tweepy.Unauthorized as exc:
                raise CollectError(
                    f"{what}: the X API refused the bearer token (401 Unauthorized); check {TOKEN_ENV}"
                ) from exc
            except tweepy.HTTPException as exc:
                status = exc.response.status_code if exc.response is not None else "?"
                raise CollectError(f"{what}: HTTP {status}: {_problems_text(exc)}") from exc
            except ValueError as exc:  # a 2xx whose body is not JSON (a proxy's error page)
                failures += 1
                stats.retries += 1
                self._back_off(what, failures, f"unreadable response: {exc}")
            except requests.RequestException as exc:
                raise CollectError(f"{what}: {type(exc).__name__}: {exc}") from exc

    def _back_off(self, what: str, failures: int, reason: str) -> None:
        if failures > self.max_retries:
            raise CollectError(f"{what}: gave up after {failures} attempts; last failure: {reason}")
        delay = min(self.backoff * 2 ** (failures - 1), self.max_backoff)
        log.warning("%s: %s; retry %d of %d in %.0f s", what, reason, failures, self.max_retries, delay)
        self._sleep(delay)

    def _wait(self, seconds: float, why: str) -> None:
        until = datetime.fromtimestamp(self._clock() + seconds, UTC).strftime("%H:%M:%S UTC")
        log.warning("%s: waiting %.0f s, until about %s", why, seconds, until)
        if self.progress:
            from tqdm import tqdm

            with tqdm(total=int(round(seconds)), desc=f"{why} (until {until})", unit="s", file=sys.stderr, leave=False, mininterval=1.0) as bar:
                left = seconds
                while left > 0:
                    step = min(1.0, left)
                    self._sleep(step)
                    left -= step
                    bar.update(step)
            return
        left = seconds
        while left > 0:
            step = min(60.0, left)
            self._sleep(step)
            left -= step
            if left > 0:
                log.info("%s: %.0f s left", why, left)

    # -- users --------------------------------------------------------------------------------

    def collect_users(
        self,
        *,
        ids: Sequence[str] | None = None,
        usernames: Sequence[str] | None = None,
        source: str | None = None,
    ) -> CollectStats:
        """Look up accounts by id or by username, 100 per request.

        Found accounts are stored with status ``ok``; suspended, unknown and forbidden ones are
        stored as statuses. An interrupted lookup resumes at the first batch not yet stored.
        ``source`` (e.g. a watch's name) labels what was seen; by default the lookup's own key.
        """
        if (ids is None) == (usernames is None):
            raise ConfigError("give either ids or usernames to look up")
        by = "ids" if ids is not None else "usernames"
        wanted, bad = _clean_targets(ids if ids is not None else usernames or [], by)
        key = f"users:{by}:{_key_hash(wanted)}"
        stats = CollectStats(source=source or key, rejected=len(bad))
        for value in bad:
            log.warning("not a valid X %s, skipped: %r", "user id" if by == "ids" else "username", value)
        if not wanted:
            stats.complete = True
            return stats
        cursor = self.store.get_cursor(key)
        start = int(cursor.state.get("next_batch", 0)) if cursor else 0
        stats.resumed = start > 0
        if stats.resumed:
            log.info("%s: resuming at batch %d", key, start + 1)
        batches = [wanted[i : i + USERS_PER_LOOKUP] for i in range(0, len(wanted), USERS_PER_LOOKUP)]
        for i in range(start, len(batches)):
            batch = batches[i]
            fetched = utcnow()
            page = self._request(
                f"users lookup {i + 1}/{len(batches)}", stats, self.client.get_users,
                user_fields=USER_FIELDS, **{by: batch},
            )
            with self.store.transaction():
                self._store_users_page(page, stats, f"{key}:batch{i:05d}", fetched)
                done = i + 1 == len(batches)
                if done:
                    self.store.delete_cursor(key)
                else:
                    self.store.save_cursor(Cursor(key, state={"next_batch": i + 1, "batches": len(batches)}))
            log.info("users lookup %d/%d stored", i + 1, len(batches))
        stats.complete = True
        return stats

    def _store_users_page(self, page: dict[str, Any], stats: CollectStats, page_key: str, fetched: datetime) -> list[str]:
        page = _annotate(page, fetched)
        users = [u for u in page.get("data") or [] if isinstance(u, dict)]
        self.store.save_page(stats.source, page_key, page, fetched)
        found = self._store_accounts(users, stats, fetched)
        statuses = [AccountStatus(uid, "ok", screen_name=name) for uid, name in found]
        statuses += user_statuses(page.get("errors") or [])
        self.store.record_statuses(statuses, fetched)
        stats.statuses.update(s.status for s in statuses)
        stats.pages += 1
        return [uid for uid, _ in found]

    def _store_accounts(self, users: list[dict[str, Any]], stats: CollectStats, fetched: datetime) -> list[tuple[str, str | None]]:
        if not users:
            return []
        from detector.accounts.read import accounts_from_records

        rejects = Rejects(stats.source)
        stamp = _stamp(fetched)
        accounts = accounts_from_records(
            [(n, {**u, "collected_at": stamp}) for n, u in enumerate(users, start=1)],
            stats.source,
            as_of=pd.Timestamp(fetched),
            rejects=rejects,
        )
        raw = {str(u.get("id")): u for u in users}
        accounts["raw"] = pd.Series([raw.get(str(a)) for a in accounts["account_id"]], index=accounts.index, dtype=object)
        stats.rejected += len(rejects)
        self.store.upsert_accounts(accounts, source=stats.source, seen_at=fetched)
        stats.account_ids.update(accounts["account_id"].astype(str))
        return list(zip(accounts["account_id"].astype(str), accounts["screen_name"].astype(object), strict=True))

    # -- posts --------------------------------------------------------------------------------

    def collect_timeline(self, user: str, *, max_pages: int | None = None, source: str | None = None) -> CollectStats:
        """Collect a user's recent posts (the API serves at most the latest 3,200).

        ``user`` is an id or a username (resolved first). The first pass pages back as far as the
        API goes; later passes ask only for posts newer than the newest one already stored.
        ``source`` labels what was seen and keeps a cursor of its own (default ``timeline:<id>``).
        """
        user = user.lstrip("@").strip()
        stats = CollectStats(source=source or f"timeline:{user}")
        if not _USER_ID.match(user):
            resolved = self._resolve_username(user, stats)
            if resolved is None:
                stats.complete = True
                return stats
            user = resolved
        key = f"timeline:{user}" if source is None else f"{source}|timeline:{user}"
        stats.source = source or key

        def fetch(token: str | None, params: dict[str, Any], st: CollectStats) -> dict[str, Any]:
            return self._request(
                f"timeline of {user}", st, self.client.get_users_tweets, id=user,
                max_results=TWEETS_PER_PAGE, pagination_token=token, since_id=params.get("since_id"),
                tweet_fields=TWEET_FIELDS, expansions=EXPANSIONS, user_fields=USER_FIELDS,
            )

        return self._paginate(key, stats, fetch, {}, max_pages)

    def collect_search(
        self,
        query: str,
        *,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        max_pages: int | None = None,
        source: str | None = None,
    ) -> CollectStats:
        """Collect posts matching ``query`` from the recent-search endpoint (the last 7 days).

        ``since`` bounds the first pass; later passes ask only for posts newer than the newest
        one already stored. ``source`` (e.g. a watch's name) labels what was seen and keeps a
        cursor of its own (default ``search:<query>``). ``max_pages`` stops early; the next call
        continues from there.
        """
        if not query.strip():
            raise ConfigError("the search query is empty")
        # One cursor per (source, query): two watches sharing a query each see every post.
        key = f"search:{query}" if source is None else f"{source}|search:{query}"
        stats = CollectStats(source=source or key)
        start = parse_since(since, option="--since")
        end = parse_since(until, option="--until")

        def fetch(token: str | None, params: dict[str, Any], st: CollectStats) -> dict[str, Any]:
            return self._request(
                f"search {query!r}", st, self.client.search_recent_tweets, query=query,
                max_results=TWEETS_PER_PAGE, next_token=token, since_id=params.get("since_id"),
                start_time=_from_iso(params.get("start_time")), end_time=_from_iso(params.get("end_time")),
                tweet_fields=TWEET_FIELDS, expansions=EXPANSIONS, user_fields=USER_FIELDS,
            )

        first = {
            "start_time": start.isoformat() if start else None,
            "end_time": end.isoformat() if end else None,
        }
        return self._paginate(key, stats, fetch, first, max_pages)

    def _paginate(
        self,
        key: str,
        stats: CollectStats,
        fetch: Callable[[str | None, dict[str, Any], CollectStats], dict[str, Any]],
        first_params: dict[str, Any],
        max_pages: int | None,
    ) -> CollectStats:
        """Page through one collection, storing each page with the cursor that follows it.

        A pass's request parameters are kept in the cursor so that a resumed pass asks for the
        rest of the same result set; the newest id seen becomes the next pass's ``since_id``.
        """
        cursor = self.store.get_cursor(key) or Cursor(key)
        if cursor.next_token:
            params = dict(cursor.state.get("params") or {})
            newest = cursor.state.get("newest")
            token: str | None = cursor.next_token
            stats.resumed = True
            log.info("%s: resuming from its saved page token", key)
        else:
            params = {k: v for k, v in first_params.items() if v is not None}
            if cursor.since_id:
                # since_id supersedes start_time: only what is newer than the last pass.
                params = {"since_id": cursor.since_id, **{k: v for k, v in params.items() if k == "end_time"}}
            newest = None
            token = None
        page_no = int(cursor.state.get("page", 0)) if cursor.next_token else 0
        while True:
            if max_pages is not None and stats.pages >= max_pages:
                return stats
            fetched = utcnow()
            page = fetch(token, params, stats)
            meta = page.get("meta") or {}
            newest = _max_id(newest, meta.get("newest_id"))
            next_token = meta.get("next_token")
            page_key = f"{params.get('since_id') or params.get('start_time') or ''}|{page_no:06d}"
            with self.store.transaction():
                self._store_posts_page(page, stats, page_key, fetched)
                if next_token:
                    state = {"params": params, "newest": newest, "page": page_no + 1}
                    self.store.save_cursor(Cursor(key, next_token, cursor.since_id, state))
                else:
                    self.store.save_cursor(Cursor(key, None, newest or cursor.since_id, {}))
            log.info("%s: page %d stored (%d posts)", key, page_no + 1, meta.get("result_count", 0))
            page_no += 1
            if not next_token or _user_gone(page):
                stats.complete = True
                return stats
            token = next_token

    def _store_posts_page(self, page: dict[str, Any], stats: CollectStats, page_key: str, fetched: datetime) -> None:
        page = _annotate(page, fetched)
        self.store.save_page(stats.source, page_key, page, fetched)
        stats.pages += 1
        statuses = user_statuses(page.get("errors") or [])
        tweets = [t for t in page.get("data") or [] if isinstance(t, dict)]
        if tweets:
            posts, authors, rejected = _posts_of_page(page, stats.source, page_key)
            stats.rejected += rejected
            raw = {str(t.get("id")): t for t in tweets}
            posts["raw"] = pd.Series([raw.get(str(p)) for p in posts["post_id"]], index=posts.index, dtype=object)
            self.store.upsert_posts(posts, source=stats.source, seen_at=fetched)
            stats.post_ids.update(posts["post_id"].astype(str))
            inc = page.get("includes") or {}
            users = [u for u in inc.get("users") or [] if isinstance(u, dict) and str(u.get("id")) in authors]
            found = self._store_accounts(users, stats, fetched)
            statuses += [AccountStatus(uid, "ok", screen_name=name) for uid, name in found]
        self.store.record_statuses(statuses, fetched)
        stats.statuses.update(s.status for s in statuses)

    def _resolve_username(self, username: str, stats: CollectStats) -> str | None:
        page = self._request(f"users lookup @{username}", stats, self.client.get_users, usernames=[username], user_fields=USER_FIELDS)
        with self.store.transaction():
            found = self._store_users_page(page, stats, f"resolve:{username}", utcnow())
        if not found:
            log.warning("@%s cannot be collected: %s", username, ", ".join(stats.statuses) or "not found")
            return None
        return found[0]


# ---------------------------------------------------------------------------- helpers


def _clean_targets(values: Iterable[str], by: str) -> tuple[list[str], list[str]]:
    good: dict[str, None] = {}
    bad = []
    for v in values:
        text = str(v).strip()
        if by == "usernames":
            text = text.lstrip("@")
        ok = _USER_ID.match(text) if by == "ids" else _USERNAME.match(text)
        if ok:
            good.setdefault(text, None)
        elif text:
            bad.append(str(v))
    return list(good), bad


def _problem_body(exc: tweepy.HTTPException) -> dict[str, Any]:
    try:
        body = exc.response.json()
    except (ValueError, AttributeError):
        return {}
    return body if isinstance(body, dict) else {}


def _annotate(page: dict[str, Any], fetched: datetime) -> dict[str, Any]:
    """The response with its retrieval time under ``__twarc``, the key twarc and our readers use."""
    return {**page, "__twarc": {"retrieved_at": _stamp(fetched), "version": f"detector {__version__}"}}


def _stamp(when: datetime) -> str:
    """A time in the API's own form (``2024-05-14T09:12:33.000Z``), whole seconds."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _max_id(a: str | None, b: str | None) -> str | None:
    if not b:
        return a
    if not a:
        return str(b)
    return str(max(int(a), int(b)))


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _user_gone(page: dict[str, Any]) -> bool:
    """A timeline whose owner is suspended or unknown answers with errors and no data."""
    return not page.get("data") and any(p.get("resource_type") == "user" for p in page.get("errors") or [])


def _posts_of_page(page: dict[str, Any], source: str, page_key: str) -> tuple[pd.DataFrame, set[str], int]:
    """Canonical posts of one v2 page, the ids of their authors, and how many tweets were rejected.

    The conversion is :func:`detector.posts.read.read_posts`, the same reader that reads exported
    pages offline, so collected and re-read posts are identical.
    """
    from detector.posts.read import read_posts

    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{source}.{page_key}")[:120]
    with tempfile.TemporaryDirectory(prefix="detector-page-") as tmp:
        path = Path(tmp) / f"{safe}.json"
        path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
        try:
            got = read_posts(path, "json")
        except NothingScoredError:
            log.warning("%s %s: no usable post in the page", source, page_key)
            return pd.DataFrame(columns=["post_id"]), set(), len(page.get("data") or [])
        except DetectorError as exc:
            raise CollectError(f"{source} {page_key}: {exc}") from exc
    posts = got.posts.drop(columns=["source_row"])
    return posts, set(posts["author_id"].dropna().astype(str)), len(got.rejects)


# ---------------------------------------------------------------------------- other platforms


def collect_platform(
    store: Store,
    collector: Any,
    what: str,
    target: str,
    *,
    source: str | None = None,
    max_pages: int | None = None,
) -> CollectStats:
    """Collect one listing of another platform (a collector of :mod:`detector.sources`) into the store.

    ``what`` and ``target`` name the listing (Bluesky: ``search`` a query, ``feed`` an account,
    ``profiles``; Mastodon: ``hashtag``, ``account``). Each page is stored (raw response, posts,
    author profiles with status ``ok``, the cursor) in one transaction. An interrupted collection
    resumes from its saved cursor; a finished one keeps the newest item seen, and the next pass
    asks only for newer ones. ``source`` (e.g. a watch's name) labels what was seen.
    """
    from detector.accounts.read import accounts_from_records

    platform = str(collector.platform)
    listing = f"{platform}:{what}:{target}"
    key = listing if source is None else f"{source}|{listing}"
    stats = CollectStats(source=source or listing)
    cursor = store.get_cursor(key) or Cursor(key)
    stats.resumed = cursor.next_token is not None
    if stats.resumed:
        log.info("%s: resuming from its saved cursor", key)
    newest = cursor.state.get("newest") if stats.resumed else None
    pages = collector.pages(what, target, next_token=cursor.next_token, since=cursor.since_id, max_pages=max_pages)
    for page in pages:
        fetched = utcnow()
        newest = _newer(newest, page.newest)
        with store.transaction():
            store.save_page(stats.source, f"{listing}|{page.key}", page.raw, fetched)
            posts = page.posts.drop(columns=["source_row"])
            if len(posts):
                store.upsert_posts(posts, source=stats.source, seen_at=fetched)
                stats.post_ids.update(platform + ":" + posts["post_id"].astype(str))
            if page.users:
                rejects = Rejects(stats.source)
                users = [(i, {**u, "collected_at": u.get("collected_at") or _stamp(fetched)}) for i, (_, u) in enumerate(page.users, start=1)]
                accounts = accounts_from_records(users, stats.source, as_of=pd.Timestamp(fetched), rejects=rejects)
                stats.rejected += len(rejects)
                store.upsert_accounts(accounts.drop(columns=["source_row"]), source=stats.source, seen_at=fetched)
                ids = accounts["account_id"].astype(str).tolist()
                stats.account_ids.update(platform + ":" + a for a in ids)
                statuses = [AccountStatus(a, "ok", screen_name=n, platform=platform) for a, n in zip(ids, accounts["screen_name"].astype(object), strict=True)]
                store.record_statuses(statuses, fetched)
                stats.statuses.update(s.status for s in statuses)
            if page.cursor:
                store.save_cursor(Cursor(key, page.cursor, cursor.since_id, {"newest": newest}))
            else:
                store.save_cursor(Cursor(key, None, newest or cursor.since_id, {}))
        stats.pages += 1
        log.info("%s: page %d stored (%d posts, %d profiles)", key, stats.pages, len(posts), len(page.users))
        if not page.cursor:
            stats.complete = True
    pager = getattr(collector, "pager", None)
    if pager is not None:
        stats.rate_limit_waits = pager.stats.rate_limit_waits
        stats.waited_seconds = pager.stats.waited_seconds
        stats.retries = pager.stats.retries
    return stats


def _newer(a: str | None, b: str | None) -> str | None:
    """The newer of two cursors' newest items: numeric ids compare as numbers, times as text."""
    if not b:
        return a
    if not a:
        return b
    if a.isdigit() and b.isdigit():
        return a if int(a) >= int(b) else b
    return max(a, b)


def platform_collector(platform: str, *, server: str | None = None, env_file: str | os.PathLike[str] | None = None) -> Any:
    """The collector of ``bluesky`` (app password from the environment or ``.env``) or
    ``mastodon`` (``server``, public data, no token)."""
    if platform == "bluesky":
        from detector.sources.bluesky import BlueskyCollector

        return BlueskyCollector(env_file=env_file)
    if platform == "mastodon":
        from detector.sources.mastodon import MastodonCollector

        return MastodonCollector(server or "https://mastodon.social")
    raise ConfigError(f"no collector for '{platform}' (collectable: x, bluesky, mastodon)")


class PlatformCollector:
    """Another platform behind the X collector's methods, for ``detector collect --platform``.

    ``collect_search`` is a Bluesky search, or a Mastodon hashtag timeline (its public API
    searches nothing else); ``collect_timeline`` an account's posts; ``collect_users`` Bluesky
    profiles. Times (``since``, ``until``) are X's recent-search bounds and are not used here:
    the first pass takes what the platform serves, later passes only what is newer.
    """

    def __init__(self, store: Store, platform: str, *, server: str | None = None, env_file: str | os.PathLike[str] | None = None, collector: Any = None) -> None:
        self.store = store
        self.platform = platform
        self.collector = collector if collector is not None else platform_collector(platform, server=server, env_file=env_file)

    def collect_search(self, query: str, *, since: Any = None, until: Any = None, max_pages: int | None = None, source: str | None = None) -> CollectStats:
        if since is not None or until is not None:
            log.warning("--since/--until bound X's recent search only; %s takes what it serves", self.platform)
        if self.platform == "mastodon":
            tag = query.strip()
            if not re.fullmatch(r"#?\w+", tag):
                raise ConfigError(f"Mastodon's public API follows hashtags, not searches: give one '#tag', not {query!r}")
            return collect_platform(self.store, self.collector, "hashtag", tag.lstrip("#"), source=source, max_pages=max_pages)
        return collect_platform(self.store, self.collector, "search", query, source=source, max_pages=max_pages)

    def collect_timeline(self, user: str, *, max_pages: int | None = None, source: str | None = None) -> CollectStats:
        what = "feed" if self.platform == "bluesky" else "account"
        return collect_platform(self.store, self.collector, what, user.lstrip("@"), source=source, max_pages=max_pages)

    def collect_users(self, *, ids: Sequence[str] | None = None, usernames: Sequence[str] | None = None, source: str | None = None) -> CollectStats:
        if self.platform != "bluesky":
            raise ConfigError(f"{self.platform} profiles come with the posts collected (collect search or timeline)")
        actors = [str(a).lstrip("@") for a in (ids or usernames or [])]
        return collect_platform(self.store, self.collector, "profiles", ",".join(actors), source=source)
