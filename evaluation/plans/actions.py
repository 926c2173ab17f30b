"""Writes of the plans part: evaluation plans, their approval, starting an evaluation run,
recording its result, and the ICB's evaluation approach.

Every action is keyword-only with an explicit actor (`by=user`), runs in one transaction
and writes an AuditEvent. Bad input raises ValidationError with a message per field;
nothing is saved then. Only the ICB's own staff may write (others get PermissionDenied)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning.access import Permission, has_permission, is_icb_staff
from commissioning.models import Area, AuditEvent, Run
from commissioning.models.population import LTC_FLAGS, OTHER_FLAGS
from commissioning.runs import start_run
from evaluation.methods import Estimate
from evaluation.models import (
    EvaluationApproach,
    EvaluationMethod,
    EvaluationPlan,
    EvaluationPlanStatus,
    EvaluationResult,
    EvaluationSource,
)
from strategy.models import Intervention

RUN_KIND = "intervention_evaluation"
CONDITIONS = tuple(LTC_FLAGS + OTHER_FLAGS)
TEXT_FIELDS = ("question", "inputs", "activities", "outputs", "outcomes", "other_measures")
PLAN_FIELDS = (
    *TEXT_FIELDS,
    "comparison",
    "indicator",
    "area",
    "method",
    "source",
    "condition",
    "seasonality",
    "intervention_date",
    "start_date",
    "end_date",
    "report_due",
    "owner",
)


def audit(by, verb: str, obj, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"evaluation.{verb}",
        object_type=f"evaluation.{obj._meta.model_name}",
        object_id=str(obj.pk),
        data=data,
    )


def icb_of(intervention: Intervention) -> Area:
    return intervention.priority.strategy.icb


def require_staff(by, icb_id: int) -> None:
    """Only the staff of the ICB may write its evaluation plans."""
    if not (is_icb_staff(by) and by.icb.pk == icb_id):
        raise PermissionDenied("Only the ICB's commissioners and analysts may do this.")


def default_intervention_date(intervention: Intervention) -> date:
    """1 April of the intervention's first plan year."""
    return date(intervention.priority.strategy.first_year + intervention.start_year - 1, 4, 1)


def _text_errors(data: dict, errors: dict) -> None:
    if not str(data.get("question") or "").strip():
        errors["question"] = "Enter the question the evaluation will answer."
    if not str(data.get("owner") or "").strip():
        errors["owner"] = "Say who owns the evaluation."


def _design_errors(data: dict, icb_id: int, errors: dict) -> None:
    method, source = data.get("method"), data.get("source") or EvaluationSource.SERIES
    if method not in EvaluationMethod.values:
        errors["method"] = "Choose interrupted time series or difference-in-differences."
    if source not in EvaluationSource.values:
        errors["source"] = "Choose indicator series or population snapshots."
    elif source == EvaluationSource.SNAPSHOTS:
        if method == EvaluationMethod.ITS:
            errors["method"] = "Two population snapshots allow difference-in-differences only."
        if data.get("condition") not in CONDITIONS:
            errors["condition"] = "Choose the condition whose prevalence is measured."
    area, comparison = data.get("area"), list(data.get("comparison_areas") or [])
    if area is None or area.icb_id != icb_id:
        errors["area"] = "Choose the area where the intervention runs, inside the ICB."
    if data.get("indicator") is None:
        errors["indicator"] = "Choose the indicator that measures the outcome."
    if method == EvaluationMethod.DID and not comparison:
        errors["comparison_areas"] = "Difference-in-differences needs at least one comparison area."
    elif any(a.icb_id != icb_id for a in comparison):
        errors["comparison_areas"] = "Comparison areas must be inside the ICB."
    elif area is not None and area in comparison:
        errors["comparison_areas"] = f"{area.name} is the intervention area: it cannot compare."


def _date_errors(data: dict, errors: dict) -> None:
    names = {"intervention_date": "date it started", "start_date": "start", "end_date": "end"}
    names["report_due"] = "report due date"
    missing = [key for key in names if not isinstance(data.get(key), date)]
    for key in missing:
        errors[key] = f"Enter the {names[key]} as a date."
    if missing:
        return
    if data["start_date"] > data["end_date"]:
        errors["end_date"] = "The end must be on or after the start."
    elif not data["start_date"] <= data["intervention_date"] <= data["end_date"]:
        errors["intervention_date"] = "The intervention date must fall between start and end."
    if data["report_due"] < data["end_date"]:
        errors["report_due"] = "The report cannot be due before the evaluation period ends."


