"""Exports of an INA: the Excel workbook of its tables, and the printable page's content.

Disclosure control is ALWAYS applied to exports, whoever makes them (DESIGN.md section
5): an export leaves the system, so an ICB analyst's download is controlled like a
partner's view. Text cells that a spreadsheet would read as a formula (beginning with =,
+, -, @, a tab or a carriage return) are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import io
import re

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from needs_assessment.documents import queries
from needs_assessment.documents.queries import SectionView
from needs_assessment.documents.tables import workbook_rows
from needs_assessment.models import NeedsAssessment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DISCLOSURE_NOTE = (
    "Counts of people are rounded to the nearest 5 and counts from 1 to 7 are shown as *; "
    "figures about groups of 1 to 7 people are shown as * too. Rates and percentages, and "
    "their intervals, are worked out from the rounded counts. Age-standardised rates are "
    "not shown where fewer than 10 events were counted."
)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """A cell value that cannot run as a formula: text beginning with = + - @ (or a tab or
    carriage return) gets a leading apostrophe; numbers and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write(sheet: Worksheet, row: int, values: list, font: Font | None = None) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = neutralise(value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text
        if font is not None:
            cell.font = font


def export_document(user, assessment: NeedsAssessment) -> list[SectionView]:
    """The INA's sections as an export shows them: disclosure-controlled for everyone."""
    return queries.document(user, assessment, controlled=True)


def workbook(user, assessment: NeedsAssessment) -> bytes:
    """The INA as an .xlsx: a cover sheet, the findings, and a sheet per section with its
    commentary and tables (controlled figures; intervals in their own columns)."""
    sections = export_document(user, assessment)
    book = Workbook()
    _cover(book.active, assessment)
    _findings_sheet(book.create_sheet("Findings"), sections)
    for number, section in enumerate(sections, start=1):
        name = _BAD_SHEET_CHARACTERS.sub(" ", f"{number} {section.title}")[:31]
        _section_sheet(book.create_sheet(name), section)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cover(sheet: Worksheet, assessment: NeedsAssessment) -> None:
    sheet.title = "About"
    _write(sheet, 1, [assessment.title], TITLE)
    snapshot = assessment.profile.snapshot
    facts = [
        ("Integrated care board", assessment.icb.name),
        ("Commissioning cycle", assessment.cycle.label),
        ("Version", assessment.version),
        ("Status", assessment.get_status_display()),
        (
            "Approved",
            f"{assessment.approved_at:%-d %B %Y} by {assessment.approved_by}"
            if assessment.approved_at
            else "Not approved",
        ),
        ("Population data", f"{snapshot.period_start:%B %Y} to {snapshot.period_end:%B %Y}"),
        ("Exported", f"{timezone.localtime():%-d %B %Y %H:%M}"),
        ("Disclosure control", DISCLOSURE_NOTE),
        ("Summary", assessment.summary),
    ]
    for offset, (label, value) in enumerate(facts, start=3):
        _write(sheet, offset, [label, value])
        sheet.cell(row=offset, column=1).font = BOLD
        sheet.cell(row=offset, column=2).alignment = WRAP
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 100


def _findings_sheet(sheet: Worksheet, sections: list[SectionView]) -> None:
    _write(sheet, 1, ["Findings of the needs assessment"], TITLE)
    _write(sheet, 3, ["Section", "Finding", "What was found", "Evidence", "Status"], BOLD)
    row = 4
    for section in sections:
        for view in section.findings:
            evidence = "; ".join(f"{e.label}: {e.figure}" for e in view.evidence)
            _write(
                sheet,
                row,
                [
                    section.title,
                    view.finding.title,
                    view.finding.summary,
                    evidence,
                    view.finding.get_status_display(),
                ],
            )
            row += 1
    for letter, width in zip("ABCDE", (28, 40, 80, 60, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"


def _section_sheet(sheet: Worksheet, section: SectionView) -> None:
    _write(sheet, 1, [section.title], TITLE)
    row = 3
    if section.commentary:
        _write(sheet, row, ["Key findings", section.commentary])
        sheet.cell(row=row, column=1).font = BOLD
        sheet.cell(row=row, column=2).alignment = WRAP
        row += 2
    widths: dict[int, int] = {}
    for table in section.content.tables:
        header, rows = workbook_rows(table)
        _write(sheet, row, [table.title], BOLD)
        _write(sheet, row + 1, header, BOLD)
        row += 2
        for values in rows:
            _write(sheet, row, values)
            row += 1
        for index, label in enumerate(header, start=1):
            widths[index] = max(widths.get(index, 10), min(len(str(label)) + 2, 40))
        if table.note:
            _write(sheet, row, [table.note])
            row += 1
        row += 1
    if not section.content.tables:
        _write(sheet, row, [section.content.empty_message])
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
