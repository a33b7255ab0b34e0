"""Another unit's posts and records never show where they should not.

Every post of unit A and unit B carries a marker in its title (PENANDA-ALFA,
PENANDA-BRAVO: tests/portal/authz_world), in every status; so do each
unit's social-media account, report and incident. Then:
- a contributor of A sees none of B's markers in the contributor area
  (dashboard and its status filters, forms, awards pages);
- nobody sees a post that is not published in the reader's site: home,
  listings, archive, search, feeds, sitemaps;
- a regional reviewer sees only their region's posts in the newsroom queue;
- exports and the admin's autocomplete and "view on site" are out of reach
  for those who may not read what they would give.
"""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse

from news.models import PostStatus
from tests.portal.authz_world import MARKER_A, MARKER_B, module_world

NOT_PUBLIC = [s for s in PostStatus.values if s != PostStatus.PUBLISHED]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    for world in module_world(django_db_blocker):
        world.client = Client()
        yield world


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def fetch(world, role, url, method="GET"):
    """The response to `role`, every change it makes rolled back."""
    client = world.client
    client.cookies.clear()
    if world.sessions.get(role):
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    with transaction.atomic():
        response = client.post(url, {}) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return response


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def hidden_posts(world):
    """Title and slug of every post that is not published, of both units."""
    out = []
    for posts in (world.posts_a, world.posts_b):
        for status in NOT_PUBLIC:
            out += [posts[status].title, posts[status].slug]
    return out


# --- The contributor area ---------------------------------------------------


