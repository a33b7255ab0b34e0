"""Faces in a post's photos: found by the worker, flagged after a submission,
blurred by an editor, and nothing of the unblurred image left in storage.

The people are scikit-image's bundled astronaut (no download); the photos
without faces are generated here, as the other photo tests make theirs.
"""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageDraw
from skimage import data

import imaging.faces
from news import services
from news.checks import faces as faces_check
from news.models import Photo, PhotoKind, PhotoStatus, Post, PostAction, PostEvent
from news.services.faces import photo_faces_blur, photo_faces_detect
from tests.factories import (
    EditorFactory,
    PostFactory,
    ReviewerFactory,
    UserFactory,
)

WORKER = pytest.mark.django_db(transaction=True)
FLAG = "wajah terdeteksi — pastikan izin, samarkan wajah anak dan warga binaan"


# --- Photos ---------------------------------------------------------------------


def astronaut(width=1100) -> Image.Image:
    img = Image.fromarray(data.astronaut())
    return img.resize((width, width), Image.Resampling.BICUBIC)


def two_people() -> Image.Image:
    one = Image.fromarray(data.astronaut())
    pair = Image.new("RGB", (1024, 512))
    pair.paste(one, (0, 0))
    pair.paste(one.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (512, 0))
    return pair


def no_people(width=800, height=600) -> Image.Image:
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((60, 60, 300, 240), fill=(200, 160, 60))
    draw.ellipse((400, 200, 760, 560), fill=(20, 80, 140))
    return img


