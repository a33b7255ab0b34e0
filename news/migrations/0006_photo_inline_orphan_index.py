from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_editordigest"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(
                condition=models.Q(("kind", "inline"), ("post__isnull", True)),
                fields=["created_at"],
                name="news_photo_inline_orphan",
            ),
        ),
    ]
