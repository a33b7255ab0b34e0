from django.db import migrations, models

from units.names import normalize_unit_name


def rekey_unit_names(apps, schema_editor):
    # The normaliser learned "Klas", "Kelas 2A", "II A" and speciality after
    # the class: recompute every stored key with it. Two units that now share
    # a key are one unit entered twice; the unique index then stops the
    # migration, to be merged by hand.
    Unit = apps.get_model("units", "Unit")
    for unit in Unit.objects.only("pk", "name", "normalized_name"):
        key = normalize_unit_name(unit.name)
        if key != unit.normalized_name:
            Unit.objects.filter(pk=unit.pk).update(normalized_name=key)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("units", "0003_role_groups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="normalized_name",
            field=models.CharField(
                editable=False,
                max_length=200,
                unique=True,
                verbose_name="nama ternormalisasi",
            ),
        ),
        migrations.AlterConstraint(
            model_name="user",
            name="user_unit_matches_role",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("role__in", ("contributor", "head")), ("unit__isnull", False)
                    ),
                    models.Q(
                        models.Q(("role__in", ("contributor", "head")), _negated=True),
                        ("unit__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="user_unit_matches_role",
                violation_error_message="Kontributor dan kepala UPT harus terdaftar pada satu UPT; peran lain tidak terdaftar pada UPT.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="user",
            name="user_region_matches_role",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("region__isnull", False), ("role", "reviewer")),
                    models.Q(
                        models.Q(("role", "reviewer"), _negated=True),
                        ("region__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="user_region_matches_role",
                violation_error_message="Peninjau kanwil harus terdaftar pada satu kanwil; peran lain tidak terdaftar pada kanwil.",
            ),
        ),
        migrations.RunPython(rekey_unit_names, migrations.RunPython.noop),
    ]
