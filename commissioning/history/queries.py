"""Reads of the audit history: one object's events, each with who, when, how and what
changed from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404

from commissioning import access
from commissioning.models import User

from .models import TRACKED


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One event: `action` is insert, update or delete; `user_id` and `username` are the
    acting user (None when the change came from no signed-in user); `source` says where it
    came from (a URL path, a management command or a background run)."""

    id: int
    at: datetime
    action: str
    user_id: int | None
    username: str
    source: str
    changes: list[Change]


def tracked_kinds() -> list[str]:
    return sorted(TRACKED)


def history_model(kind: str) -> tuple[type[Model], type[Model]]:
    """(tracked model, event model) for a kind such as "contract"; 404 if not tracked."""
    try:
        return TRACKED[kind]
    except KeyError as exc:
        raise Http404("No history is kept for that kind of record") from exc


def visible_object(user, kind: str, pk: int) -> Model:
    """The tracked object, if `user` may read its history: ICB staff (and administrators)
    whose scope includes the object. Anyone else, or an object that is not there, is 404."""
    model, _ = history_model(kind)
    if not (access.is_icb_staff(user) or access.is_administrator(user)):
        raise Http404("Not found")
    return access.get_visible_or_404(user, model, pk=pk)


def history_of(kind: str, pk: int) -> list[HistoryEntry]:
    """Every event of one object, newest first (no access check: see `visible_object`)."""
    model, event_model = history_model(kind)
    fields = [
        f
        for f in event_model._meta.concrete_fields
        if not f.name.startswith("pgh_") and f.name in {g.name for g in model._meta.fields}
    ]
    events = list(event_model.objects.filter(pgh_obj_id=pk).order_by("-pgh_id"))
    user_ids = {_user_id(e.pgh_context) for e in events} - {None}
    names = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username"))
    return [_entry(event, fields, names) for event in events]


def _user_id(context: dict | None) -> int | None:
    value = (context or {}).get("user")
    return int(value) if value is not None else None


def _source(context: dict | None) -> str:
    context = context or {}
    if context.get("run") is not None:
        return f"background run {context['run']}"
    if context.get("command"):
        return f"command {context['command']}"
    return context.get("url") or "database (no application context)"


def _entry(event, fields, names: dict[int, str]) -> HistoryEntry:
    row = {f.attname: getattr(event, f.attname) for f in fields}
    if event.pgh_label == "insert":
        before, after = {}, row
    elif event.pgh_label == "delete":
        before, after = row, {}
    else:
        before, after = _typed(event.pgh_before or {}, fields), row
    changes = [
        Change(f.attname, before.get(f.attname), after.get(f.attname))
        for f in fields
        if f.attname in before or f.attname in after
        if event.pgh_label != "update" or before.get(f.attname) != after.get(f.attname)
    ]
    user_id = _user_id(event.pgh_context)
    return HistoryEntry(
        id=event.pgh_id,
        at=event.pgh_created_at,
        action=event.pgh_label,
        user_id=user_id,
        username=names.get(user_id, "") if user_id is not None else "",
        source=_source(event.pgh_context),
        changes=changes,
    )


def _typed(values: dict, fields) -> dict:
    """pgh_before holds JSON (numbers, ISO strings); give each value its field's type so it
    compares with the typed `after` row."""
    typed = {}
    for f in fields:
        if f.column not in values:
            continue
        value = values[f.column]
        target = f.target_field if f.is_relation else f
        try:
            typed[f.attname] = None if value is None else target.to_python(value)
        except ValidationError:
            typed[f.attname] = value
    return typed
