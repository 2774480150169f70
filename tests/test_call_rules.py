"""Per-language decision rules of the call model: a threshold of each language's own, the lexicon as a fallback.

Sessions 6 and 7 chose them on inner out-of-fold probabilities in ``bench/calls_eval.py``; since
session 8 the evaluation chooses none (the lead's decision: they were measured to hurt twice), and
its threshold is one for every language (tested here). Models saved with rules still load, and
:func:`detector.posts.call_model.score_calls` applies their rules from each post's language.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.posts import call_model as cm


def test_best_threshold(calls_eval) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    y = np.array([1, 1, 0, 1, 0, 0])
    p = np.array([0.9, 0.6, 0.5, 0.3, 0.2, 0.1])
    # F1 at 0.6: 2*2/(2+3) = 0.8; at 0.3: 2*3/(4+3) = 0.857 -> 0.3
    assert ce.best_threshold(p, y) == pytest.approx(0.3)
    # Ties go to the higher threshold.
    assert ce.best_threshold(np.array([0.8, 0.4]), np.array([1, 0])) == pytest.approx(0.8)


def test_best_threshold_by_mean_language_f1(calls_eval) -> None:  # type: ignore[no-untyped-def]
    """Session 12 (h75): with languages, one threshold by the best mean of the per-language F1s (synthetic probabilities)."""
    ce = calls_eval
    en, sq, cy, la = "English", "Albanian", "Serbian Cyrillic", "Serbian/Bosnian/Croatian Latin"
    # English: 10 calls at 0.9, 10 non-calls at 0.5. Albanian: 5 calls at 0.6, 5 non-calls at 0.3.
    # Serbian (both scripts one language): 3 calls at 0.8 (Cyrillic), 2 at 0.35 (Latin), 4 non-calls at 0.2.
    p = np.array([0.9] * 10 + [0.5] * 10 + [0.6] * 5 + [0.3] * 5 + [0.8] * 3 + [0.35] * 2 + [0.2] * 4)
    y = np.array([1] * 10 + [0] * 10 + [1] * 5 + [0] * 5 + [1] * 3 + [1] * 2 + [0] * 4)
    lang = np.array([en] * 20 + [sq] * 10 + [cy] * 3 + [la] * 2 + [cy] * 4)
    # Pooled F1: at 0.6 (18 of 20 calls, 18 marked) 36/38 = 0.947; at 0.35 (20, 30 marked) 40/50 = 0.8 -> 0.6.
    assert ce.best_threshold(p, y) == pytest.approx(0.6)
    # Per language at 0.6: English 1, Albanian 1, Serbian 6/8 = 0.75 -> mean 0.917; at 0.35: English 20/30, Albanian 1,
    # Serbian 1 -> 0.889 -> 0.6.
    assert ce.best_threshold(p, y, lang) == pytest.approx(0.6)
    # Serbian with 1 call at 0.8 and 4 at 0.35 (1 Cyrillic, 3 Latin: only together 5 calls): at 0.6 Serbian
    # 2/6 = 0.333 (mean 0.778), at 0.35 mean 0.889 -> 0.35; the pooled F1 keeps 0.6 (32/36 against 40/50).
    p2 = p.copy()
    p2[[31, 32]] = 0.35
    lang2 = lang.copy()
    lang2[32] = la
    assert ce.best_threshold(p2, y) == pytest.approx(0.6)
    assert ce.best_threshold(p2, y, lang2) == pytest.approx(0.35)
    # A language with fewer than MIN_LANG_CALLS (5) calls is left out of the mean: without one Serbian call (4 left),
    # English and Albanian alone decide: at 0.6 both 1 -> 0.6.
    keep = np.arange(len(p)) != 34
    assert ce.best_threshold(p2[keep], y[keep], lang2[keep]) == pytest.approx(0.6)
    # No language with enough calls (or only other languages): the pooled F1.
    assert ce.best_threshold(np.array([0.9, 0.4, 0.3]), np.array([1, 1, 0]), np.array([en, en, "other"])) == pytest.approx(0.4)


def test_the_evaluation_chooses_no_rule_per_language(calls_eval) -> None:  # type: ignore[no-untyped-def]
    # Session 8 (the lead's decision): one threshold for every language; the rules stay readable in old cards.
    assert not hasattr(calls_eval, "choose_rules") and not hasattr(calls_eval, "RULE_CANDIDATES")


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
