"""Second-factor helpers for the tests (units.two_factor).

Staff need a verified second factor for the admin. Tests that only want "a
logged-in editor" keep calling client.force_login(editor): the suite-wide
fixture in tests/conftest.py makes force_login also do what the code step
does (a confirmed TOTP device, the session marked verified exactly as
django_otp.login does). The check itself is not weakened: tests that prove
it use force_login_unverified, which is Django's own force_login.
Browser tests type a real code: totp_code(user).
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DJANGO_FORCE_LOGIN = Client.force_login
TEST_DEVICE_NAME = "Perangkat uji"


def totp_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device, made if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TEST_DEVICE_NAME, confirmed=True
        )
    return device


def code_at(device: TOTPDevice, t: int) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = t * device.step + device.t0
    return "%0*d" % (device.digits, totp.token())


def current_t(device: TOTPDevice) -> int:
    return int((time.time() - device.t0) // device.step) + device.drift


def current_code(device: TOTPDevice) -> str:
    return code_at(device, current_t(device))


def totp_code(user) -> str:
    """A code the server will accept now: the current one, or the next one
    when the current one was already used (the device's tolerance allows
    one step ahead; beyond that, wait for the clock)."""
    device = totp_device(user)
    device.refresh_from_db()
    while True:
        now_t = int((time.time() - device.t0) // device.step)
        t = max(now_t, device.last_t + 1)
        if t <= now_t + device.tolerance:
            return code_at(device, t)
        time.sleep(1)


def needs_second_factor(user) -> bool:
    from units.two_factor import has_two_factor, two_factor_required

    return two_factor_required(user) or has_two_factor(user)


def force_login_verified(client, user, backend=None):
    """Log in as after the password and the code step."""
    DJANGO_FORCE_LOGIN(client, user, backend)
    if not needs_second_factor(user):
        return
    device = totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def force_login_unverified(client, user, backend=None):
    """Django's force_login: the password step only."""
    DJANGO_FORCE_LOGIN(client, user, backend)


def pass_second_step(page, username: str) -> None:
    """After the password step in a browser: give the code when asked.

    A staff account with no device lands on enrolment; the test gives it a
    device (as if enrolled earlier) and goes to the code step instead.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from units.models import User

    # The click that sent the password may not have navigated yet.
    try:
        page.wait_for_url(
            lambda url: "/admin/login/" not in url and "/masuk/" not in url,
            timeout=15000,
        )
    except PlaywrightTimeout:
        return  # still on the login page: the password was refused
    page.wait_for_load_state()
    user = User.objects.get(username=username)
    if "/akun/dua-langkah/aktifkan/" in page.url:
        totp_device(user)
        page.goto(page.url.replace("/akun/dua-langkah/aktifkan/", "/akun/verifikasi/"))
    if "/akun/verifikasi/" not in page.url:
        return
    page.fill("#id_otp_token", totp_code(user))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
