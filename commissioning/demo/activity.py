"""Other flags, a year's service use and its cost for the demo population (numpy only).

Counts are negative binomial (a gamma-mixed Poisson): the mean is an age curve times
multipliers for conditions, frailty, deprivation and the person's latent health z, so
use is over-dispersed and concentrated in a few people, as it is in real linked data.
Approximate England means per person per year: A&E 0.4, emergency admissions 0.1,
elective admissions and day cases 0.15, outpatient appointments 1.9, GP contacts 5.5,
community contacts 1.5. Cost is activity priced at rounded National Cost Collection unit
costs plus a yearly prescribing cost for each condition; prices rise PRICE_UPLIFT a year
(about the NHS payment scheme's recent cost uplift).
"""

from __future__ import annotations

import numpy as np

from commissioning.demo.health import LTC_FLAGS, deprivation

OTHER_FLAGS = ["palliative", "homeless", "substance_misuse", "mental_health_contact"]
ACTIVITY_COUNTS = [
    "ae_attendances",
    "emergency_admissions",
    "elective_admissions",
    "bed_days",
    "outpatient_appointments",
    "gp_contacts",
    "community_contacts",
    "mental_health_contacts",
]
# count: (knot ages, mean per year at those ages, most:least deprived ratio, dispersion k)
AGE_RATES = {
    "ae_attendances": ((0, 4, 10, 20, 40, 60, 75, 85, 95),
                       (0.42, 0.26, 0.19, 0.34, 0.23, 0.22, 0.33, 0.6, 0.75), 1.8, 0.8),
    "emergency_admissions": ((0, 4, 10, 20, 40, 60, 75, 85, 95),
                             (0.08, 0.03, 0.02, 0.035, 0.035, 0.055, 0.11, 0.2, 0.27), 1.7, 0.6),
    "elective_admissions": ((0, 20, 40, 60, 75, 85, 95),
                            (0.02, 0.03, 0.06, 0.12, 0.18, 0.15, 0.09), 0.9, 0.5),
    "outpatient_appointments": ((0, 10, 20, 40, 60, 75, 85, 95),
                                (0.55, 0.4, 0.6, 0.85, 1.4, 2.1, 2.0, 1.6), 1.0, 0.9),
    "gp_contacts": ((0, 4, 10, 20, 40, 60, 75, 85, 95),
                    (4.5, 2.3, 1.8, 3.2, 3.6, 4.5, 6.3, 8.1, 8.1), 1.3, 1.5),
    "community_contacts": ((0, 5, 18, 50, 65, 75, 85, 95),
                           (0.6, 0.3, 0.1, 0.2, 0.5, 1.2, 3.0, 6.0), 1.2, 0.3),
}  # fmt: skip
# count: multiplier per condition flag present (others 1), for all conditions together
CONDITION_EFFECT = {
    "ae_attendances": 1.12,
    "emergency_admissions": 1.22,
    "elective_admissions": 1.12,
    "outpatient_appointments": 1.2,
    "gp_contacts": 1.15,
    "community_contacts": 1.15,
}
FRAILTY_EFFECT = np.array([1.0, 1.3, 1.8, 2.6])
UNIT_COST = {
    "ae_attendances": 260,
    "emergency_admissions": 1900,
    "elective_admissions": 1450,
    "bed_days": 380,
    "outpatient_appointments": 165,
    "gp_contacts": 42,
    "community_contacts": 65,
    "mental_health_contacts": 190,
}
PALLIATIVE_YEAR_COST = 1500
PRICE_UPLIFT = 0.025
PRESCRIBING_COST = np.array(
    [90, 450, 220, 380, 160, 300, 240, 180, 110, 600, 120, 400, 350, 250, 300, 180], dtype=float
)  # a year's prescribing for each condition, LTC_FLAGS order
COUNT_CAP = 999
BED_DAYS_CAP = 366


