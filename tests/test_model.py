"""The account model: training, persistence, refusals, exact explanations, scoring, metrics, datasets.

The model used here is trained once per session by the real :func:`detector.accounts.model.train` on 900
real labelled accounts (see ``small_model`` in conftest.py).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from detector.accounts.explain import TEMPLATES, AdditiveExplainer, BlendExplainer, reasons
from detector.accounts.features import FEATURE_VERSION, AccountFeatures, compute_features
from detector.accounts.model import (
    LABELS,
    MODEL_FEATURES,
    PACKAGE_MODEL,
    SCORE_COLUMNS,
    SCORE_FLOOR,
    AccountModel,
    BlendFit,
    Booster,
    balanced_sample,
    balanced_weights,
    broadcaster_prior,
    calibrated,
    card_path,
    fit_calibration,
    label_scores,
    load_model,
    predict,
    save_model,
    score_accounts,
    threshold_report,
    train,
)
from detector.accounts.read import empty_accounts, read_accounts
from detector.errors import InputError, ModelError
from detector.metrics import calibration_bins, expected_calibration_error, summary
from detector.training import datasets

pytestmark = pytest.mark.usefixtures("no_network")

AS_OF = "2024-01-01T00:00:00Z"
FIXTURES = ("cresci2017_genuine.csv", "cresci2017_spambots.csv", "cresci2015_E13.csv", "cresci2015_INT.csv",
            "botrepo_2019.json", "v11_users.jsonl", "twibot20.json", "xapi_v2_users.json")


@pytest.fixture(scope="module")
def fixture_accounts(accounts_dir: Path) -> pd.DataFrame:
    """Every real account of the fixtures (19 of them), read the way users' files are."""
    frames = [read_accounts(accounts_dir / name, as_of=AS_OF).accounts for name in FIXTURES]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def shipped_model() -> AccountModel:
    if not PACKAGE_MODEL.exists():
        pytest.skip("no shipped model")
    return load_model(PACKAGE_MODEL)


# The additive family (one feature per tree, lookup tables), small: the shipped model is trees
# (see test_trees.py), and the additive family stays a candidate of the nested choice.
SMALL_ADDITIVE = Booster(min_samples_leaf=10, max_iter=30, learning_rate=0.3, l2_regularization=1.0)


@pytest.fixture(scope="module")
def additive_model(training_sample: pd.DataFrame) -> AccountModel:
    from detector.training.evaluate import one_thread

    with one_thread():
        return train(training_sample, booster=SMALL_ADDITIVE, random_state=0, data_hashes={"test": "sample"})


