"""The media disk full during an upload.

MEDIA_ROOT and the private storage live on a 2 MB tmpfs, nearly filled. A
contributor sends a new post with a photo larger than what is left: the form
comes back with a clear Indonesian error beside the photo, nothing is saved
(no post, no photo row) and no partial file is left on the disk. Once space is
freed, the same form goes through.

Needs root for `mount -t tmpfs` (skipped otherwise, saying why).
"""

import random
import subprocess
import uuid

import pytest
from django.urls import reverse
from PIL import Image

from news.models import Photo, Post
from tests.factories import CategoryFactory, UnitFactory, UserFactory
from tests.faults.conftest import draft_fields, files_under, stored_path
from tests.faults.procs import SCRATCH
from tests.news.images import encoded
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_disk(settings):
    mount = SCRATCH / ("disk-%s" % uuid.uuid4().hex[:8])
    mount.mkdir(parents=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip("cannot mount a 2 MB tmpfs here: %s" % done.stderr.strip())
    media, private = mount / "media", mount / "private"
    media.mkdir()
    private.mkdir()
    settings.MEDIA_ROOT = media
    settings.PRIVATE_MEDIA_ROOT = private
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {
                **settings.STORAGES["private"]["OPTIONS"],
                "location": str(private),
            },
        },
    }
    yield mount
    subprocess.run(["umount", str(mount)], check=True)
    mount.rmdir()


def test_a_full_media_disk_refuses_the_upload_cleanly_and_recovers(
    client, small_disk, django_capture_on_commit_callbacks
):
    contributor = UserFactory(unit=UnitFactory(), role=Role.CONTRIBUTOR)
    category = CategoryFactory(name="Pembinaan", slug="pembinaan")
    client.force_login(contributor)
    # Noise: it compresses badly, so its clean copy is as big as the upload.
    pixels = random.Random(7).randbytes(900 * 700 * 3)
    noise = Image.frombytes("RGB", (900, 700), pixels)
    photo = encoded("JPEG", img=noise, quality=95)
    assert len(photo) > 600_000
    # Leave less room than the photo needs.
    filler = small_disk / "filler.bin"
    filler.write_bytes(b"\0" * (2 * 1024 * 1024 - 300_000))
    before = set(files_under(small_disk))

    def send():
        form = client.get(reverse("news:create"))
        token = form.cookies.get("csrftoken")
        with django_capture_on_commit_callbacks(execute=False):
            return client.post(
                reverse("news:create"),
                draft_fields(
                    category,
                    token.value if token else "",
                    {"sampul": _upload(photo)},
                ),
            )

    response = send()
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ruang penyimpanan foto di server sedang penuh" in html
    assert not Post.objects.exists()
    assert not Photo.objects.exists()
    assert set(files_under(small_disk)) == before  # no partial file

    filler.unlink()
    response = send()
    assert response.status_code == 302
    post = Post.objects.get()
    stored = Photo.objects.get(post=post)
    path = stored_path(small_disk / "media", small_disk / "private", stored.image.name)
    assert path.stat().st_size > 0


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("besar.jpg", data, "image/jpeg")
