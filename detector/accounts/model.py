"""The account model: training, calibration, thresholds, persistence and scoring.

A model is a scikit-learn :class:`~sklearn.pipeline.Pipeline` of
:class:`detector.accounts.features.AccountFeatures` and a calibrated, additive gradient-boosted classifier,
saved with skops (never pickle) beside a JSON card that records the data hashes, library versions,
metrics, thresholds and feature list. Loading refuses unknown types and other feature versions.

This module owns the model's life cycle. It never reads user input files or writes reports.
"""

from __future__ import annotations

import json
import logging
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from detector.accounts.explain import AdditiveExplainer, reasons
from detector.accounts.features import ALL_FEATURES, FEATURE_VERSION, AccountFeatures
from detector.errors import ModelError
from detector.io import atomic_path
from detector.metrics import summary

log = logging.getLogger(__name__)

PACKAGE_MODEL = Path(__file__).resolve().parents[1] / "data" / "account-model.skops"

# `verified` is excluded: in botwiki + verified-2019 it is a label leak, and many inputs lack it.
MODEL_FEATURES: tuple[str, ...] = tuple(f for f in ALL_FEATURES if f != "verified")

# Types a model file may contain. Anything else is refused before it is loaded.
TRUSTED_TYPES = (
    "detector.accounts.features.AccountFeatures",
    "detector.accounts.features.ScreenNameLikelihood",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.model_selection._split.StratifiedKFold",
    "builtins.float",
    "builtins.int",
    "builtins.tuple",
)

LABELS = ("likely-genuine", "uncertain", "suspicious")
SCORE_COLUMNS = ["account_id", "screen_name", "score", "label", "reasons", "model_version", "platform"]



@dataclass
class AccountModel:
    """A fitted pipeline, its card, and the explainer derived from it."""

    pipeline: Pipeline
    card: dict[str, Any]
    explainer: AdditiveExplainer | None = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return str(self.card["model_version"])

    @property
    def thresholds(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.card["thresholds"].items()}

    @property
    def feature_names(self) -> list[str]:
        return list(self.card["features"])

    def _ensure_explainer(self) -> AdditiveExplainer:
        if self.explainer is None:
            raise ModelError("model has no explainer: it was not trained or loaded through detector.accounts.model")
        return self.explainer


def make_pipeline(features: tuple[str, ...] = MODEL_FEATURES, random_state: int = 0, calibration: str = "isotonic") -> Pipeline:
    """The unfitted account pipeline."""
    booster = HistGradientBoostingClassifier(
        interaction_cst="no_interactions",
        # Small, heavily regularised trees: chosen for leave-one-collection-out ROC-AUC
        # (EVALUATION.md), where deeper trees fit each collection's quirks and transfer worse.
        learning_rate=0.05,
        max_iter=100,
        max_leaf_nodes=3,
        min_samples_leaf=300,
        l2_regularization=20.0,
        early_stopping=False,
        random_state=random_state,
    )
    calibrated = CalibratedClassifierCV(
        booster,
        method=calibration,
        cv=StratifiedKFold(5, shuffle=True, random_state=random_state),
        ensemble=False,
    )
    return Pipeline([("features", AccountFeatures(features=features)), ("classifier", calibrated)])


def _booster(pipeline: Pipeline) -> HistGradientBoostingClassifier:
    return pipeline.named_steps["classifier"].calibrated_classifiers_[0].estimator


def _calibrator(pipeline: Pipeline) -> Any:
    return pipeline.named_steps["classifier"].calibrated_classifiers_[0].calibrators[0]


def build_explainer(pipeline: Pipeline, background: pd.DataFrame) -> AdditiveExplainer:
    X = pipeline.named_steps["features"].transform(background)
    return AdditiveExplainer(_booster(pipeline), X_background=X)


# Thresholds on the calibrated score. Scores are calibrated on a balanced mix (every collection
# and class weighted equally, a 50% prior), so score / (1 - score) is the likelihood ratio the
# profile gives for "inauthentic". 0.8 means the profile is at least 4 times likelier under
# inauthentic accounts; 0.2 at least 4 times likelier under genuine ones. In between the model
# does not know, and says so.
THRESHOLDS = {"suspicious": 0.8, "likely_genuine": 0.2}


def threshold_report(y: np.ndarray, p: np.ndarray, thresholds: dict[str, float], weight: np.ndarray | None = None) -> dict[str, float]:
    """Out-of-fold precision of ``suspicious``, NPV of ``likely-genuine`` and the uncertain share."""
    w = np.ones(len(y)) if weight is None else weight
    sus = p >= thresholds["suspicious"]
    gen = p < thresholds["likely_genuine"]
    return {
        "precision_suspicious": round(float((w * y * sus).sum() / max((w * sus).sum(), 1e-12)), 4),
        "recall_suspicious": round(float((w * y * sus).sum() / max((w * y).sum(), 1e-12)), 4),
        "npv_likely_genuine": round(float((w * (1 - y) * gen).sum() / max((w * gen).sum(), 1e-12)), 4),
        "share_uncertain": round(float((w * (~sus & ~gen)).sum() / w.sum()), 4),
    }


