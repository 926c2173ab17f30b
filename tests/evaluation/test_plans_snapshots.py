"""The snapshot design: prevalence DiD from two population snapshots, aggregated in
PostgreSQL (read_frame) and checked against the hand-computed 2x2 table."""

from datetime import date

import numpy as np
import pytest

from commissioning.models import PopulationSnapshot
from commissioning.person_load import load_people
from evaluation.plans.handlers import evaluate
from tests import factories as f
from tests.evaluation.plans_world import build, make_plan
from tests.people import make_people


def people_with(n_mine, cases_mine, n_theirs, cases_theirs, *, mine, theirs, practice, seed):
    people = make_people(n_mine + n_theirs, lsoa_ids=[mine], practice_ids=[practice], seed=seed)
    people["lsoa_id"] = [mine] * n_mine + [theirs] * n_theirs
    flags = np.zeros(n_mine + n_theirs, dtype=bool)
    flags[:cases_mine] = True
    flags[n_mine : n_mine + cases_theirs] = True
    people["diabetes"] = flags
    return people


@pytest.fixture
def snapshots(universe):
    world = build(universe)
    hood = f.NeighbourhoodFactory(parent=world.lakeside, name="Lakeside North")
    theirs = f.LsoaFactory(parent=hood, imd_decile=5, population=1500)
    practice = f.OrganisationFactory(icb=universe.north, kind="gp_practice", sector="primary_care")
    periods = [(date(2024, 4, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2026, 3, 31))]
    # Intervention 40 -> 30 of 200; comparison 60 -> 57 of 300 (hand table below).
    for seed, ((start, end), (mine_cases, their_cases)) in enumerate(
        zip(periods, [(40, 60), (30, 57)], strict=True)
    ):
        snapshot = f.PopulationSnapshotFactory(
            icb=universe.north, period_start=start, period_end=end
        )
        people = people_with(
            200,
            mine_cases,
            300,
            their_cases,
            mine=universe.lsoa.pk,
            theirs=theirs.pk,
            practice=practice.pk,
            seed=seed + 1,
        )
        load_people(snapshot=snapshot, people=people, by=universe.analyst)
    yield world
    PopulationSnapshot.objects.all().delete()


def test_snapshot_did_matches_the_hand_table(universe, snapshots):
    """Prevalence 20% -> 15% in Riverside, 20% -> 19% in Lakeside: DiD = -5 - (-1) = -4."""
    plan = make_plan(
        snapshots,
        universe,
        method="did",
        source="snapshots",
        condition="diabetes",
        comparison_areas=[snapshots.lakeside],
    )
    estimate, unit = evaluate(plan)
    assert unit == "percentage points"
    assert estimate.effect == pytest.approx(-4.0)
    cells = estimate.details["prevalence_per_100"]
    assert cells == pytest.approx(
        {
            "intervention_before": 20,
            "intervention_after": 15,
            "comparison_before": 20,
            "comparison_after": 19,
        }
    )
    assert estimate.fitted is None
