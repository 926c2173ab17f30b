"""Benchmark of stage 1 from file to finished INA, through a real worker process.

    python -m bench.pipeline --people 1000000

`measure_pipeline(people)` makes a synthetic ICB of `people` (two 12-month periods) with
the demo generator, then, in a scratch database (`bench_pipeline`, made and dropped here)
with a Celery worker process of its own (bench/ingest.py's `celery_worker`):

- uploads the earlier period's file, then the later period's, as the demo analyst through
  `receive_upload` and waits for each "ingest" run (bench/ingest.py's
  `upload_through_worker`);
- sends the later snapshot's "needs_profile" run, which that ingest queued, to the same
  worker and waits for the profile to be ready (segmentation, the risk model trained on
  the earlier period, every aggregate). `celery_worker` points the runs a worker starts
  at a queue nobody reads, so the benchmark forwards this one itself the moment the
  ingest has finished; the earlier period's profile, which nothing here needs, is left
  unsent (a single production worker would compute it between the two ingests);
- creates the INA with `create_assessment` as the commissioner;
- times the INA page and the ICB home page server-side with Django's test Client, logged
  in as the commissioner (5 requests each; median and max). The first request of a page
  in this process also compiles its templates (Django's cached loader keeps them for the
  life of a web process), so the max is that cold request and the median the steady
  state. The benchmark's own objects are set aside from Python's collector first
  (gc.freeze): a web process does not hold a million generated people, and collecting
  them mid-request added pauses of up to 300 ms to random requests.

It prints the seconds of each step, "file to finished INA" (from the first upload call to
the profile being ready) and the worker's peak memory: the resident memory of the worker
process and its children together (proportional set sizes, so pages the pool process
shares with its parent count once), sampled every 0.2 s in a thread with psutil, per step
and overall, beside the worker's own reports. If the worker's pool process dies or a step
passes its deadline, the unfinished runs are failed so that the benchmark stops with the
reason instead of waiting for ever; the worker and the scratch database are removed
however it ends. Also part of `make bench` (`--pipeline-people`, 0 skips).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil

from bench import ingest

SCRATCH_DATABASE = "bench_pipeline"
PAGE_REQUESTS = 5
SAMPLE_SECONDS = 0.2
POLL_SECONDS = 0.05
TARGET_SECONDS = {1_000_000: 30.0, 3_000_000: 90.0}  # file to finished INA, by people
TARGET_WORKER_MB = 4 * 1024
TARGET_PAGE_MS = 300.0


# --------------------------------------------------------------------------- the worker


@dataclass
class Peak:
    """Peaks of the worker's memory in MB: `total_mb` its processes' proportional set
    sizes together (pages the pool shares with its parent counted once), `rss_mb` their
    resident sizes added up (shared pages counted twice), `largest_mb` the largest one
    process's resident size."""

    total_mb: float = 0.0
    rss_mb: float = 0.0
    largest_mb: float = 0.0

    def add(self, total: float, rss: float, largest: float) -> None:
        self.total_mb = max(self.total_mb, total)
        self.rss_mb = max(self.rss_mb, rss)
        self.largest_mb = max(self.largest_mb, largest)


