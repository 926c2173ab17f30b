"""Segmentation models in the stage 1 API: read them, and (ICB staff) copy, edit, publish,
run and compare them. Mounted at /api/v1/needs-assessment/segmentation-models/.

Thin doors onto `segmentation.queries` (every queryset access-scoped: a model you cannot
see answers 404) and `segmentation.actions`. Runs answer 202 with the run; poll
/api/v1/runs/<id>/ for its progress and, once it has succeeded, its result.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from commissioning import access
from commissioning.api.permissions import CanRunAnalyses
from commissioning.api.serializers import RunSerializer
from commissioning.models import PopulationSnapshot, Segment, SegmentationModel
from needs_assessment.segmentation import actions, queries
from needs_assessment.segmentation.vocabulary import describe_rule

TAG = "segmentation"
NOT_FOUND = OpenApiResponse(description="No such model, or not one you can see.")
REFUSED = OpenApiResponse(description="Your role, or the model's owner, does not allow this.")
INVALID = OpenApiResponse(
    description="Bad input. Segment problems are listed by position: "
    '{"segments": [{}, {"rule": ["rule.any[0].flag: unknown flag \'x\'"]}]}.'
)


class SegmentWithTextSerializer(serializers.ModelSerializer):
    rule = serializers.JSONField(help_text="The rule as data (commissioning.segmentation_rules).")
    rule_text = serializers.SerializerMethodField(help_text="The rule in plain English.")

    class Meta:
        model = Segment
        fields = ["priority", "code", "name", "description", "colour", "rule", "rule_text"]
        read_only_fields = fields

    def get_rule_text(self, segment: Segment) -> str:
        return describe_rule(segment.rule)


class SegmentationModelVersionSerializer(serializers.ModelSerializer):
    segments = SegmentWithTextSerializer(many=True, read_only=True, help_text="In priority order.")
    editable = serializers.SerializerMethodField(
        help_text="Whether you may edit and publish this model (staff of the owning ICB)."
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
            "editable",
            "segments",
        ]
        read_only_fields = fields

    def get_editable(self, model: SegmentationModel) -> bool:
        return queries.can_edit(self.context["request"].user, model)


class SegmentationCopyRequest(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="Unique among your ICB's models.")
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Defaults to the original's."
    )


class SegmentationSegmentInput(serializers.Serializer):
    code = serializers.CharField(help_text="Lower case letters, digits, _ or -; unique.")
    name = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True)
    colour = serializers.CharField(required=False, help_text="Hex colour, e.g. #005eb8.")
    rule = serializers.JSONField(help_text="See commissioning.segmentation_rules.")


class SegmentationSegmentsRequest(serializers.Serializer):
    segments = SegmentationSegmentInput(
        many=True,
        help_text='In priority order; the last must catch everyone left ({"all": []}).',
    )


class SegmentationRunRequest(serializers.Serializer):
    snapshot_id = serializers.IntegerField(
        required=False, help_text="Your ICB's population data; the newest current by default."
    )


class SegmentationCompareRequest(SegmentationRunRequest):
    model_a = serializers.IntegerField(help_text="The first model or version (the 'from').")
    model_b = serializers.IntegerField(help_text="The second model or version (the 'to').")


def _refuse_unless_editable(user, model: SegmentationModel) -> None:
    if not queries.can_edit(user, model):
        raise PermissionDenied(
            "Library models are shared by every ICB: copy one to edit it."
            if model.icb_id is None
            else "Only commissioners and analysts of the ICB that owns this model can change it."
        )


def _segment_errors(error: actions.SegmentsInvalid, count: int) -> dict:
    """SegmentsInvalid as DRF errors: one dict per segment by position, general ones after."""
    per_segment: list[dict] = [{} for _ in range(count)]
    general = []
    for problem in error.problems:
        if problem.index is None or problem.index >= count:
            general.append(problem.message)
        else:
            per_segment[problem.index].setdefault(problem.field, []).append(
                f"{problem.segment_label}: {problem.message}"
            )
    return {"segments": general or per_segment}


def _snapshot(user, snapshot_id: int | None) -> PopulationSnapshot:
    if snapshot_id is not None:
        return access.get_visible_or_404(user, PopulationSnapshot, pk=snapshot_id)
    snapshots = queries.runnable_snapshots(user)
    if not snapshots:
        raise ValidationError({"snapshot_id": ["Your ICB has no population data loaded yet."]})
    return snapshots[0]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Segmentation models you can see, with segments"),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One segmentation model",
        responses={200: SegmentationModelVersionSerializer, 404: NOT_FOUND},
    ),
)
class SegmentationModelViewSet(viewsets.ReadOnlyModelViewSet):
    """The library's and your ICB's segmentation models; ICB staff can copy, edit, publish,
    run and compare them."""

    queryset = SegmentationModel.objects.none()
    serializer_class = SegmentationModelVersionSerializer
    parser_classes = [JSONParser]
    filterset_fields = ["is_published", "name"]
    ordering_fields = ["name", "version", "created_at"]
    ordering = ["name", "-version", "id"]

    def get_queryset(self):
        return queries.models_for(self.request.user)

    def get_permissions(self):
        if self.action in ("copy", "run", "compare"):
            return [IsAuthenticated(), CanRunAnalyses()]
        return super().get_permissions()

    def _accepted(self, run) -> Response:
        location = reverse("api:run-detail", kwargs={"pk": run.pk}, request=self.request)
        body = RunSerializer(run, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(
        tags=[TAG],
        summary="Copy a model to your ICB as an editable draft",
        request=SegmentationCopyRequest,
        responses={
            201: SegmentationModelVersionSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        model = self.get_object()
        body = SegmentationCopyRequest(data=request.data)
        body.is_valid(raise_exception=True)
        if request.user.icb is None:
            raise PermissionDenied("You need to belong to an ICB to copy a model.")
        try:
            copy = actions.copy_model(
                model=model,
                icb=request.user.icb,
                name=body.validated_data["name"],
                description=body.validated_data.get("description"),
                by=request.user,
            )
        except actions.SegmentationError as error:
            raise ValidationError({"name": [str(error)]}) from error
        return Response(
            self.get_serializer(queries.get_model_or_404(request.user, copy.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        tags=[TAG],
        summary="Replace a model's segments (a published model gets a new draft version)",
        request=SegmentationSegmentsRequest,
        responses={
            200: OpenApiResponse(
                SegmentationModelVersionSerializer, description="The draft, changed in place."
            ),
            201: OpenApiResponse(
                SegmentationModelVersionSerializer, description="A new draft version was made."
            ),
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["put"])
    def segments(self, request, pk=None):
        model = self.get_object()
        _refuse_unless_editable(request.user, model)
        body = SegmentationSegmentsRequest(data=request.data)
        body.is_valid(raise_exception=True)
        segments = [dict(segment) for segment in body.validated_data["segments"]]
        try:
            saved = actions.update_segments(model=model, segments=segments, by=request.user)
        except actions.SegmentsInvalid as error:
            raise ValidationError(_segment_errors(error, len(segments))) from error
        except actions.SegmentationError as error:
            raise ValidationError({"detail": [str(error)]}) from error
        data = self.get_serializer(queries.get_model_or_404(request.user, saved.pk)).data
        return Response(data, status=status.HTTP_201_CREATED if saved.pk != model.pk else 200)

    @extend_schema(
        tags=[TAG],
        summary="Publish a draft (it never changes again)",
        request=None,
        responses={
            200: SegmentationModelVersionSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        model = self.get_object()
        _refuse_unless_editable(request.user, model)
        try:
            actions.publish_model(model=model, by=request.user)
        except actions.SegmentationError as error:
            raise ValidationError({"detail": [str(error)]}) from error
        return Response(self.get_serializer(queries.get_model_or_404(request.user, pk)).data)

    @extend_schema(
        tags=[TAG],
        summary="Run the model on your ICB's population data (202 with the run)",
        request=SegmentationRunRequest,
        responses={202: RunSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        model = self.get_object()
        body = SegmentationRunRequest(data=request.data)
        body.is_valid(raise_exception=True)
        snapshot = _snapshot(request.user, body.validated_data.get("snapshot_id"))
        try:
            run = actions.start_segmentation_run(model=model, snapshot=snapshot, by=request.user)
        except actions.SegmentationError as error:
            raise ValidationError({"detail": [str(error)]}) from error
        return self._accepted(run)

    @extend_schema(
        tags=[TAG],
        summary="Compare two models or versions on your population data (202 with the run)",
        request=SegmentationCompareRequest,
        responses={202: RunSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["post"])
    def compare(self, request):
        body = SegmentationCompareRequest(data=request.data)
        body.is_valid(raise_exception=True)
        model_a = queries.get_model_or_404(request.user, body.validated_data["model_a"])
        model_b = queries.get_model_or_404(request.user, body.validated_data["model_b"])
        snapshot = _snapshot(request.user, body.validated_data.get("snapshot_id"))
        try:
            run = actions.start_segmentation_compare(
                model_a=model_a, model_b=model_b, snapshot=snapshot, by=request.user
            )
        except actions.SegmentationError as error:
            raise ValidationError({"detail": [str(error)]}) from error
        return self._accepted(run)
