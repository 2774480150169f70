"""The message side: read posts, normalise their text, find calls to action and coordination.

This wing owns posts: the readers that turn exports into the canonical posts table
(:mod:`.read`), text normalisation for English, Serbian (both scripts) and Albanian (:mod:`.text`),
calls to action and post scores (:mod:`.calls`), the trained call classifier (:mod:`.call_model`),
what/when/where of a call (:mod:`.extract`), the language of a post (:mod:`.lang`), coordinated
behaviour with its evidence (:mod:`.coordination`), the campaigns it adds up to
(:mod:`.campaigns`), and searching a million texts for the hand-written patterns at once
(:mod:`.matching`). It may use :mod:`detector.accounts` to score the authors.

It never imports :mod:`detector.ops` or :mod:`detector.training`: no store, no report, no cron.
"""

__all__ = ["call_model", "calls", "campaigns", "coordination", "extract", "lang", "matching", "read", "text"]
