"""The whole path in a real browser: write in CKEditor, submit, approve, read.

Debian's Chromium through pytest-playwright and Django's live_server; the photo
test also runs the real Celery worker, which makes the renditions. Editors fix
text (and add images) in the same CKEditor in the admin.
Screenshots go to /tmp (dashboard, editor, article, admin-editor) for a human
look.
"""

import os
import re
import time
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from news import services  # noqa: E402
from news.models import (  # noqa: E402
    Category,
    PhotoKind,
    PhotoStatus,
    Post,
    PostAction,
    PostEvent,
    PostRevision,
    PostStatus,
)
from news.sanitize import sanitize_body  # noqa: E402
from tests.factories import EditorFactory, PostFactory, UserFactory  # noqa: E402
from tests.news.images import upload  # noqa: E402
from tests.two_factor import pass_second_step
from units.models import Role  # noqa: E402

PASSWORD = "rahasia-uji-123"
LINK_URL = "https://www.ditjenpas.go.id/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "id-ID",
        "viewport": {"width": 1280, "height": 900},
    }


def log_in(page, base_url, username, path="/masuk/"):
    page.goto(base_url + path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    form = "#login-form" if path.startswith("/admin/") else "main form"
    page.locator("%s [type=submit]" % form).click()
    # Staff then give the code from their app (units.two_factor).
    pass_second_step(page, username)


def log_out(page):
    page.get_by_role("button", name="Keluar").click()


def approve_in_newsroom(page, base_url, post):
    """An editor approves the post through the newsroom (Django admin)."""
    page.goto("%s/admin/news/post/%d/change/" % (base_url, post.pk))
    page.get_by_role("link", name="Setujui dan terbitkan sekarang").click()
    page.get_by_role("button", name="Setujui dan terbitkan sekarang").click()
    expect(page.locator(".messagelist")).to_contain_text("diterbitkan")


def write_alt_text(page, image, text: str) -> None:
    """Give a just-uploaded inline image its text alternative, as a writer does.

    The upload leaves the alt empty on purpose: the editor selects the new
    image (its toolbar shows the text-alternative button) and a notice counts
    the images still lacking one, until the writer fills it in.
    """
    notice = page.locator(".editor-alt-warning")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("1 gambar belum memiliki teks alternatif")
    expect(image).not_to_have_attribute("alt", re.compile(r"\S"))
    page.get_by_role("button", name="Ganti alternatif teks gambar").click()
    field = page.locator(".ck-balloon-panel").get_by_label("Alternatif teks")
    expect(field).to_be_visible()
    field.fill(text)
    field.press("Enter")
    expect(image).to_have_attribute("alt", text)
    expect(notice).to_be_hidden()


def test_contributor_writes_editor_approves_public_reads(live_server, page, tmp_path):
    category = Category.objects.create(name="Pembinaan", slug="pembinaan")
    contributor = UserFactory(
        username="humas.salemba", first_name="Sari", role=Role.CONTRIBUTOR
    )
    editor = EditorFactory(username="redaksi", is_superuser=True)
    base = live_server.url
    console_errors = []
    page.on(
        "console",
        lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
    )

    # The contributor logs in and lands on the dashboard.
    log_in(page, base, contributor.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor berita")
    page.screenshot(path="/tmp/dashboard-empty.png", full_page=True)

    # Writes a post in CKEditor.
    page.get_by_role("link", name=re.compile("Tulis berita")).first.click()
    page.fill("#id_title", "Warga binaan Lapas Salemba belajar menjahit")
    page.fill("#id_lead", "Tiga puluh warga binaan mengikuti pelatihan menjahit.")
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    expect(page.locator(".ck-toolbar")).to_be_visible()
    # No source editing or HTML embed in the toolbar.
    assert page.locator(".ck-source-editing-button").count() == 0
    assert page.locator("[data-cke-tooltip-text*='HTML']").count() == 0

    editable.click()
    page.keyboard.type("Kegiatan ini didukung oleh ")
    page.keyboard.press("Control+k")
    balloon = page.locator(".ck-balloon-panel")
    expect(balloon.get_by_label("URL tautan")).to_be_visible()
    balloon.get_by_label("Teks yang ditampilkan").fill("Ditjenpas")
    balloon.get_by_label("URL tautan").fill(LINK_URL)
    balloon.get_by_label("URL tautan").press("Enter")
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("- Menjahit pakaian")
    page.keyboard.press("Enter")
    page.keyboard.type("Menyablon kaos")
    expect(editable.locator("ul li")).to_have_count(2)
    # An inline image goes through the portal's own upload view (CSRF header).
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    image_path = tmp_path / "pelatihan.png"
    Image.new("RGB", (800, 600), (20, 80, 140)).save(image_path)
    page.locator(".ck-toolbar input[type=file]").set_input_files(str(image_path))
    inline = editable.locator("img[src*='/media/photos/']")
    expect(inline).to_have_count(1, timeout=15000)
    write_alt_text(page, inline, "Warga binaan menjahit seragam di bengkel kerja")
    expect(editable.locator("a[href='%s']" % LINK_URL)).to_have_text("Ditjenpas")

    page.select_option("#id_category", str(category.pk))
    page.fill("#id_tags", "pembinaan, kemandirian")
    page.fill("#id_location", "Lapas Kelas IIA Salemba")
    page.screenshot(path="/tmp/editor.png", full_page=True)
    page.get_by_role("button", name="Simpan draf").click()

    expect(page.locator(".message-success")).to_contain_text("Draf berita tersimpan")
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT
    assert "<ul>" in post.body and LINK_URL in post.body
    assert post.unit.photos.get().kind == PhotoKind.INLINE
    assert post.unit.photos.get().image.url in post.body
    assert 'alt="Warga binaan menjahit seragam di bengkel kerja"' in post.body

    # Preview, then submit.
    page.get_by_role("link", name="Pratinjau").click()
    expect(page.locator(".preview-banner")).to_be_visible()
    page.go_back()
    page.screenshot(path="/tmp/post.png", full_page=True)
    page.get_by_role("button", name="Kirim ke redaksi").click()
    expect(page.locator(".badge")).to_have_text("Menunggu redaksi")
    post.refresh_from_db()
    assert post.status == PostStatus.SUBMITTED
    page.goto(base + "/dasbor/")
    page.screenshot(path="/tmp/dashboard.png", full_page=True)
    log_out(page)

    # An editor approves it in the newsroom.
    log_in(page, base, editor.username, path="/admin/login/")
    approve_in_newsroom(page, base, post)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    # The public reads it.
    page.goto(base + "/")
    log_out(page)
    page.goto(base + post.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    link = page.locator(".article-body a[href='%s']" % LINK_URL)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator(".article-body ul li")).to_have_count(2)
    expect(page.locator(".article-body ul li").first).to_have_text("Menjahit pakaian")
    page.screenshot(path="/tmp/article.png", full_page=True)
    page.goto(base + "/")
    # The lead story (it is also in its category's section further down).
    expect(page.get_by_role("link", name=post.title).first).to_be_visible()
    page.screenshot(path="/tmp/home.png", full_page=True)
    assert not [e for e in console_errors if "ckeditor" in e.lower()], console_errors


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


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


def test_cover_photo_uploaded_in_the_form_is_shown_with_srcset(
    live_server, celery_worker, page, tmp_path
):
    category = Category.objects.create(name="Pembinaan", slug="pembinaan")
    contributor = UserFactory(username="humas.cipinang", role=Role.CONTRIBUTOR)
    editor = EditorFactory(username="redaksi.foto", is_superuser=True)
    base = live_server.url
    page.route("**/media/**", serve_media)
    photo_path = tmp_path / "IMG_2024.jpg"
    photo_path.write_bytes(upload("JPEG", (2000, 1333)).read())

    log_in(page, base, contributor.username)
    page.get_by_role("link", name=re.compile("Tulis berita")).first.click()
    page.fill("#id_title", "Warga binaan Lapas Cipinang membatik")
    page.fill("#id_lead", "Dua puluh warga binaan belajar membatik tulis.")
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    editable.click()
    page.keyboard.type("Pelatihan membatik berlangsung tiga hari.")
    page.select_option("#id_category", str(category.pk))
    page.set_input_files("#id_sampul-file", str(photo_path))
    page.fill("#id_sampul-alt_text", "Warga binaan membatik kain di bengkel kerja")
    page.fill("#id_sampul-caption", "Pelatihan membatik hari pertama")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".message-success")).to_contain_text("Draf berita tersimpan")

    post = Post.objects.get()
    photo = post.photos.get()
    assert photo.kind == PhotoKind.COVER

    # The worker makes the renditions once the upload is committed.
    def ready():
        return post.photos.filter(status=PhotoStatus.READY).exists()

    if not wait_for(ready, timeout=20):
        # Known race: the rendition task can arrive while the form's save
        # still holds the staged photo's row (attaching it to the post) and
        # skip it as "busy"; in production the periodic sweeper re-queues it
        # within ten minutes. Do what its next run does.
        services.photo_renditions_sweep(older_than=timedelta(0))
    assert wait_for(ready)
    assert photo.renditions.count() == 10
    page.get_by_role("button", name="Kirim ke redaksi").click()
    expect(page.locator(".badge")).to_have_text("Menunggu redaksi")
    log_out(page)

    log_in(page, base, editor.username, path="/admin/login/")
    approve_in_newsroom(page, base, post)
    log_out(page)

    page.goto(base + post.get_absolute_url())
    cover = page.locator("figure.cover picture")
    source = cover.locator("source[type='image/webp']")
    expect(source).to_have_attribute(
        "srcset", re.compile(r"/320\.webp 320w, .+/640\.webp 640w, .+ 1600w$")
    )
    img = cover.locator("img")
    expect(img).to_have_attribute("alt", "Warga binaan membatik kain di bengkel kerja")
    expect(img).to_have_attribute("srcset", re.compile(r"/1024\.jpg 1024w"))
    expect(img).to_have_attribute("width", "1024")
    expect(img).to_have_attribute("height", str(round(1333 * 1024 / 2000)))
    expect(img).to_have_attribute("loading", "eager")
    # The browser loaded a WebP rendition, not a broken image.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
    )
    current = img.evaluate("img => img.currentSrc")
    assert "/media/renditions/" in current and current.endswith(".webp"), current
    expect(page.locator("figure.cover figcaption")).to_contain_text(
        "Pelatihan membatik hari pertama"
    )
    page.screenshot(path="/tmp/article-photo.png", full_page=True)


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


