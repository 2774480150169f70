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
    # text, lang, --tz, posted, when_ts (UTC), when_status
    # A zone that follows the season: ET is New York's clock, EDT in July (DST) and EST in January (no DST).
    ("Rally Saturday 6 PM ET", "en", None, SUMMER, "2025-07-12 22:00", "resolved (zone as written: ET, America/New_York)"),
    ("Rally Saturday 6 PM ET", "en", None, WINTER, "2025-01-11 23:00", "resolved (zone as written: ET, America/New_York)"),
    ("Rally Saturday 6 PM CT", "en", None, SUMMER, "2025-07-12 23:00", "resolved (zone as written: CT, America/Chicago)"),
    ("Rally Saturday 6 PM MT", "en", None, WINTER, "2025-01-12 01:00", "resolved (zone as written: MT, America/Denver)"),
    ("March Sunday at 1pm PT", "en", None, SUMMER, "2025-07-13 20:00", "resolved (zone as written: PT, America/Los_Angeles)"),
    # The event's date decides the season, not the post's: posted on Friday 7 March 2025 (EST), the rally is on Sunday
    # 9 March, the day the US clocks go forward: 18:00 EDT.
    ("Rally Sunday 6 PM ET", "en", None, pd.Timestamp("2025-03-07 12:00", tz="UTC"), "2025-03-09 22:00",
     "resolved (zone as written: ET, America/New_York)"),
    # An abbreviation that names one offset is that offset, as written; when the region's clock was on another that
    # day, the status says so (many posts write "EST" for Eastern time all year).
    ("Rally Saturday 6 PM EST", "en", None, WINTER, "2025-01-11 23:00", "resolved (zone as written: EST, UTC-05:00)"),
    ("Rally Saturday 6 PM EST", "en", None, SUMMER, "2025-07-12 23:00",
     "resolved (zone as written: EST, UTC-05:00; New York was on UTC-04:00 that day)"),
    ("Rally Saturday 6 PM EDT", "en", None, SUMMER, "2025-07-12 22:00", "resolved (zone as written: EDT, UTC-04:00)"),
    ("Rally Saturday 6 PM CST", "en", None, SUMMER, "2025-07-13 00:00",
     "resolved (zone as written: CST, UTC-06:00; Chicago was on UTC-05:00 that day)"),
    ("Rally Saturday 6 PM PDT", "en", None, SUMMER, "2025-07-13 01:00", "resolved (zone as written: PDT, UTC-07:00)"),
    ("Protest sutra u 18h CET ispred Vlade", "sr", None, WINTER, "2025-01-10 17:00", "resolved (zone as written: CET, UTC+01:00)"),
    ("Protest sutra u 18h CEST ispred Vlade", "sr", None, SUMMER, "2025-07-11 16:00", "resolved (zone as written: CEST, UTC+02:00)"),
    ("Vigil tomorrow at 7 PM BST outside the embassy", "en", None, SUMMER, "2025-07-11 18:00", "resolved (zone as written: BST, UTC+01:00)"),
    # After "p.m." the zone follows the dot the span leaves out.
    ("Vigil tonight at 7 p.m. CT by the river", "en", None, SUMMER, "2025-07-11 00:00", "resolved (zone as written: CT, America/Chicago)"),
    # A written zone wins over --tz (the zone of the posts' place) and over the language's zone.
    ("Rally Saturday 6 PM PT", "en", "Europe/Belgrade", SUMMER, "2025-07-13 01:00", "resolved (zone as written: PT, America/Los_Angeles)"),
    ("Protest tomorrow at 18:00 GMT", "sr", "Europe/Belgrade", SUMMER, "2025-07-11 18:00", "resolved (zone as written: GMT, UTC+00:00)"),
    # The day too is the written zone's: posted at 02:00 UTC on 11 July, 22:00 on 10 July in New York, "tonight" is
    # 10 July there (read on the UTC clock it was 11 July 23:30 UTC, a day late).
    ("Vigil tonight 11:30 PM ET", "en", None, pd.Timestamp("2025-07-11 02:00", tz="UTC"), "2025-07-11 03:30",
     "resolved (zone as written: ET, America/New_York)"),
    # Ambiguous abbreviations are not guessed: the default zone, and the status says why.
    ("Rally tomorrow at 7 PM IST", "en", None, SUMMER, "2025-07-11 19:00",
     "resolved (zone written: IST, ambiguous (India, Israel or Ireland): read in UTC, the zone of the post's language)"),
    ("Protest sutra u 18h CST", "sr", None, SUMMER, "2025-07-11 16:00",
     "resolved (zone written: CST, ambiguous (US Central, China or Cuba): read in Europe/Belgrade, the zone of the post's language)"),
    ("Protest sutra u 18h IST", "sr", "Europe/Tirane", WINTER, "2025-01-10 17:00",
     "resolved (zone written: IST, ambiguous (India, Israel or Ireland): read in Europe/Tirane, the zone given (--tz))"),
    # Nothing written: as before (English on the post's UTC clock; a lower-case "et" is no zone).
    ("Rally Saturday 6 PM", "en", None, SUMMER, "2025-07-12 18:00", "resolved"),
    ("Join the sit-in today at 5 et cetera", "en", None, SUMMER, "2025-07-10 17:00", "resolved"),
    ("Protest sutra u 18h ispred Vlade", "sr", None, SUMMER, "2025-07-11 16:00", "resolved"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "lang", "tz", "posted", "utc", "status"), CASES)
