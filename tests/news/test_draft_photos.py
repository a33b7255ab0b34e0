"""Photos of posts that are not published are not public: their clean copy and
renditions live in the private storage (not under MEDIA_ROOT, which nginx
serves), their URLs answer 404 to the public, and publication moves them
public; unpublishing moves them back."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage, storages
from django.utils import timezone

from news import services
from news.models import Photo, PhotoKind, PostStatus
from tests.factories import EditorFactory, PostFactory, UserFactory
from tests.news.images import upload
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def post(contributor):
    return PostFactory(
        unit=contributor.unit, author=contributor, status=PostStatus.DRAFT, title="Isi"
    )


def submit(post):
    """Sent to the newsroom (as post_submit leaves it), photos and all."""
    type(post).objects.filter(pk=post.pk).update(
        status=PostStatus.SUBMITTED, submitted_at=timezone.now()
    )
    post.refresh_from_db()


@pytest.fixture
def cover(contributor, post):
    photo = services.photo_upload(
        unit=post.unit,
        actor=contributor,
        file=upload(size=(1400, 1000)),
        kind=PhotoKind.COVER,
        alt_text="Warga binaan menjahit",
        post=post,
    )
    services.photo_renditions_create(photo_id=photo.pk)
    photo.refresh_from_db()
    return photo


def urls(photo: Photo) -> list[str]:
    return [photo.image.url] + [r.file.url for r in photo.renditions.all()]


def names(photo: Photo) -> list[str]:
    return [photo.image.name] + [r.file.name for r in photo.renditions.all()]


def in_media_root(name: str) -> bool:
    return (Path(django_settings.MEDIA_ROOT) / name).exists()


def statuses(client, photo):
    return {client.get(url).status_code for url in urls(photo)}


def test_a_drafts_photos_are_not_public(client, cover, contributor):
    assert len(urls(cover)) == 9  # the clean copy and 8 renditions (<= 1400 px)
    assert statuses(client, cover) == {404}
    # Not under MEDIA_ROOT at all: nginx serving it finds nothing.
    assert not any(in_media_root(name) for name in names(cover))
    assert all(storages["private"].exists(name) for name in names(cover))
    # The unit's staff still see them, never cached for others.
    client.force_login(contributor)
    response = client.get(cover.image.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert statuses(client, cover) == {200}


def test_other_units_do_not_see_a_drafts_photos(client, cover):
    client.force_login(UserFactory(role=Role.CONTRIBUTOR))
    assert statuses(client, cover) == {404}


def test_publication_makes_them_public_and_unpublishing_private_again(
    client, cover, post, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    submit(post)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=post, actor=editor)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    assert statuses(client, cover) == {200}
    assert all(in_media_root(name) for name in names(cover))
    assert not any(storages["private"].exists(name) for name in names(cover))

    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=post, actor=editor, reason="Salah data")

    assert statuses(client, cover) == {404}
    assert not any(in_media_root(name) for name in names(cover))
    # Still readable by the code (the storage looks in both places).
    with default_storage.open(cover.image.name, "rb") as stored:
        assert stored.read(2) == b"\xff\xd8"


def test_a_photo_added_to_a_published_post_becomes_public(
    client, cover, post, contributor, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    submit(post)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=post, actor=editor)
    gallery = services.photo_upload(
        unit=post.unit,
        actor=editor,
        file=upload(),
        kind=PhotoKind.GALLERY,
        alt_text="Galeri",
        post=post,
    )
    assert statuses(client, gallery) == {404}  # until the worker made it

    services.photo_renditions_create(photo_id=gallery.pk)

    gallery.refresh_from_db()
    assert statuses(client, gallery) == {200}


def test_upgrade_command_takes_old_draft_photos_out_of_the_public_media(
    client, contributor, post
):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from tests.news.images import encoded

    # A photo stored before drafts were private: its file is in MEDIA_ROOT.
    name = storages["public"].save("photos/zz/lama.jpg", ContentFile(encoded()))
    photo = Photo.objects.create(
        unit=post.unit, post=post, image=name, alt_text="Lama", width=640, height=480
    )
    assert client.get(photo.image.url).status_code == 200

    call_command("photo_files_sync", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert not in_media_root(name)
    assert client.get(photo.image.url).status_code == 404


def test_an_inline_image_an_editor_adds_to_a_published_post_is_public(
    client, cover, post, django_capture_on_commit_callbacks
):
    editor = EditorFactory()
    submit(post)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=post, actor=editor)
    inline = services.photo_upload(
        unit=post.unit,
        actor=editor,
        file=upload(),
        kind=PhotoKind.INLINE,
        alt_text="Gambar",
    )
    services.photo_renditions_create(photo_id=inline.pk)
    inline.refresh_from_db()
    assert statuses(client, inline) == {404}  # nobody's yet: private

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            post=post,
            actor=editor,
            body='<p>Tambahan.</p><p><img src="%s" alt="Gambar"></p>'
            % inline.image.url,
        )

    inline.refresh_from_db()
    assert inline.post_id == post.pk
    assert statuses(client, inline) == {200}
