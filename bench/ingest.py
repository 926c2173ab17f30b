"""Benchmark of ingest: a bare COPY of a person-level CSV against the real upload path.

`measure_ingest(people)` makes a synthetic ICB of `people` with the demo generator, then,
in a scratch database (`bench_ingest`, made and dropped here):

- times a bare `COPY` of the first period's file (streamed, decompressed, into a new
  unindexed table with the file's columns): the fastest the database can take the rows;
- times the checks alone (the person-level validation, no database), for reference;
- uploads the same file through `receive_upload` and times the "ingest" run in a real
  Celery worker process: checks, COPY into a fresh partition, primary key, attach and
  make current, in one pass and one transaction. The worker reports its memory.

The target is ingest at no less than half the bare COPY rate. Run it alone with
`python -m bench.ingest --people 1000000`, or as part of `make bench`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

SCRATCH_DATABASE = "bench_ingest"
TARGET_RATIO = 0.5


def _setup_django(media_root: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    os.environ["MEDIA_ROOT"] = str(media_root)  # read when the settings are first imported
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = str(media_root)  # in case the settings were imported before


@contextmanager
def scratch_database():
    """A freshly migrated database for the benchmark, dropped afterwards."""
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = SCRATCH_DATABASE
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        _end_other_connections()
        connection.creation.destroy_test_db(original, verbosity=0)


def _end_other_connections() -> None:
    """Close the scratch database's other sessions (the stopped worker's may linger)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    user, password = quote(s["USER"] or "", safe=""), quote(s["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{credentials}{quote(s['HOST'] or '', safe='')}{port}/{s['NAME']}"


@contextmanager
def celery_worker(
    queue: str,
    log: Path,
    *,
    concurrency: int = 1,
    runs_elsewhere: bool = True,
    environment: dict | None = None,
):
    """A Celery worker of our own on `queue`, with `concurrency` pool processes, against
    the scratch database. With `runs_elsewhere`, runs it starts itself (the needs profile
    that follows each load) go to another queue that no worker reads, emptied at the end,
    so that only what is sent to `queue` is measured. `environment` adds to its
    environment. Stopped with SIGTERM (SIGKILL after 30 s), its queues deleted."""
    from commissioning.celery import app

    elsewhere = f"{queue}-unread" if runs_elsewhere else queue
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_QUEUE": elsewhere}
    env |= environment or {}
    name = f"{queue}-{concurrency}@localhost"
    command = [str(Path(sys.executable).parent / "celery"), "-A", "commissioning", "worker"]
    command += ["--concurrency", str(concurrency), "--queues", queue, "--hostname", name]
    command += ["--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-2000:]}")
        if concurrency > 1:
            time.sleep(2)  # every pool process ready, not only the first to answer
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have died on its own
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        with app.connection_for_write() as connection:
            for name in {queue, elsewhere}:
                connection.default_channel.queue_delete(name)


COLUMN_TYPES = {
    "pseudo_id": "varchar(64)",
    "period_end": "date",
    "age": "smallint",
    "sex": "char(1)",
    "ethnicity": "varchar(8)",
    "lsoa_code": "varchar(20)",
    "practice_code": "varchar(12)",
    "frailty": "varchar(10)",
    "cost": "numeric(12, 2)",
}


def bare_copy(path: Path, *, threaded: bool = True) -> float:
    """Seconds to stream the gzipped CSV into COPY FROM STDIN into a new unindexed table
    of the file's columns, and commit. Threaded (the default, and the stricter yardstick):
    decompressed here while a second thread sends, as `zcat file | psql -c "COPY …"`
    would; otherwise one thread does both, as a simple script would."""
    import gzip

    from django.db import connection, transaction
    from psycopg.copy import QueuedLibpqWriter

    from commissioning.models.population import ACTIVITY_COUNTS

    with gzip.open(path, "rt") as text:
        header = text.readline().strip().split(",")
    types = {**dict.fromkeys(header, "boolean"), **dict.fromkeys(ACTIVITY_COUNTS, "smallint")}
    types |= COLUMN_TYPES
    columns = ", ".join(f"{name} {types[name]}" for name in header)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        pg = cursor.cursor
        pg.execute(f"CREATE TABLE bench_bare_copy ({columns})")
        statement = "COPY bench_bare_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
        writer = QueuedLibpqWriter(pg) if threaded else None
        with open(path, "rb") as raw, pg.copy(statement, writer=writer) as copy:
            inflate = zlib.decompressobj(wbits=31)
            while block := raw.read(1 << 20):
                copy.write(inflate.decompress(block))
            copy.write(inflate.flush())
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_copy")
    return seconds


def checks_alone(path: Path, icb, period_end: date) -> float:
    """Seconds to read and check the file without loading it (the validation on its own)."""
    from needs_assessment.ingest.load import known_codes
    from needs_assessment.ingest.person import PERSON_COLUMNS, PersonChecker
    from needs_assessment.ingest.report import ValidationReport
    from needs_assessment.ingest.source import open_source, read_chunks

    started = time.perf_counter()
    source = open_source(path)
    lsoas, practices = known_codes(icb)
    report = ValidationReport(source.columns)
    checker = PersonChecker(
        period_end=period_end, lsoa_ids=lsoas, practice_ids=practices, report=report
    )
    for chunk in read_chunks(source, PERSON_COLUMNS):
        checker.check(chunk)
    source.sha256()
    if report.has_errors:
        raise RuntimeError(f"the demo file has problems: {report.summary()}")
    return time.perf_counter() - started


def upload_through_worker(path: Path, icb, analyst, period_end: date, queue: str) -> dict:
    """Upload the file as an analyst would and wait for the worker's ingest run."""
    from django.conf import settings
    from django.core.files import File

    from commissioning.models import Run
    from needs_assessment.ingest.actions import receive_upload

    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    started = time.perf_counter()
    with open(path, "rb") as raw:
        upload = receive_upload(
            icb=icb,
            kind="person_level",
            file=File(raw, name=path.name),
            period_start=period_end.replace(year=period_end.year - 1) + timedelta(days=1),
            period_end=period_end,
            source="Benchmark (demo generator)",
            by=analyst,
        )
    run = Run.objects.get(pk=upload.run_id)
    while not run.is_finished:
        time.sleep(0.05)
        run.refresh_from_db()
    if run.status != "succeeded":
        raise RuntimeError(f"the ingest run failed: {run.message}")
    return {**run.result, **run.result["measures"], "end_to_end": time.perf_counter() - started}


def measure_ingest(people: int = 1_000_000, *, seed: int = 42, repeat: int = 1) -> dict:
    """Figures for one synthetic ICB of `people` (see the module docstring). With
    `repeat` > 1 the bare COPY and the ingest are each done that many times, alternately,
    and the fastest of each is kept (the machine may be busy with other work)."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        folder = Path(folder)
        _setup_django(folder / "media")
        from commissioning.demo import PERIOD_ENDS
        from commissioning.demo.generator import build_demo, write_demo
        from commissioning.demo.loader import (
            ensure_demo_users,
            load_areas,
            load_organisations,
            read_reference,
        )

        started = time.perf_counter()
        write_demo(build_demo(seed=seed, people=people), folder)
        generated = time.perf_counter() - started
        period_end = date.fromisoformat(PERIOD_ENDS[0])
        path = folder / f"people_{PERIOD_ENDS[0]}.csv.gz"
        with scratch_database():
            areas = load_areas(read_reference(folder / "areas.csv"))
            load_organisations(read_reference(folder / "organisations.csv"), areas)
            analyst = ensure_demo_users("bench-password-not-used")["analyst"]  # noqa: S106
            icb = analyst.icb
            checks = checks_alone(path, icb, period_end)
            single_thread = bare_copy(path, threaded=False)
            queue = f"bench-ingest-{uuid.uuid4().hex[:8]}"
            bare, ingests = [], []
            with celery_worker(queue, folder / "worker.log"):
                for _ in range(repeat):
                    bare.append(bare_copy(path))
                    ingests.append(upload_through_worker(path, icb, analyst, period_end, queue))
        best = min(ingests, key=lambda result: result["seconds"]["total"])
        return {
            "people": people,
            "rows": best["rows"],
            "file_mb": path.stat().st_size / 1024**2 if path.exists() else None,
            "generate_seconds": generated,
            "checks_seconds": checks,
            "bare_copy_seconds": min(bare),
            "bare_copy_single_thread_seconds": single_thread,
            "bare_copy_runs": bare,
            "ingest_runs": [result["seconds"]["total"] for result in ingests],
            "ingest": best,
        }


def report_lines(figures: dict) -> list[str]:
    """The figures as lines to print."""
    rows, ingest = figures["rows"], figures["ingest"]
    steps = ingest["seconds"]
    bare_rate = rows / figures["bare_copy_seconds"]
    ingest_rate = rows / steps["total"]
    ratio = ingest_rate / bare_rate
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    runs = len(figures["ingest_runs"])
    spread = (
        f" (best of {runs}; median ingest {statistics.median(figures['ingest_runs']):.2f} s)"
        if runs > 1
        else ""
    )
    return [
        f"ingest, {figures['people']:,} people: demo generated in "
        f"{figures['generate_seconds']:.1f} s; {rows:,} rows in the first period",
        f"ingest, bare COPY of the same CSV into an unindexed table: "
        f"{figures['bare_copy_seconds']:.2f} s, {bare_rate:,.0f} rows/s (decompressing while "
        f"a second thread sends; in one thread "
        f"{rows / figures['bare_copy_single_thread_seconds']:,.0f} rows/s)",
        f"ingest, checks alone (no database): {figures['checks_seconds']:.2f} s, "
        f"{rows / figures['checks_seconds']:,.0f} rows/s",
        f"ingest through the worker: {steps['total']:.2f} s, {ingest_rate:,.0f} rows/s "
        f"(check + COPY {steps['check_and_copy']:.2f} s, primary key {steps['index']:.2f} s, "
        f"attach + commit {steps['attach_and_commit']:.2f} s){spread}",
        f"ingest rate / bare COPY rate = {ratio:.2f} ({verdict} the target of "
        f"{TARGET_RATIO:.2f}); from upload to loaded {ingest['end_to_end']:.2f} s",
        f"ingest worker memory: {ingest['rss_before_mb']:,} MB before, peak "
        f"{ingest['peak_rss_mb']:,} MB",
    ]


def print_ingest(people: int, *, repeat: int = 1) -> dict:
    """Measure and print (what `python -m bench` calls)."""
    figures = measure_ingest(people, repeat=repeat)
    for line in report_lines(figures):
        print(line, flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print_ingest(args.people, repeat=args.repeat)


if __name__ == "__main__":
    main()
