"""Monthly indicator series for the demo ICB, with intervention effects of known size.

Pure (numpy/pandas, no ORM) and deterministic: the same inputs and seed give the same
rows. The series describe the full-size ICB the demo stands for (about a million people,
split between its places as commissioning.demo.geography.PLACES says), whatever sample
of people `load_demo` loaded, so rates carry realistic noise.

Each month from April 2023 to the latest complete month before `today` has one row per
indicator for every place, the ICB (the sum of its places) and the providers whose
catchment makes the indicator meaningful. Rates are annualised per 100,000 people
(numerator = events in the month, denominator = people); prevalences are percentages
(numerator = people on the register, denominator = registered people).

Planted effects (from EFFECT_START, April 2025 = plan year 1 of the demo strategy), as
relative steps in the expected value of the intervention places only:

- EMADM_DSR: -8% in Riverton and Marshfield (proactive care, virtual wards);
  Highdown, the comparison place, is unchanged.
- BEDDAYS_DSR: -5% in Riverton and Marshfield.
- HYP_PREV: +6% in Riverton (more hypertension found in Core20 neighbourhoods).
- AE_DSR and DEP_PREV: no effect (a null to check methods do not find one).

So difference-in-differences (Riverton or Marshfield against Highdown) and interrupted
time series should recover a ratio of about 0.92 for emergency admissions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SEED = 42
FIRST_MONTH = dt.date(2023, 4, 1)
EFFECT_START = dt.date(2025, 4, 1)
NOMINAL_ICB_POPULATION = 1_000_000
COLUMNS = [
    "indicator",
    "area",
    "provider",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
]


@dataclass(frozen=True)
class IndicatorSpec:
    """How one indicator behaves: `kind` "rate" (annual rate per 100,000) or "percent";
    `level` its ICB-average value; `seasonal` the relative size of the winter peak
    (highest in January); `trend` the relative change a year; `noise` extra relative
    month-to-month variation (beyond Poisson); `effect` the relative step from
    EFFECT_START in `effect_places`; `need` whether the place's level of need scales it."""

    code: str
    kind: str
    level: float
    seasonal: float = 0.0
    trend: float = 0.0
    noise: float = 0.02
    effect: float = 0.0
    effect_places: tuple[str, ...] = ()
    need: bool = True


INTERVENTION_PLACES = ("Riverton", "Marshfield")
COMPARISON_PLACES = ("Highdown",)
SPECS = (
    IndicatorSpec("EMADM_DSR", "rate", 10_500, 0.10, 0.0, 0.02, -0.08, INTERVENTION_PLACES),
    IndicatorSpec("AE_DSR", "rate", 36_000, 0.06, 0.02, 0.02),
    IndicatorSpec("BEDDAYS_DSR", "rate", 60_000, 0.12, 0.0, 0.03, -0.05, INTERVENTION_PLACES),
    IndicatorSpec("HYP_PREV", "percent", 14.2, 0.0, 0.01, 0.002, 0.06, ("Riverton",), need=False),
    IndicatorSpec("DEP_PREV", "percent", 13.5, 0.0, 0.04, 0.003),
)  # fmt: skip
SPEC_BY_CODE = {spec.code: spec for spec in SPECS}

#: Relative level of need of each demo place (Riverton most deprived, Highdown least).
PLACE_NEED = {"Riverton": 1.15, "Marshfield": 1.0, "Highdown": 0.82}
#: Each place's share of the ICB's people (commissioning.demo.geography.PLACES).
PLACE_SHARE = {"Riverton": 0.42, "Marshfield": 0.33, "Highdown": 0.25}


@dataclass(frozen=True)
class Place:
    """A place of the ICB: `key` (e.g. its Area pk), `name`, `population`."""

    key: object
    name: str
    population: int


@dataclass(frozen=True)
class Provider:
    """A provider: `key`, the share of each place's activity it serves (by place name) and
    the indicators that make sense for it."""

    key: object
    catchment: dict[str, float]
    indicators: tuple[str, ...]
    name: str = field(default="")


#: The demo providers: the acute trust (mostly Riverton) and the community trust.
DEMO_PROVIDERS = {
    "R9A": ({"Riverton": 0.85, "Marshfield": 0.25, "Highdown": 0.2},
            ("EMADM_DSR", "AE_DSR", "BEDDAYS_DSR")),
    "R9D": ({"Marshfield": 0.9, "Highdown": 0.5}, ("EMADM_DSR", "BEDDAYS_DSR", "HYP_PREV")),
}  # fmt: skip


