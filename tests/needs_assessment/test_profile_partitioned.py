"""A needs profile computed in partitions by place (profile.partitioned) gives the same
figures as the single-task path, on a few thousand people from the demo generator."""

import json
import time
from unittest import mock

import joblib
import numpy as np
import pandas as pd
import psycopg
import pytest
from django.db import connection

from commissioning.demo import DEMO_ICB_CODE
from commissioning.demo.generator import build_demo, write_demo
from commissioning.demo.loader import load_files
from commissioning.models import Area, PopulationSnapshot, RunStatus, User
from commissioning.runs import execute
from needs_assessment.actions import start_needs_profile
from needs_assessment.analysis import assign_risk_tiers
from needs_assessment.models import ProfileAggregate, ProfileStatus
from needs_assessment.profile import merge, partitioned
from needs_assessment.profile.cube import AreaTree, build_cube
from tests.people import make_people

PEOPLE = 3000
KEYS = ["area_id", "measure", "breakdown", "category"]
FIGURES = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]


@pytest.mark.parametrize("parts", [1, 3, 7])
def test_tier_cuts_give_assign_risk_tiers_tiers_part_by_part(parts):
    rng = np.random.default_rng(3)
    values = rng.integers(0, 40, size=5000).astype(float)  # heavy ties: pseudo id decides
    ids = np.array([f"P{i:06d}" for i in rng.permutation(5000)], dtype=object)
    expected = assign_risk_tiers(pd.DataFrame({"pseudo_id": ids, "predicted_cost": values}))
    # Parts of unequal sizes, each with its own values and ids (stored as text arrays).
    edges = np.sort(rng.choice(np.arange(1, 5000), size=parts - 1, replace=False))
    pieces = np.split(np.arange(5000), edges)
    part_values = [values[piece] for piece in pieces]
    part_ids = [ids[piece].astype(str) for piece in pieces]
    cuts = merge.tier_cuts(part_values, part_ids)
    codes = np.concatenate(
        [merge.tier_codes(v, i, cuts) for v, i in zip(part_values, part_ids, strict=True)]
    )
    assert (merge.tier_names(codes) == expected["tier"].to_numpy()).all()
    assert np.bincount(codes).tolist() == [25, 225, 750, 4000]


def test_tier_cuts_when_a_cut_holds_nobody():
    values, ids = [np.array([5.0, 1.0, 3.0])], [np.array(["b", "a", "c"])]
    cuts = merge.tier_cuts(values, ids, (0.05, 0.5))  # 3 × 5% rounds to 0 people
    assert cuts == [None, (3.0, "c")]
    assert merge.tier_codes(values[0], ids[0], cuts).tolist() == [1, 2, 1]


def test_balanced_parts_have_about_the_same_people():
    people = {10: 500, 11: 400, 12: 300, 13: 300, 14: 200, 15: 100, 16: 100}
    parts = merge.balanced_parts(people, 3)
    assert sorted(h for part in parts for h in part) == sorted(people)
    sizes = sorted(sum(people[h] for h in part) for part in parts)
    assert sizes == [600, 600, 700]
    assert merge.balanced_parts(people, 3) == parts  # the same counts, the same parts
    assert merge.balanced_parts({1: 5, 2: 0}, 6) == [[1], [2]]  # no more parts than areas


def test_merged_cubes_of_places_equal_the_whole_cube():
    people = make_people(2000, lsoa_ids=[1], practice_ids=[1], seed=5)
    people["neighbourhood_id"] = np.resize([10, 11, 12, 13], len(people))
    people["imd_decile"] = np.resize([1, 5, 9], len(people))
    tree = AreaTree.from_pairs(1, [(10, 100), (11, 100), (12, 200), (13, 200)])
    whole = build_cube(people, tree)
    parts = [
        build_cube(people[people["neighbourhood_id"].isin(hoods)], tree)
        for hoods in ([12, 13], [10, 11])
    ]
    merged = merge.merge_cubes(parts)
    pd.testing.assert_frame_equal(merged, whole, check_exact=False, rtol=1e-12)


