"""What units file: clear errors for bad numbers, months, CSVs and incidents."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from awards.models import AwardPeriod, Incident, Platform, SocialAccount, SocialReport
from awards.services import (
    incident_link_clarification,
    incident_log,
    social_report_review,
    social_report_submit,
    social_reports_import_csv,
)
from news.models import PostStatus
from tests.factories import EditorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "platform,akun,bulan,pengikut,unggahan,interaksi,contoh_unggahan\n"


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit)


@pytest.fixture
def account(unit):
    return SocialAccount.objects.create(
        unit=unit, platform=Platform.INSTAGRAM, handle="humas.uji"
    )


def submit(account, actor, **overrides):
    fields = {
        "month": date(2025, 3, 1),
        "followers": 1200,
        "posts": 20,
        "interactions": 800,
        "sample_url": "https://instagram.com/p/abc",
        **overrides,
    }
    return social_report_submit(account=account, actor=actor, **fields)


def codes(exc):
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_a_valid_report_waits_for_verification(account, contributor):
    report = submit(account, contributor)
    assert report.status == "submitted"
    social_report_review(report=report, actor=EditorFactory(), verified=True)
    report.refresh_from_db()
    assert report.status == "verified"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"followers": -5}, "followers", "negative"),
        ({"posts": 50_000}, "posts", "absurd"),
        ({"followers": 999_999_999}, "followers", "absurd"),
        ({"interactions": 10**10}, "interactions", "absurd"),
    ],
)
def test_negative_or_absurd_numbers_are_refused(
    account, contributor, overrides, field, code
):
    with pytest.raises(ValidationError) as caught:
        submit(account, contributor, **overrides)
    assert codes(caught.value) == {field: [code]}


def test_a_month_not_yet_over_is_refused(account, contributor):
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as caught:
        submit(account, contributor, month=this_month)
    assert codes(caught.value) == {"month": ["future"]}


def test_a_duplicate_month_is_refused(account, contributor):
    submit(account, contributor)
    with pytest.raises(ValidationError) as caught:
        submit(account, contributor, followers=1300)
    assert codes(caught.value) == {"month": ["duplicate"]}


def test_a_month_in_a_closed_period_is_refused(account, contributor):
    AwardPeriod.objects.create(
        name="Lama",
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 12, 31),
        is_closed=True,
    )
    with pytest.raises(ValidationError) as caught:
        submit(account, contributor, month=date(2024, 5, 1))
    assert codes(caught.value) == {"month": ["closed"]}


def test_another_units_account_is_refused(account):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submit(account, UserFactory())


def test_csv_import(unit, account, contributor):
    data = (
        HEADER
        + "instagram,@humas.uji,2025-01,1000,15,400,https://instagram.com/p/1\n"
        + "instagram,humas.uji,2025-02,1100,16,420,https://instagram.com/p/2\n"
    ).encode()
    result = social_reports_import_csv(unit=unit, actor=contributor, data=data)
    assert result.errors == []
    assert result.created == 2
    assert SocialReport.objects.filter(account=account).count() == 2


def test_csv_with_wrong_columns_is_refused(unit, account, contributor):
    data = b"platform,account,month,followers\ninstagram,humas.uji,2025-01,1000\n"
    result = social_reports_import_csv(unit=unit, actor=contributor, data=data)
    assert result.created == 0
    assert "Kolom CSV harus persis" in result.errors[0]


def test_csv_with_local_number_format_names_the_cell_and_imports_nothing(
    unit, account, contributor
):
    data = (
        HEADER
        + "instagram,humas.uji,2025-01,1000,15,400,https://instagram.com/p/1\n"
        + "instagram,humas.uji,2025-02,1.234,16,420,https://instagram.com/p/2\n"
    ).encode()
    result = social_reports_import_csv(unit=unit, actor=contributor, data=data)
    assert result.created == 0
    assert result.errors == [
        "Baris 3, kolom pengikut: tulis angka tanpa pemisah ribuan (1234, bukan 1.234)."
    ]
    assert not SocialReport.objects.exists()


def test_csv_rows_with_bad_values_are_listed(unit, account, contributor):
    data = (
        HEADER
        + "instagram,humas.uji,2025-13,1000,15,400,https://instagram.com/p/1\n"
        + "tiktok,humas.uji,2025-02,10,1,1,https://tiktok.com/1\n"
        + "instagram,humas.uji,2025-03,-4,1,1,https://instagram.com/p/3\n"
    ).encode()
    result = social_reports_import_csv(unit=unit, actor=contributor, data=data)
    assert result.created == 0
    assert len(result.errors) == 3
    assert result.errors[0].startswith("Baris 2: bulan")
    assert "belum terdaftar" in result.errors[1]
    assert result.errors[2].startswith("Baris 4: ")


def test_a_clarification_published_before_the_incident_is_refused(unit, contributor):
    now = timezone.now()
    old_post = PostFactory(
        author=contributor,
        status=PostStatus.PUBLISHED,
        published_at=now - timedelta(days=3),
    )
    with pytest.raises(ValidationError) as caught:
        incident_log(
            unit=unit,
            actor=contributor,
            occurred_at=now - timedelta(days=1),
            learned_at=now - timedelta(hours=20),
            kind="hoax",
            summary="Kabar bohong",
            reach="national",
            clarification=old_post,
        )
    assert codes(caught.value) == {"clarification": ["clarification_before"]}


def test_an_incident_learned_before_it_happened_is_refused(unit, contributor):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        incident_log(
            unit=unit,
            actor=contributor,
            occurred_at=now - timedelta(hours=2),
            learned_at=now - timedelta(hours=5),
            kind="riot",
            summary="Keributan kecil",
            reach="local",
        )
    assert codes(caught.value) == {"learned_at": ["learned_before"]}


def test_clarification_linked_later_must_be_the_units_own(unit, contributor):
    now = timezone.now()
    incident = incident_log(
        unit=unit,
        actor=contributor,
        occurred_at=now - timedelta(hours=5),
        learned_at=now - timedelta(hours=4),
        kind="viral_content",
        summary="Video viral",
        reach="viral",
    )
    foreign = PostFactory(status=PostStatus.PUBLISHED, published_at=now)
    with pytest.raises(ValidationError) as caught:
        incident_link_clarification(
            incident=incident, actor=contributor, clarification=foreign
        )
    assert codes(caught.value) == {"clarification": ["other_unit"]}
    own = PostFactory(author=contributor, status=PostStatus.PUBLISHED, published_at=now)
    incident_link_clarification(incident=incident, actor=contributor, clarification=own)
    assert Incident.objects.get().clarification == own
