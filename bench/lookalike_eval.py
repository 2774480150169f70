"""How often bots and humans of the published collections fall in a look-alike group (descriptive).

Each shipped collection (``datasets/accounts/*.parquet``) is treated as one list, as if an analyst
had scored it with ``detector score``, and :mod:`detector.accounts.lookalike` finds its groups with
the conventions fixed in that module (set before this was first run; nothing here is tuned).
Reported per collection and per labelled group (``kind``): accounts, the share of bots (label 1) and
of humans (label 0) in a group, and which kinds of evidence the grouped accounts carry; then
organisational humans (10,000+ followers, 100 likes given or fewer: EVALUATION.md, "Organisational
accounts"). Also the TwiBot-20 example list (``datasets/examples``), which has no labels here.

Usage: ``python bench/lookalike_eval.py [--write EVALUATION.md]`` (``--write`` replaces the
subsection "Look-alike groups across a list" of the accounts part).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from detector.accounts.lookalike import find_lookalikes, lookalike_keys
from detector.accounts.read import read_accounts

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT / "datasets" / "accounts"
TWIBOT = ROOT / "datasets" / "examples" / "twibot20_accounts.json"
HEADING = "### Look-alike groups across a list"
KINDS = {
    "burst": "created within",
    "template": "screen-name template",
    "description": "its description",
    "name": "its display name",
}


def organisational(frame: pd.DataFrame) -> pd.Series:
    """EVALUATION.md's organisational shape: 10,000+ followers and 100 likes given or fewer."""
    return (frame["followers_count"] >= 10_000) & (frame["favourites_count"] <= 100)


def grouped(frame: pd.DataFrame) -> pd.DataFrame:
    found = find_lookalikes(lookalike_keys(frame.reset_index(drop=True)))
    out = frame.reset_index(drop=True).join(found)
    out["in_group"] = out["lookalike_size"] > 0
    for kind, words in KINDS.items():
        out[f"has_{kind}"] = out["lookalike_evidence"].str.contains(words, regex=False)
    return out


def share(mask: pd.Series) -> str:
    return f"{mask.mean():.3f}" if len(mask) else "-"


def evidence_fields(frame: pd.DataFrame) -> str:
    have = []
    if frame["created_at"].notna().any():
        have.append("created")
    for field, word in (("screen_name", "handle"), ("name", "name"), ("description", "bio")):
        if frame[field].notna().any():
            have.append(word)
    return ", ".join(have) or "none"


def tables() -> tuple[str, str, str, str, str]:
    per_collection, per_kind, org_rows = [], [], []
    pooled = []
    human_shares: dict[str, float] = {}
    human_notes: list[str] = []
    bot_shares: dict[str, float] = {}
    for path in sorted(TABLES.glob("*.parquet")):
        frame = grouped(pd.read_parquet(path))
        name = path.stem
        bots, humans = frame[frame["label"] == 1], frame[frame["label"] == 0]
        groups = frame.loc[frame["in_group"], "lookalike_group"].nunique()
        if len(humans):
            human_shares[name] = float(humans["in_group"].mean())
        if len(bots):
            bot_shares[name] = float(bots["in_group"].mean())
        per_collection.append(
            f"| {name} | {evidence_fields(frame)} | {len(bots):,} | {share(bots['in_group'])} | {len(humans):,} | {share(humans['in_group'])} | "
            f"{groups:,} | {int(frame['lookalike_size'].max()):,} |"
        )
        for kind, part in frame.groupby("kind", sort=True):
            g = part[part["in_group"]]
            kinds = ", ".join(f"{k} {g[f'has_{k}'].mean():.2f}" for k in KINDS if len(g) and g[f"has_{k}"].any()) or "-"
            per_kind.append(f"| {name} | {kind} | {int(part['label'].iloc[0])} | {len(part):,} | {share(part['in_group'])} | {kinds} |")
        lone = humans[humans["in_group"]]
        if len(lone):
            kinds = ", ".join(f"{k} {lone[f'has_{k}'].mean():.0%}" for k in KINDS if lone[f"has_{k}"].any())
            created = lone["created_at"].dropna()
            when = f", created {created.min():%Y-%m-%d} to {created.max():%Y-%m-%d}" if len(created) else ""
            templates = sorted({t.split(' its screen-name template ')[1].split(';')[0] for t in lone['lookalike_evidence'] if 'screen-name template' in t})
            shapes = f"; templates {', '.join(templates[:4])}" if templates else ""
            human_notes.append(
                f"- {name}: {len(lone):,} humans in {lone['lookalike_group'].nunique():,} groups "
                f"(groups holding no bot: {int((frame.groupby('lookalike_group')['label'].max().reindex(lone['lookalike_group'].unique()) == 0).sum()):,}); "
                f"evidence {kinds}{when}{shapes}; for example {', '.join(lone['screen_name'].astype(str).head(3))}"
            )
        org = humans[organisational(humans)]
        if len(org):
            org_rows.append(f"| {name} | {len(org):,} | {int(org['in_group'].sum()):,} | {share(org['in_group'])} |")
            pooled.append(org)
    if pooled:
        org = pd.concat(pooled)
        org_rows.append(f"| **pooled** | {len(org):,} | {int(org['in_group'].sum()):,} | {share(org['in_group'])} |")
    # Added after the first run (disclosed in the text): every collection as one list of ~94,000, where
    # accounts of unrelated collections could be linked by chance.
    everything = grouped(pd.concat([pd.read_parquet(p) for p in sorted(TABLES.glob("*.parquet"))], ignore_index=True))
    by_group = everything[everything["in_group"]].groupby("lookalike_group").agg(n=("label", "size"), bots=("label", "sum"), collections=("collection", "nunique"))
    all_bots, all_humans = everything[everything["label"] == 1], everything[everything["label"] == 0]
    pooled_line = (
        f"All collections as one list ({len(everything):,} accounts; added after the first run, to see whether accounts of "
        f"unrelated collections are linked by chance): {100 * all_humans['in_group'].mean():.2f}% of {len(all_humans):,} humans "
        f"and {100 * all_bots['in_group'].mean():.1f}% of {len(all_bots):,} bots in a group; {len(by_group):,} groups, "
        f"{int((by_group['collections'] > 1).sum()):,} of them across collections, "
        f"{int(((by_group['bots'] > 0) & (by_group['bots'] < by_group['n'])).sum()):,} holding both humans and bots."
    )
    twibot = grouped(read_accounts(TWIBOT, as_of="2020-09-01").accounts)
    tw_groups = twibot.loc[twibot["in_group"]]
    tw = (
        f"TwiBot-20 example (`{TWIBOT.relative_to(ROOT)}`, {len(twibot)} accounts, as `make run` scores it): "
        + (f"{tw_groups['lookalike_group'].nunique()} look-alike groups of {len(tw_groups)} accounts." if len(tw_groups) else "no look-alike group.")
    )
    worst = max(human_shares, key=lambda k: human_shares[k])
    with_bots = sorted((k for k, v in bot_shares.items() if v > 0), key=lambda k: -bot_shares[k])
    summary = (
        f"Humans in a group: at most {100 * human_shares[worst]:.1f}% in any collection ({worst}); "
        f"bots in a group: {', '.join(f'{k} {100 * bot_shares[k]:.1f}%' for k in with_bots)}; "
        f"{sum(1 for v in bot_shares.values() if v == 0)} of {len(bot_shares)} collections with bots show none."
    )
    summary += "\n\nThe humans found in a group, collection by collection:\n\n" + ("\n".join(human_notes) or "- none")
    summary += "\n\n" + pooled_line
    return "\n".join(per_collection), "\n".join(per_kind), "\n".join(org_rows), tw, summary


