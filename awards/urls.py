from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("kontributor/penghargaan/", views.contributor_dashboard, name="dashboard"),
    path("kontributor/penghargaan/media-sosial/", views.social_media, name="social"),
    path("kontributor/penghargaan/insiden/", views.incidents, name="incidents"),
    path(
        "kontributor/penghargaan/insiden/<int:pk>/klarifikasi/",
        views.incident_clarify,
        name="clarify",
    ),
]
