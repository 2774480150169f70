"""detector.io: generated Markdown sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector.io import replace_markdown_section


def test_a_section_is_replaced_in_place_appended_when_new_and_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "EVALUATION.md"
    path.write_text("# Evaluation\n\n## A\nold a\n### sub\nx\n\n## B\nb\n", encoding="utf-8")
    replace_markdown_section(path, "## A\nnew a\n### s2\ny\n")
    replace_markdown_section(path, "## C\nc\n")
    replace_markdown_section(path, "## B\nbb\n")
    assert path.read_text(encoding="utf-8") == "# Evaluation\n\n## A\nnew a\n### s2\ny\n\n## B\nbb\n\n## C\nc\n"
    replace_markdown_section(path, "## B\nbb\n")  # idempotent
    assert path.read_text(encoding="utf-8") == "# Evaluation\n\n## A\nnew a\n### s2\ny\n\n## B\nbb\n\n## C\nc\n"


def test_a_missing_file_gets_its_title(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    replace_markdown_section(path, "## Speed\nfast\n", title="# Benchmarks")
    assert path.read_text(encoding="utf-8") == "# Benchmarks\n\n## Speed\nfast\n"


def test_a_section_must_start_with_its_heading(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="starts with its '## ' heading"):
        replace_markdown_section(tmp_path / "x.md", "no heading\n")
