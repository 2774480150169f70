"""The call classifier: its transformer contract, its saved form, its batch API and its speed.

Texts here are written for these tests (Albanian, Serbian in both scripts, English) or quoted from
issue 10; none comes from ../shared. The figures on real posts are in EVALUATION.md
("Calls to protest"), produced by bench/calls_eval.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from detector.errors import ModelError
from detector.posts import call_model as cm
from detector.posts.calls import score_calls

# The three calls that issue 10 quotes as missed by the lexicon. The shipped model finds all three
# (the four-word Albanian one since session 5's language-balanced training).
ISSUE_CALLS = [
    "Блокада Вршац - Пијаца у 20.00",
    "Shihemi neser ne proteste",
    "Студенти из Лазаревца вас позивају на протест 10.06.",
]
CALLS = [
    "Ejani të gjithë nesër në ora 18 para Bashkisë, protestojmë për ujin!",
    "Pozivamo sve građane na protest sutra u 18h ispred Skupštine",
    "Join us for the rally this Saturday at 2 PM outside City Hall!",
]
NOT_CALLS = [
    "Policia shpërndau protestuesit mbrëmë në Tiranë",  # a report
    "Juče je održan protest ispred Skupštine, bilo je hiljadu ljudi",  # a report
    "Koncert večeras u 20h na Trgu, dođite!",  # a concert
    "Ejani nesër në Sheshin Skënderbej nga ora 22:30 për të pritur Vitin e Ri me koncert",  # New Year's Eve
    "Great weather today, going to the beach with friends",
    "Sot ka diell në Shkodër",
]


# Albanian ways of saying "be there" added in session 4 (written for this test): each opens the gate
# and is an invitation for the lexicon and for the grammar cues; the event words name an event.
SQ_INVITATIONS = [
    "Takohemi të shtunën te ura e qytetit",
    "Ju presim nesër në orën 17 te pazari",
    "Ju mirëpresim të gjithëve pasdite",
    "Mos mungo të dielën në lagjen tonë",
    "Na u bashkoni sonte te parku",
    "Të gjithë në rrugë të hënën!",
    "Të ngrihemi për ujin e pijshëm",
]
SQ_EVENTS = ["Marshi nis nga stacioni", "Protestojmë sot para ministrisë", "Manifestimi i banorëve u shty"]


def test_albanian_invitations_open_the_gate_and_are_invitations() -> None:
    from detector.posts.calls import EVENT, INVITE
    from detector.posts.text import normalize_series

    norm = normalize_series(pd.Series(SQ_INVITATIONS + SQ_EVENTS, dtype="string"))
    assert cm.gate(norm).all()
    inv = norm.iloc[: len(SQ_INVITATIONS)]
    assert [INVITE.search(t) is not None for t in inv] == [True] * len(SQ_INVITATIONS)
    grammar = cm.grammar_matrix(inv)
    cols = list(cm.GRAMMAR)
    assert grammar[:, [cols.index("hortative"), cols.index("imperative")]].max(axis=1).tolist() == [1, 1, 1, 1, 1, 0, 1]
    assert [EVENT.search(t) is not None for t in norm.iloc[len(SQ_INVITATIONS):]] == [True, True, True]
    # "mars" the month after a day number stays a month for the Albanian event words
    assert EVENT.search("me 16 mars ora 11") is None


@pytest.fixture(scope="module")
def model() -> cm.CallModel:
    return cm.load_model()


def test_features_follow_the_estimator_contract() -> None:
    from sklearn.exceptions import NotFittedError

    f = cm.CallFeatures(n_features=2**10, char_ngram=(2, 3), word_ngram=(1, 1))
    with pytest.raises(NotFittedError):
        f.transform(["Protest sutra"])
    assert f.fit(["Protest sutra", "Sot ka diell", "Join us"]) is f
    assert f.idf_.shape == (2**10,) and f.idf_.min() >= 1.0
    params = f.get_params()
    assert params["n_features"] == 2**10 and params["char_ngram"] == (2, 3)
    g = clone(f)
    assert g.get_params() == params and not hasattr(g, "idf_")
    X = f.transform(["Protest sutra", "Протест сутра", None])
    n_cues = len(cm.LEXICON_COLUMNS) + len(cm.GRAMMAR) + len(cm.PATTERN_COLUMNS)
    assert X.shape == (3, 2**10 + n_cues) == (3, f.n_features_out_)
    # One text in two scripts is one row of features; an empty text has none.
    assert (X[0] != X[1]).nnz == 0
    assert X[2].nnz == 0
    # The n-gram part has unit length; each cue present adds extra_weight.
    np.testing.assert_allclose(np.linalg.norm(X[0, : 2**10].toarray()), 1.0, rtol=1e-5)
    lexicon_event = X[0, 2**10]
    assert lexicon_event == pytest.approx(f.extra_weight)
    with pytest.raises(ValueError):
        cm.CallFeatures(n_features=4).fit(["a"])


# Written for this test: one invitation with a time and a place per language, to a protest and to
# an evening out. Expected: (political subject, leisure subject) of each.
TOPIC_CASES = [
    ("Ejani nesër në ora 18 para Kryeministrisë, protestojmë kundër korrupsionit!", 1, 0),
    ("Ejani sonte në ora 20 në Sheshin Skënderbej, koncert për Vitin e Ri!", 0, 1),
    ("Dođite sutra u 18h ispred Vlade, protest protiv korupcije!", 1, 0),
    ("Дођите вечерас у 21h на Трг, концерт за дочек Нове године!", 0, 1),
    ("Join us Saturday at 2 PM outside City Hall to protest police violence", 1, 0),
    ("Join us Saturday at 2 PM in the park for a free concert", 0, 1),
]


@pytest.mark.parametrize(("text", "political", "leisure"), TOPIC_CASES)
def test_topic_cues_tell_a_political_invitation_from_an_evening_out(text: str, political: int, leisure: int) -> None:
    from detector.posts.text import normalize_series

    norm = normalize_series(pd.Series([text]))
    cues = cm.cue_matrix(norm, cm.lexicon_matrix(norm), cm.grammar_matrix(norm), cm.pattern_matrix(norm))
    got = dict(zip(cm.CUE_COLUMNS, cues[0].tolist(), strict=True))
    assert len(cm.CUE_COLUMNS) == cues.shape[1] == 24
    # Every case has the shape of an invitation: an invitation word with a time and a place.
    assert (got["political"], got["shape_political"], got["shape_leisure"]) == (political, political, leisure)
    assert got["shape_neither"] == 0
    assert got["shape_political_not_leisure"] == political * (1 - leisure)


def test_cue_features_extend_the_matrix_and_need_their_parts() -> None:
    texts = ["Protest sutra u 18h ispred Skupštine", "Koncert večeras u 20h na Trgu"]
    f = cm.CallFeatures(n_features=2**10, char_ngram=(2, 3), word_ngram=(1, 1), cues=True).fit(texts)
    plain = cm.CallFeatures(n_features=2**10, char_ngram=(2, 3), word_ngram=(1, 1)).fit(texts)
    X = f.transform(texts)
    assert X.shape[1] == f.n_features_out_ == plain.n_features_out_ + len(cm.CUE_COLUMNS)
    # The shape-by-topic columns weigh cue_weight, the other cues extra_weight.
    last = dict(zip(cm.CUE_COLUMNS, X[0, -len(cm.CUE_COLUMNS) :].toarray().ravel().tolist(), strict=True))
    assert last["shape_political"] == pytest.approx(f.cue_weight)
    assert last["event_time_place"] == pytest.approx(f.extra_weight)
    with pytest.raises(ValueError, match="cues"):
        cm.CallFeatures(n_features=2**10, lexicon=False, cues=True).fit(texts)


def test_shipped_model_loads_fast_and_has_its_card() -> None:
    cm._CACHE.clear()
    t0 = time.perf_counter()
    m = cm.load_model()
    assert time.perf_counter() - t0 < 0.3
    card = json.loads(cm.card_path(cm.default_model_path()).read_text())
    assert card["threshold"] == m.threshold and 0 < m.threshold < 1
    # Session 8: one threshold for every language (sessions 6 and 7 gave English its own, 0.4047 and 0.3544). Session 9:
    # the procedure chose session 5's feature set at C=16 again (2 of 5 outer folds; the blend was chosen by none), refitted
    # with session 9's columns (every weekday in the grammar's "soon", the whole-word Serbian march): threshold 0.4241.
    # Session 10: the same setting (2 of 5 outer folds; the new units set was chosen by none), with the exclusion columns:
    # threshold 0.409. Session 11: the same setting again (2 of 5 outer folds; a tie with the language-independent cues at
    # C=16, broken by the order of the votes), with the exclusion weights bounded at 0: threshold 0.3355. Session 12: the same
    # choices and the same model bit for bit (the new per-language candidate was chosen by no outer fold); then (h75) the
    # threshold by the best mean of the per-language F1s: the same weights, threshold 0.2949. Session 13: the same choices
    # and the same model bit for bit (the new word-cluster candidate was chosen by no outer fold). Session 14 (h92): the same
    # procedure on 7,318 more labels: 3 of 5 outer folds chose the language-independent cues at C=256, threshold 0.2452.
    # Session 15 (h97), shipped in session 16: the same cues with the parts of a call bounded at 0 (2 of 5 outer folds at
    # C=256; the run repeated in session 16 with the same choices and figures): threshold 0.2814, two part columns held at 0.
    assert m.rules == {} and card["rules"] == {}
    assert "at most 0" in card["choice"]["fit"] and "at least 0" in card["choice"]["fit"]
    assert card["choice"]["parts_held_at_0"] == ["imperative", "x_soon"]
    assert m.threshold == 0.2814 and m.features.units is False and m.features.transfer is True and m.features.exclusions is True
    assert m.features.per_language is False and card["features"]["per_language"] is False
    assert m.features.clusters is False and card["features"]["clusters"] is False and "word_clusters" not in card
    assert card["choice"]["C"] == 256.0 and card["choice"]["features"] == "lexicon+cues+transfer+signs"
    assert card["training_data"]["calls"] >= 150
    assert 0 < m.base_rate < 0.05


def test_load_refuses_a_broken_model(tmp_path: Path, model: cm.CallModel) -> None:
    path = cm.save_model(model, tmp_path / "m.npz")
    card = json.loads(cm.card_path(path).read_text())
    card["features"]["char_ngram"] = [2, 3]
    card["features"]["grammar"] = False
    cm.card_path(path).write_text(json.dumps(card))
    with pytest.raises(ModelError, match="weights"):
        cm.load_model(path)
    with pytest.raises(ModelError):
        cm.load_model(tmp_path / "missing.npz")


def test_save_and_load_round_trip(tmp_path: Path, model: cm.CallModel) -> None:
    path = cm.save_model(model, tmp_path / "m.npz")
    again = cm.load_model(path)
    texts = pd.Series(CALLS + NOT_CALLS)
    np.testing.assert_allclose(
        score_calls(texts, model=again)["call_score"], score_calls(texts, model=model)["call_score"]
    )


@pytest.mark.parametrize("text", CALLS)
def test_calls_are_found(text: str, model: cm.CallModel) -> None:
    out = score_calls(pd.Series([text]), model=model)
    assert bool(out["is_call"].iloc[0]), out["call_score"].iloc[0]
    assert out["event"].iloc[0] != ""
    assert out["call_reasons"].iloc[0].startswith("call score")


# A known false call of session 10's model (0.54 against 0.409; session 9's: 0.37): the exclusion column "an invitation's
# shape with a non-political event" learnt a positive weight on the labels, larger than the negative one of the
# non-political event itself. Kept, failing, so that a later model that fixes it is seen. Session 11's model bounds those
# weights at 0 (both are at 0 now: the labels give the non-political event no negative weight either) and still marks it,
# barely: 0.35 against 0.336; against session 12's 0.295 (the same weights), more clearly.
# Session 14's model (h92: 7,318 more labels, most of them hard non-calls of the call authors) no longer marks it.
KNOWN_FALSE_CALLS: set[str] = set()


@pytest.mark.parametrize(
    "text",
    [pytest.param(t, marks=pytest.mark.xfail(strict=True, reason="sessions 10 to 13's models mark it a call")) if t in KNOWN_FALSE_CALLS else t for t in NOT_CALLS],
)
def test_reports_and_chatter_are_not_calls(text: str, model: cm.CallModel) -> None:
    out = score_calls(pd.Series([text]), model=model)
    assert not bool(out["is_call"].iloc[0]), out["call_score"].iloc[0]
    assert out["when"].iloc[0] == "" and out["call_reasons"].iloc[0] == ""


def test_issue_examples(model: cm.CallModel) -> None:
    out = score_calls(pd.Series(ISSUE_CALLS), model=model)
    assert out["is_call"].all(), out["call_score"].tolist()
    assert out["where"].iloc[0] == "Пијаца" and out["when"].iloc[0] == "у 20.00"


def test_score_calls_columns_index_and_time(model: cm.CallModel) -> None:
    texts = pd.Series(["Pozivamo sve građane na protest sutra u 18h ispred Skupštine", "Sot ka diell", None], index=[7, 8, 9])
    created = pd.Series(["2025-05-14T09:00:00Z", "2025-05-14T09:00:00Z", None], index=[7, 8, 9])
    out = score_calls(texts, created, pd.Series(["sr", "sq", None], index=[7, 8, 9]), model=model)
    assert list(out.columns) == cm.CALL_COLUMNS
    assert list(out.index) == [7, 8, 9]
    assert out["is_call"].tolist() == [True, False, False]
    assert ((out["call_score"] > 0) & (out["call_score"] < 1)).all()
    assert out.loc[7, "when"] == "sutra u 18h"
    assert out.loc[7, "when_ts"] == pd.Timestamp("2025-05-15 16:00", tz="UTC")
    assert out.loc[7, "where"] == "ispred Skupštine"
    assert out.loc[7, "event"] == "protest"
    assert str(out["when_ts"].dtype) == "datetime64[ns, UTC]"


def test_batch_speed(model: cm.CallModel) -> None:
    # Synthetic: 50,000 short posts of which most fall outside the gate, as in real traffic.
    rng = np.random.default_rng(0)
    words = np.array("the a we game love you great ka diell je lepo dan vreme mire".split())
    texts = pd.Series([" ".join(rng.choice(words, 8)) + f" {i}" for i in range(50_000)])
    texts.iloc[::50] = "Join us for the rally this Saturday at 2 PM outside City Hall!"
    t0 = time.perf_counter()
    out = score_calls(texts, model=model)
    assert time.perf_counter() - t0 < 20  # about 2 s on an idle core; the machine is shared
    assert out["is_call"].sum() == 1000


def test_given_normalised_texts_give_the_same_scores(model: cm.CallModel) -> None:
    from detector.posts.text import normalize_series

    texts = pd.Series(CALLS + NOT_CALLS)
    given = score_calls(texts, model=model, normalised=normalize_series(texts))
    pd.testing.assert_frame_equal(given, score_calls(texts, model=model))


def test_cue_matrices_equal_the_per_text_regex_loops() -> None:
    """The vectorised lexicon, grammar and pattern columns are the per-text Python searches they replace (real IRA texts, synthetic strings)."""
    from detector.posts import calls
    from detector.posts import extract as ex

    fixture = Path(__file__).parent / "fixtures" / "posts" / "ira_calls.csv"
    real = pd.read_csv(fixture)["content"].dropna()
    synthetic = ["svi na protest sutra u 18h ispred skupstine", "in march 5", "protestя u 18h", "tomorrow at 5pm at the park", ""]
    norm = cm.normalize_series(pd.concat([real, pd.Series(synthetic)]).astype("string"))

    def loops(patterns: list) -> np.ndarray:
        return np.array([[rx.search(t) is not None for rx in patterns] for t in norm.astype(str)], dtype=np.float32)

    lex = cm.lexicon_matrix(norm)
    assert (lex[:, :5] == loops([calls.EVENT, calls.INVITE, calls.ANNOUNCE, calls.TIME, calls.PLACE])).all()
    assert (cm.grammar_matrix(norm) == loops(cm._GRAMMAR_RX)).all()
    assert (cm.pattern_matrix(norm) == loops([ex.WHEN_RX, cm._CLOCK_RX, ex.PLACE_RX, ex.TOWN_RX])).all()
    # The first synthetic text has every part but an announcement: event, invitation ("svi na protest"), time, place.
    assert lex[len(real)].tolist() == [1, 1, 0, 1, 1, 1]
    # "in march 5" is a date (the month), with no clock time, place or town.
    assert cm.pattern_matrix(norm.iloc[[len(real) + 1]]).tolist() == [[1, 0, 0, 0]]


def test_char_grams_per_word_equal_sklearns_hashing_vectorizer() -> None:
    """The per-distinct-word char_wb n-grams are sklearn's matrix bit for bit (real IRA texts, synthetic edge cases)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    fixture = Path(__file__).parent / "fixtures" / "posts" / "ira_calls.csv"
    real = cm.normalize_series(pd.read_csv(fixture)["content"].dropna().astype("string")).tolist()
    synthetic = ["", "a", "x y", "ab  cd\tef", "protest protest protest", "ünïcode wörds ok"]
    docs = real + synthetic
    expected = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=2**12, alternate_sign=False, norm="l2", lowercase=False, dtype=np.float32
    ).transform(docs)
    got = cm._char_wb_grams(docs, (2, 5), 2**12)
    assert got.dtype == np.float32 and got.shape == expected.shape == (len(docs), 2**12)
    assert (got.indptr == expected.indptr).all() and (got.indices == expected.indices).all() and (got.data == expected.data).all()
    assert got[len(real)].nnz == 0  # the empty text
    assert cm._char_wb_grams(["", ""], (2, 5), 16).shape == (2, 16)


