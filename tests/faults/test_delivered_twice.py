"""The same task delivered twice: the result equals a single delivery.

Through the real worker (tests/conftest.py's celery_worker, on Redis):
- the nightly awards refresh run once, then twice more: every statistics row
  (unit and contributor, all their numbers) and the periods are unchanged;
- a photo's rendition task delivered twice (once by the upload, once more as
  a redelivery) leaves the same renditions, byte for byte, as a photo whose
  task ran once, and no extra file.
"""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.forms.models import model_to_dict
from django.utils import timezone

from awards import tasks as award_tasks
from awards.models import AwardPeriod, ContributorStatistic, UnitStatistic
from news import services
from news import tasks as news_tasks
from news.models import Photo, PhotoKind, PhotoStatus, PostStatus
from tests.factories import CategoryFactory, PostFactory, UnitFactory, UserFactory
from tests.faults.conftest import photo_files
from tests.faults.procs import wait_for
from tests.news.images import encoded
from units.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def statistics_rows():
    rows = []
    for model in (UnitStatistic, ContributorStatistic, AwardPeriod):
        for obj in model.objects.order_by("pk"):
            row = model_to_dict(obj)
            row.pop("computed_at", None)
            rows.append((model.__name__, obj.pk, sorted(row.items(), key=str)))
    return rows


def test_the_awards_refresh_delivered_twice_equals_one_delivery(celery_worker):
    now = timezone.now()
    for i in range(3):
        unit = UnitFactory()
        author = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
        for j in range(i + 1):
            PostFactory(
                author=author,
                category=CategoryFactory(),
                status=PostStatus.PUBLISHED,
                published_at=now - timedelta(days=j + 1),
                submitted_at=now - timedelta(days=j + 2),
            )

    award_tasks.refresh_all_statistics.delay().get(timeout=60)
    once = statistics_rows()
    assert any(name == "UnitStatistic" for name, _pk, _row in once)

    twice = [award_tasks.refresh_all_statistics.delay() for _ in range(2)]
    for result in twice:
        result.get(timeout=60)
    assert statistics_rows() == once


def rendition_files(photo: Photo) -> dict:
    def digest(name):
        with default_storage.open(name, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    return {
        (r.width, r.format): (r.height, r.bytes, digest(r.file.name))
        for r in photo.renditions.all()
    }


def test_a_rendition_task_delivered_twice_equals_one_delivery(
    celery_worker, shared_media
):
    media, private = shared_media
    contributor = UserFactory(unit=UnitFactory(), role=Role.CONTRIBUTOR)
    data = encoded("JPEG", (1600, 1200))

    def uploaded():
        return services.photo_upload(
            unit=contributor.unit,
            actor=contributor,
            file=_same(data),
            kind=PhotoKind.GALLERY,
            alt_text="Warga binaan berlatih gamelan di aula",
        )

    once = uploaded()  # delivered by its upload, once
    twice = uploaded()  # delivered by its upload ...
    news_tasks.make_photo_renditions.delay(twice.pk).get(timeout=60)  # ... again
    for photo in (once, twice):
        wait_for(
            lambda p=photo: Photo.objects.filter(pk=p.pk, status=PhotoStatus.READY),
            timeout=60,
            what="renditions",
        )
    news_tasks.make_photo_renditions.delay(twice.pk).get(timeout=60)  # and again

    assert rendition_files(twice) == rendition_files(once)
    assert len(rendition_files(once)) == once.renditions.count()
    names = photo_files(media, private)
    expected = {p.image.name for p in (once, twice)} | {
        r.file.name for p in (once, twice) for r in p.renditions.all()
    }
    assert names == expected


def _same(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("sama.jpg", data, "image/jpeg")
