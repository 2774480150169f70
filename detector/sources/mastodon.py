"""Mastodon: the API's Status JSON (a timeline is a list of statuses), read from files or
collected with ``Mastodon.py`` from public hashtag timelines and account statuses.

Read, per status: ``uri`` (the post id: it names the server the status was written on, so it is
unique across the fediverse, unlike ``id``, which each server numbers for itself), ``content``
as HTML turned into text (paragraphs and line breaks kept, links the author shared collected;
mention and hashtag links are not shared links), ``tags``, ``language``, ``created_at``,
``in_reply_to_id`` (the replied status's ``uri`` when it is in the same input, else its id on
the server read from), and ``reblog``: a boost is a repost of the boosted status, with its text.

Accounts, from each status's ``account``: the id is ``acct`` with its server (``user@server``),
because account ids too are per server. ``followers_count``, ``following_count``,
``statuses_count``, ``created_at`` (Mastodon gives the day only), ``display_name``, ``note`` (HTML
turned into text), whether the avatar is the server's default, and ``bot``: the owner's own
statement that the account is automated. That flag is evidence of automation, not of deception:
a declared bot is honest about what it is. Mastodon shows no likes count and no lists count;
those stay missing, and so do a display name or note that an export left out (the API writes
both, ``""`` when unset: only that is an empty field).

Public timelines need no token. The collector never logs a token if one is given.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from detector.errors import CollectError, ConfigError, register_secret
from detector.io import Rejects
from detector.sources.base import (
    ABSENT,
    JSONSource,
    Page,
    Pager,
    RateLimited,
    SourceRead,
    Transient,
    hashtags_in,
    html_text,
    iso_time,
    iter_pages,
    joined,
    obj,
    obj_or_none,
    posts_table,
    register,
    stamp,
    urls_in,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 40  # the most a timeline page returns
# Keys as keys (a quoted name, then a colon): text quoting them inside a post is escaped (\").
_STATUS_KEYS = [re.compile(r'"account"\s*:\s*\{'), re.compile(r'"content"\s*:'), re.compile(r'"(reblog|visibility)"\s*:')]


@register
class Mastodon(JSONSource):
    platform = "mastodon"
    title = "Mastodon status JSON (timelines, account statuses)"

    def sniff(self, head: str) -> bool:
        return all(k.search(head) for k in _STATUS_KEYS)

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        statuses: list[tuple[int, dict[str, Any], str | None]] = []
        for n, doc in self.documents(path, rejects):
            observed = doc.get("__collected", {}).get("retrieved_at") if isinstance(doc, dict) else None
            for item in _statuses_of(doc):
                if isinstance(item, dict):
                    statuses.append((n, item, observed))
                else:
                    rejects.add(n, None, "a status must be a JSON object", item)
        rows, users = read_statuses(statuses, rejects)
        return SourceRead(posts_table(rows, self.platform), users, self.platform)


def _statuses_of(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict) and isinstance(doc.get("statuses"), list):  # a page we stored, or search results
        return list(doc["statuses"])
    return [doc]


def read_statuses(statuses: list[tuple[int, dict[str, Any], str | None]], rejects: Rejects) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """Canonical rows and flat account records of ``(record number, status, observed at)``."""
    seen = [s for _, st, _ in statuses for s in (st, st.get("reblog")) if isinstance(s, dict)]
    uri_of = {str(s.get("id")): str(s.get("uri")) for s in seen if s.get("id") is not None and s.get("uri")}
    rows = []
    users: dict[str, tuple[int, dict[str, Any]]] = {}
    for n, status, observed in statuses:
        row = _status(n, status, uri_of, users, rejects, observed)
        if row is not None:
            rows.append(row)
    return rows, list(users.values())


def _status(
    n: int,
    status: dict[str, Any],
    uri_of: dict[str, str],
    users: dict[str, tuple[int, dict[str, Any]]],
    rejects: Rejects,
    observed: str | None,
) -> dict[str, Any] | None:
    account = obj_or_none(status.get("account"))
    reblog = obj_or_none(status.get("reblog"))
    shown = reblog or status
    uri = status.get("uri") or status.get("url")
    when = iso_time(status.get("created_at"))
    author = account_key(account) if account else None
    for name, value in (("uri", uri), ("account.acct", author), ("created_at", when), ("content", shown.get("content"))):
        if value is None:
            rejects.add(n, name, "missing or unreadable", status)
            return None
    text, links = html_text(shown.get("content"))
    spoiler = str(shown.get("spoiler_text") or "").strip()
    if spoiler:
        text = f"{spoiler}\n\n{text}" if text else spoiler
    card = obj(shown.get("card"))
    if card.get("url"):
        links.append(str(card["url"]))
    tags = [str(t.get("name", "")).lower() for t in shown.get("tags") or [] if isinstance(t, dict)]
    reply = status.get("in_reply_to_id")
    assert account is not None
    _remember(n, account, users, observed)
    if reblog is not None and isinstance(reblog.get("account"), dict):
        _remember(n, reblog["account"], users, observed)
    return {
        "post_id": str(uri),
        "author_id": author,
        "author_screen_name": author,
        "text": text,
        "created_at": when,
        "repost_of": str(reblog.get("uri") or reblog.get("url")) if reblog is not None else None,
        "reply_to": uri_of.get(str(reply), str(reply)) if reply is not None else None,
        "urls": joined(links) or joined(urls_in(text)),
        "hashtags": joined(tags) or joined(hashtags_in(text)),
        "lang": shown.get("language"),
        "source_row": n,
    }


def account_key(account: dict[str, Any]) -> str | None:
    """``user@server``: ``acct`` names remote accounts so; a local account gets its server from ``url``."""
    acct = str(account.get("acct") or account.get("username") or "").lstrip("@")
    if not acct:
        return None
    if "@" in acct:
        return acct
    host = urlparse(str(account.get("url") or "")).hostname
    return f"{acct}@{host}" if host else acct


def _remember(n: int, account: dict[str, Any], users: dict[str, tuple[int, dict[str, Any]]], observed: str | None) -> None:
    key = account_key(account)
    if key is None or key in users:
        return
    note, _ = html_text(account.get("note"))
    avatar = str(account.get("avatar") or "")
    flat: dict[str, Any] = {
        "id": key,
        "screen_name": key,
        "name": account.get("display_name"),
        "description": note,
        "followers_count": account.get("followers_count"),
        "friends_count": account.get("following_count"),
        "statuses_count": account.get("statuses_count"),
        "created_at": account.get("created_at"),
        "collected_at": observed,
        "default_profile_image": avatar.endswith("/missing.png") if avatar else None,
        "bot_declared": account.get("bot"),
        "platform": "mastodon",
    }
    # The API's Account always writes both ("" when unset); an export that dropped one does not
    # say the account left it empty.
    absent = tuple(field for api, field in (("display_name", "name"), ("note", "description")) if account.get(api) is None)
    if absent:
        flat[ABSENT] = absent
    users[key] = (n, flat)


# ---------------------------------------------------------------- the collector


class MastodonCollector:
    """Pages of public hashtag timelines and account statuses, through ``Mastodon.py``.

    Parameters
    ----------
    server : str
        The server to ask, e.g. ``https://mastodon.social``. A hashtag timeline shows what that
        server knows of: its own users and the accounts they follow.
    api : mastodon.Mastodon, optional
        A ready client; by default one without a token (public data needs none).
    """

    platform = "mastodon"

    def __init__(self, server: str, *, api: Any = None, pager: Pager | None = None, access_token: str | None = None, timeout: float = 30.0) -> None:
        self.pager = pager or Pager()
        self.server = server.rstrip("/")
        if not self.server.startswith(("https://", "http://")):
            self.server = "https://" + self.server
        register_secret(access_token)
        if api is None:
            from mastodon import Mastodon as Client

            api = Client(
                api_base_url=self.server,
                access_token=access_token,
                ratelimit_method="throw",
                request_timeout=timeout,
                version_check_mode="none",
            )
        self.api = api

    def _call(self, what: str, fn: Any) -> Any:
        def call() -> Any:
            from mastodon import errors as mx

            try:
                got = fn()
            except mx.MastodonRatelimitError as exc:
                # Mastodon.py has turned X-RateLimit-Reset into local clock time already,
                # corrected by the server's Date header: the wait is measured on that clock.
                reset = getattr(self.api, "ratelimit_reset", None)
                wait = max(float(reset) - time.time(), 0.0) + 1.0 if reset else None
                raise RateLimited(wait, "HTTP 429") from exc
            except (mx.MastodonServerError, mx.MastodonNetworkError) as exc:
                raise Transient(type(exc).__name__) from exc
            except mx.MastodonNotFoundError as exc:
                raise CollectError(f"{what}: not found on {self.server}") from exc
            except mx.MastodonAPIError as exc:
                raise CollectError(f"{what}: {exc}") from exc
            return _plain(got)

        return self.pager.call(what, call)

    def pages(self, what: str, target: str, *, next_token: str | None = None, since: str | None = None, max_pages: int | None = None) -> Iterator[Page]:
        """Pages of one collection: ``hashtag`` (a public tag timeline) or ``account`` (an
        account's public statuses)."""
        if what == "hashtag":
            return self.hashtag(target, max_id=next_token, since_id=since, max_pages=max_pages)
        if what == "account":
            return self.account(target, max_id=next_token, since_id=since, max_pages=max_pages)
        raise ConfigError(f"Mastodon collects public hashtag or account timelines, not '{what}'")

    def hashtag(self, tag: str, *, max_id: str | None = None, since_id: str | None = None, max_pages: int | None = None) -> Iterator[Page]:
        """Pages of ``/api/v1/timelines/tag/:hashtag``, newest first, back from ``max_id``."""
        tag = tag.lstrip("#")
        yield from self._pages(f"tag:{tag}", lambda **kw: self.api.timeline_hashtag(tag, **kw), max_id, since_id, max_pages)

    def account(self, acct: str, *, max_id: str | None = None, since_id: str | None = None, max_pages: int | None = None) -> Iterator[Page]:
        """Pages of an account's public statuses (looked up by ``user`` or ``user@server``)."""
        acct = acct.lstrip("@")

        found = self._call(f"lookup @{acct}", lambda: self.api.account_lookup(acct))
        yield from self._pages(f"account:{acct}", lambda **kw: self.api.account_statuses(found["id"], **kw), max_id, since_id, max_pages)

    def _pages(self, key: str, fetch: Any, max_id: str | None, since_id: str | None, max_pages: int | None) -> Iterator[Page]:
        def page(cursor: str | None) -> Page:
            statuses = self._call(key, lambda: fetch(limit=PAGE_SIZE, max_id=cursor, since_id=since_id))
            fetched = stamp(datetime.now(UTC))
            raw = {"statuses": statuses, "__collected": {"retrieved_at": fetched, "server": self.server}}
            rejects = Rejects(key)
            rows, users = read_statuses([(1, s, fetched) for s in statuses], rejects)
            if len(rejects):
                log.warning("%s: %d status(es) of the page rejected", key, len(rejects))
            ids = [int(s["id"]) for s in statuses if str(s.get("id", "")).isdigit()]
            return Page(
                key=f"{key}|{cursor or ''}",
                raw=raw,
                posts=posts_table(rows, self.platform),
                users=users,
                cursor=str(min(ids)) if ids else None,  # the next page: older than the oldest seen
                newest=str(max(ids)) if ids else None,
            )

        yield from iter_pages(page, max_id, max_pages)


def _plain(obj: Any) -> Any:
    """Mastodon.py's attribute dicts and datetimes back to the API's JSON shape."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, datetime):
        return stamp(obj)
    return obj
