"""Session 16 (h100): a country's code after a town is not a US state; a state of two zones gives its towns their own.

h98 (tests/test_extract_s16.py) made the US codes that are also Brazil's or India's states name the US state only for
the state's towns the rule lists. Countries' codes written after a town collided the same way: "Toronto, CA" was read
as California's Pacific time, "Berlin, DE" as Delaware's Eastern, "Bogotá, CO" as Colorado's Mountain, "Tel Aviv, IL"
as Illinois' Central, "Mumbai, IN" in a call's place as Indiana's Eastern. They now name no zone (not known, never
guessed), and a Balkan town with its own country's code ("Tirana, AL", "Podgorica, ME", "Prishtina, XK", "Novi Sad,
RS") names its own zone, where the code made the location name none. A state of two zones named no zone in a location
("Nashville, TN") and, as a call's place, the zone of most of its people ("in Knoxville, TN" on Central time, though
Knoxville is Eastern); its listed towns now give their own zone. Every location and sentence is invented, as profiles
and posts write them. Posts of July 2025 (US daylight time): Thursday 10 July.

h103 (below): a town of a state of two zones that its list does not hold, or a county of it, named the zone of most
of the state's people as a call's place ("in Knox County, TN" on Central time, though Knox County is Eastern), a
guess the call did not say: now no zone, as in a location. "NE" and "MI" in capitals after a word are words of the
region's posts (Albanian "ne", we; Serbian "ne", not; "mi", we), read as Nebraska and Michigan: now the state's only
for a town of its list. A US city written with another state's code was the city ("Dallas, OR" on Dallas, Texas'
Central time): now a town of that state, by that state's list.
"""

from __future__ import annotations

import pytest
from test_extract_s16 import LATE_THURSDAY, THURSDAY
from test_extract_s16 import (
    test_a_call_in_another_regions_town_is_not_read_on_a_us_clock as check_call,
)

from detector.posts.extract import location_zone

_EASTERN, _CENTRAL = "America/New_York", "America/Chicago"
_MOUNTAIN, _PACIFIC = "America/Denver", "America/Los_Angeles"

