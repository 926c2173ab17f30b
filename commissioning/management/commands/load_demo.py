"""manage.py load_demo: load the demo ICB once; later runs only reset demo passwords."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commissioning.demo.loader import DemoLoadError, load_demo
from commissioning.demo.person_file import PersonFileError


class Command(BaseCommand):
    help = (
        "Load the demo ICB (areas, organisations, contracts, cycles, two population "
        "snapshots and demo users) unless it is loaded already, and set the demo users' "
        "password from DEMO_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--people", type=int, default=200_000, help="People in the first year (default 200000)."
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=settings.BASE_DIR / ".data" / "demo",
            help="Where the generated files go (default .data/demo).",
        )
        parser.add_argument(
            "--no-summaries",
            action="store_true",
            help="Do not queue population summaries of the new snapshots.",
        )

    def handle(self, *args, seed, people, data_dir, no_summaries, **options):
        password = os.environ.get("DEMO_PASSWORD") or settings.DEMO_PASSWORD
        if not password:
            raise CommandError(
                "DEMO_PASSWORD is not set, so the demo users would have no password. "
                "`make run` sets one; by hand: DEMO_PASSWORD='…' manage.py load_demo"
            )
        if people < 100:
            raise CommandError("--people must be at least 100")
        started = time.perf_counter()
        try:
            summary = load_demo(
                seed=seed,
                people=people,
                password=password,
                data_dir=data_dir,
                summarise=not no_summaries,
            )
        except (DemoLoadError, PersonFileError) as exc:
            raise CommandError(f"The demo ICB was not loaded: {exc}") from exc
        seconds = time.perf_counter() - started
        what = "loaded" if summary.fresh else "already loaded (demo passwords reset)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ICB {what}, {seconds:.1f} s: {summary.people:,} people, "
                f"{summary.areas} areas, {summary.providers} providers and "
                f"{summary.practices} GP practices, {summary.contracts} contracts."
            )
        )
        if summary.runs:
            self.stdout.write(f"Population summaries queued (runs {summary.runs}).")
