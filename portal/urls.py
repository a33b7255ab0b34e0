from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views as portal_views
from public import views as public_views
from units.forms import AdminLoginForm, LoginForm

admin.site.site_header = "Portal Berita %s" % settings.ORGANISATION_SHORT_NAME
admin.site.site_title = "Admin %s" % settings.ORGANISATION_SHORT_NAME
admin.site.index_title = "Ruang redaksi"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "masuk/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", include("units.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    # The home page keeps its short name: base.html, error pages, logout.
    path("", public_views.home, name="home"),
    path("", include("news.urls")),
    path("", include("awards.urls")),
    path("", include("public.urls")),
]

# Indonesian error pages in the site's layout (used when DEBUG is off).
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

if settings.DEBUG:
    # Development only: production serves media from the storage backend.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
