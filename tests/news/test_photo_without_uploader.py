"""A photo whose uploader's account was deleted can still be corrected.

Deleting an account keeps its photos (uploaded_by becomes NULL); photo_update
runs full_clean, which must accept the empty uploader.
"""

import pytest

from news import services
from news.models import Photo, PhotoKind, PostAction, PostEvent, PostStatus
from tests.factories import EditorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args, **kw: True)


@pytest.fixture
def orphaned_photo(unit):
    """A cover uploaded by a contributor whose account was then deleted."""
    leaver = UserFactory(unit=unit, username="humas.lama")
    post = PostFactory(author=UserFactory(unit=unit), status=PostStatus.DRAFT)
    photo = Photo.objects.create(
        unit=unit,
        post=post,
        uploaded_by=leaver,
        kind=PhotoKind.COVER,
        image="photos/cd/%s.jpg" % ("cd" + "0" * 30),
        width=1200,
        height=800,
        caption="Upacara pembukaan",
        alt_text="Petugas berbaris di lapangan",
        credit="Humas Lapas",
    )
    leaver.delete()
    photo.refresh_from_db()
    assert photo.uploaded_by is None
    return photo


def test_the_unit_corrects_a_photo_whose_uploader_left(orphaned_photo):
    colleague = orphaned_photo.post.author

    changed = services.photo_update(
        photo=orphaned_photo,
        actor=colleague,
        caption="Upacara pembukaan pelatihan kerja",
        alt_text="Petugas dan warga binaan berbaris di lapangan",
    )

    assert changed == ["caption", "alt_text"]
    orphaned_photo.refresh_from_db()
    assert orphaned_photo.caption == "Upacara pembukaan pelatihan kerja"
    assert orphaned_photo.alt_text == "Petugas dan warga binaan berbaris di lapangan"
    assert orphaned_photo.uploaded_by is None


def test_an_editor_corrects_a_photo_whose_uploader_left(orphaned_photo):
    post = orphaned_photo.post
    post.status = PostStatus.SUBMITTED
    post.save(update_fields=["status"])
    editor = EditorFactory()

    changed = services.photo_update(
        photo=orphaned_photo, actor=editor, credit="Humas Lapas Kelas IIA"
    )

    assert changed == ["credit"]
    orphaned_photo.refresh_from_db()
    assert orphaned_photo.credit == "Humas Lapas Kelas IIA"
    event = PostEvent.objects.get(post=post, action=PostAction.EDIT)
    assert event.actor == editor
    assert "Humas Lapas Kelas IIA" in event.comment
