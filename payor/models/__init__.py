"""Models of stage 3, delivering through resource allocation (the payor function).

Each part keeps its models in its own module: finance.py (allocations, programme
budgets, contract terms, KPIs, variations, payment statements), scenarios.py
(resource-shift scenarios and provider impact), selection.py (Provider Selection Regime
decisions and committees).
"""

from .finance import *  # noqa: F403
from .scenarios import *  # noqa: F403
from .selection import *  # noqa: F403
