"""Writes of the feedback part. Keyword-only with an explicit actor (`by=user`), one
transaction each, an AuditEvent row inside it; bad input raises ValidationError with a
message per field (or per CSV row and column) and nothing is saved.

Who may write: ICB staff create surveys, enter paper responses, import CSVs and code
comments; a provider or partner may submit responses to an open survey addressed to
their organisation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning import access
from commissioning.models import Area, AuditEvent, Organisation
from evaluation.feedback import importing
from evaluation.models import (
    AgeBand,
    Audience,
    FeedbackResponse,
    FeedbackSurvey,
    RespondentKind,
    ResponseSource,
)

MAX_QUESTIONS = 40


def _audit(by, verb: str, obj, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"feedback.{verb}",
        object_type=f"evaluation.{obj._meta.model_name}",
        object_id=str(obj.pk),
        data=data,
    )


def _require_staff(by) -> None:
    if not access.is_icb_staff(by):
        raise PermissionDenied("Only the ICB's commissioners and analysts can do this.")


def build_questions(likert: list[str], text: list[str]) -> list[dict]:
    """Questions from statement lists: Likert items first (q1, q2 ...), then free text."""
    lines = [("likert", s.strip()) for s in likert if s.strip()]
    lines += [("text", s.strip()) for s in text if s.strip()]
    return [{"key": f"q{i}", "kind": k, "text": t[:300]} for i, (k, t) in enumerate(lines, 1)]


@transaction.atomic
def create_survey(
    *,
    by,
    title: str,
    audience: str,
    questions: list[dict],
    description: str = "",
    provider: Organisation | None = None,
    interventions=(),
    outcomes=(),
) -> FeedbackSurvey:
    """A new open survey of the actor's ICB, linked to interventions and outcomes of its
    strategies and optionally addressed to a provider or partner organisation."""
    _require_staff(by)
    icb = by.icb
    errors = {}
    if not title.strip():
        errors["title"] = "Give the survey a title."
    if audience not in Audience.values:
        errors["audience"] = "Choose who the survey is for: staff, communities or service users."
    if not questions:
        errors["questions"] = "Add at least one Likert statement or free-text question."
    elif len(questions) > MAX_QUESTIONS:
        errors["questions"] = f"A survey can have at most {MAX_QUESTIONS} questions."
    if provider and not access.visible_to(by, Organisation).filter(pk=provider.pk).exists():
        errors["provider"] = "Choose an organisation your ICB works with."
    bad = [i for i in interventions if i.priority.strategy.icb_id != icb.pk]
    bad += [o for o in outcomes if o.priority.strategy.icb_id != icb.pk]
    if bad:
        errors["interventions"] = "Link only interventions and outcomes of your ICB's strategies."
    if errors:
        raise ValidationError(errors)
    survey = FeedbackSurvey.objects.create(
        icb=icb,
        title=title.strip()[:200],
        description=description.strip(),
        audience=audience,
        questions=questions,
        provider=provider,
        created_by=by,
    )
    survey.interventions.set(list(interventions))
    survey.outcomes.set(list(outcomes))
    _audit(by, "create_survey", survey, title=survey.title)
    return survey


@transaction.atomic
def set_survey_open(*, by, survey: FeedbackSurvey, is_open: bool) -> FeedbackSurvey:
    """Open or close a survey to new responses."""
    _require_staff(by)
    survey = access.get_visible_or_404(by, FeedbackSurvey.objects.select_for_update(), pk=survey.pk)
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    _audit(by, "open_survey" if is_open else "close_survey", survey)
    return survey


def may_submit(user, survey: FeedbackSurvey) -> bool:
    """ICB staff of the survey's ICB, or a provider/partner it is addressed to, while open."""
    if not survey.is_open or not access.visible_to(user, FeedbackSurvey).filter(pk=survey.pk):
        return False
    return access.is_icb_staff(user) or access.has_permission(
        user, access.Permission.SUBMIT_FEEDBACK
    )


def _answers(survey: FeedbackSurvey, answers: dict, errors: dict) -> dict:
    clean = {}
    for q in survey.questions:
        value = answers.get(q["key"])
        if value in (None, ""):
            continue
        if q["kind"] == "likert":
            try:
                clean[q["key"]] = importing.likert_score(str(value))
            except ValueError as exc:
                errors[q["key"]] = f"{q['text']}: {exc}."
        else:
            clean[q["key"]] = str(value).strip()[:4000]
    if not clean and not errors:
        errors["answers"] = "Answer at least one question."
    return clean


def _groups(survey, respondent_kind, area, age_band, errors) -> None:
    if respondent_kind not in RespondentKind.values:
        errors["respondent_kind"] = "Choose who is responding."
    if area is not None and area.icb_id != survey.icb_id:
        errors["area"] = "Choose a place in the survey's ICB."
    if age_band and age_band not in AgeBand.values:
        errors["age_band"] = "Choose an age band from the list."


@transaction.atomic
def submit_response(
    *,
    by,
    survey: FeedbackSurvey,
    answers: dict,
    respondent_kind: str,
    area: Area | None = None,
    age_band: str = "",
) -> FeedbackResponse:
    """One anonymous response. ICB staff entries are recorded as paper responses."""
    if not may_submit(by, survey):
        raise PermissionDenied("This survey is closed or not addressed to you.")
    errors: dict = {}
    clean = _answers(survey, answers, errors)
    _groups(survey, respondent_kind, area, age_band, errors)
    if errors:
        raise ValidationError(errors)
    source = ResponseSource.PAPER if access.is_icb_staff(by) else ResponseSource.FORM
    response = FeedbackResponse.objects.create(
        survey=survey,
        respondent_kind=respondent_kind,
        area=area,
        age_band=age_band or "",
        answers=clean,
        source=source,
        submitted_by_organisation_id=by.organisation_id,
        submitted_at=timezone.now(),
    )
    _audit(by, "submit_response", response, survey=survey.pk, source=source)
    return response


def import_choices(survey: FeedbackSurvey) -> importing.Choices:
    """What the CSV group columns may say: kinds, the ICB's places and age bands."""
    kinds = {v: v for v in RespondentKind.values}
    kinds |= {label.lower(): v for v, label in RespondentKind.choices}
    places = Area.objects.filter(icb_id=survey.icb_id, level__in=["place", "neighbourhood"])
    areas = {a.name.lower(): a.pk for a in places} | {a.code.lower(): a.pk for a in places}
    ages = {v.lower(): v for v in AgeBand.values} | {lab.lower(): v for v, lab in AgeBand.choices}
    return importing.Choices(kinds=kinds, areas=areas, age_bands=ages)


@transaction.atomic
def import_responses(*, by, survey: FeedbackSurvey, text: str, mapping: dict | None = None) -> int:
    """Every row of a survey tool's CSV export as responses, all or none. ImportProblem
    (a ValueError with `messages` naming rows and columns) when any row is wrong."""
    _require_staff(by)
    survey = access.get_visible_or_404(by, FeedbackSurvey, pk=survey.pk)
    rows = importing.read_responses(text, survey.questions, import_choices(survey), mapping)
    now = timezone.now()
    FeedbackResponse.objects.bulk_create(
        FeedbackResponse(
            survey=survey,
            source=ResponseSource.CSV,
            submitted_by_organisation_id=by.organisation_id,
            submitted_at=now,
            **row,
        )
        for row in rows
    )
    _audit(by, "import_responses", survey, rows=len(rows))
    return len(rows)
