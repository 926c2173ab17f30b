"""Writes of theme coding: themes, assigning and removing them on comments, and accepting
a keyword-grouping suggestion as a theme. ICB staff only; audited; atomic."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning import access
from evaluation.feedback.actions import _audit, _require_staff
from evaluation.models import Coding, FeedbackResponse, FeedbackSurvey, Theme


@transaction.atomic
def create_theme(
    *, by, name: str, survey: FeedbackSurvey | None = None, description: str = ""
) -> Theme:
    """A theme for one survey, or for the ICB-wide codebook when `survey` is None."""
    _require_staff(by)
    name = " ".join(name.split())[:120]
    if not name:
        raise ValidationError({"name": "Give the theme a name."})
    if survey is not None:
        survey = access.get_visible_or_404(by, FeedbackSurvey, pk=survey.pk)
    if Theme.objects.filter(icb_id=by.icb.pk, survey=survey, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a theme called {name!r}."})
    theme = Theme.objects.create(
        icb_id=by.icb.pk, survey=survey, name=name, description=description.strip(), created_by=by
    )
    _audit(by, "create_theme", theme, name=name)
    return theme


def _check(by, response: FeedbackResponse, question_key: str, theme: Theme) -> None:
    access.get_visible_or_404(by, FeedbackResponse, pk=response.pk)
    access.get_visible_or_404(by, Theme, pk=theme.pk)
    if theme.survey_id not in (None, response.survey_id):
        raise ValidationError({"theme": "That theme belongs to another survey."})
    question = next((q for q in response.survey.questions if q["key"] == question_key), None)
    if question is None or question["kind"] != "text":
        raise ValidationError({"question_key": "Choose a free-text question of the survey."})
    if not response.answers.get(question_key):
        raise ValidationError({"question_key": "That response has no comment to code."})


@transaction.atomic
def assign_theme(*, by, response: FeedbackResponse, question_key: str, theme: Theme) -> Coding:
    """Code one comment with a theme (doing it twice changes nothing)."""
    _require_staff(by)
    _check(by, response, question_key, theme)
    coding, created = Coding.objects.get_or_create(
        response=response, question_key=question_key, theme=theme, defaults={"coded_by": by}
    )
    if created:
        _audit(by, "assign_theme", coding, theme=theme.pk, response=response.pk)
    return coding


@transaction.atomic
def remove_theme(*, by, coding: Coding) -> None:
    """Take a theme off a comment."""
    _require_staff(by)
    coding = access.get_visible_or_404(by, Coding, pk=coding.pk)
    _audit(by, "remove_theme", coding, theme=coding.theme_id, response=coding.response_id)
    coding.delete()


@transaction.atomic
def accept_suggestion(
    *, by, survey: FeedbackSurvey, name: str, question_key: str, response_ids: list[int]
) -> Theme:
    """Make a suggested keyword group a theme of the survey and code its comments with it
    (reusing an existing theme of that name)."""
    _require_staff(by)
    survey = access.get_visible_or_404(by, FeedbackSurvey, pk=survey.pk)
    name = " ".join(name.split())[:120]
    theme = Theme.objects.filter(icb_id=by.icb.pk, survey=survey, name__iexact=name).first()
    theme = theme or create_theme(by=by, name=name, survey=survey)
    responses = survey.responses.filter(pk__in=response_ids)
    if responses.count() != len(set(response_ids)):
        raise ValidationError({"response_ids": "Some responses are not in this survey."})
    for response in responses:
        assign_theme(by=by, response=response, question_key=question_key, theme=theme)
    return theme
