"""Awards: periods, categories, the statistics behind them, and the winners.

Over 400 lines on purpose: Django finds an app's models in one module, and
the statistics and winners models share their periods and categories.

The statistics tables (UnitStatistic, ContributorStatistic) hold raw numbers
only (counts, sums, medians), one row per unit (or account) x period x metric;
they are recomputed by awards.services.statistics (Celery, debounced per
unit). Scores are derived from them by awards.scoring, where each category's
formula is written once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from news.models import Post
from units.models import Region, SocialProfileURLValidator, Unit


class AwardPeriod(models.Model):
    """The span one round of awards measures: a calendar year by default."""

    name = models.CharField(_("nama"), max_length=60, unique=True)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    is_closed = models.BooleanField(
        _("ditutup"),
        default=False,
        help_text=_("Periode yang ditutup tidak dapat diubah lagi."),
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("periode penghargaan")
        verbose_name_plural = pgettext_lazy("plural", "periode penghargaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="award_period_starts_before_end",
                violation_error_message=_("Tanggal mulai harus sebelum selesai."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Metric(models.TextChoices):
    """The scoring formulas (awards.scoring); categories pick one."""

    NEWS = "news", _("Keaktifan berita di situs web")
    PROGRAMME = "programme", _('Kontribusi program "Apa Kabar Pemasyarakatan"')
    SOCIAL = "social", _("Pengelolaan media sosial")
    CRISIS = "crisis", _("Manajemen komunikasi krisis")


class Competitors(models.TextChoices):
    UNITS = "units", _("UPT")
    REGIONS = "regions", _("Kantor wilayah")


class AwardCategory(models.Model):
    """One award; editors may add more that reuse a metric."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("nama (Indonesia)"), max_length=150)
    name_en = models.CharField(_("nama (Inggris)"), max_length=150)
    description = models.TextField(_("deskripsi"), blank=True)
    metric = models.CharField(_("ukuran"), max_length=20, choices=Metric.choices)
    competitors = models.CharField(
        _("peserta"),
        max_length=10,
        choices=Competitors.choices,
        default=Competitors.UNITS,
    )
    winners_count = models.PositiveSmallIntegerField(_("jumlah pemenang"), default=3)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori penghargaan")
        verbose_name_plural = pgettext_lazy("plural", "kategori penghargaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(winners_count__gte=1) & Q(winners_count__lte=10),
                name="award_category_winners_1_to_10",
                violation_error_message=_("Jumlah pemenang antara 1 dan 10."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        """The English name when the page is in English, else the Indonesian."""
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class AwardResult(models.Model):
    """The frozen ranking of one category in one period, when winners were set."""

    period = models.ForeignKey(
        AwardPeriod, on_delete=models.PROTECT, related_name="results"
    )
    category = models.ForeignKey(
        AwardCategory, on_delete=models.PROTECT, related_name="results"
    )
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    # Every competitor's score, components and raw numbers at that moment.
    ranking = models.JSONField(_("peringkat"), default=list)

    class Meta:
        verbose_name = _("hasil penghargaan")
        verbose_name_plural = pgettext_lazy("plural", "hasil penghargaan")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "category"], name="award_result_once"
            ),
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.period, self.category)


class AwardWinner(models.Model):
    """A winner: a unit or a regional office, or only a name (old history)."""

    period = models.ForeignKey(
        AwardPeriod,
        on_delete=models.PROTECT,
        related_name="winners",
        verbose_name=_("periode"),
    )
    category = models.ForeignKey(
        AwardCategory,
        on_delete=models.PROTECT,
        related_name="winners",
        verbose_name=_("kategori"),
    )
    rank = models.PositiveSmallIntegerField(_("peringkat"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("UPT"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("kanwil"),
    )
    # The name as it was when the award was given; a renamed unit keeps it.
    name = models.CharField(_("nama penerima"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    score = models.FloatField(_("skor"), null=True, blank=True)
    breakdown = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        ordering = ["period", "category__position", "rank"]
        verbose_name = _("pemenang")
        verbose_name_plural = pgettext_lazy("plural", "pemenang")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "category", "rank"], name="award_winner_rank_once"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="award_winner_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return "%s: %s (%d)" % (self.category, self.name, self.rank)


class UnitStatistic(models.Model):
    """One raw number of one unit in one period (see awards.scoring.METRICS)."""

    period = models.ForeignKey(AwardPeriod, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("statistik UPT")
        verbose_name_plural = pgettext_lazy("plural", "statistik UPT")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "metric"], name="unit_statistic_once"
            ),
        ]

    def __str__(self) -> str:
        return "%s %s %s=%s" % (self.period_id, self.unit_id, self.metric, self.value)


class ContributorStatistic(models.Model):
    """One raw number of one contributor account in one period; never public."""

    period = models.ForeignKey(AwardPeriod, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("statistik kontributor")
        verbose_name_plural = pgettext_lazy("plural", "statistik kontributor")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user", "unit", "metric"],
                name="contributor_statistic_once",
            ),
        ]

    def __str__(self) -> str:
        return "%s %s %s=%s" % (self.period_id, self.user_id, self.metric, self.value)


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"


