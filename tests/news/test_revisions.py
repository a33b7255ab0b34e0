"""What changed since "request changes": snapshots, the diff and the unit's answer."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from news import selectors, services
from news.models import Photo, PhotoKind, PostAction, PostEvent, PostRevision
from news.models import PostStatus as S
from news.templatetags.news_tags import waktu_lengkap
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    RefusalReasonFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Kegiatan pembinaan kemandirian diikuti dua puluh warga binaan.</p>"
    "<p>Pelatihan berlangsung di bengkel kerja &amp; aula.</p>"
)
# Words an HTML-source diff would show, and which a reader never sees.
MARKUP_TRACES = ("&lt;p&gt;", "&lt;/p&gt;", "&amp;amp;")
ENGLISH = ("No Differences Found", "Added", "Deleted", "Changed", "UTC")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args, **kw: True)


@pytest.fixture
def contributor(unit):
    return UserFactory(unit=unit)


@pytest.fixture
def post(contributor):
    post = services.post_create(
        author=contributor,
        title="Pelatihan menjahit bagi warga binaan",
        lead="Warga binaan belajar menjahit seragam.",
        body=BODY,
        category=CategoryFactory(name="Pembinaan"),
        tags=["menjahit"],
    )
    Photo.objects.create(
        unit=post.unit,
        post=post,
        uploaded_by=contributor,
        kind=PhotoKind.COVER,
        image="photos/ab/%s.jpg" % ("ab" + "0" * 30),
        width=1200,
        height=800,
        caption="Peserta menjahit di bengkel",
        alt_text="Warga binaan menjahit",
        credit="Humas Lapas",
    )
    return post


@pytest.fixture
def sent_back(post, contributor, editor):
    """Submitted, then returned by the editors with a request for changes."""
    services.post_submit(post=post, actor=contributor)
    services.post_request_changes(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Sebutkan jumlah peserta yang benar.",
    )
    post.refresh_from_db()
    return post


def resubmit_with_changes(post, contributor, *, note=""):
    services.post_update(
        post=post,
        actor=contributor,
        title="Pelatihan menjahit bagi warga binaan Lapas",
        body=BODY.replace("kemandirian", "kepribadian").replace(
            "dua puluh", "dua puluh lima"
        ),
    )
    photo = post.photos.get()
    services.photo_update(
        photo=photo, actor=contributor, caption="Peserta menjahit seragam di bengkel"
    )
    services.post_submit(post=post, actor=contributor, note=note)
    post.refresh_from_db()
    return post


# --- Snapshots -------------------------------------------------------------------


def test_every_submission_keeps_a_snapshot_of_what_was_sent(post, contributor, editor):
    services.post_submit(post=post, actor=contributor)

    (snapshot,) = post.snapshots.all()
    assert snapshot.event.action == PostAction.SUBMIT
    assert snapshot.event.post_id == post.pk
    data = snapshot.data
    assert data["title"] == "Pelatihan menjahit bagi warga binaan"
    assert data["lead"] == "Warga binaan belajar menjahit seragam."
    assert "kemandirian" in data["body"]
    assert data["category"] == "Pembinaan"
    assert data["tags"] == ["menjahit"]
    assert data["programme"] == ""
    (photo,) = data["photos"]
    assert photo["kind"] == PhotoKind.COVER
    assert photo["caption"] == "Peserta menjahit di bengkel"
    assert photo["alt_text"] == "Warga binaan menjahit"
    assert photo["credit"] == "Humas Lapas"

    services.post_request_changes(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Perbaiki judul.",
    )
    resubmit_with_changes(post, contributor)

    newest, returned, oldest = post.snapshots.order_by("-event__created_at")
    assert oldest == snapshot
    # The version sent back is kept with the request for changes.
    assert returned.event.action == PostAction.REQUEST_CHANGES
    assert returned.data == snapshot.data
    assert newest.event.action == PostAction.SUBMIT
    assert newest.data["title"] == "Pelatihan menjahit bagi warga binaan Lapas"
    assert newest.data["photos"][0]["caption"] == "Peserta menjahit seragam di bengkel"
    assert PostEvent.objects.filter(post=post, action=PostAction.SUBMIT).count() == 2


def test_a_refused_submission_keeps_no_snapshot(post, contributor):
    post.body = "<p> </p>"
    post.save()

    with pytest.raises(ValidationError):
        services.post_submit(post=post, actor=contributor)

    assert not post.snapshots.exists()


def test_tags_in_the_snapshot_are_names_in_alphabetical_order(post, contributor):
    post.tags.add(TagFactory(name="Apa Kabar"), TagFactory(name="kemandirian"))

    services.post_submit(post=post, actor=contributor)

    assert post.snapshots.get().data["tags"] == ["Apa Kabar", "kemandirian", "menjahit"]


# --- The contributor's answer ----------------------------------------------------


def test_a_resubmission_without_change_or_note_is_refused(sent_back, contributor):
    with pytest.raises(ValidationError) as refused:
        services.post_submit(post=sent_back, actor=contributor)

    assert refused.value.code == "no_change"
    assert "belum diubah sejak dikembalikan" in refused.value.messages[0]
    sent_back.refresh_from_db()
    assert sent_back.status == S.CHANGES_REQUESTED
    assert sent_back.snapshots.count() == 2


def test_a_note_alone_is_a_valid_answer(sent_back, contributor):
    services.post_submit(
        post=sent_back,
        actor=contributor,
        note="  Jumlah peserta memang dua puluh orang,\nsesuai daftar hadir.  ",
    )

    sent_back.refresh_from_db()
    assert sent_back.status == S.SUBMITTED
    event = sent_back.events.filter(action=PostAction.SUBMIT).first()
    assert event.comment == (
        "Jumlah peserta memang dua puluh orang,\nsesuai daftar hadir."
    )
    assert event.snapshot.data == sent_back.snapshots.last().data


def test_a_change_alone_is_a_valid_answer(sent_back, contributor):
    resubmit_with_changes(sent_back, contributor)

    assert sent_back.status == S.SUBMITTED
    assert sent_back.events.filter(action=PostAction.SUBMIT).first().comment == ""


def test_a_caption_change_counts_as_a_change(sent_back, contributor):
    photo = sent_back.photos.get()
    services.photo_update(photo=photo, actor=contributor, credit="Humas Kanwil")

    services.post_submit(post=sent_back, actor=contributor)

    sent_back.refresh_from_db()
    assert sent_back.status == S.SUBMITTED


def test_a_too_long_note_is_refused(sent_back, contributor):
    with pytest.raises(ValidationError) as refused:
        services.post_submit(post=sent_back, actor=contributor, note="x" * 2001)

    assert refused.value.code == "max_length"


def test_the_post_page_asks_for_a_note_only_when_changes_were_requested(
    client, post, sent_back, contributor
):
    client.force_login(contributor)
    url = reverse("news:post", args=[sent_back.pk])

    page = client.get(url).content.decode()

    assert "Catatan untuk redaksi" in page
    assert 'name="catatan_redaksi"' in page
    assert "Kirim ulang ke redaksi" in page

    draft = services.post_create(
        author=contributor,
        title="Draf lain",
        lead="Ringkasan.",
        body="<p>Isi.</p>",
        category=CategoryFactory(),
    )
    assert 'name="catatan_redaksi"' not in (
        client.get(reverse("news:post", args=[draft.pk])).content.decode()
    )


def test_the_view_shows_the_refusal_and_then_takes_the_note(
    client, sent_back, contributor
):
    client.force_login(contributor)
    submit_url = reverse("news:submit", args=[sent_back.pk])

    refused = client.post(submit_url, follow=True).content.decode()

    assert "belum diubah sejak dikembalikan" in refused
    sent_back.refresh_from_db()
    assert sent_back.status == S.CHANGES_REQUESTED

    response = client.post(
        submit_url,
        {"catatan_redaksi": "Data peserta sudah benar, sesuai daftar hadir."},
        follow=True,
    )

    sent_back.refresh_from_db()
    assert sent_back.status == S.SUBMITTED
    page = response.content.decode()
    # The note is in the post's history on the contributor's page.
    assert "Data peserta sudah benar, sesuai daftar hadir." in page


def test_the_editors_see_the_note_in_the_history(client, sent_back, contributor):
    services.post_submit(
        post=sent_back, actor=contributor, note="Foto sudah sesuai permintaan."
    )
    client.force_login(EditorFactory())

    page = client.get(
        reverse("admin:news_post_change", args=[sent_back.pk])
    ).content.decode()

    assert page.count("Foto sudah sesuai permintaan.") >= 1
    history = client.get(
        reverse("admin:news_post_history", args=[sent_back.pk])
    ).content.decode()
    assert "Foto sudah sesuai permintaan." in history


# --- The diff on the decision page --------------------------------------------------


def test_no_diff_before_the_unit_has_answered(sent_back):
    assert selectors.post_resubmission_diff(post=sent_back) is None


def test_no_diff_for_a_first_submission(post, contributor):
    services.post_submit(post=post, actor=contributor)

    assert selectors.post_resubmission_diff(post=post) is None


def test_the_selector_compares_with_the_version_sent_back(sent_back, contributor):
    resubmit_with_changes(sent_back, contributor, note="Sudah diperbaiki.")

    found = selectors.post_resubmission_diff(post=sent_back)

    assert found.request.action == PostAction.REQUEST_CHANGES
    assert found.sent_back.data["title"] == "Pelatihan menjahit bagi warga binaan"
    assert found.note == "Sudah diperbaiki."
    assert {f.name for f in found.diff.changed_fields} == {"title", "body"}
    (photo,) = found.diff.changed_photos
    assert photo.url.endswith(".jpg")


def test_the_selector_costs_the_same_whatever_the_number_of_rounds(
    sent_back, contributor, editor, django_assert_max_num_queries
):
    for round_ in range(3):
        services.post_submit(
            post=sent_back, actor=contributor, note="Putaran %d" % round_
        )
        services.post_request_changes(
            post=sent_back,
            actor=editor,
            reason_type=RefusalReasonFactory(),
            comment="Lagi %d" % round_,
        )
    resubmit_with_changes(sent_back, contributor)

    with django_assert_max_num_queries(4):
        found = selectors.post_resubmission_diff(post=sent_back)

    assert found.request.comment == "Lagi 2"
    assert found.sent_back.event == found.request
    assert found.resubmitted.event.comment == ""


@pytest.fixture
def editor_page(client, sent_back, contributor, editor):
    resubmit_with_changes(
        sent_back, contributor, note="Jumlah peserta dan judul sudah diperbaiki."
    )
    client.force_login(editor)
    url = reverse("admin:news_post_change", args=[sent_back.pk])
    return client.get(url).content.decode()


def _section(page: str) -> str:
    match = re.search(r'<section class="module news-diff".*?</section>', page, re.S)
    assert match, "no diff on the page"
    return match.group(0)


def test_the_decision_page_shows_the_diff_with_indonesian_labels_and_wib(
    editor_page, sent_back
):
    diff = _section(editor_page)
    snapshots = list(sent_back.snapshots.order_by("created_at", "id"))
    request = sent_back.events.get(action=PostAction.REQUEST_CHANGES)

    assert "Perubahan sejak diminta perbaikan" in diff
    assert "Versi yang dikembalikan" in diff
    assert "Versi kiriman ulang" in diff
    moments = (snapshots[-1].event.created_at, request.created_at)
    for moment in moments:
        assert waktu_lengkap(moment) in diff
    assert re.search(r"\d{2}\.\d{2} WIB", diff)
    assert "Sebutkan jumlah peserta yang benar." in diff
    assert "Jumlah peserta dan judul sudah diperbaiki." in diff
    assert "ditambah" in diff and "dihapus" in diff
    for english in ENGLISH:
        assert english not in diff


def test_the_diff_is_of_rendered_text_with_whole_words(editor_page):
    diff = _section(editor_page)

    # Words are replaced whole: never "ke" kept and "mandirian" changed.
    assert re.search(
        r"<del><span class=\"diff-sr\">\[dihapus:\] </span>kemandirian<", diff
    )
    assert re.search(
        r"<ins><span class=\"diff-sr\">\[ditambah:\] </span>kepribadian<", diff
    )
    assert re.search(r"<ins><span class=\"diff-sr\">\[ditambah:\] </span>lima<", diff)
    assert re.search(r"<ins><span class=\"diff-sr\">\[ditambah:\] </span>Lapas<", diff)
    # Entities decoded, tags gone: the reader's text, not the HTML source.
    assert "bengkel kerja &amp; aula" in diff
    for trace in MARKUP_TRACES:
        assert trace not in diff
    assert "<h3>Judul</h3>" in diff and "<h3>Isi berita</h3>" in diff
    assert "Tidak berubah:" in diff


def test_the_diff_names_a_changed_photo_caption(editor_page):
    diff = _section(editor_page)

    assert "Foto utama" in diff
    assert "Diubah" in diff
    assert "Keterangan foto" in diff
    assert re.search(r"\[ditambah:\] </span>seragam<", diff)
    assert 'alt="Warga binaan menjahit"' in diff


def test_the_diff_says_when_the_photos_did_not_change(
    client, sent_back, contributor, editor
):
    services.post_update(post=sent_back, actor=contributor, title="Judul diperbaiki")
    services.post_submit(post=sent_back, actor=contributor)
    client.force_login(editor)

    page = client.get(reverse("admin:news_post_change", args=[sent_back.pk]))

    unchanged = re.search(
        r'<p class="diff-unchanged">(Tidak berubah:.*?)</p>',
        _section(page.content.decode()),
    )
    assert unchanged.group(1).startswith("Tidak berubah: ringkasan, isi berita")
    assert unchanged.group(1).endswith(", foto.")


def test_the_decision_form_shows_the_diff_too(client, sent_back, contributor, editor):
    resubmit_with_changes(sent_back, contributor)
    client.force_login(editor)

    page = client.get(
        reverse("admin:news_post_decide", args=[sent_back.pk, "setujui"])
    ).content.decode()

    assert "Versi kiriman ulang" in _section(page)


def test_an_answer_with_only_a_note_says_nothing_changed(
    client, sent_back, contributor, editor
):
    services.post_submit(
        post=sent_back, actor=contributor, note="Data sudah benar adanya."
    )
    client.force_login(editor)

    diff = _section(
        client.get(
            reverse("admin:news_post_change", args=[sent_back.pk])
        ).content.decode()
    )

    assert "Isi berita tidak berubah sejak dikembalikan." in diff
    assert "Data sudah benar adanya." in diff


# --- The editors' revisions of published posts -------------------------------------


@pytest.fixture
def revised(contributor, editor):
    post = PostFactory(
        author=contributor,
        status=S.PUBLISHED,
        published_at=timezone.now(),
        title="Lama",
        body="<p>Paragraf satu.</p><p>Paragraf <b>kemandirian</b> lama.</p>",
    )
    services.post_update(
        post=post,
        actor=editor,
        body="<p>Paragraf satu.</p><p>Paragraf kepribadian baru.</p>",
    )
    return post


def test_the_revision_list_shows_wib_times(client, revised, editor):
    revision = PostRevision.objects.get(post=revised)
    client.force_login(editor)

    page = client.get(
        reverse("admin:news_post_revisions", args=[revised.pk])
    ).content.decode()

    assert waktu_lengkap(revision.created_at) in page
    assert "WIB" in page


def test_the_revision_diff_is_readable(client, revised, editor):
    revision = PostRevision.objects.get(post=revised)
    client.force_login(editor)
    url = reverse("admin:news_post_revision_diff", args=[revised.pk, revision.pk])

    page = client.get(url).content.decode()

    assert waktu_lengkap(revision.created_at) in page
    assert "versi sekarang" in page
    assert re.search(r"\[dihapus:\] </span>kemandirian lama<", page) and re.search(
        r"\[ditambah:\] </span>kepribadian baru<", page
    )
    for trace in (*MARKUP_TRACES, "&lt;b&gt;", 'class="diff"'):
        assert trace not in page
    for english in ENGLISH:
        assert english not in page
    assert "Tidak berubah: judul, ringkasan." in page
    assert client.get(url, {"terhadap": "sekarang"}).status_code == 200
    assert (
        client.get(
            reverse("admin:news_post_revision_diff", args=[revised.pk, 999999])
        ).status_code
        == 404
    )


def test_snapshots_follow_their_submissions_time_not_their_own(sent_back, contributor):
    """Backdated history (the demo's) still pairs each snapshot with its round."""
    returned = sent_back.snapshots.get(event__action=PostAction.REQUEST_CHANGES)
    PostEvent.objects.filter(post=sent_back).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    PostEvent.objects.filter(post=sent_back, action=PostAction.REQUEST_CHANGES).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    resubmit_with_changes(sent_back, contributor)

    found = selectors.post_resubmission_diff(post=sent_back)

    assert found.sent_back == returned
    assert found.diff.has_changes


def test_the_editors_own_edits_are_part_of_the_version_sent_back(
    client, post, contributor, editor
):
    services.post_submit(post=post, actor=contributor)
    services.post_update(post=post, actor=editor, lead="Ringkasan dari redaksi.")
    services.post_request_changes(
        post=post,
        actor=editor,
        reason_type=RefusalReasonFactory(),
        comment="Periksa isi.",
    )

    # Unchanged since it was sent back, editors' edit included: refused.
    with pytest.raises(ValidationError):
        services.post_submit(post=post, actor=contributor)
    resubmit_with_changes(post, contributor)

    found = selectors.post_resubmission_diff(post=post)
    # Only what the unit changed, not the editor's lead.
    assert {f.name for f in found.diff.changed_fields} == {"title", "body"}
    client.force_login(editor)
    page = client.get(reverse("admin:news_post_change", args=[post.pk]))
    assert "termasuk suntingan redaksi" in _section(page.content.decode())
