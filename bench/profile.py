"""Benchmark of the needs profile: seconds per step and peak memory of one profile run.

    python -m bench.profile --people 1000000

makes a scratch database (`bench_profile`), loads the demo ICB of that size (two periods)
into it, then computes a needs profile of the later period in a fresh process through
the same run handler a worker uses (`commissioning.runs.execute`), and prints the
seconds of each step, the total and the peak memory of that process. The scratch
database is dropped at the end. `measure_profile` is the function `bench/__main__.py`
can call on a database that already holds a loaded snapshot.
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
from unittest import mock
from urllib.parse import quote

SCRATCH_DATABASE = "bench_profile"


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, unlike ru_maxrss, starts afresh at
    exec, so a child started by a process that loaded millions of rows reports its own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure_profile(snapshot_id: int | None = None) -> dict:
    """Compute a needs profile of a loaded snapshot in this process and time it.

    Needs Django set up and a database holding the snapshot (the newest current one if
    `snapshot_id` is None) and a segmentation model. Returns people, aggregates, seconds
    (total, as the run measured it), steps (seconds per step from the profile's
    summary), peak_rss_mb and baseline_rss_mb (this process before the run)."""
    from commissioning.models import PopulationSnapshot, SnapshotStatus, User
    from commissioning.runs import execute
    from needs_assessment.actions import start_needs_profile
    from needs_assessment.profile import handlers  # noqa: F401 - registers the run kind

    snapshots = PopulationSnapshot.objects.filter(status=SnapshotStatus.CURRENT)
    snapshot = (
        snapshots.get(pk=snapshot_id) if snapshot_id else snapshots.order_by("-period_end").first()
    )
    if snapshot is None:
        raise SystemExit("no loaded snapshot to profile")
    by = User.objects.filter(is_active=True).order_by("pk").first()
    # The run is done here, in this process: nothing is sent to a worker's queue.
    with mock.patch("commissioning.runs._send"):
        profile = start_needs_profile(snapshot=snapshot, by=by)
    baseline = peak_rss_mb()
    started = time.perf_counter()
    run = execute(profile.run_id)
    wall = time.perf_counter() - started
    profile.refresh_from_db()
    run.refresh_from_db()
    if profile.status != "ready":
        raise SystemExit(f"the profile run failed: {run.message}")
    return {
        "people": profile.people,
        "aggregates": profile.summary.get("aggregates"),
        "seconds": round(wall, 2),
        "steps": profile.summary.get("seconds", {}),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "baseline_rss_mb": round(baseline, 1),
    }


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgresql://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    import django

    django.setup()


def run_scratch(people: int) -> dict:
    """Load the demo of `people` into a scratch database and profile it in a child
    process; returns the child's figures plus load_seconds."""
    _setup_django()
    from django.db import connection

    from commissioning.demo.loader import load_demo

    connection.settings_dict["TEST"]["NAME"] = SCRATCH_DATABASE
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            load_demo(
                seed=42,
                people=people,
                password="bench-password-not-used",  # noqa: S106 - scratch database
                data_dir=Path(folder),
                summarise=False,
            )
        load_seconds = time.perf_counter() - started
        env = {**os.environ, "DATABASE_URL": _database_url(connection.settings_dict)}
        command = [sys.executable, "-m", "bench.profile", "--child"]
        output = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
        figures = json.loads(output.stdout.strip().splitlines()[-1])
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    return figures | {"load_seconds": round(load_seconds, 1)}


def describe(figures: dict) -> str:
    """The figures as the benchmark prints them."""
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in figures["steps"].items())
    return (
        f"needs profile, {figures['people']:,} people: {figures['seconds']:.1f} s, "
        f"{figures['aggregates']:,} figures, peak RSS {figures['peak_rss_mb']:,.0f} MB "
        f"({figures['baseline_rss_mb']:,.0f} MB before the run)\n  steps (s): {steps}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup_django()
        print(json.dumps(measure_profile()))
        return
    figures = run_scratch(args.people)
    print(f"demo loaded in {figures['load_seconds']:.1f} s", flush=True)
    print(describe(figures), flush=True)


if __name__ == "__main__":
    main()
