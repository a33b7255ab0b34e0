"""scripts/prod-smoke, run as an operator would: the production shape
(nginx with TLS, gunicorn, Celery worker and beat, PostgreSQL, Redis) booted
on this machine, a post with a photo submitted, approved and read over HTTPS.

About 25-50 s here. It makes its own database and uses an empty Redis
database other than the suite's; it needs nginx, openssl and Chromium.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "prod-smoke"

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _tools_present():
    # Never a silent skip: `make test` and .ci/run install these.
    missing = [tool for tool in ("nginx", "openssl") if not shutil.which(tool)]
    if missing:
        pytest.fail(
            "%s missing: apt-get install -y nginx-light openssl" % ", ".join(missing)
        )


def test_prod_smoke_passes():
    db = settings.DATABASES["default"]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")
    }
    env["PROD_SMOKE_POSTGRES_URL"] = "postgres://%s@%s:%s/postgres" % (
        db.get("USER") or "postgres",
        db.get("HOST") or "127.0.0.1",
        db.get("PORT") or 5432,
    )
    # An empty Redis database of its own, never the suite's.
    env["PROD_SMOKE_REDIS_SERVER"] = settings.REDIS_URL.rsplit("/", 1)[0]

    result = subprocess.run(
        [str(SCRIPT)], env=env, capture_output=True, text=True, timeout=400
    )

    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert summary["passed"] is True
    assert summary["failed"] == 0 and summary["checks"] >= 40
    assert "PASS:" in result.stdout
