"""One module per platform: readers of platform exports (and collectors where an open API allows).

Each source turns its platform's own shape into the canonical posts table (and accounts, where the
platform has profiles). Sources depend on the core only (:mod:`detector.errors`,
:mod:`detector.schema`, :mod:`detector.io`); the readers in :mod:`detector.posts.read` and
:mod:`detector.accounts.read` dispatch to them.

It never scores anything and never imports :mod:`detector.posts`, :mod:`detector.accounts` or
:mod:`detector.ops`.
"""

__all__: list[str] = []
