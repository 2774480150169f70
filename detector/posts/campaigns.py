"""Campaigns: one push of coordinated posts, shown as one row with all of its evidence.

A push that copies one text, its hashtags and its link is found by :mod:`detector.posts.coordination`
as two or three clusters (``text``, ``hashtags``, ``url``), one per kind of evidence. Coordination
already merges clusters that share a post into one *event* when it counts who acted with whom. This
module builds the same events from the cluster memberships and shows each as one *campaign*:

* its clusters (every kind of evidence: the texts, the links, the hashtag sequences, the reposted
  posts), its accounts, its posts and its time span;
* the campaigns that the same accounts ran again, linked to each other. Two campaigns are linked
  when a pair of accounts acted together in both (a *repeat pair*, the evidence behind
  ``coordination_score``). Each repeat pair links the campaigns it ran in time order, one to the
  next, so a network that ran fifty pushes shows as a chain of campaigns, not as 1,225 links.

The rules for which clusters make partners are coordination's: a cluster that chains on for more
than ``LONG_SPAN`` windows (a post spreading steadily) or a campaign of more than ``PAIR_CAP``
accounts (a crowd) links to nothing, and is still shown as a campaign.

It reads the memberships table of :func:`detector.posts.calls.membership_table` (or any frame with
``cluster_id, kind, account_id, post_id, created_at``), never the posts, and never writes files.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from detector.posts.coordination import KINDS, LONG_SPAN, PAIR_CAP, distinct_codes

log = logging.getLogger(__name__)

CAMPAIGN_COLUMNS = [
    "campaign_id", "n_accounts", "n_posts", "n_clusters", "span_start", "span_end", "kinds",
    "evidence_text", "evidence_url", "evidence_hashtags", "evidence_repost", "cluster_ids",
    "accounts", "repeat_pairs", "n_linked", "linked_campaigns",
]  # fmt: skip
# Evidence values shown per kind, most posted first; the memberships file keeps every one.
MAX_EVIDENCE = 3
# Linked campaigns listed per campaign, most shared accounts first (``n_linked`` counts all).
MAX_LINKED = 10
_MEMBER_COLUMNS = ("cluster_id", "kind", "account_id", "post_id", "created_at")


@dataclass
class Campaigns:
    """Campaigns built from cluster memberships.

    Attributes
    ----------
    campaigns : DataFrame
        One row per campaign, :data:`CAMPAIGN_COLUMNS`, largest first.
    clusters : Series
        ``cluster_id`` -> ``campaign_id``.
    posts : Series
        ``post_id`` -> ``campaign_id`` (a post is in at most one campaign).
    """

    campaigns: pd.DataFrame
    clusters: pd.Series
    posts: pd.Series


def empty_campaigns() -> Campaigns:
    frame = pd.DataFrame({c: pd.Series(dtype="int64" if c.startswith("n_") or c == "repeat_pairs" else "object") for c in CAMPAIGN_COLUMNS})
    frame["span_start"] = pd.Series(dtype="datetime64[ns, UTC]")
    frame["span_end"] = pd.Series(dtype="datetime64[ns, UTC]")
    return Campaigns(frame, pd.Series(dtype="string"), pd.Series(dtype="string"))


def build_campaigns(memberships: pd.DataFrame, *, window: str | pd.Timedelta | None = None, evidence: pd.DataFrame | None = None) -> Campaigns:
    """Merge the clusters that share a post into campaigns, and link the campaigns of repeat pairs.

    Parameters
    ----------
    memberships : DataFrame
        One row per (cluster, post): ``cluster_id, kind, account_id, post_id, created_at`` and
        optionally ``evidence`` (the cluster's evidence, as :func:`membership_table` joins it),
        ``span_start``, ``span_end``.
    window : str or Timedelta, optional
        The coordination window; when given, clusters spanning more than ``LONG_SPAN`` windows
        make no links (as they make no partners in coordination).
    evidence : DataFrame, optional
        ``cluster_id, evidence`` (the clusters table); used when ``memberships`` has no evidence.

    Returns
    -------
    Campaigns
    """
    missing = [c for c in _MEMBER_COLUMNS if c not in memberships.columns]
    if missing:
        from detector.errors import InputError

        raise InputError(f"the memberships table has no column {', '.join(missing)}", field=missing[0])
    m = memberships.dropna(subset=["cluster_id", "post_id"])
    if m.empty:
        return empty_campaigns()
    # Ids as codes of their Arrow text (no Python string per row); sorted, as Python sorts them (UTF-8
    # byte order is code point order).
    c_code, c_names = pd.factorize(m["cluster_id"].astype("string").array, sort=True)
    c_names = np.asarray(c_names, dtype=object)
    p_code, _ = pd.factorize(m["post_id"].astype("string").array)
    n_c, n_p = len(c_names), int(p_code.max()) + 1
    # Clusters that share a post are one event (as in coordination's pair counts).
    graph = sparse.coo_matrix((np.ones(len(c_code), dtype=np.int8), (c_code, n_c + p_code)), shape=(n_c + n_p, n_c + n_p))
    _, label = connected_components(graph, directed=False)
    event_of_cluster = label[:n_c]
    times = pd.to_datetime(m["created_at"], utc=True, errors="coerce", format="mixed").to_numpy(dtype="datetime64[ns]").astype("int64")

    # Campaign ids: a digest of the sorted cluster ids (stable across reruns and row orders).
    ev_code, ev_names = pd.factorize(event_of_cluster, sort=True)
    n_e = len(ev_names)
    order = np.lexsort((c_names.astype(str), ev_code))
    bounds = np.searchsorted(ev_code[order], np.arange(n_e + 1))
    members_of = [c_names[order[bounds[e] : bounds[e + 1]]].tolist() for e in range(n_e)]
    campaign_ids = np.array([_campaign_id(cs) for cs in members_of], dtype=object)
    row_event = ev_code[c_code]  # each row's campaign number

    # Accounts as numbers in the order of their ids: distinct (campaign, account) pairs come out sorted.
    a_code, a_names = pd.factorize(m["account_id"].astype("string").fillna("").array, sort=True)
    a_names = np.asarray(a_names, dtype=object)
    k_code, k_names = pd.factorize(m["kind"].astype("string").fillna("").array)  # every row a code (no -1)
    frame = pd.DataFrame({"e": row_event, "c": c_code, "k": k_code, "a": a_code, "t": times})
    g = frame.groupby("e", sort=True)
    e_acct, a_of = _distinct_pairs(row_event, a_code)
    named = a_names[a_of] != ""
    accounts = _joined(pd.DataFrame({"e": e_acct[named], "acct": a_names[a_of[named]]}), "acct", n_e)
    e_kind, k_of = _distinct_pairs(row_event, k_code)
    kind_rank = pd.DataFrame({"e": e_kind, "kind": np.asarray(k_names, dtype=object)[k_of]}).assign(r=lambda f: f["kind"].map({k: i for i, k in enumerate(KINDS)}))
    kinds_present = _joined(kind_rank.sort_values(["e", "r"]), "kind", n_e)
    out = pd.DataFrame(
        {
            "campaign_id": campaign_ids,
            "n_accounts": np.bincount(e_acct, minlength=n_e),
            "n_posts": np.bincount(_distinct_pairs(row_event, p_code)[0], minlength=n_e),
            "n_clusters": np.bincount(_distinct_pairs(row_event, c_code)[0], minlength=n_e),
            "span_start": pd.to_datetime(g["t"].min().to_numpy(), utc=True),
            "span_end": pd.to_datetime(g["t"].max().to_numpy(), utc=True),
            "kinds": kinds_present,
            "cluster_ids": [" ".join(cs) for cs in members_of],
            "accounts": accounts,
        }
    )
    ev_text = _evidence(m, evidence, np.unique(c_code, return_index=True)[1])
    ev_of_cluster = None if ev_text.empty else ev_text.reindex(pd.Index(c_names)).fillna("").to_numpy(dtype=object)
    kind_of = {k: i for i, k in enumerate(np.asarray(k_names, dtype=object).tolist())}
    for kind in KINDS:
        col = f"evidence_{kind}"
        out[col] = _evidence_by_event(frame, ev_of_cluster, kind_of.get(kind, -2), n_e)
    pairs, linked, n_linked = _links(frame, m, window, g["t"].min().to_numpy(np.int64), campaign_ids, a_names != "")
    out["repeat_pairs"] = pairs
    out["n_linked"] = n_linked
    out["linked_campaigns"] = linked
    out = out.sort_values(["n_accounts", "n_posts", "span_start", "campaign_id"], ascending=[False, False, True, True], kind="stable", ignore_index=True)
    for col in ("campaign_id", "kinds", "cluster_ids", "accounts", "linked_campaigns", *(f"evidence_{k}" for k in KINDS)):
        out[col] = out[col].astype("string")
    by_cluster = pd.Series(campaign_ids[ev_code], index=pd.Index(c_names, name="cluster_id"), dtype="string")
    # Each post once, at its first row (the post codes say where, without hashing the ids again).
    first = np.sort(np.unique(p_code, return_index=True)[1])
    by_post = pd.Series(campaign_ids[row_event[first]], index=pd.Index(m["post_id"].iloc[first].astype(str).to_numpy(), name="post_id"), dtype="string")
    log.info("%d clusters make %d campaigns; %d campaigns linked to another by repeat pairs", n_c, n_e, int((out["n_linked"] > 0).sum()))
    return Campaigns(out[CAMPAIGN_COLUMNS], by_cluster, by_post)


def _distinct_pairs(e: np.ndarray, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (campaign, code) pairs of the rows, sorted by campaign, then code."""
    width = int(code.max()) + 1 if len(code) else 1
    key = distinct_codes(np.asarray(e, dtype=np.int64) * width + code)
    return key // width, key % width


def _campaign_id(cluster_ids: list[str]) -> str:
    return "campaign-" + hashlib.sha1("\x1f".join(cluster_ids).encode()).hexdigest()[:12]


def _evidence(m: pd.DataFrame, clusters: pd.DataFrame | None, first: np.ndarray) -> pd.Series:
    """``cluster_id`` -> its evidence as text (the most posted text, the URL, the hashtag sequence);
    ``first``: the position of each cluster's first row in ``m``."""
    if "evidence" in m.columns or ("text" in m.columns and not (clusters is not None and "evidence" in clusters.columns)):
        rows = m.iloc[np.sort(first)]
        ev = rows.set_index(rows["cluster_id"].astype(str))["evidence" if "evidence" in m.columns else "text"]
    elif clusters is not None and "evidence" in clusters.columns:
        ev = clusters.set_index(clusters["cluster_id"].astype(str))["evidence"]
    else:
        return pd.Series(dtype="string")
    return ev.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)).astype(str)


