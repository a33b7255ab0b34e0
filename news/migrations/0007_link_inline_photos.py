"""Attach the inline photos that saved posts already show to those posts.

Until now CKEditor's inline images were never attached (post=None). The
nightly sweep (news.services.photo_orphans_delete) deletes unattached inline
photos, so every one a saved body shows must be attached before it first runs,
as post_create and post_update attach them from now on: same unit, not yet
attached, matched by storage name. A one-off over the posts whose body shows a
photo, one UPDATE each; the name pattern is frozen here rather than imported.
"""

import re
from urllib.parse import unquote

from django.db import migrations

PHOTO_NAME = re.compile(r"(?:^|/)(photos/([0-9a-f]{2})/\2[0-9a-f]{30}\.[a-z0-9]{1,5})$")
IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.IGNORECASE)


def photo_names(body: str) -> set[str]:
    names = set()
    for src in IMG_SRC.findall(body):
        path = unquote(src.split("#", 1)[0].split("?", 1)[0])
        match = PHOTO_NAME.search(path)
        if match:
            names.add(match.group(1))
    return names


def link_inline_photos(apps, schema_editor):
    Post = apps.get_model("news", "Post")
    Photo = apps.get_model("news", "Photo")
    posts = (
        Post.objects.filter(body__contains="photos/")
        .order_by("pk")
        .values_list("pk", "unit_id", "body")
    )
    for post_id, unit_id, body in posts.iterator(chunk_size=500):
        names = photo_names(body)
        if names:
            Photo.objects.filter(
                unit_id=unit_id, kind="inline", post__isnull=True, image__in=names
            ).update(post_id=post_id)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_photo_inline_orphan_index"),
    ]

    operations = [
        migrations.RunPython(link_inline_photos, migrations.RunPython.noop),
    ]