def jpeg(img: Image.Image, name="IMG_0001.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return SimpleUploadedFile(name, buf.getvalue(), "image/jpeg")


def upload(author, img, *, kind=PhotoKind.GALLERY, post=None) -> Photo:
    with transaction.atomic():
        return services.photo_upload(
            unit=author.unit,
            actor=author,
            file=jpeg(img),
            kind=kind,
            alt_text="Petugas dan warga binaan berfoto bersama",
            caption="Foto bersama",
            post=post,
        )


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def fresh(photo) -> Photo:
    return Photo.objects.get(pk=photo.pk)


def overlap(a, b) -> float:
    """How much of the smaller of two (x, y, w, h) boxes the other covers."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy / min(a[2] * a[3], b[2] * b[3])


def every_stored_file() -> list[Path]:
    """Every file in the public media and the private storage, by walking them."""
    found = []
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for folder, _dirs, files in os.walk(root):
            found.extend(Path(folder) / name for name in files)
    return found


@pytest.fixture
def author(unit):
    return UserFactory(unit=unit, first_name="Sari", email="sari@lapas.example")


@pytest.fixture
def editor():
    return EditorFactory(first_name="Rina", last_name="Redaksi")


@pytest.fixture
def draft(author, category):
    return PostFactory(author=author, category=category, title="Upacara Hari Bakti")


@pytest.fixture
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args, **kw: True)


# --- Detection in the worker, and the flag after a submission ---------------------


@WORKER
def test_the_worker_counts_faces_once_the_clean_copy_exists(
    celery_worker, author, draft
):
    people = upload(author, two_people(), post=draft)
    empty = upload(author, no_people(), post=draft)

    assert wait_for(lambda: fresh(people).faces is not None)
    assert wait_for(lambda: fresh(empty).faces is not None)
    assert len(fresh(people).faces) == 2
    assert fresh(empty).faces == []
    # Boxes are in the clean copy's pixels: the left face in the left half.
    (x1, _y, w1, _h), (x2, *_rest) = fresh(people).faces
    assert x1 + w1 <= 512 <= x2


@WORKER
def test_submission_flags_faces_in_cover_gallery_and_inline_images(
    celery_worker, author, draft
):
    upload(author, no_people(), kind=PhotoKind.COVER, post=draft)
    gallery = upload(author, two_people(), post=draft)
    inline = upload(author, astronaut(640), kind=PhotoKind.INLINE, post=draft)
    Post.objects.filter(pk=draft.pk).update(
        body='<p>Upacara berlangsung khidmat.</p><p><img src="%s" alt="Upacara"></p>'
        % inline.image.url
    )
    draft.refresh_from_db()

    services.post_submit(post=draft, actor=author)

    def flagged():
        checks = Post.objects.get(pk=draft.pk).checks or {}
        return checks.get("faces")

    assert wait_for(lambda: flagged() is not None)
    findings = {f["photo_id"]: f for f in flagged()}
    assert set(findings) == {gallery.pk, inline.pk}  # the cover has no faces
    assert findings[gallery.pk]["count"] == 2
    assert findings[gallery.pk]["level"] == "warning"
    assert "2 %s" % FLAG in findings[gallery.pk]["message"]
    assert findings[inline.pk]["kind"] == PhotoKind.INLINE
    assert "1 %s" % FLAG in findings[inline.pk]["message"]
    assert findings[inline.pk]["boxes"] == fresh(inline).faces


@pytest.mark.django_db
def test_the_check_searches_a_photo_whose_detection_was_lost(no_broker, author, draft):
    photo = upload(author, astronaut(512), post=draft)
    assert fresh(photo).faces is None  # no worker: the task never ran

    findings = faces_check.check(draft)

    assert [f["count"] for f in findings] == [1]
    assert len(fresh(photo).faces) == 1  # and kept for the decision page


@pytest.mark.django_db
def test_no_flag_without_faces(no_broker, author, draft):
    upload(author, no_people(), kind=PhotoKind.COVER, post=draft)
    upload(author, no_people(640, 640), post=draft)

    assert faces_check.check(draft) == []


# --- Blurring ------------------------------------------------------------------------


@WORKER
def test_blurring_leaves_no_file_of_the_unblurred_photo_anywhere(
    celery_worker, mailoutbox, author, editor, draft
):
    photo = upload(author, astronaut(1100), kind=PhotoKind.COVER, post=draft)
    assert wait_for(
        lambda: fresh(photo).status == PhotoStatus.READY and fresh(photo).faces
    )
    photo = fresh(photo)
    old_files = {photo.image.path} | {r.file.path for r in photo.renditions.all()}
    old_bytes = {Path(path).read_bytes() for path in old_files}
    assert len(old_files) == 7  # the clean copy and 320, 640, 1024 x WebP, JPEG

    photo_faces_blur(photo=photo, actor=editor, faces=[0])

    assert wait_for(
        lambda: (
            fresh(photo).status == PhotoStatus.READY
            and fresh(photo).renditions.count() == 6
        )
    )
    blurred = fresh(photo)
    assert blurred.faces == []
    assert blurred.image.name != photo.image.name
    stored = every_stored_file()
    assert not old_files & {str(path) for path in stored}
    assert not any(path.read_bytes() in old_bytes for path in stored)
    # What is left of this photo is the new clean copy and its renditions,
    # and the detector finds the face in none of them, at any size.
    mine = [path for path in stored if photo.uuid.hex in str(path)]
    assert sorted(map(str, mine)) == sorted(
        [blurred.image.path] + [r.file.path for r in blurred.renditions.all()]
    )
    (face,) = photo.faces
    for path in mine:
        with Image.open(path) as img:
            scale = img.width / photo.width
            found = imaging.faces.detect_faces(img.convert("RGB"))
        where = [round(v * scale) for v in face]
        assert not [box for box in found if overlap(box, where) > 0.2], path

    # The unit is told what was blurred, by mail, like a decision.
    event = PostEvent.objects.get(post=draft, action=PostAction.EDIT)
    assert event.actor == editor
    assert "Wajah disamarkan" in event.comment and "1 wajah" in event.comment
    assert wait_for(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == [author.email]
    assert "Upacara Hari Bakti" in mailoutbox[0].subject
    assert "Wajah disamarkan" in mailoutbox[0].body


@WORKER
def test_blurring_an_inline_image_changes_the_texts_src_and_the_flag(
    celery_worker, author, editor, draft
):
    inline = upload(author, astronaut(640), kind=PhotoKind.INLINE, post=draft)
    old_url = inline.image.url
    Post.objects.filter(pk=draft.pk).update(
        body='<p>Upacara.</p><p><img src="%s" alt="Upacara"></p>' % old_url
    )
    draft.refresh_from_db()
    services.post_submit(post=draft, actor=author)
    assert wait_for(lambda: (Post.objects.get(pk=draft.pk).checks or {}).get("faces"))
    assert wait_for(lambda: fresh(inline).faces)

    photo_faces_blur(photo=fresh(inline), actor=editor, faces=[0])

    post = Post.objects.get(pk=draft.pk)
    assert old_url not in post.body
    assert fresh(inline).image.url in post.body
    # The checks ran again on the blurred photo: no faces left to flag.
    assert wait_for(lambda: Post.objects.get(pk=draft.pk).checks.get("faces") == [])


@pytest.mark.django_db
def test_a_drawn_rectangle_is_blurred_too(no_broker, author, editor, draft):
    """A face the detector missed: the editor marks it by hand."""
    photo = upload(author, astronaut(512), post=draft)
    photo_faces_detect(photo_id=photo.pk)
    (box,) = fresh(photo).faces

    photo_faces_blur(photo=fresh(photo), actor=editor, regions=[box])

    assert fresh(photo).faces == []
    event = PostEvent.objects.get(post=draft, action=PostAction.EDIT)
    assert "1 area yang ditandai redaksi" in event.comment


@pytest.mark.django_db
def test_blur_refuses_nothing_chosen_a_bad_rectangle_and_a_stale_page(
    no_broker, author, editor, draft
):
    photo = upload(author, astronaut(512), post=draft)
    photo_faces_detect(photo_id=photo.pk)
    photo = fresh(photo)
    name = photo.image.name

    for faces, regions, code in (
        ([], [], "nothing_chosen"),
        ([], [(10, 10, 2, 2)], "region_invalid"),  # too small to mean anything
        ([], [(510, 510, 100, 100)], "region_invalid"),  # 2 x 2 px inside
        ([], [("a", 1, 2, 3)], "region_invalid"),
        ([5], [], "photo_changed"),  # no face 6: the page was stale
    ):
        with pytest.raises(ValidationError) as caught:
            photo_faces_blur(photo=photo, actor=editor, faces=faces, regions=regions)
        assert caught.value.code == code
    with pytest.raises(ValidationError) as caught:
        photo_faces_blur(photo=photo, actor=editor, faces=[0], version="photos/x.jpg")
    assert caught.value.code == "photo_changed"

    assert fresh(photo).image.name == name
    assert not PostEvent.objects.filter(action=PostAction.EDIT).exists()


@pytest.mark.django_db
def test_only_editors_may_blur(no_broker, author, draft):
    photo = upload(author, astronaut(512), post=draft)
    photo_faces_detect(photo_id=photo.pk)
    reviewer = ReviewerFactory(region=author.unit.region)

    for actor in (author, reviewer):
        with pytest.raises(ValidationError):
            photo_faces_blur(photo=fresh(photo), actor=actor, faces=[0])
    assert fresh(photo).image.name == photo.image.name


# --- The decision page and the blur page ---------------------------------------------


def blur_url(photo):
    return reverse("admin:news_post_photo_blur", args=[photo.post_id, photo.pk])


@pytest.fixture
def submitted_with_faces(no_broker, author, draft):
    Post.objects.filter(pk=draft.pk).update(status="submitted")
    photo = upload(author, two_people(), post=draft)
    photo_faces_detect(photo_id=photo.pk)
    empty = upload(author, no_people(), kind=PhotoKind.COVER, post=draft)
    photo_faces_detect(photo_id=empty.pk)
    return fresh(photo)


@pytest.mark.django_db
def test_decision_page_shows_the_flag_and_the_way_to_blur(
    client, editor, submitted_with_faces
):
    client.force_login(editor)
    photo = submitted_with_faces

    content = client.get(
        reverse("admin:news_post_change", args=[photo.post_id])
    ).content.decode()

    assert "2 %s" % FLAG in content
    assert "Tidak ada wajah terdeteksi." in content  # the cover
    assert 'href="%s"' % blur_url(photo) in content
    assert "Samarkan wajah" in content


@pytest.mark.django_db
def test_blur_page_lists_faces_and_blurs_the_ticked_ones(
    client, editor, submitted_with_faces, django_assert_max_num_queries
):
    client.force_login(editor)
    photo = submitted_with_faces

    with django_assert_max_num_queries(25):
        response = client.get(blur_url(photo))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('class="face-box"') == 2
    assert content.count('name="faces"') == 2
    assert content.count("checked") == 2  # every face ticked at first
    assert 'name="area-0-x"' in content  # rectangles without JavaScript

    response = client.post(
        blur_url(photo),
        {
            "version": photo.image.name,
            "faces": ["1"],  # the right-hand face only
            "area-TOTAL_FORMS": "2",
            "area-INITIAL_FORMS": "0",
            "area-0-x": "",
            "area-0-y": "",
            "area-0-w": "",
            "area-0-h": "",
            "area-1-x": "",
            "area-1-y": "",
            "area-1-w": "",
            "area-1-h": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#foto-berita")
    blurred = fresh(photo)
    assert blurred.image.name != photo.image.name
    assert len(blurred.faces) == 1 and blurred.faces[0][0] < 512  # the left one


@pytest.mark.django_db
def test_blur_page_takes_a_rectangle_in_percent(client, editor, submitted_with_faces):
    client.force_login(editor)
    photo = submitted_with_faces

    response = client.post(
        blur_url(photo),
        {
            "version": photo.image.name,
            "area-TOTAL_FORMS": "1",
            "area-INITIAL_FORMS": "0",
            # The whole left half: the left face goes, the right one stays.
            "area-0-x": "0",
            "area-0-y": "0",
            "area-0-w": "50",
            "area-0-h": "100",
        },
    )

    assert response.status_code == 302
    blurred = fresh(photo)
    assert len(blurred.faces) == 1 and blurred.faces[0][0] >= 512


@pytest.mark.django_db
def test_blur_page_explains_a_bad_rectangle_and_changes_nothing(
    client, editor, submitted_with_faces
):
    client.force_login(editor)
    photo = submitted_with_faces

    response = client.post(
        blur_url(photo),
        {
            "version": photo.image.name,
            "area-TOTAL_FORMS": "1",
            "area-INITIAL_FORMS": "0",
            "area-0-x": "80",
            "area-0-y": "10",
            "area-0-w": "40",
            "area-0-h": "",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Isi keempat angka area" in content
    assert fresh(photo).image.name == photo.image.name


@pytest.mark.django_db
def test_reviewers_and_unit_staff_cannot_blur(client, author, submitted_with_faces):
    photo = submitted_with_faces
    reviewer = ReviewerFactory(region=author.unit.region)

    client.force_login(reviewer)
    change = client.get(reverse("admin:news_post_change", args=[photo.post_id]))
    assert "2 %s" % FLAG in change.content.decode()  # they see the flag
    assert blur_url(photo) not in change.content.decode()  # not the button
    assert client.get(blur_url(photo)).status_code == 403
    assert client.post(blur_url(photo), {"faces": ["0"]}).status_code == 403

    client.force_login(author)
    assert client.get(blur_url(photo)).status_code in (302, 403, 404)
    assert client.post(blur_url(photo), {"faces": ["0"]}).status_code in (
        302,
        403,
        404,
    )
    assert fresh(photo).image.name == photo.image.name
