"""Look-alike groups across a scored list (detector.accounts.lookalike) and in `detector score`'s output.

The lists here are synthetic, shaped as real exports are: the screen names of the three generated
handles are those of the shipped TwiBot-20 example (Richard37226643, Jasmine82765052,
Mahendr43681266); the others, the times and the texts are made up. Expected groups and evidence are
written out in full.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from detector.accounts import lookalike
from detector.accounts import score as scoring
from detector.accounts.lookalike import (
    LOOKALIKE_COLUMNS,
    find_lookalikes,
    lookalike_keys,
    screen_name_template,
)
from detector.accounts.model import load_model, score_accounts
from detector.accounts.read import read_accounts
from detector.cli import cli

pytestmark = pytest.mark.usefixtures("no_network")

AS_OF = "2024-01-01"
LONG_BIO = "Proud patriot. Family first. Retweets are not endorsements! https://t.co/abc"  # 59 characters once the link goes

# A synthetic list: (screen_name, name, description, created_at)
SYNTHETIC = [
    ("Richard37226643", "Richard Aldrich", "", "2020-08-23 19:00:42"),   # 0  burst + template
    ("Jasmine82765052", "Jasmine Cole", "", "2020-08-23 19:01:40"),      # 1  burst + template
    ("Mahendr43681266", "Mahendra V", "", "2020-08-23 19:02:05"),        # 2  burst + template
    ("Rebecca11112222", "Rebecca", "", "2020-08-23 19:04:59"),           # 3  burst + template
    ("Michael33334444", "Michael", "", "2020-08-23 19:06:30"),           # 4  burst + template
    ("news_desk", "News Desk", "", "2020-08-23 19:03:00"),               # 5  burst only: one kind
    ("Anna90000001", "Ana", "", "2011-02-01 10:00:00"),                  # 6  name only (another template)
    ("ana_b", "Ana", "", "2013-05-09 08:00:00"),                         # 7  name only
    ("ana_c", "ANA ", "", "2016-11-30 21:00:00"),                        # 8  name only (normalised)
    ("patriot_1", "P1", LONG_BIO, "2012-01-01 09:00:00"),                # 9  long bio x3: strong
    ("patriot_2", "P2", LONG_BIO.upper(), "2014-03-03 09:00:00"),        # 10 long bio x3: strong
    ("patriot_3", "P3", LONG_BIO.replace("abc", "xyz"), "2017-07-07 09:00:00"),  # 11
    ("twin_a", "Twin", "Same short-ish bio of 31 chars.", "2015-01-01 12:00:00"),  # 12 pair: too few
    ("twin_b", "Twin", "Same short-ish bio of 31 chars.", "2019-01-01 12:00:00"),  # 13
    ("Sarah20240101", "Sarah", "", None),                                # 14 no creation time
]

BURST = "created within {m} minutes of 4 other accounts of its group; 4 others share its screen-name template Name+8 digits, 15 characters"
EXPECTED = [
    ("L1", 5, BURST.format(m=6)),
    ("L1", 5, BURST.format(m=6)),
    ("L1", 5, BURST.format(m=6)),
    ("L1", 5, BURST.format(m=6)),
    ("L1", 5, BURST.format(m=6)),
    ("", 0, ""),
    ("", 0, ""),
    ("", 0, ""),
    ("", 0, ""),
    ("L2", 3, "2 others share its description (59 characters)"),
    ("L2", 3, "2 others share its description (59 characters)"),
    ("L2", 3, "2 others share its description (59 characters)"),
    ("", 0, ""),
    ("", 0, ""),
    ("", 0, ""),
]


def synthetic_accounts(rows: list[tuple[str, str, str, str | None]] = SYNTHETIC) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": [str(1000 + i) for i in range(len(rows))],
            "screen_name": pd.array([r[0] for r in rows], dtype="string"),
            "name": pd.array([r[1] for r in rows], dtype="string"),
            "description": pd.array([r[2] for r in rows], dtype="string"),
            "created_at": pd.to_datetime([r[3] for r in rows], utc=True),
        }
    )


def groups_of(accounts: pd.DataFrame) -> list[tuple[str, int, str]]:
    found = find_lookalikes(lookalike_keys(accounts))
    assert list(found.columns) == list(LOOKALIKE_COLUMNS)
    return list(zip(found["lookalike_group"], found["lookalike_size"].tolist(), found["lookalike_evidence"], strict=True))


def test_groups_and_evidence_of_a_synthetic_list() -> None:
    assert groups_of(synthetic_accounts()) == EXPECTED


def test_groups_do_not_depend_on_the_order_of_the_list() -> None:
    accounts = synthetic_accounts()
    order = np.random.default_rng(5).permutation(len(accounts))
    got = groups_of(accounts.iloc[order].reset_index(drop=True))
    want = [EXPECTED[i] for i in order]
    # Group names follow the list's order among groups of one size; here the sizes differ.
    assert got == want


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("Richard37226643", "Name+8 digits, 15 characters"),
        ("JohnSmith", "Name+Name, 9 characters"),
        ("jsmith_1984", "name+_+4 digits, 11 characters"),
        ("JSMITH2020", "NAME+4 digits, 10 characters"),
        ("Đorđe2024", "Name+4 digits, 9 characters"),
        ("eBay", "name+Name, 4 characters"),
    ],
)
def test_screen_name_template(name: str, template: str) -> None:
    assert screen_name_template(name) == template


def test_ascii_and_unicode_names_get_the_same_template_as_one_by_one() -> None:
    names = pd.Series(["Richard37226643", "Đorđe2024", "ab12", "x_9999", None, "ŽŽ1234"], dtype="string")
    keys = lookalike_keys(pd.DataFrame({"screen_name": names}))
    assert keys["template"].tolist() == [
        "Name+8 digits, 15 characters", "Name+4 digits, 9 characters", pd.NA, "name+_+4 digits, 6 characters", pd.NA, "NAME+4 digits, 6 characters",
    ]


def test_a_day_only_list_has_no_bursts() -> None:
    rows = [(f"Name{i:08d}", f"N{i}", "", "2020-08-23") for i in range(6)]  # six on one day, no time of day
    accounts = synthetic_accounts(rows)
    keys = lookalike_keys(accounts)
    assert (lookalike._bursts(keys["created_s"].to_numpy()) == -1).all()
    assert groups_of(accounts) == [("", 0, "")] * 6  # the template alone is one kind


def test_missing_fields_give_no_evidence() -> None:
    counts_only = pd.DataFrame({"account_id": ["1", "2", "3"], "followers_count": [1.0, 2.0, 3.0]})
    assert groups_of(counts_only) == [("", 0, "")] * 3
    assert groups_of(counts_only.iloc[:0]) == []


def test_a_burst_needs_more_than_the_lists_own_rate() -> None:
    # Synthetic: six accounts a minute apart, alone in their year; then a dense stretch of 3,000
    # accounts in 30 days: against the 60 days around them, ten minutes expect 0.35, so a burst there
    # needs 7 (20 x 0.35), and five extra accounts in ten minutes are not one.
    base = pd.Timestamp("2020-01-01 09:00", tz="UTC")  # not midnight: a time of exactly 00:00:00 is a day only
    quiet = [base + pd.Timedelta(minutes=i) for i in range(6)]
    dense_base = pd.Timestamp("2021-01-01 00:00:07", tz="UTC")
    dense = [dense_base + pd.Timedelta(seconds=int(s)) for s in np.linspace(0, 30 * 86400, 3000)]
    extra = [dense_base + pd.Timedelta(days=15, seconds=s) for s in range(0, 500, 100)]
    created = pd.Series(quiet + dense + extra)
    ids = lookalike._bursts(lookalike_keys(pd.DataFrame({"created_at": created}))["created_s"].to_numpy())
    assert (ids[:6] == 0).all()  # six in five minutes where nothing else was created: a burst
    assert (ids[6:] == -1).all()


def test_score_writes_the_groups_without_changing_scores(small_model_path: Path, tmp_path: Path) -> None:
    accounts = synthetic_accounts()
    src = tmp_path / "accounts.csv"
    accounts.assign(created_at=accounts["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).rename(columns={"account_id": "id"}).to_csv(src, index=False)
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli, ["score", str(src), "-o", str(out), "--model", str(small_model_path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "2 look-alike groups of 8 accounts in this list: see column lookalike_evidence" in result.stdout
    got = pd.read_csv(out, dtype={"account_id": str}, keep_default_na=False)
    assert list(zip(got["lookalike_group"], got["lookalike_size"].tolist(), got["lookalike_evidence"], strict=True)) == EXPECTED
    want = score_accounts(read_accounts(src, as_of=AS_OF).accounts, load_model(small_model_path))
    assert got["score"].tolist() == want["score"].tolist()
    assert got["label"].tolist() == want["label"].tolist()


@pytest.mark.parametrize("workers", [1, 2])
def test_groups_span_chunks_and_the_spool(small_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    accounts = synthetic_accounts()
    src = tmp_path / "accounts.csv"
    accounts.assign(created_at=accounts["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).rename(columns={"account_id": "id"}).to_csv(src, index=False)
    monkeypatch.setattr(scoring, "SPOOL_IN_MEMORY", 4)  # all but the first chunk go to disk
    out = tmp_path / "scores.parquet"
    run = scoring.score_file(src, str(out), model=load_model(small_model_path), as_of=AS_OF, chunksize=4, workers=workers, min_score=0.0)
    got = pd.read_parquet(out)
    assert list(zip(got["lookalike_group"], got["lookalike_size"].tolist(), got["lookalike_evidence"], strict=True)) == EXPECTED
    assert (run.lookalike_groups, run.lookalike_accounts) == (2, 8)
    assert run.top is not None and set(LOOKALIKE_COLUMNS) <= set(run.top.columns)
    top = run.top.set_index("account_id")
    assert top.loc["1009", "lookalike_group"] == "L2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.csv", "scores.parquet"]


def test_without_a_temporary_folder_the_chunks_wait_in_memory(small_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    accounts = synthetic_accounts()
    src = tmp_path / "accounts.csv"
    accounts.assign(created_at=accounts["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).rename(columns={"account_id": "id"}).to_csv(src, index=False)

    def no_folder(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scoring, "SPOOL_IN_MEMORY", 4)
    monkeypatch.setattr(scoring.tempfile, "mkdtemp", no_folder)
    out = tmp_path / "scores.csv"
    scoring.score_file(src, str(out), model=load_model(small_model_path), as_of=AS_OF, chunksize=4)
    got = pd.read_csv(out, dtype={"account_id": str}, keep_default_na=False)
    assert list(zip(got["lookalike_group"], got["lookalike_size"].tolist(), got["lookalike_evidence"], strict=True)) == EXPECTED
    assert "cannot keep scored chunks in a temporary folder" in caplog.text


def test_report_from_scores_shows_the_groups(small_model_path: Path, tmp_path: Path) -> None:
    accounts = synthetic_accounts()
    src = tmp_path / "accounts.csv"
    accounts.assign(created_at=accounts["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).rename(columns={"account_id": "id"}).to_csv(src, index=False)
    scores = tmp_path / "scores.csv"
    runner = CliRunner()
    assert runner.invoke(cli, ["score", str(src), "-o", str(scores), "--model", str(small_model_path), "--as-of", AS_OF]).exit_code == 0
    out = tmp_path / "report"
    res = runner.invoke(cli, ["report", "--scores", str(scores), "-o", str(out)])
    assert res.exit_code == 0, res.output
    groups = json.loads((out / "report-latest.json").read_text(encoding="utf-8"))["lookalike_groups"]
    assert [(g["group"], g["size"], len(g["members"])) for g in groups] == [("L1", 5, 5), ("L2", 3, 3)]
    assert {m["screen_name"] for m in groups[1]["members"]} == {"patriot_1", "patriot_2", "patriot_3"}
    assert groups[1]["members"][0]["evidence"] == "2 others share its description (59 characters)"
    html = (out / "report-latest.html").read_text(encoding="utf-8")
    assert "Look-alike groups in the scored list" in html
    assert BURST.format(m=6) in html


def test_report_without_lookalike_columns_has_no_such_section(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    pd.DataFrame({"account_id": ["1", "2"], "screen_name": ["a", "b"], "score": [0.9, 0.1], "label": ["suspicious", "likely-genuine"]}).to_csv(scores, index=False)
    out = tmp_path / "report"
    assert CliRunner().invoke(cli, ["report", "--scores", str(scores), "-o", str(out)]).exit_code == 0
    assert json.loads((out / "report-latest.json").read_text(encoding="utf-8"))["lookalike_groups"] == []
    assert "Look-alike groups" not in (out / "report-latest.html").read_text(encoding="utf-8")


def _synthetic_file(tmp_path: Path) -> Path:
    accounts = synthetic_accounts()
    src = tmp_path / "accounts.csv"
    accounts.assign(created_at=accounts["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).rename(columns={"account_id": "id"}).to_csv(src, index=False)
    return src


def test_the_top_table_shows_the_group_and_no_lookalike_turns_it_off(small_model_path: Path, tmp_path: Path) -> None:
    src = _synthetic_file(tmp_path)
    out = tmp_path / "scores.csv"
    base = ["score", str(src), "-o", str(out), "--model", str(small_model_path), "--as-of", AS_OF, "--top", "15"]
    result = CliRunner().invoke(cli, base)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = lines[1]
    assert header.split()[:5] == ["account_id", "screen_name", "score", "label", "look-alike"]
    rows = {line.split()[0]: line for line in lines[2:17]}
    shown = {ident: m.group(0) if (m := re.search(r"\bL\d+ of \d+\b", row)) else "" for ident, row in rows.items()}
    assert shown == {str(1000 + i): {"L1": "L1 of 5", "L2": "L2 of 3", "": ""}[g] for i, (g, _, _) in enumerate(EXPECTED)}

    result = CliRunner().invoke(cli, [*base, "--no-lookalike"])
    assert result.exit_code == 0, result.output
    assert "look-alike" not in result.stdout.splitlines()[1]
    assert "look-alike group" not in result.stdout.replace(lookalike.OFF_NOTICE, "")
    assert result.stdout.count(f"note: {lookalike.OFF_NOTICE}") == 1
    got = pd.read_csv(out, dtype={"account_id": str}, keep_default_na=False)
    assert not set(LOOKALIKE_COLUMNS) & set(got.columns)
    want = score_accounts(read_accounts(src, as_of=AS_OF).accounts, load_model(small_model_path))
    assert got["score"].tolist() == want["score"].tolist()


@pytest.mark.parametrize("workers", [1, 2])
def test_no_lookalike_writes_the_same_scores_without_the_spool(small_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    src = _synthetic_file(tmp_path)
    monkeypatch.setattr(scoring, "SPOOL_IN_MEMORY", 4)

    def no_spool(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing waits for the whole list")

    monkeypatch.setattr(scoring._Spool, "add", no_spool)
    model = load_model(small_model_path)
    run = scoring.score_file(src, str(tmp_path / "off.csv"), model=model, as_of=AS_OF, chunksize=4, workers=workers, lookalike=False)
    assert (run.scored, run.lookalike_groups, run.notices[-1]) == (15, 0, lookalike.OFF_NOTICE)
    assert run.top is not None and not set(LOOKALIKE_COLUMNS) & set(run.top.columns)
    got = pd.read_csv(tmp_path / "off.csv", dtype={"account_id": str})
    assert got["score"].tolist() == score_accounts(read_accounts(src, as_of=AS_OF).accounts, model)["score"].tolist()


def test_components_are_labelled_by_their_smallest_row() -> None:
    # rows 3-5-8 (a chain given out of order), 7-9, 2 linked to itself only; the rest unlinked
    u = np.array([5, 9, 8, 2], dtype=np.int64)
    v = np.array([3, 7, 5, 2], dtype=np.int64)
    assert lookalike._components(10, u, v).tolist() == [-1, -1, 2, 3, -1, 3, -1, 7, 3, 7]
    assert lookalike._components(4, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == [-1] * 4


def _union_find(n: int, u: np.ndarray, v: np.ndarray) -> list[int]:
    """Connected components the plain way, one edge at a time: each linked row's smallest row."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    linked = set(u.tolist()) | set(v.tolist())
    return [root(i) if i in linked else -1 for i in range(n)]


def test_components_of_the_real_links_of_the_shipped_tables_match_union_find() -> None:
    # Every account of datasets/accounts as one list: the links find_lookalikes makes between them
    # (real screen-name templates, descriptions, names, creation times), grouped both ways.
    root = Path(__file__).resolve().parents[1] / "datasets" / "accounts"
    accounts = pd.concat([pd.read_parquet(p) for p in sorted(root.glob("*.parquet"))], ignore_index=True)
    keys = lookalike_keys(accounts)
    ids = {
        "burst": lookalike._bursts(keys["created_s"].to_numpy(dtype=np.int64)),
        "template": lookalike._group_ids(keys["template"], lookalike.TEMPLATE_MIN),
        "description": lookalike._group_ids(keys["description"], 2),
        "name": lookalike._group_ids(keys["name"], 2),
    }
    edges = [lookalike._star_edges(np.where(ids[a] >= 0, ids[a], -1), 2) for a in ids]
    u = np.concatenate([e[0] for e in edges])
    v = np.concatenate([e[1] for e in edges])
    assert len(u) > 1000
    assert lookalike._components(len(keys), u, v).tolist() == _union_find(len(keys), u, v)
