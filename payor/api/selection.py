"""Provider Selection Regime decisions and committees in the stage 3 API, mounted at
/api/v1/payor/{psr-decisions,committees,committee-items}/.

Reads go through commissioning.access scopes (PSR: the ICB's staff; committees: the ICB's
staff and the providers that sit on them; partners nothing). Writes are thin doors onto
payor.selection.actions and payor.selection.committees: 403 when the role refuses, 400
with a message (naming the field) for bad input, a standstill not yet ended, an open
representation or a conflicted vote.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning import access
from commissioning.models import Contract, Organisation
from payor.models import (
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    CommitteePaper,
    CommitteeVote,
    DecisionItem,
    InterestDeclaration,
    PsrCriterion,
    PsrCriterionKind,
    PsrDecision,
    PsrRepresentation,
    PsrRoute,
    RepresentationStatus,
    VoteChoice,
)
from payor.selection import actions, committees

TAG = "payor selection"


class PsrCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PsrCriterion
        fields = ["criterion", "assessment", "rationale"]


class RepresentationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PsrRepresentation
        fields = ["id", "made_by", "received_at", "summary", "status", "outcome", "resolved_at"]


class PsrDecisionSerializer(serializers.ModelSerializer):
    criteria = PsrCriterionSerializer(many=True, read_only=True)
    representations = RepresentationSerializer(many=True, read_only=True)
    provider = serializers.CharField(source="provider.ods_code", read_only=True)
    standstill_last_day = serializers.DateField(read_only=True)

    class Meta:
        model = PsrDecision
        fields = [
            "id", "reference", "title", "service", "route", "provider", "contract",
            "estimated_value", "decision_maker", "decided_on", "conflicts_declared",
            "conflicts_managed", "status", "notice_published_at", "standstill_last_day",
            "standstill_ends_at",
            "awarded_at", "award_published_at", "criteria", "representations",
        ]  # fmt: skip


class PsrCriterionRequest(serializers.Serializer):
    criterion = serializers.ChoiceField(PsrCriterionKind.choices)
    assessment = serializers.CharField()
    rationale = serializers.CharField()


class PsrDecisionRequest(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    service = serializers.CharField(max_length=200)
    route = serializers.ChoiceField(PsrRoute.choices)
    provider = serializers.CharField(help_text="ODS code of the selected provider.")
    decision_maker = serializers.CharField(max_length=200)
    decided_on = serializers.DateField()
    criteria = PsrCriterionRequest(many=True)
    conflicts_declared = serializers.CharField(required=False, allow_blank=True, default="")
    conflicts_managed = serializers.CharField(required=False, allow_blank=True, default="")
    estimated_value = serializers.DecimalField(14, 2, required=False, allow_null=True)


class WhenRequest(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="Defaults to now.")


class RepresentationRequest(serializers.Serializer):
    made_by = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    received_at = serializers.DateTimeField()


class ResolveRequest(serializers.Serializer):
    representation = serializers.IntegerField()
    status = serializers.ChoiceField(
        [c for c in RepresentationStatus.choices if c[0] != RepresentationStatus.OPEN]
    )
    outcome = serializers.CharField()


def run(request, function, **kwargs):
    """Call an action as the request's user, translating its refusals for DRF."""
    try:
        return function(by=request.user, **kwargs)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error


def body(request, request_class) -> dict:
    data = request_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


