"""The history store, on SQLite always and on a real PostgreSQL server (see _store_targets)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from _store_targets import BACKENDS, store_target

from detector.errors import SchemaVersionError, StoreError
from detector.ops.store import (
    SCHEMA_VERSION,
    AccountStatus,
    Cursor,
    default_data_dir,
    open_store,
    redact_url,
    resolve_target,
)

T0 = datetime(2024, 5, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path):
    yield from store_target(request.param, tmp_path)


@pytest.fixture
def store(target):
    s = open_store(target)
    yield s
    s.close()


def accounts(**cols):
    return pd.DataFrame(cols)


# ---------------------------------------------------------------------------- schema


def test_schema_version_is_recorded_and_another_is_refused(target):
    with open_store(target) as s:
        assert s.schema_version == SCHEMA_VERSION
        s.execute("UPDATE metadata SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match=f"schema version 999; this detector uses version {SCHEMA_VERSION} and cannot read a newer store"):
        open_store(target)


def test_a_version_2_store_gains_the_lookalike_columns_and_keeps_its_scores(target):
    """Version 3 adds the look-alike evidence to account scores. A version-2 store (made here as
    version 2 made it: the same tables without the three columns) is migrated in place on opening;
    its scores read back with no group, and new scores keep their group."""
    with open_store(target) as s:
        s.upsert_accounts(accounts(account_id=["1", "2"], screen_name=["a", "b"]))
        s.add_account_scores(_scores([("1", 0.10, "human"), ("2", 0.92, "bot")]), run_id="old", scored_at=T0)
        for col in ("lookalike_group", "lookalike_size", "lookalike_evidence", "verdict_held"):
            s.execute(f"ALTER TABLE account_scores DROP COLUMN {col}")
        s.execute("UPDATE metadata SET value = '2' WHERE key = 'schema_version'")
    with open_store(target) as s:
        assert s.schema_version == SCHEMA_VERSION == 4
        old = s.account_scores(run_id="old")
        assert old[["account_id", "score", "lookalike_group", "lookalike_size", "lookalike_evidence"]].values.tolist() == [
            ["1", 0.10, "", 0, ""], ["2", 0.92, "", 0, ""],
        ]  # fmt: skip
        new = _scores([("1", 0.20, "human"), ("2", 0.90, "bot")]).assign(
            lookalike_group=["", "L1"], lookalike_size=[0, 4], lookalike_evidence=["", "3 others share its description (144 characters)"]
        )
        s.add_account_scores(new, run_id="new", scored_at=T0 + timedelta(hours=1))
        got = s.account_scores(run_id="new")
        assert got[["account_id", "lookalike_group", "lookalike_size", "lookalike_evidence"]].values.tolist() == [
            ["1", "", 0, ""], ["2", "L1", 4, "3 others share its description (144 characters)"],
        ]  # fmt: skip
    with open_store(target) as s:  # opened again: nothing to migrate
        assert s.counts()["account_scores"] == 4


def _version_3_store(target: str) -> None:
    """A store as version 3 made it: its DDL as that code rendered it (fixtures/store/v3_<dialect>.sql), and
    author scores of a run as it stored them: an IRA-CSV author whose profile verdict the account model held
    (its reasons carry the model's note) and one scored on a full profile."""
    fix = Path(__file__).parent / "fixtures" / "store"
    rows = [
        ("ITSTIMETOSECEDE", "authors-2+acct-1", "run-3", "2026-11-30T04:00:00.000000Z", 0.5465, "uncertain",
         "account model 0.53 (too few profile fields for a verdict: label held at uncertain; ↑ follows 6,292 accounts); 108 call(s) to action",
         "x", None, None, None),
        ("2244668800", "authors-2+acct-1", "run-3", "2026-11-30T04:00:00.000000Z", 0.81, "suspicious",
         "account model 0.91 (young account); coordination 0.40 in 2 cluster(s)", "x", "", 0, ""),
    ]
    cols = "account_id, model_version, run_id, scored_at, score, label, reasons, platform, lookalike_group, lookalike_size, lookalike_evidence"
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute((fix / "v3_postgresql.sql").read_text(encoding="utf-8"))
            conn.execute("INSERT INTO runs (run_id, watch, started_at, status) VALUES ('run-3', 'mitrovica', '2026-11-30T04:00:00Z', 'ok')")
            for r in rows:
                conn.execute(f"INSERT INTO account_scores ({cols}) VALUES ({', '.join(['%s'] * len(r))})", r)
        return
    conn = sqlite3.connect(target)
    conn.executescript((fix / "v3_sqlite.sql").read_text(encoding="utf-8"))
    conn.execute("INSERT INTO runs (run_id, watch, started_at, status) VALUES ('run-3', 'mitrovica', '2026-11-30T04:00:00.000000Z', 'ok')")
    conn.executemany(f"INSERT INTO account_scores ({cols}) VALUES ({', '.join(['?'] * len(rows[0]))})", rows)
    conn.commit()
    conn.close()


def test_a_version_3_store_gains_verdict_held_filled_from_the_model_note(target):
    """Version 4 keeps whether the account model held its verdict on a profile. A store written by version 3's
    DDL opens, is migrated in place, and its scores read back held exactly where their reasons carry the
    model's note; new scores keep the flag as given."""
    _version_3_store(target)
    with open_store(target) as s:
        assert s.schema_version == SCHEMA_VERSION == 4
        old = s.account_scores(run_id="run-3")
        assert old[["account_id", "score", "label", "verdict_held", "lookalike_group", "watch"]].values.tolist() == [
            ["2244668800", 0.81, "suspicious", False, "", "mitrovica"],
            ["ITSTIMETOSECEDE", 0.5465, "uncertain", True, "", "mitrovica"],
        ]  # fmt: skip
        new = _scores([("a1", 0.30, "uncertain"), ("a2", 0.70, "suspicious")]).assign(verdict_held=[True, False])
        s.add_account_scores(new, run_id="run-4", scored_at=T0)
        assert s.account_scores(run_id="run-4")["verdict_held"].tolist() == [True, False]
        s.add_account_scores(_scores([("a3", 0.2, "uncertain")]), run_id="run-5", scored_at=T0)  # no flag given: not held
        assert s.account_scores(run_id="run-5")["verdict_held"].tolist() == [False]
    with open_store(target) as s:  # opened again: nothing to migrate
        assert s.counts()["account_scores"] == 5
        latest = s.account_scores(latest=True)
        assert dict(zip(latest["account_id"], latest["verdict_held"], strict=True)) == {
            "a1": True, "a2": False, "a3": False, "2244668800": False, "ITSTIMETOSECEDE": True,
        }  # fmt: skip


def test_the_held_note_is_the_one_the_account_model_writes():
    """The migration reads a held verdict from the reasons' note: the model must still write it, exactly."""
    import detector
    from detector.accounts.model import load_model, score_accounts
    from detector.ops.store import HELD_NOTE

    partial = pd.DataFrame({"account_id": ["1"], "screen_name": ["ITSTIMETOSECEDE"], "followers_count": [1200.0], "friends_count": [6292.0]})
    got = score_accounts(partial, load_model(Path(detector.__file__).parent / "data" / "account-model.npz"))
    assert got["verdict_held"].tolist() == [True]
    assert HELD_NOTE in got["reasons"].iloc[0]


def test_opening_twice_is_harmless(target):
    with open_store(target) as s:
        s.upsert_accounts(accounts(account_id=["1"], screen_name=["a"]))
    with open_store(target) as s:
        assert s.counts()["accounts"] == 1


def test_default_location_and_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("DETECTOR_DATA_DIR", str(tmp_path / "data"))
    assert default_data_dir() == tmp_path / "data"
    assert resolve_target() == str(tmp_path / "data" / "detector.sqlite")
    assert resolve_target(data_dir=tmp_path / "x") == str(tmp_path / "x" / "detector.sqlite")
    assert redact_url("postgresql://me:s3cret@db:5432/d") == "postgresql://me:***@db:5432/d"
    with pytest.raises(StoreError, match="unsupported database URL mysql://me:\\*\\*\\*@h/d"):
        resolve_target("mysql://me:pw@h/d")


def test_unreachable_postgres_is_a_store_error_without_the_password():
    with pytest.raises(StoreError) as info:
        open_store("postgresql://me:s3cret@127.0.0.1:1/nothing")
    assert "s3cret" not in str(info.value)
    assert info.value.exit_code == 5


# ---------------------------------------------------------------------------- accounts and posts


def test_account_upserts_keep_the_newest_profile_and_never_duplicate(store):
    old = accounts(
        account_id=["10", "11"],
        screen_name=["ana", "bo"],
        followers_count=[5.0, 7.0],
        favourites_count=[3.0, None],
        collected_at=pd.to_datetime(["2024-05-01", "2024-05-01"], utc=True),
    )
    new = accounts(
        account_id=["10"],
        screen_name=["ana_new"],
        followers_count=[50.0],
        favourites_count=[None],  # the newer source lacks it: the older value stays
        collected_at=pd.to_datetime(["2024-05-10"], utc=True),
    )
    stale = accounts(account_id=["10"], screen_name=["ana_old"], followers_count=[1.0], collected_at=pd.to_datetime(["2024-04-01"], utc=True))
    store.upsert_accounts(old, seen_at=T0)
    store.upsert_accounts(new, seen_at=T0 + timedelta(hours=1))
    store.upsert_accounts(stale, seen_at=T0 + timedelta(hours=2))
    store.upsert_accounts(new, seen_at=T0 + timedelta(hours=3))
    got = store.accounts().set_index("account_id")
    assert got[["screen_name", "followers_count"]].to_dict("index") == {
        "10": {"screen_name": "ana_new", "followers_count": 50.0},
        "11": {"screen_name": "bo", "followers_count": 7.0},
    }
    assert got.loc["10", "favourites_count"] == 3.0
    assert pd.isna(got.loc["11", "favourites_count"])
    assert got.loc["10", "first_seen"] == pd.Timestamp(T0)
    assert got.loc["10", "last_seen"] == pd.Timestamp(T0 + timedelta(hours=3))
    assert str(got["collected_at"].dtype) == "datetime64[ns, UTC]"


def test_an_older_profile_gives_what_the_newer_one_lacks(store):
    """A counts-only observation (the IRA CSV's followers and following at a later post) stored
    first, then a full profile collected before it: the counts stay the newer ones, the creation
    time and name come from the older one (they were lost: an older observation changed nothing)."""
    partial = accounts(account_id=["10_GOP"], screen_name=["10_GOP"], followers_count=[4667.0], friends_count=[1018.0],
                       collected_at=pd.to_datetime(["2017-09-16 03:31"], utc=True))  # fmt: skip
    full = accounts(account_id=["10_GOP"], screen_name=["10_GOP"], name=["Tennessee GOP"], followers_count=[136000.0],
                    created_at=pd.to_datetime(["2015-08-01 03:31"], utc=True), collected_at=pd.to_datetime(["2016-11-01 03:31"], utc=True))  # fmt: skip
    store.upsert_accounts(partial, seen_at=T0)
    store.upsert_accounts(full, seen_at=T0 + timedelta(hours=1))
    got = store.accounts().set_index("account_id").loc["10_GOP"]
    assert (got["followers_count"], got["friends_count"], got["name"]) == (4667.0, 1018.0, "Tennessee GOP")
    assert (got["created_at"], got["collected_at"]) == (pd.Timestamp("2015-08-01 03:31", tz="UTC"), pd.Timestamp("2017-09-16 03:31", tz="UTC"))


def test_posts_and_sightings_per_source(store):
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2"],
            "author_id": ["10", "11"],
            "text": ["a #marcha", "b"],
            "created_at": pd.to_datetime(["2024-05-14T08:00Z", "2024-05-14T08:01Z"], utc=True),
            "hashtags": ["marcha", None],
            "raw": [{"id": "p1"}, None],
        }
    )
    store.upsert_posts(posts, source="search:#marcha", seen_at=T0)
    store.upsert_posts(posts.iloc[:1], source="timeline:10", seen_at=T0 + timedelta(hours=1))
    store.upsert_posts(posts, source="search:#marcha", seen_at=T0)
    assert store.counts()["posts"] == 2
    assert store.counts()["sightings"] == 3
    assert list(store.posts(source="timeline:10")["post_id"]) == ["p1"]
    later = T0 + timedelta(minutes=30)
    assert list(store.posts(since=later)["post_id"]) == ["p1"]
    assert store.posts(source="search:#marcha", since=later).empty
    got = store.posts(["p1"]).iloc[0]
    assert (got.text, got.hashtags, got.raw) == ("a #marcha", "marcha", '{"id": "p1"}')
    assert store.posts([]).empty


