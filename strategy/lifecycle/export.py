"""Exports of a strategy: the Excel workbook, and what the printable published page shows.

Disclosure control is ALWAYS applied to exports, whoever makes them (DESIGN.md section
5): counts of people (cohort sizes, people reached, engagement participants) are rounded
to the nearest 5 and counts from 1 to 7 shown as *. Text cells that a spreadsheet would
read as a formula (beginning with =, +, -, @, a tab or a carriage return) get a leading
apostrophe and are stored as text.
"""

from __future__ import annotations

import io

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
from strategy.lifecycle.document import document
from strategy.models import Strategy, StrategyVersion

DISCLOSURE_NOTE = (
    "Counts of people (people in a cohort, people reached, people who took part) are "
    "rounded to the nearest 5, and counts from 1 to 7 are shown as *, so that nobody can "
    "be identified. Scores, weights, targets and costs are not counts of people and are exact."
)


def _table(sheet: Worksheet, start: int, header: list[str], rows: list[list], widths) -> int:
    """A header row and its rows from `start`; returns the next free row."""
    write_row(sheet, start, header, BOLD)
    for offset, values in enumerate(rows, start=1):
        write_row(sheet, start + offset, values)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return start + len(rows) + 2


def workbook(
    strategy: Strategy, content: dict, version: StrategyVersion | None, approved: str
) -> bytes:
    """The strategy as an .xlsx: about, priorities and ranking (with the method),
    outcomes and trajectories, interventions, care pathways and engagement. Always
    disclosure-controlled. `approved` says who approved it and when (or that it is not)."""
    doc = document(content, controlled=True)
    book = Workbook()
    _about(book.active, strategy, doc, version, approved)
    _priorities(book.create_sheet("Priorities and ranking"), doc)
    _outcomes(book.create_sheet("Outcomes and trajectories"), doc)
    _interventions(book.create_sheet("Interventions"), doc)
    _pathways(book.create_sheet("Care pathways"), doc)
    _engagement(book.create_sheet("Engagement"), doc)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _about(sheet, strategy: Strategy, doc: dict, version, approved: str) -> None:
    sheet.title = "About"
    info = doc["strategy"]
    write_row(sheet, 1, [info["title"]], TITLE)
    ina = info.get("needs_assessment")
    facts = [
        ("Integrated care board", info["icb"]["name"]),
        ("Covers", f"{info['area']['name']} ({info['level_label']})"),
        ("Years", f"{doc['years'][0]} to {doc['years'][-1]}" if doc["years"] else ""),
        ("Commissioning cycle", info["cycle"]),
        ("Status", strategy.get_status_display()),
        ("Version", version.number if version else f"{strategy.version} (not yet frozen)"),
        ("Approval", approved),
        (
            "Builds on",
            f"{ina['title']}, version {ina['version']}" if ina else "No needs assessment",
        ),
        ("Exported", f"{timezone.localtime():%-d %B %Y %H:%M}"),
        ("Disclosure control", DISCLOSURE_NOTE),
        ("Vision", info["vision"]),
    ]
    for offset, (label, value) in enumerate(facts, start=3):
        write_row(sheet, offset, [label, value])
        sheet.cell(row=offset, column=1).font = BOLD
        sheet.cell(row=offset, column=2).alignment = WRAP
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100


def _priorities(sheet, doc: dict) -> None:
    write_row(sheet, 1, ["Priorities, ranked by weighted score (0 to 100)"], TITLE)
    rows = [
        [
            p["rank"],
            p["title"],
            None if p["total_value"] is None else round(p["total_value"], 2),
            p["cohort"],
            p["cohort_size"],
            "; ".join(f["title"] for f in p["findings"]),
            p["description"],
        ]
        for p in doc["priorities"]
    ]
    header = [
        "Rank",
        "Priority",
        "Weighted score",
        "Cohort",
        "People in cohort",
        "Evidence",
        "Description",
    ]
    row = _table(sheet, 3, header, rows, (8, 40, 15, 36, 16, 60, 60))
    write_row(sheet, row, ["Prioritisation criteria and weights"], BOLD)
    _table(
        sheet,
        row + 1,
        ["Order", "Criterion", "Weight", "What it means"],
        [[c["order"], c["name"], c["weight"], c["description"]] for c in doc["criteria"]],
        (8, 40, 15, 36),
    )
    sheet.freeze_panes = "A4"


