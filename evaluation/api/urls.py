"""Stage 4 API routes. Each part registers its viewsets on the one router."""

from commissioning.api.routers import Router
from evaluation.api.feedback import (
    CodingViewSet,
    ResponseViewSet,
    SurveyViewSet,
    ThemeViewSet,
)
from evaluation.api.loop import LoopCycleViewSet, LoopFindingViewSet
from evaluation.api.performance import ContractPerformanceViewSet
from evaluation.api.plans import EvaluationPlanViewSet, EvaluationResultViewSet
from evaluation.api.tracking import IndicatorValuesViewSet, OutcomeTrackingViewSet

router = Router()
router.register("contract-performance", ContractPerformanceViewSet, basename="contract-performance")
router.register("indicator-values", IndicatorValuesViewSet, basename="indicator-values")
router.register("outcome-tracking", OutcomeTrackingViewSet, basename="outcome-tracking")
router.register("loop-findings", LoopFindingViewSet, basename="loop-findings")
router.register("loop-cycles", LoopCycleViewSet, basename="loop-cycles")
router.register("feedback-surveys", SurveyViewSet, basename="feedback-surveys")
router.register("feedback-responses", ResponseViewSet, basename="feedback-responses")
router.register("feedback-themes", ThemeViewSet, basename="feedback-themes")
router.register("feedback-codings", CodingViewSet, basename="feedback-codings")
router.register("plans", EvaluationPlanViewSet, basename="evaluation-plans")
router.register("plan-results", EvaluationResultViewSet, basename="evaluation-results")
urlpatterns = router.urls
