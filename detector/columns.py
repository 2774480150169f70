"""Column headers as real exports write them, mapped to the canonical field names.

This module owns the header vocabulary: the API's field names (``followers_count``), the headers
spreadsheets and export tools write in English (``Followers``, ``Joined``), Serbian (``Pratioci``,
``Пратиоци``), Albanian (``Ndjekës``) and German (``Follower``, ``Folgt``, ``Beiträge``), and the user's own ``--columns name=header,…``. Both the
account and the post readers rename their input's headers with it before they read any value.
It never reads a value and never decides whether a file is usable: the readers do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from detector.errors import InputError

# Canonical account field -> headers that mean it (compared after :func:`header_key`).
ACCOUNT_HEADERS: dict[str, tuple[str, ...]] = {
    "account_id": (
        "account_id", "id_str", "id", "user_id", "author_id", "user id", "account id",
        "twitter id", "korisnicki id", "id korisnika", "id e perdoruesit",
    ),
    "screen_name": (
        "screen_name", "username", "user name", "handle", "user", "account", "screen name",
        "twitter handle", "korisnicko ime", "korisnik", "nalog", "корисничко име", "корисник",
        "налог", "perdoruesi", "emri i perdoruesit", "llogaria", "benutzername", "nutzername",
    ),
    "name": ("name", "display name", "full name", "ime", "ime i prezime", "име", "emri", "emri i plote", "anzeigename"),
    "description": (
        "description", "bio", "biography", "about", "profile description", "opis", "biografija",
        "опис", "биографија", "pershkrimi", "pershkrim", "biografia", "beschreibung", "biografie",
    ),
    "followers_count": (
        "followers_count", "followers", "follower count", "followers count", "pratioci",
        "pratilaca", "broj pratilaca", "пратиоци", "пратилаца", "ndjekes", "ndjekesit",
        "numri i ndjekesve", "follower", "anzahl follower",
    ),
    "friends_count": (
        "friends_count", "following_count", "following", "friends", "following count",
        "prati", "praceni", "pracenja", "прати", "праћени", "ndjek", "duke ndjekur", "ndiqen",
        "folgt", "folge ich", "gefolgt",
    ),
    "statuses_count": (
        "statuses_count", "tweet_count", "tweets", "posts", "tweet count", "post count",
        "statuses", "objave", "tvitovi", "broj objava", "објаве", "твитови", "postime",
        "postimet", "cicerima", "tweete", "beitrage", "anzahl beitrage",
    ),
    "favourites_count": ("favourites_count", "favorites_count", "like_count", "likes", "favourites", "favorites", "lajkovi", "свиђања", "pelqime"),
    "listed_count": ("listed_count", "listed", "lists", "liste", "листе", "lista"),
    "created_at": (
        "created_at", "created", "joined", "join date", "joined date", "account created",
        "creation date", "date joined", "kreiran", "napravljen", "pridruzio se", "datum kreiranja",
        "датум креирања", "креиран", "придружио се", "krijuar", "u bashkua", "data e krijimit",
        "anetaresuar", "erstellt", "erstellt am", "beigetreten", "registriert",
    ),
    "collected_at": (
        "collected_at", "crawled_at", "updated", "observed", "retrieved", "collected", "prikupljeno", "mbledhur",
        "abgerufen", "abgerufen am", "erfasst", "erfasst am",
    ),
    "url": ("url", "website", "link", "veb sajt", "sajt", "faqja"),
    "location": ("location", "place", "lokacija", "mesto", "локација", "место", "vendndodhja", "vendi", "standort"),
    "lang": ("lang", "language", "jezik", "језик", "gjuha", "sprache"),
    "verified": ("verified", "verifikovan", "верификован", "i verifikuar", "verifiziert"),
    "default_profile": ("default_profile",),
    "default_profile_image": ("default_profile_image",),
    "profile_use_background_image": ("profile_use_background_image",),
}

# Canonical post field -> headers that mean it.
POST_HEADERS: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "tweet_id", "id", "status id", "tweet id", "post id", "id objave", "id e postimit", "beitrag id", "beitrags id"),
    "author_id": ("author_id", "user_id", "author id", "user id"),
    "author_screen_name": (
        "author_screen_name", "screen_name", "username", "handle", "author", "user", "account",
        "autor", "korisnik", "korisnicko ime", "nalog", "аутор", "корисник", "корисничко име", "налог", "autori", "perdoruesi",
        "emri i perdoruesit", "llogaria", "benutzer", "benutzername", "verfasser",
    ),
    "text": (
        "text", "tweet", "content", "post", "message", "full_text", "tekst", "sadrzaj", "objava", "текст", "садржај", "teksti",
        "permbajtja", "postimi", "inhalt", "beitrag", "beitragstext",
    ),
    "created_at": (
        "created_at", "date", "time", "datetime", "timestamp", "posted", "published", "created",
        "datum", "vreme", "vrijeme", "датум", "време", "data", "koha", "publikuar", "zeit", "zeitpunkt",
        "veroffentlicht",
    ),
    "repost_of": ("repost_of", "retweet_of", "retweeted_id"),
    "reply_to": ("reply_to", "in_reply_to", "in_reply_to_status_id"),
    "urls": ("urls", "links", "linkovi", "lidhjet"),
    "hashtags": ("hashtags", "hashtagovi", "heshtegovi", "hashtag"),
    "lang": ("lang", "language", "jezik", "језик", "gjuha", "sprache"),
    # The flat table's optional platform of each row (README, "the flat CSV"): a field read, so never
    # named as a column not read.
    "platform": ("platform",),
}


# Fields of the platforms' user objects, of the research CSVs built from them and of this tool's
# own tables that no account feature reads: known, so a file that carries them is not told so.
# Any other header a reader cannot map is unknown, and said once (see :func:`unknown_headers`).
KNOWN_UNREAD_ACCOUNT_FIELDS = frozenset({
    # Twitter v1.1 user object
    "protected", "utc_offset", "time_zone", "geo_enabled", "contributors_enabled", "is_translator",
    "is_translation_enabled", "has_extended_profile", "following", "follow_request_sent", "notifications",
    "translator_type", "withheld_in_countries", "entities", "status", "muting", "blocking", "blocked_by",
    "live_following", "needs_phone_verification", "suspended", "email", "pinned_tweet_ids",
    # X API v2 user object
    "username", "public_metrics", "pinned_tweet_id", "profile_image_url", "verified_type", "most_recent_tweet_id",
    "withheld", "connection_status", "subscription_type",
    # cresci, Bot Repository, TwiBot-20 research sets
    "timestamp", "crawled_at", "updated", "dataset", "test_set_1", "test_set_2", "neighbor", "domain",
    # this tool's own tables (datasets/accounts, score output)
    "platform", "bot_declared", "source_row", "label", "kind", "source", "collection", "collected_at_exact",
    "screen_name_length", "description_length", "score", "reasons", "model_version",
})
# This tool's own post tables (post_scores.csv, a report's .posts.csv): read back, they are not news.
KNOWN_UNREAD_POST_FIELDS = frozenset({
    "source_row", "score", "label", "reasons", "is_call", "call_score", "event", "when", "when_ts", "when_zone", "when_status",
    "where", "cluster_ids", "campaign_id", "flagged",
})
# v1.1's many profile_* colour and image fields (profile_text_color, profile_banner_url, …).
_KNOWN_UNREAD_PREFIXES = ("profile ",)


def unknown_headers(headers: Iterable[object], mapping: Mapping[object, str], known_fields: Iterable[str] = KNOWN_UNREAD_ACCOUNT_FIELDS) -> list[str]:
    """The headers no field is read from and no platform knows (``known_fields``: the account
    vocabulary's by default): said once, never guessed at.

    A second header for a field already read (``Followers`` beside ``followers_count``) is among them.

    ``mapping`` is :func:`rename_map`'s answer for ``headers``.
    """
    known = {header_key(f) for f in known_fields}
    out = []
    for h in headers:
        target = mapping.get(h)
        if target is not None and not target.endswith(" (not used)"):
            continue
        key = header_key(h)
        if key and key not in known and not key.startswith(_KNOWN_UNREAD_PREFIXES):
            out.append(str(h))
    return out


def unread_notice(unknown: Iterable[str]) -> str:
    """The one sentence that names a table's columns no field is read from (:func:`unknown_headers`)."""
    names = sorted(unknown)
    return (
        f"column{'s' if len(names) > 1 else ''} not read: {found_list(names)} (no field this tool reads, or a "
        "second column for a field already read); map one with --columns name=header"
    )


def header_key(header: object) -> str:
    """A header as compared: case, accents, BOM, ``@``/``#`` marks and spacing do not count."""
    text = unicodedata.normalize("NFKD", str(header).replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("đ", "dj")
    text = re.sub(r"[\s_\-./:#@()]+", " ", text).strip()
    return text


def parse_column_map(spec: str | None) -> dict[str, str]:
    """``"screen_name=Nalog,followers_count=Broj pratilaca"`` → ``{"screen_name": "Nalog", …}``.

    A header may be written in quotes, as the help shows (``followers_count='Broj pratilaca'``):
    inside a shell's double quotes the single quotes reach us, and one matching pair around a
    header is not part of it.

    Raises
    ------
    InputError
        A part is not ``name=header``.
    """
    if not spec:
        return {}
    out: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        name, sep, header = part.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise InputError(f"--columns takes name=header pairs separated by commas, not '{part.strip()}'", field="columns")
        header = header.strip()
        if len(header) > 2 and header[0] == header[-1] and header[0] in "'\"":
            header = header[1:-1]
        out[name.strip()] = header
    return out


def rename_map(
    headers: Iterable[object],
    vocabulary: Mapping[str, tuple[str, ...]],
    user: Mapping[str, str] | None = None,
    *,
    path: str | None = None,
) -> dict[object, str]:
    """Which input header becomes which canonical field.

    The user's ``--columns`` come first, then exact field names, then the vocabulary in its order.
    A header that maps to nothing keeps its name; two headers never map to one field (the first
    wins), so an input's own canonical column is never shadowed by a translated one.

    Raises
    ------
    InputError
        A ``--columns`` header is not in the file, or its field name is unknown.
    """
    headers = list(headers)
    by_key: dict[str, object] = {}
    for h in headers:
        by_key.setdefault(header_key(h), h)
    out: dict[object, str] = {}
    taken: set[str] = set()
    for name, header in (user or {}).items():
        if name not in vocabulary:
            raise InputError(
                f"--columns: unknown field '{name}' (known: {', '.join(vocabulary)})", path=path, field="columns"
            )
        h = by_key.get(header_key(header))
        if h is None:
            raise InputError(
                f"--columns: no column '{header}' in this file (columns found: {found_list(headers)})",
                path=path, field="columns",
            )
        out[h] = name
        taken.add(name)
    for name, aliases in vocabulary.items():
        if name in taken:
            continue
        for alias in aliases:
            h = by_key.get(header_key(alias))
            if h is not None and h not in out:
                out[h] = name
                taken.add(name)
                break
    for h in headers:  # an unused header spelled like a used field must not shadow it
        if h not in out and str(h) in taken:
            out[h] = f"{h} (not used)"
    return out


def as_written(mapping: Mapping[object, str]) -> dict[str, str]:
    """Field to the header the file writes for it, for the fields whose header differs
    (``{"followers_count": "Followers"}``), from :func:`rename_map`'s answer: what messages name."""
    return {name: str(h) for h, name in mapping.items() if str(h) != name and not name.endswith(" (not used)")}


def found_list(headers: Iterable[object], limit: int = 20) -> str:
    """The headers of a file, for a message: quoted, the first ``limit`` of them."""
    hs = [str(h) for h in headers]
    shown = ", ".join(f"'{h}'" for h in hs[:limit])
    return shown + (f" and {len(hs) - limit} more" if len(hs) > limit else "")
