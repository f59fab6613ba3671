"""Spreadsheets as councils keep them: tolerant headings, section rows, merged cells, dates."""

from __future__ import annotations

from datetime import date

import pytest

from actionplan.importing import reader
from actionplan.importing.apply import import_apply
from actionplan.importing.plan_diff import Outcome, build_preview
from actionplan.importing.reader import read_upload
from actionplan.importing.sheets import heading_map
from actionplan.models import Action, Owner, Status, Theme, ThemeKind
from tests.actionplan.import_files import xlsx

pytestmark = pytest.mark.django_db

ANNEX = {
    "Action plan": [
        ["Oxford City Council: Customer Service Strategy action plan"],
        [],
        ["Ref", "Action", "Responsible officer(s) / group", "Target Completion Date", "Progress"],
        ["1. Local Access Points"],
        [
            "1(a)",
            "Open a customer service centre in Blackbird Leys",
            "RF / PAG",
            "Mid November 2004",
            "Site agreed",
        ],
        ["1(b)", "Extend opening hours", "Paul Williams", "Sept 2004 onwards", None],
        ["2. Customer Contact"],
        ["2(a)", "Identify key customer contacts by reference to FAQs", "PW", "Q3 2012/13", None],
        ["2(b)", "Publish customer care standards", "Jo Bloggs", "TBC", None],
    ]
}


def test_headings_are_matched_without_regard_to_case_spaces_or_punctuation():
    found = heading_map(
        [
            "REF",
            "action ",
            "Lead Officer",
            "Timescale",
            "RAG status",
            "% Complete",
            "Desired outcome",
        ]
    )
    assert found == {
        "reference": 0,
        "description": 1,
        "owners": 2,
        "target": 3,
        "rag": 4,
        "percent_complete": 5,
        "project": 6,
    }


def test_section_rows_start_themes_and_targets_are_kept_as_written(plan, people, plan_admin):
    data = xlsx(ANNEX, merges={"Action plan": ["A1:E1", "A4:E4", "A7:E7"]})
    preview = build_preview(plan=plan, source=read_upload("annex2.xlsx", data))
    assert [(t.reference, t.title) for t in preview.new_themes] == [
        ("1", "Local Access Points"),
        ("2", "Customer Contact"),
    ]
    assert preview.counts["create"] == 4 and preview.unknown_owners == ["Jo Bloggs"]
    import_apply(plan=plan, filename="annex2.xlsx", data=data, user=plan_admin)

    first = Action.objects.get(reference="1(a)")
    assert (first.theme.reference, first.theme.title) == ("1", "Local Access Points")
    assert first.target == "Mid November 2004" and first.target_latest == date(2004, 11, 20)
    assert [link.owner for link in first.action_owners.order_by("position")] == [
        people["RF"],
        people["PAG"],
    ]
    assert first.updates.get().narrative == "Site agreed"
    assert Action.objects.get(reference="2(a)").action_owners.get().owner == people["PW"]
    unknown = Action.objects.get(reference="2(b)")
    assert unknown.owners_as_written == "Jo Bloggs" and not unknown.action_owners.exists()
    assert not Owner.objects.filter(name="Jo Bloggs").exists()


def test_unknown_owners_are_created_only_when_the_user_agrees(plan, people, plan_admin):
    data = xlsx(ANNEX)
    result = import_apply(
        plan=plan, filename="annex2.xlsx", data=data, user=plan_admin, create_owners=True
    )
    assert result.owners_created == ["Jo Bloggs"]
    action = Action.objects.get(reference="2(b)")
    assert action.action_owners.get().owner.name == "Jo Bloggs"
    owner = Owner.objects.get(name="Jo Bloggs")
    assert owner.history.get().history_change_reason == "Imported from annex2.xlsx"


def test_importing_the_same_council_sheet_again_changes_nothing(plan, people, plan_admin):
    data = xlsx(ANNEX)
    import_apply(plan=plan, filename="annex2.xlsx", data=data, user=plan_admin)
    again = build_preview(plan=plan, source=read_upload("annex2.xlsx", data))
    assert again.counts["unchanged"] == 4 and not again.has_writes


