"""Every command and every option is documented in README.md (in the style of sqlite-utils'
tests/test_docs.py).

README.md's "## Command reference" section is generated from the commands' own --help, so it
cannot drift: after adding or renaming a command or an option, run ``make docs`` (which runs this
file as a script: ``python tests/test_docs.py --write``) and commit README.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pytest

from detector.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## Command reference"
WIDTH = 100  # help is wrapped at this width whatever the terminal, so the text is reproducible


def all_commands(group: click.Group = cli, prefix: str = "detector") -> list[tuple[str, click.Command]]:
    """(``detector collect users``, command) for every command and group, in the README's order."""
    out: list[tuple[str, click.Command]] = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        out.append((full, cmd))
        if isinstance(cmd, click.Group):
            out += all_commands(cmd, full)
    return out


def help_text(path: str, cmd: click.Command, width: int = WIDTH) -> str:
    settings = {"terminal_width": width, "max_content_width": width, "help_option_names": ["-h", "--help"], "show_default": True}
    parent = click.Context(cli, info_name="detector", **settings)  # type: ignore[arg-type]
    ctx = click.Context(cmd, info_name=path.split(" ", 1)[1], parent=parent, **settings)  # type: ignore[arg-type]
    return cmd.get_help(ctx)


def reference() -> str:
    """The generated section: one heading and one --help block per command."""
    parts = [
        HEADING,
        "",
        "Generated from each command's `--help` by `make docs` (tests/test_docs.py checks it is current).",
        "Every option shows its default; old option names kept for one release are hidden and print a",
        "deprecation warning when used: `posts --accounts`/`--clusters` (now `--accounts-out`/`--clusters-out`),",
        "`run --accounts` (now `--profiles`), `report --accounts` and `report --profiles` (now `--scores`:",
        "the file holds account scores, not profiles), `run --out`, `report --out` and",
        "`evaluate --out` (now `-o/--output`), `collect --jsonl` (now `--jsonl-out`).",
    ]
    for path, cmd in all_commands():
        parts += ["", f"### `{path}`", "", "```text", help_text(path, cmd).rstrip(), "```"]
    return "\n".join(parts) + "\n"


def section(text: str) -> str:
    start = text.find(HEADING + "\n")
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(HEADING))
    return text[start : end + 1 if end >= 0 else len(text)]


@pytest.fixture(scope="module")
def documented() -> str:
    return section(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [p for p, _ in all_commands()])
def test_commands_are_documented(documented: str, path: str) -> None:
    assert f"### `{path}`" in documented, f"{path} is not in README.md's command reference: run `make docs`"


@pytest.mark.parametrize(("path", "cmd"), all_commands(), ids=[p for p, _ in all_commands()])
def test_options_are_documented(documented: str, path: str, cmd: click.Command) -> None:
    block = documented.split(f"### `{path}`", 1)[-1].split("\n### ", 1)[0]
    for p in cmd.params:
        if isinstance(p, click.Option) and not p.hidden:
            for opt in p.opts + p.secondary_opts:
                assert re.search(rf"(^|[\s,/]){re.escape(opt)}\b", block, re.M), f"{path} {opt} is not documented: run `make docs`"


@pytest.mark.parametrize(("path", "cmd"), all_commands(), ids=[p for p, _ in all_commands()])
def test_commands_have_help(path: str, cmd: click.Command) -> None:
    assert cmd.help, f"{path} has no help"
    if not isinstance(cmd, click.Group) or path == "detector collect":
        assert "Example" in cmd.help, f"{path}'s help has no Example: block"


def test_examples_keep_their_lines_and_no_markup_shows() -> None:
    """An example that click re-wraps (no \\b before it) runs its continuation backslash into the
    middle of a line (`posts --help` did: "-o\n out/post_scores.csv \\         --clusters-out"); RST
    double backquotes show as such in a terminal."""
    for line in "\n".join(help_text(path, cmd, 80) for path, cmd in all_commands()).splitlines():  # a terminal's width
        assert not re.search(r"\\\s+\S", line), f"a re-wrapped example: {line!r}"
        assert not re.search(r"(?<!`)``(?!`)", line), f"markup in --help: {line!r}"  # the reference's ``` fences are its own


def test_reference_is_current(documented: str) -> None:
    assert documented == reference(), "README.md's command reference differs from --help: run `make docs` and commit README.md"


def write() -> None:
    from detector.io import replace_markdown_section

    replace_markdown_section(README, reference(), title="# detector")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        sys.stdout.write(reference())
