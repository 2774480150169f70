"""Coordinated groups: distinct accounts doing the same thing within a time window.

This module owns the detection of coordination in a canonical posts table
(:data:`detector.schema.POST_COLUMNS`) and the evidence that goes with it. It finds four kinds
of co-action by distinct accounts within ``window`` of each other:

``text``
    the same or nearly the same text (token-set Jaccard similarity >= ``threshold``), found with
    vectorised MinHash and LSH banding over the distinct token sets, every candidate pair checked
    by its exact Jaccard similarity;
``repost``
    reposts of the same post (``repost_of``);
``url``
    the same URL (scheme, ``www.``, trailing slash and ``utm_*`` parameters ignored);
``hashtags``
    the same sequence of at least two hashtags.

How a cluster is cut: the posts of one content group (one text group, reposted id, URL or
hashtag sequence) are sorted by time and split wherever two consecutive posts are more than
``window`` apart. A piece that holds posts from at least ``min_accounts`` distinct accounts is a
cluster. Every pair of posts the peer tool (coordination-network-toolkit) would link lies in one
such cluster.

How organic activity is kept apart from coordination: a cluster is evidence of one synchronous
act, and one act says little. Many people retweet a viral post within the same minute; news
accounts post one wire headline together. Neither is a campaign. What separates a network is
*repetition*: the same accounts acting together again and again on different content.
Clusters that share a post are merged into one *event* (a post that copies a text, its link and
its hashtags is one act, not three). An account's ``coordination_score`` grows with the number of
distinct events it shares with its most frequent partner (``max_shared``), not with the size of
its clusters. Clusters that chain on for more than ``LONG_SPAN`` windows (a post spreading
steadily for hours) or hold more than ``PAIR_CAP`` accounts (a crowd) make no partners at all.
The score is ``0`` for no cluster, ``0.25`` for clusters with no repeated partner, then
``1 - 0.75 * 0.5 ** (max_shared - 1)`` (0.625 for two shared events, 0.81 for three, 0.91 for
four). The flagging threshold 0.5 thus means "acted together with the same account at least
twice". The score ranks and explains; it is not a calibrated probability. Each cluster also
carries ``repeat_share``, the fraction of its accounts that share another event with one of its
other accounts: near 0 for a crowd of strangers, near 1 for a network. EVALUATION.md measures
this on real organic (PHEME) and coordinated (IRA) posts.

Similarity: near-duplicate texts are joined when a candidate pair reaches ``threshold``, and a
group is the connected set of such pairs, so a variant can join through another one. A group's
``evidence`` is its most posted text; each post's ``similarity`` is its Jaccard similarity to
that text, and a cluster's ``similarity`` is the lowest of its posts' (it can be below
``threshold`` when variants were chained; it is 1.0 for the other kinds).

Platforms: a table may mix platforms (``platform`` column). An account is (platform, author id)
and a post (platform, post id), so the same number on TikTok and on X is two accounts, while the
same text, link or hashtag sequence posted on Telegram and on X within the window is one cluster.
Clusters say which ``platforms`` they span and on which the push appeared first
(``first_platform``); memberships and account scores carry each row's ``platform``. In
``accounts`` and ``top_partner`` an X account is its bare id and any other is ``platform:id``.

It never reads files, never judges a single account's profile, and never writes anything: the CLI
and reports do. Results do not depend on the order of the input rows nor on ``workers``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from detector import progress
from detector.errors import ConfigError, InputError
from detector.posts.text import MENTION_TOKEN, URL_TOKEN, normalize_series

log = logging.getLogger(__name__)

KINDS = ("text", "repost", "url", "hashtags")
# Ten minutes: wide enough for minute-resolution sources and for scheduled posting tools, narrow
# enough that organic news sharing rarely repeats with the same partner (EVALUATION.md sweeps
# 1 min to 24 h on IRA + PHEME: wider windows buy recall with false positives).
DEFAULT_WINDOW = pd.Timedelta("10min")
DEFAULT_THRESHOLD = 0.8
DEFAULT_MIN_ACCOUNTS = 2
# A text needs this many distinct words to be compared: "good morning" is everybody's, while
# three-word headlines ("Judge Rips Media") were copied word for word by IRA accounts.
MIN_TOKENS = 3
# A hashtag sequence needs this many hashtags: one trending tag is what a crowd shares.
MIN_HASHTAGS = 2
# Pairs of accounts are counted only in events of up to this many accounts: a 5,000-account
# burst would make 12 million pairs, and a crowd that large says nothing about who works with
# whom. Larger clusters are still reported, with their evidence. (The largest IRA cluster at the
# default settings holds 69 accounts.)
PAIR_CAP = 500
# Pairs are counted only in clusters spanning at most this many windows. Chained clusters can
# run on for hours when a post spreads steadily; 99% of IRA clusters span under 2.3 windows.
LONG_SPAN = 3
# MinHash signature: BANDS bands of ROWS values. P(candidate) = 1 - (1 - s**ROWS)**BANDS is 0.986
# at s = 0.8, 0.80 at s = 0.6 and 0.03 at s = 0.3; every candidate is verified exactly.
BANDS = 12
ROWS = 5
FLAG_SCORE = 0.5

MEMBERSHIP_COLUMNS = [
    "cluster_id", "kind", "account_id", "post_id", "created_at", "text", "similarity",
    "span_start", "span_end", "n_accounts", "platform",
]  # fmt: skip
CLUSTER_COLUMNS = [
    "cluster_id", "kind", "n_accounts", "n_posts", "span_start", "span_end", "similarity",
    "evidence", "accounts", "repeat_share", "platforms", "first_platform",
]  # fmt: skip
SCORE_COLUMNS = [
    "account_id", "coordination_score", "n_clusters", "max_shared", "top_partner",
    "n_repeat_partners", "kinds", "reason", "platform",
]  # fmt: skip

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass
class CoordinationResult:
    """Clusters of coordinated posts, with their evidence, and one score per account.

    Attributes
    ----------
    memberships : DataFrame
        One row per (cluster, post): ``cluster_id, kind, account_id, post_id, created_at, text,
        similarity, span_start, span_end, n_accounts``.
    clusters : DataFrame
        One row per cluster: ``cluster_id, kind, n_accounts, n_posts, span_start, span_end,
        similarity, evidence, accounts, repeat_share``.
    account_scores : DataFrame
        One row per account of the input: ``account_id, coordination_score, n_clusters,
        max_shared, top_partner, n_repeat_partners, kinds, reason``.
    params : dict
        The settings used (window, threshold, min_accounts, kinds).
    """

    memberships: pd.DataFrame
    clusters: pd.DataFrame
    account_scores: pd.DataFrame
    params: dict[str, object] = field(default_factory=dict)


# ---------------------------------------------------------------- public entry point


def find_clusters(
    posts: pd.DataFrame,
    *,
    window: str | pd.Timedelta = DEFAULT_WINDOW,
    threshold: float = DEFAULT_THRESHOLD,
    min_accounts: int = DEFAULT_MIN_ACCOUNTS,
    kinds: tuple[str, ...] = KINDS,
    workers: int = 1,
    normalised: pd.Series | None = None,
) -> CoordinationResult:
    """Find groups of distinct accounts that act alike within ``window``.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (:data:`detector.schema.POST_COLUMNS`); ``post_id``, ``author_id`` and
        ``created_at`` are required, the other columns may be missing or empty. Rows without an
        author or a time are ignored (and counted in the log).
    window : str or Timedelta
        Largest gap between consecutive posts of one cluster, at least one minute (some sources,
        such as the IRA release, record minutes only). Default 10 minutes.
    threshold : float
        Smallest token-set Jaccard similarity for two texts to count as the same message
        (``text`` kind only), in (0, 1]. Default 0.8.
    min_accounts : int
        Fewest distinct accounts in a cluster, at least 2. Default 2.
    kinds : tuple of str
        Which of ``text``, ``repost``, ``url``, ``hashtags`` to look for.
    workers : int
        Processes. With two or more, the text kind runs in a second process while the other
        kinds run in this one. The output is identical for any value.
    normalised : Series of str, optional
        :func:`detector.posts.text.normalize_series` of ``posts["text"]``, indexed like ``posts``,
        when the caller has it already (the posts job normalises each text once for coordination,
        the call classifier and the message features).

    Returns
    -------
    CoordinationResult

    Raises
    ------
    ConfigError
        A setting is out of range.
    InputError
        A required column is missing or ``created_at`` is not a time.
    """
    win = _check_params(window, threshold, min_accounts, kinds, workers)
    posts, keys = _platform_keys(posts)
    frame = _prepare(posts if normalised is None else posts.assign(text_norm=normalised))
    params: dict[str, object] = {
        "window": str(win), "threshold": threshold, "min_accounts": min_accounts,
        "kinds": " ".join(k for k in KINDS if k in kinds),
    }  # fmt: skip
    if frame.empty:
        return _with_platforms(
            CoordinationResult(_empty(MEMBERSHIP_COLUMNS), _empty(CLUSTER_COLUMNS), _scores(frame, None, None, None), params),
            keys,
        )

    win_ns = int(win.value)
    jobs = [k for k in KINDS if k in kinds]
    if workers > 1 and "text" in jobs and len(jobs) > 1:
        parts = _parallel_kinds(jobs, frame, win_ns, threshold, min_accounts, workers)
    else:
        parts = [_kinds_clusters(jobs, frame, win_ns, threshold, min_accounts, workers)]
    members = (
        pd.concat([p for p in parts if not p.empty], ignore_index=True)
        if any(not p.empty for p in parts)
        else None
    )
    return _with_platforms(_assemble(frame, members, params, win_ns), keys)


def _platform_keys(posts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Posts whose author, post and repost ids name their platform, and the key of each author.

    X ids stay bare (``123``), others become ``platform:id``: X ids and handles never hold a
    colon, so a bare key and a named one cannot meet. ``None`` when every row is X's.
    """
    if "platform" not in posts.columns:
        return posts, None
    plat = posts["platform"].astype("string").fillna("x")
    other = plat.ne("x")
    if not other.any():
        return posts, None
    out = posts.copy()
    prefix = (plat + ":").where(other, "")
    for col in ("author_id", "post_id", "repost_of"):
        if col in out.columns:
            values = out[col].astype("string")
            out[col] = (prefix + values).where(values.notna())
    keys = pd.DataFrame(
        {"key": out["author_id"], "platform": plat, "account_id": posts["author_id"].astype("string")}
    ).dropna(subset=["key"]).drop_duplicates("key")
    return out, keys


