"""The canonical tables every reader produces and every later stage consumes.

Readers (one per input shape) return these columns and nothing else; features, models,
coordination, the store and reports read only these. A value that the input did not carry is
missing (``NA``/``NaN``/``None``), never a silent zero.

Times are timezone-aware UTC ``datetime64[ns, UTC]``.

Every row names its ``platform`` (``x``, ``telegram``, ``bluesky``, ``mastodon``, ``tiktok``, or
what a flat CSV says): ids are only unique within a platform, so the key of an account is
(platform, account_id) and of a post (platform, post_id). A row that does not say is X's.
"""

from __future__ import annotations

import pandas as pd

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
    # The owner says the account is automated (Mastodon's ``bot``); missing where a platform has
    # no such statement (X, Bluesky). Evidence of automation, not of deception.
    "bot_declared": "boolean",
    "platform": "string",
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
    "platform": "string",
    "source_row": "int64",
}

COUNT_FIELDS = ("followers_count", "friends_count", "listed_count", "favourites_count", "statuses_count")
BOOL_FIELDS = ("verified", "default_profile", "default_profile_image", "profile_use_background_image")

DEFAULT_PLATFORM = "x"


def conform(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``df`` with exactly ``columns``, in order and of their dtypes; absent columns missing.

    A missing ``platform`` is :data:`DEFAULT_PLATFORM`: inputs from before platforms were named
    are X's.
    """
    out = pd.DataFrame(index=df.index)
    for col, dtype in columns.items():
        values = df[col] if col in df.columns else pd.Series(pd.NA, index=df.index)
        if col == "platform":
            # Absent: one value repeated (not a million missing objects converted and filled).
            values = values.astype("string").fillna(DEFAULT_PLATFORM) if col in df.columns else pd.Series(DEFAULT_PLATFORM, index=df.index, dtype="string")
        if dtype.startswith("datetime64"):
            out[col] = pd.to_datetime(values, utc=True).astype(dtype)
        elif dtype == "int64":
            out[col] = values.astype("int64")
        else:
            out[col] = values.astype(dtype)
    return out.reset_index(drop=True)
