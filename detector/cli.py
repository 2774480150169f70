"""Command-line interface: parses arguments, calls the library, turns errors into exit codes.

No logic lives here that a notebook or cron job would need: every command calls library functions.

Exit codes
----------
0  success (some records may have been rejected: see the rejects file)
1  unexpected detector error
2  bad input or usage: unreadable file, unknown format, invalid configuration
3  nothing could be scored: every record was rejected
4  model problem: missing, untrusted, or built for other features
5  store problem: database unreachable or of another schema version
6  collection failed (X API) in a way retrying will not fix
75 another run holds the lock (cron may simply try again later)
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from detector import __version__
from detector.errors import DetectorError

log = logging.getLogger("detector")

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a :class:`DetectorError` into a one-line message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DetectorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def setup_logging(verbose: int, quiet: bool, log_file: str | None = None) -> None:
    level = logging.WARNING
    if verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    if quiet:
        level = logging.ERROR
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="detector")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also write the log to this file.")
def cli(verbose: int, quiet: bool, log_file: str | None) -> None:
    """Find inauthentic accounts, posts and coordinated networks behind calls to action."""
    setup_logging(verbose, quiet, log_file)


def main() -> None:
    cli(prog_name="detector")


if __name__ == "__main__":
    main()
