"""DRF permission classes that ask `commissioning.access` (the one place roles live)."""

from rest_framework.permissions import BasePermission

from commissioning import access


class CanRunAnalyses(BasePermission):
    """The user's role may start background analyses (commissioners, analysts, admins)."""

    message = (
        "Your role cannot start analyses: ask an ICB commissioner or analyst to start this run."
    )

    def has_permission(self, request, view) -> bool:
        return access.has_permission(request.user, access.Permission.RUN_ANALYSES)
