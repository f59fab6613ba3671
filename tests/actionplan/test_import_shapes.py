"""Councils' own files in each shape come in without loss: a CSV, a workbook with merged cells,
a Word document with bulleted cells and merged section rows.

Each test builds the file, imports it, and checks that every cell's text is in the plan (in a
field, a progress update, a target revision or the notes), that revised targets keep their
originals, that progress and completion are dated from what the file writes, and that no row
is refused for the council's wording.
"""

from __future__ import annotations

from datetime import date

import pytest

from actionplan.importing.apply import import_apply
from actionplan.importing.columns import key
from actionplan.importing.plan_diff import Outcome, build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.values import STATUSES
from actionplan.models import Action, Plan, ProgressUpdate, Rag, Status, TargetRevision
from tests.actionplan.import_files import Bullets, docx, xlsx

pytestmark = pytest.mark.django_db

TODAY = date(2013, 1, 15)


def _plan_text(plan: Plan) -> str:
    """Everything the plan holds as text, for "is this cell's text in the plan?"."""
    parts: list[str] = []
    for theme in plan.themes.all():
        parts += [f"{theme.reference}. {theme.title}", f"{theme.reference} {theme.title}"]
        parts += [theme.description]
        for project in theme.projects.all():
            parts += [project.reference, project.title]
    for action in Action.objects.filter(theme__plan=plan):
        parts += [
            f"{action.reference} {action.description}",  # a reference split off the text
            action.owners_as_written,
            action.target,
            action.original_target,
            action.notes,
            action.get_status_display(),
        ]
    parts += ProgressUpdate.objects.filter(action__theme__plan=plan).values_list(
        "narrative", flat=True
    )
    parts += TargetRevision.objects.filter(action__theme__plan=plan).values_list(
        "new_target", flat=True
    )
    return "\n".join(" ".join(str(p).split()) for p in parts if p)


def _missing_cells(plan: Plan, rows: list[list], words_read_as_values: set[str]) -> list[str]:
    """Cells of the file whose text is nowhere in the plan (status words read as statuses and
    numbers read as percentages are checked by the tests themselves)."""
    held = _plan_text(plan)
    missing = []
    for row in rows[1:]:
        for cell in row:
            texts = cell.items + (cell.lead,) if isinstance(cell, Bullets) else (cell,)
            for text in texts:
                if text is None or text == "" or str(text) in words_read_as_values:
                    continue
                for line in str(text).split("\n"):
                    if " ".join(line.split()) not in held:
                        missing.append(line)
    return missing


# The first shape from issue #12: a CSV with a Comments column and a Revised Date column.
CSV = [
    ["Ref", "Action", "Lead officer", "Target date", "Revised Date", "Status", "Comments"],
    ["1.1", "Map the customer journey", "RF", "Sept 12", "", "On target", "Nov 12: workshop held"],
    ["1.2", "Review the phone menu", "PW", "Oct 12", "Dec 12", "Revised completion date", ""],
    ["1.3", "Publish standards", "RF", "Jul 12", "", "Achieved", "31/10/12 – completed"],
    ["1.4", "Train reception staff", "PW", "Mar 13", "", "behind schedule!", "Delayed by cuts"],
    ["1.5", "Survey residents", "RF", "2013/14", "", "Not yet started", ""],
    ["1.6", "Close the old office", "PW", "TBC", "", "No longer required", "Decided by Cabinet"],
]


def _csv(rows: list[list]) -> bytes:
    return "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()


