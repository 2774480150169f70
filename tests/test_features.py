"""Account features against values worked out by hand, and the scikit-learn estimator contract."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from detector.accounts.features import (
    ALL_FEATURES,
    BOTOMETER_LITE,
    DATE_DEPENDENT,
    DATE_FREE,
    HANDLE_AND_COUNTS,
    AccountFeatures,
    ScreenNameLikelihood,
    compute_features,
    fit_bigrams,
)
from detector.accounts.read import read_accounts

pytestmark = pytest.mark.usefixtures("no_network")

AS_OF = "2024-01-01T00:00:00Z"


def features_of(accounts: pd.DataFrame) -> pd.DataFrame:
    return AccountFeatures().fit(accounts).compute(accounts)


def test_botometer_lite_has_its_twenty_features() -> None:
    assert len(BOTOMETER_LITE) == 20
    assert ALL_FEATURES[:20] == BOTOMETER_LITE
    assert ALL_FEATURES[20:24] == ("account_age_days", "default_profile_image", "has_url", "has_location")
    # version 4: features that need no collection time
    assert ALL_FEATURES[24:31] == DATE_FREE == (
        "likes_per_post", "listed_per_1k_followers", "followers_per_post", "profile_completeness",
        "description_words", "description_bot_words", "name_screen_name_similarity",
    )  # fmt: skip
    # feature set v5: what a handle and three counts say
    assert ALL_FEATURES[31:] == HANDLE_AND_COUNTS == ("screen_name_entropy", "screen_name_trailing_digits")
    assert not set(DATE_FREE + HANDLE_AND_COUNTS) & set(DATE_DEPENDENT)
    # v5 is a feature set of its own: the v3 and v4 sets the candidates use stay as they were
    from detector.accounts.model import FEATURES_ALL, FEATURES_V3, FEATURES_V4

    assert not set(HANDLE_AND_COUNTS) & set(FEATURES_ALL + FEATURES_V3 + FEATURES_V4)
    assert len(FEATURES_ALL) == 30 and len(FEATURES_V4) == 29


# 0918Bask, cresci-2017 genuine row 1: created Tue Jun 11 11:20:35 2013, crawled 2015-05-02 06:41:46.
# 690 calendar days from 2013-06-11 to 2015-05-02, less 4 h 38 min 49 s (11:20:35 → 06:41:46).
AGE_0918BASK = 690 - (4 * 3600 + 38 * 60 + 49) / 86400
# davideb66, cresci-2017 spambot row 1: created Tue Mar 17 08:51:12 2009, crawled 2014-04-19 14:46:19.
# 1,826 days to 2014-03-17 (2012 is a leap year), 31 to 04-17, 2 to 04-19, plus 5 h 55 min 7 s.
AGE_DAVIDEB66 = 1826 + 31 + 2 + (5 * 3600 + 55 * 60 + 7) / 86400

HAND = {
    "0918Bask": {
        "account_age_days": AGE_0918BASK,
        "statuses_count": 2177, "followers_count": 208, "friends_count": 332,
        "favourites_count": 265, "listed_count": 1,
        "tweet_freq": 2177 / AGE_0918BASK,
        "followers_growth_rate": 208 / AGE_0918BASK,
        "friends_growth_rate": 332 / AGE_0918BASK,
        "favourites_growth_rate": 265 / AGE_0918BASK,
        "listed_growth_rate": 1 / AGE_0918BASK,
        "followers_friends_ratio": 208 / 332,
        "screen_name_length": 8, "num_digits_in_screen_name": 4,  # 0918Bask
        "name_length": 15, "num_digits_in_name": 0,  # TASUKU HAYAKAWA
        "description_length": 21,  # "15years ago X.Lines24"
        "default_profile": 0, "profile_use_background_image": 0, "verified": 0, "default_profile_image": 0,
        "has_url": 0,  # url column present, cell empty
        "has_location": 1,  # "Tokyo .Japan ."
        "likes_per_post": 265 / 2177,
        "listed_per_1k_followers": 1000 * 1 / 208,
        "followers_per_post": 208 / 2177,
        # description yes, url no, location yes, own image yes, own theme yes: 4 of 5
        "profile_completeness": 4 / 5,
        "description_words": 4,  # 15years / ago / X / Lines24
        "description_bot_words": 0,
        # letter pairs of "0918bask" (09 91 18 8b ba as sk) found in "tasukuhayakawa": "as" only
        "name_screen_name_similarity": 1 / 7,
        "screen_name_entropy": 3.0,  # 0918bask: eight different symbols, log2(8)
        "screen_name_trailing_digits": 0,
    },
    "davideb66": {
        "account_age_days": AGE_DAVIDEB66,
        "tweet_freq": 1299 / AGE_DAVIDEB66,
        "followers_growth_rate": 22 / AGE_DAVIDEB66,
        "friends_growth_rate": 40 / AGE_DAVIDEB66,
        "favourites_growth_rate": 1 / AGE_DAVIDEB66,
        "listed_growth_rate": 0.0,
        "followers_friends_ratio": 22 / 40,
        "screen_name_length": 9, "num_digits_in_screen_name": 2,  # davideb66
        "name_length": 14, "num_digits_in_name": 0,  # Davide Bertoli
        "description_length": 0,  # present but empty
        "default_profile": 1, "default_profile_image": 1, "profile_use_background_image": 1,
        "has_location": 0,
        "likes_per_post": 1 / 1299,
        "followers_per_post": 22 / 1299,
        "description_words": 0,
        "description_bot_words": 0,
        # "davideb66": da av vi id de eb b6 66; in "davidebertoli": da av vi id de eb = 6 of 8
        "name_screen_name_similarity": 6 / 8,
        # davideb66: d and 6 twice, a v i e b once: log2(9) - (2 log2 2 + 2 log2 2) / 9
        "screen_name_entropy": math.log2(9) - 4 / 9,
        "screen_name_trailing_digits": 2,
    },
}


@pytest.mark.parametrize(("fixture", "screen_name"), [("cresci2017_genuine.csv", "0918Bask"), ("cresci2017_spambots.csv", "davideb66")])
def test_features_of_real_rows_match_the_hand_computation(accounts_dir: Path, fixture: str, screen_name: str) -> None:
    accounts = read_accounts(accounts_dir / fixture, as_of=AS_OF).accounts
    feats = features_of(accounts).set_index(accounts["screen_name"])
    row = feats.loc[screen_name]
    for name, want in HAND[screen_name].items():
        assert row[name] == pytest.approx(want, rel=1e-12), name


def test_transform_outputs_the_chosen_features_in_order(accounts_dir: Path) -> None:
    accounts = read_accounts(accounts_dir / "cresci2017_genuine.csv", as_of=AS_OF).accounts
    chosen = ("description_length", "tweet_freq", "num_digits_in_screen_name")
    X = AccountFeatures(features=chosen).fit(accounts).transform(accounts)
    assert X.shape == (3, 3)
    # 0918Bask, 1120Roll, 1Nicoleromany
    assert X[:, 0].tolist() == [21.0, 48.0, 0.0]
    assert X[0, 1] == pytest.approx(2177 / AGE_0918BASK)
    assert X[:, 2].tolist() == [4.0, 4.0, 1.0]
    assert AccountFeatures(features=chosen).fit(accounts).get_feature_names_out().tolist() == list(chosen)


def frame(**columns: list) -> pd.DataFrame:
    """A canonical-style table of synthetic rows (only the columns given)."""
    out = pd.DataFrame(columns)
    for name in ("created_at", "collected_at"):
        if name in out:
            out[name] = pd.to_datetime(out[name], utc=True)
    for name in ("screen_name", "name", "description", "url", "location"):
        if name in out:
            out[name] = out[name].astype("string")
    return out


def test_date_free_features_by_hand() -> None:
    accounts = frame(
        screen_name=["news_desk", "x", "y"],
        name=["The News Desk", None, "y"],
        description=["Automated: tweets every hour", "", None],
        url=["http://n.example", "", None],
        location=["Rome", "", None],
        statuses_count=[10_000.0, 0.0, np.nan],
        followers_count=[2_000.0, 5.0, np.nan],
        favourites_count=[0.0, 3.0, np.nan],
        listed_count=[50.0, 0.0, np.nan],
    )
    accounts["default_profile_image"] = pd.array([False, True, pd.NA], dtype="boolean")
    accounts["default_profile"] = pd.array([False, True, pd.NA], dtype="boolean")
    f = compute_features(accounts, fit_bigrams(accounts["screen_name"]))
    assert f["likes_per_post"].tolist()[:2] == [0.0, 3.0]  # 0 posts: the denominator is floored at one
    assert f["listed_per_1k_followers"].tolist()[:2] == [25.0, 0.0]
    assert f["followers_per_post"].tolist()[:2] == [0.2, 5.0]
    assert f["description_words"].tolist()[:2] == [4.0, 0.0]  # Automated / tweets / every / hour
    assert f["description_bot_words"].tolist()[:2] == [1.0, 0.0]
    assert f["profile_completeness"].tolist()[:2] == [1.0, 0.0]
    # letters and digits only: "newsdesk" (ne ew ws sd de es sk) is inside "thenewsdesk"
    assert f.loc[0, "name_screen_name_similarity"] == 1.0
    # nothing given (but the names): missing, never zero
    for name in DATE_FREE[:-1]:
        assert math.isnan(f.loc[2, name]), name
    assert f.loc[2, "name_screen_name_similarity"] == 1.0  # "y" and "y"
    assert math.isnan(f.loc[1, "name_screen_name_similarity"])  # no display name


def test_handle_features_by_hand() -> None:
    accounts = frame(
        screen_name=["aaaa", "AbAb", "Richard37226643", "12ab34", "Ünï_1", "x", "", None],
    )
    f = compute_features(accounts, fit_bigrams(["ab"]), HANDLE_AND_COUNTS)
    # letters fold case ("AbAb" is a b a b: one bit); non-ASCII letters are one symbol ("Ünï_1": other
    # twice, n, _, 1); "Richard37226643": r twice, 3 2 6 twice each, i c h a d 7 4 once
    entropy = f["screen_name_entropy"].tolist()
    assert entropy[:2] == [0.0, 1.0]
    assert entropy[2] == pytest.approx(math.log2(15) - 4 * 2 / 15, rel=1e-12)
    assert entropy[3] == pytest.approx(math.log2(6), rel=1e-12)  # 1 2 a b 3 4: six different symbols
    assert entropy[4] == pytest.approx(math.log2(5) - 2 / 5, rel=1e-12)
    assert entropy[5] == 0.0
    assert math.isnan(entropy[6]) and math.isnan(entropy[7])  # empty or missing: not known
    assert f["screen_name_trailing_digits"].tolist()[:7] == [0.0, 0.0, 8.0, 2.0, 1.0, 0.0, 0.0]
    assert math.isnan(f.loc[7, "screen_name_trailing_digits"])


def test_screen_name_entropy_is_the_same_in_any_block(monkeypatch: pytest.MonkeyPatch) -> None:
    import detector.accounts.features as features

    names = [f"user{i}_{'x' * (i % 7)}ü{i * 7919}" for i in range(500)] + [None, ""]
    accounts = frame(screen_name=names)
    whole = compute_features(accounts, fit_bigrams(["ab"]), ("screen_name_entropy",))["screen_name_entropy"].to_numpy()
    monkeypatch.setattr(features, "_CELLS_AT_ONCE", 3 * features._SIZE)  # three rows per block
    blocks = compute_features(accounts, fit_bigrams(["ab"]), ("screen_name_entropy",))["screen_name_entropy"].to_numpy()
    np.testing.assert_array_equal(whole, blocks)
    one = [compute_features(accounts.iloc[[i]], fit_bigrams(["ab"]), ("screen_name_entropy",)).iloc[0, 0] for i in (0, 77, 499)]
    assert one == [whole[0], whole[77], whole[499]]


# Texts where Arrow's (RE2's) idea of a digit, a word or a letter is not Python's: the features
# count as Python's ``re`` does. Names and descriptions written for this test.
UNICODE_TEXTS = [
    "Robot ٣٤ posts every day",  # Arabic-Indic digits are \\d; "Robot" is a bot word
    "हिन्दी समाचार 2",  # Devanagari vowel signs are not \\w: words split at them
    "x² ⅷ 10",  # superscript two and roman eight are \\w but not \\d: words x², ⅷ, 10
    "ébot café_bar",  # é is a letter: no word boundary before "bot"
    "new poſts every hour",  # long s: IGNORECASE matches it to "s"
    "free ebooKs",  # the Kelvin sign: IGNORECASE matches it to "k"
    "robots_and_more",  # "_" joins words: no bot word
    "🤖 bot 🤖",
    "",
]


def test_counts_of_unicode_texts_are_pythons() -> None:
    import re

    from detector.accounts.features import BOT_WORDS

    accounts = frame(screen_name=["a"] * len(UNICODE_TEXTS), name=UNICODE_TEXTS, description=UNICODE_TEXTS)
    f = compute_features(accounts, fit_bigrams(["ab"]))
    assert f["num_digits_in_name"].tolist() == [len(re.findall(r"\d", t)) for t in UNICODE_TEXTS] == [2, 1, 2, 0, 0, 0, 0, 0, 0]
    assert f["description_words"].tolist() == [len(re.findall(r"\w+", t)) for t in UNICODE_TEXTS] == [5, 7, 3, 2, 4, 2, 1, 1, 0]
    expected_bot = [float(BOT_WORDS.search(t) is not None) for t in UNICODE_TEXTS]
    assert f["description_bot_words"].tolist() == expected_bot == [1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0]
    assert f["name_length"].tolist() == [float(len(t)) for t in UNICODE_TEXTS]


def test_name_similarity_of_ascii_and_other_names() -> None:
    accounts = frame(
        screen_name=["NewsDesk", "marco_rossi", "a", "zz", "Ωmega1", "abc"],
        name=["The News Desk", "Marco R.", "A", "", "ωmega 1", "ab c!"],
    )
    f = compute_features(accounts, fit_bigrams(["ab"]))
    # newsdesk: 7 pairs, all in "thenewsdesk"; marcorossi: ma ar rc co or ro os ss si, 5 in "marcor";
    # one letter is its own pair; no letter in the name: 0; the Greek pair by Python's lower(); "abc" in "abc"
    assert f["name_screen_name_similarity"].tolist() == [1.0, 5 / 9, 1.0, 0.0, 1.0, 1.0]


def test_lengths_without_texts_fill_in_only_what_is_missing() -> None:
    # caverlee-2011 gives the lengths of screen name and description, not the texts
    accounts = frame(screen_name=["abc", None], description=["four", None])
    accounts["screen_name_length"] = [99.0, 7.0]
    accounts["description_length"] = [99.0, 0.0]
    f = compute_features(accounts, fit_bigrams([]))
    assert f["screen_name_length"].tolist() == [3.0, 7.0]
    assert f["description_length"].tolist() == [4.0, 0.0]
    assert math.isnan(f.loc[1, "screen_name_likelihood"])


def test_scoring_imports_no_scikit_learn() -> None:
    # scikit-learn takes seconds to import; the transformers are built only when asked for
    import subprocess
    import sys

    code = (
        "import sys; import detector.accounts.features as f, detector.accounts.model, detector.accounts.score; "
        "assert 'sklearn' not in sys.modules, 'imported early'; f.AccountFeatures; print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


def test_missing_created_at_gives_nan_rates_not_zero() -> None:
    accounts = frame(
        screen_name=["a", "b"],
        statuses_count=[100.0, 100.0],
        followers_count=[10.0, 10.0],
        friends_count=[0.0, 5.0],
        created_at=[None, "2020-01-01T00:00:00Z"],
        collected_at=["2020-01-11T00:00:00Z", "2020-01-11T00:00:00Z"],
    )
    feats = features_of(accounts)
    for name in ("account_age_days", "tweet_freq", "followers_growth_rate", "friends_growth_rate"):
        assert math.isnan(feats.loc[0, name]), name
    assert feats.loc[1, "account_age_days"] == 10.0
    assert feats.loc[1, "tweet_freq"] == 10.0
    # inputs that were never given are missing too, not zero
    assert math.isnan(feats.loc[1, "favourites_growth_rate"])
    assert math.isnan(feats.loc[1, "listed_count"])
    # the ratio needs no dates; a zero friends count is floored at one
    assert feats["followers_friends_ratio"].tolist() == [10.0, 2.0]


def test_account_age_is_floored_at_one_day() -> None:
    accounts = frame(
        screen_name=["new"],
        statuses_count=[30.0],
        created_at=["2020-01-01T00:00:00Z"],
        collected_at=["2020-01-01T06:00:00Z"],
    )
    feats = features_of(accounts)
    assert feats.loc[0, "account_age_days"] == 0.25
    assert feats.loc[0, "tweet_freq"] == 30.0  # 30 posts / max(0.25 days, 1 day)


def test_absent_column_is_nan_present_but_empty_is_zero(tmp_path: Path) -> None:
    without = tmp_path / "without.csv"
    without.write_text("id,screen_name,name\n1,someone,Some One\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("id,screen_name,name,description,url,location\n1,someone,Some One,,,\n")
    given = tmp_path / "given.csv"
    given.write_text("id,screen_name,name,description,url,location\n1,someone,Some One,hi there,http://x.org,Rome\n")
    rows = {p.stem: features_of(read_accounts(p, as_of=AS_OF).accounts).iloc[0] for p in (without, empty, given)}
    for name in ("description_length", "has_url", "has_location"):
        assert math.isnan(rows["without"][name]), name
        assert rows["empty"][name] == 0.0, name
    assert (rows["given"]["description_length"], rows["given"]["has_url"], rows["given"]["has_location"]) == (8.0, 1.0, 1.0)
    # booleans the input did not carry are missing, not false
    for name in ("verified", "default_profile", "default_profile_image", "profile_use_background_image"):
        assert math.isnan(rows["without"][name]), name


def test_features_do_not_depend_on_the_other_rows(accounts_dir: Path) -> None:
    accounts = read_accounts(accounts_dir / "cresci2017_genuine.csv", as_of=AS_OF).accounts
    fitted = AccountFeatures().fit(accounts)
    whole = fitted.transform(accounts)
    one_by_one = np.vstack([fitted.transform(accounts.iloc[[i]]) for i in range(len(accounts))])
    np.testing.assert_array_equal(whole, one_by_one)


# ------------------------------------------------------------------------------------------------
# ScreenNameLikelihood


def test_screen_name_likelihood_by_hand() -> None:
    # Fitted on the single name "ab": bigrams ^a, ab, b$ seen once each. With add-one smoothing over
    # 40 symbols (26 letters, 10 digits, '_', other, start, end) each of those rows sums to 41:
    # a seen bigram has probability 2/41, an unseen one 1/41.
    model = ScreenNameLikelihood(alpha=1.0).fit(["ab"])
    got = model.transform(["ab", "BA", "", None, "a"]).ravel()
    assert got[0] == pytest.approx(2 / 41)  # ^a ab b$: all seen
    assert got[1] == pytest.approx(1 / 41)  # ^b ba a$: none seen (upper case is folded)
    assert math.isnan(got[2]) and math.isnan(got[3])  # no name: missing, not improbable
    assert got[4] == pytest.approx(((2 / 41) * (1 / 41)) ** 0.5)  # ^a seen, a$ not: geometric mean
    assert model.transform(pd.Series(["ab"], dtype="string")).shape == (1, 1)
    assert model.get_feature_names_out().tolist() == ["screen_name_likelihood"]


def test_screen_name_likelihood_ranks_random_strings_low(training_sample: pd.DataFrame) -> None:
    model = ScreenNameLikelihood().fit(training_sample["screen_name"])
    ordinary, random_ = model.transform(["marco_rossi", "xk7q2vz9"]).ravel()
    assert ordinary > 2 * random_


# ------------------------------------------------------------------------------------------------
# The estimator contract. The generic checks feed numeric matrices; these transformers read screen
# names (ScreenNameLikelihood) and a table of named columns (AccountFeatures), so the checks that
# need numeric input are expected to fail, each for the reason written here. The rest run for real.

_NUMERIC_INPUT = "feeds a numeric matrix; this transformer reads {what}"
_EXPECTED = {
    "ScreenNameLikelihood": (
        "screen names (any value is read as text)",
        [
            "check_n_features_in_after_fitting", "check_complex_data", "check_dtype_object",
            "check_estimators_empty_data_messages", "check_estimators_nan_inf", "check_estimator_sparse_tag",
            "check_transformer_data_not_an_array", "check_transformer_general",
            "check_methods_sample_order_invariance", "check_n_features_in", "check_fit1d", "check_fit2d_predict1d",
        ],
    ),
    "AccountFeatures": (
        "a DataFrame of canonical account columns",
        [
            "check_fit_score_takes_y", "check_n_features_in_after_fitting", "check_estimators_dtypes",
            "check_complex_data", "check_dtype_object", "check_estimators_empty_data_messages",
            "check_pipeline_consistency", "check_estimators_nan_inf", "check_estimator_sparse_tag",
            "check_estimators_pickle", "check_f_contiguous_array_estimator", "check_transformer_data_not_an_array",
            "check_transformer_general", "check_transformer_preserve_dtypes", "check_methods_sample_order_invariance",
            "check_methods_subset_invariance", "check_dict_unchanged", "check_fit_idempotent", "check_fit1d",
            "check_fit2d_predict1d",
        ],
    ),
}


def _expected_failed_checks(estimator: object) -> dict[str, str]:
    what, names = _EXPECTED[type(estimator).__name__]
    return {name: _NUMERIC_INPUT.format(what=what) for name in names}


@parametrize_with_checks([ScreenNameLikelihood(), AccountFeatures()], expected_failed_checks=_expected_failed_checks)
def test_sklearn_estimator_checks(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)


@pytest.mark.parametrize(
    ("estimator", "params", "fit_input"),
    [
        (ScreenNameLikelihood(alpha=0.5), {"alpha": 0.5}, ["anna", "bob_1987"]),
        (AccountFeatures(features=("tweet_freq",), alpha=2.0), {"features": ("tweet_freq",), "alpha": 2.0}, None),
    ],
)
def test_estimator_contract_by_hand(accounts_dir: Path, estimator, params: dict, fit_input) -> None:  # type: ignore[no-untyped-def]
    X = fit_input if fit_input is not None else read_accounts(accounts_dir / "cresci2017_genuine.csv", as_of=AS_OF).accounts
    # __init__ stores its parameters and nothing else
    assert vars(estimator) == params
    assert estimator.get_params() == params
    with pytest.raises(NotFittedError):
        estimator.transform(X)
    # fit returns self; what it learnt ends in '_'
    assert estimator.fit(X) is estimator
    learnt = set(vars(estimator)) - set(params)
    assert learnt and all(name.endswith("_") for name in learnt)
    # clone gives an unfitted copy with the same parameters
    copy = clone(estimator)
    assert copy.get_params() == params
    assert set(vars(copy)) == set(params)
    np.testing.assert_array_equal(copy.fit(X).transform(X), estimator.transform(X))
    # set_params works and refitting gives the same result as a fresh estimator
    name = "alpha"
    estimator.set_params(**{name: 3.0})
    fresh = type(estimator)(**{**params, name: 3.0})
    np.testing.assert_array_equal(estimator.fit(X).transform(X), fresh.fit(X).transform(X))


def test_account_features_refuses_unknown_features(accounts_dir: Path) -> None:
    accounts = read_accounts(accounts_dir / "cresci2017_genuine.csv", as_of=AS_OF).accounts
    with pytest.raises(ValueError, match="unknown features: followers_per_hour"):
        AccountFeatures(features=("tweet_freq", "followers_per_hour")).fit(accounts)


def test_name_similarity_in_bulk_is_the_one_by_one_definition_on_real_rows() -> None:
    # Every account of datasets/accounts: the ASCII pairs are compared in bulk as letter-pair codes,
    # the rest one by one; both must give the share of the screen name's letter pairs found in the
    # display name as _bigram_set defines it.
    from detector.accounts.features import _arrow_text, _bigram_set, _similarity

    root = Path(__file__).resolve().parents[1] / "datasets" / "accounts"
    accounts = pd.concat([pd.read_parquet(p, columns=["name", "screen_name"]) for p in sorted(root.glob("*.parquet"))], ignore_index=True)
    got = _similarity(_arrow_text(accounts["name"].astype("string")), _arrow_text(accounts["screen_name"].astype("string")))
    want = []
    for name, screen in zip(accounts["name"].tolist(), accounts["screen_name"].tolist(), strict=True):
        if not isinstance(name, str) or not isinstance(screen, str):
            want.append(math.nan)
            continue
        a, b = _bigram_set(name), _bigram_set(screen)
        want.append(len(a & b) / len(b) if a and b else 0.0)
    assert np.array_equal(got, np.array(want), equal_nan=True)
    assert (got > 0).sum() > 10_000  # names that share pairs with their handles, not only zeros
