"""The awards path in a real browser (Debian Chromium, real Celery worker).

A contributor files a social-media report and logs an incident with its
clarification; an editor verifies both in the newsroom, opens the ranking
and records the winners; the public awards page shows them. Screenshots go
to /tmp/awards-*.png (contributor pages, ranking, statistics dashboard,
public page) for a human look.
"""

import os
import time
from datetime import date, timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from awards.models import (  # noqa: E402
    AwardPeriod,
    AwardWinner,
    Incident,
    SocialReport,
    UnitStatistic,
)
from news.models import PostStatus  # noqa: E402
from tests.factories import EditorFactory, PostFactory, UserFactory  # noqa: E402
from tests.two_factor import pass_second_step

PASSWORD = "rahasia-uji-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "id-ID",
        "viewport": {"width": 1366, "height": 900},
    }


def log_in(page, base_url, username, admin=False):
    page.goto(base_url + ("/admin/login/" if admin else "/masuk/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    form = "#login-form" if admin else "main form"
    page.locator("%s [type=submit]" % form).click()
    # Staff then give the code from their app (units.two_factor).
    pass_second_step(page, username)


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@override_settings(AWARDS_REFRESH_DEBOUNCE_SECONDS=0)
def test_report_incident_verify_rank_record_and_publish(
    live_server, page, celery_worker
):
    today = timezone.localdate()
    period = AwardPeriod.objects.create(
        name=str(today.year),
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year, 12, 31),
    )
    contributor = UserFactory(username="humas.salemba", first_name="Sari")
    unit = contributor.unit
    editor = EditorFactory(username="redaksi")
    clarification = PostFactory(
        author=contributor,
        title="Klarifikasi kabar pelarian warga binaan",
        status=PostStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=2),
    )
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    base = live_server.url
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # 1. The contributor registers the unit's Instagram and files a report.
    log_in(page, base, contributor.username)
    page.goto(base + "/kontributor/penghargaan/media-sosial/")
    page.select_option("#id_akun-platform", "instagram")
    page.fill("#id_akun-handle", "lapas.salemba")
    page.get_by_role("button", name="Daftarkan akun").click()
    expect(page.locator(".message-success")).to_contain_text("terdaftar")
    page.select_option("#id_laporan-account", label="Instagram @lapas.salemba")
    page.fill("#id_laporan-month", last_month.strftime("%Y-%m"))
    page.fill("#id_laporan-followers", "1.250")  # local format: refused
    page.fill("#id_laporan-posts", "24")
    page.fill("#id_laporan-interactions", "900")
    page.fill("#id_laporan-sample_url", "https://instagram.com/p/abc")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#id_laporan-followers_error")).to_be_visible()
    page.fill("#id_laporan-followers", "1250")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator(".message-success")).to_contain_text("menunggu verifikasi")
    page.screenshot(path="/tmp/awards-social.png", full_page=True)

    # ... and logs an incident with its clarification post.
    page.get_by_role("link", name="Insiden dan klarifikasi").click()
    occurred = timezone.localtime(timezone.now() - timedelta(hours=8))
    page.fill("#id_occurred_at", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.fill(
        "#id_learned_at", (occurred + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.select_option("#id_kind", "hoax")
    page.select_option("#id_reach", "viral")
    page.fill("#id_summary", "Kabar bohong tentang pelarian beredar di media sosial.")
    page.select_option("#id_clarification", str(clarification.pk))
    page.get_by_role("button", name="Catat insiden").click()
    expect(page.locator(".message-success")).to_contain_text("Insiden tercatat")
    expect(page.get_by_role("link", name=clarification.title)).to_be_visible()
    page.screenshot(path="/tmp/awards-incidents.png", full_page=True)
    page.get_by_role("link", name="Posisi dan statistik").click()
    expect(page.locator(".odon-missed")).to_contain_text("hari kerja")
    page.screenshot(path="/tmp/awards-dashboard.png", full_page=True)
    page.get_by_role("button", name="Keluar").click()

    # 2. The editor verifies both in the newsroom.
    log_in(page, base, editor.username, admin=True)
    for path, name in (
        ("/admin/awards/socialreport/", "verify"),
        ("/admin/awards/incident/", "verify"),
    ):
        page.goto(base + path)
        page.locator("#action-toggle").check()
        page.select_option("select[name=action]", name)
        page.locator("button[name=index]").click()
        expect(page.locator(".messagelist")).to_contain_text("diverifikasi")
    assert SocialReport.objects.get().status == "verified"
    assert Incident.objects.get().status == "verified"
    # The worker refreshes the unit's numbers.
    assert wait_for(
        lambda: (
            UnitStatistic.objects.filter(
                period=period, unit=unit, metric="social_reported_months"
            ).exists()
            and UnitStatistic.objects.filter(
                period=period, unit=unit, metric="crisis_within_target"
            ).exists()
        )
    )

    # Opens the ranking of social-media management and records the winners.
    page.goto(base + "/admin/awards/awardperiod/")
    page.get_by_role("link", name="Pengelolaan Media Sosial Terbaik").first.click()
    expect(page.locator(".formula")).to_contain_text("Jumlah pengikut saja")
    row = page.locator("table.ranking tbody tr").first
    expect(row).to_contain_text(unit.name)
    page.screenshot(path="/tmp/awards-ranking.png", full_page=True)
    page.get_by_role("button", name="Catat pemenang").click()
    expect(page.locator(".messagelist")).to_contain_text("Pemenang dicatat")
    page.get_by_role("link", name="Manajemen Komunikasi Krisis Terbaik").click()
    expect(page.locator("table.ranking tbody tr").first).to_contain_text(unit.name)
    page.get_by_role("button", name="Catat pemenang").click()
    assert AwardWinner.objects.filter(period=period, unit=unit).count() == 2
    page.goto(base + "/admin/awards/awardperiod/statistik/")
    expect(page.locator("canvas").first).to_be_visible()
    page.screenshot(path="/tmp/awards-statistics.png", full_page=True)

    # 3. The public awards page shows them, above the 2024 history.
    page.context.clear_cookies()
    page.goto(base + "/penghargaan/")
    first_year = page.locator(".award-year").first
    expect(first_year.get_by_role("heading", level=2)).to_have_text(
        "Penghargaan %d" % today.year
    )
    expect(first_year.get_by_role("link", name=unit.name).first).to_be_visible()
    expect(page.get_by_role("heading", name="Penghargaan 2024")).to_be_visible()
    page.screenshot(path="/tmp/awards-public.png", full_page=True)
    assert errors == []
