"""Event trackers that record both sides of a change in one append-only row.

pghistory's own update tracker stores only the row after the change; the value before
is the previous event's row, which does not exist for rows written before tracking began
(the demo data, anything loaded by an earlier release). These trackers add `pgh_before`,
the tracked columns of the OLD row as JSON, to every update event, so one event row
answers "who changed what from what to what" on its own.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.db import models
from pghistory import trigger
from pghistory.models import Event

# jsonb_build_object takes at most 100 arguments: 50 columns.
_MAX_BEFORE_COLUMNS = 50


class HistoryEvent(Event):
    """The base of every event model here: pghistory's columns plus `pgh_before`."""

    pgh_before = models.JSONField(
        null=True, blank=True, help_text="Tracked columns before an update (NULL otherwise)."
    )

    class Meta:
        abstract = True


class _BeforeAndAfterTrigger(trigger.Event):
    """pghistory's event trigger, with the OLD row's tracked columns added on update."""

    def get_func(self, model):
        func = super().get_func(model)
        if self.operation != pgtrigger.Update or self.row != "NEW":
            return func
        tracked = {f.name for f in self.event_model.pgh_tracked_model._meta.fields}
        columns = [
            f.column
            for f in self.event_model._meta.fields
            if f.concrete and f.name in tracked and not isinstance(f, models.AutoField)
        ]
        if len(columns) > _MAX_BEFORE_COLUMNS:
            raise ValueError(f"{self.event_model.__name__}: too many columns for pgh_before")
        before = ", ".join(f"'{column}', OLD.\"{column}\"" for column in columns)
        sql = func.func
        table = f'INSERT INTO "{self.event_model._meta.db_table}" ('
        if sql.count(table) != 1 or sql.count(" VALUES (") != 1:
            raise AssertionError("unexpected pghistory trigger SQL; check pghistory's version")
        sql = sql.replace(table, f'{table}"pgh_before", ')
        sql = sql.replace(" VALUES (", f" VALUES (jsonb_build_object({before}), ")
        return pgtrigger.Func(sql)


class _BeforeAndAfter(pghistory.RowEvent):
    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _BeforeAndAfterTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
            )
        )(event_model.pgh_tracked_model)


class Insert(_BeforeAndAfter, pghistory.InsertEvent):
    """An insert: the new row is the `after`."""


class Update(_BeforeAndAfter, pghistory.UpdateEvent):
    """An update of a tracked column: `pgh_before` then the new row."""


class Delete(_BeforeAndAfter, pghistory.DeleteEvent):
    """A delete: the old row is the `before`."""


def track(model: type[models.Model], name: str, *, fields: list[str] | None = None):
    """Create the event model `<name>Event` (in this app) recording inserts, updates and
    deletes of `model`'s rows. `model` is a proxy declared in this app so that the
    triggers, like the event table, live in this app's migrations."""
    return pghistory.create_event_model(
        model,
        Insert(),
        Update(),
        Delete(),
        fields=fields,
        model_name=f"{name}Event",
        app_label="history",
        base_model=HistoryEvent,
        abstract=False,
        append_only=True,
    )
