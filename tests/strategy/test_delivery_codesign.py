"""Care pathway and engagement (co-design record) actions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commissioning.models import AuditEvent
from strategy.delivery import actions, queries
from strategy.models import CarePathway, EngagementActivity, PathwayStage, StrategyStatus
from tests.strategy import factories as sf
from tests.strategy.test_delivery_world import set_status, world  # noqa: F401

pytestmark = pytest.mark.django_db


def pathway(world, **overrides) -> CarePathway:  # noqa: F811
    fields = {
        "name": "Frailty pathway",
        "priority": world.priority,
        "segment": world.frailty,
        "by": world.u.commissioner,
    }
    return actions.add_pathway(strategy=world.strategy, **(fields | overrides))


def activity(world, **overrides) -> EngagementActivity:  # noqa: F811
    fields = {
        "title": "Riverside listening event",
        "date": date(2026, 1, 20),
        "method": "Workshop",
        "participant_groups": ["communities", "lived_experience"],
        "participants": 31,
        "what_they_said": "Getting to the hospital is hard without a car.",
        "what_changed": "Added community transport to the frailty pathway.",
        "priorities": [world.priority],
        "by": world.u.commissioner,
    }
    return actions.add_engagement(strategy=world.strategy, **(fields | overrides))


# ------------------------------------------------------------------------------ pathways


def test_pathway_with_stages_and_providers(world):  # noqa: F811
    care = pathway(world)
    actions.set_pathway_stage(
        pathway=care,
        stage="prevention",
        description="Strength and balance classes.",
        providers=[world.u.provider_b, world.u.council],
        by=world.u.commissioner,
    )
    actions.set_pathway_stage(
        pathway=care, stage="crisis", providers=[world.u.provider_a.pk], by=world.u.commissioner
    )
    rows = queries.stage_rows(care)
    assert [r["kind"] for r in rows] == [
        "prevention",
        "early_intervention",
        "management",
        "crisis",
        "end_of_life",
    ]
    assert {o.name for o in rows[0]["stage"].providers.all()} == {
        "Provider B Community",
        "North Council",
    }
    assert rows[1]["stage"] is None
    assert [o.name for o in rows[3]["stage"].providers.all()] == ["Provider A Hospitals"]
    verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == [
        "strategy.pathway.add",
        "strategy.pathway.stage_add",
        "strategy.pathway.stage_add",
    ]


def test_setting_a_stage_again_replaces_it(world):  # noqa: F811
    care = pathway(world)
    actions.set_pathway_stage(
        pathway=care, stage="management", providers=[world.u.provider_a], by=world.u.commissioner
    )
    stage = actions.set_pathway_stage(
        pathway=care,
        stage="management",
        description="Case management by the community team.",
        providers=[world.u.provider_b],
        by=world.u.commissioner,
    )
    assert PathwayStage.objects.filter(pathway=care).count() == 1
    assert [o.pk for o in stage.providers.all()] == [world.u.provider_b.pk]
    assert AuditEvent.objects.filter(verb="strategy.pathway.stage_update").exists()
    actions.remove_pathway_stage(stage=stage, by=world.u.commissioner)
    assert not PathwayStage.objects.exists()


def test_pathway_stage_refuses_unknown_stage_and_unseen_providers(world):  # noqa: F811
    care = pathway(world)
    with pytest.raises(ValidationError) as error:
        actions.set_pathway_stage(
            pathway=care,
            stage="aftercare",
            providers=[world.u.contract_south.provider, world.u.south_org],
            by=world.u.commissioner,
        )
    assert set(error.value.message_dict) == {"stage", "providers"}
    with pytest.raises(ValidationError, match="not an organisation you can name"):
        actions.set_pathway_stage(
            pathway=care, stage="crisis", providers=[world.u.north_org], by=world.u.commissioner
        )
    assert not PathwayStage.objects.exists()


def test_pathway_refuses_bad_input(world):  # noqa: F811
    other = sf.PriorityFactory()  # another strategy's priority
    with pytest.raises(ValidationError) as error:
        pathway(world, name=" ", priority=other)
    assert set(error.value.message_dict) == {"name", "priority"}
    assert not CarePathway.objects.exists()


def test_update_and_delete_pathway(world):  # noqa: F811
    care = pathway(world)
    actions.update_pathway(
        pathway=care,
        name="Ageing well",
        priority=None,
        segment=None,
        description="For everyone over 75.",
        by=world.u.commissioner,
    )
    care.refresh_from_db()
    assert (care.name, care.priority, care.segment) == ("Ageing well", None, None)
    actions.delete_pathway(pathway=care, by=world.u.commissioner)
    assert not CarePathway.objects.exists()


@pytest.mark.parametrize("status", [StrategyStatus.APPROVED, StrategyStatus.PUBLISHED])
def test_pathway_and_engagement_refused_on_approved_and_published(world, status):  # noqa: F811
    care = pathway(world)
    record = activity(world)
    set_status(world.strategy, status)
    for attempt in (
        lambda: pathway(world),
        lambda: actions.set_pathway_stage(pathway=care, stage="crisis", by=world.u.commissioner),
        lambda: actions.delete_pathway(pathway=care, by=world.u.commissioner),
        lambda: activity(world),
        lambda: actions.delete_engagement(activity=record, by=world.u.commissioner),
    ):
        with pytest.raises(ValidationError, match="read-only"):
            attempt()
    assert CarePathway.objects.count() == EngagementActivity.objects.count() == 1


def test_pathway_and_engagement_refused_for_other_roles(world):  # noqa: F811
    for user in (world.u.analyst, world.u.provider_a_rep, world.u.partner, world.u.outsider):
        with pytest.raises(PermissionDenied):
            pathway(world, by=user)
        with pytest.raises(PermissionDenied):
            activity(world, by=user)


# ---------------------------------------------------------------------------- engagement


def test_engagement_recorded_with_groups_and_priorities(world):  # noqa: F811
    record = activity(world)
    assert record.participant_groups == ["communities", "lived_experience"]
    assert list(record.priorities.all()) == [world.priority]
    assert record.created_by == world.u.commissioner
    event = AuditEvent.objects.get(verb="strategy.engagement.add")
    assert event.data["groups"] == ["communities", "lived_experience"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"method": ""}, "method"),
        ({"what_they_said": "  "}, "what_they_said"),
        ({"participant_groups": []}, "participant_groups"),
        ({"participant_groups": ["everyone"]}, "participant_groups"),
        ({"participants": -3}, "participants"),
        ({"date": None}, "date"),
        ({"date": timezone.localdate() + timedelta(days=1)}, "date"),
        ({"priorities": "another strategy's"}, "priorities"),
    ],
)
def test_engagement_refuses_bad_input(world, overrides, field):  # noqa: F811
    if "priorities" in overrides:
        overrides = {"priorities": [sf.PriorityFactory()]}  # of a strategy of its own
    with pytest.raises(ValidationError) as error:
        activity(world, **overrides)
    assert field in error.value.message_dict
    assert not EngagementActivity.objects.exists()


def test_engagement_groups_deduplicated_and_updated(world):  # noqa: F811
    record = activity(world, participant_groups=["partners", "partners", "carers"])
    assert record.participant_groups == ["partners", "carers"]
    actions.update_engagement(
        activity=record,
        title="Riverside listening event",
        date=date(2026, 1, 21),
        method="Focus group",
        participant_groups=["vcse"],
        participants=12,
        what_they_said="More help for carers.",
        what_changed="",
        priorities=[],
        by=world.u.commissioner,
    )
    record.refresh_from_db()
    assert (record.method, record.participant_groups, record.participants) == (
        "Focus group",
        ["vcse"],
        12,
    )
    assert not record.priorities.exists()
    actions.delete_engagement(activity=record, by=world.u.commissioner)
    assert not EngagementActivity.objects.exists()
    assert AuditEvent.objects.filter(verb="strategy.engagement.delete").exists()