def test_a_vanished_account_is_data(store):
    store.upsert_accounts(accounts(account_id=["42"], screen_name=["gone_soon"]))
    store.record_statuses([AccountStatus("42", "ok", "gone_soon")], observed_at=T0)
    store.record_statuses([AccountStatus("42", "ok", "gone_soon")], observed_at=T0 + timedelta(days=1))
    # looked up by username later: filed under the known id
    store.record_statuses(
        [AccountStatus("gone_soon", "suspended", "gone_soon", "User has been suspended: [gone_soon].")],
        observed_at=T0 + timedelta(days=2),
    )
    store.record_statuses([AccountStatus("never_seen", "not_found", "never_seen")], observed_at=T0 + timedelta(days=2))
    st = store.account_status().set_index(["account_id", "status"]).sort_index()
    assert st["vanished"].to_dict() == {("42", "ok"): False, ("42", "suspended"): True, ("never_seen", "not_found"): False}
    assert st.loc[("42", "ok"), "last_observed"] == pd.Timestamp(T0 + timedelta(days=1))
    assert len(store.account_status(since=T0 + timedelta(days=2))) == 2
    with pytest.raises(StoreError, match="unknown account status 'deleted'"):
        store.record_statuses([AccountStatus("1", "deleted")])


# ---------------------------------------------------------------------------- scores and runs


