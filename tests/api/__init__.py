"""Helpers for the REST API tests: clients for personas, and North's objects.

The `universe` fixture (tests/conftest.py) gives the ICBs, organisations, contracts and
personas; `north_objects` adds one of each other scoped object for North, so a test can
check that every endpoint keeps them from the wrong people.
"""

from types import SimpleNamespace

from rest_framework.test import APIClient

from commissioning.api import tokens
from commissioning.models import (
    FindingStatus,
    Segment,
    SegmentationModel,
    SnapshotStatus,
)
from tests import factories as f

API = "/api/v1"


def token_client(user) -> APIClient:
    """An API client that sends a freshly issued token for `user`."""
    issued = tokens.issue_token(user=user, name="test", by=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.raw}")
    return client


def session_client(user, *, enforce_csrf_checks: bool = False) -> APIClient:
    """An API client signed in through the browser session, as the website would be."""
    client = APIClient(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def north_objects(universe) -> SimpleNamespace:
    """One of each scoped object for North ICB (ours), beyond the universe's contracts."""
    snapshot = f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=1603
    )
    model = SegmentationModel.objects.create(icb=universe.north, name="North segments")
    Segment.objects.create(
        model=model, priority=1, code="frail", name="Frailty", rule={"flag": "palliative"}
    )
    Segment.objects.create(model=model, priority=2, code="rest", name="Rest", rule={"all": []})
    indicator = f.IndicatorFactory(code="EMADM", unit="per 100,000")
    value = f.IndicatorValueFactory(
        indicator=indicator, area=universe.place, numerator=5, denominator=1603, value=311.9
    )
    cycle = f.CycleFactory(icb=universe.north)
    finding = f.FindingFactory(cycle=cycle, status=FindingStatus.APPROVED)
    run = f.RunFactory(icb=universe.north, started_by=universe.analyst)
    return SimpleNamespace(
        snapshot=snapshot,
        segmentation_model=model,
        indicator=indicator,
        indicator_value=value,
        cycle=cycle,
        finding=finding,
        run=run,
    )


def detail_urls(universe, objects) -> dict[str, str]:
    """The detail URL of each of North's objects, by endpoint."""
    return {
        "areas": f"{API}/areas/{universe.place.pk}/",
        "organisations": f"{API}/organisations/{universe.provider_a.pk}/",
        "contracts": f"{API}/contracts/{universe.contract_a.pk}/",
        "snapshots": f"{API}/snapshots/{objects.snapshot.pk}/",
        "segmentation-models": f"{API}/segmentation-models/{objects.segmentation_model.pk}/",
        "indicator-values": f"{API}/indicator-values/{objects.indicator_value.pk}/",
        "cycles": f"{API}/cycles/{objects.cycle.pk}/",
        "findings": f"{API}/findings/{objects.finding.pk}/",
        "runs": f"{API}/runs/{objects.run.pk}/",
    }


LIST_ENDPOINTS = [
    "areas",
    "organisations",
    "contracts",
    "snapshots",
    "segmentation-models",
    "indicators",
    "indicator-values",
    "cycles",
    "findings",
    "runs",
    "auth/tokens",
]


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
