"""What, when and where of a call, as written, and the time resolved against the post's time.

The phrases are written for these tests in Albanian, Serbian (both scripts) and English, quoted
from issue 10 (three real calls the old lexicon missed), or public IRA tweets. No text of
balkan-posts is used here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.posts.extract import (
    PLACE_RX,
    WHEN_RX,
    event_zone,
    extract,
    extract_one,
    fold,
    resolve_when,
)

POSTED = pd.Timestamp("2025-05-14 09:00", tz="UTC")  # a Wednesday, 11:00 in Belgrade


def _tz(lang: str | None, text: str) -> str | None:
    """The zone these tables read an English post in: UTC, as ``--tz UTC`` gives it. They test how a time is read; an
    English post's own zone is not known, and since session 12 its clock times are then not resolved
    (``tests/test_extract_s12.py``). Not for the rows that test the zone itself: a place that gives one, or none known."""
    return "UTC" if lang == "en" and text not in _ZONE_ROWS else None


_ZONE_ROWS = frozenset({
    "March with us to Mitrovica/Mitrovicë tomorrow", "Protest 5/17 9am-1pm in Boston, MA", "Rally outside City Hall at noon",
    "Join us at 12 noon at Union Square", "Join us Wednesday 4PM, Anti-Trump Protest Austin, TX",
})  # fmt: skip

# text, lang, event, when as written, when_ts (UTC) or None, status, where as written
CASES = [
    ("Блокада Вршац - Пијаца у 20.00", "sr-Cyrl", "blockade", "у 20.00", "2025-05-14 18:00", "resolved", "Пијаца"),
    ("Shihemi neser ne proteste", "sq", "protest", "neser", "2025-05-14 22:00", "date", ""),
    ("Студенти из Лазаревца вас позивају на протест 10.06.", "sr-Cyrl", "protest", "10.06", "2025-06-09 22:00", "date", ""),
    ("Protest nesër në orën 18 para Komunës", "sq", "protest", "nesër në orën 18", "2025-05-15 16:00", "resolved", "para Komunës"),
    ("Protest sutra u 18h ispred Skupštine", "sr", "protest", "sutra u 18h", "2025-05-15 16:00", "resolved", "ispred Skupštine"),
    ("Tubim në Sheshi Skënderbej të premten, në ora 17:00", "sq", "gathering", "të premten, në ora 17:00", "2025-05-16 15:00", "resolved", "në Sheshi Skënderbej"),
    ("Protest 17. маја у Митровица", "sr-Cyrl", "protest", "17. маја", "2025-05-16 22:00", "date", "у Митровица"),
    ("Join the rally this Saturday at 2pm outside City Hall", "en", "rally", "this Saturday at 2pm", "2025-05-17 14:00", "resolved", "outside City Hall"),
    # The place is a town of Kosovo: its day starts at midnight on Belgrade's clock, 22:00 UTC in May (h56; was UTC's).
    ("March with us to Mitrovica/Mitrovicë tomorrow", "en", "march", "tomorrow", "2025-05-14 22:00", "date", "to Mitrovica/Mitrovicë"),
    ("Okupljanje ispred Vlade svakog petka", "sr", "gathering", "petka", None, "unresolved", "ispred Vlade"),
    ("Dođite na protest!", "sr", "protest", "", None, "", ""),
    # The other examples of issue 10, section 3, as written there.
    ("Marsh drejt Mitrovica/Mitrovicë/Митровица nesër në orën 10", "sq", "march", "nesër në orën 10", "2025-05-15 08:00", "resolved", "Mitrovica/Mitrovicë/Митровица"),
    ("Rally this Saturday", "en", "rally", "this Saturday", "2025-05-17 00:00", "date", ""),
    ("Протест 17. маја у 18 часова испред Скупштине", "sr-Cyrl", "protest", "17. маја у 18 часова", "2025-05-17 16:00", "resolved", "испред Скупштине"),
    ("Okupljanje danas u 18 h na Trgu Republike", "sr", "gathering", "danas u 18 h", "2025-05-14 16:00", "resolved", "na Trgu Republike"),
    # Real IRA posts (public): a name before the kind of place; "officers" is not an office.
    ("'@UGANAACP and @UBSLA_UGA hosting vigil TONIGHT at 8 PM. Tate Plaza.", "en", "vigil", "TONIGHT at 8 PM", "2025-05-14 20:00", "resolved", "Tate Plaza"),
    ("Come support our peace officers. Our choice is law & order. #BlueLivesMatter  Rally link:", "en", "rally", "", None, "", ""),
    # Buildings the place patterns did not know (session 6): found before the town the post also names.
    ("Students of Prishtina: protest tomorrow at 18:00 in front of the Assembly, everyone come!", "en", "protest", "tomorrow at 18:00",
     "2025-05-15 18:00", "resolved", "in front of the Assembly"),
    ("Protestë para Konsullatës serbe nesër në orën 12", "sq", "protest", "nesër në orën 12", "2025-05-15 10:00", "resolved", "para Konsullatës"),
    ("Rally outside the Parliament at noon", "en", "rally", "at noon", "2025-05-14 12:00", "resolved", "outside the Parliament"),
]


def test_relative_time_without_post_time_says_so() -> None:
    got = extract_one("Protest sutra u 18h ispred Skupštine", None, "sr")
    assert pd.isna(got["when_ts"])
    assert got["when_status"] == "no post time"


def test_a_full_date_resolves_without_post_time() -> None:
    ts, status = resolve_when("21.11.2013 u 10h", None, "bs")
    assert status == "resolved"
    assert ts == pd.Timestamp("2013-11-21 09:00", tz="UTC")


def test_a_clock_time_already_past_is_the_next_day() -> None:
    # Posted at 21:00 Belgrade time: "at 20h" is tomorrow evening.
    ts, status = resolve_when("u 20h", pd.Timestamp("2025-05-14 19:00", tz="UTC"), "sr")
    assert (ts, status) == (pd.Timestamp("2025-05-15 18:00", tz="UTC"), "resolved")


def test_pm_and_english_posts_keep_the_post_clock() -> None:
    ts, status = resolve_when("tomorrow at 7:30 pm", POSTED, "en")
    assert (ts, status) == (pd.Timestamp("2025-05-15 19:30", tz="UTC"), "resolved")


def test_a_day_written_apart_from_the_clock_time_is_its_day() -> None:
    # Posted Wednesday 11:00 in Belgrade: "nesër" (tomorrow) and "në orën 18" are one time, 18:00 on Thursday.
    got = extract_one("Shihemi nesër në protestë para Komunës në orën 18", POSTED, "sq")
    assert (got["when"], got["when_status"]) == ("nesër … në orën 18", "resolved")
    assert got["when_ts"] == pd.Timestamp("2025-05-15 16:00", tz="UTC")
    assert got["where"] == "para Komunës"


def test_a_weekday_written_with_a_date_picks_the_year_they_agree_on() -> None:
    # A real IRA quote of an old call (tests/fixtures/posts/ira_mariowoods_calls.csv), posted on
    # 10 February 2016: "Saturday, December 5th" fell on a Saturday in 2015, not in 2016 (a Monday).
    posted = pd.Timestamp("2016-02-10 08:33", tz="UTC")
    ts, status = resolve_when("saturday, december 5th", posted, "en")
    assert (ts, status) == (pd.Timestamp("2015-12-05", tz="UTC"), "date")
    # Without the weekday, the date is its next occurrence.
    assert resolve_when("december 5th", posted, "en") == (pd.Timestamp("2016-12-05", tz="UTC"), "date")
    # 17 May 2025 was a Saturday: the weekday agrees with the coming date.
    ts, status = resolve_when("subota 17. maja u 12h", POSTED, "sr")
    assert (ts, status) == (pd.Timestamp("2025-05-17 10:00", tz="UTC"), "resolved")


def test_a_weekday_that_disagrees_with_a_dated_year_is_not_guessed() -> None:
    # 21 November 2013 was a Thursday, not a Monday.
    assert resolve_when("monday 21.11.2013 u 10h", None, "bs") == (None, "unresolved")
    assert resolve_when("monday 21.11.2013 u 10h", POSTED, "bs") == (None, "unresolved")
    assert resolve_when("cetvrtak 21.11.2013 u 10h", None, "bs") == (pd.Timestamp("2013-11-21 09:00", tz="UTC"), "resolved")


def test_fold_keeps_original_positions() -> None:
    f = fold("Љубав и ШЕШИ")
    assert f.text == "ljubav i sesi"
    assert f.original("Љубав и ШЕШИ", 0, 2) == "Љ"


def test_extract_is_aligned_with_its_input() -> None:
    texts = pd.Series(["Protest sutra u 18h", None, "Join us tonight"], index=[10, 11, 12])
    out = extract(texts, pd.Series([POSTED] * 3, index=[10, 11, 12]), pd.Series(["sr", "sr", "en"], index=[10, 11, 12]))
    assert list(out.index) == [10, 11, 12]
    assert list(out["when"]) == ["sutra u 18h", "", "tonight"]
    assert str(out["when_ts"].dtype) == "datetime64[ns, UTC]"


# Session 7: wrong answers found by trying the tool as an analyst, and their neighbours. Posted on
# Sunday 24 November 2024 at 20:15 in Belgrade (19:15 UTC), as the lead's try was.
SUNDAY_EVENING = pd.Timestamp("2024-11-24 20:15", tz="Europe/Belgrade")

# text, lang, event, when as written, when_ts (UTC) or None, status, where as written
ANALYST_CASES = [
    # "të gjithë" (everyone) before the place is not the place; the town after it is.
    ("Nesër në orën 18 të gjithë para Komunës në Mitrovicë, ejani të gjithë!", "sq", "gathering", "Nesër në orën 18", "2024-11-25 17:00", "resolved",
     "para Komunës në Mitrovicë"),
    ("Protestë nesër në orën 18 para Komunës në Mitrovicë, ejani të gjithë!", "sq", "protest", "nesër në orën 18", "2024-11-25 17:00",
     "resolved", "para Komunës në Mitrovicë"),
    ("Të hënën, të gjithë para Komunës!", "sq", "gathering", "Të hënën", "2024-11-24 23:00", "date", "para Komunës"),
    # "të hënën" (on Monday) is the time, not the start of the place.
    ("Dilni të hënën në Sheshi Skënderbej", "sq", "gathering", "të hënën", "2024-11-24 23:00", "date", "në Sheshi Skënderbej"),
    ("Protest të hënën në orën 12 para Kuvendit", "sq", "protest", "të hënën në orën 12", "2024-11-25 11:00", "resolved", "para Kuvendit"),
    # "në 12" after a day is a clock time; "në 2 qytete" (in 2 towns) is not.
    ("Të shtunën në 12 para Bashkisë së Tiranës", "sq", "gathering", "Të shtunën në 12", "2024-11-30 11:00", "resolved", "para Bashkisë së Tiranës"),
    ("Protestë në 2 qytete nesër", "sq", "protest", "nesër", "2024-11-24 23:00", "date", ""),
    ("Ejani nesër në mesditë te Kryeministria", "sq", "gathering", "nesër në mesditë", "2024-11-25 11:00", "resolved", "te Kryeministria"),
    # Serbian Latin, with "svi" (everyone) between the time and the place.
    ("Sutra u 18h svi ispred Skupštine", "sr", "gathering", "Sutra u 18h", "2024-11-25 17:00", "resolved", "ispred Skupštine"),
    ("Sutra u 18h svi ispred Skupštine", "sr-Latn", "gathering", "Sutra u 18h", "2024-11-25 17:00", "resolved", "ispred Skupštine"),
    ("Protest ispred Skupštine svi zajedno", "sr", "protest", "", None, "", "ispred Skupštine"),
    # "u podne" (at noon) has passed on Sunday evening: Monday noon.
    ("Skup na trgu slobode u podne", "sr", "gathering", "u podne", "2024-11-25 11:00", "resolved", "na trgu slobode"),
    ("Svi na most u 18h!", "sr", "gathering", "u 18h", "2024-11-25 17:00", "resolved", "na most"),
    ("Протест у понедељак у 18ч испред Скупштине", "sr-Cyrl", "protest", "у понедељак у 18ч", "2024-11-25 17:00", "resolved",
     "испред Скупштине"),
    # English: "most" is not the Serbian bridge, "Vladimir" not the government, "at noon" not a place.
    ("Most people will protest tomorrow at 5pm at City Hall", "en", "protest", "tomorrow at 5pm", "2024-11-25 17:00", "resolved", "at City Hall"),
    ("Most of them came to the rally, mostly students", "en", "rally", "", None, "", ""),
    ("Rally with Vladimir at Union Square", "en", "rally", "", None, "", "at Union Square"),
    # Posted at 19:15 UTC: 11:15 in Los Angeles (noon still to come: the 24th) but 14:15 in New York (noon gone: the
    # 25th). The English post's zone is not known, so its day is not guessed (session 11, h62; it was the 25th, read on
    # the UTC clock).
    ("Rally outside City Hall at noon", "en", "rally", "at noon", None, "no post zone", "outside City Hall"),
    ("Join us at 12 noon at Union Square", "en", "gathering", "at 12 noon", None, "no post zone", "at Union Square"),
    # A place's words stay on their line; function words, call verbs and event words are not names.
    ("Protest sutra u 18h ispred Vlade\nBeograd, Novi Sad", "sr", "protest", "sutra u 18h", "2024-11-25 17:00", "resolved", "ispred Vlade"),
    ("Okupljanje kod Trga republike kako bismo", "sr", "gathering", "", None, "", "kod Trga republike"),
    ("Блокада суда у петак у 12 часова", "sr-Cyrl", "blockade", "у петак у 12 часова", "2024-11-29 11:00", "resolved", "суда"),
    # Albanian offices, not office-holders or abstractions: the Prime Minister's office, not the Prime Minister.
    ("Protestë nesër para Kryeministrisë", "sq", "protest", "nesër", "2024-11-24 23:00", "date", "para Kryeministrisë"),
    ("Protestë nesër, takim me kryeministrin Edi Rama", "sq", "protest", "nesër", "2024-11-24 23:00", "date", ""),
    ("Protestë e komunitetit nesër në Fier", "sq", "protest", "nesër", "2024-11-24 23:00", "date", "në Fier"),
    # Midnight ends the day named: tonight at midnight is Monday 00:00 (English posts keep the post's UTC clock).
    ("Vigil tonight at midnight outside the embassy", "en", "vigil", "tonight at midnight", "2024-11-25 00:00", "resolved", "outside the embassy"),
]


# Session 8 (h39): what the held-out span measure (bench/extract_eval.py) found missed, in sentences
# written for this test (none from balkan-posts). Posted Wednesday 14 May 2025, 11:00 in Belgrade.
# text, lang, event, when as written, when_ts (UTC) or None, status, where as written
SESSION8_CASES = [
    # A day of the month after "në" is a date, not an hour; "këtë" stays with its weekday.
    # (session 9: "për liri", for freedom, makes it a protest: see KIND_CASES)
    ("Ejani në 25 maj, ora 19:00 për liri!", "sq", "protest", "në 25 maj, ora 19:00", "2025-05-25 17:00", "resolved", ""),
    ("Protestë në 21 qershor para Kuvendit", "sq", "protest", "në 21 qershor", "2025-06-20 22:00", "date", "para Kuvendit"),
    ("Këtë të shtunë në orën 11 të gjithë në Prizren", "sq", "gathering", "Këtë të shtunë në orën 11", "2025-05-17 09:00", "resolved", "në Prizren"),
    # English: an abbreviated weekday before a date, "7p", an "am" range, "march 4:30", a one-digit H:MM.
    ("Join the march Sat. May 17th at the park", "en", "march", "Sat. May 17th", "2025-05-17 00:00", "date", "at the park"),
    ("Vigil Mon 5/19 7p outside City Hall", "en", "vigil", "Mon 5/19 7p", "2025-05-19 19:00", "resolved", "outside City Hall"),
    ("Today we march 4:30 from the park", "en", "march", "Today … 4:30", "2025-05-14 16:30", "resolved", "the park"),
    # Boston's zone since session 11 (h62): 9 am EDT.
    ("Protest 5/17 9am-1pm in Boston, MA", "en", "protest", "5/17 9am-1pm", "2025-05-17 13:00", "resolved", "in Boston, MA"),
    ("Rally tonight at 6:30 in front of the courthouse", "en", "rally", "tonight at 6:30", "2025-05-14 18:30", "resolved",
     "in front of the courthouse"),
    # "today at 5:30" posted at 11:00 is the 5:30 still to come; an emoji glued to the hour.
    ("Sot në 5:30 të gjithë te Kulla e Sahatit", "sq", "gathering", "Sot në 5:30", "2025-05-14 15:30", "resolved", "te Kulla e Sahatit"),
    ("Nesër bashkë \u270c\ufe0f19:00", "sq", "gathering", "Nesër … 19:00", "2025-05-15 17:00", "resolved", ""),
    # Places named by a preposition and a proper name: Serbian locatives, Albanian te/tek/në, US "Town, ST".
    ("Svi sutra u 18h na Slaviji!", "sr", "gathering", "sutra u 18h", "2025-05-15 16:00", "resolved", "na Slaviji"),
    ("Сви сутра у 18 часова на Теразијама", "sr-Cyrl", "gathering", "сутра у 18 часова", "2025-05-15 16:00", "resolved", "на Теразијама"),
    ("Okupljanje kod Doma omladine u 19h", "sr", "gathering", "u 19h", "2025-05-14 17:00", "resolved", "kod Doma omladine"),
    ("Dođite kod Nemca se ne ide sutra u 19h", "sr", "gathering", "sutra u 19h", "2025-05-15 17:00", "resolved", "kod Nemca"),
    # A time range after "from"; a museum; a call that stands against something is a protest.
    ("Tonight from 7 to 11 everyone come out", "en", "gathering", "Tonight from 7 to 11", "2025-05-14 19:00", "resolved", ""),
    ("Join us 7/23 11am Art Museum", "en", "gathering", "7/23 11am", "2025-07-23 11:00", "resolved", "Art Museum"),
    ("Të hënën të gjithë në Tiranë kundër korrupsionit", "sq", "protest", "Të hënën", "2025-05-18 22:00", "date", "në Tiranë"),
    ("Sutra u 18h ispred Vlade, protiv nasilja", "sr", "protest", "Sutra u 18h", "2025-05-15 16:00", "resolved", "ispred Vlade"),
    ("Vidimo se na Instagramu sutra u 18h", "sr", "gathering", "sutra u 18h", "2025-05-15 16:00", "resolved", ""),
    # The Serbian and Albanian prepositions are English words in an English post ("DO NOT ...", "Te Deum").
    ("Protest na Aerodromu sutra", "sr", "protest", "sutra", "2025-05-14 22:00", "date", "na Aerodromu"),
    ("Rally tomorrow, DO NOT MISS IT", "en", "rally", "tomorrow", "2025-05-15 00:00", "date", ""),
    ("Dilni nesër në Përmet, ora 17", "sq", "gathering", "nesër … ora 17", "2025-05-15 15:00", "resolved", "në Përmet"),
    ("Takohemi tek Hotel Grand", "sq", "gathering", "", None, "", "tek Hotel Grand"),
    ("Ditën e nesërme në Ditën e Pavarësisë", "sq", "", "", None, "", ""),
    ("Join the Pride parade on Saturday in San Jose", "en", "march", "Saturday", "2025-05-17 00:00", "date", "in San Jose"),
    ("Rally in West Virginia tomorrow", "en", "rally", "tomorrow", "2025-05-15 00:00", "date", "in West Virginia"),
    ("Stand in Solidarity with the strikers tomorrow", "en", "gathering", "tomorrow", "2025-05-15 00:00", "date", ""),
    ("Rally in Memory of the victims tonight", "en", "rally", "tonight", "2025-05-14 00:00", "date", ""),
    # Austin's zone since session 11 (h62): posted 04:00 CDT on Wednesday, 4 PM CDT that day.
    ("Join us Wednesday 4PM, Anti-Trump Protest Austin, TX", "en", "protest", "Wednesday 4PM", "2025-05-14 21:00", "resolved", "Austin, TX"),
    # Event words: "protestni marš" is a march; the Albanian meeting, demonstration.
    ("Pozivamo vas na protestni marš u subotu", "bs", "march", "u subotu", "2025-05-16 22:00", "date", ""),
    ("Mos mungoni në takimin e madh nesër në orën 18", "sq", "rally", "nesër në orën 18", "2025-05-15 16:00", "resolved", ""),
    ("Manifestim sot ora 16 te Kryeministria", "sq", "protest", "sot ora 16", "2025-05-14 14:00", "resolved", "te Kryeministria"),
]

# Session 9 (h43): the kind of a call from its words (the grammar and dictionaries of the three
# languages; designed on the 99 older calls of datasets/calls/extract_spans.csv), more weekday forms,
# and the preposition before a place. Synthetic sentences written for this test; posted like SESSION8_CASES.
SESSION9_CASES = [
    # A gathering word is where another action starts; with a route it is a march.
    ("Okupljanje u 18h ispred opštine, pa protest do Vlade", "sr", "protest", "u 18h", "2025-05-14 16:00", "resolved", "ispred opštine"),
    ("Okupljanje sutra u 17h kod Pravnog fakulteta, pravac Skupština", "sr", "march", "sutra u 17h", "2025-05-15 15:00", "resolved", "kod Pravnog fakulteta"),
    ("Окупљање сутра у 12 код Правног факултета, рута до Скупштине", "sr-Cyrl", "march", "сутра у 12", "2025-05-15 10:00", "resolved", "код Правног факултета"),
    ("Candlelight gathering tonight at 8 in the park", "en", "vigil", "tonight at 8", "2025-05-14 20:00", "resolved", "in the park"),
    # Minutes of silence are an item of the programme, not a vigil.
    ("Okupljanje u 11:40, 16 minuta tišine u 11:52", "sr", "gathering", "u 11:40", "2025-05-14 09:40", "resolved", ""),
    # What protests and campaigns say, where no action is named.
    ("Mblidhemi nesër në orën 18 për të kërkuar dorëheqjen e ministrit", "sq", "protest", "nesër në orën 18", "2025-05-15 16:00", "resolved", ""),
    ("Sutra u 18h na Trgu, tražimo pravdu za Ivanu", "sr", "protest", "Sutra u 18h", "2025-05-15 16:00", "resolved", "na Trgu"),
    ("Svi zajedno za slobodu!", "sr", "protest", "", None, "", ""),
    ("Nesër në orën 18 hapja e fushatës në sheshin Skënderbej", "sq", "rally", "Nesër në orën 18", "2025-05-15 16:00", "resolved", "në sheshin Skënderbej"),
    ("Takohemi nesër me votuesit në Fier", "sq", "rally", "nesër", "2025-05-14 22:00", "date", "në Fier"),
    # An event word inside a hashtag; English dictionary words.
    ("Join us Saturday at 2pm #MarchForOurLives", "en", "march", "Saturday at 2pm", "2025-05-17 14:00", "resolved", ""),
    ("Tomorrow 5pm at City Hall #CityHallSitIn", "en", "protest", "Tomorrow 5pm", "2025-05-15 17:00", "resolved", "at City Hall"),
    ("Demo outside the embassy tomorrow at noon", "en", "protest", "tomorrow at noon", "2025-05-15 12:00", "resolved", "outside the embassy"),
    # Weekdays: their next occurrence from the post's day (a Wednesday), in the language's zone.
    ("Ejani të gjithë në protestë të hënën", "sq", "protest", "të hënën", "2025-05-18 22:00", "date", ""),
    ("Protestë të diel në orën 11", "sq", "protest", "të diel në orën 11", "2025-05-18 09:00", "resolved", ""),
    ("Protestë ditën e shtunë në Tiranë", "sq", "protest", "ditën e shtunë", "2025-05-16 22:00", "date", "në Tiranë"),
    ("Protest u ponedeljak u 18h ispred Vlade", "sr", "protest", "u ponedeljak u 18h", "2025-05-19 16:00", "resolved", "ispred Vlade"),
    ("Протест у среду у 19 часова", "sr-Cyrl", "protest", "у среду у 19 часова", "2025-05-14 17:00", "resolved", ""),
    ("Protest ove srijede u 12", "hr", "protest", "ove srijede u 12", "2025-05-14 10:00", "resolved", ""),
    ("Join us on Monday at 5pm", "en", "gathering", "Monday at 5pm", "2025-05-19 17:00", "resolved", ""),
    ("Rally Sat 2pm at the capitol", "en", "rally", "Sat 2pm", "2025-05-17 14:00", "resolved", "at the capitol"),
    ("Protest Thurs. at 6", "en", "protest", "Thurs. at 6", "2025-05-15 18:00", "resolved", ""),
    ("Protest u 5 sati", "sr", "protest", "u 5 sati", "2025-05-15 03:00", "resolved", ""),  # "sat" here is the hour, no Saturday
]

# Session 9 (h47): gaps h43 listed from the fourth batch, designed on the grammar and the 171 older calls
# (not on the fifth batch). Synthetic sentences written for this test; posted like SESSION8_CASES (a
# Wednesday, 11:00 in Belgrade).
H47_CASES = [
    # A date written day, dot, space, month, dot; the second dot is needed ("u 5. 6 ljudi" is no date).
    ("Protest 31. 5. u 18h ispred Skupštine", "sr", "protest", "31. 5. u 18h", "2025-05-31 16:00", "resolved", "ispred Skupštine"),
    ("Protest 1. 6. 2025. ispred Vlade", "sr", "protest", "1. 6. 2025", "2025-05-31 22:00", "date", "ispred Vlade"),
    ("Protest u 5. 6 ljudi", "sr", "protest", "", None, "", ""),
    # The Albanian adjective of today, with its "së"; two spaces inside a time.
    ("Protesta e së sotme në ora 18 para Kuvendit", "sq", "protest", "së sotme në ora 18", "2025-05-14 16:00", "resolved", "para Kuvendit"),
    ("Protestë nesër në  orën 18 në Tiranë", "sq", "protest", "nesër në  orën 18", "2025-05-15 16:00", "resolved", "në Tiranë"),
    # "n"/"t" (në, të) glued to an Albanian event word; not read so in a Serbian post.
    ("Të gjithë nprotestë sot në ora 17", "sq", "protest", "sot në ora 17", "2025-05-14 15:00", "resolved", ""),
    ("Ju ftojmë tprotestav nesër", "sq", "protest", "nesër", "2025-05-14 22:00", "date", ""),
    ("nprotest sutra", "sr", "gathering", "sutra", "2025-05-14 22:00", "date", ""),
    # A programme posted after its first hour (10:00) with a later hour still ahead that day (12:30): today.
    ("Program: 10.00 okupljanje kod Doma omladine, 12.30 protest", "sr", "protest", "10.00", "2025-05-14 08:00", "resolved", "kod Doma omladine"),
    ("Protest od 10 do 14h ispred Vlade", "sr", "protest", "od 10 do 14h", "2025-05-14 08:00", "resolved", "ispred Vlade"),
    # Nothing ahead: the next day, as before; a day named elsewhere is the programme's day ("10.00" names none).
    ("Protest u 10h", "sr", "protest", "u 10h", "2025-05-15 08:00", "resolved", ""),
    ("Subota: 10.00 okupljanje, 12.30 protest", "sr", "protest", "Subota … 10.00", "2025-05-17 08:00", "resolved", ""),
    # A dotted day and month that cannot be a clock time (no 26th hour) is still a date.
    ("Protest 26.03 ispred Skupštine", "sr", "protest", "26.03", "2026-03-25 23:00", "date", "ispred Skupštine"),
]


@pytest.mark.parametrize(
    ("posted", "text", "lang", "event", "when", "ts", "status", "where"),
    [(POSTED, *c) for c in CASES] + [(SUNDAY_EVENING, *c) for c in ANALYST_CASES] + [(POSTED, *c) for c in SESSION8_CASES]
    + [(POSTED, *c) for c in SESSION9_CASES] + [(POSTED, *c) for c in H47_CASES],
)
def test_what_when_where(posted: pd.Timestamp, text: str, lang: str, event: str, when: str, ts: str | None, status: str, where: str) -> None:
    got = extract_one(text, posted, lang, _tz(lang, text))
    assert (got["event"], got["when"], got["when_status"], got["where"]) == (event, when, status, where)
    if ts is None:
        assert pd.isna(got["when_ts"])
    else:
        assert got["when_ts"] == pd.Timestamp(ts, tz="UTC")


# The examples of issue 10, section 3, against a post time and a zone given by the user (--tz), and
# without a post time: a relative time cannot be resolved and says so; a date with its year can.
# text, tz, with the post time: (when_ts UTC or None, status), without it: (when_ts or None, status)
ISSUE_EXAMPLES = [
    ("Protestë nesër në orën 18 para Komunës", "Europe/Belgrade", ("2024-11-25 17:00", "resolved"), (None, "no post time")),
    ("Protest sutra u 18h ispred Skupštine", "Europe/Belgrade", ("2024-11-25 17:00", "resolved"), (None, "no post time")),
    ("Блокада Вршац - Пијаца у 20.00", "Europe/Belgrade", ("2024-11-25 19:00", "resolved"), (None, "no post time")),
    ("Протест 17. маја испред Скупштине", "Europe/Belgrade", ("2025-05-16 22:00", "date"), (None, "no post time")),
    ("Rally this Saturday at Sheshi Skënderbej", "Europe/Tirane", ("2024-11-29 23:00", "date"), (None, "no post time")),
    ("Rally this Saturday at noon", "America/New_York", ("2024-11-30 17:00", "resolved"), (None, "no post time")),
    ("Protest 21.11.2025 u 10h u Mitrovici", "Europe/Belgrade", ("2025-11-21 09:00", "resolved"), ("2025-11-21 09:00", "resolved")),
    # Written, but not a day: cannot be resolved with or without the post time.
    ("Okupljanje ispred Vlade svakog petka u 18h", "Europe/Belgrade", (None, "unresolved"), (None, "unresolved")),
    ("Protest ponedeljak 21.11.2025 u 10h", "Europe/Belgrade", (None, "unresolved"), (None, "unresolved")),
]


@pytest.mark.parametrize(("text", "tz", "with_time", "without_time"), ISSUE_EXAMPLES)
def test_issue_examples_resolve_against_the_post_time_in_the_zone_given(
    text: str, tz: str, with_time: tuple[str | None, str], without_time: tuple[str | None, str]
) -> None:
    for posted, (ts, status) in ((SUNDAY_EVENING, with_time), (None, without_time)):
        got = extract_one(text, posted, None, tz)
        assert got["when_status"] == status, (posted, got)
        if ts is None:
            assert pd.isna(got["when_ts"])
        else:
            assert got["when_ts"] == pd.Timestamp(ts, tz="UTC")


def test_language_codes_with_a_script_or_region_keep_their_zone() -> None:
    assert [event_zone(c) for c in ("sr", "sr-Latn", "sr_RS", "SQ-al", "bs-Latn", "en-US", None)] == [
        "Europe/Belgrade", "Europe/Belgrade", "Europe/Belgrade", "Europe/Belgrade", "Europe/Belgrade", "UTC", "UTC"]  # fmt: skip
    # "mars" is the month in Albanian whatever the code's region.
    assert extract_one("Protestë më 8 mars", SUNDAY_EVENING, "sq-AL")["event"] == "protest"


def test_where_fixes_leave_the_call_models_place_feature_as_trained() -> None:
    # PLACE_RX is a feature of the trained call model: it still fires on "Most people" (as in
    # training), while ``where`` no longer takes it for a bridge.
    text = "Most people will protest"
    assert PLACE_RX.search(fold(text).text) is not None
    assert extract_one(text, SUNDAY_EVENING, "en")["where"] == ""
    # WHEN_RX, the model's time feature, does not know noon; ``when`` does.
    assert WHEN_RX.search(fold("Rally at noon").text) is None
    assert extract_one("Rally at noon", SUNDAY_EVENING, "en")["when"] == "at noon"


# text, when as written, when_ts (UTC) or None, status: a day and a clock time written apart in
# either order are one time; numbers that are not clock times stay out of it.
APART_CASES = [
    ("Danas 12C, protest u 18h", "sr", "Danas … u 18h", "2024-11-24 17:00", "resolved"),  # 12C is the weather
    ("Tomorrow we march! Meet 5pm at City Hall", "en", "Tomorrow … 5pm", "2024-11-25 17:00", "resolved"),
    # Written together, clock first: one span, not two.
    ("Rally outside City Hall at noon tomorrow, everyone come!", "en", "at noon tomorrow", "2024-11-25 12:00", "resolved"),
    ("Protest u utorak, okupljanje od 60 studenata", "sr", "u utorak", "2024-11-25 23:00", "date"),
    # Ranges start at their first time; am/pm written once belongs to the end ("4-8 PM" starts at 16:00).
    ("Protest: 11/28 Centennial Park, 4-8 PM.", "en", "11/28 … 4-8 PM", "2024-11-28 16:00", "resolved"),
    ("Join us 12/1 from 12-4pm at the playground", "en", "12/1 from 12-4pm", "2024-12-01 12:00", "resolved"),
    ("Rally 10-2pm Saturday", "en", "10-2pm Saturday", "2024-11-30 10:00", "resolved"),
    ("Protest sutra od 18-20h ispred Skupštine", "sr", "sutra od 18-20h", "2024-11-25 17:00", "resolved"),
    # An English post's slashes are month-first (9/11 is 11 September), a dotted date day-first;
    # a value only one reading allows is read that way (24/11 in an English post).
    ("March in memory of 9/11, join us", "en", "9/11", "2025-09-11 00:00", "date"),
    ("Protest 9.11. ispred Skupštine", "sr", "9.11", "2025-11-08 23:00", "date"),  # past this year: the next 9 November
    ("Protest 24/11 at 3pm", "en", "24/11 at 3pm", "2024-11-24 15:00", "resolved"),
    # A bare English hour, or tonight's, is in the afternoon or evening; a 24-hour one is as written.
    ("Rally today! It starts at 6 at the Capitol", "en", "today … at 6", "2024-11-24 18:00", "resolved"),
    ("Vigil tonight, we begin at 8", "en", "tonight … at 8", "2024-11-24 20:00", "resolved"),
    ("Protest sutra u 7 ispred Skupštine", "sr", "sutra u 7", "2024-11-25 06:00", "resolved"),
    # A year no event is held in: not resolved (and no crash: pandas cannot hold year 1555).
    ("Protest sot, më 5 janar 1555", "sq", "sot, më 5 janar 1555", None, "unresolved"),
]


@pytest.mark.parametrize(("text", "lang", "when", "ts", "status"), APART_CASES)
def test_day_and_clock_written_apart(text: str, lang: str, when: str, ts: str | None, status: str) -> None:
    got = extract_one(text, SUNDAY_EVENING, lang, _tz(lang, text))
    assert (got["when"], got["when_status"]) == (when, status)
    assert (pd.isna(got["when_ts"]) if ts is None else got["when_ts"] == pd.Timestamp(ts, tz="UTC"))


def test_extract_takes_missing_languages_and_far_years() -> None:
    # A lang column with gaps (NaN) and a date in 1555 used to stop the whole table.
    texts = pd.Series(["Protest sutra u 18h", "Protest 5.1.1555 u 10h", "Protest nesër në orën 18"])
    out = extract(texts, pd.Series([SUNDAY_EVENING] * 3), pd.Series(["sr", float("nan"), "sq"], dtype=object))
    assert list(out["when_status"]) == ["resolved", "unresolved", "resolved"]
    assert list(out["when_ts"].dt.strftime("%Y-%m-%d %H:%M").fillna("")) == ["2024-11-25 17:00", "", "2024-11-25 17:00"]


# The event kind is the action a call invites readers to join (the labelling definition of
# balkan-posts: protest / march / rally / blockade / strike / gathering / other / none). Sentences
# written for this test.
KIND_CASES = [
    # No event word: an invitation to come together at a time or a place is a gathering.
    ("Sutra u 18h svi ispred Skupštine", "sr", "gathering"),
    ("everyone in front of the Assembly at 6", "en", "gathering"),
    ("Nesër të gjithë para Komunës", "sq", "gathering"),
    ("Сви сутра у 18ч", "sr-Cyrl", "gathering"),
    # The cause the action stands for is not the action.
    ("Podržimo štrajk prosvetara: protest sutra u 12h ispred Vlade", "sr", "protest"),
    ("In support of the strike, march to City Hall at 5pm", "en", "march"),
    ("Në mbështetje të grevës, tubim para Kryeministrisë nesër në orën 12", "sq", "gathering"),
    ("Against the blockade of the university: rally on Saturday", "en", "rally"),
    ("Support the strike!", "en", "strike"),  # only a cause: supporting it is joining it
    ("Podržite štrajk sutra u 12h ispred Ministarstva", "sr", "strike"),
    # "protest" as a modifier: the kind is the word it modifies.
    ("Join the protest march on Saturday", "en", "march"),
    ("Protestna šetnja sutra u 18h", "sr", "walk"),
    ("Protestni skup ispred opštine u 19h", "sr", "protest"),
    # Unchanged: the first event word that names the action.
    ("Protest protiv blokade, sutra u 18h", "sr", "protest"),
    ("Marshim proteste nesër", "sq", "march"),
    ("Dođite na protest!", "sr", "protest"),
    ("Svi zajedno!", "sr", ""),  # neither an event word nor a time or a place: no kind
]


@pytest.mark.parametrize(("text", "lang", "kind"), KIND_CASES)
def test_event_kind_is_the_action_the_call_invites_to(text: str, lang: str, kind: str) -> None:
    assert extract_one(text, POSTED, lang)["event"] == kind



def test_a_programme_posted_after_all_its_hours_is_the_next_days() -> None:
    # Synthetic (h47): posted at 20:00 in Belgrade, both hours gone: the next day, as any past clock time.
    got = extract_one("Program: 10.00 okupljanje kod Doma omladine, 12.30 protest", pd.Timestamp("2025-05-14 18:00", tz="UTC"), "sr")
    assert got["when_ts"] == pd.Timestamp("2025-05-15 08:00", tz="UTC")


def test_doubled_spaces_and_new_forms_leave_the_call_models_time_feature_as_trained() -> None:
    from detector.posts.extract import WHEN_RX

    assert WHEN_RX.search("Protest sot  në ora 18").group(0) == "sot"  # the model's feature: unchanged
    assert WHEN_RX.search("e së sotme") is None
