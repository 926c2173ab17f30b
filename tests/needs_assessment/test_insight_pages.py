"""Insight pages and API: list with search, the create and edit forms (ICB staff only),
and refusals for everyone else."""

from datetime import date

import pytest
from django.urls import reverse

from needs_assessment.models import InsightRecord
from tests.api import session_client, token_client
from tests.needs_assessment.test_documents_world import insight_record

pytestmark = pytest.mark.django_db
API = "/api/v1/needs-assessment/insight"


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def record(universe):
    return insight_record(universe, areas=[universe.place])


def test_list_shows_records_and_searches(client_for, universe, record):
    insight_record(universe, group="Young people", themes="night", summary="No help at night.")
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:insight-list")
    html = _text(client.get(url))
    assert "Carers of people with dementia" in html and "Young people" in html
    assert html.count("<h1") == 1 and "<label" in html
    assert 'for="id_q"' in html and 'for="id_theme"' in html
    found = _text(client.get(url, {"q": "night"}))
    assert "Young people" in found and "Carers of people" not in found
    assert "1</strong> insight record match" in found.replace("\n", "")
    by_area = _text(client.get(url, {"area": universe.place.pk}))
    assert "Carers of people" in by_area and "Young people" not in by_area
    by_theme = _text(client.get(url, {"theme": "respite"}))
    assert "Carers of people" in by_theme and "Young people" not in by_theme


def test_list_reports_a_bad_filter(client_for, universe, record):
    response = client_for(universe.analyst).get(
        reverse("needs_assessment:insight-list"), {"date_from": "not a date"}
    )
    assert response.status_code == 200
    assert "Enter a real date for From." in _text(response)


def test_create_form_saves_a_record(client_for, universe):
    client = client_for(universe.analyst)
    url = reverse("needs_assessment:insight-create")
    page = _text(client.get(url))
    assert "Separate themes with commas" in page and 'name="areas"' in page
    response = client.post(
        url,
        {
            "source": "partner",
            "date": "2026-02-10",
            "group": "North Council housing team",
            "themes": "housing, damp,  housing",
            "summary": "Damp homes bring children to A&E.",
            "quote": "",
            "areas": [universe.neighbourhood.pk],
        },
    )
    record = InsightRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("needs_assessment:insight-detail", args=[record.pk])
    assert record.themes == ["housing", "damp"] and record.date == date(2026, 2, 10)
    assert list(record.areas.all()) == [universe.neighbourhood]
    detail = _text(client.get(response.url))
    assert "North Council housing team" in detail and "Riverside East" in detail


def test_create_form_errors_are_listed_and_nothing_is_saved(client_for, universe):
    response = client_for(universe.analyst).post(
        reverse("needs_assessment:insight-create"),
        {"source": "", "date": "2099-01-01", "group": "", "themes": "", "summary": ""},
    )
    html = _text(response)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Choose where this insight came from." in html and "Enter a summary." in html
    assert not InsightRecord.objects.exists()


def test_edit_form(client_for, universe, record):
    client = client_for(universe.commissioner)
    url = reverse("needs_assessment:insight-edit", args=[record.pk])
    page = _text(client.get(url))
    assert 'value="respite, transport"' in page
    response = client.post(
        url,
        {
            "source": "healthwatch",
            "date": "2026-03-14",
            "group": record.group,
            "themes": "respite",
            "summary": "Updated.",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.summary == "Updated." and record.themes == ["respite"]
    assert not record.areas.exists()


@pytest.mark.parametrize("persona", ["partner", "provider_a_rep"])
def test_insight_pages_refuse_non_staff(client_for, universe, record, persona):
    client = client_for(getattr(universe, persona))
    assert client.get(reverse("needs_assessment:insight-list")).status_code == 403
    assert client.get(reverse("needs_assessment:insight-create")).status_code == 403
    assert client.post(reverse("needs_assessment:insight-create"), {}).status_code == 403
    detail = reverse("needs_assessment:insight-detail", args=[record.pk])
    edit = reverse("needs_assessment:insight-edit", args=[record.pk])
    assert client.get(detail).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"summary": "x"}).status_code == 404


def test_outsider_gets_an_empty_list_and_404s(client_for, universe, record):
    client = client_for(universe.outsider)
    html = _text(client.get(reverse("needs_assessment:insight-list")))
    assert "Carers of people" not in html and "No insight records have been added yet." in html
    assert (
        client.get(reverse("needs_assessment:insight-detail", args=[record.pk])).status_code == 404
    )
    edit = reverse("needs_assessment:insight-edit", args=[record.pk])
    assert client.post(edit, {"summary": "x"}).status_code == 404
    record.refresh_from_db()
    assert record.summary.startswith("Carers cannot")


def test_anonymous_is_sent_to_login(client, record):
    response = client.get(reverse("needs_assessment:insight-list"))
    assert response.status_code == 302 and "/login/" in response.url


# --------------------------------------------------------------------------- API


def test_api_create_search_and_update(universe):
    client = token_client(universe.analyst)
    created = client.post(
        f"{API}/",
        {
            "source": "survey",
            "date": "2026-01-05",
            "group": "People with COPD",
            "themes": ["breathlessness", "Transport"],
            "summary": "Pulmonary rehab is hard to reach.",
            "areas": [universe.place.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["themes"] == ["breathlessness", "Transport"] and body["areas"] == [
        universe.place.pk
    ]
    found = client.get(f"{API}/", {"q": "rehab"}).json()
    assert [r["id"] for r in found["results"]] == [body["id"]]
    assert client.get(f"{API}/", {"theme": "transport"}).json()["count"] == 1
    assert client.get(f"{API}/", {"source": "healthwatch"}).json()["count"] == 0
    assert client.get(f"{API}/", {"date_after": "2026-02-01"}).json()["count"] == 0
    assert client.get(f"{API}/", {"date_after": "bad"}).status_code == 400
    patched = client.patch(f"{API}/{body['id']}/", {"summary": "Changed."}, format="json")
    assert patched.status_code == 200
    assert patched.json()["summary"] == "Changed." and patched.json()["themes"] == body["themes"]


def test_api_bad_input_names_the_field(universe):
    response = token_client(universe.analyst).post(
        f"{API}/",
        {
            "source": "survey",
            "date": "2026-01-05",
            "group": "g",
            "summary": "s",
            "areas": [universe.south.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "areas" in response.json()
    assert not InsightRecord.objects.exists()


def test_api_refuses_non_staff(universe, record):
    provider = token_client(universe.provider_a_rep)
    assert provider.get(f"{API}/").json()["count"] == 0
    assert provider.get(f"{API}/{record.pk}/").status_code == 404
    response = provider.post(
        f"{API}/",
        {"source": "survey", "date": "2026-01-05", "group": "g", "summary": "s"},
        format="json",
    )
    assert response.status_code == 403
    partner = session_client(universe.partner)
    assert partner.get(f"{API}/").json()["count"] == 0
    assert partner.patch(f"{API}/{record.pk}/", {"summary": "x"}, format="json").status_code == 404
    outsider = token_client(universe.outsider)
    assert outsider.get(f"{API}/{record.pk}/").status_code == 404
    assert outsider.get(f"{API}/").json()["count"] == 0
