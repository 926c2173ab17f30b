"""NHS financial years (1 April to 31 March), named by the year they start in: 2026 is
2026/27. One place for the arithmetic every stage needs."""

from __future__ import annotations

from datetime import date


def financial_year(day: date) -> int:
    """The financial year `day` falls in: 31 March 2026 -> 2025, 1 April 2026 -> 2026."""
    return day.year if day.month >= 4 else day.year - 1


def label(year: int) -> str:
    """2026 -> '2026/27' (1999 -> '1999/00')."""
    return f"{year}/{(year + 1) % 100:02d}"


def years_spanned(start: date, end: date) -> list[int]:
    """Every financial year from the one `start` falls in to the one `end` falls in."""
    return list(range(financial_year(start), financial_year(end) + 1))
