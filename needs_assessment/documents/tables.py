"""Tables of the INA: one shape for the page, the printable page and the Excel workbook.

A `Table` has columns of a few kinds, and rows of cells that match them:

- "text": a string;
- "count": a count of people (an int, "*" or None), already controlled where needed;
- "number": a number not about people (a share, a sum of money), already controlled;
- "figure": a `Figure` (value with its 95% interval); the workbook spreads it over
  three columns (value, lower 95%, upper 95%);
- "comparison": a comparison code (better, worse, similar, higher, lower, not_compared).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from needs_assessment.documents.figures import Figure, format_number
from needs_assessment.models import Comparison

COMPARISON_LABELS = dict(Comparison.choices)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"
    decimals: int = 1

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "number", "figure")


@dataclass
class Table:
    """A captioned table. `key` is unique within the INA (ids, sheet anchors)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    long: bool = False  # shown folded on the page (many rows)

    def prune_comparisons(self) -> Table:
        """Drop comparison columns with nothing to say (the ICB has no area above it)."""
        empty = [
            index
            for index, column in enumerate(self.columns)
            if column.kind == "comparison"
            and all(row[index] in (None, "", Comparison.NOT_COMPARED) for row in self.rows)
        ]
        if empty:
            self.columns = [c for i, c in enumerate(self.columns) if i not in empty]
            self.rows = [[v for i, v in enumerate(row) if i not in empty] for row in self.rows]
        return self

    def cells(self) -> list[list[dict]]:
        """Rows as the page writes them: text, whether numeric, and a comparison code."""
        return [
            [_cell(column, value) for column, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]

    def body_html(self) -> SafeString:
        """The table's rows as HTML (NHS.UK table classes). Built here rather than in a
        template loop: an INA has thousands of cells, and this is ten times faster."""
        out = []
        for row in self.cells():
            parts = []
            for index, cell in enumerate(row):
                text = escape(cell["text"])
                if index == 0:
                    parts.append(
                        '<th class="nhsuk-table__header app-ina-table__row-header" '
                        f'scope="row">{text}</th>'
                    )
                    continue
                classes = "nhsuk-table__cell"
                if cell["numeric"]:
                    classes += " nhsuk-table__cell--numeric app-nowrap"
                if cell["comparison"] and text:
                    modifier = escape(cell["comparison"])
                    text = f'<span class="app-comparison app-comparison--{modifier}">{text}</span>'
                parts.append(f'<td class="{classes}">{text}</td>')
            out.append(f'<tr class="nhsuk-table__row">{"".join(parts)}</tr>')
        return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def _cell(column: Column, value) -> dict:
    if column.kind == "figure":
        text = str(value) if isinstance(value, Figure) else format_number(value)
    elif column.kind == "count":
        text = format_number(value, 0)
    elif column.kind == "number":
        text = format_number(value, column.decimals)
    elif column.kind == "comparison":
        text = "" if value in (None, "", Comparison.NOT_COMPARED) else COMPARISON_LABELS[value]
    else:
        text = "" if value is None else str(value)
    return {
        "text": text,
        "numeric": column.numeric,
        "comparison": value if column.kind == "comparison" else "",
    }


def workbook_rows(table: Table) -> tuple[list[str], list[list]]:
    """Header and rows for a spreadsheet: a figure becomes value, lower 95%, upper 95%
    (numbers, or "*"); a comparison its label."""
    header: list[str] = []
    for column in table.columns:
        if column.kind == "figure":
            header += [column.label, "Lower 95% limit", "Upper 95% limit"]
        else:
            header.append(column.label)
    rows = []
    for row in table.rows:
        out: list = []
        for column, value in zip(table.columns, row, strict=True):
            if column.kind == "figure":
                figure = value if isinstance(value, Figure) else Figure(value)
                out += [_sheet_value(figure.value), _sheet_value(figure.lower)]
                out.append(_sheet_value(figure.upper))
            elif column.kind == "comparison":
                out.append(_cell(column, value)["text"])
            else:
                out.append(_sheet_value(value))
        rows.append(out)
    return header, rows


def _sheet_value(value):
    if isinstance(value, float):
        return round(value, 6)
    return value


@dataclass(frozen=True)
class Chart:
    """A plotly figure with its heading and a sentence for screen readers."""

    key: str
    title: str
    label: str
    figure: dict


@dataclass
class SectionContent:
    """What the profile (or the other sources) says in one section of the INA."""

    key: str
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    empty_message: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(table.rows for table in self.tables)
