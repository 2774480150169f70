"""Calls to action, message features and the post-scoring rule.

The English calls and the non-calls are real posts from the IRA data and PHEME. The Serbian and
Albanian calls are hand-written sentences in those languages of the kind the client's case is
about (the labelled data has no Serbian or Albanian calls to protest); each names what it tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.posts.calls import (
    SUSPICIOUS,
    UNCERTAIN,
    analyse_posts,
    author_burst,
    author_table,
    call_features,
    explain_call,
    label_for,
    message_features,
    score_posts,
)
from detector.posts.coordination import find_clusters, flagged_accounts
from detector.posts.read import canonical_posts, read_posts

FIX = Path(__file__).parent / "fixtures" / "posts"

# text, is a call, has a time, has a place
CALLS = [
    # Serbian Cyrillic and Latin
    ("Протест сутра у 18ч испред Скупштине!", True, True, True),
    ("Marš! Dođite svi sutra u 18h na Trg Republike", True, True, True),
    ("Dodjite svi na protest sutra u 18h", True, True, False),  # typed without diacritics
    ("Okupljanje sutra u 18h kod Spomenika", True, True, True),
    ("Sutra u 18 časova protestna šetnja od Studentskog trga", True, True, True),
    ("Придружите се! Скуп у суботу у 12 часова", True, True, False),
    # Albanian
    ("Ejani të gjithë në tubim nesër në ora 18 para Bashkisë", True, True, True),
    ("Dilni në protestë sot në ora 19:00 në sheshin Skënderbej", True, True, True),
    ("Protesti nesër në ora 18 para Kuvendit", True, True, True),
    ("Okupimi i sheshit do të mbahet të shtunën", True, True, True),
    # English, real IRA posts
    ("Would you like to participate in our #texit statewide rally scheduled for Nov. 5?", True, True, False),
    ("@justingeorge We need you to march with us this Saturday on Freddie Gray Anniversary Peaceful March!", True, True, False),
    ("#JusticeForMarioWoods rally will take place on Saturday, December 5th #MarioWoods #BlackLivesMatter", True, True, False),
    ("Reminder, all out for Laquan tomorrow!  REMINDER, TOMORROW!   #JUSTICEFORLAQUAN No FOP cover-up!  8am - Rally &amp; protest outside the court", True, True, True),
    ("Brothers and sisters!  Come and join our Black Unity March in Cleveland, Ohio, September 17, at 1 PM", True, True, False),
]
NOT_CALLS = [
    # Reports that name a protest but call nobody out (real IRA and PHEME posts)
    "Police are deploying tear gas on protesters in St. Louis #STLVerdict",
    "Protest na Aerodromu, traže obećane ugovore za stalno",
    "Мэрия Москвы не согласовала заявку оппозиции на марш протеста 12 декабря",
    "Arizona Senate votes to seize assets of those who plan, participate in protests that turn violent",
    "The #stl swat team has weapons drawn in #ferguson at a protest in broad daylight with media attending",
    # Albanian past tense: "the rally was held on 15 March" (mars is the month here)
    "Më 15 mars u mbajt tubimi",
    # No event at all
    "Hope you're doing fine. See you tomorrow at 6 in front of the school",
]


@pytest.mark.parametrize(("text", "call", "time", "place"), CALLS)
def test_calls_in_three_languages(text: str, call: bool, time: bool, place: bool) -> None:
    f = call_features([text]).iloc[0]
    assert bool(f["call_to_action"]) is call, explain_call(text)
    assert bool(f["cta_time"]) is time, explain_call(text)
    assert bool(f["cta_place"]) is place, explain_call(text)
    assert f["call_strength"] == 0.5 + 0.25 * time + 0.25 * place


@pytest.mark.parametrize("text", NOT_CALLS)
def test_reports_are_not_calls(text: str) -> None:
    f = call_features([text]).iloc[0]
    assert not f["call_to_action"], explain_call(text)
    assert f["call_strength"] == 0


def test_explain_call_names_the_words() -> None:
    assert explain_call("Ejani të gjithë në tubim nesër në ora 18 para Bashkisë") == {
        "event": "tubim", "invite": "ejani", "time": "neser", "place": "para bashkise",
    }
    assert explain_call("Протест сутра у 18ч испред Скупштине!") == {
        "event": "protest", "time": "sutra", "place": "ispred",
    }


def test_author_burst_counts_neighbours_per_author() -> None:
    posts = pd.DataFrame({
        "author_id": ["a", "a", "a", "b", "a"],
        "created_at": pd.to_datetime(["2020-01-01 10:00", "2020-01-01 10:30", "2020-01-01 11:31", "2020-01-01 10:10", "2020-01-01 12:00"], utc=True),
    })
    assert author_burst(posts, pd.Timedelta("1h")).tolist() == [1, 1, 1, 0, 1]
    assert author_burst(posts, pd.Timedelta("3h")).tolist() == [3, 3, 3, 0, 3]


def test_synthetic_template_ignores_the_addressee_and_the_link() -> None:
    # One account sends one message to three people, with and without a link, then another message.
    texts = [
        "@ann Would you like to join our rally on Saturday? https://t.co/aaa",
        "@bob: would you like to join our rally on Saturday?",
        "would you like to join our rally on saturday",
        "We will be at the square at noon, see you there friends",
    ]
    posts = pd.concat([_one_post(t) for t in texts], ignore_index=True).assign(
        post_id=["p1", "p2", "p3", "p4"], created_at=pd.to_datetime(["2020-01-01 10:00", "2020-01-01 11:00", "2020-01-01 12:00", "2020-01-01 13:00"], utc=True)
    )
    feats = message_features(posts)
    assert feats["self_repeats"].tolist() == [2, 2, 2, 0]


def _one_post(text: str, urls: str | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "post_id": ["p1"], "author_id": ["a"], "author_screen_name": ["a"], "text": [text],
        "created_at": pd.to_datetime(["2020-01-01"], utc=True), "repost_of": [pd.NA], "reply_to": [pd.NA],
        "urls": [urls], "hashtags": [pd.NA], "lang": ["sr"], "source_row": [1],
    })


def test_message_alone_never_makes_a_post_suspicious() -> None:
    # The strongest message: a call with time and place, urgent, with a link.
    post = _one_post("HITNO!!! Svi na protest sutra u 18h ispred Skupštine, odmah!", urls="https://example.org/x")
    scored = score_posts(post)
    row = scored.iloc[0]
    assert row["call_strength"] == 1.0 and row["urgency"] == 1.0
    assert row["score"] == pytest.approx(0.25)
    # No profile: a low score is "no evidence", not "genuine".
    assert row["label"] == "uncertain"
    assert "author not scored (no profile)" in row["reasons"]


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        # Addressing everyone is no urgency (session 12): a greeting, an invitation to all.
        ("Dobar dan svima", 0.0), ("Hello everyone, thanks to all of you", 0.0), ("Ejani të gjithë", 0.0), ("Svi na protest", 0.0),
        # Time pressure is: now, urgently, must, last chance.
        ("Dođite odmah", 0.5), ("We must act now", 1.0), ("Hitno: poslednja šansa", 1.0), ("Duhet të dalim tani", 1.0),
    ],
)
def test_urgency_is_time_pressure_not_addressing_everyone(text: str, urgency: float) -> None:
    row = score_posts(_one_post(text)).iloc[0]
    assert row["urgency"] == urgency
    assert ("urgent wording" in row["reasons"]) == (urgency >= 0.5)


def test_rule_with_author_score_matches_the_formula() -> None:
    post = _one_post("Dodjite svi odmah na protest sutra u 18h")
    accounts = pd.DataFrame({"account_id": ["a"], "score": [0.9]})
    row = score_posts(post, account_scores=accounts).iloc[0]
    assert row["urgency"] == 0.5  # "odmah" (right away); "svi" (everyone) is no urgency since session 12
    message = 0.5 * 0.75 + 0.3 * 0.5
    # the author term is the account score's excess over even odds, weight 1: 2 * 0.9 - 1 = 0.8
    expected = 1 - (1 - 0.8) * (1 - 0.25 * message)
    assert expected == pytest.approx(0.8262, abs=1e-4)
    assert row["score"] == pytest.approx(expected, abs=1e-4)
    assert row["label"] == "suspicious"
    assert row["reasons"].startswith("author account score 0.90")
    genuine = score_posts(_one_post("lunch"), account_scores=accounts.assign(score=0.05)).iloc[0]
    assert genuine["label"] == "likely-genuine"


@pytest.mark.parametrize(
    ("account", "score", "label", "reasons"),
    [
        # the account model's likely-genuine side: nothing added, and the post may be likely-genuine
        (0.05, 0.0, "likely-genuine", "no evidence found"),
        (0.19, 0.0, "likely-genuine", "no evidence found"),
        # uncertain accounts at or below even odds add nothing, and the post cannot be likely-genuine
        (0.2, 0.0, "uncertain", "author account score 0.20 (not above even odds, not counted)"),
        (0.5, 0.0, "uncertain", "author account score 0.50 (not above even odds, not counted)"),
        # above even odds: 2a - 1, so the term alone is suspicious (0.6) where the account model's label is (0.8)
        (0.7, 0.4, "uncertain", "author account score 0.70"),
        (0.79, 0.58, "uncertain", "author account score 0.79"),
        (0.8, 0.6, "suspicious", "author account score 0.80"),
        (0.95, 0.9, "suspicious", "author account score 0.95"),
    ],
)
def test_author_term_is_the_excess_over_even_odds(account: float, score: float, label: str, reasons: str) -> None:
    """A complete profile at 0.50 (the model cannot tell) adds nothing; the term grows only above it."""
    accounts = pd.DataFrame({"account_id": ["a"], "score": [account]})
    row = score_posts(_one_post("lunch"), account_scores=accounts).iloc[0]
    assert (row["score"], row["label"], row["reasons"]) == (pytest.approx(score, abs=1e-4), label, reasons)


def test_suspicious_author_threshold_is_the_account_models() -> None:
    """The author term alone reaches the post's suspicious threshold exactly at the account model's."""
    from detector.accounts.model import THRESHOLDS
    from detector.posts.calls import SUSPICIOUS, WEIGHTS, author_evidence

    assert WEIGHTS["author"] * author_evidence(np.array([THRESHOLDS["suspicious"]]))[0] == pytest.approx(SUSPICIOUS)


def test_genuine_author_threshold_is_the_account_models() -> None:
    from detector.accounts.model import THRESHOLDS
    from detector.posts.calls import GENUINE_AUTHOR

    assert GENUINE_AUTHOR == THRESHOLDS["likely_genuine"]


def test_labels_thresholds() -> None:
    assert label_for(SUSPICIOUS) == "suspicious"
    assert label_for(UNCERTAIN) == "uncertain"
    assert label_for(0.29) == "likely-genuine"
    assert label_for(0.29, author_genuine=False) == "uncertain"


def test_ira_fixture_clusters_and_scores() -> None:
    read = read_posts(FIX / "ira_calls.csv")
    result = analyse_posts(read.posts, window="10min")
    clusters = result.coordination.clusters
    got = sorted((row.kind, row.n_accounts, row.accounts) for row in clusters.itertuples())
    assert got == [
        ("repost", 3, "ALTMANCOON LISA_VOZ MILMILMILA_"),
        ("repost", 4, "BADAEVVIKTOR GUBATOVOFFICIAL IGORBEREJNEV SHERRRRLEY"),
        ("repost", 4, "GOLODOVA_DARIAN LIDMILAMA SONYANIKTO UNICORNRAINBWS"),
    ]
    scores = result.scores.set_index("post_id")
    # Posts in clusters carry their cluster ids; the others none.
    assert scores["cluster_ids"].notna().sum() == 11
    # Eight #texit invitations by one account: calls to action, templated, in a burst.
    texit = scores[scores["author_id"] == "ITSTIMETOSECEDE"]
    assert len(texit) == 8 and texit["call_to_action"].all()
    assert texit["burst"].tolist() == [7] * 8
    assert texit["self_repeats"].tolist() == [3, 3, 3, 3, 2, 2, 2, 0]
    assert texit["score"].max() == pytest.approx(0.4648, abs=1e-4)
    assert (result.scores["label"] != "likely-genuine").all()  # no profiles in the IRA CSV
    authors = result.authors.set_index("author_id")
    assert authors.loc["ITSTIMETOSECEDE", "n_posts"] == 8
    assert authors.loc["ITSTIMETOSECEDE", "n_calls"] == 8
    assert authors.loc["BADAEVVIKTOR", "coordination_score"] == 0.25
    assert np.isnan(authors.loc["BADAEVVIKTOR", "account_score"])
    m = result.memberships
    assert len(m) == 11 and {"evidence", "n_posts", "repeat_share"} <= set(m.columns)


def test_repeated_partners_outweigh_a_single_cluster() -> None:
    read = read_posts(FIX / "flat_ferguson.csv")
    coordination = find_clusters(read.posts, window="10min")
    scored = score_posts(read.posts, coordination=coordination).set_index("post_id")
    # grasswire (495464885) and YourAnonNews (279390084) posted the same texts together repeatedly.
    pair = scored.loc[scored["author_id"].isin(["495464885", "279390084"])]
    in_cluster = pair["cluster_ids"].notna()
    assert in_cluster.sum() == 5
    own = coordination.account_scores.set_index("account_id")["coordination_score"]
    expected = pair["author_id"].map(own).astype(float)
    assert (expected >= 0.5).all()  # they share clusters with the same partner repeatedly
    assert pair.loc[in_cluster, "coordination"].tolist() == expected[in_cluster].round(4).tolist()
    # Their other post is in no cluster: it gets half the author's coordination score.
    assert pair.loc[~in_cluster, "coordination"].tolist() == (expected[~in_cluster] / 2).round(4).tolist()
    lone = scored.loc[scored["author_id"] == "1398275840"]
    assert (lone["coordination"] == 0).all()


def test_synthetic_same_author_id_on_two_platforms_is_two_authors() -> None:
    # Account "42" on X and an unrelated account "42" on TikTok, each pushing one text with a
    # partner of its own platform, twice: two coordinated pairs, four authors, none merged.
    rows = []
    for day, text in ((1, "everyone to the square tomorrow at six in the evening"), (2, "bring your friends to the bridge on saturday at noon please")):
        for platform, partner in (("x", "7"), ("tiktok", "8")):
            for n, author in enumerate(("42", partner)):
                rows.append({
                    "post_id": f"{platform}-{day}-{author}", "author_id": author, "author_screen_name": f"{platform}{author}", "platform": platform,
                    "text": text, "created_at": pd.Timestamp(f"2024-05-0{day} 09:0{n}", tz="UTC"), "lang": "en",
                })  # fmt: skip
    posts = canonical_posts(pd.DataFrame(rows).assign(source_row=range(1, len(rows) + 1)))
    result = analyse_posts(posts, use_model=False, kinds=("text",))
    assert flagged_accounts(result.coordination) == {"42", "7", "tiktok:42", "tiktok:8"}
    authors = result.authors.sort_values(["platform", "author_id"])
    assert authors[["platform", "author_id", "screen_name", "n_posts", "n_clusters"]].values.tolist() == [
        ["tiktok", "42", "tiktok42", 2, 2], ["tiktok", "8", "tiktok8", 2, 2], ["x", "42", "x42", 2, 2], ["x", "7", "x7", 2, 2],
    ]
    assert (authors["coordination_score"] > 0.5).all()
    # Each post's author score is its own platform's account's.
    scores = result.scores.set_index("post_id")
    assert scores.loc["x-1-42", "coordination"] == scores.loc["tiktok-1-42", "coordination"] > 0


def test_letters_and_capitals_counted_from_bytes_equal_the_regex_counts() -> None:
    """The urgency cue's letter and capital counts (UTF-8 bytes) equal RE2's on real IRA texts and synthetic edge cases."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from detector.posts.calls import _letters_and_capitals

    real = pd.read_csv(FIX / "ira_calls.csv")["content"].dropna().tolist()
    # Synthetic: Ё/ё and Ђ are outside [А-Яа-я]; р-я sit behind the other lead byte; empty texts between others.
    synthetic = ["", "ABC def", "ПРОТЕСТ сегодня", "Ёлка ёж", "Ђорђе ђ", "рстуфхцчшщъыьэюя", "", "émoji 🚀 ÄÖÜ", "x", None]
    texts = pa.array(real + synthetic, type=pa.large_string())
    letters, capitals = _letters_and_capitals(texts, chunk=7)

    def regex_count(rx: str) -> list[int]:
        filled = pc.fill_null(texts, "")
        return pc.subtract(pc.utf8_length(filled), pc.utf8_length(pc.replace_substring_regex(filled, rx, ""))).to_pylist()

    assert letters.tolist() == regex_count(r"[A-Za-zА-Яа-я]+")
    assert capitals.tolist() == regex_count(r"[A-ZА-Я]+")
    assert list(zip(letters[len(real) :].tolist(), capitals[len(real) :].tolist(), strict=True)) == [
        (0, 0), (6, 3), (14, 7), (4, 0), (3, 0), (16, 0), (0, 0), (4, 0), (1, 0), (0, 0)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "norm",
    ["", " ", "a b", "a  b", " a b ", "a <url> b", "<url>", "a@user b @user", "a_b c-d", "x , y", "a\u200bb", "протест ,  сутра!", "a <url><url> b", "a < url> b"],
)
def test_template_gaps_replaced_as_the_plain_pattern_would(norm: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from detector.posts.calls import _TEMPLATE_GAPS, TEMPLATE_GAP

    arr = pa.array([norm], type=pa.large_string())
    assert pc.replace_substring_regex(arr, _TEMPLATE_GAPS, " ").to_pylist() == pc.replace_substring_regex(arr, TEMPLATE_GAP, " ").to_pylist()


def test_reasons_by_codes_written_out() -> None:
    """Each post's reasons, strongest first (weights written in the comments), from parts given as codes."""
    from detector.posts.calls import NO_AUTHOR, _reasons

    nan = float("nan")
    author = np.array([0.8, nan, nan, 0.1, 0.45, 0.8])
    coord = np.array([0.5, 0.0, 0.0, 0.0, 0.2, 0.1])
    notes = ["in text cluster text-abc with 3 accounts", "", "", "", "", "not in a cluster itself; author coordination 0.20"]
    feats = pd.DataFrame(
        {
            "self_repeats": [2, 0, 0, 0, 0, 0],
            "burst": [0, 0, 1, 0, 5, 0],
            "call_to_action": [False, True, False, False, False, False],
            "call_strength": [0.0, 0.75, 0.0, 0.0, 0.0, 0.0],
            "urgency": [0.0, 0.6, 0.0, 0.0, 0.0, 0.0],
            "cta_time": [False, True, False, False, False, False],
            "cta_place": [False, False, False, False, False, False],
        }
    )
    anonymous = np.array([False, True, False, False, False, False])
    held = np.array([False, False, False, False, True, False])
    want = [
        # author 0.56, coordination 0.35, template 0.19
        "author account score 0.80; in text cluster text-abc with 3 accounts; same message sent 2 more time(s) by the author within 24 h",
        # call 0.09, urgency 0.045, the missing author 0
        "call to action with time; urgent wording; " + NO_AUTHOR,
        "author not scored (no profile)",
        "no evidence found",  # an author score under 0.30 and nothing else
        # a burst of 5 0.12, then a held verdict, said but counted as nothing (no verdict, no evidence);
        # a coordination score without a note is not said
        "author posted 5 other posts within ±10 min; author profile too sparse for a verdict (account score 0.45, not counted)",
        "author account score 0.80; not in a cluster itself; author coordination 0.20",
    ]
    window = pd.Timedelta("10min")
    got = _reasons(author, coord, np.array(notes, dtype=object), feats, window, anonymous=anonymous, held=held)
    assert list(got) == want
    # The notes as codes (what _post_coordination gives) say the same.
    coded = _reasons(author, coord, pd.Categorical(notes), feats, window, anonymous=anonymous, held=held)
    assert list(coded) == want and str(pd.Series(coded).dtype) == "str"


def test_posts_without_a_time_make_no_burst_and_no_template(tmp_path: Path) -> None:
    """The IRA fixture with its times emptied (posts without a time are read since 9ef0601): the eight
    #texit invitations of ITSTIMETOSECEDE were counted as "7 other posts within ±60 min" and as a
    template "within 24 h" (every missing time read as the same instant), and made the posts suspicious.
    Without a time there is no burst and no template; the calls stay calls."""
    src = pd.read_csv(FIX / "ira_calls.csv", dtype=str, keep_default_na=False)
    src.assign(publish_date="").to_csv(tmp_path / "no_times.csv", index=False)
    posts = read_posts(tmp_path / "no_times.csv").posts
    assert posts["created_at"].isna().all() and len(posts) == 27
    feats = message_features(posts)
    assert feats["burst"].tolist() == [0] * 27
    assert feats["self_repeats"].tolist() == [0] * 27
    texit = feats[(posts["author_id"] == "ITSTIMETOSECEDE").to_numpy()]
    assert len(texit) == 8 and texit["call_to_action"].all()
    scores = score_posts(posts, features=feats)
    assert not scores["reasons"].str.contains("other posts within|same message sent").any()
    # With times, the same rows: a burst of eight and a template, as test_ira_fixture_clusters_and_scores says.
    timed = read_posts(FIX / "ira_calls.csv").posts
    assert message_features(timed)["burst"].max() == 7
    # Some posts with a time and some without: the timed ones keep their neighbours among themselves.
    mixed = timed.copy()
    texit_rows = np.flatnonzero((mixed["author_id"] == "ITSTIMETOSECEDE").to_numpy())
    mixed.loc[texit_rows[:4], "created_at"] = pd.NaT
    got = message_features(mixed)["burst"].to_numpy()
    assert got[texit_rows].tolist() == [0, 0, 0, 0, 3, 3, 3, 3]


def test_a_held_verdict_is_read_from_its_column_on_every_platform(tmp_path: Path) -> None:
    """The account model says a profile was too sparse for a verdict in ``verdict_held``. The posts job
    read it from the reasons' first words, which a Mastodon or Bluesky profile's platform note comes
    before: such a held score was counted as a verdict."""
    from detector.accounts.model import PACKAGE_MODEL, load_model
    from detector.accounts.read import read_accounts
    from detector.posts.calls import score_author_profiles

    # Synthetic profiles: two counts each, as the IRA CSV gives (too few fields for a verdict).
    f = tmp_path / "profiles.csv"
    f.write_text("account_id,screen_name,followers_count,friends_count,platform\nm1,m1,120,340,mastodon\nx1,x1,120,340,x\n", encoding="utf-8")
    profiles = read_accounts(f, as_of=pd.Timestamp("2024-05-01", tz="UTC")).accounts
    scores = score_author_profiles(profiles, load_model(PACKAGE_MODEL), lookalike=False)
    assert scores is not None
    assert scores["verdict_held"].tolist() == [True, True]
    assert scores["reasons"].iloc[0].startswith("mastodon profile scored by a model trained on X")
    assert scores["reasons"].iloc[1].startswith("too few profile fields for a verdict")
    posts = pd.concat([_one_post("lunch"), _one_post("lunch")], ignore_index=True).assign(
        post_id=["p1", "p2"], author_id=["m1", "x1"], platform=["mastodon", "x"]
    )
    scored = score_posts(posts, account_scores=scores)
    assert scored["score"].tolist() == [0.0, 0.0] and scored["label"].tolist() == ["uncertain", "uncertain"]
    a = scores["score"].map("{:.2f}".format).tolist()
    assert scored["reasons"].tolist() == [f"author profile too sparse for a verdict (account score {v}, not counted)" for v in a]
    # the author table carries the column too
    table = author_table(posts, scored, account_scores=scores)
    assert table.set_index("author_id")["account_verdict_held"].to_dict() == {"m1": True, "x1": True}
