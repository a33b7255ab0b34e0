"""Growing past one machine. The read replica (portal.routers) with a second
PostgreSQL database standing in for it: a copy of the test database taken
with pg_dump, then left behind by a change on the primary, as a lagging
replica would be. And the media on S3-compatible storage (settings)."""

import copy
import json
import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import Category, Post, PostStatus
from portal.routers import ReplicaRouter
from tests.factories import UserFactory
from units.models import Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump and psql"),
]

OLD_TITLE = "Pelatihan menjahit bagi warga binaan Lapas Salemba"
NEW_TITLE = "Pelatihan menjahit dan membatik bagi warga binaan"


def _server_args(db: dict) -> list[str]:
    return [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]


def _admin_connection(db: dict):
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def replica():
    """A second database with the primary's rows as they are now, registered
    as the "replica" alias; dropped afterwards."""
    primary = connections["default"].settings_dict
    name = "%s_replica" % primary["NAME"]
    env = {"PGPASSWORD": primary.get("PASSWORD") or ""}
    with _admin_connection(primary) as admin:
        admin.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        admin.execute('CREATE DATABASE "%s"' % name)
    dump = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "--no-privileges",
            *_server_args(primary),
            primary["NAME"],
        ],
        capture_output=True,
        check=True,
        env=env,
    )
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", *_server_args(primary), name],
        input=dump.stdout,
        capture_output=True,
        check=True,
        env=env,
    )
    settings_dict = copy.deepcopy(connections.settings["default"])
    settings_dict["NAME"] = name
    connections.settings["replica"] = settings_dict
    connection = connections["replica"]
    # Kept by the handler but not listed in its settings: a connection made
    # during the test, which Django's test case lets the test use.
    del connections.settings["replica"]
    try:
        yield connection
    finally:
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
        del connections["replica"]
        with _admin_connection(primary) as admin:
            admin.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)


@pytest.fixture
def published(unit):
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    category = Category.objects.create(name="Pembinaan", slug="pembinaan")
    return Post.objects.create(
        unit=unit,
        author=contributor,
        category=category,
        title=OLD_TITLE,
        slug="pelatihan-menjahit",
        lead="Warga binaan belajar menjahit selama satu pekan.",
        body="<p>Lapas menggelar pelatihan menjahit bagi warga binaan.</p>",
        status=PostStatus.PUBLISHED,
        published_at=timezone.now(),
        submitted_at=timezone.now(),
    )


ROUTED = override_settings(DATABASE_ROUTERS=["portal.routers.ReplicaRouter"])


def test_anonymous_public_reads_go_to_the_replica(client, published, replica):
    # The primary moves on; the replica has not caught up yet.
    Post.objects.filter(pk=published.pk).update(title=NEW_TITLE)
    url = reverse("public:article", kwargs={"slug": published.slug})

    with ROUTED, CaptureQueriesContext(replica) as on_replica:
        response = client.get(url)
        home = client.get("/")

    assert response.status_code == 200 and home.status_code == 200
    assert OLD_TITLE in response.content.decode()
    assert NEW_TITLE not in response.content.decode()
    assert OLD_TITLE in home.content.decode()
    assert len(on_replica) > 0


def test_the_newsroom_and_logged_in_readers_read_the_primary(
    client, published, replica
):
    Post.objects.filter(pk=published.pk).update(title=NEW_TITLE)
    client.force_login(published.author)

    with ROUTED, CaptureQueriesContext(replica) as on_replica:
        own = client.get(reverse("news:post", args=[published.pk]))
        article = client.get(reverse("public:article", kwargs={"slug": published.slug}))

    assert NEW_TITLE in own.content.decode()
    # A logged-in reader (an editor checking what they just published) is
    # never shown a lagging copy.
    assert NEW_TITLE in article.content.decode()
    assert len(on_replica) == 0


def test_writes_and_reads_outside_a_public_request_use_the_primary(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Post) == "default"
    assert router.db_for_write(Post) == "default"
    assert router.allow_migrate("replica", "news") is False
    assert router.allow_migrate("default", "news") is True


S3_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
public, private = storages["public"], storages["private"]
print(json.dumps({
    "public": type(public).__module__ + "." + type(public).__name__,
    "private": type(private).__module__ + "." + type(private).__name__,
    "public_url": public.url("renditions/ab/abc/640.webp"),
    "private_url": private.url("raw/abc.jpg"),
    "media_url": settings.MEDIA_URL,
}))
"""


def test_media_on_s3_behind_a_cdn_and_a_private_bucket():
    """With the S3 variables set, photos go to a bucket served by the CDN
    and the private storage to its own bucket reached only by signed,
    expiring URLs (computed offline: no request is made)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "MEDIA_S3_BUCKET": "berita-media",
        "MEDIA_CDN_DOMAIN": "media.berita.example.go.id",
        "PRIVATE_MEDIA_S3_BUCKET": "berita-private",
        "S3_ENDPOINT_URL": "https://s3.example.go.id",
        "S3_REGION": "id-jakarta-1",
        "S3_ACCESS_KEY_ID": "AKIAUJI",
        "S3_SECRET_ACCESS_KEY": "rahasia-uji",
        "REDIS_URL": settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", S3_PROBE],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["public"] == probe["private"] == "storages.backends.s3.S3Storage"
    assert probe["media_url"] == "https://media.berita.example.go.id/"
    assert (
        probe["public_url"]
        == "https://media.berita.example.go.id/renditions/ab/abc/640.webp"
    )
    private_url = probe["private_url"]
    assert private_url.startswith(
        "https://s3.example.go.id/berita-private/raw/abc.jpg?"
    )
    assert "X-Amz-Signature=" in private_url and "X-Amz-Expires=300" in private_url
