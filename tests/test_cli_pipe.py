"""Writing to a pipe whose reader stops early (``detector score -o - | head``), in a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIX = Path(__file__).parent / "fixtures" / "accounts"


def _many_accounts(tmp_path: Path, copies: int) -> Path:
    """The cresci-2017 genuine fixture's rows repeated under new ids (synthetic copies of real rows):
    enough output to fill a pipe's buffer, so the writer is still writing when the reader goes."""
    header, *rows = (FIX / "cresci2017_genuine.csv").read_text(encoding="utf-8").splitlines()
    lines = [header]
    for i in range(copies):
        for j, row in enumerate(rows):
            _, rest = row.split(",", 1)
            lines.append(f'"{9_000_000 + i * len(rows) + j}",{rest}')
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _head(args: list[str], cwd: Path, lines: int = 1) -> tuple[list[str], int, str]:
    """Run the CLI with stdout to a pipe, read ``lines`` lines, close the pipe as ``head`` does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from detector.cli import main; main()", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    got = [proc.stdout.readline().decode("utf-8") for _ in range(lines)]
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    return got, proc.wait(timeout=300), err


def test_score_to_a_closed_pipe_ends_quietly_with_success(tmp_path: Path) -> None:
    # 3 rows x 2,000 copies: about 1.5 MB of CSV, far over a pipe's 64 KiB buffer.
    accounts = _many_accounts(tmp_path, 2_000)
    got, code, err = _head(["score", str(accounts), "-o", "-", "--as-of", "2016-03-15", "--top", "0"], tmp_path)
    assert got[0].startswith('"account_id","screen_name","score","label","verdict_held","reasons"')
    assert code == 0, err
    assert "Traceback" not in err and "Broken pipe" not in err and "error" not in err.lower()


def test_score_to_an_open_pipe_still_writes_everything(tmp_path: Path) -> None:
    accounts = _many_accounts(tmp_path, 2_000)
    done = subprocess.run(
        [sys.executable, "-c", "from detector.cli import main; main()", "score", str(accounts), "-o", "-", "--as-of", "2016-03-15", "--top", "0"],
        cwd=tmp_path, capture_output=True, check=False, timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert len(done.stdout.decode("utf-8").splitlines()) == 1 + 6_000
    assert "scored 6,000 accounts" in done.stderr.decode("utf-8")
