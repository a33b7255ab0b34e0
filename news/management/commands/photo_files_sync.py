"""Put every photo's files where its post's status says (news.storage).

Run once after upgrading to the private storage for drafts: photos uploaded
before it sit in the public media whatever their post's status. Safe to run
again at any time; it moves only what is in the wrong place.
"""

from django.core.management.base import BaseCommand

from news.models import Photo
from news.services.photo_files import photo_files_place


class Command(BaseCommand):
    help = "Move photo files public (published posts) or private (all others)."

    def handle(self, *args, **options):
        moved = 0
        photos = Photo.objects.select_related("post").order_by("pk")
        for photo in photos.iterator(chunk_size=500):
            moved += photo_files_place(photo=photo)
        self.stdout.write("%d files moved" % moved)
