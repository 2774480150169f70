"""Agreement between the first labels of the call data and a second, blind reading, for EVALUATION.md.

The call labels (``datasets/calls/labels.csv`` and ``../shared/datasets/balkan-posts/calls_labelled_dev.csv``,
whose posts ``datasets/calls/heldout.csv`` splits) were each read by one reader. ``datasets/calls/second_reading.csv``
holds a second reading (h41, session 8) of a seeded sample of them, made with the first label hidden, against the
written definition of ``../shared/datasets/balkan-posts/README.md``. The sample is enriched for calls (batch 1: every
call of the held-out split and of the dev set, 100 training calls, 250 non-calls across the sources; batch 2, drawn
after batch 1 was joined: 270 more non-calls with the 14 training calls not yet read mixed in; one post per distinct
text), so Cohen's kappa is reported on it and, beside it, the agreement on the first reader's calls and non-calls
separately, and a kappa reweighted to the labelled posts (each sampled post stands for the posts of its source and
first label). Only labels are read here: no text.

Usage::

    .venv/bin/python bench/label_agreement.py            # print the section
    .venv/bin/python bench/label_agreement.py --write    # also replace it in EVALUATION.md
    .venv/bin/python bench/label_agreement.py --draw /work/scratch/me   # the sample again (texts: outside the repo)

Needs ``../shared`` (the dev set's labels and languages); without it, it says so and exits 0.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from detector.io import replace_markdown_section

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
BALKAN = SHARED / "balkan-posts"
DEV = BALKAN / "calls_labelled_dev.csv"
LABELS = ROOT / "datasets" / "calls" / "labels.csv"
HELDOUT = ROOT / "datasets" / "calls" / "heldout.csv"
LATER_LABELLERS = ("h92",)  # labelled after the second reading was drawn
SECOND = ROOT / "datasets" / "calls" / "second_reading.csv"
HEADING = "## Calls to protest: label agreement (a second reading)"
SEED = 41
N_BOOT = 2000
# Where the two readings disagree, the reason in the second reader's words (no text of balkan-posts is quoted).
DISAGREEMENTS = {
    "blokade/vesti/en/sabac-protest": "the call's title over a live blog of the protest as it ran; h41 read the body as a report",
    "blokade/vesti/sr/pumpaj-pumpaj-ibar-vodo#t1": "a live-blog line closing one protest, pointing to blockades elsewhere with a see-you; h41: no invitation to a specific action",
    "adc-mk-725-60": "a one-line question whether to go out and protest; h41: no specific action",
    "adc-mk-38-142": "says a protest should be held in one town in support of another's; h41: a wish, not an invitation",
    "436471158796726272": "forwards another group's invitation for a Sunday, the event cut off; h41: relayed, and the action unknown",
    "ira-28574": "a teach-in with a date and a web address; h41 read it as online, the first reader as a gathering",
    "ira-354950": "\"I just signed up for ... rallies across the country! Join me!\" with a sign-up link; h41: no specific rally",
    "ira-101738": "\"as we March to the polls & vote\": a walk to vote; h41: voting is not a gathering",
    "adc-al-453-15": "asks readers to come to two more meetings, their kind unsaid; h41 read a campaign meeting",
    "adc-al-369-219": "a political group's meeting with the young, with a day, an hour, a place and a welcome; h41 read a campaign-like meeting (h14 labelled an open meeting of the same author 1, unsure)",
    "adc-al-458-30": "a politician's talk meeting with a date and an hour, on building the future of a place; h41 read a campaign-like meeting",
    "adc-al-431-6": "asks readers to come out en masse tomorrow, cut off; the first reader's note knows it as an appeal to vote (2022 by-elections): h41's error",
    "ira-733872": "announces a speaker at a women's march on a Tuesday; h41 read an invitation in it",
}  # fmt: skip
# Disagreements where h41, on reading the first reader's note after the join, takes the first label as right.
OWN_ERRORS = ("adc-al-431-6",)
SOURCE_GROUP = {("albanian_dialect", "sq"): "Albanian corpus (sq)", ("mozetic", "sq"): "2013-14 tweets, Albanian",
                ("mozetic", "sr"): "2013-14 tweets, Serbian/Bosnian/Croatian", ("mozetic", "bs"): "2013-14 tweets, Serbian/Bosnian/Croatian",
                ("mozetic", "hr"): "2013-14 tweets, Serbian/Bosnian/Croatian", ("blokade", "sr-Cyrl"): "student-protest site, Serbian Cyrillic",
                ("blokade", "en"): "student-protest site, English", ("ira", "en"): "IRA, English"}  # fmt: skip
LANGUAGE = {"sq": "Albanian", "sr": "Serbian/Bosnian/Croatian (both scripts)", "bs": "Serbian/Bosnian/Croatian (both scripts)",
            "hr": "Serbian/Bosnian/Croatian (both scripts)", "sr-Cyrl": "Serbian/Bosnian/Croatian (both scripts)", "en": "English"}  # fmt: skip


def cohen_kappa(a: np.ndarray, b: np.ndarray, w: np.ndarray | None = None) -> float:
    """Cohen's kappa of two 0/1 labellings (``w``: a weight per item; nan when chance agreement is 1)."""
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    w = np.ones(len(a)) if w is None else np.asarray(w, dtype=float)
    n = w.sum()
    po = w[a == b].sum() / n
    pa, pb = w[a == 1].sum() / n, w[b == 1].sum() / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return float("nan") if pe == 1 else float((po - pe) / (1 - pe))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion k/n."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return c - h, c + h


