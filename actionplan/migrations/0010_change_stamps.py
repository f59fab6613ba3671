"""Change stamps (actionplan/stamps.py): one for each plan there is, so its pages are cached
from the start, and one for what every plan shows."""

import secrets

from django.db import migrations, models


def stamp_every_plan(apps, schema_editor) -> None:
    Plan = apps.get_model("actionplan", "Plan")
    ChangeStamp = apps.get_model("actionplan", "ChangeStamp")
    scopes = ["site", *(f"plan:{pk}" for pk in Plan.objects.values_list("pk", flat=True))]
    ChangeStamp.objects.bulk_create(
        [ChangeStamp(scope=scope, token=secrets.randbits(62)) for scope in scopes]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0009_plan_on_actions_and_updates"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeStamp",
            fields=[
                ("scope", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(stamp_every_plan, migrations.RunPython.noop),
    ]
