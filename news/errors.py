"""Exceptions shared by news services and tasks (no imports: tasks load it early)."""


class PhotoBusy(Exception):
    """A photo's row is locked by another transaction; try again shortly."""