def first_labels(shared: Path = SHARED) -> pd.DataFrame:
    """Every labelled post with its first label, language and whether the first reader was unsure."""
    dev = pd.read_csv(
        shared / "balkan-posts" / "calls_labelled_dev.csv",
        dtype={"post_id": str},
        usecols=["post_id", "source", "lang", "is_call", "notes"],
    )
    lab = pd.read_csv(LABELS, dtype={"post_id": str})
    moz = pd.read_csv(
        shared / "balkan-posts" / "mozetic_tweets_sr_sq_bs_hr.csv",
        dtype={"post_id": str},
        usecols=["post_id", "lang"],
    )
    lang = pd.Series("en", index=lab.index)
    lang[lab.source == "albanian_dialect"] = "sq"
    lang[lab.source == "blokade"] = np.where(
        lab.post_id[lab.source == "blokade"].str.contains("/sr/"), "sr-Cyrl", "en"
    )
    is_moz = lab.source == "mozetic"
    lang[is_moz] = lab.post_id[is_moz].map(dict(zip(moz.post_id, moz.lang, strict=True))).to_numpy()
    lab = lab.assign(lang=lang)[["post_id", "source", "lang", "is_call", "notes"]]
    d = pd.concat(
        [dev.assign(origin="dev"), lab.assign(origin="labels.csv")], ignore_index=True
    ).drop_duplicates("post_id")
    d["first_unsure"] = d.notes.fillna("").str.lower().str.startswith("unsure")
    d["first_campaign"] = d.notes.fillna("").str.lower().str.contains("campaign")
    d["heldout"] = d.post_id.isin(set(pd.read_csv(HELDOUT, dtype={"post_id": str}).post_id))
    d["group"] = [SOURCE_GROUP[(s, lg)] for s, lg in zip(d.source, d.lang, strict=True)]
    d["language"] = d.lang.map(LANGUAGE)
    return d.rename(columns={"is_call": "first"}).drop(columns="notes").reset_index(drop=True)


