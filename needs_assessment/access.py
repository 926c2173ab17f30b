"""Who sees what of stage 1 (registered with commissioning.access)."""

from django.db.models import QuerySet

from commissioning.access import home_icb_id, is_icb_staff, is_partner, scope, visible_to
from needs_assessment.models import (
    DataUpload,
    INAStatus,
    InsightRecord,
    NeedsAssessment,
    NeedsAssessmentFinding,
    NeedsAssessmentSection,
    NeedsProfile,
    ProfileAggregate,
)


@scope(DataUpload)
def _uploads(user, qs: QuerySet) -> QuerySet:
    """Uploads (and their validation reports) are for the ICB's own staff."""
    return qs.filter(icb_id=user.icb.pk) if is_icb_staff(user) else qs.none()


@scope(InsightRecord)
def _insight(user, qs: QuerySet) -> QuerySet:
    return qs.filter(icb_id=user.icb.pk) if is_icb_staff(user) else qs.none()


@scope(NeedsAssessment)
def _assessments(user, qs: QuerySet) -> QuerySet:
    """ICB staff see every version; partners read approved (published) ones of their ICB."""
    if is_icb_staff(user):
        return qs.filter(icb_id=user.icb.pk)
    if is_partner(user):
        return qs.filter(icb_id=home_icb_id(user), status=INAStatus.APPROVED)
    return qs.none()


@scope(NeedsAssessmentSection)
def _sections(user, qs: QuerySet) -> QuerySet:
    return qs.filter(assessment__in=visible_to(user, NeedsAssessment))


@scope(NeedsAssessmentFinding)
def _finding_links(user, qs: QuerySet) -> QuerySet:
    return qs.filter(assessment__in=visible_to(user, NeedsAssessment))


@scope(NeedsProfile)
def _profiles(user, qs: QuerySet) -> QuerySet:
    """ICB staff see all their profiles; partners those behind an approved INA."""
    if is_icb_staff(user):
        return qs.filter(snapshot__icb_id=user.icb.pk)
    if is_partner(user):
        published = NeedsAssessment.objects.filter(
            icb_id=home_icb_id(user), status=INAStatus.APPROVED
        ).values("profile_id")
        return qs.filter(pk__in=published)
    return qs.none()


@scope(ProfileAggregate)
def _aggregates(user, qs: QuerySet) -> QuerySet:
    return qs.filter(profile__in=visible_to(user, NeedsProfile))
