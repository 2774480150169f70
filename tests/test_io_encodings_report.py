"""Every input file of every command goes through the input layer (io.open_input): `detector report`, `explain`,
the watch file and `collect users --file` read UTF-16/UTF-32 with a byte-order mark as the mark says, a UTF-8 mark
is removed, and a wide text without its mark is refused naming the file and the encoding.

Session 16 (h99). On main eda6bc9, `detector report` read a JSON/JSONL output in UTF-16 or UTF-32 as
"malformed JSON: 'utf-8' codec can't decode byte 0xff", one with a UTF-8 mark as "malformed JSON: Expected
object or value", and a header-only CSV in UTF-16 (what `detector posts` writes when it finds no cluster)
crashed with a traceback (exit 1); `detector explain --clusters` read the same JSON the same way; a watch file
in UTF-16 crashed (exit 1) and one with a UTF-8 mark was "not valid TOML: Invalid statement (at line 1,
column 1)"; `collect users --file` crashed on UTF-16 and kept a UTF-8 mark on the first id (the ids were then
taken for usernames, the first skipped as "not a valid X username").

The inputs are real outputs of `detector posts` on the shipped IRA example (datasets/examples/posts/
ira_texit_calls.csv), the shipped watches.example.toml and the ids of the recorded users lookup
(tests/fixtures/xapi/users_lookup.yaml), re-encoded here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from _cassettes import replayer
from _report_fixture import posts_of_ira_texit
from click.testing import CliRunner

from detector.cli import cli
from detector.errors import ConfigError, InputError
from detector.ops.watch import load_watches

ROOT = Path(__file__).resolve().parents[1]
WATCHES = ROOT / "watches.example.toml"
BOMS = {
    "utf-8": b"\xef\xbb\xbf",
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
}
REPORT = "report-20170916T033100Z"  # the data's last time: the report's name from files

# What the report of the IRA example's outputs holds, as read from the UTF-8 files.
HEADLINE = {"accounts_scored": 17, "posts": 181, "clusters": 3, "accounts_in_clusters": 11}
CLUSTERS = [("repost-73e4e127b53c", 4), ("repost-cd15260cdcf8", 4), ("repost-f4bd32c3cb67", 3)]


def _encoded(path: Path, encoding: str, out: Path, *, mark: bool = True) -> Path:
    out.write_bytes(
        (BOMS[encoding] if mark else b"") + path.read_text(encoding="utf-8").encode(encoding)
    )
    return out


def _excel_unicode_text(path: Path, out: Path) -> Path:
    """What Excel's "Unicode Text" save writes: tab-separated, CRLF, UTF-16 LE with its mark."""
    text = io.StringIO()
    with open(path, encoding="utf-8", newline="") as fh:
        csv.writer(text, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(fh))
    out.write_bytes(BOMS["utf-16-le"] + text.getvalue().encode("utf-16-le"))
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`detector posts` outputs of the IRA example: CSV, JSON/JSONL, and a header-only clusters CSV."""
    d = tmp_path_factory.mktemp("outputs")
    posts_of_ira_texit(
        "-o",
        str(d / "post_scores.csv"),
        "--clusters-out",
        str(d / "clusters.csv"),
        "--accounts-out",
        str(d / "accounts.csv"),
    )
    posts_of_ira_texit(
        "-o",
        str(d / "post_scores.jsonl"),
        "--clusters-out",
        str(d / "clusters.json"),
        "--accounts-out",
        str(d / "accounts.json"),
    )
    # No cluster of 50 accounts: the clusters file is its header alone.
    posts_of_ira_texit(
        "-o",
        str(d / "few.csv"),
        "--clusters-out",
        str(d / "no_clusters.csv"),
        "--min-accounts",
        "50",
    )
    return d


def _report(out: Path, scores: Path, posts: Path, clusters: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--scores",
            str(scores),
            "--posts",
            str(posts),
            "--clusters",
            str(clusters),
            "-o",
            str(out),
        ],
    )
    return result.exit_code, result.output


def _read_report(out: Path) -> tuple[dict[str, int], list[tuple[str, int]], bytes]:
    content = json.loads((out / f"{REPORT}.json").read_text(encoding="utf-8"))
    headline = {k: content["headline"][k] for k in HEADLINE}
    clusters = [(c["cluster_id"], c["n_accounts"]) for c in content["clusters"]]
    return headline, clusters, (out / f"{REPORT}.csv").read_bytes()


@pytest.fixture(scope="module")
def utf8_reports(outputs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The report's account table from the UTF-8 CSV and from the UTF-8 JSON outputs."""
    got = {}
    for kind, names in (
        ("csv", ("accounts.csv", "post_scores.csv", "clusters.csv")),
        ("json", ("accounts.json", "post_scores.jsonl", "clusters.json")),
    ):
        got[kind] = _full_report(
            tmp_path_factory.mktemp(f"report-{kind}"), *(outputs / n for n in names)
        )
    return got


