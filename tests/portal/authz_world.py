"""One set of objects for the authorisation tests, built once per module.

Unit A (region DKI Jakarta, 31) and unit B (Jawa Tengah, 33), each with a
contributor; A also has a head. A regional reviewer of A's region, one of
another region (B's), an editor and an administrator. Unit A has a post in
every status, photos, a revision, an incident, a social account and report;
unit B has the same marker posts as A, so a page that shows B's title to
someone of A leaks.

`module_world` builds it inside one outer transaction that stays open for
the module and is rolled back at the end: each test's own transaction (the
`db` fixture) is a savepoint inside it, so what a test changes is undone and
the next test finds the same world.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

# Markers in titles: easy to find in any page, feed, export or JSON.
MARKER_A = "PENANDA-ALFA"
MARKER_B = "PENANDA-BRAVO"

ROLES = (
    "anonymous",
    "contributor_a",
    "contributor_b",
    "head_a",
    "reviewer_a",
    "reviewer_other",
    "editor",
    "administrator",
)


@dataclass
class World:
    region_a: object
    region_b: object
    unit_a: object
    unit_b: object
    users: dict = field(default_factory=dict)
    posts_a: dict = field(default_factory=dict)  # status -> Post of A
    posts_b: dict = field(default_factory=dict)  # status -> Post of B
    objects: dict = field(default_factory=dict)  # name -> any other object
    sessions: dict = field(default_factory=dict)  # role -> session key

    def user(self, role: str):
        return self.users.get(role)


def _reference_data():
    from importlib import import_module

    from django.apps import apps

    from tests.conftest import REFERENCE_DATA_LOADERS
    from units.models import Region

    if Region.objects.exists():
        return
    for module_name, function_name in REFERENCE_DATA_LOADERS:
        getattr(import_module(module_name), function_name)(apps, None)


def _photo(post, kind, n):
    from news.models import Photo, PhotoStatus, Rendition

    photo = Photo.objects.create(
        unit=post.unit,
        post=post,
        kind=kind,
        image="photos/authz/%s-%d-%d.jpg" % (kind, post.pk, n),
        width=1600,
        height=1067,
        alt_text="Warga binaan di bengkel kerja",
        caption="Foto %s" % post.title,
        status=PhotoStatus.READY,
    )
    for fmt in ("webp", "jpeg"):
        Rendition.objects.create(
            photo=photo,
            width=640,
            height=427,
            format=fmt,
            file="renditions/authz/%d/640.%s" % (photo.pk, fmt),
            bytes=32000,
        )
    return photo


def _posts_for(unit, author, marker, category, tag):
    """One post per status, titled with the unit's marker and the status."""
    from news.models import PostEvent, PostStatus
    from tests.factories import PostFactory

    now = timezone.now()
    posts = {}
    for status in PostStatus.values:
        extra = {}
        if status in (PostStatus.PUBLISHED, PostStatus.UNPUBLISHED):
            extra["published_at"] = now - timedelta(days=2)
        if status == PostStatus.SCHEDULED:
            extra["publish_at"] = now + timedelta(days=2)
        if status != PostStatus.DRAFT:
            extra["submitted_at"] = now - timedelta(days=3)
        post = PostFactory(
            author=author,
            unit=unit,
            category=category,
            status=status,
            title="%s %s kegiatan pramuka" % (marker, status),
            slug="%s-%s" % (marker.lower(), status.replace("_", "-")),
            lead="%s ringkasan %s" % (marker, status),
            body="<p>%s isi berita %s tentang kegiatan pramuka.</p>" % (marker, status),
            **extra,
        )
        post.tags.add(tag)
        PostEvent.objects.create(post=post, actor=author, action="create")
        posts[status] = post
    return posts


