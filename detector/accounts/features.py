"""Account features: plain functions, and the same as scikit-learn transformers.

:func:`compute_features` turns the canonical account table (:mod:`detector.schema`) into the
named numeric features the account model reads: BotometerLite's 20 (Yang et al., AAAI 2020), a
few that help, and features that do not depend on when a profile was collected (ratios of counts,
profile completeness, words of the self-description, name and screen-name similarity). Missing
inputs stay ``NaN``: the model treats them as "not known" and the reasons say what was missing.
:func:`fit_bigrams` and :func:`screen_name_likelihood` are the character-bigram model behind the
screen-name likelihood feature.

:class:`AccountFeatures` and :class:`ScreenNameLikelihood` wrap the same functions in the
scikit-learn estimator contract for training and notebooks. They are built on first use, so that
scoring (which needs only the functions and numpy) never imports scikit-learn, which takes seconds.

This module owns feature definitions and their version. It never reads files or trains a model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

# Bump when a feature's definition changes: models built for another version are refused.
FEATURE_VERSION = "4"

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

#: Features added to BotometerLite's in feature version 3.
EXTRA = (
    "account_age_days",
    "default_profile_image",
    "has_url",
    "has_location",
)

#: Features of version 4 that need no collection time: ratios of counts, profile completeness,
#: words of the self-description and how far the display name and the screen name agree.
DATE_FREE = (
    "likes_per_post",
    "listed_per_1k_followers",
    "followers_per_post",
    "profile_completeness",
    "description_words",
    "description_bot_words",
    "name_screen_name_similarity",
)

ALL_FEATURES = BOTOMETER_LITE + EXTRA + DATE_FREE

#: Features that need the time the profile was collected (unknown for some collections).
DATE_DEPENDENT = (
    "account_age_days",
    "tweet_freq",
    "followers_growth_rate",
    "friends_growth_rate",
    "favourites_growth_rate",
    "listed_growth_rate",
)

# Words by which accounts declare themselves automated (botwiki's bots do; people rarely do).
BOT_WORDS = re.compile(
    r"\b(?:bot|bots|robot|automated|automatic(?:ally)?|auto-?generated|generator|ebooks|"
    r"(?:tweets?|posts?) every)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

# Screen names are ASCII letters, digits and underscore; anything else maps to one symbol.
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_OTHER = len(_ALPHABET)
_START = _OTHER + 1
_END = _OTHER + 2
_SIZE = _OTHER + 3


def _encode(name: str) -> list[int]:
    codes = [_ALPHABET.find(ch) for ch in name.lower()]
    return [_START] + [c if c >= 0 else _OTHER for c in codes] + [_END]


def fit_bigrams(names: Sequence[str] | pd.Series | np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Log-probability table of a character-bigram model of screen names (Laplace ``alpha``)."""
    counts = np.zeros((_SIZE, _SIZE), dtype=np.float64)
    for name in _as_names(names):
        if name:
            codes = _encode(name)
            np.add.at(counts, (codes[:-1], codes[1:]), 1.0)
    counts += alpha
    return np.log(counts / counts.sum(axis=1, keepdims=True))


def screen_name_likelihood(names: Sequence[str] | pd.Series | np.ndarray, log_prob: np.ndarray) -> np.ndarray:
    """Geometric-mean bigram probability of each name under ``log_prob``; NaN for no name.

    Vectorised: every distinct name is coded once into a padded array of symbols, and the bigram
    log-probabilities are gathered for all of them at once.
    """
    names_ = _as_names(names)
    out = np.full(len(names_), np.nan)
    uniq, inverse = np.unique(np.asarray(names_, dtype=object).astype(str), return_inverse=True)
    keep = np.char.str_len(uniq.astype(str)) > 0 if len(uniq) else np.zeros(0, dtype=bool)
    if not keep.any():
        return out
    words = [w.lower() for w in uniq[keep]]
    width = max(len(w) for w in words) + 2
    codes = np.full((len(words), width), -1, dtype=np.int64)
    table = np.full(128, _OTHER, dtype=np.int64)  # ASCII letters, digits, '_'; anything else is one symbol
    for i, ch in enumerate(_ALPHABET):
        table[ord(ch)] = i
    for r, w in enumerate(words):
        row = [_START] + [table[o] if o < 128 else _OTHER for o in map(ord, w)] + [_END]
        codes[r, : len(row)] = row
    left, right = codes[:, :-1], codes[:, 1:]
    valid = right >= 0
    lp = np.where(valid, log_prob[np.maximum(left, 0), np.maximum(right, 0)], 0.0)
    values = np.full(len(uniq), np.nan)
    values[keep] = np.exp(lp.sum(axis=1) / valid.sum(axis=1))
    out[:] = values[np.ravel(inverse)]
    return out


def _as_names(X: Any) -> list[str]:
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


# Everything but letters and digits (str.isalnum): what the name similarity ignores.
_NOT_ALNUM = re.compile(r"[\W_]+")


def _bigram_set(text: str) -> set[str]:
    t = _NOT_ALNUM.sub("", text.lower())
    return set(map(str.__add__, t, t[1:])) if len(t) > 1 else ({t} if t else set())


def _similarity(names: pd.Series, screens: pd.Series) -> np.ndarray:
    """Share of the screen name's letter pairs found in the display name (0-1; NaN when either is missing)."""
    out = np.full(len(names), np.nan)
    cache: dict[tuple[str, str], float] = {}
    for i, (a, b) in enumerate(zip(names.tolist(), screens.tolist(), strict=True)):
        if a is None or b is None or a is pd.NA or b is pd.NA:
            continue
        key = (str(a), str(b))
        value = cache.get(key)
        if value is None:
            sa, sb = _bigram_set(key[0]), _bigram_set(key[1])
            value = len(sa & sb) / len(sb) if sa and sb else 0.0
            cache[key] = value
        out[i] = value
    return out


