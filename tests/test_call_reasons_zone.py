"""A call's reasons say plainly when its day could not be resolved for want of the post's zone."""

from __future__ import annotations

import pandas as pd

from detector.posts.call_model import score_calls

# Synthetic sentence, written for this test.
TEXT = pd.Series(["Join the rally at noon tomorrow in front of city hall! Everyone come!"])


def test_no_post_zone_is_said_in_the_reasons_not_read_in_utc() -> None:
    # 05:30 UTC on 5 Nov 2016 is the 5th in New York and Chicago, still the 4th in Denver and Los Angeles:
    # "tomorrow" has no one day.
    out = score_calls(TEXT, lang=pd.Series(["en"]), created_at=pd.Series([pd.Timestamp("2016-11-05 05:30", tz="UTC")]))
    assert out.loc[0, "when_status"] == "no post zone"
    assert pd.isna(out.loc[0, "when_ts"])
    reasons = out.loc[0, "call_reasons"]
    assert "time \"at noon tomorrow\" (it depends on the post's zone, which is not known: give --tz)" in reasons
    assert "read in UTC" not in reasons


def test_a_zone_given_reads_the_time_in_it() -> None:
    out = score_calls(
        TEXT, lang=pd.Series(["en"]), created_at=pd.Series([pd.Timestamp("2016-11-05 05:30", tz="UTC")]), tz="America/Chicago"
    )
    assert out.loc[0, "when_status"] == "resolved"
    # 00:30 on the 5th in Chicago, so tomorrow is the 6th; noon then is CST (-6), summer time having ended at 2 AM.
    assert out.loc[0, "when_ts"] == pd.Timestamp("2016-11-06 18:00", tz="UTC")
    assert 'time "at noon tomorrow" (read in America/Chicago)' in out.loc[0, "call_reasons"]
