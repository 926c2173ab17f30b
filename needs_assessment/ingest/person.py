"""Checks of a person-level file, chunk by chunk, and its conversion to the stored layout.

Pure pyarrow (no ORM): the caller gives the ICB's LSOA and practice codes with their ids.
Every check is one vectorised comparison per column per chunk. A chunk with no problem
is turned into the stored layout (commissioning.person_load.STORED_COLUMNS) mostly by
passing its text through unchanged: the checks guarantee that PostgreSQL's COPY accepts
it, so nothing is parsed twice in Python.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commissioning.models.population import (
    ACTIVITY_COUNTS,
    ETHNICITY_GROUPS,
    FRAILTY_CATEGORIES,
    LTC_FLAGS,
    OTHER_FLAGS,
    SEX_CODES,
)
from commissioning.person_load import STORED_COLUMNS
from needs_assessment.ingest.report import ValidationReport

MAX_AGE = 115
MAX_COUNT = 32_767  # smallint
MAX_COST = 1e10  # numeric(12, 2)
MAX_ID_LENGTH = 64
PERSON_COLUMNS = (
    ["pseudo_id", "period_end", "age", "sex", "ethnicity", "lsoa_code", "practice_code"]
    + LTC_FLAGS
    + OTHER_FLAGS
    + ["frailty"]
    + ACTIVITY_COUNTS
    + ["cost"]
)
# Direct identifiers that must never reach the system, whatever else is in the file.
FORBIDDEN_COLUMNS = {
    "nhs_number",
    "nhs_no",
    "name",
    "forename",
    "surname",
    "address",
    "postcode",
    "date_of_birth",
    "dob",
}
FLAG_VALUES = pa.array(["0", "1"])
FRAILTY_LEVELS = pa.array([str(i) for i in range(len(FRAILTY_CATEGORIES))])  # stored 0-3
ID_UNSAFE = r'[,"\r\n\\]'
ID_UNSAFE_BYTES = np.zeros(256, dtype=bool)
ID_UNSAFE_BYTES[[ord(c) for c in ',"\r\n\\']] = True
NUMBER = r"^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"


def check_person_header(columns: list[str], report: ValidationReport) -> bool:
    """Record header problems; True if the rows can be checked."""
    seen, repeated = set(), []
    for name in columns:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    if repeated:
        report.add("duplicate_columns", count=len(repeated), columns=repeated)
    forbidden = sorted(FORBIDDEN_COLUMNS & seen)
    if forbidden:
        report.add("direct_identifiers", count=len(forbidden), columns=forbidden)
    missing = [c for c in PERSON_COLUMNS if c not in seen]
    if missing:
        report.add("missing_columns", count=len(missing), columns=missing)
    extra = [c for c in columns if c not in PERSON_COLUMNS and c not in FORBIDDEN_COLUMNS]
    if extra:
        shown = ", ".join(extra[:8]) + (" …" if len(extra) > 8 else "")
        report.notes.append(f"{len(extra)} column(s) not in the format were ignored: {shown}.")
    return not (repeated or missing)


class PersonChecker:
    """Checks chunks of a person-level file and converts the good ones.

    `lsoa_ids` and `practice_ids` map this ICB's LSOA codes and GP practice ODS codes to
    database ids; `period_end` is the upload's. Problems go into `report`. After the
    first problem no more chunks are converted (the file will be rejected), but every
    chunk is still checked so that the report lists everything."""

    def __init__(
        self,
        *,
        period_end: date,
        lsoa_ids: dict[str, int],
        practice_ids: dict[str, int],
        report: ValidationReport,
    ):
        self.period_end = pa.scalar(period_end.isoformat())
        # Ids are taken as text: the chunk goes on to COPY as text, so no number is
        # formatted for every row.
        self.lsoa_codes = pa.array(list(lsoa_ids), pa.string())
        self.lsoa_ids = pa.array([str(i) for i in lsoa_ids.values()], pa.string())
        self.practice_codes = pa.array(list(practice_ids), pa.string())
        self.practice_ids = pa.array([str(i) for i in practice_ids.values()], pa.string())
        self.report = report
        self.rows = 0
        self.ids: list[pa.Array] = []

    def check(self, chunk: pa.RecordBatch) -> pa.RecordBatch | None:
        """Check one chunk (text columns PERSON_COLUMNS); the stored-layout chunk if the
        file has had no problem so far, else None."""
        offset, self.rows = self.rows, self.rows + chunk.num_rows
        self.report.rows = self.rows
        before = self.report.has_errors
        col = chunk.column
        self.ids.append(col("pseudo_id"))
        self._check_ids(col("pseudo_id"), offset)
        self._check_choice("wrong_period", "period_end", col, [self.period_end], offset)
        self._check_age(col("age"), offset)
        self._check_choice("bad_sex", "sex", col, SEX_CODES, offset)
        self._check_choice("bad_ethnicity", "ethnicity", col, ETHNICITY_GROUPS, offset)
        lsoa = self._lookup("unknown_lsoa", "lsoa_code", col, self.lsoa_codes, offset)
        practice = self._lookup(
            "unknown_practice", "practice_code", col, self.practice_codes, offset
        )
        frailty = self._lookup("bad_frailty", "frailty", col, pa.array(FRAILTY_CATEGORIES), offset)
        for flag in LTC_FLAGS + OTHER_FLAGS:
            if not _all_zero_or_one(col(flag)):  # rare: find the rows
                ok = pc.is_in(col(flag), value_set=FLAG_VALUES)
                self.report.record("bad_flag", flag, pc.invert(ok), offset=offset, values=col(flag))
        for count in ACTIVITY_COUNTS:
            self._check_count(count, col(count), offset)
        self._check_cost(col("cost"), offset)
        if before or self.report.has_errors:
            return None
        stored = {
            "pseudo_id": col("pseudo_id"),
            "age": col("age"),
            "sex": col("sex"),
            "ethnicity": col("ethnicity"),
            "lsoa_id": pc.take(self.lsoa_ids, lsoa),
            "practice_id": pc.take(self.practice_ids, practice),
            "frailty": pc.take(FRAILTY_LEVELS, frailty),
            "cost": col("cost"),
        }
        columns = [stored[n] if n in stored else col(n) for n in STORED_COLUMNS]
        return pa.record_batch(columns, names=STORED_COLUMNS)

    def _check_ids(self, ids: pa.Array, offset: int) -> None:
        length = pc.binary_length(ids)
        bad = pc.or_(pc.equal(length, 0), pc.greater(length, MAX_ID_LENGTH))
        if not _text_bytes_clear(ids, ID_UNSAFE_BYTES):  # rare: find the rows
            bad = pc.or_(bad, pc.match_substring_regex(ids, ID_UNSAFE))
        self.report.record("bad_id", "pseudo_id", bad, offset=offset)

    def _check_choice(self, code, name, col, allowed, offset) -> None:
        values = col(name)
        ok = pc.is_in(values, value_set=pa.array(allowed, pa.string()))
        self.report.record(code, name, pc.invert(ok), offset=offset, values=values)

    def _lookup(self, code, name, col, known: pa.Array, offset) -> pa.Array:
        """Positions of the column's values in `known` (null where not found)."""
        values = col(name)
        positions = pc.index_in(values, value_set=known)
        self.report.record(code, name, pc.is_null(positions), offset=offset, values=values)
        return positions

    def _check_age(self, age: pa.Array, offset: int) -> None:
        digits = pc.and_(pc.ascii_is_decimal(age), pc.less_equal(pc.binary_length(age), 3))
        years = pc.cast(pc.if_else(digits, age, "0"), pa.int16())
        bad = pc.or_(pc.invert(digits), pc.greater(years, MAX_AGE))
        self.report.record("bad_age", "age", bad, offset=offset, values=age)

    def _check_count(self, name: str, values: pa.Array, offset: int) -> None:
        digits = pc.ascii_is_decimal(values)  # false for blanks, signs and decimals
        length = pc.binary_length(values)
        if pc.all(digits).as_py() and pc.max(length).as_py() < 5:
            return  # the usual case: small whole numbers only
        negative = pc.and_(
            pc.starts_with(values, "-"), pc.ascii_is_decimal(pc.utf8_slice_codeunits(values, 1))
        )
        short = pc.and_(digits, pc.less_equal(length, 5))
        number = pc.cast(pc.if_else(short, values, "0"), pa.int32())
        large = pc.and_(digits, pc.or_(pc.invert(short), pc.greater(number, MAX_COUNT)))
        wrong = pc.and_(pc.invert(digits), pc.invert(negative))
        record = self.report.record
        record("negative_value", name, negative, offset=offset, values=values)
        record("not_a_number", name, wrong, offset=offset, values=values)
        record("too_large", name, large, offset=offset, values=values)

    def _check_cost(self, cost: pa.Array, offset: int) -> None:
        try:
            pounds = pc.cast(cost, pa.float64())
            wrong = pc.is_nan(pounds)
        except pa.ArrowInvalid:  # something is not a number: find which
            parsed = pc.match_substring_regex(cost, NUMBER)
            trimmed = pc.utf8_trim_whitespace(cost)
            pounds = pc.cast(pc.if_else(parsed, trimmed, "0"), pa.float64())
            wrong = pc.or_(pc.invert(parsed), pc.is_nan(pounds))
        record = self.report.record
        record("not_a_number", "cost", wrong, offset=offset, values=cost)
        record("negative_value", "cost", pc.less(pounds, 0), offset=offset, values=cost)
        large = pc.greater_equal(pounds, MAX_COST)
        record("too_large", "cost", large, offset=offset, values=cost)

    def duplicate_report(self) -> int:
        """Find pseudo_ids on more than one row (slow: only when the file is rejected or the
        database found a duplicate). Returns the number of repeated rows."""
        ids = pa.chunked_array(self.ids, pa.string()).combine_chunks()
        counts = pc.value_counts(ids)
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        if not len(repeated):
            return 0
        times = counts.field("counts")
        extra = pc.sum(times).as_py() - len(times)  # rows beyond each id's first
        mask = pc.is_in(ids, value_set=repeated)
        self.report.record("duplicate_ids", "pseudo_id", mask, offset=0)
        problem = self.report.problems["duplicate_ids"]
        problem.count = extra
        problem.columns["pseudo_id"] = extra
        return extra


# Fast paths over the text's raw bytes (numpy, no per-value work): they answer "is this
# whole column clean?", and only a column that is not is checked value by value.


def _offsets_and_bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The value offsets and the bytes of a string array (None for other layouts)."""
    if values.type != pa.string() or values.null_count:
        return None
    _, offsets, data = values.buffers()
    offsets = np.frombuffer(
        offsets, dtype=np.int32, count=len(values) + 1, offset=4 * values.offset
    )
    if data is None:
        return offsets, np.zeros(0, dtype=np.uint8)
    return offsets, np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]


def _all_zero_or_one(values: pa.Array) -> bool:
    """Every value is exactly "0" or "1"."""
    layout = _offsets_and_bytes(values)
    if layout is None:
        return False
    offsets, data = layout
    return len(data) == len(values) and bool(
        (np.diff(offsets) == 1).all() and ((data == 48) | (data == 49)).all()
    )


def _text_bytes_clear(values: pa.Array, unsafe: np.ndarray) -> bool:
    """No value has any of the bytes marked in `unsafe` (a 256-entry table)."""
    layout = _offsets_and_bytes(values)
    return layout is not None and not unsafe[layout[1]].any()
