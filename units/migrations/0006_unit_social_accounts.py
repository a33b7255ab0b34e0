# The unit’s official social-media accounts, shown on its public profile.

from django.db import migrations, models

import units.models


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_unit_code_and_name_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="instagram_url",
            field=models.URLField(
                blank=True,
                help_text="Alamat lengkap akun resmi UPT; kosongkan bila tidak ada.",
                validators=[
                    units.models.SocialProfileURLValidator(
                        "Instagram", ("instagram.com",)
                    )
                ],
                verbose_name="Instagram",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="facebook_url",
            field=models.URLField(
                blank=True,
                help_text="Alamat lengkap akun resmi UPT; kosongkan bila tidak ada.",
                validators=[
                    units.models.SocialProfileURLValidator(
                        "Facebook", ("facebook.com", "fb.com")
                    )
                ],
                verbose_name="Facebook",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="x_url",
            field=models.URLField(
                blank=True,
                help_text="Alamat lengkap akun resmi UPT; kosongkan bila tidak ada.",
                validators=[
                    units.models.SocialProfileURLValidator(
                        "X", ("x.com", "twitter.com")
                    )
                ],
                verbose_name="X",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="youtube_url",
            field=models.URLField(
                blank=True,
                help_text="Alamat lengkap akun resmi UPT; kosongkan bila tidak ada.",
                validators=[
                    units.models.SocialProfileURLValidator(
                        "YouTube", ("youtube.com", "youtu.be")
                    )
                ],
                verbose_name="YouTube",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="tiktok_url",
            field=models.URLField(
                blank=True,
                help_text="Alamat lengkap akun resmi UPT; kosongkan bila tidak ada.",
                validators=[
                    units.models.SocialProfileURLValidator("TikTok", ("tiktok.com",))
                ],
                verbose_name="TikTok",
            ),
        ),
    ]