def test_a_written_zone_decides_the_time(text: str, lang: str, tz: str | None, posted: pd.Timestamp, utc: str, status: str) -> None:
    got = extract_one(text, posted, lang, tz)
    assert (got["when_ts"], got["when_status"]) == (pd.Timestamp(utc, tz="UTC"), status)


def test_the_zone_is_in_when_and_when_zone_says_what_it_was_read_in() -> None:
    got = extract_spans("Rally Saturday 6 PM ET at City Hall", SUMMER, "en")
    assert (got["when"], got["when_zone"]) == ("Saturday 6 PM ET", "America/New_York")
    got = extract_spans("Rally Saturday 6 PM EST at City Hall", SUMMER, "en")
    assert (got["when"], got["when_zone"]) == ("Saturday 6 PM EST", "Etc/GMT+5")  # the database's name for UTC-05:00
    got = extract_spans("Rally at 7 p.m. ET on Saturday", SUMMER, "en")
    assert (got["when"], got["when_zone"]) == ("at 7 p.m. ET … Saturday", "America/New_York")
    got = extract_spans("Rally tomorrow at 7 PM IST", SUMMER, "en")
    assert (got["when"], got["when_zone"]) == ("tomorrow at 7 PM IST", "UTC")


def test_a_day_alone_or_no_post_time_keeps_its_status() -> None:
    # Without the post's time a relative day stays unresolved, zone or not; a zone after a year is no clock's zone.
    assert extract_one("Rally tomorrow 6 PM ET", None, "en")["when_status"] == "no post time"
    got = extract_one("Rally on December 5, 2015 EST", SUMMER, "en")
    assert (got["when_ts"], got["when_status"]) == (pd.Timestamp("2015-12-05", tz="UTC"), "date")


def test_extract_over_a_series_gives_the_same_columns() -> None:
    texts = pd.Series(["Rally Saturday 6 PM ET", "Rally Saturday 6 PM"], index=["a", "b"])
    out = extract.extract(texts, pd.Series([str(SUMMER)] * 2, index=texts.index), pd.Series(["en", "en"], index=texts.index))
    assert list(out.columns) == ["event", "when", "when_ts", "when_status", "where"]
    assert [str(t) for t in out["when_ts"]] == ["2025-07-12 22:00:00+00:00", "2025-07-12 18:00:00+00:00"]
    assert out["when_status"].tolist() == ["resolved (zone as written: ET, America/New_York)", "resolved"]


def test_posts_output_carries_the_written_zone(tmp_path: Path) -> None:
    # The call model copies when_ts and when_status from the extraction: `detector posts` writes them as computed here.
    src = tmp_path / "calls.csv"
    text = "Join us! Protest rally in front of City Hall this Saturday 6 PM ET, everyone come!"
    src.write_text(f'post_id,author_id,text,created_at,lang\n1,a,"{text}",2025-07-10T12:00:00Z,en\n', encoding="utf-8")
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(cli, ["posts", str(src), "-o", str(out), "--no-account-model"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got[["is_call", "when", "when_ts", "when_status"]].values.tolist() == [
        ["True", "this Saturday 6 PM ET", "2025-07-12 22:00:00+00:00", "resolved (zone as written: ET, America/New_York)"]
    ]


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
