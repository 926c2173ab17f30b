"""Making Data Count XmR charts (DESIGN.md section 4), against worked examples.

Reference answers come from NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots,
the open reference DESIGN.md names), each case citing the test it is ported from; the
rest are small series computed by hand. Most hand cases fix the limits on a baseline of
12 points alternating 10 and 12 (mean 11, mean moving range 2): process limits
11 +/- 5.32 = 5.68 and 16.32, near lines 11 +/- 3.5467 = 7.4533 and 14.5467.
Pure analysis: no database.
"""

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commissioning.spc import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    assurance_icon,
    moving_ranges,
    process_limits,
    screen_moving_ranges,
    shift,
    trend,
    two_of_three,
    xmr,
)

BASELINE = [10.0, 12.0] * 6


def after_baseline(after, **options):
    """The chart of BASELINE + after, limits fixed on the baseline."""
    return xmr(BASELINE + list(after), fix_after=len(BASELINE), **options)


def tail(result, column, n):
    """The last n values of a points column, missing values as None."""
    return [None if pd.isna(v) else v for v in result.points[column].iloc[-n:]]


# --- Worked examples from NHSRplotthedots ---------------------------------------------

# set.seed(123); rnorm(20), as R prints it: the data of NHSRplotthedots'
# tests/testthat/test-ptd_spc_standard.R and test-ptd_spc.R.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_xmr_matches_nhsrplotthedots_rnorm_snapshot():
    # tests/testthat/_snaps/ptd_spc_standard.md, r1: mean_col 0.1416238, lpl -3.01138,
    # upl 3.294627; _snaps/ptd_spc.md: all 20 points common cause.
    result = xmr(RNORM_123)
    assert result.mean == pytest.approx(0.1416238, abs=1e-7)
    assert result.lcl == pytest.approx(-3.01138, abs=1e-5)
    assert result.ucl == pytest.approx(3.294627, abs=1e-6)
    assert not result.points["special_cause"].any()
    assert result.variation_icon == "common_cause"


def test_xmr_screening_matches_nhsrplotthedots_snapshot():
    # _snaps/ptd_spc_standard.md r2 and r3: y[15] <- 10, screen_outliers TRUE and FALSE.
    values = list(RNORM_123)
    values[14] = 10
    screened = xmr(values)
    assert screened.mean == pytest.approx(0.6694159, abs=1e-7)
    assert screened.lcl == pytest.approx(-2.383666, abs=1e-6)
    assert screened.ucl == pytest.approx(3.722497, abs=1e-6)
    assert screened.segments.loc[0, "screened_moving_ranges"] == 2
    unscreened = xmr(values, screen_outliers=False)
    assert unscreened.mean == screened.mean
    assert unscreened.lcl == pytest.approx(-4.596625, abs=1e-6)
    assert unscreened.ucl == pytest.approx(5.935457, abs=1e-6)
    # relative_to_mean in the r2 snapshot (the first 14 values it shows)
    sides = np.sign(np.array(values[:14]) - screened.mean).tolist()
    assert sides == [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]


def test_xmr_rebase_matches_nhsrplotthedots_summary_snapshot():
    # _snaps/ptd_spc.md, s3: the rnorm data split 10 + 10 (as facets; a rebase at the 11th
    # point computes the same): mean 0.0746 / 0.209, lpl -2.60 / -3.28, upl 2.75 / 3.70.
    result = xmr(RNORM_123, rebase_at=[10])
    segments = result.segments
    assert segments["mean"].round(4).tolist() == [0.0746, 0.2086]
    assert segments["lcl"].round(2).tolist() == [-2.60, -3.28]
    assert segments["ucl"].round(2).tolist() == [2.75, 3.70]
    assert result.points["segment"].tolist() == [0] * 10 + [1] * 10
    assert not result.points["special_cause"].any()


