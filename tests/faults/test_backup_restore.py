"""Backup and restore: scripts/backup, then scripts/restore into a fresh
database and media directory, give the same rows, the same files and a site
that answers.

The restored copy is checked by what a reader would notice: every table has
the rows it had, every file a Photo or Rendition row names is there with the
same SHA-256, and a gunicorn on the copy serves the home page and the
article. The restore refuses a database that already has tables.
"""

import hashlib
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
import urllib3
from django.utils import timezone

from news import services
from news.models import PhotoKind, Post, PostStatus
from tests.factories import CategoryFactory, PostFactory, UnitFactory, UserFactory
from tests.faults.conftest import stored_path
from tests.faults.procs import ROOT, SCRATCH, Gunicorn, portal_env, wait_for
from tests.news.images import upload
from units.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

RESTORED_DB = "portal_faults_restored"


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        return {
            t: conn.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0]
            for t in tables
        }


def referenced_files(url: str) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT image FROM news_photo WHERE image <> '' "
                "UNION ALL SELECT file FROM news_rendition"
            )
        ]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def restored_url(database_url):
    base = database_url.rsplit("/", 1)[0]
    admin = base + "/postgres"

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % RESTORED_DB)

    drop()
    yield "%s/%s" % (base, RESTORED_DB)
    drop()


def test_a_backup_restored_into_a_fresh_database_is_the_same_site(
    database_url, shared_media, restored_url, private_redis
):
    media, private = shared_media
    contributor = UserFactory(unit=UnitFactory(), role=Role.CONTRIBUTOR)
    category = CategoryFactory(name="Pembinaan", slug="pembinaan")
    post = PostFactory(author=contributor, category=category, title="Panen sayur")
    photos = ((PhotoKind.COVER, (1600, 1000)), (PhotoKind.GALLERY, (900, 700)))
    for kind, size in photos:
        photo = services.photo_upload(
            unit=contributor.unit,
            actor=contributor,
            file=upload("JPEG", size),
            kind=kind,
            alt_text="Warga binaan memanen sayur di kebun Lapas",
            post=post,
        )
        services.photo_renditions_create(photo_id=photo.pk)
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, published_at=timezone.now()
    )
    files = referenced_files(database_url)
    assert len(files) > 10

    out = SCRATCH / ("backups-%s" % uuid.uuid4().hex[:8])
    made = run(
        "backup",
        "--out",
        str(out),
        "--database-url",
        database_url,
        "--media-root",
        str(media),
        "--private-media-root",
        str(private),
    )
    assert made.returncode == 0, made.stderr
    backup_dir = Path(made.stdout.strip().splitlines()[-1])
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert set(manifest["files"]) == {"db.dump", "media.tar", "private_media.tar"}

    target = SCRATCH / ("restored-%s" % uuid.uuid4().hex[:8])
    restore_args = [
        str(backup_dir),
        "--database-url",
        restored_url,
        "--media-root",
        str(target / "media"),
        "--private-media-root",
        str(target / "private"),
    ]
    done = run("restore", *restore_args)
    assert done.returncode == 0, done.stdout + done.stderr
    restore_s = float(done.stdout.rsplit("restore_s=", 1)[1].split()[0])

    rows = counts(restored_url)
    assert rows == counts(database_url)
    assert sorted(referenced_files(restored_url)) == sorted(files)
    for name in files:
        restored = stored_path(target / "media", target / "private", name)
        assert sha(restored) == sha(stored_path(media, private, name)), name

    # A second restore into the now non-empty database is refused.
    again = run("restore", *restore_args)
    assert again.returncode == 2
    assert "already has tables" in again.stderr

    web = Gunicorn(
        portal_env(
            database_url=restored_url,
            redis_url=private_redis.url,
            media_root=target / "media",
            private_media_root=target / "private",
            PAGE_CACHE_ENABLED="false",
        ),
        workers=1,
        name="restored-web",
    ).start()
    try:
        http = urllib3.PoolManager(retries=False, timeout=30)
        home = wait_for(
            lambda: http.request("GET", web.url + "/"), timeout=30, what="home"
        )
        article = http.request("GET", web.url + post.get_absolute_url())
    finally:
        web.stop()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    assert home.status == 200
    assert article.status == 200
    html = article.data.decode()
    assert "Panen sayur" in html
    print(
        json.dumps(
            {
                "restore_s": restore_s,
                "restored_tables": len(rows),
                "restored_rows": sum(rows.values()),
                "restored_files": len(files),
            }
        )
    )
