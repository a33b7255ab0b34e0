"""The contributor's checklist in a real browser: the server renders it, and
static/js/post-checklist.js asks the server again as the contributor types in
the form and in CKEditor (Debian's Chromium through pytest-playwright)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect  # noqa: E402

from tests.factories import CategoryFactory, UserFactory  # noqa: E402
from units.models import Role  # noqa: E402

PASSWORD = "rahasia-uji-123"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TEXT = (
    "Warga binaan mengikuti pelatihan membatik tulis selama tiga hari bersama "
    "instruktur dari balai latihan kerja. "
) * 6


def item(page, name):
    return page.locator('#periksa-isi .checklist-item[data-item="%s"]' % name)


def test_the_checklist_follows_what_the_contributor_types(live_server, page):
    contributor = UserFactory(username="humas.checklist", role=Role.CONTRIBUTOR)
    contributor.set_password(PASSWORD)
    contributor.save()
    CategoryFactory()
    base = live_server.url

    page.goto(base + "/masuk/")
    page.fill("#id_username", contributor.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + "/dasbor/berita/baru/")

    # Rendered by the server before any script ran: nothing written yet.
    expect(item(page, "title")).to_have_class("checklist-item is-warning")
    expect(item(page, "body")).to_have_class("checklist-item is-warning")

    page.fill("#id_title", "Warga binaan Lapas Salemba belajar membatik tulis")
    expect(item(page, "title")).to_have_class("checklist-item is-ok")
    expect(item(page, "title").locator(".checklist-state")).to_have_text("sudah")

    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.type(LONG_TEXT)
    expect(item(page, "body")).to_have_class("checklist-item is-ok")

    page.fill("#id_event_date", "2020-01-01")
    expect(item(page, "fresh")).to_have_class("checklist-item is-warning")
    expect(item(page, "fresh")).to_contain_text("berita sudah basi")
    expect(page.locator("#periksa-isi .checklist-summary")).to_contain_text(
        "hal perlu dicek"
    )
