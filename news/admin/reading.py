"""A regional reviewer reads a post in the admin without the editors' fields:
the body rendered, names instead of links to pages they may not open."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from news.templatetags.news_tags import waktu_lengkap


class ReviewerReadingMixin:
    """What a reviewer sees instead of the editors' form fields."""

    # --- Reading: what a reviewer sees instead of the editors' form fields --------

    # Read-only stand-ins for the fields a reviewer sees: the body rendered (it
    # was sanitised when saved), and names instead of links to admin pages
    # they may not open.
    _READONLY_STAND_INS = {
        "body": "body_rendered",
        "category": "category_name",
        "tags": "tag_names",
        "unit": "unit_name",
        "author": "author_name",
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets

        def swap(fields):
            return tuple(
                swap(f)
                if isinstance(f, (list, tuple))
                else self._READONLY_STAND_INS.get(f, f)
                for f in fields
            )

        return [
            (name, {**options, "fields": swap(options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return (*readonly, *self._READONLY_STAND_INS.values())
        return readonly

    # Moments in the newsroom's zone, with its label (news_tags.waktu_lengkap).
    @admin.display(description=_("dikirim"))
    def submitted_wib(self, obj):
        return waktu_lengkap(obj.submitted_at) or "-"

    @admin.display(description=_("jadwal terbit"))
    def publish_at_wib(self, obj):
        return waktu_lengkap(obj.publish_at) or "-"

    @admin.display(description=_("terbit"))
    def published_wib(self, obj):
        return waktu_lengkap(obj.published_at) or "-"

    @admin.display(description=_("dibuat"))
    def created_wib(self, obj):
        return waktu_lengkap(obj.created_at) or "-"

    @admin.display(description=_("diubah"))
    def updated_wib(self, obj):
        return waktu_lengkap(obj.updated_at) or "-"

    @admin.display(description=_("isi berita"))
    def body_rendered(self, obj):
        # Sanitised by news.services when it was saved (news.sanitize).
        return format_html(
            '<div class="news-body-rendered">{}</div>',
            mark_safe(obj.body),  # noqa: S308
        )

    @admin.display(description=_("kategori"))
    def category_name(self, obj):
        return obj.category.name

    @admin.display(description=_("tag"))
    def tag_names(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all()) or "-"

    @admin.display(description=_("UPT"))
    def unit_name(self, obj):
        return obj.unit.name

    @admin.display(description=_("penulis"))
    def author_name(self, obj):
        return obj.author.get_full_name() or obj.author.username