LOCATIONS = [
    # location as written, (zone, the place as when_zone shows it) or None
    # a town of another country with the country's code: was the US state's zone, now none
    ("Toronto, CA", None),  # was Pacific
    ("Montréal, CA", None),
    ("Ontario, CA", None),  # Canada's province as often as California's town: not listed
    ("Vancouver, CA", None),  # British Columbia's or Washington's: not California's
    ("Berlin, DE", None),  # was Eastern
    ("München, DE", None),
    ("Bogotá, CO", None),  # was Mountain
    ("Medellín, CO", None),
    ("Tel Aviv, IL", None),  # was Central
    ("Jerusalem, IL", None),
    ("Bar, ME", None),  # Montenegro's Bar, was Maine's Eastern
    # a Balkan town with its own country's code: was none (the code was a part the rule did not know)
    ("Tirana, AL", ("Europe/Tirane", "Tirana, AL")),
    ("Tiranë, AL", ("Europe/Tirane", "Tiranë, AL")),
    ("Tirana, AL, Albania", ("Europe/Tirane", "Tirana, AL")),
    ("Podgorica, ME", ("Europe/Podgorica", "Podgorica, ME")),
    ("Prishtina, XK", ("Europe/Belgrade", "Prishtina, XK")),
    ("Novi Sad, RS", ("Europe/Belgrade", "Novi Sad, RS")),
    ("Sarajevo, BA", ("Europe/Sarajevo", "Sarajevo, BA")),
    ("Skopje, MK", ("Europe/Skopje", "Skopje, MK")),
    ("Zagreb, HR", ("Europe/Zagreb", "Zagreb, HR")),
    # another country's code after the town: none, as before
    ("Tirana, ME", None),
    ("Podgorica, AL", None),
    ("Mumbai, IN", None),  # Indiana spans two zones: none before, none now
    ("Jakarta, ID", None),
    # the US towns of those codes: as before
    ("Los Angeles, CA", (_PACIFIC, "Los Angeles, CA")),
    ("Palo Alto, CA", (_PACIFIC, "Palo Alto, CA")),
    ("Berkeley, CA", (_PACIFIC, "Berkeley, CA")),
    ("Abbeville, CA, USA", (_PACIFIC, "Abbeville, CA")),  # a town not listed, with the country
    ("Wilmington, DE", (_EASTERN, "Wilmington, DE")),
    ("Boulder, CO", (_MOUNTAIN, "Boulder, CO")),
    ("Boulder County, CO", (_MOUNTAIN, "Boulder County, CO")),
    ("Peterson Air Force Base, CO", (_MOUNTAIN, "Force Base, CO")),
    ("Naperville, IL", (_CENTRAL, "Naperville, IL")),
    ("Portland, ME", (_EASTERN, "Portland, ME")),
    ("Bangor, ME", (_EASTERN, "Bangor, ME")),
    # a state of two zones: a listed town names its zone (all were none)
    ("Nashville, TN", (_CENTRAL, "Nashville, TN")),
    ("Memphis, TN", (_CENTRAL, "Memphis, TN")),
    ("Knoxville, TN", (_EASTERN, "Knoxville, TN")),
    ("Chattanooga, TN", (_EASTERN, "Chattanooga, TN")),
    ("El Paso, TX", (_MOUNTAIN, "El Paso, TX")),
    ("San Antonio, TX", (_CENTRAL, "San Antonio, TX")),
    ("Louisville, KY", (_EASTERN, "Louisville, KY")),
    ("Bowling Green, KY", (_CENTRAL, "Bowling Green, KY")),
    ("Indianapolis, IN", (_EASTERN, "Indianapolis, IN")),
    ("Gary, IN", (_CENTRAL, "Gary, IN")),
    ("Evansville, IN", (_CENTRAL, "Evansville, IN")),
    ("Miami, FL", (_EASTERN, "Miami, FL")),
    ("Pensacola, FL", (_CENTRAL, "Pensacola, FL")),
    ("Miramar Beach, FL", (_CENTRAL, "Miramar Beach, FL")),  # the longest last words decide
    ("Miramar, FL", (_EASTERN, "Miramar, FL")),
    ("Detroit, MI", (_EASTERN, "Detroit, MI")),
    ("Iron Mountain, MI", (_CENTRAL, "Iron Mountain, MI")),
    ("Fargo, ND", (_CENTRAL, "Fargo, ND")),
    ("Dickinson, ND", (_MOUNTAIN, "Dickinson, ND")),
    ("Sioux Falls, SD", (_CENTRAL, "Sioux Falls, SD")),
    ("Rapid City, SD", (_MOUNTAIN, "Rapid City, SD")),
    ("Omaha, NE", (_CENTRAL, "Omaha, NE")),
    ("Scottsbluff, NE", (_MOUNTAIN, "Scottsbluff, NE")),
    ("Wichita, KS", (_CENTRAL, "Wichita, KS")),
    ("Goodland, KS", (_MOUNTAIN, "Goodland, KS")),
    ("Portland, OR", (_PACIFIC, "Portland, OR")),
    ("Ontario, OR", (_MOUNTAIN, "Ontario, OR")),  # Malheur County
    ("Boise, ID", (_MOUNTAIN, "Boise, ID")),
    ("Coeur d'Alene, ID", (_PACIFIC, "Alene, ID")),  # the town read back past the words shown
    ("Las Vegas, NV", (_PACIFIC, "Las Vegas, NV")),
    ("Tucson, AZ", ("America/Phoenix", "Tucson, AZ")),
    ("Anchorage, AK", ("America/Anchorage", "Anchorage, AK")),
    ("Gary, IN & Chicago, IL", (_CENTRAL, "Gary, IN")),  # was Chicago's alone: "Gary, IN" spanned two zones
    # never a guess: a town not listed in a state of two zones, the state alone, towns of two zones
    ("Tazewell, TN", None),
    ("Van Horn, TX", None),
    ("Texas", None),
    ("Knoxville, TN / Nashville, TN", None),
]  # fmt: skip


@pytest.mark.parametrize(("location", "expected"), LOCATIONS)
def test_a_location_names_a_zone_only_for_a_town_known(
    location: str, expected: tuple[str, str] | None
) -> None:
    assert location_zone(location) == expected