def editor_selection_is(page, editable, check: str, arg=None) -> None:
    """Wait until CKEditor's own (model) selection passes `check`.

    The browser moves its caret at once; the editor takes the new selection
    over a moment later, and Enter or typing act on the editor's.
    """
    page.wait_for_function(
        "([el, arg]) => { const selection = "
        "el.ckeditorInstance.model.document.selection; return (%s); }" % check,
        arg=[editable.element_handle(), arg],
    )


def fix_word(page, editable, wrong: str, right: str) -> None:
    """Double-click a misspelt word in CKEditor and type it again, as editors do."""
    editable.click()
    expect(editable).to_have_class(re.compile(r"\bck-focused\b"))
    box = page.evaluate(WORD_BOX, [editable.element_handle(), wrong])
    assert box, "%r is not in the editor" % wrong
    page.mouse.dblclick(box["x"], box["y"])
    editor_selection_is(
        page,
        editable,
        "Array.from(selection.getFirstRange().getItems())"
        ".map(item => item.data).join('') === arg",
        wrong,
    )
    page.keyboard.type(right)
    expect(editable).to_contain_text(right)


def new_paragraph_after(page, editable) -> None:
    """End of the caret's paragraph, then Enter: a new empty paragraph below."""
    page.keyboard.press("End")
    editor_selection_is(
        page, editable, "selection.isCollapsed && selection.getFirstPosition().isAtEnd"
    )
    page.keyboard.press("Enter")


