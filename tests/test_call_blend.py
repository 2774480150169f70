"""The blend of the call model (session 9): a weighted mean of the structure model's and the n-gram model's log-odds.

Synthetic data only (called synthetic), and sentences written for the test (never corpus posts).
The matrix has the call model's layout: an n-gram block, then the cue columns the n-gram model
reads too, then cue columns that only the structure model reads (the language-independent cues and
the units come last in :meth:`CallFeaturiser.transform`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts import calls, extract
from detector.posts.text import normalize_series

N_NGRAM, N_FIRST = 50, 53


def _data(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 400
    y = (rng.random(n) < 0.2).astype(int)
    grams = (rng.random((n, N_NGRAM)) < 0.1).astype(np.float32)
    grams[y == 1, :5] = 1  # the calls' own words
    cues = np.c_[(rng.random(n) < 0.1) | (y == 1), rng.random(n) < 0.3, rng.random(n) < 0.3]
    late = np.c_[(y == 1) & (rng.random(n) < 0.8), rng.random(n) < 0.2]  # only the structure model reads these
    X = sp.csr_matrix(np.c_[grams, cues, late].astype(np.float32))
    lang = np.where(np.arange(n) % 3 == 0, "a", "b")
    return X, y, lang


@pytest.mark.parametrize("w", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_the_blend_is_the_weighted_mean_of_the_two_models_log_odds(w: float) -> None:
    X, y, lang = _data()
    coef, b = cm.fit_blend(X, y, 8.0, N_NGRAM, N_FIRST, w, groups=lang)
    wn, bn = cm.fit_linear(X[:, :N_FIRST], y, 8.0, groups=lang)
    ws, bs = cm.fit_linear(X[:, N_NGRAM:], y, 8.0, groups=lang)
    dn = np.asarray(X[:, :N_FIRST] @ wn).ravel() + bn
    ds = np.asarray(X[:, N_NGRAM:] @ ws).ravel() + bs
    d = np.asarray(X @ coef).ravel() + b
    np.testing.assert_allclose(d, w * ds + (1 - w) * dn, atol=1e-4)
    assert coef.shape == (X.shape[1],) and coef.dtype == np.float32
    # The n-gram model never reads the late columns, the structure model never the n-grams.
    if w == 0.0:
        assert not coef[N_FIRST:].any()
    if w == 1.0:
        assert not coef[:N_NGRAM].any()


def test_the_blend_refuses_layouts_and_weights_it_cannot_split() -> None:
    X, y, lang = _data()
    with pytest.raises(ValueError):
        cm.fit_blend(X, y, 8.0, N_NGRAM, N_NGRAM, 0.5)
    with pytest.raises(ValueError):
        cm.fit_blend(X, y, 8.0, N_NGRAM, X.shape[1] + 1, 0.5)
    with pytest.raises(ValueError):
        cm.fit_blend(X, y, 8.0, N_NGRAM, N_FIRST, 1.5)


def test_a_blend_over_the_real_featuriser_layout_saves_loads_and_scores_alike(tmp_path) -> None:
    """The blend's columns are the featuriser's with units: the n-gram model's part is the set without transfer and units."""
    texts = pd.Series(["sutra u 18h svi ispred skupstine", "koncert veceras u 20h", "join us on monday at city hall for the rally",
                       "lijep dan danas", "ejani te gjithe ne proteste te henen", "we met yesterday"] * 10, dtype="string")  # fmt: skip
    y = np.array([1, 0, 1, 0, 1, 0] * 10)
    full = cm.CallFeaturiser(n_features=2**10, normalised=True, cues=True, transfer=True, units=True).fit(texts)
    first = cm.CallFeaturiser(n_features=2**10, normalised=True, cues=True)
    first.idf_, first.n_features_out_ = full.idf_, first._n_out()
    X = full.transform(texts)
    # The n-gram model's columns are the first ones of the blend's layout, value for value.
    assert (abs(X[:, : first._n_out()] - first.transform(texts)).max()) == 0
    coef, b = cm.fit_blend(X, y, 4.0, full.n_features, first._n_out(), 0.5, groups=np.array(["x"] * len(y)))
    model = cm.CallModel(full, coef, b, (1.0, 0.0), 0.5, 0.01, {"name": "test"})
    path = cm.save_model(model, tmp_path / "m.npz")
    back = cm.load_model(path)
    np.testing.assert_allclose(back.decision(texts), model.decision(texts), rtol=1e-5, atol=1e-5)


# Sentences written for these tests (not corpus posts): a weekday as a time adverbial, in the three languages.
WEEKDAYS = ["ejani te gjithe ne sheshin te marten ne oren 18", "dalim te gjithe te enjten", "nuk punoj te dielen",
            "vidimo se u ponedeljak ispred opstine", "protest je u cetvrtak", "ove subote idemo na more",
            "join us on wednesday", "see you next tuesday", "this coming friday we march"]  # fmt: skip


