"""The contributor area and the rights on per-person numbers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardPeriod, ContributorStatistic, Incident, SocialAccount
from awards.selectors import can_see_person_statistics, person_statistics
from tests.factories import EditorFactory, HeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(db):
    today = timezone.localdate()
    return AwardPeriod.objects.create(
        name="Berjalan",
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=300),
    )


@pytest.fixture
def team(unit, running):
    sari = UserFactory(unit=unit, first_name="Sari")
    budi = UserFactory(unit=unit, first_name="Budi")
    for person, posts in ((sari, 7), (budi, 3)):
        ContributorStatistic.objects.create(
            period=running,
            user=person,
            unit=unit,
            metric="posts_published",
            value=posts,
        )
    return sari, budi


def names(rows):
    return sorted(row["user"].first_name for row in rows)


def test_a_contributor_sees_only_their_own_numbers(unit, running, team):
    sari, budi = team
    assert names(person_statistics(viewer=sari, period=running, unit=unit)) == ["Sari"]
    assert not can_see_person_statistics(viewer=sari, unit=unit, person=budi)


def test_the_head_and_editors_see_the_whole_unit(unit, running, team):
    head = HeadFactory(unit=unit)
    assert names(person_statistics(viewer=head, period=running, unit=unit)) == [
        "Budi",
        "Sari",
    ]
    editor = EditorFactory()
    assert names(person_statistics(viewer=editor, period=running, unit=unit)) == [
        "Budi",
        "Sari",
    ]


def test_another_units_head_sees_nothing(unit, other_unit, running, team):
    stranger = HeadFactory(unit=other_unit)
    assert person_statistics(viewer=stranger, period=running, unit=unit) == []
    assert not can_see_person_statistics(viewer=stranger, unit=unit, person=team[0])


def test_anonymous_is_refused(unit, running):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        person_statistics(viewer=AnonymousUser(), period=running, unit=unit)


def test_contributor_dashboard_page(client, unit, running, team):
    client.force_login(team[0])
    response = client.get(reverse("awards:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "One Day One News" in page
    assert "hari kerja tanpa berita bulan ini" in page or "Setiap hari kerja" in page
    assert "Sari" in page and "Budi" not in page


def test_contributor_pages_need_login_and_unit_staff(client):
    for name in ("awards:dashboard", "awards:social", "awards:incidents"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/masuk/" in response["Location"]


def test_social_report_form_shows_errors(client, unit):
    contributor = UserFactory(unit=unit)
    account = SocialAccount.objects.create(
        unit=unit, platform="instagram", handle="humas"
    )
    client.force_login(contributor)
    response = client.post(
        reverse("awards:social"),
        {
            "aksi": "laporan",
            "laporan-account": account.pk,
            "laporan-month": "2025-02",
            "laporan-followers": "-1",
            "laporan-posts": "10",
            "laporan-interactions": "10",
            "laporan-sample_url": "https://instagram.com/p/1",
        },
    )
    assert response.status_code == 200
    assert "tidak boleh negatif" in response.content.decode()


def test_clarifying_another_units_incident_is_a_404(client, unit, other_unit):
    now = timezone.now()
    incident = Incident.objects.create(
        unit=other_unit,
        occurred_at=now - timedelta(hours=3),
        learned_at=now - timedelta(hours=2),
        kind="hoax",
        summary="x",
        reach="local",
    )
    client.force_login(UserFactory(unit=unit))
    response = client.post(reverse("awards:clarify", args=(incident.pk,)), {})
    assert response.status_code == 404


def test_public_page_shows_no_per_person_numbers(client, unit, running, team):
    page = client.get(reverse("public:awards")).content.decode()
    assert "Sari" not in page
