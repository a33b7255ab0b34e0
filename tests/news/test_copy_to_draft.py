"""A unit copies a rejected post into a new draft, photos included."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from news import services
from news.models import Photo, PhotoKind, Post, PostAction, PostEvent, PostStatus
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    TagFactory,
    UserFactory,
)
from tests.news.images import upload
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "portal.enqueue.enqueue", lambda task, *args: calls.append((task.name, args))
    )
    return calls


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit, role=Role.CONTRIBUTOR)


@pytest.fixture
def rejected(contributor):
    post = PostFactory(
        author=contributor,
        category=CategoryFactory(name="Pembinaan", slug="pembinaan"),
        title="Pelatihan las bagi warga binaan",
        lead="Dua puluh warga binaan belajar mengelas.",
        programme="apa_kabar",
        location="Bengkel Lapas",
    )
    post.tags.set([TagFactory(name="pembinaan", slug="pembinaan")])
    for kind, alt in ((PhotoKind.COVER, "Sampul"), (PhotoKind.GALLERY, "Galeri")):
        services.photo_upload(
            unit=contributor.unit,
            actor=contributor,
            file=upload("PNG"),
            kind=kind,
            alt_text=alt,
            caption="Keterangan " + alt,
            credit="Humas",
            post=post,
        )
    inline = services.photo_upload(
        unit=contributor.unit,
        actor=contributor,
        file=upload("JPEG"),
        kind=PhotoKind.INLINE,
        alt_text="Gambar",
        post=post,
    )
    post.body = '<p>Isi.</p><img src="%s" alt="Peserta mengelas">' % inline.image.url
    post.status = PostStatus.REJECTED
    post.save()
    return post


def test_copy_makes_a_draft_with_the_text_and_new_photos(contributor, rejected):
    draft = services.post_copy_to_draft(post=rejected, actor=contributor)

    assert draft.pk != rejected.pk and draft.status == PostStatus.DRAFT
    assert draft.slug != rejected.slug
    for field in ("title", "lead", "category_id", "programme", "location", "unit_id"):
        assert getattr(draft, field) == getattr(rejected, field), field
    assert [t.name for t in draft.tags.all()] == ["pembinaan"]
    copies = list(draft.photos.order_by("kind", "position"))
    originals = list(rejected.photos.order_by("kind", "position"))
    assert [(p.kind, p.alt_text, p.caption) for p in copies] == [
        (p.kind, p.alt_text, p.caption) for p in originals
    ]
    assert not {p.image.name for p in copies} & {p.image.name for p in originals}
    # The body shows the copied inline image, not the rejected post's.
    inline = draft.photos.get(kind=PhotoKind.INLINE)
    assert inline.image.url in draft.body
    assert 'alt="Peserta mengelas"' in draft.body
    event = PostEvent.objects.get(post=draft)
    assert event.action == PostAction.CREATE and event.actor == contributor
    assert "#%d" % rejected.pk in event.comment and rejected.title in event.comment
    # The original is untouched.
    rejected.refresh_from_db()
    assert rejected.status == PostStatus.REJECTED


def test_the_copys_files_survive_the_original_being_deleted(
    contributor, rejected, django_capture_on_commit_callbacks
):
    draft = services.post_copy_to_draft(post=rejected, actor=contributor)
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.filter(pk=rejected.pk).delete()
    for photo in draft.photos.all():
        assert default_storage.exists(photo.image.name)


def test_only_rejected_posts_are_copied(contributor, rejected):
    for status in (
        PostStatus.DRAFT,
        PostStatus.SUBMITTED,
        PostStatus.CHANGES_REQUESTED,
    ):
        Post.objects.filter(pk=rejected.pk).update(status=status)
        with pytest.raises(ValidationError):
            services.post_copy_to_draft(post=rejected, actor=contributor)
    assert Post.objects.count() == 1


def test_only_the_units_members_may_copy(rejected, other_unit):
    for actor in (
        UserFactory(unit=other_unit, role=Role.CONTRIBUTOR),
        EditorFactory(),
    ):
        with pytest.raises(ValidationError):
            services.post_copy_to_draft(post=rejected, actor=actor)
    assert Post.objects.count() == 1
    assert Photo.objects.count() == 3


def test_the_rejected_posts_page_offers_the_copy_button(client, contributor, rejected):
    client.force_login(contributor)
    page = client.get(reverse("news:post", args=[rejected.pk]))
    url = reverse("news:copy", args=[rejected.pk])
    assert url in page.content.decode()
    assert "Salin menjadi draf baru" in page.content.decode()

    response = client.post(url)
    draft = Post.objects.exclude(pk=rejected.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("news:edit", args=[draft.pk])


def test_no_copy_button_on_other_statuses(client, contributor, rejected):
    Post.objects.filter(pk=rejected.pk).update(status=PostStatus.DRAFT)
    client.force_login(contributor)
    page = client.get(reverse("news:post", args=[rejected.pk]))
    assert reverse("news:copy", args=[rejected.pk]) not in page.content.decode()
    response = client.post(reverse("news:copy", args=[rejected.pk]))
    assert response.status_code == 302
    assert Post.objects.count() == 1


def test_another_unit_cannot_copy_through_the_view(client, rejected, other_unit):
    client.force_login(UserFactory(unit=other_unit))
    assert client.post(reverse("news:copy", args=[rejected.pk])).status_code == 404
    assert Post.objects.count() == 1
