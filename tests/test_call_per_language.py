"""Per-language cue weights of the call model (session 12): every 0/1 column but the exclusions, copied into the post's language block.

The sentences are written for these tests (none comes from ../shared); the models are built by hand
(weights set, not learnt), so each expected value follows from the column layout alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts.text import normalize_series

TEXTS = [
    "Ejani të gjithë në protestë të hënën",
    "Sutra u 18h svi ispred Skupštine",
    "Сутра у 18 часова сви испред Скупштине",
    "Join the march on Saturday at City Hall",
    "Hello world",
]
LANG = ["sq", "sr", "sr-Cyrl", "en", "de"]


def _norm(texts: list[str]) -> pd.Series:
    return normalize_series(pd.Series(texts, dtype="string"))


def _pair(**kw: object) -> tuple[cm.CallFeaturiser, cm.CallFeaturiser]:
    norm = _norm(TEXTS)
    plain = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, exclusions=True, **kw).fit(norm)
    per = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, exclusions=True, per_language=True, **kw).fit(norm)
    return plain, per


def test_each_post_fills_its_own_language_block_with_a_copy_of_its_cues() -> None:
    norm = _norm(TEXTS)
    plain, per = _pair()
    A, B = plain.transform(norm).toarray(), per.transform(norm, np.array(LANG, dtype=object)).toarray()
    k = len(cm.LEXICON_COLUMNS) + len(cm.GRAMMAR) + len(cm.PATTERN_COLUMNS) + len(cm.CUE_COLUMNS)
    assert cm.LANGUAGE_BLOCKS == ("Albanian", "Serbian", "English")
    assert B.shape == (5, A.shape[1] + 3 * (k + 1)) == (5, per.n_features_out_)
    # The shared columns (n-grams, cues, exclusions) are the plain set's.
    np.testing.assert_array_equal(B[:, : A.shape[1]], A)
    blocks = B[:, A.shape[1] :].reshape(5, 3, k + 1)
    shared = A[:, 2**10 : 2**10 + k]
    # row -> the block it fills (None: no block)
    expected = {0: 0, 1: 1, 2: 1, 3: 2, 4: None}
    for row, b in expected.items():
        for j in range(3):
            if j == b:
                assert blocks[row, j, 0] == 1.0
                np.testing.assert_array_equal(blocks[row, j, 1:], shared[row])
            else:
                assert not blocks[row, j].any()
    # Without languages every block is 0: the shared columns only.
    C = per.transform(norm).toarray()
    np.testing.assert_array_equal(C[:, : A.shape[1]], A)
    assert not C[:, A.shape[1] :].any()
    with pytest.raises(ValueError, match="lang has 2 values for 5 texts"):
        per.transform(norm, ["sq", "en"])
    with pytest.raises(ValueError, match="per_language=True needs cues"):
        cm.CallFeatures(per_language=True).fit(norm)


def test_the_blocks_copy_the_transfer_and_unit_columns_too_and_the_exclusions_stay_shared_and_bounded() -> None:
    plain, per = _pair(transfer=True, units=True)
    k = len(cm.LEXICON_COLUMNS) + len(cm.GRAMMAR) + len(cm.PATTERN_COLUMNS) + len(cm.CUE_COLUMNS) + len(cc.TRANSFER_COLUMNS) + len(cc.UNIT_COLUMNS)
    assert per._n_out() == plain._n_out() + 3 * (k + 1)
    # The bounded columns are the exclusion columns in both layouts (before the blocks).
    np.testing.assert_array_equal(cm.exclusion_columns(per), cm.exclusion_columns(plain))
    assert cm.exclusion_columns(plain).tolist() == list(range(plain._n_out() - len(cc.EXCLUSION_COLUMNS), plain._n_out()))


def _model(path: Path) -> cm.CallModel:
    """A per-language model whose only non-zero weights are its Albanian block's constant (+3) and English block's (-3)."""
    plain, per = _pair()
    coef = np.zeros(per.n_features_out_, dtype=np.float32)
    k = per._n_shared_cues()
    start = plain.n_features_out_
    coef[start] = 3.0  # Albanian constant
    coef[start + 2 * (k + 1)] = -3.0  # English constant
    return cm.load_model(cm.save_model(cm.CallModel(per, coef, 0.0, (1.0, 0.0), 0.5, 0.001, {}), path))


def test_a_per_language_model_saves_loads_and_scores_each_text_in_its_language(tmp_path: Path) -> None:
    m = _model(tmp_path / "per.npz")
    assert m.features.per_language is True
    card = json.loads(cm.card_path(tmp_path / "per.npz").read_text())
    assert card["features"]["per_language"] is True
    # One text, three languages: the block decides (sigmoid(3), sigmoid(0), sigmoid(-3)).
    text = "Ejani të gjithë në protestë të hënën"
    out = cm.score_calls(pd.Series([text, text, text, text]), lang=pd.Series(["sq", "hr", "en", "sq"]), model=m)
    assert out["call_score"].tolist() == [0.9526, 0.5, 0.0474, 0.9526]
    assert out["is_call"].tolist() == [True, True, False, True]
    # A blank language is detected (this sentence reads as Albanian); a post outside the gate keeps the base rate.
    out = cm.score_calls(pd.Series([text, "Hello world"]), lang=pd.Series(["", "en"]), model=m)
    assert out["call_score"].tolist() == [0.9526, 0.001]
    # No languages at all: detected.
    assert cm.score_calls(pd.Series([text]), model=m)["call_score"].tolist() == [0.9526]
    # The same scores through predict_proba_normalised with the codes given.
    p = m.predict_proba_normalised(_norm([text, text]), np.array(["sq", "en"], dtype=object))
    np.testing.assert_allclose(p, [0.952574, 0.047426], atol=1e-6)


def test_a_card_written_before_session_12_loads_without_language_blocks(tmp_path: Path) -> None:
    plain, _ = _pair()
    path = cm.save_model(cm.CallModel(plain, np.zeros(plain.n_features_out_, dtype=np.float32), 0.0, (1.0, 0.0), 0.5, 0.001, {}), tmp_path / "old.npz")
    card = json.loads(cm.card_path(path).read_text())
    del card["features"]["per_language"]
    cm.card_path(path).write_text(json.dumps(card))
    assert cm.load_model(path).features.per_language is False


def test_the_evaluation_offers_the_per_language_set_as_one_more_candidate(calls_eval) -> None:  # type: ignore[no-untyped-def]
    # Session 13 adds the word clusters after it.
    assert calls_eval.CANDIDATES[:4] == ["lexicon+cues", "lexicon+cues+transfer", "lexicon+cues+units", "lexicon+cues+per-language"]
    assert calls_eval.FEATURE_SETS["lexicon+cues+per-language"] == {"lexicon": True, "cues": True, "exclusions": True, "per_language": True}
    # Its bounded columns are its exclusion columns, as for session 5's set.
    np.testing.assert_array_equal(calls_eval.nonpositive_columns("lexicon+cues+per-language"), calls_eval.nonpositive_columns("lexicon+cues"))
