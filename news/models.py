"""The news domain's models: posts, their events, revisions, photos and taxonomy.

Over 400 lines on purpose: Django finds an app's models in one module, and
these models share their choices and constraints.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import Unit


class Category(models.Model):
    """What units write about; editable by editors in the admin."""

    name = models.CharField(_("nama"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("deskripsi"), blank=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = pgettext_lazy("plural", "kategori")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:category", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("nama"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = pgettext_lazy("plural", "tag")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:tag", kwargs={"slug": self.slug})


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    HEAD_REVIEW = "head_review", _("Menunggu kepala UPT")
    SUBMITTED = "submitted", _("Menunggu redaksi")
    CHANGES_REQUESTED = "changes_requested", _("Perlu perbaikan")
    SCHEDULED = "scheduled", _("Terjadwal")
    PUBLISHED = "published", _("Terbit")
    REJECTED = "rejected", _("Ditolak")
    UNPUBLISHED = "unpublished", _("Ditarik dari publikasi")
    # No WITHDRAWN: a unit that takes back its submission gets a DRAFT again
    # (news.services.post_withdraw), so the text stays theirs to edit and send.


# Statuses in which the unit may still edit the text.
EDITABLE_BY_UNIT = (PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED)


class Programme(models.TextChoices):
    NONE = "", _("(bukan program khusus)")
    APA_KABAR = "apa_kabar", _('Program "Apa Kabar Pemasyarakatan"')


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PostStatus.PUBLISHED)

    def for_unit(self, unit):
        return self.filter(unit=unit)


class PostManager(models.Manager.from_queryset(PostQuerySet)):
    def get_queryset(self):
        # The search vector is several kilobytes per post and written only by
        # a database trigger (news migration 0010): never load it by default.
        # A post loaded this way saves only its loaded fields, so Django never
        # writes the column either.
        return super().get_queryset().defer("search_vector")


class Post(models.Model):
    """A news item written by a unit and decided on by directorate editors."""

    title = models.CharField(_("judul"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    lead = models.TextField(
        _("ringkasan"),
        max_length=500,
        help_text=_("Satu atau dua kalimat yang tampil di daftar berita."),
    )
    body = models.TextField(_("isi berita"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("UPT")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("penulis"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("kategori"),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="posts", verbose_name=_("tag")
    )
    programme = models.CharField(
        _("program"),
        max_length=20,
        choices=Programme.choices,
        blank=True,
        default=Programme.NONE,
    )
    event_date = models.DateField(_("tanggal kegiatan"), null=True, blank=True)
    location = models.CharField(_("lokasi kegiatan"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PostStatus.choices,
        default=PostStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    publish_at = models.DateTimeField(_("jadwal terbit"), null=True, blank=True)
    published_at = models.DateTimeField(_("terbit"), null=True, blank=True)
    is_featured = models.BooleanField(_("berita pilihan"), default=False)
    # Readers counted without cookies: a counter in the cache, added here in
    # batches by the worker (news.services.readcounts).
    read_count = models.PositiveIntegerField(_("dibaca"), default=0)
    # The worker's checks before an editor decides (news.checks): a dict of
    # check name -> findings, shown as flags in the queue and on the decision
    # page. They inform; they never decide.
    checks = models.JSONField(_("hasil pemeriksaan"), default=dict, blank=True)
    checks_run_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Title (weight A), lead (B) and body (C) in the `indonesian` text-search
    # configuration, kept current by a PostgreSQL trigger (news migration
    # 0010); empty in the embedded SQLite mode. Read by news.search.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostManager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("berita")
        verbose_name_plural = _("berita")
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            GinIndex(fields=["search_vector"], name="news_post_search_vector"),
            # Also news_post_published_by_unit, PostgreSQL only (a covering
            # index SQLite cannot make): migration 0012.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PostStatus.SCHEDULED) | Q(publish_at__isnull=False),
                name="post_scheduled_has_publish_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=PostStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="post_published_has_published_at",
            ),
        ]
        permissions = [
            ("moderate_post", _("Dapat memutuskan berita (setujui, tolak, tarik)")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:article", kwargs={"slug": self.slug})

    @property
    def is_editable_by_unit(self) -> bool:
        return self.status in EDITABLE_BY_UNIT


class PostAction(models.TextChoices):
    CREATE = "create", _("dibuat")
    SUBMIT = "submit", _("dikirim")
    HEAD_APPROVE = "head_approve", _("disetujui kepala UPT")
    HEAD_RETURN = "head_return", _("dikembalikan kepala UPT")
    WITHDRAW = "withdraw", _("dibatalkan")
    APPROVE = "approve", _("disetujui dan diterbitkan")
    SCHEDULE = "schedule", _("disetujui dan dijadwalkan")
    PUBLISH = "publish", _("terbit sesuai jadwal")
    REQUEST_CHANGES = "request_changes", _("diminta perbaikan")
    REJECT = "reject", _("ditolak")
    UNPUBLISH = "unpublish", _("ditarik dari publikasi")
    FEATURE = "feature", _("dijadikan berita pilihan")
    UNFEATURE = "unfeature", _("dilepas dari berita pilihan")
    EDIT = "edit", _("disunting redaksi")
    RECOMMEND = "recommend", _("direkomendasikan peninjau kanwil")
    REPUBLISH = "republish", _("diterbitkan kembali")


class RefusalReason(models.Model):
    """Why an editor asked for changes or rejected: a list editors maintain.

    Counted per unit and region on the statistics dashboard as a quality
    signal beside the counts.
    """

    name = models.CharField(_("alasan"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("jenis alasan penolakan")
        verbose_name_plural = pgettext_lazy("plural", "jenis alasan penolakan")

    def __str__(self) -> str:
        return self.name


class PostEvent(models.Model):
    """One audit row per transition or editorial decision.

    Its content is never edited. It is also the mail outbox (news.services.outbox):
    notified_at stays empty until the mail the event calls for went out, or it
    was known that nobody was to be mailed; events that call for no mail are
    settled when they are written.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="post_events",
        verbose_name=_("oleh"),
    )
    action = models.CharField(_("tindakan"), max_length=20, choices=PostAction.choices)
    from_status = models.CharField(
        _("dari status"), max_length=20, choices=PostStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("ke status"), max_length=20, choices=PostStatus.choices, blank=True
    )
    comment = models.TextField(_("catatan"), blank=True)
    # Required for requests for changes and rejections (news.services.decisions).
    reason = models.ForeignKey(
        RefusalReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("jenis alasan"),
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField(_("pemberitahuan selesai"), null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat berita")
        verbose_name_plural = pgettext_lazy("plural", "riwayat berita")
        indexes = [
            # The resend job's lookup: only the few events still owed a mail.
            models.Index(
                fields=["created_at"],
                condition=Q(notified_at__isnull=True),
                name="news_postevent_unnotified",
            ),
            # Whether posts were ever sent or sent back, without reading the
            # rows (awards.services.statistics, for a period's posts at once).
            models.Index(fields=["post", "action"], name="news_postevent_post_action"),
        ]

    def __str__(self) -> str:
        return "%s: %s" % (self.post_id, self.get_action_display())


class Recommendation(models.TextChoices):
    PUBLISH = "publish", _("Layak terbit")
    CHANGES = "changes", _("Perlu perbaikan")
    REJECT = "reject", _("Tolak")


class ReviewRecommendation(models.Model):
    """A regional reviewer's advice to the editors on a submission.

    The editors decide; the latest recommendation on a post is the one shown.
    Written by news.services.post_recommend, with a RECOMMEND PostEvent.
    """

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="recommendations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("peninjau"),
    )
    recommendation = models.CharField(
        _("rekomendasi"), max_length=10, choices=Recommendation.choices
    )
    comment = models.TextField(_("catatan"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rekomendasi peninjau")
        verbose_name_plural = pgettext_lazy("plural", "rekomendasi peninjau")
        indexes = [models.Index(fields=["post", "-created_at"])]

    def __str__(self) -> str:
        return "%s: %s" % (self.post_id, self.get_recommendation_display())


class PostRevision(models.Model):
    """The text of a published post before an edit, for editors to compare."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True
    )
    title = models.CharField(max_length=200)
    lead = models.TextField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revisi berita")
        verbose_name_plural = pgettext_lazy("plural", "revisi berita")

    def __str__(self) -> str:
        return "%s (%s)" % (self.title, self.created_at)


class PostSnapshot(models.Model):
    """A post as it was when sent or sent back (news.services.snapshots).

    One per SUBMIT or REQUEST_CHANGES event, written in its transaction: the
    text, category, tags, programme and photos with their captions, so the
    editors can compare a resubmission with the version they sent back.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="snapshots")
    event = models.OneToOneField(
        PostEvent,
        on_delete=models.CASCADE,
        related_name="snapshot",
        verbose_name=_("riwayat"),
    )
    data = models.JSONField(_("isi berita saat itu"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("salinan kiriman")
        verbose_name_plural = pgettext_lazy("plural", "salinan kiriman")
        indexes = [models.Index(fields=["post", "-created_at"])]

    def __str__(self) -> str:
        return "%s (%s)" % (self.post_id, self.created_at)


class EditorDigest(models.Model):
    """The daily digest one editor was sent on one day: it goes out only once."""

    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ringkasan harian terkirim")
        verbose_name_plural = pgettext_lazy("plural", "ringkasan harian terkirim")
        constraints = [
            models.UniqueConstraint(
                fields=["editor", "day"], name="editor_digest_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.editor_id, self.day)


def photo_upload_to(instance, filename: str) -> str:
    # Never the uploaded name: a random UUID, sharded to keep folders small.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return "photos/%s/%s.%s" % (instance.uuid.hex[:2], instance.uuid.hex, ext)


class PhotoKind(models.TextChoices):
    COVER = "cover", _("Foto utama")
    GALLERY = "gallery", _("Galeri")
    INLINE = "inline", _("Gambar dalam teks")


class PhotoStatus(models.TextChoices):
    PENDING = "pending", _("Sedang diproses")
    READY = "ready", _("Siap")
    FAILED = "failed", _("Gagal diproses")


class Photo(models.Model):
    """A photo uploaded by a unit: cover, gallery or inline image of a post."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="photos")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    # Blank: the uploader's account may be deleted (SET_NULL), and the photo
    # must still pass full_clean when someone edits its caption later.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(
        _("jenis"), max_length=10, choices=PhotoKind.choices, default=PhotoKind.GALLERY
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    # The clean, metadata-free re-encode of the upload (public).
    image = models.FileField(_("berkas"), upload_to=photo_upload_to, max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("keterangan foto"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("teks alternatif"),
        max_length=250,
        help_text=_(
            "Gambarkan isi foto untuk pembaca tunanetra dan mesin pencari, "
            "misalnya: Warga binaan mengikuti pelatihan menjahit."
        ),
    )
    credit = models.CharField(_("kredit foto"), max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=PhotoStatus.choices, default=PhotoStatus.PENDING
    )
    # Faces found by the worker in the clean copy (news.checks.faces): a list
    # of [x, y, width, height] boxes in the clean copy's pixels. None until
    # the detector ran.
    faces = models.JSONField(_("wajah terdeteksi"), null=True, blank=True)
    # Worker runs on this photo that started and never finished (the worker
    # was killed, e.g. out of memory): news.services.renditions gives up at 3.
    attempts = models.PositiveSmallIntegerField(_("percobaan diproses"), default=0)
    # Why the photo is FAILED, in words for the unit (shown beside it).
    status_note = models.CharField(_("catatan proses"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("foto")
        verbose_name_plural = pgettext_lazy("plural", "foto")
        indexes = [
            # The sweeper looks for photos still pending after a few minutes.
            models.Index(fields=["status", "created_at"]),
            # The nightly sweep of inline photos that no post took: only the
            # few unattached ones are in this index.
            models.Index(
                fields=["created_at"],
                condition=Q(kind="inline", post__isnull=True),
                name="news_photo_inline_orphan",
            ),
        ]
        constraints = [
            # At most one cover per post.
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(kind="cover"),
                name="photo_one_cover_per_post",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.alt_text


class PhotoUpload(models.Model):
    """One accepted upload, for the upload throttles and the daily byte quota.

    A ledger apart from Photo, so deleting a photo does not give its upload
    back (news.services.photos.upload_allowance_check); rows older than two
    days are removed by the nightly photo sweep.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self) -> str:
        return "%s %s" % (self.unit_id, self.created_at)


class Rendition(models.Model):
    """A resized, metadata-free copy of a photo, made ahead of time by Celery."""

    photo = models.ForeignKey(
        Photo, on_delete=models.CASCADE, related_name="renditions"
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=5)  # "webp" or "jpeg"
    file = models.FileField(max_length=200)
    bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["photo", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "width", "format"], name="rendition_unique_spec"
            ),
        ]

    def __str__(self) -> str:
        return "%s %s %s" % (self.photo_id, self.width, self.format)


# --- Stories about the same event (news.checks.grouping) ---------------------------


class StoryGroup(models.Model):
    """Submissions the worker judged to cover one event (or to be copies)."""

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kelompok berita")
        verbose_name_plural = _("kelompok berita")

    def __str__(self) -> str:
        return "%s %s" % (_("Kelompok"), self.pk)


class StoryGroupMember(models.Model):
    """A post's place in its group and the score with which it joined."""

    group = models.ForeignKey(
        StoryGroup, on_delete=models.CASCADE, related_name="members"
    )
    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, related_name="story_membership"
    )
    # Similarity with `matched_post`, the member that brought it in.
    score = models.FloatField(_("skor kemiripan"))
    matched_post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("anggota kelompok berita")
        verbose_name_plural = _("anggota kelompok berita")

    def __str__(self) -> str:
        return "%s: %s" % (self.group_id, self.post_id)


class StoryFingerprint(models.Model):
    """A submission's stems, event date and place, as the matching reads them."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    submitted_at = models.DateTimeField()
    event_date = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)  # stems, space-separated
    region_id = models.IntegerField(null=True, blank=True)
    terms = models.JSONField(default=dict)  # stem -> count

    def __str__(self) -> str:
        return str(self.post_id)


class StoryKeyTerm(models.Model):
    """The candidates' index: a submission's highest-weighted stems."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["term", "submitted_at"], name="news_storykeyterm_lookup"
            )
        ]

    def __str__(self) -> str:
        return self.term


class StoryTermCount(models.Model):
    """How many indexed submissions hold a stem (the IDF's document frequency)."""

    term = models.CharField(max_length=40, primary_key=True)
    documents = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.term
