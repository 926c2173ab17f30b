"""What is tracked, and the event models that hold its history.

Each tracked model gets a proxy here, and the proxy is tracked: the database triggers
fire on the real table, but Django records them (and the event tables) in this app's
migrations, so the stage apps carry no history machinery. Never track PersonRecord
(pseudonymised, partitioned, created by raw SQL) or ApiToken (hashes).
"""

from __future__ import annotations

from commissioning.models import Contract, Finding, User
from evaluation.models import EvaluationPlan, LoopFindingDetail
from payor.models import (
    CommitteeMember,
    CommitteeVote,
    ContractKpi,
    ContractTerms,
    ContractVariation,
    ContractYearValue,
    DecisionItem,
    FinancialPlan,
    PaymentStatement,
    ProgrammeBudget,
    PsrDecision,
    PsrRepresentation,
)
from strategy.models import Intervention, Outcome, Priority, Strategy

from .tracking import track

# A user's history is their role, whether they may sign in and their organisation: never
# the password hash, last login or personal details.
USER_FIELDS = ["id", "role", "is_active", "organisation"]


def _proxy(model, name: str):
    meta = type("Meta", (), {"proxy": True, "app_label": "history"})
    return type(f"Tracked{name}", (model,), {"Meta": meta, "__module__": __name__})


# label used in URLs -> (tracked model, event model)
TRACKED: dict[str, tuple[type, type]] = {}


def _register(key: str, model, name: str, fields: list[str] | None = None) -> None:
    proxy = _proxy(model, name)
    globals()[proxy.__name__] = proxy
    event = track(proxy, name, fields=fields)
    globals()[event.__name__] = event
    TRACKED[key] = (model, event)


for _key, _model, _name, _fields in [
    ("strategy", Strategy, "Strategy", None),
    ("priority", Priority, "Priority", None),
    ("outcome", Outcome, "Outcome", None),
    ("intervention", Intervention, "Intervention", None),
    ("financial-plan", FinancialPlan, "FinancialPlan", None),
    ("programme-budget", ProgrammeBudget, "ProgrammeBudget", None),
    ("contract-terms", ContractTerms, "ContractTerms", None),
    ("contract-year-value", ContractYearValue, "ContractYearValue", None),
    ("contract-kpi", ContractKpi, "ContractKpi", None),
    ("contract-variation", ContractVariation, "ContractVariation", None),
    ("payment-statement", PaymentStatement, "PaymentStatement", None),
    ("contract", Contract, "Contract", None),
    ("psr-decision", PsrDecision, "PsrDecision", None),
    ("psr-representation", PsrRepresentation, "PsrRepresentation", None),
    ("decision-item", DecisionItem, "DecisionItem", None),
    ("committee-vote", CommitteeVote, "CommitteeVote", None),
    ("committee-member", CommitteeMember, "CommitteeMember", None),
    ("user", User, "User", USER_FIELDS),
    ("finding", Finding, "Finding", None),
    ("loop-finding", LoopFindingDetail, "LoopFindingDetail", None),
    ("evaluation-plan", EvaluationPlan, "EvaluationPlan", None),
]:
    _register(_key, _model, _name, _fields)
