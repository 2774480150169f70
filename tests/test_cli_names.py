"""Issue 11: one meaning per option name, old spellings deprecated, every default in --help, the
--min-score/--label filters, and the small ones (collect without a token, watch list without a file).

Inputs are the shipped real examples (datasets/examples): TwiBot-20 profiles and IRA posts.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.posts import coordination

ROOT = Path(__file__).resolve().parents[1]
TWIBOT = ROOT / "datasets" / "examples" / "twibot20_accounts.json"
TEXIT = ROOT / "datasets" / "examples" / "posts" / "ira_texit_calls.csv"
WATCHES = ROOT / "datasets" / "examples" / "watches.toml"


def commands(group: click.Group = cli, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            out += commands(cmd, full + " ")
        else:
            out.append((full, cmd))
    return out


UNSET = getattr(click.core, "UNSET", None)  # click >= 8.3 marks "no default" so


def run(args: list[str]) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, args)
    return res.exit_code, res.stdout, res.stderr


# -- one meaning per name --------------------------------------------------------------------------

# Options that name a file or folder the command writes.
OUTPUTS = {"-o", "--output", "--accounts-out", "--clusters-out", "--jsonl-out"}


def test_every_output_option_is_o_or_ends_in_out() -> None:
    for name, cmd in commands():
        for p in cmd.params:
            if not isinstance(p, click.Option) or p.hidden:
                continue
            writes = p.name in ("output", "out_dir", "out_path", "accounts_out", "clusters_out", "jsonl_out")
            assert writes == bool(set(p.opts) & OUTPUTS), (name, p.opts)
            if "--accounts" in p.opts or "--profiles" in p.opts:
                assert not writes, (name, p.opts)


def test_profile_inputs_are_profiles_everywhere() -> None:
    for name, option in (("run", "--profiles"), ("posts", "--profiles"), ("report", "--scores")):
        cmd = cli.commands[name]
        visible = {o for p in cmd.params if isinstance(p, click.Option) and not p.hidden for o in p.opts}
        assert option in visible and "--accounts" not in visible and "--out" not in visible, name
    # report reads account scores, not profiles: one name, one meaning
    visible = {o for p in cli.commands["report"].params if isinstance(p, click.Option) and not p.hidden for o in p.opts}
    assert "--profiles" not in visible


def test_every_default_is_in_help() -> None:
    for name, cmd in commands():
        code, out, _ = run([*name.split(), "--help"])
        assert code == 0, name
        # One block of help text per option: it starts at a line "  -x, --xyz ...".
        blocks = re.split(r"\n(?=  -)", out.split("Options:", 1)[1])
        for p in cmd.params:
            if not isinstance(p, click.Option) or p.hidden or p.is_flag or p.count or p.default in (None, UNSET):
                continue
            block = next(b for b in blocks if re.match(r"\s*" + ", ".join(re.escape(o) for o in p.opts) + r"\b", b))
            assert "[default: " in " ".join(block.split()), (name, p.opts, block)


def test_posts_help_shows_the_coordination_defaults() -> None:
    code, out, _ = run(["posts", "--help"])
    assert code == 0
    flat = " ".join(out.split())
    # The CLI spells the defaults out (so --help can show them): they must be the library's.
    assert f"[default: {int(coordination.DEFAULT_WINDOW.total_seconds() // 60)}min]" in flat
    assert f"[default: {coordination.DEFAULT_THRESHOLD}; 0<x<=1]" in flat
    assert f"[default: {coordination.DEFAULT_MIN_ACCOUNTS}; x>=2]" in flat
    assert f"[default: {','.join(coordination.KINDS)}]" in flat
    assert "--accounts-out" in flat and "--clusters-out" in flat
    assert re.search(r"--accounts\s", out) is None  # the old spelling is hidden


@pytest.fixture(scope="module")
def posts_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("posts")
    code, _, err = run(["posts", str(TEXIT), "-o", str(out / "all.csv"), "--accounts-out", str(out / "authors.csv"), "--clusters-out", str(out / "clusters.csv")])
    assert code == 0, err
    assert "deprecated" not in err
    return out


def test_old_spellings_still_work_with_a_warning(posts_outputs: Path, tmp_path: Path) -> None:
    code, _, err = run(["posts", str(TEXIT), "-o", str(tmp_path / "s.csv"), "--accounts", str(tmp_path / "a.csv"), "--clusters", str(tmp_path / "c.csv")])
    assert code == 0, err
    assert "warning: --accounts is deprecated and will be removed in the next release; use --accounts-out" in err
    assert "warning: --clusters is deprecated and will be removed in the next release; use --clusters-out" in err
    assert pd.read_csv(tmp_path / "a.csv").equals(pd.read_csv(posts_outputs / "authors.csv"))
    assert pd.read_csv(tmp_path / "c.csv").equals(pd.read_csv(posts_outputs / "clusters.csv"))

    code, out, err = run(["report", "--scores", str(posts_outputs / "authors.csv"), "--out", str(tmp_path / "r")])
    assert code == 0, err
    assert "warning: --out is deprecated and will be removed in the next release; use -o/--output" in err
    assert (tmp_path / "r" / "report-latest.html").exists()
    code, _, err = run(["report", "--accounts", str(posts_outputs / "authors.csv"), "-o", str(tmp_path / "r2")])
    assert code == 0 and "warning: --accounts is deprecated and will be removed in the next release; use --scores" in err
    # report's file is account scores: --profiles (which reads raw profiles in posts and run) was its name for one release
    code, _, err = run(["report", "--profiles", str(posts_outputs / "authors.csv"), "-o", str(tmp_path / "r3")])
    assert code == 0, err
    assert err.splitlines()[0] == "warning: --profiles is deprecated and will be removed in the next release; use --scores"
    assert (tmp_path / "r3" / "report-latest.html").read_bytes().count(b"<tr") == (tmp_path / "r" / "report-latest.html").read_bytes().count(b"<tr")


def test_old_and_new_spelling_together_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["posts", str(TEXIT), "--accounts", "a.csv", "--accounts-out", "b.csv"])
    assert code == 2 and "--accounts is the old name of --accounts-out: give only --accounts-out" in err
    code, _, err = run(["report", "--from-dir", str(tmp_path), "-o", "x", "--out", "y"])
    assert code == 2 and "--out is the old name of -o/--output" in err
    scores = tmp_path / "scores.csv"
    scores.write_text("account_id,score,label\n1,0.9,suspicious\n", encoding="utf-8")
    code, _, err = run(["report", "--scores", str(scores), "--profiles", str(scores)])
    assert code == 2 and "--profiles is the old name of --scores: give only --scores" in err
    code, _, err = run(["report", "--accounts", str(scores), "--profiles", str(scores)])
    assert code == 2 and "--accounts and --profiles are old names of --scores: give only --scores" in err


# -- filters ---------------------------------------------------------------------------------------


def test_score_filters_keep_only_the_rows_asked_for(tmp_path: Path) -> None:
    code, out, err = run(["score", str(TWIBOT), "--as-of", "2020-09-01", "-o", str(tmp_path / "all.csv"), "--top", "0"])
    assert code == 0, err
    every = pd.read_csv(tmp_path / "all.csv", dtype={"account_id": str})
    assert len(every) == 100
    code, out, err = run(["score", str(TWIBOT), "--as-of", "2020-09-01", "-o", str(tmp_path / "some.csv"), "--top", "0", "--min-score", "0.5", "--label", "suspicious", "--label", "uncertain"])
    assert code == 0, err
    some = pd.read_csv(tmp_path / "some.csv", dtype={"account_id": str})
    expected = every[(every["score"] >= 0.5) & every["label"].isin(["suspicious", "uncertain"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)
    assert "scored 100 accounts (" in out and f"; {len(expected)} kept by score >= 0.5 and label suspicious or uncertain -> {tmp_path / 'some.csv'}" in out

    code, out, err = run(["score", str(TWIBOT), "--as-of", "2020-09-01", "-o", str(tmp_path / "sus.csv"), "--top", "0", "--label", "suspicious"])
    assert code == 0, err
    sus = pd.read_csv(tmp_path / "sus.csv", dtype={"account_id": str})
    pd.testing.assert_frame_equal(sus, every[every["label"] == "suspicious"].reset_index(drop=True))
    assert 0 < len(sus) < (every["label"] != "likely-genuine").sum()  # the uncertain ones are left out

    code, _, err = run(["score", str(TWIBOT), "-o", str(tmp_path / "none.csv"), "--min-score", "1"])
    assert code == 0
    assert list(pd.read_csv(tmp_path / "none.csv").columns) == list(every.columns)  # a header even when nothing is kept

    code, _, err = run(["score", str(TWIBOT), "--label", "bot"])
    assert code == 2 and "'bot' is not one of 'suspicious', 'uncertain', 'likely-genuine'" in err


def test_posts_filters(posts_outputs: Path, tmp_path: Path) -> None:
    every = pd.read_csv(posts_outputs / "all.csv", dtype=str)
    code, _, err = run(["posts", str(TEXIT), "-o", str(tmp_path / "some.csv"), "--min-score", "0.3"])
    assert code == 0, err
    some = pd.read_csv(tmp_path / "some.csv", dtype=str)
    expected = every[every["score"].astype(float) >= 0.3].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)
    assert f"{len(expected)} of 181 post scores kept by score >= 0.3 -> {tmp_path / 'some.csv'}" in err


# -- small ones ------------------------------------------------------------------------------------


def test_collect_without_a_token_creates_no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path / "data"))
    code, _, err = run(["collect", "users", "XDevelopers"])
    assert code == 2 and "no X API bearer token" in err
    assert list(tmp_path.rglob("*")) == []  # no detector.sqlite, not even the data folder


def test_watch_list_without_a_file_points_to_the_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path))
    code, _, err = run(["watch", "list"])
    assert code == 2
    assert f"start from the example: cp watches.example.toml {tmp_path / 'watches.toml'}, or pass --config watches.example.toml" in err
