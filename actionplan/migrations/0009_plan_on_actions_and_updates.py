"""The plan on every action and progress update (and their history rows), filled from the
action's theme, with indexes that start with the plan: no plan pays for another's rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_plans(apps, schema_editor) -> None:
    Theme = apps.get_model("actionplan", "Theme")
    HistoricalTheme = apps.get_model("actionplan", "HistoricalTheme")
    Action = apps.get_model("actionplan", "Action")
    HistoricalAction = apps.get_model("actionplan", "HistoricalAction")
    ProgressUpdate = apps.get_model("actionplan", "ProgressUpdate")
    HistoricalProgressUpdate = apps.get_model("actionplan", "HistoricalProgressUpdate")

    def theme_plan(theme_id):
        current = Theme.objects.filter(pk=theme_id).values("plan_id")[:1]
        # A theme deleted since keeps its plan in its own history.
        recorded = (
            HistoricalTheme.objects.filter(id=theme_id)
            .order_by("-history_date", "-history_id")
            .values("plan_id")[:1]
        )
        return Coalesce(Subquery(current), Subquery(recorded))

    Action.objects.update(
        plan_id=Subquery(Theme.objects.filter(pk=OuterRef("theme_id")).values("plan_id")[:1])
    )
    HistoricalAction.objects.update(plan_id=theme_plan(OuterRef("theme_id")))
    ProgressUpdate.objects.update(
        plan_id=Subquery(Action.objects.filter(pk=OuterRef("action_id")).values("plan_id")[:1])
    )
    action_plan = HistoricalAction.objects.filter(id=OuterRef("action_id")).exclude(plan_id=None)
    HistoricalProgressUpdate.objects.update(
        plan_id=Subquery(action_plan.order_by("-history_date").values("plan_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0008_import_column_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actions",
                to="actionplan.plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalaction",
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
        migrations.AddField(
            model_name="historicalprogressupdate",
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
        migrations.AddField(
            model_name="progressupdate",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="actionplan.plan",
            ),
        ),
        migrations.RunPython(fill_plans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actions",
                to="actionplan.plan",
            ),
        ),
        migrations.AlterField(
            model_name="progressupdate",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="actionplan.plan",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["plan", "status", "target_latest"], name="action_plan_deadline"
            ),
        ),
        migrations.AddIndex(
            model_name="historicalaction",
            index=models.Index(
                fields=["plan", "history_date", "history_id"], name="action_history_plan_recent"
            ),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(fields=["plan", "id"], name="update_plan_recent"),
        ),
    ]
