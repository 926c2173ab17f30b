"""Trigger-based, append-only history of the records an auditor asks about.

See docs/decisions/0005-audit-history.md."""

from __future__ import annotations

import functools

from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "commissioning.history"
    label = "history"
    verbose_name = "Audit history"

    def ready(self) -> None:
        _attach_command_context()


def _attach_command_context() -> None:
    """Run every management command inside a pghistory context naming the command, so a
    change made by, say, `seed_demo` is attributed to it rather than to nobody."""
    import pghistory
    from django.core.management.base import BaseCommand

    if getattr(BaseCommand.execute, "_history_context", False):
        return
    execute = BaseCommand.execute

    @functools.wraps(execute)
    def execute_with_context(self, *args, **options):
        command = self.__module__.rsplit(".", 1)[-1]
        with pghistory.context(command=command):
            return execute(self, *args, **options)

    execute_with_context._history_context = True
    BaseCommand.execute = execute_with_context
