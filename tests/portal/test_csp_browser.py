"""The pages with the most script, in Chromium under the real policy.

Each test fails on any Content-Security-Policy violation the browser reports
(the `csp_violations` fixture in tests/conftest.py, applied to every browser
test of the suite); here they also check that what the scripts do happened:
CKEditor 5 takes typing, the charts are drawn, the article's gallery, copy
link and read beacon work, and two-step enrolment shows its inline SVG QR
code. The admin's face-blur page is covered by tests/news/test_faces_browser.py.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.urls import reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.factories import EditorFactory, UserFactory  # noqa: E402
from tests.public.public_site import build_site  # noqa: E402
from tests.two_factor import code_at, current_t, pass_second_step  # noqa: E402
from units.models import Role  # noqa: E402

PASSWORD = "rahasia-uji-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username, path="/masuk/"):
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").first.click()


def assert_policy_sent(response):
    header = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in header, header


def test_ckeditor_takes_typing_under_the_policy(live_server, page, csp_violations):
    contributor = UserFactory(username="humas.csp", role=Role.CONTRIBUTOR)
    log_in(page, live_server.url, contributor.username)
    page.wait_for_url("**/dasbor/")

    response = page.goto(live_server.url + reverse("news:create"))

    assert_policy_sent(response)
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible(timeout=15000)
    editable.click()
    page.keyboard.type("Warga binaan belajar menjahit. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Tebal")
    expect(editable).to_contain_text("Warga binaan belajar menjahit.")
    expect(editable.locator("strong")).to_contain_text("Tebal")
    assert csp_violations == []


def test_statistics_charts_are_drawn_under_the_policy(
    live_server, page, csp_violations
):
    editor = EditorFactory(username="redaksi.csp")
    log_in(page, live_server.url, editor.username, path="/admin/login/")
    pass_second_step(page, editor.username)

    response = page.goto(live_server.url + "/admin/awards/awardperiod/statistik/")

    assert_policy_sent(response)
    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_be_visible()
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".map(c => !!Chart.getChart(c))"
    )
    assert drawn and all(drawn)
    assert csp_violations == []


@pytest.mark.urls("tests.public.urls")
def test_article_gallery_copy_link_and_read_beacon(live_server, browser):
    site = build_site()
    context = browser.new_context(
        locale="id-ID", viewport={"width": 1280, "height": 900}
    )
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page = context.new_page()
    url = live_server.url + reverse(
        "public:article", kwargs={"slug": site.article.slug}
    )

    with page.expect_request(lambda request: "/baca/" in request.url) as beacon:
        response = page.goto(url)

    assert_policy_sent(response)
    assert beacon.value.response().status < 400
    # The gallery opens large and closes with Escape (article.js).
    page.locator(".gallery a[href^='#foto-']").first.click()
    expect(page.locator(":target .lightbox-close")).to_be_focused()
    page.keyboard.press("Escape")
    # Copy link copies instead of following the link.
    page.locator("a.share-copy").click()
    expect(page.locator(".share-status")).to_have_text("Tautan disalin")
    # The canonical address (SITE_URL), not the test server's.
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(
        reverse("public:article", kwargs={"slug": site.article.slug})
    )
    context.close()


def test_two_step_enrolment_shows_its_qr_code(live_server, page, csp_violations):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    editor = EditorFactory(username="redaksi.baru")
    log_in(page, live_server.url, editor.username, path="/admin/login/")
    page.wait_for_url("**/akun/dua-langkah/aktifkan/**")

    qr = page.locator(".otp-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    page.fill("#id_otp_token", code_at(device, current_t(device)))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(lambda url: "/aktifkan/" not in url)
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert csp_violations == []