def contributor_pages(world):
    a = world.posts_a
    return [
        reverse("news:dashboard"),
        *[reverse("news:dashboard") + "?status=%s" % s for s in PostStatus.values],
        reverse("news:dashboard") + "?halaman=2",
        reverse("news:create"),
        reverse("news:post", args=[a[PostStatus.DRAFT].pk]),
        reverse("news:edit", args=[a[PostStatus.DRAFT].pk]),
        reverse("news:photos", args=[a[PostStatus.DRAFT].pk]),
        reverse("news:preview", args=[a[PostStatus.DRAFT].pk]),
        reverse("awards:dashboard"),
        reverse("awards:social"),
        reverse("awards:incidents"),
        reverse("profile"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["contributor_a", "head_a"])
def test_the_contributor_area_shows_nothing_of_another_unit(world, role):
    for url in contributor_pages(world):
        response = fetch(world, role, url)
        assert response.status_code == 200, url
        body = text(response)
        assert MARKER_B not in body, url
        assert world.users["contributor_b"].username not in body, url
    # Their own unit's work is there (the check above looks at real lists).
    dashboard = text(fetch(world, role, reverse("news:dashboard")))
    assert world.posts_a[PostStatus.DRAFT].title in dashboard
    incidents = text(fetch(world, role, reverse("awards:incidents")))
    assert "%s kabar bohong" % MARKER_A in incidents


@pytest.mark.django_db
def test_another_units_objects_are_404_in_the_contributor_area(world):
    b = world.posts_b
    urls = [
        reverse("news:post", args=[b[PostStatus.DRAFT].pk]),
        reverse("news:edit", args=[b[PostStatus.DRAFT].pk]),
        reverse("news:preview", args=[b[PostStatus.DRAFT].pk]),
        reverse("news:photos", args=[b[PostStatus.DRAFT].pk]),
    ]
    for url in urls:
        assert fetch(world, "contributor_a", url).status_code == 404, url
    for name, status in (
        ("news:submit", PostStatus.DRAFT),
        ("news:withdraw", PostStatus.SUBMITTED),
        ("news:copy", PostStatus.REJECTED),
    ):
        url = reverse(name, args=[b[status].pk])
        assert fetch(world, "contributor_a", url, "POST").status_code == 404, url
    url = reverse("news:head_approve", args=[b[PostStatus.HEAD_REVIEW].pk])
    assert fetch(world, "head_a", url, "POST").status_code == 404


# --- The reader's site ------------------------------------------------------


def public_pages(world):
    published = world.posts_a[PostStatus.PUBLISHED]
    year = published.published_at.year
    month = published.published_at.month
    return [
        reverse("home"),
        "/en/",
        reverse("public:search") + "?q=pramuka",
        reverse("public:search") + "?q=%s" % MARKER_A,
        reverse("public:search") + "?q=%s" % MARKER_B,
        "/en" + reverse("public:search") + "?q=pramuka",
        reverse("public:archive"),
        reverse("public:archive_year", args=[year]),
        reverse("public:archive_month", args=[year, month]),
        reverse("public:unit", args=[world.unit_a.slug]),
        reverse("public:unit", args=[world.unit_b.slug]),
        reverse("public:region", args=[world.region_a.slug]),
        reverse("public:category", args=[world.objects["category"].slug]),
        reverse("public:tag", args=[world.objects["tag"].slug]),
        reverse("public:feed_rss"),
        reverse("public:feed_atom"),
        reverse("public:unit_feed_rss", args=[world.unit_a.slug]),
        reverse("public:unit_feed_atom", args=[world.unit_b.slug]),
        reverse("public:region_feed_rss", args=[world.region_a.slug]),
        reverse("public:category_feed_atom", args=[world.objects["category"].slug]),
        reverse("public:sitemap"),
        reverse("public:sitemap_section", args=["berita"]),
        reverse("public:sitemap_section", args=["news"]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "contributor_a", "editor"])
def test_the_readers_site_shows_no_post_that_is_not_published(world, role):
    hidden = hidden_posts(world)
    for url in public_pages(world):
        response = fetch(world, role, url)
        if response.status_code == 404 and "sitemap-news" in url:
            continue  # no Google News section on this site
        assert response.status_code == 200, url
        body = text(response)
        shown = [h for h in hidden if h in body]
        assert shown == [], url
    # The published ones are found (by their address: search highlights
    # words inside titles): the pages above do list posts.
    search = text(fetch(world, role, reverse("public:search") + "?q=pramuka"))
    assert world.posts_a[PostStatus.PUBLISHED].get_absolute_url() in search
    assert world.posts_b[PostStatus.PUBLISHED].get_absolute_url() in search
    feed = text(fetch(world, role, reverse("public:feed_rss")))
    assert world.posts_a[PostStatus.PUBLISHED].title in feed


@pytest.mark.django_db
def test_a_post_that_is_not_published_has_no_public_page(world):
    for status in NOT_PUBLIC:
        url = reverse("public:article", args=[world.posts_a[status].slug])
        for role in ("anonymous", "contributor_a", "contributor_b", "editor"):
            assert fetch(world, role, url).status_code == 404, (status, role)


# --- The newsroom -----------------------------------------------------------


def queue_pages():
    queue = reverse("admin:news_post_changelist")
    return [
        queue,
        queue + "?q=PENANDA",
        queue + "?q=pramuka",
        *[queue + "?status__exact=%s" % s for s in PostStatus.values],
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("reviewer_a", MARKER_A, MARKER_B), ("reviewer_other", MARKER_B, MARKER_A)],
)
def test_a_reviewer_sees_only_their_regions_posts(world, role, own, other):
    for url in queue_pages():
        response = fetch(world, role, url)
        assert response.status_code == 200, url
        assert other not in text(response), url
    queue = text(fetch(world, role, reverse("admin:news_post_changelist")))
    assert "%s submitted" % own in queue
    # Reviewers never see drafts, their region's included.
    assert "%s draft" % own not in queue


@pytest.mark.django_db
def test_the_editors_queue_has_both_units(world):
    queue = text(fetch(world, "editor", reverse("admin:news_post_changelist")))
    assert "%s submitted" % MARKER_A in queue
    assert "%s submitted" % MARKER_B in queue


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["anonymous", "contributor_a", "head_a", "reviewer_a", "reviewer_other"]
)
def test_statistics_exports_are_for_editors_only(world, role):
    base = reverse("admin:awards_statistics")
    for fmt in ("csv", "xlsx"):
        for table in ("upt", "kontributor", "kanwil", "penolakan"):
            url = "%s?ekspor=%s&tabel=%s" % (base, fmt, table)
            response = fetch(world, role, url)
            assert response.status_code in (302, 403), url
            assert MARKER_B not in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["contributor_a", "head_a"])
