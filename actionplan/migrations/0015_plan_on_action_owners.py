"""The plan on every action-owner link (and its history rows), filled from the action, with an
index on (plan, owner): the owners a plan uses are read from the plan's own links."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_plans(apps, schema_editor) -> None:
    Action = apps.get_model("actionplan", "Action")
    HistoricalAction = apps.get_model("actionplan", "HistoricalAction")
    ActionOwner = apps.get_model("actionplan", "ActionOwner")
    HistoricalActionOwner = apps.get_model("actionplan", "HistoricalActionOwner")

    ActionOwner.objects.update(
        plan_id=Subquery(Action.objects.filter(pk=OuterRef("action_id")).values("plan_id")[:1])
    )
    # An action deleted since keeps its plan in its own history.
    action_plan = HistoricalAction.objects.filter(id=OuterRef("action_id")).exclude(plan_id=None)
    HistoricalActionOwner.objects.update(
        plan_id=Subquery(action_plan.order_by("-history_date").values("plan_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0014_progress_update_plan_reported_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionowner",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="actionplan.plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalactionowner",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="actionplan.plan",
            ),
        ),
        migrations.RunPython(fill_plans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actionowner",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="actionplan.plan",
            ),
        ),
        migrations.AddIndex(
            model_name="actionowner",
            index=models.Index(fields=["plan", "owner"], name="action_owner_plan_owner"),
        ),
    ]
