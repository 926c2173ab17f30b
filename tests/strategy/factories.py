"""One factory per stage 2 model (strategy/models). Shared by every stage 2 test module.

A strategy made by `StrategyFactory(icb=universe.north)` belongs to that ICB, covers it
and is of that ICB's 2026 cycle (made if missing; pass cycle= for another). Child
factories (priorities, criteria, outcomes…) take `strategy=` or `priority=` so they
hang off the same strategy; scores take a priority, criterion and member that should
share a strategy.
"""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from commissioning.models import CommissioningCycle
from strategy.models import (
    CarePathway,
    Criterion,
    EngagementActivity,
    Intervention,
    Outcome,
    PanelMember,
    PathwayStage,
    Priority,
    Score,
    Strategy,
    StrategyApproval,
    StrategyComment,
    StrategyShare,
    StrategyStatus,
    StrategyVersion,
)
from tests import factories as f


class StrategyFactory(DjangoModelFactory):
    """A draft ICB-level strategy. No default criteria: use
    strategy.lifecycle.actions.create_strategy for those."""

    class Meta:
        model = Strategy

    icb = factory.SubFactory(f.IcbAreaFactory)
    # The ICB's 2026 cycle (made if missing), so several strategies can share a cycle.
    cycle = factory.LazyAttribute(
        lambda o: CommissioningCycle.objects.get_or_create(icb=o.icb, financial_year=2026)[0]
    )
    level = "icb"
    area = factory.SelfAttribute("icb")
    title = factory.Sequence(lambda n: f"Population Health Improvement Plan {n}")
    vision = "Everyone lives well for longer, and the gap between neighbourhoods narrows."
    first_year = 2026
    horizon_years = 5
    status = StrategyStatus.DRAFT
    version = 1


class StrategyVersionFactory(DjangoModelFactory):
    class Meta:
        model = StrategyVersion

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.LazyFunction(
        lambda: {"priorities": [], "criteria": [], "outcomes": [], "interventions": []}
    )
    note = "Test version"


class StrategyApprovalFactory(DjangoModelFactory):
    class Meta:
        model = StrategyApproval

    strategy = factory.SubFactory(StrategyFactory)
    version = factory.SubFactory(
        StrategyVersionFactory, strategy=factory.SelfAttribute("..strategy")
    )
    from_status = StrategyStatus.DRAFT
    to_status = StrategyStatus.CONSULTATION
    by = factory.SubFactory(f.UserFactory)
    note = ""


class StrategyShareFactory(DjangoModelFactory):
    class Meta:
        model = StrategyShare

    strategy = factory.SubFactory(StrategyFactory)
    organisation = factory.SubFactory(
        f.OrganisationFactory, icb=factory.SelfAttribute("..strategy.icb")
    )


class StrategyCommentFactory(DjangoModelFactory):
    """A comment; pass author= (a provider or partner user) and its organisation follows."""

    class Meta:
        model = StrategyComment

    strategy = factory.SubFactory(StrategyFactory)
    version_number = factory.SelfAttribute("strategy.version")
    author = factory.SubFactory(f.UserFactory)
    organisation = factory.SelfAttribute("author.organisation")
    text = "Please say more about how the community services will be staffed."
    response = ""


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = Priority

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    description = "Reduce avoidable emergency admissions."
    group = ""
    cohort_size = 1200


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    strategy = factory.SubFactory(StrategyFactory)
    code = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1.000")
    order = factory.Sequence(lambda n: n)


class PanelMemberFactory(DjangoModelFactory):
    class Meta:
        model = PanelMember

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Panel member {n}")
    kind = "icb"


class ScoreFactory(DjangoModelFactory):
    """A score; give priority, criterion and member of the same strategy."""

    class Meta:
        model = Score

    priority = factory.SubFactory(PriorityFactory)
    criterion = factory.SubFactory(
        CriterionFactory, strategy=factory.SelfAttribute("..priority.strategy")
    )
    member = factory.SubFactory(
        PanelMemberFactory, strategy=factory.SelfAttribute("..priority.strategy")
    )
    score = 3
    rationale = "Sound evidence of need in the needs assessment."


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = Outcome

    priority = factory.SubFactory(PriorityFactory)
    indicator = factory.SubFactory(f.IndicatorFactory)
    domain = "clinical"
    area = factory.SelfAttribute("priority.strategy.area")
    baseline_value = 1200.0
    baseline_lower = 1100.0
    baseline_upper = 1300.0
    baseline_period_start = date(2025, 4, 1)
    baseline_period_end = date(2026, 3, 31)
    target_value = 1000.0
    profile = "linear"
    owner = "Director of Population Health"


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    priority = factory.SubFactory(PriorityFactory)
    name = factory.Sequence(lambda n: f"Intervention {n}")
    description = "Proactive care for people with moderate frailty."
    cohort_size = 500
    evidence_source = "NICE NG56"
    evidence_strength = "moderate"
    expected_effect = -0.15
    cost_per_year = Decimal("250000.00")
    start_year = 1


class CarePathwayFactory(DjangoModelFactory):
    class Meta:
        model = CarePathway

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Pathway {n}")
    description = "From prevention to end of life."


class PathwayStageFactory(DjangoModelFactory):
    class Meta:
        model = PathwayStage

    pathway = factory.SubFactory(CarePathwayFactory)
    stage = "prevention"
    description = "Case finding in primary care."


class EngagementActivityFactory(DjangoModelFactory):
    class Meta:
        model = EngagementActivity

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Community workshop {n}")
    date = date(2026, 1, 15)
    method = "Workshop"
    participant_groups = factory.LazyFunction(lambda: ["communities", "lived experience"])
    participants = 24
    what_they_said = "Transport to appointments is the biggest barrier."
    what_changed = "Added a community transport intervention."
