"""The reader's path in a real browser, at phone and desktop widths: the home
page, an article, its gallery opened large, the unit's page, a search with a
filter, then the English interface from the footer's language link.

Debian's Chromium through pytest-playwright and Django's live_server, on the
page-quality site (tests.public.public_site: a cover, a gallery with real
renditions). A screenshot of every step goes to test-results/public-browser/
(git-ignored) for a human look.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from tests.public.public_site import build_site  # noqa: E402

SHOTS = Path(settings.BASE_DIR) / "test-results" / "public-browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.public.urls"),
]


@pytest.mark.parametrize("width", [390, 1366])
def test_home_article_gallery_unit_search_english(live_server, browser, width):
    site = build_site()
    article = site.article
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 600 else 900},
        locale="id-ID",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    folder = SHOTS / str(width)
    folder.mkdir(parents=True, exist_ok=True)

    def shot(name):
        page.screenshot(path=str(folder / ("%s.png" % name)), full_page=True)

    # Home: the article is among the news.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    shot("1-beranda")

    # Open the article from its link on the home page.
    page.locator("main").get_by_role("link", name=article.title).first.click()
    expect(page.locator("h1")).to_have_text(article.title)
    cover = page.locator("figure.cover img")
    expect(cover).to_be_visible()
    assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
    shot("2-berita")

    # The gallery opens large (a link per photo; no script needed).
    page.locator(".gallery a[href^='#foto-']").first.click()
    large = page.locator("#foto-1")
    expect(large).to_be_visible()
    large_image = large.locator("img")
    expect(large_image).to_be_visible()
    thumb_width = page.locator(".gallery .photo-grid img").first.evaluate(
        "img => img.getBoundingClientRect().width"
    )
    assert large_image.evaluate("img => img.getBoundingClientRect().width") >= (
        thumb_width
    )
    shot("3-galeri")
    large.get_by_role("link", name=re.compile("Tutup")).click()
    expect(large).to_be_hidden()

    # The unit's page, from the article's byline.
    page.locator(".byline a[href='%s']" % site.unit.get_absolute_url()).click()
    expect(page.locator("h1")).to_contain_text(site.unit.name)
    expect(page.locator("main")).to_contain_text(article.title)
    shot("4-upt")

    # Search from the header, narrowed by a category.
    page.locator("header").get_by_role("link", name="Cari", exact=True).click()
    page.get_by_label("Kata kunci").fill("menjahit")
    page.locator("summary", has_text="Saring hasil").click()
    page.get_by_label("Kategori").select_option(label=site.category.name)
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(
        re.compile(r"q=menjahit.*kategori=%s" % site.category.slug)
    )
    results = page.locator(".result-list")
    expect(results).to_contain_text(article.title)
    expect(results.locator("mark").first).to_be_visible()
    shot("5-cari")

    # English, from the footer's language link: /en/, no form.
    page.locator("footer a[hreflang='en']").click()
    expect(page).to_have_url(re.compile(r"/en/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot("6-english")
    context.close()
