"""The canonical tables every reader produces and every later stage consumes.

Readers (one per input shape) return these columns and nothing else; features, models,
coordination, the store and reports read only these. A value that the input did not carry is
missing (``NA``/``NaN``/``None``), never a silent zero.

Times are timezone-aware UTC ``datetime64[ns, UTC]``.
"""

from __future__ import annotations

# column -> pandas dtype
ACCOUNT_COLUMNS: dict[str, str] = {
    "account_id": "string",  # the input id as text; screen_name when there is no id
    "screen_name": "string",
    "name": "string",
    "description": "string",
    "followers_count": "float64",
    "friends_count": "float64",
    "listed_count": "float64",
    "favourites_count": "float64",
    "statuses_count": "float64",
    "created_at": "datetime64[ns, UTC]",  # when the account was created
    "collected_at": "datetime64[ns, UTC]",  # when the profile was observed (age is measured to it)
    "verified": "boolean",
    "default_profile": "boolean",
    "default_profile_image": "boolean",
    "profile_use_background_image": "boolean",
    "url": "string",
    "location": "string",
    "lang": "string",
    "source_row": "int64",  # 1-based record number in the input file
}

POST_COLUMNS: dict[str, str] = {
    "post_id": "string",
    "author_id": "string",
    "author_screen_name": "string",
    "text": "string",
    "created_at": "datetime64[ns, UTC]",
    "repost_of": "string",  # id of the post this one reposts (retweet), else missing
    "reply_to": "string",  # id of the post this one replies to, else missing
    "urls": "string",  # space-separated expanded URLs, else missing
    "hashtags": "string",  # space-separated hashtags in order of appearance, lower-case, no '#'
    "lang": "string",
    "source_row": "int64",
}

COUNT_FIELDS = ("followers_count", "friends_count", "listed_count", "favourites_count", "statuses_count")
BOOL_FIELDS = ("verified", "default_profile", "default_profile_image", "profile_use_background_image")
