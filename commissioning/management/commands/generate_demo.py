"""manage.py generate_demo: write the demo ICB's reference CSVs and people files."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commissioning.demo.generator import build_demo, write_demo


class Command(BaseCommand):
    help = (
        "Write areas.csv, organisations.csv and people_<period_end>.csv.gz for two years "
        "of a synthetic ICB (format: docs/data-format.md). The same seed and size give "
        "identical files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--people", type=int, default=200_000, help="People in the first year (default 200000)."
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.BASE_DIR / ".data" / "demo",
            help="Folder to write to (default .data/demo).",
        )

    def handle(self, *args, seed, people, out, **options):
        if people < 100:
            raise CommandError("--people must be at least 100")
        started = time.perf_counter()
        demo = build_demo(seed=seed, people=people)
        built = time.perf_counter()
        paths = write_demo(demo, out)
        for path in paths:
            self.stdout.write(f"  {path}")
        rows = ", ".join(f"{end}: {len(frame):,}" for end, frame in demo.people.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ICB (seed {seed}) written: people by period end {rows}; generated in "
                f"{built - started:.1f} s, written in {time.perf_counter() - built:.1f} s."
            )
        )
