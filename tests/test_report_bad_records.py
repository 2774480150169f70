"""A record of an earlier output that cannot be read is kept aside by `detector report` and `detector explain`; the
others are used. A file with no readable record still stops, naming the file.

Session 16 (h101). On main c3c4b3f, `report` and `explain` read a JSON/JSONL output with pandas (whole file), so
one truncated JSONL line, one stray comma or one line of text stopped the command ("malformed JSON: ... at
position 3118", exit 2); a JSON list with one element that is not an object crashed with a traceback (exit 1) or
stopped ("dictionary update sequence element #0 has length 1"); a CSV row of the wrong width stopped it too; and a
JSONL of one record ("If using all scalar values, you must pass an index"). pandas' JSON parser also read 0.175 as
0.17500000000000002, so the report of a JSON output was not the report of the same CSV output. And a JSON or
JSONL table with no row (`detector posts` finding no cluster) stopped the report; a CSV header alone did not.

The inputs are real outputs of `detector posts` on the shipped IRA example (datasets/examples/posts/
ira_texit_calls.csv), broken here as a user's editor or a cut-off copy breaks them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from _report_fixture import posts_of_ira_texit
from click.testing import CliRunner

from detector.cli import cli

REPORT = "report-20170916T033100Z"  # the data's last time: the report's name from files

# The report of the unbroken outputs (any format): accounts, posts, clusters and their accounts.
WHOLE = {"accounts_scored": 17, "posts": 181, "clusters": 3, "accounts_in_clusters": 11}
CLUSTERS = [("repost-73e4e127b53c", 4), ("repost-cd15260cdcf8", 4), ("repost-f4bd32c3cb67", 3)]
# What `detector explain GUBATOVOFFICIAL BADAEVVIKTOR` shows of the unbroken clusters: the two posts they share.
SHARED = [
    ["2015-10-16", "00:13:00", "UTC", "BADAEVVIKTOR", "post", "r1"],
    ["2015-10-16", "00:13:00", "UTC", "GUBATOVOFFICIAL", "post", "r2"],
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`detector posts` outputs of the IRA example as CSV, JSONL and JSON (accounts, posts, clusters)."""
    d = tmp_path_factory.mktemp("outputs")
    for ext in ("csv", "jsonl", "json"):
        posts_of_ira_texit(
            "-o",
            str(d / f"posts.{ext}"),
            "--clusters-out",
            str(d / f"clusters.{ext}"),
            "--accounts-out",
            str(d / f"accounts.{ext}"),
        )
    return d


def _files(outputs: Path, ext: str, tmp: Path, **broken: str) -> dict[str, Path]:
    """The three outputs of one format, copied to ``tmp``; ``broken`` names how to break one (see :func:`_break`)."""
    files = {}
    tmp.mkdir(exist_ok=True)
    for table in ("accounts", "posts", "clusters"):
        path = tmp / f"{table}.{ext}"
        path.write_bytes((outputs / f"{table}.{ext}").read_bytes())
        if table in broken:
            _break(path, broken[table])
        files[table] = path
    return files


def _break(path: Path, how: str) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        records = json.loads(text)
        if how == "string 3":
            records[2] = "a string"
        elif how == "list, null and number":
            records[2:5] = [[1, 2], None, 17]
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return
    lines = text.split("\n")
    # truncate: a copy cut off before the record's second field ({"post_id":"r5")
    if how.startswith("truncate"):
        at = int(how.split()[1]) - 1
        lines[at] = lines[at][: lines[at].index(',"')]
    elif how == "stray comma 3":
        lines[2] = "{," + lines[2][1:]
    elif how == "text before 4":
        lines.insert(3, "this line was pasted by hand")
    elif how == "wide 4":  # a CSV row with one field more than the header
        lines[4] += ',"extra"'
    path.write_text("\n".join(lines), encoding="utf-8")