@pytest.fixture(scope="module")
def additive_model_path(additive_model: AccountModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_model(additive_model, tmp_path_factory.mktemp("additive") / "small.npz")


def copy_model(src: Path, dst_dir: Path) -> Path:
    """Copy a saved model (.npz and card) into ``dst_dir``; return the new model path."""
    for part in (src, card_path(src)):
        shutil.copy(part, dst_dir / part.name)
    return dst_dir / src.name


def features_of(model: AccountModel, accounts: pd.DataFrame) -> np.ndarray:
    return compute_features(accounts, model.bigrams, model.feature_names).to_numpy(dtype="float64")


# ------------------------------------------------------------------------------------------------
# Train, save, load


def test_saved_and_loaded_model_gives_identical_scores(small_model: AccountModel, small_model_path: Path, fixture_accounts: pd.DataFrame, training_sample: pd.DataFrame) -> None:
    loaded = load_model(small_model_path)
    assert loaded.version == small_model.version
    assert loaded.card == json.loads(json.dumps(small_model.card, default=str))
    for accounts in (fixture_accounts, training_sample):
        pd.testing.assert_frame_equal(score_accounts(accounts, loaded), score_accounts(accounts, small_model))
        _, before, c_before = predict(small_model, accounts)
        _, after, c_after = predict(loaded, accounts)
        np.testing.assert_array_equal(after, before)
        np.testing.assert_array_equal(c_after, c_before)


def test_save_writes_the_model_and_its_card(small_model_path: Path) -> None:
    folder = small_model_path.parent
    assert sorted(p.name for p in folder.iterdir()) == ["small.card.json", "small.npz"]
    with np.load(small_model_path, allow_pickle=False) as npz:  # plain numbers only, nothing executable
        assert all(npz[k].dtype.kind in "fi" for k in npz.files)
        assert npz["bigrams"].shape == (40, 40) and npz["calibration"].shape == (2,)
    card = json.loads((folder / "small.card.json").read_text(encoding="utf-8"))
    assert card["feature_version"] == FEATURE_VERSION
    assert card["features"] == list(MODEL_FEATURES)
    assert "verified" not in card["features"]  # a label leak between botwiki and verified-2019
    assert card["thresholds"] == {"suspicious": 0.8, "likely_genuine": 0.2}
    # 15 (collection, class) groups of 60: the biggest group's size, so nothing is resampled up
    assert card["training"]["accounts"] == 900
    assert card["training"]["inauthentic"] == 540
    assert card["training"]["rows_per_collection_and_class"] == 60
    assert card["training"]["collections"] == {
        "botometer-feedback-2019": 120, "botwiki-2019": 60, "caverlee-2011": 120, "cresci-2015": 120, "cresci-2017": 120,
        "cresci-stock-2018": 120, "political-bots-2019": 60, "pronbots-2019": 60, "vendor-purchased-2019": 60, "verified-2019": 60,
    }  # fmt: skip
    assert card["training"]["data_sha256"] == {"test": "sample"}
    # metrics of scores of collections each model did not see
    assert card["metrics_scope"].startswith("cross-collection scores")
    # every calibration's rows: the 900 as they are and cut to each of the three field groups, each row
    # once per calibration (the 120 caverlee-2011 rows lack its fields already: cut to its group or to
    # no likes or lists they are the same rows again), 900 * 4 - 2 * 120
    assert card["metrics_out_of_fold"]["n"] == 3360
    groups = card["calibration_by_field_group"]
    assert list(groups) == ["ira-2018", "caverlee-2011", "no-likes-or-lists"]
    assert groups["no-likes-or-lists"]["features_missing"] == ["favourites_count", "listed_count", "favourites_growth_rate", "listed_growth_rate", "likes_per_post"]
    assert all(g["slope"] >= 0 for g in groups.values())
    with np.load(small_model_path, allow_pickle=False) as npz:
        assert npz["group_missing"].shape == (3, len(MODEL_FEATURES)) and npz["group_calibration"].shape == (3, 2)
    assert 0.5 < card["metrics_out_of_fold"]["roc_auc"] <= 1.0
    assert {"python", "scikit-learn", "numpy", "pandas"} <= set(card["versions"])
    assert card["model_version"].startswith("acct-")


def test_the_explainer_reads_an_additive_model(additive_model: AccountModel) -> None:
    booster = additive_model.booster
    assert booster.interaction_cst == "no_interactions"
    assert additive_model.card["family"] == "additive gradient boosting, one feature per tree (shape functions as lookup tables)"
    # the small trees really split (a model of lone leaves would make the checks below trivial)
    assert sum(len(t) > 0 for t in additive_model.explainer.thresholds) >= 5


@pytest.mark.parametrize("which", ["small_model", "additive_model", "shipped_model"])
def test_lookup_tables_equal_the_trees(which: str, request: pytest.FixtureRequest, fixture_accounts: pd.DataFrame, training_sample: pd.DataFrame) -> None:
    model: AccountModel = request.getfixturevalue(which)
    accounts = pd.concat([fixture_accounts, training_sample], ignore_index=True)
    X = features_of(model, accounts)
    assert np.isnan(X).any()  # missing inputs go down the trees' missing-value branches too
    log_odds, contrib = model.explainer.contributions(X)
    if which != "shipped_model":  # a model just trained still has the trees the arrays were read from
        np.testing.assert_allclose(log_odds, _decision(model.booster, model.explainer, X), rtol=0, atol=1e-9)
    # the contributions add up to the log-odds: intercept + training-mean reference + contributions
    reference = _reference(model.explainer)
    np.testing.assert_allclose(reference + contrib.sum(axis=1), log_odds, atol=1e-9)
    # the scores are the calibration of those log-odds, less what the broadcaster prior takes away
    # from the own activity of accounts with an audience (a model trained before it has none)
    prior_odds, prior_contrib = broadcaster_prior(log_odds, contrib, X, model.feature_names, model.broadcaster)
    np.testing.assert_allclose(reference + prior_contrib.sum(axis=1), prior_odds, atol=1e-9)
    _, scores, shown = predict(model, accounts)
    a, b = model.row_calibration(X)  # a row lacking a field group's fields: that group's calibration
    if which != "shipped_model":  # the fixtures hold such rows
        assert isinstance(a, np.ndarray) and len(np.unique(a)) >= 2
    shown_a = a[:, None] if isinstance(a, np.ndarray) else a
    np.testing.assert_allclose(scores, np.clip(1 / (1 + np.exp(-(a * prior_odds + b))), SCORE_FLOOR, 1 - SCORE_FLOOR), rtol=0, atol=1e-12)
    np.testing.assert_allclose(shown, prior_contrib * shown_a, atol=1e-12)


def _reference(ex: Any) -> float:
    """What a model's contributions add up to its log-odds from (a blend: its parts', averaged)."""
    if isinstance(ex, BlendExplainer):
        return float(sum(w * _reference(part) for part, w in zip(ex.parts, ex.weights, strict=True)))
    return float(ex.intercept + (ex.baseline.sum() if isinstance(ex, AdditiveExplainer) else ex.expected))


def _decision(fitted: Any, ex: Any, X: np.ndarray) -> np.ndarray:
    """scikit-learn's log-odds of a fitted model (a blend: its parts', averaged)."""
    if isinstance(fitted, BlendFit):
        return sum(w * fit.decision_function(X[:, cols]) for (fit, cols), w in zip(fitted.fits, ex.weights, strict=True))
    return fitted.decision_function(X)


def test_no_score_is_certain(small_model: AccountModel) -> None:
    # a calibrated probability never claims certainty, however far out the log-odds go
    got = calibrated(np.array([-1e6, -50.0, 0.0, 50.0, 1e6]), small_model.calibration)
    assert got.min() == SCORE_FLOOR and got.max() == 1 - SCORE_FLOOR
    assert np.round(got, 4).min() > 0 and np.round(got, 4).max() < 1
    assert small_model.calibration[0] > 0  # higher log-odds, higher score


def test_calibration_fit_by_hand() -> None:
    # log-odds already calibrated: the fit is the identity (slope 1, intercept 0)
    z = np.linspace(-4, 4, 81)
    p = 1 / (1 + np.exp(-z))
    y = np.concatenate([np.ones_like(z), np.zeros_like(z)])
    w = np.concatenate([p, 1 - p])  # each z carries a share p of bots
    slope, intercept = fit_calibration(np.concatenate([z, z]), y, w)
    assert slope == pytest.approx(1.0, abs=1e-6) and intercept == pytest.approx(0.0, abs=1e-6)


def test_calibration_of_log_odds_that_barely_rank_does_not_run_away() -> None:
    """Synthetic: 26,000 log-odds over [-5.4, 7] whose true slope is 0.1 (as cross-collection scores
    of a weak model, h28's case). Plain Newton from (1, 0) ran away to a slope of 9.3e9 (every score
    0.001 or 0.999); with the halved steps it finds the maximum-likelihood fit (scikit-learn's
    LogisticRegression without penalty: 0.0996, 0.4235)."""
    rng = np.random.default_rng(0)
    z = rng.uniform(-5.4, 7.0, 26_000)
    y = (rng.random(26_000) < 1 / (1 + np.exp(-(0.1 * z + 0.43)))).astype(int)
    slope, intercept = fit_calibration(z, y)
    assert slope == pytest.approx(0.0996, abs=1e-3) and intercept == pytest.approx(0.4235, abs=1e-3)


def test_balanced_sample_gives_each_group_the_same_rows() -> None:
    table = pd.DataFrame({"collection": ["a"] * 5 + ["b"] * 2, "label": [0, 0, 0, 1, 1, 0, 1]})
    got = balanced_sample(table, 2, random_state=0)
    assert got.groupby(["collection", "label"]).size().tolist() == [2, 2, 2, 2]
    # a group smaller than asked is drawn with replacement; never more than the biggest group has
    assert balanced_sample(table, 50).groupby(["collection", "label"]).size().tolist() == [3, 3, 3, 3]
    assert balanced_sample(table, None) is table


def test_explainer_refuses_a_model_with_interactions(training_sample: pd.DataFrame) -> None:
    X = AccountFeatures().fit(training_sample).transform(training_sample)
    clf = HistGradientBoostingClassifier(max_iter=5, max_leaf_nodes=4, min_samples_leaf=5, random_state=0)
    clf.fit(X, training_sample["label"])
    with pytest.raises(ValueError, match="the model has feature interactions; explanations need an additive model"):
        AdditiveExplainer(clf, X_background=X)


def test_training_needs_labels_of_both_kinds(training_sample: pd.DataFrame) -> None:
    with pytest.raises(ModelError, match="training table has no 'label' column"):
        train(training_sample.drop(columns="label"))
    with pytest.raises(ModelError, match=r"training needs both genuine \(0\) and inauthentic \(1\) accounts"):
        train(training_sample[training_sample["label"] == 1])


# ------------------------------------------------------------------------------------------------
# Loading refuses what it should


def test_loading_refuses_anything_but_plain_numbers(small_model_path: Path, tmp_path: Path) -> None:
    target = copy_model(small_model_path, tmp_path)
    # A model file with a pickled object array: loading it would run the pickle. It is refused.
    with np.load(small_model_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["calibration"] = np.array([{"run": "os.system"}, 0.0], dtype=object)
    with open(target, "wb") as fh:
        np.savez(fh, **arrays)  # type: ignore[arg-type]
    with pytest.raises(ModelError) as err:
        load_model(target)
    assert str(err.value).startswith(f"{target} is not a readable model file (.npz of plain arrays): ")
    assert "allow_pickle=False" in str(err.value)
    # text where numbers belong is refused too
    arrays["calibration"] = np.array(["1", "0"])
    with open(target, "wb") as fh:
        np.savez(fh, **arrays)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match=r"array 'calibration' is <U1, not numbers"):
        load_model(target)


def test_loading_refuses_another_feature_version(small_model_path: Path, tmp_path: Path) -> None:
    target = copy_model(small_model_path, tmp_path)
    card = json.loads(card_path(target).read_text(encoding="utf-8"))
    card["feature_version"] = "2"
    card_path(target).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError) as err:
        load_model(target)
    assert str(err.value) == (
        f"model {target} was built for feature version '2', this detector computes version "
        f"'{FEATURE_VERSION}': retrain it with `detector train`"
    )
    assert err.value.exit_code == 4


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("no model", "no model at {model}: run `detector train` (or `make run`, which trains when it is missing)"),
        ("no card", "model card missing beside the model: {card}"),
        ("card not JSON", "model card {card} is not valid JSON: "),
        ("model not npz", "{model} is not a readable model file (.npz of plain arrays): "),
        ("no baseline", "{model} is not a detector model file: it lacks baseline"),
        ("tables disagree", "{model} is damaged: feature 0: "),
    ],
)
def test_loading_a_damaged_model_says_what_is_wrong(additive_model_path: Path, tmp_path: Path, damage: str, message: str) -> None:
    target = copy_model(additive_model_path, tmp_path)
    baseline = target.with_name("small.baseline.npy")
    with np.load(additive_model_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    if damage == "no model":
        target.unlink()
    elif damage == "no card":
        card_path(target).unlink()
    elif damage == "card not JSON":
        card_path(target).write_text("{not json", encoding="utf-8")
    elif damage == "model not npz":
        target.write_bytes(b"this is not a zip file")
    elif damage == "no baseline":
        del arrays["baseline"]
        np.savez(target, **arrays)
    elif damage == "tables disagree":
        arrays["value_offsets"] = arrays["value_offsets"] + np.arange(len(arrays["value_offsets"]))
        np.savez(target, **arrays)
    with pytest.raises(ModelError) as err:
        load_model(target)
    assert str(err.value).startswith(message.format(model=target, card=card_path(target), baseline=baseline))


def test_the_shipped_model_loads_with_this_feature_version(shipped_model: AccountModel) -> None:
    assert shipped_model.card["feature_version"] == FEATURE_VERSION
    assert shipped_model.feature_names == list(MODEL_FEATURES)
    assert shipped_model.explainer.n_features == len(MODEL_FEATURES)
    # the card says how it does on collections it never saw, not only in-domain
    unseen = shipped_model.card["unseen_collections"]
    assert unseen["collections"] == 10 and 0 < unseen["roc_auc_worst"] <= unseen["roc_auc_mean"] < 1


def test_a_skops_model_of_an_older_detector_is_refused_without_importing_skops(small_model_path: Path, tmp_path: Path) -> None:
    old = tmp_path / "account-model.skops"
    old.write_bytes(b"PK\x03\x04 an old skops zip")
    card = json.loads(card_path(small_model_path).read_text(encoding="utf-8"))
    card["feature_version"] = "3"
    card_path(old).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="was built for feature version '3'"):
        load_model(old)


