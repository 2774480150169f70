"""How a probability is written for a reader: two decimals, never a certainty it does not claim.

Scores are calibrated probabilities, never exactly 0 or 1; written with two decimals, 0.9967 would
read "1.00" and 0.003 "0.00", which look like certainty. Those are written "> 0.99" and "< 0.01".
"""

from __future__ import annotations


def probability_text(p: float) -> str:
    """``0.87`` as ``"0.87"``; ``0.9967`` as ``"> 0.99"``; ``0.003`` as ``"< 0.01"``."""
    text = f"{p:.2f}"
    if text == "1.00" and p < 1:
        return "> 0.99"
    if text in ("0.00", "-0.00") and p > 0:
        return "< 0.01"
    return text
