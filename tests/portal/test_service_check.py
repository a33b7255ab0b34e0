"""The test command stops with one clear line when a service is missing."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_suite(**env: str) -> subprocess.CompletedProcess:
    # Port 9 (discard) has nothing listening on these machines.
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/portal/test_celery.py", "-q"],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_postgresql_stops_the_suite_naming_it():
    result = run_suite(DATABASE_URL="postgres://postgres@127.0.0.1:9/portal")

    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "PostgreSQL is not reachable at 127.0.0.1:9" in output
    assert "pg_ctlcluster --skip-systemctl-redirect" in output
    assert " passed" not in output and " skipped" not in output


def test_missing_redis_stops_the_suite_naming_it():
    result = run_suite(REDIS_URL="redis://127.0.0.1:9/0")

    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "Redis is not reachable at redis://127.0.0.1:9/0" in output
    assert "redis-server --daemonize yes" in output
    assert " passed" not in output and " skipped" not in output
