"""The whole newsroom loop in a real browser, as each role walks it.

A contributor of a unit that requires its head's approval submits a post with
photos; the head approves; the region's reviewer recommends; the editor asks
for changes; the contributor fixes the text and resubmits with a note (the
head approves again); the editor sees the diff, the photos and the
recommendation, and approves; the public reads the article.

Debian's Chromium through pytest-playwright, Django's live_server and the real
Celery worker (it makes the photo renditions). Only URLs and visible text are
used, so the test holds whatever module serves a page. Each step's main page
is kept as screenshots at 390 and 1366 px under the test's output directory
(pytest-playwright's --output, test-results/ by default).
"""

import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from news import services  # noqa: E402
from news.models import Category, PhotoStatus, Post, PostStatus  # noqa: E402
from tests.factories import (  # noqa: E402
    EditorFactory,
    HeadFactory,
    RefusalReasonFactory,
    RegionFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.images import upload  # noqa: E402
from tests.two_factor import pass_second_step

PASSWORD = "rahasia-uji-123"
WIDTHS = (390, 1366)
TITLE = "Warga binaan Lapas Semarang belajar menjahit seragam"
LEAD = "Dua puluh warga binaan mengikuti pelatihan menjahit di bengkel kerja."
BODY = "Pelatihan menjahit berlangsung tiga hari di bengkel kerja lapas."
COVER_ALT = "Warga binaan menjahit seragam dengan mesin jahit di bengkel kerja"
COVER_CAPTION = "Peserta pelatihan menjahit pada hari pertama"
GALLERY_ALT = "Instruktur memeriksa pola kain di meja potong"
GALLERY_CAPTION = "Instruktur memeriksa pola"
REVIEW_COMMENT = "Jadwal Kanwil mencatat pelatihan lima hari, bukan tiga."
REQUEST_NOTE = "Mohon sesuaikan lama pelatihan dengan jadwal Kanwil."
UNIT_NOTE = "Lama pelatihan sudah kami perbaiki menjadi lima hari."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "id-ID",
        "viewport": {"width": 1366, "height": 900},
    }


# --- Helpers ------------------------------------------------------------------


def serve_media(route, request):
    """Media from the storage API: the live server serves static files only."""
    from django.core.files.storage import default_storage

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


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


class Shots:
    """Full-page screenshots of a step's main page at each width."""

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def __call__(self, name: str) -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            # Let the layout (and lazy images) settle at the new width.
            self.page.wait_for_timeout(150)
            path = self.folder / ("%s-%d.png" % (name, width))
            png = self.page.screenshot(path=str(path), full_page=True)
            assert png.startswith(b"\x89PNG"), path
            self.taken.append(path)
        self.page.set_viewport_size({"width": 1366, "height": 900})


