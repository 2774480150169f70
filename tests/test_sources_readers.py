"""Platform readers: Telegram, Bluesky, Mastodon and TikTok files in, canonical posts and accounts out.

The fixtures in fixtures/sources/ follow the platforms' documented shapes (Telegram Desktop's
export, the Bluesky lexicons app.bsky.feed.searchPosts / getAuthorFeed / app.bsky.actor.getProfiles,
Mastodon's Status and Account entities, the TikTok Research API video query); their contents are
synthetic (see fixtures/sources/README.md). Expected rows are written out here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from detector.posts.coordination import find_clusters
from detector.posts.read import author_accounts, read_posts
from detector.schema import ACCOUNT_COLUMNS, POST_COLUMNS
from detector.sources.base import find_source, html_text, sources

FIX = Path(__file__).parent / "fixtures" / "sources"
T = pd.Timestamp


def rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in df[cols].itertuples(index=False)]


def test_every_platform_registers_itself():
    assert sorted(sources()) == ["bluesky", "facebook", "instagram", "mastodon", "telegram", "tiktok"]


# ---------------------------------------------------------------- Telegram


def test_telegram_folder_of_exports():
    got = read_posts(FIX / "telegram")
    assert got.shape == "telegram"
    assert list(got.posts.columns) == list(POST_COLUMNS)
    posts = got.posts.sort_values("created_at", ignore_index=True)
    forward = "forward:c05551cb7d6f2973"
    assert rows(posts, ["post_id", "author_id", "author_screen_name", "created_at", "repost_of", "reply_to", "urls", "hashtags", "platform"]) == [
        ("1811223344/2", "channel1811223344", "Marcha Plaza", T("2024-05-14T09:00:00Z"), None, None, "https://example.org/convocatoria", "marcha 17m", "telegram"),
        ("1799887766/10", "user5550001", "Ana", T("2024-05-14T09:01:00Z"), None, None, "https://example.org/convocatoria", "marcha 17m", "telegram"),
        ("1822334455/7", "channel1822334455", "Coordinación 17M", T("2024-05-14T09:02:00Z"), None, None, None, "marcha", "telegram"),
        ("1811223344/3", "channel1811223344", "Marcha Plaza", T("2024-05-14T09:05:00Z"), forward, None, None, None, "telegram"),
        ("1799887766/11", "user5550002", "Luis", T("2024-05-14T09:06:00Z"), forward, None, None, None, "telegram"),
        ("1811223344/4", "channel1811223344", "Marcha Plaza", T("2024-05-14T09:10:00Z"), None, "1811223344/2", "https://example.org/comunicado", None, "telegram"),
        # a deleted account's message in a group (no from_id): kept for its text, without an author
        # (README: a post without an author is kept, for its text only; it was rejected)
        ("1799887766/12", None, None, T("2024-05-14T09:20:00Z"), None, None, None, None, "telegram"),
    ]
    # text given as a list of entities is joined; a text_link keeps its words, the link goes to urls
    assert posts["text"].tolist()[0] == "Todos a la plaza mañana a las 18h #marcha #17M https://example.org/convocatoria"
    assert posts["text"].tolist()[5] == "Lee el comunicado y compártelo"
    assert posts["text"].tolist()[2] == "@marchaplaza difunde: #Marcha"
    assert posts["text"].tolist()[6] == "nos vemos allí"
    assert len(got.rejects) == 0
    assert got.users == []  # Telegram exports carry no profiles


def test_telegram_rejects_name_the_export_and_the_message_number_in_it(tmp_path):
    """In a folder of exports, a reject names its result.json and the message's number there (it
    named the folder and a count over every file)."""
    import shutil

    shutil.copytree(FIX / "telegram" / "ChatExport_2024-05-14", tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "result.json").write_text(json.dumps({
        "name": "Grupa", "type": "public_supergroup", "id": 42,
        "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1715678400", "from": "A", "from_id": "user1", "text": "protest"},
            {"id": 2, "type": "message", "from": "B", "from_id": "user2", "text": "no time"},
        ],
    }), encoding="utf-8")  # fmt: skip
    got = read_posts(tmp_path)
    assert [(r.file, r.row, r.field, r.reason) for r in got.rejects.frame().itertuples()] == [
        (str(tmp_path / "b" / "result.json"), 2, "date_unixtime", "missing or unreadable")
    ]
    assert "42/1" in set(got.posts["post_id"])


def test_telegram_skipped_messages_are_counted(caplog):
    caplog.set_level("INFO", logger="detector.sources.telegram")
    read_posts(FIX / "telegram")
    text = caplog.text
    assert "2 service messages skipped" in text
    assert "2 messages of a personal_chat chat skipped" in text
    assert "1 messages without text (media only) skipped" in text


def test_telegram_single_result_json(tmp_path):
    one = FIX / "telegram" / "ChatExport_2024-05-14" / "result.json"
    got = read_posts(one)
    assert got.posts["post_id"].tolist() == ["1811223344/2", "1811223344/3", "1811223344/4"]
    # a folder named anything, holding one export, reads the same
    shutil.copytree(one.parent, tmp_path / "export")
    assert read_posts(tmp_path / "export").posts["post_id"].tolist() == ["1811223344/2", "1811223344/3", "1811223344/4"]


def test_telegram_null_names_and_unsupported_messages_as_tdesktop_writes_them(tmp_path, caplog):
    """Telegram Desktop's JSON writer (export_output_json.cpp) writes a peer whose name is empty
    as null: a deleted account's message keeps its ``from_id`` with ``"from": null``, and a forward
    from such a peer has ``"forwarded_from": null``. Media it cannot write is a bare
    ``{"id", "type": "unsupported"}``. The deleted account was named after the group, the null
    forward was read as the forwarder's own text, and the unsupported message was rejected for a
    missing date."""
    (tmp_path / "result.json").write_text(json.dumps({
        "name": "Vecinos Centro", "type": "public_supergroup", "id": 1799887766,
        "messages": [
            {"id": 20, "type": "message", "date": "2024-05-14T11:20:00", "date_unixtime": "1715678400",
             "from": None, "from_id": "user5550009", "text": "nos vemos allí",
             "text_entities": [{"type": "plain", "text": "nos vemos allí"}]},
            {"id": 21, "type": "message", "date": "2024-05-14T11:21:00", "date_unixtime": "1715678460",
             "from": "Luis", "from_id": "user5550002", "forwarded_from": None,
             "text": "Mañana cortan el centro desde las 17h",
             "text_entities": [{"type": "plain", "text": "Mañana cortan el centro desde las 17h"}]},
            {"id": 22, "type": "unsupported"},
        ],
    }), encoding="utf-8")  # fmt: skip
    caplog.set_level("INFO", logger="detector.sources.telegram")
    got = read_posts(tmp_path / "result.json")
    assert rows(got.posts, ["post_id", "author_id", "author_screen_name", "repost_of"]) == [
        ("1799887766/20", "user5550009", None, None),  # was "Vecinos Centro", the group's name
        ("1799887766/21", "user5550002", "Luis", "forward:53b428b489390ad0"),  # a forward of an unnamed source (was None)
    ]
    assert len(got.rejects) == 0  # the unsupported message was rejected: "date_unixtime: missing or unreadable"
    assert "1 unsupported messages (media the export could not write) skipped" in caplog.text


def test_telegram_a_reply_to_another_chat_points_there(tmp_path):
    """tdesktop writes "reply_to_peer_id" ("channel…", "chat…", "user…") beside "reply_to_message_id"
    when the replied message is in another chat (a discussion group answering its channel's post).
    The reply pointed at the message of that number in this chat: another message altogether."""
    (tmp_path / "result.json").write_text(json.dumps({
        "name": "Vecinos Centro", "type": "public_supergroup", "id": 1799887766,
        "messages": [
            {"id": 30, "type": "message", "date_unixtime": "1715678400", "from": "Ana", "from_id": "user5550001",
             "reply_to_message_id": 2, "reply_to_peer_id": "channel1811223344", "text": "¿a qué hora?"},
            {"id": 31, "type": "message", "date_unixtime": "1715678460", "from": "Luis", "from_id": "user5550002",
             "reply_to_message_id": 30, "text": "a las 18h"},
        ],
    }), encoding="utf-8")  # fmt: skip
    got = read_posts(tmp_path / "result.json")
    assert rows(got.posts, ["post_id", "reply_to"]) == [("1799887766/30", "1811223344/2"), ("1799887766/31", "1799887766/30")]


def test_telegram_exports_without_unix_times_are_said_and_take_tz(tmp_path, caplog):
    """Exports of older Telegram Desktop versions carry only ``date``: the exporting computer's local
    time, without a zone. It was read as UTC without a word (a Madrid export's 11:00 became 11:00
    UTC, two hours late). Now the reader says so, as the other readers do, and --tz places them."""
    from detector.dates import DateRules

    doc = json.loads((FIX / "telegram" / "ChatExport_2024-05-14" / "result.json").read_text(encoding="utf-8"))
    for m in doc["messages"]:
        m.pop("date_unixtime", None)
    (tmp_path / "result.json").write_text(json.dumps(doc), encoding="utf-8")
    caplog.set_level("WARNING")
    got = read_posts(tmp_path / "result.json")
    assert got.posts["created_at"].tolist() == [T("2024-05-14T11:00:00Z"), T("2024-05-14T11:05:00Z"), T("2024-05-14T11:10:00Z")]
    assert (
        f"times in column 'date' of {tmp_path / 'result.json'} (such as '2024-05-14T11:00:00') carry no time zone and were read as UTC; "
        "if they are local times, give --tz ZONE (e.g. --tz Europe/Belgrade)"
    ) in caplog.text
    caplog.clear()
    got = read_posts(tmp_path / "result.json", dates=DateRules(tz="Europe/Madrid"))
    assert got.posts["created_at"].tolist() == [T("2024-05-14T09:00:00Z"), T("2024-05-14T09:05:00Z"), T("2024-05-14T09:10:00Z")]
    assert "carry no time zone" not in caplog.text
    read_posts(FIX / "telegram" / "ChatExport_2024-05-14" / "result.json")  # date_unixtime: nothing to say
    assert "carry no time zone" not in caplog.text


def test_a_channel_exported_twice_counts_each_message_once(tmp_path):
    """Telegram Desktop saves a second export of one chat beside the first ("ChatExport_… (1)"); an
    analyst who exports a channel again the next day has every earlier message twice in the folder.
    Each was read twice (two rows of one post_id): "same message sent 1 more time by the author"
    and every cluster and rate counted it double. The later copy is set aside, named by its file and
    its number there."""
    one = FIX / "telegram" / "ChatExport_2024-05-14"
    shutil.copytree(one, tmp_path / "ChatExport_2024-05-14")
    shutil.copytree(one, tmp_path / "ChatExport_2024-05-15")
    got = read_posts(tmp_path)
    assert got.posts["post_id"].tolist() == ["1811223344/2", "1811223344/3", "1811223344/4"]
    second = str(tmp_path / "ChatExport_2024-05-15" / "result.json")
    first = tmp_path / "ChatExport_2024-05-14" / "result.json"
    assert [(r.file, r.row, r.field, r.action, r.reason) for r in got.rejects.frame().itertuples()] == [
        (second, 2, "id", "rejected", f"duplicate of message 2 of {first} (post 1811223344/2)"),
        (second, 3, "id", "rejected", f"duplicate of message 3 of {first} (post 1811223344/3)"),
        (second, 4, "id", "rejected", f"duplicate of message 4 of {first} (post 1811223344/4)"),
    ]


def test_a_pinned_post_in_an_author_feed_is_one_post(tmp_path):
    """getAuthorFeed lists a pinned post first (``reason`` ``#reasonPin``) and again in its place; two
    overlapping pages saved into one JSONL repeat posts too. The copy was a second row of the same
    post_id; the first is kept, the copy set aside naming its record."""
    feed = json.loads((FIX / "bluesky" / "getAuthorFeed.json").read_text(encoding="utf-8"))
    own = next(item for item in feed["feed"] if not item.get("reason"))
    pinned = {**own, "reason": {"$type": "app.bsky.feed.defs#reasonPin"}}
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({**feed, "feed": [pinned, *feed["feed"]]}) + "\n" + json.dumps(feed) + "\n", encoding="utf-8"
    )
    got = read_posts(tmp_path / "feed.jsonl")
    post = "at://did:plc:marcha7abc2def3ghi4jkl/app.bsky.feed.post/3ksz2abcd2x2a"
    repost = "at://did:plc:marcha7abc2def3ghi4jkl/app.bsky.feed.repost/3ksz2mnop2d2d"
    assert got.posts["post_id"].tolist() == [post, repost]
    assert [(r.row, r.field, r.reason) for r in got.rejects.frame().itertuples()] == [
        (1, "post_id", f"duplicate of record 1 (post {post})"),
        (2, "post_id", f"duplicate of record 1 (post {repost})"),
        (2, "post_id", f"duplicate of record 1 (post {post})"),
    ]


# ---------------------------------------------------------------- Bluesky


def test_bluesky_search_posts():
    got = read_posts(FIX / "bluesky" / "searchPosts.json")
    assert got.shape == "bluesky"
    marcha = "at://did:plc:marcha7abc2def3ghi4jkl/app.bsky.feed.post/3ksz2abcd2x2a"
    assert rows(got.posts, ["post_id", "author_id", "author_screen_name", "created_at", "reply_to", "urls", "hashtags", "lang", "platform"]) == [
        (marcha, "did:plc:marcha7abc2def3ghi4jkl", "marchaplaza.bsky.social", T("2024-05-14T09:02:00Z"), None, "https://example.org/convocatoria", "marcha 17m", "es", "bluesky"),
        ("at://did:plc:vecina2zzz3yyy4xxx5www/app.bsky.feed.post/3ksz2efgh5y2b", "did:plc:vecina2zzz3yyy4xxx5www", "vecina.bsky.social", T("2024-05-14T09:10:00Z"), marcha, None, None, "es", "bluesky"),
        ("at://did:plc:noticias4aaa5bbb6ccc7d/app.bsky.feed.post/3ksz2ijkl7z2c", "did:plc:noticias4aaa5bbb6ccc7d", "noticiasya.bsky.social", T("2024-05-14T09:20:00Z"), None, "https://news.example.com/cortes-17m", None, None, "bluesky"),
    ]


def test_bluesky_author_feed_repost():
    got = read_posts(FIX / "bluesky" / "getAuthorFeed.json")
    assert rows(got.posts, ["post_id", "author_id", "created_at", "repost_of", "text"]) == [
        ("at://did:plc:marcha7abc2def3ghi4jkl/app.bsky.feed.repost/3ksz2mnop2d2d", "did:plc:marcha7abc2def3ghi4jkl", T("2024-05-14T09:21:30Z"),
         "at://did:plc:noticias4aaa5bbb6ccc7d/app.bsky.feed.post/3ksz2ijkl7z2c", "Cortes de tráfico por la marcha"),
        ("at://did:plc:marcha7abc2def3ghi4jkl/app.bsky.feed.post/3ksz2abcd2x2a", "did:plc:marcha7abc2def3ghi4jkl", T("2024-05-14T09:02:00Z"), None,
         "Todos a la plaza mañana a las 18h #marcha #17M example.org/convocatoria"),
    ]


def test_bluesky_profiles_map_to_the_fields_bluesky_has():
    from detector.accounts.read import read_accounts

    accounts = read_accounts(FIX / "bluesky" / "getProfiles.json", as_of=T("2024-05-14T12:00:00Z")).accounts
    assert list(accounts.columns) == list(ACCOUNT_COLUMNS)
    assert rows(accounts, ["account_id", "screen_name", "followers_count", "friends_count", "statuses_count", "created_at", "default_profile_image", "platform"]) == [
        ("did:plc:marcha7abc2def3ghi4jkl", "marchaplaza.bsky.social", 12.0, 2001.0, 5400.0, T("2024-05-01T08:00:00Z"), False, "bluesky"),
        ("did:plc:vecina2zzz3yyy4xxx5www", "vecina.bsky.social", 340.0, 280.0, 900.0, T("2023-09-12T17:30:00Z"), True, "bluesky"),
    ]
    # Bluesky shows no likes, lists, verified flag or location: missing, never zero
    for col in ("favourites_count", "listed_count", "verified", "location", "bot_declared"):
        assert accounts[col].isna().all(), col


def test_bluesky_author_views_leave_the_description_missing(tmp_path):
    """A post's author view (profileViewBasic) carries no description. Read beside full profiles
    (getProfiles), the account reader took its absence for an empty description (session 12, h79):
    an account known only from its posts looked like one that wrote nothing about itself. Missing
    stays missing; a full profile without the key has none (getProfiles omits an empty one)."""
    pages = [json.loads((FIX / "bluesky" / name).read_text(encoding="utf-8")) for name in ("searchPosts.json", "getProfiles.json")]
    (tmp_path / "both.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    got = read_posts(tmp_path / "both.jsonl")
    accounts = author_accounts(got.users, "both.jsonl", as_of=T("2024-05-14T12:00:00Z"))
    assert rows(accounts, ["account_id", "name", "description", "followers_count"]) == [
        ("did:plc:marcha7abc2def3ghi4jkl", "Marcha Plaza", "Convocatorias. Difunde.", 12.0),
        ("did:plc:vecina2zzz3yyy4xxx5www", "", "", 340.0),
        ("did:plc:noticias4aaa5bbb6ccc7d", "Noticias Ya", None, None),
    ]
    # the posts alone: every description unknown
    alone = author_accounts(read_posts(FIX / "bluesky" / "searchPosts.json").users, "searchPosts.json", as_of=T("2024-05-14T12:00:00Z"))
    assert alone["description"].isna().all()
    # a full profile whose description key is left out: empty, as the service means it
    profiles = pages[1]
    del profiles["profiles"][0]["description"]
    (tmp_path / "profiles.json").write_text(json.dumps(profiles), encoding="utf-8")
    from detector.accounts.read import read_accounts

    full = read_accounts(tmp_path / "profiles.json", as_of=T("2024-05-14T12:00:00Z")).accounts
    assert full["description"].tolist() == ["", ""]


def test_bluesky_handle_invalid_is_no_handle(tmp_path):
    """The AppView writes ``"handle": "handle.invalid"`` for every account whose handle fails
    verification. It is no name: three such accounts were all shown as @handle.invalid, and the
    account model read the placeholder's length and letters as each one's screen name."""
    from detector.accounts.read import read_accounts

    def view(did: str, text: str, at: str) -> dict:
        return {
            "uri": f"at://{did}/app.bsky.feed.post/3kaaa", "cid": "bafy",
            "author": {"did": did, "handle": "handle.invalid", "displayName": "Ana", "labels": []},
            "record": {"$type": "app.bsky.feed.post", "createdAt": at, "text": text}, "indexedAt": at,
        }

    (tmp_path / "search.json").write_text(json.dumps({"posts": [
        view("did:plc:aaa1", "Subota u 18h ispred Skupštine", "2024-05-10T09:20:00.000Z"),
        view("did:plc:bbb2", "lepo vreme danas", "2024-05-11T09:20:00.000Z"),
    ]}), encoding="utf-8")  # fmt: skip
    got = read_posts(tmp_path / "search.json")
    assert rows(got.posts, ["author_id", "author_screen_name"]) == [("did:plc:aaa1", None), ("did:plc:bbb2", None)]
    assert rows(author_accounts(got.users, "search.json"), ["account_id", "screen_name", "name"]) == [
        ("did:plc:aaa1", None, "Ana"), ("did:plc:bbb2", None, "Ana"),
    ]
    (tmp_path / "profiles.json").write_text(json.dumps({"profiles": [
        {"did": "did:plc:ccc3", "handle": "handle.invalid", "displayName": "", "followersCount": 3, "followsCount": 40,
         "postsCount": 2, "createdAt": "2024-05-01T08:00:00.000Z"},
    ]}), encoding="utf-8")  # fmt: skip
    accounts = read_accounts(tmp_path / "profiles.json", as_of=T("2024-05-14T12:00:00Z")).accounts
    assert rows(accounts, ["account_id", "screen_name", "followers_count"]) == [("did:plc:ccc3", None, 3.0)]


# ---------------------------------------------------------------- Mastodon


def test_mastodon_statuses():
    got = read_posts(FIX / "mastodon" / "tag_timeline.json")
    assert got.shape == "mastodon"
    original = "https://mastodon.social/users/marchabot/statuses/112442000000000001"
    assert rows(got.posts, ["post_id", "author_id", "created_at", "repost_of", "reply_to", "urls", "hashtags", "lang", "platform"]) == [
        ("https://mastodon.social/users/vecina/statuses/112442000000000003", "vecina@mastodon.social", T("2024-05-14T09:12:00Z"), None, original, None, "marcha", "es", "mastodon"),
        ("https://social.example.net/users/eco/statuses/112441999000000009/activity", "eco@social.example.net", T("2024-05-14T09:05:00Z"), original, None, "https://example.org/convocatoria", "marcha 17m", "es", "mastodon"),
    ]
    # HTML turned into text: the mention and hashtag links are words, the shortened link whole
    assert got.posts["text"].tolist() == [
        "@marchabot ¿a qué hora? #marcha",
        "Todos a la plaza mañana a las 18h #marcha #17M\nhttps://example.org/convocatoria",
    ]


def test_mastodon_accounts_and_the_declared_bot():
    got = read_posts(FIX / "mastodon" / "tag_timeline.json")
    accounts = author_accounts(got.users, "tag_timeline.json", as_of=T("2024-05-14T12:00:00Z")).sort_values("account_id", ignore_index=True)
    assert rows(accounts, ["account_id", "name", "description", "followers_count", "friends_count", "statuses_count", "created_at", "default_profile_image", "bot_declared", "platform"]) == [
        ("eco@social.example.net", "Eco", "", 45.0, 60.0, 210.0, T("2023-01-10T00:00:00Z"), False, False, "mastodon"),
        ("marchabot@mastodon.social", "Marcha Plaza (bot)", "Automated reposts of calls to march.", 12.0, 2001.0, 5400.0, T("2024-05-01T00:00:00Z"), True, True, "mastodon"),
        ("vecina@mastodon.social", "Vecina del centro", "Vivo en el centro & opino.", 340.0, 280.0, 900.0, T("2022-11-05T00:00:00Z"), False, False, "mastodon"),
    ]
    assert accounts["favourites_count"].isna().all() and accounts["listed_count"].isna().all()


def test_mastodon_note_and_display_name_left_out_stay_missing(tmp_path):
    """The API writes ``note`` and ``display_name`` on every Account (``""`` when unset); an export
    that drops them says nothing about the account. Missing stays missing, beside accounts that have them."""
    statuses = json.loads((FIX / "mastodon" / "tag_timeline.json").read_text(encoding="utf-8"))
    del statuses[0]["account"]["note"]  # vecina
    statuses[1]["reblog"]["account"]["display_name"] = None  # marchabot
    (tmp_path / "timeline.json").write_text(json.dumps(statuses), encoding="utf-8")
    got = read_posts(tmp_path / "timeline.json")
    accounts = author_accounts(got.users, "timeline.json", as_of=T("2024-05-14T12:00:00Z")).sort_values("account_id", ignore_index=True)
    assert rows(accounts, ["account_id", "name", "description"]) == [
        ("eco@social.example.net", "Eco", ""),
        ("marchabot@mastodon.social", None, "Automated reposts of calls to march."),
        ("vecina@mastodon.social", "Vecina del centro", None),
    ]


def test_html_text_keeps_paragraphs_and_shared_links_only():
    text, links = html_text('<p>a &amp; b</p><p>c<br />d <a href="https://x.example/t" class="mention hashtag">#t</a> <a href="https://e.example/p">e.example/p</a></p>')
    assert text == "a & b\n\nc\nd #t e.example/p"
    assert links == ["https://e.example/p"]


# ---------------------------------------------------------------- TikTok


def test_tiktok_video_query():
    got = read_posts(FIX / "tiktok" / "video_query.json")
    assert got.shape == "tiktok"
    assert rows(got.posts, ["post_id", "author_id", "text", "created_at", "hashtags", "platform"]) == [
        ("7369123456789012345", "marcha.plaza", "Todos a la plaza mañana a las 18h #marcha #17M", T("2024-05-14T09:03:00Z"), "marcha 17m", "tiktok"),
        ("7369123456789099999", "vecina_centro", "así está la plaza ahora", T("2024-05-14T09:46:40Z"), None, "tiktok"),
    ]


def test_tiktok_error_responses_say_the_apis_error(tmp_path):
    """A researcher's script saves every page, the throttled ones too: HTTP 429 answers
    {"data": {}, "error": {"code": "rate_limit_exceeded", ...}} (TikTok API v2 error struct: code,
    message, log_id). It was rejected as "field 'id': missing or unreadable", naming no cause; the
    analyst must know a page of videos is missing. A last page with no videos is no reject."""
    page = json.loads((FIX / "tiktok" / "video_query.json").read_text(encoding="utf-8"))
    throttled = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "The API rate limit was exceeded. Please try again later.",
                                        "log_id": "20240515123500ABCDEF"}}  # fmt: skip
    last = {"data": {"videos": [], "cursor": 4, "has_more": False, "search_id": "7201388525814961198"}, "error": {"code": "ok", "message": "", "log_id": "x"}}
    (tmp_path / "pages.jsonl").write_text("".join(json.dumps(d) + "\n" for d in (page, throttled, last)), encoding="utf-8")
    got = read_posts(tmp_path / "pages.jsonl")
    assert got.posts["post_id"].tolist() == ["7369123456789012345", "7369123456789099999"]
    assert [(r.row, r.field, r.reason) for r in got.rejects.frame().itertuples()] == [
        (2, "error.code", "the API answered an error, not videos: rate_limit_exceeded: The API rate limit was exceeded. "
                          "Please try again later. (log_id 20240515123500ABCDEF); the videos of this request are missing"),
    ]  # fmt: skip


# ---------------------------------------------------------------- generic CSV, and no platform at all


def test_flat_csv_names_its_platform(tmp_path):
    path = tmp_path / "facebook.csv"
    path.write_text(
        "post_id,author_id,text,created_at,platform\n"
        "10158,page:55,Todos a la plaza,2024-05-14T09:04:00Z,facebook\n"
        "10159,page:56,mañana 18h,2024-05-14T09:05:00Z,\n",
        encoding="utf-8",
    )
    got = read_posts(path)
    assert got.posts["platform"].tolist() == ["facebook", "x"]  # a blank cell is X, as before platforms


def test_x_shapes_are_x(tmp_path):
    got = read_posts(Path(__file__).parent / "fixtures" / "posts" / "v2_texit_page.json")
    assert set(got.posts["platform"]) == {"x"}
    assert find_source(Path(__file__).parent / "fixtures" / "posts" / "v2_texit_page.json") is None


# ---------------------------------------------------------------- one push across platforms


def test_one_push_across_telegram_and_x():
    telegram = read_posts(FIX / "telegram").posts
    x = read_posts(FIX / "mixed" / "x_search_page.json").posts
    posts = pd.concat([telegram, x], ignore_index=True)
    result = find_clusters(posts, kinds=("text",))
    clusters = result.clusters
    assert len(clusters) == 1
    c = clusters.iloc[0]
    assert c["n_accounts"] == 3
    assert c["platforms"] == "telegram x"
    assert c["first_platform"] == "telegram"
    # X ids stay bare, other platforms' ids are named with their platform
    assert c["accounts"] == "1788990011223344556 telegram:channel1811223344 telegram:user5550001"
    members = result.memberships.sort_values("created_at")
    assert rows(members, ["platform", "account_id", "post_id"]) == [
        ("telegram", "channel1811223344", "1811223344/2"),
        ("telegram", "user5550001", "1799887766/10"),
        ("x", "1788990011223344556", "1790327000000000001"),
    ]
    scores = result.account_scores.set_index(["platform", "account_id"])
    assert scores.loc[("x", "1788990011223344556"), "n_clusters"] == 1


def test_the_same_id_on_two_platforms_is_two_accounts():
    base = {"text": ["Todos a la plaza mañana a las 18h"] * 2, "created_at": [T("2024-05-14T09:00:00Z"), T("2024-05-14T09:01:00Z")]}
    posts = pd.DataFrame({"post_id": ["1", "1"], "author_id": ["42", "42"], "platform": ["x", "tiktok"], **base})
    clusters = find_clusters(posts, kinds=("text",)).clusters
    assert clusters["n_accounts"].tolist() == [2]
    assert clusters["accounts"].tolist() == ["42 tiktok:42"]


@pytest.mark.parametrize("name", ["searchPosts.json", "getAuthorFeed.json", "getProfiles.json"])
def test_bluesky_files_are_found_by_content(name):
    src = find_source(FIX / "bluesky" / name)
    assert src is not None and src.platform == "bluesky"


def test_the_report_shows_where_a_push_appeared_first():
    from datetime import UTC, datetime

    from detector.ops.report import (
        ReportData,
        build_content,
        clusters_from_memberships,
        render_html,
    )

    telegram = read_posts(FIX / "telegram").posts
    x = read_posts(FIX / "mixed" / "x_search_page.json").posts
    result = find_clusters(pd.concat([telegram, x], ignore_index=True), kinds=("text",))
    clusters = clusters_from_memberships(result.memberships)
    assert clusters[["platforms", "first_platform"]].values.tolist() == [["telegram x", "telegram"]]
    accounts = pd.DataFrame({"account_id": ["1788990011223344556"], "score": [0.9], "label": ["bot"]})
    data = ReportData(accounts=accounts, clusters=clusters, since=datetime(2024, 5, 14, tzinfo=UTC), until=datetime(2024, 5, 15, tzinfo=UTC))
    html = render_html(build_content(data), {"scores": None, "timeline": None})
    assert "<dt>platforms</dt><dd>" in html and "appeared first on " in html
    assert html.count("appeared first on") == 1


def test_reasons_say_what_an_x_trained_score_means_elsewhere():
    from detector.accounts.model import score_accounts
    from detector.accounts.registry import load_current_model

    got = read_posts(FIX / "mastodon" / "tag_timeline.json")
    accounts = author_accounts(got.users, "tag_timeline.json", as_of=T("2024-05-14T12:00:00Z"))
    scores = score_accounts(accounts, load_current_model()).set_index("account_id")
    assert (scores["platform"] == "mastodon").all()
    why = scores["reasons"]
    assert why["vecina@mastodon.social"].startswith(
        "mastodon profile scored by a model trained on X (no likes or lists count on Mastodon: missing, not zero); "
    )
    assert "declares itself a bot: automation its owner states openly, which is not deception" in why["marchabot@mastodon.social"]
    assert "declares itself a bot" not in why["vecina@mastodon.social"]


def test_a_tweet_quoting_a_platforms_keys_is_still_a_tweet(tmp_path):
    # JSON escapes the quotes inside a text, so a post quoting '"uri": "at://did:' is no Bluesky file
    page = {"data": [{"id": "1", "author_id": "2", "created_at": "2024-05-14T09:00:00Z",
                      "text": 'look: "uri": "at://did:plc:x", "did": "did:plc:x", "handle": "a", "video_description": "b", "messages": [], "date_unixtime": "1"'}]}  # fmt: skip
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    assert find_source(path) is None
    assert read_posts(path).shape == "v2"


def test_posts_command_names_the_platform_of_each_row(tmp_path):
    from click.testing import CliRunner

    from detector.cli import cli

    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli, ["posts", str(FIX / "telegram"), "-o", str(out), "--accounts", str(tmp_path / "authors.csv"), "--no-account-model"])
    assert result.exit_code == 0, result.output
    assert "7 posts scored (telegram)" in result.output
    scores = pd.read_csv(out, dtype=str)
    assert scores["platform"].tolist() == ["telegram"] * 7
    assert set(pd.read_csv(tmp_path / "authors.csv", dtype=str)["platform"]) == {"telegram"}


def test_scoring_accounts_of_a_file_without_profiles_says_what_to_do_instead():
    from click.testing import CliRunner

    from detector.cli import cli

    result = CliRunner().invoke(cli, ["score", str(FIX / "tiktok" / "video_query.json"), "-o", "-"])
    assert result.exit_code == 2
    assert "this tiktok file carries no profiles: `detector posts` scores its posts" in result.output
