"""The demo ICB: a synthetic but realistic integrated care board to develop and show against.

`generator` (with `geography` and `health`) makes the reference CSVs and two periods of
person-level data from a seed and a size, with numpy and pandas only; `loader` puts them
into the database through the same core functions a real load uses. The input format is
documented in docs/data-format.md.
"""

DEMO_FOOTPRINT_CODE = "E40000099"
DEMO_ICB_CODE = "E54000099"
DEMO_ICB_ODS = "Q99"
PERIOD_ENDS = ("2025-03-31", "2026-03-31")
