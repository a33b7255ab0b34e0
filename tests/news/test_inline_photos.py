"""CKEditor's inline photos: attached to the post whose saved body shows them,
and the nightly sweep of those no post took (services directly, then once
through the real Celery worker).

Images are generated in memory (tests/news/images.py).
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news import services, tasks
from news.models import Photo, PhotoKind, Rendition
from tests.factories import CategoryFactory, EditorFactory, PostFactory, UserFactory
from tests.news.images import encoded, upload
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Rendition tasks enqueued after commit are recorded, not sent."""
    calls = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: calls.append((task.name, args))
    )
    return calls


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def stranger(other_unit):
    return UserFactory(unit=other_unit, role=Role.CONTRIBUTOR)


def inline_photo(unit, *, post=None, age=timedelta(0), kind=PhotoKind.INLINE):
    """An inline photo row with a stored file, uploaded `age` ago."""
    photo = Photo.objects.create(
        unit=unit,
        post=post,
        kind=kind,
        alt_text="Gambar dalam teks berita",
        image=ContentFile(encoded("JPEG", (400, 300)), name="gambar.jpg"),
    )
    if age:
        Photo.objects.filter(pk=photo.pk).update(created_at=timezone.now() - age)
    return photo


def body_showing(*photos) -> str:
    images = "".join('<img src="%s" alt="Gambar">' % p.image.url for p in photos)
    return "<p>Kegiatan pembinaan warga binaan.</p>%s" % images


def create(author, body):
    return services.post_create(
        author=author,
        title="Pelatihan menjahit",
        lead="Warga binaan mengikuti pelatihan menjahit.",
        body=body,
        category=CategoryFactory(),
    )


def post_of(photo):
    return Photo.objects.values_list("post_id", flat=True).get(pk=photo.pk)


# --- Attaching on save ---------------------------------------------------------


def test_an_image_uploaded_in_the_editor_becomes_the_new_posts(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("news:upload_image"), {"upload": upload("JPEG")})
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert photo.post_id is None
    assert response.json()["url"] == photo.image.url

    post = create(
        contributor,
        '<p>Kegiatan.</p><img src="%s" alt="Gambar">' % response.json()["url"],
    )

    assert post_of(photo) == post.pk


def test_post_create_attaches_only_the_units_own_unattached_photos(
    contributor, stranger
):
    own = inline_photo(contributor.unit)
    not_shown = inline_photo(contributor.unit)
    foreign = inline_photo(stranger.unit)
    elsewhere_post = PostFactory(author=contributor)
    elsewhere = inline_photo(contributor.unit, post=elsewhere_post)

    post = create(contributor, body_showing(own, foreign, elsewhere))

    assert post_of(own) == post.pk
    assert post_of(not_shown) is None
    assert post_of(foreign) is None, "another unit's photo is never taken"
    assert post_of(elsewhere) == elsewhere_post.pk, "never moved between posts"


def test_post_update_attaches_images_added_to_the_body(contributor, stranger):
    post = PostFactory(author=contributor)
    own = inline_photo(contributor.unit)
    foreign = inline_photo(stranger.unit)
    elsewhere_post = PostFactory(author=contributor)
    elsewhere = inline_photo(contributor.unit, post=elsewhere_post)
    gallery = inline_photo(contributor.unit, kind=PhotoKind.GALLERY)

    services.post_update(
        post=post,
        actor=contributor,
        body=body_showing(own, foreign, elsewhere, gallery),
    )

    assert post_of(own) == post.pk
    assert post_of(foreign) is None
    assert post_of(elsewhere) == elsewhere_post.pk
    assert post_of(gallery) is None, "only inline photos are attached this way"


def test_an_editors_update_attaches_the_posts_units_photos(contributor, stranger):
    post = PostFactory(author=contributor)
    own = inline_photo(contributor.unit)
    foreign = inline_photo(stranger.unit)

    services.post_update(
        post=post, actor=EditorFactory(), body=body_showing(own, foreign)
    )

    assert post_of(own) == post.pk
    assert post_of(foreign) is None


def test_an_image_taken_out_of_the_text_stays_attached(contributor):
    photo = inline_photo(contributor.unit)
    post = create(contributor, body_showing(photo))

    services.post_update(post=post, actor=contributor, body="<p>Tanpa gambar.</p>")

    assert post_of(photo) == post.pk


