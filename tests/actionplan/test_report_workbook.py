"""The report's workbook and CSV, and the plan browser's Excel download, read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from actionplan.exports import (
    PLAN_CSV_COLUMNS,
    PLAN_SHEET_COLUMNS,
    actions_workbook_bytes,
    progress_as_at,
    report_csv_bytes,
    report_workbook_bytes,
)
from actionplan.filters import browse_base_queryset
from actionplan.models import Action, ProgressUpdate, Rag, Status
from actionplan.reporting import ReportOptions, build_report
from actionplan.services import (
    action_record_progress,
    action_revise_target,
    action_set_owners,
    save_with_history,
)
from actionplan.synthetic import build_plan
from tests.conftest import home_council, make_action

HOSTILE = '=HYPERLINK("http://x")'
PLAN_HEADINGS = [
    "Theme ref",
    "Theme",
    "Project ref",
    "Project",
    "Action ref",
    "Full reference",
    "Action",
    "Owners",
    "Lead owner",
    "Owners as written",
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
    "Theme id",
    "Project id",
    "Version",
]
HIDDEN = ["Action id", "Theme id", "Project id", "Version"]


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def headings(ws) -> list[str]:
    return [cell.value for cell in ws[1]]


def records(ws) -> list[dict]:
    """Each data row as heading → cell (the cell, so its type and format can be checked)."""
    names = headings(ws)
    return [dict(zip(names, row, strict=False)) for row in ws.iter_rows(min_row=2)]


def letter(heading: str) -> str:
    return get_column_letter(PLAN_HEADINGS.index(heading) + 1)


def workbook_of(plan, *, options: ReportOptions | None = None, **report_args):
    report = build_report(plan=plan, **report_args)
    return read(report_workbook_bytes(report, options or ReportOptions()))


@pytest.fixture
def two_actions(plan, project, action, people):
    """The `action` (RF and PAG), and a second one, red, slipped, with a hostile description."""
    second = make_action(project, description=HOSTILE, target="Dec 2004", rag=Rag.RED)
    action_revise_target(action=second, new_target="Mar 2005", reason="Supplier late", user=None)
    action_set_owners(action=second, owners=[people["PW"]], user=None, reason="test")
    return Action.objects.get(pk=action.pk), Action.objects.get(pk=second.pk)


# The Plan sheet ------------------------------------------------------------------------


def test_without_since_the_workbook_has_plan_progress_and_summary_and_a_hidden_lists_sheet(
    plan, two_actions
):
    wb = workbook_of(plan)

    assert wb.sheetnames == ["Plan", "Progress", "Summary", "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    assert [wb[name].sheet_state for name in ("Plan", "Progress", "Summary")] == ["visible"] * 3


def test_the_plan_sheet_has_a_bold_frozen_filtered_header_row(plan, two_actions):
    ws = workbook_of(plan)["Plan"]

    assert headings(ws) == PLAN_HEADINGS
    assert [c.heading for c in PLAN_SHEET_COLUMNS] == PLAN_HEADINGS
    assert ws["A1"].font.bold
    assert ws["A1"].fill.fill_type == "solid"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AA3"
    assert ws.column_dimensions[letter("Action")].width == 50
    assert ws[f"{letter('Action')}2"].alignment.wrap_text


def test_the_plan_sheet_lists_each_action_in_plan_order_with_its_values(plan, two_actions):
    first, second = two_actions

    rows = records(workbook_of(plan)["Plan"])

    assert [(r["Full reference"].value, r["Owners"].value) for r in rows] == [
        ("4 / 1 / 1(a)", "RF, PAG"),
        ("4 / 1 / 1(b)", "PW"),
    ]
    slipped = rows[1]
    assert slipped["Lead owner"].value == "PW"
    assert slipped["Theme"].value == "Telephone Access"
    assert slipped["Project"].value == "Develop an electronic directory"
    assert slipped["Target (as written)"].value == "Mar 2005"
    assert slipped["Original target"].value == "Dec 2004"
    assert slipped["Re-plans"].value == 1
    assert slipped["Status"].value == "Not started"
    assert slipped["RAG"].value == "Red"


def test_ids_and_version_are_in_hidden_columns_at_the_end(plan, two_actions, project):
    first, _ = two_actions
    ws = workbook_of(plan)["Plan"]

    for heading in PLAN_HEADINGS:
        assert ws.column_dimensions[letter(heading)].hidden == (heading in HIDDEN), heading
    row = records(ws)[0]
    assert [row[h].value for h in HIDDEN] == [
        first.pk,
        first.theme_id,
        project.pk,
        first.version,
    ]


def test_target_days_are_real_dates_shown_day_month_year(plan, two_actions):
    row = records(workbook_of(plan)["Plan"])[1]

    for heading, day in (
        ("Target earliest", date(2005, 3, 1)),
        ("Target latest", date(2005, 3, 31)),
    ):
        cell = row[heading]
        assert cell.is_date and isinstance(cell.value, datetime), heading
        assert cell.value.date() == day
        assert cell.number_format == "dd/mm/yyyy"
    assert row["Last changed"].is_date


def test_status_and_rag_offer_drop_down_lists_kept_on_the_hidden_lists_sheet(plan, two_actions):
    wb = workbook_of(plan)

    validations = {str(dv.sqref): dv for dv in wb["Plan"].data_validations.dataValidation}
    status = validations[f"{letter('Status')}2:{letter('Status')}3"]
    rag = validations[f"{letter('RAG')}2:{letter('RAG')}3"]
    assert (status.type, status.formula1) == ("list", "Lists!$A$2:$A$8")
    assert (rag.type, rag.formula1) == ("list", "Lists!$B$2:$B$5")
    lists = [[c.value for c in row] for row in wb["Lists"].iter_rows(max_col=2)]
    assert [row[0] for row in lists] == ["Status", *Status.labels]
    assert [row[1] for row in lists[: len(Rag.labels) + 1]] == ["RAG", *Rag.labels]


@pytest.mark.parametrize("text", [HOSTILE, "+44 1993", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1"])
def test_text_that_starts_like_a_formula_is_stored_as_inert_text(plan, project, text):
    action = make_action(project, description=text, owners_as_written=text)
    action_record_progress(action=action, reported_on=date(2004, 12, 1), narrative=text, user=None)
    since = timezone.now()
    action_revise_target(action=action, new_target="Mar 2005", reason=text, user=None)

    wb = workbook_of(plan, since=since, options=ReportOptions(title=text, author=text))

    every = [cell for ws in wb for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in every if cell.data_type == "f"]
    hostile = [cell for cell in every if isinstance(cell.value, str) and text in cell.value]
    # Description and owners on Plan, Progress and Changes; title and author on Summary
    # (services strip leading whitespace from progress and reasons, so those vary).
    assert len(hostile) >= 6
    assert all(cell.value == "'" + text for cell in hostile)
    assert records(wb["Plan"])[0]["Action"].value == "'" + text


def test_the_plan_sheet_shows_the_plan_as_at_the_reports_moment(plan, two_actions):
    first, _ = two_actions
    moment = timezone.now()
    first.description = "Rewritten afterwards"
    save_with_history(first, user=None, reason="edit")

    then = records(workbook_of(plan, as_at=moment)["Plan"])[0]
    now = records(workbook_of(plan)["Plan"])[0]

    assert then["Action"].value == "Identify key customer contacts by reference to FAQs"
    assert now["Action"].value == "Rewritten afterwards"
    assert then["Version"].value == now["Version"].value - 1


# Progress, Changes, Summary ------------------------------------------------------------


def test_the_progress_sheet_lists_every_update_reported_by_the_moment_oldest_first(
    plan, action, plan_admin
):
    action_record_progress(
        action=action, reported_on=date(2004, 11, 1), narrative="Drafted", user=plan_admin
    )
    action_record_progress(
        action=action,
        reported_on=date(2004, 12, 1),
        narrative="Consulted",
        status=Status.ON_TRACK,
        rag=Rag.GREEN,
        author_name="Rita Field",
        user=None,
    )
    moment = timezone.now()
    action_record_progress(
        action=action, reported_on=date(2005, 1, 1), narrative="Later", user=None
    )

    rows = records(workbook_of(plan, as_at=moment)["Progress"])

    assert [
        (r["Reported on"].value.date(), r["Progress"].value, r["Reported by"].value) for r in rows
    ] == [
        (date(2004, 11, 1), "Drafted", "pat.admin"),
        (date(2004, 12, 1), "Consulted", "Rita Field"),
    ]
    assert (rows[1]["Status reported"].value, rows[1]["RAG reported"].value) == (
        "On track",
        "Green",
    )
    assert {r["Full reference"].value for r in rows} == {"4 / 1 / 1(a)"}
    assert workbook_of(plan, as_at=moment)["Progress"].column_dimensions["K"].hidden


def test_progress_rows_follow_the_plan_sheets_order_not_the_order_actions_were_created(
    plan, project
):
    later_in_plan = make_action(
        project, reference="b", description="Second in the plan", position=5
    )
    first_in_plan = make_action(project, reference="a", description="First in the plan", position=1)
    red = make_action(project, reference="c", description="Red one", position=9, rag=Rag.RED)
    for action in (red, later_in_plan, first_in_plan):
        for day in (2, 1):
            action_record_progress(
                action=action,
                reported_on=date(2004, 11, day),
                narrative=f"{action.reference} day {day}",
                user=None,
            )

    wb = workbook_of(plan)

    plan_order = [r["Action"].value for r in records(wb["Plan"])]
    assert plan_order == ["First in the plan", "Second in the plan", "Red one"]
    assert [r["Progress"].value for r in records(wb["Progress"])] == [
        "a day 1",
        "a day 2",
        "b day 1",
        "b day 2",
        "c day 1",
        "c day 2",
    ]
    exceptions = workbook_of(plan, exceptions_only=True, today=date(2004, 11, 3))
    assert [r["Progress"].value for r in records(exceptions["Progress"])] == [
        "c day 1",
        "c day 2",
    ]


def test_progress_cells_keep_their_types_dates_numbers_and_yes_for_no_change(plan, action):
    action_record_progress(
        action=action,
        reported_on=date(2004, 11, 1),
        narrative="Halfway",
        percent_complete=40,
        user=None,
    )
    action_record_progress(
        action=action, reported_on=date(2004, 12, 1), narrative="", is_no_change=True, user=None
    )

    first, second = records(workbook_of(plan)["Progress"])

    assert first["Reported on"].is_date
    assert first["Reported on"].number_format == "dd/mm/yyyy"
    assert (first["% complete reported"].value, first["% complete reported"].data_type) == (40, "n")
    assert (first["No change"].value, second["No change"].value) == (None, "Yes")
    assert second["% complete reported"].value == 40
    assert second["Update id"].value > first["Update id"].value


def test_all_progress_updates_are_read_in_two_queries_whatever_the_plans_size(
    django_assert_num_queries, steering_member
):
    sizes = []
    for per_project in (1, 8):
        plan = build_plan(
            organisation=home_council(),
            slug=f"progress-{per_project}",
            actions_per_project=per_project,
        )
        # As if members had reported them: the authors' names take the second query.
        ProgressUpdate.history.update(author=steering_member, author_name="")
        report = build_report(plan=plan)
        with django_assert_num_queries(2):  # the updates as at the moment, their authors
            lines = list(progress_as_at(report))
        sizes.append(len(lines))
        assert {line.reported_by for line in lines} == {"sam.steering"}
    assert sizes[1] > sizes[0] > 0


def test_the_report_workbook_costs_the_same_two_queries_for_a_small_and_a_larger_plan(
    db, django_assert_num_queries
):
    sizes = []
    for per_project in (1, 8):
        plan = build_plan(
            organisation=home_council(),
            slug=f"workbook-{per_project}",
            actions_per_project=per_project,
        )
        report = build_report(plan=plan)
        with django_assert_num_queries(2):  # the authors' names, the updates as at the moment
            data = report_workbook_bytes(report, ReportOptions())
        sizes.append(len(records(read(data)["Progress"])))
    assert sizes[1] > sizes[0] > 0


@pytest.fixture
def changed(plan, project, people):
    moves = make_action(project, reference="a", description="Move status", status="on_track")
    slip = make_action(project, reference="b", description="Slip")
    since = timezone.now()
    moves.status = Status.AT_RISK
    save_with_history(moves, user=None, reason="edit")
    action_revise_target(action=slip, new_target="Mar 2005", reason="Supplier late", user=None)
    make_action(project, reference="c", description="Brand new")
    return since


def test_the_changes_sheet_appears_only_with_since_and_lists_each_change(plan, changed):
    assert "Changes" not in workbook_of(plan).sheetnames

    wb = workbook_of(plan, since=changed)

    assert wb.sheetnames == ["Plan", "Progress", "Changes", "Summary", "Lists"]
    ws = wb["Changes"]
    assert headings(ws) == [
        "Change",
        "Full reference",
        "Action",
        "Old",
        "New",
        "Reason",
        "Date",
    ] + ["Action id"]
    assert [[c.value for c in row[:6]] for row in ws.iter_rows(min_row=2)] == [
        ["New action", "4 / 1 / c", "Brand new", None, None, None],
        ["Status changed", "4 / 1 / a", "Move status", "On track", "At risk", None],
        ["Target slipped", "4 / 1 / b", "Slip", "Dec 2004", "Mar 2005", "Supplier late"],
    ]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["H"].hidden


def test_the_summary_sheet_gives_the_council_sentence_counts_and_the_papers_details(
    plan, two_actions
):
    options = ReportOptions(
        committee="Scrutiny", meeting_date=date(2025, 3, 4), title="Q4 progress", author="J Smith"
    )
    report = build_report(plan=plan)

    ws = read(report_workbook_bytes(report, options))["Summary"]

    values = {row[0].value: row[1] for row in ws.iter_rows() if row[0].value}
    assert values["Summary"].value == "Of 2 actions, 2 (100%) not started."
    assert values["Summary"].value == report.summary.sentence()
    assert values["Title"].value == "Q4 progress"
    assert values["Committee"].value == "Scrutiny"
    assert values["Author"].value == "J Smith"
    assert values["Meeting date"].value.date() == date(2025, 3, 4)
    assert values["Meeting date"].number_format == "dd/mm/yyyy"
    assert values["Filters"].value == "None: every action in the plan"
    assert values["Changes since"].value == "Not asked for"
    counts = {row[0].value: (row[1].value, row[2].value) for row in ws.iter_rows() if row[0].value}
    assert counts["Not started"] == (2, 1)
    assert counts["Red"] == (1, 0.5)
    assert counts["Revised completion date"][0] == 1


def test_a_filtered_report_says_so_on_the_summary_sheet(plan, two_actions):
    ws = workbook_of(plan, exceptions_only=True)["Summary"]

    values = {row[0].value: row[1].value for row in ws.iter_rows() if row[0].value}
    assert "Exceptions only" in values["Filters"]
    assert values["Summary"] == "Of 2 actions, 2 (100%) not started."


def test_an_untitled_report_is_called_after_its_plan(plan, two_actions):
    ws = workbook_of(plan)["Summary"]
    values = {row[0].value: row[1].value for row in ws.iter_rows() if row[0].value}
    assert values["Title"] == "Customer Service Action Plan: progress report"


# The report's CSV ----------------------------------------------------------------------


def test_the_report_csv_has_the_plan_sheets_visible_columns_a_bom_and_inert_formulas(
    plan, two_actions
):
    data = report_csv_bytes(build_report(plan=plan))

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0] == [h for h in PLAN_HEADINGS if h not in HIDDEN]
    assert len(PLAN_CSV_COLUMNS) == len(PLAN_HEADINGS) - len(HIDDEN)
    by_heading = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["Full reference"] for r in by_heading] == ["4 / 1 / 1(a)", "4 / 1 / 1(b)"]
    assert by_heading[1]["Action"] == "'" + HOSTILE
    assert by_heading[1]["Target latest"] == "2005-03-31"


# The plan browser's Excel download -----------------------------------------------------

# session, user, role groups, plan, the actions (joined, latest update annotated), owners.
XLSX_QUERIES = 6


def xlsx_url(plan, query: str = "") -> str:
    return reverse("plan_browse_xlsx", args=[plan.slug]) + query


def test_anonymous_visitors_are_sent_to_sign_in_for_the_workbook(client, plan):
    response = client.get(xlsx_url(plan))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_with_no_role_cannot_download_the_workbook(client, plan, outsider):
    client.force_login(outsider)
    assert client.get(xlsx_url(plan)).status_code == 404


def test_the_browse_workbook_holds_exactly_the_rows_of_the_csv_for_the_same_query(
    client, plan, project, viewer, people
):
    for n in range(12):
        action = make_action(
            project,
            reference=f"r{n}",
            position=n,
            target=["Dec 2004", "TBC", "Mar 2005"][n % 3],
            rag=[Rag.RED, Rag.AMBER, Rag.NOT_ASSESSED][n % 4 % 3],
        )
        action_set_owners(action=action, owners=[people["RF"]], user=None, reason="t")
    query = "?rag=red&rag=none&sort=-target"
    client.force_login(viewer)

    response = client.get(xlsx_url(plan, query))
    in_csv = client.get(reverse("plan_browse_csv", args=[plan.slug]) + query)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="test-plan-actions-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    csv_ids = [
        int(row["Action id"])
        for row in csv.DictReader(io.StringIO(in_csv.content.decode().removeprefix("\ufeff")))
    ]
    ws = read(response.content)["Plan"]
    xlsx_ids = [row["Action id"].value for row in records(ws)]
    assert xlsx_ids == csv_ids
    assert 0 < len(xlsx_ids) < 12
    assert {row["RAG"].value for row in records(ws)} == {"Red", "Not assessed"}
    assert ws.freeze_panes == "A2"


def test_the_browse_workbook_neutralises_a_formula_and_keeps_ids_hidden(
    client, plan, project, viewer
):
    make_action(project, description=HOSTILE)
    client.force_login(viewer)

    ws = read(client.get(xlsx_url(plan)).content)["Plan"]

    cell = records(ws)[0]["Action"]
    assert cell.data_type != "f"
    assert cell.value == "'" + HOSTILE
    assert all(ws.column_dimensions[letter(h)].hidden for h in HIDDEN)


def test_the_browse_workbook_matches_the_report_workbooks_plan_sheet(plan, two_actions):
    from_browser = read(actions_workbook_bytes(browse_base_queryset(plan)))["Plan"]
    from_report = workbook_of(plan)["Plan"]

    def comparable(ws) -> list[list]:
        last_changed = PLAN_HEADINGS.index("Last changed")
        return [
            [c.value for i, c in enumerate(row) if i != last_changed]
            for row in ws.iter_rows(min_row=1)
        ]

    assert comparable(from_browser) == comparable(from_report)


def test_a_bad_filter_value_gives_no_workbook(client, plan, project, viewer):
    make_action(project)
    client.force_login(viewer)

    response = client.get(xlsx_url(plan, "?due_from=someday"))

    assert response.status_code == 400
    assert "These filters cannot be used" in response.content.decode()


def test_the_browser_links_to_the_workbook_with_its_filters(client, plan, project, viewer):
    make_action(project, rag=Rag.RED)
    client.force_login(viewer)

    html = client.get(reverse("plan_browse", args=[plan.slug]) + "?rag=red").content.decode()

    assert f'href="{xlsx_url(plan)}?rag=red"' in html
    assert "as an Excel workbook (XLSX, 1 row)" in html


@pytest.mark.parametrize("actions_per_project", [1, 8])
def test_the_browse_workbook_costs_the_same_queries_whatever_the_plans_size(
    client, viewer, django_assert_num_queries, actions_per_project
):
    plan = build_plan(
        organisation=home_council(),
        slug=f"xlsx-{actions_per_project}",
        actions_per_project=actions_per_project,
    )
    client.force_login(viewer)

    with django_assert_num_queries(XLSX_QUERIES):
        response = client.get(xlsx_url(plan))

    assert len(records(read(response.content)["Plan"])) == 6 * actions_per_project