def _with_platforms(result: CoordinationResult, keys: pd.DataFrame | None) -> CoordinationResult:
    """Split platform keys back into ``platform`` and bare ids; say where each cluster spread."""
    m, c, s = result.memberships, result.clusters, result.account_scores
    if keys is None:
        return result  # every row is X's: the defaults stand
    platform_of = dict(zip(keys["key"], keys["platform"], strict=True))
    bare_of = dict(zip(keys["key"], keys["account_id"], strict=True))
    mp = m["account_id"].map(platform_of).astype("string")
    named = mp.ne("x").fillna(False)
    post = m["post_id"].astype("string")
    m["post_id"] = post.where(~named, post.str.split(":", n=1).str[1])
    m["account_id"] = m["account_id"].map(bare_of).astype("string")
    m["platform"] = mp
    if len(m):
        ordered = m.sort_values(["created_at"], kind="stable")
        spread = ordered.groupby("cluster_id", sort=False)["platform"].agg(lambda p: " ".join(sorted(set(p))))
        first = ordered.groupby("cluster_id", sort=False)["platform"].first()
        c["platforms"] = c["cluster_id"].map(spread).astype("string")
        c["first_platform"] = c["cluster_id"].map(first).astype("string")
    s["platform"] = s["account_id"].map(platform_of).astype("string")
    s["account_id"] = s["account_id"].map(bare_of).astype("string")
    return result


def flagged_accounts(result: CoordinationResult, min_score: float = FLAG_SCORE) -> set[str]:
    """Accounts whose coordination score is at least ``min_score`` (default 0.5).

    X accounts by their bare id, others as ``platform:id`` (as in a cluster's ``accounts``): one id
    on two platforms is two accounts.
    """
    s = result.account_scores
    hit = s["coordination_score"] >= min_score
    return set(account_keys(s.loc[hit, "account_id"], s.loc[hit, "platform"] if "platform" in s.columns else None))


def account_keys(account_id: pd.Series, platform: pd.Series | None) -> pd.Series:
    """An account's key across platforms: the bare id on X (or without a platform), else ``platform:id``."""
    ids = account_id.astype("string")
    if platform is None:
        return ids
    plat = platform.astype("string").fillna("x")
    return ids.where(plat.eq("x"), plat + ":" + ids)


# ---------------------------------------------------------------- input


def _check_params(
    window: str | pd.Timedelta,
    threshold: float,
    min_accounts: int,
    kinds: Iterable[str],
    workers: int,
) -> pd.Timedelta:
    try:
        win = pd.Timedelta(window)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"window {window!r} is not a duration (e.g. '10min', '1h')") from exc
    if win < pd.Timedelta("1min"):
        raise ConfigError(
            f"window {window!r} is shorter than one minute, the resolution of some sources"
        )
    if not 0 < threshold <= 1:
        raise ConfigError(f"threshold {threshold!r} must be in (0, 1]")
    if int(min_accounts) < 2:
        raise ConfigError(f"min_accounts {min_accounts!r} must be at least 2")
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not set(kinds):
        raise ConfigError(f"kinds {list(kinds)!r}: each must be one of {', '.join(KINDS)}")
    if int(workers) < 1:
        raise ConfigError(f"workers {workers!r} must be at least 1")
    return win