def _evidence_by_event(frame: pd.DataFrame, ev_of_cluster: np.ndarray | None, kind: int, n_e: int) -> list[str | None]:
    """Per campaign, the distinct evidence of its clusters of kind code ``kind``, most posts first,
    `` | ``-joined; ``ev_of_cluster``: each cluster code's evidence ("" for none)."""
    out: list[str | None] = [None] * n_e
    mine = frame[frame["k"].to_numpy() == kind]
    if mine.empty or ev_of_cluster is None:
        return out
    sizes = mine.groupby(["e", "c"], sort=False).size().reset_index(name="n")
    sizes["ev"] = ev_of_cluster[sizes["c"].to_numpy()]
    sizes = sizes[sizes["ev"] != ""]
    per = sizes.groupby(["e", "ev"], sort=False)["n"].sum().reset_index().sort_values(["e", "n", "ev"], ascending=[True, False, True])
    rank = per.groupby("e").cumcount().to_numpy()
    shown = _joined(per[rank < MAX_EVIDENCE], "ev", n_e, sep=" | ")
    more = np.bincount(per["e"].to_numpy()[rank >= MAX_EVIDENCE], minlength=n_e)
    return [None if t is None else (t + (f" | … {m} more" if m else "")) for t, m in zip(shown, more.tolist(), strict=True)]