# ------------------------------------------------------------------------------------------------
# Scoring


def test_label_thresholds() -> None:
    scores = np.array([0.0, 0.1999, 0.2, 0.5, 0.7999, 0.8, 1.0])
    got = label_scores(scores, {"suspicious": 0.8, "likely_genuine": 0.2}).tolist()
    assert got == ["likely-genuine", "likely-genuine", "uncertain", "uncertain", "uncertain", "suspicious", "suspicious"]


def test_score_accounts_output(small_model: AccountModel, fixture_accounts: pd.DataFrame) -> None:
    scores = score_accounts(fixture_accounts, small_model)
    assert list(scores.columns) == SCORE_COLUMNS
    assert scores["account_id"].tolist() == fixture_accounts["account_id"].tolist()
    assert scores["screen_name"].tolist() == fixture_accounts["screen_name"].tolist()
    assert scores["score"].between(0, 1).all()
    assert set(scores["label"]) <= set(LABELS)
    assert (scores["model_version"] == small_model.version).all()
    _, raw, _ = predict(small_model, fixture_accounts)
    np.testing.assert_array_equal(scores["score"].to_numpy(), np.round(raw, 4))
    # every account gets reasons, each marked with the way it pushes
    for text in scores["reasons"]:
        first = text.split("; ")[0]
        assert first[:2] in ("↑ ", "↓ ") or first.startswith("missing: "), text
    # the v2 documentation user carries no likes, url, location or profile flags: said so
    docs_user = scores.set_index("screen_name").loc["XDevelopers", "reasons"]
    assert docs_user.endswith(
        "missing: favourites_count, default_profile, profile_use_background_image, default_profile_image, url, location"
    )


