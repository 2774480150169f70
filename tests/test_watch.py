"""Watches: the TOML file, its errors, which posts a watch covers, and ``detector watch list``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import ConfigError
from detector.ops.watch import Thresholds, Watch, default_watches_path, get_watch, load_watches

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "watches.example.toml"
IRA_POSTS = Path(__file__).parent / "fixtures" / "report_ira_posts.csv"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "watches.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_file_loads_with_normalised_values() -> None:
    watches = load_watches(EXAMPLE)
    assert list(watches) == ["paris-march", "climate-strike"]
    paris = watches["paris-march"]
    assert paris.queries == ("marche paris", '"manifestation samedi"')
    assert paris.hashtags == ("marcheparis", "greve")  # '#' dropped, lower-case
    assert paris.accounts == ()
    assert paris.languages == ("fr", "en")
    assert paris.thresholds == Thresholds(account=0.8, post=0.8, cluster_min_accounts=3, cluster_window_minutes=5.0, cluster_similarity=0.9)
    climate = watches["climate-strike"]
    assert climate.thresholds == Thresholds()
    assert climate.hashtags == ("fridaysforfuture", "climatestrike")


def test_search_query() -> None:
    paris = load_watches(EXAMPLE)["paris-march"]
    assert paris.search_query() == '((marche paris) OR "manifestation samedi" OR #marcheparis OR #greve) (lang:fr OR lang:en)'
    one = Watch(name="x", accounts=("@nope",), languages=("sr",))
    assert one.search_query() == "from:@nope lang:sr"  # Watch() itself does not normalise; parse_watch does
    assert Watch(name="y", hashtags=("a",)).search_query() == "#a"


def test_accounts_and_languages_are_normalised(tmp_path: Path) -> None:
    p = write(tmp_path, '[watches.w]\naccounts = ["@Some_Body", "Some_body"]\nlanguages = ["PT-BR", "sr"]\n')
    w = load_watches(p)["w"]
    assert w.accounts == ("Some_Body",)  # duplicates (any case) dropped, first spelling kept
    assert w.languages == ("pt-BR", "sr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "no watches"),
        ("[watches.w]\nqueries = 3\n", "watch 'w', field 'queries': must be a list of strings"),
        ('[watches.w]\nqueries = ["ok", ""]\n', "watch 'w', field 'queries': item 2 must be a non-empty string"),
        ('[watches.w]\nhashtag = ["x"]\n', "watch 'w', field 'hashtag': unknown field"),
        ('[watches.w]\nhashtags = ["#no spaces"]\n', "watch 'w', field 'hashtags': item 1 ('#no spaces') is not a hashtag"),
        ('[watches.w]\naccounts = ["@a-b"]\n', "watch 'w', field 'accounts': item 1 ('@a-b') is not a screen name"),
        ('[watches.w]\nqueries = ["x"]\nlanguages = ["French"]\n', "watch 'w', field 'languages': item 1 ('French')"),
        ('[watches.w]\nlanguages = ["fr"]\n', "watch 'w', field 'queries': a watch needs at least one query, hashtag or account"),
        ('[watches.w]\nqueries = ["x"]\n[watches.w.thresholds]\naccount = 1.5\n', "watch 'w', field 'thresholds.account': must be between 0 and 1, got 1.5"),
        ('[watches.w]\nqueries = ["x"]\n[watches.w.thresholds]\npost = "high"\n', "watch 'w', field 'thresholds.post': must be a number"),
        ('[watches.w]\nqueries = ["x"]\n[watches.w.thresholds]\ncluster_min_accounts = 1\n', "field 'thresholds.cluster_min_accounts': must be a whole number of at least 2"),
        ('[watches.w]\nqueries = ["x"]\n[watches.w.thresholds]\ncluster_window_minutes = 0.5\n', "field 'thresholds.cluster_window_minutes': must be at least 1 minute"),
        ('[watches.w]\nqueries = ["x"]\n[watches.w.thresholds]\nacount = 0.5\n', "field 'thresholds.acount': unknown threshold"),
        ('[watches."bad name"]\nqueries = ["x"]\n', "watch 'bad name': a watch name is"),
        ('[watch.w]\nqueries = ["x"]\n', "unknown top-level key(s) watch"),
        ("[watches.w\n", "not valid TOML"),
    ],
)
def test_errors_name_file_watch_and_field(tmp_path: Path, text: str, expected: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_watches(p)
    assert str(exc.value).startswith(str(p))
    assert expected in str(exc.value)


def test_missing_file_and_unknown_watch(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="watch file not found"):
        load_watches(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"no watch named 'nope' \(known: paris-march, climate-strike\)"):
        get_watch("nope", EXAMPLE)


def test_default_location_follows_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path))
    assert default_watches_path() == tmp_path / "watches.toml"
    with pytest.raises(ConfigError, match=r"start from the example: cp watches.example.toml .*watches.toml, or pass --config watches.example.toml"):
        load_watches()
    (tmp_path / "watches.toml").write_bytes(EXAMPLE.read_bytes())
    assert list(load_watches()) == ["paris-march", "climate-strike"]


def ira_posts() -> pd.DataFrame:
    return pd.read_csv(IRA_POSTS, dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("watch", "expected"),
    [
        # 37 real IRA posts of 2015-08-09; counts checked by reading the fixture.
        (Watch(name="a", hashtags=("fergusonremembers",)), 36),  # all but "Boston tea party #RejectedWeekends"
        (Watch(name="b", hashtags=("mikebrown",)), 9),
        (Watch(name="c", queries=("police brutality",)), 6),  # both words, anywhere, any case
        (Watch(name="d", queries=('"police brutality is"',)), 4),  # the phrase only
        (Watch(name="e", accounts=("freida_hw",)), 5),
        (Watch(name="f", hashtags=("mikebrown",), accounts=("Freida_Hw",)), 13),  # OR: 9 + 5 - 1 in both
        (Watch(name="g", hashtags=("fergusonremembers",), languages=("fr",)), 0),  # every post is 'en'
        (Watch(name="h", hashtags=("fergusonremembers",), languages=("en-GB",)), 36),  # same primary language
    ],
)
def test_matches_on_real_posts(watch: Watch, expected: int) -> None:
    posts = ira_posts()
    assert len(posts) == 37
    assert int(watch.matches(posts).sum()) == expected


def test_matches_keeps_posts_without_language() -> None:
    posts = pd.DataFrame({"text": ["march now", "march now"], "lang": ["", "de"], "hashtags": ["", ""], "author_screen_name": ["a", "b"]})
    assert Watch(name="x", queries=("march",), languages=("en",)).matches(posts).tolist() == [True, False]


def test_cli_watch_list(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["watch", "list", "--config", str(EXAMPLE)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split() == ["NAME", "QUERIES", "HASHTAGS", "ACCOUNTS", "LANGUAGES", "THRESHOLDS"]
    assert lines[1].startswith("paris-march")
    assert "#marcheparis" in lines[1] and "account=0.8" in lines[1]
    assert lines[2].startswith("climate-strike")

    res = runner.invoke(cli, ["watch", "list", "--config", str(EXAMPLE), "--json"])
    assert res.exit_code == 0
    doc = json.loads(res.output)
    assert [w["name"] for w in doc] == ["paris-march", "climate-strike"]
    assert doc[0]["thresholds"]["account"] == 0.8

    bad = write(tmp_path, '[watches.w]\nqueries = 3\n')
    res = runner.invoke(cli, ["watch", "list", "--config", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}: watch 'w', field 'queries'" in res.output
