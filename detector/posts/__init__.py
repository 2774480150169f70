"""The message side: read posts, normalise their text, find calls to action and coordination.

This wing owns posts: the readers that turn exports into the canonical posts table
(:mod:`.read`), text normalisation for English, Serbian (both scripts) and Albanian (:mod:`.text`),
calls to action and post scores (:mod:`.calls`) and coordinated behaviour with its evidence
(:mod:`.coordination`). It may use :mod:`detector.accounts` to score the authors.

It never imports :mod:`detector.ops` or :mod:`detector.training`: no store, no report, no cron.
"""

__all__ = ["calls", "coordination", "read", "text"]
