"""export_plan: a plan's report written to a file from the command line."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actionplan.models import PublishedReport, Rag, Status
from actionplan.services import action_record_progress
from tests.conftest import make_action

LONDON = timezone.get_default_timezone()


def _export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out)
    return out.getvalue()


def _csv_rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_csv_writes_one_row_per_action_and_says_what_it_wrote(action, tmp_path):
    output = tmp_path / "plan.csv"
    printed = _export("test-plan", "--format", "csv", "-o", str(output))
    assert [row["Action"] for row in _csv_rows(output)] == [action.description]
    assert printed.startswith(f"Wrote {output} (CSV, ")
    assert "Customer Service Action Plan, as at " in printed
    assert printed.rstrip().endswith("1 action.")


def test_exceptions_only_leaves_out_actions_going_well(project, tmp_path):
    well = make_action(
        project, description="Answer calls", target="Ongoing", status=Status.ON_TRACK, rag=Rag.GREEN
    )
    action_record_progress(
        action=well, reported_on=timezone.localdate(), narrative="On course", user=None
    )
    red = make_action(project, description="Recruit two advisers", target="Ongoing", rag=Rag.RED)
    output = tmp_path / "exceptions.csv"
    _export("test-plan", "--format", "csv", "--exceptions-only", "-o", str(output))
    assert [row["Action"] for row in _csv_rows(output)] == [red.description]
    _export("test-plan", "--format", "csv", "-o", str(output))
    assert [row["Action"] for row in _csv_rows(output)] == [well.description, red.description]


def test_an_as_at_before_the_plan_existed_writes_no_actions(action, tmp_path):
    output = tmp_path / "old.csv"
    printed = _export("test-plan", "--format", "csv", "--as-at", "31/03/2011", "-o", str(output))
    assert _csv_rows(output) == []
    assert "as at 31 March 2011, 0 actions." in printed


def test_since_is_printed_and_defaults_to_the_last_published_report(plan, tmp_path):
    PublishedReport.objects.create(
        plan=plan,
        committee="Executive",
        meeting_date=date(2011, 1, 20),
        title="Report",
        as_at=datetime(2011, 1, 14, 17, tzinfo=LONDON),
        pdf="reports/a.pdf",
        xlsx="reports/a.xlsx",
    )
    output = tmp_path / "plan.csv"
    printed = _export("test-plan", "--format", "csv", "-o", str(output))
    assert "changes since 14 January 2011, 17:00." in printed
    printed = _export("test-plan", "--format", "csv", "--since", "none", "-o", str(output))
    assert "changes since" not in printed
    printed = _export("test-plan", "--format", "csv", "--since", "2011-03-01", "-o", str(output))
    assert "changes since 1 March 2011." in printed


def test_xlsx_writes_a_workbook_of_the_plan(action, tmp_path):
    output = tmp_path / "plan.xlsx"
    printed = _export("test-plan", "--format", "xlsx", "-o", str(output))
    workbook = openpyxl.load_workbook(output, read_only=True)
    cells = [c for row in workbook["Plan"].iter_rows(values_only=True) for c in row]
    assert action.description in cells
    assert "(XLSX, " in printed


def test_pdf_writes_a_pdf(action, tmp_path):
    output = tmp_path / "plan.pdf"
    printed = _export("test-plan", "--format", "pdf", "-o", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    assert "(PDF, " in printed


def test_the_file_shows_the_plan_as_at_the_moment_given(action, tmp_path):
    moment = timezone.localtime()
    action_record_progress(
        action=action,
        reported_on=timezone.localdate(),
        narrative="Done",
        status=Status.COMPLETED,
        user=None,
    )
    output = tmp_path / "then.csv"
    _export("test-plan", "--format", "csv", "--as-at", moment.isoformat(), "-o", str(output))
    assert [row["Status"] for row in _csv_rows(output)] == ["Not started"]


def test_an_unknown_plan_is_refused_with_the_plans_there_are(plan, tmp_path):
    with pytest.raises(CommandError, match="There is no plan called 'nope'. Plans: test-plan."):
        _export("nope", "--format", "csv", "-o", str(tmp_path / "x.csv"))


def test_bad_dates_are_refused_with_the_reason_and_no_file_is_written(plan, tmp_path):
    output = tmp_path / "x.csv"
    with pytest.raises(CommandError, match="Enter the 'as at' date as day/month/year"):
        _export("test-plan", "--format", "csv", "--as-at", "yesterday", "-o", str(output))
    with pytest.raises(CommandError, match="The 'since' moment must be before the 'as at'"):
        _export(
            "test-plan",
            "--format",
            "csv",
            "--as-at",
            "1/1/2011",
            "--since",
            "2/1/2011",
            "-o",
            str(output),
        )
    assert not output.exists()


def test_a_file_that_cannot_be_written_is_refused_clearly(plan, tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*missing/x.csv"):
        _export("test-plan", "--format", "csv", "-o", str(tmp_path / "missing" / "x.csv"))


def test_an_unknown_format_is_refused(plan, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'docx'"):
        _export("test-plan", "--format", "docx", "-o", str(tmp_path / "x.docx"))
