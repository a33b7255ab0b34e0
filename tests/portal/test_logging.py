"""Logs as JSON lines with a request id that follows the request into the
Celery tasks it enqueued (portal.logging), with the real worker."""

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from news.models import Category, Post, PostStatus
from portal.logging import RequestIdFilter, logging_config, request_id_var
from tests.factories import UserFactory
from units.models import Role

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
BASE_DIR = Path(settings.BASE_DIR)


class Capture(logging.Handler):
    """Keeps the records, with the request id the production filter adds."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def task_log():
    """Celery's per-task lines ("Task ... succeeded"), written by the worker."""
    logger = logging.getLogger("celery.app.trace")
    handler, level = Capture(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_each_response_carries_a_new_request_id(client, db):
    first = client.get("/masuk/")["X-Request-ID"]
    second = client.get("/masuk/")["X-Request-ID"]
    assert HEX_ID.match(first) and HEX_ID.match(second) and first != second


def test_the_proxy_request_id_is_taken_only_from_a_trusted_proxy(client, db):
    given = "5f0c7a5e2b1d4c3a9e8f7a6b5c4d3e2f"
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client.get("/masuk/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
        # Something else than an id is not logged as given.
        forged = client.get("/masuk/", HTTP_X_REQUEST_ID='x" injected\nline')
        assert HEX_ID.match(forged["X-Request-ID"])
    # Without a trusted proxy anyone could choose the id of their lines.
    with override_settings(TRUSTED_PROXIES=[]):
        answer = client.get("/masuk/", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
        assert answer != given and HEX_ID.match(answer)


@pytest.mark.django_db(transaction=True)
def test_a_submission_s_request_id_reaches_the_worker_s_log(
    client, celery_worker, task_log, unit
):
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    category = Category.objects.create(name="Pembinaan", slug="pembinaan")
    post = Post.objects.create(
        unit=unit,
        author=contributor,
        category=category,
        title="Pelatihan menjahit bagi warga binaan Lapas",
        slug="pelatihan-menjahit",
        lead="Warga binaan belajar menjahit selama satu pekan.",
        body="<p>Lapas menggelar pelatihan menjahit bagi warga binaan.</p>",
        status=PostStatus.DRAFT,
    )
    client.force_login(contributor)

    response = client.post(reverse("news:submit", args=[post.pk]))

    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    assert HEX_ID.match(request_id)

    # The submission enqueued the content checks; the worker logs them.
    def checks_logged():
        return [
            record
            for record in task_log.records
            if "run_post_checks" in record.getMessage()
            and "succeeded" in record.getMessage()
        ]

    deadline = time.monotonic() + 20
    while not checks_logged():
        assert time.monotonic() < deadline, "the worker never ran the checks"
        time.sleep(0.1)
    record = checks_logged()[0]
    assert record.request_id == request_id
    # Written in the worker, not in the request.
    assert record.threadName != "MainThread" or record.process != os.getpid()
    # Outside any request or task there is no id.
    assert request_id_var.get() is None


def test_a_json_line_holds_the_fields_and_the_request_id():
    config = logging_config(json_lines=True, level="INFO", worker_info=True)
    options = dict(config["formatters"]["main"])
    formatter = import_string(options.pop("()"))(**options)
    token = request_id_var.set("abcdef0123456789")
    try:
        try:
            raise ValueError("rusak")
        except ValueError:
            record = logging.getLogger("news.tasks").makeRecord(
                "news.tasks",
                logging.ERROR,
                __file__,
                1,
                "Foto %s gagal",
                (7,),
                sys.exc_info(),
            )
        RequestIdFilter().filter(record)
        line = formatter.format(record)
    finally:
        request_id_var.reset(token)

    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "Foto 7 gagal"
    assert data["level"] == "ERROR"
    assert data["logger"] == "news.tasks"
    assert data["request_id"] == "abcdef0123456789"
    assert "ValueError: rusak" in data["exc_info"]
    assert data["time"]


def test_production_settings_log_json_lines():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "uji-" * 10,
        "ALLOWED_HOSTS": "berita.example.go.id",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tidak_dipakai",
        "REDIS_URL": settings.REDIS_URL,
    }
    env.pop("LOG_FORMAT", None)
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('portal').warning('halo %s', 'dunia')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line]
    assert {"message": "halo dunia", "level": "WARNING", "request_id": "-"}.items() <= (
        lines[-1].items()
    )
