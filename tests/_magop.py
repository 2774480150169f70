"""Posts whose authors' profiles make look-alike groups: the profiles are real, the posts synthetic.

Nine profiles of political-bots-2019 (``datasets/accounts/political-bots-2019.parquet``, shipped with
the repository): four town accounts sharing one 144-character self-description (NeedhamMAGOP,
BerkleyMAGOP, MedfieldMAGOP, RehobothMAGOP), three sharing another (WBridgewtrMAGOP, HinghamMAGOP,
BrocktonMAGOP) and two in no group (MAGOProject, BostonMAGOP). The posts, one or two per author, are
made up for these tests (synthetic: plain words about a meeting, no call to protest).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
POLITICAL_BOTS = ROOT / "datasets" / "accounts" / "political-bots-2019.parquet"
FOUR = ["NeedhamMAGOP", "BerkleyMAGOP", "MedfieldMAGOP", "RehobothMAGOP"]
THREE = ["WBridgewtrMAGOP", "HinghamMAGOP", "BrocktonMAGOP"]
NONE = ["MAGOProject", "BostonMAGOP"]
PROFILE_FIELDS = [
    "account_id", "screen_name", "name", "description", "followers_count", "friends_count", "listed_count", "favourites_count",
    "statuses_count", "created_at", "collected_at", "verified", "default_profile", "default_profile_image",
]  # fmt: skip
# The author table's look-alike columns of each author, as `detector score` finds them in a list of the nine.
EXPECTED = {
    **{name: ("L1", 4, "3 others share its description (144 characters)") for name in FOUR},
    **{name: ("L2", 3, "2 others share its description (144 characters)") for name in THREE},
    **{name: ("", 0, "") for name in NONE},
}


def magop_inputs(folder: Path) -> tuple[Path, Path]:
    """A flat posts CSV (synthetic posts by the nine authors) and their real profiles (CSV), in ``folder``."""
    bots = pd.read_parquet(POLITICAL_BOTS)
    profiles = bots[bots["screen_name"].isin(FOUR + THREE + NONE)][PROFILE_FIELDS]
    assert len(profiles) == 9
    rows = []
    for i, (ident, name) in enumerate(zip(profiles["account_id"], profiles["screen_name"], strict=True)):
        for j in range(1 + i % 2):
            rows.append({
                "post_id": f"m{i}{j}", "author_id": ident, "author_screen_name": name,
                "text": f"Town committee meeting number {i * 3 + j} this week, minutes to follow",
                "created_at": f"2019-03-{1 + i:02d}T1{j}:00:00Z",
            })  # fmt: skip
    posts_path, profiles_path = folder / "magop_posts.csv", folder / "magop_profiles.csv"
    pd.DataFrame(rows).to_csv(posts_path, index=False)
    profiles.to_csv(profiles_path, index=False)
    return posts_path, profiles_path
