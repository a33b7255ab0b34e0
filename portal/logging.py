"""Logs as one JSON object per line, each carrying the request's id.

A request id ties together what one request caused: the web request's own
lines, and the lines of every Celery task it enqueued (mails, renditions,
checks), even on another host and minutes later.

- RequestIdMiddleware takes the id from nginx's X-Request-ID when the
  request comes from a trusted proxy (TRUSTED_PROXIES; the shipped nginx
  sets it to its own $request_id), else makes one; it is kept in a
  contextvar for the request and returned in the X-Request-ID response
  header, so a user's report or a load balancer's log can quote it.
- Celery's `before_task_publish` copies the current id into the task
  message's headers (`request_id`); `task_prerun` puts it in the same
  contextvar in the worker, `task_postrun` clears it. A task enqueued by a
  task inherits it the same way.
- RequestIdFilter adds `request_id` to every log record ("-" outside a
  request or task); the JSON formatter writes it with the rest.

Why python-json-logger (pinned in requirements.txt): a stdlib
logging.Formatter, so Django's LOGGING dict, Celery's and gunicorn's loggers
and every library's `logging.getLogger` work unchanged; structlog would mean
a second logging API beside the one the code already uses. JSON lines are
what journald, Loki, Elasticsearch or CloudWatch ingest as fields without a
parsing rule.
"""

import contextvars
import logging
import os
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries the id to the worker.
TASK_HEADER = "request_id"
# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything
# else (too long, odd characters) is replaced, never logged as given.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


def _trusted_proxy(request) -> bool:
    return request.META.get("REMOTE_ADDR", "") in getattr(
        settings, "TRUSTED_PROXIES", []
    )


def request_id_from(request) -> str:
    """The proxy's id when a trusted proxy sent a well-formed one, else new."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if given and _trusted_proxy(request) and _VALID_ID.match(given):
        return given
    return new_request_id()


class RequestIdMiddleware:
    """Gives each request an id, for its logs and the tasks it enqueues.

    First in MIDDLEWARE, so that the page cache's hits and every other
    middleware's lines carry it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record (for the JSON and plain formats)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


# --- Celery: the id travels in the task message ----------------------------


def _add_request_id_to_message(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, contextvars.Token] = {}


def _task_started(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, TASK_HEADER, None) if task else None
    if request_id is None and task is not None:
        # Some transports put custom headers under `headers`.
        request_id = (getattr(task.request, "headers", None) or {}).get(TASK_HEADER)
    _task_tokens[task_id] = request_id_var.set(request_id or None)


def _task_finished(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:
            # Set in another context (a pool thread): clear it instead.
            request_id_var.set(None)


def connect_celery_signals() -> None:
    """Called once from portal.celery; weak=False keeps the receivers alive."""
    before_task_publish.connect(
        _add_request_id_to_message, weak=False, dispatch_uid="portal.request_id"
    )
    task_prerun.connect(_task_started, weak=False, dispatch_uid="portal.request_id")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="portal.request_id")


# --- The LOGGING dict ----------------------------------------------------------

JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def logging_config(*, json_lines: bool, level: str, worker_info: bool) -> dict:
    """Django's LOGGING: JSON lines in production, plain text in development.

    `worker_info`: Celery's "task succeeded" lines (off in the embedded mode,
    where tasks run in-process and would log a line per task in `make run`).
    """
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FORMAT,
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
        if json_lines
        else {"format": "%(levelname)s %(name)s [%(request_id)s]: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "celery.app.trace": {"level": "INFO" if worker_info else "WARNING"},
        },
    }


# --- gunicorn: access and error lines as JSON too -----------------------------


def gunicorn_logger_class():
    """deploy/gunicorn.conf.py's logger_class: gunicorn's own logger writing
    one JSON object per access line (with nginx's request id and the time
    taken) and per error line. Values are escaped by json.dumps, never
    pasted into a format string, so a user agent with a quote stays valid."""
    import json

    from gunicorn import glogging
    from pythonjsonlogger.json import JsonFormatter

    class GunicornJsonLogger(glogging.Logger):
        def setup(self, cfg):
            super().setup(cfg)
            error_format = JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                },
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
            for handler in self.error_log.handlers:
                handler.setFormatter(error_format)
            for handler in self.access_log.handlers:
                handler.setFormatter(logging.Formatter("%(message)s"))

        def access(self, resp, req, environ, request_time):
            if not self.access_log_enabled:
                return
            atoms = self.atoms(resp, req, environ, request_time)
            line = {
                "time": self.now().strip("[]"),
                "logger": "gunicorn.access",
                "remote": atoms["h"],
                "method": atoms["m"],
                "path": atoms["U"],
                "query": atoms["q"],
                "status": int(str(atoms["s"])[:3] or 0),
                "bytes": atoms["B"],
                "duration_ms": atoms["M"],
                "referer": atoms["f"],
                "user_agent": atoms["a"],
                "request_id": atoms.get("{x-request-id}o", "-"),
                "pid": os.getpid(),
            }
            try:
                self.access_log.info(json.dumps(line, default=str))
            except Exception:  # noqa: BLE001 - as gunicorn's own access()
                self.exception("Could not write the access line")

    return GunicornJsonLogger