def _prepare(posts: pd.DataFrame) -> pd.DataFrame:
    """Keep the columns used, in a canonical row order that does not depend on the input's."""
    missing = [c for c in ("post_id", "author_id", "created_at") if c not in posts.columns]
    if missing:
        raise InputError(f"the posts table has no column {', '.join(missing)}", field=missing[0])
    cols = ["post_id", "author_id", "created_at", "text", "repost_of", "urls", "hashtags"]
    if "text_norm" in posts.columns:
        cols.append("text_norm")
    frame = pd.DataFrame(
        {c: posts[c] if c in posts.columns else pd.Series(pd.NA, index=posts.index) for c in cols}
    )
    for c in cols:
        if c != "created_at":
            frame[c] = frame[c].astype("string")
    try:
        # Nanoseconds whatever the input's unit: the window arithmetic below is in ns.
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).dt.as_unit("ns")
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"created_at holds values that are not times: {exc}", field="created_at"
        ) from exc
    usable = frame["author_id"].notna() & frame["created_at"].notna() & frame["post_id"].notna()
    if not usable.all():
        # A post without an author or a time is read and scored for its text, and the reader says it
        # cannot join coordination: noted here, not warned of twice. A missing post id is a surprise.
        broken = frame["post_id"].isna()
        aside = ~broken & (frame["author_id"].isna() | frame["created_at"].isna())
        if aside.any():
            log.info("posts without an author id or a time take no part in coordination: %d", int(aside.sum()))
        if broken.any():
            log.warning("posts without a post id are ignored: %d", int(broken.sum()))
    frame = frame[usable]
    # Canonical order: time, then digests of the ids (sorting 64-bit digests is much faster than
    # sorting strings, and just as independent of the input's order).
    t = frame["created_at"].astype("int64").to_numpy()
    pid = pd.util.hash_array(frame["post_id"].to_numpy(dtype=object), categorize=False)
    # Authors are few: each distinct id hashed once (the same digest per value).
    a_codes, a_ids = pd.factorize(frame["author_id"], use_na_sentinel=False)
    aid = pd.util.hash_array(np.asarray(a_ids, dtype=object), categorize=False)[a_codes]
    frame = frame.iloc[np.lexsort((aid, pid, t))]
    # Distinct digests mean distinct ids: the string comparison is needed only when two digests meet.
    sorted_pid = np.sort(pid)
    if len(sorted_pid) and (sorted_pid[1:] == sorted_pid[:-1]).any():
        frame = frame.drop_duplicates("post_id", keep="first")
    frame = frame.reset_index(drop=True)
    frame["t"] = frame["created_at"].astype("int64")
    frame["acct"] = pd.factorize(frame["author_id"], sort=True)[0].astype(np.int64)
    return frame


def _take_text(col: pd.Series, rows: np.ndarray) -> pd.Series:
    """The text column ``col`` at positions ``rows`` (from 0), taken by Arrow: no Python string per value."""
    arr = pa.array(col.astype("string").array, type=pa.large_string())
    taken = arr.take(pa.array(np.asarray(rows, dtype=np.int64)))
    if isinstance(taken, pa.ChunkedArray):
        taken = taken.combine_chunks() if taken.num_chunks else pa.array([], type=pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(taken), name=col.name)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


# ---------------------------------------------------------------- content groups per kind


# The posts table a forked worker reads: set just before the fork, so it is inherited, not copied.
_FORKED: dict[str, object] = {}


def _forked_kinds(
    kinds: list[str], win_ns: int, threshold: float, min_accounts: int
) -> pd.DataFrame:
    frame = _FORKED["frame"]
    assert isinstance(frame, pd.DataFrame)
    return _kinds_clusters(kinds, frame, win_ns, threshold, min_accounts, 1)


def _parallel_kinds(
    jobs: list[str],
    frame: pd.DataFrame,
    win_ns: int,
    threshold: float,
    min_accounts: int,
    workers: int,
) -> list[pd.DataFrame]:
    """Run the text kind (the long pole) in a second process while the other kinds run here.

    Where the platform can fork, the worker inherits the posts table instead of receiving a
    pickled copy (shipping 1.17 million texts costs more than the work saved). Elsewhere, and
    inside processes that may not have children, joblib's loky backend does the same job.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    rest = [k for k in jobs if k != "text"]
    if "fork" in mp.get_all_start_methods() and not mp.current_process().daemon:
        _FORKED["frame"] = frame
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork")) as pool:
                text = pool.submit(_forked_kinds, ["text"], win_ns, threshold, min_accounts)
                here = _kinds_clusters(rest, frame, win_ns, threshold, min_accounts, 1)
                return [text.result(), here]
        finally:
            _FORKED.clear()
    from joblib import Parallel, delayed

    text_cols = ["t", "acct", "text", "repost_of"]
    parts: list[pd.DataFrame] = Parallel(n_jobs=2, backend="loky")(
        [
            delayed(_kinds_clusters)(
                ["text"], frame[text_cols], win_ns, threshold, min_accounts, workers - 1
            ),
            delayed(_kinds_clusters)(
                rest, frame.drop(columns=["text"]), win_ns, threshold, min_accounts, 1
            ),
        ]
    )
    return parts


def _kinds_clusters(
    kinds: list[str],
    frame: pd.DataFrame,
    win_ns: int,
    threshold: float,
    min_accounts: int,
    workers: int,
) -> pd.DataFrame:
    parts = [_kind_clusters(k, frame, win_ns, threshold, min_accounts, workers) for k in progress.track(kinds, "coordination", unit="kinds")]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _kind_clusters(
    kind: str, frame: pd.DataFrame, win_ns: int, threshold: float, min_accounts: int, workers: int
) -> pd.DataFrame:
    """Membership rows (before ids and spans) of one kind."""
    if kind == "text":
        rows, key, sim, evidence = _text_groups(frame, threshold, workers)
    elif kind == "repost":
        rows, key, evidence = _value_groups(frame["repost_of"])
        sim = np.ones(len(rows))
    elif kind == "url":
        rows, key, evidence = _value_groups(
            normalize_urls(own_items(frame["urls"], frame["repost_of"]))
        )
        sim = np.ones(len(rows))
    else:
        tags = frame["hashtags"].where(frame["repost_of"].isna())
        tags = tags.where(tags.str.count(" ") >= MIN_HASHTAGS - 1)
        rows, key, evidence = _value_groups(tags)
        sim = np.ones(len(rows))
    out = _sessions(kind, frame, rows, key, sim, evidence, win_ns, min_accounts)
    log.info(
        "%s: %d clusters, %d posts",
        kind,
        out["session"].nunique() if not out.empty else 0,
        len(out),
    )
    return out


def _value_groups(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, group codes and group values for a Series whose equal values form a group.

    ``values`` may carry a row index that repeats (one row per URL of a post).
    """
    present = values.dropna()
    present = present[present != ""]
    codes, uniques = pd.factorize(present)
    return (
        present.index.to_numpy(np.int64),
        codes.astype(np.int64),
        np.asarray(uniques, dtype=object),
    )


