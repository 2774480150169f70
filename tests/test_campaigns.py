"""Campaigns: clusters that share a post are one push, and repeat pairs link the pushes.

Fixture: ``tests/fixtures/coordination/posts.csv`` (real rows, see its README): three IRA accounts
during the #KochFarms hoax of 27 November 2015, and two CNN accounts posting one headline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from detector.errors import InputError
from detector.posts.calls import membership_table
from detector.posts.campaigns import CAMPAIGN_COLUMNS, build_campaigns
from detector.posts.coordination import find_clusters
from detector.posts.read import read_posts

FIXTURE = Path(__file__).parent / "fixtures" / "coordination" / "posts.csv"
KOCH = "Mitch_llLynch kirbythefamous ssus_panther"

# campaign id, kinds, clusters, accounts, posts, accounts (ids), repeat pairs, linked campaigns
EXPECTED = [
    ("campaign-ade9106db2b2", "text", "text-65dc1d3b8265", 3, 3, KOCH, 3, "campaign-dc4ae0f971b7"),
    ("campaign-dc4ae0f971b7", "text hashtags", "hashtags-f31c09cd9ca3 text-ed07d4a15731", 3, 3, KOCH, 3, "campaign-ade9106db2b2"),
    ("campaign-05d0d55fbd4b", "text url", "text-7caf261a64c3 url-e9ab677af728", 2, 2, "2097571 428333", 0, None),
]


@pytest.fixture(scope="module")
def memberships() -> tuple[pd.DataFrame, str]:
    coordination = find_clusters(read_posts(FIXTURE).posts)
    return membership_table(coordination), str(coordination.params["window"])


def test_one_push_is_one_campaign_and_repeat_pairs_link_pushes(memberships: tuple[pd.DataFrame, str]) -> None:
    m, window = memberships
    assert m["cluster_id"].nunique() == 5  # five clusters ...
    got = build_campaigns(m, window=window)
    c = got.campaigns
    assert list(c.columns) == CAMPAIGN_COLUMNS
    rows = [
        (r.campaign_id, r.kinds, r.cluster_ids, r.n_accounts, r.n_posts, r.accounts, r.repeat_pairs, None if pd.isna(r.linked_campaigns) else r.linked_campaigns)
        for r in c.itertuples(index=False)
    ]
    assert rows == EXPECTED  # ... are three campaigns, the two #KochFarms pushes linked
    koch = c.iloc[1]
    assert koch["evidence_hashtags"] == "walmart kochfarms ny turkey foodpoisoning usda"
    assert koch["evidence_text"].startswith("holy hell! that's scary!")
    assert str(koch["span_start"]) == "2015-11-27 00:38:00+00:00" and str(koch["span_end"]) == "2015-11-27 00:45:00+00:00"
    assert c.iloc[2]["evidence_url"] == "cnn.it/1Ds26xN"
    assert got.posts["ira-r599495"] == "campaign-dc4ae0f971b7"
    assert got.clusters["url-e9ab677af728"] == "campaign-05d0d55fbd4b"
    assert "553473704060284928" not in got.posts.index  # a post in no cluster is in no campaign


def test_campaigns_do_not_depend_on_row_order(memberships: tuple[pd.DataFrame, str]) -> None:
    m, window = memberships
    a = build_campaigns(m, window=window).campaigns
    b = build_campaigns(m.sample(frac=1, random_state=3), window=window).campaigns
    pd.testing.assert_frame_equal(a, b)


def test_a_long_stream_links_nothing(memberships: tuple[pd.DataFrame, str]) -> None:
    m, _ = memberships
    # With a 1-minute window every #KochFarms cluster spans more than three windows: no partners.
    c = build_campaigns(m, window="1min").campaigns
    assert c["n_linked"].tolist() == [0, 0, 0]
    assert c["repeat_pairs"].tolist() == [0, 0, 0]


def test_no_memberships_no_campaigns() -> None:
    empty = build_campaigns(pd.DataFrame(columns=["cluster_id", "kind", "account_id", "post_id", "created_at"]))
    assert empty.campaigns.empty and list(empty.campaigns.columns) == CAMPAIGN_COLUMNS
    with pytest.raises(InputError, match="post_id"):
        build_campaigns(pd.DataFrame({"cluster_id": ["a"], "kind": ["text"], "account_id": ["x"], "created_at": ["2020-01-01"]}))


def test_evidence_from_the_clusters_table_and_a_member_without_account() -> None:
    """Memberships without an evidence column take it from the clusters table; a member without an
    account id is a post of the campaign, not a named account (written out by hand)."""
    m = pd.DataFrame(
        {
            "cluster_id": ["text-1", "text-1", "url-2", "url-2", "hashtags-3", "hashtags-3"],
            "kind": ["text", "text", "url", "url", "hashtags", "hashtags"],
            "account_id": pd.array(["ana", "boris", "boris", None, "ana", "cvijeta"], dtype="string"),
            "post_id": ["p1", "p2", "p2", "p3", "p4", "p5"],
            "created_at": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 10:02", "2024-03-01 10:02", "2024-03-01 10:05", "2024-03-02 09:00", "2024-03-02 09:01"], utc=True),
        }
    )
    evidence = pd.DataFrame({"cluster_id": ["text-1", "url-2", "hashtags-3"], "evidence": ["same words", "example.com/x", "protest sutra"]})
    got = build_campaigns(m, window="10min", evidence=evidence)
    c = got.campaigns
    # text-1 and url-2 share p2: one campaign. Its three members count three accounts (the missing one
    # too, as before), and the accounts column names the two it has.
    assert c["campaign_id"].tolist() == ["campaign-79c94c51d11e", "campaign-5558a6945885"]
    assert c["n_accounts"].tolist() == [3, 2] and c["n_posts"].tolist() == [3, 2] and c["n_clusters"].tolist() == [2, 1]
    assert c["accounts"].tolist() == ["ana boris", "ana cvijeta"]
    assert c["kinds"].tolist() == ["text url", "hashtags"] and c["cluster_ids"].tolist() == ["text-1 url-2", "hashtags-3"]
    assert c["evidence_text"].fillna("-").tolist() == ["same words", "-"] and c["evidence_url"].fillna("-").tolist() == ["example.com/x", "-"]
    assert c["evidence_hashtags"].fillna("-").tolist() == ["-", "protest sutra"] and c["evidence_repost"].isna().all()
    assert str(c["span_end"].iloc[0]) == "2024-03-01 10:05:00+00:00"
    assert got.posts.to_dict() == {"p1": "campaign-79c94c51d11e", "p2": "campaign-79c94c51d11e", "p3": "campaign-79c94c51d11e", "p4": "campaign-5558a6945885", "p5": "campaign-5558a6945885"}
    assert got.clusters.to_dict() == {"hashtags-3": "campaign-5558a6945885", "text-1": "campaign-79c94c51d11e", "url-2": "campaign-79c94c51d11e"}
