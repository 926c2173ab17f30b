"""Segmentation runs and comparisons through a real Celery worker, Redis and PostgreSQL."""

import json

import pandas as pd
import pytest

from commissioning.models import PopulationSnapshot, RunStatus, SegmentationModel
from commissioning.person_load import load_people
from needs_assessment.segmentation import actions, analysis
from tests import factories as f
from tests.api import token_client
from tests.conftest import wait_for_run
from tests.people import make_people

# reference_data: an earlier transactional test's flush takes away the library models
# that a migration loaded; the fixture puts them back.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

GM = "Greater Manchester population segmentation"


@pytest.fixture
def loaded(universe):
    practice = f.OrganisationFactory(icb=universe.north, kind="gp_practice", sector="primary_care")
    affluent = f.LsoaFactory(parent=universe.neighbourhood, imd_decile=9)
    snapshot = f.PopulationSnapshotFactory(icb=universe.north)
    people = make_people(600, lsoa_ids=[universe.lsoa.pk, affluent.pk], practice_ids=[practice.pk])
    load_people(snapshot=snapshot, people=people, by=universe.analyst)
    snapshot.refresh_from_db()
    deciles = {universe.lsoa.pk: universe.lsoa.imd_decile, affluent.pk: 9}
    yield snapshot, people.assign(imd_decile=people["lsoa_id"].map(deciles))
    PopulationSnapshot.objects.all().delete()  # drops the partitions too


@pytest.fixture
def models(universe):
    library = SegmentationModel.objects.get(icb=None, name=GM)
    ours = actions.copy_model(
        model=library, icb=universe.north, name="North deprived first", by=universe.analyst
    )
    segments = actions.segments_of(ours)
    segments.insert(
        0,
        {
            "code": "core20",
            "name": "Core20 with a long-term condition",
            "rule": {
                "all": [
                    {"field": "imd_decile", "op": "<=", "value": 2},
                    {"count": "ltc", "op": ">=", "value": 1},
                ]
            },
        },
    )
    ours = actions.update_segments(model=ours, segments=segments, by=universe.analyst)
    return library, ours


def test_segmentation_run_in_worker_reports_sizes_cost_and_activity(
    celery_worker_process, universe, loaded, models
):
    snapshot, people = loaded
    _, ours = models
    run = actions.start_segmentation_run(model=ours, snapshot=snapshot, by=universe.analyst)
    wait_for_run(run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    result = run.result
    segments = actions.segments_of(ours)
    expected = analysis.assign(segments, people)
    by_code = {row["code"]: row for row in result["segments"]}
    assert result["people"] == 600 and result["unassigned"] == 0
    assert list(by_code) == [s["code"] for s in segments]
    counts = pd.Series(expected).value_counts()
    for code, count in counts[counts > 0].items():
        assert by_code[code]["people"] == count, code
    assert by_code["core20"]["people"] > 0  # the IMD decile came through the LSOA join
    assert sum(row["cost"] for row in result["segments"]) == pytest.approx(
        float(people["cost"].sum()), abs=0.05
    )
    palliative = people[pd.Series(expected) == "palliative"]
    assert by_code["palliative"]["emergency_admissions"] == int(
        palliative["emergency_admissions"].sum()
    )
    assert "pseudo_id" not in json.dumps(result)  # aggregates only
    api = token_client(universe.analyst).get(f"/api/v1/runs/{run.pk}/").json()
    assert api["result"]["segments"][0]["code"] == "core20"


def test_segmentation_compare_in_worker_counts_people_moving(
    celery_worker_process, universe, loaded, models
):
    snapshot, people = loaded
    library, ours = models
    run = actions.start_segmentation_compare(
        model_a=library, model_b=ours, snapshot=snapshot, by=universe.analyst
    )
    wait_for_run(run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    result = run.result
    first = pd.Series(analysis.assign(actions.segments_of(library), people), name="a")
    second = pd.Series(analysis.assign(actions.segments_of(ours), people), name="b")
    expected = pd.crosstab(first, second)
    for flow in result["flows"]:
        want = expected.loc[flow["from_code"], flow["to_code"]] if (
            flow["from_code"] in expected.index and flow["to_code"] in expected.columns
        ) else 0  # fmt: skip
        assert flow["people"] == want, flow
    moved_into_core20 = int((second == "core20").sum())
    assert moved_into_core20 > 0
    assert result["moved"] == moved_into_core20  # only the new first segment moves people
    assert result["same_segment"] == 600 - moved_into_core20
    assert sum(s["people"] for s in result["segments_b"]) == 600
