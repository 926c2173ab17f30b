"""`make load`: locust against the production-like stack while a big analysis runs.

    python -m loadtest.run --users 50 --time 5m --analysis-people 1000000

1. Loads a demo ICB of `--analysis-people` (two periods) into a database of its own
   (`load_analysis`, kept between runs unless `--reload`), so that the development
   database is only read by the simulated users.
2. Makes a database for the web stack too (`load_web`, kept between runs): migrated, the
   demo ICB loaded and seeded as `make run` does (all four stages), with a password of
   its own (.data/load_password), so the test depends on nothing other work does to the
   development database. Starts gunicorn (`--web-workers`, default 4) on
   127.0.0.1:`--port` and a Celery worker for it (which computes the demo's profiles on
   the first run, before the users arrive), and a Celery worker (concurrency 1) against
   the analysis database, each on a queue of its own.
3. Keeps a needs profile of the big snapshot running in that worker for the whole test
   (a new one is sent whenever the last is ready) and runs locust headless with
   loadtest/locustfile.py: `--users` simulated commissioners, providers and analysts.
4. Prints p50/p95/p99 and the error count overall and per endpoint (slowest first), the
   profiles computed meanwhile, the load average, and whether p95 < 300 ms with no errors.
Everything it started is stopped however it ends.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ANALYSIS_DATABASE = "load_analysis"
WEB_DATABASE = "load_web"
READY = "loadtest: demo loaded and seeded"
PASSWORD_FILE = ROOT / ".data" / "load_password"
TARGET_P95_MS = 300.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    import django

    django.setup()


def _url_for(database: str) -> str:
    """The development database's URL with another database's name."""
    from bench.ingest import database_url

    return database_url().rsplit("/", 1)[0] + "/" + database


def ensure_analysis_database(people: int, reload: bool) -> str:
    """The analysis database's URL, with a demo of `people` loaded (made if missing)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [ANALYSIS_DATABASE])
        exists = cursor.fetchone() is not None
    url = _url_for(ANALYSIS_DATABASE)
    if exists and not reload:
        return url
    env = {**os.environ, "LOAD_PEOPLE": str(people)}
    command = [sys.executable, "-m", "loadtest.run", "--make-analysis-db"]
    subprocess.run(command, check=True, env=env)
    return url


def make_analysis_database() -> None:
    """(In a child process) create, migrate and fill the analysis database."""
    from django.db import connection

    from commissioning.demo.loader import load_demo

    connection.settings_dict["TEST"]["NAME"] = ANALYSIS_DATABASE
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    with tempfile.TemporaryDirectory() as folder:
        load_demo(
            seed=42,
            people=int(os.environ["LOAD_PEOPLE"]),
            password="load-test-analysis-only",  # noqa: S106 - a scratch database
            data_dir=Path(folder),
            summarise=False,
        )


def load_password() -> str:
    if not PASSWORD_FILE.exists():
        PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
        PASSWORD_FILE.write_text(secrets.token_urlsafe(12) + "\n")
        PASSWORD_FILE.chmod(0o600)
    return PASSWORD_FILE.read_text().strip()


def ensure_web_database(reload: bool, queue: str) -> str:
    """The web stack's database URL, made and filled as `make run` does if missing."""
    from django.db import connection

    url = _url_for(WEB_DATABASE)
    with connection.cursor() as cursor:
        # Ready only when every step has run (the comment is set last).
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [WEB_DATABASE],
        )
        found = cursor.fetchone()
        exists = found is not None
        if exists and found[0] == READY and not reload:
            return url
        if exists:
            cursor.execute(f'DROP DATABASE "{WEB_DATABASE}" WITH (FORCE)')  # noqa: S608
        cursor.execute(f'CREATE DATABASE "{WEB_DATABASE}"')  # noqa: S608
    env = {**os.environ, "DATABASE_URL": url, "DEMO_PASSWORD": load_password()}
    env["CELERY_QUEUE"] = queue
    for command in WEB_SETUP:
        subprocess.run([sys.executable, "manage.py", *command], check=True, env=env, cwd=ROOT)
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE \"{WEB_DATABASE}\" IS '{READY}'")  # noqa: S608
    return url


WEB_SETUP = [
    ["migrate", "--noinput"],
    ["load_demo"],
    ["profile_current_snapshots"],
    ["seed_demo_payor"],
    ["seed_demo_evaluation"],
]


def wait_for_runs(database: str, timeout: float = 900) -> None:
    """Until the runs in `database` (the demo's first profiles, say) are all finished."""
    import psycopg

    from bench.ingest import database_url

    url = database_url().rsplit("/", 1)[0] + "/" + database
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as db:
        while time.monotonic() < deadline:
            (left,) = db.execute(
                "SELECT count(*) FROM commissioning_run WHERE status IN ('queued', 'running')"
            ).fetchone()
            if not left:
                return
            time.sleep(1)
    raise RuntimeError(f"runs in {database} did not finish in {timeout:.0f} s")


