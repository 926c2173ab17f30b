"""The audit history: database triggers record every insert, update and delete of the
tracked records, before and after, with the acting user, whoever or whatever wrote them
(a page, the API with a token, a background run, a management command, a bulk update),
and the event tables refuse to be changed."""

import datetime as dt
from decimal import Decimal as D

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from commissioning.api.tokens import issue_token
from commissioning.history import queries
from commissioning.history.models import TRACKED, ContractEvent, ProgrammeBudgetEvent, UserEvent
from commissioning.models import ApiToken, Role, User
from payor.finance import actions as finance
from payor.models import ProgrammeBudget
from payor.selection import committees
from strategy.models import Strategy
from tests import factories as f
from tests.strategy.factories import StrategyFactory

pytestmark = pytest.mark.django_db

REQUIRED = {
    "strategy.Strategy", "strategy.Priority", "strategy.Outcome", "strategy.Intervention",
    "payor.FinancialPlan", "payor.ProgrammeBudget", "payor.ContractTerms",
    "payor.ContractYearValue", "payor.ContractKpi", "payor.ContractVariation",
    "payor.PaymentStatement", "commissioning.Contract", "payor.PsrDecision",
    "payor.PsrRepresentation", "payor.DecisionItem", "payor.CommitteeVote",
    "payor.CommitteeMember", "commissioning.User", "commissioning.Finding",
}  # fmt: skip


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_required_kind_has_insert_update_and_delete_triggers():
    tracked = {model._meta.label for model, _ in TRACKED.values()}
    assert tracked >= REQUIRED
    assert "commissioning.PersonRecord" not in tracked and "commissioning.ApiToken" not in tracked
    for model, event in TRACKED.values():
        names = _triggers(model._meta.db_table)
        for operation in ("insert_insert", "update_update", "delete_delete"):
            assert any(operation in name for name in names), (model, operation, names)
        assert any("append_only" in name for name in _triggers(event._meta.db_table)), event


def test_strategy_edit_records_who_when_before_and_after(universe):
    with pghistory.context(user=universe.commissioner.pk, url="/strategy/1/edit/"):
        strategy = StrategyFactory(icb=universe.north, title="Healthier North")
        Strategy.objects.filter(pk=strategy.pk).update(title="Healthier North 2026-31")
    insert, update = reversed(queries.history_of("strategy", strategy.pk))
    assert insert.action == "insert" and update.action == "update"
    assert update.username == "commissioner" and update.user_id == universe.commissioner.pk
    assert update.source == "/strategy/1/edit/" and update.at is not None
    title = [c for c in update.changes if c.field == "title"]
    assert [(c.before, c.after) for c in title] == [("Healthier North", "Healthier North 2026-31")]
    assert len(update.changes) == 1, "only the changed column is listed"
    assert {c.field for c in insert.changes} >= {"title", "icb_id"}


def test_bulk_update_of_budgets_is_recorded_before_and_after_with_the_user(universe):
    with pghistory.context(user=universe.commissioner.pk):
        plan = finance.create_plan(
            by=universe.commissioner, title="Plan", first_year=2026,
            allocation="1000000.00", allocation_growth="0.03",
        )  # fmt: skip
        for setting in ("acute", "community"):
            finance.add_budget(
                by=universe.commissioner, plan=plan, setting=setting, budget="1000.00", growth="0"
            )
    with pghistory.context(user=universe.analyst.pk, url="/bulk"):
        changed = ProgrammeBudget.objects.filter(plan=plan).update(budget=F("budget") + 500)
    assert changed == 2
    updates = ProgrammeBudgetEvent.objects.filter(pgh_label="update").order_by("pgh_id")
    assert len(updates) == 2
    for event in updates:
        assert event.pgh_context["user"] == universe.analyst.pk
        assert D(str(event.pgh_before["budget"])) == D("1000.00") and event.budget == D("1500.00")
    entry = queries.history_of("programme-budget", updates[0].pgh_obj_id)[0]
    assert [(c.field, c.before, c.after) for c in entry.changes] == [
        ("budget", D("1000.00"), D("1500.00"))
    ]


