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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from commissioning.spreadsheets import (
    BOLD,
    TITLE,
    WRAP,
    write_row,
)
from needs_assessment.documents import queries
from needs_assessment.documents.queries import SectionView
from needs_assessment.documents.tables import workbook_rows
from needs_assessment.models import NeedsAssessment

DISCLOSURE_NOTE = (
    "Counts of people are rounded to the nearest 5 and counts from 1 to 7 are shown as *; "
    "figures about groups of 1 to 7 people are shown as * too. Rates and percentages, and "
    "their intervals, are worked out from the rounded counts. Age-standardised rates are "
    "not shown where fewer than 10 events were counted."
)
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


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
    write_row(sheet, 1, [assessment.title], TITLE)
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
        write_row(sheet, offset, [label, value])
        sheet.cell(row=offset, column=1).font = BOLD
        sheet.cell(row=offset, column=2).alignment = WRAP
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 100


def _findings_sheet(sheet: Worksheet, sections: list[SectionView]) -> None:
    write_row(sheet, 1, ["Findings of the needs assessment"], TITLE)
    write_row(sheet, 3, ["Section", "Finding", "What was found", "Evidence", "Status"], BOLD)
    row = 4
    for section in sections:
        for view in section.findings:
            evidence = "; ".join(f"{e.label}: {e.figure}" for e in view.evidence)
            write_row(
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
    write_row(sheet, 1, [section.title], TITLE)
    row = 3
    if section.commentary:
        write_row(sheet, row, ["Key findings", section.commentary])
        sheet.cell(row=row, column=1).font = BOLD
        sheet.cell(row=row, column=2).alignment = WRAP
        row += 2
    widths: dict[int, int] = {}
    for table in section.content.tables:
        header, rows = workbook_rows(table)
        write_row(sheet, row, [table.title], BOLD)
        write_row(sheet, row + 1, header, BOLD)
        row += 2
        for values in rows:
            write_row(sheet, row, values)
            row += 1
        for index, label in enumerate(header, start=1):
            widths[index] = max(widths.get(index, 10), min(len(str(label)) + 2, 40))
        if table.note:
            write_row(sheet, row, [table.note])
            row += 1
        row += 1
    if not section.content.tables:
        write_row(sheet, row, [section.content.empty_message])
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
