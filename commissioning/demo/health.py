"""How the demo population's health is drawn: conditions, frailty, other flags (numpy only).

Each long-term condition has a prevalence curve by age taken from published figures (QOF
2023/24 registers by age, as quoted in DESIGN.md), a female-to-male ratio, a ratio
between the most and least deprived IMD deciles and, for some, ethnicity ratios. A person's
chance of a condition is 1 - exp(-H), where the cumulative hazard H is the age hazard
times their sex, deprivation and ethnicity multipliers and a shared latent "health"
multiplier exp(0.6 z), z ~ N(0, 1), which makes conditions cluster in the same people
(multimorbidity). The age hazards are calibrated so that a population with England's
spread of deprivation (one tenth in each decile) and ethnic mix has exactly the published
prevalence at each age. Because H rises with age, a person's chance of developing a condition in the
next year is 1 - exp(-(H(age + 1) - H(age))), consistent with the prevalence curve.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import numpy as np

MAX_AGE = 115
AGE_GROUPS = 101  # single years of age, then 100 and over
AGES = np.arange(MAX_AGE + 1)
LATENT_SD = 0.6
ETHNICITY_GROUPS = ["white", "mixed", "asian", "black", "other", "unknown"]
FRAILTY_CATEGORIES = ["fit", "mild", "moderate", "severe"]
FRAILTY_THRESHOLDS = [1.5, 2.8, 4.0]  # frailty score cut-offs for mild, moderate, severe


@dataclass(frozen=True)
class Condition:
    """Prevalence (fraction) at knot ages, interpolated linearly between them; ratios are
    female:male, most:least deprived decile, and group:white by ethnicity."""

    name: str
    ages: tuple[int, ...]
    prevalence: tuple[float, ...]
    female_to_male: float = 1.0
    deprivation_ratio: float = 1.0
    ethnicity: dict[str, float] = field(default_factory=dict)


CONDITIONS = [
    Condition("hypertension", (0, 17, 18, 25, 35, 45, 55, 65, 75, 80, 85, 90, 100),
              (0, 0, 0.004, 0.011, 0.033, 0.062, 0.175, 0.32, 0.48, 0.57, 0.63, 0.66, 0.68),
              1.0, 1.3, {"black": 1.3, "asian": 1.1}),
    Condition("diabetes", (0, 16, 17, 25, 35, 45, 55, 65, 75, 85, 100),
              (0.002, 0.003, 0.005, 0.01, 0.024, 0.052, 0.095, 0.14, 0.175, 0.16, 0.13),
              0.75, 1.9, {"asian": 2.2, "black": 1.7, "mixed": 1.2, "other": 1.3}),
    Condition("asthma", (0, 3, 10, 17, 30, 50, 70, 90), (0, 0.03, 0.07, 0.07, 0.06, 0.065,
              0.075, 0.06), 1.2, 1.35),
    Condition("copd", (0, 34, 40, 50, 60, 70, 80, 90), (0, 0, 0.003, 0.012, 0.03, 0.062, 0.09,
              0.08), 0.9, 2.8, {"asian": 0.5, "black": 0.5}),
    Condition("chd", (0, 35, 45, 55, 65, 75, 85, 95), (0, 0.001, 0.01, 0.035, 0.08, 0.14, 0.2,
              0.22), 0.55, 1.8, {"asian": 1.4}),
    Condition("heart_failure", (0, 40, 55, 65, 75, 85, 95), (0, 0.001, 0.006, 0.018, 0.045,
              0.1, 0.13), 0.75, 1.7),
    Condition("atrial_fibrillation", (0, 40, 55, 65, 75, 85, 95), (0, 0.002, 0.01, 0.035,
              0.09, 0.15, 0.17), 0.8, 1.0, {"asian": 0.6, "black": 0.6}),
    Condition("stroke_tia", (0, 35, 45, 55, 65, 75, 85, 95), (0, 0.002, 0.006, 0.015, 0.035,
              0.07, 0.11, 0.12), 0.9, 1.6, {"black": 1.4}),
    Condition("ckd", (0, 17, 18, 40, 50, 60, 70, 80, 90), (0, 0, 0.001, 0.005, 0.015, 0.035,
              0.08, 0.17, 0.28), 1.3, 1.3),
    Condition("cancer", (0, 20, 35, 50, 65, 75, 85, 95), (0.001, 0.002, 0.008, 0.025, 0.065,
              0.11, 0.13, 0.12), 1.1, 0.95),
    Condition("depression", (0, 11, 17, 18, 25, 35, 50, 60, 70, 85), (0, 0, 0.04, 0.08, 0.13,
              0.15, 0.15, 0.12, 0.1, 0.095), 1.9, 1.7, {"asian": 0.8, "black": 0.7}),
    Condition("smi", (0, 15, 18, 25, 35, 55, 70, 90), (0, 0, 0.004, 0.01, 0.013, 0.013, 0.01,
              0.008), 0.9, 2.6, {"black": 2.0, "mixed": 1.5}),
    Condition("dementia", (0, 55, 60, 67, 72, 77, 82, 87, 92, 100), (0, 0, 0.001, 0.007, 0.015,
              0.04, 0.075, 0.13, 0.2, 0.25), 1.4, 1.3),
    Condition("learning_disability", (0, 5, 60, 75, 90), (0.002, 0.006, 0.005, 0.002, 0.001),
              0.7, 1.6),
    Condition("epilepsy", (0, 10, 18, 60, 90), (0.002, 0.005, 0.008, 0.009, 0.01), 0.9, 1.7),
    Condition("osteoporosis", (0, 49, 50, 60, 70, 80, 90), (0, 0, 0.001, 0.004, 0.012, 0.03,
              0.05), 4.0, 1.1),
]  # fmt: skip
LTC_FLAGS = [condition.name for condition in CONDITIONS]


def deprivation(decile: np.ndarray) -> np.ndarray:
    """0 for IMD decile 10 (least deprived) up to 1 for decile 1 (most deprived)."""
    return (10 - np.asarray(decile, dtype=float)) / 9


def sex_multipliers(condition: Condition) -> tuple[float, float]:
    """(female, male) multipliers with mean 1, in the ratio female_to_male."""
    r = condition.female_to_male
    return 2 * r / (1 + r), 2 / (1 + r)


# England, Census 2021: the share of residents in each ethnic group (unknown: none).
ENGLAND_ETHNICITY = {"white": 0.81, "mixed": 0.03, "asian": 0.096, "black": 0.042, "other": 0.022}


def england_multipliers(condition: Condition) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a person's multiplier on the condition's age hazard in
    England, and their weights: sex (half each), IMD decile (a tenth each), ethnic group
    (Census shares) and the latent z (Gauss-Hermite nodes)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(12)
    female, male = sex_multipliers(condition)
    dep = condition.deprivation_ratio ** (deprivation(np.arange(1, 11)) - 0.5)
    eth = [condition.ethnicity.get(group, 1.0) for group in ENGLAND_ETHNICITY]
    factors = [
        (np.array([female, male]), np.array([0.5, 0.5])),
        (dep, np.full(10, 0.1)),
        (np.array(eth), np.array(list(ENGLAND_ETHNICITY.values()))),
        (np.exp(LATENT_SD * nodes), weights / weights.sum()),
    ]
    m, w = np.ones(1), np.ones(1)
    for values, shares in factors:
        m, w = np.multiply.outer(m, values).ravel(), np.multiply.outer(w, shares).ravel()
    distinct, index = np.unique(np.round(m, 12), return_inverse=True)
    return distinct, np.bincount(index, w) / w.sum()


@cache
def age_hazards() -> np.ndarray:
    """h[c, age]: the baseline cumulative hazard of condition c at each age, such that the
    mean of 1 - exp(-h m) over England's mix of multipliers m equals the published
    prevalence. Solved by Newton's method from h = 0, which converges from below because
    the mean is increasing and concave in h."""
    hazards = np.zeros((len(CONDITIONS), len(AGES)))
    for c, condition in enumerate(CONDITIONS):
        m, w = england_multipliers(condition)
        target = np.interp(AGES, condition.ages, condition.prevalence)
        h = np.zeros(len(AGES))
        for _ in range(30):
            survival = np.exp(-np.outer(h, m))
            h = h + (target - (1 - survival) @ w) / np.maximum((survival * m) @ w, 1e-12)
        hazards[c] = h
    return hazards


def person_multipliers(people) -> Iterator[np.ndarray]:
    """For each condition in turn (LTC_FLAGS order), each person's multiplier on its age
    hazard. `people` needs columns female (bool), male (bool), imd_decile, ethnicity
    (index in ETHNICITY_GROUPS) and z."""
    sex_group = np.where(people["female"], 0, np.where(people["male"], 1, 2))
    decile = np.asarray(people["imd_decile"]) - 1
    ethnicity = np.asarray(people["ethnicity"])
    latent = np.exp(LATENT_SD * np.asarray(people["z"]))
    for condition in CONDITIONS:
        sex = np.array([*sex_multipliers(condition), 1.0])[sex_group]
        dep = condition.deprivation_ratio ** (deprivation(np.arange(1, 11)) - 0.5)
        eth = np.array([condition.ethnicity.get(group, 1.0) for group in ETHNICITY_GROUPS])
        yield sex * dep[decile] * eth[ethnicity] * latent


def draw_conditions(rng: np.random.Generator, people) -> np.ndarray:
    """Cross-sectional condition flags (n x 16 bool, LTC_FLAGS order) at each person's age.
    Columns in: age, female, male, imd_decile, ethnicity, z."""
    hazards = age_hazards()
    age = np.asarray(people["age"])
    flags = np.zeros((len(people), len(CONDITIONS)), dtype=bool)
    for c, multiplier in enumerate(person_multipliers(people)):
        cumulative = hazards[c, age] * multiplier
        flags[:, c] = rng.random(len(people)) < -np.expm1(-cumulative)
    return flags


def develop_conditions(
    rng: np.random.Generator, people, flags: np.ndarray, survives: np.ndarray
) -> np.ndarray:
    """Flags a year on. Each condition a person does not have starts with the chance its
    hazard rises between age and age + 1; and because deaths take more people with
    conditions than without, the cases lost at each age (100 and over together) are replaced among
    the survivors (in proportion to their multipliers), so that the registers keep the
    published age curve as the cohort ages. Nobody loses a condition, except that 3% of
    asthma resolves. Columns in: as draw_conditions, age being last year's; `survives`
    marks who is still here a year on."""
    hazards = age_hazards()
    age = np.asarray(people["age"])
    older = np.minimum(age + 1, MAX_AGE)
    band = np.minimum(age, AGE_GROUPS - 1)
    people_in = np.maximum(np.bincount(band, minlength=AGE_GROUPS), 1)
    survivors_in = np.maximum(np.bincount(band[survives], minlength=AGE_GROUPS), 1)
    flags = flags.copy()
    for c, multiplier in enumerate(person_multipliers(people)):
        has = flags[:, c]
        before = np.bincount(band, weights=has, minlength=AGE_GROUPS) / people_in
        kept = (
            np.bincount(band[survives], weights=has[survives], minlength=AGE_GROUPS) / survivors_in
        )
        top_up = np.clip((before - kept) / np.maximum(1 - kept, 1e-9), 0, 1)
        eligible = survives & ~has
        weight = np.bincount(band[eligible], weights=multiplier[eligible], minlength=AGE_GROUPS)
        mean_multiplier = weight / np.maximum(np.bincount(band[eligible], minlength=AGE_GROUPS), 1)
        replace = np.minimum(top_up[band] * multiplier / np.maximum(mean_multiplier[band], 1e-9), 1)
        rise = np.maximum(hazards[c, older] - hazards[c, age], 0) * multiplier
        stays_free = np.exp(-rise) * (1 - replace)
        flags[:, c] |= rng.random(len(people)) >= stays_free
    asthma = LTC_FLAGS.index("asthma")
    flags[:, asthma] &= rng.random(len(people)) >= 0.03
    return flags


def frailty_category(people, flags: np.ndarray) -> np.ndarray:
    """Electronic frailty index category 0 fit, 1 mild, 2 moderate, 3 severe, from age,
    number of conditions, deprivation, the latent z and a fixed personal noise term
    (column frailty_noise), so that a person's category mostly stays or worsens year on
    year. Thresholds give about 50/35/12/3% among people aged 65 and over (Clegg 2016)."""
    age = np.asarray(people["age"], dtype=float)
    score = (
        0.07 * (age - 65)
        + 0.42 * flags.sum(axis=1)
        + 0.35 * np.asarray(people["z"])
        + 0.5 * deprivation(people["imd_decile"])
        + np.asarray(people["frailty_noise"])
    )
    category = np.searchsorted(FRAILTY_THRESHOLDS, score, side="right")
    return np.where(age < 50, 0, category).astype(np.int8)
