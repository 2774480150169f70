"""Kosovo's Gheg Albanian and Serbian in the call model's word lists (session 11).

Sentences written for these tests (synthetic, never a corpus post): the Gheg "t'" and "n'" for "të" and "në", the
infinitive "me" + participle, "hajt", "krejt", "nesre"; the places where Kosovo's protests gather (the Ibar bridge of
Mitrovica, Gazimestan, the Jarinje crossing, the squares of Prishtina) and the barricades of North Kosovo.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.posts import call_cues as cc
from detector.posts import call_model as cm
from detector.posts.matching import Texts
from detector.posts.text import normalize_series

# sentence: (lexicon invitation, lexicon time, lexicon place, language-independent invitation, everyone)
ROWS = {
    "Nesër n'orën 18 t'u dalim të gjithë te ura e Ibrit": (1, 1, 1, 1, 1),
    "Hajt me u bashkue para Kuvendit t'shtunën": (1, 1, 1, 1, 0),
    "Krejt bashkë t'mblidhemi te Gazimestani": (1, 0, 1, 1, 1),
    "Ju pritim nesre n'sheshin Zahir Pajaziti": (1, 1, 1, 1, 0),
    "Svi na most u Zvečanu sutra u 12h": (1, 1, 1, 1, 1),
    "Okupljanje kod spomenika knezu Lazaru u Leposaviću": (0, 0, 1, 0, 0),
}


def _norm(texts: list[str]) -> pd.Series:
    return normalize_series(pd.Series(texts, dtype="string"))


@pytest.mark.parametrize("text", list(ROWS))
def test_gheg_and_kosovo_forms_open_the_gate_and_are_read(text: str) -> None:
    norm = _norm([text])
    assert cm.gate(norm).all()
    lex = cm.lexicon_matrix(norm)[0]
    concepts = cc.concept_matrix(Texts(norm), ["x_invite", "x_everyone"])[0]
    got = (int(lex[1]), int(lex[3]), int(lex[4]), int(concepts[0]), int(concepts[1]))
    assert got == ROWS[text]
    assert cc.KOSOVO_ADDITIONS.search(norm.iloc[0])


def test_the_barricades_are_an_action_and_kosovos_parties_a_political_subject() -> None:
    norm = _norm(["Barikade na Jarinju, dođite svi", "Barrikadat në veri", "Protesta e LDK-së nesër"])
    lex = cm.lexicon_matrix(norm)
    assert lex[:, 0].tolist() == [1, 1, 1]  # an event named
    assert lex[0, 5] == 1  # the lexicon's call: an event with an invitation
    political = cm.topic_matrix(norm)[:, list(cm.TOPICS).index("political")]
    assert political[2] == 1


def test_gheg_grammar_is_a_hortative_and_its_days_are_soon() -> None:
    norm = _norm(["T'dalim t'shtunën", "Hajt t'u dalim nesre", "Shkojmë në det"])
    g = cm.grammar_matrix(norm)
    names = list(cm.GRAMMAR)
    assert g[:, names.index("hortative")].tolist() == [1, 1, 0]
    assert g[:, names.index("soon")].tolist() == [1, 1, 0]
    assert g[:, names.index("imperative")].tolist() == [0, 1, 0]


def test_the_additions_fire_on_none_of_the_older_test_sentences() -> None:
    older = ["Ejani të gjithë nesër në ora 18 para Bashkisë, protestojmë për ujin!", "Pozivamo sve građane na protest sutra u 18h ispred Skupštine",
             "Join us for the rally this Saturday at 2 PM outside City Hall!", "Sot ka diell në Shkodër"]  # fmt: skip
    assert not any(cc.KOSOVO_ADDITIONS.search(t) for t in _norm(older))