def balanced_weights(table: pd.DataFrame) -> np.ndarray:
    """Weights that give every (collection, label) group the same total weight; mean 1."""
    keys = [table["label"]]
    if "collection" in table.columns:
        keys.insert(0, table["collection"].fillna("unknown"))
    size = table.groupby(keys)["label"].transform("size").to_numpy(dtype="float64")
    w = 1.0 / size
    return w * len(w) / w.sum()


def train(
    table: pd.DataFrame,
    *,
    features: tuple[str, ...] = MODEL_FEATURES,
    random_state: int = 0,
    calibration: str = "isotonic",
    data_hashes: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> AccountModel:
    """Fit the account model on a canonical table with a ``label`` column (1 = inauthentic).

    Thresholds and the card's metrics come from 5-fold out-of-fold predictions on ``table``.
    """
    if "label" not in table.columns:
        raise ModelError("training table has no 'label' column")
    y = table["label"].to_numpy(dtype=int)
    if len(np.unique(y)) != 2:
        raise ModelError("training needs both genuine (0) and inauthentic (1) accounts")
    weight = balanced_weights(table)
    pipeline = make_pipeline(features, random_state, calibration)
    cv = StratifiedKFold(5, shuffle=True, random_state=random_state)
    oof = cross_val_predict(
        make_pipeline(features, random_state, calibration),
        table,
        y,
        cv=cv,
        method="predict_proba",
        params={"classifier__sample_weight": weight},
    )[:, 1]
    pipeline.fit(table, y, classifier__sample_weight=weight)

    created = datetime.now(UTC).replace(microsecond=0)
    card: dict[str, Any] = {
        "model_version": created.strftime("acct-%Y%m%dT%H%M%SZ"),
        "created_at": created.isoformat(),
        "feature_version": FEATURE_VERSION,
        "features": list(features),
        "thresholds": dict(THRESHOLDS),
        "threshold_rule": (
            "suspicious if score >= 0.8 (likelihood ratio >= 4 for inauthentic); likely-genuine if "
            "score < 0.2 (likelihood ratio >= 4 for genuine); uncertain in between or when half "
            "or more of the features are missing"
        ),
        "thresholds_out_of_fold_balanced": threshold_report(y, oof, THRESHOLDS, weight),
        "calibration": f"{calibration}, fitted on 5-fold out-of-fold scores, balanced weights (50% prior)",
        "training": {
            "accounts": int(len(y)),
            "inauthentic": int(y.sum()),
            "collections": {str(k): int(v) for k, v in table.get("collection", pd.Series(dtype=str)).value_counts().items()},
            "data_sha256": data_hashes or {},
        },
        "metrics_out_of_fold": summary(y, oof),
        "intended_use": (
            "Rank and triage public social-media accounts for human review. Not for automated "
            "enforcement: a 'suspicious' label is a reason to look, not proof."
        ),
        "versions": _versions(),
        "code_version": _git_revision(),
        "random_state": random_state,
    }
    if extra:
        card.update(extra)
    model = AccountModel(pipeline, card)
    model.explainer = build_explainer(pipeline, table)
    return model


def save_model(model: AccountModel, path: str | Path) -> Path:
    """Write ``<path>`` (skops) and ``<path minus .skops>.card.json``, each atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        sio.dump(model.pipeline, tmp)
    with atomic_path(card_path(path)) as tmp:
        tmp.write_text(json.dumps(model.card, indent=2, default=str) + "\n", encoding="utf-8")
    _save_explainer(model, path)
    log.info("saved model %s to %s", model.version, path)
    return path


def card_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name.removesuffix(".skops") + ".card.json")


def _explainer_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".skops") + ".baseline.npy")


def _save_explainer(model: AccountModel, path: Path) -> None:
    # The explainer's tables are re-derived from the trees on load; only the training-mean
    # reference needs saving, as plain numbers.
    explainer = model._ensure_explainer()
    with atomic_path(_explainer_path(path)) as tmp, open(tmp, "wb") as fh:
        np.save(fh, explainer.baseline, allow_pickle=False)


def load_model(path: str | Path) -> AccountModel:
    """Load the model at ``path`` and its card, refusing untrusted types and other feature versions.

    Which model to use when none is named is the registry's choice
    (:func:`detector.accounts.registry.load_current_model`); this function only loads a path.
    """
    path = Path(path)
    if not path.exists():
        raise ModelError(f"no model at {path}: run `detector train` (or `make run`, which trains when it is missing)")
    cpath = card_path(path)
    if not cpath.exists():
        raise ModelError(f"model card missing beside the model: {cpath}")
    try:
        card = json.loads(cpath.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelError(f"model card {cpath} is not valid JSON: {exc}") from exc
    if str(card.get("feature_version")) != FEATURE_VERSION:
        raise ModelError(
            f"model {path} was built for feature version {card.get('feature_version')!r}, this detector "
            f"computes version {FEATURE_VERSION!r}: retrain it with `detector train`"
        )
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises several types for a corrupt file
        raise ModelError(f"{path} is not a readable skops model file: {exc}") from exc
    unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unknown:
        raise ModelError(f"{path} contains types this detector does not trust: {', '.join(unknown)}")
    try:
        pipeline = sio.load(path, trusted=list(untrusted))
    except Exception as exc:
        raise ModelError(f"{path} could not be loaded: {exc}") from exc
    base_path = _explainer_path(path)
    if not base_path.exists():
        raise ModelError(f"explanation reference missing beside the model: {base_path}")
    baseline = np.load(base_path, allow_pickle=False)
    return AccountModel(pipeline, card, AdditiveExplainer(_booster(pipeline), baseline=baseline))


def label_scores(scores: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """Map calibrated scores to ``likely-genuine`` / ``uncertain`` / ``suspicious``."""
    idx = np.where(scores >= thresholds["suspicious"], 2, np.where(scores < thresholds["likely_genuine"], 0, 1))
    return np.asarray(LABELS, dtype=object)[idx]


def predict(model: AccountModel, accounts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(X, calibrated scores, centred contributions)`` for canonical accounts."""
    explainer = model._ensure_explainer()
    X = model.pipeline.named_steps["features"].transform(accounts)
    log_odds, contrib = explainer.contributions(X)
    scores = np.clip(_calibrator(model.pipeline).predict(log_odds), 0.0, 1.0)
    return X, scores, contrib


# Accounts missing this many of their inputs are never called suspicious or likely genuine:
# the model would be guessing.
MAX_MISSING_FOR_VERDICT = 0.5


def score_accounts(accounts: pd.DataFrame, model: AccountModel, top_reasons: int = 3) -> pd.DataFrame:
    """Score canonical accounts: one row each, in order, with the :data:`SCORE_COLUMNS`."""
    if len(accounts) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SCORE_COLUMNS}).astype({"score": "float64"})
    X, scores, contrib = predict(model, accounts)
    labels = label_scores(scores, model.thresholds)
    too_sparse = np.isnan(X).mean(axis=1) >= MAX_MISSING_FOR_VERDICT
    labels[too_sparse] = "uncertain"
    why = reasons(X, contrib, model.feature_names, top=top_reasons)
    if too_sparse.any():
        # Say why the label is held back, so a low or high number is not read as a verdict.
        note = "too few profile fields for a verdict: label held at uncertain"
        why = why.where(~too_sparse, (note + "; " + why).str.rstrip("; "))
    platform = accounts["platform"].fillna("x").astype(str) if "platform" in accounts.columns else pd.Series("x", index=accounts.index)
    why = pd.Series(why.to_numpy(), index=accounts.index).astype(object)
    why = _platform_notes(accounts, platform, why)
    return pd.DataFrame(
        {
            "account_id": accounts["account_id"].astype("string").to_numpy(),
            "screen_name": accounts["screen_name"].astype("string").to_numpy(),
            "score": np.round(scores, 4),
            "label": labels,
            "reasons": why.to_numpy(),
            "model_version": model.version,
            "platform": platform.to_numpy(),
        }
    )


