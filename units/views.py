"""Account pages: the profile, password change and password reset by e-mail.

The reset pages are Django's PasswordResetView family with our own templates
(registration/password_*.html names of our own, so the admin's pages of the
same purpose keep their look). The request page asks units.services to send
the mail: rate-limited, and answering the same whatever the address.
"""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from units.forms import PasswordResetRequestForm, ProfileForm
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
    return render(request, "units/profile.html", {"form": form})


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
            client_ip=get_client_ip_address(self.request),
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
