"""Normalisation (size does not win) and the stated tie rule."""

import pytest

from awards.models import AwardCategory, Competitors, Metric, UnitStatistic
from awards.scoring import FORMULAS, Standing, rank
from awards.selectors import ranking
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def stand(name, **raw):
    return Standing(hash(name), name, {"working_days": 20, **raw})


def test_a_small_unit_publishing_every_working_day_beats_a_big_one_with_more_posts():
    big = stand("Lapas Besar", posts_published=30, active_working_days=8)
    small = stand("Bapas Kecil", posts_published=20, active_working_days=20)
    ordered = rank(metric=Metric.NEWS, competitors=[big, small], context={})
    assert [s.name for s in ordered] == ["Bapas Kecil", "Lapas Besar"]
    # 40 x 20/20 + 20 x 20/40 and 40 x 8/20 + 20 x 30/40
    assert small.score == 50.0
    assert big.score == 31.0


def test_volume_is_capped_at_two_posts_a_working_day():
    # "42 stories in 21 working days" earns the full volume component.
    busy = stand("A", posts_published=42, active_working_days=21, working_days=21)
    flood = stand("B", posts_published=400, active_working_days=21, working_days=21)
    rank(metric=Metric.NEWS, competitors=[busy, flood], context={})
    assert busy.score == flood.score == 60.0


def test_social_score_ignores_follower_counts():
    huge = stand(
        "Lapas Besar",
        social_reported_months=3,
        social_consistent_months=3,
        social_expected_months=3,
        social_followers=3_000_000,
        social_interactions=30_000,  # 1 % of followers
        social_growth=0.01,
    )
    small = stand(
        "Rutan Kecil",
        social_reported_months=3,
        social_consistent_months=3,
        social_expected_months=3,
        social_followers=3_000,
        social_interactions=600,  # 20 %
        social_growth=0.2,
    )
    ordered = rank(metric=Metric.SOCIAL, competitors=[huge, small], context={})
    assert ordered[0].name == "Rutan Kecil"
    assert small.score == 100.0


def test_tie_rule_first_component_then_first_raw_number_then_name():
    # Same score, different make-up: the higher first component wins.
    a = stand("Z Lapas", posts_published=10, active_working_days=10)  # 20 + 5
    b = stand("A Lapas", posts_published=30, active_working_days=5)  # 10 + 15
    ordered = rank(metric=Metric.NEWS, competitors=[b, a], context={})
    assert a.score == b.score == 25.0
    assert [s.name for s in ordered] == ["Z Lapas", "A Lapas"]
    # Identical numbers: alphabetical.
    c = stand("Rutan B", posts_published=10, active_working_days=10)
    d = stand("Rutan A", posts_published=10, active_working_days=10)
    ordered = rank(metric=Metric.NEWS, competitors=[c, d], context={})
    assert [(s.rank, s.name) for s in ordered] == [(1, "Rutan A"), (2, "Rutan B")]


def test_units_with_nothing_to_measure_are_listed_unranked():
    nothing = stand("Rupbasan Sepi")
    some = stand("Lapas Aktif", posts_published=1, active_working_days=1)
    ordered = rank(metric=Metric.NEWS, competitors=[nothing, some], context={})
    assert [(s.name, s.rank) for s in ordered] == [
        ("Lapas Aktif", 1),
        ("Rupbasan Sepi", None),
    ]


def test_every_formula_has_weights_adding_up_to_100():
    for formula in FORMULAS.values():
        assert sum(c.weight for c in formula.components) == 100


def test_editors_can_add_a_regional_category_reusing_a_metric(period):
    category = AwardCategory.objects.create(
        slug="kanwil-terproduktif",
        name="Kanwil Terproduktif",
        name_en="Most productive regional office",
        metric=Metric.NEWS,
        competitors=Competitors.REGIONS,
    )
    jakarta = UnitFactory()
    other_jakarta = UnitFactory()
    for unit, posts, days in ((jakarta, 8, 4), (other_jakarta, 0, 0)):
        for metric, value in (
            ("posts_published", posts),
            ("active_working_days", days),
        ):
            if value:
                UnitStatistic.objects.create(
                    period=period, unit=unit, metric=metric, value=value
                )
    standings = ranking(period=period, category=category, today=period.ends_on)
    first = standings[0]
    assert first.name == "Kanwil DKI Jakarta"
    # Two units x 4 working days: 4 of 8 unit-days, 8 posts for 16 possible.
    assert first.raw["working_days"] == 8
    assert first.score == pytest.approx(40 * 4 / 8 + 20 * 8 / 16)
