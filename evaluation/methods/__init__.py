"""Pure statistics for evaluating interventions: no ORM, no Django.

- `its.interrupted_time_series`: segmented regression with Newey-West errors.
- `did.series_difference_in_differences`, `did.two_by_two`,
  `did.snapshot_difference_in_differences`: difference-in-differences.
- `estimate.Estimate`, `estimate.minimum_detectable_effect`: what every method returns.
- `summary.plain_summary`: the plain-English sentence that does not overclaim.

Formulas are in docs/evaluation-methods.md.
"""

from evaluation.methods.did import (
    series_difference_in_differences,
    snapshot_difference_in_differences,
    two_by_two,
)
from evaluation.methods.estimate import Estimate, minimum_detectable_effect
from evaluation.methods.its import interrupted_time_series, newey_west_lag
from evaluation.methods.summary import plain_summary

__all__ = [
    "Estimate",
    "interrupted_time_series",
    "minimum_detectable_effect",
    "newey_west_lag",
    "plain_summary",
    "series_difference_in_differences",
    "snapshot_difference_in_differences",
    "two_by_two",
]
