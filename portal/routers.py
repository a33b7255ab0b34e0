"""Public reads on a PostgreSQL read replica (DATABASE_REPLICA_URL).

What goes to the replica: the queries of an anonymous reader's GET or HEAD
of the reader's site (the `public` URL namespace and the home page: home,
articles, listings, search, feeds, sitemaps). That is nearly all of the
traffic (the load mix is 97% public reads) and it can stand the replica's
lag of a second or so: a just-published article appears a moment later.

What stays on the primary: everything else. The newsroom, the contributors'
area, the admin and every logged-in reader see their own writes at once;
Celery tasks and management commands read what they just wrote. Inside a
public request, a write (rare: none today) sends that request's later reads
to the primary too, and a read inside a transaction on the primary stays
there.

Why route by request rather than "all reads outside transactions": a
contributor who saves a draft and is redirected to it would read the
replica in the next request and, with any lag, not find what they just
saved. The public pages are the part where a stale read is harmless.

The decision is a contextvar set by ReplicaReadsMiddleware (after the URL is
resolved, in process_view) and cleared when the response is done, so it
holds for exactly one request in a thread or an async task.
"""

import contextvars
from dataclasses import dataclass

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"


@dataclass
class _RequestRouting:
    use_replica: bool = False
    wrote: bool = False


_routing: contextvars.ContextVar[_RequestRouting | None] = contextvars.ContextVar(
    "db_routing", default=None
)


def is_public_read(request) -> bool:
    """An anonymous reader's GET or HEAD of the reader's site."""
    match = getattr(request, "resolver_match", None)
    if request.method not in ("GET", "HEAD") or match is None:
        return False
    if not (match.namespace == "public" or match.url_name == "home"):
        return False
    # No session cookie: no query to find out (AnonymousUser is lazy).
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class ReplicaReadsMiddleware:
    """Marks the request whose reads may go to the replica (see module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _routing.set(_RequestRouting())
        try:
            return self.get_response(request)
        finally:
            _routing.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _routing.get()
        if state is not None and is_public_read(request):
            state.use_replica = True
        return None


class ReplicaRouter:
    """Installed only when DATABASE_REPLICA_URL is set (portal.settings)."""

    def db_for_read(self, model, **hints):
        state = _routing.get()
        if state is None or not state.use_replica or state.wrote:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _routing.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows: objects from either may relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A streaming replica follows the primary's schema by itself.
        return db == PRIMARY
