"""Facebook and Instagram: the exports analysts hold of public posts.

Two shapes, each recognised by its own headers (a CSV) or keys (JSON), never by guessing at rows:

* **Meta Content Library** (MCL), the web UI's download or the Content Library API's search
  results (``search/facebook_posts``, ``search/instagram_posts``) saved as JSON, JSONL or a CSV of
  flattened fields. Field names are Meta's data dictionary's
  (developers.facebook.com/docs/content-library-and-api/appendix/data-dictionary): ``id`` (an MCL
  id, not Facebook's), ``text``, ``creation_time``, ``lang`` (ISO 639-1), ``post_owner`` (``id``,
  ``type``, ``name``, ``username``; newer pages nest them under ``post_owner.data``), Facebook's
  ``surface``, ``shared_post_id`` (a reshare: its original) and ``link_attachment_fields.link``
  (``link_attachment.link`` in some downloads), Instagram's ``hashtags``. A row is Facebook's or
  Instagram's by its ``post_owner.type`` (``page``/``profile`` on Facebook;
  ``business``/``creator``/``personal`` on Instagram), else by fields only one of the two has
  (``surface``, ``shared_post_id``, links and shares: Facebook; ``hashtags``: Instagram), else by a
  ``platform`` column; a row none of these settles is rejected, not guessed.
* **CrowdTangle** "historical data" CSV of a list or saved search (the service closed in August
  2024; many archives remain). Facebook: ``Page Name`` (or ``Group Name``), ``User Name``,
  ``Facebook Id``, ``Post Created`` (``Created`` before April 2021), ``Message``, ``Link``,
  ``Final Link``, ``URL``…; Instagram: ``Account``, ``User Name``, ``Post Created``,
  ``Description`` (the caption), ``URL``. Header lists as digitalmethodsinitiative/4cat's importer
  (``datasources/upload/import_formats.py``) and its issue #137 give them.
  ``Post Created`` is ``YYYY-MM-DD HH:MM:SS`` then the dashboard's zone as an abbreviation
  (``EDT``, ``CET``) or an offset (``-03``). An abbreviation is read by :data:`ZONE_ABBREVIATIONS`;
  one that names several offsets (``CST``: US Central or China or Cuba; ``IST``) is rejected with
  the candidates named, never guessed; a time without a zone is read as UTC and said once (or
  placed in ``--tz``).

Per post: ``post_id`` (MCL ``id``; CrowdTangle: the Facebook/Instagram id at the end of ``URL``,
else the whole ``URL``), ``author_id`` (MCL ``post_owner.id``; CrowdTangle ``Facebook Id``, on
Instagram ``User Name``), ``author_screen_name`` (username, else name), ``text``, ``created_at``,
``urls`` (the attached link and the text's), ``hashtags``, ``lang`` (MCL only), ``repost_of`` (MCL
``shared_post_id``, Facebook only), ``platform``.

Author profiles: CrowdTangle's are partial, each author's page as its latest post in the file saw
it (``Followers at Posting``, ``Page Created``, names; see
:func:`_observe_profile`); a group's posts give none. MCL's are none (Meta keeps them behind other
endpoints).

Missing, said here and in the README:
replies (no post in either export is a reply: comments are another dataset), CrowdTangle's
languages (detected from the text) and reposts (a CrowdTangle share names no original post).
Engagement counts (reactions, shares, views) are not part of the posts table.

A post without text (a photo or video without a caption) is skipped and counted, as Telegram's
media are. A bad row is rejected naming its file, row and field; the other rows are read.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from detector.errors import InputError
from detector.io import Rejects, iter_json_records, read_csv_strings, resolve_format
from detector.sources.base import (
    ABSENT,
    Source,
    SourceRead,
    TableSource,
    hashtags_in,
    iso_time,
    joined,
    posts_table,
    register,
    unix_time,
    urls_in,
)

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- recognising the shapes

#: CrowdTangle's Facebook CSV (April 2021 on; before it, ``Created`` stood for the three ``Post Created`` columns).
CROWDTANGLE_FACEBOOK = (
    "Page Name", "Group Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country",
    "Page Description", "Page Created", "Likes at Posting", "Followers at Posting", "Post Created",
    "Post Created Date", "Post Created Time", "Created", "Type", "Total Interactions", "Likes", "Comments",
    "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care", "Video Share Status", "Is Video Owner?",
    "Post Views", "Total Views", "Total Views For All Crossposts", "Video Length", "URL", "Message", "Link",
    "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id", "Sponsor Name", "Sponsor Category",
)  # fmt: skip
#: CrowdTangle's Instagram CSV.
CROWDTANGLE_INSTAGRAM = (
    "Account", "User Name", "Followers at Posting", "Post Created", "Post Created Date", "Post Created Time",
    "Created", "Type", "Likes", "Comments", "Views", "URL", "Link", "Photo", "Title", "Description",
    "Total Interactions",
)  # fmt: skip
# Columns whose names carry the export's weights ("Overperforming Score (weighted — Likes 1x …)").
_CROWDTANGLE_PREFIXES = ("Overperforming Score", "Total Interactions (weighted")
#: MCL fields (flattened with dots, as a CSV or pandas.json_normalize writes them) this reader
#: knows: read, or documented and left out of the posts table.
MCL_KNOWN = (
    "id", "text", "creation_time", "modified_time", "lang", "shared_post_id", "hashtags", "mcl_url",
    "match_type", "is_verified", "is_branded_content", "branded_content_page_id", "media_type",
    "content_type", "view_date_last_refreshed", "platform",
)  # fmt: skip
_MCL_PREFIXES = ("post_owner.", "surface.", "statistics.", "multimedia", "activities", "link_attachment")

_TIMES = ("Post Created", "Created")


def crowdtangle_kind(fields: list[str] | set[str]) -> str | None:
    """``facebook`` or ``instagram`` for a CrowdTangle CSV's header, else None."""
    f = set(fields)
    if not f & set(_TIMES) or "URL" not in f:
        return None
    if "Facebook Id" in f and "Message" in f:
        return "facebook"
    if {"Account", "User Name", "Description"} <= f and "Facebook Id" not in f:
        return "instagram"
    return None


