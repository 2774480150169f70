"""TikTok: video objects of the Research API's video query (``/v2/research/video/query/``).

Read: a response (``{"data": {"videos": [...], "cursor", "has_more", "search_id"}, "error"}``),
a list of videos, or JSONL of either. Per video: ``id`` (the post id; TikTok ids are numbers like
X's, which is why keys carry the platform), ``create_time`` (Unix seconds), ``username`` (the
author: the Research API names creators by username only), ``video_description`` (the text),
``hashtag_names``, ``region_code``; ``share_count``, ``like_count``, ``comment_count`` and
``view_count`` are engagement of the video, which the canonical posts table does not hold: they
stay in the raw record.

A saved response whose ``error.code`` is not ``ok`` (a throttled page) is set aside naming the
API's error: the videos of that request are missing.

Missing: the video's language, replies and reposts (the API has no such link), and profiles (the
user-info endpoint is a separate query this reader does not take). No collector: the Research
API is open to approved researchers only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from detector.io import Rejects
from detector.sources.base import (
    JSONSource,
    SourceRead,
    hashtags_in,
    joined,
    posts_table,
    register,
    unix_time,
    urls_in,
)

# A key as a key (a quoted name, then a colon): text quoting it inside a post is escaped (\").
_VIDEO_KEYS = re.compile(r'"(video_description|hashtag_names)"\s*:')


@register
class TikTok(JSONSource):
    platform = "tiktok"
    title = "TikTok Research API video query JSON"

    def sniff(self, head: str) -> bool:
        return bool(_VIDEO_KEYS.search(head))

    def read(self, path: Path, rejects: Rejects) -> SourceRead:
        rows = []
        for n, doc in self.documents(path, rejects):
            if _api_error(n, doc, rejects):
                continue
            for video in _videos(doc):
                row = _video(n, video, rejects)
                if row is not None:
                    rows.append(row)
        return SourceRead(posts_table(rows, self.platform), [], self.platform)


def _api_error(n: int, doc: Any, rejects: Rejects) -> bool:
    """A saved response whose ``error`` is not ``ok`` (a throttled page: ``rate_limit_exceeded``):
    set aside naming the API's error, since the videos of that request are missing."""
    error = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(error, dict) or str(error.get("code", "ok")) == "ok":
        return False
    data = doc.get("data")
    if isinstance(data, dict) and data.get("videos"):
        return False  # videos came with it: read them
    log_id = f" (log_id {error['log_id']})" if error.get("log_id") else ""
    why = f"the API answered an error, not videos: {error.get('code')}: {error.get('message') or ''}".rstrip(": ")
    rejects.add(n, "error.code", f"{why}{log_id}; the videos of this request are missing", doc)
    return True


def _videos(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        data = doc.get("data")
        if isinstance(data, dict) and isinstance(data.get("videos"), list):
            return list(data["videos"])
        if isinstance(doc.get("videos"), list):
            return list(doc["videos"])
    return [doc]


def _video(n: int, video: Any, rejects: Rejects) -> dict[str, Any] | None:
    if not isinstance(video, dict):
        rejects.add(n, None, "a video must be a JSON object", video)
        return None
    vid, user, when = video.get("id"), video.get("username"), unix_time(video.get("create_time"))
    for name, value in (("id", vid), ("username", user), ("create_time", when)):
        if value is None or value == "":
            rejects.add(n, name, "missing or unreadable", video)
            return None
    text = str(video.get("video_description") or "")
    tags = [str(t).lstrip("#").lower() for t in video.get("hashtag_names") or [] if t]
    return {
        "post_id": str(vid),
        "author_id": str(user),
        "author_screen_name": str(user),
        "text": text,
        "created_at": when,
        "repost_of": None,
        "reply_to": None,
        "urls": joined(urls_in(text)),
        "hashtags": joined(tags) or joined(hashtags_in(text)),
        "lang": None,
        "source_row": n,
    }
