"""What, when and where of a call, as written, and the time resolved against the post's time.

The phrases are written for these tests in Albanian, Serbian (both scripts) and English, quoted
from issue 10 (three real calls the old lexicon missed), or public IRA tweets. No text of
balkan-posts is used here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.posts.extract import extract, extract_one, fold, resolve_when

POSTED = pd.Timestamp("2025-05-14 09:00", tz="UTC")  # a Wednesday, 11:00 in Belgrade

# text, lang, event, when as written, when_ts (UTC) or None, status, where as written
CASES = [
    ("Блокада Вршац - Пијаца у 20.00", "sr-Cyrl", "blockade", "у 20.00", "2025-05-14 18:00", "resolved", "Пијаца"),
    ("Shihemi neser ne proteste", "sq", "protest", "neser", "2025-05-14 22:00", "date", ""),
    ("Студенти из Лазаревца вас позивају на протест 10.06.", "sr-Cyrl", "protest", "10.06", "2025-06-09 22:00", "date", ""),
    ("Protest nesër në orën 18 para Komunës", "sq", "protest", "nesër në orën 18", "2025-05-15 16:00", "resolved", "para Komunës"),
    ("Protest sutra u 18h ispred Skupštine", "sr", "protest", "sutra u 18h", "2025-05-15 16:00", "resolved", "ispred Skupštine"),
    ("Tubim në Sheshi Skënderbej të premten, në ora 17:00", "sq", "rally", "të premten, në ora 17:00", "2025-05-16 15:00", "resolved", "Sheshi Skënderbej"),
    ("Protest 17. маја у Митровица", "sr-Cyrl", "protest", "17. маја", "2025-05-16 22:00", "date", "Митровица"),
    ("Join the rally this Saturday at 2pm outside City Hall", "en", "rally", "this Saturday at 2pm", "2025-05-17 14:00", "resolved", "outside City Hall"),
    ("March with us to Mitrovica/Mitrovicë tomorrow", "en", "march", "tomorrow", "2025-05-15 00:00", "date", "Mitrovica/Mitrovicë"),
    ("Okupljanje ispred Vlade svakog petka", "sr", "gathering", "petka", None, "unresolved", "ispred Vlade"),
    ("Dođite na protest!", "sr", "protest", "", None, "", ""),
    # The other examples of issue 10, section 3, as written there.
    ("Marsh drejt Mitrovica/Mitrovicë/Митровица nesër në orën 10", "sq", "march", "nesër në orën 10", "2025-05-15 08:00", "resolved", "Mitrovica/Mitrovicë/Митровица"),
    ("Rally this Saturday", "en", "rally", "this Saturday", "2025-05-17 00:00", "date", ""),
    ("Протест 17. маја у 18 часова испред Скупштине", "sr-Cyrl", "protest", "17. маја у 18 часова", "2025-05-17 16:00", "resolved", "испред Скупштине"),
    ("Okupljanje danas u 18 h na Trgu Republike", "sr", "gathering", "danas u 18 h", "2025-05-14 16:00", "resolved", "Trgu Republike"),
    # Real IRA posts (public): a name before the kind of place; "officers" is not an office.
    ("'@UGANAACP and @UBSLA_UGA hosting vigil TONIGHT at 8 PM. Tate Plaza.", "en", "vigil", "TONIGHT at 8 PM", "2025-05-14 20:00", "resolved", "Tate Plaza"),
    ("Come support our peace officers. Our choice is law & order. #BlueLivesMatter  Rally link:", "en", "rally", "", None, "", ""),
    # Buildings the place patterns did not know (session 6): found before the town the post also names.
    ("Students of Prishtina: protest tomorrow at 18:00 in front of the Assembly, everyone come!", "en", "protest", "tomorrow at 18:00",
     "2025-05-15 18:00", "resolved", "in front of the Assembly"),
    ("Protestë para Konsullatës serbe nesër në orën 12", "sq", "protest", "nesër në orën 12", "2025-05-15 10:00", "resolved", "para Konsullatës"),
    ("Rally outside the Parliament at noon", "en", "rally", "", None, "", "outside the Parliament"),
]


@pytest.mark.parametrize(("text", "lang", "event", "when", "ts", "status", "where"), CASES)
def test_what_when_where(text: str, lang: str, event: str, when: str, ts: str | None, status: str, where: str) -> None:
    got = extract_one(text, POSTED, lang)
    assert got["event"] == event
    assert got["when"] == when
    assert got["when_status"] == status
    if ts is None:
        assert pd.isna(got["when_ts"])
    else:
        assert got["when_ts"] == pd.Timestamp(ts, tz="UTC")
    assert got["where"] == where


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
