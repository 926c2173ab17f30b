"""A resource-shift scenario computed by a real Celery worker."""

from decimal import Decimal as D

import pytest

from commissioning.models import RunStatus
from payor.models import ScenarioStatus
from payor.scenarios import actions
from tests.conftest import wait_for_run

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_scenario_runs_in_worker(celery_worker_process, universe):
    scenario = actions.create_scenario(
        by=universe.commissioner,
        name="Worker scenario",
        emergency_spend=D("1000000"),
        emergency_admissions=400,
        shift_share=D("0.05"),
        years=3,
        profile="linear",
        double_running_share=D("0.6"),
        double_running_years=2,
        effect_mean=0.4,
        effect_sd=0.1,
        draws=1000,
        seed=11,
    )
    run = actions.run_scenario(scenario=scenario, by=universe.analyst)
    wait_for_run(run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.COMPUTED
    assert [row["moved"] for row in scenario.result["years"]] == [
        "16666.67",
        "33333.33",
        "50000.00",
    ]
    assert [row["double_running"] for row in scenario.result["years"]] == [
        "10000.00",
        "20000.00",
        "0.00",
    ]
    assert run.result["flagged_providers"] == 2