def test_contract_delete_keeps_the_old_row(universe):
    contract = f.ContractFactory(commissioner=universe.north_org, provider=universe.provider_a)
    pk, reference = contract.pk, contract.reference
    with pghistory.context(user=universe.commissioner.pk):
        contract.delete()
    deleted = ContractEvent.objects.get(pgh_obj_id=pk, pgh_label="delete")
    assert deleted.reference == reference and deleted.pgh_context["user"] == (
        universe.commissioner.pk
    )
    entry = queries.history_of("contract", pk)[0]
    assert entry.action == "delete"
    assert ("reference", reference, None) in [(c.field, c.before, c.after) for c in entry.changes]


def test_user_history_is_role_activity_and_organisation_only(universe):
    user = universe.analyst
    before = UserEvent.objects.filter(pgh_obj_id=user.pk).count()
    user.set_password("a new long password 123")
    user.last_login = user.date_joined
    user.first_name = "Ann"
    user.save()
    assert UserEvent.objects.filter(pgh_obj_id=user.pk).count() == before, "not tracked"
    with pghistory.context(user=universe.commissioner.pk):
        User.objects.filter(pk=user.pk).update(role=Role.PARTNER, is_active=False)
    entry = queries.history_of("user", user.pk)[0]
    assert entry.username == "commissioner"
    assert {(c.field, c.before, c.after) for c in entry.changes} == {
        ("role", Role.ANALYST, Role.PARTNER),
        ("is_active", True, False),
    }
    columns = {field.name for field in UserEvent._meta.fields}
    assert not columns & {"password", "last_login", "email", "first_name", "username"}


def test_committee_vote_and_decision_are_recorded(universe):
    by, rep = universe.commissioner, universe.provider_a_rep
    committee = committees.create_committee(by=by, name="Joint committee")
    seat = committees.add_member(
        by=by, committee=committee, organisation=universe.provider_a, user=rep, role="Provider"
    )
    held_at = timezone.make_aware(dt.datetime(2026, 12, 3, 10))
    meeting = committees.schedule_meeting(by=by, committee=committee, title="Dec", held_at=held_at)
    item = committees.add_item(by=by, meeting=meeting, title="Renew A")
    with pghistory.context(user=rep.pk):
        vote = committees.cast_vote(by=rep, item=item, choice="for", member=seat)
    with pghistory.context(user=by.pk):
        committees.record_decision(by=by, item=item, decision="Renew for two years")
    (cast,) = queries.history_of("committee-vote", vote.pk)
    assert cast.action == "insert" and cast.username == rep.username
    assert ("choice", None, "for") in [(c.field, c.before, c.after) for c in cast.changes]
    decided = queries.history_of("decision-item", item.pk)[0]
    assert decided.username == "commissioner"
    changes = {c.field: (c.before, c.after) for c in decided.changes}
    assert changes["decision"] == ("", "Renew for two years")
    assert changes["decided_at"][0] is None and changes["decided_at"][1] is not None
    assert queries.history_of("committee-member", seat.pk)[0].action == "insert"


def test_no_password_hash_or_token_hash_reaches_the_history(universe):
    user = universe.analyst
    issued = issue_token(user=user, by=user)
    user.set_password("another long password 456")
    with pghistory.context(user=user.pk):
        user.save()
        User.objects.filter(pk=user.pk).update(role=Role.COMMISSIONER)
    secrets = [user.password, ApiToken.objects.get(pk=issued.token.pk).key_hash, issued.raw]
    with connection.cursor() as cursor:
        for _, event in TRACKED.values():
            cursor.execute(f'SELECT row_to_json(e)::text FROM "{event._meta.db_table}" e')  # noqa: S608
            text = "\n".join(row[0] for row in cursor.fetchall())
            for secret in secrets:
                assert secret not in text, event


@pytest.mark.parametrize("statement", ["UPDATE {t} SET pgh_label = 'x'", "DELETE FROM {t}"])
def test_event_tables_refuse_update_and_delete(universe, statement):
    f.ContractFactory(commissioner=universe.north_org, provider=universe.provider_b)
    table = ContractEvent._meta.db_table
    assert ContractEvent.objects.exists()
    with (
        pytest.raises(DatabaseError, match="append_only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(t=table))
    assert not ContractEvent.objects.filter(pgh_label="x").exists()
