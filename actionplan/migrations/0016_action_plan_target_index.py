from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0015_plan_on_action_owners"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["plan", "target_latest"], name="action_plan_target"),
        ),
    ]
