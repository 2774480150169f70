"""Telegram: the ``result.json`` that Telegram Desktop writes ("Export chat history", JSON).

Read: channels, groups and supergroups, one chat per export or the ``chats.list`` of a full
account export; several exports in one folder (each ``result.json`` below it). Per message:

* ``post_id`` is ``<chat id>/<message id>``: message ids count up inside each chat, so the
  chat is part of the key;
* ``author_id`` is ``from_id`` (``channel…`` or ``user…``), ``author_screen_name`` is ``from``
  (the display name: the export carries no @username); a message without ``from_id`` is the
  chat's own post (``channel<chat id>``) in a channel, and a deleted account's in a group: kept
  for its text without an author, as any post without one;
* ``text`` as a string or as a list of entities, joined;
* links (``link``, ``text_link``) and hashtags from ``text_entities`` (or from the entities in
  ``text`` in older exports);
* ``forwarded_from`` makes the message a repost of an outside source. The export names the source
  but not the original message, so forwards of one original share a key derived from the source
  and the text, as the IRA reader does;
* ``reply_to_message_id`` becomes ``reply_to`` in the same chat, or in the chat
  ``reply_to_peer_id`` names; ``date_unixtime`` is the time
  (``date`` is the exporting machine's local time without a zone, used only when
  ``date_unixtime`` is absent, in older exports: read in the user's ``--tz``, else as UTC, and
  said once).

A rejected message is named by its ``result.json`` and its number there (in a folder of exports).
A chat exported twice repeats its messages: the later copies are rejected as duplicates of the first.
Skipped and counted, not rejected: service messages (joins, pins, calls), ``"type":
"unsupported"`` messages (media the export could not write: only their id is there) and personal
chats (the export of a private conversation is not public activity). A name the export writes as
null (``"from": null`` of a deleted account that keeps its ``from_id``; ``"forwarded_from": null``)
stays missing: the message keeps its author id, and a forward stays a forward, of an unnamed source. Telegram exports carry no
profiles: no follower counts, no creation dates, so no accounts come out of this reader.

Telegram collection (Telethon, MTProto) is not implemented.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detector.errors import EmptyInputError, InputError
from detector.io import Rejects, open_input
from detector.sources.base import (
    Source,
    SourceRead,
    hashtags_in,
    iso_time,
    joined,
    posts_table,
    register,
    text_key,
    unix_time,
    urls_in,
)

log = logging.getLogger(__name__)

# Keys as keys (a quoted name, then a colon): text quoting them inside a post is escaped (\").
_MESSAGES = re.compile(r'"(messages|chats)"\s*:')
_TELEGRAM_KEYS = re.compile(r'"(date_unixtime|from_id|text_entities|left_chats)"\s*:')
PUBLIC_TYPES = {
    "public_channel", "private_channel", "public_supergroup", "private_supergroup", "private_group",
}  # fmt: skip


@register
class Telegram(Source):
    platform = "telegram"
    title = "Telegram Desktop export (result.json, or a folder of them)"

    def claims(self, head: str, path: Path) -> bool:
        if path.is_dir():
            return any(path.rglob("result.json"))
        return bool(_MESSAGES.search(head)) and bool(_TELEGRAM_KEYS.search(head))

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        files = sorted(path.rglob("result.json")) if path.is_dir() else [path]
        rows: list[dict[str, Any]] = []
        skipped: Counter[str] = Counter()
        n = 0
        first: dict[str, tuple[str, int]] = {}  # post_id -> (file, number there) of its first copy
        for f in files:
            # A reject names its result.json and the message's number in it (n counts over all files,
            # for the posts' source_row).
            where = _Where(str(f) if path.is_dir() else None)
            for chat in _chats(f):
                kind = str(chat.get("type", ""))
                messages = chat.get("messages")
                if not isinstance(messages, list):
                    continue
                if kind not in PUBLIC_TYPES:
                    skipped[f"messages of a {kind or 'untyped'} chat"] += len(messages)
                    where.k += len(messages)
                    continue
                chat_id = chat.get("id")
                if chat_id is None:
                    rejects.add(where.k + 1, "id", "a chat without its id", {"name": chat.get("name")}, file=where.file)
                    n += len(messages)
                    where.k += len(messages)
                    continue
                for msg in messages:
                    n += 1
                    where.k += 1
                    row = _message(n, msg, chat, rejects, skipped, where)
                    if row is None:
                        continue
                    # A chat exported twice (a later export saved beside the first) repeats its
                    # messages: the later copy is set aside, named by its file and number there.
                    if (seen := first.get(row["post_id"])) is not None:
                        why = f"duplicate of message {seen[1]} of {seen[0]} (post {row['post_id']})"
                        rejects.add(where.k, "id", why, msg, file=where.file, quiet=True)
                        continue
                    first[row["post_id"]] = (str(f), where.k)
                    rows.append(row)
        if n == 0 and not skipped:
            raise EmptyInputError("no Telegram messages found", path=str(path))
        if repeats := sum(1 for r in rejects.rows if str(r["reason"]).startswith("duplicate of message")):
            log.warning("%s: %d messages repeat a message (chat and id) read earlier, from a chat exported twice: kept the first of each, the others are rejected", path, repeats)
        for reason, count in sorted(skipped.items()):
            log.info("%s: %d %s skipped", path, count, reason)
        marks = [r.pop("_zoneless") for r in rows]
        example = next((m for m in marks if m is not None), None)
        zoneless = {"date": example} if example is not None else {}
        return SourceRead(posts_table(rows, self.platform), [], self.platform, skipped, zoneless, [m is not None for m in marks])


def _chats(path: Path) -> list[dict[str, Any]]:
    try:
        with open_input(path) as fh:  # UTF-8 (with or without its mark), or UTF-16/32 with theirs
            doc = json.loads(fh.read())
    except ValueError as exc:
        raise InputError(f"malformed JSON: {exc}", path=str(path)) from exc
    if not isinstance(doc, dict):
        raise InputError("a Telegram export is one JSON object", path=str(path))
    if isinstance(doc.get("messages"), list):
        return [doc]
    chats = doc.get("chats")
    found = [c for c in (chats.get("list") if isinstance(chats, dict) else None) or [] if isinstance(c, dict)]
    left = doc.get("left_chats")
    found += [c for c in (left.get("list") if isinstance(left, dict) else None) or [] if isinstance(c, dict)]
    if not found:
        raise InputError("no 'messages' and no 'chats.list': not a Telegram Desktop export", path=str(path))
    return found


@dataclass
class _Where:
    """Where a message is, for its reject: its file (None: the file given) and its number in it."""

    file: str | None
    k: int = 0


def _message(n: int, msg: Any, chat: dict[str, Any], rejects: Rejects, skipped: Counter[str], where: _Where) -> dict[str, Any] | None:
    if not isinstance(msg, dict):
        rejects.add(where.k, None, "a message must be a JSON object", msg, file=where.file)
        return None
    if msg.get("type") == "service":
        skipped["service messages"] += 1
        return None
    if msg.get("type") == "unsupported":  # tdesktop writes only {"id", "type"} for media it cannot export
        skipped["unsupported messages (media the export could not write)"] += 1
        return None
    chat_id = str(chat["id"])
    mid = msg.get("id")
    if mid is None:
        rejects.add(where.k, "id", "missing", msg, file=where.file)
        return None
    # Older exports carry only "date", the exporting computer's local time without a zone: read as
    # UTC here, marked (row["_zoneless"]) so that the caller says so once or places it in --tz.
    zoneless = msg.get("date_unixtime") is None
    when = iso_time(msg.get("date")) if zoneless else unix_time(msg["date_unixtime"])
    if when is None:
        rejects.add(where.k, "date_unixtime", "missing or unreadable", msg, file=where.file)
        return None
    text, entities = _text(msg)
    if not text.strip():
        skipped["messages without text (media only)"] += 1
        return None
    urls = [e.get("href") or e.get("text") for e in entities if e.get("type") == "text_link"]
    urls += [e.get("text") for e in entities if e.get("type") == "link"]
    links = [u for u in urls if isinstance(u, str) and u.startswith(("http://", "https://"))] or urls_in(text)
    tags = [str(e.get("text", "")).lstrip("#＃").lower() for e in entities if e.get("type") == "hashtag"] or hashtags_in(text)
    # A group message without from_id is a deleted account's: kept for its text, as a post without an
    # author is (it joins no coordination); its "from" ("Deleted Account") names no one.
    # tdesktop writes an empty name as null: a deleted account's message keeps its from_id with
    # "from": null (no name, not the chat's), and a forward from such a peer "forwarded_from": null
    # (still a forward, of an unnamed source). Only the channel's own post is named after the chat.
    own = msg.get("from_id")
    author = own or (f"channel{chat_id}" if "channel" in str(chat.get("type")) else None)
    name = msg.get("from") if own else msg.get("from") or chat.get("name")
    forwarded = "forwarded_from" in msg
    source = msg.get("forwarded_from") or ""
    reply = msg.get("reply_to_message_id")
    # A reply to a message of another chat names that chat ("channel123", "chat…", "user…"); post ids
    # carry the chat's bare number.
    peer = re.sub(r"^(channel|chat|user)", "", str(msg.get("reply_to_peer_id") or "")) or chat_id
    return {
        "post_id": f"{chat_id}/{mid}",
        "author_id": None if author is None else str(author),
        "author_screen_name": None if author is None else name,
        "text": text,
        "created_at": when,
        "repost_of": text_key("forward", str(source), text) if forwarded else None,
        "reply_to": f"{peer}/{reply}" if reply is not None else None,
        "urls": joined(links),
        "hashtags": joined(tags),
        "lang": None,
        "source_row": n,
        "_zoneless": str(msg.get("date")) if zoneless else None,
    }


def _text(msg: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The message text and its entities, whether ``text`` is a string or a list of pieces."""
    raw = msg.get("text", "")
    pieces = raw if isinstance(raw, list) else [raw]
    parts = []
    inline = []
    for p in pieces:
        if isinstance(p, str):
            parts.append(p)
        elif isinstance(p, dict):
            parts.append(str(p.get("text", "")))
            inline.append(p)
    ents = msg.get("text_entities")
    entities = [e for e in ents if isinstance(e, dict)] if isinstance(ents, list) else inline
    if isinstance(ents, list) and not raw:
        parts = [str(e.get("text", "")) for e in entities]
    return "".join(parts), entities

