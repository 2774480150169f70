"""The exclusion columns of the call model (session 10): what the labelling definition says is not a call.

Sentences written for these tests (synthetic, never a corpus post).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts.matching import Texts
from detector.posts.text import normalize_series

SENTENCES = {
    # sentence: the exclusion columns that fire (x_shape_excluded left out: it needs the shape, tested below)
    "Festivali i muzikës nesër në orën 20 në shesh": {"x_nonpolitical"},
    "Akcija čišćenja parka u subotu u 10h": {"x_nonpolitical"},
    "Parada ponosa u nedelju": {"x_nonpolitical"},
    "Come to the parade on Sunday": {"x_nonpolitical"},
    "Nesër paradite protestë para Komunës": set(),
    "GDP growth for the year ending March 2016 was 2%": {"x_finance", "x_march_month", "x_march_month_finance"},
    "Join the march on March 4 at City Hall": {"x_march_month"},
    "protest më 8 mars": {"x_march_month"},
    "Protestni marš sutra": set(),
    "Finalja live në RTSH sonte": {"x_broadcast"},
    "We go live tonight from the square": set(),
    "Opozicija poziva građane na protest sutra": {"x_relayed"},
    "Studenti vas pozivaju na protest sutra": set(),
    "Party leader urged supporters to rally": {"x_relayed"},
    "Račun mu je blokiran": {"x_finance"},
}


def _exclusions(texts: list[str], shape: np.ndarray | None = None) -> np.ndarray:
    norm = normalize_series(pd.Series(texts, dtype="string"))
    return cc.exclusion_matrix(Texts(norm), np.zeros(len(texts)) if shape is None else shape)


@pytest.mark.parametrize("text", list(SENTENCES))
def test_each_exclusion_column_fires_on_what_it_names(text: str) -> None:
    row = _exclusions([text])[0]
    fired = {c for c, v in zip(cc.EXCLUSION_COLUMNS, row, strict=False) if v and c != "x_shape_excluded"}
    assert fired == SENTENCES[text]


def test_the_shape_crossing_and_the_unit_mask() -> None:
    texts = ["Koncert nesër në orën 20", "Protest nesër në orën 20", "Opozicija poziva građane sutra u 18h"]
    m = _exclusions(texts, np.array([1.0, 1.0, 1.0]))
    shape_col = cc.EXCLUSION_COLUMNS.index("x_shape_excluded")
    assert m[:, shape_col].tolist() == [1.0, 0.0, 1.0]
    # The last column is the units' mask: zero for a non-political event, one otherwise (a relayed call is not masked).
    assert m[:, -1].tolist() == [0.0, 1.0, 1.0]
    assert _exclusions([]).shape == (0, len(cc.EXCLUSION_COLUMNS) + 1)


def test_the_featuriser_appends_the_columns_last_and_masks_the_units() -> None:
    texts = ["Sutra u 18h svi ispred Skupštine", "Koncert sutra u 18h, dođite svi ispred Doma kulture"]
    norm = normalize_series(pd.Series(texts, dtype="string"))
    f = cm.CallFeaturiser(normalised=True, cues=True, units=True, exclusions=True, n_features=64).fit(norm)
    plain = cm.CallFeaturiser(normalised=True, cues=True, units=True, n_features=64).fit(norm)
    X, P = f.transform(norm).toarray(), plain.transform(norm).toarray()
    n_ex = len(cc.EXCLUSION_COLUMNS)
    assert X.shape[1] == P.shape[1] + n_ex == f._n_out()
    np.testing.assert_array_equal(X[:, : P.shape[1] - 2], P[:, :-2])
    units, P_units = X[:, -n_ex - 2 : -n_ex], P[:, -2:]
    # The first sentence keeps its unit (worth cue_weight); the concert's is zeroed.
    assert units[0, 0] == P_units[0, 0] == f.cue_weight
    assert P_units[1, 0] == f.cue_weight and units[1, 0] == 0
    ex = X[:, -n_ex:]
    assert ex[1, 0] == f.extra_weight and ex[1, -1] == f.cue_weight and not ex[0].any()
    with pytest.raises(ValueError, match="exclusions=True needs cues"):
        cm.CallFeaturiser(exclusions=True).fit(norm)


def test_a_model_with_exclusions_saves_and_loads(tmp_path: Path) -> None:
    texts = pd.Series(["protest sutra u 18h", "koncert sutra u 18h", "join the rally"], dtype="string")
    f = cm.CallFeaturiser(normalised=True, cues=True, units=True, exclusions=True, n_features=64).fit(normalize_series(texts))
    coef = np.linspace(-1, 1, f.n_features_out_).astype(np.float32)
    path = cm.save_model(cm.CallModel(f, coef, 0.1, (1.0, 0.0), 0.5, 0.001), tmp_path / "m.npz")
    m = cm.load_model(path)
    assert m.features.exclusions and m.features.units
    np.testing.assert_allclose(m.decision(normalize_series(texts)), cm.CallModel(f, coef, 0.1, (1.0, 0.0), 0.5, 0.001).decision(normalize_series(texts)))


def test_the_evaluation_offers_six_candidates_all_with_exclusions(calls_eval) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    # Session 10's three, session 12's per-language set, session 13's word clusters and session 15's sign-bounded cues.
    assert ce.CANDIDATES == ["lexicon+cues", "lexicon+cues+transfer", "lexicon+cues+units", "lexicon+cues+per-language", "lexicon+cues+clusters",
                             "lexicon+cues+transfer+signs"]
    for name in ce.CANDIDATES:
        assert ce.FEATURE_SETS[name].get("exclusions") is True
    assert cm.CallFeaturiser(**ce.FEATURE_SETS["lexicon+cues+units"]).units
    assert set(ce._used_sets()) == set(ce.CANDIDATES)
    # Every candidate's fit bounds its exclusion columns, the last columns of its matrix.
    for name in ce.CANDIDATES:
        f = cm.CallFeaturiser(**ce.FEATURE_SETS[name])
        end = f._n_out() - f._n_language() - f._n_clusters()  # the language blocks (session 12) and the clusters (13) come after them
        assert ce.nonpositive_columns(name).tolist() == list(range(end - len(cc.EXCLUSION_COLUMNS), end))


# Session 11: the exclusion columns' weights are bounded above by 0 (call_model.fit_linear, nonpositive).
def _synthetic(seed: int = 0, n: int = 600) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic 0/1 columns: 0-3 carry the class; 4 is more common among the calls (a 'wrong-sign' cue), 5 less common."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    X = (rng.random((n, 6)) < 0.2).astype(float)
    X[:, 0] = np.where(y == 1, rng.random(n) < 0.7, rng.random(n) < 0.1)
    X[:, 1] = np.where(y == 1, rng.random(n) < 0.5, rng.random(n) < 0.2)
    X[:, 4] = np.where(y == 1, rng.random(n) < 0.6, rng.random(n) < 0.1)
    X[:, 5] = np.where(y == 1, rng.random(n) < 0.05, rng.random(n) < 0.4)
    lang = np.where(rng.random(n) < 0.5, "a", "b")
    return X, y, lang


def test_a_bounded_column_that_would_go_positive_gets_weight_zero() -> None:
    import scipy.sparse as sp

    X, y, lang = _synthetic()
    free, _ = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang)
    assert free[4] > 0.5 and free[5] < 0  # unconstrained, column 4 learns the wrong sign
    coef, icpt = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang, nonpositive=np.array([4, 5]))
    assert coef[4] == 0.0 and coef[5] < 0
    # Held at 0, the column is as good as absent: the other weights are the fit without it (same objective, two solvers).
    without, icpt_without = cm.fit_linear(sp.csr_matrix(np.delete(X, 4, axis=1)), y, 16.0, groups=lang)
    np.testing.assert_allclose(np.delete(coef, 4), without, atol=2e-3)
    assert icpt == pytest.approx(icpt_without, abs=2e-3)


def test_bounds_that_hold_already_leave_liblinears_fit_as_it_is() -> None:
    import scipy.sparse as sp

    X, y, lang = _synthetic(1)
    free = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang)
    bounded = cm.fit_linear(sp.csr_matrix(X), y, 16.0, groups=lang, nonpositive=np.array([5]))
    assert free[0][5] < 0
    np.testing.assert_array_equal(free[0], bounded[0])
    assert free[1] == bounded[1]


def test_the_bounded_fit_meets_the_optimality_conditions() -> None:
    import scipy.sparse as sp

    # Two bounded columns that move together (3 follows 4), both more common among the calls: whatever the active set
    # holds and frees on its way, the result meets the bounded problem's optimality (KKT) conditions.
    X, y, lang = _synthetic(2)
    X[:, 3] = X[:, 4] * (np.random.default_rng(3).random(len(y)) < 0.8)
    coef, icpt = cm.fit_linear(sp.csr_matrix(X), y, 64.0, groups=lang, nonpositive=np.array([3, 4, 5]))
    assert (coef[[3, 4, 5]] <= 0).all()
    # KKT: at the bounded minimum, each bounded column at 0 has a slope that does not fall below 0.
    sw = cm.balanced_weights(y, lang)
    t = np.where(y == 1, 1.0, -1.0)
    m = t * (X @ coef.astype(float) + icpt)
    grad = X.T @ (-t * sw / (1 + np.exp(m))) * 64.0 + coef
    at_zero = [j for j in (3, 4, 5) if coef[j] == 0]
    assert at_zero and (grad[at_zero] <= 1e-2).all()
