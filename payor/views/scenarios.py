"""Resource-shift scenario pages. Thin doors: reads through payor.scenarios.queries and
.pages, writes through payor.scenarios.actions. A scenario the user may not see is 404; a
user who may see it but not change it gets 403 from a form's address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning import access
from commissioning.access import Permission
from commissioning.models import Organisation
from payor.models import SETTINGS
from payor.scenarios import actions, pages, queries
from payor.scenarios.forms import HUNDRED, ScenarioForm

CRUMBS = [("Home", "/"), ("Resource allocation", "payor:landing")]
LIST_CRUMBS = [*CRUMBS, ("Resource-shift scenarios", "payor:scenarios")]


def _can_write(user) -> bool:
    return access.is_icb_staff(user) and access.has_permission(user, Permission.RUN_ANALYSES)


def _require_write(user) -> None:
    if not _can_write(user):
        raise PermissionDenied("Only the ICB's commissioners and analysts can change scenarios.")


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    """The scenarios the user may see, with a choice of two or more to compare."""
    context = {
        "scenarios": queries.scenarios_for(request.user),
        "can_write": _can_write(request.user),
        "breadcrumbs": CRUMBS,
    }
    return render(request, "payor/scenario_list.html", context)


def _initial(scenario) -> dict:
    data = {
        "name": scenario.name,
        "cycle": scenario.cycle_id,
        "emergency_spend": scenario.emergency_spend,
        "emergency_admissions": scenario.emergency_admissions,
        "shift_percent": scenario.shift_share * HUNDRED,
        "years": scenario.years,
        "profile": scenario.profile,
        "step_year": scenario.step_year,
        "community_percent": scenario.community_share * HUNDRED,
        "double_running_percent": scenario.double_running_share * HUNDRED,
        "double_running_years": scenario.double_running_years,
        "intervention": scenario.intervention_id,
        "effect_percent": round(scenario.effect_mean * 100, 4),
        "effect_sd_percent": round(scenario.effect_sd * 100, 4),
        "draws": scenario.draws,
        "seed": scenario.seed,
        "threshold_percent": scenario.threshold * HUNDRED,
        "allocation": ", ".join(scenario.allocation or []),
    }
    data.update({f"base_{s}": (scenario.base_spend or {}).get(s) for s in SETTINGS})
    return data


def _form_page(request, form, scenario=None) -> HttpResponse:
    title = f"Change {scenario.name}" if scenario else "New resource-shift scenario"
    context = {
        "form": form,
        "scenario": scenario,
        "title": title,
        "breadcrumbs": LIST_CRUMBS,
        "base_fields": [form[f"base_{s}"] for s in SETTINGS],
    }
    return render(request, "payor/scenario_form.html", context, status=400 if form.errors else 200)


def _save(request, form, save) -> HttpResponse | None:
    if not (request.method == "POST" and form.is_valid()):
        return None
    try:
        scenario = save(form.action_data())
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            name = {"shift_share": "shift_percent", "effect_mean": "effect_percent"}.get(
                field, field
            )
            form.add_error(name if name in form.fields else None, errors)
        return None
    messages.success(request, "Scenario saved. Run it to compute the result.")
    return redirect("payor:scenario-detail", scenario.pk)


@login_required
def scenario_create(request: HttpRequest) -> HttpResponse:
    _require_write(request.user)
    form = ScenarioForm(request.POST or None, user=request.user)
    done = _save(request, form, lambda data: actions.create_scenario(by=request.user, **data))
    return done or _form_page(request, form)


@login_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = queries.scenario_for(request.user, pk)
    _require_write(request.user)
    form = ScenarioForm(request.POST or None, user=request.user, initial=_initial(scenario))
    done = _save(
        request,
        form,
        lambda data: actions.update_scenario(scenario=scenario, by=request.user, **data),
    )
    return done or _form_page(request, form, scenario)


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Inputs, per-year result with charts, and provider impact (a provider sees its own
    line only)."""
    scenario = queries.scenario_for(request.user, pk)
    result = queries.result_for(request.user, scenario)
    can_write = _can_write(request.user)
    context = {
        "scenario": scenario,
        "view": pages.result_view(result),
        "can_write": can_write,
        "can_share": can_write and access.has_permission(request.user, Permission.APPROVE),
        "is_staff": access.is_icb_staff(request.user),
        "providers": Organisation.objects.filter(
            pk__in=[p["organisation_id"] for p in queries.provider_incomes(scenario.icb)]
        )
        if can_write
        else [],
        "shared_ids": set(scenario.shared_with.values_list("pk", flat=True)),
        "inputs": {
            "shift": pages.percent(scenario.shift_share),
            "community": pages.percent(scenario.community_share),
            "double_running": pages.percent(scenario.double_running_share),
            "effect": pages.percent(scenario.effect_mean),
            "effect_sd": pages.percent(scenario.effect_sd),
            "emergency_spend": pages.money(scenario.emergency_spend),
        },
        "breadcrumbs": LIST_CRUMBS,
    }
    return render(request, "payor/scenario_detail.html", context)


@login_required
@require_POST
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = queries.scenario_for(request.user, pk)
    _require_write(request.user)
    run = actions.run_scenario(scenario=scenario, by=request.user)
    messages.success(request, "The scenario is being computed.")
    return redirect("run-detail", run.pk)


@login_required
@require_POST
def scenario_share(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = queries.scenario_for(request.user, pk)
    _require_write(request.user)
    ids = [int(v) for v in request.POST.getlist("organisations") if v.isdigit()]
    try:
        actions.share_scenario(
            scenario=scenario,
            by=request.user,
            organisations=list(Organisation.objects.filter(pk__in=ids)),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sharing saved.")
    return redirect("payor:scenario-detail", scenario.pk)


@login_required
def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Two or more scenarios side by side."""
    ids = [int(v) for v in request.GET.getlist("ids") if v.isdigit()]
    chosen = list(queries.scenarios_for(request.user).filter(pk__in=ids))
    if len(chosen) < 2:
        messages.error(request, "Choose at least two scenarios to compare.")
        return redirect("payor:scenarios")
    columns = pages.comparison([(s, queries.result_for(request.user, s)) for s in chosen])
    context = {"columns": columns, "breadcrumbs": LIST_CRUMBS}
    return render(request, "payor/scenario_compare.html", context)
