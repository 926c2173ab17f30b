"""Delivery pages of a strategy: outcomes (baseline, trajectory, does the plan add up?),
interventions, care pathways and the engagement record.

Thin doors: reads through strategy.delivery.queries and .pages, writes through
strategy.delivery.actions. A strategy the user may not see is 404 (commissioning.access);
a user who may see it but not change it (a provider or partner, an analyst, anyone once
it is approved) reads the pages without their forms and gets 403 from a form's address.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning import access
from strategy.delivery import actions, forms, pages, queries
from strategy.delivery.codesign import stage_providers
from strategy.delivery.guards import can_edit
from strategy.models import PathwayStage

OUTCOME_FORM = "strategy/delivery_outcome_form.html"
INTERVENTION_FORM = "strategy/delivery_intervention_form.html"
PATHWAY_FORM = "strategy/delivery_pathway_form.html"
ENGAGEMENT_FORM = "strategy/delivery_engagement_form.html"


def _editable(request, pk: int):
    """The strategy if the user may see it (else 404) and change it (else 403)."""
    strategy = queries.strategy_for(request.user, pk)
    pages.require_edit(request.user, strategy)
    return strategy


def _one(request, queryset, pk: int):
    return access.get_visible_or_404(request.user, queryset, pk=pk)


# ------------------------------------------------------------------------------ outcomes


@login_required
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """Each priority's outcomes: baseline, target, time profile and whether the plan adds up."""
    strategy = queries.strategy_for(request.user, pk)
    groups = pages.outcome_groups(request.user, strategy)
    context = pages.context(request, strategy, "outcomes", groups=groups)
    return render(request, "strategy/delivery_outcomes.html", context)


