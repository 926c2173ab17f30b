"""The worker side: compute a resource-shift scenario and store its result."""

from __future__ import annotations

from decimal import Decimal

from commissioning.runs import RunContext, run_handler
from payor.models import ResourceShiftScenario, ScenarioStatus
from payor.scenarios import analysis, queries
from payor.scenarios.actions import inputs_of
from payor.scenarios.impact import provider_impact


def _plain(value):
    """Decimals as strings, recursively, so the result is JSON."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def compute(scenario: ResourceShiftScenario) -> dict:
    """The scenario's result: per-year rows (analysis.scenario_years) and the provider
    impact (impact.provider_impact) from the ICB's active contracts now."""
    inputs = inputs_of(scenario)
    years = analysis.scenario_years(inputs)
    impact = provider_impact(
        queries.provider_incomes(scenario.icb),
        years,
        Decimal(scenario.community_share),
        Decimal(scenario.threshold),
    )
    return _plain({"years": years, **impact, "threshold": scenario.threshold})


@run_handler(
    "resource_shift",
    label="Resource-shift scenario",
    subject=("scenario_id", "payor:scenario-detail", "See the scenario"),
)
def run_resource_shift(context: RunContext) -> dict:
    """Compute and store a scenario's result; the run's own result is a short summary."""
    scenario = ResourceShiftScenario.objects.select_related("icb").get(
        pk=context.parameters["scenario_id"]
    )
    context.progress(10, f"Computing {scenario.draws:,} draws")
    try:
        result = compute(scenario)
    except Exception:
        ResourceShiftScenario.objects.filter(pk=scenario.pk).update(status=ScenarioStatus.FAILED)
        raise
    ResourceShiftScenario.objects.filter(pk=scenario.pk).update(
        result=result, status=ScenarioStatus.COMPUTED
    )
    flagged = sum(1 for line in result["providers"] if line["flagged"])
    return {"scenario_id": scenario.pk, "years": scenario.years, "flagged_providers": flagged}
