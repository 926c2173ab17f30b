"""Property-based tests of the disclosure rules (DESIGN.md section 5) in
commissioning.disclosure: what a provider representative, a partner or an export may see."""

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from commissioning.disclosure import (
    SUPPRESSED,
    THRESHOLD,
    controlled_count,
    controlled_mean,
    controlled_rate,
    controlled_table,
)

counts = st.integers(min_value=0, max_value=10**7)
small = st.integers(min_value=1, max_value=THRESHOLD - 1)


def _possible(shown) -> range:
    """The true counts a reader who knows the rules can infer from one shown count."""
    if shown == 0:
        return range(0, 1)
    if shown == SUPPRESSED:
        return range(1, THRESHOLD)
    return range(max(shown - 2, THRESHOLD), shown + 3)


@given(counts)
def test_a_count_is_released_only_as_zero_star_or_a_multiple_of_five_of_at_least_ten(count):
    shown = controlled_count(count)
    assert shown == 0 or shown == SUPPRESSED or (shown % 5 == 0 and shown >= 10)
    assert shown not in range(1, THRESHOLD)


@given(counts)
def test_rounding_is_to_the_nearest_five_halves_up(count):
    shown = controlled_count(count)
    if count >= THRESHOLD:
        assert abs(shown - count) <= 2
        assert shown == 5 * ((count + 2) // 5)  # nearest 5 (a count is never halfway)
        assert count in _possible(shown)


@given(small)
def test_counts_of_one_to_seven_are_always_suppressed(count):
    assert controlled_count(count) == SUPPRESSED


@given(counts, counts)
def test_controlled_count_is_monotonic(a, b):
    """A larger group never shows a smaller figure ("*" sits between 0 and 10)."""
    rank = {0: 0, SUPPRESSED: 1}
    low, high = sorted((a, b))
    shown_low, shown_high = controlled_count(low), controlled_count(high)
    assert rank.get(shown_low, shown_low) <= rank.get(shown_high, shown_high)


@given(counts)
def test_controlled_count_is_idempotent(count):
    shown = controlled_count(count)
    if shown != SUPPRESSED:
        assert controlled_count(shown) == shown


@given(counts, counts)
def test_a_rate_from_a_suppressed_count_is_suppressed(numerator, denominator):
    rate = controlled_rate(numerator, denominator)
    num, den = controlled_count(numerator), controlled_count(denominator)
    if SUPPRESSED in (num, den):
        assert rate == SUPPRESSED
    elif den == 0:
        assert rate is None
    else:
        assert rate == pytest.approx(num / den * 100)  # from the rounded parts only


@given(small, counts)
def test_a_rate_never_reveals_a_small_numerator_or_denominator(k, other):
    assert controlled_rate(k, other) == SUPPRESSED
    assert controlled_rate(other, k) == SUPPRESSED


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(0, 10**6))
def test_a_mean_only_where_n_is_at_least_eight(total, n):
    mean = controlled_mean(total, n)
    if n == 0:
        assert mean is None
    elif n < THRESHOLD:
        assert mean == SUPPRESSED
    else:
        assert mean == pytest.approx(total / n)


# --------------------------------------------------------------------------- tables


tables = st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=4)


@given(tables)
def test_a_table_total_is_rounded_on_its_own_never_summed(cells):
    shown, total = controlled_table(dict(enumerate(cells)), sum(cells))
    assert total == controlled_count(sum(cells))
    for key, value in shown.items():
        assert value == controlled_count(cells[key]) or value == SUPPRESSED


def _consistent_values(shown: dict, total_shown, key) -> set[int]:
    """Every value of cell `key` that a reader who knows the rules finds consistent with
    the shown cells and total: each shown count within its rounding, each "*" 1-7 (or,
    where there are several, any positive count, as one may be a secondary suppression)."""
    stars = [k for k, v in shown.items() if v == SUPPRESSED]
    ranges = {}
    for k, v in shown.items():
        ranges[k] = range(1, 50) if v == SUPPRESSED and len(stars) > 1 else _possible(v)
    totals = _possible(total_shown)
    mine = set(ranges[key]) & set(range(1, THRESHOLD))
    found = set()
    others = [ranges[k] for k in shown if k != key]
    for candidate in itertools.product(*others):
        rest = sum(candidate)
        found |= {value for value in mine if value + rest in totals}
    return found


@settings(max_examples=150, deadline=None)
@given(tables)
def test_a_total_never_backs_out_a_suppressed_cell(cells):
    shown, total = controlled_table(dict(enumerate(cells)), sum(cells))
    for key, value in shown.items():
        if value == SUPPRESSED and 0 < cells[key] < THRESHOLD:
            consistent = _consistent_values(shown, total, key)
            assert cells[key] in consistent
            assert len(consistent) >= 2, (cells, shown, total, key, consistent)


@pytest.mark.parametrize(
    ("cells", "naive"),
    [
        ([8, 8, 1], ({0: 10, 1: 10, 2: SUPPRESSED}, 15)),  # 15 - (8 + 8) leaves only 1
        ([12, 12, 12, 7], ({0: 10, 1: 10, 2: 10, 3: SUPPRESSED}, 45)),  # 43 - 36 leaves 7
    ],
)
def test_without_secondary_suppression_these_tables_would_disclose(cells, naive):
    """The cases that make secondary suppression necessary: rounding alone is not enough."""
    naive_cells, naive_total = naive
    assert {k: controlled_count(v) for k, v in enumerate(cells)} == naive_cells
    assert controlled_count(sum(cells)) == naive_total
    star = next(k for k, v in naive_cells.items() if v == SUPPRESSED)
    assert _consistent_values(naive_cells, naive_total, star) == {cells[star]}
    shown, _ = controlled_table(dict(enumerate(cells)), sum(cells))
    assert list(shown.values()).count(SUPPRESSED) == 2


@settings(deadline=None)
@example(large=[33, 10228], k=1)
@example(large=[300, 450], k=3)
@given(st.lists(st.integers(min_value=8, max_value=10**6), min_size=1, max_size=4), small)
def test_secondary_suppression_only_when_needed(large, k):
    """A small cell next to larger ones gets a second suppression only where the rounded
    cells and total would otherwise pin it (e.g. 33, 10228 and 1: total at most 10262,
    the others at least 33 and 10228, so the small cell is 1)."""
    cells = [*large, k]
    shown, total = controlled_table(dict(enumerate(cells)), sum(cells))
    assert total == controlled_count(sum(cells))
    naive = {i: controlled_count(v) for i, v in enumerate(cells)}
    pinned = len(_consistent_values(naive, total, len(cells) - 1)) < 2
    assert list(shown.values()).count(SUPPRESSED) == (2 if pinned else 1)


# --------------------------------------------------------------------------- differencing


@given(st.integers(min_value=0, max_value=10**6), small)
def test_two_rounded_counts_never_pin_a_small_difference(n, g):
    """Two groups that differ by g (1-7) people, e.g. an area and the same area without
    one neighbourhood: the shown figures leave at least two possible values of g."""
    a, b = controlled_count(n + g), controlled_count(n)
    possible = {x - y for x in _possible(a) for y in _possible(b)} & set(range(1, THRESHOLD))
    assert g in possible
    assert len(possible) >= 2
