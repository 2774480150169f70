"""Replaying recorded HTTP exchanges (vcrpy), one way for every collector test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import vcr


def replayer(folder: Path) -> Callable[[str], Any]:
    """``replay(name)`` for the cassettes in ``folder``: record mode ``none`` (a request not in the
    cassette fails and nothing reaches the network), authorization headers filtered out."""
    recorder = vcr.VCR(
        cassette_library_dir=str(folder),
        record_mode="none",
        filter_headers=["authorization"],
        match_on=["method", "scheme", "host", "port", "path", "query"],
    )
    return recorder.use_cassette
