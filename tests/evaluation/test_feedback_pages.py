"""Feedback pages and actions: who sees what, responding, CSV import all-or-nothing,
disclosure on small groups, coding with themes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.models import AuditEvent
from evaluation.feedback import actions, coding
from evaluation.models import Coding, FeedbackResponse

pytestmark = pytest.mark.django_db
QUESTIONS = actions.build_questions(
    ["I could get an appointment when I needed one", "Staff listened to me"],
    ["What could be better?"],
)


@pytest.fixture
def survey(universe):
    return actions.create_survey(
        by=universe.commissioner,
        title="Same-day access survey",
        audience="service_users",
        questions=QUESTIONS,
        provider=universe.provider_a,
    )


def _respond(by, survey, n, score=5, kind="service_user", text="Waiting times too long"):
    for _ in range(n):
        actions.submit_response(
            by=by,
            survey=survey,
            answers={"q1": score, "q2": 4, "q3": text},
            respondent_kind=kind,
        )


def url(name, survey):
    return reverse(f"evaluation:feedback-{name}", args=[survey.pk])


@pytest.mark.parametrize("name", ["detail", "respond", "import", "coding"])
def test_pages_refuse_outsider_and_other_provider(universe, client_for, survey, name):
    for persona in (universe.outsider, universe.provider_b_rep):
        assert client_for(persona).get(url(name, survey)).status_code == 404


def test_staff_only_pages_refuse_addressed_provider(universe, client_for, survey):
    client = client_for(universe.provider_a_rep)
    assert client.get(url("detail", survey)).status_code == 200
    assert client.get(url("import", survey)).status_code == 404
    assert client.get(url("coding", survey)).status_code == 404
    assert client.get(reverse("evaluation:feedback-create")).status_code == 404


def test_list_shows_only_visible_surveys(universe, client_for, survey):
    assert (
        survey.title
        in client_for(universe.analyst).get(reverse("evaluation:feedback-list")).content.decode()
    )
    for persona in (universe.outsider, universe.provider_b_rep, universe.partner):
        page = client_for(persona).get(reverse("evaluation:feedback-list")).content.decode()
        assert survey.title not in page


def test_commissioner_creates_survey_in_browser(universe, client_for):
    client = client_for(universe.commissioner)
    page = client.post(
        reverse("evaluation:feedback-create"),
        {"title": "Staff survey", "audience": "staff", "likert": "I feel supported\n", "text": ""},
    )
    assert page.status_code == 302
    assert AuditEvent.objects.filter(verb="feedback.create_survey").exists()
    empty = client.post(reverse("evaluation:feedback-create"), {"title": "X", "audience": "staff"})
    assert "Add at least one Likert statement" in empty.content.decode()


def test_provider_submits_response_through_form(universe, client_for, survey):
    client = client_for(universe.provider_a_rep)
    page = client.post(
        url("respond", survey), {"respondent_kind": "carer", "q1": "4", "q3": "Kind staff"}
    )
    assert page.status_code == 302
    response = FeedbackResponse.objects.get()
    assert response.source == "form" and response.answers == {"q1": 4, "q3": "Kind staff"}
    assert response.submitted_by_organisation == universe.provider_a


def test_closed_survey_refuses_responses(universe, client_for, survey):
    actions.set_survey_open(by=universe.commissioner, survey=survey, is_open=False)
    page = client_for(universe.provider_a_rep).get(url("respond", survey))
    assert page.status_code == 403


def test_csv_import_is_all_or_nothing(universe, client_for, survey):
    client = client_for(universe.analyst)
    header = "Id,I could get an appointment when I needed one,Staff listened to me,q3\n"
    bad = header + "1,Agree,Agree,ok\n2,Agree,Kind of,ok\n"
    page = client.post(url("import", survey), {"file": SimpleUploadedFile("r.csv", bad.encode())})
    assert "Row 3, column &#x27;Staff listened to me&#x27;" in page.content.decode()
    assert FeedbackResponse.objects.count() == 0
    good = header + "1,Agree,Strongly agree,ok\n2,1,5,\n"
    page = client.post(url("import", survey), {"file": SimpleUploadedFile("r.csv", good.encode())})
    assert page.status_code == 302
    assert FeedbackResponse.objects.filter(source="csv").count() == 2


def test_summary_exact_for_staff_controlled_for_provider(universe, client_for, survey):
    _respond(universe.commissioner, survey, 23, kind="service_user")
    _respond(universe.commissioner, survey, 5, kind="carer", score=1)
    staff = client_for(universe.commissioner).get(url("detail", survey)).content.decode()
    assert "82.1 (64.4 to 92.1)" in staff  # 23 of 28 agree, exact
    provider = client_for(universe.provider_a_rep).get(url("detail", survey)).content.decode()
    assert "82.1" not in provider and "small-number rules" in provider
    assert "83.3" in provider  # 25 of 30 from the rounded parts


def test_breakdown_hides_small_group_for_staff(universe, client_for, survey):
    _respond(universe.commissioner, survey, 10, kind="service_user")
    _respond(universe.commissioner, survey, 3, kind="carer", score=1)
    page = client_for(universe.commissioner).get(url("detail", survey)).content.decode()
    breakdown = page.split('id="breakdown"')[1].split("Themes in the comments")[0]
    assert "Carer or family member" in breakdown and '">0.0 (' not in breakdown


def test_coding_assign_remove_and_accept_suggestion(universe, client_for, survey):
    _respond(universe.commissioner, survey, 4, text="Waiting times for appointments too long")
    client = client_for(universe.commissioner)
    page = client.get(url("coding", survey) + "?suggest=1").content.decode()
    assert "Accept as theme" in page
    ids = list(FeedbackResponse.objects.values_list("pk", flat=True))
    client.post(
        url("coding-action", survey),
        {"action": "accept", "name": "Waiting times", "item": [f"{i}:q3" for i in ids]},
    )
    assert Coding.objects.filter(theme__name="Waiting times").count() == 4
    found = Coding.objects.first()
    client.post(url("coding-action", survey), {"action": "remove", "coding": found.pk})
    assert Coding.objects.count() == 3
    client.post(
        url("coding-action", survey),
        {
            "action": "assign",
            "response": found.response_id,
            "question": "q3",
            "theme": found.theme_id,
        },
    )
    assert Coding.objects.count() == 4


def test_theme_quotes_hidden_for_small_theme(universe, client_for, survey):
    _respond(universe.commissioner, survey, 3, text="Parking is impossible")
    theme = coding.create_theme(by=universe.commissioner, survey=survey, name="Parking")
    for response in FeedbackResponse.objects.all():
        coding.assign_theme(
            by=universe.commissioner, response=response, question_key="q3", theme=theme
        )
    page = client_for(universe.commissioner).get(url("detail", survey)).content.decode()
    assert "Too few comments to quote" in page and "Parking is impossible" not in page