def _scores(pairs, version="m1"):
    return pd.DataFrame(
        {
            "account_id": [a for a, _, _ in pairs],
            "score": [s for _, s, _ in pairs],
            "label": [lab for _, _, lab in pairs],
            "reasons": [["young account", "no bio"]] * len(pairs),
            "model_version": version,
        }
    )


def test_score_history_runs_and_what_changed(store):
    store.upsert_accounts(accounts(account_id=["1", "2", "3"], screen_name=["a", "b", "c"]))
    r1 = store.start_run("marcha", run_id="run1", started_at=T0)
    store.add_account_scores(_scores([("1", 0.10, "human"), ("2", 0.92, "bot")]), run_id=r1, scored_at=T0)
    # a resumed run scores again: replaced, not added
    store.add_account_scores(_scores([("1", 0.10, "human"), ("2", 0.92, "bot")]), run_id=r1, scored_at=T0)
    store.finish_run(r1)
    r2 = store.start_run("marcha", run_id="run2", started_at=T0 + timedelta(hours=1))
    assert store.unfinished_run("marcha") == "run2"
    store.add_account_scores(_scores([("1", 0.81, "bot"), ("3", 0.40, "uncertain")]), run_id=r2, scored_at=T0 + timedelta(hours=1))
    store.finish_run(r2)
    assert store.unfinished_run("marcha") is None
    assert store.previous_run("run2") == "run1"
    assert store.previous_run("run1") is None
    assert store.counts()["account_scores"] == 4

    latest = store.account_scores(watch="marcha", latest=True).set_index("account_id")
    assert latest[["score", "run_id"]].to_dict("index") == {
        "1": {"score": 0.81, "run_id": "run2"},
        "2": {"score": 0.92, "run_id": "run1"},
        "3": {"score": 0.40, "run_id": "run2"},
    }
    assert latest.loc["1", "reasons"] == "young account; no bio"
    since = store.account_scores(since=T0 + timedelta(minutes=30))
    assert sorted(since["account_id"]) == ["1", "3"]
    assert store.account_scores(watch="other").empty

    changes = store.score_changes("run2").set_index("account_id")
    assert changes[["state", "previous_label", "label"]].fillna("-").to_dict("index") == {
        "1": {"state": "changed", "previous_label": "human", "label": "bot"},
        "2": {"state": "gone", "previous_label": "bot", "label": "-"},
        "3": {"state": "new", "previous_label": "-", "label": "uncertain"},
    }
    assert changes.loc["1", "change"] == pytest.approx(0.71)
    assert changes.loc["2", "screen_name"] == "b"


