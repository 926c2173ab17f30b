"""INA pages: the document and its sections, editing with htmx, approval with its
confirmation step, and who may see and do what."""

import re

import pytest
from django.urls import reverse

from commissioning.models import FindingStatus
from needs_assessment.documents import actions
from needs_assessment.models import INAStatus, NeedsAssessment
from tests.needs_assessment.test_documents_world import make_world

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(universe):
    return make_world(universe)


def _text(response) -> str:
    return response.content.decode()


def _detail(world):
    return reverse("needs_assessment:ina-detail", args=[world.v1.pk])


def test_detail_shows_every_section_with_tables_and_intervals(client_for, universe, world):
    response = client_for(universe.commissioner).get(_detail(world))
    html = _text(response)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for title in ("Where the last cycle left us", "Long-term conditions", "Underserved groups"):
        assert title in html
    assert "7.5 (6.3 to 8.9)" in html  # diabetes prevalence with its Wilson interval
    assert "9,375.2 (7,900.1 to 11,012.3)" in html  # emergency admissions DSR
    assert "1,603" in html  # exact people for ICB staff
    assert "Diabetes is common." in html
    assert "Diabetes prevalence is high" in html
    assert "Diabetes prevalence, North ICB</a>:" in html  # the evidence, linked to the profile
    assert 'data-plotly-figure="chart-prevalence"' in html
    assert "<caption" in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_underserved_groups_are_flagged(client_for, universe, world):
    html = _text(client_for(universe.commissioner).get(_detail(world)))
    section = html[html.index('id="underserved"') : html.index('id="quality"')]
    assert "Riverside East" in section and "81.8 (76.6 to 87.3)" in section
    assert "1 of the 1 groups and areas checked used services less than expected" in section
    assert 'data-plotly-figure="chart-underserved-1"' in section


def test_starting_point_shows_previous_cycles_approved_evaluation_findings(
    client_for, universe, world
):
    html = _text(client_for(universe.commissioner).get(_detail(world)))
    start = html.index('id="starting_point"')
    section = html[start : html.index('id="population"')]
    assert "Frailty hubs cut admissions" in section
    assert "fell 12% where hubs opened" in section
    assert "2025/26" in section
    assert "Unapproved evaluation note" not in section
    assert "Last year&#x27;s needs finding" not in section and "needs finding" not in section


def test_starting_point_explains_a_first_cycle(client_for, universe, world):
    world.cycles.current.previous = None
    world.cycles.current.save()
    html = _text(client_for(universe.commissioner).get(_detail(world)))
    assert "first commissioning cycle recorded" in html