def other_flags(rng: np.random.Generator, people, flags: np.ndarray, frailty: np.ndarray):
    """The palliative, homeless, substance misuse and mental health contact flags
    (n x 4 bool, OTHER_FLAGS order). Columns in: age, female, imd_decile. Homelessness and
    substance misuse are steeply graded by deprivation and commoner in men."""
    n = len(people)
    age = np.asarray(people["age"], dtype=float)
    dep = deprivation(people["imd_decile"]) - 0.5
    male_ratio = np.where(people["female"], 0.5, 1.5)
    has = {name: flags[:, i] for i, name in enumerate(LTC_FLAGS)}
    adult = (age >= 16) & (age < 75)
    substance = 0.012 * adult * male_ratio * 5.0**dep * (1 + 2 * has["smi"] + has["depression"])
    substance = rng.random(n) < substance
    homeless = 0.003 * adult * male_ratio * 12.0**dep * (1 + 2 * has["smi"] + 3 * substance)
    homeless = rng.random(n) < homeless
    palliative_hazard = (
        0.0003
        + 0.08 * has["cancer"] * (age >= 50)
        + 0.15 * (frailty == 3)
        + 0.03 * has["heart_failure"]
        + 0.03 * has["dementia"]
        + 0.02 * has["copd"] * (frailty >= 2)
    )
    palliative = rng.random(n) < -np.expm1(-palliative_hazard)
    young = np.where((age >= 10) & (age < 30), 1.5, np.where(age < 10, 0.4, 1.0))
    mh_hazard = (
        0.022 * young * 1.6**dep
        + 1.2 * has["smi"]
        + 0.15 * has["depression"]
        + 0.35 * has["dementia"]
        + 0.3 * has["learning_disability"]
        + 0.3 * substance
    )
    mental_health = rng.random(n) < -np.expm1(-mh_hazard)
    return np.column_stack([palliative, homeless, substance, mental_health])


def negative_binomial(rng: np.random.Generator, mean: np.ndarray, k: float) -> np.ndarray:
    """Counts with the given means and variance mean + mean^2 / k."""
    return rng.poisson(rng.gamma(k, mean / k))


def activity_counts(rng, people, flags: np.ndarray, frailty: np.ndarray, others: np.ndarray):
    """A year's counts (n x 8 int16, ACTIVITY_COUNTS order). Columns in: age, imd_decile, z.
    Bed days follow from the admissions: longer stays for older and frailer people."""
    age = np.asarray(people["age"])
    dep = deprivation(people["imd_decile"]) - 0.5
    latent = np.exp(0.35 * np.asarray(people["z"]) - 0.06)
    n_conditions = flags.sum(axis=1)
    has = {name: flags[:, i] for i, name in enumerate(LTC_FLAGS)}
    palliative, homeless, substance, mental_health = others.T
    counts = {}
    for name, (ages, rates, dep_ratio, _) in AGE_RATES.items():
        mean = np.interp(age, ages, rates) * dep_ratio**dep * latent * FRAILTY_EFFECT[frailty]
        mean *= CONDITION_EFFECT[name] ** n_conditions
        counts[name] = mean
    counts["ae_attendances"] *= 1 + 4 * homeless + 2 * substance + has["smi"]
    counts["emergency_admissions"] *= 1 + 2 * palliative + 1.5 * homeless + substance
    counts["elective_admissions"] *= 1 + 4 * has["cancer"]
    counts["outpatient_appointments"] *= 1 + 2 * has["cancer"]
    counts["community_contacts"] *= 1 + 12 * palliative
    for name, (_, _, _, k) in AGE_RATES.items():
        counts[name] = negative_binomial(rng, counts[name], k)
    stay = (1.5 + 0.09 * np.maximum(age - 40, 0)) * (1 + 0.3 * frailty)
    counts["bed_days"] = negative_binomial(
        rng, counts["emergency_admissions"] * stay + counts["elective_admissions"] * 0.4, 1.0
    )
    mh_mean = mental_health * (5 + 12 * has["smi"] + 4 * substance)
    counts["mental_health_contacts"] = negative_binomial(rng, mh_mean, 0.7)
    table = np.column_stack([counts[name] for name in ACTIVITY_COUNTS])
    np.minimum(table, COUNT_CAP, out=table)
    bed_days = ACTIVITY_COUNTS.index("bed_days")
    np.minimum(table[:, bed_days], BED_DAYS_CAP, out=table[:, bed_days])
    return table.astype(np.int16)


def annual_cost(rng, counts: np.ndarray, flags, others, prices: float = 1.0) -> np.ndarray:
    """Cost in pounds, rounded to pence: activity at unit costs, prescribing for each
    condition and palliative care, times the price level `prices` (1 in the first demo
    year), with a little person-level price variation."""
    unit = np.array([UNIT_COST[name] for name in ACTIVITY_COUNTS], dtype=float)
    cost = counts.astype(float) @ unit + flags.astype(float) @ PRESCRIBING_COST
    cost += others[:, 0] * PALLIATIVE_YEAR_COST
    cost *= prices * rng.lognormal(0, 0.12, len(cost))
    return np.round(cost, 2)
