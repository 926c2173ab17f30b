"""API serializers of the INA and its findings (needs_assessment.api.documents).

Reads are explicit and read-only; requests are plain serializers whose data goes to the
actions, which validate again (the same rules as the pages).
"""

from __future__ import annotations

from rest_framework import serializers

from needs_assessment.documents import actions
from needs_assessment.documents.figures import Figure
from needs_assessment.models import INASection, NeedsAssessment


class EvidenceSerializer(serializers.Serializer):
    area = serializers.IntegerField(
        required=False, help_text="Id of an area of the ICB; the ICB itself if left out."
    )
    measure = serializers.CharField(max_length=60, help_text="e.g. prevalence:diabetes.")
    breakdown = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", help_text="e.g. imd_decile."
    )
    category = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default="", help_text="e.g. 1."
    )


class FindingLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Id of the INA finding.")
    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    version = serializers.IntegerField(source="assessment.version", read_only=True)
    cycle = serializers.IntegerField(source="assessment.cycle_id", read_only=True)
    section = serializers.ChoiceField(choices=INASection.choices, read_only=True)
    finding = serializers.IntegerField(
        source="finding_id", read_only=True, help_text="Id of the core finding (/api/v1/findings/)."
    )
    title = serializers.CharField(source="finding.title", read_only=True)
    summary = serializers.CharField(source="finding.summary", read_only=True)
    status = serializers.CharField(source="finding.status", read_only=True)
    approved_at = serializers.DateTimeField(source="finding.approved_at", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    carried_from = serializers.IntegerField(
        source="carried_from_id",
        read_only=True,
        allow_null=True,
        help_text="The same finding in the version this one was based on.",
    )


class SectionTextSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=INASection.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    commentary = serializers.CharField(read_only=True, help_text="The key findings written.")


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    icb = serializers.IntegerField(source="icb_id", read_only=True)
    cycle = serializers.IntegerField(source="cycle_id", read_only=True)
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    profile = serializers.IntegerField(source="profile_id", read_only=True)
    version = serializers.IntegerField(read_only=True)
    based_on = serializers.IntegerField(source="based_on_id", read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, approved or superseded.")
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    created_at = serializers.DateTimeField(read_only=True)
    approved_by = serializers.CharField(
        source="approved_by.username", read_only=True, allow_null=True
    )
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    editable = serializers.SerializerMethodField(help_text="Whether you may change it now.")
    sections = serializers.SerializerMethodField()
    findings = FindingLinkSerializer(source="finding_links", many=True, read_only=True)

    def get_editable(self, assessment: NeedsAssessment) -> bool:
        return actions.can_edit(self.context["request"].user, assessment)

    def get_sections(self, assessment: NeedsAssessment) -> list[dict[str, str]]:
        text = {s.key: s.commentary for s in assessment.sections.all()}
        return [
            {"key": key, "title": title, "commentary": text.get(key, "")}
            for key, title in INASection.choices
        ]


class NewAssessmentRequest(serializers.Serializer):
    cycle = serializers.IntegerField(help_text="Id of a commissioning cycle of your ICB.")
    profile = serializers.IntegerField(help_text="Id of a needs profile of your ICB.")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class NewVersionRequest(serializers.Serializer):
    profile = serializers.IntegerField(
        required=False, help_text="Id of a needs profile; this version's if left out."
    )


class SummaryRequest(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)


class SectionRequest(serializers.Serializer):
    commentary = serializers.CharField(
        allow_blank=True, trim_whitespace=True, help_text="The key findings (plain text)."
    )


class FindingRequest(serializers.Serializer):
    section = serializers.ChoiceField(choices=INASection.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    evidence = EvidenceSerializer(many=True, required=False, default=list)


class PieceSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True, help_text='"same", "added" or "removed".')
    text = serializers.CharField(read_only=True)


class VersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)


class EditedFindingSerializer(serializers.Serializer):
    before = FindingLinkSerializer(read_only=True)
    after = FindingLinkSerializer(read_only=True)


class SectionChangeSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    changed = serializers.BooleanField(read_only=True, help_text="The key findings changed.")
    pieces = PieceSerializer(many=True, read_only=True, help_text="Word-level difference.")
    added = FindingLinkSerializer(many=True, read_only=True)
    removed = FindingLinkSerializer(many=True, read_only=True)
    edited = serializers.SerializerMethodField()

    def get_edited(self, change) -> list[dict]:
        return [
            {
                "before": FindingLinkSerializer(old).data,
                "after": FindingLinkSerializer(new).data,
            }
            for old, new in change.edited
        ]


class ComparisonSerializer(serializers.Serializer):
    older = VersionRefSerializer(read_only=True)
    newer = VersionRefSerializer(read_only=True)
    profile_changed = serializers.BooleanField(read_only=True)
    title_changed = serializers.BooleanField(read_only=True)
    summary_changed = serializers.BooleanField(read_only=True)
    summary_pieces = PieceSerializer(many=True, read_only=True)
    sections = SectionChangeSerializer(source="changed_sections", many=True, read_only=True)


def _json_cell(value):
    if isinstance(value, Figure):
        return {"value": value.value, "lower95": value.lower, "upper95": value.upper}
    return value


class SectionTablesSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    commentary = serializers.CharField(read_only=True)
    tables = serializers.SerializerMethodField(
        help_text="Each table: key, title, columns (label, kind) and rows. A cell of kind "
        '"figure" is {value, lower95, upper95}; "*" is suppressed or withheld.'
    )

    def get_tables(self, section) -> list[dict]:
        tables = []
        for table in section.content.tables:
            tables.append(
                {
                    "key": table.key,
                    "title": table.title,
                    "columns": [{"label": c.label, "kind": c.kind} for c in table.columns],
                    "rows": [[_json_cell(v) for v in row] for row in table.rows],
                }
            )
        return tables