# Posted THURSDAY (20:00 UTC: 13:00 in Los Angeles, 16:00 in New York) or LATE_THURSDAY (02:00 UTC on Friday: still
# Thursday in the US zones), as in tests/test_extract_s16.py, whose check of a call's fields this file shares.
CASES = [
    # text, posted (UTC), author location, when_ts (UTC) or None, when_zone, when_status, where
    # The call's place, a listed town of a state of two zones: "in Knoxville, TN" was 18:00 in Chicago (23:00 UTC),
    # "in El Paso, TX" too, "in Pensacola, FL" 18:00 in New York (22:00 UTC).
    ("Protest tomorrow at 6pm in Knoxville, TN", THURSDAY, None, "2025-07-11 22:00", f"{_EASTERN} (place: Knoxville, TN)", "resolved", "in Knoxville, TN"),
    ("Protest tomorrow at 6pm in El Paso, TX", THURSDAY, None, "2025-07-12 00:00", f"{_MOUNTAIN} (place: El Paso, TX)", "resolved", "in El Paso, TX"),
    ("Protest tomorrow at 6pm in Pensacola, FL", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Pensacola, FL)", "resolved", "in Pensacola, FL"),
    ("Protest tomorrow at 6pm in Gary, IN", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Gary, IN)", "resolved", "in Gary, IN"),
    ("Protest tomorrow at 6pm in Rapid City, SD", THURSDAY, None, "2025-07-12 00:00", f"{_MOUNTAIN} (place: Rapid City, SD)", "resolved", "in Rapid City, SD"),
    # as before: a listed town of the zone of most of the state; a town not listed named that zone (session 11's
    # rule), since h103 none (see below)
    ("Protest tomorrow at 6pm in Nashville, TN", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Nashville, TN)", "resolved", "in Nashville, TN"),
    ("Protest tomorrow at 6pm in Van Horn, TX", THURSDAY, None, None, "", "no post zone", "in Van Horn, TX"),
    # another country's town: was the US state's zone (Toronto 18:00 in Los Angeles, 01:00 UTC), now none
    ("Protest tomorrow at 6pm in Toronto, CA", THURSDAY, None, None, "", "no post zone", "in Toronto, CA"),
    ("Protest tomorrow at 6pm in Berlin, DE", THURSDAY, None, None, "", "no post zone", "in Berlin, DE"),
    ("Protest tomorrow at 6pm in Bogotá, CO", THURSDAY, None, None, "", "no post zone", "in Bogotá, CO"),
    ("Protest tomorrow at 6pm in Tel Aviv, IL", THURSDAY, None, None, "", "no post zone", "in Tel Aviv, IL"),
    ("Protest tomorrow at 6pm in Mumbai, IN", THURSDAY, None, None, "", "no post zone", "in Mumbai, IN"),
    ("Protest tomorrow at 6pm in Jakarta, ID", THURSDAY, None, None, "", "no post zone", "in Jakarta, ID"),
    # a Balkan town with its country's code: its own zone, as before (the towns table is read first)
    ("Protest tomorrow at 6pm in Podgorica, ME", THURSDAY, None, "2025-07-11 16:00", "Europe/Podgorica (place: Podgorica)", "resolved", "in Podgorica, ME"),
    # The author's location, for a call naming no place.
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Knoxville, TN", "2025-07-11 22:00", f"{_EASTERN} (author location: Knoxville, TN)", "resolved", ""),
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "El Paso, TX", "2025-07-12 00:00", f"{_MOUNTAIN} (author location: El Paso, TX)", "resolved", ""),
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Tirana, AL", "2025-07-11 16:00", "Europe/Tirane (author location: Tirana, AL)", "resolved", ""),
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Toronto, CA", None, "", "no post zone", ""),
    # The US place that makes an English post's day the US zones' day: "tomorrow" is Friday there, but Saturday
    # from UTC+02:00 eastwards, so without a US place the zones disagree.
    ("Rally tomorrow at the Capitol! Love from Toronto, CA", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Tel Aviv, IL", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Podgorica, ME", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Berkeley, CA", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Berkeley, CA)", "date", "at the Capitol"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "posted", "location", "ts", "zone", "status", "where"), CASES)
def test_a_call_is_read_on_its_towns_clock_or_none(
    text: str, posted: str, location: str | None, ts: str | None, zone: str, status: str, where: str
) -> None:
    check_call(text, posted, location, ts, zone, status, where)


# h103 (session 16). Locations: a US city with another state's code is a town of that state, by that state's list.
LOCATIONS_H103 = [
    ("Dallas, OR", (_PACIFIC, "Dallas, OR")),  # was Central: Dallas, Texas
    ("Cleveland, MS", (_CENTRAL, "Cleveland, MS")),  # was Eastern: Cleveland, Ohio
    ("Phoenix, OR", None),  # was America/Phoenix; Oregon's list does not hold it
    ("Buffalo, WY", None),  # was Eastern: Buffalo, New York; Wyoming has no list
    ("NYC, LA", None),  # was Eastern: two places, or a town of Louisiana the rule does not know
    ("Chicago, IL & Gothenburg, NE", None),  # was Central: Gothenburg, NE is not listed, so the part is not explained
    # as before: the city with its own state's code, a town the state lists, a state of two zones alone
    ("Dallas, TX", (_CENTRAL, "Dallas, TX")),
    ("Downtown Dallas, TX", (_CENTRAL, "Downtown Dallas, TX")),  # the same zone, shown whole (was "Dallas")
    ("New York, NY", (_EASTERN, "New York, NY")),
    ("Cleveland, TN", (_EASTERN, "Cleveland, TN")),  # Tennessee's list: Eastern (Ohio's Cleveland too)
    ("East St. Louis, IL", (_CENTRAL, "St. Louis, IL")),  # Illinois' list, read back past the words shown
    ("Lincoln, NE", (_CENTRAL, "Lincoln, NE")),
    ("Ogallala, NE", (_MOUNTAIN, "Ogallala, NE")),
    ("Traverse City, MI", (_EASTERN, "Traverse City, MI")),
    ("Omaha, NE & Kearney, NE", (_CENTRAL, "Omaha, NE")),
    ("Knox County, TN", None),
    ("Sierra Blanca, TX", None),
    # Lake County, Indiana: Central (both were on Indiana's Eastern list)
    ("E. Chicago, IN", (_CENTRAL, "E. Chicago, IN")),  # was Eastern
    ("St. John, IN", (_CENTRAL, "St. John, IN")),  # was Eastern
]  # fmt: skip


