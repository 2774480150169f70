"""A note on an input's dates is said once, plainly, by both engines and for every file read.

The ground rule: an ambiguous date, an unknown header or a missing observation time is said once.
The dask engine reads an input partition by partition (in worker processes, some more than once);
each partition used to say its own notes, and ``score`` said none. These tests run a real
``detector`` process (so the workers are real processes whose stderr is the command's) on
synthetic inputs written here: dotted dates that read both ways (03.04.2026) and times without a
zone, in two partitions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DETECTOR = [sys.executable, "-c", "from detector.cli import main; main()"]

# Synthetic posts (written for this test). Every date reads both ways; none can only be day-first.
POSTS_A = [
    ("p1", "ana", "Svi na protest sutra u 18h ispred Skupstine", "03.04.2026 10:00"),
    ("p2", "ben", "Svi na protest sutra u 18h ispred Skupstine", "03.04.2026 10:01"),
]
POSTS_B = [("p3", "ana", "Lep dan danas", "05.06.2026 09:00"), ("p4", "cid", "Vidimo se na trgu", "05.06.2026 09:30")]
# Synthetic profiles of the same authors, one partition each for the account test.
ACCOUNTS_A = [("1", "ana", 10, 20, 300, "03.04.2015 10:00"), ("2", "ben", 5, 500, 20, "05.06.2016 09:00")]
ACCOUNTS_B = [("3", "cid", 100, 80, 3000, "07.08.2014 08:00")]

ZONE = "carry no time zone and were read as UTC"
DOTTED = "read both ways: they were read day-first"
CALL_ZONE = "times written in calls (\"tomorrow at 18h\") read in"


def _csv(path: Path, header: str, rows: list[tuple[object, ...]]) -> Path:
    path.write_text(header + "\n" + "".join(",".join(str(v) for v in row) + "\n" for row in rows), encoding="utf-8")
    return path


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([*DETECTOR, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return res


def _notes(text: str) -> list[str]:
    """The note sentences of a command's output, without the log prefix ("… WARNING detector.x: ", "note: ")."""
    out = []
    for line in text.splitlines():
        if ZONE in line or DOTTED in line or CALL_ZONE in line:
            out.append(line.split(": ", 1)[1] if line.startswith(("20", "note: ")) else line)
    return out


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    header = "post_id,author_id,text,created_at"
    (tmp_path / "parts").mkdir()
    _csv(tmp_path / "parts" / "a.csv", header, POSTS_A)
    _csv(tmp_path / "parts" / "b.csv", header, POSTS_B)
    _csv(tmp_path / "posts.csv", header, POSTS_A + POSTS_B)
    acc_header = "account_id,screen_name,followers_count,friends_count,statuses_count,created_at"
    (tmp_path / "accparts").mkdir()
    _csv(tmp_path / "accparts" / "a.csv", acc_header, ACCOUNTS_A)
    _csv(tmp_path / "accparts" / "b.csv", acc_header, ACCOUNTS_B)
    _csv(tmp_path / "profiles.csv", acc_header, ACCOUNTS_A + ACCOUNTS_B)
    return tmp_path


def _posts_notes(name: str, example: str, read_as: str) -> list[str]:
    return [
        f"times in column 'created_at' of {name} (such as '{example}') {ZONE}; if they are local times, give --tz ZONE (e.g. --tz Europe/Belgrade)",
        f"dates in column 'created_at' of {name} such as '{example}' {DOTTED} ({read_as}), as dotted dates are written in the region's exports; "
        "if they are month-first, give --monthfirst",
    ]


CALLS = (
    'times written in calls ("tomorrow at 18h") read in the zone of the call\'s place when it is a town of the Balkans\' towns table '
    "or a US city, else (a call naming no place) of its author's profile location when that names one zone (\"Austin, TX\"), "
    "else of the post's language (bs, hr, mk, sq, sr, sr-Cyrl: Europe/Belgrade); in other posts no zone is known: "
    "a clock time is not resolved, and a day only where every zone the post may be in agrees (an English post naming a US place: "
    "the US zones; others: every offset), else when_status 'no post zone'; "
    "give --tz for the zone of the posts' place; a zone a call writes after its clock time (\"6 PM ET\") is read as written, "
    "and its when_zone says so"
)