def test_post_scores_and_clusters_since(store):
    store.upsert_posts(pd.DataFrame({"post_id": ["p1", "p2"], "author_id": ["1", "2"], "text": ["x", "y"]}))
    run = store.start_run("marcha", run_id="r", started_at=T0)
    ps = pd.DataFrame({"post_id": ["p1", "p2"], "score": [0.2, 0.7], "label": ["ok", "call"], "reasons": ["", "call to action"]})
    store.add_post_scores(ps, run_id=run, scored_at=T0, model_version="calls-1")
    store.add_post_scores(ps, run_id=run, scored_at=T0, model_version="calls-1")
    assert store.counts()["post_scores"] == 2
    assert list(store.post_scores(watch="marcha")["author_id"]) == ["1", "2"]

    clusters = pd.DataFrame({"cluster_id": ["c1"], "kind": ["text"], "score": [0.9], "evidence": [{"text": "same words"}]})
    members = pd.DataFrame({"cluster_id": ["c1", "c1", "c1"], "member_kind": ["account", "account", "post"], "member_id": ["1", "2", "p2"]})
    for _ in range(2):
        store.add_clusters(clusters, members, run_id=run, detected_at=T0)
    assert (store.counts()["clusters"], store.counts()["cluster_members"]) == (1, 3)
    got = store.clusters(since=T0 - timedelta(hours=1), watch="marcha")
    assert got[["cluster_id", "kind", "size", "watch"]].to_dict("records") == [
        {"cluster_id": "c1", "kind": "text", "size": 3, "watch": "marcha"}
    ]
    assert got.loc[0, "members"] == ["account:1", "account:2", "post:p2"]
    assert got.loc[0, "evidence"] == '{"text": "same words"}'
    assert store.clusters(since=T0 + timedelta(hours=1)).empty


