"""The settings in each mode, each in a fresh interpreter with a clean environment.

The test process itself runs on portal.test_settings, so the modes are checked
in subprocesses whose environment holds nothing but what each mode sets.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# Prints the settings that tell the modes apart, as JSON.
SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "options": db.get("OPTIONS", {}),
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "embedded": settings.EMBEDDED_MODE,
    # The public media storage (the default one wraps it with the private
    # one: news.storage.PhotoStorage).
    "storage": settings.STORAGES["public"],
}))
"""

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "berita.ditjenpas.go.id",
    # `check` opens no connection: the server need not exist.
    "DATABASE_URL": "postgres://portal:rahasia@db.internal:5432/portal",
}


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        # Keep the embedded SQLite file out of the working tree.
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def show_settings(tmp_path: Path, **env: str) -> tuple[dict, str]:
    result = run(["-c", SHOW_SETTINGS], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.fixture(autouse=True)
def no_local_env_file():
    if (BASE_DIR / ".env").exists():
        pytest.skip("a local .env file would leak into the 'clean' environment")


def test_no_environment_gives_the_embedded_default(tmp_path):
    shown, stderr = show_settings(tmp_path)

    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(tmp_path / "db.sqlite3")
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["eager"] is True
    assert shown["broker"] == "memory://"
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["debug"] is True
    assert shown["embedded"] is True
    assert "Embedded default: SQLite at %s" % (tmp_path / "db.sqlite3") in stderr


def test_database_and_redis_urls_give_the_production_shape(tmp_path):
    shown, stderr = show_settings(
        tmp_path,
        DATABASE_URL="postgres://portal:rahasia@db.internal:5432/portal",
        REDIS_URL="redis://redis.internal:6379/0",
        DB_POOL_MAX="20",
    )

    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["options"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 10}
    # The pool replaces persistent connections; Django refuses both at once.
    assert shown["conn_max_age"] == 0
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["eager"] is False
    assert shown["broker"] == "redis://redis.internal:6379/0"
    assert shown["embedded"] is False
    assert "Embedded default" not in stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off."),
        (
            {"DEBUG": "false", "SECRET_KEY": PRODUCTION["SECRET_KEY"]},
            "ALLOWED_HOSTS must be set when DEBUG is off.",
        ),
        (
            {"DEBUG": "false", "ALLOWED_HOSTS": "berita.ditjenpas.go.id"},
            "SECRET_KEY must be set when DEBUG is off.",
        ),
    ],
)
def test_debug_off_without_secrets_refuses_to_start(tmp_path, env, message):
    result = run(["manage.py", "check"], tmp_path, **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: %s" % message in result.stderr


def test_check_deploy_passes_with_production_like_environment(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_with_debug_on(tmp_path):
    """The check above can fail: with DEBUG on, --deploy complains."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=PRODUCTION["SECRET_KEY"],
    )

    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


def test_media_storage_is_chosen_by_configuration_alone(tmp_path):
    # The same two variables select django-storages' S3 backend in production.
    shown, _stderr = show_settings(
        tmp_path,
        MEDIA_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
        MEDIA_STORAGE_OPTIONS='{"base_url": "https://media.example.go.id/"}',
    )

    assert shown["storage"] == {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "https://media.example.go.id/"},
    }


SQLITE_REFUSED = (
    "ImproperlyConfigured: SQLite is for development only: set DATABASE_URL to "
    "a PostgreSQL database when DEBUG is off."
)


@pytest.mark.parametrize(
    "database_url",
    [None, "sqlite:////tmp/portal-produksi.sqlite3"],
    ids=["embedded-default", "sqlite-url"],
)
def test_debug_off_refuses_to_start_on_sqlite(tmp_path, database_url):
    env = {key: value for key, value in PRODUCTION.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url

    result = run(["-c", SHOW_SETTINGS], tmp_path, **env)

    assert result.returncode != 0
    assert SQLITE_REFUSED in result.stderr


def test_debug_on_still_runs_on_sqlite(tmp_path):
    shown, _stderr = show_settings(tmp_path, DEBUG="true")
    assert shown["engine"] == "django.db.backends.sqlite3"


def test_debug_off_on_postgresql_starts(tmp_path):
    shown, _stderr = show_settings(tmp_path, **PRODUCTION)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["debug"] is False
