"""The feedback API: scopes, submitting responses, summaries with disclosure control,
themes and codings."""

import pytest
from rest_framework.test import APIClient

from evaluation.feedback import actions, coding
from evaluation.models import Coding, FeedbackResponse

pytestmark = pytest.mark.django_db
BASE = "/api/v1/evaluation/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def survey(universe):
    survey = actions.create_survey(
        by=universe.commissioner,
        title="Access survey",
        audience="community",
        questions=actions.build_questions(["Easy to get help"], ["Anything else?"]),
        provider=universe.provider_a,
    )
    for i in range(10):
        actions.submit_response(
            by=universe.commissioner,
            survey=survey,
            answers={"q1": 4 + i % 2, "q2": "Private note"},
            respondent_kind="community",
        )
    return survey


def test_outsider_and_other_provider_get_404(universe, survey):
    for persona in (universe.outsider, universe.provider_b_rep):
        client = api(persona)
        assert client.get(f"{BASE}feedback-surveys/{survey.pk}/").status_code == 404
        assert client.get(f"{BASE}feedback-surveys/{survey.pk}/summary/").status_code == 404
        assert client.get(f"{BASE}feedback-responses/").json()["count"] == 0


def test_provider_never_reads_others_free_text(universe, survey):
    client = api(universe.provider_a_rep)
    assert client.get(f"{BASE}feedback-responses/").json()["count"] == 0
    posted = client.post(
        f"{BASE}feedback-responses/",
        {
            "survey": survey.pk,
            "respondent_kind": "carer",
            "answers": {"q1": 2, "q2": "Mine"},
        },
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    listed = client.get(f"{BASE}feedback-responses/").json()
    assert listed["count"] == 1 and listed["results"][0]["answers"]["q2"] == "Mine"
    assert client.get(f"{BASE}feedback-codings/").json()["count"] == 0


def test_bad_response_is_400_with_field(universe, survey):
    posted = api(universe.provider_a_rep).post(
        f"{BASE}feedback-responses/",
        {
            "survey": survey.pk,
            "respondent_kind": "carer",
            "answers": {"q1": "Sort of"},
        },
        format="json",
    )
    assert posted.status_code == 400 and "q1" in posted.json()
    assert FeedbackResponse.objects.count() == 10


def test_summary_exact_for_staff_controlled_for_provider(universe, survey):
    staff = api(universe.analyst).get(f"{BASE}feedback-surveys/{survey.pk}/summary/").json()
    assert staff["summary"][0]["n"] == 10 and staff["summary"][0]["pct_agree"] == 100.0
    provider = (
        api(universe.provider_a_rep).get(f"{BASE}feedback-surveys/{survey.pk}/summary/").json()
    )
    assert provider["controlled"] and provider["summary"][0]["n"] == 10
    assert provider["summary"][0]["count_4"] == "*"  # 5 of 10 suppressed


def test_staff_create_survey_theme_and_coding(universe, survey):
    client = api(universe.commissioner)
    made = client.post(
        f"{BASE}feedback-surveys/",
        {
            "title": "Staff survey",
            "audience": "staff",
            "questions": [{"kind": "likert", "text": "I feel supported"}],
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["questions"][0]["key"] == "q1"
    theme = client.post(
        f"{BASE}feedback-themes/", {"survey": survey.pk, "name": "Privacy"}, format="json"
    ).json()
    response = FeedbackResponse.objects.first()
    coded = client.post(
        f"{BASE}feedback-codings/",
        {"response": response.pk, "question_key": "q2", "theme": theme["id"]},
        format="json",
    )
    assert coded.status_code == 201
    assert client.delete(f"{BASE}feedback-codings/{coded.json()['id']}/").status_code == 204
    assert not Coding.objects.exists()


def test_provider_cannot_create_or_code(universe, survey):
    client = api(universe.provider_a_rep)
    made = client.post(
        f"{BASE}feedback-surveys/",
        {
            "title": "X",
            "audience": "staff",
            "questions": [{"kind": "likert", "text": "Y"}],
        },
        format="json",
    )
    assert made.status_code == 403
    theme = coding.create_theme(by=universe.commissioner, survey=survey, name="T")
    coded = client.post(
        f"{BASE}feedback-codings/",
        {"response": FeedbackResponse.objects.first().pk, "question_key": "q2", "theme": theme.pk},
        format="json",
    )
    assert coded.status_code == 403


def test_demo_seeder_is_idempotent(universe):
    from evaluation.feedback.demo import seed_demo

    first = seed_demo(icb=universe.north, by=universe.commissioner)
    assert "150 responses" in first and "4 themes" in first
    assert "already there" in seed_demo(icb=universe.north, by=universe.commissioner)
    assert Coding.objects.count() > 50