def _report(files: dict[str, Path], out: Path) -> tuple[int, str]:
    args = ["report", "--scores", str(files["accounts"]), "--posts", str(files["posts"])]
    result = CliRunner().invoke(cli, [*args, "--clusters", str(files["clusters"]), "-o", str(out)])
    return result.exit_code, result.output


def _headline(out: Path) -> tuple[dict[str, int], list[tuple[str, int]]]:
    content = json.loads((out / f"{REPORT}.json").read_text(encoding="utf-8"))
    return {k: content["headline"][k] for k in WHOLE}, [
        (c["cluster_id"], c["n_accounts"]) for c in content["clusters"]
    ]


def _rejects(out: Path) -> list[tuple[str, int, str, str]]:
    with open(out / f"{REPORT}.rejects.csv", encoding="utf-8", newline="") as fh:
        return [
            (Path(r["file"]).name, int(r["row"]), r["action"], r["reason"])
            for r in csv.DictReader(fh)
        ]


# ------------------------------------------------------------------------------------------ report

CASES = [
    # (format, table, how, rejects file's rows, headline)
    (
        "jsonl", "posts", "truncate 5",
        [("posts.jsonl", 5, "rejected", "malformed JSON: Expecting ',' delimiter: line 2 column 1 (char 16)")],
        {**WHOLE, "posts": 180},
    ),
    (
        # The first line broken: the file is still read as JSONL (the next line is an object on its own).
        "jsonl", "posts", "truncate 1",
        [("posts.jsonl", 1, "rejected", "malformed JSON: Expecting ',' delimiter: line 2 column 1 (char 16)")],
        {**WHOLE, "posts": 180},
    ),
    (
        "jsonl", "accounts", "stray comma 3",
        [("accounts.jsonl", 3, "rejected", "malformed JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")],
        {**WHOLE, "accounts_scored": 16},
    ),
    (
        # A line of text among the memberships: every membership is still read (11 accounts in 3 clusters).
        "jsonl", "clusters", "text before 4",
        [("clusters.jsonl", 4, "rejected", "malformed JSON: Expecting value: line 1 column 1 (char 0)")],
        WHOLE,
    ),
    (
        "json", "posts", "string 3",
        [("posts.json", 3, "rejected", "a record must be a JSON object, not a string")],
        {**WHOLE, "posts": 180},
    ),
    (
        "json", "posts", "list, null and number",
        [
            ("posts.json", 3, "rejected", "a record must be a JSON object, not a list"),
            ("posts.json", 4, "rejected", "a record must be a JSON object, not null"),
            ("posts.json", 5, "rejected", "a record must be a JSON object, not a number"),
        ],
        {**WHOLE, "posts": 178},
    ),
    (
        "csv", "accounts", "wide 4",
        [(
            "accounts.csv", 4, "rejected",
            "malformed CSV row (line 5 of the file): 18 fields where the header has 17 (a delimiter inside an unquoted "
            "field, or a broken quote?)",
        )],
        {**WHOLE, "accounts_scored": 16},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("ext", "table", "how", "rejected", "headline"), CASES)
def test_report_keeps_a_bad_record_aside_and_uses_the_others(
    outputs: Path,
    tmp_path: Path,
    ext: str,
    table: str,
    how: str,
    rejected: list[tuple[str, int, str, str]],
    headline: dict[str, int],
) -> None:
    files = _files(outputs, ext, tmp_path, **{table: how})
    code, output = _report(files, tmp_path / "report")
    assert code == 0, output
    assert "Traceback" not in output
    name, row, _, reason = rejected[0]
    # The per-record warning names the file and the record.
    assert f"{files[table]}, record {row}: {reason}" in output
    assert _rejects(tmp_path / "report") == rejected
    # The count agrees with its noun (session 16: "1 records rejected" before).
    n = len(rejected)
    assert f"{n} record{'' if n == 1 else 's'} rejected: see " in output and "1 records" not in output
    got, clusters = _headline(tmp_path / "report")
    assert got == headline
    assert clusters == CLUSTERS


def test_a_bad_element_of_each_json_file_is_kept_aside(outputs: Path, tmp_path: Path) -> None:
    """One element of each JSON list a string: a crash before (exit 1, a traceback), now three records aside."""
    files = _files(
        outputs, "json", tmp_path, accounts="string 3", posts="string 3", clusters="string 3"
    )
    code, output = _report(files, tmp_path / "report")
    assert code == 0, output
    assert "3 records rejected" in output
    assert _rejects(tmp_path / "report") == [
        ("accounts.json", 3, "rejected", "a record must be a JSON object, not a string"),
        ("posts.json", 3, "rejected", "a record must be a JSON object, not a string"),
        ("clusters.json", 3, "rejected", "a record must be a JSON object, not a string"),
    ]
    # The third membership was BADAEVVIKTOR's: its cluster has three accounts now.
    assert _headline(tmp_path / "report") == (
        {"accounts_scored": 16, "posts": 180, "clusters": 3, "accounts_in_clusters": 10},
        [("repost-73e4e127b53c", 4), ("repost-cd15260cdcf8", 3), ("repost-f4bd32c3cb67", 3)],
    )


@pytest.mark.parametrize("ext", ["jsonl", "json"])
def test_a_json_report_is_the_csv_report(outputs: Path, tmp_path: Path, ext: str) -> None:
    """pandas' JSON parser read a combined score of 0.175 as 0.17500000000000002 (the report's table showed it)."""
    tables = {}
    for fmt in ("csv", ext):
        code, output = _report(_files(outputs, fmt, tmp_path / fmt), tmp_path / f"report-{fmt}")
        assert code == 0, output
        tables[fmt] = (tmp_path / f"report-{fmt}" / f"{REPORT}.csv").read_text(encoding="utf-8")
    assert "0.17500000000000002" not in tables[ext]
    assert tables[ext] == tables["csv"]


def test_a_jsonl_of_one_record_is_read(outputs: Path, tmp_path: Path) -> None:
    """One author's table ("If using all scalar values, you must pass an index" before)."""
    files = _files(outputs, "jsonl", tmp_path)
    first = (outputs / "accounts.jsonl").read_text(encoding="utf-8").split("\n")[0]
    files["accounts"].write_text(first + "\n", encoding="utf-8")
    code, output = _report(files, tmp_path / "report")
    assert code == 0, output
    assert _headline(tmp_path / "report") == ({**WHOLE, "accounts_scored": 1}, CLUSTERS)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "posts.json",
            '["a string", 17]',
            "no record could be read: all 2 were kept aside (record 1: a record must be a JSON object, not a string)",
        ),
        (
            "posts.csv",
            'post_id,text\n"r1","a","b"\n"r2"\n',
            "no record could be read: all 2 were kept aside (record 1: malformed CSV row (line 2 of the file): 3 fields "
            "where the header has 2 (a delimiter inside an unquoted field, or a broken quote?))",
        ),
        (
            # Every line broken: not told from a broken JSON document, and stopped as one (as before).
            "posts.jsonl",
            '{"post_id": "r1", "text":\n{"post_id": "r2",, "text": "b"}\n',
            "malformed JSON: Expecting property name enclosed in double quotes: line 2 column 18 (char 43)",
        ),
    ],
)
def test_a_file_with_no_readable_record_stops_naming_it(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["report", "--posts", str(bad), "-o", str(tmp_path / "report")]
    )
    assert result.exit_code == 2, result.output
    assert result.output.strip().endswith(f"error: {bad}: {message}")
    assert not (tmp_path / "report").exists() or not list((tmp_path / "report").iterdir())