def test_xmr_fix_after_changes_limits_as_nhsrplotthedots():
    # test-ptd_spc_standard.R, "setting fix_after_n_points changes the calculations"
    free, fixed = xmr(RNORM_123), xmr(RNORM_123, fix_after=12)
    assert fixed.lcl != free.lcl and fixed.ucl != free.ucl
    assert fixed.mean == pytest.approx(np.mean(RNORM_123[:12]))


def test_xmr_two_of_three_opposite_sides_is_common_cause_as_nhsrplotthedots():
    # test-ptd_spc_standard.R, "it only reports special cause for 2 of 3 points close to
    # limits when they are on the same side of the mean"
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    result = xmr(values)
    assert tail(result, "variation", 2) == ["common", "common"]


# NHSRdatasets::ae_attendances summed by month, April 2016 to March 2019: the data of
# NHSRplotthedots' tests/testthat/test-integration_tests.R. The expected values are the
# ptd_spc results serialised in tests/testthat/_snaps/integration_tests.md (commit
# 0c096d8), decoded from R's serialisation format.
AE_MONTHS = pd.date_range("2016-04-01", periods=36, freq="MS")
AE_ATTENDANCES = [
    1867781, 2070340, 1958802, 2079034, 1932901, 1952464, 2001816, 1907871, 1944567,
    1895272, 1735619, 2015834, 1949762, 2066789, 1994056, 2073944, 1924663, 1925961,
    2044137, 1976971, 2003954, 2000086, 1820012, 2049785, 1984369, 2164458, 2093942,
    2179896, 1997854, 2005695, 2079492, 2037847, 2047518, 2113413, 1954947, 2167550,
]  # fmt: skip
# performance = 1 - breaches / attendances
AE_PERFORMANCE = [
    0.9003512724457525, 0.9027555860390081, 0.9055994429248081, 0.9028524786030435,
    0.909763097023593, 0.9064786853944554, 0.8905308979446662, 0.8837903610883545,
    0.8617594559611471, 0.851413411900772, 0.8753090395991286, 0.9000949482943537,
    0.9051525263083392, 0.8970035160821932, 0.9072518525056468, 0.9034785895858326,
    0.9029928875860346, 0.8966609396555797, 0.8994186788850258, 0.8876655246839736,
    0.8498503458662225, 0.8529918213516818, 0.8504476893558943, 0.8462121637147311,
    0.8857248828216929, 0.9039011151983545, 0.9076297242234981, 0.8931949047110505,
    0.8972702710007838, 0.8894368286304747, 0.8900933497219513, 0.8760446687116353,
    0.8644632183941728, 0.843525141560121, 0.8422525009629417, 0.8660427671795345,
]  # fmt: skip
# point_type in the snapshot: . common cause, I improvement, C concern
AE_PERFORMANCE_TYPES = ".........C.IIIIIIII.CCCC.....CCCCCCC"
TYPE_CODES = {"common": ".", "improvement": "I", "concern": "C"}


def test_xmr_matches_nhsrplotthedots_ae_attendances():
    # "ae_all attendances spc returns expected values": all common cause.
    result = xmr(AE_ATTENDANCES, dates=AE_MONTHS)
    assert result.mean == pytest.approx(2000538.9444444445, rel=1e-12)
    assert result.lcl == pytest.approx(1731844.3644444444, rel=1e-12)
    assert result.ucl == pytest.approx(2269233.5244444446, rel=1e-12)
    assert not result.points["special_cause"].any()


def test_xmr_rebase_matches_nhsrplotthedots_ae_attendances():
    # "ae_all attendances spc with rebase returns expected values": rebase 2017-04-01.
    result = xmr(AE_ATTENDANCES, dates=AE_MONTHS, rebase_at=[pd.Timestamp("2017-04-01")])
    segments = result.segments
    assert segments["start"].tolist() == [0, 12]
    assert segments["mean"].tolist() == pytest.approx([1946858.4166666667, 2027379.2083333333])
    assert segments["lcl"].tolist() == pytest.approx([1639947.374848485, 1772921.0639855072])
    assert segments["ucl"].tolist() == pytest.approx([2253769.4584848485, 2281837.3526811595])
    assert not result.points["special_cause"].any()


