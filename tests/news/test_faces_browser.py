"""In a real browser: an editor sees the face flag, blurs the face, approves,
and the public article shows the blurred photo.

Debian's Chromium through pytest-playwright, Django's live_server and the real
Celery worker (renditions, face detection, checks). The photo of a person is
scikit-image's bundled astronaut. Screenshots go to /tmp/faces-*.png.
"""

import io
import os
import re
import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.files.storage import default_storage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from skimage import data  # noqa: E402

import imaging.faces  # noqa: E402
from news import services  # noqa: E402
from news.models import (  # noqa: E402
    Category,
    Photo,
    PhotoKind,
    PhotoStatus,
    Post,
    PostAction,
    PostStatus,
)
from tests.factories import EditorFactory, PostFactory, UserFactory  # noqa: E402
from tests.two_factor import pass_second_step  # noqa: E402
from units.models import Role  # noqa: E402

PASSWORD = "rahasia-uji-123"  # tests.factories.UserFactory's
FLAG = "1 wajah terdeteksi — pastikan izin, samarkan wajah anak dan warga binaan"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def serve_media(route, request):
    """Media from the storage API: the live server serves static files only."""
    name = request.url.split("/media/", 1)[1].split("?", 1)[0]
    if not default_storage.exists(name):
        route.fulfill(status=404)
        return
    with default_storage.open(name, "rb") as stored:
        body = stored.read()
    content_type = {"webp": "image/webp", "png": "image/png"}.get(
        name.rsplit(".", 1)[-1], "image/jpeg"
    )
    route.fulfill(status=200, body=body, content_type=content_type)


def astronaut_jpeg() -> SimpleUploadedFile:
    img = Image.fromarray(data.astronaut()).resize((1100, 1100))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return SimpleUploadedFile("IMG_0042.jpg", buf.getvalue(), "image/jpeg")


def overlap(a, b) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy / min(a[2] * a[3], b[2] * b[3])


def test_editor_blurs_a_face_approves_and_readers_see_it_blurred(
    live_server, celery_worker, page
):
    category = Category.objects.create(name="Pembinaan", slug="pembinaan")
    contributor = UserFactory(username="humas.kedungpane", role=Role.CONTRIBUTOR)
    editor = EditorFactory(username="redaksi.wajah", is_superuser=True)
    post = PostFactory(
        author=contributor,
        category=category,
        title="Upacara Hari Bakti Pemasyarakatan di Lapas Kedungpane",
        body="<p>Upacara berlangsung khidmat di lapangan lapas.</p>",
    )
    with transaction.atomic():
        photo = services.photo_upload(
            unit=contributor.unit,
            actor=contributor,
            file=astronaut_jpeg(),
            kind=PhotoKind.COVER,
            alt_text="Petugas berseragam di depan lapas",
            caption="Petugas upacara",
            post=post,
        )
    services.post_submit(post=post, actor=contributor)

    def flagged():
        return (Post.objects.get(pk=post.pk).checks or {}).get("faces")

    assert wait_for(
        lambda: flagged() and Photo.objects.get(pk=photo.pk).status == PhotoStatus.READY
    )
    photo = Photo.objects.get(pk=photo.pk)
    (face,) = photo.faces

    base = live_server.url
    page.route("**/media/**", serve_media)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form [type=submit]").click()
    pass_second_step(page, editor.username)

    # The decision page flags the face on the cover.
    page.goto("%s/admin/news/post/%d/change/" % (base, post.pk))
    flag = page.locator(".news-photo .face-flag--warning")
    expect(flag).to_contain_text(FLAG)
    page.screenshot(path="/tmp/faces-decision-before.png", full_page=True)

    # The blur page: the face is boxed and ticked; the editor also draws a
    # rectangle over the name tag on the suit.
    page.get_by_role("link", name="Samarkan wajah").click()
    expect(page.locator(".face-box")).to_have_count(1)
    expect(page.get_by_label("Wajah 1")).to_be_checked()
    stage = page.locator("[data-face-stage] img")
    box = stage.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.8)
    page.mouse.up()
    expect(page.locator(".region-box")).to_have_count(1)
    expect(page.locator("input[name='area-0-x']")).to_have_value(re.compile(r"^60"))
    expect(page.locator("input[name='area-0-w']")).to_have_value(re.compile(r"^1[45]"))
    page.screenshot(path="/tmp/faces-blur-page.png", full_page=True)
    page.get_by_role("button", name="Samarkan dan simpan").click()
    expect(page.locator(".messagelist")).to_contain_text("Wajah disamarkan")
    expect(page.locator(".news-photo .face-flag--warning")).to_have_count(0)
    page.screenshot(path="/tmp/faces-decision-after.png", full_page=True)

    blurred = Photo.objects.get(pk=photo.pk)
    assert blurred.faces == [] and blurred.image.name != photo.image.name
    assert wait_for(lambda: Photo.objects.get(pk=photo.pk).status == PhotoStatus.READY)
    assert post.events.filter(action=PostAction.EDIT).count() == 1

    # Approve and publish.
    page.goto("%s/admin/news/post/%d/change/" % (base, post.pk))
    page.get_by_role("link", name="Setujui dan terbitkan sekarang").click()
    page.get_by_role("button", name="Setujui dan terbitkan sekarang").click()
    expect(page.locator(".messagelist")).to_contain_text("diterbitkan")
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED

    # The reader's browser loads a rendition of the blurred photo, and the
    # face is not in it.
    page.goto(base + Post.objects.get(pk=post.pk).get_absolute_url())
    img = page.locator("figure.cover picture img")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
    )
    current = img.evaluate("img => img.currentSrc")
    name = current.split("/media/", 1)[1]
    assert name.startswith("renditions/"), current
    assert blurred.image.name.rsplit("/", 1)[-1].split(".")[0] in name
    with default_storage.open(name, "rb") as served:
        shown = Image.open(io.BytesIO(served.read())).convert("RGB")
    scale = shown.width / photo.width
    where = [round(v * scale) for v in face]
    found = imaging.faces.detect_faces(shown)
    assert not [b for b in found if overlap(b, where) > 0.2], found
    page.screenshot(path="/tmp/faces-article.png", full_page=True)