# ------------------------------------------------------------------------------------------ explain


def _explain(clusters: Path) -> tuple[int, str, list[list[str]]]:
    result = CliRunner().invoke(
        cli, ["explain", "GUBATOVOFFICIAL", "BADAEVVIKTOR", "--clusters", str(clusters)]
    )
    shared = [
        line.split(": ", 1)[0].split() for line in result.output.splitlines() if " post r" in line
    ]
    return result.exit_code, result.output, shared


@pytest.mark.parametrize(
    ("ext", "how", "said"),
    [
        (
            "jsonl",
            "text before 4",
            ["clusters.jsonl, record 4: malformed JSON: Expecting value: line 1 column 1 (char 0)"],
        ),
        (
            "jsonl",
            "truncate 4",
            [
                "clusters.jsonl, record 4: malformed JSON: Expecting ',' delimiter: line 2 column 1 (char 36)"
            ],
        ),
        (
            "json",
            "string 3",
            ["clusters.json, record 3: a record must be a JSON object, not a string"],
        ),
        (
            "csv",
            "wide 4",
            [
                "clusters.csv, record 4: malformed CSV row (line 5 of the file): 16 fields where the header has 15 (a "
                "delimiter inside an unquoted field, or a broken quote?)"
            ],
        ),
    ],
)
def test_explain_keeps_a_bad_record_aside_and_says_which(
    outputs: Path, tmp_path: Path, ext: str, how: str, said: list[str]
) -> None:
    clusters = _files(outputs, ext, tmp_path, clusters=how)["clusters"]
    code, output, shared = _explain(clusters)
    assert code == 0, output
    assert shared == SHARED
    lines = output.splitlines()
    at = lines.index(f"{clusters}: 1 record kept aside, not read:")
    assert lines[at + 1 : at + 1 + len(said)] == [f"  {s}" for s in said]


