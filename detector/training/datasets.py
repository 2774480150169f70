"""The labelled training collections: building them from the raw sets, and loading them.

The raw, published sets live outside the project (``../shared/datasets``). :func:`build_tables`
reads them with the same readers users' files go through (:mod:`detector.accounts.read`) and writes
compact canonical tables under ``datasets/accounts/``, with a manifest of hashes, so a fresh clone
can retrain without the raw sets. :func:`load_training_table` reads those tables.

This module owns the list of collections, their labels and their provenance. It never trains.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from detector.accounts.read import read_accounts
from detector.errors import InputError
from detector.io import atomic_path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_TABLES = REPO_ROOT / "datasets" / "accounts"
MANIFEST = "MANIFEST.json"


@dataclass(frozen=True)
class Source:
    """One raw file of a collection, and the label of every account in it (1 = inauthentic)."""

    path: str
    label: int
    kind: str  # human, social_spambot, fake_follower, self_declared_bot, verified_human


@dataclass(frozen=True)
class Collection:
    name: str
    sources: tuple[Source, ...]
    citation: str


COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        "cresci-2017",
        (
            Source("cresci-2017/genuine_accounts.users.csv", 0, "human"),
            Source("cresci-2017/social_spambots_1.users.csv", 1, "social_spambot"),
        ),
        'Cresci, Di Pietro, Petrocchi, Spognardi, Tesconi. "The paradigm-shift of social '
        'spambots: Evidence, theories, and tools for the arms race". WWW \'17 Companion, 2017.',
    ),
    Collection(
        "cresci-2015",
        (
            Source("cresci-2015/E13.users.csv", 0, "human"),
            Source("cresci-2015/INT.users.csv", 1, "fake_follower"),
        ),
        'Cresci, Di Pietro, Petrocchi, Spognardi, Tesconi. "Fame for sale: efficient detection '
        'of fake Twitter followers". Decision Support Systems 80, 2015.',
    ),
    Collection(
        "botwiki-verified-2019",
        (
            Source("botwiki-2019/botwiki-2019_tweets.json", 1, "self_declared_bot"),
            Source("verified-2019/verified-2019_tweets.json", 0, "verified_human"),
        ),
        'Yang, Varol, Hui, Menczer. "Scalable and generalizable social bot detection through '
        'data selection". AAAI 2020 (Bot Repository, OSoMe, Indiana University).',
    ),
)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_tables(raw_dir: Path = DEFAULT_RAW, out_dir: Path = DEFAULT_TABLES) -> dict[str, object]:
    """Convert every raw collection into ``out_dir/<collection>.parquet`` and a manifest.

    Returns the manifest (also written as ``MANIFEST.json``).
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError("raw datasets folder not found", path=str(raw_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {"raw_root": "../shared/datasets", "collections": {}}
    for coll in COLLECTIONS:
        frames = []
        raws = {}
        for src in coll.sources:
            path = raw_dir / src.path
            if not path.is_file():
                raise InputError(f"raw file of {coll.name} missing", path=str(path))
            batch = read_accounts(path)
            if batch.rejects.n_rejected:
                log.warning("%s: %d records rejected while building", path, batch.rejects.n_rejected)
            frame = batch.accounts.copy()
            frame["label"] = src.label
            frame["kind"] = src.kind
            frame["source"] = src.path
            frames.append(frame)
            raws[src.path] = {"sha256": sha256(path), "records": len(frame)}
        table = pd.concat(frames, ignore_index=True)
        table["collection"] = coll.name
        target = out_dir / f"{coll.name}.parquet"
        with atomic_path(target) as tmp:
            table.to_parquet(tmp, index=False)
        manifest["collections"][coll.name] = {  # type: ignore[index]
            "table": target.name,
            "sha256": sha256(target),
            "accounts": len(table),
            "inauthentic": int(table["label"].sum()),
            "raw": raws,
            "citation": coll.citation,
        }
        log.info("%s: %d accounts (%d inauthentic)", coll.name, len(table), int(table["label"].sum()))
    with atomic_path(out_dir / MANIFEST) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def load_training_table(tables_dir: Path = DEFAULT_TABLES) -> pd.DataFrame:
    """All shipped collections in one canonical table with ``label``, ``kind`` and ``collection``."""
    tables_dir = Path(tables_dir)
    frames = []
    for coll in COLLECTIONS:
        path = tables_dir / f"{coll.name}.parquet"
        if not path.exists():
            raise InputError(
                "training table missing: run `detector datasets build` where ../shared/datasets exists",
                path=str(path),
            )
        frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True)


def table_hashes(tables_dir: Path = DEFAULT_TABLES) -> dict[str, str]:
    """sha256 of each shipped training table, for model cards."""
    return {
        coll.name: sha256(Path(tables_dir) / f"{coll.name}.parquet")
        for coll in COLLECTIONS
        if (Path(tables_dir) / f"{coll.name}.parquet").exists()
    }
