from django.urls import path

from news import views

app_name = "news"

urlpatterns = [
    # Unit contributors (and heads of unit); the reader's site is public.urls.
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/berita/baru/", views.post_create, name="create"),
    path("dasbor/berita/periksa/", views.post_checklist, name="checklist"),
    path("dasbor/berita/<int:pk>/", views.post_detail, name="post"),
    path("dasbor/berita/<int:pk>/ubah/", views.post_edit, name="edit"),
    path("dasbor/berita/<int:pk>/pratinjau/", views.post_preview, name="preview"),
    path("dasbor/berita/<int:pk>/kirim/", views.post_submit, name="submit"),
    path("dasbor/berita/<int:pk>/batal/", views.post_withdraw, name="withdraw"),
    path(
        "dasbor/berita/<int:pk>/setujui/",
        views.post_head_approve,
        name="head_approve",
    ),
    path(
        "dasbor/berita/<int:pk>/kembalikan/",
        views.post_head_return,
        name="head_return",
    ),
    path("dasbor/berita/<int:pk>/foto/", views.post_photos, name="photos"),
    path(
        "dasbor/berita/<int:pk>/foto/<int:photo_pk>/hapus/",
        views.photo_remove,
        name="photo_remove",
    ),
    path(
        "dasbor/berita/<int:pk>/foto/<int:photo_pk>/ubah/",
        views.photo_edit,
        name="photo_edit",
    ),
    path("dasbor/berita/<int:pk>/salin/", views.post_copy, name="copy"),
    path("dasbor/unggah-gambar/", views.upload_image, name="upload_image"),
]