def test_a_council_csv_imports_every_row_with_its_comments_revised_dates_and_written_dates(
    plan, people, plan_admin
):
    data = _csv([["Theme", *CSV[0]]] + [["1", *row] for row in CSV[1:]])
    preview = build_preview(plan=plan, source=read_upload("plan.csv", data), today=TODAY)
    assert preview.counts["create"] == 6 and preview.counts["error"] == 0
    result = import_apply(plan=plan, filename="plan.csv", data=data, user=plan_admin, today=TODAY)
    assert result.created == 6 and result.left_out == 0
    actions = {a.reference: a for a in Action.objects.filter(theme__plan=plan)}
    statuses = {ref: a.status for ref, a in actions.items()}
    assert statuses == {
        "1.1": Status.ON_TRACK,
        "1.2": Status.ON_TRACK,
        "1.3": Status.COMPLETED,
        "1.4": Status.OFF_TRACK,
        "1.5": Status.NOT_STARTED,
        "1.6": Status.DELETED,
    }
    revised = actions["1.2"]
    assert (revised.original_target, revised.target) == ("Oct 12", "Dec 12")
    revision = revised.target_revisions.get()
    assert (revision.old_target, revision.new_target) == ("Oct 12", "Dec 12")
    assert revision.reason == "Revised in plan.csv"
    # Progress and completion dated by the words written, not the import day.
    update = actions["1.1"].updates.get()
    assert (update.reported_on, update.date_as_written) == (date(2012, 11, 1), "Nov 12")
    assert actions["1.3"].completed_on == date(2012, 10, 31)
    assert actions["1.3"].updates.get().reported_on == date(2012, 10, 31)
    # "Delayed by cuts" names no date: dated the import day, and the preview said so.
    assert actions["1.4"].updates.get().reported_on == TODAY
    said = {row.label: row.notes_on_dates for row in preview.rows()}
    assert said["1.4"] == ["Progress update dated the import day: no date is written in it."]
    assert said["1.1"] == [] and said["1.3"] == []
    words = {row[5] for row in CSV[1:]}
    assert _missing_cells(plan, [CSV[0]] + [r for r in CSV[1:]], words) == []
    # The result page's counts are the database's.
    assert result.progress_recorded == ProgressUpdate.objects.count() == 4
    assert result.progress_dated == 2
    assert result.targets_revised == TargetRevision.objects.count() == 1
    assert result.completions_dated == 1 and result.completions_import_day == 0


def test_a_workbook_with_merged_cells_repeated_headings_and_rag_colours_loses_nothing(
    plan, people, plan_admin
):
    from openpyxl import load_workbook
    from openpyxl.styles import PatternFill

    headings = ["Criterion", "Action", "Lead", "Timescale", "RAG", "% done", "Progress", "Cost"]
    rows = [
        headings,
        [
            "1 Customer Insight",
            "1.1 Map the customer journey",
            "RF",
            "Sept 10",
            "Green",
            "50%",
            "Completed",
            "£2,000",
        ],
        [
            None,
            "1.2 Survey visitors to reception",
            "PW",
            "Oct 10",
            None,
            "0.5",
            "Survey drafted – Sept 10",
            None,
        ],
        headings,  # the heading row repeated at the top of the printed page
        [
            None,
            "(a) Publish the results",
            "RF",
            "Nov 10",
            "amber",
            None,
            "Work in progress",
            "Within budget",
        ],
        ["2 Culture", "2.1 Plan staff awards", "RF", "Mar 11", None, "25", "On schedule", None],
    ]
    data = xlsx({"CSE plan": rows, "Notes": [["Just a note"]]}, merges={"CSE plan": ["A2:A3"]})
    # A RAG given only by the cell's colour (row 6's blank RAG cell, filled red).
    from io import BytesIO

    wb = load_workbook(BytesIO(data))
    wb["CSE plan"]["E6"].fill = PatternFill("solid", fgColor="FFFF0000")
    buffer = BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    preview = build_preview(plan=plan, source=read_upload("cse.xlsx", data), today=TODAY)
    assert preview.counts["create"] == 4 and preview.counts["error"] == 0
    assert preview.skipped == ["“Notes”: no heading row naming an Action or Description column"]
    import_apply(plan=plan, filename="cse.xlsx", data=data, user=plan_admin, today=TODAY)
    actions = {a.description: a for a in Action.objects.filter(theme__plan=plan)}
    journey = actions["Map the customer journey"]
    assert (journey.reference, journey.theme.reference, journey.theme.title) == (
        "1.1",
        "1",
        "Customer Insight",
    )
    assert journey.status == Status.COMPLETED and journey.percent_complete == 50
    assert journey.notes == "Cost: £2,000"  # a column the reader does not know: kept
    survey = actions["Survey visitors to reception"]
    assert survey.theme == journey.theme  # the merged criterion continues
    assert survey.percent_complete == 50 and survey.updates.get().reported_on == date(2010, 9, 1)
    publish = actions["Publish the results"]
    assert (publish.reference, publish.theme, publish.rag) == ("(a)", journey.theme, Rag.AMBER)
    assert publish.status == Status.ON_TRACK  # "Work in progress" in the Progress column
    awards = actions["Plan staff awards"]
    assert (awards.theme.reference, awards.rag, awards.status) == ("2", Rag.RED, Status.ON_TRACK)
    words = {"Green", "amber", "50%", "0.5", "25", "Completed", "On schedule"}
    assert _missing_cells(plan, rows[:3] + rows[4:], words) == []


