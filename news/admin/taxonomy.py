"""Categories and tags: plain declarations with the number of posts."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from news.models import (
    Category,
    Tag,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "post_count")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("jumlah berita"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "post_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("jumlah berita"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count
