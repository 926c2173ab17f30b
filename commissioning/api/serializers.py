"""Serializers of the shared model for the REST API: explicit fields, all read-only.

Person-level rows have no serializer: no API response ever serves them. Counts of people
go through `ControlledCountField` (or the indicator value rules in `controlled`), so that
provider representatives and partners see disclosure-controlled figures.
"""

from __future__ import annotations

from rest_framework import serializers

from commissioning.api.controlled import controlled_indicator_figures
from commissioning.api.fields import (
    CONTROLLED_NOTE,
    ControlledCountField,
    ControlledFigureField,
    disclosure_controlled,
)
from commissioning.api.run_kinds import RUN_KINDS
from commissioning.models import (
    ApiToken,
    Area,
    CommissioningCycle,
    Contract,
    Finding,
    Indicator,
    IndicatorValue,
    Organisation,
    PopulationSnapshot,
    ProviderSector,
    Run,
    Segment,
    SegmentationModel,
)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    # A model serializer whose model fields are all read-only (declared fields say so
    # themselves). A comment, not a docstring: the schema would copy a docstring into
    # every serializer that has none of its own.

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra.setdefault(name, {})["read_only"] = True
        return extra


class AreaSerializer(ReadOnlyModelSerializer):
    population = ControlledCountField(help_text="Resident population (LSOAs only).")
    is_core20 = serializers.BooleanField(
        read_only=True,
        help_text="IMD decile 1 or 2: the most deprived 20% nationally (LSOAs only).",
    )

    class Meta:
        model = Area
        fields = [
            "id",
            "code",
            "name",
            "level",
            "parent",
            "icb",
            "imd_decile",
            "is_core20",
            "population",
        ]


class OrganisationSerializer(ReadOnlyModelSerializer):
    is_provider = serializers.BooleanField(read_only=True)
    # Declared so the schema's enum lists "" as the model does (blank for non-providers);
    # a generated read-only field drops allow_blank.
    sector = serializers.ChoiceField(
        choices=ProviderSector.choices,
        allow_blank=True,
        read_only=True,
        help_text=Organisation._meta.get_field("sector").help_text,
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "ods_code",
            "name",
            "kind",
            "sector",
            "is_provider",
            "parent",
            "icb",
            "area",
            "opened",
            "closed",
        ]


class OrganisationSummarySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "ods_code", "name"]


class ContractSerializer(ReadOnlyModelSerializer):
    commissioner = OrganisationSummarySerializer(read_only=True)
    provider = OrganisationSummarySerializer(read_only=True)
    annual_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=True,
        read_only=True,
        help_text="Pounds, as a decimal string with two places (never a float).",
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "reference",
            "title",
            "service",
            "commissioner",
            "provider",
            "start_date",
            "end_date",
            "annual_value",
            "payment_model",
            "status",
        ]


class PopulationSnapshotSerializer(ReadOnlyModelSerializer):
    """A snapshot's metadata. Its person-level rows are never served."""

    row_count = ControlledCountField(help_text="People in the snapshot.")
    loaded_by = serializers.CharField(
        source="loaded_by.username",
        allow_null=True,
        read_only=True,
        help_text="Username of who loaded it.",
    )

    class Meta:
        model = PopulationSnapshot
        fields = [
            "id",
            "icb",
            "period_start",
            "period_end",
            "source",
            "status",
            "row_count",
            "checksum",
            "loaded_by",
            "created_at",
            "loaded_at",
        ]


class SegmentSerializer(ReadOnlyModelSerializer):
    rule = serializers.JSONField(
        read_only=True,
        help_text="The rule as data; see commissioning.segmentation_rules for the grammar.",
    )

    class Meta:
        model = Segment
        fields = ["id", "priority", "code", "name", "description", "rule", "colour"]