def _joined(rows: pd.DataFrame, col: str, n_e: int, sep: str = " ") -> list[str | None]:
    """``rows[col]`` joined per campaign code ``rows["e"]`` (in row order); None where a campaign has none."""
    out: list[str | None] = [None] * n_e
    if rows.empty:
        return out
    e = rows["e"].to_numpy(np.int64)
    order = np.argsort(e, kind="stable")
    e, values = e[order], rows[col].to_numpy(dtype=object)[order].tolist()
    starts = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
    ends = np.r_[starts[1:], len(e)]
    for code, a, b in zip(e[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        out[code] = sep.join(values[a:b])
    return out


def _links(
    frame: pd.DataFrame, m: pd.DataFrame, window: str | pd.Timedelta | None, start: np.ndarray, ids: np.ndarray, named: np.ndarray
) -> tuple[np.ndarray, list[str | None], np.ndarray]:
    """Repeat pairs per campaign, and each campaign's linked campaigns (see the module docstring);
    ``named``: which account codes (``frame["a"]``) are an account, not a missing one."""
    n_e = len(ids)
    pairs_n = np.zeros(n_e, dtype=np.int64)
    n_linked = np.zeros(n_e, dtype=np.int64)
    linked: list[str | None] = [None] * n_e
    burst = frame
    if window is not None and {"span_start", "span_end"} <= set(m.columns):
        span = pd.to_datetime(m["span_end"], utc=True, format="mixed") - pd.to_datetime(m["span_start"], utc=True, format="mixed")
        burst = frame[(span <= LONG_SPAN * pd.Timedelta(window)).to_numpy()]
    ea = burst.loc[named[burst["a"].to_numpy()], ["e", "a"]].drop_duplicates()
    size = ea.groupby("e")["a"].transform("size")
    ea = ea[(size >= 2) & (size <= PAIR_CAP)]
    if ea.empty:
        return pairs_n, linked, n_linked
    # The accounts' codes follow the order of their ids: numbered again from 0, as their ids would be.
    a_code = pd.factorize(ea["a"], sort=True)[0].astype(np.int64)
    ea = pd.DataFrame({"e": ea["e"].to_numpy(np.int64), "a": a_code})
    both = ea.merge(ea, on="e", suffixes=("", "_b"))
    both = both[both["a"] < both["a_b"]]
    pair = both["a"].to_numpy() * (int(a_code.max()) + 1) + both["a_b"].to_numpy()
    e = both["e"].to_numpy()
    # Pairs seen in two or more campaigns are repeat pairs.
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    rep = counts[inverse] >= 2
    pairs_n = np.bincount(e[rep], minlength=n_e).astype(np.int64)
    if not rep.any():
        return pairs_n, linked, n_linked
    pr, er = pair[rep], e[rep]
    o = np.lexsort((er, start[er], pr))
    pr, er = pr[o], er[o]
    same = pr[1:] == pr[:-1]
    src, dst = er[:-1][same], er[1:][same]
    links = pd.DataFrame({"a": np.concatenate([src, dst]), "b": np.concatenate([dst, src])})
    w = links.groupby(["a", "b"]).size().reset_index(name="w")
    w = w.sort_values(["a", "w", "b"], ascending=[True, False, True])
    n_linked = np.bincount(w["a"].to_numpy(), minlength=n_e).astype(np.int64)
    top = w[(w.groupby("a").cumcount() < MAX_LINKED).to_numpy()]
    linked = _joined(pd.DataFrame({"e": top["a"].to_numpy(), "id": ids[top["b"].to_numpy()]}), "id", n_e)
    return pairs_n, linked, n_linked