@pytest.mark.parametrize("chunk", [7, 16, 33, 4096])
def test_merged_cells_are_found_whatever_chunks_the_sheet_is_read_in(monkeypatch, chunk):
    rows = [["Ref", "Action", "Owner"]]
    rows += [[str(n), f"Task {n}", f"O{n // 2}" if n % 2 == 0 else None] for n in range(40)]
    merges = [f"C{n}:C{n + 1}" for n in range(2, 42, 2)]  # each owner over two rows
    monkeypatch.setattr(reader, "MERGE_SCAN_BYTES", chunk)  # refs cut by a chunk's end
    (sheet,) = read_upload("plan.xlsx", xlsx({"Plan": rows}, merges={"Plan": merges})).sheets
    owners = [row.values.get("owners") for row in sheet.rows]
    assert owners == [f"O{n // 2}" for n in range(40)]


def test_merged_cells_fill_every_row_they_cover(plan, people, plan_admin):
    rows = [
        ["Criterion", "Desired outcome", "Action", "Lead officer", "Timescale", "RAG"],
        [
            "Criterion 1 – Customer Insight",
            "We know our customers",
            "Run a survey",
            "RF",
            "Dec 2012",
            "Green",
        ],
        [None, None, "Analyse complaints", "PW", "Q4 2012/13", "Amber"],
        [None, "Staff are trained", "Train staff", "RF", "2013", "R"],
    ]
    data = xlsx({"CSE": rows}, merges={"CSE": ["A2:A4", "B2:B3"]})
    import_apply(plan=plan, filename="cse.xlsx", data=data, user=plan_admin)
    theme = Theme.objects.get(plan=plan)
    assert (theme.reference, theme.title, theme.kind) == (
        "1",
        "Customer Insight",
        ThemeKind.CSE_CRITERION,
    )
    survey, complaints, train = Action.objects.order_by("pk")
    assert survey.project == complaints.project and survey.project.title == "We know our customers"
    assert train.project.title == "Staff are trained" and train.theme == theme
    assert (survey.rag, complaints.rag, train.rag) == ("green", "amber", "red")


def test_several_sheets_each_with_a_theme_column(plan, people, plan_admin):
    sheets = {
        "Access": [
            ["Theme", "Action", "Owner", "Status"],
            ["Telephone Access", "Answer in 20s", "RF", "On track"],
        ],
        "Web": [
            ["Theme", "Action", "Owner", "Status"],
            ["Website", "Launch new site", "PW", "complete"],
        ],
    }
    import_apply(plan=plan, filename="two.xlsx", data=xlsx(sheets), user=plan_admin)
    phone, web = Action.objects.order_by("pk")
    assert phone.theme.title == "Telephone Access" and phone.status == Status.ON_TRACK
    assert web.theme.title == "Website" and web.status == Status.COMPLETED and web.completed_on


def test_a_semicolon_separated_windows_csv_imports(plan, people, plan_admin):
    text = "Theme;Ref;Action;Owner;Target date\n4;1(a);R\u00e9view the phone menu;RF;31/03/2013\n"
    import_apply(plan=plan, filename="plan.csv", data=text.encode("cp1252"), user=plan_admin)
    action = Action.objects.get()
    assert action.description == "R\u00e9view the phone menu"
    assert action.theme.reference == "4" and action.target_latest == date(2013, 3, 31)


