"""detector.posts.ngrams: sklearn's HashingVectorizer matrices bit for bit, without importing scikit-learn to score.

Texts: the real IRA fixture (tests/fixtures/posts/ira_calls.csv) and edge cases written here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from detector.posts import ngrams
from detector.posts.text import normalize_series

FIXTURE = Path(__file__).parent / "fixtures" / "posts" / "ira_calls.csv"
EDGES = ["", "a", "x y", "ab  cd\tef", "protest protest protest", "ünïcode wörds ok", "😀😀 ë", "протест сутра у 18h", "q" * 700, "le t'i"]


def _docs() -> list[str]:
    real = normalize_series(pd.read_csv(FIXTURE)["content"].dropna().astype("string")).tolist()
    return real + EDGES


def _same(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    a, b = a.tocsr(), b.tocsr()
    return a.shape == b.shape and (a.indptr == b.indptr).all() and (a.indices == b.indices).all() and (a.data == b.data).all()


def test_murmurhash_of_byte_spans_is_sklearns() -> None:
    from sklearn.utils import murmurhash3_32

    words = ["", "a", "ab", "abc", "abcd", "abcde", "ë", "протест", "šetnja sutra", "x" * 37, " pr", "😀a"]
    data, off = ngrams.utf8(" ".join(words))
    starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]])
    lens = np.array([len(w) for w in words])
    got = ngrams.murmur_spans(data, off[starts], off[starts + lens] - off[starts])
    assert got.tolist() == [murmurhash3_32(w, seed=0) for w in words]
    # Fixed values (MurmurHash3 x86 32, seed 0): "" hashes to 0, "a" to 1009084850.
    assert got[:2].tolist() == [0, 1009084850]


@pytest.mark.parametrize("n_features", [2**10, 2**17])
def test_char_and_word_grams_equal_sklearns_hashing_vectorizer(n_features: int) -> None:
    from sklearn.feature_extraction.text import HashingVectorizer

    docs = _docs()
    words = sorted({w for d in docs for w in d.split()})
    ref = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=n_features, alternate_sign=False, norm=None, lowercase=False, dtype=np.float32)
    assert _same(ngrams.char_wb_counts(words, (2, 5), n_features), ref.transform(words))
    ref = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=n_features, alternate_sign=False, norm="l2", lowercase=False,
                            dtype=np.float32, token_pattern=r"(?u)\b\w+\b")  # fmt: skip
    assert _same(ngrams.l2_rows(ngrams.word_counts(docs, (1, 2), n_features)), ref.transform(docs))
    assert ngrams.word_counts(["", " "], (1, 2), 16).nnz == 0


def test_l2_rows_is_sklearns_normalize() -> None:
    from sklearn.preprocessing import normalize

    dense = sp.random(300, 50, density=0.1, format="csr", dtype=np.float32, random_state=0).toarray()
    dense[3] = 0  # an empty row stays empty
    X = sp.csr_matrix(dense)
    assert _same(ngrams.l2_rows(X.copy()), normalize(X.copy()))


def test_scoring_calls_does_not_import_sklearn() -> None:
    code = (
        "import sys, pandas as pd\n"
        "from detector.posts.calls import score_calls\n"
        "out = score_calls(pd.Series(['Pozivamo sve građane na protest sutra u 18h ispred Skupštine', 'Sot ka diell']))\n"
        "print(out['is_call'].tolist(), 'sklearn' in sys.modules, 'scipy.stats' in sys.modules)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[True, False] False False"
