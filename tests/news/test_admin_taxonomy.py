"""Categories and tags in the admin (news.admin.taxonomy)."""

import pytest
from django.urls import reverse

from news.models import (
    Category,
    PostStatus,
)

S = PostStatus
pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args: True)


# --- Other models ------------------------------------------------------------------


def test_category_and_tag_admin(editor_client):
    response = editor_client.get(reverse("admin:news_category_add"))
    assert response.status_code == 200
    assert "prepopulated" in response.content.decode()
    response = editor_client.post(
        reverse("admin:news_category_add"),
        {"name": "Kunjungan", "slug": "kunjungan", "description": "", "position": 9},
    )
    assert response.status_code == 302
    assert Category.objects.filter(slug="kunjungan").exists()
    assert (
        editor_client.get(reverse("admin:news_category_changelist")).status_code == 200
    )
    assert editor_client.get(reverse("admin:news_tag_changelist")).status_code == 200
