"""Reads for the upload pages and API: scoped uploads, and a report as rows of a table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from commissioning import access
from needs_assessment.models import DataUpload, NeedsProfile

FIRST_SHOWN = 5


def uploads_for(user) -> QuerySet:
    """The uploads `user` may see (their ICB's, for ICB staff), newest first."""
    return (
        access.visible_to(user, DataUpload)
        .select_related("uploaded_by", "run", "snapshot", "icb")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class ProblemRow:
    """One kind of problem as the report table shows it."""

    title: str
    count: int
    where: str
    columns: str
    examples: str
    detail: str
    guidance: str


def report_rows(report: dict) -> list[ProblemRow]:
    """The problems of a stored report, in the report's order, worded for the page."""
    rows = []
    for problem in report.get("problems", []):
        columns = problem.get("columns", {})
        rows.append(
            ProblemRow(
                title=problem["title"],
                count=problem["count"],
                where=_where(problem),
                columns=(
                    "In " + ", ".join(f"{name} ({count:,})" for name, count in columns.items())
                    if len(columns) > 1
                    else ""
                ),
                examples=", ".join(problem.get("examples", [])),
                detail=problem.get("detail", ""),
                guidance=problem["guidance"],
            )
        )
    return rows


def _where(problem: dict) -> str:
    """'rows 3, 41 in lsoa_code and 12 more', or per cell when the columns differ."""
    first = [cell for cell in problem.get("first", [])[:FIRST_SHOWN] if cell.get("row")]
    if not first:
        return ""
    names = {cell.get("column", "") for cell in first}
    if len(names) == 1:
        numbers = ", ".join(f"{cell['row']:,}" for cell in first)
        column = names.pop()
        where = f"row{'s' if len(first) > 1 else ''} {numbers}" + (
            f" in {column}" if column else ""
        )
    else:
        where = ", ".join(f"row {cell['row']:,} ({cell['column']})" for cell in first)
    more = problem["count"] - len(first)
    return where + (f" and {more:,} more" if more > 0 else "")


def profile_of(user, upload: DataUpload) -> NeedsProfile | None:
    """The needs profile started from the upload's snapshot, if the user may see it."""
    if upload.snapshot_id is None:
        return None
    profiles = access.visible_to(user, NeedsProfile).filter(snapshot_id=upload.snapshot_id)
    return profiles.select_related("run").order_by("-id").first()
