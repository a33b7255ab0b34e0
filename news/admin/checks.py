"""The queue's flags column: the worker's warnings on a post, compact.

Read from the row's own Post.checks (news.checks.summary), so the column adds
no query per row. A count on a laptop, the count and the messages on a phone;
the messages are also in the title attribute and in visually hidden text for
screen readers.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from news.checks.summary import checks_warnings


def checks_flag_html(post) -> str:
    if post.checks_run_at is None:
        return format_html(
            '<span class="queue-label">{}</span> '
            '<span class="check-flag check-flag--not-run">{}</span>',
            _("Pemeriksaan"),
            _("belum diperiksa"),
        )
    warnings = checks_warnings(post.checks)
    if not warnings:
        return format_html(
            '<span class="queue-label">{}</span> '
            '<span class="check-flag check-flag--ok" title="{}">'
            '<span aria-hidden="true">✓</span> {}</span>',
            _("Pemeriksaan"),
            _("Tidak ada peringatan"),
            _("aman"),
        )
    count = len(warnings)
    summary = ngettext("%(count)d peringatan", "%(count)d peringatan", count) % {
        "count": count
    }
    return format_html(
        '<span class="queue-label">{}</span> '
        '<span class="check-flag check-flag--warning" title="{}">'
        '<span aria-hidden="true">⚠</span> {}</span>'
        '<ul class="check-flag-list">{}</ul>',
        _("Pemeriksaan"),
        "\n".join(warnings),
        summary,
        format_html_join("", "<li>{}</li>", ((message,) for message in warnings)),
    )
