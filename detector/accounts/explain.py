"""Exact per-feature explanations of the account model, and the plain-language reasons.

The account model is gradient-boosted trees read into plain arrays, in one of two families:

* :class:`AdditiveExplainer`: every tree uses one feature (``interaction_cst="no_interactions"``),
  so the log-odds are a sum of one function per feature, kept as lookup tables (bin edges and one
  value per bin). A feature's contribution is its function's value minus its training mean
  (for an additive model this is exactly the SHAP value).
* :class:`TreeExplainer`: shallow trees over any features, kept as complete binary trees. A
  feature's contribution is the sum of the moves its splits make along each row's paths (Saabas
  path contributions), which add up exactly to the log-odds minus the ensemble's mean.
* :class:`BlendExplainer`: the mean of such models, each on its own features; a feature's
  contribution is the mean of its contributions in the parts, so they still add up exactly.

Either gives the log-odds without scikit-learn.

This module owns contributions and reason wording. It never trains or reads files.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sklearn.ensemble import HistGradientBoostingClassifier


class AdditiveExplainer:
    """Lookup tables of a fitted no-interaction :class:`HistGradientBoostingClassifier`.

    Parameters
    ----------
    clf : HistGradientBoostingClassifier
        Fitted with ``interaction_cst="no_interactions"`` on a binary target.
    X_background : ndarray, optional
        Feature matrix whose mean contribution per feature is the reference (training data).
    baseline : ndarray, optional
        The reference itself, when it was computed before (a saved model).
    """

    #: The scikit-learn estimator the tables were read from, when there is one (not saved).
    booster: object = None

    def __init__(
        self,
        clf: HistGradientBoostingClassifier,
        X_background: np.ndarray | None = None,
        baseline: np.ndarray | None = None,
    ) -> None:
        n_features = clf.n_features_in_
        thresholds: list[list[float]] = [[] for _ in range(n_features)]
        trees: list[list[np.ndarray]] = [[] for _ in range(n_features)]
        self.intercept = float(np.ravel(clf._baseline_prediction)[0])
        for per_iter in clf._predictors:
            nodes = per_iter[0].nodes
            splits = nodes[~nodes["is_leaf"].astype(bool)]
            if len(splits) == 0:  # a lone leaf: a constant
                self.intercept += float(nodes["value"][0])
                continue
            features = np.unique(splits["feature_idx"])
            if len(features) != 1:
                raise ValueError("the model has feature interactions; explanations need an additive model")
            j = int(features[0])
            thresholds[j].extend(splits["num_threshold"].tolist())
            trees[j].append(nodes)
        self.thresholds = [np.unique(np.asarray(t, dtype="float64")) for t in thresholds]
        self.values: list[np.ndarray] = []
        self.nan_values = np.zeros(n_features)
        for j in range(n_features):
            t = self.thresholds[j]
            # Interval i is (t[i-1], t[i]]; the last is (t[-1], inf). Evaluate at a point inside each.
            points = np.concatenate([t, [np.inf]]) if len(t) else np.array([0.0])
            vals = np.zeros(len(points))
            nan_val = 0.0
            for nodes in trees[j]:
                vals += np.array([_walk(nodes, p) for p in points])
                nan_val += _walk(nodes, np.nan)
            self.values.append(vals)
            self.nan_values[j] = nan_val
        self.n_features = n_features
        if baseline is not None:
            self.baseline = np.asarray(baseline, dtype="float64")
        elif X_background is not None:
            self.baseline = self.raw_contributions(X_background).mean(axis=0)
        else:
            raise ValueError("give X_background or baseline")

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> AdditiveExplainer:
        """Rebuild from :meth:`to_arrays` (a saved model): no trees, no scikit-learn."""
        self = cls.__new__(cls)
        offsets = np.asarray(arrays["threshold_offsets"], dtype="int64")
        voffsets = np.asarray(arrays["value_offsets"], dtype="int64")
        edges = np.asarray(arrays["thresholds"], dtype="float64")
        values = np.asarray(arrays["values"], dtype="float64")
        self.n_features = len(offsets) - 1
        self.thresholds = [edges[offsets[j] : offsets[j + 1]] for j in range(self.n_features)]
        self.values = [values[voffsets[j] : voffsets[j + 1]] for j in range(self.n_features)]
        self.nan_values = np.asarray(arrays["nan_values"], dtype="float64")
        self.intercept = float(np.asarray(arrays["intercept"]).ravel()[0])
        self.baseline = np.asarray(arrays["baseline"], dtype="float64")
        for j in range(self.n_features):
            if len(self.values[j]) != max(len(self.thresholds[j]) + 1, 1):
                raise ValueError(f"feature {j}: {len(self.values[j])} values for {len(self.thresholds[j])} bin edges")
        if self.nan_values.shape != (self.n_features,) or self.baseline.shape != (self.n_features,):
            raise ValueError("missing-value or baseline table does not match the number of features")
        return self

    @classmethod
    def from_ebm(cls, ebm: Any, X_background: np.ndarray) -> AdditiveExplainer:
        """Lookup tables of a fitted interpret ``ExplainableBoostingClassifier`` without pairs.

        An EBM's main terms are already tables: cut points and one score per bin (plus one for a
        missing value). EBM bins are closed on the left (``x < cut``); the tables here are closed on
        the right (``x <= t``), so each cut moves to the largest float below it.
        """
        terms = ebm.term_features_
        if any(len(t) != 1 for t in terms):
            raise ValueError("the EBM has pairwise terms; explanations need an additive model")
        self = cls.__new__(cls)
        self.n_features = len(terms)
        self.thresholds, self.values = [], []
        self.nan_values = np.zeros(self.n_features)
        for j, (feature,) in enumerate(terms):
            cuts = np.asarray(ebm.bins_[feature][0], dtype="float64")
            scores = np.asarray(ebm.term_scores_[j], dtype="float64")
            self.thresholds.append(np.nextafter(cuts, -np.inf))
            self.values.append(scores[1 : len(cuts) + 2].copy())
            self.nan_values[j] = scores[0]
        self.intercept = float(np.ravel(ebm.intercept_)[0])
        self.baseline = self.raw_contributions(X_background).mean(axis=0)
        return self

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The tables as flat numeric arrays (for ``.npz``): ragged per-feature tables with offsets."""
        return {
            "thresholds": np.concatenate([*self.thresholds, np.zeros(0)]).astype("float64"),
            "threshold_offsets": np.cumsum([0, *(len(t) for t in self.thresholds)]).astype("int64"),
            "values": np.concatenate([*self.values, np.zeros(0)]).astype("float64"),
            "value_offsets": np.cumsum([0, *(len(v) for v in self.values)]).astype("int64"),
            "nan_values": self.nan_values.astype("float64"),
            "intercept": np.array([self.intercept], dtype="float64"),
            "baseline": self.baseline.astype("float64"),
        }

    def raw_contributions(self, X: np.ndarray) -> np.ndarray:
        """Each feature's function value at each row (log-odds units, uncentred)."""
        X = np.asarray(X, dtype="float64")
        out = np.empty_like(X)
        for j in range(self.n_features):
            x = X[:, j]
            t = self.thresholds[j]
            idx = np.searchsorted(t, x, side="left") if len(t) else np.zeros(len(x), dtype=int)
            idx = np.minimum(idx, len(self.values[j]) - 1)
            col = self.values[j][idx]
            nan = np.isnan(x)
            col[nan] = self.nan_values[j]
            out[:, j] = col
        return out

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(log_odds, contributions)``; contributions are centred on the training mean."""
        raw = self.raw_contributions(X)
        log_odds = self.intercept + raw.sum(axis=1)
        return log_odds, raw - self.baseline


class TreeExplainer:
    """An ensemble of shallow trees as plain arrays, scored without scikit-learn.

    Two kinds of ensemble are read into the same arrays: gradient-boosted trees (the log-odds are
    the sum of the trees' leaves plus an intercept; :meth:`__init__`) and averaged forests (the
    score is the mean of the trees' leaf probabilities; :meth:`from_forest`, each leaf divided by
    the number of trees, intercept 0).

    Every tree is padded to a complete binary tree of depth ``depth`` (a leaf above the last level
    becomes a split that sends every row to two copies of itself), laid out breadth first: node
    ``i`` has children ``2i+1`` and ``2i+2``. Nothing else is saved.

    Scoring: each value is first turned into its rank among its feature's split points (one
    ``searchsorted`` per feature). A tree that splits feature ``f`` at ``k`` points cuts that rank
    into ``k + 1`` intervals (and a missing value, when the tree sends it another way than any
    interval); the tree's leaf depends only on the cell of the grid of its features' intervals,
    so a small table of each tree maps every cell to its leaf. A row's leaf in a tree is then a
    few lookups and additions, whatever the tree's depth.

    Contributions are exact (Saabas path contributions): every node holds the mean of the leaves
    under it, weighted by their training rows; a split moves a row from its node's mean to its
    child's, and the move is credited to the split's feature. Along a row's path the moves add up
    to its leaf minus the tree's mean, so over all trees the contributions add up exactly to the
    output minus the ensemble's mean (``intercept + expected``).

    Parameters
    ----------
    clf : HistGradientBoostingClassifier
        Fitted on a binary target with ``max_depth`` set (the padding needs a bounded depth).
    """

    #: The scikit-learn estimator the arrays were read from, when there is one (not saved).
    booster: object = None
    #: The number missing values are replaced by before the trees (NaN: the trees route them).
    missing_as: float = float("nan")
    #: Whether values are rounded to float32 before the trees, as scikit-learn's forests do.
    float32: bool = False

    def __init__(self, clf: HistGradientBoostingClassifier) -> None:
        if clf.max_depth is None:
            raise ValueError("tree ensembles need a bounded max_depth to be stored as complete trees")
        trees = []
        for per_iter in clf._predictors:
            nodes = per_iter[0].nodes
            trees.append(
                (nodes["is_leaf"].astype(bool), nodes["left"], nodes["right"], nodes["feature_idx"], nodes["num_threshold"], nodes["missing_go_to_left"].astype(bool), _node_means(nodes))
            )
        self.n_features = int(clf.n_features_in_)
        self.intercept = float(np.ravel(clf._baseline_prediction)[0])
        self._complete(int(clf.max_depth), trees)
        self._prepare()

    @classmethod
    def from_forest(cls, forest: Any, missing_as: float = -1.0, leaf_log_odds: float | None = None) -> TreeExplainer:
        """An averaged forest (scikit-learn ``RandomForestClassifier`` or ``ExtraTreesClassifier``
        with ``max_depth`` set, binary target) fitted on features whose missing values were
        replaced by ``missing_as`` (NaN: left missing, each split sends them where the tree learnt).
        The output is the forest's ``predict_proba[:, 1]``; with ``leaf_log_odds`` (a share ``eps``),
        the mean of the trees' log-odds instead: each node's share of class 1 clipped to
        ``[eps, 1 - eps]`` (one clip for every node: each tree keeps its order) and read as log-odds."""
        if forest.max_depth is None:
            raise ValueError("forests need a bounded max_depth to be stored as complete trees")
        if list(forest.classes_) != [0, 1]:
            raise ValueError("forests must be fitted on labels 0 and 1")
        n_trees = len(forest.estimators_)
        trees = []
        for est in forest.estimators_:
            tr = est.tree_
            value = tr.value[:, 0, :].astype("float64")
            # a node's share of class 1 is the training-weighted mean of its leaves' shares
            p1 = value[:, 1] / value.sum(axis=1)
            if leaf_log_odds is not None:
                q = np.clip(p1, leaf_log_odds, 1.0 - leaf_log_odds)
                p1 = np.log(q) - np.log1p(-q)
            # with missing values left missing, each split's route for them as the tree learnt it
            missing_left = tr.missing_go_to_left.astype(bool) if np.isnan(missing_as) else np.ones(tr.node_count, dtype=bool)
            trees.append((tr.children_left < 0, tr.children_left, tr.children_right, tr.feature, tr.threshold, missing_left, p1 / n_trees))
        self = cls.__new__(cls)
        self.n_features = int(forest.n_features_in_)
        self.intercept = 0.0
        self.missing_as = float(missing_as)
        self.float32 = True  # scikit-learn's trees compare float32(x) with their thresholds
        self._complete(int(forest.max_depth), trees)
        self._prepare()
        return self

    def _complete(self, depth: int, trees: Sequence[tuple[Any, ...]]) -> None:
        """Lay ``trees`` (is_leaf, left, right, feature, threshold, missing_left, node mean) out as
        complete binary trees of ``depth``."""
        n_split, n_all = 2**depth - 1, 2 ** (depth + 1) - 1
        self.feature = np.zeros((len(trees), n_split), dtype="int64")
        self.threshold = np.full((len(trees), n_split), np.inf)
        self.missing_right = np.zeros((len(trees), n_split), dtype="int64")
        self.node_value = np.zeros((len(trees), n_all))
        for t, (is_leaf, left, right, feature, threshold, missing_left, means) in enumerate(trees):
            stack = [(0, 0, 0)]  # (source node, destination node, level)
            while stack:
                src, dst, level = stack.pop()
                self.node_value[t, dst] = means[src]
                if level == depth:
                    if not is_leaf[src]:
                        raise ValueError(f"tree {t} is deeper than max_depth={depth}")
                    continue
                if is_leaf[src]:  # padding: both children are this leaf
                    stack += [(src, 2 * dst + 1, level + 1), (src, 2 * dst + 2, level + 1)]
                    continue
                self.feature[t, dst] = int(feature[src])
                self.threshold[t, dst] = float(threshold[src])
                self.missing_right[t, dst] = 0 if missing_left[src] else 1
                stack += [(int(left[src]), 2 * dst + 1, level + 1), (int(right[src]), 2 * dst + 2, level + 1)]

    def _prepare(self) -> None:
        """Derived lookup tables (not saved: computed from the arrays on load)."""
        n_trees, n_split = self.feature.shape
        self.depth = int(round(np.log2(n_split + 1)))
        if 2**self.depth - 1 != n_split or self.node_value.shape != (n_trees, 2 ** (self.depth + 1) - 1):
            raise ValueError("tree arrays do not describe complete binary trees")
        if self.depth > 4:
            raise ValueError(f"trees of depth {self.depth}: at most 4 are supported (a table of cells per tree)")
        if (self.feature < 0).any() or (self.feature >= self.n_features).any():
            raise ValueError("a split names a feature the model does not have")
        n_leaves, F = 2**self.depth, self.n_features
        # A split at +inf that sends missing values left sends every row left: padding.
        real = ~(np.isposinf(self.threshold) & (self.missing_right == 0))
        finite = np.isfinite(self.threshold)
        self._cuts = [np.unique(self.threshold[(self.feature == j) & finite & real]) for j in range(F)]
        self._used = np.flatnonzero(np.bincount(self.feature[real], minlength=F) > 0)
        self._search = [np.concatenate([c, [np.inf]]) for c in self._cuts]
        self._leaf_value = self.node_value[:, n_split:]
        self.expected = float(self.node_value[:, 0].sum())
        # Each leaf's path contributions: the moves from parent to child, credited to the parent's feature.
        leaves = np.arange(n_leaves) + n_split
        child = np.broadcast_to(leaves, (n_trees, n_leaves)).copy()
        rows = np.arange(n_trees)[:, None]
        path = np.zeros((n_trees, n_leaves, F))
        for _ in range(self.depth):
            parent = (child - 1) // 2
            move = self.node_value[rows, child] - self.node_value[rows, parent]
            np.add.at(path, (rows, np.arange(n_leaves)[None, :], self.feature[rows, parent]), move)
            child = parent
        self._trees = [self._tabulate(t, real[t], path[t]) for t in range(n_trees)]

    def _tabulate(self, t: int, real: np.ndarray, path: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray, np.ndarray]:
        """Tree ``t`` as (its features, per feature a table code -> cell offset, cell -> leaf, per
        feature the path contribution of each leaf)."""
        used = np.unique(self.feature[t][real])
        reps, tables = [], []
        for f in used:
            at = real & (self.feature[t] == f)
            thr = np.unique(self.threshold[t][at][np.isfinite(self.threshold[t][at])])
            # interval r holds the values in (thr[r-1], thr[r]]; the last one, everything above
            rep = np.concatenate([thr, [np.inf]])
            route = rep[:, None] > self.threshold[t][at][None, :]
            nan_route = self.missing_right[t][at].astype(bool)
            local = np.searchsorted(np.searchsorted(self._cuts[f], thr), np.arange(len(self._cuts[f]) + 1), side="left")
            same = np.flatnonzero((route == nan_route).all(axis=1))
            if not np.isnan(self.missing_as):  # missing values were replaced by a number
                nan_cell = int(local[np.searchsorted(self._cuts[f], self.missing_as, side="left")])
            elif len(same):
                nan_cell = int(same[0])
            else:  # missing values go their own way at some split: a cell of their own
                nan_cell = len(rep)
                rep = np.concatenate([rep, [np.nan]])
            tables.append(np.concatenate([local, [nan_cell]]).astype(np.intp))
            reps.append(rep)
        sizes = [len(r) for r in reps]
        n_cells = int(np.prod(sizes)) if sizes else 1
        if n_cells > _MAX_CELLS:
            raise ValueError(f"tree {t} cuts its features into {n_cells:,} cells: more than {_MAX_CELLS:,}")
        strides = [int(np.prod(sizes[i + 1 :])) for i in range(len(sizes))]
        tables = [tab * s for tab, s in zip(tables, strides, strict=True)]
        # the leaf of every cell: a value of each cell, routed through the tree
        grid = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), dtype=int)
        X = np.zeros((n_cells, self.n_features))
        for i, f in enumerate(used):
            X[:, f] = reps[i][grid[i]]
        node = np.zeros(n_cells, dtype=np.intp)
        for _ in range(self.depth):
            x = X[np.arange(n_cells), self.feature[t, node]]
            right = np.where(np.isnan(x), self.missing_right[t, node] == 1, x > self.threshold[t, node])
            node = 2 * node + 1 + right
        leaf_of_cell = (node - len(self.feature[t])).astype(np.intp)
        return used, tables, leaf_of_cell, np.ascontiguousarray(path[:, used].T)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TreeExplainer:
        """Rebuild from :meth:`to_arrays` (a saved model): no scikit-learn."""
        self = cls.__new__(cls)
        self.feature = np.asarray(arrays["tree_feature"], dtype="int64")
        self.threshold = np.asarray(arrays["tree_threshold"], dtype="float64")
        self.missing_right = np.asarray(arrays["tree_missing_right"], dtype="int64")
        self.node_value = np.asarray(arrays["tree_node_value"], dtype="float64")
        self.intercept = float(np.asarray(arrays["intercept"]).ravel()[0])
        self.n_features = int(np.asarray(arrays["n_features"]).ravel()[0])
        if "tree_missing_as" in arrays:
            self.missing_as = float(np.asarray(arrays["tree_missing_as"]).ravel()[0])
        if "tree_float32" in arrays:
            self.float32 = bool(np.asarray(arrays["tree_float32"]).ravel()[0])
        if self.feature.ndim != 2 or self.threshold.shape != self.feature.shape or self.missing_right.shape != self.feature.shape:
            raise ValueError("split arrays differ in shape")
        self._prepare()
        return self

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {
            "tree_feature": self.feature.astype("int64"),
            "tree_threshold": self.threshold.astype("float64"),
            "tree_missing_right": self.missing_right.astype("int64"),
            "tree_node_value": self.node_value.astype("float64"),
            "intercept": np.array([self.intercept], dtype="float64"),
            "n_features": np.array([self.n_features], dtype="int64"),
        }
        if not np.isnan(self.missing_as):
            arrays["tree_missing_as"] = np.array([self.missing_as], dtype="float64")
        if self.float32:
            arrays["tree_float32"] = np.array([1], dtype="int64")
        return arrays

    def codes(self, X: np.ndarray) -> np.ndarray:
        """Each value's rank among its feature's split points, ``(features, rows)``; a missing
        value is one above the highest rank. Features no tree splits on are left at 0."""
        X = np.asarray(X, dtype="float64")
        if self.float32:
            X = X.astype(np.float32)
        XT = np.ascontiguousarray(X.T, dtype="float64")
        out = np.zeros((self.n_features, XT.shape[1]), dtype=np.intp)
        for j in self._used:
            # the split points end in +inf: numpy sorts NaN above +inf, so a missing value ranks
            # one above every number (+inf included) without a separate test
            out[j] = np.searchsorted(self._search[j], XT[j], side="left")
        return out

    def leaves(self, X: np.ndarray) -> np.ndarray:
        """The leaf (0 .. 2**depth - 1) of every row in every tree: ``(trees, rows)``."""
        codes = self.codes(X)
        return np.array([self._leaf(codes, tree) for tree in self._trees]).reshape(len(self._trees), len(codes[0]))

    @staticmethod
    def _leaf(codes: np.ndarray, tree: tuple[np.ndarray, list[np.ndarray], np.ndarray, np.ndarray]) -> np.ndarray:
        used, tables, leaf_of_cell, _ = tree
        if len(used) == 0:
            return np.zeros(codes.shape[1], dtype=np.intp)
        cell = tables[0][codes[used[0]]]
        for f, table in zip(used[1:], tables[1:], strict=True):
            cell += table[codes[f]]
        return leaf_of_cell[cell]

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(output, contributions)``; the contributions add up to ``output - intercept - expected``.

        The output is the log-odds of a boosted ensemble, the mean probability of a forest."""
        X = np.asarray(X, dtype="float64")
        out = np.empty(len(X))
        contrib = np.empty((len(X), self.n_features))
        for start in range(0, len(X), _BLOCK):  # blocks keep the temporary arrays in cache
            stop = min(start + _BLOCK, len(X))
            out[start:stop], contrib[start:stop] = self._block(X[start:stop])
        return out, contrib

    def _block(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes = self.codes(X)
        contrib = np.zeros((self.n_features, len(X)))
        total = np.full(len(X), self.intercept)
        for t, tree in enumerate(self._trees):
            leaf = self._leaf(codes, tree)
            total += self._leaf_value[t][leaf]
            for f, moves in zip(tree[0], tree[3], strict=True):
                contrib[f] += moves[leaf]
        return total, contrib.T


class BlendExplainer:
    """The mean of several models, each on its own columns of the blend's features.

    The output is the weighted mean of the parts' outputs (log-odds); a feature's contribution is
    the weighted mean of its contributions in the parts that use it (0 in a part without it). Each
    part's contributions add up exactly to its output minus its reference, so the blend's add up
    exactly to its output minus the weighted mean of the references: the reasons stay exact.

    Parameters
    ----------
    parts : list of AdditiveExplainer or TreeExplainer
        The fitted parts (boosted, so that their outputs are all log-odds).
    columns : list of ndarray
        For each part, the indices of its features among the blend's features.
    n_features : int
        Number of the blend's features.
    weights : ndarray, optional
        Weight of each part; equal weights by default.
    """

    #: The fitted estimators the parts were read from, when there are some (not saved).
    booster: object = None

    def __init__(self, parts: Sequence[AdditiveExplainer | TreeExplainer | BlendExplainer], columns: Sequence[np.ndarray], n_features: int, weights: np.ndarray | None = None) -> None:
        if len(parts) != len(columns) or not parts:
            raise ValueError("a blend needs one column list per part, and at least one part")
        self.parts = list(parts)
        self.columns = [np.asarray(c, dtype=np.intp) for c in columns]
        self.n_features = int(n_features)
        self.weights = np.full(len(parts), 1.0 / len(parts)) if weights is None else np.asarray(weights, dtype="float64")
        if self.weights.shape != (len(parts),):
            raise ValueError("one weight per part")
        for part, cols in zip(self.parts, self.columns, strict=True):
            if part.n_features != len(cols) or (len(cols) and (cols.min() < 0 or cols.max() >= self.n_features)):
                raise ValueError("a part's columns do not match its features")

    def contributions(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(log_odds, contributions)``: the weighted means of the parts'."""
        X = np.asarray(X, dtype="float64")
        z = np.zeros(len(X))
        contrib = np.zeros((len(X), self.n_features))
        for part, cols, w in zip(self.parts, self.columns, self.weights, strict=True):
            at = _as_slice(cols)  # a run of columns (as the shipped blend's parts are) is taken without a copy
            zp, cp = part.contributions(X[:, at])
            z += w * zp
            contrib[:, at] += w * cp
        return z, contrib

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The parts' arrays, each name prefixed ``part<i>_``, and the columns and weights."""
        out: dict[str, np.ndarray] = {}
        for i, part in enumerate(self.parts):
            out.update({f"part{i}_{k}": v for k, v in part.to_arrays().items()})
        out["blend_columns"] = np.concatenate([*self.columns, np.zeros(0, dtype=np.intp)]).astype("int64")
        out["blend_column_offsets"] = np.cumsum([0, *(len(c) for c in self.columns)]).astype("int64")
        out["blend_weights"] = self.weights.astype("float64")
        out["blend_n_features"] = np.array([self.n_features], dtype="int64")
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> BlendExplainer:
        """Rebuild from :meth:`to_arrays` (a saved model): no scikit-learn."""
        weights = np.asarray(arrays["blend_weights"], dtype="float64")
        offsets = np.asarray(arrays["blend_column_offsets"], dtype="int64")
        cols = np.asarray(arrays["blend_columns"], dtype="int64")
        if len(offsets) != len(weights) + 1 or offsets[0] != 0 or offsets[-1] != len(cols) or (np.diff(offsets) < 0).any():
            raise ValueError("blend column offsets do not match its parts")
        parts: list[AdditiveExplainer | TreeExplainer | BlendExplainer] = []
        for i in range(len(weights)):
            prefix = f"part{i}_"
            own = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
            parts.append(TreeExplainer.from_arrays(own) if "tree_feature" in own else AdditiveExplainer.from_arrays(own))
        n = int(np.asarray(arrays["blend_n_features"]).ravel()[0])
        return cls(parts, [cols[offsets[i] : offsets[i + 1]] for i in range(len(weights))], n, weights)


def _as_slice(cols: np.ndarray) -> slice | np.ndarray:
    """``cols`` as a slice when they are consecutive columns in order (the same columns, no copy)."""
    if len(cols) and np.array_equal(cols, np.arange(cols[0], cols[0] + len(cols))):
        return slice(int(cols[0]), int(cols[0]) + len(cols))
    return cols


# Rows scored at once by TreeExplainer (its temporary arrays are a few numbers per row).
_BLOCK = 8192
# Cells of one tree's table (cell -> leaf): bounds the memory a damaged or too deep model could take.
_MAX_CELLS = 1 << 20


def _node_means(nodes: np.ndarray) -> np.ndarray:
    """Each node's mean leaf value, weighted by the training rows that reached each leaf."""
    means = nodes["value"].astype("float64").copy()
    counts = nodes["count"].astype("float64").copy()

    def visit(i: int) -> tuple[float, float]:
        if nodes["is_leaf"][i]:
            return means[i] * counts[i], counts[i]
        ls, lc = visit(int(nodes["left"][i]))
        rs, rc = visit(int(nodes["right"][i]))
        total = lc + rc
        means[i] = (ls + rs) / total if total > 0 else 0.0
        return ls + rs, total

    visit(0)
    return means


def _walk(nodes: np.ndarray, x: float) -> float:
    i = 0
    while not nodes["is_leaf"][i]:
        if np.isnan(x):
            go_left = bool(nodes["missing_go_to_left"][i])
        else:
            go_left = x <= nodes["num_threshold"][i]
        i = int(nodes["left"][i] if go_left else nodes["right"][i])
    return float(nodes["value"][i])


# ---------------------------------------------------------------------------------------------
# Reason wording. Each template gets the feature values of the rows it describes and returns text.

UP = "↑"  # raises suspicion
DOWN = "↓"  # lowers suspicion


class _Template:
    """The words for one feature's values: ``template(values)`` gives them as a Series of text;
    ``template.parts(values)`` as pieces (Arrow text, or one text for every value) that joined make
    them, so that a caller joins them once with its own pieces (Arrow's string kernels, not per value)."""

    def __call__(self, v: np.ndarray) -> pd.Series:
        return pd.Series(_join(*self.parts(np.asarray(v, dtype="float64"))).to_numpy(zero_copy_only=False), dtype=object)

    def parts(self, v: np.ndarray) -> list[Any]:
        raise NotImplementedError


class _Num(_Template):
    """A template whose ``{}`` takes the value; ``{s}`` becomes "s" unless the value is exactly 1.

    The value's format is one of ``{:,.Nf}``, ``{:.Nf}`` or ``{:.N%}``, written as Python writes it.
    """

    def __init__(self, fmt: str) -> None:
        m = re.fullmatch(r"(.*?)\{:(,?)\.(\d)([f%])\}(.*)", fmt, flags=re.DOTALL)
        if m is None:
            raise ValueError(f"unsupported number template {fmt!r}")
        self.fmt = fmt
        self.prefix, self.suffix = m.group(1), m.group(5)
        self.spec = fmt[m.end(1) + 2 : m.start(5) - 1]  # ",.0f", ".0%"
        self.thousands, self.decimals, self.percent = m.group(2) == ",", int(m.group(3)), m.group(4) == "%"

    def parts(self, v: np.ndarray) -> list[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        ending: Any = self.suffix.replace("{s}", "s")
        if "{s}" in self.suffix:
            ending = pc.if_else(pa.array(v == 1), self.suffix.replace("{s}", ""), ending)
        return [self.prefix, *_fixed(v, self.spec, self.decimals, self.percent, self.thousands), ending]


def _num(fmt: str) -> _Num:
    return _Num(fmt)


def _fixed(v: np.ndarray, spec: str, decimals: int, percent: bool, thousands: bool) -> list[Any]:
    """``format(x, spec)`` of every value for fixed-point ``spec`` (``,.2f``, ``.0%``), as pieces to join.

    Python rounds the exact binary value half to even. ``rint`` of the value scaled by ``10**decimals``
    does the same unless the scaling itself rounded across a half (or the value is one): those few
    values, and negative, huge or non-finite ones, are formatted by Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    x = v * 100.0 if percent else v  # Python's "%" multiplies the float by 100 the same way
    scaled = x * 10.0**decimals if decimals else x
    with np.errstate(invalid="ignore"):
        q = np.rint(scaled)
        ok = np.isfinite(scaled) & (x >= 0) & (q < 2.0**52)  # -0.0 too: written "0", never "-0"
        if decimals:  # scaling by 10**decimals rounds: keep away from the halves
            ok &= np.abs(scaled - np.floor(scaled) - 0.5) > 1e-9 * np.maximum(scaled, 1.0)
    whole = np.where(ok, q, 0.0).astype(np.int64)
    unit = 10**decimals
    parts = _grouped(whole // unit) if thousands else [pc.cast(pa.array(whole // unit), pa.large_string())]
    if decimals:
        parts += [".", pc.utf8_lpad(pc.cast(pa.array(whole % unit), pa.large_string()), width=decimals, padding="0")]
    if percent:
        parts.append("%")
    if ok.all():
        return parts
    others = pa.array([format(x, spec) for x in v[~ok].tolist()], type=pa.large_string())
    return [pc.replace_with_mask(_join(*parts), pa.array(~ok), others)]


def _grouped(n: np.ndarray) -> list[Any]:
    """Whole numbers >= 0 written with a comma every three digits (``1,234,567``), as pieces to join:
    the leading group, then for each lower group a comma and three digits where the number has it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    groups = np.ones(len(n), dtype=np.int64)
    while (more := n >= 1000**groups).any():
        groups += more
    empty = pa.scalar("", pa.large_string())
    parts: list[Any] = [pc.cast(pa.array(n // 1000 ** (groups - 1)), pa.large_string())]
    for level in range(int(groups.max(initial=1)) - 2, -1, -1):
        has = pa.array(groups > level + 1)
        three = pc.utf8_lpad(pc.cast(pa.array(n // 1000**level % 1000), pa.large_string()), width=3, padding="0")
        parts += [pc.if_else(has, pa.scalar(",", pa.large_string()), empty), pc.if_else(has, three, empty)]
    return parts


def _join(*parts: Any) -> Any:
    """Arrow text of each row: ``parts`` (arrays of text, or one text for all rows) joined."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(
        *(pa.scalar(p, pa.large_string()) if isinstance(p, str) else p.cast(pa.large_string()) for p in parts),
        pa.scalar("", pa.large_string()),
    )


class _Choice(_Template):
    def __init__(self, when_true: str, when_false: str) -> None:
        self.when_true, self.when_false = when_true, when_false

    def parts(self, v: np.ndarray) -> list[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        return [pc.if_else(pa.array(v > 0.5), pa.scalar(self.when_true, pa.large_string()), pa.scalar(self.when_false, pa.large_string()))]


def _choice(when_true: str, when_false: str) -> _Choice:
    return _Choice(when_true, when_false)


class _Description(_Num):
    def __init__(self) -> None:
        super().__init__("{:,.0f}-character profile description")

    def parts(self, v: np.ndarray) -> list[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        return [pc.if_else(pa.array(v > 0), _join(*super().parts(v)), pa.scalar("no profile description", pa.large_string()))]


class _Likelihood(_Choice):
    def parts(self, v: np.ndarray) -> list[Any]:
        return super().parts(np.where(v < 0.05, 1.0, 0.0))


_description = _Description()
_likelihood = _Likelihood("screen name made of unusual letter pairs", "screen name made of ordinary letter pairs")


TEMPLATES: dict[str, _Template] = {
    "statuses_count": _num("{:,.0f} post{s} in total"),
    "followers_count": _num("{:,.0f} follower{s}"),
    "friends_count": _num("follows {:,.0f} account{s}"),
    "favourites_count": _num("{:,.0f} like{s} given"),
    "listed_count": _num("on {:,.0f} public list{s}"),
    "default_profile": _choice("default profile theme", "customised profile theme"),
    "profile_use_background_image": _choice("uses a background image", "no background image"),
    "verified": _choice("verified", "not verified"),
    "tweet_freq": _num("{:,.1f} posts a day since it was created"),
    "followers_growth_rate": _num("gained {:,.1f} followers a day"),
    "friends_growth_rate": _num("followed {:,.1f} new accounts a day"),
    "favourites_growth_rate": _num("{:,.1f} likes a day"),
    "listed_growth_rate": _num("added to {:,.2f} lists a day"),
    "followers_friends_ratio": _num("{:,.2f} followers per account it follows"),
    "screen_name_length": _num("{:,.0f}-character screen name"),
    "num_digits_in_screen_name": _num("{:,.0f} digit{s} in the screen name"),
    "name_length": _num("{:,.0f}-character display name"),
    "num_digits_in_name": _num("{:,.0f} digit{s} in the display name"),
    "description_length": _description,
    "screen_name_likelihood": _likelihood,
    "account_age_days": _num("created {:,.0f} day{s} before it was observed"),
    "default_profile_image": _choice("default profile image", "own profile image"),
    "has_url": _choice("link in the profile", "no link in the profile"),
    "has_location": _choice("gives a location", "no location given"),
    "likes_per_post": _num("{:,.2f} likes given per post"),
    "listed_per_1k_followers": _num("on {:,.1f} public lists per 1,000 followers"),
    "followers_per_post": _num("{:,.2f} followers per post"),
    "profile_completeness": _num("profile {:.0%} filled in (description, link, location, own image, own theme)"),
    "description_words": _num("{:,.0f} word{s} in the profile description"),
    "description_bot_words": _choice("description says it is automated (bot, automated, generator...)", "description does not say it is automated"),
    "name_screen_name_similarity": _num("display name and screen name {:.0%} alike"),
    "screen_name_entropy": _num("screen name of {:,.1f} bits of letter variety"),
    "screen_name_trailing_digits": _num("screen name ends in {:,.0f} digit{s}"),
}

# Which canonical input fields each feature needs (to say what was missing).
INPUTS: dict[str, tuple[str, ...]] = {
    "statuses_count": ("statuses_count",),
    "followers_count": ("followers_count",),
    "friends_count": ("friends_count",),
    "favourites_count": ("favourites_count",),
    "listed_count": ("listed_count",),
    "default_profile": ("default_profile",),
    "profile_use_background_image": ("profile_use_background_image",),
    "verified": ("verified",),
    "tweet_freq": ("statuses_count", "created_at"),
    "followers_growth_rate": ("followers_count", "created_at"),
    "friends_growth_rate": ("friends_count", "created_at"),
    "favourites_growth_rate": ("favourites_count", "created_at"),
    "listed_growth_rate": ("listed_count", "created_at"),
    "followers_friends_ratio": ("followers_count", "friends_count"),
    "screen_name_length": ("screen_name",),
    "num_digits_in_screen_name": ("screen_name",),
    "name_length": ("name",),
    "num_digits_in_name": ("name",),
    "description_length": ("description",),
    "screen_name_likelihood": ("screen_name",),
    "account_age_days": ("created_at",),
    "default_profile_image": ("default_profile_image",),
    "has_url": ("url",),
    "has_location": ("location",),
    "likes_per_post": ("favourites_count", "statuses_count"),
    "listed_per_1k_followers": ("listed_count", "followers_count"),
    "followers_per_post": ("followers_count", "statuses_count"),
    "profile_completeness": ("description", "url", "location", "default_profile_image", "default_profile"),
    "description_words": ("description",),
    "description_bot_words": ("description",),
    "name_screen_name_similarity": ("name", "screen_name"),
    "screen_name_entropy": ("screen_name",),
    "screen_name_trailing_digits": ("screen_name",),
}


def reasons(
    X: np.ndarray,
    contributions: np.ndarray,
    feature_names: list[str],
    top: int = 3,
    min_effect: float = 0.05,
) -> pd.Series:
    """Up to ``top`` plain-language reasons per row, strongest first, with their direction (text).

    A feature is named when its contribution moves the log-odds by at least ``min_effect``.
    Reasons are joined with ``"; "``; ``↑`` raises suspicion, ``↓`` lowers it. Missing inputs are
    listed after them (``missing: followers_count, created_at``). Of features that move a row
    equally, the one earlier in ``feature_names`` comes first.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n, p = contributions.shape
    strength = np.abs(contributions)
    strength[np.isnan(X)] = 0.0  # a missing feature is reported as missing, not as a reason
    k = min(top, p)
    order, chosen = _strongest(strength, k)  # (rows, k) each
    kept = chosen >= min_effect  # a prefix of each row
    # Every chosen (row, slot) is worded at once per feature, by Arrow's string kernels: Python or
    # pandas string operations per row would cost more than the model.
    rows, slots = np.nonzero(kept)
    features = order[rows, slots]
    # (small integers sort stably by radix: several times faster than 64-bit ones, same order)
    by_feature = np.argsort(features.astype(np.int16) if p < 2**15 else features, kind="stable")
    rows, slots, features = rows[by_feature], slots[by_feature], features[by_feature]
    starts = np.flatnonzero(np.r_[True, features[1:] != features[:-1]]).tolist() if len(features) else []
    worded = []
    for a, b in zip(starts, [*starts[1:], len(features)][: len(starts)], strict=True):
        j, picked = int(features[a]), rows[a:b]
        arrows = pc.if_else(pa.array(contributions[picked, j] > 0), _UP, _DOWN)
        worded.append(_join(arrows, *_words(TEMPLATES[feature_names[j]], X[picked, j])))
    every = pa.concat_arrays([*worded, pa.array([""], pa.large_string())])  # the last: no reason
    where = np.full((n, k), len(every) - 1, dtype=np.int64)
    where[rows, slots] = np.arange(len(rows))
    # The reasons of a row are a prefix of its slots: each slot after the first is led by "; ".
    separators = pa.array(["", "; "], pa.large_string())
    parts: list[Any] = []
    for r in range(k):
        if r:
            parts.append(separators.take(pa.array(kept[:, r].astype(np.int8))))
        parts.append(every.take(pa.array(where[:, r])))
    missing = _missing_inputs(X, feature_names)
    if missing is not None:
        tail = missing.to_numpy(dtype=object)
        if k:
            parts.append(separators.take(pa.array((kept[:, 0] & (tail != "")).astype(np.int8))))
        parts.append(pa.array(tail, pa.large_string()))
    if not parts:
        return pd.Series(pa.array([""] * n, pa.large_string()), dtype="string")
    # (Not binary_join_element_wise's null_handling="skip": pyarrow 26 drops rows that are null throughout.)
    return pd.Series(_join(*parts), dtype="string")  # Arrow text stays Arrow text: no Python string per row


def _words(template: Any, values: np.ndarray) -> list[Any]:
    import pyarrow as pa

    if isinstance(template, _Template):
        return template.parts(values)
    return [pa.array(template(values).to_numpy(dtype=object), pa.large_string())]  # any callable giving a Series


_UP, _DOWN = UP + " ", DOWN + " "


def _strongest(strength: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The columns of the ``k`` largest values of each row, largest first, earlier columns first
    among equals, NaN last (the first ``k`` of a stable descending sort, for a fraction of its
    cost), and those values (NaN as -1). ``strength`` (all >= 0 or NaN) is used up."""
    s = strength
    s[np.isnan(s)] = -1.0  # below every strength, as a sort puts NaN last
    order = np.empty((len(s), k), dtype=np.intp)
    values = np.empty((len(s), k))
    at = np.arange(len(s))
    for r in range(k):
        order[:, r] = j = s.argmax(axis=1)  # the first of equals
        values[:, r] = s[at, j]
        s[at, j] = -2.0  # taken: below the NaNs too
    return order, values


def _missing_inputs(X: np.ndarray, feature_names: list[str]) -> pd.Series | None:
    nan = np.isnan(X)
    if not nan.any():
        return None
    # Name the input fields, not the derived features: "created_at", not "tweet_freq".
    fields: dict[str, list[int]] = {}
    for j, name in enumerate(feature_names):
        for field in INPUTS.get(name, (name,)):
            fields.setdefault(field, []).append(j)
    names = list(fields)
    gone = np.column_stack([nan[:, cols].all(axis=1) for cols in fields.values()])
    # Each row's pattern of missing fields as one integer (a bit per field): few distinct ones.
    code = np.zeros(len(X), dtype=object if len(names) > 62 else np.int64)
    for i in range(len(names)):
        code |= gone[:, i].astype(code.dtype) << i
    patterns, inverse = np.unique(code, return_inverse=True)
    labels = np.array(
        [
            "missing: " + ", ".join(f for i, f in enumerate(names) if (int(pat) >> i) & 1) if pat else ""
            for pat in patterns.tolist()
        ],
        dtype=object,
    )
    return pd.Series(labels[np.ravel(inverse)], dtype=object)
