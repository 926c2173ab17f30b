"""Working days and the Provider Selection Regime standstill period (pure, no ORM).

The reading implemented (Health Care Services (Provider Selection Regime) Regulations
2023, SI 2023/1348, regulation 12, and NHS England's statutory guidance, "Reviewing
decisions during the standstill period"):

- The standstill period begins on the day the notice of intention to award is published.
- Working days are counted from the day AFTER that day: the first working day after the
  publication date is working day 1. A working day is any day other than a Saturday, a
  Sunday, or a bank holiday in England (New Year's Day, Good Friday, Easter Monday, the
  early May, spring and summer bank holidays, Christmas Day and Boxing Day, with their
  substitute days), per regulation 2's definition.
- The standstill ends at midnight at the end of the 8th working day, i.e. at 00:00
  (Europe/London) on the calendar day after the 8th working day. The award may be made
  at or after that instant, never before it.
- Where a representation is received, the period stays open until the authority has
  decided it; if the authority continues with the award it must then wait a further 5
  working days (reg. 12(5)-(7)), counted in the same way from the day after it tells the
  provider of its decision.

Standstill applies to Direct Award Process C, the Most Suitable Provider Process and the
Competitive Process; Direct Award Processes A and B have no standstill (reg. 7 and 8).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
STANDSTILL_WORKING_DAYS = 8
AFTER_REPRESENTATION_WORKING_DAYS = 5

# Bank holidays in England and Wales, 2024-2030.
# Source: GOV.UK "UK bank holidays" (https://www.gov.uk/bank-holidays, JSON feed
# https://www.gov.uk/bank-holidays.json) for the years it publishes (2024-2027 at the
# time of writing); 2028-2030 are the same statutory and customary holidays dated by the
# usual rules (Easter from the Gregorian computus; substitute weekdays when a holiday
# falls at a weekend). A royal proclamation can move or add a holiday: update this table.
BANK_HOLIDAYS_ENGLAND_AND_WALES: frozenset[dt.date] = frozenset(
    dt.date.fromisoformat(day)
    for day in (
        # 2024
        "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27",
        "2024-08-26", "2024-12-25", "2024-12-26",
        # 2025
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
        "2025-08-25", "2025-12-25", "2025-12-26",
        # 2026 (Boxing Day is a Saturday: substitute Monday 28 December)
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
        "2026-08-31", "2026-12-25", "2026-12-28",
        # 2027 (Christmas Day Saturday, Boxing Day Sunday: substitutes 27 and 28 December)
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
        "2027-08-30", "2027-12-27", "2027-12-28",
        # 2028 (New Year's Day is a Saturday: substitute Monday 3 January)
        "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29",
        "2028-08-28", "2028-12-25", "2028-12-26",
        # 2029
        "2029-01-01", "2029-03-30", "2029-04-02", "2029-05-07", "2029-05-28",
        "2029-08-27", "2029-12-25", "2029-12-26",
        # 2030
        "2030-01-01", "2030-04-19", "2030-04-22", "2030-05-06", "2030-05-27",
        "2030-08-26", "2030-12-25", "2030-12-26",
    )
)  # fmt: skip
FIRST_COVERED, LAST_COVERED = dt.date(2024, 1, 1), dt.date(2030, 12, 31)


class OutsideCalendar(ValueError):
    """A date the bank holiday table does not cover (so working days cannot be counted)."""


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day in England (not a weekend or bank holiday)."""
    if not FIRST_COVERED <= day <= LAST_COVERED:
        raise OutsideCalendar(
            f"{day:%d %B %Y} is outside the bank holiday calendar "
            f"({FIRST_COVERED:%Y} to {LAST_COVERED:%Y}); add that year's holidays."
        )
    return day.weekday() < 5 and day not in BANK_HOLIDAYS_ENGLAND_AND_WALES


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (the day after `day` is the first candidate)."""
    counted, current = 0, day
    while counted < n:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def midnight_after(day: dt.date) -> dt.datetime:
    """Midnight at the end of `day`: 00:00 Europe/London on the next calendar day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LONDON)


def standstill_end(published_at: dt.datetime | dt.date) -> dt.datetime:
    """When the standstill ends for a notice of intention published at `published_at`:
    midnight at the end of the 8th working day after the publication day (London time)."""
    day = _london_date(published_at)
    return midnight_after(nth_working_day_after(day, STANDSTILL_WORKING_DAYS))


def end_after_representation(decided_at: dt.datetime | dt.date) -> dt.datetime:
    """Earliest award after a representation is decided in favour of continuing: midnight
    at the end of the 5th working day after the day the provider is told."""
    day = _london_date(decided_at)
    return midnight_after(nth_working_day_after(day, AFTER_REPRESENTATION_WORKING_DAYS))


def _london_date(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("Give an aware date and time (with a time zone).")
        return moment.astimezone(LONDON).date()
    return moment