@extend_schema(tags=[TAG])
class PsrDecisionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """PSR decision records: route, key criteria, standstill, representations, award."""

    serializer_class = PsrDecisionSerializer
    queryset = PsrDecision.objects.none()

    def get_queryset(self):
        return (
            access.visible_to(self.request.user, PsrDecision)
            .select_related("provider")
            .prefetch_related("criteria", "representations")
            .order_by("pk")
        )

    def respond(self, decision, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=decision.pk)).data, code)

    @extend_schema(request=PsrDecisionRequest, responses={201: PsrDecisionSerializer})
    def create(self, request):
        data = body(request, PsrDecisionRequest)
        provider = access.visible_to(request.user, Organisation).filter(ods_code=data["provider"])
        if not provider.exists():
            raise ValidationError({"provider": [f"No organisation {data['provider']!r}."]})
        data["provider"] = provider.get()
        data["criteria"] = {
            c["criterion"]: (c["assessment"], c["rationale"]) for c in data["criteria"]
        }
        return self.respond(run(request, actions.record_psr_decision, **data), 201)

    @extend_schema(request=WhenRequest, responses={200: PsrDecisionSerializer})
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Publish the notice of intention to award (sets the standstill end)."""
        at = body(request, WhenRequest).get("at")
        decision = run(
            request,
            actions.publish_notice_of_intention,
            decision=self.get_object(),
            published_at=at,
        )
        return self.respond(decision)

    @extend_schema(request=RepresentationRequest, responses={201: PsrDecisionSerializer})
    @action(detail=True, methods=["post"])
    def representations(self, request, pk=None):
        """Record a representation received during the standstill."""
        data = body(request, RepresentationRequest)
        decision = self.get_object()
        run(request, actions.record_representation, decision=decision, **data)
        return self.respond(decision, 201)

    @extend_schema(request=ResolveRequest, responses={200: PsrDecisionSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Record a representation's outcome."""
        data = body(request, ResolveRequest)
        decision = self.get_object()
        rep = decision.representations.filter(pk=data.pop("representation")).first()
        if rep is None:
            raise ValidationError({"representation": ["No such representation on this decision."]})
        run(request, actions.resolve_representation, representation=rep, **data)
        return self.respond(decision)

    @extend_schema(request=WhenRequest, responses={200: PsrDecisionSerializer})
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        """Award: refused before the standstill ends or with an open representation."""
        at = body(request, WhenRequest).get("at")
        return self.respond(run(request, actions.award, decision=self.get_object(), at=at))

    @extend_schema(request=WhenRequest, responses={200: PsrDecisionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Record publication of the award."""
        at = body(request, WhenRequest).get("at")
        return self.respond(run(request, actions.publish_award, decision=self.get_object(), at=at))


class MemberSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = CommitteeMember
        fields = ["id", "organisation", "user", "role", "voting"]


class PaperSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteePaper
        fields = ["id", "meeting", "title", "summary", "link"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMeeting
        fields = ["id", "committee", "title", "held_at", "location"]


class CommitteeSerializer(serializers.ModelSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "name", "purpose", "members"]


class CommitteeRequest(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    purpose = serializers.CharField(required=False, allow_blank=True, default="")


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeVote
        fields = ["member", "choice", "recommendation", "cast_at"]


class DeclarationSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterestDeclaration
        fields = ["member", "interest", "how_managed", "declared_at"]


class ItemSerializer(serializers.ModelSerializer):
    committee = serializers.IntegerField(source="meeting.committee_id", read_only=True)
    votes = VoteSerializer(many=True, read_only=True)
    declarations = DeclarationSerializer(many=True, read_only=True)

    class Meta:
        model = DecisionItem
        fields = [
            "id", "committee", "meeting", "title", "description", "contract", "psr_decision",
            "scenario_id", "decision", "decided_at", "votes", "declarations",
        ]  # fmt: skip


class MemberRequest(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="Id of the ICB or provider organisation.")
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    role = serializers.CharField(max_length=60, required=False, default="Member")
    voting = serializers.BooleanField(required=False, default=True)


class MeetingRequest(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PaperRequest(serializers.Serializer):
    meeting = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    link = serializers.URLField(required=False, allow_blank=True, default="")


class ItemRequest(serializers.Serializer):
    meeting = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    contract = serializers.IntegerField(required=False, allow_null=True, default=None)
    psr_decision = serializers.IntegerField(required=False, allow_null=True, default=None)
    scenario_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


def pick(queryset, data: dict, field: str, label: str) -> None:
    """Replace data[field] (an id) by the object from a scoped queryset, or refuse (400)."""
    if data.get(field) is None:
        data[field] = None
        return
    found = queryset.filter(pk=data[field]).first()
    if found is None:
        raise ValidationError({field: [f"No {label} with id {data[field]} that you can use."]})
    data[field] = found


@extend_schema(tags=[TAG])
class CommitteeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """Committees you can see (a provider: those its organisation sits on)."""

    serializer_class = CommitteeSerializer
    queryset = Committee.objects.none()

    def get_queryset(self):
        user = self.request.user
        return (
            access.visible_to(user, Committee)
            .prefetch_related("members__organisation", "members__user")
            .order_by("pk")
        )

    @extend_schema(request=CommitteeRequest, responses={201: CommitteeSerializer})
    def create(self, request):
        committee = run(request, committees.create_committee, **body(request, CommitteeRequest))
        return Response(self.get_serializer(committee).data, status.HTTP_201_CREATED)

    def _meeting(self, committee, data: dict) -> None:
        meetings = access.visible_to(self.request.user, CommitteeMeeting).filter(
            committee=committee
        )
        pick(meetings, data, "meeting", "meeting of this committee")

    @extend_schema(request=MemberRequest, responses={201: MemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Add an ICB or provider organisation (optionally a named user of it) as a member."""
        committee, data = self.get_object(), body(request, MemberRequest)
        pick(access.visible_to(request.user, Organisation), data, "organisation", "organisation")
        users = get_user_model().objects.filter(organisation__isnull=False)
        pick(users.filter(organisation=data["organisation"]), data, "user", "user of it")
        member = run(request, committees.add_member, committee=committee, **data)
        return Response(MemberSerializer(member).data, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingRequest, responses={201: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def meetings(self, request, pk=None):
        """Schedule a meeting of this committee."""
        committee, data = self.get_object(), body(request, MeetingRequest)
        meeting = run(request, committees.schedule_meeting, committee=committee, **data)
        return Response(MeetingSerializer(meeting).data, status.HTTP_201_CREATED)

    @extend_schema(request=PaperRequest, responses={201: PaperSerializer})
    @action(detail=True, methods=["post"])
    def papers(self, request, pk=None):
        """Add a paper to one of this committee's meetings."""
        committee, data = self.get_object(), body(request, PaperRequest)
        self._meeting(committee, data)
        paper = run(request, committees.add_paper, **data)
        return Response(PaperSerializer(paper).data, status.HTTP_201_CREATED)

    @extend_schema(request=ItemRequest, responses={201: ItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        """Put a decision item on one of this committee's meetings (optionally linked to a
        contract, a PSR decision or a resource-shift scenario id)."""
        committee, data = self.get_object(), body(request, ItemRequest)
        self._meeting(committee, data)
        pick(access.visible_to(request.user, Contract), data, "contract", "contract")
        pick(access.visible_to(request.user, PsrDecision), data, "psr_decision", "PSR decision")
        item = run(request, committees.add_item, **data)
        return Response(ItemSerializer(item).data, status.HTTP_201_CREATED)


class VoteRequest(serializers.Serializer):
    choice = serializers.ChoiceField(VoteChoice.choices)
    recommendation = serializers.CharField(required=False, allow_blank=True, default="")


class DeclareRequest(serializers.Serializer):
    interest = serializers.CharField()
    how_managed = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(tags=[TAG])
class DecisionItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """Decision items of committees you can see, with votes and declarations; members
    vote and declare interests on them."""

    serializer_class = ItemSerializer
    queryset = DecisionItem.objects.none()

    def get_queryset(self):
        return (
            access.visible_to(self.request.user, DecisionItem)
            .select_related("meeting")
            .prefetch_related("votes", "declarations")
            .order_by("pk")
        )

    def respond(self, item, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, code)

    @extend_schema(request=VoteRequest, responses={201: ItemSerializer})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """Vote for your own seat (refused if you declared a conflict on the item)."""
        item = self.get_object()
        run(request, committees.cast_vote, item=item, **body(request, VoteRequest))
        return self.respond(item, status.HTTP_201_CREATED)

    @extend_schema(request=DeclareRequest, responses={201: ItemSerializer})
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        """Declare a conflict of interest on this item for your own seat."""
        item = self.get_object()
        run(request, committees.declare_interest, item=item, **body(request, DeclareRequest))
        return self.respond(item, status.HTTP_201_CREATED)
