"""Segmentation pages: who sees and changes what, the rule editor, and result pages."""

import json
import re

import pytest
from django.urls import reverse

from commissioning.models import AuditEvent, Run, RunStatus, SegmentationModel, SnapshotStatus
from needs_assessment.segmentation import actions
from tests import factories as f

pytestmark = pytest.mark.django_db

GM = "Greater Manchester population segmentation"


def url(name: str, *args) -> str:
    return reverse(f"needs_assessment:segmentation-{name}", args=args)


@pytest.fixture
def library():
    return SegmentationModel.objects.get(icb=None, name=GM)


@pytest.fixture
def north_model(universe, library):
    return actions.copy_model(
        model=library, icb=universe.north, name="North segments", by=universe.commissioner
    )


@pytest.fixture
def snapshot(universe):
    return f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=1234
    )


SIZES_RESULT = {
    "snapshot_id": None,
    "model_id": None,
    "model_label": "North segments v1",
    "people": 1240,
    "cost": 2345678.9,
    "unassigned": 0,
    "segments": [
        {"code": "palliative", "name": "Palliative care", "colour": "#330072", "priority": 1,
         "people": 3, "share": 0.24, "cost": 45000.0, "cost_per_head": 15000.0,
         "emergency_admissions": 4, "emergency_admissions_per_1000": 1333.33},
        {"code": "good_health", "name": "Good health", "colour": "#009639", "priority": 2,
         "people": 1237, "share": 99.76, "cost": 2300678.9, "cost_per_head": 1859.89,
         "emergency_admissions": 51, "emergency_admissions_per_1000": 41.23},
    ],
}  # fmt: skip

COMPARE_RESULT = {
    "snapshot_id": None,
    "model_a": {"id": None, "label": "North segments v1"},
    "model_b": {"id": None, "label": "North segments v2"},
    "people": 1240,
    "same_segment": 1236,
    "moved": 4,
    "segments_a": [
        {"code": "palliative", "name": "Palliative care", "colour": "#330072", "people": 3},
        {"code": "good_health", "name": "Good health", "colour": "#009639", "people": 1237},
    ],
    "segments_b": [
        {"code": "palliative", "name": "Palliative care", "colour": "#330072", "people": 6},
        {"code": "good_health", "name": "Good health", "colour": "#009639", "people": 1234},
    ],
    "flows": [
        {"from_code": "palliative", "from_name": "Palliative care", "to_code": "palliative",
         "to_name": "Palliative care", "people": 2},
        {"from_code": "palliative", "from_name": "Palliative care", "to_code": "good_health",
         "to_name": "Good health", "people": 1},
        {"from_code": "good_health", "from_name": "Good health", "to_code": "palliative",
         "to_name": "Palliative care", "people": 4},
        {"from_code": "good_health", "from_name": "Good health", "to_code": "good_health",
         "to_name": "Good health", "people": 1233},
    ],
}  # fmt: skip


def finished_run(universe, snapshot, model, *, kind="segmentation_run", by=None) -> Run:
    if kind == "segmentation_run":
        result = SIZES_RESULT | {"snapshot_id": snapshot.pk, "model_id": model.pk}
        parameters = {"snapshot_id": snapshot.pk, "model": {"id": model.pk, "label": str(model)}}
    else:
        result = COMPARE_RESULT | {"snapshot_id": snapshot.pk}
        frozen = {"id": model.pk, "label": str(model)}
        parameters = {"snapshot_id": snapshot.pk, "model_a": frozen, "model_b": frozen}
    return f.RunFactory(
        kind=kind,
        icb=universe.north,
        started_by=by or universe.analyst,
        status=RunStatus.SUCCEEDED,
        progress=100,
        parameters=parameters,
        result=result,
    )


