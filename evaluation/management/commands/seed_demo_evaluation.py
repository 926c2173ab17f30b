"""Seed the demo ICB with stage 4 demo data: the demo strategy (if there is none), the
monthly indicator series (upserted), contract KPIs, then each evaluation part's own demo
data through `evaluation.<part>.demo.seed_demo(icb=, by=)` where that module exists.

Everything is written as the demo commissioner; each step is one transaction, so a part
that fails is rolled back alone: the others still run, and the command then exits with
an error naming it. Every step is idempotent: a second run changes nothing.
"""

import importlib
import importlib.util

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evaluation.apps import PARTS
from evaluation.demo import actions, kpis, phip
from evaluation.demo.context import demo_context


class Command(BaseCommand):
    help = "Add stage 4 demo data (strategy, series, KPIs, each part's data) to the demo ICB."

    def handle(self, *args, **options):
        commissioner, icb, icb_org = demo_context()
        made = phip.seed_strategy(icb=icb, by=commissioner)
        self.stdout.write(f"strategy: {made or 'already present'}")
        counts = actions.load_series(icb=icb, by=commissioner)
        self.stdout.write(
            "series: {created:,} values added, {updated:,} updated, {unchanged:,} unchanged".format(
                **counts
            )
        )
        made = kpis.seed_kpis(icb=icb, icb_org=icb_org, by=commissioner)
        self.stdout.write(f"KPIs: {made or 'already present'}")
        failed = [part for part in PARTS if not self.seed_part(part, icb, commissioner)]
        if failed:
            raise CommandError(
                f"The demo data of {', '.join(failed)} failed (see above); the other "
                "parts were seeded. Fix it and run the command again."
            )

    def seed_part(self, part: str, icb, by) -> bool:
        """Run one part's seeder in its own transaction; False (after saying why) if it
        failed, which rolls back that part only."""
        name = f"evaluation.{part}.demo"
        if importlib.util.find_spec(name) is None:
            self.stdout.write(f"{part}: no demo data yet")
            return True
        try:
            module = importlib.import_module(name)
            with transaction.atomic():
                summary = module.seed_demo(icb=icb, by=by)
        except Exception as error:  # noqa: BLE001 - report it and carry on with the others
            self.stderr.write(f"{part}: failed: {type(error).__name__}: {error}")
            return False
        self.stdout.write(f"{part}: {summary}")
        return True
