"""The IRA calls-to-protest case study and the post-scoring check, for EVALUATION.md.

Writes two sections, "## Calls to protest: IRA case study" and "## Post scoring", from the real
data in ../shared/datasets (IRA tweets, PHEME source tweets). Every number in them is computed
here; nothing is typed by hand.

Usage::

    .venv/bin/python bench/calls_case_study.py            # print the sections
    .venv/bin/python bench/calls_case_study.py --write    # also replace them in EVALUATION.md
    .venv/bin/python bench/calls_case_study.py --only case --write   # the case study only
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from detector.errors import DetectorError, EmptyInputError
from detector.io import replace_markdown_section
from detector.posts import calls
from detector.posts.coordination import find_clusters
from detector.posts.read import author_accounts, read_posts

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
CASE_HEADING = "## Calls to protest: IRA case study"
SCORING_HEADING = "## Post scoring"
CLUSTER_WINDOW = "1h"  # IRA times have minute resolution; campaigns pushed calls over hours
MODEL_FEATURES = ["call_strength", "urgency", "has_url", "n_hashtags", "is_repost", "is_reply", "burst", "self_repeats", "coordination"]

log = logging.getLogger("bench.calls_case_study")

# The sampled calls below, read by h15 and h23 (2026-11-30) against the call definition of
# ../shared/datasets/balkan-posts/README.md: 1 a call, 0 not (online-only actions, non-political
# events, reports). Keyed by the record number the reader gives (source_row); a sample the model
# changes is reported as not read.
READ_BY_HAND = {
    556114: 0, 529722: 0, 605590: 0, 1050917: 0, 71405: 1, 639634: 0, 404369: 0, 483352: 0,
    1139585: 1, 509488: 1, 488925: 1, 488903: 1, 785138: 1, 534157: 0, 389841: 0, 758124: 1,
    578510: 1, 26655: 0, 974640: 1,
    # the samples of the model retrained by h14 (505dcb5)
    649202: 1, 714640: 1, 11439: 1, 438127: 1, 24848: 1, 493145: 1, 608446: 0, 917933: 1,
    563749: 1, 488410: 1, 251145: 1, 918155: 1, 488967: 1, 488973: 1, 563757: 1, 536412: 1,
    395082: 0, 395751: 0, 607454: 1, 974654: 1, 974641: 1, 563761: 1,
    # the samples of the model retrained by h14 again (80ab069)
    931057: 1, 563742: 1, 974657: 1, 492664: 0, 994841: 0, 57901: 1, 542931: 0, 128602: 0,
    563751: 1, 563759: 1, 304910: 1, 1013431: 1, 730878: 1, 1159886: 0, 974642: 1, 1132819: 1,
    488909: 1, 713523: 0, 752040: 1, 752045: 1,
    # the samples of session 5's model, read by h23 (2026-11-30) with the same definition; "unsure" for
    # 625796 (a congressional commemoration), 917229 (campaign rally tickets), 575927 (a school walkout),
    # 436274 (a protest the writer forms in front of a hotel)
    937333: 0, 1013408: 0, 625796: 1, 672002: 1, 541172: 0, 563755: 1, 488891: 1, 281724: 0,
    917229: 1, 488982: 1, 575927: 1, 553519: 0, 436274: 1, 625286: 1, 974651: 1, 578399: 1,
    # the samples of session 6's model (per-language thresholds), read by h29 (2026-11-30) with the same
    # definition; "unsure" for 1160313 (a nationwide reading for those who cannot attend a sit-in: 0) and
    # 322033 (the writer will join a vigil tonight, no invitation: 0)
    1160313: 0, 959432: 1, 481656: 1, 892798: 1, 488976: 1, 369755: 1, 926228: 0, 934171: 1,
    488906: 1, 322033: 0, 488828: 1, 121010: 1, 662996: 0, 488911: 1, 578271: 1, 974646: 1,
    1137453: 1, 247943: 1, 488980: 1, 970701: 0,
    # the samples of session 7's model (retrained with h31's labels), read by h33 (2026-11-30) with the same
    # definition; "unsure" for 227774 (an inaugural welcome celebration with performers: 0) and 974638 (the
    # organisers asking a group to help with the rally they hold on a date: 1)
    227774: 0, 527844: 1, 20947: 0, 100679: 1, 607783: 1, 974638: 1, 563754: 1, 456069: 1, 1106615: 1,
    1155526: 0, 707569: 1, 488916: 1, 583006: 1,
    # the samples of session 8's model (one threshold for every language), read by h38 (2026-11-30) with the same
    # definition; "unsure" for 415803 and 958451 (a vigil tonight that two other groups host, relayed with its hour and
    # place, no invitation: 0), 72642 (a retweeted "rally time tonight" for a campaign rally, no invitation: 0), 626547
    # (the organisers asking a group how to reach it about the memorial rally they plan: 1, as 974638) and 553933 ("today
    # we stand ... join us", a stand whose place is in the link: 1)
    1144068: 1, 578513: 1, 415803: 0, 583140: 1, 626547: 1, 553933: 1, 488908: 1, 72642: 0, 958451: 0, 488905: 1,
    489025: 1, 488927: 1, 1156419: 1, 563756: 1,
    # the samples of session 9's model (session 9's columns), read by h42 (2026-11-30) with the same definition; "unsure"
    # for 933562 (a bare "today, a rally, an hour, a park" with no invitation and nothing saying it is relayed: 1, as an
    # announcement readers can join) and 79733 (a retweeted "join me at <hour> on <day> in <city>" of a campaign: 1, the
    # invitation is there, unlike 72642); 1145365 and 460620 are financial news that name the month March; 563743-5 are
    # one text (the memorial rally invitation, read as one)
    135734: 0, 1145365: 0, 460620: 0, 379949: 0, 731131: 1, 79733: 1, 933562: 1, 435969: 1, 563743: 1, 563744: 1, 563745: 1, 578511: 1,
    488992: 1, 488936: 1,
    # the samples of session 10's model (the exclusion columns), read by h50 (2026-12-01) with the same definition; "unsure"
    # for 356563 (a retweeted "just arrived for a campaign rally in <town> at 7pm, massive crowd expected", no invitation: 0,
    # as 72642) and 713271 (a bare "<name> rally is today, <date>": 1, as 933562)
    356563: 0, 713271: 1, 974659: 1, 753451: 1, 543143: 1, 933490: 1, 563747: 1, 488996: 1, 488941: 1,
    # the samples of session 11's model (exclusion weights bounded at 0, Kosovo words), read by h61 (2026-12-01) with the
    # same definition; "unsure" for 1106623 (a retweeted "heading to <state> for a big rally tonight", no invitation: 0, as
    # 356563), 958385 (a march with its day, hour and corner relayed "via" its organisers: 1, an announcement readers can
    # join, as 933562) and 121319 (a vigil "we might be doing tonight", with "if we do please join us" and a corner: 1)
    1106623: 0, 751760: 1, 687877: 0, 958385: 1, 851996: 1, 563752: 1, 121319: 1, 717865: 1,
    # the samples of session 12's model (the same weights, the threshold by the mean of the per-language F1s: 0.295), read
    # by h75 (2026-12-01) with the same definition; "unsure" for 663833 (a retweeted "tonight, what: a campaign rally,
    # where: <state>, when: <hour>": 1, an announcement readers can join relayed, as 958385) and 305524 ("join us next
    # Thursday <date> in <town> at <library> <hours> as we get out the vote for <candidate>": 1, an invitation to a
    # gathering, not an online-only action); 969146 and 147587 are reports of marches and rallies
    893351: 1, 969146: 0, 940529: 1, 537878: 1, 663833: 1, 147587: 0, 488939: 1, 120891: 1, 488895: 1, 1102987: 1,
    488988: 1, 272000: 1, 305524: 1, 563750: 1,
    # the samples of session 14's model (h92's labels; C=256, the language-independent cues, threshold 0.245), read by h92
    # (2026-12-01) with the same definition; 560355 and 560356 are one text ("... rally on the steps of City Hall ... band
    # together": unsure, read as an announcement); 707468 and 871669 are news headlines, 898936 a comment on a sign, 533764
    # a reply about gathering members (no invitation to the reader), 149824 a football match at a pub
    974634: 1, 560355: 1, 560356: 1, 898936: 0, 707468: 0, 871669: 0, 197037: 1, 533764: 0, 149824: 0, 488630: 1,
    937570: 1, 540770: 1,
    # the samples of session 15's final fit, shipped in session 16 (the parts of a call bounded at 0; C=256, threshold 0.281),
    # read by the lead of session 16 (2026-12-02) with the same definition; "unsure" for 851163 ("Enlist ... March with us" with
    # a link: no specific action, time or place: 0); 893564 is a campaign rally with its day, hour and town (1, as 578513);
    # 416681 and 730323 are the nationwide reading for those who cannot attend a sit-in (0, as 1160313); 247630 a retweeted
    # "vigil tonight" with no invitation (0, as 415803); 528126, 575513 and 972037 are reports and a news headline
    528126: 0, 748957: 0, 575513: 0, 893564: 1, 972037: 0, 416681: 0, 851163: 0, 1149680: 1, 488935: 1, 382094: 1,
    730323: 0, 488878: 1, 461816: 1, 247630: 0,
}  # fmt: skip


def _by_reading(rows: pd.Series) -> str:
    """What reading the sampled posts found, or that they were not read."""
    seen = [READ_BY_HAND[r] for r in rows.astype(int) if r in READ_BY_HAND]
    if not seen:
        return "Not read by hand."
    unread = f" ({len(rows) - len(seen)} not read)" if len(seen) < len(rows) else ""
    return f"Read by hand (h15, h23, h29, h33, h38, h42, h50, h61, h75, h92, the lead of session 16, with the call definition of `balkan-posts/README.md`): {sum(seen)} of {len(seen)} are calls{unread}."


def _md_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *rows])


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if not np.isnan(v) else "–"
    return str(v).replace("|", "/").replace("\n", " ")


def _short(text: str, n: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- case study


def load_ira(datasets: Path) -> tuple[pd.DataFrame, pd.Series]:
    posts = read_posts(datasets / "ira-2018" / "tweets.parquet").posts
    authors = pd.read_csv(datasets / "ira-2018" / "authors.csv", dtype=str).drop_duplicates("author")
    category = authors.set_index("author")["account_category"]
    return posts, category


def _trained_on(posts: pd.DataFrame, datasets: Path) -> np.ndarray:
    """True for the IRA posts among the call classifier's labelled training posts.

    ``datasets/calls/labels.csv`` names them ``ira-<row of tweets.parquet>`` (from 0); the reader
    numbers records from 1.
    """
    labels = pd.read_csv(ROOT / "datasets" / "calls" / "labels.csv", dtype=str)
    rows = labels.loc[labels["source"] == "ira", "post_id"].str.removeprefix("ira-").astype(int)
    hit = (posts["source_row"].astype("int64") - 1).isin(rows).to_numpy()
    raw = pd.read_parquet(datasets / "ira-2018" / "tweets.parquet", columns=["content"])["content"]
    same = raw.iloc[(posts.loc[hit, "source_row"].astype("int64") - 1).to_numpy()].fillna("").to_numpy() == posts.loc[hit, "text"].fillna("").to_numpy()
    assert same.all(), "the labelled IRA rows do not line up with the posts read"
    return hit


def case_study(posts: pd.DataFrame, category: pd.Series) -> tuple[str, pd.DataFrame]:
    from detector.posts.call_model import card_path, default_model_path
    from detector.posts.text import normalize_series

    t0 = time.perf_counter()
    texts = posts["text"].astype("string").fillna("")
    norm = normalize_series(texts)
    scored_calls = calls.score_calls(texts, posts["created_at"], posts["lang"], normalised=norm)
    feats = calls.message_features(posts, calls=scored_calls, normalised=norm)
    lexicon = calls.call_features(norm, normalised=True)
    log.info("calls and message features of %d IRA posts in %.0f s", len(posts), time.perf_counter() - t0)
    is_call = feats["call_to_action"].to_numpy()
    by_lexicon = lexicon["call_to_action"].to_numpy()
    c = posts[is_call].copy()
    c["category"] = c["author_id"].map(category).fillna("?")
    n_event = int(lexicon["cta_event"].sum())
    trained = _trained_on(posts, DATASETS)
    card = json.loads(card_path(default_model_path()).read_text(encoding="utf-8"))
    when = scored_calls["when"].astype("string").fillna("").str.strip().ne("").to_numpy()
    where = scored_calls["where"].astype("string").fillna("").str.strip().ne("").to_numpy()
    lines = [
        CASE_HEADING,
        "",
        "Produced by `bench/calls_case_study.py` from `ira-2018/tweets.parquet` (1,166,601 tweets of",
        "1,416 IRA accounts, about half of the accounts the IRA ran). The call detector is the shipped",
        f"classifier (`detector.posts.calls.score_calls`, `detector/data/call-model.npz` trained {card['trained'][:10]}: see",
        "\"Calls to protest: the classifier on real Albanian, Serbian and English posts\" below); what, when",
        "and where come from `detector.posts.extract`. The lexicon alone (`detector.posts.calls.call_features`: an",
        "event word, and an invitation or an announcement or both a time and a place) is shown beside it.",
        "",
        f"- {len(posts):,} posts; **{len(c):,} are calls to action** by the classifier ({c['text'].str.strip().nunique():,} distinct texts, "
        f"{c['author_id'].nunique()} accounts). The lexicon alone finds {int(by_lexicon.sum()):,} "
        f"({int((by_lexicon & is_call).sum()):,} of them among the classifier's; {int((is_call & ~by_lexicon).sum()):,} calls are the classifier's only, "
        f"{int((by_lexicon & ~is_call).sum()):,} the lexicon's only). {n_event:,} posts name a mobilising event word (protest, rally, march, …).",
        f"- Not a held-out measurement: {int(trained.sum()):,} IRA posts (labelled by reading) are among the classifier's training posts, "
        f"{int((trained & is_call).sum()):,} of the {len(c):,} calls among them; the held-out figures are in the section below.",
        f"- Calls with a time written: {int(when[is_call].sum()):,}; with a place: {int(where[is_call].sum()):,}; with both: {int((when & where)[is_call].sum()):,}.",
        "",
        "Calls by the IRA's own account category (Linvill & Warren) and by year:",
        "",
        _md_table(c.groupby("category").agg(calls=("post_id", "size"), accounts=("author_id", "nunique")).sort_values("calls", ascending=False).reset_index().head(8)),
        "",
        _md_table(c.assign(year=c["created_at"].dt.year).groupby("year").size().rename("calls").reset_index()),
        "",
        "The accounts that sent the most calls:",
        "",
    ]
    top = c.groupby(["author_id", "category"]).agg(calls=("post_id", "size"), first=("created_at", "min"), last=("created_at", "max"), example=("text", "first")).sort_values("calls", ascending=False).head(10).reset_index()
    top["first"] = top["first"].dt.date
    top["last"] = top["last"].dt.date
    top["example"] = top["example"].map(lambda t: _short(t, 90))
    lines += [_md_table(top), ""]

    # The two campaigns named in the brief.
    lines += ["### The two named campaigns", ""]
    for name, pattern in (("#texit statewide rally (Texas, 5 Nov 2016)", r"(?i)texit.*rally|rally.*texit"), ("Freddie Gray anniversary march (Baltimore, April 2016)", r"(?i)freddie gray.*march|march.*freddie gray")):
        hit = posts["text"].str.contains(pattern, regex=True, na=False).to_numpy()
        found = hit & is_call
        sub = posts[hit]
        lines.append(
            f"- **{name}**: {int(hit.sum())} posts match the campaign's words, by {sub['author_id'].nunique()} account(s) "
            f"({', '.join(sorted(sub['author_id'].unique())[:5])}); the classifier marks **{int(found.sum())}** of them as calls "
            f"(the lexicon alone {int((hit & by_lexicon).sum())}; {int((hit & trained).sum())} of the {int(hit.sum())} are training posts)."
        )
        missed = posts[hit & ~is_call]["text"].head(3).map(_short).tolist()
        if missed:
            lines.append("  Not marked: " + " · ".join(f"“{m}”" for m in missed))
    lines += [
        "",
        "The invitation phrases “are you interested”, “would you be interested” and “we're organizing” were",
        "added to the lexicon after reading the #texit posts it missed, and IRA posts are among the",
        "classifier's training posts, so the #texit figure is not a held-out measurement; the Freddie Gray",
        "posts are mostly reports of marches, correctly not calls.",
        "",
        "Calls the classifier finds and the lexicon does not (a seeded random sample of 8, to judge them by eye):",
        "",
    ]
    only = posts[is_call & ~by_lexicon & ~trained]
    if len(only):
        pick = only.sample(min(8, len(only)), random_state=11)[["author_id", "created_at", "text", "source_row"]].copy()
        pick["created_at"] = pick["created_at"].dt.date
        pick["text"] = pick["text"].map(lambda t: _short(t, 120))
        lines += [_md_table(pick.drop(columns=["source_row"])), "", _by_reading(pick["source_row"]), ""]

    # Who pushed the calls: coordination among the calls themselves.
    t0 = time.perf_counter()
    coord = find_clusters(c[list(posts.columns)], window=CLUSTER_WINDOW)
    log.info("coordination on %d calls in %.1f s", len(c), time.perf_counter() - t0)
    cl = coord.clusters
    lines += [
        "### The clusters that pushed the calls",
        "",
        f"`find_clusters` on the {len(c):,} calls (window {CLUSTER_WINDOW}, the other settings at their defaults) finds "
        f"**{len(cl)} clusters** ({', '.join(f'{k}: {v}' for k, v in cl['kind'].value_counts().items()) or 'none'}); "
        f"{int((coord.account_scores['coordination_score'] >= 0.5).sum())} accounts acted together with the same partner in two or more of them.",
        "",
    ]
    in_cluster = c["post_id"].isin(coord.memberships["post_id"]).to_numpy()
    wide = find_clusters(c[list(posts.columns)], window="24h")
    solo = c[~in_cluster].groupby("author_id").size().sort_values(ascending=False).head(4)
    solo_share = (~in_cluster).mean()
    lines += [
        f"{int(in_cluster.sum())} of the {len(c):,} calls ({in_cluster.mean():.0%}) are in a cluster; with a 24-hour window "
        f"{wide.memberships['post_id'].nunique() if len(wide.memberships) else 0} are, in {len(wide.clusters)} clusters. "
        f"The accounts that sent the most calls outside any cluster: {', '.join(f'{a} ({n})' for a, n in solo.items())}. "
        f"Single organiser personas sent {solo_share:.0%} of the calls on their own, inviting people one by one; "
        "for such a campaign the coordination signal is weak and the templating and burst signals carry the evidence.",
        "",
    ]
    if len(cl):
        big = cl.sort_values(["n_accounts", "n_posts"], ascending=False).head(12).copy()
        big["categories"] = big["accounts"].map(lambda a: ", ".join(sorted({str(category.get(x, "?")) for x in str(a).split()})))
        big["span"] = big["span_start"].dt.strftime("%Y-%m-%d %H:%M") + " → " + big["span_end"].dt.strftime("%H:%M")
        # A repost cluster's evidence is the reposted post's key: show the reposted text instead.
        first_text = coord.memberships.groupby("cluster_id")["text"].first()
        reposted = big["kind"].eq("repost")
        big.loc[reposted, "evidence"] = "RT: " + big.loc[reposted, "cluster_id"].map(first_text).astype(str)
        big["evidence"] = big["evidence"].map(lambda t: _short(t, 80))
        lines += [_md_table(big[["kind", "n_accounts", "n_posts", "span", "categories", "evidence"]]), ""]

    # How the rule scores the calls (no profiles in the IRA release: no account term).
    scored = calls.score_posts(c[list(posts.columns)], coordination=coord, features=feats[is_call])
    dist = scored["label"].value_counts()
    lines += [
        "### How the post rule scores these calls",
        "",
        "The IRA release carries no profiles, so the author term is absent and no call can be labelled",
        "`likely-genuine`. On coordination, templating, bursts and the message alone: "
        + ", ".join(f"{dist.get(k, 0):,} {k}" for k in ("suspicious", "uncertain", "likely-genuine"))
        + f"; median score {scored['score'].median():.2f}, 90th percentile {scored['score'].quantile(0.9):.2f}.",
        f"The strongest evidence is templating: {int((scored['self_repeats'] > 0).sum()):,} of the calls repeat, word for word apart from the addressee, "
        "another call of the same account within 24 hours (ItsTimeToSecede's one-by-one #texit invitations).",
        "",
        "### Serbian and Albanian",
        "",
    ]
    balkan = posts["lang"].isin(["sr", "mk", "hr", "bs", "sq", "bg"]).to_numpy()
    lines.append(
        f"The IRA posts labelled Serbian, Macedonian, Croatian, Bosnian, Albanian or Bulgarian ({int(balkan.sum()):,}; the labels are machine-assigned and most are Russian) "
        f"hold {int((balkan & is_call).sum())} calls to action by this detector"
        + (": " + " · ".join(f"“{_short(t, 80)}”" for t in posts[balkan & is_call]["text"].head(3)) if (balkan & is_call).any() else "")
        + ". The IRA data hold no labelled Serbian or Albanian mobilisation posts: the lexicon and the trained classifier are measured on hand-labelled real Albanian, Serbian and English posts in the section \"Calls to protest: the classifier on real Albanian, Serbian and English posts\" below."
    )
    lines += ["", "A seeded random sample of 12 detected calls, to judge the detector's precision by eye:", ""]
    sample = c.sample(min(12, len(c)), random_state=7)[["author_id", "created_at", "text", "source_row"]].copy()
    sample["created_at"] = sample["created_at"].dt.date
    sample["text"] = sample["text"].map(lambda t: _short(t, 120))
    lines += [_md_table(sample.drop(columns=["source_row"])), "", _by_reading(sample["source_row"]), ""]
    return "\n".join(lines) + "\n", feats


# ---------------------------------------------------------------- post scoring check


def load_pheme(datasets: Path) -> tuple[pd.DataFrame, list[tuple[int, dict]]]:
    frames, users, groups = [], [], []
    for path in sorted((datasets / "pheme").glob("*.json")):
        try:
            read = read_posts(path)
        except EmptyInputError:
            continue
        event = path.name.split("-all-")[0]
        frames.append(read.posts.assign(event=event))
        users += read.users
    pheme = pd.concat(frames, ignore_index=True).drop_duplicates("post_id")
    del groups
    return pheme, users


def scoring_section(ira: pd.DataFrame, ira_feats: pd.DataFrame, datasets: Path) -> str:
    pheme, users = load_pheme(datasets)
    # IRA posts in the months PHEME covers (Aug 2014 - Mar 2015): the same period, other topics.
    lo, hi = pheme["created_at"].min().floor("D"), pheme["created_at"].max().ceil("D")
    window = ira["created_at"].between(lo, hi).to_numpy()
    ira_slice = ira[window].reset_index(drop=True)
    slice_feats = ira_feats[window].reset_index(drop=True)
    ira_scored = calls.score_posts(ira_slice, coordination=find_clusters(ira_slice), features=slice_feats)
    pheme_posts = pheme.drop(columns=["event"])
    pheme_scored = calls.score_posts(pheme_posts, coordination=find_clusters(pheme_posts))
    account_note = "the account model was not available"
    pheme_with_model = None
    try:
        from detector.accounts.model import score_accounts
        from detector.accounts.registry import load_current_model as load_model

        model = load_model()
        accounts = score_accounts(author_accounts(users, "pheme"), model)
        pheme_with_model = calls.score_posts(pheme_posts, coordination=find_clusters(pheme_posts), account_scores=accounts)
        account_note = f"account model `{model.version}` on the {len(accounts):,} embedded profiles"
    except DetectorError as exc:
        log.warning("account model unavailable: %s", exc)

    def dist(scored: pd.DataFrame) -> dict[str, object]:
        n = len(scored)
        return {
            "posts": n,
            "suspicious": f"{(scored['label'] == 'suspicious').mean():.1%}",
            "uncertain": f"{(scored['label'] == 'uncertain').mean():.1%}",
            "likely-genuine": f"{(scored['label'] == 'likely-genuine').mean():.1%}",
            "median score": float(scored["score"].median()),
            "posts per author": float(n / scored["author_id"].nunique()),
        }

    rows = [
        {"set": f"IRA, {lo.date()} to {hi.date()} (no profiles)", **dist(ira_scored)},
        {"set": "PHEME source tweets (no profiles)", **dist(pheme_scored)},
    ]
    if pheme_with_model is not None:
        rows.append({"set": "PHEME source tweets, with the account model", **dist(pheme_with_model)})
    y = np.r_[np.ones(len(ira_scored)), np.zeros(len(pheme_scored))]
    rule_auc = roc_auc_score(y, np.r_[ira_scored["score"], pheme_scored["score"]])

    # A model trained on topic-free features, IRA (1) against PHEME (0), with grouped folds.
    both = pd.concat([ira_scored.assign(group="ira-" + ira_slice["created_at"].dt.strftime("%Y-%m")), pheme_scored.assign(group=pheme["event"].to_numpy())], ignore_index=True)
    both["has_url"] = (both["n_urls"] > 0).astype(float)
    X = both[MODEL_FEATURES].astype(float).to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, class_weight="balanced"))
    proba = cross_val_predict(model, X, y, groups=both["group"], cv=GroupKFold(n_splits=5), method="predict_proba")[:, 1]
    cv_auc = roc_auc_score(y, proba)
    single = []
    for i, name in enumerate(MODEL_FEATURES):
        auc = roc_auc_score(y, X[:, i])
        single.append({"feature": name, "AUC alone": max(auc, 1 - auc), "IRA mean": float(X[y == 1, i].mean()), "PHEME mean": float(X[y == 0, i].mean())})
    single_df = pd.DataFrame(single).sort_values("AUC alone", ascending=False)
    no_collection = [f for f in MODEL_FEATURES if f not in ("burst", "self_repeats", "is_repost", "coordination")]
    idx = [MODEL_FEATURES.index(f) for f in no_collection]
    proba2 = cross_val_predict(model, X[:, idx], y, groups=both["group"], cv=GroupKFold(n_splits=5), method="predict_proba")[:, 1]
    auc_message_only = roc_auc_score(y, proba2)

    lines = [
        SCORING_HEADING,
        "",
        "Produced by `bench/calls_case_study.py`. Each post's score is the documented rule of",
        "`detector.posts.calls` (module docstring): a noisy-OR of the account score a as its excess over even odds, "
        f"max(0, 2a - 1) (weight {calls.WEIGHTS['author']}), coordination ({calls.WEIGHTS['coordination']}), templating ({calls.WEIGHTS['template']}), "
        f"the author's burst ({calls.WEIGHTS['burst']}) and the message ({calls.WEIGHTS['message']}); `suspicious` ≥ {calls.SUSPICIOUS}, "
        f"`uncertain` ≥ {calls.UNCERTAIN}, `likely-genuine` below, and only when the account model calls the author likely-genuine "
        f"(account score below {calls.GENUINE_AUTHOR}). "
        "Since session 10 an account score whose label the model holds at `uncertain` for too few profile fields (the IRA "
        "CSV's two counts) is left out of the noisy-OR, as a missing profile is: it was counted, and made 57 of the 181 posts "
        "of `datasets/examples/posts/ira_texit_calls.csv` suspicious on an account score of 0.53 that the model keeps near "
        "0.5 because it cannot rank such profiles. Since session 11 the account term is the excess over even odds: a "
        "calibrated 0.5 means the model cannot tell, and counted as the raw score it added 0.35 to every post of a complete "
        "profile scored 0.5; and a post is `likely-genuine` only when its author is (before: any author with a score below "
        "about 0.43 and nothing else against the post); its weight is 1 (it was 0.7), so that the account term alone makes a "
        "post `suspicious` exactly where the account model labels its author `suspicious` (2 x 0.8 - 1 = 0.6; with 0.7 it "
        "took a score of 0.93, and the PHEME row below read 0.9% suspicious, 37 posts). Of the sets below only the PHEME row with the account model has "
        "profiles, so it is the one row that changes (session 10: 1.8% suspicious, 48.1% uncertain, 50.1% likely-genuine, "
        "median score 0.300).",
        "",
        "### Why a rule and not a trained model",
        "",
        "The only post-level labels here are IRA (inauthentic) against PHEME (organic). They differ in",
        "ways that have nothing to do with inauthenticity: PHEME holds only the source tweets of",
        "breaking-news threads, a few per author; the IRA release holds whole timelines; and the topics",
        "differ. To keep topic out, the model below sees no words, only topic-free features, and the IRA",
        "posts are restricted to PHEME's months. Folds are grouped by PHEME event and IRA month.",
        "",
        f"- Logistic regression on {', '.join(MODEL_FEATURES)}: grouped-CV ROC AUC **{cv_auc:.3f}**.",
        f"- Without the features that depend on how much of each account was collected (burst, templating, reposts, coordination): AUC **{auc_message_only:.3f}**.",
        f"- The documented rule's score, untrained, on the same posts: AUC {rule_auc:.3f}.",
        "",
        "Each feature alone (AUC of the better direction) and its mean in each set:",
        "",
        _md_table(single_df),
        "",
        f"What the model really learns: the best single feature is `{single_df.iloc[0]['feature']}` "
        f"(AUC {single_df.iloc[0]['AUC alone']:.3f} alone), and it measures the collection more than the troll: PHEME authors have "
        f"{rows[1]['posts per author']:.1f} posts each in the data, IRA accounts {rows[0]['posts per author']:.1f} in the same months, "
        "so an IRA post has many neighbours by the same author because whole timelines were kept, not",
        "(only) because trolls post in bursts. The message-only model's weaker AUC leans on link and hashtag",
        "habits of breaking-news tweets against 2014–15 IRA posts, which is style and topic, not deceit.",
        "A model fitted to this would call any account with a full timeline suspicious. The shipped",
        "scorer is therefore the rule, with weights chosen so that no single weak source labels a post",
        "suspicious, and these figures are the honest statement of how far the labelled data can check it:",
        "the rule's AUC above is also mostly the burst term, for the same reason.",
        "",
        "### Labels the rule gives",
        "",
        f"Coordination per set at its defaults; {account_note}.",
        "",
        _md_table(pd.DataFrame(rows)),
        "",
        "Without profiles, or with an uncertain account score, no post can be `likely-genuine` (absence of",
        "evidence is not evidence of a genuine author). The share of PHEME posts labelled `suspicious` is the rule's false-positive",
        "rate on organic breaking-news posts (PHEME is organic as a collection; some of its authors may",
        "still be automated news feeds).",
        "",
    ]
    for name, scored in (("without profiles", pheme_scored), ("with the account model", pheme_with_model)):
        if scored is None:
            continue
        sus = scored[scored["label"] == "suspicious"]
        if len(sus) == 0:
            continue
        top = sus.groupby("author_id").size().sort_values(ascending=False)
        names = pheme.drop_duplicates("author_id").set_index("author_id")["author_screen_name"]
        lines.append(
            f"- PHEME `suspicious` {name}: {len(sus)} posts by {len(top)} accounts; "
            f"{(sus['author_score'] > 0.5).mean():.0%} have an account score above 0.5 (the only ones that count), "
            f"{(sus['coordination'] >= 0.5).mean():.0%} coordination ≥ 0.5, {(sus['burst'] >= 3).mean():.0%} a burst of 3+ posts; "
            f"most posts: {', '.join(f'@{names.get(a, a)} ({n})' for a, n in top.head(5).items())}."
        )
    lines.append("")
    return "\n".join(lines) + "\n"


def write_section(text: str, heading: str, path: Path = ROOT / "EVALUATION.md") -> None:
    """Replace the ``heading`` section of ``path`` (or append it), leaving the others alone."""
    assert text.startswith(heading)
    replace_markdown_section(path, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the sections in EVALUATION.md")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--only", choices=["case", "scoring"], help="compute (and write) one of the two sections only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("detector.io").setLevel(logging.ERROR)
    ira, category = load_ira(args.datasets)
    case, feats = case_study(ira, category)
    scoring = scoring_section(ira, feats, args.datasets) if args.only != "case" else ""
    sys.stdout.write((case if args.only != "scoring" else "") + "\n" + scoring)
    if args.write:
        if args.only != "scoring":
            write_section(case, CASE_HEADING)
        if args.only != "case":
            write_section(scoring, SCORING_HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
