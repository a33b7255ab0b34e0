"""No view escapes CSRF protection unless it is on the allow-list below.

Walks every URL pattern Django would resolve (every included resolver, the
admin's too) and reads the `csrf_exempt` flag the CSRF middleware itself
reads on the view. A new csrf_exempt view fails this test until someone
adds it here with the reason it is safe.
"""

from django.urls import URLPattern, URLResolver, get_resolver

# view name (namespace:name, or the dotted path of an unnamed view) -> why
# it may skip the CSRF check. Keep it short: each entry is a form anyone on
# another site can make a logged-in user's browser send.
CSRF_EXEMPT_ALLOWED: dict[str, str] = {
    # The article page's read counter (public/views/reads.py): a beacon or a
    # <noscript> image adds one to a post's read count, limited per client
    # address; no account, nothing a reader owns. Cached pages carry no token.
    "public:read_count": "baca/<int:post_id>/",
}


def walk(patterns, namespace="", prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = (
                    "%s:%s" % (namespace, pattern.namespace)
                    if namespace
                    else pattern.namespace
                )
            yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            if pattern.name:
                name = (
                    "%s:%s" % (namespace, pattern.name) if namespace else pattern.name
                )
            else:
                name = "%s.%s" % (callback.__module__, callback.__qualname__)
            yield name, prefix + str(pattern.pattern), callback


def exempt_views():
    return {
        name: route
        for name, route, callback in walk(get_resolver().url_patterns)
        if getattr(callback, "csrf_exempt", False)
    }


def test_the_walk_sees_the_site_and_the_admin():
    names = {name for name, _route, _callback in walk(get_resolver().url_patterns)}
    assert {"login", "otp_verify", "admin:index", "admin:login"} <= names
    assert any(name.startswith("admin:news_post") for name in names)
    assert len(names) > 100


def test_no_csrf_exempt_view_outside_the_allow_list():
    unexpected = {
        name: route
        for name, route in exempt_views().items()
        if name not in CSRF_EXEMPT_ALLOWED
    }
    assert unexpected == {}, "csrf_exempt views not on the allow-list in %s: %s" % (
        __file__,
        unexpected,
    )


def test_the_allow_list_names_only_views_that_exist_and_are_exempt():
    exempt = exempt_views()
    for name, route in CSRF_EXEMPT_ALLOWED.items():
        assert exempt.get(name) == route, name


def test_the_walk_would_notice_an_exempt_view():
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def open_view(request):
        raise AssertionError("never called")

    patterns = [URLPattern("terbuka/", open_view, name="terbuka")]
    found = [
        name
        for name, _route, callback in walk(patterns)
        if getattr(callback, "csrf_exempt", False)
    ]
    assert found == ["terbuka"]
