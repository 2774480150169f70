"""`detector info` shows the call model `detector posts` uses, with its held-out figures per language (session 16).

The figures are those of the shipped card (detector/data/call-model.card.json, written by bench/calls_eval.py --save):
written out here, so that a retrained model changes this test on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from detector.cli import cli
from detector.posts import call_model


def test_info_names_the_shipped_call_model_and_its_figures_per_language() -> None:
    res = CliRunner().invoke(cli, ["info"])
    assert res.exit_code == 0, res.output
    lines = {line[:12].strip(): line[13:] for line in res.output.splitlines() if line[:12].strip() in ("call model", "calls CV")}
    assert lines["call model"].startswith("call-model trained 2026-12-02: C=256, lexicon+cues+transfer+signs, threshold 0.2814 (")
    assert lines["calls CV"] == (
        "nested grouped CV on 16,906 labelled posts (237 calls): precision 0.76, recall 0.66; lexicon alone 0.67, 0.41; "
        "precision/recall by language: Albanian 0.62/0.44 (68 calls), Serbian Cyrillic 0.88/0.71 (21 calls), "
        "Serbian/Bosnian/Croatian Latin 0.50/0.50 (4 calls), English 0.80/0.76 (144 calls)"
    )


def test_info_says_when_the_call_model_cannot_be_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A checkout whose call model is missing (a damaged install): the account lines still print, the call line says why.
    monkeypatch.setattr(call_model, "default_model_path", lambda: tmp_path / "call-model.npz")
    res = CliRunner().invoke(cli, ["info"])
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("call model"))
    assert line.startswith("call model   not loaded: cannot load the call model ") and "call-model" in line
    assert res.output.startswith("model ")
