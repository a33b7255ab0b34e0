"""Anonymous readers get cacheable pages without cookies; the page cache in
Redis drops exactly the pages that show a post when an editor changes it.

The page cache is off in the rest of the suite (portal/test_settings.py) and
on here, on the suite's real Redis database.
"""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from news import services
from news.models import PostStatus
from public.caching import cache_key, page_store
from tests.factories import (
    CategoryFactory,
    EditorFactory,
    PostFactory,
    TagFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Region


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    store = page_store()
    store.clear()
    with translation.override("id"):
        yield store
    store.clear()


def is_cached(store, url: str) -> bool:
    path, _sep, query = url.partition("?")
    key = cache_key(
        {"HTTP_HOST": "testserver", "PATH_INFO": path, "QUERY_STRING": query}, "http"
    )
    return key is not None and bool(store.client.exists(store.page_prefix + key))


@pytest.fixture
def world(db):
    """Post P of unit A (region 31, category C, tag T) and an unrelated post Q
    of unit B (region 33, its own category), both published."""
    region_a = Region.objects.get(province_code="31")
    region_b = Region.objects.get(province_code="33")
    unit_a = UnitFactory(region=region_a)
    unit_b = UnitFactory(region=region_b)
    category_a = CategoryFactory(slug="pembinaan", name="Pembinaan")
    category_b = CategoryFactory(slug="kesehatan", name="Kesehatan")
    tag = TagFactory(slug="pramuka", name="pramuka")
    now = timezone.now()

    def post(unit, category, **fields):
        fields.setdefault("published_at", now - timedelta(minutes=5))
        return PostFactory(
            unit=unit,
            author=UserFactory(unit=unit),
            category=category,
            status=PostStatus.PUBLISHED,
            **fields,
        )

    p = post(unit_a, category_a, title="Pramuka warga binaan berkemah")
    p.tags.set([tag])
    # Older posts of unit A fill a second listing page (12 per page).
    for n in range(13):
        post(unit_a, category_a, published_at=now - timedelta(days=40, minutes=n))
    q = post(unit_b, category_b, title="Pemeriksaan kesehatan di Rutan")
    return {
        "p": p,
        "q": q,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "region_a": region_a,
        "region_b": region_b,
        "category_a": category_a,
        "category_b": category_b,
        "tag": tag,
        "editor": EditorFactory(),
    }


def _pages_of(world, post) -> list[str]:
    """Every page kind that shows `post`, in both languages, page 2 included."""
    local = timezone.localtime(post.published_at)
    pages = [
        reverse("public:article", kwargs={"slug": post.slug}),
        reverse("home"),
        reverse("public:unit", kwargs={"slug": post.unit.slug}),
        reverse("public:unit", kwargs={"slug": post.unit.slug}) + "?halaman=2",
        reverse("public:region", kwargs={"slug": post.unit.region.slug}),
        reverse("public:category", kwargs={"slug": post.category.slug}),
        reverse("public:archive"),
        reverse("public:archive_year", kwargs={"year": local.year}),
        reverse(
            "public:archive_month", kwargs={"year": local.year, "month": local.month}
        ),
    ]
    pages += [
        reverse("public:tag", kwargs={"slug": tag.slug}) for tag in post.tags.all()
    ]
    english = ["/en" + page for page in pages]
    machines = [
        reverse("public:feed_rss"),
        reverse("public:feed_atom"),
        reverse("public:unit_feed_rss", kwargs={"slug": post.unit.slug}),
        reverse("public:region_feed_atom", kwargs={"slug": post.unit.region.slug}),
        reverse("public:category_feed_rss", kwargs={"slug": post.category.slug}),
        reverse("public:sitemap"),
        reverse("public:sitemap_section", kwargs={"section": "berita"}),
    ]
    return pages + english + machines


def _unrelated(world) -> list[str]:
    q = world["q"]
    pages = [
        reverse("public:article", kwargs={"slug": q.slug}),
        reverse("public:unit", kwargs={"slug": world["unit_b"].slug}),
        reverse("public:region", kwargs={"slug": world["region_b"].slug}),
        reverse("public:category", kwargs={"slug": world["category_b"].slug}),
    ]
    return (
        pages
        + ["/en" + page for page in pages]
        + [
            reverse("public:unit_feed_rss", kwargs={"slug": world["unit_b"].slug}),
            reverse("public:robots"),
        ]
    )


def _warm(client, store, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert is_cached(store, url), url


# --- The invalidation matrix ----------------------------------------------------


ACTIONS = {
    "edit": lambda post, editor: services.post_update(
        post=post, actor=editor, title="Judul baru yang diubah oleh redaksi"
    ),
    "feature": lambda post, editor: services.post_set_featured(
        post=post, actor=editor, featured=True
    ),
    "unpublish": lambda post, editor: services.post_unpublish(
        post=post, actor=editor, reason="Data tidak akurat."
    ),
    "delete": lambda post, editor: post.delete(),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_editor_action_drops_every_page_showing_the_post(
    action, client, world, page_cache, django_capture_on_commit_callbacks
):
    post, editor = world["p"], world["editor"]
    shown = _pages_of(world, post)
    unrelated = _unrelated(world)
    _warm(client, page_cache, shown + unrelated)
    before = {url: client.get(url).content for url in shown}

    with django_capture_on_commit_callbacks(execute=True):
        ACTIONS[action](post, editor)

    stale = [url for url in shown if is_cached(page_cache, url)]
    assert stale == []
    kept = [url for url in unrelated if not is_cached(page_cache, url)]
    assert kept == []
    if action == "edit":
        article = shown[0]
        assert b"Judul baru yang diubah" in client.get(article).content
        assert b"Judul baru yang diubah" not in before[article]
    if action in ("unpublish", "delete"):
        assert client.get(shown[0]).status_code == 404


def test_unfeaturing_drops_the_home_page(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    post, editor = world["p"], world["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_featured(post=post, actor=editor, featured=True)
    _warm(client, page_cache, _pages_of(world, post) + _unrelated(world))

    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_featured(post=post, actor=editor, featured=False)

    assert not is_cached(page_cache, reverse("home"))
    assert not is_cached(page_cache, "/en/")
    assert all(is_cached(page_cache, url) for url in _unrelated(world))


def test_publishing_drops_the_listings_it_joins_and_its_404(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    r = PostFactory(
        unit=world["unit_a"],
        author=UserFactory(unit=world["unit_a"]),
        category=world["category_a"],
        status=PostStatus.SUBMITTED,
    )
    r.tags.set([world["tag"]])
    article = reverse("public:article", kwargs={"slug": r.slug})
    assert client.get(article).status_code == 404
    # The pages R will be on, as they are before (R has no date yet: P's).
    p_article = reverse("public:article", kwargs={"slug": world["p"].slug})
    listings = [url for url in _pages_of(world, world["p"]) if p_article not in url]
    _warm(client, page_cache, [article] + listings + _unrelated(world))

    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=r, actor=world["editor"])

    assert [url for url in [article] + listings if is_cached(page_cache, url)] == []
    assert all(is_cached(page_cache, url) for url in _unrelated(world))
    assert client.get(article).status_code == 200
    assert r.title.encode() in client.get(listings[0]).content


def test_republishing_and_scheduled_publishing_drop_the_pages(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    post, editor = world["p"], world["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=post, actor=editor, reason="Diperiksa ulang.")
    shown = _pages_of(world, post)
    _warm(client, page_cache, shown + _unrelated(world))
    assert client.get(shown[0]).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.post_republish(post=post, actor=editor)

    assert [url for url in shown if is_cached(page_cache, url)] == []
    assert all(is_cached(page_cache, url) for url in _unrelated(world))
    assert client.get(shown[0]).status_code == 200

    # A scheduled post published by the periodic task.
    due = PostFactory(
        unit=world["unit_a"],
        author=UserFactory(unit=world["unit_a"]),
        category=world["category_a"],
        status=PostStatus.SCHEDULED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    _warm(client, page_cache, shown)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.post_publish_due() == 1
    assert not is_cached(page_cache, reverse("home"))
    assert not is_cached(page_cache, shown[2])  # its unit's listing
    assert due.title.encode() in client.get(shown[2]).content


def test_a_photo_change_on_a_published_post_drops_its_pages(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    from news.models import Photo

    post = world["p"]
    article = reverse("public:article", kwargs={"slug": post.slug})
    _warm(client, page_cache, [article, reverse("home")] + _unrelated(world))

    with django_capture_on_commit_callbacks(execute=True):
        Photo.objects.create(
            post=post,
            unit=post.unit,
            kind="gallery",
            image="photos/ab/ab000000000000000000000000000000.jpg",
            status="ready",
        )

    assert not is_cached(page_cache, article)
    assert not is_cached(page_cache, reverse("home"))
    assert all(is_cached(page_cache, url) for url in _unrelated(world))


def test_moving_a_post_to_another_category_drops_both(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    old = reverse("public:category", kwargs={"slug": "pembinaan"})
    new = reverse("public:category", kwargs={"slug": "kesehatan"})
    tag_page = reverse("public:tag", kwargs={"slug": "pramuka"})
    _warm(client, page_cache, [old, new, tag_page])

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            post=world["p"],
            actor=world["editor"],
            category=world["category_b"],
            tags=[],
        )

    assert not is_cached(page_cache, old)
    assert not is_cached(page_cache, new)
    assert not is_cached(page_cache, tag_page)


def test_an_article_linking_to_the_post_is_dropped_with_it(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    """Related articles and previous/next are links: the page that shows them
    goes when the post they name changes."""
    neighbour = world["unit_a"].posts.exclude(pk=world["p"].pk).latest("published_at")
    url = reverse("public:article", kwargs={"slug": neighbour.slug})
    html = client.get(url).content.decode()
    if reverse("public:article", kwargs={"slug": world["p"].slug}) not in html:
        pytest.skip("the article page links no neighbouring post")
    assert is_cached(page_cache, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=world["p"], actor=world["editor"], reason="Salah.")

    assert not is_cached(page_cache, url)


def test_a_footer_change_drops_every_page(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    from django.contrib.flatpages.models import FlatPage

    pages = [
        reverse("home"),
        reverse("public:article", kwargs={"slug": world["q"].slug}),
    ]
    _warm(client, page_cache, pages)

    with django_capture_on_commit_callbacks(execute=True):
        page = FlatPage.objects.create(
            url="/halaman/kontak/", title="Kontak", content="<p>Telepon</p>"
        )
        page.sites.add(settings.SITE_ID)

    assert [url for url in pages if is_cached(page_cache, url)] == []


def test_nothing_is_dropped_before_the_change_is_committed(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    article = reverse("public:article", kwargs={"slug": world["p"].slug})
    _warm(client, page_cache, [article])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.post_set_featured(
            post=world["p"], actor=world["editor"], featured=True
        )
    assert is_cached(page_cache, article)

    for callback in callbacks:
        callback()
    assert not is_cached(page_cache, article)


def test_a_page_rendered_before_an_invalidation_is_not_stored(page_cache):
    """The epoch read with the lookup must still be current when storing."""
    _entry, epoch = page_cache.lookup("http://testserver/x/?")
    page_cache.invalidate({"latest"})

    stored = page_cache.put(
        "http://testserver/x/?", (200, (), b"", '"e"', 0), tags=["latest"], epoch=epoch
    )

    assert stored is False
    assert page_cache.lookup("http://testserver/x/?")[0] is None


# --- The hit path ---------------------------------------------------------------


def test_a_cached_page_is_served_without_a_query(
    client, world, page_cache, django_assert_num_queries
):
    url = reverse("public:article", kwargs={"slug": world["p"].slug})
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY"


def test_head_from_the_cache_has_no_body(client, world, page_cache):
    url = reverse("public:article", kwargs={"slug": world["p"].slug})
    body = client.get(url).content

    response = client.head(url)

    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) == len(body)


def test_campaign_parameters_share_the_page_and_others_pass_by(
    client, world, page_cache
):
    url = reverse("public:unit", kwargs={"slug": world["unit_a"].slug})
    client.get(url + "?utm_source=whatsapp&fbclid=abc")
    assert is_cached(page_cache, url)

    client.get(url + "?halaman=2&utm_medium=social")
    assert is_cached(page_cache, url + "?halaman=2")

    client.get(url + "?urut=lama")
    assert not is_cached(page_cache, url + "?urut=lama")


def test_search_is_not_kept_in_redis_but_is_cacheable(client, world, page_cache):
    url = reverse("public:search") + "?q=pramuka"

    response = client.get(url)

    assert response.status_code == 200
    assert not is_cached(page_cache, url)
    assert "public" in response["Cache-Control"]
    assert not response.cookies


# --- HTTP: cookies, validators, 304 ---------------------------------------------


def _every_public_page(world) -> list[str]:
    p = world["p"]
    local = timezone.localtime(p.published_at)
    pages = [
        "/",
        reverse("public:article", kwargs={"slug": p.slug}),
        reverse("public:unit", kwargs={"slug": p.unit.slug}),
        reverse("public:region", kwargs={"slug": world["region_a"].slug}),
        reverse("public:category", kwargs={"slug": "pembinaan"}),
        reverse("public:tag", kwargs={"slug": "pramuka"}),
        reverse("public:archive"),
        reverse("public:archive_year", kwargs={"year": local.year}),
        reverse(
            "public:archive_month", kwargs={"year": local.year, "month": local.month}
        ),
        reverse("public:search"),
        reverse("public:search") + "?q=pramuka",
        reverse("public:awards"),
        reverse("public:article", kwargs={"slug": "tidak-ada"}),
        "/halaman/kontak/",
    ]
    return (
        pages
        + ["/en" + page for page in pages]
        + [
            reverse("public:feed_rss"),
            reverse("public:category_feed_atom", kwargs={"slug": "pembinaan"}),
            reverse("public:sitemap"),
            reverse("public:sitemap_section", kwargs={"section": "berita"}),
            reverse("public:robots"),
        ]
    )


@pytest.mark.parametrize("cache_on", [True, False], ids=["page-cache", "no-cache"])
def test_anonymous_pages_set_no_cookie_and_are_publicly_cacheable(
    client, world, settings, cache_on
):
    from django.contrib.flatpages.models import FlatPage

    FlatPage.objects.create(
        url="/halaman/kontak/", title="Kontak", content="<p>Telepon</p>"
    ).sites.add(settings.SITE_ID)
    settings.PAGE_CACHE_ENABLED = cache_on
    for url in _every_public_page(world):
        for _again in range(2):  # rendered, then (with the cache) stored
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert not response.cookies, url
            assert "Set-Cookie" not in response, url
            assert "cookie" not in response.get("Vary", "").lower(), url
            assert "public" in response["Cache-Control"], url
            # Proxies keep it for s-maxage; browsers revalidate each time,
            # so logging in never shows a kept anonymous page.
            control = response["Cache-Control"]
            assert "s-maxage=%d" % settings.PUBLIC_MAX_AGE in control, url
            assert "max-age=0" in control and "must-revalidate" in control, url
            if response.status_code == 200:
                assert response["ETag"], url
                assert response["Last-Modified"], url
    assert not client.cookies


@pytest.mark.parametrize("cache_on", [True, False], ids=["page-cache", "no-cache"])
def test_conditional_gets_get_304(client, world, settings, cache_on):
    settings.PAGE_CACHE_ENABLED = cache_on
    url = reverse("public:article", kwargs={"slug": world["p"].slug})
    first = client.get(url)

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    other_etag = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')

    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert "public" in by_etag["Cache-Control"]
    assert other_etag.status_code == 200
    if cache_on:
        # Served from the store, Last-Modified is when the page was rendered.
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert by_date.status_code == 304
    stale_date = client.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert stale_date.status_code == 200


def test_a_changed_page_no_longer_matches_its_old_etag(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    url = reverse("public:article", kwargs={"slug": world["p"].slug})
    etag = client.get(url)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            post=world["p"], actor=world["editor"], lead="Ringkasan yang diperbarui."
        )

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


# --- Logged-in readers ----------------------------------------------------------


def test_a_logged_in_reader_gets_an_uncached_page_of_their_own(
    client, world, page_cache
):
    url = reverse("public:article", kwargs={"slug": world["p"].slug})
    anonymous = client.get(url)
    assert is_cached(page_cache, url)
    assert b"Profil saya" not in anonymous.content

    user = UserFactory(unit=world["unit_a"])
    client.force_login(user)
    response = client.get(url)

    assert response.status_code == 200
    assert b"Profil saya" in response.content  # not the cached anonymous page
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    # The stored anonymous page is still the anonymous one.
    _entry = page_cache.lookup(
        cache_key({"HTTP_HOST": "testserver", "PATH_INFO": url}, "http")
    )[0]
    assert b"Profil saya" not in _entry[2]


def test_a_logged_in_page_is_never_served_to_anonymous_readers(
    client, world, page_cache
):
    url = reverse("public:unit", kwargs={"slug": world["unit_a"].slug})
    client.force_login(UserFactory(unit=world["unit_a"]))
    assert b"Profil saya" in client.get(url).content
    assert not is_cached(page_cache, url)

    client.logout()
    response = client.get(url)

    assert b"Profil saya" not in response.content
    assert "public" in response["Cache-Control"]


# --- English -------------------------------------------------------------------


def test_english_pages_are_cached_apart_and_dropped_together(
    client, world, page_cache, django_capture_on_commit_callbacks
):
    path = reverse("public:article", kwargs={"slug": world["p"].slug})
    indonesian = client.get(path)
    english = client.get("/en" + path)

    assert english["Content-Language"] == "en"
    assert b'<html lang="en">' in english.content
    site = settings.SITE_URL.rstrip("/").encode()
    assert b'hreflang="id" href="%s%s"' % (site, path.encode()) in english.content
    assert b'hreflang="en" href="%s/en%s"' % (site, path.encode()) in (
        indonesian.content
    )
    assert is_cached(page_cache, path) and is_cached(page_cache, "/en" + path)
    # A hit keeps the language of its address.
    assert client.get("/en" + path)["Content-Language"] == "en"

    with django_capture_on_commit_callbacks(execute=True):
        services.post_set_featured(
            post=world["p"], actor=world["editor"], featured=True
        )

    assert not is_cached(page_cache, path)
    assert not is_cached(page_cache, "/en" + path)


# --- The shipped nginx configuration ---------------------------------------------


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_the_shipped_nginx_configuration_is_valid(tmp_path):
    """deploy/nginx.conf with its placeholders filled, checked by `nginx -t`."""
    source = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=berita.example.go.id",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    config = (
        source.replace("/etc/ssl/berita/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/berita/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/var/cache/nginx/berita", str(tmp_path / "cache"))
        .replace("/var/log/nginx/", str(tmp_path) + "/")
        .replace("/run/nginx-berita.pid", str(tmp_path / "nginx.pid"))
    )
    (tmp_path / "nginx.conf").write_text(config)

    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert (
        "client_max_body_size %dm;" % (settings.PHOTO_MAX_BYTES // (1024 * 1024) + 5)
        in source
    )


def test_the_wsgi_front_answers_a_stored_page_before_django(
    client, world, page_cache, django_assert_num_queries
):
    """portal.wsgi answers hits without building a request; misses and
    readers with a session go to Django."""
    import io

    from portal.wsgi import application

    url = reverse("public:article", kwargs={"slug": world["p"].slug})
    stored = client.get(url)

    def call(**extra):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
            **extra,
        }
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, dict(headers)

        body = b"".join(application(environ, start_response))
        return seen["status"], seen["headers"], body

    with django_assert_num_queries(0):
        status, headers, body = call()
        not_modified = call(HTTP_IF_NONE_MATCH=stored["ETag"])
        head = call(REQUEST_METHOD="HEAD")

    assert status == "200 OK"
    assert body == stored.content
    assert headers["ETag"] == stored["ETag"]
    assert headers["Cache-Control"] == stored["Cache-Control"]
    # What the middleware outside the page cache adds, the front adds too.
    for name in ("Permissions-Policy", "X-Request-ID"):
        if stored.has_header(name):
            assert headers[name], name
    if stored.has_header("X-Request-ID"):
        assert headers["X-Request-ID"] != stored["X-Request-ID"]
    assert not_modified[0] == "304 Not Modified" and not_modified[2] == b""
    assert head[0] == "200 OK" and head[2] == b""
    assert head[1]["Content-Length"] == str(len(stored.content))
