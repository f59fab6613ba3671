"""Our own report workbook's Progress sheet and Owners column, and actions missing from a file."""

from __future__ import annotations

from datetime import date

import pytest

from actionplan.exports import actions_workbook_bytes, report_workbook_bytes
from actionplan.filters import browse_base_queryset
from actionplan.importing.apply import import_apply
from actionplan.importing.plan_diff import Outcome, build_preview
from actionplan.importing.reader import read_upload
from actionplan.models import Action, ProgressUpdate, Rag, Status
from actionplan.reporting import ReportOptions, build_report
from actionplan.services import action_record_progress
from tests.actionplan.import_files import edited, row_of
from tests.conftest import make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(action, steering_member) -> ProgressUpdate:
    return action_record_progress(
        action=action,
        reported_on=date(2004, 10, 1),
        narrative="Directory drafted",
        user=steering_member,
        status=Status.ON_TRACK,
    )


def report_workbook(plan) -> bytes:
    return report_workbook_bytes(build_report(plan=plan), ReportOptions())


def preview_of(plan, data: bytes, name: str = "report.xlsx"):
    return build_preview(plan=plan, source=read_upload(name, data))


def progress_rows(preview):
    (sheet,) = [s for s in preview.sheets if s.name == "Progress"]
    return sheet.rows


def add_progress_row(ws, col, action, **cells):
    new = [None] * len(col)
    new[col["Action id"] - 1] = action.pk
    for heading, value in cells.items():
        new[col[heading] - 1] = value
    ws.append(new)


# Progress sheet -------------------------------------------------------------------------------


def test_a_new_progress_row_is_previewed_then_recorded_as_the_importers_update(
    plan, action, reported, plan_admin
):
    def edit(ws, col):
        add_progress_row(
            ws,
            col,
            action,
            **{
                "Reported on": date(2004, 11, 15),
                "Progress": "Directory published on the intranet",
                "Status reported": "Completed",
                "RAG reported": "Green",
            },
        )

    data = edited(report_workbook(plan), edit, sheet="Progress")
    preview = preview_of(plan, data)
    new = [row for row in progress_rows(preview) if row.outcome == Outcome.PROGRESS]
    assert len(new) == 1 and new[0].action == action
    assert "Directory published on the intranet" in [c.new for c in new[0].changes]
    assert preview.counts["progress"] == 1 and preview.has_writes
    assert ProgressUpdate.objects.filter(action=action).count() == 1  # nothing written yet

    result = import_apply(plan=plan, filename="report.xlsx", data=data, user=plan_admin)
    assert result.progress_recorded == 1 and result.changed == 0
    update = action.updates.get(narrative="Directory published on the intranet")
    assert update.reported_on == date(2004, 11, 15) and update.author == plan_admin
    assert update.status == Status.COMPLETED
    record = update.history.first()
    assert record.history_user == plan_admin
    assert record.history_change_reason == "Imported from report.xlsx"
    action.refresh_from_db()  # what the update reports is carried onto the action
    assert action.status == Status.COMPLETED and action.rag == Rag.GREEN
    assert action.completed_on == date(2004, 11, 15)
    latest = action.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason.startswith("Imported from report.xlsx")

    again = preview_of(plan, data)  # the same file again: recorded once
    assert again.counts["progress"] == 0 and not again.has_writes


def test_unchanged_progress_rows_import_as_nothing(plan, action, reported):
    preview = preview_of(plan, report_workbook(plan))
    (sheet,) = [s for s in preview.sheets if s.name == "Progress"]
    assert (sheet.read, sheet.unchanged, sheet.rows) == (1, 1, [])  # counted, not shown
    assert not preview.has_writes and preview.counts["error"] == 0


def test_an_edited_progress_row_is_reported_as_not_imported(plan, action, reported, plan_admin):
    def edit(ws, col):
        ws.cell(2, col["Progress"]).value = "Directory drafted and approved"

    data = edited(report_workbook(plan), edit, sheet="Progress")
    (row,) = progress_rows(preview_of(plan, data))
    assert row.outcome == Outcome.ERROR
    assert "Not imported: progress history is not edited by import" in row.messages[0]
    assert "Progress" in row.messages[0]
    import_apply(plan=plan, filename="report.xlsx", data=data, user=plan_admin)
    reported.refresh_from_db()
    assert reported.narrative == "Directory drafted"
    assert ProgressUpdate.objects.count() == 1


def test_a_new_progress_row_without_text_or_with_a_bad_status_is_a_row_error(
    plan, action, reported
):
    def edit(ws, col):
        add_progress_row(ws, col, action, **{"Reported on": date(2004, 12, 1)})
        add_progress_row(ws, col, action, **{"Progress": "Late", "Status reported": "Soon"})

    data = edited(report_workbook(plan), edit, sheet="Progress")
    new = [row for row in progress_rows(preview_of(plan, data)) if row.number > 2]
    assert [row.outcome for row in new] == [Outcome.ERROR, Outcome.ERROR]
    assert "Progress text is empty" in new[0].messages[0]
    assert "Status “Soon”" in new[1].messages[0]