# The domains an account's address may use, per platform.
PLATFORM_HOSTS = {
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.FACEBOOK: ("facebook.com", "fb.com"),
    Platform.X: ("x.com", "twitter.com"),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.YOUTUBE: ("youtube.com", "youtu.be"),
}


class SocialAccount(models.Model):
    """A unit's official account on one platform: the one register of them.

    The social-media award counts the figures filed for these accounts, and
    the unit's public profile page links to the active ones.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="social_accounts"
    )
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    handle = models.CharField(_("nama akun"), max_length=100)
    url = models.URLField(_("alamat akun"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "platform", "handle"]
        verbose_name = _("akun media sosial")
        verbose_name_plural = pgettext_lazy("plural", "akun media sosial")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "platform", "handle"], name="social_account_once"
            ),
        ]

    def __str__(self) -> str:
        return "%s @%s" % (self.get_platform_display(), self.handle)

    def clean(self) -> None:
        # The address must be on the platform's own site: an "Instagram"
        # account pointing elsewhere would send readers to an impostor.
        if self.url and self.platform in PLATFORM_HOSTS:
            validator = SocialProfileURLValidator(
                Platform(self.platform).label, PLATFORM_HOSTS[self.platform]
            )
            try:
                validator(self.url)
            except ValidationError as error:
                raise ValidationError({"url": error.messages}) from error


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Menunggu verifikasi")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")


class SocialReport(models.Model):
    """One account's numbers for one month, filed by the unit."""

    account = models.ForeignKey(
        SocialAccount,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("akun"),
    )
    month = models.DateField(_("bulan"), help_text=_("Tanggal 1 bulan laporan."))
    followers = models.PositiveIntegerField(_("pengikut"))
    posts = models.PositiveIntegerField(_("unggahan"))
    interactions = models.PositiveIntegerField(
        _("interaksi"), help_text=_("Suka, komentar, bagikan dan simpan.")
    )
    sample_url = models.URLField(_("contoh unggahan"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    created_at = models.DateTimeField(_("dikirim"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "account"]
        verbose_name = _("laporan media sosial")
        verbose_name_plural = pgettext_lazy("plural", "laporan media sosial")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "month"],
                name="social_report_once_a_month",
                violation_error_message=_(
                    "Laporan akun ini untuk bulan tersebut sudah ada."
                ),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="social_report_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.account, self.month.strftime("%Y-%m"))


class IncidentKind(models.TextChoices):
    ESCAPE = "escape", _("Pelarian")
    RIOT = "riot", _("Kerusuhan")
    DEATH = "death", _("Kematian")
    SMUGGLING = "smuggling", _("Penyelundupan")
    VIRAL = "viral_content", _("Konten viral")
    HOAX = "hoax", _("Hoaks atau disinformasi")
    OTHER = "other", _("Lainnya")


class Reach(models.TextChoices):
    LOCAL = "local", _("Lokal")
    NATIONAL = "national", _("Nasional")
    VIRAL = "viral", _("Viral")


class Incident(models.Model):
    """Something that called for a public clarification, logged by the unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("UPT")
    )
    occurred_at = models.DateTimeField(_("waktu kejadian"))
    learned_at = models.DateTimeField(_("waktu UPT mengetahui"))
    kind = models.CharField(_("jenis"), max_length=20, choices=IncidentKind.choices)
    summary = models.TextField(_("ringkasan"), max_length=1000)
    reach = models.CharField(_("jangkauan"), max_length=10, choices=Reach.choices)
    clarification = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clarified_incidents",
        verbose_name=_("berita klarifikasi"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.SUBMITTED,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("insiden")
        verbose_name_plural = pgettext_lazy("plural", "insiden")
        indexes = [models.Index(fields=["unit", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(learned_at__gte=F("occurred_at")),
                name="incident_learned_after_it_happened",
                violation_error_message=_(
                    "UPT tidak mungkin mengetahui insiden sebelum kejadiannya."
                ),
            ),
        ]

    def __str__(self) -> str:
        return "%s: %s" % (self.unit, self.get_kind_display())
