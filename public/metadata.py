"""What an article page tells machines and other sites about itself.

The canonical URL, the Open Graph / Twitter-card image, the share links and
the schema.org JSON-LD (NewsArticle and BreadcrumbList). Plain functions of
an already loaded post: no query of their own (the post comes from
news.selectors.post_get_published, with its unit, region, category, tags and
photos).

Share links are plain links to each site's documented share address: no
third-party script, nothing loaded until the reader clicks. Absolute URLs are
built from settings.SITE_URL, not from the request's Host header, so a page
cached for everyone names the site's real address.
"""

import json
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from news.models import PhotoKind
from news.templatetags.news_tags import iso_waktu
from portal.views import site_logo_url

# Open Graph and Twitter ask for at least 1200 pixels across for a large card.
SOCIAL_IMAGE_WIDTH = 1200

# `<`, `>` and `&` escaped inside JSON, so text such as "</script>" in a title
# cannot end the <script> element (the escapes Django's json_script uses).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    """`path` (or an already absolute URL) on the site's public address."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path)


def cover_photo(post):
    """The post's cover among its prefetched photos, or None."""
    for photo in post.photos.all():
        if photo.kind == PhotoKind.COVER:
            return photo
    return None


def social_image(photo) -> dict | None:
    """{"url", "width", "height", "alt"} of the photo's 1200-wide JPEG.

    Photos made before 1200 was a rendition width (imaging.config) fall back
    to the nearest wider JPEG, then the widest; a photo without renditions
    yet uses its clean original.
    """
    if photo is None:
        return None
    jpegs = sorted(
        (r for r in photo.renditions.all() if r.format == "jpeg" and r.file),
        key=lambda r: r.width,
    )
    wide = [r for r in jpegs if r.width >= SOCIAL_IMAGE_WIDTH]
    chosen = wide[0] if wide else (jpegs[-1] if jpegs else None)
    if chosen is not None:
        url, width, height = chosen.file.url, chosen.width, chosen.height
    elif photo.image:
        url, width, height = photo.image.url, photo.width, photo.height
    else:
        return None
    return {
        "url": absolute_url(url),
        "width": width,
        "height": height,
        "alt": photo.alt_text,
    }


def share_links(*, url: str, title: str) -> list[dict]:
    """Plain share links, each {"name", "label", "href"}, parameters encoded."""
    text = "%s %s" % (title, url)
    return [
        {
            "name": "whatsapp",
            "label": _("WhatsApp"),
            "href": "https://wa.me/?%s" % urlencode({"text": text}),
        },
        {
            "name": "facebook",
            "label": _("Facebook"),
            "href": "https://www.facebook.com/sharer/sharer.php?%s"
            % urlencode({"u": url}),
        },
        {
            "name": "x",
            "label": _("X"),
            "href": "https://x.com/intent/post?%s"
            % urlencode({"url": url, "text": title}),
        },
        {
            "name": "telegram",
            "label": _("Telegram"),
            "href": "https://t.me/share/url?%s"
            % urlencode({"url": url, "text": title}),
        },
    ]


def json_ld(data) -> SafeString:
    """`data` as JSON safe to put inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped


def article_json_ld(*, post, canonical_url: str, image: dict | None) -> dict:
    """schema.org NewsArticle and BreadcrumbList of a published post."""
    zone = post.unit.time_zone
    modified = max(filter(None, (post.updated_at, post.published_at)))
    logo = {"@type": "ImageObject", "url": absolute_url(site_logo_url())}
    article = {
        "@type": "NewsArticle",
        "@id": canonical_url + "#berita",
        "mainEntityOfPage": canonical_url,
        "url": canonical_url,
        "headline": post.title[:110],
        "description": post.lead,
        "image": [image["url"]] if image else [logo["url"]],
        "datePublished": iso_waktu(post.published_at, zone),
        "dateModified": iso_waktu(modified, zone),
        "inLanguage": "id",
        "articleSection": post.category.name,
        "keywords": [tag.name for tag in post.tags.all()],
        "author": {
            "@type": "Organization",
            "name": post.unit.name,
            "url": absolute_url(post.unit.get_absolute_url()),
        },
        "publisher": {
            "@type": "Organization",
            "name": settings.ORGANISATION_NAME,
            "url": absolute_url(reverse("home")),
            "logo": logo,
        },
    }
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": item,
            }
            for position, (name, item) in enumerate(
                [
                    (_("Beranda"), absolute_url(reverse("home"))),
                    (
                        post.category.name,
                        absolute_url(post.category.get_absolute_url()),
                    ),
                    (post.title, canonical_url),
                ],
                start=1,
            )
        ],
    }
    return {"@context": "https://schema.org", "@graph": [article, breadcrumbs]}
