"""Typed errors raised by the detector library.

The library raises these; only :mod:`detector.cli` turns them into messages and exit codes.
Each error that concerns input names the file, the row or record, and the field.
"""

from __future__ import annotations


class DetectorError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class InputError(DetectorError):
    """An input file, or one record of it, cannot be used.

    Parameters
    ----------
    message : str
        What is wrong, in plain language.
    path : str, optional
        The file.
    row : int, optional
        The 1-based record number (data row of a CSV, line of a JSONL, element of a JSON list).
    field : str, optional
        The field at fault.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.row = row
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.row is not None:
            where.append(f"record {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class UnknownFormatError(InputError):
    """The format of an input file could not be recognised."""


class EmptyInputError(InputError):
    """An input file holds no records."""


class NothingScoredError(DetectorError):
    """Every record of an input was rejected, so nothing could be scored."""

    exit_code = 3


class ModelError(DetectorError):
    """A model file is missing, unreadable, untrusted or built for other features."""

    exit_code = 4


class ConfigError(DetectorError):
    """A configuration file or option is invalid."""

    exit_code = 2


class StoreError(DetectorError):
    """The history store cannot be opened or written."""

    exit_code = 5


class SchemaVersionError(StoreError):
    """The store was created by another schema version."""


class CollectError(DetectorError):
    """Collecting from the X API failed in a way that retrying will not fix."""

    exit_code = 6


class LockedError(DetectorError):
    """Another run holds the lock."""

    exit_code = 75  # EX_TEMPFAIL: cron may try again later