def test_partner_sees_controlled_figures_of_an_approved_version(client_for, universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    response = client_for(universe.partner).get(_detail(world))
    html = _text(response)
    assert response.status_code == 200
    assert "rounded to the nearest 5" in html
    assert "1,605" in html and "1,603" not in html
    assert "Edit key findings" not in html and "Write key findings" not in html
    assert "Add a finding" not in html
    # the 0-4 age band has 3 people: suppressed
    population = html.split('id="population"')[1].split("</section>")[0]
    assert "0-4" in population and "*" in population


@pytest.mark.parametrize("persona", ["partner", "provider_a_rep", "outsider"])
def test_draft_is_404_for_everyone_outside_the_icb_staff(client_for, universe, world, persona):
    client = client_for(getattr(universe, persona))
    pk = world.v1.pk
    urls = [
        reverse("needs_assessment:ina-detail", args=[pk]),
        reverse("needs_assessment:ina-print", args=[pk]),
        reverse("needs_assessment:ina-xlsx", args=[pk]),
        reverse("needs_assessment:ina-compare", args=[pk]),
        reverse("needs_assessment:ina-approve", args=[pk]),
        reverse("needs_assessment:ina-summary-edit", args=[pk]),
        reverse("needs_assessment:ina-section", args=[pk, "risk"]),
        reverse("needs_assessment:ina-section-edit", args=[pk, "risk"]),
        reverse("needs_assessment:ina-findings", args=[pk, "risk"]),
        reverse("needs_assessment:ina-finding-add", args=[pk, "risk"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("needs_assessment:ina-section-edit", args=[pk, "risk"]),
        reverse("needs_assessment:ina-approve", args=[pk]),
        reverse("needs_assessment:ina-new-version", args=[pk]),
        reverse("needs_assessment:ina-finding-remove", args=[pk, world.link.pk]),
    ]
    for url in posts:
        assert client.post(url, {"commentary": "x", "confirm": "yes"}).status_code == 404, url
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.DRAFT


@pytest.mark.parametrize("persona", ["provider_a_rep", "outsider"])
def test_approved_version_is_404_for_providers_and_outsiders(client_for, universe, world, persona):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    client = client_for(getattr(universe, persona))
    assert client.get(_detail(world)).status_code == 404
    assert client.get(reverse("needs_assessment:ina-print", args=[world.v1.pk])).status_code == 404


def test_partner_cannot_edit_an_approved_version(client_for, universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    client = client_for(universe.partner)
    pk = world.v1.pk
    assert client.get(reverse("needs_assessment:ina-print", args=[pk])).status_code == 200
    for url in (
        reverse("needs_assessment:ina-section-edit", args=[pk, "risk"]),
        reverse("needs_assessment:ina-finding-add", args=[pk, "risk"]),
        reverse("needs_assessment:ina-summary-edit", args=[pk]),
        reverse("needs_assessment:ina-approve", args=[pk]),
    ):
        assert client.post(url, {"commentary": "x", "confirm": "yes"}).status_code == 403, url
    assert client.post(reverse("needs_assessment:ina-new-version", args=[pk])).status_code == 403
    assert NeedsAssessment.objects.count() == 1


def test_list_shows_versions_by_role(client_for, universe, world):
    url = reverse("needs_assessment:ina-list")
    html = _text(client_for(universe.commissioner).get(url))
    assert "North INA, version 1" in html and "Start a needs assessment" in html
    assert "North INA" not in _text(client_for(universe.partner).get(url))
    assert "North INA" not in _text(client_for(universe.outsider).get(url))
    assert "North INA" not in _text(client_for(universe.provider_a_rep).get(url))
    actions.approve(assessment=world.v1, by=universe.commissioner)
    partner_html = _text(client_for(universe.partner).get(url))
    assert "North INA, version 1" in partner_html
    assert "Start a needs assessment" not in partner_html


def test_create_from_the_list_page(client_for, universe, world):
    client = client_for(universe.analyst)
    response = client.post(
        reverse("needs_assessment:ina-create"),
        {"cycle": world.cycles.current.pk, "profile": world.profile.pk, "title": "Second"},
    )
    v2 = NeedsAssessment.objects.get(version=2)
    assert response.status_code == 302 and response.url == reverse(
        "needs_assessment:ina-detail", args=[v2.pk]
    )
    assert v2.title == "Second" and v2.based_on == world.v1


def test_create_with_a_missing_title_says_so(client_for, universe, world):
    response = client_for(universe.analyst).post(
        reverse("needs_assessment:ina-create"),
        {"cycle": world.cycles.current.pk, "profile": world.profile.pk, "title": ""},
    )
    assert response.status_code == 400
    assert "Enter a title." in _text(response)
    assert NeedsAssessment.objects.count() == 1


def test_htmx_edit_section_round_trip(client_for, universe, world):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:ina-section-edit", args=[world.v1.pk, "risk"])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'hx-post="' in _text(form) and "<html" not in _text(form)
    saved = client.post(url, {"commentary": "Risk sits with the frail."}, **HTMX)
    assert saved.status_code == 200
    assert "Risk sits with the frail." in _text(saved) and "Edit key findings" in _text(saved)
    assert world.v1.sections.get(key="risk").commentary == "Risk sits with the frail."


def test_edit_section_without_javascript_redirects_back(client_for, universe, world):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:ina-section-edit", args=[world.v1.pk, "risk"])
    page = client.get(url)
    assert page.status_code == 200 and _text(page).count("<h1") == 1
    response = client.post(url, {"commentary": "Plain."})
    assert response.status_code == 302 and response.url.endswith("#risk")


def test_unknown_section_is_404(client_for, universe, world):
    url = reverse("needs_assessment:ina-section-edit", args=[world.v1.pk, "nope"])
    assert client_for(universe.analyst).get(url).status_code == 404


def test_add_finding_with_evidence_by_htmx(client_for, universe, world):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:ina-finding-add", args=[world.v1.pk, "activity"])
    form = _text(client.get(url, **HTMX))
    assert "Emergency admissions" in form and 'value="dsr:emergency_admissions||"' in form
    response = client.post(
        url,
        {
            "title": "Emergency admissions are high",
            "summary": "Higher than the region.",
            "area": universe.north.pk,
            "evidence": ["dsr:emergency_admissions||"],
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = _text(response)
    assert "Emergency admissions are high" in html
    assert "Emergency admissions, North ICB</a>:" in html
    assert "9,375.2 (7,900.1 to 11,012.3)" in html
    link = world.v1.finding_links.get(section="activity")
    assert link.evidence[0]["measure"] == "dsr:emergency_admissions"


def test_add_finding_errors_are_shown_in_place(client_for, universe, world):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:ina-finding-add", args=[world.v1.pk, "activity"])
    response = client.post(
        url,
        {"title": "", "summary": "", "area": universe.place.pk, "evidence": []},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#finding-form-activity"
    assert "Enter the finding in a few words." in _text(response)
    response = client.post(
        url,
        {
            "title": "Place rate",
            "summary": "s",
            "area": universe.place.pk,
            "evidence": ["dsr:emergency_admissions||"],
        },
    )
    assert response.status_code == 400
    assert "the needs profile has no figure" in _text(response)
    assert not world.v1.finding_links.filter(section="activity").exists()


def test_remove_finding(client_for, universe, world):
    url = reverse("needs_assessment:ina-finding-remove", args=[world.v1.pk, world.link.pk])
    response = client_for(universe.analyst).post(url, **HTMX)
    assert response.status_code == 200
    assert not world.v1.finding_links.exists()


def test_approval_needs_confirmation(client_for, universe, world):
    client = client_for(universe.commissioner)
    url = reverse("needs_assessment:ina-approve", args=[world.v1.pk])
    page = _text(client.get(url))
    assert "What approval does" in page and "becomes read-only" in page
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Tick the box" in _text(refused)
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.DRAFT
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.APPROVED
    world.link.finding.refresh_from_db()
    assert world.link.finding.status == FindingStatus.APPROVED
    html = _text(client.get(_detail(world)))
    assert "is approved and published to partners" in html
    assert "Approved by" in html and "Write key findings" not in html


def test_analyst_cannot_approve(client_for, universe, world):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:ina-approve", args=[world.v1.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    assert "Approve version" not in _text(client.get(_detail(world)))


def test_new_version_from_an_approved_one(client_for, universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    client = client_for(universe.analyst)
    response = client.post(
        reverse("needs_assessment:ina-new-version", args=[world.v1.pk]),
        {"profile": world.profile.pk},
    )
    v2 = NeedsAssessment.objects.get(version=2)
    assert response.status_code == 302 and v2.based_on == world.v1
    html = _text(client.get(reverse("needs_assessment:ina-detail", args=[v2.pk])))
    assert "Version 1" in html and "Version 2 (this page)" in html


def test_summary_edit(client_for, universe, world):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:ina-summary-edit", args=[world.v1.pk])
    assert client.post(url, {"title": "", "summary": ""}).status_code == 400
    response = client.post(url, {"title": "Renamed", "summary": "Our population is ageing."})
    assert response.status_code == 302
    world.v1.refresh_from_db()
    assert world.v1.title == "Renamed" and world.v1.summary == "Our population is ageing."


def test_anonymous_is_sent_to_login(client, world):
    for name in ("ina-detail", "ina-print", "ina-xlsx", "ina-compare"):
        response = client.get(reverse(f"needs_assessment:{name}", args=[world.v1.pk]))
        assert response.status_code == 302 and "/login/" in response.url
