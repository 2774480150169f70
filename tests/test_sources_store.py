"""The store keeps the platform, and migrates a version-1 store in place.

fixtures/store/v1.sqlite was written by detector's version-1 store code (commit 5d219b2, with
fixtures/store/make_v1.py): two X accounts, two posts, their sightings, statuses, scores, a
cluster, a cursor, a raw page and a run. For PostgreSQL the same database is built on the real
server (.ci/run starts it) from the version-1 DDL as that code rendered it for PostgreSQL
(fixtures/store/v1_postgresql.sql) and the rows of the SQLite file.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from _store_targets import BACKENDS, store_target

from detector.errors import StoreError
from detector.ops.store import SCHEMA_VERSION, AccountStatus, open_store

FIX = Path(__file__).parent / "fixtures" / "store"
V1_COUNTS = {
    "accounts": 2, "posts": 2, "sightings": 4, "account_status": 2, "account_scores": 2, "post_scores": 1,
    "clusters": 1, "cluster_members": 2, "cursors": 1, "pages": 1, "runs": 1,
}  # fmt: skip
BOT, HUMAN = "1788990011223344556", "2244668800"


@pytest.fixture(params=BACKENDS)
def v1_target(request, tmp_path):
    """A version-1 store of each backend, holding the fixture's rows."""
    gen = store_target(request.param, tmp_path)
    target = next(gen)
    if request.param == "sqlite":
        shutil.copy(FIX / "v1.sqlite", target)
    else:
        _load_v1_postgres(target)
    yield target
    gen.close()


def _load_v1_postgres(url: str) -> None:
    import psycopg

    src = sqlite3.connect(FIX / "v1.sqlite")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((FIX / "v1_postgresql.sql").read_text(encoding="utf-8"))
        for (table,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            types = dict(conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
                [table],
            ).fetchall())
            cur = src.execute(f"SELECT * FROM {table}")
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                values = [bool(v) if v is not None and types[c] == "boolean" else v for c, v in zip(cols, row, strict=True)]
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) ON CONFLICT DO NOTHING",
                    values,
                )


def _version(target: str) -> str:
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target) as conn:
            return str(conn.execute("SELECT value FROM metadata WHERE key = 'schema_version'").fetchone()[0])
    with sqlite3.connect(target) as conn:
        return str(conn.execute("SELECT value FROM metadata WHERE key = 'schema_version'").fetchone()[0])


def test_a_version_1_store_is_migrated_in_place_and_keeps_its_history(v1_target):
    assert _version(v1_target) == "1"
    with open_store(v1_target) as s:
        assert s.schema_version == SCHEMA_VERSION == 4
        assert s.counts() == V1_COUNTS
        accounts = s.accounts()
        assert accounts[["platform", "account_id", "screen_name", "followers_count", "friends_count"]].values.tolist() == [
            ["x", BOT, "marcha_bot", 12.0, 2001.0],
            ["x", HUMAN, "vecina_real", 340.0, 280.0],
        ]
        assert accounts["bot_declared"].isna().all()  # a column version 1 did not have
        assert s.posts(source="search:#marcha")["post_id"].tolist() == ["1790327000000000001", "1790327100000000002"]
        scores = s.account_scores(latest=True)
        assert scores[["platform", "account_id", "screen_name", "score", "watch"]].values.tolist() == [
            ["x", BOT, "marcha_bot", 0.91, "marcha"],
            ["x", HUMAN, "vecina_real", 0.08, "marcha"],
        ]
        assert (scores["lookalike_group"] == "").all() and (scores["lookalike_size"] == 0).all()  # version 3's columns, empty
        assert s.clusters()["members"].tolist() == [[f"account:{BOT}", f"account:{HUMAN}"]]
        assert s.get_cursor("marcha|search:#marcha").since_id == "1790327100000000002"
        status = s.account_status()
        assert sorted(zip(status["platform"], status["account_id"], status["status"], strict=True)) == [("x", BOT, "ok"), ("x", "999", "suspended")]
    # opening again finds version 4 (the current one: version 1 goes straight to it) and changes nothing
    with open_store(v1_target) as s:
        assert s.counts() == V1_COUNTS
    assert _version(v1_target) == "4"


def test_after_migration_the_same_id_on_another_platform_is_another_row(v1_target):
    with open_store(v1_target) as s:
        clash = pd.DataFrame({
            "post_id": ["1790327000000000001"], "author_id": ["marcha.plaza"], "text": ["Todos a la plaza"],
            "created_at": [pd.Timestamp("2024-05-14T09:03:00Z")], "platform": ["tiktok"],
        })  # fmt: skip
        s.upsert_posts(clash, source="tiktok-file")
        posts = s.posts(ids=["1790327000000000001"])
        assert posts[["platform", "author_id"]].values.tolist() == [["tiktok", "marcha.plaza"], ["x", BOT]]
        assert s.posts(source="tiktok-file")["platform"].tolist() == ["tiktok"]
        s.record_statuses([AccountStatus("999", "ok", platform="mastodon")])
        status = s.account_status()
        assert sorted(zip(status["platform"], status["account_id"], status["status"], status["vanished"], strict=True)) == [
            ("mastodon", "999", "ok", False), ("x", BOT, "ok", False), ("x", "999", "suspended", False),
        ]


def test_a_failed_migration_leaves_the_version_1_store_as_it_was(v1_target):
    # A leftover table in the way makes the copy of 'posts' fail half-way through the migration.
    if v1_target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(v1_target, autocommit=True) as conn:
            conn.execute("CREATE TABLE posts_v2 (unrelated INTEGER)")
    else:
        with sqlite3.connect(v1_target) as conn:
            conn.execute("CREATE TABLE posts_v2 (unrelated INTEGER)")
    with pytest.raises(StoreError):
        open_store(v1_target)
    assert _version(v1_target) == "1"
    if v1_target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(v1_target) as conn:
            cols = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'accounts'"
            ).fetchall()]
            n = conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]
    else:
        with sqlite3.connect(v1_target) as conn:
            cols = [r[1] for r in conn.execute("PRAGMA table_info(accounts)")]
            n = conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]
    assert "platform" not in cols and n == 2  # the accounts table was rebuilt, then rolled back


def test_scores_and_clusters_keep_the_platform(tmp_path):
    with open_store(str(tmp_path / "s.sqlite")) as s:
        scores = pd.DataFrame({"account_id": ["42", "42"], "score": [0.9, 0.1], "platform": ["x", "tiktok"], "model_version": ["m", "m"]})
        s.add_account_scores(scores, run_id="r1")
        got = s.account_scores()
        assert sorted(zip(got["platform"], got["score"], strict=True)) == [("tiktok", 0.1), ("x", 0.9)]
        members = pd.DataFrame({"cluster_id": ["c1", "c1"], "member_kind": ["account", "account"], "member_id": ["42", "channel7"], "platform": ["x", "telegram"]})
        s.add_clusters(pd.DataFrame({"cluster_id": ["c1"], "kind": ["text"]}), members, run_id="r1")
        assert s.clusters()["members"].tolist() == [["account:telegram:channel7", "account:42"]]
