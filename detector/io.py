"""Files in and out: format detection, record reading, rejects, and atomic writes.

This module owns the bytes on disk. It knows nothing about accounts or posts: readers in
:mod:`detector.accounts.read` and :mod:`detector.posts.read` turn its records into canonical tables.
It never leaves a half-written output behind: every writer goes through a temporary file in the
target's folder and an atomic ``os.replace``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import contextvars
import errno
import io
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from detector.errors import (
    EmptyInputError,
    InputError,
    OutputError,
    UnknownFormatError,
    escape_controls,
)

log = logging.getLogger(__name__)

FORMATS = ("csv", "json", "jsonl", "parquet")
BOM = b"\xef\xbb\xbf"
# Byte-order marks of the wide encodings (Excel's "Unicode Text" is UTF-16 LE): such a file is read as
# its mark says, decoded to UTF-8 on the fly. UTF-32 LE's mark starts with UTF-16 LE's: looked for first.
WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)
# A record whose raw text is larger than this is rejected before it is parsed into memory twice.
MAX_RECORD_BYTES = 10 * 1024 * 1024
_UMASK = os.umask(0)
os.umask(_UMASK)


# Files a folder of Parquet parts never holds alone: a folder of them is not a Parquet dataset.
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson"}


def open_input(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open an input file to read its bytes as UTF-8, whatever byte-order mark it starts with.

    A file that starts with a UTF-16 or UTF-32 byte-order mark (Excel's "Unicode Text" export) is
    decoded as the mark says and handed over as UTF-8, mark removed; any other file is handed over
    as it is (a UTF-8 mark is left for the readers, which remove it). Lines stay lines, so record and
    line numbers are those of the file. Code units that do not decode are handed over as the bytes
    they were, which are not UTF-8: the readers set their rows aside as they do any such row.
    """
    fh = open(path, "rb")  # noqa: SIM115 - the caller closes it
    head = fh.peek(4)[:4]
    for mark, codec, _ in WIDE_BOMS:
        if head.startswith(mark):
            fh.read(len(mark))
            return io.BufferedReader(_Utf8Stream(fh, codec), 1 << 20)
    return fh


def wide_encoding(path: str | os.PathLike[str]) -> str | None:
    """The encoding a file's UTF-16 or UTF-32 byte-order mark names ("UTF-16 LE"), else None."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    return next((name for mark, _, name in WIDE_BOMS if head.startswith(mark)), None)


# Code units that do not decode (half of a surrogate pair, as a text cut inside an emoji leaves it; a
# damaged file) are handed over as 0xff bytes, never UTF-8: their rows are kept aside (see _not_text).
_NOT_WIDE = "detector.not-wide"


def _as_not_utf8(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):  # registered for decoding only
        raise exc
    return "\udcff" * (exc.end - exc.start), exc.end


class _Rewritten(io.RawIOBase):
    """The bytes of a file as :meth:`_more` rewrites them, block by block (a raw stream to buffer or hand to pyarrow)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._buf = b""
        self._done = False

    def _more(self) -> bytes | None:
        """The next rewritten bytes, None at the end."""
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = len(b)
        while len(self._buf) < n and not self._done:
            more = self._more()
            if more is None:
                self._done = True
            else:
                self._buf += more
        got = min(n, len(self._buf))
        b[:got] = self._buf[:got]
        self._buf = self._buf[got:]
        return got

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Utf8Stream(_Rewritten):
    """The text of a UTF-16 or UTF-32 file (its mark already read) as UTF-8 bytes."""

    def __init__(self, raw: IO[bytes], codec: str) -> None:
        import codecs

        super().__init__(raw)
        codecs.register_error(_NOT_WIDE, _as_not_utf8)
        self._decoder = codecs.getincrementaldecoder(codec)(errors=_NOT_WIDE)
        self._ended = False

    def _more(self) -> bytes | None:
        if self._ended:
            return None
        block = self._raw.read(1 << 20)
        self._ended = not block  # the decoder's last call (final) hands over what it holds
        return self._decoder.decode(block, final=self._ended).encode("utf-8", "surrogateescape")


# The first characters of a text in a wide encoding without its byte-order mark: ASCII letters (a
# header, a JSON key) each beside NUL bytes. Never read as a guess: the user is told what it looks like.
_WIDE_WITHOUT_BOM = (
    (re.compile(rb"(?:[\x01-\x7f]\x00\x00\x00){3}"), "UTF-32 LE"),
    (re.compile(rb"(?:\x00\x00\x00[\x01-\x7f]){3}"), "UTF-32 BE"),
    (re.compile(rb"(?:[\x01-\x7f]\x00){4}"), "UTF-16 LE"),
    (re.compile(rb"(?:\x00[\x01-\x7f]){4}"), "UTF-16 BE"),
)


def refuse_wide_without_bom(head: bytes, path: str) -> None:
    """Stop on text that looks UTF-16 or UTF-32 but has no byte-order mark to say so.

    Raises
    ------
    UnknownFormatError
        Naming the file, the encoding it looks like and what to do.
    """
    name = next((name for pattern, name in _WIDE_WITHOUT_BOM if pattern.match(head)), None)
    if name is not None:
        raise UnknownFormatError(
            f"the file looks like {name} text without a byte-order mark (a NUL byte beside each letter of its "
            f"first line), and is not read on a guess: save it as UTF-8 ({_excel_hint(path)}iconv -f "
            f"{name.replace(' ', '')} -t UTF-8) and give it again",
            path=path,
        )


def detect_format(path: str | os.PathLike[str]) -> str:
    """Tell the format of ``path`` from its content, not its name.

    Returns one of ``csv``, ``json``, ``jsonl`` or ``parquet``.

    Raises
    ------
    EmptyInputError
        The file holds nothing but white space.
    UnknownFormatError
        The content is none of the known formats.
    """
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        if not files:
            raise EmptyInputError("the folder holds no files", path=str(p))
        # A folder is read as Parquet parts; a folder of text files (daily CSV exports) is not one,
        # and "unreadable Parquet" would send the user looking for a Parquet file they never had.
        kinds = {f.suffix.lower() for f in files}
        if kinds <= TEXT_SUFFIXES:
            shown = ", ".join(f.name for f in files[:3]) + (", ..." if len(files) > 3 else "")
            raise UnknownFormatError(
                f"a folder of {len(files)} {'/'.join(sorted(kinds))} files ({shown}): give each file on its own "
                "(detector run: --from once per file), or the folder to detector posts --engine dask, "
                "which reads a folder of partition files",
                path=str(p),
            )
        # Any other file among the parts (a spreadsheet saved into the day's folder) would be read as
        # Parquet too, and fail as "unreadable Parquet: magic bytes not found": name it instead.
        # Names starting with "_" (_SUCCESS, _metadata) are skipped by the Parquet reader itself.
        foreign = [f for f in files if not f.name.startswith("_") and not _parquet_part(f)]
        if foreign:
            raise UnknownFormatError(not_parts_message(foreign, p), path=str(p))
        return "parquet"
    with open_input(p) as fh:
        head = fh.read(65536)
    if head.startswith(b"PAR1"):
        return "parquet"
    # Shapes users have that are no format of their own: said plainly, not "binary content".
    refuse_wide_without_bom(head, str(p))
    if head.startswith(b"\x1f\x8b"):
        raise UnknownFormatError("a gzip-compressed file (.gz, .tar.gz): extract it first and give the CSV or JSON inside", path=str(p))
    if head.startswith(BOM):
        head = head[len(BOM) :]
    text = head.lstrip()
    if not text:
        raise EmptyInputError("the file is empty", path=str(p))
    first = text[:1]
    if first == b"[":
        return "json"
    if first == b"{":
        # One object per line is JSONL; one object over many lines (or a single line) is JSON.
        line_end = text.find(b"\n")
        if line_end == -1:
            # A first line longer than the sniffed head: JSONL when another object follows it.
            return "jsonl" if _after_first_line(p).startswith(b"{") else "json"
        rest = text[line_end:].lstrip()
        try:
            json.loads(text[:line_end])
        except ValueError:
            # JSONL whose first record is broken (a truncated line, a stray comma), when the next line is an object
            # on its own: no serializer writes a JSON document so (its second line is a key, or '{' ends the first).
            following = rest.split(b"\n", 1)[0]
            return "jsonl" if following.startswith(b"{") and _whole_object(following) else "json"
        return "jsonl" if rest.startswith(b"{") else "json"
    if _binary(text[:4096]):
        raise UnknownFormatError("binary content of an unknown format (a spreadsheet? save it as CSV)", path=str(p))
    try:
        sample = text[:4096].decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample = text[:4096].decode("latin-1")
        except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes any byte
            raise UnknownFormatError("not text", path=str(p)) from exc
    first_line = sample.splitlines()[0] if sample else ""
    if "," in first_line or "\t" in first_line or ";" in first_line:
        return "csv"
    if re.fullmatch(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*", first_line) and len(sample.splitlines()) > 1:
        return "csv"  # one column under a header, such as a list of screen names
    raise UnknownFormatError(
        "not CSV (no delimiter in the header line), JSON, JSONL or Parquet", path=str(p)
    )


def _whole_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


PARQUET_PART_SUFFIXES = (".parquet", ".pq")
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}


