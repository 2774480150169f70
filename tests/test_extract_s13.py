"""Session 13 (h83): the author's profile location as evidence of a call's zone, where the call gives none.

No text of balkan-posts: every sentence and every location is invented (the locations are written as profiles write
them). Posts of July 2025 (New York EDT, UTC-04:00; Chicago CDT, UTC-05:00; Los Angeles PDT, UTC-07:00; Central Europe
CEST, UTC+02:00). Thursday 10 July, Friday 11, Saturday 12.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.posts.extract import extract, extract_one, extract_spans, location_zone

_EASTERN, _CENTRAL, _PACIFIC = "America/New_York", "America/Chicago", "America/Los_Angeles"

LOCATIONS = [
    # location as written, (zone, the place as when_zone shows it) or None
    ("Austin, TX", (_CENTRAL, "Austin, TX")),
    ("Houston, Texas", (_CENTRAL, "Houston")),  # the state spans two zones; the city decides, and agrees with it
    ("St. Louis, MO, USA", (_CENTRAL, "St. Louis, MO")),
    ("Brooklyn, NY", (_EASTERN, "Brooklyn, NY")),  # a town with the code of a state of one zone
    ("Takoma Park, MD", (_EASTERN, "Takoma Park, MD")),
    ("Washington, DC", (_EASTERN, "Washington, DC")),
    ("California", (_PACIFIC, "California")),  # a state of one zone by its name
    ("Atlanta, Georgia, USA", (_EASTERN, "Atlanta")),  # Georgia and the country beside a place: no other place
    ("Heart's in Baltimore", (_EASTERN, "Baltimore")),
    ("Dallas, St. Louis", (_CENTRAL, "Dallas")),  # two places of one zone
    ("PHILADELPHIA  PA ", (_EASTERN, "PHILADELPHIA")),
    ("Novi Sad, Srbija", ("Europe/Belgrade", "Novi Sad")),  # a town of the towns table, with its country
    ("Београд, Србија", ("Europe/Belgrade", "Београд")),
    ("Prishtinë, Kosovë", ("Europe/Belgrade", "Prishtinë")),
    ("Tiranë, Shqipëri", ("Europe/Tirane", "Tiranë")),
    ("Sarajevo, Bosnia and Herzegovina", ("Europe/Sarajevo", "Sarajevo")),
    # never a guess:
    ("Texas", None),  # Central, and Mountain at El Paso
    ("El Paso, TX", ("America/Denver", "El Paso, TX")),  # a state of two zones: its listed towns name theirs (session 16)
    ("Portland, OR", (_PACIFIC, "Portland, OR")),
    ("Van Horn, TX", None),  # a town the tables do not know, in a state of two zones
    ("United States", None),  # a country of several zones
    ("Srbija", None),  # a country alone is not in the rule
    ("Georgia", None),  # the state or the country
    ("NYC & LA", None),  # two zones
    ("LA + Chicago", None),  # "LA" alone is Los Angeles as often as Louisiana
    ("NY/CA", None),
    ("Toronto & New York", None),  # a part naming a place the tables do not know, maybe of another zone
    ("New York/Sydney", None),
    ("New York, LA, London", None),
    ("NYC via Boston", None),
    ("Kabul-Los Angeles", None),
    ("Tirana & Prishtina", None),  # two zones of the database, though one clock
    ("#Ferguson Protester", None),  # a hashtag is a topic, not where the author is
    ("austin, tx", None),  # capitals, as for a call's place
    ("Worldwide", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("location", "expected"), LOCATIONS)
def test_location_names_one_zone_or_none(location: str | None, expected: tuple[str, str] | None) -> None:
    assert location_zone(location) == expected


def _at(utc: str) -> pd.Timestamp:
    return pd.Timestamp(utc, tz="UTC")


CASES = [
    # text, lang, author location, posted (UTC), when_ts (UTC) or None, when_zone, when_status, where
    # An English call that names no place: its author's location gives the zone, and when_zone says so. Without it the
    # clock time is read on no clock (session 12: "no post zone").
    ("Rally tomorrow at 6 PM! Be there!", "en", "Austin, TX", "2025-07-10 20:00", "2025-07-11 23:00",
     "America/Chicago (author location: Austin, TX)", "resolved", ""),
    ("Rally tomorrow at 6 PM! Be there!", "en", None, "2025-07-10 20:00", None, "", "no post zone", ""),
    # A day alone, posted at 02:00 UTC on Friday (Thursday evening in Chicago): tomorrow is Friday the 11th there.
    ("March tomorrow, bring your neighbours", "en", "Chicago, IL", "2025-07-11 02:00", "2025-07-11 05:00",
     "America/Chicago (author location: Chicago, IL)", "date", ""),
    # A location that names no zone for certain gives nothing.
    ("Rally tomorrow at 6 PM! Be there!", "en", "Texas", "2025-07-10 20:00", None, "", "no post zone", ""),
    ("Rally tomorrow at 6 PM! Be there!", "en", "NYC & LA", "2025-07-10 20:00", None, "", "no post zone", ""),
    # The call names a place: the event may be elsewhere than its author, so the location is not read (here the place
    # is not a town of the tables either: no zone at all).
    ("Rally tomorrow at 6 PM at City Hall!", "en", "Austin, TX", "2025-07-10 20:00", None, "", "no post zone", "at City Hall"),
    ("Rally tomorrow at 6 PM in Chicago!", "en", "Los Angeles, CA", "2025-07-10 20:00", "2025-07-11 23:00",
     "America/Chicago (place: Chicago)", "resolved", "in Chicago"),
    # A zone written in the call wins.
    ("Rally tomorrow at 6 PM ET!", "en", "Austin, TX", "2025-07-10 20:00", "2025-07-11 22:00",
     "America/New_York (written: ET)", "resolved", ""),
    # Before the language's zone: a Serbian call by an author in Chicago, naming no place, is read on Chicago's clock.
    ("Protest sutra u 18h, svi dođite!", "sr", "Chicago, IL", "2025-07-10 20:00", "2025-07-11 23:00",
     "America/Chicago (author location: Chicago, IL)", "resolved", ""),
    ("Protest sutra u 18h, svi dođite!", "sr", "Novi Sad, Srbija", "2025-07-10 20:00", "2025-07-11 16:00",
     "Europe/Belgrade (author location: Novi Sad)", "resolved", ""),
    ("Protest sutra u 18h, svi dođite!", "sr", None, "2025-07-10 20:00", "2025-07-11 16:00", "Europe/Belgrade (language: sr)", "resolved", ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "lang", "location", "posted", "ts", "zone", "status", "where"), CASES)
def test_author_location_gives_the_zone_of_a_call_without_one(
    text: str, lang: str, location: str | None, posted: str, ts: str | None, zone: str, status: str, where: str
) -> None:
    got = extract_one(text, _at(posted), lang, None, location)
    assert (got["when_ts"] if ts else pd.isna(got["when_ts"]), got["when_zone"], got["when_status"], got["where"]) == (
        _at(ts) if ts else True, zone, status, where
    )


def test_tz_wins_over_the_author_location_and_zone_source_says_author() -> None:
    text, posted = "Rally tomorrow at 6 PM! Be there!", _at("2025-07-10 20:00")
    got = extract_spans(text, posted, "en", "America/Los_Angeles", "Austin, TX")
    assert (got["when_ts"], got["when_zone"], got["zone_source"]) == (_at("2025-07-12 01:00"), "America/Los_Angeles (--tz)", "tz")
    got = extract_spans(text, posted, "en", None, "Austin, TX")
    assert (got["when_tz"], got["zone_source"]) == ("America/Chicago", "author")


def test_extract_takes_the_authors_locations_aligned_with_the_texts() -> None:
    texts = pd.Series(["Rally tomorrow at 6 PM! Be there!", "Rally tomorrow at 6 PM! Be there!"], index=[7, 3])
    posted = pd.Series(["2025-07-10 20:00:00+00:00"] * 2, index=[7, 3])
    lang = pd.Series(["en", "en"], index=[7, 3])
    locations = pd.Series([None, "Brooklyn, NY"], index=[7, 3])
    got = extract(texts, posted, lang, None, locations)
    assert got["when_zone"].tolist() == ["", "America/New_York (author location: Brooklyn, NY)"]
    assert got["when_ts"].tolist() == [pd.NaT, _at("2025-07-11 22:00")]
    assert extract(texts, posted, lang)["when_status"].tolist() == ["no post zone", "no post zone"]


POSTS = (
    "post_id,author_id,text,created_at,lang\n"
    '1,a,"Rally tomorrow at 6 PM! Be there, bring a friend!",2025-07-10T20:00:00Z,en\n'
    '2,b,"March tomorrow at 6 PM! Join us and bring a friend!",2025-07-10T20:05:00Z,en\n'
)
PROFILES = (
    "id,screen_name,location,followers_count,friends_count,created_at,collected_at\n"
    'a,ana_marches,"Austin, TX",120,80,2015-03-02T10:00:00Z,2025-07-10T21:00:00Z\n'
    "b,bob_rallies,Texas,300,90,2016-04-02T10:00:00Z,2025-07-10T21:00:00Z\n"
)
# Ana's "Austin, TX" names Central time; Bob's "Texas" names two zones: his call keeps session 12's "no post zone".
EXPECTED = [
    ("1", "2025-07-11 23:00:00+00:00", "America/Chicago (author location: Austin, TX)", "resolved"),
    ("2", "", "", "no post zone"),
]


def test_posts_job_reads_the_authors_locations_in_both_engines(tmp_path) -> None:
    """`detector posts --profiles` (local engine) and the Dask engine give a call that names no place the zone of its
    author's profile location, and the same output."""
    from click.testing import CliRunner

    from detector import engine
    from detector.cli import cli

    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "a.csv").write_text(POSTS, encoding="utf-8")
    (tmp_path / "profiles.csv").write_text(PROFILES, encoding="utf-8")
    res = CliRunner().invoke(cli, ["posts", str(tmp_path / "parts" / "a.csv"), "-o", str(tmp_path / "out.csv"), "--profiles", str(tmp_path / "profiles.csv")])
    assert res.exit_code == 0, res.output
    local = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(local[["post_id", "when_ts", "when_zone", "when_status"]].itertuples(index=False, name=None)) == EXPECTED
    pytest.importorskip("distributed")
    with engine.dask_client(n_workers=1, processes=False) as client:
        engine.analyse_partitioned(tmp_path / "parts", str(tmp_path / "d"), profiles=tmp_path / "profiles.csv", client=client)
    got = engine.read_parts(str(tmp_path / "d")).sort_values("post_id", ignore_index=True)
    assert got["when_zone"].tolist() == [z for _, _, z, _ in EXPECTED]
    assert [str(ts) if pd.notna(ts) else "" for ts in got["when_ts"]] == [ts for _, ts, _, _ in EXPECTED]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # A name followed by "history" is what the event is measured against, not its place (was "in U.S.").
        ("The biggest rally in U.S. history is tomorrow at noon!", ""),
        ("The greatest protest in American history tomorrow", ""),
        # A name ending in "Day" is a day, a time (was "in St. Patrick's Day").
        ("Join us in St. Patrick's Day parade tomorrow", ""),
        # Places with dots, and a day's name before a place, stay as they were.
        ("Rally in D.C. tomorrow", "in D.C."),
        ("March in St. Paul tomorrow", "in St. Paul"),
        ("Protest on Labor Day in Chicago", "in Chicago"),
        ("Rally in U.S. Capitol tomorrow", "Capitol"),
    ],
)
def test_a_phrase_that_names_no_place_is_no_place(text: str, where: str) -> None:
    assert extract_one(text)["where"] == where
