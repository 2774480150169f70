"""The two "unit" columns of the call model (session 7): an invitation with a time and a place, or with an action and a time, in any language.

The phrases are written for these tests (none comes from ../shared); each row says which units it
holds, so a list that stops catching a language, or a unit that starts to fire without one of its
parts, fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts.matching import Texts
from detector.posts.text import normalize_series

# text -> (u_time_place_address, u_action_time_address)
UNIT_ROWS = [
    ("Sutra u 18h svi ispred Skupštine", (1, 0)),  # time, place, everyone; no action named
    ("Сутра у 18 часова сви испред Скупштине", (1, 0)),  # the same in Cyrillic
    ("Nesër në orën 18 të gjithë para Komunës", (1, 0)),
    ("Tomorrow at 6pm everyone in front of City Hall", (1, 0)),
    ("Ejani të gjithë në protestë të hënën", (0, 1)),  # action, day, invitation; no place
    ("Join the march on Saturday", (0, 1)),
    ("Dođite svi na protest sutra u 18h ispred Skupštine", (1, 1)),  # both
    ("Sutra u 18h ispred Skupštine", (0, 0)),  # time and place, nobody invited
    ("The march was held on Saturday in front of the Assembly", (0, 0)),  # a report: no invitation
    ("Svi na protest!", (0, 0)),  # invitation and action, no time
    ("Hello world", (0, 0)),
]


def _norm(texts: list[str]) -> pd.Series:
    return normalize_series(pd.Series(texts, dtype="string"))


def _time_place(norm: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    t = Texts(norm)
    lex, pat = cm.lexicon_matrix(norm, t), cm.pattern_matrix(norm, t)
    return np.maximum.reduce([lex[:, 3], pat[:, 0], pat[:, 1]]), np.maximum.reduce([lex[:, 4], pat[:, 2], pat[:, 3]])


def test_an_invitation_with_a_time_and_a_place_is_one_unit_in_every_language() -> None:
    norm = _norm([t for t, _ in UNIT_ROWS])
    got = cc.unit_matrix(Texts(norm), *_time_place(norm))
    assert cc.UNIT_COLUMNS == ["u_time_place_address", "u_action_time_address"]
    assert {t: tuple(int(v) for v in row) for (t, _), row in zip(UNIT_ROWS, got, strict=True)} == dict(UNIT_ROWS)


def test_units_equal_their_parts_searched_one_text_at_a_time() -> None:
    norm = _norm([t for t, _ in UNIT_ROWS])
    time_, place = _time_place(norm)
    rows = []
    for i, t in enumerate(norm.astype(str)):
        has = {k: cc.CONCEPTS[k].search(t) is not None for k in ("x_invite", "x_event", "x_everyone", "x_soon")}
        when = bool(time_[i]) or has["x_soon"]
        address = has["x_invite"] or has["x_everyone"]
        rows.append([when and bool(place[i]) and address, has["x_event"] and when and address])
    np.testing.assert_array_equal(cc.unit_matrix(Texts(norm), time_, place), np.array(rows, dtype=np.float32))
    # Only the named concepts, in the order asked.
    np.testing.assert_array_equal(cc.concept_matrix(Texts(norm), ["x_soon", "x_invite"]), cc.concept_matrix(Texts(norm))[:, [3, 0]])


def test_the_unit_columns_come_last_worth_the_cue_weight() -> None:
    norm = _norm([t for t, _ in UNIT_ROWS])
    plain = cm.CallFeatures(n_features=2**10, normalised=True, cues=True).fit(norm)
    units = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, units=True, cue_weight=3.0).fit(norm)
    A, B = plain.transform(norm).toarray(), units.transform(norm).toarray()
    assert B.shape == (len(norm), A.shape[1] + 2) == (len(norm), units.n_features_out_)
    np.testing.assert_array_equal(B[:, :-2], cm.CallFeatures(n_features=2**10, normalised=True, cues=True, cue_weight=3.0).fit(norm).transform(norm).toarray())
    np.testing.assert_array_equal(B[:, -2:], 3.0 * np.array([r for _, r in UNIT_ROWS], dtype=np.float32))
    # With the transfer block too, the units follow it.
    both = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, transfer=True, units=True).fit(norm)
    assert both.transform(norm).shape[1] == A.shape[1] + len(cc.TRANSFER_COLUMNS) + 2
    with pytest.raises(ValueError, match="units=True needs cues"):
        cm.CallFeatures(units=True).fit(norm)


def test_a_model_with_units_saves_and_loads_and_old_cards_load_without(tmp_path: Path) -> None:
    norm = _norm([t for t, _ in UNIT_ROWS])
    f = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, units=True).fit(norm)
    coef = np.linspace(-1, 1, f.n_features_out_).astype(np.float32)
    model = cm.CallModel(f, coef, -0.5, (1.0, 0.0), 0.5, 0.01, {})
    path = cm.save_model(model, tmp_path / "m.npz")
    again = cm.load_model(path)
    assert again.features.units is True
    np.testing.assert_allclose(again.decision(norm), model.decision(norm), rtol=1e-6)
    # A card written before session 7 has no "units": the model loads without them (and its weights must fit that).
    g = cm.CallFeatures(n_features=2**10, normalised=True, cues=True).fit(norm)
    old = cm.save_model(cm.CallModel(g, coef[:-2], -0.5, (1.0, 0.0), 0.5, 0.01, {}), tmp_path / "old.npz")
    card = json.loads(cm.card_path(old).read_text())
    del card["features"]["units"]
    cm.card_path(old).write_text(json.dumps(card))
    assert cm.load_model(old).features.units is False


def test_the_fixed_split_trains_only_on_groups_without_a_held_out_post(calls_eval) -> None:  # type: ignore[no-untyped-def]
    held = np.array([True, False, False, False, True, False])
    group = np.array([0, 0, 1, 2, 3, 2])  # post 1 shares group 0 with held-out post 0
    train, test = calls_eval.heldout_split(held, group)
    assert test.tolist() == [0, 4] and train.tolist() == [2, 3, 5]


def test_a_model_with_units_scores_without_importing_sklearn(tmp_path: Path) -> None:
    import subprocess
    import sys

    norm = _norm([t for t, _ in UNIT_ROWS])
    f = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, units=True).fit(norm)
    # Weight on the two unit columns only: a post is a call exactly when it holds a unit.
    coef = np.zeros(f.n_features_out_, dtype=np.float32)
    coef[-2:] = 1.0
    path = cm.save_model(cm.CallModel(f, coef, -1.0, (1.0, 0.0), 0.5, 0.01, {}), tmp_path / "units.npz")
    code = (
        "import sys, pandas as pd\n"
        "from detector.posts.calls import score_calls\n"
        f"out = score_calls(pd.Series(['Sutra u 18h svi ispred Skupštine', 'Sutra u 18h ispred Skupštine']), model={str(path)!r})\n"
        "print(out['is_call'].tolist(), 'sklearn' in sys.modules)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[True, False] False"
