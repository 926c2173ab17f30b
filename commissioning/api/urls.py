"""The REST API, mounted at /api/v1/ (namespace "api")."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from commissioning.api import auth_views, views
from commissioning.api.routers import Router

app_name = "api"


router = Router()
router.register("areas", views.AreaViewSet, basename="area")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("snapshots", views.PopulationSnapshotViewSet, basename="snapshot")
router.register(
    "segmentation-models", views.SegmentationModelViewSet, basename="segmentation-model"
)
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="indicator-value")
router.register("cycles", views.CommissioningCycleViewSet, basename="cycle")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("runs", views.RunViewSet, basename="run")
router.register("auth/tokens", auth_views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", auth_views.ObtainTokenView.as_view(), name="obtain-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.LocalSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