def _full_report(out: Path, scores: Path, posts: Path, clusters: Path) -> bytes:
    """The report's account table (CSV bytes), after checking its headline and clusters are the IRA example's."""
    code, output = _report(out, scores, posts, clusters)
    assert code == 0, output
    headline, found, table = _read_report(out)
    assert headline == HEADLINE
    assert found == CLUSTERS
    return table


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-8"])
def test_report_reads_json_outputs_as_their_mark_says(
    outputs: Path, utf8_reports: dict[str, bytes], tmp_path: Path, encoding: str
) -> None:
    files = [
        _encoded(outputs / n, encoding, tmp_path / n)
        for n in ("accounts.json", "post_scores.jsonl", "clusters.json")
    ]
    assert _full_report(tmp_path / "report", *files) == utf8_reports["json"]


def test_report_reads_excel_unicode_text_outputs(
    outputs: Path, utf8_reports: dict[str, bytes], tmp_path: Path
) -> None:
    # A guard: the CSV readers went through open_input before this change (session 15).
    files = [
        _excel_unicode_text(outputs / n, tmp_path / n)
        for n in ("accounts.csv", "post_scores.csv", "clusters.csv")
    ]
    assert _full_report(tmp_path / "report", *files) == utf8_reports["csv"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-le", "utf-8"])
def test_report_reads_a_header_only_clusters_csv(
    outputs: Path, tmp_path: Path, encoding: str
) -> None:
    assert (outputs / "no_clusters.csv").read_text(encoding="utf-8").count(
        "\n"
    ) == 1  # the header alone
    clusters = _encoded(outputs / "no_clusters.csv", encoding, tmp_path / "clusters.csv")
    code, output = _report(
        tmp_path / "report", outputs / "accounts.csv", outputs / "post_scores.csv", clusters
    )
    assert code == 0, output
    headline, found, _ = _read_report(tmp_path / "report")
    assert headline == {
        "accounts_scored": 17,
        "posts": 181,
        "clusters": 0,
        "accounts_in_clusters": 0,
    }
    assert found == []


@pytest.mark.parametrize("name", ["post_scores.jsonl", "clusters.json", "no_clusters.csv"])
def test_report_refuses_utf16_outputs_without_their_mark(
    outputs: Path, tmp_path: Path, name: str
) -> None:
    # A guard: refused before this change too (format detection), as score and posts refuse such a file.
    bad = _encoded(outputs / name, "utf-16-le", tmp_path / name, mark=False)
    files = {
        "scores": outputs / "accounts.csv",
        "posts": outputs / "post_scores.csv",
        "clusters": outputs / "clusters.csv",
    }
    files["posts" if name.startswith("post") else "clusters"] = bad
    code, output = _report(tmp_path / "report", files["scores"], files["posts"], files["clusters"])
    assert code == 2
    assert f"{bad}: the file looks like UTF-16 LE text without a byte-order mark" in output
    assert "Traceback" not in output


def test_report_names_a_broken_code_unit_of_a_utf16_jsonl(outputs: Path, tmp_path: Path) -> None:
    text = (outputs / "post_scores.jsonl").read_text(encoding="utf-8")
    data = BOMS["utf-16-le"] + text.encode("utf-16-le")
    cut = data.index("r3".encode("utf-16-le"))
    bad = tmp_path / "post_scores.jsonl"
    bad.write_bytes(data[:cut] + b"\x00\xd8" + data[cut:])  # half of a surrogate pair before 'r3'
    code, output = _report(
        tmp_path / "report", outputs / "accounts.csv", bad, outputs / "clusters.csv"
    )
    # Its record is kept aside, naming the encoding, and the others are read (h101: the whole file stopped before).
    assert code == 0, output
    reason = (
        "the record holds a code unit that is not UTF-16 LE text (half of a surrogate pair, as a text cut "
        "inside an emoji leaves it, or a damaged file): kept aside, not read with a letter replaced"
    )
    assert f"{bad}, record 3: {reason}" in output
    with open(tmp_path / "report" / f"{REPORT}.rejects.csv", encoding="utf-8", newline="") as fh:
        assert [(r["row"], r["reason"]) for r in csv.DictReader(fh)] == [("3", reason)]
    assert _read_report(tmp_path / "report")[0] == {**HEADLINE, "posts": 180}


def test_read_json_frame_names_bytes_that_are_not_utf8(outputs: Path, tmp_path: Path) -> None:
    from detector.io import Rejects, read_json_frame

    bad = tmp_path / "clusters.json"
    bad.write_bytes(
        (outputs / "clusters.json")
        .read_text(encoding="utf-8")
        .encode("utf-8")
        .replace("В Аргентине".encode(), "Bu\xe9nos".encode("cp1252"), 1)
    )
    with pytest.raises(InputError) as err:
        read_json_frame(bad, "json", Rejects(str(bad)))
    assert str(err.value) == (
        f"{bad}: the file holds bytes that are not UTF-8 text (0xe9): it was saved in another encoding "
        "(Windows-1250 or -1252, say); save it as UTF-8 and give it again"
    )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8"])
def test_explain_reads_a_clusters_json_as_its_mark_says(
    outputs: Path, tmp_path: Path, encoding: str
) -> None:
    clusters = _encoded(outputs / "clusters.json", encoding, tmp_path / "clusters.json")
    result = CliRunner().invoke(
        cli, ["explain", "GUBATOVOFFICIAL", "BADAEVVIKTOR", "--clusters", str(clusters)]
    )
    assert result.exit_code == 0, result.output
    lines = [
        line.split(": ", 1)[0].split() for line in result.output.splitlines() if " post r" in line
    ]
    assert lines == [
        ["2015-10-16", "00:13:00", "UTC", "BADAEVVIKTOR", "post", "r1"],
        ["2015-10-16", "00:13:00", "UTC", "GUBATOVOFFICIAL", "post", "r2"],
    ]


# ---------------------------------------------------------------------------- the watch file

EXAMPLE_WATCHES = ["paris-march", "climate-strike"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8"])
def test_a_watch_file_is_read_as_its_mark_says(tmp_path: Path, encoding: str) -> None:
    watches = load_watches(_encoded(WATCHES, encoding, tmp_path / "watches.toml"))
    assert list(watches) == EXAMPLE_WATCHES
    assert watches == load_watches(WATCHES)
    result = CliRunner().invoke(cli, ["watch", "list", "--config", str(tmp_path / "watches.toml")])
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()[1:]] == EXAMPLE_WATCHES


def test_a_watch_file_without_its_mark_or_not_utf8_is_refused(tmp_path: Path) -> None:
    wide = _encoded(WATCHES, "utf-16-le", tmp_path / "wide.toml", mark=False)
    with pytest.raises(
        ConfigError,
        match=r"wide\.toml: the file looks like UTF-16 LE text without a byte-order mark",
    ):
        load_watches(wide)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[watches.cafe]\nquery = "café"\n'.encode("cp1252"))
    result = CliRunner().invoke(cli, ["watch", "list", "--config", str(latin)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {latin}: the file holds bytes that are not UTF-8 text (0xe9): it was saved in another encoding "
        "(Windows-1250 or -1252, say); save it as UTF-8 and give it again"
    )


# ---------------------------------------------------------------------------- collect users --file

IDS = "2244994945\n783214  # X\n481186914\n11111111111\n"  # the ids of the recorded lookup


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8"])
def test_collect_users_reads_an_ids_file_as_its_mark_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", "AAAAtest-bearer-token-0123456789")
    ids = tmp_path / "ids.txt"
    ids.write_bytes(BOMS[encoding] + IDS.encode(encoding))
    with replayer(ROOT / "tests" / "fixtures" / "xapi")("users_lookup.yaml"):
        result = CliRunner().invoke(
            cli, ["collect", "users", "--file", str(ids), "--db", str(tmp_path / "s.sqlite")]
        )
    assert result.exit_code == 0, result.output
    assert "unavailable accounts: 1 not_found, 1 suspended" in result.output


def test_collect_users_refuses_an_ids_file_without_its_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", "AAAAtest-bearer-token-0123456789")
    ids = tmp_path / "ids.txt"
    ids.write_bytes(IDS.encode("utf-16-le"))
    result = CliRunner().invoke(
        cli, ["collect", "users", "--file", str(ids), "--db", str(tmp_path / "s.sqlite")]
    )
    assert result.exit_code == 2
    assert f"{ids}: the file looks like UTF-16 LE text without a byte-order mark" in result.output
    assert not (tmp_path / "s.sqlite").exists()


def test_collect_users_still_reads_ids_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A guard: `--file -` read standard input before this change (click.File) and still does.
    monkeypatch.setenv("X_BEARER_TOKEN", "AAAAtest-bearer-token-0123456789")
    with replayer(ROOT / "tests" / "fixtures" / "xapi")("users_lookup.yaml"):
        result = CliRunner().invoke(
            cli, ["collect", "users", "--file", "-", "--db", str(tmp_path / "s.sqlite")], input=IDS
        )
    assert result.exit_code == 0, result.output
    assert "unavailable accounts: 1 not_found, 1 suspended" in result.output
