"""Open an uploaded file and read it in chunks (pyarrow), whatever its format.

The format is decided by the file's first bytes, never by its name: gzip (1f 8b) holds a
CSV, `PAR1` is Parquet, anything else must be UTF-8 text (CSV). Recognisable wrong types
(spreadsheets, zip archives, PDFs, UTF-16 text) are named in the message.

Chunks come as pyarrow record batches of text columns (Parquet columns are turned into
text, so that one set of checks serves both formats). The file's SHA-256 is computed as
it is read, so the worker can check it is the file that was uploaded.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
BLOCK_BYTES = 4 << 20  # CSV text parsed per chunk: about 30,000 person rows
PARQUET_BATCH_ROWS = 32_768
SNIFF_BYTES = 64 << 10

# Leading bytes of formats people send by mistake, and what to call them.
WRONG_TYPES = {
    b"PK\x03\x04": "a zip archive or an Excel workbook (.xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\xff\xfe": "UTF-16 text (save it as CSV UTF-8 instead)",
    b"\xfe\xff": "UTF-16 text (save it as CSV UTF-8 instead)",
    b"SQLite format 3": "an SQLite database",
}


class SourceError(Exception):
    """The file cannot be read at all. `code` is a ValidationReport problem kind."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def detect_format(path: Path) -> str:
    """'csv.gz', 'parquet' or 'csv' from the file's first bytes; SourceError otherwise."""
    with open(path, "rb") as raw:
        head = raw.read(SNIFF_BYTES)
    if not head:
        raise SourceError("empty_file", "The file is empty (0 bytes).")
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as inner:
                inner_head = inner.read(SNIFF_BYTES)
        except (OSError, EOFError) as exc:
            raise SourceError("unreadable_file", f"The gzip file is damaged: {exc}.") from None
        _check_text(inner_head, "The compressed file")
        return "csv.gz"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    _check_text(head, "The file")
    return "csv"


def _check_text(head: bytes, what: str) -> None:
    for magic, name in WRONG_TYPES.items():
        if head.startswith(magic):
            raise SourceError("wrong_file_type", f"{what} is {name}, not CSV or Parquet.")
    if head.startswith(PARQUET_MAGIC):
        raise SourceError("wrong_file_type", f"{what} is Parquet inside gzip; send it as is.")
    if not head.strip():
        raise SourceError("empty_file", f"{what} has no text in it.")
    if b"\x00" in head:
        raise SourceError("wrong_file_type", f"{what} is binary data, not CSV text.")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise SourceError(
                "unreadable_file",
                f"{what} is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8.",
            ) from None


class HashingReader(io.RawIOBase):
    """A raw file that adds every byte read to a SHA-256 and counts them."""

    def __init__(self, path: Path):
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._file.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            self.bytes_read += n
        return n

    def finish(self) -> str:
        """Read what is left (a reader may stop before the end), close the file and return
        the hex digest."""
        while chunk := self._file.read(1 << 20):
            self.digest.update(chunk)
            self.bytes_read += len(chunk)
        self._file.close()
        return self.digest.hexdigest()

    def close(self) -> None:
        # The readers wrapped around this one close it when they finish; the file itself
        # stays open until `finish` has hashed what they did not read.
        super().close()


@dataclass
class Source:
    """An opened upload: its format, normalised column names and how far it has been read."""

    path: Path
    format: str
    columns: list[str]
    size: int
    hasher: HashingReader | None = None
    skipped_rows: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    rows_read: int = 0
    total_rows: int | None = None  # known for Parquet (from its metadata)

    def fraction_read(self) -> float:
        """How far through the file reading has got, 0 to 1."""
        if self.total_rows:
            return min(1.0, self.rows_read / self.total_rows)
        return min(1.0, self.hasher.bytes_read / max(self.size, 1)) if self.hasher else 0.0

    def sha256(self) -> str:
        if self.hasher is None:
            return file_sha256(self.path)
        return self.hasher.finish()


