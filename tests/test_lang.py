"""Language detection: given values win, else script and word lists decide.

Phrases written for these tests (no text of ../shared). Figures on real posts: EVALUATION.md.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.posts.lang import detect_lang

CASES = [
    ("Të gjithë në shesh nesër, mos mungoni!", "sq"),
    ("Sot ka diell dhe është ngrohtë në Tiranë", "sq"),
    ("Сви на протест у суботу, видимо се испред Скупштине", "sr-Cyrl"),
    ("Vidimo se sutra, nije kasno ali je hladno", "sr"),
    ("Tko je bio jučer na kavi u Zagrebu?", "hr"),
    ("Join us this Saturday for the rally, it is going to be great", "en"),
    ("Завтра будет митинг в центре, это важно", "ru"),
    ("", "und"),
]


@pytest.mark.parametrize(("text", "lang"), CASES)
def test_detect(text: str, lang: str) -> None:
    assert detect_lang(pd.Series([text])).iloc[0] == lang


def test_given_languages_win_and_blanks_are_detected() -> None:
    texts = pd.Series(["Sot ka diell në Tiranë", "Join us tonight, we need you", None], index=[3, 4, 5])
    given = pd.Series(["sq-AL", "", None], index=[3, 4, 5])
    out = detect_lang(texts, given)
    assert out.tolist() == ["sq-AL", "en", "und"]
    assert list(out.index) == [3, 4, 5]
