"""Writes to segmentation models: copy, edit (and versioning), publish, starting runs."""

import pytest

from commissioning.models import (
    AuditEvent,
    Run,
    Segment,
    SegmentationModel,
    SnapshotStatus,
)
from needs_assessment.segmentation import actions
from needs_assessment.segmentation.actions import SegmentationError, SegmentsInvalid
from tests import factories as f

pytestmark = pytest.mark.django_db

GM = "Greater Manchester population segmentation"


@pytest.fixture
def library():
    return SegmentationModel.objects.get(icb=None, name=GM)


@pytest.fixture
def draft(universe, library):
    return actions.copy_model(
        model=library, icb=universe.north, name="North segments", by=universe.commissioner
    )


def _codes(model) -> list[str]:
    return list(model.segments.order_by("priority").values_list("code", flat=True))


def test_copy_model_makes_an_icb_draft_with_the_same_segments(universe, library, draft):
    assert draft.icb == universe.north and draft.version == 1
    assert draft.is_published is False and draft.based_on == library
    assert draft.created_by == universe.commissioner
    assert actions.segments_of(draft) == actions.segments_of(library)
    assert draft.source.startswith("Copied from Greater Manchester population segmentation v1")
    event = AuditEvent.objects.get(verb="segmentation_model.copy")
    assert event.actor == universe.commissioner and event.object_id == str(draft.pk)
    assert event.data["copied_from"] == library.pk


def test_copy_model_refuses_a_duplicate_name_and_another_icbs_model(universe, library, draft):
    with pytest.raises(SegmentationError, match="already has a model called 'north segments'"):
        actions.copy_model(
            model=library, icb=universe.north, name="north segments", by=universe.analyst
        )
    with pytest.raises(SegmentationError, match="Only library models and your ICB's own"):
        actions.copy_model(model=draft, icb=universe.south, name="Stolen", by=universe.outsider)
    with pytest.raises(SegmentationError, match="Enter a name"):
        actions.copy_model(model=library, icb=universe.north, name="  ", by=universe.analyst)
    assert SegmentationModel.objects.filter(icb=universe.south).count() == 0


def test_update_segments_changes_a_draft_in_place_keeping_segment_rows(universe, draft):
    before = {s.code: s.pk for s in draft.segments.all()}
    segments = actions.segments_of(draft)
    segments[0], segments[1] = segments[1], segments[0]  # frailty before palliative
    segments[2]["name"] = "Cancer (any stage)"
    del segments[3]  # homeless_substance
    saved = actions.update_segments(model=draft, segments=segments, by=universe.analyst)
    assert saved.pk == draft.pk and saved.version == 1
    assert _codes(saved)[:3] == ["frailty", "palliative", "cancer"]
    assert "homeless_substance" not in _codes(saved)
    after = {s.code: s.pk for s in saved.segments.all()}
    assert after["cancer"] == before["cancer"]  # same row: links to it survive
    assert saved.segments.get(code="cancer").name == "Cancer (any stage)"


def test_editing_a_published_model_makes_a_new_draft_version(universe, draft):
    actions.publish_model(model=draft, by=universe.commissioner)
    published_segments = actions.segments_of(draft)
    segments = actions.segments_of(draft)
    segments.insert(0, {"code": "eol", "name": "End of life", "rule": {"flag": "palliative"}})
    new = actions.update_segments(model=draft, segments=segments, by=universe.analyst)
    assert new.pk != draft.pk
    assert (new.name, new.version, new.based_on, new.is_published) == (
        draft.name,
        2,
        draft,
        False,
    )
    draft.refresh_from_db()
    assert draft.is_published and actions.segments_of(draft) == published_segments
    assert _codes(new)[0] == "eol" and new.segments.get(code="eol").colour == "#005eb8"
    # A second edit of the published version is refused while the draft exists.
    with pytest.raises(SegmentationError, match="Version 2 of North segments is already a draft"):
        actions.update_segments(model=draft, segments=segments, by=universe.analyst)
    # Publishing v2 then editing it makes v3.
    actions.publish_model(model=new, by=universe.commissioner)
    v3 = actions.update_segments(model=new, segments=published_segments, by=universe.analyst)
    assert v3.version == 3 and v3.based_on == new


