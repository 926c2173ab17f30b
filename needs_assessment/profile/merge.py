"""The pure half of a partitioned profile (partitioned.py): merge what partitions made.

Every aggregate of the profile is a sum over two small tables of cells (cube.build_cube's
neighbourhood × age band × sex × IMD decile × ethnicity × conditions, and
segments.segment_cells' neighbourhood × segment × tier). Partitions are groups of
neighbourhoods (`balanced_parts`) and a neighbourhood's cells belong to one partition
only, so the cells never overlap: the ICB's cube is the partitions' cubes put together,
and every rate, interval, DSR and ratio is then computed once from the merged counts by
analysis.aggregates_from_cells, as for the whole population. Risk tiers are ranks over
everyone: `tier_cuts` finds where each cut falls from every partition's scores, and
`tier_codes` then puts each partition's people in their tiers (the same tiers as
analysis.assign_risk_tiers gives).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from needs_assessment.analysis import DEFAULT_CUTS, tier_labels

CUBE_KEYS = ["neighbourhood", "age_band", "sex", "imd_decile", "ethnicity", "ltc_group"]
GROUP_KEYS = ["neighbourhood", "segment", "tier"]


def balanced_parts(people: dict[int, int], parts: int) -> list[list[int]]:
    """The neighbourhoods in at most `parts` groups of about the same number of people.

    In: people per neighbourhood id. Out: non-empty groups of neighbourhood ids (each
    sorted), every neighbourhood in exactly one; the largest neighbourhood first goes to
    the group with fewest people so far (ties: the lower group), so the result depends
    only on the counts. A group is never smaller than its largest neighbourhood, so a
    part is at best that size."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(parts, len(people))))]
    sizes = [0] * len(groups)
    for hood, n in sorted(people.items(), key=lambda pair: (-pair[1], pair[0])):
        lightest = min(range(len(groups)), key=lambda k: (sizes[k], k))
        groups[lightest].append(int(hood))
        sizes[lightest] += n
    return [sorted(group) for group in groups if group]


def merge_cubes(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The partitions' cubes as one cube, in build_cube's row order (sorted by key).

    In: cubes of disjoint sets of neighbourhoods (cube.build_cube). Out: the same columns."""
    cells = pd.concat(parts, ignore_index=True)
    return cells.sort_values(CUBE_KEYS, kind="stable").reset_index(drop=True)


def merge_groups(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The partitions' segment cells (segments.segment_cells) as one table, in its row
    order (sorted by neighbourhood, segment, tier); like cubes, they never overlap."""
    cells = pd.concat(parts, ignore_index=True)
    return cells.sort_values(GROUP_KEYS, kind="stable").reset_index(drop=True)


def tier_bounds(n: int, cuts: tuple[float, ...] = DEFAULT_CUTS) -> list[int]:
    """How many people are above each cut: the top round(n × cut) by rank, as
    analysis.assign_risk_tiers counts them."""
    return [math.floor(round(n * c, 9) + 0.5) for c in cuts]


def tier_cuts(
    values: list[np.ndarray], pseudo_ids: list[np.ndarray], cuts: tuple[float, ...] = DEFAULT_CUTS
) -> list[tuple[float, str] | None]:
    """Where each cut falls in everyone's ranking: the last person inside the cut's top
    ranks, as (value, pseudo id), or None when nobody is inside.

    People are ranked by value, highest first, ties broken by pseudo id ascending (as
    analysis.assign_risk_tiers ranks them). In: each part's values (finite floats) and
    pseudo ids, aligned. Only the values are looked at whole (a partial sort for each
    cut's value); pseudo ids are read only where a value equals a cut's value, so the
    ids may be memory-mapped files. Use with tier_codes, part by part."""
    everyone = np.concatenate(values) if values else np.empty(0)
    n = len(everyone)
    bounds = tier_bounds(n, cuts)
    positions = sorted({n - b for b in bounds if b > 0})
    ranked = np.partition(everyone, positions) if positions else everyone
    found: list[tuple[float, str] | None] = []
    for b in bounds:
        if b == 0:
            found.append(None)
            continue
        value = ranked[n - b]  # the b-th largest value
        above = int(np.count_nonzero(everyone > value))
        tied = [
            np.asarray(ids[np.flatnonzero(v == value)])
            for v, ids in zip(values, pseudo_ids, strict=True)
        ]
        tied = np.sort(np.concatenate(tied).astype(str))
        found.append((float(value), str(tied[b - above - 1])))
    return found


def tier_codes(
    values: np.ndarray, pseudo_ids: np.ndarray, cuts: list[tuple[float, str] | None]
) -> np.ndarray:
    """Each person's tier code (0 = highest) from tier_cuts: the number of cuts the
    person is not inside. In: one part's values and pseudo ids, aligned. Out: int8 codes
    into tier_labels."""
    codes = np.zeros(len(values), dtype=np.int8)
    for cut in cuts:
        if cut is None:
            codes += 1
            continue
        value, last = cut
        inside = values > value
        tied = np.flatnonzero(values == value)
        if len(tied):
            inside[tied] = np.asarray(pseudo_ids[tied]).astype(str) <= last
        codes += ~inside
    return codes


def tier_names(codes: np.ndarray, cuts: tuple[float, ...] = DEFAULT_CUTS) -> pd.Categorical:
    """Tier codes as assign_risk_tiers' ordered categorical of labels."""
    return pd.Categorical.from_codes(codes, categories=tier_labels(cuts), ordered=True)
