"""Process memory of the large batch jobs: freed memory kept for the next array instead of handed back.

This module owns the process-wide settings that a command makes before a large job (and, for a
job that works in more than one thread, the one arena all its threads share: :func:`one_arena`). The posts job
makes and drops arrays of a million values hundreds of times (numpy temporaries, Arrow buffers).
By default glibc returns every large block to the kernel when it is freed (``mmap``/``munmap``),
and Arrow's default pool (mimalloc) gives its freed pages back too; the next array of that size
then takes fresh pages, each zeroed by the kernel. On all 1,166,601 IRA posts that was about 14 s
of system CPU in a 48 s job. Kept in the process and used again, it was about 6 s (BENCHMARKS.md,
"Posts job end to end"), for a higher peak (freed memory is not returned before the process
ends: 2.9 -> 3.6 GB there).

It never changes what a job computes, only where its memory comes from. Off glibc (macOS,
Windows, musl) it does nothing. It never reads files and never logs above debug.
"""

from __future__ import annotations

import logging
import platform
from typing import Any

log = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
_M_ARENA_MAX = -8
# Free memory at the top of the heap is given back only above this (2 GiB - 1: the largest an int holds).
_TRIM_AT = 2**31 - 1


def reuse_freed_memory() -> bool:
    """Keep freed memory in the process for reuse (glibc: no ``mmap`` per large block, no trimming;
    Arrow: the system allocator, so that Arrow and numpy share that memory).

    Returns
    -------
    bool
        True when the setting was made; False off glibc (nothing changed).
    """
    libc = _glibc()
    if libc is None or not (libc.mallopt(_M_MMAP_MAX, 0) and libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_AT)):
        return False
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    log.debug("freed memory is kept for reuse (glibc: no mmap per block, trim above %d bytes; Arrow: the system pool)", _TRIM_AT)
    return True


def one_arena() -> bool:
    """Have every thread started from now on take its memory from glibc's main arena, where
    :func:`reuse_freed_memory` keeps freed memory for reuse.

    A thread of an arena of its own gets each large block by a fresh ``mmap`` (such an arena grows
    by heaps of at most 64 MiB) and gives it back when it is freed, so the next one is zeroed by the
    kernel again: the posts job's second thread paid what the setting saves. Make it before numpy is
    imported: numpy's BLAS starts threads on import, and an arena one of them made would be handed to
    every other new thread in turn.

    Returns
    -------
    bool
        True when the setting was made; False off glibc (nothing changed).
    """
    libc = _glibc()
    if libc is None or not libc.mallopt(_M_ARENA_MAX, 1):
        return False
    log.debug("one malloc arena for every thread")
    return True


def _glibc() -> Any:
    """The C library, when it is glibc (whose ``mallopt`` parameters these are); else None."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    import ctypes

    return ctypes.CDLL(None)
