"""Real processes for the fault scenarios: a private Redis, a private PostgreSQL
cluster, gunicorn and a Celery worker, each started and stopped by its own pid.

The machine's shared Redis (6379) and PostgreSQL (5432) are never stopped:
whatever a scenario breaks is its own instance. The web and worker processes
run `portal.settings` (the production shape, driven by the environment) with
DATABASE_URL, REDIS_URL, MEDIA_ROOT and PRIVATE_MEDIA_ROOT pointing where the
test says, so the test process and its subprocesses share one database and one
media directory.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SCRATCH = Path(os.environ.get("FAULTS_SCRATCH", "/tmp/faults"))
LOGS = SCRATCH / "logs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, *, timeout: float, interval: float = 0.1, what: str = ""):
    """Poll `check()` until it returns something truthy; that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("%.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _log(name: str):
    LOGS.mkdir(parents=True, exist_ok=True)
    return open(LOGS / ("%s.log" % name), "ab")  # noqa: SIM115 - kept by Popen


def _stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout=20) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


class RedisServer:
    """A throwaway redis-server (no persistence) that a test may stop."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return "redis://127.0.0.1:%d/0" % self.port

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=_log("redis-%d" % self.port),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _port_open(self.port), timeout=10, what="redis")
        return self

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None
        wait_for(lambda: not _port_open(self.port), timeout=10, what="redis down")


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("No PostgreSQL server binaries under /usr/lib/postgresql")
    return found[-1].parent


def _as_postgres(args: list[str], **kwargs):
    """Server binaries refuse to run as root: run them as `postgres` then."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, **kwargs)


class PgCluster:
    """A private PostgreSQL cluster (initdb, trust auth) a test may restart."""

    def __init__(self, directory: Path, port: int | None = None):
        self.directory = Path(directory)
        self.port = port or free_port()
        self.bin = _pg_bin()

    def url(self, dbname: str) -> str:
        return "postgres://postgres@127.0.0.1:%d/%s" % (self.port, dbname)

    def init(self) -> "PgCluster":
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        _as_postgres(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.directory / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        return self

    def start(self) -> None:
        _as_postgres(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-l",
                str(self.directory / "server.log"),
                "-o",
                "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off"
                % (self.port, self.directory),
                "-w",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        _as_postgres(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                mode,
                "-w",
                "stop",
            ]
        )

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def createdb(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute('CREATE DATABASE "%s"' % name)


def portal_env(
    *,
    database_url: str,
    redis_url: str,
    media_root: Path,
    private_media_root: Path,
    **extra: str,
) -> dict:
    """The environment of a web or worker process in the production shape."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(media_root),
        PRIVATE_MEDIA_ROOT=str(private_media_root),
        DEBUG="true",
        LOG_FORMAT="plain",
        CACHE_KEY_PREFIX="faults",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Gunicorn:
    def __init__(self, env: dict, *, workers: int = 2, name: str = "gunicorn"):
        self.env = env
        self.port = free_port()
        self.workers = workers
        self.name = name
        self.proc = None

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def start(self) -> "Gunicorn":
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                "127.0.0.1:%d" % self.port,
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=_log(self.name),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _port_open(self.port), timeout=60, what="gunicorn")
        return self

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


class CeleryWorker:
    """`celery -A portal worker` as a real process (solo pool by default)."""

    def __init__(self, env: dict, *, pool: str = "solo", name: str = "worker"):
        self.env = env
        self.pool = pool
        self.name = name
        self.proc = None

    def start(self) -> "CeleryWorker":
        self.log_path = LOGS / ("%s.log" % self.name)
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "--pool",
                self.pool,
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                "%s-%d@faults" % (self.name, os.getpid()),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=_log(self.name),
            stderr=subprocess.STDOUT,
        )
        return self

    def children(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
            capture_output=True,
            text=True,
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no message handed back."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        _stop(self.proc, timeout=30)
        self.proc = None


def copy_database(source_url: str, target_url: str) -> None:
    """pg_dump | pg_restore: the schema and rows of one database into another."""
    dump = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--dbname", source_url],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", target_url],
        input=dump.stdout,
        check=True,
        capture_output=True,
    )
