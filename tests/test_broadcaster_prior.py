"""The broadcaster prior: liking nothing and following few adds no suspicion to an account with an
audience (news desks, parties, public figures), and still does to one nobody follows.

Real rows: organisational accounts of verified-2019 and botometer-feedback-2019's humans (the shipped
training tables) and public figures of the TwiBot-20 example (``make run``), beside generated-handle
accounts of the same example.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts.features import compute_features
from detector.accounts.model import (
    BROADCASTER_RAMP,
    FEATURES_V4,
    OWN_ACTIVITY,
    PACKAGE_MODEL,
    AccountModel,
    Booster,
    broadcaster_prior,
    load_model,
    predict,
    score_accounts,
    train,
)
from detector.accounts.read import read_accounts
from detector.training import datasets
from detector.training.evaluate import CANDIDATES, Candidate, one_thread

pytestmark = pytest.mark.usefixtures("no_network")

TWIBOT = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "twibot20_accounts.json"

# (screen name, followers, likes given, accounts followed, the share of own-activity suspicion taken
# away: from likes, from follows). The share grows with log10(followers) from 0 at 100 to 1 at
# 10,000, and applies to a count only when the account has 10 followers or more per unit of it.
TWIBOT_ROWS = [
    ("ysjagan", 1_760_514, 0, 10, 1.0, 1.0),
    ("LynneVCheney", 1_468, 4, 4, 0.5834, 0.5834),
    ("BBCBreaking", 45_042_254, 0, 3, 1.0, 1.0),
    ("BJP4India", 14_514_819, 0, 3, 1.0, 1.0),
    ("realDonaldTrFan", 335_003, 1_383, 252_748, 1.0, 0.0),  # follows back a quarter of a million: kept
    ("Richard37226643", 4, 0, 66, 0.0, 0.0),  # a generated handle nobody follows: kept
]
# verified-2019 and botometer-feedback-2019 humans with an audience that like (almost) nothing.
ORGANISATIONAL = {
    "verified-2019": ["TomCottonAR", "APCUKingdom", "Breaking911", "BBCNews", "StephenAtHome", "PatriciaMazzei"],
    "botometer-feedback-2019": ["richardbranson", "benshapiro", "SethAbramson"],
}


@pytest.fixture(scope="module")
def twibot() -> pd.DataFrame:
    accounts = read_accounts(TWIBOT, as_of=pd.Timestamp("2020-09-01", tz="UTC")).accounts
    return accounts.assign(screen_name=accounts["screen_name"].str.strip())


@pytest.fixture(scope="module")
def organisational() -> pd.DataFrame:
    table = datasets.load_training_table(collections=tuple(ORGANISATIONAL))
    keep = np.zeros(len(table), dtype=bool)
    for coll, names in ORGANISATIONAL.items():
        keep |= (table["collection"].eq(coll) & table["screen_name"].isin(names) & table["label"].eq(0)).to_numpy()
    rows = table[keep]
    assert len(rows) == sum(map(len, ORGANISATIONAL.values()))
    return rows


def _own(names: list[str]) -> list[int]:
    return [j for j, f in enumerate(names) if f in OWN_ACTIVITY]


def test_the_share_taken_away_on_real_rows(twibot: pd.DataFrame) -> None:
    rows = twibot.set_index("screen_name").loc[[r[0] for r in TWIBOT_ROWS]].reset_index()
    assert rows[["followers_count", "favourites_count", "friends_count"]].to_numpy().tolist() == [list(r[1:4]) for r in TWIBOT_ROWS]
    names = list(FEATURES_V4)
    X = compute_features(rows, np.zeros((40, 40)), names).to_numpy(dtype="float64").copy()
    ones = np.ones_like(X)  # every feature raising the output by 1
    z, contrib = broadcaster_prior(ones.sum(axis=1), ones, X, names, BROADCASTER_RAMP)
    likes, follows = names.index("favourites_count"), names.index("friends_count")
    np.testing.assert_allclose(1 - contrib[:, likes], [r[4] for r in TWIBOT_ROWS], atol=1e-4)
    np.testing.assert_allclose(1 - contrib[:, follows], [r[5] for r in TWIBOT_ROWS], atol=1e-4)
    # the output moves exactly by what the contributions lost; no other feature is touched
    np.testing.assert_allclose(z, contrib.sum(axis=1), atol=1e-12)
    other = [j for j in range(len(names)) if names[j] not in OWN_ACTIVITY]
    assert (contrib[:, other] == 1).all()
    # lowering contributions are kept as they are
    _, lowered = broadcaster_prior(-ones.sum(axis=1), -ones, X, names, BROADCASTER_RAMP)
    assert (lowered == -1).all()
    # no followers known: nothing taken away
    X[:, names.index("followers_count")] = np.nan
    assert (broadcaster_prior(ones.sum(axis=1), ones, X, names, BROADCASTER_RAMP)[1] == 1).all()


def _small(booster: Booster) -> Booster:
    if booster.kind == "blend":  # each part smaller, as it would be on its own
        return replace(booster, parts=tuple(_small(p) for p in booster.parts))
    if booster.max_depth is None:
        return Booster(**{**asdict(booster), "min_samples_leaf": 10, "max_iter": 30, "learning_rate": 0.3, "l2_regularization": 1.0})
    return Booster(**{**asdict(booster), "max_iter": 40, "min_samples_leaf": 20})


def _fit(candidate: Candidate, booster: Booster, sample: pd.DataFrame) -> AccountModel:
    with one_thread():
        return train(sample, features=candidate.features, booster=booster, random_state=0)


@pytest.mark.parametrize("candidate", CANDIDATES, ids=lambda c: c.name)
def test_liking_and_following_little_adds_no_suspicion_to_an_audience(
    candidate: Candidate, training_sample: pd.DataFrame, twibot: pd.DataFrame, organisational: pd.DataFrame
) -> None:
    """Every candidate of the nested choice has the prior; the same fit without it would call
    these accounts more suspicious for what they do not do."""
    assert candidate.booster.broadcaster == BROADCASTER_RAMP
    public = twibot[twibot["screen_name"].isin(["ysjagan", "BBCBreaking", "BJP4India"])]
    rows = pd.concat([organisational, public], ignore_index=True)
    booster = _small(candidate.booster)
    with_prior = _fit(candidate, booster, training_sample)
    X, score, contrib = predict(with_prior, rows)
    own = _own(with_prior.feature_names)
    assert (contrib[:, own] <= 1e-12).all()
    # the same fit, read without the prior: own activity did raise some of these accounts' scores
    without = replace(with_prior, card={**with_prior.card, "booster": {**with_prior.card["booster"], "broadcaster": None}})
    _, raw_score, raw_contrib = predict(without, rows)
    assert raw_contrib[:, own].clip(min=0).sum(axis=1).max() > 0.1
    assert (score <= raw_score + 1e-12).all() and (score < raw_score - 1e-3).any()
    # and an account nobody follows keeps the suspicion its own activity gives
    nobody = twibot[twibot["screen_name"].eq("Richard37226643")]
    _, s1, c1 = predict(with_prior, nobody)
    _, s0, c0 = predict(without, nobody)
    np.testing.assert_array_equal(c1, c0)
    np.testing.assert_array_equal(s1, s0)


def test_organisational_accounts_in_the_report_by_hand() -> None:
    """EVALUATION.md's organisational table: 10,000+ followers and at most 100 likes given, by fold, then pooled."""
    from detector.training.evaluate import organisational_table, unseen_summary

    scores = pd.DataFrame(
        {
            "held_out": ["pronbots-2019"] * 4 + ["botwiki-2019"] * 3,
            "collection": ["verified-2019", "verified-2019", "verified-2019", "pronbots-2019", "verified-2019", "verified-2019", "botwiki-2019"],
            "label": [0, 0, 0, 1, 0, 0, 1],
            "followers_count": [10_000, 2_000_000, 9_999, 50_000, 10_000, 30_000, 12_000],
            "favourites_count": [0, 100, 0, 3, 101, np.nan, 5],
            "friends_count": [1, 2, 3, 4, 5, 6, 7],
            "score": [0.85, 0.10, 0.99, 0.90, 0.95, 0.99, 0.50],
            "peer": [0.10, 0.90, 0.10, 0.10, 0.10, 0.10, 0.90],
        }
    )
    got = organisational_table(scores)
    # 9,999 followers, 101 likes and unknown likes are not the shape
    assert got[["held_out", "collection", "label", "accounts"]].values.tolist() == [
        ["botwiki-2019", "botwiki-2019", 1, 1],
        ["pronbots-2019", "pronbots-2019", 1, 1],
        ["pronbots-2019", "verified-2019", 0, 2],
        ["**all folds**", "all humans", 0, 2],
        ["**all folds**", "all bots", 1, 2],
    ]
    assert got["suspicious"].tolist() == [0.0, 1.0, 0.5, 0.5, 0.5]
    assert got["peer_at_0_8"].tolist() == [1.0, 0.0, 0.5, 0.5, 0.5]
    loco = pd.DataFrame(
        [
            {"held_out": h, "model": m, "roc_auc": 0.8, "pr_auc": 0.8, "brier": 0.1, "recall_suspicious": 0.5, "fpr_suspicious": 0.1}
            for h in ("botwiki-2019", "pronbots-2019")
            for m in ("detector", "RF-300 peer")
        ]
    )
    unseen = unseen_summary(loco, scores)
    assert (unseen["organisational_humans_suspicious"], unseen["organisational_humans_accounts"]) == (0.5, 2)
    assert (unseen["organisational_bots_suspicious"], unseen["organisational_bots_accounts"]) == (0.5, 2)


