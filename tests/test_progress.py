"""Issue 11, long runs are silent: progress bars on a terminal, nothing when there is none.

The terminal is a real pseudo-terminal (``pty``) given to a real ``detector`` process as its stderr;
the other case pipes stderr. Inputs are the shipped real examples (TwiBot-20 profiles, IRA posts).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from detector import progress

ROOT = Path(__file__).resolve().parents[1]
TWIBOT = ROOT / "datasets" / "examples" / "twibot20_accounts.json"
TEXIT = ROOT / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
DETECTOR = [sys.executable, "-c", "from detector.cli import main; main()"]


def run_on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run detector with stderr on a pseudo-terminal; return the exit code, stdout and what the terminal showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120-column terminal
    proc = subprocess.Popen([*DETECTOR, *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "120"})
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            proc.kill()
            pytest.fail("no output on the terminal for 120 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read().decode() if proc.stdout else ""
    os.close(leader)
    return proc.wait(timeout=60), out, shown.decode("utf-8", "replace")


def test_score_shows_a_bar_with_counts_and_rate_on_a_terminal(tmp_path: Path) -> None:
    code, out, shown = run_on_terminal(["score", str(TWIBOT), "-o", str(tmp_path / "s.csv"), "--top", "0"], tmp_path)
    assert code == 0, shown
    assert "scored 100 accounts" in out
    # tqdm's line: the stage, the count and a rate (or "?" before the first update).
    assert re.search(r"scoring accounts: 100 accounts \[[0-9:]+, +[0-9.?]+ ?k? ?accounts/s\]", shown), shown


def test_posts_shows_each_stage_on_a_terminal(tmp_path: Path) -> None:
    args = ["posts", str(TEXIT), "-o", str(tmp_path / "p.csv"), "--clusters-out", str(tmp_path / "c.csv")]
    code, _, shown = run_on_terminal(args, tmp_path)
    assert code == 0, shown
    stages = ("reading posts", "coordination", "campaigns", "language", "calls", "message features", "post scores", "authors", "writing")
    units = ("posts", "kinds", "posts", "posts", "posts", "posts", "posts", "posts", "rows")
    for stage, unit in zip(stages, units, strict=True):
        assert re.search(rf"{stage}: .*{unit}/s\]", shown), (stage, shown)
    assert re.search(r"post scores: 100%.*181/181", shown)  # the post scoring bar knows its total
    assert "181 posts scored" in shown  # the summary, after the bars


def test_nothing_but_the_summary_without_a_terminal(tmp_path: Path) -> None:
    res = subprocess.run([*DETECTOR, "posts", str(TEXIT), "-o", str(tmp_path / "p.csv")], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    # The summary and two plain notes, each once: the example's times carry no zone, and the zone that
    # times written in calls are read in (no --tz given); no bar.
    lines = res.stderr.splitlines()
    assert [line for line in lines if "posts scored" in line], res.stderr
    notes = ("carry no time zone", "times written in calls (")
    assert [sum(note in line for line in lines) for note in notes] == [1, 1], res.stderr
    assert [line for line in lines if "posts scored" not in line and not any(note in line for note in notes)] == []
    assert "\r" not in res.stderr and "/s]" not in res.stderr


def test_quiet_and_library_use_show_no_bar(tmp_path: Path) -> None:
    code, _, shown = run_on_terminal(["-q", "score", str(TWIBOT), "-o", str(tmp_path / "s.csv"), "--top", "0"], tmp_path)
    assert code == 0 and "accounts/s" not in shown
    progress.enable(False)
    assert not progress.active()
    with progress.bar("x") as b:
        b.update(3)  # a no-op, not an error
    assert list(progress.counted([[1, 2], [3]], "x")) == [[1, 2], [3]]