def joined(shared: Path = SHARED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the second reading joined with the first labels, every labelled post)."""
    pool = first_labels(shared)
    sec = pd.read_csv(SECOND, dtype={"post_id": str})
    j = sec.rename(columns={"is_call": "second"}).merge(
        pool.drop(columns="source"), on="post_id", how="left", validate="1:1"
    )
    if j["first"].isna().any():
        raise ValueError(
            f"second reading has posts without a first label: {j.post_id[j['first'].isna()].tolist()[:5]}"
        )
    j["first"] = j["first"].astype(int)
    j["second_unsure"] = j.notes.fillna("").str.startswith("unsure")
    # Reweighting to the labelled posts: each sampled post stands for the labelled posts of its group and first label.
    cell = pool.groupby(["group", "first"]).size()
    drawn = j.groupby(["group", "first"]).size()
    j["weight"] = [cell[k] / drawn[k] for k in zip(j.group, j["first"], strict=True)]
    return j, pool


def agreement(f: pd.DataFrame, seed: int = SEED, n_boot: int = N_BOOT) -> dict[str, float | int]:
    """Confusion counts, kappa (with a bootstrap 95% interval) and the agreement on each first label."""
    a, b = f["first"].to_numpy(), f["second"].to_numpy()
    both1, f1s0, f0s1, both0 = (
        int(((a == 1) & (b == 1)).sum()),
        int(((a == 1) & (b == 0)).sum()),
        int(((a == 0) & (b == 1)).sum()),
        int(((a == 0) & (b == 0)).sum()),
    )
    k = cohen_kappa(a, b)
    lo = hi = float("nan")
    if len(f) and n_boot:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, len(f), size=(n_boot, len(f)))
        ks = np.array([cohen_kappa(a[i], b[i]) for i in idx])
        ks = ks[~np.isnan(ks)]
        if len(ks):
            lo, hi = (float(x) for x in np.quantile(ks, [0.025, 0.975]))
    return {"n": len(f), "both1": both1, "f1s0": f1s0, "f0s1": f0s1, "both0": both0, "kappa": k, "kappa_lo": lo, "kappa_hi": hi,
            "agree_calls": both1 / (both1 + f1s0) if both1 + f1s0 else float("nan"),
            "agree_non": both0 / (both0 + f0s1) if both0 + f0s1 else float("nan")}  # fmt: skip


def _f(x: float, nd: int = 2) -> str:
    return "–" if isinstance(x, float) and math.isnan(x) else f"{x:.{nd}f}"


def _row(name: str, r: dict) -> str:
    ci = f" ({_f(r['kappa_lo'])}–{_f(r['kappa_hi'])})" if not math.isnan(r["kappa_lo"]) else ""
    return (f"| {name} | {r['n']} | {r['both1']} / {r['f1s0']} / {r['f0s1']} / {r['both0']} | {_f(r['kappa'])}{ci} | "
            f"{r['both1']}/{r['both1'] + r['f1s0']} ({_f(r['agree_calls'])}) | {r['both0']}/{r['both0'] + r['f0s1']} ({_f(r['agree_non'])}) |")  # fmt: skip


def markdown(j: pd.DataFrame, pool: pd.DataFrame) -> str:
    """The EVALUATION.md section, every figure computed from the files."""
    head = ["| posts | n | both call / first only / second only / neither | kappa (95% bootstrap) | first's calls kept | first's non-calls kept |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    rows = [_row("all", agreement(j))]
    rows += [_row(g, agreement(f)) for g, f in j.groupby("language", sort=True)]
    rows += [_row(g, agreement(f)) for g, f in j.groupby("group", sort=True)]
    rows += [_row("batch 1", agreement(j[~j.method.str.contains("batch 2,", regex=False)])),
             _row("batch 2", agreement(j[j.method.str.contains("batch 2,", regex=False)]))]  # fmt: skip
    rows += [_row("held-out split's posts", agreement(j[j.heldout])), _row("dev set's posts", agreement(j[j.origin == "dev"])),
             _row("labels.csv's posts", agreement(j[j.origin == "labels.csv"]))]  # fmt: skip
    o = agreement(j)
    dis = j[j["first"] != j["second"]]
    first_u = int(dis.first_unsure.sum())
    second_u = int(dis.second_unsure.sum())
    either_u = int((dis.first_unsure | dis.second_unsure).sum())
    both_sure = j[~j.first_unsure & ~j.second_unsure]
    wk = cohen_kappa(j["first"], j["second"], j["weight"])
    wpo = float(j.weight[j["first"] == j["second"]].sum() / j.weight.sum())
    held = j[j.heldout]
    held_calls = int((held["first"] == 1).sum())
    held_calls_off = int(((held["first"] == 1) & (held.second == 0)).sum())
    pool_held = pool[pool.heldout]
    n_held_calls, n_held_non = int(pool_held["first"].sum()), int((pool_held["first"] == 0).sum())
    non = j[j["first"] == 0]
    k_non, n_non = int((non.second == 1).sum()), len(non)
    lo, hi = wilson(k_non, n_non)
    j_fixed = j.assign(second=np.where(j.post_id.isin(OWN_ERRORS), j["first"], j.second))
    wk_fixed = cohen_kappa(j_fixed["first"], j_fixed["second"], j_fixed["weight"])
    ratio = (pool["first"] == 0).sum() / pool["first"].sum()
    w_alb = float(j.weight[(j.group == "Albanian corpus (sq)") & (j["first"] == 0)].iloc[0])
    held_off_unsure = int((held.first_unsure & (held["first"] == 1) & (held.second == 0)).sum())
    se = math.sqrt(0.8 * 0.2 / n_held_calls)
    few = pool_held[pool_held["first"] == 1].groupby("language").size()
    few_txt = ", ".join(f"{lg} {n}" for lg, n in few.items() if n < 10)
    stratum = j.method.str.extract(r"stratum: (.*)$")[0]
    batch2 = j.method.str.contains("batch 2,", regex=False)

    def drawn(mask: pd.Series) -> str:
        st = stratum[mask]
        n_train, n_train_ira = (
            int((st == "training call").sum()),
            int(((st == "training call") & (j.source[mask] == "ira")).sum()),
        )
        non = j[mask & stratum.str.startswith("non-call")]
        non_txt = "; ".join(f"{g}: {n}" for g, n in non.groupby("group").size().items())
        return f"{n_train} training calls of `labels.csv` ({n_train_ira} of them IRA tweets) and {len(non)} non-calls drawn at random ({non_txt})"

    n_campaign_second = int(((j.second == 1) & j.notes.fillna("").str.contains("campaign")).sum())
    n_campaign_first = int((pool.first_campaign & (pool["first"] == 1)).sum())
    n_campaign_silent = int(
        ((j.second == 1) & j.notes.fillna("").str.contains("campaign") & ~j.first_campaign).sum()
    )
    calls = j[j["first"] == 1]
    k_c, n_c = int((calls.second == 0).sum()), len(calls)
    clo, chi = wilson(k_c, n_c)
    # Session 14: h92's labels came after the second reading (none is in its sample); they count in the reweighting.
    n_h92 = int(pd.read_csv(LABELS, usecols=["labeller"]).labeller.eq("h92").sum())
    out = [HEADING, "",
           "Produced by `bench/label_agreement.py --write` (every figure below is computed there from the label files; none typed by hand).",
           "",
           "Every label behind the figures of the calls sections was written by one reader (the dataset's authors for the dev set; "
           "h10a, h14, h19, h31 and, since session 14, h92 for `labels.csv`; "
           f"h92's {n_h92:,} rows came after the second reading and "
           "none of them is in its sample, though they count in the reweighting below). To see how noisy they are, h41 (session 8, an AI agent of the team) read a sample "
           "of them again, blind, against the same written definition (`../shared/datasets/balkan-posts/README.md`): "
           f"{len(j)} posts, one per distinct text, in two batches, each drawn before any of its first labels was looked at, "
           "shuffled, and shown as a number and a text only (the source and the language were shown; long articles cut to their "
           "first 1,100 and last 400 characters); each batch's labels were joined only after all of them were written "
           "(`datasets/calls/second_reading.csv`; how it was drawn: `datasets/README.md`). Batch 1 (seed "
           f"{SEED}, {int((~batch2).sum())} posts): every call of the held-out split and of the dev set, {drawn(~batch2)}. Batch 2 "
           f"(seed {SEED2}, {int(batch2.sum())} posts, drawn after batch 1 was joined, to narrow the non-call side, where the labelled "
           f"posts are most numerous): {drawn(batch2)}, the calls being every training call not read in batch 1, mixed in so that "
           "no post could be told apart; h41 knew that this batch was mostly non-calls. Together they are enriched for calls "
           f"({int(j['first'].sum())} of {len(j)} by the first labels, against {int(pool['first'].sum())} of {len(pool):,} labelled posts), "
           "so kappa on it is not kappa on the labelled posts; the agreement on the first reader's calls and on its non-calls "
           "is given separately, and a kappa reweighted to the labelled posts below the table.",
           "",
           *head, *rows, "",
           f"Reweighted to the {len(pool):,} labelled posts (each sampled post counts for the labelled posts of its source group and "
           f"first label): observed agreement {wpo:.3f}, kappa {wk:.2f} ({wk_fixed:.2f} with h41's own error, below, set back to the "
           f"first label). The weight falls on the non-calls, which outnumber the calls {ratio:.0f} to 1, so one disputed non-call "
           f"of the Albanian corpus stands for {w_alb:.0f} posts: this figure is much less certain than the one on the sample.",
           "",
           f"The two readings disagree on {len(dis)} posts: on {o['f1s0']} the first reader's call is not one for h41, on "
           f"{o['f0s1']} the reverse. {either_u} of the {len(dis)} carry `unsure` from one reader or both ({first_u} from the first "
           f"reader, {second_u} from h41); where neither reader was unsure ({len(both_sure)} posts), they disagree on "
           f"{int((both_sure['first'] != both_sure.second).sum())}. The disagreements are boundary cases of the definition, not "
           "slips: a question or a wish to protest with no action set, live-blog lines of the student-protest site, forwarded "
           "invitations, a teach-in, a walk to the polls, and political meetings and talks whose kind is unsaid (where h41 "
           "read campaign meetings, as the first readers did for some and not for others). h41 found no clear error in "
           "the first labels (and made one: an appeal to vote read as a call). Campaign rallies announced by the party or the "
           "candidate were labelled calls by both readers, as the earlier sessions did (`unsure: campaign`; h41 so marked "
           f"{n_campaign_second} of its {int(j.second.sum())} calls, and the first readers' notes name a campaign on "
           f"{n_campaign_first} of the {int(pool['first'].sum())} labelled calls, more where the note is silent (the first "
           f"reader named no campaign on {n_campaign_silent} of h41's {n_campaign_second})): a different convention there would move more labels than all the disagreements "
           "here. Each disagreement, in h41's words:",
           "",
           "| post | first | h41 | why |", "|---|---|---|---|"]  # fmt: skip
    for pid, f, s in zip(dis.post_id, dis["first"], dis.second, strict=True):
        out.append(f"| `{pid}` | {f} | {s} | {DISAGREEMENTS.get(pid, '(no reason written)')} |")
    out += ["",
            "What it means for the precision and recall reported above: on the calls side the disputed labels add an uncertainty "
            f"about as large as the sampling error, not larger. h41 keeps {o['both1']} of the first reader's {n_c} calls ({o['agree_calls']:.1%}; 95% interval of the "
            f"disputed share {clo:.1%}–{chi:.1%}). On the held-out split, {held_calls_off} of its {held_calls} calls are disputed "
            f"({held_off_unsure} of them `unsure` for the first reader too): a recall or precision measured on its {n_held_calls} calls "
            f"can move by at most {held_calls_off}/{n_held_calls} = {held_calls_off / n_held_calls:.2f} from them, about its sampling "
            f"error (a binomial standard error of {se:.2f} at a recall of 0.8 on {n_held_calls} calls). On the non-calls side h41 "
            f"reads {k_non} of {n_non} as calls ({k_non / n_non:.1%}, 95% interval {lo:.1%}–{hi:.1%}; {len(OWN_ERRORS)} of them "
            f"h41's own error): if that rate held on the held-out split's {n_held_non:,} non-calls, they would hold some {k_non / n_non * n_held_non:.0f} "
            f"posts ({lo * n_held_non:.0f}–{hi * n_held_non:.0f}), against its {n_held_calls} calls. Such a post counts against "
            "precision when the model marks it and is missing from recall's denominator when it does not, so the direction is "
            "not known, and the sample is too small to bound it tightly. The figures of a language with few calls on the "
            f"held-out split ({few_txt}) turn on a single label, more than on anything measured here.",
            "",
            "Limits of this measure: h41 and the readers of `labels.csv` are AI agents of the team (the dev set's readers are the "
            "dataset's authors), reading one written definition, and may share blind spots that other readers would not; this is an agreement between readers of the definition, not a "
            "check against the police's or the client's own reading. h41 knew, before reading, how each batch was drawn (that "
            "about half of batch 1 would be calls and most of batch 2 non-calls, but not which) and the earlier readers' conventions written in "
            "`datasets/README.md` (campaign rallies as calls); it saw the source and the language of each post. Long articles "
            "were read cut (their first 1,100 and last 400 characters), and tweets cut short by the corpus are read as they are.",
            ""]  # fmt: skip
    return "\n".join(out)


# How the sample was drawn (h41, session 8): strata of the first labels, one post per distinct text. The texts are
# read from ../shared only to fold copies together and to write the blind file; nothing with a text enters the repo.
NON_CALL_STRATA = (
    ("albanian_dialect", 80),
    ("mozetic sq", 35),
    ("mozetic sr/bs/hr", 40),
    ("blokade", 30),
    ("ira", 65),
)
TRAINING_CALLS = 100
# Second batch (drawn after the first was joined; see draw_batch2).
SEED2 = 4141
NON_CALL_STRATA_2 = (
    ("albanian_dialect", 120),
    ("mozetic sq", 40),
    ("mozetic sr/bs/hr", 40),
    ("blokade", 20),
    ("ira", 50),
)
BLIND_CUT, BLIND_HEAD, BLIND_TAIL = 1500, 1100, 400


def labelled_texts(shared: Path = SHARED) -> pd.DataFrame:
    """The dev set and labels.csv with their texts (in memory only) and whether the post is held out."""
    b = shared / "balkan-posts"
    dev = pd.read_csv(b / "calls_labelled_dev.csv", dtype={"post_id": str})
    dev = dev[["post_id", "source", "lang", "text", "is_call"]].assign(origin="dev")
    lab = pd.read_csv(LABELS, dtype={"post_id": str})
    # The sample was drawn in session 8 from the labels of then: later labellers' rows (h92, session 14) are not its pool.
    lab = lab[~lab.labeller.isin(LATER_LABELLERS)]
    files = (("albanian_dialect_tweets.csv", "albanian_dialect"), ("mozetic_tweets_sr_sq_bs_hr.csv", "mozetic"),
             ("blokade_org_student_protest_posts.csv", "blokade"))  # fmt: skip
    pool = pd.concat(
        [pd.read_csv(b / n, dtype={"post_id": str}).assign(source=s) for n, s in files],
        ignore_index=True,
    )
    bal = lab[lab.source != "ira"].merge(pool[["post_id", "text", "lang"]], on="post_id")
    ira = lab[lab.source == "ira"].copy()
    content = pd.read_parquet(
        shared / "ira-2018" / "tweets.parquet", columns=["content"]
    ).content.to_numpy()
    ira["text"] = content[ira.post_id.str.removeprefix("ira-").astype(int).to_numpy()]
    ira["lang"] = "en"
    ours = pd.concat([bal, ira], ignore_index=True)[
        ["post_id", "source", "lang", "text", "is_call"]
    ]
    d = (
        pd.concat([dev, ours.assign(origin="labels")], ignore_index=True)
        .drop_duplicates("post_id")
        .reset_index(drop=True)
    )
    d["heldout"] = d.post_id.isin(set(pd.read_csv(HELDOUT, dtype={"post_id": str}).post_id))
    t = d.text.astype(str).str.lower().str.replace(r"^rt @\w+:\s*", "", regex=True)
    d["key_text"] = t.str.replace(r"\s+", " ", regex=True).str.strip()
    return d


def _picker(
    rng: np.random.Generator, taken: set[str]
) -> Callable[[pd.DataFrame, int | None, str], pd.DataFrame]:
    """Draws from a frame one post per distinct text not yet taken, in a seeded order."""

    def pick(frame: pd.DataFrame, n: int | None, stratum: str) -> pd.DataFrame:
        f = frame[~frame.key_text.isin(taken)]
        f = f.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).drop_duplicates("key_text")
        f = f if n is None else f.head(n)
        taken.update(f.key_text)
        return f.assign(stratum=stratum)

    return pick


def _non_call_masks(non: pd.DataFrame) -> dict[str, pd.Series]:
    return {"albanian_dialect": non.source == "albanian_dialect",
            "mozetic sq": (non.source == "mozetic") & (non.lang == "sq"),
            "mozetic sr/bs/hr": (non.source == "mozetic") & (non.lang != "sq"),
            "blokade": non.source == "blokade", "ira": non.source == "ira"}  # fmt: skip


def draw(d: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The shuffled sample (key = reading order), with its stratum; ``is_call`` is the first label (not to be shown)."""
    pick = _picker(np.random.default_rng(seed), set())
    parts = [pick(d[d.heldout & (d.is_call == 1)], None, "heldout call"),
             pick(d[(d.origin == "dev") & (d.is_call == 1)], None, "dev call")]  # fmt: skip
    train = d[(d.origin == "labels") & ~d.heldout & (d.is_call == 1)]
    other = pick(train[train.source != "ira"], None, "training call")
    parts += [
        other,
        pick(train[train.source == "ira"], TRAINING_CALLS - len(other), "training call"),
    ]
    non = d[d.is_call == 0]
    masks = _non_call_masks(non)
    parts += [pick(non[masks[name]], n, "non-call " + name) for name, n in NON_CALL_STRATA]
    s = (
        pd.concat(parts, ignore_index=True)
        .sample(frac=1.0, random_state=seed)
        .reset_index(drop=True)
    )
    return s.assign(key=np.arange(1, len(s) + 1))


