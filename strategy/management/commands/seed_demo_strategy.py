"""Seed the demo ICB (loaded by `manage.py load_demo`) with a published five-year
Population Health Improvement Plan for its 2025/26 cycle: three priorities, an outcome
each with a baseline and a year-5 target, and interventions starting in April 2025.

The work is evaluation.demo.phip.seed_strategy (through stage 2's actions, as the demo
commissioner, in one transaction; it loads the demo indicator series first, because the
outcomes' baselines come from them). Running the command again changes nothing.
"""

from django.core.management.base import BaseCommand

from evaluation.demo.context import demo_context
from evaluation.demo.phip import seed_strategy


class Command(BaseCommand):
    help = "Add a published demo strategy (PHIP 2025 to 2030) to the demo ICB."

    def handle(self, *args, **options):
        commissioner, icb, _ = demo_context()
        made = seed_strategy(icb=icb, by=commissioner)
        if made:
            self.stdout.write(f"Seeded demo strategy: {made}.")
        else:
            self.stdout.write("Demo strategy already present: nothing changed.")