def chart(html: str, chart_id: str) -> dict:
    """The plotly figure a page wrote with json_script under `chart_id`."""
    match = re.search(rf'id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no chart {chart_id}"
    return json.loads(match.group(1))


# --------------------------------------------------------------------------- access


def test_list_shows_library_to_all_and_icb_models_only_to_that_icb(
    universe, client_for, north_model
):
    for persona in ["commissioner", "analyst", "partner", "outsider", "provider_a_rep"]:
        response = client_for(getattr(universe, persona)).get(url("list"))
        assert response.status_code == 200, persona
        html = response.content.decode()
        assert GM in html and "Bridges to Health" in html
        visible = persona not in ("outsider", "provider_a_rep")  # providers: library only
        assert ("North segments" in html) is visible, persona


def test_outsider_gets_404_on_every_page_of_our_model_and_runs(
    universe, client_for, north_model, snapshot
):
    run = finished_run(universe, snapshot, north_model)
    client = client_for(universe.outsider)
    for name in ["detail", "copy", "edit"]:
        assert client.get(url(name, north_model.pk)).status_code == 404, name
    for name in ["publish", "run", "copy", "edit"]:
        assert client.post(url(name, north_model.pk)).status_code == 404, name
    assert client.get(url("result", run.pk)).status_code == 404
    assert client.get(url("result-status", run.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["provider_a_rep", "partner"])
def test_provider_and_partner_are_refused_changes_and_never_see_results(
    persona, universe, client_for, north_model, library, snapshot
):
    run = finished_run(universe, snapshot, north_model)
    compare = finished_run(universe, snapshot, north_model, kind="segmentation_compare")
    client = client_for(getattr(universe, persona))
    refused = 403 if persona == "partner" else 404  # the ICB's models are not a provider's
    assert client.get(url("edit", north_model.pk)).status_code == refused
    assert client.post(url("edit", north_model.pk), {"order": []}).status_code == refused
    assert client.post(url("publish", north_model.pk)).status_code == refused
    run_response = client.post(url("run", north_model.pk), {"snapshot": snapshot.pk})
    assert run_response.status_code == refused
    assert client.get(url("copy", library.pk)).status_code == 403
    assert client.post(url("copy", library.pk), {"name": "Mine"}).status_code == 403
    assert client.get(url("compare")).status_code == 403
    for pk in (run.pk, compare.pk):
        assert client.get(url("result", pk)).status_code == 404
        assert client.get(url("result-status", pk)).status_code == 404
    north_model.refresh_from_db()
    assert not north_model.is_published
    assert SegmentationModel.objects.filter(name="Mine").count() == 0


def test_signed_out_people_are_sent_to_sign_in(client, north_model):
    for target in [url("list"), url("detail", north_model.pk), url("compare")]:
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_detail_shows_segments_in_words_and_the_buttons_a_role_may_use(
    universe, client_for, north_model, library, snapshot
):
    html = client_for(universe.commissioner).get(url("detail", north_model.pk)).content.decode()
    assert "2 or more long-term conditions" in html and "Palliative care register" in html
    assert "Edit segments" in html and "Publish version 1" in html
    assert "Run North segments version 1" in html
    html = client_for(universe.commissioner).get(url("detail", library.pk)).content.decode()
    assert "Edit segments" not in html and "Copy to your ICB" in html
    html = client_for(universe.partner).get(url("detail", north_model.pk)).content.decode()
    assert "Edit segments" not in html and "Copy to your ICB" not in html
    assert "Run North" not in html


def test_library_models_cannot_be_edited_even_by_icb_staff(universe, client_for, library):
    response = client_for(universe.commissioner).get(url("edit", library.pk))
    assert response.status_code == 403


# --------------------------------------------------------------------------- copy, publish


def test_copy_page_copies_and_opens_the_editor(universe, client_for, library):
    client = client_for(universe.analyst)
    assert client.get(url("copy", library.pk)).status_code == 200
    response = client.post(url("copy", library.pk), {"name": "Our model", "description": ""})
    copy = SegmentationModel.objects.get(icb=universe.north, name="Our model")
    assert response.status_code == 302 and response["Location"] == url("edit", copy.pk)
    response = client.post(url("copy", library.pk), {"name": "our model"})
    assert response.status_code == 200
    assert "Your ICB already has a model called" in response.content.decode()
    assert SegmentationModel.objects.filter(icb=universe.north).count() == 1


def test_publish_page_publishes_a_draft(universe, client_for, north_model):
    response = client_for(universe.commissioner).post(url("publish", north_model.pk))
    assert response.status_code == 302
    north_model.refresh_from_db()
    assert north_model.is_published


# --------------------------------------------------------------------------- the editor


def editor_post(model) -> dict:
    """The edit page's form as the browser would send it, unchanged."""
    from needs_assessment.segmentation import editor

    data: dict[str, list[str]] = {"order": []}
    for form in editor.forms_from_segments(actions.segments_of(model)):
        data["order"].append(form.key)
        for name in ("name", "code", "description", "colour", "kind", "ltc_op", "ltc_value",
                     "field", "field_op", "field_value", "json"):  # fmt: skip
            data[f"{form.key}-{name}"] = [getattr(form, name)]
        data[f"{form.key}-flags"] = form.flags
    return data


def test_edit_page_shows_a_structured_form_per_segment(universe, client_for, north_model):
    html = client_for(universe.analyst).get(url("edit", north_model.pk)).content.decode()
    assert html.count('name="order"') == 8
    assert (
        'id="s0-flags-palliative" name="s0-flags" type="checkbox" value="palliative" checked'
        in (html)
    )
    assert re.search(r'name="s5-kind" type="radio" value="ltc" checked', html)
    assert re.search(r'name="s7-kind" type="radio" value="everyone" checked', html)
    assert "Advanced: the rule as JSON" in html


def test_edit_page_saves_changes_to_a_draft(universe, client_for, north_model):
    data = editor_post(north_model)
    data["s5-ltc_value"] = ["3"]
    data["s2-flags"] = ["cancer", "palliative"]
    response = client_for(universe.analyst).post(url("edit", north_model.pk), data)
    assert response.status_code == 302 and response["Location"] == url("detail", north_model.pk)
    rules = {s.code: s.rule for s in north_model.segments.all()}
    assert rules["multiple_ltc"] == {"count": "ltc", "op": ">=", "value": 3}
    assert rules["cancer"] == {"any": [{"flag": "cancer"}, {"flag": "palliative"}]}


def test_edit_page_shows_each_problem_by_segment_and_saves_nothing(
    universe, client_for, north_model
):
    data = editor_post(north_model)
    data["s1-kind"] = ["advanced"]
    data["s1-json"] = ['{"any": [{"flag": "frailty"}]}']
    data["s2-flags"] = []
    data["s7-kind"] = ["field"]
    data["s7-field"], data["s7-field_op"], data["s7-field_value"] = ["age"], [">="], ["0"]
    response = client_for(universe.analyst).post(url("edit", north_model.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem: nothing has been saved" in html
    assert 'href="#s2-flags-hypertension">Segment 3 (Cancer): choose at least one flag' in html
    # Every problem is shown at once: unreadable rules and the grammar of readable ones.
    assert "Segment 2 (Frailty): rule.any[0].flag: unknown flag &#x27;frailty&#x27;" in html
    assert "Segment 8 (Good health): the last segment must catch everyone left" in html
    assert north_model.segments.get(code="frailty").rule == {
        "field": "frailty",
        "op": ">=",
        "value": 2,
    }


def test_edit_page_moves_adds_and_removes_without_saving(universe, client_for, north_model):
    client = client_for(universe.analyst)
    data = editor_post(north_model) | {"action": ["up:s1"]}
    data["s1-name"] = ["Frail people"]
    html = client.post(url("edit", north_model.pk), data).content.decode()
    assert "Frail people moved up to position 1." in html
    assert html.index('value="s1"') < html.index('value="s0"')
    assert north_model.segments.get(code="frailty").priority == 2  # nothing saved yet
    data = editor_post(north_model) | {"action": ["add"]}
    html = client.post(url("edit", north_model.pk), data).content.decode()
    assert html.count('name="order"') == 9 and "Segment 8 added" in html
    data = editor_post(north_model) | {"action": ["remove:s3"]}
    html = client.post(url("edit", north_model.pk), data).content.decode()
    assert html.count('name="order"') == 7
    assert north_model.segments.count() == 8


def test_editing_a_published_model_saves_a_new_version(universe, client_for, north_model):
    actions.publish_model(model=north_model, by=universe.commissioner)
    client = client_for(universe.analyst)
    assert "Saving makes version 2" in client.get(url("edit", north_model.pk)).content.decode()
    data = editor_post(north_model)
    data["s0-name"] = ["End of life"]
    response = client.post(url("edit", north_model.pk), data)
    new = SegmentationModel.objects.get(icb=universe.north, name="North segments", version=2)
    assert response["Location"] == url("detail", new.pk)
    assert new.segments.get(code="palliative").name == "End of life"
    assert north_model.segments.get(code="palliative").name == "Palliative care"
    # The published version's page and edit page now lead to the draft.
    page = client.get(url("detail", north_model.pk)).content.decode()
    assert "Edit the draft, version 2" in page and f"?a={north_model.pk}&amp;b={new.pk}" in page
    response = client.get(url("edit", north_model.pk))
    assert response.status_code == 302 and response["Location"] == url("edit", new.pk)


# --------------------------------------------------------------------------- runs, results


def test_run_button_starts_a_run_and_shows_its_page(
    universe, client_for, north_model, snapshot, django_capture_on_commit_callbacks
):
    client = client_for(universe.analyst)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url("run", north_model.pk), {"snapshot": snapshot.pk})
    run = Run.objects.get(kind="segmentation_run")
    assert response["Location"] == url("result", run.pk)
    html = client.get(url("result", run.pk)).content.decode()
    assert f'hx-get="{url("result-status", run.pk)}"' in html
    assert "Waiting for a worker" in html
    assert AuditEvent.objects.filter(verb="segmentation_model.run").exists()


def test_run_refuses_a_snapshot_of_another_icb(universe, client_for, north_model):
    south = f.PopulationSnapshotFactory(icb=universe.south, status=SnapshotStatus.CURRENT)
    response = client_for(universe.analyst).post(url("run", north_model.pk), {"snapshot": south.pk})
    assert response.status_code == 302 and not Run.objects.exists()


def test_compare_page_starts_a_comparison(
    universe, client_for, north_model, library, snapshot, django_capture_on_commit_callbacks
):
    client = client_for(universe.commissioner)
    page = client.get(url("compare") + f"?a={north_model.pk}&b={library.pk}").content.decode()
    assert re.search(rf'<option value="{north_model.pk}" selected>', page)
    same = {"model_a": north_model.pk, "model_b": north_model.pk, "snapshot": snapshot.pk}
    html = client.post(url("compare"), same).content.decode()
    assert "Choose a different model or version from the first" in html
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url("compare"), same | {"model_b": library.pk})
    run = Run.objects.get(kind="segmentation_compare")
    assert response["Location"] == url("result", run.pk)


def test_outsider_cannot_compare_with_our_model(universe, client_for, north_model, library):
    south_snapshot = f.PopulationSnapshotFactory(icb=universe.south, status=SnapshotStatus.CURRENT)
    data = {"model_a": north_model.pk, "model_b": library.pk, "snapshot": south_snapshot.pk}
    response = client_for(universe.outsider).post(url("compare"), data)
    assert response.status_code == 200 and "Choose a model" in response.content.decode()
    assert not Run.objects.exists()


def test_sizes_result_page_shows_chart_and_exact_table_to_icb_staff(
    universe, client_for, north_model, snapshot
):
    run = finished_run(universe, snapshot, north_model)
    html = client_for(universe.commissioner).get(url("result", run.pk)).content.decode()
    assert "hx-get" not in html  # finished: no polling
    assert "People in each segment, in priority order" in html
    figure = chart(html, "segment-sizes-chart")
    assert figure["data"][0]["x"] == [3, 1237]
    assert ">1,237<" in html and ">3<" in html and "£15,000.00" in html
    assert "£2,345,679" in html and "1,333.3" in html


def test_result_pages_are_disclosure_controlled_for_anyone_but_icb_staff(
    universe, client_for, north_model, snapshot
):
    # A partner cannot start runs; were one to see a run (they started), counts are controlled.
    run = finished_run(universe, snapshot, north_model, by=universe.partner)
    html = client_for(universe.partner).get(url("result", run.pk)).content.decode()
    assert "Counts are rounded to the nearest 5" in html
    assert ">1,235<" in html and ">1,240<" in html and ">1,237<" not in html
    figure = chart(html, "segment-sizes-chart")
    assert figure["data"][0]["x"] == [None, 1235]
    assert "£15,000.00" not in html and "£45,000" not in html
    compare = finished_run(
        universe, snapshot, north_model, kind="segmentation_compare", by=universe.partner
    )
    html = client_for(universe.partner).get(url("result", compare.pk)).content.decode()
    figure = chart(html, "segment-flow-chart")
    assert figure["data"][0]["link"]["value"] == [1235]  # suppressed flows are not drawn
    assert ">1,233<" not in html and ">1,235<" in html


def test_compare_result_page_shows_sankey_crosstab_and_flows(
    universe, client_for, north_model, snapshot
):
    run = finished_run(universe, snapshot, north_model, kind="segmentation_compare")
    html = client_for(universe.analyst).get(url("result", run.pk)).content.decode()
    assert "How many people move between segments" in html
    figure = chart(html, "segment-flow-chart")
    link = figure["data"][0]["link"]
    assert set(zip(link["source"], link["target"], link["value"], strict=True)) == {
        (0, 2, 2),
        (0, 3, 1),
        (1, 2, 4),
        (1, 3, 1233),
    }
    assert "Moved to a different segment" in html and "4 (0.3%)" in html
    assert re.search(r"<caption[^>]*>People by segment: rows are North segments v1", html)
    assert ">1,233<" in html


def test_result_status_partial_polls_until_finished(universe, client_for, north_model, snapshot):
    run = f.RunFactory(
        kind="segmentation_run",
        icb=universe.north,
        started_by=universe.analyst,
        status=RunStatus.RUNNING,
        progress=40,
        message="Assigning 1,234 people to 8 segments",
        parameters={"snapshot_id": snapshot.pk, "model": {"id": north_model.pk, "label": "x"}},
    )
    client = client_for(universe.commissioner)
    html = client.get(url("result-status", run.pk)).content.decode()
    assert "hx-trigger" in html and "Assigning 1,234 people" in html and 'value="40"' in html
    run.status, run.message = RunStatus.FAILED, "ValueError: boom"
    run.save()
    html = client.get(url("result-status", run.pk)).content.decode()
    assert "hx-trigger" not in html and "The run failed" in html and "boom" in html
