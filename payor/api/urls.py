"""Stage 3 API routes. Each part registers its viewsets on the one router."""

from rest_framework.routers import DefaultRouter

from payor.api.finance import (
    BudgetViewSet,
    KpiViewSet,
    PlanViewSet,
    StatementViewSet,
    TermsViewSet,
    VariationViewSet,
)
from payor.api.scenarios import ScenarioViewSet
from payor.api.selection import CommitteeViewSet, DecisionItemViewSet, PsrDecisionViewSet

router = DefaultRouter()
router.register("psr-decisions", PsrDecisionViewSet, basename="payor-psr-decision")
router.register("committees", CommitteeViewSet, basename="payor-committee")
router.register("committee-items", DecisionItemViewSet, basename="payor-committee-item")
router.register("scenarios", ScenarioViewSet, basename="payor-scenario")
router.register("plans", PlanViewSet, basename="payor-plan")
router.register("budgets", BudgetViewSet, basename="payor-budget")
router.register("contract-terms", TermsViewSet, basename="payor-contract-terms")
router.register("contract-kpis", KpiViewSet, basename="payor-contract-kpi")
router.register("contract-variations", VariationViewSet, basename="payor-contract-variation")
router.register("payment-statements", StatementViewSet, basename="payor-payment-statement")
urlpatterns = router.urls