def is_mcl(fields: list[str] | set[str]) -> bool:
    """An MCL table: ``id``, ``creation_time`` and the post owner's fields, flattened."""
    f = set(fields)
    return {"id", "creation_time"} <= f and any(x.startswith("post_owner.") for x in f)


# A key as a key (a quoted name, then a colon): text quoting it inside a post is escaped (\").
_MCL_KEYS = re.compile(r'"(creation_time|post_owner)"\s*:')


@register
class Facebook(TableSource):
    platform = "facebook"
    title = "Meta Content Library or CrowdTangle export (Facebook, Instagram)"

    def claims(self, head: str, path: Path) -> bool:
        if path.is_dir():
            return False
        if head.lstrip().startswith(("{", "[")):
            return len(set(m.group(1) for m in _MCL_KEYS.finditer(head))) == 2
        return super().claims(head, path)

    def sniff_header(self, fields: list[str]) -> bool:
        return crowdtangle_kind(fields) is not None or is_mcl(fields)

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        fmt = resolve_format(path, None)
        skipped: Counter[str] = Counter()
        profiles: dict[str, tuple[pd.Timestamp, int, dict[str, Any]]] = {}
        if fmt in ("json", "jsonl"):
            rows = [r for n, rec in _mcl_records(path, fmt, rejects) if (r := _mcl_row(n, rec, rejects, skipped, _file_platform(set(rec)))) is not None]
            shape = "mcl"
        elif fmt == "csv":
            frame = _table(path, rejects)
            kind = crowdtangle_kind(list(frame.columns))
            shape = f"crowdtangle-{kind}" if kind else "mcl"
            _say_unknown(path, list(frame.columns), kind)
            platform = _file_platform(set(frame.columns)) if kind is None else kind
            records = ((int(n), {k: v for k, v in rec.items() if isinstance(v, str)}) for n, rec in zip(frame.index, frame.to_dict("records"), strict=True))
            if kind is None:
                rows = [r for n, rec in records if (r := _mcl_row(n, rec, rejects, skipped, platform)) is not None]
            else:
                # A file that writes PDT anywhere is on US Pacific time: its PST is then UTC-8, not Manila's.
                times = frame[next(c for c in _TIMES if c in frame.columns)].dropna().astype(str).str.strip()
                pdt = bool(times.str.upper().str.endswith(" PDT").any())
                rows = [r for n, rec in records if (r := _crowdtangle_row(n, rec, rejects, skipped, kind, pdt, profiles)) is not None]
        else:
            raise InputError(f"{self.title}: a CSV, JSON or JSONL file was expected", path=str(path))
        _say_zones(path, rejects)
        platforms = [r.pop("_platform") for r in rows]
        marks = [r.pop("_zoneless") for r in rows]
        posts = posts_table(rows, self.platform)
        posts["platform"] = pd.Series(platforms, index=posts.index, dtype="string")
        example = next((m for m in marks if m is not None), None)
        zoneless = {_time_field(shape): example} if example is not None else {}
        users = [(n, profile) for _, n, profile in profiles.values()]
        return SourceRead(posts, users, shape, skipped, zoneless, [m is not None for m in marks])


