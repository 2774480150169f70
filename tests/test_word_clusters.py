"""Word clusters learnt from unlabelled text (detector.posts.word_clusters), and the call model's cluster block.

Every text here is synthetic, written for these tests; the expected values are written out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from detector.errors import ModelError
from detector.posts import call_model as cm
from detector.posts import ngrams
from detector.posts import word_clusters as wc


def small_table() -> wc.WordClusters:
    # words: protest, protesta, miting, koncert; level 0: 2 clusters, level 1: 3 clusters
    words = np.array(["koncert", "miting", "protest", "protesta"])
    ids = np.array([[1, 2], [0, 0], [0, 0], [0, 1]])
    return wc.WordClusters(words, ids, (2, 3), [np.array([1.0, 2.0], dtype=np.float32), np.array([1.0, 1.0, 1.0], dtype=np.float32)])


def test_vocabulary_counts_distinct_texts_and_authors() -> None:
    # One text written by three authors, three more texts: 4 distinct texts.
    texts = ["a b c", "a b c", "a b c", "a b d", "a b e", "a b c f"]
    authors = np.array(["x", "y", "z", "x", "x", "w"], dtype=object)
    toks = [t.split() for t in texts]
    text_id = pd.factorize(pd.Series(texts))[0]
    # "a", "b": 4 distinct texts, 4 authors; "c": 2 distinct texts ("a b c" counts once), 4 authors; "d", "e", "f": 1 and 1.
    assert list(wc.vocabulary(toks, text_id, authors, min_texts=4, min_authors=3)) == ["a", "b"]
    assert list(wc.vocabulary(toks, text_id, authors, min_texts=4, min_authors=4)) == ["a", "b"]  # x, y, z, w
    assert list(wc.vocabulary(toks, text_id, authors, min_texts=3, min_authors=2)) == ["a", "b"]
    assert list(wc.vocabulary(toks, text_id, authors, min_texts=2, min_authors=2)) == ["a", "b", "c"]
    assert list(wc.vocabulary(toks, text_id, authors, min_texts=5, min_authors=1)) == []


def test_cooccurrence_window_within_a_text() -> None:
    # text 0: 0 1 2 ; text 1: 2 0. Window 1: pairs (0,1), (1,2) in text 0, (2,0) in text 1; never across texts.
    M = wc.cooccurrence([np.array([0, 1, 2]), np.array([2, 0])], 3, window=1).toarray()
    assert M.tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    M2 = wc.cooccurrence([np.array([0, 1, 2]), np.array([2, 0])], 3, window=2).toarray()
    assert M2.tolist() == [[0, 1, 2], [1, 0, 1], [2, 1, 0]]


def test_ppmi_by_hand() -> None:
    # counts [[0, 2], [2, 4]]; rows 2 and 6; contexts 2 and 6. With alpha = 1:
    # pmi(0, 1) = log(2 * 8 / (2 * 6)) = log(4/3) > 0; pmi(1, 1) = log(4 * 8 / (6 * 6)) = log(8/9) < 0: dropped.
    P = wc.ppmi(sp.csr_matrix(np.array([[0.0, 2.0], [2.0, 4.0]])), alpha=1.0).toarray()
    assert P[0, 1] == pytest.approx(np.log(4 / 3))
    assert P[1, 0] == pytest.approx(np.log(4 / 3))
    assert P[1, 1] == 0 and P[0, 0] == 0


def test_matrix_bags_of_clusters() -> None:
    t = small_table()
    X = t.matrix(["protest protesta", "koncert", "nothing known here", "miting miting miting miting"]).toarray()
    assert X.shape == (4, 5)
    h = 1 / np.sqrt(2)
    # text 0: level 0 both in cluster 0 (tf 2 -> sqrt 2 * idf 1, then l2 -> 1); level 1 clusters 0 and 1, one each -> 1/sqrt2 each
    assert X[0] == pytest.approx([h, 0, h * h, h * h, 0])
    # text 1: level 0 cluster 1, level 1 cluster 2
    assert X[1] == pytest.approx([0, h, 0, 0, h])
    assert X[2].tolist() == [0, 0, 0, 0, 0]
    assert X[3] == pytest.approx([h, 0, h, 0, 0])
    # the tokens of the n-grams can be handed over
    assert (t.matrix(["koncert"], ngrams.tokens(["koncert"])).toarray() == X[1:2]).all()


def test_save_load_round_trip_without_pickle(tmp_path) -> None:
    t = small_table()
    p = wc.save(t, tmp_path / "wc.npz")
    with np.load(p, allow_pickle=False) as z:
        assert z["words"].dtype.kind == "U"
    back = wc.load(p)
    assert list(back.words) == list(t.words) and back.sizes == (2, 3)
    assert (back.ids == t.ids).all()
    assert (back.matrix(["protesta koncert"]).toarray() == t.matrix(["protesta koncert"]).toarray()).all()
    with pytest.raises(ModelError):
        wc.load(tmp_path / "missing.npz")


def test_inconsistent_table_is_refused() -> None:
    with pytest.raises(ValueError):
        wc.WordClusters(np.array(["a", "b"]), np.array([[0], [2]]), (2,), [np.ones(2, dtype=np.float32)])


def test_learn_separates_two_vocabularies() -> None:
    # Synthetic: words w0..w5 only ever appear with each other, v0..v5 likewise; each text by another author.
    rng = np.random.default_rng(0)
    texts = []
    for i in range(120):
        pool = [f"w{j}" for j in range(6)] if i % 2 else [f"v{j}" for j in range(6)]
        texts.append(" ".join(rng.choice(pool, size=5)))
    table, stats = wc.learn(pd.Series(texts), pd.Series([f"a{i}" for i in range(120)]), granularities=(2,), dimensions=2)
    assert stats["vocabulary"] == 12
    cl = dict(zip(table.words, table.ids[:, 0], strict=True))
    assert len({cl[f"w{j}"] for j in range(6)}) == 1
    assert len({cl[f"v{j}"] for j in range(6)}) == 1
    assert cl["w0"] != cl["v0"]


def test_call_featuriser_cluster_block(tmp_path) -> None:
    t = small_table()
    base = cm.CallFeaturiser(n_features=64, cues=True, exclusions=True, normalised=True)
    f = cm.CallFeaturiser(n_features=64, cues=True, exclusions=True, normalised=True, clusters=True)
    f.clusters_ = t
    texts = pd.Series(["protest nesre ne oren 18 para komunes", "koncert"])
    base.fit(texts)
    f.fit(texts)
    A, B = base.transform(texts), f.transform(texts)
    assert B.shape[1] == A.shape[1] + 5
    # the columns before the block are the set's own; the exclusion columns are found where they were
    assert (B[:, : A.shape[1]] != A).nnz == 0
    assert (cm.exclusion_columns(f) == cm.exclusion_columns(base)).all()
    assert B[:, A.shape[1] :].toarray() == pytest.approx(t.matrix(texts.tolist()).toarray())


def test_call_model_with_clusters_saves_and_checks_its_table(tmp_path) -> None:
    t = small_table()
    f = cm.CallFeaturiser(n_features=64, cues=True, normalised=True, clusters=True)
    f.clusters_ = t
    f.fit(pd.Series(["protest", "koncert"]))
    coef = np.zeros(f._n_out(), dtype=np.float32)
    coef[-5] = 3.0  # level 0, cluster 0: protest, protesta, miting
    model = cm.CallModel(f, coef, -1.0, (1.0, 0.0), 0.5, 0.001)
    path = cm.save_model(model, tmp_path / "call-model.npz")
    wc.save(t, tmp_path / "word-clusters.npz")
    back = cm.load_model(path)
    assert back.features.clusters
    norm = pd.Series(["protesta", "koncert"], dtype="string")
    assert back.decision(norm) == pytest.approx(model.decision(norm))
    # another table beside the model: refused
    other = wc.WordClusters(t.words, t.ids[:, ::-1][:, [1, 0]] * 0, (2, 3), t.idf)
    d2 = tmp_path / "other"
    d2.mkdir()
    cm.save_model(model, d2 / "call-model.npz")
    wc.save(other, d2 / "word-clusters.npz")
    with pytest.raises(ModelError):
        cm.load_model(d2 / "call-model.npz")
