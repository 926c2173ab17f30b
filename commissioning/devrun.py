"""`make run`: the whole platform on one machine, stopped cleanly with Ctrl-C.

Starts (or reuses) PostgreSQL and Redis, migrates, loads the demo ICB once, then starts
the web server (gunicorn), a Celery worker and Celery beat, waits until `/healthz` says
everything is up, and prints the URL and the demo logins. On Ctrl-C (or SIGTERM) it
stops every process it started, and the embedded services if it started them.

Logs go to `.data/logs/<process>.log`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from commissioning import devservices

BASE_DIR = devservices.BASE_DIR
DATA_DIR = devservices.DATA_DIR
LOG_DIR = DATA_DIR / "logs"
PASSWORD_FILE = DATA_DIR / "demo_password"
VENV_BIN = Path(sys.executable).parent
DEMO_USERS = [
    ("commissioner", "ICB commissioner"),
    ("analyst", "ICB analyst"),
    ("provider-a", "Provider representative (acute trust)"),
    ("provider-b", "Provider representative (community trust)"),
    ("partner", "Partner: local authority (read-only)"),
    ("admin", "Administrator (Django admin at /admin/)"),
]


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def demo_password() -> str:
    """DEMO_PASSWORD if set; else the one generated for this folder on its first run."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password


class Supervisor:
    """Starts child processes in their own process groups and stops them all."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}

    def step(self, name: str, *args: str) -> None:
        """Run a setup command to completion; stop everything if it fails."""
        say(name)
        result = subprocess.run(args, env=self.env, cwd=BASE_DIR)
        if result.returncode != 0:
            raise SystemExit(f"{name} failed (exit {result.returncode})")

    def start(self, name: str, *args: str) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = open(LOG_DIR / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        self.children[name] = subprocess.Popen(
            args,
            env=self.env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def dead_child(self) -> str | None:
        for name, child in self.children.items():
            if child.poll() is not None:
                return name
        return None

    def stop_all(self, grace: float = 15.0) -> None:
        for child in self.children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
        for child in self.children.values():
            # Kill whatever is left in the group (gunicorn's and celery's own children too).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=5)


def wait_until_healthy(url: str, supervisor: Supervisor, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        dead = supervisor.dead_child()
        if dead:
            tail = (LOG_DIR / f"{dead}.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"{dead} exited during start-up:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} was not healthy after {seconds:.0f} s; see {LOG_DIR}")


def banner(url: str, password: str) -> None:
    width = max(len(name) for name, _ in DEMO_USERS)
    lines = [
        "",
        f"  ICB Strategic Commissioning is running at {url}",
        "",
        "  Demo logins (password for all: " + password + ")",
        *(f"    {name.ljust(width)}  {role}" for name, role in DEMO_USERS),
        "",
        f"  API: {url}api/v1/docs/   Health: {url}healthz   Logs: {LOG_DIR}",
        "  Press Ctrl-C to stop everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


def main() -> int:
    started_at = time.monotonic()
    port = int(os.environ.get("PORT", "8000"))
    url = f"http://127.0.0.1:{port}/"
    service_env, started = devservices.up()
    password = demo_password()
    env = {**os.environ, **service_env, "DEMO_PASSWORD": password}
    env.setdefault("DJANGO_DEBUG", "true")
    supervisor = Supervisor(env)

    def stop(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    # Set explicitly: a shell that starts us in the background makes SIGINT ignored, and
    # Python then never raises KeyboardInterrupt. Ctrl-C, kill and a closed terminal all stop.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    python = str(VENV_BIN / "python")
    try:
        supervisor.step("Migrating the database", python, "manage.py", "migrate", "--noinput")
        supervisor.step("Loading the demo ICB (first time only)", python, "manage.py", "load_demo")
        supervisor.step(
            "Queuing needs profiles for new snapshots",
            python,
            "manage.py",
            "profile_current_snapshots",
        )
        supervisor.step(
            "Seeding the demo's plan, contract terms, scenario, PSR decision and committee",
            python,
            "manage.py",
            "seed_demo_payor",
        )
        supervisor.step(
            "Seeding the demo's strategy, indicator series, KPIs and evaluation data",
            python,
            "manage.py",
            "seed_demo_evaluation",
        )
        supervisor.start(
            "worker",
            str(VENV_BIN / "celery"),
            "-A",
            "commissioning",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            os.environ.get("WORKER_CONCURRENCY", "2"),
            "--hostname",
            "worker1@%h",
        )
        supervisor.start(
            "beat",
            str(VENV_BIN / "celery"),
            "-A",
            "commissioning",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(DATA_DIR / "celerybeat-schedule"),
        )
        supervisor.start(
            "web",
            str(VENV_BIN / "gunicorn"),
            "commissioning.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "3"),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        )
        wait_until_healthy(url + "healthz", supervisor)
        say(f"healthy after {time.monotonic() - started_at:.1f} s")
        banner(url, password)
        while True:
            dead = supervisor.dead_child()
            if dead:
                say(f"{dead} stopped unexpectedly; see {LOG_DIR / (dead + '.log')}")
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print(flush=True)
        say("stopping")
        return 0
    finally:
        supervisor.stop_all()
        devservices.down(started)
        say("stopped every process this run started")


if __name__ == "__main__":
    sys.exit(main())
