"""Writes of resource-shift scenarios: create, update, run (queue the computation on a
worker) and share with providers.

Keyword-only with an explicit actor (`by=user`), one transaction each, an AuditEvent
inside. Only the ICB's commissioners and analysts may write, and only their ICB's
scenarios; sharing is the commissioners'. Bad input raises ValidationError with a
message per field, and nothing is saved.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from commissioning import access
from commissioning.access import Permission
from commissioning.models import AuditEvent, Organisation
from commissioning.runs import start_run
from payor.models import SETTINGS, ResourceShiftScenario, ScenarioStatus
from payor.scenarios import analysis, queries

FIELDS = [
    "name",
    "description",
    "cycle",
    "emergency_spend",
    "emergency_admissions",
    "shift_share",
    "years",
    "profile",
    "step_year",
    "community_share",
    "double_running_share",
    "double_running_years",
    "effect_mean",
    "effect_sd",
    "intervention",
    "draws",
    "seed",
    "threshold",
]


def _audit(by, verb: str, scenario: ResourceShiftScenario, data: dict | None = None) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=verb,
        object_type="resource_shift_scenario",
        object_id=str(scenario.pk),
        data=data or {},
    )


def _require_writer(by, scenario: ResourceShiftScenario | None = None) -> None:
    if not (access.is_icb_staff(by) and access.has_permission(by, Permission.RUN_ANALYSES)):
        raise PermissionDenied("Only the ICB's commissioners and analysts can change scenarios.")
    if scenario is not None and scenario.icb_id != by.icb.pk:
        raise PermissionDenied("This scenario belongs to another ICB.")


def inputs_of(scenario: ResourceShiftScenario) -> analysis.ShiftInputs:
    """The scenario's fields as inputs to the pure arithmetic."""
    return analysis.ShiftInputs(
        base_spend={k: Decimal(str(v)) for k, v in (scenario.base_spend or {}).items()},
        emergency_spend=Decimal(scenario.emergency_spend),
        emergency_admissions=scenario.emergency_admissions,
        shift_share=Decimal(scenario.shift_share),
        years=scenario.years,
        profile=scenario.profile,
        step_year=scenario.step_year,
        community_share=Decimal(scenario.community_share),
        double_running_share=Decimal(scenario.double_running_share),
        double_running_years=scenario.double_running_years,
        effect_mean=float(scenario.effect_mean),
        effect_sd=float(scenario.effect_sd),
        draws=scenario.draws,
        seed=scenario.seed,
        allocation=[Decimal(str(v)) for v in scenario.allocation or []],
    )


def _money_map(values: dict | None, errors: dict) -> dict[str, str] | None:
    if values is None:
        return None
    clean = {}
    for setting in SETTINGS:
        raw = values.get(setting)
        try:
            amount = analysis.pounds(raw if raw not in (None, "") else 0)
        except (InvalidOperation, ValueError):
            errors[f"base_{setting}"] = f"Enter the {setting.replace('_', ' ')} spend in pounds."
            continue
        if amount < 0:
            errors[f"base_{setting}"] = "Spend cannot be negative."
        clean[setting] = str(amount)
    return clean


def _apply(scenario, by, data: dict) -> ResourceShiftScenario:
    """Set the fields, check everything, save (or raise ValidationError)."""
    errors: dict[str, str] = {}
    for name in FIELDS:
        if name in data:
            setattr(scenario, name, data[name])
    if scenario.intervention_id and data.get("effect_mean") in (None, ""):
        scenario.effect_mean = -float(scenario.intervention.expected_effect)
    if scenario.profile != "step":
        scenario.step_year = None
    base = _money_map(data.get("base_spend"), errors)
    if base is not None:
        scenario.base_spend = base
    elif not scenario.base_spend:
        scenario.base_spend = {
            k: str(v) for k, v in queries.default_base_spend(scenario.icb).items()
        }
    if "allocation" in data:
        try:
            scenario.allocation = [str(analysis.pounds(v)) for v in data["allocation"] or []]
        except (InvalidOperation, ValueError, TypeError):
            errors["allocation"] = "Give the allocation as pounds, one number per year."
    if scenario.cycle_id and scenario.cycle.icb_id != scenario.icb_id:
        errors["cycle"] = "Choose one of your ICB's commissioning cycles."
    try:
        scenario.full_clean(exclude=["icb", "created_by", "run", "result"])
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if not errors:
        errors.update(analysis.check(inputs_of(scenario)))
    if errors:
        raise ValidationError(errors)
    scenario.status = ScenarioStatus.DRAFT
    scenario.result = {}
    scenario.save()
    return scenario


@transaction.atomic
def create_scenario(*, by, **data) -> ResourceShiftScenario:
    """A new draft scenario for the actor's ICB. `base_spend` (by setting) defaults to
    the ICB's active contracts grouped by provider sector; `allocation` is a list of
    pounds, one per year, or empty."""
    _require_writer(by)
    scenario = _apply(ResourceShiftScenario(icb=by.icb, created_by=by), by, data)
    _audit(by, "scenario.create", scenario, {"name": scenario.name})
    return scenario


@transaction.atomic
def update_scenario(*, scenario: ResourceShiftScenario, by, **data) -> ResourceShiftScenario:
    """Change a scenario's inputs; its result is cleared until it is run again."""
    _require_writer(by, scenario)
    scenario = ResourceShiftScenario.objects.select_for_update().get(pk=scenario.pk)
    _apply(scenario, by, data)
    _audit(by, "scenario.update", scenario, {"fields": sorted(data)})
    return scenario


@transaction.atomic
def run_scenario(*, scenario: ResourceShiftScenario, by):
    """Queue the computation (run kind "resource_shift") on a worker."""
    _require_writer(by, scenario)
    scenario = ResourceShiftScenario.objects.select_for_update().get(pk=scenario.pk)
    run = start_run(
        kind="resource_shift", by=by, icb=scenario.icb, parameters={"scenario_id": scenario.pk}
    )
    scenario.run = run
    scenario.status = ScenarioStatus.QUEUED
    scenario.save(update_fields=["run", "status", "updated_at"])
    _audit(by, "scenario.run", scenario, {"run": run.pk})
    return run


@transaction.atomic
def share_scenario(*, scenario: ResourceShiftScenario, by, organisations) -> ResourceShiftScenario:
    """Share a scenario with these provider organisations (replacing the list). Each
    provider then sees the scenario with its own line only."""
    _require_writer(by, scenario)
    if not access.has_permission(by, Permission.APPROVE):
        raise PermissionDenied("Only commissioners can share scenarios with providers.")
    ids = {org.pk for org in organisations}
    providers = {row["organisation_id"] for row in queries.provider_incomes(scenario.icb)}
    if ids - providers:
        raise ValidationError(
            {"shared_with": "Share only with providers that hold an active contract with the ICB."}
        )
    scenario.shared_with.set(Organisation.objects.filter(pk__in=ids))
    _audit(by, "scenario.share", scenario, {"organisations": sorted(ids)})
    return scenario
