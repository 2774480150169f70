"""Watches name their sources per platform, and a run collects each of them."""

from __future__ import annotations

from pathlib import Path

import pytest
import vcr

from detector.errors import ConfigError
from detector.ops.runner import collect_watch
from detector.ops.store import open_store
from detector.ops.watch import PlatformSource, parse_watch

CASSETTES = Path(__file__).parent / "cassettes"


def test_a_watch_without_platforms_collects_x_only():
    w = parse_watch("m", {"queries": ["marcha plaza"], "hashtags": ["#Marcha"], "accounts": ["@marcha_bot"]})
    assert w.sources() == (PlatformSource("x", ("marcha plaza",), ("marcha",), ("marcha_bot",)),)
    assert w.as_dict()["platforms"] == {"x": {"queries": ["marcha plaza"], "hashtags": ["marcha"], "accounts": ["marcha_bot"]}}


def test_platform_tables_name_each_platforms_sources():
    w = parse_watch("m", {
        "queries": ["marcha plaza"], "hashtags": ["Marcha"], "accounts": ["marcha_bot"],
        "platforms": ["x", "bluesky", "mastodon"],
        "bluesky": {"accounts": ["marchaplaza.bsky.social"]},
        "mastodon": {"server": "https://piaille.fr", "hashtags": ["#17M"], "accounts": ["@marchabot@mastodon.social"]},
    })  # fmt: skip
    x, bsky, masto = w.sources()
    assert x.accounts == ("marcha_bot",)
    # top-level queries and hashtags apply where a platform does not replace them; accounts do not
    assert bsky == PlatformSource("bluesky", ("marcha plaza",), ("marcha",), ("marchaplaza.bsky.social",))
    assert bsky.listings() == [("search", "marcha plaza"), ("search", "#marcha"), ("feed", "marchaplaza.bsky.social")]
    assert masto.server == "https://piaille.fr"
    assert masto.listings() == [("hashtag", "17m"), ("account", "marchabot@mastodon.social")]
    # a post by any of the watch's accounts, on any platform, is covered
    import pandas as pd

    posts = pd.DataFrame({"text": ["x", "y"], "author_screen_name": ["marchaplaza.bsky.social", "someone"]})
    assert w.matches(posts).tolist() == [True, False]


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"hashtags": ["a"], "platforms": ["telegram"]}, "platforms", "read its exports with `detector run --from`"),
        ({"hashtags": ["a"], "platforms": ["myspace"]}, "platforms", "cannot be collected"),
        ({"hashtags": ["a"], "bluesky": {"server": "https://x.example"}}, "bluesky.server", "unknown field"),
        ({"hashtags": ["a"], "mastodon": {"accounts": ["not an account!"]}}, "mastodon.accounts", "not a mastodon account"),
        ({"hashtags": ["a"], "mastodon": {"server": "piaille.fr"}}, "mastodon.server", "must be a URL"),
    ],
)
def test_bad_platform_settings_name_the_field(spec, field, message):
    with pytest.raises(ConfigError, match=f"field '{field}'.*{message}"):
        parse_watch("m", spec)


def test_a_run_collects_the_watchs_mastodon_sources(tmp_path):
    w = parse_watch("m", {"platforms": ["mastodon"], "mastodon": {"accounts": ["marchabot"]}})
    recorder = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", match_on=["method", "scheme", "host", "port", "path", "query"])
    with open_store(str(tmp_path / "s.sqlite")) as store, recorder.use_cassette("mastodon_account.yaml"):
        summary = collect_watch(store, w)
        assert "mastodon account marchabot" in summary and "1 post(s)" in summary
        assert store.posts(source="m")["platform"].tolist() == ["mastodon"]