def test_update_segments_reports_every_problem_by_segment_and_saves_nothing(universe, draft):
    segments = actions.segments_of(draft)
    segments[1]["rule"] = {"any": [{"flag": "cancer"}, {"flag": "canser"}]}
    segments[2]["code"] = "Has Spaces"
    segments[3]["colour"] = "orange"
    before = actions.segments_of(draft)
    with pytest.raises(SegmentsInvalid) as caught:
        actions.update_segments(model=draft, segments=segments, by=universe.analyst)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "Segment 2 (Frailty): rule.any[1].flag: unknown flag 'canser'",
        "Segment 3 (Cancer): the code must be 1 to 40 lower-case letters, digits, _ or -, "
        "starting with a letter or digit (for example multiple_ltc)",
        "Segment 4 (Homelessness and substance misuse): the colour must be a hex colour such "
        "as #005eb8",
    ]
    assert actions.segments_of(draft) == before
    assert not AuditEvent.objects.filter(verb="segmentation_model.update_segments").exists()


def test_update_segments_refuses_a_model_that_misses_people(universe, draft):
    segments = actions.segments_of(draft)[:-1]  # drop "good health" (everyone else)
    with pytest.raises(SegmentsInvalid) as caught:
        actions.update_segments(model=draft, segments=segments, by=universe.analyst)
    [problem] = caught.value.problems
    assert str(problem) == (
        "Segment 7 (Single long-term condition): the last segment must catch everyone left, "
        'or some people would be in no segment: give it the rule "Everyone else" '
        '({"all": []}).'
    )
    assert len(_codes(draft)) == 8


def test_library_models_are_never_edited_or_published(universe, library):
    with pytest.raises(SegmentationError, match="is a library model"):
        actions.update_segments(
            model=library, segments=actions.segments_of(library), by=universe.analyst
        )
    with pytest.raises(SegmentationError, match="published already"):
        actions.publish_model(model=library, by=universe.analyst)


def test_publish_model_checks_again_and_only_once(universe, draft):
    Segment.objects.filter(model=draft, code="good_health").update(rule={"flag": "copd"})
    with pytest.raises(SegmentsInvalid, match="the last segment must catch everyone"):
        actions.publish_model(model=draft, by=universe.commissioner)
    Segment.objects.filter(model=draft, code="good_health").update(rule={"all": []})
    actions.publish_model(model=draft, by=universe.commissioner)
    draft.refresh_from_db()
    assert draft.is_published
    assert AuditEvent.objects.filter(verb="segmentation_model.publish").count() == 1
    with pytest.raises(SegmentationError, match="is published already"):
        actions.publish_model(model=draft, by=universe.commissioner)


def test_start_runs_record_the_segments_as_they_are(universe, library, draft):
    snapshot = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.CURRENT)
    run = actions.start_segmentation_run(model=draft, snapshot=snapshot, by=universe.analyst)
    assert run.kind == "segmentation_run" and run.icb == universe.north
    assert run.parameters["snapshot_id"] == snapshot.pk
    assert run.parameters["model"]["segments"] == actions.segments_of(draft)
    assert run.parameters["model"]["label"] == "North segments v1"
    compare = actions.start_segmentation_compare(
        model_a=library, model_b=draft, snapshot=snapshot, by=universe.analyst
    )
    assert compare.parameters["model_a"]["id"] == library.pk
    assert compare.parameters["model_b"]["id"] == draft.pk
    assert Run.objects.filter(kind__startswith="segmentation").count() == 2


def test_start_runs_refuse_unloaded_data_and_other_icbs(universe, library, draft):
    loading = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.LOADING)
    with pytest.raises(SegmentationError, match="is loading: only loaded data"):
        actions.start_segmentation_run(model=library, snapshot=loading, by=universe.analyst)
    south = f.PopulationSnapshotFactory(icb=universe.south, status=SnapshotStatus.CURRENT)
    with pytest.raises(SegmentationError, match="belongs to another ICB"):
        actions.start_segmentation_run(model=draft, snapshot=south, by=universe.outsider)
    with pytest.raises(SegmentationError, match="two different models"):
        actions.start_segmentation_compare(
            model_a=draft, model_b=draft, snapshot=south, by=universe.analyst
        )
    assert not Run.objects.filter(kind__startswith="segmentation").exists()
