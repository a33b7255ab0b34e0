"""CKEditor's images on the change page and the photo list (news.admin.photos)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import (
    Photo,
    PhotoKind,
    PostStatus,
)
from tests.factories import (
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.admin_pages import change_form_data, change_url, make_post
from tests.news.images import upload

S = PostStatus
pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


# --- CKEditor and its images -------------------------------------------------------


def upload_url(post):
    return reverse("admin:news_post_upload_image", args=[post.pk])


def test_body_is_written_in_ckeditor_with_the_posts_upload_view(
    editor_client, submitted
):
    content = editor_client.get(change_url(submitted)).content.decode()

    assert 'name="body"' in content
    assert 'class="js-ckeditor5"' in content
    assert 'data-upload-url="%s"' % upload_url(submitted) in content
    assert 'data-editor-src="/static/vendor/ckeditor5/ckeditor5.js"' in content
    # The widget's media and the admin's editor styles are on the page.
    assert '<script src="/static/js/editor.js" type="module">' in content
    assert 'href="/static/vendor/ckeditor5/ckeditor5.css"' in content
    assert 'href="/static/css/admin_editor.css"' in content


def test_reviewers_read_the_body_without_an_editor(client, author, category):
    reviewer = ReviewerFactory()
    post = make_post(
        UserFactory(unit=UnitFactory(region=reviewer.region)),
        category,
        status=S.SUBMITTED,
    )
    client.force_login(reviewer)

    content = client.get(change_url(post)).content.decode()

    assert "js-ckeditor5" not in content
    assert "js/editor.js" not in content


@pytest.mark.parametrize("status", [S.SUBMITTED, S.PUBLISHED, S.CHANGES_REQUESTED])
def test_editor_uploads_an_inline_image_to_the_post(
    editor_client, editor, author, category, status
):
    post = make_post(author, category, status=status, published_at=timezone.now())

    response = editor_client.post(upload_url(post), {"upload": upload("PNG")})

    assert response.status_code == 200
    photo = Photo.objects.get()
    assert (photo.kind, photo.post, photo.unit, photo.uploaded_by) == (
        PhotoKind.INLINE,
        post,
        post.unit,
        editor,
    )
    assert response.json() == {"url": photo.image.url, "alt": "Gambar dalam berita"}


def test_admin_upload_refuses_bad_files_with_ckeditors_json(editor_client, submitted):
    fake = SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>")
    refused = editor_client.post(upload_url(submitted), {"upload": fake})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"]

    missing = editor_client.post(upload_url(submitted), {})
    assert missing.status_code == 400
    assert missing.json() == {
        "error": {"message": "Tidak ada berkas gambar yang dikirim."}
    }
    assert editor_client.get(upload_url(submitted)).status_code == 405
    assert (
        editor_client.post(
            reverse("admin:news_post_upload_image", args=[987654]),
            {"upload": upload("PNG")},
        ).status_code
        == 404
    )
    assert not Photo.objects.exists()


def test_admin_upload_needs_change_permission_login_and_csrf(
    client, editor, author, category
):
    reviewer = ReviewerFactory()
    post = make_post(
        UserFactory(unit=UnitFactory(region=reviewer.region)),
        category,
        status=S.SUBMITTED,
    )
    url = upload_url(post)

    # Anonymous and unit staff: the admin's login page.
    assert client.post(url, {"upload": upload("PNG")}).status_code == 302
    client.force_login(author)
    assert client.post(url, {"upload": upload("PNG")}).status_code == 302
    # A reviewer may read the post, not change it.
    client.force_login(reviewer)
    refused = client.post(url, {"upload": upload("PNG")})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"]
    assert not Photo.objects.exists()

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    assert csrf_client.post(url, {"upload": upload("PNG")}).status_code == 403
    csrf_client.get(change_url(post))  # sets the CSRF cookie
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {"upload": upload("PNG")}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert Photo.objects.get().post == post


def test_editor_saves_body_from_ckeditor_sanitised(editor_client, submitted):
    image = editor_client.post(upload_url(submitted), {"upload": upload("PNG")})
    src = image.json()["url"]
    body = (
        '<p>Isi <a href="javascript:alert(1)">rapi</a>.</p>'
        '<figure class="image"><img src="%s" alt="Kegiatan" onerror="x()">'
        "</figure>" % src
    )
    data = change_form_data(editor_client, submitted, body=body)

    assert editor_client.post(change_url(submitted), data).status_code == 302

    submitted.refresh_from_db()
    assert "javascript" not in submitted.body and "onerror" not in submitted.body
    assert '<img src="%s" alt="Kegiatan">' % src in submitted.body


def test_photo_admin_is_read_only(editor_client):
    assert editor_client.get(reverse("admin:news_photo_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:news_photo_add")).status_code == 403