def test_unit_staff_cannot_reach_the_admins_autocomplete(world, role):
    for app_label, model_name, field_name in (
        ("news", "post", "tags"),
        ("units", "user", "unit"),
        ("units", "user", "region"),
    ):
        url = "%s?app_label=%s&model_name=%s&field_name=%s&term=a" % (
            reverse("admin:autocomplete"),
            app_label,
            model_name,
            field_name,
        )
        response = fetch(world, role, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reviewer_a", "reviewer_other"])
def test_autocomplete_gives_a_reviewer_nothing_of_a_unit(world, role):
    url = "%s?app_label=news&model_name=post&field_name=tags&term=authz" % reverse(
        "admin:autocomplete"
    )
    response = fetch(world, role, url)
    assert response.status_code in (200, 403)
    assert MARKER_A not in text(response) and MARKER_B not in text(response)


def view_on_site(world, post) -> str:
    content_type = ContentType.objects.get_for_model(post)
    return reverse("admin:view_on_site", args=[content_type.pk, post.pk])


@pytest.mark.django_db
def test_view_on_site_tells_nobody_the_address_of_a_post_that_is_not_public(world):
    """The admin's /admin/r/<type>/<id>/ redirected any staff user to any
    post's public address, its slug made from the title: a reviewer of
    another region learnt the titles of drafts by counting ids."""
    for status in NOT_PUBLIC:
        url = view_on_site(world, world.posts_a[status])
        for role in ("reviewer_a", "reviewer_other", "editor", "administrator"):
            response = fetch(world, role, url)
            assert response.status_code == 404, (status, role)
    published = world.posts_a[PostStatus.PUBLISHED]
    url = view_on_site(world, published)
    assert fetch(world, "reviewer_other", url).status_code == 404
    for role in ("reviewer_a", "editor"):
        response = fetch(world, role, url)
        assert response.status_code == 302
        assert response["Location"].endswith(published.get_absolute_url())


@pytest.mark.django_db
def test_a_url_mixing_an_own_object_with_another_units_is_404(world):
    """The second id in a URL is looked up through the first one."""
    a_draft = world.posts_a[PostStatus.DRAFT]
    b_photo = world.posts_b[PostStatus.DRAFT].photos.first()
    for name in ("news:photo_edit", "news:photo_remove"):
        url = reverse(name, args=[a_draft.pk, b_photo.pk])
        assert fetch(world, "contributor_a", url).status_code == 404, name
        assert fetch(world, "contributor_a", url, "POST").status_code == 404, name
    b_photo.refresh_from_db()  # still there

    a_sent = world.posts_a[PostStatus.SUBMITTED]
    b_sent = world.posts_b[PostStatus.SUBMITTED]
    b_sent_photo = b_sent.photos.first()
    urls = [
        reverse("admin:news_post_compare", args=[a_sent.pk, b_sent.pk]),
        reverse("admin:news_post_compare", args=[b_sent.pk, a_sent.pk]),
    ]
    for url in urls:
        assert fetch(world, "reviewer_a", url).status_code == 404, url
    url = reverse("admin:news_post_photo", args=[a_sent.pk, b_sent_photo.pk])
    assert fetch(world, "editor", url).status_code == 404
    revision = world.objects["revision"]
    url = reverse(
        "admin:news_post_revision_diff",
        args=[world.posts_b[PostStatus.PUBLISHED].pk, revision.pk],
    )
    assert fetch(world, "editor", url).status_code == 404


@pytest.mark.django_db
def test_a_regions_reviewer_does_not_read_a_units_drafts(world):
    """The queue kept drafts from reviewers, but the preview, the comparison
    and the photo files answered for a draft's id: now all 404, as in the
    queue; once the unit sends the post, the reviewer reads it."""
    draft = world.posts_a[PostStatus.DRAFT]
    sent = world.posts_a[PostStatus.SUBMITTED]
    urls = [
        reverse("admin:news_post_preview", args=[draft.pk]),
        reverse("admin:news_post_compare", args=[sent.pk, draft.pk]),
        reverse("admin:news_post_history", args=[draft.pk]),
        "/media/%s" % world.objects["photo_draft"].image.name,
    ]
    for url in urls:
        assert fetch(world, "reviewer_a", url).status_code == 404, url
        assert fetch(world, "editor", url).status_code == 200, url
    preview = reverse("admin:news_post_preview", args=[sent.pk])
    assert fetch(world, "reviewer_a", preview).status_code == 200
