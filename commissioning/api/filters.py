"""Query filters for the API's list endpoints.

Related objects are filtered by plain id (`NumberFilter`), never by a model choice
filter: a choice filter checks the id against every row in the table and answers 400 for
an unknown one, which would tell a user whether another ICB's object exists. A plain id
filter just narrows the user's own (already scoped) rows.
"""

from __future__ import annotations

import django_filters as filters
from django import forms

from commissioning.models import (
    Area,
    AreaLevel,
    CommissioningCycle,
    Contract,
    ContractStatus,
    CycleStatus,
    Finding,
    FindingStage,
    FindingStatus,
    Indicator,
    IndicatorValue,
    Organisation,
    OrganisationKind,
    PaymentModel,
    Polarity,
    PopulationSnapshot,
    ProviderSector,
    Run,
    RunStatus,
    SegmentationModel,
    SnapshotStatus,
)


class WholeNumberFilter(filters.Filter):
    """A whole number (ids, years); the schema types it from the model field."""

    field_class = forms.IntegerField


class IdFilter(WholeNumberFilter):
    """The id of a related object."""


class AreaFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=AreaLevel.choices)
    parent = IdFilter(field_name="parent", help_text="Id of the parent area.")
    code = filters.CharFilter(lookup_expr="iexact", help_text="e.g. E01000001.")

    class Meta:
        model = Area
        fields = ["level", "parent", "code"]


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices)
    sector = filters.ChoiceFilter(choices=ProviderSector.choices)
    ods_code = filters.CharFilter(lookup_expr="iexact", help_text="e.g. RAA.")

    class Meta:
        model = Organisation
        fields = ["kind", "sector", "ods_code"]


class ContractFilter(filters.FilterSet):
    provider = IdFilter(field_name="provider", help_text="Id of the provider.")
    payment_model = filters.ChoiceFilter(choices=PaymentModel.choices)
    status = filters.ChoiceFilter(choices=ContractStatus.choices)

    class Meta:
        model = Contract
        fields = ["provider", "payment_model", "status"]


class PopulationSnapshotFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=SnapshotStatus.choices)
    period_end = filters.DateFromToRangeFilter(
        help_text="period_end_after / period_end_before (YYYY-MM-DD), inclusive."
    )

    class Meta:
        model = PopulationSnapshot
        fields = ["status", "period_end"]


class SegmentationModelFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    is_published = filters.BooleanFilter()

    class Meta:
        model = SegmentationModel
        fields = ["name", "is_published"]


class IndicatorFilter(filters.FilterSet):
    code = filters.CharFilter(lookup_expr="iexact")
    polarity = filters.ChoiceFilter(choices=Polarity.choices)

    class Meta:
        model = Indicator
        fields = ["code", "polarity"]


class IndicatorValueFilter(filters.FilterSet):
    indicator = filters.CharFilter(
        field_name="indicator__code", lookup_expr="iexact", help_text="Indicator code."
    )
    area = IdFilter(field_name="area", help_text="Id of the area.")
    provider = IdFilter(field_name="provider", help_text="Id of the provider.")
    period_end = filters.DateFromToRangeFilter(
        help_text="period_end_after / period_end_before (YYYY-MM-DD), inclusive."
    )
    breakdown = filters.CharFilter(
        help_text="A dimension such as sex or imd_decile; empty for the whole population."
    )
    category = filters.CharFilter()

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "area", "provider", "period_end", "breakdown", "category"]


class CommissioningCycleFilter(filters.FilterSet):
    financial_year = WholeNumberFilter(help_text="2026 means 2026/27.")
    status = filters.ChoiceFilter(choices=CycleStatus.choices)

    class Meta:
        model = CommissioningCycle
        fields = ["financial_year", "status"]


class FindingFilter(filters.FilterSet):
    cycle = IdFilter(field_name="cycle", help_text="Id of the cycle.")
    stage = filters.ChoiceFilter(choices=FindingStage.choices)
    status = filters.ChoiceFilter(choices=FindingStatus.choices)

    class Meta:
        model = Finding
        fields = ["cycle", "stage", "status"]


class RunFilter(filters.FilterSet):
    kind = filters.CharFilter()
    status = filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = Run
        fields = ["kind", "status"]
