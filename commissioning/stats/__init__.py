"""Public health statistics users will check against OHID's PHEindicatormethods.

Pure functions (numpy, pandas, scipy; no Django, no ORM), described method by method in
docs/statistics.md. DESIGN.md section 4 sets the rules: Wilson intervals for proportions;
exact Poisson limits for counts under 10 and Byar's from 10; DSRs by the Dobson method on
ESP2013, not published under a total count of 10; ISRs; SII and RII across deprivation
quantiles; 95% and 99.8% confidence.

- intervals: ``wilson_interval``, ``byars_interval``, ``exact_poisson_interval``,
  ``count_interval``, ``crude_rate``
- standardisation: ``european_standard_population_2013``, ``age_band_esp2013``,
  ``directly_standardised_rate(s)``, ``expected_count``, ``indirectly_standardised_ratio``
- inequality: ``slope_index_of_inequality``
"""

from commissioning.stats.inequality import InequalityIndex, slope_index_of_inequality
from commissioning.stats.intervals import (
    BYARS_MINIMUM_COUNT,
    Interval,
    byars_interval,
    count_interval,
    crude_rate,
    exact_poisson_interval,
    wilson_interval,
    z_score,
)
from commissioning.stats.standardisation import (
    ESP2013_BANDS,
    StandardisedRate,
    age_band_esp2013,
    directly_standardised_rate,
    directly_standardised_rates,
    european_standard_population_2013,
    expected_count,
    indirectly_standardised_ratio,
)

__all__ = [
    "BYARS_MINIMUM_COUNT",
    "ESP2013_BANDS",
    "InequalityIndex",
    "Interval",
    "StandardisedRate",
    "age_band_esp2013",
    "byars_interval",
    "count_interval",
    "crude_rate",
    "directly_standardised_rate",
    "directly_standardised_rates",
    "european_standard_population_2013",
    "exact_poisson_interval",
    "expected_count",
    "indirectly_standardised_ratio",
    "slope_index_of_inequality",
    "wilson_interval",
    "z_score",
]
