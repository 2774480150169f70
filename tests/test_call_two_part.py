"""The two-part fit of the call model (session 8): the cue columns first, then the n-grams on what they leave.

Synthetic data only (called synthetic). The calls carry a "structure" column (say, a time, a place
and "everyone") that some non-calls carry too, and each author's calls share words of their own. A
joint fit can explain the training calls by their authors' words and leaves the structure less
weight; the two-part fit must keep the weight the structure earns on its own, so that a new post
with the structure and words never seen scores higher than under the joint fit.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from detector.posts import call_model as cm

N_NGRAM = 200


def _data(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Rows: an n-gram block (l2 rows), then the cue columns [structure, noise]; and each post's author group."""
    rng = np.random.default_rng(seed)
    n_call, n_other = 60, 300
    y = np.r_[np.ones(n_call), np.zeros(n_other)].astype(int)
    grams = np.zeros((len(y), N_NGRAM))
    grams[np.arange(n_call), 3 + np.arange(n_call) // 3] = 1  # each author's 3 calls share a word of their own
    grams[n_call:, 30:] = rng.random((n_other, N_NGRAM - 30)) < 0.05  # the other posts' words
    grams[:, 1] = 1  # a word every post has
    grams /= np.linalg.norm(grams, axis=1, keepdims=True)
    structure = np.r_[np.ones(n_call), np.arange(n_other) < 40]  # 40 non-calls have the structure too
    noise = rng.random(len(y)) < 0.3
    X = sp.csr_matrix(np.c_[grams, structure, noise].astype(np.float32))
    author = np.r_[np.arange(n_call) // 3, 100 + np.arange(n_other)]
    return X, y, author


def _new_post() -> np.ndarray:
    """A post with the structure, the common word and a word no training post has."""
    x = np.zeros(N_NGRAM + 2, dtype=np.float32)
    x[[1, 2]] = 1 / np.sqrt(2)
    x[N_NGRAM] = 1
    return x


def test_the_offset_fit_is_logistic_regression_with_an_offset() -> None:
    X, y, _ = _data()
    Xn = X[:, :N_NGRAM]
    w = cm.balanced_weights(y, np.where(np.arange(len(y)) % 2 == 0, "a", "b"))
    coef, b = cm.fit_with_offset(Xn, y, np.zeros(len(y)), 4.0, w)
    lr = LogisticRegression(C=4.0, solver="lbfgs", tol=1e-10, max_iter=10000).fit(Xn, y, sample_weight=w)
    np.testing.assert_allclose(coef, lr.coef_.ravel(), atol=2e-3)
    assert b == pytest.approx(lr.intercept_[0], abs=2e-3)
    # A constant offset is taken from the intercept and changes nothing else.
    coef2, b2 = cm.fit_with_offset(Xn, y, np.full(len(y), 1.5), 4.0, w)
    np.testing.assert_allclose(coef2, coef, atol=1e-4)
    assert b2 == pytest.approx(b - 1.5, abs=1e-4)
    # A column no post has keeps weight 0.
    assert coef[0] == 0.0


def test_the_structure_is_not_drowned_by_the_authors_words() -> None:
    X, y, author = _data()
    for C in (1.0, 16.0, 256.0):
        joint_coef, joint_b = cm.fit_linear(X, y, C)
        coef, b = cm.fit_two_part(X, y, C, N_NGRAM, cv_groups=author)
        assert coef.shape == (X.shape[1],) and coef.dtype == np.float32
        # The structure keeps the weight it earns without the n-grams, more than the joint fit leaves it.
        ws, _ = cm.fit_linear(X[:, N_NGRAM:], y, C)
        np.testing.assert_allclose(coef[N_NGRAM:], ws, rtol=1e-6)
        assert coef[N_NGRAM] > joint_coef[N_NGRAM] + 1.0
        # A new post with the structure and unseen words scores higher than under the joint fit.
        x = _new_post()
        assert float(x @ coef + b) > float(x @ joint_coef + joint_b)


def test_the_same_data_give_the_same_model_and_a_smaller_C_smaller_ngram_weights() -> None:
    X, y, author = _data()
    lang = np.where(np.arange(len(y)) % 2 == 0, "Albanian", "English")
    coef, b = cm.fit_two_part(X, y, 16.0, N_NGRAM, cv_groups=author, groups=lang)
    coef2, b2 = cm.fit_two_part(X, y, 16.0, N_NGRAM, cv_groups=author, groups=lang)
    np.testing.assert_array_equal(coef, coef2)
    assert b == b2
    small, _ = cm.fit_two_part(X, y, 0.05, N_NGRAM, cv_groups=author, groups=lang, structure_C=16.0)
    assert np.abs(small[:N_NGRAM]).sum() < np.abs(coef[:N_NGRAM]).sum()
    np.testing.assert_allclose(small[N_NGRAM:], coef[N_NGRAM:], rtol=1e-6)


def test_too_few_groups_to_cross_fit_use_the_in_sample_score() -> None:
    X, y, _ = _data()
    coef, b = cm.fit_two_part(X, y, 16.0, N_NGRAM, cv_groups=np.zeros(len(y), dtype=int))
    assert np.isfinite(coef).all() and np.isfinite(b)


@pytest.mark.parametrize("n_ngram", [0, N_NGRAM + 2])
def test_the_split_must_leave_columns_on_both_sides(n_ngram: int) -> None:
    X, y, author = _data()
    with pytest.raises(ValueError, match="n_ngram"):
        cm.fit_two_part(X, y, 1.0, n_ngram, cv_groups=author)


def test_the_evaluation_fits_the_two_part_candidate_with_it(calls_eval) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    # Session 9: the blends; session 10: the units set; session 12: the per-language set; session 13: the word clusters;
    # session 15: the sign-bounded cues (the two-part model is no candidate).
    assert ce.TWO_PART in ce.FEATURE_SETS and len(ce.FEATURE_SETS) == 8 + len(ce.BLENDS) and ce.TWO_PART not in ce.CANDIDATES
    # Its columns: the n-grams, then every cue column with the units.
    f = cm.CallFeaturiser(**ce.FEATURE_SETS[ce.TWO_PART])
    assert f.units and f.transfer and f.ngrams
    X, y, author = _data()
    lang = np.where(np.arange(len(y)) % 2 == 0, "Albanian", "English")
    # The synthetic n-grams in the first columns of the hashed space, the cue columns after it.
    wide = sp.hstack([X[:, :N_NGRAM], sp.csr_matrix((X.shape[0], f.n_features - N_NGRAM), dtype=np.float32), X[:, N_NGRAM:]], format="csr")
    coef, b = ce.fit_model(wide, y, 16.0, ce.TWO_PART, lang, author)
    expect, eb = cm.fit_two_part(wide, y, 16.0, f.n_features, cv_groups=author, groups=lang, random_state=ce.SEED)
    np.testing.assert_array_equal(coef, expect)
    assert b == eb
    # Every other set is one joint fit.
    coef1, _ = ce.fit_model(X, y, 16.0, "lexicon+cues", lang, author)
    np.testing.assert_array_equal(coef1, cm.fit_linear(X, y, 16.0, groups=lang)[0])
