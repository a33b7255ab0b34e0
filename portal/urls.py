import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import LocalePrefixPattern, URLResolver, include, path, re_path
from django.urls.resolvers import RoutePattern

from news.views.media import media_file
from portal import health as portal_health
from portal import views as portal_views
from public import urls as public_urls
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
    path("favicon.ico", portal_views.favicon, name="favicon"),
    # For load balancers and monitors (portal.health): JSON with ?format=json.
    path("health/", portal_health.health_view, name="health"),
    path("", include("news.urls")),
    path("", include("awards.urls")),
]

# --- The reader's site in two languages ------------------------------------
# Indonesian at the addresses it always had, English under /en/ (the language
# comes from the address alone: portal.middleware.PathLanguageMiddleware).
# Only the reader's pages get the prefix. Feeds, sitemaps and robots.txt are
# for machines: one address each, which crawlers and feed readers already
# know, and the sitemaps list both languages' pages through the pages' own
# hreflang links. The admin, the contributors' dashboard, the login and the
# account pages are the newsroom's, in Indonesian; media and static files
# are files.
FOR_MACHINES = {"robots", "sitemap", "sitemap_section"}


def _for_machines(pattern) -> bool:
    name = getattr(pattern, "name", None) or ""
    return name in FOR_MACHINES or name.startswith("feed_") or "_feed_" in name


_machine_patterns = [p for p in public_urls.urlpatterns if _for_machines(p)]
_page_patterns = [p for p in public_urls.urlpatterns if not _for_machines(p)]

urlpatterns += i18n_patterns(
    # The home page keeps its short name: base.html, error pages, logout.
    path("", public_views.home, name="home"),
    prefix_default_language=False,
)
# One "public" namespace for both groups, so {% url 'public:feed_rss' %} and
# {% url 'public:article' %} keep their names. Built by hand: include()
# refuses a language prefix inside an included list, though resolving and
# reversing work the same at any depth.
urlpatterns.append(
    URLResolver(
        RoutePattern("", is_endpoint=False),
        [
            *_machine_patterns,
            URLResolver(
                LocalePrefixPattern(prefix_default_language=False), _page_patterns
            ),
        ],
        app_name=public_urls.app_name,
        namespace=public_urls.app_name,
    )
)

# Indonesian error pages in the site's layout (used when DEBUG is off).
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

if not settings.MEDIA_URL.startswith(("http://", "https://")):
    # Media nginx did not find: a photo that is not public yet is served to
    # those who may see it (news.views.media); without nginx, all media.
    urlpatterns += [
        re_path(
            r"^%s(?P<path>.+)$" % re.escape(settings.MEDIA_URL.lstrip("/")),
            media_file,
            name="media",
        )
    ]
