"""Checks shared by the small files (areas, organisations, indicator values), in pandas.

These files have thousands of rows, not millions, so they are read whole into a frame of
text columns (blank = ""). Each helper records its problems in the report with one
vectorised mask per column and returns the parsed values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from needs_assessment.ingest.report import ValidationReport
from needs_assessment.ingest.source import Source, read_chunks

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def check_header(
    columns: list[str], required: list[str], report: ValidationReport, optional: list[str] = ()
) -> bool:
    """Record missing and repeated columns; True if the rows can be checked. Columns that
    are neither required nor optional are ignored, with a note."""
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        report.add("duplicate_columns", count=len(repeated), columns=repeated)
    missing = [c for c in required if c not in columns]
    if missing:
        report.add("missing_columns", count=len(missing), columns=missing)
    extra = [c for c in columns if c not in required and c not in optional]
    if extra:
        report.notes.append(f"Columns not in the format were ignored: {', '.join(extra[:8])}.")
    return not (repeated or missing)


def read_text_frame(source: Source, wanted: list[str], report: ValidationReport) -> pd.DataFrame:
    """The whole file's `wanted` columns (those present) as text, blanks as "". Values
    are stripped of surrounding spaces."""
    present = [c for c in wanted if c in source.columns]
    batches = list(read_chunks(source, present))
    table = pa.Table.from_batches(batches) if batches else None
    frame = (
        table.to_pandas()
        if table is not None
        else pd.DataFrame({c: pd.Series(dtype=object) for c in present})
    )
    frame = frame.astype(object).apply(lambda column: column.str.strip())
    for column in wanted:
        if column not in frame.columns:
            frame[column] = ""
    report.rows = len(frame)
    return frame.reset_index(drop=True)


def record(report: ValidationReport, code: str, column: str, mask, values=None) -> int:
    """report.record for a pandas mask over the whole file."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return 0
    return report.record(code, column, mask, values=None if values is None else list(values))


def require(frame: pd.DataFrame, columns: list[str], report: ValidationReport) -> None:
    """Required values must not be blank."""
    for column in columns:
        record(report, "blank_value", column, frame[column] == "")


def duplicates(frame: pd.DataFrame, key: list[str], report: ValidationReport, column: str):
    """Rows whose key repeats an earlier row's."""
    repeated = frame.duplicated(subset=key, keep="first")
    record(report, "duplicate_codes", column, repeated, frame[column])


def parse_dates(frame: pd.DataFrame, column: str, report: ValidationReport, *, blank_ok: bool):
    """YYYY-MM-DD dates (NaT for blanks); bad ones are recorded."""
    text = frame[column]
    parsed = pd.to_datetime(
        text.where(text.str.match(ISO_DATE)), format="%Y-%m-%d", errors="coerce"
    )
    bad = parsed.isna() & ((text != "") | (not blank_ok))
    record(report, "bad_date", column, bad, text)
    dates = [None if pd.isna(day) else day.date() for day in parsed]
    return pd.Series(dates, index=frame.index, dtype=object)


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    report: ValidationReport,
    *,
    whole: bool = False,
    minimum: float | None = None,
) -> pd.Series:
    """Numbers (None for blanks); text that is not a number, and numbers below `minimum`,
    are recorded."""
    text = frame[column]
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    wrong = (text != "") & (numbers.isna() | ~np.isfinite(numbers.fillna(0)))
    if whole:
        wrong |= numbers.notna() & (numbers % 1 != 0)
    record(report, "not_a_number", column, wrong, text)
    if minimum is not None:
        record(report, "negative_value", column, numbers < minimum, text)
    kept = [None if pd.isna(n) or bad else float(n) for n, bad in zip(numbers, wrong, strict=True)]
    return pd.Series(kept, index=frame.index, dtype=object)