def test_accounts_missing_half_their_inputs_are_never_called_either_way(small_model: AccountModel) -> None:
    bare = pd.DataFrame({"account_id": ["1", "2"], "screen_name": ["x1", "xk7q2vz9_1987"]}).astype("string")
    scores = score_accounts(bare, small_model)
    assert scores["label"].tolist() == ["uncertain", "uncertain"]
    assert scores["reasons"].str.contains("missing: statuses_count, followers_count, friends_count").all()


def test_score_accounts_on_no_accounts(small_model: AccountModel) -> None:
    empty = empty_accounts()
    scores = score_accounts(empty, small_model)
    assert list(scores.columns) == SCORE_COLUMNS
    assert len(scores) == 0


# ------------------------------------------------------------------------------------------------
# Metrics and weights, on examples small enough to work out by hand


def test_summary_by_hand() -> None:
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    got = summary(y, p)
    assert got == {
        "n": 4,
        "positives": 2,
        "roc_auc": 0.75,  # 3 of the 4 (bot, human) pairs are ordered right
        "pr_auc": 0.8333,  # precision 1 at recall 0.5, 2/3 at recall 1: 0.5*1 + 0.5*2/3
        "f1_bot": 0.6667,  # at 0.5 one bot of two found, no false alarm: 2*1*0.5/1.5
        "brier": 0.1581,  # (0.01 + 0.16 + 0.4225 + 0.04) / 4
        "ece": 0.3375,  # four one-account bins: (0.1 + 0.4 + 0.65 + 0.2) / 4
    }
    assert [b["bin"] for b in calibration_bins(y, p)] == ["0.1-0.2", "0.3-0.4", "0.4-0.5", "0.8-0.9"]
    assert expected_calibration_error(np.array([0, 1]), np.array([0.0, 1.0])) == 0.0
    assert summary(np.array([1, 1]), np.array([0.9, 0.2]))["roc_auc"] is None  # one class: undefined


