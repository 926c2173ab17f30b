"""Stage 2 API routes. Each part registers its viewsets on the one router."""

from commissioning.api.routers import Router
from strategy.api.delivery import (
    EngagementViewSet,
    InterventionViewSet,
    OutcomeViewSet,
    PathwayStageViewSet,
    PathwayViewSet,
)
from strategy.api.prioritisation import (
    CriterionViewSet,
    PanelMemberViewSet,
    PriorityViewSet,
    RankingViewSet,
    ScoreViewSet,
)
from strategy.api.strategies import (
    ApprovalViewSet,
    CommentViewSet,
    ShareViewSet,
    StrategyViewSet,
    VersionViewSet,
)

router = Router()
router.register("strategies", StrategyViewSet, basename="st-strategy")
router.register("versions", VersionViewSet, basename="st-version")
router.register("approvals", ApprovalViewSet, basename="st-approval")
router.register("shares", ShareViewSet, basename="st-share")
router.register("comments", CommentViewSet, basename="st-comment")
router.register("priorities", PriorityViewSet, basename="st-priority")
router.register("criteria", CriterionViewSet, basename="st-criterion")
router.register("panel-members", PanelMemberViewSet, basename="st-panel-member")
router.register("scores", ScoreViewSet, basename="st-score")
router.register("rankings", RankingViewSet, basename="st-ranking")
router.register("outcomes", OutcomeViewSet, basename="st-outcome")
router.register("interventions", InterventionViewSet, basename="st-intervention")
router.register("pathways", PathwayViewSet, basename="st-pathway")
router.register("pathway-stages", PathwayStageViewSet, basename="st-pathway-stage")
router.register("engagement", EngagementViewSet, basename="st-engagement")
urlpatterns = router.urls
