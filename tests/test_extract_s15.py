"""Session 15 (h96): "WA" is Washington State's code and Western Australia's abbreviation: never a guess between them.

Session 13 saw "Perth, WA" among the PHEME profile locations read as Washington State's Pacific time (EVALUATION.md,
"the author's location"), and a call's place "in Perth, WA" was read so too. A town written with "WA" is now
Washington's only when it is one of the state's towns the rule knows, or when the location also names the US; any
other names no zone (the zone is not known). No text of balkan-posts: every sentence and location is invented, as
profiles and posts write them. Posts of July 2025 (Los Angeles PDT, UTC-07:00). Thursday 10 July, Saturday 12.

The IRA table's ``region`` is not read as an author's location by ``detector posts`` (a country, FiveThirtyEight's
classification, not the profile's words; a country names no zone anyway): the last test says so on the shipped file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from detector.posts.calls import profile_locations
from detector.posts.extract import extract_one, location_zone
from detector.posts.read import read_posts

_PACIFIC = "America/Los_Angeles"

LOCATIONS = [
    # location as written, (zone, the place as when_zone shows it) or None
    ("Seattle, WA", (_PACIFIC, "Seattle, WA")),
    ("Tacoma, WA", (_PACIFIC, "Tacoma, WA")),
    ("Spokane Valley, WA", (_PACIFIC, "Spokane Valley, WA")),
    ("Walla Walla, WA", (_PACIFIC, "Walla Walla, WA")),
    ("Downtown Seattle, WA", (_PACIFIC, "Downtown Seattle, WA")),  # the town's last words are Washington's
    ("Aberdeen, WA, USA", (_PACIFIC, "Aberdeen, WA")),  # a town the list does not hold, with the country
    ("Olympia WA", None),  # no comma: "WA" alone is never a zone by itself (session 13)
    # never a guess:
    ("Perth, WA", None),  # Western Australia's capital
    ("Perth, Western Australia", None),
    ("Bunbury, WA", None),
    ("Albany, WA", None),  # Western Australia's; the US Albanys are in NY, OR and GA
    ("Aberdeen, WA", None),  # Washington has one and so does Scotland; without "USA" the list decides
    ("Perth, WA / Seattle, WA", None),  # one part the rule cannot place
    ("Washington", None),
    # the other codes as before (session 13)
    ("Portland, ME", ("America/New_York", "Portland, ME")),
    ("Austin, TX", ("America/Chicago", "Austin, TX")),
]


@pytest.mark.parametrize(("location", "expected"), LOCATIONS)
def test_wa_names_washington_only_for_its_towns(location: str, expected: tuple[str, str] | None) -> None:
    assert location_zone(location) == expected


def _at(utc: str) -> pd.Timestamp:
    return pd.Timestamp(utc, tz="UTC")


CASES = [
    # text, author location, when_ts (UTC) or None, when_zone, when_status, where
    # The call's place: "in Perth, WA" was read as 18:00 in Los Angeles (2025-07-12 01:00 UTC).
    ("Protest tomorrow at 6pm in Perth, WA", None, None, "", "no post zone", "in Perth, WA"),
    ("Protest tomorrow at 6pm in Seattle, WA", None, "2025-07-12 01:00", f"{_PACIFIC} (place: Seattle, WA)", "resolved", "in Seattle, WA"),
    ("Rally Saturday at noon in Bunbury, WA", None, None, "", "no post zone", "in Bunbury, WA"),
    # A day alone in Perth: no longer "the US zones" (the post names no US place); every zone agrees on Saturday.
    ("Protest on Saturday in Perth, WA", None, "2025-07-12 00:00", "UTC (language: en)", "date", "in Perth, WA"),
    # The author's location, for a call naming no place.
    ("Rally tomorrow at 6 PM! Be there!", "Perth, WA", None, "", "no post zone", ""),
    ("Rally tomorrow at 6 PM! Be there!", "Tacoma, WA", "2025-07-12 01:00", f"{_PACIFIC} (author location: Tacoma, WA)", "resolved", ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "location", "ts", "zone", "status", "where"), CASES)
def test_a_call_in_perth_wa_is_not_read_on_pacific_time(text: str, location: str | None, ts: str | None, zone: str, status: str, where: str) -> None:
    got = extract_one(text, _at("2025-07-10 20:00"), "en", None, location)
    assert (got["when_ts"] if ts else pd.isna(got["when_ts"]), got["when_zone"], got["when_status"], got["where"]) == (
        _at(ts) if ts else True, zone, status, where
    )


def test_the_ira_region_is_not_an_authors_location() -> None:
    """The IRA reader's partial profiles hold the handle and two counts: no location for the zone rule to read."""
    example = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
    read = read_posts(example)
    assert read.shape == "ira"
    assert read.profiles is not None and len(read.profiles) == 17
    assert read.profiles["location"].isna().all()
    assert profile_locations(read.profiles) is None
    # What the column holds in this file: countries, which name no zone by the rule either.
    regions = pd.read_csv(example, dtype=str)["region"].value_counts().to_dict()
    assert regions == {"United States": 129, "Mexico": 41, "Unknown": 7, "United Arab Emirates": 2, "Azerbaijan": 1, "Russian Federation": 1}
    assert [location_zone(r) for r in sorted(regions)] == [None] * 6
