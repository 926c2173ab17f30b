"""Stage 1 API routes. Each part registers its viewsets on the one router."""

from rest_framework.routers import DefaultRouter

from needs_assessment.api.segmentation import SegmentationModelViewSet

router = DefaultRouter()
router.register("segmentation-models", SegmentationModelViewSet, basename="na-segmentation-model")
urlpatterns = router.urls
