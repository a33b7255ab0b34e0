"""Who is logging in, and how often they fail.

Behind the shipped nginx every request arrives from 127.0.0.1, so the
address django-axes locks by would be the proxy's: five wrong passwords for
an editor's username, from anywhere, would lock the editor out everywhere.
`client_ip` therefore reads the proxy's X-Forwarded-For, but only when the
request really comes from a proxy listed in settings.TRUSTED_PROXIES (empty
by default: the header is ignored and REMOTE_ADDR is the client). The value
taken is the right-most one that is not itself a trusted proxy: the address
our own proxy saw, which a client cannot forge (nginx sets the header to
$remote_addr, or appends it; anything the client sent sits further left).
X-Real-IP is read only when a trusted proxy sent no X-Forwarded-For.

django-axes locks a username+address pair (settings AXES_*), so an attacker
at one address cannot lock an editor out at another. Password spraying (one
address trying a few passwords on many usernames) never trips that lock, so
`LoginThrottleMiddleware` adds a limit per address across usernames:
LOGIN_FAILURES_PER_IP failed logins in LOGIN_FAILURE_WINDOW_MINUTES, then a
429 for every login POST from that address until the window ends. It is a
counter in the shared cache (Redis in production), not a second axes rule:
axes has one failure limit for all its parameter sets, and 5 per address
would lock out a whole unit office sharing one public address.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The views whose POST is a password attempt: the site's and the admin's login.
LOGIN_VIEW_NAMES = frozenset({"login", "admin:login"})


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def trusted_proxy_networks() -> tuple:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the trusted proxy's header.

    Also django-axes' AXES_CLIENT_IP_CALLABLE.
    """
    remote = request.META.get("REMOTE_ADDR")
    networks = trusted_proxy_networks()
    if not networks or not _is_trusted(_address(remote or ""), networks):
        # No proxy configured, or not sent by it: any header is the client's
        # own claim and changes nothing.
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if not hops and request.META.get("HTTP_X_REAL_IP"):
        hops = [request.META["HTTP_X_REAL_IP"]]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage where our proxy writes an address: trust none of it.
            logger.warning("Unreadable forwarded address from a trusted proxy")
            return remote
        if not _is_trusted(address, networks):
            return str(address)
    # Every hop is one of ours (a health check from the proxy host itself).
    return str(_address(hops[0])) if hops else remote


# --- Failed logins per address, across usernames -----------------------------


def _failures_key(ip: str | None) -> str:
    return "login-failures:ip:%s" % (ip or "unknown")


def _window_seconds() -> int:
    return settings.LOGIN_FAILURE_WINDOW_MINUTES * 60


def login_failure_count(*, ip: str | None) -> int:
    try:
        return cache.get(_failures_key(ip), 0)
    except Exception:  # noqa: BLE001 - a cache outage must not block logins
        logger.exception("Login limiter unavailable; allowing the attempt")
        return 0


def login_failure_record(*, ip: str | None) -> int:
    """Count one failed login from this address; the count in this window."""
    key = _failures_key(ip)
    try:
        # add() starts the window; incr() never extends it.
        cache.add(key, 0, timeout=_window_seconds())
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=_window_seconds())
            return 1
    except Exception:  # noqa: BLE001 - same as above
        logger.exception("Login limiter unavailable; failure not counted")
        return 0


def login_blocked(*, ip: str | None) -> bool:
    return login_failure_count(ip=ip) >= settings.LOGIN_FAILURES_PER_IP


@receiver(user_login_failed, dispatch_uid="units.security.count_failed_login")
def _count_failed_login(sender, credentials, request=None, **kwargs):
    if request is None:  # authenticate() called outside a request
        return
    count = login_failure_record(ip=client_ip(request))
    if count == settings.LOGIN_FAILURES_PER_IP:
        logger.warning(
            "Login failures from %s reached the per-address limit (%d)",
            client_ip(request),
            count,
        )


class LoginThrottleMiddleware:
    """Answer 429 to login POSTs from an address over its failure limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method != "POST"
            or match is None
            or match.view_name not in LOGIN_VIEW_NAMES
            or not login_blocked(ip=client_ip(request))
        ):
            return None
        from portal.views import too_many_requests

        minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES
        return too_many_requests(
            request,
            heading=_("Terlalu banyak percobaan masuk"),
            explanation=_(
                "Terlalu banyak percobaan masuk yang gagal dari alamat Anda, "
                "untuk beberapa akun. Coba lagi dalam %(minutes)s menit."
            )
            % {"minutes": minutes},
            retry_after_seconds=minutes * 60,
            extra={"login_locked": True},
        )