def test_eval_groups_join_authors_copies_truncated_copies_and_translations() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("calls_eval", Path(__file__).resolve().parents[1] / "bench" / "calls_eval.py")
    assert spec is not None and spec.loader is not None
    calls_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(calls_eval)

    long = "te gjithe neser ne oren 18 para bashkise per ujin e pijshem dhe per"  # synthetic, > 50 characters
    d = pd.DataFrame(
        [
            # post_id, source, author_id, normalised text
            ("a1", "albanian_dialect", "u1", long + " drejtesine"),
            ("a2", "albanian_dialect", "u2", long + " te ardhmen…"),  # the same start, cut elsewhere
            ("a3", "albanian_dialect", "u3", "sot ka diell"),
            ("a4", "albanian_dialect", "u3", "nje tjeter postim"),  # same author as a3
            ("a5", "albanian_dialect", "u4", "sot ka diell"),  # a copy of a3's text
            ("a6", "albanian_dialect", "u5", "krejt tjeter"),
            ("blokade/vesti/sr/x#t1", "blokade", None, "protest sutra"),
            ("blokade/vesti/en/x#t1", "blokade", None, "protest tomorrow"),  # one article in two languages
        ],
        columns=["post_id", "source", "author_id", "norm"],
    )
    g = calls_eval.groups(d)
    assert g[0] == g[1] and g[2] == g[3] == g[4] and g[6] == g[7]
    assert len({g[0], g[2], g[5], g[6]}) == 4
