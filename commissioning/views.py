"""Core pages: the ICB home page, contracts, population snapshots and background runs.

Thin doors: every read is in `commissioning.queries` (through `access.visible_to`), every
write in an action (`start_population_summary`). Objects out of scope answer 404; a
page a role has no use for answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning import access, charts, portal, queries, runs
from commissioning.access import Permission
from commissioning.forms import ContractFilterForm
from commissioning.models import Contract, PopulationSnapshot, Run, SnapshotStatus
from commissioning.population_summary import start_population_summary

SUMMARISABLE = (SnapshotStatus.CURRENT, SnapshotStatus.SUPERSEDED)


def _home_kind(user) -> str:
    """Which home page the user gets: the ICB's, a provider's, a partner's, or none."""
    if access.is_provider(user):
        return "provider"
    if access.is_partner(user):
        return "partner"
    if access.is_icb_staff(user) or (access.is_administrator(user) and user.organisation_id):
        return "icb"
    return "none"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the ICB at a glance for its staff and partners, a provider's own
    contracts for a provider representative."""
    user = request.user
    kind = _home_kind(user)
    icb = queries.home_icb(user)
    context = {"kind": kind, "icb": icb, "cycle": queries.current_cycle(user)}
    if kind == "provider":
        contracts = queries.contracts_for(user)
        totals = queries.contract_totals(contracts)
        context.update(
            contracts=contracts,
            key_figures=_provider_key_figures(user.organisation, totals),
            portal_sections=portal.sections_for(user),
        )
    elif kind in ("icb", "partner") and icb is not None:
        context.update(_icb_overview(user, icb, exact=kind == "icb"))
    return render(request, "commissioning/home.html", context)


def _icb_overview(user, icb, *, exact: bool) -> dict:
    state = queries.summary_state(user, icb)
    places = queries.population_by_place(user, icb, state.summary)
    pyramid = queries.controlled_pyramid(user, state.summary)
    context = {
        "state": state,
        "places": places,
        "place_chart": charts.population_by_place(places.rows) if places.rows else None,
        "pyramid_chart": charts.population_pyramid(pyramid) if pyramid else None,
        "pyramid": pyramid,
    }
    if exact:
        contracts = queries.contract_totals(queries.contracts_for(user, icb))
        context.update(
            key_figures=_icb_key_figures(state.summary, contracts),
            runs=queries.latest_runs(user, icb),
            can_view_snapshots=access.has_permission(user, Permission.VIEW_ICB_DATA),
        )
    return context


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str = ""
    url_name: str = ""


def _icb_key_figures(summary: dict | None, contracts: queries.ContractTotals) -> list[KeyFigure]:
    """The four headline figures of the ICB home page (exact: ICB staff only)."""
    cost = queries.money_from_float(summary.get("cost")) if summary else None
    unknown = "Not yet known"
    return [
        KeyFigure("Registered people", f"{summary['people']:,}" if summary else unknown),
        KeyFigure(
            "Cost of their care in 12 months",
            queries.money_short(cost) if cost is not None else unknown,
            f"£{cost:,.2f}" if cost is not None else "",
        ),
        KeyFigure("Contracts", f"{contracts.count:,}", url_name="contract-list"),
        KeyFigure(
            "Annual value of contracts",
            queries.money_short(contracts.annual_value),
            f"£{contracts.annual_value:,.2f}",
        ),
    ]


def _provider_key_figures(organisation, contracts: queries.ContractTotals) -> list[KeyFigure]:
    return [
        KeyFigure("Contracts", f"{contracts.count:,}", url_name="contract-list"),
        KeyFigure(
            "Annual value",
            queries.money_short(contracts.annual_value),
            f"£{contracts.annual_value:,.2f}",
        ),
        KeyFigure("ODS code", organisation.ods_code),
    ]


# --------------------------------------------------------------------------- contracts


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.has_permission(user, Permission.VIEW_CONTRACTS):
        raise PermissionDenied("Contracts are shown to ICB staff and to the providers in them.")
    contracts = queries.contracts_for(user, queries.home_icb(user))
    form = ContractFilterForm(request.GET or None, user=user, contracts=contracts)
    shown = form.filter(contracts)
    context = {
        "contracts": shown,
        "totals": queries.contract_totals(shown),
        "form": form,
        "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        "is_provider": access.is_provider(user),
        "breadcrumbs": [("Home", "home")],
    }
    return render(request, "commissioning/contract_list.html", context)


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access.get_visible_or_404(
        request.user, Contract.objects.select_related("provider", "commissioner"), pk=pk
    )
    context = {
        "contract": contract,
        "breadcrumbs": [("Home", "home"), ("Contracts", "contract-list")],
    }
    return render(request, "commissioning/contract_detail.html", context)


# --------------------------------------------------------------------------- snapshots


@login_required
def snapshot_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.has_permission(user, Permission.VIEW_ICB_DATA):
        raise PermissionDenied("Population snapshots are shown to ICB staff only.")
    context = {
        "snapshots": queries.snapshots_for(user, queries.home_icb(user)),
        "breadcrumbs": [("Home", "home")],
    }
    return render(request, "commissioning/snapshot_list.html", context)


@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    snapshot = access.get_visible_or_404(
        user, PopulationSnapshot.objects.select_related("icb", "loaded_by"), pk=pk
    )
    runs = queries.summary_runs(user, snapshot)
    summary_run = queries.snapshot_summary_run(user, snapshot)
    summary = summary_run.result if summary_run else None
    pending = runs.filter(status__in=queries.UNFINISHED).first()
    context = {
        "snapshot": snapshot,
        "summary": summary,
        "summary_run": summary_run,
        "summary_cost": queries.money_from_float(summary.get("cost") if summary else None),
        "runs": queries.labelled(runs[:10]),
        "pending_run": pending,
        "can_summarise": snapshot.status in SUMMARISABLE
        and access.has_permission(user, Permission.RUN_ANALYSES, snapshot),
        "breadcrumbs": [("Home", "home"), ("Population data", "snapshot-list")],
    }
    return render(request, "commissioning/snapshot_detail.html", context)


@login_required
@require_POST
def snapshot_summarise(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a population summary of the snapshot (or, if one is already under way, go to
    it rather than start a second) and show its run page."""
    user = request.user
    snapshot = access.get_visible_or_404(user, PopulationSnapshot, pk=pk)
    if not access.has_permission(user, Permission.RUN_ANALYSES, snapshot):
        raise PermissionDenied("Your role cannot run analyses.")
    if snapshot.status not in SUMMARISABLE:
        raise PermissionDenied("Only a loaded snapshot can be summarised.")
    with transaction.atomic():
        # Lock the snapshot so that a double click cannot start two runs side by side.
        PopulationSnapshot.objects.select_for_update().filter(pk=snapshot.pk).first()
        run = queries.summary_runs(user, snapshot).filter(status__in=queries.UNFINISHED).first()
        if run is None:
            run = start_population_summary(snapshot=snapshot, by=user)
    return redirect("run-detail", pk=run.pk)


