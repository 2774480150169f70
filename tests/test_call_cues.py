"""detector.posts.call_cues: one column per idea of a call, the same column in Albanian, Serbian (both scripts) and English.

The phrases are written for these tests (none comes from ../shared); each row says which ideas it
holds, so a word removed from a list, or a list that starts to catch everything, fails here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts.calls import EVENT
from detector.posts.extract import event_kind, extract_one, fold
from detector.posts.matching import Texts
from detector.posts.text import normalize_series

# text -> (invite, event, everyone, soon, people, you)
CONCEPT_ROWS = [
    ("Ejani të gjithë nesër para Kuvendit!", (1, 0, 1, 1, 0, 0)),
    ("Le të dalim bashkë në protestë", (1, 1, 1, 0, 0, 0)),
    ("Shihemi neser ne proteste", (1, 1, 0, 1, 0, 0)),
    ("Bashkohuni me qytetarët e Shkodrës sonte", (1, 0, 0, 1, 1, 0)),
    ("Ju ftojmë në tubimin e së shtunës", (1, 1, 0, 0, 0, 1)),
    ("Грађани, дођите сви на збор у суботу", (1, 1, 1, 1, 1, 0)),
    ("Gradjani, dodite svi na zbor u subotu", (1, 1, 1, 1, 1, 0)),
    ("Okupimo se zajedno ispred opštine, pozivamo vas", (1, 1, 1, 0, 0, 1)),  # "okupim-" is also the Albanian sit-in
    ("Студенти позивају на протестну шетњу", (1, 1, 0, 0, 1, 0)),
    ("Join us for the rally tomorrow, everyone welcome", (1, 1, 1, 1, 0, 0)),
    ("Citizens, see you there on Saturday", (1, 0, 0, 1, 1, 1)),
    ("Sot ka diell në Shkodër", (0, 0, 0, 1, 0, 0)),
    ("Lepo vreme, idem na more", (0, 0, 0, 0, 0, 0)),
    ("I love this song", (0, 0, 0, 0, 0, 0)),
]


def _norm(texts: list[str]) -> pd.Series:
    return normalize_series(pd.Series(texts, dtype="string"))


def test_each_idea_is_one_column_in_every_language() -> None:
    got = cc.concept_matrix(Texts(_norm([t for t, _ in CONCEPT_ROWS])))
    assert list(cc.CONCEPTS) == ["x_invite", "x_event", "x_everyone", "x_soon", "x_people", "x_you"]
    assert {t: tuple(int(v) for v in row) for (t, _), row in zip(CONCEPT_ROWS, got, strict=True)} == dict(CONCEPT_ROWS)


@pytest.mark.parametrize(
    ("text", "is_event"),
    [
        ("Marš na Drinu!", True),  # Serbian: a march
        ("protestni marš sutra u 18h", True),
        ("Марш до Новог Сада", True),  # Cyrillic folds to "mars" too
        ("Më 8 mars u mbajt tubimi", True),  # the event word is "tubimi"; "8 mars" is the month
        ("ne mars 2019 ishim ne Tirane", False),  # Albanian month after "në"
        ("deri ne mars", False),
        ("muajin mars", False),
        ("mars 2020", False),
        ("me 16 mars ora 11", False),
    ],
)
def test_the_serbian_march_is_not_the_albanian_month(text: str, is_event: bool) -> None:
    norm = _norm([text]).iloc[0]
    assert (EVENT.search(norm) is not None) == is_event
    assert bool(cc.CONCEPTS["x_event"].search(norm)) == is_event


def test_a_post_known_to_be_albanian_never_reads_mars_as_a_march() -> None:
    assert event_kind(fold("Mars për paqen").text) == "march"  # language unknown: the Serbian reading
    assert event_kind(fold("Mars për paqen").text, "sq") == ""
    assert event_kind(fold("Marshi për paqen në mars").text, "sq") == "march"  # "marshi" is the Albanian march
    assert extract_one("Marš do Skupštine sutra u 18h", lang="sr")["event"] == "march"
    assert extract_one("Tubim sot, jo si ne mars", lang="sq")["event"] == "gathering"  # session 10: "tubim" is a gathering


def test_crossings_with_time_place_leisure_and_reports() -> None:
    norm = _norm(["Shihemi neser ne proteste", "Ejani te gjithe ne oren 18 ne shesh", "Ejani ne koncert ne oren 20 ne shesh", "Dje protestuan studentet"])
    texts = Texts(norm)
    time_ = np.array([1, 1, 1, 0], dtype=np.float32)
    place = np.array([0, 1, 1, 0], dtype=np.float32)
    leisure = np.array([0, 0, 1, 0], dtype=np.float32)
    report = np.array([0, 0, 0, 1], dtype=np.float32)
    m = cc.transfer_matrix(texts, time_, place, leisure, report)
    assert m.shape == (4, len(cc.TRANSFER_COLUMNS))
    col = {c: m[:, i].tolist() for i, c in enumerate(cc.TRANSFER_COLUMNS)}
    assert col["x_invite_event"] == [1, 0, 0, 0]
    assert col["x_event_soon"] == [1, 0, 0, 0]
    assert col["x_everyone_time_or_place"] == [0, 1, 0, 0]
    assert col["x_invite_time_place"] == [0, 1, 1, 0]
    assert col["x_call_shape_not_leisure"] == [0, 1, 0, 0]  # the concert has the shape, and is leisure
    assert col["x_event_people"] == [0, 0, 0, 1]
    assert col["x_event_invite_or_everyone_or_soon_not_report"] == [1, 0, 0, 0]


def test_features_with_and_without_ngrams() -> None:
    norm = _norm([t for t, _ in CONCEPT_ROWS])
    base = cm.CallFeatures(n_features=2**10, normalised=True).fit(norm)
    full = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, transfer=True, transfer_weight=3.0).fit(norm)
    only = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, transfer=True, ngrams=False).fit(norm)
    n_cues = len(cm.LEXICON_COLUMNS) + len(cm.GRAMMAR) + len(cm.PATTERN_COLUMNS) + len(cm.CUE_COLUMNS)
    assert full.transform(norm).shape == (len(norm), 2**10 + n_cues + len(cc.TRANSFER_COLUMNS))
    X = only.transform(norm).toarray()
    assert X.shape == (len(norm), n_cues + len(cc.TRANSFER_COLUMNS)) == (len(norm), only.n_features_out_)
    # The transfer block is the last one, scaled by its weight; the other columns are the same with or without n-grams.
    tail = full.transform(norm).toarray()[:, -len(cc.TRANSFER_COLUMNS):]
    np.testing.assert_array_equal(tail, 3.0 * X[:, -len(cc.TRANSFER_COLUMNS):])
    np.testing.assert_array_equal(tail[:, :6], 3.0 * cc.concept_matrix(Texts(norm)))
    assert base.transform(norm).shape[1] == 2**10 + len(cm.LEXICON_COLUMNS) + len(cm.GRAMMAR) + len(cm.PATTERN_COLUMNS)
    with pytest.raises(ValueError, match="transfer=True needs cues"):
        cm.CallFeatures(transfer=True).fit(norm)


def test_a_model_without_ngrams_saves_and_loads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    norm = _norm([t for t, _ in CONCEPT_ROWS])
    f = cm.CallFeatures(n_features=2**10, normalised=True, cues=True, transfer=True, ngrams=False).fit(norm)
    coef = np.linspace(-1, 1, f.n_features_out_).astype(np.float32)
    model = cm.CallModel(f, coef, -0.5, (1.0, 0.0), 0.5, 0.01, {})
    again = cm.load_model(cm.save_model(model, tmp_path / "m.npz"))
    assert again.features.ngrams is False and again.features.transfer is True
    np.testing.assert_allclose(again.decision(norm), model.decision(norm), rtol=1e-6)


def test_language_balanced_weights() -> None:
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0])
    lang = np.array(["sq", "sq", "sq", "sq", "en", "en", "sr", "sr"])
    # Within each language the classes weigh the same; each language weighs the same in total
    # (Serbian has no call here: its two posts share its total); the mean weight is 1.
    w = cm.balanced_weights(y, lang)
    np.testing.assert_allclose(w, [4 / 3, 4 / 9, 4 / 9, 4 / 9, 4 / 3, 4 / 3, 4 / 3, 4 / 3])
    assert w.mean() == pytest.approx(1.0)
    # A fit with them is a fit: the call column gets the positive weight.
    X = np.c_[y, 1 - y].astype(np.float32)
    coef, _ = cm.fit_linear(sp.csr_matrix(X), y, 1.0, groups=lang)
    assert coef[0] > 0 > coef[1]


def test_leaving_a_language_out_leaves_out_its_groups_and_translations(calls_eval, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    ce = calls_eval
    lang = np.array(["Albanian", "Albanian", "English", "English", "Serbian Cyrillic", "English", "Serbian/Bosnian/Croatian Latin"])
    group = np.array([0, 1, 1, 2, 3, 3, 4])  # post 2 shares a group with an Albanian post; post 5 is post 4's translation
    train, test = ce.language_split(lang, group, ("Albanian",))
    assert test.tolist() == [0, 1] and train.tolist() == [3, 4, 5, 6]
    train, test = ce.language_split(lang, group, ce.LOLO["Serbian (both scripts)"])
    assert test.tolist() == [4, 6] and train.tolist() == [0, 1, 2, 3]
    # Serbian in both scripts is one weighting group; the choice averages AP over languages with enough calls.
    assert ce.weight_groups(lang).tolist() == ["Albanian", "Albanian", "English", "English", "Serbian", "English", "Serbian"]
    y = np.array([1, 0, 1, 0, 1, 0, 0] * 3)
    d = np.array([0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.1] * 3)
    langs = np.tile(lang, 3)
    monkeypatch.setattr(ce, "MIN_LANG_CALLS", 2)
    # Albanian AP 1, English AP 1/3 (its calls rank under both its non-calls), Serbian Cyrillic AP 1; Latin has no calls.
    assert ce.macro_ap(y, d, langs) == pytest.approx((1.0 + 1 / 3 + 1.0) / 3)