@pytest.mark.parametrize(("location", "expected"), LOCATIONS_H103)
def test_a_city_with_another_states_code_is_that_states_town(
    location: str, expected: tuple[str, str] | None
) -> None:
    assert location_zone(location) == expected


CASES_H103 = [
    # text, posted (UTC), author location, when_ts (UTC) or None, when_zone, when_status, where
    # The call's place, a town of a state of two zones not listed, or a county: was 18:00 in the zone of most of the
    # state (Chicago: 23:00 UTC; Phoenix, New York), said as "place: Knox County, TN" and nothing more; now none.
    ("Protest tomorrow at 6pm in Knox County, TN", THURSDAY, None, None, "", "no post zone", "in Knox County, TN"),
    ("Protest tomorrow at 6pm in Sierra Blanca, TX", THURSDAY, None, None, "", "no post zone", "in Sierra Blanca, TX"),
    ("Protest tomorrow at 6pm in Apalachicola, FL", THURSDAY, None, None, "", "no post zone", "in Apalachicola, FL"),
    ("Protest tomorrow at 6pm in Ajo, AZ", THURSDAY, None, None, "", "no post zone", "in Ajo, AZ"),
    ("Protest tomorrow at 6pm in Valparaiso, NE", THURSDAY, None, None, "", "no post zone", "in Valparaiso, NE"),
    # a day alone: the same in every zone, so it stays a date (it was Central's midnight, 05:00 UTC)
    ("Protest on Saturday in Sierra Blanca, TX", THURSDAY, None, "2025-07-12 00:00", "UTC (language: en)", "date", "in Sierra Blanca, TX"),
    # a listed town: its own zone, as before
    ("Protest tomorrow at 6pm in Ogallala, NE", THURSDAY, None, "2025-07-12 00:00", f"{_MOUNTAIN} (place: Ogallala, NE)", "resolved", "in Ogallala, NE"),
    # a US city with another state's code: was the city's zone (Dallas, Texas: 23:00 UTC; Cleveland, Ohio: 22:00)
    ("Protest tomorrow at 6pm in Dallas, OR", THURSDAY, None, "2025-07-12 01:00", f"{_PACIFIC} (place: Dallas, OR)", "resolved", "in Dallas, OR"),
    ("Protest tomorrow at 6pm in Cleveland, MS", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Cleveland, MS)", "resolved", "in Cleveland, MS"),
    ("Protest tomorrow at 6pm in E.Chicago, IN", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: E.Chicago, IN)", "resolved", "in E.Chicago, IN"),
    ("Protest tomorrow at 6pm in Phoenix, OR", THURSDAY, None, None, "", "no post zone", "in Phoenix, OR"),
    ("Protest tomorrow at 6pm in Dallas, TX", THURSDAY, None, "2025-07-11 23:00", f"{_CENTRAL} (place: Dallas)", "resolved", "in Dallas, TX"),
    # "NE" and "MI" in capitals after a word (an English post quoting the region's words: "ne", not; "mi", we) named
    # Nebraska and Michigan, and so the US zones' day (Friday); now no US place, and the zones disagree on the day
    ("Rally tomorrow at the Capitol! STUDENTI, NE ODUSTAJEMO", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! BRAĆO, MI SMO UZ VAS", LATE_THURSDAY, None, None, "", "no post zone", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Omaha, NE", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Omaha, NE)", "date", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Lansing, MI", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Lansing, MI)", "date", "at the Capitol"),
    ("Rally tomorrow at the Capitol! Love from Valparaiso, NE, USA", LATE_THURSDAY, None, "2025-07-11 00:00", "UTC (language: en; the day of the US zones: the post names Valparaiso, NE)", "date", "at the Capitol"),
    # the author's location, for a call naming no place: a county of a state of two zones names none, as before
    ("Rally tomorrow at 6 PM! Be there!", THURSDAY, "Knox County, TN", None, "", "no post zone", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "posted", "location", "ts", "zone", "status", "where"), CASES_H103
)
def test_a_town_a_list_does_not_hold_gives_a_call_no_zone(
    text: str, posted: str, location: str | None, ts: str | None, zone: str, status: str, where: str
) -> None:
    check_call(text, posted, location, ts, zone, status, where)
