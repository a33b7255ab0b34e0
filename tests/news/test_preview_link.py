"""The contributor's preview link, followed by someone from the newsroom.

Editors and the reviewers of the post's region land on the newsroom's preview
of the same post (not the admin index); a reviewer of another region finds no
post there, and the post's own unit still gets its preview.
"""

import pytest
from django.urls import reverse

from news.models import PostStatus
from tests.factories import (
    EditorFactory,
    PostFactory,
    RegionFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    # ReviewerFactory's region is province 33 (Jawa Tengah).
    unit = UnitFactory(region=RegionFactory(province_code="33"))
    return PostFactory(
        author=UserFactory(unit=unit),
        status=PostStatus.SUBMITTED,
        title="Warga binaan Lapas Kedungpane memanen sayur",
    )


def contributor_preview(post):
    return reverse("news:preview", args=[post.pk])


def newsroom_preview(post):
    return reverse("admin:news_post_preview", args=[post.pk])


def test_an_editor_is_sent_to_the_newsrooms_preview_of_the_post(client, post):
    client.force_login(EditorFactory())

    response = client.get(contributor_preview(post), follow=True)

    assert response.redirect_chain == [(newsroom_preview(post), 302)]
    assert response.status_code == 200
    html = response.content.decode()
    assert post.title in html
    assert "preview-banner" in html


def test_the_regions_reviewer_is_sent_to_the_newsrooms_preview(client, post):
    client.force_login(ReviewerFactory())

    response = client.get(contributor_preview(post), follow=True)

    assert response.redirect_chain == [(newsroom_preview(post), 302)]
    assert response.status_code == 200
    assert post.title in response.content.decode()


def test_a_reviewer_of_another_region_finds_no_post(client, post):
    client.force_login(ReviewerFactory(region=RegionFactory(province_code="31")))

    response = client.get(contributor_preview(post), follow=True)

    assert response.status_code == 404
    assert post.title not in response.content.decode()


def test_the_unit_still_previews_its_own_post_in_place(client, post):
    client.force_login(post.author)

    response = client.get(contributor_preview(post))

    assert response.status_code == 200
    assert post.title in response.content.decode()


def test_a_visitor_is_asked_to_log_in(client, post):
    response = client.get(contributor_preview(post))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
