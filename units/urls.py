"""Account pages under /akun/. Names are Django's own (password_reset ...),
un-namespaced like login and logout, as the auth views expect."""

from django.urls import path

from units import views

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "kata-sandi/selesai/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("lupa-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "lupa-sandi/terkirim/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "atur-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-sandi/selesai/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# The same page under the name the admin's login looks for, so the admin
# login offers "forgot your password?" too.
urlpatterns.append(
    path(
        "lupa-sandi/",
        views.PasswordResetView.as_view(),
        name="admin_password_reset",
    )
)

# Two-step login (units.two_factor).
urlpatterns += [
    path("verifikasi/", views.otp_verify, name="otp_verify"),
    path("dua-langkah/aktifkan/", views.otp_enrol, name="otp_enrol"),
    path(
        "dua-langkah/kode-cadangan/",
        views.otp_recovery_codes,
        name="otp_recovery_codes",
    ),
    path("dua-langkah/nonaktifkan/", views.otp_disable, name="otp_disable"),
]
