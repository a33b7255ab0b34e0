"""Light on a phone: an article with a cover and a gallery, loaded the first
time at phone width, transfers less than 200 KB in all (photos included)
and has no render-blocking script.

The bytes are what Chromium counts on the wire (CDP Network.loadingFinished,
headers included) for every request of the first load, with an empty cache.
The time to the largest paint on a slow 4G profile is a timing figure, so it
lives in benchmarks/phone_lcp.py, not here.
"""

import os
from html.parser import HTMLParser

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.public.public_site import build_site  # noqa: E402

BUDGET_BYTES = 200_000
PHONE = {
    "viewport": {"width": 390, "height": 844},
    # The 640-wide rendition is the phone's choice at 390 CSS pixels.
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.public.urls"),
]


class HeadScripts(HTMLParser):
    """The <script> tags of <head> that block rendering (no defer, async or
    type=module; JSON data blocks such as JSON-LD run nothing)."""

    def __init__(self):
        super().__init__()
        self.in_head = True
        self.blocking = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_head = False
        if tag != "script" or not self.in_head:
            return
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").lower()
        if kind == "module" or "defer" in attributes or "async" in attributes:
            return
        if kind.endswith("json"):
            return
        self.blocking.append(attributes)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def first_load(browser, url: str) -> tuple[int, list[tuple[str, int]], object]:
    """(bytes, [(url, bytes)], page) of a cold first load at phone width."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url, wait_until="networkidle")
    transfers = sorted(
        ((urls.get(rid, rid), size) for rid, size in sizes.items()),
        key=lambda item: -item[1],
    )
    return sum(sizes.values()), transfers, page


def test_article_first_load_on_a_phone_is_under_200_kb(live_server, browser):
    site = build_site()

    total, transfers, page = first_load(
        browser, live_server.url + site.article.get_absolute_url()
    )

    listing = "\n".join("%8d  %s" % (size, url) for url, size in transfers)
    assert total < BUDGET_BYTES, "%d bytes on first load:\n%s" % (total, listing)
    # The cover is there, as the 640-wide rendition, and it is loaded.
    cover = page.locator("figure.cover img").first
    source = cover.evaluate("img => img.currentSrc")
    assert "/640." in source, source
    # (naturalWidth is the slot's width for a srcset choice, not the file's.)
    assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
    assert any("/640." in url for url, _size in transfers), listing


def test_article_has_no_render_blocking_script(client):
    site = build_site(photos=False)
    for url in (site.article.get_absolute_url(), "/", site.unit.get_absolute_url()):
        parser = HeadScripts()
        parser.feed(client.get(url).content.decode())
        assert parser.blocking == [], url
