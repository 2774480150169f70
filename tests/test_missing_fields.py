"""Missing fields carry no label: a one-class counts-only collection (ira-2018) trains beside human
rows of the same pool cut to its fields (:func:`detector.training.datasets.masked_humans`), and
every pool beside copies of its rows, bots and humans alike, cut to field groups that go missing in
real inputs (:func:`detector.training.datasets.dropped_fields`).

Real accounts of the shipped training tables; expected counts written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.accounts.model import (
    FIELD_GROUPS,
    MASKED_FROM,
    TREES_MONOTONE,
    Booster,
    cross_collection_log_odds,
    fit_additive,
    log_odds,
    predict,
    train,
)
from detector.training import datasets

pytestmark = pytest.mark.usefixtures("no_network")

IRA_FIELDS = set(datasets.KNOWN_FIELDS["ira-2018"])


def _table(collections: tuple[str, ...]) -> pd.DataFrame:
    try:
        return datasets.load_training_table(collections=collections)
    except Exception as exc:  # the tables ship with the repository; say so if they are gone
        pytest.skip(f"shipped training tables unavailable: {exc}")


def _rows(table: pd.DataFrame, collection: str, label: int, n: int) -> pd.DataFrame:
    g = table[(table["collection"] == collection).to_numpy() & (table["label"] == label).to_numpy()]
    return g.iloc[:n]


@pytest.fixture(scope="module")
def small_pool() -> pd.DataFrame:
    """7 ira trolls, 3 cresci-2017 humans, 2 feedback humans + 2 feedback bots, 1 caverlee human + 1 bot."""
    t = _table(("ira-2018", "cresci-2017", "botometer-feedback-2019", "caverlee-2011"))
    parts = [
        _rows(t, "ira-2018", 1, 7),
        _rows(t, "cresci-2017", 0, 3),
        _rows(t, "botometer-feedback-2019", 0, 2),
        _rows(t, "botometer-feedback-2019", 1, 2),
        _rows(t, "caverlee-2011", 0, 1),
        _rows(t, "caverlee-2011", 1, 1),
    ]
    return pd.concat(parts, ignore_index=True)


def test_masked_humans_by_hand(small_pool: pd.DataFrame) -> None:
    copies = datasets.masked_humans(small_pool, random_state=0)
    # as many copies as ira has bots (7), equally from the three human collections: 3 + 2 + 2
    assert len(copies) == 7
    assert copies[MASKED_FROM].value_counts().sort_index().to_dict() == {"botometer-feedback-2019": 3, "caverlee-2011": 2, "cresci-2017": 2}
    assert (copies["collection"] == "ira-2018").all() and (copies["label"] == 0).all()
    assert copies["kind"].str.startswith("ira-2018-masked-").all()
    # each copy is a human row of the pool, cut to ira's fields
    humans = small_pool[small_pool["label"] == 0].set_index("account_id")
    assert set(copies["account_id"]) <= set(humans.index)
    for col in datasets.PROFILE_FIELDS:
        if col not in copies.columns:
            continue
        if col in IRA_FIELDS:
            expected = humans.loc[copies["account_id"], col].reset_index(drop=True)
            pd.testing.assert_series_equal(copies[col].reset_index(drop=True), expected, check_names=False, check_dtype=False)
        else:
            assert copies[col].isna().all(), col
    # cresci-2017's three humans are enough for two draws: no row twice
    assert copies.loc[copies[MASKED_FROM] == "cresci-2017", "account_id"].is_unique
    # the pool itself is left as it was, and copies are appended once: the 7 masked humans and the
    # field-dropout copies (3 field groups x 2 classes x the mean group size, 16 rows / 6 groups -> 3)
    both = datasets.with_training_copies(small_pool, random_state=0)
    pd.testing.assert_frame_equal(both.iloc[: len(small_pool)].drop(columns=[MASKED_FROM]), small_pool)
    copies = both[both[MASKED_FROM].notna()]
    assert (copies["collection"] == "ira-2018").sum() == 7
    assert copies["collection"].str.startswith("dropout:").sum() == 18
    assert len(datasets.masked_humans(both)) == 0  # ira now has humans of its own fields


def test_no_copies_without_a_one_class_counts_only_collection(small_pool: pd.DataFrame) -> None:
    no_ira = small_pool[small_pool["collection"] != "ira-2018"]
    # caverlee-2011 is counts only too, but has both classes: equal rows per class balance it
    assert len(datasets.masked_humans(no_ira)) == 0
    copies = datasets.training_copies(no_ira)
    assert copies["collection"].str.startswith("dropout:").all()  # field dropout only
    only_bots = small_pool[small_pool["label"] == 1]
    assert len(datasets.masked_humans(only_bots)) == 0  # no human of the pool to copy


def test_copies_are_only_ever_of_the_pools_own_humans(small_pool: pd.DataFrame) -> None:
    pool = small_pool[small_pool["collection"] != "cresci-2017"]  # e.g. cresci-2017 held out
    copies = datasets.masked_humans(pool, random_state=3)
    assert len(copies) == 7 and "cresci-2017" not in set(copies[MASKED_FROM])
    assert copies[MASKED_FROM].value_counts().sort_index().to_dict() == {"botometer-feedback-2019": 4, "caverlee-2011": 3}


SMALL_TREES = Booster(**{**TREES_MONOTONE.__dict__, "max_iter": 40, "min_samples_leaf": 20})


@pytest.fixture(scope="module")
def trolls_and_others() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A training pool with ira-2018 (150 rows a group); 300 humans of a collection it lacks and
    300 trolls it did not draw."""
    t = _table(("ira-2018", "cresci-2015", "cresci-2017", "caverlee-2011", "botometer-feedback-2019"))
    pool = t[t["collection"] != "botometer-feedback-2019"]
    pool = pd.concat([g.sample(min(len(g), 150), random_state=0) for _, g in pool.groupby(["collection", "label"])], ignore_index=True)
    humans = t[(t["collection"] == "botometer-feedback-2019").to_numpy() & (t["label"] == 0).to_numpy()].iloc[:300]
    trolls = t[(t["collection"] == "ira-2018").to_numpy() & ~t["account_id"].isin(pool["account_id"]).to_numpy()].iloc[:300]
    return pool, humans, trolls


