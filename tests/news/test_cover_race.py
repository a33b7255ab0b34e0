"""Two cover uploads for the same post at the same moment: one cover, one clear
refusal, never a 500 (the unique constraint photo_one_cover_per_post)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from news import services
from news.models import Photo, PhotoKind
from tests.factories import PostFactory, UserFactory
from tests.news.images import upload
from units.models import Role


@pytest.mark.django_db(transaction=True)
def test_two_covers_at_once_give_one_cover_and_one_clear_refusal(unit):
    assert connection.vendor == "postgresql"
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(unit=unit, author=contributor, status="draft")
    start = threading.Barrier(2)
    outcomes = []

    def upload_cover(alt):
        try:
            start.wait()
            photo = services.photo_upload(
                unit=unit,
                actor=contributor,
                file=upload(size=(800, 600)),
                kind=PhotoKind.COVER,
                alt_text=alt,
                post=post,
            )
            outcomes.append(("stored", photo.pk))
        except ValidationError as exc:
            outcomes.append(("refused", exc.code, " ".join(exc.messages)))
        except Exception as exc:  # noqa: BLE001 - a 500 in a view
            outcomes.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=upload_cover, args=("Sampul %d" % n,)) for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    kinds = sorted(outcome[0] for outcome in outcomes)
    assert kinds == ["refused", "stored"], outcomes
    refusal = next(o for o in outcomes if o[0] == "refused")
    assert refusal[1] == "cover_exists"
    assert "foto utama" in refusal[2]
    assert Photo.objects.filter(post=post, kind=PhotoKind.COVER).count() == 1


@pytest.mark.django_db(transaction=True)
def test_covers_of_different_posts_do_not_wait_for_each_other(unit):
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    posts = [PostFactory(unit=unit, author=contributor, status="draft") for _ in "ab"]
    start = threading.Barrier(2)
    errors = []

    def upload_cover(post):
        try:
            start.wait()
            services.photo_upload(
                unit=unit,
                actor=contributor,
                file=upload(),
                kind=PhotoKind.COVER,
                alt_text="Sampul",
                post=post,
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=upload_cover, args=(p,)) for p in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert Photo.objects.filter(kind=PhotoKind.COVER).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_staged_covers_attached_at_once(unit):
    """The post form's path: photos staged first, attached when it is saved."""
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(unit=unit, author=contributor, status="draft")
    staged = [
        services.photo_stage(
            unit=unit, actor=contributor, file=upload(), kind=PhotoKind.COVER
        )
        for _ in "ab"
    ]
    start = threading.Barrier(2)
    outcomes = []

    def attach(photo):
        try:
            start.wait()
            services.post_photos_attach(
                post=post,
                actor=contributor,
                photos=[
                    services.PhotoAttachment(
                        photo=photo, kind=PhotoKind.COVER, alt_text="Sampul"
                    )
                ],
            )
            outcomes.append("attached")
        except ValidationError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - a 500 in a view
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attach, args=(p,)) for p in staged]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["attached", "cover_exists"]
    assert Photo.objects.filter(post=post, kind=PhotoKind.COVER).count() == 1
