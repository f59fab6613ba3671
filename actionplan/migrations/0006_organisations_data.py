"""Existing data moves into organisations (a migration of its own: on PostgreSQL, rows changed
in the transaction that created the new columns' indexes would block those indexes)."""

from django.db import migrations

from actionplan.migrations._organisation_data import owners_forward, plans_forward, roles_forward


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0006_organisations"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(plans_forward, migrations.RunPython.noop),
        migrations.RunPython(owners_forward, migrations.RunPython.noop),
        migrations.RunPython(roles_forward, migrations.RunPython.noop),
    ]
