"""Redis stopped while a contributor submits a post with photos.

A real gunicorn whose broker and cache are a private Redis that is down: the
contributor saves a draft with a cover and two gallery photos and sends it to
the editors through the web forms, and sees both succeed. Nothing reached a
worker. Redis comes back, a real worker starts and the two sweepers are sent
as beat sends them; every photo gets all its renditions and the editor's mail
goes out (one file per mail, EMAIL_URL=filemail://).

The sweepers only pick up work older than their thresholds (photos 2 minutes,
mail 2 minutes): the rows are dated back past them, as after an outage longer
than that; with beat running both every 2 minutes the worst case after Redis
returns is threshold + interval = 4 minutes plus the drain measured here.
"""

import json
import shutil
import subprocess
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Photo, PhotoStatus, Post, PostAction, PostEvent, PostStatus
from news.services.renditions import rendition_specs
from tests.factories import CategoryFactory, EditorFactory, UnitFactory, UserFactory
from tests.faults.conftest import WebSession, stored_path
from tests.faults.procs import LOGS, SCRATCH, VENV_BIN, CeleryWorker, Gunicorn, wait_for
from tests.news.images import encoded
from units.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def beat_sends(task: str, env: dict) -> None:
    """What beat does on schedule: put the task on the broker by name."""
    subprocess.run(
        [str(VENV_BIN / "celery"), "-A", "portal", "call", task],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def photo_field(name: str, size=(1600, 1067)):
    return (name, encoded("JPEG", size, quality=90), "image/jpeg")


def test_a_submission_while_redis_is_down_is_saved_and_completed_when_it_returns(
    env_for, private_redis, shared_media
):
    unit = UnitFactory(requires_head_approval=False)
    contributor = UserFactory(unit=unit, role=Role.CONTRIBUTOR)
    editor = EditorFactory(editor_digest=False, email="redaksi@example.go.id")
    category = CategoryFactory(name="Pembinaan", slug="pembinaan")
    mail_dir = SCRATCH / ("mail-%d" % private_redis.port)
    env = env_for(private_redis.url, EMAIL_URL="filemail:///%s" % mail_dir)

    private_redis.stop()
    web = Gunicorn(env, workers=1, name="redis-outage-web").start()
    worker = None
    try:
        client = Client()
        client.force_login(contributor)
        browser = WebSession(web.url)
        browser.cookies["sessionid"] = client.cookies["sessionid"].value

        # The contributor writes a post with a cover and two gallery photos.
        form = browser.get(reverse("news:create"))
        assert form.status == 200, form.data[:2000]
        token = browser.csrf_token(form.data.decode())
        response = browser.post(
            reverse("news:create"),
            {
                "csrfmiddlewaretoken": token,
                "title": "Pelatihan menjahit bagi warga binaan Lapas Salemba",
                "lead": "Tiga puluh warga binaan belajar menjahit selama satu "
                "pekan di bengkel kerja.",
                "body": "<p>Pelatihan berlangsung di bengkel kerja Lapas.</p>",
                "category": str(category.pk),
                "tags": "pembinaan",
                "programme": "",
                "event_date": "",
                "location": "Bengkel kerja",
                "sampul-file": photo_field("sampul.jpg"),
                "sampul-alt_text": "Warga binaan menjahit kain batik",
                "galeri-TOTAL_FORMS": "3",
                "galeri-INITIAL_FORMS": "0",
                "galeri-MIN_NUM_FORMS": "0",
                "galeri-MAX_NUM_FORMS": "10",
                "galeri-0-file": photo_field("galeri1.jpg"),
                "galeri-0-alt_text": "Instruktur memeriksa jahitan peserta",
                "galeri-1-file": photo_field("galeri2.jpg", (1200, 900)),
                "galeri-1-alt_text": "Hasil jahitan dipajang di ruang kerja",
            },
        )
        assert response.status == 302, response.data.decode()[:3000]
        post = Post.objects.get()
        page = browser.get(response.headers["Location"])
        assert page.status == 200
        assert "Draf berita tersimpan" in page.data.decode()

        # ... and sends it to the editors, still with Redis down.
        token = browser.csrf_token(page.data.decode())
        response = browser.post(
            reverse("news:submit", args=[post.pk]),
            {"csrfmiddlewaretoken": token, "catatan_redaksi": ""},
        )
        assert response.status == 302
        page = browser.get(response.headers["Location"])
        assert page.status == 200
        assert "Berita dikirim ke redaksi" in page.data.decode()

        post.refresh_from_db()
        assert post.status == PostStatus.SUBMITTED
        photos = list(Photo.objects.filter(post=post))
        assert len(photos) == 3
        assert {p.status for p in photos} == {PhotoStatus.PENDING}
        event = PostEvent.objects.get(post=post, action=PostAction.SUBMIT)
        assert event.notified_at is None
        log = (LOGS / "redis-outage-web.log").read_text(errors="replace")
        assert "Could not enqueue" in log

        # The outage lasted longer than the sweepers' thresholds.
        past = timezone.now() - timedelta(minutes=10)
        Photo.objects.filter(post=post).update(created_at=past)
        PostEvent.objects.filter(post=post).update(created_at=past)

        private_redis.start()
        back = time.monotonic()
        worker = CeleryWorker(env, name="redis-outage-worker").start()
        beat_sends("news.tasks.sweep_missing_renditions", env)
        beat_sends("news.tasks.resend_pending_notifications", env)

        def all_done():
            ready = Photo.objects.filter(post=post, status=PhotoStatus.READY).count()
            event.refresh_from_db()
            return ready == 3 and event.notified_at is not None

        wait_for(all_done, timeout=300, interval=0.25, what="renditions and mail")
        swept_s = time.monotonic() - back

        # The same web process enqueues again without a restart: a new
        # photo is rendered by the worker straight away, with no sweeper.
        page = browser.get(reverse("news:edit", args=[post.pk]))
        assert page.status == 302  # sent: no longer editable; use a new post
        form = browser.get(reverse("news:create"))
        response = browser.post(
            reverse("news:create"),
            {
                "csrfmiddlewaretoken": browser.csrf_token(form.data.decode()),
                "title": "Bakti sosial warga binaan di panti jompo",
                "lead": "Warga binaan membersihkan halaman panti.",
                "body": "<p>Kegiatan berlangsung sepanjang pagi.</p>",
                "category": str(category.pk),
                "sampul-file": photo_field("bakti.jpg", (800, 600)),
                "sampul-alt_text": "Warga binaan menyapu halaman panti",
                "galeri-TOTAL_FORMS": "0",
                "galeri-INITIAL_FORMS": "0",
                "galeri-MIN_NUM_FORMS": "0",
                "galeri-MAX_NUM_FORMS": "10",
            },
        )
        assert response.status == 302
        later = Photo.objects.exclude(post=post).get()
        wait_for(
            lambda: Photo.objects.filter(pk=later.pk, status=PhotoStatus.READY),
            timeout=60,
            what="the new photo's renditions",
        )
    finally:
        if worker is not None:
            worker.stop()
        web.stop()

    media, private = shared_media
    for photo in Photo.objects.all():
        specs = set(rendition_specs(width=photo.width))
        made = {(r.width, r.format): r for r in photo.renditions.all()}
        assert set(made) == specs
        for rendition in made.values():
            path = stored_path(media, private, rendition.file.name)
            assert path.stat().st_size == rendition.bytes
    mails = [p.read_text() for p in mail_dir.iterdir()]
    shutil.rmtree(mail_dir)
    assert len(mails) == 1
    assert editor.email in mails[0]
    assert "Pelatihan menjahit" in mails[0]
    print(json.dumps({"redis_outage_sweep_s": round(swept_s, 1)}))
