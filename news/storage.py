"""The media storage: photos of posts that are not published are never public.

STORAGES["default"] is this class (portal/settings.py). It wraps two
storages:

- ``public``: the configured media storage (MEDIA_ROOT, or S3 behind a CDN),
  served directly by nginx or the CDN;
- ``private``: the private storage (PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, or
  a bucket without public access), never served directly.

Photo files (names under ``photos/`` and ``renditions/``) are born private:
a clean copy, its renditions and a blurred copy are written there, whoever
writes them. news.services.photo_files moves a post's photo files to the
public storage when the post is published and back when it is not any more;
everything else (other names) goes to the public storage as before. Reading
(open, exists, size, delete) looks in both places, so the code that stores
and reads photos needs no change. ``url()`` is always the public URL: for a
file that is private, nginx finds nothing under MEDIA_ROOT and passes the
request to the portal (news.views.media), which serves it to the unit's staff
and the newsroom only, with ``Cache-Control: private, no-store``.

Why private storage rather than signed URLs: a published article's photos
stay plain, long-cached static files (nginx, CDN, page cache), the URLs in a
post's body never change at publication, and a draft's file is simply not
where anything public could serve it.
"""

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

PHOTO_PREFIXES = ("photos/", "renditions/")


def is_photo_name(name: str) -> bool:
    """A photo file's name, or one of the photo folders."""
    return (name.rstrip("/") + "/").startswith(PHOTO_PREFIXES)


@deconstructible
class PhotoStorage(Storage):
    def __init__(self, public: str = "public", private: str = "private"):
        self.public_alias = public
        self.private_alias = private

    @property
    def public(self) -> Storage:
        return storages[self.public_alias]

    @property
    def private(self) -> Storage:
        return storages[self.private_alias]

    # -- Where a file is ----------------------------------------------------------

    def is_public(self, name: str) -> bool:
        return self.public.exists(name)

    def _where(self, name: str) -> Storage:
        if (
            is_photo_name(name)
            and not self.public.exists(name)
            and self.private.exists(name)
        ):
            return self.private
        return self.public

    # -- Storage API -------------------------------------------------------------

    def _open(self, name, mode="rb"):
        return self._where(name).open(name, mode)

    def _save(self, name, content):
        if is_photo_name(name):
            return self.private.save(name, content)
        return self.public.save(name, content)

    def get_available_name(self, name, max_length=None):
        target = self.private if is_photo_name(name) else self.public
        return target.get_available_name(name, max_length=max_length)

    def get_alternative_name(self, file_root, file_ext):
        return self.public.get_alternative_name(file_root, file_ext)

    def delete(self, name):
        self.public.delete(name)
        if is_photo_name(name):
            self.private.delete(name)

    def exists(self, name):
        if self.public.exists(name):
            return True
        return is_photo_name(name) and self.private.exists(name)

    def listdir(self, path):
        dirs, files = self._listdir(self.public, path)
        if not path.strip("/"):
            # The private storage's root also holds raw uploads: only the
            # photo folders are this storage's.
            private_dirs, _files = self._listdir(self.private, path)
            dirs |= {d for d in private_dirs if is_photo_name(d)}
        elif is_photo_name(path):
            private_dirs, private_files = self._listdir(self.private, path)
            dirs |= private_dirs
            files |= private_files
        return sorted(dirs), sorted(files)

    @staticmethod
    def _listdir(storage, path) -> tuple[set, set]:
        try:
            found_dirs, found_files = storage.listdir(path)
        except FileNotFoundError:
            return set(), set()
        return set(found_dirs), set(found_files)

    def size(self, name):
        return self._where(name).size(name)

    def url(self, name):
        return self.public.url(name)

    def path(self, name):
        return self._where(name).path(name)

    def get_modified_time(self, name):
        return self._where(name).get_modified_time(name)

    def get_created_time(self, name):
        return self._where(name).get_created_time(name)

    def get_accessed_time(self, name):
        return self._where(name).get_accessed_time(name)

    # -- Moving between the two (news.services.photo_files) ----------------------

    def publish(self, name: str) -> bool:
        """Make the file public; True when it moved. Safe to repeat."""
        return self._move(name, source=self.private, target=self.public)

    def unpublish(self, name: str) -> bool:
        """Take the file out of the public storage; True when it moved."""
        return self._move(name, source=self.public, target=self.private)

    @staticmethod
    def _move(name: str, *, source: Storage, target: Storage) -> bool:
        if not source.exists(name):
            return False
        if not target.exists(name):
            with source.open(name, "rb") as stored:
                saved = target.save(name, stored)
            if saved != name:  # pragma: no cover - the name was free just now
                target.delete(saved)
                raise OSError("Could not move %s" % name)
        # Copied (now, or by a run that died before this line): drop the source.
        source.delete(name)
        return True
