"""Per-language decision rules of the call model: a threshold of each language's own, the lexicon as a fallback.

The rules are chosen on inner out-of-fold probabilities by ``bench/calls_eval.py`` (tested here on
small hand-made arrays with the expected choices written out), saved in the model's card, and
applied by :func:`detector.posts.call_model.score_calls` from each post's language.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.posts import call_model as cm


def test_best_threshold_with_and_without_a_fallback(calls_eval) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    y = np.array([1, 1, 0, 1, 0, 0])
    p = np.array([0.9, 0.6, 0.5, 0.3, 0.2, 0.1])
    # F1 at 0.6: 2*2/(2+3) = 0.8; at 0.3: 2*3/(4+3) = 0.857 -> 0.3
    assert ce.best_threshold(p, y) == pytest.approx(0.3)
    # The third call is the lexicon's anyway: then 0.6 gives tp 3 of 3 predictions, F1 1.
    always = np.array([False, False, False, True, False, False])
    assert ce.best_threshold(p, y, always) == pytest.approx(0.6)
    # Ties go to the higher threshold.
    assert ce.best_threshold(np.array([0.8, 0.4]), np.array([1, 0])) == pytest.approx(0.8)


def _langs(n_each: int) -> np.ndarray:
    return np.array(["Albanian"] * n_each + ["English"] * n_each)


def test_rules_are_chosen_by_cross_fitting_on_inner_folds(calls_eval, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    monkeypatch.setattr(ce, "MIN_LANG_CALLS", 3)
    rng = np.random.default_rng(0)
    n = 60
    grp = _langs(n)
    y = np.r_[np.tile([1, 0, 0, 0, 0, 0], 10), np.tile([1, 1, 0, 0, 0, 0], 10)]
    # Albanian calls sit at 0.3-0.4 and its non-calls below 0.2; English calls at 0.7-0.9, non-calls
    # at 0.35-0.5: one pooled threshold cannot serve both, one per language can.
    p = np.where(grp == "Albanian", np.where(y == 1, rng.uniform(0.3, 0.4, 2 * n), rng.uniform(0.0, 0.2, 2 * n)),
                 np.where(y == 1, rng.uniform(0.7, 0.9, 2 * n), rng.uniform(0.35, 0.5, 2 * n)))  # fmt: skip
    lex = np.zeros(2 * n, dtype=bool)
    folds = rng.permutation(np.arange(2 * n) % 3)
    pooled, rules = ce.choose_rules(p, lex, y, grp, folds)
    # English is served by the pooled threshold as well as by its own: the tie keeps the simpler rule.
    assert set(rules) == {"Albanian"}
    assert rules["Albanian"]["own"] and not rules["Albanian"]["or_lexicon"]
    assert 0.2 < rules["Albanian"]["threshold"] <= p[(grp == "Albanian") & (y == 1)].min() + 1e-9
    pred = ce.decide(p, lex, grp, pooled, rules)
    assert (pred == (y == 1)).all()
    # A language whose lexicon finds calls the model misses takes the lexicon as its fallback.
    lex2 = (grp == "English") & (y == 1) & (np.arange(2 * n) % 4 == 0)
    p2 = p.copy()
    p2[lex2] = 0.05
    _, rules2 = ce.choose_rules(p2, lex2, y, grp, folds)
    assert rules2["English"]["or_lexicon"]
    assert (ce.decide(p2, lex2, grp, pooled, rules2)[grp == "English"] == (y[grp == "English"] == 1)).all()


def test_a_language_with_too_few_calls_keeps_the_pooled_rule(calls_eval, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    monkeypatch.setattr(ce, "MIN_LANG_CALLS", 5)
    y = np.array([1, 0, 0, 1, 0, 0] * 2)
    grp = np.array(["Albanian"] * 6 + ["English"] * 6)  # 2 calls each: below MIN_LANG_CALLS
    p = np.linspace(0.9, 0.1, 12)
    pooled, rules = ce.choose_rules(p, np.zeros(12, dtype=bool), y, grp, np.tile([0, 1, 2], 4))
    assert rules == {} and pooled == pytest.approx(ce.best_threshold(p, y))


def _model_with(rules: dict[str, cm.Rule], threshold: float = 0.5) -> cm.CallModel:
    m = cm.load_model()
    return cm.CallModel(m.features, m.coef, m.intercept, m.platt, threshold, m.base_rate, dict(m.card), rules)


def test_the_verdict_follows_each_posts_language() -> None:
    m = _model_with({"Albanian": cm.Rule(0.3), "Serbian": cm.Rule(0.9, or_lexicon=True)})
    score = np.array([0.4, 0.4, 0.4, 0.4, 0.6, 0.95])
    lex = np.array([False, False, True, True, False, False])
    group = cm.rule_groups(pd.Series(["sq", "en", "sr-Cyrl", "de", "bs", "hr"]))
    assert group.tolist() == ["Albanian", "English", "Serbian", "", "Serbian", "Serbian"]
    # Albanian: 0.4 >= 0.3; English and German: the pooled 0.5; Serbian: the lexicon, or 0.9.
    assert m.is_call(score, lex, group).tolist() == [True, False, True, False, False, True]
    # Without languages, the pooled threshold decides.
    assert m.is_call(score, lex, None).tolist() == [False, False, False, False, True, True]
    # Only the posts between the lowest and the highest threshold (or the lexicon's, under the highest) need a language.
    assert m.undecided(score, lex).tolist() == [True, True, True, True, True, False]
    assert m.undecided(np.array([0.1, 0.95]), np.array([False, False])).tolist() == [False, False]


def test_rules_are_saved_in_the_card_and_applied_by_score_calls(tmp_path: Path) -> None:
    m = _model_with({"Albanian": cm.Rule(0.001, or_lexicon=False)}, threshold=0.999)
    path = cm.save_model(m, tmp_path / "m.npz")
    card = json.loads(cm.card_path(path).read_text())
    assert card["rules"] == {"Albanian": {"threshold": 0.001, "or_lexicon": False}}
    again = cm.load_model(path)
    assert again.rules == {"Albanian": cm.Rule(0.001, False)}
    # Written for this test: a post that opens the gate, in Albanian and in English. With an almost
    # unreachable pooled threshold only the Albanian post's own rule makes it a call; its language
    # is given, or detected when not.
    texts = pd.Series(["Të gjithë nesër para Komunës në orën 18", "Everyone tomorrow in front of City Hall at 6pm"])
    given = cm.score_calls(texts, lang=pd.Series(["sq", "en"]), model=again)
    detected = cm.score_calls(texts, model=again)
    assert given["is_call"].tolist() == detected["is_call"].tolist() == [True, False]
    # A model saved before the rules (no "rules" in its card) loads with none.
    del card["rules"]
    cm.card_path(path).write_text(json.dumps(card))
    cm._CACHE.clear()
    assert cm.load_model(path).rules == {}