# --------------------------------------------------------------------------- runs


def _run_context(user, run: Run) -> dict:
    result = run.result if isinstance(run.result, dict) else {}
    return {
        "run": run,
        "kind_label": queries.run_kind_label(run.kind),
        "snapshot": queries.run_snapshot(user, run),
        "subject": runs.subject_link(run),
        "duration": _duration(run),
        "result_people": result.get("people"),
        "result_cost": queries.money_from_float(result.get("cost")),
        "result_places": result.get("by_place") or [],
        "result_items": [
            (key.replace("_", " ").capitalize(), value)
            for key, value in result.items()
            if isinstance(value, str | int | float) and not key.endswith("_id")
        ][:12],
    }


def _duration(run: Run) -> str:
    """How long a finished run took, as a person says it."""
    if not (run.started_at and run.finished_at):
        return ""
    seconds = max(0.0, (run.finished_at - run.started_at).total_seconds())
    if seconds < 60:
        return f"{seconds:.1f} seconds"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s"


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    run = access.get_visible_or_404(user, Run.objects.select_related("started_by"), pk=pk)
    context = _run_context(user, run)
    crumbs = [("Home", "home")]
    if context["snapshot"] is not None:
        crumbs += [
            ("Population data", "snapshot-list"),
            (
                queries.period_label(context["snapshot"]),
                reverse("snapshot-detail", args=[context["snapshot"].pk]),
            ),
        ]
    context["breadcrumbs"] = crumbs
    return render(request, "commissioning/run_detail.html", context)


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status block alone, for htmx to poll; it stops polling once finished."""
    user = request.user
    run = access.get_visible_or_404(user, Run.objects.select_related("started_by"), pk=pk)
    return render(request, "commissioning/_run_status.html", _run_context(user, run))
