"""Full-text search on posts: a stored, weighted tsvector kept by a trigger.

Why a trigger rather than a Django signal or a service step: every way a row
changes (the services, the admin, `QuerySet.update`, bulk loads, COPY in the
search benchmark, a manual fix in psql) goes through it, in the same
statement, so the vector can never lag behind the text. A stored GENERATED
column would be as safe, but PostgreSQL recomputes it on every UPDATE of the
row; the trigger fires only when title, lead or body are written, so
publishing, featuring or scheduling a post does not re-parse its body, and
the function can be replaced later without rewriting the table.

Only on PostgreSQL: the embedded SQLite mode keeps an empty column and
searches with a simple `icontains` (news.search).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION news_post_search_vector_update() RETURNS trigger AS $$
BEGIN
    -- HTML tags and entities in the body are tokens the indonesian
    -- configuration does not index, so the body goes in as it is stored.
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.indonesian', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.indonesian', coalesce(NEW.lead, '')), 'B')
        || setweight(to_tsvector('pg_catalog.indonesian', coalesce(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS news_post_search_vector_trigger ON news_post;
CREATE TRIGGER news_post_search_vector_trigger
    BEFORE INSERT OR UPDATE OF title, lead, body, search_vector ON news_post
    FOR EACH ROW EXECUTE FUNCTION news_post_search_vector_update();

-- Backfill: touching the title fires the trigger for every existing row.
UPDATE news_post SET title = title;

-- Suggestions for typos and empty results (news.search): word similarity
-- of the query against titles.
CREATE INDEX IF NOT EXISTS news_post_title_trgm
    ON news_post USING gin (title gin_trgm_ops);
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS news_post_title_trgm;
DROP TRIGGER IF EXISTS news_post_search_vector_trigger ON news_post;
DROP FUNCTION IF EXISTS news_post_search_vector_update();
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class PostgresOnlyAddIndex(migrations.AddIndex):
    """A GIN index exists only on PostgreSQL; SQLite keeps the model state."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0009_post_snapshot"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        PostgresOnlyAddIndex(
            model_name="post",
            index=GinIndex(fields=["search_vector"], name="news_post_search_vector"),
        ),
        migrations.RunPython(
            _on_postgres(TRIGGER_SQL), _on_postgres(REVERSE_SQL), elidable=False
        ),
    ]
