"""Writes of the delivery part of the strategy: outcomes and their frozen baselines,
interventions, and (from `codesign`) care pathways and engagement activities.

Every action is keyword-only with an explicit actor (`by=user`), runs in one
transaction, locks the strategy row, refuses approved and published strategies and
anyone but the ICB's commissioners, and writes an AuditEvent. Bad input raises
ValidationError with a message per field; nothing is saved then.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning.models import Area, Indicator, Segment
from needs_assessment.models import ProfileAggregate
from strategy.delivery import measures
from strategy.delivery.codesign import (  # noqa: F401  (the public face of all delivery writes)
    PARTICIPANT_GROUPS,
    add_engagement,
    add_pathway,
    delete_engagement,
    delete_pathway,
    remove_pathway_stage,
    set_pathway_stage,
    update_engagement,
    update_pathway,
)
from strategy.delivery.guards import (
    area_error,
    audit,
    finite,
    lock_editable,
    plan_year_error,
    pounds,
    raise_if,
    text,
)
from strategy.models import (
    EvidenceStrength,
    Intervention,
    Outcome,
    OutcomeDomain,
    Priority,
    Strategy,
    TrajectoryProfile,
)

# ------------------------------------------------------------------------------ outcomes


def _outcome_fields(strategy: Strategy, data: dict, errors: dict) -> dict:
    """The target and trajectory fields, checked."""
    target = finite(data.get("target_value"))
    if target is None:
        errors["target_value"] = "Enter the year-5 target as a number."
    profile = data.get("profile")
    step_year = data.get("step_year")
    if profile not in TrajectoryProfile.values:
        errors["profile"] = "Choose a time profile: linear, front-loaded, back-loaded or step."
    elif profile == TrajectoryProfile.STEP:
        if message := plan_year_error(strategy, step_year, "step year"):
            errors["step_year"] = message
    else:
        step_year = None
    owner = text(data, "owner", errors, required="Say who owns this outcome.", limit=200)
    return {"target_value": target, "profile": profile, "step_year": step_year, "owner": owner}


def _target_error(indicator: Indicator, measure: str | None, target: float | None) -> str | None:
    if target is None or measure is None or measures.is_equity_measure(measure):
        return None
    if target < 0:
        return "The target cannot be negative for a rate, prevalence or cost."
    if indicator.unit.strip() == "%" and target > 100:
        return "The target is a percentage: give a number from 0 to 100."
    return None


@transaction.atomic
def set_outcome(
    *,
    priority: Priority,
    indicator: Indicator,
    domain: str,
    area: Area,
    target_value,
    profile: str,
    step_year: int | None = None,
    owner: str,
    equity_measure: str = "",
    by,
) -> Outcome:
    """A new outcome of a priority: a library indicator measured for an area, its domain,
    a year-5 target with a time profile, and an owner. An equity outcome measures the
    Core20 gap (`equity_measure="gap"`) or the slope index of inequality ("sii") of the
    indicator instead of its level. The baseline is frozen separately (freeze_baseline)."""
    strategy = lock_editable(priority.strategy, by)
    errors: dict = {}
    if domain not in OutcomeDomain.values:
        errors["domain"] = "Choose a domain: clinical, quality of life, system or equity."
    if indicator.code in measures.EQUITY_INDICATORS:
        equity_measure = equity_measure or measures.SII
        if domain != OutcomeDomain.EQUITY:
            errors["domain"] = f"{indicator.name} measures inequality: choose the equity domain."
    elif domain == OutcomeDomain.EQUITY and equity_measure not in measures.EQUITY_MEASURES:
        errors["equity_measure"] = "Say whether the outcome targets the Core20 gap or the SII."
    elif domain != OutcomeDomain.EQUITY and equity_measure:
        errors["equity_measure"] = "Only equity outcomes target a gap or the SII."
    measure = measures.baseline_measure(indicator.code, equity_measure)
    if measure is None and "equity_measure" not in errors and "domain" not in errors:
        errors["indicator" if not equity_measure else "equity_measure"] = (
            f"The needs profile has no figure for {indicator.name}"
            f"{' of that kind' if equity_measure else ''}, so its baseline cannot come from "
            "the needs assessment."
        )
    if message := area_error(strategy, area):
        errors["area"] = message
    data = {"target_value": target_value, "profile": profile, "step_year": step_year}
    fields = _outcome_fields(strategy, data | {"owner": owner}, errors)
    if message := _target_error(indicator, measure, fields["target_value"]):
        errors["target_value"] = message
    raise_if(errors)
    outcome = Outcome.objects.create(
        priority=priority,
        indicator=indicator,
        domain=domain,
        area=area,
        equity_measure=equity_measure if domain == OutcomeDomain.EQUITY else "",
        created_by=by,
        **fields,
    )
    audit(by, "outcome.set", outcome, indicator=indicator.code, measure=measure, **_plan(outcome))
    return outcome


def _plan(outcome: Outcome) -> dict:
    return {
        "target_value": outcome.target_value,
        "profile": outcome.profile,
        "step_year": outcome.step_year,
    }


@transaction.atomic
def update_outcome(
    *, outcome: Outcome, target_value, profile: str, step_year=None, owner: str, by
) -> Outcome:
    """Change an outcome's target, time profile or owner. Its indicator, area and frozen
    baseline never change: to measure something else, remove the outcome and set a new
    one."""
    strategy = lock_editable(outcome.priority.strategy, by)
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    errors: dict = {}
    data = {"target_value": target_value, "profile": profile, "step_year": step_year}
    fields = _outcome_fields(strategy, data | {"owner": owner}, errors)
    measure = measures.baseline_measure(outcome.indicator.code, outcome.equity_measure)
    if message := _target_error(outcome.indicator, measure, fields["target_value"]):
        errors["target_value"] = message
    raise_if(errors)
    before = _plan(outcome)
    for name, value in fields.items():
        setattr(outcome, name, value)
    outcome.save(update_fields=list(fields))
    audit(by, "outcome.update", outcome, before=before, after=_plan(outcome))
    return outcome


@transaction.atomic
def delete_outcome(*, outcome: Outcome, by) -> None:
    """Remove an outcome. Interventions aimed at it stay, no longer linked to an outcome."""
    lock_editable(outcome.priority.strategy, by)
    data = {"indicator": outcome.indicator.code, "priority": outcome.priority_id}
    audit(by, "outcome.delete", outcome, **data)
    outcome.delete()


# ----------------------------------------------------------------------------- baselines


def _aggregate_errors(strategy: Strategy, outcome: Outcome, aggregate: ProfileAggregate) -> str:
    if aggregate.area.icb_id != strategy.icb_id:
        return "This figure belongs to another ICB's needs profile."
    assessment = strategy.needs_assessment
    if assessment is None:
        return (
            "The strategy is not linked to a needs assessment yet: the baseline is taken "
            "from the profile of the strategy's needs assessment."
        )
    if aggregate.profile_id != assessment.profile_id:
        return (
            f"This figure is from another needs profile; the baseline must come from the "
            f"profile of “{assessment.title}”."
        )
    measure = measures.baseline_measure(outcome.indicator.code, outcome.equity_measure)
    if aggregate.measure != measure:
        return f"This figure is {aggregate.measure}; the outcome's indicator needs {measure}."
    if aggregate.area_id != outcome.area_id:
        return f"This figure is for {aggregate.area.name}; the outcome is for {outcome.area.name}."
    if aggregate.value is None or not aggregate.publishable:
        return "This figure was not published (too few events to be reliable): choose another."
    return ""


def _population(aggregate: ProfileAggregate) -> int | None:
    """The people the baseline is about: its denominator where that counts people, else
    everyone in its area."""
    kind = aggregate.measure.partition(":")[0]
    if kind in ("dsr", "prevalence", "rate", "cost_per_head") and aggregate.denominator:
        return round(aggregate.denominator)
    return measures.area_people(aggregate.profile_id, aggregate.area_id)


@transaction.atomic
def freeze_baseline(*, outcome: Outcome, aggregate: ProfileAggregate, by) -> Outcome:
    """Copy a needs profile figure into the outcome as its baseline: value, 95% interval,
    period (the profile's snapshot period) and where it came from (profile, needs
    assessment, measure, breakdown, category, unit, method, numerator, denominator and the
    population it is about). The figure must be the outcome's measure for its area in
    the profile of the strategy's needs assessment. Once frozen it never changes, even if
    the profile is recomputed; freezing twice is refused."""
    strategy = lock_editable(outcome.priority.strategy, by)
    outcome = (
        Outcome.objects.select_for_update().select_related("indicator", "area").get(pk=outcome.pk)
    )
    if outcome.baseline_frozen_at is not None:
        raise ValidationError(
            {
                "aggregate": f"The baseline was frozen on {outcome.baseline_frozen_at:%-d %B %Y} "
                "and never changes."
            }  # fmt: skip
        )
    aggregate = ProfileAggregate.objects.select_related("area", "profile__snapshot").get(
        pk=aggregate.pk
    )
    if message := _aggregate_errors(strategy, outcome, aggregate):
        raise ValidationError({"aggregate": message})
    snapshot = aggregate.profile.snapshot
    outcome.baseline_value = aggregate.value
    outcome.baseline_lower = aggregate.lower95
    outcome.baseline_upper = aggregate.upper95
    outcome.baseline_period_start = snapshot.period_start
    outcome.baseline_period_end = snapshot.period_end
    outcome.baseline_source = {
        "profile": aggregate.profile_id,
        "needs_assessment": strategy.needs_assessment_id,
        "aggregate": aggregate.pk,
        "area": aggregate.area_id,
        "measure": aggregate.measure,
        "breakdown": aggregate.breakdown,
        "category": aggregate.category,
        "unit": aggregate.unit,
        "method": aggregate.method,
        "numerator": aggregate.numerator,
        "denominator": aggregate.denominator,
        "lower998": aggregate.lower998,
        "upper998": aggregate.upper998,
        "publishable": aggregate.publishable,
        "population": _population(aggregate),
    }
    outcome.baseline_frozen_at = timezone.now()
    outcome.save()
    audit(by, "outcome.freeze_baseline", outcome, value=aggregate.value, **outcome.baseline_source)
    return outcome


# ------------------------------------------------------------------------- interventions


def _cohort(strategy: Strategy, data: dict, errors: dict) -> int | None:
    """The people reached: as given, or from the needs profile for a segment or area."""
    given = data.get("cohort_size")
    if given not in (None, ""):
        if not isinstance(given, int) or isinstance(given, bool) or given < 1:
            errors["cohort_size"] = "Give the people reached as a whole number, 1 or more."
            return None
        return given
    segment, area, outcome = data.get("segment"), data.get("area"), data.get("outcome")
    if segment is None and area is None:
        errors["cohort_size"] = (
            "Give the number of people reached, or a segment or area to take it from the "
            "needs profile."
        )
        return None
    if strategy.needs_assessment is None:
        errors["cohort_size"] = (
            "Give the number of people reached: the strategy has no needs assessment to "
            "take it from."
        )
        return None
    where = area or (outcome.area if outcome else strategy.area)
    people = measures.cohort_people(
        strategy.needs_assessment.profile_id,
        area_id=where.pk,
        segment_code=segment.code if segment else None,
    )
    if not people:
        errors["cohort_size"] = (
            f"The needs profile has no count of {segment.name + ' in ' if segment else ''}"
            f"{where.name}: give the number of people reached."
        )
    return people


def _intervention_fields(strategy: Strategy, priority: Priority, data: dict) -> dict:
    errors: dict = {}
    fields = {
        "name": text(data, "name", errors, required="Enter a name.", limit=200),
        "description": text(data, "description", errors),
        "evidence_source": text(data, "evidence_source", errors, limit=300),
    }
    outcome = data.get("outcome")
    if outcome is not None and outcome.priority_id != priority.pk:
        errors["outcome"] = "Choose one of this priority's outcomes."
    segment: Segment | None = data.get("segment")
    profile = strategy.needs_assessment.profile if strategy.needs_assessment else None
    if segment is not None and profile and segment.model_id != profile.segmentation_model_id:
        errors["segment"] = (
            f"Choose a segment of {profile.segmentation_model.name}, the segmentation the "
            "needs assessment uses."
        )
    area = data.get("area")
    if area is not None and (message := area_error(strategy, area)):
        errors["area"] = message
    elif area is not None and outcome is not None and not _within(area, outcome.area):
        errors["area"] = f"{area.name} is outside {outcome.area.name}, the outcome's area."
    if data.get("evidence_strength") not in EvidenceStrength.values:
        errors["evidence_strength"] = "Choose how strong the evidence is."
    effect = finite(data.get("expected_effect"))
    if effect is None or not -1 <= effect <= 1:
        errors["expected_effect"] = (
            "Give the expected effect as a relative change from -1 to 1: -0.15 is a 15% "
            "reduction among the people reached."
        )
    cost = pounds(data.get("cost_per_year"))
    if cost is None or cost < 0:
        errors["cost_per_year"] = "Give the cost per year in pounds, 0 or more."
    if message := plan_year_error(strategy, data.get("start_year"), "start year"):
        errors["start_year"] = message
    if not errors.get("segment") and not errors.get("area"):
        cohort = _cohort(strategy, data, errors)
        population = (outcome.baseline_source or {}).get("population") if outcome else None
        if cohort and population and cohort > population:
            errors["cohort_size"] = (
                f"{cohort:,} people is more than the {population:,} the outcome is about."
            )
    raise_if(errors)
    return fields | {
        "outcome": outcome,
        "segment": segment,
        "area": data.get("area"),
        "cohort_size": cohort,
        "evidence_strength": data["evidence_strength"],
        "expected_effect": effect,
        "cost_per_year": cost,
        "start_year": data["start_year"],
    }


def _within(area: Area, outer: Area) -> bool:
    return area.pk == outer.pk or outer.pk in {a.pk for a in area.ancestors()}


INTERVENTION_FIELDS = [
    "name", "description", "outcome", "segment", "area", "cohort_size", "evidence_source",
    "evidence_strength", "expected_effect", "cost_per_year", "start_year",
]  # fmt: skip


def _audit_data(intervention: Intervention) -> dict:
    return {
        "priority": intervention.priority_id,
        "outcome": intervention.outcome_id,
        "cohort_size": intervention.cohort_size,
        "expected_effect": intervention.expected_effect,
        "cost_per_year": str(intervention.cost_per_year),
        "start_year": intervention.start_year,
    }


@transaction.atomic
def add_intervention(*, priority: Priority, by, **data) -> Intervention:
    """A new intervention of a priority. `data`: name, description, outcome (one of the
    priority's, optional), segment and area (the target cohort, optional), cohort_size
    (people reached; when None it is taken from the needs profile: the segment's people
    in the area, or everyone in the area), evidence_source, evidence_strength,
    expected_effect (relative change among the people reached, -1 to 1), cost_per_year
    (pounds) and start_year (plan year)."""
    strategy = lock_editable(priority.strategy, by)
    fields = _intervention_fields(strategy, priority, data)
    intervention = Intervention.objects.create(priority=priority, **fields)
    audit(by, "intervention.add", intervention, **_audit_data(intervention))
    return intervention


@transaction.atomic
def update_intervention(*, intervention: Intervention, by, **data) -> Intervention:
    """Replace an intervention's fields (as add_intervention; cohort_size None takes it
    from the needs profile again)."""
    strategy = lock_editable(intervention.priority.strategy, by)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    fields = _intervention_fields(strategy, intervention.priority, data)
    before = _audit_data(intervention)
    for name, value in fields.items():
        setattr(intervention, name, value)
    intervention.save(update_fields=list(fields))
    audit(by, "intervention.update", intervention, before=before, after=_audit_data(intervention))
    return intervention


@transaction.atomic
def delete_intervention(*, intervention: Intervention, by) -> None:
    lock_editable(intervention.priority.strategy, by)
    audit(by, "intervention.delete", intervention, **_audit_data(intervention))
    intervention.delete()