def test_xmr_matches_nhsrplotthedots_ae_performance_fixed_baseline():
    # "ae_all performance spc returns expected values": fix_after_n_points = 12. The
    # snapshot predates NHS England's November 2023 change to the 2-of-3 rule, so it is
    # matched with the older reading.
    result = xmr(
        AE_PERFORMANCE,
        fix_after=12,
        improvement="higher",
        two_of_three_includes_beyond_limits=False,
    )
    assert result.mean == pytest.approx(0.8908915564349236, rel=1e-12)
    assert result.lcl == pytest.approx(0.8614049789074258, rel=1e-12)
    assert result.ucl == pytest.approx(0.9203781339624213, rel=1e-12)
    types = "".join(TYPE_CODES[v] for v in result.points["variation"])
    assert types == AE_PERFORMANCE_TYPES
    assert result.variation_icon == "concern_low"


def test_xmr_ae_performance_current_two_of_three_reading_adds_one_point():
    # Point 9 (Dec 2016) is beyond the near line and point 10 beyond the lower limit, all
    # three of points 8-10 below the mean: 2 of 3 under NHS England's current reading.
    result = xmr(AE_PERFORMANCE, fix_after=12)
    types = "".join(TYPE_CODES[v] for v in result.points["variation"])
    assert types == AE_PERFORMANCE_TYPES[:8] + "C" + AE_PERFORMANCE_TYPES[9:]
    assert result.points.loc[8, "rule"] == "two_of_three"


# Rule helpers, ported from tests/testthat/test-ptd_calculate_point_type.R


@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        ([], []),
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [-1] * 8 + [0]),
        ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
        ([1] + [-1] * 8 + [1], [0] + [-1] * 8 + [0]),
    ],
)
def test_shift_ported_from_nhsrplotthedots(sides, expected):
    # ptd_seven_point_one_side_mean and ptd_part_of_seven_trend
    assert shift(np.array(sides, dtype=float), 0.0).tolist() == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], []),
        ([1, 2, 3, 4, 5, 6], [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),  # a tie breaks the trend
        ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
        ([7, 6, 5, 4, 3, 2, 1], [-1] * 7),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [-1] * 7 + [0]),
    ],
)
def test_trend_ported_from_nhsrplotthedots(values, expected):
    # ptd_seven_point_trend and ptd_part_of_seven_trend
    assert trend(values).tolist() == expected


@pytest.mark.parametrize(
    ("beyond", "expected"),
    [
        ([], []),
        ([0, 0, 0], [0, 0, 0]),
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ],
)
def test_two_of_three_ported_from_nhsrplotthedots(beyond, expected):
    # ptd_two_in_three and ptd_part_of_two_in_three: 1 is a point beyond the near line
    # (15), 0 a point on the same side within it (12); only the points beyond are flagged.
    limits = process_limits(BASELINE)
    values = [15.0 if b else 12.0 for b in beyond]
    assert two_of_three(values, limits).tolist() == expected


@pytest.mark.parametrize(
    ("lcl", "ucl", "improvement", "expected"),
    [
        (1, 3, "higher", "fail"),
        (5, 7, "higher", "pass"),
        (1, 5, "higher", "hit_and_miss"),
        (1, 3, "lower", "pass"),
        (5, 7, "lower", "fail"),
        (1, 5, "lower", "hit_and_miss"),
        (1, 3, "neutral", None),
        (4, 7, "higher", "hit_and_miss"),  # a target on a limit is hit and miss
    ],
)
def test_assurance_icon_ported_from_nhsrplotthedots(lcl, ucl, improvement, expected):
    # tests/testthat/test-ptd_calculate_assurance_type.R: target 4
    assert assurance_icon(4, lcl, ucl, improvement) == expected


