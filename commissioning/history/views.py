"""One object's audit history, for ICB staff: a page and a read-only API endpoint. Both
call the same queries; anyone else, or an object out of the user's scope, gets 404."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import queries


def display(value: Any) -> str | None:
    """A history value as text (JSON for structured values), None for no value."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


@login_required
def object_history(request, kind: str, pk: int):
    obj = queries.visible_object(request.user, kind, pk)
    entries = queries.history_of(kind, pk)
    rows = [
        {"entry": e, "changes": [(c.field, display(c.before), display(c.after)) for c in e.changes]}
        for e in entries
    ]
    context = {"object": obj, "kind": kind, "rows": rows}
    return render(request, "history/object_history.html", context)


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["insert", "update", "delete"])
    user = serializers.IntegerField(allow_null=True, source="user_id")
    username = serializers.CharField()
    source = serializers.CharField()
    changes = ChangeSerializer(many=True)


class ObjectHistoryApi(APIView):
    """Every recorded change of one tracked record, newest first."""

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request, kind: str, pk: int):
        queries.visible_object(request.user, kind, pk)
        data = [
            {
                **vars(entry),
                "changes": [
                    {"field": c.field, "before": display(c.before), "after": display(c.after)}
                    for c in entry.changes
                ],
            }
            for entry in queries.history_of(kind, pk)
        ]
        return Response(HistoryEntrySerializer(data, many=True).data)