@contextlib.contextmanager
def started(name: str, command: list[str], env: dict, log: Path):
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_healthy(url: str, process, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web server stopped:\n{log.read_text()[-2000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url + "/healthz", timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError("the web server did not become healthy")


class BackgroundAnalysis(threading.Thread):
    """Keeps a needs profile of the analysis database's newest snapshot running in the
    worker until stopped; counts the profiles finished and their seconds."""

    def __init__(self, database_url: str, queue: str):
        super().__init__(daemon=True, name="analysis")
        self.database_url, self.queue = database_url, queue
        self.finished: list[float] = []
        self.problem = ""
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=30)

    def run(self) -> None:
        from django.db import connections

        from commissioning.models import PopulationSnapshot, Run, User
        from commissioning.tasks import execute_run
        from needs_assessment.actions import start_needs_profile

        # The main thread no longer uses the database: this thread reads and writes the
        # analysis database only.
        connections["default"].close()
        connections["default"].settings_dict["NAME"] = ANALYSIS_DATABASE
        try:
            snapshot = PopulationSnapshot.objects.filter(status="current").latest("period_end")
            analyst = User.objects.get(username="analyst")
            while not self._stop_event.is_set():
                with mock.patch("commissioning.runs._send"):
                    profile = start_needs_profile(snapshot=snapshot, by=analyst)
                begun = time.perf_counter()
                execute_run.apply_async((profile.run_id,), queue=self.queue)
                while not self._stop_event.wait(0.5):
                    run = Run.objects.get(pk=profile.run_id)
                    if run.is_finished:
                        if run.status == "failed":
                            self.problem = run.message
                            return
                        self.finished.append(time.perf_counter() - begun)
                        break
        finally:
            connections["default"].close()


def percentile_row(stats: Path, name: str = "Aggregated") -> dict:
    with open(stats, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                return row
    return {}


def report(stats: Path, analysis: BackgroundAnalysis, loads: tuple, users: int, duration: str):
    with open(stats, newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    p95 = float(total["95%"])
    errors = int(total["Failure Count"])
    print(
        f"\nload test: {users} users for {duration}, {int(total['Request Count']):,} requests "
        f"({float(total['Requests/s']):.1f}/s); p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms; errors {errors}; load average {loads[0]:.2f} before, "
        f"{loads[1]:.2f} at the end",
        flush=True,
    )
    profiles = ", ".join(f"{s:.0f}" for s in analysis.finished) or "none finished"
    print(f"needs profiles of the big snapshot meanwhile (s each): {profiles}", flush=True)
    if analysis.problem:
        print(f"the background analysis FAILED: {analysis.problem}", flush=True)
    print(f"{'endpoint':<58}{'requests':>9}{'fails':>6}{'p50':>6}{'p95':>6}{'p99':>6}")
    endpoints = [row for row in rows if row["Name"] != "Aggregated"]
    for row in sorted(endpoints, key=lambda r: -float(r["95%"] or 0)):
        name = f"{row['Type']} {row['Name']}"[:57]
        print(
            f"{name:<58}{row['Request Count']:>9}{row['Failure Count']:>6}"
            f"{row['50%']:>6}{row['95%']:>6}{row['99%']:>6}"
        )
    ok = p95 < TARGET_P95_MS and errors == 0
    verdict = "meets" if ok else "MISSES"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms and no errors: {verdict}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.run", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--time", default=os.environ.get("LOAD_TIME", "5m"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8130")))
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--analysis-people", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="Load the analysis demo again.")
    parser.add_argument("--make-analysis-db", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup()
    if args.make_analysis_db:
        make_analysis_database()
        return 0
    analysis_url = ensure_analysis_database(args.analysis_people, args.reload)
    host = f"http://127.0.0.1:{args.port}"
    web_queue, analysis_queue = "load-web", f"load-analysis-{uuid.uuid4().hex[:8]}"
    web_url = ensure_web_database(args.reload, web_queue)
    with tempfile.TemporaryDirectory(prefix="loadtest-") as folder:
        folder = Path(folder)
        web_env = {**os.environ, "DATABASE_URL": web_url, "CELERY_QUEUE": web_queue}
        web_env["LOAD_PASSWORD"] = load_password()
        web_worker = [str(BIN / "celery"), "-A", "commissioning", "worker", "--concurrency", "1"]
        web_worker += ["--queues", web_queue, "--hostname", f"{web_queue}@localhost"]
        web_worker += ["--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
        worker_env = {**os.environ, "DATABASE_URL": analysis_url, "CELERY_QUEUE": analysis_queue}
        gunicorn = [str(BIN / "gunicorn"), "commissioning.wsgi", "--bind", host[7:]]
        gunicorn += ["--workers", str(args.web_workers), "--timeout", "60"]
        worker = [str(BIN / "celery"), "-A", "commissioning", "worker", "--concurrency", "1"]
        worker += ["--queues", analysis_queue, "--hostname", f"{analysis_queue}@localhost"]
        worker += ["--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
        locust = [str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py")]
        locust += ["--headless", "--host", host, "--users", str(args.users)]
        locust += ["--spawn-rate", str(args.spawn_rate), "--run-time", args.time]
        locust += ["--csv", str(folder / "load"), "--only-summary", "--stop-timeout", "10"]
        with (
            started("web", gunicorn, web_env, folder / "web.log") as web,
            started("web worker", web_worker, web_env, folder / "web-worker.log"),
            started("worker", worker, worker_env, folder / "worker.log"),
        ):
            wait_healthy(host, web, folder / "web.log")
            wait_for_runs(WEB_DATABASE)
            analysis = BackgroundAnalysis(analysis_url, analysis_queue)
            analysis.start()
            time.sleep(5)  # the analysis is under way before the users arrive
            before = os.getloadavg()[0]
            subprocess.run(locust, check=False, cwd=ROOT, env=web_env)
            after = os.getloadavg()[0]
            analysis.stop()
            ok = report(folder / "load_stats.csv", analysis, (before, after), args.users, args.time)
            from commissioning.celery import app

            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(analysis_queue)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
