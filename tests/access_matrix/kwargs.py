"""Which object of the world fills each route parameter.

`pk` depends on the route: the longest matching prefix in PK_BY_PREFIX names the world
attribute (North's, or provider A's, object). Other parameters mean the same thing on
every route (OTHER). A route can override both in expectations.KWARGS.
"""

from __future__ import annotations

PK_BY_PREFIX = {
    "contracts/": "u.contract_a",
    "snapshots/": "na.snapshot",
    "runs/": "na.summary_run",
    "needs-assessment/uploads/": "na.upload",
    "needs-assessment/profile/": "na.profile",
    "needs-assessment/segmentation/results/": "na.segmentation_run",
    "needs-assessment/segmentation/": "na.segmentation_model",
    "needs-assessment/assessments/": "na.assessment",
    "needs-assessment/insight/": "na.insight",
    "strategy/": "st.strategy",
    "resource-allocation/finance/plans/": "pay.plan",
    "resource-allocation/finance/contracts/": "u.contract_a",
    "resource-allocation/finance/statements/": "pay.statement_a",
    "resource-allocation/scenarios/": "pay.scenario",
    "resource-allocation/provider-selection/": "pay.psr",
    "resource-allocation/committees/": "pay.committee",
    "resource-allocation/committees/change/": "pay.committee_member",
    "resource-allocation/committee-items/": "pay.item",
    "evaluation/outcomes/": "st.strategy",
    "evaluation/outcomes/chart/": "st.outcome",
    "evaluation/plans/": "ev.plan",
    "evaluation/contract-performance/": "u.contract_a",
    "evaluation/feedback/": "ev.survey",
    "evaluation/loop/cycles/": "na.cycle",
    "evaluation/loop/findings/": "ev.finding",
    "evaluation/is-it-working/": "st.strategy",
    "api/v1/needs-assessment/^segmentation-models/": "na.segmentation_model",
    "api/v1/needs-assessment/^assessments/": "na.assessment",
    "api/v1/needs-assessment/^ina-findings/": "na.ina_link",
    "api/v1/needs-assessment/^insight/": "na.insight",
    "api/v1/needs-assessment/^uploads/": "na.upload",
    "api/v1/needs-assessment/^profiles/": "na.profile",
    "api/v1/needs-assessment/^profile-aggregates/": "na.aggregate",
    "api/v1/strategy/^strategies/": "st.strategy",
    "api/v1/strategy/^versions/": "st.version",
    "api/v1/strategy/^approvals/": "st.approval",
    "api/v1/strategy/^shares/": "st.share",
    "api/v1/strategy/^comments/": "st.comment",
    "api/v1/strategy/^priorities/": "st.priority",
    "api/v1/strategy/^criteria/": "st.criterion",
    "api/v1/strategy/^panel-members/": "st.panel_member",
    "api/v1/strategy/^scores/": "st.score",
    "api/v1/strategy/^rankings/": "st.strategy",
    "api/v1/strategy/^outcomes/": "st.outcome",
    "api/v1/strategy/^interventions/": "st.intervention",
    "api/v1/strategy/^pathways/": "st.pathway",
    "api/v1/strategy/^pathway-stages/": "st.pathway_stage",
    "api/v1/strategy/^engagement/": "st.engagement",
    "api/v1/payor/^psr-decisions/": "pay.psr",
    "api/v1/payor/^committees/": "pay.committee",
    "api/v1/payor/^committee-items/": "pay.item",
    "api/v1/payor/^committee-members/": "pay.committee_member",
    "api/v1/payor/^committee-meetings/": "pay.meeting",
    "api/v1/payor/^scenarios/": "pay.scenario",
    "api/v1/payor/^plans/": "pay.plan",
    "api/v1/payor/^budgets/": "pay.budget",
    "api/v1/payor/^contract-terms/": "pay.terms",
    "api/v1/payor/^contract-kpis/": "pay.kpi",
    "api/v1/payor/^contract-variations/": "pay.variation",
    "api/v1/payor/^contract-year-values/": "pay.year_value",
    "api/v1/payor/^payment-statements/": "pay.statement_a",
    "api/v1/evaluation/^contract-performance/": "u.contract_a",
    "api/v1/evaluation/^indicator-values/": "st.place_value",
    "api/v1/evaluation/^loop-findings/": "ev.finding",
    "api/v1/evaluation/^loop-cycles/": "na.cycle",
    "api/v1/evaluation/^feedback-surveys/": "ev.survey",
    "api/v1/evaluation/^feedback-responses/": "ev.response",
    "api/v1/evaluation/^feedback-themes/": "ev.theme",
    "api/v1/evaluation/^feedback-codings/": "ev.coding",
    "api/v1/evaluation/^plans/": "ev.plan",
    "api/v1/evaluation/^plan-results/": "ev.result",
    "api/v1/^areas/": "u.place",
    "api/v1/^organisations/": "u.provider_a",
    "api/v1/^contracts/": "u.contract_a",
    "api/v1/^snapshots/": "na.snapshot",
    "api/v1/^segmentation-models/": "na.segmentation_model",
    "api/v1/^indicators/": "st.indicator",
    "api/v1/^indicator-values/": "st.place_value",
    "api/v1/^cycles/": "na.cycle",
    "api/v1/^findings/": "ev.finding",
    "api/v1/^runs/": "na.summary_run",
    "api/v1/^auth/tokens/": "u.commissioner_token",
    "history/": "u.contract_a",  # with kind="contract" (expectations.KWARGS)
    "api/v1/history/": "u.contract_a",
}

OTHER = {
    "area_pk": "u.place",
    "key": "prevalence",
    "link_pk": "na.ina_link",
    "link": "na.ina_link",
    "number": 1,
    "status": "consultation",
    "organisation_pk": "u.provider_a",
    "comment_pk": "st.comment",
    "priority_pk": "st.priority",
    "criterion_pk": "st.criterion",
    "member_pk": "st.panel_member",
    "outcome_pk": "st.outcome",
    "intervention_pk": "st.intervention",
    "pathway_pk": "st.pathway",
    "stage_pk": "st.pathway_stage",
    "activity_pk": "st.engagement",
    "profile_id": "na.profile",
    "what": "member",
    "step": "notice",
    "code": "EMADM",
    "kind": "area",
    "owner_id": "u.place",
}


def resolve(world, spec):
    """A world attribute path ("pay.psr") to its pk; anything else is used as it is."""
    if not isinstance(spec, str) or "." not in spec:
        return spec
    obj = world
    for part in spec.split("."):
        obj = getattr(obj, part)
    return obj.pk


def kwargs_for(world, route, overrides: dict) -> dict:
    values = {}
    for param in route.params:
        if param in overrides:
            spec = overrides[param]
        elif param == "pk":
            prefix = max(
                (p for p in PK_BY_PREFIX if route.route.startswith(p)), key=len, default=None
            )
            if prefix is None:
                raise LookupError(f"{route.key}: no world object for pk; add it to PK_BY_PREFIX")
            spec = PK_BY_PREFIX[prefix]
        else:
            spec = OTHER[param]
        values[param] = resolve(world, spec)
    return values