def test_assurance_icon_without_target_is_none():
    assert assurance_icon(None, 1, 3, "higher") is None


# --- Limits, hand computed ------------------------------------------------------------


def test_process_limits_hand_computed():
    # mean 30/5 = 6; moving ranges 2, 1, 2, 4: mean 2.25, none >= 3.267 * 2.25
    limits = process_limits([5, 7, 6, 8, 4])
    assert limits.mean == 6
    assert limits.mean_moving_range == 2.25
    assert limits.lcl == pytest.approx(6 - 5.985)
    assert limits.ucl == pytest.approx(6 + 5.985)
    assert limits.near_lower == pytest.approx(6 - 3.99)
    assert limits.near_upper == pytest.approx(6 + 3.99)


def test_moving_ranges_are_absolute_differences():
    assert moving_ranges([5, 7, 6, 8, 4]).tolist() == [2, 1, 2, 4]


def test_xmr_screens_a_large_moving_range_once():
    # A spike of 30: moving ranges nine 1s and two 20s, mean 49/11; 20 >= 3.267 * 49/11
    # so both are left out and the mean moving range is 1. Mean 145/12 either way.
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 30, 10, 11]
    screened = xmr(values)
    assert screened.mean == pytest.approx(145 / 12)
    assert screened.segments.loc[0, "mean_moving_range"] == 1
    assert screened.ucl == pytest.approx(145 / 12 + 2.66)
    assert screened.lcl == pytest.approx(145 / 12 - 2.66)
    assert screened.points["screened"].tolist() == [False] * 9 + [True, True, False]
    unscreened = xmr(values, screen_outliers=False)
    assert unscreened.segments.loc[0, "mean_moving_range"] == pytest.approx(49 / 11)
    assert unscreened.ucl == pytest.approx(145 / 12 + 2.66 * 49 / 11)
    assert not unscreened.points["screened"].any()
    assert screened.points.loc[9, "rule"] == unscreened.points.loc[9, "rule"] == "outside_limits"


def test_screen_moving_ranges_screens_a_range_equal_to_the_threshold():
    # mean exactly 1.0, so the threshold is 3.267 and the first range meets it
    assert screen_moving_ranges(np.array([3.267, 0.733, 0.0, 0.0])).tolist() == [
        True,
        False,
        False,
        False,
    ]


def test_screening_is_done_only_once():
    # After screening the 30, the range of 6 is >= 3.267 * the new mean (1.5), but it
    # stays: moving ranges 1, 1, 1, 30, 6, 1 -> mean 40/6; screen 30 -> (1+1+1+6+1)/5 = 2
    limits = process_limits([10, 11, 10, 11, 41, 35, 36])
    assert limits.screened.tolist() == [False, False, False, True, False, False]
    assert limits.mean_moving_range == 2


def test_constant_series_has_limits_on_the_mean_and_no_signal():
    result = xmr([5.0] * 10)
    assert result.lcl == result.ucl == result.mean == 5
    assert not result.points["special_cause"].any()


def test_xmr_point_columns_and_summary():
    result = xmr([5, 7, 6, 8, 4], dates=pd.date_range("2024-01-01", periods=5, freq="MS"))
    assert list(result.points.columns) == [
        "date", "value", "segment", "in_baseline", "mean", "moving_range", "screened",
        "lcl", "ucl", "near_lower", "near_upper", "special_cause", "rule", "variation", "side",
    ]  # fmt: skip
    assert result.points["date"].iloc[-1] == pd.Timestamp("2024-05-01")
    assert math.isnan(result.points["moving_range"].iloc[0])
    assert result.points["moving_range"].iloc[1:].tolist() == [2, 1, 2, 4]
    assert result.points["in_baseline"].all()
    assert (result.mean, result.segments.loc[0, "points"]) == (6, 5)


