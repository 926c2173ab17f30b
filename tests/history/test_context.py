"""Who is attached to a history event, for each way a change reaches the database: a
signed-in page, the API with a token (DRF authenticates after the middleware has run), a
background run (the person who started it) and a management command (its name)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import Client

from commissioning import runs
from commissioning.api.tokens import issue_token
from commissioning.history.models import ContractEvent, ContractKpiEvent, ContractYearValueEvent
from commissioning.models import Contract, RunStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@runs.run_handler("history_test_retitle")
def _retitle(context):
    Contract.objects.filter(pk=context.parameters["contract"]).update(title="Retitled by a run")
    return {}


class RetitleCommand(BaseCommand):
    def handle(self, *args, **options):
        Contract.objects.filter(reference="N-A-1").update(title="Retitled by a command")


def test_page_edit_records_the_signed_in_user_and_path(universe, client_for):
    contract = universe.contract_a
    url = f"/resource-allocation/finance/contracts/{contract.pk}/"
    client = client_for(universe.commissioner)
    page = client.get(url).content.decode()
    year = next(y for y in range(2020, 2040) if f'name="value_{y}"' in page)
    response = client.post(url, {"form": "year_values", f"value_{year}": "1000.25"})
    assert response.status_code == 302
    event = ContractYearValueEvent.objects.get(contract_id=contract.pk, year=year)
    assert event.pgh_label == "insert"
    assert event.pgh_context == {"user": universe.commissioner.pk, "url": url}


def test_api_write_with_a_token_records_the_token_user(universe):
    indicator = f.IndicatorFactory(code="KPI_H")
    issued = issue_token(user=universe.analyst, by=universe.analyst)
    universe.analyst.role = "commissioner"  # analysts may not manage contracts
    universe.analyst.save()
    client = Client(HTTP_AUTHORIZATION=f"Token {issued.raw}")
    body = {"contract": universe.contract_a.pk, "indicator": indicator.pk, "target": "95"}
    response = client.post(
        "/api/v1/payor/contract-kpis/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    event = ContractKpiEvent.objects.get(pgh_obj_id=response.json()["id"])
    assert event.pgh_context["user"] == universe.analyst.pk
    assert event.pgh_context["url"] == "/api/v1/payor/contract-kpis/"


def test_background_run_records_who_started_it(universe):
    contract = universe.contract_a
    run = runs.start_run(
        kind="history_test_retitle", by=universe.commissioner, parameters={"contract": contract.pk}
    )
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.message
    event = ContractEvent.objects.get(pgh_obj_id=contract.pk, pgh_label="update")
    assert event.title == "Retitled by a run"
    assert event.pgh_context == {"user": universe.commissioner.pk, "run": run.pk}
    assert event.pgh_before["title"] != "Retitled by a run"


def test_management_command_records_its_name(universe):
    call_command(RetitleCommand())
    event = ContractEvent.objects.get(pgh_obj_id=universe.contract_a.pk, pgh_label="update")
    assert event.title == "Retitled by a command"
    assert event.pgh_context == {"command": "test_context"}


def test_change_outside_any_context_is_still_recorded(universe):
    Contract.objects.filter(pk=universe.contract_b.pk).update(title="Straight to the database")
    event = ContractEvent.objects.get(pgh_obj_id=universe.contract_b.pk, pgh_label="update")
    assert event.pgh_context is None and event.title == "Straight to the database"
