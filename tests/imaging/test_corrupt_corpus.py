"""The corrupt-image corpus through the contributor's photo upload.

Every case of tests/imaging/corpus.py (259 broken or hostile files: truncated,
bytes flipped, wrong magic, huge dimensions, bad ICC profiles, polyglots,
empty, several frames, a HEIC holding several images, mode oddities) is
uploaded on a draft's photo page (news:photos) by its unit's contributor,
through the Django test client. Each is either refused with the validator's
Indonesian message next to the file field, nothing stored, or accepted when
it is in fact a valid image, and then only a clean re-encode is stored (no
appended ZIP, script or PHP survives). Never a 500 (the test client re-raises
any exception a view lets through).

Two guards, not benchmarks: each upload finishes within 2 s
(time.monotonic, a generous bound that only catches a hang), and the
process's peak resident memory grows by less than 256 MB during one upload
(resource.getrusage's ru_maxrss; tracemalloc would not see Pillow's pixel
buffers, which are allocated outside Python's allocator).
"""

import io
import re
import resource
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

import imaging
from news.models import Photo
from news.services import photo_renditions_create
from tests.factories import PostFactory, UserFactory
from tests.imaging.corpus import ACCEPTED, EITHER, REFUSED, corpus
from units.models import Role

pytestmark = pytest.mark.django_db

CASES = corpus()
HANG_GUARD_S = 2.0
MEMORY_GUARD_KB = 256 * 1024
# Payloads a polyglot carries; none may reach the stored file.
PAYLOAD_MARKERS = (b"PK\x03\x04", b"<script", b"<?php", b"<svg", b"<html")


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 200
    assert {case.expect for case in CASES} == {REFUSED, ACCEPTED, EITHER}
    assert sum(case.expect == REFUSED for case in CASES) >= 150


def validator_verdict(data: bytes) -> ValidationError | None:
    """What imaging.validate_image says of the bytes (None: a valid image)."""
    try:
        imaging.validate_image(io.BytesIO(data))
    except ValidationError as exc:
        return exc
    return None


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_corrupt_image_gets_a_clear_answer(case, client, unit):
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(unit=unit, author=contributor, status="draft")
    client.force_login(contributor)
    data = case.make()
    upload = SimpleUploadedFile(case.filename, data, case.content_type)

    rss_before = peak_rss_kb()
    started = time.monotonic()
    response = client.post(
        reverse("news:photos", args=[post.pk]),
        {"jenis": "gallery", "foto-file": upload, "foto-alt_text": "Warga binaan"},
    )
    elapsed = time.monotonic() - started
    rss_growth = peak_rss_kb() - rss_before

    assert elapsed < HANG_GUARD_S, "%s took %.2f s" % (case.name, elapsed)
    assert rss_growth < MEMORY_GUARD_KB, "%s: peak memory +%d MB" % (
        case.name,
        rss_growth // 1024,
    )
    assert response.status_code in (200, 302)
    refusal = validator_verdict(data)
    if case.expect == REFUSED:
        assert refusal is not None, "%s was accepted" % case.name
    elif case.expect == ACCEPTED:
        assert refusal is None, "%s refused: %s" % (case.name, refusal)
    if case.code is not None:
        assert refusal.code == case.code

    if refusal is not None:
        # The form is shown again with the validator's Indonesian message.
        assert response.status_code == 200
        html = response.content.decode()
        (message,) = refusal.messages
        if not data:
            # Django's own check on the file field comes first.
            message = "Berkas yang dikirim kosong."
        field_error = re.search(r'id="id_foto-file_error">(.*?)</div>', html, re.S)
        assert field_error, "%s: no error next to the file field" % case.name
        assert escape(message) in field_error.group(1), case.name
        assert "Foto belum tersimpan" in html
        assert not Photo.objects.filter(post=post).exists()
    else:
        assert response.status_code == 302
        photo = Photo.objects.get(post=post)
        # Above PHOTO_WEB_CLEAN_MAX_PIXELS the clean copy is the worker's: run
        # its service here (news.services.photos.photo_upload).
        photo_renditions_create(photo_id=photo.pk)
        photo.refresh_from_db()
        # Through the field's own storage: a draft's photo may be kept
        # privately until publication.
        with photo.image.storage.open(photo.image.name, "rb") as stored:
            clean = stored.read()
        with Image.open(io.BytesIO(clean)) as img:
            img.load()
            assert img.size == (photo.width, photo.height)
        for marker in PAYLOAD_MARKERS:
            assert marker not in clean.lower(), (case.name, marker)


def test_a_heic_with_several_images_says_so(client, unit):
    """Not "animasi": the user is told the HEIC holds several pictures."""
    case = next(case for case in CASES if case.name == "heic-3-images")
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    post = PostFactory(unit=unit, author=contributor, status="draft")
    client.force_login(contributor)

    response = client.post(
        reverse("news:photos", args=[post.pk]),
        {
            "jenis": "gallery",
            "foto-file": SimpleUploadedFile("IMG_0042.HEIC", case.make(), "image/heic"),
            "foto-alt_text": "Warga binaan",
        },
    )

    html = response.content.decode()
    assert "Berkas HEIC ini berisi 3 gambar" in html
    assert "Unggah satu foto saja" in html
    assert "animasi" not in html
