"""What the delivery pages show, built for the views in strategy/views/delivery.py: the
shared page context (breadcrumbs, navigation between the delivery pages, whether the
user may edit), the choices the forms offer, and each page's rows.

Figures about people are disclosure-controlled for providers and partners here or in
queries.plan_for, never in templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from commissioning import access
from commissioning.disclosure import controlled_count
from commissioning.models import Area, Segment
from strategy.delivery import charts, forms, presenters, queries
from strategy.delivery.codesign import PARTICIPANT_GROUP_LABELS
from strategy.delivery.guards import OUTCOME_LEVELS, can_edit
from strategy.lifecycle import rules
from strategy.lifecycle.rules import read_only_message
from strategy.models import StrategyStatus

SECTIONS = [
    ("outcomes", "Outcomes"),
    ("interventions", "Interventions"),
    ("pathways", "Care pathways"),
    ("engagement", "Engagement"),
]


def strategy_url(strategy) -> str:
    """The strategy's own page (strategy:detail), or its outcomes page until there is one."""
    try:
        return reverse("strategy:detail", kwargs={"pk": strategy.pk})
    except NoReverseMatch:
        return section_url(strategy, "outcomes")


def section_url(strategy, section: str) -> str:
    return reverse(f"strategy:{section}", kwargs={"pk": strategy.pk})


def context(request, strategy, section: str, extra_crumbs=(), **more) -> dict:
    """What every delivery page needs: breadcrumbs, the navigation between the delivery
    pages, whether the user may edit and, if the strategy is read-only, why."""
    editable = can_edit(request.user, strategy)
    read_only = ""
    frozen = strategy.status in (StrategyStatus.APPROVED, StrategyStatus.PUBLISHED)
    if not editable and frozen and rules.can_edit(request.user):
        # Only those who could otherwise edit need telling how to change it.
        read_only = read_only_message(strategy)
    crumbs = [
        ("Home", "home"),
        ("Strategy", "strategy:landing"),
        (strategy.title, strategy_url(strategy)),
        *extra_crumbs,
    ]
    sections = [
        {"label": label, "url": section_url(strategy, name), "current": name == section}
        for name, label in SECTIONS
    ]
    return {
        "strategy": strategy,
        "section": section,
        "sections": sections,
        "can_edit": editable,
        "read_only": read_only,
        "breadcrumbs": crumbs,
        **more,
    }


def require_edit(user, strategy) -> None:
    """403 for a user who may see the strategy but not change it now."""
    if not can_edit(user, strategy):
        raise PermissionDenied("You cannot change this strategy.")