@dataclass
class WorkerWatch:
    """A thread that samples the worker's memory (the process and its children; see
    Peak) every `interval` seconds, keeping the peak per step and overall, and fails the
    scratch database's unfinished runs if a pool process of the worker exits during a
    step or the step passes its deadline, so that the waits in the benchmark end."""

    pid: int
    interval: float = SAMPLE_SECONDS
    peaks: dict[str, Peak] = field(default_factory=dict)
    overall: Peak = field(default_factory=Peak)
    samples: int = 0
    seen: set[int] = field(default_factory=set)  # every process of the worker sampled
    problem: str | None = None
    _step: str = "idle"
    _deadline: float = float("inf")
    _children: set[int] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._root = psutil.Process(self.pid)
        self._thread = threading.Thread(target=self._loop, name="worker-watch", daemon=True)

    def begin(self, step: str, *, timeout: float) -> None:
        """Count what follows as `step`, which must end within `timeout` seconds."""
        sizes, children = self._sample()  # here too, so that a short step has a sample
        with self._lock:
            self._step, self._deadline = step, time.monotonic() + timeout
            self._children = children
            self.peaks.setdefault(step, Peak()).add(*sizes)

    def end(self) -> None:
        sizes, _ = self._sample()
        with self._lock:
            self.peaks.setdefault(self._step, Peak()).add(*sizes)
            self._step, self._deadline = "between steps", float("inf")

    def _sample(self) -> tuple[tuple[float, float, float], set[int]]:
        """(PSS together, RSS together, largest RSS) in MB, and the children's ids."""
        pss, rss, children = [], [], set()
        try:
            processes = [self._root, *self._root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return (0.0, 0.0, 0.0), set()
        for process in processes:
            try:
                memory = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            pss.append(getattr(memory, "pss", memory.rss) / 1024**2)
            rss.append(memory.rss / 1024**2)
            if process.pid != self.pid:
                children.add(process.pid)
        self.seen.update(p.pid for p in processes)
        return (sum(pss), sum(rss), max(rss, default=0.0)), children

    def _loop(self) -> None:
        from django.db import connections

        try:
            while not self._stop.wait(self.interval):
                sizes, children = self._sample()
                with self._lock:
                    self.samples += 1
                    self.overall.add(*sizes)
                    self.peaks.setdefault(self._step, Peak()).add(*sizes)
                    step, deadline, before = self._step, self._deadline, self._children
                if self.problem or deadline == float("inf"):  # between steps
                    continue
                if not self._alive():
                    self._fail_runs(f"the worker process exited during {step}")
                elif before - children:
                    self._fail_runs(
                        f"the worker's pool process {min(before - children)} exited during "
                        f"{step} (killed? out of memory?); peak {self.peaks[step].total_mb:,.0f}"
                        " MB"
                    )
                elif time.monotonic() > deadline:
                    self._fail_runs(f"{step} did not finish within its deadline")
        finally:
            connections.close_all()  # this thread's connections only

    def _alive(self) -> bool:
        try:
            return self._root.is_running() and self._root.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def _fail_runs(self, problem: str) -> None:
        from django.utils import timezone

        from commissioning.models import Run, RunStatus

        self.problem = f"benchmark: {problem}"
        Run.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
            status=RunStatus.FAILED, message=self.problem[:500], finished_at=timezone.now()
        )

    def __enter__(self) -> WorkerWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@contextmanager
def scratch_pipeline_database():
    """bench/ingest.py's scratch database, under this benchmark's own name (so that it
    never clobbers the ingest benchmark's)."""
    previous, ingest.SCRATCH_DATABASE = ingest.SCRATCH_DATABASE, SCRATCH_DATABASE
    try:
        with ingest.scratch_database():
            yield
    finally:
        ingest.SCRATCH_DATABASE = previous


@contextmanager
def worker_process(queue: str, log: Path):
    """bench/ingest.py's `celery_worker`, saying why if the worker process ends on its
    own (its clean-up then fails on the missing process group, which would hide the
    reason and leave the queues)."""
    try:
        with ingest.celery_worker(queue, log) as worker:
            yield worker
    except ProcessLookupError as error:
        from commissioning.celery import app

        with app.connection_for_write() as connection:
            for name in (queue, f"{queue}-unread"):
                connection.default_channel.queue_delete(name)
        cause = error.__context__
        raise RuntimeError(
            f"the worker process ended on its own ({cause!r})\n{_log_tail(log)}"
        ) from cause


# --------------------------------------------------------------------------- the steps


def cpu_by_process() -> dict[int, float]:
    """CPU seconds (user + system) used so far by each process of the machine."""
    seconds = {}
    for process in psutil.process_iter(["cpu_times"]):
        cpu = process.info["cpu_times"]
        if cpu is not None:
            seconds[process.pid] = cpu.user + cpu.system
    return seconds


