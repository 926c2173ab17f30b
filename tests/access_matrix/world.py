"""The access matrix's world: the test universe plus one object of every kind a route needs.

North ICB owns everything here; where a kind of object belongs to a provider, it is
provider A's (contract A's terms, KPI and statement; the scenario shared with A; the PSR
decision awarded to A; the committee A sits on; the survey addressed to A; the indicator
series of A). South owns contract S-1 and a strategy of its own, so that the lists of
South's commissioner (the outsider) have something in them. Built through the apps'
actions and factories, as their own tests build them.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

from commissioning.models import PaymentModel, Run, RunStatus
from evaluation.feedback import actions as feedback
from evaluation.feedback import coding
from evaluation.loop import actions as loop
from evaluation.models import EvaluationResult
from evaluation.plans import actions as plans
from needs_assessment.models import DataUpload
from payor.finance import actions as finance
from payor.models import ScenarioStatus
from payor.scenarios import actions as scenarios
from payor.scenarios.handlers import compute
from payor.selection import actions as selection
from payor.selection import committees
from strategy.lifecycle import actions as lifecycle
from tests import factories as f
from tests.needs_assessment.test_documents_world import insight_record, make_world
from tests.strategy import factories as sf

ALIGNED = {
    "currencies": [{"code": "NEL", "unit_price": "1800.00", "planned_activity": 10000}],
    "variable_share_above": "0.2",
}
SCENARIO = {
    "name": "Five per cent to community",
    "emergency_spend": D("1000000"),
    "emergency_admissions": 400,
    "shift_share": D("0.05"),
    "years": 3,
    "profile": "linear",
    "community_share": D("1"),
    "double_running_share": D("0.5"),
    "double_running_years": 1,
    "effect_mean": 0.3,
    "effect_sd": 0.1,
    "draws": 200,
    "seed": 3,
    "threshold": D("0.02"),
}
PSR_CRITERIA = {
    code: ("Strong", f"Evidence for {code}.")
    for code in ("quality", "value", "integration", "access", "social_value")
}
QUESTIONS = feedback.build_questions(["Staff listened to me"], ["What could be better?"])


def _monthly(indicator, months: int = 15, **owner) -> None:
    for index in range(months):
        year, month = divmod(3 + index, 12)
        start = date(2024 + year, month + 1, 1)
        f.IndicatorValueFactory(
            indicator=indicator,
            period_start=start,
            period_end=start + dt.timedelta(days=27),
            value=100.0 + index % 4,
            **owner,
        )


def _needs(u) -> SimpleNamespace:
    ina = make_world(u)  # profile, cycles (previous, current), INA v1 with one finding
    upload = DataUpload.objects.create(
        icb=u.north,
        kind="person_level",
        file="uploads/matrix-people.csv",  # never opened by the routes probed
        original_name="people.csv",
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        uploaded_by=u.analyst,
    )
    seg_run = Run.objects.create(
        kind="segmentation_run",
        icb=u.north,
        status=RunStatus.SUCCEEDED,
        started_by=u.analyst,
        parameters={"model_id": ina.profile.segmentation_model_id},
    )
    return SimpleNamespace(
        profile=ina.profile,
        previous_cycle=ina.cycles.previous,
        cycle=ina.cycles.current,
        assessment=ina.v1,
        ina_link=ina.link,
        insight=insight_record(u),
        upload=upload,
        segmentation_model=ina.profile.segmentation_model,
        segmentation_run=seg_run,
        snapshot=ina.profile.snapshot,
        summary_run=f.RunFactory(icb=u.north, started_by=u.analyst),
    )


def _strategy(u, cycle) -> SimpleNamespace:
    indicator = f.IndicatorFactory(code="EMADM", name="Emergency admissions", polarity="lower")
    strategy = sf.StrategyFactory(icb=u.north, cycle=cycle, area=u.north, first_year=2026)
    priority = sf.PriorityFactory(strategy=strategy, title="Frailty")
    outcome = sf.OutcomeFactory(priority=priority, indicator=indicator, area=u.place)
    intervention = sf.InterventionFactory(
        priority=priority, outcome=outcome, area=u.place, name="Proactive frailty care"
    )
    criterion = sf.CriterionFactory(strategy=strategy)
    member = sf.PanelMemberFactory(strategy=strategy, user=u.analyst)  # my-scores: analyst
    pathway = sf.CarePathwayFactory(strategy=strategy)
    _monthly(indicator, area=u.place)
    _monthly(indicator, area=None, provider=u.provider_a)
    # Through the action, so the version holds real frozen content (number 1).
    version = lifecycle.take_version(strategy=strategy, note="Draft one", by=u.commissioner)
    # A second version, so that strategy-compare has two to compare.
    lifecycle.take_version(strategy=strategy, note="Draft two", by=u.commissioner)
    south_strategy = sf.StrategyFactory(
        icb=u.south, cycle=f.CycleFactory(icb=u.south), area=u.south, first_year=2026
    )
    south_priority = sf.PriorityFactory(strategy=south_strategy, title="South priority")
    return SimpleNamespace(
        indicator=indicator,
        strategy=strategy,
        priority=priority,
        outcome=outcome,
        intervention=intervention,
        criterion=criterion,
        panel_member=member,
        score=sf.ScoreFactory(priority=priority, criterion=criterion, member=member),
        pathway=pathway,
        pathway_stage=sf.PathwayStageFactory(pathway=pathway),
        engagement=sf.EngagementActivityFactory(strategy=strategy),
        version=version,
        approval=sf.StrategyApprovalFactory(strategy=strategy, version=version, by=u.commissioner),
        share=sf.StrategyShareFactory(strategy=strategy, organisation=u.provider_a),
        comment=sf.StrategyCommentFactory(strategy=strategy, author=u.provider_a_rep),
        south_strategy=south_strategy,
        south_priority=south_priority,
        # For the POST probes: a North intervention with no plan yet, and one of South's.
        unplanned=sf.InterventionFactory(
            priority=priority, outcome=outcome, area=u.place, name="Falls service"
        ),
        south_intervention=sf.InterventionFactory(
            priority=south_priority, area=u.south, name="South hubs"
        ),
    )


def _payor(u, st) -> SimpleNamespace:
    by = u.commissioner
    plan = finance.create_plan(
        by=by, title="North plan", first_year=2026, allocation="1000.00", allocation_growth="0"
    )
    budget = finance.add_budget(by=by, plan=plan, setting="acute", budget="600.00", growth="0")
    statements, terms = {}, {}
    for key, contract in (("a", u.contract_a), ("b", u.contract_b)):
        contract.payment_model = PaymentModel.ALIGNED
        contract.save()
        terms[key] = finance.set_contract_terms(
            by=by, contract=contract, terms=ALIGNED, expected_version=None
        )
        statements[key] = finance.compute_statement(
            by=by, contract=contract, period="2026/27", measured={"activity": {"NEL": 10400}}
        )
    year_value = finance.set_year_values(by=by, contract=u.contract_a, values={2026: "1000.00"})[0]
    kpi = finance.add_kpi(by=by, contract=u.contract_a, indicator=st.indicator, target="90")
    variation = finance.record_variation(
        by=by,
        contract=u.contract_a,
        description="New tariff",
        effective_from=date(2026, 10, 1),
        terms=ALIGNED,
        expected_version=terms["a"].version,
    )
    scenario = scenarios.create_scenario(by=by, **SCENARIO)
    scenario.result = compute(scenario)
    scenario.status = ScenarioStatus.COMPUTED
    scenario.save()
    scenarios.share_scenario(scenario=scenario, by=by, organisations=[u.provider_a])
    psr = selection.record_psr_decision(
        by=by, reference="PSR-1", title="Community MSK", service="MSK", route="most_suitable",
        provider=u.provider_a, decision_maker="ICB Board", decided_on=date(2025, 12, 10),
        criteria=PSR_CRITERIA,
    )  # fmt: skip
    committee = committees.create_committee(by=by, name="Joint committee")
    seat = committees.add_member(
        by=by, committee=committee, organisation=u.provider_a, user=u.provider_a_rep,
        role="Provider",
    )  # fmt: skip
    meeting = committees.schedule_meeting(
        by=by,
        committee=committee,
        title="January",
        held_at=dt.datetime(2026, 1, 14, 10, tzinfo=dt.UTC),
    )
    paper = committees.add_paper(by=by, meeting=meeting, title="Options")
    item = committees.add_item(by=by, meeting=meeting, title="Renew A", contract=u.contract_a)
    return SimpleNamespace(
        plan=plan,
        budget=budget,
        terms=terms["a"],
        statement_a=statements["a"],
        statement_b=statements["b"],
        year_value=year_value,
        kpi=kpi,
        variation=variation,
        scenario=scenario,
        psr=psr,
        committee=committee,
        committee_member=seat,
        meeting=meeting,
        paper=paper,
        item=item,
    )


def _evaluation(u, na, st) -> SimpleNamespace:
    by = u.commissioner
    survey = feedback.create_survey(
        by=by, title="Same-day access", audience="service_users", questions=QUESTIONS,
        provider=u.provider_a,
    )  # fmt: skip
    response = feedback.submit_response(
        by=by, survey=survey, answers={"q1": 4, "q2": "Waits"}, respondent_kind="service_user"
    )
    theme = coding.create_theme(by=by, name="Waiting", survey=survey)
    code = coding.assign_theme(by=by, response=response, question_key="q2", theme=theme)
    finding = loop.record_finding(
        cycle=na.cycle, title="Hubs cut admissions", summary="Admissions fell 12%.",
        priorities=[st.priority.pk], contracts=[u.contract_a.pk], by=by,
    )  # fmt: skip
    plan = plans.save_plan(
        intervention=st.intervention,
        data={
            "question": "Did proactive frailty care reduce admissions?",
            "inputs": "", "activities": "", "outputs": "", "outcomes": "", "other_measures": "",
            "comparison": "", "indicator": st.indicator, "area": u.place, "comparison_areas": [],
            "method": "its", "source": "series", "condition": "", "seasonality": False,
            "intervention_date": date(2025, 1, 1), "start_date": date(2024, 4, 1),
            "end_date": date(2025, 6, 30), "report_due": date(2026, 6, 30),
            "owner": "Head of Evaluation",
        },
        by=by,
    )  # fmt: skip
    result = EvaluationResult.objects.create(
        plan=plan, method="its", effect=-1.0, standard_error=0.5, lower=-2.0, upper=0.0,
        p_value=0.04, mde=1.0, pre_points=9, post_points=6, summary="A fall.",
    )  # fmt: skip
    return SimpleNamespace(
        survey=survey,
        response=response,
        theme=theme,
        coding=code,
        finding=finding,
        plan=plan,
        result=result,
    )


def build_world(u) -> SimpleNamespace:
    """The universe `u` with every kind of object the routes need (see the module doc)."""
    from commissioning.api.tokens import issue_token
    from commissioning.models import IndicatorValue

    u.commissioner_token = issue_token(user=u.commissioner, by=u.commissioner).token
    na = _needs(u)
    na.aggregate = na.profile.aggregates.first()
    st = _strategy(u, na.cycle)
    st.place_value = IndicatorValue.objects.filter(area=u.place).first()
    pay = _payor(u, st)
    ev = _evaluation(u, na, st)
    return SimpleNamespace(u=u, na=na, st=st, pay=pay, ev=ev)
