"""Accessible: axe-core in Chromium finds no serious or critical violation on
the public pages, and the keyboard starts at the skip link, visibly.

axe-core comes from the npm registry (package.json; `make test` runs npm ci)
and is injected into each page as loaded by Debian's Chromium from Django's
live server, so it judges the real styles (contrast included) and scripts.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.public.public_site import build_site, page_urls  # noqa: E402

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, headings).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.public.urls"),
]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "id-ID",
        "viewport": {"width": 1366, "height": 900},
    }


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(
            "axe-core is missing (%s). Install the test tools with `npm ci` "
            "(or `make test`, which runs it)." % AXE
        )
    # As a file from the page's own origin (answered by Playwright, never by
    # the portal): an inline copy would be refused by the Content-Security-
    # Policy, which stays in force while axe judges the page.
    url = page.url.split("/", 3)[:3] + ["__axe-core.js"]
    url = "/".join(url)
    page.route(url, lambda route: route.fulfill(path=str(AXE)))
    page.add_script_tag(url=url)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(
            "%s (%s): %s -> %s"
            % (
                violation["id"],
                violation["impact"],
                violation["help"],
                "; ".join(targets),
            )
        )
    return "\n    ".join(lines)


@pytest.mark.parametrize("width", [390, 1366])
def test_no_serious_violations_on_public_pages(live_server, page, width):
    site = build_site()
    urls = page_urls(site)
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for name, url in urls.items():
        if url is None:
            continue
        page.goto(live_server.url + url)
        violations = axe_violations(page)
        if violations:
            found[name] = describe(violations)
    missing = sorted(name for name, url in urls.items() if url is None)

    report = "\n".join("%s:\n    %s" % item for item in found.items())
    assert not found, "axe-core at %d px:\n%s" % (width, report)
    assert not missing, "Pages that do not exist yet: %s" % ", ".join(missing)


@pytest.mark.parametrize("page_name", ["beranda", "berita", "cari-hasil", "galat-404"])
def test_tab_from_the_top_reaches_the_skip_link_first_and_shows_it(
    live_server, page, page_name
):
    site = build_site(photos=False)
    page.goto(live_server.url + page_urls(site)[page_name])

    page.keyboard.press("Tab")

    focused = page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return {
            href: el.getAttribute('href'), text: el.textContent.trim(),
            outline: style.outlineStyle !== 'none'
              && parseFloat(style.outlineWidth) > 0,
            shadow: style.boxShadow !== 'none',
            inView: box.width > 1 && box.height > 1 && box.top >= 0 && box.left >= 0
              && box.right <= innerWidth && box.bottom <= innerHeight,
          };
        }"""
    )
    assert focused["href"] == "#konten", focused
    assert focused["text"] == "Lompat ke konten"
    # Visible: on screen, with a focus ring.
    assert focused["inView"], focused
    assert focused["outline"] or focused["shadow"], focused

    # Enter moves on to the content: the next Tab is inside <main>.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")
