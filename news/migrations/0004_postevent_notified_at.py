"""PostEvent becomes the mail outbox: notified_at, and a partial index on the
events still owed a mail.

Every event written before this migration is settled (notified_at = its
created_at): their mail went out, or was lost long ago, and the resend job
must not mail units and editors about old history.
"""

from django.db import migrations, models
from django.db.models import F


def settle_existing_events(apps, schema_editor):
    PostEvent = apps.get_model("news", "PostEvent")
    PostEvent.objects.filter(notified_at__isnull=True).update(
        notified_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0003_photo_status_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="postevent",
            name="notified_at",
            field=models.DateTimeField(null=True, verbose_name="pemberitahuan selesai"),
        ),
        migrations.RunPython(settle_existing_events, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="postevent",
            index=models.Index(
                condition=models.Q(("notified_at__isnull", True)),
                fields=["created_at"],
                name="news_postevent_unnotified",
            ),
        ),
    ]