def test_explain_of_a_file_with_no_readable_record_stops_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "clusters.json"
    bad.write_text('["a string"]', encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", "GUBATOVOFFICIAL", "--clusters", str(bad)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-3:] == [
        f"{bad}: 1 record kept aside, not read:",
        "  clusters.json, record 1: a record must be a JSON object, not a string",
        f"error: {bad}: no record could be read: the only one was kept aside (record 1: a record must be a JSON "
        "object, not a string)",
    ]


# ------------------------------------------------------------------------------------------ any JSONL input

PHEME = Path(__file__).parent / "fixtures" / "posts" / "pheme_ferguson.jsonl"


def test_a_jsonl_whose_first_line_is_broken_is_read_as_jsonl(tmp_path: Path) -> None:
    """Format detection took a JSONL whose first line does not parse for one broken JSON document (every command
    stopped: "malformed JSON: Expecting ',' delimiter"); the next line, an object on its own, says it is JSONL.
    The PHEME fixture's line 38 is malformed and line 39 has no created_at, on purpose."""
    lines = PHEME.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0][: lines[0].index(', "')]  # {"contributors": null
    broken = tmp_path / "pheme.jsonl"
    broken.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(cli, ["posts", str(broken), "-o", str(tmp_path / "scores.csv")])
    assert result.exit_code == 0, result.output
    assert "36 posts scored (v1)" in result.output
    with open(tmp_path / "scores.rejects.csv", encoding="utf-8", newline="") as fh:
        assert [(int(r["row"]), r["field"], r["reason"]) for r in csv.DictReader(fh)] == [
            (1, "", "malformed JSON: Expecting ',' delimiter: line 2 column 1 (char 22)"),
            (38, "", "malformed JSON: Invalid control character at: line 1 column 39 (char 38)"),
            (39, "created_at", "missing"),
        ]


# ------------------------------------------------------------------------------------------ a table with no row


