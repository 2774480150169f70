"""What kind of record a JSON record is: a post, an account, or neither.

`detector score` reads accounts and `detector posts` reads posts. Given the other kind, each
reader used to take every record for a broken one of its own (a user object is a post with no
text; a tweet is an account with no name, whose time becomes the account's creation). This module
owns the one rule both readers use to tell the kinds apart by their top-level fields, what
becomes of a file of the other kind (:func:`keep_kind`: one error for the file, or, where it mixes
both kinds, its records of the other kind rejected with one warning for all of them), and the
words that say so. It never reads a file: the readers hand it the records they read.

The rule (fields at the top level of the record, header names compared as
:func:`detector.columns.header_key` compares them):

* a **post** has a post's text (``text``, ``full_text``, ``content``, ``Tekst``, … any text
  header of :data:`detector.columns.POST_HEADERS`) as a string, and no account count
  (``followers_count``, ``friends_count``, ``statuses_count`` or their headers; a v2
  ``public_metrics`` holding ``followers_count``); the IRA row (``content`` and
  ``publish_date``, with its author's followers beside each post) is a post too;
* an **account** has no post text, and a user's fields: an account count, a v2
  ``public_metrics`` with ``followers_count``, a Bot Repository wrapper (``user`` object and no
  text), or a name (``screen_name``, ``username``) together with ``name`` or ``description``;
* anything else is **neither**: a TwiBot-20 user record (``profile`` and ``tweet``) holds both,
  and both commands read it; a record with both a text and counts, or of no known shape, is left
  to the reader as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from detector.columns import ACCOUNT_HEADERS, POST_HEADERS, header_key
from detector.errors import InputError, escape_controls
from detector.io import Rejects

log = logging.getLogger(__name__)

Kind = Literal["post", "account"]

_TEXT_KEYS = frozenset(header_key(h) for h in POST_HEADERS["text"])
_COUNT_KEYS = frozenset(header_key(h) for f in ("followers_count", "friends_count", "statuses_count") for h in ACCOUNT_HEADERS[f])
_NAME_KEYS = frozenset({"screen name", "username"})
_PROFILE_KEYS = frozenset({"name", "description"})
_IRA_KEYS = frozenset({"content", "publish date"})

# How many record numbers a message lists before "...".
SHOWN_RECORDS = 5


def _keys(rec: Mapping[str, Any]) -> dict[str, str]:
    """The record's keys as compared, to the key as the record writes it (the first of each)."""
    out: dict[str, str] = {}
    for k in rec:
        out.setdefault(header_key(k), str(k))
    return out


def _is_count(value: Any) -> bool:
    # v1.1's ``following`` is a boolean (whether the viewer follows the account), not a count.
    return value is not None and not isinstance(value, bool) and not isinstance(value, (dict, list))


def _metrics_followers(rec: Mapping[str, Any]) -> bool:
    metrics = rec.get("public_metrics")
    return isinstance(metrics, dict) and "followers_count" in metrics


def record_kind(rec: Any) -> Kind | None:
    """``"post"``, ``"account"`` or None (neither, or both) for one JSON record (see the module)."""
    if not isinstance(rec, dict):
        return None
    if isinstance(rec.get("profile"), dict) and "tweet" in rec:  # TwiBot-20: both kinds in one
        return None
    data = rec.get("data")
    if isinstance(data, (list, dict)) and "user" not in rec:  # an X API v2 response: its items decide
        items = [d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict)]
        kinds = {record_kind(d) for d in items}
        return kinds.pop() if len(kinds) == 1 else None
    keys = _keys(rec)
    if _IRA_KEYS <= keys.keys():
        return "post"
    text = any(isinstance(rec[keys[k]], str) for k in _TEXT_KEYS & keys.keys())
    counts = any(_is_count(rec[keys[k]]) for k in _COUNT_KEYS & keys.keys()) or _metrics_followers(rec)
    if text:
        return None if counts else "post"
    if counts or isinstance(rec.get("user"), dict):
        return "account"
    if _NAME_KEYS & keys.keys() and _PROFILE_KEYS & keys.keys():
        return "account"
    return None