def _scores(
    model_table: pd.DataFrame, humans: pd.DataFrame, trolls: pd.DataFrame, field_groups: dict[str, tuple[str, ...]] | None = FIELD_GROUPS
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of ``humans`` cut to ira's fields and of unseen ``trolls``, by a model of ``model_table``."""
    from detector.training.evaluate import one_thread

    with one_thread():
        m = train(model_table, booster=SMALL_TREES, per_group=150, random_state=0, field_groups=field_groups)
    _, masked, _ = predict(m, datasets.cut_to_fields(humans, np.ones(len(humans), dtype=bool), IRA_FIELDS))
    _, unseen_trolls, _ = predict(m, trolls)
    return masked, unseen_trolls


def test_a_human_cut_to_the_trolls_fields_is_not_scored_a_bot_for_it(trolls_and_others: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    pool, humans, trolls = trolls_and_others
    masked, unseen_trolls = _scores(datasets.with_training_copies(pool), humans, trolls)
    # Cutting fields removes evidence, so a human's score moves toward the balanced prior (0.5); it
    # must not move past it to "bot" for the missing fields alone (measured: mean 0.46, none suspicious).
    assert masked.mean() <= 0.6
    assert (masked >= 0.8).mean() <= 0.1
    # with the same fields, what is left is the counts: humans no higher than trolls (0.46 vs 0.47)
    assert masked.mean() <= unseen_trolls.mean()
    # the test can fail: trained on the trolls alone (the old way) with one calibration for every row,
    # missing fields are bot evidence: the cut humans score as the trolls do (measured: mean 0.68,
    # trolls 0.69; session 6, before the classes weighed the same in the calibration: 0.77).
    old_masked, _ = _scores(pool, humans, trolls, field_groups=None)
    assert old_masked.mean() >= 0.62 and old_masked.mean() >= masked.mean() + 0.15


def test_a_calibration_by_field_group_keeps_missing_fields_from_calling_a_human_a_bot(
    trolls_and_others: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    """Trained on the trolls alone (no copies), the counts-only rows get a calibration of their own,
    fitted on training rows cut to those fields and scored by models that never saw their collection:
    those models rank such rows no better than chance, so the cut humans score near 0.5 ("do not
    know"), not as bots."""
    pool, humans, trolls = trolls_and_others
    masked, unseen_trolls = _scores(pool, humans, trolls)
    assert masked.mean() <= 0.55 and (masked >= 0.8).mean() == 0  # measured: 0.4991-0.5005
    assert (np.abs(masked - 0.5) < 0.01).all()
    # the test can fail: one calibration for every row scores them as bots (measured: mean 0.68)
    single, _ = _scores(pool, humans, trolls, field_groups=None)
    assert single.mean() >= masked.mean() + 0.1


def test_the_calibration_holds_a_collections_copies_out_with_it(small_pool: pd.DataFrame) -> None:
    table = datasets.with_training_copies(small_pool, random_state=0)
    tiny = Booster(min_samples_leaf=2, max_iter=5, learning_rate=0.3, l2_regularization=1.0)
    features = ("followers_count", "friends_count", "statuses_count")
    z = cross_collection_log_odds(table, features, tiny)
    coll, copied = table["collection"].to_numpy(), table[MASKED_FROM].fillna("").to_numpy()
    held = coll == "cresci-2017"
    explainer, bigrams = fit_additive(table[(coll != "cresci-2017") & (copied != "cresci-2017")], features, tiny)
    np.testing.assert_allclose(z[held], log_odds(explainer, bigrams, features, table[held]))
    # fitted with cresci-2017's copies in, the scores would differ (they are the same accounts)
    explainer, bigrams = fit_additive(table[coll != "cresci-2017"], features, tiny)
    assert not np.allclose(z[held], log_odds(explainer, bigrams, features, table[held]))


def test_the_accounts_section_keeps_its_hand_written_part(tmp_path: Path) -> None:
    from detector.training.evaluate import write_section

    path = tmp_path / "EVALUATION.md"
    path.write_text(
        "# Evaluation\n\n## Accounts: the account model\n\nold table\n\n### What this run says\n\n- read by hand\n\n## Calls\n\nkept\n",
        encoding="utf-8",
    )
    write_section(path, "## Accounts: the account model\n\nnew table\n")
    assert path.read_text(encoding="utf-8") == (
        "# Evaluation\n\n## Accounts: the account model\n\nnew table\n\n### What this run says\n\n- read by hand\n\n## Calls\n\nkept\n"
    )


def test_the_shipped_choice_on_the_half_of_an_operation_it_did_not_train_on() -> None:
    from detector.accounts.model import FEATURES_V3, balanced_sample
    from detector.training.evaluate import Candidate, Choice, operation_halves

    names = ("ira-2018", "cresci-2017", "botometer-feedback-2019", "cresci-2015", "verified-2019")
    table = balanced_sample(_table(names), 40, random_state=0).reset_index(drop=True)
    tiny = Candidate("tiny additive", FEATURES_V3, Booster(min_samples_leaf=5, max_iter=10, learning_rate=0.3, l2_regularization=1.0))
    halves = operation_halves(table, Choice(tiny, names), random_state=0)
    assert halves[["tested_half", "trained_on_accounts", "tested_accounts", "humans"]].values.tolist() == [
        ["first", 20, 20, 80],  # 40 trolls split in two; cresci-2017 and feedback humans (40 each) tested, never trained on
        ["second", 20, 20, 80],
    ]
    assert halves["paired_with"].tolist() == ["cresci-2017, botometer-feedback-2019"] * 2
    assert halves["roc_auc"].between(0, 1).all() and halves["peer_roc_auc"].between(0, 1).all()
    # a choice that does not train on the operation has nothing to say about its other half
    assert len(operation_halves(table, Choice(tiny, ("cresci-2017", "cresci-2015", "verified-2019")))) == 0


def test_field_dropout_by_hand() -> None:
    t = _table(("cresci-2017", "caverlee-2011", "pronbots-2019"))
    pool = pd.concat(
        [_rows(t, "cresci-2017", 0, 20), _rows(t, "cresci-2017", 1, 10), _rows(t, "caverlee-2011", 1, 7), _rows(t, "pronbots-2019", 1, 3)],
        ignore_index=True,
    )
    copies = datasets.dropped_fields(pool, random_state=0)
    # one collection per field group, with as many bots as humans: the mean group size, (20+10+7+3)/4 = 10
    sizes = copies.groupby(["collection", "label"]).size()
    assert sizes.to_dict() == {(f"dropout:{g}", lab): 10 for g in datasets.DROPOUT_FIELDS for lab in (0, 1)}
    # bots equally from every bot group (4 + 3 + 3, the first in order takes the odd one), humans from
    # the one human group, without repeats
    bots = copies[(copies["label"] == 1).to_numpy() & (copies["collection"] == "dropout:ira-2018").to_numpy()]
    assert bots[MASKED_FROM].value_counts().sort_index().to_dict() == {"caverlee-2011": 4, "cresci-2017": 3, "pronbots-2019": 3}
    assert bots["account_id"].is_unique
    humans = copies[copies["label"] == 0]
    assert (humans[MASKED_FROM] == "cresci-2017").all() and set(humans["account_id"]) <= set(pool["account_id"])
    originals = pool.drop_duplicates("account_id").set_index("account_id")
    for _, row in copies.iterrows():
        known = set(datasets.DROPOUT_FIELDS[row["collection"].removeprefix("dropout:")])
        assert row["kind"].endswith("-fields-" + row["collection"].removeprefix("dropout:"))
        for col in datasets.PROFILE_FIELDS:
            if col in known and col not in ("screen_name_length", "description_length"):
                assert pd.isna(row[col]) == pd.isna(originals.at[row["account_id"], col]), col
            elif col not in known:
                assert pd.isna(row[col]), col
    # cut to caverlee's fields, a copy keeps the lengths of the texts it loses
    cav = humans[humans["collection"] == "dropout:caverlee-2011"]
    assert cav["screen_name"].isna().all()
    assert cav["screen_name_length"].tolist() == [float(len(originals.at[a, "screen_name"])) for a in cav["account_id"]]
    # no likes or lists: only those two counts go
    nl = humans[humans["collection"] == "dropout:no-likes-or-lists"]
    assert nl[["favourites_count", "listed_count"]].isna().all().all() and nl["followers_count"].notna().all()
    # seeded: the same draw again, another with another seed; none from a one-class pool
    pd.testing.assert_frame_equal(datasets.dropped_fields(pool, random_state=0), copies)
    assert sorted(datasets.dropped_fields(pool, random_state=1)["account_id"]) != sorted(copies["account_id"])
    assert len(datasets.dropped_fields(pool[pool["label"] == 1])) == 0


def test_field_dropout_keeps_a_bot_heavy_pool_from_calling_humans_bots_for_missing_fields() -> None:
    """A pool with more bot collections than human ones, and no counts-only bots: humans of an unseen
    collection cut to ira's fields score no higher than its bots cut the same way."""
    from detector.training.evaluate import one_thread

    t = _table(("caverlee-2011", "cresci-stock-2018", "pronbots-2019", "verified-2019", "botwiki-2019", "vendor-purchased-2019", "botometer-feedback-2019"))
    pool = t[t["collection"] != "botometer-feedback-2019"]
    pool = pd.concat([g.sample(min(len(g), 150), random_state=0) for _, g in pool.groupby(["collection", "label"])], ignore_index=True)
    fb = t[t["collection"] == "botometer-feedback-2019"]
    cut = datasets.cut_to_fields(fb, np.ones(len(fb), dtype=bool), IRA_FIELDS)
    humans, bots = cut[cut["label"] == 0], cut[cut["label"] == 1]

    def scores(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Calibrated scores (one calibration for every row: the copies alone are tested here) and
        the model's own log-odds, of the cut humans and bots."""
        with one_thread():
            m = train(table, booster=SMALL_TREES, per_group=150, random_state=0, field_groups=None)
        z = [log_odds(m.explainer, m.bigrams, m.feature_names, rows, SMALL_TREES) for rows in (humans, bots)]
        return predict(m, humans)[1], predict(m, bots)[1], z[0], z[1]

    copies = datasets.dropped_fields(pool)
    h, b, zh, zb = scores(pd.concat([pool, copies], ignore_index=True))
    assert h.mean() <= 0.6 and (h >= 0.8).mean() <= 0.1
    assert h.mean() <= b.mean() and zh.mean() <= zb.mean()
    # the test can fail: the same copies put back into the collections they came from (a share of
    # every group, as the pool is: five bot groups to three human ones) make the model itself read
    # the missing fields as more bot-like (measured: log-odds of the cut humans -0.42 with the dropout
    # collections, -0.15 so). Since session 8 the calibration weighs the classes the same, which
    # hides most of that in the scores (0.47 against 0.46; when written, before that: 0.49 and 0.59).
    shares = copies.assign(collection=copies[MASKED_FROM])
    _, _, zh_shares, _ = scores(pd.concat([pool, shares], ignore_index=True))
    assert zh_shares.mean() >= zh.mean() + 0.15
