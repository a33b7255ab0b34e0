"""Permissions-Policy on every response (portal.security), whatever answers:
a reader's page, a page-cache hit, the login, the admin, an error, /health/."""

import pytest
from django.test import override_settings

from portal.security import DEFAULT_PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db

FEATURES_OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()")


def assert_policy(response):
    policy = response["Permissions-Policy"]
    assert policy == DEFAULT_PERMISSIONS_POLICY
    for feature in FEATURES_OFF:
        assert feature in policy


@pytest.mark.parametrize(
    "path", ["/", "/masuk/", "/admin/login/", "/tidak-ada-halaman-ini/", "/health/"]
)
def test_every_kind_of_answer_carries_it(client, path):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert_policy(response)


def test_a_page_served_from_the_page_cache_carries_it(client):
    with override_settings(PAGE_CACHE_ENABLED=True):
        client.get("/robots.txt")
        again = client.get("/robots.txt")
    assert_policy(again)


def test_a_logged_in_editor_s_admin_page_carries_it(client):
    from tests.factories import EditorFactory

    client.force_login(EditorFactory(is_superuser=True))
    assert_policy(client.get("/admin/"))
