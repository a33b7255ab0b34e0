"""The demo's awards: this year's period open and counted, once."""

import pytest
from django.utils import timezone

from awards.demo import demo_load_awards
from awards.models import AwardPeriod, UnitStatistic
from news.services import post_approve
from tests.factories import EditorFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_demo_opens_this_years_period_and_counts_it_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args, **kw: True)
    editor = EditorFactory()
    post = PostFactory(status="submitted", submitted_at=timezone.now())
    post_approve(post=post, actor=editor)

    demo_load_awards()

    year = str(timezone.localdate().year)
    period = AwardPeriod.objects.get(name=year, is_closed=False)
    numbers = UnitStatistic.objects.filter(period=period, unit=post.unit)
    assert numbers.exists()
    before = set(numbers.values_list("metric", "value"))

    demo_load_awards()  # a second run changes nothing

    assert AwardPeriod.objects.filter(name=year).count() == 1
    assert set(numbers.values_list("metric", "value")) == before
