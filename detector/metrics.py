"""Evaluation metrics for calibrated scores: discrimination, the bot-class F1, and calibration.

This module owns metric definitions only. It never trains or reads data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, f1_score, roc_auc_score


def calibration_bins(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[dict[str, Any]]:
    """Equal-width bins of predicted probability with their mean prediction and observed rate."""
    edges = np.linspace(0, 1, n_bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        m = idx == b
        if m.any():
            rows.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(m.sum()),
                    "mean_score": float(p[m].mean()),
                    "observed_rate": float(y[m].mean()),
                }
            )
    return rows


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> float:
    bins = calibration_bins(y, p, n_bins)
    n = len(y)
    return float(sum(b["n"] / n * abs(b["mean_score"] - b["observed_rate"]) for b in bins))


def summary(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, Any]:
    """ROC-AUC, PR-AUC, bot-class F1 at ``threshold``, Brier score and ECE."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    both = len(np.unique(y)) == 2
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, p)), 4) if both else None,
        "f1_bot": round(float(f1_score(y, p >= threshold, zero_division=0)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "ece": round(expected_calibration_error(y, p), 4),
    }
