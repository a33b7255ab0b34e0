from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.names import normalize_unit_name


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class Region(models.Model):
    """A province's regional office (Kanwil) and its corrections division."""

    name = models.CharField(_("provinsi"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province_code = models.CharField(_("kode provinsi"), max_length=2, unique=True)
    time_zone = models.CharField(
        _("zona waktu"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor wilayah")
        verbose_name_plural = pgettext_lazy("plural", "kantor wilayah")

    def __str__(self) -> str:
        return self.name

    @property
    def office_name(self) -> str:
        return "Kanwil %s" % self.name


class UnitType(models.TextChoices):
    LAPAS = "lapas", _("Lapas")
    RUTAN = "rutan", _("Rutan")
    BAPAS = "bapas", _("Bapas")
    LPKA = "lpka", _("LPKA")
    RUPBASAN = "rupbasan", _("Rupbasan")


class Speciality(models.TextChoices):
    NONE = "", _("(umum)")
    PEREMPUAN = "perempuan", _("Perempuan")
    NARKOTIKA = "narkotika", _("Narkotika")
    PEMUDA = "pemuda", _("Pemuda")
    TERBUKA = "terbuka", _("Terbuka")
    KHUSUS = "khusus", _("Khusus")
    ANAK = "anak", _("Anak")


class UnitClass(models.TextChoices):
    I = "I", "I"  # noqa: E741 - the official class name
    II = "II", "II"
    IIA = "IIA", "IIA"
    IIB = "IIB", "IIB"
    III = "III", "III"


# How each type is written at the start of an official name.
TYPE_PREFIX = {
    UnitType.LAPAS: "Lapas",
    UnitType.RUTAN: "Rutan",
    UnitType.BAPAS: "Balai Pemasyarakatan",
    UnitType.LPKA: "LPKA",
    UnitType.RUPBASAN: "Rupbasan",
}


@deconstructible
class SocialProfileURLValidator:
    """An http(s) address on one social network's own domain (or a subdomain,
    such as www. or m.): an Instagram account's address takes no other site
    (awards.SocialAccount, the register of the units' official accounts)."""

    def __init__(self, site: str, hosts: tuple[str, ...]):
        self.site = site
        self.hosts = tuple(hosts)

    def __call__(self, value: str) -> None:
        URLValidator(schemes=["http", "https"])(value)
        host = (urlsplit(value).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in self.hosts):
            raise ValidationError(
                _("Masukkan alamat akun %(site)s, misalnya https://%(host)s/nama."),
                code="invalid_social_site",
                params={"site": self.site, "host": self.hosts[0]},
            )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, SocialProfileURLValidator)
            and self.site == other.site
            and self.hosts == other.hosts
        )


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Unit(models.Model):
    """A technical unit (UPT): one prison, remand centre, probation office..."""

    unit_type = models.CharField(_("jenis"), max_length=10, choices=UnitType.choices)
    speciality = models.CharField(
        _("kekhususan"),
        max_length=12,
        choices=Speciality.choices,
        blank=True,
        default=Speciality.NONE,
    )
    unit_class = models.CharField(
        _("kelas"), max_length=3, choices=UnitClass.choices, blank=True
    )
    place = models.CharField(_("tempat"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("kanwil")
    )
    name = models.CharField(
        _("nama resmi"),
        max_length=200,
        help_text=_(
            "Kosongkan agar dibentuk dari jenis, kekhususan, kelas dan tempat."
        ),
        blank=True,
    )
    # Two spellings of one unit share this key (units.names.normalize_unit_name).
    normalized_name = models.CharField(
        _("nama ternormalisasi"), max_length=200, unique=True, editable=False
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    # The directorate's own code for the unit: it survives a change of class
    # or name, so imports match on it first (unique when set).
    code = models.CharField(
        _("kode UPT"),
        max_length=20,
        blank=True,
        default="",
        help_text=_(
            "Kode resmi UPT; tetap sama bila kelas atau nama berubah. Boleh kosong."
        ),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    address = models.TextField(_("alamat"), blank=True)
    phone = models.CharField(_("telepon"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    profile = models.TextField(_("profil singkat"), blank=True)
    requires_head_approval = models.BooleanField(
        _("wajib disetujui kepala UPT"),
        default=False,
        help_text=_("Berita harus disetujui kepala UPT sebelum dikirim ke Ditjenpas."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("UPT")
        verbose_name_plural = pgettext_lazy("plural", "UPT")
        indexes = [models.Index(fields=["region", "unit_type"])]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="unit_code_unique_when_set",
                violation_error_message=_("Kode UPT ini sudah dipakai UPT lain."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:unit", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.fill_derived_fields()
        duplicate = (
            Unit.objects.filter(normalized_name=self.normalized_name)
            .exclude(pk=self.pk)
            .only("name")
            .first()
        )
        if duplicate is not None:
            raise ValidationError(
                {
                    "name": _(
                        "UPT ini sudah terdaftar sebagai “%(name)s” "
                        "(ejaan nama dianggap sama)."
                    )
                    % {"name": duplicate.name}
                }
            )

    def fill_derived_fields(self) -> None:
        """Name from the parts when blank, the matching key, a free slug."""
        self.name = " ".join(self.name.split())
        self.code = "".join(self.code.split()).upper()
        if not self.name:
            self.name = self.build_official_name()
        self.normalized_name = normalize_unit_name(self.name)
        if not self.slug:
            self.slug = unit_slug_free(self.name, exclude_pk=self.pk)

    def build_official_name(self) -> str:
        parts = [str(TYPE_PREFIX.get(self.unit_type, self.unit_type))]
        if self.speciality:
            # The value, not the (translatable) label: official names are
            # never translated.
            parts.append(self.speciality.capitalize())
        if self.unit_class:
            parts.append("Kelas %s" % self.unit_class)
        parts.append(self.place)
        return " ".join(parts)

    @property
    def time_zone(self) -> str:
        return self.region.time_zone


class UnitNameHistory(models.Model):
    """One rename of a unit (a change of class, say), so the old name still
    resolves on a later import (units.selectors.unit_by_name)."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="name_history",
        verbose_name=_("UPT"),
    )
    old_name = models.CharField(_("nama lama"), max_length=200)
    old_normalized_name = models.CharField(
        _("nama lama ternormalisasi"), max_length=200, db_index=True
    )
    new_name = models.CharField(_("nama baru"), max_length=200)
    changed_at = models.DateTimeField(_("waktu"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("riwayat nama UPT")
        verbose_name_plural = pgettext_lazy("plural", "riwayat nama UPT")

    def __str__(self) -> str:
        return "%s \u2192 %s" % (self.old_name, self.new_name)


def unit_slug_free(name: str, *, exclude_pk: int | None = None) -> str:
    """slugify(name), with "-2", "-3"... appended while another unit has it."""
    max_length = Unit._meta.get_field("slug").max_length
    base = slugify(name)[: max_length - 4].strip("-") or "upt"
    taken = set(
        Unit.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = "%s-%d" % (base, n)
    return slug


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Kontributor UPT")
    HEAD = "head", _("Kepala UPT")
    REVIEWER = "reviewer", _("Peninjau Kanwil")
    EDITOR = "editor", _("Editor Ditjenpas")
    ADMIN = "admin", _("Administrator")


UNIT_ROLES = (Role.CONTRIBUTOR, Role.HEAD)
# Roles that work in the admin (the newsroom); unit staff use the dashboard.
STAFF_ROLES = (Role.REVIEWER, Role.EDITOR, Role.ADMIN)

# The Django group that carries each role's permissions (created by migration).
ROLE_GROUPS = {
    Role.CONTRIBUTOR: "Kontributor UPT",
    Role.HEAD: "Kepala UPT",
    Role.REVIEWER: "Peninjau Kanwil",
    Role.EDITOR: "Editor Ditjenpas",
    Role.ADMIN: "Administrator",
}


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser is a directorate administrator, attached to no unit.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account: unit staff belong to one unit, reviewers to one region."""

    role = models.CharField(
        _("peran"), max_length=12, choices=Role.choices, default=Role.CONTRIBUTOR
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("UPT"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewers",
        verbose_name=_("kanwil"),
    )
    editor_digest = models.BooleanField(
        _("ringkasan harian"),
        default=False,
        help_text=_(
            "Editor: terima satu e-mail ringkasan per hari, bukan per kiriman."
        ),
    )

    # Raised to end every session of the account at once (deactivation, a
    # reset of the second factor): it is part of the session hash below.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = PortalUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("plural", "pengguna")
        constraints = [
            # Unit staff have exactly one unit; everyone else has none.
            models.CheckConstraint(
                condition=(
                    Q(role__in=UNIT_ROLES, unit__isnull=False)
                    | (~Q(role__in=UNIT_ROLES) & Q(unit__isnull=True))
                ),
                name="user_unit_matches_role",
                violation_error_message=_(
                    "Kontributor dan kepala UPT harus terdaftar pada satu UPT; "
                    "peran lain tidak terdaftar pada UPT."
                ),
            ),
            # Regional reviewers have exactly one region; everyone else has none.
            models.CheckConstraint(
                condition=(
                    Q(role=Role.REVIEWER, region__isnull=False)
                    | (~Q(role=Role.REVIEWER) & Q(region__isnull=True))
                ),
                name="user_region_matches_role",
                violation_error_message=_(
                    "Peninjau kanwil harus terdaftar pada satu kanwil; "
                    "peran lain tidak terdaftar pada kanwil."
                ),
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_is_active = user.__dict__.get("is_active")
        return user

    def save(self, *args, **kwargs):
        # However an account is deactivated (admin, import, service), its
        # sessions end with it; reactivating it later revives none of them.
        if not self.is_active and getattr(self, "_loaded_is_active", False):
            self.session_epoch += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "session_epoch"}
        super().save(*args, **kwargs)
        self._loaded_is_active = self.is_active

    def sessions_end(self) -> None:
        """End every session of this account, on its next request."""
        User.objects.filter(pk=self.pk).update(
            session_epoch=models.F("session_epoch") + 1
        )
        self.refresh_from_db(fields=["session_epoch"])

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password, plus the session epoch once raised.

        A session whose stored hash differs is flushed on its next request
        (django.contrib.auth.get_user), whatever SESSION_ENGINE is in use; the
        SECRET_KEY_FALLBACKS hashes go through here too. Epoch 0 gives
        Django's own hash, so sessions from before this field stay valid.
        """
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "units.User.get_session_auth_hash",
            "%s:%d" % (self.password, self.session_epoch),
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_unit_staff(self) -> bool:
        return self.role in UNIT_ROLES

    @property
    def is_editor(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN) or self.is_superuser
