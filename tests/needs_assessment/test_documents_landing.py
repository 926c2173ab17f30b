"""The stage 1 home: where the ICB stands and the next step, for each persona."""

from datetime import date

import pytest
from django.urls import reverse

from commissioning.models import SnapshotStatus
from needs_assessment.documents import actions
from needs_assessment.models import DataUpload, ProfileStatus, UploadStatus
from tests import factories as f
from tests.needs_assessment.test_documents_world import make_cycles, make_profile, make_world

pytestmark = pytest.mark.django_db
URL = "/needs-assessment/"


def _page(client_for, user) -> str:
    response = client_for(user).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{reverse("needs_assessment:landing")}" aria-current="page"' in html
    return html


def test_no_cycle_asks_for_one(client_for, universe):
    html = _page(client_for, universe.commissioner)
    assert "Set up the commissioning cycle" in html


def test_no_data_asks_for_an_upload(client_for, universe):
    make_cycles(universe)
    html = _page(client_for, universe.commissioner)
    assert "Load a person-level dataset" in html and "None loaded yet" in html


def test_rejected_upload_asks_for_a_fix(client_for, universe):
    make_cycles(universe)
    DataUpload.objects.create(
        icb=universe.north,
        kind="person_level",
        file="uploads/x",
        original_name="people.csv",
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        status=UploadStatus.REJECTED,
    )
    html = _page(client_for, universe.analyst)
    assert "Fix the file and upload it again" in html and "people.csv" in html
    assert "Rejected" in html


def test_loaded_data_without_a_profile_asks_for_one(client_for, universe):
    make_cycles(universe)
    f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.CURRENT, row_count=1603)
    html = _page(client_for, universe.commissioner)
    assert "Compute the needs profile" in html and "1,603 people" in html


def test_profile_being_computed(client_for, universe):
    make_cycles(universe)
    make_profile(universe, status=ProfileStatus.COMPUTING)
    assert "Wait for the needs profile" in _page(client_for, universe.commissioner)


def test_ready_profile_asks_to_start_the_ina(client_for, universe):
    make_cycles(universe)
    make_profile(universe)
    html = _page(client_for, universe.commissioner)
    assert "Start the 2026/27 needs assessment" in html
    assert reverse("needs_assessment:ina-list") in html


def test_draft_asks_to_finish_and_approve(client_for, universe):
    world = make_world(universe)
    html = _page(client_for, universe.commissioner)
    assert "Finish version 1 of the needs assessment" in html
    assert reverse("needs_assessment:ina-detail", args=[world.v1.pk]) in html


def test_approved_leads_to_strategy(client_for, universe):
    world = make_world(universe)
    actions.approve(assessment=world.v1, by=universe.commissioner)
    html = _page(client_for, universe.commissioner)
    assert "Raise strategy priorities from the findings" in html
    assert reverse("strategy:landing") in html


def test_newer_profile_asks_for_a_new_version(client_for, universe):
    world = make_world(universe)
    actions.approve(assessment=world.v1, by=universe.commissioner)
    world.profile.snapshot.status = SnapshotStatus.SUPERSEDED
    world.profile.snapshot.save()
    make_profile(universe, model=world.profile.segmentation_model)
    html = _page(client_for, universe.commissioner)
    assert "Update the needs assessment with the new figures" in html


def test_partner_sees_only_the_approved_ina(client_for, universe):
    world = make_world(universe)
    html = _page(client_for, universe.partner)
    assert "not published yet" in html
    assert "Latest uploads" not in html and "North INA" not in html
    actions.approve(assessment=world.v1, by=universe.commissioner)
    html = _page(client_for, universe.partner)
    assert "Read the 2026/27 needs assessment" in html and "North INA, version 1" in html


def test_provider_sees_nothing_of_the_icb(client_for, universe):
    world = make_world(universe)
    actions.approve(assessment=world.v1, by=universe.commissioner)
    html = _page(client_for, universe.provider_a_rep)
    assert "North INA" not in html and "Latest uploads" not in html
    assert "nothing of this stage is shared with provider organisations" in html


def test_outsider_sees_only_their_own_icb(client_for, universe):
    make_world(universe)
    html = _page(client_for, universe.outsider)
    assert "North INA" not in html and "1,603" not in html
    assert "South ICB" in html


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url