def test_editor_fixes_a_word_in_ckeditor_in_the_admin(live_server, page, tmp_path):
    contributor = UserFactory(username="humas.pondok", role=Role.CONTRIBUTOR)
    editor = EditorFactory(username="redaksi.teks")
    submitted = PostFactory(
        author=contributor,
        status=PostStatus.SUBMITTED,
        body=(
            "<h2>Susunan acara</h2><ul><li>Pembukaan</li><li>Pelatihan</li></ul>"
            "<blockquote><p>Kami belajar banyak.</p></blockquote>"
            "<p>Kegiatan berlangsung tertib dan diikuti dua puluh pesreta.</p>"
        ),
    )
    base = live_server.url
    page.route("**/media/**", serve_media)
    console_errors = []
    page.on(
        "console",
        lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
    )

    log_in(page, base, editor.username, path="/admin/login/")
    page.goto("%s/admin/news/post/%d/change/" % (base, submitted.pk))
    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    expect(page.locator("#id_body")).to_have_class(re.compile("is-enhanced"))
    expect(editable).to_contain_text("dua puluh pesreta.")
    page.screenshot(path="/tmp/admin-editor.png", full_page=True)

    fix_word(page, editable, "pesreta", "peserta")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    submitted.refresh_from_db()
    assert submitted.body == (
        "<h2>Susunan acara</h2><ul><li>Pembukaan</li><li>Pelatihan</li></ul>"
        "<blockquote><p>Kami belajar banyak.</p></blockquote>"
        "<p>Kegiatan berlangsung tertib dan diikuti dua puluh peserta.</p>"
    )
    assert submitted.status == PostStatus.SUBMITTED
    event = PostEvent.objects.get(post=submitted)
    assert (event.action, event.actor) == (PostAction.EDIT, editor)
    assert not PostRevision.objects.filter(post=submitted).exists()

    # A published post: the fix keeps a revision; an inline image goes through
    # the post's own upload view in the admin.
    published = PostFactory(
        author=contributor,
        status=PostStatus.PUBLISHED,
        published_at=timezone.now(),
        body="<p>Warga binaan menanam cabai di lahan pesreta.</p>",
    )
    page.goto("%s/admin/news/post/%d/change/" % (base, published.pk))
    editable = page.locator(".field-body .ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    fix_word(page, editable, "pesreta", "pembinaan")
    new_paragraph_after(page, editable)
    image_path = tmp_path / "kebun.png"
    Image.new("RGB", (640, 480), (40, 120, 60)).save(image_path)
    page.locator(".field-body .ck-toolbar input[type=file]").set_input_files(
        str(image_path)
    )
    inline = editable.locator("img[src*='/media/photos/']")
    expect(inline).to_have_count(1, timeout=15000)
    write_alt_text(page, inline, "Warga binaan memanen cabai di kebun lapas")
    page.screenshot(path="/tmp/admin-editor-image.png", full_page=True)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    published.refresh_from_db()
    photo = published.photos.get()
    assert (photo.kind, photo.unit, photo.uploaded_by) == (
        PhotoKind.INLINE,
        published.unit,
        editor,
    )
    assert published.body.startswith(
        "<p>Warga binaan menanam cabai di lahan pembinaan.</p>"
    )
    assert photo.image.url in published.body
    assert 'alt="Warga binaan memanen cabai di kebun lapas"' in published.body
    assert sanitize_body(published.body) == published.body
    revision = PostRevision.objects.get(post=published)
    assert revision.body == "<p>Warga binaan menanam cabai di lahan pesreta.</p>"
    assert revision.editor == editor
    assert not [e for e in console_errors if "ckeditor" in e.lower()], console_errors
