"""A zone written in the call decides the zone of its time (session 10, h55), with the expected UTC values written out.

Every sentence is invented here (none from ../shared). Posts: Thursday 10 July 2025 12:00 UTC (New York on EDT,
UTC-04:00; Central Europe on CEST) and Thursday 9 January 2025 12:00 UTC (New York on EST, UTC-05:00; CET).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.posts import extract
from detector.posts.extract import extract_one, extract_spans

SUMMER = pd.Timestamp("2025-07-10 12:00", tz="UTC")  # Saturday is 12 July, tomorrow 11 July
WINTER = pd.Timestamp("2025-01-09 12:00", tz="UTC")  # Saturday is 11 January, tomorrow 10 January

CASES = [
    # text, lang, --tz, posted, when_ts (UTC), when_zone (when_status is "resolved" for all: h56)
    # A zone that follows the season: ET is New York's clock, EDT in July (DST) and EST in January (no DST).
    ("Rally Saturday 6 PM ET", "en", None, SUMMER, "2025-07-12 22:00", "America/New_York (written: ET)"),
    ("Rally Saturday 6 PM ET", "en", None, WINTER, "2025-01-11 23:00", "America/New_York (written: ET)"),
    ("Rally Saturday 6 PM CT", "en", None, SUMMER, "2025-07-12 23:00", "America/Chicago (written: CT)"),
    ("Rally Saturday 6 PM MT", "en", None, WINTER, "2025-01-12 01:00", "America/Denver (written: MT)"),
    ("March Sunday at 1pm PT", "en", None, SUMMER, "2025-07-13 20:00", "America/Los_Angeles (written: PT)"),
    # The event's date decides the season, not the post's: posted on Friday 7 March 2025 (EST), the rally is on Sunday
    # 9 March, the day the US clocks go forward: 18:00 EDT.
    ("Rally Sunday 6 PM ET", "en", None, pd.Timestamp("2025-03-07 12:00", tz="UTC"), "2025-03-09 22:00",
     "America/New_York (written: ET)"),
    # An abbreviation that names one offset is that offset, as written; when the region's clock was on another that
    # day, when_zone says so (many posts write "EST" for Eastern time all year).
    ("Rally Saturday 6 PM EST", "en", None, WINTER, "2025-01-11 23:00", "UTC-05:00 (written: EST)"),
    ("Rally Saturday 6 PM EST", "en", None, SUMMER, "2025-07-12 23:00",
     "UTC-05:00 (written: EST; New York was on UTC-04:00 that day)"),
    ("Rally Saturday 6 PM EDT", "en", None, SUMMER, "2025-07-12 22:00", "UTC-04:00 (written: EDT)"),
    ("Rally Saturday 6 PM CST", "en", None, SUMMER, "2025-07-13 00:00",
     "UTC-06:00 (written: CST; Chicago was on UTC-05:00 that day)"),
    ("Rally Saturday 6 PM PDT", "en", None, SUMMER, "2025-07-13 01:00", "UTC-07:00 (written: PDT)"),
    ("Protest sutra u 18h CET ispred Vlade", "sr", None, WINTER, "2025-01-10 17:00", "UTC+01:00 (written: CET)"),
    ("Protest sutra u 18h CEST ispred Vlade", "sr", None, SUMMER, "2025-07-11 16:00", "UTC+02:00 (written: CEST)"),
    ("Vigil tomorrow at 7 PM BST outside the embassy", "en", None, SUMMER, "2025-07-11 18:00", "UTC+01:00 (written: BST)"),
    # After "p.m." the zone follows the dot the span leaves out.
    ("Vigil tonight at 7 p.m. CT by the river", "en", None, SUMMER, "2025-07-11 00:00", "America/Chicago (written: CT)"),
    # A written zone wins over --tz (the zone of the posts' place) and over the language's zone.
    ("Rally Saturday 6 PM PT", "en", "Europe/Belgrade", SUMMER, "2025-07-13 01:00", "America/Los_Angeles (written: PT)"),
    ("Protest tomorrow at 18:00 GMT", "sr", "Europe/Belgrade", SUMMER, "2025-07-11 18:00", "UTC (written: GMT)"),
    # The day too is the written zone's: posted at 02:00 UTC on 11 July, 22:00 on 10 July in New York, "tonight" is
    # 10 July there (read on the UTC clock it was 11 July 23:30 UTC, a day late).
    ("Vigil tonight 11:30 PM ET", "en", None, pd.Timestamp("2025-07-11 02:00", tz="UTC"), "2025-07-11 03:30",
     "America/New_York (written: ET)"),
    # Ambiguous abbreviations are not guessed: the default zone, and when_zone says why.
    # In a post whose zone is not known the time is then not resolved (session 12: never on the UTC clock).
    ("Rally tomorrow at 7 PM IST", "en", None, SUMMER, None, ""),
    ("Rally tomorrow at 7 PM IST", "en", "Asia/Kolkata", SUMMER, "2025-07-11 13:30",
     "Asia/Kolkata (written: IST, ambiguous (India, Israel or Ireland): not used; --tz)"),
    ("Protest sutra u 18h CST", "sr", None, SUMMER, "2025-07-11 16:00",
     "Europe/Belgrade (written: CST, ambiguous (US Central, China or Cuba): not used; language: sr)"),
    ("Protest sutra u 18h IST", "sr", "Europe/Tirane", WINTER, "2025-01-10 17:00",
     "Europe/Tirane (written: IST, ambiguous (India, Israel or Ireland): not used; --tz)"),
    # Nothing written: the language's zone, or --tz; an English post's zone is not known, and its clock time is not
    # resolved (session 12; it was read on the UTC clock; a lower-case "et" is no zone).
    ("Rally Saturday 6 PM", "en", None, SUMMER, None, ""),
    ("Join the sit-in today at 5 et cetera", "en", None, SUMMER, None, ""),
    ("Join the sit-in today at 5 et cetera", "en", "UTC", SUMMER, "2025-07-10 17:00", "UTC (--tz)"),
    ("Protest sutra u 18h ispred Vlade", "sr", None, SUMMER, "2025-07-11 16:00", "Europe/Belgrade (language: sr)"),
    ("Protest sutra u 18h ispred Vlade", "sr", "Europe/Tirane", SUMMER, "2025-07-11 16:00", "Europe/Tirane (--tz)"),
    ("Rally Saturday 6 PM", None, None, SUMMER, None, ""),
]  # fmt: skip


# h56: with no zone written and no --tz, a town of the towns table (detector/data/towns-balkans.tsv) that is the call's
# place gives its country's zone (all on CET/CEST: 19:00 is 17:00 UTC in July, 18:00 UTC in January). Invented sentences.
PLACE_CASES = [
    # An English post about a Serbian event was read on the UTC clock (19:30 UTC); the town says Belgrade's clock.
    ("Students call everyone to the protest tomorrow at 7:30 p.m. in Kragujevac", "en", None, SUMMER, "2025-07-11 17:30",
     "Europe/Belgrade (place: Kragujevac)"),
    ("Protest tomorrow at 7 PM in Tirana", "en", None, WINTER, "2025-01-10 18:00", "Europe/Tirane (place: Tirana)"),
    ("Protest tomorrow at 7 PM in Skopje", "en", None, SUMMER, "2025-07-11 17:00", "Europe/Skopje (place: Skopje)"),
    ("Protest tomorrow at 7 PM in Mostar", "en", None, SUMMER, "2025-07-11 17:00", "Europe/Sarajevo (place: Mostar)"),
    ("Protest tomorrow at 7 PM in Podgorica", "en", None, SUMMER, "2025-07-11 17:00", "Europe/Podgorica (place: Podgorica)"),
    ("Protest tomorrow at 7 PM in Split", "en", None, WINTER, "2025-01-10 18:00", "Europe/Zagreb (place: Split)"),
    # Kosovo's clocks are Belgrade's; the town after a building counts (the place is "in front of the Assembly in ...").
    ("Protest tomorrow at 18:00 in front of the Assembly in Prishtina", "en", None, SUMMER, "2025-07-11 16:00",
     "Europe/Belgrade (place: Pristina)"),
    # In a Serbian or Albanian post the town names the zone too (the same clock as the language's).
    ("Protest sutra u 18h ispred Skupštine u Beogradu", "sr", None, SUMMER, "2025-07-11 16:00", "Europe/Belgrade (place: Belgrade)"),
    ("Protestë nesër në orën 18 në Tiranë", "sq", None, WINTER, "2025-01-10 17:00", "Europe/Tirane (place: Tirana)"),
    # "Belgrad" is also an old name of Berat (Albania): the most populous town of a spelling is the one.
    ("Protest tomorrow at 7 PM in Belgrade", "en", None, SUMMER, "2025-07-11 17:00", "Europe/Belgrade (place: Belgrade)"),
    # Precedence: --tz, then a zone written, beat the town; an ambiguous zone written is not used, the town's is.
    ("Protest tomorrow at 7 PM in Kragujevac", "en", "America/Chicago", SUMMER, "2025-07-12 00:00", "America/Chicago (--tz)"),
    ("Rally Saturday 6 PM ET in Kragujevac", "en", None, SUMMER, "2025-07-12 22:00", "America/New_York (written: ET)"),
    ("Protest tomorrow at 7 PM IST in Split", "en", None, SUMMER, "2025-07-11 17:00",
     "Europe/Zagreb (written: IST, ambiguous (India, Israel or Ireland): not used; place: Split)"),
    # A US city as the place gives its zone too (session 11, h62); a town outside the place none.
    ("Rally Saturday 6 PM in Chicago", "en", None, SUMMER, "2025-07-12 23:00", "America/Chicago (place: Chicago)"),
    ("Students of Prishtina: protest tomorrow at 18:00 in front of the Assembly", "en", None, SUMMER, None, ""),
]  # fmt: skip


@pytest.mark.parametrize(("text", "lang", "tz", "posted", "utc", "zone"), [*CASES, *PLACE_CASES])
def test_a_written_zone_or_a_known_town_decides_the_time(
    text: str, lang: str | None, tz: str | None, posted: pd.Timestamp, utc: str | None, zone: str
) -> None:
    got = extract_one(text, posted, lang, tz)
    if utc is None:  # no zone known: not resolved
        assert (pd.isna(got["when_ts"]), got["when_zone"], got["when_status"]) == (True, "", "no post zone")
    else:
        assert (got["when_ts"], got["when_zone"], got["when_status"]) == (pd.Timestamp(utc, tz="UTC"), zone, "resolved")


def test_the_zone_is_in_when_and_when_tz_says_what_it_was_read_in() -> None:
    got = extract_spans("Rally Saturday 6 PM ET at City Hall", SUMMER, "en")
    assert (got["when"], got["when_tz"], got["zone_source"]) == ("Saturday 6 PM ET", "America/New_York", "written")
    got = extract_spans("Rally Saturday 6 PM EST at City Hall", SUMMER, "en")
    assert (got["when"], got["when_tz"], got["zone_source"]) == ("Saturday 6 PM EST", "Etc/GMT+5", "written")  # UTC-05:00 in the database
    got = extract_spans("Rally at 7 p.m. ET on Saturday", SUMMER, "en")
    assert (got["when"], got["when_tz"], got["zone_source"]) == ("at 7 p.m. ET … Saturday", "America/New_York", "written")
    got = extract_spans("Rally tomorrow at 7 PM IST", SUMMER, "en", "UTC")
    assert (got["when"], got["when_tz"], got["zone_source"]) == ("tomorrow at 7 PM IST", "UTC", "tz")
    got = extract_spans("Rally tomorrow at 7 PM IST", SUMMER, "en")  # no zone known: no time, so no zone (session 12)
    assert (got["when"], got["when_tz"], got["zone_source"], got["when_status"]) == ("tomorrow at 7 PM IST", "", "", "no post zone")
    got = extract_spans("Protest tomorrow at 7 PM in Skopje", SUMMER, "en")
    assert (got["where"], got["when_tz"], got["zone_source"]) == ("in Skopje", "Europe/Skopje", "place")


def test_a_day_alone_or_no_post_time_keeps_its_status() -> None:
    # Without the post's time a relative day stays unresolved, zone or not; a zone after a year is no clock's zone.
    got = extract_one("Rally tomorrow 6 PM ET", None, "en")
    assert (got["when_status"], got["when_zone"]) == ("no post time", "")  # no time resolved: no zone
    got = extract_one("Rally on December 5, 2015 EST", SUMMER, "en")
    assert (got["when_ts"], got["when_status"], got["when_zone"]) == (pd.Timestamp("2015-12-05", tz="UTC"), "date", "UTC (language: en)")
    got = extract_one("Protest every Friday at 6 PM ET", SUMMER, "en")
    assert (got["when_status"], got["when_zone"]) == ("unresolved", "")


def test_extract_over_a_series_gives_the_same_columns() -> None:
    texts = pd.Series(["Rally Saturday 6 PM ET", "Rally Saturday 6 PM"], index=["a", "b"])
    out = extract.extract(texts, pd.Series([str(SUMMER)] * 2, index=texts.index), pd.Series(["en", "en"], index=texts.index))
    assert list(out.columns) == ["event", "when", "when_ts", "when_zone", "when_status", "where"]
    assert [str(t) for t in out["when_ts"]] == ["2025-07-12 22:00:00+00:00", "NaT"]
    assert out["when_zone"].tolist() == ["America/New_York (written: ET)", ""]
    assert out["when_status"].tolist() == ["resolved", "no post zone"]


def test_posts_output_carries_the_written_zone(tmp_path: Path) -> None:
    # The call model copies when_ts, when_zone and when_status from the extraction: `detector posts` writes them as
    # computed here.
    src = tmp_path / "calls.csv"
    text = "Join us! Protest rally in front of City Hall this Saturday 6 PM ET, everyone come!"
    src.write_text(f'post_id,author_id,text,created_at,lang\n1,a,"{text}",2025-07-10T12:00:00Z,en\n', encoding="utf-8")
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(cli, ["posts", str(src), "-o", str(out), "--no-account-model"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got[["is_call", "when", "when_ts", "when_zone", "when_status"]].values.tolist() == [
        ["True", "this Saturday 6 PM ET", "2025-07-12 22:00:00+00:00", "America/New_York (written: ET)", "resolved"]
    ]
    at = list(got.columns).index("when_ts")
    assert list(got.columns[at : at + 3]) == ["when_ts", "when_zone", "when_status"]


def _bench():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "bench" / "extract_eval.py"
    spec = importlib.util.spec_from_file_location("extract_eval_zone", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_bench_compares_the_time_as_written_and_says_the_utc_clock_figure() -> None:
    # Synthetic: a call labelled, by the labels' convention, 20:00 "as written" for "8 PM ET" (posted on the UTC clock).
    bench = _bench()
    posts = pd.DataFrame({"text": ["Vigil tonight at 8 PM ET"], "lang": ["en"], "created_at": ["2025-05-14 09:00:00+00:00"], "source": ["ira"]}, index=["new"])
    spans = pd.DataFrame([("new", "when", 6, 24, "other", "2025-05-14 20:00")], columns=["post_id", "field", "start", "end", "event_kind", "when_local"])
    spans[["start", "end"]] = spans[["start", "end"]].astype("Int64")
    spans["method"] = ["read; sixth batch (h51)"]
    per_call = bench.measure_spans(spans, posts).set_index("post_id")
    # 20:00 in New York (EDT) is 00:00 UTC the next day: right as written, wrong on the post's UTC clock.
    assert per_call.loc["new", ["zone_written", "ts_ok", "ts_ok_post_clock"]].tolist() == [True, True, False]
    said = " ".join(bench.zone_section(per_call.reset_index()).split())
    assert "1 labelled call(s) with a post time write a zone the extraction used (6th: English, IRA 1)" in said
    assert "right as written (the tables above count this): 1/1; right in the post's UTC clock" in said
    assert "how this script compared until h55): 0/1" in said


def test_the_reasons_name_the_zone_the_time_was_read_in() -> None:
    # h56: the reasons said "(read in UTC)", the language's zone, while when_ts was read in New York.
    from detector.posts.calls import score_calls

    texts = pd.Series(["Join us! Protest rally in front of City Hall this Saturday 6 PM ET, everyone come!",
                       "Join us! Protest rally in front of City Hall this Saturday 6 PM, everyone come!"])  # fmt: skip
    out = score_calls(texts, pd.Series([str(SUMMER)] * 2), pd.Series(["en", "en"]))
    assert out["is_call"].tolist() == [True, True]
    # Session 12: a clock time in a post whose zone is not known is not read in UTC: the reasons say it depends on the zone.
    assert [r.split("; time ")[1].split(";")[0] for r in out["call_reasons"]] == [
        '"this Saturday 6 PM ET" (read in America/New_York)',
        '"this Saturday 6 PM" (it depends on the post\'s zone, which is not known: give --tz)']
    assert out["when_zone"].tolist() == ["America/New_York (written: ET)", ""]
    assert list(out.columns[out.columns.get_loc("when_ts") :][:3]) == ["when_ts", "when_zone", "when_status"]
