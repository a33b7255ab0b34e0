"""Indexes for the award statistics (awards.services.statistics).

news_post_published_by_unit: a unit's published posts by date, holding every
column the statistics read, so that a period's refresh, for one unit or all
of them, is an index-only scan. A covering (INCLUDE) index exists only on
PostgreSQL, so it is made here rather than declared in Post.Meta (which
would warn on SQLite, the embedded default); the audit rows' (post, action)
index is plain and declared in PostEvent.Meta.
"""

from django.db import migrations, models

CREATE_SQL = """
CREATE INDEX IF NOT EXISTS news_post_published_by_unit
    ON news_post (unit_id, published_at)
    INCLUDE (id, author_id, programme, submitted_at, event_date)
    WHERE status = 'published';
"""
DROP_SQL = "DROP INDEX IF EXISTS news_post_published_by_unit;"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0011_photo_uploaded_by_blank"),
    ]

    operations = [
        migrations.RunPython(_on_postgres(CREATE_SQL), _on_postgres(DROP_SQL)),
        migrations.AddIndex(
            model_name="postevent",
            index=models.Index(
                fields=["post", "action"], name="news_postevent_post_action"
            ),
        ),
    ]
