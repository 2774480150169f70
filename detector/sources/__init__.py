"""Sources: one module per platform, each reading what analysts can export and, where an open API
allows, collecting it.

``telegram`` (Telegram Desktop exports), ``bluesky`` (AT Protocol JSON; collector with the
``atproto`` SDK), ``mastodon`` (Status JSON; collector with ``Mastodon.py``), ``tiktok`` (Research
API video JSON), ``facebook`` (Meta Content Library and CrowdTangle exports of Facebook and
Instagram posts, CSV or JSON). :mod:`detector.sources.base` holds the contract they share and the registry the
readers and the CLI use to find them. X stays in :mod:`detector.posts.read` and
:mod:`detector.ops.collect`.

This wing sits just above the core: it imports errors, schema and io, never posts, accounts or ops.
It never scores, and never stores: collectors hand pages to :mod:`detector.ops.collect`.
"""