def _outcomes(sheet, doc: dict) -> None:
    write_row(sheet, 1, ["Outcomes: baselines, year-5 targets and yearly trajectories"], TITLE)
    header = [
        "Priority", "Indicator", "Unit", "Domain", "Area", "Baseline", "Lower 95%",
        "Upper 95%", "Baseline period", "Target", "Profile", "Owner",
        *[f"Trajectory {year}" for year in doc["years"]],
    ]  # fmt: skip
    rows = []
    for o in doc["outcomes"]:
        trajectory = list(o.get("trajectory") or [])
        trajectory += [None] * (len(doc["years"]) - len(trajectory))
        rows.append(
            [
                o["priority_title"], o["indicator"], o["unit"], o["domain_label"], o["area"],
                o["baseline"]["value"], o["baseline"]["lower"], o["baseline"]["upper"],
                o["baseline_period"], o["target_value"], o["profile_label"], o["owner"],
                *trajectory[: len(doc["years"])],
            ]
        )  # fmt: skip
    widths = (36, 40, 14, 16, 20, 12, 12, 12, 26, 12, 18, 28, *[14] * len(doc["years"]))
    _table(sheet, 3, header, rows, widths)
    sheet.freeze_panes = "C4"


def _interventions(sheet, doc: dict) -> None:
    write_row(sheet, 1, ["Interventions"], TITLE)
    header = [
        "Priority", "Intervention", "Outcome", "Cohort", "People reached", "Evidence",
        "Evidence strength", "Expected effect (relative change)", "Cost per year (£)",
        "Start year", "Description",
    ]  # fmt: skip
    rows = [
        [
            i["priority_title"], i["name"], i["outcome_label"], i["cohort"], i["cohort_size"],
            i["evidence_source"], i["strength_label"], i["expected_effect"],
            i["cost_per_year"], i["start_label"], i["description"],
        ]
        for i in doc["interventions"]
    ]  # fmt: skip
    _table(sheet, 3, header, rows, (36, 36, 36, 30, 14, 36, 16, 16, 16, 18, 60))
    for cells in sheet.iter_rows(min_row=4, min_col=8, max_col=8):
        for cell in cells:
            cell.number_format = "0.0%"
    for cells in sheet.iter_rows(min_row=4, min_col=9, max_col=9):
        for cell in cells:
            cell.number_format = "#,##0"


def _pathways(sheet, doc: dict) -> None:
    write_row(sheet, 1, ["Care pathways"], TITLE)
    rows = [
        [
            p["name"],
            p["priority_title"],
            p["segment"],
            s["label"],
            s["description"],
            ", ".join(s["providers"]),
        ]
        for p in doc["pathways"]
        for s in (p["stages"] or [{"label": "", "description": "", "providers": []}])
    ]
    header = ["Pathway", "Priority", "Segment", "Stage", "What happens", "Providers"]
    _table(sheet, 3, header, rows, (30, 36, 24, 20, 60, 50))


def _engagement(sheet, doc: dict) -> None:
    write_row(sheet, 1, ["Engagement: who took part, what they said, what changed"], TITLE)
    rows = [
        [
            e["date"], e["title"], e["method"], e["groups_label"], e["participants"],
            e["what_they_said"], e["what_changed"], "; ".join(e["priority_titles"]),
        ]
        for e in doc["engagement"]
    ]  # fmt: skip
    header = [
        "Date", "Activity", "Method", "Who took part", "People who took part",
        "What they said", "What changed", "Priorities",
    ]  # fmt: skip
    _table(sheet, 3, header, rows, (12, 36, 18, 30, 14, 60, 60, 40))
