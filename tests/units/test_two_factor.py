"""Two-step login (units.two_factor): staff cannot reach the admin without a
code from their app, a code works once, recovery codes work once each, a
password reset does not skip the code, contributors may opt in, and an
administrator can reset a lost phone."""

import base64
import re
import time

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import EditorFactory, ReviewerFactory, UserFactory
from tests.two_factor import (
    current_code,
    current_t,
    force_login_unverified,
    totp_code,
    totp_device,
)
from units.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"
NEW_PASSWORD = "Kebun-Teh-Malabar-7"


def log_in(client, user, password=PASSWORD, next_url=""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def give_code(client, code, next_url=""):
    return client.post(reverse("otp_verify"), {"otp_token": code, "next": next_url})


def admin_status(client) -> int:
    return client.get("/admin/").status_code


# --- The admin needs the second factor ---------------------------------------


@pytest.mark.parametrize("factory", [EditorFactory, ReviewerFactory])
def test_staff_without_a_device_are_sent_to_enrol_and_never_reach_the_admin(
    client, factory
):
    staff = factory()
    force_login_unverified(client, staff)

    response = client.get("/admin/news/post/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_enrol"))
    assert "next=%2Fadmin%2Fnews%2Fpost%2F" in response["Location"]
    assert client.get(reverse("profile")).status_code == 302


def test_staff_with_a_device_are_sent_to_the_code_step(client):
    editor = EditorFactory()
    totp_device(editor)
    force_login_unverified(client, editor)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))
    # The admin login page is no way round it either.
    assert client.get("/admin/login/").status_code == 302


def test_the_admin_site_itself_refuses_an_unverified_staff_member():
    """Without the middleware, the admin's own permission check holds."""
    editor = EditorFactory()
    request = RequestFactory().get("/admin/")
    request.user = editor
    request.user.is_verified = lambda: False
    assert admin_site.has_permission(request) is False
    request.user.is_verified = lambda: True
    assert admin_site.has_permission(request) is True