def draw_batch2(d: pd.DataFrame, first: pd.DataFrame, seed: int = SEED2) -> pd.DataFrame:
    """A second batch, drawn after the first was read and joined, to narrow the non-call side: more non-calls, with
    every training call not read yet mixed in (so the reader still cannot tell which post is which); numbered from 1001."""
    pick = _picker(np.random.default_rng(seed), set(first.key_text))
    train = d[(d.origin == "labels") & ~d.heldout & (d.is_call == 1)]
    parts = [pick(train, None, "training call (batch 2)")]
    non = d[d.is_call == 0]
    masks = _non_call_masks(non)
    parts += [
        pick(non[masks[name]], n, f"non-call {name} (batch 2)") for name, n in NON_CALL_STRATA_2
    ]
    s = (
        pd.concat(parts, ignore_index=True)
        .sample(frac=1.0, random_state=seed)
        .reset_index(drop=True)
    )
    return s.assign(key=np.arange(1001, 1001 + len(s)))


def write_blind(s: pd.DataFrame, out_dir: Path) -> None:
    """blind.txt (number, source, language, text) and key.csv (the first labels) in ``out_dir``, never in the repo."""
    out_dir = out_dir.resolve()
    if out_dir == ROOT or ROOT in out_dir.parents:
        raise ValueError(f"{out_dir} is inside the repository: the texts must stay out of it")
    out_dir.mkdir(parents=True, exist_ok=True)
    cols = ["key", "post_id", "source", "lang", "origin", "heldout", "stratum", "is_call"]
    s[cols].to_csv(out_dir / "key.csv", index=False)
    with open(out_dir / "blind.txt", "w", encoding="utf-8") as out:
        for k, src, lang, t in zip(s.key, s.source, s.lang, s.text.astype(str), strict=True):
            t = " ".join(t.split())
            if len(t) > BLIND_CUT:
                t = t[:BLIND_HEAD] + " [... cut ...] " + t[-BLIND_TAIL:]
            out.write(f"#{k} [{src} {lang}] {t}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--write", action="store_true", help=f"replace the section {HEADING!r} of EVALUATION.md"
    )
    ap.add_argument("--draw", type=Path, metavar="DIR",
                    help="draw the sample again and write blind.txt (with texts) and key.csv to DIR, outside the repo")  # fmt: skip
    args = ap.parse_args(argv)
    if not DEV.exists():
        print(f"{DEV} is not here: the agreement needs the dev set's labels; nothing done.")
        return 0
    if args.draw:
        d = labelled_texts()
        s = draw(d)
        write_blind(s, args.draw)
        write_blind(draw_batch2(d, s), args.draw / "batch2")
        print(
            f"{len(s)} posts: {args.draw / 'blind.txt'} (read this), {args.draw / 'key.csv'} (first labels: open after)"
        )
        return 0
    j, pool = joined()
    missing = set(j.post_id[j["first"] != j["second"]]) ^ set(DISAGREEMENTS)
    if missing:
        print(f"DISAGREEMENTS does not match the files: {sorted(missing)}", file=sys.stderr)
        return 1
    md = markdown(j, pool)
    print(md)
    if args.write:
        replace_markdown_section(ROOT / "EVALUATION.md", md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