@register
class Instagram(Source):
    """Instagram's posts come in the same exports as Facebook's (MCL, CrowdTangle): :class:`Facebook`
    reads them and names each row's platform. Registered so that ``instagram`` is a known platform
    (keys, store, report); it claims no file itself."""

    platform = "instagram"
    title = "Instagram posts: read from Meta Content Library or CrowdTangle exports"

    def claims(self, head: str, path: Path) -> bool:
        return False

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        return Facebook().read(path, rejects)


def _time_field(shape: str) -> str:
    return "creation_time" if shape == "mcl" else "Post Created"


def _table(path: Path, rejects: Rejects) -> pd.DataFrame:
    frames = list(read_csv_strings(path, rejects=rejects))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames) if len(frames) > 1 else frames[0]


def _say_unknown(path: Path, columns: list[str], kind: str | None) -> None:
    """The columns neither read nor known to the export's shape: said once, plainly."""
    if kind is None:
        unknown = [c for c in columns if c not in MCL_KNOWN and not c.startswith(_MCL_PREFIXES)]
        shape = "Meta Content Library export"
    else:
        known = set(CROWDTANGLE_FACEBOOK if kind == "facebook" else CROWDTANGLE_INSTAGRAM)
        unknown = [c for c in columns if c not in known and not c.startswith(_CROWDTANGLE_PREFIXES)]
        shape = f"CrowdTangle {kind.capitalize()} export"
    if unknown:
        log.warning("%s: %d %s not known in a %s, not read: %s", path, len(unknown), "column" if len(unknown) == 1 else "columns", shape, ", ".join(repr(c) for c in unknown))


# ---------------------------------------------------------------- Meta Content Library

_FACEBOOK_OWNERS = {"page", "profile", "pages", "profiles"}
_INSTAGRAM_OWNERS = {"business", "creator", "personal"}
# Fields only one platform's posts have (data dictionary): they settle a file without post_owner.type.
_FACEBOOK_ONLY = ("surface.", "shared_post_id", "link_attachment", "statistics.share_count", "statistics.reaction_count", "post_owner.data.")
_INSTAGRAM_ONLY = ("hashtags",)


def _file_platform(fields: set[str]) -> str | None:
    fb = any(f.startswith(_FACEBOOK_ONLY) for f in fields)
    ig = any(f.startswith(_INSTAGRAM_ONLY) for f in fields)
    return "facebook" if fb and not ig else "instagram" if ig and not fb else None


