"""A North ICB strategy with one intervention in Riverside, a comparison place, and a
monthly admissions series from April 2023 with a planted fall of 12 from April 2025."""

from datetime import date
from types import SimpleNamespace

import numpy as np

from evaluation.plans import actions
from tests import factories as f
from tests.strategy.factories import (
    InterventionFactory,
    OutcomeFactory,
    PriorityFactory,
    StrategyFactory,
)

STEP = -12.0
MONTHS = 30  # April 2023 to September 2025


def month_start(index: int) -> date:
    year, month = divmod(3 + index, 12)
    return date(2023 + year, month + 1, 1)


def add_series(indicator, area, values):
    for index, value in enumerate(values):
        start = month_start(index)
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        f.IndicatorValueFactory(
            indicator=indicator,
            area=area,
            period_start=start,
            period_end=date.fromordinal(end.toordinal() - 1),
            value=float(value),
        )


def build(universe, *, seed: int = 11):
    lakeside = f.PlaceFactory(parent=universe.north, name="Lakeside")
    indicator = f.IndicatorFactory(
        code="EMADM", name="Emergency admissions", unit="per 100,000", polarity="lower"
    )
    strategy = StrategyFactory(icb=universe.north, first_year=2025)
    priority = PriorityFactory(strategy=strategy, title="Frailty")
    outcome = OutcomeFactory(priority=priority, indicator=indicator, area=universe.place)
    intervention = InterventionFactory(
        priority=priority, outcome=outcome, area=universe.place, name="Proactive frailty care"
    )
    rng = np.random.default_rng(seed)
    trend = 150 + 0.3 * np.arange(MONTHS)
    post = np.array([month_start(i) >= date(2025, 4, 1) for i in range(MONTHS)])
    add_series(
        indicator, universe.place, trend + np.where(post, STEP, 0) + rng.normal(0, 2, MONTHS)
    )
    add_series(indicator, lakeside, trend - 5 + rng.normal(0, 2, MONTHS))
    return SimpleNamespace(
        lakeside=lakeside,
        indicator=indicator,
        strategy=strategy,
        priority=priority,
        outcome=outcome,
        intervention=intervention,
    )


def plan_data(world, universe, **changes):
    data = {
        "question": "Did proactive frailty care reduce emergency admissions in Riverside?",
        "inputs": "Two community matrons",
        "activities": "Frailty reviews",
        "outputs": "People reviewed",
        "outcomes": "Fewer emergency admissions",
        "other_measures": "",
        "comparison": "",
        "indicator": world.indicator,
        "area": universe.place,
        "comparison_areas": [],
        "method": "its",
        "source": "series",
        "condition": "",
        "seasonality": False,
        "intervention_date": date(2025, 4, 1),
        "start_date": date(2023, 4, 1),
        "end_date": date(2026, 3, 31),
        "report_due": date(2026, 6, 30),
        "owner": "Head of Evaluation",
    }
    data.update(changes)
    return data


def make_plan(world, universe, **changes):
    return actions.save_plan(
        intervention=world.intervention,
        data=plan_data(world, universe, **changes),
        by=universe.commissioner,
    )
