"""Serializer fields for figures about people, which may be disclosure-controlled.

Whether a response is controlled is decided once per request by the view
(`access.needs_disclosure_control`) and passed in the serializer context as
`disclosure_control`; without it, figures are controlled (fail closed).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commissioning.disclosure import SUPPRESSED, controlled_count

SUPPRESSED_SCHEMA = {
    "type": "string",
    "enum": [SUPPRESSED],
    "description": "Suppressed by small-number disclosure control.",
}
CONTROLLED_NOTE = (
    " For provider representatives and partners, small-number disclosure control applies: "
    '1-7 is shown as "*", 8 or more is rounded to the nearest 5.'
)


def disclosure_controlled(context: dict) -> bool:
    return context.get("disclosure_control", True)


@extend_schema_field({"oneOf": [{"type": "integer"}, SUPPRESSED_SCHEMA], "nullable": True})
class ControlledCountField(serializers.Field):
    """A count of people: exact for ICB staff, `controlled_count` for everyone else."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["help_text"] = kwargs.get("help_text", "A count of people.") + CONTROLLED_NOTE
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        if disclosure_controlled(self.context):
            return controlled_count(value)
        return int(value)


@extend_schema_field({"oneOf": [{"type": "number"}, SUPPRESSED_SCHEMA], "nullable": True})
class ControlledFigureField(serializers.Field):
    """A number that the serializer may replace with a controlled figure or "*"."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value
