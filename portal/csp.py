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
- Styles, split by CSP level 3:
  - style-src-attr 'unsafe-inline': style="" attributes, the one compromise.
    CKEditor 5 positions its balloons and toolbars with them (its CSP guide
    asks for 'unsafe-inline' styles), the photo blur page places its face
    boxes by percentages, the admin uses a few. An attribute cannot run
    script; what it could load is still held by img-src/font-src.
  - style-src-elem 'self' plus hashes: <style> elements only from static
    files, or the exact blocks of the self-contained pages that cannot link
    a static file (500.html/503.html render when everything else is broken;
    the admin's change list and health_check's page ship one): their sha256
    is taken from the template files at start-up (style_hashes), so editing
    a block updates the policy. An injected <style> (CSS that reads
    attributes out through selectors) is refused.
  - style-src 'self' 'unsafe-inline': only for browsers without the split
    directives (before Chromium 75, Firefox 108, Safari 15.4), which would
    otherwise lose the editor's layout.
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

import base64
import hashlib
import re
from pathlib import Path
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


STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode()).digest()
    return "'sha256-%s'" % base64.b64encode(digest).decode()


def style_hashes(paths) -> list[str]:
    """The CSP hashes of the plain <style> blocks in these template files (a
    block holding a template tag or variable is skipped: its rendered text
    would differ)."""
    hashes = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            continue
        for css in STYLE_BLOCK.findall(path.read_text()):
            if "{{" in css or "{%" in css:
                continue
            if style_hash(css) not in hashes:
                hashes.append(style_hash(css))
    return hashes


def style_sources(base_dir) -> list[Path]:
    """The templates whose <style> blocks the policy allows by hash: the
    self-contained error pages, and the two third-party pages that ship one."""
    from importlib.util import find_spec

    paths = [
        # 500.html and 503.html: one self-contained page, one <style>.
        Path(base_dir, "templates", "_standalone_error.html"),
    ]
    for package, template in (
        ("django.contrib.admin", "admin/change_list.html"),
        ("health_check", "health_check/index.html"),
    ):
        spec = find_spec(package)
        if spec and spec.origin:
            paths.append(Path(spec.origin).parent / "templates" / template)
    return paths


def directives(
    *, media_urls=(), extra_img_src=(), style_hashes=(), report_uri: str = ""
) -> dict:
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
        "style-src-elem": [SELF, *style_hashes],
        "style-src-attr": [UNSAFE_INLINE],
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
