"""Account mail: the invitation of a new account and the password-reset link.

Both carry a link to Django's password-reset confirmation page with a token
from `default_token_generator` (valid PASSWORD_RESET_TIMEOUT, spent once the
password is set), never a password. They are built and sent by the Celery
worker (units.tasks), so a request that asks for a reset takes the same time
whether or not the address belongs to an account.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from units.models import User


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def set_password_url(user: User) -> str:
    """The one-time link that lets this account choose its password."""
    return _absolute(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


def _message(*, user: User, template: str, context: dict) -> EmailMessage:
    context = {
        "user": user,
        "name": user.get_full_name() or user.username,
        "username": user.username,
        "link": set_password_url(user),
        "login_url": _absolute(reverse("login")),
        "reset_url": _absolute(reverse("password_reset")),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "organisation": settings.ORGANISATION_NAME,
        "organisation_short": settings.ORGANISATION_SHORT_NAME,
        **context,
    }
    subject = render_to_string("registration/email/%s_subject.txt" % template, context)
    # One line whatever the template holds: no header injection.
    subject = " ".join(subject.split())
    return EmailMessage(
        subject="[%s] %s" % (settings.ORGANISATION_SHORT_NAME, subject),
        body=render_to_string("registration/email/%s.txt" % template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def reset_recipients(*, email: str) -> QuerySet:
    """Active accounts with this address (any case), invited ones included.

    Unlike Django's PasswordResetForm this keeps accounts without a usable
    password: here that is an invited account whose invitation ran out.
    """
    return User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(
        email=""
    )


def password_reset_mail_send(*, email: str) -> int:
    """Mail a set-password link to each active account with this address."""
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            _message(user=user, template="password_reset", context={})
            for user in reset_recipients(email=email)
        ]
    for message in messages:
        message.send(fail_silently=False)
    return len(messages)


def invitation_mail_send(*, user_id: int) -> int:
    """Invite a new account to choose its password; nothing if it already has."""
    user = (
        User.objects.select_related("unit", "region")
        .filter(pk=user_id, is_active=True)
        .exclude(email="")
        .first()
    )
    if user is None or user.has_usable_password():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = _message(
            user=user,
            template="invitation",
            context={"role": user.get_role_display()},
        )
    message.send(fail_silently=False)
    return 1
