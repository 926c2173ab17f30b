"""Contract performance: each contract's KPIs against their targets and, where the
payment model's measured inputs come from indicators, the payment earned.

Everything is read through `commissioning.access.visible_to`, so a provider sees only its
own contracts (another provider's contract is 404 at the door) and its own indicator
values. Payment statements are worked out by the payor calculators
(`payor.payment_models.payment_statement`) from the contract's stored terms; the mapping
from terms to indicators is in `evaluation.performance.measures`. As on the payor
statement pages, a provider sees its own contract's statement in full (money, not
counts of people); the KPI values are its own organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse

from commissioning.access import visible_to
from commissioning.models import Contract, IndicatorValue
from commissioning.spc import xmr
from evaluation.performance import measures
from evaluation.performance.measures import Measurement, Point
from evaluation.views import assurance_tag, variation_tag
from payor.models import ContractKpi, ContractTerms
from payor.payment_models import OutcomeTerms, PaymentModelError, Statement, payment_statement
from payor.payment_models.statement import plain

FEWEST_POINTS = 2


@dataclass
class KpiResult:
    """One KPI: its latest value against its target, and its SPC icons."""

    kpi: ContractKpi
    points: int = 0
    latest_value: float | None = None
    latest_date: object = None
    met: bool | None = None  # None: no value, no target or no preferred direction
    variation: dict | None = None
    assurance: dict | None = None
    chart_url: str | None = None

    @property
    def target_text(self) -> str:
        return "None" if self.kpi.target is None else plain(self.kpi.target)

    @property
    def status(self) -> str:
        if self.latest_value is None:
            return "No data"
        if self.kpi.target is None:
            return "No target"
        if self.met is None:
            return "No direction"
        return "Met" if self.met else "Not met"


@dataclass
class Payment:
    """The payment statement worked out from indicator values for one period."""

    period: str
    measurements: list[Measurement]
    measured: dict
    statement: Statement | None = None
    error: str = ""
    value_at_risk: Decimal | None = None
    earned: Decimal | None = None


@dataclass
class ContractPerformance:
    """A contract's KPI results and (where measured from indicators) its payment."""

    contract: Contract
    kpis: list[KpiResult] = field(default_factory=list)
    payment: Payment | None = None
    periods: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def met(self) -> int:
        return sum(1 for k in self.kpis if k.met is True)

    @property
    def not_met(self) -> int:
        return sum(1 for k in self.kpis if k.met is False)


def is_met(value: float, target: Decimal, polarity: str) -> bool | None:
    """Higher is better: at or above the target; lower is better: at or below it;
    no preferred direction: None."""
    if polarity == "higher":
        return Decimal(repr(value)) >= target
    if polarity == "lower":
        return Decimal(repr(value)) <= target
    return None


def _points(user, contract: Contract, indicator_ids) -> dict[int, list[Point]]:
    rows = (
        visible_to(user, IndicatorValue)
        .filter(provider_id=contract.provider_id, indicator_id__in=list(indicator_ids))
        .filter(breakdown="", value__isnull=False)
        .order_by("period_end", "pk")
        .values_list("indicator_id", "period_start", "period_end", "value")
    )
    found: dict[int, list[Point]] = {}
    for indicator_id, start, end, value in rows:
        found.setdefault(indicator_id, []).append(Point(start, end, value))
    return found


def kpi_result(kpi: ContractKpi, points: list[Point]) -> KpiResult:
    """The KPI's latest value, met or not, and SPC icons (with the target) of its series."""
    series = measures.same_length(points)
    result = KpiResult(kpi, points=len(series))
    if not series:
        return result
    indicator = kpi.indicator
    result.latest_value, result.latest_date = series[-1].value, series[-1].period_end
    if kpi.target is not None:
        result.met = is_met(series[-1].value, kpi.target, indicator.polarity)
    result.chart_url = reverse(
        "evaluation:spc-chart", args=[indicator.code, "provider", kpi.contract.provider_id]
    )
    if len(series) >= FEWEST_POINTS:
        spc = xmr(
            [p.value for p in series],
            dates=[p.period_end for p in series],
            improvement=indicator.polarity,
            target=None if kpi.target is None else float(kpi.target),
        )
        result.variation, result.assurance = variation_tag(spc), assurance_tag(spc)
    return result


