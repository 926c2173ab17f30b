"""Scale-out benchmark: a partitioned needs profile with one worker process, then two.

    python -m bench.scale --people 3000000

Loads the demo ICB of `people` (two periods) into a scratch database (`bench_scale`,
made and dropped here) and VACUUMs it (so that neither run pays for setting the new rows'
hint bits or meets autovacuum), then computes the later period's needs profile partitioned by
place (needs_assessment.profile.partitioned) through a Celery worker started with
`--concurrency 1`, and again with `--concurrency 2` (each pool process limited to one
OpenMP/BLAS thread, so that one process uses one core, as one machine's worth of workers
per core would). It prints the seconds of each, the speed-up (target at least 1.6 times),
whether the two profiles' figures are the same (to 1e-9), and the load average before
and after, since other work on the machine competes for the same two cores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

from bench import ingest

SCRATCH_DATABASE = "bench_scale"
TARGET_SPEEDUP = 1.6
KEYS = ["area_id", "measure", "breakdown", "category"]
FIGURES = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]


#: One OpenMP/BLAS thread per pool process, so that one process uses one core.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def worker(queue: str, concurrency: int, log: Path):
    """A Celery worker of `concurrency` pool processes on `queue`, one thread each; the
    items a profile sends go to the same queue."""
    return ingest.celery_worker(
        queue, log, concurrency=concurrency, runs_elsewhere=False, environment=ONE_THREAD
    )


def profile_once(snapshot, queue: str, concurrency: int, log: Path, timeout: float) -> dict:
    """Start a partitioned profile, send its run to a fresh worker, time it to ready."""
    from commissioning.models import Run, User
    from commissioning.tasks import execute_run
    from needs_assessment.actions import start_needs_profile
    from needs_assessment.models import NeedsProfile, ProfileStatus

    analyst = User.objects.get(username="analyst")
    with mock.patch("commissioning.runs._send"):
        profile = start_needs_profile(snapshot=snapshot, by=analyst, partitioned=True)
    with worker(queue, concurrency, log):
        load_before = os.getloadavg()
        started = time.perf_counter()
        execute_run.apply_async((profile.run_id,), queue=queue)
        while True:
            profile = NeedsProfile.objects.get(pk=profile.pk)
            run = Run.objects.get(pk=profile.run_id)
            if run.status == "failed" or profile.status == ProfileStatus.FAILED:
                raise RuntimeError(f"the profile failed: {run.message}\n{log.read_text()[-2000:]}")
            if profile.status == ProfileStatus.READY and run.is_finished:
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError("the profile did not finish in time")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()
    return {
        "profile": profile,
        "seconds": seconds,
        "load": (load_before[0], load_after[0]),
        "steps": profile.summary.get("seconds", {}),
    }


def same_figures(first, second) -> tuple[bool, int]:
    """Whether two profiles' aggregate rows are the same (figures to 1e-9), and how many."""
    import numpy as np
    import pandas as pd

    from needs_assessment.models import ProfileAggregate

    def rows(profile):
        values = ProfileAggregate.objects.filter(profile=profile).values(*KEYS, *FIGURES)
        return pd.DataFrame(list(values)).sort_values(KEYS).reset_index(drop=True)

    one, other = rows(first), rows(second)
    if len(one) != len(other) or not one[KEYS].equals(other[KEYS]):
        return False, len(one)
    for column in FIGURES:
        a = pd.to_numeric(one[column]).to_numpy(dtype=float)
        b = pd.to_numeric(other[column]).to_numpy(dtype=float)
        if not np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True):
            return False, len(one)
    return True, len(one)


def measure_scale(people: int, *, timeout: float = 1800) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        folder = Path(folder)
        ingest._setup_django(folder / "media")
        previous, ingest.SCRATCH_DATABASE = ingest.SCRATCH_DATABASE, SCRATCH_DATABASE
        try:
            with ingest.scratch_database():
                return _measure(folder, people, timeout)
        finally:
            ingest.SCRATCH_DATABASE = previous


