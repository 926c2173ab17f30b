"""Statistical process control: NHS England's "Making Data Count" XmR charts.

Pure numpy/pandas, no Django, so that analysts can check it against NHS England's Excel
tool and the open reference, NHSRplotthedots. DESIGN.md section 4 sets the method and
``docs/spc.md`` explains it for commissioners. ``xmr`` is the entry point:

    chart = xmr(values, dates=dates, improvement="lower", target=0.05)
    chart.points            # a row per point: limits, special cause, rule, variation
    chart.variation_icon    # e.g. "concern_high"; chart.variation_label for people
    chart.assurance_icon    # "pass", "fail", "hit_and_miss" or None

The building blocks (limits, the four rules, the icons) are public too, so that each can
be tested and reused on its own.
"""

from commissioning.spc.chart import SPCResult, xmr
from commissioning.spc.icons import (
    ASSURANCE_LABELS,
    IMPROVEMENT_DIRECTIONS,
    VARIATION_LABELS,
    assurance_icon,
    classify,
    variation_icon,
)
from commissioning.spc.limits import (
    LIMIT_FACTOR,
    NEAR_FACTOR,
    SCREEN_FACTOR,
    ProcessLimits,
    moving_ranges,
    process_limits,
    screen_moving_ranges,
)
from commissioning.spc.rules import (
    RULES,
    SpecialCauses,
    outside_limits,
    shift,
    special_causes,
    trend,
    two_of_three,
)

__all__ = [
    "ASSURANCE_LABELS",
    "IMPROVEMENT_DIRECTIONS",
    "LIMIT_FACTOR",
    "NEAR_FACTOR",
    "RULES",
    "SCREEN_FACTOR",
    "VARIATION_LABELS",
    "ProcessLimits",
    "SPCResult",
    "SpecialCauses",
    "assurance_icon",
    "classify",
    "moving_ranges",
    "outside_limits",
    "process_limits",
    "screen_moving_ranges",
    "shift",
    "special_causes",
    "trend",
    "two_of_three",
    "variation_icon",
    "xmr",
]