def test_a_new_progress_row_may_name_its_action_by_full_reference(plan, action, reported):
    def edit(ws, col):
        new = [None] * len(col)
        new[col["Full reference"] - 1] = action.full_reference
        new[col["Progress"] - 1] = "Phoned BT"
        ws.append(new)

    data = edited(report_workbook(plan), edit, sheet="Progress")
    (new,) = [row for row in progress_rows(preview_of(plan, data)) if row.number > 2]
    assert new.outcome == Outcome.PROGRESS and new.action == action


# Owners ---------------------------------------------------------------------------------------


def exported(plan) -> bytes:
    return actions_workbook_bytes(browse_base_queryset(plan))


def test_an_edited_owners_column_relinks_the_owners_and_keeps_the_text(
    plan, action, people, plan_admin
):
    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Owners"]).value = "PW, RF"

    data = edited(exported(plan), edit)
    (row,) = preview_of(plan, data, "plan.xlsx").rows()
    assert row.outcome == Outcome.CHANGE
    assert [(c.label, c.old, c.new) for c in row.changes] == [
        ("Owners (linked)", "RF, PAG", "PW, RF")
    ]
    import_apply(plan=plan, filename="plan.xlsx", data=data, user=plan_admin)
    action.refresh_from_db()
    links = action.action_owners.order_by("-is_lead", "position")
    assert [link.owner for link in links] == [people["PW"], people["RF"]]
    assert action.owners_as_written == "RF / PAG"


def test_owners_and_owners_as_written_edited_differently_is_a_row_error(plan, action, people):
    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Owners"]).value = "PW"
        ws.cell(row_of(ws, col, action.pk), col["Owners as written"]).value = "RF"

    (row,) = preview_of(plan, edited(exported(plan), edit), "plan.xlsx").rows()
    assert row.outcome == Outcome.ERROR and "name different owners" in row.messages[0]


def test_owners_and_owners_as_written_edited_alike_are_imported_from_the_text(
    plan, action, people, plan_admin
):
    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Owners"]).value = "PW"
        ws.cell(row_of(ws, col, action.pk), col["Owners as written"]).value = "Paul Williams"

    data = edited(exported(plan), edit)
    (row,) = preview_of(plan, data, "plan.xlsx").rows()
    assert row.outcome == Outcome.CHANGE
    import_apply(plan=plan, filename="plan.xlsx", data=data, user=plan_admin)
    action.refresh_from_db()
    assert action.owners_as_written == "Paul Williams"
    assert [link.owner for link in action.action_owners.all()] == [people["PW"]]


def test_an_untouched_owners_column_changes_nothing(plan, action, people):
    assert not preview_of(plan, exported(plan), "plan.xlsx").has_writes


# Actions not in the file ----------------------------------------------------------------------


def test_actions_deleted_from_the_file_are_listed_as_left_alone(plan, project, action, people):
    second = make_action(project, description="Review the BT directory entry")

    def edit(ws, col):
        ws.delete_rows(row_of(ws, col, second.pk))

    data = edited(exported(plan), edit)
    preview = preview_of(plan, data, "plan.xlsx")
    assert preview.missing_count == 1
    assert preview.missing == [(second.full_reference, "Review the BT directory entry")]
    import_apply(plan=plan, filename="plan.xlsx", data=data, user=None)
    assert Action.objects.filter(pk=second.pk).exists()
    assert preview_of(plan, exported(plan), "plan.xlsx").missing_count == 0


def test_the_same_text_as_latest_update_and_as_a_new_progress_row_is_recorded_once(
    plan, action, reported, plan_admin
):
    def plan_sheet(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Latest update"]).value = "Went live"

    def progress_sheet(ws, col):
        add_progress_row(ws, col, action, **{"Progress": "Went live"})

    data = edited(edited(report_workbook(plan), plan_sheet), progress_sheet, sheet="Progress")
    preview = preview_of(plan, data)
    assert preview.counts["change"] + preview.counts["progress"] == 1
    import_apply(plan=plan, filename="report.xlsx", data=data, user=plan_admin)
    assert action.updates.filter(narrative="Went live").count() == 1


def test_owners_edited_in_a_row_exported_before_a_later_change_are_shown_not_imported(
    plan, action, people, steering_member
):
    from actionplan.services import save_with_history

    data = exported(plan)
    action.description = "Reworded in the app after the export"
    save_with_history(action, user=steering_member, reason="Edited")

    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Owners"]).value = "PW"

    (row,) = preview_of(plan, edited(data, edit), "plan.xlsx").rows()
    assert row.outcome == Outcome.UNCHANGED
    assert "Owners (linked) not imported" in row.messages[0]
    import_apply(plan=plan, filename="plan.xlsx", data=edited(data, edit), user=None)
    assert [link.owner for link in action.action_owners.order_by("position")] == [
        people["RF"],
        people["PAG"],
    ]
