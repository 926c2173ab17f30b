"""Standstill dates worked by hand (PSR regulations 2023, reg. 12): count working days
from the day after the notice is published; end = 00:00 London after the 8th."""

import datetime as dt

import pytest
from dateutil.easter import easter

from payor.selection.standstill import (
    BANK_HOLIDAYS_ENGLAND_AND_WALES,
    LONDON,
    OutsideCalendar,
    end_after_representation,
    standstill_end,
)


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_standstill_across_a_weekend():
    # Published Wed 4 Mar 2026: Thu 5 (1), Fri 6 (2), Mon 9 (3), Tue 10 (4), Wed 11 (5),
    # Thu 12 (6), Fri 13 (7), Mon 16 (8): ends at midnight at the end of Mon 16 March.
    assert standstill_end(at(2026, 3, 4, 10)) == at(2026, 3, 17)


def test_standstill_published_on_a_saturday():
    # Sat 7 Mar 2026: Mon 9 (1) ... Fri 13 (5), Mon 16 (6), Tue 17 (7), Wed 18 (8).
    assert standstill_end(at(2026, 3, 7, 9)) == at(2026, 3, 19)


def test_standstill_across_christmas_boxing_day_and_new_year():
    # Published Fri 19 Dec 2025: Mon 22 (1), Tue 23 (2), Wed 24 (3), [Thu 25, Fri 26
    # bank holidays], Mon 29 (4), Tue 30 (5), Wed 31 (6), [Thu 1 Jan bank holiday],
    # Fri 2 Jan (7), Mon 5 Jan (8): ends at midnight at the end of Monday 5 January 2026.
    assert standstill_end(at(2025, 12, 19, 15, 30)) == at(2026, 1, 6)


def test_standstill_across_easter():
    # Published Wed 1 Apr 2026: Thu 2 (1), [Good Friday 3, Easter Monday 6], Tue 7 (2),
    # Wed 8 (3), Thu 9 (4), Fri 10 (5), Mon 13 (6), Tue 14 (7), Wed 15 (8): ends at
    # midnight at the end of Wed 15 April 2026 (British Summer Time: 23:00 UTC).
    end = standstill_end(at(2026, 4, 1, 12))
    assert end == at(2026, 4, 16)
    assert end.astimezone(dt.UTC) == dt.datetime(2026, 4, 15, 23, 0, tzinfo=dt.UTC)


def test_standstill_with_substituted_boxing_day():
    # Published Tue 22 Dec 2026: Wed 23 (1), Thu 24 (2), [Fri 25, Mon 28 substitute],
    # Tue 29 (3), Wed 30 (4), Thu 31 (5), [Fri 1 Jan], Mon 4 (6), Tue 5 (7), Wed 6 (8).
    assert standstill_end(at(2026, 12, 22, 9)) == at(2027, 1, 7)


def test_late_evening_utc_counts_as_the_london_day():
    # 23:30 UTC on 31 Mar 2026 is 00:30 BST on 1 April: the publication day is 1 April.
    published = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert standstill_end(published) == at(2026, 4, 16)


def test_five_working_days_after_a_representation_is_decided():
    # Told on Thu 18 Dec 2025: Fri 19 (1), Mon 22 (2), Tue 23 (3), Wed 24 (4), Mon 29 (5).
    assert end_after_representation(at(2025, 12, 18, 14)) == at(2025, 12, 30)


def test_bank_holiday_table_matches_the_rules():
    for year in range(2024, 2031):
        days = {d for d in BANK_HOLIDAYS_ENGLAND_AND_WALES if d.year == year}
        assert len(days) == 8
        e = easter(year)
        assert e - dt.timedelta(days=2) in days and e + dt.timedelta(days=1) in days
        assert all(d.weekday() < 5 for d in days)


def test_outside_the_calendar_is_refused():
    with pytest.raises(OutsideCalendar, match="outside the bank holiday calendar"):
        standstill_end(at(2031, 6, 2))