def test_attaching_costs_the_same_queries_for_one_image_or_many(contributor):
    def queries_for(count):
        post = PostFactory(author=contributor)
        photos = [inline_photo(contributor.unit) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            services.post_update(
                post=post, actor=contributor, body=body_showing(*photos)
            )
        assert {post_of(p) for p in photos} == {post.pk}
        return len(queries)

    assert queries_for(1) == queries_for(6)


def test_image_names_are_read_from_the_src_path_only(contributor):
    photo = inline_photo(contributor.unit)
    lookalike = inline_photo(contributor.unit)
    body = (
        '<p>Kegiatan.</p><img src="%s?v=2" alt="Gambar">'
        # The name as text or in a link is no image of the post.
        '<p>%s <a href="%s">tautan</a></p>'
    ) % (photo.image.url, lookalike.image.name, lookalike.image.url)

    post = create(contributor, body)

    assert post_of(photo) == post.pk
    assert post_of(lookalike) is None


def test_the_migration_attaches_what_saved_bodies_already_show(contributor, stranger):
    own = inline_photo(contributor.unit)
    foreign = inline_photo(stranger.unit)
    # Saved before posts attached their images: a row written as it was then.
    post = PostFactory(author=contributor, body=body_showing(own, foreign))
    assert post_of(own) is None

    migration = import_module("news.migrations.0007_link_inline_photos")
    migration.link_inline_photos(apps, None)

    assert post_of(own) == post.pk
    assert post_of(foreign) is None


# --- The nightly sweep -----------------------------------------------------------


def files_of(photo) -> set[str]:
    names = set(Rendition.objects.filter(photo=photo).values_list("file", flat=True))
    return names | {photo.image.name}


def test_sweep_deletes_old_orphans_and_their_files_only(
    contributor, django_capture_on_commit_callbacks
):
    old_orphan = inline_photo(contributor.unit, age=timedelta(days=3))
    services.photo_renditions_create(photo_id=old_orphan.pk)
    orphan_files = files_of(old_orphan)
    assert len(orphan_files) > 1 and all(map(default_storage.exists, orphan_files))
    young_orphan = inline_photo(contributor.unit, age=timedelta(hours=20))
    attached = inline_photo(
        contributor.unit, post=PostFactory(author=contributor), age=timedelta(days=30)
    )
    old_gallery = inline_photo(
        contributor.unit,
        post=PostFactory(author=contributor),
        kind=PhotoKind.GALLERY,
        age=timedelta(days=30),
    )
    # A cover staged by a post form that was never saved goes too.
    old_staged = inline_photo(
        contributor.unit, kind=PhotoKind.COVER, age=timedelta(days=3)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.photo_orphans_delete() == 2
        assert all(map(default_storage.exists, orphan_files)), "not before commit"

    assert not Photo.objects.filter(pk__in=[old_orphan.pk, old_staged.pk]).exists()
    assert not Rendition.objects.filter(photo_id=old_orphan.pk).exists()
    assert not any(map(default_storage.exists, orphan_files))
    for kept in (young_orphan, attached, old_gallery):
        assert Photo.objects.filter(pk=kept.pk).exists()
        assert default_storage.exists(kept.image.name)


def test_an_image_saved_into_a_post_is_safe_from_the_sweep(contributor):
    photo = inline_photo(contributor.unit, age=timedelta(days=3))
    create(contributor, body_showing(photo))

    assert services.photo_orphans_delete() == 0
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_sweep_works_in_bounded_batches(contributor):
    for _ in range(5):
        inline_photo(contributor.unit, age=timedelta(days=3))

    assert services.photo_orphans_delete(batch_size=2, max_batches=2) == 4
    assert Photo.objects.count() == 1, "the next run carries on"
    assert services.photo_orphans_delete(batch_size=2) == 1
    assert services.photo_orphans_delete(batch_size=2) == 0


def test_sweep_is_scheduled_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-orphan-inline-photos"]
    assert entry["task"] == tasks.sweep_orphan_inline_photos.name
    assert entry["schedule"].hour == {20}  # 03:00 WIB
    assert entry["schedule"].minute == {0}


@pytest.mark.django_db(transaction=True)
def test_sweep_through_the_worker(celery_worker, unit):
    contributor = UserFactory(unit=unit)
    orphan = inline_photo(unit, age=timedelta(days=3))
    attached = inline_photo(
        unit, post=PostFactory(author=contributor), age=timedelta(days=3)
    )

    assert tasks.sweep_orphan_inline_photos.delay().get(timeout=20) == 1

    assert not Photo.objects.filter(pk=orphan.pk).exists()
    assert not default_storage.exists(orphan.image.name)
    assert Photo.objects.filter(pk=attached.pk).exists()
    assert default_storage.exists(attached.image.name)
    # A second run finds nothing left to do.
    assert tasks.sweep_orphan_inline_photos.delay().get(timeout=20) == 0