def normalise_name(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


def open_source(path: Path) -> Source:
    """Detect the format and read the column names (SourceError if the file is unusable)."""
    path = Path(path)
    fmt = detect_format(path)
    size = os.path.getsize(path)
    if fmt == "parquet":
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as exc:
            raise SourceError("unreadable_file", f"The Parquet file is damaged: {exc}.") from None
        return Source(path, fmt, [normalise_name(n) for n in schema.names], size)
    opener = gzip.open if fmt == "csv.gz" else open
    with opener(path, "rb") as stream:
        first_line = stream.readline(1 << 20).decode("utf-8", errors="replace")
    header = next(csv.reader([first_line]), [])
    if not any(h.strip() for h in header):
        raise SourceError("empty_file", "The first line of the file is empty: no column names.")
    return Source(path, fmt, [normalise_name(n) for n in header], size)


def read_chunks(source: Source, wanted: list[str]) -> Iterator[pa.RecordBatch]:
    """The columns `wanted` (all present in source.columns), as text, chunk by chunk.
    Blank values are empty strings, never null. Rows with the wrong number of values are
    skipped and counted in `source.skipped_rows` (with the first line numbers kept)."""
    if source.format == "parquet":
        yield from _parquet_chunks(source, wanted)
    else:
        yield from _csv_chunks(source, wanted)


def _csv_chunks(source: Source, wanted: list[str]) -> Iterator[pa.RecordBatch]:
    source.hasher = HashingReader(source.path)
    stream = gzip.GzipFile(fileobj=source.hasher, mode="rb") if source.format == "csv.gz" else None

    def skip(row) -> str:
        source.skipped_rows += 1
        if len(source.skipped_lines) < 10 and row.number is not None:
            source.skipped_lines.append(row.number)
        return "skip"

    reader = pacsv.open_csv(
        pa.PythonFile(stream or source.hasher, mode="r"),
        read_options=pacsv.ReadOptions(
            column_names=source.columns, skip_rows=1, block_size=BLOCK_BYTES, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(invalid_row_handler=skip),
        convert_options=pacsv.ConvertOptions(
            include_columns=wanted,
            column_types=dict.fromkeys(wanted, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    try:
        for batch in reader:
            source.rows_read += batch.num_rows
            yield batch
    except pa.ArrowInvalid as exc:
        raise SourceError("unreadable_file", _arrow_message(exc)) from None
    finally:
        reader.close()


def _parquet_chunks(source: Source, wanted: list[str]) -> Iterator[pa.RecordBatch]:
    file = pq.ParquetFile(source.path)
    source.total_rows = file.metadata.num_rows
    names = {normalise_name(n): n for n in file.schema_arrow.names}
    try:
        for batch in file.iter_batches(
            batch_size=PARQUET_BATCH_ROWS, columns=[names[w] for w in wanted]
        ):
            source.rows_read += batch.num_rows
            yield pa.record_batch([as_text(c) for c in batch.columns], names=wanted)
    except (pa.ArrowException, OSError) as exc:
        raise SourceError("unreadable_file", _arrow_message(exc)) from None


def as_text(column: pa.Array) -> pa.Array:
    """A column as text: booleans as 0/1, dates as YYYY-MM-DD, nulls as blanks."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_boolean(column.type):
        column = pc.cast(column, pa.int8())
    if pa.types.is_timestamp(column.type):
        column = pc.cast(column, pa.date32())
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    return pc.fill_null(column, "")


def _arrow_message(exc: Exception) -> str:
    """pyarrow's message without the row's text (which would be person-level data)."""
    text = str(exc).splitlines()[0]
    for marker in (": got ", " got "):
        if marker in text:
            text = text.split(":")[0] + text[text.index(marker) :].split(":")[0]
    if "invalid UTF8" in text or "UTF8" in text:
        return "The file is not UTF-8 text; save it as CSV UTF-8."
    return f"The file could not be read: {text[:200]}."


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as raw:
        while chunk := raw.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
