"""One factory per core model. Stage apps add theirs beside these."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from commissioning.models import (
    Area,
    AreaLevel,
    CommissioningCycle,
    Contract,
    Finding,
    Indicator,
    IndicatorValue,
    Organisation,
    OrganisationKind,
    PaymentModel,
    PopulationSnapshot,
    ProviderSector,
    Role,
    Run,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"A{n:07d}")
    name = factory.Sequence(lambda n: f"Area {n}")
    level = AreaLevel.FOOTPRINT


class IcbAreaFactory(AreaFactory):
    class Meta:
        model = Area
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"E54{n:06d}")
    name = factory.Sequence(lambda n: f"ICB {n}")
    level = AreaLevel.ICB
    parent = factory.SubFactory(AreaFactory)

    @factory.post_generation
    def point_at_self(obj, create, extracted, **kwargs):
        obj.icb = obj
        if create:
            obj.save(update_fields=["icb"])


class PlaceFactory(AreaFactory):
    level = AreaLevel.PLACE
    parent = factory.SubFactory(IcbAreaFactory)
    icb = factory.SelfAttribute("parent.icb")


class NeighbourhoodFactory(AreaFactory):
    level = AreaLevel.NEIGHBOURHOOD
    parent = factory.SubFactory(PlaceFactory)
    icb = factory.SelfAttribute("parent.icb")


class LsoaFactory(AreaFactory):
    code = factory.Sequence(lambda n: f"E01{n:06d}")
    level = AreaLevel.LSOA
    parent = factory.SubFactory(NeighbourhoodFactory)
    icb = factory.SelfAttribute("parent.icb")
    imd_decile = 5
    population = 1500


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"R{n:04d}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.NHS_TRUST
    sector = ProviderSector.ACUTE
    icb = factory.SubFactory(IcbAreaFactory)


class IcbOrganisationFactory(OrganisationFactory):
    ods_code = factory.Sequence(lambda n: f"Q{n:03d}")
    kind = OrganisationKind.ICB
    sector = ""


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(IcbOrganisationFactory)
    role = Role.COMMISSIONER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    commissioner = factory.SubFactory(IcbOrganisationFactory)
    provider = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"CON-{n:04d}")
    title = factory.Sequence(lambda n: f"Service contract {n}")
    service = "Urgent and emergency care"
    start_date = date(2026, 4, 1)
    end_date = date(2029, 3, 31)
    annual_value = Decimal("1250000.00")
    payment_model = PaymentModel.ALIGNED


class PopulationSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = PopulationSnapshot

    icb = factory.SubFactory(IcbAreaFactory)
    period_start = date(2025, 4, 1)
    period_end = date(2026, 3, 31)
    source = "Test data"


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"IND{n:03d}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    definition = "A test indicator."
    unit = "per 100,000"
    polarity = "lower"
    source = "Test"


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.SubFactory(PlaceFactory)
    period_start = date(2025, 4, 1)
    period_end = date(2026, 3, 31)
    value = 1234.5


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = CommissioningCycle

    icb = factory.SubFactory(IcbAreaFactory)
    financial_year = 2026


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    cycle = factory.SubFactory(CycleFactory)
    stage = "needs_assessment"
    title = factory.Sequence(lambda n: f"Finding {n}")
    summary = "Emergency admissions are twice as high in the most deprived neighbourhoods."


class RunFactory(DjangoModelFactory):
    class Meta:
        model = Run

    kind = "population_summary"