def test_xmr_without_dates_has_no_dates():
    assert xmr([1, 2, 3]).points["date"].isna().all()


# --- Rules, hand computed on the fixed baseline ----------------------------------------


def test_baseline_alone_is_common_cause():
    result = xmr(BASELINE)
    assert (result.mean, result.lcl, result.ucl) == pytest.approx((11, 5.68, 16.32))
    assert (result.near_lower, result.near_upper) == pytest.approx((11 - 3.54667, 11 + 3.54667))
    assert not result.points["special_cause"].any()


def test_outside_limits_high_and_low():
    result = after_baseline([11, 17, 11, 5])
    assert tail(result, "rule", 4) == [None, "outside_limits", None, "outside_limits"]
    assert tail(result, "side", 4) == [None, "high", None, "low"]


def test_point_on_a_limit_is_not_outside():
    ucl = xmr(BASELINE).ucl
    assert tail(after_baseline([11, ucl]), "rule", 1) == [None]


def test_rising_trend_flags_every_point():
    result = after_baseline([8, 9, 10, 11, 12, 13, 14])
    assert tail(result, "rule", 8) == [None] + ["trend"] * 7
    assert tail(result, "side", 7) == ["high"] * 7
    assert result.variation_icon == "improvement_high"


def test_falling_trend_flags_every_point():
    result = after_baseline([14, 13, 12, 11, 10, 9, 8], improvement="lower")
    assert tail(result, "rule", 8) == [None] + ["trend"] * 7
    assert result.variation_icon == "improvement_low"


def test_tie_breaks_a_trend():
    result = after_baseline([8, 9, 10, 10, 11, 12, 13, 14])
    assert not result.points["special_cause"].any()


@pytest.mark.parametrize(("run_length", "flagged"), [(6, True), (7, False)])
def test_trend_run_length_is_configurable(run_length, flagged):
    result = after_baseline([9, 10, 11, 12, 13, 14], run_length=run_length)
    assert tail(result, "rule", 6) == (["trend"] * 6 if flagged else [None] * 6)


def test_two_of_three_flags_the_points_beyond_the_near_line():
    result = after_baseline([11, 15, 11.5, 15.5, 11])
    assert tail(result, "rule", 5) == [None, "two_of_three", None, "two_of_three", None]
    assert tail(result, "side", 5) == [None, "high", None, "high", None]


def test_two_of_three_low():
    result = after_baseline([11, 7, 10.5, 6.5, 11])
    assert tail(result, "rule", 5) == [None, "two_of_three", None, "two_of_three", None]
    assert tail(result, "side", 5) == [None, "low", None, "low", None]


def test_two_of_three_needs_all_three_points_on_one_side_of_the_mean():
    # NHS England (NHSRplotthedots issue 194): the third point must be on the same side
    assert not after_baseline([11, 15, 10.5, 15.5, 11]).points["special_cause"].any()


def test_two_of_three_on_opposite_sides_is_common_cause():
    assert not after_baseline([11, 15, 7, 11]).points["special_cause"].any()


@pytest.mark.parametrize(
    ("includes_beyond_limits", "rules"),
    [
        (True, [None, None, "two_of_three", "outside_limits", None, None]),
        (False, [None, None, None, "outside_limits", None, None]),
    ],
)
def test_two_of_three_switch_for_points_beyond_the_limits(includes_beyond_limits, rules):
    # 15 is beyond the near line and 17 beyond the limit: 2 of 3 only when 17 counts
    result = after_baseline(
        [11, 11.5, 15, 17, 11.5, 11], two_of_three_includes_beyond_limits=includes_beyond_limits
    )
    assert tail(result, "rule", 6) == rules


def test_shift_flags_every_point():
    result = after_baseline([11, 12, 11.5, 12, 11.5, 12, 11.5, 12], improvement="lower")
    assert tail(result, "rule", 8) == [None] + ["shift"] * 7
    assert result.variation_icon == "concern_high"


