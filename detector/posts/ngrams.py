"""Hashed character and word n-grams of texts, as scikit-learn's ``HashingVectorizer`` makes them, without scikit-learn.

This module owns the n-gram counting of the call classifier (:mod:`detector.posts.call_model`):
character n-grams within word boundaries (``analyzer="char_wb"``) and word n-grams
(``token_pattern=r"(?u)\\b\\w+\\b"``), each hashed with MurmurHash3 (32-bit, seed 0, signed, as
``sklearn.utils.murmurhash3_32``) into ``abs(hash) % n_features``, and the l2 row normalisation of
``sklearn.preprocessing.normalize``. The matrices are sklearn's bit for bit (tested against it), so
a model trained with either scores alike. Why not sklearn itself: importing it (with scipy.stats)
costs one to two seconds of every posts job's start-up, and the hashing here runs on whole arrays
(numpy over the UTF-8 bytes of all n-grams at once) instead of one n-gram at a time.

It never reads files and holds no state.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import scipy.sparse as sp

_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
_TAIL_MASK = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF], dtype=np.uint32)
# sklearn's default token pattern for words, with Python's (Unicode) \w.
TOKEN = re.compile(r"(?u)\b\w+\b")


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def utf8(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of ``text``, and the byte offset of each of its characters (plus one for the end)."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    width = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
    offsets = np.zeros(len(cp) + 1, dtype=np.int64)
    np.cumsum(width, out=offsets[1:])
    return np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8), offsets


def murmur_spans(data: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """MurmurHash3 x86 32-bit (seed 0, as signed int32) of each byte span ``data[start:start + length]``.

    The spans are sorted by length, so that the i-th 4-byte block is computed only for the spans
    that reach it: the work is the total number of bytes over 4, in whole-array steps.
    """
    m = len(start)
    if not m:
        return np.zeros(0, dtype=np.int32)
    d = np.concatenate([data, np.zeros(4, dtype=np.uint8)]).astype(np.uint32)
    # The little-endian 32-bit word that starts at every byte (zeros past the end).
    w32 = d[:-3] | (d[1:-2] << np.uint32(8)) | (d[2:-1] << np.uint32(16)) | (d[3:] << np.uint32(24))
    keys = length.astype(np.uint16) if int(length.max()) < 65536 else length  # a stable sort of 16-bit keys is a radix sort
    order = np.argsort(keys, kind="stable")
    ln = length[order].astype(np.int64)
    st = start[order].astype(np.int64)
    h = np.zeros(m, dtype=np.uint32)
    with np.errstate(over="ignore"):
        i = 0
        while True:
            j0 = int(np.searchsorted(ln, 4 * i, side="right"))  # spans with a byte in block i
            if j0 >= m:
                break
            j1 = int(np.searchsorted(ln, 4 * i + 3, side="right"))  # from here on, block i is a whole block
            k = w32[st[j0:] + 4 * i]
            k[: j1 - j0] &= _TAIL_MASK[ln[j0:j1] - 4 * i]
            k = _rotl(k * _C1, 15) * _C2
            hh = h[j0:] ^ k
            hh[j1 - j0 :] = _rotl(hh[j1 - j0 :], 13) * np.uint32(5) + np.uint32(0xE6546B64)
            h[j0:] = hh
            i += 1
        h ^= ln.astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    out = np.empty(m, dtype=np.int32)
    out[order] = h.view(np.int32)
    return out


def _counts(rows: np.ndarray, data: np.ndarray, byte_start: np.ndarray, byte_end: np.ndarray, n_rows: int, n_features: int) -> sp.csr_matrix:
    h = murmur_spans(data, byte_start, byte_end - byte_start)
    cols = (np.abs(h.astype(np.int64)) % n_features).astype(np.int32)
    X = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_rows, n_features))
    X.sum_duplicates()
    return X


def char_wb_counts(words: list[str], ngram_range: tuple[int, int], n_features: int) -> sp.csr_matrix:
    """Counts (one row per word, float32) of ``HashingVectorizer(analyzer="char_wb", norm=None, alternate_sign=False)``.

    Each word (no white space in it) is padded with a space on both sides; for each n, every
    window of n characters is an n-gram, except that a padded word no longer than n is one n-gram,
    and then no longer n-grams are taken (sklearn's rule).
    """
    lo, hi = ngram_range
    padded = [" " + w + " " for w in words]
    L = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    first = np.zeros(len(padded) + 1, dtype=np.int64)
    np.cumsum(L, out=first[1:])
    data, off = utf8("".join(padded))
    rows, starts, lens = [], [], []
    done = np.zeros(len(padded), dtype=bool)
    for n in range(lo, hi + 1):
        many = ~done & (L > n)
        once = ~done & (L <= n)
        cnt = np.where(many, L - n + 1, 0)
        w = np.repeat(np.arange(len(padded)), cnt)
        pos = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        rows += [w, np.flatnonzero(once)]
        starts += [first[w] + pos, first[:-1][once]]
        lens += [np.full(len(w), n), L[once]]
        done |= once
    r, cs, cl = np.concatenate(rows), np.concatenate(starts), np.concatenate(lens)
    return _counts(r, data, off[cs], off[cs + cl], len(words), n_features)


def tokens(docs: list[str]) -> tuple[list[str], np.ndarray]:
    """The word tokens (:data:`TOKEN`) of all texts in one flat list, and how many each text has."""
    toks = [TOKEN.findall(d) for d in docs]
    ntok = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    return list(itertools.chain.from_iterable(toks)), ntok


def word_counts(docs: list[str], ngram_range: tuple[int, int], n_features: int, toks: tuple[list[str], np.ndarray] | None = None) -> sp.csr_matrix:
    """Counts (one row per text, float32) of ``HashingVectorizer(analyzer="word", token_pattern=r"(?u)\\b\\w+\\b", lowercase=False, norm=None, alternate_sign=False)``.

    An n-gram of words is the words joined by one space. ``toks``: :func:`tokens` of ``docs``, when the caller has them.
    """
    lo, hi = ngram_range
    flat, ntok = tokens(docs) if toks is None else toks
    n_all = int(ntok.sum())
    if n_all == 0:
        return sp.csr_matrix((len(docs), n_features), dtype=np.float32)
    # All tokens joined by one space (a token holds none): an n-gram of words is one span of it.
    joined = " ".join(flat)
    data, off = utf8(joined)
    spaces = np.flatnonzero(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) == 32)
    tstart = np.r_[0, spaces + 1]
    tend = np.r_[spaces, len(off) - 1]
    doc_of = np.repeat(np.arange(len(docs)), ntok)
    left = np.repeat(ntok, ntok) - (np.arange(n_all) - np.repeat(np.cumsum(ntok) - ntok, ntok))  # tokens from here to the text's end
    rows, s, e = [], [], []
    for n in range(lo, hi + 1):
        i = np.flatnonzero(left >= n)
        rows.append(doc_of[i])
        s.append(tstart[i])
        e.append(tend[i + n - 1])
    r, cs, ce = np.concatenate(rows), np.concatenate(s), np.concatenate(e)
    return _counts(r, data, off[cs], off[ce], len(docs), n_features)


def l2_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    """``sklearn.preprocessing.normalize(X, norm="l2")`` of a float32 CSR matrix, in place: squares in float32, summed in float64."""
    if X.nnz == 0:
        return X
    sq = (X.data * X.data).astype(np.float64)
    nonempty = np.diff(X.indptr) > 0
    sums = np.zeros(X.shape[0], dtype=np.float64)
    sums[nonempty] = np.add.reduceat(sq, X.indptr[:-1][nonempty])
    norms = np.sqrt(sums)
    norms[norms == 0] = 1.0
    X.data = (X.data / np.repeat(norms, np.diff(X.indptr))).astype(np.float32)
    return X
