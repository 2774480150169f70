"""Word clusters learnt from unlabelled posts: which words are used alike, without a label.

This module owns the word representations of the call classifier (:mod:`detector.posts.call_model`,
``CallFeaturiser(clusters=True)``, session 13): a table that maps a word of the normalised text
(:func:`detector.posts.text.normalize_series`: both scripts folded, diacritics folded) to a cluster
id at two granularities, learnt once from the texts of unlabelled posts and never from a label.

Why: the classifier learns the weight of an n-gram only from the labelled posts, so a call written
with a synonym, another inflection or a place the labels never showed gets no weight. Words that
occur in the same contexts land in one cluster, and a weight learnt for one of them applies to all
(Brown-cluster features: Turian, Ratinov and Bengio 2010, "Word representations: a simple and general
method for semi-supervised learning"; Ratinov and Roth 2009 for clusters at several depths).

How (:func:`learn`): the tokens of each distinct text (the word n-grams' ``\\b\\w+\\b``); a vocabulary of
the tokens in at least :data:`MIN_TEXTS` distinct texts by at least :data:`MIN_AUTHORS` authors; their
co-occurrences within :data:`WINDOW` tokens; positive PMI with the context distribution smoothed by
:data:`ALPHA`, a truncated SVD of :data:`DIMENSIONS` dimensions with the singular values' square root
(Levy, Goldberg and Dagan 2015, "Improving distributional similarity with lessons learned from word
embeddings"); k-means of the unit-length word vectors at each of :data:`GRANULARITIES` (the 6- and 10-bit
prefixes of a Brown cluster path). Each cluster also gets an inverse document frequency over the
same texts.

What it ships (:func:`save`, :func:`load`): ``detector/data/word-clusters.npz``: the words (a list of
common words, never a text), their cluster ids and the clusters' idf; loaded with
``allow_pickle=False``.

It never reads post files (``bench/word_clusters.py`` does, and calls :func:`learn`), never reads a
label, and scikit-learn is imported only by :func:`learn`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from detector.errors import ModelError
from detector.posts import ngrams as ngrams_mod

log = logging.getLogger(__name__)

NAME = "word-clusters"
# Fixed before any labelled post was scored (notes of h81, 07:04 UTC, session 13); the reasons are in the module docstring.
MIN_TEXTS = 5
MIN_AUTHORS = 3
WINDOW = 5
ALPHA = 0.75
DIMENSIONS = 100
GRANULARITIES = (64, 1024)
KMEANS_INIT = 3
SEED = 10


def default_path() -> Path:
    """Where the shipped table lives: ``detector/data/word-clusters.npz``."""
    return Path(__file__).resolve().parents[1] / "data" / f"{NAME}.npz"


@dataclass
class WordClusters:
    """A word -> cluster table at several granularities, with each cluster's idf.

    Attributes
    ----------
    words : ndarray of str, shape (n_words,)
    ids : ndarray of int, shape (n_words, n_levels)
        The cluster of each word at each granularity (``0 <= id < sizes[level]``).
    sizes : tuple of int
        The number of clusters of each granularity.
    idf : list of ndarray
        Per granularity, the inverse document frequency of each cluster, ``log((n + 1) / (df + 1)) + 1``.
    """

    words: np.ndarray
    ids: np.ndarray
    sizes: tuple[int, ...]
    idf: list[np.ndarray]
    _index: pd.Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = pd.Index(self.words.astype(object))
        if self.ids.shape != (len(self.words), len(self.sizes)) or len(self.idf) != len(self.sizes):
            raise ValueError("ids must have one row per word and one column per granularity, idf one array per granularity")
        for lv, k in enumerate(self.sizes):
            if len(self.idf[lv]) != k or (len(self.words) and (self.ids[:, lv].min() < 0 or self.ids[:, lv].max() >= k)):
                raise ValueError(f"granularity {lv}: ids or idf do not fit {k} clusters")

    @property
    def n_columns(self) -> int:
        """Width of :meth:`matrix`: one column per cluster of every granularity."""
        return int(sum(self.sizes))

    def matrix(self, docs: list[str], tokens: tuple[list[str], np.ndarray] | None = None) -> sp.csr_matrix:
        """Bags of clusters of normalised texts: per granularity ``l2(sqrt(tf) * idf)``, each times ``1 / sqrt(levels)``.

        A row has unit length (like the n-gram block) unless no word of the text is in the table (then it is 0).
        ``tokens``: :func:`detector.posts.ngrams.tokens` of ``docs``, when the caller has them.
        """
        n = len(docs)
        flat, ntok = ngrams_mod.tokens(docs) if tokens is None else tokens
        idx = self._index.get_indexer(pd.Index(flat, dtype=object)) if len(flat) else np.zeros(0, dtype=np.int64)
        rows = np.repeat(np.arange(n), ntok)
        known = idx >= 0
        rows, idx = rows[known], idx[known]
        scale = np.float32(1 / np.sqrt(len(self.sizes)))
        blocks = []
        for lv, k in enumerate(self.sizes):
            X = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, self.ids[idx, lv])), shape=(n, k))
            X.sum_duplicates()
            X.data = np.sqrt(X.data) * self.idf[lv][X.indices]
            blocks.append(ngrams_mod.l2_rows(X))
        out = sp.hstack(blocks, format="csr", dtype=np.float32)
        out.data *= scale
        return out


def save(clusters: WordClusters, path: str | Path | None = None) -> Path:
    """Write the table as ``.npz`` (fixed-width unicode words, integer ids, float idf; no object arrays, no pickle)."""
    path = Path(path) if path is not None else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {"words": clusters.words.astype(str), "ids": clusters.ids.astype(np.int16), "sizes": np.array(clusters.sizes, dtype=np.int64)}
    arrays |= {f"idf_{lv}": a.astype(np.float32) for lv, a in enumerate(clusters.idf)}
    np.savez_compressed(path, **arrays)
    return path


def file_sha256(path: str | Path | None = None) -> str:
    """SHA-256 of a table file (the call model's card records the one it was trained with)."""
    return hashlib.sha256(Path(path if path is not None else default_path()).read_bytes()).hexdigest()


_CACHE: dict[str, WordClusters] = {}


def load(path: str | Path | None = None) -> WordClusters:
    """Load a table written by :func:`save` (cached per path).

    Raises
    ------
    ModelError
        When the file is missing, unreadable or inconsistent.
    """
    p = Path(path) if path is not None else default_path()
    key = str(p.resolve())
    if key in _CACHE:
        return _CACHE[key]
    t0 = time.perf_counter()
    try:
        with np.load(p, allow_pickle=False) as z:
            sizes = tuple(int(k) for k in z["sizes"])
            table = WordClusters(z["words"], z["ids"].astype(np.int64), sizes, [z[f"idf_{lv}"].astype(np.float32) for lv in range(len(sizes))])
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load the word clusters {p}: {exc}") from exc
    _CACHE[key] = table
    log.debug("loaded %d word clusters of %d words from %s in %.3f s", table.n_columns, len(table.words), p, time.perf_counter() - t0)
    return table


def vocabulary(toks: list[list[str]], text_id: np.ndarray, author: np.ndarray, min_texts: int = MIN_TEXTS, min_authors: int = MIN_AUTHORS) -> np.ndarray:
    """The tokens in at least ``min_texts`` distinct texts (``text_id``) written by at least ``min_authors`` authors, sorted."""
    ntok = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    flat = pd.Series([t for ts in toks for t in ts], dtype=object)
    df = pd.DataFrame({"tok": flat, "text": np.repeat(text_id, ntok), "author": np.repeat(author, ntok)})
    n_texts = df.drop_duplicates(["tok", "text"]).groupby("tok").size()
    n_authors = df.drop_duplicates(["tok", "author"]).groupby("tok").size()
    keep = (n_texts >= min_texts) & (n_authors.reindex(n_texts.index) >= min_authors)
    return np.sort(n_texts.index[keep].to_numpy(dtype=str))


def cooccurrence(docs_ids: list[np.ndarray], n_words: int, window: int = WINDOW) -> sp.csr_matrix:
    """Symmetric counts of word pairs at most ``window`` tokens apart within one text (out-of-vocabulary tokens removed first)."""
    lens = np.fromiter(map(len, docs_ids), dtype=np.int64, count=len(docs_ids))
    ids = np.concatenate(docs_ids) if len(docs_ids) else np.zeros(0, dtype=np.int64)
    doc = np.repeat(np.arange(len(docs_ids)), lens)
    M = sp.csr_matrix((n_words, n_words), dtype=np.float64)
    for off in range(1, window + 1):
        same = doc[off:] == doc[:-off]
        a, b = ids[:-off][same], ids[off:][same]
        ones = np.ones(len(a))
        M = M + sp.csr_matrix((ones, (a, b)), shape=(n_words, n_words)) + sp.csr_matrix((ones, (b, a)), shape=(n_words, n_words))
    return M.tocsr()


def ppmi(M: sp.csr_matrix, alpha: float = ALPHA) -> sp.csr_matrix:
    """Positive PMI of a co-occurrence matrix, the context distribution raised to ``alpha`` (Levy et al. 2015)."""
    M = M.tocoo()
    row = np.asarray(M.sum(axis=1)).ravel()
    col = np.asarray(M.sum(axis=0)).ravel() ** alpha
    # P(w, c) / (P(w) P_alpha(c)) = (n_wc / N) / ((n_w / N) (n_c^alpha / sum n^alpha)) = n_wc * sum n^alpha / (n_w * n_c^alpha)
    pmi = np.log(M.data * col.sum() / (row[M.row] * col[M.col]))
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep], (M.row[keep], M.col[keep])), shape=M.shape)


