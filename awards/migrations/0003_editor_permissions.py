"""Editors and administrators run the awards in the admin: give their groups
the awards app's permissions (unit staff file through the contributor area)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUPS = ("Editor Ditjenpas", "Administrator")
MODELS = (
    "awardperiod",
    "awardcategory",
    "awardwinner",
    "awardresult",
    "socialaccount",
    "socialreport",
    "incident",
)
# The period and the winners change only through the services (close,
# record winners); editors still need "change" to reach those admin pages.
ACTIONS = ("view", "add", "change")


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("awards")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = ["%s_%s" % (action, model) for model in MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(
        content_type__app_label="awards", codename__in=codenames
    )
    for name in EDITOR_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0002_categories_and_2024_winners"),
        ("units", "0003_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
