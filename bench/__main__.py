"""Benchmarks that print figures (no pass or fail): `make bench`, or `python -m bench`.

- the demo generator: seconds and peak memory for one period of 1,000,000 people, and for
  the whole demo (two periods and the files), each measured in a fresh process;
- the demo loader: seconds for a first and a second `load_demo` of 200,000 people, into a
  scratch database (`bench_commissioning`, made and dropped here) so that the development
  database is not touched. Needs PostgreSQL running (`make bench` starts it);
- ingest (bench/ingest.py): a bare COPY of a 1,000,000-person CSV against the real upload
  through a Celery worker, rows/s of both, their ratio and the worker's peak memory;
- the pipeline (bench/pipeline.py): a synthetic ICB from file to finished INA through a
  Celery worker, seconds per step, peak worker memory and the INA and home pages' times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRATCH_DATABASE = "bench_commissioning"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child_generate(what: str, people: int) -> dict:
    """Run in a fresh process: time one period, or the whole demo written to files."""
    import numpy as np

    from commissioning.demo.generator import build_demo, write_demo
    from commissioning.demo.geography import build_lsoas, build_practices
    from commissioning.demo.health import age_hazards
    from commissioning.demo.people import (
        ENGLAND_BANDS,
        Geography,
        PseudoIds,
        new_people,
        observe,
    )

    age_hazards()  # calibration (cached, ~0.1 s) is part of importing, not of generating
    baseline = peak_rss_mb()
    started = time.perf_counter()
    if what == "one-period":
        rng = np.random.default_rng(42)
        lsoas = build_lsoas(rng, people)
        geo = Geography(lsoas, build_practices(rng, lsoas, people))
        cohort = new_people(rng, geo, PseudoIds(rng).take(people), ENGLAND_BANDS)
        rows = len(observe(rng, geo, cohort, "2025-03-31"))
    else:
        with tempfile.TemporaryDirectory() as folder:
            demo = build_demo(seed=42, people=people)
            rows = sum(len(frame) for frame in demo.people.values())
            write_demo(demo, Path(folder))
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "peak_rss_mb": peak_rss_mb(),
        "baseline_rss_mb": baseline,
    }


def measure_generator(what: str, people: int) -> dict:
    command = [sys.executable, "-m", "bench", "--child", what, "--generate-people", str(people)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure_loader(people: int) -> list[float]:
    """Seconds for a first and a second load_demo into a scratch database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    import django

    django.setup()
    from django.db import connection

    from commissioning.demo.loader import load_demo

    connection.settings_dict["TEST"]["NAME"] = SCRATCH_DATABASE
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    seconds = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(2):
                started = time.perf_counter()
                load_demo(
                    seed=42,
                    people=people,
                    password="bench-password-not-used",  # noqa: S106 - scratch database
                    data_dir=Path(folder),
                    summarise=False,
                )
                seconds.append(time.perf_counter() - started)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--generate-people", type=int, default=1_000_000)
    parser.add_argument("--load-people", type=int, default=200_000)
    parser.add_argument("--skip-load", action="store_true", help="Only time the generator.")
    parser.add_argument("--child", choices=["one-period", "whole-demo"], help=argparse.SUPPRESS)
    # --- ingest (bench/ingest.py) ---
    parser.add_argument("--ingest-people", type=int, default=1_000_000)
    parser.add_argument("--skip-ingest", action="store_true", help="Do not time the ingest.")
    # --- end ingest ---
    # --- pipeline (bench/pipeline.py) ---
    parser.add_argument(
        "--pipeline-people", type=int, default=1_000_000, help="File to finished INA; 0 skips."
    )
    # --- end pipeline ---
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_generate(args.child, args.generate_people)))
        return
    n = args.generate_people
    for what, label in (("one-period", "one period"), ("whole-demo", "two periods + files")):
        figures = measure_generator(what, n)
        print(
            f"generator, {label}, {n:,} people: {figures['seconds']:.1f} s, "
            f"{figures['rows']:,} rows, peak RSS {figures['peak_rss_mb']:,.0f} MB "
            f"({figures['peak_rss_mb'] - figures['baseline_rss_mb']:,.0f} MB above the "
            f"{figures['baseline_rss_mb']:,.0f} MB of the interpreter and libraries)",
            flush=True,
        )
    if not args.skip_load:
        first, second = measure_loader(args.load_people)
        print(f"load_demo, {args.load_people:,} people: first run {first:.1f} s", flush=True)
        print(f"load_demo, already loaded: second run {second:.1f} s", flush=True)
    # --- ingest (bench/ingest.py): bare COPY against the real upload through a worker ---
    if not args.skip_ingest:
        from bench.ingest import print_ingest

        print_ingest(args.ingest_people)
    # --- end ingest ---
    # --- pipeline (bench/pipeline.py): file to finished INA through a worker ---
    if args.pipeline_people:
        from bench.pipeline import print_pipeline

        print_pipeline(args.pipeline_people)
    # --- end pipeline ---


if __name__ == "__main__":
    main()