@pytest.fixture
def demo(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    write_demo(build_demo(seed=11, people=PEOPLE), tmp_path)
    load_files(tmp_path, seed=11, password="not-used-in-tests", summarise=False)  # noqa: S106
    icb = Area.objects.get(code=DEMO_ICB_CODE)
    yield PopulationSnapshot.objects.filter(icb=icb).order_by("period_end").last()
    PopulationSnapshot.objects.all().delete()  # drops the partitions too


def _profile(snapshot, *, partitioned_run: bool):
    analyst = User.objects.get(username="analyst")
    with mock.patch("commissioning.runs._send"):
        profile = start_needs_profile(snapshot=snapshot, by=analyst, partitioned=partitioned_run)
    # No other worker: the coordinator does every item itself; the group's tasks are
    # recorded, not sent.
    with mock.patch.object(partitioned, "_send") as sent:
        run = execute(profile.run_id)
    profile.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert profile.status == ProfileStatus.READY
    return profile, sent


def _assert_same_figures(single, split) -> None:
    one, other = _rows(single), _rows(split)
    assert len(one) == len(other) > 1000
    pd.testing.assert_frame_equal(one[KEYS], other[KEYS])
    for column in FIGURES:
        a = pd.to_numeric(one[column]).to_numpy(dtype=float)
        b = pd.to_numeric(other[column]).to_numpy(dtype=float)
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=column)


