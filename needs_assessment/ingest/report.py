"""The validation report of an uploaded file: every kind of problem, how often it occurs,
the first rows and columns where it does, and what to do about it.

Checks record problems through `ValidationReport.record` with a boolean mask per column
(vectorised: one call per column per chunk, never per row). The report is stored as JSON
on the upload (`DataUpload.report`) and shown as a table. It never holds person-level
rows: only row numbers, column names and a few distinct bad values (never a pseudo_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_CELLS = 10  # first row/column positions kept per problem
EXAMPLES = 5  # distinct bad values kept per problem


@dataclass(frozen=True)
class ProblemKind:
    title: str
    guidance: str


FORMAT_DOC = "docs/data-format.md"
KINDS: dict[str, ProblemKind] = {
    "wrong_file_type": ProblemKind(
        "Not a CSV or Parquet file",
        "Save the data as CSV (UTF-8 text, commas between values, column names in the first "
        "row), optionally gzip-compressed (.csv.gz), or as Parquet. Spreadsheets (.xlsx, "
        ".xls), zip archives and PDFs are not accepted.",
    ),
    "unreadable_file": ProblemKind(
        "The file could not be read",
        "Check that the file opens in a text editor, is saved as UTF-8 and is not cut short "
        "(upload it again if the copy was interrupted).",
    ),
    "empty_file": ProblemKind(
        "The file has no data rows",
        "The file needs a header row of column names and at least one row of data.",
    ),
    "missing_columns": ProblemKind(
        "Required columns are missing",
        f"Add the columns listed, named exactly as in {FORMAT_DOC} (lower case, underscores). "
        "Column order does not matter and extra columns are ignored.",
    ),
    "duplicate_columns": ProblemKind(
        "Column names used more than once",
        "Give every column a different name; remove or rename the repeated ones.",
    ),
    "direct_identifiers": ProblemKind(
        "Columns that identify people directly",
        "Remove NHS number, name, address, postcode and date of birth columns. The dataset "
        "must be pseudonymised before it is uploaded.",
    ),
    "bad_row_shape": ProblemKind(
        "Rows with the wrong number of values",
        "Each row needs as many values as there are column names. A value containing a comma "
        "must be in double quotes.",
    ),
    "bad_id": ProblemKind(
        "Blank or malformed pseudo_id",
        "Every row needs a pseudonymised id of 1 to 64 characters, without commas, quotes or "
        "line breaks.",
    ),
    "duplicate_ids": ProblemKind(
        "The same pseudo_id on more than one row",
        "Each person appears once per 12-month period. Remove the repeated rows, or check "
        "that the extract was not joined twice.",
    ),
    "wrong_period": ProblemKind(
        "period_end does not match the upload's period",
        "Every row's period_end must be the end date given for this upload, written "
        "YYYY-MM-DD. Upload each 12-month period as its own file.",
    ),
    "bad_age": ProblemKind(
        "Age outside 0 to 115",
        "Age is a whole number of years from 0 to 115 at the end of the period. Blank ages "
        "are not allowed.",
    ),
    "bad_sex": ProblemKind(
        "Sex code not recognised",
        "Use F (female), M (male), I (indeterminate) or U (not known), in capitals.",
    ),
    "bad_ethnicity": ProblemKind(
        "Ethnicity group not recognised",
        "Use one of white, mixed, asian, black, other or unknown (lower case); map detailed "
        "ethnic categories to these groups before upload.",
    ),
    "unknown_lsoa": ProblemKind(
        "LSOA code not in this ICB",
        "Use 2021 LSOA codes (E01…) of this ICB. If the codes are right, upload the areas "
        "file with these LSOAs first.",
    ),
    "unknown_practice": ProblemKind(
        "Practice code not a GP practice of this ICB",
        "Use the ODS code of the practice the person is registered with. If the codes are "
        "right, upload the organisations file with these practices first.",
    ),
    "bad_flag": ProblemKind(
        "Flags that are not 0 or 1",
        "Condition and other flags are 1 (yes) or 0 (no). Blank, true/false or Y/N are not "
        "accepted.",
    ),
    "bad_frailty": ProblemKind(
        "Frailty category not recognised",
        "Use fit, mild, moderate or severe (electronic frailty index category, lower case).",
    ),
    "not_a_number": ProblemKind(
        "Blank or not a number where a number is needed",
        "Activity counts are whole numbers and cost is pounds with up to two decimal places "
        "(no £ sign or thousands separators). Use 0 for none, never a blank.",
    ),
    "negative_value": ProblemKind(
        "Negative counts or cost",
        "Counts and cost cannot be below zero. Check the extract for refunds or corrections "
        "and net them off before upload.",
    ),
    "too_large": ProblemKind(
        "Values too large to store",
        "Counts must be under 32,768 a year and cost under £10 billion; larger values are "
        "almost certainly an error in the extract.",
    ),
    # Reference files and indicator values.
    "blank_value": ProblemKind(
        "Required values left blank",
        "Fill in the values listed; they cannot be blank.",
    ),
    "duplicate_codes": ProblemKind(
        "The same code on more than one row",
        "Each area, organisation or indicator value appears once in the file.",
    ),
    "bad_level": ProblemKind(
        "Area level not recognised",
        "Use footprint, icb, place, neighbourhood or lsoa.",
    ),
    "unknown_parent": ProblemKind(
        "Parent code not found",
        "Each parent_code must be an area (or organisation) in the file or already loaded "
        "for this ICB.",
    ),
    "wrong_parent_level": ProblemKind(
        "Parent at the wrong level",
        "An LSOA's parent is a neighbourhood, a neighbourhood's a place, a place's the ICB.",
    ),
    "other_icb": ProblemKind(
        "Belongs to another ICB",
        "Only this ICB's own areas and organisations can be loaded here; another ICB's are "
        "loaded by that ICB.",
    ),
    "bad_imd": ProblemKind(
        "IMD decile missing or not 1 to 10",
        "Every LSOA needs its IMD decile, a whole number from 1 (most deprived 10%) to 10; "
        "other levels leave it blank.",
    ),
    "bad_kind": ProblemKind(
        "Organisation kind or sector not recognised",
        "Use the kinds and sectors listed in the data format.",
    ),
    "bad_date": ProblemKind(
        "Dates not in YYYY-MM-DD form",
        "Write dates as YYYY-MM-DD, for example 2026-03-31.",
    ),
    "date_order": ProblemKind(
        "End date before start date",
        "period_end (or closed) must be on or after period_start (or opened).",
    ),
    "unknown_indicator": ProblemKind(
        "Indicator code not in the library",
        "Use a code from the indicator library; ask an administrator to add a new indicator "
        "before loading its values.",
    ),
    "unknown_area": ProblemKind(
        "Area code not in this ICB",
        "Use the code of an area of this ICB (ICB, place, neighbourhood or LSOA).",
    ),
    "unknown_organisation": ProblemKind(
        "ODS code not an organisation of this ICB",
        "Use the ODS code of an organisation based in this ICB or contracted by it.",
    ),
    "area_or_organisation": ProblemKind(
        "Rows need an area code or an ODS code, not both",
        "Fill in area_code for a value about an area, or ods_code for a value about a "
        "provider, and leave the other blank.",
    ),
    "bad_interval": ProblemKind(
        "Confidence interval does not contain the value",
        "lower_ci must be at most the value and upper_ci at least the value.",
    ),
    "outside_period": ProblemKind(
        "Values outside the upload's period",
        "Every row's period must fall within the period given for this upload, or leave the "
        "upload's period blank.",
    ),
}


@dataclass
class Problem:
    code: str
    count: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    first: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column order, name)
    examples: list[str] = field(default_factory=list)
    detail: str = ""

    def as_dict(self) -> dict:
        kind = KINDS[self.code]
        return {
            "code": self.code,
            "title": kind.title,
            "guidance": kind.guidance,
            "count": self.count,
            "columns": self.columns,
            "first": [{"row": row, "column": column} for row, _, column in self.first],
            "examples": self.examples,
            "detail": self.detail,
        }


def _shown(value) -> str:
    """A bad value as the report shows it: blanks named, stray spaces made visible."""
    if value is None or value == "":
        return "(blank)"
    text = str(value)[:40]
    return f"“{text}”" if text != text.strip() else text


class ValidationReport:
    """Problems found so far, by kind. Row numbers count data rows from 1 (in a CSV, row 1
    is the line after the header)."""

    def __init__(self, column_order: list[str] | None = None):
        self.problems: dict[str, Problem] = {}
        self.notes: list[str] = []
        self.rows = 0
        self.column_order = {name: i for i, name in enumerate(column_order or [])}

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)

    def problem(self, code: str) -> Problem:
        if code not in KINDS:
            raise KeyError(f"unknown problem kind {code!r}")
        return self.problems.setdefault(code, Problem(code))

    def add(
        self,
        code: str,
        *,
        count: int = 1,
        columns: list[str] = (),
        rows: list[int] = (),
        detail: str = "",
    ) -> None:
        """Record a problem that is not a per-cell mask (missing columns, unreadable file)."""
        problem = self.problem(code)
        problem.count += count
        for column in columns:
            problem.columns[column] = problem.columns.get(column, 0) + 1
        for row in rows:
            self._keep_first(problem, [(row, columns[0] if columns else "")])
        if detail and not problem.detail:
            problem.detail = detail

    def record(
        self,
        code: str,
        column: str,
        mask,
        *,
        offset: int = 0,
        values=None,
    ) -> int:
        """Record the cells of `column` where `mask` (a boolean pyarrow array, numpy array
        or pandas Series) is true, in a chunk whose first row is data row `offset + 1`.
        `values` (the column) gives example bad values; leave it out for identifiers.
        Returns how many cells were wrong."""
        if not isinstance(mask, pa.Array):  # numpy or pandas, from the small-file checks
            mask = pa.array(np.asarray(mask, dtype=bool), type=pa.bool_())
        if values is not None and not isinstance(values, pa.Array):
            values = pa.array([None if v is None else str(v) for v in values], pa.string())
        count = pc.sum(mask).as_py() or 0
        if not count:
            return 0
        problem = self.problem(code)
        problem.count += count
        problem.columns[column] = problem.columns.get(column, 0) + count
        if len(problem.first) < FIRST_CELLS or offset + 1 < problem.first[-1][0]:
            positions = pc.indices_nonzero(mask)[:FIRST_CELLS].to_numpy()
            self._keep_first(problem, [(offset + int(i) + 1, column) for i in positions])
        if values is not None and len(problem.examples) < EXAMPLES:
            bad = pc.unique(pc.filter(values, mask)).to_pylist()
            for value in bad:
                text = _shown(value)
                if text not in problem.examples and len(problem.examples) < EXAMPLES:
                    problem.examples.append(text)
        return count

    def _keep_first(self, problem: Problem, cells: list[tuple[int, str]]) -> None:
        order = self.column_order
        merged = problem.first + [(row, order.get(col, len(order)), col) for row, col in cells]
        problem.first = sorted(set(merged))[:FIRST_CELLS]

    def as_dict(self, **extra) -> dict:
        """The report as stored on the upload: problems in a stable order (the catalogue's)."""
        ordered = [self.problems[code].as_dict() for code in KINDS if code in self.problems]
        return {
            "valid": not self.problems,
            "rows": self.rows,
            "problems": ordered,
            "notes": self.notes,
            **extra,
        }

    def summary(self) -> str:
        """One line for a run message: '3 kinds of problem: …'."""
        if not self.problems:
            return f"No problems in {self.rows:,} rows"
        parts = [f"{p.count:,} × {KINDS[p.code].title.lower()}" for p in self.problems.values()]
        kinds = len(self.problems)
        return f"{kinds} kind{'s' if kinds > 1 else ''} of problem: " + "; ".join(parts[:4])
