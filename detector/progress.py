"""Progress bars for long stages, shown only on a terminal.

The library calls :func:`bar` around every stage that can take more than a few seconds (reading,
scoring, coordination, post scoring, writing). Nothing is shown unless the CLI (or a notebook)
has called :func:`enable` *and* stderr is a terminal: cron jobs, pipes and tests stay silent, and
the log is never mixed with bar redraws. This module never prints anything else.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_enabled = False


def enable(on: bool = True) -> None:
    """Allow progress bars (they still appear only when stderr is a terminal)."""
    global _enabled
    _enabled = on


def active() -> bool:
    """True when a bar would be drawn: enabled and stderr is a terminal."""
    if not _enabled:
        return False
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class _Null:
    """Stands in for a bar when none is shown: every call does nothing."""

    def update(self, n: float = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


@contextmanager
def bar(desc: str, *, total: float | None = None, unit: str = "rows") -> Iterator[Any]:
    """A bar for a stage whose work is counted by ``update(n)``; a no-op off a terminal.

    Its clock ticks every second even between updates, so a long step never looks frozen.

    Example
    -------
    >>> with bar("scoring", unit="accounts") as b:
    ...     for chunk in chunks:
    ...         b.update(len(chunk))
    """
    if not active():
        yield _Null()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=f" {unit}", unit_scale=True, file=sys.stderr, leave=True, mininterval=0.5, **_width()) as b:
        done = threading.Event()

        def tick() -> None:
            while not done.wait(1.0):
                b.refresh()

        clock = threading.Thread(target=tick, name=f"progress {desc}", daemon=True)
        clock.start()
        try:
            yield b
        finally:
            done.set()
            clock.join()


def _width() -> dict[str, Any]:
    # A terminal that reports no size (a bare pty, some CI consoles) would get a zero-wide bar.
    try:
        cols = os.get_terminal_size(sys.stderr.fileno()).columns
    except (AttributeError, OSError, ValueError):
        cols = 0
    return {"dynamic_ncols": True} if cols > 0 else {"ncols": 100}


def track(items: Iterable[T], desc: str, *, total: int | None = None, unit: str = "rows") -> Iterable[T]:
    """``items``, counted on a bar when one is shown (``items`` itself otherwise)."""
    if not active():
        return items
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    return _tracked(items, desc, total, unit)


def _tracked(items: Iterable[T], desc: str, total: int | None, unit: str) -> Iterator[T]:
    with bar(desc, total=total, unit=unit) as b:
        for item in items:
            yield item
            b.update(1)


def counted(chunks: Iterable[T], desc: str, *, unit: str = "rows") -> Iterator[T]:
    """Yield ``chunks`` (frames or lists), counting their lengths on a bar when one is shown."""
    with bar(desc, unit=unit) as b:
        for chunk in chunks:
            yield chunk
            b.update(len(chunk))  # type: ignore[arg-type]


@contextmanager
def step(desc: str, *, total: int, unit: str = "rows") -> Iterator[None]:
    """A bar for one step done in a single call (vectorised): its clock ticks while it runs, and it
    ends at ``total`` with the rate. A no-op off a terminal.
    """
    with bar(desc, total=total, unit=unit) as b:
        yield
        b.update(total)
