"""Which needs profile figure measures a library indicator, and the profile look-ups the
plan's arithmetic needs (cohort sizes, populations, cohort rates).

An outcome's indicator (commissioning.reference_data INDICATORS) is matched to a profile
measure code (needs_assessment.profile.measures) by INDICATOR_MEASURES. An equity
outcome measures the inequality in that figure instead: the Core20 gap
(`core20_gap:<measure>`, Core20 minus the rest) or the slope index of inequality
(`sii:<measure>`, least minus most deprived end of the IMD scale, so negative when the
most deprived have more). The SII indicator (SII_EMADM) is an equity measure in itself.
"""

from __future__ import annotations

from needs_assessment.models import ProfileAggregate

INDICATOR_MEASURES = {
    "EMADM_DSR": "dsr:emergency_admissions",
    "AE_DSR": "dsr:ae_attendances",
    "BEDDAYS_DSR": "dsr:bed_days",
    "HYP_PREV": "prevalence:hypertension",
    "DM_PREV": "prevalence:diabetes",
    "DEP_PREV": "prevalence:depression",
    "MLTC_PCT": "prevalence:multiple_ltc",
    "COST_PER_HEAD": "cost_per_head",
}
#: Indicators that are themselves a measure of inequality.
EQUITY_INDICATORS = {"SII_EMADM": "sii:dsr:emergency_admissions"}

GAP, SII = "gap", "sii"
EQUITY_MEASURES = {GAP: "Core20 gap (Core20 minus the rest)", SII: "Slope index of inequality"}
EQUITY_PREFIXES = {GAP: "core20_gap", SII: "sii"}
#: Measures with an inequality gap and an SII in the profile
#: (needs_assessment.profile.measures.INEQUALITY_MEASURES).
WITH_INEQUALITY = {
    "dsr:emergency_admissions",
    "prevalence:diabetes",
    "prevalence:copd",
    "prevalence:chd",
    "prevalence:depression",
    "prevalence:smi",
    "prevalence:multiple_ltc",
}
#: A segment's own rate of a DSR measure: the profile gives segments crude rates only.
SEGMENT_RATE_MEASURES = {
    "dsr:emergency_admissions": "rate:emergency_admissions",
    "dsr:ae_attendances": "rate:ae_attendances",
    "dsr:bed_days": "rate:bed_days",
    "cost_per_head": "cost_per_head",
}
SEGMENT = "segment"


def baseline_measure(indicator_code: str, equity_measure: str = "") -> str | None:
    """The profile measure code an outcome's baseline is frozen from, or None when the
    indicator has no profile measure (or no such inequality measure)."""
    if indicator_code in EQUITY_INDICATORS:
        return EQUITY_INDICATORS[indicator_code] if equity_measure in ("", SII) else None
    measure = INDICATOR_MEASURES.get(indicator_code)
    if measure is None or not equity_measure:
        return measure
    if equity_measure not in EQUITY_PREFIXES or measure not in WITH_INEQUALITY:
        return None
    return f"{EQUITY_PREFIXES[equity_measure]}:{measure}"


def is_equity_measure(measure: str) -> bool:
    return measure.partition(":")[0] in EQUITY_PREFIXES.values()


def _value(profile_id: int, area_id: int, measure: str, breakdown="", category="") -> float | None:
    row = (
        ProfileAggregate.objects.filter(
            profile_id=profile_id,
            area_id=area_id,
            measure=measure,
            breakdown=breakdown,
            category=category,
        )
        .values_list("value", flat=True)
        .first()
    )
    return float(row) if row is not None else None


def cohort_people(profile_id: int, *, area_id: int, segment_code: str | None) -> int | None:
    """People in a cohort according to the profile: the segment's people in the area, or
    everyone in the area; None when the profile has no such figure."""
    if segment_code:
        value = _value(profile_id, area_id, "segment_people", SEGMENT, segment_code)
    else:
        value = _value(profile_id, area_id, "people")
    return round(value) if value is not None else None


def area_people(profile_id: int, area_id: int) -> int | None:
    """Everyone in an area according to the profile."""
    return cohort_people(profile_id, area_id=area_id, segment_code=None)


def cohort_rate_ratio(
    profile_id: int,
    measure: str,
    *,
    outcome_area_id: int,
    cohort_area_id: int,
    segment_code: str | None,
) -> float | None:
    """The cohort's rate of `measure` relative to the whole outcome area's, from the
    profile, or None when it cannot be told (then the arithmetic assumes 1).

    A segment's rate is its crude rate (or cost per head) compared with the crude rate
    of the whole outcome area, since the profile does not age-standardise segments; an
    area's rate is the same measure as the baseline's in that area."""
    if is_equity_measure(measure):
        return None
    if segment_code:
        crude = SEGMENT_RATE_MEASURES.get(measure)
        if crude is None:
            return None
        cohort = _value(profile_id, cohort_area_id, crude, SEGMENT, segment_code)
        whole = _value(profile_id, outcome_area_id, crude)
    else:
        if cohort_area_id == outcome_area_id:
            return None
        cohort = _value(profile_id, cohort_area_id, measure)
        whole = _value(profile_id, outcome_area_id, measure)
    if cohort is None or not whole:
        return None
    return cohort / whole
