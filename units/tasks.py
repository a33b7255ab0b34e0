"""Celery tasks for accounts: thin, taking ids or an address, mail only.

Retries with backoff on I/O errors only (SMTP errors are OSErrors too). A
redelivered invitation task sends nothing once the account has a password.
"""

from smtplib import SMTPException

from celery import shared_task

from units import mail

MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_jitter": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="units.tasks.send_password_reset", **MAIL_TASK_OPTIONS)
def send_password_reset(email: str) -> int:
    """Mail a set-password link to the accounts with this address, if any."""
    return mail.password_reset_mail_send(email=email)


@shared_task(name="units.tasks.send_account_invitation", **MAIL_TASK_OPTIONS)
def send_account_invitation(user_id: int) -> int:
    """Invite a new account to choose its password."""
    return mail.invitation_mail_send(user_id=user_id)
