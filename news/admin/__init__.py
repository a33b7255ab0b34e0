"""The newsroom in the Django admin, one module per kind of page.

Importing the modules registers their ModelAdmins (Django's autodiscover
imports this package).
"""

from news.admin import photos, posts, reasons, taxonomy  # noqa: F401