# What the X-trained model cannot see on each platform's profiles (EVALUATION.md, "Accounts on
# other platforms"). Fields a platform lacks are missing, never zero.
PLATFORM_GAPS = {
    "bluesky": "no likes, lists or verified flag on Bluesky",
    "mastodon": "no likes or lists count on Mastodon",
}


def _platform_notes(accounts: pd.DataFrame, platform: pd.Series, why: pd.Series) -> pd.Series:
    """Prefix the reasons of accounts from outside X with what the score can and cannot mean."""
    other = platform.ne("x")
    if not other.any():
        return why
    notes = platform.map(
        lambda p: f"{p} profile scored by a model trained on X" + (f" ({PLATFORM_GAPS[p]}: missing, not zero)" if p in PLATFORM_GAPS else "")
    )
    if "bot_declared" in accounts.columns:
        declared = accounts["bot_declared"].fillna(False).astype(bool)
        # A self-declared bot tells the truth about automation: it is not hiding anything.
        notes = notes.where(~declared, notes + "; declares itself a bot: automation its owner states openly, which is not deception")
    joined = (notes + "; " + why.fillna("").astype(str)).str.rstrip("; ")
    return why.where(~other, joined)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("scikit-learn", "numpy", "pandas", "skops", "detector"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def _git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
