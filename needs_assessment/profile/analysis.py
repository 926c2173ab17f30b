"""Every aggregate of a needs profile from one period's person rows (pure: no ORM).

    rows, timings = profile_aggregates(people, tree, segments=[...], tiers=[...])

`people` has one row per person with the cube's columns (cube.PERSON_COLUMNS), a
`segment` code and, where a risk model was trained, a `tier` label and
`predicted_cost`. The result is one DataFrame of aggregate rows (rows.AGGREGATE_COLUMNS)
for the ICB, each place and each neighbourhood, benchmarked against the parent area.
See measures.py for the measure codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from needs_assessment.profile import rates
from needs_assessment.profile.benchmark import benchmark
from needs_assessment.profile.cube import AreaTree, build_cube, person_codes
from needs_assessment.profile.inequality import core20_gap_rows, sii_rows
from needs_assessment.profile.rows import combine
from needs_assessment.profile.segments import segment_cells, segment_rows, tier_rows


def profile_aggregates(
    people: pd.DataFrame,
    tree: AreaTree,
    *,
    segments: list[str],
    tiers: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """All aggregate rows of the profile, and the seconds each step took.

    In: `people` (cube.PERSON_COLUMNS, plus segment; plus tier and predicted_cost when
    `tiers` is given), the area tree, the segment codes in priority order and the tier
    labels (highest first; None when there is no risk model). `progress(step)` is told
    before each step. Out: (rows, timings): rows with rows.AGGREGATE_COLUMNS, benchmarked
    (comparison95/998 filled); timings maps step name to seconds."""
    timings: dict[str, float] = {}
    step = _stepper(timings, progress)

    codes = step("codes", person_codes, people, tree)
    cells = step("cube", build_cube, people, tree, codes)
    groups = step(
        "segment cube", segment_cells, codes["neighbourhood"], people, segments, tiers, tree
    )
    rows, steps = aggregates_from_cells(
        cells, groups, tree, segments=segments, tiers=tiers, progress=progress
    )
    return rows, timings | steps


def aggregates_from_cells(
    cells: pd.DataFrame,
    groups: pd.DataFrame,
    tree: AreaTree,
    *,
    segments: list[str],
    tiers: list[str] | None,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every aggregate row of the profile from its cube and segment cells (the whole
    population's, or the merged parts' of a partitioned profile: merge.merge_cubes and
    merge.merge_groups).

    In: `cells` (cube.build_cube), `groups` (segments.segment_cells of everyone, with tiers
    when `tiers` is given), the area tree, segment codes and tier labels. Out: (rows with
    rows.AGGREGATE_COLUMNS, benchmarked; seconds per step)."""
    timings: dict[str, float] = {}
    step = _stepper(timings, progress)

    parts = [
        step("population", rates.population_rows, cells, tree),
        step("prevalence", rates.prevalence_rows, cells, tree),
        step("crude rates", rates.crude_rate_rows, cells, tree),
        step("age-standardised rates", rates.dsr_rows, cells, tree),
        step("use against need", rates.isr_rows, cells, tree),
        step("segments", segment_rows, groups, segments, tree),
    ]
    if tiers:
        parts.append(step("tiers", tier_rows, groups, segments, tiers, tree))
    rows = combine(parts)
    inequality = [step("SII", sii_rows, rows), step("Core20 gap", core20_gap_rows, rows)]
    rows = combine([rows, *inequality])
    rows = step("benchmarking", benchmark, rows, tree.parents())
    return rows, timings


def _stepper(timings: dict[str, float], progress: Callable[[str], None] | None):
    """step(name, function, *args): tell `progress` the step's name, run it, and keep its
    seconds in `timings`."""

    def step(name: str, function, *args):
        if progress:
            progress(name)
        started = time.perf_counter()
        result = function(*args)
        timings[name] = round(time.perf_counter() - started, 3)
        return result

    return step
