"""Seed the demo ICB (loaded by `manage.py load_demo`) with stage 3 demo data: a balanced
five-year financial plan, payment terms and a 2026/27 statement for four contracts of
different payment models, a resource-shift scenario shared with the acute trust, a PSR
decision with its notice of intention published, and a committee with a meeting and a
decision item.

Everything is written through the stage 3 action functions (audited, validated) as the
demo commissioner, in one transaction. Each part is made only if it is not there yet, so
running the command again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from commissioning.demo import DEMO_ICB_ODS
from commissioning.models import CommissioningCycle, Contract, ContractStatus, Organisation, User
from payor.finance import actions as finance
from payor.models import (
    CareSetting,
    Committee,
    ContractTerms,
    FinancialPlan,
    PsrDecision,
    PsrStatus,
    ResourceShiftScenario,
)
from payor.scenarios import actions as scenarios
from payor.scenarios import queries as scenario_queries
from payor.selection import actions as selection
from payor.selection import committees

PLAN_TITLE = "Demo five-year financial plan 2026/27 to 2030/31"
SCENARIO_NAME = "Five per cent of emergency spend to community over 3 years"
PSR_REFERENCE = "DEMO-PSR-001"
COMMITTEE_NAME = "Demo provider collaborative committee"
PERIOD = "2026/27"
FIRST_YEAR = 2026
PENNY = Decimal("0.01")
# Which contract of which provider gets which payment model (first match by pk).
TERMS_MODELS = [("block", None), ("aligned", "R9A"), ("capitated", None), ("outcome", "R9D")]


def _pounds(value) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


class Command(BaseCommand):
    help = "Add stage 3 demo data (plan, terms, scenario, PSR, committee) to the demo ICB."

    def handle(self, *args, **options):
        commissioner = User.objects.filter(username="commissioner", is_demo=True).first()
        provider_a = User.objects.filter(username="provider-a", is_demo=True).first()
        icb_org = Organisation.objects.filter(ods_code=DEMO_ICB_ODS).first()
        if not (commissioner and provider_a and icb_org):
            raise CommandError("Load the demo ICB first: manage.py load_demo.")
        with transaction.atomic():
            made = [
                self.plan(commissioner),
                self.terms(commissioner, icb_org),
                self.scenario(commissioner, provider_a),
                self.psr(commissioner, icb_org),
                self.committee(commissioner, icb_org, provider_a),
            ]
        made = [m for m in made if m]
        if made:
            self.stdout.write("Seeded demo payor data: " + "; ".join(made) + ".")
        else:
            self.stdout.write("Demo payor data already present: nothing changed.")

    # ----------------------------------------------------------------- finance plan

    def plan(self, by) -> str:
        if FinancialPlan.objects.filter(icb=by.icb, title=PLAN_TITLE).exists():
            return ""
        base = scenario_queries.default_base_spend(by.icb)
        lines = {
            setting: amount
            for setting, amount in base.items()
            if amount > 0 and setting in CareSetting.values
        }
        total = sum(lines.values(), Decimal("0.00"))
        # Prescribing and continuing care are not held in contracts: budget them too.
        lines[CareSetting.PRESCRIBING] = _pounds(total * Decimal("0.08"))
        lines[CareSetting.CONTINUING_CARE] = _pounds(total * Decimal("0.04"))
        spending = sum(lines.values(), Decimal("0.00"))
        # Allocation 1.5% above first-year spending and growing faster than every line
        # (3.5% a year against 3% or less), so every year of the plan balances.
        plan = finance.create_plan(
            by=by,
            title=PLAN_TITLE,
            first_year=FIRST_YEAR,
            years=5,
            allocation=_pounds(spending * Decimal("1.015")),
            allocation_growth="0.035",
        )
        growth = {CareSetting.ACUTE: "0.02", CareSetting.PRESCRIBING: "0.03"}
        for setting, amount in lines.items():
            finance.add_budget(
                by=by,
                plan=plan,
                setting=setting,
                budget=amount,
                growth=growth.get(setting, "0.025"),
            )
        return f"plan {plan.pk} with {len(lines)} budget lines"

    # ----------------------------------------------------------------- contract terms

    def terms(self, by, icb_org) -> str:
        contracts = Contract.objects.filter(
            commissioner=icb_org, status=ContractStatus.ACTIVE
        ).order_by("pk")
        made = []
        for model, provider in TERMS_MODELS:
            chosen = contracts.filter(payment_model=model)
            if provider:
                chosen = chosen.filter(provider__ods_code=provider) or chosen
            contract = chosen.first()
            if contract is None or ContractTerms.objects.filter(contract=contract).exists():
                continue
            terms, measured = _terms_and_measured(model, contract.annual_value)
            finance.set_contract_terms(by=by, contract=contract, terms=terms, expected_version=None)
            if not contract.payment_statements.filter(period=PERIOD).exists():
                finance.compute_statement(
                    by=by, contract=contract, period=PERIOD, measured=measured
                )
            made.append(model)
        return f"terms and {PERIOD} statements for {', '.join(made)} contracts" if made else ""

    # ----------------------------------------------------------------- scenario

    def scenario(self, by, provider_a) -> str:
        if ResourceShiftScenario.objects.filter(icb=by.icb, name=SCENARIO_NAME).exists():
            return ""
        base = scenario_queries.default_base_spend(by.icb)
        emergency = _pounds(base["acute"] * Decimal("0.35"))
        cycle = CommissioningCycle.objects.filter(icb=by.icb, financial_year=FIRST_YEAR).first()
        scenario = scenarios.create_scenario(
            by=by,
            name=SCENARIO_NAME,
            description="Move 5% of acute emergency spend into community services, "
            "evenly over three years, with a year of double running.",
            cycle=cycle,
            emergency_spend=emergency,
            emergency_admissions=max(1, int(emergency / Decimal("3500"))),
            shift_share=Decimal("0.05"),
            years=3,
            profile="linear",
            community_share=Decimal("1"),
            double_running_share=Decimal("0.5"),
            double_running_years=1,
            effect_mean=0.3,
            effect_sd=0.1,
            draws=1000,
            seed=1,
        )
        # Created only: a user runs it from its page (the worker computes it).
        scenarios.share_scenario(scenario=scenario, by=by, organisations=[provider_a.organisation])
        return f"scenario {scenario.pk} shared with {provider_a.organisation.ods_code}"

    # ----------------------------------------------------------------- PSR decision

    def psr(self, by, icb_org) -> str:
        decision = PsrDecision.objects.filter(icb=by.icb, reference=PSR_REFERENCE).first()
        made = ""
        if decision is None:
            contract = (
                Contract.objects.filter(commissioner=icb_org, provider__ods_code="R9D")
                .order_by("pk")
                .first()
            )
            if contract is None:
                raise CommandError("The demo has no contract with provider R9D.")
            criteria = {
                "quality": ("Good", "CQC rated good; strong virtual ward outcomes."),
                "value": ("Good", "Price within 2% of the benchmark for comparable services."),
                "integration": ("Strong", "Already integrated with the place partnerships."),
                "access": ("Good", "Covers the most deprived neighbourhoods with 7-day access."),
                "social_value": ("Adequate", "Local employment and apprenticeship pledges."),
            }
            decision = selection.record_psr_decision(
                by=by,
                reference=PSR_REFERENCE,
                title=f"Continuation: {contract.title}",
                service="Adult community nursing and therapies",
                route="most_suitable",
                provider=contract.provider,
                decision_maker="ICB Board",
                decided_on=timezone.localdate(),
                criteria=criteria,
                estimated_value=contract.annual_value,
                contract=contract,
            )
            made = f"PSR decision {PSR_REFERENCE}"
        if decision.status == PsrStatus.DRAFT:
            selection.publish_notice_of_intention(by=by, decision=decision)
            made = made or f"PSR decision {PSR_REFERENCE}"
            made += " with notice published"
        return made

    # ----------------------------------------------------------------- committee

    def committee(self, by, icb_org, provider_a) -> str:
        if Committee.objects.filter(icb=by.icb, name=COMMITTEE_NAME).exists():
            return ""
        committee = committees.create_committee(
            by=by,
            name=COMMITTEE_NAME,
            purpose="Joint decisions on contracts and service changes with providers.",
        )
        committees.add_member(
            by=by, committee=committee, organisation=icb_org, user=by, role="Chair"
        )
        committees.add_member(
            by=by,
            committee=committee,
            organisation=provider_a.organisation,
            user=provider_a,
            role="Provider member",
        )
        held_at = (timezone.now() + dt.timedelta(days=14)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        meeting = committees.schedule_meeting(
            by=by,
            committee=committee,
            title="Quarterly contract review",
            held_at=held_at,
            location="ICB headquarters",
        )
        contract = (
            Contract.objects.filter(commissioner=icb_org, provider=provider_a.organisation)
            .order_by("pk")
            .first()
        )
        committees.add_item(
            by=by,
            meeting=meeting,
            title="Agree the 2026/27 payment terms",
            description="Approve the aligned payment terms and the first statement.",
            contract=contract,
        )
        return f"committee {committee.pk} with a meeting and a decision item"


def _terms_and_measured(model: str, annual_value: Decimal) -> tuple[dict, dict]:
    """Worked-example style terms (docs/payment-models.md) scaled to the contract value,
    and measured inputs for the year."""
    value = _pounds(annual_value)
    if model == "block":
        return {"annual_value": str(value), "instalments": 12}, {}
    if model == "aligned":
        price = Decimal("1800.00")
        planned = max(1, int(value / price))
        terms = {
            "currencies": [
                {
                    "code": "NEL",
                    "unit_price": str(price),
                    "planned_activity": planned,
                    "description": "Non-elective spells",
                }
            ],
            "variable_share_above": "0.2",
            "variable_share_below": "0.2",
        }
        return terms, {"activity": {"NEL": planned + max(1, planned // 25)}}
    if model == "capitated":
        segments = [
            ("good_health", "0.5", "Good health", Decimal("0.50")),
            ("single_ltc", "1.5", "Single long-term condition", Decimal("0.30")),
            ("multiple_ltc", "2", "Multiple long-term conditions", Decimal("0.15")),
            ("frailty", "5", "Frailty", Decimal("0.05")),
        ]
        people = 10_000
        rate = _pounds(value / people)
        terms = {
            "per_head_rate": str(rate),
            "segments": [
                {"code": code, "weight": weight, "description": label}
                for code, weight, label, _ in segments
            ],
            "normalisation": "population",
            "basis": "segment",
        }
        population = {code: int(people * share) for code, _, _, share in segments}
        return terms, {"population": population}
    if model == "outcome":
        terms = {
            "contract_value": str(value),
            "share_at_risk": "0.1",
            # Codes are library indicators, so contract performance (stage 4) can work
            # out what is earned from the provider's measured series.
            "outcomes": [
                {"code": "EMADM_DSR", "weight": 60, "floor": 10000, "target": 9000,
                 "polarity": "lower",
                 "description": "Emergency admissions of the catchment, per 100,000 (DSR)"},
                {"code": "HYP_PREV", "weight": 40, "floor": "14.0", "target": "16.0",
                 "polarity": "higher",
                 "description": "Recorded hypertension prevalence, % (case finding)"},
            ],
        }  # fmt: skip
        return terms, {"achievement": {"EMADM_DSR": 9400, "HYP_PREV": "14.9"}}
    raise ValueError(f"no demo terms for {model}")
