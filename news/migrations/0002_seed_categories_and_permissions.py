"""Seed the categories units write about; give the role groups their news permissions.

Group names are frozen here (they equal units.models.ROLE_GROUPS); the groups
are created with get_or_create so this works whichever app's migration runs
first (units/migrations/0003_role_groups.py creates them too).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    ("Kegiatan", "kegiatan", "Kegiatan dan acara di UPT."),
    (
        "Pembinaan Kemandirian",
        "pembinaan-kemandirian",
        "Pelatihan kerja dan keterampilan, produksi dan usaha warga binaan.",
    ),
    (
        "Pembinaan Kepribadian/Rehabilitasi",
        "pembinaan-kepribadian-rehabilitasi",
        "Pembinaan keagamaan, kesadaran berbangsa, rehabilitasi narkotika.",
    ),
    (
        "Layanan Publik",
        "layanan-publik",
        "Layanan kunjungan, pengaduan, informasi, dan integrasi warga binaan.",
    ),
    ("Klarifikasi", "klarifikasi", "Penjelasan resmi atas pemberitaan atau isu."),
    (
        "Apa Kabar Pemasyarakatan",
        "apa-kabar-pemasyarakatan",
        'Kiriman untuk program "Apa Kabar Pemasyarakatan".',
    ),
    ("Berita Daerah/Kanwil", "berita-daerah-kanwil", "Berita dari kantor wilayah."),
    ("Prestasi", "prestasi", "Penghargaan dan capaian UPT, petugas, dan warga binaan."),
]

EDITOR_PERMISSIONS = [
    "add_post",
    "change_post",
    "view_post",
    "moderate_post",
    "add_category",
    "change_category",
    "delete_category",
    "view_category",
    "add_tag",
    "change_tag",
    "delete_tag",
    "view_tag",
    "change_photo",
    "delete_photo",
    "view_photo",
    "view_postevent",
    "view_postrevision",
]
GROUP_PERMISSIONS = {
    "Editor Ditjenpas": EDITOR_PERMISSIONS,
    "Administrator": EDITOR_PERMISSIONS,
    "Peninjau Kanwil": ["view_post"],
}


def seed_categories(apps, schema_editor):
    Category = apps.get_model("news", "Category")
    for position, (name, slug, description) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )


def grant_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create the news app's now so that the groups can be given them.
    # The registry may also be the real one (tests reload reference data with
    # this function), so the flag is put back as it was, not to None.
    app_config = apps.get_app_config("news")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        permissions = Permission.objects.filter(
            content_type__app_label="news", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError("Missing news permissions for %s" % group_name)
        group.permissions.add(*permissions)


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    news_permissions = Permission.objects.filter(content_type__app_label="news")
    for group in Group.objects.filter(name__in=GROUP_PERMISSIONS):
        group.permissions.remove(*news_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Categories stay on reverse: editors may have used them by then.
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, revoke_permissions),
    ]
