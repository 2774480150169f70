"""The model registry: register, list, show, use; what the CLI and cron then load."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detector.accounts import registry
from detector.accounts.model import PACKAGE_MODEL, AccountModel, load_model
from detector.accounts.registry import default_model_path, load_current_model
from detector.cli import cli
from detector.errors import ModelError

ACCOUNTS = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "twibot20_accounts.json"


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DETECTOR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def shipped():
    return load_model(PACKAGE_MODEL)


def test_fresh_registry_uses_the_packaged_model(home: Path) -> None:
    assert registry.current_model_path() is None
    assert default_model_path() == PACKAGE_MODEL
    assert registry.list_models() == []


def test_register_then_use_changes_what_load_model_returns(home: Path, shipped) -> None:
    version = registry.register(shipped, notes="notebook 02, test")
    assert version == shipped.version
    stored = home / "models" / version
    assert sorted(p.name for p in stored.iterdir()) == [
        "account-model.card.json", "account-model.npz",
    ]  # fmt: skip
    # Registering alone does not change the model in use.
    assert default_model_path() == PACKAGE_MODEL
    registry.use(version)
    assert (home / "models" / "CURRENT").read_text() == version + "\n"
    assert default_model_path() == stored / "account-model.npz"
    m = load_current_model()
    assert m.version == version
    assert m.card["notes"] == "notebook 02, test"
    assert "0 likes" in m.card["false_positive_risk"]
    assert "2010-2019" in m.card["limitations"]
    assert "unseen_collections" in m.card["limitations"]
    registry.use("packaged")
    assert default_model_path() == PACKAGE_MODEL


def test_versions_are_never_overwritten(home: Path, shipped) -> None:
    first = registry.register(shipped)
    second = registry.register(shipped, make_current=True)
    assert second == f"{first}-2"
    entries = registry.list_models()
    assert [(e.version, e.current) for e in entries] == [(first, False), (second, True)]
    assert entries[0].accounts == shipped.card["training"]["accounts"]
    assert load_current_model().version == second


def test_unknown_and_unsafe_versions_are_refused(home: Path, shipped) -> None:
    registry.register(shipped)
    with pytest.raises(ModelError, match="no model 'acct-nope' in the registry"):
        registry.use("acct-nope")
    with pytest.raises(ModelError, match="is not a model version"):
        registry.use("../../etc")
    assert registry.current_version() is None


def test_list_says_what_its_roc_auc_measures(home: Path, shipped) -> None:
    # The shipped card: cross-collection scores (each collection scored by a model fitted without
    # it) and the nested unseen-collection figures. A model trained on fewer than three
    # collections has 5-fold out-of-fold figures and no unseen ones.
    registry.register(shipped)
    few = AccountModel(shipped.explainer, shipped.bigrams, shipped.calibration, {**shipped.card, "model_version": "acct-two-collections", "metrics_scope": "5-fold out-of-fold scores"})
    few.card.pop("unseen_collections")
    registry.register(few)
    entries = {e.version: e for e in registry.list_models()}
    assert entries[shipped.version].roc_auc_scope == "cross-collection"
    assert entries[shipped.version].unseen_roc_auc_mean == shipped.card["unseen_collections"]["roc_auc_mean"]
    assert entries["acct-two-collections"].roc_auc_scope == "out-of-fold"
    assert entries["acct-two-collections"].unseen_roc_auc_mean is None


def test_current_pointing_at_a_removed_version_is_a_clear_error(home: Path, shipped) -> None:
    version = registry.register(shipped, make_current=True)
    for p in (home / "models" / version).iterdir():
        p.unlink()
    (home / "models" / version).rmdir()
    with pytest.raises(ModelError, match=f"current model '{version}' is missing"):
        load_current_model()


def test_cli_models_and_score_use_the_registered_model(home: Path, shipped, tmp_path: Path) -> None:
    runner = CliRunner()
    version = registry.register(shipped, notes="from a notebook")
    listed = runner.invoke(cli, ["models", "list"])
    assert listed.exit_code == 0, listed.output
    unseen = shipped.card["unseen_collections"]
    assert listed.output.splitlines() == [
        "* packaged  (shipped with detector)",
        f"  {version}  {shipped.card['training']['accounts']:,} accounts, cross-collection ROC-AUC "
        f"{shipped.card['metrics_out_of_fold']['roc_auc']:.3f}, unseen collections ROC-AUC mean "
        f"{unseen['roc_auc_mean']:.3f} worst {unseen['roc_auc_worst']:.3f}  from a notebook",
    ]
    used = runner.invoke(cli, ["models", "use", version])
    assert used.exit_code == 0 and f"now using {version}" in used.output
    shown = runner.invoke(cli, ["models", "show"])
    assert shown.exit_code == 0
    for heading in ("## Data", "## On collections it never saw", "## Metrics", "## Intended use", "## Limitations", "## Risk of false positives on real people"):
        assert heading in shown.output
    assert json.loads(runner.invoke(cli, ["models", "show", version, "--json"]).output)["model_version"] == version
    out = tmp_path / "scores.csv"
    scored = runner.invoke(cli, ["score", str(ACCOUNTS), "-o", str(out), "--top", "0"])
    assert scored.exit_code == 0, scored.output
    assert set(pd.read_csv(out)["model_version"]) == {version}
    bad = runner.invoke(cli, ["models", "use", "acct-missing"])
    assert bad.exit_code == 4 and "no model 'acct-missing'" in bad.output


def test_cli_models_add_registers_a_trained_file(home: Path) -> None:
    result = CliRunner().invoke(cli, ["models", "add", str(PACKAGE_MODEL), "--use", "--notes", "imported"])
    assert result.exit_code == 0, result.output
    entries = registry.list_models()
    assert len(entries) == 1 and entries[0].current and entries[0].notes == "imported"