def _parquet_part(path: Path) -> bool:
    """Whether a file of a folder is a Parquet part: its content, not its name, says so."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError:
        return False


def not_parts_message(foreign: list[Path], folder: Path | None, parts: tuple[str, ...] = PARQUET_PART_SUFFIXES) -> str:
    """What a folder read as parts holds besides them, and what to do with each kind.

    ``parts`` are the suffixes of the parts: Parquet's for a folder given as one input, every
    format's for the dask engine's partitions (:func:`detector.engine.list_partitions`). ``folder``
    None (a glob's matches): the files are named as matched.
    """
    names = [str(f.relative_to(folder)) if folder is not None else str(f) for f in foreign]
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    what = "a file" if len(foreign) == 1 else f"{len(foreign)} files"
    parquet = set(parts) <= set(PARQUET_PART_SUFFIXES)
    kind, read_as = ("Parquet", "Parquet parts") if parquet else ("a part" if len(foreign) == 1 else "parts", "partition files")
    where = "the folder holds" if folder is not None else "the files matched hold"
    advice = [
        f"{where} {what} that {'is' if len(foreign) == 1 else 'are'} not {kind} ({shown}): "
        f"a folder is read as {read_as} ({', '.join(parts)}) and nothing else"
    ]
    if any(f.suffix.lower() in SPREADSHEET_SUFFIXES for f in foreign):
        advice.append("a spreadsheet is not read: save it as 'CSV UTF-8' (Excel: File > Save As) and give that file")
    if any(f.suffix.lower() in TEXT_SUFFIXES and f.suffix.lower() not in parts for f in foreign):
        if parquet:
            advice.append("give a CSV or JSON file on its own (detector run: --from once per file), or a folder of them to detector posts --engine dask")
        else:
            advice.append("a table saved as .txt or .tsv is not taken for a part: name it .csv (its delimiter is read from its header line)")
    return "; ".join(advice)


def _binary(head: bytes) -> bool:
    """Whether a file's first bytes are not text: a NUL byte in its first line (xlsx, zip, UTF-16).

    A NUL byte further on is a problem of one record, which is rejected like any other bad record.
    """
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line:
        return True
    if b"\x00" not in head:
        return False
    try:  # a NUL further on: binary unless the first line is a plain text header
        text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return any(ord(c) < 32 and c not in "\t\r" for c in text)


NUL_REASON = "the record holds a NUL byte (binary data in a text file)"


def has_nul(path: str | os.PathLike[str]) -> bool:
    """Whether the file holds a NUL byte anywhere (a fast scan, done before reading records)."""
    with open_input(path) as fh:
        while block := fh.read(1 << 22):
            if b"\x00" in block:
                return True
    return False


def _after_first_line(path: Path) -> bytes:
    """The bytes after the file's first newline, blank space removed (b"" when there is none)."""
    with open_input(path) as fh:
        while block := fh.read(1 << 20):
            i = block.find(b"\n")
            if i != -1:
                return (block[i + 1 :] + fh.read(4096)).lstrip()
    return b""


def resolve_format(path: str | os.PathLike[str], fmt: str | None) -> str:
    """Return ``fmt`` when given (after checking it), else the detected format."""
    if fmt is None or fmt == "auto":
        return detect_format(path)
    if fmt not in FORMATS:
        raise UnknownFormatError(
            f"unknown format '{fmt}' (choose one of {', '.join(FORMATS)})", path=str(path)
        )
    return fmt


# Per-row warnings of one field in one read stop after this many: a whole column in a form the
# readers do not know would print a line per row. The rejects file keeps every one.
SHOWN_PER_FIELD = 10


@dataclass
class Rejects:
    """Records that could not be used, with where they came from and why.

    Readers append to it; :func:`write_rejects` puts it next to the output.
    """

    path: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Once-per-file facts the readers note for the summary (fields absent, ages measured to --as-of).
    notes: dict[str, Any] = field(default_factory=dict)
    # Field to the column as this file writes it (followers_count -> Followers, created_at ->
    # publish_date): a reader that renamed the file's headers fills it, and every reject names the
    # column the user can find in the file, not the canonical field.
    headers: dict[str, str] = field(default_factory=dict)
    # Per-row warnings logged so far, by field (see SHOWN_PER_FIELD).
    shown: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        row: int,
        field_name: str | None,
        reason: str,
        raw: Any = None,
        action: str = "rejected",
        quiet: bool = False,
        file: str | None = None,
    ) -> None:
        """Note one problem record and log a per-row warning.

        ``action`` says what became of it: ``rejected`` (the record is kept aside, not scored) or
        ``field ignored`` (the field is treated as missing and the record is still scored).
        ``quiet`` skips the per-row warning, for problems the caller sums up in one. ``file``: the
        file the record is in, when :attr:`path` is a folder of them (``row`` then counts in that file).
        """
        field_name = self.headers.get(field_name, field_name) if field_name else field_name
        raw_text = raw if isinstance(raw, str) else _compact(raw)
        if len(raw_text) > 2000:
            raw_text = raw_text[:2000] + f"… [{len(raw_text)} characters]"
        self.rows.append(
            {
                "file": file or self.path,
                "row": row,
                "field": field_name or "",
                "action": action,
                "reason": reason,
                "raw": raw_text,
            }
        )
        if quiet:
            return
        if _ROWS_HELD.get():
            self.rows[-1]["held"] = True  # said by the caller, over every partition (see rows_held)
            return
        _say_row(self.shown, file or self.path, row, field_name, reason, file or self.path)

    def extend(self, other: Rejects) -> None:
        self.rows.extend(other.rows)
        merge_notes(self.notes, other.notes)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def n_rejected(self) -> int:
        """How many records were kept aside entirely (not merely a field)."""
        # A record can be noted more than once (a mangled id, then no key at all): count records.
        return len({(r["file"], r["row"]) for r in self.rows if r["action"] == "rejected"})

    @property
    def n_field_warnings(self) -> int:
        """How many fields were ignored in records that were still used."""
        return sum(1 for r in self.rows if r["action"] != "rejected")

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "row", "field", "action", "reason", "raw"])


def _say_row(shown: dict[str, int], file: str, row: int, field_name: str | None, reason: str, more_in: str) -> None:
    """Log one per-row warning, the first :data:`SHOWN_PER_FIELD` of a field; then one line saying there are more."""
    said = shown[field_name or ""] = shown.get(field_name or "", 0) + 1
    if said > SHOWN_PER_FIELD + 1:
        return
    if said > SHOWN_PER_FIELD:
        what = f"field '{field_name}'" if field_name else "whole records"
        log.warning(
            "%s: more problems with %s than are shown here one by one: every one is in the rejects file",
            escape_controls(more_in), escape_controls(what),
        )
        return
    where = f"{file}, record {row}" + (f", field '{field_name}'" if field_name else "")
    log.warning("%s: %s", escape_controls(where), escape_controls(reason))


# Set while the dask engine reads one partition: its per-row warnings are held (noted in the row as "held"),
# and the client says the first ten of each field over every partition, once (see say_held_rows). Said by each
# partition, ten per field became ten per field and partition: a column in a form no reader knows, in a folder of
# 200 parts, made 2,200 lines.
_ROWS_HELD: contextvars.ContextVar[bool] = contextvars.ContextVar("detector_rows_held", default=False)


@contextlib.contextmanager
def rows_held() -> Iterator[None]:
    """Hold the per-row warnings of :meth:`Rejects.add` made in this context (see :data:`_ROWS_HELD`)."""
    token = _ROWS_HELD.set(True)
    try:
        yield
    finally:
        _ROWS_HELD.reset(token)


def say_held_rows(rows: pd.DataFrame, input_path: str) -> None:
    """Say the held per-row warnings of a partitioned input (``rows``: its rejects in partition order, with a
    boolean ``held`` column), as :meth:`Rejects.add` says those of one file: the first ten of each field, then one
    line per field naming the input."""
    if "held" not in rows.columns or not len(rows):
        return
    shown: dict[str, int] = {}
    for r in rows.loc[rows["held"].fillna(False).astype(bool), ["file", "row", "field", "reason"]].itertuples(index=False):
        _say_row(shown, str(r.file), int(r.row), str(r.field) if isinstance(r.field, str) and r.field else None, str(r.reason), input_path)