@login_required
def outcome_detail(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    outcome = _one(request, queries.outcomes_of(request.user, strategy), outcome_pk)
    context = pages.outcome_page(request, strategy, outcome)
    return render(request, "strategy/delivery_outcome.html", context)


@login_required
def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable(request, pk)
    initial = {"area": strategy.area_id, "profile": "linear"}
    if request.GET.get("priority", "").isdigit():
        initial["priority"] = int(request.GET["priority"])
    form = pages.outcome_form(request, strategy, request.POST or None, initial=initial)
    done = pages.save(
        request,
        form,
        lambda form: actions.set_outcome(by=request.user, **form.cleaned_data),
        "Outcome set. Now freeze its baseline from the needs assessment.",
        lambda outcome: reverse("strategy:outcome-detail", args=[pk, outcome.pk]),
    )
    return done or pages.form_page(
        request, strategy, "outcomes", OUTCOME_FORM, form, "Set an outcome"
    )


@login_required
def outcome_edit(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    outcome = _one(request, queries.outcomes_of(request.user, strategy), outcome_pk)
    pages.require_edit(request.user, strategy)
    initial = {f: getattr(outcome, f) for f in ("target_value", "profile", "step_year", "owner")}
    form = pages.outcome_form(request, strategy, request.POST or None, initial=initial, edit=True)
    done = pages.save(
        request,
        form,
        lambda form: actions.update_outcome(outcome=outcome, by=request.user, **form.cleaned_data),
        "Outcome saved.",
        reverse("strategy:outcome-detail", args=[pk, outcome.pk]),
    )
    return done or pages.form_page(
        request, strategy, "outcomes", OUTCOME_FORM, form, "Change the target", outcome=outcome
    )


@login_required
@require_POST
def outcome_baseline(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """Freeze the baseline from the chosen needs profile figure."""
    strategy = queries.strategy_for(request.user, pk)
    outcome = _one(request, queries.outcomes_of(request.user, strategy), outcome_pk)
    pages.require_edit(request.user, strategy)
    plan = queries.plan_for(request.user, outcome, strategy)
    form = pages.baseline_form(request, strategy, outcome, plan, request.POST)
    done = pages.save(
        request,
        form,
        lambda form: actions.freeze_baseline(
            outcome=outcome, aggregate=form.cleaned_data["aggregate"], by=request.user
        ),
        "Baseline frozen. It will not change again.",
        reverse("strategy:outcome-detail", args=[pk, outcome.pk]),
    )
    if done:
        return done
    context = pages.outcome_page(request, strategy, outcome, form=form)
    return render(request, "strategy/delivery_outcome.html", context, status=400)


@login_required
@require_POST
def outcome_delete(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    outcome = _one(request, queries.outcomes_of(request.user, strategy), outcome_pk)
    pages.require_edit(request.user, strategy)
    actions.delete_outcome(outcome=outcome, by=request.user)
    messages.success(request, "Outcome removed.")
    return redirect("strategy:outcomes", pk=pk)


# ------------------------------------------------------------------------- interventions


@login_required
def interventions(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    items = list(queries.interventions_of(request.user, strategy))
    context = pages.context(
        request,
        strategy,
        "interventions",
        groups=pages.intervention_groups(request.user, strategy, items),
        count=len(items),
        costs=queries.cost_by_year(strategy, items),
    )
    return render(request, "strategy/delivery_interventions.html", context)


@login_required
def intervention_create(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable(request, pk)
    form = pages.intervention_form(
        request, strategy, request.POST or None, initial={"start_year": 1}
    )
    done = pages.save(
        request,
        form,
        lambda form: actions.add_intervention(
            priority=form.cleaned_data["priority"], by=request.user, **form.values()
        ),
        "Intervention added.",
        pages.section_url(strategy, "interventions"),
    )
    return done or pages.form_page(
        request, strategy, "interventions", INTERVENTION_FORM, form, "Add an intervention"
    )


@login_required
def intervention_edit(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    item = _one(request, queries.interventions_of(request.user, strategy), intervention_pk)
    pages.require_edit(request.user, strategy)
    initial = {f: getattr(item, f) for f in actions.INTERVENTION_FIELDS} | {
        "priority": item.priority,
        "expected_effect": round(item.expected_effect * 100, 4),
    }
    form = pages.intervention_form(request, strategy, request.POST or None, initial=initial)
    if form.is_bound and form.is_valid() and form.cleaned_data["priority"].pk != item.priority_id:
        form.add_error("priority", "An intervention stays with its priority.")
    done = pages.save(
        request,
        form,
        lambda form: actions.update_intervention(
            intervention=item, by=request.user, **form.values()
        ),
        "Intervention saved.",
        pages.section_url(strategy, "interventions"),
    )
    return done or pages.form_page(
        request, strategy, "interventions", INTERVENTION_FORM, form, "Change an intervention",
        item=item,
    )  # fmt: skip


@login_required
@require_POST
def intervention_delete(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    item = _one(request, queries.interventions_of(request.user, strategy), intervention_pk)
    pages.require_edit(request.user, strategy)
    actions.delete_intervention(intervention=item, by=request.user)
    messages.success(request, "Intervention removed.")
    return redirect("strategy:interventions", pk=pk)


# ------------------------------------------------------------------------------ pathways


@login_required
def pathways(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    rows = [
        {"pathway": p, "stage_rows": queries.stage_rows(p)}
        for p in queries.pathways_of(request.user, strategy)
    ]
    context = pages.context(request, strategy, "pathways", pathways=rows)
    return render(request, "strategy/delivery_pathways.html", context)


@login_required
def pathway_create(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable(request, pk)
    form = pages.pathway_form(request, strategy, request.POST or None)
    done = pages.save(
        request,
        form,
        lambda form: actions.add_pathway(strategy=strategy, by=request.user, **form.cleaned_data),
        "Pathway added. Now add its stages.",
        lambda pathway: reverse("strategy:pathway-detail", args=[pk, pathway.pk]),
    )
    return done or pages.form_page(
        request, strategy, "pathways", PATHWAY_FORM, form, "Add a care pathway"
    )


@login_required
def pathway_edit(request: HttpRequest, pk: int, pathway_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    pathway = _one(request, queries.pathways_of(request.user, strategy), pathway_pk)
    pages.require_edit(request.user, strategy)
    initial = {f: getattr(pathway, f) for f in ("name", "priority", "segment", "description")}
    form = pages.pathway_form(request, strategy, request.POST or None, initial=initial)
    done = pages.save(
        request,
        form,
        lambda form: actions.update_pathway(pathway=pathway, by=request.user, **form.cleaned_data),
        "Pathway saved.",
        reverse("strategy:pathway-detail", args=[pk, pathway.pk]),
    )
    return done or pages.form_page(
        request, strategy, "pathways", PATHWAY_FORM, form, "Change a care pathway", pathway=pathway
    )


@login_required
def pathway_detail(request: HttpRequest, pk: int, pathway_pk: int) -> HttpResponse:
    """A pathway's stages with the providers at each, and (for editors) a form to add a
    stage or replace one."""
    strategy = queries.strategy_for(request.user, pk)
    pathway = _one(request, queries.pathways_of(request.user, strategy), pathway_pk)
    form = None
    if can_edit(request.user, strategy):
        form = forms.StageForm(request.POST or None, providers=stage_providers(request.user))
        done = pages.save(
            request,
            form,
            lambda form: actions.set_pathway_stage(
                pathway=pathway, by=request.user, **form.cleaned_data
            ),
            "Stage saved.",
            reverse("strategy:pathway-detail", args=[pk, pathway.pk]),
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied("You cannot change this strategy.")
    context = pages.context(
        request,
        strategy,
        "pathways",
        [("Care pathways", pages.section_url(strategy, "pathways"))],
        pathway=pathway,
        stage_rows=queries.stage_rows(pathway),
        form=form,
    )
    status = 400 if form is not None and form.errors else 200
    return render(request, "strategy/delivery_pathway.html", context, status=status)


@login_required
@require_POST
def pathway_stage_remove(request: HttpRequest, pk: int, pathway_pk: int, stage_pk: int):
    strategy = queries.strategy_for(request.user, pk)
    pathway = _one(request, queries.pathways_of(request.user, strategy), pathway_pk)
    stage = _one(request, PathwayStage.objects.filter(pathway=pathway), stage_pk)
    pages.require_edit(request.user, strategy)
    actions.remove_pathway_stage(stage=stage, by=request.user)
    messages.success(request, "Stage removed.")
    return redirect("strategy:pathway-detail", pk=pk, pathway_pk=pathway.pk)


@login_required
@require_POST
def pathway_delete(request: HttpRequest, pk: int, pathway_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    pathway = _one(request, queries.pathways_of(request.user, strategy), pathway_pk)
    pages.require_edit(request.user, strategy)
    actions.delete_pathway(pathway=pathway, by=request.user)
    messages.success(request, "Pathway removed.")
    return redirect("strategy:pathways", pk=pk)


# ---------------------------------------------------------------------------- engagement


@login_required
def engagement(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    rows = pages.engagement_rows(request.user, strategy)
    context = pages.context(request, strategy, "engagement", activities=rows)
    return render(request, "strategy/delivery_engagement.html", context)


def _engagement_form(request, strategy, activity=None) -> HttpResponse:
    initial = None
    if activity is not None:
        names = ("title", "date", "method", "participant_groups", "participants",
                 "what_they_said", "what_changed")  # fmt: skip
        initial = {f: getattr(activity, f) for f in names}
        initial["priorities"] = list(activity.priorities.all())
    form = forms.EngagementForm(
        request.POST or None,
        initial=initial,
        priorities=queries.priorities_of(request.user, strategy),
    )

    def write(form):
        if activity is None:
            actions.add_engagement(strategy=strategy, by=request.user, **form.values())
        else:
            actions.update_engagement(activity=activity, by=request.user, **form.values())

    then = pages.section_url(strategy, "engagement")
    done = pages.save(request, form, write, "Engagement activity saved.", then)
    title = "Record an engagement activity" if activity is None else "Change an engagement activity"
    return done or pages.form_page(
        request, strategy, "engagement", ENGAGEMENT_FORM, form, title, activity=activity
    )


@login_required
def engagement_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _engagement_form(request, _editable(request, pk))


@login_required
def engagement_edit(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    activity = _one(request, queries.engagement_of(request.user, strategy), activity_pk)
    pages.require_edit(request.user, strategy)
    return _engagement_form(request, strategy, activity)


@login_required
@require_POST
def engagement_delete(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    strategy = queries.strategy_for(request.user, pk)
    activity = _one(request, queries.engagement_of(request.user, strategy), activity_pk)
    pages.require_edit(request.user, strategy)
    actions.delete_engagement(activity=activity, by=request.user)
    messages.success(request, "Engagement activity removed.")
    return redirect("strategy:engagement", pk=pk)
