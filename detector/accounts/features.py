"""Account features as scikit-learn transformers.

:class:`AccountFeatures` turns the canonical account table (:mod:`detector.schema`) into the
numeric matrix the account model reads: BotometerLite's 20 features (Yang et al., AAAI 2020) plus
a few that help. Missing inputs stay ``NaN``: the model handles them natively and the reasons say
what was missing. :class:`ScreenNameLikelihood` is the character-bigram model behind the
screen-name likelihood feature.

This module owns feature definitions and their version. It never reads files or trains a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

# Bump when a feature's definition changes: models built for another version are refused.
FEATURE_VERSION = "3"

#: BotometerLite's 20 features, in its order.
BOTOMETER_LITE = (
    "statuses_count",
    "followers_count",
    "friends_count",
    "favourites_count",
    "listed_count",
    "default_profile",
    "profile_use_background_image",
    "verified",
    "tweet_freq",
    "followers_growth_rate",
    "friends_growth_rate",
    "favourites_growth_rate",
    "listed_growth_rate",
    "followers_friends_ratio",
    "screen_name_length",
    "num_digits_in_screen_name",
    "name_length",
    "num_digits_in_name",
    "description_length",
    "screen_name_likelihood",
)

#: Features added to BotometerLite's.
EXTRA = (
    "account_age_days",
    "default_profile_image",
    "has_url",
    "has_location",
)

ALL_FEATURES = BOTOMETER_LITE + EXTRA

# Screen names are ASCII letters, digits and underscore; anything else maps to one symbol.
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_OTHER = len(_ALPHABET)
_START = _OTHER + 1
_END = _OTHER + 2
_SIZE = _OTHER + 3


def _encode(name: str) -> list[int]:
    codes = [_ALPHABET.find(ch) for ch in name.lower()]
    return [_START] + [c if c >= 0 else _OTHER for c in codes] + [_END]


class ScreenNameLikelihood(TransformerMixin, BaseEstimator):
    """Geometric-mean probability of a screen name under a character-bigram model.

    Fitted on a list of screen names (no labels). Ordinary names made of common letter pairs score
    high; random strings such as ``xk7q2vz9`` score low. BotometerLite fits the same kind of model
    on screen names of random accounts.

    Parameters
    ----------
    alpha : float
        Additive (Laplace) smoothing of the bigram counts.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X: Sequence[str] | pd.Series, y: object = None) -> ScreenNameLikelihood:
        counts = np.zeros((_SIZE, _SIZE), dtype=np.float64)
        for name in _as_names(X):
            if name:
                codes = _encode(name)
                np.add.at(counts, (codes[:-1], codes[1:]), 1.0)
        counts += self.alpha
        self.log_prob_ = np.log(counts / counts.sum(axis=1, keepdims=True))
        return self

    def transform(self, X: Sequence[str] | pd.Series) -> np.ndarray:
        check_is_fitted(self, "log_prob_")
        names = _as_names(X)
        out = np.full(len(names), np.nan)
        cache: dict[str, float] = {}
        for i, name in enumerate(names):
            if not name:
                continue
            value = cache.get(name)
            if value is None:
                codes = _encode(name)
                value = math.exp(float(self.log_prob_[codes[:-1], codes[1:]].mean()))
                cache[name] = value
            out[i] = value
        return out.reshape(-1, 1)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(["screen_name_likelihood"], dtype=object)


def _as_names(X: Sequence[str] | pd.Series | np.ndarray) -> list[str]:
    if isinstance(X, pd.DataFrame):
        X = X.iloc[:, 0]
    arr = np.asarray(X, dtype=object).ravel()
    return ["" if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else str(v) for v in arr]


def _digits(s: pd.Series) -> np.ndarray:
    return s.str.count(r"\d").astype("float64").to_numpy(na_value=np.nan)


def _length(s: pd.Series) -> np.ndarray:
    return s.str.len().astype("float64").to_numpy(na_value=np.nan)


def _boolean(s: pd.Series) -> np.ndarray:
    return s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


