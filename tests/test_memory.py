"""Freed memory kept for reuse (detector/memory.py): the setting is made on glibc, and only there."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def _in_a_fresh_process(code: str) -> str:
    # The setting is process-wide: made in a child, so that this test process keeps its own allocators.
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="the setting is made on glibc only")
def test_arrow_takes_the_system_allocator_on_glibc() -> None:
    code = (
        "import pyarrow as pa\n"
        "from detector.memory import reuse_freed_memory\n"
        "before = pa.default_memory_pool().backend_name\n"
        "made = reuse_freed_memory()\n"
        "print(before, made, pa.default_memory_pool().backend_name, reuse_freed_memory())\n"
    )
    before, made, after, again = _in_a_fresh_process(code).split()
    assert (made, after, again) == ("True", "system", "True")
    assert before != "system"  # the setting changed something: Arrow's default pool is jemalloc or mimalloc


@pytest.mark.skipif(GLIBC, reason="elsewhere than glibc")
def test_nothing_changes_off_glibc() -> None:
    code = "import pyarrow as pa\nfrom detector.memory import reuse_freed_memory\nb = pa.default_memory_pool().backend_name\nprint(reuse_freed_memory(), pa.default_memory_pool().backend_name == b)\n"
    assert _in_a_fresh_process(code).split() == ["False", "True"]
