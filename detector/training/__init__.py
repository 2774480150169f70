"""Building and judging account models: the training tables, analyst labels, evaluation.

This wing owns the published collections as canonical training tables (:mod:`.datasets`),
analyst-supplied labels (:mod:`.labels`) and the cross-collection evaluation (:mod:`.evaluate`).
It uses :mod:`detector.accounts` (features, model) and the core.

It never imports :mod:`detector.posts` or :mod:`detector.ops`, and nothing in the scoring path
imports it: scoring a file never needs the training data.
"""

__all__ = ["datasets", "evaluate", "labels"]