def demo_places(names_and_keys: list[tuple[object, str]]) -> list[Place]:
    """Places with their nominal populations (PLACE_SHARE of NOMINAL_ICB_POPULATION; an
    unknown name gets an equal share)."""
    equal = 1 / max(1, len(names_and_keys))
    return [
        Place(key, name, round(NOMINAL_ICB_POPULATION * PLACE_SHARE.get(name, equal)))
        for key, name in names_and_keys
    ]


def months(today: dt.date, first: dt.date = FIRST_MONTH) -> list[dt.date]:
    """First days of the months from `first` to the latest complete month before `today`."""
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    out, month = [], first
    while month <= last:
        out.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def expected(spec: IndicatorSpec, place: str, month: dt.date) -> float:
    """The expected value (no noise) of an indicator for a place in a month."""
    need = PLACE_NEED.get(place, 1.0) if spec.need else 1.0
    season = 1 + spec.seasonal * np.cos(2 * np.pi * (month.month - 1) / 12)
    years = (month - FIRST_MONTH).days / 365.25
    effect = 1 + spec.effect if place in spec.effect_places and month >= EFFECT_START else 1
    return spec.level * need * season * (1 + spec.trend) ** years * effect


def _place_counts(spec: IndicatorSpec, place: Place, dates: list[dt.date], rng) -> np.ndarray:
    """Numerators of one place, month by month (events, or people on a register)."""
    mean = np.array([expected(spec, place.name, m) for m in dates])
    mean = mean * np.exp(rng.normal(0, spec.noise, len(dates)))
    if spec.kind == "rate":
        return rng.poisson(mean / 100_000 / 12 * place.population).astype(float)
    return np.round(mean / 100 * place.population)


def _value(spec: IndicatorSpec, numerator: float, denominator: float) -> float:
    scale = 100_000 * 12 if spec.kind == "rate" else 100
    return round(numerator / denominator * scale, 2)


def _row(spec, month, numerator, denominator, area=None, provider=None) -> dict:
    return {
        "indicator": spec.code,
        "area": area,
        "provider": provider,
        "period_start": month,
        "period_end": month_end(month),
        "value": _value(spec, numerator, denominator),
        "numerator": float(numerator),
        "denominator": float(denominator),
    }


def generate(
    *,
    icb_key: object,
    places: list[Place],
    providers: list[Provider] = (),
    today: dt.date,
    seed: int = SEED,
    specs: tuple[IndicatorSpec, ...] = SPECS,
) -> pd.DataFrame:
    """The monthly series as a DataFrame with columns indicator (code), area (an area key
    or None), provider (a provider key or None), period_start, period_end (dates), value,
    numerator, denominator. One row per indicator, month and place, the ICB (`icb_key`,
    the sum of its places) and each provider for its indicators (its share of each
    place's numerator and people). Each (indicator, place) stream has its own random
    generator seeded from `seed`, so the rows do not depend on which providers are given."""
    dates = months(today)
    rows: list[dict] = []
    for i, spec in enumerate(specs):
        counts = {}
        for j, place in enumerate(places):
            rng = np.random.default_rng([seed, i, j])
            counts[place.name] = _place_counts(spec, place, dates, rng)
        for t, month in enumerate(dates):
            for place in places:
                rows.append(
                    _row(spec, month, counts[place.name][t], place.population, area=place.key)
                )
            total = sum(counts[p.name][t] for p in places)
            people = sum(p.population for p in places)
            rows.append(_row(spec, month, total, people, area=icb_key))
            for provider in providers:
                if spec.code not in provider.indicators:
                    continue
                served = [p for p in places if provider.catchment.get(p.name)]
                if not served:
                    continue
                numerator = round(
                    sum(provider.catchment[p.name] * counts[p.name][t] for p in served)
                )
                people = round(sum(provider.catchment[p.name] * p.population for p in served))
                rows.append(_row(spec, month, numerator, people, provider=provider.key))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("area", "provider"):  # keys stay keys (None, not NaN)
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    return frame


def before_after_ratio(frame: pd.DataFrame, *, start: dt.date = EFFECT_START) -> float:
    """Mean of the months from `start` divided by the mean of the same calendar months
    before it (so seasonality cancels). `frame`: columns period_start, value (one series)."""
    frame = frame.assign(month=[d.month for d in frame["period_start"]])
    before = frame[frame["period_start"] < start].groupby("month")["value"].mean()
    after = frame[frame["period_start"] >= start]
    return float((after["value"] / after["month"].map(before)).mean())
