"""gunicorn for the Ditjenpas news portal, behind deploy/nginx.conf.

    gunicorn --config deploy/gunicorn.conf.py portal.wsgi:application

Every value can be changed from the environment (the systemd unit's
EnvironmentFile, see deploy/portal.env.example) without editing this file.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# The checkout this file belongs to (…/deploy/..): importable for the logger
# below before gunicorn changes to it.
CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT))
chdir = str(CHECKOUT)


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Loopback only: nginx is the one that talks to the world (TLS, slow clients,
# static and media files, the micro-cache).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, 2 per core + 1 (gunicorn's advice for I/O-bound Django):
# nginx buffers slow clients, so a sync worker is only busy while Django
# works. WEB_CONCURRENCY overrides (a photo upload can take a few hundred MB
# in one worker: fewer workers on a small-memory host).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "sync"

# A request over 60 s is killed and logged (a stuck database query, a
# pathological image); uploads of 25 MB over nginx's buffer take far less.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM or a reload, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Each worker is replaced after about this many requests, at a random point
# within the jitter so they do not all restart at once: bounds the growth of
# a slow leak (image libraries' caches, fragmentation) at no cost.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Each worker imports the application itself (no preload): nothing opened
# in the master (a database pool with its threads, a Redis socket) can be
# shared by forked workers. GUNICORN_PRELOAD=true trades that for memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "false").lower() == "true"

# Trust X-Forwarded-Proto (https) only from the local nginx. Django reads the
# client address from X-Forwarded-For itself (TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Worker heartbeat files in memory rather than on a disk that may stall.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")

# Logs to stdout/stderr, i.e. the journal under systemd: one JSON object per
# line (portal.logging), the access lines with nginx's X-Request-ID.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
if os.environ.get("LOG_FORMAT", "json") == "json":
    from portal.logging import gunicorn_logger_class

    logger_class = gunicorn_logger_class()

# gunicornc's control socket: in the unit's RuntimeDirectory (/run/berita)
# under systemd, whose sandbox leaves the home directory read-only.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
elif os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(
        os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl"
    )

proc_name = "portal-web"
# Let a request carry no more than these (nginx limits the body already).
limit_request_line = 8190
limit_request_fields = 100
