"""Two-step login: a code from an authenticator app after the password.

Why these libraries: django-otp (Jazzband-era, maintained, used by
django-two-factor-auth) does the cryptography and the bookkeeping that is
easy to get wrong: RFC 6238 TOTP with a tolerance of one step, refusing a
code at or before the last accepted time step (`last_t`: a code seen once
is never accepted again), exponential throttling after wrong codes, and
single-use static tokens for recovery codes. segno draws the enrolment QR
code as inline SVG in pure Python, with no dependency and no external
service: the secret never leaves the server except to the user's screen.

How the pieces fit:
- The password login is Django's (LoginView, the admin's login), unchanged.
  A user who passed it is authenticated but not *verified*.
- `SecondFactorMiddleware` (after django-otp's OTPMiddleware) lets an
  unverified user who needs a second factor reach only the code step, the
  enrolment page and logout: staff (reviewers, editors, administrators)
  always need one, anyone else once they enrolled. Staff without a device are
  sent to enrol; everyone else to the code step.
- The admin site refuses unverified users on its own too
  (units.admin_site.PortalAdminSite.has_permission), so a gap in the
  middleware's list cannot open it.
- A password reset logs nobody in, so the next login asks the code again.
"""

import base64
import logging
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.models import User

logger = logging.getLogger(__name__)

TOTP_DEVICE_NAME = "Aplikasi autentikator"
RECOVERY_DEVICE_NAME = "Kode cadangan"
RECOVERY_CODE_COUNT = 10
# Session key holding freshly made recovery codes until their page shows them.
RECOVERY_CODES_SESSION_KEY = "units_recovery_codes"

# URL names an unverified user may still reach (the code step and what
# leads out of it). Everything else redirects to the code step or enrolment.
UNVERIFIED_ALLOWED_VIEWS = frozenset(
    {
        "otp_verify",
        "otp_enrol",
        "logout",
        "set_language",
        "favicon",
        "javascript-catalog",
    }
)


def two_factor_required(user) -> bool:
    """Staff work in the admin, where one stolen password reaches everything."""
    return bool(user.is_staff or user.is_superuser)


def confirmed_totp_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def has_two_factor(user) -> bool:
    return confirmed_totp_devices(user).exists()


def needs_verification(user) -> bool:
    """An authenticated user who must give a code before doing anything."""
    if not user.is_authenticated or user.is_verified():
        return False
    return two_factor_required(user) or has_two_factor(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(code: str) -> str:
    """Spaces and dashes as typed or copied are ignored; case too."""
    return "".join(ch for ch in code if ch.isalnum()).lower()


def code_verify(*, user: User, code: str):
    """The device that accepts this code (TOTP or a recovery code), or None.

    A TOTP code is refused if it or a later one was already accepted; a
    recovery code is deleted when used. Wrong codes throttle the device.
    """
    code = normalise_code(code)
    if not code:
        return None
    devices = (
        list(confirmed_totp_devices(user))
        if code.isdigit()
        else list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    )
    for device in devices:
        with transaction.atomic():
            # Locked, so two requests with the same code cannot both pass.
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


def code_throttled(*, user: User) -> bool:
    """True while wrong codes make the user's devices wait."""
    devices = [
        *confirmed_totp_devices(user),
        *StaticDevice.objects.devices_for_user(user, confirmed=True),
    ]
    return bool(devices) and not any(d.verify_is_allowed()[0] for d in devices)


def session_verify(request, device) -> None:
    """Mark this session as verified by `device`, with a fresh session id."""
    otp_login(request, device)
    request.session.cycle_key()


# --- Enrolment ------------------------------------------------------------------


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The user's device being enrolled: unconfirmed until a code proves it.

    Reloading the page keeps the same secret, so a half-scanned code still
    works; a confirmed device is never replaced here.
    """
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the device if `code` is right; other TOTP devices are removed."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(normalise_code(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    logger.info("Two-step login enabled for user %s", user.pk)
    return True


def totp_secret(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, as authenticator apps ask for it."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(device: TOTPDevice) -> str:
    return device.config_url


def qr_svg(data: str) -> str:
    """An inline SVG QR code, drawn here (segno): no image service sees it."""
    qr = segno.make(data, error="m", micro=False)
    svg = qr.svg_inline(
        scale=5,
        border=4,
        dark="#0b2545",
        light="#ffffff",
        title=str(_("Kode QR untuk aplikasi autentikator")),
        svgclass="qr-code",
        # A viewBox instead of a fixed size, so CSS can scale it to the screen.
        omitsize=True,
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user text


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """A new set of RECOVERY_CODE_COUNT single-use codes; old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    logger.info("New recovery codes for user %s", user.pk)
    return codes


def format_recovery_code(code: str) -> str:
    return "%s-%s" % (code[:4], code[4:])


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove a user's devices and recovery codes (their own choice)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("Two-step login removed for user %s", user.pk)


@transaction.atomic
def two_factor_reset(*, user: User, actor: User | None = None) -> None:
    """An administrator resets a user's devices (a lost phone) and ends the
    user's sessions, so the next login enrols a new device."""
    two_factor_disable(user=user)
    user.sessions_end()
    logger.info(
        "Two-step login reset for user %s by %s",
        user.pk,
        actor.pk if actor else None,
    )


# --- Enforcement ----------------------------------------------------------------


def safe_next(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


class SecondFactorMiddleware:
    """Keep an unverified user who needs a second factor on the code step.

    Needs AuthenticationMiddleware and django_otp's OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session: nobody is logged in. Returning before request.user
            # keeps anonymous pages free of "Vary: Cookie" (the page cache).
            return None
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            # The session names an account that can no longer log in
            # (deactivated, deleted): end it rather than keep it for later.
            request.session.flush()
            return None
        match = request.resolver_match
        if match is not None and match.url_name in UNVERIFIED_ALLOWED_VIEWS:
            return None
        user = request.user
        if not needs_verification(user):
            return None
        target = "otp_verify" if has_two_factor(user) else "otp_enrol"
        next_url = request.get_full_path() if request.method == "GET" else ""
        url = reverse(target)
        if next_url and next_url != settings.LOGIN_URL:
            url = "%s?%s" % (url, urlencode({"next": next_url}))
        return HttpResponseRedirect(url)
