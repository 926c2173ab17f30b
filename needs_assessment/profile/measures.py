"""The measures of a needs profile: stable codes, labels, units and polarities.

A measure code names what a ProfileAggregate row holds, e.g. `people`, `cost_per_head`,
`prevalence:diabetes`, `dsr:emergency_admissions`, `rate:gp_contacts`,
`isr:gp_contacts`, `sii:dsr:emergency_admissions`, `core20_gap:prevalence:copd`,
`segment_people`, `tier_people`. Codes never change meaning: pages, the API, INA
documents and strategy baselines refer to them. Segments and risk tiers are breakdowns
like any other: `cost_per_head` with breakdown "segment" and category "frailty" is the
frailty segment's cost per head; breakdown "segment_tier" has categories
"<segment code>|<tier label>" (the segment × tier matrix), and "age_sex" categories
"<age band>|<sex>" (the pyramid).
"""

from __future__ import annotations

from commissioning.models.population import ACTIVITY_COUNTS, ACTIVITY_LABELS, LTC_FLAGS, LTC_LABELS
from commissioning.reference_data import INDICATORS

MULTIPLE_LTC = "multiple_ltc"
#: Conditions whose prevalence is computed: the 16 QOF registers and 2+ of them.
PREVALENCE_CONDITIONS = [*LTC_FLAGS, MULTIPLE_LTC]
#: Activity with an age-standardised rate (DSR per 100,000).
DSR_ACTIVITY = [
    "emergency_admissions",
    "ae_attendances",
    "elective_admissions",
    "bed_days",
    "outpatient_appointments",
    "gp_contacts",
]
#: Activity with a crude rate per 1,000 people (every count in the dataset).
CRUDE_ACTIVITY = list(ACTIVITY_COUNTS)
#: Contacts whose use is compared with need (indirectly standardised ratios).
ISR_ACTIVITY = ["gp_contacts", "community_contacts"]
#: Measures whose gradient across IMD deciles and Core20 gap are computed.
INEQUALITY_MEASURES = [
    "dsr:emergency_admissions",
    "prevalence:diabetes",
    "prevalence:copd",
    "prevalence:chd",
    "prevalence:depression",
    "prevalence:smi",
    f"prevalence:{MULTIPLE_LTC}",
]
#: Activity shown in the segment-by-tier matrix (as risk.tiers.MATRIX_ACTIVITY).
MATRIX_ACTIVITY = ["emergency_admissions", "ae_attendances", "bed_days", "gp_contacts"]

# Breakdowns (the `breakdown` column); "" is the whole area.
WHOLE = ""
AGE_BAND = "age_band"
SEX = "sex"
IMD_DECILE = "imd_decile"
ETHNICITY = "ethnicity"
AGE_SEX = "age_sex"
CORE20 = "core20"
SEGMENT = "segment"
TIER = "tier"
SEGMENT_TIER = "segment_tier"
BREAKDOWNS = [AGE_BAND, SEX, IMD_DECILE, ETHNICITY]
CORE20_LABEL, REST_LABEL = "Core20", "Rest"
UNKNOWN_DECILE = "unknown"

CONDITION_LABELS = {
    **LTC_LABELS,
    MULTIPLE_LTC: "Two or more long-term conditions",
}
BREAKDOWN_LABELS = {
    WHOLE: "Whole population",
    AGE_BAND: "Age band",
    SEX: "Sex",
    IMD_DECILE: "IMD decile",
    ETHNICITY: "Ethnic group",
    CORE20: "Core20 and the rest",
    SEGMENT: "Population segment",
    TIER: "Risk tier",
}
SEX_LABELS = {"F": "Female", "M": "Male", "I": "Indeterminate", "U": "Not known"}
ETHNICITY_LABELS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "other": "Other",
    "unknown": "Not known",
}

UNIT_PEOPLE = "people"
UNIT_PERCENT = "%"
UNIT_PER_100K = "per 100,000"
UNIT_PER_1000 = "per 1,000"
UNIT_RATIO = "ratio, 100 = as expected"
UNIT_POUNDS = "£"
UNIT_POUNDS_PER_HEAD = "£ per head"
UNIT_INDEX = "index"

# Polarities: "higher" (higher is better), "lower" (lower is better), "neutral".
HIGHER_IS_BETTER, LOWER_IS_BETTER, NEUTRAL = "higher", "lower", "neutral"
#: Indicator library codes whose definition a profile measure shares. The SII indicator
#: (SII_EMADM) is left out on purpose: its "lower is better" means a smaller gap, while a
#: profile SII is signed (negative when the most deprived have more admissions), so the
#: polarity would read the wrong way round.
INDICATOR_MEASURES = {
    "EMADM_DSR": "dsr:emergency_admissions",
    "AE_DSR": "dsr:ae_attendances",
    "BEDDAYS_DSR": "dsr:bed_days",
    "HYP_PREV": "prevalence:hypertension",
    "DM_PREV": "prevalence:diabetes",
    "DEP_PREV": "prevalence:depression",
    "MLTC_PCT": f"prevalence:{MULTIPLE_LTC}",
    "COST_PER_HEAD": "cost_per_head",
}
_INDICATOR_POLARITY = {row[0]: row[4] for row in INDICATORS}
POLARITIES: dict[str, str] = {
    measure: _INDICATOR_POLARITY[code]
    for code, measure in INDICATOR_MEASURES.items()
    if code in _INDICATOR_POLARITY
}


def polarity(measure: str) -> str:
    """The measure's polarity: from the indicator library where a library indicator has
    the same definition, otherwise neutral (so comparisons say higher or lower)."""
    return POLARITIES.get(measure, NEUTRAL)


def measure_label(measure: str) -> str:
    """A reader's name for a measure code, e.g. "Diabetes prevalence"."""
    kind, _, subject = measure.partition(":")
    if kind == "prevalence":
        return f"{CONDITION_LABELS.get(subject, subject)} prevalence"
    if kind in ("dsr", "rate", "isr"):
        return ACTIVITY_LABELS.get(subject, subject)
    if kind in ("sii", "rii", "core20_gap"):
        return measure_label(subject)
    return FIXED_LABELS.get(measure, measure.replace("_", " ").capitalize())


FIXED_LABELS = {
    "people": "People",
    "cost": "Cost",
    "cost_per_head": "Cost per head",
    "predicted_cost_per_head": "Predicted cost per head next year",
    "segment_people": "People in segment",
    "segment_share": "Share of the population",
    "tier_people": "People in tier",
    "tier_share": "Share of the population",
}


def category_label(breakdown: str, category: str) -> str:
    """A reader's name for a breakdown category: "F" is "Female", decile "1" is
    "1 (most deprived)"."""
    if breakdown == SEX:
        return SEX_LABELS.get(category, category)
    if breakdown == ETHNICITY:
        return ETHNICITY_LABELS.get(category, category)
    if breakdown == IMD_DECILE:
        return {
            "1": "1 (most deprived)",
            "10": "10 (least deprived)",
            UNKNOWN_DECILE: "Not known",
        }.get(category, category)
    return category


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Ethnic group" becomes "ethnic group", but
    "IMD decile" keeps its capitals."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]