def learn(
    norm: pd.Series, author: pd.Series, granularities: tuple[int, ...] = GRANULARITIES, dimensions: int = DIMENSIONS, min_texts: int = MIN_TEXTS, min_authors: int = MIN_AUTHORS
) -> tuple[WordClusters, dict[str, int | float]]:
    """Learn the table from normalised texts and their authors (missing author: the post is its own); no label is read.

    Returns the table and a few counts of the corpus (texts, tokens, vocabulary) for the provenance. The
    defaults are the shipped table's settings; the others are for tests on small synthetic corpora.
    """
    from sklearn.cluster import KMeans
    from sklearn.utils.extmath import randomized_svd

    t0 = time.perf_counter()
    norm = pd.Series(norm.to_numpy(dtype=object)).fillna("").astype(str)
    auth = pd.Series(author.to_numpy(dtype=object)).astype("string")
    own = auth.isna() | (auth.str.strip() == "")
    auth = auth.where(~own, "post:" + pd.Series(np.arange(len(norm))).astype(str)).astype(str)
    text_id, distinct = pd.factorize(norm)
    toks = [ngrams_mod.TOKEN.findall(t) for t in norm]
    words = vocabulary(toks, text_id, auth.to_numpy(dtype=object), min_texts, min_authors)
    index = pd.Index(words.astype(object))
    log.info("word clusters: %d posts, %d distinct texts, vocabulary %d (%.0f s)", len(norm), len(distinct), len(words), time.perf_counter() - t0)
    first = np.unique(text_id, return_index=True)[1]
    # Each distinct text once: a copy is no new evidence of how words are used. One lookup of all their tokens at once.
    ntok = np.fromiter((len(toks[i]) for i in first), dtype=np.int64, count=len(first))
    flat = pd.Index([t for i in first for t in toks[i]], dtype=object)
    j = index.get_indexer(flat) if len(flat) else np.zeros(0, dtype=np.int64)
    docs_ids = [a[a >= 0].astype(np.int64) for a in np.split(j, np.cumsum(ntok)[:-1])]
    M = cooccurrence(docs_ids, len(words))
    P = ppmi(M)
    log.info("word clusters: %d co-occurring pairs, %d positive PMI (%.0f s)", M.nnz, P.nnz, time.perf_counter() - t0)
    # A word that never shares a window with another has no vector: it leaves the table.
    used = np.diff(P.indptr) > 0
    U, S, _ = randomized_svd(P, dimensions, random_state=SEED)
    vec = U * np.sqrt(S)
    norms = np.linalg.norm(vec, axis=1)
    used &= norms > 0
    vec = vec[used] / norms[used, None]
    kept = words[used]
    remap = np.full(len(words), -1, dtype=np.int64)
    remap[used] = np.arange(used.sum())
    ids = np.zeros((len(kept), len(granularities)), dtype=np.int64)
    for lv, k in enumerate(granularities):
        ids[:, lv] = KMeans(n_clusters=k, n_init=KMEANS_INIT, random_state=SEED).fit(vec).labels_
        log.info("word clusters: k-means of %d words into %d (%.0f s)", len(kept), k, time.perf_counter() - t0)
    # Each cluster's idf over the distinct texts, as the n-grams' idf.
    idf = []
    n = len(docs_ids)
    for lv, k in enumerate(granularities):
        rows = np.repeat(np.arange(n), [len(d) for d in docs_ids])
        w = remap[np.concatenate(docs_ids)] if n else np.zeros(0, dtype=np.int64)
        ok = w >= 0
        pairs = np.unique(rows[ok] * k + ids[w[ok], lv])
        df = np.bincount(pairs % k, minlength=k)
        idf.append((np.log((n + 1) / (df + 1)) + 1).astype(np.float32))
    stats = {"posts": int(len(norm)), "distinct_texts": int(len(distinct)), "tokens": int(sum(map(len, toks))),
             "vocabulary": int(len(words)), "words_kept": int(len(kept)), "pairs": int(M.nnz), "ppmi_nonzero": int(P.nnz),
             "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip
    log.info("word clusters: %s", stats)
    return WordClusters(kept, ids, tuple(granularities), idf), stats
