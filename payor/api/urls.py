"""Stage 3 API routes. Each part registers its viewsets on the one router."""

from commissioning.api.routers import Router
from payor.api.committee_changes import (
    CommitteeMeetingViewSet,
    CommitteeMemberViewSet,
    DecisionItemChangesViewSet,
)
from payor.api.finance import (
    BudgetViewSet,
    KpiViewSet,
    PlanViewSet,
    StatementViewSet,
    TermsViewSet,
    VariationViewSet,
    YearValueViewSet,
)
from payor.api.scenarios import ScenarioViewSet
from payor.api.selection import CommitteeViewSet, PsrDecisionViewSet

router = Router()
router.register("psr-decisions", PsrDecisionViewSet, basename="payor-psr-decision")
router.register("committees", CommitteeViewSet, basename="payor-committee")
router.register("committee-items", DecisionItemChangesViewSet, basename="payor-committee-item")
router.register("committee-members", CommitteeMemberViewSet, basename="payor-committee-member")
router.register("committee-meetings", CommitteeMeetingViewSet, basename="payor-committee-meeting")
router.register("scenarios", ScenarioViewSet, basename="payor-scenario")
router.register("plans", PlanViewSet, basename="payor-plan")
router.register("budgets", BudgetViewSet, basename="payor-budget")
router.register("contract-terms", TermsViewSet, basename="payor-contract-terms")
router.register("contract-kpis", KpiViewSet, basename="payor-contract-kpi")
router.register("contract-variations", VariationViewSet, basename="payor-contract-variation")
router.register("contract-year-values", YearValueViewSet, basename="payor-contract-year-value")
router.register("payment-statements", StatementViewSet, basename="payor-payment-statement")
urlpatterns = router.urls