def _column(X: pd.DataFrame, name: str, dtype: str = "float64") -> pd.Series:
    if name in X.columns:
        return X[name]
    return pd.Series(np.nan if dtype == "float64" else pd.NA, index=X.index, dtype=dtype)


def compute_features(X: pd.DataFrame, log_prob: np.ndarray, names: Sequence[str] = ALL_FEATURES) -> pd.DataFrame:
    """The named features of every row of a canonical account table (NaN where inputs are missing).

    Rates are per day of account age, where age runs from ``created_at`` to ``collected_at`` (the
    time the profile was observed, not now), with a floor of one day. Ratios of counts floor their
    denominator at one. A table may carry ``screen_name_length`` and ``description_length`` columns
    for sources that give the lengths but not the texts (caverlee-2011).
    """
    col = lambda name, dtype="float64": _column(X, name, dtype)  # noqa: E731
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
    for given in ("screen_name_length", "description_length"):
        if given in X.columns:  # lengths without the texts
            f[given] = np.where(np.isnan(f[given]), X[given].astype("float64").to_numpy(), f[given])
    f["screen_name_likelihood"] = screen_name_likelihood(screen, log_prob)
    for field in ("url", "location"):
        # "" is a profile without one (0); NA is an input that did not say (NaN).
        f[f"has_{field}"] = np.sign(_length(col(field, "string").astype("string")))

    want = set(names)
    if not want & set(DATE_FREE):  # the v4 features cost per-row work: only when asked for
        return pd.DataFrame({k: f[k] for k in names}, index=X.index)
    f["likes_per_post"] = counts["favourites_count"] / np.maximum(counts["statuses_count"], 1.0)
    f["listed_per_1k_followers"] = 1000.0 * counts["listed_count"] / np.maximum(counts["followers_count"], 1.0)
    f["followers_per_post"] = counts["followers_count"] / np.maximum(counts["statuses_count"], 1.0)
    parts = np.column_stack(
        [
            np.sign(f["description_length"]),
            f["has_url"],
            f["has_location"],
            1.0 - f["default_profile_image"],
            1.0 - f["default_profile"],
        ]
    )
    known = ~np.isnan(parts)
    with np.errstate(invalid="ignore"):
        f["profile_completeness"] = np.where(known.sum(axis=1) >= 3, np.nansum(parts, axis=1) / np.maximum(known.sum(axis=1), 1), np.nan)
    desc = description.fillna("")
    has_desc = description.notna().to_numpy()
    f["description_words"] = np.where(has_desc, desc.str.count(_WORD.pattern).astype("float64").to_numpy(), np.nan)
    f["description_bot_words"] = np.where(
        has_desc, desc.str.contains(BOT_WORDS.pattern, flags=re.IGNORECASE, regex=True).astype("float64").to_numpy(), np.nan
    )
    f["name_screen_name_similarity"] = _similarity(name, screen) if "name_screen_name_similarity" in want else np.full(len(X), np.nan)
    frame = pd.DataFrame(f, index=X.index)
    return frame[list(names)]


# ------------------------------------------------------------------------------------------------
# The scikit-learn transformers: built on first access (PEP 562), so scoring never imports sklearn.


def _build_transformers() -> dict[str, type]:
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.utils.validation import check_is_fitted

    class ScreenNameLikelihood(TransformerMixin, BaseEstimator):
        """Geometric-mean probability of a screen name under a character-bigram model.

        Fitted on a list of screen names (no labels). Ordinary names made of common letter pairs
        score high; random strings such as ``xk7q2vz9`` score low. BotometerLite fits the same
        kind of model on screen names of random accounts.

        Parameters
        ----------
        alpha : float
            Additive (Laplace) smoothing of the bigram counts.
        """

        def __init__(self, alpha: float = 1.0) -> None:
            self.alpha = alpha

        def fit(self, X: Any, y: object = None) -> ScreenNameLikelihood:
            self.log_prob_ = fit_bigrams(X, self.alpha)
            return self

        def transform(self, X: Any) -> np.ndarray:
            check_is_fitted(self, "log_prob_")
            return screen_name_likelihood(X, self.log_prob_).reshape(-1, 1)

        def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
            return np.array(["screen_name_likelihood"], dtype=object)

    class AccountFeatures(TransformerMixin, BaseEstimator):
        """Canonical account table → feature matrix (see :data:`ALL_FEATURES`, :func:`compute_features`).

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
            return self.compute(X)[list(self.feature_names_out_)].to_numpy(dtype="float64")

        def compute(self, X: pd.DataFrame) -> pd.DataFrame:
            """Every feature of :data:`ALL_FEATURES` as a named frame (NaN where inputs are missing)."""
            check_is_fitted(self, "screen_names_")
            return compute_features(X, self.screen_names_.log_prob_)

        def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
            check_is_fitted(self, "feature_names_out_")
            return self.feature_names_out_.copy()

    for cls in (ScreenNameLikelihood, AccountFeatures):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
    return {"ScreenNameLikelihood": ScreenNameLikelihood, "AccountFeatures": AccountFeatures}


def __getattr__(name: str) -> Any:
    if name in ("AccountFeatures", "ScreenNameLikelihood"):
        classes = _build_transformers()
        globals().update(classes)
        return classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
