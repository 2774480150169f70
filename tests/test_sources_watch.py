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


def test_an_offline_run_over_two_platforms_stores_one_push_and_where_it_began(tmp_path, monkeypatch):
    import json

    import pandas as pd
    from click.testing import CliRunner

    from detector.cli import cli
    from detector.posts.read import read_posts

    fix = Path(__file__).parent / "fixtures" / "sources"
    mixed = pd.concat([read_posts(fix / "telegram").posts, read_posts(fix / "mixed" / "x_search_page.json").posts])
    posts = tmp_path / "mixed.csv"
    mixed.drop(columns=["source_row"]).to_csv(posts, index=False)
    (tmp_path / "watches.toml").write_text('[watches.m]\nhashtags = ["marcha"]\n', encoding="utf-8")
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path))
    res = CliRunner().invoke(cli, ["run", "--watch", "m", "--from", str(posts)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with open_store(None, tmp_path) as s:
        assert sorted(set(s.posts(source="m")["platform"])) == ["telegram", "x"]
        text = s.clusters(watch="m").query("kind == 'text'").iloc[0]
    assert [m for m in text["members"] if m.startswith("account:")] == ["account:telegram:channel1811223344", "account:telegram:user5550001", "account:1788990011223344556"]
    evidence = json.loads(text["evidence"])
    assert (evidence["platforms"], evidence["appeared_first_on"]) == ("telegram x", "telegram")
    html = (tmp_path / "reports" / "m" / "report-m-latest.html").read_text(encoding="utf-8")
    assert "(appeared first on <bdi>telegram</bdi>)" in html