@transaction.atomic
def save_plan(*, intervention: Intervention, data: dict, by) -> EvaluationPlan:
    """Create or update the evaluation plan of an intervention from `data` (keys as in
    PLAN_FIELDS plus comparison_areas, a list of Areas). Editing an approved plan returns
    it to draft: it must be approved again."""
    icb_id = icb_of(intervention).pk
    require_staff(by, icb_id)
    errors: dict = {}
    _text_errors(data, errors)
    _design_errors(data, icb_id, errors)
    _date_errors(data, errors)
    if errors:
        raise ValidationError(errors)
    values = {key: data.get(key) for key in PLAN_FIELDS}
    for key in (*TEXT_FIELDS, "comparison", "owner", "condition"):
        values[key] = str(values[key] or "").strip()
    values["source"] = values["source"] or EvaluationSource.SERIES
    values["seasonality"] = bool(values["seasonality"])
    plan = EvaluationPlan.objects.select_for_update().filter(intervention=intervention).first()
    created = plan is None
    if created:
        plan = EvaluationPlan(intervention=intervention, created_by=by)
    for key, value in values.items():
        setattr(plan, key, value)
    plan.status, plan.approved_by, plan.approved_at = EvaluationPlanStatus.DRAFT, None, None
    plan.save()
    plan.comparison_areas.set(data.get("comparison_areas") or [])
    audit(by, "plan.create" if created else "plan.update", plan, method=plan.method)
    return plan


@transaction.atomic
def approve_plan(*, plan: EvaluationPlan, by) -> EvaluationPlan:
    """Approve a draft plan (commissioners only)."""
    plan = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
    require_staff(by, icb_of(plan.intervention).pk)
    if not has_permission(by, Permission.APPROVE):
        raise PermissionDenied("Only a commissioner may approve an evaluation plan.")
    if plan.status == EvaluationPlanStatus.APPROVED:
        raise ValidationError({"status": "This plan is already approved."})
    plan.status, plan.approved_by, plan.approved_at = (
        EvaluationPlanStatus.APPROVED,
        by,
        timezone.now(),
    )
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit(by, "plan.approve", plan)
    return plan


@transaction.atomic
def start_evaluation(*, plan: EvaluationPlan, by) -> Run:
    """Queue a worker run that evaluates the plan and records its result."""
    icb = icb_of(plan.intervention)
    require_staff(by, icb.pk)
    if not has_permission(by, Permission.RUN_ANALYSES):
        raise PermissionDenied("Your role may not run analyses.")
    run = start_run(kind=RUN_KIND, by=by, icb=icb, parameters={"plan_id": plan.pk})
    audit(by, "plan.evaluate", plan, run=run.pk)
    return run


@transaction.atomic
def record_result(
    *, plan: EvaluationPlan, estimate: Estimate, unit: str, summary: str, run: Run | None, by
) -> EvaluationResult:
    """Store one evaluation result (called by the run handler, inside its transaction)."""
    details = dict(estimate.details)
    if estimate.fitted is not None:
        fitted = estimate.fitted.copy()
        fitted["date"] = fitted["date"].dt.date.astype(str)
        details["series"] = fitted.round(6).to_dict(orient="list")
    result = EvaluationResult.objects.create(
        plan=plan,
        run=run,
        method=estimate.method,
        effect=estimate.effect,
        standard_error=estimate.standard_error,
        lower=estimate.lower,
        upper=estimate.upper,
        p_value=estimate.p_value,
        mde=estimate.mde,
        pre_points=estimate.pre_points,
        post_points=estimate.post_points,
        unit=unit[:80],
        summary=summary,
        details=details,
    )
    audit(by, "result.record", result, plan=plan.pk, run=run.pk if run else None)
    return result


@transaction.atomic
def set_approach(*, icb: Area, statement: str, by) -> EvaluationApproach:
    """Set the ICB's evaluation approach statement."""
    require_staff(by, icb.pk)
    if not str(statement or "").strip():
        raise ValidationError({"statement": "Enter the ICB's evaluation approach."})
    approach, _ = EvaluationApproach.objects.update_or_create(
        icb=icb, defaults={"statement": statement.strip(), "updated_by": by}
    )
    audit(by, "approach.set", approach)
    return approach