def _mcl_records(path: Path, fmt: str, rejects: Rejects) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each post of an MCL JSON/JSONL file, flattened to dotted keys (``post_owner.id``)."""
    for n, doc in iter_json_records(path, fmt, rejects):
        items: list[Any] = doc if isinstance(doc, list) else doc["data"] if isinstance(doc, dict) and isinstance(doc.get("data"), list) else [doc]
        for item in items:
            if not isinstance(item, dict):
                rejects.add(n, None, "a post must be a JSON object", item)
                continue
            yield n, _flat(item)


def _flat(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, key + "."))
        elif isinstance(v, list) and key.endswith(".data") and len(v) == 1 and isinstance(v[0], dict):
            out.update(_flat(v[0], key + "."))  # an edge ({"data": [{...}]}) holding one object
        else:
            out[key] = v
    return out


def _first(rec: dict[str, Any], *keys: str) -> str | None:
    for k in keys:
        v = rec.get(k)
        if v is None or isinstance(v, (dict, list)):
            continue
        s = str(v).strip()
        if s and s.lower() not in ("nan", "none", "null"):
            return s
    return None


def _mcl_row(n: int, rec: dict[str, Any], rejects: Rejects, skipped: Counter[str], file_platform: str | None) -> dict[str, Any] | None:
    post_id = _first(rec, "id")
    if post_id is None:
        rejects.add(n, "id", "missing", rec)
        return None
    raw_time = _first(rec, "creation_time")
    when, zoneless = _mcl_time(raw_time)
    if when is None:
        rejects.add(n, "creation_time", "missing" if raw_time is None else f"unreadable time {raw_time!r}", rec)
        return None
    owner_type = (_first(rec, "post_owner.type", "post_owner.data.type") or "").lower()
    given = (_first(rec, "platform") or "").lower()
    platform = (
        "facebook" if owner_type in _FACEBOOK_OWNERS else "instagram" if owner_type in _INSTAGRAM_OWNERS
        else given if given in ("facebook", "instagram") else file_platform
    )  # fmt: skip
    if platform is None:
        why = (
            "Facebook or Instagram? post_owner.type is "
            + (f"{owner_type!r}" if owner_type else "missing")
            + ", and the file has no field only one of them has (surface, shared_post_id, hashtags) nor a platform column"
        )
        rejects.add(n, "post_owner.type", why, rec)
        return None
    text = _first(rec, "text")
    if text is None:
        skipped["posts without text (photos, videos without a caption)"] += 1
        return None
    text = str(rec["text"])
    owner = _first(rec, "post_owner.id", "post_owner.data.id")
    screen = _first(rec, "post_owner.username", "post_owner.data.username") or _first(rec, "post_owner.name", "post_owner.data.name")
    link = _first(rec, "link_attachment_fields.link", "link_attachment.link", "link_attachment.url")
    tags = _tag_list(rec.get("hashtags"))
    lang = _first(rec, "lang")
    return {
        "post_id": post_id,
        "author_id": owner,
        "author_screen_name": screen if owner is not None else None,
        "text": text,
        "created_at": when,
        "repost_of": _first(rec, "shared_post_id") if platform == "facebook" else None,
        "reply_to": None,
        "urls": joined(([link] if link and link.startswith(("http://", "https://")) else []) + urls_in(text)),
        "hashtags": joined(tags) or joined(hashtags_in(text)),
        "lang": lang.lower() if lang and re.fullmatch(r"[A-Za-z]{2}", lang) else None,
        "source_row": n,
        "_platform": platform,
        "_zoneless": raw_time if zoneless else None,
    }


def _tag_list(value: Any) -> list[str]:
    """Instagram's ``hashtags``: a JSON list, or a CSV cell holding one (``['a', 'b']``, ``a, b``)."""
    if isinstance(value, list):
        items = [str(v) for v in value if v is not None]
    elif isinstance(value, str) and value.strip():
        items = re.split(r"[\s,;|]+", value.strip().strip("[]"))
    else:
        return []
    return [t for t in (i.strip().strip("'\"").lstrip("#＃").lower() for i in items) if t]


def _mcl_time(value: str | None) -> tuple[pd.Timestamp | None, bool]:
    """An MCL ``creation_time``: ISO 8601 (with an offset, as the API gives it) or Unix seconds.
    The second value says the time carried no zone (read as UTC, said by the caller)."""
    if value is None:
        return None, False
    if re.fullmatch(r"\d{9,11}", value):
        return unix_time(value), False
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", value):
        return None, False
    when = iso_time(value)
    return when, when is not None and not re.search(r"(Z|[+-]\d{2}(:?\d{2})?)$", value)


