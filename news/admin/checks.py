"""The queue's flags column: the worker's findings on a post, compact.

Read from the row's own Post.checks (news.checks.summary), so the column adds
no query per row. Three kinds of badge:

- the warnings: a count on a laptop, the count and the messages on a phone;
  the messages are also in the title attribute and in visually hidden text
  for screen readers;
- the group ("kelompok: 3 berita", info level, so not among the warnings):
  a link to the group panel on the decision page;
- the faces ("3 wajah"): how many faces the post's photos show, a link to the
  photos on the decision page, where the editor blurs them.
"""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from news.checks.summary import checks_warnings

# Anchors on the decision page (templates/admin/news/post/_story_group.html
# and the photos' module).
GROUP_ANCHOR = "#kelompok-berita"
PHOTOS_ANCHOR = "#foto-berita"


def _group_badge(checks: dict, change_url: str) -> str:
    found = [f for f in checks.get("group") or [] if f.get("members")]
    if not found:
        return ""
    finding = found[0]
    size = len(finding["members"]) + 1  # the other members and this post
    copy = finding.get("code") == "near_copy"
    return format_html(
        ' <a class="check-flag check-flag--group{}" href="{}{}" title="{}">'
        '<span aria-hidden="true">≈</span> {}</a>',
        " check-flag--copy" if copy else "",
        change_url,
        GROUP_ANCHOR,
        finding.get("message", ""),
        ngettext("kelompok: %(count)d berita", "kelompok: %(count)d berita", size)
        % {"count": size},
    )


def _faces_badge(checks: dict, change_url: str) -> str:
    faces = sum(
        int(f.get("count") or 0)
        for f in checks.get("faces") or []
        if f.get("code") == "faces"
    )
    if not faces:
        return ""
    return format_html(
        ' <a class="check-flag check-flag--faces" href="{}{}" title="{}">'
        '<span aria-hidden="true">☺</span> {}</a>',
        change_url,
        PHOTOS_ANCHOR,
        _("Periksa izin dan samarkan wajah bila perlu"),
        ngettext("%(count)d wajah", "%(count)d wajah", faces) % {"count": faces},
    )


def checks_flag_html(post) -> str:
    label = format_html('<span class="queue-label">{}</span> ', _("Pemeriksaan"))
    if post.checks_run_at is None:
        return format_html(
            '{}<span class="check-flag check-flag--not-run">{}</span>',
            label,
            _("belum diperiksa"),
        )
    if post.submitted_at is not None and post.checks_run_at < post.submitted_at:
        # Sent again since the last run: those findings were about the text
        # before (the worker, or its sweeper, checks the new one shortly).
        return format_html(
            '{}<span class="check-flag check-flag--not-run" title="{}">{}</span>',
            label,
            _("Temuan sebelumnya tentang teks yang dikirim sebelum ini"),
            _("menunggu pemeriksaan ulang"),
        )
    checks = post.checks or {}
    change_url = reverse("admin:news_post_change", args=[post.pk])
    extra = mark_safe(  # noqa: S308 - both built with format_html
        _group_badge(checks, change_url) + _faces_badge(checks, change_url)
    )
    warnings = checks_warnings(checks)
    if not warnings:
        return format_html(
            '{}<span class="check-flag check-flag--ok" title="{}">'
            '<span aria-hidden="true">✓</span> {}</span>{}',
            label,
            _("Tidak ada peringatan"),
            _("aman"),
            extra,
        )
    count = len(warnings)
    summary = ngettext("%(count)d peringatan", "%(count)d peringatan", count) % {
        "count": count
    }
    return format_html(
        '{}<span class="check-flag check-flag--warning" title="{}">'
        '<span aria-hidden="true">⚠</span> {}</span>{}'
        '<ul class="check-flag-list">{}</ul>',
        label,
        "\n".join(warnings),
        summary,
        extra,
        format_html_join("", "<li>{}</li>", ((message,) for message in warnings)),
    )