def test_posts_say_each_note_once_in_both_engines_and_for_the_profiles_file(inputs: Path) -> None:
    profiles = _posts_notes("profiles.csv", "03.04.2015 10:00", "3 April 2015, not 4 March")
    local = _run(["posts", "posts.csv", "-o", "l.csv", "--profiles", "profiles.csv"], inputs)
    assert _notes(local.stderr) == [*_posts_notes("posts.csv", "03.04.2026 10:00", "3 April 2026, not 4 March"), *profiles, CALLS], local.stderr
    # Two partitions, each read in a worker process: one note for the input (the folder), not one per partition.
    dask = _run(["posts", "parts", "--engine", "dask", "-o", "d.csv", "--profiles", "profiles.csv"], inputs)
    assert _notes(dask.stderr) == [*_posts_notes("parts", "03.04.2026 10:00", "3 April 2026, not 4 March"), *profiles, CALLS], dask.stderr
    # Dask's own scheduler, nanny and shuffle lines (dozens per run, none about the input) stay out.
    assert not [line for line in dask.stderr.splitlines() if " distributed." in line], dask.stderr
    # -q: only errors, in the workers too (they used to print their notes whatever the options).
    quiet = _run(["-q", "posts", "parts", "--engine", "dask", "-o", "q.csv"], inputs)
    assert _notes(quiet.stderr) == [CALLS], quiet.stderr


def test_run_says_the_profiles_files_date_notes(inputs: Path) -> None:
    watches = inputs / "watches.toml"
    watches.write_text('[watches.w]\nqueries = ["protest"]\n', encoding="utf-8")
    args = ["run", "--watch", "w", "--config", str(watches), "--from", "posts.csv", "--profiles", "profiles.csv", "--db", "d.sqlite", "--data-dir", ".", "-o", "rep"]
    res = _run(args, inputs)
    profiles = _posts_notes("profiles.csv", "03.04.2015 10:00", "3 April 2015, not 4 March")
    assert _notes(res.stderr) == [*_posts_notes("posts.csv", "03.04.2026 10:00", "3 April 2026, not 4 March"), *profiles], res.stderr


def test_score_on_dask_says_the_file_notes_once_as_locally(inputs: Path) -> None:
    local = _run(["score", "profiles.csv", "-o", "l.csv", "--top", "0", "--as-of", "2020-01-01"], inputs)
    assert _notes(local.stdout) == _posts_notes("profiles.csv", "03.04.2015 10:00", "3 April 2015, not 4 March"), local.stdout
    dask = _run(["score", "accparts", "--engine", "dask", "-o", "d.csv", "--as-of", "2020-01-01"], inputs)
    assert _notes(dask.stdout) == _posts_notes("accparts", "03.04.2015 10:00", "3 April 2015, not 4 March"), dask.stdout
    # The other file notes come too: the fields the input lacks.
    assert [line for line in dask.stdout.splitlines() if line.startswith("note: not in this input: display name, bio")], dask.stdout
    # A value that can only be day-first in another partition settles the order: no dotted note, as locally.
    (inputs / "accparts" / "b.csv").write_text(
        "account_id,screen_name,followers_count,friends_count,statuses_count,created_at\n3,cid,100,80,3000,24.06.2014 08:00\n", encoding="utf-8"
    )
    settled = _run(["score", "accparts", "--engine", "dask", "-o", "d2.csv", "--as-of", "2020-01-01"], inputs)
    assert _notes(settled.stdout) == _posts_notes("accparts", "03.04.2015 10:00", "")[:1], settled.stdout


def test_a_local_clusters_shutdown_heartbeat_is_not_said_but_other_worker_errors_are() -> None:
    """A worker's heartbeat that meets the scheduler already closed (Dask's own shutdown race after a run
    that went well) printed a traceback into one of three full test runs of the test above; other errors
    of the workers still show. The filter is installed in every worker process of a local cluster."""
    import logging

    from detector import engine

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("distributed.worker", logging.ERROR, __file__, 1, msg, None, None)

    assert not engine.not_heartbeat_loss(record("Failed to communicate with scheduler during heartbeat."))
    assert engine.not_heartbeat_loss(record("Compute Failed"))

    def installed() -> bool:
        return engine.not_heartbeat_loss in logging.getLogger("distributed.worker").filters

    with engine.dask_client(n_workers=1, processes=True) as client:
        assert list(client.run(installed).values()) == [True]
    assert not installed()  # this process's logger is left as it was