# ---------------------------------------------------------------- CrowdTangle

#: tzdata's abbreviations with one meaning today, in minutes east of UTC. BST is Europe/London's
#: (tzdata gives Bangladesh and Bougainville numeric names); PST is US Pacific only when the file
#: also writes PDT (tzdata gives Manila "PST" too).
ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "WAT": 60, "CAT": 120, "SAST": 120, "EAT": 180, "PKT": 300, "WIB": 420,
    "WITA": 480, "WIT": 540, "HKT": 480, "AWST": 480, "JST": 540, "KST": 540, "ACST": 570, "ACDT": 630,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "IDT": 180, "NST": -210, "NDT": -150, "AST": -240,
    "ADT": -180, "EST": -300, "EDT": -240, "MST": -420, "MDT": -360, "PDT": -420, "AKST": -540,
    "AKDT": -480, "HST": -600, "HDT": -540,
}  # fmt: skip
#: Abbreviations tzdata uses for more than one offset: never chosen between.
AMBIGUOUS_ZONES: dict[str, str] = {
    "CST": "US Central UTC-6, China UTC+8 or Cuba UTC-5",
    "CDT": "US Central UTC-5 or Cuba UTC-4",
    "IST": "India UTC+5:30, Ireland UTC+1 or Israel UTC+2",
    "PST": "US Pacific UTC-8 or the Philippines UTC+8",
}
_CT_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?)(?:\s*([A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?))?")


def _crowdtangle_row(
    n: int, rec: dict[str, str], rejects: Rejects, skipped: Counter[str], kind: str, pdt_seen: bool = False,
    profiles: dict[str, tuple[pd.Timestamp, int, dict[str, Any]]] | None = None,
) -> dict[str, Any] | None:  # fmt: skip
    url = _first(rec, "URL")
    if url is None:
        rejects.add(n, "URL", "missing: the post's address names it", rec)
        return None
    field = "Post Created" if "Post Created" in rec else "Created"
    raw = _first(rec, field)
    when, zoneless, problem = crowdtangle_time(raw, pdt_seen=pdt_seen)
    if when is None:
        rejects.add(n, field, problem or "missing", rec)
        if problem and "names more than one offset" in problem:
            rejects.notes.setdefault("ambiguous_zones", set()).add(raw.rsplit(" ", 1)[-1] if raw else "")
        return None
    if profiles is not None:
        _observe_profile(n, rec, kind, when, url, profiles)
    text = _first(rec, "Message" if kind == "facebook" else "Description")
    if text is None:
        skipped["posts without text (photos, videos, links without a message)"] += 1
        return None
    text = rec["Message" if kind == "facebook" else "Description"]
    if kind == "facebook":
        author = _first(rec, "Facebook Id")
        screen = _first(rec, "User Name") or _first(rec, "Page Name", "Group Name")
        links = [u for u in (_first(rec, "Link"), _first(rec, "Final Link")) if u and u.startswith(("http://", "https://")) and u.rstrip("/") != url.rstrip("/")]
    else:
        author = _first(rec, "User Name")
        screen = author or _first(rec, "Account")
        links = []
    return {
        "post_id": _post_id_of(url),
        "author_id": author,
        "author_screen_name": screen if author is not None else None,
        "text": text,
        "created_at": when,
        "repost_of": None,
        "reply_to": None,
        "urls": joined(links + urls_in(text)),
        "hashtags": joined(hashtags_in(text)),
        "lang": None,
        "source_row": n,
        "_platform": kind,
        "_zoneless": raw if zoneless else None,
    }


def _observe_profile(n: int, rec: dict[str, str], kind: str, when: pd.Timestamp, url: str, profiles: dict[str, tuple[pd.Timestamp, int, dict[str, Any]]]) -> None:
    """Keep the author's partial profile as this row saw it, when it is the author's latest post so far.

    A CrowdTangle row carries the page as it was when the post was published: ``Followers at
    Posting`` (followers_count, observed then), ``Page Created``, ``Page Name``, ``User Name``.
    Nothing else of a profile is there, and nothing else is filled in: the account model holds its
    verdict when too few fields are known. Not read: ``Likes at Posting`` (the people who like the
    page, not the likes the page gave: not favourites_count) and ``Page Description`` (an empty
    cell does not say the page has none, and the account reader would read a record without it
    beside one with it as an empty description). A group's post gives no profile: the group is
    where it was posted, not who posted it (CrowdTangle does not name the member).
    """
    if kind == "facebook":
        author = _first(rec, "Facebook Id")
        if author is None or _first(rec, "Group Name") is not None or "/groups/" in url:
            return
        name = _first(rec, "Page Name")
        created = iso_time(_first(rec, "Page Created"))  # written without a zone: hours do not matter to an age in days
    else:
        author = _first(rec, "User Name")
        if author is None:
            return
        name, created = _first(rec, "Account"), None
    seen = profiles.get(author)
    if seen is not None and seen[0] > when:
        return
    profile: dict[str, Any] = {
        "id": author,
        "screen_name": _first(rec, "User Name"),
        "name": name,
        "followers_count": _first(rec, "Followers at Posting"),
        "created_at": None if created is None else f"{created:%Y-%m-%dT%H:%M:%SZ}",
        "collected_at": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "platform": kind,
    }
    if name is None:  # an empty name cell is no name the page chose: unknown, as its description
        profile[ABSENT] = ("name",)
    profiles[author] = (when, n, profile)


def _post_id_of(url: str) -> str:
    """The platform's id at the end of a post's address (``…/posts/7000000000000001``,
    ``…/permalink/…/``, Instagram's ``/p/<code>/``), else the whole address."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    if parts and (re.fullmatch(r"\d{5,}", parts[-1]) or (len(parts) == 2 and parts[0] in ("p", "reel", "tv"))):
        return parts[-1]
    return url.rstrip("/")


def crowdtangle_time(value: str | None, *, pdt_seen: bool = False) -> tuple[pd.Timestamp | None, bool, str | None]:
    """A CrowdTangle ``Post Created`` value in UTC, whether it had no zone, and why it cannot be read.

    ``2024-05-14 18:03:00 CEST`` (the dashboard's zone, abbreviated) or ``… -03`` (tzdata's numeric
    names); an abbreviation of several offsets is refused with its candidates (``pdt_seen``: the
    file also writes PDT, which settles PST as US Pacific).
    """
    if value is None:
        return None, False, None
    m = _CT_TIME.fullmatch(value.strip())
    if m is None:
        return None, False, f"unreadable time {value!r} (CrowdTangle writes 'YYYY-MM-DD HH:MM:SS ZONE')"
    clock = pd.Timestamp(m.group(1))
    zone = m.group(2)
    if zone is None:
        return clock.tz_localize("UTC"), True, None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        offset = minutes if zone[0] == "+" else -minutes
    else:
        abbr = zone.upper()
        if abbr == "PST" and pdt_seen:
            offset = -480
        elif abbr in AMBIGUOUS_ZONES:
            return None, False, f"zone {abbr} names more than one offset ({AMBIGUOUS_ZONES[abbr]}): not guessed"
        elif abbr in ZONE_ABBREVIATIONS:
            offset = ZONE_ABBREVIATIONS[abbr]
        else:
            return None, False, f"unknown zone {zone!r} in {value!r}"
    return (clock - pd.Timedelta(minutes=offset)).tz_localize("UTC"), False, None


def _say_zones(path: Path, rejects: Rejects) -> None:
    if zones := rejects.notes.get("ambiguous_zones"):
        log.warning(
            "%s: CrowdTangle wrote post times in %s, an abbreviation of several zones: those posts are rejected, not guessed. "
            "Export again with the dashboard's zone set to one with its own abbreviation (or UTC), or give the times with an offset",
            path, ", ".join(sorted(zones)),
        )  # fmt: skip