def log_in(page, base_url, username, *, admin=False):
    page.goto(base_url + ("/admin/login/" if admin else "/masuk/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    form = "#login-form" if admin else "main form"
    page.locator("%s [type=submit]" % form).click()
    page.wait_for_load_state()
    # Staff then give the code from their app (units.two_factor).
    pass_second_step(page, username)


def log_out(page):
    page.get_by_role("button", name="Keluar").first.click()
    page.wait_for_load_state()


def open_from_dashboard(page, base_url):
    page.goto(base_url + "/dasbor/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def open_in_newsroom(page, base_url):
    """From the queue to the post's decision page, as an editor or reviewer."""
    page.goto(base_url + "/admin/news/post/")
    row = page.locator("#result_list tr", has_text=TITLE)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=TITLE).first.click()
    expect(page.locator(".news-decisions")).to_be_visible()


WORD_BOX = """([editable, word]) => {
    const walker = document.createTreeWalker(editable, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(word);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const box = range.getBoundingClientRect();
            return {x: box.x + box.width / 2, y: box.y + box.height / 2};
        }
    }
    return null;
}"""


def fix_word(page, editable, wrong: str, right: str) -> None:
    """Double-click a word in CKEditor and type its replacement."""
    editable.click()
    expect(editable).to_have_class(re.compile(r"\bck-focused\b"))
    box = page.evaluate(WORD_BOX, [editable.element_handle(), wrong])
    assert box, "%r is not in the editor" % wrong
    page.mouse.dblclick(box["x"], box["y"])
    # CKEditor takes the browser's selection over a moment later.
    page.wait_for_function(
        "([el, word]) => Array.from(el.ckeditorInstance.model.document.selection"
        ".getFirstRange().getItems()).map(item => item.data).join('') === word",
        arg=[editable.element_handle(), wrong],
    )
    page.keyboard.type(right)
    expect(editable).to_contain_text(right)


# --- The loop -----------------------------------------------------------------


def test_the_whole_loop_from_submission_to_the_public_article(
    live_server, celery_worker, page, output_path, tmp_path
):
    category = Category.objects.create(name="Pembinaan", slug="pembinaan")
    unit = UnitFactory(
        region=RegionFactory(province_code="33"),  # the reviewer's region
        place="Semarang",
        requires_head_approval=True,
    )
    contributor = UserFactory(
        username="humas.semarang", first_name="Sari", last_name="Humas", unit=unit
    )
    head = HeadFactory(
        username="kalapas.semarang", first_name="Budi", last_name="Kepala", unit=unit
    )
    reviewer = ReviewerFactory(
        username="peninjau.jateng", first_name="Dewi", last_name="Peninjau"
    )
    editor = EditorFactory(username="redaksi", first_name="Rina", last_name="Redaksi")
    reason = RefusalReasonFactory(name="Foto tidak layak", slug="foto-tidak-layak")
    base = live_server.url
    shots = Shots(page, Path(output_path))
    page.route("**/media/**", serve_media)
    cover_path = tmp_path / "IMG_0412.jpg"
    cover_path.write_bytes(upload("JPEG", (1600, 1067)).read())
    gallery_path = tmp_path / "IMG_0415.jpg"
    gallery_path.write_bytes(upload("JPEG", (1200, 900)).read())

    # 1. The contributor writes the post with a cover and a gallery photo.
    log_in(page, base, contributor.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor berita")
    page.get_by_role("link", name=re.compile("Tulis berita")).first.click()
    page.fill("#id_title", TITLE)
    page.fill("#id_lead", LEAD)
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    editable.click()
    page.keyboard.type(BODY)
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_tags", "pembinaan, menjahit")
    page.set_input_files("#id_sampul-file", str(cover_path))
    page.fill("#id_sampul-alt_text", COVER_ALT)
    page.fill("#id_sampul-caption", COVER_CAPTION)
    page.get_by_text("Tambah foto galeri (opsional)").click()
    page.set_input_files("#id_galeri-0-file", str(gallery_path))
    page.fill("#id_galeri-0-alt_text", GALLERY_ALT)
    page.fill("#id_galeri-0-caption", GALLERY_CAPTION)
    shots("1-contributor-writes")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".message-success")).to_contain_text("Draf berita tersimpan")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="Kirim ke kepala UPT").click()
    expect(page.locator(".badge")).to_have_text("Menunggu kepala UPT")
    shots("1-contributor-submitted")
    log_out(page)
    post = Post.objects.get(title=TITLE)
    assert post.status == PostStatus.HEAD_REVIEW
    assert post.photos.count() == 2

    # 2. The head of unit approves it on to the editors.
    log_in(page, base, head.username)
    expect(page.locator(".notice")).to_contain_text("menunggu persetujuan Anda")
    open_from_dashboard(page, base)
    shots("2-head-reviews")
    page.get_by_role("button", name="Setujui dan teruskan ke redaksi").click()
    expect(page.locator(".badge")).to_have_text("Menunggu redaksi")
    log_out(page)

    # 3. The region's reviewer reads it and recommends changes.
    log_in(page, base, reviewer.username, admin=True)
    open_in_newsroom(page, base)
    expect(page.get_by_role("link", name="Minta perbaikan")).to_have_count(0)
    page.get_by_role("link", name="Beri rekomendasi").click()
    page.get_by_label("Perlu perbaikan").check()
    page.get_by_label("Catatan untuk redaksi").fill(REVIEW_COMMENT)
    shots("3-reviewer-recommends")
    page.get_by_role("button", name="Kirim rekomendasi").click()
    expect(page.locator(".messagelist")).to_contain_text("Rekomendasi Anda dikirim")
    log_out(page)

    # 4. The editor sees the recommendation in the queue and asks for changes.
    log_in(page, base, editor.username, admin=True)
    page.goto(base + "/admin/news/post/")
    row = page.locator("#result_list tr", has_text=TITLE)
    expect(row).to_contain_text("Perlu perbaikan")
    shots("4-editor-queue")
    open_in_newsroom(page, base)
    recommendation = page.locator(".news-recommendation")
    expect(recommendation).to_contain_text("Perlu perbaikan")
    expect(recommendation).to_contain_text(REVIEW_COMMENT)
    page.get_by_role("link", name="Minta perbaikan").click()
    page.get_by_label("Jenis alasan").select_option(label=reason.name)
    page.get_by_label("Catatan untuk UPT").fill(REQUEST_NOTE)
    shots("4-editor-requests-changes")
    page.get_by_role("button", name="Minta perbaikan").click()
    expect(page.locator(".messagelist")).to_contain_text("Permintaan perbaikan")
    log_out(page)

    # 5. The contributor fixes the text and resubmits with a note.
    log_in(page, base, contributor.username)
    expect(page.locator("main")).to_contain_text(REQUEST_NOTE)
    shots("5-contributor-dashboard")
    open_from_dashboard(page, base)
    expect(page.locator(".badge")).to_have_text("Perlu perbaikan")
    page.get_by_role("link", name="Ubah", exact=True).click()
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    fix_word(page, editable, "tiga", "lima")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".message-success")).to_be_visible()
    page.get_by_label("Catatan untuk redaksi").fill(UNIT_NOTE)
    shots("5-contributor-resubmits")
    page.get_by_role("button", name="Kirim ulang ke kepala UPT").click()
    expect(page.locator(".badge")).to_have_text("Menunggu kepala UPT")
    expect(page.locator(".history")).to_contain_text(UNIT_NOTE)
    log_out(page)

    # ... and the head lets the corrected version go on.
    log_in(page, base, head.username)
    open_from_dashboard(page, base)
    page.get_by_role("button", name="Setujui dan teruskan ke redaksi").click()
    expect(page.locator(".badge")).to_have_text("Menunggu redaksi")
    log_out(page)

    # The worker has made the renditions by now (or does so shortly).
    def renditions_ready():
        ready = post.photos.filter(status=PhotoStatus.READY).count()
        return ready == post.photos.count() == 2

    if not wait_for(renditions_ready, timeout=30):
        # Known race: a photo's rendition task can arrive while the form's
        # save still holds the staged photo's row (attaching it to the post)
        # and then skips it as "busy". In production the periodic sweeper
        # re-queues it within ten minutes; do what its next run does.
        services.photo_renditions_sweep(older_than=timedelta(0))
    assert wait_for(renditions_ready)

    # 6. The editor sees the diff, the photos and the recommendation; approves.
    log_in(page, base, editor.username, admin=True)
    open_in_newsroom(page, base)
    diff = page.locator(".news-diff")
    expect(diff).to_be_visible()
    expect(diff.locator("del", has_text="tiga")).to_have_count(1)
    expect(diff.locator("ins", has_text="lima")).to_have_count(1)
    expect(diff.locator(".diff-request")).to_contain_text(REQUEST_NOTE)
    expect(diff.locator(".diff-note")).to_contain_text(UNIT_NOTE)
    expect(diff).not_to_contain_text("No Differences Found")
    photos = page.locator(".news-photo")
    expect(photos).to_have_count(2)
    cover = photos.filter(has_text=COVER_CAPTION)
    expect(cover).to_contain_text("Foto utama")
    expect(cover).to_contain_text(COVER_ALT)
    expect(cover.locator(".photo-status")).to_have_text("Siap")
    expect(photos.filter(has_text=GALLERY_CAPTION)).to_contain_text("Galeri")
    for thumbnail in photos.locator(".news-photo-thumb img").all():
        expect(thumbnail).to_have_attribute("src", re.compile("/media/renditions/"))
        thumbnail.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=thumbnail.element_handle(),
        )
    recommendation = page.locator(".news-recommendation")
    expect(recommendation).to_contain_text("Perlu perbaikan")
    expect(recommendation).to_contain_text(REVIEW_COMMENT)
    shots("6-editor-decides")
    page.get_by_role("link", name="Setujui dan terbitkan sekarang").click()
    expect(page.locator(".news-diff")).to_be_visible()
    page.get_by_role("button", name="Setujui dan terbitkan sekarang").click()
    expect(page.locator(".messagelist")).to_contain_text("diterbitkan")
    log_out(page)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    # The public reads the corrected article with its photos.
    page.goto(base + post.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".article-body")).to_contain_text(
        "Pelatihan menjahit berlangsung lima hari"
    )
    expect(page.locator("figure.cover img")).to_have_attribute("alt", COVER_ALT)
    expect(page.locator("figure.cover figcaption")).to_contain_text(COVER_CAPTION)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=page.locator("figure.cover img").element_handle(),
    )
    shots("6-public-article")
    assert len(shots.taken) == 2 * 10
