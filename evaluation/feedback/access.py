"""Scopes of the feedback part's models (registered with commissioning.access.scope).

ICB staff see their ICB's surveys, responses, themes and codings. A provider or partner
sees only the surveys addressed to their organisation (`provider`), the themes of those
surveys, and the responses their own organisation entered; codings (which point at raw
comments) are ICB staff's only. Everyone else sees nothing (404).
"""

from django.db.models import QuerySet

from commissioning.access import home_icb_id, is_icb_staff, scope, visible_to
from evaluation.models import Coding, FeedbackResponse, FeedbackSurvey, Theme


@scope(FeedbackSurvey)
def _surveys(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(icb_id=user.icb.pk)
    if user.organisation_id:
        return qs.filter(provider_id=user.organisation_id, icb_id=home_icb_id(user))
    return qs.none()


@scope(FeedbackResponse)
def _responses(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(survey__icb_id=user.icb.pk)
    if user.organisation_id:
        return qs.filter(
            survey__in=visible_to(user, FeedbackSurvey),
            submitted_by_organisation_id=user.organisation_id,
        )
    return qs.none()


@scope(Theme)
def _themes(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(icb_id=user.icb.pk)
    return qs.filter(survey__in=visible_to(user, FeedbackSurvey))


@scope(Coding)
def _codings(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(theme__icb_id=user.icb.pk)
    return qs.none()
