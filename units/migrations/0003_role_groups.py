"""One Django group per role, with the units app's permissions for each.

The group names are frozen here (they equal units.models.ROLE_GROUPS, which a
test checks): other apps' migrations give their own permissions to the same
groups by name.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "contributor": "Kontributor UPT",
    "head": "Kepala UPT",
    "reviewer": "Peninjau Kanwil",
    "editor": "Editor Ditjenpas",
    "admin": "Administrator",
}

# Unit staff work in the portal's dashboard, not in the admin.
PERMISSIONS = {
    "contributor": [],
    "head": [],
    "reviewer": ["view_region", "view_unit"],
    "editor": ["view_region", "view_unit", "view_user"],
    "admin": [
        "%s_%s" % (action, model)
        for model in ("region", "unit", "user")
        for action in ("add", "change", "delete", "view")
    ],
}


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create the units app's now so that the groups can be given them.
    # Restore models_module afterwards: the test suite calls this function
    # with the live app registry, not only the migration's historical one.
    app_config = apps.get_app_config("units")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, group_name in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        codenames = PERMISSIONS[role]
        permissions = Permission.objects.filter(
            content_type__app_label="units", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError("Missing units permissions for %s" % group_name)
        group.permissions.add(*permissions)


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_regions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
