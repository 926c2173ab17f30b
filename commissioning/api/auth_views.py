"""API tokens: ask for one with username and password, list yours, revoke one."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning import access
from commissioning.api import tokens
from commissioning.api.serializers import (
    ApiTokenSerializer,
    IssuedTokenSerializer,
    TokenRequestSerializer,
)
from commissioning.api.throttling import TokenRequestThrottle
from commissioning.models import ApiToken

WRONG_CREDENTIALS = "Unable to sign in with the username and password given."


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (JSON or form body).

    The token is in the answer once and never again: only its SHA-256 is kept. It expires
    after the configured lifetime; revoke it early with DELETE /api/v1/auth/tokens/<id>/."""

    authentication_classes: list = []  # credentials are in the body; a stale token is moot
    permission_classes = [AllowAny]
    throttle_classes = [TokenRequestThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        tags=["auth"],
        summary="Get an API token",
        auth=[],
        request=TokenRequestSerializer,
        responses={
            201: IssuedTokenSerializer,
            400: OpenApiResponse(description="Wrong username or password, or a field missing."),
            403: OpenApiResponse(description="Your role cannot use API tokens."),
            429: OpenApiResponse(description="Too many attempts; wait a minute."),
        },
    )
    def post(self, request, *args, **kwargs):
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=given.validated_data["username"],
            password=given.validated_data["password"],
        )
        if user is None or not user.is_active:
            # One message for every failure, so it does not tell which part was wrong.
            raise serializers.ValidationError({"non_field_errors": [WRONG_CREDENTIALS]})
        issued = tokens.issue_token(user=user, name=given.validated_data["name"], by=user)
        answer = IssuedTokenSerializer(
            {
                "token": issued.raw,
                "id": issued.token.pk,
                "name": issued.token.name,
                "prefix": issued.token.prefix,
                "expires_at": issued.token.expires_at,
            }
        )
        return Response(answer.data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(tags=["auth"], summary="List your API tokens"),
    retrieve=extend_schema(
        tags=["auth"],
        summary="One of your API tokens",
        responses={200: ApiTokenSerializer, 404: OpenApiResponse(description="Not your token.")},
    ),
    destroy=extend_schema(
        tags=["auth"],
        summary="Revoke one of your API tokens",
        responses={204: None, 404: OpenApiResponse(description="Not your token.")},
    ),
)
class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own API tokens (never the token or its hash). DELETE revokes a token; the row
    stays, marked revoked, as the record of it."""

    queryset = ApiToken.objects.none()
    serializer_class = ApiTokenSerializer
    ordering_fields = ["created_at", "expires_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return access.visible_to(self.request.user, ApiToken)

    def perform_destroy(self, instance: ApiToken) -> None:
        tokens.revoke_token(token=instance, by=self.request.user)