def test_row_errors_are_reported_and_those_rows_left_out(plan, people, plan_admin):
    rows = [
        ["Theme", "Ref", "Action", "Status", "% complete"],
        ["1", "a", "Good row", "On track", 50],
        ["1", "b", "Unknown status", "Nearly there", None],
        ["1", "c", "Bad percentage", None, 150],
        ["1", "a", "Same reference again", None, None],
        [None, "d", "Theme continued from above", None, None],
    ]
    data = xlsx({"Plan": rows})
    preview = build_preview(plan=plan, source=read_upload("p.xlsx", data))
    outcomes = {row.number: (row.outcome, row.messages) for row in preview.rows()}
    assert outcomes[2][0] == Outcome.CREATE
    # Council wording is never a reason to refuse a row: a warning, the words kept in notes.
    assert outcomes[3][0] == Outcome.CREATE
    assert "Nearly there" in outcomes[3][1][0] and "kept in the action's notes" in outcomes[3][1][0]
    assert "from 0 to 100" in outcomes[4][1][0]
    assert "also on row 2" in outcomes[5][1][0]
    # A blank theme cell continues the theme above (as a merged cell would).
    assert outcomes[6][0] == Outcome.CREATE
    result = import_apply(plan=plan, filename="p.xlsx", data=data, user=plan_admin)
    assert result.created == 3 and result.left_out == 2
    assert list(Action.objects.order_by("pk").values_list("description", "notes")) == [
        ("Good row", ""),
        ("Unknown status", "Status: Nearly there"),
        ("Theme continued from above", ""),
    ]


def test_a_formula_guard_quote_from_our_export_is_removed_but_an_officers_own_is_kept(
    plan, people, plan_admin
):
    rows = [
        ["Theme", "Action", "Owner"],
        ["1", "'=cost review", "RF"],
        ["1", "'Quoted' plan", "RF"],
    ]
    import_apply(plan=plan, filename="q.xlsx", data=xlsx({"Plan": rows}), user=plan_admin)
    assert list(Action.objects.order_by("pk").values_list("description", flat=True)) == [
        "=cost review",
        "'Quoted' plan",
    ]


def test_a_rag_colour_in_the_status_column_is_read_as_the_rag(plan, people, plan_admin):
    rows = [["Theme", "Action", "Lead officer", "Status"], ["1", "Survey customers", "RF", "Amber"]]
    import_apply(plan=plan, filename="s.xlsx", data=xlsx({"Plan": rows}), user=plan_admin)
    action = Action.objects.get()
    assert (action.rag, action.status) == ("amber", Status.NOT_STARTED)


LEAVERS = {
    "Plan": [
        ["Ref", "Action", "Lead officer", "Target date"],
        ["1. Access"],
        ["1(a)", "Open the centre", "Paul Williams", "March 2025"],
        ["1(b)", "Extend hours", "PW", "March 2025"],
        ["1(c)", "Train staff", "Paulie / RF", "March 2025"],
    ]
}


def _leaver(people: dict[str, Owner]) -> Owner:
    leaver = people["PW"]
    leaver.is_active, leaver.aliases = False, "Paulie"
    leaver.save()
    return leaver


def test_a_leaver_is_never_matched_by_name_initials_or_alias(plan, people, plan_admin):
    _leaver(people)
    data = xlsx(LEAVERS)
    preview = build_preview(plan=plan, source=read_upload("leavers.xlsx", data))
    rows = preview.rows()
    assert [row.outcome for row in rows] == [Outcome.CREATE] * 3
    for row in rows:
        assert any("Paul Williams (PW) has left the organisation" in m for m in row.messages)
    assert preview.unknown_owners == []  # a leaver is not offered as a new owner either

    import_apply(plan=plan, filename="leavers.xlsx", data=data, user=plan_admin, create_owners=True)
    assert not Action.objects.filter(action_owners__owner=people["PW"]).exists()
    assert Owner.objects.filter(name="Paul Williams").count() == 1  # no second Paul Williams
    third = Action.objects.get(reference="1(c)")
    assert third.owners_as_written == "Paulie / RF"
    assert [link.owner for link in third.action_owners.all()] == [people["RF"]]


def test_an_owner_still_with_the_organisation_wins_a_name_a_leaver_shares(plan, people, plan_admin):
    _leaver(people)
    successor = Owner.objects.create(
        organisation=plan.organisation, name="Pat Walker", short_name="PW"
    )
    import_apply(plan=plan, filename="leavers.xlsx", data=xlsx(LEAVERS), user=plan_admin)
    second = Action.objects.get(reference="1(b)")
    assert [link.owner for link in second.action_owners.all()] == [successor]
