"""In a real browser, issue 11's whole flow: two units report one event, the
worker runs the checks, and the editor sees the group and the face flag (in
the queue and on the decision page), compares the two side by side, blurs the
face, approves, and the public article shows the blurred photo.

Debian's Chromium through pytest-playwright, Django's live_server and the real
Celery worker (renditions, face detection, grouping). The two texts are one
pair of the labelled set (tests/news/fixtures/story_pairs.toml): a visit of
parliament's Commission XIII reported by two Semarang units. The photo of a
person is scikit-image's bundled astronaut. Screenshots at 390 and 1366 px go
to test-results/checks-browser/<width>/ (as the public browser test's).
"""

import io
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

import imaging.faces  # noqa: E402
from news import services  # noqa: E402
from news.models import (  # noqa: E402
    Category,
    Photo,
    PhotoKind,
    PhotoStatus,
    Post,
    PostStatus,
    StoryGroupMember,
)
from tests.factories import EditorFactory, UnitFactory, UserFactory  # noqa: E402
from tests.news.story_pairs import load_labelled_set  # noqa: E402
from tests.news.test_faces_browser import (  # noqa: E402
    astronaut_jpeg,
    overlap,
    serve_media,
    wait_for,
)
from tests.two_factor import pass_second_step  # noqa: E402
from units.models import Role  # noqa: E402

PASSWORD = "rahasia-uji-123"  # tests.factories.UserFactory's
FLAG = "1 wajah terdeteksi — pastikan izin, samarkan wajah anak dan warga binaan"
SHOTS = Path(settings.BASE_DIR) / "test-results" / "checks-browser"
WIDTHS = (390, 1366)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name: str) -> None:
    """Full-page screenshots of the current page at both widths."""
    for width in WIDTHS:
        folder = SHOTS / str(width)
        folder.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / ("%s.png" % name)), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def submit(*, story, category, photo=None) -> Post:
    """The unit writes the labelled story (with a cover photo) and sends it."""
    contributor = UserFactory(unit=UnitFactory(name=story.unit), role=Role.CONTRIBUTOR)
    post = services.post_create(
        author=contributor,
        title=story.title,
        lead=story.lead[:500],
        body=story.body_html,
        category=category,
        event_date=story.event_date,
        location=story.location,
    )
    if photo is not None:
        with transaction.atomic():
            services.photo_upload(
                unit=contributor.unit,
                actor=contributor,
                file=photo,
                kind=PhotoKind.COVER,
                alt_text="Anggota dewan berbincang dengan petugas lapas",
                caption="Kunjungan Komisi XIII",
                post=post,
            )
    return services.post_submit(post=post, actor=contributor)


def test_editor_sees_group_and_faces_blurs_approves_and_readers_see_it_blurred(
    live_server, celery_worker, page
):
    stories = load_labelled_set()[0]
    category = Category.objects.create(name="Kunjungan kerja", slug="kunjungan-kerja")
    other = submit(story=stories["dpr-rutansemarang"], category=category)
    post = submit(
        story=stories["dpr-lapasperempuan"], category=category, photo=astronaut_jpeg()
    )
    editor = EditorFactory(username="redaksi.kelompok", is_superuser=True)

    # The worker: renditions and faces of the photo, then both posts' checks.
    def ready():
        mine = Post.objects.get(pk=post.pk)
        photos = Photo.objects.filter(post=post)
        return (
            (mine.checks or {}).get("faces")
            and (mine.checks or {}).get("group")
            and Post.objects.get(pk=other.pk).checks_run_at is not None
            and photos.exists()
            and not photos.exclude(status=PhotoStatus.READY).exists()
        )

    assert wait_for(ready, timeout=120)
    group = StoryGroupMember.objects.get(post=post).group_id
    assert StoryGroupMember.objects.get(post=other).group_id == group
    photo = Photo.objects.get(post=post)
    (face,) = photo.faces

    base = live_server.url
    page.route("**/media/**", serve_media)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form [type=submit]").click()
    pass_second_step(page, editor.username)

    # The queue: both posts carry the group flag, the one with the photo the
    # face flag too.
    page.goto(base + "/admin/news/post/")
    mine = page.locator("#result_list tr", has_text=post.title)
    theirs = page.locator("#result_list tr", has_text=other.title)
    expect(mine.locator(".check-flag--group")).to_have_text(
        re.compile("kelompok: 2 berita")
    )
    expect(mine.locator(".check-flag--faces")).to_have_text(re.compile("1 wajah"))
    expect(theirs.locator(".check-flag--group")).to_have_text(
        re.compile("kelompok: 2 berita")
    )
    expect(theirs.locator(".check-flag--faces")).to_have_count(0)
    shoot(page, "queue")

    # The group flag opens the decision page at the group: the other unit's
    # report, with its unit and similarity; and the face flag on the cover.
    mine.locator(".check-flag--group").click()
    expect(page).to_have_url(re.compile(r"/change/#kelompok-berita$"))
    group_panel = page.locator("#kelompok-berita")
    expect(group_panel).to_contain_text("Kemungkinan kegiatan yang sama: 1 berita lain")
    member = group_panel.locator("tbody tr")
    expect(member).to_have_count(1)
    expect(member).to_contain_text(other.unit.name)
    expect(member).to_contain_text(other.title)
    expect(member).to_contain_text(re.compile(r"\b\d{1,3}%"))
    expect(page.locator(".news-photo .face-flag--warning")).to_contain_text(FLAG)
    shoot(page, "decision-before")

    # Compare the two side by side.
    member.get_by_role("link", name="Bandingkan").click()
    compare = reverse("admin:news_post_compare", args=[post.pk, other.pk])
    expect(page).to_have_url(base + compare)
    sides = page.locator(".news-compare article")
    expect(sides).to_have_count(2)
    expect(sides.nth(0)).to_contain_text(post.unit.name)
    expect(sides.nth(1)).to_contain_text(other.unit.name)
    expect(page.locator(".news-compare-summary")).to_contain_text(
        "keduanya dalam satu kelompok berita"
    )
    shoot(page, "compare")
    page.get_by_role("link", name="Kembali ke halaman keputusan").click()

    # Blur the detected face.
    page.get_by_role("link", name="Samarkan wajah").click()
    expect(page.locator(".face-box")).to_have_count(1)
    expect(page.get_by_label("Wajah 1")).to_be_checked()
    shoot(page, "blur")
    page.get_by_role("button", name="Samarkan dan simpan").click()
    expect(page.locator(".messagelist")).to_contain_text("Wajah disamarkan")
    expect(page.locator(".news-photo .face-flag--warning")).to_have_count(0)
    # The group is still there after the blur.
    expect(page.locator("#kelompok-berita tbody tr")).to_have_count(1)
    blurred = Photo.objects.get(pk=photo.pk)
    assert blurred.faces == [] and blurred.image.name != photo.image.name
    assert wait_for(lambda: Photo.objects.get(pk=photo.pk).status == PhotoStatus.READY)
    shoot(page, "decision-after")

    # Approve and publish.
    page.goto("%s/admin/news/post/%d/change/" % (base, post.pk))
    page.get_by_role("link", name="Setujui dan terbitkan sekarang").click()
    page.get_by_role("button", name="Setujui dan terbitkan sekarang").click()
    expect(page.locator(".messagelist")).to_contain_text("diterbitkan")
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
    assert Post.objects.get(pk=other.pk).status == PostStatus.SUBMITTED

    # The reader's browser loads a rendition of the blurred photo, and the
    # detector finds no face where the face was.
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
    # No file of the unblurred original is left in storage.
    assert not default_storage.exists(photo.image.name)
    shoot(page, "article")
