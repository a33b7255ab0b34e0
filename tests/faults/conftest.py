"""Fixtures of the fault scenarios (tests/faults): a shared media directory,
the test database's URL for subprocesses, a private Redis, and a browser-like
HTTP session (cookies and CSRF) against a real gunicorn.

Every test here is marked `faults`; they run in `make test` (about a minute
in all) and alone with `make faults`.
"""

import re
import shutil
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import urllib3

from tests.faults.procs import SCRATCH, RedisServer, portal_env


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def shared_media(settings):
    """One media directory for this process and the web and worker processes."""
    root = SCRATCH / ("media-%s" % uuid.uuid4().hex[:8])
    media, private = root / "media", root / "private"
    media.mkdir(parents=True)
    private.mkdir()
    settings.MEDIA_ROOT = media
    settings.PRIVATE_MEDIA_ROOT = private
    storages = {**settings.STORAGES}
    storages["private"] = {
        **storages["private"],
        "OPTIONS": {**storages["private"]["OPTIONS"], "location": str(private)},
    }
    settings.STORAGES = storages
    yield media, private
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(transactional_db):
    from django.db import connection

    db = connection.settings_dict
    return "postgres://%s@%s:%s/%s" % (
        db["USER"] or "postgres",
        db["HOST"] or "127.0.0.1",
        db["PORT"] or 5432,
        db["NAME"],
    )


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    if server.proc is not None:
        server.stop()


@pytest.fixture
def env_for(database_url, shared_media):
    media, private = shared_media

    def build(redis_url: str, **extra: str) -> dict:
        return portal_env(
            database_url=database_url,
            redis_url=redis_url,
            media_root=media,
            private_media_root=private,
            **extra,
        )

    return build


def files_under(root: Path) -> dict[str, bytes]:
    """Every file below `root` (relative name -> bytes)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }


class WebSession:
    """Cookies and the CSRF token, as a browser keeps them, over urllib3."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict:
        headers = {"Referer": self.base_url + "/"}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        return headers

    def _keep(self, response):
        for header in response.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str):
        return self._keep(
            self.http.request(
                "GET", self.base_url + path, headers=self._headers(), redirect=False
            )
        )

    def post(self, path: str, fields: dict):
        return self._keep(
            self.http.request(
                "POST",
                self.base_url + path,
                fields=fields,
                headers=self._headers(),
                redirect=False,
            )
        )

    @staticmethod
    def csrf_token(html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token in the page"
        return match.group(1)


def draft_fields(category, token: str, photos: dict, **overrides) -> dict:
    """The contributor's new-post form: text plus `photos` (field -> file tuple).

    `photos` keys are "sampul" (the cover) and "galeri-0", "galeri-1" ...; each
    value is (filename, bytes, content type).
    """
    fields = {
        "csrfmiddlewaretoken": token,
        "title": "Pelatihan menjahit bagi warga binaan Lapas Salemba",
        "lead": "Tiga puluh warga binaan belajar menjahit selama satu pekan di "
        "bengkel kerja.",
        "body": "<p>Pelatihan berlangsung di bengkel kerja Lapas.</p>",
        "category": str(category.pk),
        "tags": "pembinaan",
        "location": "Bengkel kerja",
        "galeri-TOTAL_FORMS": "3",
        "galeri-INITIAL_FORMS": "0",
        "galeri-MIN_NUM_FORMS": "0",
        "galeri-MAX_NUM_FORMS": "10",
    }
    for slot, upload in photos.items():
        fields["%s-file" % slot] = upload
        fields["%s-alt_text" % slot] = "Warga binaan menjahit kain batik"
    fields.update(overrides)
    return fields


@pytest.fixture
def contributor_browser():
    """A logged-in contributor's browser for a gunicorn at `base_url`."""
    from django.test import Client

    def login(user, base_url: str) -> WebSession:
        client = Client()
        client.force_login(user)
        browser = WebSession(base_url)
        browser.cookies["sessionid"] = client.cookies["sessionid"].value
        return browser

    return login


PHOTO_FOLDERS = ("photos/", "renditions/")


def stored_path(media: Path, private: Path, name: str) -> Path:
    """Where a photo file is: public media, or private while its post is not
    published (news.storage.PhotoStorage). Asserts it is in one of them."""
    for root in (media, private):
        if (root / name).is_file():
            return root / name
    raise AssertionError("%s is in neither %s nor %s" % (name, media, private))


def photo_files(media: Path, private: Path) -> set[str]:
    """The names of every photo and rendition file, public or private."""
    return {
        name
        for root in (media, private)
        for name in files_under(root)
        if name.startswith(PHOTO_FOLDERS)
    }


def other_private_files(private: Path) -> set[str]:
    """What the private storage holds besides photo files (raw uploads)."""
    return {n for n in files_under(private) if not n.startswith(PHOTO_FOLDERS)}
