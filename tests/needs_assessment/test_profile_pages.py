"""Needs profile pages: who sees what, the figures shown, and computing a new profile."""

import pytest
from django.urls import reverse

from commissioning.models import Run, RunStatus, SnapshotStatus
from needs_assessment.models import INAStatus, NeedsAssessment, NeedsProfile, ProfileStatus
from needs_assessment.profile.measures import CONDITION_LABELS
from tests import factories as f
from tests.needs_assessment.test_profile_helpers import ready_profile, two_segment_model

pytestmark = pytest.mark.django_db
CONDITIONS = [f"prevalence:{c}" for c in CONDITION_LABELS]
NOBODY_ELSE = ["provider_a_rep", "provider_b_rep", "outsider"]


@pytest.fixture
def snapshot(universe):
    return f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=400
    )


@pytest.fixture
def profile(universe, snapshot):
    return ready_profile(universe, snapshot)


def publish(universe, profile):
    return NeedsAssessment.objects.create(
        icb=universe.north,
        cycle=f.CycleFactory(icb=universe.north),
        profile=profile,
        title="Our INA",
        status=INAStatus.APPROVED,
    )


def table_row(page: str, label: str) -> list[str]:
    """The texts of the cells in the table row headed `label`."""
    row = page.split(f'scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]
    return [cell.split(">", 1)[1].split("<", 1)[0].strip() for cell in row.split("<td")[1:]]


def pages(profile, universe) -> dict[str, str]:
    args = [profile.pk]
    return {
        "detail": reverse("needs_assessment:profile-detail", args=args),
        "icb": reverse("needs_assessment:profile-area", args=[profile.pk, universe.north.pk]),
        "place": reverse("needs_assessment:profile-area", args=[profile.pk, universe.place.pk]),
        "neighbourhood": reverse(
            "needs_assessment:profile-area", args=[profile.pk, universe.neighbourhood.pk]
        ),
        "breakdown": reverse(
            "needs_assessment:profile-area-breakdown", args=[profile.pk, universe.place.pk]
        )
        + "?by=imd_decile",
        "risk": reverse("needs_assessment:profile-risk", args=args),
        "matrix": reverse("needs_assessment:profile-risk", args=args) + "?show=cost_per_head",
        "status": reverse("needs_assessment:profile-status", args=args),
    }


@pytest.mark.parametrize("persona", ["commissioner", "analyst"])
def test_icb_staff_see_every_page(universe, profile, client_for, persona):
    client = client_for(getattr(universe, persona))
    for name, url in pages(profile, universe).items():
        response = client.get(url)
        expected = 204 if name == "status" else 200
        assert response.status_code == expected, (name, response.status_code)


@pytest.mark.parametrize("persona", NOBODY_ELSE + ["partner"])
def test_others_get_404_for_an_unpublished_profile(universe, profile, client_for, persona):
    client = client_for(getattr(universe, persona))
    for name, url in pages(profile, universe).items():
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize("persona", NOBODY_ELSE)
def test_publishing_does_not_open_profiles_to_providers_or_outsiders(
    universe, profile, client_for, persona
):
    publish(universe, profile)
    client = client_for(getattr(universe, persona))
    for name, url in pages(profile, universe).items():
        assert client.get(url).status_code == 404, name


def test_partner_reads_a_published_profile_with_small_numbers_controlled(
    universe, profile, client_for
):
    publish(universe, profile)
    client = client_for(universe.partner)
    for name, url in pages(profile, universe).items():
        assert client.get(url).status_code in (200, 204), name
    url = pages(profile, universe)["place"]
    partner_page = client.get(url).content.decode()
    staff_page = client_for(universe.analyst).get(url).content.decode()
    assert "Small numbers are controlled" in partner_page
    assert "Small numbers are controlled" not in staff_page
    # A condition whose count is not a multiple of 5 shows rounded to partners only.
    rows = profile.aggregates.filter(area=universe.place, breakdown="", measure__in=CONDITIONS)
    row = next(r for r in rows if int(r.numerator) % 5 and r.numerator >= 8)
    label = CONDITION_LABELS[row.measure.split(":")[1]]
    exact, rounded = int(row.numerator), 5 * round(row.numerator / 5)
    assert table_row(staff_page, label)[0] == str(exact)
    assert table_row(partner_page, label)[0] == str(rounded)


def test_partner_list_shows_only_published_profiles(universe, profile, client_for, snapshot):
    hidden = ready_profile(universe, snapshot)
    publish(universe, profile)
    page = client_for(universe.partner).get(reverse("needs_assessment:profile-list"))
    assert page.status_code == 200
    assert f"/profile/{profile.pk}/" in page.content.decode()
    assert f"/profile/{hidden.pk}/" not in page.content.decode()
    assert b"Compute a new profile" not in page.content


@pytest.mark.parametrize("persona", ["provider_a_rep", "provider_b_rep"])
def test_providers_cannot_open_the_list(universe, client_for, persona):
    response = client_for(getattr(universe, persona)).get(reverse("needs_assessment:profile-list"))
    assert response.status_code == 403


def test_outsider_list_has_none_of_ours(universe, profile, client_for):
    page = client_for(universe.outsider).get(reverse("needs_assessment:profile-list"))
    assert page.status_code == 200 and f"/profile/{profile.pk}/" not in page.content.decode()


def test_area_of_another_icb_is_404(universe, profile, client_for):
    south_place = f.PlaceFactory(parent=universe.south)
    url = reverse("needs_assessment:profile-area", args=[profile.pk, south_place.pk])
    assert client_for(universe.commissioner).get(url).status_code == 404
    lsoa = reverse("needs_assessment:profile-area", args=[profile.pk, universe.lsoa.pk])
    assert client_for(universe.commissioner).get(lsoa).status_code == 404


def test_area_page_shows_figures_with_intervals_and_comparisons(universe, profile, client_for):
    page = client_for(universe.analyst).get(pages(profile, universe)["neighbourhood"])
    text = page.content.decode()
    diabetes = profile.aggregates.get(
        area=universe.neighbourhood, measure="prevalence:diabetes", breakdown=""
    )
    assert f"{diabetes.value:.1f} ({diabetes.lower95:.1f} to {diabetes.upper95:.1f})" in text
    assert "Compared with Riverside" in text
    assert "<h1>Riverside East</h1>" in text
    for heading in ["Population segments", "Long-term conditions", "Use against need"]:
        assert heading in text
    assert "<script>" not in text  # charts are data, drawn by static/js/charts.js


def test_breakdown_partial_swaps_the_tables(universe, profile, client_for):
    url = pages(profile, universe)["breakdown"]
    page = client_for(universe.analyst).get(url).content.decode()
    assert page.startswith("{#") is False and 'id="breakdown-table"' in page
    assert "1 (most deprived)" in page and "<html" not in page


def test_unknown_breakdown_falls_back_to_age_band(universe, profile, client_for):
    url = reverse("needs_assessment:profile-area-breakdown", args=[profile.pk, universe.place.pk])
    page = client_for(universe.analyst).get(url + "?by=postcode").content.decode()
    assert "by age band" in page


def test_risk_page_without_a_model_says_why(universe, snapshot, client_for):
    profile = ready_profile(universe, snapshot, tiers=False)
    page = client_for(universe.analyst).get(pages(profile, universe)["risk"])
    assert page.status_code == 200 and b"No model." in page.content


def test_unfinished_profile_pages_lead_to_its_progress(universe, snapshot, client_for):
    profile = NeedsProfile.objects.create(
        snapshot=snapshot,
        segmentation_model=two_segment_model(universe.north),
        status=ProfileStatus.COMPUTING,
    )
    client = client_for(universe.analyst)
    urls = pages(profile, universe)
    assert client.get(urls["icb"]).url == urls["detail"]
    assert b"being computed" in client.get(urls["detail"]).content
    assert client.get(urls["status"]).status_code == 200


# --------------------------------------------------------------------------- computing


def test_commissioner_starts_a_profile(universe, snapshot, client_for):
    model = two_segment_model(universe.north)
    client = client_for(universe.commissioner)
    form = client.get(reverse("needs_assessment:profile-list")).content.decode()
    assert "Compute a new profile" in form
    response = client.post(
        reverse("needs_assessment:profile-create"),
        {"snapshot": snapshot.pk, "segmentation_model": model.pk},
    )
    profile = NeedsProfile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("needs_assessment:profile-detail", args=[profile.pk])
    assert profile.segmentation_model == model and profile.created_by == universe.commissioner
    assert profile.run.kind == "needs_profile" and profile.run.status == RunStatus.QUEUED
    assert profile.run.parameters == {"profile_id": profile.pk}
    # A second click while it is queued goes to the same profile.
    again = client.post(
        reverse("needs_assessment:profile-create"),
        {"snapshot": snapshot.pk, "segmentation_model": model.pk},
    )
    assert again.url == response.url and NeedsProfile.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the population data to profile"),
        ({"snapshot": "999999"}, "Choose population data from the list"),
        ({"snapshot": "x"}, "Choose population data from the list"),
    ],
)
def test_bad_input_says_what_is_wrong_and_starts_nothing(
    universe, snapshot, client_for, data, message
):
    model = two_segment_model(universe.north)
    response = client_for(universe.analyst).post(
        reverse("needs_assessment:profile-create"), {"segmentation_model": model.pk, **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NeedsProfile.objects.exists() and not Run.objects.exists()


def test_another_icbs_snapshot_or_model_is_refused(universe, snapshot, client_for):
    theirs = f.PopulationSnapshotFactory(icb=universe.south, status=SnapshotStatus.CURRENT)
    their_model = two_segment_model(universe.south, name="South model")
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:profile-create")
    ours = two_segment_model(universe.north)
    first = client.post(url, {"snapshot": theirs.pk, "segmentation_model": ours.pk})
    second = client.post(url, {"snapshot": snapshot.pk, "segmentation_model": their_model.pk})
    assert first.status_code == second.status_code == 400
    assert "Choose a segmentation model from the list" in second.content.decode()
    assert not NeedsProfile.objects.exists()


def test_a_snapshot_still_loading_cannot_be_profiled(universe, client_for):
    loading = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.LOADING)
    response = client_for(universe.analyst).post(
        reverse("needs_assessment:profile-create"),
        {"snapshot": loading.pk, "segmentation_model": two_segment_model(universe.north).pk},
    )
    assert response.status_code == 400 and not NeedsProfile.objects.exists()


@pytest.mark.parametrize("persona", ["partner", "provider_a_rep", "provider_b_rep"])
def test_only_icb_staff_may_compute(universe, snapshot, client_for, persona):
    response = client_for(getattr(universe, persona)).post(
        reverse("needs_assessment:profile-create"),
        {"snapshot": snapshot.pk, "segmentation_model": two_segment_model(universe.north).pk},
    )
    assert response.status_code == 403 and not NeedsProfile.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(universe, profile, client):
    for name, url in pages(profile, universe).items():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, name
    assert client.post(reverse("needs_assessment:profile-create")).status_code == 302