class AccountFeatures(TransformerMixin, BaseEstimator):
    """Canonical account table → feature matrix (see :data:`ALL_FEATURES`).

    Rates are per day of account age, where age runs from ``created_at`` to ``collected_at`` (the
    time the profile was observed, not now), with a floor of one day. A missing input gives ``NaN``
    for every feature that depends on it.

    Parameters
    ----------
    features : sequence of str, optional
        Which features to output, in order; all of :data:`ALL_FEATURES` by default.
    alpha : float
        Smoothing of the screen-name bigram model.
    """

    def __init__(self, features: Sequence[str] | None = None, alpha: float = 1.0) -> None:
        self.features = features
        self.alpha = alpha

    def fit(self, X: pd.DataFrame, y: object = None) -> AccountFeatures:
        names = tuple(self.features) if self.features is not None else ALL_FEATURES
        unknown = sorted(set(names) - set(ALL_FEATURES))
        if unknown:
            raise ValueError(f"unknown features: {', '.join(unknown)}")
        self.feature_names_out_ = np.array(names, dtype=object)
        screen = X["screen_name"] if isinstance(X, pd.DataFrame) and "screen_name" in X else []
        self.screen_names_ = ScreenNameLikelihood(alpha=self.alpha).fit(screen)
        self.n_features_in_ = X.shape[1] if hasattr(X, "shape") and len(X.shape) == 2 else 0
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        table = self.compute(X)
        return table[list(self.feature_names_out_)].to_numpy(dtype="float64")

    def compute(self, X: pd.DataFrame) -> pd.DataFrame:
        """Every feature of :data:`ALL_FEATURES` as a named frame (NaN where inputs are missing)."""
        check_is_fitted(self, "screen_names_")
        n = len(X)

        def col(name: str, dtype: str = "float64") -> pd.Series:
            if name in X.columns:
                return X[name]
            return pd.Series(np.nan if dtype == "float64" else pd.NA, index=X.index, dtype=dtype)

        f: dict[str, np.ndarray] = {}
        counts = {
            name: col(name).astype("float64").to_numpy()
            for name in ("statuses_count", "followers_count", "friends_count", "favourites_count", "listed_count")
        }
        f.update(counts)
        for name in ("default_profile", "profile_use_background_image", "verified", "default_profile_image"):
            f[name] = _boolean(col(name, "boolean"))

        created = pd.to_datetime(col("created_at", "object"), utc=True, errors="coerce")
        collected = pd.to_datetime(col("collected_at", "object"), utc=True, errors="coerce")
        age = ((collected - created).dt.total_seconds() / 86400.0).to_numpy(dtype="float64", na_value=np.nan)
        f["account_age_days"] = age
        days = np.maximum(age, 1.0)
        f["tweet_freq"] = counts["statuses_count"] / days
        f["followers_growth_rate"] = counts["followers_count"] / days
        f["friends_growth_rate"] = counts["friends_count"] / days
        f["favourites_growth_rate"] = counts["favourites_count"] / days
        f["listed_growth_rate"] = counts["listed_count"] / days
        f["followers_friends_ratio"] = counts["followers_count"] / np.maximum(counts["friends_count"], 1.0)

        screen = col("screen_name", "string").astype("string")
        name = col("name", "string").astype("string")
        description = col("description", "string").astype("string")
        f["screen_name_length"] = _length(screen)
        f["num_digits_in_screen_name"] = _digits(screen)
        f["name_length"] = _length(name)
        f["num_digits_in_name"] = _digits(name)
        f["description_length"] = _length(description)
        f["screen_name_likelihood"] = self.screen_names_.transform(screen).ravel()
        for field in ("url", "location"):
            # "" is a profile without one (0); NA is an input that did not say (NaN).
            f[f"has_{field}"] = np.sign(_length(col(field, "string").astype("string")))
        frame = pd.DataFrame(f, index=X.index)
        assert frame.shape == (n, len(ALL_FEATURES))
        return frame[list(ALL_FEATURES)]

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()
