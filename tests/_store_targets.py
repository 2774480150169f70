"""Store targets for tests: a SQLite file always, and a fresh schema on a real PostgreSQL server.

``DETECTOR_TEST_PG_URL`` names the server (``.ci/run`` starts one on 127.0.0.1). Without it the
PostgreSQL cases are skipped on a developer's machine, and fail under CI, where a skipped database
test would hide a broken install.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("DETECTOR_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def store_target(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield a store target of ``backend``; a PostgreSQL schema is dropped afterwards."""
    if backend == "sqlite":
        yield str(tmp_path / "store.sqlite")
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: DETECTOR_TEST_PG_URL is not set (.ci/run starts the server)")
        pytest.skip("no PostgreSQL server: set DETECTOR_TEST_PG_URL to run these")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