@pytest.fixture(scope="module")
def no_clusters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`detector posts` outputs of the IRA example finding no cluster (none of 50 accounts): the clusters and
    campaigns are a CSV header alone, a JSON `[]` and an empty JSONL file."""
    d = tmp_path_factory.mktemp("no_clusters")
    for ext in ("csv", "jsonl", "json"):
        (d / ext).mkdir()
        posts_of_ira_texit(
            "-o",
            str(d / ext / f"posts.{ext}"),
            "--clusters-out",
            str(d / ext / f"clusters.{ext}"),
            "--accounts-out",
            str(d / ext / f"accounts.{ext}"),
            "--campaigns-out",
            str(d / ext / f"campaigns.{ext}"),
            "--min-accounts",
            "50",
        )
    assert (d / "jsonl" / "clusters.jsonl").read_bytes() == b""
    assert json.loads((d / "json" / "clusters.json").read_text(encoding="utf-8")) == []
    return d


@pytest.mark.parametrize("ext", ["jsonl", "json"])
def test_a_json_table_with_no_row_is_an_empty_table(
    no_clusters: Path, tmp_path: Path, ext: str
) -> None:
    """As the CSV header alone is: before, "the file is empty" (JSONL) or "no 'cluster_id' column" (JSON), exit 2."""
    reports = {}
    for fmt in ("csv", ext):
        result = CliRunner().invoke(
            cli, ["report", "--from-dir", str(no_clusters / fmt), "-o", str(tmp_path / fmt)]
        )
        assert result.exit_code == 0, result.output
        reports[fmt] = {
            kind: (tmp_path / fmt / f"{REPORT}.{kind}").read_bytes()
            for kind in ("html", "csv", "json", "clusters.csv")
        }
    assert _headline(tmp_path / ext) == ({**WHOLE, "clusters": 0, "accounts_in_clusters": 0}, [])
    assert reports[ext] == reports["csv"]
    result = CliRunner().invoke(
        cli, ["explain", "ALTMANCOON", "--clusters", str(no_clusters / ext / f"clusters.{ext}")]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: field 'account': account 'ALTMANCOON' is in no coordination cluster of "
        f"{no_clusters / ext / f'clusters.{ext}'}"
    )


@pytest.mark.parametrize("name", ["posts.json", "posts.csv"])
def test_an_empty_file_of_another_format_still_stops(tmp_path: Path, name: str) -> None:
    """A guard: only JSONL writes a table with no row as an empty file."""
    empty = tmp_path / name
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["report", "--posts", str(empty), "-o", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {empty}: the file is empty"


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_an_author_row_missing_a_count_is_reported_without_it(outputs: Path, tmp_path: Path, ext: str) -> None:
    """A blank count in the accounts table (a hand-edited CSV) or a record without the key (a hand-edited JSON) crashed
    the report with a traceback ("cannot convert float NaN to integer", exit 1) until session 16. The count is left out
    of that author's reasons, never read as 0: ITSTIMETOSECEDE without n_suspicious_posts, BADAEVVIKTOR without
    n_clusters (its coordination stays, without "in N cluster(s)")."""
    files = _files(outputs, ext, tmp_path)
    path = files["accounts"]
    if ext == "csv":
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        fields = list(rows[0])
        for r in rows:
            if r["author_id"] == "ITSTIMETOSECEDE":
                r["n_suspicious_posts"] = ""
            if r["author_id"] == "BADAEVVIKTOR":
                r["n_clusters"] = ""
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
    else:
        records = json.loads(path.read_text(encoding="utf-8"))
        for r in records:
            if r["author_id"] == "ITSTIMETOSECEDE":
                del r["n_suspicious_posts"]
            if r["author_id"] == "BADAEVVIKTOR":
                del r["n_clusters"]
        path.write_text(json.dumps(records), encoding="utf-8")
    code, output = _report(files, tmp_path / "report")
    assert code == 0, output
    got, _ = _headline(tmp_path / "report")
    assert got == WHOLE
    reasons = {a["account_id"]: a["reasons"] for a in json.loads((tmp_path / "report" / f"{REPORT}.json").read_text(encoding="utf-8"))["accounts"]}
    assert reasons["ITSTIMETOSECEDE"] == ["account model 0.53", "109 call(s) to action"]
    assert reasons["BADAEVVIKTOR"] == ["account model 0.53", "coordination 0.25"]
