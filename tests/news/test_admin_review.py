"""The editors' decision page: photos, preview, queue, history, reviewers, republish.

Used through the test client as each role: editor, the region's reviewer, a
reviewer of another region, a contributor and a visitor.
"""

import importlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from news import selectors
from news.models import (
    Photo,
    PhotoKind,
    PhotoStatus,
    PostAction,
    PostEvent,
    PostStatus,
    Recommendation,
    ReviewRecommendation,
)
from news.services.decisions import post_recommend, post_republish
from tests.factories import (
    EditorFactory,
    PostFactory,
    RegionFactory,
    ReviewerFactory,
    UnitFactory,
    UserFactory,
)
from tests.news.images import encoded

S = PostStatus
pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:news_post_changelist")


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("portal.enqueue.enqueue", lambda task, *args, **kw: True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def central_java_unit():
    # The demo reviewer's region (ReviewerFactory: province 33).
    return UnitFactory(region=RegionFactory(province_code="33"))


@pytest.fixture
def post(central_java_unit):
    author = UserFactory(unit=central_java_unit)
    return PostFactory(
        author=author,
        status=S.SUBMITTED,
        submitted_at=timezone.now() - timedelta(hours=2),
        body="<p>Warga binaan <strong>menanam</strong> sayur.</p>",
    )


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


@pytest.fixture
def reviewer():
    return ReviewerFactory()


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def add_photo(post, kind, **fields):
    photo = Photo(
        unit=post.unit,
        post=post,
        uploaded_by=post.author,
        kind=kind,
        width=640,
        height=480,
        alt_text=fields.pop("alt_text", "Warga binaan menanam sayur"),
        status=fields.pop("status", PhotoStatus.READY),
        **fields,
    )
    photo.image.save("x.jpg", ContentFile(encoded()), save=False)
    photo.save()
    return photo


def change_url(post):
    return reverse("admin:news_post_change", args=[post.pk])


def photo_url(post, photo, suffix=""):
    name = "admin:news_post_photo" + suffix
    return reverse(name, args=[post.pk, photo.pk])


def preview_url(post):
    return reverse("admin:news_post_preview", args=[post.pk])


# --- Photos on the decision page ------------------------------------------------


def test_editor_sees_every_photo_with_its_details_opening_full_size(
    editor_client, post
):
    cover = add_photo(post, PhotoKind.COVER, caption="Panen sayur", credit="Humas")
    add_photo(post, PhotoKind.GALLERY, caption="Kebun", status=PhotoStatus.PENDING)
    add_photo(post, PhotoKind.INLINE, alt_text="Bibit cabai", status=PhotoStatus.FAILED)

    page = editor_client.get(change_url(post)).content.decode()

    assert "Foto berita (3)" in page
    for text in ("Foto utama", "Galeri", "Gambar dalam teks"):
        assert text in page
    for text in ("Panen sayur", "Humas", "Bibit cabai", "640 × 480 px"):
        assert text in page
    for status in ("Siap", "Sedang diproses", "Gagal diproses"):
        assert status in page
    assert 'href="%s"' % cover.image.url in page
    assert photo_url(post, cover) in page
    assert photo_url(post, cover, "_delete") in page


def test_editor_corrects_a_caption_and_the_history_says_what_changed(
    editor_client, post
):
    photo = add_photo(post, PhotoKind.COVER, caption="Panen sayr", credit="Humas")
    form = editor_client.get(photo_url(post, photo)).content.decode()
    assert "Panen sayr" in form

    response = editor_client.post(
        photo_url(post, photo),
        {"caption": "Panen sayur", "alt_text": photo.alt_text, "credit": "Humas"},
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Panen sayur"
    event = PostEvent.objects.get(post=post, action=PostAction.EDIT)
    assert "“Panen sayr” menjadi “Panen sayur”" in event.comment


def test_an_empty_alt_text_is_refused_and_nothing_changes(editor_client, post):
    photo = add_photo(post, PhotoKind.GALLERY, caption="Kebun")

    response = editor_client.post(
        photo_url(post, photo), {"caption": "Kebun baru", "alt_text": " ", "credit": ""}
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    photo.refresh_from_db()
    assert photo.caption == "Kebun"
    assert not PostEvent.objects.filter(action=PostAction.EDIT).exists()


def test_removing_a_photo_asks_first_then_removes_it(editor_client, post):
    photo = add_photo(post, PhotoKind.GALLERY, caption="Kebun")

    confirm = editor_client.get(photo_url(post, photo, "_delete"))
    assert confirm.status_code == 200
    assert "Ya, hapus foto" in confirm.content.decode()
    assert Photo.objects.filter(pk=photo.pk).exists()

    response = editor_client.post(photo_url(post, photo, "_delete"))

    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    event = PostEvent.objects.get(post=post, action=PostAction.EDIT)
    assert "Foto dihapus" in event.comment


def test_photo_pages_use_the_admins_form_styles(editor_client, post):
    photo = add_photo(post, PhotoKind.GALLERY, caption="Kebun")

    for url in (photo_url(post, photo), photo_url(post, photo, "_delete")):
        page = editor_client.get(url).content.decode()
        # Aligned rows and a full-size "Batal" button, as on the change form.
        assert "admin/css/forms.css" in page
        assert 'class="closelink">Batal</a>' in page
    form = editor_client.get(photo_url(post, photo)).content.decode()
    assert '<fieldset class="module aligned">' in form


def test_a_photo_of_another_post_is_not_found(editor_client, post):
    other = PostFactory(status=S.SUBMITTED)
    photo = add_photo(other, PhotoKind.GALLERY)
    assert editor_client.get(photo_url(post, photo)).status_code == 404
    assert editor_client.post(photo_url(post, photo, "_delete")).status_code == 404
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_reviewer_sees_photos_but_cannot_change_or_remove_them(reviewer_client, post):
    photo = add_photo(post, PhotoKind.COVER, caption="Panen sayur")

    page = reviewer_client.get(change_url(post)).content.decode()

    assert "Panen sayur" in page
    assert photo.image.url in page
    assert photo_url(post, photo) not in page
    assert reviewer_client.post(photo_url(post, photo, "_delete")).status_code == 403
    assert Photo.objects.filter(pk=photo.pk).exists()


# --- Preview ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.REJECTED, S.UNPUBLISHED])
def test_editor_previews_a_post_in_any_status_with_a_banner(
    editor_client, post, status
):
    post.status = status
    post.save()

    response = editor_client.get(preview_url(post))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Pratinjau redaksi" in page
    assert "Status saat ini: %s" % post.get_status_display() in page
    assert post.title in page
    assert 'href="%s"' % change_url(post) in page
    assert "noindex" in page


def test_reviewer_of_the_region_previews_others_get_404(client, post, reviewer):
    client.force_login(reviewer)
    assert client.get(preview_url(post)).status_code == 200

    client.force_login(ReviewerFactory(region=RegionFactory(province_code="35")))
    assert client.get(preview_url(post)).status_code == 404

    client.force_login(post.author)
    assert client.get(preview_url(post)).status_code == 404


def test_a_visitor_is_asked_to_log_in_for_the_preview(client, post):
    response = client.get(preview_url(post))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_queue_rows_and_decision_box_link_to_the_preview(editor_client, post):
    assert preview_url(post) in editor_client.get(CHANGELIST).content.decode()
    assert preview_url(post) in editor_client.get(change_url(post)).content.decode()


# --- The queue --------------------------------------------------------------------


def test_queue_shows_the_columns_that_matter_in_wib(editor_client, post):
    page = editor_client.get(CHANGELIST).content.decode()
    for header in ("Judul", "UPT", "Kanwil", "Status", "Dikirim", "Menunggu"):
        assert header.lower() in page.lower()
    assert "Rekomendasi kanwil" in page
    assert " WIB" in page
    assert "2 jam" in page


def test_overdue_submissions_are_marked_against_the_configurable_target(
    editor_client, post, settings
):
    assert "lewat target" not in editor_client.get(CHANGELIST).content.decode()

    settings.REVIEW_TARGET_HOURS = 1
    page = editor_client.get(CHANGELIST).content.decode()

    assert "queue-overdue" in page
    assert "lewat target" in page


def test_queue_query_count_does_not_grow_with_rows(
    editor_client, post, reviewer, django_assert_max_num_queries
):
    post_recommend(
        post=post, actor=reviewer, recommendation=Recommendation.PUBLISH, comment="Ok"
    )
    editor_client.get(CHANGELIST)
    with django_assert_max_num_queries(12):
        editor_client.get(CHANGELIST)
    for _ in range(15):
        PostFactory(author=post.author, status=S.SUBMITTED, submitted_at=timezone.now())
    with django_assert_max_num_queries(12):
        editor_client.get(CHANGELIST)


def test_queue_selector_orders_submissions_first_and_scopes_reviewers(post, reviewer):
    older = PostFactory(
        status=S.SUBMITTED, submitted_at=timezone.now() - timedelta(days=3)
    )
    draft = PostFactory(author=post.author, status=S.DRAFT)

    editor_queue = list(selectors.post_queue(user=EditorFactory()))
    assert editor_queue[:2] == [older, post]
    assert draft in editor_queue

    reviewer_queue = list(selectors.post_queue(user=reviewer))
    assert older not in reviewer_queue
    assert draft not in reviewer_queue  # a unit's unfinished work
    assert reviewer_queue[0] == post


# --- History ------------------------------------------------------------------------


def test_the_history_button_shows_the_decision_history_in_wib(
    editor_client, post, reviewer
):
    post_recommend(
        post=post, actor=reviewer, recommendation=Recommendation.CHANGES, comment="Foto"
    )
    history = reverse("admin:news_post_history", args=[post.pk])
    assert history in editor_client.get(change_url(post)).content.decode()

    page = editor_client.get(history).content.decode()

    assert "Direkomendasikan peninjau kanwil" in page
    assert "Perlu perbaikan: Foto" in page
    assert " WIB" in page


# --- Regional reviewers ------------------------------------------------------------


def test_reviewer_reads_the_body_rendered_without_links_they_cannot_follow(
    reviewer_client, post
):
    page = reviewer_client.get(change_url(post)).content.decode()

    assert "<strong>menanam</strong>" in page
    assert "&lt;strong&gt;" not in page
    category_admin = reverse("admin:news_category_change", args=[post.category.pk])
    author_admin = reverse("admin:units_user_change", args=[post.author.pk])
    assert category_admin not in page
    assert author_admin not in page
    assert post.category.name in page
    # No decision buttons, no link to a decision page.
    assert "/keputusan/" not in page


def test_reviewer_recommends_and_editors_see_it_in_queue_and_page(
    client, post, reviewer
):
    client.force_login(reviewer)
    recommend = reverse("admin:news_post_recommend", args=[post.pk])
    assert recommend in client.get(change_url(post)).content.decode()
    refused = client.post(recommend, {"recommendation": "publish", "comment": ""})
    assert refused.status_code == 200
    assert not ReviewRecommendation.objects.exists()

    response = client.post(
        recommend, {"recommendation": "reject", "comment": "Wajah warga binaan."}
    )

    assert response.status_code == 302
    advice = ReviewRecommendation.objects.get()
    assert (advice.post, advice.reviewer) == (post, reviewer)
    event = PostEvent.objects.get(action=PostAction.RECOMMEND)
    assert event.comment == "Tolak: Wajah warga binaan."
    post.refresh_from_db()
    assert post.status == S.SUBMITTED

    client.force_login(EditorFactory())
    assert "recommendation--reject" in client.get(CHANGELIST).content.decode()
    page = client.get(change_url(post)).content.decode()
    assert "Wajah warga binaan." in page
    assert recommend not in page


def test_the_latest_recommendation_counts(post, reviewer):
    post_recommend(
        post=post, actor=reviewer, recommendation=Recommendation.REJECT, comment="a"
    )
    post_recommend(
        post=post, actor=reviewer, recommendation=Recommendation.PUBLISH, comment="b"
    )
    latest = selectors.post_recommendation_latest(post=post)
    assert latest.recommendation == Recommendation.PUBLISH
    row = selectors.post_queue(user=reviewer).get(pk=post.pk)
    assert row.recommendation == Recommendation.PUBLISH


@pytest.mark.parametrize(
    "who", ["other_region", "editor", "contributor"], ids=lambda w: w
)
def test_only_the_regions_reviewer_may_recommend(post, who):
    actor = {
        "other_region": lambda: ReviewerFactory(
            region=RegionFactory(province_code="35")
        ),
        "editor": EditorFactory,
        "contributor": lambda: post.author,
    }[who]()
    with pytest.raises(Exception) as excinfo:
        post_recommend(
            post=post, actor=actor, recommendation=Recommendation.PUBLISH, comment="x"
        )
    assert excinfo.value.code == "permission_denied"
    assert not ReviewRecommendation.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.HEAD_REVIEW, S.PUBLISHED])
def test_no_recommendation_once_the_post_is_not_waiting(post, reviewer, status):
    post.status = status
    post.published_at = timezone.now()
    post.save()
    with pytest.raises(Exception) as excinfo:
        post_recommend(
            post=post,
            actor=reviewer,
            recommendation=Recommendation.PUBLISH,
            comment="x",
        )
    assert excinfo.value.code == "not_waiting"


def test_reviewer_of_another_region_cannot_open_the_post(client, post):
    client.force_login(ReviewerFactory(region=RegionFactory(province_code="35")))
    response = client.get(change_url(post))
    assert response.status_code == 302  # the admin says it does not exist
    history = reverse("admin:news_post_history", args=[post.pk])
    assert client.get(history).status_code == 404


# --- Workflow gaps -------------------------------------------------------------------


def test_editor_republishes_an_unpublished_post(editor_client, post):
    first = timezone.now() - timedelta(days=2)
    post.status = S.UNPUBLISHED
    post.published_at = first
    post.save()
    url = reverse("admin:news_post_decide", args=[post.pk, "terbitkan-kembali"])
    assert url in editor_client.get(change_url(post)).content.decode()

    response = editor_client.post(url, {"_decide": "1"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == S.PUBLISHED
    assert post.published_at == first
    event = PostEvent.objects.get(action=PostAction.REPUBLISH)
    assert (event.from_status, event.to_status) == (S.UNPUBLISHED, S.PUBLISHED)
    assert event.notified_at is None  # the unit is mailed, like other decisions


def test_republish_only_from_unpublished_and_only_by_editors(post):
    with pytest.raises(Exception) as excinfo:
        post_republish(post=post, actor=EditorFactory())
    assert excinfo.value.code == "invalid_transition"
    post.status = S.UNPUBLISHED
    post.save()
    with pytest.raises(Exception) as excinfo:
        post_republish(post=post, actor=post.author)
    assert excinfo.value.code == "permission_denied"


def test_withdrawn_status_is_gone_and_old_rows_become_drafts(post):
    from django.apps import apps

    assert "withdrawn" not in S.values
    type(post).objects.filter(pk=post.pk).update(status="withdrawn")
    PostEvent.objects.create(post=post, action="withdraw", to_status="withdrawn")
    migration = importlib.import_module(
        "news.migrations.0008_review_recommendation_republish_no_withdrawn"
    )

    migration.withdrawn_to_draft(apps, None)

    post.refresh_from_db()
    assert (post.status, post.submitted_at) == (S.DRAFT, None)
    assert not PostEvent.objects.filter(to_status="withdrawn").exists()


def test_the_unit_is_mailed_when_its_post_is_republished(post, mailoutbox):
    from news.notifications import decision_mail_send

    post.status = S.UNPUBLISHED
    post.published_at = timezone.now() - timedelta(days=1)
    post.save()
    post_republish(post=post, actor=EditorFactory())
    event = PostEvent.objects.get(action=PostAction.REPUBLISH)

    assert decision_mail_send(event_id=event.pk) == 1

    assert mailoutbox[0].to == [post.author.email]
    assert "diterbitkan kembali" in mailoutbox[0].subject
    event.refresh_from_db()
    assert event.notified_at is not None


def test_decision_page_shows_its_times_in_wib_with_the_label(editor_client, post):
    PostEvent.objects.create(post=post, action=PostAction.SUBMIT, to_status=S.SUBMITTED)
    page = editor_client.get(change_url(post)).content.decode()

    assert page.count(" WIB") >= 4  # submitted, created, updated, the history row
    queue = editor_client.get(CHANGELIST).content.decode()
    assert 'href="%s"' % change_url(post) in queue