def test_shift_low():
    result = after_baseline([11, 10, 10.5, 10, 10.5, 10, 10.5, 10])
    assert tail(result, "rule", 8) == [None] + ["shift"] * 7
    assert tail(result, "side", 1) == ["low"]


def test_point_on_the_mean_breaks_a_shift():
    result = after_baseline([11, 12, 11.5, 12, 11, 12, 11.5, 12, 11.5])
    assert not result.points["special_cause"].any()


@pytest.mark.parametrize(("run_length", "flagged"), [(6, True), (7, False)])
def test_shift_run_length_is_configurable(run_length, flagged):
    result = after_baseline([11, 12, 11.5, 12, 11.5, 12, 11.5], run_length=run_length)
    assert tail(result, "rule", 6) == (["shift"] * 6 if flagged else [None] * 6)


def test_precedence_outside_limits_over_trend():
    result = after_baseline([8, 9, 10, 11, 12, 13, 17])
    assert tail(result, "rule", 7) == ["trend"] * 6 + ["outside_limits"]


def test_precedence_trend_over_shift_takes_the_trend_direction():
    # seven rising points all below the mean: a trend up (improvement), not a low shift
    result = after_baseline([7.5, 8, 8.5, 9, 9.5, 10, 10.5])
    assert tail(result, "rule", 7) == ["trend"] * 7
    assert tail(result, "side", 7) == ["high"] * 7
    assert tail(result, "variation", 7) == ["improvement"] * 7
    assert result.variation_icon == "improvement_high"


def test_precedence_trend_over_two_of_three():
    # falling from near the upper limit: four points beyond the near line above the mean
    # (2 of 3, high), but all seven a falling trend (low), which comes first
    result = after_baseline([16.3, 16, 15.5, 15, 14, 13, 12])
    assert tail(result, "rule", 7) == ["trend"] * 7
    assert tail(result, "side", 7) == ["low"] * 7
    assert tail(result, "variation", 7) == ["concern"] * 7


def test_precedence_two_of_three_over_shift():
    result = after_baseline([11, 12, 15, 12, 15, 12, 12.5, 12])
    assert tail(result, "rule", 8) == [
        None, "shift", "two_of_three", "shift", "two_of_three", "shift", "shift", "shift",
    ]  # fmt: skip


# --- Variation and assurance icons -----------------------------------------------------


@pytest.mark.parametrize(
    ("last", "improvement", "icon", "variation"),
    [
        (17, "higher", "improvement_high", "improvement"),
        (17, "lower", "concern_high", "concern"),
        (17, "neutral", "neither_high", "neither"),
        (5, "higher", "concern_low", "concern"),
        (5, "lower", "improvement_low", "improvement"),
        (5, "neutral", "neither_low", "neither"),
        (12, "higher", "common_cause", "common"),
        (12, "lower", "common_cause", "common"),
        (12, "neutral", "common_cause", "common"),
    ],
)
def test_variation_icon_is_the_last_points_type(last, improvement, icon, variation):
    result = after_baseline([11, last], improvement=improvement)
    assert result.variation_icon == icon
    assert result.variation_label == VARIATION_LABELS[icon]
    assert tail(result, "variation", 1) == [variation]


@pytest.mark.parametrize(
    ("target", "improvement", "icon"),
    [
        (5, "higher", "pass"),
        (20, "higher", "fail"),
        (11, "higher", "hit_and_miss"),
        (5, "lower", "fail"),
        (20, "lower", "pass"),
        (11, "lower", "hit_and_miss"),
        (5, "neutral", None),
        (None, "higher", None),
        (float("nan"), "higher", None),
    ],
)
def test_assurance_icon_compares_target_with_limits(target, improvement, icon):
    # limits 5.68 and 16.32
    result = xmr(BASELINE, target=target, improvement=improvement)
    assert result.assurance_icon == icon
    assert result.assurance_label == (ASSURANCE_LABELS[icon] if icon else None)