def build_world() -> World:
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from django_otp.plugins.otp_static.models import StaticDevice

    from awards.models import (
        AwardCategory,
        AwardPeriod,
        AwardResult,
        AwardWinner,
        Incident,
        Platform,
        SocialAccount,
        SocialReport,
    )
    from news.models import PhotoKind, PostRevision, PostStatus, RefusalReason
    from portal.models import SocialLink
    from tests.factories import (
        AdministratorFactory,
        CategoryFactory,
        EditorFactory,
        HeadFactory,
        ReviewerFactory,
        TagFactory,
        UnitFactory,
        UserFactory,
    )
    from tests.two_factor import totp_device
    from units.models import Region

    _reference_data()
    region_a = Region.objects.get(province_code="31")
    region_b = Region.objects.get(province_code="33")
    unit_a = UnitFactory(region=region_a, place="Alfa", slug="lapas-alfa")
    unit_b = UnitFactory(region=region_b, place="Bravo", slug="lapas-bravo")
    w = World(region_a=region_a, region_b=region_b, unit_a=unit_a, unit_b=unit_b)
    w.users = {
        "anonymous": None,
        "contributor_a": UserFactory(unit=unit_a, username="kontributor-alfa"),
        "contributor_b": UserFactory(unit=unit_b, username="kontributor-bravo"),
        "head_a": HeadFactory(unit=unit_a, username="kepala-alfa"),
        "reviewer_a": ReviewerFactory(region=region_a, username="peninjau-alfa"),
        "reviewer_other": ReviewerFactory(region=region_b, username="peninjau-lain"),
        "editor": EditorFactory(username="editor-authz"),
        "administrator": AdministratorFactory(
            username="admin-authz", is_superuser=True
        ),
    }
    # A confirmed device for staff now, so force_login in a test (rolled
    # back) finds it instead of making one.
    for user in w.users.values():
        if user is not None and user.is_staff:
            totp_device(user)

    category = CategoryFactory(slug="authz-kategori", name="Kategori Authz")
    tag = TagFactory(slug="authz-tag", name="tag authz")
    w.posts_a = _posts_for(unit_a, w.users["contributor_a"], MARKER_A, category, tag)
    w.posts_b = _posts_for(unit_b, w.users["contributor_b"], MARKER_B, category, tag)
    for posts in (w.posts_a, w.posts_b):
        for status in (PostStatus.DRAFT, PostStatus.SUBMITTED, PostStatus.PUBLISHED):
            _photo(posts[status], PhotoKind.COVER, 1)
            _photo(posts[status], PhotoKind.GALLERY, 2)

    published_a = w.posts_a[PostStatus.PUBLISHED]
    o = w.objects
    o["category"] = category
    o["tag"] = tag
    o["photo_draft"] = w.posts_a[PostStatus.DRAFT].photos.get(kind=PhotoKind.GALLERY)
    o["photo_submitted"] = w.posts_a[PostStatus.SUBMITTED].photos.get(
        kind=PhotoKind.GALLERY
    )
    # The draft photo's file where a draft's files live: the private storage.
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    private = storages["private"]
    if not private.exists(o["photo_draft"].image.name):
        private.save(o["photo_draft"].image.name, ContentFile(b"\xff\xd8\xff\xd9"))
    o["revision"] = PostRevision.objects.create(
        post=published_a,
        editor=w.users["editor"],
        title=published_a.title,
        lead=published_a.lead,
        body=published_a.body,
    )
    o["reason"] = RefusalReason.objects.first()
    o["social_link"] = SocialLink.objects.create(
        platform="instagram", label="Instagram", url="https://instagram.com/authz"
    )
    site = Site.objects.get_current()
    o["site"] = site
    page = FlatPage.objects.create(
        url="/halaman/tentang-authz/", title="Tentang", content="<p>Tentang</p>"
    )
    page.sites.add(site)
    o["flatpage"] = page
    o["period"] = AwardPeriod.objects.create(
        name="Authz", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    o["award_category"] = AwardCategory.objects.filter(is_active=True).first()
    o["award_result"] = AwardResult.objects.create(
        period=o["period"], category=o["award_category"], ranking=[]
    )
    o["award_winner"] = AwardWinner.objects.create(
        period=o["period"],
        category=o["award_category"],
        rank=1,
        unit=unit_a,
        region=region_a,
        name=unit_a.name,
    )
    o["social_account"] = SocialAccount.objects.create(
        unit=unit_a, platform=Platform.INSTAGRAM, handle="%s.humas" % MARKER_A
    )
    o["social_report"] = SocialReport.objects.create(
        account=o["social_account"],
        month=date(2025, 3, 1),
        followers=100,
        posts=5,
        interactions=50,
        sample_url="https://instagram.com/p/authz",
    )
    o["incident"] = Incident.objects.create(
        unit=unit_a,
        occurred_at=timezone.now() - timedelta(days=1),
        learned_at=timezone.now() - timedelta(hours=20),
        kind="hoax",
        summary="%s kabar bohong" % MARKER_A,
        reach="local",
        reported_by=w.users["contributor_a"],
    )
    # B's own awards records, with B's marker: A's pages must not show them.
    account_b = SocialAccount.objects.create(
        unit=unit_b, platform=Platform.INSTAGRAM, handle="%s.humas" % MARKER_B
    )
    SocialReport.objects.create(
        account=account_b,
        month=date(2025, 3, 1),
        followers=200,
        posts=7,
        interactions=70,
        sample_url="https://instagram.com/p/%s" % MARKER_B,
    )
    Incident.objects.create(
        unit=unit_b,
        occurred_at=timezone.now() - timedelta(days=1),
        learned_at=timezone.now() - timedelta(hours=20),
        kind="hoax",
        summary="%s kabar bohong" % MARKER_B,
        reach="local",
        reported_by=w.users["contributor_b"],
    )
    o["totp_device"] = totp_device(w.users["editor"])
    o["static_device"] = StaticDevice.objects.create(
        user=w.users["editor"], name="Kode cadangan"
    )
    o["post_content_type"] = ContentType.objects.get_for_model(published_a)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    o["access_attempt"] = AccessAttempt.objects.create(
        username="authz", ip_address="10.0.0.1", failures_since_start=1
    )
    o["access_log"] = AccessLog.objects.create(username="authz", ip_address="10.0.0.1")
    o["access_failure"] = AccessFailureLog.objects.create(
        username="authz", ip_address="10.0.0.1"
    )
    w.sessions = {role: _session_key(user) for role, user in w.users.items()}
    return w


def _session_key(user) -> str | None:
    """A logged-in session (second factor passed for staff), made once: a
    request reuses its cookie instead of logging in again."""
    if user is None:
        return None
    from django.conf import settings
    from django.test import Client

    from tests.two_factor import force_login_verified

    client = Client()
    force_login_verified(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def module_world(django_db_blocker):
    """Generator for a module-scoped fixture: build, yield, roll back."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
