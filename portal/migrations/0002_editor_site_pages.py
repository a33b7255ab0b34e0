"""Editors and administrators edit the footer: the flatpages (about, contact,
PPID) and the social links (portal.site_pages)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUPS = ("Editor Ditjenpas", "Administrator")
PERMISSIONS = {
    "flatpages": ["%s_flatpage" % a for a in ("view", "add", "change", "delete")],
    "portal": ["%s_sociallink" % a for a in ("view", "add", "change", "delete")],
}


def _create_permissions(apps, label: str) -> None:
    # Permissions are normally created after all migrations (post_migrate).
    app_config = apps.get_app_config(label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module


def grant_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for label, codenames in PERMISSIONS.items():
        _create_permissions(apps, label)
        permissions += Permission.objects.filter(
            content_type__app_label=label, codename__in=codenames
        )
    for name in EDITOR_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_social_links"),
        ("flatpages", "0001_initial"),
        ("units", "0003_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
