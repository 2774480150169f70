"""What, when and where as an analyst reads them: in post_scores.csv and in the report's calls.

Calls written for this test in the shapes of issue 10 (Albanian, Serbian Latin and English), no
text of balkan-posts. The posts carry local times without a zone and no author, as a spreadsheet
export does; ``--tz Europe/Belgrade`` is the zone of the posts' place. Only the strongest calls
(call score 0.99-1.00 with the shipped model) are checked for their columns; the extraction itself
is tested in test_extract.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.ops.report import build_content, load_report_files

POSTS = (
    "post_id;author;Tekst;Datum\n"
    "p1;ana;Nesër në orën 18 protestë para Komunës në Mitrovicë, ejani të gjithë!;24.11.2024 20:15\n"
    "p2;boki;Protest të hënën në orën 12 para Kuvendit, ejani të gjithë!;24.11.2024 20:18\n"
    "p3;ceca;Most people will protest tomorrow at 5pm at City Hall, join us!;24.11.2024 20:20\n"
)
# post_id -> event, when as written, when_ts (UTC), when_status, where as written
EXPECTED = {
    "p1": ("protest", "Nesër në orën 18", "2024-11-25 17:00:00+00:00", "resolved", "para Komunës në Mitrovicë"),
    "p2": ("protest", "të hënën në orën 12", "2024-11-25 11:00:00+00:00", "resolved", "para Kuvendit"),
    # English too is read in the zone given: 17:00 in Belgrade.
    "p3": ("protest", "tomorrow at 5pm", "2024-11-25 16:00:00+00:00", "resolved", "at City Hall"),
}


def test_post_scores_and_the_report_show_what_when_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("calls.csv").write_text(POSTS, encoding="utf-8")
    args = ["posts", "calls.csv", "--columns", "text=Tekst,created_at=Datum,author_screen_name=author", "--tz", "Europe/Belgrade",
            "-o", "post_scores.csv", "--accounts-out", "accounts.csv"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    got = pd.read_csv("post_scores.csv", dtype=str, keep_default_na=False).set_index("post_id")
    assert got["is_call"].tolist() == ["True", "True", "True"]
    columns = ["event", "when", "when_ts", "when_status", "where"]
    assert {i: tuple(got.loc[i, columns]) for i in got.index} == EXPECTED
    assert got["when_zone"].tolist() == ["Europe/Belgrade (--tz)"] * 3  # the zone every time was read in, and why (h56)
    data, _ = load_report_files(Path("accounts.csv"), posts=Path("post_scores.csv"))  # no cluster: three authors, one post each
    calls = {c["text"][:12]: c for c in build_content(data)["calls"]}
    report = {k: (c["event"], c["when"], c["when_ts"], c["where"]) for k, c in calls.items()}
    assert report == {
        "Nesër në orë": ("protest", "Nesër në orën 18", "2024-11-25T17:00:00Z", "para Komunës në Mitrovicë"),
        "Protest të h": ("protest", "të hënën në orën 12", "2024-11-25T11:00:00Z", "para Kuvendit"),
        "Most people ": ("protest", "tomorrow at 5pm", "2024-11-25T16:00:00Z", "at City Hall"),
    }


def test_the_extraction_bench_counts_against_the_labels() -> None:
    # bench/extract_eval.py on a synthetic labelled file (sentences written here): two calls, one not.
    import importlib.util

    spec = importlib.util.spec_from_file_location("extract_eval_for_tests", Path(__file__).resolve().parents[1] / "bench" / "extract_eval.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    dev = pd.DataFrame({
        "text": ["Protest sutra u 18h ispred Skupštine", "Ejani të gjithë nesër!", "Lep dan danas"],
        "lang": ["sr", "sq", "sr"], "is_call": [1, 1, 0], "event_kind": ["protest", "gathering", "none"],
        "has_time": [1, 1, 0], "has_place": [1, 1, 0],
    })  # fmt: skip
    got = bench.measure(dev).set_index("group")
    # The Albanian call names no event word but a time (a gathering, by the
    # definition and the label) and no place the rules know.
    assert got.loc["all"].tolist() == [2, "2/2", 2, "2/2", "2/2", 2, "1/1", "1/2"]
    assert got.loc["Albanian"].tolist() == [1, "1/1", 1, "1/1", "1/1", 1, "0/0", "0/1"]
    assert "| all | 2 | 2/2 |" in bench.section(bench.measure(dev))


def test_readme_names_every_event_kind_and_time_status() -> None:
    # The user-facing docs of post_scores.csv's call columns name what the code writes.
    import inspect

    from detector.posts import extract as extract_module

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert [k for k in extract_module.EVENT_KINDS if f"`{k}`" not in readme] == []
    statuses = ("resolved", "date", "no post time", "unresolved")
    source = inspect.getsource(extract_module)
    assert [s for s in statuses if f'"{s}"' not in source] == []  # the values the code writes
    assert [s for s in statuses if f"`{s}`" not in readme] == []
    assert "`when_ts` is that time in UTC" in readme and "--tz" in readme