def test_the_login_asks_the_code_after_the_password(client):
    editor = EditorFactory()
    device = totp_device(editor)

    after_password = log_in(client, editor, next_url="/admin/")
    code_page = client.get(after_password["Location"], follow=True)

    assert code_page.redirect_chain[-1][0].startswith(reverse("otp_verify"))
    page = code_page.content.decode()
    assert "Masukkan kode verifikasi" in page
    assert 'autocomplete="one-time-code"' in page
    assert admin_status(client) == 302

    response = give_code(client, current_code(device), next_url="/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert admin_status(client) == 200


def test_the_session_id_changes_when_the_code_is_accepted(client):
    editor = EditorFactory()
    totp_device(editor)
    log_in(client, editor)
    before = client.session.session_key

    give_code(client, totp_code(editor))

    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_wrong_code_is_refused_in_indonesian(client):
    editor = EditorFactory()
    totp_device(editor)
    log_in(client, editor)

    response = give_code(client, "000000")

    assert response.status_code == 200
    assert "Kode salah, kedaluwarsa atau sudah dipakai" in response.content.decode()
    assert admin_status(client) == 302


def test_a_code_used_once_is_refused_the_second_time(client):
    editor = EditorFactory()
    device = totp_device(editor)
    code = current_code(device)
    log_in(client, editor)
    assert give_code(client, code).status_code == 302
    device.refresh_from_db()
    assert device.last_t == current_t(device)

    other = Client()
    log_in(other, editor)
    replay = give_code(other, code)

    assert replay.status_code == 200
    assert "sudah dipakai" in replay.content.decode()
    assert admin_status(other) == 302


def test_wrong_codes_make_the_next_try_wait(client):
    editor = EditorFactory()
    device = totp_device(editor)
    log_in(client, editor)
    for _ in range(3):
        give_code(client, "000000")

    # Even the right code waits while the throttle lasts.
    response = give_code(client, current_code(device))

    assert response.status_code == 200
    assert "Terlalu banyak kode yang salah" in response.content.decode()
    assert admin_status(client) == 302


def test_a_password_reset_does_not_skip_the_second_factor(client):
    editor = EditorFactory(email="editor@example.go.id")
    totp_device(editor)
    uid = urlsafe_base64_encode(force_bytes(editor.pk))
    token = default_token_generator.make_token(editor)

    form = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Kata sandi tersimpan" in done.content.decode()
    # The reset logs nobody in ...
    assert "_auth_user_id" not in client.session
    # ... and the new password leads to the code step, not the admin.
    after = log_in(client, editor, password=NEW_PASSWORD, next_url="/admin/")
    assert after.status_code == 302
    assert admin_status(client) == 302
    assert client.get("/admin/")["Location"].startswith(reverse("otp_verify"))


# --- Enrolment and recovery codes --------------------------------------------


def test_enrolment_shows_a_local_qr_code_and_the_secret_then_ten_recovery_codes(
    client,
):
    editor = EditorFactory()
    log_in(client, editor, next_url="/admin/")

    page = client.get(reverse("otp_enrol"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "qr-code" in html
    # Drawn here: no image from a QR service, and the secret never in a URL.
    assert "<img" not in html.split('id="konten"', 1)[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    padded = secret + "=" * (-len(secret) % 8)
    assert base64.b32decode(padded) == device.bin_key

    done = client.post(
        reverse("otp_enrol") + "?next=/admin/",
        {"otp_token": current_code(device), "next": "/admin/"},
    )

    assert done.status_code == 302
    assert done["Location"].startswith(reverse("otp_recovery_codes"))
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(done["Location"])["Cache-Control"] == "no-store"
    # Shown once: the page does not list them again.
    again = client.get(reverse("otp_recovery_codes")).content.decode()
    assert not re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", again)
    assert "10 kode cadangan" in again
    assert admin_status(client) == 200


def test_a_wrong_enrolment_code_enables_nothing(client):
    editor = EditorFactory()
    log_in(client, editor)
    client.get(reverse("otp_enrol"))

    response = client.post(reverse("otp_enrol"), {"otp_token": "123456"})

    assert "Kode tidak cocok" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert admin_status(client) == 302


def test_an_unverified_user_with_a_device_cannot_enrol_another(client):
    """A stolen password must not let its holder add their own phone."""
    editor = EditorFactory()
    totp_device(editor)
    log_in(client, editor)

    response = client.get(reverse("otp_enrol"))

    assert response.status_code == 302
    assert response["Location"] == reverse("otp_verify")
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_each_recovery_code_works_once(client):
    from units.two_factor import recovery_codes_generate

    editor = EditorFactory()
    totp_device(editor)
    codes = recovery_codes_generate(user=editor)

    log_in(client, editor)
    used = give_code(client, codes[0][:4] + "-" + codes[0][4:].upper(), "/admin/")
    assert used.status_code == 302
    assert admin_status(client) == 200
    assert StaticToken.objects.filter(device__user=editor).count() == 9

    other = Client()
    log_in(other, editor)
    assert give_code(other, codes[0]).status_code == 200
    assert admin_status(other) == 302
    time.sleep(1.1)  # a wrong code makes the next try wait a second
    assert give_code(other, codes[1]).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client):
    from units.two_factor import recovery_codes_generate

    editor = EditorFactory()
    old = recovery_codes_generate(user=editor)
    client.force_login(editor)

    client.post(reverse("otp_recovery_codes"))
    page = client.get(reverse("otp_recovery_codes")).content.decode()

    new = [c.replace("-", "") for c in re.findall(r"<li>([a-z2-7-]{9})</li>", page)]
    assert len(new) == 10
    tokens = set(StaticToken.objects.values_list("token", flat=True))
    assert tokens == set(new)
    assert not tokens & set(old)


# --- Contributors may opt in -------------------------------------------------


def test_a_contributor_logs_in_with_the_password_alone_by_default(client):
    contributor = UserFactory()

    response = log_in(client, contributor)

    assert response["Location"] == reverse("news:dashboard")
    assert client.get(reverse("news:dashboard")).status_code == 200
    profile = client.get(reverse("profile")).content.decode()
    assert "Verifikasi dua langkah" in profile
    assert "Belum aktif." in profile


def test_a_contributor_who_enabled_it_is_asked_for_the_code(client):
    contributor = UserFactory()
    client.force_login(contributor)
    client.get(reverse("otp_enrol"))
    device = TOTPDevice.objects.get(user=contributor)
    client.post(reverse("otp_enrol"), {"otp_token": current_code(device)})
    profile = client.get(reverse("profile")).content.decode()
    assert "Aktif." in profile and "Matikan" in profile

    other = Client()
    log_in(other, contributor)
    dashboard = other.get(reverse("news:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("otp_verify"))
    give_code(other, totp_code(contributor))
    assert other.get(reverse("news:dashboard")).status_code == 200


def test_a_contributor_turns_it_off_with_a_current_code(client):
    contributor = UserFactory()
    totp_device(contributor)
    client.force_login(contributor)

    wrong = client.post(reverse("otp_disable"), {"otp_token": "000000"})
    assert "Kode salah" in wrong.content.decode()
    time.sleep(1.1)  # a wrong code makes the next try wait a second
    client.post(reverse("otp_disable"), {"otp_token": totp_code(contributor)})

    assert not TOTPDevice.objects.filter(user=contributor).exists()
    assert "Belum aktif." in client.get(reverse("profile")).content.decode()


def test_staff_cannot_turn_it_off(client):
    editor = EditorFactory()
    client.force_login(editor)

    response = client.post(
        reverse("otp_disable"), {"otp_token": totp_code(editor)}, follow=True
    )

    assert "wajib untuk akun staf" in response.content.decode()
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


# --- An administrator resets a lost phone ------------------------------------


def test_an_administrator_resets_a_users_devices_and_ends_their_sessions(client):
    admin = EditorFactory(role="admin", is_superuser=True)
    editor = EditorFactory()
    editor_client = Client()
    editor_client.force_login(editor)
    assert admin_status(editor_client) == 200
    client.force_login(admin)

    response = client.post(
        reverse("admin:units_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
        follow=True,
    )

    assert "diatur ulang" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    # The editor's session is over; their next login enrols a new phone.
    assert editor_client.get(reverse("profile"))["Location"].startswith(
        reverse("login")
    )
    log_in(editor_client, editor)
    assert editor_client.get("/admin/")["Location"].startswith(reverse("otp_enrol"))


# --- Demo accounts -----------------------------------------------------------


def test_demo_staff_log_in_with_the_printed_demo_secret(settings, capsys):
    from django_otp.oath import TOTP

    from units.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET, demo_load

    settings.DEBUG = True
    demo_load()
    editor = User.objects.get(username="editor")
    device = TOTPDevice.objects.get(user=editor, confirmed=True)
    assert device.key == DEMO_TOTP_KEY
    assert not TOTPDevice.objects.filter(user__username="kontributor").exists()

    call_command("demo_code")
    printed = capsys.readouterr().out
    assert DEMO_TOTP_SECRET in printed
    code = re.search(r"Kode demo: (\d{6})", printed).group(1)
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
    assert totp.verify(int(code), tolerance=1)

    client = Client()
    log_in(client, editor, password="demo-pas-2024")
    assert give_code(client, code).status_code == 302
    assert admin_status(client) == 200


def test_no_demo_device_without_debug(settings):
    from units.demo import demo_load

    settings.DEBUG = False
    demo_load()
    assert not TOTPDevice.objects.filter(user__username="editor").exists()


def test_the_code_step_ignores_a_next_address_on_another_site(client):
    editor = EditorFactory()
    totp_device(editor)
    log_in(client, editor)

    response = give_code(client, totp_code(editor), next_url="https://jahat.example/")

    assert response.status_code == 302
    assert response["Location"] == reverse("news:dashboard")


def test_a_verified_staff_page_costs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    editor = EditorFactory()
    client.force_login(editor)
    client.get(reverse("profile"))

    # Session, user, the verified device, the profile's two-factor facts.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("profile")).status_code == 200
