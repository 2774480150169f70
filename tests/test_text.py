"""Text normalisation with real Albanian, Serbian (both scripts) and English phrases.

Every expected value is written out: the point is to see what the matcher will compare.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from detector.posts.text import (
    _fold_batch,
    _fold_utf8_lengths,
    _list_table,
    normalize,
    normalize_series,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Albanian: ë and ç are folded (the deliberate diacritics choice).
        ("Të gjithë në shesh nesër në orën 18:00!", "te gjithe ne shesh neser ne oren 18:00!"),
        ("Përshëndetje nga Tirana, çdo ditë më mirë", "pershendetje nga tirana, cdo dite me mire"),
        (
            "Ejani të gjithë në protestë para Kryeministrisë",
            "ejani te gjithe ne proteste para kryeministrise",
        ),
        # Serbian Cyrillic, with the letters that have no single Latin letter.
        ("Сви на протест у суботу у подне!", "svi na protest u subotu u podne!"),
        ("Ђаци и студенти шетају улицама Београда", "djaci i studenti setaju ulicama beograda"),
        ("Љубљана, Њиш, џемпер, ћевапи, чај, жена", "ljubljana, njis, dzemper, cevapi, caj, zena"),
        # Serbian Latin with and without diacritics.
        ("Đaci i studenti šetaju ulicama Beograda", "djaci i studenti setaju ulicama beograda"),
        ("Djaci i studenti setaju ulicama Beograda", "djaci i studenti setaju ulicama beograda"),
        ("Novak Đoković", "novak djokovic"),
        # English, with a link, a mention, an HTML entity and a retweet marker.
        (
            "RT @RNRIllinois: Remember Kids. Dont do CNN &amp; MSNBC https://t.co/kmb1JOSVbg",
            "remember kids. dont do cnn & msnbc <url>",
        ),
        (
            "Join us at City Hall @MayorOffice www.example.org/march",
            "join us at city hall @user <url>",
        ),
        # Russian (other Cyrillic letters get one fixed Latin spelling).
        ("Щука, ёж и юла", "scuka, ez i jula"),
    ],
)
def test_normalize_real_phrases(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_serbian_scripts_and_diacritics_meet() -> None:
    forms = [
        "Сви на протест испред Скупштине у суботу у 18 часова!",
        "Svi na protest ispred Skupštine u subotu u 18 časova!",
        "svi na protest ispred skupstine u subotu u 18 casova!",
        "SVI NA PROTEST ISPRED SKUPŠTINE U SUBOTU U 18 ČASOVA!",
    ]
    assert {normalize(f) for f in forms} == {
        "svi na protest ispred skupstine u subotu u 18 casova!"
    }


def test_albanian_with_and_without_diacritics_meet() -> None:
    a = normalize("Të gjithë në shesh! Mos heshtni, ngrihuni për drejtësi. #Tirana")
    b = normalize("Te gjithe ne shesh!  Mos heshtni,  ngrihuni per drejtesi. #tirana")
    assert a == b == "te gjithe ne shesh! mos heshtni, ngrihuni per drejtesi. #tirana"


def test_distinct_messages_stay_distinct() -> None:
    assert normalize("Protest u subotu") != normalize("Protest u nedelju")
    assert normalize("Ne shesh neser") != normalize("Ne shesh sot")


def test_unicode_forms() -> None:
    # Full-width letters, a combining diaeresis, the single code point dž, ß.
    assert normalize("ＰＲＯＴＥＳＴ") == "protest"
    assert normalize("shesh nese\u0308r") == "shesh neser"
    assert normalize("\u01c6ep") == "dzep"
    assert normalize("Straße") == "strasse"


def test_invisible_characters_and_look_alike_letters() -> None:
    # A zero-width space, a soft hyphen and a direction mark hide nothing.
    assert normalize("pro\u200btest\u00ad na\u200e trgu") == "protest na trgu"
    # Cyrillic е and а inside a Latin word (a filter-evasion trick) become Latin.
    assert normalize("prot\u0435st n\u0430 trgu") == "protest na trgu"


def test_whitespace_quotes_and_dashes() -> None:
    assert normalize("  Svi\t\tna\n\nprotest\u00a0sutra  ") == "svi na protest sutra"
    assert normalize("“Mos heshtni” — thonë ata…") == '"mos heshtni" - thone ata...'


def test_mentions_and_urls_but_not_emails() -> None:
    assert normalize("@Filan_Fisteku @Петар shiko http://bit.ly/3xYz") == "@user @user shiko <url>"
    assert normalize("pisite na info@primer.rs") == "pisite na info@primer.rs"


def test_idempotent() -> None:
    for raw in ["Ђорђе и Đorđe", "RT @a: Të gjithë https://t.co/x", "ＰＲＯＴＥＳＴ ǅ"]:
        once = normalize(raw)
        assert normalize(once) == once


def test_missing_values() -> None:
    assert normalize(None) == ""  # type: ignore[arg-type]
    assert normalize(float("nan")) == ""  # type: ignore[arg-type]


def test_normalize_series_keeps_index_and_missing() -> None:
    s = pd.Series(
        ["Сви на протест", None, "Svi na protest", "Сви на протест"], index=[10, 11, 12, 13]
    )
    out = normalize_series(s)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.tolist() == ["svi na protest", "", "svi na protest", "svi na protest"]
    assert str(out.dtype) == "string"


ASCII_CASES = [
    "RT @abc: Join us at City Hall!",
    "  rt  @a_b :  spaced out marker",
    "RT@nospace: not a retweet marker",
    "x\x1cy\x0bz\x1f  w",
    "write to a@b.com or @Helper_1 today",
    "@a@b @@c @a.@b _@c",
    "see t.co/AbC and https://x.y/z?q=1 then www.Example.com/B.",
    "HTTP://LOUD.EXAMPLE/PATH and `backticks`",
    "Hello\tWorld\n\n  ",
    "",
]


UNICODE_CASES = [
    "RT\u00a0@Ана_1\u3000:\u2003Сви на протест",  # the marker with Unicode spaces and a Cyrillic handle
    "rt @a: rt @b: only the first marker goes",
    "протестt.co/AbC stays, протест t.co/Ђурђ goes",  # \\b before t.co: after a letter of any script it is no link
    "Видимо се www.Пример.срб/х\u200bи?q=1 и HTTPS://Ѕ.example",
    "httpſ://long-s.example and \u212aelvin",  # re.IGNORECASE folds ſ to s
    "ž@user is no mention; «@Đorđe» and ＠full-width",
    "ΚΑΛΗΣ ΟΔΟΣ ͅ done",  # Greek capitals; a lone combining ypogegrammeni (not \\w)
    "straße ǆ ﬁ ① ²",
    "nul\x00inside @x\x00@y http://a\x00b",
    "tab\there\x1c\x1d and\u2028line\u0085next",
    "ΐ ΰ İstanbul ŉ ẞ",  # case folding to two and three characters
    "\U00010400\U00010428 Deseret capitals fold beyond the BMP; \U0001F600 stays",
    "soft\u00adhyphen zero\u200bwidth \u2014 dash \u2026",
    "",
]


@pytest.mark.parametrize("raw", ASCII_CASES + UNICODE_CASES)
def test_vectorised_paths_match_normalize(raw: str) -> None:
    # Plain ASCII texts take the Arrow path, the others the batch path (the padding row is one of those).
    assert normalize_series(pd.Series([raw, "Ž padding"])).iloc[0] == normalize(raw)


def test_batch_folding_leaves_to_python_only_what_it_cannot_decide() -> None:
    texts = ["Сви на протест ΐ straße\u2003 ", "\U00010400 capital beyond the BMP", "\U0001F600  emoji\u00a0only", ""]
    folded, left = _fold_batch(pa.array(texts, type=pa.large_string()))
    assert left.tolist() == [False, True, False, False]
    assert [folded[i].as_py() for i in (0, 2, 3)] == ["svi na protest ι strasse", "\U0001F600 emoji only", ""]
    assert [folded[i].as_py() for i in (0, 2, 3)] == [" ".join(texts[i].casefold().translate(_list_table()).split()) for i in (0, 2, 3)]


def test_folded_characters_utf8_lengths() -> None:
    """The UTF-8 bytes of each character's result, which give the folded texts' offsets."""
    lengths = _fold_utf8_lengths()
    # a; ж -> z (ž folded); ß -> ss; a zero-width space goes; ΐ -> ι (its marks go, 2 bytes); € stays
    # (3 bytes); an ideographic space -> one space; щ -> sc (šč folded); ǆ stays here (NFKC splits it
    # before); Ж -> z
    chars = ["a", "ж", "ß", "\u200b", "ΐ", "€", "\u3000", "щ", "ǆ", "Ж"]
    assert [int(lengths[ord(c)]) for c in chars] == [1, 1, 2, 0, 2, 3, 1, 2, 2, 1]
    table = _list_table()
    assert [int(lengths[ord(c)]) for c in chars] == [len((" " if c.isspace() else c.casefold().translate(table)).encode("utf-8")) for c in chars]


def test_both_paths_agree_on_real_posts() -> None:
    fixture = Path(__file__).parent / "fixtures" / "coordination" / "posts.csv"
    texts = pd.read_csv(fixture, dtype=str)["text"]
    mixed = pd.concat(
        [texts, pd.Series(ASCII_CASES), pd.Series(["Сви на протест &amp; Të gjithë"])]
    )
    assert normalize_series(mixed).tolist() == [normalize(t) for t in mixed]


IRA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ira-2018" / "tweets.parquet"


@pytest.mark.skipif(not IRA.exists(), reason="../shared/datasets/ira-2018 is not present")
def test_both_paths_agree_on_ira_texts() -> None:
    # 40,000 distinct real texts: English, Russian, German, Ukrainian, emoji, links, entities.
    texts = pd.read_parquet(IRA, columns=["content"])["content"].drop_duplicates()
    sample = texts.sample(n=40000, random_state=5)
    assert normalize_series(sample).tolist() == [normalize(t) for t in sample]
