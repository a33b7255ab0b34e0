"""The Content-Security-Policy every response carries (django-csp 4).

Why django-csp: it is the maintained Django package for the header, sets it in
one middleware for every response (error pages and the admin included), and
its 4.x dict format keeps the whole policy in one readable place. Its nonces
are not used: the page cache (public.caching) stores a rendered page with its
headers and serves the same bytes to every reader, so a per-request nonce
would be replayed. Instead no template has an inline script or an on*=
handler: every script is a static file, and data reaches scripts through
data-* attributes or <script type="application/json"> (json_script), which
the browser never executes and CSP does not govern (the article's
application/ld+json likewise).

The directives, and why:

- default-src 'self': anything not listed below comes from this site only.
- script-src 'self': static files only; no 'unsafe-inline', no 'unsafe-eval'
  (CKEditor 5, Chart.js and the Django admin need neither).
- style-src 'self' 'unsafe-inline': the one compromise. CKEditor 5 positions
  its balloons and toolbars with style attributes and its documentation asks
  for it; the admin's templates, the photo blur page (face boxes placed by
  percentages) and the self-contained 500/503 pages (no static files, so they
  render when everything else is broken) use inline styles too. Inline CSS
  cannot run script; what it could load is still held by img-src/font-src.
- img-src 'self' data: plus the media origin when media lives elsewhere (a
  CDN or S3 endpoint, see settings): data: for the SVG/PNG placeholders that
  CKEditor and the admin draw.
- connect-src 'self': the read-counter beacon, CKEditor's image upload and
  the admin's fetches all go to this site.
- object-src 'none', base-uri 'self', form-action 'self', frame-ancestors
  'none' (as X-Frame-Options DENY), frame-src 'none' (news.sanitize drops
  iframes; nothing embeds one).

Rollout: CSP_REPORT_ONLY=true sends the same policy as
Content-Security-Policy-Report-Only (violations reported, nothing blocked);
CSP_REPORT_URI names where browsers send the reports.
"""

from urllib.parse import urlsplit

SELF = "'self'"
NONE = "'none'"
UNSAFE_INLINE = "'unsafe-inline'"


def origin(url: str) -> str | None:
    """'https://cdn.example.org' for an absolute URL; None for a path."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return "%s://%s" % (parts.scheme, parts.netloc)
    return None


def directives(*, media_urls=(), extra_img_src=(), report_uri: str = "") -> dict:
    """The policy's directives in django-csp 4's format (settings)."""
    media = [o for o in (origin(url) for url in media_urls) if o]
    img_src = [SELF, "data:"]
    for source in [*media, *extra_img_src]:
        if source not in img_src:
            img_src.append(source)
    policy = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *media],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
    if report_uri:
        policy["report-uri"] = [report_uri]
    return policy
