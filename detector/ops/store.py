"""The history store: what was collected, scored and found, run after run.

This module owns the database: SQLite by default (one file under the data directory), PostgreSQL
when given a ``postgresql://`` URL. It creates its schema idempotently, records the schema version
in ``metadata``, migrates a database of an older version in place (in one transaction, so a
failed migration leaves the old database as it was) and refuses one of a newer version. Every
write is an upsert on a natural
key inside a transaction, so collecting or scoring the same thing twice never duplicates it, and a
process killed in the middle of a write leaves the last committed state behind. Times are UTC.

It never talks to the X API (see :mod:`detector.ops.collect`), never scores anything and never renders
a report: it stores and answers queries.

Ids collide across platforms (a TikTok video and a tweet can share a number), so every key of an
account or a post includes its ``platform`` (``x`` unless said otherwise; version 1 held X only).

Tables
------
metadata(key, value)                        ``schema_version``
accounts(platform, account_id, …, raw, first_seen, last_seen)
                                            latest profile per account (canonical columns)
posts(platform, post_id, …, raw, first_seen, last_seen)
sightings(kind, platform, item_id, source, …)
                                            which collection (search, timeline, lookup) saw what
account_status(platform, account_id, status, …)
                                            ok / suspended / not_found / forbidden / protected, with
                                            first and last time observed: a vanished account is data
account_scores(platform, account_id, model_version, run_id, scored_at, score, label, reasons,
               lookalike_group, lookalike_size, lookalike_evidence, verdict_held)
                                            the look-alike group of the run's authors the account was
                                            in, if any (evidence; version 3); whether the account
                                            model's verdict on the profile was held for too few
                                            fields (version 4)
post_scores(platform, post_id, model_version, run_id, scored_at, score, label, reasons)
clusters(run_id, cluster_id, kind, detected_at, size, score, evidence)
cluster_members(run_id, cluster_id, member_kind, platform, member_id)
cursors(key, next_token, since_id, state, updated_at)
                                            where an interrupted collection resumes
pages(source, page_key, fetched_at, payload)
                                            raw X API v2 responses, for offline re-reading
runs(run_id, watch, started_at, finished_at, status, detail)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from detector.errors import SchemaVersionError, StoreError, redact
from detector.io import atomic_path, default_data_dir
from detector.schema import ACCOUNT_COLUMNS, POST_COLUMNS

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
DEFAULT_PLATFORM = "x"
DB_FILENAME = "detector.sqlite"

STATUSES = ("ok", "suspended", "not_found", "forbidden", "protected", "error")

_SQL_TYPES = {
    "sqlite": {"text": "TEXT", "ts": "TEXT", "float": "REAL", "bool": "INTEGER", "int": "INTEGER"},
    "postgresql": {
        "text": "TEXT",
        "ts": "TIMESTAMPTZ",
        "float": "DOUBLE PRECISION",
        "bool": "BOOLEAN",
        "int": "BIGINT",
    },
}
_DTYPE_KIND = {"string": "text", "float64": "float", "datetime64[ns, UTC]": "ts", "boolean": "bool", "int64": "int"}

# Canonical columns kept in the store (source_row only means something inside one input file).
_ACCOUNT_FIELDS = [c for c in ACCOUNT_COLUMNS if c != "source_row"]
_POST_FIELDS = [c for c in POST_COLUMNS if c != "source_row"]


def _table(name: str, columns: Sequence[tuple[str, str]], key: str) -> str:
    cols = ",\n  ".join(f"{col} {{{kind}}}" for col, kind in columns)
    return f"CREATE TABLE IF NOT EXISTS {name} (\n  {cols},\n  PRIMARY KEY ({key})\n)"


def _canonical(fields: list[str], dtypes: dict[str, str]) -> list[tuple[str, str]]:
    return [(f, _DTYPE_KIND[dtypes[f]]) for f in fields]


_SEEN = [("raw", "text"), ("first_seen", "ts"), ("last_seen", "ts")]
_SCORE = [("model_version", "text"), ("run_id", "text"), ("scored_at", "ts"), ("score", "float"), ("label", "text"), ("reasons", "text")]
# The look-alike evidence of an account score (detector.accounts.lookalike), added in version 3.
_LOOKALIKE = [("lookalike_group", "text"), ("lookalike_size", "int"), ("lookalike_evidence", "text")]
# Version 4: the account model held its verdict on the profile (too few fields: its score is no evidence either
# way; detector.accounts.model.score_accounts' ``verdict_held``, the author table's ``account_verdict_held``).
_HELD = [("verdict_held", "bool")]
# The note the account model's reasons start with exactly when it holds a verdict (detector.accounts.model): a
# version-3 score was held when its reasons carry it, which is how the migration fills the new column.
HELD_NOTE = "too few profile fields for a verdict"

_DDL = [
    _table("metadata", [("key", "text"), ("value", "text")], "key"),
    _table("accounts", _canonical(_ACCOUNT_FIELDS, ACCOUNT_COLUMNS) + _SEEN, "platform, account_id"),
    _table("posts", _canonical(_POST_FIELDS, POST_COLUMNS) + _SEEN, "platform, post_id"),
    _table(
        "sightings",
        [("kind", "text"), ("item_id", "text"), ("source", "text"), ("first_seen", "ts"), ("last_seen", "ts"), ("platform", "text")],
        "kind, platform, item_id, source",
    ),
    _table(
        "account_status",
        [
            ("account_id", "text"),
            ("status", "text"),
            ("screen_name", "text"),
            ("detail", "text"),
            ("first_observed", "ts"),
            ("last_observed", "ts"),
            ("platform", "text"),
        ],
        "platform, account_id, status",
    ),
    _table("account_scores", [("account_id", "text")] + _SCORE + [("platform", "text")] + _LOOKALIKE + _HELD, "platform, account_id, model_version, run_id"),
    _table("post_scores", [("post_id", "text")] + _SCORE + [("platform", "text")], "platform, post_id, model_version, run_id"),
    _table(
        "clusters",
        [
            ("run_id", "text"),
            ("cluster_id", "text"),
            ("kind", "text"),
            ("detected_at", "ts"),
            ("size", "int"),
            ("score", "float"),
            ("evidence", "text"),
        ],
        "run_id, cluster_id",
    ),
    _table(
        "cluster_members",
        [("run_id", "text"), ("cluster_id", "text"), ("member_kind", "text"), ("member_id", "text"), ("platform", "text")],
        "run_id, cluster_id, member_kind, platform, member_id",
    ),
    _table(
        "cursors",
        [("key", "text"), ("next_token", "text"), ("since_id", "text"), ("state", "text"), ("updated_at", "ts")],
        "key",
    ),
    _table(
        "pages",
        [("source", "text"), ("page_key", "text"), ("fetched_at", "ts"), ("payload", "text")],
        "source, page_key",
    ),
    _table(
        "runs",
        [
            ("run_id", "text"),
            ("watch", "text"),
            ("started_at", "ts"),
            ("finished_at", "ts"),
            ("status", "text"),
            ("detail", "text"),
        ],
        "run_id",
    ),
    "CREATE INDEX IF NOT EXISTS account_scores_time ON account_scores (scored_at)",
    "CREATE INDEX IF NOT EXISTS post_scores_time ON post_scores (scored_at)",
    "CREATE INDEX IF NOT EXISTS clusters_time ON clusters (detected_at)",
    "CREATE INDEX IF NOT EXISTS runs_watch ON runs (watch, started_at)",
    "CREATE INDEX IF NOT EXISTS pages_time ON pages (fetched_at)",
    "CREATE INDEX IF NOT EXISTS accounts_screen_name ON accounts (screen_name)",
]

# Tables whose key gained the platform in version 2, with the key columns of version 1.
_KEYED_BY_PLATFORM = {
    "accounts": ("account_id",),
    "posts": ("post_id",),
    "sightings": ("kind", "item_id", "source"),
    "account_status": ("account_id", "status"),
    "account_scores": ("account_id", "model_version", "run_id"),
    "post_scores": ("post_id", "model_version", "run_id"),
    "cluster_members": ("run_id", "cluster_id", "member_kind", "member_id"),
}

_TS_COLUMNS = {
    "created_at",
    "collected_at",
    "first_seen",
    "last_seen",
    "first_observed",
    "last_observed",
    "scored_at",
    "detected_at",
    "updated_at",
    "fetched_at",
    "started_at",
    "finished_at",
}


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, safe to log or show."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc(value: Any) -> datetime | None:
    """A timezone-aware UTC ``datetime`` from a datetime, Timestamp or ISO text; ``None`` if missing.

    A naive value is taken to be UTC already.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        if pd.isna(value):
            return None
        raise StoreError(f"not a time: {value!r}")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass
class Cursor:
    """Where a collection stands: the page token to ask for next and the newest id already held.

    ``next_token`` is set while a paginated collection is under way and cleared when it finishes;
    ``since_id`` is the newest post id of the last completed pass, so the next pass asks only for
    newer posts. ``state`` holds anything else the collector needs (e.g. the next lookup batch).
    """

    key: str
    next_token: str | None = None
    since_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


@dataclass(frozen=True)
class AccountStatus:
    """One observation of an account's state, e.g. suspended, as the API reported it."""

    account_id: str
    status: str
    screen_name: str | None = None
    detail: str | None = None
    platform: str = DEFAULT_PLATFORM



def _where(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """``" WHERE a = ? AND …"`` for the conditions whose value is given, and their parameters."""
    given = [(sql, value) for sql, value in conditions if value is not None]
    cond = (" WHERE " + " AND ".join(sql for sql, _ in given)) if given else ""
    return cond, [value for _, value in given]

class Store:
    """A connection to the history store.

    Use :func:`open_store` to get one. It is a context manager; :meth:`close` releases it.

    Parameters
    ----------
    target : str
        A ``postgresql://`` URL, a ``sqlite:///path`` URL, or a path to a SQLite file.
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self._depth = 0
        if target.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgresql"
            self._conn: Any = self._connect_postgres(target)
            self.location = redact_url(target)
        else:
            self.dialect = "sqlite"
            path = target[len("sqlite:///") :] if target.startswith("sqlite:///") else target
            self.path = Path(path).expanduser()
            self.location = str(self.path)
            self._conn = self._connect_sqlite(self.path)
        self._ensure_schema()

    # -- connection ---------------------------------------------------------------------------

    @staticmethod
    def _connect_postgres(url: str) -> Any:
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError(
                "PostgreSQL needs the psycopg package: pip install 'detector[postgres]'"
            ) from exc
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {redact_url(url)}: {exc}") from exc

    @staticmethod
    def _connect_sqlite(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            # WAL: readers (a report) never block the writer (a collection); NORMAL sync is safe
            # against a killed process, which is the failure a cron job meets.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            return conn
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the SQLite store {path}: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    # -- low-level SQL ------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def _param(self, value: Any) -> Any:
        """One Python value as this database stores it."""
        if value is None:
            return None
        if isinstance(value, (datetime, pd.Timestamp)):
            ts = to_utc(value)
            if ts is None:
                return None
            return ts if self.dialect == "postgresql" else ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
            value = value.item()
        if isinstance(value, float) and value != value:  # NaN
            return None
        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, bool) and self.dialect == "sqlite":
            return int(value)
        return value

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement with ``?`` placeholders; return its rows (empty for writes)."""
        try:
            cur = self._conn.execute(self._sql(sql), [self._param(p) for p in params])
            return list(cur.fetchall()) if cur.description else []
        except Exception as exc:
            raise StoreError(f"{self.location}: {exc}") from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        batch = [[self._param(p) for p in row] for row in rows]
        if not batch:
            return 0
        try:
            if self.dialect == "postgresql":
                with self._conn.cursor() as cur:
                    cur.executemany(self._sql(sql), batch)
            else:
                self._conn.executemany(sql, batch)
        except Exception as exc:
            raise StoreError(f"{self.location}: {exc}") from exc
        return len(batch)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Everything inside commits together or not at all. Nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.dialect == "postgresql":
                with self._conn.transaction():
                    yield self
            else:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.location}: {exc}") from exc
        finally:
            self._depth = 0

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query and return a DataFrame; time columns come back as UTC datetimes."""
        try:
            cur = self._conn.execute(self._sql(sql), [self._param(p) for p in params])
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        except Exception as exc:
            raise StoreError(f"{self.location}: {exc}") from exc
        df = pd.DataFrame(rows, columns=names)
        for col in names:
            if col in _TS_COLUMNS:
                df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601").astype("datetime64[ns, UTC]")
        return df

    # -- schema -------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        types = _SQL_TYPES[self.dialect]
        found = self._schema_version()
        if found == "1":
            self._migrate_from_1()  # straight to the current version: the tables are rebuilt as they are now
        elif found in ("2", "3"):
            self._migrate_columns(found)
        elif found is not None and found != str(SCHEMA_VERSION):
            raise SchemaVersionError(
                f"{self.location} was created by schema version {found}; this detector uses "
                f"version {SCHEMA_VERSION} and cannot read a newer store. Upgrade detector, or use another --db."
            )
        with self.transaction():
            if self.dialect == "postgresql":
                # Two processes creating the schema at once would collide in PostgreSQL's catalog.
                self.execute("SELECT pg_advisory_xact_lock(4242001)")
            for ddl in _DDL:
                self.execute(ddl.format(**types))
            self.execute(
                "INSERT INTO metadata (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO NOTHING",
                [str(SCHEMA_VERSION)],
            )

    def _migrate_from_1(self) -> None:
        """Version 1 to 2, in place and in one transaction: the platform joins every account and
        post key. Version 1 held X only, so its rows become ``platform = 'x'``.

        Each keyed table is rebuilt (SQLite cannot change a primary key in place): the version-2
        table is made beside it, the rows are copied, the old table is dropped and the new one
        renamed. A failure anywhere rolls all of it back and leaves the version-1 store as it was.
        """
        types = _SQL_TYPES[self.dialect]
        ddl = {stmt.split()[5]: stmt for stmt in _DDL if stmt.startswith("CREATE TABLE")}
        with self.transaction():
            if self.dialect == "postgresql":
                self.execute("SELECT pg_advisory_xact_lock(4242001)")
            if self._schema_version() != "1":
                return  # another process migrated it while this one waited for the lock
            for table in _KEYED_BY_PLATFORM:
                old = self._columns(table)
                if not old:
                    continue
                staged = f"{table}_v2"
                self.execute(ddl[table].replace(f"EXISTS {table} (", f"EXISTS {staged} (", 1).format(**types))
                keep = [c for c in self._columns(staged) if c in old]
                cols = ", ".join(keep)
                self.execute(f"INSERT INTO {staged} ({cols}, platform) SELECT {cols}, '{DEFAULT_PLATFORM}' FROM {table}")
                self.execute(f"DROP TABLE {table}")
                self.execute(f"ALTER TABLE {staged} RENAME TO {table}")
            if self._columns("account_scores"):
                self._fill_held()
            self.execute("UPDATE metadata SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        log.warning("%s: migrated the store from schema version 1 to %d (rows kept, platform 'x')", self.location, SCHEMA_VERSION)

    def _migrate_columns(self, found: str) -> None:
        """Version 2 or 3 to the current one, in place and in one transaction: account scores gain the
        columns added since (version 3: the look-alike evidence, empty for older scores, since no group was
        looked for then; version 4: ``verdict_held``, filled by :meth:`_fill_held`)."""
        types = _SQL_TYPES[self.dialect]
        added = {"2": _LOOKALIKE + _HELD, "3": _HELD}[found]
        with self.transaction():
            if self.dialect == "postgresql":
                self.execute("SELECT pg_advisory_xact_lock(4242001)")
            if self._schema_version() != found:
                return  # another process migrated it while this one waited for the lock
            have = self._columns("account_scores")
            for col, kind in added:
                if have and col not in have:
                    self.execute(f"ALTER TABLE account_scores ADD COLUMN {col} {types[kind]}")
            if have:
                self._fill_held()
            self.execute("UPDATE metadata SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        log.warning(
            "%s: migrated the store from schema version %s to %d (account scores gain %s; rows kept)",
            self.location, found, SCHEMA_VERSION, ", ".join(c for c, _ in added),
        )

    def _fill_held(self) -> None:
        """``verdict_held`` of the scores stored before the store kept it: held when the reasons carry the
        note the account model writes exactly when it holds a verdict (:data:`HELD_NOTE`), else not."""
        self.execute(
            "UPDATE account_scores SET verdict_held = (COALESCE(reasons, '') LIKE ?) WHERE verdict_held IS NULL",
            [f"%{HELD_NOTE}%"],
        )

    def _columns(self, table: str) -> list[str]:
        """The columns of ``table`` in order; empty when there is no such table."""
        if self.dialect == "postgresql":
            rows = self.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position",
                [table],
            )
        else:
            rows = [(r[1],) for r in self.execute(f"PRAGMA table_info({table})")]
        return [str(r[0]) for r in rows]

    def _schema_version(self) -> str | None:
        if self.dialect == "postgresql":
            exists = self.execute("SELECT to_regclass('metadata') IS NOT NULL")[0][0]
        else:
            exists = bool(
                self.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='metadata'")
            )
        if not exists:
            return None
        rows = self.execute("SELECT value FROM metadata WHERE key = 'schema_version'")
        return rows[0][0] if rows else None

    @property
    def schema_version(self) -> int:
        version = self._schema_version()
        return int(version) if version is not None else SCHEMA_VERSION

    # -- accounts and posts -------------------------------------------------------------------

    def upsert_accounts(
        self, accounts: pd.DataFrame, *, source: str | None = None, seen_at: datetime | None = None
    ) -> int:
        """Insert or update canonical accounts; return how many rows were written.

        The newest profile (by ``collected_at``) wins; a field the newer profile lacks keeps its
        older value, whichever came first. ``first_seen`` never changes after the first write. A ``raw`` column (the API
        object, dict or JSON text) is kept when present. ``source`` (e.g. ``search:#march``) is
        recorded as a sighting.
        """
        return self._upsert_items("accounts", "account_id", _ACCOUNT_FIELDS, "account", accounts, source, seen_at)

    def upsert_posts(
        self, posts: pd.DataFrame, *, source: str | None = None, seen_at: datetime | None = None
    ) -> int:
        """Insert or update canonical posts; same rules as :meth:`upsert_accounts`."""
        return self._upsert_items("posts", "post_id", _POST_FIELDS, "post", posts, source, seen_at)

    def _upsert_items(
        self,
        table: str,
        key: str,
        fields: list[str],
        kind: str,
        df: pd.DataFrame,
        source: str | None,
        seen_at: datetime | None,
    ) -> int:
        if df.empty:
            return 0
        if key not in df.columns:
            raise StoreError(f"cannot store {table}: the table has no '{key}' column")
        if "platform" not in df.columns or df["platform"].isna().any():
            df = df.assign(platform=df["platform"].fillna(DEFAULT_PLATFORM) if "platform" in df.columns else DEFAULT_PLATFORM)
        seen = to_utc(seen_at) or utcnow()
        cols = fields + ["raw", "first_seen", "last_seen"]
        # A newer observation replaces the profile; a field it lacks keeps the older value. An older
        # observation changes nothing the stored one has, and gives what it lacks (a counts-only
        # partial profile seen later, then a full one collected before it: the creation time stays).
        time_col = "collected_at" if table == "accounts" else "last_seen"
        newer = f"({table}.{time_col} IS NULL OR excluded.{time_col} >= {table}.{time_col})"
        updates = [
            f"{c} = CASE WHEN {newer} THEN COALESCE(excluded.{c}, {table}.{c}) ELSE COALESCE({table}.{c}, excluded.{c}) END"
            for c in fields + ["raw"]
            if c not in (key, "platform")
        ]
        updates.append(
            f"last_seen = CASE WHEN excluded.last_seen > {table}.last_seen "
            f"THEN excluded.last_seen ELSE {table}.last_seen END"
        )
        sql = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT (platform, {key}) DO UPDATE SET {', '.join(updates)}"
        )
        present = [c for c in fields + ["raw"] if c in df.columns]
        records = df[present].astype(object).where(df[present].notna(), None).to_dict("records")
        rows = []
        for rec in records:
            if rec.get(key) is None or str(rec[key]) == "":
                continue
            rec[key] = str(rec[key])
            rows.append([rec.get(c) for c in fields + ["raw"]] + [seen, seen])
        with self.transaction():
            n = self.executemany(sql, rows)
            if source is not None:
                at = fields.index("platform")
                self.add_sightings(kind, [(str(r[at]), str(r[0])) for r in rows], source, seen)
        return n

    def add_sightings(
        self, kind: str, item_ids: Iterable[str | tuple[str, str]], source: str, seen_at: datetime | None = None,
        platform: str = DEFAULT_PLATFORM,
    ) -> int:
        """Record that ``source`` (a search, a timeline, a lookup, a watch) saw these items.

        An item is an id of ``platform`` or a ``(platform, id)`` pair.
        """
        seen = to_utc(seen_at) or utcnow()
        keys = [(i[0], str(i[1])) if isinstance(i, tuple) else (platform, str(i)) for i in item_ids]
        return self.executemany(
            "INSERT INTO sightings (kind, platform, item_id, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, platform, item_id, source) DO UPDATE SET last_seen = CASE "
            "WHEN excluded.last_seen > sightings.last_seen THEN excluded.last_seen ELSE sightings.last_seen END",
            [(kind, p, i, source, seen, seen) for p, i in dict.fromkeys(keys)],
        )

    def record_statuses(self, statuses: Iterable[AccountStatus], observed_at: datetime | None = None) -> int:
        """Record account states (ok, suspended, not_found, …) as observed now.

        An account looked up by username that the API no longer knows has no id in the answer;
        when the store already holds that username, the status is filed under its known id.
        """
        seen = to_utc(observed_at) or utcnow()
        rows = []
        for st in statuses:
            if st.status not in STATUSES:
                raise StoreError(f"unknown account status '{st.status}' (one of {', '.join(STATUSES)})")
            account_id = st.account_id
            if account_id == st.screen_name:
                known = self.execute(
                    "SELECT account_id FROM accounts WHERE platform = ? AND lower(screen_name) = lower(?) "
                    "ORDER BY last_seen DESC LIMIT 1",
                    [st.platform, st.screen_name],
                )
                if known:
                    account_id = known[0][0]
            rows.append((st.platform, account_id, st.status, st.screen_name, None if st.detail is None else redact(st.detail), seen, seen))
        return self.executemany(
            "INSERT INTO account_status (platform, account_id, status, screen_name, detail, first_observed, last_observed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, account_id, status) DO UPDATE SET "
            "screen_name = COALESCE(excluded.screen_name, account_status.screen_name), "
            "detail = COALESCE(excluded.detail, account_status.detail), "
            "last_observed = CASE WHEN excluded.last_observed > account_status.last_observed "
            "THEN excluded.last_observed ELSE account_status.last_observed END",
            rows,
        )

    def accounts(
        self, ids: Sequence[str] | None = None, *, source: str | None = None, since: datetime | None = None
    ) -> pd.DataFrame:
        """Canonical accounts (plus ``raw``, ``first_seen``, ``last_seen``), optionally filtered.

        ``source`` keeps those a collection saw; ``since`` those seen (by that source, if given)
        at or after a time, e.g. the start of the current run.
        """
        return self._items("accounts", "account_id", "account", _ACCOUNT_FIELDS, ACCOUNT_COLUMNS, ids, source, since)

    def posts(
        self, ids: Sequence[str] | None = None, *, source: str | None = None, since: datetime | None = None
    ) -> pd.DataFrame:
        """Canonical posts (plus ``raw``, ``first_seen``, ``last_seen``); filters as :meth:`accounts`."""
        return self._items("posts", "post_id", "post", _POST_FIELDS, POST_COLUMNS, ids, source, since)

    def _items(
        self,
        table: str,
        key: str,
        kind: str,
        fields: list[str],
        dtypes: dict[str, str],
        ids: Sequence[str] | None,
        source: str | None,
        since: datetime | None,
    ) -> pd.DataFrame:
        sql = f"SELECT t.* FROM {table} t"
        params: list[Any] = []
        where = []
        if source is not None:
            sql += " JOIN sightings s ON s.kind = ? AND s.platform = t.platform AND s.item_id = t." + key + " AND s.source = ?"
            params += [kind, source]
        if since is not None:
            where.append(("s" if source is not None else "t") + ".last_seen >= ?")
            params.append(since)
        if ids is not None:
            ids = [str(i) for i in ids]
            if not ids:
                return self._typed(self.frame(f"SELECT * FROM {table} WHERE 1 = 0"), fields, dtypes)
            where.append(f"t.{key} IN ({', '.join('?' * len(ids))})")
            params += ids
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY t.platform, t.{key}"
        return self._typed(self.frame(sql, params), fields, dtypes)

    @staticmethod
    def _typed(df: pd.DataFrame, fields: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
        for col in fields:
            dtype = dtypes[col]
            if dtype == "boolean":
                df[col] = df[col].map(lambda v: None if v is None or v != v else bool(v)).astype("boolean")
            elif dtype != "datetime64[ns, UTC]":
                df[col] = df[col].astype(dtype)
        return df

    def account_status(self, *, since: datetime | None = None) -> pd.DataFrame:
        """Every recorded status, newest observation first; only those first seen at/after ``since``.

        ``vanished`` is true for a non-ok status of an account that was seen ok before it.
        """
        sql = (
            "SELECT s.account_id, s.screen_name, s.status, s.detail, s.first_observed, s.last_observed, "
            "CASE WHEN s.status <> 'ok' AND EXISTS (SELECT 1 FROM account_status o WHERE o.platform = s.platform AND "
            "o.account_id = s.account_id AND o.status = 'ok' AND o.first_observed <= s.first_observed) "
            "THEN 1 ELSE 0 END AS vanished, s.platform FROM account_status s"
        )
        params: list[Any] = []
        if since is not None:
            sql += " WHERE s.first_observed >= ?"
            params.append(since)
        df = self.frame(sql + " ORDER BY s.last_observed DESC, s.account_id", params)
        df["vanished"] = df["vanished"].astype(bool)
        return df

    # -- scores -------------------------------------------------------------------------------

    def add_account_scores(
        self, scores: pd.DataFrame, *, run_id: str | None = None, scored_at: datetime | None = None,
        model_version: str | None = None,
    ) -> int:
        """Add a score history point per account: ``account_id, score, label, reasons, model_version``.

        The key is (account_id, model_version, run_id): scoring again within the same run (e.g. a
        run resumed after a crash) replaces the point instead of adding a second one. Without a
        run id the scoring time names the point. ``reasons`` may be text or a list. The look-alike
        columns (``lookalike_group``, ``lookalike_size``, ``lookalike_evidence``) and ``verdict_held`` (the
        account model held its verdict on the profile) are kept when given; a score without ``verdict_held``
        reads back as not held.
        """
        return self._add_scores("account_scores", "account_id", scores, run_id, scored_at, model_version)

    def add_post_scores(
        self, scores: pd.DataFrame, *, run_id: str | None = None, scored_at: datetime | None = None,
        model_version: str | None = None,
    ) -> int:
        """Add a score history point per post: ``post_id, score, label, reasons, model_version``."""
        return self._add_scores("post_scores", "post_id", scores, run_id, scored_at, model_version)

    def _add_scores(
        self,
        table: str,
        key: str,
        scores: pd.DataFrame,
        run_id: str | None,
        scored_at: datetime | None,
        model_version: str | None,
    ) -> int:
        if scores.empty:
            return 0
        for col in (key, "score"):
            if col not in scores.columns:
                raise StoreError(f"cannot store {table}: no '{col}' column")
        when = to_utc(scored_at) or utcnow()
        run = run_id or f"adhoc-{when.strftime('%Y%m%dT%H%M%S.%fZ')}"
        extra = [c for c, _ in _LOOKALIKE + _HELD if c in scores.columns] if table == "account_scores" else []
        rows = []
        for rec in scores.astype(object).where(scores.notna(), None).to_dict("records"):
            version = rec.get("model_version") or model_version
            if version is None:
                raise StoreError(f"cannot store {table}: no model_version for {key} {rec[key]}")
            reasons = rec.get("reasons")
            if isinstance(reasons, (list, tuple)):
                reasons = "; ".join(map(str, reasons))
            platform = rec.get("platform") or DEFAULT_PLATFORM
            more = [None if rec[c] is None else int(rec[c]) if c == "lookalike_size" else bool(rec[c]) if c == "verdict_held" else str(rec[c]) for c in extra]
            rows.append((platform, str(rec[key]), str(version), run, when, rec["score"], rec.get("label"), reasons, *more))
        names = "".join(f", {c}" for c in extra)
        with self.transaction():
            return self.executemany(
                f"INSERT INTO {table} (platform, {key}, model_version, run_id, scored_at, score, label, reasons{names}) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?{', ?' * len(extra)}) ON CONFLICT (platform, {key}, model_version, run_id) DO UPDATE SET "
                "scored_at = excluded.scored_at, score = excluded.score, label = excluded.label, "
                "reasons = excluded.reasons" + "".join(f", {c} = excluded.{c}" for c in extra),
                rows,
            )

    def account_scores(
        self,
        *,
        since: datetime | None = None,
        watch: str | None = None,
        run_id: str | None = None,
        model_version: str | None = None,
        latest: bool = False,
        until: datetime | None = None,
    ) -> pd.DataFrame:
        """Account score history joined with the account's name and the run's watch.

        Columns: account_id, screen_name, score, label, reasons, model_version, run_id, watch,
        scored_at, platform, lookalike_group, lookalike_size, lookalike_evidence (empty, 0, empty when
        the point has none), verdict_held (bool). ``latest=True`` keeps only each account's most recent point
        scored at or before ``until`` (a report of a past window shows the scores of then, not later ones).
        """
        return self._scores("account_scores", "account_id", "accounts", "screen_name", since, watch, run_id, model_version, latest, until)

    def post_scores(
        self,
        *,
        since: datetime | None = None,
        watch: str | None = None,
        run_id: str | None = None,
        model_version: str | None = None,
        latest: bool = False,
        until: datetime | None = None,
    ) -> pd.DataFrame:
        """Post score history with the post's author; same filters as :meth:`account_scores`."""
        return self._scores("post_scores", "post_id", "posts", "author_id", since, watch, run_id, model_version, latest, until)

    def _scores(
        self,
        table: str,
        key: str,
        items: str,
        extra: str,
        since: datetime | None,
        watch: str | None,
        run_id: str | None,
        model_version: str | None,
        latest: bool,
        until: datetime | None = None,
    ) -> pd.DataFrame:
        cond, params = _where(
            ("s.scored_at >= ?", since), ("s.scored_at <= ?", until), ("r.watch = ?", watch), ("s.run_id = ?", run_id),
            ("s.model_version = ?", model_version),
        )
        more = "".join(f", s.{c}" for c, _ in _LOOKALIKE + _HELD) if table == "account_scores" else ""
        base = (
            f"SELECT s.{key}, i.{extra}, s.score, s.label, s.reasons, s.model_version, s.run_id, "
            f"r.watch, s.scored_at, s.platform{more} FROM {table} s LEFT JOIN {items} i ON i.platform = s.platform AND i.{key} = s.{key} "
            f"LEFT JOIN runs r ON r.run_id = s.run_id{cond}"
        )
        if latest:
            base = (
                f"SELECT * FROM (SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b.platform, b.{key} "
                f"ORDER BY b.scored_at DESC, b.run_id DESC) AS rn FROM ({base}) b) x WHERE x.rn = 1"
            )
        else:
            base = f"SELECT * FROM ({base}) x"
        df = self.frame(base + f" ORDER BY x.scored_at, x.platform, x.{key}", params)
        if more:
            df = df.fillna({"lookalike_group": "", "lookalike_evidence": ""}).astype({"lookalike_size": "float64"}).fillna({"lookalike_size": 0})
            df["lookalike_size"] = df["lookalike_size"].astype("int64")
            df["verdict_held"] = df["verdict_held"].map(lambda v: v is not None and v == v and bool(v)).astype(bool)
        return df.drop(columns=["rn"], errors="ignore").reset_index(drop=True)

    def score_changes(self, run_id: str, previous_run_id: str | None = None) -> pd.DataFrame:
        """What changed in account scores between a run and the one before it (same watch).

        Columns: account_id, screen_name, score, label, previous_score, previous_label, change,
        state — ``new`` (not scored before), ``gone`` (scored before, not now), ``changed``
        (label differs) or ``same``. With no previous run every account is ``new``.
        """
        prev = previous_run_id if previous_run_id is not None else self.previous_run(run_id)
        wanted = ["platform", "account_id", "screen_name", "score", "label"]
        now = self.account_scores(run_id=run_id)[wanted]
        if prev is None:
            before = pd.DataFrame(columns=wanted)
        else:
            before = self.account_scores(run_id=prev)[wanted]
        merged = now.merge(before, on=["platform", "account_id"], how="outer", suffixes=("", "_previous"))
        merged["screen_name"] = merged["screen_name"].fillna(merged.pop("screen_name_previous"))
        merged = merged.rename(columns={"score_previous": "previous_score", "label_previous": "previous_label"})
        merged["change"] = merged["score"].astype(float) - merged["previous_score"].astype(float)
        state = pd.Series("same", index=merged.index, dtype=object)
        state[merged["label"].ne(merged["previous_label"])] = "changed"
        state[merged["previous_score"].isna()] = "new"
        state[merged["score"].isna()] = "gone"
        merged["state"] = state
        cols = ["account_id", "screen_name", "score", "label", "previous_score", "previous_label", "change", "state", "platform"]
        return merged[cols].sort_values(["platform", "account_id"]).reset_index(drop=True)

    # -- clusters -----------------------------------------------------------------------------

    def add_clusters(
        self,
        clusters: pd.DataFrame,
        members: pd.DataFrame,
        *,
        run_id: str,
        detected_at: datetime | None = None,
    ) -> int:
        """Store coordinated groups found in a run; rewriting the same run replaces them.

        ``clusters``: cluster_id, kind, and optionally size, score, evidence (text or dict).
        ``members``: cluster_id, member_kind (``account``/``post``), member_id, and optionally
        platform (``x`` when absent).
        """
        when = to_utc(detected_at) or utcnow()
        crow = []
        for rec in clusters.astype(object).where(clusters.notna(), None).to_dict("records"):
            n = rec.get("size")
            if n is None:
                n = int((members["cluster_id"].astype(str) == str(rec["cluster_id"])).sum()) if len(members) else 0
            crow.append((run_id, str(rec["cluster_id"]), rec.get("kind"), when, n, rec.get("score"), rec.get("evidence")))
        mrow = [
            (run_id, str(r["cluster_id"]), str(r["member_kind"]), str(r.get("platform") or DEFAULT_PLATFORM), str(r["member_id"]))
            for r in members.astype(object).where(members.notna(), None).to_dict("records")
        ]
        with self.transaction():
            n = self.executemany(
                "INSERT INTO clusters (run_id, cluster_id, kind, detected_at, size, score, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, cluster_id) DO UPDATE SET "
                "kind = excluded.kind, detected_at = excluded.detected_at, size = excluded.size, "
                "score = excluded.score, evidence = excluded.evidence",
                crow,
            )
            self.executemany(
                "INSERT INTO cluster_members (run_id, cluster_id, member_kind, platform, member_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                mrow,
            )
        return n

    def clusters(self, *, since: datetime | None = None, watch: str | None = None, run_id: str | None = None) -> pd.DataFrame:
        """Clusters with their run's watch and a ``members`` column (list of ``kind:id``; ``kind:platform:id``
        for members of platforms other than X)."""
        cond, params = _where(("c.detected_at >= ?", since), ("r.watch = ?", watch), ("c.run_id = ?", run_id))
        df = self.frame(
            "SELECT c.run_id, c.cluster_id, c.kind, c.detected_at, c.size, c.score, c.evidence, r.watch "
            f"FROM clusters c LEFT JOIN runs r ON r.run_id = c.run_id{cond} ORDER BY c.detected_at, c.cluster_id",
            params,
        )
        mem = self.frame(
            "SELECT m.run_id, m.cluster_id, m.member_kind, m.member_id, m.platform FROM cluster_members m "
            "JOIN clusters c ON c.run_id = m.run_id AND c.cluster_id = m.cluster_id "
            f"LEFT JOIN runs r ON r.run_id = c.run_id{cond} ORDER BY m.member_kind, m.platform, m.member_id",
            params,
        )
        grouped: dict[tuple[str, str], list[str]] = {}
        for r in mem.itertuples(index=False):
            where = "" if r.platform == DEFAULT_PLATFORM else f"{r.platform}:"
            grouped.setdefault((str(r.run_id), str(r.cluster_id)), []).append(f"{r.member_kind}:{where}{r.member_id}")
        df["members"] = [grouped.get((r, c), []) for r, c in zip(df["run_id"], df["cluster_id"], strict=True)]
        return df

    # -- cursors and raw pages ----------------------------------------------------------------

    def get_cursor(self, key: str) -> Cursor | None:
        rows = self.execute("SELECT next_token, since_id, state, updated_at FROM cursors WHERE key = ?", [key])
        if not rows:
            return None
        token, since_id, state, updated = rows[0]
        return Cursor(key, token, since_id, json.loads(state) if state else {}, to_utc(updated))

    def save_cursor(self, cursor: Cursor) -> None:
        """Write a cursor. Call it inside the transaction that stores the page it follows."""
        cursor.updated_at = utcnow()
        self.execute(
            "INSERT INTO cursors (key, next_token, since_id, state, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET next_token = excluded.next_token, since_id = excluded.since_id, "
            "state = excluded.state, updated_at = excluded.updated_at",
            [cursor.key, cursor.next_token, cursor.since_id, cursor.state or None, cursor.updated_at],
        )

    def delete_cursor(self, key: str) -> None:
        self.execute("DELETE FROM cursors WHERE key = ?", [key])

    def save_page(self, source: str, page_key: str, payload: dict[str, Any], fetched_at: datetime | None = None) -> None:
        """Keep one raw API response; fetching the same page again replaces it."""
        self.execute(
            "INSERT INTO pages (source, page_key, fetched_at, payload) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, page_key) DO UPDATE SET fetched_at = excluded.fetched_at, payload = excluded.payload",
            [source, page_key, to_utc(fetched_at) or utcnow(), redact(json.dumps(payload, ensure_ascii=False))],
        )

    def export_pages(self, path: str, *, source: str | None = None, since: datetime | None = None) -> int:
        """Write the stored raw responses to ``path`` as JSONL (one v2 response a line), atomically.

        Returns the number of lines. The readers of ``detector score``/``detector posts`` unwrap
        each response's ``data``.
        """
        cond, params = _where(("source = ?", source), ("fetched_at >= ?", since))
        rows = self.execute(f"SELECT payload FROM pages{cond} ORDER BY fetched_at, source, page_key", params)
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for (payload,) in rows:
                fh.write(payload.replace("\n", " ") + "\n")
        return len(rows)

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, watch: str | None = None, *, run_id: str | None = None, started_at: datetime | None = None) -> str:
        """Open a run (or reopen ``run_id`` to resume it) and return its id."""
        run = run_id or f"{utcnow().strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
        self.execute(
            "INSERT INTO runs (run_id, watch, started_at, status) VALUES (?, ?, ?, 'running') "
            "ON CONFLICT (run_id) DO UPDATE SET status = 'running', finished_at = NULL",
            [run, watch, to_utc(started_at) or utcnow()],
        )
        return run

    def finish_run(self, run_id: str, status: str = "ok", detail: str | None = None) -> None:
        self.execute(
            "UPDATE runs SET status = ?, detail = ?, finished_at = ? WHERE run_id = ?",
            [status, None if detail is None else redact(detail), utcnow(), run_id],
        )

    def unfinished_run(self, watch: str | None) -> str | None:
        """The latest run of ``watch`` still marked running (killed mid-way), to resume it."""
        rows = self.execute(
            "SELECT run_id FROM runs WHERE status = 'running' AND "
            + ("watch = ?" if watch is not None else "watch IS NULL")
            + " ORDER BY started_at DESC LIMIT 1",
            [watch] if watch is not None else [],
        )
        return rows[0][0] if rows else None

    def previous_run(self, run_id: str) -> str | None:
        """The last successful run of the same watch that started before ``run_id``."""
        rows = self.execute("SELECT watch, started_at FROM runs WHERE run_id = ?", [run_id])
        if not rows:
            return None
        watch, started = rows[0]
        rows = self.execute(
            "SELECT run_id FROM runs WHERE status = 'ok' AND run_id <> ? AND started_at < ? AND "
            + ("watch = ?" if watch is not None else "watch IS NULL")
            + " ORDER BY started_at DESC LIMIT 1",
            [run_id, started] + ([watch] if watch is not None else []),
        )
        return rows[0][0] if rows else None

    def runs(self, watch: str | None = None) -> pd.DataFrame:
        if watch is None:
            return self.frame("SELECT * FROM runs ORDER BY started_at")
        return self.frame("SELECT * FROM runs WHERE watch = ? ORDER BY started_at", [watch])

    def run_counts(self, run_id: str) -> dict[str, int]:
        """Rows stored under ``run_id``: its post scores, account scores and clusters."""
        return {t: int(self.execute(f"SELECT COUNT(*) FROM {t} WHERE run_id = ?", [run_id])[0][0]) for t in ("post_scores", "account_scores", "clusters")}

    def counts(self) -> dict[str, int]:
        """Rows per table, for logs and tests."""
        tables = ["accounts", "posts", "sightings", "account_status", "account_scores", "post_scores",
                  "clusters", "cluster_members", "cursors", "pages", "runs"]
        return {t: int(self.execute(f"SELECT COUNT(*) FROM {t}")[0][0]) for t in tables}


def resolve_target(db: str | None = None, data_dir: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db``/``--data-dir`` into a store target: a URL, or the SQLite file's path."""
    if db:
        if "://" in db and not db.startswith(("postgresql://", "postgres://", "sqlite:///")):
            raise StoreError(f"unsupported database URL {redact_url(db)} (use postgresql://… or a SQLite path)")
        return db
    base = Path(data_dir).expanduser() if data_dir else default_data_dir()
    return str(base / DB_FILENAME)


def open_store(db: str | None = None, data_dir: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating if needed) the history store.

    Parameters
    ----------
    db : str, optional
        ``postgresql://user@host:port/name``, ``sqlite:///path`` or a SQLite file path.
    data_dir : path, optional
        Folder of the default SQLite file when ``db`` is not given (see :func:`default_data_dir`).

    Raises
    ------
    StoreError
        The database cannot be reached or opened.
    SchemaVersionError
        The database was made by another schema version.
    """
    target = resolve_target(db, data_dir)
    store = Store(target)
    log.info("store: %s (%s, schema version %d)", store.location, store.dialect, SCHEMA_VERSION)
    return store