def test_status_words_in_a_progress_column_are_read_around_the_dates_written():
    from actionplan.importing.values import status_in_progress

    assert status_in_progress("31/10/10 – completed") == Status.COMPLETED
    assert status_in_progress("Completed 30/11/2004") == Status.COMPLETED
    assert status_in_progress("Completed – SCM Summer edition") == Status.COMPLETED
    assert status_in_progress("Completed 'You said we did' SCM Summer 2010 edition") is None
    assert status_in_progress("Nov 10: meeting held") is None


def test_a_word_plan_with_bulleted_cells_and_merged_section_rows_loses_nothing(
    plan, people, plan_admin
):
    rows = [
        ["Action", "Target", "Progress", "Resources"],
        ["1. Local Access Points", None, None, None],
        [
            Bullets(
                "Concentrate on FAQs for E&E",
                "Negotiate agreement with WODC",
                "Identify success criteria",
                lead="Pilot a local access point in Witney",
            ),
            "Dec 2004\nJan 2005\nMar 2005",
            "FAQs collected Nov 2004\nWODC updating CRM\nCompleted 30/11/2004",
            "Existing staff",
        ],
        ["2. Customer Contact", None, None, None],
        [Bullets("Define customer requirements"), "Completed", "Done", None],
    ]
    continued = [
        rows[0],  # the heading row at the top of the next page's table
        [Bullets("Consider alternatives for the short term"), "From Aug 2004", None, None],
    ]
    data = docx(
        [
            {"rows": rows, "merges": [((1, 0), (1, 3)), ((3, 0), (3, 3))]},
            {"rows": continued},
        ]
    )
    preview = build_preview(plan=plan, source=read_upload("annex.docx", data), today=TODAY)
    assert preview.counts["create"] == 5 and preview.counts["error"] == 0
    assert [p.title for p in preview.new_projects] == ["Pilot a local access point in Witney"]
    import_apply(plan=plan, filename="annex.docx", data=data, user=plan_admin, today=TODAY)
    actions = {a.description: a for a in Action.objects.filter(theme__plan=plan)}
    assert list(actions) == [
        "Concentrate on FAQs for E&E",
        "Negotiate agreement with WODC",
        "Identify success criteria",
        "Define customer requirements",
        "Consider alternatives for the short term",
    ]
    faqs, wodc, criteria, requirements, alternatives = actions.values()
    assert [a.target for a in (faqs, wodc, criteria)] == ["Dec 2004", "Jan 2005", "Mar 2005"]
    assert faqs.project.title == "Pilot a local access point in Witney"
    assert faqs.notes == wodc.notes == "Resources: Existing staff"
    assert faqs.updates.get().reported_on == date(2004, 11, 1)
    assert criteria.status == Status.COMPLETED and criteria.completed_on == date(2004, 11, 30)
    assert (requirements.theme.title, requirements.status) == ("Customer Contact", Status.COMPLETED)
    assert alternatives.theme == requirements.theme and alternatives.target == "From Aug 2004"
    assert _missing_cells(plan, rows + continued[1:], {"Done"}) == []


