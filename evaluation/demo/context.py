"""Finding the demo ICB and its commissioner, for the demo seed commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from commissioning.demo import DEMO_ICB_ODS
from commissioning.models import Organisation, User


def demo_context():
    """(commissioner, icb area, icb organisation) of the demo ICB, or CommandError."""
    commissioner = User.objects.filter(username="commissioner", is_demo=True).first()
    icb_org = Organisation.objects.filter(ods_code=DEMO_ICB_ODS).first()
    if not (commissioner and icb_org and commissioner.icb):
        raise CommandError("Load the demo ICB first: manage.py load_demo.")
    return commissioner, commissioner.icb, icb_org