def test_assurance_uses_the_last_segments_limits():
    # ported in spirit from test-ptd_calculate_assurance_type.R, "when rebase"
    values = BASELINE + [v + 90 for v in BASELINE]
    assert xmr(BASELINE, target=50).assurance_icon == "fail"
    rebased = xmr(values, target=50, rebase_at=[12])
    assert rebased.assurance_icon == "pass"
    assert (rebased.mean, rebased.lcl) == pytest.approx((101, 95.68))


def test_every_icon_has_a_label():
    assert set(VARIATION_LABELS) == {
        "common_cause", "improvement_high", "improvement_low", "concern_high",
        "concern_low", "neither_high", "neither_low",
    }  # fmt: skip
    assert set(ASSURANCE_LABELS) == {"pass", "fail", "hit_and_miss"}


# --- Fixed baseline and rebasing -------------------------------------------------------


def test_fixed_baseline_limits_come_from_the_first_points_and_extend():
    result = after_baseline([20, 30, 25])
    assert (result.mean, result.lcl, result.ucl) == pytest.approx((11, 5.68, 16.32))
    assert result.points["in_baseline"].tolist() == [True] * 12 + [False] * 3
    assert tail(result, "rule", 3) == ["outside_limits"] * 3
    assert result.segments.loc[0, "baseline_points"] == 12


def test_fixed_baseline_applies_to_each_segment():
    values = BASELINE + [v + 90 for v in BASELINE] + [200, 300]
    result = xmr(values, fix_after=12, rebase_at=[12])
    assert result.segments["mean"].tolist() == pytest.approx([11, 101])
    assert result.segments["baseline_points"].tolist() == [12, 12]


def test_rebase_gives_each_segment_its_own_limits():
    values = [5, 7, 6, 8, 4, 50, 52, 51, 53]
    result = xmr(values, rebase_at=[5])
    for number, part in ((0, values[:5]), (1, values[5:])):
        limits = process_limits(part)
        rows = result.points[result.points["segment"] == number]
        assert rows["mean"].unique().tolist() == [limits.mean]
        assert rows["ucl"].unique().tolist() == [limits.ucl]
    assert math.isnan(result.points.loc[5, "moving_range"])


def test_runs_do_not_cross_a_rebase():
    values = BASELINE + [8, 9, 10, 11, 12, 13, 14]
    assert "trend" in xmr(values).points["rule"].tolist()
    assert not xmr(values, rebase_at=[15]).points["special_cause"].any()


@pytest.mark.parametrize(
    ("change", "starts"),
    [
        ("2020-07-15", [0, 7]),  # the first point on or after the change
        ("2020-07-01", [0, 6]),
        ("2019-01-01", [0]),  # before the first point
        ("2021-06-01", [0]),  # after the last point: no data yet
        (6, [0, 6]),
        (0, [0]),
    ],
)
def test_rebase_at_a_date_or_position(change, starts):
    dates = pd.date_range("2020-01-01", periods=12, freq="MS")
    result = xmr(list(range(12)), dates=dates, rebase_at=[change])
    assert result.segments["start"].tolist() == starts


def test_rebase_at_accepts_a_single_change():
    dates = pd.date_range("2020-01-01", periods=12, freq="MS")
    result = xmr(list(range(12)), dates=dates, rebase_at="2020-07-01")
    assert result.segments["start"].tolist() == [0, 6]


def test_xmr_accepts_decimal_values():
    # indicator values may come from a DecimalField
    assert xmr([Decimal("1.5"), Decimal("2.5"), 3]).mean == pytest.approx(7 / 3)


