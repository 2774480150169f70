"""Figures for the notebooks: training collections, cross-collection curves, post timelines.

Every function takes tables the library produced and returns a matplotlib ``Figure``; none
computes a score or a metric of its own beyond what the curves need (scikit-learn's). The
notebooks call these, so that what they show can be reproduced from a script.

This module owns figure layout only. It never trains, reads files or writes anything.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


def _figure(ncols: int = 1, width: float = 5.0, height: float = 4.0) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0]


def collection_overview(table: pd.DataFrame) -> Any:
    """Accounts per collection and label (0 genuine, 1 inauthentic), as stacked bars."""
    counts = table.groupby(["collection", "label"]).size().unstack(fill_value=0).reindex(columns=[0, 1], fill_value=0)
    fig, (ax,) = _figure(width=7)
    counts.rename(columns={0: "genuine", 1: "inauthentic"}).plot.barh(stacked=True, ax=ax, color=["#4c72b0", "#dd8452"])
    ax.set_xlabel("accounts")
    ax.set_ylabel("")
    ax.set_title("Training collections")
    fig.tight_layout()
    return fig


def feature_by_collection(table: pd.DataFrame, column: str, *, log_scale: bool = True) -> Any:
    """Distribution of one canonical column per collection and label (box plots)."""
    fig, (ax,) = _figure(width=8)
    groups, names = [], []
    for (coll, label), part in table.groupby(["collection", "label"]):
        values = pd.to_numeric(part[column], errors="coerce").dropna().to_numpy(dtype=float)
        groups.append(np.log10(values + 1) if log_scale else values)
        names.append(f"{coll}\n{'inauthentic' if label else 'genuine'}")
    ax.boxplot(groups, showfliers=False)
    ax.set_xticks(range(1, len(names) + 1), names, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(f"log10({column} + 1)" if log_scale else column)
    fig.tight_layout()
    return fig


def roc_curves(scores: pd.DataFrame, *, by: str = "collection") -> Any:
    """ROC curve per group of a ``label``/``score`` table (e.g. per left-out collection)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    fig, (ax,) = _figure()
    for name, part in scores.groupby(by):
        if part["label"].nunique() < 2:
            continue
        fpr, tpr, _ = roc_curve(part["label"], part["score"])
        ax.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(part['label'], part['score']):.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    ax.set(xlabel="false positive rate (genuine called inauthentic)", ylabel="true positive rate", title="ROC")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def pr_curves(scores: pd.DataFrame, *, by: str = "collection") -> Any:
    """Precision-recall curve per group, with each group's base rate as a dotted line."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    fig, (ax,) = _figure()
    for name, part in scores.groupby(by):
        if part["label"].nunique() < 2:
            continue
        precision, recall, _ = precision_recall_curve(part["label"], part["score"])
        line = ax.plot(recall, precision, label=f"{name} (AP {average_precision_score(part['label'], part['score']):.3f})")
        ax.axhline(part["label"].mean(), color=line[0].get_color(), lw=0.8, ls=":")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall", ylim=(0, 1.02))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def calibration_curves(scores: pd.DataFrame, *, by: str = "collection", n_bins: int = 10) -> Any:
    """Reliability diagram per group: observed inauthentic rate against the mean score per bin."""
    from detector.metrics import calibration_bins

    fig, (ax,) = _figure()
    for name, part in scores.groupby(by):
        bins = pd.DataFrame(calibration_bins(part["label"].to_numpy(), part["score"].to_numpy(), n_bins))
        if len(bins):
            ax.plot(bins["mean_score"], bins["observed_rate"], marker="o", ms=3, label=str(name))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    ax.set(xlabel="mean score in bin", ylabel="observed share inauthentic", title="Calibration")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def post_timeline(scores: pd.DataFrame, posts: pd.DataFrame, *, freq: str = "1D", start: str | None = None, end: str | None = None) -> Any:
    """Posts per period on a real time axis: calls to action, other posts, and posts in a cluster.

    ``start``/``end`` (dates) limit the window shown; periods without posts show as gaps.
    """
    t = posts.set_index(posts["post_id"].astype(str))["created_at"]
    s = scores.assign(created_at=scores["post_id"].astype(str).map(t).to_numpy())
    if start is not None:
        s = s[s["created_at"] >= pd.Timestamp(start, tz="UTC")]
    if end is not None:
        s = s[s["created_at"] < pd.Timestamp(end, tz="UTC")]
    period = s["created_at"].dt.tz_convert(None).dt.floor(freq)
    calls = s["call_to_action"].astype(bool).to_numpy()
    n_calls = period[calls].value_counts().sort_index()
    n_other = period[~calls].value_counts().sort_index()
    n_clustered = period[s["cluster_ids"].notna().to_numpy()].value_counts().sort_index()
    width = pd.Timedelta(freq) * 0.8
    fig, (ax,) = _figure(width=9)
    ax.bar(n_other.index, n_other.to_numpy(), width=width, color="#8c8c8c", label="other post")
    ax.bar(n_calls.index, n_calls.to_numpy(), width=width, bottom=n_other.reindex(n_calls.index, fill_value=0).to_numpy(), color="#c44e52", label="call to action")
    if len(n_clustered):
        ax.plot(n_clustered.index, n_clustered.to_numpy(), "ko", ms=4, label="posts in a coordination cluster")
    ax.set(ylabel=f"posts per {freq}", title="Posts over time (UTC)")
    fig.autofmt_xdate()
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def cluster_accounts(memberships: pd.DataFrame) -> Any:
    """Which accounts are in which cluster: one row per account, one column per cluster."""
    if memberships.empty:
        fig, (ax,) = _figure()
        ax.text(0.5, 0.5, "no clusters", ha="center", va="center")
        ax.set_axis_off()
        return fig
    grid = pd.crosstab(memberships["account_id"], memberships["cluster_id"]).clip(upper=1)
    fig, (ax,) = _figure(width=max(4.0, 0.5 * grid.shape[1] + 3), height=max(3.0, 0.3 * grid.shape[0] + 1.5))
    ax.imshow(grid.to_numpy(), aspect="auto", cmap="Greys", vmin=0, vmax=1)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=7)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=7)
    ax.set_title("Accounts in each cluster")
    fig.tight_layout()
    return fig
