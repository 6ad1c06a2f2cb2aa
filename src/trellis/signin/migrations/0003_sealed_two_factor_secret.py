from django.db import migrations

import trellis.core.sealed


def seal_saved_secrets(apps, schema_editor):
    """Seal the secrets saved in plain text before this migration (read and written in SQL:
    through the field, a plain value reads as empty)."""
    Device = apps.get_model("signin", "TwoFactorDevice")
    table = schema_editor.quote_name(Device._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")  # noqa: S608 — a quoted name
        for pk, secret in cursor.fetchall():
            if secret and not secret.startswith(trellis.core.sealed.PREFIX):
                cursor.execute(
                    f"UPDATE {table} SET secret = %s WHERE id = %s",  # noqa: S608 — a quoted name
                    [trellis.core.sealed.seal(secret), pk],
                )


def unseal_secrets(apps, schema_editor):
    """Back to plain text (through the ORM the value would be sealed again)."""
    Device = apps.get_model("signin", "TwoFactorDevice")
    table = schema_editor.quote_name(Device._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for device in Device.objects.using(schema_editor.connection.alias).iterator():
            if not device.secret:  # no key opens it: writing it out empty would lose it
                raise RuntimeError(
                    f"The two-factor secret of device {device.pk} opens under neither "
                    "SECRET_KEY nor SECRET_KEY_FALLBACKS; set the key it was sealed under."
                )
            cursor.execute(
                f"UPDATE {table} SET secret = %s WHERE id = %s",  # noqa: S608 — a quoted name
                [device.secret, device.pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("signin", "0002_two_factor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="twofactordevice",
            name="secret",
            field=trellis.core.sealed.SealedField(help_text="Base32 TOTP secret."),
        ),
        migrations.RunPython(seal_saved_secrets, unseal_secrets),
    ]
