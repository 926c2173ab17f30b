"""Prioritisation pages: priorities and their evidence, the method (criteria and weights),
the scoring panel, a member's scoring grid (htmx saves a priority at a time) and the
ranking with its sensitivity.

Thin doors: reads through `prioritisation.queries`/`pages`, writes through
`prioritisation.actions`. A strategy the user may not see answers 404; a reader who may
see it but not change it gets 403 from a writing URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from commissioning import access
from evaluation.loop import queries as loop_queries
from strategy.prioritisation import actions, charts, pages, queries, rules
from strategy.prioritisation.forms import (
    CriterionForm,
    PanelMemberForm,
    PriorityForm,
    RankingSettingsForm,
    WeightsForm,
    weight_field_name,
)


def apply_errors(form, error: ValidationError, fields: dict | None = None) -> None:
    """Put an action's ValidationError on the form: on its field if the form has one
    (`fields` renames an action's field to the form's)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def _require_edit(user, strategy) -> None:
    if not rules.can_edit(user, strategy):
        raise PermissionDenied(
            rules.frozen_message(strategy)
            if not rules.is_open(strategy)
            else "Only ICB commissioners can change the prioritisation."
        )


# --------------------------------------------------------------------------- priorities


@login_required
def priority_list(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_or_404(request.user, pk)
    context = pages.base_context(request, strategy, "priorities")
    context["priorities"] = pages.priority_views(request.user, strategy)
    loop_queries.attach_to_priorities(request.user, context["priorities"])
    return render(request, "strategy/prioritisation_priorities.html", context)


def _priority_form_page(request, strategy, form, priority=None, status=200) -> HttpResponse:
    trail = [("Priorities", reverse("strategy:priorities", args=[strategy.pk]))]
    context = pages.base_context(request, strategy, "priorities", *trail)
    context.update({"form": form, "priority": priority})
    return render(request, "strategy/prioritisation_priority_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def priority_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise a priority from approved INA findings, for a cohort."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    _require_edit(user, strategy)
    form = PriorityForm(request.POST or None, strategy=strategy, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            priority = actions.raise_priority(strategy=strategy, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Priority “{priority.title}” raised.")
            return redirect("strategy:priorities", pk=strategy.pk)
    status = 400 if request.method == "POST" else 200
    return _priority_form_page(request, strategy, form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    priority = queries.priority_or_404(user, strategy, priority_pk)
    _require_edit(user, strategy)
    initial = {
        "title": priority.title,
        "description": priority.description,
        "findings": list(priority.findings.all()),
        "segment": priority.segment,
        "area": priority.area,
        "group": priority.group,
    }
    form = PriorityForm(request.POST or None, strategy=strategy, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_priority(priority=priority, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Priority “{priority.title}” saved.")
            return redirect("strategy:priorities", pk=strategy.pk)
    status = 400 if request.method == "POST" else 200
    return _priority_form_page(request, strategy, form, priority, status=status)


# --------------------------------------------------------------------------- method


def _method_page(request, strategy, *, weights_form=None, criterion_form=None, status=200):
    criteria = queries.criteria_of(strategy)
    total = sum(c.weight for c in criteria)
    weights_form = weights_form or WeightsForm(criteria=criteria)
    context = pages.base_context(request, strategy, "method")
    context.update(
        {
            "criteria": [
                {
                    "criterion": c,
                    "share": (c.weight / total * 100) if total else None,
                    "field": weights_form[weight_field_name(c.code)],
                }
                for c in criteria
            ],
            "total_weight": total,
            "weights_form": weights_form,
            "criterion_form": criterion_form or CriterionForm(initial={"weight": 10}),
            "defaults": actions.DEFAULT_CRITERIA,
        }
    )
    return render(request, "strategy/prioritisation_method.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def method(request: HttpRequest, pk: int) -> HttpResponse:
    """The method in plain words, the criteria and their weights (a form for editors)."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if request.method == "GET":
        return _method_page(request, strategy)
    _require_edit(user, strategy)
    criteria = queries.criteria_of(strategy)
    form = WeightsForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            actions.set_weights(strategy=strategy, weights=form.weights(), by=user)
        except ValidationError as error:
            renames = {c.code: weight_field_name(c.code) for c in criteria}
            apply_errors(form, error, renames)
        else:
            messages.success(request, "Weights saved. The ranking uses them now.")
            return redirect("strategy:method", pk=strategy.pk)
    return _method_page(request, strategy, weights_form=form, status=400)


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    _require_edit(user, strategy)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            criterion = actions.add_criterion(strategy=strategy, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Criterion “{criterion.name}” added.")
            return redirect("strategy:method", pk=strategy.pk)
    return _method_page(request, strategy, criterion_form=form, status=400)


@login_required
@require_POST
def criteria_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    _require_edit(user, strategy)
    added = actions.add_default_criteria(strategy=strategy, by=user)
    messages.success(request, f"{len(added)} default criteria added.")
    return redirect("strategy:method", pk=strategy.pk)


@login_required
@require_POST
def criterion_remove(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    criterion = next((c for c in queries.criteria_of(strategy) if c.pk == criterion_pk), None)
    if criterion is None:
        raise Http404("No such criterion in this strategy.")
    _require_edit(user, strategy)
    try:
        actions.remove_criterion(criterion=criterion, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Criterion “{criterion.name}” removed, with its scores.")
    return redirect("strategy:method", pk=strategy.pk)


# --------------------------------------------------------------------------- panel


def _panel_page(request, strategy, form=None, status=200) -> HttpResponse:
    user = request.user
    criteria = queries.criteria_of(strategy)
    priorities = queries.priorities_of(user, strategy).count()
    members = []
    for member in queries.panel_of(strategy):
        members.append(
            {
                "member": member,
                "expected": len(criteria) * priorities,
                "can_open": member.user_id == user.pk
                or access.is_icb_staff(user)
                or access.is_administrator(user),
                "waiting_for_share": member.user is not None
                and not rules.sees(member.user, strategy),
            }
        )
    context = pages.base_context(request, strategy, "panel")
    editable = context["editable"]
    context.update(
        {"members": members, "form": form or (PanelMemberForm(user=user) if editable else None)}
    )
    return render(request, "strategy/prioritisation_panel.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring panel, how far each member has got, and (editors) a form to add one."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if request.method == "GET":
        return _panel_page(request, strategy)
    _require_edit(user, strategy)
    form = PanelMemberForm(request.POST, user=user)
    if form.is_valid():
        try:
            member = actions.add_panel_member(strategy=strategy, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{member.name} added to the panel.")
            return redirect("strategy:panel", pk=strategy.pk)
    return _panel_page(request, strategy, form, status=400)


@login_required
@require_POST
def panel_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    member = queries.member_or_404(user, strategy, member_pk)
    _require_edit(user, strategy)
    actions.remove_panel_member(member=member, by=user)
    messages.success(request, f"{member.name} taken off the panel, with their scores.")
    return redirect("strategy:panel", pk=strategy.pk)


# --------------------------------------------------------------------------- scoring


def _member_for_scoring(user, strategy, member_pk):
    """The member whose scores the user may open: their own seat; ICB staff any seat."""
    member = queries.member_or_404(user, strategy, member_pk)
    if member.user_id == user.pk or access.is_icb_staff(user) or access.is_administrator(user):
        return member
    raise Http404("Not found")


@login_required
def my_scores(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_or_404(request.user, pk)
    seat = queries.seat_of(request.user, strategy)
    if seat is None:
        raise Http404("You do not have a seat on this strategy's scoring panel.")
    return redirect("strategy:scoring", pk=strategy.pk, member_pk=seat.pk)


@login_required
def scoring(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """A member's scoring grid: every priority × criterion, 1-5 with a rationale."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    member = _member_for_scoring(user, strategy, member_pk)
    criteria = queries.criteria_of(strategy)
    saved = queries.member_scores(member)
    rows = [
        pages.scoring_row(member, priority, criteria, saved=saved)
        for priority in queries.priorities_of(user, strategy)
    ]
    trail = [("Scoring panel", reverse("strategy:panel", args=[strategy.pk]))]
    own = member.user_id == user.pk
    context = pages.base_context(request, strategy, "scoring" if own else "panel", *trail)
    context.update(
        {
            "member": member,
            "own": own,
            "rows": rows,
            "criteria": criteria,
            "can_score": rules.can_score(user, member),
            "score_labels": pages.SCORE_LABELS,
            "given": len(saved),
            "expected": len(rows) * len(criteria),
        }
    )
    return render(request, "strategy/prioritisation_scoring.html", context)


@login_required
@require_POST
def score_priority(request: HttpRequest, pk: int, member_pk: int, priority_pk: int):
    """Save a member's scores of one priority (htmx swaps the priority's block back)."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    member = _member_for_scoring(user, strategy, member_pk)
    priority = queries.priority_or_404(user, strategy, priority_pk)
    if not rules.can_score(user, member):
        raise PermissionDenied(
            rules.frozen_message(strategy)
            if not rules.is_open(strategy)
            else "You can only score for your own seat on the panel."
        )
    criteria = queries.criteria_of(strategy)
    entries = pages.scoring_entries(request.POST, criteria)
    try:
        actions.record_priority_scores(member=member, priority=priority, entries=entries, by=user)
    except ValidationError as error:
        row = pages.scoring_row(
            member, priority, criteria, posted=request.POST, errors=error.message_dict
        )
        if request.htmx:  # htmx swaps only 2xx answers, errors included
            return _scoring_row(request, strategy, member, row)
        messages.error(request, f"Scores for “{priority.title}” not saved: fix the errors.")
        return _scoring_row(request, strategy, member, row, status=400, alone=True)
    if request.htmx:
        row = pages.scoring_row(member, priority, criteria)
        row.saved = True
        return _scoring_row(request, strategy, member, row)
    messages.success(request, f"Scores for “{priority.title}” saved.")
    url = reverse("strategy:scoring", args=[strategy.pk, member.pk])
    return redirect(f"{url}#priority-{priority.pk}")


def _scoring_row(request, strategy, member, row, status=200, alone=False) -> HttpResponse:
    context = {
        "strategy": strategy,
        "member": member,
        "row": row,
        "can_score": True,
        "score_labels": pages.SCORE_LABELS,
    }
    if alone:
        trail = [("Scoring panel", reverse("strategy:panel", args=[strategy.pk]))]
        context.update(pages.base_context(request, strategy, "scoring", *trail))
        template = "strategy/prioritisation_scoring_alone.html"
    else:
        template = "strategy/prioritisation_scoring_row.html"
    return render(request, template, context, status=status)


# --------------------------------------------------------------------------- ranking


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Weighted totals, ranks, criterion contributions, completeness and sensitivity."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    form = RankingSettingsForm(request.GET if request.GET else None)
    settings = form.settings()
    result = queries.ranking(user, strategy, settings)
    ranked = result.ranked
    variation = round(settings.variation * 100)
    context = pages.base_context(request, strategy, "ranking")
    context.update(
        {
            "ranking": result,
            "form": form,
            "settings": settings,
            "variation_percent": variation,
            "panel": queries.panel_of(strategy),
            "sensitivity_title": (
                f"Share of draws in which each priority stays in the top {settings.top_n} "
                f"(weights vary by ±{variation}%)"
            ),
            "totals_figure": charts.weighted_totals(ranked, result.criteria) if ranked else None,
            "sensitivity_figure": (
                charts.top_n_shares(ranked, top_n=settings.top_n, variation_percent=variation)
                if ranked
                else None
            ),
        }
    )
    return render(request, "strategy/prioritisation_ranking.html", context)