def merge_notes(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Add ``other``'s notes to ``into``: counts add up, sets join."""
    for k, v in other.items():
        if isinstance(v, set):
            into.setdefault(k, set()).update(v)
        elif isinstance(v, int):
            into[k] = into.get(k, 0) + v
        else:
            into.setdefault(k, v)


def _compact(obj: Any) -> str:
    if obj is None:
        return ""
    try:
        return json.dumps(obj, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return f"<{type(obj).__name__} nested too deep to show>"


def iter_json_records(path: str | os.PathLike[str], fmt: str, rejects: Rejects) -> Iterator[tuple[int, Any]]:
    """Yield ``(record number, parsed JSON value)`` from a JSON or JSONL file.

    A JSON file may be a list of records, a single record, or an API response whose ``data``
    holds the records (the caller unwraps that). A JSONL line that does not parse is kept aside in
    ``rejects`` and the rest still come through. A JSON file that does not parse is an error of the
    whole file.
    """
    p = str(path)
    if fmt == "jsonl":
        with open_input(path) as fh:
            n = 0
            for raw in fh:
                if n == 0 and raw.startswith(BOM):
                    raw = raw[len(BOM) :]
                if n == 0:
                    refuse_wide_without_bom(raw, p)
                if not raw.strip():
                    continue
                n += 1
                if len(raw) > MAX_RECORD_BYTES:
                    rejects.add(n, None, f"record is {len(raw):,} bytes, over the {MAX_RECORD_BYTES:,}-byte limit", raw[:200].decode("utf-8", "replace"))
                    continue
                if b"\x00" in raw:
                    rejects.add(n, None, NUL_REASON, raw[:200].decode("utf-8", "replace"))
                    continue
                try:
                    yield n, json.loads(raw)
                except UnicodeDecodeError as exc:  # named as a CSV row's is, not as the codec's position
                    rejects.add(n, None, _not_text(p, "the record", exc.object[exc.start]), raw.decode("utf-8", "replace"))
                except ValueError as exc:
                    rejects.add(n, None, f"malformed JSON: {exc}", raw.decode("utf-8", "replace"))
                except RecursionError:
                    rejects.add(n, None, TOO_DEEP, raw[:200].decode("utf-8", "replace"))
        if n == 0:
            raise EmptyInputError("the file holds no records", path=p)
        return
    with open_input(path) as fh:
        data = fh.read()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():
        raise EmptyInputError("the file is empty", path=p)
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        raise InputError(_undecodable(p, exc), path=p) from exc
    except ValueError as exc:
        raise InputError(f"malformed JSON: {exc}", path=p) from exc
    except RecursionError as exc:
        raise InputError(TOO_DEEP, path=p) from exc
    if isinstance(doc, list):
        if not doc:
            raise EmptyInputError("the JSON list holds no records", path=p)
        yield from enumerate(doc, start=1)
    else:
        yield 1, doc


TOO_DEEP = "JSON nested too deep to read (thousands of levels: not a post or account record)"


def read_json_frame(path: str | os.PathLike[str], fmt: str, rejects: Rejects) -> pd.DataFrame:
    """A JSON or JSONL table of flat records (a table this tool wrote), read record by record.

    Read with :func:`iter_json_records`, as every JSON input is (a UTF-16 or UTF-32 file is read as
    its mark says, a UTF-8 mark is removed). A record that cannot be used is kept aside in
    ``rejects`` with its record number, and the others are read: a JSONL line that does not parse or
    holds text not in its encoding, and a record that is not a JSON object (a string, a number, a
    list). The frame's index holds the record numbers of the records read; it is empty when every
    one was kept aside (the caller says so). A JSON object of objects is a table by columns (what
    pandas' ``to_json`` writes by default) and is read as pandas reads it.

    Raises
    ------
    InputError
        The whole JSON does not parse, or its text is not in its encoding (naming the file).
    EmptyInputError
        The file holds no record at all.
    """
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    for n, rec in iter_json_records(path, fmt, rejects):
        if isinstance(rec, dict):
            records.append(rec)
            numbers.append(n)
        else:
            rejects.add(n, None, f"a record must be a JSON object, not {_json_kind(rec)}", rec)
    if fmt == "json" and numbers == [1] and records[0] and all(isinstance(v, dict) for v in records[0].values()):
        by_columns = pd.DataFrame(records[0])
        by_columns.index = pd.RangeIndex(1, len(by_columns) + 1)
        return by_columns
    return pd.DataFrame(records, index=pd.Index(numbers, dtype="int64"))


def read_output_table(path: str | os.PathLike[str], rejects: Rejects, columns: Sequence[str] = ()) -> pd.DataFrame:
    """A table ``detector score`` or ``detector posts`` wrote (CSV, JSON, JSONL or Parquet), read record by record.

    A record that cannot be read (a CSV row of the wrong width, a JSONL line that does not parse, a
    JSON record that is not an object, a NUL byte) is kept aside in ``rejects`` with its record
    number, and the others are read: the frame's index holds their record numbers. A table with no
    row is an empty table, not an error: ``detector posts`` finding no cluster writes a CSV header
    alone, a JSON ``[]`` or an empty JSONL file. One that names no column (JSON, JSONL) has ``columns``.

    Raises
    ------
    InputError
        The file holds records and none could be read (naming the file and the first one's problem),
        or the whole file cannot be: a JSON document that does not parse, text not in its encoding.
    """
    p = str(path)
    before = len(rejects)
    try:
        fmt = resolve_format(p, None)
    except EmptyInputError:
        if Path(p).suffix.lower() not in (".jsonl", ".ndjson"):  # only JSONL writes an empty table as an empty file
            raise
        return pd.DataFrame(columns=list(columns))
    if fmt == "csv":
        try:
            chunks = list(read_csv_strings(p, rejects=rejects))
            df = pd.concat(chunks) if chunks else pd.DataFrame()  # no chunk: every row was kept aside
        except EmptyInputError:
            with open_input(p) as fh:
                df = pd.read_csv(fh, nrows=0, dtype=str, sep=csv_delimiter(p), encoding="utf-8-sig")
    elif fmt == "parquet":
        df = pd.read_parquet(p)
        df.index = pd.RangeIndex(1, len(df) + 1)
    else:
        try:
            df = read_json_frame(p, fmt, rejects)
        except EmptyInputError:
            df = pd.DataFrame(columns=list(columns))
    aside = [r for r in rejects.rows[before:] if r["action"] == "rejected"]
    if not len(df) and aside:
        n = len({r["row"] for r in aside})
        raise InputError(
            f"no record could be read: {'the only one was' if n == 1 else f'all {n:,} were'} kept aside "
            f"(record {aside[0]['row']}: {aside[0]['reason']})",
            path=p,
        )
    return df


def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words ("a string", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "a number"


def read_text_input(path: str | os.PathLike[str]) -> str:
    """A small text file given by the user (a watch file, a list of names) whole, as text.

    Read through :func:`open_input`: a UTF-16 or UTF-32 file is read as its mark says, a UTF-8 mark
    is removed; one that looks UTF-16 or UTF-32 without its mark is refused, as any input is.

    Raises
    ------
    InputError
        The text is not in its encoding, or looks wide without a mark (naming the file).
    """
    p = str(path)
    with open_input(path) as fh:
        data = fh.read()
    refuse_wide_without_bom(data[:64], p)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(_undecodable(p, exc), path=p) from exc


def _undecodable(path: str, exc: UnicodeDecodeError) -> str:
    """Why a whole file is not read: bytes that are not UTF-8, or a UTF-16/32 code unit that does not decode."""
    encoding = wide_encoding(path)
    if encoding:
        return (
            f"the file holds a code unit that is not {encoding} text (half of a surrogate pair, as a text cut "
            "inside an emoji leaves it, or a damaged file): not read with a letter replaced"
        )
    return (
        f"the file holds bytes that are not UTF-8 text (0x{exc.object[exc.start]:02x}): it was saved in another "
        "encoding (Windows-1250 or -1252, say); save it as UTF-8 and give it again"
    )


# pandas (and Python's csv writer) leave a field unquoted when its only line break is a lone CR
# and the line end is LF: RFC 4180 forbids it, but such files are common (profile descriptions
# written on old Macs). In a file whose lines end with LF, a CR not followed by LF is data; parsers
# that take every CR for a line end split the record there. The readers swap such CRs for a
# noncharacter (never in real text) before parsing, and swap them back in the values.
_LONE_CR = re.compile(rb"\r(?!\n)")
_CR_STANDINS = ("\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3")


def lone_cr_standin(path: str | os.PathLike[str]) -> str | None:
    """The stand-in for this CSV's lone CRs that are data, or None when there are none.

    None also for a file whose lines end with a lone CR (old Mac files: there it is the line end),
    and for the (absurd) file that holds every stand-in already. Most files have no lone CR: for
    them this is one fast scan; the stand-ins are looked for only in a file that needs one.
    """
    if not _blocks_match(path, _LONE_CR, first_line_check=True, needle=b"\r"):
        return None
    for standin in _CR_STANDINS:
        if not _blocks_match(path, re.compile(re.escape(standin.encode()))):
            return standin
    return None


def _blocks_match(path: str | os.PathLike[str], pattern: re.Pattern[bytes], first_line_check: bool = False, needle: bytes | None = None) -> bool:
    """Whether ``pattern`` (a byte or two long) occurs in the file, read in blocks.

    With ``first_line_check``, a file whose first line ends with a lone CR never matches. A block
    without ``needle`` (bytes every match holds) is not searched: finding a byte is a memchr,
    several times faster than the pattern's search.
    """
    first = first_line_check
    with open_input(path) as fh:
        while block := fh.read(1 << 23):
            while block.endswith((b"\r", b"\xef", b"\xef\xb7")) and (more := fh.read(1)):
                block += more  # a CR (or a stand-in) cut at the block's end: read on a byte
            if first:
                first = False
                i = min((j for j in (block.find(b"\r"), block.find(b"\n")) if j != -1), default=-1)
                if i != -1 and block[i : i + 2] != b"\r\n" and block[i : i + 1] == b"\r":
                    return False  # the header line ends with a lone CR: that is this file's line end
            if (needle is None or needle in block) and pattern.search(block):
                return True
    return False


class _LoneCrStream(_Rewritten):
    """The bytes of a CSV with each lone CR swapped for ``standin`` (see :func:`lone_cr_standin`)."""

    def __init__(self, path: str | os.PathLike[str], standin: str) -> None:
        super().__init__(open_input(path))
        self._standin = standin.encode()

    def _more(self) -> bytes | None:
        block = self._raw.read(1 << 20)
        if not block:
            return None
        while block.endswith(b"\r") and (more := self._raw.read(1)):
            block += more
        return _LONE_CR.sub(self._standin, block)


def arrow_csv_source(path: str | os.PathLike[str], standin: str | None) -> Any:
    """What pyarrow's CSV reader should open: the path, or its bytes as UTF-8 (:func:`open_input`) with
    any lone CRs swapped for ``standin``."""
    if standin:
        return _LoneCrStream(path, standin)
    return open_input(path) if wide_encoding(path) else path


def csv_delimiter(path: str | os.PathLike[str]) -> str:
    """The header line's most frequent of ``,`` ``;`` and tab (comma on a tie or when none)."""
    with open_input(path) as fh:
        header = fh.readline(65536).decode("utf-8", "replace")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv_strings(
    path: str | os.PathLike[str],
    chunksize: int | None = None,
    rejects: Rejects | None = None,
) -> Iterator[pd.DataFrame]:
    """Read a CSV with every column as text, BOM removed, in chunks.

    A header that names one column twice is an error of the whole file (which of the two would
    count?). A row holding a NUL byte is rejected like a row of the wrong width (see below).

    Empty cells become missing values. The frame's index holds the 1-based record number (the
    header is not one), so a per-row warning can say which record of the file it is about; a quoted
    field may hold line breaks (RFC 4180), so a record may span several lines, and a row of the
    wrong width is also given its lines. A lone CR inside a field of a file whose lines end with LF
    (as pandas writes it, unquoted) is data, not a line end. The delimiter is the header line's
    most frequent of comma, semicolon (spreadsheets in many locales) and tab.

    A row whose number of fields differs from the header's (a stray delimiter, a broken quote) is
    an error of the whole file when ``rejects`` is None. With ``rejects``, such rows are kept aside
    there with their record number and lines, and every other row is still read: the fast parser
    stops at the first bad row, then pyarrow reads on, on one thread, setting bad rows aside (the
    standard library's reader takes over only where pyarrow cannot go on: bad UTF-8, say).
    """
    p = str(path)
    sep = csv_delimiter(path)
    with open_input(path) as fh:
        first = fh.readline()
    refuse_wide_without_bom(first, p)
    head = first.decode("utf-8-sig", errors="replace")
    if head.lstrip().startswith(("{", "[")):
        raise InputError("malformed CSV: the header line is JSON (give --format json or jsonl)", path=p)
    try:
        first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # headers matched wrongly and every text garbled: stop, not guess
        raise InputError(_not_text(p, "the header line", first[exc.start]), path=p) from exc
    names = next(_csv_module_rows(head, sep), [])
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        key = name.strip().lower()
        if key and key in seen:
            raise InputError(
                f"the header names column '{escape_controls(name.strip())}' twice (columns {seen[key]} and {i}): "
                "rename or remove one",
                path=p,
            )
        seen[key] = i
    chunks = _read_csv_chunks(path, sep, names, chunksize, rejects)
    if not has_nul(path):
        yield from chunks
        return
    for chunk in chunks:
        bad = np.zeros(len(chunk), dtype=bool)
        for col in chunk.columns:
            bad |= chunk[col].astype("string").str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            rows = chunk.index[bad]
            if rejects is None:
                raise InputError(NUL_REASON, path=p, row=int(rows[0]))
            for row in rows:
                rejects.add(int(row), None, NUL_REASON, _compact(chunk.loc[row].dropna().to_dict()))
            chunk = chunk.loc[~bad]
        yield chunk


def _read_csv_chunks(
    path: str | os.PathLike[str], sep: str, names: list[str], chunksize: int | None, rejects: Rejects | None
) -> Iterator[pd.DataFrame]:
    import pyarrow as pa

    p = str(path)
    size = chunksize or 200_000
    start = 1
    got_any = False
    standin = lone_cr_standin(path)
    if names and len(set(names)) == len(names):  # pyarrow needs distinct column names
        try:
            for chunk in _arrow_csv(path, sep, names, size, standin):
                start += len(chunk)
                got_any = True
                yield chunk
            if not got_any:
                raise EmptyInputError("the CSV has a header but no rows", path=p)
            return
        except pa.ArrowInvalid as exc:
            problem = f"malformed CSV: {exc}".splitlines()[0]
        if rejects is None:
            found = Rejects(p)
            for _ in _tolerant_csv(path, sep, start, size, found, standin):
                if len(found):
                    break
            first = found.rows[0] if found.rows else None
            raise InputError(
                first["reason"] if first else problem, path=p, row=first["row"] if first else None
            )
        log.warning("%s: %s; reading on and keeping bad rows aside", p, problem)
        aside = _BadRowsAside(path, standin, rejects)
        try:
            # pyarrow again, on one thread (so that it numbers the rows it skips), from the start
            with _quiet_handler_faults(aside, p):
                for chunk in _arrow_csv(path, sep, names, size, standin, aside=aside, first_record=start):
                    got_any = True
                    yield chunk
            aside.report_rest()
            if not got_any and not len(rejects):
                raise EmptyInputError("the CSV has a header but no rows", path=p)
            return
        except (pa.ArrowInvalid, _Unplaceable) as exc:  # a broken quote at the end, bad UTF-8
            start = aside.done + 1
            log.warning("%s: %s; reading the rest row by row", p, f"malformed CSV: {exc}".splitlines()[0])
        for chunk in _tolerant_csv(path, sep, start, size, rejects, standin):
            got_any = got_any or len(chunk) > 0
            yield chunk
        if not got_any and not len(rejects):
            raise EmptyInputError("the CSV has a header but no rows", path=p)
        return
    try:
        reader = pd.read_csv(
            open_input(path) if wide_encoding(path) else path,
            sep=sep,
            # object, not str: a pyarrow string cannot hold the lone surrogates that mark bytes that
            # are not UTF-8, and such rows are set aside below, never read with letters replaced.
            dtype=object,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
            encoding_errors="surrogateescape",
            chunksize=chunksize or 200_000,
            engine="c",
            on_bad_lines="error",
        )
        for chunk in reader:
            if not isinstance(chunk.index, pd.RangeIndex):
                # pandas reads a first data row with one field more than the header as row names,
                # shifting every value one column left: a quoting error, never data.
                raise _BadRows(
                    "malformed CSV: the data rows have more fields than the header "
                    "(a delimiter inside an unquoted field?)",
                    start,
                )
            chunk.index = pd.RangeIndex(start, start + len(chunk))
            start += len(chunk)
            chunk = _not_utf8_aside(chunk, sep, p, names, rejects).astype(str)
            got_any = got_any or len(chunk) > 0
            yield chunk
    except pd.errors.EmptyDataError as exc:
        raise EmptyInputError("the file is empty", path=p) from exc
    except (pd.errors.ParserError, _BadRows) as exc:
        message = f"malformed CSV: {exc}" if isinstance(exc, pd.errors.ParserError) else str(exc)
        if rejects is None:
            row = exc.row if isinstance(exc, _BadRows) else None
            raise InputError(message, path=p, row=row) from exc
        log.warning("%s: %s; reading the rest row by row and keeping bad rows aside", p, message)
        for chunk in _tolerant_csv(path, sep, start, chunksize or 200_000, rejects, standin):
            got_any = got_any or len(chunk) > 0
            yield chunk
    if not got_any and not (rejects is not None and len(rejects)):
        raise EmptyInputError("the CSV has a header but no rows", path=p)


def _not_utf8_aside(chunk: pd.DataFrame, sep: str, path: str, names: list[str], rejects: Rejects | None) -> pd.DataFrame:
    """``chunk`` without its rows holding bytes that are not UTF-8 (read as lone surrogates).

    Each such row goes to ``rejects`` naming its first such field; with no ``rejects`` the first
    one stops the file. Columns are taken by position: this reader serves headers that repeat a name.
    """
    bad = np.zeros(len(chunk), dtype=bool)
    first_bad: dict[int, int] = {}
    for i in range(chunk.shape[1]):
        col = chunk.iloc[:, i]
        hit = col.map(lambda v: isinstance(v, str) and _NOT_UTF8.search(v) is not None).to_numpy(dtype=bool)
        for k in np.flatnonzero(hit & ~bad).tolist():
            first_bad[k] = i
        bad |= hit
    if not bad.any():
        return chunk
    for k in sorted(first_bad):
        i = first_bad[k]
        name = names[i].strip() if i < len(names) and names[i].strip() else f"column {i + 1} (no name in the header)"
        value = chunk.iat[k, i]
        reason = _not_text(path, "this field", ord(_NOT_UTF8.search(value).group()) - 0xDC00)  # type: ignore[union-attr]
        row = int(chunk.index[k])
        if rejects is None:
            raise InputError(reason, path=path, row=row, field=name)
        joined = sep.join("" if not isinstance(v, str) else v for v in chunk.iloc[k].tolist())
        rejects.add(row, name, reason, _as_text(joined))
    return chunk.loc[~bad]


def _arrow_csv(
    path: str | os.PathLike[str],
    sep: str,
    names: list[str],
    chunksize: int,
    standin: str | None = None,
    aside: _BadRowsAside | None = None,
    first_record: int = 1,
) -> Iterator[pd.DataFrame]:
    """Stream the CSV with pyarrow's multi-threaded reader, in chunks of exactly ``chunksize`` rows.

    pyarrow is several times faster than pandas' parser. It stops with ``pyarrow.ArrowInvalid``
    at a row it cannot read (wrong width, broken quote, bad UTF-8); the caller then reads again
    with ``aside``: on one thread, rows of the wrong width go to ``aside`` with their record
    numbers, and only records from ``first_record`` on are yielded. Quoted fields may hold line
    breaks (RFC 4180); lone CRs that are data are read through ``standin``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        arrow_csv_source(path, standin),
        read_options=pacsv.ReadOptions(block_size=8 << 20, use_threads=aside is None),
        parse_options=pacsv.ParseOptions(
            delimiter=sep, newlines_in_values=True, invalid_row_handler=aside.handler if aside else None
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    mapper = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}.get
    pending: list[Any] = []
    buffered = 0
    start = 1

    def emit(table: Any) -> pd.DataFrame:
        nonlocal start
        if standin:  # the lone CRs back, in the few columns that hold one
            table = pa.table(
                [pc.replace_substring(c, standin, "\r") if pc.any(pc.match_substring(c, standin)).as_py() else c for c in table.columns],
                names=table.column_names,
            )
        chunk = table.to_pandas(types_mapper=mapper)
        if aside is None:
            chunk.index = pd.RangeIndex(start, start + len(chunk))
            start += len(chunk)
            return chunk
        chunk.index = pd.Index(aside.number(len(chunk)), dtype="int64")
        return chunk.loc[chunk.index >= first_record]

    for batch in reader:
        pending.append(batch)
        buffered += batch.num_rows
        if buffered >= chunksize:
            table = pa.Table.from_batches(pending, schema=reader.schema)
            offset = 0
            while table.num_rows - offset >= chunksize:
                if len(chunk := emit(table.slice(offset, chunksize))):
                    yield chunk
                offset += chunksize
            rest = table.slice(offset)
            pending, buffered = rest.to_batches(), rest.num_rows
    if buffered and len(chunk := emit(pa.Table.from_batches(pending, schema=reader.schema))):
        yield chunk


@contextlib.contextmanager
def _quiet_handler_faults(aside: _BadRowsAside, path: str) -> Iterator[None]:
    """Keep a fault in pyarrow's call of ``aside.handler`` off stderr.

    pyarrow decodes a bad row's text before it calls the handler; a row holding bytes that are not
    UTF-8 fails there, and Python writes the error as "Exception ignored in ..." with a traceback to
    stderr. pyarrow then stops with ``ArrowInvalid`` and the row-by-row reader sets the row aside with
    its reason (the bytes, the line); the fault itself goes to the log at DEBUG.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if getattr(unraisable.object, "__self__", None) is aside:
            log.debug("%s: pyarrow could not hand a bad row over: %r", path, unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


class _Unplaceable(Exception):
    """A row pyarrow set aside could not be found in the file (to say its lines)."""


class _BadRowsAside:
    """Rows of the wrong width that pyarrow skips, numbered as records and put in ``rejects``.

    pyarrow, on one thread, calls :meth:`handler` for a bad row before it delivers the rows that
    follow it; :meth:`number` numbers the good rows delivered around them, and reports the bad
    rows they have passed (so a fall back to the row-by-row reader never reports one twice).
    """

    def __init__(self, path: str | os.PathLike[str], standin: str | None, rejects: Rejects) -> None:
        self.path, self.standin, self.rejects = path, standin, rejects
        self.bad: list[tuple[int, int, int, str]] = []  # record, fields, header fields, text
        self.reported = 0  # how many of self.bad are in rejects
        self.done = 0  # the last record numbered or reported
        self._cursor = 0  # where the next bad row is looked for in the file
        self._line = 1  # the line of the file at _cursor
        self._decoded: bytes | None = None  # a UTF-16 or UTF-32 file's text as UTF-8, once a row is looked for

    def handler(self, row: Any) -> str:
        if row.number is None:
            raise _Unplaceable("pyarrow gave no row number")
        self.bad.append((row.number - 1, row.actual_columns, row.expected_columns, _restore_cr(row.text, self.standin)))
        return "skip"

    def number(self, k: int) -> np.ndarray:
        """The record numbers of the next ``k`` good rows (the bad rows among them skipped)."""
        ahead = np.array([b[0] for b in self.bad[self.reported :]], dtype="int64")
        numbers = np.arange(self.done + 1, self.done + 1 + k + len(ahead), dtype="int64")
        numbers = numbers[~np.isin(numbers, ahead)][:k]
        if k:
            self._report(lambda record: record < numbers[-1])
            self.done = int(numbers[-1])
        return numbers

    def report_rest(self) -> None:
        self._report(lambda record: True)
        if self.bad:
            self.done = max(self.done, self.bad[-1][0])

    def _report(self, passed: Any) -> None:
        todo: list[tuple[int, int, int, str]] = []
        while self.reported + len(todo) < len(self.bad) and passed(self.bad[self.reported + len(todo)][0]):
            todo.append(self.bad[self.reported + len(todo)])
        placed = [self._lines(text) for _, _, _, text in todo]  # all found, or none reported
        for (record, fields, width, text), (first, last) in zip(todo, placed, strict=True):
            lines = f"line {first}" if first == last else f"lines {first}-{last}"
            self.rejects.add(
                record,
                None,
                f"malformed CSV row ({lines} of the file): {fields} fields where the header has {width} "
                "(a delimiter inside an unquoted field, or a broken quote?)",
                text,
            )
        self.reported += len(todo)

    def _lines(self, text: str) -> tuple[int, int]:
        import mmap

        needle = b"\n" + text.encode("utf-8")
        if wide_encoding(self.path):  # rows are found in the text as read, UTF-8 (no file to map)
            if self._decoded is None:
                with open_input(self.path) as fh:
                    self._decoded = fh.read()
            return self._find(self._decoded, needle, text)
        with open(self.path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return self._find(mm, needle, text)

    def _find(self, data: Any, needle: bytes, text: str) -> tuple[int, int]:
        at = data.find(needle, self._cursor)
        if at == -1:
            raise _Unplaceable(f"a bad row was not found in the file: {text[:40]!r}")
        first = self._line + data[self._cursor : at + 1].count(b"\n")
        self._cursor = at + 1
        self._line = first
        return first, first + text.count("\n")


def _csv_module_rows(text: str, sep: str) -> Iterator[list[str]]:
    import csv

    return csv.reader(io.StringIO(text, newline=""), delimiter=sep)  # a lone CR ends a line too


class _BadRows(Exception):
    def __init__(self, message: str, row: int) -> None:
        super().__init__(message)
        self.row = row


def _tolerant_csv(
    path: str | os.PathLike[str],
    sep: str,
    first_row: int,
    chunksize: int,
    rejects: Rejects,
    standin: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Data rows ``first_row`` onwards, in chunks; rows of the wrong width go to ``rejects``.

    Rows are counted as records (the header is not one), as everywhere else; a record of the wrong
    width is also given the lines of the file it spans, since a quoted field may hold line breaks
    and an editor shows lines.
    """
    import csv

    csv.field_size_limit(2**31 - 1)
    raw: IO[bytes] = io.BufferedReader(_LoneCrStream(path, standin), 1 << 20) if standin else open_input(path)
    # Bytes that are not UTF-8 become lone surrogates (never in decoded text): such a row is set
    # aside, not read with its letters replaced (a Windows-1250 'Skupštine' was read as 'Skup?tine').
    with io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        header = next(reader)
        width = len(header)
        rows: list[list[str]] = []
        numbers: list[int] = []
        n = 0
        last_line = reader.line_num
        for fields in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if not fields:  # a blank line is no record, as for the other readers
                continue
            n += 1
            if n < first_row:
                continue
            if (bad := _NOT_UTF8.search(joined := sep.join(fields))) is not None:
                lines = f"line {first_line}" if first_line == last_line else f"lines {first_line}-{last_line}"
                where = f"this row ({lines} of the file)"
                at = next(i for i, f in enumerate(fields) if _NOT_UTF8.search(f))
                name = (header[at].strip() if at < len(header) else "") or f"column {at + 1} (no name in the header)"
                rejects.add(n, name, _not_text(path, where, ord(bad.group()) - 0xDC00), _restore_cr(_as_text(joined), standin))
                continue
            if len(fields) != width:
                lines = f"line {first_line}" if first_line == last_line else f"lines {first_line}-{last_line}"
                rejects.add(
                    n,
                    None,
                    f"malformed CSV row ({lines} of the file): {len(fields)} fields where the header has {width} "
                    "(a delimiter inside an unquoted field, or a broken quote?)",
                    _restore_cr(sep.join(fields), standin),
                )
                continue
            rows.append(fields)
            numbers.append(n)
            if len(rows) >= chunksize:
                yield _string_frame(rows, numbers, header, standin)
                rows, numbers = [], []
        if rows:
            yield _string_frame(rows, numbers, header, standin)


# Bytes a UTF-8 decoder could not read, as ``surrogateescape`` keeps them.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
NOT_UTF8 = (
    "{where} holds bytes that are not UTF-8 text (0x{byte:02x}): the file was saved in another encoding "
    "(Windows-1250 or -1252, say); save it as {utf8} and give it again"
)

# Files no spreadsheet saves: their advice is plain UTF-8, not Excel's 'CSV UTF-8' (session 16: a TOML or JSONL file was told
# to save itself as 'CSV UTF-8'). Any other name (.csv, .txt, .dat, none) may be a spreadsheet's export and keeps the hint.
_NOT_TABLE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".toml", ".env", ".yaml", ".yml")


def _is_table_name(path: str | os.PathLike[str]) -> bool:
    return not str(path).lower().endswith(_NOT_TABLE_SUFFIXES)


def _excel_hint(path: str | os.PathLike[str]) -> str:
    """``"Excel: 'CSV UTF-8'; or "`` for a file a spreadsheet may have saved, else nothing."""
    return "Excel: 'CSV UTF-8'; or " if _is_table_name(path) else ""


NOT_WIDE = (
    "{where} holds a code unit that is not {encoding} text (half of a surrogate pair, as a text cut inside an "
    "emoji leaves it, or a damaged file): kept aside, not read with a letter replaced"
)


def _not_text(path: str | os.PathLike[str], where: str, byte: int) -> str:
    """Why text is not read: bytes that are not UTF-8, or, in a UTF-16/UTF-32 file, a code unit that does not decode."""
    encoding = wide_encoding(path)
    if encoding:
        return NOT_WIDE.format(where=where, encoding=encoding)
    utf8 = "'CSV UTF-8'" if _is_table_name(path) else "UTF-8"
    return NOT_UTF8.format(where=where, byte=byte, utf8=utf8)


def _as_text(text: str) -> str:
    """``text`` with the bytes that were not UTF-8 shown as the replacement character."""
    return _NOT_UTF8.sub("\ufffd", text)


def _restore_cr(text: str, standin: str | None) -> str:
    return text.replace(standin, "\r") if standin else text


def _string_frame(rows: list[list[str]], numbers: list[int], header: list[str], standin: str | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(numbers, dtype="int64"), dtype="string")
    if standin:
        frame = frame.apply(lambda col: col.str.replace(standin, "\r", regex=False))
    return frame.where(frame != "", None)


@contextlib.contextmanager
def readable_input(path: str | os.PathLike[str]) -> Iterator[str]:
    """Yield a path that readers may open as often as they need.

    ``-`` (standard input), a pipe or a FIFO can be read only once, while format detection, the
    delimiter sniffer and the reader each open the file: such an input is copied once into a
    private temporary folder (as ``stdin``), which is removed afterwards. A regular file or a
    folder is yielded as it is.
    """
    import shutil
    import stat

    p = str(path)
    if p != "-":
        try:
            mode = os.stat(p).st_mode
        except OSError:
            yield p
            return
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            yield p
            return
    folder = tempfile.mkdtemp(prefix="detector-input-")
    copy = os.path.join(folder, "stdin" if p in ("-", "/dev/stdin") else os.path.basename(p) or "input")
    try:
        with open(copy, "wb") as out:
            if p == "-":
                shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
            else:
                with open(p, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# The outputs written, by the suffix that names each; any other suffix that names a format is refused.
OUTPUT_SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
OUTPUTS_WRITTEN = ".csv, .json, .jsonl (or .ndjson) and .parquet (or .pq)"
COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz", ".zst", ".zip", ".7z", ".tgz"}


def output_format(path: str) -> str:
    """Choose the output format from a file name: ``.csv``, ``.json``, ``.jsonl``/``.ndjson``, ``.parquet``/``.pq``.

    A name with no suffix, or a suffix that names no format (``day.05-01``, ``week.2024``), and
    ``-`` (stdout) are written as CSV.

    Raises
    ------
    UnknownFormatError
        The suffix names a format that is not written (``scores.xlsx``, ``x.parquet.gz``): one format
        is never written under another's name.
    """
    if path == "-":
        return "csv"
    suffix = Path(path).suffix.lower()
    if suffix in OUTPUT_SUFFIXES:
        return OUTPUT_SUFFIXES[suffix]
    if not re.fullmatch(r"\.[a-z][a-z0-9]*", suffix):
        return "csv"
    message = f"no {suffix} output: the outputs written are {OUTPUTS_WRITTEN}"
    if suffix in COMPRESSED_SUFFIXES:
        message += "; a compressed output is not written: give .parquet (compressed inside), or .csv and compress it afterwards"
    elif suffix in SPREADSHEET_SUFFIXES:
        message += "; a spreadsheet opens the .csv"
    raise UnknownFormatError(message, path=path)


def check_outputs(files: Iterable[str | None], parts: Iterable[str | None] = ()) -> None:
    """Refuse, before any work, an output whose name asks for a format that is not written.

    ``files`` are written as one file each (:func:`output_format`); ``parts`` as a folder of parts
    by the dask engine, which writes CSV parts for a name ending ``.csv`` and Parquet parts for any
    other (``-`` and ``None`` are skipped in both).

    Raises
    ------
    UnknownFormatError
        Naming the output and the suffixes that are written.
    """
    for path in files:
        if path is not None:
            output_format(path)
    for path in parts:
        if path is not None and path != "-" and output_format(path) not in ("csv", "parquet"):
            raise UnknownFormatError(
                "the dask engine writes a folder of parts, CSV (a name ending .csv) or Parquet (.parquet, .pq, or no suffix): "
                f"name it so, or write {Path(path).suffix} with the local engine",
                path=path,
            )


# errno values that mean "no room": the disk, the user's quota, or the file-size limit (ulimit -f).
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it over ``path`` atomically.

    On any error the temporary file is removed and ``path`` is left as it was. A temporary file
    left by a run that was killed (``kill -9`` cannot be cleaned up after) is removed by the next
    write of the same output: each writer holds an ``flock`` on its temporary file, so one whose
    lock can be taken belongs to no living process.

    Raises
    ------
    OutputError
        The disk (or quota, or file-size limit) is full: "cannot write out.csv: disk full".
    """
    target = Path(path)
    if target.is_dir():
        raise InputError("the output is a folder: give a file name", path=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # checked before any work is done, not after
        if exc.errno in _NO_SPACE:
            raise OutputError(f"cannot write {escape_controls(target)}: disk full") from exc
        raise InputError(f"cannot write the output here: {exc.strerror or exc}", path=str(target)) from exc
    tmp_path = Path(tmp)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when this process ends, however
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            raise OutputError(f"cannot write {escape_controls(target)}: disk full") from exc
        raise
    finally:
        os.close(fd)


def _temporaries(target: Path) -> Iterator[Path]:
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]{{8}}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


def remove_stale_temporaries(target: str | os.PathLike[str]) -> int:
    """Remove temporary files beside ``target`` that a killed writer left; return how many.

    A temporary file whose ``flock`` can be taken has no living writer. One that a running writer
    holds is left alone.
    """
    import fcntl

    removed = 0
    for tmp in _temporaries(Path(target)):
        try:
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a living writer holds it
        else:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed += 1
                log.info("removed %s, left by a run that was stopped", escape_controls(tmp))
        finally:
            os.close(fd)
    return removed


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (through links, ``./`` and case-folding file systems)."""
    if str(a) == "-" or str(b) == "-":
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_overwrite(inputs: Iterable[str | os.PathLike[str] | None], outputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Stop before any work when an output (or its rejects file) would replace an input, or two
    outputs (the first one's rejects file among them) would be one file.

    Raises
    ------
    OutputError
        Naming the output and the input it would destroy.
    """
    ins = [i for i in inputs if i is not None and str(i) != "-"]
    outs = [o for o in outputs if o is not None and str(o) != "-"]
    # Two outputs on one file: the one written last would replace the other without a word; and the
    # first output's rejects file is written (or, with no rejects, a stale one removed) after them all.
    for k, path in enumerate(outs):
        for other in outs[:k]:
            if same_file(path, other):
                raise OutputError(f"two outputs name one file, {escape_controls(path)}: one would replace the other; give each its own file")
        if k and same_file(path, rejects_path(str(outs[0]))):
            raise OutputError(
                f"the output {escape_controls(path)} is the rejects file of {escape_controls(outs[0])}: one would replace the other; "
                "give each its own file"
            )
    for out in outs:
        for candidate, what in ((out, "the output"), (rejects_path(str(out)), "the rejects file")):
            for i in ins:
                if same_file(candidate, i):
                    raise OutputError(
                        f"{what} {escape_controls(candidate)} is the input {escape_controls(i)}: "
                        "writing it would destroy the input; choose another -o"
                    )


def write_table(df: pd.DataFrame, path: str, fmt: str | None = None) -> None:
    """Write ``df`` to ``path`` atomically (``-`` is stdout), in the format its name asks for."""
    fmt = fmt or output_format(path)
    if path == "-":
        _write_to(df, sys.stdout, fmt)
        return
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                _write_to(df, fh, fmt)


def write_tables(tables: list[tuple[pd.DataFrame, str]], written: Callable[[int], None] | None = None) -> None:
    """Write each ``(frame, path)`` as :func:`write_table` does, the first in this thread while the
    others are written one after another in a second thread (the first is the largest: a posts
    job's post scores beside its clusters, authors and campaigns).

    Each file is written atomically; ``written(rows)`` is called as each one is done. An error of
    either thread is raised once both have stopped, and a file the other thread finished stays.
    """

    def write_one(df: pd.DataFrame, path: str) -> None:
        write_table(df, path)
        if written is not None:
            written(len(df))

    def write_rest() -> None:
        for df, path in tables[1:]:
            write_one(df, path)

    if len(tables) < 2:
        for df, path in tables:
            write_one(df, path)
        return
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="write") as pool:
        rest = pool.submit(write_rest)
        write_one(*tables[0])
    rest.result()


def _write_to(df: pd.DataFrame, fh: IO[str], fmt: str) -> None:
    if fmt == "csv":
        import csv

        # Every text cell quoted: a bare carriage return would start a new row in a spreadsheet.
        safe = safe_for_spreadsheets(df)
        if not _write_csv_arrow(safe, fh):
            safe.to_csv(fh, index=False, quoting=csv.QUOTE_NONNUMERIC)
    elif fmt == "jsonl":
        if len(df):
            df.to_json(fh, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif fmt == "json":
        df.to_json(fh, orient="records", force_ascii=False, date_format="iso", indent=1)
    elif fmt == "parquet":
        if fh is sys.stdout:
            raise InputError("Parquet cannot be written to stdout; give a file name")
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        fh.buffer.write(buf.getvalue())  # type: ignore[attr-defined]
    else:
        raise UnknownFormatError(f"unknown output format '{fmt}'")


CSV_CHUNK_ROWS = 100_000


def _write_csv_arrow(df: pd.DataFrame, fh: IO[str]) -> bool:
    """Write ``df`` as pandas' ``to_csv(index=False, quoting=QUOTE_NONNUMERIC)`` would, byte for byte.

    The cells are formatted and joined in Arrow, a chunk of rows at a time, instead of by pandas'
    per-row CSV writer (a large posts output took most of a minute that way). Returns False,
    having written nothing, when a column is of a kind this path does not format
    (``tests/test_io_csv.py`` checks both paths agree on every kind it does).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = [_csv_kind(df[c]) for c in df.columns]
    kinds = [k for k in found if k is not None]
    if not len(df.columns) or len(kinds) < len(found):
        return False
    newline = os.linesep
    header = ",".join('"' + str(c).replace('"', '""') + '"' for c in df.columns) + newline
    # Bytes straight to the binary layer when the text layer would encode them as UTF-8 anyway.
    utf8 = str(getattr(fh, "encoding", None) or "").lower().replace("-", "").replace("_", "") == "utf8"
    out = getattr(fh, "buffer", None) if utf8 else None
    if out is not None:
        fh.flush()

    def emit(text: Any) -> None:
        if out is not None:
            out.write(text)
        else:
            fh.write(bytes(text).decode("utf-8"))

    def lines_of(start: int) -> tuple[Any, memoryview]:
        """The CSV lines of the chunk of rows from ``start``: their Arrow array and its bytes."""
        part = df.iloc[start : start + CSV_CHUNK_ROWS]
        cells = [_csv_cells(part.iloc[:, i], kind, pa, pc) for i, kind in enumerate(kinds)]
        # One join makes each whole line: a quoted cell's quotes go into the separators around it.
        pieces: list[Any] = []
        after = ""
        for quoted, cell in cells:
            pieces += [pa.scalar(after + ("," if pieces else "") + ('"' if quoted else ""), pa.large_string()), cell]
            after = '"' if quoted else ""
        pieces.append(pa.scalar(after + newline, pa.large_string()))
        lines = pc.binary_join_element_wise(*pieces, pa.scalar("", pa.large_string()))
        lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
        return lines, memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]]

    emit(header.encode("utf-8"))
    starts = range(0, len(df), CSV_CHUNK_ROWS)
    if len(starts) < 2:
        for start in starts:
            emit(lines_of(start)[1])
        return True
    # Chunks are formatted by two threads (Arrow's kernels release the GIL) and written here in
    # order, at most three chunks ahead of the file.
    with concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="csv-lines") as pool:
        ahead: collections.deque[concurrent.futures.Future[tuple[Any, memoryview]]] = collections.deque()
        for start in starts:
            ahead.append(pool.submit(lines_of, start))
            if len(ahead) > 2:
                emit(ahead.popleft().result()[1])
        while ahead:
            emit(ahead.popleft().result()[1])
    return True


def _csv_kind(s: pd.Series) -> str | None:
    """How the fast CSV path formats a column (None: it does not, pandas must)."""
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype):
        return "text"
    if isinstance(dtype, pd.DatetimeTZDtype):
        # pandas writes whole seconds as "2017-09-07 19:52:00+00:00"; anything else goes to pandas.
        if str(dtype.tz) != "UTC":
            return None
        per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}.get(s.dt.unit)
        ticks = s.dropna().astype("int64").to_numpy()
        return "utc" if per_second and not (ticks % per_second).any() else None
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        values = s.dropna()
        return "text" if values.map(type).eq(str).all() else None
    if dtype.kind == "b" or isinstance(dtype, pd.BooleanDtype):
        return "bool"
    if dtype.kind in "iu":  # numpy and nullable integers
        return "int"
    if dtype.kind == "f":
        return "float"
    return None


def _csv_cells(s: pd.Series, kind: str, pa: Any, pc: Any) -> tuple[bool, Any]:
    """The CSV text of each cell of ``s`` (no nulls), and whether the cells go between quotes.

    Text (quotes doubled, missing as an empty text) and times go between quotes; numbers bare,
    missing as ``""``.
    """
    if kind == "text":
        arr = pa.array(s, from_pandas=True) if isinstance(s.dtype, pd.StringDtype) else pa.array(s.astype(object).where(s.notna(), None), from_pandas=True)
        arr = pc.fill_null(arr.cast(pa.large_string()), "")
        # Most columns hold no quote at all: their bytes are looked at, not replaced.
        if _holds_byte(arr, ord('"')):
            arr = pc.replace_substring(arr, '"', '""')
        return True, arr
    if kind == "utc":
        arr = pa.array(s.dt.tz_localize(None), from_pandas=True).cast(pa.timestamp("s"))
        arr = pc.binary_join_element_wise(arr.cast(pa.large_string()), pa.scalar("+00:00", pa.large_string()), pa.scalar("", pa.large_string()))
        return True, pc.fill_null(arr, "")
    if kind == "float":
        # Python's repr (what the csv module writes), once per distinct value.
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        text = pa.array([repr(float(v)) for v in uniques] + ['""'], type=pa.large_string())
        return False, text.take(pa.array(np.where(codes < 0, len(uniques), codes)))
    if kind == "bool":
        text = pa.array(["False", "True", '""'], type=pa.large_string())
        return False, text.take(pa.array(np.where(s.isna().to_numpy(), 2, s.fillna(False).astype(bool).to_numpy().astype(np.int64))))
    arr = pa.array(s, from_pandas=True).cast(pa.large_string())
    return False, pc.fill_null(arr, pa.scalar('""', pa.large_string()))


def _holds_byte(arr: Any, byte: int) -> bool:
    """Whether the UTF-8 bytes of a (chunked) string array hold ``byte`` anywhere."""
    import pyarrow as pa

    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        if not len(chunk) or chunk.buffers()[2] is None:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if pa.types.is_large_string(chunk.type) else np.int32)
        start, end = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        if (np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[start:end] == byte).any():
            return True
    return False


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_START).encode("ascii"), dtype=np.uint8)


def _starts_with_byte(arr: Any, first: np.ndarray) -> np.ndarray:
    """Which cells of a (chunked) large_string array start with one of the bytes ``first`` (missing:
    False): each non-empty cell's first byte read from Arrow's buffers, no pass over the texts."""
    import pyarrow as pa

    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = []
    for chunk in chunks:
        n = len(chunk)
        if not n:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
        data = chunk.buffers()[2]
        bytes_ = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        hit = np.zeros(n, dtype=bool)
        full = offsets[1:] > offsets[:-1]
        hit[full] = np.isin(bytes_[offsets[:-1][full]], first)
        if chunk.null_count:
            hit &= np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        parts.append(hit)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def safe_for_spreadsheets(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with text cells that a spreadsheet would run as a formula made inert.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'`` (OWASP's advice for CSV injection): ``=HYPERLINK(…)`` is shown, never run. Numbers stay
    numbers (``-5`` in a numeric column is untouched). Only CSVs get this; JSONL, JSON and Parquet
    keep the raw value.
    """
    out = None
    for col in df.columns:
        s = df[col]
        if s.dtype.kind not in "OSU" and not isinstance(s.dtype, pd.StringDtype):
            continue
        text = s if isinstance(s.dtype, pd.StringDtype) else s.map(lambda v: v if isinstance(v, str) else None).astype("string")
        if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
            import pyarrow as pa

            # Every formula character is ASCII, so the first byte of a cell tells: read from Arrow's buffers.
            risky = _starts_with_byte(pa.array(text, type=pa.large_string()), _FORMULA_BYTES)
        else:
            risky = text.str.startswith(FORMULA_START).fillna(False).to_numpy(dtype=bool)
        if not risky.any():
            continue
        if out is None:
            out = df.copy()
        if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            # The quote put in front by Arrow: no million-object column and back.
            import pyarrow as pa
            import pyarrow.compute as pc

            arr = pa.array(s, type=pa.large_string())
            quoted = pc.if_else(pa.array(risky), pc.binary_join_element_wise(pa.scalar("'", pa.large_string()), arr, pa.scalar("", pa.large_string())), arr)
            out[col] = pd.Series(pd.array(quoted, dtype=s.dtype), index=s.index)
            continue
        fixed = out[col].astype(object)
        fixed[risky] = "'" + text[risky].astype(str)
        out[col] = fixed.astype(s.dtype) if isinstance(s.dtype, pd.StringDtype) else fixed
    return df if out is None else out


def rejects_path(output: str) -> str:
    """Where the rejects of ``output`` go: ``scores.csv`` → ``scores.rejects.csv``.

    Only the last suffix goes: ``day.05-01.csv`` and ``day.05-02.csv`` keep rejects of their own.
    """
    if output == "-":
        return "rejects.csv"
    p = Path(output)
    return str(p.with_name(f"{p.stem or p.name}.rejects.csv"))


def write_rejects(rejects: Rejects, output: str) -> str | None:
    """Write the rejects next to ``output`` (or remove a stale one); return its path if written.

    A file that is the input of these rejects is never removed nor written over.
    """
    target = rejects_path(output)
    if rejects.path and same_file(target, rejects.path):
        raise OutputError(
            f"the rejects file {escape_controls(target)} is the input {escape_controls(rejects.path)}: choose another -o"
        )
    if len(rejects) == 0:
        with contextlib.suppress(FileNotFoundError):
            os.remove(target)
        return None
    write_table(rejects.frame(), target, "csv")
    return target


def _text_for_null(schema: Any) -> Any:
    """``schema`` with its null-typed (all missing) columns typed as text."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, pa.string() if pa.types.is_null(f.type) else f.type) for f in schema])


class ChunkWriter:
    """Write one table chunk by chunk, atomically: the target appears only when all is written.

    Use as a context manager; ``path`` ``-`` streams CSV or JSONL to stdout.
    """

    def __init__(self, path: str, fmt: str | None = None) -> None:
        self.path = path
        self.fmt = fmt or output_format(path)
        self.rows = 0
        self._stack = contextlib.ExitStack()
        self._fh: IO[str] | None = None
        self._parquet: Any = None
        self._csv: Any = None
        self._csv_schema: Any = None
        self._bin: Any = None
        self._tmp: Path | None = None
        self._json_parts: list[pd.DataFrame] = []

    def __enter__(self) -> ChunkWriter:
        if self.path == "-":
            if self.fmt == "parquet":
                raise InputError("Parquet cannot be written to stdout; give a file name")
            self._fh = sys.stdout
            if self.fmt == "csv":
                self._bin = sys.stdout.buffer
        else:
            self._tmp = self._stack.enter_context(atomic_path(self.path))
            if self.fmt in ("jsonl", "json"):
                self._fh = self._stack.enter_context(open(self._tmp, "w", encoding="utf-8", newline=""))
            elif self.fmt == "csv":
                self._bin = self._stack.enter_context(open(self._tmp, "wb"))
        return self

    def write(self, df: pd.DataFrame) -> None:
        self.rows += len(df)
        if self.fmt == "csv":
            # pyarrow's CSV writer is several times faster than DataFrame.to_csv.
            import pyarrow as pa
            import pyarrow.csv as pacsv

            table = pa.Table.from_pandas(safe_for_spreadsheets(df), preserve_index=False)
            if self._csv is None:
                schema = _text_for_null(table.schema)
                self._csv = pacsv.CSVWriter(self._bin, schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
                self._csv_schema = schema
            self._csv.write_table(table.cast(self._csv_schema))
        elif self.fmt == "jsonl":
            assert self._fh is not None
            if len(df):
                text = df.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
                self._fh.write(text if text.endswith("\n") else text + "\n")
        elif self.fmt == "json":
            self._json_parts.append(df)
        elif self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self._parquet is None:
                # a column all missing in the first chunk is typed null; later chunks hold text
                self._parquet = pq.ParquetWriter(str(self._tmp), _text_for_null(table.schema))
            self._parquet.write_table(table.cast(self._parquet.schema))
        else:
            raise UnknownFormatError(f"unknown output format '{self.fmt}'")

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                if self.fmt == "json":
                    assert self._fh is not None
                    whole = pd.concat(self._json_parts, ignore_index=True) if self._json_parts else pd.DataFrame()
                    _write_to(whole, self._fh, "json")
                if self._parquet is not None:
                    self._parquet.close()
                elif self.fmt == "parquet" and self._tmp is not None:
                    pd.DataFrame().to_parquet(self._tmp, index=False)
                if self._csv is not None:
                    self._csv.close()
            elif self._parquet is not None:
                self._parquet.close()
        finally:
            if self._fh is not None and self._fh is not sys.stdout:
                self._fh.flush()
            if self._bin is not None:
                self._bin.flush()
            self._stack.__exit__(exc_type, exc, tb)


def markdown_section_tail(path: str | os.PathLike[str], heading: str, mark: str) -> str | None:
    """The part of the section ``heading`` of the Markdown file at ``path`` from ``mark`` to the
    section's end, blank lines around it dropped; ``None`` when the file, the section or the mark is
    missing. Benchmarks keep their hand-kept notes with it when they rewrite their section."""
    p = Path(path)
    if not p.exists():
        return None
    text = p.read_text(encoding="utf-8")
    start = text.find(heading)
    if start < 0:
        return None
    end = text.find("\n## ", start + len(heading))
    section = text[start : end if end >= 0 else len(text)]
    at = section.find(mark)
    return section[at:].strip("\n") if at >= 0 else None


def replace_markdown_section(path: str | os.PathLike[str], section: str, title: str = "# Evaluation") -> None:
    """Put ``section`` (Markdown starting with its ``## `` heading) into the file at ``path``.

    The part from that heading to the next ``## `` heading (or the end) is replaced; a section not
    there yet is appended; every other section is left as it is. Written atomically, so generated
    reports (EVALUATION.md, BENCHMARKS.md) can each own their section of one file.
    """
    heading = section.lstrip("\n").split("\n", 1)[0].rstrip()
    if not heading.startswith("## "):
        raise ValueError(f"a section starts with its '## ' heading, not {heading!r}")
    p = Path(path)
    lines = p.read_text(encoding="utf-8").split("\n") if p.exists() else [title, ""]
    body = section.strip("\n").split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == heading)
    except StopIteration:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", *body, ""]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = [*body, ""] if end < len(lines) else [*body, ""]
    with atomic_path(p) as tmp:
        tmp.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


DATA_DIR_ENV = "DETECTOR_DATA_DIR"


def default_data_dir() -> Path:
    """Where the store lives unless told otherwise.

    ``$DETECTOR_DATA_DIR``, else ``$XDG_DATA_HOME/detector``, else ``~/.local/share/detector``.
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "detector"
