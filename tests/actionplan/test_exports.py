"""Actions as CSV rows, and text that can never run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from actionplan.exports import ACTION_COLUMNS, safe_cell, write_actions_csv
from actionplan.filters import browse_base_queryset
from actionplan.models import ProgressUpdate, Rag, Status, Unit
from actionplan.services import action_revise_target, action_set_owners
from tests.conftest import home_council, make_action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+44 1993 861000", "'+44 1993 861000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Survey drafted = done", "Survey drafted = done"),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_text_that_starts_like_a_formula(text, expected):
    assert safe_cell(text) == expected


def test_safe_cell_leaves_numbers_and_dates_alone():
    assert safe_cell(-5) == -5
    assert safe_cell(date(2005, 1, 1)) == date(2005, 1, 1)
    assert safe_cell(None) is None


def read_csv(actions) -> tuple[str, list[dict[str, str]]]:
    stream = io.StringIO()
    write_actions_csv(stream, actions)
    text = stream.getvalue()
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_starts_with_a_bom_and_the_agreed_headings(project):
    text, _ = read_csv([])
    assert text.startswith("\ufeff")
    assert text.removeprefix("\ufeff").splitlines()[0].split(",") == [
        "Plan",
        "Theme ref",
        "Theme",
        "Project ref",
        "Project",
        "Action ref",
        "Action",
        "Owners",
        "Lead owner",
        "Directorate/service",
        "Target (as written)",
        "Target earliest",
        "Target latest",
        "Original target",
        "Re-plans",
        "Status",
        "RAG",
        "% complete",
        "Completed on",
        "Latest update date",
        "Latest update",
        "Last changed",
        "Action id",
        "Version",
    ]
    assert len(ACTION_COLUMNS) == 24


def test_csv_row_holds_the_action_as_recorded_with_iso_dates(project, people, plan_admin):
    unit = Unit.objects.create(
        organisation=home_council(), name="Customer Services", short_name="CS"
    )
    action = make_action(
        project,
        reference="1(a)",
        description="Identify key customer contacts",
        target="Aug 2004",
        unit=unit,
        status=Status.AT_RISK,
        rag=Rag.AMBER,
        percent_complete=40,
    )
    action_set_owners(
        action=action,
        owners=[people["RF"], people["PAG"]],
        lead=people["PAG"],
        user=None,
        reason="t",
    )
    action_revise_target(action=action, new_target="Dec 2004", reason="Delay", user=plan_admin)
    ProgressUpdate.objects.create(action=action, reported_on=date(2004, 9, 1), narrative="Old")
    ProgressUpdate.objects.create(action=action, reported_on=date(2004, 10, 4), narrative="Drafted")
    action.refresh_from_db()
    _, rows = read_csv(browse_base_queryset(project.theme.plan))
    row = rows[0]
    assert row["Plan"] == "Customer Service Action Plan"
    assert (row["Theme ref"], row["Theme"]) == ("4", "Telephone Access")
    assert (row["Project ref"], row["Project"]) == ("1", "Develop an electronic directory")
    assert (row["Action ref"], row["Action"]) == ("1(a)", "Identify key customer contacts")
    assert row["Owners"] == "Project Assurance Group (PAG), RF"
    assert row["Lead owner"] == "Project Assurance Group (PAG)"
    assert row["Directorate/service"] == "Customer Services (CS)"
    assert (row["Target (as written)"], row["Original target"], row["Re-plans"]) == (
        "Dec 2004",
        "Aug 2004",
        "1",
    )
    assert (row["Target earliest"], row["Target latest"]) == ("2004-12-01", "2004-12-31")
    assert (row["Status"], row["RAG"], row["% complete"]) == ("At risk", "Amber", "40")
    assert row["Completed on"] == ""
    assert (row["Latest update date"], row["Latest update"]) == ("2004-10-04", "Drafted")
    assert datetime.fromisoformat(row["Last changed"]) == action.updated_at.replace(microsecond=0)
    assert (row["Action id"], row["Version"]) == (str(action.pk), str(action.version))


def test_csv_neutralises_formulas_in_any_text_column(project):
    make_action(
        project,
        description='=HYPERLINK("http://evil.example","Click")',
        owners_as_written="@RF",
        target="+1 week",
    )
    text, rows = read_csv(browse_base_queryset(project.theme.plan))
    assert rows[0]["Action"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[0]["Owners"] == "'@RF"
    assert rows[0]["Target (as written)"] == "'+1 week"
    assert ',"=HYPERLINK' not in text


def test_csv_gives_owners_as_written_when_no_owner_is_linked(project):
    make_action(project, owners_as_written="Corporate HR")
    _, rows = read_csv(browse_base_queryset(project.theme.plan))
    assert (rows[0]["Owners"], rows[0]["Lead owner"]) == ("Corporate HR", "")
