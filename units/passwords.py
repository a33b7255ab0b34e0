"""Password rules: long enough, not common, not the account's own name.

Length and a blocklist, and no composition rules (no "one capital, one
digit"), as NIST SP 800-63B advises: such rules lead to "Password1!" and
to notes on the monitor, while length is what makes a password hard to
guess. The messages are the portal's own Indonesian ones, so the wording is
the same in every form (password change, reset, the admin).
"""

import re
from pathlib import Path

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

EXTRA_COMMON_PASSWORDS = (
    Path(__file__).resolve().parent / "fixtures" / "common_passwords_id.txt"
)
# Parts of a name or address shorter than this are too common to forbid.
MIN_CONTAINED_PART = 4


def _core(password: str) -> str:
    """The password without digits and symbols at either end, lower case."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self):
        return (
            ngettext(
                "Kata sandi ini terlalu pendek: minimal %d karakter.",
                "Kata sandi ini terlalu pendek: minimal %d karakter.",
                self.min_length,
            )
            % self.min_length
        )

    def get_help_text(self):
        return ngettext(
            "Minimal %(min_length)d karakter. Kalimat pendek yang mudah Anda "
            "ingat lebih kuat daripada satu kata yang rumit.",
            "Minimal %(min_length)d karakter. Kalimat pendek yang mudah Anda "
            "ingat lebih kuat daripada satu kata yang rumit.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    """Django's 20,000 common passwords plus Indonesian and local ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with EXTRA_COMMON_PASSWORDS.open(encoding="utf-8") as lines:
            self.passwords |= {
                line.strip()
                for line in lines
                if line.strip() and not line.startswith("#")
            }

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = _core(password)
        if (
            lowered in self.passwords
            or (len(core) >= MIN_CONTAINED_PART and core in self.passwords)
            # "aaaaaaaaaaaa", "abababababab", "121212121212"
            or len(set(lowered)) < 4
        ):
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return _("Kata sandi ini terlalu umum dan mudah ditebak.")

    def get_help_text(self):
        return _("Jangan memakai kata sandi yang umum dipakai orang.")


class SimilarToAccountValidator(django_validation.UserAttributeSimilarityValidator):
    """Not like, and not containing, the username, name or e-mail address."""

    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_similar",
                params=exc.params,
            ) from None
        if not user:
            return
        lowered = password.lower()
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            value = value.lower()
            for part in [value, *re.split(r"\W+", value)]:
                if len(part) >= MIN_CONTAINED_PART and part in lowered:
                    raise ValidationError(
                        self.get_error_message(),
                        code="password_too_similar",
                        params={
                            "verbose_name": str(
                                user._meta.get_field(attribute).verbose_name
                            )
                        },
                    )

    def get_error_message(self):
        return _("Kata sandi ini terlalu mirip dengan %(verbose_name)s Anda.")

    def get_help_text(self):
        return _(
            "Jangan memakai nama pengguna, nama atau alamat e-mail Anda di "
            "dalam kata sandi."
        )
