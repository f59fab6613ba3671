"""Each action's latest progress-update day, kept on the action by database triggers.

The triggers are the only writer of `actionplan_action.latest_update_on` (Action.save() leaves
it alone), so every path that adds, changes or deletes a progress update keeps it right: forms,
bulk imports, reverts, restores and cascades alike. A later migration that rebuilds the
progress-update table on SQLite (Django copies it into a new table) drops its triggers and
must create them again; tests/actionplan/test_latest_update_on.py fails if it does not.
"""

from django.db import migrations, models
from django.db.utils import NotSupportedError

# Recompute from the action's updates: after a delete, or a change of day or action.
RECOMPUTE = (
    "UPDATE actionplan_action SET latest_update_on = (SELECT MAX(u.reported_on) "
    "FROM actionplan_progressupdate u WHERE u.action_id = actionplan_action.id) "
    "WHERE id = {row}.action_id"
)
# An insert can only move the day forward: no need to read the action's other updates.
FORWARD = (
    "UPDATE actionplan_action SET latest_update_on = NEW.reported_on "
    "WHERE id = NEW.action_id "
    "AND (latest_update_on IS NULL OR latest_update_on < NEW.reported_on)"
)

SQLITE = [
    "CREATE TRIGGER actionplan_latest_update_insert AFTER INSERT ON actionplan_progressupdate "
    f"BEGIN {FORWARD}; END",
    "CREATE TRIGGER actionplan_latest_update_delete AFTER DELETE ON actionplan_progressupdate "
    f"BEGIN {RECOMPUTE.format(row='OLD')}; END",
    "CREATE TRIGGER actionplan_latest_update_change "
    "AFTER UPDATE OF reported_on, action_id ON actionplan_progressupdate "
    f"BEGIN {RECOMPUTE.format(row='OLD')}; {RECOMPUTE.format(row='NEW')}; END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS actionplan_latest_update_insert",
    "DROP TRIGGER IF EXISTS actionplan_latest_update_delete",
    "DROP TRIGGER IF EXISTS actionplan_latest_update_change",
]

# PostgreSQL, at READ COMMITTED: an insert's conditional UPDATE waits for a concurrent writer
# of the same action and re-reads its row, so it stays right. A recompute locks the action row
# first, so its UPDATE (a new statement, a new snapshot) sees every update committed before.
POSTGRESQL = [
    f"""
    CREATE FUNCTION actionplan_latest_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {FORWARD};
            RETURN NULL;
        END IF;
        PERFORM 1 FROM actionplan_action
            WHERE id IN (OLD.action_id, (CASE WHEN TG_OP = 'UPDATE' THEN NEW.action_id END))
            ORDER BY id FOR UPDATE;
        {RECOMPUTE.format(row="OLD")};
        IF TG_OP = 'UPDATE' AND NEW.action_id <> OLD.action_id THEN
            {RECOMPUTE.format(row="NEW")};
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER actionplan_latest_update "
    "AFTER INSERT OR DELETE OR UPDATE OF reported_on, action_id ON actionplan_progressupdate "
    "FOR EACH ROW EXECUTE FUNCTION actionplan_latest_update()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS actionplan_latest_update ON actionplan_progressupdate",
    "DROP FUNCTION IF EXISTS actionplan_latest_update()",
]

BACKFILL = (
    "UPDATE actionplan_action SET latest_update_on = (SELECT MAX(u.reported_on) "
    "FROM actionplan_progressupdate u WHERE u.action_id = actionplan_action.id)"
)


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotSupportedError(f"No latest-update triggers written for {vendor}.")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0016_action_plan_target_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="latest_update_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                fields=["plan", "latest_update_on", "target_latest", "id"],
                name="action_plan_latest_update",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["unit", "plan"], name="action_unit_plan"),
        ),
        migrations.RunPython(
            _run(
                {
                    "sqlite": [*SQLITE, BACKFILL],
                    "postgresql": [*POSTGRESQL, BACKFILL],
                }
            ),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