class SegmentationModelSerializer(ReadOnlyModelSerializer):
    segments = SegmentSerializer(
        many=True, read_only=True, help_text="In priority order (1 is checked first)."
    )

    class Meta:
        model = SegmentationModel
        fields = [
            "id",
            "name",
            "version",
            "description",
            "source",
            "icb",
            "based_on",
            "is_published",
            "created_at",
            "segments",
        ]


class IndicatorSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "definition", "unit", "polarity", "source"]


class IndicatorValueSerializer(ReadOnlyModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    value = ControlledFigureField(help_text="The value, in the indicator's unit." + CONTROLLED_NOTE)
    lower_ci = ControlledFigureField(help_text="Lower confidence limit.")
    upper_ci = ControlledFigureField(help_text="Upper confidence limit.")
    numerator = ControlledFigureField(help_text="A count of people." + CONTROLLED_NOTE)
    denominator = ControlledFigureField(help_text="A count of people." + CONTROLLED_NOTE)

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "area",
            "provider",
            "period_start",
            "period_end",
            "breakdown",
            "category",
            "value",
            "lower_ci",
            "upper_ci",
            "confidence",
            "numerator",
            "denominator",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if disclosure_controlled(self.context):
            data.update(
                controlled_indicator_figures(
                    unit=instance.indicator.unit,
                    value=instance.value,
                    lower_ci=instance.lower_ci,
                    upper_ci=instance.upper_ci,
                    numerator=instance.numerator,
                    denominator=instance.denominator,
                )
            )
        return data


class CommissioningCycleSerializer(ReadOnlyModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The financial year, e.g. 2026/27.")

    class Meta:
        model = CommissioningCycle
        fields = ["id", "icb", "financial_year", "label", "status", "previous"]


class FindingSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Finding
        fields = [
            "id",
            "cycle",
            "stage",
            "title",
            "summary",
            "status",
            "created_at",
            "approved_at",
        ]


class RunSerializer(ReadOnlyModelSerializer):
    started_by = serializers.CharField(
        source="started_by.username",
        allow_null=True,
        read_only=True,
        help_text="Username of who started it.",
    )
    is_finished = serializers.BooleanField(read_only=True)
    result = serializers.SerializerMethodField(
        help_text="What the run produced (null until it has succeeded)."
    )

    class Meta:
        model = Run
        fields = [
            "id",
            "kind",
            "parameters",
            "icb",
            "status",
            "progress",
            "message",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "is_finished",
            "result",
        ]

    def get_result(self, run: Run) -> dict | None:
        # Results are exact aggregates; they are only for users who may see those.
        if disclosure_controlled(self.context) or not run.result:
            return None
        return run.result


class ApiTokenSerializer(ReadOnlyModelSerializer):
    """A token as its owner sees it later: never the token itself, nor its hash."""

    is_usable = serializers.BooleanField(read_only=True, help_text="Neither revoked nor expired.")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "is_usable",
        ]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, style={"input_type": "password"})
    name = serializers.CharField(
        max_length=100,
        required=False,
        default="API token",
        help_text="A label to tell your tokens apart, e.g. 'Power BI refresh'.",
    )


class IssuedTokenSerializer(serializers.Serializer):
    """The answer to a token request: the only time the token itself is shown."""

    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The token's first characters, to tell it apart.")
    expires_at = serializers.DateTimeField()


class RunStartSerializer(serializers.Serializer):
    """What to run. The parameters depend on the kind (see `commissioning.api.run_kinds`)."""

    kind = serializers.ChoiceField(choices=sorted(RUN_KINDS))
    parameters = serializers.DictField(
        default=dict,
        help_text='For "population_summary": {"snapshot_id": <id of a loaded snapshot>}.',
    )

    def validate(self, attrs):
        parameters = RUN_KINDS[attrs["kind"]].parameters(data=attrs["parameters"])
        if not parameters.is_valid():
            raise serializers.ValidationError({"parameters": parameters.errors})
        return {**attrs, "parameters": parameters.validated_data}
