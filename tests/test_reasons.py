"""The words of the account reasons: numbers written as Python writes them, the strongest first.

Reasons are built by Arrow's string kernels for speed (detector/accounts/explain.py); these values
are where a vectorised formatter goes wrong first: halves, thousands, exactly one, minus zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.accounts.explain import TEMPLATES, _strongest, reasons
from detector.accounts.wording import plain_reasons


@pytest.mark.parametrize(
    ("feature", "values", "texts"),
    [
        (
            "followers_count",
            [0.0, 1.0, 2.0, 0.6, 2.5, 999.5, 1234567.0, -0.0],
            # 0.6 rounds to "1" but is not exactly one: plural; halves round to even, as Python does
            ["0 followers", "1 follower", "2 followers", "1 followers", "2 followers", "1,000 followers", "1,234,567 followers", "0 followers"],
        ),
        (
            "likes_per_post",
            [0.125, 0.375, 1.005, 2.675, 1234.5, 0.0, np.nan],
            # 1.005 and 2.675 are stored just under the half: Python writes 1.00 and 2.67
            ["0.12 likes given per post", "0.38 likes given per post", "1.00 likes given per post", "2.67 likes given per post",
             "1,234.50 likes given per post", "0.00 likes given per post", "nan likes given per post"],
        ),
        (
            "profile_completeness",
            [0.555, 0.125, 1.0, 0.005],
            ["profile 56% filled in (description, link, location, own image, own theme)",
             "profile 12% filled in (description, link, location, own image, own theme)",
             "profile 100% filled in (description, link, location, own image, own theme)",
             "profile 0% filled in (description, link, location, own image, own theme)"],
        ),
        ("description_length", [0.0, 1.0, 1500.0], ["no profile description", "1-character profile description", "1,500-character profile description"]),
        ("screen_name_likelihood", [0.01, 0.05, 0.5], ["screen name made of unusual letter pairs", "screen name made of ordinary letter pairs", "screen name made of ordinary letter pairs"]),
        ("verified", [1.0, 0.0], ["verified", "not verified"]),
    ],
)
def test_numbers_are_written_as_python_writes_them(feature: str, values: list[float], texts: list[str]) -> None:
    assert TEMPLATES[feature](np.array(values)).tolist() == texts


def test_every_template_writes_what_format_writes_on_many_values() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(2000) * 10, rng.integers(0, 10**7, 2000).astype(float), np.arange(0, 3, 0.0005)])
    for name, template in TEMPLATES.items():
        fmt = getattr(template, "fmt", None)
        if fmt is None or name == "description_length":
            continue
        expected = [fmt.replace("{s}", "" if x == 1 else "s").format(x) for x in values.tolist()]
        assert template(values).tolist() == expected, name


def test_the_strongest_are_those_a_stable_sort_puts_first() -> None:
    rng = np.random.default_rng(1)
    strength = rng.integers(0, 4, (500, 7)).astype(float)  # many ties
    strength[rng.random(strength.shape) < 0.1] = np.nan
    expected = np.argsort(-strength, axis=1, kind="stable")[:, :3]
    order, values = _strongest(strength.copy(), 3)
    assert (order == expected).all()
    assert np.array_equal(values, np.nan_to_num(np.take_along_axis(strength, expected, axis=1), nan=-1.0))


def test_reasons_missing_only_and_nothing() -> None:
    names = ["followers_count", "statuses_count"]
    X = np.array([[5.0, np.nan], [5.0, 7.0], [1.0, 1.0]])
    contributions = np.array([[0.01, 0.9], [0.0, 0.02], [-0.5, 0.5]])
    got = reasons(X, contributions, names, top=3)
    # row 1: the strong one is missing, the other too weak; row 2: nothing to say; row 3: equals in feature order
    assert got.tolist() == ["missing: statuses_count", "", "↓ 1 follower; ↑ 1 post in total"]
    assert plain_reasons(got).tolist() == ["blank: post count", "", "↓ 1 follower; ↑ 1 post in total"]
    assert plain_reasons(got, {"statuses_count"}).tolist() == ["", "", "↓ 1 follower; ↑ 1 post in total"]


def test_no_reason_strong_enough_in_any_row() -> None:
    X = np.array([[1.0, np.nan], [2.0, np.nan]])
    assert reasons(X, np.array([[0.01, 0.9], [0.0, 0.0]]), ["followers_count", "statuses_count"]).tolist() == ["missing: statuses_count"] * 2
    assert reasons(X[:, :1], np.array([[0.01], [0.0]]), ["followers_count"]).tolist() == ["", ""]


def test_plain_reasons_keeps_the_kind_of_column_it_is_given() -> None:
    text = pd.Series(["↑ followed 0.0 new accounts a day; missing: created_at", None], dtype=object, index=[3, 4])
    got = plain_reasons(text)
    assert got.dtype == object and got.index.tolist() == [3, 4]
    assert got.iloc[0] == "↑ followed fewer than 0.1 new accounts a day; blank: creation date" and got.iloc[1] is pd.NA
    arrow = plain_reasons(text.astype("string"))
    assert arrow.dtype == "string" and arrow.iloc[0] == got.iloc[0] and arrow.iloc[1] is pd.NA


def test_plain_reasons_words_every_rate_that_rounds_to_nothing() -> None:
    text = pd.Series(
        [
            "↓ added to 0.00 lists a day; ↑ gained 0.0 followers a day; ↑ 0.0 likes a day",
            "↑ 0.05 lists a day; ↓ 10.0 posts a day; missing: listed_count",
            "↑ 1,000 followers",
            "",
            None,
        ],
        dtype="string",
    )
    got = plain_reasons(text, absent=["listed_count"])
    assert got.tolist()[:4] == [
        "↓ added to fewer than 0.01 lists a day; ↑ gained fewer than 0.1 followers a day; ↑ fewer than 0.1 likes a day",
        "↑ 0.05 lists a day; ↓ 10.0 posts a day",
        "↑ 1,000 followers",
        "",
    ]
    assert got.iloc[4] is pd.NA
