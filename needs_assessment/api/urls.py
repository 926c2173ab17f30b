"""Stage 1 API routes. Each part registers its viewsets on the one router."""

from commissioning.api.routers import Router
from needs_assessment.api.documents import AssessmentViewSet, FindingLinkViewSet
from needs_assessment.api.insight import InsightViewSet
from needs_assessment.api.profiles import NeedsProfileViewSet, ProfileAggregateViewSet
from needs_assessment.api.segmentation import SegmentationModelViewSet
from needs_assessment.api.uploads import DataUploadViewSet

router = Router()
router.register("segmentation-models", SegmentationModelViewSet, basename="na-segmentation-model")
router.register("assessments", AssessmentViewSet, basename="na-assessment")
router.register("ina-findings", FindingLinkViewSet, basename="na-ina-finding")
router.register("insight", InsightViewSet, basename="na-insight")
router.register("uploads", DataUploadViewSet, basename="na-upload")
router.register("profiles", NeedsProfileViewSet, basename="na-profile")
router.register("profile-aggregates", ProfileAggregateViewSet, basename="na-profile-aggregate")
urlpatterns = router.urls
