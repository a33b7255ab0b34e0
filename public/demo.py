"""Demo content for the reader's site, run by `manage.py load_demo` after the
posts: the footer's pages and social links (public/fixtures/site_pages.toml),
and some counted reads so the home page's "Terpopuler" list is not empty.

Safe to run again: pages and links are created only when missing, and reads
are counted only while no post has any.
"""

import time
import tomllib
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db import transaction

from news.models import Post, PostStatus
from news.services.readcounts import read_add, read_counts_flush
from portal.models import SocialLink
from portal.site_pages import footer_links_forget

SITE_PAGES_TOML = Path(__file__).resolve().parent / "fixtures" / "site_pages.toml"
# Reads given to the newest published posts, most read first (demo only).
DEMO_READS = (140, 95, 60, 42, 30, 18, 11, 7)


@transaction.atomic
def demo_load_site_pages(*, stdout: TextIO | None = None) -> int:
    data = tomllib.loads(SITE_PAGES_TOML.read_text(encoding="utf-8"))
    created = 0
    for spec in data.get("page", []):
        page, made = FlatPage.objects.get_or_create(
            url=spec["url"],
            defaults={"title": spec["title"], "content": spec["content"].strip()},
        )
        page.sites.add(settings.SITE_ID)
        created += made
    for position, spec in enumerate(data.get("social", [])):
        _link, made = SocialLink.objects.get_or_create(
            url=spec["url"],
            defaults={
                "platform": spec["platform"],
                "label": spec["label"],
                "position": position,
            },
        )
        created += made
    footer_links_forget()
    if stdout is not None and created:
        stdout.write("Halaman situs dan tautan media sosial: %d dibuat." % created)
    return created


def demo_count_reads(*, stdout: TextIO | None = None) -> int:
    """Add demo reads through the real counter and flush them, as the worker
    would (the per-reader limits are read_record's, for real readers)."""
    published = Post.objects.filter(status=PostStatus.PUBLISHED)
    if published.filter(read_count__gt=0).exists():
        return 0
    an_hour_ago = time.time() - 3600  # a closed counting period: flushable now
    posts = published.order_by("-published_at", "-id").values_list("pk", flat=True)
    for post_id, reads in zip(posts, DEMO_READS, strict=False):
        read_add(post_id=post_id, count=reads, now=an_hour_ago)
    added = read_counts_flush()
    if stdout is not None and added:
        stdout.write("Pembacaan demo: %d dihitung." % added)
    return added


def demo_load_home(*, stdout: TextIO | None = None) -> None:
    demo_load_site_pages(stdout=stdout)
    demo_count_reads(stdout=stdout)
