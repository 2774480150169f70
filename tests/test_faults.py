"""Under attack and under faults (issue 11): each case of the adversarial battery that failed.

Every test runs the command as a user would (CliRunner, or a subprocess where a real pipe, a
file-size limit or ``kill -9`` is needed) on a few rows shaped as exports shape them, and checks
the exact message and exit code. Account rows are the real cresci-2017 rows of
tests/fixtures/accounts; hostile values are written into copies of them in a temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from detector.cli import cli

pytestmark = pytest.mark.usefixtures("no_network")

AS_OF = "2024-01-01"
PY = sys.executable
POSTS = Path(__file__).resolve().parent / "fixtures" / "posts"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder, so messages name files as a user typed them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def posts_dir() -> Path:
    """tests/fixtures/posts: real posts (see its PROVENANCE.md)."""
    return POSTS


@pytest.fixture
def genuine(accounts_dir: Path, here: Path) -> Path:
    """accounts.csv: the header and three real rows of cresci-2017 genuine accounts."""
    target = here / "accounts.csv"
    target.write_bytes((accounts_dir / "cresci2017_genuine.csv").read_bytes())
    return target


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def score(input_path: str, output: str, model: Path, *extra: str) -> Result:
    return run("score", input_path, "-o", output, "--model", str(model), "--as-of", AS_OF, *extra)


def cli_process(*args: str, stdin: bytes | None = None, limit_bytes: int | None = None) -> subprocess.CompletedProcess[bytes]:
    def limit() -> None:  # pragma: no cover - runs in the child
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [PY, "-c", "from detector.cli import main; main()", *args],
        input=stdin, capture_output=True, timeout=300, preexec_fn=limit, check=False,
    )


# ----------------------------------------------------------------------------- 1. user data destroyed


def test_output_that_is_the_input_is_refused(genuine: Path, small_model_path: Path) -> None:
    before = genuine.read_bytes()
    result = score("accounts.csv", "./accounts.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the output ./accounts.csv is the input accounts.csv: writing it would destroy the input; choose another -o\n"
    )
    assert genuine.read_bytes() == before


def test_an_input_named_like_a_rejects_file_is_never_removed(genuine: Path, small_model_path: Path) -> None:
    genuine.rename("x.rejects.csv")
    before = Path("x.rejects.csv").read_bytes()
    result = score("x.rejects.csv", "x.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the rejects file x.rejects.csv is the input x.rejects.csv: writing it would destroy the input; choose another -o\n"
    )
    assert Path("x.rejects.csv").read_bytes() == before
    assert not Path("x.csv").exists()


def test_posts_outputs_never_replace_the_input(posts_dir: Path, here: Path) -> None:
    Path("posts.csv").write_bytes((posts_dir / "flat_ferguson.csv").read_bytes())
    before = Path("posts.csv").read_bytes()
    result = run("posts", "posts.csv", "-o", "scores.csv", "--clusters-out", "posts.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == "error: the output posts.csv is the input posts.csv: writing it would destroy the input; choose another -o\n"
    assert Path("posts.csv").read_bytes() == before


def test_two_outputs_of_one_file_are_refused(posts_dir: Path, here: Path) -> None:
    # -o and --clusters-out on one file wrote the clusters over the post scores (exit 0); an output
    # named like -o's rejects file was written, then removed as a stale rejects file (no rejects).
    Path("posts.csv").write_bytes((posts_dir / "flat_ferguson.csv").read_bytes())
    result = run("posts", "posts.csv", "-o", "scores.csv", "--clusters-out", "./scores.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == "error: two outputs name one file, ./scores.csv: one would replace the other; give each its own file\n"
    result = run("posts", "posts.csv", "-o", "scores.csv", "--accounts-out", "scores.rejects.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the output scores.rejects.csv is the rejects file of scores.csv: one would replace the other; give each its own file\n"
    )
    assert not Path("scores.csv").exists()


# ----------------------------------------------------------------------------- 2. formula injection

HOSTILE = ['=HYPERLINK("http://evil.example/x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]


def test_formula_cells_are_inert_in_every_csv_and_raw_in_jsonl(genuine: Path, small_model_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(genuine.read_text(encoding="utf-8"))))
    header, data = rows[0], rows[1:]
    for row, bad in zip(data, HOSTILE, strict=False):
        row[header.index("id")] = bad  # ids are text: a hostile one is kept as it is
    data[2][header.index("description")] = "line one\r=1+1 second line"
    with open("hostile.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *data])
    assert score("hostile.csv", "out.csv", small_model_path).exit_code == 0
    with open("out.csv", encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    assert [r[0] for r in got[1:]] == ["'" + HOSTILE[0], "'" + HOSTILE[1], "'" + HOSTILE[2]]
    assert score("hostile.csv", "out.jsonl", small_model_path).exit_code == 0
    raw = [json.loads(line)["account_id"] for line in lines(Path("out.jsonl"))]
    assert raw == HOSTILE[:3]


def test_a_carriage_return_never_starts_a_spreadsheet_row(here: Path) -> None:
    from detector.io import ChunkWriter, write_table

    frame = pd.DataFrame({"post_id": ["1", "2"], "text": ["Join us\r=1+1 at noon", "-5 degrees"], "n": [-5, 3]})
    write_table(frame, "a.csv")
    with ChunkWriter("b.csv") as w:
        w.write(frame)
    for name in ("a.csv", "b.csv"):
        data = Path(name).read_bytes()
        assert b'"Join us\r=1+1 at noon"' in data
        # a reader that splits rows on a bare CR (as spreadsheets do) still sees 3 rows
        assert len(list(csv.reader(io.StringIO(data.decode(), newline="")))) == 3
        back = pd.read_csv(name, dtype=str)
        assert back["text"].tolist() == ["Join us\r=1+1 at noon", "'-5 degrees"]
        assert back["n"].tolist() == ["-5", "3"]  # numbers stay numbers


# ----------------------------------------------------------------------------- 3. tracebacks


def deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def test_deeply_nested_json_is_a_message(here: Path, small_model_path: Path) -> None:
    Path("deep.json").write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")
    result = score("deep.json", "out.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == "error: deep.json: JSON nested too deep to read (thousands of levels: not a post or account record)\n"
    result = run("posts", "deep.json", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == "error: deep.json: JSON nested too deep to read (thousands of levels: not a post or account record)\n"


def test_a_deep_jsonl_line_is_one_bad_record(accounts_dir: Path, here: Path, small_model_path: Path) -> None:
    good = lines(accounts_dir / "v11_users.jsonl")
    Path("users.jsonl").write_text("\n".join([good[0], deep(10_000), good[1]]) + "\n", encoding="utf-8")
    result = score("users.jsonl", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    assert "scored 2 accounts" in result.stdout
    rejects = pd.read_csv("out.rejects.csv")
    assert rejects[["row", "action", "reason"]].values.tolist() == [
        [2, "rejected", "JSON nested too deep to read (thousands of levels: not a post or account record)"]
    ]


def test_posts_deep_jsonl_line_is_one_bad_record(posts_dir: Path, here: Path) -> None:
    good = lines(posts_dir / "pheme_ferguson.jsonl")[:3]
    Path("t.jsonl").write_text("\n".join([good[0], deep(10_000), *good[1:]]) + "\n", encoding="utf-8")
    result = run("posts", "t.jsonl", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv("p.csv")) == 3
    assert pd.read_csv("p.rejects.csv")["row"].tolist() == [2]


def test_created_at_minus_one_is_a_field_problem(genuine: Path, small_model_path: Path) -> None:
    Path("neg.csv").write_text("id,screen_name,followers_count,created_at\n1502026416,0918Bask,208,-1\n", encoding="utf-8")
    result = score("neg.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    rejects = pd.read_csv("out.rejects.csv", dtype=str)
    assert rejects[["field", "action", "reason"]].values.tolist() == [
        ["created_at", "field ignored", "unparseable date '-1': field ignored, record kept"]
    ]


def test_a_full_disk_is_a_message_and_leaves_nothing(genuine: Path, small_model_path: Path) -> None:
    rows = lines(genuine)
    Path("many.csv").write_text("\n".join([rows[0]] + [r.replace(r.split(",")[0], f'"{i}"', 1) for i in range(1, 3001) for r in rows[1:2]]) + "\n", encoding="utf-8")
    done = cli_process("score", "many.csv", "-o", "out.csv", "--model", str(small_model_path), "--as-of", AS_OF, limit_bytes=200_000)
    assert done.returncode == 2, done.stderr.decode()
    assert done.stderr.decode().splitlines()[-1] == "error: cannot write out.csv: disk full"
    assert sorted(p.name for p in Path(".").iterdir()) == ["accounts.csv", "many.csv"]


# ----------------------------------------------------------------------------- 4. files and paths


def test_the_run_lock_refuses_a_symlink(here: Path) -> None:
    from detector.errors import ConfigError
    from detector.ops.runner import run_lock

    Path("precious.txt").write_text("keep me\n", encoding="utf-8")
    Path("locks").mkdir()
    Path("locks/w.lock").symlink_to(here / "precious.txt")
    with pytest.raises(ConfigError) as err, run_lock("locks/w.lock"):
        pass
    assert str(err.value) == "locks/w.lock: the run lock is a symbolic link; refusing to follow it (remove it if you did not make it)"
    assert err.value.exit_code == 2
    assert Path("precious.txt").read_text(encoding="utf-8") == "keep me\n"


def test_a_killed_runs_temporary_file_is_cleaned_up(genuine: Path, small_model_path: Path) -> None:
    killed = subprocess.run(
        [PY, "-c", "import os, signal\nfrom detector.io import atomic_path\n"
         "with atomic_path('out.csv') as t:\n    open(t, 'w').write('half')\n    os.kill(os.getpid(), signal.SIGKILL)\n"],
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in Path(".").glob(".out.csv.*.tmp")]
    assert len(left) == 1
    assert score("accounts.csv", "out.csv", small_model_path).exit_code == 0
    assert sorted(p.name for p in Path(".").iterdir()) == ["accounts.csv", "out.csv"]


def test_a_temporary_file_of_a_living_writer_is_kept(here: Path) -> None:
    from detector.io import atomic_path, remove_stale_temporaries

    with atomic_path("out.csv") as tmp:
        tmp.write_text("writing", encoding="utf-8")
        assert remove_stale_temporaries("out.csv") == 0
        assert tmp.exists()
    assert Path("out.csv").read_text(encoding="utf-8") == "writing"


def _summary_and_notes(stdout: str) -> tuple[str, list[str]]:
    lines = stdout.splitlines()
    [summary] = [line for line in lines if line.startswith("scored ")]
    return summary, [line for line in lines if line.startswith("note: ")]


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_stdin_is_read_once(genuine: Path, small_model_path: Path, name: str) -> None:
    done = cli_process("score", name, "-o", "out.csv", "--model", str(small_model_path), "--as-of", AS_OF, stdin=genuine.read_bytes())
    assert done.returncode == 0, done.stderr.decode()
    # The same three accounts as when the file is named: stdin was read once, and whole.
    named = cli_process("score", str(genuine), "-o", "named.csv", "--model", str(small_model_path), "--as-of", AS_OF)
    assert named.returncode == 0, named.stderr.decode()
    summary, notes = _summary_and_notes(done.stdout.decode())
    assert summary.startswith("scored 3 accounts (") and summary.endswith(") -> out.csv")
    named_summary, named_notes = _summary_and_notes(named.stdout.decode())
    assert summary.replace("out.csv", "named.csv") == named_summary
    # cresci's crawl times carry no zone: said of the input as the user named it
    shown = "standard input" if name == "-" else name
    assert [n.replace(shown, str(genuine)) for n in notes] == named_notes
    assert notes[0].startswith(f"note: times in column 'crawled_at' of {shown} (such as '2015-05-02 06:41:46')")
    assert pd.read_csv("out.csv").equals(pd.read_csv("named.csv"))


def test_an_empty_folder_is_bad_input(here: Path, small_model_path: Path) -> None:
    Path("empty").mkdir()
    result = score("empty", "out.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == "error: empty: the folder holds no files\n"
    result = run("posts", "empty", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == "error: empty: the folder holds no files\n"


# ----------------------------------------------------------------------------- 5. log injection


def test_a_value_cannot_forge_a_log_line(genuine: Path, small_model_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(genuine.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("followers_count")] = "208\n2026-11-30 03:00:00,000 ERROR detector: FORGED"
    with open("forged.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    done = cli_process("score", "forged.csv", "-o", "out.csv", "--model", str(small_model_path), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr.decode()
    err = done.stderr.decode().splitlines()
    assert not any("FORGED" in line and "WARNING" not in line for line in err)
    assert any(
        line.endswith(
            "WARNING detector.io: forged.csv, record 1, field 'followers_count': "
            "'208\\n2026-11-30 03:00:00,000 ERROR detect' is not a non-negative number: field ignored, record kept"
        )
        for line in err
    )


def test_error_messages_escape_control_characters(here: Path, small_model_path: Path) -> None:
    Path("x.csv").write_text('id,"na\tme",screen_name,"na\tme"\n1,a,b,c\n', encoding="utf-8")
    result = score("x.csv", "out.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == "error: x.csv: the header names column 'na\\tme' twice (columns 2 and 4): rename or remove one\n"
    from detector.errors import InputError, safe_message

    assert safe_message(InputError("bad\x1b[2J value\r\nERROR FORGED", path="a\nb.csv")) == "a\\nb.csv: bad\\x1b[2J value\\r\\nERROR FORGED"


# ----------------------------------------------------------------------------- 6. secrets

TOKEN = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F"


def test_a_token_echoed_in_an_error_body_is_redacted_everywhere(here: Path, caplog: pytest.LogCaptureFixture) -> None:
    from detector.cli import SafeRecords
    from detector.errors import CollectError, redact, register_secret, safe_message
    from detector.ops.store import open_store

    body = f'HTTP 400: {{"detail": "bad header", "echo": {{"Authorization": "Bearer {TOKEN}"}}}}'
    assert TOKEN not in redact(body)
    assert redact(body) == 'HTTP 400: {"detail": "bad header", "echo": {"Authorization": "Bearer [redacted]"}}'
    register_secret("s3cr3t-token-value")
    assert safe_message(CollectError("GET /2/users?token=s3cr3t-token-value failed")) == "GET /2/users?token=[redacted] failed"
    # the log, whoever logs
    record = logging.LogRecord("tweepy.client", logging.ERROR, __file__, 1, "response: %s", (body,), None)
    SafeRecords().filter(record)
    assert TOKEN not in record.getMessage()
    # the store
    with open_store(None, here) as store:
        run_id = store.start_run("w")
        store.finish_run(run_id, "failed", body)
        stored = store.execute("SELECT detail FROM runs WHERE run_id = ?", [run_id])
    assert TOKEN not in stored[0][0]
    assert "Bearer [redacted]" in stored[0][0]


# ----------------------------------------------------------------------------- 7. one rule per problem

COUNTS = "id,screen_name,followers_count\n1502026416,0918Bask,inf\n2492782375,1120Roll,NaN\n1733095801,1Nicoleromany,-5\n"


def test_inf_nan_and_negative_counts_follow_one_rule(here: Path, small_model_path: Path) -> None:
    Path("counts.csv").write_text(COUNTS, encoding="utf-8")
    result = score("counts.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    assert "scored 3 accounts" in result.stdout
    rejects = pd.read_csv("out.rejects.csv", dtype=str)
    assert rejects["reason"].tolist() == [
        f"'{v}' is not a non-negative number: field ignored, record kept" for v in ("inf", "NaN", "-5")
    ]
    assert set(rejects["action"]) == {"field ignored"}


def test_a_mangled_id_rejects_the_record_as_the_readme_says(here: Path, small_model_path: Path) -> None:
    Path("ids.csv").write_text("id,screen_name,followers_count\n8.41E+17,0918Bask,208\n2492782375,1120Roll,330\n", encoding="utf-8")
    result = score("ids.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    assert pd.read_csv("out.csv")["screen_name"].tolist() == ["1120Roll"]
    rejects = pd.read_csv("out.rejects.csv", dtype=str)
    assert rejects[["row", "action", "reason"]].values.tolist() == [
        ["1", "rejected", "id '8.41E+17' was mangled by a spreadsheet (scientific notation loses digits): record rejected"]
    ]


@pytest.mark.parametrize("where", [1, 2000])
def test_a_nul_byte_rejects_its_record_wherever_it_is(here: Path, small_model_path: Path, where: int) -> None:
    body = [f"{1000 + i},user{i},{i}" for i in range(1, 2001)]
    body[where - 1] = f"{1000 + where},us\x00er,{where}"
    Path("nul.csv").write_text("id,screen_name,followers_count\n" + "\n".join(body) + "\n", encoding="utf-8")
    result = score("nul.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    assert "scored 1,999 accounts" in result.stdout
    rejects = pd.read_csv("out.rejects.csv", dtype=str)
    assert rejects[["row", "reason"]].values.tolist() == [[str(where), "the record holds a NUL byte (binary data in a text file)"]]


def test_a_binary_file_is_refused(here: Path, small_model_path: Path) -> None:
    Path("book.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64)
    result = score("book.xlsx", "out.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == "error: book.xlsx: binary content of an unknown format (a spreadsheet? save it as CSV)\n"


def test_a_duplicated_header_is_an_error_in_score_and_posts(here: Path, small_model_path: Path) -> None:
    Path("acc.csv").write_text("id,screen_name,followers_count,Followers_Count\n1502026416,0918Bask,208,9\n", encoding="utf-8")
    result = score("acc.csv", "out.csv", small_model_path)
    assert result.exit_code == 2
    assert result.stderr == "error: acc.csv: the header names column 'Followers_Count' twice (columns 3 and 4): rename or remove one\n"
    Path("posts.csv").write_text("post_id,author_id,text,created_at,text\n1,a,hi,2015-08-09T15:43:00Z,ho\n", encoding="utf-8")
    result = run("posts", "posts.csv", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == "error: posts.csv: the header names column 'text' twice (columns 3 and 5): rename or remove one\n"


def test_posts_reject_only_the_malformed_row(posts_dir: Path, here: Path) -> None:
    rows = lines(posts_dir / "flat_ferguson.csv")  # 37 posts, some over several lines
    # a stray delimiter: 9 fields under a header of 8
    rows.insert(2, "499705746377150465,1398275840,Anon2earth,Hands up, don't shoot,2014-08-13T23:57:00+00:00,,#Ferguson,en")
    Path("posts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("posts", "posts.csv", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv("p.csv")) == 37
    rejects = pd.read_csv("p.rejects.csv", dtype=str)
    assert rejects["row"].tolist() == ["2"]
    assert rejects["reason"].iloc[0].startswith("malformed CSV row (line 3 of the file): 9 fields ")


def test_duplicate_post_ids_are_scored_once_with_one_warning(posts_dir: Path, here: Path) -> None:
    rows = lines(posts_dir / "flat_ferguson.csv")
    Path("posts.csv").write_text("\n".join([rows[0]] + [rows[1]] * 1000) + "\n", encoding="utf-8")
    result = run("posts", "posts.csv", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv("p.csv")) == 1
    warnings = [line for line in result.stderr.splitlines() if "post_id" in line]
    assert len(warnings) == 1
    assert warnings[0].endswith("posts.csv: 999 records repeat a post_id read earlier: kept the first of each, the others are rejected")
    assert len(pd.read_csv("p.rejects.csv")) == 999


# ----------------------------------------------------------------------------- observation time


def test_ages_measured_to_now_are_said_once(genuine: Path, small_model_path: Path) -> None:
    Path("sheet.csv").write_text(
        "screen_name,followers_count,created_at\n0918Bask,208,2012-06-24\n1120Roll,330,2014-05-10\n", encoding="utf-8"
    )
    result = run("score", "sheet.csv", "-o", "out.csv", "--model", str(small_model_path))
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if "measured to now" in line]
    assert len(notes) == 1
    assert notes[0].startswith("note: 2 accounts carry no observation time: account ages are measured to now (")
    assert notes[0].endswith(" UTC); give --as-of DATE, the day the list was collected, to measure them to then")
    result = score("sheet.csv", "out.csv", small_model_path)  # with --as-of: nothing to say
    assert "measured to now" not in result.stdout


def test_created_after_observed_drops_the_field(here: Path, small_model_path: Path) -> None:
    Path("future.csv").write_text("screen_name,followers_count,created_at\n0918Bask,208,2028-01-01\n", encoding="utf-8")
    result = score("future.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    assert "-1" not in pd.read_csv("out.csv")["reasons"].iloc[0]
    rejects = pd.read_csv("out.rejects.csv", dtype=str)
    assert rejects["reason"].tolist() == [
        "created 2028-01-01 00:00 after it was observed (2024-01-01 00:00): field ignored, record kept"
    ]


# ----------------------------------------------------------------------------- dates through the commands


def test_local_dates_in_posts_read_day_first(here: Path) -> None:
    Path("posts.csv").write_text(
        "post_id,author_screen_name,text,created_at\n"
        "1,@ana,Svi na protest u subotu!,10.05.2024. 20:01\n"
        "2,@boki,Svi na protest u subotu!,24.05.2024. 20:02\n",
        encoding="utf-8",
    )
    result = run("posts", "posts.csv", "-o", "p.jsonl", "--no-account-model")
    assert result.exit_code == 0, result.output
    from detector.posts.read import read_posts

    read = read_posts("posts.csv")
    assert read.posts["created_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-05-10 20:01", "2024-05-24 20:02"]
    assert read.posts["author_screen_name"].tolist() == ["ana", "boki"]


def test_an_ambiguous_posts_file_stops_and_the_flag_settles_it(here: Path) -> None:
    Path("posts.csv").write_text(
        "post_id,author_screen_name,text,created_at\n1,ana,Svi na protest!,10/05/2024 20:01\n", encoding="utf-8"
    )
    result = run("posts", "posts.csv", "-o", "p.csv", "--no-account-model")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: posts.csv, field 'created_at': dates such as '10/05/2024 20:01' read both day-first (day 10, month 5) "
        "and month-first (month 10, day 5), and no value in the file settles which: give --dayfirst, --monthfirst "
        "or --date-format (e.g. --date-format '%d/%m/%Y %H:%M' reads them day-first)\n"
    )
    assert run("posts", "posts.csv", "-o", "p.csv", "--no-account-model", "--dayfirst").exit_code == 0


def test_score_reads_day_first_dates_without_a_warning_per_row(here: Path, small_model_path: Path) -> None:
    body = "".join(f"{1000 + i},user{i},{i},24/06/2012 05:35\n" for i in range(50))
    Path("acc.csv").write_text("id,screen_name,followers_count,created_at\n" + body, encoding="utf-8")
    result = score("acc.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.stderr
    assert not Path("out.rejects.csv").exists()


def test_report_reads_the_clusters_csv_that_posts_wrote(here: Path) -> None:
    # Four accounts post one call to action; its text holds a carriage return and then a formula.
    text = "Svi na protest u subotu u 12h!\r=1+1 dodjite"
    with open("posts.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["post_id", "author_screen_name", "text", "created_at"]]
            + [[str(100 + i), name, text, f"2024-05-10T20:0{i}:00Z"] for i, name in enumerate(["ana", "boki", "ceca", "dule"])]
        )
    result = run("posts", "posts.csv", "-o", "post_scores.csv", "--clusters-out", "clusters.csv", "--accounts-out", "authors.csv", "--no-account-model")
    assert result.exit_code == 0, result.output
    data = Path("clusters.csv").read_bytes().decode("utf-8")
    # the CR stays inside a quoted field, where a spreadsheet keeps it in the cell
    assert '"Svi na protest u subotu u 12h!\r=1+1 dodjite"' in data
    assert "\r=1+1 dodjite\"" in data and ",=1+1" not in data
    with open("clusters.csv", encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) == 5  # header and one membership per account
    result = run("report", "--scores", "authors.csv", "--posts", "post_scores.csv", "--clusters", "clusters.csv", "-o", "out")
    assert result.exit_code == 0, result.output
    written = sorted(Path("out").glob("report-2*.clusters.csv"))
    with open(written[0], encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) == 2  # the cluster, read back whole


def test_posts_read_a_pipe_once(posts_dir: Path, here: Path) -> None:
    data = (posts_dir / "flat_ferguson.csv").read_bytes()
    done = cli_process("posts", "-", "-o", "p.csv", "--no-account-model", stdin=data)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().splitlines()[-1].startswith("37 posts scored (flat)")


def test_run_follows_the_same_date_rule(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = here / "data"
    data.mkdir()
    (data / "watches.toml").write_text('[watches.protest]\nqueries = ["protest"]\n', encoding="utf-8")
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(data))
    monkeypatch.setenv("DETECTOR_HOME", str(data))
    Path("posts.csv").write_text(
        "post_id,author_screen_name,text,created_at\n1,ana,Svi na protest!,10/05/2024 20:01\n", encoding="utf-8"
    )
    result = run("run", "--watch", "protest", "--from", "posts.csv")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "error: posts.csv, field 'created_at': dates such as '10/05/2024 20:01' read both day-first (day 10, month 5) "
        "and month-first (month 10, day 5), and no value in the file settles which: give --dayfirst, --monthfirst "
        "or --date-format (e.g. --date-format '%d/%m/%Y %H:%M' reads them day-first)\n"
    )
    result = run("run", "--watch", "protest", "--from", "posts.csv", "--dayfirst")
    assert result.exit_code == 0, result.output


def test_duplicate_accounts_make_one_warning_as_posts_do(genuine: Path, small_model_path: Path) -> None:
    rows = lines(genuine)
    Path("dups.csv").write_text("\n".join([rows[0]] + [rows[1]] * 1000) + "\n", encoding="utf-8")
    result = score("dups.csv", "out.csv", small_model_path)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "account_id" in line]
    assert len(warnings) == 1
    assert warnings[0].endswith("dups.csv: 999 records repeat an account_id read earlier: kept the first of each, the others are rejected")
    assert len(pd.read_csv("out.rejects.csv")) == 999


def test_a_token_echoed_by_the_api_never_reaches_stderr_or_the_log(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vcr
    import yaml

    token = "AAAAAAAAAAAAAAAAAAAAAEchoedToken%2Bx0123456789abcdef"
    # The recorded 401 exchange, its answer turned into a 400 whose body echoes the request's
    # Authorization header (as misconfigured proxies and some error pages do).
    cassette = yaml.safe_load((Path(__file__).parent / "fixtures" / "xapi" / "search_unauthorized.yaml").read_text(encoding="utf-8"))
    response = cassette["interactions"][0]["response"]
    response["status"] = {"code": 400, "message": "Bad Request"}
    response["body"]["string"] = json.dumps({
        "errors": [{"message": f"Invalid header Authorization: Bearer {token}", "parameters": {"Authorization": [f"Bearer {token}"]}}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    })
    Path("echo.yaml").write_text(yaml.safe_dump(cassette), encoding="utf-8")
    monkeypatch.setenv("X_BEARER_TOKEN", token)
    recorder = vcr.VCR(cassette_library_dir=str(here), record_mode="none", filter_headers=["authorization"],
                       match_on=["method", "scheme", "host", "port", "path", "query"])
    with recorder.use_cassette("echo.yaml"):
        result = run("--log-file", "run.log", "collect", "search", "#marcha lang:es", "--since", "2024-05-13T00:00:00Z",
                     "--db", "store.sqlite")
    assert result.exit_code == 6, result.output
    assert token not in result.stderr and token not in result.stdout
    assert "Bearer [redacted]" in result.stderr
    assert token not in Path("run.log").read_text(encoding="utf-8")


def test_the_evaluations_raw_outputs_are_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    """save_raw wrote its four files in place, one after another: a failure (or a kill) part way
    left one run's loco.csv beside another's scores. Now the earlier run stays whole until all
    four are written."""
    import gzip

    from detector.training.evaluate import Evaluation, save_raw

    class Unwritable(pd.DataFrame):
        def to_csv(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            raise OSError("the disk went away")

    def evaluation(n: int, groups: pd.DataFrame) -> Evaluation:
        return Evaluation(
            loco=pd.DataFrame({"held_out": ["a"], "roc_auc": [n / 10]}), choices={}, groups=groups, shipped={"run": n},
            markdown="", summary=f"run {n}", scores=pd.DataFrame({"score": [n / 10]}),
        )  # fmt: skip

    folder = tmp_path / "raw"
    save_raw(evaluation(1, pd.DataFrame({"g": [1]})), folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(before) == ["groups.csv", "loco.csv", "run.json", "scores.csv.gz"]
    assert gzip.decompress(before["scores.csv.gz"]).decode() == "score\n0.1\n"
    with pytest.raises(OSError, match="the disk went away"):
        save_raw(evaluation(2, Unwritable({"g": [2]})), folder)  # groups.csv, the third file, fails
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary left, nothing replaced
    save_raw(evaluation(3, pd.DataFrame({"g": [3]})), folder)
    assert json.loads((folder / "run.json").read_text(encoding="utf-8"))["summary"] == "run 3"
    assert (folder / "loco.csv").read_text(encoding="utf-8") == "held_out,roc_auc\na,0.3\n"