def evidence(rec: Any, kind: Kind) -> str:
    """The fields of ``rec`` that show it is of ``kind``, for a message: ``'text' and no followers_count``."""
    if not isinstance(rec, dict):
        return ""
    data = rec.get("data")
    if isinstance(data, (list, dict)) and "user" not in rec:
        first = next((d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict)), {})
        inner = evidence(first, kind)
        return f"'data' holding {'users' if kind == 'account' else 'posts'} ({inner})" if inner else "'data'"
    keys = _keys(rec)
    if kind == "post":
        if _IRA_KEYS <= keys.keys():
            return f"{_quoted(keys[k] for k in sorted(_IRA_KEYS))} (the IRA tweets table's)"
        shown = [keys[k] for k in sorted(_TEXT_KEYS & keys.keys()) if isinstance(rec[keys[k]], str)][:1]
        shown += [k for k in ("created_at", "author_id", "user", "author") if k in rec and k not in shown][:2]
        return f"{_quoted(shown)} and no followers_count"
    if isinstance(rec.get("user"), dict) and not (_COUNT_KEYS & keys.keys()):
        return "'user' (a profile) and no text"
    shown = [keys[k] for k in sorted(_NAME_KEYS & keys.keys())][:1]
    shown += [keys[k] for k in sorted(_COUNT_KEYS & keys.keys()) if _is_count(rec[keys[k]])][:2]
    if _metrics_followers(rec):
        shown.append("public_metrics.followers_count")
    if len(shown) < 2:
        shown += [keys[k] for k in sorted(_PROFILE_KEYS & keys.keys())][: 2 - len(shown)]
    return f"{_quoted(shown)} and no text"


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def record_list(numbers: list[int]) -> str:
    """``records 3, 7 and 12`` (the first :data:`SHOWN_RECORDS`, then how many more)."""
    shown = [str(n) for n in numbers[:SHOWN_RECORDS]]
    more = len(numbers) - len(shown)
    if more:
        return f"records {', '.join(shown)} and {more:,} more"
    if len(shown) == 1:
        return f"record {shown[0]}"
    return f"records {', '.join(shown[:-1])} and {shown[-1]}"


_WHAT = {"post": ("a post, not an account", "posts, not accounts"), "account": ("an account, not a post", "accounts, not posts")}


# What each command reads, and what to do with a file of the other kind.
OTHER_COMMAND = {
    "post": "`detector posts` scores posts (and the profiles of their authors, where the posts carry them)",
    "account": "`detector score` scores accounts (give them to `detector posts --profiles` as the profiles of posts' authors)",
}


def wrong_kind_message(kind: Kind, first: int, rec: Any, total: int) -> str:
    """The message for a file whose records are all of ``kind`` (the other command's)."""
    mine = "an account" if kind == "post" else "a post"
    others = "it is the only record" if total == 1 else f"none of its {total:,} records is {mine}"
    return f"holds {_WHAT[kind][1]}: record {first} has {evidence(rec, kind)}, and {others}; {OTHER_COMMAND[kind]}"


def mixed_message(path: str, kind: Kind, numbers: list[int], total: int) -> str:
    """The one warning for the records of the other ``kind`` in a file that mixes both."""
    n = len(numbers)
    what = _WHAT[kind][0] if n == 1 else _WHAT[kind][1]
    return (
        f"{path}: the file mixes posts and accounts: {n:,} of its {total:,} records {'is' if n == 1 else 'are'} {what} "
        f"({record_list(numbers)}): rejected, the others read; {OTHER_COMMAND[kind]}"
    )


def reject_reason(kind: Kind, rec: Any) -> str:
    """A rejected record's reason when it is of the other ``kind``."""
    return f"{_WHAT[kind][0]} ({evidence(rec, kind)})"


class KindSorter:
    """Sets apart the records of the other kind while a reader streams its records; says so at the end.

    Feed each ``(record number, record)`` to :meth:`keep`, which answers whether the reader should
    read it; then call :meth:`finish`. No record of the other kind: every record is read. Records of
    the other kind and none of ``wanted``: the file is of the other kind, one error. Both kinds: the
    records of the other kind are rejected (each in ``rejects``, with what it is) and said in one
    warning; the others are read. Records of neither kind are always read: the reader judges them.
    """

    def __init__(self, wanted: Kind, path: str, rejects: Rejects) -> None:
        self.wanted = wanted
        self.other: Kind = "post" if wanted == "account" else "account"
        self.path = path
        self.rejects = rejects
        self.records = 0  # distinct record numbers seen (the items of one API page share one)
        self.last: int | None = None
        self.any_wanted = False
        self.aside: list[int] = []
        self.first: tuple[int, Any] | None = None

    def keep(self, n: int, rec: Any) -> bool:
        """Whether record ``n`` is for this reader (False: it was set aside as the other kind)."""
        if n != self.last:
            self.records += 1
            self.last = n
        kind = record_kind(rec)
        if kind == self.wanted:
            self.any_wanted = True
        elif kind == self.other:
            if self.first is None:
                self.first = (n, rec)
            if not self.aside or self.aside[-1] != n:
                self.aside.append(n)
            self.rejects.add(n, None, reject_reason(self.other, rec), rec, quiet=True)
            return False
        return True

    def finish(self) -> None:
        """Say what was set aside, once.

        Raises
        ------
        InputError
            No record was of the wanted kind and at least one was of the other.
        """
        if self.first is None:
            return
        if not self.any_wanted:
            n, rec = self.first
            raise InputError(wrong_kind_message(self.other, n, rec, self.records), path=self.path)
        log.warning("%s", mixed_message(escape_controls(self.path), self.other, self.aside, self.records))


def keep_kind(records: list[tuple[int, Any]], wanted: Kind, path: str, rejects: Rejects) -> list[tuple[int, Any]]:
    """The records a reader of ``wanted`` records reads, sorted by :class:`KindSorter`.

    Raises
    ------
    InputError
        No record is of ``wanted`` kind and at least one is of the other.
    """
    sorter = KindSorter(wanted, path, rejects)
    keep = [(n, rec) for n, rec in records if sorter.keep(n, rec)]
    sorter.finish()
    return keep
