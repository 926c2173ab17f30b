"""The strategy's life: creation with default criteria, the state machine, approvals,
versions frozen and comparable, read-only after approval, revision."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commissioning.models import AuditEvent, CommissioningCycle, SegmentationModel
from needs_assessment.models import INAStatus, NeedsAssessment, NeedsProfile
from strategy.lifecycle import actions, compare, rules
from strategy.models import Criterion, StrategyApproval, StrategyStatus, StrategyVersion
from tests import factories as f
from tests.strategy import factories as sf

pytestmark = pytest.mark.django_db
S = StrategyStatus


def approved_ina(universe, *, icb=None, status=INAStatus.APPROVED) -> NeedsAssessment:
    icb = icb or universe.north
    snapshot = f.PopulationSnapshotFactory(icb=icb)
    model = SegmentationModel.objects.create(
        icb=icb, name=f"Segments {SegmentationModel.objects.count()}"
    )
    profile = NeedsProfile.objects.create(
        snapshot=snapshot, segmentation_model=model, people=1603, computed_at=timezone.now()
    )
    return NeedsAssessment.objects.create(
        icb=icb,
        cycle=CommissioningCycle.objects.create(
            icb=icb, financial_year=2000 + NeedsAssessment.objects.count()
        ),
        profile=profile,
        title="Integrated Needs Assessment",
        status=status,
    )


def new_strategy(universe, **overrides):
    fields = {
        "icb": universe.north,
        "cycle": CommissioningCycle.objects.get_or_create(icb=universe.north, financial_year=2026)[
            0
        ],
        "level": "icb",
        "area": universe.north,
        "title": "North PHIP 2026 to 2031",
        "vision": "Healthier for longer.",
        "first_year": 2026,
        "needs_assessment": approved_ina(universe),
        "by": universe.commissioner,
    }
    fields.update(overrides)
    return actions.create_strategy(**fields)


def test_create_strategy_seeds_the_six_default_criteria_with_weight_one(universe):
    strategy = new_strategy(universe)
    assert strategy.status == S.DRAFT and strategy.version == 1
    criteria = list(Criterion.objects.filter(strategy=strategy))
    assert [c.code for c in criteria] == [code for code, _, _ in actions.DEFAULT_CRITERIA]
    assert {c.weight for c in criteria} == {Decimal("1")}
    assert "Fit with the three shifts" in [c.name for c in criteria]
    assert AuditEvent.objects.filter(verb="strategy.create", object_id=str(strategy.pk)).exists()


def test_create_strategy_refuses_bad_input_and_saves_nothing(universe):
    with pytest.raises(ValidationError) as error:
        new_strategy(universe, title="  ")
    assert error.value.message_dict == {"title": ["Enter a title."]}
    with pytest.raises(ValidationError, match="approved needs assessment"):
        new_strategy(universe, needs_assessment=approved_ina(universe, status=INAStatus.DRAFT))
    with pytest.raises(ValidationError, match="approved needs assessment"):
        new_strategy(universe, needs_assessment=approved_ina(universe, icb=universe.south))
    with pytest.raises(ValidationError, match="Choose a place of North ICB"):
        new_strategy(universe, level="place", area=universe.neighbourhood)
    with pytest.raises(ValidationError, match="another ICB"):
        new_strategy(universe, cycle=f.CycleFactory(icb=universe.south))
    for user in (universe.analyst, universe.provider_a_rep, universe.partner, universe.outsider):
        with pytest.raises(PermissionDenied):
            new_strategy(universe, by=user)
    assert not Criterion.objects.exists()
    place = new_strategy(universe, level="place", area=universe.place, needs_assessment=None)
    assert place.area == universe.place


def with_priority(strategy):
    priority = sf.PriorityFactory(strategy=strategy, title="Frailty")
    return priority


def test_the_full_flow_records_who_when_and_which_version(universe):
    strategy = new_strategy(universe)
    with_priority(strategy)
    who = universe.commissioner
    first = actions.move_to(strategy=strategy, status=S.CONSULTATION, by=who, note="Go")
    strategy.refresh_from_db()
    assert strategy.status == S.CONSULTATION and strategy.version == 1
    assert first.version.number == 1 and first.by == who and first.at is not None
    assert (first.from_status, first.to_status, first.note) == (S.DRAFT, S.CONSULTATION, "Go")
    approval = actions.move_to(strategy=strategy, status=S.APPROVED, by=who)
    publication = actions.move_to(strategy=strategy, status=S.PUBLISHED, by=who)
    # nothing changed in between: the consulted version is the approved and published one
    assert approval.version == first.version == publication.version
    assert StrategyVersion.objects.filter(strategy=strategy).count() == 1
    assert list(
        StrategyApproval.objects.filter(strategy=strategy).values_list("to_status", flat=True)
    ) == [S.CONSULTATION, S.APPROVED, S.PUBLISHED]
    assert AuditEvent.objects.filter(verb="strategy.move").count() == 3


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        (S.DRAFT, S.APPROVED, "send it to consultation first"),
        (S.DRAFT, S.PUBLISHED, "Only an approved strategy can be published"),
        (S.CONSULTATION, S.PUBLISHED, "Only an approved strategy can be published"),
        (S.APPROVED, S.DRAFT, "Start a revision"),
        (S.PUBLISHED, S.CONSULTATION, "Start a revision"),
        (S.DRAFT, S.DRAFT, "already draft"),
        (S.DRAFT, "rejected", "There is no status called 'rejected'"),
    ],
)
def test_refused_transitions_say_why(universe, start, target, message):
    strategy = sf.StrategyFactory(icb=universe.north, status=start)
    with_priority(strategy)
    with pytest.raises(ValidationError, match=message):
        actions.move_to(strategy=strategy, status=target, by=universe.commissioner)
    strategy.refresh_from_db()
    assert strategy.status == start and not StrategyApproval.objects.exists()
    assert not StrategyVersion.objects.exists()


def test_approval_needs_the_approve_permission_and_the_icb(universe):
    strategy = sf.StrategyFactory(icb=universe.north, status=S.CONSULTATION)
    with_priority(strategy)
    with pytest.raises(PermissionDenied, match="approval rights"):
        actions.move_to(strategy=strategy, status=S.APPROVED, by=universe.analyst)
    for user in (universe.outsider, universe.provider_a_rep, universe.partner):
        with pytest.raises(PermissionDenied):
            actions.move_to(strategy=strategy, status=S.APPROVED, by=user)
    assert not StrategyApproval.objects.exists()


def test_a_strategy_without_priorities_cannot_go_to_consultation(universe):
    strategy = new_strategy(universe)
    with pytest.raises(ValidationError, match="no priorities yet"):
        actions.move_to(strategy=strategy, status=S.CONSULTATION, by=universe.commissioner)


def test_back_to_draft_then_edits_make_the_next_version(universe):
    strategy = new_strategy(universe)
    priority = with_priority(strategy)
    who = universe.commissioner
    actions.move_to(strategy=strategy, status=S.CONSULTATION, by=who)
    back = actions.move_to(strategy=strategy, status=S.DRAFT, by=who, note="More work")
    strategy.refresh_from_db()
    assert back.version.number == 1 and strategy.version == 2 and strategy.status == S.DRAFT
    priority.title = "Frailty and falls"
    priority.save()
    again = actions.move_to(strategy=strategy, status=S.CONSULTATION, by=who)
    strategy.refresh_from_db()
    assert again.version.number == 2 and strategy.version == 2
    older = StrategyVersion.objects.get(strategy=strategy, number=1)
    assert older.content["priorities"][0]["title"] == "Frailty"  # frozen
    assert again.version.content["priorities"][0]["title"] == "Frailty and falls"


def test_version_freezes_the_whole_strategy(universe):
    strategy = new_strategy(universe)
    finding = f.FindingFactory(cycle=strategy.cycle, title="Frailty admissions are high")
    priority = with_priority(strategy)
    priority.findings.add(finding)
    member = sf.PanelMemberFactory(strategy=strategy, name="Dr Ade")
    criterion = strategy.criteria.get(code="scale_of_need")
    sf.ScoreFactory(priority=priority, criterion=criterion, member=member, score=4)
    outcome = sf.OutcomeFactory(priority=priority, baseline_value=1000.0, target_value=850.0)
    sf.InterventionFactory(priority=priority, outcome=outcome, name="Falls service")
    pathway = sf.CarePathwayFactory(strategy=strategy, name="Frailty pathway")
    stage = sf.PathwayStageFactory(pathway=pathway, stage="crisis")
    stage.providers.add(universe.provider_a)
    sf.EngagementActivityFactory(strategy=strategy, title="Listening event")
    version = actions.take_version(
        strategy=strategy, note="Before the panel", by=universe.commissioner
    )
    content = version.content
    assert version.number == 1 and version.note == "Before the panel"
    assert content["strategy"]["title"] == strategy.title
    assert content["priorities"][0]["findings"][0]["title"] == "Frailty admissions are high"
    assert len(content["criteria"]) == 6 and content["criteria"][0]["weight"] == 1.0
    assert content["panel"][0]["name"] == "Dr Ade"
    assert content["scores"][0]["score"] == 4
    assert content["ranking"][0] == {
        "priority": priority.pk,
        "title": "Frailty",
        "total": 75.0,
        "rank": 1,
    }
    assert content["outcomes"][0]["baseline"]["value"] == 1000.0
    assert content["outcomes"][0]["trajectory"] == [970.0, 940.0, 910.0, 880.0, 850.0]
    assert content["interventions"][0]["name"] == "Falls service"
    assert content["pathways"][0]["stages"][0]["providers"] == ["Provider A Hospitals"]
    assert content["engagement"][0]["title"] == "Listening event"
    assert actions.unchanged_since(strategy, version)
    with pytest.raises(PermissionDenied):
        actions.take_version(strategy=strategy, note="", by=universe.partner)


def test_a_weight_change_shows_up_in_the_comparison_with_its_ranking(universe):
    strategy = new_strategy(universe)
    need = strategy.criteria.get(code="scale_of_need")
    money = strategy.criteria.get(code="value_for_money")
    member = sf.PanelMemberFactory(strategy=strategy)
    first = sf.PriorityFactory(strategy=strategy, title="Frailty")
    second = sf.PriorityFactory(strategy=strategy, title="Diabetes")
    for priority, (on_need, on_money) in ((first, (5, 1)), (second, (2, 3))):
        sf.ScoreFactory(priority=priority, criterion=need, member=member, score=on_need)
        sf.ScoreFactory(priority=priority, criterion=money, member=member, score=on_money)
    old = actions.take_version(strategy=strategy, note="", by=universe.commissioner)
    # equal weights: Frailty (100+0)/2 = 50, Diabetes (25+50)/2 = 37.5
    assert [r["title"] for r in old.content["ranking"]] == ["Frailty", "Diabetes"]
    need.weight = Decimal("0.2")
    need.save()
    money.weight = Decimal("3")
    money.save()
    new = actions.take_version(strategy=strategy, note="", by=universe.commissioner)
    # Frailty (0.2*100 + 3*0)/3.2 = 6.25; Diabetes (0.2*25 + 3*50)/3.2 = 48.4375
    result = compare.compare(old.content, new.content)
    assert result["has_changes"]
    weights = next(s for s in result["sections"] if s["key"] == "criteria")["items"]
    assert {(i["label"], d["from"], d["to"]) for i in weights for d in i["details"]} == {
        ("Scale of need", 1.0, 0.2),
        ("Value for money", 1.0, 3.0),
    }
    ranking = {r["title"]: r for r in result["ranking"]}
    assert (ranking["Diabetes"]["from_rank"], ranking["Diabetes"]["to_rank"]) == (2, 1)
    assert ranking["Diabetes"]["moved"] == "up" and ranking["Frailty"]["moved"] == "down"
    assert ranking["Diabetes"]["to_total"] == pytest.approx(48.4375)
    assert result["ranking_changed"]


def test_comparison_names_priorities_added_removed_renamed_and_outcome_targets(universe):
    strategy = new_strategy(universe)
    kept = sf.PriorityFactory(strategy=strategy, title="Frailty")
    gone = sf.PriorityFactory(strategy=strategy, title="Asthma")
    outcome = sf.OutcomeFactory(priority=kept, target_value=850.0)
    intervention = sf.InterventionFactory(priority=kept, name="Falls service")
    old = actions.take_version(strategy=strategy, note="", by=universe.commissioner)
    kept.title = "Frailty and falls"
    kept.save()
    gone.delete()
    sf.PriorityFactory(strategy=strategy, title="Mental health")
    outcome.target_value = 800.0
    outcome.save()
    intervention.expected_effect = -0.25
    intervention.save()
    new = actions.take_version(strategy=strategy, note="", by=universe.commissioner)
    sections = {s["key"]: s["items"] for s in compare.compare(old.content, new.content)["sections"]}
    kinds = {(i["kind"], i["label"]) for i in sections["priorities"]}
    assert ("renamed", "Frailty and falls") in kinds
    assert ("added", "Mental health") in kinds and ("removed", "Asthma") in kinds
    target = sections["outcomes"][0]["details"]
    assert {
        "field": "target_value",
        "label": "Year-5 target",
        "from": 850.0,
        "to": 800.0,
        "from_text": "850",
        "to_text": "800",
    } in target
    assert sections["interventions"][0]["details"][0]["to"] == -0.25
    same = compare.compare(new.content, new.content)
    assert not same["has_changes"]


def test_approved_and_published_strategies_are_read_only_until_revised(universe):
    strategy = new_strategy(universe)
    with_priority(strategy)
    who = universe.commissioner
    for status in (S.CONSULTATION, S.APPROVED):
        actions.move_to(strategy=strategy, status=status, by=who)
    strategy.refresh_from_db()
    assert not rules.can_edit(who, strategy)
    with pytest.raises(ValidationError, match="read-only. Start a revision"):
        actions.update_strategy(strategy=strategy, title="New", vision="", by=who)
    with pytest.raises(ValidationError, match="read-only"):
        rules.require_editable(strategy=strategy, by=who)
    actions.move_to(strategy=strategy, status=S.PUBLISHED, by=who)
    revision = actions.start_revision(strategy=strategy, by=who, note="Year 2 refresh")
    strategy.refresh_from_db()
    assert (revision.from_status, revision.to_status) == (S.PUBLISHED, S.DRAFT)
    assert revision.version.number == 1 and strategy.version == 2
    assert strategy.status == S.DRAFT and rules.can_edit(who, strategy)
    actions.update_strategy(strategy=strategy, title="North PHIP, refreshed", vision="", by=who)
    assert (
        StrategyVersion.objects.get(strategy=strategy, number=1).content["strategy"]["title"]
        == "North PHIP 2026 to 2031"
    )
    with pytest.raises(ValidationError, match="can be changed as it is"):
        actions.start_revision(strategy=strategy, by=who)


def test_update_strategy_is_for_commissioners_of_the_icb(universe):
    strategy = new_strategy(universe)
    for user in (universe.analyst, universe.outsider, universe.provider_a_rep):
        with pytest.raises(PermissionDenied):
            actions.update_strategy(strategy=strategy, title="X", vision="", by=user)
    with pytest.raises(ValidationError, match="Enter a title"):
        actions.update_strategy(strategy=strategy, title="", vision="", by=universe.commissioner)
    strategy.refresh_from_db()
    assert strategy.title == "North PHIP 2026 to 2031"
