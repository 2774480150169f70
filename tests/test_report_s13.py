"""Session 13 (h83): the report's names and call zones from the authors' stored profiles.

Synthetic accounts and posts (made up for these tests): a Facebook page known by its name only, as CrowdTangle writes a
page without a User Name (its profile: a name, no screen name; its posts: the page's name as the author's), and a page
with a handle. Nothing here is an evaluation.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from detector.ops.report import ReportData, build_content

PAGE, HANDLED = "100000000000009", "100000000000002"
ACCOUNTS = pd.DataFrame([
    {"account_id": PAGE, "screen_name": None, "name": "Mitrovica", "score": 0.5, "label": "uncertain", "reasons": [],
     "model_version": "t", "scored_at": "2025-07-10T21:00:00Z", "platform": "facebook"},
    {"account_id": HANDLED, "screen_name": "zeriiveriut", "name": "Zëri", "score": 0.4, "label": "uncertain", "reasons": [],
     "model_version": "t", "scored_at": "2025-07-10T21:00:00Z", "platform": "facebook"},
])  # fmt: skip
POSTS = pd.DataFrame([
    {"post_id": "1", "author_id": PAGE, "author_screen_name": "Mitrovica", "text": "Rally tomorrow at 6 PM! Be there, bring a friend!",
     "created_at": "2025-07-10T20:00:00Z", "score": 0.3, "label": "uncertain", "reasons": "", "cluster_ids": ""},
    {"post_id": "2", "author_id": HANDLED, "author_screen_name": "zeriiveriut", "text": "March tomorrow at 6 PM! Join us and bring a friend!",
     "created_at": "2025-07-10T20:05:00Z", "score": 0.3, "label": "uncertain", "reasons": "", "cluster_ids": ""},
])  # fmt: skip


def _content(locations: pd.DataFrame | None = None) -> dict:
    data = ReportData(accounts=ACCOUNTS, posts=POSTS, since=datetime(2025, 7, 10, tzinfo=UTC), until=datetime(2025, 7, 11, tzinfo=UTC), author_locations=locations)
    return build_content(data)


def test_a_one_word_page_name_without_a_handle_is_shown_without_the_handle_mark() -> None:
    """A one-word page name ("Mitrovica") has no space to tell it from a handle; its profile says it has none. On X
    (or with no platform named) a profile without a screen name says nothing of the name its posts carry."""
    assert _content()["display_names"] == [PAGE]
    on_x = ReportData(accounts=ACCOUNTS.assign(platform="x"), posts=POSTS, since=datetime(2025, 7, 10, tzinfo=UTC), until=datetime(2025, 7, 11, tzinfo=UTC))
    assert build_content(on_x)["display_names"] == []


def test_the_calls_found_in_the_report_take_their_authors_locations() -> None:
    """Posts read back from the history store carry no call columns: the report finds them, with the zone of the
    author's stored location for a call that names no place ("Austin, TX": Central time)."""
    locations = pd.DataFrame({"account_id": [PAGE], "platform": ["facebook"], "location": ["Austin, TX"]})
    calls = {c["authors"][0]["account_id"]: c for c in _content(locations)["calls"]}
    assert (calls[PAGE]["when_ts"], calls[PAGE]["when_zone"]) == ("2025-07-11T23:00:00Z", "America/Chicago (author location: Austin, TX)")
    assert (calls[HANDLED]["when_ts"], calls[HANDLED]["when_zone"], calls[HANDLED]["when_status"]) == (None, "", "no post zone")
    assert {c["authors"][0]["account_id"]: c["when_zone"] for c in _content()["calls"]} == {PAGE: "", HANDLED: ""}


def test_run_reads_the_stored_authors_locations_for_the_calls_of_its_report(tmp_path, monkeypatch) -> None:
    """`detector run --from` an X API v2 page (tests/fixtures/posts/v2_texit_page.json: real IRA #texit invitations,
    "rally scheduled for Nov. 5", no place) whose author's profile location is "Austin, TX" (the fixture's "Texas", a
    state of two zones, changed): its invitations are read on Central time (5 November 05:00 UTC); the retweet by an
    author without a location stays on the UTC day, and the report says the group's time differs by post."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from detector.cli import cli

    page = json.loads((Path(__file__).parent / "fixtures" / "posts" / "v2_texit_page.json").read_text(encoding="utf-8"))
    page["includes"]["users"] = [{**u, "location": "Austin, TX"} if u.get("location") == "Texas" else u for u in page["includes"]["users"]]
    (tmp_path / "page.json").write_text(json.dumps(page), encoding="utf-8")
    (tmp_path / "watches.toml").write_text('[watches.texit]\nqueries = ["texit"]\n', encoding="utf-8")
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path))
    res = CliRunner().invoke(cli, ["run", "--watch", "texit", "--config", str(tmp_path / "watches.toml"), "--from", str(tmp_path / "page.json"),
                                   "--db", str(tmp_path / "d.sqlite"), "--data-dir", str(tmp_path), "-o", str(tmp_path / "reports")])  # fmt: skip
    assert res.exit_code == 0, res.output
    calls = json.loads((tmp_path / "reports" / "report-texit-latest.json").read_text(encoding="utf-8"))["calls"]
    austin = "America/Chicago (author location: Austin, TX)"
    assert [(c["when_ts"], c["when_zone"], c["when_status"], [(w["when_ts"], w["when_zone"], w["n_posts"]) for w in c["whens"]]) for c in calls] == [
        (None, "", "differs by post", [("2016-11-05T00:00:00Z", "UTC (language: en)", 1), ("2016-11-05T05:00:00Z", austin, 4)]),
        ("2016-11-05T05:00:00Z", austin, "date", [("2016-11-05T05:00:00Z", austin, 1)]),
    ]
