"""The zone of the times a call writes: the user's --tz when given, else the post's language.

The posts are written for these tests (not from ../shared), in the shape of real calls: an English
call from Kosovo posted half an hour after local midnight, and a Serbian diaspora call in Chicago.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.posts import extract

KOSOVO_EN = "Students of Prishtina: protest tomorrow at 18:00 in front of the Assembly, everyone come!"
CHICAGO_SR = "Protest ispred konzulata u subotu u 14h, dođite svi!"
# 23:30 UTC on Thursday 3 December 2026 is 00:30 on Friday 4 December in Prishtina; 16:00 UTC is 10:00 in Chicago.
POSTED = ["2026-12-03T23:30:00Z", "2026-12-03T16:00:00Z"]


@pytest.mark.parametrize(
    ("tz", "expected", "zones"),
    [
        # No --tz: an English post's zone is not known (Prishtina is not the call's place), and its clock time is not
        # resolved (session 12: it was read on the post's UTC clock, 4 December 18:00 UTC, a day early for Prishtina);
        # Serbian in Central European time (Saturday 5 December 14:00 = 13:00 UTC).
        (None, ["NaT", "2026-12-05 13:00:00+00:00"], ["UTC", "Europe/Belgrade"]),
        # --tz Europe/Belgrade: the Kosovo post was written on 4 December, local: tomorrow is the 5th, 18:00 CET.
        ("Europe/Belgrade", ["2026-12-05 17:00:00+00:00", "2026-12-05 13:00:00+00:00"], ["Europe/Belgrade"] * 2),
        # --tz America/Chicago: Saturday 14:00 CST is 20:00 UTC; the Kosovo post's tomorrow (4 Dec, posted 17:30 local) at 18:00 CST.
        ("America/Chicago", ["2026-12-05 00:00:00+00:00", "2026-12-05 20:00:00+00:00"], ["America/Chicago"] * 2),
    ],
)
def test_an_explicit_zone_wins_over_the_language(tz: str | None, expected: list[str], zones: list[str]) -> None:
    out = extract.extract(pd.Series([KOSOVO_EN, CHICAGO_SR]), pd.Series(POSTED), pd.Series(["en", "sr"]), tz=tz)
    assert out["when"].tolist() == ["tomorrow at 18:00", "u subotu u 14h"]
    assert [str(t) for t in out["when_ts"]] == expected
    assert out["when_status"].tolist() == ["no post zone" if tz is None else "resolved", "resolved"]
    assert [extract.event_zone(lg, tz) for lg in ("en", "sr")] == zones


def test_posts_tz_decides_the_event_times_and_the_reasons_name_it(tmp_path: Path) -> None:
    src = tmp_path / "calls.csv"
    src.write_text("post_id,author_id,text,created_at,lang\n"
                   f'1,a,"{KOSOVO_EN}",{POSTED[0]},en\n2,b,"{CHICAGO_SR}",{POSTED[1]},sr\n', encoding="utf-8")  # fmt: skip
    got, err = {}, {}
    for tz in (None, "America/Chicago"):
        out = tmp_path / f"p-{tz is None}.csv"
        args = ["posts", str(src), "-o", str(out), "--no-account-model"] + (["--tz", tz] if tz else [])
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 0, res.output
        got[tz] = pd.read_csv(out, dtype=str, keep_default_na=False)
        err[tz] = res.stderr
    # The times of the posts carry their zone: --tz does not move them.
    assert got[None]["created_at"].tolist() == got["America/Chicago"]["created_at"].tolist() == ["2026-12-03 23:30:00+00:00", "2026-12-03 16:00:00+00:00"]
    assert got[None]["is_call"].tolist() == ["True", "True"]
    assert got[None]["when_ts"].tolist() == ["", "2026-12-05 13:00:00+00:00"]
    assert got[None]["when_status"].tolist() == ["no post zone", "resolved"]
    assert got["America/Chicago"]["when_ts"].tolist() == ["2026-12-05 00:00:00+00:00", "2026-12-05 20:00:00+00:00"]
    assert "else of the post's language (bs, hr, mk, sq, sr, sr-Cyrl: Europe/Belgrade); in other posts no zone is known: a clock time is not resolved" in " ".join(err[None].split())
    assert "else (a call naming no place) of its author's profile location when that names one zone" in " ".join(err[None].split())
    assert 'times written in calls ("tomorrow at 18h") read in America/Chicago (--tz)' in err["America/Chicago"]


def test_the_reasons_of_a_call_name_the_zone_of_its_time() -> None:
    from detector.posts.calls import score_calls

    texts = pd.Series([KOSOVO_EN, CHICAGO_SR])
    unknown = "it depends on the post's zone, which is not known: give --tz"  # session 12: no longer "read in UTC"
    for tz, zones in ((None, [unknown, "read in Europe/Belgrade"]), ("Europe/Tirane", ["read in Europe/Tirane"] * 2)):
        out = score_calls(texts, pd.Series(POSTED), pd.Series(["en", "sr"]), tz=tz)
        assert out["is_call"].tolist() == [True, True]
        assert [r.split("; time ")[1].split(";")[0] for r in out["call_reasons"]] == [
            f'"tomorrow at 18:00" ({zones[0]})', f'"u subotu u 14h" ({zones[-1]})']


def test_dask_engine_reads_event_times_in_the_given_zone_as_locally(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from detector import engine
    from detector.dates import DateRules

    parts = tmp_path / "parts"
    parts.mkdir()
    pd.DataFrame({"post_id": ["1"], "author_id": ["a"], "text": [KOSOVO_EN], "created_at": [POSTED[0]], "lang": ["en"]}).to_csv(parts / "a.csv", index=False)
    pd.DataFrame({"post_id": ["2"], "author_id": ["b"], "text": [CHICAGO_SR], "created_at": [POSTED[1]], "lang": ["sr"]}).to_csv(parts / "b.csv", index=False)
    with engine.dask_client(n_workers=1, processes=False) as client:
        engine.analyse_partitioned(parts, str(tmp_path / "d.csv"), dates=DateRules(tz="America/Chicago"), client=client, use_model=False)
    got = engine.read_parts(str(tmp_path / "d.csv")).sort_values("post_id", ignore_index=True)
    assert got["when_ts"].astype(str).tolist() == ["2026-12-05 00:00:00+00:00", "2026-12-05 20:00:00+00:00"]


def test_run_reads_the_times_calls_name_in_its_tz(tmp_path: Path) -> None:
    """`detector run --tz` on the shipped IRA example (real posts): the report's call times follow the zone given."""
    root = Path(__file__).resolve().parents[1]
    got = {}
    for tz in (None, "America/Chicago"):
        base = tmp_path / str(tz).replace("/", "-")
        args = ["run", "--watch", "texit-rally", "--config", str(root / "datasets" / "examples" / "watches.toml"),
                "--from", str(root / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"), "--db", str(base / "d.sqlite"),
                "--data-dir", str(base), "-o", str(base / "reports")] + (["--tz", tz] if tz else [])  # fmt: skip
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 0, res.output
        calls = json.loads((base / "reports" / "report-texit-rally-latest.json").read_text(encoding="utf-8"))["calls"]
        got[tz] = {c["when"]: c["when_ts"] for c in calls if "Black Unity March" in c["text"]}
    # "Come and join our Black Unity March in Cleveland ... September 17, at 1 PM": without --tz the place's zone
    # (a US city's since session 11, h62; it was the post's UTC clock): 13:00 New York summer time, 17:00 UTC; with
    # --tz the zone given, which wins over the town: 13:00 Chicago summer time. The day alone is local midnight.
    assert got[None] == {"September 17, at 1 PM": "2016-09-17T17:00:00Z", "September 17": "2016-09-17T04:00:00Z"}
    assert got["America/Chicago"] == {"September 17, at 1 PM": "2016-09-17T18:00:00Z", "September 17": "2016-09-17T05:00:00Z"}
