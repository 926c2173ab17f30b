"""Pages of the plans part: the list of the ICB's interventions with their evaluation
plans, the plan form, the plan page with its latest result, and the buttons that approve
a plan and start its evaluation. ICB staff of the ICB only: anyone else gets 404."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning.access import Permission, get_visible_or_404, has_permission, is_icb_staff
from evaluation.methods.summary import decimal_places, number, p_text
from evaluation.models import EvaluationPlan
from evaluation.plans import actions, queries
from evaluation.plans.charts import evaluation_figure
from evaluation.plans.forms import ApproachForm, PlanForm
from strategy.models import Intervention

BREADCRUMBS = [("Home", "home"), ("Evaluation", "evaluation:landing")]
LIST_CRUMBS = [*BREADCRUMBS, ("Evaluation plans", "evaluation:plans")]


def _staff_only(request) -> None:
    if not is_icb_staff(request.user):
        raise Http404("Not found")


def _intervention(request, pk: int) -> Intervention:
    _staff_only(request)
    intervention = get_visible_or_404(request.user, Intervention, pk=pk)
    if intervention.priority.strategy.icb_id != request.user.icb.pk:
        raise Http404("Not found")
    return intervention


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    rows = queries.plan_rows(request.user)
    approach = queries.approach(request.user)
    form = ApproachForm(initial={"statement": approach.statement if approach else ""})
    if request.method == "POST":
        form = ApproachForm(request.POST)
        if form.is_valid():
            try:
                actions.set_approach(
                    icb=request.user.icb,
                    statement=form.cleaned_data["statement"],
                    by=request.user,
                )
                return redirect("evaluation:plans")
            except ValidationError as error:
                form.add_error("statement", error.message_dict["statement"])
    context = {
        "rows": rows,
        "planned": sum(1 for row in rows if row.plan),
        "approach": approach,
        "form": form,
        "deadline": queries.APPROACH_DEADLINE,
        "days_left": (queries.APPROACH_DEADLINE - date.today()).days,
        "breadcrumbs": BREADCRUMBS,
    }
    return render(
        request, "evaluation/plans_list.html", context, status=400 if form.errors else 200
    )


def _initial(intervention: Intervention) -> dict:
    started = actions.default_intervention_date(intervention)
    outcome = intervention.outcome
    return {
        "intervention_date": started,
        "start_date": date(started.year - 2, 4, 1),
        "end_date": date(started.year + 1, 3, 31),
        "report_due": date(started.year + 1, 6, 30),
        "indicator": outcome.indicator_id if outcome else None,
        "area": intervention.area_id or (outcome.area_id if outcome else None),
        "method": "its",
        "source": "series",
        "outcomes": str(outcome) if outcome else "",
    }


@login_required
def plan_form(request: HttpRequest, intervention_pk: int) -> HttpResponse:
    intervention = _intervention(request, intervention_pk)
    plan = EvaluationPlan.objects.filter(intervention=intervention).first()
    if plan is None:
        initial = _initial(intervention)
    else:
        initial = {key: getattr(plan, key) for key in actions.PLAN_FIELDS}
        initial["comparison_areas"] = list(plan.comparison_areas.all())
    form = PlanForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_plan(
                intervention=intervention, data=form.cleaned_data, by=request.user
            )
            return redirect("evaluation:plan", pk=saved.pk)
        except ValidationError as error:
            form.add_action_errors(error)
    context = {
        "form": form,
        "intervention": intervention,
        "plan": plan,
        "breadcrumbs": LIST_CRUMBS,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "evaluation/plans_form.html", context, status=status)


def _slope_text(details: dict) -> str:
    """The ITS change in slope with its interval, or "" for other methods."""
    if "slope_change" not in details:
        return ""
    lower, upper = details["slope_change_lower"], details["slope_change_upper"]
    places = decimal_places((upper - lower) / 3.92)
    return (
        f"{number(details['slope_change'], places)} "
        f"({number(lower, places)} to {number(upper, places)})"
    )


def _result_context(result, plan) -> dict:
    if result is None:
        return {}
    series = result.details.get("series")
    figure = None
    if series:
        figure = evaluation_figure(
            series, intervention_date=plan.intervention_date.isoformat(), unit=result.unit
        )
    places = decimal_places(result.standard_error)
    return {
        "figure": figure,
        "effect_text": queries.effect_text(result),
        "mde_text": number(result.mde, places),
        "p_text": p_text(result.p_value),
        "slope_text": _slope_text(result.details),
        "rows": list(
            zip(*(series[k] for k in ("date", "value", "fitted", "counterfactual")), strict=True)
        )
        if series
        else [],
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    plan = get_visible_or_404(request.user, EvaluationPlan, pk=pk)
    result = queries.latest_result(request.user, plan.intervention)
    context = {
        "plan": plan,
        "result": result,
        "comparison_areas": list(plan.comparison_areas.all()),
        "can_run": has_permission(request.user, Permission.RUN_ANALYSES),
        "can_approve": has_permission(request.user, Permission.APPROVE) and plan.status == "draft",
        "breadcrumbs": LIST_CRUMBS,
        **_result_context(result, plan),
    }
    return render(request, "evaluation/plans_detail.html", context)


@login_required
@require_POST
def plan_run(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    plan = get_visible_or_404(request.user, EvaluationPlan, pk=pk)
    run = actions.start_evaluation(plan=plan, by=request.user)
    return redirect("run-detail", pk=run.pk)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    plan = get_visible_or_404(request.user, EvaluationPlan, pk=pk)
    with suppress(ValidationError):  # already approved: the page says so
        actions.approve_plan(plan=plan, by=request.user)
    return redirect("evaluation:plan", pk=plan.pk)
