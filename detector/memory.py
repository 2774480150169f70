"""Process memory of the large batch jobs: freed memory kept for the next array instead of handed back.

This module owns one process-wide setting that a command makes before a large job. The posts job
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

log = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
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
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    import ctypes

    import pyarrow as pa

    libc = ctypes.CDLL(None)
    if not (libc.mallopt(_M_MMAP_MAX, 0) and libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_AT)):
        return False
    pa.set_memory_pool(pa.system_memory_pool())
    log.debug("freed memory is kept for reuse (glibc: no mmap per block, trim above %d bytes; Arrow: the system pool)", _TRIM_AT)
    return True