def normalize_urls(urls: pd.Series) -> pd.Series:
    """Compare URLs without scheme, ``www.``, host case, trailing ``/`` and ``utm_*`` parameters."""
    if urls.empty:
        return urls.astype("string")
    u = urls.astype("string[pyarrow]").str.strip().str.rstrip("/.,;:!?)]}…")
    u = u.str.replace(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", regex=True)
    before, sep, after = _partition_slash(u)
    host = before.str.lower().str.replace(r"^www\.", "", regex=True)
    rest = after.str.replace(r"([?&])utm_[^=&#]*=[^&#]*", r"\1", regex=True)
    rest = rest.str.replace("?&", "?", regex=False).str.rstrip("?&/")
    out = host + sep.where(rest.str.len() > 0, "") + rest
    return out.astype("string")


def _partition_slash(u: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``u.str.partition("/")`` (before, "/" or "", after) by one Arrow split at the first "/"
    (pandas' partition makes a Python tuple per value); left to pandas when a value is missing."""
    if u.isna().any():
        parts = u.str.partition("/")
        return parts[0], parts[1], parts[2]
    arr = pa.array(u, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=pa.large_string())
    split = pc.split_pattern(arr, "/", max_splits=1)
    offsets = np.asarray(split.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    flat = split.values  # every value splits into one part, or two at its first "/"
    has = np.diff(offsets) == 2
    first = offsets[:-1] - offsets[0]
    before = flat.take(pa.array(first))
    after = pc.if_else(pa.array(has), flat.take(pa.array(np.where(has, first + 1, first))), pa.scalar("", pa.large_string()))

    def series(a: pa.Array) -> pd.Series:
        return pd.Series(pd.arrays.ArrowStringArray(a.cast(pa.large_string())), index=u.index)

    return series(before), series(pa.array(np.where(has, "/", ""), type=pa.large_string())), series(after)


def own_items(cells: pd.Series, repost_of: pd.Series) -> pd.Series:
    """One row per space-separated item of ``cells`` (reposts left out), keeping the row index."""
    own = cells.where(repost_of.isna()).dropna().astype("string")
    if own.empty:
        return pd.Series([], dtype="string", name=cells.name)
    # Arrow's white-space split (what pandas' str.split() runs on Arrow text), flattened with each item's row.
    words = pc.utf8_split_whitespace(pa.array(own, type=pa.large_string()))
    flat = pc.list_flatten(words)
    rows = own.index.to_numpy()[pc.list_parent_indices(words).to_numpy()]
    keep = np.asarray(pc.greater(pc.binary_length(flat), 0).to_numpy(zero_copy_only=False), dtype=bool)
    return pd.Series(pd.arrays.ArrowStringArray(flat.filter(pa.array(keep))), index=pd.Index(rows[keep]), name=cells.name)


# ---------------------------------------------------------------- near-duplicate texts


def token_sets(normalized: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Word sets of normalised texts and a 64-bit key per set: ``(doc, hashes, sizes, keys)``.

    ``doc``/``hashes`` are the distinct ``(text index, word hash)`` pairs grouped by text (what
    :func:`band_keys` takes); ``sizes`` counts each text's distinct words; two texts with the same
    word set get the same key (up to a 64-bit collision), in any process or partition. Texts with
    fewer than :data:`MIN_TOKENS` words are never compared.
    """
    doc, hashes = _tokenize(normalized)
    n = len(normalized)
    sizes = np.bincount(doc, minlength=n)
    # A set's identity is two 64-bit sums of its words' hashes (order-free), mixed with its size.
    mixed = _mix(hashes)
    sig = np.zeros((n, 2), dtype=np.uint64)
    seg = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]]) if len(doc) else np.empty(0, np.int64)
    with np.errstate(over="ignore"):
        sig[doc[seg], 0] = np.add.reduceat(hashes, seg) if len(seg) else 0
        sig[doc[seg], 1] = np.add.reduceat(mixed, seg) if len(seg) else 0
    keys = _mix(sig[:, 0] ^ _mix(sig[:, 1] + sizes.astype(np.uint64)))
    return doc, hashes, sizes, keys


def _tokenize(normalized: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Distinct 64-bit word hashes of each text: ``(doc index per hash, hash)``.

    A word is a run of letters and digits (RE2's ``\\pL`` and ``\\pN``); the link and mention
    tokens are no words. The pairs are grouped by ``doc`` in ascending order; within one doc their
    order is not meaningful (nothing downstream depends on it: set sums, MinHash minima and
    Jaccard counts are all order-free).
    """
    arr = pa.array(normalized.astype("string"), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=pa.large_string())
    arr = pc.fill_null(arr, "")
    plain = np.asarray(pc.string_is_ascii(arr).to_numpy(zero_copy_only=False), dtype=bool)
    # ASCII texts (most normalised texts) are cut into words on their bytes; the others by RE2.
    tokens, parents = _ascii_words(arr.filter(pa.array(plain)))
    parts, owners = [tokens], [np.flatnonzero(plain)[parents]]
    if not plain.all():
        other = pc.replace_substring(pc.replace_substring(arr.filter(pa.array(~plain)), URL_TOKEN, " "), MENTION_TOKEN, " ")
        words = pc.split_pattern_regex(other, r"[^\pL\pN]+")
        flat = pc.list_flatten(words)
        keep = np.asarray(pc.greater(pc.binary_length(flat), 0).to_numpy(zero_copy_only=False), dtype=bool)
        parts.append(flat.filter(pa.array(keep)))
        owners.append(np.flatnonzero(~plain)[pc.list_parent_indices(words).to_numpy()[keep]])
    parents = np.concatenate(owners).astype(np.int64)
    encoded = pc.dictionary_encode(pa.concat_arrays([p.cast(pa.large_string()) for p in parts]))
    vocab = encoded.dictionary.to_numpy(zero_copy_only=False)
    vocab_hash = pd.util.hash_array(vocab, categorize=False)
    # One int64 per (doc, word): sorting it is much cheaper than a two-key lexsort.
    n_vocab = max(len(vocab), 1)
    # (in runs already in order, document by document: a stable sort merges them, several times faster)
    key = np.sort(parents * n_vocab + encoded.indices.to_numpy().astype(np.int64), kind="stable")
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    return key // n_vocab, vocab_hash[key % n_vocab]


_ALNUM = np.zeros(256, dtype=bool)
_ALNUM[[*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B)]] = True


def _ascii_words(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The words of ASCII texts (runs of ``[A-Za-z0-9]``, what ``\\pL``/``\\pN`` are in ASCII), in
    text order, and the text of each; the link and mention tokens are blanked out first."""
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    base = int(offsets[0])
    buf = arr.buffers()[2]
    data = np.frombuffer(buf, dtype=np.uint8)[base : int(offsets[-1])] if buf is not None and n else np.zeros(0, np.uint8)
    offsets = offsets - base
    word = _ALNUM[data]
    for token in (URL_TOKEN, MENTION_TOKEN):
        # Neither token can overlap itself or the other: every occurrence is one replace_substring would replace.
        raw = np.frombuffer(token.encode(), dtype=np.uint8)
        at = np.flatnonzero(data[: max(len(data) - len(raw) + 1, 0)] == raw[0])
        for k in range(1, len(raw)):
            at = at[data[at + k] == raw[k]]
        for k in range(len(raw)):
            word[at + k] = False
    edge = np.zeros(len(data) + 1, dtype=bool)
    edge[offsets] = True  # a word never runs from one text into the next
    before = np.r_[False, word[:-1]] & ~edge[:-1]
    after = np.r_[word[1:], False] & ~edge[1:]
    starts = np.flatnonzero(word & ~before)
    ends = np.flatnonzero(word & ~after) + 1
    bounds = np.empty(2 * len(starts), dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    # The words and the gaps between them, back to back, as one string array over the same bytes: take the words.
    pieces = pa.LargeStringArray.from_buffers(max(len(bounds) - 1, 0), pa.py_buffer(bounds if len(bounds) else np.zeros(1, np.int64)), pa.py_buffer(data))
    words = pieces.take(pa.array(np.arange(0, len(bounds), 2, dtype=np.int64)))
    # The text of each word: the texts' word counts, repeated (no search per word).
    per_text = np.diff(np.searchsorted(starts, offsets))
    return words, np.repeat(np.arange(n, dtype=np.int64), per_text)


def _normalize_parallel(texts: pd.Series, workers: int) -> pd.Series:
    if workers <= 1 or len(texts) < 20000:
        return normalize_series(texts)
    from joblib import Parallel, delayed

    chunks = np.array_split(np.arange(len(texts)), workers * 4)
    parts = Parallel(n_jobs=workers, backend="loky")(
        delayed(normalize_series)(texts.iloc[c]) for c in chunks
    )
    return pd.concat(parts)


def _text_groups(
    frame: pd.DataFrame, threshold: float, workers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, near-duplicate group codes, similarity to the group's text, and the group texts."""
    own = frame.loc[frame["repost_of"].isna() & frame["text"].notna(), "text"]
    if own.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0, dtype=object)
    # Distinct texts first: copies are what we look for, so there are many.
    if "text_norm" in frame.columns:
        # Normalised already: the distinct forms (texts that differ only in a link or a mention are one),
        # in the order they first appear. A set's first form is that of its first post either way.
        text_codes, forms = pd.factorize(frame["text_norm"].array[own.index.to_numpy()], use_na_sentinel=False)
        normalized = pd.Series(forms)
    else:
        text_codes, raw_uniques = pd.factorize(own)
        normalized = _normalize_parallel(pd.Series(raw_uniques), workers)
    doc, hashes, sizes, set_keys = token_sets(normalized)
    n_texts = len(normalized)
    big = sizes >= MIN_TOKENS
    set_code = np.full(n_texts, -1, dtype=np.int64)
    set_code[big] = pd.factorize(set_keys[big])[0]
    n_sets = int(set_code.max()) + 1 if big.any() else 0
    if n_sets == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0, dtype=object)
    # One text stands for each set: its first text in canonical order.
    set_text = np.full(n_sets, n_texts, dtype=np.int64)
    idx = np.flatnonzero(big)
    np.minimum.at(set_text, set_code[idx], idx)
    tok_keep = big[doc] & np.isin(doc, set_text)
    s_doc = np.empty(n_texts, dtype=np.int64)
    s_doc[set_text] = np.arange(n_sets)
    # Representative texts are in ascending text order, so set indices stay grouped and sorted.
    sdoc = s_doc[doc[tok_keep]]
    shash = hashes[tok_keep]
    starts = np.searchsorted(sdoc, np.arange(n_sets))
    ends = np.searchsorted(sdoc, np.arange(n_sets), side="right")

    pairs = _lsh_candidates(sdoc, shash, n_sets)
    # Each word's hash as a dense number: equal numbers for equal hashes, as Jaccard compares them.
    srank = pd.factorize(shash)[0].astype(np.int64)
    if len(pairs):
        jac = _jaccard(pairs[:, 0], pairs[:, 1], srank, starts, ends)
        pairs = pairs[jac >= threshold]
    graph = sparse.coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1]))
        if len(pairs)
        else ([], ([], [])),
        shape=(n_sets, n_sets),
    )
    _, comp = connected_components(graph, directed=False)

    # Posts per set and per component; a component's evidence text is its most posted set.
    post_text = text_codes
    post_set = set_code[post_text]
    has_set = post_set >= 0
    rows = own.index.to_numpy(np.int64)[has_set]
    post_set = post_set[has_set]
    post_comp = comp[post_set]
    counts = np.bincount(post_set, minlength=n_sets)
    rep_order = np.lexsort((np.arange(n_sets), -counts, comp))
    comp_sorted = comp[rep_order]
    first = np.ones(len(rep_order), dtype=bool)
    first[1:] = comp_sorted[1:] != comp_sorted[:-1]
    rep_of_comp = np.empty(int(comp.max()) + 1, dtype=np.int64)
    rep_of_comp[comp_sorted[first]] = rep_order[first]
    rep = rep_of_comp[post_comp]
    sim = np.ones(len(rows))
    differ = post_set != rep
    if differ.any():
        sim[differ] = _jaccard(post_set[differ], rep[differ], srank, starts, ends)
    evidence = _take_text(normalized, set_text[rep_of_comp]).to_numpy(dtype=object)
    return rows, post_comp.astype(np.int64), sim, evidence