# --- Invalid input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "options", "message"),
    [
        ([], {}, "at least 2 points"),
        ([1.0], {}, "at least 2"),
        ([1.0, float("nan"), 3.0], {}, "missing"),
        ([1.0, None, 3.0], {}, "missing"),
        ([1.0, float("inf")], {}, "infinite"),
        (["a", "b"], {}, "numbers"),
        ([1, 2, 3], {"improvement": "up"}, "improvement must be"),
        ([1, 2, 3], {"run_length": 8}, "run_length"),
        ([1, 2, 3, 4], {"rebase_at": [3]}, "segment 1 .* has 1 point"),
        ([1, 2, 3, 4], {"rebase_at": [4]}, "outside the series"),
        ([1, 2, 3, 4], {"rebase_at": ["2020-01-01"]}, "needs the points' dates"),
        ([1, 2, 3, 4], {"fix_after": 5}, "fix_after=5 is more than the 4 points"),
        ([1, 2, 3, 4, 5, 6], {"fix_after": 3, "rebase_at": [4]}, "more than the 2 points"),
        ([1, 2, 3, 4], {"fix_after": 1}, "at least 2"),
        ([1, 2, 3, 4], {"fix_after": 2.5}, "whole number"),
        ([1, 2, 3], {"dates": ["2020-01-01", "2020-02-01"]}, "2 dates for 3 values"),
        ([1, 2], {"dates": ["2020-01-01", "2020-02-01"], "rebase_at": ["soon"]}, "not a position"),
        ([1, 2, 3], {"dates": ["2020-02-01", "2020-01-01", "2020-03-01"]}, "increasing"),
    ],
)
def test_xmr_refuses_invalid_input(values, options, message):
    with pytest.raises(ValueError, match=message):
        xmr(values, **options)


# --- Properties ------------------------------------------------------------------------

series = st.lists(st.integers(min_value=-1000, max_value=1000), min_size=2, max_size=40)
options = st.fixed_dictionaries(
    {
        "improvement": st.sampled_from(["higher", "lower", "neutral"]),
        "run_length": st.sampled_from([6, 7]),
        "screen_outliers": st.booleans(),
        "two_of_three_includes_beyond_limits": st.booleans(),
    }
)
LINES = ["lcl", "near_lower", "mean", "near_upper", "ucl"]


@given(series, options)
def test_limits_are_ordered(values, opts):
    points = xmr(values, **opts).points
    for lower, upper in zip(LINES, LINES[1:], strict=False):
        assert (points[lower] <= points[upper]).all()


@given(series, options, st.integers(min_value=-(10**6), max_value=10**6))
@settings(max_examples=200)
def test_flags_do_not_change_when_a_constant_is_added(values, opts, constant):
    before = xmr(values, **opts)
    # a value within rounding of a line may fall either side after the shift
    lines = before.points[["lcl", "near_lower", "near_upper", "ucl"]].to_numpy()
    assume(np.abs(lines - before.points[["value"]].to_numpy()).min() > 1e-6)
    after = xmr([v + constant for v in values], **opts)
    for column in ["special_cause", "rule", "variation", "side"]:
        assert after.points[column].tolist() == before.points[column].tolist()
    assert after.variation_icon == before.variation_icon


@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=40),
    options,
)
def test_flags_mirror_when_values_are_negated_and_direction_flipped(values, opts):
    flipped = {"higher": "lower", "lower": "higher", "neutral": "neutral"}[opts["improvement"]]
    before = xmr(values, **opts)
    after = xmr([-v for v in values], **{**opts, "improvement": flipped})
    assert after.points["rule"].tolist() == before.points["rule"].tolist()
    assert after.points["variation"].tolist() == before.points["variation"].tolist()
    mirror = {"high": "low", "low": "high", None: None}
    assert after.points["side"].tolist() == [mirror[s] for s in before.points["side"]]
    assert after.lcl == -before.ucl and after.near_upper == -before.near_lower


@given(series, options)
def test_special_cause_agrees_with_rule_and_variation(values, opts):
    points = xmr(values, **opts).points
    assert (points["special_cause"] == points["rule"].notna()).all()
    assert (points["special_cause"] == (points["variation"] != "common")).all()