def test_scores_need_a_model_version(store):
    with pytest.raises(StoreError, match="no model_version"):
        store.add_account_scores(pd.DataFrame({"account_id": ["1"], "score": [0.5]}))


# ---------------------------------------------------------------------------- cursors, pages


def test_cursors_and_pages_round_trip(store, tmp_path):
    assert store.get_cursor("search:x") is None
    with store.transaction():
        store.save_cursor(Cursor("search:x", "tok2", "99", {"params": {"start_time": "2024-05-13T00:00:00+00:00"}}))
        store.save_page("search:x", "|000000", {"data": [{"id": "1", "text": "a\nb"}]}, fetched_at=T0)
    c = store.get_cursor("search:x")
    assert (c.next_token, c.since_id, c.state) == ("tok2", "99", {"params": {"start_time": "2024-05-13T00:00:00+00:00"}})
    store.save_page("search:x", "|000000", {"data": [{"id": "1", "text": "a\nb"}]}, fetched_at=T0)
    out = tmp_path / "pages.jsonl"
    assert store.export_pages(str(out), source="search:x") == 1
    assert out.read_text(encoding="utf-8") == '{"data": [{"id": "1", "text": "a\\nb"}]}\n'
    store.delete_cursor("search:x")
    assert store.get_cursor("search:x") is None


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_accounts(accounts(account_id=["1"], screen_name=["a"]))
        store.save_cursor(Cursor("k", "t"))
        raise RuntimeError("killed half-way")
    assert store.counts()["accounts"] == 0
    assert store.get_cursor("k") is None


_KILL_IN_TRANSACTION = """
import os, signal, sys
import pandas as pd
from detector.ops.store import Cursor, open_store

s = open_store(sys.argv[1])
with s.transaction():
    s.upsert_accounts(pd.DataFrame({"account_id": ["1"], "screen_name": ["kept"]}))
    s.save_cursor(Cursor("k", "page2"))
with s.transaction():
    s.upsert_accounts(pd.DataFrame({"account_id": ["2"], "screen_name": ["lost"]}))
    s.save_cursor(Cursor("k", "page3"))
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_sigkill_inside_a_transaction_keeps_the_last_committed_state(target):
    proc = subprocess.run([sys.executable, "-c", _KILL_IN_TRANSACTION, target], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with open_store(target) as s:
        assert list(s.accounts()["screen_name"]) == ["kept"]
        assert s.get_cursor("k").next_token == "page2"
