"""Contributor pages: the unit's own time zone, the dashboard's editor notes,
and inline images (alt-text warning, responsive renditions on public pages).
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from news import selectors, services
from news.models import PhotoKind, PostAction, PostEvent, PostStatus
from tests.factories import EditorFactory, PostFactory, UnitFactory, UserFactory
from tests.news.images import upload
from units.models import Region, Role

pytestmark = pytest.mark.django_db

# 24 September 2024, 07:30 UTC: 14.30 WIB, 15.30 WITA.
MOMENT = datetime.datetime(2024, 9, 24, 7, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: calls.append((task.name, args))
    )
    return calls


@pytest.fixture
def bali_unit(db):
    """A unit in Bali: its region keeps WITA (UTC+8)."""
    return UnitFactory(region=Region.objects.get(province_code="51"))


@pytest.fixture
def bali_contributor(bali_unit):
    return UserFactory(unit=bali_unit, role=Role.CONTRIBUTOR)


def changes_requested(author, note: str):
    post = PostFactory(author=author, status=PostStatus.CHANGES_REQUESTED)
    event = PostEvent.objects.create(
        post=post,
        actor=EditorFactory(),
        action=PostAction.REQUEST_CHANGES,
        from_status=PostStatus.SUBMITTED,
        to_status=PostStatus.CHANGES_REQUESTED,
        comment=note,
        notified_at=timezone.now(),
    )
    PostEvent.objects.filter(pk=event.pk).update(created_at=MOMENT)
    return post


# --- Time zones -------------------------------------------------------------------


def test_contributor_pages_show_the_units_own_zone(client, bali_contributor):
    post = changes_requested(bali_contributor, "Tambahkan nama narasumber.")
    client.force_login(bali_contributor)

    dashboard = client.get(reverse("news:dashboard")).content.decode()
    assert "Selasa, 24 September 2024 15.30 WITA" in dashboard
    assert "WIB" not in dashboard

    page = client.get(reverse("news:post", args=[post.pk])).content.decode()
    assert "Selasa, 24 September 2024 15.30 WITA" in page
    assert "14.30 WIB" not in page


def test_a_jakarta_unit_sees_wib(client, unit):
    author = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = changes_requested(author, "Perbaiki judul.")
    client.force_login(author)
    page = client.get(reverse("news:post", args=[post.pk])).content.decode()
    assert "Selasa, 24 September 2024 14.30 WIB" in page


# --- The dashboard shows the editor's note in full ----------------------------------


def test_dashboard_shows_the_whole_note_labelled_for_the_phone_cards(
    client, bali_contributor
):
    note = " ".join("kata%d" % n for n in range(60)) + " akhir-catatan."
    changes_requested(bali_contributor, note)
    client.force_login(bali_contributor)
    html = client.get(reverse("news:dashboard")).content.decode()
    assert "akhir-catatan." in html  # never cut after 30 words
    assert 'data-label="Catatan terakhir"' in html
    assert "Diminta perbaikan" in html
    assert "table-scroll" not in html


# --- Inline images --------------------------------------------------------------


def inline_photo(author, post):
    return services.photo_upload(
        unit=author.unit,
        actor=author,
        file=upload("JPEG", (1700, 1100)),
        kind=PhotoKind.INLINE,
        alt_text=str(selectors.INLINE_ALT_TEXT),
        post=post,
    )


def test_images_without_real_alt_text_are_counted():
    body = (
        '<p><img src="/media/a.jpg" alt="Gambar dalam berita"></p>'
        '<img src="/media/b.jpg" alt="">'
        '<img src="/media/c.jpg">'
        '<img src="/media/d.jpg" alt="Warga binaan menanam padi">'
    )
    assert selectors.inline_images_without_alt(body=body) == 3
    assert selectors.inline_images_without_alt(body="<p>Teks saja.</p>") == 0


def test_the_post_page_warns_about_an_image_without_alt_text(client, unit):
    author = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(author=author)
    photo = inline_photo(author, post)
    post.body = '<p>Isi.</p><img src="%s" alt="Gambar dalam berita">' % photo.image.url
    post.save()
    client.force_login(author)
    url = reverse("news:post", args=[post.pk])
    assert "belum memiliki teks alternatif" in client.get(url).content.decode()

    post.body = post.body.replace("Gambar dalam berita", "Peserta menanam padi")
    post.save()
    assert "belum memiliki teks alternatif" not in client.get(url).content.decode()


def test_saving_a_body_with_an_undescribed_image_warns(client, unit):
    from tests.factories import CategoryFactory

    author = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(author=author)
    photo = inline_photo(author, None)
    client.force_login(author)
    response = client.post(
        reverse("news:edit", args=[post.pk]),
        {
            "title": post.title,
            "lead": post.lead,
            "body": '<p>Isi.</p><img src="%s">' % photo.image.url,
            "category": str(CategoryFactory().pk),
            "tags": "",
            "programme": "",
            "event_date": "",
            "location": "",
            "galeri-TOTAL_FORMS": "0",
            "galeri-INITIAL_FORMS": "0",
            "galeri-MIN_NUM_FORMS": "0",
            "galeri-MAX_NUM_FORMS": "10",
        },
        follow=True,
    )
    assert "belum memiliki teks alternatif" in response.content.decode()


def test_public_article_serves_inline_images_as_renditions(
    client, unit, django_assert_max_num_queries
):
    author = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(author=author)
    photos = [inline_photo(author, post) for _ in range(3)]
    for photo in photos:
        services.photo_renditions_create(photo_id=photo.pk)
    post.body = "".join(
        '<figure class="image"><img src="%s" alt="Gambar %d warga binaan"></figure>'
        % (photo.image.url, n)
        for n, photo in enumerate(photos)
    )
    post.status = PostStatus.PUBLISHED
    post.published_at = timezone.now()
    post.save()

    with django_assert_max_num_queries(12):
        html = client.get(post.get_absolute_url()).content.decode()

    body = html[html.index('class="article-body"') :]
    for n, photo in enumerate(photos):
        # Never the full-size clean copy: renditions with srcset.
        assert photo.image.url not in body
        assert 'alt="Gambar %d warga binaan"' % n in body
    assert body.count("<picture>") == 3
    assert body.count('type="image/webp" srcset="') == 3
    assert re.search(r'srcset="[^"]+ 320w, [^"]+ 640w', body)


def test_inline_queries_do_not_grow_with_the_number_of_images(
    client, unit, django_assert_num_queries
):
    author = UserFactory(unit=unit, role=Role.CONTRIBUTOR)

    def article_with(n):
        post = PostFactory(author=author)
        photos = [inline_photo(author, post) for _ in range(n)]
        post.body = "".join(
            '<img src="%s" alt="Foto %d">' % (p.image.url, i)
            for i, p in enumerate(photos)
        )
        post.status = PostStatus.PUBLISHED
        post.published_at = timezone.now()
        post.save()
        return post.get_absolute_url()

    one, five = article_with(1), article_with(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(one)
    with CaptureQueriesContext(connection) as second:
        client.get(five)
    assert len(second) == len(first)