def _kpi_for(term: measures.Term, kpis: list[ContractKpi]) -> ContractKpi | None:
    code = term.code.lower()
    for rule in (
        lambda k: k.indicator.code.lower() == code,
        lambda k: f"[{code}]" in k.description.lower(),
        lambda k: term.label.lower() in (k.indicator.name.lower(), k.description.lower()),
    ):
        found = [k for k in kpis if rule(k)]
        if found:
            return found[0]
    return None


def _measure(term, kpis, points, start, end) -> Measurement:
    kpi = _kpi_for(term, kpis)
    if kpi is None:
        return Measurement(term, note="no KPI of this contract measures it")
    indicator = kpi.indicator
    value, used, note = measures.period_value(points.get(indicator.pk, []), start, end, term.how)
    found = Measurement(term, indicator.code, indicator.name, used, value, note)
    if value is not None and term.group == "achievement":
        found.value, divided = measures.as_share(term, value, indicator.unit)
        if divided:
            found.note += ", a percentage read as a share (÷ 100)"
    return found


def _payment(contract, terms, kpis, points, period) -> Payment:
    start, end = measures.financial_year(period)
    found = [
        _measure(term, kpis, points, start, end)
        for term in measures.measured_terms(contract.payment_model, terms.terms)
    ]
    payment = Payment(period, found, measures.build_measured(contract.payment_model, found))
    missing = [m for m in found if m.value is None]
    if missing:
        names = ", ".join(f"{m.term.label} ({m.term.code}): {m.note}" for m in missing)
        payment.error = f"Not every term is measured for {period}. {names}."
        return payment
    try:
        payment.statement = payment_statement(contract.payment_model, terms.terms, payment.measured)
    except PaymentModelError as error:
        payment.error = f"The calculator refused the measured inputs: {error}"
        return payment
    if contract.payment_model == "outcome":
        outcome_terms = OutcomeTerms.from_dict(terms.terms)
        payment.value_at_risk = outcome_terms.value_at_risk
        guaranteed = outcome_terms.contract_value - outcome_terms.value_at_risk
        payment.earned = payment.statement.total - guaranteed
    return payment


def _periods(kpis, points) -> list[str]:
    labels = {
        measures.year_label(p.period_end) for kpi in kpis for p in points.get(kpi.indicator_id, [])
    }
    return sorted(labels, reverse=True)


def contract_performance(user, contract: Contract, period: str | None = None):
    """KPIs against targets and the payment earned for `period` (a financial year such as
    '2025/26'; default the latest with indicator values) of a contract the caller has
    already fetched through `access.get_visible_or_404`."""
    kpis = list(visible_to(user, ContractKpi).filter(contract=contract).select_related("indicator"))
    for kpi in kpis:
        kpi.contract = contract
    points = _points(user, contract, {k.indicator_id for k in kpis})
    result = ContractPerformance(
        contract, [kpi_result(k, points.get(k.indicator_id, [])) for k in kpis]
    )
    result.periods = _periods(kpis, points)
    terms = visible_to(user, ContractTerms).filter(contract=contract).first()
    if terms is None:
        result.note = "The contract has no payment terms yet."
    elif not measures.measured_terms(contract.payment_model, terms.terms):
        label = contract.get_payment_model_display()
        result.note = f"{label} payments are not measured by indicators."
    elif period or result.periods:
        result.payment = _payment(contract, terms, kpis, points, period or result.periods[0])
    elif not kpis:
        result.note = "The contract has no KPIs, so no payment term is measured by an indicator."
    else:
        result.note = "There are no indicator values for this contract's KPIs yet."
    return result


def icb_performance(user) -> list[ContractPerformance]:
    """Every contract `user` can see, with its KPI results and payment (latest year)."""
    contracts = visible_to(user, Contract).select_related("provider").order_by("reference")
    return [contract_performance(user, contract) for contract in contracts]
