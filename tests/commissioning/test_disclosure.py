"""Small-number disclosure control (DESIGN.md section 5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.disclosure import (
    SUPPRESSED,
    PopulationTooSmall,
    controlled_count,
    controlled_mean,
    controlled_rate,
    require_population_at_least,
)


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),
        (1, SUPPRESSED),
        (7, SUPPRESSED),
        (8, 10),
        (12, 10),
        (13, 15),
        (22, 20),
        (23, 25),
        (1002, 1000),
        (1003, 1005),
    ],
)
def test_controlled_count_examples(count, shown):
    assert controlled_count(count) == shown


@given(st.integers(min_value=8, max_value=10**9))
def test_controlled_count_is_multiple_of_five_within_two_and_a_half(count):
    shown = controlled_count(count)
    assert shown % 5 == 0
    assert abs(shown - count) <= 2.5


@given(st.integers(min_value=1, max_value=7))
def test_controlled_count_small_always_suppressed(count):
    assert controlled_count(count) == SUPPRESSED


def test_controlled_rate_uses_rounded_parts():
    assert controlled_rate(12, 103) == pytest.approx(10 / 105 * 100)
    assert controlled_rate(5, 1000) == SUPPRESSED
    assert controlled_rate(50, 6) == SUPPRESSED


def test_controlled_mean_needs_eight():
    assert controlled_mean(70.0, 7) == SUPPRESSED
    assert controlled_mean(80.0, 8) == 10.0


def test_small_population_filter_refused():
    with pytest.raises(PopulationTooSmall):
        require_population_at_least(5)
    require_population_at_least(0)
    require_population_at_least(8)


def test_negative_count_is_an_error():
    with pytest.raises(ValueError):
        controlled_count(-1)
