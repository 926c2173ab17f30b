"""Committee members and meetings in the API, with the changes of
payor.selection.committee_changes: PATCH a member's role or vote, DELETE a member who has
not voted or declared, PATCH (move) a meeting with no decided items, and POST
committee-items/<id>/withdraw/ for an item nobody has voted on."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from commissioning import access
from payor.api.selection import (
    TAG,
    DecisionItemViewSet,
    MeetingSerializer,
    MemberSerializer,
    body,
    run,
)
from payor.models import CommitteeMeeting, CommitteeMember
from payor.selection import committee_changes as changes
from payor.selection.actions import require_manager


class MemberWithCommitteeSerializer(MemberSerializer):
    class Meta(MemberSerializer.Meta):
        fields = ["id", "committee", *MemberSerializer.Meta.fields[1:]]


class MemberChange(serializers.Serializer):
    role = serializers.CharField(max_length=60)
    voting = serializers.BooleanField()


class MeetingChange(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)


class _Scoped(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        return access.visible_to(self.request.user, model).order_by("pk")


@extend_schema(tags=[TAG])
class CommitteeMemberViewSet(mixins.DestroyModelMixin, _Scoped):
    """Members of committees you can see. PATCH {role, voting} changes a member; DELETE
    removes one who has not voted or declared an interest (ICB commissioners)."""

    serializer_class = MemberWithCommitteeSerializer
    queryset = CommitteeMember.objects.none()

    @extend_schema(request=MemberChange, responses={200: MemberWithCommitteeSerializer})
    def partial_update(self, request, pk=None):
        member = self.get_object()
        run(request, require_manager)
        data = body(request, MemberChange)
        member = run(request, changes.update_member, member=member, **data)
        return Response(self.get_serializer(member).data)

    def destroy(self, request, pk=None):
        run(request, changes.remove_member, member=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class CommitteeMeetingViewSet(_Scoped):
    """Meetings of committees you can see. PATCH {title, held_at, location} moves one
    whose items are not decided (ICB commissioners)."""

    serializer_class = MeetingSerializer
    queryset = CommitteeMeeting.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(request=MeetingChange, responses={200: MeetingSerializer})
    def partial_update(self, request, pk=None):
        meeting = self.get_object()
        run(request, require_manager)
        data = body(request, MeetingChange)
        meeting = run(request, changes.move_meeting, meeting=meeting, **data)
        return Response(self.get_serializer(meeting).data)


class DecisionItemChangesViewSet(DecisionItemViewSet):
    """Decision items, and withdrawing one from the agenda before anyone votes."""

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw an undecided item nobody has voted on (ICB commissioners)."""
        run(request, changes.withdraw_item, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
