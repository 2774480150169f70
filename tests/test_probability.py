"""A probability written for a reader never reads as a certainty (detector/probability.py)."""

import pytest

from detector.probability import probability_text


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.87, "0.87"),
        (0.9949, "0.99"),
        (0.9951, "> 0.99"),  # would be written 1.00
        (0.9967, "> 0.99"),  # the texit example's best call score
        (1.0, "1.00"),  # a certainty, where one is given, is written as one
        (0.0049, "< 0.01"),
        (0.005, "0.01"),
        (0.0, "0.00"),
        (0.2452, "0.25"),
    ],
)
def test_probability_text(p: float, text: str) -> None:
    assert probability_text(p) == text


def test_a_call_reason_writes_no_certainty() -> None:
    import pandas as pd

    from detector.posts.call_model import score_calls

    # A real IRA call (datasets/examples/posts/ira_texit_calls.csv; MIT licence) that the shipped model scores 0.9967.
    text = "Brothers and sisters!  Come and join our Black Unity March in Cleveland, Ohio, September 17, at 1 PM https://t.co/WfOjw5PF5s"
    out = score_calls(pd.Series([text]), pd.Series(["2016-09-01 12:29:00"]), pd.Series(["en"]))
    assert out["call_score"].iloc[0] > 0.995
    reasons = out["call_reasons"].iloc[0] if "call_reasons" in out.columns else out["reasons"].iloc[0]
    assert reasons.startswith("call score > 0.99"), reasons