def _rows(profile) -> pd.DataFrame:
    rows = ProfileAggregate.objects.filter(profile=profile).values(*KEYS, *FIGURES)
    return pd.DataFrame(list(rows)).sort_values(KEYS).reset_index(drop=True)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_partitioned_profile_equals_single_task_profile(demo, settings):
    single, _ = _profile(demo, partitioned_run=False)
    split, sent = _profile(demo, partitioned_run=True)
    assert single.summary["places"] > 1
    # A group of helper tasks, one per part; the items of the plan, each done once with
    # its start, seconds and process kept.
    parts = len(sent.call_args_list)
    assert parts == min(partitioned.PARTS, single.summary["neighbourhoods"]) and parts > 1
    assert {call.args[:2] for call in sent.call_args_list} == {(split.pk, split.run_id)}
    items = list(partitioned.item_plan(parts, earlier=True))
    assert len(items) == 5 + (3 + partitioned.SCORE_PIECES) * parts
    assert items.index("link:0") < items.index("fit:cost") < items.index("score:0.0")
    assert items.index("score:0.1") < items.index("cuts") < items.index("cells:0")
    records = split.summary["seconds"]["parts"]
    assert set(records) == set(items)
    assert all(r["pid"] == "coordinator" and r["seconds"] >= 0 for r in records.values())
    assert all(0 <= r["start"] <= split.summary["seconds"]["items"] for r in records.values())
    assert all(0 <= r["write"] <= r["seconds"] and r["cpu"] > 0 for r in records.values())
    assert split.run.parameters.get("partitioned") is True
    assert single.run.parameters.get("partitioned") is None

    _assert_same_figures(single, split)
    comparison = ["comparison95", "comparison998", "publishable", "method", "unit"]
    fields = ProfileAggregate.objects.filter(profile=single).values(*KEYS, *comparison)
    split_fields = ProfileAggregate.objects.filter(profile=split).values(*KEYS, *comparison)
    key = lambda row: tuple(str(row[k]) for k in KEYS)  # noqa: E731
    assert sorted(fields, key=key) == sorted(split_fields, key=key)

    assert single.risk_metrics["available"] is True
    timeless = lambda metrics: {k: v for k, v in metrics.items() if k != "fit_seconds"}  # noqa: E731
    assert timeless(split.risk_metrics) == timeless(single.risk_metrics)
    for name in ("people", "cost", "segments", "tiers", "places", "neighbourhoods"):
        assert split.summary[name] == single.summary[name], name
    assert split.aggregates.filter(breakdown="segment_tier").exists()
    # The run's scratch files are gone.
    assert not partitioned.work_folder(split.pk, split.run_id).exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_without_an_earlier_period_the_parts_give_the_same_profile_without_tiers(demo):
    first = PopulationSnapshot.objects.filter(icb=demo.icb).order_by("period_end").first()
    single, _ = _profile(first, partitioned_run=False)
    split, _ = _profile(first, partitioned_run=True)
    assert split.earlier_snapshot_id is None
    assert split.risk_metrics["available"] is False
    assert split.risk_metrics["reason"] == single.risk_metrics["reason"]
    assert split.summary["tiers"] == [] and split.summary["risk_note"]
    records = split.summary["seconds"]["parts"]
    assert not any(item.startswith(("link", "fit", "score", "evaluate")) for item in records)
    _assert_same_figures(single, split)
    for name in ("people", "cost", "segments"):
        assert split.summary[name] == single.summary[name], name


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_an_item_done_already_is_not_done_twice(demo, settings):
    analyst = User.objects.get(username="analyst")
    with mock.patch("commissioning.runs._send"):
        profile = start_needs_profile(snapshot=demo, by=analyst, partitioned=True)
    folder = partitioned.work_folder(profile.pk, profile.run_id)
    # A task of a run that is over (no folder) does nothing.
    assert partitioned.do_item(profile.pk, profile.run_id, "link:0") is False
    folder.mkdir(parents=True)
    plan = {"parts": 1, "plan": partitioned.item_plan(1, earlier=True)}
    joblib.dump(plan | {"started": time.time()}, folder / "plan")
    assert partitioned.do_item(profile.pk, profile.run_id, "link:0") is True
    linked = joblib.load(folder / "link-0")
    assert linked["earlier"] == PEOPLE and 0 < len(linked["hash"]) <= PEOPLE
    assert (np.diff(linked["hash"].astype(np.float64)) >= 0).all()  # in split-hash order
    assert json.loads((folder / "link-0.json").read_text())["item"] == "link:0"
    assert partitioned.do_item(profile.pk, profile.run_id, "link:0") is False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_a_helper_leaves_items_claimed_by_others_and_stops_when_the_run_is_over(demo):
    analyst = User.objects.get(username="analyst")
    with mock.patch("commissioning.runs._send"):
        profile = start_needs_profile(snapshot=demo, by=analyst, partitioned=True)
    # A helper of a run that is over (no folder) returns at once.
    partitioned.work_through(profile.pk, profile.run_id)
    folder = partitioned.work_folder(profile.pk, profile.run_id)
    folder.mkdir(parents=True)
    hoods = list(Area.objects.filter(icb=demo.icb, level="neighbourhood").values_list("pk"))
    plan = {"parts": 1, "plan": {"link:0": [], "prepare:0": []}}
    joblib.dump(plan | {"started": time.time()}, folder / "plan")
    joblib.dump({"parts": [[pk for (pk,) in hoods]]}, folder / "parts")
    # Another session holds link:0: the helper does prepare:0, the only item free, and
    # returns without waiting for link:0.
    params = {**connection.get_connection_params(), "autocommit": True}
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params)
    key = partitioned._lock_key(profile.pk, "link:0")
    other.execute("SELECT pg_advisory_lock(%s, %s)", [partitioned._LOCK_NAMESPACE, key])
    try:
        partitioned.work_through(profile.pk, profile.run_id)
    finally:
        other.close()
    assert (folder / "prepare-0").exists() and not (folder / "link-0").exists()
    # The coordinator waits for nobody: it does the item the other session dropped.
    partitioned.work_through(profile.pk, profile.run_id, context=mock.Mock())
    assert (folder / "link-0").exists()