def cpu_elsewhere(before: dict[int, float], worker: set[int]) -> float:
    """CPU seconds used since `before` by processes other than this one, the worker's
    and the database sessions of the scratch database: other work on the machine that
    competed with the pipeline (processes that ended meanwhile are not counted)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "OR backend_type <> 'client backend'"
        )
        ours = {pid for (pid,) in cursor.fetchall()} | worker | {os.getpid()}
    after = cpu_by_process()
    return sum(
        max(0.0, seconds - before.get(pid, 0.0))
        for pid, seconds in after.items()
        if pid not in ours
    )


def wait_for_profile(profile_id: int) -> tuple[float, object, object]:
    """Wait for the profile to be ready and its run finished; returns the moment it was
    seen ready (perf_counter), the profile and the run. Raises if either failed."""
    from commissioning.models import Run, RunStatus
    from needs_assessment.models import NeedsProfile, ProfileStatus

    ready_at = None
    while True:
        profile = NeedsProfile.objects.get(pk=profile_id)
        if profile.status == ProfileStatus.READY and ready_at is None:
            ready_at = time.perf_counter()
        run = Run.objects.get(pk=profile.run_id)
        if run.status == RunStatus.FAILED or profile.status == ProfileStatus.FAILED:
            raise RuntimeError(f"the needs_profile run failed: {run.message}")
        if ready_at is not None and run.is_finished:
            return ready_at, profile, run
        time.sleep(POLL_SECONDS)


def time_pages(commissioner, assessment) -> dict[str, list[float]]:
    """Milliseconds of each request to the INA page and the home page, server-side."""
    from django.test import Client
    from django.urls import reverse

    # The benchmark's own objects (the generated people, the worker watch's samples...)
    # are no part of a web process, but Python's collector would walk them during a
    # request: set them aside first, as a web process's heap does not hold them.
    gc.collect()
    gc.freeze()
    client = Client()
    client.force_login(commissioner)
    urls = {
        "INA page": reverse("needs_assessment:ina-detail", args=[assessment.pk]),
        "home page": reverse("home"),
    }
    timings = {}
    for name, url in urls.items():
        timings[name] = []
        for _ in range(PAGE_REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name} {url} answered {response.status_code}")
    return timings


def measure_pipeline(people: int = 1_000_000, *, seed: int = 42, timeout: float = 1800) -> dict:
    """Figures for one synthetic ICB of `people` (see the module docstring). `timeout`
    is the most seconds any one step in the worker may take."""
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as folder:
        folder = Path(folder)
        ingest._setup_django(folder / "media")
        from django.conf import settings
        from django.test import override_settings

        # Tell the storage too (it keeps MEDIA_ROOT from its first use in this process,
        # as when `python -m bench` runs the ingest benchmark first).
        with override_settings(MEDIA_ROOT=str(folder / "media")):
            return _measure(folder, people, seed=seed, timeout=timeout) | {"debug": settings.DEBUG}


def _measure(folder: Path, people: int, *, seed: int, timeout: float) -> dict:
    from commissioning.demo import PERIOD_ENDS
    from commissioning.demo.generator import build_demo, write_demo
    from commissioning.demo.loader import (
        ensure_demo_users,
        load_areas,
        load_cycles,
        load_organisations,
        read_reference,
    )
    from commissioning.models import CommissioningCycle, CycleStatus, PopulationSnapshot
    from commissioning.tasks import execute_run
    from needs_assessment.documents.actions import create_assessment
    from needs_assessment.models import NeedsProfile

    figures: dict = {"people": people}
    started = time.perf_counter()
    write_demo(build_demo(seed=seed, people=people), folder)
    figures["generate"] = time.perf_counter() - started
    with scratch_pipeline_database():
        areas = load_areas(read_reference(folder / "areas.csv"))
        load_organisations(read_reference(folder / "organisations.csv"), areas)
        users = ensure_demo_users("bench-password-not-used")  # noqa: S106 - scratch database
        analyst, commissioner = users["analyst"], users["commissioner"]
        icb = analyst.icb
        load_cycles(icb)
        queue = f"bench-pipeline-{uuid.uuid4().hex[:8]}"
        with (
            worker_process(queue, folder / "worker.log") as worker,
            WorkerWatch(worker.pid) as watch,
        ):
            time.sleep(3 * SAMPLE_SECONDS)  # the idle worker's memory
            cpu_before, load_before = cpu_by_process(), os.getloadavg()[0]
            first_upload = time.perf_counter()
            loads = []
            try:
                for number, period_end in enumerate(PERIOD_ENDS, start=1):
                    watch.begin(f"ingest {number}", timeout=timeout)
                    path = folder / f"people_{period_end}.csv.gz"
                    end = date.fromisoformat(period_end)
                    loads.append(ingest.upload_through_worker(path, icb, analyst, end, queue))
                    watch.end()
                profile_id = loads[-1]["needs_profile_id"]
                if profile_id is None:
                    raise RuntimeError("the later period's ingest did not queue a needs profile")
                run_id = NeedsProfile.objects.get(pk=profile_id).run_id
                watch.begin("profile", timeout=timeout)
                sent = time.perf_counter()
                execute_run.apply_async((run_id,), queue=queue)
                ready_at, profile, run = wait_for_profile(profile_id)
                figures["elsewhere"] = cpu_elsewhere(cpu_before, watch.seen)
                figures["load_average"] = (load_before, os.getloadavg()[0])
                watch.end()
            except RuntimeError as error:
                raise RuntimeError(f"{error}\n{_log_tail(folder / 'worker.log')}") from None
            figures["worker_samples"] = watch.samples
        figures["ingests"] = [
            {
                "period_end": period_end,
                "rows": load["rows"],
                "end_to_end": load["end_to_end"],
                "steps": load["seconds"],
                "worker_peak_rss_mb": load.get("peak_rss_mb"),
                "memory": watch.peaks[f"ingest {number}"],
            }
            for number, (period_end, load) in enumerate(zip(PERIOD_ENDS, loads, strict=True), 1)
        ]
        figures["profile"] = {
            "period_end": PERIOD_ENDS[-1],
            "seconds": ready_at - sent,
            "own_seconds": profile.summary.get("total_seconds", run.result.get("seconds")),
            "steps": profile.summary.get("seconds", {}),
            "aggregates": run.result.get("aggregates"),
            "risk_model": run.result.get("risk_model"),
            "worker_peak_memory_mb": profile.summary.get("worker_peak_memory_mb"),
            "memory": watch.peaks["profile"],
        }
        figures["file_to_ina"] = ready_at - first_upload
        figures["worker_idle"] = watch.peaks.get("idle", Peak())
        figures["worker_overall"] = watch.overall
        figures["rows"] = list(
            PopulationSnapshot.objects.filter(icb=icb)
            .order_by("period_end")
            .values_list("row_count", flat=True)
        )
        cycle = CommissioningCycle.objects.get(icb=icb, status=CycleStatus.OPEN)
        started = time.perf_counter()
        assessment = create_assessment(
            cycle=cycle,
            profile=profile,
            title=f"Integrated needs assessment {cycle.financial_year}/"
            f"{(cycle.financial_year + 1) % 100:02d}",
            by=commissioner,
        )
        figures["create_ina"] = time.perf_counter() - started
        figures["pages"] = time_pages(commissioner, assessment)
    return figures


def _log_tail(log: Path, characters: int = 2000) -> str:
    try:
        return "the worker's log ends:\n" + log.read_text(errors="replace")[-characters:]
    except OSError:
        return ""


# --------------------------------------------------------------------------- the report


def _verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report_lines(figures: dict) -> list[str]:
    """The figures as a compact table and a few lines of detail."""
    people = figures["people"]
    first, second = figures["ingests"]
    profile = figures["profile"]
    overall = figures["worker_overall"]
    target = TARGET_SECONDS.get(people)
    total = figures["file_to_ina"]
    if target is None:
        total_target = "targets: " + "; ".join(
            f"{n:,} people < {s:.0f} s" for n, s in TARGET_SECONDS.items()
        )
    else:
        total_target = f"< {target:.0f} s for {people:,} people: {_verdict(total < target)}"
    memory_target = (
        f"< {TARGET_WORKER_MB:,} MB (set for 3,000,000): "
        f"{_verdict(overall.total_mb < TARGET_WORKER_MB)}"
    )
    rows = " + ".join(f"{n:,}" for n in figures["rows"])
    width = 36
    before, after = figures["load_average"]
    lines = [
        f"pipeline, {people:,} people ({rows} rows), one Celery worker (concurrency 1), "
        f"DEBUG {'on' if figures['debug'] else 'off'}; other work on the machine used "
        f"{figures['elsewhere']:,.0f} CPU s during the {total:.0f} s from file to INA "
        f"({figures['elsewhere'] / total:.2f} of {os.cpu_count()} cores; load average "
        f"{before:.2f} to {after:.2f})",
        f"  {'step':<{width}}{'seconds':>9}{'worker peak MB':>16}  target",
        f"  {'generate (2 periods + files)':<{width}}{figures['generate']:>9.1f}{'':>16}",
    ]
    for number, load in enumerate(figures["ingests"], start=1):
        name = f"ingest period {number} (to {load['period_end']})"
        lines.append(
            f"  {name:<{width}}{load['end_to_end']:>9.1f}{load['memory'].total_mb:>16,.0f}"
        )
    name = f"needs profile (to {profile['period_end']})"
    pages = f"page (server time, {PAGE_REQUESTS} requests)"
    lines += [
        f"  {name:<{width}}{profile['seconds']:>9.1f}{profile['memory'].total_mb:>16,.0f}",
        f"  {'file to finished INA':<{width}}{total:>9.1f}{overall.total_mb:>16,.0f}  "
        f"{total_target}; memory {memory_target}",
        f"  {'create INA':<{width}}{figures['create_ina']:>9.2f}",
        f"  {pages:<{width}}{'median ms':>9}{'max ms':>16}",
    ]
    for name, timings in figures["pages"].items():
        median, worst = statistics.median(timings), max(timings)
        verdict = (
            f"median {_verdict(median < TARGET_PAGE_MS)}, max {_verdict(worst < TARGET_PAGE_MS)}"
        )
        each = ", ".join(f"{ms:.0f}" for ms in timings)
        lines.append(
            f"  {name:<{width}}{median:>9.0f}{worst:>16.0f}  < {TARGET_PAGE_MS:.0f} ms: "
            f"{verdict} (each in turn: {each})"
        )
    lines.append(
        "  (the first request of a page in a process includes compiling its templates, once "
        "per web process; later requests show the steady state)"
    )
    for number, load in enumerate(figures["ingests"], start=1):
        steps = load["steps"]
        lines.append(
            f"  ingest {number} in the worker: {steps['total']:.2f} s of "
            f"{load['end_to_end']:.2f} (check + COPY {steps['check_and_copy']:.2f}, primary "
            f"key {steps['index']:.2f}, attach + commit {steps['attach_and_commit']:.2f}); "
            f"{load['rows'] / steps['total']:,.0f} rows/s"
        )
    longest_first = sorted(profile["steps"].items(), key=lambda step: -step[1])
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in longest_first)
    lines += [
        f"  profile's own total {profile['own_seconds']:.2f} s, {profile['aggregates']:,} "
        f"figures, risk model {'trained' if profile['risk_model'] else 'NOT trained'}; "
        f"steps, longest first (s): {steps}",
        f"  worker memory (psutil every {SAMPLE_SECONDS} s, {figures['worker_samples']:,} "
        f"samples; worker process + pool, PSS added up): idle before the uploads "
        f"{figures['worker_idle'].total_mb:,.0f} MB, peak {overall.total_mb:,.0f} MB (RSS "
        f"added up {overall.rss_mb:,.0f} MB, largest one process {overall.largest_mb:,.0f} "
        "MB); the worker's own report: "
        f"ingest peak {first['worker_peak_rss_mb']:,} and {second['worker_peak_rss_mb']:,} "
        f"MB, profile VmHWM {profile['worker_peak_memory_mb']:,} MB",
    ]
    return lines


def print_pipeline(people: int, *, seed: int = 42, timeout: float = 1800) -> dict:
    """Measure and print (what `python -m bench` calls)."""
    figures = measure_pipeline(people, seed=seed, timeout=timeout)
    for line in report_lines(figures):
        print(line, flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--timeout", type=float, default=1800, help="Most seconds for one step in the worker."
    )
    args = parser.parse_args()
    print_pipeline(args.people, seed=args.seed, timeout=args.timeout)


if __name__ == "__main__":
    main()
