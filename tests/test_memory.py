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


@pytest.mark.skipif(not GLIBC, reason="the setting is made on glibc only")
def test_a_second_thread_reuses_freed_memory_too() -> None:
    """The posts job runs its message side in a second thread. With ``reuse_freed_memory`` alone (no
    mmap per block, no trimming) a thread of an arena of its own got each large block by a fresh
    mapping (such an arena grows by at most 64 MiB), whose pages the kernel faulted in and zeroed
    again; with ``one_arena`` made first, the second 256 MiB array made and filled in another thread
    takes freed memory back and faults in almost no page."""
    code = (
        "import ctypes, resource, sys, threading\n"
        "from detector.memory import one_arena, reuse_freed_memory\n"
        "if sys.argv[1] == 'reuse':\n"
        "    one_arena()  # before numpy is imported, as `detector posts` makes it\n"
        "    reuse_freed_memory()\n"
        "else:  # reuse_freed_memory's glibc part alone: no mmap per large block, no trimming, an arena per thread\n"
        "    libc = ctypes.CDLL(None); libc.mallopt(-4, 0); libc.mallopt(-1, 2**31 - 1)\n"
        "import numpy as np\n"
        "def fill():\n"
        "    a = np.ones(32 << 20)  # 256 MiB, every page written\n"
        "    del a\n"
        "def faults():\n"
        "    t = threading.Thread(target=fill); t.start(); t.join()\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "first = faults(); second = faults()\n"
        "print(second - first)\n"
    )

    def new_faults(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, check=True)
        return int(done.stdout.strip())

    # Page faults, not pages: with transparent huge pages one fault maps 2 MiB (128 for 256 MiB), else 4 KiB (65,536).
    assert new_faults("reuse") < 20
    assert new_faults("before") >= 100
