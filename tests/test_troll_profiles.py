"""The state-backed troll collection (ira-2018) and how it is evaluated.

The table ``datasets/accounts/ira-2018.parquet`` ships with the repository; it is built from
``../shared/datasets/ira-2018`` (the test that rebuilds it is in test_model.py). Expected values
are read from the raw data by hand: @10_gop's latest tweet (2017-10-15 23:34) gives 10,462
followers, 1,074 following and 352 updates.
"""

from __future__ import annotations

import pandas as pd
import pytest

from detector.training import datasets, evaluate


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return datasets.load_training_table(collections=("ira-2018", "cresci-2017", "botometer-feedback-2019", "verified-2019"))


def test_a_troll_profile_is_the_counts_at_its_latest_tweet(table: pd.DataFrame) -> None:
    ira = table[table["collection"] == "ira-2018"].set_index("account_id")
    assert len(ira) == 1407 and (ira["label"] == 1).all()
    gop = ira.loc["10_gop"]
    assert (gop["screen_name"], gop["followers_count"], gop["friends_count"], gop["statuses_count"]) == ("10_gop", 10462, 1074, 352)
    assert gop["collected_at"] == pd.Timestamp("2017-10-15 23:34", tz="UTC")
    assert gop["kind"] == "ira-righttroll"
    # nothing else of the profile is known: unknown, not false or empty
    assert ira["created_at"].isna().all() and ira["description"].isna().all() and ira["verified"].isna().all()
    assert ira["kind"].value_counts().to_dict() == {
        "ira-nonenglish": 710, "ira-righttroll": 315, "ira-lefttroll": 128, "ira-unknown": 109, "ira-hashtaggamer": 62,
        "ira-fearmonger": 57, "ira-newsfeed": 22, "ira-commercial": 4,
    }  # fmt: skip


def test_trolls_are_held_out_with_ordinary_users_cut_to_the_same_fields(table: pd.DataFrame) -> None:
    unit = next(u for u in evaluate.units_for(sorted(table["collection"].unique())) if u.name == "ira-2018")
    # ordinary users of the nearest eras, not verified celebrities and organisations
    assert unit.humans == ("cresci-2017", "botometer-feedback-2019")
    rows = unit.rows(table)
    assert rows.groupby("collection").size().to_dict() == {"botometer-feedback-2019": 378, "cresci-2017": 3474, "ira-2018": 1407}
    humans = rows[rows["collection"] != "ira-2018"]
    assert (humans["label"] == 0).all()
    # the humans keep exactly what the trolls have: counts, handle and observation time
    for col in ("screen_name", "followers_count", "friends_count", "statuses_count", "collected_at"):
        assert humans[col].notna().mean() > 0.99, col
    for col in ("created_at", "name", "description", "favourites_count", "listed_count", "verified", "default_profile", "lang"):
        assert humans[col].isna().all(), col
    # the shared table is left as it was
    cresci = table[table["collection"] == "cresci-2017"]
    assert cresci["created_at"].notna().all()


def test_other_units_are_not_cut() -> None:
    unit = evaluate.Unit("pronbots-2019", ("pronbots-2019",), ("verified-2019",))
    table = datasets.load_training_table(collections=("pronbots-2019", "verified-2019"))
    rows = unit.rows(table)
    assert rows.loc[rows["collection"] == "verified-2019", "created_at"].notna().all()