def test_every_weekday_is_a_near_time_word_of_the_grammar() -> None:
    norm = normalize_series(pd.Series(WEEKDAYS, dtype="string"))
    soon = cm.grammar_matrix(norm)[:, list(cm.GRAMMAR).index("soon")]
    assert soon.tolist() == [1.0] * len(WEEKDAYS)
    # Cyrillic folds to the same form.
    cyr = normalize_series(pd.Series(["у понедељак испред општине", "у среду"], dtype="string"))
    assert cm.grammar_matrix(cyr)[:, list(cm.GRAMMAR).index("soon")].tolist() == [1.0, 1.0]
    # A day named without the adverbial's preposition or article is not one; nor is an ordinary word.
    plain = normalize_series(pd.Series(["e hena eshte dite pune", "ponedeljak je tezak", "mondays are slow", "u pet sati"], dtype="string"))
    assert cm.grammar_matrix(plain)[:, list(cm.GRAMMAR).index("soon")].tolist() == [0.0] * 4


# text (normalised form) -> is "mars" the Serbian march here? (written for the test)
MARCH = {
    "protestni mars do skupstine": True,  # "protestni" ends in "i", but is no "i"
    "studentski mars kroz grad": True,
    "veliki mars sutra": True,
    "mars za slobodu": True,
    "takohemi ne mars": False,  # Albanian "in March"
    "me 8 mars": False,
    "muajin mars": False,
    "deri ne mars": False,
    "mars 2019": False,
    "i mars": False,
}


def test_the_serbian_march_after_a_word_ending_like_a_month_word_is_a_march() -> None:
    rx = cc._rx(cc.SERBIAN_MARCH)
    assert {t: rx.search(t) is not None for t in MARCH} == MARCH
    # One pattern in the lexicon, the cues and the extraction (extract.py keeps no copy of its own).
    assert cc.SERBIAN_MARCH in calls.EVENT.pattern
    assert any(cc.SERBIAN_MARCH in rx_.pattern for _, rx_ in extract._EVENT)
    assert not any(cc.SERBIAN_MARCH in rx_.pattern for _, rx_ in extract._EVENT_SQ)
    # The language-independent event cue reads it (the texts without another event word).
    plain = {t: v for t, v in MARCH.items() if "protest" not in t}
    x_event = cc.concept_matrix(cm.Texts(pd.Series(list(plain), dtype="string")), ["x_event"])[:, 0]
    assert x_event.astype(bool).tolist() == list(plain.values())
    # Before session 9 the cues' copy read "protestni mars" as the month (its month words were not whole words).
    assert calls.EVENT.search("studentni mars") is not None


def test_the_evaluation_chooses_a_blend_by_the_blended_models_own_out_of_fold_values(calls_eval) -> None:  # type: ignore[no-untyped-def]
    """The inner folds combine the two parts' out-of-fold values: the same values as fitting the blend in each fold."""
    ce = calls_eval
    assert len(ce.BLENDS) == 3 and ce.NGRAM_PART in ce.FEATURE_SETS and ce.STRUCTURE_PART not in ce.FEATURE_SETS
    full = cm.CallFeaturiser(**ce.FEATURE_SETS[next(iter(ce.BLENDS))])
    # Session 10: "lexicon+cues" reads the exclusion columns too; the blend's n-gram part stays session 9's columns.
    n_first = ce.blend_ngram_columns()
    assert n_first == cm.CallFeaturiser(lexicon=True, cues=True)._n_out()
    assert full.units and full.transfer and full.ngrams and cm.CallFeaturiser(**ce.COMPONENTS[ce.STRUCTURE_PART]).units
    rng = np.random.default_rng(3)
    n = 600
    y = (rng.random(n) < 0.2).astype(int)
    grams = sp.csr_matrix(((rng.random((n, 40)) < 0.1) | (y[:, None] == 1) & (np.arange(40) < 3)).astype(np.float32))
    cues = ((rng.random((n, full._n_out() - full.n_features)) < 0.1) | ((y[:, None] == 1) & (rng.random((n, 1)) < 0.7))).astype(np.float32)
    wide = sp.hstack([grams, sp.csr_matrix((n, full.n_features - 40), dtype=np.float32), sp.csr_matrix(cues)], format="csr")
    X = {fs: wide for fs in ce.FEATURE_SETS} | {ce.NGRAM_PART: wide[:, :n_first], ce.STRUCTURE_PART: wide[:, full.n_features :]}
    lang = np.where(np.arange(n) % 3 == 0, "Albanian", "English")
    g = np.arange(n) // 2
    gated = rng.random(n) < 0.9
    for name in ce.BLENDS:
        fit = ce.choose_and_fit(X, y, g, gated, lang, grid=[(16.0, name)])
        direct, _ = ce.oof_decision(X, y, g, gated, 16.0, name, 3, ce.SEED, ce.weight_groups(lang))
        assert fit["inner_ap"] == pytest.approx(ce.macro_ap(y[gated], direct[gated], lang[gated]), abs=1e-9)
        # Session 12: every (C, set) of the grid's inner score is returned with the choice (reporting only).
        assert fit["inner_scores"] == {f"C=16, {name}": round(fit["inner_ap"], 4)}
        coef, b = cm.fit_blend(wide[np.flatnonzero(gated)], y[gated], 16.0, full.n_features, n_first, ce.BLENDS[name], groups=ce.weight_groups(lang)[gated])
        np.testing.assert_array_equal(fit["coef"], coef)
