"""The labelled training collections: building them from the raw sets, and loading them.

The raw, published sets live outside the project (``../shared/datasets``). :func:`build_tables`
reads them with the same readers users' files go through (:mod:`detector.accounts.read`) and
writes compact canonical tables under ``datasets/accounts/``, one per collection, with a manifest
of hashes and citations, so a fresh clone can retrain and re-evaluate without the raw sets.
:func:`load_training_table` reads those tables.

Eleven collections (the ``kind`` column: one per raw file and label):

* cresci-2017: genuine accounts, social spambots 1-3, traditional spambots 1-4, fake followers
  (without the INT accounts, which are kept once, in cresci-2015);
* cresci-2015: E13 humans and INT fake followers (collection date 2013-06-12, see below);
* botwiki-2019 (self-declared bots) and verified-2019 (verified humans);
* five Bot Repository archives read from their ``.tar.gz`` as published: botometer-feedback-2019,
  cresci-stock-2018, pronbots-2019, vendor-purchased-2019, political-bots-2019;
* caverlee-2011: honeypot content polluters and legitimate users (counts only);
* ira-2018: half of the Internet Research Agency's troll accounts (state-backed), as profiles made
  of the counts at each account's latest tweet (counts only; groups by account category).

Decisions taken here (``datasets/README.md`` gives the reasons):

* overlaps: the 1,337 cresci-2015 INT accounts are also in cresci-2017 ``fake_followers``; they
  are kept in cresci-2015 (so that it keeps its two classes) and removed from cresci-2017;
* INT collection date: cresci-2017 ``fake_followers`` gives 2013-06-12 for the same profiles that
  cresci-2015 dates 2015-02-14 (identical counts); 2013-06-12 is used;
* ``traditional_spambots_1``: ``created_at`` is Java epoch milliseconds (``1183552203000L``);
  ``NULL`` booleans and ``lang`` are unknown (missing), not false;
* the other cresci CSVs write booleans as ``1`` or empty: empty is false there;
* Bot Repository records: the top-level ``created_at`` is the time of a tweet collected with the
  profile, not the crawl. It is kept as ``collected_at``, and ``collected_at_exact`` is false for
  every Bot Repository row: the shipped model uses no feature that needs the collection time;
* caverlee-2011: counts, dates and two lengths only (``screen_name_length``,
  ``description_length`` columns); the 44 ids listed as both polluter and legitimate are dropped;
* ira-2018: a profile is the followers, following and updates (statuses) counts of the account's
  latest tweet, observed at that tweet's time (``collected_at_exact`` true); its creation date,
  names and description are unknown (:data:`KNOWN_FIELDS`).

This module owns the list of collections, their labels and their provenance. It never trains.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from detector.accounts.model import FIELD_GROUPS, MASKED_FROM, cut_to_fields, cut_to_group

# re-exported: the profile fields a collection may lack (labels and provenance columns are not among them)
from detector.accounts.model import PROFILE_FIELDS as PROFILE_FIELDS
from detector.accounts.read import accounts_from_records, canonical_from_frame
from detector.errors import InputError
from detector.io import Rejects, atomic_path, read_csv_strings

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "datasets"
DEFAULT_TABLES = REPO_ROOT / "datasets" / "accounts"
MANIFEST = "MANIFEST.json"

# Collection time of the cresci-2015 INT profiles (cresci-2017 fake_followers' `updated`).
INT_COLLECTED_AT = "2013-06-12 18:38:35"
_FAR_PAST = pd.Timestamp("1970-01-01", tz="UTC")  # as_of for rows that must carry their own time
_BOOLS = ("verified", "default_profile", "default_profile_image", "profile_use_background_image")


@dataclass(frozen=True)
class Source:
    """One raw file (or archive) of a collection: a labelled group of accounts (1 = inauthentic)."""

    path: str
    label: int | None  # None: labels come from the archive's .tsv
    kind: str


@dataclass(frozen=True)
class Collection:
    name: str
    sources: tuple[Source, ...]
    era: int  # year the profiles were collected (for pairing one-class sets with humans)
    citation: str


_CRESCI17 = (
    'Cresci, Di Pietro, Petrocchi, Spognardi, Tesconi. "The paradigm-shift of social spambots: '
    "Evidence, theories, and tools for the arms race\". WWW '17 Companion, 2017."
)
_BOTREPO = "Bot Repository, OSoMe, Indiana University (https://botometer.osome.iu.edu/bot-repository/)."

COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        "cresci-2017",
        (
            Source("cresci-2017/genuine_accounts.users.csv", 0, "genuine_accounts"),
            Source("cresci-2017/social_spambots_1.users.csv", 1, "social_spambots_1"),
            Source("cresci-2017/social_spambots_2.users.csv", 1, "social_spambots_2"),
            Source("cresci-2017/social_spambots_3.users.csv", 1, "social_spambots_3"),
            Source("cresci-2017/traditional_spambots_1.users.csv", 1, "traditional_spambots_1"),
            Source("cresci-2017/traditional_spambots_2.users.csv", 1, "traditional_spambots_2"),
            Source("cresci-2017/traditional_spambots_3.users.csv", 1, "traditional_spambots_3"),
            Source("cresci-2017/traditional_spambots_4.users.csv", 1, "traditional_spambots_4"),
            Source("cresci-2017/fake_followers.users.csv", 1, "fake_followers"),
        ),
        2015,
        _CRESCI17 + " Fake followers also: Cresci et al., DSS 80, 2015. traditional_spambots_1 also: "
        'Yang, Harkreader, Gu. "Empirical evaluation and new design for fighting evolving Twitter '
        'spammers". IEEE TIFS 8(8), 2013.',
    ),
    Collection(
        "cresci-2015",
        (
            Source("cresci-2015/E13.users.csv", 0, "E13"),
            Source("cresci-2015/INT.users.csv", 1, "INT"),
        ),
        2013,
        'Cresci, Di Pietro, Petrocchi, Spognardi, Tesconi. "Fame for sale: efficient detection of '
        'fake Twitter followers". Decision Support Systems 80, 2015.',
    ),
    Collection(
        "botwiki-2019",
        (Source("botwiki-2019/botwiki-2019_tweets.json", 1, "botwiki"),),
        2019,
        'Yang, Varol, Hui, Menczer. "Scalable and generalizable social bot detection through data '
        'selection". AAAI 2020. ' + _BOTREPO,
    ),
    Collection(
        "verified-2019",
        (Source("verified-2019/verified-2019_tweets.json", 0, "verified"),),
        2019,
        'Yang, Varol, Hui, Menczer. "Scalable and generalizable social bot detection through data '
        'selection". AAAI 2020. ' + _BOTREPO,
    ),
    Collection(
        "botometer-feedback-2019",
        (Source("botrepo-2019/botometer-feedback-2019.tar.gz", None, "botometer-feedback"),),
        2019,
        'Yang, Varol, Davis, Ferrara, Flammini, Menczer. "Arming the public with artificial '
        'intelligence to counter social bots". Human Behavior and Emerging Technologies 1(1), 2019. ' + _BOTREPO,
    ),
    Collection(
        "cresci-stock-2018",
        (Source("botrepo-2019/cresci-stock-2018.tar.gz", None, "cresci-stock"),),
        2018,
        'Cresci, Lillo, Regoli, Tardelli, Tesconi. "$FAKE: Evidence of spam and bot activity in stock '
        'microblogs on Twitter". ICWSM 2018. ' + _BOTREPO,
    ),
    Collection(
        "pronbots-2019",
        (Source("botrepo-2019/pronbots-2019.tar.gz", None, "pronbots"),),
        2019,
        "Yang et al., HBTE 1(1), 2019 (as botometer-feedback-2019). " + _BOTREPO,
    ),
    Collection(
        "vendor-purchased-2019",
        (Source("botrepo-2019/vendor-purchased-2019.tar.gz", None, "vendor-purchased"),),
        2019,
        "Yang et al., HBTE 1(1), 2019 (as botometer-feedback-2019). " + _BOTREPO,
    ),
    Collection(
        "political-bots-2019",
        (Source("botrepo-2019/political-bots-2019.tar.gz", None, "political-bots"),),
        2019,
        "Yang et al., HBTE 1(1), 2019 (as botometer-feedback-2019). " + _BOTREPO,
    ),
    Collection(
        "ira-2018",
        (Source("ira-2018/tweets.parquet", 1, "ira"),),
        2017,
        'Linvill, Warren. "Troll Factories: Manufacturing Specialized Disinformation on Twitter". '
        "Political Communication 37(4), 2020; published by FiveThirtyEight (MIT licence). Half of the accounts.",
    ),
    Collection(
        "caverlee-2011",
        (
            Source("caverlee-2011/legitimate_users.txt", 0, "legitimate_users"),
            Source("caverlee-2011/content_polluters.txt", 1, "content_polluters"),
        ),
        2010,
        'Lee, Eoff, Caverlee. "Seven months with the devils: a long-term study of content polluters '
        'on Twitter". ICWSM 2011.',
    ),
)

#: Extra columns of the training tables, beside the canonical account columns.
TABLE_EXTRA = ("label", "kind", "source", "collection", "collected_at_exact", "screen_name_length", "description_length")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cresci_csv(path: Path) -> tuple[pd.DataFrame, Rejects]:
    """A cresci CSV: ``NULL`` is unknown; otherwise empty booleans are false; epoch-ms dates fixed."""
    rejects = Rejects(str(path))
    raw = pd.concat(list(read_csv_strings(path, rejects=rejects)))
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    nulls = raw.isin(["NULL"])
    raw = raw.mask(nulls)
    created = raw.get("created_at")
    if created is not None:
        epoch = created.str.fullmatch(r"\d{12,13}L?").fillna(False).astype(bool)
        if epoch.any():  # traditional_spambots_1: Java epoch milliseconds, "1183552203000L"
            ms = pd.to_numeric(created[epoch].str.rstrip("L"), errors="coerce")
            raw.loc[epoch, "created_at"] = pd.to_datetime(ms, unit="ms", utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    accounts = canonical_from_frame(raw, str(path), rejects, _FAR_PAST)
    for name in _BOOLS:
        if name in raw.columns:
            known = ~nulls[name].to_numpy(dtype=bool)
            accounts[name] = accounts[name].where(~pd.Series(known, index=accounts.index) | accounts[name].notna(), False)
            accounts.loc[~known, name] = pd.NA
    if "lang" in raw.columns:
        accounts.loc[nulls["lang"].to_numpy(dtype=bool), "lang"] = pd.NA
    return accounts, rejects


def _botrepo(path: Path) -> tuple[pd.DataFrame, Rejects]:
    """A Bot Repository archive as published (``<name>.tsv`` labels + ``<name>_tweets.json``)."""
    name = path.name.removesuffix(".tar.gz")
    rejects = Rejects(str(path))
    with tarfile.open(path) as tf:
        members = {Path(m.name).name: m for m in tf.getmembers() if m.isfile()}
        tsv = tf.extractfile(members[f"{name}.tsv"])
        records = tf.extractfile(members[f"{name}_tweets.json"])
        if tsv is None or records is None:
            raise InputError(f"archive lacks {name}.tsv or {name}_tweets.json", path=str(path))
        labels = pd.read_csv(io.BytesIO(tsv.read()), sep="\t", header=None, names=["id", "label"], dtype=str)
        data = json.load(records)
    accounts = accounts_from_records(enumerate(data, 1), str(path), _FAR_PAST, rejects)
    both = labels.assign(label=labels["label"].str.strip().str.lower()).groupby("id")["label"].nunique()
    if (both > 1).any():
        # botometer-feedback-2019 labels 755808822506041344 both human and bot; the shipped table keeps the
        # first label, as it was built (changing it would change the shipped model's data): said, not silent
        log.warning("%s: %d ids labelled both bot and human; the first label is kept: %s", path, int((both > 1).sum()), ", ".join(both.index[both > 1][:5]))
    words = labels.drop_duplicates("id").set_index("id")["label"].str.strip().str.lower()
    accounts["label"] = accounts["account_id"].astype(str).map(words.map({"bot": 1.0, "human": 0.0})).astype("float64")
    return accounts, rejects


def _json(path: Path) -> tuple[pd.DataFrame, Rejects]:
    rejects = Rejects(str(path))
    return accounts_from_records(enumerate(json.loads(path.read_text(encoding="utf-8")), 1), str(path), _FAR_PAST, rejects), rejects


def _caverlee(path: Path) -> tuple[pd.DataFrame, Rejects]:
    cols = ["id", "created_at", "collected_at", "friends_count", "followers_count", "statuses_count", "screen_name_length", "description_length"]
    raw = pd.read_csv(path, sep="\t", header=None, names=cols, dtype=str)
    raw.index = pd.RangeIndex(1, len(raw) + 1)
    lengths = raw[["screen_name_length", "description_length"]].apply(pd.to_numeric, errors="coerce")
    rejects = Rejects(str(path))
    accounts = canonical_from_frame(raw.drop(columns=["screen_name_length", "description_length"]), str(path), rejects, _FAR_PAST)
    accounts[["screen_name_length", "description_length"]] = lengths.to_numpy(dtype="float64")
    return accounts, rejects


#: The profile fields each counts-only collection has; the other canonical fields are unknown there.
#: Missing fields must carry no label. Humans paired with such a collection in evaluation are cut
#: to the same fields (:mod:`detector.training.evaluate`); in training, a one-class counts-only
#: collection gets as many human rows of the pool cut to its fields (:func:`with_training_copies`).
#: caverlee-2011 has both classes with the same fields, so equal rows per class already balance it.
KNOWN_FIELDS: dict[str, tuple[str, ...]] = {name: FIELD_GROUPS[name] for name in ("ira-2018", "caverlee-2011")}

def _as_copies(rows: pd.DataFrame, known: tuple[str, ...], collection: str, prefix: str = "", suffix: str = "") -> pd.DataFrame:
    """``rows`` cut to the ``known`` fields, as training copies of ``collection``: the collection each
    was copied from goes to :data:`~detector.accounts.model.MASKED_FROM`, its kind is marked."""
    cut = cut_to_fields(rows, np.ones(len(rows), dtype=bool), set(known))
    cut[MASKED_FROM] = cut["collection"].to_numpy()
    cut["collection"] = collection
    if "kind" in cut.columns:
        cut["kind"] = prefix + cut["kind"].astype(str) + suffix
    return cut


def masked_humans(table: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """Human rows of ``table`` cut to the fields of each one-class counts-only collection in it.

    For every collection of :data:`KNOWN_FIELDS` present with bots only (ira-2018), as many human
    rows as it has bots are drawn, equally from each human collection of ``table`` (without
    replacement where a collection has enough), cut to that collection's fields and labelled as
    belonging to it (``collection``), with the collection they were copied from in
    :data:`~detector.accounts.model.MASKED_FROM`. Trained on together, the bots and these humans
    share one pattern of missing fields half and half, so that pattern is no evidence either way.
    Copies are made only of rows of ``table`` (a training pool): never of held-out humans.
    """
    if "collection" not in table.columns or len(table) == 0:
        return table.iloc[:0]
    coll = table["collection"].to_numpy()
    label = table["label"].to_numpy(dtype=int)
    original = table[MASKED_FROM].isna().to_numpy() if MASKED_FROM in table.columns else np.ones(len(table), dtype=bool)
    rng = np.random.default_rng(random_state)
    parts = []
    for name, known in KNOWN_FIELDS.items():
        own = coll == name
        if not own.any() or (label[own] == 0).any():
            continue  # absent, or has its own humans with the same fields
        humans = original & (label == 0) & ~own
        origins = sorted(set(coll[humans]))
        if not origins:
            log.warning("%s: no human rows to balance its missing fields with", name)
            continue
        n = int(own.sum())
        picks = []
        for i, origin in enumerate(origins):
            idx = np.flatnonzero(humans & (coll == origin))
            k = n // len(origins) + (i < n % len(origins))
            picks.append(rng.choice(idx, k, replace=len(idx) < k))
        parts.append(_as_copies(table.iloc[np.concatenate(picks)], known, name, prefix=name + "-masked-"))
    return pd.concat(parts, ignore_index=True) if parts else table.iloc[:0]


#: Field groups as they go missing in real inputs, each as the profile fields it keeps: the two
#: counts-only collections, and profiles without likes or public lists (Bluesky, Mastodon):
#: :data:`detector.accounts.model.FIELD_GROUPS`, which also gives each its own calibration.
#: :func:`dropped_fields` cuts training copies to them. Fixed on principle before session 5's third run.
DROPOUT_FIELDS: dict[str, tuple[str, ...]] = FIELD_GROUPS
#: Collection name of the copies cut to a field group of :data:`DROPOUT_FIELDS` (``dropout:<group>``).
DROPOUT_PREFIX = "dropout:"


def dropped_fields(table: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """Copies of rows of ``table`` cut to each field group of :data:`DROPOUT_FIELDS`: balanced
    random field dropout.

    Each field group becomes one more collection of the pool (``dropout:<group>``) with both
    classes, as many rows of each as the pool's groups (collection and label) have on average,
    bots drawn equally from every bot group and humans from every human group (without
    replacement where a group has enough). So a pattern of missing fields is half bots and half
    humans, and weighs as one collection: it carries no label, however bot-heavy the pool is (a
    share of every group would not do: bot-only collections make a pool's groups mostly bots).
    Where a field group keeps the lengths of the screen name and description but not the texts
    (caverlee-2011), the copies keep the lengths. Copies name the collection they were copied
    from in :data:`~detector.accounts.model.MASKED_FROM` (held out with it; never test rows).
    """
    if "collection" not in table.columns or len(table) == 0 or table["label"].nunique() < 2:
        return table.iloc[:0]
    original = table[MASKED_FROM].isna().to_numpy() if MASKED_FROM in table.columns else np.ones(len(table), dtype=bool)
    rows_of = table[original]
    groups = rows_of.groupby([rows_of["collection"], rows_of["label"]], sort=True).indices
    n = int(round(np.mean([len(idx) for idx in groups.values()])))
    base = np.flatnonzero(original)
    rng = np.random.default_rng(random_state)
    parts = []
    for name, known in DROPOUT_FIELDS.items():
        for label in (0, 1):
            own = [idx for (_, lab), idx in groups.items() if lab == label]
            picks = []
            for i, idx in enumerate(own):
                k = n // len(own) + (i < n % len(own))
                picks.append(base[rng.choice(idx, k, replace=len(idx) < k)])
            rows = cut_to_group(table.iloc[np.concatenate(picks)], known)
            parts.append(_as_copies(rows, known, DROPOUT_PREFIX + name, suffix="-fields-" + name))
    return pd.concat(parts, ignore_index=True)


def training_copies(table: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """The rows a training pool adds to itself so that missing fields carry no label:
    :func:`masked_humans` (for a one-class counts-only collection) and :func:`dropped_fields`."""
    parts = [p for p in (masked_humans(table, random_state), dropped_fields(table, random_state)) if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else table.iloc[:0]


def with_training_copies(table: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """``table`` and its :func:`training_copies`: a training pool whose missing fields carry no label.

    Every training pool goes through it: the inner choice, each outer fold, the peer, the shipped
    model (``detector train``) and the analyst-label evaluation.
    """
    extra = training_copies(table, random_state)
    if len(extra) == 0:
        return table
    return pd.concat([table, extra], ignore_index=True)


def _ira(path: Path) -> tuple[pd.DataFrame, Rejects]:
    """IRA troll profiles from their tweets: the counts at each author's latest tweet.

    ``following``, ``followers`` and ``updates`` are the account's counts when the tweet was
    posted; the latest tweet of an author is its profile, observed at that tweet's time. Nothing
    else of the profile is known (no creation date, name or description). The account category of
    ``authors.csv`` (RightTroll, LeftTroll, NonEnglish, ...) is kept as the group.
    """
    import pyarrow.parquet as pq

    cols = ["author_id", "publish_date", "following", "followers", "updates"]
    raw = pq.read_table(path, columns=cols).to_pandas()
    raw["_t"] = pd.to_datetime(raw["publish_date"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    raw = raw[raw["_t"].notna()].sort_values(["author_id", "_t"], kind="stable").drop_duplicates("author_id", keep="last")
    frame = pd.DataFrame(
        {
            "id": raw["author_id"].to_numpy(),
            "screen_name": raw["author_id"].to_numpy(),
            "followers_count": raw["followers"].to_numpy(),
            "friends_count": raw["following"].to_numpy(),
            "statuses_count": raw["updates"].to_numpy(),
            "collected_at": raw["_t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
        },
        index=pd.RangeIndex(1, len(raw) + 1),
    )
    rejects = Rejects(str(path))
    accounts = canonical_from_frame(frame, str(path), rejects, _FAR_PAST)
    authors = pd.read_csv(path.parent / "authors.csv", dtype=str)
    category = authors.drop_duplicates("author_id").set_index("author_id")["account_category"]
    accounts["kind"] = "ira-" + accounts["account_id"].astype(str).map(category).fillna("Unknown").str.lower()
    return accounts, rejects


def read_source(raw_dir: Path, src: Source, collection: str = "a training collection") -> tuple[pd.DataFrame, Rejects]:
    path = Path(raw_dir) / src.path
    if not path.is_file():
        raise InputError(f"raw file of {collection} missing", path=str(path))
    if src.path.endswith(".tar.gz"):
        frame, rejects = _botrepo(path)
    elif src.path.endswith(".json"):
        frame, rejects = _json(path)
    elif src.path.startswith("caverlee"):
        frame, rejects = _caverlee(path)
    elif src.path.startswith("ira-2018"):
        frame, rejects = _ira(path)
    else:
        frame, rejects = _cresci_csv(path)
    if src.label is not None:
        frame["label"] = src.label
    if src.label is None:
        lab = frame["label"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        frame["kind"] = np.where(lab == 1, src.kind + "-bot", src.kind + "-human")
    elif "kind" not in frame.columns:
        frame["kind"] = src.kind
    frame["source"] = src.path
    frame["collected_at_exact"] = not (src.path.endswith(".json") or src.path.endswith(".tar.gz"))
    return frame, rejects


def build_tables(raw_dir: Path = DEFAULT_RAW, out_dir: Path = DEFAULT_TABLES) -> dict[str, object]:
    """Convert every raw collection into ``out_dir/<collection>.parquet`` and a manifest.

    Returns the manifest (also written as ``MANIFEST.json``).
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError("raw datasets folder not found", path=str(raw_dir))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    parts: dict[str, list[pd.DataFrame]] = {}
    raws: dict[str, dict[str, object]] = {}
    for coll in COLLECTIONS:
        parts[coll.name] = []
        raws[coll.name] = {}
        for src in coll.sources:
            frame, rejects = read_source(raw_dir, src, coll.name)
            if rejects.n_rejected:
                log.warning("%s: %d records rejected or fields ignored while building", src.path, rejects.n_rejected)
            before = len(frame)
            frame = frame[frame["label"].notna()]
            frame["label"] = frame["label"].astype("int64")
            frame = frame.drop_duplicates("account_id")
            raws[coll.name][src.path] = {
                "sha256": sha256(raw_dir / src.path),
                "profiles": before,
                "labelled_profiles": len(frame),
            }
            parts[coll.name].append(frame)
    _settle_overlaps(parts, raws)
    manifest: dict[str, object] = {"raw_root": "../shared/datasets", "collections": {}}
    for coll in COLLECTIONS:
        table = pd.concat(parts[coll.name], ignore_index=True)
        table["collection"] = coll.name
        for c in ("screen_name_length", "description_length"):
            if c not in table.columns:
                table[c] = np.nan
        table = table.drop(columns=["source_row"])
        target = out_dir / f"{coll.name}.parquet"
        with atomic_path(target) as tmp:
            table.to_parquet(tmp, index=False, compression="zstd")
        kinds = table.groupby("kind", sort=False)["label"].agg(["size", "first"])
        manifest["collections"][coll.name] = {  # type: ignore[index]
            "table": target.name,
            "sha256": sha256(target),
            "accounts": len(table),
            "inauthentic": int(table["label"].sum()),
            "groups": {str(k): {"accounts": int(r["size"]), "label": int(r["first"])} for k, r in kinds.iterrows()},
            "era": coll.era,
            "raw": raws[coll.name],
            "citation": coll.citation,
        }
        log.info("%s: %d accounts (%d inauthentic)", coll.name, len(table), int(table["label"].sum()))
    with atomic_path(out_dir / MANIFEST) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _settle_overlaps(parts: dict[str, list[pd.DataFrame]], raws: dict[str, dict[str, object]]) -> None:
    """INT: kept in cresci-2015 with the 2013-06-12 date; caverlee ids in both classes: dropped."""
    c15 = pd.concat(parts["cresci-2015"])
    ff_i = next(i for i, f in enumerate(parts["cresci-2017"]) if (f["kind"] == "fake_followers").all())
    ff = parts["cresci-2017"][ff_i]
    int_ids = set(c15.loc[c15["kind"] == "INT", "account_id"])
    dates = ff.set_index("account_id")["collected_at"]
    for i, f in enumerate(parts["cresci-2015"]):
        if (f["kind"] == "INT").all():
            f = f.copy()
            f["collected_at"] = f["account_id"].map(dates).fillna(pd.Timestamp(INT_COLLECTED_AT, tz="UTC")).astype(f["collected_at"].dtype)
            parts["cresci-2015"][i] = f
    parts["cresci-2017"][ff_i] = ff[~ff["account_id"].isin(int_ids)]
    raws["cresci-2017"]["cresci-2017/fake_followers.users.csv"]["removed_as_cresci-2015_INT"] = int(ff["account_id"].isin(int_ids).sum())  # type: ignore[index]
    cav = parts["caverlee-2011"]
    both = set(cav[0]["account_id"]) & set(cav[1]["account_id"])
    parts["caverlee-2011"] = [f[~f["account_id"].isin(both)] for f in cav]
    raws["caverlee-2011"]["caverlee-2011/content_polluters.txt"]["removed_in_both_classes"] = len(both)  # type: ignore[index]
    raws["caverlee-2011"]["caverlee-2011/legitimate_users.txt"]["removed_in_both_classes"] = len(both)  # type: ignore[index]
    seen: dict[str, str] = {}
    for name, frames in parts.items():  # any other overlap across collections: the first collection keeps it
        for i, f in enumerate(frames):
            dup = f["account_id"].map(lambda a, n=name: a in seen and seen[a] != n).to_numpy(dtype=bool)
            if dup.any():
                log.warning("%s: %d accounts already in an earlier collection, dropped", name, int(dup.sum()))
                frames[i] = f[~dup]
                raws[name][str(f["source"].iloc[0])]["removed_as_in_an_earlier_collection"] = int(dup.sum())  # type: ignore[index]
            for a in frames[i]["account_id"]:
                seen.setdefault(a, name)


def load_training_table(tables_dir: Path = DEFAULT_TABLES, collections: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The shipped collections in one table with ``label``, ``kind`` and ``collection``."""
    tables_dir = Path(tables_dir)
    frames = []
    for coll in COLLECTIONS:
        if collections is not None and coll.name not in collections:
            continue
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