def section() -> str:
    per_collection, per_kind, org, tw, summary = tables()
    return f"""{HEADING}

Generated by `bench/lookalike_eval.py` (`--write EVALUATION.md`). `detector score` adds to each row the
look-alike group of the list it scored (README, "Look-alike groups"): accounts linked by two kinds of
evidence (a creation burst, a screen-name template with 4 or more digits, the same description, the
same display name) or by one description of 40 characters or more copied 3 times. The conventions were
fixed in writing before this table was first made, and nothing was changed after (they are in
`detector/accounts/lookalike.py`). Here each published collection is treated as one list.

**How to read it.** These collections are samples drawn by their publishers: a set of bots found as a
group (one farm, one campaign) shows groups because it was collected as one, and the humans of a
collection were sampled apart from each other. The shares say how often the evidence appears in
such samples, not how often it would in a list an analyst collects around one wave of calls. The
evidence is for an analyst to look at, not a verdict, and it never changes `score` or `label`. A
collection without creation times, names or descriptions (`evidence fields`) can show no group.

{summary}

Per collection (bots: label 1; humans: label 0):

| collection | evidence fields | bots | bots in a group | humans | humans in a group | groups | largest |
|---|---|---|---|---|---|---|---|
{per_collection}

Per labelled group (`kind`), with the share of its grouped accounts that carry each kind of evidence:

| collection | kind | label | accounts | in a group | evidence of the grouped |
|---|---|---|---|---|---|
{per_kind}

Organisational humans (10,000+ followers, 100 likes given or fewer; label 0) in a group:

| collection | accounts | in a group | share |
|---|---|---|---|
{org}

{tw}
"""


def write(path: Path, text: str) -> None:
    """Replace the subsection under :data:`HEADING` (to the next heading of its level or above), or
    add it at the end of the accounts part."""
    doc = path.read_text(encoding="utf-8")
    at = doc.find(HEADING + "\n")
    if at >= 0:
        rest = doc[at + len(HEADING) :]
        nxt = re.search(r"^#{2,3} ", rest, flags=re.M)
        end = at + len(HEADING) + (nxt.start() if nxt else len(rest))
        doc = doc[:at] + text.rstrip("\n") + "\n\n" + doc[end:]
    else:
        nxt = re.search(r"^## (?!Accounts: the account model)", doc, flags=re.M)
        end = nxt.start() if nxt else len(doc)
        doc = doc[:end].rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n\n" + doc[end:]
    path.write_text(doc, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path, help="EVALUATION.md to write the subsection into")
    args = ap.parse_args()
    text = section()
    if args.write:
        write(args.write, text)
    print(text)


if __name__ == "__main__":
    main()
