"""Writing Excel workbooks that are safe to open: the one place for it.

Every export (whoever makes it) goes through `write_row`, so no cell can run as a formula:
text beginning with = + - @ (or a tab or carriage return) gets a leading apostrophe and is
stored as a string, and control characters that Excel rejects are dropped. Disclosure
control of the figures is the caller's job (commissioning.disclosure), done before here.
"""

from __future__ import annotations

import re

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value):
    """A cell value that cannot run as a formula: text beginning with = + - @ (or a tab or
    carriage return) gets a leading apostrophe; numbers and other values pass unchanged."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def write_row(sheet: Worksheet, row: int, values: list, font: Font | None = None) -> None:
    """Write `values` into `row` from column A, neutralised, strings stored as strings."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = neutralise(value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text
        if font is not None:
            cell.font = font