def test_council_status_words_are_read_whatever_their_case_and_punctuation():
    for words, status in [
        ("ON TARGET", Status.ON_TRACK),
        ("On schedule.", Status.ON_TRACK),
        ("in-progress", Status.ON_TRACK),
        ("Achieved!", Status.COMPLETED),
        ("Complete", Status.COMPLETED),
        ("Completed", Status.COMPLETED),
        ("done", Status.COMPLETED),
        ("Delayed", Status.OFF_TRACK),
        ("Behind Schedule", Status.OFF_TRACK),
        ("Not yet started", Status.NOT_STARTED),
        ("Revised completion date", Status.ON_TRACK),
        ("Deferred", Status.SUSPENDED),
        ("No longer required", Status.DELETED),
    ]:
        assert STATUSES[key(words)] == status, words


def test_an_unknown_status_is_a_warning_and_its_words_are_kept(plan, people, plan_admin):
    rows = [["Theme", "Action", "Status"], ["1", "Review leaflets", "Waiting for printers"]]
    preview = build_preview(plan=plan, source=read_upload("s.xlsx", xlsx({"P": rows})))
    (row,) = preview.rows()
    assert row.outcome == Outcome.CREATE and "Waiting for printers" in row.messages[0]
    import_apply(plan=plan, filename="s.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    action = Action.objects.get()
    assert (action.status, action.notes) == (Status.NOT_STARTED, "Status: Waiting for printers")


def test_a_completed_action_with_no_date_written_is_completed_on_the_import_day_and_says_so(
    plan, people, plan_admin
):
    rows = [["Theme", "Action", "Status"], ["1", "Review leaflets", "Done"]]
    data = xlsx({"P": rows})
    preview = build_preview(plan=plan, source=read_upload("s.xlsx", data), today=TODAY)
    assert preview.rows()[0].notes_on_dates == [
        "Completed on the import day: no completion date is written."
    ]
    result = import_apply(plan=plan, filename="s.xlsx", data=data, user=plan_admin, today=TODAY)
    assert Action.objects.get().completed_on == TODAY
    assert (result.completions_dated, result.completions_import_day) == (0, 1)


def test_a_completion_date_column_sets_the_completion_date(plan, people, plan_admin):
    rows = [["Theme", "Action", "Date completed"], ["1", "Review leaflets", "12/03/2012"]]
    data = xlsx({"P": rows})
    result = import_apply(plan=plan, filename="s.xlsx", data=data, user=plan_admin, today=TODAY)
    action = Action.objects.get()
    assert (action.status, action.completed_on) == (Status.COMPLETED, date(2012, 3, 12))
    assert result.completions_dated == 1


def test_a_revised_target_of_an_existing_action_is_a_revision_with_the_file_as_reason(
    plan, people, plan_admin
):
    rows = [
        ["Theme", "Ref", "Action", "Target", "Revised target"],
        ["1", "a", "Leaflets", "Oct 12", ""],
    ]
    import_apply(plan=plan, filename="one.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    rows[1][4] = "Feb 13"
    result = import_apply(plan=plan, filename="two.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    action = Action.objects.get()
    assert (action.original_target, action.target, action.replan_count) == ("Oct 12", "Feb 13", 1)
    assert action.target_revisions.get().reason == "Revised in two.xlsx"
    assert result.changed == 1 and result.targets_revised == 1
    again = import_apply(plan=plan, filename="two.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    assert again.changed == 0 and TargetRevision.objects.count() == 1


def test_text_beyond_the_headings_and_under_a_repeated_heading_is_kept_in_the_notes(
    plan, people, plan_admin
):
    rows = [
        ["Theme", "Action", "Progress", "Progress", None],
        ["1", "Review leaflets", "Drafted", "Printed", "Ask Jo"],
    ]
    data = "\n".join(",".join(c or "" for c in row) for row in rows) + ",Extra\n"
    import_apply(plan=plan, filename="p.csv", data=data.encode(), user=plan_admin, today=TODAY)
    action = Action.objects.get()
    assert action.updates.get().narrative == "Drafted"
    assert action.notes == "Progress: Printed\nColumn E: Ask Jo\nColumn F: Extra"


def test_a_rag_the_reader_does_not_know_is_kept_in_the_notes_and_leaves_the_rag_alone(
    plan, people, plan_admin
):
    rows = [["Theme", "Ref", "Action", "RAG"], ["1", "a", "Review leaflets", "Green"]]
    import_apply(plan=plan, filename="one.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    rows[1][3] = "Purple"
    preview = build_preview(plan=plan, source=read_upload("two.xlsx", xlsx({"P": rows})))
    assert "RAG “Purple” is not red, amber or green" in preview.rows()[0].messages[0]
    import_apply(plan=plan, filename="two.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    action = Action.objects.get()
    assert (action.rag, action.notes) == (Rag.GREEN, "RAG: Purple")


def test_every_new_action_link_update_and_revision_is_in_history_as_the_importing_user(
    plan, people, plan_admin
):
    from actionplan.models import ActionOwner

    rows = [
        ["Theme", "Action", "Owner", "Target", "Revised date", "Progress"],
        ["1", "Review leaflets", "RF / PW", "Oct 12", "Dec 12", "Nov 12: drafted"],
    ]
    import_apply(plan=plan, filename="f.xlsx", data=xlsx({"P": rows}), user=plan_admin)
    action = Action.objects.get()
    links = action.action_owners.order_by("position").select_related("owner")
    assert [link.owner.short_name for link in links] == ["RF", "PW"]
    assert action.action_owners.get(is_lead=True).owner.short_name == "RF"
    assert (action.target, action.target_kind, action.target_latest) == (
        "Dec 12",
        "month",
        date(2012, 12, 31),
    )
    records = [
        *action.history.all(),
        *ActionOwner.history.all(),
        *ProgressUpdate.history.all(),
        *TargetRevision.history.all(),
    ]
    assert len(records) == 1 + 2 + 1 + 1
    assert {(r.history_user, r.history_change_reason) for r in records} == {
        (plan_admin, "Imported from f.xlsx")
    }
    revision = TargetRevision.objects.get()
    assert (revision.revised_by, revision.reason) == (plan_admin, "Revised in f.xlsx")


def test_a_row_with_only_its_outcome_starts_the_outcome_of_the_rows_below(plan, people, plan_admin):
    rows = [
        ["Criterion", "Desired outcome", "Action", "Target"],
        ["1 Customer Insight", "(1) Services are driven by insight", None, None],
        [None, None, "Review the survey", "Sept 10"],
        [None, None, None, None],
        [None, "(2) Results are published", None, None],
        [None, None, "Publish the results", "Oct 10"],
    ]
    data = xlsx({"P": rows}, merges={"P": ["A2:A6"]})
    preview = build_preview(plan=plan, source=read_upload("o.xlsx", data))
    assert preview.counts == {**preview.counts, "create": 2, "error": 0}
    import_apply(plan=plan, filename="o.xlsx", data=data, user=plan_admin)
    placed = Action.objects.order_by("pk").values_list(
        "description", "theme__reference", "project__reference", "project__title"
    )
    assert list(placed) == [
        ("Review the survey", "1", "1", "Services are driven by insight"),
        ("Publish the results", "1", "2", "Results are published"),
    ]
