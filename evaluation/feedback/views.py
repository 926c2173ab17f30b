"""Pages of the feedback part: thin doors onto feedback.queries, actions and coding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning import access
from evaluation.feedback import actions, forms, importing, queries
from evaluation.models import FeedbackSurvey

BREADCRUMBS = [("Home", "home"), ("Evaluation", "evaluation:landing")]
LIST_CRUMB = ("Feedback", "evaluation:feedback-list")


def _survey(request, pk) -> FeedbackSurvey:
    return access.get_visible_or_404(request.user, FeedbackSurvey, pk=pk)


def _staff_survey(request, pk) -> FeedbackSurvey:
    """Pages only ICB staff may use: 404 to anyone else (as for objects out of scope)."""
    if not access.is_icb_staff(request.user):
        raise Http404("Not found")
    return _survey(request, pk)


def _crumbs(survey=None):
    crumbs = [*BREADCRUMBS, LIST_CRUMB]
    if survey:
        crumbs.append((survey.title, reverse("evaluation:feedback-detail", args=[survey.pk])))
    return crumbs


def _apply_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def survey_list(request):
    context = {
        "surveys": queries.visible_surveys(request.user),
        "is_staff": access.is_icb_staff(request.user),
        "breadcrumbs": BREADCRUMBS,
    }
    return render(request, "evaluation/feedback_list.html", context)


@login_required
def survey_create(request):
    if not access.is_icb_staff(request.user):
        raise Http404("Not found")
    form = forms.SurveyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = actions.create_survey(
                by=request.user,
                title=data["title"],
                audience=data["audience"],
                description=data["description"],
                questions=actions.build_questions(
                    data["likert"].splitlines(), data["text"].splitlines()
                ),
                provider=data["provider"],
                interventions=data["interventions"],
                outcomes=data["outcomes"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Survey {survey.title!r} created and open for responses.")
            return redirect("evaluation:feedback-detail", pk=survey.pk)
    context = {"form": form, "breadcrumbs": [*BREADCRUMBS, LIST_CRUMB]}
    return render(request, "evaluation/feedback_create.html", context)


@login_required
def survey_detail(request, pk):
    survey = _survey(request, pk)
    grouping = request.GET.get("by", "respondent_kind")
    context = {
        "survey": survey,
        "is_staff": access.is_icb_staff(request.user),
        "may_submit": actions.may_submit(request.user, survey),
        "groupings": queries.GROUPINGS,
        "themes": queries.theme_summary(request.user, survey),
        "breadcrumbs": _crumbs(),
        **queries.survey_summary(request.user, survey, grouping=grouping),
    }
    return render(request, "evaluation/feedback_detail.html", context)


@login_required
@require_POST
def survey_open(request, pk):
    survey = _staff_survey(request, pk)
    actions.set_survey_open(by=request.user, survey=survey, is_open=not survey.is_open)
    messages.success(request, "Survey reopened." if not survey.is_open else "Survey closed.")
    return redirect("evaluation:feedback-detail", pk=pk)


@login_required
def survey_respond(request, pk):
    survey = _survey(request, pk)
    if not actions.may_submit(request.user, survey):
        raise PermissionDenied("This survey is closed or you cannot respond to it.")
    form = forms.ResponseForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.submit_response(
                by=request.user,
                survey=survey,
                answers={key: data[key] for key in form.question_keys},
                respondent_kind=data["respondent_kind"],
                area=data["area"],
                age_band=data["age_band"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Response saved. Thank you.")
            return redirect("evaluation:feedback-respond", pk=pk)
    context = {"survey": survey, "form": form, "breadcrumbs": _crumbs(survey)}
    return render(request, "evaluation/feedback_respond.html", context)


@login_required
def survey_import(request, pk):
    survey = _staff_survey(request, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = actions.import_responses(
                by=request.user, survey=survey, text=form.cleaned_data["file"]
            )
        except importing.ImportProblem as problem:
            problems = problem.messages
        else:
            messages.success(request, f"Imported {count:,} responses.")
            return redirect("evaluation:feedback-detail", pk=pk)
    context = {
        "survey": survey,
        "form": form,
        "problems": problems[:50],
        "more_problems": max(0, len(problems) - 50),
        "breadcrumbs": _crumbs(survey),
    }
    return render(request, "evaluation/feedback_import.html", context)