def apply_errors(form, error: ValidationError) -> None:
    """An action's ValidationError on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def save(request, form, write, success: str, then):
    """Run `write(form)` on a valid POST: a redirect to `then` (a URL, or a function of
    what `write` returned giving one) with `success` shown, or None (the form, now
    carrying the action's errors, is shown again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, success)
    return redirect(then(result) if callable(then) else then)


def form_page(request, strategy, section: str, template: str, form, title: str, **more):
    """A delivery form page; 400 when the form has errors."""
    crumb = (dict(SECTIONS)[section], section_url(strategy, section))
    page = context(request, strategy, section, [crumb], form=form, title=title, **more)
    return render(request, template, page, status=400 if form.errors else 200)


# ------------------------------------------------------------------------------ choices


def areas(user, strategy):
    """The strategy's area and the places and neighbourhoods inside it."""
    within = Q(pk=strategy.area_id) | Q(parent_id=strategy.area_id)
    within |= Q(parent__parent_id=strategy.area_id)
    return (
        access.visible_to(user, Area)
        .filter(within, icb_id=strategy.icb_id, level__in=OUTCOME_LEVELS)
        .order_by("level", "name")
    )


def segments(user, strategy):
    """Segments of the segmentation model the strategy's needs assessment uses."""
    found = access.visible_to(user, Segment).select_related("model")
    if strategy.needs_assessment_id:
        found = found.filter(model_id=strategy.needs_assessment.profile.segmentation_model_id)
    return found.order_by("model__name", "priority")


def outcome_form(request, strategy, data=None, **kwargs) -> forms.OutcomeForm:
    return forms.OutcomeForm(
        data,
        priorities=queries.priorities_of(request.user, strategy),
        areas=areas(request.user, strategy),
        strategy=strategy,
        **kwargs,
    )


def intervention_form(request, strategy, data=None, **kwargs) -> forms.InterventionForm:
    return forms.InterventionForm(
        data,
        priorities=queries.priorities_of(request.user, strategy),
        outcomes=queries.outcomes_of(request.user, strategy),
        segments=segments(request.user, strategy),
        areas=areas(request.user, strategy),
        strategy=strategy,
        **kwargs,
    )


def pathway_form(request, strategy, data=None, **kwargs) -> forms.PathwayForm:
    return forms.PathwayForm(
        data,
        priorities=queries.priorities_of(request.user, strategy),
        segments=segments(request.user, strategy),
        **kwargs,
    )


def baseline_form(request, strategy, outcome, plan, data=None) -> forms.BaselineForm:
    return forms.BaselineForm(
        data,
        candidates=queries.baseline_candidates(request.user, outcome, strategy),
        label=lambda aggregate: presenters.aggregate_label(aggregate, plan.unit),
    )


# --------------------------------------------------------------------------------- rows


def by_priority(user, strategy, rows: list[dict], key) -> list[dict]:
    """Rows grouped under each of the strategy's priorities (every priority, even with
    no rows); `key(row)` is the row's priority id."""
    return [
        {"priority": priority, "rows": [row for row in rows if key(row) == priority.pk]}
        for priority in queries.priorities_of(user, strategy)
    ]


def outcome_groups(user, strategy) -> list[dict]:
    rows = [
        presenters.outcome_row(queries.plan_for(user, outcome, strategy))
        for outcome in queries.outcomes_of(user, strategy)
    ]
    return by_priority(user, strategy, rows, lambda row: row["outcome"].priority_id)


def _people(user, count) -> str:
    shown = controlled_count(count) if access.needs_disclosure_control(user) else count
    return presenters.people(shown)


def intervention_groups(user, strategy, items) -> list[dict]:
    rows = [
        {
            "intervention": item,
            "cohort": _people(user, item.cohort_size),
            "effect": f"{item.expected_effect:+.0%}",
        }
        for item in items
    ]
    return by_priority(user, strategy, rows, lambda row: row["intervention"].priority_id)


def engagement_rows(user, strategy) -> list[dict]:
    return [
        {
            "activity": activity,
            "groups": [PARTICIPANT_GROUP_LABELS.get(g, g) for g in activity.participant_groups],
            "participants": _people(user, activity.participants),
        }
        for activity in queries.engagement_of(user, strategy)
    ]


def outcome_page(request, strategy, outcome, form=None) -> dict:
    """The outcome page's context: the plan, its tables and charts, and (for editors,
    before the baseline is frozen) the form to freeze it."""
    plan = queries.plan_for(request.user, outcome, strategy)
    axis = charts.axis_title(plan.unit)
    if can_edit(request.user, strategy) and not plan.baseline.frozen and form is None:
        form = baseline_form(request, strategy, outcome, plan)
    return context(
        request,
        strategy,
        "outcomes",
        [("Outcomes", section_url(strategy, "outcomes"))],
        outcome=outcome,
        plan=plan,
        row=presenters.outcome_row(plan),
        source=presenters.baseline_source_text(plan),
        trajectory_rows=presenters.trajectory_rows(plan),
        check_rows=presenters.check_rows(plan),
        intervention_rows=presenters.intervention_rows(plan),
        trajectory_figure=charts.trajectory_chart(plan, axis),
        impact_figure=charts.impact_chart(plan, axis),
        form=form if can_edit(request.user, strategy) else None,
    )
