"""Coordination clusters, their evidence and account scores.

``tests/fixtures/coordination/posts.csv`` holds real rows: IRA tweets (``ira-2018``, Linvill &
Warren) of three accounts that posted the same texts within minutes, and PHEME source tweets
(``pheme``) of two news accounts that posted one headline together. The expected clusters are
written out below. The tests marked *synthetic* build small made-up tables for behaviours that the
real fixture cannot show on its own (a viral repost spread over hours, LSH against brute force).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.errors import ConfigError, InputError
from detector.posts.coordination import (
    CLUSTER_COLUMNS,
    MEMBERSHIP_COLUMNS,
    SCORE_COLUMNS,
    CoordinationResult,
    find_clusters,
    flagged_accounts,
)
from detector.posts.read import read_posts
from detector.posts.text import normalize_series
from detector.schema import POST_COLUMNS

FIXTURE = Path(__file__).parent / "fixtures" / "coordination" / "posts.csv"


def _posts(rows: list[tuple[str, str, str, str, str | None]]) -> pd.DataFrame:
    """A canonical posts table from (post_id, author_id, created_at, text, repost_of) rows."""
    df = pd.DataFrame(rows, columns=["post_id", "author_id", "created_at", "text", "repost_of"])
    out = pd.DataFrame({c: pd.Series(pd.NA, index=df.index, dtype="string") for c in POST_COLUMNS})
    for c in df.columns:
        out[c] = df[c]
    out["author_screen_name"] = df["author_id"]
    out["created_at"] = pd.to_datetime(df["created_at"], utc=True, format="ISO8601")
    out["source_row"] = np.arange(1, len(df) + 1)
    return out


def _summary(result: CoordinationResult) -> list[tuple[str, str, int]]:
    c = result.clusters.sort_values(["kind", "span_start", "accounts"])
    return list(zip(c["kind"], c["accounts"], c["n_posts"], strict=True))


def _same(a: CoordinationResult, b: CoordinationResult) -> None:
    pd.testing.assert_frame_equal(
        a.memberships.reset_index(drop=True), b.memberships.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        a.clusters.reset_index(drop=True), b.clusters.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        a.account_scores.reset_index(drop=True), b.account_scores.reset_index(drop=True)
    )


# ---------------------------------------------------------------- synthetic behaviours


def test_synthetic_exact_copies_make_one_text_cluster_with_evidence() -> None:
    posts = _posts(
        [
            (
                "1",
                "a",
                "2024-03-01 10:00",
                "Svi na protest ispred Skupštine u subotu u podne!",
                None,
            ),
            (
                "2",
                "b",
                "2024-03-01 10:03",
                "Сви на протест испред Скупштине у суботу у подне!",
                None,
            ),
            (
                "3",
                "c",
                "2024-03-01 10:05",
                "svi na protest ispred skupstine u subotu u podne https://t.co/x1",
                None,
            ),
            (
                "4",
                "d",
                "2024-03-01 18:00",
                "Svi na protest ispred Skupštine u subotu u podne!",
                None,
            ),
            ("5", "e", "2024-03-01 10:04", "Nešto sasvim drugo o vremenu danas u gradu", None),
        ]
    )
    res = find_clusters(posts)
    assert list(res.memberships.columns) == MEMBERSHIP_COLUMNS
    assert list(res.clusters.columns) == CLUSTER_COLUMNS
    assert list(res.account_scores.columns) == SCORE_COLUMNS
    assert _summary(res) == [("text", "a b c", 3)]
    row = res.clusters.iloc[0]
    assert row["evidence"] == "svi na protest ispred skupstine u subotu u podne!"
    assert row["similarity"] == 1.0
    assert row["span_start"] == pd.Timestamp("2024-03-01 10:00", tz="UTC")
    assert row["span_end"] == pd.Timestamp("2024-03-01 10:05", tz="UTC")
    assert row["cluster_id"].startswith("text-")
    assert res.memberships["post_id"].tolist() == ["1", "2", "3"]
    assert res.memberships["text"].iloc[1] == "Сви на протест испред Скупштине у суботу у подне!"
    scores = res.account_scores.set_index("account_id")
    # One synchronous act, no repeated partner: in a cluster, not flagged.
    assert scores.loc[["a", "b", "c", "d", "e"], "coordination_score"].tolist() == [
        0.25,
        0.25,
        0.25,
        0.0,
        0.0,
    ]
    assert flagged_accounts(res) == set()


def test_synthetic_near_duplicates_carry_their_similarity() -> None:
    base = "Të gjithë në shesh nesër në orën gjashtë për drejtësi dhe punë"
    posts = _posts(
        [
            ("1", "a", "2024-03-01 10:00", base, None),
            ("2", "b", "2024-03-01 10:01", base.replace("gjashtë", "shtatë"), None),
            ("3", "c", "2024-03-01 10:02", base + " sot", None),
        ]
    )
    res = find_clusters(posts)
    m = res.memberships.set_index("post_id")
    # 11 distinct words ("në" twice); one swapped: 10 / 12; one added: 11 / 12.
    assert m.loc[["1", "2", "3"], "similarity"].tolist() == [1.0, 0.8333, 0.9167]
    assert res.clusters["similarity"].tolist() == [0.8333]
    # At a stricter threshold the swapped word breaks the match.
    strict = find_clusters(posts, threshold=0.9)
    assert _summary(strict) == [("text", "a c", 2)]


def test_synthetic_viral_repost_hours_apart_is_not_a_cluster() -> None:
    # 30 accounts repost one post, one every 20 minutes: organic spread.
    rows = [
        (
            str(i),
            f"u{i:02d}",
            str(pd.Timestamp("2024-03-01 08:00") + pd.Timedelta(minutes=20 * i)),
            "viral",
            "999",
        )
        for i in range(30)
    ]
    res = find_clusters(_posts(rows))
    assert res.clusters.empty
    assert res.account_scores["coordination_score"].eq(0.0).all()
    # A window of an hour chains them into one cluster, still without any repeated partner.
    wide = find_clusters(_posts(rows), window="1h")
    assert _summary(wide) == [("repost", " ".join(f"u{i:02d}" for i in range(30)), 30)]
    assert flagged_accounts(wide) == set()
    assert wide.clusters["repeat_share"].tolist() == [0.0]


def test_synthetic_repeated_partners_are_flagged_crowds_are_not() -> None:
    rows = []
    # A burst of 40 strangers reposting one post in the same minute (a viral moment).
    rows += [(f"v{i}", f"crowd{i:02d}", "2024-03-01 09:00", "breaking", "777") for i in range(40)]
    # Two accounts reposting three different posts together, each time within two minutes.
    for k, post in enumerate(["101", "102", "103"]):
        t = pd.Timestamp("2024-03-02 10:00") + pd.Timedelta(hours=5 * k)
        rows.append((f"x{k}", "net1", str(t), "x", post))
        rows.append((f"y{k}", "net2", str(t + pd.Timedelta(minutes=2)), "x", post))
    res = find_clusters(_posts(rows))
    assert len(res.clusters) == 4
    scores = res.account_scores.set_index("account_id")
    assert scores.loc["net1", "max_shared"] == 3
    assert scores.loc["net1", "top_partner"] == "net2"
    assert scores.loc["net1", "coordination_score"] == 0.8125
    assert scores.loc["crowd00", "coordination_score"] == 0.25
    assert flagged_accounts(res) == {"net1", "net2"}
    share = res.clusters.set_index("evidence")["repeat_share"]
    assert share.to_dict() == {"777": 0.0, "101": 1.0, "102": 1.0, "103": 1.0}


def test_synthetic_one_post_sharing_text_url_and_tags_is_one_event() -> None:
    text = "Join the march for clean air this Saturday at noon #cleanair #march"
    rows = [
        ("1", "a", "2024-03-01 10:00", text + " https://example.org/march", None),
        ("2", "b", "2024-03-01 10:02", text + " https://www.example.org/march/", None),
    ]
    posts = _posts(rows)
    posts["urls"] = ["https://example.org/march", "https://www.example.org/march/?utm_source=tw"]
    posts["hashtags"] = ["cleanair march", "cleanair march"]
    res = find_clusters(posts)
    assert sorted(res.clusters["kind"]) == ["hashtags", "text", "url"]
    assert res.clusters.set_index("kind").loc["url", "evidence"] == "example.org/march"
    scores = res.account_scores.set_index("account_id")
    assert scores.loc["a", "n_clusters"] == 3
    assert scores.loc["a", "max_shared"] == 1  # three clusters, one act
    assert flagged_accounts(res) == set()


def test_synthetic_lsh_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(3000)]
    rows = []
    texts = []
    for doc in range(400):
        words = list(rng.choice(vocab, size=12, replace=False))
        texts.append(words)
        if doc % 4 == 0:  # a near copy: one of 12 words swapped (Jaccard 11/13)
            copy = words[:-1] + [f"x{doc}"]
            texts.append(copy)
    for i, words in enumerate(texts):
        rows.append((str(i), f"acct{i}", "2024-03-01 10:00", " ".join(words), None))
    res = find_clusters(_posts(rows), threshold=0.8)
    sets = [set(w) for w in texts]
    truth = {
        (f"acct{i}", f"acct{j}")
        for i, j in itertools.combinations(range(len(sets)), 2)
        if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= 0.8
    }
    found = {tuple(sorted(a.split())) for a in res.clusters["accounts"]}
    assert len(truth) == 100
    assert found == {tuple(sorted(p)) for p in truth}


def test_settings_are_checked() -> None:
    posts = _posts([("1", "a", "2024-03-01 10:00", "x", None)])
    with pytest.raises(ConfigError, match="one minute"):
        find_clusters(posts, window="30s")
    with pytest.raises(ConfigError, match="not a duration"):
        find_clusters(posts, window="soon")
    with pytest.raises(ConfigError, match="threshold"):
        find_clusters(posts, threshold=0)
    with pytest.raises(ConfigError, match="min_accounts"):
        find_clusters(posts, min_accounts=1)
    with pytest.raises(ConfigError, match="kinds"):
        find_clusters(posts, kinds=("likes",))
    with pytest.raises(InputError, match="author_id"):
        find_clusters(posts.drop(columns=["author_id"]))


def test_rows_without_author_or_time_are_ignored() -> None:
    posts = _posts(
        [
            ("1", "a", "2024-03-01 10:00", "x", "9"),
            ("2", "b", "2024-03-01 10:01", "x", "9"),
            ("3", "c", "2024-03-01 10:01", "x", "9"),
        ]
    )
    posts.loc[2, "author_id"] = pd.NA
    posts.loc[1, "created_at"] = pd.NaT
    res = find_clusters(posts)
    assert res.clusters.empty
    assert res.account_scores["account_id"].tolist() == ["a"]


# ---------------------------------------------------------------- real fixture


def _fixture() -> pd.DataFrame:
    read = read_posts(FIXTURE)
    assert len(read.rejects) == 0
    return read.posts


def test_real_fixture_expected_clusters() -> None:
    res = find_clusters(_fixture())
    c = res.clusters
    got = list(
        zip(
            c["kind"],
            c["accounts"],
            c["n_posts"],
            c["span_start"].dt.strftime("%Y-%m-%d %H:%M"),
            c["similarity"],
            strict=True,
        )
    )
    assert got == [
        # cnnbrk and cnni post one CNN headline with one link, five minutes apart.
        ("text", "2097571 428333", 2, "2015-01-09 15:44", 1.0),
        ("url", "2097571 428333", 2, "2015-01-09 15:44", 1.0),
        # Three IRA accounts post variants of one text within seven minutes. The first and the
        # last variant are only 0.75 alike, joined through the middle one (0.82 and 0.90).
        ("text", "Mitch_llLynch kirbythefamous ssus_panther", 3, "2015-11-27 00:06", 0.75),
        # Half an hour later the same three post another text, two of them with one tag sequence.
        ("hashtags", "Mitch_llLynch ssus_panther", 2, "2015-11-27 00:38", 1.0),
        ("text", "Mitch_llLynch kirbythefamous ssus_panther", 3, "2015-11-27 00:38", 0.9167),
    ]
    assert c["evidence"].tolist() == [
        "hostage-taker at paris store demands release of #kouachibrothers, police union spokesman says. <url> <url>",
        "cnn.it/1Ds26xN",
        "happy thanksgiving we all need to stop eating meat now #kochfarms",
        "walmart kochfarms ny turkey foodpoisoning usda",
        "holy hell! that's scary! #walmart #kochfarms #ny #turkey #foodpoisoning #usda <url>",
    ]
    m = res.memberships
    first_text = m[m["cluster_id"] == c["cluster_id"].iloc[2]]
    assert list(zip(first_text["post_id"], first_text["similarity"], strict=True)) == [
        ("ira-r708770", 1.0),
        ("ira-r599479", 0.8182),
        ("ira-r1010445", 0.75),
    ]


def test_real_fixture_scores_tell_network_from_newsroom() -> None:
    res = find_clusters(_fixture())
    s = res.account_scores.set_index("account_id")
    got = {
        a: (
            s.loc[a, "coordination_score"],
            s.loc[a, "n_clusters"],
            s.loc[a, "max_shared"],
            s.loc[a, "kinds"],
        )
        for a in s.index
    }
    assert got == {
        "2097571": (0.25, 2, 1, "text url"),  # one headline with its link: one event
        "428333": (0.25, 2, 1, "text url"),
        "Mitch_llLynch": (0.625, 3, 2, "hashtags text"),
        "kirbythefamous": (0.625, 2, 2, "text"),
        "ssus_panther": (0.625, 3, 2, "hashtags text"),
    }
    assert flagged_accounts(res) == {"Mitch_llLynch", "kirbythefamous", "ssus_panther"}
    assert (
        s.loc["kirbythefamous", "reason"]
        == "acted with Mitch_llLynch in 2 distinct events; 2 repeat partner(s)"
    )


def test_real_fixture_window_is_tunable() -> None:
    posts = _fixture()
    # At one hour cnnbrk's 16:21 post with the same link joins the link cluster.
    wide = find_clusters(posts, window="1h", kinds=("url",))
    assert list(zip(wide.clusters["accounts"], wide.clusters["n_posts"], strict=True)) == [
        ("2097571 428333", 3)
    ]
    # At one minute only Mitch_llLynch (00:38) and kirbythefamous (00:39) remain together.
    narrow = find_clusters(posts, window="1min")
    assert _summary(narrow) == [("text", "Mitch_llLynch kirbythefamous", 2)]
    # Three accounts required: only the two IRA text clusters remain.
    three = find_clusters(posts, min_accounts=3)
    assert three.clusters["kind"].tolist() == ["text", "text"]


def test_real_fixture_same_result_for_any_row_order_and_workers() -> None:
    posts = _fixture()
    base = find_clusters(posts)
    shuffled = posts.sample(frac=1.0, random_state=3).reset_index(drop=True)
    _same(base, find_clusters(shuffled))
    _same(base, find_clusters(shuffled, workers=2))
    _same(base, find_clusters(posts, workers=3))


def test_real_fixture_uses_the_callers_normalised_texts() -> None:
    posts = _fixture()
    base = find_clusters(posts)
    # Aligned by index, whatever the row order: the posts job normalises each text once.
    shuffled = posts.sample(frac=1.0, random_state=5)
    norm = normalize_series(shuffled["text"].astype("string").fillna(""))
    _same(base, find_clusters(shuffled, normalised=norm))
    _same(base, find_clusters(shuffled, normalised=norm, workers=2))
    # The forms given are the ones compared and shown, not recomputed.
    shouted = find_clusters(posts, normalised=normalize_series(posts["text"].astype("string").fillna("")).str.upper())
    text = shouted.clusters[shouted.clusters["kind"] == "text"]
    assert text["evidence"].tolist()[0] == "HOSTAGE-TAKER AT PARIS STORE DEMANDS RELEASE OF #KOUACHIBROTHERS, POLICE UNION SPOKESMAN SAYS. <URL> <URL>"


def test_synthetic_workers_give_identical_clusters_at_scale() -> None:
    # 30,000 posts: large enough for the parallel text normalisation path.
    rng = np.random.default_rng(11)
    vocab = np.array([f"rec{i}" for i in range(2000)] + ["Ђорђе", "šišanje", "Përshëndetje"])
    rows = []
    start = pd.Timestamp("2024-03-01")
    for i in range(30000):
        words = " ".join(rng.choice(vocab, size=8))
        t = start + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 3)))
        repost = str(rng.integers(0, 500)) if i % 3 == 0 else None
        rows.append((str(i), f"acct{rng.integers(0, 400)}", t.isoformat(), words, repost))
    for k in range(50):  # planted copies
        t = start + pd.Timedelta(hours=k)
        for a in range(3):
            rows.append(
                (
                    f"c{k}-{a}",
                    f"bot{a}",
                    (t + pd.Timedelta(minutes=a)).isoformat(),
                    f"planted message number {k} spread it now",
                    None,
                )
            )
    posts = _posts(rows)
    one = find_clusters(posts, workers=1)
    two = find_clusters(posts.iloc[::-1].reset_index(drop=True), workers=2)
    _same(one, two)
    assert (one.clusters["kind"] == "text").sum() >= 50
    assert flagged_accounts(one) >= {"bot0", "bot1", "bot2"}


def test_empty_input_gives_empty_tables_with_the_contract_columns() -> None:
    posts = _posts([("1", "a", "2024-03-01 10:00", "x", None)]).iloc[0:0]
    res = find_clusters(posts)
    assert list(res.memberships.columns) == MEMBERSHIP_COLUMNS
    assert list(res.clusters.columns) == CLUSTER_COLUMNS
    assert list(res.account_scores.columns) == SCORE_COLUMNS
    assert res.memberships.empty and res.clusters.empty and res.account_scores.empty


def test_synthetic_huge_crowds_do_not_make_partners() -> None:
    # 600 accounts repost two celebrity posts, each within a minute of its publication: two
    # crowds larger than PAIR_CAP (500) give clusters with evidence but no repeated partners.
    rows = []
    for k, post in enumerate(["p1", "p2"]):
        t = pd.Timestamp("2024-03-01 12:00") + pd.Timedelta(days=k)
        rows += [(f"{post}-{i}", f"fan{i:03d}", t.isoformat(), "x", post) for i in range(600)]
    res = find_clusters(_posts(rows))
    assert res.clusters["n_accounts"].tolist() == [600, 600]
    assert res.account_scores["max_shared"].eq(0).all()
    assert res.account_scores["coordination_score"].eq(0.25).all()
    assert flagged_accounts(res) == set()


def test_real_fixture_same_result_without_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where fork is unavailable (macOS, Windows) the worker is a loky process fed a pickled copy.
    import multiprocessing

    posts = _fixture()
    base = find_clusters(posts)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    _same(base, find_clusters(posts, workers=2))


def test_synthetic_fans_streaming_reposts_for_hours_make_no_partners() -> None:
    def reposts(step: pd.Timedelta) -> pd.DataFrame:
        # The same 30 fans repost each of two posts of one celebrity, one fan every `step`.
        rows = []
        for k, post in enumerate(["c1", "c2"]):
            t0 = pd.Timestamp("2024-03-01 08:00") + pd.Timedelta(days=k)
            rows += [
                (f"{post}-{i}", f"fan{i:02d}", (t0 + i * step).isoformat(), "x", post)
                for i in range(30)
            ]
        return _posts(rows)

    # One fan every 10 minutes for five hours: each post makes one long chained cluster, a
    # steady stream rather than a burst, and no fan gets a partner.
    stream = find_clusters(reposts(pd.Timedelta("10min")))
    assert stream.clusters["n_accounts"].tolist() == [30, 30]
    spans = stream.clusters["span_end"] - stream.clusters["span_start"]
    assert spans.tolist() == [pd.Timedelta("290min")] * 2
    assert stream.account_scores["max_shared"].eq(0).all()
    assert flagged_accounts(stream) == set()
    # The same fans reposting both posts within five minutes each time: a repeated burst.
    burst = find_clusters(reposts(pd.Timedelta("10s")))
    assert burst.account_scores["max_shared"].eq(2).all()
    assert flagged_accounts(burst) == {f"fan{i:02d}" for i in range(30)}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<url> join us @user at 5pm", {"join", "us", "at", "5pm"}),  # the link and mention tokens are no words
        ("a<url>b user url", {"a", "b", "user", "url"}),  # the words themselves are
        ("@users", {"s"}),  # the token goes, the rest of the handle stays (as str.replace would)
        ("ab-cd_ef  ab", {"ab", "cd", "ef"}),  # '_' joins nothing; a set holds each word once
        ("", set()),
        ("protest ž 5€ <url>", {"protest", "ž", "5"}),  # not ASCII: RE2's \pL and \pN
        ("протест сутра@user", {"протест", "сутра"}),
    ],
)
def test_synthetic_words_of_a_text(text: str, words: set[str]) -> None:
    from detector.posts.coordination import _tokenize

    # The text between two plain ones, so that a word running across texts would show.
    doc, hashes = _tokenize(pd.Series(["end1", text, "2start"], dtype="string"))
    expected = {int(h) for h in pd.util.hash_array(np.array(sorted(words), dtype=object), categorize=False)}
    assert {int(h) for h in hashes[doc == 1]} == expected
    assert len(hashes[doc == 1]) == len(words)
    assert [len(hashes[doc == 0]), len(hashes[doc == 2])] == [1, 1]


def test_cluster_ids_of_many_are_those_of_one() -> None:
    from detector.posts.coordination import _cluster_id, _cluster_ids

    # Whole seconds (written by numpy), a fraction and the edges of nanosecond time (written by isoformat).
    starts = pd.DatetimeIndex(["2017-09-07 19:52:00", "2017-09-07 19:52:00.5", "1970-01-01", "2262-01-01 00:00:01", "1677-09-22", "1969-12-31 23:59:59"], tz="UTC")
    kinds = np.array(["text", "url", "repost", "hashtags", "text", "text"], dtype=object)
    evidence = np.array(["a", "b", "c", "d", "Ђ", ""], dtype=object)
    assert _cluster_ids(kinds, evidence, starts).tolist() == [_cluster_id(k, e, t) for k, e, t in zip(kinds, evidence, starts, strict=True)]


def test_band_keys_are_each_sets_minhash_bands() -> None:
    """MinHash band keys, sets of many lengths side by side: the same as one set at a time, by hand."""
    from detector.posts import coordination as co

    rng = np.random.default_rng(7)
    lengths = [0, 1, 2, 3, 4, 5, 0, 9, 17, 3, 40, 0]  # empty sets between and at the end; several padded widths
    doc = np.repeat(np.arange(len(lengths)), lengths).astype(np.int64)
    hashes = rng.integers(0, 2**63, size=len(doc), dtype=np.uint64)
    keys = co.band_keys(doc, hashes, len(lengths))
    perm = np.random.default_rng(20181)
    n_perm = co.BANDS * co.ROWS
    a = perm.integers(1, 2**63, size=n_perm, dtype=np.uint64) | np.uint64(1)
    b = perm.integers(0, 2**63, size=n_perm, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for s, n in enumerate(lengths):
            h = hashes[doc == s]
            mins = [int((h * a[p] + b[p]).min()) if n else 2**64 - 1 for p in range(n_perm)]
            for band in range(co.BANDS):
                key = np.array([mins[band * co.ROWS]], dtype=np.uint64)
                for r in range(1, co.ROWS):
                    key = co._mix(key ^ np.array([mins[band * co.ROWS + r]], dtype=np.uint64))
                assert int(keys[s, band]) == int(key[0]), (s, band)
    # The keys decide which sets are compared, so they stay fixed across versions: the first band of
    # three small sets and four empty ones, as the version before (one reduceat per permutation) gave them.
    small = co.band_keys(np.array([0, 0, 2, 2, 2, 5], dtype=np.int64), np.arange(1, 7, dtype=np.uint64), 7)[:, 0]
    assert [hex(int(k)) for k in small] == [
        "0x37ef8852ab322fc2", "0x6a4f23d31db0626a", "0x7754c4b65eeee79d", "0x6a4f23d31db0626a",
        "0x6a4f23d31db0626a", "0x2d4023fd32507d4d", "0x6a4f23d31db0626a",
    ]  # fmt: skip
    assert co.band_keys(doc[:0], hashes[:0], 0).shape == (0, co.BANDS)


def test_urls_compared_without_scheme_www_case_and_tracking() -> None:
    """normalize_urls by hand, on the shapes its split at the first "/" must get right."""
    from detector.posts.coordination import normalize_urls

    raw = ["", "/", "a", "a/", "HTTP://WWW.X.COM/", "http://x.com/a/b?utm_source=1&b=2", "x.com?utm_a=1", "ёж.рф/путь/", "a//b", "https://t.co/AbC", "www.Example.com/B.", "?&/", "a/?utm_x=y"]
    want = ["", "", "a", "a", "x.com", "x.com/a/b?b=2", "x.com?utm_a=1", "ёж.рф/путь", "a//b", "t.co/AbC", "example.com/B", "?&", "a"]
    got = normalize_urls(pd.Series(raw, dtype="string", index=range(10, 23)))
    assert got.tolist() == want and got.index.tolist() == list(range(10, 23))
    # A missing value stays missing (pandas' partition then).
    assert normalize_urls(pd.Series(["Www.A.org/x/", None], dtype="string")).tolist()[0] == "a.org/x"
    assert normalize_urls(pd.Series(["Www.A.org/x/", None], dtype="string")).isna().tolist() == [False, True]


def test_posts_without_an_author_or_a_time_are_not_warned_of_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The reader already says that posts without an author id or a time cannot join coordination;
    coordination said it again as "N posts without post id, author or time are ignored" (the
    balkan-posts Mozetič tweets: 18,274 posts, all with ids and times, and the 121,175 Albanian
    tweets without times). It warns only of posts without a post id."""
    src = pd.read_csv(Path(__file__).parent / "fixtures" / "posts" / "ira_mariowoods_calls.csv", dtype=str, keep_default_na=False)
    src.assign(author="").to_csv(tmp_path / "anonymous.csv", index=False)
    posts = read_posts(tmp_path / "anonymous.csv").posts
    posts.loc[0, "created_at"] = pd.NaT
    with caplog.at_level("INFO", logger="detector.posts.coordination"):
        res = find_clusters(posts)
    assert res.clusters.empty
    mine = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "detector.posts.coordination"]
    assert ("INFO", "posts without an author id or a time take no part in coordination: 7") in mine
    assert [m for level, m in mine if level == "WARNING"] == []
    posts.loc[1, "post_id"] = pd.NA
    caplog.clear()
    find_clusters(posts)
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and r.name == "detector.posts.coordination"] == ["posts without a post id are ignored: 1"]


def test_distinct_codes_is_numpys_unique() -> None:
    """The stable-sort distinct values give exactly np.unique's array: runs in order, repeats, an empty array."""
    from detector.posts.coordination import distinct_codes

    keys = np.array([7, 3, 3, 9, 0, 0, 12, 5, 5, 5, -4, 2**40], dtype=np.int64)
    assert distinct_codes(keys).tolist() == [-4, 0, 3, 5, 7, 9, 12, 2**40]
    assert distinct_codes(keys).dtype == np.int64
    assert distinct_codes(np.zeros(0, dtype=np.int64)).tolist() == []
    runs = np.concatenate([np.sort(np.random.default_rng(0).integers(0, 50, 40)) + 100 * k for k in range(30)])
    assert np.array_equal(distinct_codes(runs), np.unique(runs))