def _mix(h: np.ndarray) -> np.ndarray:
    """A second, independent 64-bit hash of ``h`` (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        z = (h + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
        return z ^ (z >> np.uint64(31))


def band_keys(doc: np.ndarray, hashes: np.ndarray, n_docs: int) -> np.ndarray:
    """MinHash-LSH band keys of token sets, shape ``(n_docs, BANDS)``.

    Parameters
    ----------
    doc, hashes : numpy.ndarray
        The token sets as distinct ``(doc, hash)`` pairs, sorted by ``doc`` (as
        :func:`_tokenize` returns them); ``doc`` runs over ``0 .. n_docs - 1``.
    n_docs : int
        Number of token sets; a set without tokens gets the key of the empty signature.

    Returns
    -------
    numpy.ndarray
        ``uint64`` keys. Two sets that agree on a band key agree on all ``ROWS`` MinHash values
        of that band (up to a 64-bit collision). The permutations are fixed (seeded), so keys
        are comparable across calls, partitions and processes.
    """
    rng = np.random.default_rng(20181)  # fixed: signatures are part of the output's identity
    n_perm = BANDS * ROWS
    a = rng.integers(1, 2**63, size=n_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=n_perm, dtype=np.uint64)
    starts = np.searchsorted(doc, np.arange(n_docs))
    size = np.searchsorted(doc, np.arange(n_docs), side="right") - starts
    out = np.empty((n_docs, BANDS), dtype=np.uint64)
    # Sets of about one length (rounded up to a multiple of _PAD) side by side, a few thousand at a
    # time: a (length, sets) matrix of their hashes, a shorter set padded with its own first hash (a
    # repeat changes no minimum), so each minimum is a few element-wise passes that stay in the
    # cache, not one reduceat segment per set over all the tokens for every permutation.
    width = -(-size // _PAD) * _PAD
    order = np.argsort(width, kind="stable")
    sorted_width = width[order]
    groups = np.flatnonzero(np.r_[True, sorted_width[1:] != sorted_width[:-1], True]) if n_docs else np.zeros(1, np.int64)
    with np.errstate(over="ignore"):
        for g0, g1 in zip(groups[:-1].tolist(), groups[1:].tolist(), strict=True):
            w = int(sorted_width[g0])
            for c0 in range(g0, g1, _SETS_AT_ONCE):
                sets = order[c0 : min(c0 + _SETS_AT_ONCE, g1)]
                # A set without tokens: every minimum is the largest value.
                empty = np.full(len(sets), np.iinfo(np.uint64).max, dtype=np.uint64)
                matrix = hashes[starts[sets][None, :] + np.minimum(np.arange(w)[:, None], size[sets][None, :] - 1)] if w else None
                values = np.empty_like(matrix) if matrix is not None else None
                keys = np.empty((len(sets), BANDS), dtype=np.uint64)
                band = empty
                for p in range(n_perm):
                    if matrix is None or values is None:
                        mins = empty
                    else:
                        np.multiply(matrix, a[p], out=values)
                        np.add(values, b[p], out=values)
                        mins = np.minimum.reduce(values, axis=0)
                    band = _mix(band ^ mins) if p % ROWS else mins
                    if p % ROWS == ROWS - 1:
                        keys[:, p // ROWS] = band
                out[sets] = keys
    return out


# band_keys: set lengths rounded up to a multiple of this, and at most this many sets at a time.
_PAD = 4
_SETS_AT_ONCE = 1 << 14


def _lsh_candidates(sdoc: np.ndarray, shash: np.ndarray, n_sets: int) -> np.ndarray:
    """Candidate pairs ``(set, set)``: sets whose MinHash agrees on a whole band.

    Within one band bucket every set is paired with the bucket's first set (a star, not all
    pairs), which keeps the work linear in the number of sets; a pair missed in one band is
    usually caught in another.
    """
    keys = band_keys(sdoc, shash, n_sets)
    found = [_star_pairs(keys[:, band]) for band in range(BANDS)]
    pairs = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    if len(pairs):
        # Sorted distinct pairs: one int64 per pair sorts much faster than rows of two.
        flat = distinct_codes(pairs[:, 0] * n_sets + pairs[:, 1])
        pairs = np.stack([flat // n_sets, flat % n_sets], axis=1)
    return pairs


def _star_pairs(keys: np.ndarray) -> np.ndarray:
    """(first set of the bucket, set) for every other set of each bucket of equal keys."""
    # A hash table, not a sort: codes number the buckets as they first appear.
    codes = pd.factorize(keys)[0]
    if not len(codes):
        return np.empty((0, 2), dtype=np.int64)
    # Codes number the buckets as they first appear: a bucket's first set is where a new highest code shows.
    seen = np.maximum.accumulate(codes)
    head = np.flatnonzero(np.r_[True, seen[1:] > seen[:-1]])[codes]
    at = np.arange(len(codes), dtype=np.int64)
    linked = head != at
    return np.stack([head[linked], at[linked]], axis=1)


def _jaccard(
    i: np.ndarray, j: np.ndarray, rank: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """Exact Jaccard similarity of the token sets ``i[k]`` and ``j[k]`` for every k.

    ``rank`` numbers the words (a set's words are ``rank[starts[s]:ends[s]]``, each once): a word
    of both sets of a pair shows as one ``(pair, word)`` key twice, one sort of int64 keys.
    """
    len_i = ends[i] - starts[i]
    len_j = ends[j] - starts[j]
    n_rank = int(rank.max()) + 1 if len(rank) else 1
    pair_ids = np.concatenate(
        [np.repeat(np.arange(len(i)), len_i), np.repeat(np.arange(len(j)), len_j)]
    )
    toks = np.concatenate([rank[_ranges(starts[i], len_i)], rank[_ranges(starts[j], len_j)]])
    key = np.sort(pair_ids * n_rank + toks, kind="stable")  # runs in order, pair by pair: merged
    dup = key[1:] == key[:-1]
    inter = np.bincount(key[1:][dup] // n_rank, minlength=len(i))
    union = len_i + len_j - inter
    return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + n)`` for every (s, n), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total, dtype=np.int64) + offsets


# ---------------------------------------------------------------- time sessions


def _sessions(
    kind: str,
    frame: pd.DataFrame,
    rows: np.ndarray,
    key: np.ndarray,
    sim: np.ndarray,
    evidence: np.ndarray,
    win_ns: int,
    min_accounts: int,
) -> pd.DataFrame:
    """Cut each content group where consecutive posts are more than ``win_ns`` apart."""
    if len(rows) == 0:
        return pd.DataFrame()
    t = frame["t"].to_numpy()[rows]
    order = np.lexsort((rows, t, key))
    rows, key, sim, t = rows[order], key[order], sim[order], t[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (t[1:] - t[:-1] > win_ns)
    session = np.cumsum(new) - 1
    acct = frame["acct"].to_numpy()[rows]
    pairs = pd.DataFrame({"s": session, "a": acct}).drop_duplicates()
    n_acc = np.bincount(pairs["s"].to_numpy(), minlength=int(session[-1]) + 1)
    keep = n_acc[session] >= min_accounts
    if not keep.any():
        return pd.DataFrame()
    out = pd.DataFrame(
        {
            "kind": kind,
            "row": rows[keep],
            "session": session[keep],
            "similarity": sim[keep],
            "evidence": evidence[key[keep]],
            "n_accounts": n_acc[session[keep]],
        }
    )
    # A post shares one URL or tag sequence once per cluster.
    return out.drop_duplicates(["session", "row"])


# ---------------------------------------------------------------- assembly and scores


def _assemble(
    frame: pd.DataFrame, members: pd.DataFrame | None, params: dict[str, object], win_ns: int
) -> CoordinationResult:
    if members is None or members.empty:
        return CoordinationResult(
            _empty(MEMBERSHIP_COLUMNS),
            _empty(CLUSTER_COLUMNS),
            _scores(frame, None, None, None),
            params,
        )
    rows = members["row"].to_numpy(np.int64)
    kind_code = pd.Categorical(members["kind"], categories=list(KINDS)).codes.astype(np.int64)
    session = members["session"].to_numpy(np.int64)
    c, _ = pd.factorize(kind_code * (int(session.max()) + 1) + session, sort=True)
    n_c = int(c.max()) + 1
    t = frame["t"].to_numpy()[rows]
    acct = frame["acct"].to_numpy()[rows]
    sim = members["similarity"].to_numpy(np.float64).round(4)

    # One row per cluster, indexed by its code.
    first = np.full(n_c, len(rows), dtype=np.int64)
    np.minimum.at(first, c, np.arange(len(rows)))
    start = np.full(n_c, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(start, c, t)
    end = np.full(n_c, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(end, c, t)
    low = np.full(n_c, 1.0)
    np.minimum.at(low, c, sim)
    kinds = np.asarray(KINDS, dtype=object)[kind_code[first]]
    evidence = members["evidence"].to_numpy(dtype=object)[first].astype(str)
    span_start = pd.to_datetime(start, utc=True)
    span_end = pd.to_datetime(end, utc=True)
    ids = _cluster_ids(kinds, evidence, span_start)
    # Accounts of each cluster, sorted (acct codes follow the sorted account ids).
    width = int(acct.max()) + 1
    flat = distinct_codes(c * width + acct)  # one int64 per (cluster, account) sorts faster than rows of two
    ca = np.stack([flat // width, flat % width], axis=1)
    author_ids = _sorted_ids(frame)
    bounds = np.searchsorted(ca[:, 0], np.arange(n_c + 1))
    names = author_ids[ca[:, 1]]
    accounts = [" ".join(names[bounds[k] : bounds[k + 1]]) for k in range(n_c)]
    clusters = pd.DataFrame(
        {
            "cluster_id": ids,
            "kind": kinds,
            "n_accounts": np.diff(bounds),
            "n_posts": np.bincount(c, minlength=n_c),
            "span_start": span_start,
            "span_end": span_end,
            "similarity": low,
            "evidence": evidence,
            "accounts": accounts,
        }
    )
    cluster_acct = pd.DataFrame({"c": ca[:, 0], "acct": ca[:, 1]})
    cluster_acct["event"] = _events(c, rows, n_c)[cluster_acct["c"].to_numpy()]
    # A cluster that chains on for more than LONG_SPAN windows is a steady stream (a post going
    # viral), not a burst: its accounts were not acting together, so it makes no partners.
    burst = (end - start) <= LONG_SPAN * win_ns
    co = _co_counts(cluster_acct[burst[cluster_acct["c"].to_numpy()]], len(author_ids))
    scores = _scores(frame, clusters, cluster_acct, co)
    clusters["repeat_share"] = _repeat_share(clusters, cluster_acct, co).round(4)

    # Memberships in a stable order: by span start, cluster id, then the canonical post order.
    id_rank = np.empty(n_c, dtype=np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(n_c)
    order = np.lexsort((rows, id_rank[c], start[c]))
    r, cc = rows[order], c[order]
    memberships = pd.DataFrame(
        {
            "cluster_id": ids[cc],
            "kind": kinds[cc],
            "account_id": _take_text(frame["author_id"], r),
            "post_id": _take_text(frame["post_id"], r),
            "created_at": pd.to_datetime(frame["t"].to_numpy()[r], utc=True),
            "text": _take_text(frame["text"], r),
            "similarity": sim[order],
            "span_start": span_start[cc],
            "span_end": span_end[cc],
            "n_accounts": clusters["n_accounts"].to_numpy()[cc],
            "platform": "x",
        }
    )
    for col in ("cluster_id", "kind", "account_id", "post_id", "text", "platform"):
        memberships[col] = memberships[col].astype("string")
    clusters["platforms"] = clusters["first_platform"] = pd.Series("x", index=clusters.index, dtype="string")
    clusters = clusters.sort_values(["span_start", "cluster_id"], kind="stable", ignore_index=True)
    for col in ("cluster_id", "kind", "evidence", "accounts", "platforms", "first_platform"):
        clusters[col] = clusters[col].astype("string")
    return CoordinationResult(memberships, clusters[CLUSTER_COLUMNS], scores, params)


def _cluster_id(kind: str, evidence: str, start: pd.Timestamp) -> str:
    """Stable id: the kind, then a digest of kind, evidence and first time."""
    key = "\x1f".join((kind, evidence, start.isoformat()))
    return f"{kind}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


def _cluster_ids(kinds: np.ndarray, evidence: np.ndarray, starts: pd.DatetimeIndex) -> np.ndarray:
    """:func:`_cluster_id` of every cluster; whole-second UTC times written without a Timestamp each."""
    ns = starts.asi8  # nanoseconds reach the years 1677-2262 only: four digits, as strftime writes them
    whole = np.asarray(ns % 1_000_000_000 == 0)
    stamps = np.char.add(np.datetime_as_string(ns.astype("datetime64[ns]"), unit="s"), "+00:00").astype(object)
    for at in np.flatnonzero(~whole):
        stamps[at] = starts[at].isoformat()
    sha1, sep = hashlib.sha1, "\x1f"
    out = np.empty(len(stamps), dtype=object)
    for n, (k, e, t) in enumerate(zip(kinds.tolist(), evidence.tolist(), stamps.tolist(), strict=True)):
        out[n] = k + "-" + sha1((k + sep + e + sep + t).encode()).hexdigest()[:12]
    return out


def distinct_codes(keys: np.ndarray) -> np.ndarray:
    """The distinct values of an integer key array, sorted: what ``np.unique(keys)`` gives.

    numpy's ``unique`` hashes integer arrays before it sorts, and its default sort is an introsort.
    The keys here (a pair, cluster or campaign code times a width, plus a code) mostly come in runs
    already in order, which a stable sort (timsort) merges in a fraction of the time: the same
    values in the same order, for a quarter of the time or less on all IRA posts.
    """
    s = np.sort(np.ravel(keys), kind="stable")
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s


def _sorted_ids(frame: pd.DataFrame) -> np.ndarray:
    """The distinct author ids in the order of ``frame["acct"]`` codes."""
    # Codes number the sorted distinct ids from 0: the first post of each code gives its id.
    _, first = np.unique(frame["acct"].to_numpy(), return_index=True)
    return _take_text(frame["author_id"], first).to_numpy(dtype=object)


def _events(c: np.ndarray, rows: np.ndarray, n_c: int) -> np.ndarray:
    """The event of each cluster code.

    Clusters that share a post are one event: a post that repeats a text, its link and its
    hashtags is one act, and must not count as three acts with the same partner.
    """
    p_codes = pd.factorize(rows, sort=True)[0]
    n = n_c + int(p_codes.max()) + 1
    graph = sparse.coo_matrix((np.ones(len(c), dtype=np.int8), (c, n_c + p_codes)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return label[:n_c]


def _co_counts(cluster_acct: pd.DataFrame, n_acct: int) -> sparse.csr_matrix:
    """Accounts x accounts: number of distinct events (up to PAIR_CAP accounts) shared."""
    ea = cluster_acct[["event", "acct"]].drop_duplicates()
    size = ea.groupby("event")["acct"].transform("size")
    if (size > PAIR_CAP).any():
        log.info(
            "%d events larger than %d accounts are left out of pair counts",
            ea.loc[size > PAIR_CAP, "event"].nunique(),
            PAIR_CAP,
        )
    ea = ea[size <= PAIR_CAP]
    e_codes = pd.factorize(ea["event"], sort=True)[0]
    inc = sparse.csr_matrix(
        (np.ones(len(ea), dtype=np.int32), (ea["acct"].to_numpy(), e_codes)),
        shape=(n_acct, int(e_codes.max()) + 1 if len(e_codes) else 0),
    )
    co = (inc @ inc.T).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    return co


def blank_scores(authors: pd.Series) -> pd.DataFrame:
    """The ``account_scores`` rows of authors that are in no cluster (score 0)."""
    return _scores(pd.DataFrame({"author_id": authors.to_numpy()}).astype("string"), None, None, None)


def _scores(
    frame: pd.DataFrame,
    clusters: pd.DataFrame | None,
    cluster_acct: pd.DataFrame | None,
    co: sparse.csr_matrix | None,
) -> pd.DataFrame:
    ids = (
        pd.Series(frame["author_id"].unique()).sort_values(ignore_index=True)
        if not frame.empty
        else pd.Series([], dtype="string")
    )
    n = len(ids)
    out = pd.DataFrame(
        {
            "account_id": ids.astype("string"),
            "coordination_score": np.zeros(n),
            "n_clusters": np.zeros(n, dtype=np.int64),
            "max_shared": np.zeros(n, dtype=np.int64),
            "top_partner": pd.Series([pd.NA] * n, dtype="string"),
            "n_repeat_partners": np.zeros(n, dtype=np.int64),
            "kinds": pd.Series([""] * n, dtype="string"),
            "reason": pd.Series(["in no cluster"] * n, dtype="string"),
            "platform": pd.Series(["x"] * n, dtype="string"),
        }
    )
    if clusters is None or cluster_acct is None or co is None or cluster_acct.empty:
        return out[SCORE_COLUMNS]
    # frame["acct"] codes are positions in the sorted unique author ids, i.e. rows of `out`.
    n_clusters = np.bincount(cluster_acct["acct"].to_numpy(), minlength=n)
    max_shared = np.zeros(n, dtype=np.int64)
    top = np.full(n, -1, dtype=np.int64)
    n_rep = np.zeros(n, dtype=np.int64)
    indptr, indices, data = co.indptr, co.indices, co.data
    has = np.diff(indptr) > 0
    if has.any():
        rows_of = np.repeat(np.arange(n), np.diff(indptr))
        # Strongest partner: most shared clusters, ties to the smallest account id.
        order = np.lexsort((indices, -data, rows_of))
        first = np.ones(len(order), dtype=bool)
        first[1:] = rows_of[order][1:] != rows_of[order][:-1]
        best = order[first]
        max_shared[rows_of[best]] = data[best]
        top[rows_of[best]] = indices[best]
        n_rep = np.bincount(rows_of[data >= 2], minlength=n)
    in_any = n_clusters > 0
    score = np.where(in_any, 0.25, 0.0)
    rep = max_shared >= 2
    score[rep] = 1.0 - 0.75 * 0.5 ** (max_shared[rep] - 1)
    kinds = cluster_acct.assign(kind=clusters["kind"].to_numpy()[cluster_acct["c"].to_numpy()])
    kinds_by = (
        kinds.drop_duplicates(["acct", "kind"])
        .sort_values(["acct", "kind"])
        .groupby("acct")["kind"]
        .agg(" ".join)
    )
    out["coordination_score"] = score.round(4)
    out["n_clusters"] = n_clusters
    out["max_shared"] = max_shared
    id_values = ids.to_numpy(dtype=object)
    out["top_partner"] = pd.Series(
        np.where(top >= 0, id_values[np.maximum(top, 0)], np.array(None)), dtype="string"
    )
    out["n_repeat_partners"] = n_rep
    out["kinds"] = pd.array([kinds_by.get(k, "") for k in range(n)], dtype="string")
    reason = np.where(
        rep,
        [
            f"acted with {p} in {s} distinct events; {r} repeat partner(s)"
            for p, s, r in zip(out["top_partner"], max_shared, n_rep, strict=True)
        ],
        np.where(in_any, "in cluster(s), but never twice with the same account", "in no cluster"),
    )
    out["reason"] = pd.array(reason, dtype="string")
    return out[SCORE_COLUMNS]


def _repeat_share(
    clusters: pd.DataFrame, cluster_acct: pd.DataFrame, co: sparse.csr_matrix
) -> np.ndarray:
    """Per cluster code, the share of its accounts that have a repeat partner among its accounts."""
    n_c = len(clusters)
    co2 = (co >= 2).tocsr()
    if co2.nnz == 0:
        return np.zeros(n_c)
    # Clusters too large for pair counts have no repeat information.
    small = clusters["n_accounts"].to_numpy()[cluster_acct["c"].to_numpy()] <= PAIR_CAP
    ca = cluster_acct[small]
    inc = sparse.csr_matrix(
        (np.ones(len(ca), dtype=np.int32), (ca["acct"].to_numpy(), ca["c"].to_numpy())),
        shape=(co.shape[0], n_c),
    )
    # (co2 @ inc)[a, c] = partners of a (shared >= 2) that are in c; keep a only if a is in c.
    reach = (co2.astype(np.int32) @ inc).multiply(inc)
    with_partner = np.asarray((reach > 0).sum(axis=0)).ravel()
    size = np.asarray(clusters["n_accounts"].to_numpy())
    return np.asarray(with_partner / np.maximum(size, 1), dtype=np.float64)