# The shipped model (acct-20261130T190800Z, session 8: the mean of the additive model and the trees,
# calibrated with the two classes weighing the same) on the real rows above. Session 5's model
# (acct-20261130T124523Z, without the prior) labelled four of them `suspicious`: ysjagan 0.847,
# LynneVCheney 0.849, TomCottonAR 0.806 and APCUKingdom 0.804, each for liking nothing or following few;
# session 6's (additive, with the prior) put ysjagan at 0.5636, LynneVCheney 0.7852, BBCBreaking 0.3606,
# BJP4India 0.3543; session 7's (acct-20261130T162336Z) ysjagan 0.397, LynneVCheney 0.7858.
SHIPPED_SCORES = {
    "ysjagan": 0.3673, "LynneVCheney": 0.666, "BBCBreaking": 0.1832, "BJP4India": 0.1838,
    "TomCottonAR": 0.3218, "APCUKingdom": 0.3437, "Breaking911": 0.4111, "BBCNews": 0.1671, "StephenAtHome": 0.1859,
    "PatriciaMazzei": 0.1288, "richardbranson": 0.1692, "benshapiro": 0.1056, "SethAbramson": 0.3422,
}  # fmt: skip


def test_the_shipped_model_on_organisational_accounts(twibot: pd.DataFrame, organisational: pd.DataFrame) -> None:
    if not PACKAGE_MODEL.exists():
        pytest.skip("no shipped model")
    public = twibot[twibot["screen_name"].isin(["ysjagan", "LynneVCheney", "BBCBreaking", "BJP4India"])]
    scored = score_accounts(pd.concat([public, organisational], ignore_index=True), load_model(PACKAGE_MODEL))
    assert dict(zip(scored["screen_name"], scored["score"], strict=True)) == pytest.approx(SHIPPED_SCORES, abs=1e-4)
    assert (scored["label"] != "suspicious").all()
    # with 10,000 followers or more (all but LynneVCheney's 1,468), no reason says that liking
    # nothing or following few raised the score (session 6's model gave LynneVCheney such a reason;
    # session 7's gives none of them one among the top three)
    raised = scored["reasons"].str.contains("↑ [0-9,]+ likes? given|↑ follows|↑ followed", regex=True)
    assert set(scored.loc[raised.to_numpy(), "screen_name"]) <= {"LynneVCheney"}


def test_detector_info_gives_the_organisational_figures() -> None:
    if not PACKAGE_MODEL.exists():
        pytest.skip("no shipped model")
    from click.testing import CliRunner

    from detector.cli import cli

    result = CliRunner().invoke(cli, ["info", "--model", str(PACKAGE_MODEL)])
    assert result.exit_code == 0, result.output
    assert (
        "org. shape   suspicious: 0.0% of 192 humans and 0.0% of 107 bots with 10,000+ followers, <= 100 likes given "
        "(held out, every fold pooled)"
    ) in result.output.splitlines()
