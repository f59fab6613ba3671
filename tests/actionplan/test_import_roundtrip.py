"""Our own workbook, exported, edited offline and imported again: changes land, conflicts don't."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from actionplan.exports import actions_workbook_bytes, report_workbook_bytes
from actionplan.filters import browse_base_queryset
from actionplan.importing.apply import import_apply
from actionplan.importing.plan_diff import Outcome, build_preview
from actionplan.importing.reader import read_upload
from actionplan.models import Action, Plan, ProgressUpdate, Status, TargetRevision
from actionplan.reporting import ReportOptions, build_report
from actionplan.services import action_record_progress, save_with_history
from tests.actionplan.import_files import edited, row_of
from tests.conftest import make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_plan(db) -> Plan:
    call_command("load_demo", verbosity=0)
    return Plan.objects.get(slug="occ-customer-service-2004")


def exported(plan: Plan) -> bytes:
    return actions_workbook_bytes(browse_base_queryset(plan))


def preview_of(plan: Plan, name: str, data: bytes):
    return build_preview(plan=plan, source=read_upload(name, data))


def history_fingerprint() -> tuple:
    return (
        list(Action.objects.order_by("pk").values_list("pk", "version")),
        Action.history.count(),
        ProgressUpdate.objects.count(),
    )


def test_an_unedited_export_imports_as_no_change_at_all(demo_plan):
    before = history_fingerprint()
    preview = preview_of(demo_plan, "plan.xlsx", exported(demo_plan))
    assert preview.counts["unchanged"] == Action.objects.for_plan(demo_plan).count()
    assert not preview.has_writes
    import_apply(plan=demo_plan, filename="plan.xlsx", data=exported(demo_plan), user=None)
    assert history_fingerprint() == before


def test_every_edit_in_the_workbook_lands_with_history_naming_the_importer_and_file(
    demo_plan, plan_admin
):
    first, second, third = Action.objects.for_plan(demo_plan).order_by("pk")[:3]

    def edit(ws, col):
        ws.cell(row_of(ws, col, first.pk), col["Action"]).value = "Publish the FAQs online"
        ws.cell(row_of(ws, col, second.pk), col["Status"]).value = "Completed"
        ws.cell(row_of(ws, col, second.pk), col["RAG"]).value = "Green"
        ws.cell(row_of(ws, col, third.pk), col["Target (as written)"]).value = "Q1 2005/06"
        ws.cell(row_of(ws, col, third.pk), col["Latest update"]).value = "Contract signed"
        new = [None] * len(col)
        new[col["Theme id"] - 1] = first.theme_id
        new[col["Action"] - 1] = "Train reception staff in the new scripts"
        new[col["Action ref"] - 1] = "99"
        new[col["Target (as written)"] - 1] = "Sept 2005"
        ws.append(new)

    data = edited(exported(demo_plan), edit)
    preview = preview_of(demo_plan, "plan-edited.xlsx", data)
    assert preview.counts["change"] == 3 and preview.counts["create"] == 1
    result = import_apply(plan=demo_plan, filename="plan-edited.xlsx", data=data, user=plan_admin)
    assert (result.created, result.changed) == (1, 3)

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert first.description == "Publish the FAQs online"
    assert second.status == Status.COMPLETED and second.rag == "green" and second.completed_on
    assert third.target == "Q1 2005/06" and third.replan_count == 1
    assert TargetRevision.objects.get(action=third).reason == "Imported from plan-edited.xlsx"
    assert third.updates.order_by("-id").first().narrative == "Contract signed"
    created = Action.objects.get(description="Train reception staff in the new scripts")
    assert created.theme_id == first.theme_id and created.target_latest is not None
    for action in (first, second, third, created):
        record = action.history.order_by("-history_date", "-history_id").first()
        assert record.history_user == plan_admin
        assert record.history_change_reason.startswith("Imported from plan-edited.xlsx")


def test_a_row_changed_in_the_app_since_the_export_is_a_conflict_and_not_overwritten(
    demo_plan, steering_member, plan_admin
):
    action = Action.objects.for_plan(demo_plan).order_by("pk").first()
    data = exported(demo_plan)
    action.status = Status.AT_RISK  # someone changes it in the app after the export
    save_with_history(action, user=steering_member, reason="Edited")

    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Status"]).value = "Off track"

    changed = edited(data, edit)
    preview = preview_of(demo_plan, "old.xlsx", changed)
    (row,) = [r for r in preview.rows() if r.action == action]
    assert row.outcome == Outcome.CONFLICT
    assert "sam.steering changed Status" in row.messages[0]
    assert "At risk" in row.messages[0] and "Off track" in row.messages[0]
    import_apply(plan=demo_plan, filename="old.xlsx", data=changed, user=plan_admin)
    action.refresh_from_db()
    assert action.status == Status.AT_RISK


def test_an_untouched_row_of_an_old_export_leaves_the_apps_later_change_alone(
    demo_plan, steering_member, plan_admin
):
    action = Action.objects.for_plan(demo_plan).order_by("pk").first()
    other = Action.objects.for_plan(demo_plan).order_by("pk")[1]
    data = exported(demo_plan)
    action.target = "Dec 2009"
    action.original_target = "x"
    save_with_history(action, user=steering_member, reason="Edited")

    def edit(ws, col):  # the officer edits another field of the same row
        ws.cell(row_of(ws, col, action.pk), col["Action"]).value = "Reworded action"
        ws.cell(row_of(ws, col, other.pk), col["RAG"]).value = "Red"

    changed = edited(data, edit)
    preview = preview_of(demo_plan, "old.xlsx", changed)
    assert preview.counts["conflict"] == 0 and preview.counts["change"] == 2
    import_apply(plan=demo_plan, filename="old.xlsx", data=changed, user=plan_admin)
    action.refresh_from_db(), other.refresh_from_db()
    assert (action.description, action.target) == ("Reworded action", "Dec 2009")
    assert other.rag == "red"


def test_the_confirmation_checks_conflicts_again_inside_its_transaction(
    demo_plan, steering_member, plan_admin
):
    action = Action.objects.for_plan(demo_plan).order_by("pk").first()

    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Action"]).value = "From the file"

    data = edited(exported(demo_plan), edit)
    assert preview_of(demo_plan, "f.xlsx", data).counts["change"] == 1
    action.description = "From the app, after the preview"
    save_with_history(action, user=steering_member, reason="Edited")
    result = import_apply(plan=demo_plan, filename="f.xlsx", data=data, user=plan_admin)
    assert result.changed == 0 and result.preview.counts["conflict"] == 1
    action.refresh_from_db()
    assert action.description == "From the app, after the preview"


def test_a_report_workbook_imports_its_plan_and_progress_sheets_and_skips_the_others(demo_plan):
    report = build_report(plan=demo_plan)
    source = read_upload("report.xlsx", report_workbook_bytes(report, ReportOptions()))
    assert [sheet.name for sheet in source.sheets] == ["Plan", "Progress"]
    assert source.sheets[1].progress and source.sheets[1].rows
    assert any("Summary" in why for why in source.skipped)
    preview = build_preview(plan=demo_plan, source=source)
    assert not preview.has_writes and preview.counts["error"] == 0


def test_a_progress_update_recorded_since_the_export_is_not_imported_again(
    demo_plan, steering_member
):
    action = Action.objects.for_plan(demo_plan).order_by("pk").first()
    data = exported(demo_plan)
    action_record_progress(
        action=action,
        reported_on=action.updates.order_by("-reported_on").first().reported_on
        if action.updates.exists()
        else __import__("datetime").date(2025, 1, 1),
        narrative="A newer update",
        user=steering_member,
    )
    assert not preview_of(demo_plan, "plan.xlsx", data).has_writes


def test_a_deleted_action_in_the_file_is_an_error_not_a_new_action(demo_plan, plan_admin):
    action = Action.objects.for_plan(demo_plan).order_by("pk").first()

    def edit(ws, col):
        ws.cell(row_of(ws, col, action.pk), col["Action id"]).value = 999_999

    preview = preview_of(demo_plan, "plan.xlsx", edited(exported(demo_plan), edit))
    (row,) = [r for r in preview.rows() if r.outcome == Outcome.ERROR]
    assert "no action with id 999999" in row.messages[0]


def test_a_row_deleted_from_the_workbook_leaves_its_action_alone(plan, project, action, people):
    second = make_action(project, description="Review the BT directory entry")

    def edit(ws, col):
        ws.delete_rows(row_of(ws, col, second.pk))

    preview = preview_of(plan, "plan.xlsx", edited(exported(plan), edit))
    assert preview.counts["unchanged"] == 1 and preview.rows() == []
    assert not preview.has_writes
    import_apply(plan=plan, filename="plan.xlsx", data=edited(exported(plan), edit), user=None)
    assert Action.objects.filter(pk=second.pk).exists()


def test_a_reference_changed_to_one_already_taken_is_a_row_error(plan, project, action, people):
    second = make_action(project, description="Review the BT directory entry")

    def edit(ws, col):
        ws.cell(row_of(ws, col, second.pk), col["Action ref"]).value = action.reference

    data = edited(exported(plan), edit)
    (row,) = [r for r in preview_of(plan, "plan.xlsx", data).rows() if r.action == second]
    assert row.outcome == Outcome.ERROR and "already has the reference" in row.messages[0]
    import_apply(plan=plan, filename="plan.xlsx", data=data, user=None)
    second.refresh_from_db()
    assert second.reference != action.reference


def test_a_new_row_imported_twice_creates_one_action(plan, project, action, people):
    def edit(ws, col):
        new = [None] * len(col)
        new[col["Theme id"] - 1] = action.theme_id
        new[col["Project id"] - 1] = project.pk
        new[col["Action"] - 1] = "Train reception staff"
        ws.append(new)

    data = edited(exported(plan), edit)
    assert import_apply(plan=plan, filename="plan.xlsx", data=data, user=None).created == 1
    again = preview_of(plan, "plan.xlsx", data)
    assert not again.has_writes
    assert Action.objects.filter(description="Train reception staff").count() == 1
