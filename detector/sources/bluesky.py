"""Bluesky (AT Protocol): the JSON of ``app.bsky.feed.searchPosts``, ``getAuthorFeed`` and
``app.bsky.actor.getProfiles``, read from files or collected with the ``atproto`` SDK.

Read, per post view: ``uri`` (the post id: it names the author's repository, so it is unique
across the network), ``author.did`` and ``author.handle``, ``record.text``, ``record.createdAt``,
the first of ``record.langs``, links, tags and mentions from ``record.facets`` (a link card in
``embed.external`` counts as a link), ``record.reply.parent.uri`` as the reply. A feed item with a
``reason`` of type ``reasonRepost`` is a repost by ``reason.by`` of the post it carries.

Profiles (``getProfiles``; the basic profile inside each post otherwise): ``did``, ``handle``,
``displayName``, ``description``, ``followersCount``, ``followsCount``, ``postsCount``,
``createdAt``, and whether an avatar is set. The handle ``handle.invalid`` (the AppView's
placeholder for a handle that fails verification) is no handle: the account keeps its DID, without a
screen name. Bluesky shows no likes count, no lists count, no
verified flag in the X sense, no location and no profile background: those fields stay missing,
and the account model treats them as missing, not as zero. A post's author view
(``profileViewBasic``) has no description: an account known only from its posts has its
description missing, not empty (:data:`~detector.sources.base.ABSENT`).

The collector logs in with an app password (``BLUESKY_HANDLE`` and ``BLUESKY_APP_PASSWORD``,
from the environment or a ``.env`` file); the password is never logged or stored.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

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
    iso_time,
    iter_pages,
    joined,
    obj,
    posts_table,
    register,
    reset_wait,
    stamp,
    urls_in,
)

log = logging.getLogger(__name__)

# Keys as keys (a quoted name, then a colon): text quoting them inside a post is escaped (\").
_POST_URI = re.compile(r'"uri"\s*:\s*"at://did:')
_DID = re.compile(r'"did"\s*:\s*"did:')
_HANDLE = re.compile(r'"handle"\s*:')
HANDLE_ENV = "BLUESKY_HANDLE"
PASSWORD_ENV = "BLUESKY_APP_PASSWORD"
SERVICE = "https://bsky.social"
PAGE_SIZE = 100
PROFILES_PER_REQUEST = 25  # getProfiles takes at most 25 actors


@register
class Bluesky(JSONSource):
    platform = "bluesky"
    title = "Bluesky searchPosts / getAuthorFeed / getProfiles JSON"

    def sniff(self, head: str) -> bool:
        return bool(_POST_URI.search(head) or (_DID.search(head) and _HANDLE.search(head)))

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        rows: list[dict[str, Any]] = []
        users: dict[str, tuple[int, dict[str, Any]]] = {}
        for n, doc in self.documents(path, rejects):
            read_document(n, doc, rows, users, rejects, observed=_observed(doc))
        return SourceRead(posts_table(rows, self.platform), list(users.values()), self.platform)


def _observed(doc: Any) -> str | None:
    meta = doc.get("__collected") if isinstance(doc, dict) else None
    return meta.get("retrieved_at") if isinstance(meta, dict) else None


def read_document(
    n: int,
    doc: Any,
    rows: list[dict[str, Any]],
    users: dict[str, tuple[int, dict[str, Any]]],
    rejects: Rejects,
    *,
    observed: str | None = None,
) -> None:
    """Add the posts and profiles of one response (or one post view, or a list of them)."""
    if isinstance(doc, list):
        for item in doc:
            read_document(n, item, rows, users, rejects, observed=observed)
        return
    if not isinstance(doc, dict):
        rejects.add(n, None, "a Bluesky record must be a JSON object", doc)
        return
    if isinstance(doc.get("posts"), list):  # searchPosts, getPosts
        for i, post in enumerate(doc["posts"]):
            _keep(rows, _post(n, post, None, users, rejects, f"posts[{i}].", observed))
    elif isinstance(doc.get("feed"), list):  # getAuthorFeed, getTimeline, getFeed
        for i, item in enumerate(doc["feed"]):
            if isinstance(item, dict) and isinstance(item.get("post"), dict):
                _keep(rows, _post(n, item["post"], item.get("reason"), users, rejects, f"feed[{i}].", observed))
            else:
                rejects.add(n, f"feed[{i}].post", "missing", item)
    elif isinstance(doc.get("profiles"), list):  # getProfiles
        for profile in doc["profiles"]:
            _profile(n, profile, users, observed, full=True)
    elif "record" in doc and "uri" in doc:  # a bare post view
        _keep(rows, _post(n, doc, None, users, rejects, "", observed))
    elif "did" in doc and "handle" in doc:  # a bare profile
        _profile(n, doc, users, observed, full=True)
    else:
        rejects.add(n, None, "no known Bluesky shape (posts, feed, profiles, a post view or a profile)", doc)


# The AppView's placeholder for a handle that fails verification: shared by every such account, so
# it names none of them (read as a screen name, it would give them all one name and one shape).
INVALID_HANDLE = "handle.invalid"


def _handle(actor: dict[str, Any]) -> str | None:
    handle = actor.get("handle")
    return None if handle is None or str(handle).strip().lower() == INVALID_HANDLE else str(handle)


def _keep(rows: list[dict[str, Any]], row: dict[str, Any] | None) -> None:
    if row is not None:
        rows.append(row)


def _post(
    n: int,
    post: Any,
    reason: Any,
    users: dict[str, tuple[int, dict[str, Any]]],
    rejects: Rejects,
    where: str,
    observed: str | None,
) -> dict[str, Any] | None:
    if not isinstance(post, dict):
        rejects.add(n, where.rstrip("."), "a post view must be a JSON object", post)
        return None
    record = obj(post.get("record"))
    author = obj(post.get("author"))
    uri, did, text = post.get("uri"), author.get("did"), record.get("text")
    when = iso_time(record.get("createdAt")) or iso_time(post.get("indexedAt"))
    for name, value in ((f"{where}uri", uri), (f"{where}author.did", did), (f"{where}record.text", text), (f"{where}record.createdAt", when)):
        if value is None or (isinstance(value, str) and not value.strip() and not name.endswith("text")):
            rejects.add(n, name, "missing or unreadable", post)
            return None
    urls: list[str] = []
    tags: list[str] = []
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
            kind = str(feature.get("$type", "")) if isinstance(feature, dict) else ""
            if kind.endswith("#link") and feature.get("uri"):
                urls.append(str(feature["uri"]))
            elif kind.endswith("#tag") and feature.get("tag"):
                tags.append(str(feature["tag"]).lstrip("#").lower())
    embed = obj(record.get("embed"))
    external = obj(embed.get("external"))
    if external.get("uri"):
        urls.append(str(external["uri"]))
    reply = obj(record.get("reply"))
    parent = obj(reply.get("parent"))
    _profile(n, author, users, observed, full=False)
    row = {
        "post_id": str(uri),
        "author_id": str(did),
        "author_screen_name": _handle(author),
        "text": str(text),
        "created_at": when,
        "repost_of": None,
        "reply_to": parent.get("uri"),
        "urls": joined(urls) or joined(urls_in(text)),
        "hashtags": joined(tags) or joined(hashtags_in(text)),
        "lang": (record.get("langs") or [None])[0],
        "source_row": n,
    }
    if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("reasonRepost"):
        by = obj(reason.get("by"))
        if not by.get("did"):
            rejects.add(n, f"{where}reason.by.did", "missing", reason)
            return None
        _profile(n, by, users, observed, full=False)
        row.update(
            post_id=str(reason.get("uri") or f"{by['did']}/repost/{uri}"),
            author_id=str(by["did"]),
            author_screen_name=_handle(by),
            created_at=iso_time(reason.get("indexedAt")) or when,
            repost_of=str(uri),
            reply_to=None,
        )
    return row


def _profile(n: int, p: Any, users: dict[str, tuple[int, dict[str, Any]]], observed: str | None, *, full: bool) -> None:
    """Keep a profile as a flat account record; a full profile replaces a basic one."""
    if not isinstance(p, dict) or not p.get("did"):
        return
    did = str(p["did"])
    seen = users.get(did)
    if seen is not None and (seen[1].get("_full") or not full):
        return
    flat: dict[str, Any] = {
        "id": did,
        "screen_name": _handle(p),
        "name": p.get("displayName"),
        "created_at": p.get("createdAt"),
        "collected_at": observed,
        "default_profile_image": not p.get("avatar"),
        "platform": "bluesky",
    }
    if full:
        # getProfiles leaves the key out of a profile without a description: that one is empty.
        flat.update(
            description=p.get("description") or "",
            followers_count=p.get("followersCount"),
            friends_count=p.get("followsCount"),
            statuses_count=p.get("postsCount"),
            _full=True,
        )
    else:
        # A post's author view (profileViewBasic) never carries the description: unknown, not empty.
        flat[ABSENT] = ("description",)
    users[did] = (n, flat)


# ---------------------------------------------------------------- the collector


def load_credentials(env_file: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """The handle and app password from the environment or a ``.env`` file (environment wins).

    Raises
    ------
    ConfigError
        Either is missing, or ``env_file`` was named and does not exist.
    """
    from dotenv import dotenv_values

    path = Path(env_file) if env_file is not None else Path.cwd() / ".env"
    if env_file is not None and not path.is_file():
        raise ConfigError(f"{path}: no such .env file")
    values = dotenv_values(path) if path.is_file() else {}
    handle = (os.environ.get(HANDLE_ENV) or values.get(HANDLE_ENV) or "").strip()
    password = (os.environ.get(PASSWORD_ENV) or values.get(PASSWORD_ENV) or "").strip()
    register_secret(password)  # redacted from every message and log line from now on
    if not handle or not password:
        raise ConfigError(
            f"Bluesky needs {HANDLE_ENV} and {PASSWORD_ENV} (an app password, made under Settings > "
            f"App passwords) in the environment or in a .env file ({path})"
        )
    return handle, password


class BlueskyCollector:
    """Pages of Bluesky search results, author feeds and profiles, through the ``atproto`` SDK.

    Parameters
    ----------
    client : atproto.Client, optional
        A logged-in client; by default one is made and logged in with :func:`load_credentials`.
    pager : Pager, optional
        Retries and rate-limit waits.
    service : str
        The entryway or PDS to log in to.
    """

    platform = "bluesky"

    def __init__(
        self,
        client: Any = None,
        *,
        pager: Pager | None = None,
        env_file: str | os.PathLike[str] | None = None,
        service: str = SERVICE,
        timeout: float = 30.0,
    ) -> None:
        self.pager = pager or Pager()
        if client is None:
            from atproto import Client
            from atproto_client.request import Request

            handle, password = load_credentials(env_file)
            client = Client(base_url=service, request=Request(timeout=timeout))
            self.pager.call("Bluesky login", lambda: _guard(lambda: client.login(handle, password, fetch_bsky_profile=False), "login"))
            session = getattr(client, "_session", None)
            for token in (getattr(session, "access_jwt", None), getattr(session, "refresh_jwt", None)):
                register_secret(token)
        self.client = client

    def pages(self, what: str, target: str, *, next_token: str | None = None, since: str | None = None, max_pages: int | None = None) -> Iterator[Page]:
        """Pages of one collection: ``search`` (a query), ``feed`` (an account's posts and
        reposts) or ``profiles`` (comma-separated handles or DIDs)."""
        if what == "search":
            return self.search(target, cursor=next_token, since=since, max_pages=max_pages)
        if what == "feed":
            return self.author_feed(target, cursor=next_token, max_pages=max_pages)
        if what == "profiles":
            return self.profiles([a.strip() for a in target.split(",") if a.strip()])
        raise ConfigError(f"Bluesky collects search, feed or profiles, not '{what}'")

    def _query(self, nsid: str, params: dict[str, Any]) -> dict[str, Any]:
        from atproto_client.models.dot_dict import DotDict

        # The raw query keeps the answer as the service sent it (the SDK's typed calls would
        # re-shape it); DotDict is how the SDK takes plain parameters.
        query = DotDict({k: v for k, v in params.items() if v is not None})

        def call() -> dict[str, Any]:
            response = _guard(lambda: self.client.invoke_query(nsid, params=query), nsid, self.pager)
            content = response.content
            if not isinstance(content, dict):
                raise Transient(f"{nsid}: the answer is not JSON")
            return content

        return dict(self.pager.call(nsid, call))

    def search(self, query: str, *, cursor: str | None = None, since: str | None = None, max_pages: int | None = None) -> Iterator[Page]:
        """Pages of ``app.bsky.feed.searchPosts`` (newest first), from ``cursor``; only posts after ``since``."""
        def page(c: str | None) -> Page:
            raw = self._query("app.bsky.feed.searchPosts", {"q": query, "sort": "latest", "limit": PAGE_SIZE, "cursor": c, "since": since})
            return self._page(f"search:{query}", raw, c)

        yield from iter_pages(page, cursor, max_pages)

    def author_feed(self, actor: str, *, cursor: str | None = None, max_pages: int | None = None) -> Iterator[Page]:
        """Pages of ``app.bsky.feed.getAuthorFeed`` for a handle or DID (posts and reposts)."""
        actor = actor.lstrip("@")

        def page(c: str | None) -> Page:
            raw = self._query("app.bsky.feed.getAuthorFeed", {"actor": actor, "limit": PAGE_SIZE, "cursor": c})
            return self._page(f"feed:{actor}", raw, c)

        yield from iter_pages(page, cursor, max_pages)

    def profiles(self, actors: list[str]) -> Iterator[Page]:
        """``app.bsky.actor.getProfiles``, 25 actors a request."""
        actors = [a.lstrip("@") for a in actors]
        for i in range(0, len(actors), PROFILES_PER_REQUEST):
            batch = actors[i : i + PROFILES_PER_REQUEST]
            raw = self._query("app.bsky.actor.getProfiles", {"actors": batch})
            yield self._page(f"profiles:{i // PROFILES_PER_REQUEST:05d}", raw, None)

    def _page(self, key: str, raw: dict[str, Any], asked: str | None) -> Page:
        fetched = datetime.now().astimezone()
        raw = {**raw, "__collected": {"retrieved_at": stamp(fetched)}}
        rows: list[dict[str, Any]] = []
        users: dict[str, tuple[int, dict[str, Any]]] = {}
        rejects = Rejects(key)
        read_document(1, raw, rows, users, rejects, observed=stamp(fetched))
        if len(rejects):
            log.warning("%s: %d record(s) of the page rejected", key, len(rejects))
        posts = posts_table(rows, "bluesky")
        newest = posts["created_at"].max() if len(posts) else None
        return Page(
            key=f"{key}|{asked or ''}",
            raw=raw,
            posts=posts,
            users=list(users.values()),
            cursor=raw.get("cursor") or None,
            newest=newest.isoformat() if newest is not None else None,
        )


def _guard(fn: Any, what: str, pager: Pager | None = None) -> Any:
    """Call the SDK and turn its exceptions into the pager's: wait, retry, or fail for good."""
    from atproto_client import exceptions as ex

    try:
        return fn()
    except ex.RateLimitExceededError as exc:
        headers = exc.response.headers if exc.response is not None else {}
        clock = pager.clock if pager is not None else __import__("time").time
        raise RateLimited(reset_wait(headers, clock), "HTTP 429") from exc
    except ex.UnauthorizedError as exc:
        raise CollectError(f"Bluesky refused the credentials for {what} ({_detail(exc)}); check {HANDLE_ENV} and {PASSWORD_ENV}") from exc
    except ex.BadRequestError as exc:
        raise CollectError(f"{what}: HTTP 400: {_detail(exc)}") from exc
    except (ex.InvokeTimeoutError, ex.NetworkError) as exc:
        raise Transient(f"{type(exc).__name__} {_detail(exc)}".strip()) from exc
    except ex.RequestException as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status >= 500:
            raise Transient(f"HTTP {status}") from exc
        raise CollectError(f"{what}: HTTP {status}: {_detail(exc)}") from exc


def _detail(exc: Any) -> str:
    response = getattr(exc, "response", None)
    content = getattr(response, "content", None)
    if content is None:
        return ""
    message = getattr(content, "message", None) or getattr(content, "error", None)
    if message:
        return str(message)
    try:
        return json.dumps(content)[:200]
    except (TypeError, ValueError):
        return str(content)[:200]
