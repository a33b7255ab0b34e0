"""Account pages: the profile, password change and password reset by e-mail.

The reset pages are Django's PasswordResetView family with our own templates
(registration/password_*.html names of our own, so the admin's pages of the
same purpose keep their look). The request page asks units.services to send
the mail: rate-limited, and answering the same whatever the address.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from units import two_factor
from units.forms import (
    EnrolmentCodeForm,
    PasswordResetRequestForm,
    ProfileForm,
    SecondFactorCodeForm,
)
from units.security import client_ip
from units.services import password_reset_request, user_profile_update


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                user_profile_update(user=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Profil Anda sudah disimpan."))
                return HttpResponseRedirect(reverse_lazy("profile"))
        user.refresh_from_db()
    else:
        form = ProfileForm(user=user)
    return render(
        request,
        "units/profile.html",
        {
            "form": form,
            "two_factor_on": two_factor.has_two_factor(user),
            "two_factor_required": two_factor.two_factor_required(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a set-password link by e-mail.

    Known address, unknown address, or over the hourly limit: the same
    redirect to the same page, and mail only in the first case. A 429 for
    the limit would be more candid, but would tell a prober that an address
    was asked for recently; the page already says the mail may take a while
    and to look in the spam folder.
    """

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_request.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        password_reset_request(
            email=form.cleaned_data["email"],
            client_ip=client_ip(self.request),
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_set.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_finished.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_finished.html"


# --- Two-step login (units.two_factor) -----------------------------------------


def _after_login_url(request) -> str:
    return two_factor.safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The code step after the password (SecondFactorMiddleware sends here)."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_after_login_url(request))
    if not two_factor.has_two_factor(user):
        if two_factor.two_factor_required(user):
            return redirect("otp_enrol")
        return HttpResponseRedirect(_after_login_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.code_throttled(user=user):
            form.add_error(
                None,
                _(
                    "Terlalu banyak kode yang salah. Tunggu sebentar, lalu coba "
                    "lagi dengan kode yang baru."
                ),
            )
        else:
            device = two_factor.code_verify(
                user=user, code=form.cleaned_data["otp_token"]
            )
            if device is None:
                form.add_error(
                    "otp_token",
                    _(
                        "Kode salah, kedaluwarsa atau sudah dipakai. Masukkan "
                        "kode yang sedang tampil di aplikasi."
                    ),
                )
            else:
                two_factor.session_verify(request, device)
                if device.name == two_factor.RECOVERY_DEVICE_NAME:
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "Anda masuk dengan kode cadangan; tersisa %(left)d "
                            "kode. Buat kode baru di halaman profil bila perlu.",
                            "Anda masuk dengan kode cadangan; tersisa %(left)d "
                            "kode. Buat kode baru di halaman profil bila perlu.",
                            left,
                        )
                        % {"left": left},
                    )
                return HttpResponseRedirect(_after_login_url(request))
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": two_factor.safe_next(request, "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Set up an authenticator app: QR code, the secret as text, one code."""
    user = request.user
    if two_factor.has_two_factor(user) and not user.is_verified():
        # Only someone who has given the current device may add a new one.
        return redirect("otp_verify")
    device = two_factor.totp_enrolment_start(user=user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_enrolment_confirm(
            user=user, device=device, code=form.cleaned_data["otp_token"]
        ):
            device.refresh_from_db()
            two_factor.session_verify(request, device)
            messages.success(request, _("Verifikasi dua langkah sudah aktif."))
            if not two_factor.recovery_codes_left(user):
                request.session[two_factor.RECOVERY_CODES_SESSION_KEY] = (
                    two_factor.recovery_codes_generate(user=user)
                )
                url = reverse("otp_recovery_codes")
                next_url = two_factor.safe_next(request, "")
                if next_url:
                    url += "?" + urlencode({"next": next_url})
                return HttpResponseRedirect(url)
            return HttpResponseRedirect(
                two_factor.safe_next(request, reverse("profile"))
            )
        form.add_error(
            "otp_token",
            _(
                "Kode tidak cocok. Pastikan jam ponsel Anda tepat, lalu masukkan "
                "kode yang sedang tampil."
            ),
        )
    return render(
        request,
        "units/otp_enrol.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(two_factor.totp_config_url(device)),
            "secret": two_factor.totp_secret(device),
            "required": two_factor.two_factor_required(user),
            "next": two_factor.safe_next(request, ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_recovery_codes(request):
    """Recovery codes: shown once, right after they are made."""
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect("profile")
    if request.method == "POST":
        request.session[two_factor.RECOVERY_CODES_SESSION_KEY] = (
            two_factor.recovery_codes_generate(user=user)
        )
        return redirect("otp_recovery_codes")
    codes = request.session.pop(two_factor.RECOVERY_CODES_SESSION_KEY, None)
    response = render(
        request,
        "units/otp_recovery_codes.html",
        {
            "codes": [two_factor.format_recovery_code(code) for code in codes or ()],
            "left": two_factor.recovery_codes_left(user),
            "next": two_factor.safe_next(request, reverse("profile")),
        },
    )
    # Never kept by a browser or proxy cache: the codes are secrets.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def otp_disable(request):
    """Contributors and heads may turn it off again, with a current code."""
    user = request.user
    if two_factor.two_factor_required(user):
        messages.error(
            request,
            _("Verifikasi dua langkah wajib untuk akun staf dan tidak bisa dimatikan."),
        )
        return redirect("profile")
    if not two_factor.has_two_factor(user):
        return redirect("profile")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.code_verify(user=user, code=form.cleaned_data["otp_token"]):
            two_factor.two_factor_disable(user=user)
            messages.success(request, _("Verifikasi dua langkah sudah dimatikan."))
            return redirect("profile")
        form.add_error("otp_token", _("Kode salah, kedaluwarsa atau sudah dipakai."))
    return render(request, "units/otp_disable.html", {"form": form})
