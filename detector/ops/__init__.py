"""What operators and cron run: collection, the store, watches, the scheduled runner, reports.

This wing owns the X collector (:mod:`.collect`), the SQLite/PostgreSQL store (:mod:`.store`),
watch definitions (:mod:`.watch`), the locked, resumable cron pipeline (:mod:`.runner`) and the
HTML/CSV/JSON reports with their plots (:mod:`.report`, :mod:`.plots`, ``templates/``).
It sits on top of :mod:`detector.posts` and :mod:`detector.accounts`.

It never holds scoring logic of its own: features, models, calls and coordination live below it.
"""

__all__ = ["collect", "plots", "report", "runner", "store", "watch"]