def _measure(folder: Path, people: int, timeout: float) -> dict:
    from commissioning.demo.loader import load_demo
    from commissioning.models import PopulationSnapshot

    started = time.perf_counter()
    load_demo(
        seed=42,
        people=people,
        password="bench-password-not-used",  # noqa: S106 - scratch database
        data_dir=folder / "data",
        summarise=False,
    )
    loaded = time.perf_counter() - started
    vacuumed = _vacuum()
    snapshot = PopulationSnapshot.objects.filter(status="current").order_by("-period_end").first()
    queue = f"bench-scale-{uuid.uuid4().hex[:8]}"
    runs = {
        n: profile_once(snapshot, queue, n, folder / f"worker-{n}.log", timeout) for n in (1, 2)
    }
    same, count = same_figures(runs[1]["profile"], runs[2]["profile"])
    return {
        "people": snapshot.row_count,
        "load": loaded,
        "vacuum": vacuumed,
        "runs": runs,
        "same": same,
        "rows": count,
    }


def _vacuum() -> float:
    """VACUUM the freshly loaded database, so that both runs read settled tables: the
    first reads of just-copied rows set their hint bits (writing pages), and autovacuum
    would otherwise start on the person rows at some moment during one run or the other.
    Returns its seconds."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
    return time.perf_counter() - started


def report_lines(figures: dict) -> list[str]:
    one, two = figures["runs"][1], figures["runs"][2]
    speedup = one["seconds"] / two["seconds"]
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
    lines = [
        f"scale-out, partitioned needs profile of {figures['people']:,} people "
        f"(demo loaded in {figures['load']:.0f} s, then VACUUM {figures['vacuum']:.0f} s), "
        f"{os.cpu_count()} cores:",
    ]
    for n, run in ((1, one), (2, two)):
        steps = ", ".join(
            f"{k} {v:.1f}" for k, v in run["steps"].items() if isinstance(v, int | float)
        )
        lines.append(
            f"  worker --concurrency {n}: {run['seconds']:.1f} s (load average "
            f"{run['load'][0]:.2f} before, {run['load'][1]:.2f} after); steps (s): {steps}"
        )
        lines.extend(part_lines(run["steps"].get("parts", {})))
    lines.append(
        f"  speed-up {speedup:.2f}x (target >= {TARGET_SPEEDUP}x: {verdict}); figures the same: "
        f"{'yes' if figures['same'] else 'NO'} ({figures['rows']:,} aggregate rows)"
    )
    return lines


def part_lines(parts: dict) -> list[str]:
    """Each process's items in the order it did them: item, start-end seconds from the
    start of the items, and what the item's record adds (CPU seconds of the process; of
    the wall clock, writing its file, loading...). Processes are named p1, p2... in order
    of appearance ("coord" is the run's own)."""
    names: dict = {}
    by_process: dict[str, list[str]] = {}
    ordered = sorted(parts.items(), key=lambda pair: pair[1].get("start", 0.0))
    for item, record in ordered:
        pid = record["pid"]
        name = "coord" if pid == "coordinator" else names.setdefault(pid, f"p{len(names) + 1}")
        start = record.get("start", 0.0)
        inner = ", ".join(
            f"{k} {v:.1f}" for k, v in record.items() if k not in ("pid", "seconds", "start")
        )
        cell = f"{item} {start:.1f}-{start + record['seconds']:.1f} ({inner})"
        by_process.setdefault(name, []).append(cell)
    lines = []
    for name, cells in sorted(by_process.items()):
        for i in range(0, len(cells), 5):
            lines.append(f"    {name if i == 0 else '':>5}: {', '.join(cells[i : i + 5])}")
    wall = sum(record["seconds"] for record in parts.values())
    cpu = sum(record.get("cpu", 0.0) for record in parts.values())
    lines.append(f"    items in all: {wall:.1f} s wall clock, {cpu:.1f} s CPU of their processes")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--people", type=int, default=3_000_000)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    for line in report_lines(measure_scale(args.people, timeout=args.timeout)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
