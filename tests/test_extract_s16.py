"""Session 16 (h98): US state codes that are also other regions' codes are never a guess between them.

Session 15 (h96) made "WA" (also Western Australia's) name Washington State only for the state's towns the rule
knows, or beside the US named (tests/test_extract_s15.py). The same silent guess stood for every code that Brazil's
or India's states write after a town the same way: "Belém, PA" (Pará) was read as Pennsylvania's Eastern time,
"Maceió, AL" (Alagoas) as Alabama's Central, "Chennai, TN" (Tamil Nadu) as Tennessee's. Such a town now names no
zone (the zone is not known); the US towns of those states that the rule lists keep theirs, as does any town of them
written with the US, a county, or a list of states' codes. No text of balkan-posts: every sentence and location is
invented, as profiles and posts write them. Posts of July 2025 (US daylight time). Thursday 10 July, Saturday 12.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.posts.extract import extract_one, location_zone

_EASTERN, _CENTRAL = "America/New_York", "America/Chicago"
_MOUNTAIN, _PACIFIC = "America/Denver", "America/Los_Angeles"

LOCATIONS = [
    # location as written, (zone, the place as when_zone shows it) or None
    # another region's town with its code: was the US state's zone, now none
    ("Belém, PA", None),  # Pará, Brazil (was Eastern)
    ("Belém, PA, Brasil", None),
    ("Palermo, PA", None),  # Italy's province of Palermo
    ("Florianópolis, SC", None),  # Santa Catarina (was Eastern)
    ("Joinville, SC", None),
    ("Maceió, AL", None),  # Alagoas (was Central)
    ("São Luís, MA", None),  # Maranhão (was Eastern)
    ("Campo Grande, MS", None),  # Mato Grosso do Sul (was Central)
    ("Cuiabá, MT", None),  # Mato Grosso (was Mountain)
    ("Margao, GA", None),  # Goa (was Eastern)
    ("Imphal, MN", None),  # Manipur (was Central)
    ("Itanagar, AR", None),  # Arunachal Pradesh (was Central)
    # the US towns of those codes: as before
    ("Pittsburgh, PA", (_EASTERN, "Pittsburgh, PA")),
    ("Wilkes-Barre, PA", (_EASTERN, "Wilkes-Barre, PA")),
    ("Boston, MA", (_EASTERN, "Boston, MA")),
    ("Boston, MA, USA", (_EASTERN, "Boston, MA")),
    ("Cambridge, MA", (_EASTERN, "Cambridge, MA")),
    ("Atlanta, GA", (_EASTERN, "Atlanta, GA")),
    ("Savannah, GA", (_EASTERN, "Savannah, GA")),
    ("Charleston, SC", (_EASTERN, "Charleston, SC")),
    ("Rock Hill, SC", (_EASTERN, "Rock Hill, SC")),
    ("Mt. Pleasant, SC", (_EASTERN, "Mt. Pleasant, SC")),
    ('"Charleston, SC"', (_EASTERN, "Charleston, SC")),  # a quote before the town is no part of its word
    ("Hilton Head Island, SC", (_EASTERN, "Head Island, SC")),  # the town read back past the two words shown
    ("Birmingham, AL", (_CENTRAL, "Birmingham, AL")),
    ("Jackson, MS", (_CENTRAL, "Jackson, MS")),
    ("Little Rock, AR", (_CENTRAL, "Little Rock, AR")),
    ("Saint Paul, MN", (_CENTRAL, "Saint Paul, MN")),
    ("St. Cloud, MN", (_CENTRAL, "St. Cloud, MN")),
    ("Minneapolis/Saint Paul, MN", (_CENTRAL, "Minneapolis")),
    ("Billings, MT", (_MOUNTAIN, "Billings, MT")),
    # a town the lists do not hold: with the US, a county or a list of states, the state's; else none
    ("Abbeville, SC, USA", (_EASTERN, "Abbeville, SC")),
    ("Abbeville, SC", None),
    ("Luzerne County, PA", (_EASTERN, "Luzerne County, PA")),
    ("King County, WA", (_PACIFIC, "King County, WA")),  # was none (h96's rule knew no county)
    ("FL, GA", (_EASTERN, "FL, GA")),
    # Tennessee spans two zones: a town with "TN" named none; a listed town names its own since h100 (session 16)
    ("Chennai, TN", None),
    ("Nashville, TN", (_CENTRAL, "Nashville, TN")),
    ("Tazewell, TN", None),
    # "WA" as session 15 left it
    ("Perth, WA", None),
    ("Seattle, WA", (_PACIFIC, "Seattle, WA")),
    # codes no other region writes so: as before
    ("Austin, TX", (_CENTRAL, "Austin, TX")),
    ("Portland, ME", (_EASTERN, "Portland, ME")),
]  # fmt: skip


@pytest.mark.parametrize(("location", "expected"), LOCATIONS)
def test_a_shared_code_names_the_us_state_only_for_its_towns(
    location: str, expected: tuple[str, str] | None
) -> None:
    assert location_zone(location) == expected


def _at(utc: str) -> pd.Timestamp:
    return pd.Timestamp(utc, tz="UTC")


THURSDAY = "2025-07-10 20:00"  # 13:00 in Los Angeles, 16:00 in New York
LATE_THURSDAY = "2025-07-11 02:00"  # still Thursday in the US zones, Friday from UTC eastwards

CASES = [
    # text, posted (UTC), author location, when_ts (UTC) or None, when_zone, when_status, where
    # The call's place: "in Chennai, TN" was read as 18:00 in Chicago, "in Belém, PA" as 18:00 in New York.
    ("Protest tomorrow at 6pm in Chennai, TN", THURSDAY, None, None, "", "no post zone", "in Chennai, TN"),
    ("Protest tomorrow at 6pm in Belém, PA", THURSDAY, None, None, "", "no post zone", "in Belém, PA"),
    ("Protest tomorrow at 6pm in Tazewell, TN", THURSDAY, None, None, "", "no post zone", "in Tazewell, TN"),
    # Portland, TN is one of Tennessee's towns listed since h100 (session 16): Central
    ("Protest tomorrow at 6pm in Portland, TN", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Portland, TN)", "resolved", "in Portland, TN"),
    ("Protest tomorrow at 6pm in Nashville, TN", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Nashville, TN)", "resolved", "in Nashville, TN"),
    ("Protest tomorrow at 6pm in Pittsburgh, PA", THURSDAY, None, "2025-07-11 22:00", f"{_EASTERN} (place: Pittsburgh, PA)", "resolved", "in Pittsburgh, PA"),
    # the country right after the call's place
    ("Protest tomorrow at 6pm in Portland, TN, USA", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Portland, TN)", "resolved", "in Portland, TN"),
    # A day alone: Florianópolis' Saturday is no longer New York's; every zone agrees on it.
    ("Protest on Saturday in Florianópolis, SC", THURSDAY, None, "2025-07-12 00:00", "UTC (language: en)", "date", "in Florianópolis, SC"),
    ("Protest on Saturday in Charleston, SC", THURSDAY, None, "2025-07-12 04:00", f"{_EASTERN} (place: Charleston, SC)", "date", "in Charleston, SC"),
    # The author's location, for a call naming no place.
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Maceió, AL", None, "", "no post zone", ""),
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Belém, PA", None, "", "no post zone", ""),
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Birmingham, AL", "2025-07-11 23:00", f"{_CENTRAL} (author location: Birmingham, AL)", "resolved", ""),
    # The US place that makes an English post's day the US zones' day: "tomorrow" is Friday there, but Saturday
    # from UTC+02:00 eastwards, so without a US place the zones disagree.
    ("Rally tomorrow at the Capitol! Love from Chennai, TN", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Florianópolis, SC", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    # "US" elsewhere in a post is no country named ("JOIN US!"); right after the code it is.
    ("Rally tomorrow at the Capitol! Love from Chennai, TN. JOIN US!", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Portland, TN, USA", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Portland, TN)", "date", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Nashville, TN", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Nashville, TN)", "date", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Charleston, SC", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Charleston, SC)", "date", "at the Capitol"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "posted", "location", "ts", "zone", "status", "where"), CASES)
def test_a_call_in_another_regions_town_is_not_read_on_a_us_clock(
    text: str, posted: str, location: str | None, ts: str | None, zone: str, status: str, where: str
) -> None:
    got = extract_one(text, _at(posted), "en", None, location)
    assert (
        got["when_ts"] if ts else pd.isna(got["when_ts"]),
        got["when_zone"],
        got["when_status"],
        got["where"],
    ) == (_at(ts) if ts else True, zone, status, where)
