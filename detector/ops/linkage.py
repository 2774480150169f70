"""Why two accounts are linked: the coordination events they share, with the posts behind them.

This module owns ``detector explain``'s answer. It reads cluster memberships, either a clusters
file written by ``detector posts --clusters-out`` (one row per account's post in a cluster) or the
clusters the history store holds, and returns for one account (and optionally a second) the
events they share: each cluster's kind, the shared evidence, its time span, and every post of the
two accounts in it, with its time and text. It never detects clusters itself and never scores.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from detector.errors import InputError

if TYPE_CHECKING:
    from detector.io import Rejects

MEMBERSHIP_COLUMNS = ("cluster_id", "kind", "account_id", "screen_name", "post_id", "created_at", "text", "evidence")


@dataclass
class SharedEvent:
    """One cluster (a coordination event) and the posts the asked-about accounts have in it."""

    cluster_id: str
    kind: str
    evidence: str
    n_accounts: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    posts: pd.DataFrame  # account_id, screen_name, post_id, created_at, text (time order)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "kind": self.kind,
            "evidence": self.evidence,
            "n_accounts": self.n_accounts,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "posts": [
                {**{k: _plain(v) for k, v in r.items() if k != "created_at"}, "created_at": _iso(r["created_at"])}
                for r in self.posts.to_dict("records")
            ],
        }


@dataclass
class Linkage:
    """The answer of ``detector explain``.

    ``other`` is ``None`` when one account was asked about: ``partners`` then lists every account
    it shares an event with (``account_id, screen_name, shared_events, kinds``), most shared first,
    and ``events`` every event the account is in.
    """

    account: str
    account_name: str
    other: str | None = None
    other_name: str = ""
    events: list[SharedEvent] = field(default_factory=list)
    partners: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": {"account_id": self.account, "screen_name": self.account_name},
            "other": None if self.other is None else {"account_id": self.other, "screen_name": self.other_name},
            "source": self.source,
            "shared_events": len(self.events),
            "partners": [{k: _plain(v) for k, v in r.items()} for r in self.partners.to_dict("records")],
            "events": [e.as_dict() for e in self.events],
        }


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _iso(t: Any) -> str | None:
    if t is None or t is pd.NaT or (isinstance(t, float) and math.isnan(t)):
        return None
    return pd.Timestamp(t).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------------------------
# Inputs


def read_memberships(path: str | os.PathLike[str], rejects: Rejects | None = None) -> pd.DataFrame:
    """A clusters file (``detector posts --clusters-out``, any format) as membership rows.

    A record that cannot be read (a malformed JSONL line or CSV row, a JSON record that is not an
    object) is kept aside in ``rejects`` (with its record number) and the others are read, as
    :func:`detector.io.read_output_table` reads a report's files.

    Raises
    ------
    InputError
        The file lacks ``cluster_id`` or ``account_id`` (for example a one-row-per-cluster
        table from a report, which does not say which post is whose), or none of its records
        could be read.
    """
    from detector.io import Rejects, read_output_table

    p = str(path)
    df = read_output_table(p, rejects if rejects is not None else Rejects(p), ("cluster_id", "account_id"))
    missing = [c for c in ("cluster_id", "account_id") if c not in df.columns]
    if missing:
        raise InputError(
            f"no {' or '.join(repr(c) for c in missing)} column: explain needs one row per cluster membership "
            "(the file `detector posts --clusters-out` writes)",
            path=p,
            field=missing[0],
        )
    return _canonical(df)


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in MEMBERSHIP_COLUMNS:
        src = col
        if col == "screen_name" and col not in df.columns and "author_screen_name" in df.columns:
            src = "author_screen_name"
        out[col] = df[src].to_numpy() if src in df.columns else None
    out["created_at"] = pd.to_datetime(out["created_at"], utc=True, errors="coerce", format="mixed")
    for col in ("cluster_id", "kind", "account_id", "screen_name", "post_id", "text"):
        out[col] = out[col].astype("string").str.strip().fillna("")
    out["evidence"] = [_evidence_text(v) for v in out["evidence"]]
    return out[out["cluster_id"].ne("") & out["account_id"].ne("")].reset_index(drop=True)


def _evidence_text(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, str):
        try:
            parsed = json.loads(v) if v.strip()[:1] == "{" else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            v = parsed
        else:
            return v
    if isinstance(v, dict):
        return str(v.get("shared", "")) or json.dumps(v, ensure_ascii=False)
    return str(v)


def memberships_from_store(store: Any, *, watch: str | None = None, since: Any = None) -> pd.DataFrame:
    """The store's clusters as membership rows (one per member post), with the posts' texts.

    The same group found again by a later run is one event, not two.
    """
    clusters = store.clusters(since=since, watch=watch)
    seen: dict[tuple[str, frozenset[str]], Any] = {}
    for c in clusters.itertuples(index=False):
        seen[(str(c.kind), frozenset(str(m) for m in c.members))] = c
    rows: list[dict[str, Any]] = []
    post_ids: list[str] = []
    for c in seen.values():
        for m in c.members:
            kind, _, ident = str(m).partition(":")
            if kind == "post":
                rows.append({"cluster_id": str(c.cluster_id), "kind": c.kind, "post_id": ident, "evidence": c.evidence})
                post_ids.append(ident)
    if not rows:
        return _canonical(pd.DataFrame(columns=list(MEMBERSHIP_COLUMNS)))
    ids = list(dict.fromkeys(post_ids))
    parts = [store.posts(ids[i : i + 500]) for i in range(0, len(ids), 500)]
    posts = pd.concat([p for p in parts if len(p)] or [store.posts([])], ignore_index=True)
    posts = posts[["post_id", "author_id", "author_screen_name", "created_at", "text"]].astype({"post_id": str})
    df = pd.DataFrame(rows).merge(posts, on="post_id", how="left")
    df = df.rename(columns={"author_id": "account_id", "author_screen_name": "screen_name"})
    return _canonical(df)


# ---------------------------------------------------------------------------------------------
# The answer


def resolve_account(memberships: pd.DataFrame, who: str, source: str) -> tuple[str, str]:
    """An account id and screen name from an id or a ``@name`` (case-insensitive).

    Raises
    ------
    InputError
        No cluster of ``source`` has that account.
    """
    text = who.strip()
    name = text[1:] if text.startswith("@") else text
    ids = memberships["account_id"]
    names = memberships["screen_name"].str.casefold()
    hit = memberships[ids.eq(text)] if not text.startswith("@") else memberships.iloc[0:0]
    if hit.empty:
        hit = memberships[names.eq(name.casefold())]
    if hit.empty:  # inputs without ids use the screen name as the id
        hit = memberships[ids.str.casefold().eq(name.casefold())]
    named = memberships["screen_name"].fillna("").astype(str).str.len().gt(0).any()
    if hit.empty and text.startswith("@") and not named and ids.astype(str).str.fullmatch(r"\d+").all():
        # A clusters file of `detector posts` names its members by id only (numbers): a name cannot be found there.
        raise InputError(
            f"account '{who}' is in no coordination cluster of {source} by that name: the file names accounts by id only; "
            "give its id (author_id beside author_screen_name in the post scores)",
            field="account",
        )
    if hit.empty:
        raise InputError(f"account '{who}' is in no coordination cluster of {source}", field="account")
    account = str(hit["account_id"].iloc[0])
    screen = next((s for s in hit["screen_name"] if s), "")
    return account, screen


def explain_link(memberships: pd.DataFrame, account: str, other: str | None = None, *, source: str = "") -> Linkage:
    """Why ``account`` is linked to ``other`` (or to anyone): the shared events and their posts.

    Parameters
    ----------
    memberships : DataFrame
        :func:`read_memberships` or :func:`memberships_from_store` output.
    account, other : str
        Account ids or ``@screen_name``.
    source : str
        Where the memberships came from, for messages.

    Raises
    ------
    InputError
        An account is in no cluster.
    """
    a_id, a_name = resolve_account(memberships, account, source)
    b_id, b_name = resolve_account(memberships, other, source) if other is not None else (None, "")
    if b_id == a_id:
        raise InputError(f"'{account}' and '{other}' are the same account", field="account")
    by_cluster = memberships.groupby("cluster_id", sort=False)
    mine = set(memberships.loc[memberships["account_id"].eq(a_id), "cluster_id"])
    if b_id is not None:
        mine &= set(memberships.loc[memberships["account_id"].eq(b_id), "cluster_id"])
    wanted = {a_id} if b_id is None else {a_id, b_id}
    events = []
    for cid in mine:
        g = by_cluster.get_group(cid)
        posts = g[g["account_id"].isin(wanted)].drop_duplicates(["account_id", "post_id"])
        posts = posts.sort_values(["created_at", "account_id", "post_id"], na_position="last")
        times = g["created_at"].dropna()
        events.append(
            SharedEvent(
                cluster_id=str(cid),
                kind=str(g["kind"].iloc[0]),
                evidence=next((e for e in g["evidence"] if e), ""),
                n_accounts=int(g["account_id"].nunique()),
                start=times.min() if len(times) else None,
                end=times.max() if len(times) else None,
                posts=posts[["account_id", "screen_name", "post_id", "created_at", "text"]].reset_index(drop=True),
            )
        )
    events.sort(key=lambda e: (e.start is None, e.start or pd.Timestamp.min.tz_localize("UTC"), e.cluster_id))
    link = Linkage(a_id, a_name, b_id, b_name, events, source=source)
    if b_id is None:
        others = memberships[memberships["cluster_id"].isin(mine) & memberships["account_id"].ne(a_id)]
        if len(others):
            grouped = others.groupby("account_id", sort=False)
            link.partners = (
                pd.DataFrame({
                    "screen_name": grouped["screen_name"].agg(lambda s: next((x for x in s if x), "")),
                    "shared_events": grouped["cluster_id"].nunique(),
                    "kinds": grouped["kind"].agg(lambda s: " ".join(sorted(set(s)))),
                })
                .reset_index()
                .sort_values(["shared_events", "account_id"], ascending=[False, True])
                .reset_index(drop=True)
            )
        else:
            link.partners = pd.DataFrame(columns=["account_id", "screen_name", "shared_events", "kinds"])
    return link


def _who(account_id: str, name: str) -> str:
    return f"@{name}" if name else account_id


def render_text(link: Linkage, *, max_posts: int = 10, width: int = 160) -> str:
    """The answer as plain text for a terminal; control characters in posts are shown escaped."""
    a = _who(link.account, link.account_name)
    lines: list[str] = []
    kinds = pd.Series([e.kind for e in link.events]).value_counts()
    kinds_text = ", ".join(f"{k} ×{n}" for k, n in kinds.items())
    if link.other is not None:
        b = _who(link.other, link.other_name)
        if not link.events:
            return f"{a} and {b} share no coordination event in {link.source}.\n"
        lines.append(f"{a} and {b} are linked by {len(link.events)} shared event{'s' if len(link.events) != 1 else ''} ({kinds_text}) in {link.source}:")
    else:
        lines.append(
            f"{a} is in {len(link.events)} coordination event{'s' if len(link.events) != 1 else ''} ({kinds_text}) in {link.source}, "
            f"with {len(link.partners)} other account{'s' if len(link.partners) != 1 else ''}:"
        )
        for r in link.partners.head(20).itertuples(index=False):
            lines.append(f"  {_who(r.account_id, r.screen_name)}: {r.shared_events} shared event{'s' if r.shared_events != 1 else ''} ({r.kinds})")
        if len(link.partners) > 20:
            lines.append(f"  … and {len(link.partners) - 20} more (--json lists all)")
        lines.append(f"Ask `detector explain {link.account if not link.account_name else '@' + link.account_name} OTHER` for the posts two accounts share.")
        return "\n".join(_safe(x) for x in lines) + "\n"
    for i, e in enumerate(link.events, 1):
        span = _when(e.start) if e.start == e.end else f"{_when(e.start)} → {_when(e.end)}"
        lines.append("")
        lines.append(f"{i}. {e.kind} cluster {e.cluster_id} · {span} · {e.n_accounts} accounts" + (f" · shared {e.evidence}" if e.evidence else ""))
        for p in e.posts.head(max_posts).itertuples(index=False):
            text = " ".join(str(p.text).split())
            if len(text) > width:
                text = text[: width - 1] + "…"
            lines.append(f"   {_when(p.created_at)}  {_who(p.account_id, p.screen_name)}  post {p.post_id}: {text}")
        if len(e.posts) > max_posts:
            lines.append(f"   … and {len(e.posts) - max_posts} more posts (--json lists all)")
    return "\n".join(_safe(x) for x in lines) + "\n"


def _when(t: Any) -> str:
    if t is None or t is pd.NaT:
        return "(no time)"
    return pd.Timestamp(t).strftime("%Y-%m-%d %H:%M:%S UTC")


def _safe(line: str) -> str:
    # A post may hold terminal escape sequences or a fake line: show control characters escaped.
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in line)