def test_threshold_report_by_hand() -> None:
    y = np.array([0, 0, 0, 1, 1, 1])
    p = np.array([0.1, 0.5, 0.9, 0.15, 0.85, 0.95])
    got = threshold_report(y, p, {"suspicious": 0.8, "likely_genuine": 0.2})
    assert got == {
        "precision_suspicious": 0.6667,  # 0.85 and 0.95 are bots, 0.9 is not
        "recall_suspicious": 0.6667,  # two of three bots
        "npv_likely_genuine": 0.5,  # 0.1 is human, 0.15 is a bot
        "share_uncertain": 0.1667,  # only 0.5
    }


def test_balanced_weights_give_each_group_the_same_weight() -> None:
    table = pd.DataFrame({"collection": ["a", "a", "a", "a", "b", "b"], "label": [0, 0, 0, 1, 0, 1]})
    w = balanced_weights(table)
    # four groups of 3, 1, 1, 1 accounts: 1/3 each in the first, 1 in the others, scaled to mean 1
    np.testing.assert_allclose(w, np.array([1 / 3, 1 / 3, 1 / 3, 1, 1, 1]) * 6 / 4)
    assert w.mean() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------
# Training tables


def test_rebuilding_the_training_tables_gives_the_shipped_bytes(tmp_path: Path) -> None:
    if not datasets.DEFAULT_RAW.is_dir():
        pytest.skip("raw datasets (../shared/datasets) not present")
    manifest = datasets.build_tables(datasets.DEFAULT_RAW, tmp_path)
    shipped = json.loads((datasets.DEFAULT_TABLES / datasets.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["collections"] == shipped["collections"]
    got = {name: (c["accounts"], c["inauthentic"]) for name, c in manifest["collections"].items()}
    assert got == {
        "cresci-2017": (13031, 9557), "cresci-2015": (2817, 1337), "botwiki-2019": (698, 698), "verified-2019": (1986, 0),
        "botometer-feedback-2019": (512, 134), "cresci-stock-2018": (13274, 7102), "pronbots-2019": (17882, 17882),
        "vendor-purchased-2019": (1086, 1086), "political-bots-2019": (62, 62), "ira-2018": (1407, 1407),
        "caverlee-2011": (41394, 22170),
    }  # fmt: skip
    # 30 labelled groups: one per raw file and label, and the 8 account categories of the IRA trolls
    assert sum(len(c["groups"]) for c in manifest["collections"].values()) == 30
    # rebuilt twice, the same bytes: a model card's data hashes identify its data
    again = datasets.build_tables(datasets.DEFAULT_RAW, tmp_path / "again")
    assert again == manifest
    table = datasets.load_training_table(tmp_path)
    assert len(table) == 94149  # one E13 record holds a NUL byte: the readers reject it
    assert not table.duplicated("account_id").any()  # no account in two collections
    assert table["collected_at"].notna().all()  # every raw set carries its own collection time
    # the INT fake followers: once, in cresci-2015, collected 2013-06-11/12 (cresci-2017's dates, not 2015-02-14)
    intl = table[table["kind"] == "INT"]
    assert len(intl) == 1337 and intl["collected_at"].dt.strftime("%Y-%m-%d").isin(["2013-06-11", "2013-06-12"]).all()
    assert (table["kind"] == "fake_followers").sum() == 3351 - 1337
    # traditional_spambots_1: epoch-millisecond creation dates read, NULL booleans unknown
    ts1 = table[table["kind"] == "traditional_spambots_1"]
    assert ts1["created_at"].min().year == 2007 and ts1["default_profile"].isna().all()
    # the Bot Repository's collection times are approximate; the cresci crawls are exact
    exact = table.groupby("collection")["collected_at_exact"].all()
    assert not exact[["botwiki-2019", "pronbots-2019", "cresci-stock-2018"]].any() and exact["cresci-2017"]


def test_training_tables_missing_or_raw_folder_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        datasets.load_training_table(tmp_path)
    assert str(err.value) == (
        f"{tmp_path / 'cresci-2017.parquet'}: training table missing: run `detector datasets build` "
        "where ../shared/datasets exists"
    )
    with pytest.raises(InputError, match="raw datasets folder not found"):
        datasets.build_tables(tmp_path / "nowhere", tmp_path / "out")


# ------------------------------------------------------------------------------------------------
# Reasons


def test_reasons_by_hand() -> None:
    names = ["followers_count", "tweet_freq", "listed_count", "friends_count"]
    X = np.array([[1.0, 0.5, np.nan, 3.0], [200.0, 12.0, 4.0, 0.0]])
    contributions = np.array([[0.3, -0.6, 0.9, 0.01], [-0.2, 1.5, 0.0, 0.04]])
    assert reasons(X, contributions, names, top=3).tolist() == [
        # strongest first; a missing input is listed as missing whatever its table value;
        # friends_count moves the log-odds by less than 0.05 and is not named
        "↓ 0.5 posts a day since it was created; ↑ 1 follower; missing: listed_count",
        "↑ 12.0 posts a day since it was created; ↓ 200 followers",
    ]


def test_the_first_reason_is_the_strongest_contribution(small_model: AccountModel, fixture_accounts: pd.DataFrame) -> None:
    X, _, contrib = predict(small_model, fixture_accounts)
    got = score_accounts(fixture_accounts, small_model)["reasons"].tolist()
    names = small_model.feature_names
    named = 0
    for i in range(len(X)):
        strength = np.where(np.isnan(X[i]), 0.0, np.abs(contrib[i]))
        j = int(np.argmax(strength))
        if strength[j] < 0.05:
            continue
        arrow = "↑ " if contrib[i, j] > 0 else "↓ "
        assert got[i].startswith(arrow + TEMPLATES[names[j]](X[i : i + 1, j]).iloc[0]), (i, names[j], got[i])
        named += 1
    assert named >= len(X) // 2


def test_lookup_tables_are_exact_at_the_split_thresholds(additive_model: AccountModel, training_sample: pd.DataFrame) -> None:
    # values exactly on a split, just above it, and missing: where a lookup is easiest to get wrong
    small_model = additive_model
    base = features_of(small_model, training_sample.head(5))
    rows = []
    for j, thresholds in enumerate(small_model.explainer.thresholds):
        for t in thresholds:
            for value in (t, np.nextafter(t, np.inf), np.nan):
                row = base[len(rows) % 5].copy()
                row[j] = value
                rows.append(row)
    X = np.array(rows)
    assert len(X) > 20
    log_odds, _ = small_model.explainer.contributions(X)
    np.testing.assert_allclose(log_odds, small_model.booster.decision_function(X), rtol=0, atol=1e-9)


def test_humans_labelled_suspicious_fold_by_fold_by_hand() -> None:
    from detector.training.evaluate import humans_by_fold, unseen_summary

    scores = pd.DataFrame(
        {
            "held_out": ["pronbots-2019"] * 5 + ["botwiki-2019"] * 3,
            "collection": ["verified-2019", "verified-2019", "verified-2019", "botometer-feedback-2019", "pronbots-2019", "verified-2019", "verified-2019", "verified-2019"],
            "label": [0, 0, 0, 0, 1, 0, 0, 0],
            "score": [0.95, 0.80, 0.10, 0.5, 0.99, 0.2, 0.3, 0.81],
            "peer": [0.1, 0.9, 0.2, 0.85, 0.9, 0.1, 0.1, 0.1],
        }
    )
    got = humans_by_fold(scores)
    assert got[["held_out", "collection", "accounts"]].values.tolist() == [
        ["botwiki-2019", "verified-2019", 3],
        ["pronbots-2019", "botometer-feedback-2019", 1],
        ["pronbots-2019", "verified-2019", 3],
    ]
    assert got["suspicious"].round(4).tolist() == [0.3333, 0.0, 0.6667]  # 0.80 counts: the cut is >= 0.8
    assert got["peer_at_0_8"].round(4).tolist() == [0.0, 1.0, 0.3333]
    loco = pd.DataFrame(
        [
            {"held_out": "botwiki-2019", "model": "detector", "roc_auc": 0.9, "pr_auc": 0.8, "brier": 0.1, "recall_suspicious": 0.5, "fpr_suspicious": 0.1},
            {"held_out": "pronbots-2019", "model": "detector", "roc_auc": 0.7, "pr_auc": 0.6, "brier": 0.2, "recall_suspicious": 0.3, "fpr_suspicious": 0.5},
            {"held_out": "botwiki-2019", "model": "RF-300 peer", "roc_auc": 0.8, "pr_auc": 0.8, "brier": 0.1, "recall_suspicious": 0.5, "fpr_suspicious": 0.1},
            {"held_out": "pronbots-2019", "model": "RF-300 peer", "roc_auc": 0.6, "pr_auc": 0.6, "brier": 0.2, "recall_suspicious": 0.3, "fpr_suspicious": 0.5},
        ]
    )
    unseen = unseen_summary(loco, scores)
    assert (unseen["roc_auc_mean"], unseen["roc_auc_worst"], unseen["worst_collection"]) == (0.8, 0.7, "pronbots-2019")
    assert (unseen["peer_roc_auc_mean"], unseen["peer_roc_auc_worst"]) == (0.7, 0.6)
    assert unseen["organisational_suspicious_by_fold"] == {"botwiki-2019": 0.3333, "pronbots-2019": 0.6667}


def test_a_counts_only_unit_is_chosen_on_humans_cut_to_its_fields() -> None:
    from detector.accounts.features import fit_bigrams
    from detector.training.evaluate import masked_tests

    try:
        table = datasets.load_training_table(collections=("ira-2018", "cresci-2017", "botometer-feedback-2019"))
    except Exception as exc:
        pytest.skip(f"shipped training tables unavailable: {exc}")
    sample = balanced_sample(table, 30, random_state=0).reset_index(drop=True)
    bigrams = fit_bigrams(sample["screen_name"])
    masked = masked_tests(sample, bigrams)
    assert list(masked) == ["ira-2018"]  # the only counts-only collection with paired humans
    test = masked["ira-2018"]
    colls = sample["collection"].to_numpy()[(sample["collection"].eq("ira-2018") | sample["label"].eq(0)).to_numpy()]
    assert len(test) == len(colls) == 30 + 30 + 30  # ira trolls, cresci-2017 and feedback humans
    # every row misses the same features: missing fields tell nothing apart
    missing = test.isna()
    assert (missing.groupby(colls).sum() == missing[colls == "ira-2018"].sum()).all().all()
    assert missing["account_age_days"].all() and not missing["followers_count"].any()
    unmasked = compute_features(sample[sample["collection"].eq("cresci-2017").to_numpy() & sample["label"].eq(0).to_numpy()], bigrams, ("account_age_days",))
    assert unmasked["account_age_days"].notna().all()


def test_unseen_figures_go_only_into_the_card_of_the_model_they_describe() -> None:
    from detector.accounts.model import TREES_MONOTONE, record_unseen

    choice = {"candidate": "trees", "features": ["followers_count", "friends_count"], "booster": asdict(TREES_MONOTONE), "trained_on": ["cresci-2017", "ira-2018"]}
    unseen = {"roc_auc_mean": 0.8, "roc_auc_worst": 0.7, "choice": choice}
    # the card of a model just trained holds tuples; one read from its file, lists: both match
    card = {"features": ["followers_count", "friends_count"], "booster": asdict(TREES_MONOTONE), "training": {"collections": {"ira-2018": 5, "cresci-2017": 9}}}
    assert record_unseen(dict(card), unseen)["unseen_collections"] == unseen
    assert record_unseen(json.loads(json.dumps(card)), json.loads(json.dumps(unseen)))["unseen_collections"]["roc_auc_mean"] == 0.8
    # another training set (analyst labels added), other features, or figures that do not say what they describe
    analyst = {**card, "training": {"collections": {"ira-2018": 5, "cresci-2017": 9, "analyst": 3}}}
    assert "unseen_collections" not in record_unseen({**analyst, "unseen_collections": {}}, unseen)
    assert "unseen_collections" not in record_unseen({**card, "features": ["followers_count"]}, unseen)
    assert "unseen_collections" not in record_unseen(dict(card), {k: v for k, v in unseen.items() if k != "choice"})


def test_a_card_written_before_a_setting_existed_means_its_default() -> None:
    """Session 8's card has no ``split_share`` (session 11's setting): it means 1.0, all features."""
    from detector.accounts.model import BLEND_HALF_MONOTONE, BLEND_MONOTONE, record_unseen

    def without_share(booster: dict) -> dict:
        return {**{k: v for k, v in booster.items() if k != "split_share"}, "parts": [without_share(p) for p in booster["parts"]]}

    old = json.loads(json.dumps(without_share(asdict(BLEND_MONOTONE))))
    assert "split_share" not in old and "split_share" not in old["parts"][1]
    card = {"features": ["followers_count"], "booster": old, "training": {"collections": {"cresci-2017": 9}}}
    for booster, kept in ((BLEND_MONOTONE, True), (BLEND_HALF_MONOTONE, False)):
        choice = {"features": ["followers_count"], "booster": json.loads(json.dumps(asdict(booster))), "trained_on": ["cresci-2017"]}
        assert ("unseen_collections" in record_unseen(dict(card), {"roc_auc_mean": 0.8, "choice": choice})) is kept
    # settings that are no booster's describe no model
    assert "unseen_collections" not in record_unseen({**card, "booster": {"no_such_setting": 1}}, {"roc_auc_mean": 0.8, "choice": {**choice, "booster": {"no_such_setting": 1}}})


def test_a_row_takes_the_calibration_of_the_field_group_it_lacks() -> None:
    from detector.accounts.model import FieldGroupCalibration

    groups = FieldGroupCalibration(
        ("counts only", "no likes"),
        np.array([[True, True, False], [True, False, False]]),  # features 0 and 1 missing; feature 0 missing
        np.array([[0.2, 0.0], [0.5, 0.1]]),
    )
    nan = np.nan
    X = np.array([[1.0, 2.0, 3.0], [nan, 2.0, 3.0], [nan, nan, 3.0], [nan, nan, nan], [1.0, nan, 3.0]])
    # the group with the most missing features among those whose features all are missing; else none
    assert groups.group_of(np.isnan(X)).tolist() == [-1, 1, 0, 0, -1]
    model = AccountModel(None, np.zeros((1, 1)), np.array([1.0, -0.3]), {}, groups=groups)  # type: ignore[arg-type]
    slope, intercept = model.row_calibration(X)
    assert slope.tolist() == [1.0, 0.5, 0.2, 0.2, 1.0] and intercept.tolist() == [-0.3, 0.1, 0.0, 0.0, -0.3]
    assert model.row_calibration(X[[0, 4]]) == (1.0, -0.3)  # no row lacks a group: the main numbers
    with pytest.raises(ValueError):
        FieldGroupCalibration(("one",), np.array([[True]]), np.array([1.0]))


def test_a_model_whose_field_group_calibrations_do_not_match_its_card_is_refused(small_model_path: Path, tmp_path: Path) -> None:
    shutil.copy(small_model_path.with_name("small.card.json"), tmp_path / "bad.card.json")
    with np.load(small_model_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    np.savez(tmp_path / "ok.npz", **arrays)
    shutil.copy(small_model_path.with_name("small.card.json"), tmp_path / "ok.card.json")
    assert load_model(tmp_path / "ok.npz").groups is not None  # the same arrays load
    np.savez(tmp_path / "bad.npz", **{**arrays, "group_calibration": arrays["group_calibration"][:2]})
    with pytest.raises(ModelError, match="field group"):
        load_model(tmp_path / "bad.npz")


def test_a_calibration_of_rows_the_model_cannot_rank_keeps_their_order_near_one_half() -> None:
    from detector.accounts.model import MIN_SLOPE, calibrated, fit_balanced_calibration

    rng = np.random.default_rng(0)
    z = rng.normal(size=400)
    y = (z < 0).astype(int)  # ranked backwards: the fitted slope is negative
    y[:300] = (rng.random(300) < 0.75).astype(int)  # and three bots for each human: the weights balance them
    slope, intercept = fit_balanced_calibration(z, y)
    assert slope == MIN_SLOPE
    p = calibrated(np.sort(z), np.array([slope, intercept]))
    assert (np.diff(p) > 0).all() and np.abs(p - 0.5).max() < 0.005  # the order kept, every score about 0.5
    # the classes weigh the same: the mean score of the bots' and the humans' rows is one half
    q = calibrated(z, np.array([slope, intercept]))
    assert 0.5 * (q[y == 1].mean() + q[y == 0].mean()) == pytest.approx(0.5, abs=1e-4)
    # a calibration the rows do support is fitted as it was
    good = (z + rng.normal(scale=0.5, size=400) > 0).astype(int)
    assert fit_balanced_calibration(z, good)[0] > 1


def test_a_retrain_by_the_shipped_procedure_carries_the_shipped_figures(tmp_path: Path) -> None:
    # `detector train` and notebook 02 both call this: the same procedure's model shows the nested
    # figures in `detector info`; a model trained on anything else says they were not measured.
    from detector.accounts.model import PACKAGE_MODEL, card_path, record_shipped_unseen

    shipped = json.loads(card_path(PACKAGE_MODEL).read_text(encoding="utf-8"))
    retrained = {k: v for k, v in shipped.items() if k != "unseen_collections"}
    assert record_shipped_unseen(json.loads(json.dumps(retrained)))["unseen_collections"] == shipped["unseen_collections"]
    analyst = json.loads(json.dumps(retrained))
    analyst["training"]["collections"]["analyst"] = 200
    assert "unseen_collections" not in record_shipped_unseen(analyst)
    assert "unseen_collections" not in record_shipped_unseen(json.loads(json.dumps(shipped)), shipped=tmp_path / "none.npz")


@pytest.mark.parametrize(
    ("model_file", "card"),
    [
        ("m.npz", "m.card.json"),
        ("M.NPZ", "M.card.json"),
        ("m.skops", "m.skops.card.json"),  # it was m.card.json too: m.npz and m.skops shared one card
        ("m", "m.card.json"),
        ("account-model.npz", "account-model.card.json"),  # the shipped and registry files keep their names
    ],
)
def test_each_model_file_has_its_own_card(model_file: str, card: str, tmp_path: Path) -> None:
    assert card_path(tmp_path / model_file) == tmp_path / card


def test_a_model_is_saved_under_an_npz_name_only(additive_model: AccountModel, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"a model is written as \.npz \(plain arrays, no pickle\): name the file m\.npz, not m\.skops"):
        save_model(additive_model, tmp_path / "m.skops")
    assert list(tmp_path.iterdir()) == []


def test_a_model_whose_card_sits_under_the_old_shared_name_says_so(additive_model_path: Path, tmp_path: Path) -> None:
    # A model written as m.skops before session 11 kept its card as m.card.json (the name m.npz's card has).
    shutil.copy(additive_model_path, tmp_path / "m.skops")
    shutil.copy(card_path(additive_model_path), tmp_path / "m.card.json")
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "m.skops")
    assert str(err.value) == (
        f"model card missing beside the model: {tmp_path / 'm.skops.card.json'} (m.card.json is the card of m.npz; if it belongs to m.skops, rename it)"
    )
    (tmp_path / "m.card.json").rename(tmp_path / "m.skops.card.json")
    assert load_model(tmp_path / "m.skops").version == load_model(additive_model_path).version
