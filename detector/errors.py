"""Typed errors raised by the detector library.

The library raises these; only :mod:`detector.cli` turns them into messages and exit codes.
Each error that concerns input names the file, the row or record, and the field.
"""

from __future__ import annotations

import re


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
            where.append(escape_controls(self.path))
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
    """Every record of an input was rejected, so nothing could be scored.

    ``rejects`` (a :class:`detector.io.Rejects`), when the raiser holds them, are those records:
    the caller writes them beside its output, as it would have beside the scores.
    """

    exit_code = 3

    def __init__(self, message: str, rejects: object = None) -> None:
        self.rejects = rejects
        super().__init__(message)


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


class OutputError(DetectorError):
    """An output cannot be written: the disk is full, or it would overwrite an input."""

    exit_code = 2


# ------------------------------------------------------------------ text that messages quote

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BEARER = re.compile(r"(?i)\b(bearer|authorization[\"']?\s*[:=]\s*[\"']?(?:bearer\s+)?)\s*([A-Za-z0-9%._~+/=-]{8,})")
_SECRETS: set[str] = set()


def escape_controls(text: object) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``).

    A value quoted in a message can then never start a new log line or move the terminal's
    cursor: ``"a\\nERROR FORGED"`` stays on one line.
    """
    return _CONTROL.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"), str(text))


def register_secret(secret: str | None) -> None:
    """Remember a secret (the bearer token) so that :func:`redact` removes it from every message."""
    if secret and len(secret) >= 8:
        _SECRETS.add(secret)


def redact(text: object) -> str:
    """``text`` without registered secrets or anything sent as ``Authorization: Bearer …``."""
    out = str(text)
    for secret in _SECRETS:
        if secret in out:
            out = out.replace(secret, "[redacted]")
    return _BEARER.sub(lambda m: f"{m.group(1)} [redacted]" if m.group(1).lower() == "bearer" else f"{m.group(1)}[redacted]", out)


def safe_message(text: object) -> str:
    """A message fit for a terminal, a log line or the store: secrets redacted, controls escaped."""
    return escape_controls(redact(text))
